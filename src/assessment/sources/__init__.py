"""Public data sources: one module each, with the same small surface.

Every module in :data:`SOURCES` provides

* ``INFO``: a :class:`SourceInfo`, the source's row in the README's sources table and the
  report's sources appendix (both generated from it, so they cannot drift);
* ``remote_files(region, dirs) -> list[RemoteFile]``: the official files a region needs,
  with the URL and where each lands under ``data/raw``;
* ``read(path, region=None) -> DataFrame``: parse one file in the agency's own layout into a
  tidy, schema-checked table (raises :class:`assessment.errors.InputError` on bad input);
* ``process(region, dirs) -> dict[str, DataFrame]``: the processed tables built from the files
  ``remote_files`` names (written to ``data/processed/<name>.parquet`` by
  :mod:`assessment.dataset`).

Optionally, ``fetch_benchmarks(region, dirs, *, offline)`` fetches what is not a plain file
download (an API POST); ``assessment data`` calls it after the files.

``assessment read SOURCE FILE`` and ``make data`` go through this registry only.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from types import ModuleType


@dataclass(frozen=True)
class SourceInfo:
    """A data availability statement, AEA style: one row of the sources table."""

    agency: str  # "U.S. Bureau of Labor Statistics"
    dataset: str  # "Quarterly Census of Employment and Wages (QCEW), open-data area files"
    files: str  # exact table or file pattern, e.g. "{year}/a/area/{area}.csv"
    vintage: str  # "annual averages, analysis years of the region file"
    licence: str  # "Public domain (U.S. federal government work)"
    saved_under: str  # "data/raw/bls/qcew/"
    used_by: str  # "01-industry-profile"
    access: str = ""  # URL or API, and whether a key or contact e-mail is needed

# name -> module path. Add a source by adding its module here.
SOURCES: dict[str, str] = {
    "qcew": "assessment.sources.qcew",
    "geo": "assessment.sources.geo",
    "acs": "assessment.sources.acs",
    "qwi": "assessment.sources.qwi",
    "lodes": "assessment.sources.lodes",
    "laus": "assessment.sources.laus",
    "edd_ces": "assessment.sources.edd_ces",
    "edd_projections": "assessment.sources.edd_projections",
    "onet": "assessment.sources.onet",
    "crosswalks": "assessment.sources.crosswalks",
    "oews": "assessment.sources.oews",
    "calenviroscreen": "assessment.sources.calenviroscreen",
    "cejst": "assessment.sources.cejst",
    "tract_relationship": "assessment.sources.tract_relationship",
}


def get(name: str) -> ModuleType:
    try:
        return importlib.import_module(SOURCES[name])
    except KeyError:
        raise KeyError(f"unknown source {name!r}; known: {', '.join(sorted(SOURCES))}") from None


def all_sources() -> dict[str, ModuleType]:
    return {name: get(name) for name in SOURCES}


def sources_table() -> str:
    """The Markdown sources table for the README (and the report appendix)."""
    head = ("| source | agency | file or table | vintage | licence | saved under | used by |\n"
            "|---|---|---|---|---|---|---|\n")
    rows = []
    for name, module in all_sources().items():
        i: SourceInfo = module.INFO
        rows.append(f"| `{name}` | {i.agency} | {i.dataset}: `{i.files}` | {i.vintage} |"
                    f" {i.licence} | `{i.saved_under}` | {i.used_by} |")
    return head + "\n".join(rows) + "\n"
