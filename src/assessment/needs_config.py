"""The two files the needs chapter reads besides the data: the rules (``config/needs.yml``) and
the partnership's recommendations (``config/recommendations/<slug>.yml``; a sample bundle
carries its own).

Both are validated on load (pydantic). A fault stops the build with the file and the key named
(``config/needs.yml: rules.training-gap.thresholds.max_coverage: missing``), never with a
traceback from deep inside a rule.
"""

from __future__ import annotations

import re
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from assessment import paths

HEADINGS = ("industry", "workforce", "regional", "training", "job quality")
HEADING_TITLES = {"industry": "Industry needs", "workforce": "Workforce needs",
                  "regional": "Regional needs", "training": "Training needs",
                  "job quality": "Job-quality needs"}


class NeedsConfigError(ValueError):
    """A rules or recommendations file that cannot be used, with the file and key named."""


class Action(StrEnum):
    """The five actions of a labor-management partnership, in the order the chapter prints."""

    SECTOR_TABLE = "sector-table"
    TRAINING = "training-and-apprenticeship"
    BARRIERS = "barriers-and-outcomes"
    UNION = "union-choice"
    GOOD_JOBS = "good-jobs"


ACTION_TITLES = {
    Action.SECTOR_TABLE: "The sector table",
    Action.TRAINING: "Demand-driven training and registered apprenticeship design",
    Action.BARRIERS: "Lowering barriers and tracking disaggregated outcomes",
    Action.UNION: "Free and fair choice to join a union",
    Action.GOOD_JOBS: "Good jobs",
}


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Setting(_Strict):
    """A value the partnership chose, and why."""

    value: float
    why: Annotated[str, Field(min_length=10)]


class Rule(_Strict):
    heading: Literal["industry", "workforce", "regional", "training", "job quality"]
    title: Annotated[str, Field(min_length=3)]
    enabled: bool = True
    top_n: Setting | None = None
    thresholds: dict[str, Setting] = Field(default_factory=dict)

    @field_validator("top_n")
    @classmethod
    def _whole(cls, v: Setting | None) -> Setting | None:
        if v is not None and (v.value < 1 or not float(v.value).is_integer()):
            raise ValueError("top_n must be a whole number of at least 1")
        return v

    def value(self, key: str) -> float:
        return self.thresholds[key].value


class Evidence(_Strict):
    weak_min_respondents: Setting
    weak_share_ci_points: Setting
    weak_total_ci_ratio: Setting
    survey_corroborates_share: Setting


class NeedsRules(_Strict):
    version: Literal[1]
    top_needs: Setting
    evidence: Evidence
    rules: dict[str, Rule]


# Each rule the code knows, with the thresholds it reads (sections/needs.py implements them).
RULE_THRESHOLDS: dict[str, tuple[str, ...]] = {
    "industry-hiring": ("min_openings_a_year", "min_survey_hires_3y"),
    "industry-hard-to-fill": ("min_share", "max_coverage"),
    "industry-retirements": ("min_share_55_plus", "min_retiring_share_5y"),
    "industry-skill-gaps": ("min_share",),
    "workforce-under-represented": ("max_ratio", "min_group_share"),
    "workforce-barriers": ("min_share",),
    "regional-employment": ("min_difference_points",),
    "regional-access": ("max_ratio",),
    "regional-transport": ("min_difference_points",),
    "regional-language": ("min_difference_points",),
    "regional-education": ("min_difference_points",),
    "regional-childcare": ("min_share",),
    "training-gap": ("max_coverage", "min_gap_a_year"),
    "jobquality-entry-pay": ("max_ratio",),
    "jobquality-benefits": ("max_share_offering",),
}


def _where(loc: tuple) -> str:
    return ".".join(str(p) for p in loc) or "(top level)"


def _read_yaml(path: Path) -> object:
    if not path.exists():
        raise NeedsConfigError(f"{path}: file not found")
    try:
        return yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise NeedsConfigError(f"{path}: not valid YAML: {exc}") from None


def _validated(model: type[BaseModel], data: object, path: Path):
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        lines = [f"{path}: {_where(e['loc'])}: {e['msg']}" for e in exc.errors()]
        raise NeedsConfigError("\n".join(lines)) from None


def load_rules(path: Path | None = None) -> NeedsRules:
    """``config/needs.yml`` as a validated model: every rule the code implements present, with
    exactly the thresholds it reads."""
    path = Path(path or paths.NEEDS_RULES)
    rules: NeedsRules = _validated(NeedsRules, _read_yaml(path), path)
    problems = []
    for rid in rules.rules:
        if rid not in RULE_THRESHOLDS:
            problems.append(f"{path}: rules.{rid}: unknown rule (known: "
                            + ", ".join(RULE_THRESHOLDS) + ")")
    for rid, keys in RULE_THRESHOLDS.items():
        rule = rules.rules.get(rid)
        if rule is None:
            problems.append(f"{path}: rules.{rid}: missing")
            continue
        for key in keys:
            if key not in rule.thresholds:
                problems.append(f"{path}: rules.{rid}.thresholds.{key}: missing")
        for key in rule.thresholds:
            if key not in keys:
                problems.append(f"{path}: rules.{rid}.thresholds.{key}: unknown threshold "
                                f"(the rule reads {', '.join(keys)})")
    if problems:
        raise NeedsConfigError("\n".join(problems))
    return rules


# --- recommendations ---------------------------------------------------------------------------

NEED_ID = re.compile(r"(?P<rule>[a-z]+(-[a-z0-9]+)+)(:(?P<subject>[A-Za-z0-9_.-]+))?")


class Recommendation(_Strict):
    id: Annotated[str, Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9_-]*$")]
    action: Action
    text: Annotated[str, Field(min_length=20)]
    needs: Annotated[list[str], Field(min_length=1)]

    @field_validator("needs")
    @classmethod
    def _need_ids(cls, v: list[str]) -> list[str]:
        bad = [n for n in v if not NEED_ID.fullmatch(n)]
        if bad:
            raise ValueError(f"not a need id: {', '.join(bad)} (a rule id such as "
                             "training-gap, or rule:subject such as training-gap:51-4041)")
        return v


class Recommendations(_Strict):
    region: str
    status: Literal["draft", "reviewed", "sample"]
    note: Annotated[str, Field(min_length=10)]
    recommendations: Annotated[list[Recommendation], Field(min_length=1)]


def load_recommendations(path: Path, slug: str | None = None,
                         rule_ids: set[str] | None = None) -> Recommendations:
    """A recommendations file, validated: its region is ``slug``, ids are unique, and every
    need it names belongs to a rule of ``config/needs.yml`` (``rule_ids``)."""
    path = Path(path)
    recs: Recommendations = _validated(Recommendations, _read_yaml(path), path)
    problems = []
    if slug is not None and recs.region != slug:
        problems.append(f"{path}: region: {recs.region!r} is not this region ({slug!r})")
    seen: set[str] = set()
    for i, r in enumerate(recs.recommendations):
        if r.id in seen:
            problems.append(f"{path}: recommendations.{i}.id: {r.id!r} used twice")
        seen.add(r.id)
        if rule_ids is not None:
            for j, need in enumerate(r.needs):
                rule = NEED_ID.fullmatch(need)["rule"]
                if rule not in rule_ids:
                    problems.append(f"{path}: recommendations.{i}.needs.{j}: {need!r} names no "
                                    "rule of config/needs.yml")
    if problems:
        raise NeedsConfigError("\n".join(problems))
    return recs
