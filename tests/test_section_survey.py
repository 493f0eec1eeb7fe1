"""Computations the survey section does itself, on hand-made frames (expected values by hand)."""

from __future__ import annotations

import pandas as pd
import pytest

from assessment.paths import Mode
from assessment.sections import survey as s


def _ctx(region, employers=None, occupations=None, log=None):
    return s.Context(region, Mode.SAMPLE, employers, occupations, None, None, None, log,
                     pd.DataFrame(), None, None)


def test_quarantine_reasons_are_categorised_by_rule_text():
    assert s.categorize_reason("county: unknown county: not one of the region's counties") \
        == "County outside the region"
    assert s.categorize_reason("occ1_vacancies: must not exceed occ1_headcount (1)") \
        == "Vacancies larger than headcount"
    assert s.categorize_reason("ResponseId: duplicate response: same response id as row 54") \
        == "Duplicate response"
    assert s.categorize_reason("something new") == "Other validation rule"


def test_ingestion_adds_waves_and_keeps_the_identity(region):
    log = pd.DataFrame({
        "survey": ["employer", "employer", "union"], "wave": ["2026", "2027", "2026"],
        "input_rows": [120, 30, 25], "accepted_new": [115, 20, 23],
        "accepted_before": [0, 8, 0], "quarantined": [5, 2, 2]})
    t = s.ingestion(_ctx(region, log=log)).set_index("Survey")
    # employer: 120 + 30 = 150 rows = (115 + 20 + 8) accepted + (5 + 2) quarantined
    assert t.loc["Employer", "Input rows"] == 150
    assert t.loc["Employer", "Accepted"] == 143
    assert t.loc["Employer", "Quarantined"] == 7
    assert (t["Input rows"] == t["Accepted"] + t["Quarantined"]).all()


def test_skill_gaps_count_moderate_or_severe_among_raters(region):
    # 7 employers rate mechanical: ratings 1,2,3,3,4,4,4 -> 5 rate it 3 or 4: 5/7 = 71.4%.
    # Math: 6 raters (one left it blank), only 2 rate it >= 3 -> below 5: suppressed.
    ids = [f"E-{i}" for i in range(7)]
    employers = pd.DataFrame({"respondent_id": ids,
                              "skillgap_mechanical": [1, 2, 3, 3, 4, 4, 4],
                              "skillgap_math": [1, 1, 1, 2, 3, 4, None]})
    for col in ["electrical", "automation", "welding", "quality", "safety", "digital",
                "english"]:
        employers[f"skillgap_{col}"] = None
    t = s.skill_gaps(_ctx(region, employers=employers)).set_index("Skill area")
    assert t.loc["Mechanical", "Employers rating it"] == 7
    assert t.loc["Mechanical", "Moderate or severe gap"] == 5
    assert t.loc["Mechanical", "Share (%)"] == pytest.approx(500 / 7)
    assert t.loc["Math", "Employers rating it"] == 6
    assert pd.isna(t.loc["Math", "Moderate or severe gap"])  # 2 respondents < 5


def test_benefit_shares_use_employers_who_answered(region):
    # 6 employers answered the benefits question, 1 skipped it (all missing).
    # Health: 5 of 6 = 83.3%. Childcare: 1 of 6 -> suppressed (fewer than 5).
    rows = []
    for i in range(6):
        rows.append({"respondent_id": f"E-{i}", "benefit_health": i < 5,
                     "benefit_childcare": i == 0})
    rows.append({"respondent_id": "E-6", "benefit_health": None, "benefit_childcare": None})
    employers = pd.DataFrame(rows)
    for code in ["sick_days", "family_leave", "retirement", "predictable_scheduling"]:
        employers[f"benefit_{code}"] = employers["benefit_health"].map(
            lambda v: None if v is None or pd.isna(v) else False)
    t = s.benefits(_ctx(region, employers=employers)).set_index("Answer")
    assert t.loc["Health insurance", "Respondents"] == 5
    assert t.loc["Health insurance", "Share (%)"] == pytest.approx(500 / 6)
    assert pd.isna(t.loc["Childcare support", "Respondents"])
