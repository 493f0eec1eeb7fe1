"""NCES CIP 2020 to SOC 2018 crosswalk, and the CIP 2020 code list: programs <-> occupations.

Files (NCES, ``https://nces.ed.gov/ipeds/cipcode/Files/``), saved under
``data/raw/nces/cip/`` with NCES's names:

* ``CIP2020_SOC2018_Crosswalk.xlsx``: sheets ``File Guide``, ``CIP-SOC``, ``SOC-CIP``,
  ``New CIP``, ``New SOC``, ``Added Matches``, ``Unmatched CIP Codes``, ``Unmatched SOC
  Codes``. The reader takes ``CIP-SOC`` (``CIP2020Code, CIP2020Title, SOC2018Code,
  SOC2018Title``) unless told another sheet. The CSV download of that sheet (UTF-8 with a
  byte-order mark) is read the same way. Programs with no occupation are listed against SOC
  ``99-9999`` "NO MATCH" (occupations with no program against CIP ``99.9999``): those rows
  are kept, with ``matched`` False.
* ``CIPCode2020.csv``: the CIP 2020 code list (``CIPFamily, CIPCode, Action, TextChange,
  CIPTitle, CIPDefinition, CrossReferences, Examples``), with codes quoted the Excel way
  (``="01.0101"``) so spreadsheets keep their leading zeros.

Tidy crosswalk: ``cip`` (``52.0201``), ``cip_title``, ``soc`` (``11-1011``), ``soc_title``,
``matched``. Tidy code list: ``cip``, ``cip_family``, ``level`` (2, 4 or 6 digits),
``cip_title``, ``action``, ``definition``.
"""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
import pandera.pandas as pa

from assessment.download import RemoteFile
from assessment.errors import InputError, Problem
from assessment.paths import DataDirs
from assessment.region import Region
from assessment.schemas import require_columns, validate
from assessment.sources import SourceInfo
from assessment.sources._sheets import cell_text, rows, sheet_names, sniff

INFO = SourceInfo(
    agency="U.S. Department of Education, National Center for Education Statistics (with BLS)",
    dataset="CIP 2020 to SOC 2018 crosswalk; CIP 2020 code list",
    files="nces.ed.gov/ipeds/cipcode/Files/CIP2020_SOC2018_Crosswalk.xlsx, CIPCode2020.csv",
    vintage="CIP 2020, SOC 2018",
    licence="Public domain (U.S. government work)",
    saved_under="data/raw/nces/cip/",
    used_by="03-occupations",
    access="no key",
)
AGENCY, DATASET = "nces", "cip"
BASE_URL = "https://nces.ed.gov/ipeds/cipcode/Files"
CROSSWALK_FILE = "CIP2020_SOC2018_Crosswalk.xlsx"
CODES_FILE = "CIPCode2020.csv"
CROSSWALK_SHEET = "CIP-SOC"
NO_MATCH_SOC = "99-9999"
NO_MATCH_CIP = "99.9999"

CROSSWALK_HEADER = ["CIP2020Code", "CIP2020Title", "SOC2018Code", "SOC2018Title"]
CODES_HEADER = ["CIPFamily", "CIPCode", "Action", "CIPTitle", "CIPDefinition"]
CROSSWALK_COLUMNS = ["cip", "cip_title", "soc", "soc_title", "matched"]
CODES_COLUMNS = ["cip", "cip_family", "level", "cip_title", "action", "definition"]

CIP = r"^\d{2}(\.\d{2}(\d{2})?)?$"
CROSSWALK_SCHEMA = pa.DataFrameSchema(
    {
        "cip": pa.Column(str, pa.Check.str_matches(r"^\d{2}\.\d{4}$")),
        "cip_title": pa.Column(str, pa.Check.str_length(min_value=1)),
        "soc": pa.Column(str, pa.Check.str_matches(r"^\d{2}-\d{4}$")),
        "soc_title": pa.Column(str, pa.Check.str_length(min_value=1)),
        "matched": pa.Column(bool),
    },
    strict=True, ordered=True,
    unique=["cip", "soc"], report_duplicates="exclude_first",
)
CODES_SCHEMA = pa.DataFrameSchema(
    {
        "cip": pa.Column(str, pa.Check.str_matches(CIP), unique=True),
        "cip_family": pa.Column(str, pa.Check.str_matches(r"^\d{2}$")),
        "level": pa.Column("Int64", pa.Check.isin([2, 4, 6])),
        "cip_title": pa.Column(str, pa.Check.str_length(min_value=1)),
        "action": pa.Column(str),
        "definition": pa.Column(str),
    },
    strict=True, ordered=True,
)


def crosswalk_path(dirs: DataDirs) -> Path:
    return dirs.source_dir(AGENCY, DATASET) / CROSSWALK_FILE


def codes_path(dirs: DataDirs) -> Path:
    return dirs.source_dir(AGENCY, DATASET) / CODES_FILE


def remote_files(region: Region, dirs: DataDirs) -> list[RemoteFile]:
    return [
        RemoteFile(url=f"{BASE_URL}/{CROSSWALK_FILE}", dest=crosswalk_path(dirs),
                   source="NCES CIP-SOC crosswalk", vintage="CIP 2020 - SOC 2018",
                   kind="xlsx", validate=read),
        RemoteFile(url=f"{BASE_URL}/{CODES_FILE}", dest=codes_path(dirs),
                   source="NCES CIP code list", vintage="CIP 2020", kind="csv", validate=read),
    ]


def _unexcel(value: object) -> str:
    """``="01.0101"`` (Excel's keep-as-text quoting) -> ``01.0101``."""
    text = cell_text(value)
    m = re.fullmatch(r'="(.*)"', text)
    return m.group(1) if m else text


def _cip(value: object) -> str:
    """A six-digit CIP code as text, leading zero restored (``1.0101`` -> ``01.0101``)."""
    if isinstance(value, float):
        return f"{value:07.4f}"
    text = _unexcel(value)
    m = re.fullmatch(r"(\d{1,2})(\.\d+)?", text)
    if m and len(m.group(1)) == 1:
        text = "0" + text
    return text


def _frame(table: list[list[object]], path: Path) -> pd.DataFrame:
    if not table:
        raise InputError(Problem(str(path), None, None, None, "file is empty"))
    header = [_unexcel(v) for v in table[0]]
    numbered = [(i + 2, r) for i, r in enumerate(table[1:]) if any(cell_text(v) for v in r)]
    data = [[r[j] if j < len(r) else None for j in range(len(header))] for _, r in numbered]
    frame = pd.DataFrame(data, columns=header, dtype=object)
    frame.index = pd.Index([n for n, _ in numbered], name="file_row")
    return frame


def _crosswalk(frame: pd.DataFrame, path: Path) -> pd.DataFrame:
    require_columns(frame.columns, CROSSWALK_HEADER, path, "CIP-SOC crosswalk")
    out = pd.DataFrame(index=frame.index)
    out["cip"] = frame["CIP2020Code"].map(_cip).astype(str)
    out["cip_title"] = frame["CIP2020Title"].map(cell_text).astype(str)
    out["soc"] = frame["SOC2018Code"].map(_unexcel).astype(str)
    out["soc_title"] = frame["SOC2018Title"].map(cell_text).astype(str)
    out["matched"] = ~(out["soc"].eq(NO_MATCH_SOC) | out["cip"].eq(NO_MATCH_CIP))
    return validate(out[CROSSWALK_COLUMNS], CROSSWALK_SCHEMA, path)


def _codes(frame: pd.DataFrame, path: Path) -> pd.DataFrame:
    require_columns(frame.columns, CODES_HEADER, path, "CIP code list")
    out = pd.DataFrame(index=frame.index)
    out["cip"] = frame["CIPCode"].map(_cip).astype(str)
    out["cip_family"] = frame["CIPFamily"].map(_cip).astype(str)
    out["level"] = out["cip"].str.replace(".", "", regex=False).str.len().astype("Int64")
    out["cip_title"] = frame["CIPTitle"].map(cell_text).astype(str)
    out["action"] = frame["Action"].map(cell_text).astype(str)
    out["definition"] = frame["CIPDefinition"].map(cell_text).astype(str)
    return validate(out[CODES_COLUMNS], CODES_SCHEMA, path)


def read(path: str | Path, region: Region | None = None, sheet: str | None = None
         ) -> pd.DataFrame:
    """Parse the crosswalk (workbook sheet or CSV) or the CIP code list, by its header."""
    path = Path(path)
    if sniff(path) in ("xlsx", "xls"):
        names = sheet_names(path)
        if sheet is None:
            sheet = CROSSWALK_SHEET if CROSSWALK_SHEET in names else names[0]
        table = rows(path, sheet=sheet)
    else:
        table = rows(path)
    frame = _frame(table, path)
    if frame.empty:
        raise InputError(Problem(str(path), None, None, None, "file has no data rows"))
    if "CIPFamily" in frame.columns:
        return _codes(frame, path)
    if "CIP2020Code" not in frame.columns and "SOC2018Code" in frame.columns:
        raise InputError(Problem(str(path), 1, None, None, "not a CIP-SOC crosswalk layout"))
    return _crosswalk(frame, path)


def process(region: Region, dirs: DataDirs) -> dict[str, pd.DataFrame]:
    """``cip_soc`` (every crosswalk row, unmatched ones flagged) and ``cip_codes``."""
    return {"cip_soc": read(crosswalk_path(dirs)).reset_index(drop=True),
            "cip_codes": read(codes_path(dirs)).reset_index(drop=True)}
