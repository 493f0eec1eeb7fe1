"""LEHD Quarterly Workforce Indicators (QWI) for manufacturing, via the Census API.

Calls ``https://api.census.gov/data/timeseries/qwi/{sa,se,rh}`` (sa = sex x age, se = sex x
education, rh = race x ethnicity) for private manufacturing (``industry=31-33``,
``ownercode=A05``, not seasonally adjusted ``seasonadj=U``) in every county of the region's state
(``for=county:*``), one call per endpoint and year with all four quarters. Measures: ``Emp``
(beginning-of-quarter employment), ``HirA`` (all hires), ``Sep`` (separations), ``TurnOvrS``
(turnover rate, stable jobs), ``EarnS`` (monthly earnings, stable jobs), ``EarnHirAS`` (monthly
earnings of stable new hires), each with its status flag (``sEmp``...). Files land as the JSON
bodies at ``data/raw/census/qwi/{endpoint}/{year}/county_{state}_31-33_A05.json``; the key comes
from ``CENSUS_API_KEY``.

Status flags are the LEHD public-use schema's (``label_flags.csv``), listed in :data:`FLAGS`. A
value is kept only under a flag that releases one (1, 6, 7, 9, 10, 12; 7, 9 and 12 mark
distorted values, released and kept); under -2, -1, 5 and 11 it is missing, never zero, and the
flag stays in ``status_flag``. The tidy table is long: ``geoid, year, quarter, endpoint,
industry, ownercode, sex, agegrp, education, race, ethnicity, measure, value, status_flag``; a
dimension an endpoint does not tabulate holds its "all" code (sex 0, agegrp A00, education E0,
race A0, ethnicity A0).
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pandera.pandas as pa

from assessment.download import RemoteFile, expect
from assessment.errors import InputError, Problem
from assessment.paths import DataDirs
from assessment.region import Region
from assessment.schemas import validate
from assessment.sources import SourceInfo
from assessment.sources._censusapi import API, as_text, key_params, read_array, to_number

INFO = SourceInfo(
    agency="U.S. Census Bureau, LEHD program",
    dataset="Quarterly Workforce Indicators (QWI), Census Data API time series",
    files="api.census.gov/data/timeseries/qwi/{sa,se,rh}?industry=31-33&ownercode=A05",
    vintage="quarters 1-4 of each analysis year of the region file (latest release)",
    licence="Public domain (U.S. government work)",
    saved_under="data/raw/census/qwi/",
    used_by="02-workforce",
    access="Census API key in CENSUS_API_KEY",
)
AGENCY, DATASET = "census", "qwi"

MEASURES = ["Emp", "HirA", "Sep", "TurnOvrS", "EarnS", "EarnHirAS"]
OWNER_PRIVATE = "A05"  # QWI ownercode: all private
SEASONADJ = "U"
INDUSTRY = "31-33"

# Dimensions by endpoint, with the values asked for (the first is "all").
DIMENSIONS: dict[str, dict[str, list[str]]] = {
    "sa": {"sex": ["0", "1", "2"],
           "agegrp": ["A00", "A01", "A02", "A03", "A04", "A05", "A06", "A07", "A08"]},
    "se": {"sex": ["0", "1", "2"], "education": ["E0", "E1", "E2", "E3", "E4", "E5"]},
    "rh": {"race": ["A0", "A1", "A2", "A3", "A4", "A5", "A7"], "ethnicity": ["A0", "A1", "A2"]},
}
ALL = {"sex": "0", "agegrp": "A00", "education": "E0", "race": "A0", "ethnicity": "A0"}
DIMENSION_NAMES = list(ALL)
LABELS = {
    "sex": {"0": "All sexes", "1": "Male", "2": "Female"},
    "agegrp": {"A00": "All ages (14-99)", "A01": "14-18", "A02": "19-21", "A03": "22-24",
               "A04": "25-34", "A05": "35-44", "A06": "45-54", "A07": "55-64", "A08": "65-99"},
    "education": {"E0": "All education categories", "E1": "Less than high school",
                  "E2": "High school or equivalent, no college",
                  "E3": "Some college or associate degree",
                  "E4": "Bachelor's degree or advanced degree",
                  "E5": "Educational attainment not available (workers aged 24 or younger)"},
    "race": {"A0": "All races", "A1": "White alone", "A2": "Black or African American alone",
             "A3": "American Indian or Alaska Native alone", "A4": "Asian alone",
             "A5": "Native Hawaiian or Other Pacific Islander alone",
             "A7": "Two or more race groups"},
    "ethnicity": {"A0": "All ethnicities", "A1": "Not Hispanic or Latino",
                  "A2": "Hispanic or Latino"},
}

# LEHD public-use schema, label_flags.csv.
FLAGS = {
    -2: "no data available in this category for this quarter",
    -1: "data not available to compute this estimate",
    1: "OK",
    5: "value suppressed: does not meet Census Bureau publication standards",
    6: "estimate derived from other released values, no significant distortion",
    7: "estimate derived from other released values, some significantly distorted",
    9: "data significantly distorted; fuzzed value released",
    10: "aggregate of cells, no significant distortion",
    11: "aggregate of cells not released: component cells do not meet publication standards",
    12: "aggregate of cells, some of which are significantly distorted",
}
RELEASED = frozenset({1, 6, 7, 9, 10, 12})
DISTORTED = frozenset({7, 9, 12})

TIDY_COLUMNS = ["geoid", "year", "quarter", "endpoint", "industry", "ownercode",
                *DIMENSION_NAMES, "measure", "value", "status_flag"]
KEY_COLUMNS = [c for c in TIDY_COLUMNS if c not in ("value", "status_flag")]

SCHEMA = pa.DataFrameSchema(
    {
        "geoid": pa.Column(str, pa.Check.str_matches(r"^\d{5}$")),
        "year": pa.Column("Int64", pa.Check.in_range(1990, 2100)),
        "quarter": pa.Column("Int64", pa.Check.isin([1, 2, 3, 4])),
        "endpoint": pa.Column(str, pa.Check.isin(list(DIMENSIONS))),
        "industry": pa.Column(str, pa.Check.str_matches(r"^(00|\d{2}(-\d{2})?|\d{3,4})$")),
        "ownercode": pa.Column(str, pa.Check.str_matches(r"^A\d{2}$")),
        "sex": pa.Column(str, pa.Check.isin(list(LABELS["sex"]))),
        "agegrp": pa.Column(str, pa.Check.isin(list(LABELS["agegrp"]))),
        "education": pa.Column(str, pa.Check.isin(list(LABELS["education"]))),
        "race": pa.Column(str, pa.Check.isin(list(LABELS["race"]))),
        "ethnicity": pa.Column(str, pa.Check.isin(list(LABELS["ethnicity"]))),
        "measure": pa.Column(str, pa.Check.isin(MEASURES)),
        "value": pa.Column("Float64", pa.Check.ge(0), nullable=True),
        "status_flag": pa.Column("Int64", pa.Check.isin(list(FLAGS))),
    },
    checks=[pa.Check(lambda d: d["value"].isna() | d["status_flag"].isin(list(RELEASED)),
                     error="a value published under a withholding flag")],
    strict=True,
    ordered=True,
    unique=KEY_COLUMNS,
    report_duplicates="exclude_first",
)


# --- where the files come from and land --------------------------------------------------------


def url(endpoint: str, year: int, state: str) -> str:
    get = ",".join(f"{m},s{m}" for m in MEASURES)
    dims = "&".join(f"{dim}={v}" for dim, values in DIMENSIONS[endpoint].items()
                    for v in values)
    return (f"{API}/timeseries/qwi/{endpoint}?get={get}&for=county:*&in=state:{state}"
            f"&year={year}&quarter=1,2,3,4&{dims}&industry={INDUSTRY}"
            f"&ownercode={OWNER_PRIVATE}&seasonadj={SEASONADJ}")


def path_for(dirs: DataDirs, endpoint: str, year: int, state: str) -> Path:
    return (dirs.source_dir(AGENCY, DATASET) / endpoint / str(year)
            / f"county_{state}_{INDUSTRY}_{OWNER_PRIVATE}.json")


def remote_files(region: Region, dirs: DataDirs) -> list[RemoteFile]:
    """One file per endpoint and analysis year: all counties of the state, four quarters."""
    state = region.state.fips
    return [RemoteFile(url=url(ep, year, state), dest=path_for(dirs, ep, year, state),
                       source="LEHD QWI", vintage=f"{year} Q1-Q4, {ep}, latest QWI release",
                       kind="json", params=key_params(), validate=read,
                       expect=(expect("state", "geoid", state, how="prefix"),
                               expect("year", "year", year),
                               expect("industry", "industry", INDUSTRY),
                               expect("ownership", "ownercode", OWNER_PRIVATE)))
            for ep in DIMENSIONS for year in region.years.span]


# --- parsing -----------------------------------------------------------------------------------


def _endpoint(columns: pd.Index, path: Path) -> str:
    for ep, dims in DIMENSIONS.items():
        if all(d in columns for d in dims):
            return ep
    raise InputError(Problem(str(path), 1, "sex/agegrp/education/race/ethnicity", None,
                             "cannot tell the QWI endpoint: its dimension columns are absent"))


def read(path: str | Path, region: Region | None = None) -> pd.DataFrame:
    """One QWI API response (JSON array) as the tidy long table."""
    path = Path(path)
    frame = read_array(path, "Census API QWI")
    required = ["year", "quarter", "industry", "ownercode", "state", "county"]
    missing = [c for c in required if c not in frame.columns]
    if missing:
        raise InputError(Problem(str(path), 1, ", ".join(missing), None,
                                 "header lacks column(s) of the QWI API layout"))
    measures = [m for m in MEASURES if m in frame.columns]
    if not measures:
        raise InputError(Problem(str(path), 1, ", ".join(MEASURES), None,
                                 "none of the QWI measures the assessment uses"))
    no_flag = [f"s{m}" for m in measures if f"s{m}" not in frame.columns]
    if no_flag:
        raise InputError(Problem(str(path), 1, ", ".join(no_flag), None,
                                 "a measure without its status flag column"))
    endpoint = _endpoint(frame.columns, path)
    problems: list[Problem] = []
    ids = pd.DataFrame(index=frame.index)
    ids["geoid"] = as_text(frame["state"]).str.zfill(2) + as_text(frame["county"]).str.zfill(3)
    for col in ("year", "quarter"):
        number, errs = to_number(frame[col], col, path)
        problems += errs
        ids[col] = number.round().astype("Int64")
    ids["endpoint"] = endpoint
    ids["industry"] = as_text(frame["industry"])
    ids["ownercode"] = as_text(frame["ownercode"])
    for dim in DIMENSION_NAMES:
        ids[dim] = as_text(frame[dim]) if dim in frame else ALL[dim]
    pieces = []
    for m in measures:
        value, errs = to_number(frame[m], m, path)
        problems += errs
        flag, errs = to_number(frame[f"s{m}"], f"s{m}", path)
        problems += errs
        absent = flag.isna()
        problems += [Problem(str(path), int(i), f"s{m}", None, "no status flag")
                     for i in flag[absent].index]
        unknown = flag.notna() & ~flag.isin(list(FLAGS))
        problems += [Problem(str(path), int(i), f"s{m}", v,
                             f"not a LEHD status flag ({', '.join(map(str, FLAGS))})")
                     for i, v in flag[unknown].items()]
        released = flag.isin(list(RELEASED)).fillna(False)
        lost = released & value.isna()
        problems += [Problem(str(path), int(i), m, None,
                             f"no value although flag {int(flag[i])} says one was released")
                     for i in value[lost].index]
        piece = ids.copy()
        piece["measure"] = m
        piece["value"] = value.mask(~released)
        piece["status_flag"] = flag.round().astype("Int64")
        pieces.append(piece)
    if problems:
        raise InputError(problems)
    out = pd.concat(pieces)
    for col in ["geoid", "endpoint", "industry", "ownercode", *DIMENSION_NAMES, "measure"]:
        out[col] = out[col].astype(str)
    out = validate(out[TIDY_COLUMNS], SCHEMA, path)
    if region is not None:
        out = out[out["geoid"].isin(region.county_fips)]
    return out


def read_many(paths: list[Path], region: Region | None = None) -> pd.DataFrame:
    frames = [read(p, region) for p in paths]
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=TIDY_COLUMNS)


def label(dimension: str, code: str) -> str:
    """Plain-language label of a dimension code, e.g. ``label("agegrp", "A04")``."""
    return LABELS[dimension].get(code, code)


def process(region: Region, dirs: DataDirs) -> dict[str, pd.DataFrame]:
    """``qwi``: manufacturing QWI for the region's counties, every endpoint, year and quarter."""
    return {"qwi": read_many([rf.dest for rf in remote_files(region, dirs)], region)}
