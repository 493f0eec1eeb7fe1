"""Disclosure control: primary rules and complementary suppression, on tables worked by hand.

Every table is small and written out here; the expected suppression pattern of each is worked
through in comments following the rule in assessment.survey.disclosure (threshold 5
respondents, dominance 80%, the region file's values). Two independent brute-force checks
confirm that no suppressed cell can be recovered from what is published:

* ``peel``: repeated simple subtraction (any row, column or total line with exactly one hidden
  cell gives that cell away; fill it in and look again);
* ``rank_exposed``: a hidden cell is determined by the published equations exactly when
  dropping its column from the equation matrix lowers the matrix rank.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from assessment.region import Disclosure
from assessment.survey.disclosure import (
    COMPLEMENTARY,
    PRIMARY,
    SHOWN,
    TOTAL,
    exposed_cells,
    protect,
    wide,
)

RULE = Disclosure(min_respondents=5, max_share=0.80)


def test_rule_matches_region_file(region):
    # The hand calculations below assume the region file's thresholds.
    assert region.disclosure == RULE


# --- helpers (independent of the code under test) ---------------------------------------------


def contributions(cells: dict, rows: str = "row", columns: str | None = None) -> pd.DataFrame:
    """{key: [value of each respondent]} -> one row per respondent (ids unique per cell)."""
    records = []
    for key, values in cells.items():
        key = key if isinstance(key, tuple) else (key,)
        label = "-".join(key)
        for i, v in enumerate(values):
            records.append((f"{label}-{i}", *key, v))
    names = ["respondent_id", rows] + ([columns] if columns else []) + ["value"]
    return pd.DataFrame(records, columns=names)


def lines(table: pd.DataFrame, rows: str, columns: str | None = None) -> list[list[int]]:
    """Additive lines of a published table as positions, the line's total last."""
    t = table.reset_index(drop=True)
    if columns is None:
        inner = [i for i, k in enumerate(t[rows]) if k != TOTAL]
        return [inner + [int(np.flatnonzero(t[rows] == TOTAL)[0])]]
    pos = {(r, c): i for i, (r, c) in enumerate(zip(t[rows], t[columns], strict=True))}
    rs = [r for r in dict.fromkeys(t[rows]) if r != TOTAL] + [TOTAL]
    cs = [c for c in dict.fromkeys(t[columns]) if c != TOTAL] + [TOTAL]
    return [[pos[(r, c)] for c in cs] for r in rs] + [[pos[(r, c)] for r in rs] for c in cs]


def peel(table: pd.DataFrame, rows: str, columns: str | None = None) -> set[int]:
    """Hidden cells a reader recovers by repeated simple subtraction."""
    known = (table["status"] == SHOWN).to_numpy().copy()
    hidden = set(np.flatnonzero(~known))
    progress = True
    while progress:
        progress = False
        for line in lines(table, rows, columns):
            unknown = [i for i in line if not known[i]]
            if len(unknown) == 1:
                known[unknown[0]] = True
                progress = True
    return {i for i in hidden if known[i]}


def rank_exposed(table: pd.DataFrame, rows: str, columns: str | None = None) -> set[int]:
    """Hidden cells fixed by some linear combination of the published equations."""
    ls = lines(table, rows, columns)
    a = np.zeros((len(ls), len(table)))
    for i, line in enumerate(ls):
        a[i, line[:-1]] = 1
        a[i, line[-1]] = -1
    hidden = list(np.flatnonzero((table["status"] != SHOWN).to_numpy()))
    if not hidden:
        return set()
    full = np.linalg.matrix_rank(a[:, hidden])
    return {k for k in hidden
            if np.linalg.matrix_rank(a[:, [h for h in hidden if h != k]]) < full}


def assert_safe(table: pd.DataFrame, rows: str, columns: str | None = None) -> None:
    assert peel(table, rows, columns) == set()
    assert rank_exposed(table, rows, columns) == set()
    hidden = table["status"] != SHOWN
    assert table.loc[hidden, "value"].isna().all()
    assert table.loc[hidden, "respondents"].isna().all()
    assert table.loc[~hidden, "value"].notna().all()


def statuses(table: pd.DataFrame, key: str) -> dict[str, str]:
    return dict(zip(table[key], table["status"], strict=True))


# --- primary rules ----------------------------------------------------------------------------


def test_cell_with_four_respondents_is_suppressed():
    # A: 6 x 10 = 60   B: 4 x 10 = 40 (4 < 5: primary)   C: 7 x 3 = 21   D: 5 x 20 = 100
    # Total: 22 respondents, 221. B alone hidden in the line would be 221 - 60 - 21 - 100, so
    # one more cell goes: the smallest shown interior cell, C (21).
    c = contributions({"A": [10] * 6, "B": [10] * 4, "C": [3] * 7, "D": [20] * 5}, "soc")
    t = protect(c, RULE, "soc")
    assert list(t["soc"]) == ["A", "B", "C", "D", TOTAL]
    assert statuses(t, "soc") == {"A": SHOWN, "B": PRIMARY, "C": COMPLEMENTARY, "D": SHOWN,
                                  TOTAL: SHOWN}
    b = t.set_index("soc").loc["B"]
    assert b["reason"] == "fewer than 5 respondents"
    assert pd.isna(b["value"]) and pd.isna(b["respondents"])
    shown = t.set_index("soc")
    assert shown.loc["A", "value"] == 60 and shown.loc["A", "respondents"] == 6
    assert shown.loc["D", "value"] == 100 and shown.loc["D", "respondents"] == 5
    assert shown.loc[TOTAL, "value"] == 221 and shown.loc[TOTAL, "respondents"] == 22
    assert_safe(t, "soc")


def test_dominant_respondent_is_suppressed_and_exactly_80_percent_is_not():
    # A: respondent a0 reports two rows in the cell, 40 + 45 = 85; five others 3 each (15).
    #    Total 100, largest 85% > 80%: primary (dominance) although 6 respondents.
    # B: one respondent 80, four 5 each: 80 / 100 is not above 80%: shown.
    # C: 6 x 10 = 60.  D: 5 x 30 = 150.  Total 410 from 22 respondents (a0 counted once).
    # A is alone in the line: complement = smallest shown interior cell, C (60).
    c = pd.DataFrame(
        [("a0", "A", 40), ("a0", "A", 45)] + [(f"a{i}", "A", 3) for i in range(1, 6)]
        + [("b0", "B", 80)] + [(f"b{i}", "B", 5) for i in range(1, 5)]
        + [(f"c{i}", "C", 10) for i in range(6)] + [(f"d{i}", "D", 30) for i in range(5)],
        columns=["respondent_id", "soc", "value"])
    t = protect(c, RULE, "soc").set_index("soc")
    assert t.loc["A", "status"] == PRIMARY
    assert t.loc["A", "reason"] == "one respondent holds more than 80% of the total"
    assert t.loc["B", "status"] == SHOWN and t.loc["B", "value"] == 100
    assert t.loc["B", "respondents"] == 5
    assert t.loc["C", "status"] == COMPLEMENTARY
    assert t.loc["D", "status"] == SHOWN and t.loc["D", "value"] == 150
    assert t.loc[TOTAL, "value"] == 410 and t.loc[TOTAL, "respondents"] == 22
    assert_safe(t.reset_index(), "soc")


def test_row_with_one_primary_gets_one_complement_never_an_empty_cell():
    # Levels A..E given; nobody answered for E (an empty cell: shown as 0, describes no one).
    # A: 5 x 8 = 40   B: 2 x 10 = 20 (primary)   C: 6 x 5 = 30   D: 9 x 10 = 90   E: empty
    # Total 180 from 22 respondents. The complement is the smallest *non-empty* shown interior
    # cell: C (30), not E (0) and not the total.
    c = contributions({"A": [8] * 5, "B": [10] * 2, "C": [5] * 6, "D": [10] * 9}, "soc")
    t = protect(c, RULE, "soc", row_levels=["A", "B", "C", "D", "E"])
    assert statuses(t, "soc") == {"A": SHOWN, "B": PRIMARY, "C": COMPLEMENTARY, "D": SHOWN,
                                  "E": SHOWN, TOTAL: SHOWN}
    e = t.set_index("soc").loc["E"]
    assert e["value"] == 0 and e["respondents"] == 0
    assert t.set_index("soc").loc[TOTAL, "value"] == 180
    assert_safe(t, "soc")


def test_two_dimensional_cascade():
    # county x soc, one respondent per contribution:
    #          a             b             c
    #   X   3 x 10 = 30   6 x 10 = 60   6 x 15 = 90     row 180 (15 resp)
    #   Y   6 x 9  = 54   6 x 3  = 18   7 x 5  = 35     row 107 (19)
    #   Z   8 x 2  = 16   5 x 8  = 40   9 x 8  = 72     row 128 (22)
    #  col    100 (17)      118 (17)      197 (22)      grand 415 (56)
    # Primary: Xa (3 respondents). Lines in order: rows X, Y, Z, total row; columns a, b, c,
    # total column.
    #  row X has one hidden cell: candidates Xb, Xc, X-total each open a new line (their
    #    columns hold nothing hidden); interior first, smallest: Xb (60).
    #  column a has one hidden (Xa): Ya, Za, total-a all open a new line; smallest interior:
    #    Za (16).
    #  column b has one hidden (Xb): Zb's row Z already holds Za (opens nothing) while Yb (18,
    #    smaller) and total-b would open a new line: Zb (40). This closes the rectangle.
    #  Second pass: every line has 0 or 2 hidden cells; the rectangle {X, Z} x {a, b} lies on
    #  a cycle, so nothing is determined. Result: Xa primary; Xb, Za, Zb complementary.
    cells = {("X", "a"): [10] * 3, ("X", "b"): [10] * 6, ("X", "c"): [15] * 6,
             ("Y", "a"): [9] * 6, ("Y", "b"): [3] * 6, ("Y", "c"): [5] * 7,
             ("Z", "a"): [2] * 8, ("Z", "b"): [8] * 5, ("Z", "c"): [8] * 9}
    c = contributions(cells, "county", "soc")
    t = protect(c, RULE, "county", "soc")
    expected = pd.DataFrame(
        [[PRIMARY, COMPLEMENTARY, SHOWN, SHOWN],
         [SHOWN, SHOWN, SHOWN, SHOWN],
         [COMPLEMENTARY, COMPLEMENTARY, SHOWN, SHOWN],
         [SHOWN, SHOWN, SHOWN, SHOWN]],
        index=["X", "Y", "Z", TOTAL], columns=["a", "b", "c", TOTAL])
    got = wide(t, "county", "soc", "status")
    assert got.astype(str).values.tolist() == expected.values.tolist()
    values = wide(t, "county", "soc", "value")
    assert values.loc["Y", "b"] == 18 and values.loc["X", "c"] == 90
    assert values.loc["X", TOTAL] == 180 and values.loc[TOTAL, "a"] == 100
    assert values.loc[TOTAL, TOTAL] == 415
    assert wide(t, "county", "soc", "respondents").loc[TOTAL, TOTAL] == 56
    assert_safe(t, "county", "soc")


def test_totals_would_reveal_the_only_other_cell_1d():
    # A: 3 x 10 = 30 (primary), B: 8 x 10 = 80, total 110 (11 respondents). With the total
    # published, B would give A away (110 - 80), so B is suppressed; only the total is shown.
    c = contributions({"A": [10] * 3, "B": [10] * 8}, "soc")
    t = protect(c, RULE, "soc")
    assert statuses(t, "soc") == {"A": PRIMARY, "B": COMPLEMENTARY, TOTAL: SHOWN}
    assert t.set_index("soc").loc[TOTAL, "value"] == 110
    assert_safe(t, "soc")


def test_margins_would_reveal_a_cell_2d():
    #          a              b            total
    #   X   3 x 10 = 30     (empty)        30 (3 resp)  -> Xa and the X total are primary
    #   Y   6 x 10 = 60     7 x 10 = 70    130 (13)
    #  tot     90 (9)        70 (7)        160 (16)
    # Row X: Xa, X-total hidden (2), fine. Column a: Xa alone, and 90 - Ya would reveal it:
    # Ya and total-a both open a new line, interior first: Ya. Total column: X-total alone,
    # and 160 - Y-total would reveal it: Y-total (row Y already holds Ya, so it opens nothing)
    # beats the grand total. Rows, columns and totals then hold 0 or 2 hidden cells each, on
    # the cycle Xa - Ya - Y-total - X-total. The empty cell Xb is shown as 0.
    c = contributions({("X", "a"): [10] * 3, ("Y", "a"): [10] * 6, ("Y", "b"): [10] * 7},
                      "county", "soc")
    t = protect(c, RULE, "county", "soc")
    got = wide(t, "county", "soc", "status").astype(str).values.tolist()
    assert got == [[PRIMARY, SHOWN, PRIMARY],
                   [COMPLEMENTARY, SHOWN, COMPLEMENTARY],
                   [SHOWN, SHOWN, SHOWN]]
    values = wide(t, "county", "soc", "value")
    assert values.loc["X", "b"] == 0 and values.loc["Y", "b"] == 70
    assert values.loc[TOTAL, "a"] == 90 and values.loc[TOTAL, TOTAL] == 160
    assert_safe(t, "county", "soc")


def test_no_suppression_needed():
    # F: six establishments each report a = 2 and b = 5; K: seven establishments, five report
    # a = 4 and all seven report b = 1. Respondents count once per cell and once per total.
    #          a             b            total
    #   F   12 (6)        30 (6)         42 (6)
    #   K   20 (5)         7 (7)         27 (7)   largest: 4 + 1 = 5 of 27 = 19%
    #  tot  32 (11)       37 (13)        69 (13)
    rows = ([(f"f{i}", "F", "a", 2) for i in range(6)] + [(f"f{i}", "F", "b", 5) for i in range(6)]
            + [(f"k{i}", "K", "a", 4) for i in range(5)]
            + [(f"k{i}", "K", "b", 1) for i in range(7)])
    c = pd.DataFrame(rows, columns=["respondent_id", "county", "soc", "value"])
    t = protect(c, RULE, "county", "soc")
    assert (t["status"] == SHOWN).all() and (t["reason"] == "").all()
    values = wide(t, "county", "soc", "value").astype(float).values.tolist()
    assert values == [[12, 30, 42], [20, 7, 27], [32, 37, 69]]
    counts = wide(t, "county", "soc", "respondents").astype(int).values.tolist()
    assert counts == [[6, 6, 6], [5, 7, 7], [11, 13, 13]]
    assert list(t.columns) == ["county", "soc", "value", "respondents", "status", "reason",
                               "is_total"]


def test_counting_table_hides_a_count_made_by_one_establishment():
    # Establishments offering a benefit, by county: every answering establishment contributes
    # 1 (yes) or 0 (no). A: 6 answered, 1 yes -> that one holds 100% of the count: primary.
    # B: 6 answered, 3 yes -> the only other cell: complementary. Total 4 of 12: shown.
    c = pd.DataFrame({"respondent_id": [f"r{i}" for i in range(12)],
                      "county": ["A"] * 6 + ["B"] * 6,
                      "value": [1, 0, 0, 0, 0, 0, 1, 1, 0, 1, 0, 0]})
    t = protect(c, RULE, "county")
    assert statuses(t, "county") == {"A": PRIMARY, "B": COMPLEMENTARY, TOTAL: SHOWN}
    total = t.set_index("county").loc[TOTAL]
    assert total["value"] == 4 and total["respondents"] == 12


# --- combinations of lines --------------------------------------------------------------------


DUMBBELL = {("X", "a"), ("X", "b"), ("Y", "a"), ("Y", "b"), ("Y", "c"),
            ("Z", "c"), ("Z", "d"), ("W", "c"), ("W", "d")}


def test_exposed_cells_finds_a_cell_no_single_line_reveals():
    # Hidden cells: the rectangle {X, Y} x {a, b}, the rectangle {Z, W} x {c, d}, and Yc
    # joining them. Every line holds 0, 2 or 3 hidden cells, so simple subtraction recovers
    # nothing, yet Yc = (Y row total - shown Yd) - (a total - Wa - Za) - (b total - Wb - Zb)
    # + (X row total - Xc - Xd): it lies on no cycle of hidden cells.
    keys = [(r, c) for r in ["W", "X", "Y", "Z", TOTAL] for c in ["a", "b", "c", "d", TOTAL]]
    table = pd.DataFrame(keys, columns=["county", "soc"])
    table["status"] = [PRIMARY if k in DUMBBELL else SHOWN for k in keys]
    assert peel(table, "county", "soc") == set()
    found = exposed_cells(table, "county", "soc")
    assert list(zip(found["county"], found["soc"], strict=True)) == [("Y", "c")]
    assert rank_exposed(table, "county", "soc") == {keys.index(("Y", "c"))}


def test_protect_closes_a_cell_exposed_by_combined_lines():
    # Primary cells (2 respondents each) form the pattern above; every other cell has 6
    # respondents. No line holds exactly one hidden cell, so step 1 adds nothing; step 2
    # finds Yc exposed. Shown cells sharing a line with Yc: Yd (30), Y-total, Xc (12),
    # c-total. The totals would open the total row/column; Yd and Xc open nothing (their other
    # lines already hold hidden cells): the smaller, Xc, is suppressed, which puts Yc on the
    # cycle Xc - Yc - Ya - Xa.
    values = {k: 5.0 for k in DUMBBELL}
    values |= {("X", "c"): 2.0, ("Y", "d"): 5.0}
    cells = {}
    for r in ["W", "X", "Y", "Z"]:
        for col in ["a", "b", "c", "d"]:
            n = 2 if (r, col) in DUMBBELL else 6
            cells[(r, col)] = [values.get((r, col), 7.0)] * n
    c = contributions(cells, "county", "soc")
    t = protect(c, RULE, "county", "soc")
    hidden = t[t["status"] != SHOWN]
    assert set(zip(hidden["county"], hidden["soc"], strict=True)) == DUMBBELL | {("X", "c")}
    assert (t.set_index(["county", "soc"]).loc[("X", "c"), "status"]) == COMPLEMENTARY
    assert exposed_cells(t, "county", "soc").empty
    assert_safe(t, "county", "soc")


def test_random_tables_are_always_safe():
    # Many tables with respondents in several cells each: whatever the pattern, nothing
    # published may reveal a hidden cell, and shown interior cells add up to shown totals.
    rng = np.random.default_rng(7)
    for _ in range(25):
        rows = []
        for i in range(int(rng.integers(10, 60))):
            county = rng.choice(list("PQRS"))
            for soc in rng.choice(list("vwxyz"), size=int(rng.integers(1, 4)), replace=False):
                rows.append((f"e{i}", county, soc, int(rng.integers(0, 30))))
        c = pd.DataFrame(rows, columns=["respondent_id", "county", "soc", "value"])
        t = protect(c, RULE, "county", "soc")
        assert_safe(t, "county", "soc")
        truth = c.groupby(["county", "soc"])["value"].sum()
        for row in t[(t["status"] == SHOWN) & ~t["is_total"]].itertuples():
            assert row.value == truth.get((row.county, row.soc), 0)


# --- input checks -----------------------------------------------------------------------------


def test_missing_value_is_refused_not_dropped():
    c = contributions({"A": [1] * 5})
    c.loc[2, "value"] = None
    with pytest.raises(ValueError, match=r"column 'value': missing in 1 row\(s\) \(index \[2\]\)"):
        protect(c, RULE, "row")


def test_negative_value_and_reserved_key_and_missing_column_are_refused():
    c = contributions({"A": [1] * 5})
    with pytest.raises(ValueError, match="negative value"):
        protect(c.assign(value=-1), RULE, "row")
    with pytest.raises(ValueError, match="reserved for marginal totals"):
        protect(c.assign(row=TOTAL), RULE, "row")
    with pytest.raises(ValueError, match=r"lack column\(s\) \['county'\]"):
        protect(c, RULE, "row", "county")
