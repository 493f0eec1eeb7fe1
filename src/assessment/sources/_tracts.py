"""What the tract-list sources (CalEnviroScreen / SB 535, CEJST) share: tract ids, flags, the
tidy columns and opening a workbook that may arrive zipped.

Screening tools publish one row per **2010** census tract. Ids come as 11-digit text, as a
number that lost its leading zero in Excel (``6019000100``), or as 10-digit text (the same loss
in a CSV); all become the 11-digit ``tract`` text. Flags come as ``True``/``False``, ``1``/``0``
or ``Yes``/``No``; anything else is an error naming the cell.
"""

from __future__ import annotations

import re
import tempfile
import zipfile
from contextlib import contextmanager
from pathlib import Path

import pandas as pd

from assessment.errors import InputError, Problem

TRACT_VINTAGE_2010 = 2010
TRUE = {"true", "1", "yes", "y", "t", "1.0"}
FALSE = {"false", "0", "no", "n", "f", "0.0"}
_TRACT = re.compile(r"^\d{10,11}$")


def tract_ids(values: pd.Series, column: str, path: Path) -> tuple[pd.Series, list[Problem]]:
    """11-digit tract ids from text or numbers; problems for anything else."""
    text = values.map(_id_text).astype("string").str.strip()
    bad = ~text.fillna("").str.fullmatch(_TRACT.pattern)
    problems = [Problem(str(path), int(i), column, values.at[i],
                        "not a census tract id (10 or 11 digits)") for i in text.index[bad]]
    return text.str.zfill(11), problems


def _id_text(v: object) -> str | None:
    if v is None:
        return None
    if isinstance(v, float):
        return str(int(v)) if v.is_integer() else str(v)
    return str(v)


def flags(values: pd.Series, column: str, path: Path) -> tuple[pd.Series, list[Problem]]:
    """A yes/no column as a nullable boolean; problems for anything that is neither."""
    text = values.map(lambda v: "" if v is None else str(v)).str.strip().str.lower()
    out = pd.Series(pd.NA, index=values.index, dtype="boolean")
    out[text.isin(TRUE)] = True
    out[text.isin(FALSE)] = False
    bad = out.isna()
    problems = [Problem(str(path), int(i), column, values.at[i],
                        "not a yes/no flag (True/False, 1/0)") for i in values.index[bad]]
    return out, problems


def numbers(values: pd.Series, column: str, path: Path, missing: set[str]
            ) -> tuple[pd.Series, list[Problem]]:
    """Numbers; blanks and the publisher's missing markers stay missing; text is an error."""
    text = values.map(lambda v: "" if v is None else str(v)).str.strip()
    absent = text.eq("") | text.isin(missing)
    number = pd.to_numeric(text.where(~absent), errors="coerce")
    bad = number.isna() & ~absent
    problems = [Problem(str(path), int(i), column, values.at[i], "not a number")
                for i in values.index[bad]]
    return number.astype("Float64"), problems


@contextmanager
def workbook(path: Path):
    """The path of the workbook to read: ``path`` itself, or the one workbook inside a zip
    download (OEHHA ships its results workbooks zipped)."""
    with path.open("rb") as fh:
        head = fh.read(4)
    if head != b"PK\x03\x04":
        yield path
        return
    try:
        with zipfile.ZipFile(path) as zf:
            names = zf.namelist()
            if "[Content_Types].xml" in names:  # an .xlsx is itself a zip
                yield path
                return
            books = [n for n in names if n.lower().endswith((".xlsx", ".xls", ".csv"))
                     and not n.startswith("__MACOSX/")]
            if len(books) != 1:
                raise InputError(Problem(str(path), None, None, ", ".join(names) or None,
                                         "zip should hold exactly one workbook or CSV"))
            with tempfile.TemporaryDirectory() as tmp:
                member = Path(tmp) / Path(books[0]).name
                member.write_bytes(zf.read(books[0]))
                yield member
    except zipfile.BadZipFile as exc:
        raise InputError(Problem(str(path), None, None, None,
                                 f"not a readable zip or workbook: {exc}")) from None
