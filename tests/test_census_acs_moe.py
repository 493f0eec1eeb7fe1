"""ACS margin-of-error helpers against hand calculations written out below.

Formulas: Census Bureau, *Understanding and Using ACS Data* (2020), ch. 8; z(90%) = 1.645.
"""

from __future__ import annotations

import math

import pandas as pd
import pytest

from assessment.metrics import acs_moe as m


def test_sum_is_root_sum_of_squares():
    # sqrt(3^2 + 4^2) = sqrt(25) = 5
    assert m.moe_sum([3, 4]) == pytest.approx(5.0)


def test_sum_counts_only_the_largest_moe_of_zero_estimates():
    # Estimates 100, 200, 0, 0 with MOEs 30, 40, 27, 29: the zeros share the larger MOE, 29.
    # sqrt(30^2 + 40^2 + 29^2) = sqrt(900 + 1600 + 841) = sqrt(3341) = 57.80138...
    assert m.moe_sum([30, 40, 27, 29], [100, 200, 0, 0]) == pytest.approx(57.801384, abs=1e-6)
    # Without the estimates every MOE counts: sqrt(900 + 1600 + 729 + 841) = sqrt(4070)
    assert m.moe_sum([30, 40, 27, 29]) == pytest.approx(63.796552, abs=1e-6)


def test_sum_with_an_unknown_moe_is_unknown():
    assert math.isnan(m.moe_sum([30, float("nan")]))


def test_proportion():
    # p = 100/400 = 0.25; sqrt(30^2 - 0.25^2 * 40^2) / 400 = sqrt(900 - 100) / 400
    #   = 28.284271 / 400 = 0.070711
    assert m.moe_proportion(100, 400, 30, 40) == pytest.approx(0.0707107, abs=1e-7)


def test_proportion_falls_back_to_the_ratio_formula_when_the_radicand_is_negative():
    # p = 90/100 = 0.9; 10^2 - 0.81 * 50^2 = 100 - 2025 < 0, so
    # sqrt(10^2 + 0.81 * 50^2) / 100 = sqrt(2125) / 100 = 0.460977
    assert m.moe_proportion(90, 100, 10, 50) == pytest.approx(0.4609772, abs=1e-7)


def test_ratio():
    # R = 200/400 = 0.5; sqrt(30^2 + 0.25 * 40^2) / 400 = sqrt(1300) / 400 = 0.090139
    assert m.moe_ratio(200, 400, 30, 40) == pytest.approx(0.0901388, abs=1e-7)


def test_product():
    # sqrt(10^2 * 5^2 + 50^2 * 2^2) = sqrt(2500 + 10000) = sqrt(12500) = 111.803399
    assert m.moe_product(10, 50, 2, 5) == pytest.approx(111.803399, abs=1e-6)


def test_standard_error_cv_and_intervals():
    # SE = 164.5 / 1.645 = 100; CV = 100 / 1000 = 10 %
    assert m.standard_error(164.5) == pytest.approx(100.0)
    assert m.cv(1000, 164.5) == pytest.approx(10.0)
    assert math.isnan(m.cv(0, 27))
    assert m.interval(500, 50) == pytest.approx((450.0, 550.0))
    # At 95 %: 50 / 1.645 * 1.960 = 59.574468
    low, high = m.interval(500, 50, level=95)
    assert (low, high) == pytest.approx((440.425532, 559.574468), abs=1e-6)
    assert m.moe_at(50, 95) == pytest.approx(59.574468, abs=1e-6)


def test_vectorised_on_series_keeps_the_index():
    x = pd.Series([100.0, 90.0], index=["06019", "06029"])
    y = pd.Series([400.0, 100.0], index=x.index)
    out = m.moe_proportion(x, y, pd.Series([30.0, 10.0], index=x.index),
                           pd.Series([40.0, 50.0], index=x.index))
    assert list(out.index) == ["06019", "06029"]
    assert out.tolist() == pytest.approx([0.0707107, 0.4609772], abs=1e-7)


def _tidy(rows):
    return pd.DataFrame(rows, columns=["geoid", "table", "variable", "label", "estimate", "moe",
                                       "moe_flag"]).astype({"estimate": "Float64",
                                                            "moe": "Float64"})


def test_aggregate_counties():
    frame = _tidy([
        # Two counties; the first total is controlled (no MOE published, enters as 0).
        ("06019", "B03002", "B03002_001", "Total:", 1000, None, "controlled"),
        ("06029", "B03002", "B03002_001", "Total:", 500, None, "controlled"),
        ("06019", "B03002", "B03002_012", "Hispanic", 600, 30, ""),
        ("06029", "B03002", "B03002_012", "Hispanic", 250, 40, ""),
        ("06019", "B03002", "B03002_007", "NHPI", 0, 27, ""),
        ("06029", "B03002", "B03002_007", "NHPI", 0, 29, ""),
        ("06019", "B03002", "B03002_005", "AIAN", 12, 9, ""),
        ("06029", "B03002", "B03002_005", "AIAN", None, 8, ""),
    ])
    out = m.aggregate(frame).set_index("variable")
    assert out.loc["B03002_001", "estimate"] == 1500
    assert out.loc["B03002_001", "moe"] == 0  # controlled parts carry no sampling error
    assert out.loc["B03002_012", "estimate"] == 850
    assert out.loc["B03002_012", "moe"] == pytest.approx(50.0)  # sqrt(30^2 + 40^2)
    assert out.loc["B03002_007", "estimate"] == 0
    assert out.loc["B03002_007", "moe"] == pytest.approx(29.0)  # zeros share the larger MOE
    assert pd.isna(out.loc["B03002_005", "estimate"])  # a part is missing: no total
    assert out.loc["B03002_005", "flag"] == "incomplete"
    assert (out["parts"] == 2).all()


def test_proportion_from_tidy_rows():
    frame = _tidy([
        ("06019", "B23025", "B23025_005", "Unemployed", 100, 30, ""),
        ("06019", "B23025", "B23025_003", "Civilian labor force", 400, 40, ""),
    ])
    out = m.proportion(frame, "B23025_005", "B23025_003").set_index("geoid")
    assert out.loc["06019", "estimate"] == pytest.approx(0.25)
    assert out.loc["06019", "moe"] == pytest.approx(0.0707107, abs=1e-7)
    # CV = 0.0707107 / 1.645 / 0.25 * 100 = 17.1941 %
    assert out.loc["06019", "cv"] == pytest.approx(17.1941, abs=1e-4)
