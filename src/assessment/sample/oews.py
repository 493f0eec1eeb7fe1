"""Synthetic OEWS time-series flat files (``oe.data.0.Current`` and lookups), BLS's padded layout.

Written from :class:`~assessment.sample.universe.Universe` at the paths
:func:`assessment.sources.oews.remote_files` names, for the region's OEWS release: cross-industry
estimates for the areas standing for the region's counties, the state and the nation, and the
national staffing pattern of the manufacturing sector and its subsectors, for about 70
occupations that matter to manufacturing (production, maintenance and installation, engineering
technicians, material movers, their supervisors and managers) and their major groups.

Magnitudes follow the universe's latest year: an area's employment in all occupations is its
total covered employment (private / (1 - government share), as in the QCEW sample), and each
occupation's employment is the area's manufacturing employment by subsector times the
occupation's share of manufacturing jobs, plus the rest of the economy times its share there.
Wages are national medians (close to published magnitudes, rounded) scaled by area. BLS's
conventions are kept: employment rounded to tens, annual wages = hourly x 2,080, ``-`` with
footnote 8 for estimates not released (small cells), ``-`` with footnote 5 for wages at or above
the cap, no jobs-per-1,000 or location quotient on national rows. No figure is a real statistic.
"""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path

import numpy as np
import pandas as pd

from assessment import download, regionfile
from assessment.paths import DataDirs
from assessment.region import Region
from assessment.sample.qcew import GOVERNMENT_SHARE
from assessment.sample.universe import Universe
from assessment.sources import oews

EOL = "\r\n"  # BLS's line ending in the time-series files
HOURLY_CAP, ANNUAL_CAP = 115.00, 239_200  # top-coding in the May 2025 release
HOURS_A_YEAR = 2080

# SOC code -> (title, share of manufacturing jobs per 1,000, share of other jobs per 1,000,
# national median annual wage). Major groups first; their detailed occupations follow.
OCCUPATIONS: dict[str, tuple[str, float, float, int]] = {
    "11-0000": ("Management Occupations", 60, 62, 122_000),
    "11-1011": ("Chief Executives", 1.0, 1.4, 212_000),
    "11-1021": ("General and Operations Managers", 15, 24, 103_000),
    "11-3051": ("Industrial Production Managers", 12, 0.8, 121_000),
    "11-3071": ("Transportation, Storage, and Distribution Managers", 2.5, 1.2, 102_000),
    "11-9041": ("Architectural and Engineering Managers", 6, 1.2, 168_000),
    "13-0000": ("Business and Financial Operations Occupations", 50, 65, 80_000),
    "13-1023": ("Purchasing Agents, Except Wholesale, Retail, and Farm Products", 6, 2, 72_000),
    "13-1081": ("Logisticians", 5, 1.5, 81_000),
    "13-1082": ("Project Management Specialists", 7, 7, 101_000),
    "13-2011": ("Accountants and Auditors", 7, 10, 82_000),
    "15-0000": ("Computer and Mathematical Occupations", 25, 35, 105_000),
    "15-1211": ("Computer Systems Analysts", 3, 4, 104_000),
    "15-1252": ("Software Developers", 9, 11, 133_000),
    "17-0000": ("Architecture and Engineering Occupations", 65, 13, 92_000),
    "17-2071": ("Electrical Engineers", 5, 1.2, 112_000),
    "17-2112": ("Industrial Engineers", 22, 1.3, 101_000),
    "17-2141": ("Mechanical Engineers", 17, 1.5, 102_000),
    "17-3013": ("Mechanical Drafters", 4, 0.3, 66_000),
    "17-3023": ("Electrical and Electronic Engineering Technologists and Technicians", 3.5, 0.5,
                75_000),
    "17-3026": ("Industrial Engineering Technologists and Technicians", 4, 0.2, 65_000),
    "17-3027": ("Mechanical Engineering Technologists and Technicians", 3, 0.2, 66_000),
    "43-0000": ("Office and Administrative Support Occupations", 80, 125, 46_000),
    "43-4051": ("Customer Service Representatives", 10, 19, 43_000),
    "43-5061": ("Production, Planning, and Expediting Clerks", 12, 1.5, 56_000),
    "43-5071": ("Shipping, Receiving, and Inventory Clerks", 20, 5, 41_000),
    "43-9061": ("Office Clerks, General", 8, 18, 44_000),
    "47-0000": ("Construction and Extraction Occupations", 12, 45, 58_000),
    "47-2111": ("Electricians", 4, 5, 62_000),
    "49-0000": ("Installation, Maintenance, and Repair Occupations", 55, 40, 58_000),
    "49-1011": ("First-Line Supervisors of Mechanics, Installers, and Repairers", 5, 3.3, 77_000),
    "49-2094": ("Electrical and Electronics Repairers, Commercial and Industrial Equipment", 3,
                0.3, 70_000),
    "49-3042": ("Mobile Heavy Equipment Mechanics, Except Engines", 1.5, 1.2, 63_000),
    "49-9021": ("Heating, Air Conditioning, and Refrigeration Mechanics and Installers", 1.5, 2.6,
                60_000),
    "49-9041": ("Industrial Machinery Mechanics", 22, 1.6, 63_500),
    "49-9043": ("Maintenance Workers, Machinery", 3, 0.3, 59_000),
    "49-9044": ("Millwrights", 2.4, 0.1, 64_000),
    "49-9071": ("Maintenance and Repair Workers, General", 14, 9.5, 48_600),
    "51-0000": ("Production Occupations", 487, 25, 45_000),
    "51-1011": ("First-Line Supervisors of Production and Operating Workers", 42, 3, 68_000),
    "51-2028": ("Electrical, Electronic, and Electromechanical Assemblers, Except Coil Winders,"
                " Tapers, and Finishers", 20, 0.3, 42_800),
    "51-2031": ("Engine and Other Machine Assemblers", 3, 0.1, 47_000),
    "51-2041": ("Structural Metal Fabricators and Fitters", 5, 0.5, 51_000),
    "51-2090": ("Miscellaneous Assemblers and Fabricators", 90, 3, 40_500),
    "51-3011": ("Bakers", 9, 1.2, 37_500),
    "51-3022": ("Meat, Poultry, and Fish Cutters and Trimmers", 8, 0.6, 37_600),
    "51-3023": ("Slaughterers and Meat Packers", 6, 0.1, 36_900),
    "51-3092": ("Food Batchmakers", 10, 0.2, 39_500),
    "51-3093": ("Food Cooking Machine Operators and Tenders", 2, 0.05, 40_000),
    "51-4031": ("Cutting, Punching, and Press Machine Setters, Operators, and Tenders, Metal and"
                " Plastic", 13, 0.2, 42_000),
    "51-4041": ("Machinists", 24, 0.6, 56_000),
    "51-4072": ("Molding, Coremaking, and Casting Machine Setters, Operators, and Tenders, Metal"
                " and Plastic", 8, 0.1, 41_800),
    "51-4111": ("Tool and Die Makers", 4, 0.05, 63_000),
    "51-4121": ("Welders, Cutters, Solderers, and Brazers", 22, 3.2, 51_000),
    "51-4122": ("Welding, Soldering, and Brazing Machine Setters, Operators, and Tenders", 3, 0.1,
                45_000),
    "51-7011": ("Cabinetmakers and Bench Carpenters", 6, 0.3, 41_000),
    "51-8031": ("Water and Wastewater Treatment Plant and System Operators", 0.5, 1.0, 58_000),
    "51-8091": ("Chemical Plant and System Operators", 2.5, 0.1, 87_000),
    "51-9011": ("Chemical Equipment Operators and Tenders", 7, 0.2, 52_000),
    "51-9023": ("Mixing and Blending Machine Setters, Operators, and Tenders", 6, 0.2, 44_000),
    "51-9041": ("Extruding, Forming, Pressing, and Compacting Machine Setters, Operators, and"
                " Tenders", 6, 0.1, 44_500),
    "51-9061": ("Inspectors, Testers, Sorters, Samplers, and Weighers", 30, 2, 47_000),
    "51-9111": ("Packaging and Filling Machine Operators and Tenders", 30, 1, 39_000),
    "51-9124": ("Coating, Painting, and Spraying Machine Setters, Operators, and Tenders", 5, 0.3,
                45_000),
    "51-9161": ("Computer Numerically Controlled Tool Operators", 12, 0.2, 49_000),
    "51-9162": ("Computer Numerically Controlled Tool Programmers", 2.4, 0.05, 65_000),
    "51-9198": ("Helpers--Production Workers", 11, 0.6, 36_000),
    "51-9199": ("Production Workers, All Other", 18, 1.1, 40_000),
    "53-0000": ("Transportation and Material Moving Occupations", 110, 95, 42_000),
    "53-1047": ("First-Line Supervisors of Transportation and Material Moving Workers, Except"
                " Aircraft Cargo Handling Supervisors", 6, 4, 59_000),
    "53-3032": ("Heavy and Tractor-Trailer Truck Drivers", 9, 15, 57_000),
    "53-7051": ("Industrial Truck and Tractor Operators", 16, 5, 44_000),
    "53-7062": ("Laborers and Freight, Stock, and Material Movers, Hand", 40, 21, 38_000),
    "53-7063": ("Machine Feeders and Offbearers", 3, 0.3, 38_500),
    "53-7064": ("Packers and Packagers, Hand", 14, 4, 34_000),
}
TOTAL = "00-0000"
# OEWS publishes these broad occupations as its most detailed level (display level 3).
DETAILED_BROAD = {"51-2090"}
# Subsectors where an occupation concentrates (x4 there, x0.25 elsewhere).
HOME: dict[str, tuple[str, ...]] = {
    "51-3011": ("311",), "51-3022": ("311",), "51-3023": ("311",), "51-3092": ("311", "312"),
    "51-3093": ("311",), "51-4041": ("332", "333", "336"), "51-4121": ("332", "333", "336"),
    "51-2041": ("332",), "51-4111": ("332", "333"), "51-9161": ("332", "333", "336"),
    "51-9162": ("332", "333", "336"), "51-7011": ("321", "337"), "51-8091": ("324", "325"),
    "51-9011": ("324", "325"), "51-2028": ("334", "335"), "17-2071": ("334", "335"),
    "17-3023": ("334", "335"), "51-4072": ("331", "326"), "51-9041": ("326", "327", "331"),
    "51-9111": ("311", "312", "325"), "51-2031": ("333", "336"),
}  # fmt: skip
# NAICS 2022 subsector titles (the sample's oe.industry lookup).
SUBSECTOR_TITLES = {
    "311": "Food Manufacturing", "312": "Beverage and Tobacco Product Manufacturing",
    "313": "Textile Mills", "314": "Textile Product Mills", "315": "Apparel Manufacturing",
    "316": "Leather and Allied Product Manufacturing", "321": "Wood Product Manufacturing",
    "322": "Paper Manufacturing", "323": "Printing and Related Support Activities",
    "324": "Petroleum and Coal Products Manufacturing", "325": "Chemical Manufacturing",
    "326": "Plastics and Rubber Products Manufacturing",
    "327": "Nonmetallic Mineral Product Manufacturing", "331": "Primary Metal Manufacturing",
    "332": "Fabricated Metal Product Manufacturing", "333": "Machinery Manufacturing",
    "334": "Computer and Electronic Product Manufacturing",
    "335": "Electrical Equipment, Appliance, and Component Manufacturing",
    "336": "Transportation Equipment Manufacturing",
    "337": "Furniture and Related Product Manufacturing", "339": "Miscellaneous Manufacturing",
}  # fmt: skip
# Titles of the San Joaquin Valley's areas in the May 2025 release; other metro areas get their
# Census CBSA title (lookups/counties.csv), any other area one made of its counties' names.
AREA_TITLES = {
    "0012540": "Bakersfield-Delano, CA", "0023420": "Fresno, CA", "0025260": "Hanford-Corcoran, CA",
    "0031460": "Madera, CA", "0032900": "Merced, CA", "0033700": "Modesto, CA",
    "0044700": "Stockton-Lodi, CA", "0047300": "Visalia, CA",
}  # fmt: skip
FOOTNOTES = {
    "1": "Estimates for detailed occupations do not sum to the totals because the totals include"
         " occupations not shown separately. Estimates do not include self-employed workers.",
    "2": "Annual wages have been calculated by multiplying the hourly wages by 2,080 hours; for"
         " occupations where hourly wages are not published, annual wages were taken directly"
         " from the reported survey data.",
    "3": "The relative standard error (RSE) is a measure of the reliability of a survey"
         " statistic. The smaller the relative standard error, the more precise the estimate.",
    "4": "Wages for some occupations that do not generally work year-round, full time, are"
         " reported either as hourly wages or annual salaries depending on how they are"
         " typically paid.",
    "5": "This wage is equal to or greater than $115.00 per hour or $239,200 per year.",
    "8": "Estimate not released.",
}
PAY_LEVEL = {"county": 0.92, "state": 1.15, "nation": 1.0}
WAGE_SPREAD = {"h_pct10": 0.62, "h_pct25": 0.78, "h_median": 1.0, "h_pct75": 1.28,
               "h_pct90": 1.6, "h_mean": 1.1}
EMPLOYMENT_CODES = ("01", "02", "16", "17")
WAGE_CODES = tuple(f"{i:02d}" for i in range(3, 16))


def _major(soc: str) -> str:
    return soc[:2] + "-0000"


def _detailed() -> list[str]:
    return [c for c in OCCUPATIONS if not c.endswith("-0000")]


def _shares(soc: str, subsector: str) -> float:
    """Share of a subsector's jobs in the occupation."""
    _title, in_mfg, _other, _wage = OCCUPATIONS[soc]
    home = HOME.get(soc)
    tilt = 1.0 if home is None else (4.0 if subsector in home else 0.25)
    return in_mfg / 1000 * tilt


class _Writer:
    """Collects series lines (series id -> value, footnote) for one data file."""

    def __init__(self, year: int):
        self.year = year
        self.lines: dict[str, tuple[str, str]] = {}

    def add(self, stem: str, code: str, value: str, note: str = "") -> None:
        self.lines[stem + code] = (value, note)

    def text(self) -> str:
        head = f"{'series_id':<30}\tyear\tperiod\t{'value':>12}\tfootnote_codes{EOL}"
        body = [f"{sid:<30}\t{self.year}\t{oews.PERIOD}\t{value:>12}\t{note}{EOL}"
                for sid, (value, note) in sorted(self.lines.items())]
        return head + "".join(body)


def _round10(x: float) -> int:
    return int(round(x / 10.0)) * 10


def _wages(median: float, rng: np.random.Generator) -> dict[str, float]:
    """Hourly estimates, BLS-rounded; annual ones follow as hourly x 2,080."""
    hourly = {k: round(median * f / HOURS_A_YEAR * rng.normal(1, 0.01), 2)
              for k, f in WAGE_SPREAD.items()}
    ordered = sorted(hourly[k] for k in ("h_pct10", "h_pct25", "h_median", "h_pct75", "h_pct90"))
    for k, v in zip(("h_pct10", "h_pct25", "h_median", "h_pct75", "h_pct90"), ordered,
                    strict=True):
        hourly[k] = v
    return hourly


def _write_estimates(w: _Writer, stem: str, emp: int, total: int | None, nation_share: float | None,
                     hourly: dict[str, float], *, emp_withheld: bool, wages_withheld: bool,
                     rng: np.random.Generator) -> None:
    not_released = oews.FOOTNOTE_NOT_RELEASED
    if emp_withheld:
        withheld = EMPLOYMENT_CODES if total is not None else EMPLOYMENT_CODES[:2]
        for code in withheld:
            w.add(stem, code, "-", not_released)
    else:
        prse = 0.0 if total == emp else round(min(40.0, 25 / np.sqrt(max(emp, 10) / 100)), 1)
        w.add(stem, "01", str(emp))
        w.add(stem, "02", f"{prse:.1f}")
        if total is not None:
            share = emp / total
            w.add(stem, "16", f"{1000 * share:.3f}")
            lq = 1.0 if nation_share is None else share / nation_share
            w.add(stem, "17", f"{lq:.2f}")
    if wages_withheld:
        for code in WAGE_CODES:
            w.add(stem, code, "-", not_released)
        return
    w.add(stem, "05", f"{rng.uniform(0.4, 4.5):.1f}")
    for m, h in hourly.items():
        annual = m.replace("h_", "a_")
        for col, value, cap in ((m, h, HOURLY_CAP), (annual, h * HOURS_A_YEAR, ANNUAL_CAP)):
            code = oews.CODE_OF[col]
            if value >= cap:
                w.add(stem, code, "-", oews.FOOTNOTE_TOP_CODED)
            elif col.startswith("h_"):
                w.add(stem, code, f"{value:.2f}")
            else:
                w.add(stem, code, str(_round10(value)))


def _stem(areatype: str, area: str, industry: str, soc: str) -> str:
    return f"OEU{areatype}{area}{industry}{soc.replace('-', '')}"


def build(region: Region, dirs: DataDirs, universe: Universe) -> list[Path]:
    files = oews.remote_files(region, dirs)
    data_rf, lookups = files[0], {rf.dest.name: rf for rf in files[1:]}
    year = region.years.oews
    rng = np.random.default_rng(universe.seed + 11)
    u = universe.employment
    latest = max(y for y in u["year"].unique() if y <= year)
    u = u[u["year"] == latest]

    # Areas: those standing for the counties, then state and nation (universe keys to sum).
    state, nation = region.benchmarks.state, region.benchmarks.nation
    members: dict[str, list[str]] = defaultdict(list)
    for fips, choice in region.oews_areas().items():
        if choice.code == "00" + region.county(fips).cbsa:
            members[choice.code].append(fips)  # the county lies in the area
    for fips, choice in region.oews_areas().items():
        members.setdefault(choice.code, [fips])  # an area known only as a stand-in
    areas = [(code, "M", "county", fips_list) for code, fips_list in members.items()]
    areas += [(state.oews, "S", "state", [state.qcew]), (nation.oews, "N", "nation", [nation.qcew])]

    subsectors = list(region.industry.subsectors)
    detailed = _detailed()
    w = _Writer(year)
    nat_emp = u[u["area"] == nation.qcew].set_index("industry")["employment"]
    nat_total = nat_emp["10"] / (1 - GOVERNMENT_SHARE)
    nat_shares = {}
    for soc in detailed:
        mfg = sum(nat_emp[s] * _shares(soc, s) for s in subsectors)
        other = (nat_total - nat_emp["31-33"]) * OCCUPATIONS[soc][2] / 1000
        nat_shares[soc] = (mfg + other) / nat_total

    # Cross-industry estimates by area.
    for code, areatype, kind, keys in areas:
        emp = u[u["area"].isin(keys)].groupby("industry")["employment"].sum()
        total = _round10(emp["10"] / (1 - GOVERNMENT_SHARE))
        other_jobs = total - emp["31-33"]
        level = PAY_LEVEL[kind]
        counts: dict[str, float] = {}
        for soc in detailed:
            noise = rng.lognormal(0, 0.15) if kind == "county" else rng.lognormal(0, 0.03)
            mfg = sum(emp[s] * _shares(soc, s) for s in subsectors)
            counts[soc] = (mfg + other_jobs * OCCUPATIONS[soc][2] / 1000) * noise
        for soc in OCCUPATIONS:
            if soc.endswith("-0000"):
                group = [counts[d] for d in detailed if _major(d) == soc]
                target = (emp["31-33"] * OCCUPATIONS[soc][1]
                          + other_jobs * OCCUPATIONS[soc][2]) / 1000
                counts[soc] = max(target, sum(group) * 1.05)
        counts[TOTAL] = total
        for soc in [TOTAL, *OCCUPATIONS]:
            n = _round10(counts[soc]) if soc != TOTAL else total
            if n < 10:
                continue  # OEWS publishes nothing for an occupation it did not find
            median = (49_500 if soc == TOTAL else OCCUPATIONS[soc][3]) * level
            hourly = _wages(median * rng.lognormal(0, 0.05), rng)
            small = kind == "county" and soc != TOTAL
            _write_estimates(
                w, _stem(areatype, code, oews.CROSS_INDUSTRY, soc), n,
                None if kind == "nation" else total,
                None if soc == TOTAL else nat_shares.get(soc),
                hourly, emp_withheld=small and n < 40,
                wages_withheld=small and n < 300 and rng.random() < 0.08, rng=rng)

    # National staffing pattern: the sector and each subsector.
    sector = region.industry.sector
    by_industry: dict[str, dict[str, float]] = {}
    for s in subsectors:
        by_industry[s] = {soc: nat_emp[s] * _shares(soc, s) * rng.lognormal(0, 0.1)
                          for soc in detailed}
    by_industry[sector] = {soc: sum(by_industry[s][soc] for s in subsectors) for soc in detailed}
    for industry, counts in by_industry.items():
        total = _round10(nat_emp[industry])
        for soc in OCCUPATIONS:
            if soc.endswith("-0000"):
                group = sum(counts[d] for d in detailed if _major(d) == soc)
                counts[soc] = max(total * OCCUPATIONS[soc][1] / 1000, group * 1.05)
        counts[TOTAL] = total
        industry_code = oews.series_industry(industry)
        for soc in [TOTAL, *OCCUPATIONS]:
            n = _round10(counts[soc])
            if n < 30:
                continue
            median = 49_500 if soc == TOTAL else OCCUPATIONS[soc][3]
            hourly = _wages(median * rng.lognormal(0, 0.06), rng)
            _write_estimates(w, _stem("N", nation.oews, industry_code, soc), n, None, None,
                             hourly, emp_withheld=False, wages_withheld=n < 60, rng=rng)

    written = [_write(data_rf, w.text())]
    titles = {code: AREA_TITLES.get(code) for code, *_ in areas}
    cbsa_titles = {"00" + row[f"cbsa_{v}"]: row[f"cbsa_title_{v}"]
                   for f in region.county_fips if (row := regionfile.counties_table().get(f))
                   for v in ("2020", "2023") if row[f"cbsa_{v}"]}
    for code, _t, kind, keys in areas:
        if kind == "county" and not titles[code]:
            titles[code] = cbsa_titles.get(code)  # the metro area's Census title
        if kind == "county" and not titles[code]:
            names = "-".join(region.county(f).name for f in keys)
            titles[code] = f"{names}, {region.state.abbr}"
    titles[state.oews], titles[nation.oews] = state.name, "National"
    area_rows = [(("00" if t == "N" else region.state.fips), code, t, titles[code])
                 for code, t, _k, _keys in areas]
    industry_rows = [
        (oews.CROSS_INDUSTRY, "Cross-Industry, Private, Federal, State, and Local", 0),
        (oews.series_industry(sector), f"Sectors {sector} - {region.industry.title}", 2),
    ]
    industry_rows += [(oews.series_industry(s), SUBSECTOR_TITLES.get(s, f"NAICS {s}"), 3)
                      for s in subsectors]
    occ_rows = [("000000", "All Occupations", 0)]
    occ_rows += [(soc.replace("-", ""), OCCUPATIONS[soc][0],
                  0 if soc.endswith("-0000") else 3) for soc in OCCUPATIONS]
    tables = {
        "oe.area": (["state_code", "area_code", "areatype_code", "area_name"], area_rows),
        "oe.industry": (["industry_code", "industry_name", "display_level", "selectable",
                         "sort_sequence"],
                        [(c, t, lvl, "T", i) for i, (c, t, lvl) in enumerate(industry_rows)]),
        "oe.occupation": (["occupation_code", "occupation_name", "display_level", "selectable",
                           "sort_sequence"],
                          [(c, t, lvl, "T", i) for i, (c, t, lvl) in enumerate(occ_rows)]),
        "oe.datatype": (["datatype_code", "datatype_name"],
                        [(code, name) for code, (_col, name) in oews.DATATYPES.items()]),
        "oe.footnote": (["footnote_code", "footnote_text"], list(FOOTNOTES.items())),
    }
    for name, (columns, rows) in tables.items():
        frame = pd.DataFrame(rows, columns=columns)
        text = "\t".join(columns) + EOL + "".join(
            "\t".join(str(v) for v in row) + EOL for row in frame.itertuples(index=False))
        written.append(_write(lookups[name], text))
    return written


def _write(rf: download.RemoteFile, text: str) -> Path:
    rf.dest.parent.mkdir(parents=True, exist_ok=True)
    rf.dest.write_bytes(text.encode("utf-8"))
    download.record_sample(rf)
    return rf.dest
