"""The synthetic truth behind the sample bundle.

Every sample file (QCEW, and later OEWS, LAUS, surveys...) is written from this one seeded model
so the sources agree with each other the way real ones do: same counties, same years, plausible
magnitudes. The San Joaquin Valley's counties are set near their published scale (EDD CES
manufacturing employment, 2023-24); any other county is scaled by its population (the bundled
Census Vintage 2024 table, ``lookups/counties.csv``) with national ratios of private and
manufacturing jobs to residents, and its subsectors follow the national mix; a state other than
California is scaled by its counties' population the same way. Every figure is then perturbed;
no figure in the sample is a real statistic.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import numpy as np
import pandas as pd

from assessment import regionfile
from assessment.constants import MANUFACTURING_SUBSECTORS
from assessment.region import Region

SEED = 20261123

# Approximate private-sector and manufacturing employment around 2023 (scale only).
_SCALE = {
    "06019": (330_000, 27_000),  # Fresno
    "06029": (250_000, 12_500),  # Kern
    "06031": (30_000, 5_000),  # Kings
    "06039": (36_000, 3_400),  # Madera
    "06047": (62_000, 10_800),  # Merced
    "06077": (240_000, 24_000),  # San Joaquin
    "06099": (165_000, 25_000),  # Stanislaus
    "06107": (118_000, 13_800),  # Tulare
}
STATE_SCALE = (15_200_000, 1_320_000)  # California
# Outside the Valley: private jobs per resident and manufacturing's share of private jobs, near
# the national ratios (about 131 million private jobs for 335 million residents, 12.8 million of
# them in manufacturing, 2023).
PRIVATE_PER_RESIDENT = 0.39
MFG_SHARE = 0.098
NATION_SCALE = (131_000_000, 12_800_000)

# Relative weight of each 3-digit subsector in a Valley county (food processing dominates).
_VALLEY_MIX = {
    "311": 40, "312": 6, "313": 0.4, "314": 0.6, "315": 0.3, "316": 0.1, "321": 2.5, "322": 4,
    "323": 2.5, "324": 1.5, "325": 4, "326": 5, "327": 5, "331": 1.5, "332": 9, "333": 6,
    "334": 1.5, "335": 1.5, "336": 3, "337": 2.5, "339": 3,
}  # fmt: skip
_STATE_MIX = {
    "311": 13, "312": 4, "313": 0.8, "314": 0.8, "315": 2, "316": 0.3, "321": 2, "322": 2,
    "323": 3, "324": 1, "325": 7, "326": 4, "327": 3, "331": 2, "332": 10, "333": 7,
    "334": 20, "335": 3, "336": 9, "337": 2.5, "339": 8,
}  # fmt: skip
_NATION_MIX = {
    "311": 14, "312": 3, "313": 0.8, "314": 0.9, "315": 0.7, "316": 0.2, "321": 3.3, "322": 2.8,
    "323": 3.3, "324": 0.9, "325": 7, "326": 6, "327": 3.5, "331": 3.1, "332": 11.5, "333": 9,
    "334": 8.2, "335": 3.2, "336": 13, "337": 2.8, "339": 5,
}  # fmt: skip
# Mean establishment size by subsector (employees), for establishment counts.
_ESTAB_SIZE = {
    "311": 60, "312": 25, "313": 30, "314": 12, "315": 10, "316": 15, "321": 25, "322": 70,
    "323": 12, "324": 60, "325": 40, "326": 55, "327": 25, "331": 70, "332": 20, "333": 30,
    "334": 45, "335": 45, "336": 90, "337": 15, "339": 12,
}  # fmt: skip
# Mean annual pay (2023 dollars) by subsector, before area and noise adjustments.
_PAY = {
    "311": 52_000, "312": 68_000, "313": 48_000, "314": 42_000, "315": 40_000, "316": 45_000,
    "321": 55_000, "322": 72_000, "323": 50_000, "324": 125_000, "325": 95_000, "326": 60_000,
    "327": 70_000, "331": 78_000, "332": 64_000, "333": 80_000, "334": 140_000, "335": 82_000,
    "336": 90_000, "337": 48_000, "339": 68_000,
}  # fmt: skip


def _population(fips: str) -> int:
    row = regionfile.counties_table().get(fips)
    if row is None:
        raise KeyError(f"county {fips} is not in the bundled county table (lookups/counties.csv)")
    return int(row["population"])


def _by_population(population: int) -> tuple[int, int]:
    """(private, manufacturing) jobs for an area of ``population`` residents."""
    private = round(population * PRIVATE_PER_RESIDENT)
    return private, round(private * MFG_SHARE)


@dataclass(frozen=True)
class Universe:
    """Seeded synthetic employment by area x year x industry (private ownership)."""

    region: Region
    seed: int = SEED

    @cached_property
    def areas(self) -> dict[str, tuple[str, tuple[int, int], dict[str, float]]]:
        """area code -> (kind, (private, manufacturing) scale, subsector mix)."""
        out: dict[str, tuple[str, tuple[int, int], dict[str, float]]] = {}
        for c in self.region.counties:
            if c.fips in _SCALE:
                out[c.fips] = ("county", _SCALE[c.fips], _VALLEY_MIX)
            else:
                out[c.fips] = ("county", _by_population(_population(c.fips)), _NATION_MIX)
        state = (STATE_SCALE if self.region.in_california else _by_population(
            sum(pop for _n, pop in regionfile.state_counties(self.region.state.fips).values())))
        out[self.region.benchmarks.state.qcew] = ("state", state, _STATE_MIX)
        out[self.region.benchmarks.nation.qcew] = ("nation", NATION_SCALE, _NATION_MIX)
        return out

    @cached_property
    def employment(self) -> pd.DataFrame:
        """Tidy: area, year, industry ('10' private total, '31-33', subsectors), employment,
        estabs, avg_annual_pay. Subsectors sum exactly to the sector."""
        rng = np.random.default_rng(self.seed)
        years = self.region.years.span
        rows = []
        for area, (kind, (_private, mfg), mix) in self.areas.items():
            # County-specific tilt of the subsector mix, fixed over time.
            weights = np.array([mix[s] for s in MANUFACTURING_SUBSECTORS], dtype=float)
            if kind == "county":
                weights = weights * rng.lognormal(0.0, 0.6, len(weights))
            weights /= weights.sum()
            sub_growth = rng.normal(0.004, 0.02, len(weights))
            pay_level = {"county": 0.9, "state": 1.15, "nation": 1.0}[kind]
            anchor = 2023
            for year in years:
                t = year - anchor
                cycle = -0.06 if year == 2020 else (-0.02 if year == 2021 else 0.0)
                sub = mfg * weights * (1 + sub_growth) ** t * (1 + cycle / 2)
                sub = np.maximum(np.round(sub * rng.normal(1, 0.01, len(sub))), 0)
                inflation = 1.035**t
                for code, emp in zip(MANUFACTURING_SUBSECTORS, sub, strict=True):
                    estabs = max(int(round(emp / _ESTAB_SIZE[code] * rng.uniform(0.7, 1.3))),
                                 1 if emp > 0 else 0)
                    pay = _PAY[code] * pay_level * inflation * rng.normal(1, 0.05)
                    rows.append((area, kind, year, code, emp, estabs, round(pay)))
        df = pd.DataFrame(rows, columns=["area", "kind", "year", "industry", "employment",
                                         "estabs", "avg_annual_pay"])
        wages = df.assign(total_wages=df.employment * df.avg_annual_pay)
        sector = (wages.groupby(["area", "kind", "year"], as_index=False)
                  [["employment", "estabs", "total_wages"]].sum())
        sector["industry"] = "31-33"
        sector["avg_annual_pay"] = (sector.total_wages / sector.employment).round()
        totals = []
        rng2 = np.random.default_rng(self.seed + 1)
        for area, (kind, (private, _mfg), _mix) in self.areas.items():
            g = rng2.normal(0.012, 0.006)
            for year in years:
                t = year - 2023
                cycle = -0.06 if year == 2020 else (-0.02 if year == 2021 else 0.0)
                emp = round(private * (1 + g) ** t * (1 + cycle))
                pay = 58_000 * (1.035**t) * {"county": 0.85, "state": 1.2, "nation": 1.0}[kind]
                totals.append((area, kind, year, "10", emp, round(emp / 11), round(pay)))
        total = pd.DataFrame(totals, columns=["area", "kind", "year", "industry", "employment",
                                              "estabs", "avg_annual_pay"])
        total["total_wages"] = total.employment * total.avg_annual_pay
        out = pd.concat([total, sector, wages], ignore_index=True)
        out["employment"] = out["employment"].astype("int64")
        out["estabs"] = out["estabs"].astype("int64")
        out["avg_annual_pay"] = out["avg_annual_pay"].astype("int64")
        out["total_wages"] = out["total_wages"].round().astype("int64")
        return out.sort_values(["area", "year", "industry"], ignore_index=True)
