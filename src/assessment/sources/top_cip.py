"""The TOP-CIP crosswalk (WestEd, reviewed by the Centers of Excellence, June 2020): California
community college programs (Taxonomy of Programs, TOP) onto CIP 2020, and from there, through
the NCES CIP-SOC crosswalk, onto occupations.

File: ``TOPCIP2020June26.xlsx``, saved under ``data/raw/cccco/topcip/``. It is handed out by
the Centers of Excellence for Labor Market Research and has no stable public file URL, so it is
a manual file (``make data-plan`` says so, with the page). Layout: one sheet, a title cell
("Prepared by WestEd and Reviewed by Centers of Excellence, June 2020") above the header
``TOP Code, TOP Code Title, CIP Code, CIP Code (2), CIP Title, Change or Addition``.

Both codes are stored as numbers. A TOP code is ``XXXX.XX`` written without its leading zero
and trailing zeros (``956.5`` is 0956.50, six digits ``095650``; ``101`` is ``010100``). ``CIP
Code`` is the six CIP digits as an integer (``150614``); ``CIP Code (2)`` the code as a decimal
(``15.0614``), or, on six rows, only its two-digit family (``46`` beside ``460415``). On five
rows the two disagree (``470603`` beside ``47.0613``), and there ``CIP Title`` is the title of
the decimal code (47.0613 Medium/Heavy Vehicle and Truck Technology, for TOP 0947.00 Diesel
Technology): the reader takes ``CIP Code (2)`` when it is a six-digit code, ``CIP Code`` when
the decimal is only the family, and logs each disagreement with its row.

The crosswalk is many-to-many (TOP 095650 Welding Technology maps to CIP 15.0614 and
48.0508; CIP 51.0000 is reached from several TOP codes). **Sharing rule**, so no award counts
twice: an award in a TOP program is split equally among the CIP codes that TOP code maps to
(``share`` = 1 / number of CIPs of the TOP code, in the processed table); the section then
splits each CIP's share equally among its occupations the same way.

Tidy (:func:`read`): ``top_code`` (six-digit text), ``cip`` (``NN.NNNN``). Repeated pairs (the
file lists a few twice, with different "Change or Addition" notes) are kept once and logged.

California only: :func:`applies`.
"""

from __future__ import annotations

import logging
from pathlib import Path

import pandas as pd
import pandera.pandas as pa

from assessment.download import RemoteFile
from assessment.errors import InputError, Problem
from assessment.paths import DataDirs
from assessment.region import Region
from assessment.schemas import require_columns, validate
from assessment.sources import SourceInfo
from assessment.sources._sheets import cell_text, rows, sniff

log = logging.getLogger(__name__)

PAGE_URL = "https://coeccc.net/"
OBTAIN = ("ask the Centers of Excellence for Labor Market Research (or a college research "
          "office) for the TOP-CIP crosswalk 'TOPCIP2020June26.xlsx' (WestEd, June 2020) and "
          "save it unchanged as data/raw/cccco/topcip/TOPCIP2020June26.xlsx")
INFO = SourceInfo(
    agency="WestEd for the California Community Colleges Chancellor's Office, reviewed by the "
           "Centers of Excellence",
    dataset="TOP-CIP crosswalk (Taxonomy of Programs to CIP 2020), June 2020",
    files="TOPCIP2020June26.xlsx (obtained by hand)",
    vintage="June 2020 (TOP 2012 revision to CIP 2020)",
    licence="Public information of the State of California",
    saved_under="data/raw/cccco/topcip/",
    used_by="03-occupations",
    access="no public file URL: obtained from the Centers of Excellence (see the README)",
)
AGENCY, DATASET = "cccco", "topcip"
FILE = "TOPCIP2020June26.xlsx"
CALIFORNIA = "06"
HEADER = ["TOP Code", "TOP Code Title", "CIP Code", "CIP Code (2)", "CIP Title"]
COLUMNS = ["top_code", "cip"]

SCHEMA = pa.DataFrameSchema(
    {
        "top_code": pa.Column(str, pa.Check.str_matches(r"^\d{6}$")),
        "cip": pa.Column(str, pa.Check.str_matches(r"^\d{2}\.\d{4}$")),
    },
    strict=True, ordered=True,
)


def applies(region: Region) -> bool:
    """TOP codes are California community colleges' own taxonomy."""
    return region.state.fips == CALIFORNIA


def path(dirs: DataDirs) -> Path:
    return dirs.source_dir(AGENCY, DATASET) / FILE


def remote_files(region: Region, dirs: DataDirs) -> list[RemoteFile]:
    if not applies(region):
        return []
    return [RemoteFile(url=PAGE_URL, dest=path(dirs), source="WestEd/COE TOP-CIP crosswalk",
                       vintage="June 2020", kind="xlsx", validate=read, manual=OBTAIN)]


def top_code(value: object) -> str:
    """``956.5`` -> ``095650``; ``101`` -> ``010100``; ``"0956.50"`` -> ``095650``."""
    if isinstance(value, bool) or value is None:
        raise ValueError(value)
    if isinstance(value, int | float):
        hundredths = round(float(value) * 100)
        if abs(float(value) * 100 - hundredths) > 1e-6 or not 0 < hundredths < 1_000_000:
            raise ValueError(value)
        return f"{hundredths:06d}"
    text = cell_text(value)
    if text.isdigit() and len(text) == 6:
        return text
    return top_code(float(text))


def cip_code(value: object) -> str:
    """``150614`` (the integer form) -> ``15.0614``."""
    if isinstance(value, bool) or value is None:
        raise ValueError(value)
    if isinstance(value, float) and not value.is_integer():
        raise ValueError(value)
    text = str(int(value)) if isinstance(value, int | float) else cell_text(value)
    if not text.isdigit() or len(text) > 6:
        raise ValueError(value)
    text = text.zfill(6)
    return f"{text[:2]}.{text[2:]}"


def _decimal_cip(value: object) -> str | None:
    """``CIP Code (2)``: ``15.0614`` -> ``15.0614``; a bare family (``46``) -> None."""
    if isinstance(value, int) or (isinstance(value, float) and value.is_integer()):
        return None
    if isinstance(value, float):
        return f"{value:07.4f}"
    text = cell_text(value)
    if text.isdigit() and len(text) <= 2:
        return None
    family, _, rest = text.partition(".")
    if not (family.isdigit() and rest.isdigit() and len(family) <= 2 and len(rest) <= 4):
        raise ValueError(value)
    return f"{family.zfill(2)}.{rest.ljust(4, '0')}"


def read(path: str | Path, region: Region | None = None) -> pd.DataFrame:
    """Parse the crosswalk workbook (or a CSV of its sheet); the header is found by content."""
    path = Path(path)
    if sniff(path) not in ("xlsx", "xls", "text"):
        raise InputError(Problem(str(path), None, None, None, "not a workbook or CSV"))
    table = rows(path)
    at = next((i for i, r in enumerate(table) if [cell_text(v) for v in r[:2]] == HEADER[:2]),
              None)
    if at is None:
        raise InputError(Problem(str(path), None, "TOP Code", None,
                                 "no header row starting 'TOP Code, TOP Code Title'"))
    header = [cell_text(v) for v in table[at]]
    require_columns(pd.Index(header), HEADER, path, "TOP-CIP crosswalk")
    col = {name: header.index(name) for name in HEADER}
    problems, out, lines, disagree = [], [], [], []
    for n, r in enumerate(table[at + 1:], start=at + 2):
        if not any(cell_text(v) for v in r):
            continue
        try:
            top = top_code(r[col["TOP Code"]])
        except (ValueError, TypeError):
            problems.append(Problem(str(path), n, "TOP Code", r[col["TOP Code"]],
                                    "not a TOP code (a number such as 956.5 or 0956.50)"))
            continue
        try:
            cip = cip_code(r[col["CIP Code"]])
        except (ValueError, TypeError):
            problems.append(Problem(str(path), n, "CIP Code", r[col["CIP Code"]],
                                    "not a six-digit CIP code as a number (150614)"))
            continue
        second = r[col["CIP Code (2)"]]
        try:
            decimal = _decimal_cip(second) if cell_text(second) else None
        except (ValueError, TypeError):
            problems.append(Problem(str(path), n, "CIP Code (2)", second,
                                    "not a CIP code (15.0614, or a family such as 46)"))
            continue
        if decimal is None and cell_text(second) and f"{int(float(second)):02d}" != cip[:2]:
            problems.append(Problem(str(path), n, "CIP Code (2)", second,
                                    f"family differs from CIP Code {cip}"))
            continue
        if decimal is not None and decimal != cip:
            disagree.append(f"row {n}: {cip} / {decimal}")
            cip = decimal
        out.append((top, cip))
        lines.append(n)
    if problems:
        raise InputError(problems)
    if not out:
        raise InputError(Problem(str(path), None, None, None, "no crosswalk rows"))
    if disagree:
        log.info("%s: CIP Code and CIP Code (2) disagree on %d row(s); the decimal code (whose"
                 " title the row gives) is used: %s", path, len(disagree), "; ".join(disagree))
    frame = pd.DataFrame(out, columns=COLUMNS, index=pd.Index(lines, name="file_row"))
    repeated = frame.duplicated(keep="first")
    if repeated.any():
        log.info("%s: %d repeated TOP-CIP pair(s) kept once (rows %s)", path,
                 int(repeated.sum()), ", ".join(map(str, frame.index[repeated])))
    return validate(frame[~repeated].astype(str), SCHEMA, path)


def with_shares(crosswalk: pd.DataFrame) -> pd.DataFrame:
    """Each pair with ``share`` = 1 / (number of CIP codes of its TOP code): the part of a
    TOP program's awards given to each CIP, so each TOP code's shares sum to 1."""
    out = crosswalk.reset_index(drop=True).copy()
    out["share"] = 1.0 / out.groupby("top_code")["cip"].transform("count")
    return out


def process(region: Region, dirs: DataDirs) -> dict[str, pd.DataFrame]:
    """``top_cip``: the pairs with their ``share`` (the sharing rule above)."""
    if not applies(region):
        return {}
    return {"top_cip": with_shares(read(path(dirs)))}
