"""Stage 2 of the pipeline: raw files -> validated, tidy ``data/processed/*.parquet``.

Checks first that every raw file every source needs is present, and stops naming each missing
file and its official URL before anything is parsed (so no notebook ever runs on half the data).
"""

from __future__ import annotations

import logging
import os
import tempfile
from pathlib import Path

import geopandas as gpd
import pandas as pd

from assessment import sources
from assessment.errors import MissingDataError
from assessment.paths import DataDirs, Mode, data_dirs
from assessment.region import Region

log = logging.getLogger(__name__)


def missing_files(region: Region, dirs: DataDirs) -> list[tuple[Path, str]]:
    return [(rf.dest, rf.public_url + (f" (export by hand: {rf.manual})" if rf.manual else ""))
            for module in sources.all_sources().values()
            for rf in module.remote_files(region, dirs)
            if not rf.dest.exists()]


def write_table(frame: pd.DataFrame, path: Path) -> Path:
    """Atomic parquet write (GeoParquet for GeoDataFrames)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".part")
    os.close(fd)
    try:
        if isinstance(frame, gpd.GeoDataFrame):
            frame.to_parquet(tmp, index=False)
        else:
            frame.reset_index(drop=True).to_parquet(tmp, index=False)
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)
    return path


def build(region: Region, mode: Mode | str = Mode.REAL) -> list[Path]:
    dirs = data_dirs(mode)
    missing = missing_files(region, dirs)
    if missing:
        raise MissingDataError(missing)
    written = []
    for module in sources.all_sources().values():
        process = getattr(module, "process", None)
        if process is None:
            continue
        for name, frame in process(region, dirs).items():
            written.append(write_table(frame, dirs.processed_file(name)))
    # Survey exports (confidential) are ingested last; re-ingesting is idempotent.
    from assessment.survey.ingest import ingest_all

    for survey, counts in ingest_all(region, mode, dirs).items():
        log.info("%s survey: %s", survey, counts)
        if counts.get("files"):
            written.append(dirs.processed_file(f"survey_{survey}"))
    return written


def load(name: str, mode: Mode | str) -> pd.DataFrame:
    """A processed table, by name. Geometry tables come back as GeoDataFrames."""
    path = data_dirs(mode).processed_file(name)
    if not path.exists():
        raise FileNotFoundError(f"{path} has not been built: run `make process` (or"
                                f" `assessment process --mode {Mode(mode).value}`).")
    import pyarrow.parquet as pq

    if b"geo" in (pq.read_schema(path).metadata or {}):
        return gpd.read_parquet(path)
    return pd.read_parquet(path)
