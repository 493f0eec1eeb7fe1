"""Public data sources: one module each, with the same small surface.

Every module in :data:`SOURCES` provides

* ``DESCRIPTION``: one line for the CLI and the sources table;
* ``remote_files(region, dirs) -> list[RemoteFile]``: the official files a region needs,
  with the URL and where each lands under ``data/raw``;
* ``read(path, region=None) -> DataFrame``: parse one file in the agency's own layout into a
  tidy, schema-checked table (raises :class:`assessment.errors.InputError` on bad input);
* ``process(region, dirs) -> dict[str, DataFrame]``: the processed tables built from the files
  ``remote_files`` names (written to ``data/processed/<name>.parquet`` by
  :mod:`assessment.dataset`).

``assessment read SOURCE FILE`` and ``make data`` go through this registry only.
"""

from __future__ import annotations

import importlib
from types import ModuleType

# name -> module path. Add a source by adding its module here.
SOURCES: dict[str, str] = {
    "qcew": "assessment.sources.qcew",
    "geo": "assessment.sources.geo",
}


def get(name: str) -> ModuleType:
    try:
        return importlib.import_module(SOURCES[name])
    except KeyError:
        raise KeyError(f"unknown source {name!r}; known: {', '.join(sorted(SOURCES))}") from None


def all_sources() -> dict[str, ModuleType]:
    return {name: get(name) for name in SOURCES}
