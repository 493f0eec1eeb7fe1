"""Table cells read the same whatever numeric type pandas hands over."""

from __future__ import annotations

import numpy as np
import pandas as pd

from assessment.present import table_html


def test_numbers_are_right_aligned_and_formatted_whatever_their_type():
    df = pd.DataFrame({"a": [np.int64(1234)], "b": [np.float64(0.456)], "c": [np.bool_(True)],
                       "d": [pd.NA], "e": [12345.6]})
    html = table_html(df)
    assert '<td class="num">1,234</td>' in html
    assert '<td class="num">0.46</td>' in html
    assert "<td>yes</td>" in html
    assert "<td>—</td>" in html  # missing (suppressed) shows a dash, never 0
    assert '<td class="num">12,346</td>' in html


def test_withheld_marks_in_a_column_of_numbers_are_aligned_with_them():
    df = pd.DataFrame({"Occupation": ["Welders", "Machinists", "Packers"],
                       "Median wage ($)": [24.5, "*", None], "Note": ["*", "a", "b"]})
    html = table_html(df, {"Median wage ($)": "{:.2f}"})
    assert '<td class="num">24.50</td>' in html
    assert '<td class="num">*</td>' in html  # OEWS's withheld mark, right-aligned
    assert '<td class="num">—</td>' in html  # a missing figure, too
    assert "<td>Welders</td>" in html and "<td>*</td>" in html  # text columns stay as they are

