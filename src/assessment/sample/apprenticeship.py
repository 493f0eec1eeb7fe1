"""A synthetic registered-programs table, in the layout its codebook sets
(``config/apprenticeship/registered_programs.yml``): a handful of invented sponsors in the
region's counties training for the sample's apprenticeable occupations, one row per program
and year for the last two years. Counts are synthetic; sponsors are invented organisations.
"""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np

from assessment.paths import DataDirs
from assessment.region import Region
from assessment.sample.universe import Universe
from assessment.sources import apprenticeship

# (sponsor, program, SOC, county index in the region file, base active apprentices)
PROGRAMS = [
    ("Sample Valley Electrical JATC", "Inside Wireman", "47-2111", 0, 180),
    ("Sample Valley Electrical JATC", "Inside Wireman", "47-2111", 5, 120),
    ("Sample Food Processors Maintenance Committee", "Industrial Maintenance Mechanic",
     "49-9041", 0, 30),
    ("Sample Food Processors Maintenance Committee", "Industrial Maintenance Mechanic",
     "49-9041", 6, 22),
    ("Sample Metal Trades Employers", "Welder-Fitter", "51-4121", 1, 26),
    ("Sample Metal Trades Employers", "Machinist", "51-4041", 1, 12),
    ("Sample Millwrights Local JATC", "Millwright", "49-9044", 5, 40),
]
YEARS = (2023, 2024)
COMPLETION_RATE = 0.2  # a four-year program completes roughly a fifth of its apprentices a year


def build(region: Region, dirs: DataDirs, universe: Universe) -> list[Path]:
    cb = apprenticeship.codebook()
    dest = apprenticeship.path(dirs)
    dest.parent.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng([universe.seed, 31])
    counties = [c.fips for c in region.counties]
    # A region with fewer counties than the list assumes folds a sponsor's programs in one
    # county into one row (the codebook allows one row per program, county and year).
    programs: dict[tuple[str, str, str, str], tuple[int, int]] = {}
    for n, (sponsor, program, soc, county, base) in enumerate(PROGRAMS, start=1):
        key = (sponsor, program, soc, counties[county % len(counties)])
        first, total = programs.get(key, (n, 0))
        programs[key] = (first, total + base)
    with dest.open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(cb.names)
        for (sponsor, program, soc, fips), (n, base) in programs.items():
            for year in YEARS:
                active = int(rng.poisson(base))
                done = min(int(rng.binomial(active, COMPLETION_RATE)), active)
                w.writerow([sponsor, program, f"SAMPLE-{n:03d}" if n % 3 else "", soc,
                            fips, year, active, done,
                            f"Synthetic sample ({year})"])
    return [dest]
