"""Synthetic EDD long-term occupational projections, one workbook per metro area.

Written in the layout EDD publishes now (the 2023-2033 release, July 2025), taken from EDD's
statewide workbook of that release (../shared/realdata/edd/occproj_2023_2033/): sheet
``Occupational`` with three title rows (the projection period, the area, its scope), one header
row whose cells carry EDD's footnote markers and line breaks (``SOC Level[1]`` ...
``On-the-Job Training\\n[11][12]``), inside an Excel table, one row per occupation at SOC
levels 1-4, and an ``End of worksheet.`` line; then sheet ``Notes`` with the publication date
and the footnotes. For a metro area the second and third title rows name the metro area and
its county, by analogy with the statewide file's ``California`` / ``Statewide`` (no metro file
of this release was at hand to copy).

About forty occupations: the total, the major groups that matter for manufacturing, the
production minor groups and the detailed occupations a manufacturing apprenticeship draws on.
The numbers obey EDD's identities in this layout: change = projected - base; exits, transfers
and total openings are **totals over the ten years** (rounded to tens), with total openings =
exits + transfers + numeric change; the percent change is a fraction (0.0357 for 3.57 %);
wages are 2025 first-quarter medians, ``$0`` where no estimate could be given (every minor
group and one detailed occupation, as EDD does). Total employment follows the county's sample
private employment in the base year (self-employment and government on top).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
import xlsxwriter

from assessment import download
from assessment.paths import DataDirs
from assessment.region import Region
from assessment.sample.universe import Universe
from assessment.sources import edd_projections

BASE_YEAR, PROJ_YEAR = 2023, 2033
SPAN = PROJ_YEAR - BASE_YEAR
PUBLISHED = "Published: July 2025"
WAGE_YEAR = 2025  # first-quarter wages
NOT_AVAILABLE = "N/A"  # EDD's text for summary rows' education and training
MSA_NAMES = {"FRSN": "Fresno", "BAKE": "Bakersfield", "HANF": "Hanford-Corcoran",
             "MAD": "Madera", "MERC": "Merced", "STOC": "Stockton", "MODE": "Modesto",
             "VISA": "Visalia"}
NO_WAGE_ESTIMATE = "17-3026"  # published with $0 wages: no estimate

HS, NONE_ED, POSTSEC, ASSOC, BACH = ("High school diploma or equivalent",
                                     "No formal educational credential",
                                     "Postsecondary non-degree award", "Associate's degree",
                                     "Bachelor's degree")
SHORT, MODERATE, LONG, APPR = ("Short-term on-the-job training",
                               "Moderate-term on-the-job training",
                               "Long-term on-the-job training", "Apprenticeship")
# SOC, title, share of all jobs (%), ten-year growth (%), median hourly wage, education,
# experience, training.
DETAILED = [
    ("11-1021", "General and Operations Managers", 1.2, 7, 48.0, BACH, "≥5 years", "None"),
    ("11-3051", "Industrial Production Managers", 0.12, 4, 55.0, BACH, "≥5 years", "None"),
    ("17-2112", "Industrial Engineers", 0.12, 10, 50.0, BACH, "None", "None"),
    ("17-2141", "Mechanical Engineers", 0.06, 8, 52.0, BACH, "None", "None"),
    ("17-3026", "Industrial Engineering Technologists and Technicians", 0.03, 6, 30.0, ASSOC,
     "None", "None"),
    ("43-5071", "Shipping, Receiving, and Inventory Clerks", 0.4, 2, 20.5, HS, "None", SHORT),
    ("47-2111", "Electricians", 0.4, 9, 30.0, HS, "None", APPR),
    ("49-1011", "First-Line Supervisors of Mechanics, Installers, and Repairers", 0.25, 5,
     35.0, HS, "<5 years", "None"),
    ("49-9041", "Industrial Machinery Mechanics", 0.35, 14, 29.0, HS, "None", LONG),
    ("49-9071", "Maintenance and Repair Workers, General", 0.9, 6, 23.0, HS, "None", MODERATE),
    ("51-1011", "First-Line Supervisors of Production and Operating Workers", 0.45, 3, 32.0,
     HS, "<5 years", "None"),
    ("51-2028", "Electrical, Electronic, and Electromechanical Assemblers, Except Coil"
     " Winders, Tapers, and Finishers", 0.05, -4, 19.0, HS, "None", MODERATE),
    ("51-2092", "Team Assemblers", 0.6, 1, 18.5, HS, "None", MODERATE),
    ("51-3011", "Bakers", 0.08, 5, 17.5, NONE_ED, "None", LONG),
    ("51-3022", "Meat, Poultry, and Fish Cutters and Trimmers", 0.25, 4, 17.0, NONE_ED, "None",
     SHORT),
    ("51-3092", "Food Batchmakers", 0.3, 8, 18.0, HS, "None", SHORT),
    ("51-3093", "Food Cooking Machine Operators and Tenders", 0.1, 6, 18.5, NONE_ED, "None",
     MODERATE),
    ("51-4031", "Cutting, Punching, and Press Machine Setters, Operators, and Tenders, Metal"
     " and Plastic", 0.1, -6, 19.0, HS, "None", MODERATE),
    ("51-4041", "Machinists", 0.2, 4, 24.0, HS, "None", LONG),
    ("51-4081", "Multiple Machine Tool Setters, Operators, and Tenders, Metal and Plastic",
     0.05, -2, 20.0, HS, "None", MODERATE),
    ("51-4121", "Welders, Cutters, Solderers, and Brazers", 0.35, 3, 23.0, HS, "None",
     MODERATE),
    ("51-8031", "Water and Wastewater Treatment Plant and System Operators", 0.08, 2, 33.0, HS,
     "None", LONG),
    ("51-9061", "Inspectors, Testers, Sorters, Samplers, and Weighers", 0.3, -1, 19.5, HS,
     "None", MODERATE),
    ("51-9111", "Packaging and Filling Machine Operators and Tenders", 0.6, 3, 17.5, HS,
     "None", MODERATE),
    ("51-9198", "Helpers--Production Workers", 0.3, 2, 16.5, HS, "None", SHORT),
    ("51-9199", "Production Workers, All Other", 0.15, 1, 18.0, HS, "None", MODERATE),
    ("53-1047", "First-Line Supervisors of Transportation and Material Moving Workers, Except"
     " Aircraft Cargo Handling Supervisors", 0.2, 7, 27.0, HS, "<5 years", "None"),
    ("53-3032", "Heavy and Tractor-Trailer Truck Drivers", 1.5, 6, 24.0, POSTSEC, "None",
     SHORT),
    ("53-7051", "Industrial Truck and Tractor Operators", 0.6, 5, 19.5, NONE_ED, "None",
     SHORT),
    ("53-7062", "Laborers and Freight, Stock, and Material Movers, Hand", 2.2, 7, 17.0,
     NONE_ED, "None", SHORT),
    ("53-7064", "Packers and Packagers, Hand", 0.8, 2, 16.0, NONE_ED, "None", SHORT),
]
# Level-2 groups: SOC, title, share of all jobs (%), growth (%), median hourly.
MAJOR = [
    ("11-0000", "Management Occupations", 6.0, 7, 45.0),
    ("17-0000", "Architecture and Engineering Occupations", 1.0, 6, 44.0),
    ("43-0000", "Office and Administrative Support Occupations", 11.0, -1, 20.0),
    ("47-0000", "Construction and Extraction Occupations", 4.5, 8, 26.0),
    ("49-0000", "Installation, Maintenance, and Repair Occupations", 3.8, 6, 24.0),
    ("51-0000", "Production Occupations", 6.5, 3, 18.5),
    ("53-0000", "Transportation and Material Moving Occupations", 11.5, 6, 18.0),
]
MINOR = [
    ("51-1000", "Supervisors of Production Workers"),
    ("51-2000", "Assemblers and Fabricators"),
    ("51-3000", "Food Processing Workers"),
    ("51-4000", "Metal Workers and Plastic Workers"),
    ("51-8000", "Plant and System Operators"),
    ("51-9000", "Other Production Occupations"),
]
EXIT_RATE, TRANSFER_RATE = 0.045, 0.065  # a year, of average employment

# The header row of EDD's 2023-2033 workbooks, cell for cell (markers and line breaks included).
HEADER = ["SOC Level[1]", "SOC Code[2]", "Occupational Title[3]",
          f"Base Year Employment Estimate {BASE_YEAR}[4][5]",
          f"Projected Year Employment Estimate {PROJ_YEAR}",
          f"Numeric Change {BASE_YEAR}-{PROJ_YEAR}[6]",
          f"Percent-age Change {BASE_YEAR}-{PROJ_YEAR}", "Exits\n[7]", "Transfers\n[8]",
          "Total Job Openings\n[9]", "Median Hourly Wages\n[10]", "Median Annual Wages\n[10]",
          "Entry Level Education\n[11][12]", "Work Experience\n[11][12]",
          "On-the-Job Training\n[11][12]"]
END = "End of worksheet."
NOTES = [
    "Employment Development Department",
    "Labor Market Information Division",
    PUBLISHED,
    "[1] The occupations in the Standard Occupational Classification (SOC) system are"
    " classified at four levels of aggregation to suit the needs of various data users: major"
    " group, minor group, broad occupation, and detailed occupation. Each lower level of detail"
    " identifies a more specific group of occupations.",
    "[2] The SOC system is a federal statistical standard used by federal and state agencies to"
    " classify workers into occupational categories for the purpose of collecting,"
    " calculating, or disseminating data.",
    "[3] To improve data quality, the Occupational Employment and Wage Statistics (OEWS)"
    " program has aggregated some 2018 SOC detailed occupations into SOC broad occupations or"
    " OEWS-specific combinations.",
    "[4] Data sources: U.S. Bureau of Labor Statistics' Current Employment Statistics (CES),"
    " Quarterly Census of Employment and Wages (QCEW) industry employment, and Occupational"
    " Employment and Wage Statistics (OEWS) data.",
    "[5] Occupational employment projections include self-employed, private household workers,"
    " farm, and nonfarm employment. Occupation subtotals may not add to the totals due to"
    " rounding and the suppression of data.",
    "[6] Numeric change measures the projected number of job gains or losses in an occupation"
    " for the projection period.",
    "[7] Exits are the projected number of workers leaving an occupation and exiting the labor"
    " force entirely.",
    "[8] Transfers are the projected number of workers leaving an occupation and transferring"
    " to a different occupation.",
    "[9] Total job openings is the sum of exits, transfers, and numeric change.",
    f"[10] Median wages are the estimated 50th percentile of the distribution of {WAGE_YEAR}"
    " first quarter wages. 50 percent of workers in an occupation earn wages below, and 50"
    " percent earn wages above the median wage. Wages do not include self-employed or unpaid"
    " family workers. An estimate could not be provided for wages listed as $0.",
    "[11] The Bureau of Labor Statistics develops and assigns education and training categories"
    " to each occupation. For more information please see the Education and Training Data page"
    " on the Bureau of Labor Statistics website.",
    "[12] N/A - Information is not available.",
    "Synthetic sample in EDD's layout: not EDD data.",
    END,
]
# Column widths of EDD's workbook (characters); B, E and J keep Excel's default.
WIDTHS = {0: 7.8, 2: 30.5, 3: 12.0, 5: 9.5, 6: 8.0, 7: 8.8, 8: 9.8, 10: 7.5, 11: 8.5,
          12: 10.5, 13: 11.0, 14: 11.7}


def _tens(x: float) -> int:
    return int(round(x / 10) * 10)


def _row(rng, soc, level, title, base, growth_pct, hourly, education="", experience="",
         training="", wage=True):
    proj = base * (1 + growth_pct / 100 + rng.normal(0, 0.01))
    step = 100 if level == 1 else 10
    base_r = int(round(base / step) * step)
    proj_r = int(round(proj / step) * step)
    change = proj_r - base_r
    avg = (base_r + proj_r) / 2
    exits = _tens(avg * EXIT_RATE * SPAN * rng.uniform(0.8, 1.2))  # over the ten years
    transfers = _tens(avg * TRANSFER_RATE * SPAN * rng.uniform(0.8, 1.2))
    pct = change / base_r if base_r else 0
    hourly_v = round(hourly * rng.uniform(0.9, 1.1), 2) if wage else 0
    annual_w = round(hourly_v * 2080, 2) if wage else 0
    return [level, soc, title, base_r, proj_r, change, pct, exits, transfers,
            exits + transfers + change, hourly_v, annual_w, education or NOT_AVAILABLE,
            experience or NOT_AVAILABLE, training or NOT_AVAILABLE]


def occupation_rows(universe: Universe, fips: str) -> list[list]:
    u = universe.employment
    rng = np.random.default_rng(universe.seed + int(fips))
    private = float(u[(u.area == fips) & (u.industry == "10") & (u.year == BASE_YEAR)]
                    .employment.iloc[0])
    total = private * 1.3  # with government and self-employment
    detailed = {}
    for soc, title, share, growth, hourly, ed, ex, tr in DETAILED:
        base = total * share / 100 * rng.lognormal(0, 0.25)
        detailed[soc] = _row(rng, soc, 4, title, base, growth, hourly, ed, ex, tr,
                             wage=soc != NO_WAGE_ESTIMATE)
    out = [_row(rng, "00-0000", 1, "Total, All Occupations", total, 7, 19.0)]
    for soc, title, share, growth, hourly in MAJOR:
        members = sorted(s for s in detailed if s[:2] == soc[:2])
        base = max(total * share / 100, 1.3 * sum(detailed[s][3] for s in members))
        out.append(_row(rng, soc, 2, title, base, growth, hourly))
        minors = [(m, t) for m, t in MINOR if m[:2] == soc[:2]]
        for msoc, mtitle in minors:
            inside = [s for s in members if s[:4] == msoc[:4]]
            mbase = 1.15 * sum(detailed[s][3] for s in inside)
            out.append(_row(rng, msoc, 3, mtitle, mbase, 3, 0, wage=False))
            out += [detailed[s] for s in inside]
        if not minors:
            out += [detailed[s] for s in members]
    return out


def write_workbook(dest: Path, msa: str, county: str, rows: list[list]) -> None:
    dest.parent.mkdir(parents=True, exist_ok=True)
    wb = xlsxwriter.Workbook(str(dest))
    ws = wb.add_worksheet("Occupational")
    base = {"font_name": "Arial", "font_size": 10}
    title = wb.add_format({**base, "bold": True, "align": "left"})
    head = wb.add_format({**base, "text_wrap": True, "align": "center"})
    centre = wb.add_format({**base, "align": "center"})
    plain = wb.add_format(base)
    wrap = wb.add_format({**base, "text_wrap": True})
    count = wb.add_format({**base, "num_format": "#,##0"})
    pct = wb.add_format({**base, "num_format": "0.0%"})
    money = wb.add_format({**base, "num_format": '"$"#,##0.00'})
    dollars = wb.add_format({**base, "num_format": '"$"#,##0'})
    formats = [centre, plain, wrap, count, count, count, pct, count, count, count, money,
               dollars, wrap, wrap, wrap]
    for j, width in WIDTHS.items():
        ws.set_column(j, j, width)
    ws.write_string(0, 0, f"{BASE_YEAR}-{PROJ_YEAR} Occupational Employment Projections", title)
    ws.write_string(1, 0, f"{msa} Metropolitan Statistical Area", title)
    ws.write_string(2, 0, f"{county} County", title)
    last = 3 + len(rows)
    name = "".join(ch for ch in msa if ch.isalnum()) + "OccProjTable"
    ws.add_table(3, 0, last, len(HEADER) - 1, {
        "name": name, "style": "Table Style Light 21", "banded_rows": False,
        "columns": [{"header": h, "header_format": head} for h in HEADER]})
    ws.set_row(3, 75)
    for r, row in enumerate(rows, start=4):
        for j, v in enumerate(row):
            if isinstance(v, str):
                ws.write_string(r, j, v, formats[j])
            else:
                ws.write_number(r, j, v, formats[j])
    ws.write_string(last + 1, 0, END, plain)
    ws.freeze_panes(4, 0)
    ws.repeat_rows(0, 3)
    notes = wb.add_worksheet("Notes")
    notes.set_column(0, 0, 165.5)
    for r, text in enumerate(NOTES):
        notes.write_string(r, 0, text, wrap)
    wb.set_properties({"title": f"{msa} Occupational Employment Projections (synthetic sample)",
                       "subject": f"{BASE_YEAR}-{PROJ_YEAR} Occupational Employment Projections",
                       "created": dt.datetime(2025, 7, 1)})
    wb.close()


def build(region: Region, dirs: DataDirs, universe: Universe) -> list[Path]:
    by_code: dict[str, list] = {}
    for c in region.counties:
        if c.edd_area:
            by_code.setdefault(c.edd_area, []).append(c)
    written = []
    for code, rf in zip(edd_projections.areas(region),
                        edd_projections.remote_files(region, dirs), strict=True):
        county = by_code[code][0]
        write_workbook(rf.dest, MSA_NAMES.get(code, county.name), county.name,
                       occupation_rows(universe, county.fips))
        download.record_sample(download.RemoteFile(
            url=rf.url, dest=rf.dest, source=rf.source, kind=rf.kind,
            vintage=f"{BASE_YEAR}-{PROJ_YEAR} long-term projections"))
        written.append(rf.dest)
    return written
