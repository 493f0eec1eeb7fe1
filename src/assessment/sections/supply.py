"""Section 3b, training supply: what the region's colleges and apprenticeships produce each year
for the priority occupations, against the openings ahead.

Sources (processed tables): NCES IPEDS ``ipeds_institutions`` and ``ipeds_completions`` (every
institution in the region's counties, any sector); CCC DataMart ``ccc_awards`` and the TOP-CIP
crosswalk ``top_cip`` (California regions); the CIP-SOC crosswalk ``cip_soc``; the union
survey's ``survey_union_programs``; the partnership's ``apprenticeship_programs``; EDD openings
and the priority criteria through :mod:`assessment.sections.occupations`.

Methods, each a small function below with a hand-calculated test:

* **Completions a year** (:func:`college_programs`): IPEDS first-major awards (``MAJORNUM`` 1:
  a double major is one graduate, counted once) at every institution in the region, averaged
  over the collection years. For a community college DataMart counts awards IPEDS does not
  (locally approved certificates); for each college and year the source that counts *more*
  awards in all programs is used, never both (:func:`choose_source`). DataMart's TOP programs
  are carried onto CIP codes by the TOP-CIP crosswalk.
* **Sharing rule** (:func:`share_to_occupations`): a program that prepares for several
  occupations is split equally among them, and a TOP program that maps to several CIP codes is
  split equally among those first, so every award is counted once in total. An award in TOP
  095650 (Welding Technology, CIP 15.0614 and 48.0508) gives 1/2 to each CIP; 48.0508's half
  is then split among the occupations the CIP-SOC crosswalk gives it.
* **Apprenticeship** (:func:`apprenticeship_supply`): completers a year of the registered
  programs the partnership lists (latest year); where it keeps no table, the union survey's
  registered-apprenticeship seats a year (capacity, an upper bound on completers), published
  only where the survey's disclosure rule allows. Never both.
* **Gap** (:func:`gap`): openings a year (EDD) minus supply a year (completions + apprenticeship);
  coverage = supply / openings.
* **Supply criterion** (:data:`SUPPLY_CRITERION`) and the **sensitivity check**
  (:func:`sensitivity`): every combination of criterion weights and thresholds in
  :data:`WEIGHTS`, :data:`PAY_FACTORS`, :data:`MFG_THRESHOLDS`, :data:`SUPPLY_THRESHOLDS`.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

import geopandas as gpd
import matplotlib.pyplot as plt
import matplotlib.ticker as mticker
import numpy as np
import pandas as pd

from assessment import dataset, figures, present
from assessment.paths import Mode
from assessment.sections import occupations as occ
from assessment.sources import ccc_awards as ccc_source
from assessment.sources import ipeds
from assessment.survey import disclosure

PRIORITY_N = occ.PRIORITY_N
TOP_N = 10  # the top-ten test of the sensitivity check
DATAMART, IPEDS = "DataMart", "IPEDS"
DATAMART_LEVEL = 0  # DataMart's export counts every award type together
LEVEL_GROUPS = {  # award levels as the tables show them
    1: "Certificate under 1 year", 20: "Certificate under 1 year",
    21: "Certificate under 1 year", 2: "Certificate 1-2 years", 3: "Associate degree",
    4: "Certificate 2-4 years", 5: "Bachelor's or higher", 6: "Bachelor's or higher",
    7: "Bachelor's or higher", 8: "Bachelor's or higher", 17: "Bachelor's or higher",
    18: "Bachelor's or higher", 19: "Bachelor's or higher",
    DATAMART_LEVEL: "Community college awards (DataMart, all types)",
}
LEVEL_ORDER = ["Certificate under 1 year", "Certificate 1-2 years", "Associate degree",
               "Certificate 2-4 years", "Community college awards (DataMart, all types)",
               "Bachelor's or higher"]
REGISTERED = "registered_apprenticeship"

# The supply criterion: low coverage of openings by supply raises priority.
SUPPLY_LOW, SUPPLY_HIGH = 1 / 3, 2 / 3
SUPPLY_CRITERION = ("Supply (0-2 points)",
                    f"2 if the region's completions and apprenticeship completers a year cover "
                    f"less than {SUPPLY_LOW:.0%} of the occupation's openings a year (a large "
                    f"unmet gap), 1 if less than {SUPPLY_HIGH:.0%}, 0 otherwise; an occupation "
                    "no program in the crosswalks trains for has no supply and scores 2")
# The sensitivity grid: each weight, and each threshold, across a stated range.
WEIGHTS = (0.5, 1.0, 1.5)  # applied to each criterion's points in turn (all combinations)
PAY_FACTORS = (0.9, 1.0, 1.1)  # family-sustaining wage 10% lower, as set, 10% higher
MFG_THRESHOLDS = ((40.0, 15.0), (occ.HIGH_MFG_SHARE, occ.MID_MFG_SHARE), (60.0, 25.0))
SUPPLY_THRESHOLDS = ((0.25, 0.5), (SUPPLY_LOW, SUPPLY_HIGH), (0.5, 1.0))
CRITERIA_NAMES = ("openings", "pay", "mfg", "supply")


def _load(name: str, mode: Mode, region) -> pd.DataFrame:
    return dataset.load(name, mode, region)


def _optional(name: str, mode: Mode, region) -> pd.DataFrame | None:
    try:
        return _load(name, mode, region)
    except FileNotFoundError:
        return None


# --- pure computations (hand-calculated tests in tests/test_section_supply.py) ---------------


def cip_soc_shares(cip_soc: pd.DataFrame) -> pd.DataFrame:
    """``cip, soc, soc_share``: each matched CIP's occupations, 1 / (its number of them)."""
    x = cip_soc[cip_soc["matched"]][["cip", "soc"]].drop_duplicates()
    return x.assign(soc_share=1.0 / x.groupby("cip")["soc"].transform("count")
                    ).reset_index(drop=True)


def datamart_by_cip(awards: pd.DataFrame, top_cip: pd.DataFrame, years: list[int]
                    ) -> pd.DataFrame:
    """DataMart awards on CIP codes: ``unitid, year, cip, completions`` (awards x the TOP-CIP
    share). ``year`` is the IPEDS collection year of the academic year (2022-2023 -> 2023).
    TOP programs the crosswalk does not map keep ``cip`` empty: they count in the college's
    total (for choosing the source) but train for no occupation here."""
    a = awards.copy()
    a["year"] = a["academic_year"].str[-4:].astype(int)
    a = a[a["year"].isin(years)]
    m = a.merge(top_cip[["top_code", "cip", "share"]], on="top_code", how="left")
    m["share"] = m["share"].fillna(1.0)
    m["completions"] = m["awards"].astype(float) * m["share"]
    out = m.groupby(["unitid", "year", "cip"], dropna=False, as_index=False)["completions"].sum()
    return out


def choose_source(ipeds_rows: pd.DataFrame, datamart_rows: pd.DataFrame,
                  community: set[int]) -> pd.DataFrame:
    """Per community college and year, the source with more awards in all programs.

    ``ipeds_rows``: ``unitid, year, cip, award_level, completions`` (first majors).
    ``datamart_rows``: ``unitid, year, cip, completions``. Returns the programs kept:
    ``unitid, year, cip, award_level, completions, source`` (DataMart rows carry
    :data:`DATAMART_LEVEL`); institutions that are not community colleges keep IPEDS."""
    ip = ipeds_rows.assign(source=IPEDS)
    dm = datamart_rows.assign(award_level=DATAMART_LEVEL, source=DATAMART)
    ip_tot = ip[ip["unitid"].isin(community)].groupby(["unitid", "year"])["completions"].sum()
    dm_tot = dm.groupby(["unitid", "year"])["completions"].sum()
    both = pd.concat({IPEDS: ip_tot, DATAMART: dm_tot}, axis=1).fillna(0.0)
    use_dm = set(both.index[both[DATAMART] > both[IPEDS]])
    ip_key = list(zip(ip["unitid"], ip["year"], strict=True))
    dm_key = list(zip(dm["unitid"], dm["year"], strict=True))
    kept_ip = ip[[k not in use_dm for k in ip_key]]
    kept_dm = dm[[k in use_dm for k in dm_key]]
    cols = ["unitid", "year", "cip", "award_level", "completions", "source"]
    return pd.concat([kept_ip[cols], kept_dm[cols]], ignore_index=True)


def share_to_occupations(programs: pd.DataFrame, shares: pd.DataFrame) -> pd.DataFrame:
    """Each program row split among its occupations: adds ``soc`` and ``supply`` =
    completions x soc_share. Programs with no occupation in the crosswalk are dropped here
    (they are counted by :func:`unassigned`)."""
    m = programs.merge(shares, on="cip", how="inner")
    return m.assign(supply=m["completions"].astype(float) * m["soc_share"])


def unassigned(programs: pd.DataFrame, shares: pd.DataFrame) -> float:
    """Completions in programs the CIP-SOC crosswalk matches to no occupation."""
    known = set(shares["cip"])
    return float(programs.loc[~programs["cip"].isin(known), "completions"].sum())


def gap(openings: pd.Series, college: pd.Series, apprenticeship: pd.Series) -> pd.DataFrame:
    """``openings, college, apprenticeship, supply, gap, coverage`` by SOC (the openings'
    index). Missing supply is zero supply; coverage is supply / openings."""
    idx = openings.index
    out = pd.DataFrame({"openings": openings.astype(float),
                        "college": college.reindex(idx).fillna(0.0).astype(float),
                        "apprenticeship": apprenticeship.reindex(idx).fillna(0.0).astype(float)})
    out["supply"] = out["college"] + out["apprenticeship"]
    out["gap"] = out["openings"] - out["supply"]
    out["coverage"] = out["supply"] / out["openings"].where(out["openings"] > 0)
    return out


def supply_points(coverage: pd.Series, low: float = SUPPLY_LOW, high: float = SUPPLY_HIGH
                  ) -> pd.Series:
    """2 below ``low`` coverage, 1 below ``high``, 0 otherwise (missing coverage: 0)."""
    c = coverage.astype(float)
    return pd.Series(np.where(c < low, 2, np.where(c < high, 1, 0)), index=coverage.index,
                     dtype="int64").where(c.notna(), 0)


def rank(score: np.ndarray, mfg_share: np.ndarray, openings: np.ndarray) -> np.ndarray:
    """Ranks (1 = first) by score, then manufacturing share, then openings (all descending),
    as the occupations section breaks ties."""
    order = np.lexsort((-np.nan_to_num(openings), -np.nan_to_num(mfg_share), -score))
    ranks = np.empty(len(score), dtype=int)
    ranks[order] = np.arange(1, len(score) + 1)
    return ranks


def points_for(c: pd.DataFrame, pay_factor: float, mfg: tuple[float, float],
               supply: tuple[float, float]) -> dict[str, np.ndarray]:
    """The four criteria's points for eligible candidates ``c`` under one set of thresholds."""
    pay = occ.pay_points(c["pct25_ratio"] / pay_factor, c["median_ratio"] / pay_factor,
                         c["top_coded"]).to_numpy(dtype=float)
    share = c["mfg_share"].astype(float).to_numpy()
    mfg_pts = np.where(share >= mfg[0], 2, np.where(share >= mfg[1], 1, 0)).astype(float)
    sup = supply_points(c["coverage"], *supply).to_numpy(dtype=float)
    return {"openings": c["openings_pts"].astype(float).to_numpy(), "pay": pay, "mfg": mfg_pts,
            "supply": sup}


def sensitivity(c: pd.DataFrame, top: int = TOP_N) -> pd.DataFrame:
    """Rank of every eligible candidate under every setting of the grid. ``c`` is indexed by
    SOC with ``openings_pts, pct25_ratio, median_ratio, top_coded, mfg_share, coverage,
    total_openings``. Returns one row per SOC: ``base_rank, best, worst, top_share`` (share of
    settings in the top ``top``), ``always_top`` and ``settings``."""
    mfg_share = c["mfg_share"].astype(float).to_numpy()
    openings = c["total_openings"].astype(float).to_numpy()
    ranks = []
    base = None
    for pay_f, mfg_t, sup_t in itertools.product(PAY_FACTORS, MFG_THRESHOLDS, SUPPLY_THRESHOLDS):
        pts = points_for(c, pay_f, mfg_t, sup_t)
        for w in itertools.product(WEIGHTS, repeat=len(CRITERIA_NAMES)):
            score = sum(wi * pts[name] for wi, name in zip(w, CRITERIA_NAMES, strict=True))
            r = rank(score, mfg_share, openings)
            ranks.append(r)
            if (pay_f == 1.0 and mfg_t == MFG_THRESHOLDS[1] and sup_t == SUPPLY_THRESHOLDS[1]
                    and all(x == 1.0 for x in w)):
                base = r
    grid = np.vstack(ranks)
    return pd.DataFrame({"base_rank": base, "best": grid.min(axis=0), "worst": grid.max(axis=0),
                         "top_share": (grid <= top).mean(axis=0) * 100,
                         "always_top": (grid <= top).all(axis=0),
                         "settings": len(grid)}, index=c.index)


# --- context -----------------------------------------------------------------------------------


@dataclass(frozen=True, eq=False)
class Context:
    occ: occ.Context
    institutions: pd.DataFrame
    completions: pd.DataFrame
    ccc: pd.DataFrame | None
    top_cip: pd.DataFrame | None
    registered: pd.DataFrame | None
    union_programs: pd.DataFrame | None
    counties: gpd.GeoDataFrame

    @classmethod
    def load(cls, region_path: str | Path, mode: str | Mode) -> Context:
        mode = Mode(mode)
        o = occ.Context.load(region_path, mode)
        california = ccc_source.applies(o.region)
        r = o.region
        return cls(o, _load("ipeds_institutions", mode, r), _load("ipeds_completions", mode, r),
                   _optional("ccc_awards", mode, r) if california else None,
                   _optional("top_cip", mode, r) if california else None,
                   _optional("apprenticeship_programs", mode, r),
                   _optional("survey_union_programs", mode, r),
                   _load("counties", mode, r))

    @property
    def region(self):
        return self.occ.region

    @property
    def years(self) -> list[int]:
        """The collection years the completions cover (NCES's last three when none)."""
        found = sorted(int(y) for y in self.completions["year"].unique())
        return found or list(ipeds.COLLECTION_YEARS)

    @property
    def has_datamart(self) -> bool:
        return (self.ccc is not None and self.top_cip is not None and len(self.ccc) > 0)

    def source(self, *which: str) -> str:
        """Source line for ``which`` of ``ipeds``, ``datamart``, ``apprenticeship``, ``edd``,
        ``cip``, ``geo``."""
        y = self.years
        span = f"{y[0]}–{y[-1]}" if y else ""
        texts = {
            "ipeds": f"NCES IPEDS completions (C_A) and directory (HD) files, collection years "
                     f"{span}",
            "datamart": "CCC Chancellor's Office DataMart program awards; WestEd/COE TOP-CIP "
                        "crosswalk (June 2020)",
            "apprenticeship": "the partnership's registered-programs table; the union survey "
                              "(registered apprenticeship seats)",
            "edd": f"California EDD {self.occ.projection_span} occupational projections",
            "cip": "NCES CIP 2020 to SOC 2018 crosswalk",
            "geo": "Census Bureau cartographic boundary file (counties)",
        }
        base = "; ".join(texts[w] for w in which if w != "datamart" or self.has_datamart)
        if self.occ.mode is Mode.SAMPLE:
            return base + ". SYNTHETIC SAMPLE DATA in the agencies' layouts, not real statistics"
        return base

    @cached_property
    def community_colleges(self) -> set[int]:
        if not self.has_datamart:
            return set()
        return set(self.ccc["unitid"].astype(int))

    @cached_property
    def shares(self) -> pd.DataFrame:
        return cip_soc_shares(self.occ.cip_soc)

    @cached_property
    def programs(self) -> pd.DataFrame:
        return college_programs(self)

    @cached_property
    def by_occupation(self) -> pd.DataFrame:
        return share_to_occupations(self.programs.dropna(subset=["cip"]), self.shares)

    @cached_property
    def apprenticeship(self) -> pd.DataFrame:
        return apprenticeship_supply(self)

    @cached_property
    def candidates(self) -> pd.DataFrame:
        return priority_with_supply(self)

    @cached_property
    def sensitivity(self) -> pd.DataFrame:
        c = self.candidates
        el = c[c["eligible"]].set_index("occ_code")
        return sensitivity(el)


def college_programs(ctx: Context) -> pd.DataFrame:
    """Every kept program row: IPEDS first majors, DataMart instead for a community college
    and year where DataMart counts more awards."""
    c = ctx.completions
    ip = c[c["majornum"] == ipeds.FIRST_MAJOR][["unitid", "year", "cip", "award_level",
                                                "completions"]].copy()
    ip["completions"] = ip["completions"].astype(float)
    if not ctx.has_datamart:
        return ip.assign(source=IPEDS)
    dm = datamart_by_cip(ctx.ccc, ctx.top_cip, ctx.years)
    return choose_source(ip, dm, ctx.community_colleges)


def college_supply(ctx: Context) -> pd.Series:
    """Completions a year by SOC: the mean over the collection years of the shared awards."""
    b = ctx.by_occupation
    n = len(ctx.years)
    return b.groupby("soc")["supply"].sum() / n


def registered_completers(ctx: Context) -> pd.DataFrame:
    """Completers of the registered programs, latest year, by SOC (empty without a table)."""
    r = ctx.registered
    if r is None or r.empty:
        return pd.DataFrame(columns=["value", "measure", "status"])
    year = int(r["year"].max())
    v = r[r["year"] == year].groupby("soc")["completers"].sum().astype(float)
    return pd.DataFrame({"value": v, "measure": f"completers ({year})", "status": "shown"})


def survey_seats(ctx: Context) -> pd.DataFrame:
    """Registered-apprenticeship seats a year the union locals report, by SOC, through the
    survey's disclosure rule (withheld cells are missing, with their status)."""
    p = ctx.union_programs
    empty = pd.DataFrame(columns=["value", "measure", "status"])
    if p is None or p.empty:
        return empty
    p = p[(p["program_type"] == REGISTERED) & p["soc"].notna() & p["seats"].notna()]
    if p.empty:
        return empty
    contrib = p[["respondent_id", "soc", "seats"]].rename(columns={"seats": "value"})
    t = disclosure.protect(contrib, ctx.region.disclosure, rows="soc")
    t = t[~t["is_total"]].set_index("soc")
    return pd.DataFrame({"value": t["value"].astype(float), "measure": "seats (union survey)",
                         "status": t["status"]})


def apprenticeship_supply(ctx: Context) -> pd.DataFrame:
    """By SOC: ``value`` a year, ``measure``, ``status``: the registered programs' completers
    where the partnership keeps the table, else the union survey's seats. Never both: the
    same programs would be counted twice."""
    reg = registered_completers(ctx)
    return reg if len(reg) else survey_seats(ctx)


def priority_with_supply(ctx: Context) -> pd.DataFrame:
    """The occupations section's candidates with the supply figures, the supply criterion,
    the new score (of 8) and rank; ``rank_before`` is the rank on the three criteria."""
    c = ctx.occ.priority.copy()
    o = c.set_index("occ_code")
    appr = ctx.apprenticeship["value"] if len(ctx.apprenticeship) else pd.Series(dtype=float)
    g = gap(o["total_openings"], college_supply(ctx), appr)
    c = c.join(g, on="occ_code")
    c["programs"] = c["occ_code"].isin(set(ctx.shares["soc"]))
    c["supply_pts"] = supply_points(c["coverage"]).astype("Int64")
    c["rank_before"] = c["rank"]
    el = c[c["eligible"]]
    score = (el["openings_pts"] + el["pay_pts"] + el["mfg_pts"] + el["supply_pts"]).astype(float)
    r = rank(score.to_numpy(), el["mfg_share"].astype(float).to_numpy(),
             el["total_openings"].astype(float).to_numpy())
    c["score"] = (score.reindex(c.index)).astype("Int64")
    c["rank"] = pd.Series(r, index=el.index).reindex(c.index).astype("Int64")
    return c.sort_values(["rank", "total_openings"], ascending=[True, False],
                         na_position="last").reset_index(drop=True)


def priority(ctx: Context, n: int = PRIORITY_N) -> pd.DataFrame:
    c = ctx.candidates
    return c[c["rank"].notna()].head(n)


def gap_table(ctx: Context, n: int | None = PRIORITY_N) -> pd.DataFrame:
    """The demand-supply gap of the priority occupations (for this section and the needs
    chapter): ``rank, soc, title, openings, college, apprenticeship, apprenticeship_measure,
    supply, gap, coverage, programs`` (``programs`` False: no program in the crosswalks)."""
    c = ctx.candidates
    c = c[c["rank"].notna()]
    if n is not None:
        c = c.head(n)
    measure = ctx.apprenticeship["measure"] if len(ctx.apprenticeship) else pd.Series(
        dtype=str)
    return pd.DataFrame({
        "rank": c["rank"].astype("int64").to_numpy(),
        "soc": c["occ_code"].to_numpy(), "title": c["occ_title"].to_numpy(),
        "openings": c["openings"].to_numpy(), "college": c["college"].to_numpy(),
        "apprenticeship": c["apprenticeship"].to_numpy(),
        "apprenticeship_measure": c["occ_code"].map(measure).fillna("").to_numpy(),
        "supply": c["supply"].to_numpy(), "gap": c["gap"].to_numpy(),
        "coverage": c["coverage"].to_numpy(), "programs": c["programs"].to_numpy(),
    })


# --- displays -----------------------------------------------------------------------------------


def gap_display(ctx: Context) -> pd.DataFrame:
    g = gap_table(ctx)
    return pd.DataFrame({
        "Rank": g["rank"], "Occupation": g["title"],
        "Openings a year": g["openings"], "College completions a year": g["college"],
        "Apprenticeship a year": g["apprenticeship"], "Supply a year": g["supply"],
        "Gap a year": g["gap"], "Covered (%)": g["coverage"] * 100,
        "Programs": np.where(g["programs"], "", "none in the crosswalk"),
    })


def gap_formats() -> dict[str, str]:
    return {k: "{:,.0f}" for k in ("Openings a year", "College completions a year",
                                   "Apprenticeship a year", "Supply a year", "Gap a year",
                                   "Covered (%)")}


def gap_note(ctx: Context) -> str:
    y = ctx.years
    appr = ctx.apprenticeship
    measure = (appr["measure"].iloc[0] if len(appr) else "none reported")
    text = (f"Openings: EDD's average annual openings, summed over the region's metro areas, all "
            f"industries. College completions: awards a year, averaged over the IPEDS collection "
            f"years {y[0]}–{y[-1]}, first majors only, at every institution in the region's "
            "counties, shared among occupations by the rule that follows. Apprenticeship: "
            f"{measure}. Gap = openings − supply; covered = supply ÷ openings. "
            + sharing_note())
    total = ctx.programs["completions"].sum() / len(y)
    none = unassigned(ctx.programs, ctx.shares) / len(y)
    if total > 0:
        text += (f" Of the {total:,.0f} awards a year at the region's institutions, "
                 f"{none:,.0f} are in programs the crosswalks link to no occupation (general "
                 "studies, for instance) and count for none.")
    if len(appr) and (appr["status"] != "shown").any():
        text += (" Survey seats withheld under the disclosure rule count as none here and are "
                 "marked in the apprenticeship table.")
    return text


def sharing_note() -> str:
    return ("Sharing rule: a program that prepares for several occupations is split equally "
            "among them (the NCES CIP-SOC crosswalk), and a community college program (TOP "
            "code) that maps to several CIP codes is split equally among those first (the "
            "TOP-CIP crosswalk), so every award is counted once. For example, a Welding "
            "Technology award (TOP 095650) gives half to CIP 15.0614 and half to CIP 48.0508, "
            "and each half is then divided among that CIP's occupations.")


def levels_display(ctx: Context) -> pd.DataFrame:
    """Completions a year by award level for the priority occupations (shared)."""
    p = priority(ctx)
    b = ctx.by_occupation
    b = b[b["soc"].isin(p["occ_code"])].assign(level=lambda d: d["award_level"].map(
        LEVEL_GROUPS))
    t = b.pivot_table(index="soc", columns="level", values="supply", aggfunc="sum",
                      fill_value=0.0) / len(ctx.years)
    cols = [c for c in LEVEL_ORDER if c in t.columns]
    t = t.reindex(p["occ_code"]).reindex(columns=cols).fillna(0.0)
    out = pd.DataFrame({"Occupation": p["occ_title"].to_numpy()})
    for c in cols:
        out[c] = t[c].to_numpy()
    out["Total"] = t.sum(axis=1).to_numpy()
    return out


def levels_formats() -> dict[str, str]:
    return {c: "{:,.0f}" for c in [*LEVEL_ORDER, "Total"]}


def institutions_display(ctx: Context, n: int = 15) -> pd.DataFrame:
    """Institutions by completions a year in the priority occupations' programs."""
    t = _institution_totals(ctx)
    t = t[t["supply"] > 0].head(n)
    return pd.DataFrame({
        "Institution": t["name"].to_numpy(), "County": t["county"].to_numpy(),
        "Source": t["source"].to_numpy(),
        "Completions a year, priority programs": t["supply"].to_numpy(),
        "Largest program": t["largest"].to_numpy(),
    })


def _institution_totals(ctx: Context) -> pd.DataFrame:
    p = priority(ctx)
    b = ctx.by_occupation[ctx.by_occupation["soc"].isin(p["occ_code"])]
    n = len(ctx.years)
    latest = ctx.institutions[ctx.institutions["year"] == ctx.institutions["year"].max()]
    inst = latest.set_index("unitid")
    per = b.groupby("unitid")["supply"].sum() / n
    names = {c.fips: c.name for c in ctx.region.counties}
    titles = ctx.occ.cip_soc.drop_duplicates("cip").set_index("cip")["cip_title"].str.rstrip(".")
    big = (b.groupby(["unitid", "cip"])["supply"].sum().reset_index()
           .sort_values("supply", ascending=False).drop_duplicates("unitid")
           .set_index("unitid")["cip"])
    src = b.groupby("unitid")["source"].agg(lambda s: " and ".join(sorted(set(s))))
    out = pd.DataFrame({"supply": per})
    out["name"] = out.index.map(inst["name"])
    out["county_fips"] = out.index.map(inst["county_fips"])
    out["county"] = out["county_fips"].map(names)
    out["latitude"] = out.index.map(inst["latitude"])
    out["longitude"] = out.index.map(inst["longitude"])
    out["source"] = out.index.map(src)
    out["largest"] = out.index.map(big).map(lambda c: f"{c} {titles.get(c, '')}".strip())
    out["community_college"] = out.index.isin(set(ccc_source.colleges()["unitid"]))
    return out.sort_values("supply", ascending=False)


def trend_display(ctx: Context) -> pd.DataFrame:
    """Completions in the priority occupations' programs, each collection year (shared)."""
    p = priority(ctx)
    b = ctx.by_occupation[ctx.by_occupation["soc"].isin(p["occ_code"])]
    t = b.pivot_table(index="soc", columns="year", values="supply", aggfunc="sum",
                      fill_value=0.0).reindex(p["occ_code"]).fillna(0.0)
    out = pd.DataFrame({"Occupation": p["occ_title"].to_numpy()})
    for y in ctx.years:
        out[f"{y - 1}-{str(y)[2:]}"] = t[y].to_numpy() if y in t.columns else 0.0
    first, last = ctx.years[0], ctx.years[-1]
    a = t.get(first, pd.Series(0.0, index=t.index))
    z = t.get(last, pd.Series(0.0, index=t.index))
    out["Change (%)"] = ((z - a) / a.where(a > 0) * 100).to_numpy()
    total = pd.DataFrame({"Occupation": ["All priority occupations"]})
    for col in out.columns[1:-1]:
        total[col] = out[col].sum()
    ta, tz = total.iloc[0, 1], total.iloc[0, len(ctx.years)]
    total["Change (%)"] = (tz - ta) / ta * 100 if ta else np.nan
    return pd.concat([out, total], ignore_index=True)


def trend_formats(ctx: Context) -> dict[str, str]:
    f = {f"{y - 1}-{str(y)[2:]}": "{:,.0f}" for y in ctx.years}
    f["Change (%)"] = "{:+.0f}"
    return f


def sources_display(ctx: Context) -> pd.DataFrame:
    """Community colleges: awards a year in DataMart and IPEDS, and the source used."""
    if not ctx.has_datamart:
        return pd.DataFrame()
    ip = ctx.completions[(ctx.completions["majornum"] == ipeds.FIRST_MAJOR)
                         & ctx.completions["unitid"].isin(ctx.community_colleges)]
    ip_t = ip.groupby(["unitid", "year"])["completions"].sum().astype(float)
    dm = datamart_by_cip(ctx.ccc, ctx.top_cip, ctx.years)
    dm_t = dm.groupby(["unitid", "year"])["completions"].sum()
    both = pd.concat({IPEDS: ip_t, DATAMART: dm_t}, axis=1).fillna(0.0).reset_index()
    used = ctx.programs.groupby(["unitid", "year"])["source"].first()
    both["used"] = [used.get((u, y), "") for u, y in zip(both["unitid"], both["year"],
                                                           strict=True)]
    g = both.groupby("unitid").agg(ipeds=(IPEDS, "mean"), datamart=(DATAMART, "mean"),
                                   used=("used", lambda s: " and ".join(sorted(set(s)))))
    names = ccc_source.colleges().set_index("unitid")["institution"]
    g = g.sort_values("datamart", ascending=False)
    return pd.DataFrame({"College": g.index.map(names), "IPEDS awards a year": g["ipeds"],
                         "DataMart awards a year": g["datamart"], "Source used": g["used"]}
                        ).reset_index(drop=True)


def apprenticeship_display(ctx: Context) -> pd.DataFrame:
    """Both apprenticeship measures for the priority occupations; the note says which one
    the supply counts."""
    p = priority(ctx)
    reg, seats = registered_completers(ctx), survey_seats(ctx)
    socs = [s for s in p["occ_code"] if s in reg.index or s in seats.index]
    if not socs:
        return pd.DataFrame()
    titles = p.set_index("occ_code")["occ_title"]

    def shown(frame: pd.DataFrame, soc: str) -> object:
        if soc not in frame.index:
            return np.nan
        v = frame.at[soc, "value"]
        return v if frame.at[soc, "status"] == "shown" else "withheld"

    return pd.DataFrame({"Occupation": [titles[s] for s in socs],
                         "Registered programs: completers a year": [shown(reg, s)
                                                                    for s in socs],
                         "Union survey: apprenticeship seats a year": [shown(seats, s)
                                                                       for s in socs]})


def apprenticeship_note(ctx: Context) -> str:
    reg = registered_completers(ctx)
    counted = ("the registered programs' completers (the partnership's table, "
               f"{reg['measure'].iloc[0].split('(')[-1].rstrip(')')})" if len(reg)
               else "the union survey's seats, as no registered-programs table is kept")
    return (f"The supply counts {counted}; the other measure is shown for comparison and "
            "never added, since the same programs would be counted twice. Seats are a "
            "capacity, not completers. Survey cells are withheld when fewer than "
            f"{ctx.region.disclosure.min_respondents} locals report them or one local "
            f"holds more than {ctx.region.disclosure.max_share:.0%} of the seats.")


def priority_display(ctx: Context) -> pd.DataFrame:
    p = priority(ctx)
    points = [f"{int(o)} + {int(w)} + {int(f)} + {int(s)}" for o, w, f, s in
              zip(p["openings_pts"], p["pay_pts"], p["mfg_pts"], p["supply_pts"], strict=True)]
    return pd.DataFrame({
        "Rank": p["rank"].astype("int64").to_numpy(),
        "Rank without supply": p["rank_before"].astype("int64").to_numpy(),
        "Occupation (SOC)": (p["occ_title"] + " (" + p["occ_code"] + ")").to_numpy(),
        "Covered (%)": (p["coverage"] * 100).to_numpy(),
        "Points: openings + pay + mfg + supply": points,
        "Score (of 8)": p["score"].astype("int64").to_numpy(),
    })


def priority_note() -> str:
    name, text = SUPPLY_CRITERION
    return (f"The three criteria of the priority table above, plus {name}: {text}. Score: the "
            "sum (0-8); ties as before (larger share of jobs in manufacturing, then more "
            "openings).")


def sensitivity_display(ctx: Context, n: int = 15) -> pd.DataFrame:
    s = ctx.sensitivity
    c = ctx.candidates.set_index("occ_code")
    s = s[(s["best"] <= TOP_N)].sort_values(["base_rank"])
    s = s.head(n)
    return pd.DataFrame({
        "Occupation": s.index.map(c["occ_title"]), "Rank as set": s["base_rank"],
        "Best rank": s["best"], "Worst rank": s["worst"],
        "Settings in top ten (%)": s["top_share"],
        "Top ten in every setting": np.where(s["always_top"], "yes", "no"),
    }).reset_index(drop=True)


def sensitivity_note(ctx: Context) -> str:
    n = int(ctx.sensitivity["settings"].iloc[0]) if len(ctx.sensitivity) else 0
    return (f"{n:,} settings: every combination of a weight of {', '.join(map(str, WEIGHTS))} "
            "on each of the four criteria's points; the family-sustaining wage 10% lower, as "
            "set and 10% higher; manufacturing-share thresholds of 40/15, "
            f"{occ.HIGH_MFG_SHARE:.0f}/{occ.MID_MFG_SHARE:.0f} and 60/25 percent; supply "
            "coverage thresholds of 25/50, 33/67 and 50/100 percent. Rank as set: the default "
            "weights and thresholds. Occupations that reach the top ten in at least one "
            "setting are listed.")


def show_community_colleges(ctx: Context) -> None:
    """The DataMart-or-IPEDS table, where the region has DataMart (California)."""
    t = sources_display(ctx)
    if t.empty:
        return
    present.table(t, caption="Community colleges: awards a year in DataMart and in IPEDS",
                  source=ctx.source("ipeds", "datamart"), key="supply_ccc_sources",
                  formats={"IPEDS awards a year": "{:,.0f}", "DataMart awards a year": "{:,.0f}"},
                  note="All programs, averaged over the collection years. For each college and "
                       "year the source counting more awards is used; the two are never added.")


def show_apprenticeship(ctx: Context) -> None:
    t = apprenticeship_display(ctx)
    if t.empty:
        present.caveat("Neither the partnership's registered-programs table nor the union "
                       "survey reports apprenticeship for the priority occupations.")
        return
    present.table(t, caption="Registered apprenticeship for the priority occupations",
                  source=ctx.source("apprenticeship"), key="supply_apprenticeship",
                  formats={"Registered programs: completers a year": "{:,.0f}",
                           "Union survey: apprenticeship seats a year": "{:,.0f}"},
                  note=apprenticeship_note(ctx))


def show_caveats(ctx: Context) -> None:
    for text in caveats(ctx):
        present.caveat(text)


# --- figures ------------------------------------------------------------------------------------


def gap_figure(ctx: Context):
    """Openings against supply a year, occupation by occupation (largest gap on top)."""
    g = gap_table(ctx).sort_values("gap")
    labels = g["title"].map(lambda t: occ.short(t, 34, 2))
    y = np.arange(len(g))
    fig, ax = plt.subplots(figsize=(figures.WIDTH, 0.5 * len(g) + 1.2))
    h = 0.38
    ax.barh(y + h / 2, g["openings"], height=h, color=figures.PALETTE[0],
            label="Openings a year (EDD)")
    ax.barh(y - h / 2, g["supply"], height=h, color=figures.PALETTE[1],
            label="Trained a year (colleges + apprenticeship)")
    for yy, o, s in zip(y, g["openings"], g["supply"], strict=True):
        ax.text(o, yy + h / 2, f" {o:,.0f}", va="center", fontsize=7)
        ax.text(s, yy - h / 2, f" {s:,.0f}", va="center", fontsize=7)
    ax.set_yticks(y, labels)
    ax.xaxis.set_major_formatter(mticker.StrMethodFormatter("{x:,.0f}"))
    ax.set_title("Openings against people trained, each year", loc="left")
    ax.set_xlabel("A year")
    ax.margins(x=0.12)
    ax.grid(axis="y", visible=False)
    ax.legend(frameon=True, facecolor="white", edgecolor="#ccc", loc="lower right", fontsize=7)
    fig.tight_layout()
    return fig


def institutions_map(ctx: Context):
    """Institutions (circles sized by completions a year in the priority programs) over the
    county outlines."""
    t = _institution_totals(ctx)
    t = t[(t["supply"] > 0) & t["latitude"].notna()]
    counties = ctx.counties.to_crs("EPSG:3310")
    region = counties[counties["in_region"]]
    pts = gpd.GeoDataFrame(t, geometry=gpd.points_from_xy(t["longitude"], t["latitude"]),
                           crs="EPSG:4269").to_crs("EPSG:3310")
    fig, ax = plt.subplots(figsize=(figures.WIDTH, 5.4))
    counties.plot(ax=ax, color="#f3f3f3", edgecolor="#cccccc", linewidth=0.4)
    region.plot(ax=ax, color="#e6eef3", edgecolor="#333333", linewidth=0.7)
    for _, row in region.iterrows():
        p = row.geometry.representative_point()
        ax.annotate(row["NAME"], (p.x, p.y), ha="center", va="center", fontsize=6,
                    color="#555")
    scale = 900.0 / max(float(t["supply"].max()), 1.0)
    for is_cc, color, label in ((True, figures.PALETTE[1], "Community college"),
                                (False, figures.PALETTE[0], "Other institution")):
        sub = pts[pts["community_college"] == is_cc]
        if len(sub):
            ax.scatter(sub.geometry.x, sub.geometry.y, s=sub["supply"] * scale + 8,
                       color=color, alpha=0.7, edgecolor="white", linewidth=0.6, label=label)
    for ref in (10, 50, 100):
        if ref <= t["supply"].max() * 1.5:
            ax.scatter([], [], s=ref * scale + 8, color="#999", alpha=0.5,
                       label=f"{ref} a year")
    minx, miny, maxx, maxy = region.total_bounds
    pad = 0.12 * max(maxx - minx, maxy - miny)
    ax.set_xlim(minx - pad, maxx + pad)
    ax.set_ylim(miny - pad, maxy + pad)
    ax.set_axis_off()
    ax.legend(frameon=True, facecolor="white", edgecolor="#ccc", loc="upper right", fontsize=7,
              labelspacing=1.2)
    ax.set_title("Completions a year in the priority occupations' programs", loc="left")
    fig.tight_layout()
    top = t.sort_values("supply", ascending=False).head(3)
    name = next((c for c in ("institution", "name", "instnm") if c in t.columns), None)
    most = "; ".join(f"{r[name]} {r['supply']:,.0f}" for _, r in top.iterrows()) if name else ""
    ccs = int(t["community_college"].sum())
    return figures.set_alt(fig, f"Map of the region's counties with a circle for each of the "
                           f"{len(t)} institutions that train for the priority occupations "
                           f"({ccs} community colleges, {len(t) - ccs} others), sized by "
                           f"completions a year" + (f"; most: {most}." if most else "."))


def map_source(ctx: Context) -> str:
    return ctx.source("ipeds", "datamart", "cip", "geo")


def map_note(ctx: Context) -> str:
    text = ("Circle area: completions a year (averaged over the collection years, shared "
            "among occupations) in programs that prepare for the priority occupations. "
            "Institutions are placed at the coordinates IPEDS publishes.")
    if ctx.occ.mode is Mode.SAMPLE:
        text += " In the sample the locations are invented points inside each county."
    return text


# --- caveats and findings ----------------------------------------------------------------------


def caveats(ctx: Context) -> list[str]:
    items = [
        "Completions are awards, not people: a student who earns a certificate and then an "
        "associate degree in the same field is counted twice, and IPEDS counts each award "
        "once per year it is conferred. First majors only are counted, so a double major is "
        "one graduate.",
        "Not every graduate stays in the region or enters the occupation the program "
        "prepares for; the supply figures are an upper bound on the workers the region's "
        "programs add to each occupation.",
        "Openings count all industries, not manufacturing alone, so manufacturers compete "
        "with other employers for the same graduates.",
        "The sharing rule divides a program equally among its occupations; it does not know "
        "that, say, most welding graduates become welders rather than welding technicians. "
        "Occupations whose programs also serve others may have less supply than shown.",
    ]
    if ctx.has_datamart:
        items.append("For each community college and year the source counting more awards "
                     "is used (DataMart counts locally approved certificates IPEDS leaves "
                     "out); the two are never added. DataMart's export counts every award "
                     "type together, so its awards are shown apart from IPEDS's levels.")
    a = ctx.apprenticeship
    if len(a) and a["measure"].iloc[0].startswith("seats"):
        items.append("Apprenticeship supply is the seats union locals report (a capacity), "
                     "not completers: not every seat produces a journeyworker each year.")
    return items


def findings(ctx: Context) -> list[str]:
    """Plain-language findings, every number computed; the first sizes the gap (it goes into
    the executive summary)."""
    g = gap_table(ctx)
    items = []
    if len(g):
        opens, sup = g["openings"].sum(), g["supply"].sum()
        unmet = g["gap"].clip(lower=0).sum()
        top3 = g.sort_values("gap", ascending=False).head(3)
        names = [f"{t.lower()} (about {round(v, -1):,.0f})" for t, v in
                 zip(top3["title"], top3["gap"], strict=True)]
        items.append(
            f"For the {len(g)} priority occupations, EDD projects about "
            f"{round(opens, -1):,.0f} openings a year, while the region's colleges and "
            f"apprenticeships train about {round(sup, -1):,.0f} people a year for them "
            f"({sup / opens:.0%} of the openings): an unmet gap of about "
            f"{round(unmet, -1):,.0f} a year, largest for " + occ._and(names) + ".")
        none = g[~g["programs"]]
        if len(none):
            items.append(f"{len(none)} of the priority occupations have no college program "
                         "in the federal crosswalk ("
                         + occ._and(none["title"].str.lower().tolist())
                         + "): no college award is counted for them, so all their openings "
                         "count as unmet unless apprenticeship or on-the-job training fills "
                         "them.")
    s = ctx.sensitivity
    p = priority(ctx)
    if len(p):
        always = s[s["always_top"]]
        first = [t.lower() for t in p["occ_title"].head(3)]
        items.append("With the supply gap added to the score, the first priorities are "
                     + occ._and(first) + f"; {len(always)} occupations stay in the top ten "
                     f"under all {int(s['settings'].iloc[0]):,} weight and threshold settings "
                     "tested.")
    t = trend_display(ctx)
    if len(t) and pd.notna(t["Change (%)"].iloc[-1]):
        y = ctx.years
        items.append(f"Completions in the priority occupations' programs changed by "
                     f"{t['Change (%)'].iloc[-1]:+.0f}% between {y[0] - 1}-{str(y[0])[2:]} and "
                     f"{y[-1] - 1}-{str(y[-1])[2:]}.")
    return items


def supply_points_rule() -> str:
    return SUPPLY_CRITERION[1]

