"""LEHD QWI via the Census API: parser, status flags, file list.

Fixtures under ``tests/fixtures/qwi/`` are small hand-made API bodies in the real layout (the
measures and their ``s`` status flags, then the predicates echoed, then state and county).
Expected values are the numbers written in those files; flag meanings are the LEHD schema's.
"""

from __future__ import annotations

import json

import pytest

from assessment.errors import InputError
from assessment.sources import qwi


def _value(df, **where):
    rows = df
    for k, v in where.items():
        rows = rows[rows[k] == v]
    (row,) = rows.itertuples()
    return row


@pytest.fixture
def sa(fixtures):
    return qwi.read(fixtures / "qwi" / "sa_county_06_31-33_A05.json")


def test_reads_sex_by_age(sa):
    assert list(sa.columns) == qwi.TIDY_COLUMNS
    assert len(sa) == 5 * len(qwi.MEASURES)
    r = _value(sa, geoid="06019", quarter=1, sex="0", agegrp="A00", measure="Emp")
    assert (r.value, r.status_flag, r.year, r.industry, r.ownercode) == (26512, 1, 2023, "31-33",
                                                                         "A05")
    assert (r.endpoint, r.education, r.race, r.ethnicity) == ("sa", "E0", "A0", "A0")
    assert _value(sa, geoid="06019", agegrp="A00", measure="TurnOvrS").value == pytest.approx(
        0.0812)


def test_suppressed_cells_are_missing_with_their_flag(sa):
    cell = sa[(sa["sex"] == "2") & (sa["agegrp"] == "A08")]
    assert cell["value"].isna().all()
    assert set(cell["status_flag"]) == {5}


def test_distorted_values_are_kept_and_flagged(sa):
    r = _value(sa, sex="1", agegrp="A01", measure="Emp")
    assert (r.value, r.status_flag) == (540, 9)


def test_measures_needing_the_next_quarter_are_missing_in_the_last_one(sa):
    kern = sa[sa["geoid"] == "06029"].set_index("measure")
    assert kern.loc["Emp", "value"] == 12410 and kern.loc["HirA", "value"] == 1380
    for m in ("Sep", "TurnOvrS", "EarnS", "EarnHirAS"):
        assert kern.loc[m, "status_flag"] == -1 and str(kern.loc[m, "value"]) == "<NA>"


def test_other_endpoints(fixtures):
    se = qwi.read(fixtures / "qwi" / "se_county_06_31-33_A05.json")
    assert set(se["endpoint"]) == {"se"} and set(se["education"]) == {"E1", "E5"}
    assert set(se["agegrp"]) == {"A00"}
    assert _value(se, education="E5", measure="HirA").value == 510
    rh = qwi.read(fixtures / "qwi" / "rh_county_06_31-33_A05.json")
    assert set(rh["endpoint"]) == {"rh"}
    assert _value(rh, race="A0", ethnicity="A2", measure="Emp").value == 14790
    assert _value(rh, race="A5", measure="EarnS").status_flag == 5


def test_region_filter(fixtures, region):
    df = qwi.read(fixtures / "qwi" / "sa_county_06_31-33_A05.json", region)
    assert set(df["geoid"]) == {"06019", "06029"}  # 06037 Los Angeles dropped


HEADER = ["Emp", "sEmp", "year", "quarter", "sex", "agegrp", "industry", "ownercode", "state",
          "county"]


def _body(tmp_path, rows, header=HEADER):
    path = tmp_path / "sa.json"
    path.write_text(json.dumps([header, *rows]), encoding="utf-8")
    return path


@pytest.mark.parametrize(("rows", "header", "rule"), [
    ([["10", "4", "2023", "1", "0", "A00", "31-33", "A05", "06", "019"]], HEADER,
     "not a LEHD status flag"),
    ([[None, "1", "2023", "1", "0", "A00", "31-33", "A05", "06", "019"]], HEADER,
     "no value although flag 1 says one was released"),
    ([["10", None, "2023", "1", "0", "A00", "31-33", "A05", "06", "019"]], HEADER,
     "no status flag"),
    ([["10", "2023", "1", "0", "A00", "31-33", "A05", "06", "019"]],
     [h for h in HEADER if h != "sEmp"], "a measure without its status flag column"),
    ([["10", "1", "2023", "1", "31-33", "A05", "06", "019"]],
     [h for h in HEADER if h not in ("sex", "agegrp")], "cannot tell the QWI endpoint"),
    ([["-3", "1", "2023", "1", "0", "A00", "31-33", "A05", "06", "019"]], HEADER,
     "greater_than_or_equal_to(0)"),
    ([["10", "1", "2023", "1", "0", "A00", "31-33", "06", "019"]],
     [h for h in HEADER if h != "ownercode"], "header lacks column(s) of the QWI API layout"),
])
def test_bad_bodies_are_refused(tmp_path, rows, header, rule):
    with pytest.raises(InputError) as err:
        qwi.read(_body(tmp_path, rows, header))
    assert rule in str(err.value)


def test_error_names_row_and_column(tmp_path):
    rows = [["10", "1", "2023", "1", "0", "A00", "31-33", "A05", "06", "019"],
            ["12", "3", "2023", "2", "0", "A00", "31-33", "A05", "06", "019"]]
    with pytest.raises(InputError) as err:
        qwi.read(_body(tmp_path, rows))
    (problem,) = err.value.problems
    assert (problem.row, problem.column, problem.value) == (3, "sEmp", 3)


def test_remote_files(region, dirs, monkeypatch):
    monkeypatch.setenv("CENSUS_API_KEY", "test-key-123")
    files = qwi.remote_files(region, dirs)
    assert len(files) == 3 * len(region.years.span)
    first = files[0]
    assert first.dest == dirs.raw / "census/qwi/sa/2019/county_06_31-33_A05.json"
    assert first.url.startswith("https://api.census.gov/data/timeseries/qwi/sa?get=Emp,sEmp,"
                                "HirA,sHirA,Sep,sSep,TurnOvrS,sTurnOvrS,EarnS,sEarnS,EarnHirAS,"
                                "sEarnHirAS&for=county:*&in=state:06&year=2019&quarter=1,2,3,4")
    for part in ("&sex=0&sex=1&sex=2&agegrp=A00", "&agegrp=A08", "&industry=31-33",
                 "&ownercode=A05", "&seasonadj=U"):
        assert part in first.url
    rh = next(f for f in files if "/rh/" in f.dest.as_posix())
    assert "race=A7" in rh.url and "ethnicity=A2" in rh.url
    assert all(f.params == {"key": "test-key-123"} for f in files)
    assert "test-key-123" not in first.public_url


def test_labels():
    assert qwi.label("agegrp", "A04") == "25-34"
    assert qwi.label("education", "E4") == "Bachelor's degree or advanced degree"
