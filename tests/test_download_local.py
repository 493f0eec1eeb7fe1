"""Downloads end to end against a real HTTP server on 127.0.0.1, reached through the per-host
mirror override (``ASSESSMENT_MIRROR_DATA_BLS_GOV``), as a partnership's internal mirror would be.

The server (``http.server`` in a thread) serves QCEW open-data CSV at the agency's own paths
under ``/bls``; it stops when the test ends, and a watchdog stops it after 60 seconds whatever
happens. One test kills a download half-way (a child process reading a body the server holds
back) and checks the next run removes what the killed one left.
"""

from __future__ import annotations

import subprocess
import sys
import textwrap
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from assessment import download
from assessment.sources import qcew

WATCHDOG_SECONDS = 60.0
API = "/bls/cew/data/api"


class Agency(BaseHTTPRequestHandler):
    """Serves ``server.files`` (path -> body); ``server.redirects`` (path -> path) answer 302;
    ``server.busy`` (path -> n) answers 503 n times first; paths in ``server.stall`` send 100
    bytes, then wait until the test releases them."""

    def do_GET(self):  # noqa: N802 (http.server's name)
        srv = self.server
        path = self.path.split("?")[0]
        if path in srv.redirects:
            self.send_response(302)
            self.send_header("Location", srv.redirects[path])
            self.end_headers()
            return
        if srv.busy.get(path, 0) > 0:  # "busy": 503 with Retry-After: 0, this many times
            srv.busy[path] -= 1
            self.send_response(503)
            self.send_header("Retry-After", "0")
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        if path not in srv.files:
            self.send_error(404, "Not Found")
            return
        body = srv.files[path]
        self.send_response(200)
        self.send_header("Content-Type", "text/html" if path.endswith(".html") else "text/csv")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if path in srv.stall:
            self.wfile.write(body[:100])
            self.wfile.flush()
            srv.stalled.set()
            srv.release.wait(WATCHDOG_SECONDS)
            return
        self.wfile.write(body)

    def log_message(self, *args):  # keep the test output quiet
        pass


@pytest.fixture
def server(monkeypatch):
    srv = ThreadingHTTPServer(("127.0.0.1", 0), Agency)
    srv.daemon_threads = True
    srv.files, srv.redirects, srv.stall, srv.busy = {}, {}, set(), {}
    srv.stalled, srv.release = threading.Event(), threading.Event()
    thread = threading.Thread(target=srv.serve_forever, kwargs={"poll_interval": 0.05},
                              daemon=True)
    watchdog = threading.Timer(WATCHDOG_SECONDS, srv.shutdown)
    watchdog.daemon = True
    thread.start()
    watchdog.start()
    base = f"http://127.0.0.1:{srv.server_address[1]}"
    monkeypatch.setenv("NO_PROXY", "127.0.0.1")
    monkeypatch.setenv("ASSESSMENT_MIRROR_DATA_BLS_GOV", f"{base}/bls")
    srv.base = base
    try:
        yield srv
    finally:
        srv.release.set()
        watchdog.cancel()
        srv.shutdown()
        srv.server_close()
        thread.join(timeout=5)


@pytest.fixture
def body(fixtures) -> bytes:
    return (fixtures / "qcew" / "annual_area.csv").read_bytes()


def _files(region, dirs, areas):
    by_area = {rf.url.rsplit("/", 1)[1][:-4]: rf for rf in qcew.annual_files(region, dirs)
               if "/2023/a/" in rf.url}
    return [by_area[a] for a in areas]


def test_a_batch_runs_end_to_end_through_the_mirror_override(server, fast_http, region, dirs,
                                                            body):
    fresno, kern, kings, madera = _files(region, dirs, ["06019", "06029", "06031", "06039"])
    server.files[f"{API}/2023/a/area/06019.csv"] = body
    server.files[f"{API}/2023/a/area/06029.csv"] = body  # Fresno's rows where Kern's belong
    # Kings is absent (404); Madera's address sends the client to a sign-in page
    server.redirects[f"{API}/2023/a/area/06039.csv"] = "/sso/login.html"
    server.files["/sso/login.html"] = b"<!DOCTYPE html><html><body>Sign in</body></html>"

    with pytest.raises(download.FetchFailed) as exc:
        download.fetch([fresno, kern, kings, madera])

    assert fresno.dest.read_bytes() == body
    entry = download.read_manifest(fresno.dest.parent)["06019.csv"]
    assert entry["url"] == fresno.url  # the official address ...
    assert entry["mirror"] == f"{server.base}{API}/2023/a/area/06019.csv"  # ... and the mirror's
    failed = {rf.dest.name: why for rf, why in exc.value.failures}
    assert sorted(failed) == ["06029.csv", "06031.csv", "06039.csv"]
    assert "area in the file is not the 06029 the URL asks for" in failed["06029.csv"]
    assert "HTTP 404" in failed["06031.csv"]
    assert "an HTML page on 127.0.0.1, not CSV data" in failed["06039.csv"]
    assert "CENSUS_API_KEY" not in str(exc.value)
    assert str(exc.value).startswith("3 of 4 file(s) could not be fetched; the others were")
    for rf in (kern, kings, madera):
        assert not rf.dest.exists()
    assert sorted(p.name for p in fresno.dest.parent.iterdir()) == ["06019.csv", "manifest.json"]


CHILD = textwrap.dedent("""
    import sys
    from pathlib import Path
    from assessment import download, paths
    from assessment.region import load_region
    from assessment.sources import qcew
    dirs = paths.DataDirs(paths.Mode.REAL, Path(sys.argv[1]) / "raw", Path(sys.argv[1]) / "p")
    rf = next(f for f in qcew.annual_files(load_region(paths.DEFAULT_REGION), dirs)
              if f.url.endswith("/2023/a/area/06019.csv"))
    download.fetch([rf])
""")


def test_a_killed_download_leaves_a_staging_folder_the_next_run_removes(server, fast_http,
                                                                        region, dirs, body,
                                                                        tmp_path):
    path = f"{API}/2023/a/area/06019.csv"
    server.files[path] = body
    server.stall.add(path)
    child = subprocess.Popen([sys.executable, "-c", CHILD, str(tmp_path)],
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        assert server.stalled.wait(WATCHDOG_SECONDS), "the child never reached the server"
    finally:
        child.kill()
        child.wait(timeout=10)
    (fresno,) = _files(region, dirs, ["06019"])
    left = [p.name for p in fresno.dest.parent.iterdir()]
    assert [n for n in left if n.startswith(f".download-{child.pid}-")], left  # the kill's trace
    assert not fresno.dest.exists()

    server.stall.clear()
    server.release.set()
    download.fetch([fresno])  # the next run
    assert sorted(p.name for p in fresno.dest.parent.iterdir()) == ["06019.csv", "manifest.json"]
    assert fresno.dest.read_bytes() == body


RETRYING_CHILD = textwrap.dedent("""
    import sys
    from pathlib import Path
    from assessment import cli, download, paths
    from assessment.region import load_region
    from assessment.sources import qcew
    cli.main(verbose=False)  # the logging the command line sets up by default
    download.POLICY.pause = 0.0
    dirs = paths.DataDirs(paths.Mode.REAL, Path(sys.argv[1]) / "raw", Path(sys.argv[1]) / "p")
    rf = next(f for f in qcew.annual_files(load_region(paths.DEFAULT_REGION), dirs)
              if f.url.endswith("/2023/a/area/06019.csv"))
    download.fetch([rf])
""")


def test_retries_and_their_waits_reach_stderr_at_the_default_verbosity(server, region, dirs,
                                                                       body, tmp_path,
                                                                       monkeypatch):
    monkeypatch.setenv("ASSESSMENT_CONTACT_EMAIL", "research@example.org")
    path = f"{API}/2023/a/area/06019.csv"
    server.files[path] = body
    server.busy[path] = 2
    done = subprocess.run([sys.executable, "-c", RETRYING_CHILD, str(tmp_path)],
                          capture_output=True, text=True, timeout=WATCHDOG_SECONDS)
    assert done.returncode == 0, done.stderr
    mirrored = f"{server.base}{path}"
    assert f"WARNING assessment.download: {mirrored}: HTTP 503; retry 1 of 4 in 0.0 s" in (
        done.stderr)
    assert f"{mirrored}: HTTP 503; retry 2 of 4 in 0.0 s" in done.stderr
    (fresno,) = _files(region, dirs, ["06019"])
    assert fresno.dest.read_bytes() == body
