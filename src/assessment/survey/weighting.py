"""Weights that carry employer responses to the QCEW universe of establishments, regional
estimates of totals with confidence intervals, and the survey's coverage of employment.

**Universe.** QCEW publishes establishments by county x 3-digit subsector (``qcew_annual``,
private ownership, all sizes; the count is published even where employment is suppressed),
but establishment size classes only for the state's manufacturing sector (first-quarter size
files, agglvl 64, size codes 1-9). The regional universe of subsector x size-class cells is
built by raking (iterative proportional fitting, :func:`rake`) a seed table to two margins:
the region's establishments by subsector (summed over its counties) and the state's size
distribution scaled to the region's establishment total. The seed is uniform unless a
subsector x size table is given (e.g. the national QCEW agglvl 25 rows, see
:func:`size_seed`), whose interactions the raking then keeps.

**Strata** (:func:`collapse`): the universe cells are collapsed until every stratum holds at
least ``min_respondents`` responding establishments (default 3), in two steps:

1. *subsectors*: a subsector with enough respondents is its own group; the others are pooled
   within their NAICS 2-digit code ("31 pooled", "32 pooled", "33 pooled"); pools still short
   are pooled together ("all pooled"); if that is still short it joins the group with the
   fewest respondents (ties: the first label in sort order), relabelled "<group> + other
   subsectors". Fewer respondents than the minimum in the whole survey is an error.
2. *size classes*, within each group: classes are taken from the smallest (1) upward and
   gathered into a band until the band holds enough respondents; a short last band joins the
   band before it.

**Weights.** In stratum *h* with universe count ``N_h`` (the sum of its raked cells) and
``n_h`` respondents each respondent's weight is ``N_h / n_h``.

**Estimates** (:func:`estimate_totals`). A regional total (vacancies, hires expected in 12
months and 3 years, retirements expected in 5 years; by SOC and over all occupations) is the
stratified expansion estimator ``Y = sum_h N_h / n_h * sum_i y_hi``, where ``y_hi`` is what
establishment *i* reported for the occupation (zero when it did not list it). Its variance is
the with-replacement (Taylor-linearised, which for a total is exact) stratified variance
``V = sum_h N_h**2 * s_h**2 / n_h`` with ``s_h**2`` the sample variance of ``y`` in the stratum
(``ddof=1``); ``fpc=True`` multiplies each term by ``1 - n_h / N_h``. The confidence interval
is ``Y +/- z * sqrt(V)`` with ``z`` the normal quantile for ``level`` (1.96 for 95%), its
lower end cut at zero (the totals cannot be negative). Item non-response: a respondent that
listed no occupations, or left the measure blank in any of its occupation rows, is left out of
that measure, and the weights of its stratum are recomputed over the item respondents
(``N_h / n'_h``); a stratum left with no item respondent adds nothing and
``universe_covered`` (share of universe establishments in strata with data) falls below one.
A stratum with a single item respondent has no sample variance; it contributes
``N_h**2 * (y - ybar)**2``, ``ybar`` being the weighted mean per establishment over all item
respondents (as R survey's ``lonely.psu = "adjust"``).

Every published table passes :func:`assessment.survey.disclosure.protect` (weighted
contributions, the region's thresholds, complementary suppression over the occupations and
their total); suppressed rows keep their status and lose every number.
"""

from __future__ import annotations

from dataclasses import dataclass
from statistics import NormalDist

import numpy as np
import pandas as pd
import pandera.pandas as pa

from assessment.constants import OWN_PRIVATE
from assessment.region import Disclosure, Region
from assessment.schemas import validate
from assessment.survey import disclosure

SIZE_ALL = 0
SIZE_CLASSES = tuple(range(1, 10))  # QCEW size codes: 1 "fewer than 5" ... 9 "1000 or more"
ANNUAL = "A"
FIRST_QUARTER = "1"
MEASURES = ("vacancies", "hires_12m", "hires_3y", "retirements_5y")
MIN_STRATUM_RESPONDENTS = 3
ALL_POOLED = "all pooled"

ESTABLISHMENTS = "survey_employer_establishments"
OCCUPATIONS = "survey_employer_occupations"

ESTABLISHMENT_SCHEMA = pa.DataFrameSchema(
    {
        "respondent_id": pa.Column(nullable=False, unique=True),
        "county_fips": pa.Column(checks=pa.Check.str_matches(r"^\d{5}$")),
        "naics3": pa.Column(checks=pa.Check.str_matches(r"^\d{3}$")),
        "size_class": pa.Column(checks=pa.Check.isin(SIZE_CLASSES)),
        "total_employment": pa.Column(checks=pa.Check.ge(0)),
    },
    strict=False,
    coerce=False,
)


def _occupation_schema(by: str, measures: list[str]) -> pa.DataFrameSchema:
    columns = {"respondent_id": pa.Column(nullable=False), by: pa.Column(nullable=False)}
    columns |= {m: pa.Column(checks=pa.Check.ge(0), nullable=True) for m in measures}
    return pa.DataFrameSchema(columns, strict=False, coerce=False)


# --- QCEW margins -----------------------------------------------------------------------------


def _private(q: pd.DataFrame) -> pd.DataFrame:
    """Private-ownership rows (size slices are private by definition and may lack own_code)."""
    return q[q["own_code"] == OWN_PRIVATE] if "own_code" in q.columns else q


def subsector_estabs(qcew_annual: pd.DataFrame, region: Region,
                     year: int | None = None) -> pd.Series:
    """Private establishments by 3-digit subsector, summed over the region's counties.

    A county x subsector absent from the QCEW file has no establishments (BLS omits empty
    cells) and counts zero.
    """
    year = year or region.years.end
    q = qcew_annual
    rows = q[q["area_fips"].isin(region.county_fips) & (q["year"] == year)
             & (q["own_code"] == OWN_PRIVATE) & (q["size_code"] == SIZE_ALL)
             & q["industry_code"].isin(region.industry.subsectors)]
    if "qtr" in q.columns:
        rows = rows[rows["qtr"] == ANNUAL]
    if rows.empty:
        raise ValueError(f"qcew_annual has no private subsector rows for {year} in the region's"
                         " counties; build the QCEW tables for that year first")
    if rows["estabs"].isna().any():
        bad = rows.loc[rows["estabs"].isna(), ["area_fips", "industry_code"]]
        raise ValueError(f"qcew_annual: establishment count missing for {bad.values.tolist()}")
    out = rows.groupby("industry_code")["estabs"].sum()
    return (out.reindex(region.industry.subsectors, fill_value=0).astype("float64")
            .rename_axis("naics3").rename("estabs"))


def size_estabs(qcew_size: pd.DataFrame, region: Region, year: int | None = None) -> pd.Series:
    """The state's private establishments in the region's sector by size class 1-9.

    From the first-quarter size slices (``qcew_size``: agglvl 64 rows); ``year`` defaults to
    the latest year in the table.
    """
    q = _private(qcew_size)
    rows = q[(q["area_fips"] == region.benchmarks.state.qcew)
             & (q["industry_code"] == region.industry.sector)
             & q["size_code"].isin(SIZE_CLASSES)]
    if "qtr" in q.columns:
        rows = rows[rows["qtr"] == FIRST_QUARTER]
    if rows.empty:
        raise ValueError(f"the QCEW size table has no rows for area"
                         f" {region.benchmarks.state.qcew}, industry {region.industry.sector},"
                         " size classes 1-9 (first quarter)")
    year = year or int(rows["year"].max())
    rows = rows[rows["year"] == year]
    if rows.empty:
        raise ValueError(f"the QCEW size table has no state rows for {year}")
    if rows["size_code"].duplicated().any():
        raise ValueError(f"the QCEW size table repeats a size class for {year}")
    out = rows.set_index("size_code")["estabs"].astype("float64")
    return out.reindex(SIZE_CLASSES, fill_value=0.0).rename_axis("size_class").rename("estabs")


def size_seed(qcew_size: pd.DataFrame, area: str, subsectors: list[str],
              year: int | None = None) -> pd.DataFrame | None:
    """Subsector x size-class establishments of one area (e.g. national agglvl 25 rows) as a
    raking seed, or ``None`` when the table has no such rows."""
    q = _private(qcew_size)
    rows = q[(q["area_fips"] == area) & q["industry_code"].isin(subsectors)
             & q["size_code"].isin(SIZE_CLASSES)]
    if "qtr" in q.columns:
        rows = rows[rows["qtr"] == FIRST_QUARTER]
    if rows.empty:
        return None
    rows = rows[rows["year"] == (year or int(rows["year"].max()))]
    seed = rows.pivot_table(index="industry_code", columns="size_code", values="estabs",
                            aggfunc="sum")
    return (seed.reindex(index=subsectors, columns=list(SIZE_CLASSES)).fillna(0.0)
            .astype("float64").rename_axis(index="naics3", columns="size_class"))


# --- raking -----------------------------------------------------------------------------------


def rake(seed: pd.DataFrame, row_totals: pd.Series, col_totals: pd.Series, *,
         tol: float = 1e-10, max_iter: int = 1000) -> pd.DataFrame:
    """Iterative proportional fitting of ``seed`` to row and column totals.

    Rows and columns are scaled in turn until every row total is within ``tol`` (relative to
    the grand total) of its target; column totals hold exactly after each pass. Zeros in the
    seed stay zero. Raises when the margins disagree, a positive margin has no seed to
    scale, or the fit does not converge in ``max_iter`` passes.
    """
    m = seed.reindex(index=row_totals.index, columns=col_totals.index).astype("float64")
    if m.isna().any().any():
        raise ValueError("the seed lacks some rows or columns of the margins")
    r = row_totals.to_numpy(dtype="float64")
    c = col_totals.to_numpy(dtype="float64")
    x = m.to_numpy()
    if (x < 0).any() or (r < 0).any() or (c < 0).any():
        raise ValueError("seed and margins must be non-negative")
    total = r.sum()
    if not np.isclose(total, c.sum(), rtol=1e-9, atol=1e-9):
        raise ValueError(f"row totals ({total:g}) and column totals ({c.sum():g}) disagree")
    empty_rows = (x.sum(axis=1) == 0) & (r > 0)
    empty_cols = (x.sum(axis=0) == 0) & (c > 0)
    if empty_rows.any() or empty_cols.any():
        raise ValueError("a positive margin has an all-zero seed: rows"
                         f" {list(m.index[empty_rows])}, columns {list(m.columns[empty_cols])}")
    scale = max(total, 1.0)
    for _ in range(max_iter):
        rs = x.sum(axis=1)
        x = x * np.divide(r, rs, out=np.zeros_like(r), where=rs > 0)[:, None]
        cs = x.sum(axis=0)
        x = x * np.divide(c, cs, out=np.zeros_like(c), where=cs > 0)[None, :]
        if np.abs(x.sum(axis=1) - r).max() <= tol * scale:
            return pd.DataFrame(x, index=m.index, columns=m.columns)
    raise ValueError(f"raking did not converge in {max_iter} passes (the seed's zeros may make"
                     " the margins unreachable)")


def universe(subsectors: pd.Series, sizes: pd.Series,
             seed: pd.DataFrame | None = None) -> pd.DataFrame:
    """Regional establishments by subsector x size class (long: naics3, size_class, estabs).

    ``subsectors``: the region's establishments by subsector (:func:`subsector_estabs`);
    ``sizes``: the state's by size class (:func:`size_estabs`), rescaled here to the region's
    total. A subsector whose seed row is all zero is seeded uniformly.
    """
    if sizes.sum() <= 0:
        raise ValueError("the size-class margin is empty")
    target_sizes = sizes / sizes.sum() * subsectors.sum()
    if seed is None:
        s = pd.DataFrame(1.0, index=subsectors.index, columns=sizes.index)
    else:
        s = seed.reindex(index=subsectors.index, columns=sizes.index).fillna(0.0)
        blank = s.sum(axis=1) == 0
        s.loc[blank] = 1.0
    cells = rake(s, subsectors, target_sizes)
    out = cells.stack().rename("estabs").reset_index()
    out.columns = ["naics3", "size_class", "estabs"]
    out["naics3"] = out["naics3"].astype("string")
    out["size_class"] = out["size_class"].astype("int64")
    return out


# --- strata and weights -----------------------------------------------------------------------


def _bands(counts: pd.Series, minimum: int) -> list[list[int]]:
    """Adjacent size classes gathered until each band has ``minimum`` respondents."""
    bands: list[list[int]] = []
    current: list[int] = []
    held = 0
    for size, n in counts.items():
        current.append(int(size))
        held += int(n)
        if held >= minimum:
            bands.append(current)
            current, held = [], 0
    if current:
        if bands:
            bands[-1] += current
        else:
            bands.append(current)
    return bands


def collapse(cells: pd.DataFrame, min_respondents: int = MIN_STRATUM_RESPONDENTS) -> pd.DataFrame:
    """Assign each universe cell (naics3, size_class, estabs, respondents) to a stratum.

    Adds ``group`` (subsector or pool), ``size_band`` ("1-4", "9") and ``stratum`` (a label
    ``"<group> | size <band>"``). The rule is in the module docstring.
    """
    total = int(cells["respondents"].sum())
    if total < min_respondents:
        raise ValueError(f"{total} responding establishment(s): weighting needs at least"
                         f" {min_respondents}")
    by_sub = cells.groupby("naics3", sort=True)["respondents"].sum()
    group = {s: s for s, n in by_sub.items() if n >= min_respondents}
    pools: dict[str, list[str]] = {}
    for s, n in by_sub.items():
        if n < min_respondents:
            pools.setdefault(s[:2], []).append(s)
    residual: list[str] = []
    for two, subs in sorted(pools.items()):
        if by_sub[subs].sum() >= min_respondents:
            group |= {s: f"{two} pooled" for s in subs}
        else:
            residual += subs
    if residual:
        if by_sub[residual].sum() >= min_respondents:
            group |= {s: ALL_POOLED for s in residual}
        else:
            held = {g: by_sub[[s for s, v in group.items() if v == g]].sum()
                    for g in set(group.values())}
            smallest = min(held, key=lambda g: (held[g], g))
            merged = f"{smallest} + other subsectors"
            group = {s: (merged if g == smallest else g) for s, g in group.items()}
            group |= {s: merged for s in residual}
    out = cells.copy()
    out["group"] = out["naics3"].map(group).astype("string")
    out["size_band"] = pd.Series(pd.NA, index=out.index, dtype="string")
    for g, part in out.groupby("group", sort=True):
        counts = part.groupby("size_class")["respondents"].sum().sort_index()
        for band in _bands(counts, min_respondents):
            label = str(band[0]) if len(band) == 1 else f"{band[0]}-{band[-1]}"
            mask = (out["group"] == g) & out["size_class"].isin(band)
            out.loc[mask, "size_band"] = label
    out["stratum"] = (out["group"] + " | size " + out["size_band"]).astype("string")
    return out


@dataclass(frozen=True)
class Design:
    """The weighting design of one survey wave.

    ``cells``: universe cells with respondents and stratum; ``strata``: stratum,
    universe_estabs, respondents, weight; ``weights``: respondent_id, naics3, size_class,
    stratum, weight (confidential: respondent level, never published).
    """

    cells: pd.DataFrame
    strata: pd.DataFrame
    weights: pd.DataFrame


def design(establishments: pd.DataFrame, universe_cells: pd.DataFrame,
           min_respondents: int = MIN_STRATUM_RESPONDENTS) -> Design:
    """Strata and weights for one wave of ``survey_employer_establishments``."""
    est = validate(establishments, ESTABLISHMENT_SCHEMA, ESTABLISHMENTS)
    est = est.assign(naics3=est["naics3"].astype("string"),
                     size_class=est["size_class"].astype("int64"))
    known = set(universe_cells["naics3"])
    outside = est.loc[~est["naics3"].isin(known)]
    if len(outside):
        raise ValueError(f"{ESTABLISHMENTS}: naics3 {sorted(set(outside['naics3']))} of"
                         f" respondent(s) {outside['respondent_id'].tolist()[:10]} is not a"
                         " subsector of the universe")
    counts = est.groupby(["naics3", "size_class"]).size().rename("respondents")
    cells = universe_cells.merge(counts.reset_index(), on=["naics3", "size_class"], how="left")
    cells["respondents"] = cells["respondents"].fillna(0).astype("int64")
    cells = collapse(cells, min_respondents)
    strata = (cells.groupby("stratum", sort=True)
              .agg(group=("group", "first"), size_band=("size_band", "first"),
                   universe_estabs=("estabs", "sum"), respondents=("respondents", "sum"))
              .reset_index())
    strata["weight"] = strata["universe_estabs"] / strata["respondents"]
    weights = est[["respondent_id", "naics3", "size_class"]].merge(
        cells[["naics3", "size_class", "stratum"]], on=["naics3", "size_class"], how="left")
    weights = weights.merge(strata[["stratum", "weight"]], on="stratum", how="left")
    return Design(cells=cells, strata=strata, weights=weights)


# --- estimates --------------------------------------------------------------------------------


def _z(level: float) -> float:
    if not 0 < level < 1:
        raise ValueError(f"confidence level must be between 0 and 1, not {level}")
    return NormalDist().inv_cdf(0.5 + level / 2)


def _measure(d: Design, occ: pd.DataFrame, measure: str, by: str, level: float,
             fpc: bool) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Unprotected estimates of one measure, and the weighted contributions behind them."""
    w = d.weights[["respondent_id", "stratum"]]
    listed = set(occ["respondent_id"])
    blank = set(occ.loc[occ[measure].isna(), "respondent_id"])
    item = w[w["respondent_id"].isin(listed) & ~w["respondent_id"].isin(blank)].copy()
    strata = d.strata.set_index("stratum")
    n_item = item.groupby("stratum").size().reindex(strata.index, fill_value=0)
    big_n = strata["universe_estabs"]
    item["weight"] = item["stratum"].map(big_n / n_item.replace(0, np.nan))
    covered = float(big_n[n_item > 0].sum() / big_n.sum()) if big_n.sum() > 0 else np.nan

    rows = occ[occ["respondent_id"].isin(item["respondent_id"])]
    rows = rows.assign(**{measure: rows[measure].astype("float64")})
    y = (rows.groupby(["respondent_id", by])[measure].sum().unstack(fill_value=0.0)
         .reindex(item["respondent_id"], fill_value=0.0).astype("float64"))
    domains = list(y.columns)
    y[disclosure.TOTAL] = y.sum(axis=1)
    wt = item.set_index("respondent_id")["weight"]
    st = item.set_index("respondent_id")["stratum"]
    est = y.mul(wt, axis=0).sum()
    mean = est / wt.sum() if wt.sum() > 0 else est * np.nan
    var = pd.Series(0.0, index=y.columns)
    for h, ids in st.groupby(st).groups.items():
        yh = y.loc[ids]
        nh, bign = len(yh), float(big_n[h])
        f = max(1.0 - nh / bign, 0.0) if (fpc and bign > 0) else 1.0
        if nh >= 2:
            var += bign**2 * f * yh.var(ddof=1) / nh
        else:
            var += bign**2 * f * (yh.iloc[0] - mean) ** 2
    se = np.sqrt(var)
    z = _z(level)
    reporting = rows.groupby(by)["respondent_id"].nunique().reindex(domains, fill_value=0)
    reporting[disclosure.TOTAL] = len(item)
    out = pd.DataFrame({
        by: pd.array(y.columns, dtype="string"),
        "estimate": est.to_numpy(),
        "se": se.to_numpy(),
        "ci_low": np.maximum(est.to_numpy() - z * se.to_numpy(), 0.0),
        "ci_high": est.to_numpy() + z * se.to_numpy(),
        "respondents": len(item),
        "reporting": reporting.reindex(y.columns).to_numpy(),
        "universe_covered": covered,
    })
    out.insert(0, "measure", measure)
    contrib = rows[["respondent_id", by, measure]].copy()
    contrib["value"] = contrib[measure] * contrib["respondent_id"].map(wt)
    return out, contrib[["respondent_id", by, "value"]]


def estimate_totals(d: Design, occupations: pd.DataFrame, rule: Disclosure,
                    measures: tuple[str, ...] | list[str] = MEASURES, by: str = "soc", *,
                    level: float = 0.95, fpc: bool = False) -> pd.DataFrame:
    """Regional totals of each measure by ``by`` (an occupation code column) and in total.

    ``occupations`` is ``survey_employer_occupations`` for the design's wave (rows of
    respondents outside the design are an error). ``rule`` is ``region.disclosure``. One row
    per measure x occupation plus a ``Total`` row per measure: estimate, se, ci_low,
    ci_high, respondents (item respondents behind the measure), reporting (those listing the
    occupation), universe_covered, status, reason. Suppressed rows have no numbers.
    """
    measures = list(measures)
    occ = validate(occupations, _occupation_schema(by, measures), OCCUPATIONS)
    occ = occ.assign(**{by: occ[by].astype("string"),
                        "respondent_id": occ["respondent_id"].astype("string")})
    d_ids = set(d.weights["respondent_id"].astype("string"))
    stray = sorted(set(occ["respondent_id"]) - d_ids)
    if stray:
        raise ValueError(f"{OCCUPATIONS}: respondent(s) {stray[:10]} are not in the weighting"
                         " design (another wave, or refused on ingestion?)")
    d = Design(d.cells, d.strata,
               d.weights.assign(respondent_id=d.weights["respondent_id"].astype("string")))
    levels = sorted(occ[by].unique().tolist())
    tables = []
    for m in measures:
        est, contrib = _measure(d, occ, m, by, level, fpc)
        published = disclosure.protect(contrib, rule, rows=by, value="value",
                                       row_levels=levels)
        est = est.merge(published[[by, "status", "reason"]], on=by, how="left")
        hidden = est["status"] != disclosure.SHOWN
        for col in ["estimate", "se", "ci_low", "ci_high", "reporting"]:
            est[col] = est[col].astype("Float64" if col != "reporting" else "Int64").mask(hidden)
        tables.append(est)
    out = pd.concat(tables, ignore_index=True)
    out["respondents"] = out["respondents"].astype("Int64")
    return out


def coverage(establishments: pd.DataFrame, qcew_annual: pd.DataFrame, region: Region,
             year: int | None = None) -> pd.DataFrame:
    """Respondents' employment as a share of QCEW private manufacturing employment.

    One row per county of the region and a ``Total`` row. County respondent counts and
    employment pass the region's disclosure rules (with complementary suppression); a county
    whose QCEW sector employment is suppressed or absent has no coverage, nor has the total.
    """
    year = year or region.years.end
    est = validate(establishments, ESTABLISHMENT_SCHEMA, ESTABLISHMENTS)
    contrib = est[["respondent_id", "county_fips", "total_employment"]]
    published = disclosure.protect(contrib, region.disclosure, rows="county_fips",
                                   value="total_employment", row_levels=region.county_fips)
    q = qcew_annual
    rows = q[q["area_fips"].isin(region.county_fips) & (q["year"] == year)
             & (q["own_code"] == OWN_PRIVATE) & (q["size_code"] == SIZE_ALL)
             & (q["industry_code"] == region.industry.sector)]
    if "qtr" in q.columns:
        rows = rows[rows["qtr"] == ANNUAL]
    qcew = rows.set_index("area_fips")[["employment", "suppressed"]]
    out = published.rename(columns={"value": "respondent_employment"})
    county = out["county_fips"]
    emp = county.map(qcew["employment"]).astype("Float64")
    total_emp = emp.sum() if emp[county != disclosure.TOTAL].notna().all() else pd.NA
    emp = emp.mask(county == disclosure.TOTAL, total_emp)
    out["qcew_employment"] = emp.astype("Float64")
    out["qcew_suppressed"] = county.map(qcew["suppressed"]).fillna(False).astype(bool)
    out["coverage"] = (out["respondent_employment"] / out["qcew_employment"]).astype("Float64")
    names = region.county_names | {disclosure.TOTAL: region.name}
    out.insert(1, "county", county.map(names).astype("string"))
    return out[["county_fips", "county", "respondents", "respondent_employment",
                "qcew_employment", "coverage", "qcew_suppressed", "status", "reason"]]
