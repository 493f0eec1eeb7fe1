"""LAUS: county workbooks (BLS layout and its CSV conversion), the Public Data API (parsing,
POST with retries and refusals, key kept secret), remote files, the sample and the CLI.

Expected values are the numbers written in tests/fixtures/laus (see its README), hand
calculations spelled out below, or values published in the real files
(../shared/realdata/PROVENANCE.md).
"""

from __future__ import annotations

import io
import json

import openpyxl
import pandas as pd
import pytest
import responses
from typer.testing import CliRunner

from assessment import download, paths
from assessment.cli import app
from assessment.errors import DownloadError, InputError
from assessment.sample import laus as sample_laus
from assessment.sample.universe import Universe
from assessment.sources import laus


@pytest.fixture
def ldir(fixtures):
    return fixtures / "laus"


def bls_workbook(path, rows, year=2023):
    """A workbook in BLS's laucntyYY.xlsx layout: title, three header lines, blank line,
    spacer column F, FIPS as text, a source note at the foot."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = f"laucnty{year % 100}"
    ws.append([f"Labor Force Data by County, {year} Annual Averages"])
    ws.append([])
    ws.append([None, "State", "County", None, None, None, None, None, None, "Unemploy-"])
    ws.append(["LAUS", "FIPS", "FIPS", None, None, None, "Labor", None, None, "ment Rate"])
    ws.append(["Code", "Code", "Code", "County Name/State Abbreviation", "Year", None, "Force",
               "Employed", "Unemployed", "(%)"])
    ws.append([])
    for r in rows:
        ws.append(list(r))
    ws.append([])
    ws.append(["SOURCE:  BLS, LAUS"])
    ws.append(["April 19, 2024"])
    wb.save(path)
    return path


FRESNO_2018 = ("CN0601900000000", "06", "019", "Fresno County, CA", "2018", None, 448353,
               414926, 33427, 7.5)


def _problems(exc: InputError) -> list[tuple]:
    return [(p.row, p.column, p.rule) for p in exc.problems]


# --- the CSV conversion -----------------------------------------------------------------------


def test_csv_conversion_restores_leading_zeros_and_reads_separators(ldir):
    df = laus.read(ldir / "laucnty23.csv")
    assert list(df.columns) == laus.TIDY_COLUMNS
    assert list(df.index) == [2, 3, 4, 5]  # file rows, header = 1
    assert list(df.area_fips) == ["01001", "06019", "06029", "72001"]  # "1","1" -> "01001"
    fresno = df.loc[3]
    assert (fresno.area_title, fresno.year, fresno.period) == ("Fresno County, CA", 2023, "A")
    assert (fresno.labor_force, fresno.employed, fresno.unemployed) == (459009, 424716, 34293)
    assert fresno.unemployment_rate == 7.5
    assert fresno.footnote == ""


def test_not_available_stays_missing_and_flagged(ldir):
    pr = laus.read(ldir / "laucnty23.csv").loc[5]
    assert pr.area_fips == "72001"
    assert pr[["labor_force", "employed", "unemployed", "unemployment_rate"]].isna().all()
    assert pr.footnote == "N.A."


def test_region_keeps_its_counties(ldir, region):
    df = laus.read(ldir / "laucnty23.csv", region)
    assert list(df.area_fips) == ["06019", "06029"]


# --- BLS's workbook layout --------------------------------------------------------------------


def test_bls_workbook_layout(tmp_path):
    kern = ("CN0602900000000", "06", "029", "Kern County, CA", "2018", None, 386997, 356132,
            30865, 8.0)
    path = bls_workbook(tmp_path / "laucnty18.xlsx", [FRESNO_2018, kern], 2018)
    df = laus.read(path)
    assert list(df.index) == [7, 8]  # data start on sheet row 7; the foot notes are not rows
    assert list(df.area_fips) == ["06019", "06029"]
    assert df.loc[7, "labor_force"] == 448353
    assert df.loc[8, "unemployment_rate"] == 8.0
    assert df.year.tolist() == [2018, 2018]


def test_fips_disagreeing_with_the_laus_code_is_refused(tmp_path):
    row = list(FRESNO_2018)
    row[2] = "029"
    path = bls_workbook(tmp_path / "laucnty18.xlsx", [row], 2018)
    with pytest.raises(InputError) as err:
        laus.read(path)
    ((r, col, rule),) = _problems(err.value)
    assert (r, col) == (7, "State/County FIPS Code")
    assert "CN0601900000000" in rule


def test_bad_number_names_row_and_column(tmp_path):
    row = list(FRESNO_2018)
    row[7] = "414,92x"
    path = bls_workbook(tmp_path / "laucnty18.xlsx", [row], 2018)
    with pytest.raises(InputError) as err:
        laus.read(path)
    assert _problems(err.value) == [(7, "employed", "not a number")]


def test_levels_that_do_not_add_up_are_refused(tmp_path):
    row = list(FRESNO_2018)
    row[8] = 33428  # 414,926 + 33,428 != 448,353
    path = bls_workbook(tmp_path / "laucnty18.xlsx", [row], 2018)
    with pytest.raises(InputError) as err:
        laus.read(path)
    assert any(p.row == 7 and "labor force" in p.rule for p in err.value.problems)


def test_rate_inconsistent_with_levels_is_refused(tmp_path):
    row = list(FRESNO_2018)
    row[9] = 8.5  # 100 x 33,427 / 448,353 = 7.46
    path = bls_workbook(tmp_path / "laucnty18.xlsx", [row], 2018)
    with pytest.raises(InputError) as err:
        laus.read(path)
    assert any(p.row == 7 and "rate" in p.rule for p in err.value.problems)


def test_a_table_without_county_rows_is_refused(tmp_path):
    path = tmp_path / "x.csv"
    path.write_text("a,b\n1,2\n")
    with pytest.raises(InputError, match="no LAUS county rows"):
        laus.read(path)


def test_header_without_its_columns_is_refused(tmp_path):
    path = tmp_path / "x.csv"
    path.write_text("LAUS Code,State FIPS Code,County FIPS Code,Name,Year,Labor Force\n"
                    "CN0601900000000,6,19,Fresno,2023,1\n")
    with pytest.raises(InputError) as err:
        laus.read(path)
    ((row, col, rule),) = _problems(err.value)
    assert row == 1 and "employed" in col and "unemployment_rate" in col


# --- the API response -------------------------------------------------------------------------


def test_api_response_gives_state_and_nation(ldir, region):
    df = laus.read(ldir / "api_success.json", region)
    annual = df[df.period == "A"].set_index("area_fips")
    assert annual.loc["06000", "area_title"] == "California"
    assert annual.loc["06000", "labor_force"] == 19_276_000
    assert annual.loc["06000", "unemployment_rate"] == 4.8
    # CPS levels are in thousands: 167,116 thousand = 167,116,000 persons
    assert annual.loc["US000", "labor_force"] == 167_116_000
    assert annual.loc["US000", "unemployed"] == 6_080_000
    assert annual.loc["US000", "area_title"] == "United States"
    dec = df[(df.area_fips == "06000") & (df.period == "12")].iloc[0]
    assert (dec.year, dec.employed, dec.footnote) == (2023, 18_450_000, "P")


def test_api_refusal_saved_as_a_file_is_not_data(ldir):
    with pytest.raises(InputError, match="daily threshold"):
        laus.read(ldir / "api_not_processed.json")


def test_api_unknown_series_is_named(tmp_path):
    path = tmp_path / "x.json"
    path.write_text(json.dumps({"status": "REQUEST_SUCCEEDED", "Results": {"series": [
        {"seriesID": "CEU0000000001", "data": []}]}}))
    with pytest.raises(InputError) as err:
        laus.read(path)
    assert err.value.problems[0].value == "CEU0000000001"


# --- where the files are ----------------------------------------------------------------------


def test_remote_files_are_the_annual_workbooks(region, dirs):
    files = laus.remote_files(region, dirs)
    assert [rf.url for rf in files] == [f"https://www.bls.gov/lau/laucnty{yy}.xlsx"
                                        for yy in ("19", "20", "21", "22", "23", "24")]
    assert files[0].dest == dirs.raw / "bls" / "laus" / "laucnty19.xlsx"
    assert {rf.kind for rf in files} == {"xlsx"}
    assert all(rf.validate is laus.read for rf in files)


def test_benchmark_series_ids(region):
    assert laus.benchmark_series(region) == [
        "LAUST060000000000003", "LAUST060000000000004", "LAUST060000000000005",
        "LAUST060000000000006", "LNU01000000", "LNU02000000", "LNU03000000", "LNU04000000"]
    assert all(len(s) == 20 for s in laus.benchmark_series(region)[:4])


# --- downloads (mocked) -----------------------------------------------------------------------


def _xlsx_bytes(tmp_path, region, year):
    """The workbook of ``year`` holding every county of the region (Fresno's 2018 figures, which
    add up, stand in for each): a download is checked for the year and counties it asks for."""
    rows = [(f"CN{fips}00000000", fips[:2], fips[2:], name, str(year), *FRESNO_2018[5:])
            for fips, name in region.county_names.items()]
    path = bls_workbook(tmp_path / "body.xlsx", rows, year)
    return path.read_bytes()


@responses.activate
def test_workbook_download_is_checked_and_recorded(tmp_path, region, dirs, fast_http):
    rf = laus.remote_files(region, dirs)[0]
    body = _xlsx_bytes(tmp_path, region, region.years.start)
    responses.get(rf.url, body=body, content_type="application/vnd.openxmlformats-"
                  "officedocument.spreadsheetml.sheet")
    download.fetch([rf])
    assert rf.dest.read_bytes() == body
    entry = download.read_manifest(rf.dest.parent)[rf.dest.name]
    assert entry["url"] == rf.url and entry["bytes"] == len(body)


@responses.activate
def test_workbook_html_page_is_refused(region, dirs, fast_http):
    rf = laus.remote_files(region, dirs)[0]
    responses.get(rf.url, body=b"<!DOCTYPE html><html><body>Access Denied</body></html>",
                  content_type="text/html")
    with pytest.raises(DownloadError, match="HTML page"):
        download.fetch([rf])
    assert not rf.dest.exists()


@responses.activate
def test_api_post_saves_the_answer_and_keeps_the_key_out(ldir, tmp_path, region,
                                                         fast_http, monkeypatch):
    monkeypatch.setenv(laus.API_KEY_ENV, "s3cr3tkey")
    body = (ldir / "api_success.json").read_bytes()
    responses.post(laus.API_URL, body=body, content_type="application/json")
    dest = tmp_path / "raw" / "bls" / "laus" / "api" / "x.json"
    laus.fetch_api(laus.benchmark_series(region), 2019, 2024, dest)
    sent = json.loads(responses.calls[0].request.body)
    assert sent["seriesid"] == laus.benchmark_series(region)
    assert (sent["startyear"], sent["endyear"]) == ("2019", "2024")
    assert sent["registrationkey"] == "s3cr3tkey" and sent["annualaverage"] is True
    assert "research@example.org" in responses.calls[0].request.headers["User-Agent"]
    assert dest.read_bytes() == body
    manifest = (dest.parent / download.MANIFEST_NAME).read_text()
    assert "s3cr3tkey" not in manifest
    entry = json.loads(manifest)["x.json"]
    assert entry["method"] == "POST" and "registrationkey" not in entry["request"]


@responses.activate
def test_api_without_key_asks_for_no_annual_averages(ldir, tmp_path, region, fast_http,
                                                     monkeypatch):
    monkeypatch.delenv(laus.API_KEY_ENV, raising=False)
    responses.post(laus.API_URL, body=(ldir / "api_success.json").read_bytes())
    laus.fetch_api(laus.benchmark_series(region), 2019, 2024, tmp_path / "a.json")
    sent = json.loads(responses.calls[0].request.body)
    assert set(sent) == {"seriesid", "startyear", "endyear"}


@responses.activate
def test_api_not_processed_is_refused_with_bls_message(ldir, tmp_path, region, fast_http,
                                                       monkeypatch):
    monkeypatch.setenv(laus.API_KEY_ENV, "s3cr3tkey")
    responses.post(laus.API_URL, body=(ldir / "api_not_processed.json").read_bytes())
    dest = tmp_path / "a.json"
    with pytest.raises(DownloadError) as err:
        laus.fetch_api(laus.benchmark_series(region), 2019, 2024, dest)
    assert "REQUEST_NOT_PROCESSED" in str(err.value) and "daily threshold" in str(err.value)
    assert "s3cr3tkey" not in str(err.value)
    assert not dest.exists() and list(tmp_path.iterdir()) == []


@responses.activate
def test_api_busy_server_is_retried(ldir, tmp_path, region, fast_http):
    responses.post(laus.API_URL, status=503)
    responses.post(laus.API_URL, body=(ldir / "api_success.json").read_bytes())
    laus.fetch_api(laus.benchmark_series(region), 2019, 2024, tmp_path / "a.json")
    assert len(responses.calls) == 2
    assert (tmp_path / "a.json").exists()


@responses.activate
def test_api_down_gives_up_after_the_policy_attempts(tmp_path, region, fast_http):
    responses.post(laus.API_URL, status=500)
    with pytest.raises(DownloadError, match="after 3 attempts"):
        laus.fetch_api(laus.benchmark_series(region), 2019, 2024, tmp_path / "a.json")
    assert len(responses.calls) == fast_http.attempts


@responses.activate
def test_api_html_page_is_refused(tmp_path, region, fast_http):
    responses.post(laus.API_URL, body="<html><body>Blocked</body></html>",
                   content_type="text/html")
    with pytest.raises(DownloadError, match="HTML page"):
        laus.fetch_api(laus.benchmark_series(region), 2019, 2024, tmp_path / "a.json")


def test_api_request_over_the_limits_is_refused_before_sending(tmp_path, fast_http,
                                                               monkeypatch):
    monkeypatch.delenv(laus.API_KEY_ENV, raising=False)
    with pytest.raises(DownloadError, match="at most 25 series and 10 years"):
        laus.fetch_api([f"LAUCN06{i:03d}0000000003" for i in range(26)], 2019, 2024,
                       tmp_path / "a.json")


# --- real BLS files ---------------------------------------------------------------------------


@pytest.mark.realdata
@pytest.mark.parametrize("name, fips, expected", [
    ("laucnty23.csv", "06019", (459009, 424716, 34293, 7.5)),
    ("laucnty23.csv", "06029", (401412, 368651, 32761, 8.2)),
    ("laucnty24.csv", "06019", (469063, 431815, 37248, 7.9)),
    ("laucnty24.csv", "06029", (408114, 372823, 35291, 8.6)),
    ("laucnty20.csv", "06019", (440808, 389007, 51801, 11.8)),
    ("laucnty18.xlsx", "06019", (448353, 414926, 33427, 7.5)),
])
def test_real_files_match_published_values(realdata, name, fips, expected):
    df = laus.read(realdata / "laus" / name).set_index("area_fips")
    row = df.loc[fips]
    assert (row.labor_force, row.employed, row.unemployed, row.unemployment_rate) == expected


@pytest.mark.realdata
def test_real_files_hold_every_county(realdata):
    xlsx = laus.read(realdata / "laus" / "laucnty18.xlsx")
    assert len(xlsx) == 3219  # PROVENANCE: 3,219 county rows
    csv20 = laus.read(realdata / "laus" / "laucnty20.csv")
    assert len(csv20) == 3221
    assert (csv20.area_fips.str.len() == 5).all()
    assert csv20.loc[csv20.footnote == "N.A.", "area_fips"].str.startswith("72").all()


# --- sample bundle and processed table --------------------------------------------------------


@pytest.fixture(scope="module")
def sample(tmp_path_factory):
    from assessment.region import load_region

    region = load_region()
    root = tmp_path_factory.mktemp("laus_sample")
    dirs = paths.DataDirs(paths.Mode.SAMPLE, root / "raw", root / "processed")
    universe = Universe(region)
    written = sample_laus.build(region, dirs, universe)
    return region, dirs, universe, written


def test_sample_writes_every_remote_file_and_the_benchmarks(sample):
    region, dirs, _u, written = sample
    expected = [rf.dest for rf in laus.remote_files(region, dirs)] + [laus.api_path(dirs,
                                                                                    region)]
    assert written == expected
    manifest = download.read_manifest(written[0].parent)
    assert manifest["laucnty19.xlsx"]["origin"] == "synthetic sample"


def test_sample_processes_into_counties_state_and_nation(sample):
    region, dirs, universe, _w = sample
    table = laus.process(region, dirs)["laus"]
    assert set(table.area_fips) == set(region.county_fips) | {"06000", "US000"}
    assert len(table) == 10 * len(region.years.span)  # 8 counties + state + nation, annual
    assert set(table.period) == {"A"}
    # Labor force follows the sample's private employment (1.3-1.6 times in counties).
    u = universe.employment
    private = u[u.industry == "10"].set_index(["area", "year"]).employment
    counties = table[table.area_fips.isin(region.county_fips)]
    ratio = counties.labor_force.to_numpy() / private.loc[
        list(zip(counties.area_fips, counties.year, strict=True))].to_numpy()
    assert ((ratio > 1.29) & (ratio < 1.61)).all()
    by_year = counties.groupby("year").unemployment_rate.mean()
    assert by_year[2020] > by_year[2019] + 3  # the 2020 rise


def test_sample_workbook_keeps_the_not_available_county(sample):
    region, dirs, _u, _w = sample
    rf = next(rf for rf in laus.remote_files(region, dirs) if rf.dest.name == "laucnty20.xlsx")
    raw = laus.read(rf.dest)
    pr = raw[raw.area_fips == "72001"].iloc[0]
    assert pr.footnote == "N.A." and pd.isna(pr.labor_force)


def test_cli_read_keeps_leading_zeros(tmp_path, ldir):
    out = tmp_path / "laus.csv"
    result = CliRunner().invoke(app, ["read", "laus", str(ldir / "laucnty23.csv"), "-o",
                                      str(out)])
    assert result.exit_code == 0, result.output
    back = pd.read_csv(out, dtype=str)
    assert back.area_fips.tolist() == ["01001", "06019", "06029", "72001"]
    assert io.StringIO(out.read_text()).readline().startswith("area_fips,area_title,year")
