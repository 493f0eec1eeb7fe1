"""Workforce chapter, disadvantaged communities: where they are, who lives there, and how close
the manufacturing jobs are.

The state's SB 535 list (CalEPA 2022, from CalEnviroScreen 4.0) and the federal CEJST 1.0 flag
are published on 2010 census tracts; ACS 2020s releases and LODES 8 use 2020 tracts. Both lists
are carried onto 2020 tracts with the Census relationship file (:mod:`assessment.metrics.
tracts`: a 2020 tract is disadvantaged when at least half of its land lies in designated 2010
tracts). A tract is "disadvantaged" here when either list designates it; the map shows which.

* the comparison of disadvantaged tracts with the rest of the region sums the ACS tract counts
  of each group (margins by the Census Bureau's sum formula) and takes shares with the
  proportion formula; a difference is *significant* when it exceeds the margin of error of the
  difference, √(MOE₁² + MOE₂²), i.e. |Z| > 1.645 at the 90 percent level;
* access: manufacturing jobs by workplace tract (LODES WAC) in or near a disadvantaged tract,
  near meaning the job tract's representative point lies within :data:`NEAR_KM` of one;
  manufacturing workers by home tract (LODES RAC);
* recruitment: the rule is :data:`RECRUITMENT_RULE`, every number from the tables.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import geopandas as gpd
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.lines import Line2D
from matplotlib.patches import Patch

from assessment import dataset, figures, sources
from assessment.metrics import acs_moe
from assessment.metrics import tracts as alloc
from assessment.paths import Mode
from assessment.region import Region, load_region
from assessment.sections.workforce import INDICATORS, Indicator, _v
from assessment.sources import calenviroscreen

ALBERS = "EPSG:3310"
NEAR_KM = 5.0  # about three miles: a short drive or bus ride
MIN_NEARBY_JOBS = 100
TOP_N = 10
Z90 = 1.645
BOTH, SB535_ONLY, CEJST_ONLY, NEITHER = ("SB 535 and CEJST", "SB 535 only", "CEJST only",
                                         "Neither")
# Colour-blind safe (Okabe–Ito orange and sky blue, a dark purple for both lists).
CATEGORY_COLORS = {BOTH: "#5e3c99", SB535_ONLY: "#e69f00", CEJST_ONLY: "#56b4e9",
                   NEITHER: "#f1f1f1"}
RECRUITMENT_RULE = (
    f"Tracts designated disadvantaged by SB 535 or CEJST with at least {MIN_NEARBY_JOBS} "
    f"manufacturing jobs within {NEAR_KM:.0f} km (jobs in the tract itself included), ranked by "
    "the number of residents aged 18 to 64 who are unemployed or out of the labor force (ACS "
    "B18120); ties go to the tract with more manufacturing jobs nearby.")

WORKING_AGE = "B18120_001"  # civilian noninstitutionalized population 18 to 64
NOT_WORKING = ("B18120_012", "B18120_021")  # unemployed; not in the labor force (18 to 64)
NO_VEHICLE = Indicator("Households without a vehicle", "B25044", _v("B25044", 3, 10),
                       _v("B25044", 1), "occupied housing units", "No vehicle")
COMPARISON = ["participation", "acs_unemployment", "no_diploma", "limited_english",
              "poverty", "disability", "no_vehicle", "transit"]
LABELS = {"participation": "Labor force participation, 16 and over",
          "acs_unemployment": "Unemployment rate, civilian labor force",
          "no_diploma": "No high school diploma, 25 and over",
          "limited_english": "Speak English less than \"very well\", 5 and over",
          "poverty": "Below the poverty level",
          "disability": "With a disability, 18 to 64",
          "no_vehicle": "Households without a vehicle",
          "transit": "Commute by public transportation"}


def indicator(key: str) -> Indicator:
    return NO_VEHICLE if key == "no_vehicle" else INDICATORS[key]


# --- the context ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Context:
    region: Region
    mode: Mode
    ces: pd.DataFrame  # calenviroscreen: 2010 tracts, SB 535 flag as published
    cejst: pd.DataFrame  # 2010 tracts
    rel: pd.DataFrame  # tract_relationship pieces
    acs_tract: pd.DataFrame
    wac_tract: pd.DataFrame
    rac_tract: pd.DataFrame
    tracts: gpd.GeoDataFrame
    counties: gpd.GeoDataFrame

    @classmethod
    def load(cls, region_path: str | Path, mode: str | Mode) -> Context:
        """The region file and every processed table this section reads, for ``mode``."""
        region, mode = load_region(region_path), Mode(mode)
        def load(name: str) -> pd.DataFrame:
            return dataset.load(name, mode, region)

        ces = (load("calenviroscreen") if sources.applies("calenviroscreen", region)
               else pd.DataFrame(columns=calenviroscreen.TIDY_COLUMNS))
        return cls(region, mode, ces, load("cejst"), load("tract_relationship"),
                   load("acs_tract"), load("lodes_wac_tract"), load("lodes_rac_tract"),
                   load("tracts"), load("counties"))

    @property
    def lodes_year(self) -> int:
        return int(self.wac_tract["year"].max())

    @property
    def rac_year(self) -> int:
        return int(self.rac_tract["year"].max())

    @property
    def acs_years(self) -> str:
        return f"{self.region.years.acs - 4}–{self.region.years.acs}"

    def source(self, key: str) -> str:
        s = self.region.screening
        parts = {
            "screening": f"CalEPA SB 535 disadvantaged communities ({s.sb535}, CalEnviroScreen "
                         f"{s.calenviroscreen}); CEQ Climate and Economic Justice Screening Tool"
                         f" {s.cejst_version} (mirror: {s.cejst_mirror}); both on 2010 tracts, "
                         "carried onto 2020 tracts with the Census 2020–2010 tract relationship"
                         " file",
            "acs": f"U.S. Census Bureau, American Community Survey 5-year estimates "
                   f"{self.acs_years}, census tracts; margins of error at the 90 percent level",
            "lodes": f"U.S. Census Bureau, LEHD LODES 8, workplace ({self.lodes_year}) and "
                     f"residence ({self.rac_year}) area characteristics",
        }
        keys = {"map": ["screening", "lodes"], "table": ["screening", "acs"],
                "access": ["screening", "lodes", "acs"],
                "recruit": ["screening", "acs", "lodes"]}.get(key, [key])
        text = "; ".join(parts[k] for k in keys)
        if self.mode is Mode.SAMPLE:
            text += (". SYNTHETIC SAMPLE DATA (invented tracts) in the agencies' layouts, not "
                     "real statistics")
        return text


# --- disadvantaged tracts on 2020 tracts --------------------------------------------------------


def dac_tracts(ctx: Context) -> pd.DataFrame:
    """Every 2020 tract of the region with its SB 535 and CEJST status (and shares)."""
    rel = ctx.rel[ctx.rel["county_fips"].isin(ctx.region.county_fips)]
    out = pd.DataFrame({"tract": sorted(rel["tract_2020"].unique())})
    if len(ctx.ces):
        f = alloc.allocate_flags(ctx.ces, rel, ["sb535_dac"])
        m = alloc.allocate_mean(ctx.ces, rel, ["ces_score", "ces_percentile"])
        out = out.merge(f.rename(columns={"tract_2020": "tract"}), on="tract", how="left")
        out = out.merge(m.rename(columns={"tract_2020": "tract"}), on="tract", how="left")
    else:
        out["sb535_dac"] = pd.Series(pd.NA, index=out.index, dtype="boolean")
        out["sb535_dac_share"] = pd.Series(pd.NA, index=out.index, dtype="Float64")
    c = alloc.allocate_flags(ctx.cejst, rel, ["cejst_dac"]).rename(columns={"tract_2020": "tract"})
    out = out.merge(c, on="tract", how="left")
    out["county_fips"] = out["tract"].str[:5]
    sb = out["sb535_dac"].fillna(False).astype(bool)
    ce = out["cejst_dac"].fillna(False).astype(bool)
    out["dac"] = sb | ce
    out["category"] = np.select([sb & ce, sb, ce], [BOTH, SB535_ONLY, CEJST_ONLY], NEITHER)
    shares = out[["sb535_dac_share", "cejst_dac_share"]].astype(float)
    out["split"] = ((shares > 0) & (shares < 1)).any(axis=1)
    return out


def split_counts(ctx: Context) -> dict[str, int]:
    """2020 tracts partly in designated 2010 tracts, and how the majority rule settled them."""
    t = dac_tracts(ctx)
    out = {}
    for col in ("sb535_dac", "cejst_dac"):
        share = t[f"{col}_share"].astype(float)
        part = (share > 0) & (share < 1)
        out[f"{col}_split"] = int(part.sum())
        out[f"{col}_split_counted"] = int((part & t[col].fillna(False).astype(bool)).sum())
        out[f"{col}_unknown"] = int(t[col].isna().sum())
    return out


def tract_counts(ctx: Context) -> pd.DataFrame:
    """Disadvantaged 2020 tracts by county: SB 535, CEJST, both, either, of all tracts."""
    t = dac_tracts(ctx)
    rows = []
    names = ctx.region.county_names
    for fips in [*ctx.region.county_fips, None]:
        g = t if fips is None else t[t["county_fips"] == fips]
        sb = g["sb535_dac"].fillna(False).astype(bool)
        ce = g["cejst_dac"].fillna(False).astype(bool)
        rows.append({"County": f"{ctx.region.name} (region)" if fips is None else names[fips],
                     "Tracts": len(g), "SB 535": int(sb.sum()), "CEJST": int(ce.sum()),
                     "Both": int((sb & ce).sum()), "Either": int((sb | ce).sum()),
                     "Either, of all tracts (%)": (sb | ce).mean() * 100 if len(g) else np.nan})
    return pd.DataFrame(rows)


# --- ACS: disadvantaged tracts against the rest ------------------------------------------------


def _tract_values(ctx: Context) -> pd.DataFrame:
    a = ctx.acs_tract[ctx.acs_tract["geoid"].str[:5].isin(ctx.region.county_fips)]
    return a[["geoid", "variable", "estimate", "moe"]]


def group_sum(acs: pd.DataFrame, tracts: pd.Index | list[str], variables: tuple[str, ...]
              ) -> tuple[float, float]:
    """Estimate and MOE of the sum of ``variables`` over ``tracts`` (Census sum formula, zero
    estimates sharing their largest margin); missing if any part is missing."""
    sub = acs[acs["geoid"].isin(tracts) & acs["variable"].isin(variables)]
    if sub.empty or len(sub) < len(set(tracts)) * len(set(variables)):
        return np.nan, np.nan
    est = sub["estimate"].astype("Float64").to_numpy(dtype=float, na_value=np.nan)
    moe = sub["moe"].astype("Float64").to_numpy(dtype=float, na_value=np.nan)
    if np.isnan(est).any():
        return np.nan, np.nan
    return float(est.sum()), acs_moe.moe_sum(moe, est)


def group_share(acs: pd.DataFrame, tracts, ind: Indicator) -> tuple[float, float]:
    """A share (percent) and its MOE (points) over a group of tracts."""
    x, mx = group_sum(acs, tracts, ind.num)
    y, my = group_sum(acs, tracts, ind.den)
    if np.isnan(x) or np.isnan(y) or y == 0:
        return np.nan, np.nan
    return x / y * 100, float(acs_moe.moe_proportion(x, y, mx, my)) * 100


def _groups(ctx: Context) -> tuple[list[str], list[str]]:
    t = dac_tracts(ctx)
    return t.loc[t["dac"], "tract"].tolist(), t.loc[~t["dac"], "tract"].tolist()


def comparison(ctx: Context) -> pd.DataFrame:
    """Disadvantaged tracts against the rest of the region, with MOEs and a significance flag."""
    acs = _tract_values(ctx)
    dac, rest = _groups(ctx)
    rows = []
    a, ma = group_sum(acs, dac, (WORKING_AGE,))
    b, mb = group_sum(acs, rest, (WORKING_AGE,))
    rows.append({"Indicator": "Residents aged 18 to 64 (number)", "Disadvantaged tracts": a,
                 "± Disadvantaged": ma, "Rest of region": b, "± Rest": mb,
                 "Difference (points)": np.nan, "± Difference": np.nan, "Significant": ""})
    for key in COMPARISON:
        p1, m1 = group_share(acs, dac, indicator(key))
        p2, m2 = group_share(acs, rest, indicator(key))
        diff, md = p1 - p2, float(np.hypot(m1, m2))
        sig = "" if np.isnan(diff) else ("yes" if abs(diff) > md else "no, not significant")
        rows.append({"Indicator": f"{LABELS[key]} (%)", "Disadvantaged tracts": p1,
                     "± Disadvantaged": m1, "Rest of region": p2, "± Rest": m2,
                     "Difference (points)": diff, "± Difference": md, "Significant": sig})
    return pd.DataFrame(rows)


COMPARISON_FORMATS = {"Disadvantaged tracts": "{:,.1f}", "Rest of region": "{:,.1f}",
                      "± Disadvantaged": "{:,.1f}", "± Rest": "{:,.1f}",
                      "Difference (points)": "{:+.1f}", "± Difference": "{:.1f}"}


# --- access: jobs near disadvantaged tracts, workers living in them ------------------------------


def _points(ctx: Context) -> gpd.GeoSeries:
    t = ctx.tracts[ctx.tracts["county"].isin(ctx.region.county_fips)].to_crs(ALBERS)
    return gpd.GeoSeries(t.geometry.representative_point().to_numpy(),
                         index=t["GEOID"].astype(str).to_numpy(), crs=ALBERS)


def tract_access(ctx: Context) -> pd.DataFrame:
    """Per 2020 tract: status, manufacturing jobs there (WAC), manufacturing workers living
    there (RAC), distance (km) from its point to the nearest disadvantaged tract, and
    manufacturing jobs within :data:`NEAR_KM`."""
    t = dac_tracts(ctx).set_index("tract")
    shapes = ctx.tracts[ctx.tracts["county"].isin(ctx.region.county_fips)].to_crs(ALBERS)
    shapes = shapes.set_index(shapes["GEOID"].astype(str))
    pts = _points(ctx)
    dac_union = shapes.loc[shapes.index.isin(t.index[t["dac"]])].geometry.union_all()
    wac = ctx.wac_tract[ctx.wac_tract["year"] == ctx.lodes_year].set_index("tract")
    rac = ctx.rac_tract[ctx.rac_tract["year"] == ctx.rac_year].set_index("tract")
    out = pd.DataFrame(index=pts.index)
    out["dac"] = t["dac"].reindex(out.index).fillna(False).astype(bool)
    out["category"] = t["category"].reindex(out.index).fillna(NEITHER)
    # LODES lists every block with a job (or a worker), so a tract absent has none.
    out["mfg_jobs"] = wac["manufacturing_jobs"].reindex(out.index).fillna(0).astype(float)
    out["all_jobs"] = wac["all_jobs"].reindex(out.index).fillna(0).astype(float)
    out["mfg_workers"] = rac["manufacturing_jobs"].reindex(out.index).fillna(0).astype(float)
    out["all_workers"] = rac["all_jobs"].reindex(out.index).fillna(0).astype(float)
    out["km_to_dac"] = (pts.distance(dac_union) / 1000 if dac_union is not None
                        else pd.Series(np.inf, index=pts.index))
    xy = np.column_stack([pts.x.to_numpy(), pts.y.to_numpy()])
    d = np.sqrt(((xy[:, None, :] - xy[None, :, :]) ** 2).sum(axis=2)) / 1000
    out["mfg_jobs_near"] = (d <= NEAR_KM).astype(float) @ out["mfg_jobs"].to_numpy()
    return out


def access(ctx: Context) -> dict[str, float]:
    a = tract_access(ctx)
    jobs, workers = a["mfg_jobs"].sum(), a["mfg_workers"].sum()
    near = a["km_to_dac"] <= NEAR_KM
    acs = _tract_values(ctx)
    dac, rest = _groups(ctx)
    pop_dac, _ = group_sum(acs, dac, (WORKING_AGE,))
    pop_all, _ = group_sum(acs, dac + rest, (WORKING_AGE,))
    return {
        "mfg_jobs": jobs,
        "jobs_in_dac": a.loc[a["dac"], "mfg_jobs"].sum() / jobs * 100,
        "jobs_in_sb535": a.loc[a["category"].isin([BOTH, SB535_ONLY]), "mfg_jobs"].sum()
        / jobs * 100,
        "jobs_in_cejst": a.loc[a["category"].isin([BOTH, CEJST_ONLY]), "mfg_jobs"].sum()
        / jobs * 100,
        "jobs_near_dac": a.loc[near, "mfg_jobs"].sum() / jobs * 100,
        "all_jobs_in_dac": a.loc[a["dac"], "all_jobs"].sum() / a["all_jobs"].sum() * 100,
        "mfg_workers": workers,
        "workers_in_dac": a.loc[a["dac"], "mfg_workers"].sum() / workers * 100,
        "all_workers_in_dac": a.loc[a["dac"], "all_workers"].sum()
        / a["all_workers"].sum() * 100,
        "working_age_in_dac": pop_dac / pop_all * 100 if pop_all else np.nan,
    }


def access_table(ctx: Context) -> pd.DataFrame:
    a = access(ctx)
    rows = [
        (f"Manufacturing jobs in the region ({ctx.lodes_year}, place of work)", a["mfg_jobs"],
         "number"),
        ("  located in a disadvantaged tract (SB 535 or CEJST)", a["jobs_in_dac"], "%"),
        ("  located in an SB 535 tract", a["jobs_in_sb535"], "%"),
        ("  located in a CEJST tract", a["jobs_in_cejst"], "%"),
        (f"  located in or within {NEAR_KM:.0f} km of a disadvantaged tract", a["jobs_near_dac"],
         "%"),
        ("All jobs located in a disadvantaged tract", a["all_jobs_in_dac"], "%"),
        (f"Manufacturing workers living in the region ({ctx.rac_year}, place of residence)",
         a["mfg_workers"], "number"),
        ("  living in a disadvantaged tract", a["workers_in_dac"], "%"),
        ("All workers living in a disadvantaged tract", a["all_workers_in_dac"], "%"),
        ("Residents aged 18 to 64 living in a disadvantaged tract (ACS)",
         a["working_age_in_dac"], "%"),
    ]
    return pd.DataFrame({"Measure": [r[0] for r in rows],
                         "Value": [f"{r[1]:,.0f}" if r[2] == "number" else f"{r[1]:.1f}%"
                                   for r in rows]})


def barrier(ctx: Context) -> str:
    """A sentence on car access and transit in disadvantaged tracts, when a difference stands
    out (is statistically significant); otherwise says none does."""
    c = comparison(ctx).set_index("Indicator")
    parts = []
    for key in ("no_vehicle", "transit"):
        row = c.loc[f"{LABELS[key]} (%)"]
        if row["Significant"] == "yes":
            parts.append(f"{LABELS[key].lower()}: {row['Disadvantaged tracts']:.1f}% "
                         f"(±{row['± Disadvantaged']:.1f}) against {row['Rest of region']:.1f}% "
                         f"(±{row['± Rest']:.1f}) in the rest of the region")
    if not parts:
        return ("Neither the share of households without a vehicle nor the share commuting by "
                "transit differs significantly between disadvantaged tracts and the rest of the"
                " region.")
    return ("A commute barrier stands out in disadvantaged tracts: " + "; ".join(parts)
            + ". Recruitment there needs rides, transit passes or employer shuttles to reach "
            "the plants.")


# --- where to recruit -------------------------------------------------------------------------


def recruitment(ctx: Context, n: int = TOP_N) -> pd.DataFrame:
    """The ranked recruitment table (:data:`RECRUITMENT_RULE`)."""
    a = tract_access(ctx)
    acs = _tract_values(ctx)
    cand = a[a["dac"] & (a["mfg_jobs_near"] >= MIN_NEARBY_JOBS)]
    rows = []
    for tract, r in cand.iterrows():
        nw, mnw = group_sum(acs, [tract], NOT_WORKING)
        un, _ = group_sum(acs, [tract], (NOT_WORKING[0],))
        nilf, _ = group_sum(acs, [tract], (NOT_WORKING[1],))
        wa, mwa = group_sum(acs, [tract], (WORKING_AGE,))
        share = (nw / wa * 100) if wa else np.nan
        nv, _ = group_share(acs, [tract], NO_VEHICLE)
        le, _ = group_share(acs, [tract], INDICATORS["limited_english"])
        rows.append({"Tract": tract, "County": ctx.region.county_names[tract[:5]],
                     "Designated by": r["category"],
                     "Residents 18-64 not working": nw, "± Not working": mnw,
                     "CV (%)": float(acs_moe.cv(nw, mnw)),
                     "Of residents 18-64 (%)": share, "Unemployed": un,
                     "Out of the labor force": nilf,
                     f"Manufacturing jobs within {NEAR_KM:.0f} km": r["mfg_jobs_near"],
                     "No vehicle (%)": nv, "Limited English (%)": le})
    out = pd.DataFrame(rows)
    if out.empty:
        return out
    jobs_col = f"Manufacturing jobs within {NEAR_KM:.0f} km"
    out = out.sort_values(["Residents 18-64 not working", jobs_col, "Tract"],
                          ascending=[False, False, True], ignore_index=True).head(n)
    out.insert(0, "Rank", np.arange(1, len(out) + 1))
    return out


RECRUITMENT_FORMATS = {"Residents 18-64 not working": "{:,.0f}", "± Not working": "{:,.0f}",
                       "CV (%)": "{:.1f}",
                       "Of residents 18-64 (%)": "{:.1f}", "Unemployed": "{:,.0f}",
                       "Out of the labor force": "{:,.0f}",
                       f"Manufacturing jobs within {NEAR_KM:.0f} km": "{:,.0f}",
                       "No vehicle (%)": "{:.1f}", "Limited English (%)": "{:.1f}"}


# --- the map ----------------------------------------------------------------------------------


def map_figure(ctx: Context) -> plt.Figure:
    """SB 535 and CEJST tracts and their overlap, manufacturing jobs by tract as circles, the
    region's counties outlined."""
    t = dac_tracts(ctx).set_index("tract")
    shapes = ctx.tracts[ctx.tracts["county"].isin(ctx.region.county_fips)].to_crs(ALBERS).copy()
    shapes["category"] = shapes["GEOID"].astype(str).map(t["category"]).fillna(NEITHER)
    counties = ctx.counties.to_crs(ALBERS)
    region = counties[counties["in_region"]]
    fig, ax = plt.subplots(figsize=(figures.WIDTH, 6.4))
    counties.plot(ax=ax, color="#fafafa", edgecolor="#cccccc", linewidth=0.4)
    for cat, color in CATEGORY_COLORS.items():
        part = shapes[shapes["category"] == cat]
        if len(part):
            part.plot(ax=ax, color=color, edgecolor="white", linewidth=0.2)
    a = tract_access(ctx)
    pts = _points(ctx)
    jobs = a["mfg_jobs"]
    has = jobs > 0
    scale = 220 / max(float(jobs.max()), 1.0)
    ax.scatter(pts.x[has], pts.y[has], s=jobs[has] * scale, facecolor="none",
               edgecolor="#222222", linewidth=0.7, zorder=5)
    region.boundary.plot(ax=ax, color="#333333", linewidth=0.9, zorder=6)
    for _, row in region.iterrows():
        p = row.geometry.representative_point()
        ax.annotate(row["NAME"], (p.x, p.y), ha="center", va="center", fontsize=7, zorder=7,
                    bbox={"boxstyle": "round,pad=0.15", "fc": "white", "ec": "none",
                          "alpha": 0.7})
    minx, miny, maxx, maxy = region.total_bounds
    pad = 0.06 * max(maxx - minx, maxy - miny)
    ax.set_xlim(minx - pad, maxx + pad)
    ax.set_ylim(miny - pad, maxy + pad)
    ax.set_axis_off()
    handles = [Patch(facecolor=c, edgecolor="#999999", label=k)
               for k, c in CATEGORY_COLORS.items()]
    top = float(jobs.max())
    for v in sorted({round(top, -2) or top, round(top / 4, -1) or top / 4}):
        handles.append(Line2D([], [], marker="o", linestyle="", markerfacecolor="none",
                              markeredgecolor="#222222", markersize=np.sqrt(v * scale),
                              label=f"{v:,.0f} manufacturing jobs"))
    ax.legend(handles=handles, title="Disadvantaged tracts (2020 tracts)", frameon=True,
              framealpha=0.9, edgecolor="none", loc="lower left", fontsize=7,
              title_fontsize=7.5)
    ax.set_title(f"Disadvantaged census tracts and manufacturing jobs, {ctx.lodes_year}",
                 loc="left")
    fig.tight_layout()
    counts = shapes["category"].value_counts()
    cats = "; ".join(f"{k}: {int(counts.get(k, 0)):,}" for k in CATEGORY_COLORS)
    return figures.set_alt(fig, f"Map of the region's {len(shapes):,} census tracts coloured "
                           f"by disadvantaged-community status ({cats}), with open circles "
                           f"sized by each tract's manufacturing jobs, {ctx.lodes_year} (largest "
                           f"{top:,.0f}), and county outlines and names.")


# --- caveats and findings ---------------------------------------------------------------------


def caveat(ctx: Context) -> str:
    s = split_counts(ctx)
    return (f"SB 535 and CEJST mark 2010 census tracts; this report uses 2020 tracts. Each 2020"
            " tract takes the status of the 2010 tracts holding at least half of its land "
            "(Census 2020–2010 tract relationship file, land areas). "
            f"{s['sb535_dac_split']} of the region's 2020 tracts lie partly in an SB 535 tract "
            f"and partly outside one ({s['sb535_dac_split_counted']} of them counted as "
            f"disadvantaged); for CEJST, {s['cejst_dac_split']} "
            f"({s['cejst_dac_split_counted']} counted). The SB 535 list is CalEPA's as "
            "published: it is not the tracts scoring in CalEnviroScreen's top quarter alone. "
            "Tract estimates from the ACS have wide margins; group figures add up the tracts, "
            "and a difference flagged 'not significant' may be chance. LODES counts are "
            "protected with noise at the block level.")


def findings(ctx: Context) -> list[str]:
    """Plain-language findings, every number computed from the tables above."""
    row = tract_counts(ctx).set_index("County").loc[f"{ctx.region.name} (region)"]
    counts = {k: int(row[k]) for k in ("Tracts", "SB 535", "CEJST", "Both", "Either")}
    a = access(ctx)
    items = [f"{counts['Either']:,} of the region's {counts['Tracts']:,} census tracts are "
             f"disadvantaged communities: {counts['SB 535']:,} under California's SB 535 list "
             f"and {counts['CEJST']:,} under the federal CEJST, {counts['Both']:,} under both. "
             f"{a['working_age_in_dac']:.0f}% of the region's residents aged 18 to 64 live in "
             "one."]
    items.append(f"{a['jobs_in_dac']:.0f}% of the region's manufacturing jobs are in a "
                 f"disadvantaged tract and {a['jobs_near_dac']:.0f}% within {NEAR_KM:.0f} km of "
                 f"one; {a['workers_in_dac']:.0f}% of the manufacturing workers who live in the "
                 f"region live in one ({a['all_workers_in_dac']:.0f}% of all workers).")
    c = comparison(ctx).set_index("Indicator")

    def pair(key: str) -> str:
        r = c.loc[f"{LABELS[key]} (%)"]
        note = "" if r["Significant"] == "yes" else ", not a significant difference"
        return (f"{r['Disadvantaged tracts']:.1f}% (±{r['± Disadvantaged']:.1f}) against "
                f"{r['Rest of region']:.1f}% (±{r['± Rest']:.1f}) elsewhere{note}")

    items.append(f"In disadvantaged tracts the unemployment rate is {pair('acs_unemployment')};"
                 f" {pair('no_diploma')} of adults have no high school diploma and "
                 f"{pair('limited_english')} of residents speak English less than \"very well\".")
    items.append(barrier(ctx))
    r = recruitment(ctx, 3)
    if len(r):
        top = "; ".join(f"{row['Tract']} ({row['County']}, "
                        f"{row['Residents 18-64 not working']:,.0f} residents aged 18 to 64 not"
                        " working)" for row in r.to_dict("records"))
        items.append(f"Where to recruit first, by the rule stated with the table: {top}.")
    return items
