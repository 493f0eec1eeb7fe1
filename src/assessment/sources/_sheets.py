"""Reading agency workbooks and text files cell by cell, whatever their container.

Agencies publish the same table as ``.xlsx`` (Office Open XML), ``.xls`` (BIFF, read by xlrd)
or CSV, and people re-save them in another. Parsers here look at the first bytes rather than
the file name, and get back rows of plain Python values (text, numbers, ``datetime`` for date
cells, ``None`` for empty), numbered as in the sheet (row 1 = first row), so a layout parser
can find its header by content and report the row a problem sits on.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import zipfile
from pathlib import Path

import openpyxl
import pandas as pd
import pandera.pandas as pa
import xlrd

from assessment.errors import InputError, Problem
from assessment.schemas import validate

XLSX_MAGIC = b"PK\x03\x04"
XLS_MAGIC = b"\xd0\xcf\x11\xe0"

Row = list[object]


def sniff(path: Path) -> str:
    """``xlsx``, ``xls``, ``json`` or ``text`` (CSV/TSV), from the file's first bytes."""
    with path.open("rb") as fh:
        head = fh.read(512)
    if head.startswith(XLSX_MAGIC):
        return "xlsx"
    if head.startswith(XLS_MAGIC):
        return "xls"
    stripped = head.lstrip(b"\xef\xbb\xbf \t\r\n")
    if stripped.startswith((b"{", b"[")):
        return "json"
    return "text"


def _unreadable(path: Path, what: str, exc: Exception) -> InputError:
    return InputError(Problem(str(path), None, None, None, f"not a readable {what}: {exc}"))


def sheet_names(path: Path) -> list[str]:
    kind = sniff(path)
    try:
        if kind == "xlsx":
            with path.open("rb") as fh:  # a file object: openpyxl judges names by extension
                wb = openpyxl.load_workbook(fh, read_only=True)
                try:
                    return list(wb.sheetnames)
                finally:
                    wb.close()
        if kind == "xls":
            return xlrd.open_workbook(str(path), on_demand=True).sheet_names()
    except (zipfile.BadZipFile, KeyError, OSError, xlrd.XLRDError, ValueError) as exc:
        raise _unreadable(path, "Excel workbook", exc) from None
    raise InputError(Problem(str(path), None, None, None,
                             "not an Excel workbook (neither .xlsx nor .xls content)"))


def _xls_rows(path: Path, sheet: str | int | None) -> list[Row]:
    book = xlrd.open_workbook(str(path))
    if sheet is None:
        sh = book.sheet_by_index(0)
    elif isinstance(sheet, int):
        sh = book.sheet_by_index(sheet)
    else:
        sh = book.sheet_by_name(sheet)
    rows: list[Row] = []
    for i in range(sh.nrows):
        row: Row = []
        for cell in sh.row(i):
            if cell.ctype in (xlrd.XL_CELL_EMPTY, xlrd.XL_CELL_BLANK):
                row.append(None)
            elif cell.ctype == xlrd.XL_CELL_DATE:
                row.append(xlrd.xldate.xldate_as_datetime(cell.value, book.datemode))
            elif cell.ctype == xlrd.XL_CELL_TEXT:
                row.append(cell.value if cell.value != "" else None)
            elif cell.ctype == xlrd.XL_CELL_ERROR:
                row.append(xlrd.error_text_from_code.get(cell.value, "#ERROR"))
            else:
                row.append(cell.value)
        rows.append(row)
    return rows


def _xlsx_rows(path: Path, sheet: str | int | None) -> list[Row]:
    with path.open("rb") as fh:  # a file object: openpyxl judges names by extension
        wb = openpyxl.load_workbook(fh, read_only=True, data_only=True)
        try:
            if sheet is None:
                ws = wb.worksheets[0]
            elif isinstance(sheet, int):
                ws = wb.worksheets[sheet]
            else:
                ws = wb[sheet]
            return [[None if v == "" else v for v in row]
                    for row in ws.iter_rows(values_only=True)]
        finally:
            wb.close()


def sheet_rows(path: Path, sheet: str | int | None = None) -> list[Row]:
    """Every row of one sheet (the first unless named), as plain values."""
    kind = sniff(path)
    try:
        if kind == "xlsx":
            return _xlsx_rows(path, sheet)
        if kind == "xls":
            return _xls_rows(path, sheet)
    except (KeyError, IndexError) as exc:
        raise InputError(Problem(str(path), None, None, sheet,
                                 f"workbook has no such sheet ({exc})")) from None
    except (zipfile.BadZipFile, OSError, xlrd.XLRDError, ValueError) as exc:
        raise _unreadable(path, "Excel workbook", exc) from None
    raise InputError(Problem(str(path), None, None, None,
                             "not an Excel workbook (neither .xlsx nor .xls content)"))


def text_rows(path: Path, delimiter: str = ",") -> list[Row]:
    """Every line of a delimited text file (UTF-8, with or without BOM; cp1252 fallback)."""
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = raw.decode("cp1252", errors="strict")
    try:
        reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
        return [[None if c == "" else c for c in row] for row in reader]
    except csv.Error as exc:
        raise _unreadable(path, "delimited text file", exc) from None


def rows(path: Path, sheet: str | int | None = None, delimiter: str = ",") -> list[Row]:
    """Rows of a workbook sheet or a delimited text file, decided by content."""
    if sniff(path) in ("xlsx", "xls"):
        return sheet_rows(path, sheet)
    return text_rows(path, delimiter)


def blank(row: Row) -> bool:
    return all(v is None or (isinstance(v, str) and not v.strip()) for v in row)


def cell_text(value: object) -> str:
    """A cell as trimmed text (numbers without a trailing ``.0``)."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def excel_date(value: object) -> dt.datetime | None:
    """A header cell holding a month: a date cell, an Excel serial number, or ISO-like text."""
    if isinstance(value, dt.datetime):
        return value
    if isinstance(value, dt.date):
        return dt.datetime(value.year, value.month, value.day)
    if isinstance(value, int | float) and not isinstance(value, bool) and 1 <= value < 2958466:
        return xlrd.xldate.xldate_as_datetime(float(value), 0)
    if isinstance(value, str):
        text = value.strip()
        for fmt in ("%Y-%m-%d", "%Y-%m", "%m/%d/%Y", "%b %Y", "%B %Y", "%b-%y"):
            try:
                return dt.datetime.strptime(text, fmt)
            except ValueError:
                continue
    return None


def validate_rows(df: pd.DataFrame, schema: pa.DataFrameSchema, file: str | Path
                  ) -> pd.DataFrame:
    """:func:`assessment.schemas.validate`, with a failed row-wise check across columns (such
    as "employed + unemployed = labor force") reported once per row, not once per column."""
    columns = set(schema.columns)
    wide = {str(c.error) for c in schema.checks if c.error}
    try:
        return validate(df, schema, file)
    except InputError as exc:
        seen: set[tuple] = set()
        problems = []
        for p in exc.problems:
            if p.rule in wide and (p.column in columns or p.column is None):
                p = Problem(p.file, p.row, None, None, p.rule)
            key = (p.row, p.column, p.rule, repr(p.value))
            if key not in seen:
                seen.add(key)
                problems.append(p)
        raise InputError(problems) from None
