"""California EDD long-term (10-year) occupational employment projections by metro area.

Files: ``https://labormarketinfo.edd.ca.gov/file/occproj/{area}$OccProj.xlsx`` (``frsn``
Fresno, ``bake`` Bakersfield, ...), saved under ``data/raw/edd/occproj/{area}_OccProj.xlsx``
(``$`` becomes ``_``). EDD replaces the files at each release (every two years) and the URL
carries no vintage: the base and projected years are read from the header of the file itself
and kept in every row.

EDD's layout: three title lines (``Employment Development Department``, ``Labor Market
Information Division`` with the area name, ``Published: ...`` and the title ``2016-2026
Occupational Employment Projections``), a two-line header (``SOC Level``, ``SOC Code``,
``Occupational Title``, ``Base Year Employment Estimate 2016``, ``Projected Year Employment
Estimate 2026``, ``Numeric Change``, ``Percent-age Change``, then under ``Average Annual Job
Openings``: ``Exits``, ``Transfers``, ``NumericChange``, ``Total Job Openings``; then
``Median Hourly``, ``Median Annual`` wages and the BLS education and training categories),
one row per occupation at SOC levels 1-4, and footnotes. The header is found by content, so
the same table re-exported with an extra index column and a row of ``Unnamed: n``
placeholders (as pandas writes it) reads the same way.

Conventions kept from EDD: wages an estimate could not be given for are published as ``$0``;
they become missing here, with ``wages_estimated`` False. The percent change is published as
a fraction (0.0967) and given here in percent (9.67).
"""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
import pandera.pandas as pa

from assessment.download import RemoteFile
from assessment.errors import InputError, Problem
from assessment.paths import DataDirs
from assessment.region import CALIFORNIA_FIPS, Region
from assessment.sources import SourceInfo
from assessment.sources._sheets import blank, cell_text, sheet_rows, validate_rows

INFO = SourceInfo(
    agency="California Employment Development Department, Labor Market Information Division",
    dataset="Long-term occupational employment projections by metropolitan area",
    files="labormarketinfo.edd.ca.gov/file/occproj/{area}$OccProj.xlsx",
    vintage="the release current at download (base and projected years read from the file)",
    licence="Public information of the State of California",
    saved_under="data/raw/edd/occproj/",
    used_by="03-occupations",
    access="no key",
)
AGENCY, DATASET = "edd", "occproj"
BASE_URL = "https://labormarketinfo.edd.ca.gov/file/occproj"

SOC = re.compile(r"^\d{2}-\d{4}$")
_MISSING = {"", "N/A", "n/a", "NA", "*", "**", "-", "(n)"}
_FILE_AREA = re.compile(r"^([A-Za-z]+)[$_]occproj$", re.IGNORECASE)

NUMERIC = ["base_emp", "proj_emp", "change", "pct_change", "exits", "transfers",
           "annual_change", "total_openings", "median_hourly", "median_annual"]
TEXT = ["entry_education", "work_experience", "job_training"]
TIDY_COLUMNS = ["area_code", "area_title", "soc", "soc_level", "title", "base_year",
                "proj_year", "base_emp", "proj_emp", "change", "pct_change", "exits",
                "transfers", "annual_change", "total_openings", "median_hourly",
                "median_annual", "wages_estimated", "entry_education", "work_experience",
                "job_training"]


def _change_adds_up(df: pd.DataFrame) -> pd.Series:
    return (df["proj_emp"] - df["base_emp"] - df["change"]).eq(0).fillna(True).astype(bool)


def _openings_add_up(df: pd.DataFrame) -> pd.Series:
    """EDD: total openings = exits + transfers + (annual) numeric change."""
    parts = df["exits"] + df["transfers"] + df["annual_change"]
    return (parts - df["total_openings"]).abs().le(1).fillna(True).astype(bool)


SCHEMA = pa.DataFrameSchema(
    {
        "area_code": pa.Column(str),
        "area_title": pa.Column(str),
        "soc": pa.Column(str, pa.Check.str_matches(SOC.pattern)),
        "soc_level": pa.Column("Int64", pa.Check.in_range(1, 4), nullable=True),
        "title": pa.Column(str, pa.Check.str_length(min_value=1)),
        "base_year": pa.Column("Int64", pa.Check.in_range(1990, 2100)),
        "proj_year": pa.Column("Int64", pa.Check.in_range(1990, 2110)),
        "base_emp": pa.Column("Float64", pa.Check.ge(0), nullable=True),
        "proj_emp": pa.Column("Float64", pa.Check.ge(0), nullable=True),
        "change": pa.Column("Float64", nullable=True),
        "pct_change": pa.Column("Float64", nullable=True),
        "exits": pa.Column("Float64", pa.Check.ge(0), nullable=True),
        "transfers": pa.Column("Float64", pa.Check.ge(0), nullable=True),
        "annual_change": pa.Column("Float64", nullable=True),
        "total_openings": pa.Column("Float64", nullable=True),
        "median_hourly": pa.Column("Float64", pa.Check.gt(0), nullable=True),
        "median_annual": pa.Column("Float64", pa.Check.gt(0), nullable=True),
        "wages_estimated": pa.Column(bool),
        "entry_education": pa.Column(str),
        "work_experience": pa.Column(str),
        "job_training": pa.Column(str),
    },
    checks=[
        pa.Check(_change_adds_up, error="numeric change must equal projected minus base"),
        pa.Check(_openings_add_up, error="total openings must equal exits + transfers + change"),
    ],
    strict=True,
    ordered=True,
    unique=["area_code", "soc"],
    report_duplicates="exclude_first",
)


def file_name(code: str) -> str:
    return f"{code.lower()}$OccProj.xlsx"


def url(code: str) -> str:
    return f"{BASE_URL}/{file_name(code)}"


def path(dirs: DataDirs, code: str) -> Path:
    return dirs.source_dir(AGENCY, DATASET) / file_name(code).replace("$", "_")


COVERS = "California"


def applies(region: Region) -> bool:
    """EDD publishes California's areas only."""
    return region.state.fips == CALIFORNIA_FIPS


def areas(region: Region) -> list[str]:
    """EDD area codes of the region's metro areas, once each."""
    return list(dict.fromkeys(c.edd_area for c in region.counties if c.edd_area))


def remote_files(region: Region, dirs: DataDirs) -> list[RemoteFile]:
    return [RemoteFile(url=url(code), dest=path(dirs, code), source="EDD projections",
                       vintage="long-term projections, release current at download",
                       kind="xlsx", validate=read)
            for code in areas(region)]


def _norm(value: object) -> str:
    return re.sub(r"\s+", " ", cell_text(value).lower().replace("-", "")).strip()


def _columns(main: list[object], sub: list[object], file: Path, row_no: int
             ) -> tuple[dict[str, int], int, int]:
    """Field -> column, and the base and projected years, from the two header lines."""
    width = max(len(main), len(sub))
    top = [_norm(main[j]) if j < len(main) else "" for j in range(width)]
    low = [_norm(sub[j]) if j < len(sub) else "" for j in range(width)]
    rules = [
        ("soc_level", top, lambda t: t.startswith("soc level")),
        ("soc", top, lambda t: t.startswith("soc code")),
        ("title", top, lambda t: "title" in t),
        ("base_emp", top, lambda t: t.startswith("base year")),
        ("proj_emp", top, lambda t: t.startswith("projected year")),
        ("change", top, lambda t: t.startswith("numeric change")),
        ("pct_change", top, lambda t: "percent" in t),
        ("exits", low, lambda t: t.startswith("exits")),
        ("transfers", low, lambda t: t.startswith("transfers")),
        ("annual_change", low, lambda t: t.replace(" ", "").startswith("numericchange")),
        ("total_openings", low, lambda t: "total" in t and "openings" in t),
        ("median_hourly", low, lambda t: "median hourly" in t),
        ("median_annual", low, lambda t: "median annual" in t),
        ("entry_education", low, lambda t: "education" in t),
        ("work_experience", low, lambda t: "experience" in t),
        ("job_training", low, lambda t: "training" in t),
    ]
    found: dict[str, int] = {}
    for field, texts, test in rules:
        for j, text in enumerate(texts):
            if text and j not in found.values() and test(text):
                found[field] = j
                break
    missing = [f for f, _, _ in rules if f not in found]
    if missing:
        raise InputError(Problem(str(file), row_no, ", ".join(missing), None,
                                 "header lacks column(s) of the EDD projections layout"))
    years = []
    for field in ("base_emp", "proj_emp"):
        m = re.search(r"(19|20)\d{2}", top[found[field]])
        if not m:
            raise InputError(Problem(str(file), row_no, cell_text(main[found[field]]), None,
                                     "employment header does not name its year"))
        years.append(int(m.group(0)))
    return found, years[0], years[1]


def _area_title(title_rows: list[list[object]]) -> str:
    skip = ("employment development department", "labor market information division",
            "published", "unnamed")
    for row in title_rows:
        for value in row:
            text = cell_text(value)
            low = text.lower()
            if (isinstance(value, str) and text and not low.startswith(skip)
                    and "projections" not in low and not text.startswith("(")):
                return text
    return ""


def _value(raw: object) -> tuple[float | None, bool]:
    """(number or None, ok)."""
    if raw is None:
        return None, True
    if isinstance(raw, int | float) and not isinstance(raw, bool):
        return float(raw), True
    text = str(raw).strip().lstrip("$").replace(",", "")
    if text in _MISSING:
        return None, True
    try:
        return float(text), True
    except ValueError:
        return None, False


def read(path: str | Path, region: Region | None = None) -> pd.DataFrame:
    """Parse one EDD projections workbook (pristine or re-exported) into the tidy table."""
    path = Path(path)
    table = sheet_rows(path)
    h = next((i for i, r in enumerate(table[:30])
              if any(_norm(v).startswith("soc code") for v in r)), None)
    if h is None:
        raise InputError(Problem(str(path), None, None, None,
                                 "no header row with 'SOC Code' in the first 30 rows"))
    sub = table[h + 1] if h + 1 < len(table) else []
    cols, base_year, proj_year = _columns(table[h], sub, path, h + 1)
    area_title = _area_title(table[:h])
    m = _FILE_AREA.match(path.stem)
    area_code = m.group(1).upper() if m else ""

    records, problems = [], []
    number_cols = [cols[f] for f in NUMERIC]
    for i in range(h + 2, len(table)):
        row = table[i]
        if blank(row):
            continue
        row_no = i + 1

        def get(field, row=row):
            j = cols[field]
            return row[j] if j < len(row) else None

        soc = cell_text(get("soc"))
        if not SOC.match(soc):
            if any(_value(row[j])[0] is not None for j in number_cols if j < len(row)):
                problems.append(Problem(str(path), row_no, "SOC Code", get("soc"),
                                        "row has figures but no SOC code (NN-NNNN)"))
            continue  # a footnote line
        rec: dict[str, object] = {"area_code": area_code, "area_title": area_title, "soc": soc,
                                  "title": cell_text(get("title")),
                                  "base_year": base_year, "proj_year": proj_year}
        level, ok = _value(get("soc_level"))
        if not ok or (level is not None and not level.is_integer()):
            problems.append(Problem(str(path), row_no, "SOC Level", get("soc_level"),
                                    "must be a whole number"))
        rec["soc_level"] = level
        for field in NUMERIC:
            value, ok = _value(get(field))
            if not ok:
                problems.append(Problem(str(path), row_no, field, get(field), "not a number"))
            rec[field] = value
        for field in TEXT:
            text = cell_text(get(field))
            rec[field] = "" if text in _MISSING else text
        records.append((row_no, rec))
    if problems:
        raise InputError(problems)
    if not records:
        raise InputError(Problem(str(path), None, None, None, "file has no occupation rows"))
    out = pd.DataFrame([r for _, r in records],
                       index=pd.Index([n for n, _ in records], name="file_row"))
    for field in NUMERIC:
        out[field] = pd.to_numeric(out[field]).astype("Float64")
    # $0 means "no estimate could be provided".
    no_wage = out["median_hourly"].eq(0) | out["median_annual"].eq(0)
    for field in ("median_hourly", "median_annual"):
        out[field] = out[field].mask(out[field].eq(0))
    out["wages_estimated"] = (~no_wage.fillna(False)
                              & out["median_annual"].notna()).astype(bool)
    # Percent change: EDD publishes a fraction; detect it against change / base, give percent.
    share = out["change"] / out["base_emp"].where(out["base_emp"] > 0)
    as_fraction = (out["pct_change"] - share).abs().median()
    as_percent = (out["pct_change"] - 100 * share).abs().median()
    if pd.notna(as_fraction) and (pd.isna(as_percent) or as_fraction <= as_percent):
        out["pct_change"] = (out["pct_change"] * 100).round(6)
    for col in ["soc_level", "base_year", "proj_year"]:
        out[col] = pd.to_numeric(out[col]).astype("Int64")
    for col in ["area_code", "area_title", "soc", "title"] + TEXT:
        out[col] = out[col].astype(str)
    return validate_rows(out[TIDY_COLUMNS], SCHEMA, path)


def process(region: Region, dirs: DataDirs) -> dict[str, pd.DataFrame]:
    """``edd_projections``: every occupation of each of the region's metro areas."""
    frames = [read(rf.dest).assign(area_code=code)
              for code, rf in zip(areas(region), remote_files(region, dirs), strict=True)]
    return {"edd_projections": pd.concat(frames, ignore_index=True)}
