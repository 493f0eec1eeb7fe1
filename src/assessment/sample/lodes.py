"""Synthetic LODES 8 WAC and RAC files (gzip CSV, the official column order) for the sample.

Blocks sit in the sample's synthetic tracts (:func:`assessment.sample.tracts.tract_codes`), a
few per tract, the same blocks every year. Each county's jobs follow the sample universe: all
jobs (``C000``) near QCEW private employment grossed up for government
(:data:`assessment.sample.qcew.GOVERNMENT_SHARE`), manufacturing jobs (``CNS05``) within a few
percent of QCEW manufacturing employment (LODES counts jobs, not average employment), gathered in
a minority of blocks as industrial land is. Every characteristic's categories add up to
``C000`` block by block, and education to the jobs of workers aged 30 or older, as LODES's do.
LODES publishes no suppression, so neither does the sample. No figure is a real statistic.

The RAC file (latest year) counts jobs by the block where the workers live: the same blocks,
``h_geocode`` first and no firm columns, as LODES's RAC layout has. Residents' jobs are a
little fewer than the county's jobs (some commute in), spread over blocks by the sample
tracts' invented residents, and manufacturing workers lean towards tracts of higher invented
hardship (:mod:`assessment.sample.tracts2010`), as production workers' homes do.
"""

from __future__ import annotations

import gzip
from pathlib import Path

import numpy as np
import pandas as pd

from assessment import download
from assessment.paths import DataDirs
from assessment.region import Region
from assessment.sample.qcew import GOVERNMENT_SHARE
from assessment.sample.tracts import tract_codes
from assessment.sample.universe import Universe
from assessment.sources import lodes

RAC_COMMUTE_IN = 0.06  # share of a county's jobs held by people living elsewhere
HEADER = ["w_geocode", "C000", "CA01", "CA02", "CA03", "CE01", "CE02", "CE03",
          *lodes.SECTORS, "CR01", "CR02", "CR03", "CR04", "CR05", "CR07", "CT01", "CT02",
          "CD01", "CD02", "CD03", "CD04", "CS01", "CS02",
          *[f"CFA{i:02d}" for i in range(1, 6)], *[f"CFS{i:02d}" for i in range(1, 6)],
          "createdate"]
CREATEDATE = "20250321"

# Shares of the Valley's non-manufacturing jobs by NAICS sector (CNS01-CNS20 without CNS05).
_SECTOR_SHARE = {
    "CNS01": 12, "CNS02": 0.5, "CNS03": 0.5, "CNS04": 6, "CNS06": 4.5, "CNS07": 11,
    "CNS08": 7, "CNS09": 0.8, "CNS10": 2.5, "CNS11": 1.2, "CNS12": 3.5, "CNS13": 1,
    "CNS14": 6, "CNS15": 10, "CNS16": 17, "CNS17": 1, "CNS18": 8, "CNS19": 2.5, "CNS20": 5,
}  # fmt: skip
_MIX = {
    "age": (["CA01", "CA02", "CA03"], [24, 54, 22]),
    "earnings": (["CE01", "CE02", "CE03"], [20, 33, 47]),
    "race": (["CR01", "CR02", "CR03", "CR04", "CR05", "CR07"], [80, 4, 1.5, 9, 0.4, 5.1]),
    "ethnicity": (["CT01", "CT02"], [50, 50]),
    "sex": (["CS01", "CS02"], [52, 48]),
}
_EDUCATION = (["CD01", "CD02", "CD03", "CD04"], [20, 25, 29, 26])
_FIRM_AGE = [4, 6, 7, 10, 73]
_FIRM_SIZE = [14, 10, 11, 9, 56]


def _split(rng: np.random.Generator, totals: np.ndarray, shares, tilt: float = 0.1
           ) -> np.ndarray:
    """Each total split over categories (rows sum exactly), shares tilted per county."""
    p = np.asarray(shares, dtype=float) * rng.lognormal(0.0, tilt, len(shares))
    return rng.multinomial(totals.astype(np.int64), p / p.sum())


def blocks_for(region: Region, seed: int) -> dict[str, list[str]]:
    """County -> the sample's 15-digit block codes (fixed across years)."""
    rng = np.random.default_rng(seed + 41)
    out: dict[str, list[str]] = {}
    for county, tracts in tract_codes(region).items():
        out[county] = [f"{t}{1000 + j}" for t in tracts for j in range(rng.integers(2, 8))]
    return out


def county_frame(universe: Universe, county: str, year: int, blocks: list[str],
                 rng: np.random.Generator) -> pd.DataFrame:
    emp = universe.employment
    here = emp[(emp.area == county) & (emp.year == year)].set_index("industry")["employment"]
    all_jobs = round(here["10"] / (1 - GOVERNMENT_SHARE) * rng.normal(1, 0.01))
    mfg = round(here["31-33"] * rng.normal(1, 0.03))
    n = len(blocks)
    # Structure fixed per county (seeded by the block list), jobs drawn per year.
    layout = np.random.default_rng(universe.seed + int(county))
    general = layout.lognormal(0.0, 1.0, n)
    industrial = np.where(layout.random(n) < 0.3, layout.lognormal(0.0, 1.2, n), 0.0)
    if not industrial.any():
        industrial[0] = 1.0
    cns05 = rng.multinomial(mfg, industrial / industrial.sum())
    other = rng.multinomial(all_jobs - mfg, general / general.sum())
    c000 = cns05 + other
    cols: dict[str, np.ndarray] = {"C000": c000}
    sectors = [s for s in lodes.SECTORS if s != lodes.MANUFACTURING]
    other_split = _split(rng, other, [_SECTOR_SHARE[s] for s in sectors])
    for i, s in enumerate(sectors):
        cols[s] = other_split[:, i]
    cols[lodes.MANUFACTURING] = cns05
    for names, shares in _MIX.values():
        split = _split(rng, c000, shares)
        for i, name in enumerate(names):
            cols[name] = split[:, i]
    over_30 = cols["CA02"] + cols["CA03"]
    edu = _split(rng, over_30, _EDUCATION[1])
    for i, name in enumerate(_EDUCATION[0]):
        cols[name] = edu[:, i]
    private = c000 - cols["CNS20"]
    for prefix, shares in (("CFA", _FIRM_AGE), ("CFS", _FIRM_SIZE)):
        split = _split(rng, private, shares)
        for i in range(5):
            cols[f"{prefix}{i + 1:02d}"] = split[:, i]
    frame = pd.DataFrame(cols)
    frame.insert(0, "w_geocode", blocks)
    frame["createdate"] = CREATEDATE
    frame = frame[frame["C000"] > 0]  # WAC lists only blocks with jobs
    return frame[HEADER]


RAC_HEADER = ["h_geocode", *[c for c in HEADER[1:] if not c.startswith(("CFA", "CFS"))]]


def rac_frame(region: Region, universe: Universe, year: int) -> pd.DataFrame:
    """Jobs by home block: each county's WAC jobs less those held by in-commuters, spread by
    residents, manufacturing workers tilted towards higher-hardship tracts."""
    from assessment.sample.acs import DEFAULT_POPULATION, POPULATION
    from assessment.sample.tracts2010 import hardship_2020, population_2020

    rng = np.random.default_rng(universe.seed + 47 + year)
    wac = wac_frame(region, universe, year)
    blocks = blocks_for(region, universe.seed)
    pop = population_2020(region, universe.seed, POPULATION, DEFAULT_POPULATION)
    hard = hardship_2020(region, universe.seed)
    frames = []
    for county in region.county_fips:
        here = wac[wac["w_geocode"].str[:5] == county]
        all_jobs = int(round(here["C000"].sum() * (1 - RAC_COMMUTE_IN)))
        mfg = int(round(here[lodes.MANUFACTURING].sum() * (1 - RAC_COMMUTE_IN)))
        codes = blocks[county]
        tract = [b[:11] for b in codes]
        per_tract = pd.Series(tract).value_counts()
        people = np.array([pop[t] / per_tract[t] for t in tract], dtype=float)
        tilt = np.array([0.4 + 1.6 * hard[t] for t in tract])
        cns05 = rng.multinomial(mfg, people * tilt / (people * tilt).sum())
        other = rng.multinomial(all_jobs - mfg, people / people.sum())
        c000 = cns05 + other
        cols: dict[str, np.ndarray] = {"C000": c000}
        sectors = [x for x in lodes.SECTORS if x != lodes.MANUFACTURING]
        split = _split(rng, other, [_SECTOR_SHARE[x] for x in sectors])
        for i, x in enumerate(sectors):
            cols[x] = split[:, i]
        cols[lodes.MANUFACTURING] = cns05
        for names, shares in _MIX.values():
            part = _split(rng, c000, shares)
            for i, name in enumerate(names):
                cols[name] = part[:, i]
        edu = _split(rng, cols["CA02"] + cols["CA03"], _EDUCATION[1])
        for i, name in enumerate(_EDUCATION[0]):
            cols[name] = edu[:, i]
        frame = pd.DataFrame(cols)
        frame.insert(0, "h_geocode", codes)
        frame["createdate"] = CREATEDATE
        frames.append(frame[frame["C000"] > 0][RAC_HEADER])
    return pd.concat(frames, ignore_index=True).sort_values("h_geocode", ignore_index=True)


def wac_frame(region: Region, universe: Universe, year: int) -> pd.DataFrame:
    rng = np.random.default_rng(universe.seed + 43 + year)
    blocks = blocks_for(region, universe.seed)
    frames = [county_frame(universe, county, year, blocks[county], rng)
              for county in region.county_fips]
    return pd.concat(frames, ignore_index=True).sort_values("w_geocode", ignore_index=True)


def to_gzip_csv(frame: pd.DataFrame) -> bytes:
    text = frame.to_csv(index=False, lineterminator="\n")
    return gzip.compress(text.encode("utf-8"), mtime=0)


def build(region: Region, dirs: DataDirs, universe: Universe) -> list[Path]:
    written = []
    for rf, year in zip(lodes.wac_files(region, dirs), lodes.years(region), strict=True):
        rf.dest.parent.mkdir(parents=True, exist_ok=True)
        rf.dest.write_bytes(to_gzip_csv(wac_frame(region, universe, year)))
        sample_rf = download.RemoteFile(
            url=rf.url, dest=rf.dest, source=rf.source, kind=rf.kind,
            vintage=f"{rf.vintage} (synthetic: the region's counties only, synthetic blocks)")
        download.record_sample(sample_rf)
        written.append(rf.dest)
    (rf,) = lodes.rac_files(region, dirs)
    rf.dest.parent.mkdir(parents=True, exist_ok=True)
    rf.dest.write_bytes(to_gzip_csv(rac_frame(region, universe, lodes.years(region)[-1])))
    download.record_sample(download.RemoteFile(
        url=rf.url, dest=rf.dest, source=rf.source, kind=rf.kind,
        vintage=f"{rf.vintage} (synthetic: the region's counties only, synthetic blocks)"))
    written.append(rf.dest)
    return written
