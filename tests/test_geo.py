"""County boundaries: the reader on the real Census 2018 cartographic boundary file."""

from __future__ import annotations

import pytest

from assessment.sources import geo

pytestmark = pytest.mark.realdata


def test_real_county_boundaries(realdata, region):
    shp = realdata / "geo" / "cb_2018_us_county_20m" / "cb_2018_us_county_20m.shp"
    every = geo.read(shp)
    assert len(every) == 3220  # PROVENANCE.md: 3,220 counties
    ca = geo.read(shp, region)
    assert len(ca) == 58  # 58 with STATEFP 06
    assert set(region.county_fips) <= set(ca["GEOID"])
    fresno = ca[ca["GEOID"] == "06019"].to_crs("EPSG:3310")  # California Albers, metres
    # PROVENANCE.md: ALAND 15,431,404,077 + AWATER 137,345,152 m2. The 1:20,000,000 outline
    # is generalised, so its area agrees to within a few percent, not exactly.
    published = 15_431_404_077 + 137_345_152
    assert fresno.geometry.area.iloc[0] == pytest.approx(published, rel=0.03)
    assert fresno["NAME"].iloc[0] == "Fresno"


def test_real_geojson_form(realdata, region):
    ca = geo.read(realdata / "geo" / "ca_counties_cb_2018_20m.geojson", region)
    assert len(ca) == 58
    assert ca["GEOID"].str.fullmatch(r"06\d{3}").all()
