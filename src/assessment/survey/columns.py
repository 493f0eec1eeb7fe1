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

import hashlib
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
    ColumnMapError,
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
MAP_SUFFIX = ".map.yml"  # a column map saved beside an export
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


NO_ENTRY = "no entry"  # a value-map target: this answer means the block entry does not exist
FROM_HEADER = "from header"  # a constant read from the entry's column headers, e.g. "(51-4041)"
_SOC_IN_TEXT = re.compile(r"\b(\d{2}-\d{4})(?:\.\d{2})?\b")


class GridRow(_Strict):
    label: str
    value: str | None = None  # the block key's value; None: read from the label


class Grid(_Strict):
    """A fixed matrix: one block entry per grid row, one block variable per grid column."""

    block: str
    rows: tuple[GridRow | str, ...]
    columns: dict[str, str]  # their grid-column label -> block variable
    header: str = "{row} - {column}"  # how the export heads one cell's column
    first_entry: int = Field(default=1, ge=1)


class Responses(_Strict):
    """What happens to unfinished and test responses (platform columns) in this export."""

    unfinished: Literal["quarantine", "keep"] = "quarantine"
    min_progress: float = Field(default=100, ge=0, le=100)
    test: Literal["quarantine", "keep"] = "quarantine"


class ColumnMap(_Strict):
    survey: str | None = None
    header_rows: int | None = Field(default=None, ge=1, le=MAX_HEADER_ROWS)
    columns: dict[str, str] = {}
    # variable, wide field (prog1_program_type) or their column header -> {their answer:
    # codebook code | null (missing, not asked) | "no entry" (no entry for this block)}
    values: dict[str, dict[str, str | None]] = {}
    constants: dict[str, str] = {}  # wide field -> its value for every response, or FROM_HEADER
    matrix: tuple[Grid, ...] = ()
    responses: Responses = Responses()
    ignore: tuple[str, ...] = ()

    def digest(self) -> str:
        """What the map says, without comments or layout: part of the ingestion key."""
        return hashlib.sha256(self.model_dump_json().encode()).hexdigest()


def _str(value: object) -> str | None:
    if value is None:
        return None
    if isinstance(value, bool):
        return "Yes" if value else "No"  # YAML 1.1 reads unquoted Yes/No as booleans
    return str(value)


def load_column_map(path: str | Path) -> ColumnMap:
    path = Path(path)
    try:
        raw = _load_yaml(path, "column map")
    except CodebookError as exc:
        raise ColumnMapError(path, [str(exc).removeprefix(f"{path}: ")]) from None
    # YAML reads unquoted labels such as Yes/No or 1 as booleans/numbers: compare as text;
    # null stays null (an answer that means "missing").
    if isinstance(raw.get("columns"), dict):
        raw["columns"] = {_str(k): _str(v) for k, v in raw["columns"].items()}
    if isinstance(raw.get("values"), dict):
        raw["values"] = {_str(k): ({_str(a): _str(b) for a, b in v.items()}
                                   if isinstance(v, dict) else v)
                         for k, v in raw["values"].items()}
    if isinstance(raw.get("constants"), dict):
        raw["constants"] = {_str(k): _str(v) for k, v in raw["constants"].items()}
    for grid in raw.get("matrix") or []:
        if isinstance(grid, dict):
            if isinstance(grid.get("columns"), dict):
                grid["columns"] = {_str(k): _str(v) for k, v in grid["columns"].items()}
            if isinstance(grid.get("rows"), list):
                grid["rows"] = [{k: _str(v) for k, v in r.items()} if isinstance(r, dict)
                                else _str(r) for r in grid["rows"]]
    if isinstance(raw.get("ignore"), list):
        raw["ignore"] = [_str(v) for v in raw["ignore"]]
    try:
        return _validated(ColumnMap, raw, path, "column map")
    except CodebookError as exc:
        raise ColumnMapError(path, [line.strip() for line in str(exc).split("\n")[1:]]) from None


def map_beside(export: Path) -> Path | None:
    """The column map saved beside an export: ``<stem>.map.yml`` or ``<name>.map.yml``."""
    found = [c for c in (export.with_name(export.stem + MAP_SUFFIX),
                         export.with_name(export.name + MAP_SUFFIX)) if c.exists()]
    if len(found) > 1:
        raise ColumnMapError(found[0], [f"two column maps beside {export.name}"
                                        f" ({found[0].name}, {found[1].name}): keep one"])
    return found[0] if found else None


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
    texts: tuple[str, ...] = ()  # every header row's text for this column
    mapped: bool = False  # matched through the column map, not by the codebook's own names
    values: dict[str, str | None] | None = None  # their answer (normalised) -> code / None
    value_labels: tuple[str, ...] = ()  # their answers as the map spells them


@dataclass
class Layout:
    header_rows: int  # rows before the data, counted among non-blank rows
    columns: list[Column]
    problems: list[Problem] = field(default_factory=list)
    map_errors: list[str] = field(default_factory=list)  # the column map's own faults
    constants: dict[str, str] = field(default_factory=dict)  # wide field -> raw value
    constant_keys: dict[str, str] = field(default_factory=dict)  # wide field -> map key
    responses: Responses = field(default_factory=Responses)

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


def _grid_columns(cmap: ColumnMap, index: HeaderIndex, errors: list[str]
                  ) -> tuple[dict[str, str], dict[str, str], dict[str, str]]:
    """Header text -> wide field for every cell of every grid; constants; their map keys."""
    cells: dict[str, str] = {}
    constants: dict[str, str] = {}
    keys: dict[str, str] = {}
    blocks = {b.name: b for b in index.codebook.blocks}
    for g, grid in enumerate(cmap.matrix):
        where = f"matrix[{g}]"
        block = blocks.get(grid.block)
        if block is None:
            errors.append(f"{where}.block: {grid.block!r} is not a block of the codebook"
                          f" (blocks: {', '.join(blocks) or 'none'})")
            continue
        names = {v.name for v in block.variables}
        for label, var in grid.columns.items():
            if var not in names:
                errors.append(f"{where}.columns.{label!r}: {var!r} is not a variable of block"
                              f" {block.name} ({', '.join(sorted(names))})")
        if "{row}" not in grid.header or "{column}" not in grid.header:
            errors.append(f"{where}.header: {grid.header!r} needs both {{row}} and {{column}}")
            continue
        last = grid.first_entry + len(grid.rows) - 1
        if last > block.repeats:
            errors.append(f"{where}.rows: {len(grid.rows)} rows from entry {grid.first_entry}"
                          f" need entry {last}, but block {block.name} has {block.repeats}")
            continue
        for i, row in enumerate(grid.rows):
            row = GridRow(label=row) if isinstance(row, str) else row
            n = grid.first_entry + i
            key_field = f"{block.prefix}{n}_{block.key}"
            if key_field in constants:
                errors.append(f"{where}.rows[{i}]: entry {n} of {block.name} is already"
                              f" given by {keys[key_field]}")
                continue
            if block.key not in grid.columns.values():
                value = row.value
                if value is None:
                    m = _SOC_IN_TEXT.search(row.label)
                    value = m.group(1) if m else row.label
                constants[key_field] = value
                keys[key_field] = f"{where}.rows[{i}] ({row.label!r})"
            for label, var in grid.columns.items():
                text = grid.header.format(row=row.label, column=label)
                cells[norm(text)] = f"{block.prefix}{n}_{var}"
    return cells, constants, keys


def _grid_lookup(cells: dict[str, str], text: str) -> str | None:
    """A grid cell's column, headed exactly by the template or with the question before it
    (Qualtrics: "question - row - column")."""
    key = norm(text)
    if key in cells:
        return cells[key]
    parts = key.split(" - ")
    for k in range(1, len(parts)):
        found = cells.get(" - ".join(parts[k:]))
        if found is not None:
            return found
    return None


def _header_row(i: int, raw: RawExport, resolve, index: HeaderIndex) -> str | None:
    """Why row ``i`` (0-based, after the first) is a header row, or None if it is data."""
    cells = raw.rows[i][1]
    if _share(cells, lambda c: bool(_IMPORT_ID.match(str(c).strip()))) >= 0.5:
        return "import ids"
    if _share(cells, lambda c: resolve(c) is not None) >= 0.6:
        return "labels"
    # A platform's header rows name its own columns twice (StartDate / "Start Date"): the
    # question text of a questionnaire the codebook does not know is recognised by them.
    first = raw.rows[0][1]
    pairs = [(first[j], cells[j]) for j in range(min(len(first), len(cells)))]
    platform = [(a, b) for a, b in pairs if (t := index.lookup(a)) is not None
                and t.kind == "platform"]
    if platform and all(index.lookup(b) is not None and index.lookup(b).key
                        == index.lookup(a).key for a, b in platform):
        return "platform labels"
    return None


def layout(raw: RawExport, index: HeaderIndex, cmap: ColumnMap | None = None,
           map_path: Path | None = None) -> Layout:
    """Match every column of ``raw`` to the codebook; problems name file, header row, column.

    Faults of the column map itself (a target the codebook lacks) go to ``map_errors``, not
    to the export's problems.
    """
    file = str(raw.file)
    problems: list[Problem] = []
    map_errors: list[str] = []
    cmap = cmap or ColumnMap()
    map_cols = {norm(k): v for k, v in cmap.columns.items()}
    ignored = {norm(v) for v in cmap.ignore}
    if not raw.rows:
        return Layout(0, [], [Problem(file, None, None, None, "file has no header row")])

    # Column-map targets must exist in the codebook.
    for their, ours in cmap.columns.items():
        if ours not in index.by_name:
            map_errors.append(f"columns.{their!r}: {ours!r} names no variable of the"
                              f" {index.codebook.survey} codebook")
    grid_cells, constants, constant_keys = _grid_columns(cmap, index, map_errors)
    for name, value in cmap.constants.items():
        target = index.by_name.get(name)
        if target is None or target.kind != "field" or target.field.block is None:
            map_errors.append(f"constants.{name!r}: not a block entry's variable (e.g. occ1_soc)")
            continue
        if name in constants:
            map_errors.append(f"constants.{name!r}: already given by {constant_keys[name]}")
            continue
        constants[name] = value
        constant_keys[name] = f"constants.{name!r}"

    def resolve_mapped(text: object) -> tuple[Target | None, bool]:
        if _empty(text):
            return None, False
        key = norm(text)
        if key in ignored:
            return Target("ignore"), True
        if key in map_cols:
            return index.by_name.get(map_cols[key]), True
        if grid_cells and (cell := _grid_lookup(grid_cells, str(text))) is not None:
            return index.by_name.get(cell), True
        return index.lookup(text), False

    def resolve(text: object) -> Target | None:
        return resolve_mapped(text)[0]

    # Header rows: row 1, then rows of question labels, platform labels or import ids.
    header_rows = cmap.header_rows or 1
    import_rows: set[int] = set()
    if cmap.header_rows is None:
        # An import-id row (Qualtrics' last header row) ends the header, whatever is above it.
        for i in range(1, min(MAX_HEADER_ROWS, len(raw.rows))):
            if _share(raw.rows[i][1], lambda c: bool(_IMPORT_ID.match(str(c).strip()))) >= 0.5:
                import_rows.add(i)
                header_rows = i + 1
        for i in range(1, 1 if import_rows else min(MAX_HEADER_ROWS, len(raw.rows))):
            why = _header_row(i, raw, resolve, index)
            if why is None:
                break
            if why == "import ids":
                import_rows.add(i)
            header_rows = i + 1
    heads = [cells for i, (_, cells) in enumerate(raw.rows[:header_rows]) if i not in import_rows]
    data = raw.rows[header_rows:]
    width = max(len(cells) for _, cells in raw.rows)

    columns: list[Column] = []
    seen: dict[tuple, str] = {}
    header_line = raw.rows[0][0]
    for j in range(width):
        texts = [str(cells[j]).strip() for cells in heads
                 if j < len(cells) and not _empty(cells[j])]
        has_data = any(j < len(cells) and not _empty(cells[j]) for _, cells in data)
        if not texts:
            if has_data:
                problems.append(Problem(file, header_line, f"column {j + 1}", None,
                                        "column has answers but no header"))
            continue
        header = texts[0]
        target, mapped = next(((t, m) for t, m in (resolve_mapped(t) for t in texts)
                               if t is not None), (None, False))
        if target is None:
            rule = ("unmapped column: not in the codebook or the column map" if cmap.columns
                    or cmap.matrix else "unknown column: not in the codebook (map it with"
                    " --map, or list it under ignore: in a column map)")
            problems.append(Problem(file, header_line, header, None, rule))
        elif target.kind != "ignore":
            if target.key in seen:
                problems.append(Problem(file, header_line, header, None, "second column for"
                                        f" the same variable as {seen[target.key]!r}"))
                target = Target("ignore")
            else:
                seen[target.key] = header
        if mapped and len(texts) > 1 and norm(texts[1]) != norm(header):
            header = f"{header} ({texts[1]})"  # "Q9#2_1 (Occupations ... - Open positions)"
        columns.append(Column(j, header, target, tuple(texts), mapped))

    # Value maps: keyed by their column header, a wide field (prog1_program_type) or a
    # variable; the most specific wins.
    by_text = {norm(t): c for c in columns for t in c.texts}
    fields = {c.target.field.name: c for c in columns
              if c.target and c.target.kind in ("field", "option")}
    variables = {v.name for v in index.codebook.all_variables()}
    per_column: dict[int, dict[str, str | None]] = {}
    labels: dict[int, list[str]] = {}
    for rank in ("variable", "field", "column"):
        for key, mapping in cmap.values.items():
            if norm(key) in by_text and key not in variables and key not in index.by_name:
                kind, cols = "column", [by_text[norm(key)]]
            elif key in index.by_name and index.by_name[key].kind == "field" \
                    and key not in variables:
                kind, cols = "field", [c for c in columns if c.target is not None
                                       and c.target.kind == "field"
                                       and c.target.field.name == key]
            elif key in variables:
                kind, cols = "variable", [c for c in columns if c.target is not None
                                          and c.target.kind == "field"
                                          and c.target.field.var.name == key]
            else:
                if rank == "variable":
                    map_errors.append(f"values.{key!r}: names no variable, entry variable"
                                      " or column header of this export")
                continue
            if kind != rank:
                continue
            for c in cols:
                per_column.setdefault(c.index, {}).update({norm(a): b for a, b in mapping.items()})
                labels.setdefault(c.index, []).extend(mapping)
    for c in columns:
        if c.index in per_column:
            c.values = per_column[c.index]
            c.value_labels = tuple(dict.fromkeys(labels[c.index]))

    # Constants read from the header ("Machinists (51-4041)").
    for name, value in list(constants.items()):
        if value != FROM_HEADER:
            continue
        target = index.by_name[name]
        prefix = f"{target.field.block.prefix}{target.field.n}_"
        found = {m.group(1) for c in columns if c.target and c.target.kind == "field"
                 and c.target.field.name.startswith(prefix) for t in c.texts
                 for m in [_SOC_IN_TEXT.search(t)] if m}
        if len(found) != 1:
            map_errors.append(f"{constant_keys[name]}: {FROM_HEADER!r} found "
                              + (f"several codes ({', '.join(sorted(found))})" if found
                                 else "no SOC code")
                              + f" in the headers of the {prefix}* columns")
            del constants[name]
        else:
            constants[name] = found.pop()

    # Required variables need a column (multi-select: a column or one per option).
    present = set(fields)
    for f in index.codebook.fields():
        if f.block is None and f.var.required and f.name not in present:
            problems.append(Problem(file, header_line, f.name, None,
                                    "required variable missing from the header"))
    return Layout(header_rows, columns, problems, map_errors, constants, constant_keys,
                  cmap.responses)
