"""QCEW: the parser on hand-made files in the official layouts, on real BLS files, the remote
files a region needs, the processed tables, the sample bundle and ``assessment read qcew``.

Expected values are the numbers written in the fixtures (tests/fixtures/qcew/README.md), hand
calculations spelled out below, or values published in the real files
(../shared/realdata/PROVENANCE.md).
"""

from __future__ import annotations

import hashlib
import json

import pandas as pd
import pytest
from typer.testing import CliRunner

from assessment import download, paths
from assessment.cli import app
from assessment.errors import InputError
from assessment.region import load_region
from assessment.sample import qcew as sample_qcew
from assessment.sample.universe import Universe
from assessment.sources import qcew


@pytest.fixture
def qdir(fixtures):
    return fixtures / "qcew"


def _variant(tmp_path, source, old: str, new: str, name: str = "variant.csv"):
    """A copy of a fixture with one hand edit, so each bad-input test shows its one fault."""
    text = source.read_bytes().decode()
    assert old in text
    path = tmp_path / name
    path.write_bytes(text.replace(old, new, 1).encode())
    return path


def _problems(exc: InputError) -> list[tuple]:
    return [(p.row, p.column, p.rule) for p in exc.problems]


# --- parser: good files -------------------------------------------------------------------------


def test_annual_file_parses_to_tidy_rows_indexed_by_file_row(qdir):
    df = qcew.read(qdir / "annual_area.csv")
    assert list(df.columns) == qcew.TIDY_COLUMNS
    assert list(df.index) == [2, 3, 4, 5, 6, 7]  # header is row 1
    mfg = df.loc[4]
    assert (mfg.area_fips, mfg.year, mfg.qtr, mfg.own_code, mfg.industry_code,
            mfg.agglvl_code) == ("06019", 2023, "A", 5, "31-33", 74)
    assert mfg.estabs == 850
    assert mfg.employment == 27000
    assert mfg.total_wages == 1_620_000_000
    assert mfg.avg_annual_pay == 60000  # = 1,620,000,000 / 27,000
    assert mfg.avg_weekly_wage == 1154  # = 60,000 / 52, rounded
    assert mfg.lq_employment == pytest.approx(0.93)
    assert not mfg.suppressed
    # quarterly columns do not exist in the annual layout: missing, not zero
    assert df[["month1_employment", "month2_employment", "month3_employment"]].isna().all().all()


def test_codes_keep_leading_zeros_and_quotes_are_removed(qdir):
    df = qcew.read(qdir / "annual_area.csv")
    assert set(df.area_fips) == {"06019"}
    assert set(df.disclosure_code) == {"", "N"}
    assert df.loc[2, "industry_code"] == "10"


def test_suppressed_cell_keeps_establishments_and_leaves_measures_missing(qdir):
    row = qcew.read(qdir / "annual_area.csv").loc[6]  # 316, published as "N" with zeros
    assert row.disclosure_code == "N"
    assert row.suppressed
    assert row.estabs == 3
    for col in ["employment", "total_wages", "avg_weekly_wage", "avg_annual_pay",
                "lq_employment"]:
        assert pd.isna(row[col]), col


def test_withheld_location_quotient_is_missing_not_zero(qdir):
    row = qcew.read(qdir / "annual_area.csv").loc[7]  # published cell, lq_disclosure_code "N"
    assert row.disclosure_code == ""
    assert row.employment == 310
    assert pd.isna(row.lq_employment)  # the file says 0; BLS withheld it


def test_quarterly_file_averages_the_three_months(qdir):
    df = qcew.read(qdir / "quarterly_area.csv")
    mfg = df.loc[3]
    assert (mfg.qtr, mfg.industry_code, mfg.estabs) == ("3", "31-33", 860)
    assert (mfg.month1_employment, mfg.month2_employment, mfg.month3_employment) == (
        28000, 29500, 30200)
    assert mfg.employment == pytest.approx((28000 + 29500 + 30200) / 3)  # 29,233.33
    assert mfg.total_wages == 420_000_000
    assert mfg.avg_weekly_wage == 1105
    assert mfg.lq_employment == pytest.approx(0.98)  # the third month's LQ
    assert pd.isna(mfg.avg_annual_pay)  # not in the quarterly layout


def test_quarterly_suppressed_and_not_available_cells(qdir):
    df = qcew.read(qdir / "quarterly_area.csv")
    suppressed, gone = df.loc[5], df.loc[6]
    assert suppressed.suppressed and suppressed.estabs == 3
    assert pd.isna(suppressed.employment) and pd.isna(suppressed.month3_employment)
    # "-": no establishment that quarter; a flag of its own, measures missing, not suppression
    assert gone.disclosure_code == "-"
    assert not gone.suppressed
    assert gone.estabs == 0
    for col in ["month1_employment", "month2_employment", "month3_employment", "employment",
                "total_wages", "avg_weekly_wage", "lq_employment"]:
        assert pd.isna(gone[col]), col


def test_unquoted_numbers_and_a_byte_order_mark_are_accepted(tmp_path, qdir):
    text = (qdir / "annual_area.csv").read_text().replace('"', "")
    path = tmp_path / "bom.csv"
    path.write_bytes(b"\xef\xbb\xbf" + text.encode())
    df = qcew.read(path)
    assert df.loc[4, "employment"] == 27000
    assert df.loc[2, "area_fips"] == "06019"


# --- parser: bad files --------------------------------------------------------------------------


def test_bad_number_names_file_row_column_and_rule(tmp_path, qdir):
    bad = _variant(tmp_path, qdir / "annual_area.csv", ",850,27000,", ",850,27k,")
    with pytest.raises(InputError) as exc:
        qcew.read(bad)
    assert _problems(exc.value) == [(4, "annual_avg_emplvl", "not a number")]
    assert exc.value.problems[0].value == "27k"
    assert f"{bad}, row 4, column 'annual_avg_emplvl': not a number (value '27k')" in str(
        exc.value)


def test_fractional_count_is_refused(tmp_path, qdir):
    bad = _variant(tmp_path, qdir / "annual_area.csv", '"A","",850,', '"A","",850.5,')
    with pytest.raises(InputError) as exc:
        qcew.read(bad)
    assert _problems(exc.value) == [(4, "annual_avg_estabs", "not a whole number")]


def test_every_bad_cell_is_reported_at_once(tmp_path, qdir):
    once = _variant(tmp_path, qdir / "annual_area.csv", ",850,27000,", ",850,x,", "once.csv")
    twice = _variant(tmp_path, once, ",120,9000,", ",120,y,", "twice.csv")
    with pytest.raises(InputError) as exc:
        qcew.read(twice)
    assert [p.row for p in exc.value.problems] == [4, 5]


def test_bad_area_code_is_refused_by_the_schema(tmp_path, qdir):
    bad = _variant(tmp_path, qdir / "annual_area.csv", '"06019","5","311"', '"6019","5","311"')
    with pytest.raises(InputError) as exc:
        qcew.read(bad)
    (problem,) = exc.value.problems
    assert (problem.file, problem.row, problem.column, problem.value) == (
        str(bad), 5, "area_fips", "6019")
    assert problem.rule.startswith("str_matches")


def test_unknown_disclosure_code_is_refused(tmp_path, qdir):
    bad = _variant(tmp_path, qdir / "annual_area.csv", '"A","N",3,', '"A","X",3,')
    with pytest.raises(InputError) as exc:
        qcew.read(bad)
    assert [(p.row, p.column) for p in exc.value.problems] == [(6, "disclosure_code")]


def test_missing_columns_are_named(tmp_path, qdir):
    text = (qdir / "quarterly_area.csv").read_text().splitlines()
    header = text[0].split(",")
    drop = header.index('"month2_emplvl"')
    lines = [",".join(c for i, c in enumerate(line.split(",")) if i != drop) for line in text]
    path = tmp_path / "short.csv"
    path.write_text("\n".join(lines) + "\n")
    with pytest.raises(InputError) as exc:
        qcew.read(path)
    (problem,) = exc.value.problems
    assert (problem.row, problem.column) == (1, "month2_emplvl")
    assert "QCEW quarterly layout" in problem.rule


def test_duplicate_key_names_both_rows(tmp_path, qdir):
    lines = (qdir / "annual_area.csv").read_bytes().decode().split("\r\n")
    path = tmp_path / "dup.csv"
    path.write_text("\n".join([*lines[:5], lines[3]]) + "\n")  # file row 4 again as row 6
    with pytest.raises(InputError) as exc:
        qcew.read(path)
    (problem,) = exc.value.problems
    assert problem.row == 6
    assert problem.column == "area_fips, year, qtr, own_code, industry_code, size_code"
    assert problem.value == "06019/2023/A/5/31-33/0"
    assert problem.rule == "duplicate key: repeats row 4"


@pytest.mark.parametrize("body, rule", [
    ("", "not a readable CSV"),
    ('"area_fips","own_code"\n', "header lacks column(s)"),
    ("<!DOCTYPE html><html><body>Access Denied</body></html>\n", "header lacks column(s)"),
])
def test_files_that_are_not_qcew_are_refused(tmp_path, body, rule):
    path = tmp_path / "odd.csv"
    path.write_text(body)
    with pytest.raises(InputError, match=r"odd\.csv") as exc:
        qcew.read(path)
    assert rule in exc.value.problems[0].rule


def test_header_without_rows_is_refused(tmp_path, qdir):
    path = tmp_path / "empty.csv"
    path.write_text((qdir / "annual_area.csv").read_text().splitlines()[0] + "\n")
    with pytest.raises(InputError, match="header but no data rows"):
        qcew.read(path)


# --- real BLS files -----------------------------------------------------------------------------


@pytest.mark.realdata
def test_real_annual_file_matches_published_values(realdata):
    """Franklin County, Ohio, 2020 annual averages; values quoted in PROVENANCE.md."""
    df = qcew.read(realdata / "qcew/format_fixtures_non_CA/morpc-qcew-2020-a-39049.csv")
    assert len(df) == 2255
    total = df[(df.own_code == 0) & (df.industry_code == "10") & (df.agglvl_code == 70)]
    assert total[["estabs", "employment", "avg_annual_pay"]].iloc[0].tolist() == [
        34674, 727016, 62885]
    mfg = df[(df.own_code == 5) & (df.industry_code == "31-33") & (df.agglvl_code == 74)]
    assert mfg[["estabs", "employment", "avg_annual_pay"]].iloc[0].tolist() == [974, 36262, 67860]
    # suppressed rows in the real file keep establishments and lose the published zeros
    assert df.loc[df.suppressed, "employment"].isna().all()
    assert (df.loc[df.suppressed, "estabs"] >= 0).all()


@pytest.mark.realdata
def test_real_quarterly_file(realdata):
    """2020 Q4 of the same county; values read off the file's rows 2, 645 and 59."""
    df = qcew.read(realdata / "qcew/format_fixtures_non_CA/morpc-qcew-2020-4-39049.csv")
    assert len(df) == 2255
    total = df.loc[2]
    assert (total.qtr, total.estabs, total.month3_employment) == ("4", 35148, 741275)
    assert total.employment == pytest.approx((735385 + 740782 + 741275) / 3)
    mfg = df.loc[645]
    assert (mfg.own_code, mfg.industry_code, mfg.estabs) == (5, "31-33", 974)
    assert mfg.employment == pytest.approx((36540 + 36844 + 37170) / 3)
    gone = df.loc[59]  # NAICS 6244 federal: "-" with zeros published
    assert (gone.industry_code, gone.disclosure_code, gone.estabs) == ("6244", "-", 0)
    assert pd.isna(gone.employment) and pd.isna(gone.total_wages)
    assert (df.disclosure_code == "-").sum() == 5


# --- remote files -------------------------------------------------------------------------------


def test_remote_files_cover_every_slice_at_the_agency_paths(region, dirs):
    files = qcew.remote_files(region, dirs)
    urls = [rf.url for rf in files]
    api = "https://data.bls.gov/cew/data/api"
    # region file: 2019-2024, 8 counties + California + US; quarters of 2023-2024; 9 size classes
    assert len(files) == 6 * 10 + 8 * 8 + 2 + 9
    assert len(set(urls)) == len(urls)
    assert urls[:2] == [f"{api}/2019/a/area/06019.csv", f"{api}/2019/a/area/06029.csv"]
    assert f"{api}/2024/a/area/US000.csv" in urls
    assert f"{api}/2023/1/area/06019.csv" in urls
    assert f"{api}/2024/4/area/06107.csv" in urls
    assert f"{api}/2022/4/area/06019.csv" not in urls
    assert f"{api}/2019/a/industry/31_33.csv" in urls
    assert f"{api}/2024/a/industry/31_33.csv" in urls
    sizes = [f"{api}/2024/1/size/{n}.csv" for n in range(1, 10)]
    assert [u for u in urls if "/size/" in u] == sizes
    for rf in files:
        assert rf.dest == dirs.raw / "bls" / "qcew" / rf.url.removeprefix(api + "/")
        assert rf.validate is qcew.read
        assert rf.source == "BLS QCEW"
        assert rf.kind == "csv"


def test_annual_files_are_unchanged_and_first(region, dirs):
    files = qcew.remote_files(region, dirs)
    annual = qcew.annual_files(region, dirs)
    assert files[: len(annual)] == annual
    assert {rf.vintage for rf in annual} == {f"{y} annual averages" for y in range(2019, 2025)}


def test_dry_run_lists_every_qcew_url(region):
    result = CliRunner().invoke(app, ["data", "--dry-run", "--source", "qcew"])
    assert result.exit_code == 0, result.output
    for rf in qcew.remote_files(region, paths.data_dirs(paths.Mode.REAL, region)):
        assert rf.public_url in result.output
    assert "135 files:" in result.output


# --- processed tables from hand-made files ------------------------------------------------------


def test_quarterly_table_keeps_private_manufacturing_of_region_counties(region, qdir):
    t = qcew.quarterly_table(qcew.read(qdir / "quarterly_area.csv"), region)
    assert list(t.columns) == qcew.QUARTERLY_COLUMNS
    # own 0 total and the 4-digit "-" row are not in the table; 31-33, 311 and 316 are
    assert list(t.industry_code) == ["31-33", "311", "316"]
    assert set(t.county) == {"Fresno"}
    assert set(t.period) == {"2023Q3"}
    food = t.set_index("industry_code").loc["311"]
    assert food.employment == pytest.approx((10100 + 11700 + 12300) / 3)
    assert t.set_index("industry_code").loc["316", "suppressed"]


def test_peers_table_labels_areas(region, qdir):
    t = qcew.peers_table(qcew.read(qdir / "industry_31_33.csv"), region)
    assert list(t.columns) == qcew.PEER_COLUMNS
    got = t.set_index("area_fips")
    assert "US000" in got.index and len(got) == 8  # the federal-ownership row is left out
    assert got.area_type.to_dict() == {
        "US000": "nation", "C2342": "msa", "06000": "state", "48000": "state",
        "06019": "county", "06029": "county", "06999": "county undefined", "53077": "county"}
    assert got.loc["06019", "in_region"] and got.loc["06029", "in_region"]
    assert not got.loc["C2342", "in_region"] and not got.loc["53077", "in_region"]
    assert got.in_state.to_dict() == {
        "US000": False, "C2342": False, "06000": True, "48000": False, "06019": True,
        "06029": True, "06999": True, "53077": False}
    assert got.loc["53077", "state_fips"] == "53"
    assert pd.isna(got.loc["US000", "state_fips"])
    assert got.loc["06019", "avg_annual_pay"] == 60000
    assert got.loc["53077", "lq_employment"] == pytest.approx(1.20)
    assert got.loc["06029", "suppressed"] and pd.isna(got.loc["06029", "employment"])
    assert got.loc["06029", "estabs"] == 410


def test_size_table_shares(region, qdir):
    tidy = qcew.read_many([qdir / "size" / f"{n}.csv" for n in (1, 2, 9)])
    t = qcew.size_table(tidy, region)
    assert list(t.columns) == qcew.SIZE_COLUMNS
    # the benchmarks' private manufacturing by size (agglvl 64 and 24) and the nation's food
    # subsector by size (25); not the all-industry rows (21, 61) nor Texas
    assert set(zip(t.area_fips, t.industry_code, t.size_code, strict=True)) == {
        ("06000", "31-33", 1), ("06000", "31-33", 2), ("06000", "31-33", 9),
        ("US000", "311", 1), ("US000", "31-33", 1), ("US000", "31-33", 2), ("US000", "31-33", 9)}
    assert len(t) == 7
    mfg = t[t.industry_code == "31-33"]
    ca = mfg[mfg.area_fips == "06000"].set_index("size_code")
    us = mfg[mfg.area_fips == "US000"].set_index("size_code")
    # California: 20,000 + 8,000 + 200 = 28,200 establishments
    assert ca.estabs_share.tolist() == pytest.approx([20000 / 28200, 8000 / 28200, 200 / 28200])
    # its 1,000+ class is suppressed, so no employment share can be computed for any class
    assert ca.employment_share.isna().all()
    assert ca.loc[9, "suppressed"] and ca.loc[9, "estabs"] == 200
    # US: 150,000 + 65,000 + 1,700 = 216,700 establishments; March employment
    # 230,000 + 430,000 + 2,500,000 = 3,160,000
    assert us.estabs_share.tolist() == pytest.approx(
        [150000 / 216700, 65000 / 216700, 1700 / 216700])
    assert us.employment_share.tolist() == pytest.approx(
        [230000 / 3160000, 430000 / 3160000, 2500000 / 3160000])
    assert us.loc[9, "size_title"] == "1000 or more employees per establishment"
    # the food row is its own group: the only size class given, so all of it
    food = t[t.industry_code == "311"].iloc[0]
    assert (food.agglvl_code, food.estabs, food.estabs_share, food.employment_share) == (
        25, 9000, 1.0, 1.0)


# --- the sample bundle --------------------------------------------------------------------------


@pytest.fixture(scope="module")
def bundle(tmp_path_factory):
    """The QCEW part of the sample bundle, built once into a temporary folder."""
    root = tmp_path_factory.mktemp("bundle")
    region = load_region()
    dirs = paths.DataDirs(paths.Mode.SAMPLE, root / "raw", root / "processed")
    written = sample_qcew.build(region, dirs, Universe(region))
    return region, dirs, written


@pytest.fixture(scope="module")
def tables(bundle):
    region, dirs, _ = bundle
    return qcew.process(region, dirs)


def test_sample_bundle_has_every_remote_file_recorded_as_synthetic(bundle):
    region, dirs, written = bundle
    files = qcew.remote_files(region, dirs)
    assert sorted(written) == sorted(rf.dest for rf in files)
    assert sum(p.stat().st_size for p in written) < 2_000_000
    for rf in files:
        entry = download.read_manifest(rf.dest.parent)[rf.dest.name]
        assert entry["origin"] == "synthetic sample"
        assert entry["url"] == rf.url
        assert entry["sha256"] == hashlib.sha256(rf.dest.read_bytes()).hexdigest()


def test_sample_files_use_the_official_layouts(bundle):
    region, dirs, _ = bundle
    annual = qcew.annual_files(region, dirs)[0].dest.read_text().splitlines()
    quarterly = qcew.quarterly_files(region, dirs)[0].dest.read_text().splitlines()
    size = qcew.size_files(region, dirs)[0].dest.read_text().splitlines()
    assert len(annual[0].split(",")) == 38
    assert len(quarterly[0].split(",")) == len(size[0].split(",")) == 42
    assert quarterly[0].startswith('"area_fips","own_code"')
    assert quarterly[1].startswith('"06019","0","10","70","0","2023","1",""')


def test_sample_processes_into_all_qcew_tables(bundle, tables):
    region, _, _ = bundle
    assert set(tables) == {"qcew_annual", "qcew_quarterly", "qcew_peers", "qcew_size"}
    q = tables["qcew_quarterly"]
    assert set(q.area_fips) == set(region.county_fips)
    assert set(q.period) == {f"{y}Q{n}" for y in (2023, 2024) for n in range(1, 5)}
    assert (q.disclosure_code == "-").sum() == 8  # one cell per county
    assert q.suppressed.any()
    peers = tables["qcew_peers"]
    ca = peers[(peers.area_type == "county") & peers.in_state & (peers.year == 2024)]
    assert len(ca) == 58  # every California county
    assert set(region.county_fips) <= set(ca.area_fips)
    assert peers[peers.year == 2024].suppressed.any()
    assert (~peers.in_state & (peers.area_type == "county")).sum() == 2 * 4  # out-of-state peers
    size = tables["qcew_size"]
    assert set(size.area_fips) == {"06000", "US000"}
    assert sorted(size.size_code.unique()) == list(range(1, 10))
    # state and nation sector rows, and the nation's 21 subsectors, each in nine classes
    assert len(size) == (2 + 21) * 9
    assert set(size[size.agglvl_code == 25].industry_code) == set(region.industry.subsectors)


def test_sample_industry_slice_agrees_with_the_area_files(bundle, tables):
    """A county's manufacturing row is the same number in both slices, as in BLS's files."""
    region, _, _ = bundle
    annual = tables["qcew_annual"]
    annual = annual[(annual.own_code == 5) & (annual.industry_code == "31-33")]
    peers = tables["qcew_peers"]
    for year in (2019, 2024):
        for area in [*region.county_fips, "06000", "US000"]:
            a = annual[(annual.area_fips == area) & (annual.year == year)].iloc[0]
            p = peers[(peers.area_fips == area) & (peers.year == year)].iloc[0]
            assert (p.estabs, p.employment, p.total_wages) == (a.estabs, a.employment,
                                                               a.total_wages)
    # California's counties, the undefined row included, add up to the state total
    ca = peers[(peers.year == 2024) & peers.in_state & peers.area_type.str.startswith("county")]
    state = peers[(peers.year == 2024) & (peers.area_fips == "06000")].employment.iloc[0]
    disclosed = ca.employment.sum()
    assert disclosed <= state
    assert disclosed > 0.99 * state  # only the four smallest counties are withheld


def test_sample_size_classes_add_up_to_the_state_total(tables):
    size = tables["qcew_size"]
    ca = size[(size.area_fips == "06000") & (size.industry_code == "31-33")]
    annual = tables["qcew_annual"]
    mfg = annual[(annual.area_fips == "06000") & (annual.year == 2024)
                 & (annual.own_code == 5) & (annual.industry_code == "31-33")].iloc[0]
    assert abs(ca.estabs.sum() - mfg.estabs) <= 9  # nine classes, each rounded
    assert ca.estabs_share.sum() == pytest.approx(1)


def test_sample_manifest_is_valid_json(bundle):
    region, dirs, _ = bundle
    folder = qcew.size_files(region, dirs)[0].dest.parent
    assert len(json.loads((folder / "manifest.json").read_text())) == 9


# --- assessment read qcew -----------------------------------------------------------------------


def test_cli_read_writes_the_tidy_table(tmp_path, qdir):
    out = tmp_path / "out" / "tidy.csv"
    result = CliRunner().invoke(app, ["read", "qcew", str(qdir / "annual_area.csv"),
                                      "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert "6 rows" in result.output
    table = pd.read_csv(out, dtype={"area_fips": str, "disclosure_code": str})
    assert list(table.columns) == qcew.TIDY_COLUMNS
    assert table.loc[2, "employment"] == 27000
    assert pd.isna(table.loc[4, "employment"])  # suppressed: an empty cell, not 0
    assert table.loc[4, "estabs"] == 3


def test_cli_read_reports_the_bad_cell(tmp_path, qdir):
    bad = _variant(tmp_path, qdir / "annual_area.csv", ",850,27000,", ",850,27k,")
    result = CliRunner().invoke(app, ["read", "qcew", str(bad), "-o", str(tmp_path / "o.csv")])
    assert result.exit_code == 1
    assert "row 4, column 'annual_avg_emplvl': not a number" in result.output
    assert not (tmp_path / "o.csv").exists()


def test_read_many_equals_reading_each_file_and_names_a_bad_file(tmp_path, qdir):
    good = qdir / "annual_area.csv"
    together = qcew.read_many([good, good.with_name("industry_31_33.csv")])
    each = pd.concat([qcew.read(good), qcew.read(good.with_name("industry_31_33.csv"))],
                     ignore_index=True)
    pd.testing.assert_frame_equal(together, each)
    # own_code 7 breaks the schema (a per-cell rule): the error names the second file's row
    bad = _variant(tmp_path, good, '"06019","5",', '"06019","7",', "bad.csv")
    with pytest.raises(InputError) as exc:
        qcew.read_many([good, bad])
    assert all(p.file == str(bad) for p in exc.value.problems)
    assert any(p.column == "own_code" and p.row is not None for p in exc.value.problems)
