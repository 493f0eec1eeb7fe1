"""Industry metrics against hand calculations written out below.

A toy economy: the US, Fresno (06019) and Kern (06029), private employment in 2019 and 2024.

    area   year  all(10)  31-33  311
    US     2019   1000     100    20
    US     2024   1100     105    25
    Fresno 2019     50      10     4
    Fresno 2024     60      12     6
    Kern   2019     30       3     (suppressed)
    Kern   2024     40       4     1
"""

from __future__ import annotations

import pandas as pd
import pytest

from assessment.metrics import industry as m

ROWS = [
    # area, year, industry, employment, total_wages, suppressed
    ("US000", 2019, "10", 1000, 50_000, False),
    ("US000", 2019, "31-33", 100, 6_000, False),
    ("US000", 2019, "311", 20, 1_000, False),
    ("US000", 2024, "10", 1100, 60_000, False),
    ("US000", 2024, "31-33", 105, 7_000, False),
    ("US000", 2024, "311", 25, 1_300, False),
    ("06019", 2019, "10", 50, 2_000, False),
    ("06019", 2019, "31-33", 10, 450, False),
    ("06019", 2019, "311", 4, 160, False),
    ("06019", 2024, "10", 60, 2_700, False),
    ("06019", 2024, "31-33", 12, 600, False),
    ("06019", 2024, "311", 6, 270, False),
    ("06029", 2019, "10", 30, 1_500, False),
    ("06029", 2019, "31-33", 3, 180, False),
    ("06029", 2019, "311", None, None, True),
    ("06029", 2024, "10", 40, 2_200, False),
    ("06029", 2024, "31-33", 4, 280, False),
    ("06029", 2024, "311", 1, 50, False),
]


@pytest.fixture
def qcew() -> pd.DataFrame:
    df = pd.DataFrame(ROWS, columns=["area_fips", "year", "industry_code", "employment",
                                     "total_wages", "suppressed"])
    df["employment"] = df["employment"].astype("Float64")
    df["total_wages"] = df["total_wages"].astype("Float64")
    df["avg_annual_pay"] = df["total_wages"] / df["employment"]
    df["estabs"] = pd.array([3] * len(df), dtype="Int64")
    df["own_code"] = 5
    df["size_code"] = 0
    # rows that must be ignored: another ownership, another size class
    noise = df.iloc[:2].assign(own_code=0, employment=9e9)
    return pd.concat([df, noise], ignore_index=True)


def test_region_totals_sum_reporting_counties_and_flag_suppression(qcew, region):
    t = m.region_totals(qcew, region, ["31-33", "311"]).set_index(["year", "industry_code"])
    assert t.loc[(2024, "31-33"), "employment"] == 16  # 12 + 4
    # pay is total wages over employment: (600 + 280) / 16 = 55
    assert t.loc[(2024, "31-33"), "avg_annual_pay"] == pytest.approx(55.0)
    assert t.loc[(2019, "311"), "employment"] == 4  # Kern suppressed: Fresno only
    assert t.loc[(2019, "311"), "counties_suppressed"] == 1
    assert t.loc[(2019, "311"), "counties_reporting"] == 1
    assert not t.loc[(2019, "311"), "complete"]
    assert t.loc[(2024, "311"), "complete"]


def test_all_counties_suppressed_gives_missing_not_zero(qcew, region):
    q = qcew.copy()
    mask = (q.industry_code == "311") & (q.year == 2019) & (q.area_fips == "06019")
    q.loc[mask, ["employment", "total_wages"]] = pd.NA
    q.loc[mask, "suppressed"] = True
    t = m.region_totals(q, region, ["311"]).set_index(["year", "industry_code"])
    assert pd.isna(t.loc[(2019, "311"), "employment"])


def test_location_quotients_by_hand(qcew, region):
    lq = m.lq_table(qcew, region, 2024, ["31-33", "311"], "US000").set_index("industry_code")
    # region 31-33: (16/100) / (105/1100) = 176/105
    assert lq.loc["31-33", "region"] == pytest.approx(176 / 105)
    # Fresno 31-33: (12/60) / (105/1100) = 220/105
    assert lq.loc["31-33", "Fresno"] == pytest.approx(220 / 105)
    # region 311: (7/100) / (25/1100) = 3.08
    assert lq.loc["311", "region"] == pytest.approx(3.08)
    # Kern 311: (1/40) / (25/1100) = 1.1
    assert lq.loc["311", "Kern"] == pytest.approx(1.1)


def test_lq_of_suppressed_county_cell_is_missing(qcew, region):
    lq = m.lq_table(qcew, region, 2019, ["311"], "US000").set_index("industry_code")
    assert pd.isna(lq.loc["311", "Kern"])
    assert not lq.loc["311", "region_complete"]


def test_shift_share_by_hand(qcew, region):
    ss = m.shift_share_table(qcew, region, ["31-33", "311"], "US000", 2019, 2024)
    ss = ss.set_index("industry_code")
    row = ss.loc["31-33"]
    # e0 = 13, et = 16; G = 0.10; G_i = 0.05; g_i = 3/13
    assert row["change"] == 3
    assert row["national_growth"] == pytest.approx(1.3)  # 13 * 0.10
    assert row["industry_mix"] == pytest.approx(-0.65)  # 13 * (0.05 - 0.10)
    assert row["regional_shift"] == pytest.approx(2.35)  # 13 * (3/13 - 0.05) = 3 - 0.65
    parts = row["national_growth"] + row["industry_mix"] + row["regional_shift"]
    assert parts == pytest.approx(row["change"])
    # 311 is incomplete in 2019 (Kern suppressed): left out, not decomposed
    assert not ss.loc["311", "complete"]
    assert pd.isna(ss.loc["311", "regional_shift"])


def test_growth_percent():
    assert m.growth(13, 16) == pytest.approx(300 / 13)
