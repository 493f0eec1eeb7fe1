"""California EDD monthly industry employment by metro area (CES, not seasonally adjusted).

Files: ``https://labormarketinfo.edd.ca.gov/file/indhist/{area}$hws.xls``, one per EDD area
(``frsn`` Fresno MSA, ``bake`` Bakersfield, ..., ``cal`` California), the "historical
wage and salary employment" workbooks of EDD's Labor Market Information Division. They land
under ``data/raw/edd/ces/indhist/{area}_hws.xls`` (``$`` becomes ``_``: a dollar sign in a
path breaks Make and shells).

Layout: one sheet; a header row ``SORTORDER, BMYEAR, AREA, INCLUDES, BREAKS, PNCO, SS-NAICS,
TITLE`` followed by one column per month whose header cell is a date (an Excel date serial);
then one row per series: the labor force lines (``00-000010`` civilian labor force,
``00-000020`` employment, ``00-000030`` unemployment, ``00-000040`` unemployment rate as a
fraction) and the industry lines (``00-000000`` total nonfarm, ``30-000000`` manufacturing,
...), indented titles. The reader finds the header by content, so a workbook re-saved as
``.xlsx`` (or with its month headers as text) is read the same way.

Tidy, one row per series and month: ``area_code`` (EDD's AREA, the CBSA code of the metro
area, ``00000`` for California), ``edd_area`` (``FRSN``...), ``benchmark_year``,
``sort_order``, ``series_code`` (``30-000000``), ``title``, ``includes`` (NAICS codes the
line covers), ``breaks`` (EDD's series-break note), ``pnco`` (EDD's column, kept as
published), ``period`` (``YYYY-MM``), ``employment`` (jobs, or persons for the labor force
lines) and ``unemployment_rate`` (percent, on the rate line only). Blank cells stay missing.
"""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
import pandera.pandas as pa

from assessment.download import RemoteFile, expect
from assessment.errors import InputError, Problem
from assessment.paths import DataDirs
from assessment.region import CALIFORNIA_FIPS, Region
from assessment.schemas import validate
from assessment.sources import SourceInfo
from assessment.sources._sheets import blank, cell_text, excel_date, sheet_rows

INFO = SourceInfo(
    agency="California Employment Development Department, Labor Market Information Division",
    dataset="Industry employment (CES), historical monthly wage and salary employment by"
            " metropolitan area, not seasonally adjusted",
    files="labormarketinfo.edd.ca.gov/file/indhist/{area}$hws.xls",
    vintage="monthly from January 2010, latest benchmark at download",
    licence="Public information of the State of California",
    saved_under="data/raw/edd/ces/indhist/",
    used_by="02-workforce",
    access="no key",
)
AGENCY, DATASET = "edd", "ces"
BASE_URL = "https://labormarketinfo.edd.ca.gov/file/indhist"

LABOR_FORCE = "00-000010"
CIVILIAN_EMPLOYMENT = "00-000020"
CIVILIAN_UNEMPLOYMENT = "00-000030"
UNEMPLOYMENT_RATE = "00-000040"
TOTAL_NONFARM = "00-000000"
MANUFACTURING = "30-000000"

HEADER = ["SORTORDER", "BMYEAR", "AREA", "INCLUDES", "BREAKS", "PNCO", "SS-NAICS", "TITLE"]
TIDY_COLUMNS = ["area_code", "edd_area", "benchmark_year", "sort_order", "series_code", "title",
                "includes", "breaks", "pnco", "period", "employment", "unemployment_rate"]
_FILE_AREA = re.compile(r"^([A-Za-z]+)[$_]hws$", re.IGNORECASE)

SCHEMA = pa.DataFrameSchema(
    {
        "area_code": pa.Column(str, pa.Check.str_matches(r"^\d{5}$")),
        "edd_area": pa.Column(str),
        "benchmark_year": pa.Column("Int64", pa.Check.in_range(1990, 2100)),
        "sort_order": pa.Column("Int64"),
        "series_code": pa.Column(str, pa.Check.str_matches(r"^\d{2}-\d{6}$")),
        "title": pa.Column(str),
        "includes": pa.Column(str),
        "breaks": pa.Column(str),
        "pnco": pa.Column(str),
        "period": pa.Column(str, pa.Check.str_matches(r"^\d{4}-(0[1-9]|1[0-2])$")),
        "employment": pa.Column("Float64", pa.Check.ge(0), nullable=True),
        "unemployment_rate": pa.Column("Float64", pa.Check.in_range(0, 100), nullable=True),
    },
    strict=True,
    ordered=True,
    unique=["area_code", "series_code", "period"],
    report_duplicates="exclude_first",
)


def file_name(code: str) -> str:
    return f"{code.lower()}$hws.xls"


def url(code: str) -> str:
    return f"{BASE_URL}/{file_name(code)}"


def path(dirs: DataDirs, code: str) -> Path:
    return dirs.source_dir(AGENCY, DATASET) / "indhist" / file_name(code).replace("$", "_")


COVERS = "California"


def applies(region: Region) -> bool:
    """EDD publishes California's areas only."""
    return region.state.fips == CALIFORNIA_FIPS


def areas(region: Region) -> list[str]:
    """EDD area codes: each county's metro area (once), then the state benchmark."""
    codes = [c.edd_area for c in region.counties if c.edd_area]
    state = region.benchmarks.state.edd_area
    return list(dict.fromkeys(codes + ([state] if state else [])))


STATE_AREA = "00000"  # EDD's AREA for California


def area_codes(region: Region) -> dict[str, str]:
    """EDD area -> the AREA code its workbook states: the metro area's CBSA, 00000 the state."""
    codes = {c.edd_area: c.cbsa for c in region.counties if c.edd_area}
    if region.benchmarks.state.edd_area:
        codes[region.benchmarks.state.edd_area] = STATE_AREA
    return codes


def remote_files(region: Region, dirs: DataDirs) -> list[RemoteFile]:
    stated = area_codes(region)
    return [RemoteFile(url=url(code), dest=path(dirs, code), source="EDD CES",
                       vintage="monthly since 2010, benchmark current at download",
                       kind="xls", validate=read,
                       expect=(expect("area", "area_code", stated[code]),))
            for code in areas(region)]


def _find_header(table: list[list[object]], file: Path) -> tuple[int, dict[str, int]]:
    for i, row in enumerate(table[:20]):
        names = [cell_text(v).upper() for v in row]
        if "SS-NAICS" in names and "TITLE" in names:
            missing = [h for h in HEADER if h not in names]
            if missing:
                raise InputError(Problem(str(file), i + 1, ", ".join(missing), None,
                                         "header lacks column(s) of the EDD HWS layout"))
            return i, {h: names.index(h) for h in HEADER}
    raise InputError(Problem(str(file), None, None, None,
                             "no header row with SS-NAICS and TITLE in the first 20 rows"))


def _numeric(value: object) -> float | None | str:
    """A number, None for an empty cell, or the text that is not a number."""
    if value is None:
        return None
    if isinstance(value, int | float) and not isinstance(value, bool):
        return float(value)
    text = str(value).strip().replace(",", "")
    if text == "":
        return None
    try:
        return float(text)
    except ValueError:
        return str(value)


def read(path: str | Path, region: Region | None = None) -> pd.DataFrame:
    """Parse one EDD HWS workbook into the tidy monthly table."""
    path = Path(path)
    table = sheet_rows(path)
    h, cols = _find_header(table, path)
    header = table[h]
    months: list[tuple[int, str]] = []
    problems: list[Problem] = []
    for j in range(cols["TITLE"] + 1, len(header)):
        if header[j] is None:
            continue
        when = excel_date(header[j])
        if when is None:
            problems.append(Problem(str(path), h + 1, f"column {j + 1}", header[j],
                                    "month header is not a date"))
        else:
            months.append((j, f"{when.year:04d}-{when.month:02d}"))
    if not months:
        problems.append(Problem(str(path), h + 1, None, None, "no month columns after TITLE"))
    if problems:
        raise InputError(problems)
    m = _FILE_AREA.match(path.stem)
    edd_area = m.group(1).upper() if m else ""

    records = []
    for i in range(h + 1, len(table)):
        row = table[i]
        if blank(row):
            continue
        row_no = i + 1

        def get(name, row=row):
            j = cols[name]
            return row[j] if j < len(row) else None

        code = cell_text(get("SS-NAICS"))
        area = _numeric(get("AREA"))
        bmyear = _numeric(get("BMYEAR"))
        sort = _numeric(get("SORTORDER"))
        for name, value in (("AREA", area), ("BMYEAR", bmyear), ("SORTORDER", sort)):
            if not isinstance(value, float) or not value.is_integer():
                problems.append(Problem(str(path), row_no, name, get(name),
                                        "must be a whole number"))
        base = {
            "area_code": f"{int(area):05d}" if isinstance(area, float) else "",
            "edd_area": edd_area,
            "benchmark_year": int(bmyear) if isinstance(bmyear, float) else None,
            "sort_order": int(sort) if isinstance(sort, float) else None,
            "series_code": code,
            "title": cell_text(get("TITLE")),
            "includes": cell_text(get("INCLUDES")),
            "breaks": cell_text(get("BREAKS")),
            "pnco": cell_text(get("PNCO")),
        }
        is_rate = code == UNEMPLOYMENT_RATE
        for j, period in months:
            value = _numeric(row[j] if j < len(row) else None)
            if isinstance(value, str):
                problems.append(Problem(str(path), row_no, period, value, "not a number"))
                value = None
            records.append({
                **base, "period": period,
                "employment": None if is_rate else value,
                # EDD writes the rate as a fraction (0.077); the tidy table uses percent.
                "unemployment_rate": round(value * 100, 4) if is_rate and value is not None
                else None,
                "_row": row_no,
            })
    if problems:
        raise InputError(problems)
    if not records:
        raise InputError(Problem(str(path), None, None, None, "file has no series rows"))
    out = pd.DataFrame(records)
    out.index = pd.Index(out.pop("_row"), name="file_row")
    for col in ["benchmark_year", "sort_order"]:
        out[col] = pd.to_numeric(out[col]).astype("Int64")
    for col in ["employment", "unemployment_rate"]:
        out[col] = pd.to_numeric(out[col]).astype("Float64")
    for col in ["area_code", "edd_area", "series_code", "title", "includes", "breaks", "pnco",
                "period"]:
        out[col] = out[col].astype(str)
    return validate(out[TIDY_COLUMNS], SCHEMA, path)


def process(region: Region, dirs: DataDirs) -> dict[str, pd.DataFrame]:
    """``edd_ces``: every series and month of the region's metro areas and the state."""
    frames = []
    for code, rf in zip(areas(region), remote_files(region, dirs), strict=True):
        frames.append(read(rf.dest).assign(edd_area=code))
    out = pd.concat(frames, ignore_index=True)
    return {"edd_ces": out}
