"""The Excel workbook of the report: one sheet per table, each read like its table in the report.

A sheet opens with the table's number (as the stylesheet numbers tables across the document:
chapter tables in order of appearance) and caption, then the table with the report's number
formats (each column's ``str.format`` string from :func:`assessment.present.table_meta`
turned into an Excel format; unformatted columns follow :func:`assessment.present._fmt`),
then the source line, the note and what each symbol means. Where the report shows text for
numbers (an estimate with its interval), the table's ``workbook`` frame gives the estimate and
its bounds as separate numeric columns. A withheld or top-coded cell shows the agency's symbol
(OEWS ``*`` and ``#``, QCEW ``N``, the surveys' ``withheld``), never a blank or a zero, and a
flag column beside it says what the symbol means. The header row is frozen, columns are sized
to their contents, a contents sheet links to every sheet, and every sheet of a sample workbook
carries the sample mark. The ``sources-files`` sheet lists every raw file behind the report.
"""

from __future__ import annotations

import io
import math
import os
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from assessment.present import _fmt

CONTENTS = "Contents"
FILES_SHEET = "sources-files"
DASH = "—"  # a missing value, as the report shows it
# What the agencies' (and the surveys') symbols for withheld and top-coded cells mean: the
# label goes into the flag column, the explanation under the table.
SYMBOLS: dict[str, tuple[str, str]] = {
    "*": ("withheld", "OEWS withheld the estimate for the area or published none (too few "
                      "survey responses, or to protect confidentiality)"),
    "**": ("withheld", "OEWS did not publish the employment estimate"),
    "#": ("top-coded", "OEWS top-codes the wage: it is at or above the highest wage OEWS "
                       "publishes, so the true figure is higher"),
    "N": ("withheld", "QCEW did not disclose the figure, to protect employers' confidentiality"),
    "(D)": ("withheld", "withheld to avoid disclosing the data of individual employers"),
    "withheld": ("withheld", "withheld under the survey's disclosure rule (too few "
                             "respondents, one respondent dominating, or to keep another "
                             "withheld cell from being derived)"),
}
FLAG_SUFFIX = " flag"
MAX_WIDTH = 60
_PYFMT = re.compile(r"^(?P<pre>[^{}]*)\{:(?P<sign>\+)?(?P<comma>,)?(?:\.(?P<prec>\d+))?"
                    r"(?P<type>[fd%])\}(?P<post>[^{}]*)$")
# a number written as text with thousands separators, decimals or a percent sign ("121,350",
# "54.8%"): the workbook stores the number and shows it the same way
_TEXT_NUMBER = re.compile(r"^(?P<num>-?(?:\d{1,3}(?:,\d{3})+|\d+)(?P<dec>\.\d+)?)(?P<pct>%)?$")
_BAD_SHEET_CHARS = re.compile(r"[\[\]:*?/\\']")


def excel_format(pyfmt: str | None) -> str | None:
    """The Excel number format that shows a number as ``pyfmt.format(number)`` does
    (``{:,.0f}`` → ``#,##0``, ``{:.1f}`` → ``0.0``, ``{:+.1f}`` → ``+0.0;-0.0;+0.0``,
    ``{:.0%}`` → ``0%``, ``${:,.2f}`` → ``"$"#,##0.00``); None for a format Excel cannot copy."""
    if not pyfmt:
        return None
    m = _PYFMT.match(pyfmt)
    if not m:
        return None
    prec = int(m["prec"]) if m["prec"] and m["type"] != "d" else 0
    body = ("#,##0" if m["comma"] else "0") + ("." + "0" * prec if prec else "")
    if m["type"] == "%":
        body += "%"

    def lit(text: str) -> str:
        return f'"{text}"' if text else ""

    body = lit(m["pre"]) + body + lit(m["post"])
    return f"+{body};-{body};+{body}" if m["sign"] else body


def default_format(value: float | int) -> str:
    """:func:`assessment.present._fmt`'s rule for a number without a column format: counts
    and dollars whole with thousands separators, small fractions two places."""
    if isinstance(value, int | np.integer):
        return "#,##0"
    whole = float(value).is_integer() or abs(value) >= 100
    return "#,##0" if whole else "#,##0.00"


def _frame(text: str) -> pd.DataFrame:
    # dtype=False keeps JSON strings strings (a tract "06019000100" stays text)
    return pd.read_json(io.StringIO(text), orient="split", dtype=False)


@dataclass
class Sheet:
    """One table as the workbook shows it."""

    number: int
    key: str
    caption: str
    frame: pd.DataFrame
    source: str = ""
    note: str | None = None
    chapter: str = ""
    formats: dict[str, str] = field(default_factory=dict)
    symbols: dict[str, tuple[str, str]] = field(default_factory=dict)
    name: str = ""

    @classmethod
    def from_meta(cls, number: int, meta: Mapping, chapter: str = "") -> Sheet:
        """A sheet from the metadata :func:`assessment.present.table_meta` writes."""
        text = meta.get("workbook") or meta["data"]
        symbols = {}
        for sym, meaning in (meta.get("symbols") or {}).items():
            label, _, why = str(meaning).partition(": ")
            symbols[sym] = (label, why or label)
        return cls(number=number, key=str(meta.get("key") or meta.get("caption", "table")),
                   caption=str(meta.get("caption", "")), frame=_frame(text),
                   source=str(meta.get("source") or ""), note=meta.get("note"),
                   chapter=chapter, formats=dict(meta.get("formats") or {}), symbols=symbols)

    @property
    def title(self) -> str:
        return f"Table {self.number}. {self.caption}"


def sheets(chapters: Iterable) -> list[Sheet]:
    """Every chapter table as a :class:`Sheet`, numbered as the report numbers them: the
    stylesheet counts tables across the document in order of appearance, and the chapters'
    tables are the first in it (the executive summary holds none)."""
    out: list[Sheet] = []
    for ch in chapters:
        metas = list(getattr(ch, "table_meta", []) or [])
        for i, (key, frame) in enumerate(ch.tables):
            number = len(out) + 1
            if i < len(metas):
                out.append(Sheet.from_meta(number, metas[i], ch.title))
            else:  # a table without metadata: its frame and key alone
                out.append(Sheet(number=number, key=key, caption=key, frame=frame,
                                 chapter=ch.title))
    return out


def _missing(value: object) -> bool:
    if value is None or value is pd.NA:
        return True
    if isinstance(value, float | np.floating):
        return not math.isfinite(float(value))
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


def _is_number(value: object) -> bool:
    return (isinstance(value, int | float | np.integer | np.floating)
            and not isinstance(value, bool | np.bool_) and not _missing(value))


@dataclass
class _Column:
    """How one column is written: ``kind`` ``number`` (with marks where ``marks``),
    ``textnum`` (numbers written as text in the report) or ``text``."""

    name: str
    kind: str
    fmt: str | None = None  # the column's Excel format (None: per value, present._fmt's rule)
    pyfmt: str | None = None
    marks: bool = False


def _classify(sheet: Sheet, legend: Mapping[str, tuple[str, str]]) -> list[_Column]:
    cols = []
    for col in sheet.frame.columns:
        values = [v for v in sheet.frame[col].tolist() if not _missing(v)]
        strings = {str(v).strip() for v in values if isinstance(v, str)}
        numbers = [v for v in values if _is_number(v)]
        pyfmt = sheet.formats.get(str(col))
        marks = bool(strings) and strings <= set(legend)
        if numbers and (not strings or marks):
            cols.append(_Column(str(col), "number", excel_format(pyfmt), pyfmt, marks))
        elif marks:  # every shown value withheld
            cols.append(_Column(str(col), "number", excel_format(pyfmt), pyfmt, True))
        elif strings and not numbers and all(_TEXT_NUMBER.match(s) for s in strings) and any(
                "," in s or "." in s or "%" in s for s in strings):
            cols.append(_Column(str(col), "textnum"))
        else:
            cols.append(_Column(str(col), "text", pyfmt=pyfmt))
    return cols


def _flag_columns(frame: pd.DataFrame, cols: list[_Column],
                  legend: Mapping[str, tuple[str, str]]) -> dict[int, str]:
    """Where flag columns go: after each column with marked cells, named for it, or after a
    run of neighbours marked in the same rows (an estimate and its interval bounds) named
    for the first of them. Maps the index of the column the flag follows to that name."""
    def pattern(k: int) -> tuple:
        return tuple(str(v).strip() if isinstance(v, str) and str(v).strip() in legend
                     else None for v in frame.iloc[:, k].tolist())

    out: dict[int, str] = {}
    k = 0
    while k < len(cols):
        if not cols[k].marks:
            k += 1
            continue
        first, mine = k, pattern(k)
        while k + 1 < len(cols) and cols[k + 1].marks and pattern(k + 1) == mine:
            k += 1
        out[k] = cols[first].name
        k += 1
    return out


def _text_number(text: str) -> tuple[float, str]:
    m = _TEXT_NUMBER.match(text)
    dec = len(m["dec"]) - 1 if m["dec"] else 0
    body = ("#,##0" if "," in m["num"] else "0") + ("." + "0" * dec if dec else "")
    return float(m["num"].replace(",", "")), body + ('"%"' if m["pct"] else "")


def sheet_name(sheet: Sheet, used: set[str]) -> str:
    base = _BAD_SHEET_CHARS.sub("_", f"T{sheet.number} {sheet.key}")[:31]
    name, n = base, 1
    while name.lower() in used or name.lower() in (CONTENTS.lower(), FILES_SHEET):
        n += 1
        name = f"{base[:28]}~{n}"
    used.add(name.lower())
    return name


class _Writer:
    def __init__(self, book, sample_mark: str | None):
        self.book = book
        self.mark = sample_mark
        self._formats: dict[tuple, object] = {}
        self.title = book.add_format({"bold": True, "font_size": 12})
        self.sample = book.add_format({"bold": True, "font_color": "#B00020"})
        self.head = book.add_format({"bold": True, "text_wrap": True, "valign": "bottom",
                                     "bottom": 1, "bg_color": "#EDEDED"})
        self.small = book.add_format({"italic": True, "font_size": 9})
        self.link = book.add_format({"font_color": "#0645AD", "underline": 1})

    def fmt(self, num_format: str | None = None, align: str | None = None):
        key = (num_format, align)
        if key not in self._formats:
            props = {}
            if num_format:
                props["num_format"] = num_format
            if align:
                props["align"] = align
            self._formats[key] = self.book.add_format(props)
        return self._formats[key]

    def top(self, ws, title: str) -> int:
        """Title and, in a sample workbook, the sample mark; returns the next free row."""
        ws.write_string(0, 0, title, self.title)
        row = 1
        if self.mark:
            ws.write_string(row, 0, self.mark, self.sample)
            ws.set_header(f"&C&B{self.mark}")
            row += 1
        return row + 1

    def table(self, sheet: Sheet) -> None:
        ws = self.book.add_worksheet(sheet.name)
        legend = {**SYMBOLS, **sheet.symbols}
        cols = _classify(sheet, legend)
        header = self.top(ws, sheet.title)
        flags = _flag_columns(sheet.frame, cols, legend)
        heads: list[str] = []
        for k, c in enumerate(cols):
            heads.append(c.name)
            if k in flags:
                heads.append(flags[k] + FLAG_SUFFIX)
        for j, h in enumerate(heads):
            ws.write_string(header, j, h, self.head)
        widths = [max(max((len(w) for w in h.split()), default=4), math.ceil(len(h) / 3))
                  for h in heads]
        used: dict[str, tuple[str, str]] = {}
        right = self.fmt(align="right")
        for i, row in enumerate(sheet.frame.itertuples(index=False), header + 1):
            j = 0
            marked = None
            for k, (c, value) in enumerate(zip(cols, row, strict=True)):
                shown, flag = self._cell(ws, i, j, c, value, legend, right)
                widths[j] = max(widths[j], len(shown))
                marked = marked or flag
                j += 1
                if k in flags:
                    if marked:
                        used[marked] = legend[marked]
                        label = legend[marked][0]
                        label = label if label == marked else f"{label} ({marked})"
                        ws.write_string(i, j, label)
                        widths[j] = max(widths[j], len(label))
                    marked = None
                    j += 1
        for j, w in enumerate(widths):
            ws.set_column(j, j, min(w + 2, MAX_WIDTH))
        ws.freeze_panes(header + 1, 0)
        ws.autofilter(header, 0, header + len(sheet.frame), max(len(heads) - 1, 0))
        row = header + len(sheet.frame) + 2
        for line in self._footer(sheet, used):
            ws.write_string(row, 0, line, self.small)
            row += 1
        ws.set_landscape()
        ws.fit_to_pages(1, 0)
        ws.repeat_rows(header)

    def _cell(self, ws, i: int, j: int, c: _Column, value, legend, right):
        """Writes one cell; returns what it shows and the symbol if it is marked."""
        if isinstance(value, str) and c.marks and value.strip() in legend:
            ws.write_string(i, j, value.strip(), right)
            return value.strip(), value.strip()
        if _missing(value):
            ws.write_string(i, j, DASH, right if c.kind != "text" else None)
            return DASH, None
        if isinstance(value, bool | np.bool_):
            text = "yes" if value else "no"
            ws.write_string(i, j, text)
            return text, None
        if c.kind == "textnum" and isinstance(value, str):
            number, num_format = _text_number(value.strip())
            ws.write_number(i, j, number, self.fmt(num_format))
            return value, None
        if _is_number(value):
            number = int(value) if isinstance(value, int | np.integer) else float(value)
            ws.write_number(i, j, number, self.fmt(c.fmt or default_format(value)))
            return _fmt(value, c.pyfmt), None
        text = str(value)
        ws.write_string(i, j, text)
        return text, None

    def _footer(self, sheet: Sheet, used: Mapping[str, tuple[str, str]]) -> list[str]:
        lines = []
        if sheet.source:
            lines.append(f"Source: {sheet.source}")
        if sheet.note:
            lines.append(f"Note: {sheet.note}")
        for sym, (label, why) in used.items():
            lead = label.capitalize() if sym == label else f"{sym} = {label}"
            lines.append(f"{lead}: {why}. The flag column beside it says so; a withheld or "
                         "top-coded figure is never shown as blank or zero.")
        return lines

    def contents(self, ws, items: list[Sheet], title: str) -> None:
        row = self.top(ws, title)
        for j, h in enumerate(["Table", "Caption", "Chapter", "Sheet"]):
            ws.write_string(row, j, h, self.head)
        for i, s in enumerate(items, row + 1):
            ws.write_string(i, 0, f"Table {s.number}")
            ws.write_url(i, 1, f"internal:'{s.name}'!A1", self.link, s.caption)
            ws.write_string(i, 2, s.chapter)
            ws.write_string(i, 3, s.name)
        last = row + len(items) + 1
        ws.write_string(last, 0, "Files")
        ws.write_url(last, 1, f"internal:'{FILES_SHEET}'!A1", self.link,
                     "Raw data files behind this report (URL, retrieval date, SHA-256)")
        ws.write_string(last, 3, FILES_SHEET)
        widths = [9, max([len(s.caption) for s in items] + [40]),
                  max([len(s.chapter) for s in items] + [8]),
                  max([len(s.name) for s in items] + [len(FILES_SHEET)])]
        for j, w in enumerate(widths):
            ws.set_column(j, j, min(w + 2, 90))
        ws.freeze_panes(row + 1, 0)

    def files(self, files: list[dict]) -> None:
        ws = self.book.add_worksheet(FILES_SHEET)
        header = self.top(ws, "Raw data files behind this report, as recorded in each "
                              "dataset's manifest.json")
        # one column per manifest field; a change record as changed.sha256, changed.why, ...
        frame = pd.json_normalize(files) if files else pd.DataFrame({"path": []})
        widths = [len(str(c)) for c in frame.columns]
        for j, c in enumerate(frame.columns):
            ws.write_string(header, j, str(c), self.head)
        for i, row in enumerate(frame.itertuples(index=False), header + 1):
            for j, value in enumerate(row):
                if _missing(value):
                    continue  # a manifest field this file does not have
                if _is_number(value):
                    ws.write_number(i, j, float(value), self.fmt("#,##0"))
                    widths[j] = max(widths[j], len(f"{value:,.0f}"))
                else:
                    ws.write_string(i, j, str(value))
                    widths[j] = max(widths[j], len(str(value)))
        for j, w in enumerate(widths):
            ws.set_column(j, j, min(w + 2, 80))
        ws.freeze_panes(header + 1, 0)


def write(chapters: Iterable, path: Path, files: list[dict], *, sample_mark: str | None = None,
          title: str = "Tables of the report") -> Path:
    """Write the workbook: contents, one sheet per table, ``sources-files``; atomically."""
    import xlsxwriter

    items = sheets(chapters)
    used: set[str] = set()
    for s in items:
        s.name = sheet_name(s, used)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp.xlsx")
    book = xlsxwriter.Workbook(str(tmp))
    try:
        w = _Writer(book, sample_mark)
        contents = book.add_worksheet(CONTENTS)
        w.contents(contents, items, title)
        for s in items:
            w.table(s)
        w.files(files)
    finally:
        book.close()
    os.replace(tmp, path)
    return path
