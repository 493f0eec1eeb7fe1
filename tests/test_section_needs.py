"""The needs chapter: its rules on small hand-made frames (expected values worked out by hand in
each test), the evidence-strength rule, the check of recommendations against needs, and the
validation of config/needs.yml and the recommendations files."""

from __future__ import annotations

import json
import re

import pandas as pd
import pytest
import yaml

from assessment import paths
from assessment.needs_config import (
    NeedsConfigError,
    load_recommendations,
    load_rules,
)
from assessment.sections import needs
from assessment.sections.needs import BOTH, PUBLIC, SURVEYS, WEAK, Inputs, Need


@pytest.fixture(scope="module")
def rules():
    return load_rules()


def _gap(rows):
    cols = ["rank", "soc", "title", "openings", "supply", "gap", "coverage", "programs",
            "h_pct25", "pct25_ratio"]
    return pd.DataFrame(rows, columns=cols)


MIX_COLUMNS = ["Group", "Workers", "Manufacturing jobs (%)", "All jobs (%)",
               "Difference (points)", "County-quarters withheld"]


def _inputs(**kw) -> Inputs:
    base = dict(region_name="Test Valley", fs_hourly=25.0, mfg_jobs=10_000.0,
                gap=_gap([]), mix=pd.DataFrame(columns=MIX_COLUMNS), mix_year=2022)
    base.update(kw)
    return Inputs(**base)


def _rule(rules, rid):
    return rules.rules[rid]


# --- evidence --------------------------------------------------------------------------------


def test_strength_of_evidence():
    assert needs.strength(True, True) == BOTH
    assert needs.strength(True, None) == PUBLIC
    assert needs.strength(True, False) == PUBLIC  # the survey does not confirm: public data
    assert needs.strength(True, True, weak=True) == PUBLIC  # a weak survey never "agrees"
    assert needs.strength(None, True) == SURVEYS
    assert needs.strength(False, True, weak=True) == WEAK
    assert needs.strength(False, False) is None
    assert needs.strength(None, None) is None


def test_wilson_interval_matches_newcombe():
    # Newcombe (1998), Statistics in Medicine 17:857, Table I: 81 of 263, Wilson score
    # interval 0.2553 to 0.3662.
    lo, hi = needs.wilson(81, 263)
    assert lo == pytest.approx(25.53, abs=0.01) and hi == pytest.approx(36.62, abs=0.01)


def test_survey_share_is_weak_when_thin_or_wide(rules):
    ev = rules.evidence
    # 30 of 40: Wilson 95% interval 59.8%-85.8%, half-width 13.0 points (by hand): not weak
    assert not needs.share_is_weak(30, 40, ev)
    # 12 of 20: 38.7%-78.1%, half-width 19.7 points > 15: weak
    assert needs.share_is_weak(12, 20, ev)
    # 5 of 6: fewer than 10 respondents: weak whatever the interval
    assert needs.share_is_weak(5, 6, ev)


def test_survey_total_is_weak_when_its_interval_is_wide(rules):
    ev = rules.evidence
    assert not needs.total_is_weak(1000, 800, 1200, 50, ev)  # ±200 of 1,000 = 0.2
    assert needs.total_is_weak(1000, 0, 2400, 50, ev)  # ±1,200 of 1,000 = 1.2 > 0.5
    assert needs.total_is_weak(1000, 800, 1200, 6, ev)  # 6 employers < 10
    assert needs.total_is_weak(float("nan"), 0, 0, 50, ev)  # withheld


# --- the rules on hand-made frames -----------------------------------------------------------


def test_training_gap_rule(rules):
    gap = _gap([
        (1, "11-1111", "Alpha", 500.0, 50.0, 450.0, 0.10, True, 20.0, 0.8),   # 10%: a need
        (2, "22-2222", "Beta", 300.0, 150.0, 150.0, 0.50, True, 20.0, 0.8),   # 50%: covered
        (3, "33-3333", "Gamma", 120.0, 0.0, 120.0, 0.0, False, 20.0, 0.8),    # gap 120 >= 100
        (4, "44-4444", "Delta", 80.0, 0.0, 80.0, 0.0, False, 20.0, 0.8),      # gap 80 < 100
    ])
    # employers calling Alpha hard to fill: 30 of 40 = 75% >= 25%, not weak (see above)
    htf = pd.DataFrame({"soc": ["11-1111"], "title": ["Alpha"], "employers": [40.0],
                        "hard": [30.0]})
    found = needs.rule_training_gap(_inputs(gap=gap, hard_to_fill=htf), "training-gap",
                                    _rule(rules, "training-gap"), rules)
    assert [(n.id, n.evidence) for n in found] == [("training-gap:11-1111", BOTH),
                                                  ("training-gap:33-3333", PUBLIC)]
    assert "450 a year" in found[0].statement and "10% covered" in found[0].statement
    assert "75% of the 40 employers" in found[0].statement
    assert "no program in the crosswalks" in found[1].statement
    assert "Openings and people trained a year, priority occupations" in found[0].rests_on


def test_under_represented_rule(rules):
    mix = pd.DataFrame([
        ("Sex", "Women", 30.0, 50.0, -20.0, "0 of 8"),    # 30/50 = 0.60 <= 0.8: a need
        ("Sex", "Men", 70.0, 50.0, 20.0, "0 of 8"),       # over-represented
        ("Race", "Tiny group", 0.5, 1.5, -1.0, "0 of 8"),  # 1.5% of all jobs < 2%: left out
        ("Race", "Near group", 40.0, 48.0, -8.0, "0 of 8"),  # 0.833 > 0.8: not a need
    ], columns=MIX_COLUMNS)
    women = {"mfg": 28.0, "mfg_moe": 0.9, "all": 40.0, "all_moe": 0.3}
    found = needs.rule_workforce_under_represented(
        _inputs(mix=mix, women_acs=women, acs_years="2019–2023"),
        "workforce-under-represented", _rule(rules, "workforce-under-represented"), rules)
    assert [(n.id, n.evidence) for n in found] == [("workforce-under-represented:women", PUBLIC)]
    assert "0.60 times" in found[0].statement and "28.0% (±0.9)" in found[0].statement


def _dac(diff: float, moe: float, significant: str) -> pd.DataFrame:
    row = {"Indicator": "Households without a vehicle (%)", "Disadvantaged tracts": 8.0 + diff,
           "± Disadvantaged": moe / 2, "Rest of region": 8.0, "± Rest": moe / 2,
           "Difference (points)": diff, "± Difference": moe, "Significant": significant}
    return pd.DataFrame([row], index=["no_vehicle"])


def _barriers(code: str, count: float, answered: float) -> pd.DataFrame:
    return pd.DataFrame({"code": [code], "label": [code.capitalize()], "count": [count],
                         "answered": [answered]})


def test_transport_rule_needs_a_significant_difference_of_two_points(rules):
    rule = _rule(rules, "regional-transport")
    # +3.0 points, significant; 30 of 100 employers name transportation (30% >= 25%, Wilson
    # half-width 8.9 points): both agree
    found = needs.rule_regional_transport(
        _inputs(dac=_dac(3.0, 1.0, "yes"), barriers=_barriers("transportation", 30, 100)),
        "regional-transport", rule, rules)
    assert [(n.id, n.evidence) for n in found] == [("regional-transport", BOTH)]
    assert "+3.0 points (±1.0)" in found[0].statement
    # the same difference with only 20 of 100 employers: public data alone
    found = needs.rule_regional_transport(
        _inputs(dac=_dac(3.0, 1.0, "yes"), barriers=_barriers("transportation", 20, 100)),
        "regional-transport", rule, rules)
    assert [n.evidence for n in found] == [PUBLIC]
    # significant but 1.5 points, or 5 points but not significant: no need
    for dac in (_dac(1.5, 0.5, "yes"), _dac(5.0, 6.0, "no, not significant")):
        assert needs.rule_regional_transport(_inputs(dac=dac), "regional-transport", rule,
                                             rules) == []


def test_benefits_rule(rules):
    b = pd.DataFrame({"code": ["health", "retirement", "childcare"],
                      "label": ["Health insurance", "Retirement plan", "Childcare support"],
                      "count": [40.0, 60.0, 2.0], "answered": [100.0, 100.0, 6.0]})
    found = needs.rule_jobquality_benefits(_inputs(benefits=b), "jobquality-benefits",
                                           _rule(rules, "jobquality-benefits"), rules)
    # health: 40% < 50% of 100 -> surveys; retirement 60% -> none; childcare 2 of 6 = 33%,
    # from 6 employers (< 10) -> weak. Strong first, then by share.
    assert [(n.id, n.evidence) for n in found] == [("jobquality-benefits:health", SURVEYS),
                                                  ("jobquality-benefits:childcare", WEAK)]


def test_retirements_rule(rules):
    mix = pd.DataFrame([("Age", "Aged 55 and older", 25.0, 22.0, 3.0, "0 of 8")],
                       columns=MIX_COLUMNS)
    demand = pd.DataFrame({"measure": ["retirements_5y"], "soc": ["Total"],
                           "estimate": [1000.0], "ci_low": [800.0], "ci_high": [1200.0],
                           "reporting": [50.0], "status": ["shown"]})
    # 25% >= 20% of jobs held by workers 55+; 1,000 / 10,000 jobs = 10% >= 8% retiring in
    # five years, interval ±0.2 of the estimate: both agree
    found = needs.rule_industry_retirements(_inputs(mix=mix, demand=demand),
                                            "industry-retirements",
                                            _rule(rules, "industry-retirements"), rules)
    assert [(n.id, n.evidence) for n in found] == [("industry-retirements", BOTH)]
    assert "10.0% of the region's 10,000 manufacturing jobs" in found[0].statement


def test_entry_pay_rule(rules):
    gap = _gap([(1, "11-1111", "Alpha", 500.0, 50.0, 450.0, 0.1, True, 20.0, 0.8),
                (2, "22-2222", "Beta", 500.0, 50.0, 450.0, 0.1, True, 30.0, 1.2)])
    wages = pd.DataFrame({"soc": ["11-1111", "22-2222"], "employers": [20.0, 20.0],
                          "start": [22.0, 31.0]})
    found = needs.rule_jobquality_entry_pay(_inputs(gap=gap, survey_wages=wages),
                                            "jobquality-entry-pay",
                                            _rule(rules, "jobquality-entry-pay"), rules)
    # Alpha: $20.00 is 80% of $25.00, and employers start at $22 < $25: both agree; Beta's
    # 25th percentile reaches the wage and employers start above it: no need.
    assert [(n.id, n.evidence) for n in found] == [("jobquality-entry-pay:11-1111", BOTH)]
    assert "$20.00 an hour, 80% of the family-sustaining $25.00" in found[0].statement


def _need(nid, evidence):
    rule = nid.split(":")[0]
    return Need(nid, "training", rule, "t", "s.", "r", evidence)


def test_top_needs_hear_every_rule_before_any_twice():
    found = [_need("training-gap:a", BOTH), _need("training-gap:b", BOTH),
             _need("regional-transport", PUBLIC), _need("jobquality-benefits:x", WEAK)]
    top = needs.top_needs(found, 3)
    assert [n.id for n in top] == ["training-gap:a", "regional-transport", "training-gap:b"]


# --- recommendations against needs ---------------------------------------------------------------


def _recs(tmp_path, items, rules, region="test-valley"):
    doc = {"region": region, "status": "draft", "note": "A draft for the tests here.",
           "recommendations": items}
    path = tmp_path / "recs.yml"
    path.write_text(yaml.safe_dump(doc))
    return load_recommendations(path, region, set(rules.rules))


def test_check_flags_unsupported_recommendations_and_unanswered_strong_needs(tmp_path, rules):
    found = [_need("training-gap:11-1111", BOTH), _need("regional-transport", PUBLIC),
             _need("jobquality-benefits:childcare", WEAK)]
    recs = _recs(tmp_path, [
        {"id": "R1", "action": "training-and-apprenticeship",
         "text": "Train for the occupations with a gap.", "needs": ["training-gap"]},
        {"id": "R2", "action": "barriers-and-outcomes",
         "text": "Open a training site near the plants.", "needs": ["regional-access"]},
        {"id": "R3", "action": "training-and-apprenticeship",
         "text": "Train for one more occupation too.",
         "needs": ["training-gap:22-2222", "training-gap:11-1111"]},
    ], rules)
    c = needs.check(recs, found)
    rows = c.rows.set_index("id")
    assert rows.at["R1", "Check"] == "supported"
    assert rows.at["R2", "Check"].startswith("not supported: regional-access")
    assert rows.at["R3", "Check"].startswith("partly supported: training-gap:22-2222")
    assert len(c.unsupported) == 2 and c.unsupported[0].startswith("R2")
    # the transport need is strong and answered by nobody; the weak childcare need is not
    # counted as unanswered
    assert [n.id for n in c.unanswered] == ["regional-transport"]
    # grouped by the five actions, in their order
    assert rows["action"].tolist() == ["training-and-apprenticeship",
                                       "training-and-apprenticeship", "barriers-and-outcomes"]


# --- validation ------------------------------------------------------------------------------


def _rules_copy(tmp_path, edit) -> str:
    data = yaml.safe_load(paths.NEEDS_RULES.read_text())
    edit(data)
    path = tmp_path / "needs.yml"
    path.write_text(yaml.safe_dump(data))
    return path


def test_rules_file_errors_name_file_and_key(tmp_path):
    path = _rules_copy(tmp_path, lambda d: d["rules"]["training-gap"]["thresholds"].pop(
        "max_coverage"))
    with pytest.raises(NeedsConfigError, match=r"needs\.yml: rules\.training-gap\.thresholds"
                                               r"\.max_coverage: missing"):
        load_rules(path)

    def bad_value(d):
        d["rules"]["training-gap"]["thresholds"]["min_gap_a_year"]["value"] = "a hundred"
    with pytest.raises(NeedsConfigError,
                       match=r"rules\.training-gap\.thresholds\.min_gap_a_year\.value"):
        load_rules(_rules_copy(tmp_path, bad_value))

    def no_why(d):
        del d["rules"]["regional-language"]["thresholds"]["min_difference_points"]["why"]
    with pytest.raises(NeedsConfigError, match=r"min_difference_points\.why: Field required"):
        load_rules(_rules_copy(tmp_path, no_why))

    def unknown(d):
        d["rules"]["regional-weather"] = d["rules"]["regional-language"]
    with pytest.raises(NeedsConfigError, match=r"rules\.regional-weather: unknown rule"):
        load_rules(_rules_copy(tmp_path, unknown))

    def extra(d):
        d["rules"]["training-gap"]["thresholds"]["max_gap"] = {"value": 1, "why": "no reason."}
    with pytest.raises(NeedsConfigError, match=r"thresholds\.max_gap: unknown threshold"):
        load_rules(_rules_copy(tmp_path, extra))


def test_recommendation_errors_name_file_and_key(tmp_path, rules):
    good = {"id": "R1", "action": "good-jobs", "text": "Pay a family-sustaining wage.",
            "needs": ["jobquality-entry-pay"]}
    with pytest.raises(NeedsConfigError, match=r"recs\.yml: recommendations\.0\.action"):
        _recs(tmp_path, [{**good, "action": "lobbying"}], rules)
    with pytest.raises(NeedsConfigError,
                       match=r"recommendations\.0\.needs\.0: 'regional-weather' names no rule"):
        _recs(tmp_path, [{**good, "needs": ["regional-weather"]}], rules)
    with pytest.raises(NeedsConfigError, match=r"recommendations\.1\.id: 'R1' used twice"):
        _recs(tmp_path, [good, good], rules)
    with pytest.raises(NeedsConfigError, match=r"region: 'elsewhere' is not this region"):
        load_recommendations(_recs_path(tmp_path, [good], "elsewhere"), "test-valley",
                             set(rules.rules))
    with pytest.raises(NeedsConfigError, match=r"recommendations\.0\.needs: .*not a need id"):
        _recs(tmp_path, [{**good, "needs": ["Training Gap"]}], rules)


def _recs_path(tmp_path, items, region):
    path = tmp_path / "other.yml"
    path.write_text(yaml.safe_dump({"region": region, "status": "draft",
                                    "note": "A draft for the tests.", "recommendations": items}))
    return path


def test_the_committed_draft_and_the_sample_file_validate(tmp_path, rules):
    draft = paths.RECOMMENDATIONS_DIR / "san-joaquin-valley.yml"
    recs = load_recommendations(draft, "san-joaquin-valley", set(rules.rules))
    assert recs.status == "draft" and "review" in recs.note
    assert {r.action.value for r in recs.recommendations} == {
        "sector-table", "training-and-apprenticeship", "barriers-and-outcomes",
        "union-choice", "good-jobs"}

    from assessment.paths import DataDirs, Mode
    from assessment.region import load_region
    from assessment.sample import recommendations as sample_recs

    region = load_region(paths.DEFAULT_REGION)
    dirs = DataDirs(Mode.SAMPLE, tmp_path / "raw", tmp_path / "processed", region.slug)
    [written] = sample_recs.build(region, dirs, None)
    assert written == dirs.recommendations == tmp_path / "raw/partnership/recommendations.yml"
    recs = load_recommendations(written, region.slug, set(rules.rules))
    assert recs.status == "sample"
    assert all(r.text.startswith("SAMPLE") for r in recs.recommendations)


def test_real_recommendations_live_in_config_and_sample_ones_in_the_bundle():
    real = paths.data_dirs("real", "san-joaquin-valley")
    sample = paths.data_dirs("sample", "san-joaquin-valley")
    assert real.recommendations == paths.CONFIG_DIR / "recommendations/san-joaquin-valley.yml"
    assert sample.recommendations == (paths.DATA_DIR / "sample/san-joaquin-valley/raw/"
                                      "partnership/recommendations.yml")
    assert paths.report_paths("sample", "x").brief.name == "needs-assessment-brief-sample.pdf"
    assert paths.report_paths("real", "x").brief.name == "needs-assessment-brief.pdf"


def _flat(text: str) -> str:
    """Source text with adjacent string literals joined ("a " "b" -> "a b")."""
    return re.sub(r'"\s*\n?\s*"', "", text)


def test_every_table_a_need_rests_on_is_captioned_so_in_its_chapter():
    survey = _flat((paths.PACKAGE_DIR / "sections" / "survey.py").read_text())
    for key, (stem, caption) in needs.TABLES.items():
        nb = json.loads((paths.NOTEBOOKS_DIR / f"{stem}.ipynb").read_text())
        text = _flat("\n".join("".join(c["source"]) for c in nb["cells"]))
        # the survey chapter's tables are captioned in its show_* functions
        assert caption in text or (stem == "04-survey-findings" and caption in survey), key


def test_no_recommendations_file_is_one_sentence():
    ctx = type("Ctx", (), {})()
    ctx.region = type("R", (), {"name": "Test Valley"})()
    ctx.recommendations_path = paths.RECOMMENDATIONS_DIR / "test-valley.yml"
    sentence = needs.missing_sentence(ctx)
    assert sentence.count(". ") == 0 and sentence.endswith(".")
    assert "config/recommendations/test-valley.yml does not exist" in sentence
