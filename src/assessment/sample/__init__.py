"""The sample bundle: synthetic files in each agency's real layout, seeded and reproducible.

``build()`` writes every file a real run would read, at the same relative paths under
``data/sample/<slug>/raw``, so the whole pipeline runs offline on it. Builders are registered in
:data:`BUILDERS`; each has ``build(region, dirs, universe) -> list[Path]``.
"""

from __future__ import annotations

import importlib
from pathlib import Path

from assessment import sources
from assessment.paths import DataDirs, Mode, data_dirs
from assessment.region import Region
from assessment.sample.universe import SEED, Universe

BUILDERS: dict[str, str] = {
    "qcew": "assessment.sample.qcew",
    "geo": "assessment.sample.geo",
    "tracts": "assessment.sample.tracts",
    "acs": "assessment.sample.acs",
    "qwi": "assessment.sample.qwi",
    "lodes": "assessment.sample.lodes",
    "laus": "assessment.sample.laus",
    "edd_ces": "assessment.sample.edd_ces",
    "edd_projections": "assessment.sample.edd_projections",
    "onet": "assessment.sample.onet",
    "crosswalks": "assessment.sample.crosswalks",
    "oews": "assessment.sample.oews",
    "surveys": "assessment.sample.surveys",
    "ipeds": "assessment.sample.ipeds",
    "ccc_awards": "assessment.sample.ccc_awards",
    "top_cip": "assessment.sample.top_cip",
    "apprenticeship": "assessment.sample.apprenticeship",
    "calenviroscreen": "assessment.sample.calenviroscreen",
    "cejst": "assessment.sample.cejst",
    "tract_relationship": "assessment.sample.tract_relationship",
    "unionstats": "assessment.sample.unionstats",
    "recommendations": "assessment.sample.recommendations",
}


# Builders named otherwise than the source whose files they write.
SOURCE_OF: dict[str, str] = {"tracts": "geo"}


def source_of(builder: str) -> str | None:
    """The source a builder writes files for (None for the surveys, which are no source)."""
    name = SOURCE_OF.get(builder, builder)
    return name if name in sources.SOURCES else None


def build(region: Region, dirs: DataDirs | None = None, seed: int = SEED) -> list[Path]:
    """Write the bundle for ``region``; a builder whose source does not apply to the region
    (``sources.applies``) writes nothing, so the bundle holds what a real run would read."""
    dirs = dirs or data_dirs(Mode.SAMPLE, region)
    universe = Universe(region, seed)
    written: list[Path] = []
    for name, module in BUILDERS.items():
        source = source_of(name)
        if source is not None and not sources.applies(source, region):
            continue
        written += importlib.import_module(module).build(region, dirs, universe)
    return written
