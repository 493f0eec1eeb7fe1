"""Check every answer of an export against its codebook and report every problem at once.

Each problem names the file, the row as received, the column as headed in the file, the value
and the rule (:class:`assessment.errors.Problem`). Confidential answers (contact fields, free
text, platform ids) are never echoed: a problem about one carries no value.

Rules: required answers and columns; answers in the allowed options; the region's counties;
2022 NAICS codes inside the region's industry; 2018 SOC detailed occupation codes; numbers in
range (whole where counts are asked); dates; the codebook's cross-checks (vacancies not above
headcount, occupations not above total employment...); and duplicates: the same platform
response id twice, the same answers twice, or the same respondent (the codebook's
``identity`` fields) twice, where the first is kept and the later ones are refused.
"""

from __future__ import annotations

import hashlib
import json
import math
import re
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path

from assessment.errors import InputError, Problem
from assessment.region import Region
from assessment.survey.codebook import (
    COUNTIES,
    Codebook,
    Option,
    SurveyField,
    load_platforms,
    naics_codes,
    naics_in_scope,
    norm,
    soc_codes,
)
from assessment.survey.columns import (
    Column,
    ColumnMap,
    HeaderIndex,
    Layout,
    layout,
    load_column_map,
)
from assessment.survey.reader import RawExport, read_export

EXCEL_EPOCH = datetime(1899, 12, 30)  # Excel's day 0 (1900 date system, leap-year bug included)
SERIAL_RANGE = (36526, 73051)  # 2000-01-01 .. 2100-01-01 as Excel serials
_TRUE = {"1", "yes", "y", "true", "x", "selected", "checked", "on"}
_FALSE = {"0", "no", "n", "false", "off", "not selected", "unchecked"}
_SPLIT = re.compile(r"\s*[,;|]\s*")
_DATE_FORMATS = ("%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M", "%Y-%m-%d", "%m/%d/%Y %H:%M:%S",
                 "%m/%d/%Y %H:%M", "%m/%d/%Y %I:%M:%S %p", "%m/%d/%Y %I:%M %p", "%m/%d/%Y",
                 "%Y-%m-%dT%H:%M:%S", "%Y-%m-%dT%H:%M:%SZ", "%m/%d/%y %H:%M", "%m/%d/%y")
# Identical answers mark a double submission only when there are enough of them: two small
# establishments can give the same few answers (county, industry, size, union status).
MIN_ANSWERS_FOR_CONTENT_DUPLICATE = 5
RULE_REQUIRED = "required answer missing"
RULE_CHOICE = "not one of the allowed answers"
RULE_COUNTY = "unknown county: not one of the region's counties"


class _Bad(Exception):
    """One cell breaks a rule (internal: becomes a Problem). ``value``: the part at fault."""

    def __init__(self, rule: str, value: object = None):
        super().__init__(rule)
        self.rule = rule
        self.value = value


@dataclass
class RowResult:
    """One response: its answers by codebook field (parsed), and what is wrong with it."""

    row: int
    cells: list[object]
    answers: dict[str, object] = field(default_factory=dict)  # field name -> parsed value
    problems: list[Problem] = field(default_factory=list)
    response_id: str | None = None  # the platform's id: confidential, kept in memory only
    submitted: date | None = None

    @property
    def ok(self) -> bool:
        return not self.problems


@dataclass
class Checked:
    """The result of checking one export: file-level problems and every row."""

    survey: str
    file: Path
    raw: RawExport
    layout: Layout
    rows: list[RowResult]

    @property
    def file_problems(self) -> list[Problem]:
        return self.layout.problems

    @property
    def problems(self) -> list[Problem]:
        return self.file_problems + [p for r in self.rows for p in r.problems]

    @property
    def ok(self) -> bool:
        return not self.problems


# --- cell parsers ---------------------------------------------------------------------------


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def is_blank(value: object) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value)) or _text(value) == ""


def parse_number(value: object, whole: bool) -> float | int:
    if isinstance(value, bool):
        raise _Bad("not a number")
    if isinstance(value, int | float):
        number = float(value)
    else:
        text = _text(value).replace(",", "").replace("$", "").replace(" ", "")
        try:
            number = float(text)
        except ValueError:
            raise _Bad("not a number") from None
    if not math.isfinite(number):
        raise _Bad("not a number")
    if whole:
        if not number.is_integer():
            raise _Bad("not a whole number")
        return int(number)
    return number


def parse_bool(value: object) -> bool:
    key = norm(_text(value))
    if key in _TRUE:
        return True
    if key in _FALSE:
        return False
    raise _Bad("not a yes/no answer")


def parse_date(value: object) -> date:
    """A date as platforms write it: ISO or US text, an Excel date, or an Excel serial number."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    number = None
    if isinstance(value, int | float) and not isinstance(value, bool):
        number = float(value)
    else:
        text = _text(value)
        if re.fullmatch(r"\d{5}(\.\d+)?", text):
            number = float(text)
        else:
            for fmt in _DATE_FORMATS:
                try:
                    return datetime.strptime(text, fmt).date()
                except ValueError:
                    continue
            raise _Bad("not a date")
    if not SERIAL_RANGE[0] <= number < SERIAL_RANGE[1]:
        raise _Bad("not a date (Excel serial outside 2000-2099)")
    return (EXCEL_EPOCH + timedelta(days=number)).date()


def normalise_soc(value: object) -> str:
    text = _text(value)
    m = re.match(r"^(\d{2})-?(\d{4})(?:\.\d{2})?(?:\s|$)", text)
    code = f"{m.group(1)}-{m.group(2)}" if m else text
    if code not in soc_codes():
        raise _Bad("not a 2018 SOC detailed occupation code")
    return code


def normalise_naics(value: object, scope: dict[str, str], sector: str) -> str:
    text = _text(value)
    m = re.match(r"^(\d{2,6})(?:\s|$)", text)
    code = m.group(1) if m else text
    if code not in naics_codes():
        raise _Bad("not a 2022 NAICS code")
    if len(code) < 3:
        raise _Bad("NAICS sector only: give at least the 3-digit subsector")
    if code not in scope:
        raise _Bad(f"NAICS code outside the survey's industry ({sector})")
    return code


class _Choices:
    """Answer text -> option, by code, label, platform recode number or alias."""

    def __init__(self, options: tuple[Option, ...], value_map: dict[str, str] | None = None,
                 rule: str = RULE_CHOICE):
        self.rule = rule
        self.options = {o.code: o for o in options}
        self.lookup: dict[str, Option] = {}
        for o in options:
            for key in (o.code, o.label, *o.aliases):
                self.lookup.setdefault(norm(key), o)
            if o.recode is not None:
                self.lookup.setdefault(str(o.recode), o)
        for theirs, code in (value_map or {}).items():
            if code in self.options:
                self.lookup[theirs] = self.options[code]

    def one(self, value: object) -> Option:
        found = self.lookup.get(norm(_text(value)))
        if found is None:
            raise _Bad(self.rule)
        return found

    def many(self, value: object) -> list[Option]:
        """Split a multi-select cell; option labels may themselves contain commas."""
        text = _text(value)
        whole = self.lookup.get(norm(text))
        if whole is not None:
            return [whole]
        parts = [p for p in _SPLIT.split(text)]
        seps = _SPLIT.findall(text)
        n = len(parts)
        # best[i]: a segmentation of parts[:i] into known options (dynamic programming).
        best: list[list[Option] | None] = [[]] + [None] * n
        for i in range(1, n + 1):
            for j in range(i):
                if best[j] is None:
                    continue
                piece = parts[j]
                for k in range(j + 1, i):
                    piece += seps[k - 1] + parts[k]
                if not piece.strip():
                    if j == i - 1:
                        best[i] = best[j]  # empty piece: a trailing or doubled separator
                    continue
                opt = self.lookup.get(norm(piece))
                if opt is not None:
                    best[i] = best[j] + [opt]
                    break
        if best[n] is None:
            unknown = [p for p in parts if p.strip() and norm(p) not in self.lookup]
            raise _Bad(self.rule, "; ".join(unknown) or text)
        return best[n]


# --- the checker ----------------------------------------------------------------------------


class Checker:
    """Check exports of one survey for one region."""

    def __init__(self, codebook: Codebook, region: Region, platforms=None):
        self.codebook = codebook
        self.region = region
        self.platforms = platforms or load_platforms()
        self.index = HeaderIndex(codebook, region, self.platforms)
        self.scope = naics_in_scope(region)
        self.excluded_status = {norm(s) for s in self.platforms.excluded_status}

    def check_file(self, path: str | Path, column_map: ColumnMap | str | Path | None = None
                   ) -> Checked:
        path = Path(path)
        map_path = None
        if column_map is not None and not isinstance(column_map, ColumnMap):
            map_path = Path(column_map)
            column_map = load_column_map(map_path)
        if column_map is not None and column_map.survey not in (None, self.codebook.survey):
            raise InputError(Problem(str(map_path or "column map"), None, "survey",
                                     column_map.survey, f"column map is for another survey, not"
                                     f" {self.codebook.survey}"))
        raw = read_export(path)
        lay = layout(raw, self.index, column_map, map_path)
        rows = [self._check_row(str(path), line, cells, lay)
                for line, cells in raw.rows[lay.header_rows:]]
        self._duplicates(str(path), rows, lay)
        return Checked(self.codebook.survey, path, raw, lay, rows)

    # one row ------------------------------------------------------------------------------

    def _choices(self, f: SurveyField, lay: Layout) -> _Choices:
        return _Choices(self.codebook.options(f.var, self.region), lay.value_maps.get(f.var.name),
                        RULE_COUNTY if f.var.codes == COUNTIES else RULE_CHOICE)

    def _parse(self, f: SurveyField, value: object, lay: Layout) -> object:
        t = f.var.type
        if t in ("single", "rating"):
            opt = self._choices(f, lay).one(value)
            if t == "rating":
                return None if opt.missing else int(opt.code)
            return opt.code
        if t == "multi":
            return {o.code for o in self._choices(f, lay).many(value)}
        if t == "boolean":
            vmap = lay.value_maps.get(f.var.name, {})
            key = norm(_text(value))
            return parse_bool(vmap[key]) if key in vmap else parse_bool(value)
        if t in ("integer", "number"):
            number = parse_number(value, whole=t == "integer")
            lo, hi = f.var.min, f.var.max
            if (lo is not None and number < lo) or (hi is not None and number > hi):
                raise _Bad(f"out of range: {lo:g} to {hi:g}")
            return number
        if t == "naics":
            return normalise_naics(value, self.scope, self.region.industry.sector)
        if t == "soc":
            return normalise_soc(value)
        if t == "text":
            return True  # only "given" is kept
        raise AssertionError(t)

    def _check_row(self, file: str, line: int, cells: list[object], lay: Layout) -> RowResult:
        res = RowResult(line, cells)

        def cell(col: Column) -> object:
            return cells[col.index] if col.index < len(cells) else None

        def bad(col_header: str | None, value: object, rule: str) -> None:
            res.problems.append(Problem(file, line, col_header, value, rule))

        # Platform columns: id, submission date, status.
        if (c := lay.platform("id")) is not None and not is_blank(cell(c)):
            res.response_id = _text(cell(c))
        if (c := lay.platform("submitted")) is not None and not is_blank(cell(c)):
            try:
                res.submitted = parse_date(cell(c))
            except _Bad as exc:
                bad(c.header, _shown(cell(c)), exc.rule)
        c = lay.platform("status")
        if c is not None and norm(_text(cell(c))) in self.excluded_status:
            bad(c.header, _text(cell(c)), "test, preview or spam response (platform status)")

        by_field = lay.by_field()
        headers: dict[str, str] = {}
        for f in self.codebook.fields():
            col = by_field.get(f.name)
            option_cols = lay.options_of(f.name) if f.var.type == "multi" else []
            if col is None and not option_cols:
                continue
            headers[f.name] = col.header if col is not None else option_cols[0].header
            if f.var.type == "contact":
                if col is not None and not is_blank(cell(col)):
                    res.answers[f.name] = _text(cell(col))  # for duplicate checks only
                continue
            if col is not None and not is_blank(cell(col)):
                try:
                    res.answers[f.name] = self._parse(f, cell(col), lay)
                except _Bad as exc:
                    shown = exc.value if exc.value is not None else _shown(cell(col))
                    bad(col.header, None if f.var.confidential else shown, exc.rule)
                    res.answers[f.name] = _INVALID
            if option_cols:  # one column per option
                chosen = set(res.answers.get(f.name) or ())
                answered = f.name in res.answers
                for oc in option_cols:
                    value = cell(oc)
                    if is_blank(value):
                        continue
                    answered = True
                    key = norm(_text(value))
                    if key in (norm(oc.target.option.label), norm(oc.target.option.code)):
                        chosen.add(oc.target.option.code)
                        continue
                    try:
                        if parse_bool(value):
                            chosen.add(oc.target.option.code)
                    except _Bad as exc:
                        bad(oc.header, _shown(value), exc.rule)
                if answered and res.answers.get(f.name) is not _INVALID:
                    res.answers[f.name] = chosen

        # Required answers: top level always (a missing column is a file problem); in a block,
        # once the entry has any answer, even where the export has no column for them.
        for f in self.codebook.fields():
            if not f.var.required or f.name in res.answers:
                continue
            if f.block is None and f.name not in headers:
                continue
            if f.block is not None:
                entry = [g for g in self.codebook.fields() if g.block is f.block and g.n == f.n]
                if not any(g.name in res.answers for g in entry):
                    continue
            bad(headers.get(f.name, f.name), None, RULE_REQUIRED)
        self._rules(res, headers, bad)
        if not res.answers and not res.problems:
            bad(None, None, "no answers")
        return res

    def _rules(self, res: RowResult, headers: dict[str, str], bad) -> None:
        fields = self.codebook.fields()

        def value(name: str):
            v = res.answers.get(name)
            return None if v is _INVALID else v

        for rule in self.codebook.rules:
            lblock, _, lvar = rule.left.rpartition(".")
            rblock, _, rvar = rule.right.rpartition(".")
            if rule.kind == "le" and lblock:
                for f in fields:
                    if f.block is None or f.block.name != lblock or f.var.name != lvar:
                        continue
                    right = f"{f.block.prefix}{f.n}_{rvar}"
                    lv, rv = value(f.name), value(right)
                    if lv is not None and rv is not None and lv > rv:
                        bad(headers[f.name], lv, f"must not exceed {headers[right]} ({rv:g})")
            elif rule.kind == "le":
                lv, rv = value(lvar), value(rvar)
                if lv is not None and rv is not None and lv > rv:
                    bad(headers[lvar], lv, f"must not exceed {headers[rvar]} ({rv:g})")
            else:  # sum_le
                parts = [value(f.name) for f in fields if f.block is not None
                         and f.block.name == lblock and f.var.name == lvar]
                total = sum(v for v in parts if v is not None)
                rv = value(rvar)
                if rv is not None and total > rv:
                    bad(headers[rvar], rv, f"less than the sum of {lblock} {lvar} ({total:g})")

    # across rows ------------------------------------------------------------------------

    def _duplicates(self, file: str, rows: list[RowResult], lay: Layout) -> None:
        id_col = lay.platform("id")
        first_id: dict[str, int] = {}
        first_content: dict[str, int] = {}
        first_identity: dict[tuple, int] = {}
        for r in rows:
            if r.response_id is not None:
                if r.response_id in first_id:
                    r.problems.append(Problem(
                        file, r.row, id_col.header, None,
                        f"duplicate response: same response id as row {first_id[r.response_id]}"))
                    continue
                first_id[r.response_id] = r.row
            content = content_key(r)
            if len(r.answers) >= MIN_ANSWERS_FOR_CONTENT_DUPLICATE:
                if content in first_content:
                    r.problems.append(Problem(file, r.row, None, None, "duplicate response:"
                                              f" same answers as row {first_content[content]}"))
                    continue
                first_content[content] = r.row
            ident = tuple(norm(_text(r.answers.get(v))) for v in self.codebook.identity)
            if self.codebook.identity and all(ident):
                if ident in first_identity:
                    r.problems.append(Problem(
                        file, r.row, None, None, f"duplicate response: same {self.codebook.unit}"
                        f" as row {first_identity[ident]}"))
                    continue
                first_identity[ident] = r.row


class _Invalid:
    def __repr__(self) -> str:
        return "<invalid>"


_INVALID = _Invalid()


def _shown(value: object) -> object:
    """A value as it may appear in a problem report (non-confidential cells only)."""
    if isinstance(value, datetime | date):
        return value.isoformat()
    return value if isinstance(value, int | float) else _text(value)


def content_key(r: RowResult) -> str:
    """A digest of a row's answers (platform columns left out), for duplicate checks."""
    canon = {k: sorted(v) if isinstance(v, set) else repr(v) for k, v in sorted(r.answers.items())}
    return hashlib.sha256(json.dumps(canon, sort_keys=True).encode()).hexdigest()


def check_file(survey: str, path: str | Path, region: Region,
               column_map: ColumnMap | str | Path | None = None) -> Checked:
    """Check one export of ``survey`` against its codebook; every problem in ``.problems``."""
    from assessment.survey.codebook import load_codebook

    return Checker(load_codebook(survey), region).check_file(path, column_map)
