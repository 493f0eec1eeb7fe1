"""NCES IPEDS complete data files: institutions (``HD{year}``) and completions (``C{year}_A``).

Files: ``https://nces.ed.gov/ipeds/datacenter/data/HD{year}.zip`` and ``C{year}_A.zip`` for
the last three collection years (:data:`COLLECTION_YEARS`; the 2023 collection counts awards
conferred from July 2022 to June 2023), saved under ``data/raw/nces/ipeds/`` with NCES's
names. Each zip holds one CSV (``hd2023.csv``, ``c2023_a.csv``); when NCES revises a file after
release the zip holds the original *and* the revised one (``c2021_a_rv.csv``), and the revised
one is read. A CSV taken out of its zip is read the same way.

Traps handled here, each with a test:

* a UTF-8 byte-order mark before ``UNITID``;
* ``COUNTYCD`` written without its leading zero (``6019`` is Fresno County, ``06019``);
* ``CIPCODE`` rows for the grand total (``99``) and the two-digit CIP families (``01``,
  ``48``): they are subtotals of the six-digit rows, so :func:`read` returns six-digit rows
  only and logs how many subtotal rows it set aside (summing both would count every award
  twice); :func:`subtotals` returns them for checks;
* CIP codes that lost their leading zero on a spreadsheet round trip (``1.0101``);
* ``MAJORNUM`` 1 (first major) and 2 (second major) kept apart: a student with a double major
  is counted once under each, so supply counts use first majors (:data:`FIRST_MAJOR`);
* ``AWLEVEL`` codes named in words (:data:`AWARD_LEVELS`);
* the ``X…`` imputation flags kept as a flag beside the count they qualify
  (:data:`IMPUTATION_FLAGS` says what each letter means);
* institutions chosen by county (and level), never by ``SECTOR``: several California
  community colleges that now confer a bachelor's degree are ``SECTOR`` 1 ("public, 4-year or
  above"), e.g. Bakersfield College and Modesto Junior College.

Tidy institutions (``HD``): ``unitid``, ``name``, ``county_fips`` (five digits), ``sector``,
``level`` (``ICLEVEL``: 1 four years or more, 2 two to four years, 3 less than two), ``latitude``,
``longitude``. Tidy completions (``C_A``): ``unitid``, ``cip`` (``NN.NNNN``), ``majornum``,
``award_level``, ``award_title``, ``completions`` (``CTOTALT``, all students), ``flag`` (the
letter of ``XCTOTALT``).
"""

from __future__ import annotations

import csv
import io
import logging
import re
import zipfile
from pathlib import Path

import pandas as pd
import pandera.pandas as pa

from assessment.download import RemoteFile
from assessment.errors import InputError, Problem
from assessment.paths import DataDirs
from assessment.region import Region
from assessment.schemas import require_columns, validate
from assessment.sources import SourceInfo

log = logging.getLogger(__name__)

INFO = SourceInfo(
    agency="U.S. Department of Education, National Center for Education Statistics (NCES)",
    dataset="IPEDS complete data files: institutional characteristics (directory) and "
            "completions by CIP code and award level",
    files="nces.ed.gov/ipeds/datacenter/data/HD{year}.zip, C{year}_A.zip",
    vintage="the last three collection years (2021, 2022, 2023: awards of July-June "
            "academic years 2020-21 to 2022-23)",
    licence="Public domain (U.S. government work)",
    saved_under="data/raw/nces/ipeds/",
    used_by="03-occupations",
    access="no key",
)
AGENCY, DATASET = "nces", "ipeds"
BASE_URL = "https://nces.ed.gov/ipeds/datacenter/data"
COLLECTION_YEARS = (2021, 2022, 2023)
REVISED_SUFFIX = "_rv"

GRAND_TOTAL_CIP = "99"
FIRST_MAJOR, SECOND_MAJOR = 1, 2
NOT_APPLICABLE = -2  # NCES's code for "not applicable" in HD (e.g. COUNTYCD of a closed unit)

# AWLEVEL, IPEDS completions (2020-21 collection onward; 1 is the pre-2020 "less than one
# academic year" level that 20 and 21 replaced).
AWARD_LEVELS = {
    1: "Award of less than 1 academic year",
    20: "Certificate of less than 12 weeks",
    21: "Certificate of at least 12 weeks but less than 1 year",
    2: "Certificate of at least 1 but less than 2 years",
    3: "Associate's degree",
    4: "Certificate of at least 2 but less than 4 years",
    5: "Bachelor's degree",
    6: "Postbaccalaureate certificate",
    7: "Master's degree",
    8: "Post-master's certificate",
    17: "Doctor's degree - research/scholarship",
    18: "Doctor's degree - professional practice",
    19: "Doctor's degree - other",
}
SUB_BACCALAUREATE = (1, 20, 21, 2, 3, 4)  # what an apprenticeship competes with
# ICLEVEL
LEVELS = {1: "Four or more years", 2: "At least 2 but less than 4 years",
          3: "Less than 2 years (below associate)"}
# IPEDS imputation flags (the X... column beside each count).
IMPUTATION_FLAGS = {
    "A": "not_applicable", "B": "left_blank", "C": "analyst_corrected", "D": "do_not_know",
    "G": "generated", "H": "not_usable", "J": "logical_imputation", "K": "ratio_adjustment",
    "L": "imputed_similar_institution", "N": "imputed_nearest_neighbor",
    "P": "imputed_prior_year", "R": "reported", "Y": "not_applicable_program",
    "Z": "implied_zero",
}

HD_HEADER = ["UNITID", "INSTNM", "SECTOR", "ICLEVEL", "COUNTYCD", "LATITUDE", "LONGITUD"]
C_HEADER = ["UNITID", "CIPCODE", "MAJORNUM", "AWLEVEL", "XCTOTALT", "CTOTALT"]
HD_COLUMNS = ["unitid", "name", "county_fips", "sector", "level", "latitude", "longitude"]
C_COLUMNS = ["unitid", "cip", "majornum", "award_level", "award_title", "completions", "flag"]

HD_SCHEMA = pa.DataFrameSchema(
    {
        "unitid": pa.Column("int64", pa.Check.gt(0), unique=True),
        "name": pa.Column(str, pa.Check.str_length(min_value=1)),
        "county_fips": pa.Column(str, pa.Check.str_matches(r"^\d{5}$"), nullable=True),
        "sector": pa.Column("int64", pa.Check.in_range(0, 99)),
        "level": pa.Column("int64", pa.Check.isin([1, 2, 3, -3, NOT_APPLICABLE])),
        "latitude": pa.Column(float, pa.Check.in_range(-90, 90), nullable=True),
        "longitude": pa.Column(float, pa.Check.in_range(-180, 180), nullable=True),
    },
    strict=True, ordered=True,
)
C_SCHEMA = pa.DataFrameSchema(
    {
        "unitid": pa.Column("int64", pa.Check.gt(0)),
        "cip": pa.Column(str, pa.Check.str_matches(r"^\d{2}\.\d{4}$")),
        "majornum": pa.Column("int64", pa.Check.isin([FIRST_MAJOR, SECOND_MAJOR])),
        "award_level": pa.Column("int64", pa.Check.isin(list(AWARD_LEVELS))),
        "award_title": pa.Column(str),
        "completions": pa.Column("Int64", pa.Check.ge(0), nullable=True),
        "flag": pa.Column(str),
    },
    strict=True, ordered=True,
    unique=["unitid", "cip", "majornum", "award_level"], report_duplicates="exclude_first",
)


# --- files ------------------------------------------------------------------------------------


def hd_path(dirs: DataDirs, year: int) -> Path:
    return dirs.source_dir(AGENCY, DATASET) / f"HD{year}.zip"


def c_path(dirs: DataDirs, year: int) -> Path:
    return dirs.source_dir(AGENCY, DATASET) / f"C{year}_A.zip"


def remote_files(region: Region, dirs: DataDirs) -> list[RemoteFile]:
    files = []
    for year in COLLECTION_YEARS:
        for dest, what in ((hd_path(dirs, year), "institutional characteristics"),
                           (c_path(dirs, year), "completions by CIP and award level")):
            files.append(RemoteFile(url=f"{BASE_URL}/{dest.name}", dest=dest,
                                    source=f"NCES IPEDS {dest.stem}",
                                    vintage=f"{year} collection, {what}", kind="zip",
                                    validate=read))
    return files


def _member(zf: zipfile.ZipFile, path: Path) -> str:
    """The CSV to read inside an NCES zip: the revised ``…_rv.csv`` when there is one."""
    csvs = [n for n in zf.namelist() if n.lower().endswith(".csv") and not n.startswith("__")]
    if not csvs:
        raise InputError(Problem(str(path), None, None, zf.namelist(),
                                 "zip holds no CSV file (expected NCES's data file)"))
    revised = [n for n in csvs if Path(n).stem.lower().endswith(REVISED_SUFFIX)]
    if len(revised) == 1:
        return revised[0]
    if len(csvs) == 1:
        return csvs[0]
    raise InputError(Problem(str(path), None, None, csvs,
                             "zip holds several CSV files and not exactly one revised (_rv)"
                             " file; cannot tell which is the data file"))


def _text(path: Path) -> tuple[str, str]:
    """(label for messages, CSV text) for a zip or a bare CSV, byte-order mark removed."""
    if zipfile.is_zipfile(path):
        with zipfile.ZipFile(path) as zf:
            name = _member(zf, path)
            data = zf.read(name)
        label = f"{path}!{name}"
    else:
        data = path.read_bytes()
        label = str(path)
    for encoding in ("utf-8-sig", "cp1252"):  # older IPEDS files are Windows-1252
        try:
            return label, data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise InputError(Problem(label, None, None, None, "neither UTF-8 nor Windows-1252 text"))


def _name(column: object) -> str:
    return str(column).strip().lstrip("\ufeff").upper()


def _frame(label: str, text: str) -> pd.DataFrame:
    """The columns the reader uses (a national C_A file has 64 and 300,000 rows: reading
    only these keeps time and memory down), every cell as text, indexed by file row."""
    if not text.strip():
        raise InputError(Problem(label, None, None, None, "file is empty"))
    header = {_name(c) for c in next(csv.reader(io.StringIO(text.split("\n", 1)[0])))}
    wanted = set(HD_HEADER if "INSTNM" in header else C_HEADER if "CIPCODE" in header
                 else header)
    frame = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False,
                        usecols=lambda c: _name(c) in wanted)
    frame.columns = [_name(c) for c in frame.columns]
    frame.index = pd.RangeIndex(2, 2 + len(frame), name="file_row")
    if frame.empty:
        raise InputError(Problem(label, None, None, None, "file has no data rows"))
    return frame


def _integers(frame: pd.DataFrame, column: str, label: str, nullable: bool = False
              ) -> pd.Series:
    text = frame[column].astype(str).str.strip()
    values = pd.to_numeric(text, errors="coerce")
    bad = values.isna() & ~(text.eq("") & nullable)
    bad |= values.notna() & (values % 1 != 0)
    if bad.any():
        raise InputError([Problem(label, int(i), column, text[i], "not a whole number")
                          for i in text.index[bad]])
    return values.astype("Int64") if nullable else values.astype("int64")


def _floats(frame: pd.DataFrame, column: str, label: str) -> pd.Series:
    text = frame[column].astype(str).str.strip()
    values = pd.to_numeric(text, errors="coerce")
    bad = values.isna() & text.ne("")
    if bad.any():
        raise InputError([Problem(label, int(i), column, text[i], "not a number")
                          for i in text.index[bad]])
    return values.astype(float)


def county_fips(code: object) -> str | None:
    """``COUNTYCD`` as NCES writes it (``6019``, leading zero lost) -> ``06019``."""
    text = str(code).strip()
    if not text or text.lstrip("-").isdigit() and int(text) < 0:
        return None
    if not text.isdigit() or len(text) > 5:
        raise ValueError(text)
    return text.zfill(5)


_CIP = re.compile(r"^(\d{1,2})(?:\.(\d{4}))?$")


def cip_code(code: object) -> str:
    """``CIPCODE`` -> ``NN.NNNN`` (six digits) or ``NN`` (a family subtotal or the ``99``
    total). A code that lost its leading zero (``1.0101``) gets it back; raises ValueError on
    anything else."""
    text = str(code).strip().strip('"')
    m = _CIP.fullmatch(text)
    if not m:
        raise ValueError(text)
    family = m.group(1).zfill(2)
    return f"{family}.{m.group(2)}" if m.group(2) else family


# --- parsers ------------------------------------------------------------------------------------


def _institutions(frame: pd.DataFrame, label: str) -> pd.DataFrame:
    require_columns(frame.columns, HD_HEADER, label, "IPEDS HD (directory)")
    out = pd.DataFrame(index=frame.index)
    out["unitid"] = _integers(frame, "UNITID", label)
    out["name"] = frame["INSTNM"].astype(str).str.strip()
    problems, fips = [], []
    for i, v in frame["COUNTYCD"].items():
        try:
            fips.append(county_fips(v))
        except ValueError:
            problems.append(Problem(label, int(i), "COUNTYCD", v, "not a county FIPS code"))
            fips.append(None)
    if problems:
        raise InputError(problems)
    out["county_fips"] = pd.Series(fips, index=frame.index, dtype="str")
    out["sector"] = _integers(frame, "SECTOR", label)
    out["level"] = _integers(frame, "ICLEVEL", label)
    out["latitude"] = _floats(frame, "LATITUDE", label)
    out["longitude"] = _floats(frame, "LONGITUD", label)
    return validate(out[HD_COLUMNS], HD_SCHEMA, label)


def _split_cips(frame: pd.DataFrame, label: str) -> pd.Series:
    """:func:`cip_code` over a column, vectorised (national files have 300,000 rows)."""
    text = frame["CIPCODE"].astype(str).str.strip().str.strip('"')
    parts = text.str.extract(_CIP.pattern)
    bad = parts[0].isna()
    if bad.any():
        raise InputError([Problem(label, int(i), "CIPCODE", text[i],
                                  "not a CIP code (NN.NNNN, or NN for a subtotal)")
                          for i in text.index[bad]])
    family = parts[0].str.zfill(2)
    return (family + ("." + parts[1]).fillna("")).astype("str")


def _completions_frame(frame: pd.DataFrame, label: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    require_columns(frame.columns, C_HEADER, label, "IPEDS C_A (completions)")
    out = pd.DataFrame(index=frame.index)
    out["unitid"] = _integers(frame, "UNITID", label)
    out["cip"] = _split_cips(frame, label)
    out["majornum"] = _integers(frame, "MAJORNUM", label)
    out["award_level"] = _integers(frame, "AWLEVEL", label)
    unknown = ~out["award_level"].isin(list(AWARD_LEVELS))
    if unknown.any():
        raise InputError([Problem(label, int(i), "AWLEVEL", out.at[i, "award_level"],
                                  "not an IPEDS award level (" + ", ".join(
                                      map(str, AWARD_LEVELS)) + ")")
                          for i in out.index[unknown]])
    out["award_title"] = out["award_level"].map(AWARD_LEVELS).astype(str)
    out["completions"] = _integers(frame, "CTOTALT", label, nullable=True)
    out["flag"] = frame["XCTOTALT"].astype(str).str.strip()
    unknown = ~out["flag"].isin([*IMPUTATION_FLAGS, ""])
    if unknown.any():
        raise InputError([Problem(label, int(i), "XCTOTALT", out.at[i, "flag"],
                                  "not an IPEDS imputation flag (" + ", ".join(
                                      IMPUTATION_FLAGS) + ")")
                          for i in out.index[unknown]])
    six = out["cip"].str.len() == 7
    return out.loc[six, C_COLUMNS], out.loc[~six, C_COLUMNS]


def _parse(path: str | Path) -> tuple[str, pd.DataFrame]:
    path = Path(path)
    label, text = _text(path)
    return label, _frame(label, text)


def read(path: str | Path, region: Region | None = None) -> pd.DataFrame:
    """Parse an NCES ``HD`` or ``C_A`` file (zip or CSV), told apart by its header.

    With ``region``, the institutions are those in the region's counties. Completions carry
    no county: join them to ``HD`` of the same year (as :func:`process` does)."""
    label, frame = _parse(path)
    if "INSTNM" in frame.columns:
        hd = _institutions(frame, label)
        return hd if region is None else in_region(hd, region)
    if "CIPCODE" in frame.columns:
        six, subs = _completions_frame(frame, label)
        if len(subs):
            log.info("%s: %d CIP total/subtotal row(s) (CIPCODE 99 or two digits) set aside;"
                     " %d six-digit rows read", label, len(subs), len(six))
        return validate(six, C_SCHEMA, label)
    raise InputError(Problem(label, 1, None, list(frame.columns)[:8],
                             "not an IPEDS HD or C_A layout (no INSTNM or CIPCODE column)"))


def subtotals(path: str | Path) -> pd.DataFrame:
    """The ``99`` grand-total and two-digit family rows of a ``C_A`` file (same columns as
    :func:`read`, ``cip`` holding two digits), which :func:`read` leaves out."""
    label, frame = _parse(path)
    return _completions_frame(frame, label)[1]


def in_region(hd: pd.DataFrame, region: Region) -> pd.DataFrame:
    """Institutions located in the region's counties, whatever their sector: every level
    of postsecondary institution (ICLEVEL 1-3) and the administrative offices NCES lists."""
    return hd[hd["county_fips"].isin([c.fips for c in region.counties])]


def process(region: Region, dirs: DataDirs) -> dict[str, pd.DataFrame]:
    """``ipeds_institutions`` (the region's institutions, each collection year) and
    ``ipeds_completions`` (their six-digit completions, with ``year``, ``county_fips`` and
    ``imputation_flag``: the flag letter in words)."""
    inst, comp = [], []
    for year in COLLECTION_YEARS:
        hd = in_region(read(hd_path(dirs, year)), region).assign(year=year)
        c = read(c_path(dirs, year))
        c = c[c["unitid"].isin(hd["unitid"])].assign(year=year)
        c["county_fips"] = c["unitid"].map(hd.set_index("unitid")["county_fips"])
        inst.append(hd)
        comp.append(c)
    comp_all = pd.concat(comp, ignore_index=True)
    comp_all["imputation_flag"] = comp_all.pop("flag").map(IMPUTATION_FLAGS).fillna("")
    return {"ipeds_institutions": pd.concat(inst, ignore_index=True),
            "ipeds_completions": comp_all}
