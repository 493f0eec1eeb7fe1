"""Disclosure control for published survey tables: cell rules, then complementary suppression.

Every table of survey answers that leaves ``data/processed`` (a notebook table, a chart, the
Excel workbook) is built by :func:`protect` from respondent-level contributions
(``respondent_id``, row key, optional column key, value). Nothing else is needed and nothing
confidential comes back: the published table holds, for every cell and every marginal total,
the value and the number of responding establishments (or locals) when the cell is shown, and
a status saying why it is not when it is suppressed. Hidden values are never returned.

Primary rules (thresholds from the region file, ``region.disclosure``):

* **threshold**: a cell is shown only when at least ``min_respondents`` respondents contribute;
* **dominance**: and only when no single respondent holds more than ``max_share`` of the cell's
  total. A respondent's contribution to a cell is the sum of all its rows falling in that cell
  (an establishment reporting two occupations of one major group is one contributor).

A cell without any respondent is structurally empty: it is published as zero with zero
respondents (it describes no one) and is never chosen as a complementary cell.

Counting tables (establishments offering a benefit, by county) use the same function: every
establishment that answered contributes a row with value 1 (yes) or 0 (no), so
``respondents`` counts those answering and ``value`` those saying yes; a count made by one
establishment alone fails the dominance rule.

Complementary (secondary) suppression. Row and column totals are published, so a table is a
set of additive *lines*: each row with its row total, each column with its column total, and
the total row and total column with the grand total (a 1-D table has one line: its cells and
the total). A suppressed cell that is the only suppressed cell of a line is recovered by
subtraction, so:

1. while some line has exactly one suppressed cell, suppress one more shown cell of that line
   (lines taken in table order: rows, the total row, columns, the total column), choosing by,
   in turn: not an empty cell; a cell whose other line already holds a suppressed cell, so no
   new line is opened (this closes rectangles instead of cascading further); an interior cell
   before a total; the smallest value; the fewest respondents; table order. Repeat until every
   line holds zero or at least two suppressed cells (choices cascade across rows and columns);
2. then check the whole system of published equations, not only single lines: a suppressed
   cell whose value follows from *combinations* of lines (in a 2-D table, a suppressed cell
   that lies on no cycle of suppressed cells) is exposed; suppress a shown cell of one of its
   lines, chosen the same way, and go back to step 1. The loop only ever adds suppressions, so
   it ends.

Suppression is never undone and totals are suppressed only when a line has no other shown
cell. Limits: the check is exact for linear recovery, but values are non-negative, so a reader
can still bound a suppressed cell between zero and a published total (interval disclosure is
not controlled here); and tables are protected one at a time, so two tables sharing a total
must be built from the same contributions (or one of them must be coarser).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from assessment.region import Disclosure

SHOWN = "shown"
PRIMARY = "suppressed-primary"
COMPLEMENTARY = "suppressed-complementary"
STATUSES = (SHOWN, PRIMARY, COMPLEMENTARY)
TOTAL = "Total"  # key of marginal totals in a published table
RESPONDENT = "respondent_id"

REASON_COMPLEMENTARY = "complementary: keeps another suppressed cell from being derived"


def reason_threshold(rule: Disclosure) -> str:
    return f"fewer than {rule.min_respondents} respondents"


def reason_dominance(rule: Disclosure) -> str:
    return f"one respondent holds more than {rule.max_share:.0%} of the total"


# --- input checks -----------------------------------------------------------------------------


def _checked(contributions: pd.DataFrame, keys: list[str], value: str,
             respondent: str) -> pd.DataFrame:
    """The columns needed, keys as strings, values as floats; raise naming column and rows."""
    needed = [respondent, *keys, value]
    missing = [c for c in needed if c not in contributions.columns]
    if missing:
        raise ValueError(f"contributions lack column(s) {missing}; a table is built from"
                         f" {needed} (respondent, key column(s), value)")
    if len(set(needed)) != len(needed):
        raise ValueError(f"respondent, key and value columns must differ: {needed}")
    frame = contributions[needed]
    for col in needed:
        na = frame[col].isna()
        if na.any():
            rows = frame.index[na][:10].tolist()
            raise ValueError(f"contributions, column {col!r}: missing in {int(na.sum())} row(s)"
                             f" (index {rows}); leave item non-response out of the"
                             " contributions explicitly before tabulating")
    values = pd.to_numeric(frame[value], errors="coerce")
    bad = values.isna()
    if bad.any():
        rows = frame.index[bad][:10].tolist()
        raise ValueError(f"contributions, column {value!r}: not a number (index {rows})")
    negative = values < 0
    if negative.any():
        rows = frame.index[negative][:10].tolist()
        raise ValueError(f"contributions, column {value!r}: negative value (index {rows}); the"
                         " dominance rule needs non-negative contributions")
    out = pd.DataFrame({respondent: frame[respondent].astype("string")})
    for key in keys:
        out[key] = frame[key].astype("string")
        clash = out[key] == TOTAL
        if clash.any():
            raise ValueError(f"contributions, column {key!r}: the key {TOTAL!r} is reserved for"
                             " marginal totals")
    out["_value"] = values.astype("float64")
    return out


def _natural(key: str) -> tuple:
    try:
        return (0, float(key), key)
    except ValueError:
        return (1, 0.0, key)


def _levels(observed: pd.Series, given: Sequence | None, name: str) -> list[str]:
    seen = sorted(observed.unique().tolist(), key=_natural)
    if given is None:
        return seen
    levels = [str(g) for g in given]
    extra = sorted(set(seen) - set(levels))
    if extra:
        raise ValueError(f"column {name!r} has value(s) {extra} not among the levels given")
    if len(set(levels)) != len(levels):
        raise ValueError(f"levels given for {name!r} repeat a value")
    return levels


# --- cell summaries ---------------------------------------------------------------------------


def _summaries(c: pd.DataFrame, keys: list[str], respondent: str) -> pd.DataFrame:
    """Per cell: respondents, total, largest single respondent's contribution."""
    per = c.groupby([*keys, respondent], observed=True)["_value"].sum()
    if keys:
        g = per.groupby(level=keys, observed=True)
        return pd.DataFrame({"n": g.size(), "total": g.sum(), "largest": g.max()})
    return pd.DataFrame({"n": [len(per)], "total": [per.sum()],
                         "largest": [per.max() if len(per) else 0.0]})


def _lookup(summary: pd.DataFrame, key) -> tuple[int, float, float]:
    if key in summary.index:
        row = summary.loc[key]
        return int(row["n"]), float(row["total"]), float(row["largest"])
    return 0, 0.0, 0.0


# --- suppression core -------------------------------------------------------------------------


def _equations(n_cells: int, lines: list[list[int]]) -> np.ndarray:
    """One row per line: interior cells +1, the line's total (its last cell) -1."""
    a = np.zeros((len(lines), n_cells))
    for i, line in enumerate(lines):
        a[i, line[:-1]] = 1.0
        a[i, line[-1]] = -1.0
    return a


def _determined(equations: np.ndarray, suppressed: np.ndarray) -> np.ndarray:
    """Indexes of suppressed cells whose value follows from the published cells.

    Moving the shown cells to the right-hand side leaves ``A_s x_s = b``; a hidden cell ``k`` is
    determined exactly when every solution of ``A_s x = 0`` has ``x_k = 0``.
    """
    idx = np.flatnonzero(suppressed)
    if idx.size == 0:
        return idx
    a = equations[:, idx]
    _, s, vt = np.linalg.svd(a, full_matrices=True)
    tol = max(a.shape) * np.finfo(float).eps * (s.max() if s.size else 0.0)
    rank = int((s > max(tol, 1e-10)).sum())
    null = vt[rank:]
    if null.shape[0] == 0:
        return idx
    return idx[np.all(np.abs(null) < 1e-8, axis=0)]


def _suppress(cells: pd.DataFrame, lines: list[list[int]],
              rule: Disclosure) -> tuple[np.ndarray, np.ndarray]:
    """Status and reason per cell (``cells``: n, total, largest, is_total, in table order)."""
    n = cells["n"].to_numpy()
    total = cells["total"].to_numpy()
    largest = cells["largest"].to_numpy()
    status = np.full(len(cells), SHOWN, dtype=object)
    reason = np.full(len(cells), "", dtype=object)
    few = (n > 0) & (n < rule.min_respondents)
    dominated = (n > 0) & ~few & (largest > rule.max_share * total)
    status[few | dominated] = PRIMARY
    reason[few] = reason_threshold(rule)
    reason[dominated] = reason_dominance(rule)

    is_total = cells["is_total"].to_numpy()
    equations = _equations(len(cells), lines)
    lines_of: dict[int, list[int]] = {}
    for li, line in enumerate(lines):
        for cell in line:
            lines_of.setdefault(cell, []).append(li)

    def hidden_in(li: int) -> int:
        return sum(status[c] != SHOWN for c in lines[li])

    def rank(cell: int, current: int | None) -> tuple:
        opens = sum(hidden_in(li) == 0 for li in lines_of[cell] if li != current)
        return (n[cell] == 0, opens, bool(is_total[cell]), total[cell], n[cell], cell)

    def add_complement(candidates: list[int], current: int | None) -> bool:
        shown = [c for c in dict.fromkeys(candidates) if status[c] == SHOWN]
        if not shown:
            return False
        pick = min(shown, key=lambda c: rank(c, current))
        status[pick] = COMPLEMENTARY
        reason[pick] = REASON_COMPLEMENTARY
        return True

    while True:
        changed = False
        for li, line in enumerate(lines):
            if hidden_in(li) == 1:
                changed |= add_complement(line, li)
        if changed:
            continue
        exposed = _determined(equations, status != SHOWN)
        if exposed.size == 0:
            break
        cell = int(exposed[0])
        candidates = [c for li in lines_of[cell] for c in lines[li]]
        # If every cell sharing a line is hidden already, widen to the whole table.
        if not (add_complement(candidates, None)
                or add_complement(list(range(len(cells))), None)):
            break
    return status, reason


# --- public API -------------------------------------------------------------------------------


def protect(contributions: pd.DataFrame, rule: Disclosure, rows: str,
            columns: str | None = None, value: str = "value", *,
            respondent: str = RESPONDENT, row_levels: Sequence | None = None,
            column_levels: Sequence | None = None) -> pd.DataFrame:
    """The publishable table of ``value`` by ``rows`` (and ``columns``) with marginal totals.

    ``contributions`` has one or more rows per respondent; all of a respondent's rows in a
    cell add up to its contribution. ``rule`` is ``region.disclosure``. Keys are published as
    strings; marginal totals carry the key :data:`TOTAL`. Levels not given are the sorted
    observed keys; levels given but not observed become empty cells.

    Returns one row per cell in table order (rows, then the total row): the key column(s),
    ``value`` and ``respondents`` (both missing when suppressed), ``status`` (one of
    :data:`STATUSES`), ``reason`` (empty when shown), ``is_total``.
    """
    keys = [rows] if columns is None else [rows, columns]
    c = _checked(contributions, keys, value, respondent)
    r_levels = _levels(c[rows], row_levels, rows)
    if columns is None:
        inner = _summaries(c, [rows], respondent)
        grand = _summaries(c, [], respondent).iloc[0]
        records = [(r, *_lookup(inner, r), False) for r in r_levels]
        records.append((TOTAL, int(grand["n"]), float(grand["total"]), float(grand["largest"]),
                        True))
        cells = pd.DataFrame(records, columns=[rows, "n", "total", "largest", "is_total"])
        lines = [list(range(len(cells)))]
    else:
        c_levels = _levels(c[columns], column_levels, columns)
        inner = _summaries(c, [rows, columns], respondent)
        by_row = _summaries(c, [rows], respondent)
        by_col = _summaries(c, [columns], respondent)
        grand = _summaries(c, [], respondent).iloc[0]
        records = []
        for r in r_levels:
            records += [(r, k, *_lookup(inner, (r, k)), False) for k in c_levels]
            records.append((r, TOTAL, *_lookup(by_row, r), True))
        records += [(TOTAL, k, *_lookup(by_col, k), True) for k in c_levels]
        records.append((TOTAL, TOTAL, int(grand["n"]), float(grand["total"]),
                        float(grand["largest"]), True))
        cells = pd.DataFrame(records, columns=[rows, columns, "n", "total", "largest",
                                               "is_total"])
        width = len(c_levels) + 1
        height = len(r_levels) + 1
        lines = [[i * width + j for j in range(width)] for i in range(height)]
        lines += [[i * width + j for i in range(height)] for j in range(width)]

    status, reason = _suppress(cells, lines, rule)
    shown = status == SHOWN
    out = cells[keys].astype("string")
    out["value"] = pd.Series(cells["total"], dtype="Float64").mask(~shown)
    out["respondents"] = pd.Series(cells["n"], dtype="Int64").mask(~shown)
    out["status"] = pd.array(status, dtype="string")
    out["reason"] = pd.array(reason, dtype="string")
    out["is_total"] = cells["is_total"].astype(bool)
    return out


def exposed_cells(table: pd.DataFrame, rows: str, columns: str | None = None) -> pd.DataFrame:
    """Suppressed cells of a published table that its shown cells and totals still reveal.

    Uses only what :func:`protect` publishes (keys, ``status``), so it audits any table before
    it goes into a report; an empty result means no suppressed cell can be derived by any
    combination of additions and subtractions of published figures.
    """
    keys = [rows] if columns is None else [rows, columns]
    t = table.reset_index(drop=True)
    pos = {tuple(k): i for i, k in enumerate(t[keys].astype("string").itertuples(index=False))}
    if columns is None:
        inner = [pos[k] for k in pos if k[0] != TOTAL]
        lines = [inner + [pos[(TOTAL,)]]]
    else:
        r_levels = list(dict.fromkeys(k[0] for k in pos if k[0] != TOTAL))
        c_levels = list(dict.fromkeys(k[1] for k in pos if k[1] != TOTAL))
        all_r, all_c = [*r_levels, TOTAL], [*c_levels, TOTAL]
        lines = [[pos[(r, k)] for k in all_c] for r in all_r]
        lines += [[pos[(r, k)] for r in all_r] for k in all_c]
    hidden = (t["status"] != SHOWN).to_numpy()
    found = _determined(_equations(len(t), lines), hidden)
    return t.loc[found, [*keys, "status"]]


def wide(table: pd.DataFrame, rows: str, columns: str, what: str = "value") -> pd.DataFrame:
    """A 2-D published table as rows x columns (``what``: value, respondents or status)."""
    out = table.pivot(index=rows, columns=columns, values=what)
    r_order = list(dict.fromkeys(table[rows]))
    c_order = list(dict.fromkeys(table[columns]))
    return out.loc[r_order, c_order]
