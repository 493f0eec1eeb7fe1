"""ACS 5-year via the Census API: the parser, the annotations, the file list.

The fixtures under ``tests/fixtures/acs/`` are small hand-made API bodies in the real layout
(``get=NAME,group(B23025)``: estimate, estimate annotation, margin, margin annotation per line,
then ``GEO_ID`` and the geography). Expected values are the numbers written in those files.
"""

from __future__ import annotations

import json

import pytest

from assessment import sources
from assessment.errors import InputError
from assessment.sources import acs

ACS = "acs/2023/acs5"


@pytest.fixture
def county_file(fixtures):
    return fixtures / ACS / "B23025" / "county_06.json"


def _row(df, geoid, variable):
    (row,) = df[(df["geoid"] == geoid) & (df["variable"] == variable)].itertuples()
    return row


def test_reads_county_response_into_long_form(county_file):
    df = acs.read(county_file)
    assert list(df.columns) == acs.TIDY_COLUMNS
    assert len(df) == 3 * 7  # three counties, seven lines of B23025
    r = _row(df, "06019", "B23025_004")
    assert (r.estimate, r.moe, r.estimate_flag, r.moe_flag) == (430000, 3100, "", "")
    assert r.geo_level == "county" and r.name == "Fresno County, California"
    assert r.table == "B23025"
    # Row numbers are the record's line in the file (header = line 1).
    assert set(df[df["geoid"] == "06029"].index) == {3}


def test_labels_come_from_the_groups_file(county_file):
    df = acs.read(county_file)
    assert _row(df, "06019", "B23025_004").label == (
        "Total:!!In labor force:!!Civilian labor force:!!Employed")


def test_labels_fall_back_to_the_code_without_a_groups_file(county_file, tmp_path):
    lone = tmp_path / "B23025" / "county_06.json"
    lone.parent.mkdir()
    lone.write_bytes(county_file.read_bytes())
    assert _row(acs.read(lone), "06019", "B23025_004").label == "B23025_004"


def test_annotation_values_become_flags_never_numbers(county_file):
    df = acs.read(county_file)
    kern = _row(df, "06029", "B23025_006")  # -666666666 / -222222222 in the file
    assert kern.estimate is None or str(kern.estimate) == "<NA>"
    assert kern.estimate_flag == "not_computed"
    assert str(kern.moe) == "<NA>" and kern.moe_flag == "moe_not_computed"
    la = _row(df, "06037", "B23025_001")  # margin -555555555, annotation *****
    assert la.estimate == 8100000
    assert str(la.moe) == "<NA>" and la.moe_flag == "controlled"
    jam = _row(df, "06029", "B23025_004")  # annotation "+" beside a published number
    assert (jam.estimate, jam.estimate_flag) == (250001, "+")
    assert (df["estimate"].dropna() > -1).all() and (df["moe"].dropna() >= 0).all()


def test_state_and_nation_files(fixtures):
    state = acs.read(fixtures / ACS / "B23025" / "state_06.json")
    assert set(state["geoid"]) == {"06"} and set(state["geo_level"]) == {"state"}
    nation = acs.read(fixtures / ACS / "B23025" / "us.json")
    assert set(nation["geoid"]) == {"US"} and set(nation["geo_level"]) == {"nation"}
    assert _row(nation, "US", "B23025_004").estimate == 161000000


def test_region_keeps_its_counties_state_and_nation(county_file, region):
    df = acs.read(county_file, region)
    assert set(df["geoid"]) == {"06019", "06029"}  # Los Angeles is not in the Valley


def test_groups_file(fixtures):
    g = acs.read(fixtures / ACS / "groups" / "B23025.json")
    assert list(g["variable"]) == [f"B23025_00{i}" for i in range(1, 8)]
    assert g.set_index("variable").loc["B23025_007", "label"] == "Total:!!Not in labor force"


def test_wide_extract_reader(fixtures):
    df = acs.read_wide(fixtures / "acs" / "acs_wide_extract.csv")
    assert _row(df, "06019", "S2301_C04_001").estimate == pytest.approx(9.1)
    kern = _row(df, "06029", "B19013_001")  # "6029": the extract lost the leading zero
    assert kern.estimate_flag == "not_computed" and kern.moe_flag == "moe_not_computed"
    assert _row(df, "06029", "S2301_C04_001").estimate_flag == "missing"  # NA in the file


def _write(tmp_path, body) -> object:
    path = tmp_path / "B23025" / "county_06.json"
    path.parent.mkdir(exist_ok=True)
    path.write_text(body if isinstance(body, str) else json.dumps(body), encoding="utf-8")
    return path


HEADER = ["NAME", "B23025_001E", "B23025_001M", "state", "county"]


@pytest.mark.parametrize(("body", "rule"), [
    ("<!DOCTYPE html><html><title>Invalid Key</title></html>", "not valid JSON (an HTML page?)"),
    ("", "empty file"),
    ({"error": "unknown variable"}, "expected a JSON array of arrays"),
    ([HEADER], "header but no records"),
    ([HEADER, ["Fresno County, California", "10", "5", "06"]], "record has 4 values"),
    ([HEADER, ["Fresno County, California", "ten", "5", "06", "019"]], "not a number"),
    ([HEADER, ["Fresno County, California", "-777777777", "5", "06", "019"]],
     "unknown Census annotation value"),
    ([HEADER, ["Fresno County, California", "10", "-5", "06", "019"]],
     "negative margin of error"),
    ([["NAME", "B23025_001E", "B23025_001M", "FOO", "state", "county"],
      ["Fresno County, California", "10", "5", "x", "06", "019"]], "not an ACS variable"),
    ([["NAME", "B23025_001E"], ["Fresno County, California", "10"]], "no geography column"),
])
def test_bad_bodies_are_refused_naming_what_is_wrong(tmp_path, body, rule):
    with pytest.raises(InputError) as err:
        acs.read(_write(tmp_path, body))
    assert rule in str(err.value)


def test_error_names_file_row_and_column(tmp_path):
    body = [HEADER, ["Fresno County, California", "10", "5", "06", "019"],
            ["Kern County, California", "-777777777", "5", "06", "029"]]
    with pytest.raises(InputError) as err:
        acs.read(_write(tmp_path, body))
    (problem,) = err.value.problems
    assert (problem.row, problem.column, problem.value) == (3, "B23025_001E", "-777777777")
    assert problem.file.endswith("county_06.json")


def test_remote_files(region, dirs, monkeypatch):
    monkeypatch.setenv("CENSUS_API_KEY", "test-key-123")
    every = acs.remote_files(region, dirs)
    files = [f for f in every if not acs.is_tract_file(f.dest)
             and f.dest.stem not in acs.TRACT_ONLY]
    assert len(files) == len(acs.TABLES) * 4  # county-level files as before
    assert len(every) == len(files) + len(acs.TRACT_ONLY) + len(acs.TRACT_TABLES) * 8
    by_name = {f.dest.relative_to(dirs.raw).as_posix(): f for f in files}
    county = by_name["census/acs/2023/acs5/B15003/county_06.json"]
    assert county.url == ("https://api.census.gov/data/2023/acs/acs5?get=NAME,group(B15003)"
                          "&for=county:*&in=state:06")
    assert by_name["census/acs/2023/acs5/B15003/us.json"].url.endswith("&for=us:1")
    assert by_name["census/acs/2023/acs5/B15003/state_06.json"].url.endswith("&for=state:06")
    groups = by_name["census/acs/2023/acs5/groups/B15003.json"]
    assert groups.url == "https://api.census.gov/data/2023/acs/acs5/groups/B15003.json"
    for f in files:
        assert f.params == {"key": "test-key-123"} and f.kind == "json" and f.validate
        assert "test-key-123" not in f.public_url and "key=REDACTED" in f.public_url
    assert "2019-2023" in county.vintage


def test_registered_and_readable_through_the_cli(county_file, tmp_path):
    from typer.testing import CliRunner

    from assessment.cli import app

    assert sources.get("acs") is acs
    out = tmp_path / "b23025.csv"
    result = CliRunner().invoke(app, ["read", "acs", str(county_file), "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert "21 rows" in result.output and out.exists()


@pytest.mark.realdata
def test_real_acs_values(realdata):
    """ACS 2019 1-year values quoted in PROVENANCE.md (a wide extract of the API's values)."""
    df = acs.read_wide(realdata / "acs" / "acs1_2019_county_raw_wide.csv")
    expected = {
        ("06019", "S2301_C04_001"): 8.3, ("06019", "B19013_001"): 57518,
        ("06029", "S2301_C04_001"): 8, ("06029", "B19013_001"): 53067,
        ("06107", "S2301_C04_001"): 8.8, ("06107", "B19013_001"): 57692,
    }
    for (geoid, variable), value in expected.items():
        assert _row(df, geoid, variable).estimate == pytest.approx(value)
    assert _row(df, "06019", "B19013_001").name == "Fresno County, California"
