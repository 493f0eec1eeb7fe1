"""BLS Occupational Employment and Wage Statistics (OEWS): employment and wages by occupation.

Two published layouts give the same tidy table:

* **Time-series flat files** under ``https://download.bls.gov/pub/time.series/oe/``:
  ``oe.data.0.Current`` holds every estimate of the newest May release, one line per series and
  period (``series_id, year, period, value, footnote_codes``, tab-separated; BLS pads
  ``series_id`` to 30 characters and right-aligns ``value`` in 12, lines end in CRLF; unpadded
  copies are read the same way). A series id is ``OEU`` + area type (``M``/``S``/``N``) + area (7)
  + industry (6) + occupation (6) + datatype (2), datatypes ``01``-``17`` being employment,
  relative standard errors, hourly and annual mean and percentile wages, jobs per 1,000 and the
  location quotient (``oe.datatype``). Titles come from ``oe.area``, ``oe.industry`` and
  ``oe.occupation`` beside the data file (also found as ``oe.area.tsv`` and so on); without them
  titles are missing and ``o_group`` follows the SOC code pattern. They land under
  ``data/raw/bls/oews/{year}A01/``, keyed by BLS's release code, because ``Current`` always
  means the newest release.
* **Special-request workbooks** (``MSA_M2024_dl.xlsx``, ``natsector_M2024_dl.xlsx``,
  ``all_data_M_2024.xlsx``...): one row per area x industry x occupation with upper-case columns
  (``AREA, AREA_TITLE, AREA_TYPE, NAICS, NAICS_TITLE, OCC_CODE, ... A_PCT90, ANNUAL, HOURLY``)
  and the markers ``*`` (wage not available), ``**`` (employment not available) and ``#`` (wage
  at or above the top-code cap). The release year comes from the file name (``M2024``). Only
  ``.xlsx`` workbooks are read (BLS's format since the May 2014 release).

The tidy table has one row per area x industry x occupation x release:

* ``area_code``: 7-digit OEWS area: ``0000000`` nation, state FIPS + ``00000`` (``0600000``),
  ``00`` + CBSA for metro areas (``0023420`` Fresno), state FIPS + 5 digits for nonmetro areas.
  Workbook ``AREA`` codes are mapped to it (``99`` nation, ``6``/``06`` state, ``23420`` metro).
* ``area_type``: ``nation``, ``state``, ``territory``, ``metro`` or ``nonmetro``.
* ``industry_code``: written the way QCEW and the region file write NAICS: sector ``31-33``,
  subsector ``311``, industry group ``3111``, 5-digit ``31111``. The time series pads codes to
  six characters (``311000``, ``311100``) and writes sectors as a half-open range (``31--34`` is
  31-33, ``11--12`` is 11, ``99-100`` is 99); workbooks write ``31`` for 31-33 in ``natsector``
  files and padded codes elsewhere. OEWS's own designations are kept as published: ``000000``
  cross-industry (all ownerships), ``000001`` cross-industry private, aggregates such as
  ``3250A1`` and the government codes ``999xxx``.
* ``occ_code``: SOC with its hyphen (``51-4041``); ``o_group``: total, major, minor, broad,
  detailed (workbook ``O_GROUP``, time-series ``display_level``).
* the 17 estimates (``tot_emp`` ... ``loc_quotient``) and, for each, ``<estimate>_flag``:

  ========================  =====================================================================
  flag                      meaning (source marker)
  ========================  =====================================================================
  ``""``                    published
  ``suppressed``            not released: workbook ``*`` / ``**``, time-series ``-`` with footnote
                            8 ("Estimate not released") or with no footnote
  ``top_coded``             wage at or above the cap ($115.00 an hour, $239,200 a year in 2025):
                            workbook ``#``, time-series ``-`` with footnote 5
  ``annual_only``           hourly wage not published, the occupation is paid by the year:
                            time-series footnote 4 on an hourly datatype; workbook ``*`` in an
                            ``H_`` column where ``ANNUAL`` is TRUE
  ``hourly_only``           the reverse (footnote 4 on an annual datatype; ``HOURLY`` TRUE)
  ``absent``                the file has no such estimate for this row (industry-specific rows
                            carry no jobs per 1,000 or location quotient)
  ========================  =====================================================================

  A flagged estimate is always missing: nothing is invented for it, and no published number is
  dropped.

``read(path, region)`` keeps only the region's OEWS areas (the areas standing for its counties in
its OEWS release, the state and the nation) and, within them, cross-industry rows and the
region's industry scope (sector and 3-digit subsectors). On the complete national
``oe.data.0.Current`` (330 MB, 6 million lines) DuckDB streams the file, numbering lines as it
goes so errors name them, and keeps those lines without loading the rest: about 2.5 s and 400 MB
on a 2-core machine (``benchmarks/oews_read.py`` measures it). Without a region every line is
parsed and pivoted (about 13 s and 2 GB for the complete file).
"""

from __future__ import annotations

import csv
import functools
import re
from collections.abc import Iterator
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
import pandera.pandas as pa

from assessment.download import RemoteFile, expect
from assessment.errors import InputError, Problem
from assessment.paths import DataDirs
from assessment.region import Region
from assessment.schemas import require_columns, validate
from assessment.sources import SourceInfo

INFO = SourceInfo(
    agency="U.S. Bureau of Labor Statistics",
    dataset="Occupational Employment and Wage Statistics (OEWS), time-series flat files",
    files="download.bls.gov/pub/time.series/oe/{oe.data.0.Current,oe.area,oe.industry,"
          "oe.occupation,oe.datatype,oe.footnote}",
    vintage="May estimates of the region file's OEWS release (years.oews)",
    licence="Public domain (U.S. government work)",
    saved_under="data/raw/bls/oews/{year}A01/",
    used_by="03-occupations",
    access="no key; contact e-mail in the user agent",
)
AGENCY, DATASET = "bls", "oews"
BASE_URL = "https://download.bls.gov/pub/time.series/oe"
DATA_FILE = "oe.data.0.Current"
LOOKUP_FILES = ("oe.area", "oe.industry", "oe.occupation", "oe.datatype", "oe.footnote")
PERIOD = "A01"  # OEWS May estimates are published as annual period A01

# Area codes (7 digits) and industry codes OEWS gives a meaning of its own.
NATION = "0000000"
CROSS_INDUSTRY = "000000"  # all ownerships
CROSS_INDUSTRY_PRIVATE = "000001"
CROSS_INDUSTRY_CODES = (CROSS_INDUSTRY, CROSS_INDUSTRY_PRIVATE)
# NAICS sectors that span several 2-digit codes; natsector workbooks write only the first.
SECTOR_RANGES = {"31": "31-33", "44": "44-45", "48": "48-49"}

# Datatype code (oe.datatype) -> tidy column, and the name BLS gives it.
DATATYPES = {
    "01": ("tot_emp", "Employment"),
    "02": ("emp_prse", "Employment percent relative standard error"),
    "03": ("h_mean", "Hourly mean wage"),
    "04": ("a_mean", "Annual mean wage"),
    "05": ("mean_prse", "Wage percent relative standard error"),
    "06": ("h_pct10", "Hourly 10th percentile wage"),
    "07": ("h_pct25", "Hourly 25th percentile wage"),
    "08": ("h_median", "Hourly median wage"),
    "09": ("h_pct75", "Hourly 75th percentile wage"),
    "10": ("h_pct90", "Hourly 90th percentile wage"),
    "11": ("a_pct10", "Annual 10th percentile wage"),
    "12": ("a_pct25", "Annual 25th percentile wage"),
    "13": ("a_median", "Annual median wage"),
    "14": ("a_pct75", "Annual 75th percentile wage"),
    "15": ("a_pct90", "Annual 90th percentile wage"),
    "16": ("jobs_1000", "Employment per 1,000 jobs"),
    "17": ("loc_quotient", "Location Quotient"),
}
CODE_OF = {column: code for code, (column, _name) in DATATYPES.items()}
# The order of the workbooks' columns.
MEASURES = ["tot_emp", "emp_prse", "jobs_1000", "loc_quotient", "h_mean", "a_mean", "mean_prse",
            "h_pct10", "h_pct25", "h_median", "h_pct75", "h_pct90",
            "a_pct10", "a_pct25", "a_median", "a_pct75", "a_pct90"]
HOURLY = frozenset(m for m in MEASURES if m.startswith("h_"))
ANNUAL = frozenset(m for m in MEASURES if m.startswith("a_"))
EMPLOYMENT = ("tot_emp", "emp_prse", "jobs_1000", "loc_quotient")

# Flags: see the module docstring.
PUBLISHED = ""
SUPPRESSED = "suppressed"
TOP_CODED = "top_coded"
ANNUAL_ONLY = "annual_only"
HOURLY_ONLY = "hourly_only"
ABSENT = "absent"
FLAGS = (PUBLISHED, SUPPRESSED, TOP_CODED, ANNUAL_ONLY, HOURLY_ONLY, ABSENT)

# Time-series footnotes (oe.footnote) that explain a "-" value, and a phrase of each text.
FOOTNOTE_WAGE_BASIS = "4"  # "... reported either as hourly wages or annual salaries ..."
FOOTNOTE_TOP_CODED = "5"  # "This wage is equal to or greater than $115.00 per hour or ..."
FOOTNOTE_NOT_RELEASED = "8"  # "Estimate not released."
_FOOTNOTE_PHRASES = {FOOTNOTE_WAGE_BASIS: "hourly wages or annual salaries",
                     FOOTNOTE_TOP_CODED: "equal to or greater than",
                     FOOTNOTE_NOT_RELEASED: "not released"}
# Workbook markers.
WB_WAGE_NA, WB_EMP_NA, WB_TOP_CODED = "*", "**", "#"

AREA_TYPES = ("nation", "state", "territory", "metro", "nonmetro")
O_GROUPS = ("total", "major", "minor", "broad", "detailed")
_DISPLAY_LEVEL_GROUP = {"1": "minor", "2": "broad", "3": "detailed"}  # 0: total or major
_TERRITORIES = ("66", "72", "78")  # Guam, Puerto Rico, Virgin Islands
_WB_AREA_TYPES = {"1": "nation", "2": "state", "3": "territory", "4": "metro", "6": "nonmetro"}

# Workbooks list an occupation OEWS publishes at the broad level twice (O_GROUP broad and
# detailed), so the group is part of the key.
KEY = ["area_code", "industry_code", "occ_code", "o_group", "year", "period"]
TIDY_COLUMNS = (["area_code", "area_title", "area_type", "industry_code", "industry_title",
                 "occ_code", "occ_title", "o_group", "year", "period"]
                + MEASURES + [f"{m}_flag" for m in MEASURES])

SERIES_PATTERN = r"OEU[MNS][0-9]{7}[0-9A-Z-]{6}[0-9]{8}"
NUMBER_PATTERN = r"[0-9]+(\.[0-9]+)?"
INDUSTRY_PATTERN = r"^(\d{2}(-\d{2})?|\d{3,5}|\d{6}|[0-9A-Z]{6})$"


def _measure_check(column: str) -> list[pa.Check]:
    if column in ("emp_prse", "mean_prse"):
        return [pa.Check.in_range(0, 100)]
    if column == "jobs_1000":
        return [pa.Check.in_range(0, 1000)]
    return [pa.Check.ge(0)]


def _flags_match_values(df: pd.DataFrame) -> pd.Series:
    present = df[MEASURES].notna().to_numpy()
    published = df[[f"{m}_flag" for m in MEASURES]].eq(PUBLISHED).to_numpy()
    return pd.Series((present == published).all(axis=1), index=df.index)


SCHEMA = pa.DataFrameSchema(
    {
        "area_code": pa.Column(str, pa.Check.str_matches(r"^\d{7}$")),
        "area_title": pa.Column(str, nullable=True),
        "area_type": pa.Column(str, pa.Check.isin(AREA_TYPES)),
        "industry_code": pa.Column(str, pa.Check.str_matches(INDUSTRY_PATTERN)),
        "industry_title": pa.Column(str, nullable=True),
        "occ_code": pa.Column(str, pa.Check.str_matches(r"^\d{2}-\d{4}$")),
        "occ_title": pa.Column(str, nullable=True),
        "o_group": pa.Column(str, pa.Check.isin(O_GROUPS)),
        "year": pa.Column("Int64", pa.Check.in_range(1997, 2100)),
        "period": pa.Column(str, pa.Check.str_matches(r"^A\d{2}$")),
        **{m: pa.Column("Int64" if m == "tot_emp" else "Float64", _measure_check(m),
                        nullable=True) for m in MEASURES},
        **{f"{m}_flag": pa.Column(str, pa.Check.isin(FLAGS)) for m in MEASURES},
    },
    checks=[pa.Check(_flags_match_values,
                     error="an estimate is present exactly when its flag is empty")],
    strict=True,
    ordered=True,
    unique=KEY,
    report_duplicates="exclude_first",
)


# --- codes ------------------------------------------------------------------------------------


def soc(code: str) -> str:
    """``514041`` -> ``51-4041``."""
    return f"{code[:2]}-{code[2:]}"


def normalise_industry(raw: str) -> str:
    """An OEWS industry code (time series or workbook) in the NAICS form of QCEW and the region.

    ``31--34`` and ``31`` -> ``31-33``; ``311000`` -> ``311``; ``311100`` -> ``3111``;
    ``000000``, ``000001``, ``3250A1``, ``999100`` stay as published.
    """
    code = str(raw).strip()
    if code in CROSS_INDUSTRY_CODES:
        return code
    m = re.fullmatch(r"(\d{2})(?:--(\d{2})|-(\d{3}))", code)
    if m:  # the time series' half-open sector range, always 6 characters
        first, end = int(m.group(1)), int(m.group(2) or m.group(3))
        return m.group(1) if end - 1 <= first else f"{m.group(1)}-{end - 1}"
    if re.fullmatch(r"\d{2}", code):
        return SECTOR_RANGES.get(code, code)
    if re.fullmatch(r"\d{2}-\d{2}", code):
        return code
    if re.fullmatch(r"\d{6}", code) and not code.startswith("99"):
        for digits in (3, 4, 5):
            if code[digits:] == "0" * (6 - digits):
                return code[:digits]
    return code


def series_industry(code: str) -> str:
    """The time series' 6-character form of a NAICS-form industry code (inverse of
    :func:`normalise_industry`): ``31-33`` -> ``31--34``, ``11`` -> ``11--12``, ``311`` ->
    ``311000``."""
    code = code.strip()
    if code in CROSS_INDUSTRY_CODES or len(code) == 6:
        return code
    m = re.fullmatch(r"(\d{2})(?:-(\d{2}))?", code)
    if m:
        first = m.group(1)
        end = str(int(m.group(2) or first) + 1)
        return first + "-" * (6 - len(first) - len(end)) + end
    if re.fullmatch(r"\d{3,5}", code):
        return code.ljust(6, "0")
    raise ValueError(f"not a NAICS sector or industry code: {code!r}")


def workbook_area(area: object, area_type: object) -> str:
    """A workbook ``AREA`` (with its ``AREA_TYPE``) as a 7-digit OEWS area code."""
    code = _cell_text(area)
    kind = _WB_AREA_TYPES.get(_cell_text(area_type))
    if kind == "nation" or (kind is None and code == "99"):
        return NATION
    if kind in ("state", "territory") or (kind is None and len(code) <= 2):
        return code.zfill(2) + "00000"
    return code.zfill(7)


def _area_type(areatype: str, area: str) -> str:
    if areatype == "N":
        return "nation"
    if areatype == "S":
        return "territory" if area[:2] in _TERRITORIES else "state"
    return "metro" if area.startswith("00") else "nonmetro"


def _o_group_from_code(occ: str) -> str:
    """SOC structure, used when no occupation lookup is at hand."""
    digits = occ.replace("-", "")
    if digits == "000000":
        return "total"
    if digits.endswith("0000"):
        return "major"
    if digits.endswith("000"):
        return "minor"
    return "broad" if digits.endswith("0") else "detailed"


def _cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


# --- which rows a region needs ----------------------------------------------------------------


def region_areas(region: Region) -> list[str]:
    """7-digit OEWS areas: those standing for the counties in the OEWS release, state, nation."""
    codes = [choice.code for choice in region.oews_areas().values()]
    codes += [region.benchmarks.state.oews, region.benchmarks.nation.oews]
    return list(dict.fromkeys(codes))


def region_industries(region: Region) -> list[str]:
    """Cross-industry codes and the region's sector and subsectors, in tidy (NAICS) form."""
    return list(dict.fromkeys([*CROSS_INDUSTRY_CODES, region.industry.sector,
                               *region.industry.subsectors]))


# --- remote files -----------------------------------------------------------------------------


def release_dir(dirs: DataDirs, year: int) -> Path:
    return dirs.source_dir(AGENCY, DATASET) / f"{year}{PERIOD}"


def _validate_current(path: Path, region: Region) -> pd.DataFrame:
    """A downloaded ``oe.data.0.Current`` must parse and hold the release the region asks for."""
    table = read(path, region)
    years = sorted(table["year"].dropna().unique().tolist())
    if years != [region.years.oews]:
        raise InputError(Problem(
            str(path), None, "year", years,
            f"the region file asks for the May {region.years.oews} OEWS release; BLS's"
            f" {DATA_FILE} always holds the newest one. Set years.oews to the release the file"
            " holds, or save the older release's files by hand"))
    return table


def remote_files(region: Region, dirs: DataDirs) -> list[RemoteFile]:
    """The complete ``oe.data.0.Current`` and its lookups, for the region's OEWS release."""
    year = region.years.oews
    folder = release_dir(dirs, year)
    vintage = f"May {year} ({year}{PERIOD})"
    files = [RemoteFile(url=f"{BASE_URL}/{DATA_FILE}", dest=folder / DATA_FILE, source="BLS OEWS",
                        vintage=vintage, kind="text",
                        validate=functools.partial(_validate_current, region=region),
                        # the national file: it must hold the state and the nation (the
                        # release year is checked by _validate_current)
                        expect=(expect("area", "area_code", region.benchmarks.state.oews,
                                       region.benchmarks.nation.oews, how="includes"),))]
    files += [RemoteFile(url=f"{BASE_URL}/{name}", dest=folder / name, source="BLS OEWS",
                         vintage=vintage, kind="text",
                         validate=functools.partial(read_lookup, name=name))
              for name in LOOKUP_FILES]
    return files


# --- lookups ----------------------------------------------------------------------------------

_LOOKUP_COLUMNS = {
    "oe.area": ["area_code", "area_name"],
    "oe.industry": ["industry_code", "industry_name"],
    "oe.occupation": ["occupation_code", "occupation_name"],
    "oe.datatype": ["datatype_code", "datatype_name"],
    "oe.footnote": ["footnote_code", "footnote_text"],
}


def read_lookup(path: str | Path, name: str | None = None) -> pd.DataFrame:
    """One time-series lookup (``oe.area`` ...), every field stripped of BLS's padding."""
    path = Path(path)
    name = name or next((n for n in LOOKUP_FILES if path.name.startswith(n)), None)
    if name not in _LOOKUP_COLUMNS:
        raise InputError(Problem(str(path), None, None, None,
                                 f"not an OEWS lookup file (expected one of {LOOKUP_FILES})"))
    frame = None
    for encoding in ("utf-8", "latin-1"):
        try:
            frame = pd.read_csv(path, sep="\t", dtype=str, keep_default_na=False,
                                encoding=encoding, quoting=csv.QUOTE_NONE)
            break
        except UnicodeDecodeError:
            continue
        except (pd.errors.ParserError, pd.errors.EmptyDataError) as exc:
            raise InputError(Problem(str(path), None, None, None,
                                     f"not a readable tab-separated file: {exc}")) from None
    assert frame is not None  # latin-1 decodes any bytes
    frame.columns = [c.strip() for c in frame.columns]
    frame = frame.apply(lambda col: col.str.strip())
    require_columns(frame.columns, _LOOKUP_COLUMNS[name], path, f"BLS {name}")
    frame.index = pd.RangeIndex(2, len(frame) + 2, name="file_row")
    if name == "oe.datatype":
        _check_datatypes(frame, path)
    if name == "oe.footnote":
        _check_footnotes(frame, path)
    return frame


def _check_datatypes(frame: pd.DataFrame, path: Path) -> None:
    problems = []
    for row, code, label in frame[["datatype_code", "datatype_name"]].itertuples():
        expected = DATATYPES.get(code)
        if expected is None or expected[1].lower() != label.lower():
            problems.append(Problem(str(path), int(row), "datatype_name", f"{code} {label}",
                                    "datatype code differs from the OEWS code list this parser"
                                    " knows (01 Employment ... 17 Location Quotient)"))
    if problems:
        raise InputError(problems)


def _check_footnotes(frame: pd.DataFrame, path: Path) -> None:
    texts = dict(zip(frame["footnote_code"], frame["footnote_text"].str.lower(), strict=True))
    problems = [Problem(str(path), None, "footnote_text", texts.get(code),
                        f"footnote {code} should say '{phrase}': BLS changed its footnote codes")
                for code, phrase in _FOOTNOTE_PHRASES.items()
                if code in texts and phrase not in texts[code]]
    if problems:
        raise InputError(problems)


def _lookup_beside(data: Path, name: str) -> pd.DataFrame | None:
    for candidate in (name, f"{name}.tsv", f"{name}.txt"):
        path = data.parent / candidate
        if path.is_file():
            return read_lookup(path, name)
    return None


# --- time-series flat file ----------------------------------------------------------------------

_TS_HEADER = ["series_id", "year", "period", "value", "footnote_codes"]


def _sql_list(values: list[str]) -> str:
    return ", ".join("'" + v.replace("'", "''") + "'" for v in values)


def _duckdb_problem(path: Path, exc: duckdb.Error) -> Problem:
    text = str(exc)
    line = re.search(r"on Line: (\d+)", text)
    shown = re.search(r"Original Line:\s*\n(.*)\n", text)
    reason = re.search(r"(Expected Number of Columns[^\n]*|Invalid unicode[^\n]*)", text)
    return Problem(str(path), int(line.group(1)) if line else None, None,
                   shown.group(1) if shown else None,
                   (reason.group(1) if reason else text.splitlines()[0])
                   + " (a time-series line has 5 tab-separated fields)")


def _check_ts_header(path: Path) -> None:
    with path.open("rb") as fh:
        first = fh.readline(4096).decode("latin-1")
    fields = [f.strip() for f in first.rstrip("\r\n").split("\t")]
    if fields != _TS_HEADER:
        raise InputError(Problem(str(path), 1, None, first.strip()[:120],
                                 "header is not the OEWS time-series header"
                                 f" ({', '.join(_TS_HEADER)}, tab-separated)"))


def _flag_sql() -> str:
    """The flag of one line, as its index in :data:`FLAGS`."""
    hourly = _sql_list([CODE_OF[m] for m in sorted(HOURLY)])
    annual = _sql_list([CODE_OF[m] for m in sorted(ANNUAL)])
    notes = "string_split(coalesce(footnote_codes, ''), ',')"
    code = FLAGS.index
    return f"""CASE
        WHEN number IS NOT NULL THEN {code(PUBLISHED)}
        WHEN value = '{WB_TOP_CODED}' OR list_contains({notes}, '{FOOTNOTE_TOP_CODED}')
            THEN {code(TOP_CODED)}
        WHEN list_contains({notes}, '{FOOTNOTE_WAGE_BASIS}') AND datatype IN ({hourly})
            THEN {code(ANNUAL_ONLY)}
        WHEN list_contains({notes}, '{FOOTNOTE_WAGE_BASIS}') AND datatype IN ({annual})
            THEN {code(HOURLY_ONLY)}
        ELSE {code(SUPPRESSED)} END"""


def _by_unique(values: np.ndarray, func) -> np.ndarray:
    """``func`` applied once per distinct value (codes repeat across hundreds of rows)."""
    uniques, inverse = np.unique(values.astype(str), return_inverse=True)
    return np.array([func(u) for u in uniques], dtype=object)[inverse]


def _read_timeseries(path: Path, region: Region | None) -> pd.DataFrame:
    _check_ts_header(path)
    con = duckdb.connect()
    con.execute("SET enable_progress_bar = false")
    columns = "{" + ", ".join(f"'{c}': 'VARCHAR'" for c in _TS_HEADER) + "}"
    scan = (f"read_csv('{str(path).replace(chr(39), chr(39) * 2)}', delim='\t', header=true,"
            f" columns={columns}, quote='', escape='', auto_detect=false)")
    # Line numbers: DuckDB skips blank lines, so a file with blank lines in the middle would
    # shift them; BLS writes none.
    numbered = f"SELECT row_number() OVER () + 1 AS file_row, * FROM {scan}"
    # Lines the filter cannot place (not "OEU" + 22 characters, bare or padded with exactly 5
    # spaces) are kept too, so they are reported instead of skipped; kept lines get the full
    # checks. LIKE patterns cost little on 6 million lines.
    any22 = "_" * 22
    malformed = (f"NOT (series_id LIKE 'OEU{any22}' OR (series_id LIKE 'OEU{any22}     '"
                 " AND series_id NOT LIKE '%      '))")
    if region is None:
        keep = "TRUE"
    else:  # compare the padded field's fixed positions: cheap on 6 million lines
        industries = [series_industry(code) for code in region_industries(region)]
        keep = (f"substr(series_id, 5, 7) IN ({_sql_list(region_areas(region))})"
                f" AND substr(series_id, 12, 6) IN ({_sql_list(industries)})")
    try:
        con.execute(f"""CREATE TEMP TABLE lines AS
            SELECT *, CASE WHEN regexp_full_match(value, '{NUMBER_PATTERN}')
                           THEN CAST(value AS DOUBLE) END AS number
            FROM (SELECT file_row, rtrim(series_id) AS series_id, trim(year) AS year,
                         trim(period) AS period, trim(value, ' \r') AS value,
                         nullif(trim(footnote_codes, ' \r'), '') AS footnote_codes
                  FROM ({numbered}) WHERE ({keep}) OR {malformed})""")
    except duckdb.Error as exc:
        raise InputError(_duckdb_problem(path, exc)) from None
    problems = _ts_problems(con, path)
    if problems:
        raise InputError(problems)

    absent = FLAGS.index(ABSENT)
    pivots = ",\n".join(
        f"max(number) FILTER (WHERE datatype = '{code}') AS {col},"
        f" coalesce(max(flag) FILTER (WHERE datatype = '{code}'), {absent}) AS {col}_flag"
        for code, (col, _name) in DATATYPES.items())
    frame = con.sql(f"""
        WITH cells AS (
            SELECT file_row, substr(series_id, 4, 1) AS areatype, substr(series_id, 5, 7) AS area,
                   substr(series_id, 12, 6) AS industry, substr(series_id, 18, 6) AS occ,
                   substr(series_id, 24, 2) AS datatype, year, period, value, footnote_codes,
                   number
            FROM lines)
        SELECT min(file_row) AS file_row, areatype, area, industry, occ, year, period, {pivots}
        FROM (SELECT *, CAST({_flag_sql()} AS UTINYINT) AS flag FROM cells)
        GROUP BY areatype, area, industry, occ, year, period
        ORDER BY min(file_row)""").df()
    con.close()

    out = pd.DataFrame(index=pd.Index(frame["file_row"].astype("int64"), name="file_row"))
    area = frame["area"].to_numpy(dtype=object)
    out["area_code"] = area
    out["area_title"] = pd.NA
    kinds = frame["areatype"].to_numpy(dtype=object) + area
    out["area_type"] = _by_unique(kinds, lambda k: _area_type(k[0], k[1:]))
    raw_industry = frame["industry"].to_numpy(dtype=object)
    out["industry_code"] = _by_unique(raw_industry, normalise_industry)
    out["industry_title"] = pd.NA
    raw_occ = frame["occ"].to_numpy(dtype=object)
    out["occ_code"] = _by_unique(raw_occ, soc)
    out["occ_title"] = pd.NA
    out["o_group"] = _by_unique(raw_occ, _o_group_from_code)
    out["year"] = pd.to_numeric(frame["year"]).astype("Int64").array
    out["period"] = frame["period"].to_numpy(dtype=object)
    flag_names = np.array(FLAGS, dtype=object)
    for m in MEASURES:
        values = pd.Series(frame[m].to_numpy(), index=out.index, dtype="Float64")
        out[m] = values.round().astype("Int64") if m == "tot_emp" else values
        out[f"{m}_flag"] = flag_names[frame[f"{m}_flag"].to_numpy(dtype="int64")]
    _add_titles(out, path, raw_industry, raw_occ)
    return out[TIDY_COLUMNS]


def _ts_problems(con: duckdb.DuckDBPyConnection, path: Path, limit: int = 200) -> list[Problem]:
    datatypes = _sql_list(list(DATATYPES))
    checks = [
        ("series_id", f"NOT regexp_full_match(series_id, '{SERIES_PATTERN}')",
         "not an OEWS series id (OEU + M/S/N + area 7 + industry 6 + occupation 6 + datatype 2)"),
        ("series_id", f"regexp_full_match(series_id, '{SERIES_PATTERN}')"
                      f" AND substr(series_id, 24, 2) NOT IN ({datatypes})",
         "unknown datatype code (oe.datatype lists 01-17)"),
        ("year", "NOT regexp_full_match(coalesce(year, ''), '[0-9]{4}')", "not a 4-digit year"),
        ("period", "NOT regexp_full_match(coalesce(period, ''), 'A[0-9]{2}')",
         "not an annual period (A01)"),
        ("value", "value IS NULL OR value = ''",
         "blank value (BLS writes '-' with a footnote for estimates it does not publish)"),
        ("value", f"value <> '' AND number IS NULL"
                  f" AND value NOT IN ('-', '{WB_WAGE_NA}', '{WB_EMP_NA}', '{WB_TOP_CODED}')",
         "not a number or an OEWS marker (-, *, **, #)"),
    ]
    union = " UNION ALL ".join(
        f"SELECT file_row, '{column}' AS col, {column} AS value, '{rule}' AS rule"
        f" FROM lines WHERE {condition}"
        for column, condition, rule in ((c, cond, r.replace("'", "''")) for c, cond, r in checks))
    rows = con.sql(f"SELECT * FROM ({union}) ORDER BY file_row LIMIT {limit}").fetchall()
    problems = [Problem(str(path), int(r), col, value, rule) for r, col, value, rule in rows]
    dupes = con.sql(f"""SELECT series_id, year, period, list(file_row ORDER BY file_row)
                        FROM lines GROUP BY series_id, year, period HAVING count(*) > 1
                        ORDER BY min(file_row) LIMIT {limit}""").fetchall()
    problems += [Problem(str(path), int(rows_[1]), "series_id", sid,
                         f"series listed again for {year} {period} (first at row {rows_[0]})")
                 for sid, year, period, rows_ in dupes]
    return problems


def _add_titles(out: pd.DataFrame, data: Path, raw_industry, raw_occ) -> None:
    for name in ("oe.datatype", "oe.footnote"):
        _lookup_beside(data, name)  # checks the codes mean what this parser assumes
    areas = _lookup_beside(data, "oe.area")
    if areas is not None:
        out["area_title"] = out["area_code"].map(dict(zip(areas["area_code"], areas["area_name"],
                                                          strict=True)))
    industries = _lookup_beside(data, "oe.industry")
    if industries is not None:
        titles = dict(zip(industries["industry_code"], industries["industry_name"], strict=True))
        out["industry_title"] = pd.Series(raw_industry, index=out.index).map(titles)
    occupations = _lookup_beside(data, "oe.occupation")
    if occupations is not None:
        codes = pd.Series(raw_occ, index=out.index)
        out["occ_title"] = codes.map(dict(zip(occupations["occupation_code"],
                                              occupations["occupation_name"], strict=True)))
        if "display_level" in occupations:
            levels = codes.map(dict(zip(occupations["occupation_code"],
                                        occupations["display_level"], strict=True)))
            group = levels.map(_DISPLAY_LEVEL_GROUP)
            group = group.mask(levels.eq("0"), codes.map(lambda c: "total" if c == "000000"
                                                         else "major"))
            out["o_group"] = group.fillna(out["o_group"])
    for col in ("area_title", "industry_title", "occ_title"):
        out[col] = out[col].astype("string")


# --- special-request workbooks ----------------------------------------------------------------

_WB_REQUIRED = ["AREA", "NAICS", "OCC_CODE"] + [m.upper() for m in MEASURES]
_WB_ALIASES = {"AREA_NAME": "AREA_TITLE", "OCC_GROUP": "O_GROUP", "GROUP": "O_GROUP"}


def _sheet_rows(path: Path) -> Iterator[tuple[int, list]]:
    """(sheet row, cell values) of the first sheet holding OEWS columns."""
    import openpyxl

    book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    try:
        for sheet in book.worksheets:
            rows = sheet.iter_rows(values_only=True)
            first = next(rows, None)
            if first and "OCC_CODE" in [str(v).strip().upper() for v in first if v is not None]:
                yield 1, list(first)
                for i, row in enumerate(rows, start=2):
                    yield i, list(row)
                return
    finally:
        book.close()


def _workbook_year(path: Path) -> int:
    m = re.search(r"M_?(\d{4})", path.name)
    if not m:
        raise InputError(Problem(str(path), None, None, path.name,
                                 "the release year is read from BLS's file name (e.g."
                                 " MSA_M2024_dl.xlsx); keep the name BLS gave the file"))
    return int(m.group(1))


def _read_workbook(path: Path, region: Region | None) -> pd.DataFrame:
    year = _workbook_year(path)
    try:
        rows = list(_sheet_rows(path))
    except Exception as exc:  # openpyxl raises many kinds for broken files
        raise InputError(Problem(str(path), None, None, None,
                                 f"not a readable Excel workbook: {exc}")) from None
    if not rows:
        raise InputError(Problem(str(path), 1, "OCC_CODE", None,
                                 "no sheet has the OEWS workbook header (AREA ... OCC_CODE ...)"))
    header = [_WB_ALIASES.get(h, h) for h in (_cell_text(v).upper() for v in rows[0][1])]
    require_columns(pd.Index(header), _WB_REQUIRED, path, "OEWS workbook")
    body = [(i, r) for i, r in rows[1:] if any(_cell_text(v) for v in r)]
    if not body:
        raise InputError(Problem(str(path), None, None, None, "workbook has a header but no rows"))
    raw = pd.DataFrame([r[:len(header)] + [None] * (len(header) - len(r)) for _, r in body],
                       columns=header, index=pd.Index([i for i, _ in body], name="file_row"),
                       dtype=object)

    def text(col: str) -> pd.Series:
        if col not in raw:
            return pd.Series("", index=raw.index, dtype=object)
        return raw[col].map(_cell_text)

    out = pd.DataFrame(index=raw.index)
    area_type = text("AREA_TYPE")
    out["area_code"] = [workbook_area(a, t) for a, t in zip(text("AREA"), area_type, strict=True)]
    out["area_title"] = text("AREA_TITLE").replace("", pd.NA)
    out["area_type"] = [_WB_AREA_TYPES.get(t) or _area_type(
        "N" if a == NATION else "S" if a.endswith("00000") else "M", a)
        for a, t in zip(out["area_code"], area_type, strict=True)]
    out["industry_code"] = text("NAICS").map(normalise_industry)
    out["industry_title"] = text("NAICS_TITLE").replace("", pd.NA)
    out["occ_code"] = text("OCC_CODE")
    out["occ_title"] = text("OCC_TITLE").replace("", pd.NA)
    groups = text("O_GROUP").str.lower()
    fallback = out["occ_code"].map(_o_group_from_code)
    out["o_group"] = groups.where(groups.isin(O_GROUPS), fallback)
    out["year"] = pd.Series(year, index=out.index, dtype="Int64")
    out["period"] = PERIOD
    annual_only = text("ANNUAL").str.upper().isin(["TRUE", "1", "Y"])
    hourly_only = text("HOURLY").str.upper().isin(["TRUE", "1", "Y"])

    problems: list[Problem] = []
    for m in MEASURES:
        cells = text(m.upper()).str.replace(",", "", regex=False)
        number = cells.str.fullmatch(NUMBER_PATTERN)
        flag = pd.Series(PUBLISHED, index=out.index, dtype=object)
        flag[cells.eq("")] = ABSENT
        flag[cells.isin([WB_WAGE_NA, WB_EMP_NA, "-"])] = SUPPRESSED
        flag[cells.eq(WB_TOP_CODED)] = TOP_CODED
        if m in HOURLY:
            flag[cells.eq(WB_WAGE_NA) & annual_only] = ANNUAL_ONLY
        if m in ANNUAL:
            flag[cells.eq(WB_WAGE_NA) & hourly_only] = HOURLY_ONLY
        bad = ~number & flag.eq(PUBLISHED)
        problems += [Problem(str(path), int(i), m.upper(), v,
                             "not a number or an OEWS marker (*, **, #)")
                     for i, v in raw.loc[bad, m.upper()].items()]
        values = pd.to_numeric(cells.where(number), errors="coerce").astype("Float64")
        out[m] = values.round().astype("Int64") if m == "tot_emp" else values
        out[f"{m}_flag"] = flag.astype(str)
    if problems:
        raise InputError(problems)
    out = out[TIDY_COLUMNS]
    for col in ("area_title", "industry_title", "occ_title"):
        out[col] = out[col].astype("string")
    if region is not None:
        keep = (out["area_code"].isin(region_areas(region))
                & out["industry_code"].isin(region_industries(region)))
        out = out[keep]
    return out


# --- the surface --------------------------------------------------------------------------------


def read(path: str | Path, region: Region | None = None) -> pd.DataFrame:
    """Parse an OEWS time-series data file or a special-request workbook into the tidy table.

    With ``region``, keep only its areas (counties' OEWS areas, state, nation) and, in them,
    cross-industry rows and the region's sector and subsectors.
    """
    path = Path(path)
    try:
        with path.open("rb") as fh:
            head = fh.read(8)
    except OSError as exc:
        raise InputError(Problem(str(path), None, None, None, f"cannot open: {exc}")) from None
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        raise InputError(Problem(str(path), None, None, None,
                                 "a legacy .xls workbook (OEWS releases before May 2014): open it"
                                 " in a spreadsheet program and save it as .xlsx"))
    if head.startswith(b"PK\x03\x04"):
        table = _read_workbook(path, region)
    else:
        table = _read_timeseries(path, region)
    return validate(table, SCHEMA, path)


def _data_file(region: Region, dirs: DataDirs) -> Path:
    return remote_files(region, dirs)[0].dest


def area_table(table: pd.DataFrame, region: Region, source: str | Path = "OEWS") -> pd.DataFrame:
    """Cross-industry estimates for the region's areas, the state and the nation.

    Each area row says which of the region's counties it stands for, and the region file's
    stand-in note where an area is borrowed (Madera County in the May 2025 release).
    """
    counties: dict[str, list] = {}
    for fips, choice in region.oews_areas().items():
        counties.setdefault(choice.code, []).append((fips, region.county(fips).name,
                                                     choice.stand_in))
    state, nation = region.benchmarks.state.oews, region.benchmarks.nation.oews
    wanted = list(counties) + [state, nation]
    rows = table[table["industry_code"].eq(CROSS_INDUSTRY) & table["area_code"].isin(wanted)]
    missing = [a for a in wanted if a not in set(rows["area_code"])]
    if missing:
        names = {a: ", ".join(n for _f, n, _s in counties.get(a, [])) or a for a in missing}
        raise InputError([Problem(str(source), None, "area_code", a,
                                  f"OEWS area for {names[a]} is not in the May"
                                  f" {region.years.oews} release; map the county to the area"
                                  " that covers it for this year in the region file")
                          for a in missing])
    rows = rows.copy()
    rows.insert(0, "geography", rows["area_code"].map(
        lambda a: "nation" if a == nation else "state" if a == state else "region"))
    rows.insert(1, "county_fips", rows["area_code"].map(
        lambda a: "; ".join(f for f, _n, _s in counties.get(a, []))))
    rows.insert(2, "county_names", rows["area_code"].map(
        lambda a: "; ".join(n for _f, n, _s in counties.get(a, []))))
    rows.insert(3, "stand_in", rows["area_code"].map(
        lambda a: " ".join(s for _f, _n, s in counties.get(a, []) if s)))
    return rows.reset_index(drop=True)


def staffing_table(table: pd.DataFrame, region: Region, source: str | Path = "OEWS"
                   ) -> pd.DataFrame:
    """National industry-specific estimates for the region's sector and its subsectors."""
    industries = [region.industry.sector, *region.industry.subsectors]
    rows = table[table["area_code"].eq(region.benchmarks.nation.oews)
                 & table["industry_code"].isin(industries)]
    if not rows["industry_code"].eq(region.industry.sector).any():
        raise InputError(Problem(str(source), None, "industry_code", region.industry.sector,
                                 "no national industry-specific estimates for the region's"
                                 " sector: the file is not the complete oe.data.0.Current"))
    return rows.reset_index(drop=True)


def process(region: Region, dirs: DataDirs) -> dict[str, pd.DataFrame]:
    """``oews_areas`` (region areas, state, nation; all industries) and ``oews_staffing``
    (national staffing pattern of the region's sector and subsectors)."""
    path = _data_file(region, dirs)
    table = read(path, region)
    return {"oews_areas": area_table(table, region, path),
            "oews_staffing": staffing_table(table, region, path)}
