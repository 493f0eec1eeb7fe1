"""The supply sample files (IPEDS, DataMart, TOP-CIP, registered programs): written in the real
layouts, read back by the real readers, consistent with each other and the sample crosswalk."""

from __future__ import annotations

import zipfile

import pytest

from assessment import paths
from assessment.sample import apprenticeship as s_app
from assessment.sample import ccc_awards as s_ccc
from assessment.sample import ipeds as s_ipeds
from assessment.sample import top_cip as s_top
from assessment.sample.universe import Universe
from assessment.sources import apprenticeship, ccc_awards, ipeds, top_cip


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    from assessment.region import load_region

    region = load_region(paths.DEFAULT_REGION)
    root = tmp_path_factory.mktemp("sample")
    dirs = paths.DataDirs(paths.Mode.SAMPLE, root / "raw", root / "processed")
    u = Universe(region)
    for m in (s_ipeds, s_ccc, s_top, s_app):
        m.build(region, dirs, u)
    return region, dirs


def test_ipeds_layout_and_traps(built):
    region, dirs = built
    oldest = ipeds.COLLECTION_YEARS[0]
    with zipfile.ZipFile(ipeds.c_path(dirs, oldest)) as zf:
        assert sorted(zf.namelist()) == [f"c{oldest}_a.csv", f"c{oldest}_a_rv.csv"]
        head = zf.read(f"c{oldest}_a.csv")[:80]
    assert head.startswith(b"\xef\xbb\xbfUNITID,CIPCODE,MAJORNUM,AWLEVEL,XCTOTALT,CTOTALT")
    with zipfile.ZipFile(ipeds.hd_path(dirs, oldest)) as zf:
        hd_text = zf.read(f"hd{oldest}.csv").decode("utf-8-sig")
    assert hd_text.split("\r\n")[0].split(",") == s_ipeds.HD_HEADER
    assert ",6019," in hd_text  # COUNTYCD without its leading zero, as NCES writes it
    c = ipeds.read(ipeds.c_path(dirs, ipeds.COLLECTION_YEARS[-1]))
    subs = ipeds.subtotals(ipeds.c_path(dirs, ipeds.COLLECTION_YEARS[-1]))
    grand = subs[subs.cip == "99"].groupby(["unitid", "majornum", "award_level"])
    six = c.groupby(["unitid", "majornum", "award_level"])
    assert (six.completions.sum() == grand.completions.sum().reindex(
        six.completions.sum().index)).all()
    assert (c.majornum == 2).any()


def test_datamart_and_ipeds_agree_on_colleges(built):
    region, dirs = built
    awards = ccc_awards.read(ccc_awards.path(dirs), region)
    hd = ipeds.read(ipeds.hd_path(dirs, 2023), region)
    ids = ccc_awards.colleges().set_index("college")["unitid"]
    assert set(awards.college.map(ids)) <= set(hd.unitid)
    raw = ccc_awards.path(dirs).read_text()
    assert "Fresno City ,Welding Technology-095650," in raw
    assert "Columbia " in raw  # outside the region, left out by the reader
    assert "Columbia" not in set(awards.college)


def test_top_cip_excerpt_reads_and_reaches_the_programs(built):
    region, dirs = built
    tc = top_cip.read(top_cip.path(dirs))
    assert sorted(tc[tc.top_code == "095650"].cip) == ["15.0614", "48.0508"]
    for top, (_title, cip, _base) in s_ipeds.CCC_PROGRAMS.items():
        if top != "490100":
            assert cip in set(tc[tc.top_code == top].cip), top


def test_registered_programs_validate(built):
    region, dirs = built
    t = apprenticeship.read(apprenticeship.path(dirs), region)
    assert (t.completers <= t.active_apprentices).all() and len(t) == 14


def test_invented_institutions_follow_the_region(region):
    # a two-county region: institutions cycle over its counties; one sits outside it
    small = region.model_copy(update={"counties": region.counties[:2]})
    placed = {i.name: i.county_fips for i in s_ipeds.others(small)}
    mine = {c.fips for c in small.counties}
    outside = placed.pop("Sample Technical College outside the region")
    assert set(placed.values()) <= mine and outside not in mine
    assert outside.startswith(region.state.fips)
