"""Margins of error for ACS estimates: sums, proportions, ratios, products, intervals, CVs.

Formulas from the Census Bureau's *Understanding and Using American Community Survey Data:
What All Data Users Need to Know* (2020), chapter 8 "Calculating Measures of Error for Derived
Estimates", and the annual *Accuracy of the Data* statements. Published ACS margins of error are
at the 90 percent confidence level (z = 1.645).

* sum or difference: MOE = sqrt(sum MOE_i^2). When several of the summed estimates are zero,
  only the largest of their MOEs enters (the Bureau's rule: zero estimates share one MOE);
* proportion p = X/Y, X a subset of Y: MOE = sqrt(MOE_X^2 - p^2 MOE_Y^2) / Y, and when the
  term under the root is negative, the ratio formula instead;
* ratio R = X/Y, X not a subset of Y: MOE = sqrt(MOE_X^2 + R^2 MOE_Y^2) / Y;
* product X*Y: MOE = sqrt(X^2 MOE_Y^2 + Y^2 MOE_X^2);
* standard error SE = MOE / 1.645; coefficient of variation CV = SE / estimate (percent);
  a 90 percent interval is estimate +/- MOE, and other levels rescale by z.

These approximations ignore covariance; the Bureau recommends them for a few estimates at a
time, and so does this project. Controlled estimates (annotation ``controlled``: the margin is
published as ``*****`` / ``-555555555``) carry no sampling error and enter a sum with MOE 0.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

Z = {90: 1.645, 95: 1.960, 99: 2.576}
CONTROLLED = "controlled"


def _like(template, values):
    """Return ``values`` as a Series shaped like ``template`` when that is a Series."""
    if isinstance(template, pd.Series):
        return pd.Series(np.asarray(values, dtype=float), index=template.index)
    arr = np.asarray(values, dtype=float)
    return float(arr) if arr.ndim == 0 else arr


def _f(x):
    return np.asarray(x, dtype=float) if not isinstance(x, pd.Series) else x.astype(float)


def standard_error(moe, level: int = 90):
    """SE from a published margin at ``level`` percent (90 for the ACS)."""
    return _like(moe, _f(moe) / Z[level])


def moe_at(moe, level: int, published_level: int = 90):
    """Rescale a margin to another confidence level, e.g. ``moe_at(m, 95)``."""
    return _like(moe, _f(moe) / Z[published_level] * Z[level])


def interval(estimate, moe, level: int = 90):
    """(lower, upper) confidence bounds at ``level`` percent."""
    m = _f(moe_at(moe, level)) if level != 90 else _f(moe)
    est = _f(estimate)
    return _like(estimate, est - m), _like(estimate, est + m)


def cv(estimate, moe):
    """Coefficient of variation in percent: (MOE / 1.645) / estimate * 100; missing at 0."""
    est = _f(estimate)
    with np.errstate(divide="ignore", invalid="ignore"):
        out = np.where(est == 0, np.nan, _f(moe) / Z[90] / np.abs(est) * 100)
    return _like(estimate, out)


def moe_sum(moes: Sequence[float], estimates: Sequence[float] | None = None) -> float:
    """MOE of a sum: sqrt(sum MOE^2); with ``estimates``, zero estimates share their largest MOE.

    A missing MOE makes the result missing (the sum's error is unknown).
    """
    m = np.asarray(moes, dtype=float)
    if np.isnan(m).any():
        return float("nan")
    if estimates is not None:
        e = np.asarray(estimates, dtype=float)
        zero = e == 0
        if zero.sum() > 1:
            keep = ~zero
            m = np.concatenate([m[keep], [m[zero].max()]])
    return float(np.sqrt(np.sum(m**2)))


def moe_ratio(num, den, moe_num, moe_den):
    """MOE of R = num/den where num is not a subset of den."""
    n, d, mn, md = _f(num), _f(den), _f(moe_num), _f(moe_den)
    with np.errstate(divide="ignore", invalid="ignore"):
        r = n / d
        out = np.sqrt(mn**2 + r**2 * md**2) / d
    return _like(num, out)


def moe_proportion(num, den, moe_num, moe_den):
    """MOE of p = num/den where num is a subset of den; the ratio formula when the radicand < 0."""
    n, d, mn, md = _f(num), _f(den), _f(moe_num), _f(moe_den)
    with np.errstate(divide="ignore", invalid="ignore"):
        p = n / d
        radicand = mn**2 - p**2 * md**2
        out = np.where(radicand >= 0, np.sqrt(np.abs(radicand)) / d,
                       np.sqrt(mn**2 + p**2 * md**2) / d)
    return _like(num, out)


def moe_product(a, b, moe_a, moe_b):
    """MOE of a product a*b."""
    x, y, mx, my = _f(a), _f(b), _f(moe_a), _f(moe_b)
    return _like(a, np.sqrt(x**2 * my**2 + y**2 * mx**2))


def proportion(frame: pd.DataFrame, num: str, den: str) -> pd.DataFrame:
    """``num`` as a share of ``den`` per geography, from the tidy ACS table.

    ``frame`` holds rows for the two variables (columns ``geoid``, ``variable``, ``estimate``,
    ``moe``); the result has ``estimate`` (a share, 0-1), ``moe``, ``cv`` per ``geoid``.
    """
    wide = frame[frame["variable"].isin([num, den])].pivot_table(
        index="geoid", columns="variable", values=["estimate", "moe"], aggfunc="first")
    x, y = wide[("estimate", num)], wide[("estimate", den)]
    mx, my = wide[("moe", num)], wide[("moe", den)]
    share = (x / y).astype(float)
    out = pd.DataFrame({"estimate": share, "moe": moe_proportion(x, y, mx, my)})
    out["cv"] = cv(out["estimate"], out["moe"])
    return out.reset_index()


def aggregate(frame: pd.DataFrame, by: Sequence[str] = ("table", "variable", "label"),
              *, zero_rule: bool = True) -> pd.DataFrame:
    """Sum estimates over the rows of each ``by`` group (e.g. the region's counties).

    ``estimate`` is the sum, missing when any part is missing (flag ``incomplete``); ``moe`` is
    sqrt(sum MOE^2), with controlled parts at 0 and, under ``zero_rule``, zero estimates sharing
    their largest MOE; missing when a part's MOE is unknown. ``parts`` counts the rows summed.
    """
    by = list(by)
    rows = []
    for key, g in frame.groupby(by, sort=False, dropna=False):
        est = g["estimate"].astype("Float64")
        moe = g["moe"].astype("Float64")
        flags = g["moe_flag"].fillna("") if "moe_flag" in g else pd.Series("", index=g.index)
        moe = moe.mask(moe.isna() & flags.eq(CONTROLLED), 0.0)
        complete = bool(est.notna().all())
        total = float(est.sum()) if complete else float("nan")
        moe_known = bool(moe.notna().all())
        if moe_known:
            m = moe_sum(moe.astype(float).to_numpy(),
                        est.astype(float).to_numpy() if zero_rule and complete else None)
        else:
            m = float("nan")
        flag = "" if complete and moe_known else ("incomplete" if not complete else
                                                  "moe_unknown")
        rows.append((*((key,) if len(by) == 1 else key), total, m, len(g), flag))
    out = pd.DataFrame(rows, columns=[*by, "estimate", "moe", "parts", "flag"])
    out["estimate"] = out["estimate"].astype("Float64")
    out["moe"] = out["moe"].astype("Float64")
    return out
