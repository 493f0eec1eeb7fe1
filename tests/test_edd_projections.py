"""EDD long-term occupational projections: EDD's pristine layout and its pandas re-export
(built here with openpyxl), real EDD files, remote files, mocked downloads and the sample.

Expected values are the numbers written into the hand-made workbooks below, hand
calculations next to them, or values published in the real files
(../shared/realdata/PROVENANCE.md).
"""

from __future__ import annotations

import openpyxl
import pandas as pd
import pytest
import responses

from assessment import download, paths
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
    (p,) = err.value.problems
    assert p.row == 9 and "projected minus base" in p.rule


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
    assert set(table.base_year) == {2022} and set(table.proj_year) == {2032}
    assert {"51-4041", "51-4121", "49-9041"} <= set(table.soc)


def test_sample_total_follows_the_universe(sample):
    region, _d, universe, _w, table = sample
    u = universe.employment
    private = u[(u.industry == "10") & (u.year == 2022)].set_index("area").employment
    fresno = table[(table.area_code == "FRSN") & (table.soc == "00-0000")].iloc[0]
    assert fresno.base_emp == pytest.approx(1.3 * private["06019"], rel=0.01)


def test_sample_keeps_edd_flags(sample):
    table = sample[4]
    assert not table[table.soc == sample_proj.NO_WAGE_ESTIMATE].wages_estimated.any()
    minor = table[table.soc_level == 3]
    assert len(minor) and minor.median_hourly.isna().all()
