"""California EDD long-term (10-year) occupational employment projections by metro area.

Files: ``https://labormarketinfo.edd.ca.gov/file/occproj/{area}$OccProj.xlsx`` (``frsn``
Fresno, ``bake`` Bakersfield, ...), saved under ``data/raw/edd/occproj/{area}_OccProj.xlsx``
(``$`` becomes ``_``). EDD replaces the files at each release (every two years) and the URL
carries no vintage: the base and projected years are read from the header of the file itself
and kept in every row.

Where the URLs come from: EDD's "Employment Projections" page
(``labormarketinfo.edd.ca.gov/data/employment-projections.html``) links one workbook per metro
area under ``/file/occproj/``. Download scripts published by others show the same
``{area}$OccProj.xlsx`` names for the 2016-2026 release and for the 2023-2033 release (a San
Francisco file fetched as ``sanf$OccProj.xlsx`` and labelled 2023-2033), and a bulk
``allOccProj.zip`` beside them; older scripts spell the names in lower case
(``frsn$occproj.xlsx``). The statewide 2023-2033 workbook (read
here like any other, ``edd_long_term_occ_projections_2023-2033.xlsx`` as one user saved it) is
not downloaded: its name on EDD's server could not be confirmed without reaching the server,
and the assessment uses the metro files. None of this could be checked against the live site.

Two layouts are read, told apart by the header (anything else is refused, naming the row and
the columns it lacks):

* **Period totals** (the 2023-2033 release, July 2025; statewide and metro files alike). Sheet
  ``Occupational``: three title rows (``2023-2033 Occupational Employment Projections``, the
  area, its scope such as ``Statewide``), one header row whose cells carry footnote markers and
  line breaks (``SOC Level[1]``, ``SOC Code[2]``, ``Occupational Title[3]``, ``Base Year
  Employment Estimate 2023[4][5]``, ``Projected Year Employment Estimate 2033``, ``Numeric Change
  2023-2033[6]``, ``Percent-age Change 2023-2033``, ``Exits\\n[7]``, ``Transfers\\n[8]``, ``Total
  Job Openings\\n[9]``, ``Median Hourly Wages\\n[10]``, ``Median Annual Wages\\n[10]``, ``Entry
  Level Education\\n[11][12]``, ``Work Experience\\n[11][12]``, ``On-the-Job Training\\n[11][12]``),
  one row per occupation at SOC levels 1-4 and an ``End of worksheet.`` line; sheet ``Notes``
  explains the markers. Exits, transfers and total openings are **totals over the projection
  period** (note 9: openings = exits + transfers + numeric change); the wages are those of the
  quarter note 10 names (2025 first quarter).
* **Annual averages** (the older layout, e.g. 2016-2026): three title lines (``Employment
  Development Department``, ``Labor Market Information Division`` with the area name,
  ``Published: ...`` and the title), a two-line header (``SOC Level``, ``SOC Code``,
  ``Occupational Title``, ``Base Year Employment Estimate 2016``, ``Projected Year Employment
  Estimate 2026``, ``Numeric Change``, ``Percent-age Change``, then under ``Average Annual Job
  Openings``: ``Exits``, ``Transfers``, ``NumericChange``, ``Total Job Openings``; then under
  ``2018 First Quarter Wages``: ``Median Hourly``, ``Median Annual``, and the BLS education and
  training categories), one row per occupation and footnotes. The same table re-exported with an
  extra index column and a row of ``Unnamed: n`` placeholders (as pandas writes it) reads the
  same way, since the header is found by content.

One tidy table comes out of both: ``exits``, ``transfers``, ``annual_change`` and
``total_openings`` are **always average annual figures** (period totals are divided by the
projection span, projected year minus base year, read from the header); ``pct_change`` is
always a percent (EDD publishes a fraction, 0.088 for 8.8 %); a wage EDD publishes as ``$0``
("an estimate could not be provided") is missing, never 0, with ``wages_estimated`` False.
``layout`` records which layout a row came from and ``wage_period`` the wages' reference
quarter (``2025 Q1``).
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
from assessment.sources._sheets import blank, cell_text, sheet_names, sheet_rows, validate_rows

INFO = SourceInfo(
    agency="California Employment Development Department, Labor Market Information Division",
    dataset="Long-term occupational employment projections by metropolitan area",
    files="labormarketinfo.edd.ca.gov/file/occproj/{area}$OccProj.xlsx",
    vintage="the release current at download, 2023-2033 since July 2025 (base and projected "
            "years read from the file; openings kept as annual averages)",
    licence="Public information of the State of California",
    saved_under="data/raw/edd/occproj/",
    used_by="03-occupations",
    access="no key",
)
AGENCY, DATASET = "edd", "occproj"
BASE_URL = "https://labormarketinfo.edd.ca.gov/file/occproj"

# How EDD published exits, transfers and openings in a file (the ``layout`` column).
ANNUAL = "annual averages"  # the older two-line header, "Average Annual Job Openings"
PERIOD_TOTALS = "period totals"  # the 2023-2033 layout: totals over the projection period
LAYOUTS = (ANNUAL, PERIOD_TOTALS)

SOC = re.compile(r"^\d{2}-\d{4}$")
_MISSING = {"", "N/A", "n/a", "NA", "*", "**", "-", "(n)"}
_FILE_AREA = re.compile(r"^([A-Za-z]+)[$_]occproj$", re.IGNORECASE)
_FOOTNOTE = re.compile(r"\[\d+\]|\*+")
_QUARTER = re.compile(r"((?:19|20)\d{2})\s+(first|second|third|fourth)\s+quarter\s+wages",
                      re.IGNORECASE)
_QUARTERS = {"first": 1, "second": 2, "third": 3, "fourth": 4}
PERCENT_TOLERANCE = 0.5  # percentage points between the published percent and change / base

NUMERIC = ["base_emp", "proj_emp", "change", "pct_change", "exits", "transfers",
           "annual_change", "total_openings", "median_hourly", "median_annual"]
PER_PERIOD = ["exits", "transfers", "total_openings"]  # published as period totals since 2023
TEXT = ["entry_education", "work_experience", "job_training"]
TIDY_COLUMNS = ["area_code", "area_title", "soc", "soc_level", "title", "base_year",
                "proj_year", "base_emp", "proj_emp", "change", "pct_change", "exits",
                "transfers", "annual_change", "total_openings", "median_hourly",
                "median_annual", "wages_estimated", "entry_education", "work_experience",
                "job_training", "layout", "wage_period"]


def _change_adds_up(df: pd.DataFrame) -> pd.Series:
    return (df["proj_emp"] - df["base_emp"] - df["change"]).eq(0).fillna(True).astype(bool)


def _openings_add_up(df: pd.DataFrame) -> pd.Series:
    """EDD: total openings = exits + transfers + numeric change (all annual here)."""
    parts = df["exits"] + df["transfers"] + df["annual_change"]
    return (parts - df["total_openings"]).abs().le(1).fillna(True).astype(bool)


def _percent_matches(df: pd.DataFrame) -> pd.Series:
    """The percent change agrees with 100 x change / base (a fraction left as it was fails)."""
    share = 100 * df["change"] / df["base_emp"].where(df["base_emp"] > 0)
    return (df["pct_change"] - share).abs().le(PERCENT_TOLERANCE).fillna(True).astype(bool)


_ANNUAL_AVG = ("Average a year over the projection period, whichever way EDD published it "
               "(its period totals are divided by projected year minus base year)")
SCHEMA = pa.DataFrameSchema(
    {
        "area_code": pa.Column(str, description="EDD area code from the file name (FRSN...)"),
        "area_title": pa.Column(str, description="Area as the file's title rows name it"),
        "soc": pa.Column(str, pa.Check.str_matches(SOC.pattern)),
        "soc_level": pa.Column("Int64", pa.Check.in_range(1, 4), nullable=True),
        "title": pa.Column(str, pa.Check.str_length(min_value=1)),
        "base_year": pa.Column("Int64", pa.Check.in_range(1990, 2100)),
        "proj_year": pa.Column("Int64", pa.Check.in_range(1990, 2110)),
        "base_emp": pa.Column("Float64", pa.Check.ge(0), nullable=True,
                              description="Jobs in the base year"),
        "proj_emp": pa.Column("Float64", pa.Check.ge(0), nullable=True,
                              description="Jobs in the projected year"),
        "change": pa.Column("Float64", nullable=True,
                            description="Jobs change over the whole projection period"),
        "pct_change": pa.Column("Float64", nullable=True,
                                description="Percent change over the period, in percent (9.7, "
                                            "not 0.097)"),
        "exits": pa.Column("Float64", pa.Check.ge(0), nullable=True,
                           description=f"Exits from the labor force, annual averages. "
                                       f"{_ANNUAL_AVG}"),
        "transfers": pa.Column("Float64", pa.Check.ge(0), nullable=True,
                               description=f"Transfers to other occupations, annual averages. "
                                           f"{_ANNUAL_AVG}"),
        "annual_change": pa.Column("Float64", nullable=True,
                                   description="Jobs change, annual averages (EDD's NumericChange"
                                               " column, or change / span)"),
        "total_openings": pa.Column("Float64", nullable=True,
                                    description=f"Job openings (exits + transfers + change), "
                                                f"annual averages. {_ANNUAL_AVG}"),
        "median_hourly": pa.Column("Float64", pa.Check.gt(0), nullable=True,
                                   description="Median hourly wage of wage_period; missing where "
                                               "EDD could not estimate it (published as $0)"),
        "median_annual": pa.Column("Float64", pa.Check.gt(0), nullable=True,
                                   description="Median annual wage of wage_period; missing where "
                                               "EDD could not estimate it (published as $0)"),
        "wages_estimated": pa.Column(bool, description="Both median wages were estimated"),
        "entry_education": pa.Column(str),
        "work_experience": pa.Column(str),
        "job_training": pa.Column(str),
        "layout": pa.Column(str, pa.Check.isin(LAYOUTS),
                            description="How the file published exits, transfers and openings: "
                                        f"'{ANNUAL}' or '{PERIOD_TOTALS}' (converted to annual "
                                        "averages here either way)"),
        "wage_period": pa.Column(str, description="Reference quarter of the wages as the file "
                                                  "states it ('2025 Q1'); empty if it does not"),
    },
    checks=[
        pa.Check(_change_adds_up, error="numeric change must equal projected minus base"),
        pa.Check(_openings_add_up, error="total openings must equal exits + transfers + change"),
        pa.Check(_percent_matches,
                 error="percent change must agree with 100 x numeric change / base employment"),
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
    text = _FOOTNOTE.sub(" ", cell_text(value).lower()).replace("-", "")
    return re.sub(r"\s+", " ", text).strip()


def _starts(prefix: str):
    return lambda t: t.startswith(prefix)


def _has(*words: str):
    return lambda t: all(w in t for w in words)


# field, header line (0 = the line with "SOC Code", 1 = the line below it), test
_COMMON = [
    ("soc_level", 0, _starts("soc level")),
    ("soc", 0, _starts("soc code")),
    ("title", 0, _has("title")),
    ("base_emp", 0, _starts("base year")),
    ("proj_emp", 0, _starts("projected year")),
    ("change", 0, _starts("numeric change")),
    ("pct_change", 0, _has("percent")),
]
RULES = {
    ANNUAL: _COMMON + [
        ("exits", 1, _starts("exits")),
        ("transfers", 1, _starts("transfers")),
        ("annual_change", 1, lambda t: t.replace(" ", "").startswith("numericchange")),
        ("total_openings", 1, _has("total", "openings")),
        ("median_hourly", 1, _has("median hourly")),
        ("median_annual", 1, _has("median annual")),
        ("entry_education", 1, _has("education")),
        ("work_experience", 1, _has("experience")),
        ("job_training", 1, _has("training")),
    ],
    PERIOD_TOTALS: _COMMON + [
        ("exits", 0, _starts("exits")),
        ("transfers", 0, _starts("transfers")),
        ("total_openings", 0, _has("total", "openings")),
        ("median_hourly", 0, _has("median hourly")),
        ("median_annual", 0, _has("median annual")),
        ("entry_education", 0, _has("education")),
        ("work_experience", 0, _has("experience")),
        ("job_training", 0, _has("training")),
    ],
}
LAYOUT_NAMES = {
    ANNUAL: "EDD's older layout: a two-line header with 'Average Annual Job Openings' over "
            "Exits, Transfers, NumericChange and Total Job Openings",
    PERIOD_TOTALS: "EDD's 2023-2033 layout: one header line with Exits, Transfers and Total Job "
                   "Openings (totals over the projection period)",
}


def _match(rules, lines: list[list[str]]) -> tuple[dict[str, int], list[str]]:
    found: dict[str, int] = {}
    for field, line, test in rules:
        for j, text in enumerate(lines[line]):
            if text and j not in found.values() and test(text):
                found[field] = j
                break
    return found, [f for f, _, _ in rules if f not in found]


def _layout(top: list[str]) -> str | None:
    """The layout the header line announces: a group cell 'Average Annual ... Openings' above
    the openings columns (annual averages), or the openings columns in the line itself."""
    if any(t.startswith("average annual") for t in top):
        return ANNUAL
    if any(t.startswith("exits") for t in top):
        return PERIOD_TOTALS
    return None


def _columns(main: list[object], sub: list[object], file: Path, row_no: int
             ) -> tuple[str, dict[str, int], int, int]:
    """Layout, field -> column, and the base and projected years, from the header."""
    width = max(len(main), len(sub))
    top = [_norm(main[j]) if j < len(main) else "" for j in range(width)]
    low = [_norm(sub[j]) if j < len(sub) else "" for j in range(width)]
    layout = _layout(top)
    candidates = [layout] if layout else list(LAYOUTS)
    results = {name: _match(RULES[name], [top, low]) for name in candidates}
    name = min(candidates, key=lambda n: len(results[n][1]))
    found, missing = results[name]
    if missing:
        announced = ("" if layout else
                     "; the header names neither 'Average Annual Job Openings' nor 'Exits', "
                     "so it is in neither EDD projections layout")
        raise InputError(Problem(
            str(file), row_no, ", ".join(missing), None,
            f"header lacks column(s) of the EDD projections layout ({LAYOUT_NAMES[name]})"
            f"{announced}"))
    years = []
    for field in ("base_emp", "proj_emp"):
        m = re.search(r"(19|20)\d{2}", top[found[field]])
        if not m:
            raise InputError(Problem(str(file), row_no, cell_text(main[found[field]]), None,
                                     "employment header does not name its year"))
        years.append(int(m.group(0)))
    if years[1] <= years[0]:
        raise InputError(Problem(str(file), row_no, cell_text(main[found["proj_emp"]]),
                                 years[1], f"projected year must come after the base year "
                                           f"({years[0]})"))
    return name, found, years[0], years[1]


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


def _quarter(texts) -> str:
    for text in texts:
        m = _QUARTER.search(text)
        if m:
            return f"{m.group(1)} Q{_QUARTERS[m.group(2).lower()]}"
    return ""


def _wage_period(path: Path, texts: list[str]) -> str:
    """'2025 Q1' from '2025 first quarter wages' in the header or title cells, or else in the
    notes sheet (where the 2023-2033 layout states it, note 10); '' where the file does not."""
    found = _quarter(texts)
    for sheet in sheet_names(path):
        if found:
            break
        if sheet.strip().lower() == "notes":
            found = _quarter(cell_text(v) for row in sheet_rows(path, sheet) for v in row)
    return found


def _data_sheet(path: Path) -> str | None:
    """The 2023-2033 workbooks keep the table on sheet 'Occupational' (before 'Notes'); older
    ones have a single sheet. None: the first sheet."""
    names = sheet_names(path)
    return next((s for s in names if s.strip().lower() == "occupational"), None)


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
    """Parse one EDD projections workbook, in either layout (pristine or re-exported), into
    the tidy table: openings as annual averages, percent change in percent, $0 wages missing."""
    path = Path(path)
    table = sheet_rows(path, _data_sheet(path))
    h = next((i for i, r in enumerate(table[:30])
              if any(_norm(v).startswith("soc code") for v in r)), None)
    if h is None:
        raise InputError(Problem(str(path), None, None, None,
                                 "no header row with 'SOC Code' in the first 30 rows"))
    sub = table[h + 1] if h + 1 < len(table) else []
    layout, cols, base_year, proj_year = _columns(table[h], sub, path, h + 1)
    span = proj_year - base_year
    header_lines = 2 if layout == ANNUAL else 1
    area_title = _area_title(table[:h])
    texts = [cell_text(v) for r in table[:h + header_lines] for v in r]
    wage_period = _wage_period(path, texts)
    m = _FILE_AREA.match(path.stem)
    area_code = m.group(1).upper() if m else ""

    numeric = [f for f in NUMERIC if f in cols]
    records, problems = [], []
    number_cols = [cols[f] for f in numeric]
    for i in range(h + header_lines, len(table)):
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
            continue  # a title, footnote or "End of worksheet." line
        rec: dict[str, object] = {"area_code": area_code, "area_title": area_title, "soc": soc,
                                  "title": cell_text(get("title")),
                                  "base_year": base_year, "proj_year": proj_year}
        level, ok = _value(get("soc_level"))
        if not ok or (level is not None and not level.is_integer()):
            problems.append(Problem(str(path), row_no, "SOC Level", get("soc_level"),
                                    "must be a whole number"))
        rec["soc_level"] = level
        for field in numeric:
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
    for field in numeric:
        out[field] = pd.to_numeric(out[field]).astype("Float64")
    if layout == PERIOD_TOTALS:
        # Totals over the projection period -> average a year; growth likewise.
        for field in PER_PERIOD:
            out[field] = (out[field] / span).round(6)
        out["annual_change"] = (out["change"] / span).round(6)
    # $0 means "an estimate could not be provided" (note 10 in 2023-2033): missing, never 0.
    no_wage = out["median_hourly"].eq(0) | out["median_annual"].eq(0)
    for field in ("median_hourly", "median_annual"):
        out[field] = out[field].mask(out[field].eq(0))
    out["wages_estimated"] = (~no_wage.fillna(False) & out["median_hourly"].notna()
                              & out["median_annual"].notna()).astype(bool)
    # Percent change: EDD publishes a fraction (0.088); re-saved copies may hold percent
    # already. Decided against change / base over the whole file, given in percent.
    share = out["change"] / out["base_emp"].where(out["base_emp"] > 0)
    as_fraction = (out["pct_change"] - share).abs().median()
    as_percent = (out["pct_change"] - 100 * share).abs().median()
    if pd.notna(as_fraction) and (pd.isna(as_percent) or as_fraction <= as_percent):
        out["pct_change"] = (out["pct_change"] * 100).round(6)
    for col in ["soc_level", "base_year", "proj_year"]:
        out[col] = pd.to_numeric(out[col]).astype("Int64")
    out["layout"] = layout
    out["wage_period"] = wage_period
    for col in ["area_code", "area_title", "soc", "title", "layout", "wage_period"] + TEXT:
        out[col] = out[col].astype(str)
    return validate_rows(out[TIDY_COLUMNS], SCHEMA, path)


def process(region: Region, dirs: DataDirs) -> dict[str, pd.DataFrame]:
    """``edd_projections``: every occupation of each of the region's metro areas."""
    frames = [read(rf.dest).assign(area_code=code)
              for code, rf in zip(areas(region), remote_files(region, dirs), strict=True)]
    return {"edd_projections": pd.concat(frames, ignore_index=True)}
