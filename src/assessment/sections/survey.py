"""Section 4, survey findings: what employers and union locals told the partnership.

Every table shown passes the disclosure rule of the region file (at least
``min_respondents`` respondents per cell and no respondent above ``max_share`` of it). Tables
that publish a total (weighted demand, coverage, union programs) also get complementary
suppression (:func:`assessment.survey.disclosure.protect`), so a suppressed cell cannot be
recovered from totals; tables of multi-select answers publish no total and are checked cell by
cell. A suppressed cell shows "—". Regional totals are weighted to the QCEW
universe of establishments (:mod:`assessment.survey.weighting`). Nothing here reads a name,
e-mail, phone number or free-text answer: processed survey tables carry none.

Functions named ``show_*`` display their table or figure (or a caveat when the survey has no
responses yet), so the notebook stays one call per cell.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import matplotlib.pyplot as plt
import pandas as pd

from assessment import dataset, figures, paths, present
from assessment.paths import Mode
from assessment.region import Region, load_region
from assessment.survey import disclosure, join, weighting
from assessment.survey.codebook import load_codebook, soc_codes

GAP_SERIOUS = 3  # "Moderate gap" or worse on the 1-4 scale
_REASONS = [  # quarantine reasons, by category (rule text only, never the refused values)
    ("unknown county", "County outside the region"),
    ("soc", "Invalid occupation (SOC) code"),
    ("naics", "Invalid industry (NAICS) code"),
    ("must not exceed", "Vacancies larger than headcount"),
    ("duplicate", "Duplicate response"),
    ("test, preview or spam", "Test, preview or spam response"),
    ("required", "Required answer missing"),
    ("range", "Number out of range"),
]


def _empty(name: str, mode: Mode, region: Region) -> pd.DataFrame | None:
    try:
        return dataset.load(name, mode, region)
    except FileNotFoundError:
        return None


@dataclass(frozen=True)
class Context:
    region: Region
    mode: Mode
    employers: pd.DataFrame | None
    occupations: pd.DataFrame | None
    locals_: pd.DataFrame | None
    union_occupations: pd.DataFrame | None
    programs: pd.DataFrame | None
    log: pd.DataFrame | None
    qcew: pd.DataFrame
    qcew_size: pd.DataFrame | None
    oews: pd.DataFrame | None

    @classmethod
    def load(cls, region_path: str | Path, mode: str | Mode) -> Context:
        mode, region = Mode(mode), load_region(region_path)
        return cls(region, mode,
                   _empty("survey_employer_establishments", mode, region),
                   _empty("survey_employer_occupations", mode, region),
                   _empty("survey_union_locals", mode, region),
                   _empty("survey_union_occupations", mode, region),
                   _empty("survey_union_programs", mode, region),
                   _empty("survey_ingest_log", mode, region),
                   dataset.load("qcew_annual", mode, region),
                   _empty("qcew_size", mode, region),
                   _empty("oews_areas", mode, region))

    @property
    def has_employers(self) -> bool:
        return self.employers is not None and len(self.employers) > 0

    @property
    def has_locals(self) -> bool:
        return self.locals_ is not None and len(self.locals_) > 0

    @property
    def rule(self):
        return self.region.disclosure

    def source(self, survey: str) -> str:
        waves = sorted(set(self.log["wave"])) if self.log is not None else []
        text = (f"{self.region.name} IMT partnership {survey} survey"
                + (f", wave {', '.join(waves)}" if waves else "")
                + f"; cells with fewer than {self.rule.min_respondents} respondents or one "
                f"respondent above {self.rule.max_share:.0%} of the cell are suppressed")
        if self.mode is Mode.SAMPLE:
            text += ". SYNTHETIC SAMPLE SURVEY, not real responses"
        return text


# --- labels -------------------------------------------------------------------------------


def _option_labels(survey: str, variable: str, prefix: str) -> dict[str, str]:
    cb = load_codebook(survey)
    return {prefix + o.code: o.label for o in cb.options(cb.variable(variable))
            if o.code != "other"}


def _question_suffix_labels(survey: str, prefix: str) -> dict[str, str]:
    cb = load_codebook(survey)
    return {v.output: v.question.rsplit(" - ", 1)[-1] for v in cb.variables
            if v.output and v.output.startswith(prefix) and " - " in v.question}


def soc_title(code: str) -> str:
    return soc_codes().get(code, code)


# --- ingestion ----------------------------------------------------------------------------


def ingestion(ctx: Context) -> pd.DataFrame:
    """Input rows = accepted + quarantined, by survey (counts only)."""
    if ctx.log is None or ctx.log.empty:
        return pd.DataFrame(columns=["Survey", "Files", "Input rows", "Accepted",
                                     "Quarantined"])
    g = ctx.log.groupby("survey")
    out = pd.DataFrame({
        "Files": g.size(),
        "Input rows": g["input_rows"].sum(),
        "Accepted": g["accepted_new"].sum() + g["accepted_before"].sum(),
        "Quarantined": g["quarantined"].sum(),
    }).reset_index().rename(columns={"survey": "Survey"})
    out["Survey"] = out["Survey"].str.capitalize()
    return out


def categorize_reason(reason: str) -> str:
    text = reason.lower()
    for needle, label in _REASONS:
        if needle in text:
            return label
    return "Other validation rule"


def quarantine_reasons(ctx: Context) -> pd.DataFrame:
    """Quarantined rows by the rule they broke (a row breaking two rules counts in both).

    Reads only the ``reasons`` column of the quarantine files, which names rules, never the
    refused values themselves.
    """
    rows = []
    for path in sorted(paths.data_dirs(ctx.mode, ctx.region).quarantine.glob("*/*.csv")):
        reasons = pd.read_csv(path, usecols=["reasons"], dtype="string")["reasons"]
        survey = path.parent.name.capitalize()
        for text in reasons.dropna():
            for cat in sorted({categorize_reason(r) for r in re.split(r";\s*", text)}):
                rows.append((survey, cat))
    frame = pd.DataFrame(rows, columns=["Survey", "Reason"])
    if frame.empty:
        return pd.DataFrame(columns=["Survey", "Reason", "Rows"])
    return frame.value_counts().rename("Rows").reset_index().sort_values(
        ["Survey", "Rows"], ascending=[True, False], ignore_index=True)


def show_ingestion(ctx: Context) -> None:
    present.table(ingestion(ctx), caption="Survey responses received, accepted and quarantined",
                  source=ctx.source("employer and union"), key="survey_ingestion",
                  note="Every row of every export is either accepted or quarantined with its "
                       "reasons; input rows = accepted + quarantined.")
    reasons = quarantine_reasons(ctx)
    if not reasons.empty:
        present.table(reasons, caption="Why responses were quarantined",
                      source=ctx.source("employer and union"), key="survey_quarantine",
                      note="Counts of rows by the validation rule they broke; the refused "
                           "answers themselves stay in the confidential survey folder.")


# --- employer survey ----------------------------------------------------------------------


def _surveys_dir(ctx: Context) -> str:
    return paths.data_dirs(ctx.mode, ctx.region).surveys.relative_to(paths.ROOT).as_posix()


def _no_employers(ctx: Context) -> None:
    present.caveat("No employer survey responses have been ingested for this region yet. "
                   f"Drop the platform export under {_surveys_dir(ctx)}/employer/ and rebuild.")


def design(ctx: Context) -> weighting.Design:
    subs = weighting.subsector_estabs(ctx.qcew, ctx.region)
    if ctx.qcew_size is not None:
        sizes = weighting.size_estabs(ctx.qcew_size, ctx.region)
        seed = weighting.size_seed(ctx.qcew_size, ctx.region.benchmarks.nation.qcew,
                                   list(subs.index))
    else:  # no size data: an even spread over size classes (stated in the caveat)
        sizes = pd.Series(1.0, index=pd.Index(weighting.SIZE_CLASSES, name="size_class"))
        seed = None
    cells = weighting.universe(subs, sizes, seed)
    return weighting.design(ctx.employers, cells)


def coverage(ctx: Context) -> pd.DataFrame:
    cov = weighting.coverage(ctx.employers, ctx.qcew, ctx.region)
    names = {**ctx.region.county_names, disclosure.TOTAL: f"{ctx.region.name} (region)"}
    out = pd.DataFrame({
        "County": cov["county_fips"].map(names),
        "Responding establishments": cov["respondents"],
        "Their employment": cov["respondent_employment"],
        "QCEW manufacturing employment": cov["qcew_employment"],
    })
    out["Coverage (%)"] = (out["Their employment"] / out["QCEW manufacturing employment"]
                           * 100).astype("Float64")
    return out


def show_coverage(ctx: Context) -> None:
    if not ctx.has_employers:
        return _no_employers(ctx)
    present.table(coverage(ctx), caption="Employer survey respondents and their coverage of "
                  "manufacturing employment, by county", source=ctx.source("employer")
                  + f"; BLS QCEW {ctx.region.years.end}", key="survey_coverage",
                  formats={"Coverage (%)": "{:.1f}"},
                  note="Coverage is the respondents' employment as a share of private "
                       "manufacturing employment in QCEW. A dash marks a suppressed cell.")


DEMAND_MEASURES = [("vacancies", "Vacancies now"), ("hires_12m", "Hires, 12 months"),
                   ("hires_3y", "Hires, 3 years"), ("retirements_5y", "Retirements, 5 years")]
CI_LOW, CI_HIGH = ": 95% CI low", ": 95% CI high"  # suffixes of the workbook's bound columns


def demand_estimates(ctx: Context) -> pd.DataFrame:
    """Weighted regional totals by occupation and in total, as numbers (one row per measure
    and occupation; :func:`assessment.survey.weighting.estimate_totals`)."""
    d = design(ctx)
    occ = ctx.occupations[ctx.occupations["respondent_id"].isin(d.weights["respondent_id"])]
    return weighting.estimate_totals(d, occ, ctx.rule)


def demand(ctx: Context, top: int = 15, *, numeric: bool = False) -> pd.DataFrame:
    """Weighted regional totals by occupation: vacancies, hires, retirements, 95% CIs.

    The report's table shows each estimate with its interval as text; with ``numeric`` the
    estimate and its bounds are three numeric columns each (the workbook's table), and an
    estimate the disclosure rule withholds is :data:`WITHHELD` in all three."""
    est = demand_estimates(ctx)
    wide = {}
    for measure, label in DEMAND_MEASURES:
        e = est[est["measure"] == measure].set_index("soc")
        if numeric:
            for suffix, col in (("", "estimate"), (CI_LOW, "ci_low"), (CI_HIGH, "ci_high")):
                wide[label + suffix] = pd.Series(
                    [WITHHELD if pd.isna(r["estimate"]) else float(r[col])
                     for _, r in e.iterrows()], index=e.index, dtype=object)
        else:
            wide[label] = e.apply(lambda r: _with_ci(r["estimate"], r["ci_low"],
                                                     r["ci_high"]), axis=1)
        if measure == "hires_3y":
            order = e["estimate"]
            reporting = e["reporting"]
    out = pd.DataFrame(wide)
    out.insert(0, "Employers reporting", reporting)
    out.insert(0, "Occupation", [disclosure.TOTAL if s == disclosure.TOTAL
                                 else f"{soc_title(s)} ({s})" for s in out.index])
    out["_order"] = order.astype("Float64").fillna(-1)
    out["_total"] = out.index == disclosure.TOTAL
    out = out.sort_values(["_total", "_order"], ascending=[True, False])
    shown = pd.concat([out[~out["_total"]].head(top), out[out["_total"]]])
    return shown.drop(columns=["_order", "_total"]).reset_index(drop=True)


WITHHELD = "withheld"  # a survey cell the disclosure rule withholds, in the workbook


def _with_ci(est, low, high) -> str:
    if pd.isna(est):
        return "—"
    return f"{est:,.0f} ({low:,.0f}–{high:,.0f})"


def show_demand(ctx: Context) -> None:
    if not ctx.has_employers:
        return _no_employers(ctx)
    numeric = demand(ctx, numeric=True)
    present.table(demand(ctx), caption="Estimated regional hiring demand by occupation "
                  "(weighted totals, 95% confidence intervals)", source=ctx.source("employer")
                  + "; weighted to BLS QCEW establishments by subsector and size class",
                  key="survey_demand",
                  note="Occupations ranked by expected hires over 3 years; the 15 largest are "
                       "shown. Each figure is a weighted estimate for all manufacturing "
                       "establishments in the region, with its 95% confidence interval. "
                       "A dash marks an estimate suppressed by the disclosure rule.",
                  workbook=numeric,
                  formats={c: "{:,.0f}" for c in numeric.columns if c != "Occupation"},
                  symbols={WITHHELD: "withheld: an estimate suppressed by the survey's "
                                     "disclosure rule (a dash in the report)"})


def _protect_each(contrib: pd.DataFrame, rule, key: str, levels: list[str]) -> pd.Series:
    """Protected sums by key for a table that publishes no total (a multi-select question:
    its options overlap, so their sum means nothing and is never shown).

    Each cell is checked on its own (threshold and dominance rules); with no margin
    published there is nothing to recover a hidden cell from, so complementary suppression
    would only hide publishable cells. Tables that do publish a total go through
    :func:`assessment.survey.disclosure.protect` whole."""
    out = {}
    for level in levels:
        rows = contrib[contrib[key] == level]
        if rows.empty:
            out[level] = 0.0  # no respondent chose it: an empty cell, shown as zero
            continue
        t = disclosure.protect(rows, rule, rows=key, value="value", row_levels=[level])
        out[level] = t.loc[~t["is_total"], "value"].iloc[0]
    return pd.Series(out, dtype="Float64")


def _count_table(contrib: pd.DataFrame, rule, labels: dict[str, str]) -> pd.Series:
    """Protected respondent counts by key (``contrib``: respondent_id, key, value=1)."""
    return _protect_each(contrib, rule, "key", list(labels))


def _multi_share(frame: pd.DataFrame, labels: dict[str, str], rule,
                 respondents: int) -> pd.DataFrame:
    long = frame.melt(id_vars="respondent_id", value_vars=list(labels), var_name="key",
                      value_name="yes")
    yes = long[long["yes"].fillna(False).astype(bool)].assign(value=1.0)
    counts = _count_table(yes[["respondent_id", "key", "value"]], rule, labels)
    out = pd.DataFrame({"Answer": [labels[k] for k in labels],
                        "Respondents": counts.reindex(list(labels)).to_numpy()})
    out["Share (%)"] = (out["Respondents"] / respondents * 100).astype("Float64")
    return out.sort_values("Share (%)", ascending=False, na_position="last",
                           ignore_index=True)


def benefits(ctx: Context) -> pd.DataFrame:
    labels = _option_labels("employer", "benefits", "benefit_")
    answered = ctx.employers[list(labels)].notna().any(axis=1)
    frame = ctx.employers[answered]
    return _multi_share(frame, labels, ctx.rule, int(answered.sum()))


def barriers(ctx: Context) -> pd.DataFrame:
    cb = load_codebook("employer")
    var = next(v for v in cb.variables if v.output == "barrier_")
    labels = {"barrier_" + o.code: o.label for o in cb.options(var) if o.code != "other"}
    answered = ctx.employers[list(labels)].notna().any(axis=1)
    return _multi_share(ctx.employers[answered], labels, ctx.rule, int(answered.sum()))


def skill_gaps(ctx: Context) -> pd.DataFrame:
    """Share of employers rating each area a moderate or severe gap (3-4 of 4)."""
    labels = _question_suffix_labels("employer", "skillgap_")
    rows = []
    for col, label in labels.items():
        rated = ctx.employers[["respondent_id", col]].dropna()
        serious = rated[rated[col] >= GAP_SERIOUS]
        rows.append((col, label, len(rated), serious["respondent_id"].tolist()))
    contrib = pd.DataFrame([(rid, col, 1.0) for col, _, _, ids in rows for rid in ids],
                           columns=["respondent_id", "key", "value"])
    counts = _count_table(contrib, ctx.rule, {c: lab for c, lab, _, _ in rows})
    out = pd.DataFrame({
        "Skill area": [lab for _, lab, _, _ in rows],
        "Employers rating it": [n for _, _, n, _ in rows],
        "Moderate or severe gap": counts.reindex([c for c, _, _, _ in rows]).to_numpy(),
    })
    out["Share (%)"] = (out["Moderate or severe gap"] / out["Employers rating it"]
                        * 100).astype("Float64")
    return out.sort_values("Share (%)", ascending=False, na_position="last",
                           ignore_index=True)


def hard_to_fill(ctx: Context, top: int | None = 12) -> pd.DataFrame:
    """Occupations employers call hard to fill: employers listing it, and how many say so."""
    occ = ctx.occupations.dropna(subset=["soc"])
    listed = occ[["respondent_id", "soc"]].drop_duplicates().assign(value=1.0)
    hard = (occ[occ["hard_to_fill"].fillna(False).astype(bool)][["respondent_id", "soc"]]
            .drop_duplicates().assign(value=1.0))
    levels = sorted(listed["soc"].unique())
    a = _protect_each(listed, ctx.rule, "soc", levels)
    b = _protect_each(hard, ctx.rule, "soc", levels)
    out = pd.DataFrame({"Occupation": [f"{soc_title(s)} ({s})" for s in levels],
                        "Employers with the occupation": a.reindex(levels).to_numpy(),
                        "Say it is hard to fill": b.reindex(levels).to_numpy()})
    out["Share (%)"] = (out["Say it is hard to fill"] / out["Employers with the occupation"]
                        * 100).astype("Float64")
    out = out.dropna(subset=["Share (%)"])
    out = out.sort_values(["Share (%)", "Employers with the occupation"],
                          ascending=False, ignore_index=True)
    return out if top is None else out.head(top)


def apprenticeship_interest(ctx: Context) -> pd.DataFrame:
    e = ctx.employers
    answered = e[e["host_apprentices"].notna()]
    willing = answered[answered["host_apprentices"].astype(bool)]
    contrib = pd.concat([
        willing[["respondent_id"]].assign(key="willing", value=1.0),
        willing[["respondent_id", "apprentices_n"]].dropna().rename(
            columns={"apprentices_n": "value"}).assign(key="seats"),
    ])
    t = disclosure.protect(contrib[contrib["key"] == "willing"], ctx.rule, rows="key")
    s = disclosure.protect(contrib[contrib["key"] == "seats"], ctx.rule, rows="key")
    n_willing = t.loc[~t["is_total"], "value"].iloc[0]
    seats = s.loc[~s["is_total"], "value"].iloc[0]
    share = n_willing / len(answered) * 100 if pd.notna(n_willing) else pd.NA
    return pd.DataFrame({
        "Measure": ["Employers answering", "Willing to host IMT apprentices",
                    "Share willing (%)", "Apprentices they would host (respondents only)"],
        "Value": [float(len(answered)), n_willing, share, seats],
    })


def _share_bars(table: pd.DataFrame, label: str, title: str) -> plt.Figure:
    values = table.set_index(label)["Share (%)"].astype(float)
    return figures.horizontal_bars(values, title, "Share of responding employers (%)",
                                   fmt="{:.0f}%")


def wages(ctx: Context, top: int | None = 15) -> pd.DataFrame:
    """Survey starting and typical wages against OEWS for the same occupation and area.

    Each establishment's occupation rows are joined to the OEWS estimates of the metro area
    standing for its county (the state's where the area publishes none), then summarised per
    occupation by :func:`assessment.survey.join.wage_gaps`, which withholds any occupation with
    fewer than the minimum number of establishments."""
    joined = join.attach_oews(ctx.occupations, ctx.employers, ctx.oews, ctx.region,
                              fallback_area=ctx.region.benchmarks.state.oews)
    gaps = join.wage_gaps(joined, ctx.rule)
    gaps = gaps[gaps["status"] == disclosure.SHOWN]
    threshold = ctx.region.job_quality.family_sustaining_hourly
    out = pd.DataFrame({
        "Occupation": [f"{soc_title(s)} ({s})" for s in gaps["soc"]],
        "Employers": gaps["respondents"].to_numpy(),
        "Median starting wage ($/h)": gaps["median_wage_start"].to_numpy(),
        "Starting wage / OEWS 25th percentile": gaps["median_start_vs_oews_p25"].to_numpy(),
        "Median typical wage ($/h)": gaps["median_wage_typical"].to_numpy(),
        "Typical wage / OEWS median": gaps["median_typical_vs_oews_median"].to_numpy(),
    })
    out["Starting wage reaches family-sustaining"] = (
        out["Median starting wage ($/h)"].astype("Float64") >= threshold)
    out = out.sort_values("Employers", ascending=False, ignore_index=True)
    return out if top is None else out.head(top)


def show_wages(ctx: Context) -> None:
    if not ctx.has_employers:
        return _no_employers(ctx)
    if ctx.oews is None:
        return present.caveat("OEWS wage estimates are not among the processed tables, so "
                              "survey wages cannot be compared with them.")
    jq = ctx.region.job_quality
    present.table(wages(ctx), caption="Wages employers report against OEWS wages for the "
                  "same occupation and area", source=ctx.source("employer")
                  + "; BLS Occupational Employment and Wage Statistics for the "
                  "establishment's metro area", key="survey_wages",
                  formats={"Median starting wage ($/h)": "{:.2f}",
                           "Median typical wage ($/h)": "{:.2f}",
                           "Starting wage / OEWS 25th percentile": "{:.2f}",
                           "Typical wage / OEWS median": "{:.2f}"},
                  note="Medians over employers of each employer's answer; ratios above 1 mean "
                       "the employers who answered pay more than the area's OEWS figure. "
                       f"Family-sustaining wage: ${jq.family_sustaining_hourly:.2f} an hour "
                       f"({jq.basis}). Occupations with fewer than "
                       f"{ctx.rule.min_respondents} employers are not shown.")


def show_job_quality(ctx: Context) -> None:
    if not ctx.has_employers:
        return _no_employers(ctx)
    t = benefits(ctx)
    present.table(t, caption="Benefits employers offer production workers",
                  source=ctx.source("employer"), key="survey_benefits",
                  formats={"Share (%)": "{:.0f}"})
    present.figure(_share_bars(t, "Answer", "Benefits offered to production workers"),
                   caption="Share of employers offering each benefit",
                   source=ctx.source("employer"))


def show_skills(ctx: Context) -> None:
    if not ctx.has_employers:
        return _no_employers(ctx)
    t = skill_gaps(ctx)
    present.table(t, caption="Skill gaps employers report among production and maintenance "
                  "workers", source=ctx.source("employer"), key="survey_skill_gaps",
                  formats={"Share (%)": "{:.0f}"},
                  note="Share of employers rating the area a moderate or severe gap, among "
                       "those who rated it.")
    present.figure(_share_bars(t, "Skill area", "Moderate or severe skill gaps"),
                   caption="Skill gaps by area", source=ctx.source("employer"))
    present.table(hard_to_fill(ctx), caption="Occupations employers find hard to fill",
                  source=ctx.source("employer"), key="survey_hard_to_fill",
                  formats={"Share (%)": "{:.0f}"},
                  note="Occupations whose counts pass the disclosure rule, by share of "
                       "employers with the occupation who call it hard to fill.")


def show_hiring_barriers(ctx: Context) -> None:
    if not ctx.has_employers:
        return _no_employers(ctx)
    t = barriers(ctx)
    present.table(t, caption="Barriers employers face in hiring", source=ctx.source("employer"),
                  key="survey_hiring_barriers", formats={"Share (%)": "{:.0f}"})
    present.table(apprenticeship_interest(ctx), caption="Interest in hosting IMT apprentices",
                  source=ctx.source("employer"), key="survey_apprentices",
                  formats={"Value": "{:,.0f}"})


# --- union survey -------------------------------------------------------------------------


def _no_locals(ctx: Context) -> None:
    present.caveat("No union survey responses have been ingested for this region yet. "
                   f"Drop the export under {_surveys_dir(ctx)}/union/ and rebuild.")


def union_needs(ctx: Context) -> pd.DataFrame:
    """Locals reporting each training need, barrier and job-quality concern (protected)."""
    cb = load_codebook("union")
    frames = []
    for prefix, kind in [("need_", "Training need"), ("barrier_", "Barrier members face"),
                         ("concern_", "Job-quality concern")]:
        var = next(v for v in cb.variables if v.output == prefix)
        labels = {prefix + o.code: o.label for o in cb.options(var) if o.code != "other"}
        answered = ctx.locals_[list(labels)].notna().any(axis=1)
        t = _multi_share(ctx.locals_[answered], labels, ctx.rule, int(answered.sum()))
        frames.append(t.rename(columns={"Respondents": "Locals"}).assign(Topic=kind))
    out = pd.concat(frames, ignore_index=True)
    return out[["Topic", "Answer", "Locals", "Share (%)"]]


def union_programs(ctx: Context) -> pd.DataFrame:
    p = ctx.programs.dropna(subset=["program_type"])
    cb = load_codebook("union")
    labels = {o.code: o.label for b in cb.blocks for v in b.variables
              for o in cb.options(v)}
    contrib = p[["respondent_id", "program_type", "seats"]].rename(
        columns={"program_type": "key", "seats": "value"}).dropna()
    t = disclosure.protect(contrib, ctx.rule, rows="key")
    t = t.assign(Program=t["key"].map(lambda k: labels.get(k, k.replace("_", " ").capitalize())))
    return pd.DataFrame({"Program": t["Program"], "Locals": t["respondents"],
                         "Seats": t["value"]})


def show_union(ctx: Context) -> None:
    if not ctx.has_locals:
        return _no_locals(ctx)
    present.table(union_needs(ctx), caption="What union locals report about their members",
                  source=ctx.source("union"), key="union_needs",
                  formats={"Share (%)": "{:.0f}"},
                  note="Share of responding locals naming each item (more than one could be "
                       "named).")
    present.table(union_programs(ctx), caption="Training and apprenticeship seats locals run "
                  "today", source=ctx.source("union"), key="union_programs",
                  note="Seats per year as reported by the locals that run each kind of "
                       "program.")


# --- findings -----------------------------------------------------------------------------


def findings(ctx: Context) -> list[str]:
    items = []
    ing = ingestion(ctx)
    for r in ing.itertuples():
        items.append(f"The {r.Survey.lower()} survey received {r._3:,} responses: {r.Accepted:,} "
                     f"were accepted and {r.Quarantined:,} quarantined for failing validation.")
    if ctx.has_employers:
        dem = demand(ctx).set_index("Occupation")
        total = dem.loc[disclosure.TOTAL, "Hires, 3 years"]
        if total != "—":
            items.append(f"Weighted to all manufacturing establishments in the region, "
                         f"employers expect about {total} hires (95% confidence interval in "
                         "brackets) over three years in the occupations they reported.")
        htf = hard_to_fill(ctx)
        # a headline needs a broad base: at least twice the disclosure minimum of employers
        htf = htf[htf["Employers with the occupation"] >= 2 * ctx.rule.min_respondents]
        if not htf.empty:
            top = htf.iloc[0]
            items.append(f"{top['Occupation']} is the hardest to fill: "
                         f"{top['Share (%)']:.0f}% of employers with the occupation say so.")
        gaps = skill_gaps(ctx).dropna(subset=["Share (%)"])
        if not gaps.empty:
            g = gaps.iloc[0]
            items.append(f"The most common skill gap is {g['Skill area'].lower()}: "
                         f"{g['Share (%)']:.0f}% of employers rate it moderate or severe.")
        app = apprenticeship_interest(ctx).set_index("Measure")["Value"]
        if pd.notna(app["Share willing (%)"]):
            items.append(f"{app['Share willing (%)']:.0f}% of responding employers are willing "
                         "to host IMT apprentices.")
    if ctx.has_locals:
        needs = union_needs(ctx)
        b = needs[needs["Topic"] == "Barrier members face"].dropna(subset=["Share (%)"])
        if not b.empty:
            items.append(f"Union locals most often name {b.iloc[0]['Answer'].lower()} as a "
                         f"barrier their members face ({b.iloc[0]['Share (%)']:.0f}% of "
                         "locals).")
    return items


def methods_caveat(ctx: Context) -> str:
    text = (f"Survey tables follow the region's disclosure rule: a cell is shown only with at "
            f"least {ctx.rule.min_respondents} respondents and no single respondent above "
            f"{ctx.rule.max_share:.0%} of its total, and further cells are withheld where a "
            "suppressed one could otherwise be worked out from totals. Respondents are not a "
            "random sample; weights align them with the QCEW count of establishments by "
            "subsector and size class, and the confidence intervals reflect sampling "
            "variation only, not non-response bias.")
    if ctx.qcew_size is None:
        text += (" QCEW size-class data were not available, so establishments were spread "
                 "evenly over size classes when weighting.")
    return text
