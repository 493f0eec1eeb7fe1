"""The Census part of the sample bundle: every file in place, parseable, consistent.

Expected magnitudes come from the sample universe (the synthetic QCEW truth every sample file is
written from), not from the builders under test; identities are the Census Bureau's own (a
table's parts add up to its total; employed residents are the same in B23025 and C24030).
"""

from __future__ import annotations

import pytest

from assessment import download
from assessment.sample import acs as sample_acs
from assessment.sample import geo as sample_geo
from assessment.sample import lodes as sample_lodes
from assessment.sample import qwi as sample_qwi
from assessment.sample import tracts as sample_tracts
from assessment.sample.universe import Universe
from assessment.sources import acs, geo, lodes, qwi

BUILDERS = (sample_geo, sample_tracts, sample_acs, sample_qwi, sample_lodes)


@pytest.fixture(scope="module")
def bundle(tmp_path_factory):
    from assessment import paths
    from assessment.region import load_region

    region = load_region(paths.DEFAULT_REGION)
    root = tmp_path_factory.mktemp("sample")
    dirs = paths.DataDirs(paths.Mode.SAMPLE, root / "raw", root / "processed")
    universe = Universe(region)
    written = [p for b in BUILDERS for p in b.build(region, dirs, universe)]
    return region, dirs, universe, written


@pytest.fixture(scope="module")
def processed(bundle):
    region, dirs, _universe, _written = bundle
    out = {}
    for module in (acs, qwi, lodes, geo):
        out.update(module.process(region, dirs))
    return out


def test_every_listed_file_is_written_and_recorded(bundle):
    region, dirs, _universe, written = bundle
    for module in (acs, qwi, lodes, geo):
        for rf in module.remote_files(region, dirs):
            assert rf.dest.exists(), rf.dest
            entry = download.read_manifest(rf.dest.parent)[rf.dest.name]
            assert entry["retrieved"] is None and "sample" in entry["origin"]
            assert entry["sha256"] == download.sha256_of(rf.dest)
            assert "key=REDACTED" in entry["url"] or "key" not in entry["url"]
    assert sum(p.stat().st_size for p in written) < 5_000_000  # small enough to bundle


def _universe_mfg(universe, county, year):
    e = universe.employment
    return float(e[(e.area == county) & (e.year == year) & (e.industry == "31-33")]
                 ["employment"].iloc[0])


def test_lodes_manufacturing_jobs_follow_qcew(bundle, processed):
    region, _dirs, universe, _ = bundle
    county = processed["lodes_wac_county"]
    assert set(county["county"]) == set(region.county_fips)
    for row in county.itertuples():
        assert row.manufacturing_jobs == pytest.approx(
            _universe_mfg(universe, row.county, row.year), rel=0.12)
    tracts = processed["lodes_wac_tract"]
    known = {c for cs in sample_tracts.tract_codes(region).values() for c in cs}
    assert set(tracts["tract"]) <= known  # every block sits in a sample tract
    assert set(tracts["tract"]) <= set(processed["tracts"]["GEOID"])


def test_qwi_employment_follows_qcew_and_flags_are_used(bundle, processed):
    region, _dirs, universe, _ = bundle
    q = processed["qwi"]
    total = q[(q.endpoint == "sa") & (q.sex == "0") & (q.agegrp == "A00") & (q.measure == "Emp")]
    annual = total.groupby(["geoid", "year"])["value"].mean()
    for (county, year), emp in annual.items():
        assert emp == pytest.approx(_universe_mfg(universe, county, year), rel=0.1)
    assert {1, 5, 9, -1} <= set(q["status_flag"])
    assert q.loc[q["status_flag"].isin([5, -1]), "value"].isna().all()
    assert set(q["endpoint"]) == {"sa", "se", "rh"}
    last = q[(q.year == region.years.end) & (q.quarter == 4) & (q.measure == "Sep")]
    assert last["status_flag"].isin([-1, 5]).all()  # small cells stay suppressed (5)


def _est(a, geoid, variable):
    return a[(a.geoid == geoid) & (a.variable == variable)]["estimate"].iloc[0]


def test_acs_tables_agree_with_each_other(bundle, processed):
    region, *_ = bundle
    a = processed["acs"]
    assert set(a["geoid"]) == {*region.county_fips, region.state.fips, "US"}
    for g in [*region.county_fips, "06", "US"]:
        assert _est(a, g, "B23025_004") == _est(a, g, "C24030_001")
        assert _est(a, g, "B08303_001") == _est(a, g, "B08301_001") - _est(a, g, "B08301_021")
        # Educational attainment: 24 exclusive categories make the total.
        assert sum(_est(a, g, f"B15003_{i:03d}") for i in range(2, 26)) == _est(
            a, g, "B15003_001")
        # Veterans: sexes, then ages within sexes, add up.
        assert _est(a, g, "B21001_005") + _est(a, g, "B21001_023") == _est(a, g, "B21001_002")
    labels = a.set_index(["geoid", "variable"])["label"]
    assert labels[("06019", "C24030_007")] == "Total:!!Male:!!Manufacturing"
    assert (a.loc[a.variable == "B03002_001", "moe_flag"] == "controlled").all()


def test_acs_region_totals(bundle, processed):
    region, *_ = bundle
    a, r = processed["acs"], processed["acs_region"].set_index("variable")
    counties = a[a.geoid.isin(region.county_fips) & (a.variable == "B23025_004")]
    assert r.loc["B23025_004", "estimate"] == counties["estimate"].sum()
    assert r.loc["B23025_004", "moe"] == pytest.approx(
        float((counties["moe"].astype(float) ** 2).sum() ** 0.5))


def test_builders_are_reproducible(bundle, tmp_path):
    from assessment import paths

    region, dirs, universe, _ = bundle
    again = paths.DataDirs(paths.Mode.SAMPLE, tmp_path / "raw", tmp_path / "processed")
    for builder in (sample_qwi, sample_lodes, sample_acs):
        for first in builder.build(region, again, Universe(region)):
            original = dirs.raw / first.relative_to(again.raw)
            assert download.sha256_of(first) == download.sha256_of(original), first.name
