"""Polite, verifiable downloads: every file fetched once, checked, written atomically, recorded.

Each source module describes its files as :class:`RemoteFile`s (official URL, where the file lands
under ``data/raw``, vintage, how to recognise a good body); :func:`fetch` does the rest:

* a user agent carrying the contact e-mail from ``ASSESSMENT_CONTACT_EMAIL`` (BLS refuses
  scripted clients without one); query secrets such as the Census ``key`` are sent but never
  written to a manifest, a log or an error message;
* timeouts on every call, retries with exponential backoff on 429/5xx and timeouts, honouring
  ``Retry-After``, and a pause between calls to one host;
* an HTML page served with status 200, a redirect to a key page, an empty or truncated body, or
  a body that fails its schema is refused with a message saying what to do, and leaves no file;
* the manifest (``manifest.json`` beside the files) records URL, retrieval time, bytes, sha256
  and vintage; a cached file whose checksum no longer matches is fetched again (with a warning).

A body is written to a hidden folder beside its destination under the file's own name (readers
such as GDAL pick the format from the extension), validated there, then moved into place.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import os
import re
import shutil
import tempfile
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import requests
from tenacity import (
    RetryCallState,
    Retrying,
    retry_if_exception,
    stop_after_attempt,
)
from tqdm.auto import tqdm

from assessment import __version__
from assessment.errors import DownloadError, MissingDataError

log = logging.getLogger(__name__)

MANIFEST_NAME = "manifest.json"
CONTACT_ENV = "ASSESSMENT_CONTACT_EMAIL"
SECRET_PARAMS = frozenset({"key", "registrationkey", "api_key", "apikey"})

# What a good body starts with, by expected kind.
_MAGIC = {
    "xlsx": (b"PK\x03\x04",),
    "zip": (b"PK\x03\x04",),
    "xls": (b"\xd0\xcf\x11\xe0",),
}


@dataclass(frozen=True)
class RemoteFile:
    """One official file: where it comes from and where it lands."""

    url: str
    dest: Path
    source: str  # e.g. "BLS QCEW"
    vintage: str  # e.g. "2023 annual averages"
    kind: str = "csv"  # csv | text | json | xlsx | xls | zip
    params: dict[str, str] = field(default_factory=dict)  # query; secrets are redacted
    validate: Callable[[Path], object] | None = None  # parse the body; raise on bad
    json_body: dict | None = None  # set for APIs that take a JSON POST (BLS Public Data API)
    # A file no script can fetch (a web form export, e.g. CCC DataMart): ``url`` is the page
    # to export it from and ``manual`` says which choices to make; it is never requested.
    manual: str = ""

    @property
    def public_url(self) -> str:
        """The URL with its query, secrets removed: safe for manifests, logs and reports."""
        return redact(self.url, self.params)

    @property
    def public_request(self) -> dict | None:
        """The POST body without its secrets (e.g. ``registrationkey``), for the manifest."""
        if self.json_body is None:
            return None
        return {k: v for k, v in self.json_body.items() if k.lower() not in SECRET_PARAMS}


@dataclass
class Policy:
    """How hard to try. Tests shrink the waits; nothing else should need to."""

    attempts: int = 5
    timeout: tuple[float, float] = (10.0, 120.0)  # connect, read
    backoff: float = 2.0  # seconds, doubled each retry
    max_wait: float = 120.0
    pause: float = 2.0  # between calls to one host; BLS blocks bursts
    progress_min_bytes: int = 2_000_000


POLICY = Policy()
_last_call: dict[str, float] = {}
_STAGING_PREFIX = ".download-"  # hidden folder a body waits in until it is checked


class _Retryable(Exception):
    def __init__(self, message: str, retry_after: float | None = None):
        super().__init__(message)
        self.retry_after = retry_after


def redact(url: str, params: dict[str, str] | None = None) -> str:
    parts = urlsplit(url)
    query = parse_qsl(parts.query, keep_blank_values=True) + list((params or {}).items())
    shown = [(k, "REDACTED" if k.lower() in SECRET_PARAMS else v) for k, v in query]
    return urlunsplit(parts._replace(query=urlencode(shown, safe=",:*")))


class _RedactSecrets(logging.Filter):
    """Scrub secret query parameters from log records (urllib3 logs full URLs at DEBUG)."""

    _pattern = re.compile(
        r"(?i)(?<![A-Za-z0-9_])(" + "|".join(sorted(SECRET_PARAMS, key=len, reverse=True))
        + r")=[^&\s\"']+")

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        clean = self._pattern.sub(r"\1=REDACTED", message)
        if clean != message:
            record.msg, record.args = clean, None
        return True


for _name in ("urllib3.connectionpool", __name__):
    logging.getLogger(_name).addFilter(_RedactSecrets())


def user_agent() -> str:
    contact = os.environ.get(CONTACT_ENV, "").strip()
    if not contact or "@" not in contact:
        raise DownloadError(
            f"Set {CONTACT_ENV} to an e-mail address (in the environment or .env) before"
            " downloading: BLS refuses scripted clients whose user agent carries no contact."
        )
    return f"sjv-needs-assessment/{__version__} (+{contact})"


def session() -> requests.Session:
    s = requests.Session()
    s.headers["User-Agent"] = user_agent()
    s.headers["Accept-Encoding"] = "gzip, deflate"
    return s


# --- manifest ---------------------------------------------------------------------------------


def sha256_of(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def manifest_path(dest: Path) -> Path:
    """The manifest covering ``dest``: the nearest ``manifest.json`` of its dataset folder."""
    return dest.parent / MANIFEST_NAME


def read_manifest(folder: Path) -> dict[str, dict]:
    path = folder / MANIFEST_NAME
    if not path.exists():
        return {}
    return json.loads(path.read_text(encoding="utf-8"))


def _write_atomic(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".part")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise


def record(dest: Path, entry: dict) -> None:
    manifest = read_manifest(dest.parent)
    manifest[dest.name] = entry
    body = json.dumps(dict(sorted(manifest.items())), indent=2, sort_keys=True) + "\n"
    _write_atomic(manifest_path(dest), body.encode())


def all_manifests(raw_dir: Path) -> list[dict]:
    """Every manifest entry under ``raw_dir``, with the file's path relative to it."""
    rows = []
    for mpath in sorted(raw_dir.rglob(MANIFEST_NAME)):
        for name, entry in read_manifest(mpath.parent).items():
            rows.append({"path": str((mpath.parent / name).relative_to(raw_dir)), **entry})
    return rows


def is_cached(rf: RemoteFile) -> bool:
    """True when ``rf.dest`` exists and matches its manifest checksum (or was placed by hand)."""
    if not rf.dest.exists():
        return False
    entry = read_manifest(rf.dest.parent).get(rf.dest.name)
    if entry is None:
        return True  # dropped in by hand; recorded when fetch() next sees it
    return entry.get("sha256") == sha256_of(rf.dest)


# --- fetching ---------------------------------------------------------------------------------


def _wait(state: RetryCallState) -> float:
    exc = state.outcome.exception() if state.outcome else None
    backoff = POLICY.backoff * (2 ** (state.attempt_number - 1))
    if isinstance(exc, _Retryable) and exc.retry_after is not None:
        return min(max(exc.retry_after, 0.0), POLICY.max_wait)
    return min(backoff, POLICY.max_wait)


def _retry_after(resp: requests.Response) -> float | None:
    value = resp.headers.get("Retry-After")
    if not value:
        return None
    try:
        return float(value)
    except ValueError:
        from email.utils import parsedate_to_datetime

        try:
            return (parsedate_to_datetime(value) - datetime.now(UTC)).total_seconds()
        except (TypeError, ValueError):
            return None


def _pause(host: str) -> None:
    last = _last_call.get(host)
    if last is not None:
        remaining = POLICY.pause - (time.monotonic() - last)
        if remaining > 0:
            time.sleep(remaining)
    _last_call[host] = time.monotonic()


def _looks_like_html(head: bytes) -> bool:
    start = head.removeprefix(b"\xef\xbb\xbf").lstrip()[:200].lower()
    return start.startswith((b"<!doctype html", b"<html", b"<head", b"<?xml")) and b"<html" in (
        head[:2000].lower()
    )


def _check_body(rf: RemoteFile, resp: requests.Response, head: bytes, size: int) -> None:
    shown = rf.public_url
    ctype = resp.headers.get("Content-Type", "").lower()
    if resp.history and "html" in ctype:
        raise DownloadError(
            f"{shown} redirected to {redact(resp.url)} (an HTML page, not data). For the Census"
            " API this means the key was refused: set CENSUS_API_KEY to a valid key"
            " (https://api.census.gov/data/key_signup.html)."
        )
    if size == 0:
        raise DownloadError(f"{shown} returned an empty body; try again later, or download it by"
                            f" hand to {rf.dest}.")
    if rf.kind != "html" and ("text/html" in ctype or _looks_like_html(head)):
        raise DownloadError(
            f"{shown} returned an HTML page with status {resp.status_code} instead of"
            f" {rf.kind.upper()} data (often a block or error page: check"
            f" {CONTACT_ENV} is a real address, wait, and retry; or save the file by hand at"
            f" {rf.dest})."
        )
    magic = _MAGIC.get(rf.kind)
    if magic and not head.startswith(magic):
        raise DownloadError(f"{shown} did not return a {rf.kind} file (first bytes {head[:8]!r}).")
    expected = resp.headers.get("Content-Length")
    encoded = "gzip" in resp.headers.get("Content-Encoding", "")
    if expected and not encoded and int(expected) != size:  # a cut transfer: worth a retry
        raise _Retryable(f"{shown} was truncated: {size} of {expected} bytes arrived")


def _download_once(s: requests.Session, rf: RemoteFile, tmp: Path) -> tuple[int, str]:
    host = urlsplit(rf.url).netloc
    _pause(host)
    try:
        method = "GET" if rf.json_body is None else "POST"
        resp = s.request(method, rf.url, params=rf.params or None, json=rf.json_body,
                         timeout=POLICY.timeout, stream=True)
    except (requests.Timeout, requests.ConnectionError) as exc:
        raise _Retryable(f"{rf.public_url}: {type(exc).__name__}") from None
    with resp:
        if resp.status_code == 429 or resp.status_code >= 500:
            raise _Retryable(f"{rf.public_url}: HTTP {resp.status_code}", _retry_after(resp))
        if resp.status_code >= 400:
            raise DownloadError(
                f"{rf.public_url}: HTTP {resp.status_code} {resp.reason}. Check the year and"
                " area exist for this source, or download the file by hand to" f" {rf.dest}."
            )
        total = int(resp.headers.get("Content-Length") or 0)
        h = hashlib.sha256()
        size = 0
        head = b""
        bar = tqdm(total=total or None, unit="B", unit_scale=True, desc=rf.dest.name,
                   disable=total < POLICY.progress_min_bytes, leave=False)
        try:
            with tmp.open("wb") as fh:
                for chunk in resp.iter_content(chunk_size=1 << 16):
                    if len(head) < 2000:
                        head += chunk[: 2000 - len(head)]
                    fh.write(chunk)
                    h.update(chunk)
                    size += len(chunk)
                    bar.update(len(chunk))
        except (requests.exceptions.ChunkedEncodingError,
                requests.exceptions.ConnectionError) as exc:
            expected = f"all {total} bytes" if total else "the whole body"
            raise _Retryable(f"{rf.public_url}: body cut off before {expected} arrived"
                             f" ({type(exc).__name__})") from None
        finally:
            bar.close()
        _check_body(rf, resp, head, size)
        return size, h.hexdigest()


def _fetch_one(s: requests.Session, rf: RemoteFile) -> dict:
    rf.dest.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(dir=rf.dest.parent, prefix=_STAGING_PREFIX))
    tmp = staging / rf.dest.name  # the agency's own name, so readers recognise the format
    try:
        retrying = Retrying(
            stop=stop_after_attempt(POLICY.attempts),
            wait=_wait,
            retry=retry_if_exception(lambda e: isinstance(e, _Retryable)),
            reraise=True,
        )
        try:
            size, digest = retrying(_download_once, s, rf, tmp)
        except _Retryable as exc:
            raise DownloadError(
                f"{exc} after {POLICY.attempts} attempts; the server is busy or down. Try again"
                f" later, or download the file by hand to {rf.dest}."
            ) from None
        if rf.validate is not None:
            try:
                rf.validate(tmp)
            except Exception as exc:  # the parser's message names row, column and rule
                detail = str(exc).replace(str(tmp), rf.public_url)
                raise DownloadError(
                    f"{rf.public_url} downloaded but is not a valid {rf.source} file; nothing was"
                    f" saved.\n{detail}"
                ) from None
        os.replace(tmp, rf.dest)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    entry = {
        "url": rf.public_url,
        "source": rf.source,
        "vintage": rf.vintage,
        "retrieved": datetime.now(UTC).isoformat(timespec="seconds"),
        "bytes": size,
        "sha256": digest,
        "origin": "download",
    }
    if rf.json_body is not None:
        entry.update(method="POST", request=rf.public_request)
    record(rf.dest, entry)
    log.info("fetched %s (%d bytes)", rf.public_url, size)
    return entry


def _record_hand_placed(rf: RemoteFile) -> None:
    """A file saved by hand in the agency's format is accepted and recorded as such."""
    entry = {
        "url": rf.public_url,
        "source": rf.source,
        "vintage": rf.vintage,
        "retrieved": datetime.fromtimestamp(rf.dest.stat().st_mtime, UTC).isoformat(
            timespec="seconds"),
        "bytes": rf.dest.stat().st_size,
        "sha256": sha256_of(rf.dest),
        "origin": "placed by hand",
    }
    record(rf.dest, entry)


@dataclass(frozen=True)
class Planned:
    file: RemoteFile
    status: str  # cached | missing | stale | manual (missing, to be exported by hand)


def plan(files: Iterable[RemoteFile]) -> list[Planned]:
    out = []
    for rf in files:
        if not rf.dest.exists():
            out.append(Planned(rf, "manual" if rf.manual else "missing"))
        elif is_cached(rf):
            out.append(Planned(rf, "cached"))
        else:
            out.append(Planned(rf, "stale"))  # checksum mismatch: a cache miss
    return out


def fetch(files: Iterable[RemoteFile], *, offline: bool = False, dry_run: bool = False,
          http: requests.Session | None = None) -> list[Planned]:
    """Make every file present and verified. Returns the plan that was carried out.

    ``offline`` never touches the network and raises :class:`MissingDataError` naming every
    file that is absent; ``dry_run`` only reports.
    """
    planned = plan(files)
    for p in planned:
        hand_placed = p.file.dest.name not in read_manifest(p.file.dest.parent)
        # A file exported by hand is whatever the researcher exported last: a new export
        # (another checksum) is recorded again, never "fetched".
        if not dry_run and ((p.status == "cached" and hand_placed)
                            or (p.status == "stale" and p.file.manual)):
            _record_hand_placed(p.file)
    todo = [p for p in planned if p.status in ("missing", "stale") and not p.file.manual]
    by_hand = [p for p in planned if p.status == "manual"]
    if dry_run or not (todo or by_hand):
        return planned
    if offline:
        raise MissingDataError([(p.file.dest, p.file.public_url) for p in todo]
                               + _exports(by_hand))
    s = http or session()
    for p in tqdm(todo, desc="downloading", unit="file", disable=len(todo) < 3):
        if p.status == "stale":
            log.warning("%s no longer matches the checksum in its manifest; fetching it again"
                        " from %s", p.file.dest, p.file.public_url)
        _fetch_one(s, p.file)
    if by_hand:  # no request can fetch these: say where to export them from, and how
        raise MissingDataError(_exports(by_hand))
    return planned


def _exports(by_hand: list[Planned]) -> list[tuple[Path, str]]:
    return [(p.file.dest, f"{p.file.public_url} (a web form: export by hand, {p.file.manual})")
            for p in by_hand]


def record_sample(rf: RemoteFile, origin: str = "synthetic sample") -> None:
    """Record a sample-bundle file in its manifest, marked so it is never taken for data."""
    record(rf.dest, {
        "url": rf.public_url,
        "source": rf.source,
        "vintage": rf.vintage,
        "retrieved": None,
        "bytes": rf.dest.stat().st_size,
        "sha256": sha256_of(rf.dest),
        "origin": origin,
    })
