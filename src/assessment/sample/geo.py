"""Real Census county outlines for the sample bundle, derived from the ``plotly-geo`` package.

``plotly-geo`` ships the Census Bureau's 2016 cartographic boundary file of US counties
(``cb_2016_us_county_500k``). The sample keeps the region's state, simplified to about 100 m,
and writes it as a zipped shapefile where the real boundary file would land. The geometry is
real; only its vintage (2016) differs from the region's, as the manifest entry says.
"""

from __future__ import annotations

import tempfile
import zipfile
from pathlib import Path

import _plotly_geo
import geopandas as gpd

from assessment import download
from assessment.paths import DataDirs
from assessment.region import Region
from assessment.sample.universe import Universe
from assessment.sources import geo

PLOTLY_GEO_COUNTIES = (
    Path(_plotly_geo.__file__).parent / "package_data" / "cb_2016_us_county_500k.shp"
)
SIMPLIFY_DEGREES = 0.001  # about 100 m


def build(region: Region, dirs: DataDirs, universe: Universe) -> list[Path]:
    rf = geo.county_file(region, dirs)
    gdf = gpd.read_file(PLOTLY_GEO_COUNTIES)
    gdf = gdf[gdf["STATEFP"] == region.state.fips].copy()
    gdf = gdf.set_crs(geo.NAD83, allow_override=True)
    gdf["geometry"] = gdf.geometry.simplify(SIMPLIFY_DEGREES, preserve_topology=True)
    stem = rf.dest.stem
    rf.dest.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        shp = Path(tmp) / f"{stem}.shp"
        gdf.to_file(shp, engine="pyogrio")
        with zipfile.ZipFile(rf.dest, "w", zipfile.ZIP_DEFLATED) as zf:
            for part in sorted(Path(tmp).iterdir()):
                zf.write(part, part.name)
    sample_rf = download.RemoteFile(
        url=rf.url, dest=rf.dest, source=rf.source,
        vintage="2016 counties, 1:500,000 (real Census geometry via plotly-geo, simplified)",
        kind="zip")
    download.record_sample(sample_rf, origin="sample bundle (real Census geometry)")
    return [rf.dest]
