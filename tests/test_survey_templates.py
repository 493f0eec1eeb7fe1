"""The Excel template and the data dictionary generated from the codebooks."""

from __future__ import annotations

import pandas as pd
import pytest
from openpyxl import load_workbook
from typer.testing import CliRunner

from assessment.cli import app
from assessment.survey import ingest
from assessment.survey.codebook import load_codebook
from assessment.survey.ingest import ingest_file
from assessment.survey.templates import write_template


def _validations(ws) -> dict[str, object]:
    """Column letter -> the data validation covering its answer cells."""
    out = {}
    for dv in ws.data_validations.dataValidation:
        for rng in dv.sqref.ranges:
            out[rng.coord.split(":")[0].rstrip("0123456789")] = dv
    return out


def _column(ws, header: str) -> str:
    for cell in ws[1]:
        if cell.value == header:
            return cell.column_letter
    raise KeyError(header)


@pytest.mark.parametrize("survey", ["employer", "union"])
def test_template_has_dropdowns_and_range_checks(survey, region, tmp_path):
    out = tmp_path / f"{survey}.xlsx"
    result = CliRunner().invoke(app, ["survey", "template", survey, "-o", str(out)])
    assert result.exit_code == 0, result.output
    wb = load_workbook(out)
    assert wb.sheetnames[:3] == ["Responses", "Lists", "Codebook"]
    ws = wb["Responses"]
    dv = _validations(ws)
    assert dv, "no data validation in the template"
    county = "county" if survey == "employer" else "counties_06019"
    if survey == "employer":
        c = dv[_column(ws, "county")]
        assert c.type == "list" and c.formula1 == "Lists!$A$2:$A$9"  # the region's 8 counties
        lists = wb["Lists"]
        assert [lists[f"A{i}"].value for i in range(2, 10)] == [
            "Fresno", "Kern", "Kings", "Madera", "Merced", "San Joaquin", "Stanislaus", "Tulare"]
        size = dv[_column(ws, "total_employment")]
        # Codebook: 1 to 50,000 employees ("between" is the default operator, left unwritten).
        assert size.operator in (None, "between")
        assert (size.type, size.formula1, size.formula2) == ("whole", "1", "50000")
        wage = dv[_column(ws, "occ1_wage_start")]
        assert (wage.type, float(wage.formula1), float(wage.formula2)) == ("decimal", 7.25, 200)
        soc = dv[_column(ws, "occ10_soc")]
        assert soc.type == "list" and soc.formula1.startswith("Lists!$D$2:$D$")
        assert dv[_column(ws, "host_apprentices")].formula1 == '"Yes,No"'
        assert dv[_column(ws, "benefits_health")].formula1 == '"Yes,No"'
    else:
        assert dv[_column(ws, county)].formula1 == '"Yes,No"'  # one column per county
        prog = dv[_column(ws, "prog1_program_type")]
        assert prog.type == "list" and prog.formula1.startswith("Lists!")
    # Row 2 holds the question text, so ingestion reads the template's own two header rows.
    cb = load_codebook(survey)
    assert ws.cell(2, 1).value == cb.variables[0].question


def test_filled_template_ingests(region, dirs, tmp_path, monkeypatch):
    monkeypatch.setenv(ingest.SALT_ENV, "test-salt")
    out = write_template(load_codebook("employer"), region, tmp_path / "employer.xlsx")
    wb = load_workbook(out)
    ws = wb["Responses"]
    answers = {"county": "Merced", "naics": "311421", "total_employment": 75,
               "union_status": "No", "benefits_health": "Yes", "benefits_childcare": "No",
               "skillgap_automation": "Severe gap", "skillgap_math": "Not applicable",
               "host_apprentices": "Yes", "apprentices_n": 2, "occ1_soc": "49-9041",
               "occ1_headcount": 6, "occ1_vacancies": 2, "occ1_wage_start": 26.5}
    for header, value in answers.items():
        ws[f"{_column(ws, header)}3"] = value
    wb.save(out)
    res = ingest_file("employer", out, region, dirs, wave="2026")
    assert (res.input_rows, res.accepted, res.quarantined) == (1, 1, 0)
    est = pd.read_parquet(dirs.processed_file("survey_employer_establishments")).iloc[0]
    assert (est.county_fips, est.size_class, est.skillgap_automation) == ("06047", 5, 4)
    assert pd.isna(est.skillgap_math)  # "Not applicable" is no value
    assert bool(est.benefit_health) and not est.benefit_childcare
    # The question was answered (an option ticked), so an option left blank is a No.
    assert not pd.isna(est.benefit_retirement) and not est.benefit_retirement


@pytest.mark.parametrize("suffix", [".md", ".html"])
@pytest.mark.parametrize("survey", ["employer", "union"])
def test_dictionary_lists_every_variable(survey, suffix, tmp_path):
    out = tmp_path / f"{survey}{suffix}"
    result = CliRunner().invoke(app, ["survey", "dictionary", survey, "-o", str(out)])
    assert result.exit_code == 0, result.output
    text = out.read_text(encoding="utf-8")
    cb = load_codebook(survey)
    for v in cb.variables:
        assert v.name in text
    for b in cb.blocks:
        assert b.table in text
        for v in b.variables:
            assert f"{b.prefix}N_{v.name}" in text
    if suffix == ".html":
        assert text.startswith("<!DOCTYPE html>") and "<table>" in text
    else:
        assert "| variable | question |" in text
