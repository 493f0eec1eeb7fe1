"""Survey codebooks (``config/surveys/<survey>.yml``) and the official code lists.

A codebook lists every variable a survey asks: question text, type, allowed answers, whether
an answer is required, whether it is confidential, and the processed column it becomes. The
Excel template, the data dictionary, header matching and validation are all derived from it,
so they cannot drift apart.

Repeated question blocks (one entry per occupation, per training program) are exported wide,
one column per entry and variable (``occ1_soc``, ``occ1_headcount``, ... ``occ10_soc``), and
kept long, one row per respondent and entry, in the block's own table.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Literal

import pandas as pd
import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from assessment import paths
from assessment.region import Region

SURVEYS = ("employer", "union")
PLATFORMS_FILE = "platforms.yml"
CODELISTS_DIR = paths.SURVEY_CODELISTS_DIR
COUNTIES = "counties"  # a code list filled from the region file

VarType = Literal["single", "multi", "rating", "boolean", "integer", "number", "naics", "soc",
                  "text", "contact"]
ANSWER_TYPES = ("single", "multi", "rating", "boolean", "integer", "number", "naics", "soc")


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Option(_Strict):
    code: str
    label: str
    recode: int | None = None  # the number a platform exports for this choice
    aliases: tuple[str, ...] = ()
    missing: bool = False  # e.g. "Not applicable": an answer that means no value


class Variable(_Strict):
    name: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    question: str
    type: VarType
    section: str | None = None
    required: bool = False
    confidential: bool = False
    options: tuple[Option, ...] | None = None
    codes: str | None = None  # a named code list instead of options
    min: float | None = None
    max: float | None = None
    output: str | None = None
    other_of: str | None = None  # "variable.option" whose "please specify" text this holds
    aliases: tuple[str, ...] = ()
    help: str | None = None

    @model_validator(mode="after")
    def _consistent(self) -> Variable:
        choice = self.type in ("single", "multi", "rating")
        if choice and not (self.options or self.codes):
            raise ValueError(f"{self.name}: a {self.type} variable needs options or codes")
        if not choice and (self.options or self.codes):
            raise ValueError(f"{self.name}: only single, multi and rating take options")
        if self.type == "contact" and not self.confidential:
            raise ValueError(f"{self.name}: contact fields must be confidential")
        if self.type == "text" and not self.confidential:
            raise ValueError(f"{self.name}: free text must be confidential (only 'given' is kept)")
        if self.type == "contact" and self.output:
            raise ValueError(f"{self.name}: contact fields are never kept (no output)")
        if self.type not in ("contact",) and not self.output:
            raise ValueError(f"{self.name}: needs an output column")
        return self


class Block(_Strict):
    name: str
    section: str
    prefix: str = Field(pattern=r"^[a-z]+$")
    repeats: int = Field(ge=1, le=50)
    table: str = Field(pattern=r"^survey_[a-z_]+$")
    question_prefix: str
    key: str
    variables: tuple[Variable, ...]

    @model_validator(mode="after")
    def _key_is_required(self) -> Block:
        keys = [v for v in self.variables if v.name == self.key]
        if not keys or not keys[0].required:
            raise ValueError(f"block {self.name}: key {self.key!r} must be a required variable")
        return self


RULE_MESSAGES = {  # default messages; {left}, {right}: headers; {left_value}, {right_value}
    "le": "must not exceed {right} ({right_value})",
    "sum_le": "less than the sum of {block} {variable} ({total})",
    "only_if": "given although {right} is {right_value}",
}


class Rule(_Strict):
    """A check across answers, named so a problem report can point at it.

    ``le``: left must not exceed right (both top-level, or both in one block entry);
    ``sum_le``: a block variable summed over entries must not exceed a top-level one;
    ``only_if``: left may be given (not blank, not 0, not no) only when right equals ``equals``.
    """

    name: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    kind: Literal["le", "sum_le", "only_if"]
    left: str  # "variable" or "block.variable"
    right: str
    equals: str | bool | int | None = None  # only_if: the value right must have
    message: str | None = None

    @model_validator(mode="after")
    def _equals(self) -> Rule:
        if (self.kind == "only_if") != (self.equals is not None):
            raise ValueError(f"rule {self.name}: 'equals' goes with kind only_if, and only there")
        return self

    def text(self, **values: object) -> str:
        return (self.message or RULE_MESSAGES[self.kind]).format(**values)


class Codebook(_Strict):
    survey: str
    title: str
    unit: str
    id_prefix: str = Field(pattern=r"^[A-Z]$")
    version: str
    respondent_table: str = Field(pattern=r"^survey_[a-z_]+$")
    identity: tuple[str, ...] = ()
    code_lists: dict[str, tuple[Option, ...]] = {}
    variables: tuple[Variable, ...]
    blocks: tuple[Block, ...] = ()
    rules: tuple[Rule, ...] = ()

    @model_validator(mode="after")
    def _references(self) -> Codebook:
        names = [v.name for v in self.variables]
        dupes = sorted({n for n in names if names.count(n) > 1})
        if dupes:
            raise ValueError(f"variables listed twice: {dupes}")
        for v in self.all_variables():
            if v.codes and v.codes != COUNTIES and v.codes not in self.code_lists:
                raise ValueError(f"{v.name}: unknown code list {v.codes!r}")
        for v in self.variables:
            if v.other_of:
                parent, _, code = v.other_of.partition(".")
                if parent not in names:
                    raise ValueError(f"{v.name}: other_of names unknown variable {parent!r}")
                if code not in {o.code for o in self._static_options(self.variable(parent))}:
                    raise ValueError(f"{v.name}: {parent} has no option {code!r}")
        for ident in self.identity:
            if ident not in names:
                raise ValueError(f"identity names unknown variable {ident!r}")
        rule_names = [r.name for r in self.rules]
        if len(rule_names) != len(set(rule_names)):
            raise ValueError("two rules share a name")
        top = set(names)
        blocks = {b.name: {v.name for v in b.variables} for b in self.blocks}
        for r in self.rules:
            for side in (r.left, r.right):
                block, _, var = side.rpartition(".")
                known = blocks.get(block, set()) if block else top
                if var not in known:
                    raise ValueError(f"rule {r.name}: {side!r} names no variable")
        outputs = [o for v in self.variables if v.output and v.type != "multi"
                   for o in [v.output]]
        if len(outputs) != len(set(outputs)):
            raise ValueError("two variables share an output column")
        return self

    # --- lookups ------------------------------------------------------------------------

    def all_variables(self):
        yield from self.variables
        for b in self.blocks:
            yield from b.variables

    def variable(self, name: str) -> Variable:
        for v in self.variables:
            if v.name == name:
                return v
        raise KeyError(name)

    def block(self, name: str) -> Block:
        for b in self.blocks:
            if b.name == name:
                return b
        raise KeyError(name)

    def _static_options(self, var: Variable) -> tuple[Option, ...]:
        if var.options:
            return var.options
        if var.codes and var.codes != COUNTIES:
            return self.code_lists[var.codes]
        return ()

    def options(self, var: Variable, region: Region | None = None) -> tuple[Option, ...]:
        """The allowed answers of a choice variable (counties come from the region file)."""
        if var.codes == COUNTIES:
            if region is None:
                raise ValueError(f"{var.name}: county options need a region")
            return county_options(region)
        return self._static_options(var)

    def fields(self) -> list[SurveyField]:
        """Every variable as it appears in a wide export, in questionnaire order."""
        out = [SurveyField(v.name, v, None, None, v.question) for v in self.variables]
        for b in self.blocks:
            for n in range(1, b.repeats + 1):
                for v in b.variables:
                    out.append(SurveyField(f"{b.prefix}{n}_{v.name}", v, b, n,
                                           b.question_prefix.format(n=n) + v.question))
        return out


@dataclass(frozen=True)
class SurveyField:
    """One variable in a wide export: a top-level variable, or one block entry's."""

    name: str  # "county", "occ3_soc"
    var: Variable
    block: Block | None
    n: int | None
    question: str


class Platform(_Strict):
    name: str
    aliases: tuple[str, ...] = ()
    role: Literal["id", "submitted", "status", "finished", "progress", "channel", "ignore"]
    confidential: bool = False


class Platforms(_Strict):
    columns: tuple[Platform, ...]
    excluded_status: tuple[str, ...] = ()
    excluded_channels: tuple[str, ...] = ()


class CodebookError(ValueError):
    """A codebook or column map is unreadable or breaks a rule; the message names the key."""


class ColumnMapError(CodebookError):
    """A column map is wrong (a target the codebook lacks, a code that is no code): the map's
    fault, not the data's. The message names the map file and each key at fault."""

    def __init__(self, path: object, errors: list[str]):
        self.path = str(path)
        self.errors = list(errors)
        super().__init__(f"{path}: column map error(s), fix the map (the export is not at"
                         " fault):\n" + "\n".join(f"  {e}" for e in self.errors))


def _load_yaml(path: Path, what: str) -> dict:
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise CodebookError(f"{path}: {what} not found") from None
    except yaml.YAMLError as exc:
        raise CodebookError(f"{path}: not valid YAML: {exc}") from None
    if not isinstance(raw, dict):
        raise CodebookError(f"{path}: expected a mapping of keys at the top level")
    return raw


def _validated(model: type[BaseModel], raw: dict, path: Path, what: str):
    try:
        return model.model_validate(raw)
    except ValidationError as exc:
        lines = [f"  {'.'.join(str(p) for p in e['loc']) or '(top level)'}: {e['msg']}"
                 for e in exc.errors()]
        raise CodebookError(f"{path}: invalid {what}\n" + "\n".join(lines)) from None


@cache
def _load_codebook(path: Path) -> Codebook:
    return _validated(Codebook, _load_yaml(path, "codebook"), path, "codebook")


def load_codebook(survey: str, folder: Path | None = None) -> Codebook:
    """The codebook of ``survey`` (``employer`` or ``union``)."""
    if survey not in SURVEYS:
        raise CodebookError(f"unknown survey {survey!r}; known: {', '.join(SURVEYS)}")
    folder = folder or paths.SURVEY_CODEBOOKS_DIR
    return _load_codebook((folder / f"{survey}.yml").resolve())


@cache
def _load_platforms(path: Path) -> Platforms:
    return _validated(Platforms, _load_yaml(path, "platform column list"), path,
                      "platform column list")


def load_platforms(folder: Path | None = None) -> Platforms:
    folder = folder or paths.SURVEY_CODEBOOKS_DIR
    return _load_platforms((folder / PLATFORMS_FILE).resolve())


# --- official code lists ------------------------------------------------------------------


@cache
def naics_codes() -> dict[str, str]:
    """2022 NAICS code -> title, every level (see ``codelists/README.md``)."""
    table = pd.read_csv(CODELISTS_DIR / "naics_2022.csv", dtype=str, keep_default_na=False)
    return dict(zip(table["code"], table["title"], strict=True))


@cache
def soc_codes() -> dict[str, str]:
    """2018 SOC detailed occupation code -> title (867 codes)."""
    table = pd.read_csv(CODELISTS_DIR / "soc_2018.csv", dtype=str, keep_default_na=False)
    return dict(zip(table["code"], table["title"], strict=True))


def naics_in_scope(region: Region) -> dict[str, str]:
    """Codes of 3 to 6 digits inside the region's industry sector (e.g. 31-33)."""
    first, _, last = region.industry.sector.partition("-")
    sectors = {str(s) for s in range(int(first), int(last or first) + 1)}
    return {c: t for c, t in naics_codes().items()
            if c.isdigit() and len(c) >= 3 and c[:2] in sectors}


def county_options(region: Region) -> tuple[Option, ...]:
    """The region's counties as answer options: FIPS code, name, and the usual spellings."""
    state = region.state
    return tuple(
        Option(code=c.fips, label=c.name,
               aliases=(f"{c.name} County", f"{c.name} County, {state.abbr}",
                        f"{c.name} County, {state.name}", f"{c.name}, {state.abbr}",
                        c.fips[2:], str(int(c.fips))))
        for c in region.counties
    )


# --- header text ----------------------------------------------------------------------------

_QUOTES = str.maketrans({"\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"',
                         "\u2013": "-", "\u2014": "-", "\u00a0": " "})


def norm(text: object) -> str:
    """Header or answer text compared loosely: case, spacing, curly quotes and dashes ignored."""
    s = unicodedata.normalize("NFKC", str(text)).translate(_QUOTES)
    s = re.sub(r"\s+", " ", s).strip().lower()
    return s.rstrip(":").strip()
