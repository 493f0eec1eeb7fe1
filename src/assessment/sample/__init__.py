"""The sample bundle: synthetic files in each agency's real layout, seeded and reproducible.

``build()`` writes every file a real run would read, at the same relative paths under
``data/sample/raw``, so the whole pipeline runs offline on it. Builders are registered in
:data:`BUILDERS`; each has ``build(region, dirs, universe) -> list[Path]``.
"""

from __future__ import annotations

import importlib
from pathlib import Path

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
}


def _build_one(module: str, region: Region, dirs: DataDirs, universe: Universe) -> list[Path]:
    return importlib.import_module(module).build(region, dirs, universe)


def build(region: Region, dirs: DataDirs | None = None, seed: int = SEED,
          jobs: int | None = None) -> list[Path]:
    """Every builder's files. Builders are independent (each seeds its own generator from the
    universe's seed), so they run in parallel, one process per core unless ``jobs`` says."""
    from assessment.parallel import run_all

    dirs = dirs or data_dirs(Mode.SAMPLE)
    universe = Universe(region, seed)
    tasks = [(module, region, dirs, universe) for module in BUILDERS.values()]
    return [p for written in run_all(_build_one, tasks, jobs) for p in written]
