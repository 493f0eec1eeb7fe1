"""Census Bureau 2020 census tract to 2010 census tract relationship file.

File: ``https://www2.census.gov/geo/docs/maps-data/data/rel2020/tract/tab20_tract20_tract10_natl.txt``
(every state), landing at ``data/raw/census/tract_relationship/``. Pipe-delimited text, one row
per piece where a 2020 tract and a 2010 tract overlap, with the header (Census Bureau,
"Explanation of the 2020 Census Tract to 2010 Census Tract Relationship File")::

    OID_TRACT_20|GEOID_TRACT_20|NAMELSAD_TRACT_20|AREALAND_TRACT_20|AREAWATER_TRACT_20|
    MTFCC_TRACT_20|FUNCSTAT_TRACT_20|OID_TRACT_10|GEOID_TRACT_10|NAMELSAD_TRACT_10|
    AREALAND_TRACT_10|AREAWATER_TRACT_10|MTFCC_TRACT_10|FUNCSTAT_TRACT_10|AREALAND_PART|
    AREAWATER_PART

Areas are square metres. The file publishes land and water areas only (no housing-unit or
population counts), so allocation here is by **land area**: each piece's share of its 2020
tract's land (``share_of_2020``) and of its 2010 tract's land (``share_of_2010``); a tract with
no land (water only) is shared by water area instead. :mod:`assessment.metrics.tracts` carries
2010-tract values onto 2020 tracts with these shares.

Tidy columns: ``tract_2020, tract_2010, county_fips`` (of the 2020 tract), ``county_fips_2010,
arealand_2020, areawater_2020, arealand_2010, areawater_2010, arealand_part, areawater_part,
share_of_2020, share_of_2010``. With a region, the pieces of 2020 tracts in its counties.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pandera.pandas as pa

from assessment.download import RemoteFile
from assessment.errors import InputError, Problem
from assessment.paths import DataDirs
from assessment.region import Region
from assessment.schemas import validate
from assessment.sources import SourceInfo
from assessment.sources._sheets import blank, text_rows

INFO = SourceInfo(
    agency="U.S. Census Bureau, Geography Division",
    dataset="2020 census tract to 2010 census tract relationship file",
    files="www2.census.gov/geo/docs/maps-data/data/rel2020/tract/tab20_tract20_tract10_natl.txt",
    vintage="2020 tabulation blocks (published 2022)",
    licence="Public domain (U.S. government work)",
    saved_under="data/raw/census/tract_relationship/",
    used_by="02-workforce (screening tools brought onto 2020 tracts)",
    access="no key",
)
AGENCY, DATASET = "census", "tract_relationship"
FILE = "tab20_tract20_tract10_natl.txt"
URL = f"https://www2.census.gov/geo/docs/maps-data/data/rel2020/tract/{FILE}"

HEADER = ["OID_TRACT_20", "GEOID_TRACT_20", "NAMELSAD_TRACT_20", "AREALAND_TRACT_20",
          "AREAWATER_TRACT_20", "MTFCC_TRACT_20", "FUNCSTAT_TRACT_20", "OID_TRACT_10",
          "GEOID_TRACT_10", "NAMELSAD_TRACT_10", "AREALAND_TRACT_10", "AREAWATER_TRACT_10",
          "MTFCC_TRACT_10", "FUNCSTAT_TRACT_10", "AREALAND_PART", "AREAWATER_PART"]
AREAS = {"AREALAND_TRACT_20": "arealand_2020", "AREAWATER_TRACT_20": "areawater_2020",
         "AREALAND_TRACT_10": "arealand_2010", "AREAWATER_TRACT_10": "areawater_2010",
         "AREALAND_PART": "arealand_part", "AREAWATER_PART": "areawater_part"}
TIDY_COLUMNS = ["tract_2020", "tract_2010", "county_fips", "county_fips_2010",
                *AREAS.values(), "share_of_2020", "share_of_2010"]
TOLERANCE = 1.0  # square metres: parts must add up to the tract's area within rounding

SCHEMA = pa.DataFrameSchema(
    {
        "tract_2020": pa.Column(str, pa.Check.str_matches(r"^\d{11}$")),
        "tract_2010": pa.Column(str, pa.Check.str_matches(r"^\d{11}$")),
        "county_fips": pa.Column(str, pa.Check.str_matches(r"^\d{5}$")),
        "county_fips_2010": pa.Column(str, pa.Check.str_matches(r"^\d{5}$")),
        **{c: pa.Column("Int64", pa.Check.ge(0)) for c in AREAS.values()},
        "share_of_2020": pa.Column(float, pa.Check.in_range(0, 1)),
        "share_of_2010": pa.Column(float, pa.Check.in_range(0, 1)),
    },
    strict=True,
    ordered=True,
    unique=["tract_2020", "tract_2010"],
    report_duplicates="exclude_first",
)


def remote_files(region: Region, dirs: DataDirs) -> list[RemoteFile]:
    return [RemoteFile(url=URL, dest=dirs.source_dir(AGENCY, DATASET) / FILE,
                       source="Census tract relationship file", kind="text",
                       vintage="2020 to 2010 census tracts, national", validate=read)]


def _shares(part: pd.Series, water_part: pd.Series, land: pd.Series, water: pd.Series
            ) -> np.ndarray:
    """Each piece's share of a tract: by land, or by water where the tract has no land."""
    land_f = land.to_numpy(dtype=float)
    water_f = water.to_numpy(dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        by_land = part.to_numpy(dtype=float) / land_f
        by_water = water_part.to_numpy(dtype=float) / water_f
    out = np.where(land_f > 0, by_land, np.where(water_f > 0, by_water, 0.0))
    return np.clip(out, 0.0, 1.0)


def read(path: str | Path, region: Region | None = None) -> pd.DataFrame:
    """The relationship file as tidy pieces, with each piece's land shares."""
    path = Path(path)
    raw = text_rows(path, delimiter="|")
    if not raw or blank(raw[0]):
        raise InputError(Problem(str(path), None, None, None, "empty file"))
    heads = [str(h or "").strip() for h in raw[0]]
    missing = [c for c in HEADER if c not in heads]
    if missing:
        hint = " (is it pipe-delimited?)" if len(heads) == 1 else ""
        raise InputError(Problem(str(path), 1, ", ".join(missing), None,
                                 f"header lacks column(s) of the tract relationship layout{hint}"))
    body = [(n, r) for n, r in enumerate(raw[1:], start=2) if not blank(r)]
    if not body:
        raise InputError(Problem(str(path), None, None, None, "header but no rows"))
    problems = [Problem(str(path), n, None, len(r), f"row has {len(r)} fields, the header"
                        f" {len(heads)}") for n, r in body if len(r) != len(heads)]
    if problems:
        raise InputError(problems)
    frame = pd.DataFrame([r for _, r in body], columns=heads,
                         index=pd.Index([n for n, _ in body], name="file_row"), dtype=object)
    out = pd.DataFrame(index=frame.index)
    for col, name in (("GEOID_TRACT_20", "tract_2020"), ("GEOID_TRACT_10", "tract_2010")):
        text = frame[col].fillna("").astype(str).str.strip()
        bad = ~text.str.fullmatch(r"\d{11}")
        problems += [Problem(str(path), int(i), col, frame.at[i, col],
                             "not an 11-digit census tract GEOID") for i in text.index[bad]]
        out[name] = text
    for col, name in AREAS.items():
        text = frame[col].fillna("").astype(str).str.strip()
        bad = ~text.str.fullmatch(r"\d+")
        problems += [Problem(str(path), int(i), col, frame.at[i, col],
                             "not a whole number of square metres") for i in text.index[bad]]
        out[name] = pd.to_numeric(text.where(~bad), errors="coerce").astype("Int64")
    if problems:
        raise InputError(problems)
    # The Bureau's identity: a tract's pieces add up to the tract (land and water alike).
    for tract, total, part in (("tract_2020", "arealand_2020", "arealand_part"),
                               ("tract_2020", "areawater_2020", "areawater_part"),
                               ("tract_2010", "arealand_2010", "arealand_part"),
                               ("tract_2010", "areawater_2010", "areawater_part")):
        g = out.groupby(tract)
        summed = g[part].sum()
        stated = g[total].first()
        varies = g[total].nunique() > 1
        off = (summed - stated).abs() > TOLERANCE
        problems += [Problem(str(path), None, total.upper(), t,
                             f"{part.upper()} of the tract's pieces adds up to {summed[t]},"
                             f" not the {int(stated[t])} stated") for t in summed.index[off]]
        problems += [Problem(str(path), None, total.upper(), t,
                             "the tract's area differs between its rows")
                     for t in varies.index[varies]]
    if problems:
        raise InputError(problems)
    out["county_fips"] = out["tract_2020"].str[:5]
    out["county_fips_2010"] = out["tract_2010"].str[:5]
    out["share_of_2020"] = _shares(out["arealand_part"], out["areawater_part"],
                                   out["arealand_2020"], out["areawater_2020"])
    out["share_of_2010"] = _shares(out["arealand_part"], out["areawater_part"],
                                   out["arealand_2010"], out["areawater_2010"])
    out = validate(out[TIDY_COLUMNS], SCHEMA, path)
    if region is not None:
        out = out[out["county_fips"].isin(region.county_fips)]
    return out


def process(region: Region, dirs: DataDirs) -> dict[str, pd.DataFrame]:
    """``tract_relationship``: the pieces of the region's 2020 tracts."""
    (rf,) = remote_files(region, dirs)
    return {"tract_relationship": read(rf.dest, region).reset_index(drop=True)}
