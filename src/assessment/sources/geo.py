"""US Census Bureau cartographic boundary files (counties), for maps.

File: ``https://www2.census.gov/geo/tiger/GENZ{year}/shp/cb_{year}_us_county_500k.zip``, landing
at ``data/raw/census/geo/``. The reader returns a GeoDataFrame of one state's counties with
``GEOID`` (5-digit FIPS), ``NAME`` and geometry in the file's own CRS (NAD83, EPSG:4269).
"""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import pandas as pd

from assessment.download import RemoteFile
from assessment.errors import InputError, Problem
from assessment.paths import DataDirs
from assessment.region import Region
from assessment.sources import SourceInfo

INFO = SourceInfo(
    agency="U.S. Census Bureau",
    dataset="Cartographic boundary files, counties 1:500,000",
    files="www2.census.gov/geo/tiger/GENZ{year}/shp/cb_{year}_us_county_500k.zip",
    vintage="the region file's ACS year",
    licence="Public domain (U.S. government work)",
    saved_under="data/raw/census/geo/",
    used_by="01-industry-profile",
    access="no key",
)
AGENCY, DATASET = "census", "geo"
NAD83 = "EPSG:4269"


def county_url(year: int) -> str:
    return f"https://www2.census.gov/geo/tiger/GENZ{year}/shp/cb_{year}_us_county_500k.zip"


def county_path(dirs: DataDirs, year: int) -> Path:
    return dirs.source_dir(AGENCY, DATASET) / f"cb_{year}_us_county_500k.zip"


def remote_files(region: Region, dirs: DataDirs) -> list[RemoteFile]:
    year = region.years.acs
    return [RemoteFile(url=county_url(year), dest=county_path(dirs, year),
                       source="Census cartographic boundaries",
                       vintage=f"{year} counties, 1:500,000", kind="zip", validate=read)]


def read(path: str | Path, region: Region | None = None) -> gpd.GeoDataFrame:
    """Counties from a cartographic boundary shapefile (zipped or not)."""
    path = Path(path)
    try:
        gdf = gpd.read_file(path)
    except Exception as exc:  # pyogrio raises several kinds for unreadable files
        raise InputError(Problem(str(path), None, None, None,
                                 f"not a readable boundary file: {exc}")) from None
    missing = [c for c in ("GEOID", "NAME") if c not in gdf.columns]
    if "GEOID" in missing and {"STATEFP", "COUNTYFP"} <= set(gdf.columns):
        gdf["GEOID"] = gdf["STATEFP"] + gdf["COUNTYFP"]
        missing.remove("GEOID")
    if missing:
        raise InputError(Problem(str(path), 1, ", ".join(missing), None,
                                 "attribute table lacks the Census boundary fields"))
    if gdf.crs is None:
        gdf = gdf.set_crs(NAD83)
    gdf["GEOID"] = gdf["GEOID"].astype("string")
    if region is not None:
        gdf = gdf[gdf["GEOID"].str.startswith(region.state.fips)]
    return gdf[["GEOID", "NAME", "geometry"]].sort_values("GEOID").reset_index(drop=True)


def counties(region: Region, dirs: DataDirs) -> gpd.GeoDataFrame:
    """The state's counties, with ``in_region`` marking the region's own."""
    (rf,) = remote_files(region, dirs)
    gdf = read(rf.dest, region)
    gdf["in_region"] = gdf["GEOID"].isin(region.county_fips)
    return gdf


def process(region: Region, dirs: DataDirs) -> dict[str, pd.DataFrame]:
    """``counties``: the state's county outlines (GeoParquet), ``in_region`` marked."""
    return {"counties": counties(region, dirs)}
