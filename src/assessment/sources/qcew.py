"""BLS Quarterly Census of Employment and Wages (QCEW), open-data CSV slices.

Files: ``https://data.bls.gov/cew/data/api/{year}/{qtr}/area/{area}.csv`` where ``qtr`` is ``a``
(annual averages) or ``1``-``4``; layouts documented at
``https://www.bls.gov/cew/about-data/downloadable-file-layouts/``. They land under
``data/raw/bls/qcew/{year}/{qtr}/area/{area}.csv``, mirroring the agency's path.

Suppression: where BLS cannot disclose a cell it sets ``disclosure_code`` to ``N`` and publishes
zeros. The tidy table keeps the flag, keeps the establishment count (published even then), and
leaves employment and wages missing, never zero. A ``-`` code (no data for the period) is kept
and treated the same way.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pandera.pandas as pa

from assessment.constants import QCEW_NOT_AVAILABLE, QCEW_SUPPRESSED
from assessment.download import RemoteFile
from assessment.errors import InputError, Problem
from assessment.paths import DataDirs
from assessment.region import Region
from assessment.schemas import file_rows, require_columns, validate
from assessment.sources import SourceInfo

INFO = SourceInfo(
    agency="U.S. Bureau of Labor Statistics",
    dataset="Quarterly Census of Employment and Wages (QCEW), open-data area slices",
    files="data.bls.gov/cew/data/api/{year}/a/area/{area}.csv",
    vintage="annual averages, each analysis year of the region file",
    licence="Public domain (U.S. government work)",
    saved_under="data/raw/bls/qcew/",
    used_by="01-industry-profile",
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
    unique=["area_fips", "year", "qtr", "own_code", "industry_code", "size_code"],
    report_duplicates="exclude_first",
)


def area_url(year: int, qtr: str | int, area: str) -> str:
    return f"{BASE_URL}/{year}/{str(qtr).lower()}/area/{area}.csv"


def industry_url(year: int, qtr: str | int, industry: str) -> str:
    return f"{BASE_URL}/{year}/{str(qtr).lower()}/industry/{industry.replace('-', '_')}.csv"


def size_url(year: int, size_code: int) -> str:
    # Size data are published for the first quarter only.
    return f"{BASE_URL}/{year}/1/size/{size_code}.csv"


def area_path(dirs: DataDirs, year: int, qtr: str | int, area: str) -> Path:
    return dirs.source_dir(AGENCY, DATASET) / str(year) / str(qtr).lower() / "area" / f"{area}.csv"


def remote_files(region: Region, dirs: DataDirs) -> list[RemoteFile]:
    """Annual-average area files for every county and benchmark, every analysis year."""
    return [
        RemoteFile(
            url=area_url(year, "a", area),
            dest=area_path(dirs, year, "a", area),
            source="BLS QCEW",
            vintage=f"{year} annual averages",
            validate=read,
        )
        for year in region.years.span
        for area in region.qcew_areas
    ]


def _number(raw: pd.Series, column: str, file: Path, integer: bool) -> tuple[pd.Series, list]:
    text = raw.str.strip()
    values = pd.to_numeric(text.where(text != ""), errors="coerce")
    bad = values.isna() & (text != "")
    problems = [Problem(str(file), int(i), column, v, "not a number")
                for i, v in text[bad].items()]
    return (values.astype("Int64") if integer else values.astype("Float64")), problems


def read(path: str | Path, region: Region | None = None) -> pd.DataFrame:
    """Parse one QCEW open-data CSV (annual or quarterly layout) into the tidy table."""
    path = Path(path)
    try:
        raw = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    except (pd.errors.ParserError, UnicodeDecodeError) as exc:
        problem = Problem(str(path), None, None, None, f"not a readable CSV: {exc}")
        raise InputError(problem) from None
    raw.index = file_rows(len(raw))
    annual = "annual_avg_emplvl" in raw.columns
    measures = ANNUAL if annual else QUARTERLY
    require_columns(raw.columns, KEYS + list(measures), path,
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
    if not annual:
        months = out[["month1_employment", "month2_employment", "month3_employment"]]
        out["employment"] = months.mean(axis=1, skipna=False).astype("Float64")
    for col in TIDY_COLUMNS:
        if col not in out:
            out[col] = pd.Series(pd.NA, index=out.index, dtype="Float64")
    out = out[TIDY_COLUMNS]
    return validate(out, SCHEMA, path)


def read_many(paths: list[Path]) -> pd.DataFrame:
    frames = [read(p) for p in paths]
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=TIDY_COLUMNS)


def process(region: Region, dirs: DataDirs) -> dict[str, pd.DataFrame]:
    """``qcew_annual``: every row of every area file the region needs, tidy."""
    return {"qcew_annual": read_many([rf.dest for rf in remote_files(region, dirs)])}
