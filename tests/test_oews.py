"""OEWS: both published layouts on hand-made files, flags, the region filter, bad input, the
remote files through mocked HTTP, the sample bundle, ``process``, ``assessment read oews`` and
the real May 2025 / May 2024 files.

Expected values are the numbers written in the fixtures (tests/fixtures/oews/README.md), hand
calculations spelled out below, or values published in the real files
(../shared/realdata/PROVENANCE.md).
"""

from __future__ import annotations

import shutil

import pandas as pd
import pytest
import responses
from typer.testing import CliRunner

from assessment import download, paths
from assessment.cli import app
from assessment.errors import DownloadError, InputError
from assessment.sample import oews as sample_oews
from assessment.sample.universe import Universe
from assessment.sources import oews

FLAG_COLUMNS = [f"{m}_flag" for m in oews.MEASURES]
WAGES = [m for m in oews.MEASURES if m.startswith(("h_", "a_"))]


@pytest.fixture
def odir(fixtures):
    return fixtures / "oews"


@pytest.fixture
def ts(odir):
    return odir / "timeseries" / "oe.data.0.Current"


def _row(df: pd.DataFrame, area: str, industry: str, occ: str) -> pd.Series:
    rows = df[(df.area_code == area) & (df.industry_code == industry) & (df.occ_code == occ)]
    assert len(rows) == 1, (area, industry, occ, len(rows))
    return rows.iloc[0]


def _variant(tmp_path, source, old: str, new: str, name: str = "oe.data.0.Current"):
    """A copy of a fixture with one hand edit (lookups copied too), so a test shows one fault."""
    text = source.read_bytes().decode()
    assert old in text
    folder = tmp_path / "variant"
    folder.mkdir(exist_ok=True)
    for lookup in source.parent.glob("oe.[!d]*"):
        shutil.copy(lookup, folder / lookup.name)
    shutil.copy(source.parent / "oe.datatype", folder / "oe.datatype")
    path = folder / name
    path.write_bytes(text.replace(old, new, 1).encode())
    return path


def _problems(exc: InputError) -> list[tuple]:
    return [(p.row, p.column, p.rule) for p in exc.problems]


# --- time-series flat file ------------------------------------------------------------------------


def test_padded_timeseries_parses_to_one_row_per_area_industry_occupation(ts):
    df = oews.read(ts)
    assert list(df.columns) == oews.TIDY_COLUMNS
    assert (df["year"].dtype, df["tot_emp"].dtype) == ("Int64", "Int64")
    assert len(df) == 13  # 13 series stems in the fixture
    fresno = _row(df, "0023420", "000000", "00-0000")
    assert fresno.name == 2  # the stem's first line (header = row 1)
    assert (fresno.area_title, fresno.area_type, fresno.industry_title, fresno.occ_title,
            fresno.o_group, fresno.year, fresno.period) == (
        "Fresno, CA", "metro", "Cross-Industry, Private, Federal, State, and Local",
        "All Occupations", "total", 2025, "A01")
    expected = {"tot_emp": 412300, "emp_prse": 0.4, "h_mean": 29.85, "a_mean": 62090,
                "mean_prse": 0.5, "h_pct10": 16.50, "h_pct25": 17.80, "h_median": 22.55,
                "h_pct75": 34.10, "h_pct90": 52.75, "a_pct10": 34320, "a_pct25": 37020,
                "a_median": 46900, "a_pct75": 70930, "a_pct90": 109720, "jobs_1000": 1000.0,
                "loc_quotient": 1.00}
    assert {m: fresno[m] for m in expected} == pytest.approx(expected)
    assert (fresno[FLAG_COLUMNS] == oews.PUBLISHED).all()
    machinists = _row(df, "0023420", "000000", "51-4041")
    assert (machinists.occ_title, machinists.tot_emp, machinists.a_median,
            machinists.h_median, machinists.loc_quotient) == ("Machinists", 1230, 55330, 26.60,
                                                              0.71)


def test_area_types_industry_codes_and_occupation_groups(ts):
    df = oews.read(ts)
    assert _row(df, "0000000", "000000", "00-0000").area_type == "nation"
    assert _row(df, "0600000", "000000", "00-0000").area_type == "state"
    # 31--34 is the time series' half-open range for sectors 31-33; 311000 is subsector 311.
    sector = _row(df, "0000000", "31-33", "51-4041")
    assert (sector.tot_emp, sector.industry_title) == (
        281920, "Sectors 31, 32, and 33 - Manufacturing")
    assert _row(df, "0000000", "311", "51-4041").tot_emp == 9870
    # 51-2090 ends in 0 like a broad SOC group, but oe.occupation gives display level 3.
    assert _row(df, "0023420", "000000", "51-2090").o_group == "detailed"


def test_flags_leave_withheld_estimates_missing(ts):
    df = oews.read(ts)
    ceo = _row(df, "0023420", "000000", "11-1011")  # "-" with footnote 5 on 09, 10, 14, 15
    for m in ("h_pct75", "h_pct90", "a_pct75", "a_pct90"):
        assert pd.isna(ceo[m]) and ceo[f"{m}_flag"] == oews.TOP_CODED
    assert (ceo.a_median, ceo.a_median_flag) == (198850, oews.PUBLISHED)

    hanford = _row(df, "0025260", "000000", "51-4041")  # footnote 8 on 01, 02, 16, 17
    for m in oews.EMPLOYMENT:
        assert pd.isna(hanford[m]) and hanford[f"{m}_flag"] == oews.SUPPRESSED
    assert (hanford.a_median, hanford.a_median_flag) == (51790, oews.PUBLISHED)

    painters = _row(df, "0025260", "000000", "51-9124")  # footnote 8 on every wage
    assert painters[WAGES].isna().all()
    assert (painters[[f"{m}_flag" for m in WAGES]] == oews.SUPPRESSED).all()
    assert painters.tot_emp == 60

    teachers = _row(df, "0044700", "000000", "25-2031")  # footnote 4 on the hourly datatypes
    assert (teachers[[f"{m}_flag" for m in sorted(oews.HOURLY)]] == oews.ANNUAL_ONLY).all()
    assert teachers[sorted(oews.HOURLY)].isna().all()
    assert (teachers.a_median, teachers.a_median_flag) == (88110, oews.PUBLISHED)

    nation = _row(df, "0000000", "000000", "00-0000")  # no lines for 16 and 17
    assert nation.jobs_1000_flag == nation.loc_quotient_flag == oews.ABSENT
    assert pd.isna(nation.jobs_1000)
    # Nothing invented: a value is present exactly where the flag is empty.
    assert (df[oews.MEASURES].notna().to_numpy()
            == (df[FLAG_COLUMNS] == oews.PUBLISHED).to_numpy()).all()


def test_unpadded_file_without_lookups_gives_the_same_numbers(odir):
    df = oews.read(odir / "timeseries_unpadded" / "oe.data.2025A01.extract.tsv")
    fresno = _row(df, "0023420", "000000", "00-0000")
    assert (fresno.tot_emp, fresno.a_mean, fresno.a_median) == (412300, 62090, 46900)
    assert fresno.h_mean_flag == oews.ABSENT  # only 01, 04 and 13 are in this extract
    assert df["area_title"].isna().all() and df["occ_title"].isna().all()
    # Without oe.occupation the group follows the SOC code: 51-2090 ends in 0, so broad.
    assert _row(df, "0023420", "000000", "51-2090").o_group == "broad"
    assert _row(df, "0023420", "000000", "11-1011").a_pct75_flag == oews.TOP_CODED
    assert _row(df, "0000000", "31-33", "51-4041").tot_emp == 281920


def test_region_filter_keeps_region_areas_benchmarks_and_industry_scope(ts, region):
    df = oews.read(ts, region)
    # Los Angeles (not a region area) and Hospitals (622, not the region's industries) go.
    assert "0031080" not in set(df.area_code)
    assert "622" not in set(df.industry_code)
    assert set(df.area_code) == {"0023420", "0025260", "0044700", "0600000", "0000000"}
    assert set(df.industry_code) == {"000000", "31-33", "311"}
    assert len(df) == 11  # 13 stems less the two above
    assert _row(df, "0023420", "000000", "51-4041").tot_emp == 1230


def test_region_areas_follow_the_release_stand_in(region):
    areas = oews.region_areas(region)
    assert "0031460" not in areas  # no Madera area in May 2025; Fresno stands in
    assert areas[-2:] == ["0600000", "0000000"]
    assert len(areas) == 9  # 7 metro areas for 8 counties, state, nation


# --- workbook ---------------------------------------------------------------------------------


def test_workbook_parses_to_the_same_columns_with_area_codes_mapped(odir):
    df = oews.read(odir / "MSA_M2024_dl.xlsx")
    assert list(df.columns) == oews.TIDY_COLUMNS
    assert list(df.index) == list(range(2, 14))  # sheet rows, header = row 1
    assert set(df["year"]) == {2024}  # from the file name (M2024)
    fresno = df.loc[2]
    assert (fresno.area_code, fresno.area_type, fresno.area_title, fresno.industry_code,
            fresno.occ_code, fresno.o_group, fresno.tot_emp, fresno.a_median, fresno.h_pct90) == (
        "0023420", "metro", "Fresno, CA", "000000", "00-0000", "total", 405120, 45970, 50.05)
    assert (df.loc[10, "area_code"], df.loc[10, "area_type"]) == ("0600000", "state")  # AREA 6
    assert df.loc[10, "tot_emp"] == 17982340  # written as text "17,982,340"
    assert (df.loc[11, "area_code"], df.loc[11, "area_type"]) == ("0000000", "nation")  # 99
    assert (df.loc[12, "area_code"], df.loc[12, "area_type"]) == ("0600003", "nonmetro")
    # 51-2090 twice, as broad and as detailed: both kept, told apart by o_group.
    assert list(df.loc[[5, 6], "o_group"]) == ["broad", "detailed"]


def test_workbook_markers_become_flags(odir):
    df = oews.read(odir / "MSA_M2024_dl.xlsx")
    ceo = df.loc[3]  # "#" in H/A_PCT75 and H/A_PCT90
    assert [ceo[f"{m}_flag"] for m in ("h_pct75", "h_pct90", "a_pct75", "a_pct90")] == [
        oews.TOP_CODED] * 4
    assert pd.isna(ceo.a_pct90) and ceo.a_median == 197290
    teachers = df.loc[4]  # ANNUAL TRUE, "*" in every hourly column
    assert (teachers[[f"{m}_flag" for m in sorted(oews.HOURLY)]] == oews.ANNUAL_ONLY).all()
    assert teachers.mean_prse == 1.9 and teachers.a_mean == 88760
    painters = df.loc[8]  # "**" employment
    assert (painters[[f"{m}_flag" for m in oews.EMPLOYMENT]] == oews.SUPPRESSED).all()
    assert pd.isna(painters.tot_emp) and painters.a_median == 43160
    inspectors = df.loc[9]  # "*" wages
    assert (inspectors[[f"{m}_flag" for m in WAGES]] == oews.SUPPRESSED).all()
    assert inspectors.tot_emp == 140
    # PCT_TOTAL/PCT_RPT are not carried; blank JOBS_1000 would be "absent", none here.
    assert (df.loc[2, FLAG_COLUMNS] == oews.PUBLISHED).all()


def test_workbook_region_filter(odir, region):
    df = oews.read(odir / "MSA_M2024_dl.xlsx", region)
    assert set(df.area_code) == {"0023420", "0025260", "0600000", "0000000"}
    assert len(df) == 10  # the nonmetro area and Los Angeles go


def test_workbook_year_comes_from_bls_file_name(odir, tmp_path):
    renamed = tmp_path / "oews_workbook.xlsx"
    shutil.copy(odir / "MSA_M2024_dl.xlsx", renamed)
    with pytest.raises(InputError, match="release year is read from BLS's file name"):
        oews.read(renamed)


def test_legacy_xls_workbook_is_refused_with_what_to_do(tmp_path):
    path = tmp_path / "MSA_M2010_dl.xls"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504))
    with pytest.raises(InputError, match="save it as .xlsx"):
        oews.read(path)


def test_workbook_without_an_oews_column_names_it(odir, tmp_path):
    import openpyxl

    book = openpyxl.load_workbook(odir / "MSA_M2024_dl.xlsx")
    book.active["AB1"] = "A_MED"  # the A_MEDIAN header cell
    path = tmp_path / "MSA_M2024_dl.xlsx"
    book.save(path)
    with pytest.raises(InputError) as exc:
        oews.read(path)
    assert _problems(exc.value) == [(1, "A_MEDIAN", "header lacks column(s) required in the"
                                                    " OEWS workbook layout")]


def test_workbook_with_an_unknown_marker_names_the_cell(odir, tmp_path):
    import openpyxl

    book = openpyxl.load_workbook(odir / "MSA_M2024_dl.xlsx")
    book.active["AB7"] = "n/a"  # A_MEDIAN of the Machinists row (sheet row 7)
    path = tmp_path / "MSA_M2024_dl.xlsx"
    book.save(path)
    with pytest.raises(InputError) as exc:
        oews.read(path)
    assert _problems(exc.value) == [(7, "A_MEDIAN", "not a number or an OEWS marker (*, **, #)")]


# --- codes ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(("raw", "tidy"), [
    ("000000", "000000"), ("000001", "000001"), ("31--34", "31-33"), ("11--12", "11"),
    ("44--46", "44-45"), ("99-100", "99"), ("311000", "311"), ("311100", "3111"),
    ("541710", "54171"), ("3250A1", "3250A1"), ("999100", "999100"), ("31", "31-33"),
    ("48", "48-49"), ("11", "11"), ("31-33", "31-33"),
])
def test_industry_codes_take_the_naics_form(raw, tidy):
    assert oews.normalise_industry(raw) == tidy


@pytest.mark.parametrize(("tidy", "series"), [
    ("31-33", "31--34"), ("11", "11--12"), ("44-45", "44--46"), ("99", "99-100"),
    ("311", "311000"), ("3111", "311100"), ("000000", "000000"),
])
def test_series_industry_is_the_time_series_form(tidy, series):
    assert oews.series_industry(tidy) == series
    assert oews.normalise_industry(series) == tidy


@pytest.mark.parametrize(("area", "area_type", "code"), [
    ("99", "1", "0000000"), ("6", "2", "0600000"), ("06", "2", "0600000"),
    ("72", "3", "7200000"), ("23420", "4", "0023420"), ("600003", "6", "0600003"),
    (23420, 4, "0023420"), ("6", None, "0600000"), ("99", None, "0000000"),
])
def test_workbook_area_codes_become_seven_digit_oews_codes(area, area_type, code):
    assert oews.workbook_area(area, area_type) == code


# --- bad input ------------------------------------------------------------------------------------


def test_malformed_series_id_is_reported_with_its_row_even_outside_the_filter(ts, tmp_path,
                                                                               region):
    # Line 89 is Los Angeles: outside the region, but a mangled id cannot be placed, so it
    # is reported rather than skipped.
    bad = _variant(tmp_path, ts, "OEUM003108000000051404101     ",
                   "OEUM00310800000051404101      ")
    with pytest.raises(InputError) as exc:
        oews.read(bad, region)
    assert _problems(exc.value)[0][:2] == (89, "series_id")
    assert "not an OEWS series id" in exc.value.problems[0].rule


def test_value_that_is_no_number_or_marker(ts, tmp_path):
    bad = _variant(tmp_path, ts, "\t       55330\t", "\t      55,33O\t")
    with pytest.raises(InputError) as exc:
        oews.read(bad)
    assert _problems(exc.value) == [(50, "value", "not a number or an OEWS marker (-, *, **, #)")]


def test_blank_value_is_refused(ts, tmp_path):
    bad = _variant(tmp_path, ts, "\t       55330\t", "\t            \t")
    with pytest.raises(InputError, match="blank value") as exc:
        oews.read(bad)
    assert exc.value.problems[0].row == 50


def test_series_listed_twice(ts, tmp_path):
    line = "OEUM002342000000051404113     \t2025\tA01\t       55330\t\r\n"
    bad = _variant(tmp_path, ts, line, line + line)
    with pytest.raises(InputError) as exc:
        oews.read(bad)
    assert _problems(exc.value) == [(51, "series_id", "series listed again for 2025 A01"
                                                     " (first at row 50)")]


def test_unknown_datatype(ts, tmp_path):
    bad = _variant(tmp_path, ts, "OEUM002342000000051404117 ", "OEUM002342000000051404118 ")
    with pytest.raises(InputError, match="unknown datatype code"):
        oews.read(bad)


def test_line_with_missing_fields(ts, tmp_path):
    bad = _variant(tmp_path, ts, "\t2025\tA01\t       55330\t\r\n", "\t2025\t       55330\r\n")
    with pytest.raises(InputError) as exc:
        oews.read(bad)
    problem = exc.value.problems[0]
    assert problem.row == 50
    assert "5 tab-separated fields" in problem.rule


def test_header_must_be_the_time_series_header(odir, tmp_path):
    path = tmp_path / "oe.data.0.Current"
    path.write_text("area\tocc_code\ttot_emp\n0023420\t51-4041\t1230\n")
    with pytest.raises(InputError, match="not the OEWS time-series header"):
        oews.read(path)


def test_lookup_with_renumbered_datatypes_is_refused(ts, tmp_path):
    path = _variant(tmp_path, ts, "OEUM", "OEUM")
    datatype = path.parent / "oe.datatype"
    datatype.write_text(datatype.read_text().replace("13\tAnnual median wage",
                                                     "13\tAnnual 50th percentile"))
    with pytest.raises(InputError) as exc:
        oews.read(path)
    assert _problems(exc.value)[0][:2] == (14, "datatype_name")


# --- remote files and mocked downloads ------------------------------------------------------------


def test_remote_files_are_the_flat_files_of_the_region_release(region, dirs):
    files = oews.remote_files(region, dirs)
    base = "https://download.bls.gov/pub/time.series/oe/"
    assert [rf.url for rf in files] == [base + n for n in (
        "oe.data.0.Current", "oe.area", "oe.industry", "oe.occupation", "oe.datatype",
        "oe.footnote")]
    folder = dirs.raw / "bls" / "oews" / "2025A01"
    assert [rf.dest for rf in files] == [folder / rf.url.rsplit("/", 1)[1] for rf in files]
    assert {rf.vintage for rf in files} == {"May 2025 (2025A01)"}
    assert all(rf.kind == "text" and rf.validate is not None for rf in files)


@pytest.fixture
def mocked():
    with responses.RequestsMock(assert_all_requests_are_fired=False) as rsps:
        yield rsps


def _serve_fixtures(mocked, odir, data: bytes | None = None):
    for name in ("oe.data.0.Current", *oews.LOOKUP_FILES):
        body = (odir / "timeseries" / name).read_bytes()
        if name == "oe.data.0.Current" and data is not None:
            body = data
        mocked.get(f"{oews.BASE_URL}/{name}", body=body, content_type="text/plain")


def test_fetch_downloads_the_flat_files_and_records_them(fast_http, region, dirs, mocked, odir):
    _serve_fixtures(mocked, odir)
    files = oews.remote_files(region, dirs)
    download.fetch(files)
    for rf in files:
        assert rf.dest.read_bytes() == (odir / "timeseries" / rf.dest.name).read_bytes()
    manifest = download.read_manifest(files[0].dest.parent)
    assert sorted(manifest) == sorted(rf.dest.name for rf in files)
    assert manifest["oe.data.0.Current"]["url"] == f"{oews.BASE_URL}/oe.data.0.Current"
    sent = mocked.calls[0].request.headers["User-Agent"]
    assert "research@example.org" in sent  # BLS refuses clients without a contact


def test_fetch_retries_a_busy_server(fast_http, region, dirs, mocked, odir):
    mocked.get(f"{oews.BASE_URL}/oe.data.0.Current", status=503)
    _serve_fixtures(mocked, odir)
    files = oews.remote_files(region, dirs)
    download.fetch(files)
    assert files[0].dest.exists()


def test_fetch_refuses_an_html_block_page(fast_http, region, dirs, mocked):
    page = b"<!DOCTYPE html><html><head><title>Access Denied</title></head><body/></html>"
    mocked.get(f"{oews.BASE_URL}/oe.data.0.Current", body=page, content_type="text/html")
    rf = oews.remote_files(region, dirs)[0]
    with pytest.raises(DownloadError, match="HTML page"):
        download.fetch([rf])
    assert not rf.dest.exists()


def test_fetch_refuses_a_forbidden_answer(fast_http, region, dirs, mocked):
    mocked.get(f"{oews.BASE_URL}/oe.data.0.Current", status=403)
    rf = oews.remote_files(region, dirs)[0]
    with pytest.raises(DownloadError, match="HTTP 403"):
        download.fetch([rf])
    assert not rf.dest.exists()


def test_fetch_refuses_a_newer_release_than_the_region_asks_for(fast_http, region, dirs, mocked,
                                                                odir):
    # oe.data.0.Current always holds the newest release: a 2026 body for a 2025 region.
    body = (odir / "timeseries" / "oe.data.0.Current").read_bytes().replace(b"\t2025\t",
                                                                            b"\t2026\t")
    _serve_fixtures(mocked, odir, data=body)
    rf = oews.remote_files(region, dirs)[0]
    with pytest.raises(DownloadError, match="asks for the May 2025 OEWS release"):
        download.fetch([rf])
    assert not rf.dest.exists()


def test_fetch_refuses_a_body_that_is_not_a_time_series_file(fast_http, region, dirs, mocked):
    mocked.get(f"{oews.BASE_URL}/oe.data.0.Current", body=b"area\tvalue\n0023420\t1\n",
               content_type="text/plain")
    rf = oews.remote_files(region, dirs)[0]
    with pytest.raises(DownloadError, match="not a valid BLS OEWS file"):
        download.fetch([rf])
    assert not rf.dest.exists()


# --- sample bundle and process ----------------------------------------------------------------


@pytest.fixture(scope="module")
def sample_dirs(tmp_path_factory):
    from assessment.region import load_region

    region = load_region(paths.DEFAULT_REGION)
    root = tmp_path_factory.mktemp("oews-sample")
    dirs = paths.DataDirs(paths.Mode.SAMPLE, root / "raw", root / "processed")
    sample_oews.build(region, dirs, Universe(region))
    return dirs


def test_sample_writes_every_remote_file_in_the_official_layout(sample_dirs, region):
    files = oews.remote_files(region, sample_dirs)
    assert all(rf.dest.exists() for rf in files)
    data = files[0].dest.read_bytes()
    first = data.split(b"\r\n", 2)[:2]
    assert first[0] == b"series_id                     \tyear\tperiod\t       value\tfootnote_codes"
    assert len(first[1].split(b"\t")[0]) == 30 and len(first[1].split(b"\t")[3]) == 12
    assert sum(rf.dest.stat().st_size for rf in files) < 4_000_000
    manifest = download.read_manifest(files[0].dest.parent)
    assert {e["origin"] for e in manifest.values()} == {"synthetic sample"}


def test_process_on_the_sample(sample_dirs, region):
    tables = oews.process(region, sample_dirs)
    areas, staffing = tables["oews_areas"], tables["oews_staffing"]
    assert set(areas.area_code) == set(oews.region_areas(region))
    assert set(areas.industry_code) == {"000000"}
    fresno = areas[areas.area_code == "0023420"]
    assert set(fresno.county_fips) == {"06019; 06039"}
    assert fresno.stand_in.str.contains("no Madera area").all()
    assert (areas.loc[areas.area_code != "0023420", "stand_in"] == "").all()
    assert set(areas.geography) == {"region", "state", "nation"}
    assert set(staffing.industry_code) == {"31-33", *region.industry.subsectors}
    assert set(staffing.area_code) == {"0000000"}
    # The sample has flagged cells, as real files do.
    flags = pd.concat([areas, staffing])[FLAG_COLUMNS].stack().value_counts()
    assert flags[oews.SUPPRESSED] > 0 and flags[oews.TOP_CODED] > 0
    assert {"51-4041", "51-4121", "51-9061", "49-9041", "17-3026", "53-7062",
            "11-3051"} <= set(staffing.occ_code)


def test_sample_magnitudes_follow_the_universe(sample_dirs, region):
    universe = Universe(region)
    u = universe.employment
    fresno_private_2024 = u[(u.area == "06019") & (u.year == 2024) & (u.industry == "10")]
    total = fresno_private_2024.employment.iloc[0] / (1 - 0.17)  # QCEW sample's government share
    areas = oews.process(region, sample_dirs)["oews_areas"]
    fresno = _row(areas, "0023420", "000000", "00-0000")
    assert fresno.tot_emp == round(total / 10) * 10  # OEWS rounds employment to tens
    staffing = oews.process(region, sample_dirs)["oews_staffing"]
    by_industry = staffing[staffing.occ_code == "51-4041"].set_index("industry_code").tot_emp
    subsectors = by_industry.drop("31-33")
    # The sector is the sum of its subsectors, each rounded to tens: within 10 per subsector.
    assert abs(by_industry["31-33"] - subsectors.sum()) <= 10 * len(subsectors)


def test_process_names_a_missing_area(ts, tmp_path, region):
    table = oews.read(ts, region)
    with pytest.raises(InputError) as exc:
        oews.area_table(table, region, ts)
    missing = {p.value for p in exc.value.problems}
    assert "0012540" in missing and "0023420" not in missing
    assert "Kern" in str(exc.value)


def test_cli_reads_with_the_region_filter(ts, tmp_path):
    out = tmp_path / "oews.csv"
    result = CliRunner().invoke(app, ["read", "oews", str(ts), "--region",
                                      str(paths.DEFAULT_REGION), "-o", str(out)])
    assert result.exit_code == 0, result.output
    written = pd.read_csv(out, dtype={"area_code": str, "industry_code": str})
    assert len(written) == 11
    assert "0031080" not in set(written.area_code)


# --- real files (../shared/realdata) ------------------------------------------------------------


@pytest.mark.realdata
def test_real_may_2025_california_time_series(realdata, region):
    folder = realdata / "oews" / "oews_may2025_timeseries_CA"
    df = oews.read(folder / "oe.data.2025A01.CA_and_US.tsv", region)
    fresno = _row(df, "0023420", "000000", "00-0000")
    assert (fresno.tot_emp, fresno.a_mean, fresno.a_median) == (476890, 63820, 46910)
    assert fresno.area_title == "Fresno, CA"  # from oe.area.tsv beside it
    production = _row(df, "0023420", "000000", "51-0000")
    assert (production.tot_emp, production.a_median) == (20370, 43490)
    assert production.o_group == "major"
    published = {"0012540": 338230, "0044700": 289660, "0033700": 195230, "0047300": 171140,
                 "0032900": 79510, "0025260": 48820}
    for area, employment in published.items():
        assert _row(df, area, "000000", "00-0000").tot_emp == employment
    california = _row(df, "0600000", "000000", "00-0000")
    assert (california.tot_emp, california.a_mean) == (18213700, 80690)
    assert _row(df, "0000000", "000000", "00-0000").tot_emp == 155495730
    assert "0031460" not in set(df.area_code)  # no Madera area in this release


@pytest.mark.realdata
def test_real_may_2025_time_series_flags(realdata):
    df = oews.read(realdata / "oews" / "oews_may2025_timeseries_CA"
                   / "oe.data.2025A01.CA_and_US.tsv")
    # Every "-" in the file carries footnote 4, 5 or 8 (PROVENANCE: 4638, 181, 2752 lines);
    # each becomes a flag and a missing value, never a number.
    flags = df[FLAG_COLUMNS].stack().value_counts()
    assert flags[oews.TOP_CODED] == 181
    assert flags[oews.SUPPRESSED] == 2752
    assert flags[oews.ANNUAL_ONLY] + flags[oews.HOURLY_ONLY] == 4638


@pytest.mark.realdata
def test_real_may_2025_national_manufacturing_staffing(realdata):
    folder = realdata / "oews" / "oews_may2025_timeseries_US_manufacturing"
    df = oews.read(folder / "oe.data.2025A01.US_manufacturing.tsv")
    assert _row(df, "0000000", "31-33", "00-0000").tot_emp == 12654310
    assert set(df.industry_code) == {"31-33", *[s for s in (
        "311", "312", "313", "314", "315", "316", "321", "322", "323", "324", "325", "326",
        "327", "331", "332", "333", "334", "335", "336", "337", "339")]}


@pytest.mark.realdata
def test_real_natsector_workbook(realdata):
    df = oews.read(realdata / "oews" / "natsector_M2024_dl.xlsx")
    mfg = df[(df.industry_code == "31-33") & (df.o_group != "broad")].set_index("occ_code")
    assert mfg.loc["00-0000", "tot_emp"] == 12767670
    assert mfg.loc["00-0000", "a_median"] == 51670
    assert (mfg.loc["51-0000", "tot_emp"], mfg.loc["51-0000", "a_median"]) == (6218770, 46870)
    assert mfg.loc["51-9061", "tot_emp"] == 377260
    assert set(df.area_code) == {"0000000"} and set(df.year) == {2024}
