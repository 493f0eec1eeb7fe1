"""Ingestion: nothing lost (accepted + quarantined = input rows), idempotent, waves append.

Fixtures: tests/fixtures/surveys/waves/employer_wave1.csv holds four responses, the fourth in
Sacramento County (not in the region); employer_wave1_reexport.csv is a later export of the
same survey: the same four rows plus two new valid ones.
"""

from __future__ import annotations

import pandas as pd
import pytest

from assessment.errors import InputError
from assessment.survey import ingest
from assessment.survey.ingest import ingest_file, size_class


@pytest.fixture(autouse=True)
def _salt(monkeypatch):
    monkeypatch.setenv(ingest.SALT_ENV, "test-salt")


@pytest.fixture
def waves(fixtures):
    return fixtures / "surveys" / "waves"


def _table(dirs, name):
    return pd.read_parquet(dirs.processed_file(name))


def test_accepted_plus_quarantined_equals_input(waves, region, dirs):
    res = ingest_file("employer", waves / "employer_wave1.csv", region, dirs)
    assert (res.input_rows, res.accepted_new, res.accepted_before, res.quarantined) == (4, 3, 0, 1)
    assert res.wave == "2026"  # year of the latest RecordedDate
    est = _table(dirs, "survey_employer_establishments")
    assert len(est) == 3
    # The quarantine file (confidential folder) lists the refused row with its reason.
    assert res.quarantine_file.parent == dirs.quarantine / "employer"
    q = pd.read_csv(res.quarantine_file, dtype=str)
    # File row 5 is the fourth response; the reason carries the value at fault.
    assert q[["file_row", "response", "response_id", "rules", "reasons"]].values.tolist() == [
        ["5", "4", "R_w1d", "county",
         "county: unknown county: not one of the region's counties (value 'Sacramento')"]]
    assert q.loc[0, "ResponseId"] == "R_w1d"
    log = _table(dirs, "survey_ingest_log")
    assert log[["input_rows", "accepted_new", "accepted_before", "quarantined"]].values.tolist() \
        == [[4, 3, 0, 1]]


def test_processed_tables_hold_the_answers(waves, region, dirs):
    ingest_file("employer", waves / "employer_wave1.csv", region, dirs)
    est = _table(dirs, "survey_employer_establishments").set_index("county_fips")
    alpha = est.loc["06019"]  # Alpha Foods, Fresno: 311421, 120 employees, non-union
    assert (alpha.naics, alpha.naics3, alpha.naics2) == ("311421", "311", "31")
    assert alpha.total_employment == 120 and alpha.size_class == 6  # 100-249: size code 6
    assert alpha.union_status == "none"
    assert bool(alpha.benefit_health) and bool(alpha.benefit_retirement)
    assert not alpha.benefit_childcare
    assert bool(alpha.host_apprentices) and alpha.apprentices_n == 2
    beta = est.loc["06029"]  # Beta Metal: no benefits answer -> unknown, not "no"
    assert pd.isna(beta.benefit_health) and beta.union_status == "some"
    assert list(est.columns[:2]) == ["respondent_id", "wave"]
    assert est.respondent_id.str.fullmatch(r"E-[0-9a-f]{16}").all()
    occ = _table(dirs, "survey_employer_occupations")
    assert list(occ.columns) == ["respondent_id", "wave", "entry", "soc", "headcount",
                                 "vacancies", "hard_to_fill", "hires_12m", "hires_3y",
                                 "retirements_5y", "wage_start", "wage_typical", "ingest_id"]
    # Alpha reported two occupations, Beta and Gamma one each.
    assert sorted(occ.soc) == ["49-9041", "49-9071", "51-3092", "51-4121"]
    mech = occ[occ.soc == "49-9041"].iloc[0]
    assert (mech.headcount, mech.vacancies, bool(mech.hard_to_fill), mech.wage_start) == \
        (4, 1, True, 27.5)


def test_reingesting_the_same_file_changes_nothing(waves, region, dirs):
    first = ingest_file("employer", waves / "employer_wave1.csv", region, dirs)
    before = {n: _table(dirs, n) for n in ("survey_employer_establishments",
                                           "survey_employer_occupations", "survey_ingest_log")}
    again = ingest_file("employer", waves / "employer_wave1.csv", region, dirs)
    assert again.already_ingested
    assert (again.input_rows, again.accepted, again.quarantined) == (4, 3, 1)
    for name, frame in before.items():
        pd.testing.assert_frame_equal(_table(dirs, name), frame)
    assert first.ingest_id == again.ingest_id


def test_later_export_counts_earlier_responses_once(waves, region, dirs):
    ingest_file("employer", waves / "employer_wave1.csv", region, dirs)
    res = ingest_file("employer", waves / "employer_wave1_reexport.csv", region, dirs)
    # 6 rows: 3 ingested before, 2 new, the Sacramento row quarantined again.
    assert (res.input_rows, res.accepted_new, res.accepted_before, res.quarantined) == (6, 2, 3, 1)
    assert res.input_rows == res.accepted + res.quarantined
    assert len(_table(dirs, "survey_employer_establishments")) == 5
    assert len(_table(dirs, "survey_ingest_log")) == 2


def test_waves_append(waves, region, dirs):
    ingest_file("employer", waves / "employer_wave1.csv", region, dirs)
    ingest_file("employer", waves / "employer_wave1.csv", region, dirs, wave="2027")
    # The same bytes were ingested already: a file is ingested once, whatever the wave.
    assert len(_table(dirs, "survey_employer_establishments")) == 3
    copy = dirs.raw / "wave2.csv"
    copy.parent.mkdir(parents=True, exist_ok=True)
    copy.write_text((waves / "employer_wave1.csv").read_text().replace("2026-03", "2027-03"),
                    encoding="utf-8")
    res = ingest_file("employer", copy, region, dirs)
    assert res.wave == "2027" and res.accepted_new == 3
    est = _table(dirs, "survey_employer_establishments")
    assert est.wave.value_counts().to_dict() == {"2026": 3, "2027": 3}


def test_structural_problems_refuse_the_file_and_write_nothing(fixtures, region, dirs):
    f = fixtures / "surveys" / "bad" / "missing_required_column.csv"
    with pytest.raises(InputError) as err:
        ingest_file("employer", f, region, dirs)
    assert [(p.row, p.column, p.rule) for p in err.value.problems] == [
        (1, "naics", "required variable missing from the header")]
    assert not dirs.processed.exists() or not any(dirs.processed.iterdir())


def test_column_map_export_is_ingested(fixtures, region, dirs, tmp_path):
    bad = fixtures / "surveys" / "bad"
    # Drop the unmapped column: the rest of the partnership's export maps fully.
    text = (bad / "unmapped_column.csv").read_text(encoding="utf-8")
    rows = [",".join(c for i, c in enumerate(line.split(",")) if i != 6)
            for line in text.splitlines()]
    f = tmp_path / "own.csv"
    f.write_text("\n".join(rows) + "\n", encoding="utf-8")
    res = ingest_file("employer", f, region, dirs, column_map=bad / "unmapped_column.map.yml")
    assert (res.input_rows, res.accepted, res.quarantined) == (2, 2, 0)
    est = _table(dirs, "survey_employer_establishments").sort_values("total_employment")
    assert est.county_fips.tolist() == ["06029", "06019"]
    assert est.union_status.tolist() == ["none", "all"]


def test_no_submission_dates_needs_a_wave(region, dirs, tmp_path):
    f = tmp_path / "nodates.csv"
    f.write_text("county,naics,total_employment,union_status\nFresno,311421,12,No\n",
                 encoding="utf-8")
    with pytest.raises(InputError, match="pass --wave"):
        ingest_file("employer", f, region, dirs)
    res = ingest_file("employer", f, region, dirs, wave="2026-spring")
    assert res.wave == "2026-spring" and res.accepted == 1


@pytest.mark.parametrize(("employment", "code"), [
    # QCEW size classes: 1 <5, 2 5-9, 3 10-19, 4 20-49, 5 50-99, 6 100-249, 7 250-499,
    # 8 500-999, 9 1000+ (size_titles.csv).
    (1, 1), (4, 1), (5, 2), (9, 2), (10, 3), (19, 3), (20, 4), (49, 4), (50, 5), (99, 5),
    (100, 6), (249, 6), (250, 7), (499, 7), (500, 8), (999, 8), (1000, 9), (25000, 9),
])
def test_size_class(employment, code):
    assert size_class(employment) == code


def test_salt_file_is_created_in_the_confidential_folder(monkeypatch, waves, region, dirs):
    monkeypatch.delenv(ingest.SALT_ENV)
    ingest_file("employer", waves / "employer_wave1.csv", region, dirs)
    salt_file = dirs.surveys / ingest.SALT_FILE
    assert salt_file.exists() and len(salt_file.read_text().strip()) == 64
    ids = set(_table(dirs, "survey_employer_establishments").respondent_id)
    # Another key gives other ids: the ids depend on the secret, not only on the answers.
    monkeypatch.setenv(ingest.SALT_ENV, "another-salt")
    other = ingest_file("employer", waves / "employer_wave1_reexport.csv", region, dirs)
    assert other.accepted_before == 0
    assert ids.isdisjoint(set(_table(dirs, "survey_employer_establishments").respondent_id)
                          - ids)


def test_cli_exit_status_and_counts(fixtures, waves, dirs, monkeypatch, tmp_path):
    from typer.testing import CliRunner

    from assessment import paths
    from assessment.cli import app

    monkeypatch.setattr(paths, "data_dirs", lambda mode=paths.Mode.REAL, region=None: dirs)
    runner = CliRunner()
    clean = tmp_path / "clean.csv"
    lines = (waves / "employer_wave1.csv").read_text(encoding="utf-8").splitlines()
    clean.write_text("\n".join(lines[:4]) + "\n", encoding="utf-8")  # without the bad row
    ok = runner.invoke(app, ["survey", "validate", "employer", str(clean)])
    assert ok.exit_code == 0, ok.output
    assert "3 data rows, 0 with problems" in ok.output
    bad = runner.invoke(app, ["survey", "validate", "employer", str(waves / "employer_wave1.csv")])
    assert bad.exit_code == 1
    # File row 5 is the fourth response (row 1 is the header); the rule's name ends the line.
    assert "row 5 (response 4), column 'county': unknown county" in bad.output
    assert "(value 'Sacramento'); allowed: Fresno (06019), Kern (06029)" in bad.output
    assert "[county]" in bad.output
    missing = fixtures / "surveys" / "bad" / "missing_required_column.csv"
    refused = runner.invoke(app, ["survey", "ingest", "employer", str(missing)])
    assert refused.exit_code == 1
    assert "was not ingested (nothing written)" in refused.output
    done = runner.invoke(app, ["survey", "ingest", "employer", str(waves / "employer_wave1.csv")])
    assert done.exit_code == 0
    assert "4 input rows = 3 accepted (3 new, 0 already ingested) + 1 quarantined" in done.output
