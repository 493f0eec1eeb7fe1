"""Exports of questionnaires the partnership designs itself, brought in with column maps.

Fixtures (tests/fixtures/surveys/own/, written by hand, the map of each saved beside it):

* ``employer_platform.csv``: a Qualtrics-style export (row 1 export tags Q1..., row 2 question
  text, row 3 import ids) whose tags and question texts the codebook does not know, with a
  fixed occupation grid: rows "Machinists (51-4041)", "Welders (51-4121)", "Maintenance
  mechanics" (SOC 49-9041 given in the map) x columns current employees, open positions, hard
  to fill. Responses 1-2 (file rows 4-5) are clean; each later response carries one planted
  problem.
* ``union_form.csv``: a Google Forms-style export (one header row of question text, a
  "Question [Row]" grid of members by occupation, a yes/no question per training program).
  Responses 1-2 (file rows 2-3) are clean; each later response carries one planted problem.

Expected file rows, values and rule names below are read off the fixtures.
"""

from __future__ import annotations

import os
import stat

import pandas as pd
import pytest
from typer.testing import CliRunner

from assessment import paths
from assessment.survey import ingest
from assessment.survey.codebook import ColumnMapError, load_codebook
from assessment.survey.ingest import ingest_all, ingest_file
from assessment.survey.validate import check_file, rule_name


@pytest.fixture(autouse=True)
def _salt(monkeypatch):
    monkeypatch.setenv(ingest.SALT_ENV, "test-salt")


@pytest.fixture
def own(fixtures):
    return fixtures / "surveys" / "own"


def _rules_by_row(checked) -> dict[int, set[str]]:
    out: dict[int, set[str]] = {}
    for p in checked.problems:
        out.setdefault(p.row, set()).add(rule_name(p))
    return out


# Employer export: file row -> the one rule its planted problem breaks.
EMPLOYER_PLANTED = {
    6: "unfinished",                      # Finished False, Progress 40
    7: "test_response",                   # Status "Survey Test", DistributionChannel "test"
    8: "choice",                          # "5" on the 1-4 gap scale
    9: "vacancies_within_headcount",      # welders: 6 open positions, 4 employees
    10: "range",                          # machinists: -2 employees
    11: "occupations_within_employment",  # 10 + 8 occupation headcount, 15 employees
    12: "apprentices_need_hosting",       # 3 apprentices, would not host apprentices
    13: "county",                         # Sacramento
    14: "duplicate_id",                   # response id R_e01 again
    15: "required",                       # union status "Prefer not to say" (mapped to null)
    16: "yes_no",                         # welders hard to fill: "Sometimes"
}
UNION_PLANTED = {
    4: "no_entry_with_answers",               # no apprenticeship program, yet 15 seats
    5: "manufacturing_members_within_total",  # 150 in manufacturing of 100 members
    6: "occupation_members_within_total",     # 30 + 25 members by occupation of 50
    7: "choice",                              # affiliation "Carpenters"
    8: "duplicate_respondent",                # Local 100 again
    9: "required",                            # no counties
    10: "county",                             # Fresno, Sacramento
    11: "range",                              # -5 welders
}


def test_platform_export_with_fixed_occupation_matrix(own, region):
    f = own / "employer_platform.csv"
    checked = check_file("employer", f, region)  # the map beside the export is found
    assert checked.map_path == own / "employer_platform.map.yml"
    assert checked.layout.header_rows == 3  # tags, question text, import ids
    assert checked.file_problems == []
    assert _rules_by_row(checked) == {row: {rule} for row, rule in EMPLOYER_PLANTED.items()}
    assert [r.row for r in checked.rows[:2]] == [4, 5] and checked.rows[0].ok
    assert checked.rows[1].ok

    # The grid became occupation blocks: SOC from the row label, or given in the map.
    first = checked.rows[0].answers
    assert (first["occ1_soc"], first["occ1_headcount"], first["occ1_vacancies"],
            first["occ1_hard_to_fill"]) == ("51-4041", 10, 2, True)
    assert (first["occ2_soc"], first["occ2_headcount"], first["occ2_vacancies"],
            first["occ2_hard_to_fill"]) == ("51-4121", 6, 1, False)
    assert "occ3_soc" not in first  # mechanics left blank: no entry
    assert first["union_status"] == "none" and first["skillgap_welding"] == 4
    # "Don't know" and "Maybe" are mapped to null: no value, and no problem.
    second = checked.rows[1].answers
    assert "skillgap_welding" not in second and "host_apprentices" not in second
    assert second["union_status"] == "some"

    by_row = {p.row: p for p in checked.problems}
    # Recode 5 is the codebook's "Not applicable": another questionnaire's "5" is reported
    # with the allowed answers, never read as it.
    scale = by_row[8]
    assert (scale.value, scale.rule) == ("5", "not one of the allowed answers")
    assert "Severe gap (4)" in scale.allowed and "Not applicable (na)" in scale.allowed
    assert by_row[9].value == 6 and by_row[9].rule.startswith("must not exceed Q9#1_2")
    assert by_row[9].column == ("Q9#2_2 (Occupations at this site - Welders (51-4121) -"
                                " Open positions)")
    assert by_row[10].value == "-2" and by_row[10].rule == "out of range: 0 to 50000"
    assert by_row[11].rule == "less than the sum of occupations headcount (18)"
    assert by_row[15].value == "Prefer not to say"
    assert by_row[16].allowed == ("Yes", "No")
    # Response numbers and the platform's ids ride along (the id is not printed by default).
    assert (by_row[9].response, by_row[9].response_id) == (6, "R_e06")
    text = str(by_row[9])
    assert "row 9 (response 6), column 'Q9#2_2" in text and "[vacancies_within_headcount]" in text
    assert "R_e06" not in text and "id R_e06" in by_row[9].describe(show_id=True)


def test_unknown_tags_two_header_rows_without_import_ids(own, region, tmp_path):
    # The same export without its import-id row: row 2 is still a header, recognised by the
    # platform's own columns (StartDate over "Start Date", ResponseId over "Response ID").
    lines = (own / "employer_platform.csv").read_text(encoding="utf-8").splitlines()
    f = tmp_path / "two_rows.csv"
    f.write_text("\n".join(lines[:2] + lines[3:]) + "\n", encoding="utf-8")
    checked = check_file("employer", f, region, own / "employer_platform.map.yml")
    assert checked.layout.header_rows == 2
    assert _rules_by_row(checked) == {row - 1: {rule} for row, rule in EMPLOYER_PLANTED.items()}


def test_unfinished_and_test_responses_can_be_kept_per_export(own, region, tmp_path):
    text = (own / "employer_platform.map.yml").read_text(encoding="utf-8")
    keep = tmp_path / "keep.map.yml"
    keep.write_text(text + "responses: {unfinished: keep, test: keep}\n", encoding="utf-8")
    checked = check_file("employer", own / "employer_platform.csv", region, keep)
    rules = _rules_by_row(checked)
    assert 6 not in rules and 7 not in rules and rules[8] == {"choice"}
    # min_progress 40 keeps the response that got 40% through; below it stays unfinished.
    partial = tmp_path / "partial.map.yml"
    partial.write_text(text + "responses: {min_progress: 40}\n", encoding="utf-8")
    assert 6 not in _rules_by_row(check_file("employer", own / "employer_platform.csv",
                                             region, partial))
    partial.write_text(text + "responses: {min_progress: 50}\n", encoding="utf-8")
    assert _rules_by_row(check_file("employer", own / "employer_platform.csv", region,
                                    partial))[6] == {"unfinished"}


def test_form_style_union_export(own, region):
    checked = check_file("union", own / "union_form.csv", region)
    assert checked.map_path == own / "union_form.map.yml"
    assert checked.layout.header_rows == 1 and checked.file_problems == []
    assert _rules_by_row(checked) == {row: {rule} for row, rule in UNION_PLANTED.items()}
    first, second = (r.answers for r in checked.rows[:2])
    # Grid "Members by occupation [Welders (51-4121)]": entry 1 is welders, 2 machinists.
    assert (first["occ1_soc"], first["occ1_members"], first["occ2_soc"],
            first["occ2_members"]) == ("51-4121", 40, "51-4041", 20)
    assert "occ3_soc" not in first
    # "Yes" gives the program its type; "No" with an empty seat count is no entry at all.
    assert (first["prog1_program_type"], first["prog1_seats"]) == (
        "registered_apprenticeship", 12)
    assert "prog2_program_type" not in first
    assert "prog1_program_type" not in second
    assert second["prog2_program_type"] == "pre_apprenticeship" and "prog2_seats" not in second
    assert "membership_mfg" not in second  # "Prefer not to say" -> no value
    by_row = {p.row: p for p in checked.problems}
    assert by_row[4].value == "No" and "'Registered apprenticeship: seats per year'" in \
        by_row[4].rule
    assert by_row[5].rule == "must not exceed Total members (100)"
    assert by_row[6].rule.startswith("fewer than the members counted by occupation (55)")
    # The allowed answers: the map's labels first, then the codebook's.
    assert by_row[7].allowed[:3] == ("IBEW", "Machinists (IAM)", "UA")
    assert "International Union of Operating Engineers (IUOE) (iuoe)" in by_row[7].allowed
    assert by_row[7].response == 6 and by_row[7].response_id is None  # forms have no id


def test_own_exports_ingest_through_ingest_all(own, region, dirs):
    for survey, name in (("employer", "employer_platform"), ("union", "union_form")):
        folder = dirs.surveys / survey
        folder.mkdir(parents=True, exist_ok=True)
        for suffix in (".csv", ".map.yml"):
            (folder / f"{name}{suffix}").write_bytes((own / f"{name}{suffix}").read_bytes())
    counts = ingest_all(region, dirs=dirs)  # what make report runs: maps found beside
    assert counts["employer"] == {"files": 1, "input_rows": 13, "accepted": 2,
                                  "quarantined": 11}
    assert counts["union"] == {"files": 1, "input_rows": 10, "accepted": 2, "quarantined": 8}
    occ = pd.read_parquet(dirs.processed_file("survey_employer_occupations"))
    assert sorted(zip(occ.soc, occ.headcount, occ.vacancies, strict=True)) == [
        ("51-4041", 5, 0), ("51-4041", 10, 2), ("51-4121", 6, 1)]
    programs = pd.read_parquet(dirs.processed_file("survey_union_programs"))
    assert sorted(programs.program_type) == ["pre_apprenticeship", "registered_apprenticeship"]
    assert programs.set_index("program_type").seats.isna().to_dict() == {
        "registered_apprenticeship": False, "pre_apprenticeship": True}
    members = pd.read_parquet(dirs.processed_file("survey_union_occupations"))
    assert sorted(zip(members.soc, members.members, strict=True)) == [
        ("51-4041", 20), ("51-4121", 10), ("51-4121", 40)]
    q = pd.read_csv(next((dirs.quarantine / "employer").glob("*.csv")), dtype=str)
    assert dict(zip(q.file_row.astype(int), q.rules, strict=True)) == EMPLOYER_PLANTED
    welders = q[q.file_row == "9"].iloc[0]
    assert (welders.response, welders.response_id) == ("6", "R_e06")
    assert welders.reasons.endswith("must not exceed Q9#1_2 (Occupations at this site -"
                                    " Welders (51-4121) - Current employees) (4) (value '6')")
    uq = pd.read_csv(next((dirs.quarantine / "union").glob("*.csv")), dtype=str)
    assert dict(zip(uq.file_row.astype(int), uq.rules, strict=True)) == UNION_PLANTED
    # Names, e-mails, response ids and comments stay in the confidential folder.
    for table in dirs.processed.glob("*.parquet"):
        frame = pd.read_parquet(table)
        cells = " ".join(map(str, [*frame.columns, *frame.to_numpy().ravel()]))
        for secret in ("example.org", "Alpha Foods", "Local 100", "R_e0", "Thanks"):
            assert secret not in cells, (table.name, secret)


def _typo_map(own, tmp_path):
    text = (own / "union_form.map.yml").read_text(encoding="utf-8")
    text = text.replace('"Yes": registered_apprenticeship', '"Yes": registered_aprenticeship')
    text = text.replace("UAW: uaw", "UAW: uwa")
    text = text.replace("Training needs: training_needs", "Training needs: training_need")
    path = tmp_path / "union_form.map.yml"
    path.write_text(text, encoding="utf-8")
    export = tmp_path / "union_form.csv"
    export.write_bytes((own / "union_form.csv").read_bytes())
    return export, path


def test_a_wrong_map_is_a_map_error_not_a_data_problem(own, region, dirs, tmp_path,
                                                       monkeypatch):
    export, bad_map = _typo_map(own, tmp_path)
    with pytest.raises(ColumnMapError) as err:
        check_file("union", export, region)
    assert err.value.path == str(bad_map)
    assert err.value.errors == [
        "columns.'Training needs': 'training_need' names no variable of the union codebook",
        "values.'Affiliation'.'UAW': 'uwa' is not a code of affiliation (codes: ibew, iam, ua,"
        " iuoe, ibt, ufcw, usw, uaw, smart, bctgm, other)",
        "values.'Do you run a registered apprenticeship program?'.'Yes':"
        " 'registered_aprenticeship' is not a code of program_type (codes:"
        " registered_apprenticeship, pre_apprenticeship, journeyworker_upgrade, other_training)",
    ]
    assert str(bad_map) in str(err.value) and "the export is not at fault" in str(err.value)
    with pytest.raises(ColumnMapError):  # ingestion refuses it too, writing nothing
        ingest_file("union", export, region, dirs)
    assert not dirs.processed.exists()

    from assessment.cli import app

    monkeypatch.setattr(paths, "data_dirs", lambda mode=paths.Mode.REAL, region=None: dirs)
    result = CliRunner().invoke(app, ["survey", "validate", "union", str(export)])
    assert result.exit_code == 2
    assert "'uwa' is not a code of affiliation" in result.output


def test_other_map_faults_are_map_errors(own, region, tmp_path):
    text = (own / "employer_platform.map.yml").read_text(encoding="utf-8")
    text = text.replace("Welders (51-4121)", "Welders")  # no SOC code in the label
    text = text.replace('host_apprentices: {"Maybe": null}', 'host_apprentices: {"Maybe": perhaps}')
    text = text.replace("block: occupations", "block: occupations\n    first_entry: 9")
    path = tmp_path / "m.map.yml"
    path.write_text(text + "constants: {occ5_soc: 51-404}\n", encoding="utf-8")
    with pytest.raises(ColumnMapError) as err:
        check_file("employer", own / "employer_platform.csv", region, path)
    assert err.value.errors == [
        "matrix[0].rows: 3 rows from entry 9 need entry 11, but block occupations has 10",
        "values.'host_apprentices'.'Maybe': 'perhaps' is no answer for host_apprentices:"
        " not a yes/no answer",
        "constants.'occ5_soc': '51-404' is no answer for soc: not a 2018 SOC detailed"
        " occupation code",
    ]
    path.write_text(text.replace("    first_entry: 9\n", ""), encoding="utf-8")
    with pytest.raises(ColumnMapError) as err:
        check_file("employer", own / "employer_platform.csv", region, path)
    assert "matrix[0].rows[1] ('Welders'): 'Welders' is no answer for soc: not a 2018 SOC" \
        " detailed occupation code" in err.value.errors


def test_correcting_the_map_reingests_without_duplicates(own, region, dirs, monkeypatch):
    folder = dirs.surveys / "union"
    folder.mkdir(parents=True)
    export = folder / "union_form.csv"
    export.write_bytes((own / "union_form.csv").read_bytes())
    good = (own / "union_form.map.yml").read_text(encoding="utf-8")
    beside = folder / "union_form.map.yml"
    beside.write_text(good.replace('"Machinists (IAM)": iam, ', ""), encoding="utf-8")
    first = ingest_all(region, dirs=dirs)["union"]
    # Local 200 (file row 3) is refused: "Machinists (IAM)" is not a label the codebook has.
    assert (first["accepted"], first["quarantined"]) == (1, 9)
    (q1,) = (dirs.quarantine / "union").glob("*.csv")
    assert "3" in set(pd.read_csv(q1, dtype=str).file_row)

    beside.write_text(good, encoding="utf-8")  # the corrected map
    second = ingest_all(region, dirs=dirs)["union"]
    assert (second["input_rows"], second["accepted"], second["quarantined"]) == (10, 2, 8)
    locals_ = pd.read_parquet(dirs.processed_file("survey_union_locals"))
    assert len(locals_) == 2 and locals_.respondent_id.is_unique
    assert sorted(locals_.affiliation) == ["iam", "ibew"]
    log = pd.read_parquet(dirs.processed_file("survey_ingest_log"))
    assert len(log) == 1  # the corrected ingestion replaces the first
    assert log.iloc[0].map_sha256 != "" and log.iloc[0].codebook_version == "2026.2"
    (q2,) = (dirs.quarantine / "union").glob("*.csv")  # the old quarantine file is gone
    assert q2 != q1 and "3" not in set(pd.read_csv(q2, dtype=str).file_row)
    programs = pd.read_parquet(dirs.processed_file("survey_union_programs"))
    assert len(programs) == 2  # Local 100's and Local 200's, once each

    # Same export, same map, same codebook: nothing to do.
    res = ingest_file("union", export, region, dirs)
    assert res.already_ingested
    # A new codebook version re-ingests in place too.
    cb = load_codebook("union")
    monkeypatch.setattr(ingest, "load_codebook",
                        lambda survey: cb.model_copy(update={"version": "2099.1"}))
    res = ingest_file("union", export, region, dirs)
    assert not res.already_ingested and (res.accepted_new, res.quarantined) == (2, 8)
    assert len(pd.read_parquet(dirs.processed_file("survey_union_locals"))) == 2
    assert len(pd.read_parquet(dirs.processed_file("survey_ingest_log"))) == 1


def _mode(path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_quarantine_files_are_owner_only(own, region, dirs, monkeypatch):
    monkeypatch.delenv(ingest.SALT_ENV)
    old = os.umask(0o022)  # a common default: files 0644, folders 0755 unless set
    try:
        res = ingest_file("employer", own / "employer_platform.csv", region, dirs)
    finally:
        os.umask(old)
    assert res.quarantined == 11
    assert _mode(res.quarantine_file) == 0o600
    assert _mode(res.quarantine_file.parent) == 0o700 and _mode(dirs.quarantine) == 0o700
    assert _mode(dirs.surveys / ingest.SALT_FILE) == 0o600
    for table in ("survey_employer_establishments", "survey_employer_occupations",
                  "survey_ingest_log"):
        assert _mode(dirs.processed_file(table)) == 0o600


def test_validate_cli_uses_the_map_beside_and_shows_ids_on_request(own, dirs, monkeypatch):
    from assessment.cli import app

    monkeypatch.setattr(paths, "data_dirs", lambda mode=paths.Mode.REAL, region=None: dirs)
    runner = CliRunner()
    export = str(own / "employer_platform.csv")
    result = runner.invoke(app, ["survey", "validate", "employer", export])
    assert result.exit_code == 1
    assert f"column map: {own / 'employer_platform.map.yml'}" in result.output
    assert "row 9 (response 6), column 'Q9#2_2" in result.output
    assert "[vacancies_within_headcount]" in result.output and "R_e06" not in result.output
    assert "13 data rows, 11 with problems; 0 problem(s) with the columns" in result.output
    shown = runner.invoke(app, ["survey", "validate", "employer", export,
                                "--show-response-ids"])
    assert "row 9 (response 6, id R_e06)" in shown.output


def test_readme_example_map_is_valid(region, tmp_path):
    readme = (paths.ROOT / "README.md").read_text(encoding="utf-8")
    block = readme.split("```yaml\nsurvey: employer", 1)[1].split("```", 1)[0]
    cmap = tmp_path / "export.map.yml"
    cmap.write_text("survey: employer" + block, encoding="utf-8")
    export = tmp_path / "export.csv"
    export.write_text(
        "RecordedDate,Q2,naics,total_employment,Is your production workforce unionized?,"
        "Would you host IMT apprentices?,Machinists (51-4041) - Current employees,"
        "Machinists (51-4041) - Open positions,Maintenance mechanics - Hard to fill?,"
        "Internal note\n"
        "2026-03-02,Fresno,311421,40,Yes - some,Maybe,12,3,Yes,call back\n", encoding="utf-8")
    checked = check_file("employer", export, region)
    # Mechanics: hard to fill given, but no headcount (a required answer in the block).
    assert [(p.column, rule_name(p)) for p in checked.problems] == [
        ("occ2_headcount", "required")]
    a = checked.rows[0].answers
    assert (a["union_status"], a["occ1_soc"], a["occ1_headcount"], a["occ2_soc"]) == (
        "some", "51-4041", 12, "49-9041")
    assert "host_apprentices" not in a and "occ5_soc" not in a  # entry 5 has no answers


def test_codebook_rules_must_name_known_variables(tmp_path):
    from assessment.survey.codebook import CodebookError

    text = (paths.SURVEY_CODEBOOKS_DIR / "union.yml").read_text(encoding="utf-8")
    (tmp_path / "union.yml").write_text(text.replace("right: membership_total}",
                                                     "right: membership_totl}", 1),
                                        encoding="utf-8")
    with pytest.raises(CodebookError, match="rule manufacturing_members_within_total:"
                                            " 'membership_totl' names no variable"):
        load_codebook("union", tmp_path)


def test_unreadable_or_invalid_map_is_a_map_error(own, region, tmp_path):
    export = own / "employer_platform.csv"
    broken = tmp_path / "broken.map.yml"
    broken.write_text("columns: {Q2: county\n", encoding="utf-8")  # unclosed mapping
    with pytest.raises(ColumnMapError, match="not valid YAML"):
        check_file("employer", export, region, broken)
    unknown = tmp_path / "unknown.map.yml"
    unknown.write_text("survey: employer\nresponses: {unfinished: drop}\n", encoding="utf-8")
    with pytest.raises(ColumnMapError) as err:
        check_file("employer", export, region, unknown)
    assert err.value.path == str(unknown)
    assert err.value.errors[0].startswith("responses.unfinished:")
