"""A synthetic CCC DataMart Program Awards export, in the layout DataMart's web form exports.

``College, Major, 2014-2015, …, 2023-2024``: college names as DataMart writes them (with a
trailing space), ``Major`` as "Title-TOP6", counts with thousands separators (quoted) where they
pass 999. The region's community colleges (from the maintained college table) and two outside
it (Columbia College in Tuolumne County, Alameda), so the reader's county filter is exercised.
The programs and their sizes are the ones the IPEDS sample reports under CIP codes
(:data:`assessment.sample.ipeds.CCC_PROGRAMS`): DataMart counts about a quarter more awards
than IPEDS, since it includes locally approved low-unit certificates. Counts are synthetic.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

import numpy as np

from assessment import download
from assessment.paths import DataDirs
from assessment.region import Region
from assessment.sample import ipeds as sample_ipeds
from assessment.sample.universe import Universe
from assessment.sources import ccc_awards, ipeds

FIRST_YEAR, LAST_YEAR = 2015, 2024  # academic years 2014-2015 ... 2023-2024
OUTSIDE = ("Columbia", "Alameda")


def _count(n: int) -> str:
    return f"{n:,}"


def export_text(region: Region, universe: Universe) -> str:
    table = ccc_awards.colleges()
    mine = table[table["county_fips"].isin([c.fips for c in region.counties])]
    colleges = [*mine["college"], *OUTSIDE]
    years = [f"{y - 1}-{y}" for y in range(FIRST_YEAR, LAST_YEAR + 1)]
    rng = np.random.default_rng([universe.seed, 21])
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(["College", "Major", *years])
    anchor = ipeds.COLLECTION_YEARS[-1]  # IPEDS 2023 collection = academic year 2022-2023
    for college in sorted(colleges):
        for top, base in sorted(sample_ipeds.ccc_offers(universe, college).items()):
            title = sample_ipeds.CCC_PROGRAMS[top][0]
            growth = sample_ipeds.trend(universe, college + top)
            counts = [int(rng.poisson(base * growth ** (y - anchor)))
                      for y in range(FIRST_YEAR, LAST_YEAR + 1)]
            w.writerow([college + " ", f"{title}-{top}", *map(_count, counts)])
    return buf.getvalue()


def build(region: Region, dirs: DataDirs, universe: Universe) -> list[Path]:
    written = []
    for rf in ccc_awards.remote_files(region, dirs):
        rf.dest.parent.mkdir(parents=True, exist_ok=True)
        rf.dest.write_text(export_text(region, universe), encoding="utf-8")
        download.record_sample(rf)
        written.append(rf.dest)
    return written
