"""Charts and maps, one function each, returning a matplotlib Figure (notebooks show it with
:func:`assessment.present.figure`). One house style for the whole report."""

from __future__ import annotations

import geopandas as gpd
import matplotlib.pyplot as plt
import matplotlib.ticker as mticker
import pandas as pd
import seaborn as sns

# Okabe & Ito's colour-blind-safe set (Color Universal Design, 2008), in the order series take
# them: blue, orange, bluish green, vermillion, reddish purple, sky blue, black (its yellow is
# left out: too faint on white). Orange stays the highlight colour the notes name ("Orange: …").
PALETTE = ["#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#000000"]
HIGHLIGHT = PALETTE[1]
REGION_COLOR = PALETTE[0]
# An ordered scale (e.g. schooling from none to a degree): cividis, readable in every common
# form of colour blindness and in grey.
SEQUENTIAL = "cividis"


def ordered_colors(n: int) -> list[str]:
    """``n`` colours of the ordered scale, light to dark ends included."""
    from matplotlib.colors import to_hex

    cmap = plt.get_cmap(SEQUENTIAL)
    return [to_hex(cmap(i / max(n - 1, 1))) for i in range(n)]


def text_color_on(color: str) -> str:
    """White or near-black, whichever reads better on ``color`` (WCAG relative luminance)."""
    from matplotlib.colors import to_rgb

    lin = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in to_rgb(color)]
    lum = 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]
    return "white" if (1.05 / (lum + 0.05)) >= ((lum + 0.05) / 0.05) else "#222222"
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
    colors = [HIGHLIGHT if highlight is not None and bool(highlight.get(k, False))
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
    shown = region.dropna(subset=["value"]).sort_values("value", ascending=False)
    ranked = "; ".join(f"{r['NAME']} {fmt.format(r['value'])}" for _, r in shown.iterrows())
    missing = region[region["value"].isna()]["NAME"].tolist()
    return set_alt(fig, f"Map: {title}. The region's {len(region)} counties shaded by {legend}, "
                   f"darker for more, highest first: {ranked}."
                   + (f" Withheld: {', '.join(missing)}." if missing else ""))


# --- alt text ----------------------------------------------------------------------------------
# Every figure in the report carries alt text that says what it shows, for readers who cannot
# see it (screen readers, the tagged PDF). A chart function may set its own (``set_alt``);
# otherwise ``alt_text`` reads it off the figure itself: title, axes, and the values drawn.

_ALT = "_assessment_alt"


def set_alt(fig: plt.Figure, text: str) -> plt.Figure:
    """Attach alt text to ``fig`` (present.figure uses it when the notebook gives none)."""
    setattr(fig, _ALT, " ".join(text.split()))
    return fig


def _num(v: float) -> str:
    if not pd.notna(v):
        return "withheld"
    return f"{v:,.0f}" if abs(v) >= 100 or float(v).is_integer() else f"{v:,.1f}"


def _shown(label: object) -> bool:
    return bool(str(label)) and not str(label).startswith("_")


def _categories(ax, horizontal: bool) -> dict[float, str]:
    ticks = ax.get_yticklabels() if horizontal else ax.get_xticklabels()
    locs = ax.get_yticks() if horizontal else ax.get_xticks()
    return {round(float(loc), 2): t.get_text() for loc, t in zip(locs, ticks, strict=False)
            if t.get_text()}


def _bars(ax) -> list[str]:
    """'name value' for the largest and smallest bars of each labelled series."""
    from matplotlib.container import BarContainer

    out = []
    for c in ax.containers:
        if not isinstance(c, BarContainer):
            continue
        horizontal = getattr(c, "orientation", "vertical") == "horizontal"
        cats = _categories(ax, horizontal)
        items = []
        for p in c.patches:
            pos = p.get_y() + p.get_height() / 2 if horizontal else p.get_x() + p.get_width() / 2
            value = p.get_width() if horizontal else p.get_height()
            name = cats.get(round(pos, 2)) or min(cats.items(), key=lambda kv: abs(kv[0] - pos),
                                                  default=(0, ""))[1]
            items.append((name.replace("\n", " "), float(value)))
        items = [(n, v) for n, v in items if pd.notna(v)]
        if not items:
            continue
        ranked = sorted(items, key=lambda kv: -kv[1])
        series = f"{c.get_label()}: " if _shown(c.get_label()) else ""
        top = "; ".join(f"{n} {_num(v)}" for n, v in ranked[:3])
        low = f"; smallest {ranked[-1][0]} {_num(ranked[-1][1])}" if len(ranked) > 3 else ""
        out.append(f"{series}{len(items)} bars, largest {top}{low}")
    return out


def _ranked(names_values: list[tuple[str, float]], what: str) -> str:
    items = sorted(((n, v) for n, v in names_values if pd.notna(v)), key=lambda kv: -kv[1])
    if not items:
        return ""
    top = "; ".join(f"{n} {_num(v)}" for n, v in items[:3])
    low = f"; lowest {items[-1][0]} {_num(items[-1][1])}" if len(items) > 3 else ""
    return f"{what}: {len(items)} values, highest {top}{low}"


def _points(ax) -> list[str]:
    """Dots on a category axis (dot plots, error bars, scatter of labelled series)."""
    from matplotlib.collections import PathCollection
    from matplotlib.container import ErrorbarContainer

    cats = _categories(ax, horizontal=True)
    out = []

    def named(xs, ys, label):
        pairs = [(cats.get(round(float(y), 2), ""), float(x)) for x, y in zip(xs, ys,
                                                                               strict=False)]
        if pairs and all(n for n, _ in pairs):
            out.append(_ranked(pairs, label))

    for c in ax.containers:
        if isinstance(c, ErrorbarContainer) and c.lines[0] is not None:
            line = c.lines[0]
            named(line.get_xdata(), line.get_ydata(), "estimates with intervals")
    for line in ax.get_lines():
        if line.get_linestyle() in ("None", "", " ") and _shown(line.get_label()):
            named(line.get_xdata(), line.get_ydata(), line.get_label())
    for coll in ax.collections:
        if isinstance(coll, PathCollection) and _shown(coll.get_label()):
            xy = coll.get_offsets()
            if len(xy):
                named(xy[:, 0], xy[:, 1], coll.get_label())
    return [o for o in out if o]


def _lines(ax) -> list[str]:
    out = []
    for line in ax.get_lines():
        x, y = line.get_xdata(), line.get_ydata()
        if len(x) == 2 and x[0] == x[1] and line.get_transform() != ax.transData:
            if _shown(line.get_label()):  # axvline: a reference value
                out.append(f"reference line {line.get_label()} at {_num(float(x[0]))}")
            continue
        if (not _shown(line.get_label()) or len(x) < 2
                or line.get_linestyle() in ("None", "", " ")):
            continue
        ys = pd.Series(y, dtype=float)
        first, last = ys.first_valid_index(), ys.last_valid_index()
        if first is None:
            continue
        out.append(f"{line.get_label()} from {_num(ys[first])} to {_num(ys[last])} "
                   f"(low {_num(ys.min())}, high {_num(ys.max())})")
    return out


def _legend(ax) -> list[str]:
    legend = ax.get_legend()
    return [t.get_text() for t in legend.get_texts()] if legend else []


def alt_text(fig: plt.Figure) -> str:
    """The figure's alt text: its own (``set_alt``), else read off its axes: the title, what
    the axes measure, and the values of the bars and lines drawn (largest, smallest, first and
    last), or, for a map or heat map, its legend and labels."""
    own = getattr(fig, _ALT, None)
    if own:
        return own
    parts = []
    title = fig._suptitle.get_text() if getattr(fig, "_suptitle", None) else ""
    if title:
        parts.append(title + ".")
    for ax in fig.get_axes():
        if not ax.get_visible() or ax.get_label() == "<colorbar>":
            continue
        head = ax.get_title(loc="left") or ax.get_title()
        bars, lines, points = _bars(ax), _lines(ax), _points(ax)
        kind = ("Bar chart" if bars else "Dot chart" if points else "Line chart" if lines
                else "Heat map" if ax.images else "Map" if not ax.axison else "Chart")
        what = [f"{kind}{': ' + head if head else ''}"]
        if ax.axison:
            xl, yl = ax.get_xlabel(), ax.get_ylabel()
            if xl:
                what.append(f"horizontal axis {xl.replace(chr(10), ' ')}")
            if yl:
                what.append(f"vertical axis {yl.replace(chr(10), ' ')}")
        what += bars + points + lines
        if ax.images:
            rows = [t.get_text() for t in ax.get_yticklabels() if t.get_text()]
            cols = [t.get_text() for t in ax.get_xticklabels() if t.get_text()]
            what.append(f"{len(rows)} rows ({', '.join(rows[:4])}…) by {len(cols)} columns "
                        f"({', '.join(cols[:4])}…)")
        legend = _legend(ax)
        if legend and not lines and not points:
            what.append("legend: " + ", ".join(legend))
        parts.append("; ".join(what) + ".")
    return " ".join(" ".join(parts).split())
