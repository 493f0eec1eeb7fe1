"""California Community Colleges Chancellor's Office DataMart: program awards by college and
TOP code.

DataMart (``https://datamart.cccco.edu/Outcomes/Program_Awards.aspx``) is a web form with no
API and no file URL, so the file is exported by hand (:data:`EXPORT_STEPS`, also in the
README) and saved as ``data/raw/cccco/datamart/program_awards.csv``; ``make data-plan`` lists
it as a manual file with the page to export it from, and ``make data`` never requests it.

The export's layout: ``College, Major``, then one column per academic year (``2014-2015`` …
``2023-2024``). ``College`` is DataMart's short name with a trailing space (``Fresno City ``);
``Major`` is the program title and its six-digit TOP code joined by a hyphen
(``Welding Technology-095650``; titles may hold hyphens and commas themselves, so the code is
the part after the last hyphen); counts carry thousands separators (``"1,340"``). Counts are
awards (certificates and degrees of every kind), not students.

Tidy: ``college`` (DataMart's name, trimmed), ``top_code`` (six-digit text, ``095650``),
``program_title``, ``academic_year`` (``2023-2024``), ``awards``. Colleges are placed in
counties by the maintained table ``sources/data/ccc_colleges.csv`` (:func:`colleges`), which
also gives each its IPEDS ``unitid`` so the section can use DataMart *instead of* IPEDS for a
community college, never both.

California only: :func:`applies`.
"""

from __future__ import annotations

import io
import logging
import re
from pathlib import Path

import pandas as pd
import pandera.pandas as pa

from assessment.download import RemoteFile
from assessment.errors import InputError, Problem
from assessment.paths import PACKAGE_DIR, DataDirs
from assessment.region import Region
from assessment.schemas import require_columns, validate
from assessment.sources import SourceInfo

log = logging.getLogger(__name__)

PAGE_URL = "https://datamart.cccco.edu/Outcomes/Program_Awards.aspx"
EXPORT_STEPS = (
    "on the Program Awards page choose 'Statewide Search'; Academic Years: select every year "
    "offered; Award Type: all (total of every award type); Program Type: TOP code, 6-digit "
    "('Major'); then 'View Report', set the report to list College and Major in rows and "
    "the academic years in columns, and export it as CSV; save it as "
    "data/raw/cccco/datamart/program_awards.csv without opening it in a spreadsheet")
INFO = SourceInfo(
    agency="California Community Colleges Chancellor's Office (CCCCO)",
    dataset="DataMart Program Awards, all award types by college and six-digit TOP code "
            "(a hand export of the web form)",
    files="datamart.cccco.edu/Outcomes/Program_Awards.aspx -> program_awards.csv",
    vintage="academic years 2014-2015 to the latest shown at export",
    licence="Public information of the State of California",
    saved_under="data/raw/cccco/datamart/",
    used_by="03-occupations",
    access="web form, no API: exported by hand (see the README)",
)
AGENCY, DATASET = "cccco", "datamart"
FILE = "program_awards.csv"
COLLEGES_FILE = PACKAGE_DIR / "sources" / "data" / "ccc_colleges.csv"
CALIFORNIA = "06"

COLUMNS = ["college", "top_code", "program_title", "academic_year", "awards"]
COLLEGE_COLUMNS = ["college", "institution", "district", "unitid", "county_fips", "county"]
_YEAR = re.compile(r"^(\d{4})-(\d{4})$")
_MAJOR = re.compile(r"^(?P<title>.+)-(?P<top>\d{6})$")

SCHEMA = pa.DataFrameSchema(
    {
        "college": pa.Column(str, pa.Check.str_length(min_value=1)),
        "top_code": pa.Column(str, pa.Check.str_matches(r"^\d{6}$")),
        "program_title": pa.Column(str, pa.Check.str_length(min_value=1)),
        "academic_year": pa.Column(str, pa.Check.str_matches(_YEAR.pattern)),
        "awards": pa.Column("Int64", pa.Check.ge(0), nullable=True),
    },
    strict=True, ordered=True,
    unique=["college", "top_code", "academic_year"], report_duplicates="exclude_first",
)


def applies(region: Region) -> bool:
    """DataMart covers California's community colleges only."""
    return region.state.fips == CALIFORNIA


def path(dirs: DataDirs) -> Path:
    return dirs.source_dir(AGENCY, DATASET) / FILE


def remote_files(region: Region, dirs: DataDirs) -> list[RemoteFile]:
    if not applies(region):
        return []
    return [RemoteFile(url=PAGE_URL, dest=path(dirs), source="CCCCO DataMart Program Awards",
                       vintage="academic years shown at export", kind="csv", validate=read,
                       manual=EXPORT_STEPS)]


def colleges() -> pd.DataFrame:
    """The maintained college -> IPEDS unitid and county table (package data)."""
    t = pd.read_csv(COLLEGES_FILE, dtype=str, keep_default_na=False)
    require_columns(t.columns, COLLEGE_COLUMNS, COLLEGES_FILE, "college table")
    t["unitid"] = t["unitid"].astype("int64")
    bad = ~t["county_fips"].str.fullmatch(r"\d{5}") | t["college"].duplicated()
    if bad.any():
        raise InputError([Problem(str(COLLEGES_FILE), int(i) + 2, "county_fips/college",
                                  t.at[i, "college"], "five-digit county FIPS, one row a college")
                          for i in t.index[bad]])
    return t[COLLEGE_COLUMNS]


def _count(value: str) -> int | None:
    text = value.strip().replace(",", "")
    if text == "":
        return None
    if not text.isdigit():
        raise ValueError(value)
    return int(text)


def read(path: str | Path, region: Region | None = None) -> pd.DataFrame:
    """Parse a DataMart Program Awards export; with ``region``, keep its counties' colleges."""
    path = Path(path)
    raw = path.read_bytes()
    if not raw.strip():
        raise InputError(Problem(str(path), None, None, None, "file is empty"))
    text = raw.decode("utf-8-sig", errors="strict") if raw[:3] == b"\xef\xbb\xbf" else None
    if text is None:
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError:
            text = raw.decode("cp1252")
    frame = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False)
    frame.columns = [str(c).strip() for c in frame.columns]
    require_columns(frame.columns, ["College", "Major"], path, "DataMart Program Awards")
    years = [c for c in frame.columns if _YEAR.match(c)]
    others = [c for c in frame.columns if c not in ("College", "Major", *years)]
    if not years or others:
        raise InputError(Problem(str(path), 1, ", ".join(others) or None, None,
                                 "after College and Major every column must be an academic "
                                 "year such as 2023-2024"))
    frame.index = pd.RangeIndex(2, 2 + len(frame), name="file_row")
    problems = []
    majors = frame["Major"].str.strip().str.extract(_MAJOR)
    for i in frame.index[majors["top"].isna()]:
        problems.append(Problem(str(path), int(i), "Major", frame.at[i, "Major"],
                                "not 'Program title-TOP6' (six-digit TOP code after the last"
                                " hyphen)"))
    counts: dict[str, list[int | None]] = {}
    for year in years:
        values = []
        for i, v in frame[year].items():
            try:
                values.append(_count(v))
            except ValueError:
                problems.append(Problem(str(path), int(i), year, v,
                                        "not a count of awards"))
                values.append(None)
        counts[year] = values
    if problems:
        raise InputError(problems)
    wide = pd.DataFrame({"college": frame["College"].str.strip(),
                         "top_code": majors["top"], "program_title": majors["title"].str.strip(),
                         **counts}, index=frame.index)
    long = wide.melt(id_vars=["college", "top_code", "program_title"], value_vars=years,
                     var_name="academic_year", value_name="awards", ignore_index=False)
    long["awards"] = long["awards"].astype("Int64")
    long["academic_year"] = long["academic_year"].astype(str)
    out = validate(long[COLUMNS].sort_index(kind="stable"), SCHEMA, path)
    if region is not None:
        keep = colleges()
        keep = keep[keep["county_fips"].isin([c.fips for c in region.counties])]
        out = out[out["college"].isin(keep["college"])]
    return out


def process(region: Region, dirs: DataDirs) -> dict[str, pd.DataFrame]:
    """``ccc_awards``: the region's colleges' awards, with ``unitid``, ``county_fips`` and
    ``district`` from the college table."""
    if not applies(region):
        return {}
    table = read(path(dirs))
    known = colleges()
    unknown = sorted(set(table["college"]) - set(known["college"]))
    if unknown:
        log.info("DataMart colleges outside the college table (other parts of California): "
                 "%d, e.g. %s", len(unknown), ", ".join(unknown[:5]))
    mine = known[known["county_fips"].isin([c.fips for c in region.counties])]
    out = table.merge(mine[["college", "unitid", "county_fips", "district"]], on="college",
                      how="inner", validate="many_to_one")
    return {"ccc_awards": out.reset_index(drop=True)}
