"""US Census Bureau American Community Survey (ACS) 5-year detailed tables, via the Census API.

Calls: ``https://api.census.gov/data/{year}/acs/acs5?get=NAME,group({table})&for=...`` for three
geographies per table (every county of the region's state, the state, and ``us:1``), plus the
table's variable list ``.../acs/acs5/groups/{table}.json`` for labels. Every call carries the key
from ``CENSUS_API_KEY`` (see :mod:`assessment.sources._censusapi`). Files land as the JSON bodies,
mirroring the API path: ``data/raw/census/acs/{year}/acs5/{table}/county_{state}.json``,
``.../state_{state}.json``, ``.../us.json`` and ``.../acs5/groups/{table}.json``.

Counties are asked for with ``county:*`` in the state rather than the region's list, so the
cached file is the same for any region in that state and the cache key (year, table, state) says
exactly what the file holds; :func:`read` with a region keeps the region's counties, its state
and the nation.

Census tracts (for the disadvantaged-communities lens) come one county at a time, for the
tables in :data:`TRACT_TABLES`: ``...?get=NAME,group({table})&for=tract:*&in=state:{st}
county:{cty}``, saved as ``.../acs5/{table}/tract_{st}{cty}.json``. They go to their own
processed table (``acs_tract``); the county tables ``acs`` and ``acs_region`` are built from the
county, state and nation files exactly as before. ACS releases from 2020 on use 2020 tracts.

The tidy table is long: ``geoid, geo_level, name, table, variable, label, estimate, moe,
estimate_flag, moe_flag``. The API writes its annotations as sentinel numbers (-666666666 and
so on) in the estimate and margin columns, and as text in the ``EA``/``MA`` annotation columns;
both become flags (codes in :data:`ANNOTATIONS`) and the number is left missing, never taken as
a value. Margins are at the 90 percent level; :mod:`assessment.metrics.acs_moe` derives sums,
shares, intervals and CVs.
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd
import pandera.pandas as pa

from assessment.download import RemoteFile, expect
from assessment.errors import InputError, Problem
from assessment.metrics import acs_moe
from assessment.paths import DataDirs
from assessment.region import Region
from assessment.schemas import file_rows, validate
from assessment.sources import SourceInfo
from assessment.sources._censusapi import API, as_text, key_params, load_json, read_array

INFO = SourceInfo(
    agency="U.S. Census Bureau",
    dataset="American Community Survey 5-year estimates, detailed tables (Census Data API)",
    files="api.census.gov/data/{year}/acs/acs5?get=NAME,group({table})",
    vintage="the 5-year period ending in the region file's ACS year",
    licence="Public domain (U.S. government work)",
    saved_under="data/raw/census/acs/",
    used_by="02-workforce",
    access="Census API key in CENSUS_API_KEY (free: api.census.gov/data/key_signup.html)",
)
AGENCY, DATASET = "census", "acs"

# Tables the assessment uses: id -> what it counts (the API's concept, abridged).
TABLES = {
    "B23025": "Employment status for the population 16 years and over",
    "B15003": "Educational attainment for the population 25 years and over",
    "C24030": "Sex by industry for the civilian employed population 16 years and over",
    "B08301": "Means of transportation to work",
    "B08303": "Travel time to work",
    "B17001": "Poverty status in the past 12 months by sex by age",
    "C16001": "Language spoken at home by ability to speak English, population 5 years and over",
    "B18120": "Employment status by disability status and type, civilian population 18 to 64",
    "B21001": "Sex by age by veteran status for the civilian population 18 years and over",
    "B03002": "Hispanic or Latino origin by race",
}

# Tables asked for by census tract (a tract file per county): employment status, education,
# language, poverty, disability, vehicles available and means of transportation to work.
TRACT_TABLES = ["B23025", "B15003", "C16001", "B17001", "B18120", "B25044", "B08301"]
# Tables read only by tract, with what they count (labels come from their variable lists).
TRACT_ONLY = {"B25044": "Tenure by vehicles available (occupied housing units)"}
ALL_TABLES = {**TABLES, **TRACT_ONLY}

# The API's annotation values (census.gov, "Notes on ACS API Variable Types").
ANNOTATIONS = {
    -999999999: ("insufficient_sample",
                 "too few sample cases in the area to show the estimate or its margin"),
    -888888888: ("not_applicable", "not applicable or not available"),
    -666666666: ("not_computed",
                 "could not be computed: too few sample observations, or a median in an"
                 " open-ended interval"),
    -555555555: (acs_moe.CONTROLLED,
                 "the estimate is controlled: no sampling error, a test is not appropriate"),
    -333333333: ("median_open_interval",
                 "the median falls in the lowest or upper interval of an open-ended"
                 " distribution"),
    -222222222: ("moe_not_computed",
                 "the margin could not be computed: too few sample observations"),
}
MISSING = "missing"  # the API returned null and no annotation
_SENTINEL = re.compile(r"^-(\d)\1{8}$")

# Geography columns the API echoes, in nesting order, and the level each one ends.
GEO_COLUMNS = ["us", "state", "county", "tract"]
# Detailed (B, C), subject (S), data profile (DP) and comparison (CP) table ids.
TABLE_ID = r"[A-Z]{1,2}\d{2,5}[A-Z0-9]*"
ID_COLUMNS = {"GEO_ID", "NAME", "ucgid", "us", "state", "county", "tract", "block group"}
VARIABLE = re.compile(
    rf"^(?P<variable>(?P<table>{TABLE_ID})_(?:C\d{{2}}_)?\d{{3}})(?P<kind>E|M|EA|MA)$")

TIDY_COLUMNS = ["geoid", "geo_level", "name", "table", "variable", "label", "estimate", "moe",
                "estimate_flag", "moe_flag"]

SCHEMA = pa.DataFrameSchema(
    {
        "geoid": pa.Column(str, pa.Check.str_matches(r"^(US|\d{2}|\d{5}|\d{11})$")),
        "geo_level": pa.Column(str, pa.Check.isin(["nation", "state", "county", "tract"])),
        "name": pa.Column(str),
        "table": pa.Column(str, pa.Check.str_matches(rf"^{TABLE_ID}$")),
        "variable": pa.Column(str, pa.Check.str_matches(rf"^{TABLE_ID}_")),
        "label": pa.Column(str),
        "estimate": pa.Column("Float64", nullable=True),
        "moe": pa.Column("Float64", pa.Check.ge(0), nullable=True),
        "estimate_flag": pa.Column(str),
        "moe_flag": pa.Column(str),
    },
    checks=[
        pa.Check(lambda d: d["estimate"].notna() | d["estimate_flag"].ne(""),
                 error="a missing estimate must carry a flag saying why"),
        pa.Check(lambda d: d["moe"].notna() | d["moe_flag"].ne(""),
                 error="a missing margin of error must carry a flag saying why"),
    ],
    strict=True,
    ordered=True,
    unique=["geoid", "variable"],
    report_duplicates="exclude_first",
)

GROUPS_COLUMNS = ["table", "variable", "label", "concept"]
GROUPS_SCHEMA = pa.DataFrameSchema(
    {
        "table": pa.Column(str, pa.Check.str_matches(rf"^{TABLE_ID}$")),
        "variable": pa.Column(str, pa.Check.str_matches(rf"^{TABLE_ID}_")),
        "label": pa.Column(str),
        "concept": pa.Column(str),
    },
    strict=True,
    unique=["variable"],
)


# --- where the files come from and land --------------------------------------------------------


def base_url(year: int) -> str:
    return f"{API}/{year}/acs/acs5"


def table_dir(dirs: DataDirs, year: int) -> Path:
    return dirs.source_dir(AGENCY, DATASET) / str(year) / "acs5"


def groups_path(dirs: DataDirs, year: int, table: str) -> Path:
    return table_dir(dirs, year) / "groups" / f"{table}.json"


def data_path(dirs: DataDirs, year: int, table: str, geo: str, state: str,
              county: str | None = None) -> Path:
    """``county`` (5-digit FIPS) is needed for ``geo="tract"``: one file per county."""
    name = {"county": f"county_{state}.json", "state": f"state_{state}.json", "us": "us.json",
            "tract": f"tract_{county}.json"}
    return table_dir(dirs, year) / table / name[geo]


def data_url(year: int, table: str, geo: str, state: str, county: str | None = None) -> str:
    where = {"county": f"for=county:*&in=state:{state}", "state": f"for=state:{state}",
             "us": "for=us:1",
             "tract": f"for=tract:*&in=state:{state}+county:{(county or '')[2:]}"}[geo]
    return f"{base_url(year)}?get=NAME,group({table})&{where}"


def is_tract_file(path: Path) -> bool:
    return path.name.startswith("tract_")


def _geography_asked(geo: str, state: str) -> tuple:
    """What a data body's geography columns must say: the level asked for, in the state."""
    level = {"county": "county", "state": "state", "us": "nation"}[geo]
    where = {"county": (expect("state", "geoid", state, how="prefix"),),
             "state": (expect("state", "geoid", state),), "us": ()}[geo]
    return (expect("geography", "geo_level", level), *where)


def remote_files(region: Region, dirs: DataDirs) -> list[RemoteFile]:
    """For each table: its variable list, then counties of the state, the state, the nation."""
    year, state = region.years.acs, region.state.fips
    vintage = f"ACS 5-year {year - 4}-{year}"
    files = []
    for table in ALL_TABLES:
        files.append(RemoteFile(
            url=f"{base_url(year)}/groups/{table}.json", dest=groups_path(dirs, year, table),
            source="Census ACS", vintage=f"{vintage}, {table} variable list", kind="json",
            params=key_params(), validate=read))
        for geo in ("county", "state", "us") if table in TABLES else ():
            files.append(RemoteFile(
                url=data_url(year, table, geo, state),
                dest=data_path(dirs, year, table, geo, state), source="Census ACS",
                vintage=f"{vintage}, {table}, {geo}", kind="json", params=key_params(),
                validate=read, expect=_geography_asked(geo, state)))
    files += tract_files(region, dirs)
    return files


def tract_files(region: Region, dirs: DataDirs) -> list[RemoteFile]:
    """Census tracts of each region county, for :data:`TRACT_TABLES`."""
    year, state = region.years.acs, region.state.fips
    vintage = f"ACS 5-year {year - 4}-{year}"
    return [RemoteFile(url=data_url(year, table, "tract", state, county),
                       dest=data_path(dirs, year, table, "tract", state, county),
                       source="Census ACS", vintage=f"{vintage}, {table}, tracts of {county}",
                       kind="json", params=key_params(), validate=read,
                       expect=(expect("geography", "geo_level", "tract"),
                               expect("county", "geoid", county, how="prefix")))
            for table in TRACT_TABLES for county in region.county_fips]


# --- parsing -----------------------------------------------------------------------------------


def read_groups(path: str | Path) -> pd.DataFrame:
    """A table's variable list (``groups/{table}.json``): variable, label, concept."""
    path = Path(path)
    body = load_json(path, "ACS variable list")
    variables = body.get("variables") if isinstance(body, dict) else None
    if not isinstance(variables, dict):
        raise InputError(Problem(str(path), 1, "variables", None,
                                 "expected an object with a 'variables' mapping (the API's"
                                 " groups layout)"))
    rows = []
    for name, meta in variables.items():
        m = VARIABLE.match(name)
        if not m or m["kind"] != "E" or not isinstance(meta, dict):
            continue  # margins and annotations repeat the estimate's label; ids are not data
        rows.append((m["table"], m["variable"], _clean_label(str(meta.get("label", ""))),
                     str(meta.get("concept", ""))))
    if not rows:
        raise InputError(Problem(str(path), 1, "variables", None, "lists no estimate variables"))
    out = pd.DataFrame(rows, columns=GROUPS_COLUMNS).sort_values("variable", ignore_index=True)
    return validate(out, GROUPS_SCHEMA, path)


def _clean_label(label: str) -> str:
    return label.removeprefix("Estimate!!")


def _labels_for(path: Path, tables: list[str]) -> dict[str, str]:
    """Labels from ``groups/{table}.json`` two folders up, where :func:`remote_files` saves it."""
    labels: dict[str, str] = {}
    for table in tables:
        groups = path.parent.parent / "groups" / f"{table}.json"
        if groups.exists():
            g = read_groups(groups)
            labels.update(zip(g["variable"], g["label"], strict=True))
    return labels


def _geography(frame: pd.DataFrame, path: Path) -> tuple[pd.Series, pd.Series]:
    present = [c for c in GEO_COLUMNS if c in frame.columns]
    if not present:
        raise InputError(Problem(str(path), 1, "state/county/us", None,
                                 "no geography column: the query lacked a 'for' clause?"))
    if present == ["us"]:
        return pd.Series("US", index=frame.index), pd.Series("nation", index=frame.index)
    parts = [c for c in present if c != "us"]
    geoid = frame[parts].astype(str).agg("".join, axis=1)
    return geoid, pd.Series({"state": "state", "county": "county", "tract": "tract"}[parts[-1]],
                            index=frame.index)


def _flagged(values: pd.Series, annotations: pd.Series | None, columns: np.ndarray, path: Path
             ) -> tuple[pd.Series, pd.Series, list[Problem]]:
    """Numbers with the API's sentinels removed, and the flag for each cell.

    ``values`` may repeat index labels (one file row holds many variables); ``columns`` names
    each cell's source column for error messages.
    """
    text = as_text(values).fillna("").str.strip().to_numpy(dtype=object)
    number = pd.to_numeric(pd.Series(np.where(text == "", None, text), dtype=object),
                           errors="coerce").to_numpy(dtype=float, copy=True)
    rows = values.index.to_numpy()
    problems = [Problem(str(path), int(rows[k]), str(columns[k]), text[k], "not a number")
                for k in np.flatnonzero(np.isnan(number) & (text != ""))]
    flag = np.full(len(text), "", dtype=object)
    for code, (name, _label) in ANNOTATIONS.items():
        flag[number == code] = name
    sentinel = flag != ""
    unknown = np.array([bool(_SENTINEL.match(t)) for t in text]) & ~sentinel
    problems += [Problem(str(path), int(rows[k]), str(columns[k]), text[k],
                         "unknown Census annotation value") for k in np.flatnonzero(unknown)]
    if annotations is not None:
        note = as_text(annotations).fillna("").str.strip().to_numpy(dtype=object)
        note = np.where(np.isin(note, ["null", "None"]), "", note)
        repeats = np.array([bool(_SENTINEL.match(t)) for t in note])
        # An annotation repeating the sentinel adds nothing; other text is the flag.
        use = (note != "") & (flag == "") & ~repeats
        flag[use] = note[use]
    number[sentinel] = np.nan
    flag[np.isnan(number) & (flag == "")] = MISSING
    return (pd.Series(number, index=values.index).astype("Float64").mask(np.isnan(number)),
            pd.Series(flag, index=values.index, dtype=object), problems)


def read_data(path: str | Path, region: Region | None = None) -> pd.DataFrame:
    """One API response (``get=NAME,group(T)`` or a variable list) as the tidy long table."""
    path = Path(path)
    return _tidy(read_array(path, "Census API ACS"), path, region)


def _tidy(frame: pd.DataFrame, path: Path, region: Region | None) -> pd.DataFrame:
    """API columns (strings, indexed by file row) -> the tidy long table, validated."""
    geoid, level = _geography(frame, path)
    kinds: dict[str, dict[str, str]] = {}
    tables: dict[str, str] = {}
    unknown = []
    for col in frame.columns:
        m = VARIABLE.match(col)
        if m:
            kinds.setdefault(m["variable"], {})[m["kind"]] = col
            tables[m["variable"]] = m["table"]
        elif col not in ID_COLUMNS:
            unknown.append(col)
    if unknown:
        raise InputError(Problem(str(path), 1, ", ".join(unknown), None,
                                 "not an ACS variable (TABLE_NNN with E, M, EA or MA) nor a"
                                 " geography column"))
    if not kinds:
        raise InputError(Problem(str(path), 1, None, None, "no ACS estimate columns"))
    labels = _labels_for(path, sorted(set(tables.values())))
    name = (as_text(frame["NAME"]).fillna("") if "NAME" in frame
            else pd.Series("", index=frame.index))
    orphans = [v + "E" for v, cols in kinds.items() if "E" not in cols]
    if orphans:
        raise InputError(Problem(str(path), 1, ", ".join(orphans), None,
                                 "margin or annotation without its estimate column"))
    variables = list(kinds)
    n_rows, n_vars = len(frame), len(variables)
    index = pd.Index(np.repeat(frame.index.to_numpy(), n_vars), name=frame.index.name)

    def names(kind: str) -> np.ndarray:
        return np.tile(np.array([kinds[v].get(kind, "") for v in variables], dtype=object),
                       n_rows)

    def cells(kind: str) -> pd.Series | None:
        """Every record's value for every variable, record by record (None where absent)."""
        if not any(kind in kinds[v] for v in variables):
            return None
        block = np.full((n_rows, n_vars), None, dtype=object)
        for j, v in enumerate(variables):
            if kind in kinds[v]:
                block[:, j] = frame[kinds[v][kind]].to_numpy(dtype=object)
        return pd.Series(block.ravel(), index=index, dtype=object)

    est, est_flag, problems = _flagged(cells("E"), cells("EA"), names("E"), path)
    m_values = cells("M")
    if m_values is not None:
        moe, moe_flag, errs = _flagged(m_values, cells("MA"), names("M"), path)
        problems += errs
        negative = moe.lt(0).fillna(False).to_numpy()
        problems += [Problem(str(path), int(index[k]), str(names("M")[k]), moe.iloc[k],
                             "negative margin of error") for k in np.flatnonzero(negative)]
        no_column = np.tile([("M" not in kinds[v]) for v in variables], n_rows)
        moe_flag.iloc[no_column] = "not_requested"
    else:
        moe = pd.Series(pd.NA, index=index, dtype="Float64")
        moe_flag = pd.Series("not_requested", index=index)
    if problems:
        raise InputError(problems)
    variable = np.tile(np.array(variables, dtype=object), n_rows)
    out = pd.DataFrame({
        "geoid": np.repeat(geoid.to_numpy(dtype=object), n_vars),
        "geo_level": np.repeat(level.to_numpy(dtype=object), n_vars),
        "name": np.repeat(name.to_numpy(dtype=object), n_vars),
        "table": [tables[v] for v in variable],
        "variable": variable,
        "label": [labels.get(v, v) for v in variable],
        "estimate": est.to_numpy(), "moe": moe.to_numpy(),
        "estimate_flag": est_flag.to_numpy(dtype=object),
        "moe_flag": moe_flag.to_numpy(dtype=object),
    }, index=index)
    out["estimate"] = out["estimate"].astype("Float64")
    out["moe"] = out["moe"].astype("Float64")
    for col in ["geoid", "geo_level", "name", "table", "variable", "label", "estimate_flag",
                "moe_flag"]:
        out[col] = out[col].astype(str)
    out = validate(out[TIDY_COLUMNS], SCHEMA, path)
    if region is not None:
        keep = ((out["geo_level"] == "nation") | (out["geoid"] == region.state.fips)
                | out["geoid"].isin(region.county_fips)
                | (out["geo_level"].eq("tract") & out["geoid"].str[:5].isin(
                    region.county_fips)))
        out = out[keep]
    return out


def read(path: str | Path, region: Region | None = None) -> pd.DataFrame:
    """A data response (JSON array), or a table's variable list (``groups/{table}.json``)."""
    path = Path(path)
    head = path.read_bytes()[:4096].lstrip()
    if path.parent.name == "groups" or (head.startswith(b"{") and b'"variables"' in head):
        return read_groups(path)
    return read_data(path, region)


def read_wide(path: str | Path, region: Region | None = None) -> pd.DataFrame:
    """A wide county extract (``stco_code, stco_name, <var>E, <var>M, ...``) in the tidy form.

    Some published ACS extracts spread the API's values one column per variable (``NA`` for
    missing); this reads them into the same long table, so their values can be checked the same
    way. Sentinels become flags exactly as in :func:`read_data`.
    """
    path = Path(path)
    try:
        raw = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    except (pd.errors.ParserError, UnicodeDecodeError) as exc:
        raise InputError(Problem(str(path), None, None, None,
                                 f"not a readable CSV: {exc}")) from None
    if not {"stco_code", "stco_name"} <= set(raw.columns):
        raise InputError(Problem(str(path), 1, "stco_code, stco_name", None,
                                 "not the wide county extract layout"))
    raw.index = file_rows(len(raw))
    code = raw["stco_code"].str.zfill(5)
    values = raw.drop(columns=["stco_code", "stco_name"]).astype(object)
    values = values.where(~values.isin(["NA", ""]), None)
    ids = pd.DataFrame({"NAME": raw["stco_name"], "state": code.str[:2],
                        "county": code.str[2:]}, index=raw.index)
    frame = pd.concat([ids, values], axis=1)
    return _tidy(frame, path, region)


# --- processed tables --------------------------------------------------------------------------


def read_many(paths: list[Path], region: Region | None = None) -> pd.DataFrame:
    frames = [read_data(p, region) for p in paths]
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=TIDY_COLUMNS)


def region_totals(acs: pd.DataFrame, region: Region) -> pd.DataFrame:
    """The region's counties summed per variable, with MOE by the Census Bureau's formula."""
    counties = acs[acs["geoid"].isin(region.county_fips)]
    out = acs_moe.aggregate(counties, by=["year", "table", "variable", "label"])
    out.insert(0, "geoid", region.slug)
    out.insert(1, "name", region.name)
    return out


def process(region: Region, dirs: DataDirs) -> dict[str, pd.DataFrame]:
    """``acs``: every table for the region's counties, state and nation; ``acs_region``: the
    counties summed, with margins of error; ``acs_tract``: the tract tables for the region's
    census tracts."""
    data = [rf.dest for rf in remote_files(region, dirs)
            if rf.dest.parent.name in ALL_TABLES and not is_tract_file(rf.dest)]
    acs = read_many(data, region)
    acs.insert(0, "year", region.years.acs)
    tracts = read_many([rf.dest for rf in tract_files(region, dirs)], region)
    tracts.insert(0, "year", region.years.acs)
    return {"acs": acs, "acs_region": region_totals(acs, region), "acs_tract": tracts}
