"""The partnership's registered apprenticeship table: codebook-driven validation of a hand-made
file (tests/fixtures/apprenticeship), every failure named by row, column and rule."""

from __future__ import annotations

import pytest

from assessment.errors import InputError
from assessment.sources import apprenticeship


@pytest.fixture
def table(fixtures):
    return fixtures / "apprenticeship" / "registered_programs.csv"


def test_reads_the_codebook_columns(table, region):
    df = apprenticeship.read(table, region)
    assert list(df.columns) == apprenticeship.codebook().names
    assert df.loc[3, "active_apprentices"] == 1020  # "1,020"
    assert df["completers"].sum() == 6 + 8 + 52
    assert df.loc[3, "registration"] == ""


def _write(tmp_path, table, old, new):
    path = tmp_path / "t.csv"
    path.write_text(table.read_text().replace(old, new, 1))
    return path


@pytest.mark.parametrize(("old", "new", "expected"), [
    (",49-9041,", ",49-9999,", "row 2, column 'soc'"),
    (",06019,2024,24,6,", ",06001,2024,24,6,", "row 2, column 'county_fips'"),
    (",24,6,", ",24,30,", "row 2, column .completers.: completers in a year cannot outnumber"),
    (",24,6,", ",24,six,", "row 2, column 'completers': a whole number is required"),
    (",24,6,", ",-1,-2,", "row 2, column .active_apprentices."),
])
def test_rule_failures_name_row_column_and_rule(tmp_path, table, region, old, new, expected):
    with pytest.raises(InputError, match=expected):
        apprenticeship.read(_write(tmp_path, table, old, new), region)


def test_duplicate_program_year_is_refused(tmp_path, table, region):
    path = tmp_path / "t.csv"
    lines = table.read_text().splitlines()
    path.write_text("\n".join([*lines, lines[1]]) + "\n")
    with pytest.raises(InputError):
        apprenticeship.read(path, region)


def test_unknown_column_is_refused(tmp_path, table):
    path = _write(tmp_path, table, ",source\n", ",source,apprentice_names\n")
    with pytest.raises(InputError, match="column not in the codebook"):
        apprenticeship.read(path)


def test_optional_table(region, dirs, table):
    assert apprenticeship.remote_files(region, dirs) == []
    assert apprenticeship.process(region, dirs) == {}
    dest = apprenticeship.path(dirs)
    dest.parent.mkdir(parents=True)
    dest.write_bytes(table.read_bytes())
    out = apprenticeship.process(region, dirs)[apprenticeship.TABLE]
    assert len(out) == 3
