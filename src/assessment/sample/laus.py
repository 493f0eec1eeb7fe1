"""Synthetic LAUS county workbooks and a saved API response, in BLS's own layouts.

For each analysis year a ``laucnty{YY}.xlsx`` laid out as BLS publishes it (title line, three
header lines, blank spacer column F, FIPS codes as text, numbers with BLS's formats, source
note at the foot), holding the region's counties and a few counties elsewhere; and the state
and national benchmarks as a BLS Public Data API v2 JSON response with annual averages
(``M13``). Labor force follows the sample's private employment (about 1.3-1.6 times it, as
in the Valley, where farm, government and self-employment add to payroll jobs); unemployment
rates sit near each county's usual level, higher in 2020 and 2021. One county-year is
``N.A.``, as BLS marks estimates it cannot publish.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import xlsxwriter

from assessment import download
from assessment.constants import QCEW_US
from assessment.paths import DataDirs
from assessment.region import Region
from assessment.sample.universe import Universe
from assessment.sources import laus

# Usual unemployment rate (percent) by county, before the 2020-21 rise (scale only).
_RATE = {"06019": 7.5, "06029": 8.2, "06031": 8.0, "06039": 7.2, "06047": 8.8, "06077": 6.6,
         "06099": 7.0, "06107": 9.6}
_CYCLE = {2020: 4.5, 2021: 2.0}
# Counties outside the region, so the reader's region filter has something to leave out.
_OTHERS = [("01001", "Autauga County, AL", 20_000), ("06037", "Los Angeles County, CA",
           3_900_000), ("72001", "Adjuntas Municipio, PR", 3_500)]
_NOT_AVAILABLE = "72001"  # published as N.A. (as BLS did for Puerto Rico in 2020)


def _figures(rng: np.random.Generator, private: float, rate: float) -> tuple[int, int, int, float]:
    labor_force = int(round(private * rng.uniform(1.30, 1.60)))
    unemployed = int(round(labor_force * rate / 100))
    return labor_force, labor_force - unemployed, unemployed, round(100 * unemployed /
                                                                    labor_force, 1)


def county_rows(region: Region, universe: Universe, year: int) -> list[tuple]:
    """(fips, title, labor force, employed, unemployed, rate) or N.A. values."""
    u = universe.employment
    private = u[(u.industry == "10") & (u.year == year)].set_index("area").employment
    rng = np.random.default_rng(universe.seed + 11 * year)
    out = []
    for c in region.counties:
        rate = _RATE.get(c.fips, 7.0) + _CYCLE.get(year, 0.0) + rng.normal(0, 0.3)
        out.append((c.fips, f"{c.name} County, {region.state.abbr}",
                    *_figures(rng, private[c.fips], rate)))
    for fips, title, private_jobs in _OTHERS:
        if fips == _NOT_AVAILABLE and year == 2020:
            out.append((fips, title, None, None, None, None))
        else:
            out.append((fips, title, *_figures(rng, private_jobs, 5 + rng.normal(0, 0.5))))
    return sorted(out)


def write_workbook(dest: Path, year: int, rows: list[tuple]) -> None:
    """BLS's ``laucntyYY.xlsx`` layout."""
    dest.parent.mkdir(parents=True, exist_ok=True)
    wb = xlsxwriter.Workbook(str(dest))
    ws = wb.add_worksheet(f"laucnty{year % 100:02d}")
    bold = wb.add_format({"bold": True})
    center = wb.add_format({"align": "center"})
    count = wb.add_format({"num_format": "#,##0\\ \\ \\ \\ \\ "})
    rate = wb.add_format({"num_format": "0.0\\ \\ \\ \\ \\ "})
    ws.write(0, 0, f"Labor Force Data by County, {year} Annual Averages", bold)
    header = [(2, 1, "State"), (2, 2, "County"), (2, 9, "Unemploy-"), (3, 0, "LAUS"),
              (3, 1, "FIPS"), (3, 2, "FIPS"), (3, 6, "Labor"), (3, 9, "ment Rate"),
              (4, 0, "Code"), (4, 1, "Code"), (4, 2, "Code"),
              (4, 3, "County Name/State Abbreviation"), (4, 4, "Year"), (4, 6, "Force"),
              (4, 7, "Employed"), (4, 8, "Unemployed"), (4, 9, "(%)")]
    for r, c, text in header:
        ws.write_string(r, c, text, center)
    row = 6
    for fips, title, lf, emp, unemp, ur in rows:
        ws.write_string(row, 0, f"CN{fips}00000000")
        ws.write_string(row, 1, fips[:2])
        ws.write_string(row, 2, fips[2:])
        ws.write_string(row, 3, title)
        ws.write_string(row, 4, str(year))
        if lf is None:
            for col in range(6, 10):
                ws.write_string(row, col, laus.NOT_AVAILABLE)
        else:
            for col, value in ((6, lf), (7, emp), (8, unemp)):
                ws.write_number(row, col, value, count)
            ws.write_number(row, 9, ur, rate)
        row += 1
    ws.write_string(row + 1, 0, "SOURCE:  BLS, LAUS")
    ws.write_string(row + 2, 0, "Synthetic sample: not BLS data")
    wb.close()


def api_response(region: Region, universe: Universe) -> dict:
    """A BLS API v2 answer carrying the state (LAUS) and nation (CPS) annual averages."""
    u = universe.employment
    years = region.years.span
    rng = np.random.default_rng(universe.seed + 5)
    series: dict[str, list[dict]] = {sid: [] for sid in laus.benchmark_series(region)}
    state_sids = [s for s in series if s.startswith("LAU")]
    for year in sorted(years, reverse=True):  # BLS lists the latest year first
        for area, sids, usual, scale in (
            (region.benchmarks.state.qcew, state_sids, 4.6, 1),
            (QCEW_US, list(laus.CPS_US), 3.8, laus.CPS_THOUSANDS),
        ):
            private = u[(u.area == area) & (u.industry == "10") & (u.year == year)].employment
            rate = usual + _CYCLE.get(year, 0.0) * 1.3 + rng.normal(0, 0.2)
            lf = int(round(float(private.iloc[0]) * 1.25 / scale))
            unemp = int(round(lf * rate / 100))
            values = {"labor_force": lf, "employed": lf - unemp, "unemployed": unemp,
                      "unemployment_rate": round(100 * unemp / lf, 1)}
            for sid in sids:
                field = (laus.MEASURES[sid[-2:]] if sid.startswith("LAU")
                         else laus.CPS_US[sid])
                series[sid].append({
                    "year": str(year), "period": "M13", "periodName": "Annual",
                    "value": str(values[field]), "footnotes": [{}],
                })
    return {
        "status": laus.API_SUCCEEDED, "responseTime": 120,
        "message": ["Synthetic sample: not BLS data"],
        "Results": {"series": [{"seriesID": sid, "data": data} for sid, data in series.items()]},
    }


def build(region: Region, dirs: DataDirs, universe: Universe) -> list[Path]:
    written = []
    for rf in laus.remote_files(region, dirs):
        year = int(rf.vintage[:4])
        write_workbook(rf.dest, year, county_rows(region, universe, year))
        download.record_sample(rf)
        written.append(rf.dest)
    dest = laus.api_path(dirs, region)
    dest.parent.mkdir(parents=True, exist_ok=True)
    dest.write_text(json.dumps(api_response(region, universe), indent=1) + "\n",
                    encoding="utf-8")
    download.record_sample(download.RemoteFile(
        url=laus.API_URL, dest=dest, source="BLS LAUS (API)", kind="json",
        vintage=f"{region.years.start}-{region.years.end} annual averages"))
    written.append(dest)
    return written
