"""Stage 2 of the pipeline: raw files -> validated, tidy ``data/processed/<slug>/*.parquet``.

Checks first that every raw file every source needs is present, and stops naming each missing
file and its official URL before anything is parsed (so no notebook ever runs on half the data).
A file whose checksum no longer matches its manifest is parsed and checked for the area and period
its URL asks for: if it passes it is "present, changed since download" (a warning, recorded in the
manifest), otherwise the run stops with the parser's message. A real run refuses any file its
manifest marks as part of the synthetic sample bundle.
"""

from __future__ import annotations

import logging
import os
import tempfile
from pathlib import Path

import geopandas as gpd
import pandas as pd

from assessment import download, sources
from assessment.download import RemoteFile
from assessment.paths import DataDirs, Mode, data_dirs
from assessment.region import Region

log = logging.getLogger(__name__)


def raw_files(region: Region, dirs: DataDirs) -> list[RemoteFile]:
    return [rf for module in sources.active(region).values()
            for rf in module.remote_files(region, dirs)]


def missing_files(region: Region, dirs: DataDirs) -> list[tuple[Path, str]]:
    return [(rf.dest, rf.public_url + (f" (export by hand: {rf.manual})" if rf.manual else ""))
            for rf in raw_files(region, dirs) if not rf.dest.exists()]


def check_raw_files(region: Region, dirs: DataDirs) -> None:
    """Every raw file present and usable, without touching the network.

    Raises :class:`MissingDataError` naming each absent file and its URL; :class:`InputError`
    for a file that does not parse, holds another area or period than its URL asks for, or (in
    a real run) is a synthetic sample file. A file changed since download that still passes is
    kept, with a warning and a note in its manifest."""
    real = dirs.mode is Mode.REAL
    download.fetch(raw_files(region, dirs), offline=True, allow_samples=not real)
    if real:
        download.refuse_samples(dirs.raw)  # also files fetched otherwise (the LAUS API answer)


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
    dirs = data_dirs(mode, region)
    check_raw_files(region, dirs)
    written = []
    for name in sources.SOURCES:
        if not sources.applies(name, region):
            log.info("%s: not used for %s (%s)", name, region.name, sources.why_not(name, region))
    for module in sources.active(region).values():
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


def load(name: str, mode: Mode | str, region: Region | str) -> pd.DataFrame:
    """One region's processed table, by name (``region`` or its slug). Geometry tables come
    back as GeoDataFrames."""
    path = data_dirs(mode, region).processed_file(name)
    if not path.exists():
        raise FileNotFoundError(f"{path} has not been built: run `make process` (or"
                                f" `assessment process --mode {Mode(mode).value} --region"
                                f" <region file>`).")
    import pyarrow.parquet as pq

    if b"geo" in (pq.read_schema(path).metadata or {}):
        return gpd.read_parquet(path)
    return pd.read_parquet(path)
