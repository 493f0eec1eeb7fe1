"""Section 1, the industry profile: manufacturing employment, establishments and pay in the
region's counties over the analysis years, by subsector; location quotients; shift-share."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from assessment import dataset, figures
from assessment.constants import ALL_INDUSTRIES, MANUFACTURING, QCEW_SUPPRESSED, SUBSECTOR_TITLES
from assessment.metrics import industry as m
from assessment.paths import Mode
from assessment.region import Region, load_region


@dataclass(frozen=True)
class Context:
    region: Region
    mode: Mode
    qcew: pd.DataFrame

    @property
    def subsectors(self) -> list[str]:
        return list(self.region.industry.subsectors)

    @property
    def start(self) -> int:
        return self.region.years.start

    @property
    def end(self) -> int:
        return self.region.years.end

    @classmethod
    def load(cls, region_path: str | Path, mode: str | Mode) -> Context:
        """The region file and the processed QCEW table for ``mode``."""
        region = load_region(region_path)
        return cls(region, Mode(mode), dataset.load("qcew_annual", mode, region))

    def source(self, what: str = "private ownership, annual averages") -> str:
        years = f"{self.start}–{self.end}"
        base = f"BLS Quarterly Census of Employment and Wages (QCEW), {what}, {years}"
        if self.mode is Mode.SAMPLE:
            return base + ". SYNTHETIC SAMPLE DATA in the QCEW layout, not real statistics"
        return base


def title(code: str) -> str:
    return "Manufacturing (all)" if code == MANUFACTURING else SUBSECTOR_TITLES.get(code, code)


def county_summary(ctx: Context) -> pd.DataFrame:
    """Manufacturing by county and for the region: start and end years, change, pay, share."""
    c = m.county_industry(ctx.qcew, ctx.region, [MANUFACTURING, ALL_INDUSTRIES])
    c = c[c.year.isin([ctx.start, ctx.end])]
    wide = c.pivot_table(index=["area_fips", "county"], columns=["industry_code", "year"],
                         values=["employment", "estabs", "avg_annual_pay"], aggfunc="first")
    reg = m.region_totals(ctx.qcew, ctx.region, [MANUFACTURING, ALL_INDUSTRIES])
    rows = []
    for (_fips, name), r in wide.iterrows():
        rows.append(_summary_row(name, r))
    rr = reg[reg.year.isin([ctx.start, ctx.end])].pivot_table(
        index=lambda _: 0, columns=["industry_code", "year"],
        values=["employment", "estabs", "avg_annual_pay"], aggfunc="first")
    rows.append(_summary_row(f"{ctx.region.name} (region)", rr.iloc[0]))
    out = pd.DataFrame(rows)
    s, e = ctx.start, ctx.end
    out.columns = ["Area", f"Jobs {s}", f"Jobs {e}", "Change (%)", f"Establishments {e}",
                   f"Average annual pay {e} ($)", "Share of private jobs (%)"]
    return out


def _summary_row(name: str, r: pd.Series) -> list:
    years = sorted({y for (_, _, y) in r.index})
    s, e = years[0], years[-1]
    emp_s = r[("employment", MANUFACTURING, s)]
    emp_e = r[("employment", MANUFACTURING, e)]
    share = emp_e / r[("employment", ALL_INDUSTRIES, e)] * 100
    return [name, emp_s, emp_e, m.growth(emp_s, emp_e), r[("estabs", MANUFACTURING, e)],
            r[("avg_annual_pay", MANUFACTURING, e)], share]


def trend(ctx: Context) -> pd.DataFrame:
    """Manufacturing jobs by year: region, California, United States (year x area)."""
    reg = m.region_totals(ctx.qcew, ctx.region, [MANUFACTURING]).set_index("year")["employment"]
    cols = {ctx.region.name: reg}
    for bench in (ctx.region.benchmarks.state, ctx.region.benchmarks.nation):
        b = m.benchmark(ctx.qcew, bench.qcew, [MANUFACTURING]).set_index("year")["employment"]
        cols[bench.name] = b
    return pd.DataFrame(cols).sort_index().astype(float)


def trend_figure(ctx: Context):
    return figures.indexed_trend(trend(ctx), "Manufacturing jobs, indexed to "
                                 f"{ctx.start} = 100", "Index")


def subsectors(ctx: Context, *, marked: bool = False) -> pd.DataFrame:
    """Region by subsector, end year: jobs, change since start, pay, LQ vs US, completeness.

    With ``marked`` (the workbook's table), a figure BLS withheld in every county holds
    QCEW's symbol ``N`` instead of a missing value."""
    codes = ctx.subsectors
    reg = m.region_totals(ctx.qcew, ctx.region, codes)
    end = reg[reg.year == ctx.end].set_index("industry_code")
    start = reg[reg.year == ctx.start].set_index("industry_code")
    lq = m.lq_table(ctx.qcew, ctx.region, ctx.end, codes,
                    ctx.region.benchmarks.nation.qcew).set_index("industry_code")
    out = pd.DataFrame({
        "NAICS": codes,
        "Subsector": [title(c) for c in codes],
        f"Jobs {ctx.end}": end["employment"].reindex(codes).to_numpy(),
        "Change (%)": [m.growth(start.at[c, "employment"], end.at[c, "employment"])
                       if c in start.index and start.at[c, "complete"] and end.at[c, "complete"]
                       else pd.NA for c in codes],
        f"Average pay {ctx.end} ($)": end["avg_annual_pay"].reindex(codes).to_numpy(),
        "LQ vs US": lq["region"].reindex(codes).to_numpy(),
        "Counties suppressed": end["counties_suppressed"].reindex(codes).to_numpy(),
    })
    out = out.sort_values(f"Jobs {ctx.end}", ascending=False, na_position="last",
                          ignore_index=True)
    if marked:
        withheld = out["Counties suppressed"].eq(len(ctx.region.counties))
        for col in (f"Jobs {ctx.end}", f"Average pay {ctx.end} ($)", "LQ vs US"):
            values = out[col].astype(object)
            out[col] = values.where(~(withheld & out[col].isna()), QCEW_SUPPRESSED)
    return out


def subsector_figure(ctx: Context):
    t = subsectors(ctx).set_index("Subsector")
    jobs = t[f"Jobs {ctx.end}"].astype(float)
    incomplete = t["Counties suppressed"].fillna(0) > 0
    return figures.horizontal_bars(jobs, f"Manufacturing jobs by subsector, {ctx.end}", "Jobs",
                                   highlight=incomplete)


def lq_figure(ctx: Context):
    t = subsectors(ctx).set_index("Subsector")
    return figures.horizontal_bars(t["LQ vs US"].astype(float),
                                   f"Location quotient vs United States, {ctx.end}",
                                   "Location quotient (1.0 = national share)", reference=1.0,
                                   highlight=t["Counties suppressed"].fillna(0) > 0, fmt="{:.2f}")


def shift_share(ctx: Context) -> pd.DataFrame:
    codes = [MANUFACTURING] + ctx.subsectors
    t = m.shift_share_table(ctx.qcew, ctx.region, codes, ctx.region.benchmarks.nation.qcew,
                            ctx.start, ctx.end)
    t.insert(1, "industry", t["industry_code"].map(title))
    return t


def shift_share_display(ctx: Context) -> pd.DataFrame:
    t = shift_share(ctx)
    t = t[t["complete"]]
    return pd.DataFrame({
        "Industry": t["industry"],
        f"Jobs {ctx.start}": t["employment_start"],
        f"Jobs {ctx.end}": t["employment_end"],
        "Change": t["change"],
        "National growth": t["national_growth"],
        "Industry mix": t["industry_mix"],
        "Regional shift": t["regional_shift"],
    }).reset_index(drop=True)


def shift_share_figure(ctx: Context):
    t = shift_share(ctx)
    t = t[t["complete"] & (t["industry_code"] != MANUFACTURING)]
    labels = pd.Series({c: title(c) for c in t["industry_code"]})
    return figures.shift_share_bars(t, labels, f"Sources of job change, {ctx.start}–{ctx.end}")


def county_map_figure(ctx: Context):
    counties = dataset.load("counties", ctx.mode, ctx.region)
    c = m.county_industry(ctx.qcew, ctx.region, [MANUFACTURING])
    jobs = c[c.year == ctx.end].set_index("area_fips")["employment"]
    return figures.county_map(counties, jobs, f"Manufacturing jobs by county, {ctx.end}",
                              "Jobs")


def suppression_caveat(ctx: Context) -> str:
    """Which subsectors' regional figures are lower bounds, in words."""
    t = subsectors(ctx)
    hit = t[t["Counties suppressed"].fillna(0) > 0]
    n = len(ctx.region.counties)
    if hit.empty:
        return (f"BLS published every county's figure for every subsector in {ctx.end}; the "
                "regional totals are complete.")
    parts = [f"{r['Subsector']} ({int(r['Counties suppressed'])} of {n})"
             for _, r in hit.iterrows()]
    return (f"BLS withheld some county figures in {ctx.end} to protect employers' "
            "confidentiality. Regional figures for these subsectors cover only the counties "
            "that published them (counties withheld of " + str(n) + "): " + "; ".join(parts)
            + ". They are lower bounds, and a withheld figure is never shown as zero.")


def findings(ctx: Context) -> list[str]:
    """Plain-language findings, every number computed from the tables above."""
    tr = trend(ctx)
    name = ctx.region.name
    reg_growth = m.growth(tr[name].iloc[0], tr[name].iloc[-1])
    us = ctx.region.benchmarks.nation.name
    ca = ctx.region.benchmarks.state.name
    us_growth = m.growth(tr[us].iloc[0], tr[us].iloc[-1])
    ca_growth = m.growth(tr[ca].iloc[0], tr[ca].iloc[-1])
    summary = county_summary(ctx)
    region_row = summary.iloc[-1]
    subs = subsectors(ctx)
    top = subs.dropna(subset=[f"Jobs {ctx.end}"]).head(3)
    top_share = top[f"Jobs {ctx.end}"].sum() / region_row[f"Jobs {ctx.end}"] * 100
    lq = subs.dropna(subset=["LQ vs US"])
    lq = lq[lq["Counties suppressed"] == 0].sort_values("LQ vs US", ascending=False)
    ss = shift_share(ctx).set_index("industry_code")
    shift = ss.loc[MANUFACTURING, "regional_shift"]
    items = [
        f"Manufacturing employed {region_row[f'Jobs {ctx.end}']:,.0f} people in the "
        f"{name}'s private sector in {ctx.end}, {region_row['Share of private jobs (%)']:.1f}% "
        f"of private jobs, across {region_row[f'Establishments {ctx.end}']:,.0f} "
        "establishments.",
        f"From {ctx.start} to {ctx.end} the region's manufacturing jobs changed by "
        f"{reg_growth:+.1f}%, against {ca_growth:+.1f}% in {ca} and {us_growth:+.1f}% in the "
        f"{us}.",
        f"The three largest subsectors ({', '.join(top['Subsector'].str.lower())}) hold "
        f"{top_share:.0f}% of manufacturing jobs.",
    ]
    if not lq.empty:
        best = lq.iloc[0]
        items.append(f"{best['Subsector']} is the most concentrated subsector: its share of "
                     f"jobs is {best['LQ vs US']:.1f} times the national share.")
    more_fewer = "more" if shift >= 0 else "fewer"
    items.append(f"The region ended {ctx.end} with about {abs(shift):,.0f} {more_fewer} "
                 "manufacturing jobs than national growth and its industry mix would predict "
                 "(the regional shift in the shift-share analysis).")
    return items
