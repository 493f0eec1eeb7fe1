"""Charts and maps, one function each, returning a matplotlib Figure (notebooks show it with
:func:`assessment.present.figure`). One house style for the whole report."""

from __future__ import annotations

import geopandas as gpd
import matplotlib.pyplot as plt
import matplotlib.ticker as mticker
import pandas as pd
import seaborn as sns

PALETTE = ["#1b5e83", "#e07b39", "#6a9f58", "#b5495b", "#7f6aa3", "#c9a227", "#4c9aa8"]
REGION_COLOR = PALETTE[0]
WIDTH = 7.0  # inches: the report's text width


def style() -> None:
    sns.set_theme(context="paper", style="whitegrid", palette=PALETTE, font="DejaVu Sans",
                  rc={"axes.titleweight": "bold", "axes.titlesize": 10, "axes.labelsize": 9,
                      "xtick.labelsize": 8, "ytick.labelsize": 8, "legend.fontsize": 8,
                      "figure.dpi": 110})


style()


def _thousands(ax, axis: str = "y") -> None:
    fmt = mticker.FuncFormatter(lambda v, _: f"{v:,.0f}")
    (ax.yaxis if axis == "y" else ax.xaxis).set_major_formatter(fmt)


def indexed_trend(series: pd.DataFrame, title: str, ylabel: str) -> plt.Figure:
    """Lines of an index (first year = 100) for several areas. ``series``: year x area."""
    fig, ax = plt.subplots(figsize=(WIDTH, 3.2))
    indexed = series.div(series.iloc[0]).mul(100)
    for i, col in enumerate(indexed.columns):
        ax.plot(indexed.index, indexed[col], marker="o", lw=2.2 if i == 0 else 1.4,
                color=PALETTE[i % len(PALETTE)], label=col)
    ax.axhline(100, color="#888", lw=0.8, ls="--")
    ax.set_title(title, loc="left")
    ax.set_ylabel(ylabel)
    ax.set_xlabel("")
    ax.xaxis.set_major_locator(mticker.MaxNLocator(integer=True))
    ax.legend(frameon=False, ncols=min(len(indexed.columns), 4), loc="upper left")
    fig.tight_layout()
    return fig


def horizontal_bars(values: pd.Series, title: str, xlabel: str, *,
                    highlight: pd.Series | None = None, reference: float | None = None,
                    fmt: str = "{:,.0f}") -> plt.Figure:
    """Sorted horizontal bars with value labels; ``highlight`` (bool) colours some bars."""
    values = values.dropna().sort_values()
    fig, ax = plt.subplots(figsize=(WIDTH, 0.28 * len(values) + 0.9))
    colors = [PALETTE[1] if highlight is not None and bool(highlight.get(k, False))
              else REGION_COLOR for k in values.index]
    ax.barh(values.index.astype(str), values.to_numpy(dtype=float), color=colors)
    for y, v in enumerate(values):
        ax.text(v, y, " " + fmt.format(v), va="center", fontsize=7)
    if reference is not None:
        ax.axvline(reference, color="#555", lw=0.9, ls="--")
    ax.set_title(title, loc="left")
    ax.set_xlabel(xlabel)
    ax.margins(x=0.15)
    ax.grid(axis="y", visible=False)
    fig.tight_layout()
    return fig


def shift_share_bars(table: pd.DataFrame, labels: pd.Series, title: str) -> plt.Figure:
    """Stacked components (national growth, industry mix, regional shift) by industry."""
    comp = table.set_index("industry_code")[["national_growth", "industry_mix",
                                             "regional_shift"]].astype(float).dropna()
    comp.index = [labels.get(i, i) for i in comp.index]
    comp = comp.loc[comp.sum(axis=1).sort_values().index]
    fig, ax = plt.subplots(figsize=(WIDTH, 0.32 * len(comp) + 1.2))
    left_pos = pd.Series(0.0, index=comp.index)
    left_neg = pd.Series(0.0, index=comp.index)
    names = {"national_growth": "National growth", "industry_mix": "Industry mix",
             "regional_shift": "Regional shift"}
    for i, col in enumerate(comp.columns):
        v = comp[col]
        left = left_pos.where(v >= 0, left_neg)
        ax.barh(comp.index, v, left=left, color=PALETTE[i], label=names[col])
        left_pos = left_pos + v.clip(lower=0)
        left_neg = left_neg + v.clip(upper=0)
    ax.axvline(0, color="#333", lw=0.8)
    ax.set_title(title, loc="left")
    ax.set_xlabel("Jobs")
    _thousands(ax, "x")
    ax.legend(frameon=False, ncols=3, loc="upper center", bbox_to_anchor=(0.5, -0.22))
    ax.grid(axis="y", visible=False)
    fig.tight_layout()
    return fig


def county_map(counties: gpd.GeoDataFrame, values: pd.Series, title: str, legend: str,
               *, fmt: str = "{:,.0f}", cmap: str = "Blues") -> plt.Figure:
    """Choropleth of the region's counties (``values`` indexed by GEOID) on the state outline.

    Projected to California Albers (EPSG:3310) so areas and shapes are true."""
    gdf = counties.to_crs("EPSG:3310")
    region = gdf[gdf["in_region"]].copy()
    region["value"] = region["GEOID"].map(values).astype(float)
    fig, ax = plt.subplots(figsize=(WIDTH, 5.2))
    gdf.plot(ax=ax, color="#efefef", edgecolor="#bbbbbb", linewidth=0.4)
    region.plot(ax=ax, column="value", cmap=cmap, edgecolor="#333333", linewidth=0.7,
                legend=True, legend_kwds={"label": legend, "shrink": 0.6},
                missing_kwds={"color": "#dddddd", "hatch": "///", "label": "suppressed"})
    for _, row in region.iterrows():
        pt = row.geometry.representative_point()
        text = row["NAME"] + ("\n" + fmt.format(row["value"]) if pd.notna(row["value"]) else "")
        ax.annotate(text, (pt.x, pt.y), ha="center", va="center", fontsize=7,
                    bbox={"boxstyle": "round,pad=0.15", "fc": "white", "ec": "none",
                          "alpha": 0.75})
    minx, miny, maxx, maxy = region.total_bounds
    pad = 0.35 * max(maxx - minx, maxy - miny)
    ax.set_xlim(minx - pad, maxx + pad)
    ax.set_ylim(miny - pad * 0.3, maxy + pad * 0.3)
    ax.set_axis_off()
    ax.set_title(title, loc="left")
    fig.tight_layout()
    return fig
