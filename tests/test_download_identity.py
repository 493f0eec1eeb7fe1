"""A file of the right layout but the wrong area or period is refused, for every source whose
body says which area and period it holds (the ``expect`` of each :class:`RemoteFile`).

HTTP is mocked with ``responses``; bodies are the hand-made fixtures in the agencies' formats,
edited the way a wrong file differs (another county's code, another year), or real agency files
from ``../shared/realdata`` where one is another area's (skipped where absent).
"""

from __future__ import annotations

import gzip
import shutil

import geopandas as gpd
import openpyxl
import pytest
import responses
from shapely.geometry import box

from assessment import download
from assessment.errors import DownloadError, InputError
from assessment.sample.tracts import write_zipped_shapefile
from assessment.sources import acs, edd_ces, geo, laus, lodes, oews, qcew, qwi

KEY = "test-key-123"
JSON = "application/json;charset=utf-8"


@pytest.fixture
def mocked(fast_http, monkeypatch):
    monkeypatch.setenv("CENSUS_API_KEY", KEY)
    with responses.RequestsMock(assert_all_requests_are_fired=False) as rsps:
        yield rsps


def _refused(rf: download.RemoteFile, *fragments: str) -> str:
    """Fetch ``rf``; it must be refused as not the file asked for, naming each fragment, and
    leave nothing behind."""
    with pytest.raises(DownloadError) as exc:
        download.fetch([rf])
    message = str(exc.value)
    assert "downloaded but is not the file asked for; nothing was saved" in message
    for fragment in fragments:
        assert fragment in message
    assert KEY not in message
    assert not rf.dest.exists()
    assert rf.dest.name not in download.read_manifest(rf.dest.parent)
    return message


def _endpoint(rf: download.RemoteFile) -> str:
    return rf.url.split("?")[0]


# --- QCEW -----------------------------------------------------------------------------------------


def _qcew(region, dirs, files, year, qtr, area):
    return next(rf for rf in files(region, dirs)
                if rf.url.endswith(f"/{year}/{str(qtr).lower()}/area/{area}.csv"))


def test_qcew_slice_of_another_county_under_fresnos_name_is_refused(mocked, region, dirs,
                                                                    fixtures):
    body = (fixtures / "qcew" / "annual_area.csv").read_bytes()
    kern = body.replace(b'"06019"', b'"06029"')  # Kern's slice: every row says area 06029
    rf = _qcew(region, dirs, qcew.annual_files, 2023, "a", "06019")
    mocked.get(rf.url, body=kern, content_type="text/csv")
    _refused(rf, "row 2, column 'area_fips': area in the file is not the 06019 the URL asks for",
             "(value '06029')")


def test_qcew_slice_of_another_year_is_refused(mocked, region, dirs, fixtures):
    body = (fixtures / "qcew" / "annual_area.csv").read_bytes()  # 2023 annual averages
    rf = _qcew(region, dirs, qcew.annual_files, 2022, "a", "06019")
    mocked.get(rf.url, body=body, content_type="text/csv")
    _refused(rf, "column 'year': year in the file is not the 2022 the URL asks for",
             "(value '2023')")


def test_qcew_quarter_of_another_quarter_is_refused(mocked, region, dirs, fixtures):
    body = (fixtures / "qcew" / "quarterly_area.csv").read_bytes()  # 2023 third quarter
    rf = _qcew(region, dirs, qcew.quarterly_files, 2023, 1, "06019")
    mocked.get(rf.url, body=body, content_type="text/csv")
    _refused(rf, "column 'qtr': quarter in the file is not the 1 the URL asks for",
             "(value '3')")


def test_qcew_slice_of_the_asked_area_and_year_is_saved(mocked, region, dirs, fixtures):
    body = (fixtures / "qcew" / "annual_area.csv").read_bytes()
    rf = _qcew(region, dirs, qcew.annual_files, 2023, "a", "06019")
    mocked.get(rf.url, body=body, content_type="text/csv")
    download.fetch([rf])
    assert rf.dest.read_bytes() == body


def test_qcew_file_saved_by_hand_under_another_areas_name_is_refused_offline(region, dirs,
                                                                             fixtures):
    """The case the check is for: a researcher saves Kern's slice as 06019.csv by hand."""
    rf = _qcew(region, dirs, qcew.annual_files, 2023, "a", "06019")
    rf.dest.parent.mkdir(parents=True)
    rf.dest.write_bytes((fixtures / "qcew" / "annual_area.csv").read_bytes()
                        .replace(b'"06019"', b'"06029"'))
    with pytest.raises(InputError) as exc:
        download.fetch([rf], offline=True)
    assert "area in the file is not the 06019 the URL asks for" in str(exc.value)
    assert str(rf.dest) in str(exc.value)
    assert rf.dest.name not in download.read_manifest(rf.dest.parent)  # not recorded


def test_real_qcew_slice_of_franklin_county_ohio_saved_as_fresno_is_refused(realdata, region,
                                                                            dirs):
    """A real BLS area slice (2020 annual, Franklin County, Ohio, 39049; PROVENANCE.md) placed
    where Fresno's 2020 file belongs."""
    rf = _qcew(region, dirs, qcew.annual_files, 2020, "a", "06019")
    rf.dest.parent.mkdir(parents=True)
    rf.dest.write_bytes(
        (realdata / "qcew/format_fixtures_non_CA/morpc-qcew-2020-a-39049.csv").read_bytes())
    with pytest.raises(InputError) as exc:
        download.fetch([rf], offline=True)
    problem = exc.value.problems[0]
    assert (problem.column, problem.value, problem.row) == ("area_fips", "39049", 2)
    assert "2,255 row(s)" in problem.rule  # every data row (PROVENANCE.md: 2,255 rows)


def test_qcew_industry_slice_of_another_industry_is_refused(mocked, region, dirs, fixtures):
    body = (fixtures / "qcew" / "industry_31_33.csv").read_bytes().replace(b'"31-33"', b'"44-45"')
    rf = qcew.industry_files(region, dirs)[-1]  # 2024, the fixture's year
    mocked.get(rf.url, body=body, content_type="text/csv")
    _refused(rf, "industry in the file is not the 31-33 the URL asks for", "(value '44-45')")


def test_qcew_size_slice_of_another_size_class_is_refused(mocked, region, dirs, fixtures):
    body = (fixtures / "qcew" / "size" / "2.csv").read_bytes()
    rf = next(f for f in qcew.size_files(region, dirs) if f.url.endswith("/size/9.csv"))
    mocked.get(rf.url, body=body, content_type="text/csv")
    _refused(rf, "size class in the file is not the 9 the URL asks for", "(value '2')")


# --- BLS OEWS and LAUS ------------------------------------------------------------------------


def test_oews_data_file_without_the_state_and_nation_is_refused(mocked, region, dirs, fixtures):
    """A metro-only extract saved as the national ``oe.data.0.Current``."""
    lines = (fixtures / "oews" / "timeseries" / "oe.data.0.Current").read_bytes().splitlines(True)
    metro_only = b"".join(line for line in lines
                          if not line.startswith((b"OEUS", b"OEUN")))
    rf = oews.remote_files(region, dirs)[0]
    mocked.get(rf.url, body=metro_only, content_type="text/plain")
    _refused(rf, "the URL asks for area 0600000, 0000000 but the file has no row for it")


def _hand_placed_current(realdata, region, dirs, name):
    """A real OEWS May 2025 flat file (PROVENANCE.md) saved by hand as oe.data.0.Current."""
    rf = oews.remote_files(region, dirs)[0]
    rf.dest.parent.mkdir(parents=True)
    shutil.copyfile(realdata / "oews" / name, rf.dest)
    return rf


def test_real_oews_national_manufacturing_file_saved_as_current_is_refused(realdata, region,
                                                                           dirs):
    """The national industry-specific file holds no state rows: not the all-areas file."""
    rf = _hand_placed_current(realdata, region, dirs, "oews_may2025_timeseries_US_manufacturing"
                              "/oe.data.2025A01.US_manufacturing.tsv")
    with pytest.raises(InputError) as exc:
        download.fetch([rf], offline=True)
    assert [(p.column, p.value) for p in exc.value.problems] == [("area_code", "0600000")]


def test_real_oews_california_and_us_file_is_accepted_as_current(realdata, region, dirs):
    rf = _hand_placed_current(realdata, region, dirs,
                              "oews_may2025_timeseries_CA/oe.data.2025A01.CA_and_US.tsv")
    download.fetch([rf], offline=True)
    assert download.read_manifest(rf.dest.parent)[rf.dest.name]["origin"] == "placed by hand"


def _laus_workbook(path, year, counties):
    """BLS's laucntyYY.xlsx layout (title, blank, three header lines, blank, an empty column F,
    FIPS as text, a source note), one row per county."""
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
    for fips in counties:
        # Fresno's 2023 annual averages (laucnty23, PROVENANCE.md) stand in for every county:
        # 459,009 = 424,716 + 34,293; 100 x 34,293 / 459,009 = 7.47 -> 7.5
        ws.append([f"CN{fips}00000000", fips[:2], fips[2:], "County, CA", str(year), None,
                   459009, 424716, 34293, 7.5])
    ws.append([])
    ws.append(["SOURCE:  BLS, LAUS"])
    wb.save(path)
    return path.read_bytes()


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def test_laus_workbook_of_another_year_is_refused(mocked, region, dirs, tmp_path):
    rf = laus.remote_files(region, dirs)[1]  # laucnty20.xlsx
    body = _laus_workbook(tmp_path / "w.xlsx", 2019, region.county_fips)
    mocked.get(rf.url, body=body, content_type=XLSX)
    _refused(rf, "year in the file is not the 2020 the URL asks for", "(value '2019')")


def test_laus_workbook_lacking_the_regions_counties_is_refused(mocked, region, dirs, tmp_path):
    rf = laus.remote_files(region, dirs)[1]
    body = _laus_workbook(tmp_path / "w.xlsx", 2020, ["06019", "32003"])
    mocked.get(rf.url, body=body, content_type=XLSX)
    _refused(rf, "the URL asks for county 06029, 06031, 06039, 06047, 06077, 06099, 06107 but"
             " the file has no row for it")


def test_real_laus_2018_workbook_served_for_2019_is_refused(mocked, realdata, region, dirs):
    rf = laus.remote_files(region, dirs)[0]  # laucnty19.xlsx
    mocked.get(rf.url, body=(realdata / "laus" / "laucnty18.xlsx").read_bytes(),
               content_type=XLSX)
    message = _refused(rf, "year in the file is not the 2019 the URL asks for", "(value '2018')")
    assert "3,219 row(s)" in message  # every county row (PROVENANCE.md: 3,219)


def test_laus_api_answer_for_other_series_is_refused(fast_http, region, tmp_path, fixtures):
    """The API answer saved for the state and nation must hold the state and the nation."""
    body = (fixtures / "laus" / "api_success.json").read_bytes()
    dest = tmp_path / "raw" / "bls" / "laus" / "api" / "x.json"
    with responses.RequestsMock() as rsps:
        rsps.post(laus.API_URL, body=body, content_type="application/json")
        with pytest.raises(DownloadError, match="the URL asks for area 32000"):
            laus.fetch_api(["LAUST320000000000003"], 2019, 2024, dest)
    assert not dest.exists()


# --- EDD CES ----------------------------------------------------------------------------------


def test_edd_workbook_of_another_metro_area_saved_by_hand_is_refused(region, dirs, tmp_path):
    """Fresno's HWS layout (AREA 23420) saved under Bakersfield's name (CBSA 12540)."""
    rf = next(f for f in edd_ces.remote_files(region, dirs) if "bake" in f.dest.name)
    rf.dest.parent.mkdir(parents=True)
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["SORTORDER", "BMYEAR", "AREA", "INCLUDES", "BREAKS", "PNCO", "SS-NAICS", "TITLE",
               "2024-01-01", "2024-02-01"])
    ws.append([17, 2023, 23420, "210000-330000", None, 1, "30-000000", "Manufacturing", 26100,
               26300])
    wb.save(rf.dest)
    with pytest.raises(InputError) as exc:
        download.fetch([rf], offline=True)
    assert "area in the file is not the 12540 the URL asks for" in str(exc.value)
    assert "(value '23420')" in str(exc.value)


def test_real_edd_fresno_workbook_served_for_bakersfield_is_refused(mocked, realdata, region,
                                                                    dirs):
    rf = next(f for f in edd_ces.remote_files(region, dirs) if "bake" in f.dest.name)
    mocked.get(rf.url, body=(realdata / "edd" / "FRSN_HWS.xls").read_bytes(),
               content_type="application/vnd.ms-excel")
    _refused(rf, "area in the file is not the 12540 the URL asks for", "(value '23420')")


def test_real_edd_state_workbook_is_accepted_for_california(mocked, realdata, region, dirs):
    rf = next(f for f in edd_ces.remote_files(region, dirs) if "cal" in f.dest.name)
    mocked.get(rf.url, body=(realdata / "edd" / "CAL_HWS.xls").read_bytes(),
               content_type="application/vnd.ms-excel")
    download.fetch([rf])
    assert rf.dest.exists()


# --- Census API bodies (QWI, ACS), LODES, tracts -------------------------------------------------


def test_qwi_answer_for_another_year_is_refused(mocked, region, dirs, fixtures):
    rf = next(f for f in qwi.remote_files(region, dirs) if f.dest.parts[-3:-1] == ("sa", "2022"))
    mocked.get(_endpoint(rf), body=(fixtures / "qwi/sa_county_06_31-33_A05.json").read_bytes(),
               content_type=JSON)
    _refused(rf, "year in the file is not the 2022 the URL asks for", "(value '2023')")


def test_qwi_answer_for_another_state_is_refused(mocked, region, dirs, fixtures):
    rf = next(f for f in qwi.remote_files(region, dirs) if f.dest.parts[-3:-1] == ("sa", "2023"))
    body = (fixtures / "qwi/sa_county_06_31-33_A05.json").read_bytes().replace(
        b'"U","06",', b'"U","32",')
    mocked.get(_endpoint(rf), body=body, content_type=JSON)
    _refused(rf, "state in the file is not the 06… the URL asks for", "(value '32019")


def test_acs_county_answer_for_another_state_is_refused(mocked, region, dirs, fixtures):
    rf = next(f for f in acs.remote_files(region, dirs) if f.dest.name == "county_06.json"
              and f.dest.parent.name == "B23025")
    body = (fixtures / "acs/2023/acs5/B23025/county_06.json").read_bytes().replace(
        b'"06","', b'"32","')
    assert body != (fixtures / "acs/2023/acs5/B23025/county_06.json").read_bytes()
    mocked.get(_endpoint(rf), body=body, content_type=JSON)
    _refused(rf, "state in the file is not the 06… the URL asks for")


def test_acs_national_answer_saved_as_the_county_file_is_refused(mocked, region, dirs, fixtures):
    rf = next(f for f in acs.remote_files(region, dirs) if f.dest.name == "county_06.json"
              and f.dest.parent.name == "B23025")
    mocked.get(_endpoint(rf), body=(fixtures / "acs/2023/acs5/B23025/us.json").read_bytes(),
               content_type=JSON)
    _refused(rf, "geography in the file is not the county the URL asks for", "(value 'nation')")


def test_lodes_file_of_another_state_is_refused(mocked, region, dirs, fixtures):
    rf = next(f for f in lodes.remote_files(region, dirs) if f.dest.name.endswith("2021.csv.gz"))
    lines = (fixtures / "lodes" / "ca_wac_S000_JT00_2021.csv").read_bytes().splitlines(True)
    nevada = lines[0] + b"".join(b"32" + line[2:] for line in lines[1:])
    mocked.get(rf.url, body=gzip.compress(nevada), content_type="application/x-gzip")
    _refused(rf, "state in the file is not the 06… the URL asks for", "(value '32")


def test_tract_file_of_another_state_is_refused(mocked, region, dirs, tmp_path):
    gdf = gpd.GeoDataFrame({"GEOID": ["32003000100"], "NAME": ["1"]},
                           geometry=[box(0, 0, 1, 1)], crs=geo.NAD83)
    path = tmp_path / "body" / "cb_2023_32_tract_500k.zip"
    write_zipped_shapefile(gdf, path)
    rf = geo.tract_file(region, dirs)
    mocked.get(rf.url, body=path.read_bytes(), content_type="application/zip")
    _refused(rf, "state in the file is not the 06… the URL asks for", "(value '32003")


# --- the check itself -------------------------------------------------------------------------


def test_an_expectation_on_a_column_the_table_lacks_is_an_error():
    import pandas as pd

    table = pd.DataFrame({"year": [2023]})
    problems = download.identity_problems(table, [download.expect("area", "area_fips", "06019")],
                                          "f.csv")
    assert [p.rule for p in problems] == [
        "cannot check the area: the parsed table has no column 'area_fips'"]
    with pytest.raises(ValueError, match="only, includes or prefix"):
        download.Expect("area", "area_fips", ("06019",), how="exactly")
