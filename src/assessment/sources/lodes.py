"""LEHD Origin-Destination Employment Statistics (LODES 8), Workplace and Residence Area
Characteristics.

File: ``https://lehd.ces.census.gov/data/lodes/LODES8/{st}/wac/{st}_wac_S000_JT00_{year}.csv.gz``
(all jobs, all workers; gzip CSV, one row per 2020 census block with jobs), landing at
``data/raw/census/lodes/LODES8/{st}/wac/``, mirroring the agency's path. Layout (LODES technical
document 8): ``w_geocode`` (15-digit block), ``C000`` (jobs), ``CA01-CA03`` (worker age),
``CE01-CE03`` (monthly earnings), ``CNS01-CNS20`` (NAICS sector; ``CNS05`` = manufacturing),
``CR01-CR05, CR07`` (race), ``CT01-CT02`` (ethnicity), ``CD01-CD04`` (education, workers aged 30
or older only), ``CS01-CS02`` (sex), ``CFA01-CFA05, CFS01-CFS05`` (firm age and size, private
jobs), ``createdate``.

The worker-mix columns count **all jobs in the block, not manufacturing jobs**: LODES does not
cross worker characteristics with industry in the WAC files. The tidy columns say so in their
names (``all_jobs_age_55_plus``...); only ``manufacturing_jobs`` (``CNS05``) is specific to the
sector. Blocks are summed to tracts (first 11 digits) and counties (first 5).

Residence Area Characteristics (RAC), ``.../LODES8/{st}/rac/{st}_rac_S000_JT00_{year}.csv.gz``
for the latest LODES year, have the same columns keyed by ``h_geocode`` (the block where the
worker lives) and without the firm age and size columns: there ``all_jobs`` counts the jobs
held by the block's residents and ``manufacturing_jobs`` (``CNS05``) the residents working in
manufacturing, wherever the job is. They go to ``lodes_rac_tract``.

LODES publishes no suppression flags: block counts are protected by noise infusion and synthetic
data instead, so small counts are approximate. The reader checks LODES's own identities (each
characteristic's categories sum to ``C000``; education sums to the jobs held by workers aged 30
or older) and refuses a file that breaks them.
"""

from __future__ import annotations

import gzip
import io
import re
from pathlib import Path

import pandas as pd
import pandera.pandas as pa

from assessment.download import RemoteFile, expect
from assessment.errors import InputError, Problem
from assessment.paths import DataDirs
from assessment.region import Region
from assessment.schemas import file_rows, require_columns, validate
from assessment.sources import SourceInfo

INFO = SourceInfo(
    agency="U.S. Census Bureau, LEHD program",
    dataset="LODES 8 Workplace and Residence Area Characteristics (WAC, RAC), all jobs",
    files="lehd.ces.census.gov/data/lodes/LODES8/{st}/{wac,rac}/{st}_{wac,rac}_S000_JT00_{year}"
          ".csv.gz",
    vintage="analysis years of the region file up to the latest LODES year",
    licence="Public domain (U.S. government work)",
    saved_under="data/raw/census/lodes/",
    used_by="02-workforce (where manufacturing jobs are, and where their workers live)",
    access="no key",
)
AGENCY, DATASET = "census", "lodes"
BASE_URL = "https://lehd.ces.census.gov/data/lodes/LODES8"
VERSION = "LODES8"
LATEST_YEAR = 2022  # latest job year published in LODES 8 when this was written
SEGMENT, JOB_TYPE = "S000", "JT00"  # all workers, all jobs
MANUFACTURING = "CNS05"

# Source column -> tidy name. Worker mix counts all jobs in the block (see the module note).
RENAME = {
    "C000": "all_jobs",
    MANUFACTURING: "manufacturing_jobs",
    "CA01": "all_jobs_age_29_or_younger",
    "CA02": "all_jobs_age_30_to_54",
    "CA03": "all_jobs_age_55_plus",
    "CE01": "all_jobs_earnings_1250_or_less",
    "CE02": "all_jobs_earnings_1251_to_3333",
    "CE03": "all_jobs_earnings_over_3333",
    "CR01": "all_jobs_white_alone",
    "CR02": "all_jobs_black_alone",
    "CR03": "all_jobs_american_indian_alaska_native_alone",
    "CR04": "all_jobs_asian_alone",
    "CR05": "all_jobs_pacific_islander_alone",
    "CR07": "all_jobs_two_or_more_races",
    "CT01": "all_jobs_not_hispanic",
    "CT02": "all_jobs_hispanic",
    "CD01": "all_jobs_age30plus_less_than_high_school",
    "CD02": "all_jobs_age30plus_high_school",
    "CD03": "all_jobs_age30plus_some_college_or_associate",
    "CD04": "all_jobs_age30plus_bachelors_or_higher",
    "CS01": "all_jobs_male",
    "CS02": "all_jobs_female",
}
SECTORS = [f"CNS{i:02d}" for i in range(1, 21)]
REQUIRED = ["w_geocode", "C000", "CA01", "CA02", "CA03", "CE01", "CE02", "CE03", *SECTORS,
            "CR01", "CR02", "CR03", "CR04", "CR05", "CR07", "CT01", "CT02", "CD01", "CD02",
            "CD03", "CD04", "CS01", "CS02", "createdate"]
# Categories that partition C000 (LODES technical document), and education's universe.
PARTITIONS = {
    "age": ["CA01", "CA02", "CA03"],
    "earnings": ["CE01", "CE02", "CE03"],
    "sector": SECTORS,
    "race": ["CR01", "CR02", "CR03", "CR04", "CR05", "CR07"],
    "ethnicity": ["CT01", "CT02"],
    "sex": ["CS01", "CS02"],
}
COUNTS = list(RENAME.values())
RAC_REQUIRED = ["h_geocode", *REQUIRED[1:]]
TIDY_COLUMNS = ["block", "tract", "county", "year", *COUNTS, "createdate"]
FILE_NAME = re.compile(
    r"^(?P<st>[a-z]{2})_(?P<part>wac|rac)_(?P<segment>S\w{3})_(?P<job_type>JT\d{2})_"
    r"(?P<year>\d{4})\.csv(\.gz)?$")

SCHEMA = pa.DataFrameSchema(
    {
        "block": pa.Column(str, pa.Check.str_matches(r"^\d{15}$")),
        "tract": pa.Column(str, pa.Check.str_matches(r"^\d{11}$")),
        "county": pa.Column(str, pa.Check.str_matches(r"^\d{5}$")),
        "year": pa.Column("Int64", pa.Check.in_range(2002, 2100), nullable=True),
        **{c: pa.Column("Int64", pa.Check.ge(0)) for c in COUNTS},
        "createdate": pa.Column(str, pa.Check.str_matches(r"^\d{8}$")),
    },
    checks=[pa.Check(lambda d: d["manufacturing_jobs"] <= d["all_jobs"],
                     error="manufacturing jobs exceed all jobs")],
    strict=True,
    ordered=True,
    unique=["block"],
    report_duplicates="exclude_first",
)


# --- where the files come from and land --------------------------------------------------------


def years(region: Region) -> list[int]:
    """Analysis years LODES has published; the latest LODES year when none is."""
    span = [y for y in region.years.span if y <= LATEST_YEAR]
    return span or [LATEST_YEAR]


def file_name(state_abbr: str, year: int, part: str = "wac") -> str:
    return f"{state_abbr.lower()}_{part}_{SEGMENT}_{JOB_TYPE}_{year}.csv.gz"


def url_for(state_abbr: str, year: int, part: str = "wac") -> str:
    st = state_abbr.lower()
    return f"{BASE_URL}/{st}/{part}/{file_name(st, year, part)}"


def path_for(dirs: DataDirs, state_abbr: str, year: int, part: str = "wac") -> Path:
    st = state_abbr.lower()
    return dirs.source_dir(AGENCY, DATASET) / VERSION / st / part / file_name(st, year, part)


def wac_files(region: Region, dirs: DataDirs) -> list[RemoteFile]:
    abbr = region.state.abbr
    return [RemoteFile(url=url_for(abbr, y), dest=path_for(dirs, abbr, y), source="LEHD LODES",
                       vintage=f"{VERSION} WAC {SEGMENT} {JOB_TYPE}, {y} jobs", kind="gz",
                       validate=read,
                       # the body states each block's state; its year only the file name says
                       expect=(expect("state", "block", region.state.fips, how="prefix"),))
            for y in years(region)]


def rac_files(region: Region, dirs: DataDirs) -> list[RemoteFile]:
    """Residence area characteristics for the latest LODES year of the analysis span."""
    abbr, y = region.state.abbr, years(region)[-1]
    return [RemoteFile(url=url_for(abbr, y, "rac"), dest=path_for(dirs, abbr, y, "rac"),
                       source="LEHD LODES",
                       vintage=f"{VERSION} RAC {SEGMENT} {JOB_TYPE}, {y} jobs by home block",
                       kind="gz", validate=read,
                       expect=(expect("state", "block", region.state.fips, how="prefix"),))]


def remote_files(region: Region, dirs: DataDirs) -> list[RemoteFile]:
    return wac_files(region, dirs) + rac_files(region, dirs)


# --- parsing -----------------------------------------------------------------------------------


def _open_text(path: Path) -> io.StringIO:
    data = path.read_bytes()
    try:
        if data[:2] == b"\x1f\x8b":
            data = gzip.decompress(data)
        return io.StringIO(data.decode("utf-8-sig"))
    except (OSError, EOFError, gzip.BadGzipFile) as exc:
        raise InputError(Problem(str(path), None, None, None,
                                 f"not a readable gzip file ({exc})")) from None
    except UnicodeDecodeError as exc:
        raise InputError(Problem(str(path), None, None, None,
                                 f"not a UTF-8 CSV ({exc.reason})")) from None


def read(path: str | Path, region: Region | None = None) -> pd.DataFrame:
    """One WAC or RAC file (gzip or plain CSV): one row per block (of work, or of residence),
    with its tract and county."""
    path = Path(path)
    try:
        raw = pd.read_csv(_open_text(path), dtype=str, keep_default_na=False)
    except (pd.errors.ParserError, pd.errors.EmptyDataError) as exc:
        raise InputError(Problem(str(path), None, None, None,
                                 f"not a readable CSV: {exc}")) from None
    raw.index = file_rows(len(raw))
    rac = "h_geocode" in raw.columns and "w_geocode" not in raw.columns
    required = RAC_REQUIRED if rac else REQUIRED
    require_columns(raw.columns, required, path, "LODES RAC" if rac else "LODES WAC")
    if raw.empty:
        raise InputError(Problem(str(path), None, None, None, "file has a header but no rows"))

    problems: list[Problem] = []
    counts = {}
    for col in REQUIRED[1:-1]:
        text = raw[col].str.strip()
        bad = ~text.str.fullmatch(r"\d+")
        problems += [Problem(str(path), int(i), col, v, "not a whole number of jobs")
                     for i, v in text[bad].items()]
        counts[col] = pd.to_numeric(text.where(~bad), errors="coerce").astype("Int64")
    if problems:
        raise InputError(problems)
    counts = pd.DataFrame(counts, index=raw.index)
    for name, parts in PARTITIONS.items():
        off = counts[parts].sum(axis=1) != counts["C000"]
        problems += [Problem(str(path), int(i), ", ".join(parts), int(counts.at[i, "C000"]),
                             f"{name} categories do not sum to C000")
                     for i in counts.index[off]]
    off = counts[["CD01", "CD02", "CD03", "CD04"]].sum(axis=1) != counts[["CA02", "CA03"]].sum(
        axis=1)
    problems += [Problem(str(path), int(i), "CD01-CD04", None,
                         "education categories do not sum to jobs of workers aged 30+")
                 for i in counts.index[off]]
    if problems:
        raise InputError(problems)

    block = raw[required[0]].str.strip().str.zfill(15)
    out = pd.DataFrame({"block": block, "tract": block.str[:11], "county": block.str[:5]},
                       index=raw.index)
    m = FILE_NAME.match(path.name)
    out["year"] = pd.Series(int(m["year"]) if m else pd.NA, index=raw.index, dtype="Int64")
    for src, dst in RENAME.items():
        out[dst] = counts[src]
    out["createdate"] = raw["createdate"].str.strip()
    out = validate(out[TIDY_COLUMNS], SCHEMA, path)
    if region is not None:
        out = out[out["county"].isin(region.county_fips)]
    return out


def summarise(blocks: pd.DataFrame, level: str) -> pd.DataFrame:
    """Blocks summed to ``tract`` or ``county`` per year, with the manufacturing share."""
    keys = ["county"] if level == "county" else ["county", "tract"]
    g = blocks.groupby(["year", *keys], dropna=False)
    out = g[COUNTS].sum().reset_index()
    out.insert(len(keys) + 1, "blocks_with_jobs", g.size().to_numpy())
    out["manufacturing_share"] = (out["manufacturing_jobs"] / out["all_jobs"]).astype("Float64")
    return out.sort_values([*keys, "year"], ignore_index=True)


def process(region: Region, dirs: DataDirs) -> dict[str, pd.DataFrame]:
    """``lodes_wac_tract`` and ``lodes_wac_county``: jobs, manufacturing jobs and the all-jobs
    worker mix for the region's counties; ``lodes_rac_tract``: the same by the tract where the
    workers live."""
    frames = [read(rf.dest, region) for rf in wac_files(region, dirs)]
    blocks = pd.concat(frames, ignore_index=True)
    homes = pd.concat([read(rf.dest, region) for rf in rac_files(region, dirs)],
                      ignore_index=True)
    return {"lodes_wac_tract": summarise(blocks, "tract"),
            "lodes_wac_county": summarise(blocks, "county"),
            "lodes_rac_tract": summarise(homes, "tract")}
