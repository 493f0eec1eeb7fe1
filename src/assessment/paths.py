"""Every path the project uses, derived from one root.

No other module joins path strings by hand: ask this module. The root is the folder holding
``pyproject.toml`` (found once, from this file's location) unless ``ASSESSMENT_ROOT`` says
otherwise, which tests use to build into a temporary folder.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path


def _find_root() -> Path:
    env = os.environ.get("ASSESSMENT_ROOT")
    if env:
        return Path(env).resolve()
    here = Path(__file__).resolve()
    for parent in here.parents:
        if (parent / "pyproject.toml").exists() and (parent / "src" / "assessment").is_dir():
            return parent
    # Installed non-editable: fall back to the working directory.
    return Path.cwd().resolve()


ROOT = _find_root()
CONFIG_DIR = ROOT / "config"
REGIONS_DIR = CONFIG_DIR / "regions"
DEFAULT_REGION = REGIONS_DIR / "san-joaquin-valley.yml"
NOTEBOOKS_DIR = ROOT / "notebooks"
REPORTS_DIR = ROOT / "reports"
DATA_DIR = ROOT / "data"
PACKAGE_DIR = Path(__file__).resolve().parent
TEMPLATES_DIR = PACKAGE_DIR / "report_templates"
SURVEY_CODEBOOKS_DIR = CONFIG_DIR / "surveys"
APPRENTICESHIP_CODEBOOK = CONFIG_DIR / "apprenticeship" / "registered_programs.yml"
NEEDS_RULES = CONFIG_DIR / "needs.yml"  # the rules that turn figures into needs (editable)
RECOMMENDATIONS_DIR = CONFIG_DIR / "recommendations"  # the partnership's, one file per region
SURVEY_CODELISTS_DIR = PACKAGE_DIR / "survey" / "codelists"  # NAICS 2022, SOC 2018 (package data)
LOOKUPS_DIR = PACKAGE_DIR / "lookups"  # county, CBSA and EDD area tables for `region new`


class Mode(StrEnum):
    """Real data in ``data/raw``, or the synthetic sample bundle in ``data/sample``."""

    REAL = "real"
    SAMPLE = "sample"


def slug_of(region_or_slug: object) -> str:
    """The region's slug, from a :class:`~assessment.region.Region` (anything with ``.slug``)
    or the slug itself. Every per-region path is keyed by it."""
    slug = getattr(region_or_slug, "slug", region_or_slug)
    if not isinstance(slug, str) or not _SLUG.fullmatch(slug):
        raise ValueError(f"not a region slug: {slug!r} (lowercase letters, digits and '-')")
    return slug


_SLUG = re.compile(r"[a-z0-9]+(-[a-z0-9]+)*")


@dataclass(frozen=True)
class DataDirs:
    """Where one region's data lives in one mode: raw (immutable inputs) and processed
    (derived). In real mode the agencies' files are shared by every region (one national or
    state file serves them all) while survey exports and processed tables are the region's
    own; in sample mode everything is the region's own."""

    mode: Mode
    raw: Path
    processed: Path
    slug: str | None = None

    @property
    def surveys(self) -> Path:
        """Survey exports: confidential, git-ignored, never copied elsewhere. Real mode keeps
        each region's under ``data/raw/surveys/<slug>/``; a sample bundle is one region's."""
        if self.mode is Mode.REAL and self.slug:
            return self.raw / "surveys" / self.slug
        return self.raw / "surveys"

    @property
    def partnership(self) -> Path:
        """Tables the partnership keeps by hand (the registered apprenticeship programs): its
        own, so per region in real mode like the survey exports."""
        if self.mode is Mode.REAL and self.slug:
            return self.raw / "partnership" / self.slug
        return self.raw / "partnership"

    @property
    def quarantine(self) -> Path:
        """Rows refused on ingestion, with reasons; as confidential as the raw exports."""
        return self.surveys / "quarantine"

    @property
    def recommendations(self) -> Path:
        """The partnership's recommendations for the region: a reviewed file under
        ``config/recommendations/<slug>.yml`` in real mode; in sample mode the sample bundle's
        own (``raw/partnership/recommendations.yml``, written by the sample generator and
        marked as sample), so a sample report never prints a region's real draft as if the
        synthetic data supported it."""
        if self.mode is Mode.REAL:
            return RECOMMENDATIONS_DIR / f"{self.slug}.yml"
        return self.partnership / "recommendations.yml"

    def source_dir(self, agency: str, dataset: str) -> Path:
        """``raw/<agency>/<dataset>``: where one public dataset's files land."""
        return self.raw / agency / dataset

    def processed_file(self, name: str) -> Path:
        return self.processed / f"{name}.parquet"


def data_dirs(mode: Mode | str, region_or_slug: object) -> DataDirs:
    """``real``: ``data/raw`` (shared) and ``data/processed/<slug>``; ``sample``:
    ``data/sample/<slug>/{raw,processed}``."""
    mode = Mode(mode)
    slug = slug_of(region_or_slug)
    if mode is Mode.REAL:
        return DataDirs(mode, DATA_DIR / "raw", DATA_DIR / "processed" / slug, slug)
    base = DATA_DIR / "sample" / slug
    return DataDirs(mode, base / "raw", base / "processed", slug)


@dataclass(frozen=True)
class ReportPaths:
    """Outputs of one region's report build in one mode: executed notebooks under
    ``reports/executed/<slug>/<mode>/`` and the report under ``reports/<slug>/``."""

    mode: Mode
    slug: str

    @property
    def executed_dir(self) -> Path:
        return REPORTS_DIR / "executed" / self.slug / self.mode.value

    @property
    def out_dir(self) -> Path:
        return REPORTS_DIR / self.slug

    @property
    def stem(self) -> str:
        return "needs-assessment" if self.mode is Mode.REAL else "needs-assessment-sample"

    @property
    def pdf(self) -> Path:
        return self.out_dir / f"{self.stem}.pdf"

    @property
    def html(self) -> Path:
        return self.out_dir / f"{self.stem}.html"

    @property
    def xlsx(self) -> Path:
        return self.out_dir / f"{self.stem}.xlsx"

    @property
    def brief(self) -> Path:
        """The council brief: 4-6 pages of needs, priority occupations and recommendations."""
        suffix = "" if self.mode is Mode.REAL else "-sample"
        return self.out_dir / f"needs-assessment-brief{suffix}.pdf"

    def executed(self, notebook: Path) -> Path:
        return self.executed_dir / notebook.name


def report_paths(mode: Mode | str, region_or_slug: object) -> ReportPaths:
    return ReportPaths(Mode(mode), slug_of(region_or_slug))


def notebooks() -> list[Path]:
    """The report's notebooks, in order (``NN-name.ipynb``)."""
    return sorted(NOTEBOOKS_DIR.glob("[0-9][0-9]-*.ipynb"))
