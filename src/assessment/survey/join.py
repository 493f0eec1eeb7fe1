"""Survey answers joined to public data: QCEW by county x industry, OEWS by area x occupation.

Keys, as each source writes them:

* county: 5-digit FIPS (``06019``), the survey's ``county_fips`` and QCEW's ``area_fips``;
* industry: the survey's ``naics3`` (``311``) is QCEW's 3-digit ``industry_code``; its
  ``naics2`` (``31``) maps to QCEW's sector code, which is a range for three sectors
  (``31``/``32``/``33`` -> ``31-33``, ``44``/``45`` -> ``44-45``, ``48``/``49`` -> ``48-49``);
* occupation: SOC 2018 as OEWS writes it (``51-4041``); a major group is ``51-0000``;
* OEWS area: each county's area for the release year comes from ``region.oews_areas(year)``,
  with the region file's stand-in note where another area stands for a county (Madera in
  the May 2025 release).

Every join is a left join that keeps each survey row exactly once (checked) and says where
nothing matched; suppressed public values stay missing, with the agency's flag alongside.
Row-level results are confidential like the survey tables they extend; :func:`wage_gaps` is
the publishable summary and applies the region's respondent threshold.
"""

from __future__ import annotations

import pandas as pd

from assessment.constants import OWN_PRIVATE
from assessment.region import Disclosure, Region
from assessment.survey import disclosure

QCEW_SECTORS = {"31": "31-33", "32": "31-33", "33": "31-33", "44": "44-45", "45": "44-45",
                "48": "48-49", "49": "48-49"}
OEWS_CROSS_INDUSTRY = "000000"
HOURS_PER_YEAR = 2080  # OEWS annual wages are hourly wages x 2,080 hours
SIZE_ALL = 0
QCEW_COLUMNS = {"estabs": "qcew_estabs", "employment": "qcew_employment",
                "avg_annual_pay": "qcew_avg_annual_pay", "suppressed": "qcew_suppressed",
                "disclosure_code": "qcew_disclosure_code"}
OEWS_COLUMNS = ("tot_emp", "h_median", "a_median", "a_pct25")


def qcew_sector(naics2: pd.Series) -> pd.Series:
    """NAICS 2-digit sector as QCEW writes it (``31`` -> ``31-33``; others unchanged)."""
    s = naics2.astype("string")
    return s.map(lambda v: QCEW_SECTORS.get(v, v) if isinstance(v, str) else v).astype("string")


def soc_major(soc: pd.Series) -> pd.Series:
    """SOC major group as OEWS writes it (``51-4041`` -> ``51-0000``)."""
    s = soc.astype("string")
    bad = s.notna() & ~s.str.fullmatch(r"\d{2}-\d{4}")
    if bad.any():
        raise ValueError(f"not a SOC code (NN-NNNN): {sorted(set(s[bad]))[:10]}")
    return (s.str[:2] + "-0000").astype("string")


def county_oews_areas(region: Region, year: int | None = None) -> pd.DataFrame:
    """County FIPS -> OEWS area code for the ``year`` release, with any stand-in note."""
    areas = region.oews_areas(year)
    return pd.DataFrame({
        "county_fips": pd.array(list(areas), dtype="string"),
        "oews_area": pd.array([a.code for a in areas.values()], dtype="string"),
        "oews_stand_in": pd.array([a.stand_in for a in areas.values()], dtype="string"),
    })


def _left_join(left: pd.DataFrame, right: pd.DataFrame, on: list[str] | dict[str, str],
               what: str) -> pd.DataFrame:
    """Left join that refuses to duplicate survey rows."""
    left_on = list(on) if isinstance(on, dict) else on
    right_on = list(on.values()) if isinstance(on, dict) else on
    dupes = right.duplicated(right_on)
    if dupes.any():
        keys = right.loc[dupes, right_on].drop_duplicates().head(5).values.tolist()
        raise ValueError(f"{what} has more than one row for {right_on} {keys}; filter it to one"
                         " year / release first")
    out = left.merge(right, left_on=left_on, right_on=right_on, how="left", sort=False)
    if len(out) != len(left):
        raise AssertionError("a left join changed the number of survey rows")
    out.index = left.index
    return out


def attach_qcew(survey: pd.DataFrame, qcew_annual: pd.DataFrame, year: int,
                level: str = "subsector", county: str = "county_fips") -> pd.DataFrame:
    """Add QCEW private establishments, employment and pay for each row's county x industry.

    ``level`` "subsector" joins ``naics3`` to the 3-digit rows, "sector" joins ``naics2``
    through :func:`qcew_sector`. New columns: ``qcew_industry``, ``qcew_estabs``,
    ``qcew_employment``, ``qcew_avg_annual_pay`` (missing where BLS suppressed them),
    ``qcew_suppressed``, ``qcew_disclosure_code``, and ``qcew_found`` (the file has the cell).
    """
    if level == "subsector":
        industry = survey["naics3"].astype("string")
    elif level == "sector":
        industry = qcew_sector(survey["naics2"])
    else:
        raise ValueError(f"level must be 'subsector' or 'sector', not {level!r}")
    q = qcew_annual
    rows = q[(q["year"] == year) & (q["own_code"] == OWN_PRIVATE) & (q["size_code"] == SIZE_ALL)]
    if "qtr" in q.columns:
        rows = rows[rows["qtr"] == "A"]
    right = rows[["area_fips", "industry_code", *QCEW_COLUMNS]].rename(columns=QCEW_COLUMNS)
    right = right.assign(area_fips=right["area_fips"].astype("string"),
                         industry_code=right["industry_code"].astype("string"),
                         qcew_found=True)
    left = survey.assign(_area=survey[county].astype("string"), qcew_industry=industry)
    out = _left_join(left, right, {"_area": "area_fips", "qcew_industry": "industry_code"},
                     f"qcew_annual {year}")
    out["qcew_found"] = out["qcew_found"].fillna(False).astype(bool)
    out["qcew_suppressed"] = out["qcew_suppressed"].astype("boolean")
    out["qcew_estabs"] = out["qcew_estabs"].astype("Int64")
    for c in ("qcew_employment", "qcew_avg_annual_pay"):
        out[c] = out[c].astype("Float64")
    out["qcew_disclosure_code"] = out["qcew_disclosure_code"].astype("string")
    return out.drop(columns=["_area", "area_fips", "industry_code"])


def _respondent_keys(occupations: pd.DataFrame, establishments: pd.DataFrame) -> list[str]:
    keys = ["respondent_id"]
    if "wave" in occupations.columns and "wave" in establishments.columns:
        keys.append("wave")
    return keys


def attach_oews(occupations: pd.DataFrame, establishments: pd.DataFrame, oews: pd.DataFrame,
                region: Region, year: int | None = None, *,
                columns: tuple[str, ...] | list[str] = OEWS_COLUMNS, soc: str = "soc",
                fallback_area: str | None = None) -> pd.DataFrame:
    """Add OEWS estimates for each occupation row's SOC in its establishment's OEWS area.

    ``oews`` is the tidy OEWS table (``area_code`` 7 digits, ``occ_code``, estimates); only
    cross-industry rows are used when it has an ``industry_code`` column. The county comes
    from ``establishments`` (joined on respondent and wave); its area from
    ``region.oews_areas(year)``. Where the area has no row for the SOC, ``fallback_area``
    (e.g. ``region.benchmarks.state.oews``) is used when given. New columns: ``county_fips``,
    ``oews_area``, ``oews_stand_in``, ``oews_source_area`` (the area whose values were used,
    missing when none), and ``oews_<column>`` for each of ``columns``; ``oews_h_pct25`` is
    added (``a_pct25 / 2080`` when the table has no hourly 25th percentile).
    """
    keys = _respondent_keys(occupations, establishments)
    missing = [c for c in ("area_code", "occ_code", *columns) if c not in oews.columns]
    if missing:
        raise ValueError(f"the OEWS table lacks column(s) {missing}")
    place = establishments[[*keys, "county_fips"]].drop_duplicates()
    occ = _left_join(occupations, place, keys, "survey_employer_establishments")
    no_county = occ["county_fips"].isna()
    if no_county.any():
        ids = occ.loc[no_county, "respondent_id"].drop_duplicates().tolist()[:10]
        raise ValueError(f"occupation rows of respondent(s) {ids} have no establishment row")
    occ["county_fips"] = occ["county_fips"].astype("string")
    occ = _left_join(occ, county_oews_areas(region, year), ["county_fips"], "OEWS area map")
    outside = occ["oews_area"].isna()
    if outside.any():
        raise ValueError(f"county_fips {sorted(set(occ.loc[outside, 'county_fips']))} is not a"
                         f" county of region {region.slug}")

    o = oews
    if "industry_code" in o.columns:
        o = o[o["industry_code"].astype("string") == OEWS_CROSS_INDUSTRY]
    wanted = list(dict.fromkeys([*columns, *(["h_pct25"] if "h_pct25" in o.columns else [])]))
    right = o[["area_code", "occ_code", *wanted]].rename(
        columns={c: f"oews_{c}" for c in wanted})
    right = right.assign(area_code=right["area_code"].astype("string"),
                         occ_code=right["occ_code"].astype("string"))
    occ["_soc"] = occ[soc].astype("string")
    found = _left_join(occ, right.assign(_hit=True), {"oews_area": "area_code",
                                                      "_soc": "occ_code"}, "OEWS table")
    found = found.drop(columns=["area_code", "occ_code"])
    hit = found["_hit"].fillna(False).astype(bool)
    found["oews_source_area"] = found["oews_area"].where(hit).astype("string")
    if fallback_area is not None and (~hit).any():
        state = right[right["area_code"] == fallback_area].drop(columns="area_code")
        alt = _left_join(occ.loc[~hit, ["_soc"]], state.assign(_hit=True),
                         {"_soc": "occ_code"}, "OEWS table")
        took = alt["_hit"].fillna(False).astype(bool)
        for c in wanted:
            found.loc[alt.index[took], f"oews_{c}"] = alt.loc[took, f"oews_{c}"]
        found.loc[alt.index[took], "oews_source_area"] = fallback_area
    if "oews_h_pct25" not in found.columns and "oews_a_pct25" in found.columns:
        found["oews_h_pct25"] = (found["oews_a_pct25"].astype("Float64") / HOURS_PER_YEAR)
    return found.drop(columns=["_soc", "_hit"])


def wage_ratios(joined: pd.DataFrame) -> pd.DataFrame:
    """Survey hourly wages against OEWS for the same SOC and area.

    Adds ``start_vs_oews_p25`` (starting wage / OEWS hourly 25th percentile) and
    ``typical_vs_oews_median`` (typical wage / OEWS hourly median); missing where either side
    is missing.
    """
    out = joined.copy()
    out["start_vs_oews_p25"] = (out["wage_start"].astype("Float64")
                                / out["oews_h_pct25"].astype("Float64"))
    out["typical_vs_oews_median"] = (out["wage_typical"].astype("Float64")
                                     / out["oews_h_median"].astype("Float64"))
    return out


def wage_gaps(joined: pd.DataFrame, rule: Disclosure, soc: str = "soc") -> pd.DataFrame:
    """Publishable per-SOC summary of :func:`wage_ratios` output.

    For each SOC: ``respondents`` (establishments giving a starting or typical wage), the
    median starting and typical wage, and the medians of the two ratios. Medians of one value
    per establishment have no additive margins and no dominant contributor, so the threshold
    rule alone applies: a SOC with fewer than ``rule.min_respondents`` establishments is
    ``suppressed-primary`` and shows no numbers.
    """
    j = wage_ratios(joined) if "start_vs_oews_p25" not in joined.columns else joined
    given = j[j["wage_start"].notna() | j["wage_typical"].notna()]
    per = given.groupby([soc, "respondent_id"]).agg(
        wage_start=("wage_start", "median"), wage_typical=("wage_typical", "median"),
        start_vs_oews_p25=("start_vs_oews_p25", "median"),
        typical_vs_oews_median=("typical_vs_oews_median", "median"))
    g = per.groupby(level=soc)
    out = pd.DataFrame({
        "respondents": g.size(),
        "median_wage_start": g["wage_start"].median(),
        "median_wage_typical": g["wage_typical"].median(),
        "median_start_vs_oews_p25": g["start_vs_oews_p25"].median(),
        "median_typical_vs_oews_median": g["typical_vs_oews_median"].median(),
    }).reset_index()
    out[soc] = out[soc].astype("string")
    few = out["respondents"] < rule.min_respondents
    numbers = [c for c in out.columns if c.startswith("median_")]
    for c in numbers:
        out[c] = out[c].astype("Float64").mask(few)
    out["respondents"] = out["respondents"].astype("Int64").mask(few)
    out["status"] = pd.array([disclosure.PRIMARY if f else disclosure.SHOWN for f in few],
                             dtype="string")
    out["reason"] = pd.array([disclosure.reason_threshold(rule) if f else "" for f in few],
                             dtype="string")
    return out
