"""Registered apprenticeship programs in the region: the partnership's hand-kept table.

Optional: where the partnership keeps one, the table is saved as
``data/raw/partnership/<slug>/apprenticeship/registered_programs.csv`` with the header its codebook
(``config/apprenticeship/registered_programs.yml``) gives: ``sponsor, program, registration,
soc, county_fips, year, active_apprentices, completers, source``. The codebook is the single
statement of the columns, their types, ranges and the rules between them (completers never
more than the active apprentices; one row per program, occupation, county and year); the
reader checks every row against it and reports each failure as file, row, column and rule.

Sponsors are organisations (employers, joint apprenticeship committees, union locals), never
people; the table carries no names of apprentices and no free text beyond the program name and
the source of the figures.

The union survey's seats per program (``survey_union_programs``) are a second, separate
supply line; the section keeps the two apart.
"""

from __future__ import annotations

import logging
from functools import cache
from pathlib import Path
from typing import Literal

import pandas as pd
import pandera.pandas as pa
import yaml
from pydantic import BaseModel, ConfigDict, Field

from assessment.download import RemoteFile
from assessment.errors import InputError, Problem
from assessment.paths import APPRENTICESHIP_CODEBOOK, DataDirs
from assessment.region import Region
from assessment.schemas import require_columns, validate
from assessment.sources import SourceInfo
from assessment.survey.codebook import soc_codes

log = logging.getLogger(__name__)

INFO = SourceInfo(
    agency="The regional IMT partnership (from sponsors' records, the California Division of "
           "Apprenticeship Standards listing or DOL RAPIDS reports)",
    dataset="Registered apprenticeship programs in the region: active apprentices and "
            "completers a year (hand-kept table, optional)",
    files="registered_programs.csv (codebook config/apprenticeship/registered_programs.yml)",
    vintage="the years the table lists",
    licence="The partnership's own table",
    saved_under="data/raw/partnership/<slug>/apprenticeship/",
    used_by="03-occupations",
    access="kept by hand by the partnership; not downloaded",
)
TABLE = "apprenticeship_programs"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Column(_Strict):
    name: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    type: Literal["text", "soc", "county", "integer"]
    required: bool = False
    min: int | None = None
    max: int | None = None
    description: str


class Rule(_Strict):
    kind: Literal["le", "unique"]
    left: str | None = None
    right: str | None = None
    columns: tuple[str, ...] = ()
    text: str


class Codebook(_Strict):
    file: str
    columns: tuple[Column, ...]
    rules: tuple[Rule, ...] = ()

    @property
    def names(self) -> list[str]:
        return [c.name for c in self.columns]


@cache
def codebook(path: Path = APPRENTICESHIP_CODEBOOK) -> Codebook:
    return Codebook.model_validate(yaml.safe_load(path.read_text(encoding="utf-8")))


def path(dirs: DataDirs) -> Path:
    return dirs.partnership / codebook().file


def remote_files(region: Region, dirs: DataDirs) -> list[RemoteFile]:
    return []  # kept by hand, and optional: nothing to fetch, nothing missing


def schema(cb: Codebook, region: Region | None) -> pa.DataFrameSchema:
    counties = [c.fips for c in region.counties] if region is not None else None
    socs = list(soc_codes())
    cols = {}
    for c in cb.columns:
        checks: list[pa.Check] = []
        if c.type == "integer":
            if c.min is not None:
                checks.append(pa.Check.ge(c.min))
            if c.max is not None:
                checks.append(pa.Check.le(c.max))
            dtype = "Int64"
        else:
            dtype = str
            if c.type == "soc":
                checks.append(pa.Check.isin(socs, error="a 2018 SOC detailed occupation code"))
            if c.type == "county":
                checks.append(pa.Check.str_matches(r"^\d{5}$"))
                if counties:
                    checks.append(pa.Check.isin(counties, error="a county of the region"))
            if c.required:
                checks.append(pa.Check.str_length(min_value=1))
        cols[c.name] = pa.Column(dtype, checks, nullable=not c.required)
    unique = next((list(r.columns) for r in cb.rules if r.kind == "unique"), None)
    return pa.DataFrameSchema(cols, strict=True, ordered=True,
                              unique=unique, report_duplicates="exclude_first")


def read(path: str | Path, region: Region | None = None) -> pd.DataFrame:
    """Read and validate the table; with ``region``, counties must be the region's."""
    path = Path(path)
    cb = codebook()
    frame = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    frame.columns = [c.strip() for c in frame.columns]
    required = [c.name for c in cb.columns if c.required]
    require_columns(frame.columns, required, path, "registered programs table")
    extra = [c for c in frame.columns if c not in cb.names]
    if extra:
        raise InputError(Problem(str(path), 1, ", ".join(extra), None,
                                 "column not in the codebook " + APPRENTICESHIP_CODEBOOK.name))
    frame = frame.reindex(columns=cb.names, fill_value="")
    frame.index = pd.RangeIndex(2, 2 + len(frame), name="file_row")
    problems = []
    for c in cb.columns:
        text = frame[c.name].astype(str).str.strip()
        if c.type == "integer":
            values = pd.to_numeric(text.str.replace(",", "", regex=False), errors="coerce")
            bad = values.isna() & (text.ne("") | c.required)
            bad |= values.notna() & (values % 1 != 0)
            problems += [Problem(str(path), int(i), c.name, text[i] or None,
                                 "a whole number is required") for i in text.index[bad]]
            frame[c.name] = values.where(~bad).astype("Int64")
        else:
            frame[c.name] = text.astype(str)
    for rule in cb.rules:
        if rule.kind == "le":
            bad = (frame[rule.left] > frame[rule.right]).fillna(False).astype(bool)
            problems += [Problem(str(path), int(i), rule.left, frame.at[i, rule.left],
                                 f"{rule.text} ({rule.right} {frame.at[i, rule.right]})")
                         for i in frame.index[bad]]
    if problems:
        raise InputError(problems)
    return validate(frame, schema(cb, region), path)


def process(region: Region, dirs: DataDirs) -> dict[str, pd.DataFrame]:
    """``apprenticeship_programs`` where the partnership keeps the table; nothing otherwise."""
    p = path(dirs)
    if not p.exists():
        log.info("no registered programs table at %s (optional)", p)
        return {}
    return {TABLE: read(p, region).reset_index(drop=True)}
