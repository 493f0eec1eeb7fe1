"""Union coverage, for the partnership's action "free and fair choice to join a union".

Two kinds of evidence side by side, as context for each other and never as a ranking:

* from the Current Population Survey, through the Union Membership and Coverage Database
  (:mod:`assessment.sources.unionstats`): the share of the state's private manufacturing wage
  and salary workers who are union members, and the share covered by a collective bargaining
  agreement, with the CPS sample size behind each; the region's metro areas only where their
  private manufacturing cell has at least
  :data:`~assessment.sources.unionstats.MIN_METRO_OBSERVATIONS` respondents;
* from the partnership's employer survey (question ``union_status``): the share of
  responding establishments with a collective bargaining agreement covering some or all of
  their workers, as reported and weighted to the QCEW universe of establishments
  (:mod:`assessment.survey.weighting`), each passing the region's disclosure rule
  (:func:`assessment.survey.disclosure.protect`: the count of establishments with an agreement,
  and their weighted total, need ``min_respondents`` establishments and no single one above
  ``max_share``). Only the "some or all" share is published, never "all or most" beside it,
  so the "some" cell cannot be worked out by subtraction.

The CPS counts workers, the survey counts establishments: a unionised establishment may employ
many workers or few, so the two shares measure different things.

Margins of error. CPS shares: ``1.96 * sqrt(p (1 - p) / n)`` with ``n`` the published
observations, the simple-random-sampling approximation, which understates the CPS's clustered
design. Survey, weighted share ``p = sum_h W_h p_h`` over the weighting strata (``W_h`` the
stratum's share of the establishments its respondents stand for, ``p_h`` the share with an
agreement among its respondents), with variance ``sum_h W_h**2 p_h (1 - p_h) / (n_h - 1)``
(stratified sampling with replacement, as the weighting module's totals); the unweighted share
gets the simple-random-sampling margin.
"""

from __future__ import annotations

import logging
import math
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from assessment import dataset, present
from assessment.paths import Mode
from assessment.region import Disclosure, Region, load_region
from assessment.sources import unionstats as us
from assessment.survey import disclosure

log = logging.getLogger(__name__)

Z95 = 1.96
WITH_AGREEMENT = ("all", "some")  # union_status codes meaning "a CBA covers some or all"
COLUMNS = ["Area", "Who is counted", "Measure", "Share (%)", "Margin, 95% (± points)",
           "Sample size", "Sample"]
CPS_SAMPLE = "CPS respondents"
SURVEY_SAMPLE = "responding establishments"


@dataclass(frozen=True)
class Context:
    region: Region
    mode: Mode
    unionstats: pd.DataFrame | None  # the processed ``unionstats`` table
    employers: pd.DataFrame | None  # survey_employer_establishments (no names, no free text)
    weights: pd.DataFrame | None  # respondent_id, stratum, weight (respondent level: not shown)
    survey_source: str = ""

    @classmethod
    def load(cls, region_path: str | Path, mode: str | Mode) -> Context:
        from assessment.sections import survey

        mode, region = Mode(mode), load_region(region_path)
        try:
            table = dataset.load("unionstats", mode, region)
        except FileNotFoundError:
            table = None
        sctx = survey.Context.load(region_path, mode)
        weights = None
        if sctx.has_employers:
            try:
                weights = survey.design(sctx).weights
            except ValueError as exc:  # too few respondents to form strata
                log.warning("employer survey weights not available: %s", exc)
        return cls(region, mode, table, sctx.employers if sctx.has_employers else None,
                   weights, sctx.source("employer"))

    @property
    def rule(self) -> Disclosure:
        return self.region.disclosure

    @property
    def year(self) -> int | None:
        if self.unionstats is None or self.unionstats.empty:
            return None
        return int(self.unionstats["year"].max())


# --- the CPS rows ---------------------------------------------------------------------------


def srs_margin(pct: float, n: int) -> float:
    """95% margin in percentage points of a share ``pct`` (percent) from ``n`` observations,
    simple random sampling."""
    if n is None or pd.isna(n) or n <= 0 or pd.isna(pct):
        return math.nan
    p = pct / 100
    return Z95 * math.sqrt(p * (1 - p) / n) * 100


def _manufacturing(ctx: Context) -> pd.DataFrame:
    t = ctx.unionstats
    if t is None:
        return pd.DataFrame(columns=us.TIDY_COLUMNS)
    return t[t["sector"] == us.PRIVATE_MANUFACTURING]


def metros_not_shown(ctx: Context) -> list[str]:
    """CBSA codes of the region's metros without a private manufacturing row in the table
    (too few CPS respondents, or absent from the file)."""
    shown = set(_manufacturing(ctx).query("area_type == @us.METRO")["area_code"])
    return [c for c in us.region_metros(ctx.region) if c not in shown]


def _cps_rows(ctx: Context) -> list[dict]:
    out = []
    m = _manufacturing(ctx)
    state = m[(m["area_type"] == us.STATE) & (m["area_code"] == ctx.region.state.fips)]
    metros = m[m["area_type"] == us.METRO]
    order = {c: i for i, c in enumerate(us.region_metros(ctx.region))}
    metros = metros.assign(_o=metros["area_code"].map(order)).sort_values("_o")
    for r, where in [*((r, r.area) for r in state.itertuples()),
                     *((r, f"{r.area} (metro area)") for r in metros.itertuples())]:
        who = f"Private manufacturing wage and salary workers, {r.year}"
        for measure, pct in (("Union members", r.pct_members),
                             ("Covered by a union contract", r.pct_covered)):
            out.append({"Area": where, "Who is counted": who, "Measure": measure,
                        "Share (%)": float(pct),
                        "Margin, 95% (± points)": srs_margin(float(pct), int(r.observations)),
                        "Sample size": int(r.observations), "Sample": CPS_SAMPLE})
    return out


# --- the survey rows ------------------------------------------------------------------------


@dataclass(frozen=True)
class CbaShare:
    answering: int  # establishments answering union_status
    share: float  # percent, unweighted; NaN when suppressed
    margin: float
    weighted_share: float  # percent, weighted; NaN when suppressed or no weights
    weighted_margin: float
    shown: bool  # the count passes the disclosure rule
    weighted_shown: bool


def _protected(answering: pd.DataFrame, value: pd.Series, rule: Disclosure) -> bool:
    contrib = pd.DataFrame({"respondent_id": answering["respondent_id"], "key": "cba",
                            "value": value.astype(float)})
    t = disclosure.protect(contrib, rule, rows="key", row_levels=["cba"])
    return bool((t.loc[~t["is_total"], "status"] == disclosure.SHOWN).iloc[0])


def cba_share(employers: pd.DataFrame, weights: pd.DataFrame | None,
              rule: Disclosure) -> CbaShare:
    """Share of responding establishments with a collective bargaining agreement (some or all
    workers), unweighted and weighted, each withheld unless it passes ``rule``."""
    answering = employers[employers["union_status"].notna()]
    n = len(answering)
    yes = answering["union_status"].isin(WITH_AGREEMENT)
    shown = n > 0 and _protected(answering, yes.astype(int), rule)
    share = 100 * yes.sum() / n if shown else math.nan
    margin = srs_margin(share, n) if shown else math.nan
    w_share = w_margin = math.nan
    w_shown = False
    if weights is not None and n:
        w = answering[["respondent_id"]].merge(
            weights[["respondent_id", "stratum", "weight"]], on="respondent_id", how="left")
        if w["weight"].isna().any():
            missing = w.loc[w["weight"].isna(), "respondent_id"].tolist()[:5]
            raise ValueError(f"no survey weight for respondent(s) {missing}")
        w["yes"] = yes.to_numpy()
        w_shown = shown and _protected(answering, pd.Series(
            (w["weight"] * w["yes"]).to_numpy(), index=answering.index), rule)
        if w_shown:
            total = w["weight"].sum()
            w_share = 100 * (w["weight"] * w["yes"]).sum() / total
            var = 0.0
            for _, s in w.groupby("stratum"):
                nh = len(s)
                wh = s["weight"].sum() / total
                ph = s["yes"].mean()
                if nh > 1:
                    var += wh ** 2 * ph * (1 - ph) / (nh - 1)
            w_margin = Z95 * math.sqrt(var) * 100
    return CbaShare(n, share, margin, w_share, w_margin, shown, w_shown)


def _survey_rows(ctx: Context) -> list[dict]:
    if ctx.employers is None or ctx.employers.empty:
        return []
    s = cba_share(ctx.employers, ctx.weights, ctx.rule)
    where = f"{ctx.region.name} (region)"
    who = "Responding manufacturing establishments, employer survey"
    rows = []
    if ctx.weights is not None:
        rows.append({"Area": where, "Who is counted": who,
                     "Measure": "With a collective bargaining agreement (some or all workers),"
                                " weighted to all establishments",
                     "Share (%)": s.weighted_share, "Margin, 95% (± points)": s.weighted_margin,
                     "Sample size": s.answering, "Sample": SURVEY_SAMPLE})
    rows.append({"Area": where, "Who is counted": who,
                 "Measure": "With a collective bargaining agreement (some or all workers),"
                            " as reported",
                 "Share (%)": s.share, "Margin, 95% (± points)": s.margin,
                 "Sample size": s.answering, "Sample": SURVEY_SAMPLE})
    return rows


# --- the table ------------------------------------------------------------------------------


def coverage_table(ctx: Context) -> pd.DataFrame:
    """The state's (and where the sample allows the metros') private manufacturing union
    membership and contract coverage, with the CPS sample size, then the share of responding
    establishments with a collective bargaining agreement. Fixed order, never sorted by value.
    A withheld survey share is missing (shown as a dash)."""
    out = pd.DataFrame(_cps_rows(ctx) + _survey_rows(ctx), columns=COLUMNS)
    for c in ["Share (%)", "Margin, 95% (± points)"]:
        out[c] = pd.to_numeric(out[c]).astype("Float64")  # NaN (withheld) -> missing
    out["Sample size"] = pd.to_numeric(out["Sample size"]).astype("Int64")
    return out


def source(ctx: Context) -> str:
    year = ctx.year
    parts = []
    if ctx.unionstats is not None:
        parts.append("Union Membership and Coverage Database from the CPS (Barry T. Hirsch, "
                     "David A. Macpherson and William E. Even, unionstats.com), state and metro "
                     f"tables, {year}")
    if ctx.employers is not None:
        parts.append(ctx.survey_source)
    text = "; ".join(parts) or "no union coverage data for this region"
    if ctx.mode is Mode.SAMPLE:
        text += ". SYNTHETIC SAMPLE union coverage tables, not unionstats.com figures"
    return text


def note(ctx: Context) -> str:
    text = ("Members belong to a union or an employee association like one; covered workers "
            "are members and non-members whose jobs a collective bargaining agreement covers. "
            "The CPS shares count workers and the survey shares count establishments, so the "
            "two are context for each other, not a ranking or a like-for-like comparison. "
            "CPS margins are the simple-random-sampling approximation and understate the "
            "survey's design effect. ")
    missing = metros_not_shown(ctx)
    if missing:
        text += (f"Metro areas are shown only where the CPS private manufacturing cell has at "
                 f"least {us.MIN_METRO_OBSERVATIONS} respondents; "
                 f"{len(missing)} of the region's {len(us.region_metros(ctx.region))} metro "
                 "areas are not. ")
    if ctx.employers is not None:
        text += (f"Survey shares follow the disclosure rule (at least "
                 f"{ctx.rule.min_respondents} responding establishments, and no single "
                 f"establishment above {ctx.rule.max_share:.0%} of those with an agreement, "
                 "counted and weighted); a dash marks a withheld share.")
    else:
        text += "No employer survey responses have been ingested for this region yet."
    return text.strip()


def show_coverage(ctx: Context) -> None:
    if ctx.unionstats is None and ctx.employers is None:
        return present.caveat("Neither the union coverage tables nor employer survey responses "
                              "are among the processed data for this region.")
    present.table(coverage_table(ctx), caption="Union membership and contract coverage in "
                  "manufacturing, and establishments with a collective bargaining agreement",
                  source=source(ctx), note=note(ctx), key="union_coverage",
                  formats={"Share (%)": "{:.1f}", "Margin, 95% (± points)": "{:.1f}"})


# --- findings -------------------------------------------------------------------------------


def findings(ctx: Context) -> list[str]:
    items = []
    m = _manufacturing(ctx)
    st = m[(m["area_type"] == us.STATE) & (m["area_code"] == ctx.region.state.fips)]
    if not st.empty:
        r = st.iloc[0]
        items.append(
            f"In {r['area']}, {r['pct_members']:.1f}% of private manufacturing wage and salary "
            f"workers were union members in {r['year']} and {r['pct_covered']:.1f}% were "
            "covered by a union contract (CPS, "
            f"{int(r['observations']):,} respondents; about ±"
            f"{srs_margin(float(r['pct_covered']), int(r['observations'])):.1f} points).")
    metros = m[m["area_type"] == us.METRO]
    for r in metros.itertuples():
        items.append(f"In the {r.area} metro area, {r.pct_covered:.1f}% of private "
                     f"manufacturing workers were covered by a union contract ("
                     f"{int(r.observations):,} CPS respondents).")
    if ctx.unionstats is not None and metros.empty and us.region_metros(ctx.region):
        items.append(f"No metro area of the region has the {us.MIN_METRO_OBSERVATIONS} CPS "
                     "respondents in private manufacturing a metro figure needs, so the "
                     "state's figure is the closest measure of union coverage for the region's "
                     "manufacturing workers.")
    if ctx.employers is not None and not ctx.employers.empty:
        s = cba_share(ctx.employers, ctx.weights, ctx.rule)
        if s.weighted_shown:
            items.append(f"Weighted to all manufacturing establishments in the region, "
                         f"{s.weighted_share:.0f}% (±{s.weighted_margin:.0f} points) have a "
                         "collective bargaining agreement covering some or all workers; "
                         f"{s.share:.0f}% of the {s.answering:,} responding establishments "
                         "report one.")
        elif s.shown:
            items.append(f"{s.share:.0f}% of the {s.answering:,} responding manufacturing "
                         "establishments report a collective bargaining agreement covering "
                         "some or all workers.")
        else:
            items.append("Too few responding establishments report a collective bargaining "
                         "agreement for the share to be published under the disclosure rule.")
    return items
