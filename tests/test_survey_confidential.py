"""Nothing confidential leaves data/raw/surveys/.

Unmistakable marker strings are planted in every confidential field of an export (every
codebook variable marked confidential and every confidential platform column), in a valid row,
in rows that are refused (unknown county, duplicate establishment, duplicate response id), and
the export is validated and ingested through the command line and the library. No marker may
appear in any file written outside data/raw/surveys/ (parquet files are decoded, not only
grepped), in the command's output, or in the log.
"""

from __future__ import annotations

import csv
import logging

import pandas as pd
import pytest
from typer.testing import CliRunner

from assessment import paths
from assessment.cli import app
from assessment.survey import ingest
from assessment.survey.codebook import load_codebook, load_platforms
from assessment.survey.ingest import ingest_all, ingest_file

MARK = "ZZMARKER"
TAG = "7f3a"

# Valid answers for the required, non-confidential questions of each survey.
VALID = {
    "employer": {"county": "Fresno", "naics": "311421", "total_employment": "50",
                 "union_status": "No", "occ1_soc": "49-9041", "occ1_headcount": "3",
                 "benefits": "Health insurance,Other (please specify)",
                 "training_methods": "Other (please specify)",
                 "hiring_barriers": "Other (please specify)", "RecordedDate": "2026-03-02 10:00"},
    "union": {"counties": "Fresno;Kern", "membership_total": "300",
              "affiliation": "Other (please specify)", "training_needs": "Other (please specify)",
              "member_barriers": "Other (please specify)",
              "job_quality": "Other (please specify)", "occ1_soc": "51-4121",
              "occ1_members": "40", "RecordedDate": "2026-03-02 10:00"},
}
BAD_COUNTY = {"employer": ("county", "Sacramento"), "union": ("counties", "Los Angeles")}


def _marker(name: str, row: int) -> str:
    text = f"{MARK}-{name.upper()}-{TAG}-r{row}"
    return f"{text.lower()}@example.org" if "email" in name.lower() else text


def _export(survey: str, folder) -> tuple:
    cb = load_codebook(survey)
    secret = [v.name for v in cb.variables if v.confidential]
    secret += [p.name for p in load_platforms().columns if p.confidential and p.role != "id"]
    header = ["ResponseId"] + secret + list(VALID[survey])
    rows = []
    for n in range(1, 4):
        row = {"ResponseId": f"R_{MARK}{TAG}{n}", **VALID[survey]}
        row.update({name: _marker(name, n) for name in secret})
        rows.append(row)
    rows[1][BAD_COUNTY[survey][0]] = BAD_COUNTY[survey][1]  # refused: unknown county
    identity = cb.identity
    for name in identity:  # refused: same respondent as the first row, other answers
        rows[2][name] = rows[0][name]
    rows[2]["occ1_soc"] = "51-9111"
    rows.append(dict(rows[0]))  # refused: the first response exported twice
    path = folder / survey / f"{survey}-export.csv"
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", newline="", encoding="utf-8") as fh:
        w = csv.DictWriter(fh, fieldnames=header)
        w.writeheader()
        w.writerows(rows)
    return path, secret


def _leaks(text: str) -> bool:
    return MARK.lower() in text.lower() or f"-{TAG}-" in text


def _scan(root, surveys_dir) -> list[str]:
    """Files outside the confidential folder that contain a marker."""
    found = []
    for path in root.rglob("*"):
        if not path.is_file() or surveys_dir in path.parents:
            continue
        if _leaks(path.read_bytes().decode("latin-1")):
            found.append(str(path))
        if path.suffix == ".parquet":
            frame = pd.read_parquet(path)
            cells = " ".join(map(str, [*frame.columns, *frame.to_numpy().ravel()]))
            if _leaks(cells):
                found.append(f"{path} (decoded)")
    return found


@pytest.mark.parametrize("survey", ["employer", "union"])
def test_no_marker_leaves_the_confidential_folder(survey, dirs, tmp_path, monkeypatch, caplog):
    monkeypatch.setenv(ingest.SALT_ENV, "test-salt")
    monkeypatch.setattr(paths, "data_dirs", lambda mode=paths.Mode.REAL, region=None: dirs)
    caplog.set_level(logging.DEBUG)
    export, secret = _export(survey, dirs.surveys)
    assert len(secret) >= 8  # contact fields, free text and platform columns all planted
    runner = CliRunner()

    checked = runner.invoke(app, ["--verbose", "survey", "validate", survey, str(export)])
    assert checked.exit_code == 1  # three refused rows
    ingested = runner.invoke(app, ["--verbose", "survey", "ingest", survey, str(export)])
    assert ingested.exit_code == 0, ingested.output
    assert "4 input rows = 1 accepted (1 new, 0 already ingested) + 3 quarantined" \
        in ingested.output
    again = ingest_file(survey, export, load_region_default(), dirs)  # library path, re-run
    assert again.already_ingested
    counts = ingest_all(load_region_default(), dirs=dirs)
    assert counts[survey]["input_rows"] == 4

    for result in (checked, ingested):
        assert not _leaks(result.output)
        assert not _leaks(getattr(result, "stderr", "") or "")
    assert not _leaks(caplog.text)
    assert _scan(tmp_path, dirs.surveys) == []

    # The markers did reach the processed stage's inputs: the quarantine file (inside the
    # confidential folder) holds them, so the scan above was looking for something real.
    (quarantined,) = list((dirs.quarantine / survey).glob("*.csv"))
    assert _leaks(quarantined.read_text(encoding="utf-8"))
    respondents = pd.read_parquet(dirs.processed_file(load_codebook(survey).respondent_table))
    assert len(respondents) == 1
    assert respondents.filter(like="_given").iloc[0].all()  # every free text reduced to True
    for name in secret:
        assert name not in respondents.columns


def load_region_default():
    from assessment.region import load_region

    return load_region(paths.DEFAULT_REGION)
