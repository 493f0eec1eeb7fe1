"""Climate and Economic Justice Screening Tool (CEJST) 1.0: "identified as disadvantaged" by
2010 census tract (White House Council on Environmental Quality, November 2022).

The tool's federal site (``screeningtool.geoplatform.gov`` and its static-data bucket) went
offline in January 2025. The data survive in public mirrors, listed in :data:`MIRRORS`; the
region file's ``screening.cejst_mirror`` names the one to download from, and the manifest's
``source`` records it (``CEJST 1.0 (mirror: wayback)``), so a report says where its copy came
from. Two layouts are read:

* **the official download** ``1.0-communities.csv`` (the "communities list"), whose columns are
  the labels of CEJST's download configuration (``data_pipeline/content/config/csv.yml``):
  ``Census tract 2010 ID``, ``County Name``, ``State/Territory``, the demographic shares,
  ``Total threshold criteria exceeded``, ``Total categories exceeded``, ``Identified as
  disadvantaged without considering neighbors``, ``Identified as disadvantaged based on
  neighbors and relaxed low income threshold only``, ``Identified as disadvantaged due to tribal
  overlap``, ``Identified as disadvantaged``, ``Percentage of tract that is disadvantaged by
  area``, ``Share of neighbors that are identified as disadvantaged``, ``Total population``, then
  the burden indicators;
* **the CEJST pipeline's own score file** ``v1.0-score-results-usa.csv`` (kept in the tool's
  source repository, which its mirrors copy): ``GEOID10_TRACT``, ``Total population``, ``Is low
  income (imputed and adjusted)?``, ``Definition N community, including adjacency index
  tracts``; the last is the field the download labels "Identified as disadvantaged".

Tidy columns: ``tract`` (11 digits), ``tract_vintage`` (2010), ``county_fips``,
``population``, ``cejst_dac``, ``layout``. CEJST covers every state, so it applies to any
region.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import pandera.pandas as pa

from assessment.download import RemoteFile
from assessment.errors import InputError, Problem
from assessment.paths import DataDirs
from assessment.region import Region
from assessment.schemas import validate
from assessment.sources import SourceInfo
from assessment.sources._sheets import blank, cell_text, rows
from assessment.sources._tracts import TRACT_VINTAGE_2010, flags, numbers, tract_ids

INFO = SourceInfo(
    agency="White House Council on Environmental Quality (federal site offline since January"
           " 2025; public mirrors)",
    dataset="Climate and Economic Justice Screening Tool (CEJST) 1.0, communities list by 2010"
            " census tract",
    files="1.0-communities.csv (or the pipeline's v1.0-score-results-usa.csv) from the mirror"
          " named in the region file",
    vintage="CEJST 1.0 (November 2022)",
    licence="Public domain (U.S. government work)",
    saved_under="data/raw/ceq/cejst/",
    used_by="02-workforce (disadvantaged communities)",
    access="no key; public mirrors (region file's screening.cejst_mirror): wayback (Internet"
           " Archive copy of the tool's download), ucsb-gitea and github-j40-cejst-2 (copies of"
           " the tool's source repository)",
)
AGENCY, DATASET = "ceq", "cejst"

OFFICIAL_ID, OFFICIAL_FLAG = "Census tract 2010 ID", "Identified as disadvantaged"
PIPELINE_ID = "GEOID10_TRACT"
PIPELINE_FLAG = "Definition N community, including adjacency index tracts"
POPULATION = "Total population"
LAYOUT_OFFICIAL, LAYOUT_PIPELINE = "communities_list", "pipeline_scores"
TIDY_COLUMNS = ["tract", "tract_vintage", "county_fips", "population", "cejst_dac", "layout"]

ORIGINAL_URL = ("https://static-data-screeningtool.geoplatform.gov/data-versions/1.0/data/score/"
                "downloadable/1.0-communities.csv")


@dataclass(frozen=True)
class Mirror:
    url: str
    file: str  # the name it is saved under (the publisher's own)
    layout: str
    note: str


# Public copies of the CEJST 1.0 files after the federal site went offline.
MIRRORS: dict[str, Mirror] = {
    "wayback": Mirror(
        url="https://web.archive.org/web/2024id_/" + ORIGINAL_URL, file="1.0-communities.csv",
        layout=LAYOUT_OFFICIAL,
        note="the Internet Archive's capture of the tool's own download (raw, id_ form)"),
    "ucsb-gitea": Mirror(
        url="https://git.lsit.ucsb.edu/publicdata/j40-cejst-2/raw/branch/main/data/"
            "data-pipeline/data_pipeline/content/static_data/v1.0-score-results-usa.csv",
        file="v1.0-score-results-usa.csv", layout=LAYOUT_PIPELINE,
        note="UC Santa Barbara's mirror of the tool's source repository (DOI-DO/j40-cejst-2)"),
    "github-j40-cejst-2": Mirror(
        url="https://raw.githubusercontent.com/katleyq/j40-cejst-2/"
            "e0bb33211af189e7f9ac0fb5b4ec55beb092f8e5/data/data-pipeline/data_pipeline/content/"
            "static_data/v1.0-score-results-usa.csv",
        file="v1.0-score-results-usa.csv", layout=LAYOUT_PIPELINE,
        note="a public GitHub copy of the tool's source repository, at a fixed commit"),
}

SCHEMA = pa.DataFrameSchema(
    {
        "tract": pa.Column(str, pa.Check.str_matches(r"^\d{11}$")),
        "tract_vintage": pa.Column("Int64", pa.Check.isin([TRACT_VINTAGE_2010])),
        "county_fips": pa.Column(str, pa.Check.str_matches(r"^\d{5}$")),
        "population": pa.Column("Float64", pa.Check.ge(0), nullable=True),
        "cejst_dac": pa.Column("boolean"),
        "layout": pa.Column(str, pa.Check.isin([LAYOUT_OFFICIAL, LAYOUT_PIPELINE])),
    },
    strict=True,
    ordered=True,
    unique=["tract"],
    report_duplicates="exclude_first",
)


def applies(region: Region) -> bool:
    """CEJST covers every state and territory."""
    return True


def mirror(region: Region) -> tuple[str, Mirror]:
    name = region.screening.cejst_mirror
    try:
        return name, MIRRORS[name]
    except KeyError:
        raise KeyError(f"region file names CEJST mirror {name!r}; known mirrors:"
                       f" {', '.join(MIRRORS)}") from None


def remote_files(region: Region, dirs: DataDirs) -> list[RemoteFile]:
    name, m = mirror(region)
    version = region.screening.cejst_version
    dest = dirs.source_dir(AGENCY, DATASET) / version / m.file
    return [RemoteFile(url=m.url, dest=dest, source=f"CEJST {version} (mirror: {name})",
                       vintage=f"CEJST {version}, 2010 census tracts; copy from {m.note}",
                       kind="csv", validate=read)]


def read(path: str | Path, region: Region | None = None) -> pd.DataFrame:
    """The communities list or the pipeline score file, one row per 2010 tract."""
    path = Path(path)
    raw = rows(path)
    if not raw or blank(raw[0]):
        raise InputError(Problem(str(path), None, None, None, "empty file"))
    heads = [cell_text(v) for v in raw[0]]
    if OFFICIAL_ID in heads:
        layout, id_col, flag_col = LAYOUT_OFFICIAL, OFFICIAL_ID, OFFICIAL_FLAG
    elif PIPELINE_ID in heads:
        layout, id_col, flag_col = LAYOUT_PIPELINE, PIPELINE_ID, PIPELINE_FLAG
    else:
        raise InputError(Problem(str(path), 1, f"{OFFICIAL_ID} / {PIPELINE_ID}", None,
                                 "not a CEJST file: no tract id column"))
    if flag_col not in heads:
        raise InputError(Problem(str(path), 1, flag_col, None,
                                 f"header lacks the disadvantaged flag of the {layout} layout"))
    body = [(n, r) for n, r in enumerate(raw[1:], start=2) if not blank(r)]
    if not body:
        raise InputError(Problem(str(path), None, None, None, "header but no tract rows"))
    short = [n for n, r in body if len(r) != len(heads)]
    if short:
        raise InputError([Problem(str(path), n, None, None,
                                  f"row has a different number of fields from the header"
                                  f" ({len(heads)})") for n in short])
    frame = pd.DataFrame([r for _, r in body], columns=heads,
                         index=pd.Index([n for n, _ in body], name="file_row"), dtype=object)
    problems: list[Problem] = []
    tract, errs = tract_ids(frame[id_col], id_col, path)
    problems += errs
    dac, errs = flags(frame[flag_col], flag_col, path)
    problems += errs
    if POPULATION in frame:
        pop, errs = numbers(frame[POPULATION], POPULATION, path, set())
        problems += errs
    else:
        pop = pd.Series(pd.NA, index=frame.index, dtype="Float64")
    if problems:
        raise InputError(problems)
    out = pd.DataFrame({"tract": tract.astype(str), "county_fips": tract.str[:5].astype(str),
                        "population": pop, "cejst_dac": dac}, index=frame.index)
    out.insert(1, "tract_vintage", pd.Series(TRACT_VINTAGE_2010, index=frame.index,
                                             dtype="Int64"))
    out["layout"] = layout
    out = validate(out[TIDY_COLUMNS], SCHEMA, path)
    if region is not None:
        out = out[out["county_fips"].isin(region.county_fips)]
    return out


def process(region: Region, dirs: DataDirs) -> dict[str, pd.DataFrame]:
    """``cejst``: the region's 2010 tracts with the CEJST flag."""
    (rf,) = remote_files(region, dirs)
    return {"cejst": read(rf.dest, region).reset_index(drop=True)}
