"""Synthetic unionstats.com state and metro workbooks, in the database's own layout.

The state workbook: a title line, a blank line, the header (``State Census Code``, ``State``,
``Sector``, ``Obs``, ``Employment (in 1000s)``, ``Members (in 1000s)``, ``Covered (in
1000s)``, ``% Mem``, ``% Cov``), then five sector rows for each of the 50 states and DC, shares
stored as fractions under a percent format. The metro workbook: title, header, a group heading
row, and each metro area with its code and name on its first row only. The region's state and
metros follow the sample's private and manufacturing employment (public employment about a
fifth of private, construction about 6%); every other area is drawn at random. CPS sample sizes
are about one respondent per 1,600 workers, as in the real tables, so the Valley's metro
manufacturing cells fall below the metro threshold while their totals pass it. No figure is a
real statistic.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import xlsxwriter

from assessment import download, paths
from assessment.paths import DataDirs
from assessment.region import Region
from assessment.sample.universe import Universe
from assessment.sources import unionstats as us

WORKERS_PER_OBSERVATION = 1_600
# Member share and covered-to-member ratio by sector (scale only).
_MEMBER_SHARE = {us.PUBLIC: 0.50, us.PRIVATE: 0.08, us.PRIVATE_MANUFACTURING: 0.065,
                 us.PRIVATE_CONSTRUCTION: 0.15}
_OTHER_METROS = [("31080", "Los Angeles-Long Beach-Anaheim, CA", 5_300_000, 310_000),
                 ("18140", "Columbus, OH", 1_000_000, 75_000)]
TITLE = "Union Membership, Coverage, Density and Employment by {what}: {year}"
HEADER_STATE = ["State Census Code", "State", "Sector", "Obs", "Employment (in 1000s)",
                "Members (in 1000s)", "Covered (in 1000s)", "% Mem", "% Cov"]
HEADER_METRO = ["FIPS code", "Metropolitan Area", *HEADER_STATE[2:]]
LABELS = {us.TOTAL: "Total", us.PUBLIC: "Public", us.PRIVATE: "Private",
          us.PRIVATE_MANUFACTURING: "Priv. Manufacturing",
          us.PRIVATE_CONSTRUCTION: "Priv. Construction"}


def _cbsa_titles() -> dict[str, str]:
    """CBSA code -> title (2020 delineation, as the CPS uses), from the bundled county table."""
    import pandas as pd

    t = pd.read_csv(paths.LOOKUPS_DIR / "counties.csv", dtype=str)
    return dict(zip(t["cbsa_2020"], t["cbsa_title_2020"], strict=True))


def sector_rows(rng: np.random.Generator, private: float, manufacturing: float
                ) -> list[tuple[str, int, float, float, float]]:
    """(sector, obs, employment, members, covered) in persons, sectors in the table's order."""
    levels = {us.PUBLIC: private * rng.uniform(0.16, 0.22), us.PRIVATE: private,
              us.PRIVATE_MANUFACTURING: manufacturing,
              us.PRIVATE_CONSTRUCTION: private * rng.uniform(0.05, 0.07)}
    cells = {}
    for sector, emp in levels.items():
        members = emp * _MEMBER_SHARE[sector] * rng.uniform(0.6, 1.4)
        covered = members * rng.uniform(1.04, 1.15)
        obs = int(round(emp / WORKERS_PER_OBSERVATION * rng.uniform(0.85, 1.15)))
        cells[sector] = (obs, emp, members, covered)
    pub, priv = cells[us.PUBLIC], cells[us.PRIVATE]
    cells[us.TOTAL] = tuple(a + b for a, b in zip(pub, priv, strict=True))
    return [(s, *cells[s]) for s in us.SECTORS]


def _formats(wb: xlsxwriter.Workbook) -> dict:
    return {"bold": wb.add_format({"bold": True}),
            "head": wb.add_format({"bold": True, "text_wrap": True, "align": "center"}),
            "obs": wb.add_format({"num_format": "#,##0"}),
            "level": wb.add_format({"num_format": "#,##0"}),
            "pct": wb.add_format({"num_format": "0.0%"})}


def _write_cells(ws, row: int, col: int, cell: tuple, fmt: dict) -> None:
    _, obs, emp, members, covered = cell
    ws.write_number(row, col, obs, fmt["obs"])
    for k, v in enumerate((emp, members, covered)):
        ws.write_number(row, col + 1 + k, round(v / 1000, 3), fmt["level"])
    ws.write_number(row, col + 4, members / emp if emp else 0.0, fmt["pct"])
    ws.write_number(row, col + 5, covered / emp if emp else 0.0, fmt["pct"])


def write_state(dest: Path, year: int, states: dict[int, list[tuple]]) -> None:
    dest.parent.mkdir(parents=True, exist_ok=True)
    wb = xlsxwriter.Workbook(str(dest))
    ws = wb.add_worksheet(f"state_{year}")
    fmt = _formats(wb)
    ws.write_string(0, 0, TITLE.format(what="State", year=year), fmt["bold"])
    for j, text in enumerate(HEADER_STATE):
        ws.write_string(2, j, text, fmt["head"])
    row = 3
    for code in sorted(states, key=lambda c: us.CENSUS_STATES[c][2]):  # alphabetical, as published
        for cell in states[code]:
            ws.write_number(row, 0, code)
            ws.write_string(row, 1, us.CENSUS_STATES[code][2])
            ws.write_string(row, 2, LABELS[cell[0]])
            _write_cells(ws, row, 3, cell, fmt)
            row += 1
    ws.write_string(row + 1, 0, "Synthetic sample: not unionstats.com data")
    wb.close()


def write_metro(dest: Path, year: int, metros: list[tuple[str, str, list[tuple]]]) -> None:
    dest.parent.mkdir(parents=True, exist_ok=True)
    wb = xlsxwriter.Workbook(str(dest))
    ws = wb.add_worksheet(f"msa_{year}")
    fmt = _formats(wb)
    ws.write_string(0, 0, TITLE.format(what="Metropolitan Area", year=year), fmt["bold"])
    for j, text in enumerate(HEADER_METRO):
        ws.write_string(2, j, text, fmt["head"])
    ws.write_string(3, 1, "MSAs")
    row = 4
    for code, name, cells in sorted(metros, key=lambda m: m[1]):
        for k, cell in enumerate(cells):
            if k == 0:  # code and name on the area's first row only
                ws.write_number(row, 0, int(code))
                ws.write_string(row, 1, name)
            ws.write_string(row, 2, LABELS[cell[0]].replace(".", ""))
            _write_cells(ws, row, 3, cell, fmt)
            row += 1
    ws.write_string(row + 1, 0, "Synthetic sample: not unionstats.com data")
    wb.close()


def build(region: Region, dirs: DataDirs, universe: Universe) -> list[Path]:
    year = us.year_of(region)
    u = universe.employment
    at = u[u.year == year].set_index(["area", "industry"]).employment
    rng = np.random.default_rng(universe.seed + 31)
    state_code = us.CENSUS_CODE_OF_FIPS[region.state.fips]
    states = {}
    for code in us.CENSUS_STATES:
        if code == state_code:
            area = region.benchmarks.state.qcew
            private, mfg = float(at[(area, "10")]), float(at[(area, "31-33")])
        else:
            private = float(rng.uniform(250_000, 9_000_000))
            mfg = private * float(rng.uniform(0.04, 0.15))
        states[code] = sector_rows(rng, private, mfg)
    metros = []
    titles = _cbsa_titles()
    for cbsa in us.region_metros(region):
        counties = [c for c in region.counties if c.cbsa == cbsa]
        private = sum(float(at[(c.fips, "10")]) for c in counties)
        mfg = sum(float(at[(c.fips, "31-33")]) for c in counties)
        name = titles.get(cbsa) or f"{counties[0].name}, {region.state.abbr}"
        metros.append((cbsa, name, sector_rows(rng, private, mfg)))
    for cbsa, name, private, mfg in _OTHER_METROS:
        if cbsa not in us.region_metros(region):
            metros.append((cbsa, name, sector_rows(rng, private, mfg)))
    written = []
    for rf in us.remote_files(region, dirs):
        if rf.dest == us.state_path(dirs, year):
            write_state(rf.dest, year, states)
        else:
            write_metro(rf.dest, year, metros)
        download.record_sample(rf)
        written.append(rf.dest)
    return written
