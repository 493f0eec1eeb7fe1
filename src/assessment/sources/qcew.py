"""BLS Quarterly Census of Employment and Wages (QCEW), open-data CSV slices.

QCEW Open Data Access (``https://www.bls.gov/cew/additional-resources/open-data/``) publishes
three kinds of slice under ``https://data.bls.gov/cew/data/api/``; this module uses all three:

* area slices ``{year}/{qtr}/area/{area}.csv`` (``qtr`` is ``a`` for annual averages or
  ``1``-``4``): every industry and ownership of one area. Annual files for every county and
  benchmark and every analysis year; quarterly files for the region's counties, recent quarters;
* industry slices ``{year}/{qtr}/industry/{naics}.csv`` (hyphens written as underscores, so
  manufacturing is ``31_33.csv``): every area for one industry. Annual manufacturing files for the
  first and last analysis years give the peer-county comparison;
* size slices ``{year}/1/size/{size_code}.csv``: published for the first quarter only, national
  rows by NAICS (agglvl 21-28) and state rows by sector (61-64) for one establishment size class.

Slices carry no title columns: annual files have the 38-column annual layout, quarterly and size
files the 42-column quarterly layout (``https://www.bls.gov/cew/about-data/downloadable-file-
layouts/``). Files land under ``data/raw/bls/qcew/`` at the agency's own path.

Suppression: where BLS cannot disclose a cell it sets ``disclosure_code`` to ``N`` and publishes
zeros. The tidy table keeps the flag, keeps the establishment count (published even then), and
leaves employment and wages missing, never zero. A ``-`` code (no data for the period, e.g. the
last establishment closed) is kept and treated the same way. A location quotient BLS does not
disclose (``lq_disclosure_code`` ``N``) is missing even where the cell itself is published.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pandera.pandas as pa

from assessment.constants import ALL_INDUSTRIES, OWN_PRIVATE, QCEW_NOT_AVAILABLE, QCEW_SUPPRESSED
from assessment.download import Expect, RemoteFile, expect
from assessment.errors import InputError, Problem
from assessment.paths import DataDirs
from assessment.region import Region
from assessment.schemas import file_rows, require_columns, validate
from assessment.sources import SourceInfo

INFO = SourceInfo(
    agency="U.S. Bureau of Labor Statistics",
    dataset="Quarterly Census of Employment and Wages (QCEW), open-data area, industry and size"
            " slices",
    files="data.bls.gov/cew/data/api/{year}/{a,1-4}/area/{area}.csv,"
          " {year}/a/industry/31_33.csv, {year}/1/size/{1-9}.csv",
    vintage="annual averages for each analysis year; quarters of the last two years;"
            " first-quarter size classes of the last year",
    licence="Public domain (U.S. government work)",
    saved_under="data/raw/bls/qcew/",
    used_by="01-industry-profile; 04-survey-findings (survey weights and coverage)",
    access="no key; contact e-mail in the user agent",
)
AGENCY, DATASET = "bls", "qcew"
BASE_URL = "https://data.bls.gov/cew/data/api"

KEYS = ["area_fips", "own_code", "industry_code", "agglvl_code", "size_code", "year", "qtr",
        "disclosure_code"]
ANNUAL = {
    "annual_avg_estabs": "estabs",
    "annual_avg_emplvl": "employment",
    "total_annual_wages": "total_wages",
    "annual_avg_wkly_wage": "avg_weekly_wage",
    "avg_annual_pay": "avg_annual_pay",
    "lq_annual_avg_emplvl": "lq_employment",
}
# Layout columns read besides KEYS and the measures.
FLAGS = ["lq_disclosure_code"]
QUARTERLY = {
    "qtrly_estabs": "estabs",
    "month1_emplvl": "month1_employment",
    "month2_emplvl": "month2_employment",
    "month3_emplvl": "month3_employment",
    "total_qtrly_wages": "total_wages",
    "avg_wkly_wage": "avg_weekly_wage",
    "lq_month3_emplvl": "lq_employment",
}
# Measures BLS zero-fills when a cell is not disclosable (the establishment count is published).
_SUPPRESSIBLE = ["employment", "month1_employment", "month2_employment", "month3_employment",
                 "total_wages", "avg_weekly_wage", "avg_annual_pay", "lq_employment"]

TIDY_COLUMNS = ["area_fips", "year", "qtr", "own_code", "industry_code", "agglvl_code",
                "size_code", "disclosure_code", "suppressed", "estabs", "employment",
                "total_wages", "avg_weekly_wage", "avg_annual_pay", "lq_employment",
                "month1_employment", "month2_employment", "month3_employment"]

AREA_PATTERN = r"^(\d{5}|US000|USCMS|USMSA|USNMS|C\d{4}|CS\d{3})$"
INDUSTRY_PATTERN = r"^\d{2,6}(-\d{2})?$"

SCHEMA = pa.DataFrameSchema(
    {
        "area_fips": pa.Column(str, pa.Check.str_matches(AREA_PATTERN)),
        "year": pa.Column("Int64", pa.Check.in_range(1975, 2100)),
        "qtr": pa.Column(str, pa.Check.isin(["A", "1", "2", "3", "4"])),
        "own_code": pa.Column("Int64", pa.Check.isin([0, 1, 2, 3, 4, 5, 8, 9])),
        "industry_code": pa.Column(str, pa.Check.str_matches(INDUSTRY_PATTERN)),
        "agglvl_code": pa.Column("Int64", pa.Check.in_range(10, 99)),
        "size_code": pa.Column("Int64", pa.Check.in_range(0, 9)),
        "disclosure_code": pa.Column(str, pa.Check.isin(["", QCEW_SUPPRESSED, QCEW_NOT_AVAILABLE])),
        "suppressed": pa.Column(bool),
        "estabs": pa.Column("Int64", pa.Check.ge(0), nullable=True),
        "employment": pa.Column("Float64", pa.Check.ge(0), nullable=True),
        "total_wages": pa.Column("Float64", pa.Check.ge(0), nullable=True),
        "avg_weekly_wage": pa.Column("Float64", pa.Check.ge(0), nullable=True),
        "avg_annual_pay": pa.Column("Float64", pa.Check.ge(0), nullable=True),
        "lq_employment": pa.Column("Float64", pa.Check.ge(0), nullable=True),
        "month1_employment": pa.Column("Float64", pa.Check.ge(0), nullable=True),
        "month2_employment": pa.Column("Float64", pa.Check.ge(0), nullable=True),
        "month3_employment": pa.Column("Float64", pa.Check.ge(0), nullable=True),
    },
    strict=True,
    ordered=True,
)
# One row per cell. Checked in read() rather than by the schema, so a duplicate is reported once,
# with the row it repeats.
UNIQUE = ["area_fips", "year", "qtr", "own_code", "industry_code", "size_code"]

# What the module fetches beyond the annual area files.
QUARTERLY_YEARS = 2  # quarterly area files for the last this-many analysis years
SIZE_CLASSES = {
    1: "Fewer than 5 employees per establishment",
    2: "5 to 9 employees per establishment",
    3: "10 to 19 employees per establishment",
    4: "20 to 49 employees per establishment",
    5: "50 to 99 employees per establishment",
    6: "100 to 249 employees per establishment",
    7: "250 to 499 employees per establishment",
    8: "500 to 999 employees per establishment",
    9: "1000 or more employees per establishment",
}  # BLS size_titles.csv; size 0 ("all sizes") is in the area and industry slices
SIZE_QUARTER = 1  # size classes are published for the first quarter only

# Aggregation levels of the rows the processed tables keep (BLS agglevel_titles.csv).
AGGLVL_NATIONAL_SECTOR = 14
AGGLVL_MSA_SECTOR = 44
AGGLVL_STATE_SECTOR = 54
AGGLVL_COUNTY_SECTOR = 74
AGGLVL_NATIONAL_SECTOR_BY_SIZE = 24  # national, private, NAICS sector, by size class
AGGLVL_NATIONAL_SUBSECTOR_BY_SIZE = 25  # national, private, NAICS 3-digit, by size class
AGGLVL_STATE_SECTOR_BY_SIZE = 64  # state, private, NAICS sector, by size class
PEER_AREA_TYPES = {AGGLVL_NATIONAL_SECTOR: "nation", AGGLVL_STATE_SECTOR: "state",
                   AGGLVL_MSA_SECTOR: "msa", AGGLVL_COUNTY_SECTOR: "county"}
UNDEFINED_COUNTY = "999"  # XX999: "Unknown Or Undefined, <state>"


def area_url(year: int, qtr: str | int, area: str) -> str:
    return f"{BASE_URL}/{year}/{str(qtr).lower()}/area/{area}.csv"


def industry_url(year: int, qtr: str | int, industry: str) -> str:
    return f"{BASE_URL}/{year}/{str(qtr).lower()}/industry/{industry.replace('-', '_')}.csv"


def size_url(year: int, size_code: int) -> str:
    # Size data are published for the first quarter only.
    return f"{BASE_URL}/{year}/{SIZE_QUARTER}/size/{size_code}.csv"


def _slice_dir(dirs: DataDirs, year: int, qtr: str | int, kind: str) -> Path:
    return dirs.source_dir(AGENCY, DATASET) / str(year) / str(qtr).lower() / kind


def area_path(dirs: DataDirs, year: int, qtr: str | int, area: str) -> Path:
    return _slice_dir(dirs, year, qtr, "area") / f"{area}.csv"


def industry_path(dirs: DataDirs, year: int, qtr: str | int, industry: str) -> Path:
    return _slice_dir(dirs, year, qtr, "industry") / f"{industry.replace('-', '_')}.csv"


def size_path(dirs: DataDirs, year: int, size_code: int) -> Path:
    return _slice_dir(dirs, year, SIZE_QUARTER, "size") / f"{size_code}.csv"


def recent_quarters(region: Region) -> list[tuple[int, int]]:
    """(year, quarter) of the quarterly files: every quarter of the last analysis years."""
    last = region.years.end
    first = max(region.years.start, last - QUARTERLY_YEARS + 1)
    return [(year, q) for year in range(first, last + 1) for q in (1, 2, 3, 4)]


def peer_years(region: Region) -> list[int]:
    """Years of the industry slices: the first and last analysis years."""
    return sorted({region.years.start, region.years.end})


def _remote(url: str, dest: Path, vintage: str, *identity: Expect) -> RemoteFile:
    return RemoteFile(url=url, dest=dest, source="BLS QCEW", vintage=vintage, validate=read,
                      expect=identity)


def _period(year: int, qtr: str | int) -> tuple[Expect, Expect]:
    """Every row of a slice states the year and quarter (``A`` annual) its URL names."""
    return expect("year", "year", year), expect("quarter", "qtr", str(qtr).upper())


def annual_files(region: Region, dirs: DataDirs) -> list[RemoteFile]:
    """Annual-average area files for every county and benchmark, every analysis year."""
    return [_remote(area_url(year, "a", area), area_path(dirs, year, "a", area),
                    f"{year} annual averages", expect("area", "area_fips", area),
                    *_period(year, "a"))
            for year in region.years.span
            for area in region.qcew_areas]


def quarterly_files(region: Region, dirs: DataDirs) -> list[RemoteFile]:
    """Quarterly area files for the region's counties, recent quarters."""
    return [_remote(area_url(year, q, area), area_path(dirs, year, q, area), f"{year} Q{q}",
                    expect("area", "area_fips", area), *_period(year, q))
            for year, q in recent_quarters(region)
            for area in region.county_fips]


def industry_files(region: Region, dirs: DataDirs) -> list[RemoteFile]:
    """Annual industry slices of the region's sector (every area), first and last years."""
    sector = region.industry.sector
    return [_remote(industry_url(year, "a", sector), industry_path(dirs, year, "a", sector),
                    f"{year} annual averages, all areas",
                    expect("industry", "industry_code", sector), *_period(year, "a"))
            for year in peer_years(region)]


def size_files(region: Region, dirs: DataDirs) -> list[RemoteFile]:
    """First-quarter size-class slices of the last analysis year, one per size class."""
    year = region.years.end
    return [_remote(size_url(year, code), size_path(dirs, year, code),
                    f"{year} Q{SIZE_QUARTER}, size class {code}",
                    expect("size class", "size_code", code), *_period(year, SIZE_QUARTER))
            for code in SIZE_CLASSES]


def remote_files(region: Region, dirs: DataDirs) -> list[RemoteFile]:
    """Every QCEW file the region needs: annual area files first, then the other slices."""
    return (annual_files(region, dirs) + quarterly_files(region, dirs)
            + industry_files(region, dirs) + size_files(region, dirs))


def _number(raw: pd.Series, column: str, file: Path, integer: bool) -> tuple[pd.Series, list]:
    text = raw.str.strip()
    values = pd.to_numeric(text.where(text != ""), errors="coerce")
    bad = values.isna() & (text != "")
    problems = [Problem(str(file), int(i), column, v, "not a number")
                for i, v in text[bad].items()]
    if integer:
        fractional = values.notna() & (values % 1 != 0)
        problems += [Problem(str(file), int(i), column, v, "not a whole number")
                     for i, v in text[fractional].items()]
        values = values.mask(fractional)
    return (values.astype("Int64") if integer else values.astype("Float64")), problems


def _duplicates(out: pd.DataFrame, file: Path) -> list[Problem]:
    """One problem per row that repeats an earlier row's key, naming that row."""
    dup = out.duplicated(UNIQUE, keep=False)
    if not dup.any():
        return []
    rows = out.loc[dup, UNIQUE].astype(str)
    first = rows.reset_index().groupby(UNIQUE)["file_row"].transform("min").to_numpy()
    problems = []
    for (row, key), earlier in zip(rows.iterrows(), first, strict=True):
        if row != earlier:
            problems.append(Problem(str(file), int(row), ", ".join(UNIQUE), "/".join(key),
                                    f"duplicate key: repeats row {earlier}"))
    return problems


def read(path: str | Path, region: Region | None = None) -> pd.DataFrame:
    """Parse one QCEW open-data CSV (annual or quarterly layout) into the tidy table.

    ``region`` is accepted for the common source interface; every row of the file is kept.
    """
    out, problems = _parse(Path(path))
    try:
        out = validate(out, SCHEMA, path)
    except InputError as exc:
        problems = exc.problems + problems
    if problems:
        raise InputError(sorted(problems, key=lambda p: (p.row or 0, p.column or "")))
    return out


def _parse(path: Path) -> tuple[pd.DataFrame, list[Problem]]:
    """The tidy rows of one file before the schema check, and its duplicate-key problems;
    raises :class:`InputError` for an unreadable file or cells that are not numbers."""
    try:
        raw = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    except (pd.errors.ParserError, pd.errors.EmptyDataError, UnicodeDecodeError) as exc:
        problem = Problem(str(path), None, None, None, f"not a readable CSV: {exc}")
        raise InputError(problem) from None
    raw.index = file_rows(len(raw))
    annual = "annual_avg_emplvl" in raw.columns
    measures = ANNUAL if annual else QUARTERLY
    require_columns(raw.columns, KEYS + list(measures) + FLAGS, path,
                    "QCEW annual" if annual else "QCEW quarterly")
    if raw.empty:
        raise InputError(Problem(str(path), None, None, None, "file has a header but no data rows"))

    out = pd.DataFrame(index=raw.index)
    problems: list[Problem] = []
    for col in ["area_fips", "qtr", "industry_code", "disclosure_code"]:
        out[col] = raw[col].str.strip()
    for col in ["year", "own_code", "agglvl_code", "size_code"]:
        out[col], errs = _number(raw[col], col, path, integer=True)
        problems += errs
    for src, dst in measures.items():
        out[dst], errs = _number(raw[src], src, path, integer=dst == "estabs")
        problems += errs
    if problems:
        raise InputError(problems)

    out["suppressed"] = out["disclosure_code"].eq(QCEW_SUPPRESSED).astype(bool)
    withheld = out["disclosure_code"].isin([QCEW_SUPPRESSED, QCEW_NOT_AVAILABLE])
    for col in _SUPPRESSIBLE:
        if col in out:
            out[col] = out[col].mask(withheld)
    lq_withheld = raw["lq_disclosure_code"].str.strip().isin([QCEW_SUPPRESSED, QCEW_NOT_AVAILABLE])
    out["lq_employment"] = out["lq_employment"].mask(lq_withheld)
    if not annual:
        months = out[["month1_employment", "month2_employment", "month3_employment"]]
        out["employment"] = months.mean(axis=1, skipna=False).astype("Float64")
    for col in TIDY_COLUMNS:
        if col not in out:
            out[col] = pd.Series(pd.NA, index=out.index, dtype="Float64")
    out = out[TIDY_COLUMNS]
    return out, _duplicates(out, path)


def read_many(paths: list[Path]) -> pd.DataFrame:
    """The files' tidy rows, one after another. The schema's checks are all cell by cell, so
    the rows of clean files are checked together, once (a schema check costs about as much as
    parsing a small file); at the first problem every file is read on its own again, so the
    error names file, row and column exactly as :func:`read` does."""
    if not paths:
        return pd.DataFrame(columns=TIDY_COLUMNS)
    try:
        parsed = [_parse(Path(p)) for p in paths]
        if any(problems for _, problems in parsed):
            raise InputError([p for _, problems in parsed for p in problems])
        table = pd.concat([out for out, _ in parsed], ignore_index=True)
        return validate(table, SCHEMA, ", ".join(str(p) for p in paths))
    except InputError:
        frames = [read(p) for p in paths]  # raises naming the first bad file
        return pd.concat(frames, ignore_index=True)


# --- processed tables -------------------------------------------------------------------------

QUARTERLY_COLUMNS = ["area_fips", "county", "year", "qtr", "period", "own_code", "industry_code",
                     "agglvl_code", "disclosure_code", "suppressed", "estabs",
                     "month1_employment", "month2_employment", "month3_employment", "employment",
                     "total_wages", "avg_weekly_wage", "lq_employment"]
PEER_COLUMNS = ["area_fips", "area_type", "state_fips", "in_state", "in_region", "year",
                "own_code", "industry_code", "agglvl_code", "disclosure_code", "suppressed",
                "estabs", "employment", "total_wages", "avg_annual_pay", "lq_employment"]
SIZE_COLUMNS = ["area_fips", "year", "qtr", "own_code", "industry_code", "agglvl_code",
                "size_code",
                "size_title", "disclosure_code", "suppressed", "estabs", "month3_employment",
                "employment", "total_wages", "avg_weekly_wage", "estabs_share",
                "employment_share"]


def quarterly_table(tidy: pd.DataFrame, region: Region) -> pd.DataFrame:
    """Region counties x quarter: private manufacturing (sector and subsectors) and the private
    all-industry total, monthly employment kept (March, June... levels are the month3 column)."""
    industries = [ALL_INDUSTRIES, region.industry.sector, *region.industry.subsectors]
    rows = tidy[(tidy["own_code"] == OWN_PRIVATE) & (tidy["size_code"] == 0)
                & tidy["area_fips"].isin(region.county_fips)
                & tidy["industry_code"].isin(industries)
                & (tidy["qtr"] != "A")].copy()
    rows["county"] = rows["area_fips"].map(region.county_names)
    rows["period"] = rows["year"].astype(str) + "Q" + rows["qtr"]
    return (rows[QUARTERLY_COLUMNS]
            .sort_values(["area_fips", "industry_code", "year", "qtr"], ignore_index=True))


def _area_type(frame: pd.DataFrame) -> pd.Series:
    kind = frame["agglvl_code"].map(PEER_AREA_TYPES).astype("string")
    undefined = (kind == "county") & frame["area_fips"].str.endswith(UNDEFINED_COUNTY)
    return kind.mask(undefined, "county undefined")


def peers_table(tidy: pd.DataFrame, region: Region) -> pd.DataFrame:
    """Every area's private employment, pay and LQ in the region's sector, from the industry
    slices: the nation, every state, metro area and county (``XX999`` rows, employment BLS could
    not place in a county, are kept as ``area_type`` "county undefined")."""
    rows = tidy[(tidy["own_code"] == OWN_PRIVATE) & (tidy["size_code"] == 0)
                & (tidy["industry_code"] == region.industry.sector)
                & tidy["agglvl_code"].isin(list(PEER_AREA_TYPES))].copy()
    rows["area_type"] = _area_type(rows)
    numeric = rows["area_fips"].str.fullmatch(r"\d{5}")
    rows["state_fips"] = rows["area_fips"].str[:2].where(numeric & (rows["area_type"] != "nation"))
    rows["in_state"] = rows["state_fips"].eq(region.state.fips).fillna(False).astype(bool)
    rows["in_region"] = rows["area_fips"].isin(region.county_fips).astype(bool)
    return (rows[PEER_COLUMNS]
            .sort_values(["year", "agglvl_code", "area_fips"], ignore_index=True))


def size_table(tidy: pd.DataFrame, region: Region) -> pd.DataFrame:
    """Private establishments by size class (first quarter) in the region's sector for the state
    and the nation (agglvl 64 and 24), and in each of its subsectors for the nation (agglvl 25;
    BLS publishes no state subsector by size). Shares are within an area and industry: of the
    establishments (always published) and of March employment (missing for every class of an
    area and industry where any class is suppressed)."""
    state, nation = region.benchmarks.state.qcew, region.benchmarks.nation.qcew
    sector = region.industry.sector
    rows = tidy[(tidy["own_code"] == OWN_PRIVATE) & (tidy["size_code"] > 0)]
    keep = (((rows["area_fips"] == state) & (rows["industry_code"] == sector)
             & (rows["agglvl_code"] == AGGLVL_STATE_SECTOR_BY_SIZE))
            | ((rows["area_fips"] == nation) & (rows["industry_code"] == sector)
               & (rows["agglvl_code"] == AGGLVL_NATIONAL_SECTOR_BY_SIZE))
            | ((rows["area_fips"] == nation)
               & rows["industry_code"].isin(region.industry.subsectors)
               & (rows["agglvl_code"] == AGGLVL_NATIONAL_SUBSECTOR_BY_SIZE)))
    rows = rows[keep].copy()
    rows["size_title"] = rows["size_code"].map(SIZE_CLASSES).astype("string")
    group = rows.groupby(["area_fips", "industry_code", "year"])
    rows["estabs_share"] = (rows["estabs"] / group["estabs"].transform("sum")).astype("Float64")
    complete = ~group["month3_employment"].transform(lambda s: s.isna().any()).astype(bool)
    total = group["month3_employment"].transform("sum")
    rows["employment_share"] = (rows["month3_employment"] / total).where(complete)
    rows["employment_share"] = rows["employment_share"].astype("Float64")
    return (rows[SIZE_COLUMNS]
            .sort_values(["area_fips", "year", "agglvl_code", "industry_code", "size_code"],
                         ignore_index=True))


def process(region: Region, dirs: DataDirs) -> dict[str, pd.DataFrame]:
    """``qcew_annual``: every row of every annual area file the region needs, tidy.
    ``qcew_quarterly``, ``qcew_peers``, ``qcew_size``: see the functions of the same names."""
    def dests(files: list[RemoteFile]) -> list[Path]:
        return [rf.dest for rf in files]

    return {
        "qcew_annual": read_many(dests(annual_files(region, dirs))),
        "qcew_quarterly": quarterly_table(read_many(dests(quarterly_files(region, dirs))), region),
        "qcew_peers": peers_table(read_many(dests(industry_files(region, dirs))), region),
        "qcew_size": size_table(read_many(dests(size_files(region, dirs))), region),
    }
