"""O*NET: the text files (tests/fixtures/onet, written in O*NET's tab-separated layout), the
Excel form (real file in ../shared/realdata), remote files, mocked downloads, the sample."""

from __future__ import annotations

import pandas as pd
import pytest
import responses

from assessment import download, paths
from assessment.errors import DownloadError, InputError
from assessment.sample import onet as sample_onet
from assessment.sample.universe import Universe
from assessment.sources import onet


@pytest.fixture
def odir(fixtures):
    return fixtures / "onet"


def _variant(tmp_path, source, old, new, name="Skills.txt"):
    text = source.read_text(encoding="utf-8")
    assert old in text
    path = tmp_path / name
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return path


def test_occupation_data(odir):
    df = onet.read(odir / "Occupation Data.txt")
    assert list(df.columns) == onet.OCCUPATION_COLUMNS
    assert list(df.index) == [2, 3, 4]
    assert df.onet_soc.tolist() == ["11-1011.00", "11-1011.03", "51-4041.00"]
    assert df.soc.tolist() == ["11-1011", "11-1011", "51-4041"]  # .03 belongs to 11-1011
    assert df.loc[4, "title"] == "Machinists"


def test_skills_ratings_keep_onet_flags(odir):
    df = onet.read(odir / "Skills.txt")
    assert list(df.columns) == onet.RATING_COLUMNS
    assert set(df.domain) == {"Skills"}
    row = df.loc[5]  # Machinists, Operation and Control, LV
    assert (row.onet_soc, row.soc, row.element_id, row.element, row.scale) == (
        "51-4041.00", "51-4041", "2.B.3.h", "Operation and Control", "LV")
    assert (row["value"], row.n, row.standard_error) == (4.50, 8, 0.189)
    assert row.recommend_suppress == False  # noqa: E712 - a nullable boolean, not None
    im = df.loc[2]
    assert pd.isna(im.not_relevant)  # "n/a" on importance rows
    assert df.loc[6, "recommend_suppress"] == True  # noqa: E712 - Y = low precision, kept
    assert df.loc[7, "not_relevant"] == True  # noqa: E712
    assert df.loc[7, "value"] == 0.0
    assert pd.isna(row.title)  # titles come from Occupation Data, joined by process()


def test_bad_flag_is_refused(tmp_path, odir):
    path = _variant(tmp_path, odir / "Skills.txt", "\tY\tn/a\t", "\tyes\tn/a\t")
    with pytest.raises(InputError) as err:
        onet.read(path)
    (p,) = err.value.problems
    assert (p.row, p.column, p.value) == (6, "Recommend Suppress", "yes")


def test_rating_outside_its_scale_is_refused(tmp_path, odir):
    path = _variant(tmp_path, odir / "Skills.txt", "IM\t4.12", "IM\t5.12")  # IM runs 1-5
    with pytest.raises(InputError) as err:
        onet.read(path)
    (p,) = err.value.problems
    assert p.row == 4 and "IM must be 1-5" in p.rule


def test_bad_number_is_refused(tmp_path, odir):
    path = _variant(tmp_path, odir / "Skills.txt", "\t8\t0.1250\t2.6300", "\tabc\t0.1250\t2.6300")
    with pytest.raises(InputError) as err:
        onet.read(path)
    assert [(p.row, p.column, p.rule) for p in err.value.problems] == [(3, "N", "not a number")]


def test_missing_columns_are_named(tmp_path):
    path = tmp_path / "Skills.txt"
    path.write_text("O*NET-SOC Code\tElement ID\tElement Name\n51-4041.00\t2.A.1.a\tReading\n")
    with pytest.raises(InputError) as err:
        onet.read(path)
    (p,) = err.value.problems
    assert "Scale ID" in p.column and "Data Value" in p.column


def test_bad_onet_soc_code_is_refused(tmp_path, odir):
    path = _variant(tmp_path, odir / "Occupation Data.txt", "51-4041.00", "51-4041",
                    "Occupation Data.txt")
    with pytest.raises(InputError) as err:
        onet.read(path)
    assert err.value.problems[0].row == 4


@pytest.mark.realdata
def test_real_occupation_data_workbook(realdata):
    df = onet.read(realdata / "crosswalks" / "onet_Occupation_Data.xlsx")
    assert len(df) == 1016  # PROVENANCE: 1,016 occupations
    machinists = df[df.onet_soc == "51-4041.00"].iloc[0]
    assert machinists.title == "Machinists" and machinists.soc == "51-4041"


def test_remote_files(region, dirs):
    files = onet.remote_files(region, dirs)
    assert [rf.url for rf in files] == [
        "https://www.onetcenter.org/dl_files/database/db_30_1_text/Occupation%20Data.txt",
        "https://www.onetcenter.org/dl_files/database/db_30_1_text/Skills.txt",
        "https://www.onetcenter.org/dl_files/database/db_30_1_text/Knowledge.txt"]
    assert files[0].dest == dirs.raw / "onet" / "db_30_1_text" / "Occupation Data.txt"


@responses.activate
def test_download_of_a_text_file(odir, region, dirs, fast_http):
    rf = onet.remote_files(region, dirs)[1]
    body = (odir / "Skills.txt").read_bytes()
    responses.get(rf.url, body=body, content_type="text/plain")
    download.fetch([rf])
    assert rf.dest.read_bytes() == body


@responses.activate
def test_download_of_a_page_that_is_not_the_file(region, dirs, fast_http):
    rf = onet.remote_files(region, dirs)[1]
    responses.get(rf.url, body=b"Database release not found\n", content_type="text/plain")
    with pytest.raises(DownloadError, match="not a valid O\\*NET file"):
        download.fetch([rf])
    assert not rf.dest.exists()


@pytest.fixture(scope="module")
def sample(tmp_path_factory):
    from assessment.region import load_region

    region = load_region()
    root = tmp_path_factory.mktemp("onet_sample")
    dirs = paths.DataDirs(paths.Mode.SAMPLE, root / "raw", root / "processed")
    written = sample_onet.build(region, dirs, Universe(region))
    return region, dirs, written, onet.process(region, dirs)


def test_sample_processes_with_titles(sample):
    region, dirs, written, tables = sample
    assert written == [rf.dest for rf in onet.remote_files(region, dirs)]
    ratings = tables["onet_ratings"]
    assert set(ratings.domain) == {"Skills", "Knowledge"}
    assert ratings.title.notna().all()
    assert set(ratings.onet_soc) == set(tables["onet_occupations"].onet_soc)
    machinists = ratings[(ratings.soc == "51-4041") & (ratings.scale == "IM")]
    by_element = machinists.set_index("element")["value"]
    # production work leans on operation and control more than on administration
    assert by_element["Operation and Control"] > by_element["Critical Thinking"]
    assert ratings.recommend_suppress.any() and ratings.not_relevant.any()
