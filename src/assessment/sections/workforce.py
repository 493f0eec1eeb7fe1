"""Section 2, the workforce: who the region's workers are and what stands in their way.

Labor force and unemployment (LAUS; ACS participation), education and English ability (ACS),
barriers to work (ACS commuting, poverty, disability, veterans), the manufacturing workforce
(QWI by sex, age, race and ethnicity against the all-jobs mix of LODES; hires, turnover and
new-hire earnings; recent EDD monthly jobs) and where manufacturing jobs are (LODES tracts).

Honesty rules carried into every table: ACS shares come with their 90 percent margins of error
(Census formulas, :mod:`assessment.metrics.acs_moe`) and a CV; an estimate with a CV above 30
percent is flagged as unreliable. QWI values withheld under a status flag stay missing: a
regional total is shown only when every county's cell is published, and shares and averages are
computed over the county-quarters whose cells are all published, with the number left out said.
"""

from __future__ import annotations

import textwrap
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

import matplotlib.pyplot as plt
import matplotlib.ticker as mticker
import numpy as np
import pandas as pd
from matplotlib.patches import Patch

from assessment import dataset, figures, present, sources
from assessment.metrics import acs_moe
from assessment.paths import Mode
from assessment.region import Region, load_region
from assessment.sources import edd_ces as edd_ces_source
from assessment.sources import qwi as qwi_source

UNRELIABLE_CV = 30.0  # percent: above this an ACS estimate is flagged as unreliable
REGION_GEOID_LEVEL = "region"
QUARTERS = (1, 2, 3, 4)
QWI_MEASURES = ("Emp", "HirA", "Sep", "TurnOvrS", "EarnS", "EarnHirAS")
EDD_MANUFACTURING = "30-000000"  # EDD CES series code for manufacturing


# --- ACS indicators ----------------------------------------------------------------------------


def _v(table: str, *numbers: int) -> tuple[str, ...]:
    return tuple(f"{table}_{n:03d}" for n in numbers)


@dataclass(frozen=True)
class Indicator:
    """A share of an ACS universe: the summed ``num`` variables over the summed ``den``."""

    label: str
    table: str
    num: tuple[str, ...]
    den: tuple[str, ...]
    universe: str
    short: str = ""  # a column heading for tables by county

    @property
    def heading(self) -> str:
        return self.short or self.label


# Variable numbers from the ACS table shells (the API's groups/{table}.json lists them).
INDICATORS: dict[str, Indicator] = {
    # B23025 employment status, population 16 and over
    "participation": Indicator("In the labor force", "B23025", _v("B23025", 2),
                               _v("B23025", 1), "population 16 and over", "In labor force"),
    "acs_unemployment": Indicator("Unemployment rate (ACS)", "B23025", _v("B23025", 5),
                                  _v("B23025", 3), "civilian labor force", "Unemployed"),
    # B15003 educational attainment, population 25 and over
    "no_diploma": Indicator("No high school diploma", "B15003", _v("B15003", *range(2, 17)),
                            _v("B15003", 1), "population 25 and over", "No diploma"),
    "high_school": Indicator("High school diploma or equivalent", "B15003",
                             _v("B15003", 17, 18), _v("B15003", 1), "population 25 and over"),
    "some_college": Indicator("Some college, no degree", "B15003", _v("B15003", 19, 20),
                              _v("B15003", 1), "population 25 and over"),
    "associate": Indicator("Associate's degree", "B15003", _v("B15003", 21), _v("B15003", 1),
                           "population 25 and over"),
    "bachelors": Indicator("Bachelor's degree or higher", "B15003", _v("B15003", 22, 23, 24, 25),
                           _v("B15003", 1), "population 25 and over", "Bachelor's+"),
    # C16001 language spoken at home by ability to speak English, population 5 and over
    "english_only": Indicator("Speak only English at home", "C16001", _v("C16001", 2),
                              _v("C16001", 1), "population 5 and over"),
    "spanish": Indicator("Speak Spanish at home", "C16001", _v("C16001", 3), _v("C16001", 1),
                         "population 5 and over"),
    "limited_english": Indicator("Speak English less than \"very well\"", "C16001",
                                 _v("C16001", *range(5, 39, 3)), _v("C16001", 1),
                                 "population 5 and over", "Limited English"),
    "spanish_limited_english": Indicator(
        "Spanish speakers with English less than \"very well\"", "C16001", _v("C16001", 5),
        _v("C16001", 1), "population 5 and over"),
    # B08301 means of transportation to work, workers 16 and over
    "drove_alone": Indicator("Drove alone", "B08301", _v("B08301", 3), _v("B08301", 1),
                             "workers 16 and over"),
    "carpooled": Indicator("Carpooled", "B08301", _v("B08301", 4), _v("B08301", 1),
                           "workers 16 and over"),
    "transit": Indicator("Public transportation", "B08301", _v("B08301", 10), _v("B08301", 1),
                         "workers 16 and over", "Transit"),
    "walk_bike": Indicator("Walked or bicycled", "B08301", _v("B08301", 18, 19),
                           _v("B08301", 1), "workers 16 and over"),
    "other_means": Indicator("Taxi, motorcycle or other means", "B08301",
                             _v("B08301", 16, 17, 20), _v("B08301", 1), "workers 16 and over"),
    "worked_home": Indicator("Worked from home", "B08301", _v("B08301", 21), _v("B08301", 1),
                             "workers 16 and over", "From home"),
    # B08303 travel time to work, workers 16 and over who did not work from home
    "commute_under_15": Indicator("Commute under 15 minutes", "B08303", _v("B08303", 2, 3, 4),
                                  _v("B08303", 1), "workers who did not work from home"),
    "commute_15_29": Indicator("Commute 15 to 29 minutes", "B08303", _v("B08303", 5, 6, 7),
                               _v("B08303", 1), "workers who did not work from home"),
    "commute_30_44": Indicator("Commute 30 to 44 minutes", "B08303", _v("B08303", 8, 9, 10),
                               _v("B08303", 1), "workers who did not work from home"),
    "commute_45_plus": Indicator("Commute 45 minutes or more", "B08303",
                                 _v("B08303", 11, 12, 13), _v("B08303", 1),
                                 "workers who did not work from home", "Commute 45+ min"),
    "commute_60_plus": Indicator("Commute an hour or more", "B08303", _v("B08303", 12, 13),
                                 _v("B08303", 1), "workers who did not work from home"),
    # B17001 poverty status by sex by age (male 18-64: 010-014 below, 039-043 at or above;
    # female 18-64: 024-028 below, 053-057 at or above)
    "poverty": Indicator("Below the poverty level, all ages", "B17001", _v("B17001", 2),
                         _v("B17001", 1), "population for whom poverty status is determined"),
    "poverty_18_64": Indicator(
        "Below the poverty level, aged 18 to 64", "B17001", _v("B17001", *range(10, 15),
                                                               *range(24, 29)),
        _v("B17001", *range(10, 15), *range(24, 29), *range(39, 44), *range(53, 58)),
        "population 18 to 64 for whom poverty status is determined", "Poverty 18-64"),
    "poverty_women_18_64": Indicator(
        "Below the poverty level, women 18 to 64", "B17001", _v("B17001", *range(24, 29)),
        _v("B17001", *range(24, 29), *range(53, 58)), "women 18 to 64"),
    "poverty_men_18_64": Indicator(
        "Below the poverty level, men 18 to 64", "B17001", _v("B17001", *range(10, 15)),
        _v("B17001", *range(10, 15), *range(39, 44)), "men 18 to 64"),
    # B18120 employment status by disability status, civilian noninstitutionalized 18 to 64
    "disability": Indicator("With a disability, aged 18 to 64", "B18120",
                            _v("B18120", 4, 13, 22), _v("B18120", 1),
                            "civilian noninstitutionalized population 18 to 64",
                            "Disability 18-64"),
    "disability_employed": Indicator("Employed, people with a disability", "B18120",
                                     _v("B18120", 4), _v("B18120", 4, 13, 22),
                                     "people 18 to 64 with a disability",
                                     "Employed w/ disability"),
    "no_disability_employed": Indicator("Employed, people without a disability", "B18120",
                                        _v("B18120", 11), _v("B18120", 11, 20, 29),
                                        "people 18 to 64 without a disability"),
    # B21001 sex by age by veteran status, civilian population 18 and over
    "veterans": Indicator("Veterans, aged 18 and over", "B21001", _v("B21001", 2),
                          _v("B21001", 1), "civilian population 18 and over"),
    "veterans_18_64": Indicator("Veterans, aged 18 to 64", "B21001",
                                _v("B21001", 8, 11, 14, 26, 29, 32),
                                _v("B21001", 7, 10, 13, 25, 28, 31),
                                "civilian population 18 to 64", "Veterans 18-64"),
    # C24030 sex by industry, civilian employed population 16 and over (residents)
    "women_manufacturing": Indicator("Women, of manufacturing workers", "C24030",
                                     _v("C24030", 34), _v("C24030", 7, 34),
                                     "employed residents in manufacturing",
                                     "Women, manufacturing"),
    "women_all_industries": Indicator("Women, of workers in all industries", "C24030",
                                      _v("C24030", 29), _v("C24030", 1),
                                      "employed residents, all industries",
                                      "Women, all industries"),
}

EDUCATION = ["no_diploma", "high_school", "some_college", "associate", "bachelors"]
LANGUAGE = ["english_only", "spanish", "limited_english", "spanish_limited_english"]
COMMUTE_MEANS = ["drove_alone", "carpooled", "transit", "walk_bike", "other_means",
                 "worked_home"]
COMMUTE_TIME = ["commute_under_15", "commute_15_29", "commute_30_44", "commute_45_plus",
                "commute_60_plus"]
HARDSHIP = ["poverty", "poverty_18_64", "poverty_women_18_64", "poverty_men_18_64",
            "disability", "disability_employed", "no_disability_employed", "veterans",
            "veterans_18_64"]
SKILLS_BY_COUNTY = ["no_diploma", "bachelors", "limited_english"]
COMMUTE_BY_COUNTY = ["commute_45_plus", "transit", "worked_home"]
HARDSHIP_BY_COUNTY = ["poverty_18_64", "disability", "disability_employed", "veterans_18_64"]
BARRIER_PANELS = ["poverty_18_64", "commute_45_plus", "transit", "disability",
                  "disability_employed", "veterans_18_64"]


def acs_share(acs: pd.DataFrame, indicator: Indicator) -> pd.DataFrame:
    """One share per ``geoid`` (percent), with its MOE (percentage points), CV and a flag.

    ``acs`` is the tidy ACS table (``geoid, variable, estimate, moe, flag``; MOE 0 for
    controlled estimates). The numerator and denominator are sums of variables: their MOEs are
    root sums of squares (zero estimates sharing their largest MOE); the share's MOE uses the
    Census proportion formula, falling back to the ratio formula when the radicand is negative.
    A share is missing when any part is missing; ``note`` then says why.
    """
    rows = []
    wanted = set(indicator.num) | set(indicator.den)
    sub = acs[acs["variable"].isin(wanted)]
    for geoid, g in sub.groupby("geoid", sort=False):
        # variable -> (estimate, moe, flag): plain lookups, not a .loc per part (the section's
        # hottest loop: every ACS table and the findings call it)
        cells = dict(zip(g["variable"], zip(
            g["estimate"].to_numpy(dtype=float, na_value=np.nan),
            g["moe"].to_numpy(dtype=float, na_value=np.nan), g["flag"], strict=True),
            strict=True))
        absent = [v for v in wanted if v not in cells]
        x, mx, nx = _summed(cells, indicator.num)
        y, my, ny = _summed(cells, indicator.den)
        note = "; ".join(n for n in (nx, ny) if n)
        if absent:
            note = "variables absent: " + ", ".join(sorted(absent))
        if np.isnan(x) or np.isnan(y) or y == 0 or absent:
            rows.append((geoid, np.nan, np.nan, np.nan, False, note or "no universe"))
            continue
        p = x / y
        m = float(acs_moe.moe_proportion(x, y, mx, my))
        c = float(acs_moe.cv(p, m))
        rows.append((geoid, p * 100, m * 100, c, bool(c > UNRELIABLE_CV), note))
    return pd.DataFrame(rows, columns=["geoid", "estimate", "moe", "cv", "unreliable", "note"])


def _summed(cells: dict[str, tuple[float, float, str]], variables: Sequence[str]
            ) -> tuple[float, float, str]:
    present = [v for v in variables if v in cells]
    est = np.array([cells[v][0] for v in present], dtype=float)
    moe = np.array([cells[v][1] for v in present], dtype=float)
    flags = [cells[v][2] for v in present if cells[v][2]]
    if len(present) < len(variables) or np.isnan(est).any():
        return np.nan, np.nan, ("withheld: " + ", ".join(sorted(set(flags)))) if flags else ""
    if np.isnan(moe).any():
        return float(est.sum()), np.nan, "margin unknown"
    return float(est.sum()), acs_moe.moe_sum(moe, est), ""


def combine_acs(acs: pd.DataFrame, acs_region: pd.DataFrame, region: Region) -> pd.DataFrame:
    """Counties, state and nation (``acs``) and the summed region (``acs_region``) in one tidy
    frame: ``geoid, level, variable, estimate, moe, flag``. Controlled estimates (no sampling
    error) enter with MOE 0, as the Census Bureau instructs."""
    a = acs[acs["geoid"].isin([*region.county_fips, region.state.fips, "US"])]
    controlled = a["moe_flag"].eq(acs_moe.CONTROLLED)
    moe = a["moe"].astype("Float64").mask(controlled, 0.0)
    flag = a["estimate_flag"].where(a["estimate_flag"].ne(""),
                                    a["moe_flag"].where(~controlled, ""))
    part = pd.DataFrame({"geoid": a["geoid"].astype(str), "level": a["geo_level"].astype(str),
                         "variable": a["variable"].astype(str), "estimate": a["estimate"],
                         "moe": moe, "flag": flag.astype(str)})
    r = acs_region
    reg = pd.DataFrame({"geoid": r["geoid"].astype(str), "level": REGION_GEOID_LEVEL,
                        "variable": r["variable"].astype(str), "estimate": r["estimate"],
                        "moe": r["moe"], "flag": r["flag"].astype(str)})
    out = pd.concat([part, reg], ignore_index=True)
    out["estimate"] = out["estimate"].astype("Float64")
    out["moe"] = out["moe"].astype("Float64")
    return out


# --- the context ----------------------------------------------------------------------------


SOURCES = {
    "laus": ("BLS Local Area Unemployment Statistics (LAUS), annual averages", "LAUS"),
    "acs": ("U.S. Census Bureau, American Community Survey (ACS) 5-year estimates", "ACS API"),
    "qwi": ("U.S. Census Bureau, LEHD Quarterly Workforce Indicators (QWI), private"
            " manufacturing (NAICS 31-33), not seasonally adjusted", "QWI API"),
    "lodes": ("U.S. Census Bureau, LEHD Origin-Destination Employment Statistics (LODES 8),"
              " Workplace Area Characteristics, all jobs", "LODES"),
    "edd_ces": ("California EDD Labor Market Information Division, industry employment by"
                " metropolitan area (CES), not seasonally adjusted", "EDD CES"),
}


@dataclass(frozen=True)
class Context:
    region: Region
    mode: Mode
    laus: pd.DataFrame
    acs: pd.DataFrame  # combine_acs(): counties, state, nation and the region
    qwi: pd.DataFrame
    lodes_county: pd.DataFrame
    lodes_tract: pd.DataFrame
    edd_ces: pd.DataFrame

    @classmethod
    def load(cls, region_path: str | Path, mode: str | Mode) -> Context:
        """The region file and the processed tables this section reads, for ``mode``."""
        region, mode = load_region(region_path), Mode(mode)
        def load(name: str) -> pd.DataFrame:
            return dataset.load(name, mode, region)

        edd_ces = (load("edd_ces") if sources.applies("edd_ces", region)
                   else pd.DataFrame(columns=edd_ces_source.TIDY_COLUMNS))

        acs = combine_acs(load("acs"), load("acs_region"), region)
        return cls(region, mode, load("laus"), acs, load("qwi"), load("lodes_wac_county"),
                   load("lodes_wac_tract"), edd_ces)

    @property
    def start(self) -> int:
        return self.region.years.start

    @property
    def end(self) -> int:
        return self.region.years.end

    @property
    def acs_years(self) -> str:
        return f"{self.region.years.acs - 4}–{self.region.years.acs}"

    @property
    def state(self) -> str:
        return self.region.benchmarks.state.name

    @property
    def nation(self) -> str:
        return self.region.benchmarks.nation.name

    @property
    def areas(self) -> dict[str, str]:
        """ACS geoid -> display name: counties, the region, the state, the nation."""
        return {**self.region.county_names, self.region.slug: f"{self.region.name} (region)",
                self.region.state.fips: self.state, "US": self.nation}

    @cached_property
    def qwi_year(self) -> int:
        return complete_qwi_year(self.qwi, self.region.county_fips)

    @property
    def lodes_year(self) -> int:
        return int(self.lodes_tract["year"].max())

    @property
    def mix_year(self) -> int:
        """The latest year both QWI (employment) and LODES publish, so mixes compare."""
        emp = self.qwi[(self.qwi["measure"] == "Emp")]
        common = set(emp["year"].dropna().astype(int)) & set(
            self.lodes_county["year"].dropna().astype(int))
        return max(common) if common else self.lodes_year

    def source(self, key: str, detail: object = None) -> str:
        """The source line for a table or figure. ``detail``: the ACS tables (the 5-year period
        is added), or the year(s) of the other sources (default: every year shown).
        ``"mix"`` is QWI and LODES in the mix year."""
        if key == "mix":
            return (self.source("qwi", self.mix_year) + "; "
                    + self.source("lodes", self.mix_year))
        what, layout = SOURCES[key]
        if key == "acs":
            tables = f", {detail}" if detail else ""
            text = f"{what}, {self.acs_years}{tables}; margins of error at the 90 percent level"
        else:
            default = {"laus": f"{self.start}–{self.end}", "qwi": f"{self.start}–{self.end}",
                       "lodes": _span(self.lodes_tract["year"])}.get(key)
            when = detail if detail is not None else default
            text = f"{what}, {when}" if when else what
        if self.mode is Mode.SAMPLE:
            return text + f". SYNTHETIC SAMPLE DATA in the {layout} layout, not real statistics"
        return text


def _span(years: pd.Series) -> str:
    y = years.dropna().astype(int)
    if y.empty:
        return ""
    return str(y.min()) if y.min() == y.max() else f"{y.min()}–{y.max()}"


def formats(table: pd.DataFrame) -> dict[str, str]:
    """Display formats by column name: percentages and points one decimal, dollars whole."""
    out = {}
    if isinstance(table, present.Omitted):
        return out
    for col in table.columns:
        name = str(col)
        if name.endswith("($)"):
            out[name] = "{:,.0f}"
        elif name.endswith("(points)"):
            out[name] = "{:+.1f}"
        elif name.startswith("±"):
            out[name] = "{:.2f}"
        elif name.endswith("(%)") or name.endswith("CV"):
            out[name] = "{:.1f}"
    return out


# --- labor force and unemployment (LAUS) -------------------------------------------------------


def laus_areas(laus: pd.DataFrame, region: Region) -> pd.DataFrame:
    """Annual LAUS by area and year for counties, the summed region and the benchmarks.

    The region's rate is its unemployed over its labor force (summed counties), only in years
    every county is published; otherwise the region's figures are missing.
    """
    a = laus[laus["period"] == "A"].copy()
    names = {**region.county_names, region.benchmarks.state.qcew: region.benchmarks.state.name,
             region.benchmarks.nation.qcew: region.benchmarks.nation.name}
    a = a[a["area_fips"].isin(names)]
    a["area"] = a["area_fips"].map(names)
    cols = ["labor_force", "employed", "unemployed"]
    counties = a[a["area_fips"].isin(region.county_fips)]
    rows = []
    for year, g in counties.groupby("year"):
        whole = len(g) == len(region.county_fips) and g[cols].notna().all().all()
        vals = {c: float(g[c].sum()) if whole else np.nan for c in cols}
        rate = vals["unemployed"] / vals["labor_force"] * 100 if whole else np.nan
        rows.append({"area_fips": region.slug, "area": f"{region.name} (region)", "year": year,
                     **vals, "unemployment_rate": rate})
    out = pd.concat([a[["area_fips", "area", "year", *cols, "unemployment_rate"]],
                     pd.DataFrame(rows)], ignore_index=True)
    for c in [*cols, "unemployment_rate"]:
        out[c] = out[c].astype(float)
    out["year"] = out["year"].astype(int)
    return out


def _area_order(ctx: Context) -> list[str]:
    b = ctx.region.benchmarks
    return [*ctx.region.county_names.values(), f"{ctx.region.name} (region)", b.state.name,
            b.nation.name]


def labor_force(ctx: Context) -> pd.DataFrame:
    """Labor force, employment and unemployment at the end year; the rate's change since the
    start year (percentage points)."""
    t = laus_areas(ctx.laus, ctx.region)
    s, e = ctx.start, ctx.end
    end = t[t["year"] == e].set_index("area")
    start = t[t["year"] == s].set_index("area")["unemployment_rate"]
    order = [a for a in _area_order(ctx) if a in end.index]
    out = pd.DataFrame({
        "Area": order,
        f"Labor force {e}": end.loc[order, "labor_force"].to_numpy(),
        f"Employed {e}": end.loc[order, "employed"].to_numpy(),
        f"Unemployed {e}": end.loc[order, "unemployed"].to_numpy(),
        f"Unemployment rate {s} (%)": start.reindex(order).to_numpy(),
        f"Unemployment rate {e} (%)": end.loc[order, "unemployment_rate"].to_numpy(),
    })
    out["Change (points)"] = out[f"Unemployment rate {e} (%)"] - out[f"Unemployment rate {s} (%)"]
    return out


def unemployment_trend(ctx: Context) -> pd.DataFrame:
    """Unemployment rate by year (rows) and area (columns)."""
    t = laus_areas(ctx.laus, ctx.region)
    wide = t.pivot_table(index="year", columns="area", values="unemployment_rate",
                         aggfunc="first")
    return wide[[a for a in _area_order(ctx) if a in wide.columns]]


def unemployment_figure(ctx: Context) -> plt.Figure:
    wide = unemployment_trend(ctx)
    counties = [c for c in ctx.region.county_names.values() if c in wide.columns]
    fig, ax = plt.subplots(figsize=(figures.WIDTH, 3.6))
    top = float(np.nanmax(wide.to_numpy(dtype=float))) * 1.1 if wide.size else 1.0
    last = wide[counties].iloc[-1].dropna()
    for c in counties:
        ax.plot(wide.index, wide[c], color="#b9c3cc", lw=0.9, zorder=1)
    # county names at the right-hand end, pushed apart so that none overlaps another
    for c, y in zip(last.index, spread(last.to_numpy(dtype=float), 0.045 * top), strict=True):
        ax.annotate(c, (wide.index[-1], last[c]), xytext=(wide.index[-1] + 0.12, y),
                    textcoords="data", fontsize=6, color="#5b6670", va="center",
                    arrowprops={"arrowstyle": "-", "color": "#d5dbe0", "lw": 0.5})
    main = [(f"{ctx.region.name} (region)", figures.PALETTE[0], 2.4),
            (ctx.state, figures.PALETTE[1], 1.6), (ctx.nation, figures.PALETTE[2], 1.6)]
    for name, color, lw in main:
        if name in wide.columns:
            ax.plot(wide.index, wide[name], color=color, lw=lw, marker="o", ms=3.5, label=name,
                    zorder=3)
    ax.plot([], [], color="#b9c3cc", lw=0.9, label="Each county")
    ax.set_title(f"Unemployment rate, {wide.index.min()}–{wide.index.max()}", loc="left")
    ax.set_ylabel("Percent of the labor force")
    ax.xaxis.set_major_locator(mticker.MaxNLocator(integer=True))
    ax.set_xlim(wide.index.min() - 0.2, wide.index.max() + 0.9)
    ax.set_ylim(0, top)
    ax.legend(frameon=False, ncols=4, loc="upper center", bbox_to_anchor=(0.5, -0.1))
    fig.tight_layout()
    return fig


def spread(values: np.ndarray, gap: float) -> np.ndarray:
    """Label positions near ``values``, at least ``gap`` apart, in the same order (labels are
    pushed up from the lowest)."""
    pos = np.asarray(values, dtype=float).copy()
    order = np.argsort(pos, kind="stable")
    for prev, cur in zip(order[:-1], order[1:], strict=True):
        pos[cur] = max(pos[cur], pos[prev] + gap)
    return pos


# --- ACS tables --------------------------------------------------------------------------------


def indicator_values(ctx: Context, keys: Iterable[str]) -> pd.DataFrame:
    """Long table: indicator key, geoid, estimate (%), moe (points), cv, unreliable, note."""
    frames = []
    for key in keys:
        s = acs_share(ctx.acs, INDICATORS[key])
        s.insert(0, "key", key)
        frames.append(s)
    return pd.concat(frames, ignore_index=True)


def acs_profile(ctx: Context, keys: Sequence[str]) -> pd.DataFrame:
    """Indicators (rows) for the region, the state and the nation, with MOEs and the region's
    CV; ``Reliable`` says whether the region's estimate meets the CV rule."""
    v = indicator_values(ctx, keys).set_index(["key", "geoid"])
    slug, st = ctx.region.slug, ctx.region.state.fips
    rows = []
    for key in keys:
        def val(geoid: str, col: str, key: str = key) -> float:
            return v[col].get((key, geoid), np.nan)
        rows.append({
            "Indicator": INDICATORS[key].label,
            "Region (%)": val(slug, "estimate"), "± Region": val(slug, "moe"),
            "Region CV": val(slug, "cv"),
            f"{ctx.state} (%)": val(st, "estimate"), f"± {ctx.state}": val(st, "moe"),
            f"{ctx.nation} (%)": val("US", "estimate"), f"± {ctx.nation}": val("US", "moe"),
        })
    return pd.DataFrame(rows)


def acs_by_area(ctx: Context, keys: Sequence[str]) -> pd.DataFrame:
    """Counties, the region and the state (rows) by indicator (estimate and ± MOE columns), and
    which of a row's estimates have a CV above 30 percent."""
    v = indicator_values(ctx, keys)
    geoids = [*ctx.region.county_fips, ctx.region.slug, ctx.region.state.fips]
    out = pd.DataFrame({"Area": [ctx.areas[g] for g in geoids]})
    flagged: dict[str, list[str]] = {g: [] for g in geoids}
    for key in keys:
        s = v[v["key"] == key].set_index("geoid").reindex(geoids)
        label = INDICATORS[key].heading
        out[f"{label} (%)"] = s["estimate"].to_numpy(dtype=float)
        out[f"± {label}"] = s["moe"].to_numpy(dtype=float)
        for g in s.index[s["unreliable"].fillna(False).astype(bool)]:
            flagged[g].append(label.lower())
    out["CV over 30%"] = ["; ".join(flagged[g]) or "none" for g in geoids]
    return out


def unreliable_count(ctx: Context, keys: Sequence[str]) -> tuple[int, int]:
    """(estimates with CV > 30%, estimates shown) over the counties, region and state."""
    v = indicator_values(ctx, keys)
    v = v[v["geoid"].isin([*ctx.region.county_fips, ctx.region.slug, ctx.region.state.fips])]
    return int(v["unreliable"].sum()), int(v["estimate"].notna().sum())


def education_figure(ctx: Context) -> plt.Figure:
    """Attainment of adults 25 and over, 100 percent bars for each area."""
    v = indicator_values(ctx, EDUCATION)
    geoids = [*ctx.region.county_fips, ctx.region.slug, ctx.region.state.fips, "US"]
    wide = v.pivot_table(index="geoid", columns="key", values="estimate", aggfunc="first")
    wide = wide.reindex(index=geoids[::-1], columns=EDUCATION)
    fig, ax = plt.subplots(figsize=(figures.WIDTH, 0.3 * len(geoids) + 1.3))
    left = np.zeros(len(wide))
    colors = figures.ordered_colors(len(EDUCATION))[::-1]  # dark: least schooling
    labels = [ctx.areas[g] for g in wide.index]
    for key, color in zip(EDUCATION, colors, strict=True):
        vals = wide[key].to_numpy(dtype=float)
        ax.barh(labels, vals, left=left, color=color, label=INDICATORS[key].label, height=0.7)
        for y, (x0, w) in enumerate(zip(left, vals, strict=True)):
            if np.isfinite(w) and w >= 6:
                ax.text(x0 + w / 2, y, f"{w:.0f}", ha="center", va="center", fontsize=6.5,
                        color=figures.text_color_on(color))
        left = left + np.nan_to_num(vals)
    for tick in ax.get_yticklabels():
        if tick.get_text().endswith("(region)"):
            tick.set_fontweight("bold")
    ax.set_xlim(0, 100)
    ax.set_xlabel("Percent of adults aged 25 and over")
    ax.set_title(f"Educational attainment, {ctx.acs_years}", loc="left")
    ax.grid(axis="y", visible=False)
    ax.legend(frameon=False, ncols=3, loc="upper center", bbox_to_anchor=(0.45, -0.16))
    fig.tight_layout()
    return fig


def moe_panels(ctx: Context, keys: Sequence[str], title: str) -> plt.Figure:
    """One panel per indicator: each county's estimate with its 90 percent interval; the
    region and state as reference lines; unreliable estimates (CV > 30%) in orange."""
    v = indicator_values(ctx, keys)
    ncols = 2
    nrows = int(np.ceil(len(keys) / ncols))
    n = len(ctx.region.county_fips)
    fig, axes = plt.subplots(nrows, ncols, figsize=(figures.WIDTH, nrows * (0.17 * n + 0.9)),
                             sharey=True, squeeze=False)
    names = [ctx.areas[g] for g in ctx.region.county_fips]
    for ax, key in zip(axes.flat, keys, strict=False):
        s = v[v["key"] == key].set_index("geoid")
        c = s.reindex(ctx.region.county_fips)
        est = c["estimate"].to_numpy(dtype=float)
        moe = c["moe"].to_numpy(dtype=float)
        bad = c["unreliable"].fillna(False).to_numpy(dtype=bool)
        y = np.arange(n)[::-1]
        for flag, color in ((False, figures.PALETTE[0]), (True, figures.PALETTE[1])):
            m = bad == flag
            ax.errorbar(est[m], y[m], xerr=moe[m], fmt="o", color=color, ms=4, capsize=2.5,
                        lw=1.1)
        refs = ((ctx.region.slug, "-", figures.PALETTE[0], "region"),
                (ctx.region.state.fips, "--", "#555555", ctx.state))
        for geoid, ls, color, label in refs:
            if geoid in s.index and pd.notna(s.at[geoid, "estimate"]):
                ax.axvline(float(s.at[geoid, "estimate"]), ls=ls, color=color, lw=0.9,
                           label=label)
        ax.set_yticks(y, names)
        ax.set_title(INDICATORS[key].label, loc="left", fontsize=8.5)
        ax.set_xlabel(textwrap.fill(f"Percent of {INDICATORS[key].universe}", 44),
                      fontsize=7)
        ax.set_xlim(left=0)
        ax.grid(axis="y", visible=False)
    for ax in list(axes.flat)[len(keys):]:
        ax.set_visible(False)
    handles = [plt.Line2D([], [], color=figures.PALETTE[0], marker="o", ls="",
                          label="County estimate, 90% interval"),
               plt.Line2D([], [], color=figures.PALETTE[1], marker="o", ls="",
                          label="CV over 30% (unreliable)"),
               plt.Line2D([], [], color=figures.PALETTE[0], ls="-", label="Region"),
               plt.Line2D([], [], color="#555555", ls="--", label=ctx.state)]
    fig.suptitle(title, x=0.01, ha="left", fontweight="bold", fontsize=10)
    fig.legend(handles=handles, frameon=False, ncols=4, loc="lower center",
               bbox_to_anchor=(0.5, -0.01))
    fig.tight_layout(rect=(0, 0.05, 1, 1))
    return fig


# --- QWI ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Group:
    """A group of workers: QWI cells (dimension codes) of one endpoint, summed."""

    dimension: str
    label: str
    endpoint: str
    cells: tuple[tuple[tuple[str, str], ...], ...]
    lodes: str | None = None  # the LODES all-jobs column for the same group, if any


def _cell(**codes: str) -> tuple[tuple[str, str], ...]:
    return tuple(sorted(codes.items()))


ALL_CELL = {"sa": _cell(sex="0", agegrp="A00"), "rh": _cell(race="A0", ethnicity="A0")}
_AGES = {"14 to 24": ("A01", "A02", "A03"), "25 to 34": ("A04",), "35 to 44": ("A05",),
         "45 to 54": ("A06",), "55 to 64": ("A07",), "65 and older": ("A08",)}
_RACES = [("A1", "White alone", "all_jobs_white_alone"),
          ("A2", "Black or African American alone", "all_jobs_black_alone"),
          ("A3", "American Indian or Alaska Native alone",
           "all_jobs_american_indian_alaska_native_alone"),
          ("A4", "Asian alone", "all_jobs_asian_alone"),
          ("A5", "Native Hawaiian or Pacific Islander alone", "all_jobs_pacific_islander_alone"),
          ("A7", "Two or more races", "all_jobs_two_or_more_races")]

GROUPS: list[Group] = [
    Group("All", "All manufacturing workers", "sa", (ALL_CELL["sa"],)),
    Group("Sex", "Women", "sa", (_cell(sex="2", agegrp="A00"),), "all_jobs_female"),
    Group("Sex", "Men", "sa", (_cell(sex="1", agegrp="A00"),), "all_jobs_male"),
    *[Group("Age", a, "sa", tuple(_cell(sex="0", agegrp=c) for c in codes))
      for a, codes in _AGES.items()],
    Group("Ethnicity", "Hispanic or Latino", "rh", (_cell(race="A0", ethnicity="A2"),),
          "all_jobs_hispanic"),
    Group("Ethnicity", "Not Hispanic or Latino", "rh", (_cell(race="A0", ethnicity="A1"),),
          "all_jobs_not_hispanic"),
    *[Group("Race", label, "rh", (_cell(race=code, ethnicity="A0"),), col)
      for code, label, col in _RACES],
]
AGED_55_PLUS = Group("Age", "Aged 55 and older", "sa",
                     (_cell(sex="0", agegrp="A07"), _cell(sex="0", agegrp="A08")),
                     "all_jobs_age_55_plus")


def qwi_cells(qwi: pd.DataFrame, endpoint: str, cell: tuple[tuple[str, str], ...],
              counties: Sequence[str], years: Iterable[int]) -> pd.DataFrame:
    """One QWI cell's measures, one row per county, year and quarter (every combination, so a
    cell the file lacks shows as missing), values as floats (NaN where withheld)."""
    codes = dict(cell)
    m = qwi["endpoint"].eq(endpoint) & qwi["geoid"].isin(counties)
    for dim in qwi_source.DIMENSION_NAMES:
        m &= qwi[dim].eq(codes.get(dim, qwi_source.ALL[dim]))
    years = list(years)
    sub = qwi[m & qwi["year"].isin(years)]
    wide = sub.pivot_table(index=["geoid", "year", "quarter"], columns="measure",
                           values="value", aggfunc="first", dropna=False)
    grid = pd.MultiIndex.from_product([list(counties), years, QUARTERS],
                                      names=["geoid", "year", "quarter"])
    wide = wide.reindex(index=grid, columns=list(QWI_MEASURES))
    return wide.astype("Float64").astype(float)


def _weighted(value: pd.Series, weight: pd.Series) -> float:
    ok = value.notna() & weight.notna()
    w = weight[ok].sum()
    return float((value[ok] * weight[ok]).sum() / w) if w > 0 else np.nan


def group_summary(qwi: pd.DataFrame, group: Group, counties: Sequence[str],
                  year: int) -> dict[str, float]:
    """A group's share of jobs and hires, earnings and new-hire earnings in ``year``.

    Shares: the group's beginning-of-quarter employment (hires) over all workers', summed over
    the county-quarters where every cell is published. Earnings (monthly, full-quarter jobs)
    are employment-weighted over the published cells; new-hire earnings are weighted by hires.
    ``withheld`` counts county-quarters where any of the group's values is withheld.
    """
    total = qwi_cells(qwi, group.endpoint, ALL_CELL[group.endpoint], counties, [year])
    parts = [qwi_cells(qwi, group.endpoint, c, counties, [year]) for c in group.cells]
    out: dict[str, float] = {}
    for measure, key in (("Emp", "share_jobs"), ("HirA", "share_hires")):
        g = sum(p[measure] for p in parts)  # NaN when any part is withheld
        ok = g.notna() & total[measure].notna()
        den = total.loc[ok, measure].sum()
        out[key] = float(g[ok].sum() / den * 100) if den > 0 else np.nan
    long = pd.concat(parts)
    out["earnings"] = _weighted(long["EarnS"], long["Emp"])
    out["new_hire_earnings"] = _weighted(long["EarnHirAS"], long["HirA"])
    out["new_hire_ratio"] = out["new_hire_earnings"] / out["earnings"] * 100
    needed = ["Emp", "HirA", "EarnS", "EarnHirAS"]
    any_missing = pd.concat([p[needed].isna().any(axis=1) for p in parts], axis=1).any(axis=1)
    out["withheld"] = int(any_missing.sum())
    out["cells"] = len(any_missing)
    return out


def flow_summary(cells: pd.DataFrame) -> dict[str, float]:
    """Jobs, hires, separations and rates from one cell's county-quarter rows.

    Totals (average jobs over the quarters, hires, separations) need every row published and
    are otherwise missing, never a partial sum. Rates use the rows where their parts are
    published: the quarterly hire rate is hires over beginning-of-quarter jobs; turnover (stable
    jobs) and earnings are the counties' published values weighted by jobs, new-hire earnings
    weighted by hires.
    """
    quarters = cells.index.get_level_values("quarter").nunique()

    def total(measure: str, per_quarter: bool = False) -> float:
        col = cells[measure]
        if col.isna().any():
            return np.nan
        return float(col.sum() / quarters) if per_quarter else float(col.sum())

    ok = cells["HirA"].notna() & cells["Emp"].notna()
    emp = cells.loc[ok, "Emp"].sum()
    hire_rate = float(cells.loc[ok, "HirA"].sum() / emp * 100) if emp > 0 else np.nan
    earn = _weighted(cells["EarnS"], cells["Emp"])
    new = _weighted(cells["EarnHirAS"], cells["HirA"])
    return {"jobs": total("Emp", per_quarter=True), "hires": total("HirA"),
            "separations": total("Sep"), "hire_rate": hire_rate,
            "turnover": _weighted(cells["TurnOvrS"], cells["Emp"]) * 100,
            "earnings": earn, "new_hire_earnings": new, "new_hire_ratio": new / earn * 100,
            "withheld": int(cells.isna().any(axis=1).sum()), "cells": len(cells)}


def complete_qwi_year(qwi: pd.DataFrame, counties: Sequence[str]) -> int:
    """The latest year in which every county's all-worker cell is published in all four
    quarters for every measure (QWI's latest quarter lacks separations and earnings, which need
    the following quarter); the latest year with employment when no year is complete."""
    years = sorted(int(y) for y in qwi["year"].dropna().unique())
    cells = qwi_cells(qwi, "sa", ALL_CELL["sa"], counties, years)
    by_year = cells.notna().all(axis=1).groupby(level="year").all()
    complete = [y for y in years if by_year.get(y, False)]
    if complete:
        return complete[-1]
    has_emp = cells["Emp"].notna().groupby(level="year").any()
    return max((y for y in years if has_emp.get(y, False)), default=max(years))


def qwi_groups(ctx: Context) -> pd.DataFrame:
    """Who works in manufacturing and who is hired, and what they earn, in the QWI year."""
    rows = []
    for g in GROUPS:
        s = group_summary(ctx.qwi, g, ctx.region.county_fips, ctx.qwi_year)
        rows.append({"Group": g.dimension, "Workers": g.label,
                     "Share of jobs (%)": s["share_jobs"], "Share of hires (%)": s["share_hires"],
                     "Monthly earnings ($)": s["earnings"],
                     "New-hire monthly earnings ($)": s["new_hire_earnings"],
                     "New-hire pay, of all (%)": s["new_hire_ratio"],
                     "County-quarters withheld": f"{s['withheld']} of {s['cells']}"})
    return pd.DataFrame(rows)


def workforce_mix(ctx: Context) -> pd.DataFrame:
    """Each group's share of manufacturing jobs (QWI) against its share of all jobs (LODES),
    both in the mix year; the gap in percentage points."""
    year = ctx.mix_year
    lodes = ctx.lodes_county[(ctx.lodes_county["year"] == year)
                             & ctx.lodes_county["county"].isin(ctx.region.county_fips)]
    all_jobs = float(lodes["all_jobs"].sum())
    rows = []
    for g in [*[g for g in GROUPS if g.lodes and g.dimension == "Sex"], AGED_55_PLUS,
              *[g for g in GROUPS if g.lodes and g.dimension != "Sex"]]:
        s = group_summary(ctx.qwi, g, ctx.region.county_fips, year)
        lshare = float(lodes[g.lodes].sum()) / all_jobs * 100 if all_jobs > 0 else np.nan
        rows.append({"Group": g.dimension, "Workers": g.label,
                     "Manufacturing jobs (%)": s["share_jobs"], "All jobs (%)": lshare,
                     "Difference (points)": s["share_jobs"] - lshare,
                     "County-quarters withheld": f"{s['withheld']} of {s['cells']}"})
    return pd.DataFrame(rows)


def mix_figure(ctx: Context) -> plt.Figure:
    t = workforce_mix(ctx)
    t = t.iloc[::-1]
    fig, ax = plt.subplots(figsize=(figures.WIDTH, 0.42 * len(t) + 1.0))
    y = np.arange(len(t))
    h = 0.38
    mfg = t["Manufacturing jobs (%)"].to_numpy(dtype=float)
    alls = t["All jobs (%)"].to_numpy(dtype=float)
    ax.barh(y + h / 2, mfg, h, color=figures.PALETTE[0], label="Manufacturing jobs (QWI)")
    ax.barh(y - h / 2, alls, h, color="#b9c3cc", label="All jobs (LODES)")
    for yy, a, b in zip(y, mfg, alls, strict=True):
        for off, v in ((h / 2, a), (-h / 2, b)):
            if np.isfinite(v):
                ax.text(v, yy + off, f" {v:.0f}%" if v >= 10 else f" {v:.1f}%", va="center",
                        fontsize=6.5)
    ax.set_yticks(y, t["Workers"])
    ax.set_xlim(0, 100)
    ax.set_xlabel("Percent of jobs")
    ax.set_title(f"Who holds manufacturing jobs compared with all jobs, {ctx.mix_year}",
                 loc="left")
    ax.grid(axis="y", visible=False)
    ax.legend(frameon=False, ncols=2, loc="upper center", bbox_to_anchor=(0.5, -0.12))
    fig.tight_layout()
    return fig


def earnings_figure(ctx: Context) -> plt.Figure:
    """Monthly earnings of all workers and of new hires, by group (dots joined by a line)."""
    t = qwi_groups(ctx).dropna(subset=["Monthly earnings ($)"]).iloc[::-1]
    fig, ax = plt.subplots(figsize=(figures.WIDTH, 0.25 * len(t) + 1.2))
    y = np.arange(len(t))
    a = t["Monthly earnings ($)"].to_numpy(dtype=float)
    n = t["New-hire monthly earnings ($)"].to_numpy(dtype=float)
    ax.hlines(y, np.fmin(a, n), np.fmax(a, n), color="#b9c3cc", lw=2)
    ax.plot(a, y, "o", color=figures.PALETTE[0], label="All workers (full quarter)")
    ax.plot(n, y, "D", color=figures.PALETTE[1], ms=4.5, label="New hires (full quarter)")
    ax.set_yticks(y, t["Workers"])
    ax.xaxis.set_major_formatter(mticker.FuncFormatter(lambda v, _: f"${v:,.0f}"))
    ax.set_xlabel("Average monthly earnings")
    ax.set_title(f"Monthly earnings in manufacturing, all workers and new hires, {ctx.qwi_year}",
                 loc="left")
    ax.grid(axis="y", visible=False)
    ax.legend(frameon=False, ncols=2, loc="upper center", bbox_to_anchor=(0.5, -0.1))
    fig.tight_layout()
    return fig


def flows(ctx: Context) -> pd.DataFrame:
    """The region's manufacturing by year: jobs, hires, separations, rates and earnings."""
    years = ctx.region.years.span
    cells = qwi_cells(ctx.qwi, "sa", ALL_CELL["sa"], ctx.region.county_fips, years)
    rows = []
    for year in years:
        s = flow_summary(cells.xs(year, level="year", drop_level=False))
        rows.append(_flow_row(str(year), s))
    return pd.DataFrame(rows).rename(columns={"Area": "Year"})


def county_flows(ctx: Context) -> pd.DataFrame:
    """Each county and the region in the QWI year."""
    year = ctx.qwi_year
    cells = qwi_cells(ctx.qwi, "sa", ALL_CELL["sa"], ctx.region.county_fips, [year])
    rows = [_flow_row(name, flow_summary(cells.xs(fips, level="geoid", drop_level=False)))
            for fips, name in ctx.region.county_names.items()]
    rows.append(_flow_row(f"{ctx.region.name} (region)", flow_summary(cells)))
    return pd.DataFrame(rows)


def _flow_row(name: str, s: dict[str, float]) -> dict[str, object]:
    return {"Area": name, "Average jobs": s["jobs"], "Hires": s["hires"],
            "Separations": s["separations"], "Quarterly hire rate (%)": s["hire_rate"],
            "Quarterly turnover (%)": s["turnover"], "Monthly earnings ($)": s["earnings"],
            "New-hire earnings ($)": s["new_hire_earnings"],
            "New-hire pay, of all (%)": s["new_hire_ratio"],
            "Withheld (county-quarters)": f"{s['withheld']} of {s['cells']}"}


def quarterly_flows(ctx: Context) -> pd.DataFrame:
    """Hires and separations of the region by quarter; a quarter with any county's value
    withheld is missing (a gap in the chart), never a partial sum."""
    years = ctx.region.years.span
    cells = qwi_cells(ctx.qwi, "sa", ALL_CELL["sa"], ctx.region.county_fips, years)
    g = cells[["HirA", "Sep"]].groupby(level=["year", "quarter"])
    out = g.sum().where(g.count() == len(ctx.region.county_fips))
    return out.rename(columns={"HirA": "Hires", "Sep": "Separations"})


def flows_figure(ctx: Context) -> plt.Figure:
    q = quarterly_flows(ctx)
    x = np.arange(len(q))
    labels = [f"Q{qq}\n{y}" if qq == 1 else f"Q{qq}" for y, qq in q.index]
    fig, ax = plt.subplots(figsize=(figures.WIDTH, 3.2))
    ax.plot(x, q["Hires"], marker="o", ms=3, color=figures.PALETTE[0], label="Hires")
    ax.plot(x, q["Separations"], marker="s", ms=3, color=figures.PALETTE[1],
            label="Separations")
    ax.set_xticks(x, labels, fontsize=6.5)
    ax.yaxis.set_major_formatter(mticker.FuncFormatter(lambda v, _: f"{v:,.0f}"))
    ax.set_ylim(bottom=0)
    ax.set_ylabel("Workers per quarter")
    ax.set_title("Manufacturing hires and separations in the region, by quarter", loc="left")
    ax.legend(frameon=False, ncols=2, loc="lower right")
    fig.tight_layout()
    return fig


def qwi_flag_counts(ctx: Context) -> dict[str, int]:
    """Cells of the region's QWI table by what their status flag says."""
    f = ctx.qwi["status_flag"]
    return {"cells": len(f), "withheld": int((~f.isin(list(qwi_source.RELEASED))).sum()),
            "suppressed": int(f.isin([5, 11]).sum()),
            "not_available": int(f.isin([-1, -2]).sum()),
            "distorted": int(f.isin(list(qwi_source.DISTORTED)).sum())}


# --- EDD monthly manufacturing jobs ------------------------------------------------------------


def recent_jobs(ctx: Context) -> pd.DataFrame | present.Omitted:
    """Manufacturing jobs in each metro area's latest month and a year earlier (EDD CES, not
    seasonally adjusted, so the same month is compared); the metros summed when every one has
    both months. Left out, with one sentence, where EDD's files do not cover the region."""
    reason = sources.why_not("edd_ces", ctx.region)
    if reason:
        return present.Omitted(
            f"Recent monthly manufacturing jobs are left out: they come from the California "
            f"EDD's metro-area files, a source not used for {ctx.region.name} ({reason}).")
    ces = ctx.edd_ces[ctx.edd_ces["series_code"] == EDD_MANUFACTURING]
    ces = ces.dropna(subset=["employment"])
    latest = str(ces["period"].max())
    y, m = int(latest[:4]), latest[5:]
    before = f"{y - 1}-{m}"
    names = {}
    for c in ctx.region.counties:
        if c.edd_area:
            names.setdefault(c.edd_area, []).append(c.name)
    state_area = ctx.region.benchmarks.state.edd_area
    rows = []
    for area, counties in names.items():
        rows.append(_recent_row(f"{' and '.join(counties)} metro area ({area})", ces, area,
                                latest, before))
    out = pd.DataFrame(rows, columns=["Area", "now", "then", "change"])
    if len(out) > 1 and out[["now", "then"]].notna().all().all():  # several metro areas
        now, then = out["now"].sum(), out["then"].sum()
        out.loc[len(out)] = [f"{ctx.region.name} metro areas", now, then,
                             (now / then - 1) * 100]
    if state_area:
        out.loc[len(out)] = _recent_row(ctx.state, ces, state_area, latest, before)
    return out.rename(columns={"now": f"Jobs {latest}",
                               "then": f"Jobs {before}",
                               "change": "Change over the year (%)"})


def recent_jobs_note(ctx: Context) -> str:
    """The note under the recent-jobs table, true for the region's metro areas."""
    areas: dict[str, list[str]] = {}
    for c in ctx.region.counties:
        if c.edd_area:
            areas.setdefault(c.edd_area, []).append(c.name)
    one_each = all(len(v) == 1 for v in areas.values())
    text = "Not seasonally adjusted, so the same month of each year is compared."
    if one_each and len(areas) > 1:
        return text + " Each metro area is one county."
    if one_each:
        return text
    return text + " A metro area of several counties is shown once, for all of them."


def _recent_row(name: str, ces: pd.DataFrame, area: str, latest: str, before: str) -> list:
    s = ces[ces["edd_area"] == area].set_index("period")["employment"]
    now = float(s.get(latest, np.nan))
    then = float(s.get(before, np.nan))
    return [name, now, then, (now / then - 1) * 100 if then else np.nan]


# --- LODES: where manufacturing jobs are -------------------------------------------------------


def lodes_counties(ctx: Context) -> pd.DataFrame:
    """Manufacturing jobs by county (workplace), first and last LODES years, and their share of
    all jobs."""
    t = ctx.lodes_county[ctx.lodes_county["county"].isin(ctx.region.county_fips)]
    first, last = int(t["year"].min()), int(t["year"].max())
    a = t[t["year"] == first].set_index("county")
    b = t[t["year"] == last].set_index("county")
    fips = ctx.region.county_fips
    mfg_a = a["manufacturing_jobs"].reindex(fips).to_numpy(dtype=float)
    mfg_b = b["manufacturing_jobs"].reindex(fips).to_numpy(dtype=float)
    all_b = b["all_jobs"].reindex(fips).to_numpy(dtype=float)
    out = pd.DataFrame({"County": [ctx.areas[f] for f in fips],
                        f"Manufacturing jobs {first}": mfg_a,
                        f"Manufacturing jobs {last}": mfg_b,
                        "Change (%)": (mfg_b / mfg_a - 1) * 100,
                        f"Share of all jobs {last} (%)": mfg_b / all_b * 100,
                        f"Share of the region's manufacturing {last} (%)":
                            mfg_b / np.nansum(mfg_b) * 100})
    total = [f"{ctx.region.name} (region)", np.nansum(mfg_a), np.nansum(mfg_b),
             (np.nansum(mfg_b) / np.nansum(mfg_a) - 1) * 100,
             np.nansum(mfg_b) / np.nansum(all_b) * 100, 100.0]
    out.loc[len(out)] = total
    return out


def tract_jobs(ctx: Context) -> pd.DataFrame:
    """Manufacturing jobs by tract in the latest LODES year, largest first, with each tract's
    share of the region's manufacturing jobs and the running share."""
    t = ctx.lodes_tract[(ctx.lodes_tract["year"] == ctx.lodes_year)
                        & ctx.lodes_tract["county"].isin(ctx.region.county_fips)]
    return rank_tracts(t[["tract", "county", "all_jobs", "manufacturing_jobs"]],
                       ctx.region.county_names)


def rank_tracts(t: pd.DataFrame, county_names: dict[str, str]) -> pd.DataFrame:
    t = t.assign(all_jobs=t["all_jobs"].astype(float),
                 manufacturing_jobs=t["manufacturing_jobs"].astype(float))
    t = t.sort_values(["manufacturing_jobs", "tract"], ascending=[False, True],
                      ignore_index=True)
    total = t["manufacturing_jobs"].sum()
    out = pd.DataFrame({
        "Rank": np.arange(1, len(t) + 1),
        "Tract": t["tract"],
        "County": t["county"].map(county_names),
        "Manufacturing jobs": t["manufacturing_jobs"],
        "Share of the tract's jobs (%)": t["manufacturing_jobs"] / t["all_jobs"] * 100,
        "Share of the region's manufacturing (%)": t["manufacturing_jobs"] / total * 100,
    })
    out["Running share (%)"] = out["Share of the region's manufacturing (%)"].cumsum()
    return out


def top_tracts(ctx: Context, n: int = 10) -> pd.DataFrame:
    return tract_jobs(ctx).head(n)


def concentration(ranked: pd.DataFrame) -> dict[str, float]:
    """How few tracts hold half the manufacturing jobs: tracts needed to reach 50 percent, of
    tracts with any manufacturing job; and the top tenth's share."""
    with_jobs = ranked[ranked["Manufacturing jobs"] > 0]
    half = int((with_jobs["Running share (%)"] < 50).sum()) + 1 if len(with_jobs) else 0
    tenth = max(1, int(np.ceil(len(ranked) / 10))) if len(ranked) else 0
    top = float(ranked["Share of the region's manufacturing (%)"].head(tenth).sum())
    return {"tracts": len(ranked), "with_jobs": len(with_jobs), "half": half,
            "top_tenth": tenth, "top_tenth_share": top}


BINS = [0, 1, 100, 500, 1000, 2500, np.inf]
BIN_LABELS = ["None", "1–99", "100–499", "500–999", "1,000–2,499", "2,500 or more"]


def job_classes(jobs: pd.Series) -> pd.Series:
    """Map classes of manufacturing jobs per tract (left-closed bins)."""
    return pd.cut(jobs.astype(float), BINS, right=False, labels=BIN_LABELS)


def tract_map_figure(ctx: Context) -> plt.Figure:
    """Manufacturing jobs by census tract (place of work), the region's counties outlined."""
    tracts = dataset.load("tracts", ctx.mode, ctx.region)
    counties = dataset.load("counties", ctx.mode, ctx.region).to_crs("EPSG:3310")
    region_tracts = tracts[tracts["in_region"]].to_crs("EPSG:3310").copy()
    jobs = tract_jobs(ctx).set_index("Tract")["Manufacturing jobs"]
    # LODES lists every block with a job, so a tract absent from the file has no jobs.
    region_tracts["jobs"] = region_tracts["GEOID"].astype(str).map(jobs).fillna(0.0)
    region_tracts["class"] = job_classes(region_tracts["jobs"])
    cmap = plt.get_cmap("Blues")
    colors = ["#f3f3f3", *[cmap(x) for x in np.linspace(0.3, 1.0, len(BIN_LABELS) - 1)]]
    fig, ax = plt.subplots(figsize=(figures.WIDTH, 6.2))
    counties.plot(ax=ax, color="#fafafa", edgecolor="#cccccc", linewidth=0.4)
    for label, color in zip(BIN_LABELS, colors, strict=True):
        part = region_tracts[region_tracts["class"] == label]
        if len(part):
            part.plot(ax=ax, color=color, edgecolor="white", linewidth=0.15)
    region = counties[counties["in_region"]]
    region.boundary.plot(ax=ax, color="#333333", linewidth=0.8)
    for _, row in region.iterrows():
        pt = row.geometry.representative_point()
        ax.annotate(row["NAME"], (pt.x, pt.y), ha="center", va="center", fontsize=7,
                    bbox={"boxstyle": "round,pad=0.15", "fc": "white", "ec": "none",
                          "alpha": 0.7})
    minx, miny, maxx, maxy = region.total_bounds
    pad = 0.06 * max(maxx - minx, maxy - miny)
    ax.set_xlim(minx - pad, maxx + pad)
    ax.set_ylim(miny - pad, maxy + pad)
    ax.set_axis_off()
    handles = [Patch(facecolor=c, edgecolor="#999999", label=lab)
               for lab, c in zip(BIN_LABELS, colors, strict=True)]
    ax.legend(handles=handles, title="Manufacturing jobs", frameon=False, loc="upper right",
              fontsize=7, title_fontsize=7.5)
    ax.set_title(f"Manufacturing jobs by census tract (place of work), {ctx.lodes_year}",
                 loc="left")
    fig.tight_layout()
    counts = region_tracts["class"].value_counts()
    by_class = "; ".join(f"{lab}: {int(counts.get(lab, 0)):,} tracts" for lab in BIN_LABELS)
    top = region_tracts.sort_values("jobs", ascending=False).head(3)
    names = ctx.region.county_names
    most = "; ".join(f"tract {r['GEOID']} ({names.get(str(r['GEOID'])[:5], '')}) "
                     f"{r['jobs']:,.0f} jobs" for _, r in top.iterrows())
    return figures.set_alt(fig, f"Map of the region's {len(region_tracts):,} census tracts "
                           f"shaded by manufacturing jobs at workplaces there, {ctx.lodes_year}, "
                           f"darker for more, with county outlines and names. {by_class}. "
                           f"Most jobs: {most}.")


# --- caveats and findings ---------------------------------------------------------------------


def acs_caveat(ctx: Context) -> str:
    keys = [*EDUCATION, *LANGUAGE, *COMMUTE_MEANS, *COMMUTE_TIME, *HARDSHIP,
            "participation", "acs_unemployment", "women_manufacturing", "women_all_industries"]
    bad, shown = unreliable_count(ctx, keys)
    v = indicator_values(ctx, keys)
    missing = v[v["estimate"].isna()]
    text = (f"ACS figures are survey estimates pooled over {ctx.acs_years}, not counts for a "
            "single year. Each is shown with its margin of error at the 90 percent level "
            "(± percentage points; the true value lies within the range 9 times in 10). "
            "Regional figures add up the counties, with margins combined by the Census "
            "Bureau's formulas. Of the "
            f"{shown} estimates computed here for the counties, the region and the state, "
            + (f"{bad} have a coefficient of variation (CV) above {UNRELIABLE_CV:.0f} percent "
               "and are marked as unreliable: read them as rough indications only."
               if bad else f"none has a coefficient of variation above {UNRELIABLE_CV:.0f} "
               "percent, the level at which this report would mark an estimate unreliable.")
            + " ACS unemployment differs from "
            "LAUS (a different survey, period and method); LAUS is the official county rate.")
    if len(missing):
        text += (f" {len(missing)} estimates could not be computed because the Census Bureau "
                 "withheld a part of them; they are shown as a dash, never as zero.")
    return text


def qwi_caveat(ctx: Context) -> str:
    c = qwi_flag_counts(ctx)
    return (f"QWI counts jobs with employers covered by unemployment insurance, by where people "
            f"work. Of the {c['cells']:,} values the region's QWI table holds, {c['withheld']:,} "
            f"are withheld ({c['suppressed']:,} suppressed to protect confidentiality, "
            f"{c['not_available']:,} not yet available, such as the latest quarter's separations "
            f"and earnings, which need the following quarter) and {c['distorted']:,} are "
            "released with noise that significantly distorts them. Withheld values stay "
            "missing: a regional total is shown only where every county's value is published, "
            "and shares and averages are computed over the county-quarters where they are "
            "(the tables say how many were left out). The region's turnover and earnings are "
            "the counties' published figures weighted by jobs (new-hire earnings by hires), an "
            "approximation of what the Census Bureau would compute from its microdata.")


def lodes_caveat(ctx: Context) -> str:
    return ("LODES places jobs at the workplace block, and protects employers with noise and "
            "synthetic data, so counts for single tracts are approximate. In the comparison of "
            "who holds manufacturing jobs, the all-jobs shares come from LODES, which does not "
            "cross worker characteristics with industry: they describe every job in the region, "
            "manufacturing included, not manufacturing alone. QWI and LODES both cover jobs "
            "covered by unemployment insurance, but the QWI figures here are private "
            "manufacturing while LODES all jobs include public ones (federal jobs too). Race "
            "groups are race alone, of any ethnicity, in both sources.")


def laus_caveat(ctx: Context) -> str:
    t = laus_areas(ctx.laus, ctx.region)
    have = set(t["area_fips"])
    missing = [b.name for b in (ctx.region.benchmarks.state, ctx.region.benchmarks.nation)
               if b.qcew not in have]
    text = ("LAUS county figures are model-based annual averages by place of residence; they "
            "are revised each year, and the newest year may change.")
    if missing:
        text += (" The " + " and ".join(missing) + " benchmark is not in the processed LAUS "
                 "table (its API response has not been saved), so it is left out here.")
    return text


def findings(ctx: Context) -> list[str]:
    """Plain-language findings, every number computed from the tables above."""
    name, e = ctx.region.name, ctx.end
    items = []
    lf = labor_force(ctx).set_index("Area")
    region_row = f"{name} (region)"
    rate = f"Unemployment rate {e} (%)"
    if region_row in lf.index and pd.notna(lf.at[region_row, rate]):
        r = lf.at[region_row, rate]
        text = (f"In {e}, {lf.at[region_row, f'Unemployed {e}']:,.0f} of the region's "
                f"{lf.at[region_row, f'Labor force {e}']:,.0f} labor-force members were "
                f"unemployed, a rate of {r:.1f}%")
        if ctx.state in lf.index:
            text += f" against {lf.at[ctx.state, rate]:.1f}% in {ctx.state}"
        counties = lf.loc[list(ctx.region.county_names.values())].dropna(subset=[rate])
        hi = counties[rate].idxmax()
        lo = counties[rate].idxmin()
        items.append(text + f"; county rates ranged from {counties.at[lo, rate]:.1f}% "
                     f"({lo}) to {counties.at[hi, rate]:.1f}% ({hi}).")
    prof = acs_profile(ctx, ["no_diploma", "bachelors", "limited_english", "poverty_18_64",
                             "commute_45_plus", "disability_employed",
                             "no_disability_employed", "veterans_18_64"]).set_index("Indicator")

    def pm(key: str) -> str:
        row = prof.loc[INDICATORS[key].label]
        return f"{row['Region (%)']:.1f}% (±{row['± Region']:.1f})"

    def st(key: str) -> str:
        return f"{prof.loc[INDICATORS[key].label, f'{ctx.state} (%)']:.1f}%"

    items.append(f"Of adults aged 25 and over, {pm('no_diploma')} have no high school diploma "
                 f"({st('no_diploma')} in {ctx.state}) and {pm('bachelors')} hold a bachelor's "
                 f"degree or higher ({st('bachelors')}); {pm('limited_english')} of residents "
                 f"aged 5 and over speak English less than \"very well\" "
                 f"({st('limited_english')}).")
    items.append(f"{pm('poverty_18_64')} of working-age residents live below the poverty line "
                 f"({st('poverty_18_64')} in {ctx.state}); {pm('commute_45_plus')} of "
                 "commuters travel 45 minutes or more each way. Among working-age residents "
                 f"with a disability, {pm('disability_employed')} are employed, against "
                 f"{pm('no_disability_employed')} of those without one; "
                 f"{pm('veterans_18_64')} are veterans.")
    mix = workforce_mix(ctx).set_index("Workers")
    women = mix.loc["Women"]
    older = mix.loc[AGED_55_PLUS.label]
    hisp = mix.loc["Hispanic or Latino"]
    items.append(f"Women held {women['Manufacturing jobs (%)']:.0f}% of manufacturing jobs in "
                 f"{ctx.mix_year}, against {women['All jobs (%)']:.0f}% of all jobs; Hispanic "
                 f"or Latino workers held {hisp['Manufacturing jobs (%)']:.0f}% "
                 f"({hisp['All jobs (%)']:.0f}% of all jobs). Workers aged 55 and older held "
                 f"{older['Manufacturing jobs (%)']:.0f}% of manufacturing jobs: retirements "
                 "ahead that apprenticeships can help replace.")
    cf = county_flows(ctx).set_index("Area").loc[region_row]
    hires = (f"about {cf['Hires']:,.0f} hires" if pd.notna(cf["Hires"])
             else "hires (total withheld for some counties)")
    items.append(f"In {ctx.qwi_year} manufacturers in the region made {hires} on an average of "
                 f"{cf['Average jobs']:,.0f} jobs; quarterly turnover averaged "
                 f"{cf['Quarterly turnover (%)']:.1f}%, and new hires earned "
                 f"{cf['New-hire pay, of all (%)']:.0f}% of what all workers earned "
                 f"(${cf['New-hire earnings ($)']:,.0f} against "
                 f"${cf['Monthly earnings ($)']:,.0f} a month).")
    ranked = tract_jobs(ctx)
    c = concentration(ranked)
    lc = lodes_counties(ctx).set_index("County").drop(f"{name} (region)")
    share_col = f"Share of the region's manufacturing {ctx.lodes_year} (%)"
    top_county = lc[share_col].idxmax()
    items.append(f"Manufacturing jobs are concentrated: {c['half']} of the region's "
                 f"{c['tracts']} census tracts hold half of them, and {top_county} County "
                 f"alone holds {lc.at[top_county, share_col]:.0f}% ({ctx.lodes_year}).")
    return items
