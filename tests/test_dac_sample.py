"""The sample's screening-tool files: in the publishers' layouts, on invented 2010 tracts that
relate to the sample's invented 2020 tracts the way the Census relationship file says.

Checks are identities, not the builders' own numbers: a 2020 tract's pieces cover its land
exactly (share 1) and match the sample tract file's ALAND; every 2010 tract in the relationship
file is on both screening lists; files are recorded as synthetic.
"""

from __future__ import annotations

import geopandas as gpd
import pytest

from assessment import download, paths
from assessment.metrics import tracts as alloc
from assessment.region import load_region
from assessment.sample import calenviroscreen as s_ces
from assessment.sample import cejst as s_cejst
from assessment.sample import tract_relationship as s_rel
from assessment.sample import tracts as s_tracts
from assessment.sample.universe import Universe
from assessment.sources import calenviroscreen, cejst, geo, tract_relationship


@pytest.fixture(scope="module")
def bundle(tmp_path_factory):
    region = load_region(paths.DEFAULT_REGION)
    root = tmp_path_factory.mktemp("sample")
    dirs = paths.DataDirs(paths.Mode.SAMPLE, root / "raw", root / "processed")
    u = Universe(region)
    for b in (s_tracts, s_ces, s_cejst, s_rel):
        b.build(region, dirs, u)
    out = {}
    for m in (calenviroscreen, cejst, tract_relationship):
        out.update(m.process(region, dirs))
    out["tracts"] = gpd.read_file(geo.tract_file(region, dirs).dest)  # with ALAND
    return region, dirs, out


def test_files_recorded_as_synthetic(bundle):
    region, dirs, _ = bundle
    for m in (calenviroscreen, cejst, tract_relationship):
        for rf in m.remote_files(region, dirs):
            entry = download.read_manifest(rf.dest.parent)[rf.dest.name]
            assert "sample" in entry["origin"] and "synthetic" in entry["vintage"]


def test_relationship_covers_the_sample_2020_tracts(bundle):
    _region, _dirs, out = bundle
    rel, tracts = out["tract_relationship"], out["tracts"]
    assert set(rel["tract_2020"]) == set(tracts["GEOID"])
    land = rel.groupby("tract_2020")["arealand_part"].sum()
    aland = tracts.set_index("GEOID")["ALAND"]
    assert (land == aland.reindex(land.index).astype("int64")).all()
    assert rel.groupby("tract_2020")["share_of_2020"].sum().round(9).eq(1).all()
    assert (rel.groupby("tract_2020").size() > 1).any()  # some 2020 tracts straddle two
    assert (rel.groupby("tract_2010").size() > 1).any()  # some 2010 tracts were split


def test_every_2010_tract_is_on_both_lists(bundle):
    _region, _dirs, out = bundle
    t2010 = set(out["tract_relationship"]["tract_2010"])
    assert t2010 == set(out["calenviroscreen"]["tract"]) == set(out["cejst"]["tract"])
    assert (out["calenviroscreen"]["tract_vintage"] == 2010).all()


def test_sb535_is_a_list_not_a_threshold(bundle):
    _region, _dirs, out = bundle
    c = out["calenviroscreen"]
    dac = c[c["sb535_dac"]]
    # designated tracts below the 75th percentile or without a score exist, as in CalEPA's list
    assert (dac["ces_percentile"].lt(75) | dac["ces_percentile"].isna()).any()


def test_some_2020_tracts_are_split_between_a_dac_and_an_ordinary_tract(bundle):
    _region, _dirs, out = bundle
    f = alloc.allocate_flags(out["calenviroscreen"], out["tract_relationship"], ["sb535_dac"])
    share = f["sb535_dac_share"].astype(float)
    assert ((share > 0) & (share < 1)).any()
    assert f["sb535_dac"].notna().all()
