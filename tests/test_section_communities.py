"""The disadvantaged-communities section on a hand-made five-tract region, every expected value
worked out by hand in the test.

Tracts (2020 = 2010, one piece each), 1 km squares on a line in California Albers (metres):
T1 x 0-1000 (SB 535), T2 x 1000-2000 (CEJST), T3 x 3000-4000 (neither), T4 x 20000-21000
(neither), T5 x 40000-41000 (CEJST). Representative points are the squares' centres.
"""

from __future__ import annotations

import math

import geopandas as gpd
import pandas as pd
import pytest
from shapely.geometry import box

from assessment.paths import Mode
from assessment.region import load_region
from assessment.sections import communities as c

T = [f"06019000{i}00" for i in range(1, 6)]
X0 = [0, 1000, 3000, 20000, 40000]


def _acs(rows):
    out = [{"year": 2023, "geoid": g, "geo_level": "tract", "name": "", "table": v[:6],
            "variable": v, "label": v, "estimate": e, "moe": m, "estimate_flag": "",
            "moe_flag": ""} for g, v, e, m in rows]
    df = pd.DataFrame(out)
    df["estimate"] = df["estimate"].astype("Float64")
    df["moe"] = df["moe"].astype("Float64")
    return df


@pytest.fixture
def ctx():
    region = load_region()
    rel = pd.DataFrame({"tract_2020": T, "tract_2010": T, "county_fips": "06019",
                        "share_of_2020": 1.0, "share_of_2010": 1.0})
    ces = pd.DataFrame({"tract": T, "sb535_dac": pd.array([True, False, False, False, False],
                                                          dtype="boolean"),
                        "ces_score": [70.0, 40, 20, 10, 30],
                        "ces_percentile": [90.0, 50, 20, 10, 40]})
    cejst = pd.DataFrame({"tract": T, "cejst_dac": pd.array([False, True, False, False, True],
                                                            dtype="boolean")})
    acs = _acs([
        # employment status: unemployment and participation (see the hand calculations)
        (T[0], "B23025_001", 1700, 100), (T[0], "B23025_002", 1000, 100),
        (T[0], "B23025_003", 1000, 100), (T[0], "B23025_005", 100, 30),
        (T[1], "B23025_001", 1700, 100), (T[1], "B23025_002", 1040, 100),
        (T[1], "B23025_003", 1000, 100), (T[1], "B23025_005", 140, 40),
        (T[2], "B23025_001", 3400, 150), (T[2], "B23025_002", 2100, 150),
        (T[2], "B23025_003", 2000, 120), (T[2], "B23025_005", 100, 30),
        (T[3], "B23025_001", 3400, 150), (T[3], "B23025_002", 2060, 150),
        (T[3], "B23025_003", 2000, 120), (T[3], "B23025_005", 60, 20),
        # residents 18-64, unemployed, not in the labor force
        (T[0], "B18120_001", 1500, 90), (T[0], "B18120_012", 100, 30),
        (T[0], "B18120_021", 400, 60),
        (T[1], "B18120_001", 1500, 90), (T[1], "B18120_012", 150, 35),
        (T[1], "B18120_021", 500, 70),
        (T[2], "B18120_001", 3000, 120), (T[2], "B18120_012", 90, 30),
        (T[2], "B18120_021", 700, 80),
        (T[3], "B18120_001", 3000, 120), (T[3], "B18120_012", 80, 30),
        (T[3], "B18120_021", 600, 80),
        (T[4], "B18120_001", 9000, 300), (T[4], "B18120_012", 1000, 100),
        (T[4], "B18120_021", 4000, 200),
    ])
    wac = pd.DataFrame({"year": 2022, "county": "06019", "tract": [T[0], T[2], T[3]],
                        "all_jobs": [400, 1000, 2000], "manufacturing_jobs": [100, 300, 600]})
    rac = pd.DataFrame({"year": 2022, "county": "06019", "tract": T[:4],
                        "all_jobs": [500, 500, 1000, 1000],
                        "manufacturing_jobs": [50, 150, 100, 200]})
    tracts = gpd.GeoDataFrame({"GEOID": T, "NAME": ["1", "2", "3", "4", "5"],
                               "county": "06019"},
                              geometry=[box(x, 0, x + 1000, 1000) for x in X0],
                              crs=c.ALBERS)
    counties = gpd.GeoDataFrame({"GEOID": ["06019"], "NAME": ["Fresno"], "in_region": [True]},
                                geometry=[box(-1000, -1000, 42000, 2000)], crs=c.ALBERS)
    return c.Context(region, Mode.SAMPLE, ces, cejst, rel, acs, wac, rac, tracts, counties)


def test_status_on_2020_tracts(ctx):
    t = c.dac_tracts(ctx).set_index("tract")
    assert t["category"].tolist() == [c.SB535_ONLY, c.CEJST_ONLY, c.NEITHER, c.NEITHER,
                                      c.CEJST_ONLY]
    assert t["dac"].tolist() == [True, True, False, False, True]


def test_comparison_by_hand(ctx):
    # T5 has no employment-status rows: leave it out of the region, so the groups are
    # T1 + T2 (disadvantaged) and T3 + T4 (the rest).
    ctx = c.Context(**{**ctx.__dict__, "rel": ctx.rel[ctx.rel["tract_2020"] != T[4]]})
    t = c.comparison(ctx).set_index("Indicator")
    u = t.loc["Unemployment rate, civilian labor force (%)"]
    # DAC: 240 of 2,000; MOE_x = sqrt(30²+40²) = 50, MOE_y = sqrt(2·100²) = 141.42;
    # proportion MOE = sqrt(50² − 0.12²·141.42²) / 2000 = sqrt(2212) / 2000 = 2.3516 points
    assert u["Disadvantaged tracts"] == pytest.approx(12.0)
    assert u["± Disadvantaged"] == pytest.approx(math.sqrt(2212) / 2000 * 100, rel=1e-6)
    # rest: 160 of 4,000; sqrt(1300 − 0.04²·28800) / 4000 = sqrt(1253.92) / 4000
    assert u["Rest of region"] == pytest.approx(4.0)
    assert u["± Rest"] == pytest.approx(math.sqrt(1253.92) / 4000 * 100, rel=1e-6)
    assert u["Difference (points)"] == pytest.approx(8.0)
    assert u["Significant"] == "yes"  # 8.0 > sqrt(2.3516² + 0.8853²) = 2.51
    p = t.loc["Labor force participation, 16 and over (%)"]
    # DAC 2,040 / 3,400 = 60.0%; rest 4,160 / 6,800 = 61.18%; difference −1.18, its MOE
    # sqrt(3.33² + 2.47²) = 4.14: not significant
    assert p["Disadvantaged tracts"] == pytest.approx(60.0)
    assert p["Rest of region"] == pytest.approx(4160 / 6800 * 100)
    assert p["Significant"] == "no, not significant"
    w = t.loc["Residents aged 18 to 64 (number)"]
    assert w["Disadvantaged tracts"] == 3000 and w["Rest of region"] == 6000


def test_access_by_hand(ctx):
    a = c.access(ctx)
    # jobs: T1 100, T3 300, T4 600 (T2, T5 none) = 1,000; in a DAC tract: T1 = 10%
    assert a["mfg_jobs"] == 1000
    assert a["jobs_in_dac"] == pytest.approx(10.0)
    # T3's centre (3500, 500) is 1.5 km from T2's edge: near; T4's is 18.5 km away
    assert a["jobs_near_dac"] == pytest.approx(40.0)
    # workers living in a DAC tract: T1 50 + T2 150 of 500
    assert a["workers_in_dac"] == pytest.approx(40.0)
    # residents 18-64: DAC 1500 + 1500 + 9000 of 18,000
    assert a["working_age_in_dac"] == pytest.approx(12000 / 18000 * 100)


def test_recruitment_rule_by_hand(ctx):
    r = c.recruitment(ctx)
    # T5 has the most residents not working (5,000) but no manufacturing job within 5 km
    # (the nearest, T4's 600, are 20 km off): left out. T2 650 > T1 500.
    assert r["Tract"].tolist() == [T[1], T[0]]
    assert r["Residents 18-64 not working"].tolist() == [650, 500]
    # jobs within 5 km of T1 and T2: T1 100 + T3 300 (3 km and 2 km away)
    assert r["Manufacturing jobs within 5 km"].tolist() == [400, 400]
    assert r.loc[0, "± Not working"] == pytest.approx(math.hypot(35, 70))
    assert r.loc[1, "Of residents 18-64 (%)"] == pytest.approx(500 / 1500 * 100)


def test_findings_are_computed(ctx):
    items = c.findings(ctx)
    assert items[0].startswith("3 of the region's 5 census tracts are disadvantaged")
    assert "10% of the region's manufacturing jobs are in a disadvantaged tract" in items[1]
    assert items[-1].startswith("Where to recruit first") and T[1] in items[-1]
