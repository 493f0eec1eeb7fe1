"""Synthetic CalEnviroScreen 4.0 results and SB 535 (2022) workbooks for the sample bundle.

Both are written as OEHHA serves them (a zip holding one workbook) at the paths
:func:`assessment.sources.calenviroscreen.remote_files` names: the results workbook with sheet
``CES4.0FINAL_results`` and the data dictionary's columns (``Census Tract`` as a number, as
OEHHA stores it), and the SB 535 workbook with sheet ``SB535 tract all data (2022)``, ``Census
Tract``, ``DAC category`` and the same columns, one row per designated tract. The tracts are the
sample's synthetic 2010 tracts (:mod:`assessment.sample.tracts2010`); scores follow their
invented hardship. The designation follows CalEPA's four rules in spirit (highest quarter of
scores; no score but high pollution burden; carried over from 2017), so the sample, like the
real list, is not "percentile 75 or more" alone. The category texts paraphrase CalEPA's rules;
the wording of the real workbook's categories was not available. No figure is real.
"""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import numpy as np
import openpyxl

from assessment import download
from assessment.paths import DataDirs
from assessment.region import Region
from assessment.sample.acs import DEFAULT_POPULATION, POPULATION
from assessment.sample.tracts import tract_frame
from assessment.sample.tracts2010 import hardship_2010, population_2010
from assessment.sample.universe import Universe
from assessment.sources import calenviroscreen as ces

RESULTS_COLUMNS = [
    "Census Tract", "Total Population", "California County", "ZIP", "Approximate Location",
    "Longitude", "Latitude", "CES 4.0 Score", "CES 4.0 Percentile", "CES 4.0 Percentile Range",
    "Ozone", "Ozone Pctl", "PM2.5", "PM2.5 Pctl", "Diesel PM", "Diesel PM Pctl",
    "Drinking Water", "Drinking Water Pctl", "Lead", "Lead Pctl", "Pesticides",
    "Pesticides Pctl", "Tox. Release", "Tox. Release Pctl", "Traffic", "Traffic Pctl",
    "Cleanup Sites", "Cleanup Sites Pctl", "Groundwater Threats", "Groundwater Threats Pctl",
    "Haz. Waste", "Haz. Waste Pctl", "Imp. Water Bodies", "Imp. Water Bodies Pctl",
    "Solid Waste", "Solid Waste Pctl", "Pollution Burden", "Pollution Burden Score",
    "Pollution Burden Pctl", "Asthma", "Asthma Pctl", "Low Birth Weight",
    "Low Birth Weight Pctl", "Cardiovascular Disease", "Cardiovascular Disease Pctl",
    "Education", "Education Pctl", "Linguistic Isolation", "Linguistic Isolation Pctl",
    "Poverty", "Poverty Pctl", "Unemployment", "Unemployment Pctl", "Housing Burden",
    "Housing Burden Pctl", "Pop. Char.", "Pop. Char. Score", "Pop. Char. Pctl"]
TOP_QUARTER = "Highest 25% of CalEnviroScreen 4.0 scores"
NO_SCORE = "Highest 5% of pollution burden, no overall score"
CARRIED_OVER = "Designated in 2017, retained"
UNSCORED_EVERY = 37  # one tract in this many has too few residents for a score


def _range(pct: float) -> str:
    lo = min(int(pct // 5) * 5, 95)
    return f"{lo}-{lo + 5}%" if lo < 95 else "95-100% (highest scores)"


def tract_rows(region: Region, seed: int) -> tuple[list[list], list[list]]:
    """(results rows, SB 535 rows) in the workbooks' column order."""
    rng = np.random.default_rng(seed + 79)
    h = hardship_2010(region, seed)
    pop = population_2010(region, seed, POPULATION, DEFAULT_POPULATION)
    points = tract_frame(region, seed).set_index("GEOID").geometry.representative_point()
    names = region.county_names
    results, listed = [], []
    for k, (tract, hv) in enumerate(h.items()):
        unscored = k % UNSCORED_EVERY == UNSCORED_EVERY - 1
        pct = float(np.clip(100 * hv + rng.normal(0, 4), 0.1, 100.0))
        score = round(4 + 0.7 * pct + rng.normal(0, 1.5), 2)
        pt = points[tract]
        indicators = []
        for col in RESULTS_COLUMNS[10:]:
            base = pct if col.endswith(("Pctl", "Pctl.")) else pct / 10
            indicators.append(round(float(np.clip(base + rng.normal(0, 8 if base > 10 else 0.8),
                                                  0, 100)), 2))
        row = [int(tract), int(pop.get(tract, 0)), names[tract[:5]], 93600 + k % 400,
               f"{names[tract[:5]]} County area", round(pt.x, 6), round(pt.y, 6),
               None if unscored else score, None if unscored else round(pct, 2),
               None if unscored else _range(pct), *indicators]
        if unscored:
            row[RESULTS_COLUMNS.index("Pop. Char."):] = [None, None, None]
        results.append(row)
        category = None
        if not unscored and pct >= 75:
            category = TOP_QUARTER
        elif unscored and hv > 0.6:
            category = NO_SCORE
        elif not unscored and 68 <= pct < 75 and rng.random() < 0.5:
            category = CARRIED_OVER
        if category:
            listed.append([row[0], category, *row[1:]])
    return results, listed


def _zipped_workbook(sheet: str, header: list[str], rows: list[list], inner: str) -> bytes:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = sheet
    ws.append(header)
    for r in rows:
        ws.append(r)
    wb.create_sheet("Data Dictionary").append(["Variable Name", "Description"])
    book = io.BytesIO()
    wb.save(book)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        info = zipfile.ZipInfo(inner, date_time=(2021, 10, 13, 0, 0, 0))
        zf.writestr(info, book.getvalue())
    return out.getvalue()


def build(region: Region, dirs: DataDirs, universe: Universe) -> list[Path]:
    if not ces.applies(region):
        return []
    results, listed = tract_rows(region, universe.seed)
    files = [
        (ces.results_file(region, dirs), _zipped_workbook(
            ces.RESULTS_SHEET, RESULTS_COLUMNS, results,
            "calenviroscreen40resultsdatadictionary_F_2021.xlsx")),
        (ces.sb535_file(region, dirs), _zipped_workbook(
            ces.SB535_SHEET, ["Census Tract", "DAC category", *RESULTS_COLUMNS[1:]], listed,
            "SB535DACresultsdatadictionary_F_2022.xlsx")),
    ]
    written = []
    for rf, body in files:
        rf.dest.parent.mkdir(parents=True, exist_ok=True)
        rf.dest.write_bytes(body)
        download.record_sample(download.RemoteFile(
            url=rf.url, dest=rf.dest, source=rf.source, kind=rf.kind,
            vintage=rf.vintage + " (synthetic: invented 2010 tracts of the region's counties)"))
        written.append(rf.dest)
    return written
