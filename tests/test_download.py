"""The download layer against mocked HTTP (``responses``): real-format bodies, every failure the
agencies' servers produce, the cache and manifest, secrets, politeness.

Bodies are QCEW open-data CSV (tests/fixtures/qcew/annual_area.csv) or Census API JSON.
Checksums are recomputed here with hashlib; waits are observed by replacing ``time.sleep``.
"""

from __future__ import annotations

import hashlib
import json
import logging
import time
from datetime import datetime
from types import SimpleNamespace

import pytest
import requests
import responses

from assessment import download
from assessment.errors import DownloadError, MissingDataError
from assessment.sources import qcew

QCEW_URL = "https://data.bls.gov/cew/data/api/2023/a/area/06019.csv"
CENSUS_URL = "https://api.census.gov/data/2023/acs/acs5"
CENSUS_KEY = "k3y-0123456789abcdef"
CENSUS_BODY = (b'[["NAME","B01001_001E","state","county"],\n'
               b'["Fresno County, California","1008654","06","019"]]')
HTML_PAGE = (b"<!DOCTYPE html>\n<html><head><title>Access Denied</title></head>"
             b"<body>You don't have permission to access this resource.</body></html>\n")


@pytest.fixture
def mocked():
    with responses.RequestsMock(assert_all_requests_are_fired=False) as rsps:
        yield rsps


@pytest.fixture
def body(fixtures) -> bytes:
    return (fixtures / "qcew" / "annual_area.csv").read_bytes()


@pytest.fixture
def sleeps(monkeypatch) -> list[float]:
    """Every wait asked of time.sleep (retry backoff, Retry-After, host pause), not slept."""
    calls: list[float] = []
    monkeypatch.setattr(time, "sleep", calls.append)
    return calls


def qcew_file(dirs, url: str = QCEW_URL, validate=qcew.read) -> download.RemoteFile:
    rel = url.removeprefix("https://data.bls.gov/cew/data/api/")
    return download.RemoteFile(url=url, dest=dirs.raw / "bls" / "qcew" / rel, source="BLS QCEW",
                               vintage="2023 annual averages", validate=validate)


def census_file(dirs) -> download.RemoteFile:
    return download.RemoteFile(
        url=CENSUS_URL, dest=dirs.raw / "census" / "acs" / "2023" / "acs5-county.json",
        source="Census ACS", vintage="2019-2023 ACS 5-year", kind="json",
        params={"get": "NAME,B01001_001E", "for": "county:019", "in": "state:06",
                "key": CENSUS_KEY})


def leftovers(rf: download.RemoteFile) -> list[str]:
    """Everything in the destination folder: no staging folders, no .part files."""
    folder = rf.dest.parent
    return sorted(p.name for p in folder.iterdir()) if folder.exists() else []


# --- success --------------------------------------------------------------------------------------


def test_success_writes_the_file_and_a_manifest_entry(fast_http, dirs, mocked, body):
    mocked.get(QCEW_URL, body=body, content_type="text/csv")
    rf = qcew_file(dirs)
    planned = download.fetch([rf])
    assert [p.status for p in planned] == ["missing"]
    assert rf.dest.read_bytes() == body
    entry = download.read_manifest(rf.dest.parent)["06019.csv"]
    assert entry["url"] == QCEW_URL
    assert entry["source"] == "BLS QCEW"
    assert entry["vintage"] == "2023 annual averages"
    assert entry["origin"] == "download"
    assert entry["bytes"] == len(body)
    assert entry["sha256"] == hashlib.sha256(body).hexdigest()
    retrieved = datetime.fromisoformat(entry["retrieved"])
    assert retrieved.tzinfo is not None
    assert leftovers(rf) == ["06019.csv", "manifest.json"]
    assert download.is_cached(rf)


def test_timeouts_are_set_on_every_call(fast_http, dirs, mocked, body):
    mocked.get(QCEW_URL, body=body)
    download.fetch([qcew_file(dirs)])
    assert mocked.calls[0].request.req_kwargs["timeout"] == fast_http.timeout


def test_the_manifest_lists_every_file_of_its_folder(fast_http, dirs, mocked, body):
    other = QCEW_URL.replace("06019", "06029")
    mocked.get(QCEW_URL, body=body)
    mocked.get(other, body=body.replace(b'"06019"', b'"06029"'))
    download.fetch([qcew_file(dirs), qcew_file(dirs, other)])
    rows = download.all_manifests(dirs.raw)
    assert [r["path"] for r in rows] == ["bls/qcew/2023/a/area/06019.csv",
                                         "bls/qcew/2023/a/area/06029.csv"]
    assert [r["url"] for r in rows] == [QCEW_URL, other]


# --- retries --------------------------------------------------------------------------------------


def test_429_waits_as_long_as_retry_after_says(fast_http, dirs, mocked, body, sleeps,
                                               monkeypatch):
    monkeypatch.setattr(download, "POLICY", download.Policy(
        attempts=3, timeout=(1, 1), backoff=1.0, max_wait=60.0, pause=0.0))
    mocked.get(QCEW_URL, status=429, headers={"Retry-After": "7"})
    mocked.get(QCEW_URL, body=body)
    rf = qcew_file(dirs)
    download.fetch([rf])
    assert len(mocked.calls) == 2
    assert sleeps == [7.0]  # Retry-After, not the 1-second backoff
    assert rf.dest.read_bytes() == body


def test_retry_after_is_capped_and_backoff_doubles(fast_http, dirs, mocked, body, sleeps,
                                                   monkeypatch):
    monkeypatch.setattr(download, "POLICY", download.Policy(
        attempts=4, timeout=(1, 1), backoff=1.5, max_wait=30.0, pause=0.0))
    mocked.get(QCEW_URL, status=503)
    mocked.get(QCEW_URL, status=503)
    mocked.get(QCEW_URL, status=429, headers={"Retry-After": "3600"})
    mocked.get(QCEW_URL, body=body)
    download.fetch([qcew_file(dirs)])
    assert sleeps == [1.5, 3.0, 30.0]  # 1.5 * 2**0, 1.5 * 2**1, then Retry-After capped


def test_retry_after_as_an_http_date_in_the_past_means_no_wait():
    resp = requests.Response()
    resp.headers["Retry-After"] = "Wed, 21 Oct 2015 07:28:00 GMT"
    assert download._retry_after(resp) < 0
    state = SimpleNamespace(attempt_number=1, outcome=SimpleNamespace(
        exception=lambda: download._Retryable("busy", download._retry_after(resp))))
    assert download._wait(state) == 0.0


@pytest.mark.parametrize("statuses", [[500, 503, 503], [503, 502, 500]])
def test_server_errors_are_retried_then_give_up_leaving_nothing(fast_http, dirs, mocked,
                                                                 statuses):
    for status in statuses:
        mocked.get(QCEW_URL, status=status)
    rf = qcew_file(dirs)
    with pytest.raises(DownloadError) as exc:
        download.fetch([rf])
    message = str(exc.value)
    assert f"HTTP {statuses[-1]}" in message
    assert "after 3 attempts" in message
    assert str(rf.dest) in message  # where to put a copy downloaded by hand
    assert len(mocked.calls) == 3
    assert not rf.dest.exists()
    assert leftovers(rf) == []
    assert download.read_manifest(rf.dest.parent) == {}


def test_a_server_error_then_success(fast_http, dirs, mocked, body):
    mocked.get(QCEW_URL, status=503)
    mocked.get(QCEW_URL, body=body)
    rf = qcew_file(dirs)
    download.fetch([rf])
    assert len(mocked.calls) == 2
    assert rf.dest.read_bytes() == body


def test_timeouts_are_retried(fast_http, dirs, mocked, body):
    mocked.get(QCEW_URL, body=requests.exceptions.ConnectTimeout("connect timed out"))
    mocked.get(QCEW_URL, body=requests.exceptions.ReadTimeout("read timed out"))
    mocked.get(QCEW_URL, body=body)
    rf = qcew_file(dirs)
    download.fetch([rf])
    assert len(mocked.calls) == 3
    assert rf.dest.read_bytes() == body


def test_timeouts_every_time_give_up(fast_http, dirs, mocked):
    for _ in range(3):
        mocked.get(QCEW_URL, body=requests.exceptions.ReadTimeout("read timed out"))
    rf = qcew_file(dirs)
    with pytest.raises(DownloadError, match="ReadTimeout after 3 attempts"):
        download.fetch([rf])
    assert leftovers(rf) == []


def test_a_missing_file_is_not_retried(fast_http, dirs, mocked):
    mocked.get(QCEW_URL, status=404, body=b"Not Found")
    rf = qcew_file(dirs)
    with pytest.raises(DownloadError, match="HTTP 404") as exc:
        download.fetch([rf])
    assert "Check the year and area exist" in str(exc.value)
    assert len(mocked.calls) == 1
    assert leftovers(rf) == []


# --- bodies that are not data ---------------------------------------------------------------------


@pytest.mark.parametrize("content_type", ["text/html; charset=UTF-8", "text/csv"])
def test_html_page_with_status_200_is_refused(fast_http, dirs, mocked, content_type):
    mocked.get(QCEW_URL, body=HTML_PAGE, content_type=content_type)
    rf = qcew_file(dirs)
    with pytest.raises(DownloadError, match="returned an HTML page with status 200"):
        download.fetch([rf])
    assert len(mocked.calls) == 1
    assert leftovers(rf) == []


def test_html_page_behind_a_byte_order_mark_is_refused(fast_http, dirs, mocked):
    mocked.get(QCEW_URL, body=b"\xef\xbb\xbf" + HTML_PAGE, content_type="application/octet-stream")
    with pytest.raises(DownloadError, match="HTML page"):
        download.fetch([qcew_file(dirs, validate=None)])


def test_redirect_to_the_census_key_page_is_refused(fast_http, dirs, mocked):
    mocked.get(CENSUS_URL, status=302,
               headers={"Location": "https://api.census.gov/data/invalid_key.html"})
    mocked.get("https://api.census.gov/data/invalid_key.html", body=HTML_PAGE,
               content_type="text/html")
    rf = census_file(dirs)
    with pytest.raises(DownloadError) as exc:
        download.fetch([rf])
    message = str(exc.value)
    assert "redirected to https://api.census.gov/data/invalid_key.html" in message
    assert "CENSUS_API_KEY" in message
    assert CENSUS_KEY not in message
    assert leftovers(rf) == []


def test_empty_body_is_refused(fast_http, dirs, mocked):
    mocked.get(QCEW_URL, body=b"")
    rf = qcew_file(dirs)
    with pytest.raises(DownloadError, match="returned an empty body"):
        download.fetch([rf])
    assert leftovers(rf) == []


def test_truncated_body_is_refused(fast_http, dirs, mocked, body):
    for _ in range(3):
        mocked.get(QCEW_URL, body=body[:300], headers={"Content-Length": str(len(body))},
                   auto_calculate_content_length=False)
    rf = qcew_file(dirs)
    with pytest.raises(DownloadError) as exc:
        download.fetch([rf])
    assert f"body cut off before all {len(body)} bytes arrived" in str(exc.value)
    assert "after 3 attempts" in str(exc.value)  # a cut transfer is worth retrying
    assert len(mocked.calls) == 3
    assert leftovers(rf) == []


def test_binary_kinds_must_start_like_their_format(fast_http, dirs, mocked, body):
    url = "https://www2.census.gov/geo/tiger/GENZ2023/shp/cb_2023_us_county_500k.zip"
    mocked.get(url, body=body)  # a CSV where a zip should be
    rf = download.RemoteFile(url=url, dest=dirs.raw / "census" / "geo" / "cb.zip",
                             source="Census", vintage="2023", kind="zip")
    with pytest.raises(DownloadError, match="did not return a zip file"):
        download.fetch([rf])


def test_body_failing_the_schema_is_refused_with_the_parsers_message(fast_http, dirs, mocked,
                                                                     body):
    bad = body.replace(b",850,27000,", b",850,27k,")  # file row 4, manufacturing employment
    mocked.get(QCEW_URL, body=bad)
    rf = qcew_file(dirs)
    with pytest.raises(DownloadError) as exc:
        download.fetch([rf])
    message = str(exc.value)
    assert "is not a valid BLS QCEW file; nothing was saved" in message
    assert f"{QCEW_URL}, row 4, column 'annual_avg_emplvl': not a number (value '27k')" in message
    assert download._STAGING_PREFIX not in message  # names the URL, not a temporary file
    assert leftovers(rf) == []


def test_the_validator_sees_the_file_under_its_own_name(fast_http, dirs, mocked):
    """Readers such as GDAL choose the format by extension; a ``.part`` name would fail."""
    url = "https://www2.census.gov/geo/tiger/GENZ2023/shp/cb_2023_us_county_500k.zip"
    mocked.get(url, body=b"PK\x03\x04" + b"\0" * 100)
    seen = []
    dest = dirs.raw / "census" / "geo" / "cb_2023_us_county_500k.zip"
    rf = download.RemoteFile(url=url, dest=dest, source="Census", vintage="2023", kind="zip",
                             validate=seen.append)
    download.fetch([rf])
    assert [p.name for p in seen] == ["cb_2023_us_county_500k.zip"]
    assert leftovers(rf) == ["cb_2023_us_county_500k.zip", "manifest.json"]


# --- the cache ------------------------------------------------------------------------------------


def _download_once(dirs, mocked, body) -> download.RemoteFile:
    mocked.get(QCEW_URL, body=body)
    rf = qcew_file(dirs)
    download.fetch([rf])
    mocked.reset()
    return rf


def test_cached_file_is_reused_without_any_call(fast_http, dirs, mocked, body):
    rf = _download_once(dirs, mocked, body)
    before = (rf.dest.parent / "manifest.json").read_bytes()
    planned = download.fetch([rf])  # nothing registered: any call would fail
    assert [p.status for p in planned] == ["cached"]
    assert len(mocked.calls) == 0
    assert (rf.dest.parent / "manifest.json").read_bytes() == before


def test_file_no_longer_matching_its_checksum_is_fetched_again(fast_http, dirs, mocked, body,
                                                               caplog):
    rf = _download_once(dirs, mocked, body)
    rf.dest.write_bytes(body[:200])  # damaged on disk
    assert download.plan([rf])[0].status == "stale"
    mocked.get(QCEW_URL, body=body)
    with caplog.at_level(logging.WARNING, logger="assessment.download"):
        planned = download.fetch([rf])
    assert [p.status for p in planned] == ["stale"]
    assert len(mocked.calls) == 1
    assert rf.dest.read_bytes() == body
    entry = download.read_manifest(rf.dest.parent)["06019.csv"]
    assert entry["sha256"] == hashlib.sha256(body).hexdigest()
    assert "no longer matches the checksum" in caplog.text


def test_file_placed_by_hand_is_accepted_and_recorded(fast_http, dirs, mocked, body):
    rf = qcew_file(dirs)
    rf.dest.parent.mkdir(parents=True)
    rf.dest.write_bytes(body)
    planned = download.fetch([rf])
    assert [p.status for p in planned] == ["cached"]
    assert len(mocked.calls) == 0
    entry = download.read_manifest(rf.dest.parent)["06019.csv"]
    assert entry["origin"] == "placed by hand"
    assert entry["url"] == QCEW_URL
    assert entry["bytes"] == len(body)
    assert entry["sha256"] == hashlib.sha256(body).hexdigest()
    assert download.plan([rf])[0].status == "cached"


def test_offline_names_every_missing_file_and_makes_no_call(fast_http, dirs, mocked, body):
    cached = _download_once(dirs, mocked, body)
    kern = qcew_file(dirs, QCEW_URL.replace("06019", "06029"))
    us = qcew_file(dirs, QCEW_URL.replace("06019", "US000"))
    with pytest.raises(MissingDataError) as exc:
        download.fetch([cached, kern, us], offline=True)
    assert exc.value.missing == [(kern.dest, kern.url), (us.dest, us.url)]
    message = str(exc.value)
    assert "2 raw data file(s) are missing" in message
    for rf in (kern, us):
        assert str(rf.dest) in message and rf.url in message
    assert str(cached.dest) not in message
    assert len(mocked.calls) == 0


def test_dry_run_makes_no_call_and_reports_each_status(fast_http, dirs, mocked, body):
    cached = _download_once(dirs, mocked, body)
    stale = qcew_file(dirs, QCEW_URL.replace("06019", "06029"))
    stale.dest.write_bytes(body)
    download.record(stale.dest, {"sha256": "0" * 64, "origin": "download"})
    missing = qcew_file(dirs, QCEW_URL.replace("06019", "US000"))
    hand = qcew_file(dirs, QCEW_URL.replace("06019", "06000"))
    hand.dest.write_bytes(body)
    planned = download.fetch([cached, stale, missing, hand], dry_run=True)
    assert [p.status for p in planned] == ["cached", "stale", "missing", "cached"]
    assert len(mocked.calls) == 0
    assert not missing.dest.exists()
    assert "06000.csv" not in download.read_manifest(hand.dest.parent)  # a dry run records nothing


# --- contact e-mail and secrets -------------------------------------------------------------------


def test_user_agent_carries_the_contact_email(fast_http, dirs, mocked, body):
    mocked.get(QCEW_URL, body=body)
    download.fetch([qcew_file(dirs)])
    agent = mocked.calls[0].request.headers["User-Agent"]
    assert "research@example.org" in agent
    assert agent.startswith("sjv-needs-assessment/")


@pytest.mark.parametrize("value", [None, "", "   ", "not-an-address"])
def test_fetch_refuses_to_run_without_a_contact_email(fast_http, dirs, mocked, monkeypatch,
                                                      value):
    if value is None:
        monkeypatch.delenv(download.CONTACT_ENV)
    else:
        monkeypatch.setenv(download.CONTACT_ENV, value)
    with pytest.raises(DownloadError, match=download.CONTACT_ENV):
        download.fetch([qcew_file(dirs)])
    assert len(mocked.calls) == 0


def test_no_contact_email_is_needed_when_nothing_is_downloaded(fast_http, dirs, mocked, body,
                                                               monkeypatch):
    rf = _download_once(dirs, mocked, body)
    monkeypatch.delenv(download.CONTACT_ENV)
    assert [p.status for p in download.fetch([rf])] == ["cached"]
    assert [p.status for p in download.fetch([qcew_file(dirs, QCEW_URL.replace(
        "06019", "06029"))], dry_run=True)] == ["missing"]


def test_census_key_is_sent_but_never_written_down(fast_http, dirs, mocked, caplog):
    mocked.get(CENSUS_URL, body=CENSUS_BODY, content_type="application/json")
    rf = census_file(dirs)
    with caplog.at_level(logging.DEBUG):
        download.fetch([rf])
    sent = mocked.calls[0].request.url
    assert f"key={CENSUS_KEY}" in sent  # the server gets it
    assert "for=county%3A019" in sent or "for=county:019" in sent
    manifest = (rf.dest.parent / "manifest.json").read_text()
    assert CENSUS_KEY not in manifest
    assert json.loads(manifest)[rf.dest.name]["url"] == (
        f"{CENSUS_URL}?get=NAME,B01001_001E&for=county:019&in=state:06&key=REDACTED")
    assert caplog.records  # the fetch was logged ...
    assert CENSUS_KEY not in caplog.text  # ... without the key
    assert rf.dest.read_bytes() == CENSUS_BODY


@pytest.mark.parametrize("failure", [
    {"status": 503},
    {"status": 400, "body": b"error: unknown variable"},
    {"body": requests.exceptions.ConnectTimeout("timed out")},
    {"body": HTML_PAGE, "content_type": "text/html"},
    {"body": b""},
])
def test_census_key_is_in_no_error_message_or_log(fast_http, dirs, mocked, caplog, failure):
    for _ in range(3):
        mocked.get(CENSUS_URL, **failure)
    with caplog.at_level(logging.DEBUG), pytest.raises(DownloadError) as exc:
        download.fetch([census_file(dirs)])
    assert "key=REDACTED" in str(exc.value)
    assert CENSUS_KEY not in str(exc.value)
    assert CENSUS_KEY not in caplog.text


def test_library_debug_logs_are_scrubbed_of_the_key(caplog):
    """urllib3 logs each request line with its query at DEBUG; the key is blanked there too."""
    pool = logging.getLogger("urllib3.connectionpool")
    with caplog.at_level(logging.DEBUG):
        pool.debug('%s://%s:%s "%s %s %s" %s %s', "https", "api.census.gov", 443, "GET",
                   f"/data/2023/acs/acs5?get=NAME&key={CENSUS_KEY}&for=county:*", "HTTP/1.1",
                   200, 512)
    assert CENSUS_KEY not in caplog.text
    assert "key=REDACTED&for=county:*" in caplog.text


def test_redact():
    assert download.redact(f"{CENSUS_URL}?get=NAME&key={CENSUS_KEY}") == (
        f"{CENSUS_URL}?get=NAME&key=REDACTED")
    assert download.redact(CENSUS_URL, {"for": "county:*", "registrationKey": "abc"}) == (
        f"{CENSUS_URL}?for=county:*&registrationKey=REDACTED")
    assert download.redact(QCEW_URL) == QCEW_URL


# --- politeness -----------------------------------------------------------------------------------


def test_calls_to_one_host_are_spaced_by_the_pause(fast_http, dirs, mocked, body, monkeypatch):
    monkeypatch.setattr(download, "POLICY", download.Policy(
        attempts=1, timeout=(1, 1), backoff=0.0, max_wait=0.0, pause=2.0))
    clock = SimpleNamespace(now=1000.0)
    waits: list[float] = []

    def sleep(seconds: float) -> None:
        waits.append(seconds)
        clock.now += seconds

    monkeypatch.setattr(download, "time", SimpleNamespace(monotonic=lambda: clock.now,
                                                          sleep=sleep))

    def serve(payload: bytes):
        def respond(request):
            clock.now += 0.5  # each transfer takes half a second
            return 200, {}, payload
        return respond

    kern, us = QCEW_URL.replace("06019", "06029"), QCEW_URL.replace("06019", "US000")
    for url in (QCEW_URL, kern, us):
        mocked.add_callback(responses.GET, url, callback=serve(body))
    mocked.add_callback(responses.GET, CENSUS_URL, callback=serve(CENSUS_BODY))
    files = [qcew_file(dirs), census_file(dirs), qcew_file(dirs, kern), qcew_file(dirs, us)]
    download.fetch(files)
    # BLS: first call at t=1000; the Census call needs no wait (another host); the second BLS
    # call comes 1.0 s after the first started, so it waits 2.0 - 1.0 = 1.0 s; the third starts
    # right after a 0.5 s transfer, so it waits 2.0 - 0.5 = 1.5 s.
    assert waits == [1.0, 1.5]
    assert [c.request.url.split("?")[0] for c in mocked.calls] == [QCEW_URL, CENSUS_URL, kern, us]
