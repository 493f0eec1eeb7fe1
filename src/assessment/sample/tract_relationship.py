"""A synthetic 2020-2010 tract relationship file for the sample bundle.

The Census Bureau's pipe-delimited layout (:data:`assessment.sources.tract_relationship.HEADER`),
one row per piece of the sample's invented 2020 tracts in its invented 2010 tracts
(:mod:`assessment.sample.tracts2010`), the region's counties only. Areas are the sample
tracts' land areas; pieces add up to their tracts exactly, as the Bureau's do.
"""

from __future__ import annotations

from pathlib import Path

from assessment import download
from assessment.paths import DataDirs
from assessment.region import Region
from assessment.sample.tracts2010 import pieces
from assessment.sample.universe import Universe
from assessment.sources import tract_relationship as rel


def _name(code: str) -> str:
    tractce = code[5:]
    return f"Census Tract {int(tractce[:4])}" + (f".{tractce[4:]}" if tractce[4:] != "00" else "")


def text(region: Region, seed: int) -> str:
    p = pieces(region, seed)
    land20 = p.groupby("tract_2020")["arealand_part"].sum()
    land10 = p.groupby("tract_2010")["arealand_part"].sum()
    oid20 = {t: 20790000000000 + i for i, t in enumerate(sorted(land20.index))}
    oid10 = {t: 20780000000000 + i for i, t in enumerate(sorted(land10.index))}
    lines = ["|".join(rel.HEADER)]
    for r in p.itertuples(index=False):
        lines.append("|".join(str(v) for v in (
            oid20[r.tract_2020], r.tract_2020, _name(r.tract_2020), land20[r.tract_2020], 0,
            "G5020", "S", oid10[r.tract_2010], r.tract_2010, _name(r.tract_2010),
            land10[r.tract_2010], 0, "G5020", "S", r.arealand_part, 0)))
    return "\n".join(lines) + "\n"


def build(region: Region, dirs: DataDirs, universe: Universe) -> list[Path]:
    (rf,) = rel.remote_files(region, dirs)
    rf.dest.parent.mkdir(parents=True, exist_ok=True)
    rf.dest.write_text(text(region, universe.seed), encoding="utf-8")
    download.record_sample(download.RemoteFile(
        url=rf.url, dest=rf.dest, source=rf.source, kind=rf.kind,
        vintage=rf.vintage + " (synthetic: invented 2010 predecessors of the sample's invented"
                             " 2020 tracts, region counties only)"))
    return [rf.dest]
