"""US Census Bureau cartographic boundary files (counties and census tracts), for maps.

Files: ``https://www2.census.gov/geo/tiger/GENZ{year}/shp/cb_{year}_us_county_500k.zip`` and
``.../cb_{year}_{state}_tract_500k.zip`` (one state's tracts), landing at
``data/raw/census/geo/``. The readers return GeoDataFrames with ``GEOID`` (5-digit county FIPS,
or the 11-digit state + county + tract code), ``NAME`` and geometry in the file's own CRS
(NAD83, EPSG:4269).
"""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import pandas as pd

from assessment.download import RemoteFile, expect
from assessment.errors import InputError, Problem
from assessment.paths import DataDirs
from assessment.region import Region
from assessment.sources import SourceInfo

INFO = SourceInfo(
    agency="U.S. Census Bureau",
    dataset="Cartographic boundary files, counties and census tracts, 1:500,000",
    files="www2.census.gov/geo/tiger/GENZ{year}/shp/cb_{year}_us_county_500k.zip,"
          " cb_{year}_{state}_tract_500k.zip",
    vintage="the region file's ACS year",
    licence="Public domain (U.S. government work)",
    saved_under="data/raw/census/geo/",
    used_by="01-industry-profile (county map), 02-workforce (tract map)",
    access="no key",
)
AGENCY, DATASET = "census", "geo"
NAD83 = "EPSG:4269"


def county_url(year: int) -> str:
    return f"https://www2.census.gov/geo/tiger/GENZ{year}/shp/cb_{year}_us_county_500k.zip"


def county_path(dirs: DataDirs, year: int) -> Path:
    return dirs.source_dir(AGENCY, DATASET) / f"cb_{year}_us_county_500k.zip"


def tract_url(year: int, state: str) -> str:
    return f"https://www2.census.gov/geo/tiger/GENZ{year}/shp/cb_{year}_{state}_tract_500k.zip"


def tract_path(dirs: DataDirs, year: int, state: str) -> Path:
    return dirs.source_dir(AGENCY, DATASET) / f"cb_{year}_{state}_tract_500k.zip"


def county_file(region: Region, dirs: DataDirs) -> RemoteFile:
    year = region.years.acs
    return RemoteFile(url=county_url(year), dest=county_path(dirs, year),
                      source="Census cartographic boundaries",
                      vintage=f"{year} counties, 1:500,000", kind="zip", validate=read)


def tract_file(region: Region, dirs: DataDirs) -> RemoteFile:
    year, state = region.years.acs, region.state.fips
    return RemoteFile(url=tract_url(year, state), dest=tract_path(dirs, year, state),
                      source="Census cartographic boundaries",
                      vintage=f"{year} census tracts, state {state}, 1:500,000", kind="zip",
                      validate=read_tracts,
                      expect=(expect("state", "GEOID", state, how="prefix"),))


def remote_files(region: Region, dirs: DataDirs) -> list[RemoteFile]:
    return [county_file(region, dirs), tract_file(region, dirs)]


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


def read_tracts(path: str | Path, region: Region | None = None) -> gpd.GeoDataFrame:
    """Census tracts from a cartographic boundary shapefile: ``GEOID`` (11 digits), ``NAME``,
    ``county`` (5-digit FIPS) and geometry; with a region, its state's tracts."""
    path = Path(path)
    gdf = read(path, region)
    bad = ~gdf["GEOID"].str.fullmatch(r"\d{11}")
    if bad.any():
        raise InputError([Problem(str(path), None, "GEOID", v, "not an 11-digit census tract code")
                          for v in gdf.loc[bad, "GEOID"]])
    gdf.insert(2, "county", gdf["GEOID"].str[:5])
    return gdf


def counties(region: Region, dirs: DataDirs) -> gpd.GeoDataFrame:
    """The state's counties, with ``in_region`` marking the region's own."""
    gdf = read(county_file(region, dirs).dest, region)
    gdf["in_region"] = gdf["GEOID"].isin(region.county_fips)
    return gdf


def tracts(region: Region, dirs: DataDirs) -> gpd.GeoDataFrame:
    """The state's census tracts, with ``in_region`` marking those in the region's counties."""
    gdf = read_tracts(tract_file(region, dirs).dest, region)
    gdf["in_region"] = gdf["county"].isin(region.county_fips)
    return gdf


def process(region: Region, dirs: DataDirs) -> dict[str, pd.DataFrame]:
    """``counties`` and ``tracts``: the state's outlines (GeoParquet), ``in_region`` marked."""
    return {"counties": counties(region, dirs), "tracts": tracts(region, dirs)}
