"""TOP-CIP crosswalk: a hand-made workbook in WestEd's layout (built here with openpyxl), the
real June 2020 workbook (../shared/realdata, PROVENANCE.md), the sharing rule, the manual file."""

from __future__ import annotations

import openpyxl
import pandas as pd
import pytest
from typer.testing import CliRunner

from assessment import download
from assessment.cli import app
from assessment.errors import InputError
from assessment.sources import top_cip

TITLE = "Prepared by WestEd and Reviewed by Centers of Excellence, June 2020"
HEADER = ["TOP Code", "TOP Code Title", "CIP Code", "CIP Code (2)", "CIP Title",
          "Change or Addition"]
ROWS = [
    (101, "Agriculture Technology and Sciences, General", 10102, 1.0102,
     "Agribusiness/Agricultural Business Operations.", None),
    (952, "Construction Crafts Technology", 460415, 46, "Construction Trades.", None),
    (947, "Diesel Technology", 470603, 47.0613,
     "Medium/Heavy Vehicle and Truck Technology/Technician.", None),
    (956.3, "Machining and Machine Tools", 480501, 48.0501,
     "Machine Tool Technology/Machinist.", None),
    (956.5, "Welding Technology", 150614, 15.0614,
     "Welding Engineering Technology/Technician.", None),
    (956.5, "Welding Technology", 480508, 48.0508, "Welding Technology/Welder.", None),
    (956.5, "Welding Technology", 480508, 48.0508, "Welding Technology/Welder.", "Added"),
]


def workbook(path, rows=ROWS):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "TOP-CIP revised June 2020"
    ws.append([None, None, None, None, None, TITLE])
    ws.append(HEADER)
    for r in rows:
        ws.append(list(r))
    wb.save(path)
    return path


def test_codes_from_numbers(tmp_path):
    df = top_cip.read(workbook(tmp_path / "x.xlsx"))
    assert list(df.columns) == top_cip.COLUMNS
    assert df.loc[3].tolist() == ["010100", "01.0102"]  # 101 is TOP 0101.00
    assert df[df.top_code == "095650"].cip.tolist() == ["15.0614", "48.0508"]  # 956.5
    assert df[df.top_code == "095630"].cip.tolist() == ["48.0501"]
    assert top_cip.top_code("0956.50") == "095650"
    assert top_cip.cip_code(10102) == "01.0102"


def test_family_in_the_second_column_keeps_the_six_digit_code(tmp_path):
    df = top_cip.read(workbook(tmp_path / "x.xlsx"))
    assert df[df.top_code == "095200"].cip.tolist() == ["46.0415"]


def test_disagreement_takes_the_decimal_code_its_title_names(tmp_path, caplog):
    caplog.set_level("INFO")
    df = top_cip.read(workbook(tmp_path / "x.xlsx"))
    assert df[df.top_code == "094700"].cip.tolist() == ["47.0613"]
    assert "row 5: 47.0603 / 47.0613" in caplog.text


def test_repeated_pair_is_kept_once_and_logged(tmp_path, caplog):
    caplog.set_level("INFO")
    df = top_cip.read(workbook(tmp_path / "x.xlsx"))
    assert len(df) == 6
    assert "1 repeated TOP-CIP pair(s) kept once (rows 9)" in caplog.text


def test_sharing_rule_splits_each_top_code_equally(tmp_path):
    shares = top_cip.with_shares(top_cip.read(workbook(tmp_path / "x.xlsx")))
    weld = shares[shares.top_code == "095650"].set_index("cip")["share"]
    assert weld.to_dict() == {"15.0614": 0.5, "48.0508": 0.5}  # 1 / 2 CIPs
    assert shares.groupby("top_code")["share"].sum().tolist() == pytest.approx([1.0] * 5)


def test_bad_codes_name_row_and_column(tmp_path):
    rows = [*ROWS[:2], ("Welding", "x", 480508, 48.0508, "t", None),
            (956.5, "Welding", 480508, "48.05x", "t", None),
            (956.5, "Welding", 480508, 47, "t", None)]
    with pytest.raises(InputError) as err:
        top_cip.read(workbook(tmp_path / "x.xlsx", rows))
    msg = str(err.value)
    assert "row 5, column 'TOP Code'" in msg
    assert "row 6, column 'CIP Code (2)'" in msg
    assert "row 7, column 'CIP Code (2)': family differs from CIP Code 48.0508" in msg


def test_other_layout_is_refused(tmp_path):
    path = tmp_path / "x.csv"
    path.write_text("TOP,CIP\n956.5,480508\n")
    with pytest.raises(InputError, match="no header row"):
        top_cip.read(path)


def test_manual_file_in_the_plan(region, dirs):
    (rf,) = top_cip.remote_files(region, dirs)
    assert rf.manual and rf.dest == dirs.raw / "cccco" / "topcip" / "TOPCIP2020June26.xlsx"
    assert download.plan([rf])[0].status == "manual"
    assert top_cip.applies(region)


def test_real_crosswalk(realdata):
    path = realdata / "ccc" / "TOPCIP2020June26.xlsx"
    df = top_cip.read(path)
    # PROVENANCE.md: TOP 0956.50 maps to CIP 15.0614 and 48.0508
    assert df[df.top_code == "095650"].cip.tolist() == ["15.0614", "48.0508"]
    assert df[df.top_code == "094700"].cip.tolist().count("47.0613") == 1
    shares = top_cip.with_shares(df)
    assert shares.groupby("top_code")["share"].sum().round(9).eq(1).all()
    # many-to-many: some CIP codes are reached from several TOP codes
    assert (df.groupby("cip").top_code.nunique() > 1).any()


def test_real_crosswalk_through_the_cli(realdata, tmp_path):
    out = tmp_path / "tc.csv"
    result = CliRunner().invoke(app, ["read", "top_cip",
                                      str(realdata / "ccc" / "TOPCIP2020June26.xlsx"),
                                      "-o", str(out)])
    assert result.exit_code == 0, result.output
    t = pd.read_csv(out, dtype=str)
    assert sorted(t[t.top_code == "095650"].cip) == ["15.0614", "48.0508"]
