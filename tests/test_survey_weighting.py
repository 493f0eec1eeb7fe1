"""Weighting to the QCEW universe and regional estimates, against hand calculations."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from assessment.errors import InputError
from assessment.region import Disclosure
from assessment.survey import weighting as w
from assessment.survey.disclosure import COMPLEMENTARY, PRIMARY, SHOWN, TOTAL

SHOW_ALL = Disclosure(min_respondents=1, max_share=1.0)  # shows every non-empty cell
Z95 = 1.959963984540054  # standard normal 97.5% quantile (tables: 1.95996)


# --- raking -----------------------------------------------------------------------------------


def test_rake_uniform_seed_gives_independence_table():
    # With a constant seed the fit is row total x column total / grand total:
    # rows 30, 10; columns 25, 15; grand 40 -> [[18.75, 11.25], [6.25, 3.75]].
    seed = pd.DataFrame(1.0, index=["311", "332"], columns=[1, 2])
    out = w.rake(seed, pd.Series([30.0, 10.0], index=["311", "332"]),
                 pd.Series([25.0, 15.0], index=[1, 2]))
    assert out.to_numpy().ravel().tolist() == pytest.approx([18.75, 11.25, 6.25, 3.75])


def test_rake_converges_to_margins_and_keeps_the_seed_odds_ratio():
    # Seed [[1, 2], [3, 4]] raked to rows (10, 20), columns (12, 18). Raking keeps the cross
    # ratio x11 x22 / (x12 x21) = 4/6, so with x11 = t: t (8 + t) / ((10 - t)(12 - t)) = 2/3,
    # i.e. t^2 + 68 t - 240 = 0 and t = (-68 + sqrt(5584)) / 2.
    t = (-68 + math.sqrt(5584)) / 2
    seed = pd.DataFrame([[1.0, 2.0], [3.0, 4.0]], index=["a", "b"], columns=[1, 2])
    out = w.rake(seed, pd.Series([10.0, 20.0], index=["a", "b"]),
                 pd.Series([12.0, 18.0], index=[1, 2]))
    assert out.to_numpy().ravel().tolist() == pytest.approx([t, 10 - t, 12 - t, 8 + t],
                                                           rel=1e-9)
    assert out.sum(axis=1).tolist() == pytest.approx([10, 20])
    assert out.sum(axis=0).tolist() == pytest.approx([12, 18])


def test_rake_refuses_unreachable_margins():
    seed = pd.DataFrame([[1.0, 0.0], [0.0, 0.0]], index=["a", "b"], columns=[1, 2])
    with pytest.raises(ValueError, match=r"all-zero seed: rows \['b'\], columns \[2\]"):
        w.rake(seed, pd.Series([1.0, 1.0], index=["a", "b"]), pd.Series([1.0, 1.0], index=[1, 2]))
    with pytest.raises(ValueError, match="disagree"):
        w.rake(seed, pd.Series([1.0, 1.0], index=["a", "b"]), pd.Series([1.0, 5.0], index=[1, 2]))
    # A zero pattern that no table fits: row a may only use column 1, which must hold 1, but
    # row a needs 2.
    with pytest.raises(ValueError, match="did not converge"):
        w.rake(pd.DataFrame([[1.0, 0.0], [1.0, 1.0]], index=["a", "b"], columns=[1, 2]),
               pd.Series([2.0, 1.0], index=["a", "b"]), pd.Series([1.0, 2.0], index=[1, 2]),
               max_iter=200)


# --- universe from QCEW -----------------------------------------------------------------------


def qcew_row(area, industry, estabs, employment=None, *, year=2024, own=5, suppressed=False):
    return {"area_fips": area, "year": year, "qtr": "A", "own_code": own,
            "industry_code": industry, "size_code": 0, "estabs": estabs,
            "employment": employment, "suppressed": suppressed}


def test_universe_from_qcew_margins(region):
    # Region subsector establishments: 311 = 60 (Fresno) + 20 (Kern, suppressed: the count is
    # still published) = 80; 332 = 20 (Fresno). Left out: a county outside the region, private
    # total ownership (own 0), another year, the sector row.
    annual = pd.DataFrame([
        qcew_row("06019", "311", 60, 5000.0), qcew_row("06029", "311", 20, None, suppressed=True),
        qcew_row("06019", "332", 20, 800.0), qcew_row("06037", "311", 999, 1.0),
        qcew_row("06019", "311", 500, 1.0, own=0), qcew_row("06019", "311", 70, 1.0, year=2023),
        qcew_row("06019", "31-33", 80, 5800.0),
    ])
    subs = w.subsector_estabs(annual, region, 2024)
    assert subs["311"] == 80 and subs["332"] == 20 and subs["312"] == 0
    assert len(subs) == len(region.industry.subsectors)
    # State size classes (first quarter; the size slices have no own_code column): 1 = 600,
    # 2 = 300, 3 = 100, the rest 0; national rows and another industry left out.
    size = pd.DataFrame(
        [{"area_fips": "06000", "year": 2024, "qtr": "1", "industry_code": "31-33",
          "size_code": k, "estabs": v} for k, v in {1: 600, 2: 300, 3: 100}.items()]
        + [{"area_fips": "US000", "year": 2024, "qtr": "1", "industry_code": "31-33",
            "size_code": 1, "estabs": 99999},
           {"area_fips": "06000", "year": 2024, "qtr": "1", "industry_code": "10",
            "size_code": 1, "estabs": 99999}])
    sizes = w.size_estabs(size, region)
    assert sizes.tolist() == [600, 300, 100, 0, 0, 0, 0, 0, 0]
    # Size shares 0.6, 0.3, 0.1 of the region's 100 establishments; uniform seed, so each
    # cell is subsector total x share: 311 -> 48, 24, 8; 332 -> 12, 6, 2.
    cells = w.universe(subs[subs > 0], sizes)
    got = cells.set_index(["naics3", "size_class"])["estabs"]
    assert got.loc[("311", 1)] == pytest.approx(48)
    assert got.loc[("311", 3)] == pytest.approx(8)
    assert got.loc[("332", 2)] == pytest.approx(6)
    assert got.loc[("332", 9)] == pytest.approx(0)
    assert got.sum() == pytest.approx(100)


def test_size_seed_reshapes_subsector_rows():
    size = pd.DataFrame([{"area_fips": "US000", "year": 2024, "qtr": "1", "industry_code": s,
                          "size_code": k, "estabs": v}
                         for s, k, v in [("311", 1, 5), ("311", 2, 3), ("332", 1, 7)]])
    seed = w.size_seed(size, "US000", ["311", "332"])
    assert seed.loc["311", 1] == 5 and seed.loc["311", 2] == 3 and seed.loc["332", 2] == 0
    assert w.size_seed(size, "06000", ["311"]) is None


# --- strata -----------------------------------------------------------------------------------


def test_collapse_rule():
    # Respondents by subsector (minimum 3):
    #   311: 6 -> own group; 333: 3 -> own group
    #   312: 1, 313: 1 -> pooled as "31 pooled" with 2: still short -> residual
    #   321: 1, 325: 2 -> "32 pooled" with 3: a group
    #   332: 0 -> "33 pooled" with 0: residual
    #   residual 312, 313, 332 holds 2 < 3: joins the group with the fewest respondents; 333
    #   and "32 pooled" both hold 3, and "32 pooled" sorts first -> "32 pooled + other
    #   subsectors".
    # 311's respondents by size: class 1: 2, class 3: 1, class 4: 1, class 6: 1, class 9: 1.
    #   Classes 1-3 gather 3 -> band "1-3"; classes 4-9 gather 3 -> band "4-9".
    respondents = {("311", 1): 2, ("311", 3): 1, ("311", 4): 1, ("311", 6): 1, ("311", 9): 1,
                   ("333", 2): 3, ("312", 1): 1, ("313", 5): 1, ("321", 2): 1, ("325", 7): 2}
    subs = ["311", "312", "313", "321", "325", "332", "333"]
    cells = pd.DataFrame([(s, k, 10.0, respondents.get((s, k), 0))
                          for s in subs for k in w.SIZE_CLASSES],
                         columns=["naics3", "size_class", "estabs", "respondents"])
    out = w.collapse(cells, 3)
    group = out.groupby("naics3")["group"].first().to_dict()
    pooled = "32 pooled + other subsectors"
    assert group == {"311": "311", "333": "333", "312": pooled, "313": pooled, "321": pooled,
                     "325": pooled, "332": pooled}
    bands = out[out["naics3"] == "311"].groupby("size_class")["size_band"].first()
    assert bands.tolist() == ["1-3"] * 3 + ["4-9"] * 6
    assert set(out.loc[out["naics3"] == "333", "size_band"]) == {"1-9"}
    strata = out.groupby("stratum")["respondents"].sum()
    assert strata.to_dict() == {"311 | size 1-3": 3, "311 | size 4-9": 3, "333 | size 1-9": 3,
                                f"{pooled} | size 1-9": 5}


def test_collapse_refuses_too_few_respondents():
    cells = pd.DataFrame({"naics3": ["311", "332"], "size_class": [1, 1], "estabs": [5.0, 5.0],
                          "respondents": [1, 1]})
    with pytest.raises(ValueError, match="2 responding establishment"):
        w.collapse(cells, 3)


# --- two strata, three respondents each, by hand ----------------------------------------------

# Universe: subsector 311 has 30 establishments, 332 has 12 (spread over size classes; each
# subsector's three respondents span classes 2-6, so the size bands collapse to "1-9").
# Strata: 311 (N = 30, n = 3, weight 10) and 332 (N = 12, n = 3, weight 4).
UNIVERSE = pd.DataFrame(
    [("311", k, v) for k, v in zip(w.SIZE_CLASSES, [10, 8, 5, 3, 2, 1, 1, 0, 0], strict=True)]
    + [("332", k, v) for k, v in zip(w.SIZE_CLASSES, [4, 4, 2, 1, 1, 0, 0, 0, 0], strict=True)],
    columns=["naics3", "size_class", "estabs"]).astype({"estabs": "float64"})
ESTABLISHMENTS = pd.DataFrame({
    "respondent_id": ["A", "B", "C", "D", "E", "F"],
    "wave": [1] * 6,
    "county_fips": ["06019", "06019", "06029", "06077", "06077", "06099"],
    "naics3": ["311", "311", "311", "332", "332", "332"],
    "size_class": [2, 4, 6, 2, 3, 5],
    "total_employment": [7, 30, 150, 6, 12, 60],
})
# Vacancies / retirements in 5 years by occupation (C lists no 51-4041: it counts 0 there).
OCCUPATIONS = pd.DataFrame(
    [("A", "51-4041", 2, 1), ("A", "51-9061", 1, 0), ("B", "51-4041", 4, 2),
     ("C", "51-9061", 3, 1), ("D", "51-4041", 1, 0), ("E", "51-4041", 0, 1),
     ("E", "51-9061", 2, 1), ("F", "51-4041", 5, 3)],
    columns=["respondent_id", "soc", "vacancies", "retirements_5y"])


def test_design_weights():
    d = w.design(ESTABLISHMENTS, UNIVERSE)
    assert d.strata["stratum"].tolist() == ["311 | size 1-9", "332 | size 1-9"]
    assert d.strata["universe_estabs"].tolist() == [30, 12]
    assert d.strata["respondents"].tolist() == [3, 3]
    assert d.weights.set_index("respondent_id")["weight"].to_dict() == {
        "A": 10, "B": 10, "C": 10, "D": 4, "E": 4, "F": 4}


def test_estimates_by_hand():
    # 51-4041 vacancies: stratum 311 y = (2, 4, 0), sum 6, mean 2, s^2 = (0 + 4 + 4) / 2 = 4;
    #   stratum 332 y = (1, 0, 5), sum 6, mean 2, s^2 = (1 + 4 + 9) / 2 = 7.
    #   Y = 10 * 6 + 4 * 6 = 84; V = 30^2 * 4 / 3 + 12^2 * 7 / 3 = 1200 + 336 = 1536.
    # 51-9061: 311 y = (1, 0, 3), sum 4, s^2 = 7/3; 332 y = (0, 2, 0), sum 2, s^2 = 4/3.
    #   Y = 40 + 8 = 48; V = 900 * (7/3) / 3 + 144 * (4/3) / 3 = 700 + 64 = 764.
    # Total: 311 y = (3, 4, 3), s^2 = 1/3; 332 y = (1, 2, 5), s^2 = 13/3.
    #   Y = 100 + 32 = 132; V = 900 * (1/3) / 3 + 144 * (13/3) / 3 = 100 + 208 = 308.
    d = w.design(ESTABLISHMENTS, UNIVERSE)
    out = w.estimate_totals(d, OCCUPATIONS, SHOW_ALL, measures=["vacancies"])
    got = out.set_index("soc")
    assert got.index.tolist() == ["51-4041", "51-9061", TOTAL]
    assert got["estimate"].tolist() == pytest.approx([84, 48, 132])
    assert got["se"].tolist() == pytest.approx([math.sqrt(1536), math.sqrt(764), math.sqrt(308)])
    assert got.loc["51-4041", "ci_low"] == pytest.approx(84 - Z95 * math.sqrt(1536))
    assert got.loc["51-4041", "ci_high"] == pytest.approx(84 + Z95 * math.sqrt(1536))
    assert got["respondents"].tolist() == [6, 6, 6]
    assert got["reporting"].tolist() == [5, 3, 6]  # A B D E F list 4041; A C E list 9061
    assert (got["universe_covered"] == 1.0).all()
    assert (got["status"] == SHOWN).all()


def test_estimate_with_finite_population_correction():
    # 51-4041 with fpc: 1200 * (1 - 3/30) + 336 * (1 - 3/12) = 1080 + 252 = 1332.
    d = w.design(ESTABLISHMENTS, UNIVERSE)
    out = w.estimate_totals(d, OCCUPATIONS, SHOW_ALL, measures=["vacancies"], fpc=True)
    assert out.set_index("soc").loc["51-4041", "se"] == pytest.approx(math.sqrt(1332))


def test_item_nonresponse_reweights_within_stratum():
    # C leaves retirements blank: in stratum 311 only A and B answer, weight 30 / 2 = 15.
    # Totals per respondent: A 1, B 2 | D 0, E 2, F 3.
    # Y = 15 * 3 + 4 * 5 = 65; V = 30^2 * 0.5 / 2 + 12^2 * (7/3) / 3 = 225 + 112 = 337
    # (s^2 of (1, 2) is 0.5; of (0, 2, 3) is 7/3).
    occ = OCCUPATIONS.astype({"retirements_5y": "Float64"})
    occ.loc[occ["respondent_id"] == "C", "retirements_5y"] = pd.NA
    d = w.design(ESTABLISHMENTS, UNIVERSE)
    out = w.estimate_totals(d, occ, SHOW_ALL, measures=["retirements_5y"])
    total = out.set_index("soc").loc[TOTAL]
    assert total["estimate"] == pytest.approx(65)
    assert total["se"] == pytest.approx(math.sqrt(337))
    assert total["respondents"] == 5


def test_respondent_listing_no_occupation_is_item_nonresponse_and_coverage_says_so():
    # F lists no occupation: stratum 332 keeps D (1) and E (2) with weight 12 / 2 = 6.
    # Vacancy totals: 311 gives 10 * (3 + 4 + 3) = 100 (s^2 1/3 -> 900 * (1/3) / 3 = 100);
    # 332 gives 6 * 3 = 18 (s^2 of (1, 2) = 0.5 -> 144 * 0.5 / 2 = 36). Y = 118, V = 136.
    d = w.design(ESTABLISHMENTS, UNIVERSE)
    occ = OCCUPATIONS[OCCUPATIONS["respondent_id"] != "F"]
    total = w.estimate_totals(d, occ, SHOW_ALL, measures=["vacancies"]).set_index("soc")
    assert total.loc[TOTAL, "estimate"] == pytest.approx(118)
    assert total.loc[TOTAL, "se"] == pytest.approx(math.sqrt(136))
    assert total.loc[TOTAL, "respondents"] == 5
    # No item respondent left in stratum 332: only 311's 30 of 42 establishments are covered.
    occ = OCCUPATIONS[OCCUPATIONS["respondent_id"].isin(["A", "B", "C"])]
    total = w.estimate_totals(d, occ, SHOW_ALL, measures=["vacancies"]).set_index("soc")
    assert total.loc[TOTAL, "estimate"] == pytest.approx(100)
    assert total.loc[TOTAL, "universe_covered"] == pytest.approx(30 / 42)


def test_single_item_respondent_in_a_stratum_uses_the_overall_mean():
    # B and C leave retirements blank: stratum 311 keeps A alone (weight 30, y = 1).
    # Y = 30 * 1 + 4 * (0 + 2 + 3) = 50. The weighted mean per establishment is
    # 50 / (30 + 3 * 4) = 50 / 42; stratum 311 adds 30^2 * (1 - 50/42)^2 = 900 * 64 / 1764,
    # stratum 332 adds 112 as above.
    occ = OCCUPATIONS.astype({"retirements_5y": "Float64"})
    occ.loc[occ["respondent_id"].isin(["B", "C"]), "retirements_5y"] = pd.NA
    d = w.design(ESTABLISHMENTS, UNIVERSE)
    out = w.estimate_totals(d, occ, SHOW_ALL, measures=["retirements_5y"])
    total = out.set_index("soc").loc[TOTAL]
    assert total["estimate"] == pytest.approx(50)
    assert total["se"] == pytest.approx(math.sqrt(900 * 64 / 1764 + 112))


def test_published_estimates_follow_the_region_rule(region):
    # Weighted contributions: 51-4041 from A 20, B 40, D 4, E 0, F 20 (5 respondents, largest
    # 40 of 84 = 48%): passes; 51-9061 from A, C, E only (3 < 5): primary; with the total
    # published it would be 132 - 84, so 51-4041 becomes complementary. The total (6
    # respondents: A 30, B 40, C 30, D 4, E 8, F 20; largest 40 of 132 = 30%) is shown.
    d = w.design(ESTABLISHMENTS, UNIVERSE)
    out = w.estimate_totals(d, OCCUPATIONS, region.disclosure, measures=["vacancies"])
    got = out.set_index("soc")
    assert got["status"].tolist() == [COMPLEMENTARY, PRIMARY, SHOWN]
    hidden = got.loc[["51-4041", "51-9061"]]
    for col in ["estimate", "se", "ci_low", "ci_high", "reporting"]:
        assert hidden[col].isna().all()
    assert got.loc[TOTAL, "estimate"] == pytest.approx(132)


def test_design_refuses_bad_input():
    bad = ESTABLISHMENTS.assign(size_class=[2, 4, 6, 2, 3, 12])
    with pytest.raises(InputError, match="size_class"):
        w.design(bad, UNIVERSE)
    dup = pd.concat([ESTABLISHMENTS, ESTABLISHMENTS.iloc[[0]]], ignore_index=True)
    with pytest.raises(InputError, match="respondent_id"):
        w.design(dup, UNIVERSE)
    other = ESTABLISHMENTS.assign(naics3=["311", "311", "311", "332", "332", "999"])
    with pytest.raises(ValueError, match=r"naics3 \['999'\] of respondent\(s\) \['F'\]"):
        w.design(other, UNIVERSE)
    d = w.design(ESTABLISHMENTS, UNIVERSE)
    stray = pd.concat([OCCUPATIONS, pd.DataFrame([("Q", "51-4041", 1, 1)],
                                                 columns=OCCUPATIONS.columns)])
    with pytest.raises(ValueError, match=r"respondent\(s\) \['Q'\] are not in the weighting"):
        w.estimate_totals(d, stray, SHOW_ALL, measures=["vacancies"])


# --- coverage ---------------------------------------------------------------------------------


def coverage_inputs(madera_suppressed: bool):
    # Fresno: six respondents employing 10..60 (210); Kern: five employing 100 each (500);
    # Kings: two employing 300 and 400 (700).
    est = pd.DataFrame({
        "respondent_id": [f"r{i}" for i in range(13)],
        "county_fips": ["06019"] * 6 + ["06029"] * 5 + ["06031"] * 2,
        "naics3": ["311"] * 13, "size_class": [3] * 13,
        "total_employment": [10, 20, 30, 40, 50, 60] + [100] * 5 + [300, 400],
    })
    emp = {"06019": 21000.0, "06029": 12500.0, "06031": 5000.0, "06039": 3500.0,
           "06047": 10000.0, "06077": 24000.0, "06099": 25000.0, "06107": 13000.0}
    rows = [qcew_row(c, "31-33", 100, e) for c, e in emp.items()]
    if madera_suppressed:
        rows[3] = qcew_row("06039", "31-33", 40, None, suppressed=True)
    return est, pd.DataFrame(rows)


def test_coverage_is_protected_and_complete_only_when_qcew_is(region):
    # Kings (2 respondents) is primary; in the county line the smallest non-empty shown
    # cell, Fresno (210 < Kern's 500), is complementary. Counties without respondents are
    # empty cells (0). Kern: 500 / 12,500 = 0.04. With Madera's QCEW employment suppressed
    # the regional denominator is unknown, so the total has no coverage.
    est, q = coverage_inputs(madera_suppressed=True)
    out = w.coverage(est, q, region, 2024).set_index("county_fips")
    assert out.loc["06031", "status"] == PRIMARY
    assert out.loc["06019", "status"] == COMPLEMENTARY
    assert pd.isna(out.loc["06019", "respondent_employment"])
    assert pd.isna(out.loc["06019", "coverage"])
    assert out.loc["06029", "coverage"] == pytest.approx(0.04)
    assert out.loc["06029", "respondents"] == 5
    assert out.loc["06039", "qcew_suppressed"]
    assert pd.isna(out.loc["06039", "qcew_employment"])
    assert out.loc[TOTAL, "respondent_employment"] == 1410
    assert out.loc[TOTAL, "respondents"] == 13
    assert pd.isna(out.loc[TOTAL, "coverage"])
    assert out.loc[TOTAL, "county"] == "San Joaquin Valley"
    # All counties disclosed: 21,000 + 12,500 + 5,000 + 3,500 + 10,000 + 24,000 + 25,000
    # + 13,000 = 114,000; coverage 1,410 / 114,000.
    est, q = coverage_inputs(madera_suppressed=False)
    total = w.coverage(est, q, region, 2024).set_index("county_fips").loc[TOTAL]
    assert total["qcew_employment"] == 114000
    assert total["coverage"] == pytest.approx(1410 / 114000)
