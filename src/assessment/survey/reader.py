"""Read a survey platform's export, CSV or Excel, into physical rows with their file row numbers.

Nothing is interpreted here: cells come back as the platform wrote them (strings from CSV;
numbers, dates or strings from Excel), each row with its 1-based row number in the file as
received (for CSV, the line a record starts on, so quoted answers spanning lines keep the
numbering right). Encodings: UTF-8 with or without a byte-order mark, UTF-16 (Excel's
"Unicode text"), and Windows-1252, which is what Excel on Windows writes for "CSV".
"""

from __future__ import annotations

import csv
import io
import logging
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from assessment.errors import InputError, Problem

log = logging.getLogger(__name__)

CSV_SUFFIXES = (".csv", ".tsv", ".txt")
EXCEL_SUFFIXES = (".xlsx", ".xlsm", ".xls")
SUFFIXES = CSV_SUFFIXES + EXCEL_SUFFIXES
RESPONSES_SHEET = "Responses"  # the template's data sheet; other workbooks use their first


@dataclass
class RawExport:
    file: Path
    rows: list[tuple[int, list[object]]]  # (file row, cells), blank rows left out
    encoding: str | None  # None for Excel
    sheet: str | None = None


def _decode(data: bytes, path: Path) -> tuple[str, str]:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16"), "utf-16"
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8"), "utf-8-sig"
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        text = data.decode("cp1252")
    except UnicodeDecodeError:
        raise InputError(Problem(str(path), None, None, None,
                                 "not a text file in UTF-8, UTF-16 or Windows-1252")) from None
    log.info("%s: read as Windows-1252", path.name)
    return text, "cp1252"


def _delimiter(text: str, path: Path) -> str:
    first = text.split("\n", 1)[0]
    if path.suffix.lower() == ".tsv" or first.count("\t") > first.count(","):
        return "\t"
    if first.count(";") > first.count(","):
        return ";"
    return ","


def read_csv(path: Path) -> RawExport:
    text, encoding = _decode(path.read_bytes(), path)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(text, path))
    rows: list[tuple[int, list[object]]] = []
    start = 1
    try:
        for record in reader:
            if any(cell.strip() for cell in record):
                rows.append((start, list(record)))
            start = reader.line_num + 1
    except csv.Error as exc:
        raise InputError(Problem(str(path), start, None, None,
                                 f"not a readable CSV file: {exc}")) from None
    return RawExport(path, rows, encoding)


def _blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def read_xlsx(path: Path) -> RawExport:
    from openpyxl import load_workbook

    try:
        wb = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many types for a damaged or foreign file
        raise InputError(Problem(str(path), None, None, None,
                                 f"not a readable Excel workbook: {exc}")) from None
    try:
        ws = wb[RESPONSES_SHEET] if RESPONSES_SHEET in wb.sheetnames else wb.worksheets[0]
        rows = [(i, list(values)) for i, values in enumerate(ws.iter_rows(values_only=True), 1)
                if not all(_blank(v) for v in values)]
        return RawExport(path, rows, None, ws.title)
    finally:
        wb.close()


def read_xls(path: Path) -> RawExport:
    import xlrd

    try:
        book = xlrd.open_workbook(str(path))
    except Exception as exc:  # xlrd raises its own and OS errors for a foreign file
        raise InputError(Problem(str(path), None, None, None,
                                 f"not a readable Excel 97-2003 workbook: {exc}")) from None
    names = book.sheet_names()
    sheet = (book.sheet_by_name(RESPONSES_SHEET) if RESPONSES_SHEET in names
             else book.sheet_by_index(0))
    rows = []
    for r in range(sheet.nrows):
        values: list[object] = []
        for cell in sheet.row(r):
            if cell.ctype == xlrd.XL_CELL_DATE:
                values.append(datetime(*xlrd.xldate_as_tuple(cell.value, book.datemode)))
            elif cell.ctype in (xlrd.XL_CELL_EMPTY, xlrd.XL_CELL_BLANK):
                values.append(None)
            else:
                values.append(cell.value)
        if not all(_blank(v) for v in values):
            rows.append((r + 1, values))
    return RawExport(path, rows, None, sheet.name)


def read_export(path: str | Path) -> RawExport:
    path = Path(path)
    if not path.is_file():
        raise InputError(Problem(str(path), None, None, None, "file not found"))
    suffix = path.suffix.lower()
    if suffix in CSV_SUFFIXES:
        return read_csv(path)
    if suffix == ".xls":
        return read_xls(path)
    if suffix in EXCEL_SUFFIXES:
        return read_xlsx(path)
    raise InputError(Problem(str(path), None, None, None,
                             f"unsupported file type {suffix!r}: export as CSV or Excel"
                             f" ({', '.join(SUFFIXES)})"))
