"""Section 3, occupations: which occupations the region's manufacturers employ, how they pay,
how many openings they will have, what they call for, and which of them the apprenticeship
should aim at first.

Sources (processed tables): OEWS ``oews_areas`` (the region's metro areas, California and the
nation, all industries) and ``oews_staffing`` (the national staffing pattern of manufacturing and
its subsectors); QCEW ``qcew_annual`` (the region's subsector employment); EDD
``edd_projections`` (the long-term projections of each of the region's metro areas); O*NET
``onet_ratings`` (skills and knowledge importance); NCES ``cip_soc`` (programs that train for an
occupation).

Methods, each a small function below with a hand-calculated test:

* **Regional staffing pattern** (:func:`estimate_staffing`). OEWS publishes no occupation by
  industry estimates for metro areas, so the region's manufacturing jobs by occupation are
  estimated: for each subsector *s*, the national share of its jobs in occupation *o*
  (``p[o, s]`` = OEWS national employment of *o* in *s* / all occupations in *s*) times the
  region's QCEW employment in *s*, summed over subsectors. Jobs that QCEW withholds at the
  subsector level (the region's manufacturing total minus the subsectors it discloses) are
  given the national all-manufacturing pattern. The assumption: within a subsector, the region's
  plants employ the same occupational mix as the nation's.
* **Regional wage** (:func:`weighted_wage`). OEWS publishes percentiles per metro area, and
  percentiles cannot be added, so the region's figure is the mean of its metro areas' published
  values weighted by each area's employment in the occupation: an approximation of a regional
  median, not a median. Areas whose figure is withheld (suppressed) or top-coded are left out
  and counted; nothing is filled in.
* **Openings** (:func:`sum_projections`): EDD's openings (exits + transfers + growth) as annual
  averages, summed over the region's metro areas (EDD's 2023-2033 release publishes ten-year
  totals; the reader divides them by the projection span). EDD projects all industries, not
  manufacturing alone, so the openings tables keep the occupations concentrated in
  manufacturing (at least :data:`MID_MFG_SHARE` percent of their jobs nationally).
* **Priority score** (:func:`priority_scores`): see :data:`CRITERIA`.
"""

from __future__ import annotations

import math
import textwrap
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

import matplotlib.pyplot as plt
import matplotlib.ticker as mticker
import numpy as np
import pandas as pd

from assessment import dataset, figures, present, sources
from assessment.metrics import industry as m
from assessment.paths import Mode
from assessment.region import Region, load_region
from assessment.sources import edd_projections, onet
from assessment.sources.edd_projections import PERIOD_TOTALS
from assessment.sources.oews import CROSS_INDUSTRY, TOP_CODED
from assessment.survey.codebook import soc_codes

# --- named codes and thresholds ---------------------------------------------------------------

ALL_OCCUPATIONS = "00-0000"
# Occupations an Industrial Manufacturing Technician (IMT) apprenticeship prepares for or leads
# to: production and installation-maintenance-repair occupations (SOC major groups 51 and 49,
# which include the supervisors 51-1011 and 49-1011), the engineering technicians who work on
# production lines, and the electricians who keep plants running.
IMT_MAJOR_GROUPS = {"51": "Production", "49": "Installation, maintenance, repair"}
IMT_OCCUPATIONS = {
    "17-3023": "Engineering technicians",  # electrical and electronic
    "17-3024": "Engineering technicians",  # electro-mechanical and mechatronics
    "17-3026": "Engineering technicians",  # industrial engineering
    "17-3027": "Engineering technicians",  # mechanical engineering
    "17-3029": "Engineering technicians",  # all other, incl. manufacturing technologists
    "47-2111": "Electricians",
}
# 2018 SOC major groups (bls.gov/soc/2018), for tables where a file carries no titles.
SOC_MAJOR_GROUPS = {
    "11-0000": "Management Occupations",
    "13-0000": "Business and Financial Operations Occupations",
    "15-0000": "Computer and Mathematical Occupations",
    "17-0000": "Architecture and Engineering Occupations",
    "19-0000": "Life, Physical, and Social Science Occupations",
    "21-0000": "Community and Social Service Occupations",
    "23-0000": "Legal Occupations",
    "25-0000": "Educational Instruction and Library Occupations",
    "27-0000": "Arts, Design, Entertainment, Sports, and Media Occupations",
    "29-0000": "Healthcare Practitioners and Technical Occupations",
    "31-0000": "Healthcare Support Occupations",
    "33-0000": "Protective Service Occupations",
    "35-0000": "Food Preparation and Serving Related Occupations",
    "37-0000": "Building and Grounds Cleaning and Maintenance Occupations",
    "39-0000": "Personal Care and Service Occupations",
    "41-0000": "Sales and Related Occupations",
    "43-0000": "Office and Administrative Support Occupations",
    "45-0000": "Farming, Fishing, and Forestry Occupations",
    "47-0000": "Construction and Extraction Occupations",
    "49-0000": "Installation, Maintenance, and Repair Occupations",
    "51-0000": "Production Occupations",
    "53-0000": "Transportation and Material Moving Occupations",
    "55-0000": "Military Specific Occupations",
}
MIN_GROUP_SHARE = 1.0  # percent: smaller occupation groups are summed into "Other groups"
# BLS typical entry-level education categories that the priority list leaves out.
BACHELORS_OR_MORE = ("Bachelor's degree", "Master's degree", "Doctoral or professional degree")
HIGH_MFG_SHARE = 50.0  # percent of an occupation's national jobs that are in manufacturing
MID_MFG_SHARE = 20.0
IMPORTANCE = "IM"  # O*NET importance scale (1-5)
FOCUS_N = 15  # IMT occupations shown in the wage tables
TOP_N = 15  # occupations shown in staffing and openings tables
PRIORITY_N = 10  # occupations shown in the priority table and programs table
SKILLS_N = 8  # priority occupations whose skills are shown
ELEMENTS_N = 5  # skills or knowledge areas listed per occupation

CRITERIA = [
    ("Eligible", "an EDD projection exists for the occupation in at least one of the region's "
                 "metro areas, and its typical entry-level education (BLS category, as EDD "
                 "publishes it) is below a bachelor's degree"),
    ("Openings (0-2 points)", "2 if the occupation is in the top third of eligible occupations "
                              "by annual openings summed over the region's metro areas, 1 if "
                              "in the middle third, 0 otherwise"),
    ("Pay (0-2 points)", "2 if the regional 25th-percentile wage reaches the family-sustaining "
                         "wage (even entry-level pay sustains a family), 1 if only the regional "
                         "median does, 0 otherwise; where no metro area publishes the wage, "
                         "the state's figure is used and marked"),
    ("Manufacturing (0-2 points)", f"2 if at least {HIGH_MFG_SHARE:.0f}% of the occupation's "
                                   "jobs nationally are in manufacturing (OEWS), 1 if at least "
                                   f"{MID_MFG_SHARE:.0f}%, 0 otherwise"),
    ("Score", "the sum of the three (0-6); ties go to the occupation with the larger share "
              "of its jobs in manufacturing, then to the one with more openings"),
]


def imt_family(soc: str) -> str:
    """The IMT occupation family of a SOC code, or "" when the occupation is not one."""
    return IMT_OCCUPATIONS.get(soc) or IMT_MAJOR_GROUPS.get(soc[:2], "")


def dollars(x: float) -> str:
    """``$25.63`` for 25.625 (half up, as people round money; Python's format rounds half to
    even on the binary value)."""
    return f"${math.floor(float(x) * 100 + 0.5) / 100:,.2f}"


def short(title: object, width: int = 42, lines: int = 2) -> str:
    """A long occupation title wrapped for a chart label (at most ``lines`` lines)."""
    text = str(title)
    wrapped = textwrap.wrap(text, width)
    if len(wrapped) > lines:
        wrapped = wrapped[:lines]
        wrapped[-1] = wrapped[-1][: width - 1].rstrip(" ,") + "…"
    return "\n".join(wrapped)


# --- pure computations (each tested by hand) ----------------------------------------------------


def leaf_mask(codes: pd.Series) -> pd.Series:
    """True for the occupations that do not add up others: detailed SOC codes, and broad codes
    (``NN-NNN0``) with no detailed code of theirs in ``codes``. Totals, major and minor groups
    (codes ending in ``000``) are False. A code listed twice is True both times: callers
    drop repeats where a table should hold one row per code."""
    codes = codes.astype(str)
    is_group = codes.str.endswith("000")
    is_broad = codes.str.endswith("0") & ~is_group
    detailed_stems = set(codes[~is_group & ~is_broad].str.slice(0, 6))
    has_children = is_broad & codes.str.slice(0, 6).isin(detailed_stems)
    return ~is_group & ~has_children


def staffing_shares(staffing: pd.DataFrame) -> pd.DataFrame:
    """Each occupation's share of its industry's jobs, from national industry-specific OEWS
    rows: ``industry_code, occ_code, occ_title, share`` (a fraction; missing where OEWS
    suppressed the occupation's employment, or the industry's total)."""
    totals = (staffing[staffing["occ_code"] == ALL_OCCUPATIONS]
              .drop_duplicates("industry_code")
              .set_index("industry_code")["tot_emp"].astype("Float64"))
    rows = staffing[staffing["occ_code"] != ALL_OCCUPATIONS].drop_duplicates(
        ["industry_code", "occ_code"])
    share = rows["tot_emp"].astype("Float64") / rows["industry_code"].map(totals).astype("Float64")
    return pd.DataFrame({"industry_code": rows["industry_code"].to_numpy(),
                         "occ_code": rows["occ_code"].to_numpy(),
                         "occ_title": rows["occ_title"].to_numpy(),
                         "share": share.to_numpy(dtype=float, na_value=np.nan)})


def staffing_weights(subsector_jobs: pd.Series, sector: str, sector_jobs: float) -> pd.Series:
    """Jobs to spread by each industry's pattern: every subsector's disclosed jobs, and under
    ``sector`` what is left of the sector total (jobs in withheld subsector cells, never
    below zero). Subsectors with no disclosed jobs get none."""
    known = subsector_jobs.dropna().astype(float)
    rest = max(float(sector_jobs) - float(known.sum()), 0.0) if pd.notna(sector_jobs) else 0.0
    return pd.concat([known, pd.Series({sector: rest})])


def estimate_staffing(shares: pd.DataFrame, weights: pd.Series) -> pd.DataFrame:
    """Estimated jobs by occupation: sum over industries of share x jobs.

    ``shares``: ``industry_code, occ_code, share`` (from :func:`staffing_shares`);
    ``weights``: jobs by industry code (from :func:`staffing_weights`). Returns ``occ_code,
    jobs, industries_withheld`` (industries with jobs where the occupation's national share is
    suppressed: the estimate leaves them out, so it is a lower bound there)."""
    s = shares[shares["industry_code"].isin(weights.index)].copy()
    s["weight"] = s["industry_code"].map(weights).astype(float)
    s["jobs"] = s["share"] * s["weight"]
    s["withheld"] = s["share"].isna() & (s["weight"] > 0)
    g = s.groupby("occ_code", sort=False)
    return pd.DataFrame({"jobs": g["jobs"].sum(min_count=1),
                         "industries_withheld": g["withheld"].sum().astype("int64")}
                        ).reset_index()


def weighted_wage(values: pd.Series, weights: pd.Series) -> float:
    """Mean of the published ``values`` weighted by ``weights``; pairs missing either are left
    out; missing when none is left."""
    ok = values.notna() & weights.notna() & (weights > 0)
    if not ok.any():
        return float("nan")
    v, w = values[ok].astype(float), weights[ok].astype(float)
    return float((v * w).sum() / w.sum())


def sum_projections(edd: pd.DataFrame) -> pd.DataFrame:
    """EDD projections summed over areas, one row per SOC code (leaf occupations only).

    Returns ``soc, title, base_emp, proj_emp, change, exits, transfers, annual_change,
    total_openings, areas`` (areas with a row for the occupation), ``entry_education`` (the
    most frequent non-empty category), ``growth_share`` (percent of openings from growth)."""
    rows = edd[leaf_mask(edd["soc"])].drop_duplicates(["area_code", "soc"])
    g = rows.groupby("soc", sort=True)
    nums = ["base_emp", "proj_emp", "change", "exits", "transfers", "annual_change",
            "total_openings"]
    out = g[nums].sum(min_count=1).astype(float)
    out.insert(0, "title", g["title"].first())
    out["areas"] = g["area_code"].nunique()

    def mode(s: pd.Series) -> str:
        s = s[s.astype(str).str.len() > 0]
        return str(s.mode().iloc[0]) if not s.empty else ""

    out["entry_education"] = g["entry_education"].agg(mode)
    out["growth_share"] = out["annual_change"] / out["total_openings"] * 100
    return out.reset_index()


STATE_BASIS = "state"  # ``basis`` of a wage taken from the state because no metro publishes it
OPENINGS_COLUMNS = ["soc", "title", "base_emp", "proj_emp", "change", "exits", "transfers",
                    "annual_change", "total_openings", "areas", "entry_education",
                    "growth_share"]


def top_elements(ratings: pd.DataFrame, domain: str, n: int = ELEMENTS_N) -> pd.DataFrame:
    """The ``n`` most important elements of ``domain`` for each SOC code.

    Importance (scale IM, 1-5) is averaged over the O*NET-SOC occupations of a SOC code;
    ratings O*NET marks not relevant are left out. ``low_precision`` is True where O*NET
    recommends suppressing any rating averaged (kept, and marked). Returns ``soc, rank,
    element, importance, low_precision``; ties in importance go by element name."""
    r = ratings[(ratings["domain"] == domain) & (ratings["scale"] == IMPORTANCE)
                & ~ratings["not_relevant"].fillna(False).astype(bool)]
    r = r[r["value"].notna()]
    g = r.groupby(["soc", "element"], sort=False)
    agg = pd.DataFrame({"importance": g["value"].mean().astype(float),
                        "low_precision": g["recommend_suppress"].agg(
                            lambda s: bool(s.fillna(False).astype(bool).any()))}).reset_index()
    agg = agg.sort_values(["soc", "importance", "element"], ascending=[True, False, True])
    agg["rank"] = agg.groupby("soc").cumcount() + 1
    return agg[agg["rank"] <= n][["soc", "rank", "element", "importance", "low_precision"]
                                 ].reset_index(drop=True)


def training_programs(cip_soc: pd.DataFrame, socs: list[str]) -> pd.DataFrame:
    """Programs (CIP 2020) that the NCES crosswalk matches to each SOC code: ``soc, cip,
    cip_title`` (trailing period dropped), ordered by CIP code."""
    x = cip_soc[cip_soc["matched"] & cip_soc["soc"].isin(socs)]
    out = pd.DataFrame({"soc": x["soc"], "cip": x["cip"],
                        "cip_title": x["cip_title"].str.rstrip(".").str.strip()})
    return out.sort_values(["soc", "cip"], ignore_index=True)


def openings_points(openings: pd.Series) -> pd.Series:
    """2 for the top third by openings, 1 for the middle third, 0 for the rest.

    Ranks run from 1 (most openings; ties share the best rank). With ``n`` occupations, rank
    ``<= ceil(n/3)`` is the top third and ``<= ceil(2n/3)`` the middle third. Missing openings
    score 0."""
    valid = openings.dropna()
    n = len(valid)
    rank = valid.rank(ascending=False, method="min")
    pts = pd.Series(0, index=openings.index, dtype="int64")
    pts[rank.index[rank <= math.ceil(2 * n / 3)]] = 1
    pts[rank.index[rank <= math.ceil(n / 3)]] = 2
    return pts


def pay_points(pct25_ratio: pd.Series, median_ratio: pd.Series,
               top_coded: pd.Series | None = None) -> pd.Series:
    """2 if the 25th percentile reaches the threshold (ratio >= 1), 1 if only the median does,
    else 0. A wage top-coded where no value is published counts as reaching it (the cap is
    far above any family-sustaining wage)."""
    tc = (top_coded if top_coded is not None
          else pd.Series(False, index=median_ratio.index)).fillna(False).astype(bool)
    p25 = pct25_ratio.ge(1).fillna(False).astype(bool) | (pct25_ratio.isna() & tc)
    med = median_ratio.ge(1).fillna(False).astype(bool) | (median_ratio.isna() & tc)
    return pd.Series(np.where(p25, 2, np.where(med, 1, 0)), index=median_ratio.index,
                     dtype="int64")


def manufacturing_points(share_pct: pd.Series) -> pd.Series:
    """2 at or above :data:`HIGH_MFG_SHARE` percent, 1 at or above :data:`MID_MFG_SHARE`."""
    s = share_pct.astype(float)
    return pd.Series(np.where(s >= HIGH_MFG_SHARE, 2, np.where(s >= MID_MFG_SHARE, 1, 0)),
                     index=share_pct.index, dtype="int64")


def priority_scores(c: pd.DataFrame, projections: bool = True) -> pd.DataFrame:
    """Score candidates by :data:`CRITERIA`.

    ``c`` needs ``total_openings, entry_education, in_edd, pct25_ratio, median_ratio,
    top_coded, mfg_share``. Adds ``eligible``, the three point columns, ``score`` and ``rank``
    (1 = first priority; missing for ineligible occupations) and returns the frame sorted by
    rank (ineligible last). Without ``projections`` (a region the projections do not cover)
    every occupation is eligible, no education being known, and none scores openings points."""
    c = c.copy()
    if projections:
        c["eligible"] = (c["in_edd"].astype(bool)
                         & ~c["entry_education"].isin(BACHELORS_OR_MORE)).astype(bool)
    else:
        c["eligible"] = True
    el = c[c["eligible"]]
    c["openings_pts"] = (openings_points(el["total_openings"]).reindex(c.index) if projections
                         else pd.Series(0, index=c.index))
    c["pay_pts"] = pay_points(c["pct25_ratio"], c["median_ratio"], c["top_coded"])
    c["mfg_pts"] = manufacturing_points(c["mfg_share"])
    c["openings_pts"] = c["openings_pts"].astype("Int64")  # missing where not eligible
    c["score"] = (c["openings_pts"] + c["pay_pts"] + c["mfg_pts"]).astype("Int64")
    order = c[c["eligible"]].sort_values(["score", "mfg_share", "total_openings"],
                                         ascending=[False, False, False], na_position="last")
    c["rank"] = pd.Series(range(1, len(order) + 1), index=order.index).reindex(c.index
                                                                               ).astype("Int64")
    return c.sort_values(["rank", "total_openings"], ascending=[True, False],
                         na_position="last")


# --- context -----------------------------------------------------------------------------------


@dataclass(frozen=True, eq=False)
class Context:
    region: Region
    mode: Mode
    oews_areas: pd.DataFrame
    oews_staffing: pd.DataFrame
    edd: pd.DataFrame
    onet_ratings: pd.DataFrame
    cip_soc: pd.DataFrame
    qcew: pd.DataFrame

    @classmethod
    def load(cls, region_path: str | Path, mode: str | Mode) -> Context:
        """The region file and the processed tables this section reads, for ``mode``."""
        region = load_region(region_path)

        def load(name: str) -> pd.DataFrame:
            if name == "edd_projections" and not sources.applies(name, region):
                return pd.DataFrame(columns=edd_projections.TIDY_COLUMNS)
            return dataset.load(name, mode, region)

        names = ["oews_areas", "oews_staffing", "edd_projections", "onet_ratings", "cip_soc",
                 "qcew_annual"]
        return cls(region, Mode(mode), *(load(name) for name in names))

    @property
    def projections_off(self) -> str | None:
        """Why the EDD projections do not apply to the region (None where they do)."""
        return sources.why_not("edd_projections", self.region)

    # Sources, one sentence each; "SYNTHETIC SAMPLE DATA" in sample mode.
    def source(self, *which: str) -> str:
        """Source line for ``which`` of ``oews``, ``staffing``, ``qcew``, ``edd``, ``onet``,
        ``cip``."""
        y = self.region.years
        texts = {
            "oews": f"BLS Occupational Employment and Wage Statistics (OEWS), May {y.oews} "
                    f"estimates for the region's metro areas, {self.state} and the United States",
            "staffing": f"BLS OEWS May {y.oews} national industry-specific estimates "
                        "(manufacturing and its subsectors)",
            "qcew": f"BLS QCEW {y.end} annual averages, private ownership",
            "edd": f"California EDD Labor Market Information Division, {self.projection_span} "
                   "long-term occupational projections for the region's metro areas",
            "onet": f"O*NET {onet.RELEASE} database, Skills and Knowledge importance ratings "
                    "(USDOL/ETA, CC BY 4.0)",
            "cip": "NCES CIP 2020 to SOC 2018 crosswalk",
        }
        if self.projections_off:  # the projections are not among this region's sources
            which = tuple(w for w in which if w != "edd") or which
        base = "; ".join(texts[w] for w in which)
        if self.mode is Mode.SAMPLE:
            return base + ". SYNTHETIC SAMPLE DATA in the agencies' layouts, not real statistics"
        return base

    @property
    def sector(self) -> str:
        return self.region.industry.sector

    @property
    def state(self) -> str:
        """The state benchmark's name (California for the default region)."""
        return self.region.benchmarks.state.name

    @property
    def fs_hourly(self) -> float:
        return self.region.job_quality.family_sustaining_hourly

    @property
    def fs_annual(self) -> float:
        return self.region.job_quality.family_sustaining_annual

    @property
    def projection_span(self) -> str:
        base = sorted(self.edd["base_year"].dropna().unique())
        proj = sorted(self.edd["proj_year"].dropna().unique())
        if not base or not proj:
            return "EDD"
        b = str(base[0]) if len(base) == 1 else f"{base[0]}/{base[-1]}"
        p = str(proj[0]) if len(proj) == 1 else f"{proj[0]}/{proj[-1]}"
        return f"{b}–{p}"

    @property
    def proj_year(self) -> int:
        return int(self.edd["proj_year"].max())

    @cached_property
    def staffing(self) -> pd.DataFrame:
        return regional_staffing(self)

    @cached_property
    def wages(self) -> pd.DataFrame:
        return regional_wages(self)

    @cached_property
    def openings(self) -> pd.DataFrame:
        if self.projections_off:
            return pd.DataFrame(columns=OPENINGS_COLUMNS)
        return sum_projections(self.edd)

    @cached_property
    def priority(self) -> pd.DataFrame:
        return candidates(self)


# --- the regional staffing pattern ----------------------------------------------------------------


def titles(ctx: Context, codes: pd.Series) -> pd.Series:
    """Occupation titles for SOC codes: OEWS's own where its files carry them, else EDD's, else
    the 2018 SOC list (detailed occupations and major groups), else the code itself."""
    lookup: dict[str, str] = {**SOC_MAJOR_GROUPS, **soc_codes()}
    if "title" in ctx.edd:
        edd = ctx.edd.dropna(subset=["title"]).drop_duplicates("soc")
        lookup.update(zip(edd["soc"], edd["title"], strict=True))
    for frame in (ctx.oews_areas, ctx.oews_staffing):
        if "occ_title" in frame:
            t = frame.dropna(subset=["occ_title"]).drop_duplicates("occ_code")
            lookup.update(zip(t["occ_code"], t["occ_title"].astype(str), strict=True))
    return codes.map(lambda c: lookup.get(c, c)).astype(str)


def region_jobs(ctx: Context) -> pd.DataFrame:
    """The region's QCEW private employment, end year, for the sector and its subsectors."""
    codes = [ctx.sector, *ctx.region.industry.subsectors]
    t = m.region_totals(ctx.qcew, ctx.region, codes)
    return t[t["year"] == ctx.region.years.end].set_index("industry_code").reindex(codes)


def national_mfg_share(ctx: Context) -> pd.Series:
    """Percent of each occupation's national jobs (all industries) that are in the sector."""
    nation = ctx.region.benchmarks.nation.oews
    s = ctx.oews_staffing
    mfg = s[s["industry_code"] == ctx.sector].drop_duplicates("occ_code").set_index(
        "occ_code")["tot_emp"].astype(float)
    a = ctx.oews_areas
    allind = a[(a["area_code"] == nation) & (a["industry_code"] == CROSS_INDUSTRY)
               ].drop_duplicates("occ_code").set_index("occ_code")["tot_emp"].astype(float)
    return (mfg / allind.reindex(mfg.index) * 100).rename("mfg_share")


def regional_staffing(ctx: Context) -> pd.DataFrame:
    """Estimated manufacturing jobs in the region by occupation (leaf occupations and SOC major
    groups), with each one's share of the region's manufacturing jobs and its IMT family."""
    jobs = region_jobs(ctx)
    weights = staffing_weights(jobs["employment"].drop(index=ctx.sector), ctx.sector,
                               jobs.at[ctx.sector, "employment"])
    shares = staffing_shares(ctx.oews_staffing)
    est = estimate_staffing(shares, weights)
    est["occ_title"] = titles(ctx, est["occ_code"])
    total = float(jobs.at[ctx.sector, "employment"])
    est["share"] = est["jobs"] / total * 100
    est["level"] = np.where(est["occ_code"].str.endswith("0000"), "major",
                            np.where(leaf_mask(est["occ_code"]), "leaf", "other"))
    est["imt_family"] = est["occ_code"].map(imt_family)
    est["mfg_share"] = est["occ_code"].map(national_mfg_share(ctx))
    return est.sort_values("jobs", ascending=False, na_position="last", ignore_index=True)


def _leaves(ctx: Context) -> pd.DataFrame:
    s = ctx.staffing
    return s[(s["level"] == "leaf") & (s["jobs"] > 0)]


def staffing_display(ctx: Context, n: int = TOP_N) -> pd.DataFrame:
    t = _leaves(ctx).head(n)
    return pd.DataFrame({
        "SOC": t["occ_code"],
        "Occupation": t["occ_title"],
        "IMT family": t["imt_family"].replace("", "—"),
        "Estimated jobs": t["jobs"].round(-1),
        "Share of manufacturing jobs (%)": t["share"],
        "Jobs nationally in manufacturing (%)": t["mfg_share"],
    }).reset_index(drop=True)


def major_groups_display(ctx: Context) -> pd.DataFrame:
    t = ctx.staffing
    t = t[(t["level"] == "major") & (t["jobs"] > 0)]
    big, small = t[t["share"] >= MIN_GROUP_SHARE], t[t["share"] < MIN_GROUP_SHARE]
    out = pd.DataFrame({
        "SOC": big["occ_code"],
        "Occupation group": big["occ_title"],
        "Estimated jobs": big["jobs"].round(-1),
        "Share of manufacturing jobs (%)": big["share"],
    })
    if not small.empty:
        out.loc[len(out)] = ["", f"Other groups ({len(small)})", round(small["jobs"].sum(), -1),
                             small["share"].sum()]
    return out.reset_index(drop=True)


def imt_display(ctx: Context, n: int = FOCUS_N) -> pd.DataFrame:
    """The IMT occupations with the most estimated manufacturing jobs in the region."""
    t = focus(ctx, n)
    return pd.DataFrame({
        "SOC": t["occ_code"],
        "Occupation": t["occ_title"],
        "IMT family": t["imt_family"],
        "Estimated jobs": t["jobs"].round(-1),
        "Share of manufacturing jobs (%)": t["share"],
    }).reset_index(drop=True)


def focus(ctx: Context, n: int = FOCUS_N) -> pd.DataFrame:
    t = _leaves(ctx)
    return t[t["imt_family"] != ""].head(n)


def staffing_figure(ctx: Context, n: int = TOP_N):
    t = _leaves(ctx).head(n)
    values = pd.Series(t["jobs"].round(-1).to_numpy(dtype=float),
                       index=t["occ_title"].map(short))
    hl = pd.Series((t["imt_family"] != "").to_numpy(), index=values.index)
    fig = figures.horizontal_bars(values, f"Estimated manufacturing jobs by occupation, "
                                  f"{ctx.region.years.end}", "Estimated jobs", highlight=hl)
    fig.set_figheight(0.34 * len(values) + 0.9)
    fig.axes[0].xaxis.set_major_formatter(mticker.StrMethodFormatter("{x:,.0f}"))
    fig.tight_layout()
    return fig


def staffing_note(ctx: Context) -> str:
    jobs = region_jobs(ctx)
    subs = jobs.drop(index=ctx.sector)
    rest = staffing_weights(subs["employment"], ctx.sector, jobs.at[ctx.sector, "employment"])
    total = float(jobs.at[ctx.sector, "employment"])
    withheld = rest[ctx.sector]
    text = (f"Estimate: for each manufacturing subsector, the national share of its jobs in each "
            f"occupation (OEWS, May {ctx.region.years.oews}) times the region's jobs in the "
            f"subsector (QCEW, {ctx.region.years.end}), summed over subsectors. It assumes the "
            "region's plants in a subsector employ the same mix of occupations as the nation's. "
            f"{withheld:,.0f} of the region's {total:,.0f} manufacturing jobs "
            f"({withheld / total * 100:.0f}%) sit in subsector cells QCEW withholds for "
            "confidentiality; they are given the national all-manufacturing mix.")
    return text + " Orange bars and a named IMT family mark occupations an Industrial " \
        "Manufacturing Technician apprenticeship prepares for or leads to."


# --- pay ---------------------------------------------------------------------------------------


def _areas(ctx: Context) -> pd.DataFrame:
    """One row per OEWS area used (region areas in order, then state), with short names."""
    a = ctx.oews_areas.drop_duplicates("area_code")
    a = a[a["geography"].isin(["region", "state"])]
    a = a.assign(order=a["geography"].map({"region": 0, "state": 1}))
    a = a.sort_values(["order", "area_title"])
    name = a["area_title"].fillna(a["area_code"]).astype(str).str.replace(
        r",\s*[A-Z]{2}(-[A-Z]{2})*$", "", regex=True)
    return pd.DataFrame({"area_code": a["area_code"], "geography": a["geography"],
                         "name": name, "counties": a["county_names"],
                         "stand_in": a["stand_in"]}).reset_index(drop=True)


def area_note(ctx: Context) -> str:
    """Which OEWS area stands for which of the region's counties, with stand-in notes."""
    a = _areas(ctx)
    a = a[a["geography"] == "region"]
    parts = [f"{r['name']}: {r['counties'].replace('; ', ', ')}" for _, r in a.iterrows()]
    stand = " ".join(dict.fromkeys(s for s in a["stand_in"] if s))
    return (f"OEWS areas of the May {ctx.region.years.oews} release standing for the region's "
            "counties: " + "; ".join(parts) + "." + (" " + stand if stand else ""))


def regional_wages(ctx: Context) -> pd.DataFrame:
    """Hourly (and annual) median and 25th percentile by occupation: the region (weighted over
    its metro areas), the state (columns ``ca_*``, the benchmark), and the counts of areas
    withheld or top-coded."""
    areas = _areas(ctx)
    region_codes = areas.loc[areas["geography"] == "region", "area_code"].tolist()
    state = ctx.region.benchmarks.state.oews
    a = ctx.oews_areas[ctx.oews_areas["industry_code"] == CROSS_INDUSTRY]
    a = a.drop_duplicates(["area_code", "occ_code"])
    reg = a[a["area_code"].isin(region_codes)]
    rows = []
    for occ, g in reg.groupby("occ_code", sort=False):
        w = g["tot_emp"].astype(float)
        rec = {"occ_code": occ}
        for col in ("h_median", "h_pct25", "a_median", "a_pct25"):
            rec[col] = weighted_wage(g[col].astype(float), w)
        used = (g["h_median"].notna() | g["a_median"].notna()) & g["tot_emp"].notna()
        rec["areas_used"] = int(used.sum())
        rec["top_coded"] = int(g["h_median_flag"].eq(TOP_CODED).sum())
        # withheld: suppressed, or no estimate for the area at all (no row in the file)
        rec["withheld"] = len(region_codes) - rec["areas_used"] - rec["top_coded"]
        rows.append(rec)
    out = pd.DataFrame(rows).set_index("occ_code")
    ca = a[a["area_code"] == state].set_index("occ_code")
    for col in ("h_median", "h_pct25", "a_median", "a_pct25"):
        out[f"ca_{col}"] = ca[col].astype(float).reindex(out.index)
    # No metro publishes the wage: use the state's, and say so.
    fallback = out["h_median"].isna() & out["a_median"].isna() & out["ca_h_median"].notna()
    out["basis"] = np.where(fallback, STATE_BASIS, "region")
    for col in ("h_median", "h_pct25", "a_median", "a_pct25"):
        out[col] = out[col].where(~fallback, out[f"ca_{col}"])
    # Ratio to the family-sustaining wage: hourly where published, else annual.
    for pct in ("median", "pct25"):
        hourly = out[f"h_{pct}"] / ctx.fs_hourly
        annual = out[f"a_{pct}"] / ctx.fs_annual
        out[f"{pct}_ratio"] = hourly.where(hourly.notna(), annual)
    return out.reset_index()


def _wage_cell(value: object, flag: str) -> object:
    """A wage for the by-metro table: the number, or OEWS's own marker (``*`` withheld,
    ``#`` top-coded)."""
    if flag == TOP_CODED:
        return "#"
    if pd.isna(value):
        return "*"
    return float(value)


def wages_display(ctx: Context, n: int = FOCUS_N) -> pd.DataFrame:
    """The IMT focus occupations: regional and state median and 25th percentile hourly
    wages, the median against the family-sustaining wage, and metro areas withheld."""
    f = focus(ctx, n)
    w = ctx.wages.set_index("occ_code").reindex(f["occ_code"])
    name = f["occ_title"].to_numpy()
    state = ctx.state
    basis = np.where(w["basis"].eq(STATE_BASIS), f" ({state})", "")
    return pd.DataFrame({
        "Occupation": [f"{t}{b}" for t, b in zip(name, basis, strict=True)],
        "Region median ($/h)": w["h_median"].to_numpy(),
        "Region 25th pct ($/h)": w["h_pct25"].to_numpy(),
        f"{state} median ($/h)": w["ca_h_median"].to_numpy(),
        f"{state} 25th pct ($/h)": w["ca_h_pct25"].to_numpy(),
        "Median vs family-sustaining (%)": (w["median_ratio"] * 100).to_numpy(),
        "Metro areas withheld": w["withheld"].to_numpy(),
    })


def wage_formats(ctx: Context) -> dict[str, str]:
    """Formats for :func:`wages_display`."""
    money = {f"{who} {what} ($/h)": "{:.2f}" for who in ("Region", ctx.state)
             for what in ("median", "25th pct")}
    return {"Median vs family-sustaining (%)": "{:.0f}", **money}


def wages_by_metro(ctx: Context, pct: str = "h_median", n: int = FOCUS_N) -> pd.DataFrame:
    """``pct`` (``h_median`` or ``h_pct25``) for the focus occupations in each metro area and
    the state, with OEWS's markers where a cell is withheld (``*``) or top-coded (``#``)."""
    f = focus(ctx, n)
    areas = _areas(ctx)
    a = ctx.oews_areas[ctx.oews_areas["industry_code"] == CROSS_INDUSTRY].drop_duplicates(
        ["area_code", "occ_code"]).set_index(["area_code", "occ_code"])
    out = pd.DataFrame({"Occupation": f["occ_title"].to_numpy()})
    for _, ar in areas.iterrows():
        cells = []
        for occ in f["occ_code"]:
            if (ar["area_code"], occ) in a.index:
                row = a.loc[(ar["area_code"], occ)]
                cells.append(_wage_cell(row[pct], row[f"{pct}_flag"]))
            else:
                cells.append("*")
        out[ar["name"]] = pd.Series(cells, dtype=object)
    return out


def metro_formats(ctx: Context) -> dict[str, str]:
    """Formats for :func:`wages_by_metro`: dollars and cents in every area column."""
    return {name: "{:.2f}" for name in _areas(ctx)["name"]}


def wage_figure(ctx: Context, n: int = FOCUS_N):
    """Median hourly wage of each focus occupation in each metro area (dots), the state
    (diamond), against the family-sustaining wage (dashed line)."""
    f = focus(ctx, n)
    areas = _areas(ctx)
    a = ctx.oews_areas[ctx.oews_areas["industry_code"] == CROSS_INDUSTRY].drop_duplicates(
        ["area_code", "occ_code"])
    order = ctx.wages.set_index("occ_code")["h_median"].reindex(f["occ_code"]).sort_values(
        na_position="first")
    labels = f.set_index("occ_code")["occ_title"].map(lambda t: short(t, 46, 1))
    y = {occ: i for i, occ in enumerate(order.index)}
    fig, ax = plt.subplots(figsize=(figures.WIDTH, 0.34 * len(y) + 1.5))
    metros = areas[areas["geography"] == "region"]
    for i, (_, ar) in enumerate(metros.iterrows()):
        rows = a[(a["area_code"] == ar["area_code"]) & a["occ_code"].isin(y)]
        ax.scatter(rows["h_median"].astype(float), rows["occ_code"].map(y), s=16,
                   color=figures.PALETTE[i % len(figures.PALETTE)], alpha=0.85,
                   label=ar["name"], zorder=3)
    st = areas[areas["geography"] == "state"]
    if not st.empty:
        rows = a[(a["area_code"] == st["area_code"].iloc[0]) & a["occ_code"].isin(y)]
        ax.scatter(rows["h_median"].astype(float), rows["occ_code"].map(y), marker="D", s=26,
                   facecolor="white", edgecolor="#222", label=st["name"].iloc[0], zorder=4)
    ax.axvline(ctx.fs_hourly, color="#222222", lw=1.1, ls="--", zorder=2)
    ax.text(ctx.fs_hourly, len(y) - 0.4, f" family-sustaining {dollars(ctx.fs_hourly)}",
            color="#222222", fontsize=7, va="bottom")
    ax.set_yticks(range(len(y)), [labels[o] for o in order.index])
    ax.set_ylim(-0.6, len(y) + 0.2)
    ax.set_xlabel("Median hourly wage ($)")
    ax.set_title(f"Median hourly wage by metro area, May {ctx.region.years.oews}", loc="left")
    ax.grid(axis="y", visible=False)
    lo, hi = ax.get_xlim()
    ax.set_xlim(lo, hi + 0.3 * (hi - lo))  # room for the legend right of the lowest wages
    # the lowest-paid occupations sit at the bottom, so the lower right is free
    ax.legend(frameon=True, facecolor="white", edgecolor="#ccc", ncols=2, loc="lower right",
              fontsize=7)
    fig.tight_layout()
    med = order.dropna()
    above = int((med >= ctx.fs_hourly).sum())
    ranked = "; ".join(f"{labels[o]} {dollars(v)}" for o, v in med[::-1].items())
    return figures.set_alt(fig, f"Dot chart: median hourly wage, May {ctx.region.years.oews}, of "
                           f"the {len(y)} largest IMT occupations in each of {len(metros)} metro "
                           f"areas and {ctx.state}, against the family-sustaining wage of "
                           f"{dollars(ctx.fs_hourly)} (dashed line). {above} of {len(med)} "
                           f"occupations have a regional median at or above it. Regional "
                           f"medians, highest first: {ranked}.")


def wage_note(ctx: Context) -> str:
    jq = ctx.region.job_quality
    return (f"Family-sustaining wage: ${jq.family_sustaining_annual:,.0f} a year, "
            f"{dollars(ctx.fs_hourly)} an hour at 2,080 hours ({jq.basis}). The region's figure "
            "is the mean of its metro areas' published values weighted by each area's "
            "employment in the occupation (percentiles cannot be added, so it approximates a "
            "regional median); withheld and top-coded areas are left out. Where no metro area "
            f"publishes the wage, {ctx.state}'s figure is used and the occupation is marked "
            f"({ctx.state}). Wages cover all industries, not manufacturing alone. "
            + area_note(ctx))


def wage_marker_note() -> str:
    return ("* OEWS withheld the estimate for the area or published none (too few survey "
            "responses, or confidentiality); # at or above the OEWS top-code cap. Neither is "
            "filled in.")


def wage_caveat(ctx: Context) -> str:
    f = focus(ctx)
    w = ctx.wages.set_index("occ_code").reindex(f["occ_code"])
    withheld = int(w["withheld"].fillna(0).sum())
    top = int(w["top_coded"].fillna(0).sum())
    cells = len(f) * int((_areas(ctx)["geography"] == "region").sum())
    ca = int(w["basis"].eq(STATE_BASIS).sum())
    text = (f"Of the {cells} metro-area wage cells behind the pay comparisons, OEWS withheld "
            f"{withheld} and top-coded {top}; those areas are left out of the regional figures, "
            "never filled in. ")
    if ca:
        text += (f"For {ca} occupation(s) no metro area published a wage and {ctx.state}'s "
                 "figure stands in. ")
    return text + ("OEWS wages are for all industries in each area; manufacturing pay for the "
                   "same occupation can differ.")


# --- openings ----------------------------------------------------------------------------------


def _openings_candidates(ctx: Context) -> pd.DataFrame:
    """EDD occupations concentrated in manufacturing: manufacturing employs them in the region
    (estimated jobs > 0) and holds at least :data:`MID_MFG_SHARE` percent of their jobs
    nationally."""
    o = ctx.openings
    leaves = _leaves(ctx).set_index("occ_code")
    leaves = leaves[leaves["mfg_share"] >= MID_MFG_SHARE]
    o = o[o["soc"].isin(leaves.index)].copy()
    o["imt_family"] = o["soc"].map(imt_family)
    o["mfg_jobs"] = o["soc"].map(leaves["jobs"])
    return o.sort_values("total_openings", ascending=False, na_position="last",
                         ignore_index=True)


def _no_projections(ctx: Context) -> present.Omitted:
    return present.Omitted(
        "Projected openings are left out: they come from the California EDD's long-term "
        f"projections, a source not used for {ctx.region.name} ({ctx.projections_off}), so "
        "the priority ranking below scores pay and concentration in manufacturing only.")


def openings_display(ctx: Context, n: int = TOP_N) -> pd.DataFrame | present.Omitted:
    if ctx.projections_off:
        return _no_projections(ctx)
    t = _openings_candidates(ctx).head(n)
    span = ctx.projection_span
    return pd.DataFrame({
        "SOC": t["soc"],
        "Occupation": t["title"],
        "IMT family": t["imt_family"].replace("", "—"),
        f"Jobs change {span} (%)": (t["proj_emp"] / t["base_emp"] - 1) * 100,
        "Openings a year": t["total_openings"],
        "from exits": t["exits"],
        "from transfers": t["transfers"],
        "from growth": t["annual_change"],
        "Metro areas": t["areas"],
    }).reset_index(drop=True)


def openings_formats(ctx: Context) -> dict[str, str]:
    return {f"Jobs change {ctx.projection_span} (%)": "{:+.1f}"}


def openings_figure(ctx: Context, n: int = TOP_N):
    if ctx.projections_off:
        return _no_projections(ctx)
    t = _openings_candidates(ctx).head(n).iloc[::-1]
    labels = t["title"].map(short)
    fig, ax = plt.subplots(figsize=(figures.WIDTH, 0.34 * len(t) + 1.2))
    left = np.zeros(len(t))
    parts = [("exits", "Exits (leaving the labor force)"),
             ("transfers", "Transfers (moving to other occupations)"),
             ("annual_change", "Growth")]
    for i, (col, name) in enumerate(parts):
        v = t[col].astype(float).fillna(0).to_numpy()
        pos = np.clip(v, 0, None)
        ax.barh(labels, pos, left=left, color=figures.PALETTE[i], label=name)
        left = left + pos
        neg = np.clip(v, None, 0)
        if (neg < 0).any():
            ax.barh(labels, neg, color=figures.PALETTE[i], hatch="///", edgecolor="white")
    for yy, total in enumerate(t["total_openings"].astype(float)):
        if pd.notna(total):
            ax.text(left[yy], yy, f" {total:,.0f}", va="center", fontsize=7)
    ax.axvline(0, color="#333", lw=0.8)
    ax.xaxis.set_major_formatter(mticker.StrMethodFormatter("{x:,.0f}"))
    ax.set_title(f"Average annual openings by source, {ctx.projection_span}", loc="left")
    ax.set_xlabel("Openings a year (region's metro areas, all industries)")
    ax.margins(x=0.12)
    ax.grid(axis="y", visible=False)
    # bars shrink towards the bottom, so the lower right is free
    ax.legend(frameon=True, facecolor="white", edgecolor="#ccc", loc="lower right",
              fontsize=7)
    fig.tight_layout()
    return fig


def openings_figure_note(ctx: Context, n: int = TOP_N) -> str:
    t = _openings_candidates(ctx).head(n)
    several = ctx.edd["area_code"].nunique() > 1
    text = ("Openings in all industries, summed over the region's metro areas." if several
            else "Openings in all industries in the region's metro area.")
    if (t["annual_change"] < 0).any():
        text += " Hatched: a projected decline in jobs, which reduces openings."
    return text


def _openings_basis(ctx: Context) -> str:
    """How EDD published the openings the tables show as annual averages."""
    layouts = set(ctx.edd["layout"]) if "layout" in ctx.edd else set()
    if PERIOD_TOTALS in layouts:
        span = (ctx.edd["proj_year"] - ctx.edd["base_year"]).dropna().astype(int)
        years = f"{span.iloc[0]} " if span.nunique() == 1 else ""
        return (f" (EDD publishes this release's figures as totals over the {years}years of "
                "the projection; they are divided here by its length)")
    return " (as EDD publishes them)" if layouts else ""


def openings_note(ctx: Context) -> str:
    n_areas = ctx.edd["area_code"].nunique()
    areas = "metro area" if n_areas == 1 else f"{n_areas} metro areas"
    one_each = len({c.edd_area for c in ctx.region.counties if c.edd_area}) == len(
        ctx.region.counties)
    each = " (each county is its own metro area)" if one_each and n_areas > 1 else ""
    summed = ", summed" if n_areas > 1 else ""
    return (f"EDD's {ctx.projection_span} projections for the region's {areas}{each}{summed}. "
            "Openings = exits + transfers + "
            f"growth, as annual averages{_openings_basis(ctx)}; they count openings in all "
            "industries, not only in manufacturing. Occupations shown are those concentrated in "
            f"manufacturing: at least {MID_MFG_SHARE:.0f}% of their jobs nationally are in "
            "manufacturing (OEWS), and the staffing estimate above finds them in the region's "
            "plants. Metro areas: how many of the region's "
            "areas publish a projection for the occupation (EDD leaves out small ones, so the "
            "sum is a lower bound where fewer than all do).")


# --- skills ----------------------------------------------------------------------------------


def skills_display(ctx: Context, n: int = SKILLS_N) -> pd.DataFrame:
    """Top skills and knowledge areas (O*NET importance) for the first priority occupations."""
    p = ctx.priority
    p = p[p["rank"].notna()].head(n)
    parts = {}
    for domain in (onet.SKILLS, onet.KNOWLEDGE):
        top = top_elements(ctx.onet_ratings, domain)
        top = top[top["soc"].isin(p["occ_code"])]
        text = top.assign(t=top["element"] + " (" + top["importance"].map("{:.1f}".format)
                          + np.where(top["low_precision"], "†", "") + ")")
        parts[domain] = text.groupby("soc")["t"].agg("; ".join)
    return pd.DataFrame({
        "Occupation": p["occ_title"].to_numpy(),
        "Most important skills": p["occ_code"].map(parts[onet.SKILLS]).fillna(
            "not rated in O*NET").to_numpy(),
        "Most important knowledge": p["occ_code"].map(parts[onet.KNOWLEDGE]).fillna(
            "not rated in O*NET").to_numpy(),
    })


def skills_figure(ctx: Context, n: int = SKILLS_N, elements: int = 10):
    """Heat map: importance of the skills most often among the priority occupations' top
    five, for each priority occupation."""
    p = ctx.priority
    p = p[p["rank"].notna()].head(n)
    top = top_elements(ctx.onet_ratings, onet.SKILLS)
    top = top[top["soc"].isin(p["occ_code"])]
    if top.empty:
        fig, ax = plt.subplots(figsize=(figures.WIDTH, 1.2))
        ax.text(0.5, 0.5, "No O*NET skill ratings for these occupations", ha="center")
        ax.set_axis_off()
        return fig
    freq = top.groupby("element").agg(k=("soc", "size"), imp=("importance", "mean"))
    chosen = freq.sort_values(["k", "imp"], ascending=False).head(elements).index.tolist()
    allr = top_elements(ctx.onet_ratings, onet.SKILLS, n=10_000)
    grid = allr[allr["soc"].isin(p["occ_code"]) & allr["element"].isin(chosen)].pivot_table(
        index="soc", columns="element", values="importance")
    rows = [s for s in p["occ_code"] if s in grid.index]
    grid = grid.reindex(index=rows, columns=chosen)
    titles = p.set_index("occ_code")["occ_title"]
    fig, ax = plt.subplots(figsize=(figures.WIDTH, 0.42 * len(rows) + 2.2))
    im = ax.imshow(grid.to_numpy(dtype=float), cmap="Blues", vmin=1, vmax=5, aspect="auto")
    for i in range(grid.shape[0]):
        for j in range(grid.shape[1]):
            v = grid.iat[i, j]
            if pd.notna(v):
                ax.text(j, i, f"{v:.1f}", ha="center", va="center", fontsize=7,
                        color="white" if v >= 3.6 else "#222")
    ax.set_xticks(range(len(chosen)), [short(c, 30, 1) for c in chosen], rotation=35,
                  ha="right", rotation_mode="anchor", fontsize=7)
    ax.set_yticks(range(len(rows)), [short(titles[s], 40, 1) for s in rows], fontsize=7)
    ax.grid(False)
    fig.colorbar(im, ax=ax, shrink=0.8, label="Importance (1-5)")
    ax.set_title("Importance of the most common top skills, priority occupations", loc="left")
    fig.tight_layout()
    return fig


def skills_note() -> str:
    return ("O*NET importance runs from 1 (not important) to 5 (extremely important), averaged "
            "over the O*NET occupations within a SOC code; ratings O*NET marks not relevant are "
            "left out. † O*NET recommends suppressing at least one rating averaged (low "
            "precision); it is shown, marked.")


# --- priority occupations -----------------------------------------------------------------------


def candidates(ctx: Context) -> pd.DataFrame:
    """Every occupation manufacturing employs in the region, with the criteria and the score."""
    c = _leaves(ctx)[["occ_code", "occ_title", "jobs", "share", "imt_family", "mfg_share"]]
    c = c.copy()
    o = ctx.openings.set_index("soc")
    c["in_edd"] = c["occ_code"].isin(o.index)
    for col in ("total_openings", "exits", "transfers", "annual_change", "areas"):
        c[col] = c["occ_code"].map(o[col])
    c["entry_education"] = c["occ_code"].map(o["entry_education"]).fillna("")
    w = ctx.wages.set_index("occ_code")
    for col in ("h_median", "h_pct25", "median_ratio", "pct25_ratio", "basis", "top_coded",
                "withheld"):
        c[col] = c["occ_code"].map(w[col])
    c["top_coded"] = c["top_coded"].fillna(0) > 0
    return priority_scores(c.reset_index(drop=True), projections=not ctx.projections_off)


def priority_display(ctx: Context, n: int = PRIORITY_N) -> pd.DataFrame:
    p = ctx.priority
    p = p[p["rank"].notna()].head(n)
    basis = np.where(p["basis"].eq(STATE_BASIS), f"; wage: {ctx.state}", "")
    points = [f"{int(o)} + {int(w)} + {int(f)}" for o, w, f in
              zip(p["openings_pts"], p["pay_pts"], p["mfg_pts"], strict=True)]
    out = pd.DataFrame({
        "Rank": p["rank"].astype("int64").to_numpy(),
        "Occupation (SOC)": (p["occ_title"] + " (" + p["occ_code"] + basis + ")").to_numpy(),
        "Openings a year": p["total_openings"].astype(float).to_numpy(),
        "Median ($/h)": p["h_median"].astype(float).to_numpy(),
        "25th pct ($/h)": p["h_pct25"].astype(float).to_numpy(),
        "Jobs in mfg (%)": p["mfg_share"].astype(float).to_numpy(),
        "Entry education": p["entry_education"].to_numpy(),
        "Points: openings + pay + mfg": points,
        "Score (of 6)": p["score"].astype("int64").to_numpy(),
    })
    if ctx.projections_off:  # no openings or education to show; the score is out of 4
        out = out.drop(columns=["Openings a year", "Entry education"]).rename(columns={
            "Points: openings + pay + mfg": "Points: pay + mfg", "Score (of 6)": "Score (of 4)"})
        out["Points: pay + mfg"] = [x.split(" + ", 1)[1] for x in out["Points: pay + mfg"]]
    return out


def priority_note(ctx: Context) -> str:
    criteria = CRITERIA
    if ctx.projections_off:
        criteria = [("Eligible", "every occupation manufacturing employs in the region (no "
                                 "projections give its entry-level education here)"),
                    ("Openings", f"not scored (0 points): no projections for {ctx.region.name}"),
                    *CRITERIA[2:]]
    crit = "; ".join(f"{name}: {text}" for name, text in criteria)
    p = ctx.priority
    n_el = int(p["eligible"].sum())
    excluded = p[p["in_edd"] & ~p["eligible"]]
    text = (f"Criteria, each computed from the tables above ({n_el} eligible occupations "
            f"scored). {crit}. Family-sustaining wage {dollars(ctx.fs_hourly)} an hour. Wages: the "
            "regional median and 25th percentile (approximated as explained under pay); "
            f"\"wage: {ctx.state}\" marks an occupation whose wage comes from the state.")
    if not excluded.empty:
        text += (" Left out because entry usually requires a bachelor's degree or more: "
                 + ", ".join(excluded.sort_values("jobs", ascending=False)["occ_title"].head(8))
                 + (" and others" if len(excluded) > 8 else "") + ".")
    no_edd = p[~p["in_edd"]]
    if not no_edd.empty and not ctx.projections_off:
        text += (f" {len(no_edd)} occupation(s) manufacturing employs have no EDD projection "
                 "for the region's metro areas and are not scored.")
    return text


def programs_display(ctx: Context, n: int = PRIORITY_N, most: int = 6) -> pd.DataFrame:
    """The CIP programs the NCES crosswalk matches to each of the first priority occupations."""
    p = ctx.priority
    p = p[p["rank"].notna()].head(n)
    progs = training_programs(ctx.cip_soc, p["occ_code"].tolist())
    lists = {}
    for soc, g in progs.groupby("soc"):
        items = [f"{c} {t}" for c, t in zip(g["cip"], g["cip_title"], strict=True)]
        extra = len(items) - most
        lists[soc] = "; ".join(items[:most]) + (f"; and {extra} more" if extra > 0 else "")
    return pd.DataFrame({
        "Rank": p["rank"].astype("int64").to_numpy(),
        "Occupation": p["occ_title"].to_numpy(),
        "Programs (CIP 2020)": [lists.get(s, "no program matched in the crosswalk")
                                for s in p["occ_code"]],
        "Programs matched": [int((progs["soc"] == s).sum()) for s in p["occ_code"]],
    })


def supply_caveat() -> str:
    return ("A crosswalk match says a program prepares for an occupation, not that a college "
            "in the region offers it. The training-supply section below counts what the "
            "region's colleges and apprenticeships actually award each year for the priority "
            "occupations, and sizes the gap against the openings.")


def equity_caveat(ctx: Context | None = None) -> str:
    used = ("OEWS, O*NET" if ctx is not None and ctx.projections_off
            else "OEWS, EDD projections, O*NET")
    return (f"The occupational sources used here ({used}) publish no "
            "breakdown by sex, race and ethnicity, age, veteran status or disability, so this "
            "section cannot say who holds these jobs. The workforce chapters, which draw on the "
            "American Community Survey and the Quarterly Workforce Indicators, describe who "
            "works in the region's manufacturing.")


def staffing_caveat(ctx: Context) -> str:
    s = _leaves(ctx)
    withheld = int((s["industries_withheld"] > 0).sum())
    return ("The occupational mix is an estimate, not a count: it carries the national "
            "staffing pattern of each subsector into the region. Plants here may differ (food "
            "processing lines, for instance, may be more or less automated than the nation's). "
            f"OEWS withheld the national figure for {withheld} occupation(s) in at least one "
            "subsector; their estimates leave those subsectors out and are lower bounds. The "
            "employer survey, where it reports occupations, is the check on this estimate.")


# --- findings ------------------------------------------------------------------------------------


def _and(items: list[str]) -> str:
    """``a``, ``a and b``, ``a, b and c``; semicolons when an item has its own "and" or comma
    (occupation titles often do)."""
    if len(items) == 1:
        return items[0]
    sep = "; " if any(" and " in i or "," in i for i in items) else ", "
    last = "; and " if sep == "; " else " and "
    return sep.join(items[:-1]) + last + items[-1]


def findings(ctx: Context) -> list[str]:
    """Plain-language findings, every number computed from the tables above."""
    end = ctx.region.years.end
    total = float(region_jobs(ctx).at[ctx.sector, "employment"])
    majors = ctx.staffing[ctx.staffing["level"] == "major"].set_index("occ_code")
    prod = majors["share"].get("51-0000", np.nan)
    maint = majors["share"].get("49-0000", np.nan)
    leaves = _leaves(ctx)
    top3 = leaves.head(3)["occ_title"].str.lower().tolist()
    imt = leaves[leaves["imt_family"] != ""]
    mix = (f", an estimated {prod:.0f}% are production occupations and {maint:.0f}% "
           "installation, maintenance and repair occupations" if pd.notna(prod)
           and pd.notna(maint) else "")
    items = [
        f"Of the region's {total:,.0f} manufacturing jobs in {end}{mix}. The largest single "
        f"occupations are {_and(top3)}.",
        f"Occupations an Industrial Manufacturing Technician apprenticeship prepares for or "
        f"leads to hold about {round(imt['jobs'].sum(), -2):,.0f} of these jobs "
        f"({imt['jobs'].sum() / total * 100:.0f}%).",
    ]
    f = focus(ctx)
    w = ctx.wages.set_index("occ_code").reindex(f["occ_code"])
    med_ok = int(w["median_ratio"].ge(1).sum())
    p25_ok = int(w["pct25_ratio"].ge(1).sum())
    items.append(
        f"Of the {len(f)} largest of these occupations, {med_ok} pay a regional median at or "
        f"above the family-sustaining wage of {dollars(ctx.fs_hourly)} an hour, and {p25_ok} do so "
        "at the 25th percentile, where new workers usually start.")
    o = _openings_candidates(ctx)
    if not o.empty and o["total_openings"].sum() > 0:
        total_open = o["total_openings"].sum()
        growth = o["annual_change"].sum() / total_open * 100
        items.append(
            f"EDD projects about {round(total_open, -1):,.0f} openings a year to "
            f"{ctx.proj_year} across the region's metro areas in the {len(o)} occupations "
            f"concentrated in manufacturing (at least {MID_MFG_SHARE:.0f}% of their jobs "
            f"nationally). Only {growth:.0f}% come from growth; the rest replace workers who "
            "retire or leave the labor force, or move to other occupations.")
    p = ctx.priority
    ranked = p[p["rank"].notna()].head(3)
    if not ranked.empty:
        best = 4 if ctx.projections_off else 6
        names = [f"{t.lower()} ({int(s)} of {best})" for t, s in
                 zip(ranked["occ_title"], ranked["score"], strict=True)]
        basis = ("On pay against the family-sustaining wage and concentration in manufacturing "
                 "(no projections of openings cover the region)" if ctx.projections_off else
                 "On openings, pay against the family-sustaining wage and concentration in "
                 "manufacturing")
        items.append(f"{basis}, the first priorities for the apprenticeship are "
                     + _and(names) + ".")
    return items
