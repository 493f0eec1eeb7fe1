"""Provenance of raw files beyond a clean download, with HTTP mocked (``responses``):

* a file that parses but no longer matches its manifest is "present, changed since download",
  never missing; the manifest records the change and why; the sources appendix marks it;
* a staging folder left by a killed download is removed at the next run;
* retries and their waits are logged at the default verbosity; large bodies get a progress bar;
  a batch goes on past a failed file and ends with a summary and a non-zero exit;
* a redirect to an HTML page off the Census hosts says what happened there, not "Census key";
* sample-bundle files are refused by a real run (``process --mode real``, the real report);
* a base-URL override per host sends requests to a mirror and the manifest records it.

Bodies are QCEW open-data CSV (tests/fixtures/qcew/annual_area.csv) or Census API JSON.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import subprocess
import sys

import pytest
import requests
import responses
from typer.testing import CliRunner

from assessment import dataset, download, paths, report
from assessment.cli import app
from assessment.errors import DownloadError, InputError, MissingDataError
from assessment.paths import Mode
from assessment.region import load_region
from assessment.sample import laus as sample_laus
from assessment.sample.universe import Universe
from assessment.sources import qcew

QCEW_URL = "https://data.bls.gov/cew/data/api/2023/a/area/06019.csv"
CENSUS_URL = "https://api.census.gov/data/2023/acs/acs5"
CENSUS_KEY = "k3y-0123456789abcdef"
CENSUS_BODY = (b'[["NAME","B01001_001E","state","county"],\n'
               b'["Fresno County, California","1008654","06","019"]]')
HTML_PAGE = (b"<!DOCTYPE html>\n<html><head><title>Sign in</title></head>"
             b"<body>Please sign in to continue.</body></html>\n")


@pytest.fixture
def mocked(fast_http):
    with responses.RequestsMock(assert_all_requests_are_fired=False) as rsps:
        yield rsps


@pytest.fixture
def body(fixtures) -> bytes:
    return (fixtures / "qcew" / "annual_area.csv").read_bytes()


REGION = load_region(paths.DEFAULT_REGION)


def qcew_file(dirs, url: str = QCEW_URL) -> download.RemoteFile:
    """The region's annual QCEW file for ``url``, as the source builds it (validated, with the
    area and period its URL asks for)."""
    return next(rf for rf in qcew.annual_files(REGION, dirs) if rf.url == url)


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _downloaded(dirs, mocked, body) -> download.RemoteFile:
    mocked.get(QCEW_URL, body=body, content_type="text/csv")
    rf = qcew_file(dirs)
    download.fetch([rf])
    mocked.reset()
    return rf


# Fresno's private manufacturing employment in the fixture, 27000, edited by hand to 27001:
# the layout, area and year are unchanged, so the file still parses and is the right file.
EDIT = (b",850,27000,", b",850,27001,")


# --- present, changed since download --------------------------------------------------------------


def test_offline_a_changed_file_that_parses_is_present_changed_not_missing(
        dirs, mocked, body, caplog):
    rf = _downloaded(dirs, mocked, body)
    edited = body.replace(*EDIT)
    rf.dest.write_bytes(edited)
    with caplog.at_level(logging.WARNING, logger="assessment.download"):
        planned = download.fetch([rf], offline=True)  # no MissingDataError
    assert [p.status for p in planned] == ["stale"]
    assert "is present, changed since download" in caplog.text
    entry = download.read_manifest(rf.dest.parent)["06019.csv"]
    assert entry["sha256"] == sha(body)  # what was downloaded stays recorded ...
    assert entry["changed"]["sha256"] == sha(edited)  # ... beside what is on disk now
    assert entry["changed"]["bytes"] == len(edited)
    assert entry["changed"]["why"] == (
        "changed on disk since it was downloaded (edited, or saved over by hand)")
    assert download.plan([rf])[0].status == "changed"  # known now: no second parse
    assert len(mocked.calls) == 0


def test_a_good_file_kept_after_a_failed_redownload_is_present_offline(dirs, mocked, body):
    """The loopback finding: a re-download fails, the old copy stays, the next offline run must
    not call it missing."""
    rf = _downloaded(dirs, mocked, body)
    edited = body.replace(*EDIT)
    rf.dest.write_bytes(edited)  # stale: a re-download is tried ...
    for _ in range(3):
        mocked.get(QCEW_URL, status=503)  # ... and fails
    with pytest.raises(download.FetchFailed, match="HTTP 503 after 3 attempts"):
        download.fetch([rf])
    assert rf.dest.read_bytes() == edited  # kept
    change = download.read_manifest(rf.dest.parent)["06019.csv"]["changed"]
    assert change["sha256"] == sha(edited)
    assert change["why"].startswith("kept after a failed re-download on ")
    assert "HTTP 503" in change["why"]
    assert [p.status for p in download.fetch([rf], offline=True)] == ["changed"]


def test_a_changed_file_that_no_longer_parses_is_refused_offline_with_the_parsers_message(
        dirs, mocked, body):
    rf = _downloaded(dirs, mocked, body)
    rf.dest.write_bytes(body.replace(b",850,27000,", b",850,27k,"))
    with pytest.raises(InputError) as exc:
        download.fetch([rf], offline=True)
    assert f"{rf.dest}, row 4, column 'annual_avg_emplvl': not a number (value '27k')" in str(
        exc.value)
    assert "changed" not in download.read_manifest(rf.dest.parent)["06019.csv"]


def test_offline_still_names_files_that_are_really_missing(dirs, mocked, body):
    rf = _downloaded(dirs, mocked, body)
    rf.dest.write_bytes(body.replace(*EDIT))
    kern = qcew_file(dirs, QCEW_URL.replace("06019", "06029"))
    with pytest.raises(MissingDataError) as exc:
        download.fetch([rf, kern], offline=True)
    assert exc.value.missing == [(kern.dest, kern.url)]


def test_a_note_in_the_manifest_says_why_a_file_changed(dirs, mocked, body):
    rf = _downloaded(dirs, mocked, body)
    entry = download.read_manifest(rf.dest.parent)["06019.csv"]
    download.record(rf.dest, {**entry, "note": "re-saved from Excel by the research office"})
    rf.dest.write_bytes(body.replace(*EDIT))
    download.fetch([rf], offline=True)
    assert download.read_manifest(rf.dest.parent)["06019.csv"]["changed"]["why"] == (
        "re-saved from Excel by the research office")


def test_process_accepts_a_changed_file_and_refuses_a_sample_one(dirs, mocked, body,
                                                               monkeypatch, region):
    """``dataset.check_raw_files`` (the first step of ``assessment process``)."""
    rf = _downloaded(dirs, mocked, body)
    rf.dest.write_bytes(body.replace(*EDIT))
    monkeypatch.setattr(dataset, "raw_files", lambda region, dirs: [rf])
    dataset.check_raw_files(region, dirs)  # present, changed: no error
    assert "changed" in download.read_manifest(rf.dest.parent)["06019.csv"]
    download.record_sample(rf)
    with pytest.raises(InputError, match="synthetic sample bundle"):
        dataset.check_raw_files(region, dirs)
    sample_dirs = paths.DataDirs(Mode.SAMPLE, dirs.raw, dirs.processed)
    dataset.check_raw_files(region, sample_dirs)  # the sample run uses it


# --- the sources appendix ---------------------------------------------------------------------


def test_the_sources_appendix_marks_changed_files_and_why(dirs, mocked, body, monkeypatch,
                                                         region):
    rf = _downloaded(dirs, mocked, body)
    kern = qcew_file(dirs, QCEW_URL.replace("06019", "06029"))
    kern_body = body.replace(b'"06019"', b'"06029"')
    kern.dest.write_bytes(kern_body)
    download.fetch([kern])  # placed by hand, recorded as such
    monkeypatch.setattr(paths, "data_dirs", lambda mode, region: dirs)
    assert "Changed since download" not in report.sources_appendix(Mode.REAL, region)

    rf.dest.write_bytes(body.replace(*EDIT))  # edited, not yet seen by any run
    kern.dest.write_bytes(kern_body.replace(*EDIT))  # saved by hand again
    page = report.sources_appendix(Mode.REAL, region)
    assert "Changed since download" in page and "2 raw file(s)" in page
    assert "bls/qcew/2023/a/area/06019.csv" in page
    assert "changed on disk since it was downloaded (edited, or saved over by hand)" in page
    assert "bls/qcew/2023/a/area/06029.csv" in page
    assert "saved by hand again after it was first recorded" in page
    assert sha(body)[:12] in page and sha(body.replace(*EDIT))[:12] in page

    download.fetch([rf], offline=True)  # now recorded, with its reason
    rows = {c["path"]: c for c in download.changed_files(dirs.raw)}
    assert rows["bls/qcew/2023/a/area/06019.csv"]["why"].startswith("changed on disk")


# --- synthetic samples never in a real report -----------------------------------------------------


def test_sample_builders_mark_their_files_as_sample(region, dirs):
    sample = paths.DataDirs(Mode.SAMPLE, dirs.raw, dirs.processed)
    written = sample_laus.build(region, sample, Universe(region))
    assert written
    for path in written:
        entry = download.read_manifest(path.parent)[path.name]
        assert entry["sample"] is True
        assert download.is_sample(entry)


def test_entries_written_before_the_sample_flag_are_recognised_by_origin():
    assert download.is_sample({"origin": "synthetic sample (real county outlines)"})
    assert download.is_sample({"origin": "sample bundle (real Census geometry)"})
    assert not download.is_sample({"origin": "download"})
    assert not download.is_sample({"origin": "placed by hand"})


def test_cli_process_real_refuses_a_sample_file(dirs, body, monkeypatch):
    rf = qcew_file(dirs)
    rf.dest.parent.mkdir(parents=True)
    rf.dest.write_bytes(body)
    download.record_sample(rf)
    monkeypatch.setattr(dataset, "data_dirs", lambda mode, region=None: dirs)
    monkeypatch.setattr(dataset, "raw_files", lambda region, dirs: [rf])
    result = CliRunner().invoke(app, ["process", "--mode", "real"])
    assert result.exit_code == 1
    assert str(rf.dest) in result.output
    assert "a real report never carries synthetic numbers" in result.output


def test_the_real_report_refuses_sample_files_under_data_raw(dirs, body, monkeypatch, region):
    laus_api = dirs.raw / "bls" / "laus" / "api" / "ST06_US_2019-2024.json"
    laus_api.parent.mkdir(parents=True)
    laus_api.write_text("{}")
    download.record_sample(download.RemoteFile(url="https://api.bls.gov/publicAPI/v2/",
                                               dest=laus_api, source="BLS LAUS (API)",
                                               vintage="2019-2024"))
    monkeypatch.setattr(paths, "data_dirs", lambda mode, region=None: dirs)
    with pytest.raises(InputError) as exc:
        report.build(Mode.REAL, region)
    assert str(laus_api) in str(exc.value)
    assert "synthetic sample bundle" in str(exc.value)


def test_a_real_download_replaces_a_sample_file(dirs, mocked, body, caplog):
    rf = qcew_file(dirs)
    rf.dest.parent.mkdir(parents=True)
    rf.dest.write_bytes(body.replace(*EDIT))
    download.record_sample(rf)
    mocked.get(QCEW_URL, body=body)
    with caplog.at_level(logging.WARNING, logger="assessment.download"):
        planned = download.fetch([rf], allow_samples=False)
    assert [p.status for p in planned] == ["sample"]
    assert "is a synthetic sample file; fetching the real one" in caplog.text
    entry = download.read_manifest(rf.dest.parent)["06019.csv"]
    assert entry["origin"] == "download" and "sample" not in entry
    assert rf.dest.read_bytes() == body


# --- staging folders of killed downloads ------------------------------------------------------


def _dead_pid() -> int:
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    return child.pid


def test_staging_folders_of_killed_downloads_are_removed_at_the_next_run(dirs, mocked, body):
    rf = qcew_file(dirs)
    folder = rf.dest.parent
    folder.mkdir(parents=True)
    dead = folder / f"{download._STAGING_PREFIX}{_dead_pid()}-a1b2c3"
    live = folder / f"{download._STAGING_PREFIX}{os.getppid()}-d4e5f6"  # another live run's
    old = folder / f"{download._STAGING_PREFIX}x7y8z9"  # no owner id, two hours old
    recent = folder / f"{download._STAGING_PREFIX}q1w2e3"  # no owner id, just made
    for d in (dead, live, old, recent):
        d.mkdir()
        (d / "06019.csv").write_bytes(body[:100])  # the half-written body
    two_hours_ago = old.stat().st_mtime - 7200
    os.utime(old, (two_hours_ago, two_hours_ago))
    mocked.get(QCEW_URL, body=body)
    download.fetch([rf])
    left = sorted(p.name for p in folder.iterdir())
    assert left == sorted(["06019.csv", "manifest.json", live.name, recent.name])


def test_a_run_that_downloads_nothing_also_cleans_up(dirs, mocked, body):
    rf = _downloaded(dirs, mocked, body)
    dead = rf.dest.parent / f"{download._STAGING_PREFIX}{_dead_pid()}-zzz"
    dead.mkdir()
    download.fetch([rf], offline=True)
    assert not dead.exists()


# --- long waits are not silent; batches go on --------------------------------------------------


def test_each_retry_and_its_wait_is_logged_at_the_default_level(dirs, mocked, body, monkeypatch,
                                                                caplog):
    monkeypatch.setattr(download.time, "sleep", lambda s: None)
    monkeypatch.setattr(download, "POLICY", download.Policy(
        attempts=3, timeout=(1, 1), backoff=1.5, max_wait=60.0, pause=0.0))
    mocked.get(QCEW_URL, status=503)
    mocked.get(QCEW_URL, status=429, headers={"Retry-After": "42"})
    mocked.get(QCEW_URL, body=body)
    with caplog.at_level(logging.WARNING):  # the CLI's default level
        download.fetch([qcew_file(dirs)])
    retries = [r.getMessage() for r in caplog.records if "retry" in r.getMessage()]
    assert retries == [f"{QCEW_URL}: HTTP 503; retry 1 of 2 in 1.5 s",
                       f"{QCEW_URL}: HTTP 429; retry 2 of 2 in 42 s"]
    assert all(r.levelno == logging.WARNING for r in caplog.records if "retry" in r.getMessage())


def test_a_large_body_shows_a_progress_bar_and_a_small_one_does_not(dirs, mocked, body,
                                                                    monkeypatch, capsys):
    monkeypatch.setattr(download, "POLICY", download.Policy(
        attempts=1, timeout=(1, 1), backoff=0, max_wait=0, pause=0,
        progress_min_bytes=len(body)))
    mocked.get(QCEW_URL, body=body, auto_calculate_content_length=True)
    small = QCEW_URL.replace("06019", "06029")
    mocked.get(small, body=body[:len(body) - 1].replace(b'"06019"', b'"06029"'),
               auto_calculate_content_length=True)
    download.fetch([qcew_file(dirs)])
    err = capsys.readouterr().err
    # tqdm's bar on stderr: the file's name, its size in bytes, a rate (cleared when done)
    assert f"06019.csv:   0%|          | 0.00/{len(body) / 1000:.2f}k" in err and "B/s" in err
    download.fetch([qcew_file(dirs, small)])
    assert "06029.csv" not in capsys.readouterr().err


def test_a_body_of_unknown_size_gets_a_bar_once_it_takes_long(dirs, mocked, body, monkeypatch,
                                                              capsys):
    monkeypatch.setattr(download, "POLICY", download.Policy(
        attempts=1, timeout=(1, 1), backoff=0, max_wait=0, pause=0, progress_delay=0.0))
    mocked.get(QCEW_URL, body=body)  # no Content-Length: the size is unknown
    download.fetch([qcew_file(dirs)])
    err = capsys.readouterr().err
    assert "06019.csv: " in err and "B/s" in err  # a counter of bytes, no percentage


def test_a_batch_goes_on_past_a_failed_file_and_ends_with_a_summary(dirs, mocked, body):
    urls = [QCEW_URL.replace("06019", a) for a in ("06019", "06029", "06031", "06039")]
    mocked.get(urls[0], body=body)
    mocked.get(urls[1], status=404, body=b"Not Found")
    mocked.get(urls[2], body=body.replace(b'"06019"', b'"06031"'))
    mocked.get(urls[3], body=body)  # Fresno's body where Madera's was asked for
    files = [qcew_file(dirs, u) for u in urls]
    with pytest.raises(download.FetchFailed) as exc:
        download.fetch(files)
    assert [rf.dest.exists() for rf in files] == [True, False, True, False]
    assert [rf for rf, _ in exc.value.failures] == [files[1], files[3]]
    message = str(exc.value)
    assert message.startswith("2 of 4 file(s) could not be fetched; the others were:")
    assert f"{urls[1]}: HTTP 404" in message
    assert "area in the file is not the 06039 the URL asks for" in message
    assert str(files[1].dest) in message and str(files[3].dest) in message
    assert isinstance(exc.value, DownloadError)  # what the CLI reports with a non-zero exit


def test_cli_data_exits_non_zero_after_a_failed_batch_with_the_summary(dirs, mocked, body,
                                                                      monkeypatch):
    urls = [QCEW_URL, QCEW_URL.replace("06019", "06029")]
    mocked.get(urls[0], body=body)
    for _ in range(3):
        mocked.get(urls[1], status=503)
    files = [qcew_file(dirs, u) for u in urls]
    monkeypatch.setattr(qcew, "remote_files", lambda region, d: files)
    monkeypatch.setattr(paths, "data_dirs", lambda mode, region=None: dirs)
    result = CliRunner().invoke(app, ["data", "--source", "qcew"])
    assert result.exit_code == 1
    assert "1 of 2 file(s) could not be fetched; the others were" in result.output
    assert "HTTP 503 after 3 attempts" in result.output
    assert files[0].dest.exists() and not files[1].dest.exists()


# --- redirects to HTML pages ------------------------------------------------------------------


def test_a_redirect_to_html_off_census_names_that_host_not_the_census_key(dirs, mocked):
    login = "https://login.example.org/sso?next=cew"
    mocked.get(QCEW_URL, status=302, headers={"Location": login})
    mocked.get(login, body=HTML_PAGE, content_type="text/html; charset=utf-8")
    rf = qcew_file(dirs)
    with pytest.raises(DownloadError) as exc:
        download.fetch([rf])
    message = str(exc.value)
    assert f"{QCEW_URL} redirected to {login}, an HTML page on login.example.org" in message
    assert "data.bls.gov has moved the file, or login.example.org answers with a login" in message
    assert "CENSUS_API_KEY" not in message and "key" not in message.replace("by hand", "")
    assert not rf.dest.exists()


def test_a_census_api_redirect_to_its_key_page_still_names_the_key(dirs, mocked, monkeypatch):
    page = "https://api.census.gov/data/invalid_key.html"
    mocked.get(CENSUS_URL, status=302, headers={"Location": page})
    mocked.get(page, body=HTML_PAGE, content_type="text/html")
    rf = download.RemoteFile(url=CENSUS_URL, dest=dirs.raw / "census" / "x.json",
                             source="Census ACS", vintage="2023", kind="json",
                             params={"get": "NAME", "key": CENSUS_KEY})
    with pytest.raises(DownloadError, match="set CENSUS_API_KEY to a valid key") as exc:
        download.fetch([rf])
    assert CENSUS_KEY not in str(exc.value)


# --- mirrors ------------------------------------------------------------------------------------


MIRROR = "https://mirror.example.org/agencies/bls"


def test_a_host_mirror_is_used_and_recorded(dirs, mocked, body, monkeypatch):
    monkeypatch.setenv("ASSESSMENT_MIRROR_DATA_BLS_GOV", MIRROR + "/")
    mirrored = f"{MIRROR}/cew/data/api/2023/a/area/06019.csv"
    mocked.get(mirrored, body=body)
    rf = qcew_file(dirs)
    download.fetch([rf])
    assert [c.request.url for c in mocked.calls] == [mirrored]
    entry = download.read_manifest(rf.dest.parent)["06019.csv"]
    assert entry["url"] == QCEW_URL  # the official address stays the file's identity
    assert entry["mirror"] == mirrored
    assert entry["sha256"] == sha(body)


def test_the_mirror_mapping_variable_keeps_the_query_and_redacts_the_key(dirs, mocked,
                                                                          monkeypatch):
    monkeypatch.setenv("ASSESSMENT_MIRRORS",
                       f"data.bls.gov={MIRROR}, api.census.gov=https://census-mirror.internal")
    mocked.get("https://census-mirror.internal/data/2023/acs/acs5", body=CENSUS_BODY,
               content_type="application/json")
    rf = download.RemoteFile(url=CENSUS_URL, dest=dirs.raw / "census" / "x.json",
                             source="Census ACS", vintage="2023", kind="json",
                             params={"get": "NAME,B01001_001E", "key": CENSUS_KEY})
    download.fetch([rf])
    sent = mocked.calls[0].request.url
    assert sent.startswith("https://census-mirror.internal/data/2023/acs/acs5?")
    assert f"key={CENSUS_KEY}" in sent
    manifest = (rf.dest.parent / "manifest.json").read_text()
    assert CENSUS_KEY not in manifest
    assert json.loads(manifest)["x.json"]["mirror"] == (
        "https://census-mirror.internal/data/2023/acs/acs5?get=NAME,B01001_001E&key=REDACTED")


def test_the_per_host_variable_wins_over_the_mapping(monkeypatch):
    monkeypatch.setenv("ASSESSMENT_MIRRORS", "data.bls.gov=https://a.example.org")
    monkeypatch.setenv("ASSESSMENT_MIRROR_DATA_BLS_GOV", "https://b.example.org/x")
    assert download.mirror_url(QCEW_URL) == (
        "https://b.example.org/x/cew/data/api/2023/a/area/06019.csv")
    assert download.mirror_url("https://www.bls.gov/lau/laucnty23.xlsx") is None


@pytest.mark.parametrize("setting", ["data.bls.gov", "data.bls.gov=", "=https://x.org"])
def test_a_malformed_mirror_mapping_is_an_error(monkeypatch, setting):
    monkeypatch.setenv("ASSESSMENT_MIRRORS", setting)
    with pytest.raises(DownloadError, match="is not host=base-URL"):
        download.mirror_url(QCEW_URL)


def test_a_mirror_that_is_not_an_http_url_is_an_error(monkeypatch):
    monkeypatch.setenv("ASSESSMENT_MIRROR_DATA_BLS_GOV", "/srv/mirror/bls")
    with pytest.raises(DownloadError, match="is not an http"):
        download.mirror_url(QCEW_URL)


def test_errors_from_a_mirror_name_the_mirror(dirs, mocked, monkeypatch):
    monkeypatch.setenv("ASSESSMENT_MIRROR_DATA_BLS_GOV", MIRROR)
    mocked.get(f"{MIRROR}/cew/data/api/2023/a/area/06019.csv",
               body=requests.exceptions.ConnectionError("refused"))
    with pytest.raises(DownloadError) as exc:
        download.fetch([qcew_file(dirs)])
    assert f"{MIRROR}/cew/data/api/2023/a/area/06019.csv: ConnectionError" in str(exc.value)


def test_online_a_file_saved_by_hand_for_another_area_is_replaced_by_the_official_one(
        dirs, mocked, body, caplog):
    rf = qcew_file(dirs)
    rf.dest.parent.mkdir(parents=True)
    rf.dest.write_bytes(body.replace(b'"06019"', b'"06029"'))  # Kern's slice as 06019.csv
    mocked.get(QCEW_URL, body=body)
    with caplog.at_level(logging.WARNING, logger="assessment.download"):
        download.fetch([rf])
    assert "was saved by hand but is not usable; fetching the official file" in caplog.text
    assert "area in the file is not the 06019 the URL asks for" in caplog.text
    assert rf.dest.read_bytes() == body
    assert download.read_manifest(rf.dest.parent)["06019.csv"]["origin"] == "download"


@pytest.fixture
def region_file(tmp_path):
    """The default region file with a ``mirrors`` key for the BLS open-data host."""
    text = paths.DEFAULT_REGION.read_text(encoding="utf-8")
    path = tmp_path / "region-with-mirror.yml"
    path.write_text(text + f"\nmirrors:\n  data.bls.gov: {MIRROR}\n", encoding="utf-8")
    return path


def test_the_region_file_can_name_a_mirror_and_cli_data_uses_it(dirs, mocked, body, monkeypatch,
                                                                region_file):
    monkeypatch.setattr(download, "REGION_MIRRORS", {})
    assert load_region(region_file).mirrors == {"data.bls.gov": MIRROR}
    mirrored = f"{MIRROR}/cew/data/api/2023/a/area/06019.csv"
    mocked.get(mirrored, body=body)
    rf = qcew_file(dirs)
    monkeypatch.setattr(qcew, "remote_files", lambda region, d: [rf])
    monkeypatch.setattr(paths, "data_dirs", lambda mode, region=None: dirs)
    result = CliRunner().invoke(app, ["data", "--source", "qcew", "--region", str(region_file)])
    assert result.exit_code == 0, result.output
    assert [c.request.url for c in mocked.calls] == [mirrored]
    assert download.read_manifest(rf.dest.parent)["06019.csv"]["mirror"] == mirrored


def test_the_environment_overrides_the_region_files_mirror(monkeypatch):
    monkeypatch.setattr(download, "REGION_MIRRORS", {})
    download.use_mirrors({"data.bls.gov": "https://from-region.example.org"})
    assert download.mirror_url(QCEW_URL).startswith("https://from-region.example.org/cew/")
    monkeypatch.setenv("ASSESSMENT_MIRRORS", "data.bls.gov=https://from-env.example.org")
    assert download.mirror_url(QCEW_URL).startswith("https://from-env.example.org/cew/")


@pytest.mark.parametrize("entry, rule", [
    ("data.bls.gov: /srv/mirror", "is not an http(s) URL"),
    ("'https://data.bls.gov': https://m.example.org", "is not a host name"),
])
def test_a_bad_mirror_in_the_region_file_is_refused(tmp_path, entry, rule):
    from assessment.region import RegionError

    path = tmp_path / "r.yml"
    path.write_text(paths.DEFAULT_REGION.read_text(encoding="utf-8") + f"\nmirrors:\n  {entry}\n",
                    encoding="utf-8")
    with pytest.raises(RegionError, match=rule.replace("(", r"\(").replace(")", r"\)")):
        load_region(path)


def test_cli_data_still_fetches_the_api_benchmarks_after_a_failed_file(dirs, mocked, body,
                                                                      monkeypatch, fixtures):
    from assessment.sources import laus

    for _ in range(3):
        mocked.get(QCEW_URL, status=503)
    mocked.post(laus.API_URL, body=(fixtures / "laus" / "api_success.json").read_bytes(),
                content_type="application/json")
    rf = qcew_file(dirs)
    monkeypatch.setattr(qcew, "remote_files", lambda region, d: [rf])
    monkeypatch.setattr(laus, "remote_files", lambda region, d: [])
    monkeypatch.setattr(paths, "data_dirs", lambda mode, region=None: dirs)
    result = CliRunner().invoke(app, ["data", "--source", "qcew", "--source", "laus"])
    assert result.exit_code == 1
    assert "1 of 1 file(s) could not be fetched" in result.output
    assert laus.api_path(dirs, REGION).exists()  # the LAUS POST ran after the failure


def test_the_workbooks_file_list_has_a_column_for_each_part_of_a_change_record(dirs, mocked,
                                                                              body, tmp_path):
    import pandas as pd

    rf = _downloaded(dirs, mocked, body)
    rf.dest.write_bytes(body.replace(*EDIT))
    download.fetch([rf], offline=True)
    api = {"path": "bls/laus/api/x.json", "url": "https://api.bls.gov/publicAPI/v2/",
           "method": "POST", "request": {"seriesid": ["LNU04000000"], "startyear": "2019"}}
    xlsx = report.write_workbook([], tmp_path / "w.xlsx", download.all_manifests(dirs.raw) + [api])
    raw = pd.read_excel(xlsx, sheet_name="sources-files", header=None, dtype=str)
    header = raw.index[raw[0] == "path"][0]  # below the sheet's title
    files = raw.iloc[header + 1:].set_axis(raw.iloc[header], axis=1).reset_index(drop=True)
    assert files.loc[0, "changed.sha256"] == sha(body.replace(*EDIT))
    assert files.loc[0, "changed.why"].startswith("changed on disk since it was downloaded")
    assert files.loc[1, "request.startyear"] == "2019"
