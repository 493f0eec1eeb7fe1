"""CEJST 1.0: the official communities list and the pipeline score file; mirrors. Real data:
483 of the eight counties' 760 tracts are disadvantaged, 06019001100 among them
(PROVENANCE.md).
"""

from __future__ import annotations

import pandas as pd
import pytest
import responses
from typer.testing import CliRunner

from assessment import download
from assessment.cli import app
from assessment.errors import DownloadError, InputError
from assessment.sources import calenviroscreen as ces
from assessment.sources import cejst

SJV = ["06019", "06029", "06031", "06039", "06047", "06077", "06099", "06107"]


# --- CEJST -------------------------------------------------------------------------------------


def test_cejst_pipeline_layout(fixtures, region):
    t = cejst.read(fixtures / "dac" / "v1.0-score-results-usa.csv").set_index("tract")
    assert t.at["06019000100", "cejst_dac"] and not t.at["06019000200", "cejst_dac"]
    assert pd.isna(t.at["06019000400", "population"])
    assert (t["layout"] == "pipeline_scores").all()
    assert len(cejst.read(fixtures / "dac" / "v1.0-score-results-usa.csv", region)) == 5


def test_cejst_official_communities_list(fixtures):
    t = cejst.read(fixtures / "dac" / "1.0-communities.csv").set_index("tract")
    # "Identified as disadvantaged" counts neighbours: 000500 is in through adjacency alone
    assert t["cejst_dac"].to_dict() == {"06019000100": True, "06019000200": False,
                                        "06019000500": True}
    assert t.at["06019000200", "population"] == 4000
    assert (t["layout"] == "communities_list").all()


def test_cejst_bad_flag_named(tmp_path):
    p = tmp_path / "v1.0-score-results-usa.csv"
    p.write_text('GEOID10_TRACT,"Definition N community, including adjacency index tracts"\n'
                 "06019000100,maybe\n")
    with pytest.raises(InputError, match=r"row 2, column 'Definition N community"):
        cejst.read(p)


def test_cejst_mirror_is_named_in_region_and_manifest(region, dirs):
    (rf,) = cejst.remote_files(region, dirs)
    name = region.screening.cejst_mirror
    assert rf.url == cejst.MIRRORS[name].url
    assert f"mirror: {name}" in rf.source
    other = region.model_copy(update={"screening": region.screening.model_copy(
        update={"cejst_mirror": "ucsb-gitea"})})
    (rf2,) = cejst.remote_files(other, dirs)
    assert rf2.dest.name == "v1.0-score-results-usa.csv" and "git.lsit.ucsb.edu" in rf2.url


def test_cejst_unknown_mirror(region, dirs):
    bad = region.model_copy(update={"screening": region.screening.model_copy(
        update={"cejst_mirror": "nowhere"})})
    with pytest.raises(KeyError, match="known mirrors"):
        cejst.remote_files(bad, dirs)


@responses.activate
def test_cejst_download_records_mirror(region, dirs, fast_http, fixtures):
    (rf,) = cejst.remote_files(region, dirs)
    body = (fixtures / "dac" / "1.0-communities.csv").read_bytes()
    responses.get(rf.url, status=503)
    responses.get(rf.url, body=body, content_type="text/csv")
    download.fetch([rf])
    entry = download.read_manifest(rf.dest.parent)[rf.dest.name]
    assert entry["source"] == "CEJST 1.0 (mirror: wayback)"
    assert entry["url"].startswith("https://web.archive.org/")
    assert cejst.read(rf.dest)["cejst_dac"].sum() == 2


@responses.activate
def test_cejst_download_refuses_html_page(region, dirs, fast_http):
    (rf,) = cejst.remote_files(region, dirs)
    responses.get(rf.url, body="<html><body>Wayback Machine has not archived that URL."
                               "</body></html>", content_type="text/html")
    with pytest.raises(DownloadError):
        download.fetch([rf])
    assert not rf.dest.exists()


@responses.activate
def test_ces_download_rejects_wrong_body(region, dirs, fast_http):
    rf = ces.results_file(region, dirs)
    responses.get(rf.url, body=b"PK\x03\x04not really a zip", content_type="application/zip")
    with pytest.raises(DownloadError, match="not a valid"):
        download.fetch([rf])
    assert not rf.dest.exists()


@pytest.mark.realdata
def test_real_cejst_counts(realdata):
    t = cejst.read(realdata / "dac" / "v1.0-score-results-usa.csv")
    assert len(t) == 74134
    sjv = t[t["county_fips"].isin(SJV)]
    assert len(sjv) == 760
    assert int(sjv["cejst_dac"].sum()) == 483
    assert bool(t.set_index("tract").at["06019001100", "cejst_dac"])


@pytest.mark.realdata
def test_real_cejst_read_command(realdata, tmp_path):
    out = tmp_path / "cejst.csv"
    res = CliRunner().invoke(app, ["read", "cejst", str(
        realdata / "dac" / "v1.0-score-results-usa.csv"), "-o", str(out), "--region",
        "config/regions/san-joaquin-valley.yml"])
    assert res.exit_code == 0, res.output
    t = pd.read_csv(out, dtype={"tract": str, "county_fips": str})
    assert len(t) == 760 and int(t["cejst_dac"].sum()) == 483


