"""Workforce section computations against hand calculations written out below.

Tiny hand-made frames in the processed tables' layouts (ACS tidy, LAUS, QWI, LODES, EDD CES);
two counties of the default region, Fresno (06019) and Kern (06029), unless said otherwise.
ACS formulas: Census Bureau, *Understanding and Using ACS Data* (2020), ch. 8; z(90%) = 1.645.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from assessment.paths import Mode
from assessment.sections import workforce as w

FRESNO, KERN = "06019", "06029"


@pytest.fixture
def region2(region):
    """The default region cut to Fresno and Kern."""
    return region.model_copy(update={"counties": region.counties[:2]})


def _acs(rows) -> pd.DataFrame:
    """Rows of (geoid, variable, estimate, moe, flag) in the combined ACS layout."""
    df = pd.DataFrame(rows, columns=["geoid", "variable", "estimate", "moe", "flag"])
    df["estimate"] = df["estimate"].astype("Float64")
    df["moe"] = df["moe"].astype("Float64")
    return df


# --- ACS shares -----------------------------------------------------------------------------


def test_share_of_a_summed_numerator_with_census_moe_and_cv():
    ind = w.Indicator("test", "T", ("T_002", "T_003"), ("T_001",), "people")
    acs = _acs([
        # A: X = 100 + 60 = 160, MOE_X = sqrt(30^2 + 40^2) = 50; Y = 1000 (MOE 50)
        ("A", "T_001", 1000, 50, ""), ("A", "T_002", 100, 30, ""), ("A", "T_003", 60, 40, ""),
        # B: X = 10 + 0 = 10, MOE_X = sqrt(9^2 + 12^2) = 15; Y = 200 (MOE 60)
        ("B", "T_001", 200, 60, ""), ("B", "T_002", 10, 9, ""), ("B", "T_003", 0, 12, ""),
        # C: a part withheld by the Census Bureau
        ("C", "T_001", 500, 40, ""), ("C", "T_002", None, None, "insufficient_sample"),
        ("C", "T_003", 5, 4, ""),
    ])
    s = w.acs_share(acs, ind).set_index("geoid")
    # A: p = 0.16; MOE = sqrt(50^2 - 0.16^2 * 50^2) / 1000 = 50 * sqrt(0.9744) / 1000
    #    = 0.04935585 -> 4.935585 points; CV = 0.04935585 / 1.645 / 0.16 = 18.752 %
    assert s.at["A", "estimate"] == pytest.approx(16.0)
    assert s.at["A", "moe"] == pytest.approx(4.935585, abs=1e-5)
    assert s.at["A", "cv"] == pytest.approx(18.7522, abs=1e-3)
    assert not s.at["A", "unreliable"]
    # B: p = 0.05; MOE = sqrt(15^2 - 0.05^2 * 60^2) / 200 = sqrt(225 - 9) / 200 = 0.0734847
    #    CV = 0.0734847 / 1.645 / 0.05 = 89.343 % > 30 % -> unreliable
    assert s.at["B", "estimate"] == pytest.approx(5.0)
    assert s.at["B", "moe"] == pytest.approx(7.34847, abs=1e-4)
    assert s.at["B", "cv"] == pytest.approx(89.343, abs=1e-2)
    assert s.at["B", "unreliable"]
    # C: missing, never computed from the parts that are left, and the reason is kept
    assert math.isnan(s.at["C", "estimate"])
    assert "insufficient_sample" in s.at["C", "note"]


def test_combine_acs_gives_controlled_estimates_zero_moe_and_adds_the_region(region2):
    acs = pd.DataFrame({
        "year": 2023, "geoid": [FRESNO, FRESNO, "06", "US", "06001"],
        "geo_level": ["county", "county", "state", "nation", "county"],
        "name": "x", "table": "B03002",
        "variable": ["B03002_001", "B03002_002", "B03002_001", "B03002_001", "B03002_001"],
        "label": "x", "estimate": pd.array([1000, 400, 9000, 90000, 7], dtype="Float64"),
        "moe": pd.array([None, 20, None, None, 1], dtype="Float64"),
        "estimate_flag": "", "moe_flag": ["controlled", "", "controlled", "controlled", ""]})
    acs_region = pd.DataFrame({
        "geoid": ["san-joaquin-valley"], "name": "San Joaquin Valley", "year": 2023,
        "table": "B03002", "variable": ["B03002_001"], "label": "x",
        "estimate": pd.array([1000], dtype="Float64"), "moe": pd.array([0], dtype="Float64"),
        "parts": 1, "flag": [""]})
    c = w.combine_acs(acs, acs_region, region2).set_index(["geoid", "variable"])
    assert c.at[(FRESNO, "B03002_001"), "moe"] == 0  # controlled: no sampling error
    assert c.at[(FRESNO, "B03002_001"), "flag"] == ""
    assert c.at[(FRESNO, "B03002_002"), "moe"] == 20
    assert c.at[("san-joaquin-valley", "B03002_001"), "level"] == "region"
    assert ("06001", "B03002_001") not in c.index  # Alameda is outside the region


def test_indicator_numerators_are_subsets_of_their_denominators():
    # The proportion formula needs the numerator inside the universe. A one-line universe is
    # the table total (_001 or a subtotal); a summed universe either lists the numerator's
    # lines itself or, in B21001, is the age subtotals whose next line is "Veteran".
    nested = {"veterans_18_64"}
    for key, ind in w.INDICATORS.items():
        assert all(v.startswith(ind.table + "_") for v in ind.num + ind.den), key
        if key in nested:
            number = {int(v[-3:]) for v in ind.num}
            assert number == {int(v[-3:]) + 1 for v in ind.den}, key
        elif len(ind.den) > 1:
            assert set(ind.num) <= set(ind.den), key
        else:
            assert ind.den[0] not in ind.num, key
            assert int(ind.den[0][-3:]) < min(int(v[-3:]) for v in ind.num), key


# --- LAUS -------------------------------------------------------------------------------------


def _laus(rows) -> pd.DataFrame:
    df = pd.DataFrame(rows, columns=["area_fips", "year", "labor_force", "unemployed"])
    df["employed"] = df["labor_force"] - df["unemployed"]
    df["unemployment_rate"] = (df["unemployed"] / df["labor_force"] * 100).round(1)
    df["period"] = "A"
    df["area_title"] = df["area_fips"]
    df["footnote"] = ""
    return df


def test_region_rate_is_summed_unemployed_over_summed_labor_force(region2):
    laus = _laus([(FRESNO, 2024, 1000, 80), (KERN, 2024, 500, 20),
                  (FRESNO, 2019, 1000, 90), ("06000", 2024, 10000, 500)])
    t = w.laus_areas(laus, region2).set_index(["area", "year"])
    # 2024: (80 + 20) / (1000 + 500) = 100 / 1500 = 6.667 %, not the mean of 8 and 4 (6.0)
    assert t.at[("San Joaquin Valley (region)", 2024), "unemployment_rate"] == pytest.approx(
        6.6667, abs=1e-4)
    assert t.at[("San Joaquin Valley (region)", 2024), "labor_force"] == 1500
    # 2019: Kern is missing, so the region is missing too (not Fresno alone)
    assert math.isnan(t.at[("San Joaquin Valley (region)", 2019), "unemployment_rate"])
    assert t.at[("California", 2024), "unemployment_rate"] == 5.0


# --- QWI --------------------------------------------------------------------------------------

# Every quarter alike. All workers (sex 0) and women (sex 2), endpoint sa, all ages:
#   county  cell   Emp  HirA  Sep  TurnOvrS  EarnS  EarnHirAS
#   Fresno  all    100   20    18    0.08     5000    3000
#   Fresno  women   30   10     9    0.09     4000    2500
#   Kern    all     50    5     6    0.10     6000    4000
#   Kern    women   10    1     1    0.10     4600    3400   (Q4 suppressed, flag 5)
# 2024 repeats 2023, but Q4 lacks Sep, TurnOvrS, EarnS, EarnHirAS (flag -1).
CELLS = {
    (FRESNO, "0"): {"Emp": 100, "HirA": 20, "Sep": 18, "TurnOvrS": 0.08, "EarnS": 5000,
                    "EarnHirAS": 3000},
    (FRESNO, "2"): {"Emp": 30, "HirA": 10, "Sep": 9, "TurnOvrS": 0.09, "EarnS": 4000,
                    "EarnHirAS": 2500},
    (KERN, "0"): {"Emp": 50, "HirA": 5, "Sep": 6, "TurnOvrS": 0.10, "EarnS": 6000,
                  "EarnHirAS": 4000},
    (KERN, "2"): {"Emp": 10, "HirA": 1, "Sep": 1, "TurnOvrS": 0.1, "EarnS": 4600,
                  "EarnHirAS": 3400},
}


@pytest.fixture
def qwi() -> pd.DataFrame:
    rows = []
    for year in (2023, 2024):
        for (geoid, sex), values in CELLS.items():
            for quarter in (1, 2, 3, 4):
                for measure, value in values.items():
                    flag = 1
                    if (geoid, sex) == (KERN, "2") and quarter == 4:
                        flag = 5
                    if year == 2024 and quarter == 4 and measure not in ("Emp", "HirA"):
                        flag = -1
                    rows.append((geoid, year, quarter, "sa", "31-33", "A05", sex, "A00", "E0",
                                 "A0", "A0", measure, value if flag == 1 else None, flag))
    df = pd.DataFrame(rows, columns=["geoid", "year", "quarter", "endpoint", "industry",
                                     "ownercode", "sex", "agegrp", "education", "race",
                                     "ethnicity", "measure", "value", "status_flag"])
    df["value"] = df["value"].astype("Float64")
    for col in ("year", "quarter", "status_flag"):
        df[col] = df[col].astype("Int64")
    return df


WOMEN = next(g for g in w.GROUPS if g.label == "Women")


def test_group_shares_and_earnings_leave_out_withheld_county_quarters(qwi):
    s = w.group_summary(qwi, WOMEN, [FRESNO, KERN], 2023)
    # Kern Q4 (women) is withheld: 7 county-quarters count (Fresno 4, Kern 3).
    # jobs: (4*30 + 3*10) / (4*100 + 3*50) = 150 / 550 = 27.2727 %
    assert s["share_jobs"] == pytest.approx(27.2727, abs=1e-4)
    # hires: (4*10 + 3*1) / (4*20 + 3*5) = 43 / 95 = 45.2632 %
    assert s["share_hires"] == pytest.approx(45.2632, abs=1e-4)
    # earnings weighted by jobs: (4*4000*30 + 3*4600*10) / (4*30 + 3*10) = 618000 / 150 = 4120
    assert s["earnings"] == pytest.approx(4120.0)
    # new-hire earnings weighted by hires: (4*2500*10 + 3*3400*1) / 43 = 110200 / 43
    assert s["new_hire_earnings"] == pytest.approx(110200 / 43)
    # new hires earn 2562.79 / 4120 = 62.20 % of all
    assert s["new_hire_ratio"] == pytest.approx(110200 / 43 / 4120 * 100)
    assert (s["withheld"], s["cells"]) == (1, 8)


def test_flow_totals_rates_and_a_year_missing_its_last_quarter(qwi):
    cells = w.qwi_cells(qwi, "sa", w.ALL_CELL["sa"], [FRESNO, KERN], [2023, 2024])
    s = w.flow_summary(cells.xs(2023, level="year", drop_level=False))
    assert s["jobs"] == pytest.approx(150.0)  # (4*100 + 4*50) / 4 quarters
    assert s["hires"] == 100  # 4*20 + 4*5
    assert s["separations"] == 96  # 4*18 + 4*6
    assert s["hire_rate"] == pytest.approx(100 / 600 * 100)  # 16.667 %
    # turnover weighted by jobs: (4*0.08*100 + 4*0.10*50) / 600 = 52 / 600 = 8.6667 %
    assert s["turnover"] == pytest.approx(8.6667, abs=1e-4)
    # earnings (5000*400 + 6000*200) / 600 = 5333.33; new hires (3000*80 + 4000*20) / 100 = 3200
    assert s["earnings"] == pytest.approx(16000 / 3)
    assert s["new_hire_earnings"] == pytest.approx(3200.0)
    assert s["new_hire_ratio"] == pytest.approx(60.0)
    assert s["withheld"] == 0
    late = w.flow_summary(cells.xs(2024, level="year", drop_level=False))
    assert late["hires"] == 100  # hires are published in Q4
    assert math.isnan(late["separations"])  # not a three-quarter partial sum
    assert late["withheld"] == 2  # Q4 of both counties
    # and 2023 is the latest complete year
    assert w.complete_qwi_year(qwi, [FRESNO, KERN]) == 2023


def test_qwi_cells_shows_a_county_the_file_lacks_as_missing(qwi):
    cells = w.qwi_cells(qwi, "sa", w.ALL_CELL["sa"], [FRESNO, "06031"], [2023])
    assert cells.loc[(FRESNO, 2023, 1), "Emp"] == 100
    assert cells.loc["06031"].isna().all().all()
    assert w.flow_summary(cells)["withheld"] == 4


def test_workforce_mix_compares_qwi_with_lodes_all_jobs(qwi, region2):
    lodes = pd.DataFrame({"year": [2023, 2023], "county": [FRESNO, KERN],
                          "all_jobs": [1000, 500], "all_jobs_female": [480, 200],
                          "all_jobs_male": [520, 300]})
    for col in {g.lodes for g in w.GROUPS if g.lodes} | {w.AGED_55_PLUS.lodes}:
        if col not in lodes:
            lodes[col] = 0
    empty = pd.DataFrame()
    ctx = w.Context(region2, Mode.SAMPLE, empty, empty, qwi, lodes,
                    lodes.assign(tract="x"), empty)
    assert ctx.mix_year == 2023  # QWI has 2023 and 2024, LODES 2023 only
    t = w.workforce_mix(ctx).set_index("Workers")
    assert t.at["Women", "Manufacturing jobs (%)"] == pytest.approx(27.2727, abs=1e-4)
    assert t.at["Women", "All jobs (%)"] == pytest.approx(680 / 1500 * 100)  # 45.333 %
    assert t.at["Women", "Difference (points)"] == pytest.approx(150 / 550 * 100 - 680 / 15)
    # no published race x ethnicity cells in this file: missing, never zero
    assert math.isnan(t.at["Hispanic or Latino", "Manufacturing jobs (%)"])


# --- LODES and EDD ----------------------------------------------------------------------------


def test_tract_ranking_and_concentration():
    t = pd.DataFrame({"tract": ["06019000300", "06019000100", "06029000100", "06019000200",
                                "06029000200"],
                      "county": [FRESNO, FRESNO, KERN, FRESNO, KERN],
                      "all_jobs": [100, 200, 30, 20, 10],
                      "manufacturing_jobs": [30, 50, 15, 5, 0]})
    r = w.rank_tracts(t, {FRESNO: "Fresno", KERN: "Kern"})
    assert list(r["Tract"]) == ["06019000100", "06019000300", "06029000100", "06019000200",
                                "06029000200"]
    # 50 of 100 manufacturing jobs; 50 of the tract's 200 jobs
    assert r.loc[0, "Share of the region's manufacturing (%)"] == pytest.approx(50.0)
    assert r.loc[0, "Share of the tract's jobs (%)"] == pytest.approx(25.0)
    assert list(r["Running share (%)"]) == pytest.approx([50, 80, 95, 100, 100])
    c = w.concentration(r)
    # one tract reaches half; the top tenth of 5 tracts is ceil(0.5) = 1 tract holding 50 %
    assert c["half"] == 1 and c["with_jobs"] == 4 and c["top_tenth_share"] == pytest.approx(50)


def test_job_classes_are_left_closed():
    classes = w.job_classes(pd.Series([0, 1, 99, 100, 2499, 2500]))
    assert list(classes) == ["None", "1–99", "1–99", "100–499", "1,000–2,499", "2,500 or more"]


def test_recent_jobs_compares_the_same_month_a_year_apart(region2):
    rows = [("FRSN", "2024-12", 27200), ("FRSN", "2023-12", 26900),
            ("BAKE", "2024-12", 12600), ("BAKE", "2023-12", 12400),
            ("CAL", "2024-12", 1314000), ("CAL", "2023-12", 1306900),
            ("FRSN", "2024-11", 99999)]
    ces = pd.DataFrame(rows, columns=["edd_area", "period", "employment"])
    ces["series_code"] = w.EDD_MANUFACTURING
    ces["employment"] = ces["employment"].astype("Float64")
    empty = pd.DataFrame()
    ctx = w.Context(region2, Mode.SAMPLE, empty, empty, empty, empty, empty, ces)
    t = w.recent_jobs(ctx).set_index("Area")
    change = "Change over the year (%)"
    # Fresno 27200 / 26900 - 1 = +1.1152 %; both metros 39800 / 39300 - 1 = +1.2723 %
    assert t.at["Fresno metro area (FRSN)", change] == pytest.approx(1.11524, abs=1e-5)
    assert t.at["San Joaquin Valley metro areas", "Jobs 2024-12"] == 39800
    assert t.at["San Joaquin Valley metro areas", change] == pytest.approx(1.27226, abs=1e-5)
    assert t.at["California", change] == pytest.approx(1314000 / 1306900 * 100 - 100)


def test_recent_jobs_leaves_the_sum_out_when_a_metro_lacks_a_month(region2):
    ces = pd.DataFrame({"edd_area": ["FRSN", "FRSN", "BAKE"],
                        "period": ["2024-12", "2023-12", "2024-12"],
                        "employment": pd.array([27200, 26900, 12600], dtype="Float64"),
                        "series_code": w.EDD_MANUFACTURING})
    empty = pd.DataFrame()
    ctx = w.Context(region2, Mode.SAMPLE, empty, empty, empty, empty, empty, ces)
    t = w.recent_jobs(ctx)
    assert "San Joaquin Valley metro areas" not in set(t["Area"])
    assert math.isnan(t.set_index("Area").at["Kern metro area (BAKE)", "Jobs 2023-12"])


# --- display helpers --------------------------------------------------------------------------


def test_label_spread_keeps_order_and_gap():
    assert list(w.spread(np.array([5.0, 9.0, 5.1]), 0.5)) == pytest.approx([5.0, 9.0, 5.5])


def test_formats_by_column_name():
    f = w.formats(pd.DataFrame(columns=["Area", "Rate (%)", "± Rate", "Pay ($)",
                                        "Change (points)", "Region CV"]))
    assert f == {"Rate (%)": "{:.1f}", "± Rate": "{:.2f}", "Pay ($)": "{:,.0f}",
                 "Change (points)": "{:+.1f}", "Region CV": "{:.1f}"}


def test_table_by_area_marks_estimates_with_a_cv_over_30_percent(region2, monkeypatch):
    # Fresno: 160/1000 (CV 18.75 %, as above); Kern: 10/200 (CV 89.3 %); region and state fine
    rows = [(FRESNO, "T_001", 1000, 50, ""), (FRESNO, "T_002", 100, 30, ""),
            (FRESNO, "T_003", 60, 40, ""),
            (KERN, "T_001", 200, 60, ""), (KERN, "T_002", 10, 9, ""), (KERN, "T_003", 0, 12, "")]
    for geoid in ("san-joaquin-valley", "06"):
        rows += [(geoid, "T_001", 1000, 50, ""), (geoid, "T_002", 100, 30, ""),
                 (geoid, "T_003", 60, 40, "")]
    monkeypatch.setitem(w.INDICATORS, "_test", w.Indicator(
        "Test share", "T", ("T_002", "T_003"), ("T_001",), "people", "Test"))
    empty = pd.DataFrame()
    ctx = w.Context(region2, Mode.SAMPLE, empty, _acs(rows), empty, empty, empty, empty)
    t = w.acs_by_area(ctx, ["_test"]).set_index("Area")
    assert t.at["Kern", "CV over 30%"] == "test"
    assert t.at["Fresno", "CV over 30%"] == "none"
    assert t.at["Fresno", "Test (%)"] == pytest.approx(16.0)
    assert t.at["Kern", "± Test"] == pytest.approx(7.34847, abs=1e-4)
    assert list(t.index) == ["Fresno", "Kern", "San Joaquin Valley (region)", "California"]
    assert w.unreliable_count(ctx, ["_test"]) == (1, 4)
