"""Section 5, needs and recommendations: what the evidence says the region needs, and what the
partnership proposes to do about it.

Every need is computed, never typed: a rule of ``config/needs.yml`` (thresholds the partnership
chose, each with its reason) applied to figures the other chapters already compute (the
training gap of :func:`assessment.sections.supply.gap_table`, the disadvantaged-communities
comparison of :func:`assessment.sections.communities.comparison`, the survey tables of
:mod:`assessment.sections.survey`, the workforce mix of
:func:`assessment.sections.workforce.workforce_mix`). Nothing here recomputes them.

Each need is a row: an id (``rule`` or ``rule:subject``), its heading, one sentence with its
numbers and their uncertainty, the chapter and table it rests on, and how strong the evidence
is: ``public data`` (agency statistics alone), ``surveys`` (the partnership's own), ``both
agree``, or ``weak`` (a survey figure withheld by the disclosure rule, from too few
respondents, or with too wide an interval, by the rules' ``evidence`` settings).

Recommendations are the partnership's (``config/recommendations/<slug>.yml``; a sample bundle
carries a sample file): each names the needs it answers. The chapter prints them grouped by the
partnership's five actions and flags any recommendation whose needs the data no longer support,
and any strong need no recommendation answers.

The outcome baselines (:func:`baselines`) are the figures by sex, age, race and ethnicity (QWI),
veterans and disability (ACS) against which the apprenticeship's recruitment, completion and
wages will be compared.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from assessment import figures, paths, present
from assessment.needs_config import (
    ACTION_TITLES,
    HEADING_TITLES,
    HEADINGS,
    NEED_ID,
    Action,
    NeedsRules,
    Recommendations,
    Rule,
    load_recommendations,
    load_rules,
)
from assessment.paths import Mode
from assessment.region import Region, load_region
from assessment.sections.occupations import dollars
from assessment.survey import disclosure

PUBLIC, SURVEYS, BOTH, WEAK = "public data", "surveys", "both agree", "weak"
STRENGTH_ORDER = {BOTH: 0, PUBLIC: 1, SURVEYS: 2, WEAK: 3}
Z95 = 1.959964  # the Wilson interval of a survey share

# The tables needs rest on: (notebook stem, caption), as the chapters caption them. Tables are
# numbered by the report's stylesheet, so a need names its chapter and caption.
TABLES: dict[str, tuple[str, str]] = {
    "supply_gap": ("03-occupations", "Openings and people trained a year, priority occupations"),
    "occ_priority": ("03-occupations", "Priority occupations for the apprenticeship"),
    "occ_wages": ("03-occupations", "Hourly wages of the largest IMT occupations, region and "
                  "state"),
    "survey_demand": ("04-survey-findings", "Estimated regional hiring demand by occupation "
                      "(weighted totals, 95% confidence intervals)"),
    "survey_hard_to_fill": ("04-survey-findings", "Occupations employers find hard to fill"),
    "survey_skill_gaps": ("04-survey-findings", "Skill gaps employers report among production "
                          "and maintenance workers"),
    "survey_hiring_barriers": ("04-survey-findings", "Barriers employers face in hiring"),
    "survey_benefits": ("04-survey-findings", "Benefits employers offer production workers"),
    "survey_wages": ("04-survey-findings", "Wages employers report against OEWS wages for the "
                     "same occupation and area"),
    "union_needs": ("04-survey-findings", "What union locals report about their members"),
    "workforce_mix": ("02-workforce", "Who holds manufacturing jobs compared with all jobs"),
    "women_acs": ("02-workforce", "Women among employed residents, manufacturing and all "
                  "industries"),
    "qwi_groups": ("02-workforce", "Manufacturing jobs, hires and earnings by group"),
    "hardship": ("02-workforce", "Poverty, disability and veterans, region and benchmarks"),
    "dac_comparison": ("02-workforce", "Disadvantaged tracts against the rest of the region"),
    "dac_access": ("02-workforce", "Manufacturing jobs and workers in and near disadvantaged "
                   "tracts"),
}


def chapter_of(stem: str) -> int | None:
    """The chapter number of a notebook: its place among the report's notebooks."""
    stems = [p.stem for p in paths.notebooks()]
    return stems.index(stem) + 1 if stem in stems else None


def ref(*keys: str) -> str:
    """'Chapter 3, “caption”; Chapter 4, “caption”' for table keys of :data:`TABLES`."""
    out = []
    for key in keys:
        stem, caption = TABLES[key]
        n = chapter_of(stem)
        out.append(f"Chapter {n}, table “{caption}”" if n else f"table “{caption}”")
    return "; ".join(out)


# --- evidence ----------------------------------------------------------------------------------


def strength(public: bool | None, survey: bool | None, weak: bool = False) -> str | None:
    """How strong a need's evidence is, or None when neither source finds the need.

    ``public``/``survey``: whether the agency figure / the survey figure meets the rule (None:
    no such figure). A weak survey figure never makes "both agree": with public data behind the
    need it is "public data", alone it is "weak"."""
    if public and survey and not weak:
        return BOTH
    if public:
        return PUBLIC
    if survey:
        return WEAK if weak else SURVEYS
    return None


def wilson(k: float, n: float, z: float = Z95) -> tuple[float, float]:
    """The Wilson score interval of a share k/n, in percent (NaN when n is 0 or missing)."""
    if n is None or not n or pd.isna(n) or pd.isna(k):
        return (math.nan, math.nan)
    p = k / n
    d = 1 + z * z / n
    centre = (p + z * z / (2 * n)) / d
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / d
    return (max(centre - half, 0.0) * 100, min(centre + half, 1.0) * 100)


def share_is_weak(k: float, n: float, ev) -> bool:
    """A survey share is weak below the respondent floor or with a wide Wilson interval."""
    if pd.isna(k) or pd.isna(n) or n < ev.weak_min_respondents.value:
        return True
    lo, hi = wilson(k, n)
    return (hi - lo) / 2 > ev.weak_share_ci_points.value


def total_is_weak(est: float, low: float, high: float, reporting: float, ev) -> bool:
    """A weighted survey total is weak when withheld, from few employers, or its interval runs
    more than ``weak_total_ci_ratio`` of it either side."""
    if pd.isna(est) or est <= 0 or pd.isna(reporting):
        return True
    if reporting < ev.weak_min_respondents.value:
        return True
    return (high - low) / 2 / est > ev.weak_total_ci_ratio.value


def _pct(x: float, places: int = 0) -> str:
    return f"{x:.{places}f}%"


def _n(x: float) -> str:
    return f"{x:,.0f}"


def _interval(lo: float, hi: float) -> str:
    return f"95% interval {lo:.0f}–{hi:.0f}%"


def _slug(text: str) -> str:
    return "-".join("".join(ch if ch.isalnum() else " " for ch in text.lower()).split())


# --- the inputs the rules read -----------------------------------------------------------------


@dataclass(frozen=True)
class Inputs:
    """The figures the rules read, each as its own chapter computes it (hand-made in tests).

    * ``gap``: supply.gap_table rows of the priority occupations, with ``h_pct25`` and
      ``pct25_ratio`` (OEWS regional 25th percentile and its ratio to the family-sustaining
      wage) and ``hard_share``-free: ``rank, soc, title, openings, supply, gap, coverage,
      programs, h_pct25, pct25_ratio``.
    * ``demand``: weighted survey totals, ``measure, soc, estimate, ci_low, ci_high, reporting,
      status`` (``soc`` "Total" for the region).
    * ``hard_to_fill``: ``soc, title, employers, hard``; ``skill_gaps``: ``code, label, rated,
      gap``; ``barriers``, ``benefits``: ``code, label, count, answered``; ``union``: ``topic``
      (barrier, concern), ``code, label, count, answered``; ``survey_wages``: ``soc, employers,
      start``.
    * ``mix``: workforce.workforce_mix; ``women_acs``: region estimates and MOEs of women among
      manufacturing and all employed residents; ``dac``: communities.comparison by indicator
      key; ``access``: communities.access.
    """

    region_name: str
    fs_hourly: float
    mfg_jobs: float
    gap: pd.DataFrame
    mix: pd.DataFrame
    mix_year: int
    dac: pd.DataFrame | None = None
    access: dict | None = None
    women_acs: dict | None = None
    demand: pd.DataFrame | None = None
    hard_to_fill: pd.DataFrame | None = None
    skill_gaps: pd.DataFrame | None = None
    barriers: pd.DataFrame | None = None
    benefits: pd.DataFrame | None = None
    union: pd.DataFrame | None = None
    survey_wages: pd.DataFrame | None = None
    acs_years: str = ""


@dataclass(frozen=True)
class Need:
    id: str
    heading: str
    rule: str
    title: str
    statement: str
    rests_on: str
    evidence: str
    order: float = 0.0  # rank within its rule (smaller first)

    @property
    def strong(self) -> bool:
        return self.evidence != WEAK


# --- the rules ---------------------------------------------------------------------------------


def _demand(inp: Inputs, soc: str, measure: str) -> pd.Series | None:
    d = inp.demand
    if d is None or d.empty:
        return None
    row = d[(d["soc"] == soc) & (d["measure"] == measure)]
    if row.empty or row.iloc[0]["status"] != disclosure.SHOWN:
        return None
    return row.iloc[0]


def _survey_row(frame: pd.DataFrame | None, code: str, topic: str | None = None
                ) -> pd.Series | None:
    if frame is None or frame.empty:
        return None
    m = frame["code"] == code
    if topic is not None:
        m &= frame["topic"] == topic
    row = frame[m]
    return None if row.empty else row.iloc[0]


def _share(row: pd.Series | None, count: str = "count", of: str = "answered") -> float:
    if row is None or pd.isna(row[count]) or not row[of]:
        return math.nan
    return float(row[count]) / float(row[of]) * 100


def _take(needs: list[Need], rule: Rule) -> list[Need]:
    needs = sorted(needs, key=lambda n: (STRENGTH_ORDER[n.evidence], n.order))
    if rule.top_n is not None:
        needs = needs[: int(rule.top_n.value)]
    return needs


def rule_industry_hiring(inp: Inputs, rid: str, rule: Rule, rules: NeedsRules) -> list[Need]:
    ev = rules.evidence
    out = []
    g = inp.gap.set_index("soc")
    socs = list(g.index)
    if inp.demand is not None and not inp.demand.empty:
        d = inp.demand[(inp.demand["measure"] == "hires_3y")
                       & (inp.demand["soc"] != disclosure.TOTAL)]
        socs += [s for s in d["soc"] if s not in socs]
    for soc in socs:
        openings = float(g.at[soc, "openings"]) if soc in g.index else math.nan
        title = g.at[soc, "title"] if soc in g.index else _title(inp, soc)
        public = (openings >= rule.value("min_openings_a_year")) if pd.notna(openings) else None
        h = _demand(inp, soc, "hires_3y")
        survey, weak, parts = None, False, []
        if pd.notna(openings):
            parts.append(f"about {_n(openings)} openings a year (EDD projections, all "
                         "industries)")
        if h is not None:
            survey = float(h["estimate"]) >= rule.value("min_survey_hires_3y")
            weak = total_is_weak(h["estimate"], h["ci_low"], h["ci_high"], h["reporting"], ev)
            parts.append(f"employers expect {_n(h['estimate'])} hires over three years (95% "
                         f"CI {_n(h['ci_low'])}–{_n(h['ci_high'])}; {_n(h['reporting'])} "
                         "employers reporting" + (", a weak estimate" if weak else "") + ")")
        s = strength(public, survey, weak)
        if s is None:
            continue
        keys = (["supply_gap"] if pd.notna(openings) else []) + (
            ["survey_demand"] if h is not None else [])
        out.append(Need(f"{rid}:{soc}", rule.heading, rid, rule.title,
                        f"{title}: " + "; ".join(parts) + ".", ref(*keys), s,
                        order=-(openings if pd.notna(openings) else float(h["estimate"]) / 3)))
    return _take(out, rule)


def _title(inp: Inputs, soc: str) -> str:
    for frame in (inp.gap, inp.hard_to_fill):
        if frame is not None and "title" in frame and (frame["soc"] == soc).any():
            return str(frame.loc[frame["soc"] == soc, "title"].iloc[0])
    return soc


def rule_industry_hard_to_fill(inp: Inputs, rid: str, rule: Rule, rules: NeedsRules
                               ) -> list[Need]:
    ev = rules.evidence
    h = inp.hard_to_fill
    if h is None or h.empty:
        return []
    g = inp.gap.set_index("soc")
    out = []
    for r in h.itertuples(index=False):
        share = r.hard / r.employers * 100 if r.employers else math.nan
        if pd.isna(share) or share < rule.value("min_share"):
            continue
        weak = share_is_weak(r.hard, r.employers, ev)
        lo, hi = wilson(r.hard, r.employers)
        text = (f"{r.title}: {_pct(share)} of the {_n(r.employers)} employers with the "
                f"occupation say it is hard to fill ({_interval(lo, hi)})")
        public, keys = None, ["survey_hard_to_fill"]
        if r.soc in g.index and pd.notna(g.at[r.soc, "coverage"]):
            cov = float(g.at[r.soc, "coverage"]) * 100
            public = cov < rule.value("max_coverage")
            text += (f"; the region trains {_pct(cov)} of its {_n(g.at[r.soc, 'openings'])} "
                     "openings a year")
            keys.append("supply_gap")
        out.append(Need(f"{rid}:{r.soc}", rule.heading, rid, rule.title, text + ".",
                        ref(*keys), strength(public if public else None, True, weak),
                        order=-share))
    return _take(out, rule)


def rule_industry_retirements(inp: Inputs, rid: str, rule: Rule, rules: NeedsRules
                              ) -> list[Need]:
    ev = rules.evidence
    mix = inp.mix.set_index("Workers")
    parts, keys = [], []
    public = None
    older = "Aged 55 and older"
    if older in mix.index and pd.notna(mix.at[older, "Manufacturing jobs (%)"]):
        share = float(mix.at[older, "Manufacturing jobs (%)"])
        public = share >= rule.value("min_share_55_plus")
        parts.append(f"workers aged 55 and older hold {_pct(share, 1)} of manufacturing jobs "
                     f"(QWI {inp.mix_year}; QWI publishes no margin of error)")
        keys.append("workforce_mix")
    survey, weak = None, False
    r = _demand(inp, disclosure.TOTAL, "retirements_5y")
    if r is not None and inp.mfg_jobs:
        share = float(r["estimate"]) / inp.mfg_jobs * 100
        survey = share >= rule.value("min_retiring_share_5y")
        weak = total_is_weak(r["estimate"], r["ci_low"], r["ci_high"], r["reporting"], ev)
        parts.append(f"employers expect {_n(r['estimate'])} retirements over five years (95% "
                     f"CI {_n(r['ci_low'])}–{_n(r['ci_high'])}), {_pct(share, 1)} of the "
                     f"region's {_n(inp.mfg_jobs)} manufacturing jobs")
        keys.append("survey_demand")
    s = strength(public, survey, weak)
    if s is None:
        return []
    text = "; ".join(parts)
    return [Need(rid, rule.heading, rid, rule.title, text[0].upper() + text[1:] + ".",
                 ref(*keys), s)]


def rule_industry_skill_gaps(inp: Inputs, rid: str, rule: Rule, rules: NeedsRules
                             ) -> list[Need]:
    ev = rules.evidence
    sg = inp.skill_gaps
    if sg is None or sg.empty:
        return []
    out = []
    for r in sg.itertuples(index=False):
        share = r.gap / r.rated * 100 if r.rated and pd.notna(r.gap) else math.nan
        if pd.isna(share) or share < rule.value("min_share"):
            continue
        lo, hi = wilson(r.gap, r.rated)
        out.append(Need(f"{rid}:{r.code}", rule.heading, rid, rule.title,
                        f"{r.label}: {_pct(share)} of the {_n(r.rated)} employers who rated it "
                        f"report a moderate or severe gap ({_interval(lo, hi)}).",
                        ref("survey_skill_gaps"),
                        strength(None, True, share_is_weak(r.gap, r.rated, ev)), order=-share))
    return _take(out, rule)


def rule_workforce_under_represented(inp: Inputs, rid: str, rule: Rule, rules: NeedsRules
                                     ) -> list[Need]:
    out = []
    for r in inp.mix.itertuples(index=False):
        mfg, alls = r[2], r[3]  # Manufacturing jobs (%), All jobs (%)
        if pd.isna(mfg) or pd.isna(alls) or alls < rule.value("min_group_share"):
            continue
        ratio = mfg / alls
        if ratio > rule.value("max_ratio"):
            continue
        label = str(r[1])
        text = (f"{label} hold {_pct(mfg, 1)} of manufacturing jobs against {_pct(alls, 1)} "
                f"of all jobs (QWI and LODES {inp.mix_year}), {ratio:.2f} times their share")
        keys = ["workforce_mix"]
        w = inp.women_acs
        if label == "Women" and w:
            text += (f"; among employed residents, {_pct(w['mfg'], 1)} (±{w['mfg_moe']:.1f}) of "
                     f"manufacturing workers are women against {_pct(w['all'], 1)} "
                     f"(±{w['all_moe']:.1f}) in all industries (ACS {inp.acs_years})")
            keys.append("women_acs")
        out.append(Need(f"{rid}:{_slug(label)}", rule.heading, rid, rule.title, text + ".",
                        ref(*keys), PUBLIC, order=ratio))
    return _take(out, rule)


BARRIER_UNION = {"transportation": "transportation", "childcare": "childcare",
                 "language": "language", "schedules": "schedules", "credentials": "credentials"}


def _union_note(inp: Inputs, code: str, topic: str, rules: NeedsRules) -> tuple[str, bool]:
    """A clause on union locals naming the same item, and whether they corroborate it."""
    u = _survey_row(inp.union, code, topic)
    share = _share(u)
    if pd.isna(share):
        return "", False
    ok = (share >= rules.evidence.survey_corroborates_share.value
          and not share_is_weak(u["count"], u["answered"], rules.evidence))
    return (f"; {_pct(share)} of {_n(u['answered'])} union locals name it too", ok)


def rule_workforce_barriers(inp: Inputs, rid: str, rule: Rule, rules: NeedsRules
                            ) -> list[Need]:
    ev = rules.evidence
    b = inp.barriers
    if b is None or b.empty:
        return []
    out = []
    for r in b.itertuples(index=False):
        share = _share(pd.Series(r._asdict()))
        if pd.isna(share) or share < rule.value("min_share"):
            continue
        lo, hi = wilson(r.count, r.answered)
        text = (f"{r.label}: {_pct(share)} of {_n(r.answered)} responding employers name it a "
                f"barrier to hiring ({_interval(lo, hi)})")
        keys = ["survey_hiring_barriers"]
        if r.code in BARRIER_UNION:
            note, _ = _union_note(inp, BARRIER_UNION[r.code], "barrier", rules)
            if note:
                text += note
                keys.append("union_needs")
        out.append(Need(f"{rid}:{r.code}", rule.heading, rid, rule.title, text + ".",
                        ref(*keys), strength(None, True, share_is_weak(r.count, r.answered, ev)),
                        order=-share))
    return _take(out, rule)


def _dac_row(inp: Inputs, key: str) -> pd.Series | None:
    if inp.dac is None or key not in inp.dac.index:
        return None
    return inp.dac.loc[key]


def _dac_clause(r: pd.Series, what: str) -> str:
    return (f"{what} {r['Disadvantaged tracts']:.1f}% (±{r['± Disadvantaged']:.1f}) in "
            f"disadvantaged tracts against {r['Rest of region']:.1f}% (±{r['± Rest']:.1f}) in "
            f"the rest of the region, a difference of {r['Difference (points)']:+.1f} points "
            f"(±{r['± Difference']:.1f})")


def _dac_adverse(r: pd.Series | None, minimum: float, higher_is_worse: bool = True) -> bool:
    """Statistically significant (the comparison's own test) and at least ``minimum`` points in
    the direction that is worse for residents of disadvantaged tracts."""
    if r is None or pd.isna(r["Difference (points)"]):
        return False
    diff = float(r["Difference (points)"]) * (1 if higher_is_worse else -1)
    return r["Significant"] == "yes" and diff >= minimum


def _dac_need(inp: Inputs, rid: str, rule: Rule, rules: NeedsRules, key: str, what: str,
              corroborate: list[tuple[str, str, str]]) -> list[Need]:
    """A regional need from one comparison row, with survey items that corroborate it:
    ``(frame name, code, topic or '')``."""
    r = _dac_row(inp, key)
    public = _dac_adverse(r, rule.value("min_difference_points"))
    if not public:
        return []
    text, keys, agree = _dac_clause(r, what), ["dac_comparison"], False
    ev = rules.evidence
    for frame, code, topic in corroborate:
        row = _survey_row(getattr(inp, frame), code, topic or None)
        share = _share(row)
        if pd.isna(share):
            continue
        who = "union locals" if frame == "union" else "responding employers"
        text += f"; {_pct(share)} of {_n(row['answered'])} {who} name {row['label'].lower()}"
        keys.append({"barriers": "survey_hiring_barriers", "union": "union_needs",
                     "skill_gaps": "survey_skill_gaps"}[frame])
        agree |= (share >= ev.survey_corroborates_share.value
                  and not share_is_weak(row["count"], row["answered"], ev))
    return [Need(rid, rule.heading, rid, rule.title, text + ".", ref(*dict.fromkeys(keys)),
                 BOTH if agree else PUBLIC)]


def rule_regional_employment(inp: Inputs, rid: str, rule: Rule, rules: NeedsRules
                             ) -> list[Need]:
    minimum = rule.value("min_difference_points")
    un, lf = _dac_row(inp, "acs_unemployment"), _dac_row(inp, "participation")
    parts = []
    if _dac_adverse(un, minimum):
        parts.append(_dac_clause(un, "Unemployment is"))
    if _dac_adverse(lf, minimum, higher_is_worse=False):
        parts.append(_dac_clause(lf, "labor force participation is"))
    if not parts:
        return []
    text = "; ".join(parts)
    return [Need(rid, rule.heading, rid, rule.title,
                 text[0].upper() + text[1:] + f" (ACS {inp.acs_years}, 90% margins).",
                 ref("dac_comparison"), PUBLIC)]


def rule_regional_access(inp: Inputs, rid: str, rule: Rule, rules: NeedsRules) -> list[Need]:
    a = inp.access
    if not a or pd.isna(a.get("working_age_in_dac")) or not a.get("working_age_in_dac"):
        return []
    ratio = a["workers_in_dac"] / a["working_age_in_dac"]
    if ratio > rule.value("max_ratio"):
        return []
    return [Need(rid, rule.heading, rid, rule.title,
                 f"{_pct(a['workers_in_dac'])} of the region's manufacturing workers live in a "
                 f"disadvantaged tract against {_pct(a['working_age_in_dac'])} of its residents "
                 f"aged 18 to 64 ({ratio:.2f} times their share), although "
                 f"{_pct(a['jobs_near_dac'])} of manufacturing jobs are in or near one.",
                 ref("dac_access"), PUBLIC)]


def rule_regional_transport(inp: Inputs, rid: str, rule: Rule, rules: NeedsRules
                            ) -> list[Need]:
    return _dac_need(inp, rid, rule, rules, "no_vehicle", "Households without a vehicle are",
                     [("barriers", "transportation", ""),
                      ("union", "transportation", "barrier")])


def rule_regional_language(inp: Inputs, rid: str, rule: Rule, rules: NeedsRules
                           ) -> list[Need]:
    return _dac_need(inp, rid, rule, rules, "limited_english",
                     "Residents who speak English less than \"very well\" are",
                     [("barriers", "language", ""), ("union", "language", "barrier")])


def rule_regional_education(inp: Inputs, rid: str, rule: Rule, rules: NeedsRules
                            ) -> list[Need]:
    return _dac_need(inp, rid, rule, rules, "no_diploma",
                     "Adults without a high school diploma are", [])


def rule_regional_childcare(inp: Inputs, rid: str, rule: Rule, rules: NeedsRules
                            ) -> list[Need]:
    ev = rules.evidence
    row = _survey_row(inp.barriers, "childcare")
    share = _share(row)
    if pd.isna(share) or share < rule.value("min_share"):
        return []
    lo, hi = wilson(row["count"], row["answered"])
    text = (f"{_pct(share)} of {_n(row['answered'])} responding employers name childcare a "
            f"barrier to hiring ({_interval(lo, hi)})")
    keys = ["survey_hiring_barriers"]
    note, _ = _union_note(inp, "childcare", "barrier", rules)
    if note:
        text += note
        keys.append("union_needs")
    b = _survey_row(inp.benefits, "childcare")
    if b is not None and pd.notna(_share(b)):
        text += f", and {_pct(_share(b))} of employers offer childcare support"
        keys.append("survey_benefits")
    text += "; no public source here measures childcare"
    return [Need(rid, rule.heading, rid, rule.title, text + ".", ref(*keys),
                 strength(None, True, share_is_weak(row["count"], row["answered"], ev)))]


def _hard_share(inp: Inputs, soc: str) -> tuple[float, float, float]:
    h = inp.hard_to_fill
    if h is None or h.empty or not (h["soc"] == soc).any():
        return (math.nan, math.nan, math.nan)
    r = h[h["soc"] == soc].iloc[0]
    share = r["hard"] / r["employers"] * 100 if r["employers"] else math.nan
    return share, float(r["hard"]), float(r["employers"])


def rule_training_gap(inp: Inputs, rid: str, rule: Rule, rules: NeedsRules) -> list[Need]:
    ev = rules.evidence
    out = []
    for r in inp.gap.itertuples(index=False):
        if pd.isna(r.coverage) or pd.isna(r.gap):
            continue
        cov = float(r.coverage) * 100
        if cov >= rule.value("max_coverage") or r.gap < rule.value("min_gap_a_year"):
            continue
        text = (f"{r.title}: about {_n(r.openings)} openings a year against {_n(r.supply)} "
                f"people trained a year ({_pct(cov)} covered")
        text += ")" if r.programs else "; no program in the crosswalks trains for it)"
        text += f", a gap of about {_n(r.gap)} a year"
        keys = ["supply_gap"]
        share, k, n = _hard_share(inp, r.soc)
        survey, weak = None, False
        if pd.notna(share):
            survey = share >= ev.survey_corroborates_share.value
            weak = share_is_weak(k, n, ev)
            text += (f"; {_pct(share)} of the {_n(n)} employers with the occupation say it is "
                     "hard to fill")
            keys.append("survey_hard_to_fill")
        out.append(Need(f"{rid}:{r.soc}", rule.heading, rid, rule.title, text + ".",
                        ref(*keys), strength(True, survey, weak), order=-float(r.gap)))
    return _take(out, rule)


def rule_jobquality_entry_pay(inp: Inputs, rid: str, rule: Rule, rules: NeedsRules
                              ) -> list[Need]:
    ev = rules.evidence
    limit = rule.value("max_ratio")
    wages = (inp.survey_wages.set_index("soc") if inp.survey_wages is not None
             and not inp.survey_wages.empty else None)
    out = []
    for r in inp.gap.itertuples(index=False):
        public = None
        parts, keys = [], []
        if pd.notna(getattr(r, "pct25_ratio", math.nan)):
            public = r.pct25_ratio < limit
            parts.append(f"the regional 25th-percentile wage, where new workers usually start, "
                         f"is {dollars(r.h_pct25)} an hour, {_pct(r.pct25_ratio * 100)} of "
                         f"the family-sustaining {dollars(inp.fs_hourly)} (OEWS)")
            keys.append("occ_priority")
        survey, weak = None, False
        if wages is not None and r.soc in wages.index:
            w = wages.loc[r.soc]
            survey = float(w["start"]) < inp.fs_hourly * limit
            weak = float(w["employers"]) < ev.weak_min_respondents.value
            parts.append(f"employers report a median starting wage of {dollars(w['start'])} "
                         f"({_n(w['employers'])} employers"
                         + ("; the survey does not confirm it" if public and not survey else "")
                         + ")")
            keys.append("survey_wages")
        s = strength(public, survey, weak)
        if s is None:
            continue
        out.append(Need(f"{rid}:{r.soc}", rule.heading, rid, rule.title,
                        f"{r.title}: " + "; ".join(parts) + ".", ref(*keys), s,
                        order=float(r.rank)))
    return _take(out, rule)


BENEFIT_UNION = {"predictable_scheduling": "unpredictable_schedules", "health": "benefits",
                 "sick_days": "benefits", "family_leave": "benefits", "retirement": "benefits",
                 "childcare": "benefits"}


def rule_jobquality_benefits(inp: Inputs, rid: str, rule: Rule, rules: NeedsRules
                             ) -> list[Need]:
    ev = rules.evidence
    b = inp.benefits
    if b is None or b.empty:
        return []
    out = []
    for r in b.itertuples(index=False):
        share = _share(pd.Series(r._asdict()))
        if pd.isna(share) or share >= rule.value("max_share_offering"):
            continue
        lo, hi = wilson(r.count, r.answered)
        text = (f"{r.label}: {_pct(share)} of {_n(r.answered)} responding employers offer it "
                f"to production workers ({_interval(lo, hi)})")
        keys = ["survey_benefits"]
        if r.code in BENEFIT_UNION:
            u = _survey_row(inp.union, BENEFIT_UNION[r.code], "concern")
            if u is not None and pd.notna(_share(u)):
                text += (f"; {_pct(_share(u))} of {_n(u['answered'])} union locals name "
                         f"{u['label'].lower()} as a job-quality concern")
                keys.append("union_needs")
        out.append(Need(f"{rid}:{r.code}", rule.heading, rid, rule.title, text + ".",
                        ref(*keys), strength(None, True, share_is_weak(r.count, r.answered, ev)),
                        order=share))
    return _take(out, rule)


RULES: dict[str, Callable[[Inputs, str, Rule, NeedsRules], list[Need]]] = {
    "industry-hiring": rule_industry_hiring,
    "industry-hard-to-fill": rule_industry_hard_to_fill,
    "industry-retirements": rule_industry_retirements,
    "industry-skill-gaps": rule_industry_skill_gaps,
    "workforce-under-represented": rule_workforce_under_represented,
    "workforce-barriers": rule_workforce_barriers,
    "regional-employment": rule_regional_employment,
    "regional-access": rule_regional_access,
    "regional-transport": rule_regional_transport,
    "regional-language": rule_regional_language,
    "regional-education": rule_regional_education,
    "regional-childcare": rule_regional_childcare,
    "training-gap": rule_training_gap,
    "jobquality-entry-pay": rule_jobquality_entry_pay,
    "jobquality-benefits": rule_jobquality_benefits,
}


def find_needs(inp: Inputs, rules: NeedsRules) -> list[Need]:
    """Every need the rules find in the inputs, by heading, then rule, then strength."""
    out: list[Need] = []
    for heading in HEADINGS:
        for rid, rule in rules.rules.items():
            if rule.heading == heading and rule.enabled:
                out += RULES[rid](inp, rid, rule, rules)
    return out


def top_needs(needs: list[Need], n: int) -> list[Need]:
    """The strongest need of each rule first (by strength, then heading order), then each
    rule's second, and so on, up to ``n``: every rule speaks once before any speaks twice."""
    by_rule: dict[str, list[Need]] = {}
    for need in needs:
        by_rule.setdefault(need.rule, []).append(need)
    rounds: list[Need] = []
    depth = 0
    while len(rounds) < n and any(len(v) > depth for v in by_rule.values()):
        layer = [v[depth] for v in by_rule.values() if len(v) > depth]
        layer = [x for x in layer if x.strong] if depth == 0 or any(
            x.strong for x in layer) else layer
        rounds += sorted(layer, key=lambda x: STRENGTH_ORDER[x.evidence])
        depth += 1
    strong = [x for x in rounds if x.strong]
    return (strong + [x for x in rounds if not x.strong])[:n]


# --- recommendations against the needs ----------------------------------------------------------


def _matches(ref_id: str, need: Need) -> bool:
    m = NEED_ID.fullmatch(ref_id)
    return need.id == ref_id if m["subject"] else need.rule == m["rule"]


def _evidence(ref_id: str, needs: list[Need]) -> str:
    """What one need id of a recommendation finds: 'training-gap: 5 needs (3 both agree, 2
    public data)', 'training-gap:49-9041 (both agree)', or 'regional-access: not found'."""
    hits = [n for n in needs if _matches(ref_id, n)]
    if not hits:
        return f"{ref_id}: not found"
    if NEED_ID.fullmatch(ref_id)["subject"] or len(hits) == 1:
        return "; ".join(f"{n.id} ({n.evidence})" for n in hits)
    counts = {s: sum(n.evidence == s for n in hits) for s in STRENGTH_ORDER}
    return (f"{ref_id}: {len(hits)} needs ("
            + ", ".join(f"{v} {k}" for k, v in counts.items() if v) + ")")


@dataclass(frozen=True)
class Check:
    """Recommendations checked against the needs found."""

    rows: pd.DataFrame  # one row per recommendation
    unsupported: list[str]  # sentences: recommendations whose needs are no longer found
    unanswered: list[Need]  # strong needs no recommendation answers


def check(recs: Recommendations | None, needs: list[Need]) -> Check:
    rows, unsupported = [], []
    answered: set[str] = set()
    for r in (recs.recommendations if recs else []):
        found, missing = [], []
        for rid in r.needs:
            hits = [n for n in needs if _matches(rid, n)]
            (found if hits else missing).append(rid)
            answered |= {n.id for n in hits}
        hits = [n for n in needs if any(_matches(x, n) for x in r.needs)]
        best = min((STRENGTH_ORDER[n.evidence] for n in hits), default=None)
        if not found:
            flag = "not supported: " + ", ".join(missing) + " no longer found in the data"
            unsupported.append(f"{r.id} ({ACTION_TITLES[r.action].lower()}): none of the needs "
                               f"it answers ({', '.join(r.needs)}) is found in the data now.")
        elif missing:
            flag = "partly supported: " + ", ".join(missing) + " no longer found"
            unsupported.append(f"{r.id}: {', '.join(missing)} no longer found in the data "
                               f"(still supported by {', '.join(found)}).")
        elif best == STRENGTH_ORDER[WEAK]:
            flag = "supported by weak evidence only"
        else:
            flag = "supported"
        evidence = "; ".join(_evidence(x, needs) for x in r.needs)
        rows.append({"id": r.id, "action": r.action.value,
                     "Action": ACTION_TITLES[r.action], "Recommendation": r.text,
                     "Needs it answers": ", ".join(r.needs), "Evidence": evidence,
                     "Check": flag})
    frame = pd.DataFrame(rows, columns=["id", "action", "Action", "Recommendation",
                                        "Needs it answers", "Evidence", "Check"])
    if len(frame):
        order = {a.value: i for i, a in enumerate(Action)}
        frame = frame.sort_values("action", key=lambda s: s.map(order), kind="stable")
    unanswered = [n for n in needs if n.strong and n.id not in answered]
    return Check(frame.reset_index(drop=True), unsupported, unanswered)


# --- the context -------------------------------------------------------------------------------


def _survey_inputs(sv) -> dict:
    """The survey tables the rules read, as their chapter computes them, with answer codes."""
    from assessment.sections import survey

    out: dict = {}
    if not sv.has_employers:
        return out
    d = survey.demand_estimates(sv)
    out["demand"] = d[["measure", "soc", "estimate", "ci_low", "ci_high", "reporting",
                       "status"]].astype({"estimate": float, "ci_low": float, "ci_high": float,
                                          "reporting": float})
    h = survey.hard_to_fill(sv, top=None)
    socs = h["Occupation"].str.extract(r"\((\d\d-\d{4})\)$")[0]
    out["hard_to_fill"] = pd.DataFrame({
        "soc": socs, "title": h["Occupation"].str.replace(r" \(\d\d-\d{4}\)$", "", regex=True),
        "employers": h["Employers with the occupation"].astype(float),
        "hard": h["Say it is hard to fill"].astype(float)})
    labels = survey._question_suffix_labels("employer", "skillgap_")
    codes = {v: k.removeprefix("skillgap_") for k, v in labels.items()}
    sg = survey.skill_gaps(sv)
    out["skill_gaps"] = pd.DataFrame({
        "code": sg["Skill area"].map(codes), "label": sg["Skill area"],
        "rated": sg["Employers rating it"].astype(float),
        "gap": sg["Moderate or severe gap"].astype(float)})
    for name, fn, prefix, var in (("barriers", survey.barriers, "barrier_", "hiring_barriers"),
                                  ("benefits", survey.benefits, "benefit_", "benefits")):
        t = fn(sv)
        lab = survey._option_labels("employer", var, prefix)
        inv = {v: k.removeprefix(prefix) for k, v in lab.items()}
        answered = float(sv.employers[list(lab)].notna().any(axis=1).sum())
        out[name] = pd.DataFrame({"code": t["Answer"].map(inv), "label": t["Answer"],
                                  "count": t["Respondents"].astype(float),
                                  "answered": answered})
    if sv.oews is not None:
        w = survey.wages(sv, top=None)
        out["survey_wages"] = pd.DataFrame({
            "soc": w["Occupation"].str.extract(r"\((\d\d-\d{4})\)$")[0],
            "employers": w["Employers"].astype(float),
            "start": w["Median starting wage ($/h)"].astype(float)})
    if sv.has_locals:
        out["union"] = survey_union_inputs(sv)
    return out


def survey_union_inputs(sv) -> pd.DataFrame:
    from assessment.sections import survey
    from assessment.survey.codebook import load_codebook

    u = survey.union_needs(sv)
    cb = load_codebook("union")
    frames = []
    for prefix, topic, kind in (("barrier_", "barrier", "Barrier members face"),
                                ("concern_", "concern", "Job-quality concern")):
        var = next(v for v in cb.variables if v.output == prefix)
        lab = {o.label: o.code for o in cb.options(var) if o.code != "other"}
        cols = [prefix + c for c in lab.values()]
        answered = float(sv.locals_[cols].notna().any(axis=1).sum())
        t = u[u["Topic"] == kind]
        frames.append(pd.DataFrame({"topic": topic, "code": t["Answer"].map(lab),
                                    "label": t["Answer"], "count": t["Locals"].astype(float),
                                    "answered": answered}))
    return pd.concat(frames, ignore_index=True)


@dataclass(frozen=True, eq=False)
class Context:
    region: Region
    mode: Mode
    inputs: Inputs
    rules: NeedsRules
    recommendations: Recommendations | None
    recommendations_path: Path
    baselines_qwi: pd.DataFrame
    baselines_acs: pd.DataFrame
    qwi_year: int
    sources: dict[str, str] = field(default_factory=dict)

    @classmethod
    def load(cls, region_path: str | Path, mode: str | Mode) -> Context:
        """The region, the rules, the recommendations file and every chapter's figures the
        rules read (through each chapter's own Context and functions)."""
        from assessment.sections import communities, occupations, supply, survey, workforce

        region, mode = load_region(region_path), Mode(mode)
        rules = load_rules()
        w = workforce.Context.load(region_path, mode)
        c = communities.Context.load(region_path, mode)
        s = supply.Context.load(region_path, mode)
        sv = survey.Context.load(region_path, mode)
        p = supply.priority(s)
        gap = supply.gap_table(s).merge(
            p[["occ_code", "h_pct25", "pct25_ratio"]].rename(columns={"occ_code": "soc"}),
            on="soc", how="left")
        women = workforce.acs_profile(w, ["women_manufacturing", "women_all_industries"])
        women_acs = None
        if women[["Region (%)", "± Region"]].notna().all().all():
            women_acs = {"mfg": women.at[0, "Region (%)"], "mfg_moe": women.at[0, "± Region"],
                         "all": women.at[1, "Region (%)"], "all_moe": women.at[1, "± Region"]}
        occ_ctx = s.occ
        mfg_jobs = float(occupations.region_jobs(occ_ctx).at[occ_ctx.sector, "employment"])
        dac = communities.comparison(c)
        dac.index = ["working_age", *communities.COMPARISON]
        inputs = Inputs(
            region_name=region.name, fs_hourly=region.job_quality.family_sustaining_hourly,
            mfg_jobs=mfg_jobs, gap=gap, mix=workforce.workforce_mix(w), mix_year=w.mix_year,
            dac=dac, access=communities.access(c), women_acs=women_acs,
            acs_years=w.acs_years, **_survey_inputs(sv))
        dirs = paths.data_dirs(mode, region)
        path = dirs.recommendations
        recs = None
        if path.exists():
            recs = load_recommendations(path, region.slug, set(rules.rules))
        srcs = {"qwi": w.source("qwi", w.qwi_year), "acs": w.source("acs", "tables B18120, "
                "B21001 and C24030")}
        return cls(region, mode, inputs, rules, recs, path, baselines_from(w),
                   acs_baselines_from(w), w.qwi_year, srcs)

    @cached_property
    def needs(self) -> list[Need]:
        return find_needs(self.inputs, self.rules)

    @cached_property
    def check(self) -> Check:
        return check(self.recommendations, self.needs)

    @property
    def top(self) -> list[Need]:
        return top_needs(self.needs, int(self.rules.top_needs.value))

    def source(self, what: str = "needs") -> str:
        if what == "recommendations":
            if self.recommendations is None:
                return "No recommendations file"
            text = f"{self.region.name} partnership recommendations ({self.recommendations.status})"
            if self.mode is Mode.SAMPLE:
                text += ". SAMPLE RECOMMENDATIONS written for the synthetic sample bundle"
            return text
        text = ("Computed by the rules of config/needs.yml from the tables of chapters 2 to 4 "
                "(named in each row)")
        if self.mode is Mode.SAMPLE:
            text += ". SYNTHETIC SAMPLE DATA, not real statistics"
        return text


# --- displays ----------------------------------------------------------------------------------


def needs_display(ctx: Context) -> pd.DataFrame:
    return pd.DataFrame({
        "Need": [n.id for n in ctx.needs],
        "Heading": [HEADING_TITLES[n.heading] for n in ctx.needs],
        "What the evidence says": [f"{n.title}. {n.statement}" for n in ctx.needs],
        "Rests on": [n.rests_on for n in ctx.needs],
        "Evidence": [n.evidence for n in ctx.needs],
    })


def needs_by_heading(ctx: Context, heading: str) -> pd.DataFrame | present.Omitted:
    t = needs_display(ctx)
    t = t[t["Heading"] == HEADING_TITLES[heading]].drop(columns="Heading")
    if t.empty:
        return present.Omitted(f"The rules find no {HEADING_TITLES[heading].lower()} in "
                               f"{ctx.region.name}'s data.")
    return t.reset_index(drop=True)


def rules_display(ctx: Context) -> pd.DataFrame:
    rows = []
    for rid, rule in ctx.rules.rules.items():
        items = [("top_n", rule.top_n)] if rule.top_n else []
        for key, setting in [*rule.thresholds.items(), *items]:
            rows.append({"Rule": rid, "Heading": HEADING_TITLES[rule.heading],
                         "Setting": key, "Value": f"{setting.value:g}", "Why": setting.why,
                         "Needs found": sum(n.rule == rid for n in ctx.needs)})
    ev = ctx.rules.evidence
    for key in type(ev).model_fields:
        s = getattr(ev, key)
        rows.append({"Rule": "evidence", "Heading": "All", "Setting": key,
                     "Value": f"{s.value:g}", "Why": s.why, "Needs found": ""})
    return pd.DataFrame(rows)


def strength_counts(ctx: Context) -> pd.DataFrame:
    rows = []
    for h in HEADINGS:
        ns = [n for n in ctx.needs if n.heading == h]
        rows.append({"Heading": HEADING_TITLES[h],
                     **{s: sum(n.evidence == s for n in ns) for s in STRENGTH_ORDER},
                     "Needs": len(ns)})
    return pd.DataFrame(rows)


def strength_figure(ctx: Context) -> plt.Figure:
    t = strength_counts(ctx).set_index("Heading").iloc[::-1]
    colors = {BOTH: figures.PALETTE[0], PUBLIC: figures.PALETTE[6], SURVEYS: figures.PALETTE[5],
              WEAK: "#bbbbbb"}
    fig, ax = plt.subplots(figsize=(figures.WIDTH, 2.6))
    left = np.zeros(len(t))
    for s in STRENGTH_ORDER:
        v = t[s].to_numpy(dtype=float)
        ax.barh(t.index, v, left=left, color=colors[s], label=s, edgecolor="white")
        for y, (x0, x) in enumerate(zip(left, v, strict=True)):
            if x:
                ax.text(x0 + x / 2, y, f"{x:.0f}", ha="center", va="center", fontsize=7,
                        color="white" if s in (BOTH, PUBLIC) else "#222")
        left += v
    ax.set_xlabel("Needs found")
    ax.set_title("Needs by heading and strength of evidence", loc="left")
    ax.grid(axis="y", visible=False)
    ax.legend(frameon=False, ncols=4, loc="upper center", bbox_to_anchor=(0.5, -0.25))
    fig.tight_layout()
    return fig


def recommendations_display(ctx: Context) -> pd.DataFrame | present.Omitted:
    if ctx.recommendations is None:
        return present.Omitted(missing_sentence(ctx))
    t = ctx.check.rows
    return t.drop(columns=["action"]).rename(columns={"id": "Id"})


def missing_sentence(ctx: Context) -> str:
    where = (ctx.recommendations_path.relative_to(paths.RECOMMENDATIONS_DIR.parent.parent)
             if ctx.recommendations_path.is_relative_to(paths.RECOMMENDATIONS_DIR.parent.parent)
             else ctx.recommendations_path)
    return (f"The partnership has not yet written recommendations for {ctx.region.name} "
            f"({where} does not exist), so the needs above stand without them.")


def recommendations_note(ctx: Context) -> str | None:
    r = ctx.recommendations
    if r is None:
        return None
    return (f"{r.note} Status: {r.status}. Check: whether the needs a recommendation names are "
            "still found by the rules in the current data; a need named as a rule (such as "
            "training-gap) is answered by any need that rule finds.")


def flags(ctx: Context) -> list[str]:
    """Sentences for what the check flags: recommendations no longer supported, strong needs
    no recommendation answers; empty when nothing is flagged."""
    if ctx.recommendations is None:
        return []
    c = ctx.check
    items = [f"Recommendation {s}" for s in c.unsupported]
    if c.unanswered:
        items.append(f"{len(c.unanswered)} strong need(s) no recommendation answers: "
                     + "; ".join(f"{n.id} ({n.evidence})" for n in c.unanswered) + ".")
    return items


def flags_caveat(ctx: Context) -> str | None:
    f = flags(ctx)
    if not f:
        return None if ctx.recommendations is None else (
            "The check flags nothing: every recommendation's needs are found in the data, and "
            "every strong need is answered by a recommendation.")
    return "The check flags: " + " ".join(f)


# --- outcome baselines -------------------------------------------------------------------------


def baselines_from(w) -> pd.DataFrame:
    """QWI baselines by sex, age, race and ethnicity: share of manufacturing jobs and of hires
    (recruitment), monthly and new-hire monthly earnings (wages), in the QWI year."""
    from assessment.sections import workforce

    t = workforce.qwi_groups(w)
    return pd.DataFrame({
        "Group": t["Group"], "Workers": t["Workers"],
        "Share of manufacturing jobs (%)": t["Share of jobs (%)"],
        "Share of manufacturing hires (%)": t["Share of hires (%)"],
        "New-hire monthly earnings ($)": t["New-hire monthly earnings ($)"],
        "Monthly earnings, all workers ($)": t["Monthly earnings ($)"],
        "County-quarters withheld": t["County-quarters withheld"],
    })


ACS_BASELINES = ["women_manufacturing", "women_all_industries", "veterans_18_64", "disability",
                 "disability_employed", "no_disability_employed"]


def acs_baselines_from(w) -> pd.DataFrame:
    """ACS baselines where QWI has none: veterans and disability (and women among employed
    residents, by where they live), with 90% margins of error."""
    from assessment.sections import workforce

    t = workforce.acs_profile(w, ACS_BASELINES)
    return pd.DataFrame({"Baseline": t["Indicator"],
                         "Universe": [workforce.INDICATORS[k].universe for k in ACS_BASELINES],
                         "Region (%)": t["Region (%)"], "± Region": t["± Region"],
                         f"{w.state} (%)": t[f"{w.state} (%)"]})


def baselines(ctx: Context) -> pd.DataFrame:
    return ctx.baselines_qwi


def acs_baselines(ctx: Context) -> pd.DataFrame:
    return ctx.baselines_acs


BASELINE_FORMATS = {"Share of manufacturing jobs (%)": "{:.1f}",
                    "Share of manufacturing hires (%)": "{:.1f}",
                    "New-hire monthly earnings ($)": "{:,.0f}",
                    "Monthly earnings, all workers ($)": "{:,.0f}",
                    "Region (%)": "{:.1f}", "± Region": "{:.1f}"}


def baselines_note(ctx: Context) -> str:
    return (f"Recruitment: compare the apprenticeship's applicants and starters by group with "
            f"the group's share of manufacturing hires ({ctx.qwi_year}); wages: compare "
            "apprentices' and completers' pay with new-hire and all-worker monthly earnings "
            "(full-quarter jobs). Completion has no public baseline by group in these sources: "
            "the registered programs' own completion records, by the same groups, become the "
            "baseline once the first cohort finishes. QWI publishes no margin of error; "
            "values withheld in some county-quarters are averaged over the rest (last column).")


def acs_baselines_note(ctx: Context) -> str:
    return ("QWI has no veteran or disability breakdown; the ACS gives them for residents, not "
            "for manufacturing workers. ± is the margin of error at 90% confidence. Women among "
            "employed residents count workers by where they live, QWI by where they work.")


# --- findings and the summary lead -------------------------------------------------------------


def findings(ctx: Context) -> list[str]:
    needs = ctx.needs
    n_strong = sum(n.strong for n in needs)
    counts = strength_counts(ctx).set_index("Heading")["Needs"]
    by = ", ".join(f"{int(v)} {k.lower().removesuffix(' needs')}" for k, v in counts.items())
    ev = {s: sum(n.evidence == s for n in needs) for s in STRENGTH_ORDER}
    items = [f"The rules of config/needs.yml find {len(needs)} needs in the data ({by}); "
             f"{n_strong} rest on strong evidence: {ev[BOTH]} where public data and the "
             f"surveys agree, {ev[PUBLIC]} on public data alone, {ev[SURVEYS]} on the surveys "
             f"alone; {ev[WEAK]} {'is' if ev[WEAK] == 1 else 'are'} weak."]
    if ctx.recommendations is None:
        items.append(missing_sentence(ctx))
        return items
    c = ctx.check
    supported = int(c.rows["Check"].str.startswith(("supported", "partly")).sum())
    items.append(f"The partnership's {len(c.rows)} recommendations "
                 f"({ctx.recommendations.status}) answer {answered_count(ctx)} of the "
                 f"{len(needs)} needs; {supported} of the {len(c.rows)} rest on needs the data "
                 "still support.")
    f = flags(ctx)
    items.append("The check flags " + (" ".join(f) if f else "nothing: every recommendation's "
                                      "needs are found and every strong need is answered."))
    return items


def _answered(need: Need, ctx: Context) -> bool:
    recs = ctx.recommendations
    return bool(recs) and any(_matches(x, need) for r in recs.recommendations for x in r.needs)


def answered_count(ctx: Context) -> int:
    return sum(_answered(n, ctx) for n in ctx.needs)


def lead(ctx: Context) -> dict:
    """What the executive summary and the council brief lead with (present.lead)."""
    top = ctx.top
    recs = []
    if ctx.recommendations is not None:
        recs = ctx.check.rows.drop(columns=["Action"]).to_dict("records")
    return {
        "region": ctx.region.name,
        "needs_total": len(ctx.needs), "needs_strong": sum(n.strong for n in ctx.needs),
        "answered": answered_count(ctx),
        "top": [{"id": n.id, "heading": HEADING_TITLES[n.heading], "title": n.title,
                 "statement": n.statement, "rests_on": n.rests_on, "evidence": n.evidence}
                for n in top],
        "recommendations": recs,
        "actions": [[a.value, ACTION_TITLES[a]] for a in Action],  # a list: keeps order
        "status": ctx.recommendations.status if ctx.recommendations else None,
        "note": ctx.recommendations.note if ctx.recommendations else missing_sentence(ctx),
        "flags": flags(ctx),
        "sample": ctx.mode is Mode.SAMPLE,
    }


def lead_json(ctx: Context) -> str:
    return json.dumps(lead(ctx))
