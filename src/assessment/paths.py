"""Every path the project uses, derived from one root.

No other module joins path strings by hand: ask this module. The root is the folder holding
``pyproject.toml`` (found once, from this file's location) unless ``ASSESSMENT_ROOT`` says
otherwise, which tests use to build into a temporary folder.
"""

from __future__ import annotations

import os
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
SURVEY_CODELISTS_DIR = PACKAGE_DIR / "survey" / "codelists"  # NAICS 2022, SOC 2018 (package data)


class Mode(StrEnum):
    """Real data in ``data/raw``, or the synthetic sample bundle in ``data/sample``."""

    REAL = "real"
    SAMPLE = "sample"


@dataclass(frozen=True)
class DataDirs:
    """Where one mode's data lives: raw (immutable inputs) and processed (derived)."""

    mode: Mode
    raw: Path
    processed: Path

    @property
    def surveys(self) -> Path:
        """Survey exports: confidential, git-ignored, never copied elsewhere."""
        return self.raw / "surveys"

    @property
    def quarantine(self) -> Path:
        """Rows refused on ingestion, with reasons; as confidential as the raw exports."""
        return self.surveys / "quarantine"

    def source_dir(self, agency: str, dataset: str) -> Path:
        """``raw/<agency>/<dataset>``: where one public dataset's files land."""
        return self.raw / agency / dataset

    def processed_file(self, name: str) -> Path:
        return self.processed / f"{name}.parquet"


def data_dirs(mode: Mode | str = Mode.REAL) -> DataDirs:
    mode = Mode(mode)
    if mode is Mode.REAL:
        return DataDirs(mode, DATA_DIR / "raw", DATA_DIR / "processed")
    return DataDirs(mode, DATA_DIR / "sample" / "raw", DATA_DIR / "sample" / "processed")


@dataclass(frozen=True)
class ReportPaths:
    """Outputs of one report build."""

    mode: Mode

    @property
    def executed_dir(self) -> Path:
        return REPORTS_DIR / "executed" / self.mode.value

    @property
    def stem(self) -> str:
        return "needs-assessment" if self.mode is Mode.REAL else "needs-assessment-sample"

    @property
    def pdf(self) -> Path:
        return REPORTS_DIR / f"{self.stem}.pdf"

    @property
    def html(self) -> Path:
        return REPORTS_DIR / f"{self.stem}.html"

    @property
    def xlsx(self) -> Path:
        return REPORTS_DIR / f"{self.stem}.xlsx"

    def executed(self, notebook: Path) -> Path:
        return self.executed_dir / notebook.name


def report_paths(mode: Mode | str) -> ReportPaths:
    return ReportPaths(Mode(mode))


def notebooks() -> list[Path]:
    """The report's notebooks, in order (``NN-name.ipynb``)."""
    return sorted(NOTEBOOKS_DIR.glob("[0-9][0-9]-*.ipynb"))
