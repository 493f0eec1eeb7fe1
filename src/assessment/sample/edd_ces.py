"""Synthetic EDD industry employment workbooks (``{area}$hws.xls`` layout), one per area.

Each file has EDD's header row (``SORTORDER, BMYEAR, AREA, INCLUDES, BREAKS, PNCO, SS-NAICS,
TITLE`` and one date-formatted month column per month of the analysis years) and EDD's lines
and codes: the labor force block (``00-000010`` to ``00-000040``, the rate as a fraction) and
a dozen industry lines down to ``32-311000`` Food Manufacturing, titles indented as EDD
indents them, values rounded to hundreds.

Magnitudes come from the sample universe: manufacturing and its durable / non-durable / food
lines average, over each year, to that year's sample QCEW employment in the metro area's
counties (summed where a metro area has several), with food processing's summer peak; total
private is the sample's private employment; labor force and unemployment follow the sample LAUS
figures. Hanford-Corcoran's food-manufacturing line starts in 2021 (blank before), as EDD lines
do when a series is first published.

The workbooks are written as Office Open XML (the only spreadsheet writer this project
depends on writes ``.xlsx``) under EDD's ``.xls`` file name; the reader goes by content.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
import xlsxwriter

from assessment import download
from assessment.paths import DataDirs
from assessment.region import Region
from assessment.sample import laus as laus_sample
from assessment.sample.universe import Universe
from assessment.sources import edd_ces

DURABLE = ("321", "327", "331", "332", "333", "334", "335", "336", "337", "339")
FOOD = "311"
# Seasonal factor by month for food processing (harvest-season canning and packing).
_FOOD_SEASON = np.array([0.86, 0.84, 0.86, 0.90, 0.96, 1.04, 1.14, 1.20, 1.18, 1.08, 0.98,
                         0.96])
_FARM_SEASON = np.array([0.80, 0.80, 0.85, 0.95, 1.05, 1.15, 1.20, 1.20, 1.15, 1.05, 0.95,
                         0.85])
_UNEMPLOYMENT_SEASON = np.array([1.15, 1.12, 1.08, 1.00, 0.95, 0.98, 1.00, 0.96, 0.92, 0.90,
                                 0.94, 1.00])
LATE_SERIES = ("HANF", "32-311000", 2021)  # area, series, first year published

# (sort order, code, title as EDD indents it, NAICS codes included)
LINES = [
    (1, edd_ces.LABOR_FORCE, "Civilian Labor Force", ""),
    (2, edd_ces.CIVILIAN_EMPLOYMENT, "  Civilian Employment", ""),
    (3, edd_ces.CIVILIAN_UNEMPLOYMENT, "  Civilian Unemployment", ""),
    (4, edd_ces.UNEMPLOYMENT_RATE, "Civilian Unemployment Rate", ""),
    (8, "01-000000", "Total, All Industries", "110000-813000, 920000"),
    (9, "11-000000", "  Total Farm", "111000-113200, 114000-115000"),
    (10, edd_ces.TOTAL_NONFARM, "  Total Nonfarm", "113000, 210000-813000, 92000"),
    (11, "05-000000", "    Total Private", "113000, 210000-813000"),
    (12, "06-000000", "    Goods Producing", ""),
    (13, "15-000000", "      Mining, Logging, and Construction", "10000000, 20000000"),
    (17, edd_ces.MANUFACTURING, "      Manufacturing", "210000-330000"),
    (18, "31-000000", "        Durable Goods", "321000, 327000-330000"),
    (19, "32-000000", "        Non-Durable Goods", "311000-316000, 322000-326000"),
    (20, "32-311000", "          Food Manufacturing", ""),
    (22, "07-000000", "    Service-Providing", "220000, 420000-813000, 92000"),
    (59, "90-000000", "      Government", "910000, 920000, 930000, 940000"),
]


def months(region: Region) -> list[dt.datetime]:
    return [dt.datetime(y, m, 1) for y in region.years.span for m in range(1, 13)]


def _hundreds(x: np.ndarray) -> np.ndarray:
    return np.round(np.asarray(x, dtype=float) / 100) * 100


def _labor_force(region: Region, universe: Universe, area: str | list[str]
                 ) -> dict[int, tuple[int, int]]:
    """Year -> (labor force, unemployed), annual averages from the sample LAUS (summed over a
    metro area's counties)."""
    out = {}
    counties = [area] if isinstance(area, str) else list(area)
    if all(c in region.county_fips for c in counties):
        for year in region.years.span:
            rows = [(lf, unemp) for fips, _t, lf, _e, unemp, _r
                    in laus_sample.county_rows(region, universe, year) if fips in counties]
            out[year] = (sum(r[0] for r in rows), sum(r[1] for r in rows))
        return out
    answer = laus_sample.api_response(region, universe)
    values: dict[tuple[str, int], int] = {}
    for s in answer["Results"]["series"]:
        if s["seriesID"].startswith("LAUST"):
            for obs in s["data"]:
                values[(s["seriesID"][-2:], int(obs["year"]))] = float(obs["value"])
    for year in region.years.span:
        out[year] = (int(values[("06", year)]), int(values[("04", year)]))
    return out


def series(region: Region, universe: Universe, area: str | list[str], edd_area: str
           ) -> dict[str, np.ndarray]:
    """Series code -> monthly values (NaN where not published). ``area``: the state benchmark,
    or the counties of one metro area."""
    u = universe.employment
    years = region.years.span
    rng = np.random.default_rng(universe.seed + sum(map(ord, edd_area)))
    members = [area] if isinstance(area, str) else list(area)
    cur = u[u.area.isin(members)].groupby(["year", "industry"]).employment.sum()
    lf_key = area
    area = members[0]
    n = 12 * len(years)
    out: dict[str, np.ndarray] = {}
    food, durable, other_nd, private, farm, mlc, gov = ([] for _ in range(7))
    kind = universe.areas[area][0]
    farm_share = 0.12 if kind == "county" else 0.025
    for year in years:
        subs = {code: float(cur[(year, code)]) for code in universe.areas[area][2]}
        f = subs[FOOD]
        d = sum(subs[c] for c in DURABLE)
        o = sum(v for c, v in subs.items() if c not in DURABLE and c != FOOD)
        noise = rng.normal(1, 0.01, 12)
        food += list(f * _FOOD_SEASON / _FOOD_SEASON.mean() * noise)
        durable += list(d * rng.normal(1, 0.008, 12))
        other_nd += list(o * rng.normal(1, 0.008, 12))
        p = float(cur[(year, "10")])
        private += list(p * rng.normal(1, 0.006, 12))
        farm += list(p * farm_share * _FARM_SEASON / _FARM_SEASON.mean())
        mlc += list(p * 0.07 * rng.normal(1, 0.02, 12))
        gov += list(p * 0.24 * rng.normal(1, 0.01, 12))
    food, durable, other_nd, private, farm, mlc, gov = map(
        np.array, (food, durable, other_nd, private, farm, mlc, gov))
    nondurable = food + other_nd
    out["32-311000"] = _hundreds(food)
    out["31-000000"] = _hundreds(durable)
    out["32-000000"] = _hundreds(nondurable)
    out[edd_ces.MANUFACTURING] = out["31-000000"] + out["32-000000"]
    out["15-000000"] = _hundreds(mlc)
    out["06-000000"] = out["15-000000"] + out[edd_ces.MANUFACTURING]
    out["05-000000"] = _hundreds(private)
    out["90-000000"] = _hundreds(gov)
    out[edd_ces.TOTAL_NONFARM] = out["05-000000"] + out["90-000000"]
    out["07-000000"] = out[edd_ces.TOTAL_NONFARM] - out["06-000000"]
    out["11-000000"] = _hundreds(farm)
    out["01-000000"] = out[edd_ces.TOTAL_NONFARM] + out["11-000000"]

    lf_year = _labor_force(region, universe, lf_key)
    lf = np.array([lf_year[y][0] for y in years for _ in range(12)], dtype=float)
    unemp = np.array([lf_year[y][1] for y in years for _ in range(12)], dtype=float)
    unemp = unemp * np.tile(_UNEMPLOYMENT_SEASON / _UNEMPLOYMENT_SEASON.mean(), len(years))
    lf = lf * np.tile(_FARM_SEASON / _FARM_SEASON.mean(), len(years)) ** 0.15
    out[edd_ces.LABOR_FORCE] = _hundreds(lf)
    out[edd_ces.CIVILIAN_UNEMPLOYMENT] = _hundreds(unemp)
    out[edd_ces.CIVILIAN_EMPLOYMENT] = (out[edd_ces.LABOR_FORCE]
                                        - out[edd_ces.CIVILIAN_UNEMPLOYMENT])
    out[edd_ces.UNEMPLOYMENT_RATE] = np.round(out[edd_ces.CIVILIAN_UNEMPLOYMENT]
                                              / out[edd_ces.LABOR_FORCE], 3)
    late_area, late_code, first_year = LATE_SERIES
    if edd_area == late_area:
        start = 12 * (first_year - years[0])
        out[late_code] = out[late_code].copy()
        out[late_code][:max(start, 0)] = np.nan
    assert all(len(v) == n for v in out.values())
    return out


def write_workbook(dest: Path, region: Region, area_code: int, values: dict[str, np.ndarray],
                   benchmark_year: int) -> None:
    dest.parent.mkdir(parents=True, exist_ok=True)
    wb = xlsxwriter.Workbook(str(dest))
    ws = wb.add_worksheet("Sheet1")
    date = wb.add_format({"num_format": "mmm-yy"})
    for j, name in enumerate(edd_ces.HEADER):
        ws.write_string(0, j, name)
    for k, month in enumerate(months(region)):
        ws.write_datetime(0, len(edd_ces.HEADER) + k, month, date)
    for i, (sort, code, title, includes) in enumerate(LINES, start=1):
        ws.write_number(i, 0, sort)
        ws.write_number(i, 1, benchmark_year)
        ws.write_number(i, 2, area_code)
        ws.write_string(i, 3, includes)
        ws.write_number(i, 5, 1)
        ws.write_string(i, 6, code)
        ws.write_string(i, 7, title)
        for k, v in enumerate(values[code]):
            if not np.isnan(v):
                ws.write_number(i, len(edd_ces.HEADER) + k, float(v))
    ws2 = wb.add_worksheet("Sheet2")
    ws2.write_string(0, 0, "Synthetic sample: not EDD data")
    wb.add_worksheet("Sheet3")
    wb.close()


def build(region: Region, dirs: DataDirs, universe: Universe) -> list[Path]:
    by_code: dict[str, list] = {}
    for c in region.counties:
        if c.edd_area:
            by_code.setdefault(c.edd_area, []).append(c)
    written = []
    for code, rf in zip(edd_ces.areas(region), edd_ces.remote_files(region, dirs), strict=True):
        members = by_code.get(code)
        area = ([c.fips for c in members] if len(members) > 1 else members[0].fips
                ) if members else region.benchmarks.state.qcew
        area_code = int(members[0].cbsa or 0) if members else 0
        values = series(region, universe, area, code)
        write_workbook(rf.dest, region, area_code, values, region.years.end)
        download.record_sample(rf, origin="synthetic sample (Office Open XML body)")
        written.append(rf.dest)
    return written

