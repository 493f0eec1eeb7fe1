"""O*NET database: occupations, and the skills and knowledge each one calls for.

Files: the O*NET database release in tab-separated text,
``https://www.onetcenter.org/dl_files/database/db_{release}_text/{name}.txt`` for
``Occupation Data``, ``Skills`` and ``Knowledge``; saved under
``data/raw/onet/db_{release}_text/`` with O*NET's own file names. The Excel form of the same
release (``db_{release}_excel/{name}.xlsx``, one sheet, same columns) is read the same way.

Layouts (O*NET data dictionary): ``Occupation Data`` has ``O*NET-SOC Code, Title,
Description``; ``Skills`` and ``Knowledge`` have ``O*NET-SOC Code, Element ID, Element Name,
Scale ID, Data Value, N, Standard Error, Lower CI Bound, Upper CI Bound, Recommend Suppress,
Not Relevant, Date, Domain Source``, two rows per element (scale ``IM`` importance 1-5, ``LV``
level 0-7). ``Recommend Suppress`` (Y = low precision) and ``Not Relevant`` (``n/a`` on
importance rows) are O*NET's flags: kept as nullable booleans beside the value, never used to
drop a row.

Tidy: ``onet_soc`` (``51-4041.00``), ``soc`` (``51-4041``, the SOC 2018 code it belongs to),
``title``, ``domain`` (``Skills``/``Knowledge``), ``element_id``, ``element``, ``scale``,
``value``, ``n``, ``standard_error``, ``recommend_suppress``, ``not_relevant``, ``date``,
``domain_source``. Reading ``Occupation Data`` alone gives the occupation list (``onet_soc,
soc, title, description``). Titles are joined onto the ratings by :func:`process`.
"""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import quote

import pandas as pd
import pandera.pandas as pa

from assessment.download import RemoteFile
from assessment.errors import InputError, Problem
from assessment.paths import DataDirs
from assessment.region import Region
from assessment.schemas import require_columns, validate
from assessment.sources import SourceInfo
from assessment.sources._sheets import cell_text, rows, validate_rows

RELEASE = "30.1"  # O*NET database release; its files are named db_30_1_text/...
INFO = SourceInfo(
    agency="National Center for O*NET Development, for the U.S. Department of Labor, ETA",
    dataset="O*NET database: Occupation Data, Skills, Knowledge",
    files="onetcenter.org/dl_files/database/db_{release}_text/{Occupation Data,Skills,"
          "Knowledge}.txt",
    vintage=f"O*NET {RELEASE}",
    licence="Creative Commons Attribution 4.0 (O*NET is a trademark of USDOL/ETA)",
    saved_under="data/raw/onet/",
    used_by="03-occupations",
    access="no key",
)
AGENCY = "onet"
BASE_URL = "https://www.onetcenter.org/dl_files/database"
OCCUPATIONS, SKILLS, KNOWLEDGE = "Occupation Data", "Skills", "Knowledge"
FILES = (OCCUPATIONS, SKILLS, KNOWLEDGE)

ONET_SOC = re.compile(r"^(\d{2}-\d{4})\.\d{2}$")
OCCUPATION_HEADER = ["O*NET-SOC Code", "Title", "Description"]
RATING_HEADER = ["O*NET-SOC Code", "Element ID", "Element Name", "Scale ID", "Data Value", "N",
                 "Standard Error", "Recommend Suppress", "Not Relevant", "Date",
                 "Domain Source"]
RATING_COLUMNS = ["onet_soc", "soc", "title", "domain", "element_id", "element", "scale",
                  "value", "n", "standard_error", "recommend_suppress", "not_relevant", "date",
                  "domain_source"]
OCCUPATION_COLUMNS = ["onet_soc", "soc", "title", "description"]
_FLAGS = {"Y": True, "N": False, "n/a": None, "": None}

OCCUPATION_SCHEMA = pa.DataFrameSchema(
    {
        "onet_soc": pa.Column(str, pa.Check.str_matches(ONET_SOC.pattern), unique=True),
        "soc": pa.Column(str, pa.Check.str_matches(r"^\d{2}-\d{4}$")),
        "title": pa.Column(str, pa.Check.str_length(min_value=1)),
        "description": pa.Column(str),
    },
    strict=True, ordered=True,
)


def _in_scale_range(df: pd.DataFrame) -> pd.Series:
    """Importance runs 1-5, level 0-7 (O*NET Scales Reference)."""
    low = df["scale"].map({"IM": 1.0, "LV": 0.0})
    high = df["scale"].map({"IM": 5.0, "LV": 7.0})
    ok = (df["value"] >= low) & (df["value"] <= high)
    return ok.where(low.notna(), True).fillna(True).astype(bool)


RATING_SCHEMA = pa.DataFrameSchema(
    {
        "onet_soc": pa.Column(str, pa.Check.str_matches(ONET_SOC.pattern)),
        "soc": pa.Column(str, pa.Check.str_matches(r"^\d{2}-\d{4}$")),
        "title": pa.Column(str, nullable=True),
        "domain": pa.Column(str),
        "element_id": pa.Column(str, pa.Check.str_matches(r"^\d(\.[A-Za-z0-9]+)+$")),
        "element": pa.Column(str, pa.Check.str_length(min_value=1)),
        "scale": pa.Column(str, pa.Check.str_matches(r"^[A-Z]{2,3}$")),
        "value": pa.Column("Float64", nullable=True),
        "n": pa.Column("Int64", pa.Check.ge(0), nullable=True),
        "standard_error": pa.Column("Float64", pa.Check.ge(0), nullable=True),
        "recommend_suppress": pa.Column("boolean", nullable=True),
        "not_relevant": pa.Column("boolean", nullable=True),
        "date": pa.Column(str, pa.Check.str_matches(r"^(\d{2}/\d{4})?$")),
        "domain_source": pa.Column(str),
    },
    checks=[pa.Check(_in_scale_range, error="IM must be 1-5 and LV 0-7")],
    strict=True, ordered=True,
    unique=["onet_soc", "element_id", "scale"],
    report_duplicates="exclude_first",
)


def release_dir(release: str = RELEASE) -> str:
    return f"db_{release.replace('.', '_')}_text"


def file_url(name: str, release: str = RELEASE) -> str:
    return f"{BASE_URL}/{release_dir(release)}/{quote(name)}.txt"


def file_path(dirs: DataDirs, name: str, release: str = RELEASE) -> Path:
    return dirs.raw / AGENCY / release_dir(release) / f"{name}.txt"


def remote_files(region: Region, dirs: DataDirs) -> list[RemoteFile]:
    return [RemoteFile(url=file_url(name), dest=file_path(dirs, name), source="O*NET",
                       vintage=f"O*NET {RELEASE} database", kind="text", validate=read)
            for name in FILES]


def _frame(path: Path) -> pd.DataFrame:
    """The file as text columns, indexed by file row (header = 1)."""
    table = rows(path, delimiter="\t")
    if not table:
        raise InputError(Problem(str(path), None, None, None, "file is empty"))
    header = [cell_text(v) for v in table[0]]
    numbered = [(i + 2, r) for i, r in enumerate(table[1:]) if any(cell_text(v) for v in r)]
    width = len(header)
    bad = [Problem(str(path), n, None, len(r), f"row has {len(r)} fields, header has {width}")
           for n, r in numbered if len(r) > width and any(cell_text(v) for v in r[width:])]
    if bad:
        raise InputError(bad)
    data = [[cell_text(r[j]) if j < len(r) else "" for j in range(width)] for _, r in numbered]
    frame = pd.DataFrame(data, columns=header, dtype=str)
    frame.index = pd.Index([n for n, _ in numbered], name="file_row")
    return frame


def _numbers(raw: pd.Series, column: str, path: Path, problems: list[Problem]) -> pd.Series:
    text = raw.str.strip()
    blankish = text.isin(["", "n/a", "N/A"])
    values = pd.to_numeric(text.where(~blankish), errors="coerce")
    for i, v in text[values.isna() & ~blankish].items():
        problems.append(Problem(str(path), int(i), column, v, "not a number"))
    return values


def _flags(raw: pd.Series, column: str, path: Path, problems: list[Problem]) -> pd.Series:
    text = raw.str.strip()
    for i, v in text[~text.isin(list(_FLAGS))].items():
        problems.append(Problem(str(path), int(i), column, v, "must be Y, N or n/a"))
    return text.map(_FLAGS).astype("boolean")


def _domain(path: Path) -> str:
    stem = path.stem.replace("_", " ")
    for name in (SKILLS, KNOWLEDGE):
        if stem.lower().endswith(name.lower()):
            return name
    return stem


def read(path: str | Path, region: Region | None = None) -> pd.DataFrame:
    """Parse ``Occupation Data`` (the occupation list) or a ratings file (``Skills``,
    ``Knowledge``), as text or Excel."""
    path = Path(path)
    frame = _frame(path)
    if frame.empty:
        raise InputError(Problem(str(path), None, None, None, "file has no data rows"))
    code = frame.get("O*NET-SOC Code")
    if "Element ID" not in frame.columns:
        require_columns(frame.columns, OCCUPATION_HEADER, path, "O*NET Occupation Data")
        out = pd.DataFrame(index=frame.index)
        out["onet_soc"] = code
        out["soc"] = code.str.slice(0, 7)
        out["title"] = frame["Title"]
        out["description"] = frame["Description"]
        return validate(out[OCCUPATION_COLUMNS], OCCUPATION_SCHEMA, path)

    require_columns(frame.columns, RATING_HEADER, path, "O*NET ratings (Skills, Knowledge)")
    problems: list[Problem] = []
    out = pd.DataFrame(index=frame.index)
    out["onet_soc"] = code
    out["soc"] = code.str.slice(0, 7)
    out["title"] = pd.Series(pd.NA, index=frame.index, dtype="str")
    out["domain"] = _domain(path)
    out["element_id"] = frame["Element ID"]
    out["element"] = frame["Element Name"]
    out["scale"] = frame["Scale ID"]
    out["value"] = _numbers(frame["Data Value"], "Data Value", path, problems).astype("Float64")
    n = _numbers(frame["N"], "N", path, problems)
    out["n"] = n.round().astype("Int64")
    out["standard_error"] = _numbers(frame["Standard Error"], "Standard Error", path,
                                     problems).astype("Float64")
    out["recommend_suppress"] = _flags(frame["Recommend Suppress"], "Recommend Suppress", path,
                                       problems)
    out["not_relevant"] = _flags(frame["Not Relevant"], "Not Relevant", path, problems)
    out["date"] = frame["Date"]
    out["domain_source"] = frame["Domain Source"]
    if problems:
        raise InputError(problems)
    return validate_rows(out[RATING_COLUMNS], RATING_SCHEMA, path)


def process(region: Region, dirs: DataDirs) -> dict[str, pd.DataFrame]:
    """``onet_occupations`` and ``onet_ratings`` (skills and knowledge, titles attached)."""
    occupations = read(file_path(dirs, OCCUPATIONS))
    ratings = pd.concat([read(file_path(dirs, name)) for name in (SKILLS, KNOWLEDGE)],
                        ignore_index=True)
    titles = occupations.set_index("onet_soc")["title"]
    ratings["title"] = ratings["onet_soc"].map(titles).astype("str")
    return {"onet_occupations": occupations.reset_index(drop=True),
            "onet_ratings": ratings}
