"""Census tract boundaries: the reader, the file list, and the sample's synthetic tracts."""

from __future__ import annotations

import geopandas as gpd
import pytest
from shapely.geometry import box

from assessment import download
from assessment.errors import InputError
from assessment.sample import tracts as sample_tracts
from assessment.sample.universe import Universe
from assessment.sources import geo


def _tract_zip(tmp_path, geoids):
    """Unit squares with the attribute fields of a 2023 cartographic boundary tract file."""
    gdf = gpd.GeoDataFrame(
        {"STATEFP": [g[:2] for g in geoids], "COUNTYFP": [g[2:5] for g in geoids],
         "TRACTCE": [g[5:] for g in geoids], "GEOID": geoids,
         "NAME": [str(int(g[5:9])) for g in geoids], "LSAD": ["CT"] * len(geoids),
         "ALAND": [1] * len(geoids), "AWATER": [0] * len(geoids)},
        geometry=[box(i, 0, i + 1, 1) for i in range(len(geoids))], crs=geo.NAD83)
    dest = tmp_path / "cb_2023_06_tract_500k.zip"
    sample_tracts.write_zipped_shapefile(gdf, dest)
    return dest


def test_reads_tracts(tmp_path, region):
    path = _tract_zip(tmp_path, ["06019000100", "06029001000", "06037123400", "32003000100"])
    gdf = geo.read_tracts(path, region)  # the region's state only
    assert list(gdf["GEOID"]) == ["06019000100", "06029001000", "06037123400"]
    assert list(gdf["county"]) == ["06019", "06029", "06037"]
    assert list(gdf["NAME"]) == ["1", "10", "1234"]
    assert gdf.crs.to_epsg() == 4269


def test_tract_codes_must_have_11_digits(tmp_path):
    path = _tract_zip(tmp_path, ["06019000100", "0601900010"])
    with pytest.raises(InputError, match="not an 11-digit census tract code"):
        geo.read_tracts(path)


def test_remote_files_include_tracts(region, dirs):
    county, tract = geo.remote_files(region, dirs)
    assert county.dest.name == "cb_2023_us_county_500k.zip"
    assert tract.url == "https://www2.census.gov/geo/tiger/GENZ2023/shp/cb_2023_06_tract_500k.zip"
    assert tract.dest == dirs.raw / "census/geo/cb_2023_06_tract_500k.zip"
    assert tract.kind == "zip" and tract.validate is geo.read_tracts


def test_sample_tracts_subdivide_real_county_outlines(region, dirs):
    (path,) = sample_tracts.build(region, dirs, Universe(region))
    gdf = geo.read_tracts(path, region)
    codes = sample_tracts.tract_codes(region)
    assert sorted(gdf["GEOID"]) == sorted(c for cs in codes.values() for c in cs)
    assert gdf.geometry.is_valid.all() and not gdf.geometry.is_empty.any()
    outlines = sample_tracts.county_outlines(region).to_crs(sample_tracts.CALIFORNIA_ALBERS)
    pieces = gdf.to_crs(sample_tracts.CALIFORNIA_ALBERS)
    for county in region.county_fips:
        mine = pieces[pieces["county"] == county]
        county_area = outlines.geometry[county].area
        # The pieces cover the county and do not overlap: their areas add up to its area.
        assert mine.area.sum() == pytest.approx(county_area, rel=1e-3)
        assert mine.union_all().area == pytest.approx(county_area, rel=1e-3)
    entry = download.read_manifest(path.parent)[path.name]
    assert "synthetic tracts" in entry["vintage"] and entry["retrieved"] is None
