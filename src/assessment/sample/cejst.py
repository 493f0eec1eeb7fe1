"""A synthetic CEJST 1.0 communities list for the sample bundle.

Written in the layout of the mirror the region file names (:data:`assessment.sources.cejst.
MIRRORS`): the official ``1.0-communities.csv`` columns (the labels of CEJST's download
configuration, the burden indicators left out) or the pipeline's four-column score file. The
tracts are the sample's synthetic 2010 tracts; "identified as disadvantaged" follows their
invented hardship, with a few tracts in through their neighbours only, as the real list has.
No figure is real.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

import numpy as np

from assessment import download
from assessment.paths import DataDirs
from assessment.region import Region
from assessment.sample.acs import DEFAULT_POPULATION, POPULATION
from assessment.sample.tracts2010 import hardship_2010, population_2010
from assessment.sample.universe import Universe
from assessment.sources import cejst

OFFICIAL_COLUMNS = [
    "Census tract 2010 ID", "County Name", "State/Territory",
    "Percent Black or African American alone", "Percent American Indian / Alaska Native",
    "Percent Asian", "Percent Native Hawaiian or Pacific", "Percent two or more races",
    "Percent White", "Percent Hispanic or Latino", "Percent other races",
    "Percent age under 10", "Percent age 10 to 64", "Percent age over 64",
    "Total threshold criteria exceeded", "Total categories exceeded",
    "Identified as disadvantaged without considering neighbors",
    "Identified as disadvantaged based on neighbors and relaxed low income threshold only",
    "Identified as disadvantaged due to tribal overlap", "Identified as disadvantaged",
    "Percentage of tract that is disadvantaged by area",
    "Share of neighbors that are identified as disadvantaged", "Total population",
    "Is low income?"]
PIPELINE_COLUMNS = ["GEOID10_TRACT", "Total population", "Is low income (imputed and adjusted)?",
                    cejst.PIPELINE_FLAG]
THRESHOLD = 0.42


def rows(region: Region, seed: int, layout: str) -> list[list]:
    rng = np.random.default_rng(seed + 83)
    h = hardship_2010(region, seed)
    pop = population_2010(region, seed, POPULATION, DEFAULT_POPULATION)
    out = []
    for tract, hv in h.items():
        z = hv + rng.normal(0, 0.15)
        own = z > THRESHOLD
        neighbours = (not own) and z > THRESHOLD - 0.05 and rng.random() < 0.5
        dac = own or neighbours
        low_income = z > THRESHOLD - 0.1
        people = float(pop.get(tract, 0))
        if layout == cejst.LAYOUT_PIPELINE:
            out.append([tract, f"{people:.1f}", str(low_income), str(dac)])
            continue
        hisp = float(np.clip(0.35 + 0.5 * hv + rng.normal(0, 0.05), 0, 0.98))
        white = float(np.clip((1 - hisp) * 0.6, 0, 1))
        rest = 1 - hisp - white
        criteria = int(max(0, round(6 * z - 2))) if own else 0
        out.append([tract, f"{region.county_names[tract[:5]]} County", region.state.name,
                    round(rest * 0.25, 2), round(rest * 0.05, 2), round(rest * 0.5, 2), 0.0,
                    round(rest * 0.2, 2), round(white, 2), round(hisp, 2), 0.0, 0.16, 0.71, 0.13,
                    criteria, min(criteria, 3), str(own), str(neighbours), "False", str(dac),
                    1.0 if dac else 0.0, round(float(np.clip(z, 0, 1)), 2), int(people),
                    str(low_income)])
    return out


def build(region: Region, dirs: DataDirs, universe: Universe) -> list[Path]:
    (rf,) = cejst.remote_files(region, dirs)
    _name, m = cejst.mirror(region)
    header = PIPELINE_COLUMNS if m.layout == cejst.LAYOUT_PIPELINE else OFFICIAL_COLUMNS
    text = io.StringIO()
    w = csv.writer(text, lineterminator="\n")
    w.writerow(header)
    w.writerows(rows(region, universe.seed, m.layout))
    rf.dest.parent.mkdir(parents=True, exist_ok=True)
    rf.dest.write_text(text.getvalue(), encoding="utf-8")
    download.record_sample(download.RemoteFile(
        url=rf.url, dest=rf.dest, source=rf.source, kind=rf.kind,
        vintage=rf.vintage + " (synthetic: invented 2010 tracts of the region's counties)"))
    return [rf.dest]
