"""The sample's synthetic 2010 census tracts: how they relate to the sample's invented 2020
tracts, and the invented hardship behind every tract-level sample file.

The sample's 2020 tracts (:mod:`assessment.sample.tracts`) are Voronoi cells of real county
outlines; their 2010 predecessors are invented here from them, county by county, in three
patterns the Census Bureau's relationship file shows:

* most 2020 tracts are a 2010 tract unchanged (one piece, the whole tract);
* a **split**: two consecutive 2020 tracts (positions 2 and 3 of every six) were one 2010 tract,
  which keeps the first one's code;
* a **straddle**: a 2020 tract (position 5 of every six) takes 60 percent of its land from one
  2010 tract and 40 percent from the next, which also holds all of the following 2020 tract.

Land areas are the sample tracts' own ``ALAND``; there is no water. Each 2010 tract gets a
seeded *hardship* between 0 and 1, higher in the counties the real screening tools mark most;
the two 2010 tracts of a straddle are made to differ, the high one holding the 2020 tract's
majority in every other straddle. A 2020 tract's hardship is the land-weighted mean of its
pieces'. The CalEnviroScreen, SB 535 and CEJST sample files are drawn from the 2010
hardship, the ACS tract tables and LODES residence files from the 2020 one, so the sample's
disadvantaged tracts differ from the rest as one would expect. Every figure is invented; none
describes a real tract.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from assessment.region import Region
from assessment.sample.tracts import tract_codes, tract_frame

STRADDLE_SHARE = 0.6
# Mean hardship by county (scale only: where the real screening tools mark most tracts).
COUNTY_HARDSHIP = {"06019": 0.58, "06029": 0.55, "06031": 0.52, "06039": 0.5, "06047": 0.56,
                   "06077": 0.47, "06099": 0.48, "06107": 0.6}
DEFAULT_HARDSHIP = 0.45


_LAND: dict[tuple, dict[str, int]] = {}


def land_2020(region: Region, seed: int) -> dict[str, int]:
    """ALAND of every sample 2020 tract (square metres), as the sample tract file has it."""
    key = (region.slug, seed, tuple(region.county_fips))
    if key not in _LAND:
        frame = tract_frame(region, seed)
        _LAND[key] = dict(zip(frame["GEOID"], frame["ALAND"].astype(int), strict=True))
    return _LAND[key]


def pieces(region: Region, seed: int) -> pd.DataFrame:
    """``tract_2020, tract_2010, arealand_part``: the relationship file's pieces."""
    land = land_2020(region, seed)
    rows = []
    for codes in tract_codes(region).values():
        i, n = 0, len(codes)
        while i < n:
            pos = (i + 1) % 6
            a = land[codes[i]]
            if pos == 2 and i + 1 < n:  # split: one 2010 tract became two 2020 tracts
                rows += [(codes[i], codes[i], a), (codes[i + 1], codes[i], land[codes[i + 1]])]
                i += 2
            elif pos == 5 and i + 1 < n:  # straddle
                first = int(round(a * STRADDLE_SHARE))
                rows += [(codes[i], codes[i], first), (codes[i], codes[i + 1], a - first),
                         (codes[i + 1], codes[i + 1], land[codes[i + 1]])]
                i += 2
            else:
                rows.append((codes[i], codes[i], a))
                i += 1
    return pd.DataFrame(rows, columns=["tract_2020", "tract_2010", "arealand_part"])


def hardship_2010(region: Region, seed: int) -> pd.Series:
    """Invented hardship (0-1) of each sample 2010 tract. Straddling pairs are made to differ
    (one high, one low) so the sample holds 2020 tracts split between a disadvantaged and an
    ordinary 2010 tract."""
    p = pieces(region, seed)
    codes = sorted(p["tract_2010"].unique())
    rng = np.random.default_rng(seed + 71)
    h = {}
    for code in codes:
        mean = COUNTY_HARDSHIP.get(code[:5], DEFAULT_HARDSHIP)
        h[code] = float(np.clip(rng.beta(2.2, 2.2) * 0.9 + (mean - 0.45), 0.02, 0.98))
    straddles = p.groupby("tract_2020")["tract_2010"].nunique()
    for k, t20 in enumerate(straddles.index[straddles > 1]):
        a, b = sorted(p.loc[p["tract_2020"] == t20, "tract_2010"])
        if k % 2:  # the majority piece ordinary, the minority one disadvantaged
            a, b = b, a
        h[a], h[b] = max(h[a], 0.85), min(h[b], 0.2)
    return pd.Series(h, name="hardship").rename_axis("tract_2010")


def hardship_2020(region: Region, seed: int) -> pd.Series:
    """Each 2020 tract's hardship: the land-weighted mean of its 2010 pieces'."""
    p = pieces(region, seed)
    h = hardship_2010(region, seed)
    p = p.assign(h=p["tract_2010"].map(h), w=p["arealand_part"].astype(float))
    g = p.groupby("tract_2020")
    return ((g.apply(lambda d: float((d["h"] * d["w"]).sum() / d["w"].sum()),
                     include_groups=False))
            .rename("hardship").rename_axis("tract"))


def population_2020(region: Region, seed: int, county_population: dict[str, int],
                    default: int) -> pd.Series:
    """Invented residents per 2020 tract, adding up to each county's sample population."""
    rng = np.random.default_rng(seed + 73)
    out = {}
    for county, codes in tract_codes(region).items():
        w = rng.lognormal(0.0, 0.35, len(codes))
        total = county_population.get(county, default)
        counts = np.round(total * w / w.sum()).astype(int)
        out.update(zip(codes, counts, strict=True))
    return pd.Series(out, name="population").rename_axis("tract")


def population_2010(region: Region, seed: int, county_population: dict[str, int],
                    default: int) -> pd.Series:
    """Residents per 2010 tract: each 2020 tract's residents given to its pieces by land."""
    p = pieces(region, seed)
    pop = population_2020(region, seed, county_population, default)
    land = p.groupby("tract_2020")["arealand_part"].transform("sum")
    p = p.assign(n=p["tract_2020"].map(pop) * p["arealand_part"] / land)
    return p.groupby("tract_2010")["n"].sum().round().rename("population")
