"""Union membership and contract coverage by state and metro area, from the CPS.

The Union Membership and Coverage Database (unionstats.com; Barry T. Hirsch, David A.
Macpherson and William E. Even) tabulates the Current Population Survey's outgoing rotation
groups each year the way BLS does: employed wage and salary workers aged 16 and over, the
members of a union or an employee association like one, and everyone whose job is covered by a
collective bargaining agreement (members and covered non-members). It publishes a state table
and a metro-area table every year, each by five sectors, with the CPS sample size of every
cell.

**Layout relied on** (no real workbook of a recent year was available to this project; what
follows is pieced together from public material, and the reader finds its header by content so
a shifted row does not break it):

* URLs: ``https://unionstats.com/state/xls/state_{year}.xlsx`` (cited as the unionization
  source in a public R script, for 2022) and, by the same pattern, the metro workbook
  ``https://unionstats.com/msa/xls/msa_{year}.xlsx`` (the site's metro pages live under
  ``/msa/htm/msa_{year}_files/``, and a public loader names the 2024 file ``msa_2024.xlsx``).
  Older files may sit at other paths; any workbook in the same layout can be dropped in by hand
  at :func:`state_path` / :func:`metro_path`.
* State sheet (unionstats.com/state/htm/state_1989_files/sheet001.htm shows the same table as a
  web page; a public loader reads the 1983-2024 workbooks with ``header=2``; another with
  ``startRow=2``, which skips the blank second row, and 258 rows): row 1 a title
  ``Union Membership, Coverage, Density and Employment by State: {year}``, row 2 blank, row 3
  the header ``State Census Code | State | Sector | Obs | Employment (in 1000s) | Members (in
  1000s) | Covered (in 1000s) | % Mem | % Cov``, then five rows per state (``Total``,
  ``Public``, ``Private``, ``Priv. Manufacturing``, ``Priv. Construction``) for the 50 states
  and the District of Columbia (255 rows; there is no national row). The code is the Census
  Bureau's two-digit state code used in the CPS (California 93), not the FIPS code.
* Metro sheet (unionstats.com/msa/htm/msa_2014_files/sheet001.htm): a title ``Union
  Membership, Coverage, Density and Employment by ...: {year}``, the header ``FIPS code |
  Metropolitan Area | Sector | Obs | Employment (in 1000s) | ...`` as above, group headings
  (``CMSAs``) on rows of their own, and the code and name on the first (``Total``) row of each
  area only, its other sectors below with both cells blank. Sector labels there have no period
  (``Priv Manufacturing``). Since the August 2015 CPS the areas are the 2013 OMB CBSAs, so the
  code is read as a CBSA code and matched to the region file's ``cbsa`` of each county.
* Shares: the web pages show ``13.8%``; the database's Stata files store fractions (0.138), and
  the workbooks are read the same way: numeric shares of a sheet all at most 1 are fractions,
  otherwise percents; text like ``13.8%`` is a percent. Every share is checked against members
  (or covered) over employment, so a misread scale cannot pass.

Values checked against published figures: California, private manufacturing, 1989: 1,950
observations, 2,239 thousand employed, 407 thousand members, 446 thousand covered, 18.2% and
19.9% (the 1989 state page).

Tidy columns: ``year``; ``area_type`` (``state`` or ``metro``); ``area_code`` (state FIPS,
``06``; or the metro code as published, a CBSA code such as ``23420``); ``area`` (name as
published); ``state`` (postal code of the state; for a metro the codes after its name's last
comma, ``CA`` or ``OH-KY-IN``); ``sector`` (:data:`SECTORS`: ``Total``, ``Public``,
``Private``, ``Private manufacturing``, ``Private construction``); ``observations`` (CPS sample
size); ``employment``, ``members``, ``covered`` (thousands, as published); ``pct_members``,
``pct_covered`` (percent of employment).
"""

from __future__ import annotations

import logging
import re
from pathlib import Path

import pandas as pd
import pandera.pandas as pa

from assessment.download import RemoteFile, expect
from assessment.errors import InputError, Problem
from assessment.paths import DataDirs
from assessment.region import Region
from assessment.sources import SourceInfo
from assessment.sources._sheets import blank, cell_text, rows, validate_rows

log = logging.getLogger(__name__)

INFO = SourceInfo(
    agency="Barry T. Hirsch, David A. Macpherson and William E. Even (unionstats.com), from"
           " the U.S. Census Bureau / BLS Current Population Survey",
    dataset="Union Membership and Coverage Database from the CPS: union membership, coverage,"
            " density and employment by state and by metro area, each by sector",
    files="unionstats.com/state/xls/state_{year}.xlsx; unionstats.com/msa/xls/msa_{year}.xlsx",
    vintage="the region file's last analysis year (CPS outgoing rotation groups, January-"
            "December; posted each January)",
    licence="Free to use with citation (Hirsch, Macpherson and Even, unionstats.com; Hirsch"
            " and Macpherson, ILR Review 56(2), 2003)",
    saved_under="data/raw/unionstats/",
    used_by="05-needs-and-recommendations",
    access="no key; plain download",
)
AGENCY = "unionstats"
STATE_URL = "https://unionstats.com/state/xls/state_{year}.xlsx"
METRO_URL = "https://unionstats.com/msa/xls/msa_{year}.xlsx"

STATE, METRO = "state", "metro"
TOTAL, PUBLIC, PRIVATE = "Total", "Public", "Private"
PRIVATE_MANUFACTURING, PRIVATE_CONSTRUCTION = "Private manufacturing", "Private construction"
SECTORS = (TOTAL, PUBLIC, PRIVATE, PRIVATE_MANUFACTURING, PRIVATE_CONSTRUCTION)

# The smallest CPS sample (observations in the cell) for which a metro figure is kept.
#
# Why 100: the database's authors give no number, only the warning that "CPS sample sizes
# (denoted by 'Obs') are very small for some cells. Use such union estimates cautiously." A
# share estimated from n respondents has a standard error of at least sqrt(p(1-p)/n) (simple
# random sampling; the CPS's clustered design adds to it). For a share near manufacturing's
# usual 10%, n = 100 gives 3 points, a 95% interval of about +/-6 points, already more than
# half the estimate; below 100 the interval is wider still and one respondent moves the share
# by more than a point. Metro manufacturing cells are often far smaller (22 observations for
# Fresno-Madera in the 2014 table), so most are left out, as the authors' warning suggests.
# State rows are always kept: their sample sizes are published beside them.
MIN_METRO_OBSERVATIONS = 100

TIDY_COLUMNS = ["year", "area_type", "area_code", "area", "state", "sector", "observations",
                "employment", "members", "covered", "pct_members", "pct_covered"]
NUMBERS = ["observations", "employment", "members", "covered", "pct_members", "pct_covered"]

# Census Bureau two-digit state codes (division digit + order within the division), as used
# in the CPS and in the state table's first column -> (FIPS, postal code, name).
CENSUS_STATES: dict[int, tuple[str, str, str]] = {
    11: ("23", "ME", "Maine"), 12: ("33", "NH", "New Hampshire"), 13: ("50", "VT", "Vermont"),
    14: ("25", "MA", "Massachusetts"), 15: ("44", "RI", "Rhode Island"),
    16: ("09", "CT", "Connecticut"), 21: ("36", "NY", "New York"),
    22: ("34", "NJ", "New Jersey"), 23: ("42", "PA", "Pennsylvania"), 31: ("39", "OH", "Ohio"),
    32: ("18", "IN", "Indiana"), 33: ("17", "IL", "Illinois"), 34: ("26", "MI", "Michigan"),
    35: ("55", "WI", "Wisconsin"), 41: ("27", "MN", "Minnesota"), 42: ("19", "IA", "Iowa"),
    43: ("29", "MO", "Missouri"), 44: ("38", "ND", "North Dakota"),
    45: ("46", "SD", "South Dakota"), 46: ("31", "NE", "Nebraska"), 47: ("20", "KS", "Kansas"),
    51: ("10", "DE", "Delaware"), 52: ("24", "MD", "Maryland"),
    53: ("11", "DC", "District of Columbia"), 54: ("51", "VA", "Virginia"),
    55: ("54", "WV", "West Virginia"), 56: ("37", "NC", "North Carolina"),
    57: ("45", "SC", "South Carolina"), 58: ("13", "GA", "Georgia"),
    59: ("12", "FL", "Florida"), 61: ("21", "KY", "Kentucky"), 62: ("47", "TN", "Tennessee"),
    63: ("01", "AL", "Alabama"), 64: ("28", "MS", "Mississippi"), 71: ("05", "AR", "Arkansas"),
    72: ("22", "LA", "Louisiana"), 73: ("40", "OK", "Oklahoma"), 74: ("48", "TX", "Texas"),
    81: ("30", "MT", "Montana"), 82: ("16", "ID", "Idaho"), 83: ("56", "WY", "Wyoming"),
    84: ("08", "CO", "Colorado"), 85: ("35", "NM", "New Mexico"), 86: ("04", "AZ", "Arizona"),
    87: ("49", "UT", "Utah"), 88: ("32", "NV", "Nevada"), 91: ("53", "WA", "Washington"),
    92: ("41", "OR", "Oregon"), 93: ("06", "CA", "California"), 94: ("02", "AK", "Alaska"),
    95: ("15", "HI", "Hawaii"),
}
CENSUS_CODE_OF_FIPS = {fips: code for code, (fips, _, _) in CENSUS_STATES.items()}

_SECTOR_LABELS = {
    "total": TOTAL, "public": PUBLIC, "private": PRIVATE,
    "priv manufacturing": PRIVATE_MANUFACTURING, "private manufacturing": PRIVATE_MANUFACTURING,
    "priv construction": PRIVATE_CONSTRUCTION, "private construction": PRIVATE_CONSTRUCTION,
}
TITLE_YEAR = re.compile(r":\s*((?:19|20)\d{2})\s*$")


# --- the schema --------------------------------------------------------------------------------

# Members and covered are rounded to thousands independently, so "members <= covered <=
# employment" holds to half a thousand each.
_ROUNDING = 0.5


def _ordered(df: pd.DataFrame) -> pd.Series:
    ok = ((df["members"] <= df["covered"] + 2 * _ROUNDING)
          & (df["covered"] <= df["employment"] + 2 * _ROUNDING))
    return ok.fillna(True).astype(bool)


def _share_tolerance(part: pd.Series, whole: pd.Series) -> pd.Series:
    """Points of percent a published share may differ from 100 x part / whole when both are
    rounded to thousands: 100 x 0.5 x (1 + part / whole) / whole, plus 0.15 for the share's
    own rounding to a tenth."""
    return 0.15 + 100 * _ROUNDING * (1 + part / whole) / whole


def _shares_match(df: pd.DataFrame) -> pd.Series:
    ok = pd.Series(True, index=df.index)
    big = df["employment"] >= 1  # below a thousand the rounded levels say nothing
    for part, pct in (("members", "pct_members"), ("covered", "pct_covered")):
        implied = 100 * df[part] / df["employment"]
        gap = (implied - df[pct]).abs()
        ok &= (~big | (gap <= _share_tolerance(df[part], df["employment"]))).fillna(True)
    return ok.astype(bool)


SCHEMA = pa.DataFrameSchema(
    {
        "year": pa.Column("Int64", pa.Check.in_range(1983, 2100)),
        "area_type": pa.Column(str, pa.Check.isin([STATE, METRO])),
        "area_code": pa.Column(str, pa.Check.str_matches(r"^\d{2,5}$")),
        "area": pa.Column(str, pa.Check.str_length(min_value=1)),
        "state": pa.Column(str, pa.Check.str_matches(r"^[A-Z]{2}(-[A-Z]{2})*$")),
        "sector": pa.Column(str, pa.Check.isin(list(SECTORS))),
        "observations": pa.Column("Int64", pa.Check.ge(0)),
        "employment": pa.Column("Float64", pa.Check.ge(0)),
        "members": pa.Column("Float64", pa.Check.ge(0)),
        "covered": pa.Column("Float64", pa.Check.ge(0)),
        "pct_members": pa.Column("Float64", pa.Check.in_range(0, 100)),
        "pct_covered": pa.Column("Float64", pa.Check.in_range(0, 100)),
    },
    checks=[
        pa.Check(_ordered, error="members must not exceed covered, nor covered employment"),
        pa.Check(_shares_match, error="% Mem and % Cov must be members and covered as a share"
                                      " of employment"),
    ],
    strict=True,
    ordered=True,
    unique=["year", "area_type", "area_code", "sector"],
    report_duplicates="exclude_first",
)


# --- where the files are -----------------------------------------------------------------------


def state_url(year: int) -> str:
    return STATE_URL.format(year=year)


def metro_url(year: int) -> str:
    return METRO_URL.format(year=year)


def state_path(dirs: DataDirs, year: int) -> Path:
    return dirs.source_dir(AGENCY, "state") / f"state_{year}.xlsx"


def metro_path(dirs: DataDirs, year: int) -> Path:
    return dirs.source_dir(AGENCY, "msa") / f"msa_{year}.xlsx"


def year_of(region: Region) -> int:
    """The table year a region reads: its last analysis year."""
    return region.years.end


def region_metros(region: Region) -> list[str]:
    """The CBSA codes of the region's counties, in county order, each once."""
    return list(dict.fromkeys(c.cbsa for c in region.counties if c.cbsa))


def remote_files(region: Region, dirs: DataDirs) -> list[RemoteFile]:
    """The state and metro workbooks of the region's last analysis year (national files: one
    serves every region)."""
    year = year_of(region)
    return [
        RemoteFile(url=state_url(year), dest=state_path(dirs, year), source="unionstats.com",
                   vintage=f"{year} (CPS, state table)", kind="xlsx", validate=read,
                   expect=(expect("year", "year", year),
                           expect("state", "area_code", region.state.fips, how="includes"))),
        RemoteFile(url=metro_url(year), dest=metro_path(dirs, year), source="unionstats.com",
                   vintage=f"{year} (CPS, metro table)", kind="xlsx", validate=read,
                   expect=(expect("year", "year", year),)),
    ]


# --- reading -----------------------------------------------------------------------------------


def _norm(text: str) -> str:
    return re.sub(r"[^a-z0-9%]+", " ", text.lower()).strip()


# Header text -> tidy field, tried in order (so "state census code" is the code, not the name).
_HEADER_FIELDS = [
    ("code", lambda h: "code" in h),
    ("name", lambda h: h in ("state", "metropolitan area", "metro area", "msa", "area")
     or h.startswith("metropolitan")),
    ("sector", lambda h: h == "sector"),
    ("observations", lambda h: h in ("obs", "observations")),
    ("employment", lambda h: h.startswith("employment")),
    ("members", lambda h: h.startswith("members")),
    ("covered", lambda h: h.startswith("covered")),
    ("pct_members", lambda h: h.replace(" ", "") in ("%mem", "%members", "pctmem")),
    ("pct_covered", lambda h: h.replace(" ", "") in ("%cov", "%covered", "pctcov")),
]


def _header(table: list[list[object]], path: Path) -> tuple[int, dict[str, int]]:
    """Index of the header row and field -> column, found by content."""
    for i, row in enumerate(table):
        texts = [_norm(cell_text(v)) for v in row]
        if "sector" not in texts or not any(t in ("obs", "observations") for t in texts):
            continue
        found: dict[str, int] = {}
        for j, text in enumerate(texts):
            for field, test in _HEADER_FIELDS:
                if text and field not in found and test(text):
                    found[field] = j
                    break
        missing = [f for f, _ in _HEADER_FIELDS if f not in found]
        if missing:
            raise InputError(Problem(str(path), i + 1, ", ".join(missing), None,
                                     "header lacks column(s) of the unionstats layout"))
        return i, found
    raise InputError(Problem(str(path), None, None, None,
                             "no header row with 'Sector' and 'Obs': not a unionstats state or"
                             " metro table"))


def _title(table: list[list[object]], header_at: int, path: Path) -> tuple[str, int]:
    """(``state`` or ``metro``, year) from the title line above the header."""
    for row in table[:header_at]:
        text = " ".join(cell_text(v) for v in row if cell_text(v))
        if not text:
            continue
        m = TITLE_YEAR.search(text)
        low = text.lower()
        if m and "union" in low:
            if "by state" in low:
                return STATE, int(m.group(1))
            if any(w in low for w in ("metro", "msa", "cbsa")):
                return METRO, int(m.group(1))
    raise InputError(Problem(str(path), 1, None, None,
                             "no title 'Union Membership, Coverage, Density and Employment by"
                             " State|Metropolitan Area: YYYY' above the header"))


def _number(value: object) -> tuple[float | None, bool]:
    """(number, written as a percent?) of one cell; (None, False) for a blank; raises
    ValueError for text that is not a number."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None, False
    if isinstance(value, bool):
        raise ValueError("not a number")
    if isinstance(value, int | float):
        return float(value), False
    text = str(value).strip().replace(",", "")
    if text.endswith("%"):
        return float(text[:-1]), True
    return float(text), False


def _sector(label: str) -> str | None:
    return _SECTOR_LABELS.get(_norm(label).replace(".", ""))


def _metro_state(name: str) -> str:
    tail = name.rsplit(",", 1)[-1].strip() if "," in name else ""
    tail = re.split(r"\s", tail)[0] if tail else ""
    return tail if re.fullmatch(r"[A-Z]{2}(-[A-Z]{2})*", tail) else ""


def read(path: str | Path, region: Region | None = None) -> pd.DataFrame:
    """Parse a unionstats state or metro workbook into the tidy table (see the module notes).

    With ``region``, keep its state's rows (state table) or its metros' rows (metro table).
    """
    path = Path(path)
    table = rows(path)
    header_at, col = _header(table, path)
    kind, year = _title(table, header_at, path)
    problems: list[Problem] = []
    records: dict[int, dict] = {}
    percent_text: dict[tuple[int, str], bool] = {}
    current: tuple[str, str] | None = None  # (code, name) of the metro being read
    for i in range(header_at + 1, len(table)):
        row, row_no = table[i], i + 1
        if blank(row):
            continue
        cell = {f: (row[j] if j < len(row) else None) for f, j in col.items()}
        code, name = cell_text(cell["code"]), cell_text(cell["name"])
        label = cell_text(cell["sector"])
        numbers_given = any(cell[f] is not None and cell_text(cell[f]) for f in NUMBERS)
        if not label and not numbers_given:
            # a group heading ("CMSAs") or a note under the table: no data on the row
            log.debug("%s, row %d: no sector and no numbers, read as a heading or note",
                      path, row_no)
            if kind == METRO and code == "" and name:
                current = None
            continue
        sector = _sector(label)
        if sector is None:
            problems.append(Problem(str(path), row_no, "Sector", label or None,
                                    f"sector must be one of {', '.join(SECTORS)}"))
            continue
        rec: dict[str, object] = {"year": year, "area_type": kind, "sector": sector}
        if kind == STATE:
            try:
                census = int(float(code))
                fips, postal, state_name = CENSUS_STATES[census]
            except (ValueError, KeyError):
                problems.append(Problem(str(path), row_no, "State Census Code", code or None,
                                        "not a Census state code of the 50 states and DC"))
                continue
            if _norm(name) != _norm(state_name):
                problems.append(Problem(str(path), row_no, "State", name or None,
                                        f"Census state code {census} is {state_name}"))
                continue
            rec.update(area_code=fips, area=state_name, state=postal)
        else:
            if code or name:
                if not (code and name):
                    problems.append(Problem(str(path), row_no, "FIPS code" if not code
                                            else "Metropolitan Area", None,
                                            "a metro area needs both its code and its name"))
                    current = None
                    continue
                current = (code, name)
            if current is None:
                problems.append(Problem(str(path), row_no, "Metropolitan Area", None,
                                        "sector row without a metro area above it"))
                continue
            rec.update(area_code=current[0], area=current[1], state=_metro_state(current[1]))
        for field in NUMBERS:
            try:
                value, is_pct = _number(cell[field])
            except ValueError:
                problems.append(Problem(str(path), row_no, field, cell[field], "not a number"))
                value, is_pct = None, False
            else:
                if value is None:
                    problems.append(Problem(str(path), row_no, field, None,
                                            "value missing (the table publishes every cell)"))
            rec[field] = value
            if field.startswith("pct_"):
                percent_text[(row_no, field)] = is_pct
        records[row_no] = rec
    if problems:
        raise InputError(problems)
    if not records:
        raise InputError(Problem(str(path), None, None, None, "file has no data rows"))
    # Numeric shares are fractions when every one of them is at most 1 (the workbooks' percent
    # format), percents otherwise; text with a % sign is a percent either way.
    numeric = [rec[f] for (r, f), is_pct in percent_text.items()
               if not is_pct and (rec := records[r])[f] is not None]
    scale = 100.0 if numeric and max(numeric) <= 1.0 else 1.0
    for (r, f), is_pct in percent_text.items():
        if not is_pct and records[r][f] is not None:
            records[r][f] = records[r][f] * scale
    out = pd.DataFrame.from_dict(records, orient="index").reindex(columns=TIDY_COLUMNS)
    out.index = pd.Index(list(records), name="file_row")
    for c in ["area_type", "area_code", "area", "state", "sector"]:
        out[c] = out[c].astype(str)
    out["year"] = pd.to_numeric(out["year"]).astype("Int64")
    out["observations"] = pd.to_numeric(out["observations"]).round().astype("Int64")
    for c in NUMBERS[1:]:
        out[c] = pd.to_numeric(out[c]).astype("Float64")
    out = validate_rows(out, SCHEMA, path)
    if region is not None:
        if kind == STATE:
            out = out[out["area_code"] == region.state.fips]
        else:
            out = out[out["area_code"].isin(region_metros(region))]
    return out


# --- processed table ---------------------------------------------------------------------------


def reliable_metro_rows(metro: pd.DataFrame, minimum: int = MIN_METRO_OBSERVATIONS
                        ) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(kept, withheld): metro rows at or above ``minimum`` CPS observations, and the rest."""
    keep = metro["observations"] >= minimum
    return metro[keep], metro[~keep]


def process(region: Region, dirs: DataDirs) -> dict[str, pd.DataFrame]:
    """``unionstats``: the region's state (every sector) and the region's metro areas' cells
    with at least :data:`MIN_METRO_OBSERVATIONS` CPS observations. Each withheld metro cell is
    logged with its sample size; a region metro missing from the file is logged too."""
    year = year_of(region)
    state = read(state_path(dirs, year), region)
    if state.empty:
        raise InputError(Problem(str(state_path(dirs, year)), None, "State", region.state.name,
                                 "the state table has no rows for the region's state"))
    metro = read(metro_path(dirs, year), region)
    kept, withheld = reliable_metro_rows(metro)
    for area, cells in withheld.groupby("area", sort=False):
        listed = ", ".join(f"{r.sector} ({r.observations})" for r in cells.itertuples())
        log.warning("unionstats %d: %s: left out for fewer than %d CPS observations: %s",
                    year, area, MIN_METRO_OBSERVATIONS, listed)
    absent = [c for c in region_metros(region) if c not in set(metro["area_code"])]
    if absent:
        log.warning("unionstats %d: metro table has no rows for CBSA %s", year,
                    ", ".join(absent))
    out = pd.concat([state, kept], ignore_index=True)
    order = out.assign(_type=out["area_type"].map({STATE: 0, METRO: 1}),
                       _sector=out["sector"].map(SECTORS.index))
    order = order.sort_values(["_type", "area_code", "_sector"], ignore_index=True)
    return {"unionstats": order[TIDY_COLUMNS]}
