"""The region file: the default loads as the design describes it, and each kind of mistake in a
region file is refused with a message that names the key at fault.

Expected values are the published codes (Census county FIPS, OMB CBSA codes; QCEW metro codes
are "C" + the first four CBSA digits), written out below, not read back from the loader.
"""

from __future__ import annotations

import copy

import pytest
import yaml

from assessment import paths
from assessment.region import RegionError, load_region

SJV = {  # county FIPS -> (name, CBSA)
    "06019": ("Fresno", "23420"), "06029": ("Kern", "12540"), "06031": ("Kings", "25260"),
    "06039": ("Madera", "31460"), "06047": ("Merced", "32900"),
    "06077": ("San Joaquin", "44700"), "06099": ("Stanislaus", "33700"),
    "06107": ("Tulare", "47300"),
}  # fmt: skip


@pytest.fixture
def raw() -> dict:
    return yaml.safe_load(paths.DEFAULT_REGION.read_text(encoding="utf-8"))


def _load(tmp_path, data) -> object:
    path = tmp_path / "region.yml"
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    return load_region(path)


def _refused(tmp_path, data) -> str:
    with pytest.raises(RegionError) as exc:
        _load(tmp_path, data)
    return str(exc.value)


def test_default_region_loads():
    region = load_region()
    assert region.slug == "san-joaquin-valley"
    assert region.state.fips == "06"
    assert region.county_names == {f: name for f, (name, _) in SJV.items()}
    assert {c.fips: c.cbsa for c in region.counties} == {f: cbsa for f, (_, cbsa) in SJV.items()}
    assert {c.fips: c.qcew_msa for c in region.counties} == {
        f: "C" + cbsa[:4] for f, (_, cbsa) in SJV.items()}
    assert region.qcew_areas == [*SJV, "06000", "US000"]
    assert region.industry.sector == "31-33"
    assert len(region.industry.subsectors) == 21
    assert region.years.span == [2019, 2020, 2021, 2022, 2023, 2024]


def test_madera_is_stood_in_for_by_fresno_in_the_2025_oews_release():
    region = load_region()
    assert region.county("06039").oews_area(2025).code == "0023420"
    assert "Madera" in region.county("06039").oews_area(2025).stand_in
    assert region.county("06039").oews_area(2024).code == "0031460"
    assert region.oews_areas(2025)["06019"].stand_in is None


def test_a_copy_of_the_default_loads_from_another_place(tmp_path, raw):
    assert _load(tmp_path, raw).county_fips == list(SJV)


@pytest.mark.parametrize("key", ["name", "state", "counties", "benchmarks", "industry", "years",
                                 "surveys", "disclosure"])
def test_missing_key_is_named(tmp_path, raw, key):
    raw.pop(key)
    assert f"  {key}: Field required" in _refused(tmp_path, raw)


def test_missing_nested_key_is_named(tmp_path, raw):
    del raw["counties"][2]["name"]
    assert "counties.2.name: Field required" in _refused(tmp_path, raw)


def test_a_qcew_metro_code_without_a_cbsa_is_refused(tmp_path, raw):
    del raw["counties"][2]["cbsa"]
    assert "a QCEW metro code needs the county's CBSA" in _refused(tmp_path, raw)


def test_a_county_outside_every_cbsa_is_accepted(tmp_path, raw):
    del raw["counties"][2]["cbsa"]
    del raw["counties"][2]["qcew_msa"]
    path = tmp_path / "r.yml"
    path.write_text(yaml.safe_dump(raw))
    assert load_region(path).counties[2].cbsa is None


def test_an_unknown_source_switched_off_is_named(tmp_path, raw):
    raw["sources"] = {"exclude": ["edd_ces", "eddces"]}
    message = _refused(tmp_path, raw)
    assert "sources.exclude: Value error, unknown source(s) ['eddces']" in message
    assert "edd_projections" in message  # the known names are listed


@pytest.mark.parametrize("fips", ["6019", "060190", "06O19", 6019])
def test_bad_county_fips_is_named(tmp_path, raw, fips):
    raw["counties"][0]["fips"] = fips
    assert "counties.0.fips:" in _refused(tmp_path, raw)


def test_county_outside_the_state_is_refused(tmp_path, raw):
    raw["counties"][0]["fips"] = "32003"
    assert "counties outside state 06: ['32003']" in _refused(tmp_path, raw)


def test_qcew_metro_code_must_match_the_cbsa(tmp_path, raw):
    raw["counties"][2]["qcew_msa"] = "C2342"  # Kings given Fresno's metro code
    message = _refused(tmp_path, raw)
    assert "counties.2.qcew_msa:" in message
    assert "'C' + the first four CBSA digits (25260)" in message


def test_duplicate_county_is_refused(tmp_path, raw):
    raw["counties"].append(copy.deepcopy(raw["counties"][0]))
    assert "counties listed twice: ['06019']" in _refused(tmp_path, raw)


@pytest.mark.parametrize("start, end", [(2024, 2019), (2024, 2024)])
def test_start_must_come_before_end(tmp_path, raw, start, end):
    raw["years"].update(start=start, end=end)
    assert f"years: Value error, start ({start}) must be before end ({end})" in _refused(
        tmp_path, raw)


@pytest.mark.parametrize("where, key", [
    (lambda r: r, "colour"),
    (lambda r: r["years"], "years.colour"),
    (lambda r: r["counties"][1], "counties.1.colour"),
])
def test_unknown_key_is_named(tmp_path, raw, where, key):
    where(raw)["colour"] = "blue"
    assert f"{key}: Extra inputs are not permitted" in _refused(tmp_path, raw)


def test_oews_areas_need_a_default_and_year_keys(tmp_path, raw):
    raw["counties"][0]["oews"] = {"May2025": "0023420"}
    message = _refused(tmp_path, raw)
    assert "counties.0.oews:" in message
    assert "needs a 'default' OEWS area code" in message


def test_every_problem_is_listed_at_once(tmp_path, raw):
    raw["counties"][0]["fips"] = "6019"
    raw["years"]["oews"] = 1900
    message = _refused(tmp_path, raw)
    assert "counties.0.fips:" in message and "years.oews:" in message


def test_unreadable_files_are_refused_with_the_path(tmp_path):
    missing = tmp_path / "nowhere.yml"
    with pytest.raises(RegionError, match="region file not found"):
        load_region(missing)
    broken = tmp_path / "broken.yml"
    broken.write_text("name: [unclosed\n", encoding="utf-8")
    with pytest.raises(RegionError, match=r"broken\.yml: not valid YAML"):
        load_region(broken)
    listing = tmp_path / "list.yml"
    listing.write_text("- a\n- b\n", encoding="utf-8")
    with pytest.raises(RegionError, match="expected a mapping"):
        load_region(listing)
