"""A small CIP-SOC crosswalk workbook and CIP code list in NCES's layouts.

``CIP2020_SOC2018_Crosswalk.xlsx`` with NCES's sheets (``File Guide``, ``CIP-SOC``,
``SOC-CIP``, ``Unmatched CIP Codes``) and ``CIPCode2020.csv`` with its Excel-style
``="01.0101"`` quoting, holding a few dozen real CIP-SOC pairs for the manufacturing
programs and occupations of the sample (codes and titles as NCES publishes them, a small
excerpt of a public-domain federal crosswalk) and one ``99-9999`` NO MATCH program.
The code list's 4-digit group titles and all definitions are placeholders.
"""

from __future__ import annotations

from pathlib import Path

import xlsxwriter

from assessment import download
from assessment.paths import DataDirs
from assessment.region import Region
from assessment.sample.universe import Universe
from assessment.sources import crosswalks

PROGRAMS = {
    "01.0508": "Taxidermy/Taxidermist.",
    "12.0501": "Baking and Pastry Arts/Baker/Pastry Chef.",
    "14.1901": "Mechanical Engineering.",
    "14.3501": "Industrial Engineering.",
    "15.0612": "Industrial Technology/Technician.",
    "15.0613": "Manufacturing Engineering Technology/Technician.",
    "15.0614": "Welding Engineering Technology/Technician.",
    "46.0302": "Electrician.",
    "47.0303": "Industrial Mechanics and Maintenance Technology/Technician.",
    "48.0501": "Machine Tool Technology/Machinist.",
    "48.0508": "Welding Technology/Welder.",
    "49.0205": "Truck and Bus Driver/Commercial Vehicle Operator and Instructor.",
    "52.0205": "Operations Management and Supervision.",
}
PAIRS = [
    ("01.0508", "99-9999", "NO MATCH"),
    ("12.0501", "35-1011", "Chefs and Head Cooks"),
    ("12.0501", "51-3011", "Bakers"),
    ("14.1901", "17-2141", "Mechanical Engineers"),
    ("14.3501", "11-3051", "Industrial Production Managers"),
    ("14.3501", "17-2112", "Industrial Engineers"),
    ("15.0612", "17-3026", "Industrial Engineering Technologists and Technicians"),
    ("15.0613", "17-3026", "Industrial Engineering Technologists and Technicians"),
    ("15.0614", "17-3029", "Engineering Technologists and Technicians, Except Drafters, All"
                           " Other"),
    ("15.0614", "51-4121", "Welders, Cutters, Solderers, and Brazers"),
    ("46.0302", "47-2111", "Electricians"),
    ("47.0303", "49-9041", "Industrial Machinery Mechanics"),
    ("47.0303", "49-9043", "Maintenance Workers, Machinery"),
    ("47.0303", "49-9044", "Millwrights"),
    ("48.0501", "51-4031", "Cutting, Punching, and Press Machine Setters, Operators, and"
                           " Tenders, Metal and Plastic"),
    ("48.0501", "51-4041", "Machinists"),
    ("48.0501", "51-4081", "Multiple Machine Tool Setters, Operators, and Tenders, Metal and"
                           " Plastic"),
    ("48.0508", "51-4121", "Welders, Cutters, Solderers, and Brazers"),
    ("48.0508", "51-4122", "Welding, Soldering, and Brazing Machine Setters, Operators, and"
                           " Tenders"),
    ("49.0205", "53-3032", "Heavy and Tractor-Trailer Truck Drivers"),
    ("49.0205", "53-3033", "Light Truck Drivers"),
    ("52.0205", "11-3051", "Industrial Production Managers"),
    ("52.0205", "49-1011", "First-Line Supervisors of Mechanics, Installers, and Repairers"),
    ("52.0205", "51-1011", "First-Line Supervisors of Production and Operating Workers"),
]
FAMILIES = {"01": "AGRICULTURAL/ANIMAL/PLANT/VETERINARY SCIENCE AND RELATED FIELDS.",
            "12": "CULINARY, ENTERTAINMENT, AND PERSONAL SERVICES.",
            "14": "ENGINEERING.", "15": "ENGINEERING/ENGINEERING-RELATED TECHNOLOGIES/"
            "TECHNICIANS.", "46": "CONSTRUCTION TRADES.",
            "47": "MECHANIC AND REPAIR TECHNOLOGIES/TECHNICIANS.", "48": "PRECISION PRODUCTION.",
            "49": "TRANSPORTATION AND MATERIALS MOVING.",
            "52": "BUSINESS, MANAGEMENT, MARKETING, AND RELATED SUPPORT SERVICES."}
GUIDE = [("CIP-SOC", "This file crosswalks 2020 CIP Codes to 2018 SOC Codes in ascending"
                     " order by CIP Code."),
         ("SOC-CIP", "This file crosswalks 2018 SOC Codes to 2020 CIP Codes in ascending"
                     " order by SOC Code."),
         ("Unmatched CIP Codes", "This file contains 2020 CIP Codes that do not crosswalk to a"
                                 " 2018 SOC Code."),
         ("Note", "Synthetic sample: a small excerpt, not the NCES file.")]


def _crosswalk_rows() -> list[tuple[str, str, str, str]]:
    return [(cip, PROGRAMS[cip], soc, title) for cip, soc, title in PAIRS]


def write_crosswalk(dest: Path) -> None:
    dest.parent.mkdir(parents=True, exist_ok=True)
    wb = xlsxwriter.Workbook(str(dest))
    guide = wb.add_worksheet("File Guide")
    guide.write_row(0, 0, ["File Name", "Description"])
    for i, row in enumerate(GUIDE, start=1):
        guide.write_row(i, 0, row)
    rows = _crosswalk_rows()
    sheets = [
        ("CIP-SOC", crosswalks.CROSSWALK_HEADER, rows),
        ("SOC-CIP", ["SOC2018Code", "SOC2018Title", "CIP2020Code", "CIP2020Title"],
         sorted((s, st, c, ct) for c, ct, s, st in rows if s != crosswalks.NO_MATCH_SOC)),
        ("Unmatched CIP Codes", crosswalks.CROSSWALK_HEADER,
         [r for r in rows if r[2] == crosswalks.NO_MATCH_SOC]),
    ]
    for name, header, body in sheets:
        ws = wb.add_worksheet(name)
        ws.write_row(0, 0, header)
        for i, row in enumerate(body, start=1):
            for j, v in enumerate(row):
                ws.write_string(i, j, v)  # codes are text, leading zeros kept
    wb.close()


def _quoted(text: str) -> str:
    return '"' + text.replace('"', '""') + '"'


def codes_text() -> str:
    """``CIPCode2020.csv`` as NCES writes it: codes as ``="01.0101"``, the yes/no column and
    the empty last column bare, other fields quoted, CRLF line ends."""
    header = ["CIPFamily", "CIPCode", "Action", "TextChange", "CIPTitle", "CIPDefinition",
              "CrossReferences", "Examples"]
    lines = [",".join(_quoted(h) for h in header)]
    entries = [(fam, fam, title) for fam, title in FAMILIES.items()]
    for cip, title in PROGRAMS.items():
        entries.append((cip[:2], cip[:5], title.rstrip(".") + ", General."))
        entries.append((cip[:2], cip, title))
    seen = set()
    for fam, code, title in sorted(entries, key=lambda e: e[1]):
        if code in seen:
            continue
        seen.add(code)
        lines.append(f'="{fam}",="{code}",{_quoted("No substantive changes")},no,'
                     f'{_quoted(title)},{_quoted("Synthetic sample definition of " + title)},'
                     '"",')
    return "\r\n".join(lines) + "\r\n"


def build(region: Region, dirs: DataDirs, universe: Universe) -> list[Path]:
    written = []
    for rf in crosswalks.remote_files(region, dirs):
        if rf.dest.name == crosswalks.CROSSWALK_FILE:
            write_crosswalk(rf.dest)
        else:
            rf.dest.parent.mkdir(parents=True, exist_ok=True)
            rf.dest.write_bytes(codes_text().encode("utf-8"))
        download.record_sample(rf, origin="sample bundle (excerpt of real CIP-SOC pairs)")
        written.append(rf.dest)
    return written
