"""OEHHA CalEnviroScreen 4.0 results and CalEPA's SB 535 disadvantaged communities (2022).

Files (both published on 2010 census tracts):

* **CalEnviroScreen 4.0 results** (OEHHA, October 2021):
  ``https://oehha.ca.gov/media/downloads/calenviroscreen/document/calenviroscreen40resultsdatadictionaryf2021.zip``,
  a zip holding ``calenviroscreen40resultsdatadictionary_F_2021.xlsx``. Sheet
  ``CES4.0FINAL_results``, one row per tract, columns as in OEHHA's data dictionary: ``Census
  Tract`` (a number: the leading zero is lost), ``Total Population``, ``California County``,
  ``ZIP``, ``Approximate Location``, ``Longitude``, ``Latitude``, ``CES 4.0 Score``, ``CES 4.0
  Percentile``, ``CES 4.0 Percentile Range``, then every indicator and its percentile
  (``Ozone``, ``Ozone Pctl`` ... ``Pop. Char. Score Pctl``). Tracts without a score (too few
  residents or unreliable data) have the score cells empty.
* **SB 535 disadvantaged communities, 2022 designation** (CalEPA, May 2022, from OEHHA's SB 535
  page): ``SB535DACresultsdatadictionary_F_2022.xlsx`` (saved under the name of the zip OEHHA
  serves it in). Sheet ``SB535 tract all data (2022)``: one row per **designated** tract,
  ``Census Tract`` and ``DAC category`` (which of CalEPA's rules designated it; a row whose
  category is empty is read as not designated) followed by the
  CalEnviroScreen 4.0 columns above. The designation is not "percentile 75 or more": it also
  takes in tracts without a score but in the top 5 percent of pollution burden, every tract
  designated in 2017, and tribal lands (the last in a separate layer, not as tracts). So the
  published list is used as it stands and never recomputed: 2,310 tracts statewide (1,984 +
  19 + 307 by CalEPA's counts).

``read`` also takes a third-party file that carries the SB 535 flag among other screening
tools (``census_tract, calenviro, sb535, ...``, 0/1 flags, ten-digit tract ids), so its counts
can be checked against the published ones.

Tidy columns: ``tract`` (11 digits), ``tract_vintage`` (2010), ``county_fips``, ``population``,
``ces_score``, ``ces_percentile``, ``sb535_dac`` (missing where the file says nothing about
SB 535), ``sb535_category``, ``layout``. The source exists for California only
(:func:`applies`).

Versions: CalEnviroScreen 4.0 is OEHHA's latest final release. A draft CalEnviroScreen 5.0 (on
2020 tracts) was released for public comment on 28 January 2026; until it is final and CalEPA
designates disadvantaged communities from it, the region file keeps ``screening.
calenviroscreen: "4.0"`` and ``screening.sb535: 2022``.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pandera.pandas as pa

from assessment.download import RemoteFile
from assessment.errors import InputError, Problem
from assessment.paths import DataDirs
from assessment.region import Region
from assessment.schemas import validate
from assessment.sources import SourceInfo
from assessment.sources._sheets import blank, cell_text, rows, sheet_names
from assessment.sources._tracts import TRACT_VINTAGE_2010, flags, numbers, tract_ids, workbook

INFO = SourceInfo(
    agency="California Office of Environmental Health Hazard Assessment (OEHHA); California"
           " Environmental Protection Agency (CalEPA)",
    dataset="CalEnviroScreen 4.0 results and SB 535 disadvantaged communities (2022), by 2010"
            " census tract",
    files="oehha.ca.gov/media/downloads/calenviroscreen/document/"
          "calenviroscreen40resultsdatadictionaryf2021.zip, sb535dacresultsdatadictionaryf2022.zip",
    vintage="CalEnviroScreen and SB 535 designation named in the region file (4.0; 2022)",
    licence="Public information of the State of California",
    saved_under="data/raw/oehha/calenviroscreen/",
    used_by="02-workforce (disadvantaged communities)",
    access="no key",
)
AGENCY, DATASET = "oehha", "calenviroscreen"
BASE_URL = "https://oehha.ca.gov/media/downloads/calenviroscreen/document"
STATE_FIPS = "06"

RESULTS_SHEET = "CES4.0FINAL_results"
SB535_SHEET = "SB535 tract all data (2022)"
TRACT = "Census Tract"
CATEGORY = "DAC category"
POPULATION = "Total Population"
COUNTY_NAME = "California County"
SCORE, PERCENTILE = "CES 4.0 Score", "CES 4.0 Percentile"
RESULTS_REQUIRED = [TRACT, POPULATION, COUNTY_NAME, SCORE, PERCENTILE]
SB535_REQUIRED = [TRACT, CATEGORY]
SCREENERS_REQUIRED = ["census_tract", "sb535"]
MISSING = {"NA", "N/A", "na", "-", "--"}

LAYOUT_RESULTS, LAYOUT_SB535, LAYOUT_SCREENERS = "ces_results", "sb535_list", "screeners"
TIDY_COLUMNS = ["tract", "tract_vintage", "county_fips", "population", "ces_score",
                "ces_percentile", "sb535_dac", "sb535_category", "layout"]

SCHEMA = pa.DataFrameSchema(
    {
        "tract": pa.Column(str, pa.Check.str_matches(r"^\d{11}$")),
        "tract_vintage": pa.Column("Int64", pa.Check.isin([TRACT_VINTAGE_2010])),
        "county_fips": pa.Column(str, pa.Check.str_matches(r"^06\d{3}$")),
        "population": pa.Column("Float64", pa.Check.ge(0), nullable=True),
        "ces_score": pa.Column("Float64", pa.Check.in_range(0, 100), nullable=True),
        "ces_percentile": pa.Column("Float64", pa.Check.in_range(0, 100), nullable=True),
        "sb535_dac": pa.Column("boolean", nullable=True),
        "sb535_category": pa.Column(str),
        "layout": pa.Column(str, pa.Check.isin([LAYOUT_RESULTS, LAYOUT_SB535,
                                                LAYOUT_SCREENERS])),
    },
    strict=True,
    ordered=True,
    unique=["tract"],
    report_duplicates="exclude_first",
)


COVERS = "California"  # for the sources appendix: why it is not used elsewhere


def applies(region: Region) -> bool:
    """CalEnviroScreen and SB 535 cover California only."""
    return region.state.fips == STATE_FIPS


# --- where the files come from and land --------------------------------------------------------

RESULTS_ZIP = "calenviroscreen40resultsdatadictionaryf2021.zip"
SB535_ZIP = "sb535dacresultsdatadictionaryf2022.zip"


def folder(dirs: DataDirs, region: Region) -> Path:
    return dirs.source_dir(AGENCY, DATASET) / region.screening.calenviroscreen


def results_file(region: Region, dirs: DataDirs) -> RemoteFile:
    version = region.screening.calenviroscreen
    return RemoteFile(url=f"{BASE_URL}/{RESULTS_ZIP}", dest=folder(dirs, region) / RESULTS_ZIP,
                      source="OEHHA CalEnviroScreen", kind="zip",
                      vintage=f"CalEnviroScreen {version} results (2010 tracts)", validate=read)


def sb535_file(region: Region, dirs: DataDirs) -> RemoteFile:
    year = region.screening.sb535
    return RemoteFile(url=f"{BASE_URL}/{SB535_ZIP}", dest=folder(dirs, region) / SB535_ZIP,
                      source="CalEPA SB 535 disadvantaged communities", kind="zip",
                      vintage=f"SB 535 designation {year} (CalEnviroScreen"
                              f" {region.screening.calenviroscreen}, 2010 tracts)",
                      validate=read)


def remote_files(region: Region, dirs: DataDirs) -> list[RemoteFile]:
    return [results_file(region, dirs), sb535_file(region, dirs)]


# --- parsing -----------------------------------------------------------------------------------


def _table(path: Path) -> tuple[pd.DataFrame, str]:
    """The sheet (or CSV) as strings indexed by file row, and which layout it is."""
    try:
        names = sheet_names(path)
    except InputError:
        names = []
    sheet = next((s for s in (SB535_SHEET, RESULTS_SHEET) if s in names), None)
    if names and sheet is None:
        sheet = 0
    raw = rows(path, sheet) if names else rows(path)
    found = [(n, [cell_text(v) for v in row]) for n, row in enumerate(raw[:15])]
    found = [(n, h) for n, h in found if TRACT in h or "census_tract" in h]
    if not found:
        raise InputError(Problem(str(path), None, TRACT, None,
                                 "no header row with 'Census Tract' (OEHHA) or 'census_tract'"
                                 " in the first 15 rows"))
    i, heads = found[0]
    body = [(n, r) for n, r in enumerate(raw[i + 1:], start=i + 2) if not blank(r)]
    width = len(heads)
    frame = pd.DataFrame([list(r[:width]) + [None] * (width - len(r)) for _, r in body],
                         columns=heads, index=pd.Index([n for n, _ in body], name="file_row"),
                         dtype=object)
    if "census_tract" in heads:
        layout = LAYOUT_SCREENERS
        required = SCREENERS_REQUIRED
    elif CATEGORY in heads:
        layout, required = LAYOUT_SB535, SB535_REQUIRED
    else:
        layout, required = LAYOUT_RESULTS, RESULTS_REQUIRED
    missing = [c for c in required if c not in heads]
    if missing:
        raise InputError(Problem(str(path), i + 1, ", ".join(missing), None,
                                 f"header lacks column(s) of the {layout} layout"))
    if frame.empty:
        raise InputError(Problem(str(path), None, None, None, "header but no tract rows"))
    return frame, layout


def read(path: str | Path, region: Region | None = None) -> pd.DataFrame:
    """One file: the CalEnviroScreen results, the SB 535 list, or the screeners CSV."""
    path = Path(path)
    with workbook(path) as book:
        frame, layout = _table(book)
    problems: list[Problem] = []
    id_col = "census_tract" if layout == LAYOUT_SCREENERS else TRACT
    tract, errs = tract_ids(frame[id_col], id_col, path)
    problems += errs
    out = pd.DataFrame({"tract": tract}, index=frame.index)
    out["tract_vintage"] = pd.Series(TRACT_VINTAGE_2010, index=frame.index, dtype="Int64")
    out["county_fips"] = tract.str[:5]
    na = pd.Series(pd.NA, index=frame.index, dtype="Float64")
    if layout == LAYOUT_SCREENERS:
        out["population"], out["ces_score"], out["ces_percentile"] = na, na, na
        out["sb535_dac"], errs = flags(frame["sb535"], "sb535", path)
        problems += errs
        out["sb535_category"] = ""
    else:
        for col, name in ((POPULATION, "population"), (SCORE, "ces_score"),
                          (PERCENTILE, "ces_percentile")):
            if col in frame:
                out[name], errs = numbers(frame[col], col, path, MISSING)
                problems += errs
            else:
                out[name] = na
        if layout == LAYOUT_SB535:
            # Designated tracts carry the rule that designated them; a row with the category
            # empty (were the sheet ever to list every tract) is not designated.
            out["sb535_category"] = frame[CATEGORY].map(cell_text)
            out["sb535_dac"] = out["sb535_category"].ne("").astype("boolean")
        else:
            out["sb535_dac"] = pd.Series(pd.NA, index=frame.index, dtype="boolean")
            out["sb535_category"] = ""
    if problems:
        raise InputError(problems)
    out["layout"] = layout
    out["tract"] = out["tract"].astype(str)
    out["county_fips"] = out["county_fips"].astype(str)
    out = validate(out[TIDY_COLUMNS], SCHEMA, path)
    if region is not None:
        out = out[out["county_fips"].isin(region.county_fips)]
    return out


def combine(results: pd.DataFrame, sb535: pd.DataFrame) -> pd.DataFrame:
    """Every scored tract with ``sb535_dac`` True where the SB 535 list names it, else False.

    A tract on the list but absent from the results (none should be) is kept, flagged."""
    listed = sb535[sb535["sb535_dac"].fillna(False)]
    keep = ["tract", "sb535_category"]
    out = results.drop(columns=["sb535_dac", "sb535_category"]).merge(
        listed[keep], on="tract", how="outer", indicator=True)
    out["sb535_dac"] = out["_merge"].ne("left_only").astype("boolean")
    out["sb535_category"] = out["sb535_category"].fillna("").astype(str)
    listed_only = out["_merge"].eq("right_only")
    if listed_only.any():
        extra = listed.set_index("tract").loc[out.loc[listed_only, "tract"]]
        for col in ("tract_vintage", "county_fips", "population", "ces_score",
                    "ces_percentile"):
            out.loc[listed_only, col] = extra[col].to_numpy()
    out["layout"] = "ces_results+sb535_list"
    out = out.drop(columns="_merge")
    return out[TIDY_COLUMNS].sort_values("tract", ignore_index=True)


def process(region: Region, dirs: DataDirs) -> dict[str, pd.DataFrame]:
    """``calenviroscreen``: the region's 2010 tracts with score, percentile and SB 535 flag."""
    results = read(results_file(region, dirs).dest, region)
    listed = read(sb535_file(region, dirs).dest, region)
    return {"calenviroscreen": combine(results, listed)}
