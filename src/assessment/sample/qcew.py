"""Synthetic QCEW annual area files in the official open-data CSV layout.

Written from :class:`~assessment.sample.universe.Universe` for every county and benchmark and
every analysis year, at the paths :func:`assessment.sources.qcew.remote_files` names, with the
official 38 columns, BLS's quoting (codes quoted, numbers bare) and BLS's suppression convention
(``disclosure_code`` ``N`` with zeros published) for small county subsectors.
"""

from __future__ import annotations

import csv
import io

import numpy as np
import pandas as pd

from assessment import download
from assessment.constants import QCEW_SUPPRESSED
from assessment.paths import DataDirs
from assessment.region import Region
from assessment.sample.universe import Universe
from assessment.sources import qcew

HEADER = [
    "area_fips", "own_code", "industry_code", "agglvl_code", "size_code", "year", "qtr",
    "disclosure_code", "annual_avg_estabs", "annual_avg_emplvl", "total_annual_wages",
    "taxable_annual_wages", "annual_contributions", "annual_avg_wkly_wage", "avg_annual_pay",
    "lq_disclosure_code", "lq_annual_avg_estabs", "lq_annual_avg_emplvl", "lq_total_annual_wages",
    "lq_taxable_annual_wages", "lq_annual_contributions", "lq_annual_avg_wkly_wage",
    "lq_avg_annual_pay", "oty_disclosure_code", "oty_annual_avg_estabs_chg",
    "oty_annual_avg_estabs_pct_chg", "oty_annual_avg_emplvl_chg", "oty_annual_avg_emplvl_pct_chg",
    "oty_total_annual_wages_chg", "oty_total_annual_wages_pct_chg",
    "oty_taxable_annual_wages_chg", "oty_taxable_annual_wages_pct_chg",
    "oty_annual_contributions_chg", "oty_annual_contributions_pct_chg",
    "oty_annual_avg_wkly_wage_chg", "oty_annual_avg_wkly_wage_pct_chg",
    "oty_avg_annual_pay_chg", "oty_avg_annual_pay_pct_chg",
]  # fmt: skip
_QUOTED = {"area_fips", "own_code", "industry_code", "agglvl_code", "size_code", "year", "qtr",
           "disclosure_code", "lq_disclosure_code", "oty_disclosure_code"}
# agglvl by area kind: (total by ownership, sector, subsector); total covered is kind's base.
_AGGLVL = {"nation": (10, 11, 14, 15), "state": (50, 51, 54, 55), "county": (70, 71, 74, 75)}
GOVERNMENT_SHARE = 0.17  # total covered = private / (1 - share)


def _suppress(u: pd.DataFrame, seed: int) -> pd.Series:
    """County subsectors BLS would not disclose: very few establishments, plus a random few."""
    rng = np.random.default_rng(seed + 7)
    small = (u.kind == "county") & (u.industry.str.len() == 3)
    few = small & (u.estabs < 3)
    chance = small & (u.employment < 150) & (rng.random(len(u)) < 0.3)
    # Suppression is a property of the county x subsector, steady across years.
    flag = few | chance
    key = u.area + u.industry
    return key.isin(set(key[flag]))


def area_frame(universe: Universe, area: str, year: int) -> pd.DataFrame:
    """One area file's rows, as strings in the official layout."""
    u = universe.employment
    u = u.assign(suppressed=_suppress(u, universe.seed))
    nation = u[(u.kind == "nation")].set_index(["year", "industry"])
    cur = u[(u.area == area) & (u.year == year)]
    prev = u[(u.area == area) & (u.year == year - 1)].set_index("industry")
    kind = cur.kind.iloc[0]
    lv_total, lv_own, lv_sector, lv_sub = _AGGLVL[kind]
    private_total = cur.loc[cur.industry == "10"].iloc[0]

    rows = []
    total_emp = round(private_total.employment / (1 - GOVERNMENT_SHARE))
    total_wages = round(private_total.total_wages / (1 - GOVERNMENT_SHARE) * 1.05)
    rows.append(dict(own_code=0, industry_code="10", agglvl_code=lv_total,
                     estabs=round(private_total.estabs * 1.03), emp=total_emp, wages=total_wages,
                     suppressed=False, lq=1.0, prev=None))
    for r in cur.itertuples():
        level = lv_own if r.industry == "10" else lv_sector if r.industry == "31-33" else lv_sub
        nat_share = (nation.loc[(year, r.industry), "employment"]
                     / nation.loc[(year, "10"), "employment"])
        share = r.employment / private_total.employment
        p = prev.loc[r.industry] if r.industry in prev.index else None
        rows.append(dict(own_code=5, industry_code=r.industry, agglvl_code=level,
                         estabs=r.estabs, emp=r.employment, wages=r.total_wages,
                         suppressed=bool(r.suppressed), lq=round(share / nat_share, 2), prev=p))
    out = []
    for r in rows:
        sup = r["suppressed"]
        emp, wages = (0, 0) if sup else (r["emp"], r["wages"])
        pay = round(wages / emp) if emp else 0
        wkly = round(pay / 52)
        p = r["prev"]
        if p is not None and not sup:
            d_emp = r["emp"] - p.employment
            pct = round(100 * d_emp / p.employment, 1) if p.employment else 0.0
            oty = ("", r["estabs"] - p.estabs, 0.0, d_emp, pct)
        else:
            oty = (QCEW_SUPPRESSED if sup else "", 0, 0.0, 0, 0.0)
        out.append([
            area, r["own_code"], r["industry_code"], r["agglvl_code"], 0, year, "A",
            QCEW_SUPPRESSED if sup else "", r["estabs"], emp, wages, round(wages * 0.11),
            round(wages * 0.004), wkly, pay,
            QCEW_SUPPRESSED if sup else "", 1.0, 0.0 if sup else r["lq"], 0.0 if sup else 1.0,
            0.0, 0.0, 0.0 if sup else 1.0, 0.0 if sup else 1.0,
            oty[0], oty[1], oty[2], oty[3], oty[4], 0, 0.0, 0, 0.0, 0, 0.0, 0, 0.0, 0, 0.0,
        ])
    return pd.DataFrame(out, columns=HEADER)


def to_csv_text(frame: pd.DataFrame) -> str:
    """BLS's quoting: header and code columns quoted, numbers bare, CRLF-free."""
    buf = io.StringIO()
    w = csv.writer(buf, quoting=csv.QUOTE_NONE, lineterminator="\n", escapechar="\\")
    buf.write(",".join(f'"{h}"' for h in frame.columns) + "\n")
    for row in frame.itertuples(index=False):
        cells = [f'"{v}"' if col in _QUOTED else str(v) for col, v in zip(frame.columns, row,
                                                                        strict=True)]
        buf.write(",".join(cells) + "\n")
    del w
    return buf.getvalue()


def build(region: Region, dirs: DataDirs, universe: Universe) -> list:
    written = []
    for rf in qcew.remote_files(region, dirs):
        year = int(rf.dest.parts[-4])
        area = rf.dest.stem
        text = to_csv_text(area_frame(universe, area, year))
        rf.dest.parent.mkdir(parents=True, exist_ok=True)
        rf.dest.write_text(text, encoding="utf-8")
        download.record_sample(rf)
        written.append(rf.dest)
    return written
