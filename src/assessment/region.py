"""The region a run describes, loaded from a YAML file and validated on load.

A notebook receives the region file's path as a papermill parameter and calls
:func:`load_region`; nothing else reads the YAML.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Annotated

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from assessment import paths

CALIFORNIA_FIPS = "06"
CountyFips = Annotated[str, Field(pattern=r"^\d{5}$", description="5-digit state+county FIPS")]
OewsArea = Annotated[str, Field(pattern=r"^\d{7}$", description="7-digit OEWS area code")]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class OewsAreaChoice(_Strict):
    code: OewsArea
    stand_in: str | None = None


class County(_Strict):
    fips: CountyFips
    name: str
    # The metro (or micropolitan) area the county belongs to; none for a county outside every
    # CBSA, which then has no QCEW metro code either.
    cbsa: str | None = Field(default=None, pattern=r"^\d{5}$")
    qcew_msa: str | None = Field(default=None, pattern=r"^C\d{4}$")
    edd_area: str | None = None
    oews: dict[str, OewsArea | OewsAreaChoice]

    @field_validator("qcew_msa")
    @classmethod
    def _qcew_msa_matches_cbsa(cls, v: str | None, info) -> str | None:
        cbsa = info.data.get("cbsa")
        if v is not None and not cbsa:
            raise ValueError("a QCEW metro code needs the county's CBSA")
        if cbsa and v != "C" + cbsa[:4]:
            raise ValueError(f"QCEW metro code must be 'C' + the first four CBSA digits ({cbsa})")
        return v

    @field_validator("oews")
    @classmethod
    def _oews_has_default(cls, v: dict) -> dict:
        if "default" not in v:
            raise ValueError("needs a 'default' OEWS area code")
        bad = [k for k in v if k != "default" and not re.fullmatch(r"\d{4}", k)]
        if bad:
            raise ValueError(f"keys must be 'default' or a release year, not {bad}")
        return v

    def oews_area(self, year: int) -> OewsAreaChoice:
        """The OEWS area standing for this county in the May ``year`` release."""
        choice = self.oews.get(str(year), self.oews["default"])
        return choice if isinstance(choice, OewsAreaChoice) else OewsAreaChoice(code=choice)


class Benchmark(_Strict):
    name: str
    qcew: str
    oews: OewsArea
    edd_area: str | None = None


class Benchmarks(_Strict):
    state: Benchmark
    nation: Benchmark


class State(_Strict):
    fips: str = Field(pattern=r"^\d{2}$")
    abbr: str = Field(pattern=r"^[A-Z]{2}$")
    name: str


class Industry(_Strict):
    sector: str = Field(pattern=r"^\d{2}(-\d{2})?$")
    title: str
    subsectors: list[Annotated[str, Field(pattern=r"^\d{3}$")]]


class Years(_Strict):
    start: int = Field(ge=1990, le=2100)
    end: int = Field(ge=1990, le=2100)
    oews: int = Field(ge=1990, le=2100)
    acs: int = Field(ge=2009, le=2100)

    @model_validator(mode="after")
    def _ordered(self) -> Years:
        if self.start >= self.end:
            raise ValueError(f"start ({self.start}) must be before end ({self.end})")
        return self

    @property
    def span(self) -> list[int]:
        return list(range(self.start, self.end + 1))


class Surveys(_Strict):
    employer: str
    union: str


class JobQuality(_Strict):
    family_sustaining_annual: float = Field(gt=0)
    basis: str

    @property
    def family_sustaining_hourly(self) -> float:
        return self.family_sustaining_annual / 2080


class Disclosure(_Strict):
    min_respondents: int = Field(ge=1)
    max_share: float = Field(gt=0, le=1)


class Screening(_Strict):
    """Which releases of the disadvantaged-community screening tools the region uses.

    ``calenviroscreen``: the OEHHA CalEnviroScreen version whose results are read (4.0, October
    2021; a 5.0 draft on 2020 tracts went out for comment in January 2026 and is not used
    until OEHHA finalises it and CalEPA designates from it). ``sb535``: the year of CalEPA's
    SB 535 designation (2022, made from CalEnviroScreen 4.0). ``cejst_mirror``: which public
    mirror of the federal CEJST 1.0 files to download (the federal site is offline since
    January 2025; :data:`assessment.sources.cejst.MIRRORS` lists them).
    """

    calenviroscreen: str = Field("4.0", pattern=r"^\d\.\d$")
    sb535: int = Field(2022, ge=2014, le=2100)
    cejst_version: str = Field("1.0", pattern=r"^\d\.\d$")
    cejst_mirror: str = "wayback"


class Sources(_Strict):
    """Which public sources this region uses. Every registered source applies unless it is
    listed under ``exclude`` here or its module's ``applies(region)`` says it does not cover
    the region (the California-only EDD files outside California)."""

    exclude: list[str] = Field(default_factory=list)

    @field_validator("exclude")
    @classmethod
    def _known(cls, v: list[str]) -> list[str]:
        from assessment.sources import SOURCES

        unknown = [name for name in v if name not in SOURCES]
        if unknown:
            raise ValueError(f"unknown source(s) {unknown}; known: {', '.join(sorted(SOURCES))}")
        return v


class Region(_Strict):
    name: str
    slug: str = Field(pattern=r"^[a-z0-9]+(-[a-z0-9]+)*$")
    state: State
    counties: list[County] = Field(min_length=1)
    benchmarks: Benchmarks
    industry: Industry
    years: Years
    surveys: Surveys
    job_quality: JobQuality
    disclosure: Disclosure
    screening: Screening = Screening()
    sources: Sources = Field(default_factory=Sources)
    # Optional: host -> base URL of an internal mirror of that agency host's files
    # (``data.bls.gov: https://mirror.example.org/bls``); the environment's
    # ASSESSMENT_MIRROR_<HOST> / ASSESSMENT_MIRRORS override it (see assessment.download).
    mirrors: dict[str, str] = Field(default_factory=dict)

    @field_validator("mirrors")
    @classmethod
    def _mirrors_are_hosts_and_urls(cls, v: dict[str, str]) -> dict[str, str]:
        for host, base in v.items():
            if not re.fullmatch(r"[a-z0-9.-]+", host):
                raise ValueError(f"{host!r} is not a host name (e.g. data.bls.gov)")
            if not re.match(r"https?://[^/]+", base):
                raise ValueError(f"the mirror for {host} ({base!r}) is not an http(s) URL")
        return v

    @model_validator(mode="after")
    def _counties_unique_and_in_state(self) -> Region:
        fips = [c.fips for c in self.counties]
        dupes = sorted({f for f in fips if fips.count(f) > 1})
        if dupes:
            raise ValueError(f"counties listed twice: {dupes}")
        outside = [f for f in fips if not f.startswith(self.state.fips)]
        if outside:
            raise ValueError(f"counties outside state {self.state.fips}: {outside}")
        return self

    @property
    def county_fips(self) -> list[str]:
        return [c.fips for c in self.counties]

    def county(self, fips: str) -> County:
        for c in self.counties:
            if c.fips == fips:
                return c
        raise KeyError(f"county {fips} is not in region {self.slug}")

    @property
    def in_california(self) -> bool:
        return self.state.fips == CALIFORNIA_FIPS

    @property
    def county_names(self) -> dict[str, str]:
        return {c.fips: c.name for c in self.counties}

    @property
    def qcew_areas(self) -> list[str]:
        """Counties, then the state and nation benchmarks."""
        return self.county_fips + [self.benchmarks.state.qcew, self.benchmarks.nation.qcew]

    def oews_areas(self, year: int | None = None) -> dict[str, OewsAreaChoice]:
        """County FIPS -> the OEWS area standing for it in the ``year`` release."""
        year = year or self.years.oews
        return {c.fips: c.oews_area(year) for c in self.counties}


class RegionError(ValueError):
    """The region file is unreadable or breaks a rule; the message names key and rule."""


def load_region(path: str | Path = paths.DEFAULT_REGION) -> Region:
    """Load and validate a region file; a relative path is taken from the project root."""
    path = Path(path)
    if not path.is_absolute() and not path.exists():
        path = paths.ROOT / path
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise RegionError(f"{path}: region file not found") from None
    except yaml.YAMLError as exc:
        raise RegionError(f"{path}: not valid YAML: {exc}") from None
    if not isinstance(raw, dict):
        raise RegionError(f"{path}: expected a mapping of keys at the top level")
    try:
        return Region.model_validate(raw)
    except ValidationError as exc:
        lines = []
        for err in exc.errors():
            loc = ".".join(str(p) for p in err["loc"])
            lines.append(f"  {loc or '(top level)'}: {err['msg']}")
        raise RegionError(f"{path}: invalid region file\n" + "\n".join(lines)) from None
