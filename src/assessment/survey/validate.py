"""Check every answer of an export against its codebook and report every problem at once.

Each problem names the file, the row as received, the column as headed in the file, the value
and the rule (:class:`assessment.errors.Problem`). Confidential answers (contact fields, free
text, platform ids) are never echoed: a problem about one carries no value.

Rules (each problem carries its rule's name, :data:`RULES`): required answers and columns;
answers in the allowed options (the allowed answers are listed); the region's counties; 2022
NAICS codes inside the region's industry; 2018 SOC detailed occupation codes; numbers in
range (whole where counts are asked); dates; unfinished and test responses (the platform's
Finished, Progress, Status and DistributionChannel columns); answers for a block entry that
another answer says does not exist; the codebook's named cross-checks (vacancies not above
headcount, an apprentice count only where apprentices would be hosted...); and duplicates:
the same platform response id twice, the same answers twice, or the same respondent (the
codebook's ``identity`` fields) twice, where the first is kept and the later ones are refused.

A column map that is wrong itself (a target or code the codebook does not have) raises
:class:`~assessment.survey.codebook.ColumnMapError` before any row is read: the map is at
fault, not the data.
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
    ColumnMapError,
    Option,
    SurveyField,
    load_platforms,
    naics_codes,
    naics_in_scope,
    norm,
    soc_codes,
)
from assessment.survey.columns import (
    FROM_HEADER,
    NO_ENTRY,
    Column,
    ColumnMap,
    HeaderIndex,
    Layout,
    layout,
    load_column_map,
    map_beside,
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
MAX_ALLOWED_SHOWN = 15
YES_NO = ("Yes", "No")

# Rule names: every problem found in an export carries one (codebook rules add their own).
RULES = {
    "header": "the header (unknown, unmapped, doubled or missing columns)",
    "required": RULE_REQUIRED,
    "choice": RULE_CHOICE,
    "county": RULE_COUNTY,
    "yes_no": "not a yes/no answer",
    "number": "not a number, or not a whole number where a count is asked",
    "range": "number out of the codebook's range",
    "date": "not a date",
    "naics": "not a 2022 NAICS code inside the survey's industry",
    "soc": "not a 2018 SOC detailed occupation code",
    "unfinished": "unfinished response (platform Finished / Progress columns)",
    "test_response": "test, preview or spam response (platform Status / DistributionChannel)",
    "no_entry_with_answers": "answers for a block entry that another answer says does not exist",
    "duplicate_id": "the same platform response id twice",
    "duplicate_answers": "the same answers twice",
    "duplicate_respondent": "the same respondent (the codebook's identity fields) twice",
    "no_answers": "a row with no answers",
}


@dataclass(frozen=True, eq=False)
class SurveyProblem(Problem):
    """A problem in one response: a :class:`Problem` plus the rule's name, the response's
    number in the export (1 = first data row) and, kept in memory only, the platform's
    response id. Equal to the plain :class:`Problem` with the same file, row, column, value
    and rule."""

    name: str = ""
    response: int | None = None
    response_id: str | None = field(default=None, repr=False)  # confidential: not printed
    allowed: tuple[str, ...] = ()

    def _base(self) -> tuple:
        return (self.file, self.row, self.column, self.value, self.rule)

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Problem):
            return self._base() == (other.file, other.row, other.column, other.value,
                                    other.rule)
        return NotImplemented

    def __hash__(self) -> int:
        return hash(self._base())

    def describe(self, show_id: bool = False) -> str:
        """The message; ``show_id`` adds the platform's response id (confidential)."""
        where = self.file
        if self.row is not None:
            where += f", row {self.row}"
            if self.response is not None:
                rid = f", id {self.response_id}" if show_id and self.response_id else ""
                where += f" (response {self.response}{rid})"
        if self.column:
            where += f", column {self.column!r}"
        text = f"{where}: {self.rule}" + ("" if self.value is None else f" (value {self.value!r})")
        if self.allowed:
            shown = ", ".join(self.allowed[:MAX_ALLOWED_SHOWN])
            more = len(self.allowed) - MAX_ALLOWED_SHOWN
            text += f"; allowed: {shown}" + (f" and {more} more" if more > 0 else "")
        return text + (f" [{self.name}]" if self.name else "")

    def __str__(self) -> str:
        return self.describe()


def rule_name(p: Problem) -> str:
    """The name of the rule a problem breaks ('header' for a plain file problem)."""
    return getattr(p, "name", "") or "header"


class _Bad(Exception):
    """One cell breaks a rule (internal: becomes a Problem). ``value``: the part at fault."""

    def __init__(self, rule: str, value: object = None, name: str = "",
                 allowed: tuple[str, ...] = ()):
        super().__init__(rule)
        self.rule = rule
        self.value = value
        self.name = name
        self.allowed = allowed


class _Token:
    def __init__(self, name: str):
        self.name = name

    def __repr__(self) -> str:
        return f"<{self.name}>"


MISSING = _Token("missing")  # an answer the map says means "no value" (not asked, don't know)
DECLINED = _Token("no entry")  # an answer the map says means "no entry for this block"


@dataclass
class RowResult:
    """One response: its answers by codebook field (parsed), and what is wrong with it."""

    row: int
    cells: list[object]
    answers: dict[str, object] = field(default_factory=dict)  # field name -> parsed value
    problems: list[Problem] = field(default_factory=list)
    response_id: str | None = None  # the platform's id: confidential, kept in memory only
    submitted: date | None = None
    response: int | None = None  # 1 = the export's first response

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
    column_map: ColumnMap | None = None
    map_path: Path | None = None

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
        raise _Bad("not a number", name="number")
    if isinstance(value, int | float):
        number = float(value)
    else:
        text = _text(value).replace(",", "").replace("$", "").replace(" ", "")
        try:
            number = float(text)
        except ValueError:
            raise _Bad("not a number", name="number") from None
    if not math.isfinite(number):
        raise _Bad("not a number", name="number")
    if whole:
        if not number.is_integer():
            raise _Bad("not a whole number", name="number")
        return int(number)
    return number


def parse_bool(value: object) -> bool:
    key = norm(_text(value))
    if key in _TRUE:
        return True
    if key in _FALSE:
        return False
    raise _Bad("not a yes/no answer", name="yes_no", allowed=YES_NO)


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
            raise _Bad("not a date", name="date")
    if not SERIAL_RANGE[0] <= number < SERIAL_RANGE[1]:
        raise _Bad("not a date (Excel serial outside 2000-2099)", name="date")
    return (EXCEL_EPOCH + timedelta(days=number)).date()


def normalise_soc(value: object) -> str:
    text = _text(value)
    m = re.match(r"^(\d{2})-?(\d{4})(?:\.\d{2})?(?:\s|$)", text)
    code = f"{m.group(1)}-{m.group(2)}" if m else text
    if code not in soc_codes():
        raise _Bad("not a 2018 SOC detailed occupation code", name="soc")
    return code


def normalise_naics(value: object, scope: dict[str, str], sector: str) -> str:
    text = _text(value)
    m = re.match(r"^(\d{2,6})(?:\s|$)", text)
    code = m.group(1) if m else text
    if code not in naics_codes():
        raise _Bad("not a 2022 NAICS code", name="naics")
    if len(code) < 3:
        raise _Bad("NAICS sector only: give at least the 3-digit subsector", name="naics")
    if code not in scope:
        raise _Bad(f"NAICS code outside the survey's industry ({sector})", name="naics")
    return code


def _option_text(o: Option) -> str:
    return o.label if norm(o.label) == norm(o.code) else f"{o.label} ({o.code})"


class _Choices:
    """Answer text -> option, by code, label, platform recode number, alias or the column
    map's values (which may also say an answer means missing or no entry).

    ``recodes``: whether the codebook's platform numbers are read. They are not for columns
    matched through a column map: another questionnaire numbers its own answers, so its "5"
    on a five-point scale must not be read as the codebook's recode 5.
    """

    def __init__(self, options: tuple[Option, ...], value_map: dict[str, str | None] | None = None,
                 rule: str = RULE_CHOICE, name: str = "choice", recodes: bool = True,
                 their_labels: tuple[str, ...] = ()):
        self.rule = rule
        self.name = name
        self.options = {o.code: o for o in options}
        self.lookup: dict[str, Option | _Token] = {}
        for o in options:
            for key in (o.code, o.label, *o.aliases):
                self.lookup.setdefault(norm(key), o)
            if recodes and o.recode is not None:
                self.lookup.setdefault(str(o.recode), o)
        for theirs, code in (value_map or {}).items():
            if code is None:
                self.lookup[theirs] = MISSING
            elif code == NO_ENTRY:
                self.lookup[theirs] = DECLINED
            elif code in self.options:
                self.lookup[theirs] = self.options[code]
        self.allowed = tuple(their_labels) + tuple(
            _option_text(o) for o in options if norm(o.label) not in
            {norm(t) for t in their_labels})

    def _bad(self, value: object) -> _Bad:
        return _Bad(self.rule, value, name=self.name, allowed=self.allowed)

    def one(self, value: object) -> Option | _Token:
        found = self.lookup.get(norm(_text(value)))
        if found is None:
            raise self._bad(None)
        return found

    def many(self, value: object) -> list[Option | _Token]:
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
            raise self._bad("; ".join(unknown) or text)
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
        self.excluded_channels = {norm(s) for s in self.platforms.excluded_channels}

    def check_file(self, path: str | Path, column_map: ColumnMap | str | Path | None = None,
                   *, beside: bool = True) -> Checked:
        """Check one export. Without ``column_map``, a map saved beside the export
        (``<export>.map.yml``) is used when there is one (``beside=False``: never)."""
        path = Path(path)
        map_path = None
        if column_map is None and beside:
            column_map = map_beside(path)
        if column_map is not None and not isinstance(column_map, ColumnMap):
            map_path = Path(column_map)
            column_map = load_column_map(map_path)
        if column_map is not None and column_map.survey not in (None, self.codebook.survey):
            raise InputError(Problem(str(map_path or "column map"), None, "survey",
                                     column_map.survey, f"column map is for another survey, not"
                                     f" {self.codebook.survey}"))
        raw = read_export(path)
        lay = layout(raw, self.index, column_map, map_path)
        if column_map is not None:
            constants = self._check_map(column_map, lay)
            if lay.map_errors:
                raise ColumnMapError(map_path or "column map", lay.map_errors)
            lay.constants = constants
        rows = [self._check_row(str(path), line, cells, lay, n)
                for n, (line, cells) in enumerate(raw.rows[lay.header_rows:], start=1)]
        self._duplicates(str(path), rows, lay)
        return Checked(self.codebook.survey, path, raw, lay, rows, column_map, map_path)

    # the column map's own faults ----------------------------------------------------------

    def _check_target(self, f: SurveyField, target: str | None) -> str | None:
        """Why ``target`` (a value map's or constant's value) is no answer for ``f``."""
        if target is None:
            return None
        if target == NO_ENTRY:
            return None if f.block is not None else (
                f"{NO_ENTRY!r} is only for a block entry's variables, not {f.name}")
        t = f.var.type
        if t in ("single", "multi", "rating"):
            codes = [o.code for o in self.codebook.options(f.var, self.region)]
            if target not in codes:
                shown = ", ".join(codes[:MAX_ALLOWED_SHOWN]) + (", ..." if len(codes) >
                                                                 MAX_ALLOWED_SHOWN else "")
                return f"{target!r} is not a code of {f.var.name} (codes: {shown})"
            return None
        if t in ("contact", "text"):
            return None
        try:
            self._parse(f, target, None)
        except _Bad as exc:
            return f"{target!r} is no answer for {f.var.name}: {exc.rule}"
        return None

    def _check_map(self, cmap: ColumnMap, lay: Layout) -> dict[str, object]:
        """Add the map's faults to ``lay.map_errors``; return the constants, parsed."""
        errors = lay.map_errors
        by_text = {norm(t): c for c in lay.columns for t in c.texts}
        variables = {v.name: v for v in self.codebook.all_variables()}
        fields = self.codebook.fields()
        for key, mapping in cmap.values.items():
            if key in variables:
                targets = [f for f in fields if f.var.name == key][:1]
            elif key in self.index.by_name and self.index.by_name[key].kind == "field":
                targets = [self.index.by_name[key].field]
            elif norm(key) in by_text:
                c = by_text[norm(key)]
                if c.target is None or c.target.kind != "field":
                    errors.append(f"values.{key!r}: the column is not one of the codebook's"
                                  " questions, so its answers cannot be mapped")
                    continue
                targets = [c.target.field]
            else:
                continue  # reported by layout()
            for f in targets:
                for theirs, target in mapping.items():
                    why = self._check_target(f, target)
                    if why is not None:
                        errors.append(f"values.{key!r}.{theirs!r}: {why}")
        parsed: dict[str, object] = {}
        for name, value in lay.constants.items():
            f = self.index.by_name[name].field
            if value in (None, NO_ENTRY, FROM_HEADER):
                errors.append(f"{lay.constant_keys[name]}: a constant needs a value")
                continue
            why = self._check_target(f, value)
            if why is not None:
                errors.append(f"{lay.constant_keys[name]}: {why}")
                continue
            parsed[name] = (value if f.var.type in ("single", "multi", "rating")
                            else self._parse(f, value, None))
            if f.var.type == "rating":
                parsed[name] = int(value)
            elif f.var.type == "multi":
                parsed[name] = {value}
        return parsed

    # one row ------------------------------------------------------------------------------

    def _choices(self, f: SurveyField, col: Column | None) -> _Choices:
        county = f.var.codes == COUNTIES
        return _Choices(self.codebook.options(f.var, self.region),
                        col.values if col is not None else None,
                        RULE_COUNTY if county else RULE_CHOICE,
                        "county" if county else "choice",
                        recodes=col is None or not col.mapped,
                        their_labels=col.value_labels if col is not None else ())

    def _parse(self, f: SurveyField, value: object, col: Column | None) -> object:
        """The answer in one cell: a value, or MISSING / DECLINED (per the column map)."""
        t = f.var.type
        if t in ("single", "rating"):
            opt = self._choices(f, col).one(value)
            if isinstance(opt, _Token):
                return opt
            if t == "rating":
                return None if opt.missing else int(opt.code)  # the codebook's "n/a"
            return opt.code
        if t == "multi":
            chosen = self._choices(f, col).many(value)
            if any(o is DECLINED for o in chosen):
                return DECLINED
            codes = {o.code for o in chosen if isinstance(o, Option)}
            return codes if codes else MISSING
        vmap = (col.values or {}) if col is not None else {}
        key = norm(_text(value))
        if key in vmap:
            mapped = vmap[key]
            if mapped is None:
                return MISSING
            if mapped == NO_ENTRY:
                return DECLINED
            value = mapped
        if t == "boolean":
            return parse_bool(value)
        if t in ("integer", "number"):
            number = parse_number(value, whole=t == "integer")
            lo, hi = f.var.min, f.var.max
            if (lo is not None and number < lo) or (hi is not None and number > hi):
                raise _Bad(f"out of range: {lo:g} to {hi:g}", name="range")
            return number
        if t == "naics":
            return normalise_naics(value, self.scope, self.region.industry.sector)
        if t == "soc":
            return normalise_soc(value)
        if t == "text":
            return True  # only "given" is kept
        raise AssertionError(t)

    def _status(self, res: RowResult, cell, bad, lay: Layout) -> None:
        """Unfinished and test responses, as the platform's columns say (map: responses:)."""
        opts = lay.responses
        if opts.test == "quarantine":
            c = lay.platform("status")
            if c is not None and norm(_text(cell(c))) in self.excluded_status:
                bad(c.header, _text(cell(c)), "test, preview or spam response (platform"
                    " status)", "test_response")
            c = lay.platform("channel")
            if c is not None and norm(_text(cell(c))) in self.excluded_channels:
                bad(c.header, _text(cell(c)), "test or preview response (distribution"
                    " channel)", "test_response")
        if opts.unfinished != "quarantine":
            return
        finished = lay.platform("finished")
        progress = lay.platform("progress")
        done = None
        if finished is not None and not is_blank(cell(finished)):
            try:
                done = parse_bool(cell(finished))
            except _Bad as exc:
                bad(finished.header, _shown(cell(finished)), exc.rule, exc.name, exc.allowed)
        pct = None
        if progress is not None and not is_blank(cell(progress)):
            try:
                pct = parse_number(str(_text(cell(progress))).rstrip("%"), whole=False)
            except _Bad as exc:
                bad(progress.header, _shown(cell(progress)), exc.rule, exc.name)
        if done is True:
            return
        if pct is not None and pct < opts.min_progress:
            bad(progress.header, _shown(cell(progress)), "unfinished response: progress below"
                f" {opts.min_progress:g}%", "unfinished")
        elif done is False and pct is None:
            bad(finished.header, _shown(cell(finished)), "unfinished response: the respondent"
                " did not reach the end", "unfinished")

    def _check_row(self, file: str, line: int, cells: list[object], lay: Layout,
                   number: int | None = None) -> RowResult:
        res = RowResult(line, cells, response=number)

        def cell(col: Column) -> object:
            return cells[col.index] if col.index < len(cells) else None

        def bad(col_header: str | None, value: object, rule: str, name: str = "",
                allowed: tuple[str, ...] = ()) -> None:
            res.problems.append(SurveyProblem(file, line, col_header, value, rule, name,
                                              res.response, res.response_id, tuple(allowed)))

        # Platform columns: id, submission date, status.
        if (c := lay.platform("id")) is not None and not is_blank(cell(c)):
            res.response_id = _text(cell(c))
        if (c := lay.platform("submitted")) is not None and not is_blank(cell(c)):
            try:
                res.submitted = parse_date(cell(c))
            except _Bad as exc:
                bad(c.header, _shown(cell(c)), exc.rule, exc.name)
        self._status(res, cell, bad, lay)

        by_field = lay.by_field()
        headers: dict[str, str] = {}
        missing: dict[str, object] = {}  # field -> the answer the map says means "no value"
        declined: dict[tuple[str, int], tuple[str, object]] = {}  # entry -> (header, answer)
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
                    answer = self._parse(f, cell(col), col)
                except _Bad as exc:
                    shown = exc.value if exc.value is not None else _shown(cell(col))
                    bad(col.header, None if f.var.confidential else shown, exc.rule, exc.name,
                        exc.allowed)
                    res.answers[f.name] = _INVALID
                else:
                    if answer is MISSING:
                        missing[f.name] = None if f.var.confidential else _shown(cell(col))
                    elif answer is DECLINED:
                        declined[(f.block.name, f.n)] = (col.header, _shown(cell(col)))
                    else:
                        res.answers[f.name] = answer
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
                        bad(oc.header, _shown(value), exc.rule, exc.name, exc.allowed)
                if answered and res.answers.get(f.name) is not _INVALID:
                    res.answers[f.name] = chosen

        # Entries another answer says do not exist: no answers allowed, none kept.
        for (block_name, n), (header, answer) in declined.items():
            entry = [g.name for g in self.codebook.fields()
                     if g.block is not None and g.block.name == block_name and g.n == n]
            given = [headers.get(name, name) for name in entry if name in res.answers]
            if given:
                bad(header, answer, f"this answer means no {block_name} entry, yet"
                    f" {', '.join(repr(g) for g in given)} is answered",
                    "no_entry_with_answers")
            for name in entry:
                res.answers.pop(name, None)
                missing.pop(name, None)
        # Constants (a fixed occupation matrix's SOC codes) for every entry with an answer.
        for name, value in lay.constants.items():
            f = self.index.by_name[name].field
            if (f.block.name, f.n) in declined or name in res.answers:
                continue
            entry = [g.name for g in self.codebook.fields() if g.block is f.block
                     and g.n == f.n]
            if any(g in res.answers for g in entry):
                res.answers[name] = value
                headers.setdefault(name, name)

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
            rule = RULE_REQUIRED
            if f.name in missing:
                rule += " (the column map reads this answer as no value)"
            bad(headers.get(f.name, f.name), missing.get(f.name), rule, "required")
        self._rules(res, headers, bad)
        if not res.answers and not res.problems and not missing:
            bad(None, None, "no answers", "no_answers")
        return res

    def _rules(self, res: RowResult, headers: dict[str, str], bad) -> None:
        fields = self.codebook.fields()

        def value(name: str):
            v = res.answers.get(name)
            return None if v is _INVALID else v

        def head(name: str) -> str:
            return headers.get(name, name)

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
                        bad(head(f.name), lv, rule.text(left=head(f.name), right=head(right),
                                                        left_value=f"{lv:g}",
                                                        right_value=f"{rv:g}"), rule.name)
            elif rule.kind == "le":
                lv, rv = value(lvar), value(rvar)
                if lv is not None and rv is not None and lv > rv:
                    bad(head(lvar), lv, rule.text(left=head(lvar), right=head(rvar),
                                                  left_value=f"{lv:g}", right_value=f"{rv:g}"),
                        rule.name)
            elif rule.kind == "sum_le":
                parts = [value(f.name) for f in fields if f.block is not None
                         and f.block.name == lblock and f.var.name == lvar]
                total = sum(v for v in parts if v is not None)
                rv = value(rvar)
                if rv is not None and total > rv:
                    bad(head(rvar), rv, rule.text(block=lblock, variable=lvar,
                                                  total=f"{total:g}", right=head(rvar),
                                                  right_value=f"{rv:g}"), rule.name)
            else:  # only_if
                rv = value(rvar)
                lv = value(lvar)
                if lv in (None, 0, False, "") or lv == set() or rv is None:
                    continue
                ok = (rv == bool(rule.equals) if isinstance(rv, bool)
                      else str(rv) == str(rule.equals))
                if not ok:
                    shown = ("yes" if rv else "no") if isinstance(rv, bool) else rv
                    bad(head(lvar), lv if not isinstance(lv, set) else sorted(lv),
                        rule.text(left=head(lvar), right=head(rvar), left_value=lv,
                                  right_value=shown), rule.name)

    # across rows ------------------------------------------------------------------------

    def _duplicates(self, file: str, rows: list[RowResult], lay: Layout) -> None:
        id_col = lay.platform("id")
        first_id: dict[str, int] = {}
        first_content: dict[str, int] = {}
        first_identity: dict[tuple, int] = {}

        def dup(r: RowResult, column: str | None, rule: str, name: str) -> None:
            r.problems.append(SurveyProblem(file, r.row, column, None, rule, name, r.response,
                                            r.response_id))

        for r in rows:
            if r.response_id is not None:
                if r.response_id in first_id:
                    dup(r, id_col.header, "duplicate response: same response id as row"
                        f" {first_id[r.response_id]}", "duplicate_id")
                    continue
                first_id[r.response_id] = r.row
            content = content_key(r)
            if len(r.answers) >= MIN_ANSWERS_FOR_CONTENT_DUPLICATE:
                if content in first_content:
                    dup(r, None, "duplicate response: same answers as row"
                        f" {first_content[content]}", "duplicate_answers")
                    continue
                first_content[content] = r.row
            ident = tuple(norm(_text(r.answers.get(v))) for v in self.codebook.identity)
            if self.codebook.identity and all(ident):
                if ident in first_identity:
                    dup(r, None, f"duplicate response: same {self.codebook.unit} as row"
                        f" {first_identity[ident]}", "duplicate_respondent")
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
