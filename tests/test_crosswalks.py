"""NCES CIP 2020 - SOC 2018 crosswalk and CIP code list: the CSV forms (tests/fixtures/
crosswalks, NCES's layouts), the workbook (built here with openpyxl), the real NCES files
(../shared/realdata, values from PROVENANCE.md), remote files, downloads, the sample."""

from __future__ import annotations

import openpyxl
import pytest
import responses

from assessment import download, paths
from assessment.errors import DownloadError, InputError
from assessment.sample import crosswalks as sample_cw
from assessment.sample.universe import Universe
from assessment.sources import crosswalks


@pytest.fixture
def cdir(fixtures):
    return fixtures / "crosswalks"


def workbook(path, cip_soc_rows, first_sheet="File Guide"):
    wb = openpyxl.Workbook()
    guide = wb.active
    guide.title = first_sheet
    guide.append(["File Name", "Description"])
    guide.append(["CIP-SOC", "This file crosswalks 2020 CIP Codes to 2018 SOC Codes."])
    ws = wb.create_sheet("CIP-SOC")
    ws.append(crosswalks.CROSSWALK_HEADER)
    for r in cip_soc_rows:
        ws.append(list(r))
    wb.save(path)
    return path


def test_csv_with_byte_order_mark(cdir):
    df = crosswalks.read(cdir / "CIP2020_SOC2018_Crosswalk.csv")
    assert list(df.columns) == crosswalks.CROSSWALK_COLUMNS
    assert list(df.index) == [2, 3, 4, 5, 6]
    assert df.loc[2].tolist() == ["01.0000", "Agriculture, General.", "19-1011",
                                  "Animal Scientists", True]
    assert df[df.cip == "48.0501"].soc.tolist() == ["51-4041", "51-4081"]


def test_no_match_rows_are_kept_and_flagged(cdir):
    df = crosswalks.read(cdir / "CIP2020_SOC2018_Crosswalk.csv")
    row = df.loc[3]
    assert (row.cip, row.soc, row.soc_title, row.matched) == ("01.0508", "99-9999",
                                                              "NO MATCH", False)
    assert df.matched.sum() == 4


def test_cip_code_list_with_excel_quoting(cdir):
    df = crosswalks.read(cdir / "CIPCode2020.csv")
    assert list(df.columns) == crosswalks.CODES_COLUMNS
    assert df.cip.tolist() == ["01", "01.00", "01.0000", "48.0501"]  # ="01.00" -> 01.00
    assert df.level.tolist() == [2, 4, 6, 6]
    assert df.cip_family.tolist() == ["01", "01", "01", "48"]
    assert df.loc[5, "cip_title"] == "Machine Tool Technology/Machinist."


def test_workbook_takes_the_cip_soc_sheet(tmp_path):
    path = workbook(tmp_path / "cw.xlsx", [("48.0508", "Welding Technology/Welder.", "51-4121",
                                            "Welders, Cutters, Solderers, and Brazers")])
    df = crosswalks.read(path)
    assert df.loc[2, ["cip", "soc"]].tolist() == ["48.0508", "51-4121"]


def test_lost_leading_zero_is_restored(tmp_path):
    path = tmp_path / "cw.csv"
    path.write_text("CIP2020Code,CIP2020Title,SOC2018Code,SOC2018Title\n"
                    "1.0000,\"Agriculture, General.\",19-1011,Animal Scientists\n")
    assert crosswalks.read(path).cip.tolist() == ["01.0000"]


def test_cip_as_a_number_cell_keeps_four_decimals(tmp_path):
    path = workbook(tmp_path / "cw.xlsx", [(48.05, "Precision Metal Working.", "51-4041",
                                            "Machinists")])
    assert crosswalks.read(path).cip.tolist() == ["48.0500"]


def test_bad_soc_code_is_refused(tmp_path):
    path = tmp_path / "cw.csv"
    path.write_text("CIP2020Code,CIP2020Title,SOC2018Code,SOC2018Title\n"
                    "48.0501,Machinist.,514041,Machinists\n")
    with pytest.raises(InputError) as err:
        crosswalks.read(path)
    (p,) = err.value.problems
    assert (p.row, p.column, p.value) == (2, "soc", "514041")


def test_duplicate_pair_is_refused(tmp_path):
    path = tmp_path / "cw.csv"
    path.write_text("CIP2020Code,CIP2020Title,SOC2018Code,SOC2018Title\n"
                    "48.0501,Machinist.,51-4041,Machinists\n"
                    "48.0501,Machinist.,51-4041,Machinists\n")
    with pytest.raises(InputError) as err:
        crosswalks.read(path)
    assert {p.row for p in err.value.problems} == {3}


def test_other_layout_is_refused(tmp_path):
    path = tmp_path / "x.csv"
    path.write_text("Code,Title\n01,Agriculture\n")
    with pytest.raises(InputError) as err:
        crosswalks.read(path)
    assert "CIP2020Code" in err.value.problems[0].column


@pytest.mark.realdata
def test_real_crosswalk_both_forms(realdata):
    for name in ("CIP2020_SOC2018_Crosswalk.xlsx", "CIP2020_SOC2018_Crosswalk.csv"):
        df = crosswalks.read(realdata / "crosswalks" / name)
        assert len(df) == 6097, name  # PROVENANCE: 6,097 data rows
        business = set(df[df.cip == "52.0201"].soc)
        assert {"11-1011", "11-1021", "11-2022", "11-3012", "11-3013"} <= business
        # programs without an occupation (sheet "Unmatched CIP Codes": 194 rows) and
        # occupations without a program ("Unmatched SOC Codes": 180 rows) stay, unmatched
        assert (df.soc == "99-9999").sum() == 194 and (df.cip == "99.9999").sum() == 180
        assert (~df.matched).sum() == 194 + 180


@pytest.mark.realdata
def test_real_cip_code_list(realdata):
    df = crosswalks.read(realdata / "crosswalks" / "CIPCode2020.csv")
    assert len(df) == 2848  # PROVENANCE: 2,848 data rows
    assert df.iloc[0].tolist()[:3] == ["01", "01", 2]
    assert df.set_index("cip").loc["52.0201", "cip_title"] == (
        "Business Administration and Management, General.")


def test_remote_files(region, dirs):
    files = crosswalks.remote_files(region, dirs)
    assert [rf.url for rf in files] == [
        "https://nces.ed.gov/ipeds/cipcode/Files/CIP2020_SOC2018_Crosswalk.xlsx",
        "https://nces.ed.gov/ipeds/cipcode/Files/CIPCode2020.csv"]
    assert files[0].dest == dirs.raw / "nces" / "cip" / "CIP2020_SOC2018_Crosswalk.xlsx"
    assert [rf.kind for rf in files] == ["xlsx", "csv"]


@responses.activate
def test_download_of_the_workbook(tmp_path, region, dirs, fast_http):
    rf = crosswalks.remote_files(region, dirs)[0]
    body = workbook(tmp_path / "b.xlsx", [("48.0501", "Machinist.", "51-4041",
                                           "Machinists")]).read_bytes()
    responses.get(rf.url, body=body)
    download.fetch([rf])
    assert rf.dest.read_bytes() == body


@responses.activate
def test_download_of_a_non_workbook_is_refused(region, dirs, fast_http):
    rf = crosswalks.remote_files(region, dirs)[0]
    responses.get(rf.url, body=b"CIP2020Code,CIP2020Title\n")
    with pytest.raises(DownloadError, match="did not return a xlsx file"):
        download.fetch([rf])


def test_sample_bundle(tmp_path):
    from assessment.region import load_region

    region = load_region()
    dirs = paths.DataDirs(paths.Mode.SAMPLE, tmp_path / "raw", tmp_path / "processed")
    written = sample_cw.build(region, dirs, Universe(region))
    assert written == [rf.dest for rf in crosswalks.remote_files(region, dirs)]
    tables = crosswalks.process(region, dirs)
    cip_soc = tables["cip_soc"]
    assert (~cip_soc.matched).sum() == 1
    assert set(cip_soc[cip_soc.cip == "48.0501"].soc) >= {"51-4041"}
    assert set(cip_soc.cip) <= set(tables["cip_codes"].cip)
    assert written[1].read_bytes().startswith(b'"CIPFamily","CIPCode"')
