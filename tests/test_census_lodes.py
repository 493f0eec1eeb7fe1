"""LODES 8 WAC: parser, identities, tract and county sums, file list.

``tests/fixtures/lodes/ca_wac_S000_JT00_2021.csv`` is a hand-made file in the WAC layout
(uncompressed here for review; the tests gzip it as the agency serves it). Its four blocks:

    block             tract        C000  CNS05
    060190001001000   06019000100    50     30
    060190001001001   06019000100    20      0
    060290010002000   06029001000   100     60
    060371234001000   06037123400    10      1    (Los Angeles, outside the region)
"""

from __future__ import annotations

import gzip

import pytest

from assessment.errors import InputError
from assessment.region import Region
from assessment.sources import lodes

NAME = "ca_wac_S000_JT00_2021.csv"


@pytest.fixture
def plain(fixtures):
    return fixtures / "lodes" / NAME


@pytest.fixture
def gz(plain, tmp_path):
    path = tmp_path / f"{NAME}.gz"
    path.write_bytes(gzip.compress(plain.read_bytes()))
    return path


def test_reads_gzip_and_plain_alike(plain, gz):
    a, b = lodes.read(plain), lodes.read(gz)
    assert a.equals(b)
    assert list(a.columns) == lodes.TIDY_COLUMNS
    first = a.iloc[0]
    assert (first.block, first.tract, first.county) == ("060190001001000", "06019000100",
                                                        "06019")
    assert (first.year, first.all_jobs, first.manufacturing_jobs) == (2021, 50, 30)
    assert first.all_jobs_age_55_plus == 10 and first.all_jobs_hispanic == 30
    assert first.all_jobs_age30plus_bachelors_or_higher == 8
    assert first.createdate == "20230321"


def test_region_keeps_its_counties(gz, region):
    assert set(lodes.read(gz, region)["county"]) == {"06019", "06029"}


def test_tract_and_county_sums(gz, region):
    blocks = lodes.read(gz, region)
    tracts = lodes.summarise(blocks, "tract").set_index("tract")
    assert tracts.loc["06019000100", "all_jobs"] == 70  # 50 + 20
    assert tracts.loc["06019000100", "manufacturing_jobs"] == 30  # 30 + 0
    assert tracts.loc["06019000100", "blocks_with_jobs"] == 2
    assert tracts.loc["06019000100", "manufacturing_share"] == pytest.approx(30 / 70)
    assert tracts.loc["06019000100", "all_jobs_male"] == 41  # 30 + 11
    counties = lodes.summarise(blocks, "county").set_index("county")
    assert counties.loc["06029", "manufacturing_jobs"] == 60
    assert counties.loc["06029", "manufacturing_share"] == pytest.approx(0.6)


def _edit(plain, tmp_path, line: int, column: str, value: str):
    lines = plain.read_text().splitlines()
    header = lines[0].split(",")
    cells = lines[line - 1].split(",")
    cells[header.index(column)] = value
    lines[line - 1] = ",".join(cells)
    path = tmp_path / NAME
    path.write_text("\n".join(lines) + "\n")
    return path


def test_categories_must_sum_to_all_jobs(plain, tmp_path):
    with pytest.raises(InputError) as err:
        lodes.read(_edit(plain, tmp_path, 3, "CS02", "10"))  # 11 + 10 != 20
    (problem,) = err.value.problems
    assert problem.row == 3 and problem.column == "CS01, CS02"
    assert "sex categories do not sum to C000" in problem.rule


def test_education_must_sum_to_workers_30_and_over(plain, tmp_path):
    with pytest.raises(InputError) as err:
        lodes.read(_edit(plain, tmp_path, 2, "CD04", "9"))
    assert "education categories" in str(err.value)


def test_counts_must_be_whole_numbers(plain, tmp_path):
    with pytest.raises(InputError) as err:
        lodes.read(_edit(plain, tmp_path, 4, "CNS05", "6O"))
    problem = err.value.problems[0]
    assert (problem.row, problem.column, problem.value) == (4, "CNS05", "6O")


def test_missing_column_and_broken_gzip(plain, tmp_path):
    text = plain.read_text().replace(",createdate", "").replace(",20230321", "")
    (tmp_path / "a").mkdir()
    short = tmp_path / "a" / NAME
    short.write_text(text)
    with pytest.raises(InputError, match="createdate"):
        lodes.read(short)
    broken = tmp_path / f"{NAME}.gz"
    broken.write_bytes(gzip.compress(plain.read_bytes())[:60])
    with pytest.raises(InputError, match="not a readable gzip file"):
        lodes.read(broken)


def test_remote_files(region, dirs):
    files = lodes.remote_files(region, dirs)
    assert [f.dest.name for f in files] == [f"ca_wac_S000_JT00_{y}.csv.gz"
                                            for y in (2019, 2020, 2021, 2022)] + [
        "ca_rac_S000_JT00_2022.csv.gz"]
    assert files[0].url == ("https://lehd.ces.census.gov/data/lodes/LODES8/ca/wac/"
                            "ca_wac_S000_JT00_2019.csv.gz")
    assert files[0].dest == dirs.raw / "census/lodes/LODES8/ca/wac/ca_wac_S000_JT00_2019.csv.gz"
    assert not files[0].params  # no key for LEHD's file server


def test_years_after_the_latest_release_fall_back_to_it(region):
    later = Region.model_validate({**region.model_dump(),
                                   "years": {**region.years.model_dump(), "start": 2023,
                                             "end": 2025}})
    assert lodes.years(later) == [lodes.LATEST_YEAR]
