"""A complete region file from county codes alone (``assessment region new``).

Everything is looked up in the tables bundled under ``src/assessment/lookups/`` (their sources,
vintages and derivation are in its README): county names and the metro area (CBSA) of each
county from the Census Bureau's delineation files, QCEW metro codes (``C`` + the first four CBSA
digits), the OEWS area standing for each county release by release, EDD's area codes in
California, the state and nation benchmarks. Industry scope, years, survey globs, the
family-sustaining wage and the disclosure rule are copied from the default region file, so a new
region starts from the same choices. What cannot be determined from the tables (a county outside
every metro area, whose OEWS nonmetropolitan area BLS defines itself; a California county EDD
covers only in a multi-county region file) is listed, never guessed silently.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import yaml

from assessment import paths
from assessment.region import CALIFORNIA_FIPS, Region

# OEWS areas follow the OMB delineations BLS adopted for each release: releases up to May 2024
# use the areas of the 2010-standard delineations (the March 2020 list stands for them), May
# 2025 on the July 2023 delineations (which merged Madera into the Fresno metro area, so the May
# 2025 release has no Madera area).
OEWS_DELINEATION_FROM = {2025: "2023"}
OEWS_BEFORE = "2020"
QCEW_DELINEATION = "2020"  # the delineation QCEW's metro codes in the analysis years follow
NATION = {"name": "United States", "qcew": "US000", "oews": "0000000"}
EDD_STATE_AREA = "CAL"


class RegionNewError(ValueError):
    """A county code that is malformed or unknown, or counties from several states."""


@dataclass
class Draft:
    """A region file's content and what the lookup could not settle."""

    data: dict
    notes: list[str] = field(default_factory=list)  # what to check by hand

    def region(self) -> Region:
        return Region.model_validate(self.data)


@cache
def counties_table() -> dict[str, dict[str, str]]:
    with (paths.LOOKUPS_DIR / "counties.csv").open(encoding="utf-8") as fh:
        return {row["county_fips"]: row for row in csv.DictReader(fh)}


@cache
def edd_table() -> dict[str, dict[str, str]]:
    with (paths.LOOKUPS_DIR / "edd_areas.csv").open(encoding="utf-8") as fh:
        return {row["county_fips"]: row for row in csv.DictReader(fh)}


def state_counties(state_fips: str) -> dict[str, tuple[str, int]]:
    """County FIPS -> (name, population) for every county of one state (bundled table)."""
    return {f: (row["county"], int(row["population"])) for f, row in counties_table().items()
            if row["state_fips"] == state_fips}


def slugify(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")


def _defaults() -> dict:
    raw = yaml.safe_load(paths.DEFAULT_REGION.read_text(encoding="utf-8"))
    return {k: raw[k] for k in ("industry", "years", "surveys", "job_quality", "disclosure")}


def _cbsa_gone(cbsa: str, vintage: str) -> bool:
    """True when no county belongs to ``cbsa`` under the ``vintage`` delineation."""
    return all(row[f"cbsa_{vintage}"] != cbsa for row in counties_table().values())


def _oews(county: dict[str, str], notes: list[str], state_oews: str) -> dict:
    """``{default: code, "<year>": {code, stand_in}}`` for one county."""
    name = county["county"]

    def code(vintage: str) -> str | None:
        cbsa, kind = county[f"cbsa_{vintage}"], county[f"kind_{vintage}"]
        return "00" + cbsa if cbsa and kind == "metro" else None

    default = code(OEWS_BEFORE)
    out: dict = {}
    if default is None:
        default = state_oews
        notes.append(f"{name} County is in no metropolitan area (OMB {OEWS_BEFORE}); OEWS "
                     "counts it in a BLS nonmetropolitan area that the bundled tables do not "
                     f"hold, so the state ({state_oews}) stands in: look the county up in "
                     "BLS's OEWS area definitions and set its code by hand.")
        out["default"] = {"code": default, "stand_in": (
            f"{name} County lies outside every metropolitan area; the state stands in for it.")}
    else:
        out["default"] = default
    if county[f"division_{OEWS_BEFORE}"]:
        notes.append(f"{name} County is in metropolitan division {county['division_2020']} of "
                     f"{county['cbsa_title_2020']}; the file uses the whole metro area.")
    for year, vintage in sorted(OEWS_DELINEATION_FROM.items()):
        later = code(vintage)
        if later == default:
            continue
        if later is None:
            notes.append(f"{name} County left the metropolitan areas in the OMB {vintage} "
                         f"delineation (May {year} OEWS on): check its BLS nonmetropolitan area.")
            out[str(year)] = {"code": state_oews, "stand_in": (
                f"From the May {year} OEWS release {name} County is in no metropolitan area; "
                "the state stands in for it.")}
            continue
        old = county[f"cbsa_title_{OEWS_BEFORE}"].split(",")[0]
        new = county[f"cbsa_title_{vintage}"].split(",")[0]
        if _cbsa_gone(default[2:], vintage):
            note = (f"The May {year} OEWS release has no {old} area ({default[2:]}); under the "
                    f"OMB {vintage} delineation {name} County is part of the {new} metro area "
                    f"({later[2:]}), which stands in for it.")
        else:
            note = (f"From the May {year} OEWS release {name} County belongs to the {new} metro "
                    f"area ({later[2:]}) under the OMB {vintage} delineation, no longer to "
                    f"{old} ({default[2:]}).")
        out[str(year)] = {"code": later, "stand_in": note}
    return out


def draft(name: str, county_codes: list[str], slug: str | None = None) -> Draft:
    """A validated region file's content for ``county_codes`` (five-digit FIPS)."""
    codes = [c.strip() for c in county_codes if c.strip()]
    bad = [c for c in codes if not re.fullmatch(r"\d{5}", c)]
    if bad:
        raise RegionNewError(f"county codes must be five-digit FIPS (state + county): {bad}")
    if len(set(codes)) != len(codes):
        raise RegionNewError(f"a county is listed twice: {codes}")
    table = counties_table()
    unknown = [c for c in codes if c not in table]
    if unknown:
        raise RegionNewError(f"not in the bundled county table ({paths.LOOKUPS_DIR.name}/"
                             f"counties.csv, Census Vintage 2024): {unknown}")
    states = sorted({c[:2] for c in codes})
    if len(states) > 1:
        raise RegionNewError(f"counties from several states {states}: a region file has one "
                             "state benchmark, so make one file per state")
    rows = [table[c] for c in codes]
    state_fips, state_name = rows[0]["state_fips"], rows[0]["state"]
    state_oews = state_fips + "00000"
    defaults = _defaults()
    notes: list[str] = []
    counties = []
    in_ca = state_fips == CALIFORNIA_FIPS
    for row in rows:
        county: dict = {"fips": row["county_fips"], "name": row["county"]}
        cbsa = row[f"cbsa_{QCEW_DELINEATION}"]
        if cbsa:
            county["cbsa"] = cbsa
            county["qcew_msa"] = "C" + cbsa[:4]
        else:
            notes.append(f"{row['county']} County is in no CBSA (OMB {QCEW_DELINEATION}): it "
                         "has no QCEW metro code; county files serve it.")
        if in_ca:
            edd = edd_table().get(row["county_fips"], {})
            if edd.get("edd_area"):
                county["edd_area"] = edd["edd_area"]
            else:
                notes.append(f"EDD publishes {row['county']} County only inside a multi-county "
                             f"region file ({edd.get('projections_file', 'unknown')}), which "
                             "the EDD sources do not read: it has no EDD area.")
        county["oews"] = _oews(row, notes, state_oews)
        counties.append(county)
    state = {"fips": state_fips, "abbr": _abbr(state_fips), "name": state_name}
    bench_state = {"name": state_name, "qcew": state_fips + "000", "oews": state_oews}
    if in_ca:
        bench_state["edd_area"] = EDD_STATE_AREA
    data = {
        "name": name,
        "slug": slug or slugify(name),
        "state": state,
        "counties": counties,
        "benchmarks": {"state": bench_state, "nation": dict(NATION)},
        **defaults,
    }
    if not in_ca:
        notes.append(f"EDD's sources (edd_ces, edd_projections) cover California only and do not "
                     f"apply to {state_name}: their sections say so and are left out.")
    if state["abbr"] is None:
        raise RegionNewError(f"no postal abbreviation known for state {state_fips}")
    d = Draft(data, notes)
    d.region()  # validate before anything is written
    return d


def slug_taken(slug: str, out: Path) -> Path | None:
    """Another region file beside ``out`` (or in config/regions/) with the same slug."""
    folders = {out.resolve().parent, paths.REGIONS_DIR.resolve()}
    for folder in folders:
        for other in sorted(folder.glob("*.yml")):
            if other.resolve() == out.resolve():
                continue
            try:
                raw = yaml.safe_load(other.read_text(encoding="utf-8"))
            except (OSError, yaml.YAMLError):
                continue
            if isinstance(raw, dict) and raw.get("slug") == slug:
                return other
    return None


def render(d: Draft, counties: list[str]) -> str:
    head = (f"# {d.data['name']}: written by `assessment region new --counties "
            f"{','.join(counties)}` from the lookup tables in src/assessment/lookups/ (see its "
            "README for sources and vintages).\n"
            "# Validated on load by assessment.region.Region; edit by hand as needed.\n")
    if d.notes:
        head += "# Check by hand:\n" + "".join(f"#  - {n}\n" for n in d.notes)
    body = yaml.dump(d.data, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=96,
                     default_flow_style=None)
    return head + body


class _Dumper(yaml.SafeDumper):
    """Codes (``06019``, ``0023420``, ``31-33``) are written quoted, so no YAML reader takes
    them for numbers."""


def _str(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    style = '"' if re.fullmatch(r"[0-9][0-9-]*", value) else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_Dumper.add_representer(str, _str)


def write(d: Draft, counties: list[str], out: Path) -> Path:
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(render(d, counties), encoding="utf-8")
    return out


_ABBR = {
    "01": "AL", "02": "AK", "04": "AZ", "05": "AR", "06": "CA", "08": "CO", "09": "CT",
    "10": "DE", "11": "DC", "12": "FL", "13": "GA", "15": "HI", "16": "ID", "17": "IL",
    "18": "IN", "19": "IA", "20": "KS", "21": "KY", "22": "LA", "23": "ME", "24": "MD",
    "25": "MA", "26": "MI", "27": "MN", "28": "MS", "29": "MO", "30": "MT", "31": "NE",
    "32": "NV", "33": "NH", "34": "NJ", "35": "NM", "36": "NY", "37": "NC", "38": "ND",
    "39": "OH", "40": "OK", "41": "OR", "42": "PA", "44": "RI", "45": "SC", "46": "SD",
    "47": "TN", "48": "TX", "49": "UT", "50": "VT", "51": "VA", "53": "WA", "54": "WV",
    "55": "WI", "56": "WY", "72": "PR",
}  # USPS state abbreviations by FIPS state code (FIPS 5-2)


def _abbr(state_fips: str) -> str | None:
    return _ABBR.get(state_fips)
