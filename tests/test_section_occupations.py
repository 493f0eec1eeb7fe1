"""The occupations section's own computations, on tiny hand-made frames.

Every expected value is worked out by hand in the test (or its comment), never taken from a run
of the code under test.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from assessment.paths import Mode
from assessment.sections import occupations as occ

HS = "High school diploma or equivalent"


# --- codes and formatting -------------------------------------------------------------------------


def test_leaf_mask_keeps_detailed_and_childless_broad_codes():
    codes = pd.Series(["00-0000", "51-0000", "51-2000", "51-2090", "51-4040", "51-4041",
                       "51-4041", "17-3020", "17-3026"])
    # total, major, minor: groups; 51-2090 broad without a detailed code under it: a leaf;
    # 51-4040 and 17-3020 broad with a detailed code listed: not leaves; a repeat stays True.
    assert occ.leaf_mask(codes).tolist() == [False, False, False, True, False, True, True,
                                             False, True]


def test_imt_family_by_major_group_and_named_code():
    assert occ.imt_family("51-4041") == "Production"
    assert occ.imt_family("51-1011") == "Production"  # first-line supervisors
    assert occ.imt_family("49-9041") == "Installation, maintenance, repair"
    assert occ.imt_family("17-3026") == "Engineering technicians"
    assert occ.imt_family("17-3029") == "Engineering technicians"
    assert occ.imt_family("17-2112") == ""  # industrial engineers need a degree
    assert occ.imt_family("53-7062") == ""


def test_lists_in_findings_read_plainly():
    assert occ._and(["machinists"]) == "machinists"
    assert occ._and(["machinists", "welders", "bakers"]) == "machinists, welders and bakers"
    # titles with their own "and" are kept apart by semicolons
    assert occ._and(["assemblers and fabricators", "bakers"]) == (
        "assemblers and fabricators; and bakers")


def test_dollars_round_half_up():
    # 53,300 / 2,080 = 25.625 exactly; people write $25.63
    assert occ.dollars(53_300 / 2080) == "$25.63"
    assert occ.dollars(1234.5) == "$1,234.50"


# --- the staffing estimate ------------------------------------------------------------------------


def _staffing_rows(rows: list[tuple[str, str, float | None]]) -> pd.DataFrame:
    return pd.DataFrame({
        "industry_code": [r[0] for r in rows],
        "occ_code": [r[1] for r in rows],
        "occ_title": [r[1] for r in rows],
        "tot_emp": pd.array([r[2] for r in rows], dtype="Int64"),
    })


STAFFING = [
    ("31-33", "00-0000", 10_000), ("31-33", "51-4041", 500), ("31-33", "51-3092", 300),
    ("311", "00-0000", 2_000), ("311", "51-4041", 20), ("311", "51-3092", 200),
    ("332", "00-0000", 1_000), ("332", "51-4041", 100), ("332", "51-3092", None),
]


def test_staffing_shares_divide_by_the_industry_total_and_keep_suppression_missing():
    s = occ.staffing_shares(_staffing_rows(STAFFING)).set_index(["industry_code", "occ_code"])
    assert s.loc[("311", "51-4041"), "share"] == pytest.approx(20 / 2000)
    assert s.loc[("31-33", "51-3092"), "share"] == pytest.approx(300 / 10_000)
    assert np.isnan(s.loc[("332", "51-3092"), "share"])  # suppressed: never zero
    assert ("311", "00-0000") not in s.index


def test_staffing_weights_put_withheld_jobs_under_the_sector():
    subs = pd.Series({"311": 500.0, "332": np.nan, "333": 300.0})
    w = occ.staffing_weights(subs, "31-33", 1000.0)
    # 1,000 - (500 + 300) = 200 jobs in withheld cells
    assert w.to_dict() == {"311": 500.0, "333": 300.0, "31-33": 200.0}
    # disclosed subsectors adding to more than the total leave nothing, never a negative
    assert occ.staffing_weights(pd.Series({"311": 900.0, "333": 300.0}), "31-33",
                                1000.0)["31-33"] == 0.0


def test_estimate_staffing_sums_share_times_jobs():
    shares = occ.staffing_shares(_staffing_rows(STAFFING))
    weights = pd.Series({"311": 800.0, "332": 250.0, "31-33": 450.0})
    est = occ.estimate_staffing(shares, weights).set_index("occ_code")
    # 51-4041: 20/2000*800 + 100/1000*250 + 500/10000*450 = 8 + 25 + 22.5 = 55.5
    assert est.at["51-4041", "jobs"] == pytest.approx(55.5)
    assert est.at["51-4041", "industries_withheld"] == 0
    # 51-3092: 200/2000*800 + (suppressed in 332) + 300/10000*450 = 80 + 13.5 = 93.5
    assert est.at["51-3092", "jobs"] == pytest.approx(93.5)
    assert est.at["51-3092", "industries_withheld"] == 1


# --- wages ----------------------------------------------------------------------------------------


def test_weighted_wage_ignores_missing_pairs():
    v = pd.Series([20.0, 30.0, np.nan, 50.0])
    w = pd.Series([100.0, 300.0, 50.0, np.nan])
    # (20*100 + 30*300) / (100 + 300) = 11,000 / 400
    assert occ.weighted_wage(v, w) == pytest.approx(27.5)
    assert math.isnan(occ.weighted_wage(pd.Series([np.nan]), pd.Series([10.0])))


# --- projections ----------------------------------------------------------------------------------


def _edd(rows: list[dict]) -> pd.DataFrame:
    base = {"title": "t", "base_emp": 0.0, "proj_emp": 0.0, "change": 0.0, "exits": 0.0,
            "transfers": 0.0, "annual_change": 0.0, "total_openings": 0.0,
            "entry_education": ""}
    return pd.DataFrame([{**base, **r} for r in rows])


def test_sum_projections_adds_areas_for_leaf_occupations_only():
    edd = _edd([
        {"area_code": "FRSN", "soc": "51-0000", "total_openings": 999.0},
        {"area_code": "FRSN", "soc": "51-4041", "base_emp": 100.0, "proj_emp": 110.0,
         "change": 10.0, "exits": 5.0, "transfers": 6.0, "annual_change": 1.0,
         "total_openings": 12.0, "entry_education": HS},
        {"area_code": "MERC", "soc": "51-4041", "base_emp": 50.0, "proj_emp": 60.0,
         "change": 10.0, "exits": 2.0, "transfers": 3.0, "annual_change": 1.0,
         "total_openings": 6.0, "entry_education": HS},
        {"area_code": "FRSN", "soc": "17-2112", "total_openings": 4.0,
         "entry_education": "Bachelor's degree"},
    ])
    out = occ.sum_projections(edd).set_index("soc")
    assert "51-0000" not in out.index
    row = out.loc["51-4041"]
    assert (row["total_openings"], row["exits"], row["transfers"], row["annual_change"]) == (
        18.0, 7.0, 9.0, 2.0)
    assert (row["base_emp"], row["proj_emp"], row["areas"]) == (150.0, 170.0, 2)
    assert row["growth_share"] == pytest.approx(2 / 18 * 100)
    assert row["entry_education"] == HS
    assert out.at["17-2112", "areas"] == 1


# --- skills and programs --------------------------------------------------------------------------


def test_top_elements_average_importance_and_skip_not_relevant_and_level():
    def r(onet_soc, element, scale, value, nr=None, sup=False):
        return {"onet_soc": onet_soc, "soc": onet_soc[:7], "domain": "Skills",
                "element": element, "scale": scale, "value": value, "not_relevant": nr,
                "recommend_suppress": sup}

    ratings = pd.DataFrame([
        r("51-4041.00", "Troubleshooting", "IM", 4.0),
        r("51-4041.01", "Troubleshooting", "IM", 3.0),  # mean 3.5
        r("51-4041.00", "Repairing", "IM", 3.8),
        r("51-4041.00", "Repairing", "LV", 6.5),  # level scale: not importance
        r("51-4041.00", "Mathematics", "IM", 3.5, sup=True),
        r("51-4041.00", "Programming", "IM", 4.5, nr=True),  # O*NET: not relevant
    ])
    ratings["not_relevant"] = ratings["not_relevant"].astype("boolean")
    ratings["recommend_suppress"] = ratings["recommend_suppress"].astype("boolean")
    top = occ.top_elements(ratings, "Skills", n=2)
    # Repairing 3.8; then Mathematics and Troubleshooting tie at 3.5, by name
    assert top["element"].tolist() == ["Repairing", "Mathematics"]
    assert top["importance"].tolist() == pytest.approx([3.8, 3.5])
    assert top["low_precision"].tolist() == [False, True]
    assert top["rank"].tolist() == [1, 2]
    everything = occ.top_elements(ratings, "Skills", n=10)
    assert everything.set_index("element").at["Troubleshooting", "importance"] == 3.5
    assert "Programming" not in set(everything["element"])


def test_training_programs_keep_matched_rows_only():
    cw = pd.DataFrame({
        "cip": ["48.0501", "15.0613", "99.9999", "47.0303"],
        "cip_title": ["Machine Tool Technology/Machinist.",
                      "Manufacturing Engineering Technology/Technician.", "NO MATCH",
                      "Industrial Mechanics and Maintenance Technology/Technician."],
        "soc": ["51-4041", "51-4041", "51-4041", "49-9041"],
        "matched": [True, True, False, True],
    })
    out = occ.training_programs(cw, ["51-4041"])
    assert out["cip"].tolist() == ["15.0613", "48.0501"]
    assert out["cip_title"].tolist() == ["Manufacturing Engineering Technology/Technician",
                                         "Machine Tool Technology/Machinist"]


# --- the priority score ---------------------------------------------------------------------------


def test_openings_points_by_thirds_of_the_ranking():
    o = pd.Series([100, 90, 80, 70, 60, 50, 40], dtype=float)
    # n = 7: ranks <= ceil(7/3) = 3 get 2; ranks <= ceil(14/3) = 5 get 1
    assert occ.openings_points(o).tolist() == [2, 2, 2, 1, 1, 0, 0]
    ties = pd.Series([100, 100, 50, 10, np.nan])
    # n = 4 valid: ranks 1, 1, 3, 4; cut-offs ceil(4/3) = 2 and ceil(8/3) = 3; missing: 0
    assert occ.openings_points(ties).tolist() == [2, 2, 1, 0, 0]


def test_pay_points():
    p25 = pd.Series([1.1, 0.9, 0.8, np.nan, 1.0])
    med = pd.Series([1.3, 1.05, 0.95, np.nan, 1.2])
    top = pd.Series([False, False, False, True, False])
    # 25th pct reaches: 2; only the median: 1; neither: 0; top-coded with no value: 2;
    # a ratio of exactly 1 reaches the threshold
    assert occ.pay_points(p25, med, top).tolist() == [2, 1, 0, 2, 2]


def test_manufacturing_points():
    s = pd.Series([75.0, 50.0, 49.9, 20.0, 19.9, np.nan])
    assert occ.manufacturing_points(s).tolist() == [2, 2, 1, 1, 0, 0]


def test_priority_scores_rank_eligible_occupations():
    c = pd.DataFrame({
        "occ_code": ["A", "B", "C", "D", "E", "F"],
        "total_openings": [500.0, 300.0, 900.0, 100.0, np.nan, 150.0],
        "entry_education": [HS, HS, "Bachelor's degree", "Postsecondary nondegree award", "",
                            HS],
        "in_edd": [True, True, True, True, False, True],
        "pct25_ratio": [1.1, 0.8, 1.5, 0.7, 1.2, 0.9],
        "median_ratio": [1.3, 1.05, 2.0, 1.05, 1.4, 1.0],
        "top_coded": [False] * 6,
        "mfg_share": [80.0, 30.0, 60.0, 60.0, 90.0, 25.0],
    })
    out = occ.priority_scores(c).set_index("occ_code")
    # C needs a bachelor's degree and E has no projection: not eligible, not ranked
    assert out["eligible"].to_dict() == {"A": True, "B": True, "C": False, "D": True,
                                         "E": False, "F": True}
    assert out.loc[["C", "E"], "rank"].isna().all()
    # openings among the 4 eligible: A 500 (1), B 300 (2), F 150 (3), D 100 (4);
    # cut-offs ceil(4/3) = 2 and ceil(8/3) = 3 -> A 2, B 2, F 1, D 0 (C's 900 is not counted)
    assert out.loc[["A", "B", "F", "D"], "openings_pts"].tolist() == [2, 2, 1, 0]
    # pay: A 2 (p25 1.1), B 1, D 1 (median 1.05), F 1 (median exactly 1.0)
    assert out.loc[["A", "B", "D", "F"], "pay_pts"].tolist() == [2, 1, 1, 1]
    # manufacturing: A 80% -> 2, B 30% -> 1, D 60% -> 2, F 25% -> 1
    assert out.loc[["A", "B", "D", "F"], "mfg_pts"].tolist() == [2, 1, 2, 1]
    # scores A 6, B 2+1+1 = 4, D 0+1+2 = 3, F 1+1+1 = 3: D and F tie, and D's larger
    # manufacturing share puts it first although F has more openings
    assert out.loc[["A", "B", "D", "F"], "score"].tolist() == [6, 4, 3, 3]
    assert out.loc[["A", "B", "D", "F"], "rank"].tolist() == [1, 2, 3, 4]
    assert occ.priority_scores(c)["occ_code"].tolist()[:4] == ["A", "B", "D", "F"]


# --- through the section context ------------------------------------------------------------------


def _area_row(geo, area, title, occ_code, emp, med, p25, flag="", counties="", stand_in=""):
    return {"geography": geo, "county_fips": "", "county_names": counties,
            "stand_in": stand_in, "area_code": area, "area_title": title,
            "industry_code": "000000", "occ_code": occ_code, "occ_title": occ_code,
            "tot_emp": emp, "h_median": med, "h_pct25": p25,
            "a_median": None if med is None else med * 2080,
            "a_pct25": None if p25 is None else p25 * 2080,
            "h_median_flag": flag, "h_pct25_flag": flag}


def _areas_frame(rows: list[dict]) -> pd.DataFrame:
    f = pd.DataFrame(rows)
    f["tot_emp"] = f["tot_emp"].astype("Int64")
    for col in ("h_median", "h_pct25", "a_median", "a_pct25"):
        f[col] = f[col].astype("Float64")
    return f


def _qcew(rows: list[tuple[str, str, float | None]], year: int) -> pd.DataFrame:
    return pd.DataFrame({
        "area_fips": [r[0] for r in rows], "year": year, "own_code": 5, "size_code": 0,
        "industry_code": [r[1] for r in rows], "estabs": 1,
        "employment": pd.array([r[2] for r in rows], dtype="Float64"),
        "total_wages": pd.array([None if r[2] is None else r[2] * 50_000 for r in rows],
                                dtype="Float64"),
        "avg_annual_pay": 50_000.0, "suppressed": [r[2] is None for r in rows],
    })


def _ctx(region, areas: pd.DataFrame, staffing: pd.DataFrame | None = None,
         qcew: pd.DataFrame | None = None) -> occ.Context:
    empty = pd.DataFrame()
    return occ.Context(region, Mode.SAMPLE, areas,
                       staffing if staffing is not None else empty,
                       pd.DataFrame({"base_year": [2022], "proj_year": [2032]}), empty, empty,
                       qcew if qcew is not None else empty)


def test_regional_wages_weight_metros_and_fall_back_to_the_state(region):
    rows = [
        _area_row("region", "0023420", "Fresno, CA", "51-4041", 100, 20.0, 16.0,
                  counties="Fresno; Madera"),
        _area_row("region", "0012540", "Bakersfield-Delano, CA", "51-4041", 300, 24.0, 18.0,
                  counties="Kern"),
        _area_row("state", "0600000", "California", "51-4041", 9000, 25.0, 19.0),
        _area_row("region", "0023420", "Fresno, CA", "17-3026", 40, None, None, "suppressed",
                  counties="Fresno; Madera"),
        _area_row("region", "0012540", "Bakersfield-Delano, CA", "17-3026", 60, None, None,
                  "suppressed", counties="Kern"),
        _area_row("state", "0600000", "California", "17-3026", 5000, 31.0, 24.0),
    ]
    ctx = _ctx(region, _areas_frame(rows))
    w = ctx.wages.set_index("occ_code")
    # (20*100 + 24*300) / 400 = 23.0 and (16*100 + 18*300) / 400 = 17.5
    assert w.at["51-4041", "h_median"] == pytest.approx(23.0)
    assert w.at["51-4041", "h_pct25"] == pytest.approx(17.5)
    assert w.at["51-4041", "ca_h_median"] == 25.0
    assert w.at["51-4041", "basis"] == "region"
    # family-sustaining wage: 53,300 / 2,080 = 25.625 an hour
    assert w.at["51-4041", "median_ratio"] == pytest.approx(23.0 / 25.625)
    # both metro areas withheld: California's figure stands in, and says so
    assert w.at["17-3026", "withheld"] == 2
    assert w.at["17-3026", "basis"] == occ.STATE_BASIS
    assert w.at["17-3026", "h_median"] == 31.0
    assert w.at["17-3026", "pct25_ratio"] == pytest.approx(24.0 / 25.625)


def test_wages_by_metro_marks_withheld_and_top_coded_cells(region):
    rows = [
        _area_row("region", "0023420", "Fresno, CA", "51-4041", 100, None, None, "suppressed"),
        _area_row("region", "0012540", "Bakersfield-Delano, CA", "51-4041", 300, None, None,
                  "top_coded"),
        _area_row("state", "0600000", "California", "51-4041", 9000, 25.0, 19.0),
    ]
    areas = _areas_frame(rows)
    staffing = _staffing_rows([("31-33", "00-0000", 1000), ("31-33", "51-4041", 100)])
    qcew = _qcew([("06019", "31-33", 500.0)], region.years.end)
    ctx = _ctx(region, areas, staffing, qcew)
    t = occ.wages_by_metro(ctx, "h_median").set_index("Occupation")
    assert t.loc["51-4041"].to_dict() == {"Bakersfield-Delano": "#", "Fresno": "*",
                                          "California": 25.0}


def test_regional_staffing_through_qcew_and_oews(region):
    end = region.years.end
    # Fresno discloses 311 but not 332; Kern discloses both.
    qcew = _qcew([("06019", "31-33", 1000.0), ("06019", "311", 600.0), ("06019", "332", None),
                  ("06029", "31-33", 500.0), ("06029", "311", 200.0), ("06029", "332", 250.0)],
                 end)
    nation = [_area_row("nation", "0000000", "National", "51-4041", 1000, 25.0, 20.0),
              _area_row("nation", "0000000", "National", "51-3092", 600, 18.0, 15.0)]
    ctx = _ctx(region, _areas_frame(nation), _staffing_rows(STAFFING), qcew)
    s = ctx.staffing.set_index("occ_code")
    # region: 31-33 = 1,500; 311 = 800; 332 = 250 (Kern only); withheld 1,500 - 1,050 = 450
    # 51-4041: 0.01*800 + 0.1*250 + 0.05*450 = 55.5, i.e. 3.7% of 1,500
    assert s.at["51-4041", "jobs"] == pytest.approx(55.5)
    assert s.at["51-4041", "share"] == pytest.approx(55.5 / 1500 * 100)
    # national share in manufacturing: 500 of 1,000 jobs
    assert s.at["51-4041", "mfg_share"] == pytest.approx(50.0)
    # 51-3092: 0.1*800 + 0.03*450 = 93.5; its 332 share is suppressed
    assert s.at["51-3092", "jobs"] == pytest.approx(93.5)
    assert s.at["51-3092", "industries_withheld"] == 1
    assert s.at["51-3092", "mfg_share"] == pytest.approx(300 / 600 * 100)
    assert s.at["51-3092", "imt_family"] == "Production"
    assert "450 of the region's 1,500 manufacturing jobs (30%)" in occ.staffing_note(ctx)


def test_sources_say_sample_in_sample_mode(region):
    ctx = _ctx(region, _areas_frame([_area_row("state", "0600000", "California", "51-4041",
                                               1, 1.0, 1.0)]))
    assert "SYNTHETIC SAMPLE DATA" in ctx.source("oews", "edd")
    assert "2022–2032" in ctx.source("edd")
