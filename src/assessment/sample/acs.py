"""Synthetic ACS 5-year API responses and variable lists for the sample bundle.

For each table in :data:`assessment.sources.acs.TABLES` the builder writes what the Census API
returns: ``groups/{table}.json`` (the variable list with the Bureau's labels) and the
``get=NAME,group(T)`` JSON arrays for the counties, the state and the nation, at the paths
:func:`assessment.sources.acs.remote_files` names. The county file holds the region's counties
only (the real call returns every county of the state).

Counts are drawn top-down through each table's hierarchy from a population near each county's
published scale, so every subtotal is the sum of its parts, and the tables agree where the
Bureau's do: civilian employed in ``B23025`` equals the total of ``C24030``; commuters in
``B08303`` are ``B08301`` workers less those who worked from home. Manufacturing's share of
employed residents in ``C24030`` follows the universe's manufacturing share of jobs. Margins of
error are made with a simple design-effect formula, and totals the Bureau controls to population
estimates carry its annotation (margin ``-555555555``, annotation ``*****``). No figure is a
real statistic.

Census tracts: for each region county, a ``tract_{county}.json`` per table in
:data:`assessment.sources.acs.TRACT_TABLES` (including ``B25044``, vehicles available, which is
asked for by tract only), one record per synthetic 2020 tract (:mod:`assessment.sample.tracts`).
Tract residents are the county's sample population spread over its tracts
(:func:`assessment.sample.tracts2010.population_2020`); tables are drawn with a separate seed,
so the county files are exactly what they were before tracts were added, and the tracts of a
county do not add up to its county record (in the real ACS they do, within rounding). Shares of
unemployment, schooling, limited English, poverty, disability, carless households and transit
lean with each tract's invented hardship, so the sample's disadvantaged tracts differ.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from assessment import download
from assessment.paths import DataDirs
from assessment.region import Region
from assessment.sample.universe import Universe
from assessment.sources import acs

# Approximate population (scale only, near the 2020s published counts).
POPULATION = {"06019": 1_010_000, "06029": 906_000, "06031": 152_000, "06039": 158_000,
              "06047": 285_000, "06077": 784_000, "06099": 552_000, "06107": 475_000}
STATE_POPULATION, NATION_POPULATION = 39_240_000, 332_380_000
DEFAULT_POPULATION = 250_000
CONTROLLED_SENTINEL, CONTROLLED_NOTE = "-555555555", "*****"
ZERO_MOE = 27
DESIGN_FACTOR = 1.6
SAMPLE_RATE = 0.08  # households in a 5-year sample, roughly

# Each table as an indented outline: "label | weight" (weight among siblings), or
# "label | 18%" for categories that are not exclusive (a share of the parent, each on its own).
_DIFFICULTIES = """
        With a hearing difficulty | {h}%
        With a vision difficulty | {v}%
        With a cognitive difficulty | {c}%
        With an ambulatory difficulty | {a}%
        With a self-care difficulty | {s}%
        With an independent living difficulty | {i}%"""
_LANGUAGE = """
  {name}: | {w}
    Speak English "very well" | 60
    Speak English less than "very well" | 40"""
_POVERTY_AGES = """
      Under 5 years | 7
      5 years | 1.5
      6 to 11 years | 9
      12 to 14 years | 4.5
      15 years | 1.5
      16 and 17 years | 3
      18 to 24 years | 10
      25 to 34 years | 14
      35 to 44 years | 12.5
      45 to 54 years | 11
      55 to 64 years | 11
      65 to 74 years | 8
      75 years and over | 6"""
_INDUSTRIES = """
    Agriculture, forestry, fishing and hunting, and mining: | 10
      Agriculture, forestry, fishing and hunting | 95
      Mining, quarrying, and oil and gas extraction | 5
    Construction | 9
    Manufacturing | 9
    Wholesale trade | 3.5
    Retail trade | 10.5
    Transportation and warehousing, and utilities: | 7
      Transportation and warehousing | 88
      Utilities | 12
    Information | 1.2
    Finance and insurance, and real estate, and rental and leasing: | 4
      Finance and insurance | 60
      Real estate and rental and leasing | 40
    {professional}: | 8
      Professional, scientific, and technical services | 45
      Management of companies and enterprises | 3
      Administrative and support and waste management services | 52
    Educational services, and health care and social assistance: | 22
      Educational services | 40
      Health care and social assistance | 60
    Arts, entertainment, and recreation, and accommodation and food services: | 7.5
      Arts, entertainment, and recreation | 15
      Accommodation and food services | 85
    Other services, except public administration | 4.5
    Public administration | 5"""
_PROFESSIONAL = ("Professional, scientific, and management, and administrative, and waste"
                 " management services")
_RACES = """
    White alone | {white}
    Black or African American alone | {black}
    American Indian and Alaska Native alone | {aian}
    Asian alone | {asian}
    Native Hawaiian and Other Pacific Islander alone | {nhpi}
    Some other race alone | {other}
    Two or more races: | {two}
      Two races including Some other race | {incl}
      Two races excluding Some other race, and three or more races | {excl}"""

OUTLINES = {
    "B23025": """
Total:
  In labor force: | 60
    Civilian labor force: | 99.6
      Employed | 91.5
      Unemployed | 8.5
    Armed Forces | 0.4
  Not in labor force | 40""",
    "B15003": """
Total:
  No schooling completed | 3
  Nursery school | 0.1
  Kindergarten | 0.1
  1st grade | 0.2
  2nd grade | 0.3
  3rd grade | 0.5
  4th grade | 0.6
  5th grade | 0.8
  6th grade | 2.5
  7th grade | 0.5
  8th grade | 1.5
  9th grade | 2
  10th grade | 1.5
  11th grade | 1.8
  12th grade, no diploma | 1.8
  Regular high school diploma | 22
  GED or alternative credential | 3.2
  Some college, less than 1 year | 6.5
  Some college, 1 or more years, no degree | 16
  Associate's degree | 8.5
  Bachelor's degree | 14
  Master's degree | 5
  Professional school degree | 1.3
  Doctorate degree | 0.8""",
    "C24030": ("\nTotal:\n  Male: | 56" + _INDUSTRIES + "\n  Female: | 44" + _INDUSTRIES
               ).replace("{professional}", _PROFESSIONAL),
    "B08301": """
Total:
  Car, truck, or van: | 86
    Drove alone | 85
    Carpooled: | 15
      In 2-person carpool | 75
      In 3-person carpool | 13
      In 4-person carpool | 6
      In 5- or 6-person carpool | 4
      In 7-or-more-person carpool | 2
  Public transportation (excluding taxicab): | 1
    Bus | 85
    Subway or elevated rail | 1
    Long-distance train or commuter rail | 10
    Light rail, streetcar or trolley (carro público in Puerto Rico) | 3
    Ferryboat | 1
  Taxicab | 0.2
  Motorcycle | 0.3
  Bicycle | 0.7
  Walked | 1.8
  Other means | 1.5
  Worked from home | 8.5""",
    "B08303": """
Total:
  Less than 5 minutes | 2.5
  5 to 9 minutes | 10
  10 to 14 minutes | 15
  15 to 19 minutes | 17
  20 to 24 minutes | 15
  25 to 29 minutes | 6
  30 to 34 minutes | 12
  35 to 39 minutes | 2.5
  40 to 44 minutes | 3
  45 to 59 minutes | 7
  60 to 89 minutes | 6
  90 or more minutes | 4""",
    "B17001": "\nTotal:\n  Income in the past 12 months below poverty level: | 20\n    Male: | 47"
              + _POVERTY_AGES + "\n    Female: | 53"
              + _POVERTY_AGES + "\n  Income in the past 12 months at or above poverty level:"
              " | 80\n    Male: | 50" + _POVERTY_AGES + "\n    Female: | 50" + _POVERTY_AGES,
    "C16001": "\nTotal:\n  Speak only English | 55" + "".join(
        _LANGUAGE.format(name=n, w=w) for n, w in [
            ("Spanish", 38), ("French, Haitian, or Cajun", 0.15),
            ("German or other West Germanic languages", 0.2),
            ("Russian, Polish, or other Slavic languages", 0.3),
            ("Other Indo-European languages", 2.5), ("Korean", 0.2),
            ("Chinese (incl. Mandarin, Cantonese)", 0.5), ("Vietnamese", 0.4),
            ("Tagalog (incl. Filipino)", 1.2), ("Other Asian and Pacific Island languages", 1.6),
            ("Arabic", 0.4), ("Other and unspecified languages", 0.2)]),
    "B18120": "\n".join([
        "", "Total:", "  In the labor force: | 70", "    Employed: | 92",
        "      With a disability: | 7" + _DIFFICULTIES.format(h=22, v=20, c=35, a=35, s=8, i=18),
        "      No disability | 93", "    Unemployed: | 8",
        "      With a disability: | 12" + _DIFFICULTIES.format(h=18, v=20, c=45, a=40, s=10, i=25),
        "      No disability | 88", "  Not in labor force: | 30",
        "    With a disability: | 25" + _DIFFICULTIES.replace("\n        ", "\n      ").format(
            h=15, v=20, c=50, a=55, s=20, i=45),
        "    No disability | 75"]),
    "B03002": "\n".join([
        "", "Total:",
        "  Not Hispanic or Latino: | 46" + _RACES.format(
            white=58, black=9, aian=1.2, asian=24, nhpi=0.4, other=0.6, two=6.8, incl=15,
            excl=85),
        "  Hispanic or Latino: | 54" + _RACES.format(
            white=25, black=0.6, aian=1.8, asian=0.4, nhpi=0.1, other=42, two=30, incl=85,
            excl=15)]),
    "B25044": """
Total:
  Owner occupied: | 55
    No vehicle available | 2
    1 vehicle available | 22
    2 vehicles available | 40
    3 vehicles available | 22
    4 vehicles available | 9
    5 or more vehicles available | 5
  Renter occupied: | 45
    No vehicle available | 11
    1 vehicle available | 42
    2 vehicles available | 31
    3 vehicles available | 10
    4 vehicles available | 4
    5 or more vehicles available | 2""",
}
# Universe of each table as a share of population (county, state or nation alike).
UNIVERSE = {"B23025": 0.76, "B15003": 0.64, "B17001": 0.975, "C16001": 0.935, "B18120": 0.60,
            "B21001": 0.74, "B03002": 1.0, "B25044": 0.31}
CONTROLLED = {"B03002": {"B03002_001"}}
# B21001 is not a tree (Veteran and Nonveteran repeat under each sex and age): built by hand.
VETERAN_AGES = ["18 to 34 years", "35 to 54 years", "55 to 64 years", "65 to 74 years",
                "75 years and over"]
VETERAN_AGE_SHARE = [35, 34, 15, 10, 6]
VETERAN_RATE = {"Male": [0.015, 0.035, 0.07, 0.15, 0.25], "Female": [0.003, 0.008, 0.01,
                                                                       0.012, 0.01]}


@dataclass
class Node:
    label: str
    weight: float = 1.0
    share: bool = False  # a non-exclusive share of the parent
    children: list[Node] = field(default_factory=list)


def parse(outline: str) -> Node:
    root = None
    stack: list[tuple[int, Node]] = []
    for line in outline.strip("\n").splitlines():
        depth = (len(line) - len(line.lstrip(" "))) // 2
        text, _, weight = line.strip().partition(" | ")
        share = weight.endswith("%")
        node = Node(text, float(weight.rstrip("%")) if weight else 1.0, share)
        while stack and stack[-1][0] >= depth:
            stack.pop()
        if stack:
            stack[-1][1].children.append(node)
        else:
            root = node
        stack.append((depth, node))
    assert root is not None
    return root


def flatten(root: Node) -> list[tuple[str, Node]]:
    """(label path, node) in the Bureau's line order."""
    out: list[tuple[str, Node]] = []

    def walk(node: Node, prefix: str) -> None:
        path = f"{prefix}!!{node.label}" if prefix else node.label
        out.append((path, node))
        for child in node.children:
            walk(child, path)

    walk(root, "")
    return out


def allocate(root: Node, total: int, rng: np.random.Generator,
             tweak: dict[str, float] | None = None) -> dict[str, int]:
    """Counts by label path: exclusive children split their parent exactly."""
    tweak = tweak or {}
    counts: dict[str, int] = {}

    def walk(node: Node, path: str, n: int) -> None:
        counts[path] = n
        exclusive = [c for c in node.children if not c.share]
        if exclusive:
            w = np.array([tweak.get(f"{path}!!{c.label}", c.weight) for c in exclusive])
            w = w * rng.lognormal(0.0, 0.12, len(w))
            for c, k in zip(exclusive, rng.multinomial(n, w / w.sum()), strict=True):
                walk(c, f"{path}!!{c.label}", int(k))
        for c in node.children:
            if c.share:
                p = min(c.weight / 100 * rng.lognormal(0.0, 0.12), 1.0)
                walk(c, f"{path}!!{c.label}", int(rng.binomial(n, p)))

    walk(root, root.label, total)
    return counts


def veterans(total: int, rng: np.random.Generator) -> tuple[list[str], dict[str, int]]:
    """B21001's lines and counts, built from sex x age x veteran cells."""
    order: list[str] = ["Total:", "Total:!!Veteran", "Total:!!Nonveteran"]
    counts: dict[str, int] = {}
    sexes = dict(zip(["Male", "Female"], rng.multinomial(total, [0.49, 0.51]), strict=True))
    for sex, n in sexes.items():
        base = f"Total:!!{sex}:"
        order += [base, f"{base}!!Veteran", f"{base}!!Nonveteran"]
        ages = rng.multinomial(n, np.array(VETERAN_AGE_SHARE) / sum(VETERAN_AGE_SHARE))
        for age, k, rate in zip(VETERAN_AGES, ages, VETERAN_RATE[sex], strict=True):
            vet = int(rng.binomial(k, rate))
            path = f"{base}!!{age}:"
            order += [path, f"{path}!!Veteran", f"{path}!!Nonveteran"]
            counts.update({path: int(k), f"{path}!!Veteran": vet,
                           f"{path}!!Nonveteran": int(k) - vet})
        counts[base] = int(n)
        counts[f"{base}!!Veteran"] = sum(counts[f"{base}!!{a}:!!Veteran"] for a in VETERAN_AGES)
        counts[f"{base}!!Nonveteran"] = int(n) - counts[f"{base}!!Veteran"]
    counts["Total:"] = total
    counts["Total:!!Veteran"] = sum(counts[f"Total:!!{s}:!!Veteran"] for s in sexes)
    counts["Total:!!Nonveteran"] = total - counts["Total:!!Veteran"]
    return order, counts


def lines(table: str) -> list[str]:
    """The table's label paths in line order (``_001`` first)."""
    if table == "B21001":
        return veterans(100, np.random.default_rng(0))[0]
    return [path for path, _node in flatten(parse(OUTLINES[table]))]


def moe(count: int, universe: int) -> int:
    if count == 0:
        return ZERO_MOE
    p = min(count / max(universe, 1), 1.0)
    se = np.sqrt(count * (1 - p) * (1 / SAMPLE_RATE - 1)) * DESIGN_FACTOR
    return max(int(round(1.645 * se)), ZERO_MOE)


@dataclass(frozen=True)
class Geography:
    kind: str  # county | state | us
    geoid: str
    name: str
    population: int
    manufacturing_share: float  # of jobs, from the universe


def geographies(region: Region, universe: Universe) -> list[Geography]:
    emp = universe.employment
    year = min(max(region.years.acs, region.years.start), region.years.end)

    def share(area: str) -> float:
        here = emp[(emp.area == area) & (emp.year == year)].set_index("industry")["employment"]
        return float(here["31-33"] / here["10"])

    out = [Geography("county", c.fips, f"{c.name} County, {region.state.name}",
                     POPULATION.get(c.fips, DEFAULT_POPULATION), share(c.fips))
           for c in region.counties]
    out.append(Geography("state", region.state.fips, region.state.name, STATE_POPULATION,
                         share(region.benchmarks.state.qcew)))
    out.append(Geography("us", "US", "United States", NATION_POPULATION,
                         share(region.benchmarks.nation.qcew)))
    return out


def estimates(geo: Geography, rng: np.random.Generator) -> dict[str, dict[str, int]]:
    """Counts for every table at one geography, label path -> count."""
    pop = int(geo.population * rng.normal(1, 0.005))
    out: dict[str, dict[str, int]] = {}
    out["B23025"] = allocate(parse(OUTLINES["B23025"]), round(pop * UNIVERSE["B23025"]), rng)
    employed = out["B23025"]["Total:!!In labor force:!!Civilian labor force:!!Employed"]
    mfg = {}
    for sex, tilt in (("Male", 1.3), ("Female", 0.7)):
        mfg[f"Total:!!{sex}:!!Manufacturing"] = 100 * geo.manufacturing_share * tilt
    out["C24030"] = allocate(parse(OUTLINES["C24030"]), employed, rng, mfg)
    out["B08301"] = allocate(parse(OUTLINES["B08301"]), round(employed * 0.975), rng)
    commuters = out["B08301"]["Total:"] - out["B08301"]["Total:!!Worked from home"]
    out["B08303"] = allocate(parse(OUTLINES["B08303"]), commuters, rng)
    for table in ("B15003", "B17001", "C16001", "B18120", "B03002"):
        total = pop if table == "B03002" else round(pop * UNIVERSE[table])
        out[table] = allocate(parse(OUTLINES[table]), total, rng)
    out["B21001"] = veterans(round(pop * UNIVERSE["B21001"]), rng)[1]
    return out


# How a tract's hardship h (0-1) scales a category's weight: label -> (factor at h=0, at h=1).
_TILTS = {
    "B23025": {"Unemployed": (0.5, 1.8), "Not in labor force": (0.85, 1.2)},
    "B15003": {g: (0.4, 1.9) for g in ["No schooling completed", "1st grade", "2nd grade",
                                       "3rd grade", "4th grade", "5th grade", "6th grade",
                                       "7th grade", "8th grade", "9th grade", "10th grade",
                                       "11th grade", "12th grade, no diploma"]}
               | {"Bachelor's degree": (1.6, 0.5), "Master's degree": (1.6, 0.4)},
    "C16001": {"Speak English less than \"very well\"": (0.5, 1.5),
               "Speak only English": (1.4, 0.7)},
    "B17001": {"Income in the past 12 months below poverty level:": (0.4, 1.7)},
    "B18120": {"With a disability:": (0.7, 1.4), "Not in labor force:": (0.85, 1.2),
               "Unemployed:": (0.6, 1.6)},
    "B25044": {"No vehicle available": (0.4, 2.0), "Renter occupied:": (0.7, 1.4)},
    "B08301": {"Public transportation (excluding taxicab):": (0.4, 2.0),
               "Carpooled:": (0.8, 1.3)},
}


def tilt(table: str, hardship: float) -> dict[str, float]:
    """Allocation weights for one tract: each tilted category's weight scaled by hardship."""
    rules = _TILTS.get(table, {})
    out = {}
    for path, node in flatten(parse(OUTLINES[table])):
        if node.label in rules and not node.share:
            lo, hi = rules[node.label]
            out[path] = node.weight * (lo + (hi - lo) * hardship)
    return out


def tract_estimates(geo: Geography, hardship: float, rng: np.random.Generator
                    ) -> dict[str, dict[str, int]]:
    """The tract tables for one tract, label path -> count."""
    pop = geo.population
    out: dict[str, dict[str, int]] = {}
    for table in acs.TRACT_TABLES:
        if table == "B08301":
            employed = out["B23025"]["Total:!!In labor force:!!Civilian labor force:!!Employed"]
            total = round(employed * 0.975)
        else:
            total = round(pop * UNIVERSE[table])
        out[table] = allocate(parse(OUTLINES[table]), total, rng, tilt(table, hardship))
    return out


def tract_geographies(region: Region, universe: Universe) -> list[tuple[Geography, float]]:
    from assessment.sample.tracts import tract_frame
    from assessment.sample.tracts2010 import hardship_2020, population_2020

    pop = population_2020(region, universe.seed, POPULATION, DEFAULT_POPULATION)
    hard = hardship_2020(region, universe.seed)
    names = tract_frame(region, universe.seed).set_index("GEOID")["NAME"]
    counties = region.county_names
    return [(Geography("tract", t, f"Census Tract {names[t]}; {counties[t[:5]]} County;"
                       f" {region.state.name}", int(pop[t]), 0.0), float(hard[t]))
            for t in pop.index]


def variable(table: str, line: int) -> str:
    return f"{table}_{line:03d}"


def groups_json(table: str, year: int) -> str:
    concept = acs.ALL_TABLES[table]
    variables: dict[str, dict] = {}
    for i, path in enumerate(lines(table), start=1):
        v = variable(table, i)
        for kind, prefix in (("E", "Estimate"), ("M", "Margin of Error"),
                             ("EA", "Annotation of Estimate"),
                             ("MA", "Annotation of Margin of Error")):
            entry = {"label": f"{prefix}!!{path}", "concept": concept,
                     "predicateType": "int" if kind in ("E", "M") else "string",
                     "group": table, "limit": 0, "predicateOnly": True}
            if kind == "E":
                entry["attributes"] = f"{v}EA,{v}M,{v}MA"
            variables[f"{v}{kind}"] = entry
    variables["GEO_ID"] = {"label": "Geography", "concept": concept, "predicateType": "string",
                           "group": table, "limit": 0, "predicateOnly": True}
    variables["NAME"] = {"label": "Geographic Area Name", "concept": concept,
                         "predicateType": "string", "group": table, "limit": 0,
                         "predicateOnly": True}
    return json.dumps({"variables": variables}, indent=2, ensure_ascii=False) + "\n"


def data_rows(table: str, geos: list[tuple[Geography, dict[str, int]]]) -> list[list]:
    paths = lines(table)
    header = ["NAME"]
    for i in range(1, len(paths) + 1):
        v = variable(table, i)
        header += [f"{v}E", f"{v}EA", f"{v}M", f"{v}MA"]
    kind = geos[0][0].kind
    header += ["GEO_ID", *{"county": ["state", "county"], "state": ["state"], "us": ["us"],
                           "tract": ["state", "county", "tract"]}[kind]]
    rows = [header]
    for geo, counts in geos:
        row: list = [geo.name]
        for i, path in enumerate(paths, start=1):
            n = counts[path]
            if variable(table, i) in CONTROLLED.get(table, set()):
                row += [str(n), None, CONTROLLED_SENTINEL, CONTROLLED_NOTE]
            else:
                row += [str(n), None, str(moe(n, geo.population)), None]
        ids = {"county": ["0500000US" + geo.geoid, geo.geoid[:2], geo.geoid[2:]],
               "state": ["0400000US" + geo.geoid, geo.geoid], "us": ["0100000US", "1"],
               "tract": ["1400000US" + geo.geoid, geo.geoid[:2], geo.geoid[2:5],
                         geo.geoid[5:]]}[kind]
        rows.append(row + ids)
    return rows


def to_json_text(rows: list[list]) -> str:
    return "[" + ",\n".join(json.dumps(r, separators=(",", ":"), ensure_ascii=False)
                            for r in rows) + "]"


def build(region: Region, dirs: DataDirs, universe: Universe) -> list[Path]:
    rng = np.random.default_rng(universe.seed + 61)
    geos = [(g, estimates(g, rng)) for g in geographies(region, universe)]
    year, state = region.years.acs, region.state.fips
    by_dest = {rf.dest: rf for rf in acs.remote_files(region, dirs)}
    written = []
    for table in acs.TABLES:
        bodies = {acs.groups_path(dirs, year, table): groups_json(table, year)}
        for kind in ("county", "state", "us"):
            chosen = [(g, e[table]) for g, e in geos if g.kind == kind]
            bodies[acs.data_path(dirs, year, table, kind, state)] = to_json_text(
                data_rows(table, chosen))
        for dest, text in bodies.items():
            rf = by_dest[dest]
            dest.parent.mkdir(parents=True, exist_ok=True)
            dest.write_text(text, encoding="utf-8")
            note = " (synthetic: the region's counties only)" if dest.name.startswith(
                "county_") else " (synthetic)"
            download.record_sample(download.RemoteFile(
                url=rf.url, dest=dest, source=rf.source, kind=rf.kind, params=rf.params,
                vintage=rf.vintage + note))
            written.append(dest)
    written += build_tracts(region, dirs, universe, by_dest)
    return written


def build_tracts(region: Region, dirs: DataDirs, universe: Universe,
                 by_dest: dict[Path, download.RemoteFile]) -> list[Path]:
    """Tract files, and the variable lists of tables read only by tract."""
    rng = np.random.default_rng(universe.seed + 67)
    geos = [(g, tract_estimates(g, h, rng)) for g, h in tract_geographies(region, universe)]
    year, state = region.years.acs, region.state.fips
    bodies = {acs.groups_path(dirs, year, t): groups_json(t, year) for t in acs.TRACT_ONLY}
    for table in acs.TRACT_TABLES:
        for county in region.county_fips:
            chosen = [(g, e[table]) for g, e in geos if g.geoid.startswith(county)]
            bodies[acs.data_path(dirs, year, table, "tract", state, county)] = to_json_text(
                data_rows(table, chosen))
    written = []
    for dest, text in bodies.items():
        rf = by_dest[dest]
        dest.parent.mkdir(parents=True, exist_ok=True)
        dest.write_text(text, encoding="utf-8")
        note = (" (synthetic: invented 2020 tracts)" if dest.name.startswith("tract_")
                else " (synthetic)")
        download.record_sample(download.RemoteFile(
            url=rf.url, dest=dest, source=rf.source, kind=rf.kind, params=rf.params,
            vintage=rf.vintage + note))
        written.append(dest)
    return written
