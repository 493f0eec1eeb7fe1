"""Rebuild the county lookup table that ``assessment region new`` reads.

Writes ``src/assessment/lookups/counties.csv``: one row per county (or county equivalent) with
its name, state, a population estimate for sizing the sample bundle, and the core-based
statistical area (CBSA) it belongs to under the OMB delineations of March 2020 and July 2023.
Only the columns the pipeline needs are kept. Checks before writing: every CBSA
code and county FIPS code has five digits, every row has a metro or micro kind, no county is
listed twice in a delineation, and the population file has at least 3,000 counties; the script
prints the counts and each input's sha256 for the README.

Inputs (offline; name them on the command line):

``--cbsa-2023``
    Census Bureau delineation file ``list1_2023.xlsx`` ("Core based statistical areas (CBSAs),
    metropolitan divisions, and combined statistical areas (CSAs)", July 2023,
    https://www2.census.gov/programs-surveys/metro-micro/geographies/reference-files/2023/delineation-files/list1_2023.xlsx).
``--cbsa-2020``
    The same list for the March 2020 delineations, ``list1_2020.xls``
    (https://www2.census.gov/programs-surveys/metro-micro/geographies/reference-files/2020/delineation-files/list1_2020.xls).
``--population``
    Census Bureau county population estimates, Vintage 2024 (``co-est2024-alldata.csv``,
    https://www2.census.gov/programs-surveys/popest/datasets/2020-2024/counties/totals/);
    the columns ``STATE, COUNTY, STNAME, CTYNAME`` and one ``POPESTIMATE<year>`` column are read.

Usage::

    python scripts/build_region_lookups.py --cbsa-2023 list1_2023.xlsx \\
        --cbsa-2020 list1_2020.xls --population co-est2024-alldata.csv
"""

from __future__ import annotations

import argparse
import hashlib
import re
from pathlib import Path

import pandas as pd

from assessment.paths import LOOKUPS_DIR as OUT_DIR

HEADER = "CBSA Code"
KINDS = {"Metropolitan Statistical Area": "metro", "Micropolitan Statistical Area": "micro"}
SUFFIXES = (" County", " Parish", " Borough", " Census Area", " Municipality",
            " City and Borough", " city")


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def read_delineation(path: Path) -> pd.DataFrame:
    """County -> CBSA rows of a Census ``list1`` file (the header row is found by content)."""
    raw = pd.read_excel(path, header=None, dtype=str)
    at = raw.index[raw[0].astype(str).str.strip() == HEADER]
    if len(at) != 1:
        raise SystemExit(f"{path}: no single header row starting {HEADER!r}")
    frame = raw.iloc[at[0] + 1:].copy()
    frame.columns = [str(c).strip() for c in raw.iloc[at[0]]]
    frame = frame[frame["FIPS State Code"].astype(str).str.fullmatch(r"\d{2}")]
    out = pd.DataFrame({
        "county_fips": frame["FIPS State Code"] + frame["FIPS County Code"].str.zfill(3),
        "cbsa": frame["CBSA Code"].str.strip(),
        "cbsa_title": frame["CBSA Title"].str.strip(),
        "kind": frame["Metropolitan/Micropolitan Statistical Area"].str.strip().map(KINDS),
        "division": frame["Metropolitan Division Code"].fillna("").str.strip(),
    })
    bad = out[~out["cbsa"].str.fullmatch(r"\d{5}") | ~out["county_fips"].str.fullmatch(r"\d{5}")
              | out["kind"].isna()]
    if not bad.empty:
        raise SystemExit(f"{path}: malformed rows:\n{bad.head()}")
    if out["county_fips"].duplicated().any():
        raise SystemExit(f"{path}: a county is listed twice")
    return out.reset_index(drop=True)


def read_population(path: Path) -> tuple[pd.DataFrame, str]:
    frame = pd.read_csv(path, dtype=str, encoding="latin-1")
    column = next(c for c in frame.columns if re.fullmatch(r"POPESTIMATE\d{4}", c))
    frame = frame[frame["COUNTY"] != "000"]  # state totals
    name = frame["CTYNAME"].str.strip()
    for suffix in SUFFIXES:
        name = name.str.removesuffix(suffix)
    return pd.DataFrame({
        "county_fips": frame["STATE"].str.zfill(2) + frame["COUNTY"].str.zfill(3),
        "county": name, "state_fips": frame["STATE"].str.zfill(2),
        "state": frame["STNAME"].str.strip(),
        "population": frame[column].astype(int),
    }), column[-4:]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--cbsa-2023", type=Path, required=True)
    ap.add_argument("--cbsa-2020", type=Path, required=True)
    ap.add_argument("--population", type=Path, required=True)
    args = ap.parse_args()
    new, old = read_delineation(args.cbsa_2023), read_delineation(args.cbsa_2020)
    pop, year = read_population(args.population)
    if len(pop) < 3000:
        raise SystemExit(f"{args.population}: only {len(pop)} counties")
    out = pop.merge(old.add_suffix("_2020").rename(columns={"county_fips_2020": "county_fips"}),
                    on="county_fips", how="left")
    out = out.merge(new.add_suffix("_2023").rename(columns={"county_fips_2023": "county_fips"}),
                    on="county_fips", how="left")
    missing = set(new["county_fips"]) - set(pop["county_fips"])
    print(f"{len(out)} counties; population {year}; {len(old)} in 2020 CBSAs, {len(new)} in "
          f"2023 CBSAs; {len(missing)} CBSA counties without a population row "
          f"(e.g. Connecticut's planning regions): {sorted(missing)[:10]}")
    out = out.sort_values("county_fips").fillna("")
    OUT_DIR.mkdir(parents=True, exist_ok=True)
    out.to_csv(OUT_DIR / "counties.csv", index=False)
    for path in (args.cbsa_2023, args.cbsa_2020, args.population):
        print(f"{path.name}: sha256 {_sha256(path)}")


if __name__ == "__main__":
    main()
