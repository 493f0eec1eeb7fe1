"""Downloads of every Census file kind, with HTTP mocked at the transport (``responses``).

Each case serves a real-format body (the hand-made fixtures) or a failure the servers really
produce: 429 with ``Retry-After``, 5xx, an HTML page with status 200, the API's redirect to its
key page when the key is refused, an empty body, an API error message instead of data.
"""

from __future__ import annotations

import gzip
import json
from dataclasses import dataclass

import geopandas as gpd
import pytest
import responses
from shapely.geometry import box

from assessment import download
from assessment.errors import DownloadError
from assessment.sample.tracts import write_zipped_shapefile
from assessment.sources import acs, geo, lodes, qwi

KEY = "test-key-123"
KEY_PAGE = "https://api.census.gov/data/invalid_key.html"
HTML = (b"<!DOCTYPE html><html><head><title>Invalid Key</title></head><body>A valid <em>key"
        b"</em> must be included with each data API request.</body></html>")


@dataclass
class Case:
    rf: download.RemoteFile
    body: bytes
    content_type: str
    api: bool  # a Census Data API call (carries the key)


def _tract_zip_bytes(tmp_path) -> bytes:
    gdf = gpd.GeoDataFrame({"GEOID": ["06019000100"], "NAME": ["1"]},
                           geometry=[box(0, 0, 1, 1)], crs=geo.NAD83)
    path = tmp_path / "body" / "cb_2023_06_tract_500k.zip"
    write_zipped_shapefile(gdf, path)
    return path.read_bytes()


@pytest.fixture(params=["acs_data", "acs_groups", "qwi", "lodes", "tracts"])
def case(request, region, dirs, fixtures, tmp_path, monkeypatch, fast_http) -> Case:
    monkeypatch.setenv("CENSUS_API_KEY", KEY)
    json_type = "application/json;charset=utf-8"
    if request.param == "acs_data":
        rf = next(f for f in acs.remote_files(region, dirs) if f.dest.name == "county_06.json")
        return Case(rf, (fixtures / "acs/2023/acs5/B23025/county_06.json").read_bytes(),
                    json_type, True)
    if request.param == "acs_groups":
        rf = next(f for f in acs.remote_files(region, dirs) if f.dest.parent.name == "groups")
        return Case(rf, (fixtures / "acs/2023/acs5/groups/B23025.json").read_bytes(),
                    json_type, True)
    if request.param == "qwi":
        # the fixture is the 2023 answer: the file asking for that year
        rf = next(f for f in qwi.remote_files(region, dirs)
                  if f.dest.parts[-3:-1] == ("sa", "2023"))
        return Case(rf,
                    (fixtures / "qwi/sa_county_06_31-33_A05.json").read_bytes(), json_type, True)
    if request.param == "lodes":
        body = gzip.compress((fixtures / "lodes/ca_wac_S000_JT00_2021.csv").read_bytes())
        return Case(lodes.remote_files(region, dirs)[0], body, "application/x-gzip", False)
    return Case(geo.tract_file(region, dirs), _tract_zip_bytes(tmp_path), "application/zip",
                False)


def _endpoint(rf: download.RemoteFile) -> str:
    return rf.url.split("?")[0]


def _fetch(case: Case):
    return download.fetch([case.rf])


@responses.activate
def test_success_saves_the_body_and_a_redacted_manifest(case):
    responses.add(responses.GET, _endpoint(case.rf), body=case.body,
                  content_type=case.content_type)
    _fetch(case)
    assert case.rf.dest.read_bytes() == case.body
    entry = download.read_manifest(case.rf.dest.parent)[case.rf.dest.name]
    assert entry["origin"] == "download" and entry["bytes"] == len(case.body)
    assert KEY not in json.dumps(entry)
    sent = responses.calls[0].request.url
    if case.api:
        assert f"key={KEY}" in sent  # the key travels with every API call...
        assert "key=REDACTED" in entry["url"]  # ...and is never recorded
        assert "get=NAME,group(" in sent or "timeseries/qwi" in sent or "/groups/" in sent
    assert "sjv-needs-assessment" in responses.calls[0].request.headers["User-Agent"]


@responses.activate
def test_429_with_retry_after_then_success(case):
    url = _endpoint(case.rf)
    responses.add(responses.GET, url, status=429, headers={"Retry-After": "1"})
    responses.add(responses.GET, url, body=case.body, content_type=case.content_type)
    _fetch(case)
    assert len(responses.calls) == 2
    assert case.rf.dest.read_bytes() == case.body


@responses.activate
def test_persistent_500_gives_up_and_leaves_no_file(case):
    responses.add(responses.GET, _endpoint(case.rf), status=500, body="Internal Server Error")
    with pytest.raises(DownloadError, match="HTTP 500 after 3 attempts") as err:
        _fetch(case)
    assert KEY not in str(err.value)
    assert len(responses.calls) == 3
    assert not case.rf.dest.exists()
    assert not list(case.rf.dest.parent.glob("*.part"))


@responses.activate
def test_html_page_with_status_200_is_refused(case):
    responses.add(responses.GET, _endpoint(case.rf), body=HTML, content_type="text/html")
    with pytest.raises(DownloadError, match="returned an HTML page with status 200") as err:
        _fetch(case)
    assert KEY not in str(err.value)
    assert not case.rf.dest.exists()


@responses.activate
def test_redirect_to_the_key_page_is_refused_with_what_to_do(case):
    responses.add(responses.GET, _endpoint(case.rf), status=302, headers={"Location": KEY_PAGE})
    responses.add(responses.GET, KEY_PAGE, body=HTML, content_type="text/html")
    with pytest.raises(DownloadError) as err:
        _fetch(case)
    message = str(err.value)
    assert "redirected to https://api.census.gov/data/invalid_key.html" in message
    assert "set CENSUS_API_KEY to a valid key" in message
    assert KEY not in message
    assert not case.rf.dest.exists()


@responses.activate
def test_empty_body_is_refused(case):
    responses.add(responses.GET, _endpoint(case.rf), body=b"", content_type=case.content_type)
    with pytest.raises(DownloadError, match="returned an empty body"):
        _fetch(case)
    assert not case.rf.dest.exists()


@responses.activate
def test_a_body_that_is_not_the_agency_format_is_refused(case):
    # What the Census API sends for a bad query with status 200 on some endpoints: plain text.
    responses.add(responses.GET, _endpoint(case.rf), body=b"error: unknown variable 'Emp2'",
                  content_type="text/plain")
    # Zip files are refused on their first bytes, the others by their parser.
    with pytest.raises(DownloadError, match="did not return a zip file|downloaded but is not a"
                                            " valid") as err:
        _fetch(case)
    assert KEY not in str(err.value)
    assert not case.rf.dest.exists()


@responses.activate
def test_api_error_status_is_reported(case):
    responses.add(responses.GET, _endpoint(case.rf), status=400,
                  body=b"error: unknown/unsupported geography hierarchy")
    with pytest.raises(DownloadError, match="HTTP 400") as err:
        _fetch(case)
    assert KEY not in str(err.value)
