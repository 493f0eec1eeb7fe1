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
* after parsing, the area and period the file itself states (QCEW ``area_fips``/``year``/
  ``qtr``, a Census API body's geography...) are checked against what the URL asked for
  (:class:`Expect`), so another county's or year's file is never saved under this one's name;
* the manifest (``manifest.json`` beside the files) records URL, retrieval time, bytes, sha256
  and vintage; a cached file whose checksum no longer matches is fetched again (with a warning).
  Where that is impossible (offline, or the new download fails) a copy that still parses and
  holds the right area and period is "present, changed since download": kept, warned about and
  recorded as such (``changed`` in its entry), never reported missing;
* each retry and its wait is logged at the default verbosity, large bodies get a progress bar;
  a batch carries on past a failed file and ends with :class:`FetchFailed`, naming each failure;
* a base-URL override per host (``ASSESSMENT_MIRROR_<HOST>``, e.g.
  ``ASSESSMENT_MIRROR_DATA_BLS_GOV=https://mirror.example.org/bls``, or ``ASSESSMENT_MIRRORS``
  holding ``host=base`` pairs, or the region file's ``mirrors``, in that order of precedence)
  sends requests to an internal mirror; the manifest records the official URL and the mirror
  URL the body came from;
* a sample-bundle file (``sample: true`` in its manifest entry) is refused where real data is
  required (``allow_samples=False``).

A body is written to a hidden folder beside its destination under the file's own name (readers
such as GDAL pick the format from the extension), validated there, then moved into place. The
folder's name carries the process id; one left by a killed run is removed at the next run.
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
from assessment.errors import DownloadError, InputError, MissingDataError, Problem

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
class Expect:
    """One identity a file states about itself, and the value(s) its URL asked for.

    Checked on the table ``RemoteFile.validate`` returns, column ``column``:

    * ``only``: every row holds one of ``values`` (a QCEW area slice: ``area_fips`` 06019);
    * ``includes``: each of ``values`` appears in some row (a national file holding the region's
      counties);
    * ``prefix``: every row starts with one of ``values`` (a state's blocks or tracts).
    """

    what: str  # words for the message: "area", "year", "quarter", "state"
    column: str
    values: tuple[str, ...]
    how: str = "only"  # only | includes | prefix

    def __post_init__(self) -> None:
        if self.how not in ("only", "includes", "prefix"):
            raise ValueError(f"Expect.how must be only, includes or prefix, not {self.how!r}")
        object.__setattr__(self, "values", tuple(str(v) for v in self.values))


def expect(what: str, column: str, *values: object, how: str = "only") -> Expect:
    """Shorthand: ``expect("area", "area_fips", "06019")``."""
    return Expect(what, column, tuple(str(v) for v in values), how)


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
    expect: tuple[Expect, ...] = ()  # what the parsed body must say about area and period
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
    progress_min_bytes: int = 2_000_000  # a progress bar for bodies this large ...
    progress_delay: float = 2.0  # ... or of unknown size, once they take this long (seconds)
    stale_staging: float = 3600.0  # seconds after which a staging folder of unknown owner is stale


POLICY = Policy()
_last_call: dict[str, float] = {}
_STAGING_PREFIX = ".download-"  # hidden folder a body waits in until it is checked
MIRROR_ENV = "ASSESSMENT_MIRROR_"  # + host in capitals, dots and dashes as "_"
MIRRORS_ENV = "ASSESSMENT_MIRRORS"  # "host=base host2=base2" (spaces, commas or semicolons)
SAMPLE_KEY = "sample"  # manifest entry key: true for the synthetic sample bundle


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


def is_sample(entry: dict | None) -> bool:
    """True for a manifest entry of the synthetic sample bundle.

    :func:`record_sample` writes ``sample: true``; entries written before that flag existed are
    recognised by their origin ("synthetic sample", "sample bundle (...)")."""
    if not entry:
        return False
    if SAMPLE_KEY in entry:
        return bool(entry[SAMPLE_KEY])
    origin = str(entry.get("origin") or "").lower()
    return "sample" in origin or "synthetic" in origin


def is_cached(rf: RemoteFile) -> bool:
    """True when ``rf.dest`` exists and matches its manifest checksum (or was placed by hand)."""
    if not rf.dest.exists():
        return False
    entry = read_manifest(rf.dest.parent).get(rf.dest.name)
    if entry is None:
        return True  # dropped in by hand; recorded when fetch() next sees it
    return entry.get("sha256") == sha256_of(rf.dest)


# --- identity: is this the area and period the URL asked for? ------------------------------------


class IdentityError(InputError):
    """A well-formed file that is not the one asked for: another area's, year's or quarter's."""


def identity_problems(table: object, expects: Iterable[Expect], file: Path | str
                      ) -> list[Problem]:
    """What the parsed ``table`` says about itself that contradicts ``expects``."""
    problems = []
    for e in expects:
        columns = getattr(table, "columns", ())
        if e.column not in columns:
            problems.append(Problem(str(file), None, e.column, None,
                                    f"cannot check the {e.what}: the parsed table has no column"
                                    f" {e.column!r}"))
            continue
        text = table[e.column].astype("string").str.strip()
        if e.how == "includes":
            absent = [v for v in e.values if not text.eq(v).fillna(False).any()]
            if absent:
                problems.append(Problem(
                    str(file), None, e.column, ", ".join(absent),
                    f"the URL asks for {e.what} {', '.join(absent)} but the file has no row for"
                    f" it (another {e.what}'s file saved under this name, or another release?)"))
            continue
        if e.how == "only":
            ok, wanted = text.isin(e.values), " or ".join(e.values)
        else:
            ok = text.str.startswith(e.values)
            wanted = " or ".join(f"{v}…" for v in e.values)
        bad = ~ok.fillna(False).astype(bool)
        if not bad.any():
            continue
        found = list(dict.fromkeys(text[bad].fillna("(blank)").tolist()))
        first = table.index[bad.to_numpy()][0]
        row = int(first) if table.index.name == "file_row" else None
        shown = ", ".join(found[:5]) + (f" and {len(found) - 5} more" if len(found) > 5 else "")
        problems.append(Problem(
            str(file), row, e.column, shown,
            f"{e.what} in the file is not the {wanted} the URL asks for ({int(bad.sum()):,} row(s);"
            f" another {e.what}'s file saved under this name?)"))
    return problems


def verify(rf: RemoteFile, path: Path | None = None) -> object:
    """Parse ``path`` (default ``rf.dest``) with ``rf.validate`` and check its identity.

    Raises the parser's :class:`InputError`, or :class:`IdentityError` naming the row and
    column whose area or period is not the one ``rf.url`` asks for."""
    path = path or rf.dest
    if rf.validate is None:
        return None
    table = rf.validate(path)
    problems = identity_problems(table, rf.expect, path) if rf.expect else []
    if problems:
        raise IdentityError(problems)
    return table


# --- mirrors -------------------------------------------------------------------------------------


def mirror_env(host: str) -> str:
    """The variable overriding ``host``: ``data.bls.gov`` -> ``ASSESSMENT_MIRROR_DATA_BLS_GOV``."""
    return MIRROR_ENV + re.sub(r"[^A-Z0-9]", "_", host.upper())


REGION_MIRRORS: dict[str, str] = {}  # from the region file's ``mirrors``; see use_mirrors()


def use_mirrors(mapping: dict[str, str]) -> None:
    """Mirrors named by the region file (host -> base URL), for every later fetch of this
    process; the environment's settings take precedence over them."""
    REGION_MIRRORS.clear()
    REGION_MIRRORS.update({h.lower(): b for h, b in mapping.items()})


def mirrors() -> dict[str, str]:
    """Host -> base URL, from ``ASSESSMENT_MIRRORS`` (``host=base`` pairs)."""
    out = {}
    for pair in re.split(r"[\s,;]+", os.environ.get(MIRRORS_ENV, "").strip()):
        if not pair:
            continue
        host, sep, base = pair.partition("=")
        if not sep or not host or not base:
            raise DownloadError(f"{MIRRORS_ENV}: {pair!r} is not host=base-URL (e.g."
                                " data.bls.gov=https://mirror.example.org/bls)")
        out[host.strip().lower()] = base.strip()
    return out


def mirror_url(url: str) -> str | None:
    """Where ``url`` is fetched from when its host has a mirror: the mirror's base URL plus the
    official path and query (``https://data.bls.gov/cew/...`` ->
    ``https://mirror.example.org/bls/cew/...``); None without one."""
    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    base = (os.environ.get(mirror_env(host), "").strip() or mirrors().get(host)
            or REGION_MIRRORS.get(host))
    if not base:
        return None
    b = urlsplit(base)
    if b.scheme not in ("http", "https") or not b.netloc:
        raise DownloadError(f"the mirror for {host} ({base}) is not an http(s) base URL")
    return urlunsplit((b.scheme, b.netloc, b.path.rstrip("/") + parts.path, parts.query, ""))


# --- fetching ---------------------------------------------------------------------------------


class FetchFailed(DownloadError):
    """Some files of a batch could not be fetched; every other file was."""

    def __init__(self, failures: list[tuple[RemoteFile, str]], attempted: int):
        self.failures = failures
        lines = []
        for rf, why in failures:
            lines.append(f"  {rf.dest}\n      " + why.replace("\n", "\n      "))
        rest = "; the others were" if len(failures) < attempted else ""
        super().__init__(f"{len(failures)} of {attempted} file(s) could not be fetched{rest}:\n"
                         + "\n".join(lines))


def _wait(state: RetryCallState) -> float:
    exc = state.outcome.exception() if state.outcome else None
    backoff = POLICY.backoff * (2 ** (state.attempt_number - 1))
    if isinstance(exc, _Retryable) and exc.retry_after is not None:
        return min(max(exc.retry_after, 0.0), POLICY.max_wait)
    return min(backoff, POLICY.max_wait)


def _announce_retry(state: RetryCallState) -> None:
    """Each retry and its wait, at the default verbosity: long waits are never silent."""
    exc = state.outcome.exception() if state.outcome else None
    wait = state.next_action.sleep if state.next_action else 0.0
    shown = f"{wait:.0f}" if wait >= 10 else f"{wait:.1f}"
    log.warning("%s; retry %d of %d in %s s", exc, state.attempt_number, POLICY.attempts - 1,
                shown)


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


CENSUS_API_HOST = "api.census.gov"


def _check_body(rf: RemoteFile, resp: requests.Response, head: bytes, size: int, shown: str,
                target: str) -> None:
    ctype = resp.headers.get("Content-Type", "").lower()
    if resp.history and "html" in ctype:
        landed = (urlsplit(resp.url).hostname or "").lower()
        asked = (urlsplit(target).hostname or "").lower()
        key_page = asked == CENSUS_API_HOST or "key" in urlsplit(resp.url).path.lower()
        if key_page and (landed == "census.gov" or landed.endswith(".census.gov")):
            raise DownloadError(
                f"{shown} redirected to {redact(resp.url)} (an HTML page, not data). For the"
                " Census API this means the key was refused: set CENSUS_API_KEY to a valid key"
                " (https://api.census.gov/data/key_signup.html)."
            )
        raise DownloadError(
            f"{shown} redirected to {redact(resp.url)}, an HTML page on {landed}, not"
            f" {rf.kind.upper()} data: {asked} has moved the file, or {landed} answers with a"
            " login, error or block page. Open that address in a browser to see which; then"
            f" correct the URL (or the mirror set for {asked}, if it is one), or save the file"
            f" by hand to {rf.dest}."
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


def _download_once(s: requests.Session, rf: RemoteFile, tmp: Path, target: str,
                   shown: str) -> tuple[int, str]:
    host = urlsplit(target).netloc
    _pause(host)
    try:
        method = "GET" if rf.json_body is None else "POST"
        resp = s.request(method, target, params=rf.params or None, json=rf.json_body,
                         timeout=POLICY.timeout, stream=True)
    except (requests.Timeout, requests.ConnectionError) as exc:
        raise _Retryable(f"{shown}: {type(exc).__name__}") from None
    with resp:
        if resp.status_code == 429 or resp.status_code >= 500:
            raise _Retryable(f"{shown}: HTTP {resp.status_code}", _retry_after(resp))
        if resp.status_code >= 400:
            raise DownloadError(
                f"{shown}: HTTP {resp.status_code} {resp.reason}. Check the year and"
                " area exist for this source, or download the file by hand to" f" {rf.dest}."
            )
        total = int(resp.headers.get("Content-Length") or 0)
        h = hashlib.sha256()
        size = 0
        head = b""
        # A bar for large bodies, and for bodies of unknown size that take a while.
        small = bool(total) and total < POLICY.progress_min_bytes
        bar = tqdm(total=total or None, unit="B", unit_scale=True, desc=rf.dest.name,
                   disable=small, delay=0 if total else POLICY.progress_delay, leave=False)
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
            raise _Retryable(f"{shown}: body cut off before {expected} arrived"
                             f" ({type(exc).__name__})") from None
        finally:
            bar.close()
        _check_body(rf, resp, head, size, shown, target)
        return size, h.hexdigest()


def _fetch_one(s: requests.Session, rf: RemoteFile) -> dict:
    rf.dest.parent.mkdir(parents=True, exist_ok=True)
    target = mirror_url(rf.url) or rf.url
    shown = redact(target, rf.params)
    staging = Path(tempfile.mkdtemp(dir=rf.dest.parent,
                                    prefix=f"{_STAGING_PREFIX}{os.getpid()}-"))
    tmp = staging / rf.dest.name  # the agency's own name, so readers recognise the format
    try:
        retrying = Retrying(
            stop=stop_after_attempt(POLICY.attempts),
            wait=_wait,
            retry=retry_if_exception(lambda e: isinstance(e, _Retryable)),
            before_sleep=_announce_retry,
            reraise=True,
        )
        try:
            size, digest = retrying(_download_once, s, rf, tmp, target, shown)
        except _Retryable as exc:
            raise DownloadError(
                f"{exc} after {POLICY.attempts} attempts; the server is busy or down. Try again"
                f" later, or download the file by hand to {rf.dest}."
            ) from None
        if rf.validate is not None:
            try:
                verify(rf, tmp)
            except IdentityError as exc:
                detail = str(exc).replace(str(tmp), shown)
                raise DownloadError(
                    f"{shown} downloaded but is not the file asked for; nothing was saved."
                    f"\n{detail}"
                ) from None
            except Exception as exc:  # the parser's message names row, column and rule
                detail = str(exc).replace(str(tmp), shown)
                raise DownloadError(
                    f"{shown} downloaded but is not a valid {rf.source} file; nothing was"
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
    if target != rf.url:
        entry["mirror"] = shown
    if rf.json_body is not None:
        entry.update(method="POST", request=rf.public_request)
    record(rf.dest, entry)
    log.info("fetched %s (%d bytes)", shown, size)
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


def why_changed(entry: dict) -> str:
    """What is known of why a file no longer matches the checksum its manifest recorded."""
    if entry.get("note"):
        return str(entry["note"])  # written by whoever changed it
    if entry.get("origin") == "placed by hand":
        return "saved by hand again after it was first recorded"
    return "changed on disk since it was downloaded (edited, or saved over by hand)"


def record_changed(dest: Path, why: str) -> dict:
    """Mark ``dest`` "present, changed since download": its entry keeps what was downloaded and
    gains ``changed`` (the checksum and size on disk now, when this was noticed, and why)."""
    entry = dict(read_manifest(dest.parent).get(dest.name) or {})
    entry["changed"] = {"sha256": sha256_of(dest), "bytes": dest.stat().st_size,
                        "noticed": datetime.now(UTC).isoformat(timespec="seconds"), "why": why}
    record(dest, entry)
    return entry


def changed_files(raw_dir: Path) -> list[dict]:
    """Every manifest entry under ``raw_dir`` whose file no longer matches the checksum recorded
    for it: the path, what was recorded, the checksum now and why (where known)."""
    out = []
    for row in all_manifests(raw_dir):
        path = raw_dir / row["path"]
        if not path.exists() or not row.get("sha256"):
            continue
        digest = sha256_of(path)
        if digest == row["sha256"]:
            continue
        change = row.get("changed") or {}
        why = change.get("why") if change.get("sha256") == digest else None
        out.append({"path": row["path"], "source": row.get("source"),
                    "origin": row.get("origin"), "recorded_sha256": row["sha256"],
                    "sha256_now": digest, "why": why or why_changed(row)})
    return out


SAMPLE_REFUSED = ("its manifest marks it as part of the synthetic sample bundle, and a real"
                  " report never carries synthetic numbers: delete it and its manifest entry,"
                  " then run `make data` (or build `make sample-report`)")


def sample_files(raw_dir: Path) -> list[dict]:
    """Manifest entries under ``raw_dir`` that mark their file as part of the sample bundle."""
    return [row for row in all_manifests(raw_dir) if is_sample(row)]


def refuse_samples(raw_dir: Path) -> None:
    """Raise :class:`InputError` naming every sample-bundle file under ``raw_dir``: a real run
    must never carry synthetic numbers, whichever file (downloaded or API answer) they are in."""
    rows = sample_files(raw_dir)
    if rows:
        raise InputError([Problem(str(raw_dir / r["path"]), None, None, r.get("origin"),
                                  SAMPLE_REFUSED) for r in rows], limit=10)


def clean_staging(folders: Iterable[Path]) -> list[Path]:
    """Remove staging folders (``.download-<pid>-*``) left behind by a killed run."""
    removed = []
    now = datetime.now(UTC).timestamp()
    for folder in folders:
        if not folder.is_dir():
            continue
        for d in folder.glob(f"{_STAGING_PREFIX}*"):
            if not d.is_dir():
                continue
            m = re.match(re.escape(_STAGING_PREFIX) + r"(\d+)-", d.name)
            if m:
                in_use = int(m.group(1)) == os.getpid() or _pid_alive(int(m.group(1)))
            else:  # a name without its owner's id: stale once old
                in_use = now - d.stat().st_mtime < POLICY.stale_staging
            if in_use:
                continue
            shutil.rmtree(d, ignore_errors=True)
            removed.append(d)
            log.info("removed %s, left by an interrupted download", d)
    return removed


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # someone else's live process
    except OSError:
        return False
    return True


@dataclass(frozen=True)
class Planned:
    file: RemoteFile
    status: str  # cached | changed | missing | stale | sample | manual (missing, export by hand)


STATUSES = ("cached", "changed", "missing", "stale", "sample", "manual")


def plan(files: Iterable[RemoteFile], *, allow_samples: bool = True) -> list[Planned]:
    """Each file's status: ``cached`` (matches its manifest, or placed by hand and not yet
    recorded), ``changed`` (present, changed since download, already recorded as such),
    ``stale`` (checksum differs, not yet looked at), ``missing``, or ``sample`` (a synthetic
    sample file where real data is required)."""
    out = []
    manifests: dict[Path, dict] = {}
    for rf in files:
        if not rf.dest.exists():
            out.append(Planned(rf, "manual" if rf.manual else "missing"))
            continue
        folder = rf.dest.parent
        if folder not in manifests:
            manifests[folder] = read_manifest(folder)
        entry = manifests[folder].get(rf.dest.name)
        if entry is None:
            out.append(Planned(rf, "cached"))  # placed by hand: checked and recorded by fetch
        elif not allow_samples and is_sample(entry):
            out.append(Planned(rf, "sample"))
        else:
            digest = sha256_of(rf.dest)
            if entry.get("sha256") == digest:
                out.append(Planned(rf, "cached"))
            elif (entry.get("changed") or {}).get("sha256") == digest:
                out.append(Planned(rf, "changed"))
            else:
                out.append(Planned(rf, "stale"))  # checksum mismatch: a cache miss
    return out


def _problems(exc: Exception, rf: RemoteFile) -> list[Problem]:
    if isinstance(exc, InputError):
        return exc.problems
    return [Problem(str(rf.dest), None, None, None, f"cannot be read: {exc}")]


def _sample_problem(rf: RemoteFile) -> Problem:
    origin = read_manifest(rf.dest.parent).get(rf.dest.name, {}).get("origin")
    return Problem(str(rf.dest), None, None, origin,
                   SAMPLE_REFUSED)


def fetch(files: Iterable[RemoteFile], *, offline: bool = False, dry_run: bool = False,
          http: requests.Session | None = None, allow_samples: bool = True) -> list[Planned]:
    """Make every file present and verified. Returns the plan that was carried out.

    ``offline`` never touches the network: it raises :class:`MissingDataError` naming every
    file that is absent, and :class:`InputError` for a file present but unusable (it does not
    parse, holds another area or period, or is a sample file where ``allow_samples`` is
    False); a file that parses but no longer matches its manifest is kept, warned about and
    recorded as changed. ``dry_run`` only reports. Online, every file is tried; failures are
    raised together at the end as :class:`FetchFailed`.
    """
    planned = plan(files, allow_samples=allow_samples)
    if dry_run:
        return planned
    clean_staging({p.file.dest.parent for p in planned})
    todo: list[Planned] = []
    problems: list[Problem] = []
    # Web-form exports no request can fetch: missing ones are named with their page and menu
    # choices; present ones that do not parse are failures, never re-downloaded.
    by_hand = [p for p in planned if p.status == "manual"]
    failures: list[tuple[RemoteFile, str]] = []
    for p in planned:
        rf = p.file
        if rf.manual and p.status in ("stale", "changed", "cached"):
            # A file exported by hand is whatever the researcher exported last: a new export
            # (another checksum) is checked and recorded again, never fetched.
            if p.status == "cached" and rf.dest.name in read_manifest(rf.dest.parent):
                continue
            try:
                verify(rf)
            except Exception as exc:
                if offline:
                    problems += _problems(exc, rf)
                else:
                    failures.append((rf, str(exc)))
                continue
            _record_hand_placed(rf)
        elif p.status == "cached" and rf.dest.name not in read_manifest(rf.dest.parent):
            try:  # placed by hand: must parse and be the area and period its name says
                verify(rf)
            except Exception as exc:
                if offline:
                    problems += _problems(exc, rf)
                else:
                    log.warning("%s was saved by hand but is not usable; fetching the official"
                                " file:\n%s", rf.dest, exc)
                    todo.append(Planned(rf, "unusable"))
                continue
            _record_hand_placed(rf)
        elif p.status == "changed":
            if offline:
                entry = read_manifest(rf.dest.parent)[rf.dest.name]
                log.warning("%s is present, changed since download (%s); using it as it is",
                            rf.dest, entry["changed"].get("why"))
            else:
                todo.append(p)
        elif p.status == "stale":
            if not offline:
                todo.append(p)
                continue
            try:
                verify(rf)
            except Exception as exc:
                problems += _problems(exc, rf)
                continue
            why = why_changed(read_manifest(rf.dest.parent)[rf.dest.name])
            record_changed(rf.dest, why)
            log.warning("%s is present, changed since download (%s): it parses and holds the"
                        " area and period asked for, so it is used as it is; the manifest"
                        " records the change", rf.dest, why)
        elif p.status == "sample":
            if offline:
                problems.append(_sample_problem(rf))
            else:
                log.warning("%s is a synthetic sample file; fetching the real one", rf.dest)
                todo.append(p)
        elif p.status == "missing":
            todo.append(p)
    if offline:
        missing = [(p.file.dest, p.file.public_url) for p in todo if p.status == "missing"]
        if missing or by_hand:
            raise MissingDataError(missing + _exports(by_hand))
        if problems:
            raise InputError(problems)
        return planned
    failures += [(p.file, _exports([p])[0][1]) for p in by_hand]
    by_hand_failed = len(failures)
    if not todo:
        if failures:
            raise FetchFailed(failures, len(failures))
        return planned
    s = http or session()
    for p in tqdm(todo, desc="downloading", unit="file", disable=len(todo) < 3):
        rf = p.file
        if p.status in ("stale", "changed"):
            log.warning("%s no longer matches the checksum in its manifest; fetching it again"
                        " from %s", rf.dest, rf.public_url)
        try:
            _fetch_one(s, rf)
        except DownloadError as exc:
            failures.append((rf, str(exc)))
            log.error("%s", str(exc).splitlines()[0])
            if p.status in ("stale", "changed") and rf.dest.exists():
                _keep_after_failure(rf, exc)
    if failures:
        raise FetchFailed(failures, len(todo) + by_hand_failed)
    return planned


def _exports(by_hand: list[Planned]) -> list[tuple[Path, str]]:
    return [(p.file.dest, f"{p.file.public_url} (a web form: export by hand, {p.file.manual})")
            for p in by_hand]


def _keep_after_failure(rf: RemoteFile, exc: DownloadError) -> None:
    """The old copy of a file whose re-download failed stays; if it still parses and is the area
    and period asked for it is recorded as changed, so offline runs use it."""
    try:
        verify(rf)
    except Exception:
        return
    when = datetime.now(UTC).strftime("%Y-%m-%d")
    reason = str(exc).splitlines()[0]
    record_changed(rf.dest, f"kept after a failed re-download on {when} ({reason})")


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
        SAMPLE_KEY: True,
    })
