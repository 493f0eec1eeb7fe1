"""Which codebook variable each column of an export holds.

A column is recognised by its header in any of the export's header rows (Qualtrics writes
three: export tags, question text, and ``{"ImportId": ...}``): the variable name, the question
text, a platform column (``ResponseId``, ``RecordedDate``...), a multi-select option column
(``benefits_1``, ``benefits_health`` or "question - option label"), or an "Other (please
specify)" text column (``benefits_7_TEXT``). A partnership that ran its own questionnaire
brings a column map (YAML) from its headers and answer labels to the codebook's::

    survey: employer
    header_rows: 1                  # optional; detected otherwise
    columns:                        # their header: codebook variable (wide name)
      Plant county: county
      Job 1 code: occ1_soc
      Offers health insurance: benefits.health   # one column per option: variable.option
    values:                         # codebook variable: {their answer: codebook code}
      union_status: {"Union shop": all, "Open shop": none}
    ignore: [Internal note]         # their columns that hold nothing for the assessment
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from pydantic import Field

from assessment.errors import Problem
from assessment.region import Region
from assessment.survey.codebook import (
    Codebook,
    CodebookError,
    Option,
    Platform,
    Platforms,
    SurveyField,
    _load_yaml,
    _Strict,
    _validated,
    norm,
)
from assessment.survey.reader import RawExport

MAX_HEADER_ROWS = 3
_IMPORT_ID = re.compile(r'^\{\s*"importid"', re.I)


@dataclass(frozen=True)
class Target:
    kind: Literal["field", "option", "platform", "ignore"]
    field: SurveyField | None = None
    option: Option | None = None
    platform: Platform | None = None

    @property
    def key(self) -> tuple:
        if self.kind == "field":
            return ("field", self.field.name)
        if self.kind == "option":
            return ("option", self.field.name, self.option.code)
        if self.kind == "platform":
            return ("platform", self.platform.name)
        return ("ignore",)


class ColumnMap(_Strict):
    survey: str | None = None
    header_rows: int | None = Field(default=None, ge=1, le=MAX_HEADER_ROWS)
    columns: dict[str, str] = {}
    values: dict[str, dict[str, str]] = {}
    ignore: tuple[str, ...] = ()


def load_column_map(path: str | Path) -> ColumnMap:
    path = Path(path)
    raw = _load_yaml(path, "column map")
    # YAML reads unquoted labels such as Yes/No or 1 as booleans/numbers: compare as text.
    for key in ("columns", "values"):
        if isinstance(raw.get(key), dict):
            raw[key] = {str(k): ({str(a): str(b) for a, b in v.items()} if isinstance(v, dict)
                                 else str(v)) for k, v in raw[key].items()}
    if isinstance(raw.get("ignore"), list):
        raw["ignore"] = [str(v) for v in raw["ignore"]]
    return _validated(ColumnMap, raw, path, "column map")


class HeaderIndex:
    """Normalised header text -> what the column holds, for one codebook and region."""

    def __init__(self, codebook: Codebook, region: Region, platforms: Platforms):
        self.codebook = codebook
        self.region = region
        self.by_text: dict[str, Target] = {}
        self.by_name: dict[str, Target] = {}
        fields = codebook.fields()
        by_var = {f.name: f for f in fields}
        for f in fields:
            target = Target("field", f)
            self._add(target, f.name, f.question, *(f.var.aliases if f.block is None else ()))
            self.by_name[f.name] = target
            if f.var.type == "multi":
                for o in codebook.options(f.var, region):
                    ot = Target("option", f, o)
                    names = [f"{f.name}_{o.code}"] + ([f"{f.name}_{o.recode}"]
                                                      if o.recode is not None else [])
                    self._add(ot, *names, f"{f.question} - {o.label}")
                    self.by_name[f"{f.name}.{o.code}"] = ot
            if f.var.other_of:
                parent_name, _, code = f.var.other_of.partition(".")
                parent = by_var[parent_name]
                (opt,) = [o for o in codebook.options(parent.var, region) if o.code == code]
                texts = [f"{parent.name}_{opt.code}_TEXT",
                         f"{parent.question} - {opt.label} - Text"]
                if opt.recode is not None:
                    texts.append(f"{parent.name}_{opt.recode}_TEXT")
                self._add(target, *texts)
        for p in platforms.columns:
            pt = Target("platform", platform=p)
            self._add(pt, p.name, *p.aliases)
            self.by_name[p.name] = pt

    def _add(self, target: Target, *texts: str) -> None:
        for text in texts:
            key = norm(text)
            known = self.by_text.get(key)
            if known is not None and known.key != target.key:
                raise CodebookError(f"header {text!r} would name both {known.key} and"
                                    f" {target.key}: make the question texts distinct")
            self.by_text[key] = target

    def lookup(self, text: object) -> Target | None:
        return None if _empty(text) else self.by_text.get(norm(text))


def _empty(value: object) -> bool:
    return value is None or not str(value).strip()


@dataclass
class Column:
    index: int
    header: str  # the header as shown in the file (first non-empty header row)
    target: Target | None


@dataclass
class Layout:
    header_rows: int  # rows before the data, counted among non-blank rows
    columns: list[Column]
    problems: list[Problem] = field(default_factory=list)
    value_maps: dict[str, dict[str, str]] = field(default_factory=dict)  # variable -> {norm: code}

    def by_field(self) -> dict[str, Column]:
        return {c.target.field.name: c for c in self.columns
                if c.target and c.target.kind == "field"}

    def options_of(self, field_name: str) -> list[Column]:
        return [c for c in self.columns if c.target and c.target.kind == "option"
                and c.target.field.name == field_name]

    def platform(self, role: str) -> Column | None:
        for c in self.columns:
            if c.target and c.target.kind == "platform" and c.target.platform.role == role:
                return c
        return None


def _share(cells: list[object], test) -> float:
    filled = [c for c in cells if not _empty(c)]
    return sum(1 for c in filled if test(c)) / len(filled) if filled else 0.0


def layout(raw: RawExport, index: HeaderIndex, cmap: ColumnMap | None = None,
           map_path: Path | None = None) -> Layout:
    """Match every column of ``raw`` to the codebook; problems name file, header row, column."""
    file = str(raw.file)
    problems: list[Problem] = []
    cmap = cmap or ColumnMap()
    map_cols = {norm(k): v for k, v in cmap.columns.items()}
    ignored = {norm(v) for v in cmap.ignore}
    if not raw.rows:
        return Layout(0, [], [Problem(file, None, None, None, "file has no header row")])

    # Column-map targets must exist in the codebook.
    for their, ours in cmap.columns.items():
        if ours not in index.by_name:
            problems.append(Problem(str(map_path or "column map"), None, their, ours,
                                    "column map names a variable the codebook does not have"))
    value_maps: dict[str, dict[str, str]] = {}
    variables = {v.name for v in index.codebook.all_variables()}
    for var, mapping in cmap.values.items():
        if var not in variables:
            problems.append(Problem(str(map_path or "column map"), None, var, None,
                                    "value map names a variable the codebook does not have"))
        value_maps[var] = {norm(k): v for k, v in mapping.items()}

    def resolve(text: object) -> Target | None:
        if _empty(text):
            return None
        key = norm(text)
        if key in ignored:
            return Target("ignore")
        if key in map_cols:
            return index.by_name.get(map_cols[key])
        return index.lookup(text)

    # Header rows: row 1, then any row of question labels or Qualtrics import ids.
    header_rows = cmap.header_rows or 1
    import_rows: set[int] = set()
    if cmap.header_rows is None:
        for i in range(1, min(MAX_HEADER_ROWS, len(raw.rows))):
            cells = raw.rows[i][1]
            if _share(cells, lambda c: bool(_IMPORT_ID.match(str(c).strip()))) >= 0.5:
                import_rows.add(i)
            elif _share(cells, lambda c: resolve(c) is not None) < 0.6:
                break
            header_rows = i + 1
    heads = [cells for i, (_, cells) in enumerate(raw.rows[:header_rows]) if i not in import_rows]
    data = raw.rows[header_rows:]
    width = max(len(cells) for _, cells in raw.rows)

    columns: list[Column] = []
    seen: dict[tuple, str] = {}
    header_line = raw.rows[0][0]
    for j in range(width):
        texts = [cells[j] for cells in heads if j < len(cells) and not _empty(cells[j])]
        has_data = any(j < len(cells) and not _empty(cells[j]) for _, cells in data)
        if not texts:
            if has_data:
                problems.append(Problem(file, header_line, f"column {j + 1}", None,
                                        "column has answers but no header"))
            continue
        header = str(texts[0]).strip()
        target = next((t for t in (resolve(t) for t in texts) if t is not None), None)
        if target is None:
            rule = ("unmapped column: not in the codebook or the column map" if cmap.columns
                    else "unknown column: not in the codebook (map it with --map, or list it"
                         " under ignore: in a column map)")
            problems.append(Problem(file, header_line, header, None, rule))
        elif target.kind != "ignore":
            if target.key in seen:
                problems.append(Problem(file, header_line, header, None, "second column for"
                                        f" the same variable as {seen[target.key]!r}"))
                target = Target("ignore")
            else:
                seen[target.key] = header
        columns.append(Column(j, header, target))

    # Required variables need a column (multi-select: a column or one per option).
    present = {c.target.field.name for c in columns
               if c.target and c.target.kind in ("field", "option")}
    for f in index.codebook.fields():
        if f.block is None and f.var.required and f.name not in present:
            problems.append(Problem(file, header_line, f.name, None,
                                    "required variable missing from the header"))
    return Layout(header_rows, columns, problems, value_maps)
