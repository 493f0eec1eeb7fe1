"""Ingest survey exports into processed tables, losing nothing and leaking nothing.

Every data row of an export ends up either **accepted** (its answers appended to the processed
tables) or **quarantined** (listed with its reasons in a file under ``dirs.quarantine``, which is
as confidential as the export). ``input rows = accepted + quarantined`` for every file, and the
ingestion log (``survey_ingest_log``) records the counts, never any content. A file with
structural problems (a required column missing, a column that maps to nothing) is refused
whole, before any row is processed, with every problem listed.

Confidentiality: processed tables carry a pseudonymous ``respondent_id`` only, a keyed hash
(HMAC-SHA256) of the survey, wave and the platform's response id (or, without one, of the
answers). The key is ``ASSESSMENT_SURVEY_SALT`` or, failing that, a random salt kept in
``data/raw/surveys/<slug>/.salt`` (git-ignored, created on first use): without it the ids cannot be
traced back. Contact fields are dropped, free text becomes a boolean "given", and nothing
confidential is logged or printed.

Repeated waves append. An export is ingested once per *ingestion key*: the export's bytes, what
its column map says and the codebook's version. Re-ingesting with the same key changes nothing;
a corrected map (or a new codebook version) re-ingests the export in place of its earlier
ingestion, so rows the old map quarantined come back and accepted rows are never doubled. A
later export that repeats responses already ingested counts them as accepted before, never
twice.

Quarantine files hold raw rows (names, e-mails): they are written owner-only (0600, folders
0700), like the processed survey tables and the salt. Each lists, beside the file row, the
response number, the platform's response id, the names of the rules broken and the reasons
with the values at fault.

Processed tables (``data/processed/<slug>/<name>.parquet``):

* ``survey_employer_establishments`` / ``survey_union_locals``: one row per response;
* one long table per repeated block: ``survey_employer_occupations`` (respondent_id, wave,
  soc, headcount, vacancies, hard_to_fill, hires_12m, hires_3y, retirements_5y, wage_start,
  wage_typical), ``survey_union_occupations``, ``survey_union_programs``;
* ``survey_ingest_log``: one row per file ingested, counts only.
"""

from __future__ import annotations

import csv
import hashlib
import hmac
import io
import logging
import os
import secrets
from collections import Counter
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import pandas as pd

from assessment import paths
from assessment.dataset import write_table
from assessment.download import sha256_of
from assessment.errors import InputError, Problem
from assessment.paths import DataDirs, Mode
from assessment.region import Region
from assessment.survey.codebook import SURVEYS, Codebook, load_codebook
from assessment.survey.columns import MAP_SUFFIX, ColumnMap, load_column_map, map_beside  # noqa: F401 (MAP_SUFFIX: re-exported)
from assessment.survey.reader import SUFFIXES
from assessment.survey.validate import (
    Checked,
    Checker,
    RowResult,
    _Invalid,
    content_key,
    rule_name,
)

log = logging.getLogger(__name__)

SALT_ENV = "ASSESSMENT_SURVEY_SALT"
SALT_FILE = ".salt"
LOG_TABLE = "survey_ingest_log"
PRIVATE_FILE = 0o600  # confidential files: owner read/write only
PRIVATE_DIR = 0o700

# QCEW establishment size classes (size_code 1-9): lower bound of employees in each.
SIZE_CLASS_LOWER = (0, 5, 10, 20, 50, 100, 250, 500, 1000)

LOG_COLUMNS = ["ingest_id", "survey", "wave", "mode", "file_sha256", "map_sha256",
               "codebook_version", "file_type", "ingested_at",
               "input_rows", "accepted_new", "accepted_before", "quarantined"]
_LOG_COUNTS = LOG_COLUMNS[9:]


def size_class(employment: int | None) -> int | None:
    """QCEW size code for an establishment's employment: 1 (fewer than 5) .. 9 (1,000 or more)."""
    if employment is None or pd.isna(employment):
        return None
    return sum(1 for lower in SIZE_CLASS_LOWER if employment >= lower) or 1


def salt(dirs: DataDirs) -> bytes:
    """The key behind respondent ids: the environment's, or the one kept beside the exports."""
    env = os.environ.get(SALT_ENV, "").strip()
    if env:
        return env.encode()
    path = dirs.surveys / SALT_FILE
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        _write_private(path, secrets.token_hex(32) + "\n")
        log.info("created a new survey salt file under %s", dirs.surveys)
    return path.read_text(encoding="utf-8").strip().encode()


def pseudonym(key: bytes, codebook: Codebook, wave: str, token: str) -> str:
    digest = hmac.new(key, f"{codebook.survey}\x1f{wave}\x1f{token}".encode(), hashlib.sha256)
    return f"{codebook.id_prefix}-{digest.hexdigest()[:16]}"


@dataclass(frozen=True)
class IngestResult:
    survey: str
    ingest_id: str
    wave: str
    input_rows: int
    accepted_new: int
    accepted_before: int
    quarantined: int
    quarantine_file: Path | None
    already_ingested: bool = False
    map_path: Path | None = None  # the column map used, if any

    @property
    def accepted(self) -> int:
        return self.accepted_new + self.accepted_before

    def summary(self) -> str:
        head = "already ingested, nothing changed: " if self.already_ingested else ""
        return (f"{head}{self.survey} wave {self.wave}: {self.input_rows} input rows ="
                f" {self.accepted} accepted ({self.accepted_new} new,"
                f" {self.accepted_before} already ingested) + {self.quarantined} quarantined")


# --- building the processed rows ------------------------------------------------------------


def _dtype(var_type: str) -> str:
    return {"single": "string", "naics": "string", "soc": "string", "rating": "Int64",
            "integer": "Int64", "number": "Float64", "boolean": "boolean",
            "text": "boolean"}[var_type]


def _value(answers: dict, name: str):
    v = answers.get(name)
    return None if isinstance(v, _Invalid) else v


def respondent_columns(checker: Checker) -> dict[str, str]:
    """Processed respondent-table columns and their dtypes, in codebook order."""
    cb, region = checker.codebook, checker.region
    cols = {"respondent_id": "string", "wave": "string"}
    for v in cb.variables:
        if v.type == "contact":
            continue
        if v.type == "multi":
            for o in cb.options(v, region):
                cols[f"{v.output}{o.code}"] = "boolean"
            continue
        cols[v.output] = _dtype(v.type)
        if v.type == "naics":
            cols[f"{v.output}3"] = "string"
            cols[f"{v.output}2"] = "string"
        if v.name == "total_employment":
            cols["size_class"] = "Int64"
    cols["ingest_id"] = "string"
    return cols


def block_columns(block) -> dict[str, str]:
    cols = {"respondent_id": "string", "wave": "string", "entry": "Int64"}
    for v in block.variables:
        cols[v.output] = _dtype(v.type)
    cols["ingest_id"] = "string"
    return cols


def _respondent_record(checker: Checker, r: RowResult, rid: str, wave: str, ingest_id: str
                       ) -> dict:
    cb, region = checker.codebook, checker.region
    rec: dict[str, object] = {"respondent_id": rid, "wave": wave}
    for v in cb.variables:
        if v.type == "contact":
            continue
        value = _value(r.answers, v.name)
        if v.type == "multi":
            for o in cb.options(v, region):
                rec[f"{v.output}{o.code}"] = None if value is None else o.code in value
            continue
        if v.type == "text":
            rec[v.output] = bool(value)
            continue
        rec[v.output] = value
        if v.type == "naics":
            rec[f"{v.output}3"] = value[:3] if value else None
            rec[f"{v.output}2"] = value[:2] if value else None
        if v.name == "total_employment":
            rec["size_class"] = size_class(value)
    rec["ingest_id"] = ingest_id
    return rec


def _block_records(checker: Checker, r: RowResult, rid: str, wave: str, ingest_id: str
                   ) -> dict[str, list[dict]]:
    out: dict[str, list[dict]] = {}
    for block in checker.codebook.blocks:
        rows = []
        for n in range(1, block.repeats + 1):
            names = {v.name: f"{block.prefix}{n}_{v.name}" for v in block.variables}
            if not any(names[v.name] in r.answers for v in block.variables):
                continue
            rec = {"respondent_id": rid, "wave": wave, "entry": n}
            for v in block.variables:
                rec[v.output] = _value(r.answers, names[v.name])
            rec["ingest_id"] = ingest_id
            rows.append(rec)
        out[block.table] = rows
    return out


def _frame(records: list[dict], columns: dict[str, str]) -> pd.DataFrame:
    frame = pd.DataFrame(records, columns=list(columns))
    return frame.astype(columns)


def _write_private(path: Path, text: str) -> None:
    """Write a confidential file owner-only (0600), whatever the umask, atomically."""
    tmp = path.with_name(f".{path.name}.part")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, PRIVATE_FILE)
    try:
        os.fchmod(fd, PRIVATE_FILE)
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as fh:
            fh.write(text)
        os.replace(tmp, path)
    finally:
        if tmp.exists():
            tmp.unlink()


def _private_dir(path: Path, top: Path) -> None:
    """Create ``path`` and its parents up to ``top`` owner-only (0700)."""
    path.mkdir(parents=True, exist_ok=True)
    for folder in [path, *path.parents]:
        folder.chmod(PRIVATE_DIR)
        if folder == top:
            break


def _write_survey_table(frame: pd.DataFrame, path: Path) -> None:
    write_table(frame, path)
    path.chmod(PRIVATE_FILE)  # survey tables: pseudonymous, still kept owner-only


def _append(dirs: DataDirs, name: str, new: pd.DataFrame, key: list[str]) -> None:
    path = dirs.processed_file(name)
    if path.exists():
        old = pd.read_parquet(path)
        new = new[~new.set_index(key).index.isin(old.set_index(key).index)]
        if new.empty:
            return
        new = pd.concat([old, new.astype(old.dtypes.to_dict())], ignore_index=True)
    _write_survey_table(new, path)


def _drop_ingestions(dirs: DataDirs, tables: list[str], ingest_ids: set[str]) -> None:
    """Remove the rows earlier ingestions of an export added (it is re-ingested in full)."""
    for name in tables:
        path = dirs.processed_file(name)
        if not path.exists():
            continue
        old = pd.read_parquet(path)
        keep = old[~old["ingest_id"].isin(ingest_ids)]
        if len(keep) != len(old):
            _write_survey_table(keep, path)


# --- quarantine -----------------------------------------------------------------------------


QUARANTINE_COLUMNS = ["file", "file_row", "response", "response_id", "rules", "reasons"]


def _reason(p) -> str:
    """``column: rule (value 'x')``; the value's semicolons become commas, since ';' parts
    reasons."""
    text = f"{p.column or '(row)'}: {p.rule}"
    if p.value is not None:
        shown = str(p.value).replace(";", ",")
        text += f" (value {shown!r})"
    return text


def _write_quarantine(path: Path, checked: Checked, rows: list[RowResult],
                      top: Path) -> None:
    """Refused rows as received, each with its rules and reasons (confidential, owner-only)."""
    lay = checked.layout
    headers = [c.header for c in lay.columns]
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow([*QUARANTINE_COLUMNS, *headers])
    for r in rows:
        rules = "; ".join(dict.fromkeys(rule_name(p) for p in r.problems))
        reasons = "; ".join(_reason(p) for p in r.problems)
        cells = [r.cells[c.index] if c.index < len(r.cells) else None for c in lay.columns]
        w.writerow([checked.file.name, r.row, r.response, r.response_id or "", rules, reasons,
                    *["" if v is None else v for v in cells]])
    _private_dir(path.parent, top)
    _write_private(path, buf.getvalue())


# --- ingestion ------------------------------------------------------------------------------


def _wave(checked: Checked, wave: str | None) -> str:
    if wave:
        return str(wave)
    dates = [r.submitted for r in checked.rows if r.submitted is not None]
    if not dates:
        raise InputError(Problem(str(checked.file), None, None, None,
                                 "cannot tell the survey wave: the export has no submission"
                                 " dates; pass --wave (e.g. --wave 2026)"))
    return str(max(dates).year)


def _log_frame(frame: pd.DataFrame) -> pd.DataFrame:
    frame = frame.reindex(columns=LOG_COLUMNS)
    text = [c for c in LOG_COLUMNS if c not in _LOG_COUNTS]
    frame[text] = frame[text].fillna("")
    return frame.astype({c: "string" for c in text} | {c: "Int64" for c in _LOG_COUNTS})


def _read_log(dirs: DataDirs) -> pd.DataFrame:
    path = dirs.processed_file(LOG_TABLE)
    if path.exists():
        return _log_frame(pd.read_parquet(path))  # older logs lack the map and codebook keys
    return _log_frame(pd.DataFrame(columns=LOG_COLUMNS))


def ingestion_key(file_sha: str, cmap: ColumnMap | None, version: str) -> tuple[str, str]:
    """(ingest id, map digest): what identifies one ingestion of one export."""
    map_sha = cmap.digest() if cmap is not None else ""
    key = hashlib.sha256(f"{file_sha}\x1f{map_sha}\x1f{version}".encode()).hexdigest()
    return key[:16], map_sha


def ingest_file(survey: str, path: str | Path, region: Region, dirs: DataDirs, *,
                column_map: ColumnMap | str | Path | None = None, wave: str | None = None
                ) -> IngestResult:
    """Ingest one export. Raises :class:`InputError` (nothing written) on structural problems."""
    path = Path(path)
    checker = Checker(load_codebook(survey), region)
    cb = checker.codebook
    if column_map is None:
        column_map = map_beside(path)
    map_path = None
    if column_map is not None and not isinstance(column_map, ColumnMap):
        map_path = Path(column_map)
        column_map = load_column_map(map_path)
    file_sha = sha256_of(path) if path.is_file() else ""
    ingest_id, map_sha = ingestion_key(file_sha, column_map, cb.version)
    done = _read_log(dirs)
    same_file = done[(done["survey"] == survey) & (done["file_sha256"] == file_sha)]
    prior = same_file[same_file["ingest_id"] == ingest_id]
    if file_sha and not prior.empty:
        p = prior.iloc[0]
        return IngestResult(survey, p["ingest_id"], p["wave"], int(p["input_rows"]),
                            int(p["accepted_new"]), int(p["accepted_before"]),
                            int(p["quarantined"]), None, already_ingested=True,
                            map_path=map_path)

    checked = checker.check_file(path, column_map, beside=False)
    if checked.file_problems:
        raise InputError(checked.file_problems)
    wave = _wave(checked, wave)
    key = salt(dirs)

    # The same export ingested before under another map or codebook: this ingestion replaces
    # it (its rows, log entry and quarantine file), so nothing is counted twice.
    superseded = set(same_file["ingest_id"]) if file_sha else set()
    if superseded:
        tables = [cb.respondent_table, *(b.table for b in cb.blocks)]
        _drop_ingestions(dirs, tables, superseded)
        for old in superseded:
            for q in (dirs.quarantine / survey).glob(f"*-{old}.csv"):
                q.unlink()
        log.info("%s: re-ingested (column map or codebook changed since)", path.name)

    existing: set[str] = set()
    resp_path = dirs.processed_file(cb.respondent_table)
    if resp_path.exists():
        existing = set(pd.read_parquet(resp_path, columns=["respondent_id"])["respondent_id"])

    accepted, before, refused = [], 0, []
    for r in checked.rows:
        if not r.ok:
            refused.append(r)
            continue
        rid = pseudonym(key, cb, wave, r.response_id or content_key(r))
        if rid in existing:
            before += 1
            continue
        existing.add(rid)
        accepted.append((rid, r))

    quarantine_file = None
    if refused:
        quarantine_file = dirs.quarantine / survey / f"{wave}-{ingest_id}.csv"
        _write_quarantine(quarantine_file, checked, refused, dirs.quarantine)

    resp_cols = respondent_columns(checker)
    records = [_respondent_record(checker, r, rid, wave, ingest_id) for rid, r in accepted]
    blocks: dict[str, list[dict]] = {b.table: [] for b in cb.blocks}
    for rid, r in accepted:
        for table, rows in _block_records(checker, r, rid, wave, ingest_id).items():
            blocks[table] += rows
    for block in cb.blocks:
        _append(dirs, block.table, _frame(blocks[block.table], block_columns(block)),
                ["respondent_id", "entry"])
    _append(dirs, cb.respondent_table, _frame(records, resp_cols), ["respondent_id"])

    result = IngestResult(survey, ingest_id, wave, len(checked.rows), len(accepted), before,
                          len(refused), quarantine_file, map_path=map_path)
    assert result.input_rows == result.accepted + result.quarantined
    entry = _log_frame(pd.DataFrame([{
        "ingest_id": ingest_id, "survey": survey, "wave": wave, "mode": dirs.mode.value,
        "file_sha256": file_sha, "map_sha256": map_sha, "codebook_version": cb.version,
        "file_type": path.suffix.lower().lstrip("."),
        "ingested_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "input_rows": result.input_rows, "accepted_new": result.accepted_new,
        "accepted_before": result.accepted_before, "quarantined": result.quarantined,
    }]))
    kept = done[~done["ingest_id"].isin(superseded | {ingest_id})]
    _write_survey_table(pd.concat([kept, entry], ignore_index=True) if len(kept) else entry,
                        dirs.processed_file(LOG_TABLE))
    reasons = Counter(rule_name(p) for r in refused for p in r.problems)
    log.info("%s", result.summary())
    for rule, n in sorted(reasons.items()):
        log.info("  quarantined for rule %s: %d", rule, n)
    return result


def export_files(survey: str, region: Region, dirs: DataDirs) -> list[Path]:
    """Exports matching the region's ``surveys.<survey>`` glob under ``dirs.surveys``."""
    pattern = getattr(region.surveys, survey)
    return sorted(p for p in dirs.surveys.glob(pattern)
                  if p.is_file() and p.suffix.lower() in SUFFIXES and not p.name.startswith(".")
                  and dirs.quarantine not in p.parents)


def column_map_for(export: Path) -> Path | None:
    """The column map saved beside an export (``<export>.map.yml``), if any."""
    return map_beside(export)


def ingest_all(region: Region, mode: Mode | str = Mode.REAL, dirs: DataDirs | None = None
               ) -> dict[str, dict[str, int]]:
    """Ingest every export of every survey the region names (``make`` runs this first).

    Returns counts per survey: files, input_rows, accepted, quarantined. A column map saved
    beside an export as ``<export stem>.map.yml`` (or ``<export name>.map.yml``) is used for
    it.
    """
    dirs = dirs or paths.data_dirs(mode, region)
    counts: dict[str, dict[str, int]] = {}
    for survey in SURVEYS:
        totals = Counter(files=0, input_rows=0, accepted=0, quarantined=0)
        for export in export_files(survey, region, dirs):
            res = ingest_file(survey, export, region, dirs, column_map=column_map_for(export))
            totals.update(files=1, input_rows=res.input_rows, accepted=res.accepted,
                          quarantined=res.quarantined)
        counts[survey] = dict(totals)
    return counts
