"""Synthetic IPEDS complete data files (``HD{year}.zip``, ``C{year}_A.zip``) in NCES's layouts.

``HD``: NCES's 73-column directory header as published in HD2023 (UTF-8 with a byte-order mark,
CRLF line ends, ``COUNTYCD`` without its leading zero); only the columns the pipeline reads and a
few identifying ones are filled. ``C_A``: ``UNITID, CIPCODE, MAJORNUM, AWLEVEL``, then the
imputation-flag/count pairs ``XCTOTALT, CTOTALT, XCTOTALM, CTOTALM, XCTOTALW, CTOTALW`` and the
race/ethnicity pairs of NCES's documented layout; six-digit CIP rows, two-digit family subtotals
and ``99`` grand totals that add up the way NCES's do; second majors at the university. The
oldest year's zip holds an original and a revised (``_rv``) file, as NCES ships a revision;
one institution-year carries imputed counts (flag ``P``, imputed from the prior year).

Institutions: the region's community colleges from the maintained college table (real names
and IPEDS ids, so DataMart and IPEDS can be matched; every count is synthetic) and a few
invented institutions (a state university, two private technical institutes, a beauty college,
a district office, and one college outside the region). Locations are seeded points inside the
real county outlines (plotly-geo), not the institutions' addresses. The programs are those of
the sample's CIP-SOC crosswalk, so the supply section can carry completions to occupations.
"""

from __future__ import annotations

import csv
import io
import zipfile
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import geopandas as gpd
import numpy as np

from assessment import download
from assessment.paths import DataDirs
from assessment.region import Region
from assessment.sample.geo import PLOTLY_GEO_COUNTIES
from assessment.sample.universe import Universe
from assessment.sources import ccc_awards, ipeds

# NCES's HD header (HD2023), in order.
HD_HEADER = [
    "UNITID", "INSTNM", "IALIAS", "ADDR", "CITY", "STABBR", "ZIP", "FIPS", "OBEREG", "CHFNM",
    "CHFTITLE", "GENTELE", "EIN", "UEIS", "OPEID", "OPEFLAG", "WEBADDR", "ADMINURL", "FAIDURL",
    "APPLURL", "NPRICURL", "VETURL", "ATHURL", "DISAURL", "SECTOR", "ICLEVEL", "CONTROL",
    "HLOFFER", "UGOFFER", "GROFFER", "HDEGOFR1", "DEGGRANT", "HBCU", "HOSPITAL", "MEDICAL",
    "TRIBAL", "LOCALE", "OPENPUBL", "ACT", "NEWID", "DEATHYR", "CLOSEDAT", "CYACTIVE",
    "POSTSEC", "PSEFLAG", "PSET4FLG", "RPTMTH", "INSTCAT", "C21BASIC", "C21IPUG", "C21IPGRD",
    "C21UGPRF", "C21ENPRF", "C21SZSET", "C18BASIC", "C15BASIC", "CCBASIC", "CARNEGIE",
    "LANDGRNT", "INSTSIZE", "F1SYSTYP", "F1SYSNAM", "F1SYSCOD", "CBSA", "CBSATYPE", "CSA",
    "COUNTYCD", "COUNTYNM", "CNGDSTCD", "LONGITUD", "LATITUDE", "DFRCGID", "DFRCUSCG",
]
# NCES's C_A header: totals, then race/ethnicity groups, each total/men/women with its flag.
RACES = ("AIAN", "ASIA", "BKAA", "HISP", "NHPI", "WHIT", "2MOR", "UNKN", "NRAL")
RACE_MIX = (0.01, 0.08, 0.04, 0.55, 0.005, 0.22, 0.035, 0.04, 0.02)  # sample mix (sums to 1)
C_HEADER = ["UNITID", "CIPCODE", "MAJORNUM", "AWLEVEL"] + [
    f"{p}{g}{s}" for g in ("CTOTAL", *[f"C{r}" for r in RACES]) for s in "TMW"
    for p in ("X", "")]
CCC_SYSTEM = "California Community College System"

# A community college's TOP programs (DataMart) and the CIP code it reports each under in
# IPEDS; base awards a year at a mid-sized college.
CCC_PROGRAMS = {
    "095650": ("Welding Technology", "48.0508", 40),
    "095630": ("Machining and Machine Tools", "48.0501", 18),
    "094500": ("Industrial Systems Technology and Maintenance", "47.0303", 14),
    "095220": ("Electrical", "46.0302", 16),
    "093420": ("Industrial Electronics", "15.0612", 8),
    "095600": ("Manufacturing and Industrial Technology", "15.0613", 10),
    "050630": ("Management Development and Supervision", "52.0205", 12),
    "130630": ("Culinary Arts", "12.0501", 15),
    "490100": ("Liberal Arts and Sciences, General", "24.0101", 420),
}
ALWAYS = ("095650", "490100")  # every college offers these
IPEDS_SHARE = 0.8  # IPEDS counts fewer awards than DataMart (no low-unit local certificates)
CC_LEVELS = ((21, 0.35), (2, 0.25), (3, 0.40))


@dataclass(frozen=True)
class Institution:
    unitid: int
    name: str
    county_fips: str
    sector: int
    level: int
    system: str = ""
    programs: tuple[tuple[str, int, int], ...] = ()  # (cip, award level, base awards a year)
    second_majors: bool = False


# Invented institutions. ``county_fips`` holds the index of a county in the region file
# (``OUTSIDE``: a county of the state outside the region), resolved by :func:`others`.
OUTSIDE = -1
_OTHERS = [
    Institution(900101, "Sample Valley State University", "0", 1, 1,
                programs=(("14.1901", 5, 60), ("14.3501", 5, 25), ("52.0205", 5, 45),
                          ("15.0612", 5, 20), ("24.0101", 5, 150)), second_majors=True),
    Institution(900102, "Sample Technical Institute-Fresno", "0", 6, 2,
                programs=(("48.0508", 2, 30), ("48.0508", 21, 20), ("47.0303", 2, 15),
                          ("46.0302", 21, 12))),
    Institution(900103, "Sample Technical Institute-Stockton", "5", 6, 2,
                programs=(("48.0508", 2, 24), ("47.0303", 2, 10), ("49.0205", 20, 40))),
    Institution(900104, "Sample Beauty College", "7", 9, 3,
                programs=(("12.0401", 20, 35),)),
    Institution(900105, "Sample Community College District Office", "6", 0, 2),
    Institution(900106, "Sample Technical College outside the region", str(OUTSIDE), 6, 2,
                programs=(("48.0508", 2, 50),)),
]


def _outside(region: Region) -> str:
    mine = {c.fips for c in region.counties}
    return next(f"{region.state.fips}{n:03d}" for n in range(1, 1000, 2)
                if f"{region.state.fips}{n:03d}" not in mine)


def others(region: Region) -> list[Institution]:
    """The invented institutions, placed in the region's counties (and one outside it)."""
    counties = [c.fips for c in region.counties]
    out = []
    for inst in _OTHERS:
        i = int(inst.county_fips)
        fips = _outside(region) if i == OUTSIDE else counties[i % len(counties)]
        out.append(Institution(inst.unitid, inst.name, fips, inst.sector, inst.level,
                               inst.system, inst.programs, inst.second_majors))
    return out


IMPUTED = (900103, ipeds.COLLECTION_YEARS[1])  # this institution-year is imputed (flag P)


def community_colleges(region: Region) -> list[Institution]:
    table = ccc_awards.colleges()
    table = table[table["county_fips"].isin([c.fips for c in region.counties])]
    return [Institution(int(r.unitid), r.institution, r.county_fips, 4, 2, CCC_SYSTEM)
            for r in table.itertuples()]


def ccc_offers(universe: Universe, college: str) -> dict[str, float]:
    """TOP code -> base awards a year at one college (seeded by the college's name)."""
    rng = np.random.default_rng([universe.seed, sum(map(ord, college))])
    size = rng.lognormal(0.0, 0.45)
    out = {}
    for top, (_title, _cip, base) in CCC_PROGRAMS.items():
        if top in ALWAYS or rng.random() < 0.55:
            out[top] = base * size * rng.lognormal(0.0, 0.3)
    return out


def trend(universe: Universe, key: str) -> float:
    """A program's yearly growth factor (seeded): between about -8% and +12%."""
    rng = np.random.default_rng([universe.seed, sum(map(ord, key)), 7])
    return 1.0 + rng.uniform(-0.08, 0.12)


@cache
def _county_shapes() -> gpd.GeoDataFrame:
    return gpd.read_file(PLOTLY_GEO_COUNTIES).set_index("GEOID")


def location(unitid: int, county_fips: str, seed: int) -> tuple[float, float]:
    """A seeded point inside the county (latitude, longitude), near its representative point."""
    shapes = _county_shapes()
    rng = np.random.default_rng([seed, unitid])
    if county_fips not in shapes.index:
        return (float("nan"), float("nan"))
    geom = shapes.at[county_fips, "geometry"]
    anchor = geom.representative_point()
    for _ in range(50):
        x = anchor.x + rng.normal(0, 0.12)
        y = anchor.y + rng.normal(0, 0.08)
        if geom.contains(type(anchor)(x, y)):
            return (round(y, 6), round(x, 6))
    return (round(anchor.y, 6), round(anchor.x, 6))


def institutions(region: Region) -> list[Institution]:
    return community_colleges(region) + others(region)


def _hd_text(region: Region, universe: Universe) -> str:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\r\n")
    w.writerow(HD_HEADER)
    for inst in institutions(region):
        lat, lon = location(inst.unitid, inst.county_fips, universe.seed)
        row = dict.fromkeys(HD_HEADER, "")
        row.update(UNITID=inst.unitid, INSTNM=inst.name, STABBR=region.state.abbr,
                   FIPS=int(region.state.fips),
                   SECTOR=inst.sector, ICLEVEL=inst.level,
                   CONTROL={0: -3, 1: 1, 4: 1, 6: 3, 9: 3}.get(inst.sector, 2),
                   CYACTIVE=1, POSTSEC=1 if inst.sector else 2, F1SYSNAM=inst.system or -2,
                   COUNTYCD=int(inst.county_fips), COUNTYNM="",
                   LONGITUD=lon, LATITUDE=lat)
        w.writerow(row.values())
    return "\ufeff" + buf.getvalue()


def completions(region: Region, universe: Universe, year: int) -> list[tuple]:
    """(unitid, cip, majornum, awlevel, total, flag) six-digit rows for one collection year."""
    t = year - ipeds.COLLECTION_YEARS[-1]
    out = []
    for inst in community_colleges(region):
        college = _datamart_name(inst.unitid)
        for top, base in ccc_offers(universe, college).items():
            cip = CCC_PROGRAMS[top][1]
            yearly = base * trend(universe, college + top) ** t * IPEDS_SHARE
            for level, share in CC_LEVELS:
                out.append((inst.unitid, cip, 1, level, yearly * share, "R"))
    for inst in others(region):
        for cip, level, base in inst.programs:
            yearly = base * trend(universe, inst.name + cip) ** t
            flag = "P" if (inst.unitid, year) == IMPUTED else "R"
            out.append((inst.unitid, cip, 1, level, yearly, flag))
            if inst.second_majors:
                out.append((inst.unitid, cip, 2, level, yearly * 0.04, flag))
    rng = np.random.default_rng([universe.seed, year, 11])
    rows = []
    for unitid, cip, major, level, mean, flag in out:
        n = int(rng.poisson(max(mean, 0.0)))
        rows.append((unitid, cip, major, level, n, flag))
    return rows


def _datamart_name(unitid: int) -> str:
    t = ccc_awards.colleges()
    return str(t.loc[t["unitid"] == unitid, "college"].iloc[0])


def _with_subtotals(rows: list[tuple]) -> list[tuple]:
    """Six-digit rows plus NCES's two-digit family subtotals and ``99`` grand totals."""
    sums: dict[tuple, list] = {}
    for unitid, cip, major, level, n, flag in rows:
        for code in (cip[:2], ipeds.GRAND_TOTAL_CIP):
            key = (unitid, code, major, level)
            acc = sums.setdefault(key, [0, flag])
            acc[0] += n
    subs = [(u, c, m, lv, n, f) for (u, c, m, lv), (n, f) in sums.items()]
    return sorted(rows + subs, key=lambda r: (r[0], r[1] == "99", len(r[1]) == 2, r[1], r[2],
                                              r[3]))


def _c_text(rows: list[tuple], seed: int) -> str:
    rng = np.random.default_rng([seed, 3])
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\r\n")
    w.writerow(C_HEADER)
    for unitid, cip, major, level, n, flag in _with_subtotals(rows):
        men = int(rng.binomial(n, 0.7)) if n else 0
        values = [(n, men, n - men)]
        races = rng.multinomial(n, RACE_MIX) if n else [0] * len(RACES)
        for r in races:
            m = int(rng.binomial(r, 0.7)) if r else 0
            values.append((int(r), m, int(r) - m))
        cells = [unitid, cip, major, level]
        for total, m, wmn in values:
            for v in (total, m, wmn):
                cells += [flag if v or flag != "R" else "Z", v]
        cells[4] = flag  # XCTOTALT: the flag of the total itself
        w.writerow(cells)
    return "\ufeff" + buf.getvalue()


def _zip(dest: Path, members: dict[str, str]) -> None:
    dest.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(dest, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, text in members.items():
            zf.writestr(name, text.encode("utf-8"))


def build(region: Region, dirs: DataDirs, universe: Universe) -> list[Path]:
    written = []
    oldest = ipeds.COLLECTION_YEARS[0]
    for year in ipeds.COLLECTION_YEARS:
        hd = ipeds.hd_path(dirs, year)
        _zip(hd, {f"hd{year}.csv": _hd_text(region, universe)})
        rows = completions(region, universe, year)
        members = {f"c{year}_a.csv": _c_text(rows, universe.seed + year)}
        if year == oldest:  # NCES revised this year's file: ship both, as NCES does
            revised = [(u, c, m, lv, n + (1 if i % 7 == 0 else 0), f)
                       for i, (u, c, m, lv, n, f) in enumerate(rows)]
            members[f"c{year}_a_rv.csv"] = _c_text(revised, universe.seed + year)
        _zip(ipeds.c_path(dirs, year), members)
        for rf in ipeds.remote_files(region, dirs):
            if rf.dest in (hd, ipeds.c_path(dirs, year)):
                download.record_sample(rf)
        written += [hd, ipeds.c_path(dirs, year)]
    return written
