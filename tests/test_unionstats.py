"""unionstats.com state and metro tables: the reader on hand-made workbooks in the database's
layout, downloads (mocked), the metro sample-size threshold, the sample and the CLI; and the
union coverage section against hand calculations.

Expected values: the California and Alabama 1989 rows are the published figures of the 1989
state page (unionstats.com/state/htm/state_1989_files/sheet001.htm), the Fresno-Madera and
Chicago 2014 rows those of the 2014 metro page (unionstats.com/msa/htm/msa_2014_files/
sheet001.htm); every other number is made up here, and results are worked out by hand below.
"""

from __future__ import annotations

import logging
import math

import openpyxl
import pandas as pd
import pytest
import responses
from typer.testing import CliRunner

from assessment import download
from assessment.cli import app
from assessment.errors import DownloadError, InputError
from assessment.paths import Mode
from assessment.region import Disclosure
from assessment.sample import unionstats as sample_us
from assessment.sample.universe import SEED, Universe
from assessment.sections import unions
from assessment.sources import unionstats as us

STATE_HEADER = ["State Census Code", "State", "Sector", "Obs", "Employment (in 1000s)",
                "Members (in 1000s)", "Covered (in 1000s)", "% Mem", "% Cov"]
METRO_HEADER = ["FIPS code", "Metropolitan Area", *STATE_HEADER[2:]]

# Published, 1989 state page (shares as the workbook stores them: fractions).
CA_1989 = [
    (93, "California", "Total", 10362, 11826, 2239, 2584, 0.189, 0.219),
    (93, "California", "Public", 1718, 1913, 919, 1105, 0.480, 0.578),
    (93, "California", "Private", 8644, 9913, 1320, 1479, 0.133, 0.149),
    (93, "California", "Priv. Manufacturing", 1950, 2239, 407, 446, 0.182, 0.199),
    (93, "California", "Priv. Construction", 591, 710, 184, 193, 0.259, 0.272),
]
AL_1989 = [(63, "Alabama", "Total", 2148, 1605, 221, 253, 0.138, 0.157),
           (63, "Alabama", "Priv. Manufacturing", 556, 414, 94, 98, 0.227, 0.237)]
# Published, 2014 metro page: code and name on the first row of each area only.
METRO_2014 = [
    (None, "CMSAs", None, None, None, None, None, None, None),
    (176, "Chicago-Naperville-Michigan City, IL-IN-WI", "Total", 3958, 4147, 667, 706, 0.161,
     0.170),
    (None, None, "Priv Manufacturing", 514, 536, 68, 74, 0.127, 0.137),
    (260, "Fresno-Madera, CA", "Total", 367, 390, 71, 76, 0.182, 0.195),
    (None, None, "Public", 91, 92, 51, 54, 0.558, 0.593),
    (None, None, "Private", 276, 298, 20, 22, 0.067, 0.073),
    (None, None, "Priv Manufacturing", 22, 24, 0, 0, 0.0, 0.0),
]


def workbook(path, title, header, rows, *, blank_second=True):
    """A sheet laid out as unionstats publishes it: title, (blank,) header, data, a note."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append([title])
    if blank_second:
        ws.append([])
    ws.append(header)
    for r in rows:
        ws.append(list(r))
        for cell in ws[ws.max_row][7:9]:
            cell.number_format = "0.0%"
    ws.append([])
    ws.append(["Source: Current Population Survey (CPS) Outgoing Rotation Group Earnings Files"])
    wb.save(path)
    return path


def state_book(path, rows=CA_1989 + AL_1989, year=1989, **kw):
    return workbook(path, f"Union Membership, Coverage, Density and Employment by State: {year}",
                    STATE_HEADER, rows, **kw)


def metro_book(path, rows=METRO_2014, year=2014,
               what="Union Membership, Coverage, Density and Employment by CMSA, MSA & PMSA"):
    return workbook(path, f"{what}: {year}", METRO_HEADER, rows)


def _problems(exc: InputError) -> list[tuple]:
    return [(p.row, p.column, p.rule) for p in exc.problems]


# --- reading ----------------------------------------------------------------------------------


def test_state_table_reads_published_1989_figures(tmp_path):
    df = us.read(state_book(tmp_path / "state_1989.xlsx"))
    assert list(df.columns) == us.TIDY_COLUMNS
    assert list(df.index) == [4, 5, 6, 7, 8, 9, 10]  # sheet rows: title, blank, header first
    ca = df[(df.area_code == "06") & (df.sector == us.PRIVATE_MANUFACTURING)].iloc[0]
    assert (ca.year, ca.area_type, ca.area, ca.state) == (1989, "state", "California", "CA")
    assert (ca.observations, ca.employment, ca.members, ca.covered) == (1950, 2239, 407, 446)
    assert ca.pct_members == pytest.approx(18.2) and ca.pct_covered == pytest.approx(19.9)
    assert set(df.sector) == set(us.SECTORS)
    al = df[df.area_code == "01"]
    assert set(al.state) == {"AL"} and set(al.sector) == {us.TOTAL, us.PRIVATE_MANUFACTURING}


def test_region_keeps_its_state(tmp_path, region):
    df = us.read(state_book(tmp_path / "s.xlsx"), region)
    assert set(df.area_code) == {"06"} and len(df) == 5


def test_header_found_without_the_blank_line_and_percent_text_read(tmp_path):
    rows = [(*r[:7], f"{r[7]:.1%}", f"{r[8]:.1%}") for r in CA_1989]  # "18.2%" as text
    df = us.read(state_book(tmp_path / "s.xlsx", rows, blank_second=False))
    pm = df[df.sector == us.PRIVATE_MANUFACTURING].iloc[0]
    assert pm.pct_members == pytest.approx(18.2) and pm.pct_covered == pytest.approx(19.9)


def test_shares_stored_as_percents_are_read_as_percents(tmp_path):
    rows = [(*r[:7], r[7] * 100, r[8] * 100) for r in CA_1989]
    df = us.read(state_book(tmp_path / "s.xlsx", rows))
    assert df.loc[df.sector == us.TOTAL, "pct_covered"].iloc[0] == pytest.approx(21.9)


def test_metro_table_carries_code_and_name_down_and_skips_headings(tmp_path):
    df = us.read(metro_book(tmp_path / "msa_2014.xlsx"))
    assert list(df.index) == [5, 6, 7, 8, 9, 10]  # row 4 is the "CMSAs" heading
    fresno = df[df.area_code == "260"].set_index("sector")
    assert list(fresno.index) == [us.TOTAL, us.PUBLIC, us.PRIVATE, us.PRIVATE_MANUFACTURING]
    assert set(fresno.area) == {"Fresno-Madera, CA"} and set(fresno.state) == {"CA"}
    assert fresno.loc[us.PUBLIC, "observations"] == 91
    assert fresno.loc[us.PUBLIC, "pct_covered"] == pytest.approx(59.3)
    chicago = df[df.area_code == "176"]
    assert set(chicago.state) == {"IL-IN-WI"}
    assert chicago.loc[chicago.sector == us.PRIVATE_MANUFACTURING, "members"].iloc[0] == 68
    assert set(df.year) == {2014} and set(df.area_type) == {"metro"}


def test_state_code_must_match_the_state_name(tmp_path):
    rows = [(93, "Oregon", *CA_1989[0][2:])]
    with pytest.raises(InputError) as e:
        us.read(state_book(tmp_path / "s.xlsx", rows))
    assert _problems(e.value) == [(4, "State", "Census state code 93 is California")]
    assert "s.xlsx" in str(e.value)


def test_unknown_sector_and_bad_number_name_row_and_column(tmp_path):
    rows = [CA_1989[0], (93, "California", "Agriculture", 10, 9, 1, 1, 0.1, 0.1),
            (93, "California", "Public", "n/a", 1913, 919, 1105, 0.48, 0.578)]
    with pytest.raises(InputError) as e:
        us.read(state_book(tmp_path / "s.xlsx", rows))
    got = _problems(e.value)
    assert (5, "Sector", f"sector must be one of {', '.join(us.SECTORS)}") in got
    assert (6, "observations", "not a number") in got


def test_missing_value_is_refused(tmp_path):
    rows = [(93, "California", "Total", 10362, 11826, None, 2584, 0.189, 0.219)]
    with pytest.raises(InputError) as e:
        us.read(state_book(tmp_path / "s.xlsx", rows))
    assert _problems(e.value) == [(4, "members", "value missing (the table publishes every"
                                               " cell)")]


def test_share_inconsistent_with_levels_is_refused(tmp_path):
    # 446 / 2,239 is 19.9%; 29.9% is off by 10 points (tolerance here about 0.17 points).
    rows = [(93, "California", "Priv. Manufacturing", 1950, 2239, 407, 446, 0.182, 0.299)]
    with pytest.raises(InputError) as e:
        us.read(state_book(tmp_path / "s.xlsx", rows))
    assert _problems(e.value) == [(4, None, "% Mem and % Cov must be members and covered as a"
                                            " share of employment")]


def test_members_above_covered_is_refused(tmp_path):
    rows = [(93, "California", "Priv. Manufacturing", 1950, 2239, 460, 446, 0.205, 0.199)]
    with pytest.raises(InputError) as e:
        us.read(state_book(tmp_path / "s.xlsx", rows))
    assert (4, None, "members must not exceed covered, nor covered employment") in \
        _problems(e.value)


def test_other_tables_are_not_taken_for_unionstats(tmp_path):
    wb = openpyxl.Workbook()
    wb.active.append(["Labor Force Data by County, 2023 Annual Averages"])
    wb.active.append(["Code", "County", "Labor Force"])
    wb.save(tmp_path / "x.xlsx")
    with pytest.raises(InputError, match="no header row with 'Sector' and 'Obs'"):
        us.read(tmp_path / "x.xlsx")
    wb = openpyxl.Workbook()
    wb.active.append(["Some other title"])
    wb.active.append(STATE_HEADER)
    wb.active.append(CA_1989[0])
    wb.save(tmp_path / "y.xlsx")
    with pytest.raises(InputError, match="no title"):
        us.read(tmp_path / "y.xlsx")


def test_continuation_row_without_a_metro_is_refused(tmp_path):
    rows = [(None, None, "Total", 367, 390, 71, 76, 0.182, 0.195)]
    with pytest.raises(InputError) as e:
        us.read(metro_book(tmp_path / "m.xlsx", rows))
    assert _problems(e.value) == [(4, "Metropolitan Area", "sector row without a metro area"
                                                           " above it")]


# --- files, download, threshold ---------------------------------------------------------------


def test_remote_files(region, dirs):
    state, metro = us.remote_files(region, dirs)
    assert state.url == "https://unionstats.com/state/xls/state_2024.xlsx"
    assert metro.url == "https://unionstats.com/msa/xls/msa_2024.xlsx"
    assert state.dest == dirs.raw / "unionstats" / "state" / "state_2024.xlsx"
    assert metro.dest == dirs.raw / "unionstats" / "msa" / "msa_2024.xlsx"


def _state_2024_bytes(tmp_path):
    rows = [(93, "California", "Priv. Manufacturing", 900, 1400, 70, 77, 0.05, 0.055)]
    return state_book(tmp_path / "body.xlsx", rows, year=2024).read_bytes()


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@responses.activate
def test_download_is_checked_and_recorded(tmp_path, region, dirs, fast_http):
    rf = us.remote_files(region, dirs)[0]
    body = _state_2024_bytes(tmp_path)
    responses.get(rf.url, body=body, content_type=XLSX)
    download.fetch([rf])
    assert rf.dest.read_bytes() == body
    entry = download.read_manifest(rf.dest.parent)[rf.dest.name]
    assert entry["url"] == rf.url and entry["bytes"] == len(body)


@responses.activate
def test_html_error_page_is_refused(region, dirs, fast_http):
    rf = us.remote_files(region, dirs)[0]
    responses.get(rf.url, body=b"<!DOCTYPE html><html><body>Page not found</body></html>",
                  content_type="text/html")
    with pytest.raises(DownloadError, match="HTML page"):
        download.fetch([rf])
    assert not rf.dest.exists()


@responses.activate
def test_not_found_is_refused(region, dirs, fast_http):
    rf = us.remote_files(region, dirs)[1]
    responses.get(rf.url, status=404)
    with pytest.raises(DownloadError, match="404"):
        download.fetch([rf])
    assert not rf.dest.exists()


@responses.activate
def test_a_workbook_of_another_year_is_refused(tmp_path, region, dirs, fast_http):
    rf = us.remote_files(region, dirs)[0]
    rows = [(93, "California", "Total", 900, 1400, 70, 77, 0.05, 0.055)]
    responses.get(rf.url, body=state_book(tmp_path / "b.xlsx", rows, year=2023).read_bytes(),
                  content_type=XLSX)
    with pytest.raises((DownloadError, InputError), match="2023|2024"):
        download.fetch([rf])
    assert not rf.dest.exists()


def _metro_2024(path):
    # Fresno (23420) private manufacturing 99 observations: below 100, left out; Bakersfield
    # (12540) 100 observations: at the threshold, kept; Los Angeles is not a region metro.
    rows = [
        (23420, "Fresno, CA", "Total", 260, 400, 60, 64, 0.15, 0.16),
        (None, None, "Priv Manufacturing", 99, 30, 3, 3, 0.10, 0.10),
        (12540, "Bakersfield-Delano, CA", "Total", 190, 300, 57, 60, 0.19, 0.20),
        (None, None, "Priv Manufacturing", 100, 20, 2, 3, 0.10, 0.15),
        (31080, "Los Angeles-Long Beach-Anaheim, CA", "Priv Manufacturing", 400, 500, 40, 45,
         0.08, 0.09),
    ]
    return metro_book(path, rows, 2024, "Union Membership, Coverage, Density and Employment by"
                                        " Metropolitan Area")


def test_metro_threshold_keeps_cells_at_or_above_100(tmp_path):
    metro = us.read(_metro_2024(tmp_path / "m.xlsx"))
    kept, withheld = us.reliable_metro_rows(metro)
    assert us.MIN_METRO_OBSERVATIONS == 100
    assert list(zip(kept.area_code, kept.sector, strict=True)) == [
        ("23420", us.TOTAL), ("12540", us.TOTAL), ("12540", us.PRIVATE_MANUFACTURING),
        ("31080", us.PRIVATE_MANUFACTURING)]
    assert list(zip(withheld.area_code, withheld.observations, strict=True)) == [("23420", 99)]


def test_process_keeps_state_and_reliable_region_metros(tmp_path, region, dirs, caplog):
    us.state_path(dirs, 2024).parent.mkdir(parents=True)
    state_book(us.state_path(dirs, 2024),
               [(93, "California", "Priv. Manufacturing", 900, 1400, 70, 77, 0.05, 0.055),
                (31, "Ohio", "Priv. Manufacturing", 300, 600, 60, 66, 0.10, 0.11)], 2024)
    us.metro_path(dirs, 2024).parent.mkdir(parents=True)
    _metro_2024(us.metro_path(dirs, 2024))
    with caplog.at_level(logging.WARNING, logger="assessment.sources.unionstats"):
        t = us.process(region, dirs)["unionstats"]
    assert list(zip(t.area_code, t.sector, strict=True)) == [
        ("06", us.PRIVATE_MANUFACTURING), ("12540", us.TOTAL),
        ("12540", us.PRIVATE_MANUFACTURING), ("23420", us.TOTAL)]
    assert "Fresno, CA: left out for fewer than 100 CPS observations: Private manufacturing" \
           " (99)" in caplog.text
    assert "no rows for CBSA 25260" in caplog.text  # Kings (Hanford) is not in the file


# --- sample and CLI ---------------------------------------------------------------------------


def test_sample_workbooks_read_back_in_the_same_layout(region, dirs):
    written = sample_us.build(region, dirs, Universe(region, SEED))
    state = us.read(written[0])
    assert len(state) == 51 * 5 and state.area_code.nunique() == 51
    metro = us.read(written[1], region)
    assert set(metro.area_code) == set(us.region_metros(region))
    assert download.read_manifest(written[0].parent)[written[0].name][download.SAMPLE_KEY]


def test_cli_read(tmp_path):
    out = tmp_path / "out.csv"
    result = CliRunner().invoke(app, ["read", "unionstats", str(metro_book(tmp_path / "m.xlsx")),
                                      "-o", str(out)])
    assert result.exit_code == 0, result.output
    back = pd.read_csv(out, dtype={"area_code": str})
    assert back.area_code.tolist() == ["176", "176", "260", "260", "260", "260"]


# --- the section ------------------------------------------------------------------------------

RULE = Disclosure(min_respondents=5, max_share=0.8)


def _employers(yes_a: int, yes_b: int) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Two strata of six respondents each: A with weight 10 (60 establishments), B with
    weight 5 (30); ``yes_a`` / ``yes_b`` of them report an agreement ("all" or "some")."""
    rows, weights = [], []
    for stratum, weight, yes in (("A", 10.0, yes_a), ("B", 5.0, yes_b)):
        for i in range(6):
            rid = f"{stratum}{i}"
            status = ("all" if i % 2 == 0 else "some") if i < yes else "none"
            rows.append({"respondent_id": rid, "union_status": status})
            weights.append({"respondent_id": rid, "stratum": stratum, "weight": weight})
    return pd.DataFrame(rows), pd.DataFrame(weights)


def test_cba_share_against_a_hand_calculation():
    employers, weights = _employers(2, 3)
    s = unions.cba_share(employers, weights, RULE)
    assert s.answering == 12 and s.shown and s.weighted_shown
    assert s.share == pytest.approx(100 * 5 / 12)  # 41.67%
    assert s.weighted_share == pytest.approx(100 * (2 * 10 + 3 * 5) / 90)  # 38.89%
    # W_A = 60/90, p_A = 1/3; W_B = 30/90, p_B = 1/2:
    # var = (2/3)^2 (1/3)(2/3) / 5 + (1/3)^2 (1/2)(1/2) / 5 = 0.0197531 + 0.0055556
    assert s.weighted_margin == pytest.approx(1.96 * math.sqrt(0.0253086) * 100, rel=1e-4)
    assert s.margin == pytest.approx(1.96 * math.sqrt(5 / 12 * 7 / 12 / 12) * 100)


def test_cba_share_withheld_when_one_establishment_has_an_agreement():
    employers, weights = _employers(1, 0)  # one "yes": it holds 100% of the count
    s = unions.cba_share(employers, weights, RULE)
    assert not s.shown and not s.weighted_shown
    assert math.isnan(s.share) and math.isnan(s.weighted_share)


def _context(region, employers=None, weights=None, table=None):
    if table is None:
        table = pd.DataFrame([
            {"year": 2024, "area_type": "state", "area_code": "06", "area": "California",
             "state": "CA", "sector": us.PRIVATE_MANUFACTURING, "observations": 833,
             "employment": 1330.0, "members": 80.0, "covered": 88.0, "pct_members": 6.0,
             "pct_covered": 6.6},
            {"year": 2024, "area_type": "state", "area_code": "06", "area": "California",
             "state": "CA", "sector": us.TOTAL, "observations": 11000, "employment": 18000.0,
             "members": 2700.0, "covered": 2900.0, "pct_members": 15.0, "pct_covered": 16.1},
            {"year": 2024, "area_type": "metro", "area_code": "23420", "area": "Fresno, CA",
             "state": "CA", "sector": us.PRIVATE_MANUFACTURING, "observations": 120,
             "employment": 30.0, "members": 3.0, "covered": 3.3, "pct_members": 10.0,
             "pct_covered": 11.0},
        ])
    return unions.Context(region, Mode.SAMPLE, table, employers, weights, "Employer survey")


def test_coverage_table_against_a_hand_calculation(region):
    employers, weights = _employers(2, 3)
    t = unions.coverage_table(_context(region, employers, weights))
    assert list(t.columns) == unions.COLUMNS
    assert t["Area"].tolist() == ["California", "California", "Fresno, CA (metro area)",
                                  "Fresno, CA (metro area)", "San Joaquin Valley (region)",
                                  "San Joaquin Valley (region)"]
    assert t["Share (%)"].round(2).tolist() == [6.0, 6.6, 10.0, 11.0, 38.89, 41.67]
    # 1.96 sqrt(0.06 x 0.94 / 833) = 0.01613; 1.96 sqrt(0.10 x 0.90 / 120) = 0.05368
    assert t.loc[0, "Margin, 95% (± points)"] == pytest.approx(1.613, abs=1e-3)
    assert t.loc[2, "Margin, 95% (± points)"] == pytest.approx(5.368, abs=1e-3)
    assert t["Sample size"].tolist() == [833, 833, 120, 120, 12, 12]
    assert t["Sample"].tolist() == ["CPS respondents"] * 4 + ["responding establishments"] * 2
    note = unions.note(_context(region, employers, weights))
    assert "7 of the region's 8 metro areas are not" in note
    assert "SYNTHETIC" in unions.source(_context(region, employers, weights))


def test_withheld_survey_share_is_missing_not_zero(region):
    employers, weights = _employers(1, 0)
    t = unions.coverage_table(_context(region, employers, weights))
    survey = t[t["Sample"] == "responding establishments"]
    assert survey["Share (%)"].isna().all() and survey["Sample size"].tolist() == [12, 12]


def test_findings_are_computed_sentences(region):
    employers, weights = _employers(2, 3)
    items = unions.findings(_context(region, employers, weights))
    assert items[0] == ("In California, 6.0% of private manufacturing wage and salary workers "
                        "were union members in 2024 and 6.6% were covered by a union contract "
                        "(CPS, 833 respondents; about ±1.7 points).")
    assert items[1].startswith("In the Fresno, CA metro area, 11.0% of private manufacturing")
    assert items[2].startswith("Weighted to all manufacturing establishments in the region, "
                               "39% (±31 points)")
    assert "42% of the 12 responding establishments" in items[2]


def test_findings_without_metros_or_survey(region):
    table = _context(region).unionstats.query("area_type == 'state'")
    items = unions.findings(_context(region, table=table))
    assert len(items) == 2 and items[1].startswith("No metro area of the region has the 100")


def test_a_region_outside_california_reads_its_own_state(tmp_path):
    from assessment import sources
    from assessment.region import load_region

    ohio = load_region("config/regions/central-ohio.yml")
    assert sources.applies("unionstats", ohio)  # a national source
    rows = CA_1989 + [(31, "Ohio", "Priv. Manufacturing", 300, 600, 60, 66, 0.10, 0.11)]
    df = us.read(state_book(tmp_path / "s.xlsx", rows), ohio)
    assert df[["area_code", "state", "sector"]].values.tolist() == [
        ["39", "OH", us.PRIVATE_MANUFACTURING]]
