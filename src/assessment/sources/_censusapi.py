"""What the Census Data API sources (ACS, QWI) share: the key, and the JSON array body.

Every ``api.census.gov`` response is a JSON array of arrays: the first array is the header (the
variables asked for, then the predicates and geography echoed back), each later array one
record, all values as strings or ``null``. The API prints one record per line, so the 1-based
position of a record in the array (header = 1) is also its line in the file, and errors name it.

The key comes from ``CENSUS_API_KEY`` (environment or ``.env``) and travels as the ``key`` query
parameter in :attr:`RemoteFile.params`, which :func:`assessment.download.redact` removes from
every manifest, log and error message. Without a key the API answers with its key page, which
:func:`assessment.download.fetch` refuses with a message saying to set the variable.
"""

from __future__ import annotations

import json
import logging
import os
from pathlib import Path

import pandas as pd

from assessment.errors import InputError, Problem
from assessment.schemas import file_rows

log = logging.getLogger(__name__)

API = "https://api.census.gov/data"
KEY_ENV = "CENSUS_API_KEY"
KEY_SIGNUP = "https://api.census.gov/data/key_signup.html"


_warned = False


def key_params() -> dict[str, str]:
    """The ``key`` query parameter (empty when unset, so offline planning still works)."""
    global _warned
    key = os.environ.get(KEY_ENV, "").strip()
    if not key and not _warned:
        log.info("%s is not set: Census API calls will be refused (get a key at %s)",
                    KEY_ENV, KEY_SIGNUP)
        _warned = True
    return {"key": key}


def load_json(path: Path, what: str) -> object:
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError(Problem(str(path), None, None, None,
                                 f"not a UTF-8 text file ({exc.reason})")) from None
    if not text.strip():
        raise InputError(Problem(str(path), None, None, None, f"empty file, not {what}"))
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        hint = " (an HTML page?)" if text.lstrip().startswith("<") else ""
        raise InputError(Problem(str(path), exc.lineno, None, text[:60],
                                 f"not valid JSON{hint}: {exc.msg}")) from None


def read_array(path: str | Path, what: str) -> pd.DataFrame:
    """A Census API JSON array body as a frame of strings (``None`` kept), indexed by file row."""
    path = Path(path)
    body = load_json(path, what)
    if not isinstance(body, list) or not body or not all(isinstance(r, list) for r in body):
        raise InputError(Problem(str(path), 1, None, None,
                                 f"expected a JSON array of arrays (header first), the {what}"
                                 " layout"))
    header, records = body[0], body[1:]
    if not all(isinstance(h, str) for h in header):
        raise InputError(Problem(str(path), 1, None, None, "header row holds non-text names"))
    problems = [Problem(str(path), i, None, len(r),
                        f"record has {len(r)} values but the header names {len(header)}")
                for i, r in enumerate(records, start=2) if len(r) != len(header)]
    if problems:
        raise InputError(problems)
    if not records:
        raise InputError(Problem(str(path), None, None, None,
                                 "header but no records (the API found nothing for the query)"))
    frame = pd.DataFrame(records, dtype=object)
    # Duplicate names (e.g. NAME asked for and also in the group) must agree, then one is kept.
    columns: dict[str, int] = {}
    for pos, name in enumerate(header):
        if name in columns:
            first = frame[columns[name]].astype(str)
            differ = first != frame[pos].astype(str)
            if differ.any():
                row = int(differ.idxmax()) + 2
                raise InputError(Problem(str(path), row, name, frame.at[row - 2, pos],
                                         "column appears twice with different values"))
            continue
        columns[name] = pos
    frame = frame[list(columns.values())]
    frame.columns = list(columns)
    frame.index = file_rows(len(frame))
    return frame


def as_text(values: pd.Series) -> pd.Series:
    """Values as strings, ``None``/JSON null as missing."""
    return values.map(lambda v: None if v is None else str(v)).astype("string")


def to_number(values: pd.Series, column: str, file: Path) -> tuple[pd.Series, list[Problem]]:
    """Numbers given as JSON strings or numbers; null or empty stays missing; text is an error."""
    text = as_text(values).str.strip()
    text = text.where(text != "")
    number = pd.to_numeric(text, errors="coerce")
    bad = number.isna() & text.notna()
    problems = [Problem(str(file), int(i), column, v, "not a number") for i, v in text[bad].items()]
    return number.astype("Float64"), problems
