"""Synthetic census tracts for the sample bundle: subdivisions of real county outlines.

No package on the registries this project installs from ships Census tract boundaries, so the
sample's tract file is made here. Each region county's real outline (the Census Bureau's 2016
cartographic boundary, from ``plotly-geo``, simplified as in :mod:`assessment.sample.geo`) is cut
into Voronoi cells around seeded random points inside it, one cell per synthetic tract, and
written as a zipped shapefile with the Census attribute fields where the real
``cb_{year}_{state}_tract_500k.zip`` would land. Tract codes follow the Census pattern (six
digits, ``000100``, ``000200``...). Only the county outlines are real; the tracts, their number
and their shapes are invented, as the manifest's vintage says. The sample LODES blocks use the
same tract codes (:func:`tract_codes`).
"""

from __future__ import annotations

import tempfile
import zipfile
from pathlib import Path

import geopandas as gpd
import numpy as np
import shapely
from shapely.geometry import MultiPoint, Point

from assessment import download
from assessment.paths import DataDirs
from assessment.region import Region
from assessment.sample.geo import PLOTLY_GEO_COUNTIES, SIMPLIFY_DEGREES
from assessment.sample.universe import Universe
from assessment.sources import geo

# Synthetic tracts per county: about a fifth of the county's real tract count (2020 census).
TRACTS = {
    "06019": 40,  # Fresno
    "06029": 30,  # Kern
    "06031": 6,  # Kings
    "06039": 6,  # Madera
    "06047": 10,  # Merced
    "06077": 35,  # San Joaquin
    "06099": 20,  # Stanislaus
    "06107": 18,  # Tulare
}
DEFAULT_TRACTS = 10
CALIFORNIA_ALBERS = "EPSG:3310"  # equal-area, for ALAND


def tract_codes(region: Region) -> dict[str, list[str]]:
    """County FIPS -> the sample's 11-digit tract GEOIDs, in order."""
    return {c: [f"{c}{i * 100:06d}" for i in range(1, TRACTS.get(c, DEFAULT_TRACTS) + 1)]
            for c in region.county_fips}


def county_outlines(region: Region) -> gpd.GeoDataFrame:
    gdf = gpd.read_file(PLOTLY_GEO_COUNTIES)
    gdf = gdf[gdf["GEOID"].isin(region.county_fips)].copy()
    gdf = gdf.set_crs(geo.NAD83, allow_override=True)
    gdf["geometry"] = gdf.geometry.simplify(SIMPLIFY_DEGREES, preserve_topology=True)
    return gdf.set_index("GEOID")


def _points_inside(polygon, n: int, rng: np.random.Generator) -> list[Point]:
    minx, miny, maxx, maxy = polygon.bounds
    points: list[Point] = []
    while len(points) < n:
        xs = rng.uniform(minx, maxx, 4 * n)
        ys = rng.uniform(miny, maxy, 4 * n)
        for x, y in zip(xs, ys, strict=True):
            p = Point(x, y)
            if polygon.contains(p):
                points.append(p)
                if len(points) == n:
                    break
    return points


def subdivide(polygon, n: int, rng: np.random.Generator) -> list:
    """``n`` pieces covering ``polygon``: Voronoi cells of seeded points inside it, clipped."""
    points = _points_inside(polygon, n, rng)
    cells = shapely.voronoi_polygons(MultiPoint(points), extend_to=polygon.envelope)
    pieces = []
    for p in points:  # the cell holding each point, so pieces follow the points' order
        cell = next(c for c in cells.geoms if c.contains(p) or c.touches(p))
        pieces.append(cell.intersection(polygon))
    return pieces


def tract_frame(region: Region, seed: int) -> gpd.GeoDataFrame:
    rng = np.random.default_rng(seed + 31)
    outlines = county_outlines(region)
    rows = []
    for county, codes in tract_codes(region).items():
        for code, piece in zip(codes, subdivide(outlines.geometry[county], len(codes), rng),
                               strict=True):
            tractce = code[5:]
            name = f"{int(tractce[:4])}" + (f".{tractce[4:]}" if tractce[4:] != "00" else "")
            rows.append({"STATEFP": county[:2], "COUNTYFP": county[2:], "TRACTCE": tractce,
                         "GEOID": code, "NAME": name, "NAMELSAD": f"Census Tract {name}",
                         "LSAD": "CT", "geometry": piece})
    gdf = gpd.GeoDataFrame(rows, geometry="geometry", crs=geo.NAD83)
    gdf["ALAND"] = gdf.to_crs(CALIFORNIA_ALBERS).area.round().astype("int64")
    gdf["AWATER"] = 0
    return gdf[["STATEFP", "COUNTYFP", "TRACTCE", "GEOID", "NAME", "NAMELSAD", "LSAD", "ALAND",
                "AWATER", "geometry"]]


def write_zipped_shapefile(gdf: gpd.GeoDataFrame, dest: Path) -> None:
    dest.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        gdf.to_file(Path(tmp) / f"{dest.stem}.shp", engine="pyogrio")
        with zipfile.ZipFile(dest, "w", zipfile.ZIP_DEFLATED) as zf:
            for part in sorted(Path(tmp).iterdir()):
                zf.write(part, part.name)


def build(region: Region, dirs: DataDirs, universe: Universe) -> list[Path]:
    rf = geo.tract_file(region, dirs)
    write_zipped_shapefile(tract_frame(region, universe.seed), rf.dest)
    sample_rf = download.RemoteFile(
        url=rf.url, dest=rf.dest, source=rf.source, kind="zip",
        vintage="synthetic tracts: Voronoi subdivisions of real 2016 Census county outlines"
                " (plotly-geo), region counties only; tract shapes and codes are invented")
    download.record_sample(sample_rf, origin="synthetic sample (real county outlines)")
    return [rf.dest]
