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
