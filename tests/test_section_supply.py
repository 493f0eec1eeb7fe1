"""The supply section's computations on tiny hand-made frames; every expected value is worked
out by hand in the test or its comment."""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest

from assessment.sections import supply

WELD_TOP = "095650"


def _cip_soc(pairs):
    return pd.DataFrame([(c, "t", s, "t", s != "99-9999") for c, s in pairs],
                        columns=["cip", "cip_title", "soc", "soc_title", "matched"])


CIP_SOC = _cip_soc([("15.0614", "17-3029"), ("15.0614", "51-4121"), ("48.0508", "51-4121"),
                    ("48.0508", "51-4122"), ("48.0501", "51-4041"), ("01.0508", "99-9999")])
TOP_CIP = pd.DataFrame({"top_code": [WELD_TOP, WELD_TOP, "095630"],
                        "cip": ["15.0614", "48.0508", "48.0501"],
                        "share": [0.5, 0.5, 1.0]})


def test_cip_soc_shares_split_each_program_equally():
    s = supply.cip_soc_shares(CIP_SOC).set_index(["cip", "soc"])["soc_share"]
    assert s[("15.0614", "51-4121")] == 0.5  # 15.0614 has two occupations
    assert s[("48.0501", "51-4041")] == 1.0
    assert ("01.0508", "99-9999") not in s.index  # NO MATCH is no occupation


def test_welding_award_is_counted_once_across_cips_and_occupations():
    awards = pd.DataFrame({"unitid": [1], "academic_year": ["2022-2023"],
                           "top_code": [WELD_TOP], "awards": [10]})
    by_cip = supply.datamart_by_cip(awards, TOP_CIP, [2023]).set_index("cip")["completions"]
    assert by_cip.to_dict() == {"15.0614": 5.0, "48.0508": 5.0}  # 10 x 1/2 each
    programs = by_cip.reset_index().assign(unitid=1, year=2023, award_level=0,
                                           source="DataMart")
    occ = supply.share_to_occupations(programs, supply.cip_soc_shares(CIP_SOC))
    per = occ.groupby("soc")["supply"].sum()
    # 15.0614's 5 -> 2.5 to 17-3029 and 2.5 to 51-4121; 48.0508's 5 -> 2.5 to 51-4121 and
    # 2.5 to 51-4122. Welders get 5.0; nothing is counted twice: the total is the 10 awards.
    assert per.to_dict() == {"17-3029": 2.5, "51-4121": 5.0, "51-4122": 2.5}
    assert per.sum() == 10


def test_unmapped_top_keeps_its_awards_out_of_occupations():
    awards = pd.DataFrame({"unitid": [1, 1], "academic_year": ["2022-2023", "2021-2022"],
                           "top_code": ["490100", WELD_TOP], "awards": [300, 4]})
    d = supply.datamart_by_cip(awards, TOP_CIP, [2023])
    assert len(d) == 1 and pd.isna(d["cip"].iloc[0]) and d["completions"].iloc[0] == 300.0
    assert supply.unassigned(d, supply.cip_soc_shares(CIP_SOC)) == 300.0


def test_choose_source_takes_the_larger_count_never_both():
    ip = pd.DataFrame({"unitid": [1, 1, 1, 2], "year": [2022, 2023, 2023, 2023],
                       "cip": ["48.0508", "48.0508", "24.0101", "48.0508"],
                       "award_level": [3, 3, 3, 2], "completions": [60.0, 10.0, 30.0, 7.0]})
    dm = pd.DataFrame({"unitid": [1, 1], "year": [2022, 2023], "cip": ["48.0508", "48.0508"],
                       "completions": [50.0, 50.0]})
    out = supply.choose_source(ip, dm, community={1})
    got = out.groupby(["unitid", "year"]).agg(n=("completions", "sum"),
                                              src=("source", "first"))
    # college 1, 2022: IPEDS 60 > DataMart 50 -> IPEDS; 2023: IPEDS 10 + 30 = 40 < 50 ->
    # DataMart; institution 2 is no community college: IPEDS.
    assert got.loc[(1, 2022)].tolist() == [60.0, "IPEDS"]
    assert got.loc[(1, 2023)].tolist() == [50.0, "DataMart"]
    assert got.loc[(2, 2023)].tolist() == [7.0, "IPEDS"]
    assert out["completions"].sum() == 60 + 50 + 7


def test_gap_and_coverage():
    g = supply.gap(pd.Series({"51-4121": 100.0, "51-4041": 40.0, "51-9111": 0.0}),
                   pd.Series({"51-4121": 20.0}), pd.Series({"51-4121": 5.0, "51-4041": 2.0}))
    # welders: 100 - (20 + 5) = 75, 25 / 100 covered; machinists: no college supply = 0:
    # 40 - 2 = 38, 2 / 40 = 5%; no openings: coverage undefined
    assert g.loc["51-4121", ["supply", "gap", "coverage"]].tolist() == [25.0, 75.0, 0.25]
    assert g.loc["51-4041", ["college", "gap", "coverage"]].tolist() == [0.0, 38.0, 0.05]
    assert pd.isna(g.loc["51-9111", "coverage"])


def test_supply_points_thresholds():
    pts = supply.supply_points(pd.Series([0.0, 0.2, 1 / 3, 0.5, 2 / 3, 1.4, np.nan]))
    # below 1/3: 2; from 1/3 to below 2/3: 1; 2/3 and over: 0; unknown: 0
    assert pts.tolist() == [2, 2, 1, 1, 0, 0, 0]


def test_rank_breaks_ties_by_manufacturing_share_then_openings():
    r = supply.rank(np.array([5.0, 5.0, 7.0, 5.0]), np.array([60.0, 60.0, 10.0, 80.0]),
                    np.array([100.0, 300.0, 50.0, 10.0]))
    # 7 first; of the 5s, 80% mfg, then the 60%s by openings (300 before 100)
    assert r.tolist() == [4, 3, 1, 2]


def _candidates():
    # A scores 2 on everything; B 1 everywhere; C 0 on pay/mfg/openings but has no supply
    return pd.DataFrame({
        "openings_pts": [2, 1, 0], "pct25_ratio": [1.2, 0.95, 0.5],
        "median_ratio": [1.5, 1.05, 0.6], "top_coded": [False, False, False],
        "mfg_share": [70.0, 30.0, 5.0], "coverage": [0.1, 0.5, 0.0],
        "total_openings": [500.0, 300.0, 100.0]}, index=["A", "B", "C"])


def test_sensitivity_grid_and_rank_ranges():
    s = supply.sensitivity(_candidates(), top=1)
    # 3 pay factors x 3 mfg x 3 supply thresholds x 3^4 weights
    assert s["settings"].iloc[0] == 3 * 3 * 3 * 81
    # A has at least as many points as B and C on every criterion under every threshold set
    # (B's pay ratio 0.95 x 1/0.9 = 1.06 reaches 1 only when A's does too), and more in
    # total, so it ranks first in every setting.
    assert s.loc["A", ["base_rank", "best", "worst", "top_share"]].tolist() == [1, 1, 1, 100.0]
    assert bool(s.loc["A", "always_top"])
    assert s.loc["C", "best"] >= 2 and not s.loc["C", "always_top"]


def test_base_setting_is_the_default_score():
    c = _candidates()
    s = supply.sensitivity(c)
    pts = supply.points_for(c, 1.0, supply.MFG_THRESHOLDS[1], supply.SUPPLY_THRESHOLDS[1])
    # A: 2 + 2 + 2 + 2 = 8; B: 1 + 1 (median over) + 1 (30%) + 1 (half covered) = 4;
    # C: 0 + 0 + 0 + 2 = 2
    assert (pts["openings"] + pts["pay"] + pts["mfg"] + pts["supply"]).tolist() == [8, 4, 2]
    assert s["base_rank"].tolist() == [1, 2, 3]


def test_apprenticeship_uses_registered_completers_not_survey_seats(region):
    registered = pd.DataFrame({"soc": ["47-2111", "47-2111", "49-9041"],
                               "year": [2024, 2023, 2024], "completers": [40, 99, 6]})
    seats = pd.DataFrame({"respondent_id": ["a"], "program_type": ["registered_apprenticeship"],
                          "soc": ["47-2111"], "seats": [500]})
    ctx = SimpleNamespace(registered=registered, union_programs=seats,
                          region=region)
    a = supply.apprenticeship_supply(ctx)
    # latest year (2024) only: 40 electricians, 6 mechanics; the survey's 500 seats unused
    assert a["value"].to_dict() == {"47-2111": 40.0, "49-9041": 6.0}
    assert set(a["measure"]) == {"completers (2024)"}


def test_apprenticeship_falls_back_to_protected_survey_seats(region):
    ids = [f"r{i}" for i in range(6)]
    seats = pd.DataFrame({
        "respondent_id": ids * 2 + ["x"],
        "program_type": ["registered_apprenticeship"] * 12 + ["pre_apprenticeship"],
        "soc": ["49-9041"] * 6 + ["47-2111"] * 6 + ["51-4121"], "seats": [10] * 6 + [20] * 6
        + [50]})
    ctx = SimpleNamespace(registered=None, union_programs=seats, region=region)
    a = supply.apprenticeship_supply(ctx)
    # six locals x 10 seats = 60 and six x 20 = 120, both published (at least 5 locals, none
    # above 80%); pre-apprenticeship seats are not apprenticeship supply
    assert a["value"].to_dict() == {"47-2111": 120.0, "49-9041": 60.0}
    assert set(a["measure"]) == {"seats (union survey)"}


def test_a_lone_locals_seats_are_withheld(region):
    ids = [f"r{i}" for i in range(6)]
    seats = pd.DataFrame({"respondent_id": ids + ["x"],
                          "program_type": ["registered_apprenticeship"] * 7,
                          "soc": ["49-9041"] * 6 + ["51-4121"], "seats": [10] * 6 + [30]})
    a = supply.apprenticeship_supply(SimpleNamespace(registered=None, union_programs=seats,
                                                     region=region))
    # one local reports welding seats: withheld (fewer than 5); with the total published,
    # the other cell is withheld too, or 90 - 60 would give the welding figure away
    assert a["value"].isna().all()
    assert a.loc["51-4121", "status"] == "suppressed-primary"
    assert a.loc["49-9041", "status"] == "suppressed-complementary"


def test_findings_size_the_gap_in_one_sentence(monkeypatch):
    table = pd.DataFrame({"rank": [1, 2], "soc": ["51-4121", "51-9111"],
                          "title": ["Welders", "Packers"], "openings": [100.0, 300.0],
                          "college": [20.0, 0.0], "apprenticeship": [5.0, 0.0],
                          "apprenticeship_measure": ["", ""], "supply": [25.0, 0.0],
                          "gap": [75.0, 300.0], "coverage": [0.25, 0.0],
                          "programs": [True, False]})
    monkeypatch.setattr(supply, "gap_table", lambda ctx: table)
    monkeypatch.setattr(supply, "priority", lambda ctx: pd.DataFrame())
    monkeypatch.setattr(supply, "trend_display", lambda ctx: pd.DataFrame())
    ctx = SimpleNamespace(sensitivity=pd.DataFrame())
    first = supply.findings(ctx)[0]
    # openings 100 + 300 = 400, supply 25, 25 / 400 = 6%, gap 75 + 300 = 375 -> about 380
    assert first == ("For the 2 priority occupations, EDD projects about 400 openings a year, "
                     "while the region's colleges and apprenticeships train about 20 people a "
                     "year for them (6% of the openings): an unmet gap of about 380 a year, "
                     "largest for packers (about 300) and welders (about 80).")


@pytest.mark.parametrize("level", [20, 21, 1])
def test_short_certificates_group_together(level):
    assert supply.LEVEL_GROUPS[level] == "Certificate under 1 year"


def test_real_files_share_fresno_city_welding(realdata, region):
    """The real DataMart export, TOP-CIP and CIP-SOC crosswalks: Fresno City College's 69
    Welding Technology awards of 2023-2024 (PROVENANCE.md) split 34.5 / 34.5 onto CIP 15.0614
    and 48.0508 (TOP 095650 maps to both), each half split between its two occupations in the
    NCES crosswalk (15.0614: 17-3029, 51-4121; 48.0508: 51-4121, 51-4122): welders 51-4121
    get 17.25 + 17.25 = 34.5, 17-3029 and 51-4122 17.25 each; 69 in all."""
    from assessment.sources import ccc_awards, crosswalks, top_cip

    awards = ccc_awards.read(realdata / "ccc" / "majors.csv", region)
    awards = awards[(awards.college == "Fresno City") & (awards.top_code == WELD_TOP)]
    awards = awards.assign(unitid=114789)
    tc = top_cip.with_shares(top_cip.read(realdata / "ccc" / "TOPCIP2020June26.xlsx"))
    cw = crosswalks.read(realdata / "crosswalks" / "CIP2020_SOC2018_Crosswalk.csv")
    by_cip = supply.datamart_by_cip(awards, tc, [2024])
    assert by_cip.set_index("cip")["completions"].to_dict() == {"15.0614": 34.5,
                                                                "48.0508": 34.5}
    programs = by_cip.assign(award_level=0, source="DataMart")
    per = supply.share_to_occupations(programs, supply.cip_soc_shares(cw)).groupby(
        "soc")["supply"].sum()
    assert per.to_dict() == {"17-3029": 17.25, "51-4121": 34.5, "51-4122": 17.25}
