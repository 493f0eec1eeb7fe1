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

Repeated waves append. Re-ingesting a file already ingested (same bytes) changes nothing, and a
later export that repeats responses already ingested counts them as accepted before, never
twice.

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
from assessment.survey.columns import ColumnMap
from assessment.survey.reader import SUFFIXES
from assessment.survey.validate import Checked, Checker, RowResult, _Invalid, content_key

log = logging.getLogger(__name__)

SALT_ENV = "ASSESSMENT_SURVEY_SALT"
SALT_FILE = ".salt"
LOG_TABLE = "survey_ingest_log"
MAP_SUFFIX = ".map.yml"  # a column map saved beside an export: <export stem>.map.yml

# QCEW establishment size classes (size_code 1-9): lower bound of employees in each.
SIZE_CLASS_LOWER = (0, 5, 10, 20, 50, 100, 250, 500, 1000)

LOG_COLUMNS = ["ingest_id", "survey", "wave", "mode", "file_sha256", "file_type", "ingested_at",
               "input_rows", "accepted_new", "accepted_before", "quarantined"]


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
        path.write_text(secrets.token_hex(32) + "\n", encoding="utf-8")
        path.chmod(0o600)
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


def _append(dirs: DataDirs, name: str, new: pd.DataFrame, key: list[str]) -> None:
    path = dirs.processed_file(name)
    if path.exists():
        old = pd.read_parquet(path)
        new = new[~new.set_index(key).index.isin(old.set_index(key).index)]
        if new.empty:
            return
        new = pd.concat([old, new.astype(old.dtypes.to_dict())], ignore_index=True)
    write_table(new, path)


# --- quarantine -----------------------------------------------------------------------------


def _write_quarantine(path: Path, checked: Checked, rows: list[RowResult]) -> None:
    """Refused rows as received, each with its reasons (confidential folder only)."""
    lay = checked.layout
    headers = [c.header for c in lay.columns]
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(["file", "file_row", "reasons", *headers])
    for r in rows:
        reasons = "; ".join(f"{p.column or '(row)'}: {p.rule}" for p in r.problems)
        cells = [r.cells[c.index] if c.index < len(r.cells) else None for c in lay.columns]
        w.writerow([checked.file.name, r.row, reasons, *["" if v is None else v for v in cells]])
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(buf.getvalue(), encoding="utf-8")


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


def _read_log(dirs: DataDirs) -> pd.DataFrame:
    path = dirs.processed_file(LOG_TABLE)
    if path.exists():
        return pd.read_parquet(path)
    return pd.DataFrame(columns=LOG_COLUMNS)


def ingest_file(survey: str, path: str | Path, region: Region, dirs: DataDirs, *,
                column_map: ColumnMap | str | Path | None = None, wave: str | None = None
                ) -> IngestResult:
    """Ingest one export. Raises :class:`InputError` (nothing written) on structural problems."""
    path = Path(path)
    checker = Checker(load_codebook(survey), region)
    cb = checker.codebook
    file_sha = sha256_of(path) if path.is_file() else ""
    ingest_id = file_sha[:16]
    done = _read_log(dirs)
    prior = done[(done["survey"] == survey) & (done["file_sha256"] == file_sha)]
    if file_sha and not prior.empty:
        p = prior.iloc[0]
        return IngestResult(survey, p["ingest_id"], p["wave"], int(p["input_rows"]),
                            int(p["accepted_new"]), int(p["accepted_before"]),
                            int(p["quarantined"]), None, already_ingested=True)

    checked = checker.check_file(path, column_map)
    if checked.file_problems:
        raise InputError(checked.file_problems)
    wave = _wave(checked, wave)
    key = salt(dirs)

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
        _write_quarantine(quarantine_file, checked, refused)

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
                          len(refused), quarantine_file)
    assert result.input_rows == result.accepted + result.quarantined
    entry = pd.DataFrame([{
        "ingest_id": ingest_id, "survey": survey, "wave": wave, "mode": dirs.mode.value,
        "file_sha256": file_sha, "file_type": path.suffix.lower().lstrip("."),
        "ingested_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "input_rows": result.input_rows, "accepted_new": result.accepted_new,
        "accepted_before": result.accepted_before, "quarantined": result.quarantined,
    }], columns=LOG_COLUMNS).astype({c: "string" for c in LOG_COLUMNS[:7]} | {
        c: "Int64" for c in LOG_COLUMNS[7:]})
    _append(dirs, LOG_TABLE, entry, ["survey", "file_sha256"])
    reasons = Counter(p.rule.split(":")[0] for r in refused for p in r.problems)
    log.info("%s", result.summary())
    for rule, n in sorted(reasons.items()):
        log.info("  quarantined for %r: %d", rule, n)
    return result


def export_files(survey: str, region: Region, dirs: DataDirs) -> list[Path]:
    """Exports matching the region's ``surveys.<survey>`` glob under ``dirs.surveys``."""
    pattern = getattr(region.surveys, survey)
    return sorted(p for p in dirs.surveys.glob(pattern)
                  if p.is_file() and p.suffix.lower() in SUFFIXES and not p.name.startswith(".")
                  and dirs.quarantine not in p.parents)


def column_map_for(export: Path) -> Path | None:
    candidate = export.with_name(export.stem + MAP_SUFFIX)
    return candidate if candidate.exists() else None


def ingest_all(region: Region, mode: Mode | str = Mode.REAL, dirs: DataDirs | None = None
               ) -> dict[str, dict[str, int]]:
    """Ingest every export of every survey the region names (``make`` runs this first).

    Returns counts per survey: files, input_rows, accepted, quarantined. A column map saved
    beside an export as ``<export stem>.map.yml`` is used for it.
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
