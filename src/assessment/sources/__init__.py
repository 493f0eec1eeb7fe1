"""Public data sources: one module each, with the same small surface.

Every module in :data:`SOURCES` provides

* ``INFO``: a :class:`SourceInfo`, the source's row in the README's sources table and the
  report's sources appendix (both generated from it, so they cannot drift);
* ``remote_files(region, dirs) -> list[RemoteFile]``: the official files a region needs,
  with the URL and where each lands under ``data/raw``;
* ``read(path, region=None) -> DataFrame``: parse one file in the agency's own layout into a
  tidy, schema-checked table (raises :class:`assessment.errors.InputError` on bad input);
* ``process(region, dirs) -> dict[str, DataFrame]``: the processed tables built from the files
  ``remote_files`` names (written to ``data/processed/<slug>/<name>.parquet`` by
  :mod:`assessment.dataset`).

Optionally, ``fetch_benchmarks(region, dirs, *, offline)`` fetches what is not a plain file
download (an API POST); ``assessment data`` calls it after the files; ``extra_files(region,
dirs)`` names the files it writes; and ``applies(region) -> bool`` says whether the source
covers the region at all (EDD's files cover California only). A region file may also switch a
source off (``sources: {exclude: [...]}``). :func:`active` is what every stage uses: the
registry less the sources that do not apply, so ``assessment data``, ``dataset.build``, the
sample bundle and the sources appendix agree.

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
    "ipeds": "assessment.sources.ipeds",
    "ccc_awards": "assessment.sources.ccc_awards",
    "top_cip": "assessment.sources.top_cip",
    "apprenticeship": "assessment.sources.apprenticeship",
    "calenviroscreen": "assessment.sources.calenviroscreen",
    "cejst": "assessment.sources.cejst",
    "tract_relationship": "assessment.sources.tract_relationship",
    "unionstats": "assessment.sources.unionstats",
}


def get(name: str) -> ModuleType:
    try:
        return importlib.import_module(SOURCES[name])
    except KeyError:
        raise KeyError(f"unknown source {name!r}; known: {', '.join(sorted(SOURCES))}") from None


def all_sources() -> dict[str, ModuleType]:
    return {name: get(name) for name in SOURCES}


def why_not(name: str, region) -> str | None:
    """Why source ``name`` does not apply to ``region`` (one clause), or None when it does."""
    if name in region.sources.exclude:
        return "switched off in the region file"
    module = get(name)
    applies = getattr(module, "applies", None)
    if applies is not None and not applies(region):
        covers = getattr(module, "COVERS", None)
        return (f"covers {covers} only, not {region.state.name}" if covers
                else f"does not cover {region.state.name}")
    return None


def applies(name: str, region) -> bool:
    return why_not(name, region) is None


def active(region) -> dict[str, ModuleType]:
    """The sources this region uses, in registry order."""
    return {name: module for name, module in all_sources().items() if applies(name, region)}


def region_files(region, dirs) -> set:
    """Every raw file this region's sources read: what ``remote_files`` names, and what a
    source fetches otherwise (its optional ``extra_files(region, dirs)``)."""
    out = set()
    for module in active(region).values():
        out.update(rf.dest for rf in module.remote_files(region, dirs))
        extra = getattr(module, "extra_files", None)
        if extra is not None:
            out.update(extra(region, dirs))
    return out


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
