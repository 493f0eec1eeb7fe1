"""Synthetic O*NET text files (``Occupation Data``, ``Skills``, ``Knowledge``).

O*NET's tab-separated layout and real O*NET-SOC codes, titles and content-model element ids
for the occupations of the sample projections, with made-up ratings: importance (``IM``,
1-5) and level (``LV``, 0-7) that lean the way one would expect (production work high on
operation and control, maintenance on repairing, engineers on mathematics), rounded as
O*NET rounds them. A few rows carry ``Recommend Suppress = Y`` and one level row
``Not Relevant = Y``, as in the real files. Descriptions are placeholders.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from assessment import download
from assessment.paths import DataDirs
from assessment.region import Region
from assessment.sample.edd_projections import DETAILED
from assessment.sample.universe import Universe
from assessment.sources import onet

SKILLS = [
    ("2.A.1.a", "Reading Comprehension", "office"),
    ("2.A.1.e", "Mathematics", "engineer"),
    ("2.A.2.a", "Critical Thinking", "office"),
    ("2.B.3.g", "Operations Monitoring", "production"),
    ("2.B.3.h", "Operation and Control", "production"),
    ("2.B.3.j", "Equipment Maintenance", "maintenance"),
    ("2.B.3.k", "Troubleshooting", "maintenance"),
    ("2.B.3.l", "Repairing", "maintenance"),
    ("2.B.3.m", "Quality Control Analysis", "production"),
]
KNOWLEDGE = [
    ("2.C.1.a", "Administration and Management", "office"),
    ("2.C.2.a", "Production and Processing", "production"),
    ("2.C.2.b", "Food Production", "food"),
    ("2.C.3.b", "Engineering and Technology", "engineer"),
    ("2.C.3.e", "Mechanical", "maintenance"),
    ("2.C.4.a", "Mathematics", "engineer"),
]
DATE, SOURCE = "08/2025", "Analyst"
RATING_HEADER = ["O*NET-SOC Code", "Element ID", "Element Name", "Scale ID", "Data Value", "N",
                 "Standard Error", "Lower CI Bound", "Upper CI Bound", "Recommend Suppress",
                 "Not Relevant", "Date", "Domain Source"]


def _leaning(soc: str) -> set[str]:
    major, minor = soc[:2], soc[:4]
    out = set()
    if major in ("11", "43"):
        out.add("office")
    if major == "17":
        out |= {"engineer", "office"}
    if major in ("47", "49"):
        out.add("maintenance")
    if major == "51":
        out.add("production")
    if minor == "51-3":
        out.add("food")
    return out


def occupations() -> list[tuple[str, str]]:
    return [(f"{soc}.00", title) for soc, title, *_ in DETAILED]


def rating_lines(elements: list[tuple[str, str, str]], rng: np.random.Generator) -> list[list]:
    lines = []
    for k, (code, _title) in enumerate(occupations()):
        lean = _leaning(code)
        for e, (eid, name, theme) in enumerate(elements):
            high = theme in lean
            im = float(np.clip(rng.normal(3.9 if high else 2.4, 0.35), 1, 5))
            lv = float(np.clip(rng.normal(4.3 if high else 2.2, 0.5), 0, 7))
            n = 8
            for scale, value in (("IM", im), ("LV", lv)):
                se = round(float(rng.uniform(0.0, 0.25)), 4)
                suppress = "Y" if (k + e) % 37 == 5 else "N"
                if scale == "IM":
                    relevant = "n/a"
                else:
                    relevant = "Y" if (k, e) == (0, len(elements) - 1) else "N"
                v = round(value, 2)
                lines.append([code, eid, name, scale, f"{v:.2f}", str(n), f"{se:.4f}",
                              f"{max(v - 1.96 * se, 0):.4f}", f"{v + 1.96 * se:.4f}",
                              suppress, relevant, DATE, SOURCE])
    return lines


def _write(dest: Path, header: list[str], lines: list[list]) -> None:
    dest.parent.mkdir(parents=True, exist_ok=True)
    text = "\n".join("\t".join(row) for row in [header, *lines]) + "\n"
    dest.write_text(text, encoding="utf-8")


def build(region: Region, dirs: DataDirs, universe: Universe) -> list[Path]:
    rng = np.random.default_rng(universe.seed + 31)
    written = []
    for rf in onet.remote_files(region, dirs):
        name = rf.dest.stem
        if name == onet.OCCUPATIONS:
            rows = [[code, title, f"Synthetic sample description of the work of {title}."]
                    for code, title in occupations()]
            _write(rf.dest, onet.OCCUPATION_HEADER, rows)
        else:
            elements = SKILLS if name == onet.SKILLS else KNOWLEDGE
            _write(rf.dest, RATING_HEADER, rating_lines(elements, rng))
        download.record_sample(rf)
        written.append(rf.dest)
    return written
