"""Joining survey answers to QCEW and OEWS, on hand-made frames."""

from __future__ import annotations

import pandas as pd
import pytest

from assessment.region import Disclosure
from assessment.survey import join
from assessment.survey.disclosure import PRIMARY, SHOWN

ESTABLISHMENTS = pd.DataFrame({
    "respondent_id": ["a", "b", "c", "d"],
    "wave": [1, 1, 1, 1],
    "county_fips": ["06019", "06039", "06029", "06019"],
    "naics3": ["311", "332", "311", "333"],
    "naics2": ["31", "33", "31", "33"],
})


def qcew(area, industry, estabs, employment, pay, code=""):
    return {"area_fips": area, "year": 2024, "qtr": "A", "own_code": 5, "industry_code": industry,
            "size_code": 0, "estabs": estabs, "employment": employment,
            "avg_annual_pay": pay, "suppressed": code == "N", "disclosure_code": code}


QCEW = pd.DataFrame([
    qcew("06019", "311", 120, 9000.0, 52000.0),
    qcew("06039", "332", 4, None, None, "N"),  # suppressed: count published, the rest missing
    qcew("06019", "31-33", 700, 27000.0, 61000.0),
    qcew("06039", "31-33", 60, 3400.0, 58000.0),
    {**qcew("06019", "311", 118, 8800.0, 50000.0), "year": 2023},  # another year
    {**qcew("06019", "311", 125, 9100.0, 51000.0), "own_code": 0},  # all ownerships
])


def test_codes_as_the_sources_write_them():
    assert join.qcew_sector(pd.Series(["31", "32", "33", "44", "48", "23"])).tolist() == [
        "31-33", "31-33", "31-33", "44-45", "48-49", "23"]
    assert join.soc_major(pd.Series(["51-4041", "49-9041"])).tolist() == ["51-0000", "49-0000"]
    with pytest.raises(ValueError, match="not a SOC code"):
        join.soc_major(pd.Series(["514041"]))


def test_attach_qcew_subsector():
    out = join.attach_qcew(ESTABLISHMENTS, QCEW, 2024)
    assert len(out) == 4 and out.index.equals(ESTABLISHMENTS.index)
    a, b, c, d = (out.iloc[i] for i in range(4))
    # Fresno 311, private, 2024 (not the 2023 or all-ownership rows).
    assert (a["qcew_estabs"], a["qcew_employment"], a["qcew_avg_annual_pay"]) == (
        120, 9000.0, 52000.0)
    assert a["qcew_found"] and not a["qcew_suppressed"]
    # Madera 332 is suppressed: establishments kept, employment and pay missing, flag kept.
    assert b["qcew_estabs"] == 4 and pd.isna(b["qcew_employment"]) and b["qcew_suppressed"]
    assert b["qcew_disclosure_code"] == "N"
    # Kern 311 and Fresno 333 are not in the frame: nothing matched, said so.
    assert not c["qcew_found"] and pd.isna(c["qcew_estabs"])
    assert not d["qcew_found"]


def test_attach_qcew_sector_uses_the_range_code():
    out = join.attach_qcew(ESTABLISHMENTS, QCEW, 2024, level="sector")
    assert out["qcew_industry"].tolist() == ["31-33"] * 4
    assert out["qcew_employment"].tolist()[:2] == [27000.0, 3400.0]
    assert out["qcew_found"].tolist() == [True, True, False, True]
    assert out.loc[3, "qcew_estabs"] == 700  # Fresno's 333 respondent gets Fresno's sector


def test_attach_qcew_refuses_a_table_that_would_duplicate_rows():
    twice = pd.concat([QCEW, QCEW.iloc[[0]]], ignore_index=True)
    with pytest.raises(ValueError, match="more than one row"):
        join.attach_qcew(ESTABLISHMENTS, twice, 2024)


OCCUPATIONS = pd.DataFrame({
    "respondent_id": ["a", "a", "b", "c", "d"],
    "wave": [1] * 5,
    "soc": ["51-4041", "51-9061", "51-4041", "51-4041", "17-2141"],
    "wage_start": [20.0, 18.0, 22.0, None, 30.0],
    "wage_typical": [25.0, 21.0, 26.0, 30.0, 40.0],
})
OEWS = pd.DataFrame({
    "area_code": ["0023420", "0023420", "0600000", "0600000", "0023420"],
    "industry_code": ["000000", "000000", "000000", "000000", "311000"],
    "occ_code": ["51-4041", "51-9061", "51-4041", "17-2141", "51-4041"],
    "tot_emp": [500, 300, 20000, 8000, 90],
    "h_median": [24.0, 20.0, 28.0, 50.0, 99.0],
    "a_median": [49920, 41600, 58240, 104000, 205920],
    "a_pct25": [41600, 37440, 47840, 83200, 1],
})


def test_attach_oews_maps_counties_to_release_areas(region):
    # May 2025: Madera (06039) has no area; Fresno's 0023420 stands in, with the note.
    # Kern's 0012540 has no rows in this table: no match without a fallback.
    out = join.attach_oews(OCCUPATIONS, ESTABLISHMENTS, OEWS, region, 2025)
    assert len(out) == 5
    assert out["oews_area"].tolist() == ["0023420", "0023420", "0023420", "0012540", "0023420"]
    assert out.loc[2, "oews_stand_in"].startswith("The May 2025 OEWS release has no Madera")
    assert pd.isna(out.loc[0, "oews_stand_in"])
    # Cross-industry values only (the 311000 row is a staffing-pattern row, not used).
    assert out["oews_h_median"].tolist()[:3] == [24.0, 20.0, 24.0]
    # Hourly 25th percentile = annual / 2,080: 41,600 / 2,080 = 20; 37,440 / 2,080 = 18.
    assert out["oews_h_pct25"].tolist()[:2] == [20.0, 18.0]
    assert pd.isna(out.loc[3, "oews_source_area"]) and pd.isna(out.loc[3, "oews_h_median"])
    # Fresno has no 17-2141 row either.
    assert pd.isna(out.loc[4, "oews_source_area"])
    # Earlier releases keep Madera's own area.
    before = join.attach_oews(OCCUPATIONS, ESTABLISHMENTS, OEWS, region, 2024)
    assert before.loc[2, "oews_area"] == "0031460" and pd.isna(before.loc[2, "oews_stand_in"])


def test_attach_oews_falls_back_to_the_state(region):
    out = join.attach_oews(OCCUPATIONS, ESTABLISHMENTS, OEWS, region, 2025,
                           fallback_area=region.benchmarks.state.oews)
    assert out["oews_source_area"].tolist() == ["0023420", "0023420", "0023420", "0600000",
                                                "0600000"]
    assert out.loc[3, "oews_h_median"] == 28.0  # California 51-4041
    assert out.loc[4, "oews_h_pct25"] == 40.0  # 83,200 / 2,080
    assert out.loc[3, "oews_area"] == "0012540"  # the county's own area is still reported


def test_wage_ratios_and_publishable_gaps(region):
    out = join.wage_ratios(join.attach_oews(OCCUPATIONS, ESTABLISHMENTS, OEWS, region, 2025))
    # a 51-4041: 20 / 20 = 1.0 and 25 / 24; b (Madera, Fresno stand-in): 22 / 20 = 1.1.
    assert out.loc[0, "start_vs_oews_p25"] == pytest.approx(1.0)
    assert out.loc[0, "typical_vs_oews_median"] == pytest.approx(25 / 24)
    assert out.loc[2, "start_vs_oews_p25"] == pytest.approx(1.1)
    assert pd.isna(out.loc[3, "start_vs_oews_p25"])  # no starting wage given

    # Five establishments with 51-4041 wages pass the threshold (medians by hand); 51-9061
    # has one establishment and shows nothing.
    rows = pd.DataFrame({
        "respondent_id": ["p", "q", "r", "s", "t", "p"],
        "soc": ["51-4041"] * 5 + ["51-9061"],
        "wage_start": [18.0, 20.0, 22.0, 19.0, 30.0, 17.0],
        "wage_typical": [24.0, 26.0, 25.0, 23.0, 35.0, 20.0],
        "oews_h_pct25": [20.0] * 6,
        "oews_h_median": [25.0] * 6,
    })
    gaps = join.wage_gaps(rows, Disclosure(min_respondents=5, max_share=0.8)).set_index("soc")
    g = gaps.loc["51-4041"]
    assert g["status"] == SHOWN and g["respondents"] == 5
    assert g["median_wage_start"] == 20.0  # 18, 19, 20, 22, 30
    assert g["median_wage_typical"] == 25.0  # 23, 24, 25, 26, 35
    assert g["median_start_vs_oews_p25"] == pytest.approx(1.0)  # 20 / 20
    assert g["median_typical_vs_oews_median"] == pytest.approx(1.0)  # 25 / 25
    h = gaps.loc["51-9061"]
    assert h["status"] == PRIMARY and h["reason"] == "fewer than 5 respondents"
    assert pd.isna(h["median_wage_start"]) and pd.isna(h["respondents"])


def test_attach_oews_refuses_orphans_and_outside_counties(region):
    orphan = pd.concat([OCCUPATIONS, pd.DataFrame({"respondent_id": ["z"], "wave": [1],
                                                   "soc": ["51-4041"]})], ignore_index=True)
    with pytest.raises(ValueError, match=r"respondent\(s\) \['z'\] have no establishment"):
        join.attach_oews(orphan, ESTABLISHMENTS, OEWS, region, 2025)
    elsewhere = ESTABLISHMENTS.assign(county_fips=["06037", "06039", "06029", "06019"])
    with pytest.raises(ValueError, match=r"\['06037'\] is not a county of region"):
        join.attach_oews(OCCUPATIONS, elsewhere, OEWS, region, 2025)
