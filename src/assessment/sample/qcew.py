"""Synthetic QCEW open-data slices in the official CSV layouts.

Written from :class:`~assessment.sample.universe.Universe` at the paths
:func:`assessment.sources.qcew.remote_files` names, with BLS's quoting (codes quoted, numbers
bare) and BLS's suppression convention (``disclosure_code`` ``N`` with zeros published):

* annual area files (38 columns) for every county and benchmark, every analysis year;
* quarterly area files (42 columns) for the region's counties, recent quarters: the annual level
  spread over the months with a harvest-season swing in food manufacturing, and one ``-`` cell
  per county (a subsector with no establishment that quarter);
* annual manufacturing industry slices: the nation, the state, the region's counties and metro
  areas (a metro area of one county repeats its figures, one of several sums them), the state's
  other counties, its "unknown or undefined" row and a few out-of-state peer counties.
  Counties outside the region are invented (seeded draws around each county's population,
  calibrated to the state total), and the smallest are suppressed;
* first-quarter size-class slices: the nation and the state, private all industries and
  manufacturing, for each size class.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from assessment import download, regionfile
from assessment.constants import QCEW_NOT_AVAILABLE, QCEW_SUPPRESSED
from assessment.paths import DataDirs
from assessment.region import Region
from assessment.sample.universe import Universe
from assessment.sources import qcew

QUARTERLY_HEADER = [
    "area_fips", "own_code", "industry_code", "agglvl_code", "size_code", "year", "qtr",
    "disclosure_code", "qtrly_estabs", "month1_emplvl", "month2_emplvl", "month3_emplvl",
    "total_qtrly_wages", "taxable_qtrly_wages", "qtrly_contributions", "avg_wkly_wage",
    "lq_disclosure_code", "lq_qtrly_estabs", "lq_month1_emplvl", "lq_month2_emplvl",
    "lq_month3_emplvl", "lq_total_qtrly_wages", "lq_taxable_qtrly_wages",
    "lq_qtrly_contributions", "lq_avg_wkly_wage", "oty_disclosure_code", "oty_qtrly_estabs_chg",
    "oty_qtrly_estabs_pct_chg", "oty_month1_emplvl_chg", "oty_month1_emplvl_pct_chg",
    "oty_month2_emplvl_chg", "oty_month2_emplvl_pct_chg", "oty_month3_emplvl_chg",
    "oty_month3_emplvl_pct_chg", "oty_total_qtrly_wages_chg", "oty_total_qtrly_wages_pct_chg",
    "oty_taxable_qtrly_wages_chg", "oty_taxable_qtrly_wages_pct_chg",
    "oty_qtrly_contributions_chg", "oty_qtrly_contributions_pct_chg", "oty_avg_wkly_wage_chg",
    "oty_avg_wkly_wage_pct_chg",
]  # fmt: skip

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
    buf.write(",".join(f'"{h}"' for h in frame.columns) + "\n")
    for row in frame.itertuples(index=False):
        cells = [f'"{v}"' if col in _QUOTED else str(v) for col, v in zip(frame.columns, row,
                                                                        strict=True)]
        buf.write(",".join(cells) + "\n")
    return buf.getvalue()


# --- quarterly area files ---------------------------------------------------------------------

# Month-of-year employment factors (mean 1). Valley food processing swells with the harvest.
SEASON_FOOD = np.array([0.86, 0.84, 0.86, 0.90, 0.95, 1.03, 1.13, 1.22, 1.22, 1.08, 0.98, 0.93])
SEASON_OTHER = np.array([0.985, 0.985, 0.99, 0.995, 1.0, 1.005, 1.005, 1.01, 1.01, 1.005, 1.005,
                         1.005])
FOOD = "311"


def _months(annual: float, season: np.ndarray, qtr: int) -> np.ndarray:
    return np.round(annual * season[3 * (qtr - 1): 3 * qtr])


def _not_available_cell(universe: Universe, area: str) -> tuple[str, int, int]:
    """(subsector, year, quarter) written as ``-`` in a county's quarterly files: its smallest
    subsector in the first recent quarter."""
    year, qtr = qcew.recent_quarters(universe.region)[0]
    u = universe.employment
    cur = u[(u.area == area) & (u.year == year) & (u.industry.str.len() == 3)]
    return cur.loc[cur.employment.idxmin(), "industry"], year, qtr


def _quarterly_row(area: str, year: int, qtr: int, own: int, industry: str, agglvl: int,
                   estabs: int, months: np.ndarray, wages: float, lq: float,
                   flag: str = "") -> list:
    withheld = flag != ""
    if withheld:
        months, wages = np.zeros(3), 0
    wages = round(wages)
    mean = months.mean()
    wkly = round(wages / mean / 13) if mean else 0
    m1, m2, m3 = (int(m) for m in months)
    lq_flag = QCEW_SUPPRESSED if withheld else ""
    lq_value = 0.0 if withheld else lq
    return [area, own, industry, agglvl, 0, year, qtr, flag, estabs, m1, m2, m3, wages,
            round(wages * 0.09), round(wages * 0.003), wkly,
            lq_flag, 0.0 if withheld else 1.0, lq_value, lq_value, lq_value,
            0.0 if withheld else 1.0, 0.0, 0.0, 0.0 if withheld else 1.0,
            lq_flag, 0, 0.0, 0, 0.0, 0, 0.0, 0, 0.0, 0, 0.0, 0, 0.0, 0, 0.0, 0, 0.0]


def quarterly_area_frame(universe: Universe, area: str, year: int, qtr: int) -> pd.DataFrame:
    """One county's quarterly area file, as values in the official layout."""
    u = universe.employment
    u = u.assign(suppressed=_suppress(u, universe.seed))
    nation = u[(u.kind == "nation") & (u.year == year)].set_index("industry")
    cur = u[(u.area == area) & (u.year == year)].set_index("industry")
    kind = cur.kind.iloc[0]
    lv_total, lv_own, lv_sector, lv_sub = _AGGLVL[kind]
    gone = _not_available_cell(universe, area)
    private = cur.loc["10"]
    nat_private = nation.loc["10", "employment"]

    def lq(industry: str, months: np.ndarray) -> float:
        share = months[2] / private_months[2]
        return round(share / (nation.loc[industry, "employment"] / nat_private), 2)

    subsectors = [i for i in cur.index if len(i) == 3]
    sub_months = {i: _months(cur.loc[i, "employment"],
                             SEASON_FOOD if i == FOOD else SEASON_OTHER, qtr) for i in subsectors}
    season_share = {i: sub_months[i].sum() / max(cur.loc[i, "employment"] * 12, 1)
                    for i in subsectors}
    sector_months = sum(sub_months.values())
    sector_annual = cur.loc["31-33", "employment"]
    private_months = (_months(private.employment, SEASON_OTHER, qtr)
                      + sector_months - _months(sector_annual, SEASON_OTHER, qtr))
    private_wages = private.total_wages * private_months.sum() / (private.employment * 12)

    rows = [_quarterly_row(area, year, qtr, 0, "10", lv_total,
                           round(private.estabs * 1.03),
                           np.round(private_months / (1 - GOVERNMENT_SHARE)),
                           private_wages / (1 - GOVERNMENT_SHARE) * 1.05, 1.0),
            _quarterly_row(area, year, qtr, 5, "10", lv_own, int(private.estabs), private_months,
                           private_wages, 1.0)]
    sector_wages = sum(cur.loc[i, "total_wages"] * season_share[i] for i in subsectors)
    rows.append(_quarterly_row(area, year, qtr, 5, "31-33", lv_sector,
                               int(cur.loc["31-33", "estabs"]), sector_months, sector_wages,
                               lq("31-33", sector_months)))
    for i in subsectors:
        r = cur.loc[i]
        flag = QCEW_SUPPRESSED if r.suppressed else ""
        estabs = int(r.estabs)
        if (i, year, qtr) == gone:
            flag, estabs = QCEW_NOT_AVAILABLE, 0
        rows.append(_quarterly_row(area, year, qtr, 5, i, lv_sub, estabs, sub_months[i],
                                   r.total_wages * season_share[i], lq(i, sub_months[i]), flag))
    return pd.DataFrame(rows, columns=QUARTERLY_HEADER)


# --- the manufacturing industry slice -----------------------------------------------------------

# California's 58 counties (odd FIPS 001-115) with their population in thousands, rounded: the
# scale the invented figures are drawn around, so a mountain county stays small.
CALIFORNIA_COUNTIES = {
    "06001": 1680, "06003": 1, "06005": 41, "06007": 210, "06009": 46, "06011": 22,
    "06013": 1160, "06015": 27, "06017": 192, "06019": 1010, "06021": 29, "06023": 136,
    "06025": 180, "06027": 19, "06029": 910, "06031": 153, "06033": 68, "06035": 33,
    "06037": 9830, "06039": 157, "06041": 262, "06043": 17, "06045": 91, "06047": 282,
    "06049": 9, "06051": 13, "06053": 439, "06055": 138, "06057": 102, "06059": 3190,
    "06061": 405, "06063": 20, "06065": 2420, "06067": 1580, "06069": 64, "06071": 2180,
    "06073": 3300, "06075": 850, "06077": 780, "06079": 282, "06081": 750, "06083": 448,
    "06085": 1930, "06087": 270, "06089": 182, "06091": 3, "06093": 44, "06095": 450,
    "06097": 490, "06099": 552, "06101": 99, "06103": 65, "06105": 16, "06107": 473,
    "06109": 55, "06111": 840, "06113": 217, "06115": 81,
}  # fmt: skip
UNDEFINED_COUNTY = "999"  # state FIPS + 999: "Unknown Or Undefined, <state>"
UNDEFINED_SHARE = 0.004  # of the state's manufacturing employment
# Invented out-of-state peers (private employment, manufacturing employment): food-processing
# counties elsewhere, for the comparison chart only. No figure is a real statistic.
PEERS = {
    "16027": (68_000, 11_500),  # Canyon County, Idaho
    "41047": (118_000, 10_200),  # Marion County, Oregon
    "48215": (225_000, 6_100),  # Hidalgo County, Texas
    "53077": (86_000, 8_900),  # Yakima County, Washington
}
SUPPRESSED_SMALLEST = 4  # the smallest invented California counties are not disclosed


@dataclass(frozen=True)
class _Invented:
    area: str
    private_weight: float
    mfg_share: float
    pay_factor: float
    estab_size: float


def state_counties(region: Region) -> dict[str, int]:
    """The region's state's counties with their population in thousands: California's from the
    table above, any other state's from the bundled Census table (Vintage 2024)."""
    if region.in_california:
        return CALIFORNIA_COUNTIES
    return {f: max(round(pop / 1000), 1)
            for f, (_name, pop) in regionfile.state_counties(region.state.fips).items()}


def peers(region: Region) -> dict[str, tuple[int, int]]:
    """Out-of-state peers: those of :data:`PEERS` outside the region's state."""
    return {a: v for a, v in PEERS.items() if not a.startswith(region.state.fips)}


def _invented_counties(universe: Universe) -> list[_Invented]:
    """The state's counties outside the region: seeded, fixed across years."""
    rng = np.random.default_rng(universe.seed + 31)
    out = []
    for area, population in state_counties(universe.region).items():
        draws = (population * rng.lognormal(0, 0.15), rng.uniform(0.02, 0.12),
                 rng.lognormal(0, 0.15), rng.uniform(20, 45))
        if area not in universe.region.county_fips:
            out.append(_Invented(area, *draws))
    return out


def _sector_row(frame: pd.DataFrame, sector: str) -> pd.Series:
    return frame[(frame.own_code == 5) & (frame.industry_code == sector)].iloc[0]


def metro_rows(universe: Universe, year: int) -> list[pd.Series]:
    """One private-sector row per metro area of the region's counties. A metro area of one
    county repeats that county's row; one of several sums its counties (establishments,
    employment, wages), as the metro area's own QCEW row would, disclosed."""
    region = universe.region
    sector = region.industry.sector
    metros: dict[str, list[str]] = {}
    for county in region.counties:
        if county.qcew_msa:
            metros.setdefault(county.qcew_msa, []).append(county.fips)
    u = universe.employment
    nation = u[(u.kind == "nation") & (u.year == year)].set_index("industry")["employment"]
    nat_share = nation[sector] / nation["10"]
    out = []
    for msa, fips in metros.items():
        row = _sector_row(area_frame(universe, fips[0], year), sector).copy()
        row["area_fips"], row["agglvl_code"] = msa, qcew.AGGLVL_MSA_SECTOR
        if len(fips) > 1:
            cur = u[u.area.isin(fips) & (u.year == year)].groupby("industry")[
                ["estabs", "employment", "total_wages"]].sum()
            prev = u[u.area.isin(fips) & (u.year == year - 1)].groupby("industry")[
                ["estabs", "employment"]].sum()
            c = cur.loc[sector]
            pay = round(c.total_wages / c.employment) if c.employment else 0
            row["disclosure_code"] = row["lq_disclosure_code"] = row["oty_disclosure_code"] = ""
            row["annual_avg_estabs"] = int(c.estabs)
            row["annual_avg_emplvl"] = int(c.employment)
            row["total_annual_wages"] = int(c.total_wages)
            row["taxable_annual_wages"] = round(c.total_wages * 0.11)
            row["annual_contributions"] = round(c.total_wages * 0.004)
            row["avg_annual_pay"], row["annual_avg_wkly_wage"] = pay, round(pay / 52)
            row["lq_annual_avg_emplvl"] = round(c.employment / cur.loc["10", "employment"]
                                                / nat_share, 2)
            if sector in prev.index and prev.loc[sector, "employment"]:
                p = prev.loc[sector]
                d = int(c.employment - p.employment)
                row["oty_annual_avg_estabs_chg"] = int(c.estabs - p.estabs)
                row["oty_annual_avg_emplvl_chg"] = d
                row["oty_annual_avg_emplvl_pct_chg"] = round(100 * d / p.employment, 1)
        out.append(row)
    return out


def industry_frame(universe: Universe, year: int) -> pd.DataFrame:
    """The annual manufacturing industry slice for ``year``: every area's private sector row."""
    region = universe.region
    sector = region.industry.sector
    u = universe.employment
    rows = []
    state, nation = region.benchmarks.state.qcew, region.benchmarks.nation.qcew
    for area in [nation, state, *region.county_fips]:
        rows.append(_sector_row(area_frame(universe, area, year), sector))
    rows += metro_rows(universe, year)

    cur = u[u.year == year].set_index(["area", "industry"])
    nat_share = cur.loc[(nation, sector), "employment"] / cur.loc[(nation, "10"), "employment"]
    state_mfg = cur.loc[(state, sector), "employment"]
    state_private = cur.loc[(state, "10"), "employment"]
    state_pay = cur.loc[(state, sector), "avg_annual_pay"]
    in_region = [cur.loc[(a, k), "employment"] for a in region.county_fips for k in ("10", sector)]
    invented = _invented_counties(universe)
    private = np.array([c.private_weight for c in invented])
    private = private / private.sum() * (state_private - sum(in_region[0::2]))
    mfg = private * np.array([c.mfg_share for c in invented])
    mfg_left = state_mfg * (1 - UNDEFINED_SHARE) - sum(in_region[1::2])
    mfg = np.round(mfg / mfg.sum() * mfg_left)
    smallest = set(np.argsort(mfg)[:SUPPRESSED_SMALLEST])

    def row(area: str, emp: float, private_emp: float, pay: float, estab_size: float,
            suppressed: bool) -> list:
        estabs = max(round(emp / estab_size), 1)
        wages = round(emp * pay)
        lq = round(emp / private_emp / nat_share, 2)
        flag = QCEW_SUPPRESSED if suppressed else ""
        if suppressed:
            emp, wages, lq = 0, 0, 0.0
        annual_pay = round(wages / emp) if emp else 0
        return [area, 5, sector, qcew.AGGLVL_COUNTY_SECTOR, 0, year, "A", flag, estabs,
                int(emp), wages, round(wages * 0.11), round(wages * 0.004),
                round(annual_pay / 52), annual_pay, flag, 1.0, lq, 0.0 if suppressed else 1.0,
                0.0, 0.0, 0.0 if suppressed else 1.0, 0.0 if suppressed else 1.0,
                flag, 0, 0.0, 0, 0.0, 0, 0.0, 0, 0.0, 0, 0.0, 0, 0.0, 0, 0.0]

    extra = [row(c.area, mfg[i], private[i], state_pay * c.pay_factor, c.estab_size,
                 i in smallest) for i, c in enumerate(invented)]
    extra.append(row(region.state.fips + UNDEFINED_COUNTY, round(state_mfg * UNDEFINED_SHARE),
                     state_private * UNDEFINED_SHARE * 10, state_pay, 30, False))
    inflation = 1.035 ** (year - 2023)
    growth = 1.01 ** (year - 2023)
    for area, (private_emp, mfg_emp) in peers(region).items():
        extra.append(row(area, round(mfg_emp * growth), private_emp * growth,
                         58_000 * inflation, 30, False))
    frame = pd.concat([pd.DataFrame(rows, columns=HEADER), pd.DataFrame(extra, columns=HEADER)],
                      ignore_index=True)
    order = sorted(range(len(frame)), key=lambda i: (frame.area_fips[i] != nation,
                                                     frame.area_fips[i].startswith("C"),
                                                     frame.area_fips[i]))
    return frame.iloc[order].reset_index(drop=True)


# --- first-quarter size classes -----------------------------------------------------------------

# Share of establishments and mean employees per establishment by size class 1-9, before the
# employment is scaled to the area's total (a typical shape; not a published distribution).
_SIZE_SHAPE = {
    "31-33": ([0.38, 0.16, 0.15, 0.15, 0.07, 0.055, 0.02, 0.008, 0.004],
              [2, 7, 14, 31, 70, 155, 345, 680, 2100]),
    "10": ([0.55, 0.18, 0.12, 0.09, 0.03, 0.02, 0.006, 0.002, 0.001],
           [1.8, 6.8, 13.5, 30, 68, 150, 340, 680, 2600]),
}
_SIZE_PAY = np.array([0.75, 0.8, 0.85, 0.9, 0.95, 1.0, 1.05, 1.1, 1.2])
_SIZE_AGGLVL = {"nation": {"10": 21, "31-33": qcew.AGGLVL_NATIONAL_SECTOR_BY_SIZE},
                "state": {"10": 61, "31-33": qcew.AGGLVL_STATE_SECTOR_BY_SIZE}}


def _size_classes(universe: Universe, area: str, industry: str, year: int) -> pd.DataFrame:
    """Establishments, March employment and quarterly wages by size class (index 1-9)."""
    u = universe.employment
    cur = u[(u.area == area) & (u.year == year) & (u.industry == industry)].iloc[0]
    shares, means = (np.array(v, dtype=float) for v in _SIZE_SHAPE.get(industry,
                                                                       _SIZE_SHAPE["31-33"]))
    if industry not in _SIZE_SHAPE:  # a subsector: lean toward the classes its mean size fits
        sector = u[(u.area == area) & (u.year == year) & (u.industry == "31-33")].iloc[0]
        ratio = (cur.employment / max(cur.estabs, 1)) / (sector.employment / sector.estabs)
        shares = shares * np.exp(0.3 * (np.arange(1, 10) - 5) * np.log(ratio))
    if area != universe.region.benchmarks.nation.qcew:  # the state's own tilt, fixed by the seed
        shares = shares * np.random.default_rng(universe.seed + 41).lognormal(0, 0.1, len(shares))
    estabs = np.round(cur.estabs * shares / shares.sum())
    march = cur.employment * SEASON_OTHER[2]
    emp = estabs * means
    emp = np.round(emp / emp.sum() * march)
    wages = np.round(emp * cur.avg_annual_pay * _SIZE_PAY / 4)
    return pd.DataFrame({"estabs": estabs.astype(int), "emp": emp, "wages": wages},
                        index=pd.RangeIndex(1, 10, name="size_code"))


def size_frame(universe: Universe, year: int, size_code: int) -> pd.DataFrame:
    """The first-quarter size slice for one size class: nation and state, private all
    industries and manufacturing, and the nation's manufacturing subsectors."""
    region = universe.region
    areas = {"nation": region.benchmarks.nation.qcew, "state": region.benchmarks.state.qcew}
    classes = {(kind, ind): _size_classes(universe, area, ind, year)
               for kind, area in areas.items() for ind in ("10", region.industry.sector)}
    rows = []
    for kind, area in areas.items():
        for ind in ("10", region.industry.sector):
            c = classes[(kind, ind)].loc[size_code]
            nat = classes[("nation", ind)].loc[size_code]
            share = c.emp / classes[(kind, "10")].emp.sum()
            nat_share = nat.emp / classes[("nation", "10")].emp.sum()
            months = np.round(c.emp * SEASON_OTHER[:3] / SEASON_OTHER[2])
            rows.append(_quarterly_row(area, year, qcew.SIZE_QUARTER, 5, ind,
                                       _SIZE_AGGLVL[kind][ind], int(c.estabs), months, c.wages,
                                       round(share / nat_share, 2)))
    nation = areas["nation"]
    for ind in region.industry.subsectors:
        c = _size_classes(universe, nation, ind, year).loc[size_code]
        months = np.round(c.emp * SEASON_OTHER[:3] / SEASON_OTHER[2])
        rows.append(_quarterly_row(nation, year, qcew.SIZE_QUARTER, 5, ind,
                                   qcew.AGGLVL_NATIONAL_SUBSECTOR_BY_SIZE, int(c.estabs), months,
                                   c.wages, 1.0))  # the nation's LQ is 1 by definition
    frame = pd.DataFrame(rows, columns=QUARTERLY_HEADER)
    frame["size_code"] = size_code
    return frame


# --- writing ------------------------------------------------------------------------------------


def _write(rf: download.RemoteFile, frame: pd.DataFrame) -> Path:
    rf.dest.parent.mkdir(parents=True, exist_ok=True)
    rf.dest.write_text(to_csv_text(frame), encoding="utf-8")
    download.record_sample(rf)
    return rf.dest


def build(region: Region, dirs: DataDirs, universe: Universe) -> list[Path]:
    written = []
    for rf in qcew.annual_files(region, dirs):
        year, area = int(rf.dest.parts[-4]), rf.dest.stem
        written.append(_write(rf, area_frame(universe, area, year)))
    for rf in qcew.quarterly_files(region, dirs):
        year, qtr, area = int(rf.dest.parts[-4]), int(rf.dest.parts[-3]), rf.dest.stem
        written.append(_write(rf, quarterly_area_frame(universe, area, year, qtr)))
    for rf in qcew.industry_files(region, dirs):
        written.append(_write(rf, industry_frame(universe, int(rf.dest.parts[-4]))))
    for rf in qcew.size_files(region, dirs):
        year, size_code = int(rf.dest.parts[-4]), int(rf.dest.stem)
        written.append(_write(rf, size_frame(universe, year, size_code)))
    return written
