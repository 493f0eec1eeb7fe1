"""The synthetic survey exports: platform layouts, planted problems, consistency with Universe.

Expected counts come from the builder's documented design: 120 employer rows of which five are
planted problems (unknown county, bad SOC, vacancies above headcount, a Survey Preview response,
a response exported twice), and 25 union rows of which two are (unknown county, bad SOC).
"""

from __future__ import annotations

import csv

import pandas as pd
import pytest
from openpyxl import load_workbook

from assessment.sample import surveys as sample_surveys
from assessment.sample.universe import Universe
from assessment.survey import ingest
from assessment.survey.ingest import ingest_all


@pytest.fixture
def built(region, dirs, monkeypatch):
    monkeypatch.delenv(ingest.SALT_ENV, raising=False)
    return sample_surveys.build(region, dirs, Universe(region))


def test_exports_in_platform_layouts(built, dirs):
    employer, union = built
    assert employer.parent == dirs.surveys / "employer"
    assert union.parent == dirs.surveys / "union"
    with employer.open(encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.reader(fh))
    assert rows[0][:3] == ["StartDate", "EndDate", "Status"]  # Qualtrics export tags
    assert rows[1][:3] == ["Start Date", "End Date", "Response Type"]  # question text
    assert rows[2][0].startswith('{"ImportId":"startDate"')  # import ids
    assert len(rows) - 3 == 120
    emails = [r[rows[0].index("respondent_email")] for r in rows[3:]]
    assert all(e.endswith("@example.org") for e in emails)
    ws = load_workbook(union, read_only=True).worksheets[0]
    sheet = list(ws.iter_rows(values_only=True))
    assert sheet[0][:3] == ("ID", "Start time", "Completion time")
    assert len(sheet) - 1 == 25
    assert sum(p.stat().st_size for p in built) < 500_000


def test_planted_problems_are_quarantined_and_nothing_is_lost(built, region, dirs):
    counts = ingest_all(region, dirs=dirs)
    assert counts["employer"] == {"files": 1, "input_rows": 120, "accepted": 115,
                                  "quarantined": 5}
    assert counts["union"] == {"files": 1, "input_rows": 25, "accepted": 23, "quarantined": 2}
    q = pd.read_csv(next((dirs.quarantine / "employer").glob("*.csv")), dtype=str)
    reasons = sorted(r.split(": ", 1)[1].split(" (")[0].split(":")[0] for r in q.reasons)
    assert reasons == ["duplicate response", "must not exceed occ1_headcount",
                       "not a 2018 SOC detailed occupation code",
                       "test, preview or spam response", "unknown county"]
    again = ingest_all(region, dirs=dirs)  # idempotent
    assert again == counts
    assert len(pd.read_parquet(dirs.processed_file("survey_ingest_log"))) == 2


def test_sample_is_consistent_with_the_universe(built, region, dirs):
    ingest_all(region, dirs=dirs)
    est = pd.read_parquet(dirs.processed_file("survey_employer_establishments"))
    assert set(est.county_fips) <= set(region.county_fips)
    assert set(est.naics2) <= {"31", "32", "33"}
    u = Universe(region).employment
    cells = u[(u.kind == "county") & (u.year == region.years.end) & (u.estabs > 0)]
    present = set(zip(cells.area, cells.industry, strict=True))
    assert all((c, n) in present for c, n in zip(est.county_fips, est.naics3, strict=True))
    # Food manufacturing (311) dominates the Valley mix, so it leads the sample too.
    assert est.naics3.value_counts().index[0] == "311"
    occ = pd.read_parquet(dirs.processed_file("survey_employer_occupations"))
    assert (occ.vacancies <= occ.headcount).all()
    assert set(occ.respondent_id) <= set(est.respondent_id)


def test_sample_is_reproducible(region, tmp_path, monkeypatch):
    monkeypatch.delenv(ingest.SALT_ENV, raising=False)
    from assessment import paths

    ids = []
    for name in ("a", "b"):
        d = paths.DataDirs(paths.Mode.SAMPLE, tmp_path / name / "raw",
                           tmp_path / name / "processed")
        files = sample_surveys.build(region, d, Universe(region))
        ingest_all(region, dirs=d)
        est = pd.read_parquet(d.processed_file("survey_employer_establishments"))
        ids.append((sorted(est.respondent_id), [f.read_bytes() for f in files]))
    assert ids[0] == ids[1]


def test_ingest_all_command(built, dirs, monkeypatch):
    from typer.testing import CliRunner

    from assessment import paths
    from assessment.cli import app

    monkeypatch.setattr(paths, "data_dirs", lambda mode=paths.Mode.REAL, region=None: dirs)
    result = CliRunner().invoke(app, ["survey", "ingest-all", "--mode", "sample"])
    assert result.exit_code == 0, result.output
    assert "employer: 1 file(s), 120 input rows = 115 accepted + 5 quarantined" in result.output
    assert "union: 1 file(s), 25 input rows = 23 accepted + 2 quarantined" in result.output
