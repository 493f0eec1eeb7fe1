"""Synthetic QWI API responses (JSON arrays, the API's layout) for the sample bundle.

One body per endpoint (sa, se, rh) and analysis year, at the paths
:func:`assessment.sources.qwi.remote_files` names, holding the region's counties only (the real
call returns every county of the state). Beginning-of-quarter employment (``Emp``) follows the
universe's QCEW manufacturing employment with the Valley's food-processing season (a third-quarter
peak); hires, separations, turnover and earnings follow plausible rates by quarter, age, sex,
education and race. The LEHD status flags are used as the agency uses them: cells under 15 jobs
are suppressed (flag 5, value null), a few values are released distorted (flag 9), and the last
quarter of the last year lacks the measures that need the following quarter (flag -1). No
figure is a real statistic.
"""

from __future__ import annotations

import json
from itertools import product
from pathlib import Path

import numpy as np

from assessment import download
from assessment.paths import DataDirs
from assessment.region import Region
from assessment.sample.universe import Universe
from assessment.sources import qwi

SEASON = {1: 0.95, 2: 0.98, 3: 1.07, 4: 1.00}
HIRE_RATE = {1: 0.11, 2: 0.15, 3: 0.22, 4: 0.10}
SEP_RATE = {1: 0.14, 2: 0.11, 3: 0.13, 4: 0.20}
TURNOVER = {1: 0.075, 2: 0.07, 3: 0.09, 4: 0.10}
NEEDS_NEXT_QUARTER = {"Sep", "TurnOvrS", "EarnS", "EarnHirAS"}
SMALL_CELL = 15
# Share of employment, hire-rate factor and earnings factor by dimension value ("all" = 1).
SHARE = {
    "sex": {"1": 0.68, "2": 0.32},
    "agegrp": {"A01": 0.02, "A02": 0.05, "A03": 0.07, "A04": 0.22, "A05": 0.22, "A06": 0.21,
               "A07": 0.16, "A08": 0.05},
    "education": {"E1": 0.22, "E2": 0.27, "E3": 0.25, "E4": 0.14, "E5": 0.12},
    "race": {"A1": 0.78, "A2": 0.04, "A3": 0.02, "A4": 0.12, "A5": 0.004, "A7": 0.036},
    "ethnicity": {"A1": 0.45, "A2": 0.55},
}
HIRING = {"agegrp": {"A01": 2.2, "A02": 1.9, "A03": 1.5, "A04": 1.1, "A05": 0.9, "A06": 0.7,
                     "A07": 0.6, "A08": 0.7},
          "education": {"E5": 1.8}}
EARNING = {"sex": {"1": 1.08, "2": 0.84},
           "agegrp": {"A01": 0.35, "A02": 0.55, "A03": 0.7, "A04": 0.9, "A05": 1.05,
                      "A06": 1.12, "A07": 1.1, "A08": 0.95},
           "education": {"E1": 0.8, "E2": 0.9, "E3": 1.0, "E4": 1.45, "E5": 0.6}}


def _factor(table: dict, cell: dict[str, str]) -> float:
    f = 1.0
    for dim, code in cell.items():
        f *= table.get(dim, {}).get(code, 1.0)
    return f


def records(region: Region, universe: Universe, endpoint: str, year: int) -> list[list]:
    """The API's header row and records for one endpoint and year."""
    rng = np.random.default_rng(universe.seed + 53 + year * 10 + list(qwi.DIMENSIONS).index(
        endpoint))
    emp = universe.employment
    dims = qwi.DIMENSIONS[endpoint]
    header = [c for m in qwi.MEASURES for c in (m, f"s{m}")]
    header += ["year", "quarter", *dims, "industry", "ownercode", "seasonadj", "state", "county"]
    last = (year == region.years.end)
    rows = [header]
    for county in region.county_fips:
        annual = emp[(emp.area == county) & (emp.year == year) & (emp.industry == "31-33")]
        mfg, pay = float(annual["employment"].iloc[0]), float(annual["avg_annual_pay"].iloc[0])
        for quarter in (1, 2, 3, 4):
            total = mfg * SEASON[quarter] * rng.normal(1, 0.01)
            for values in product(*dims.values()):
                cell = dict(zip(dims, values, strict=True))
                share = np.prod([SHARE[d].get(v, 1.0) for d, v in cell.items()])
                e = total * share * rng.normal(1, 0.03)
                hires = e * HIRE_RATE[quarter] * _factor(HIRING, cell) * rng.normal(1, 0.05)
                seps = e * SEP_RATE[quarter] * _factor(HIRING, cell) * rng.normal(1, 0.05)
                earn = pay / 12 * _factor(EARNING, cell) * rng.normal(1, 0.03)
                measures = {
                    "Emp": str(round(e)), "HirA": str(round(hires)), "Sep": str(round(seps)),
                    "TurnOvrS": f"{TURNOVER[quarter] * _factor(HIRING, cell)**0.5:.4f}",
                    "EarnS": str(round(earn)), "EarnHirAS": str(round(earn * 0.72)),
                }
                row: list = []
                distorted = rng.random() < 0.03
                for m in qwi.MEASURES:
                    if e < SMALL_CELL:
                        row += [None, "5"]
                    elif last and quarter == 4 and m in NEEDS_NEXT_QUARTER:
                        row += [None, "-1"]
                    else:
                        row += [measures[m], "9" if distorted else "1"]
                row += [str(year), str(quarter), *values, qwi.INDUSTRY, qwi.OWNER_PRIVATE,
                        qwi.SEASONADJ, county[:2], county[2:]]
                rows.append(row)
    return rows


def to_json_text(rows: list[list]) -> str:
    """The API's formatting: one record per line, no spaces."""
    return "[" + ",\n".join(json.dumps(r, separators=(",", ":"), ensure_ascii=False)
                            for r in rows) + "]"


def build(region: Region, dirs: DataDirs, universe: Universe) -> list[Path]:
    written = []
    for rf in qwi.remote_files(region, dirs):
        endpoint, year = rf.dest.parts[-3], int(rf.dest.parts[-2])
        rf.dest.parent.mkdir(parents=True, exist_ok=True)
        rf.dest.write_text(to_json_text(records(region, universe, endpoint, year)),
                           encoding="utf-8")
        sample_rf = download.RemoteFile(
            url=rf.url, dest=rf.dest, source=rf.source, kind=rf.kind, params=rf.params,
            vintage=f"{rf.vintage} (synthetic: the region's counties only)")
        download.record_sample(sample_rf)
        written.append(rf.dest)
    return written
