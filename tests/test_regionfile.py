"""`assessment region new`: a complete region file from county codes alone.

Expected codes come from the default region file (written and checked by hand against the
agencies' area lists) and from the OMB delineation as the issue states it (Riverside-San
Bernardino-Ontario 40140, Columbus 18140), never from the code under test."""

from __future__ import annotations

import pytest
import yaml
from typer.testing import CliRunner

from assessment import paths, regionfile
from assessment.cli import app
from assessment.region import load_region

SJV = ["06019", "06029", "06031", "06039", "06047", "06077", "06099", "06107"]


def test_reproduces_every_code_of_the_default_region_file():
    """Every code of the eight counties, the state and the benchmarks matches the hand-made
    default file. The one difference is wording: the Madera stand-in note for May 2025 is
    written by the tool (it names the OMB 2023 delineation), so only its presence and its code
    are compared."""
    want = load_region(paths.DEFAULT_REGION)
    got = regionfile.draft("San Joaquin Valley", SJV).region()
    assert got.slug == want.slug and got.state == want.state
    assert got.benchmarks == want.benchmarks
    for g, w in zip(got.counties, want.counties, strict=True):
        assert (g.fips, g.name, g.cbsa, g.qcew_msa, g.edd_area) == \
               (w.fips, w.name, w.cbsa, w.qcew_msa, w.edd_area)
        for year in (2019, 2024, 2025):
            assert g.oews_area(year).code == w.oews_area(year).code, (g.name, year)
            assert (g.oews_area(year).stand_in is None) == (w.oews_area(year).stand_in is None)
    madera = got.county("06039").oews_area(2025)
    assert madera.code == "0023420" and "Madera" in madera.stand_in
    assert "Fresno" in madera.stand_in
    # years, industry, surveys, job quality and disclosure start from the default file's
    assert (got.years, got.industry, got.disclosure) == (want.years, want.industry,
                                                         want.disclosure)


def test_two_counties_of_one_metro_area():
    d = regionfile.draft("Inland Empire", ["06065", "06071"])
    r = d.region()
    assert [c.name for c in r.counties] == ["Riverside", "San Bernardino"]
    assert {c.cbsa for c in r.counties} == {"40140"}
    assert {c.qcew_msa for c in r.counties} == {"C4014"}
    assert {c.oews_area(2025).code for c in r.counties} == {"0040140"}
    assert {c.edd_area for c in r.counties} == {"RIVE"}
    assert r.benchmarks.state.edd_area == "CAL" and d.notes == []


def test_three_counties_outside_california_say_edd_does_not_apply():
    d = regionfile.draft("Central Ohio", ["39049", "39041", "39089"])
    r = d.region()
    assert r.slug == "central-ohio" and r.state.abbr == "OH" and r.state.name == "Ohio"
    assert [c.name for c in r.counties] == ["Franklin", "Delaware", "Licking"]
    assert {c.cbsa for c in r.counties} == {"18140"}
    assert {c.oews_area(2024).code for c in r.counties} == {"0018140"}
    assert all(c.edd_area is None for c in r.counties)
    assert (r.benchmarks.state.qcew, r.benchmarks.state.oews) == ("39000", "3900000")
    assert r.benchmarks.state.edd_area is None
    assert any("cover California only" in n for n in d.notes)


def test_a_county_outside_every_metro_area_gets_the_state_and_a_note():
    # Alpine County, California (06003): in no CBSA under either delineation
    d = regionfile.draft("Alpine", ["06003"])
    c = d.region().counties[0]
    assert c.cbsa is None and c.qcew_msa is None and c.edd_area is None
    assert c.oews_area(2024).code == "0600000" and c.oews_area(2024).stand_in
    assert any("nonmetropolitan area" in n for n in d.notes)
    assert any("multi-county region file" in n for n in d.notes)


@pytest.mark.parametrize(("codes", "message"), [
    (["6065"], "five-digit FIPS"),
    (["06065", "06065"], "listed twice"),
    (["06999"], "not in the bundled county table"),
    (["06065", "39049"], "several states"),
])
def test_bad_county_lists_are_refused(codes, message):
    with pytest.raises(regionfile.RegionNewError, match=message):
        regionfile.draft("X", codes)


def test_cli_writes_a_file_that_loads_and_quotes_every_code(tmp_path):
    out = tmp_path / "ie.yml"
    runner = CliRunner()
    res = runner.invoke(app, ["region", "new", "--name", "Inland Empire", "--counties",
                              "06065,06071", "-o", str(out)])
    assert res.exit_code == 0, res.output
    assert "reports/ie/needs-assessment-sample.pdf" in res.output  # slug: the file's name
    region = load_region(out)
    assert region.county_fips == ["06065", "06071"]
    text = out.read_text()
    assert 'fips: "06065"' in text and 'default: "0040140"' in text
    # a YAML 1.2 reader would take an unquoted 06065 for a number; every code is quoted
    assert yaml.safe_load(text)["counties"][0]["fips"] == "06065"
    again = runner.invoke(app, ["region", "new", "--name", "Inland Empire", "--counties",
                                "06065,06071", "-o", str(out)])
    assert again.exit_code == 2 and "--force" in again.output
    bad = runner.invoke(app, ["region", "new", "--name", "X", "--counties", "06065,39049",
                              "-o", str(tmp_path / "x.yml")])
    assert bad.exit_code == 2 and "several states" in bad.output


def test_committed_test_regions_are_what_the_tool_writes():
    """config/regions/inland-empire.yml and central-ohio.yml hold the tool's codes."""
    for name, codes, slug in [("Inland Empire", ["06065", "06071"], "inland-empire"),
                              ("Central Ohio", ["39049", "39041", "39089"], "central-ohio")]:
        committed = load_region(paths.REGIONS_DIR / f"{slug}.yml")
        assert committed == regionfile.draft(name, codes).region()


def test_cli_refuses_a_slug_another_region_file_uses(tmp_path):
    res = CliRunner().invoke(app, ["region", "new", "--name", "Valley again", "--counties",
                                   "06019", "-o", str(tmp_path / "x.yml"),
                                   "--slug", "san-joaquin-valley"])
    assert res.exit_code == 2 and "san-joaquin-valley.yml already uses the slug" in res.output
    assert not (tmp_path / "x.yml").exists()


def test_a_county_moving_between_existing_metro_areas_is_not_called_a_missing_area(
        monkeypatch):
    row = {"county": "", "state_fips": "21", "state": "Kentucky", "population": "1000",
           "division_2020": "", "division_2023": "", "kind_2020": "metro", "kind_2023": "metro"}
    table = {
        "21001": {**row, "county_fips": "21001", "county": "Movers", "cbsa_2020": "11110",
                  "cbsa_title_2020": "Oldtown, KY", "cbsa_2023": "22220",
                  "cbsa_title_2023": "Newtown, KY"},
        "21003": {**row, "county_fips": "21003", "county": "Stayers", "cbsa_2020": "11110",
                  "cbsa_title_2020": "Oldtown, KY", "cbsa_2023": "11110",
                  "cbsa_title_2023": "Oldtown, KY"},
    }
    monkeypatch.setattr(regionfile, "counties_table", lambda: table)
    c = regionfile.draft("KY", ["21001"]).region().counties[0]
    assert c.oews_area(2024).code == "0011110" and c.oews_area(2025).code == "0022220"
    note = c.oews_area(2025).stand_in
    assert "belongs to the Newtown metro area (22220)" in note and "has no" not in note
