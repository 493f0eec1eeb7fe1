"""BLS Local Area Unemployment Statistics (LAUS): labor force and unemployment by county.

Two ways in, one tidy table out:

* the county annual-average workbooks ``https://www.bls.gov/lau/laucnty{YY}.xlsx`` (all US
  counties; a title, a few header lines, an empty spacer column, FIPS codes as text, a source
  note at the foot), saved under ``data/raw/bls/laus/laucnty{YY}.xlsx``. The same table
  converted to CSV (one header line, leading zeros of the FIPS codes lost, thousands
  separators kept) is read too; codes are zero-padded again and checked against the LAUS
  area code, so a leading zero is never lost in the output;
* the BLS Public Data API v2 (``POST https://api.bls.gov/publicAPI/v2/timeseries/data/``),
  for the state and national benchmarks the county workbooks lack. Series ids are
  ``LAU`` + area + measure (``LAUCN060190000000003`` = Fresno County, unemployment rate;
  ``LASST060000000000006`` = California, labor force) and, for the nation, the CPS series
  ``LNU01000000``/``02``/``03``/``04`` (levels in thousands). :func:`fetch_api` posts the
  request (registration key from ``BLS_API_KEY``, never written anywhere), refuses a
  ``REQUEST_NOT_PROCESSED`` answer with BLS's own messages, and saves the JSON response as
  received under ``data/raw/bls/laus/api/``. Annual averages (period ``M13``) come only to
  registered users; without a key BLS sends monthly values, kept as such.

Tidy columns: ``area_fips`` (5-digit text; ``06000`` the state, ``US000`` the nation, as in
QCEW), ``area_title``, ``year``, ``period`` (``A`` annual average, ``01``-``12`` months),
``labor_force``, ``employed``, ``unemployed``, ``unemployment_rate`` (percent), ``footnote``
(the agency's markers: ``N.A.`` where a value is not available, API footnote codes such as
``P`` for preliminary). Values that are not available stay missing, never zero.
"""

from __future__ import annotations

import json
import logging
import os
import re
from pathlib import Path

import pandas as pd
import pandera.pandas as pa
import requests

from assessment import download
from assessment.constants import QCEW_US
from assessment.download import RemoteFile, expect
from assessment.errors import DownloadError, InputError, Problem
from assessment.paths import DataDirs
from assessment.region import Region
from assessment.sources import SourceInfo
from assessment.sources._sheets import blank, cell_text, rows, sniff, validate_rows

log = logging.getLogger(__name__)

INFO = SourceInfo(
    agency="U.S. Bureau of Labor Statistics",
    dataset="Local Area Unemployment Statistics (LAUS), labor force data by county, annual"
            " averages; state and national benchmarks from the Public Data API v2",
    files="www.bls.gov/lau/laucnty{YY}.xlsx; api.bls.gov/publicAPI/v2/timeseries/data/",
    vintage="annual averages, each analysis year of the region file",
    licence="Public domain (U.S. government work)",
    saved_under="data/raw/bls/laus/",
    used_by="02-workforce",
    access="no key for the workbooks (contact e-mail in the user agent); the API takes an"
           " optional registration key from BLS_API_KEY, needed for annual averages",
)
AGENCY, DATASET = "bls", "laus"
WORKBOOK_URL = "https://www.bls.gov/lau/laucnty{yy:02d}.xlsx"
API_URL = "https://api.bls.gov/publicAPI/v2/timeseries/data/"
API_KEY_ENV = "BLS_API_KEY"
API_SUCCEEDED = "REQUEST_SUCCEEDED"
# Series and years one API request may carry (BLS v2 limits: registered / unregistered).
API_LIMITS = {True: (50, 20), False: (25, 10)}

ANNUAL = "A"
NOT_AVAILABLE = "N.A."
_MISSING_MARKERS = {"N.A.", "NA", "N/A", "-", "(n)", "(NA)"}

# LAUS measure codes (la.measure): the last two digits of a LAUS series id.
MEASURES = {"03": "unemployment_rate", "04": "unemployed", "05": "employed", "06": "labor_force"}
# National benchmark: CPS series (thousands of persons; rate in percent).
CPS_US = {"LNU01000000": "labor_force", "LNU02000000": "employed", "LNU03000000": "unemployed",
          "LNU04000000": "unemployment_rate"}
CPS_THOUSANDS = 1000

LAUS_CODE = re.compile(r"^CN(\d{5})0{8}$")
SERIES = re.compile(r"^LA[SU](?:CN(?P<county>\d{5})0{8}|ST(?P<state>\d{2})0{11})(?P<m>0[3-6])$")

TIDY_COLUMNS = ["area_fips", "area_title", "year", "period", "labor_force", "employed",
                "unemployed", "unemployment_rate", "footnote"]
LEVELS = ["labor_force", "employed", "unemployed"]


def _adds_up(df: pd.DataFrame) -> pd.Series:
    """Employed + unemployed = labor force (exactly; within 1,000 for the CPS, in thousands)."""
    tolerance = df["area_fips"].eq(QCEW_US).map({True: CPS_THOUSANDS, False: 0})
    gap = (df["labor_force"] - df["employed"] - df["unemployed"]).abs()
    return (gap <= tolerance).fillna(True).astype(bool)


def _rate_matches(df: pd.DataFrame) -> pd.Series:
    """The published rate is 100 x unemployed / labor force, rounded to one decimal."""
    implied = 100 * df["unemployed"] / df["labor_force"]
    return ((implied - df["unemployment_rate"]).abs() <= 0.15).fillna(True).astype(bool)


SCHEMA = pa.DataFrameSchema(
    {
        "area_fips": pa.Column(str, pa.Check.str_matches(r"^(\d{5}|US000)$")),
        "area_title": pa.Column(str),
        "year": pa.Column("Int64", pa.Check.in_range(1976, 2100)),
        "period": pa.Column(str, pa.Check.isin([ANNUAL] + [f"{m:02d}" for m in range(1, 13)])),
        "labor_force": pa.Column("Int64", pa.Check.ge(0), nullable=True),
        "employed": pa.Column("Int64", pa.Check.ge(0), nullable=True),
        "unemployed": pa.Column("Int64", pa.Check.ge(0), nullable=True),
        "unemployment_rate": pa.Column("Float64", pa.Check.in_range(0, 100), nullable=True),
        "footnote": pa.Column(str),
    },
    checks=[
        pa.Check(_adds_up, error="employed + unemployed must equal the labor force"),
        pa.Check(_rate_matches, error="unemployment rate must be 100 x unemployed / labor force"),
    ],
    strict=True,
    ordered=True,
    unique=["area_fips", "year", "period"],
    report_duplicates="exclude_first",
)


# --- where the files are ---------------------------------------------------------------------


def workbook_url(year: int) -> str:
    return WORKBOOK_URL.format(yy=year % 100)


def workbook_path(dirs: DataDirs, year: int) -> Path:
    return dirs.source_dir(AGENCY, DATASET) / f"laucnty{year % 100:02d}.xlsx"


def remote_files(region: Region, dirs: DataDirs) -> list[RemoteFile]:
    """The county annual-average workbook of every analysis year (all US counties each)."""
    return [
        RemoteFile(url=workbook_url(year), dest=workbook_path(dirs, year), source="BLS LAUS",
                   vintage=f"{year} annual averages", kind="xlsx", validate=read,
                   expect=(expect("year", "year", year),
                           expect("county", "area_fips", *region.county_fips, how="includes")))
        for year in region.years.span
    ]


def benchmark_series(region: Region) -> list[str]:
    """API series for the state (LAUS) and the nation (CPS): all four measures each."""
    state = region.state.fips
    return ([f"LAUST{state}00000000000{m}" for m in sorted(MEASURES)]
            + list(CPS_US))


def api_path(dirs: DataDirs, region: Region) -> Path:
    years = region.years
    return (dirs.source_dir(AGENCY, DATASET) / "api"
            / f"ST{region.state.fips}_US_{years.start}-{years.end}.json")


def extra_files(region: Region, dirs: DataDirs) -> list[Path]:
    """The API response for the benchmarks, a file the region reads beside ``remote_files``."""
    return [api_path(dirs, region)]


# --- reading ---------------------------------------------------------------------------------


def _norm(text: str) -> str:
    return re.sub(r"[^a-z0-9%]+", " ", text.lower().replace("-", "")).strip()


# Header words -> tidy field, tried in this order (so "unemployed" wins over "employed").
_HEADER_FIELDS = [
    ("laus_code", lambda h: "laus" in h),
    ("state", lambda h: "state" in h and "fips" in h),
    ("county", lambda h: "county" in h and "fips" in h),
    ("area_title", lambda h: "name" in h),
    ("year", lambda h: h.split()[-1:] == ["year"] or h == "year"),
    ("unemployment_rate", lambda h: "rate" in h),
    ("unemployed", lambda h: "unemployed" in h),
    ("employed", lambda h: "employed" in h),
    ("labor_force", lambda h: "labor" in h and "force" in h),
]


def _header_map(header_rows: list[list[object]], path: Path, row_no: int) -> dict[str, int]:
    width = max(len(r) for r in header_rows)
    texts = []
    for j in range(width):
        parts = [cell_text(r[j]) for r in header_rows if j < len(r)]
        texts.append(_norm(" ".join(p for p in parts if p)))
    found: dict[str, int] = {}
    for j, text in enumerate(texts):
        if not text:
            continue
        for field, test in _HEADER_FIELDS:
            if field not in found and test(text):
                found[field] = j
                break
    missing = [f for f, _ in _HEADER_FIELDS if f not in found]
    if missing:
        raise InputError(Problem(str(path), row_no, ", ".join(missing), None,
                                 "header lacks column(s) of the LAUS county layout"))
    return found


def _number(value: object, file: Path, row: int, column: str,
            problems: list[Problem], notes: set[str]) -> float | None:
    if value is None:
        notes.add("(blank)")
        return None
    if isinstance(value, int | float) and not isinstance(value, bool):
        return float(value)
    text = str(value).strip()
    if text in _MISSING_MARKERS or text == "":
        notes.add(text or "(blank)")
        return None
    try:
        return float(text.replace(",", ""))
    except ValueError:
        problems.append(Problem(str(file), row, column, value, "not a number"))
        return None


def _read_table(path: Path, table: list[list[object]]) -> pd.DataFrame:
    """The county table in BLS's workbook layout or its CSV conversion."""
    first = next((i for i, r in enumerate(table)
                  if any(LAUS_CODE.match(cell_text(v)) for v in r[:3])), None)
    if first is None:
        raise InputError(Problem(str(path), None, None, None,
                                 "no LAUS county rows (codes like CN0601900000000) found"))
    # Header: the block of non-blank rows just above the data (blank rows in between skipped).
    top = first - 1
    while top >= 0 and blank(table[top]):
        top -= 1
    bottom = top
    while top > 0 and not blank(table[top - 1]):
        top -= 1
    if bottom < 0:
        raise InputError(Problem(str(path), first + 1, None, None,
                                 "no header above the first county row"))
    cols = _header_map(table[top:bottom + 1], path, bottom + 1)

    records, problems, index = [], [], []
    for i in range(first, len(table)):
        r = table[i]
        if blank(r):
            continue
        filled = [j for j, v in enumerate(r) if cell_text(v)]
        if filled and max(filled) <= cols["laus_code"] and not LAUS_CODE.match(cell_text(r[0])):
            continue  # a note at the foot ("SOURCE: BLS, LAUS", release date)
        row_no = i + 1

        def get(field, r=r):
            j = cols[field]
            return r[j] if j < len(r) else None

        code = cell_text(get("laus_code"))
        state = cell_text(get("state")).zfill(2)
        county = cell_text(get("county")).zfill(3)
        fips = state + county
        m = LAUS_CODE.match(code)
        if not m:
            problems.append(Problem(str(path), row_no, "LAUS Code", code,
                                    "not a LAUS county code (CN + 5-digit FIPS + 8 zeros)"))
        elif m.group(1) != fips:
            problems.append(Problem(str(path), row_no, "State/County FIPS Code",
                                    f"{get('state')}/{get('county')}",
                                    f"FIPS codes disagree with the LAUS code {code}"))
        notes: set[str] = set()
        values = {f: _number(get(f), path, row_no, f, problems, notes)
                  for f in LEVELS + ["unemployment_rate"]}
        year = cell_text(get("year"))
        if not re.fullmatch(r"\d{4}", year):
            problems.append(Problem(str(path), row_no, "Year", get("year"), "not a year"))
        records.append({
            "area_fips": fips, "area_title": cell_text(get("area_title")),
            "year": int(year) if year.isdigit() else None, "period": ANNUAL, **values,
            "footnote": " ".join(sorted(notes)),
        })
        index.append(row_no)
    if problems:
        raise InputError(problems)
    out = pd.DataFrame(records, index=pd.Index(index, name="file_row"))
    return out


def _read_api(path: Path, region: Region | None = None) -> pd.DataFrame:
    """A saved BLS Public Data API v2 response (JSON, as received)."""
    try:
        body = json.loads(path.read_text(encoding="utf-8-sig"))
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise InputError(Problem(str(path), None, None, None, f"not valid JSON: {exc}")) from None
    status = body.get("status") if isinstance(body, dict) else None
    if status != API_SUCCEEDED:
        messages = "; ".join(body.get("message") or []) if isinstance(body, dict) else ""
        raise InputError(Problem(str(path), None, "status", status,
                                 f"BLS API did not answer {API_SUCCEEDED}: {messages}"))
    series = (body.get("Results") or {}).get("series")
    if not isinstance(series, list):
        raise InputError(Problem(str(path), None, "Results.series", None,
                                 "BLS API response has no series list"))
    state_name = region.state.name if region is not None else None
    cells: dict[tuple[str, int, str], dict] = {}
    problems: list[Problem] = []
    for s in series:
        sid = str(s.get("seriesID", ""))
        m = SERIES.match(sid)
        if m:
            county, state = m.group("county"), m.group("state")
            fips = county or state + "000"
            field, scale = MEASURES[m.group("m")], 1
            fallback = f"County {county}" if county else (state_name or f"State {state}")
            title = (s.get("catalog") or {}).get("area") or fallback
        elif sid in CPS_US:
            fips, field, scale, title = QCEW_US, CPS_US[sid], CPS_THOUSANDS, "United States"
        else:
            problems.append(Problem(str(path), None, "seriesID", sid,
                                    "not a LAUS county/state series or a CPS national series"))
            continue
        for obs in s.get("data") or []:
            where = f"{sid} {obs.get('year')} {obs.get('period')}"
            period = str(obs.get("period", ""))
            if period == "M13":
                period = ANNUAL
            elif re.fullmatch(r"M(0[1-9]|1[0-2])", period):
                period = period[1:]
            else:
                problems.append(Problem(str(path), None, where, obs.get("period"),
                                        "period must be M01-M12 or M13 (annual average)"))
                continue
            try:
                year = int(obs.get("year"))
            except (TypeError, ValueError):
                problems.append(Problem(str(path), None, where, obs.get("year"), "not a year"))
                continue
            key = (fips, year, period)
            rec = cells.setdefault(key, {"area_fips": fips, "area_title": title, "year": year,
                                         "period": period, "notes": set()})
            notes = rec["notes"]
            value = _number(obs.get("value"), path, None, where, problems, notes)
            if value is not None and field != "unemployment_rate":
                value *= scale
            rec[field] = value
            for fn in obs.get("footnotes") or []:
                if isinstance(fn, dict) and fn.get("code"):
                    notes.add(str(fn["code"]))
    if problems:
        raise InputError(problems)
    records = []
    for key in sorted(cells):
        rec = cells[key]
        notes = rec.pop("notes")
        rec.setdefault("footnote", " ".join(sorted(notes)))
        records.append(rec)
    out = pd.DataFrame(records, columns=TIDY_COLUMNS)
    out.index = pd.RangeIndex(1, len(out) + 1, name="record")
    return out


def _typed(out: pd.DataFrame) -> pd.DataFrame:
    out = out.reindex(columns=TIDY_COLUMNS)
    for col in ["area_fips", "area_title", "period", "footnote"]:
        out[col] = out[col].fillna("").astype(str)
    out["year"] = pd.to_numeric(out["year"]).astype("Int64")
    for col in LEVELS:
        out[col] = pd.to_numeric(out[col]).round().astype("Int64")
    out["unemployment_rate"] = pd.to_numeric(out["unemployment_rate"]).astype("Float64")
    return out


def read(path: str | Path, region: Region | None = None) -> pd.DataFrame:
    """Parse a county workbook (or its CSV form) or a saved API response into the tidy table.

    With ``region``, keep its counties and the state and national rows.
    """
    path = Path(path)
    out = _read_api(path, region) if sniff(path) == "json" else _read_table(path, rows(path))
    if out.empty:
        raise InputError(Problem(str(path), None, None, None, "file has no data rows"))
    out = validate_rows(_typed(out), SCHEMA, path)
    if region is not None:
        keep = region.county_fips + [f"{region.state.fips}000", QCEW_US]
        out = out[out["area_fips"].isin(keep)]
    return out


# --- the API ---------------------------------------------------------------------------------


def api_payload(series: list[str], start: int, end: int, key: str | None) -> dict:
    """The JSON body BLS expects; annual averages and catalog data need a registration key."""
    body: dict[str, object] = {"seriesid": list(series), "startyear": str(start),
                               "endyear": str(end)}
    if key:
        body.update(registrationkey=key, annualaverage=True, catalog=True)
    return body


def _series_areas(series: list[str]) -> list[str]:
    """The tidy ``area_fips`` each requested series belongs to (the nation for CPS series)."""
    areas = []
    for sid in series:
        m = SERIES.match(sid)
        if m:
            areas.append(m["county"] or f"{m['state']}000")
        elif sid in CPS_US:
            areas.append(QCEW_US)
    return list(dict.fromkeys(areas))


def fetch_api(series: list[str], start: int, end: int, dest: Path, *,
              http: requests.Session | None = None, vintage: str | None = None) -> Path:
    """POST one API request and save the response as received; refuse any failed answer.

    The registration key (``BLS_API_KEY``) travels in the request body only: the manifest
    records the request without it.
    """
    key = os.environ.get(API_KEY_ENV, "").strip() or None
    max_series, max_years = API_LIMITS[key is not None]
    if len(series) > max_series or end - start + 1 > max_years:
        raise DownloadError(
            f"one BLS API request takes at most {max_series} series and {max_years} years"
            f" {'with' if key else 'without'} a registration key; asked for {len(series)}"
            f" series over {end - start + 1} years.")
    if key is None:
        log.warning("no %s set: BLS sends monthly values only (no annual averages)",
                    API_KEY_ENV)
    rf = download.RemoteFile(
        url=API_URL, dest=dest, source="BLS LAUS (API)", vintage=vintage or f"{start}-{end}",
        kind="json", json_body=api_payload(series, start, end, key), validate=read,
        expect=(expect("year", "year", *range(start, end + 1)),
                expect("area", "area_fips", *_series_areas(series), how="includes")))
    # download.fetch retries, refuses HTML and failed answers (read() rejects any status but
    # REQUEST_SUCCEEDED), writes atomically and records the request without the key.
    download.fetch([rf], http=http)
    for message in json.loads(dest.read_bytes()).get("message") or []:
        log.warning("BLS API: %s", message)
    return dest


def fetch_benchmarks(region: Region, dirs: DataDirs, *, offline: bool = False,
                     http: requests.Session | None = None) -> Path | None:
    """The state and national series for the analysis years, unless already saved."""
    dest = api_path(dirs, region)
    if dest.exists():
        return dest
    if offline:
        return None
    years = region.years
    return fetch_api(benchmark_series(region), years.start, years.end, dest, http=http,
                     vintage=f"{years.start}-{years.end} annual averages")


# --- processed table -------------------------------------------------------------------------


def process(region: Region, dirs: DataDirs) -> dict[str, pd.DataFrame]:
    """``laus``: the region's counties each analysis year, plus the state and the nation
    when the API response (:func:`fetch_benchmarks`) has been saved."""
    frames = [read(rf.dest, region) for rf in remote_files(region, dirs)]
    bench = api_path(dirs, region)
    if bench.exists():
        frames.append(read(bench, region))
    else:
        log.warning("no LAUS benchmark file at %s: state and nation left out", bench)
    out = pd.concat(frames, ignore_index=True)
    return {"laus": out.sort_values(["area_fips", "year", "period"], ignore_index=True)}
