"""EDD CES (``{area}$hws.xls``): the HWS layout, real EDD workbooks, remote files, mocked
downloads and the sample.

This project cannot write BIFF ``.xls`` files (no such writer among its dependencies), so the
layout logic is tested on hand-made workbooks in the same layout saved as ``.xlsx`` (the
reader goes by content), and the ``.xls`` path on EDD's real files
(../shared/realdata/edd, values from PROVENANCE.md).
"""

from __future__ import annotations

import datetime as dt

import openpyxl
import pandas as pd
import pytest
import responses

from assessment import download, paths
from assessment.errors import DownloadError, InputError
from assessment.sample import edd_ces as sample_ces
from assessment.sample.universe import Universe
from assessment.sources import edd_ces

HEADER = ["SORTORDER", "BMYEAR", "AREA", "INCLUDES", "BREAKS", "PNCO", "SS-NAICS", "TITLE"]
MONTHS = [dt.datetime(2023, 11, 1), dt.datetime(2023, 12, 1), dt.datetime(2024, 1, 1)]
ROWS = [
    [1, 2023, 23420, "", None, 1, "00-000010", "Civilian Labor Force", 460000, 459000, 458100],
    [4, 2023, 23420, "", None, 1, "00-000040", "Civilian Unemployment Rate", 0.072, 0.075,
     0.09],
    [10, 2023, 23420, "113000, 210000-813000, 92000", None, 1, "00-000000", "  Total Nonfarm",
     395200, 394900, 383000],
    [17, 2023, 23420, "210000-330000", None, 1, "30-000000", "      Manufacturing", 27400,
     27000, 26100],
    [20, 2023, 23420, "", None, 1, "32-311000", "          Food Manufacturing", None, 13600,
     12900],
]


def hws_workbook(path, rows=ROWS, months=MONTHS, serials=False):
    """EDD's HWS layout: header row with month dates, one row per series."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Sheet1"
    if serials:  # month headers as bare Excel serial numbers
        months = [(m - dt.datetime(1899, 12, 30)).days for m in months]
    ws.append(HEADER + list(months))
    for r in rows:
        ws.append(list(r))
    wb.create_sheet("Sheet2")
    wb.save(path)
    return path


def test_layout_parses_one_row_per_series_and_month(tmp_path):
    df = edd_ces.read(hws_workbook(tmp_path / "frsn_hws.xls"))
    assert list(df.columns) == edd_ces.TIDY_COLUMNS
    assert len(df) == 5 * 3
    mfg = df[df.series_code == "30-000000"].set_index("period")
    assert mfg.employment.to_dict() == {"2023-11": 27400, "2023-12": 27000, "2024-01": 26100}
    assert mfg.title.iloc[0] == "Manufacturing"  # indentation stripped
    assert set(mfg.index) == {"2023-11", "2023-12", "2024-01"}
    assert (mfg.area_code.iloc[0], mfg.edd_area.iloc[0], mfg.benchmark_year.iloc[0]) == (
        "23420", "FRSN", 2023)
    assert set(df.loc[5].series_code) == {"30-000000"}  # index = sheet row of the series


def test_rate_line_becomes_percent_and_levels_stay_counts(tmp_path):
    df = edd_ces.read(hws_workbook(tmp_path / "frsn_hws.xls"))
    rate = df[df.series_code == edd_ces.UNEMPLOYMENT_RATE].set_index("period")
    assert rate.unemployment_rate.to_dict() == {"2023-11": 7.2, "2023-12": 7.5, "2024-01": 9.0}
    assert rate.employment.isna().all()
    lf = df[df.series_code == edd_ces.LABOR_FORCE]
    assert lf.unemployment_rate.isna().all() and lf.employment.iloc[0] == 460000


def test_blank_cell_stays_missing(tmp_path):
    df = edd_ces.read(hws_workbook(tmp_path / "frsn_hws.xls"))
    food = df[df.series_code == "32-311000"].set_index("period").employment
    assert pd.isna(food["2023-11"]) and food["2023-12"] == 13600


def test_month_headers_as_serial_numbers(tmp_path):
    df = edd_ces.read(hws_workbook(tmp_path / "x.xlsx", serials=True))
    assert sorted(df.period.unique()) == ["2023-11", "2023-12", "2024-01"]
    assert set(df.edd_area) == {""}  # no EDD area in a file name it does not recognise


def test_text_in_a_value_cell_is_refused_with_row_and_month(tmp_path):
    rows = [list(r) for r in ROWS]
    rows[3][9] = "27,0O0"
    with pytest.raises(InputError) as err:
        edd_ces.read(hws_workbook(tmp_path / "x.xlsx", rows=rows))
    (p,) = err.value.problems
    assert (p.row, p.column, p.rule) == (5, "2023-12", "not a number")


def test_header_missing_a_column_is_named(tmp_path):
    wb = openpyxl.Workbook()
    wb.active.append(["SORTORDER", "AREA", "SS-NAICS", "TITLE", MONTHS[0]])
    wb.save(tmp_path / "x.xlsx")
    with pytest.raises(InputError) as err:
        edd_ces.read(tmp_path / "x.xlsx")
    (p,) = err.value.problems
    assert p.row == 1 and "BMYEAR" in p.column and "PNCO" in p.column


def test_not_a_month_header_is_refused(tmp_path):
    with pytest.raises(InputError, match="month header is not a date"):
        edd_ces.read(hws_workbook(tmp_path / "x.xlsx", months=["Nov", "Dec", "Jan"]))


def test_a_file_that_is_not_a_workbook_is_refused(tmp_path):
    path = tmp_path / "frsn_hws.xls"
    path.write_text("SORTORDER,BMYEAR\n")
    with pytest.raises(InputError, match="not an Excel workbook"):
        edd_ces.read(path)


# --- real EDD files ---------------------------------------------------------------------------

MANUFACTURING = {  # PROVENANCE.md: (Dec 2023, Jul 2024)
    "FRSN": (27000, 27000), "BAKE": (12500, 12500), "STOC": (24000, 23500),
    "MODE": (25100, 25400), "VISA": (13800, 13800), "MERC": (10500, 11000),
    "HANF": (4900, 5100), "MAD": (3400, 3300), "CAL": (1333500, 1310900),
}


@pytest.mark.realdata
@pytest.mark.parametrize("area", sorted(MANUFACTURING))
def test_real_manufacturing_values(realdata, area):
    df = edd_ces.read(realdata / "edd" / f"{area}_HWS.xls")
    mfg = df[df.series_code == edd_ces.MANUFACTURING].set_index("period").employment
    assert (mfg["2023-12"], mfg["2024-07"]) == MANUFACTURING[area]
    assert set(df.edd_area) == {area}
    assert set(df.benchmark_year) == {2023}


@pytest.mark.realdata
def test_real_fresno_totals_and_labor_force(realdata):
    df = edd_ces.read(realdata / "edd" / "FRSN_HWS.xls")
    assert set(df.area_code) == {"23420"}
    assert df.period.min() == "2010-01" and df.period.max() == "2024-07"
    nonfarm = df[df.series_code == edd_ces.TOTAL_NONFARM].set_index("period").employment
    assert (nonfarm["2023-12"], nonfarm["2024-07"]) == (394900, 390100)
    lf = df[df.series_code == edd_ces.LABOR_FORCE].set_index("period").employment
    assert lf["2010-01"] == 434900
    assert len(df) == 59 * 175  # 59 series x 175 months (Jan 2010 - Jul 2024)


@pytest.mark.realdata
def test_real_state_file(realdata):
    df = edd_ces.read(realdata / "edd" / "CAL_HWS.xls")
    assert set(df.area_code) == {"00000"}
    nonfarm = df[df.series_code == edd_ces.TOTAL_NONFARM].set_index("period").employment
    assert (nonfarm["2023-12"], nonfarm["2024-07"]) == (18090600, 17976900)


# --- where the files are, downloads -----------------------------------------------------------


def test_remote_files_are_each_metro_area_then_the_state(region, dirs):
    files = edd_ces.remote_files(region, dirs)
    assert [rf.url.rsplit("/", 1)[1] for rf in files] == [
        "frsn$hws.xls", "bake$hws.xls", "hanf$hws.xls", "mad$hws.xls", "merc$hws.xls",
        "stoc$hws.xls", "mode$hws.xls", "visa$hws.xls", "cal$hws.xls"]
    assert files[0].url == "https://labormarketinfo.edd.ca.gov/file/indhist/frsn$hws.xls"
    assert files[0].dest == dirs.raw / "edd" / "ces" / "indhist" / "frsn_hws.xls"
    assert {rf.kind for rf in files} == {"xls"}


@responses.activate
def test_download_refuses_a_body_that_is_not_xls(region, dirs, fast_http):
    rf = edd_ces.remote_files(region, dirs)[0]
    responses.get(rf.url, body=b"SORTORDER,BMYEAR,AREA\n1,2023,23420\n")
    with pytest.raises(DownloadError, match="did not return a xls file"):
        download.fetch([rf])
    assert not rf.dest.exists()


@responses.activate
def test_download_refuses_an_html_error_page(region, dirs, fast_http):
    rf = edd_ces.remote_files(region, dirs)[0]
    responses.get(rf.url, body=b"<html><head><title>404</title></head><body/></html>",
                  content_type="text/html")
    with pytest.raises(DownloadError, match="HTML page"):
        download.fetch([rf])


@pytest.mark.realdata
@responses.activate
def test_download_accepts_a_real_edd_workbook(realdata, region, dirs, fast_http):
    rf = edd_ces.remote_files(region, dirs)[0]
    body = (realdata / "edd" / "FRSN_HWS.xls").read_bytes()
    responses.get(rf.url, body=body, content_type="application/vnd.ms-excel")
    download.fetch([rf])
    assert rf.dest.read_bytes() == body


# --- sample -----------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def sample(tmp_path_factory):
    from assessment.region import load_region

    region = load_region()
    root = tmp_path_factory.mktemp("ces_sample")
    dirs = paths.DataDirs(paths.Mode.SAMPLE, root / "raw", root / "processed")
    universe = Universe(region)
    written = sample_ces.build(region, dirs, universe)
    return region, dirs, universe, written, edd_ces.process(region, dirs)["edd_ces"]


def test_sample_writes_every_remote_file(sample):
    region, dirs, _u, written, _t = sample
    assert written == [rf.dest for rf in edd_ces.remote_files(region, dirs)]


def test_sample_manufacturing_averages_to_the_county_qcew_level(sample):
    region, _d, universe, _w, table = sample
    u = universe.employment
    qcew = u[u.industry == "31-33"].set_index(["area", "year"]).employment
    by_code = {c.edd_area: c.fips for c in region.counties}
    mfg = table[table.series_code == edd_ces.MANUFACTURING].assign(
        year=lambda d: d.period.str[:4].astype(int))
    annual = mfg.groupby(["edd_area", "year"]).employment.mean()
    for (code, year), value in annual.items():
        area = by_code.get(code, region.benchmarks.state.qcew)
        assert value == pytest.approx(qcew[(area, year)], rel=0.015), (code, year)


def test_sample_lines_add_up(sample):
    table = sample[4]
    wide = table.pivot_table(index=["edd_area", "period"], columns="series_code",
                             values="employment")
    assert (wide["30-000000"] == wide["31-000000"] + wide["32-000000"]).all()
    assert (wide["00-000000"] == wide["05-000000"] + wide["90-000000"]).all()
    assert (wide["00-000010"] == wide["00-000020"] + wide["00-000030"]).all()


def test_sample_late_series_is_blank_before_it_starts(sample):
    table = sample[4]
    food = table[(table.edd_area == "HANF") & (table.series_code == "32-311000")]
    assert food[food.period < "2021-01"].employment.isna().all()
    assert food[food.period >= "2021-01"].employment.notna().all()
