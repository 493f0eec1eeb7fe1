"""EDD long-term occupational projections in both of EDD's layouts: the 2023-2033 one (ten-year
totals, one header row with footnote markers; the hand-made workbook
tests/fixtures/edd_projections/frsn_OccProj.xlsx and variants of it) and the older one with
annual figures (pristine and as pandas re-exports it, built here with openpyxl); real EDD files
of both releases, the command line, remote files, mocked downloads and the sample.

Expected values are the numbers written into the hand-made workbooks, hand calculations next
to them, or values published in the real files (../shared/realdata/PROVENANCE.md).
"""

from __future__ import annotations

import shutil
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
import responses
from typer.testing import CliRunner

from assessment import download, paths
from assessment.cli import app
from assessment.errors import DownloadError, InputError
from assessment.sample import edd_projections as sample_proj
from assessment.sample.universe import Universe
from assessment.sources import edd_projections as proj

TITLE_ROWS = [
    ["Employment Development Department", None, None, None, None, None,
     "2016-2026 Occupational Employment Projections"],
    ["Labor Market Information Division", None, None, "Fresno Metropolitan Statistical Area"],
    ["Published: May 2019", None, None, None, None, None, "(Fresno County)"],
]
HEADER = ["SOC Level*", "SOC Code**", "Occupational Title",
          "Base Year Employment Estimate 2016***", "Projected Year Employment Estimate 2026",
          "Numeric Change 2016-2026 [1]", "Percent-age Change 2016-2026",
          "Average Annual\nJob Openings", None, None, None, "2018 First Quarter Wages [5]", None,
          "Education and Training Levels [6]", None, None]
SUBHEADER = [None] * 7 + ["Exits\n[2]", "Transfers [3]", "NumericChange",
                          "Total Job Openings\n[4]", "Median Hourly", "Median Annual",
                          "Entry Level Education", "Work Experience", "On-the-Job Training"]
# Hand-made, with EDD's identities: change = projected - base; openings = exits + transfers +
# annual change; percent change = change / base as a fraction.
DATA = [
    [1, "00-0000", "Total, All Occupations", 407400, 446800, 39400, 39400 / 407400, 20454,
     28235, 3938, 52627, 16.15, 33598, None, None, None],
    [2, "51-0000", "Production Occupations", 24000, 25000, 1000, 1000 / 24000, 1100, 1500, 100,
     2700, 0, 0, None, None, None],
    [4, "51-4041", "Machinists", 730, 700, -30, -30 / 730, 21, 29, -3, 47, 23.10, 48048,
     "High school diploma or equivalent", "None", "Long-term on-the-job training"],
    [4, "51-4121", "Welders, Cutters, Solderers, and Brazers", 1200, 1320, 120, 0.1, 40, 70, 12,
     122, 21.5, 44720, "High school diploma or equivalent", "None",
     "Moderate-term on-the-job training"],
]
FOOTNOTES = [[], [None, "*", "The occupations in the Standard Occupational Classification"],
             [None, "[5]", "An estimate could not be provided for wages listed as $0."],
             [None, None, "https://data.edd.ca.gov/"]]


def pristine_rows(data=DATA):
    return TITLE_ROWS + [HEADER, SUBHEADER] + [list(r) for r in data] + FOOTNOTES


def write(path, rows):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Sheet1"
    for r in rows:
        ws.append(r)
    wb.save(path)
    return path


def reexported_rows(data=DATA):
    """What ``pd.read_excel(...).to_excel(...)`` makes of it: the first row becomes a header
    with ``Unnamed: n`` placeholders, and an index column is put in front."""
    rows = pristine_rows(data)
    first = [v if v is not None else f"Unnamed: {j}" for j, v in enumerate(rows[0])]
    out = [[None] + first + [f"Unnamed: {j}" for j in range(len(first), 16)]]
    out += [[i] + r for i, r in enumerate(rows[1:])]
    return out


def test_pristine_layout(tmp_path):
    df = proj.read(write(tmp_path / "frsn_OccProj.xlsx", pristine_rows()))
    assert list(df.columns) == proj.TIDY_COLUMNS
    assert list(df.index) == [6, 7, 8, 9]  # sheet rows: 3 title lines, 2 header lines
    total = df.loc[6]
    assert (total.area_code, total.area_title, total.soc, total.soc_level) == (
        "FRSN", "Fresno Metropolitan Statistical Area", "00-0000", 1)
    assert (total.base_year, total.proj_year) == (2016, 2026)
    assert (total.base_emp, total.proj_emp, total.change) == (407400, 446800, 39400)
    assert total["pct_change"] == pytest.approx(9.671085, abs=1e-6)  # 100 x 39,400 / 407,400
    assert (total.exits, total.transfers, total.annual_change, total.total_openings) == (
        20454, 28235, 3938, 52627)
    machinists = df.loc[8]
    assert (machinists.change, machinists.annual_change) == (-30, -3)
    assert machinists.job_training == "Long-term on-the-job training"
    assert machinists.work_experience == "None"  # EDD's category, not a missing value


def test_zero_wages_mean_no_estimate(tmp_path):
    df = proj.read(write(tmp_path / "x.xlsx", pristine_rows())).set_index("soc")
    production = df.loc["51-0000"]
    assert pd.isna(production.median_hourly) and pd.isna(production.median_annual)
    assert not production.wages_estimated
    assert df.loc["51-4041", "median_annual"] == 48048
    assert df.loc["51-4041", "wages_estimated"]
    assert df.loc["51-0000", "entry_education"] == ""


def test_reexported_layout_reads_the_same(tmp_path):
    pristine = proj.read(write(tmp_path / "frsn_OccProj.xlsx", pristine_rows()))
    again = proj.read(write(tmp_path / "frsn_occproj.xlsx", reexported_rows()))
    assert list(again.index) == [6, 7, 8, 9]  # the placeholder header replaced title row 1
    pd.testing.assert_frame_equal(pristine.reset_index(drop=True),
                                  again.reset_index(drop=True))


def test_percent_already_in_percent_is_kept(tmp_path):
    data = [list(r) for r in DATA]
    for r in data:
        r[6] = round(100 * r[5] / r[3], 1)
    df = proj.read(write(tmp_path / "x.xlsx", pristine_rows(data))).set_index("soc")
    assert df.loc["51-4121", "pct_change"] == 10.0  # 100 x 120 / 1,200


def test_change_not_matching_the_levels_is_refused(tmp_path):
    data = [list(r) for r in DATA]
    data[3][5] = 130  # 1,320 - 1,200 = 120
    with pytest.raises(InputError) as err:
        proj.read(write(tmp_path / "x.xlsx", pristine_rows(data)))
    problems = err.value.problems  # the percent (10.0) no longer matches 130 / 1,200 either
    assert {p.row for p in problems} == {9}
    assert any("projected minus base" in p.rule for p in problems)


def test_openings_not_adding_up_are_refused(tmp_path):
    data = [list(r) for r in DATA]
    data[2][10] = 60  # 21 + 29 - 3 = 47
    with pytest.raises(InputError) as err:
        proj.read(write(tmp_path / "x.xlsx", pristine_rows(data)))
    (p,) = err.value.problems  # one problem for the row, not one per column
    assert (p.row, p.column) == (8, None) and "exits + transfers" in p.rule


def test_figures_without_a_soc_code_are_refused(tmp_path):
    data = [list(r) for r in DATA]
    data[2][1] = "51 4041"
    with pytest.raises(InputError) as err:
        proj.read(write(tmp_path / "x.xlsx", pristine_rows(data)))
    (p,) = err.value.problems
    assert (p.row, p.column, p.value) == (8, "SOC Code", "51 4041")


def test_text_in_a_number_column_is_refused(tmp_path):
    data = [list(r) for r in DATA]
    data[3][7] = "forty"
    with pytest.raises(InputError) as err:
        proj.read(write(tmp_path / "x.xlsx", pristine_rows(data)))
    assert [(p.row, p.column, p.rule) for p in err.value.problems] == [
        (9, "exits", "not a number")]


def test_workbook_without_the_header_is_refused(tmp_path):
    with pytest.raises(InputError, match="no header row with 'SOC Code'"):
        proj.read(write(tmp_path / "x.xlsx", [["Occupation", "Employment"], ["A", 1]]))


def test_header_missing_columns_are_named(tmp_path):
    header = HEADER[:7] + [None] * 9
    with pytest.raises(InputError) as err:
        proj.read(write(tmp_path / "x.xlsx", [header, [None] * 16] + DATA))
    assert "exits" in err.value.problems[0].column


def test_older_layout_is_recorded_as_annual(tmp_path):
    df = proj.read(write(tmp_path / "frsn_OccProj.xlsx", pristine_rows()))
    assert set(df.layout) == {proj.ANNUAL}
    assert set(df.wage_period) == {"2018 Q1"}  # "2018 First Quarter Wages [5]"


# --- the 2023-2033 layout: ten-year totals ---------------------------------------------------

CURRENT = Path(__file__).resolve().parent / "fixtures" / "edd_projections" / "frsn_OccProj.xlsx"


def current_copy(tmp_path, edit=None, name="frsn_OccProj.xlsx"):
    """The hand-made 2023-2033 workbook, with ``edit(sheet)`` applied to sheet Occupational."""
    dest = tmp_path / name
    shutil.copy(CURRENT, dest)
    if edit:
        wb = openpyxl.load_workbook(dest)
        edit(wb["Occupational"])
        wb.save(dest)
    return dest


def test_current_layout_gives_annual_averages():
    df = proj.read(CURRENT)
    assert list(df.columns) == proj.TIDY_COLUMNS
    assert list(df.index) == [5, 6, 7, 8, 9, 10]  # 3 title rows, 1 header row; "End of ..." out
    assert set(df.layout) == {proj.PERIOD_TOTALS}
    assert set(df.wage_period) == {"2025 Q1"}  # note 10: "2025 first quarter wages"
    assert (set(df.base_year), set(df.proj_year)) == ({2023}, {2033})
    m = df.set_index("soc").loc["51-4041"]
    assert (m.area_code, m.area_title) == ("FRSN", "Fresno Metropolitan Statistical Area")
    assert (m.base_emp, m.proj_emp, m.change) == (22400, 23200, 800)  # levels and change kept
    # ten-year totals / (2033 - 2023): 8,920 / 10, 13,630 / 10, 800 / 10, 23,350 / 10
    assert (m.exits, m.transfers, m.annual_change, m.total_openings) == (
        892.0, 1363.0, 80.0, 2335.0)
    assert m["pct_change"] == pytest.approx(3.571429, abs=1e-6)  # 100 x 800 / 22,400
    assert m.median_hourly == 27.73 and m.median_annual == 57680.26 and m.wages_estimated
    assert m.job_training == "Long-term on-the-job training"
    w = df.set_index("soc").loc["51-4121"]  # a decline: -50 / 10 = -5 a year
    assert (w.annual_change, w.total_openings) == (-5.0, 105.0)  # (410 + 690 - 50) / 10
    assert w["pct_change"] == pytest.approx(-4.166667, abs=1e-6)  # 100 x -50 / 1,200
    total = df.set_index("soc").loc["00-0000"]
    assert total.entry_education == ""  # EDD's "N/A"


def test_current_layout_zero_wage_is_missing():
    df = proj.read(CURRENT).set_index("soc")
    metal = df.loc["51-4000"]  # published $0 / $0
    assert pd.isna(metal.median_hourly) and pd.isna(metal.median_annual)
    assert not metal.wages_estimated
    teachers = df.loc["25-1194"]  # hourly $0, annual $61,200.50
    assert pd.isna(teachers.median_hourly) and teachers.median_annual == 61200.5
    assert not teachers.wages_estimated
    assert not (df[["median_hourly", "median_annual"]] == 0).any().any()


def test_both_layouts_give_the_same_annual_figures(tmp_path):
    """The Machinists row as the older layout would publish it (annual figures) reads to the
    same exits, transfers, change and openings as the ten-year totals of the new one."""
    annual = [4, "51-4041", "Machinists", 22400, 23200, 800, 800 / 22400, 892, 1363, 80, 2335,
              27.73, 57680.26, "High school diploma or equivalent", "None",
              "Long-term on-the-job training"]
    old = proj.read(write(tmp_path / "frsn_occproj.xlsx", pristine_rows([annual])))
    new = proj.read(CURRENT).set_index("soc").loc[["51-4041"]].reset_index()
    cols = ["soc", "base_emp", "proj_emp", "change", "pct_change", "exits", "transfers",
            "annual_change", "total_openings", "median_hourly", "median_annual"]
    pd.testing.assert_frame_equal(old[cols].reset_index(drop=True), new[cols])


def test_current_layout_reexported_by_pandas_reads_the_same(tmp_path):
    """``pd.read_excel(...).to_excel(...)``: an index column in front, the first title row as a
    header of ``Unnamed: n`` placeholders, the Notes sheet lost (so no wage quarter), and
    EDD's category "None" read by pandas as missing (so the text columns differ)."""
    dest = tmp_path / "frsn_occproj.xlsx"
    pd.read_excel(CURRENT).to_excel(dest)
    again = proj.read(dest)
    first = proj.read(CURRENT)
    assert set(again.wage_period) == {""}
    same = [c for c in proj.TIDY_COLUMNS if c not in proj.TEXT + ["wage_period"]]
    pd.testing.assert_frame_equal(again[same], first[same])


def test_schema_describes_openings_as_annual_averages():
    for col in ("exits", "transfers", "annual_change", "total_openings"):
        assert "annual averages" in proj.SCHEMA.columns[col].description
    assert "in percent" in proj.SCHEMA.columns["pct_change"].description
    assert "$0" in proj.SCHEMA.columns["median_hourly"].description


def test_span_comes_from_the_header_years(tmp_path):
    def five_years(ws):
        ws["D4"] = "Base Year Employment Estimate 2024[4][5]"
        ws["E4"] = "Projected Year Employment Estimate 2029"

    df = proj.read(current_copy(tmp_path, five_years)).set_index("soc")
    assert (df.loc["51-4041", "base_year"], df.loc["51-4041", "proj_year"]) == (2024, 2029)
    assert df.loc["51-4041", "total_openings"] == 4670.0  # 23,350 / (2029 - 2024)
    assert df.loc["51-4041", "annual_change"] == 160.0  # 800 / 5


def test_projected_year_before_base_year_is_refused(tmp_path):
    def backwards(ws):
        ws["E4"] = "Projected Year Employment Estimate 2013"

    with pytest.raises(InputError) as err:
        proj.read(current_copy(tmp_path, backwards))
    (p,) = err.value.problems
    assert (p.row, p.value) == (4, 2013) and "after the base year" in p.rule


def test_current_layout_openings_not_adding_up_are_refused(tmp_path):
    def wrong(ws):
        ws["J8"] = 23500  # 8,920 + 13,630 + 800 = 23,350

    with pytest.raises(InputError) as err:
        proj.read(current_copy(tmp_path, wrong))
    (p,) = err.value.problems
    assert (p.row, p.column) == (8, None) and "exits + transfers" in p.rule


def test_percent_not_matching_the_change_is_refused(tmp_path):
    def as_percent(ws):
        ws["G9"] = -4.17  # a percent among fractions: 100 x -50 / 1,200 = -4.17, not -0.0417

    with pytest.raises(InputError) as err:
        proj.read(current_copy(tmp_path, as_percent))
    (p,) = err.value.problems
    assert p.row == 9 and "percent change must agree" in p.rule


def test_header_in_neither_layout_is_refused_naming_row_and_columns(tmp_path):
    def other(ws):
        for cell in ("H4", "I4", "J4"):
            ws[cell] = "Openings"

    with pytest.raises(InputError) as err:
        proj.read(current_copy(tmp_path, other, name="x.xlsx"))
    (p,) = err.value.problems
    assert p.file.endswith("x.xlsx") and p.row == 4
    assert set(p.column.split(", ")) == {"exits", "transfers", "total_openings"}
    assert "neither EDD projections layout" in p.rule


def test_current_layout_missing_a_column_is_named(tmp_path):
    def no_transfers(ws):
        ws["I4"] = None

    with pytest.raises(InputError) as err:
        proj.read(current_copy(tmp_path, no_transfers))
    (p,) = err.value.problems
    assert (p.row, p.column) == (4, "transfers") and "2023-2033 layout" in p.rule


def test_end_of_worksheet_line_with_figures_is_refused(tmp_path):
    def figures(ws):
        ws["D11"] = 5  # the "End of worksheet." row, now with a number

    with pytest.raises(InputError) as err:
        proj.read(current_copy(tmp_path, figures))
    (p,) = err.value.problems
    assert (p.row, p.column) == (11, "SOC Code")


# --- real EDD files ---------------------------------------------------------------------------


@pytest.mark.realdata
@pytest.mark.parametrize("area, base, projected", [
    ("frsn", 407400, 446800), ("bake", 338800, 391300), ("stoc", 258900, 296900)])
def test_real_totals(realdata, area, base, projected):
    df = proj.read(realdata / "edd" / "occproj_2016_2026" / f"{area}_occproj.xlsx")
    total = df[df.soc == "00-0000"].iloc[0]
    assert (total.base_emp, total.proj_emp, total.change) == (base, projected, projected - base)
    assert (total.base_year, total.proj_year) == (2016, 2026)
    assert total.area_code == area.upper()


@pytest.mark.realdata
def test_real_fresno_file_is_read_whole(realdata):
    df = proj.read(realdata / "edd" / "occproj_2016_2026" / "frsn_occproj.xlsx")
    assert df.loc[df.soc == "00-0000", "change"].iloc[0] == 39400
    assert df.area_title.iloc[0] == "Fresno Metropolitan Statistical Area"
    assert df.soc.is_unique and len(df) == 554  # every occupation row of the sheet
    assert set(df.soc_level.dropna()) == {1, 2, 3, 4}


@pytest.mark.realdata
def test_real_older_files_are_annual_layout(realdata):
    df = proj.read(realdata / "edd" / "occproj_2016_2026" / "frsn_occproj.xlsx")
    assert set(df.layout) == {proj.ANNUAL} and set(df.wage_period) == {"2018 Q1"}
    total = df.set_index("soc").loc["00-0000"]
    # published as annual averages, kept as they are: 20,454 + 28,235 + 3,938 = 52,627
    assert (total.exits, total.transfers, total.annual_change, total.total_openings) == (
        20454, 28235, 3938, 52627)


def real_2023(realdata):
    return (realdata / "edd" / "occproj_2023_2033"
            / "edd_long_term_occ_projections_2023-2033.xlsx")


@pytest.mark.realdata
def test_real_2023_2033_statewide_values(realdata):
    df = proj.read(real_2023(realdata)).set_index("soc")
    total = df.loc["00-0000"]
    assert (total.base_year, total.proj_year) == (2023, 2033)
    assert (total.base_emp, total.proj_emp, total.change) == (19511500, 21230900, 1719400)
    # published over ten years: exits 9,292,660, transfers 13,039,390, openings 24,051,450
    assert (total.exits, total.transfers, total.total_openings) == (
        929266.0, 1303939.0, 2405145.0)
    assert total.annual_change == 171940.0  # 1,719,400 / 10
    assert total["pct_change"] == pytest.approx(100 * 1719400 / 19511500)  # 8.81 %
    assert total.median_hourly == 28.03 and total.wages_estimated
    machinists = df.loc["51-4041"]
    assert (machinists.base_emp, machinists.proj_emp) == (22400, 23200)
    assert machinists.total_openings == 2335.0  # 23,350 / 10
    assert machinists.median_hourly == 27.73
    top = df.loc["11-1000"]  # Top Executives: published $0, "could not be estimated"
    assert pd.isna(top.median_hourly) and pd.isna(top.median_annual)
    assert not top.wages_estimated


@pytest.mark.realdata
def test_real_2023_2033_file_is_read_whole(realdata):
    df = proj.read(real_2023(realdata))
    assert len(df) == 793 and df.soc.is_unique  # sheet rows 5-797; row 798 "End of worksheet."
    assert set(df.layout) == {proj.PERIOD_TOTALS} and set(df.wage_period) == {"2025 Q1"}
    assert df.area_title.iloc[0] == "California"
    assert df.soc_level.value_counts().to_dict() == {4: 676, 3: 94, 2: 22, 1: 1}
    assert not (df[["median_hourly", "median_annual"]] == 0).any().any()


@pytest.mark.realdata
def test_command_line_reads_the_real_2023_2033_file(realdata, tmp_path):
    out = tmp_path / "x.csv"
    result = CliRunner().invoke(app, ["read", "edd_projections", str(real_2023(realdata)),
                                      "-o", str(out)])
    assert result.exit_code == 0, result.output
    df = pd.read_csv(out, dtype={"soc": str})
    assert len(df) == 793
    total = df.set_index("soc").loc["00-0000"]
    assert (total.total_openings, total.median_hourly) == (2405145.0, 28.03)


# --- where the files are, downloads -----------------------------------------------------------


def test_remote_files(region, dirs):
    files = proj.remote_files(region, dirs)
    assert [rf.url.rsplit("/", 1)[1] for rf in files] == [
        "frsn$OccProj.xlsx", "bake$OccProj.xlsx", "hanf$OccProj.xlsx", "mad$OccProj.xlsx",
        "merc$OccProj.xlsx", "stoc$OccProj.xlsx", "mode$OccProj.xlsx", "visa$OccProj.xlsx"]
    assert files[0].url.startswith("https://labormarketinfo.edd.ca.gov/file/occproj/")
    assert files[0].dest == dirs.raw / "edd" / "occproj" / "frsn_OccProj.xlsx"
    assert {rf.kind for rf in files} == {"xlsx"}


@responses.activate
def test_download_accepts_the_layout(tmp_path, region, dirs, fast_http):
    rf = proj.remote_files(region, dirs)[0]
    body = write(tmp_path / "b.xlsx", pristine_rows()).read_bytes()
    responses.get(rf.url, body=body)
    download.fetch([rf])
    assert rf.dest.read_bytes() == body


@responses.activate
def test_download_accepts_the_current_layout(region, dirs, fast_http):
    rf = proj.remote_files(region, dirs)[0]
    responses.get(rf.url, body=CURRENT.read_bytes())
    download.fetch([rf])
    assert rf.dest.read_bytes() == CURRENT.read_bytes()


@responses.activate
def test_download_refuses_a_workbook_in_another_layout(tmp_path, region, dirs, fast_http):
    rf = proj.remote_files(region, dirs)[0]
    body = write(tmp_path / "b.xlsx", [["Notice"], ["This page has moved"]]).read_bytes()
    responses.get(rf.url, body=body)
    with pytest.raises(DownloadError, match="not a valid EDD projections file"):
        download.fetch([rf])
    assert not rf.dest.exists()


# --- sample -----------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def sample(tmp_path_factory):
    from assessment.region import load_region

    region = load_region()
    root = tmp_path_factory.mktemp("proj_sample")
    dirs = paths.DataDirs(paths.Mode.SAMPLE, root / "raw", root / "processed")
    universe = Universe(region)
    written = sample_proj.build(region, dirs, universe)
    return region, dirs, universe, written, proj.process(region, dirs)["edd_projections"]


def test_sample_covers_each_metro_area(sample):
    region, dirs, _u, written, table = sample
    assert written == [rf.dest for rf in proj.remote_files(region, dirs)]
    assert sorted(table.area_code.unique()) == sorted(proj.areas(region))
    assert set(table.base_year) == {2023} and set(table.proj_year) == {2033}
    assert {"51-4041", "51-4121", "49-9041"} <= set(table.soc)


def test_sample_is_in_the_current_layout(sample):
    """Read back as the 2023-2033 layout; the workbook's sheets, title rows and header are
    EDD's (header cells quoted from the statewide 2023-2033 workbook)."""
    table, written = sample[4], sample[3]
    assert set(table.layout) == {proj.PERIOD_TOTALS} and set(table.wage_period) == {"2025 Q1"}
    wb = openpyxl.load_workbook(written[0], read_only=True)
    assert wb.sheetnames == ["Occupational", "Notes"]
    rows = list(wb["Occupational"].iter_rows(values_only=True))
    assert rows[0][0] == "2023-2033 Occupational Employment Projections"
    assert rows[3] == (
        "SOC Level[1]", "SOC Code[2]", "Occupational Title[3]",
        "Base Year Employment Estimate 2023[4][5]", "Projected Year Employment Estimate 2033",
        "Numeric Change 2023-2033[6]", "Percent-age Change 2023-2033", "Exits\n[7]",
        "Transfers\n[8]", "Total Job Openings\n[9]", "Median Hourly Wages\n[10]",
        "Median Annual Wages\n[10]", "Entry Level Education\n[11][12]",
        "Work Experience\n[11][12]", "On-the-Job Training\n[11][12]")
    assert rows[-1][0] == "End of worksheet."
    first = rows[4]
    assert first[:3] == (1, "00-0000", "Total, All Occupations")
    # ten-year totals: openings = exits + transfers + the ten-year change; percent a fraction
    assert first[9] == first[7] + first[8] + first[5]
    assert first[6] == pytest.approx(first[5] / first[3]) and abs(first[6]) < 1
    notes = [r[0] for r in wb["Notes"].iter_rows(values_only=True)]
    assert notes[2] == "Published: July 2025" and notes[-1] == "End of worksheet."
    assert any("not EDD data" in n for n in notes)


@pytest.mark.realdata
def test_sample_header_is_the_real_one(sample, realdata):
    real = openpyxl.load_workbook(
        realdata / "edd" / "occproj_2023_2033" / "edd_long_term_occ_projections_2023-2033.xlsx",
        read_only=True)
    mine = openpyxl.load_workbook(sample[3][0], read_only=True)
    assert real.sheetnames == mine.sheetnames
    head = [next(wb["Occupational"].iter_rows(min_row=4, max_row=4, values_only=True))
            for wb in (real, mine)]
    assert head[0] == head[1]


def test_sample_total_follows_the_universe(sample):
    region, _d, universe, _w, table = sample
    u = universe.employment
    private = u[(u.industry == "10") & (u.year == 2023)].set_index("area").employment
    fresno = table[(table.area_code == "FRSN") & (table.soc == "00-0000")].iloc[0]
    assert fresno.base_emp == pytest.approx(1.3 * private["06019"], rel=0.01)


def test_sample_keeps_edd_flags(sample):
    table = sample[4]
    assert not table[table.soc == sample_proj.NO_WAGE_ESTIMATE].wages_estimated.any()
    minor = table[table.soc_level == 3]
    assert len(minor) and minor.median_hourly.isna().all()
    assert not (table[["median_hourly", "median_annual"]] == 0).any().any()


# --- the report's words -----------------------------------------------------------------------


def test_report_says_openings_are_annual_averages(region, tmp_path):
    from assessment.paths import Mode
    from assessment.sections import occupations as occ

    def note(edd):
        empty = pd.DataFrame()
        return occ.openings_note(occ.Context(region, Mode.REAL, empty, empty, edd, empty, empty,
                                             empty))

    current = note(proj.read(CURRENT))
    assert "EDD's 2023–2033 projections" in current
    assert ("growth, as annual averages (EDD publishes this release's figures as totals over "
            "the 10 years of the projection; they are divided here by its length)") in current
    older = note(proj.read(write(tmp_path / "frsn_OccProj.xlsx", pristine_rows())))
    assert "growth, as annual averages (as EDD publishes them)" in older
