"""Industry metrics on the tidy QCEW table: regional totals, location quotients, shift-share.

All functions take the tidy ``qcew_annual`` table (see :mod:`assessment.sources.qcew`) and
select private-ownership rows for all establishment sizes. Suppressed cells are missing in that
table; a regional sum over counties therefore covers only the counties that disclosed the cell,
and every regional figure carries ``counties_reporting`` / ``counties_suppressed`` so a reader can
tell a complete total from a lower bound.
"""

from __future__ import annotations

import pandas as pd

from assessment.constants import ALL_INDUSTRIES, OWN_PRIVATE
from assessment.region import Region

SIZE_ALL = 0


def private(qcew: pd.DataFrame, industries: list[str] | None = None) -> pd.DataFrame:
    """Private-ownership, all-size rows, optionally for some industry codes only."""
    rows = qcew[(qcew["own_code"] == OWN_PRIVATE) & (qcew["size_code"] == SIZE_ALL)]
    if industries is not None:
        rows = rows[rows["industry_code"].isin(industries)]
    return rows


def county_industry(qcew: pd.DataFrame, region: Region, industries: list[str]) -> pd.DataFrame:
    """County x year x industry: estabs, employment, wages, pay, suppression flag."""
    rows = private(qcew, industries)
    rows = rows[rows["area_fips"].isin(region.county_fips)]
    out = rows[["area_fips", "year", "industry_code", "estabs", "employment", "total_wages",
                "avg_annual_pay", "suppressed"]].copy()
    out.insert(1, "county", out["area_fips"].map(region.county_names))
    return out.sort_values(["area_fips", "industry_code", "year"], ignore_index=True)


def region_totals(qcew: pd.DataFrame, region: Region, industries: list[str]) -> pd.DataFrame:
    """Region x year x industry, summed over counties that disclosed the cell.

    ``avg_annual_pay`` is total wages over employment of the reporting counties (a weighted
    mean, not a mean of county means).
    """
    c = county_industry(qcew, region, industries)
    g = c.groupby(["year", "industry_code"])
    out = pd.DataFrame({
        "estabs": g["estabs"].sum(min_count=1),
        "employment": g["employment"].sum(min_count=1),  # all suppressed -> missing, not 0
        "total_wages": g["total_wages"].sum(min_count=1),
        "counties_suppressed": g["suppressed"].sum(),
    }).reset_index()
    reporting = g["employment"].count().rename("counties_reporting").reset_index()
    out = out.merge(reporting, on=["year", "industry_code"])
    out["counties_suppressed"] = out["counties_suppressed"].astype("int64")
    out["avg_annual_pay"] = out["total_wages"] / out["employment"]
    out["complete"] = out["counties_suppressed"] == 0
    return out


def benchmark(qcew: pd.DataFrame, area: str, industries: list[str]) -> pd.DataFrame:
    rows = private(qcew, industries)
    rows = rows[rows["area_fips"] == area]
    return rows[["year", "industry_code", "estabs", "employment", "total_wages",
                 "avg_annual_pay", "suppressed"]].reset_index(drop=True)


def location_quotients(local: pd.DataFrame, local_total: pd.Series,
                       base: pd.DataFrame, base_total: pd.Series) -> pd.Series:
    """LQ_i = (e_i / e) / (E_i / E).

    ``local``/``base`` are indexed by industry with an ``employment`` column; ``local_total``
    and ``base_total`` are scalars (all-industry private employment).
    """
    share = local["employment"] / local_total
    base_share = base["employment"] / base_total
    return (share / base_share.reindex(share.index)).rename("lq")


def lq_table(qcew: pd.DataFrame, region: Region, year: int, industries: list[str],
             base_area: str) -> pd.DataFrame:
    """Location quotients of the region and of each county against ``base_area`` in ``year``.

    Private employment throughout: e_i / e is the area's industry share of its private
    employment, E_i / E the base area's. Suppressed county cells give no LQ (missing); where
    some county suppressed a cell, the region's LQ is a lower bound (``region_complete`` False).
    """
    q = qcew[qcew["year"] == year]
    base = benchmark(q, base_area, industries + [ALL_INDUSTRIES]).set_index("industry_code")
    base_total = base.loc[ALL_INDUSTRIES, "employment"]
    base = base.drop(index=ALL_INDUSTRIES)

    reg = region_totals(q, region, industries + [ALL_INDUSTRIES]).set_index("industry_code")
    reg_total = reg.loc[ALL_INDUSTRIES, "employment"]
    reg = reg.drop(index=ALL_INDUSTRIES)
    out = pd.DataFrame({"region": location_quotients(reg, reg_total, base, base_total),
                        "region_complete": reg["complete"]})

    counties = county_industry(q, region, industries + [ALL_INDUSTRIES])
    for fips, rows in counties.groupby("area_fips"):
        rows = rows.set_index("industry_code")
        total = rows.loc[ALL_INDUSTRIES, "employment"]
        name = region.county_names[fips]
        out[name] = location_quotients(rows.drop(index=ALL_INDUSTRIES), total, base, base_total)
    out.index.name = "industry_code"
    return out.reset_index()


def shift_share(local_start: pd.Series, local_end: pd.Series, base_start: pd.Series,
                base_end: pd.Series, base_total_start: float, base_total_end: float
                ) -> pd.DataFrame:
    """Classic three-component shift-share of local employment change, by industry.

    With e = local, E = base (national) employment, G = E_total growth rate,
    G_i = base growth of industry i and g_i = local growth of industry i:

    * national growth  NS_i = e_i0 * G
    * industry mix     IM_i = e_i0 * (G_i - G)
    * regional shift   RS_i = e_i0 * (g_i - G_i)

    and NS + IM + RS = e_it - e_i0 exactly. Series are indexed by industry.
    """
    g_total = base_total_end / base_total_start - 1
    g_base = base_end / base_start - 1
    g_local = local_end / local_start - 1
    out = pd.DataFrame({
        "employment_start": local_start,
        "employment_end": local_end,
        "change": local_end - local_start,
        "national_growth": local_start * g_total,
        "industry_mix": local_start * (g_base - g_total),
        "regional_shift": local_start * (g_local - g_base),
    })
    out.index.name = "industry_code"
    return out


def shift_share_table(qcew: pd.DataFrame, region: Region, industries: list[str],
                      base_area: str, start: int, end: int) -> pd.DataFrame:
    """Shift-share of the region's private employment change from ``start`` to ``end``.

    Industries whose regional total is incomplete in either year (a county suppressed the
    cell) are left out of the decomposition and listed with ``complete`` False, so a
    suppression change cannot masquerade as growth.
    """
    reg = region_totals(qcew[qcew["year"].isin([start, end])], region, industries)
    base = benchmark(qcew[qcew["year"].isin([start, end])], base_area,
                     industries + [ALL_INDUSTRIES])
    bt = base[base.industry_code == ALL_INDUSTRIES].set_index("year")["employment"]
    b = base[base.industry_code != ALL_INDUSTRIES].pivot(index="industry_code", columns="year",
                                                         values="employment")
    e = reg.pivot(index="industry_code", columns="year", values="employment")
    complete = reg.pivot(index="industry_code", columns="year", values="complete").all(axis=1)
    ok = complete[complete].index
    out = shift_share(e.loc[ok, start], e.loc[ok, end], b.loc[ok, start], b.loc[ok, end],
                      float(bt[start]), float(bt[end]))
    out = out.reindex(e.index)
    out["complete"] = complete.reindex(e.index).fillna(False).astype(bool)
    return out.reset_index()


def growth(first: float, last: float) -> float:
    """Percent change, first to last."""
    return (last / first - 1) * 100
