"""The Excel workbook reads like the report's tables: built from small hand-made chapters and
opened with openpyxl. Expected formats and values are written out by hand from the report's
rules (one decimal for shares, whole dollars with thousands separators, a sign on changes)."""

from __future__ import annotations

import io
import json
from pathlib import Path

import numpy as np
import openpyxl
import pandas as pd
import pytest

from assessment import present
from assessment.report import SAMPLE_MARK, Chapter, read_chapter, write_workbook
from assessment.workbook import excel_format

FILES = [{"path": "bls/qcew/2024/a/area/06019.csv", "source": "qcew", "bytes": 123456,
          "url": "https://data.bls.gov/cew/data/api/2024/a/area/06019.csv",
          "sha256": "ab" * 32, "retrieved": "2025-01-02T03:04:05Z", "origin": "sample"}]


def _industry_chapter(tmp_path: Path) -> Chapter:
    """A chapter read from an executed notebook as the report reads it: two tables shown with
    present.table's metadata (the second with OEWS's withheld and top-coded symbols)."""
    jobs = pd.DataFrame({"Area": ["Fresno", "Kern", "Region"],
                         "Tract": ["06019000100", "06029000200", "—"],
                         "Jobs 2024": [27131, 12669, 39800],
                         "Change (%)": [3.6681823392, -4.2715700141, np.nan],
                         "Average pay ($)": [61234.56, 58000.4, 60001.0],
                         "Share (%)": [12.345, 8.06, 10.5]})
    wages = pd.DataFrame({"Occupation": ["Machinists", "Welders"],
                          "Fresno": pd.Series([17.95, "*"], dtype=object),
                          "Kern": pd.Series(["#", 21.5], dtype=object)})
    metas = [
        present.table_meta(jobs, "Manufacturing jobs by county", "BLS QCEW, 2019–2024",
                           note="Counties withheld are left out.", key="county_summary",
                           formats={"Change (%)": "{:+.1f}", "Average pay ($)": "{:,.0f}",
                                    "Share (%)": "{:.1f}"}),
        present.table_meta(wages, "Median hourly wage by metro area ($)", "BLS OEWS, May 2024",
                           key="metro_wages", formats={"Fresno": "{:.2f}", "Kern": "{:.2f}"}),
    ]
    cells = [{"cell_type": "markdown", "metadata": {}, "source": "# Industry\n\n## Jobs"}]
    cells += [{"cell_type": "code", "metadata": {}, "source": "", "execution_count": 1,
               "outputs": [{"output_type": "display_data", "data": {"text/html": "<p/>"},
                            "metadata": {"assessment": m}}]} for m in metas]
    nb = tmp_path / "01-industry.ipynb"
    nb.write_text(json.dumps({"cells": cells, "metadata": {}, "nbformat": 4,
                              "nbformat_minor": 5}))
    return read_chapter(nb, 1)


def _survey_chapter() -> Chapter:
    """A hand-made chapter whose table shows estimates with intervals as text in the report
    and carries the numeric estimate and bounds for the workbook, one estimate withheld; and
    a table of numbers the report writes as text."""
    shown = pd.DataFrame({"Occupation": ["Machinists (51-4041)", "Welders (51-4121)"],
                          "Hires, 3 years": ["1,535 (0–3,815)", "—"]})
    numeric = pd.DataFrame({"Occupation": shown["Occupation"],
                            "Hires, 3 years": pd.Series([1534.6, "withheld"], dtype=object),
                            "Hires, 3 years: 95% CI low": pd.Series([0.0, "withheld"],
                                                                    dtype=object),
                            "Hires, 3 years: 95% CI high": pd.Series([3815.2, "withheld"],
                                                                     dtype=object)})
    access = pd.DataFrame({"Measure": ["Manufacturing jobs", "  in a disadvantaged tract"],
                           "Value": ["121,350", "54.8%"]})
    metas = [present.table_meta(shown, "Hiring demand (95% confidence intervals)",
                                "Employer survey 2025", key="survey_demand",
                                note="A dash marks an estimate suppressed by the rule.",
                                workbook=numeric,
                                formats={c: "{:,.0f}" for c in numeric.columns[1:]},
                                symbols={"withheld": "withheld: suppressed by the survey's "
                                                     "disclosure rule"}),
             present.table_meta(access, "Jobs in disadvantaged tracts", "LEHD LODES 2022",
                                key="dac_access")]
    return Chapter(notebook="04-survey", title="Survey findings", anchor="ch2",
                   tables=[(m["key"], pd.read_json(io.StringIO(m["data"]), orient="split",
                                                   dtype=False))
                           for m in metas],
                   table_meta=metas)


@pytest.fixture
def chapters(tmp_path) -> list[Chapter]:
    return [_industry_chapter(tmp_path), _survey_chapter()]


def _open(chapters, path: Path, sample: bool) -> openpyxl.Workbook:
    write_workbook(chapters, path, FILES, sample=sample)
    return openpyxl.load_workbook(path)


def _header_row(ws) -> int:
    """The frozen header row: the row just above the freeze line."""
    return int("".join(ch for ch in ws.freeze_panes if ch.isdigit())) - 1


def test_python_formats_become_the_same_excel_formats():
    assert excel_format("{:,.0f}") == "#,##0"
    assert excel_format("{:.1f}") == "0.0"
    assert excel_format("{:.2f}") == "0.00"
    assert excel_format("{:+.1f}") == "+0.0;-0.0;+0.0"
    assert excel_format("{:.0%}") == "0%"
    assert excel_format("${:,.2f}") == '"$"#,##0.00'
    assert excel_format("{:>10}") is None  # not a number format: the cell keeps General


def test_each_sheet_has_its_number_caption_formats_source_and_note(chapters, tmp_path):
    wb = _open(chapters, tmp_path / "t.xlsx", sample=False)
    assert wb.sheetnames == ["Contents", "T1 county_summary", "T2 metro_wages",
                             "T3 survey_demand", "T4 dac_access", "sources-files"]
    ws = wb["T1 county_summary"]
    assert ws["A1"].value == "Table 1. Manufacturing jobs by county"
    assert ws.freeze_panes == "A4"  # title, a blank row, then the frozen header row
    assert [c.value for c in ws[3]] == ["Area", "Tract", "Jobs 2024", "Change (%)",
                                        "Average pay ($)", "Share (%)"]
    fresno, kern, region = ws[4], ws[5], ws[6]
    assert fresno[1].value == "06019000100"  # a tract code stays text, leading zero kept
    assert (fresno[2].value, fresno[2].number_format) == (27131, "#,##0")
    assert fresno[3].value == pytest.approx(3.6681823392)
    assert fresno[3].number_format == "+0.0;-0.0;+0.0"  # shows +3.7 as the report does
    assert kern[3].value == pytest.approx(-4.2715700141)
    assert (fresno[4].value, fresno[4].number_format) == (61234.56, "#,##0")
    assert fresno[5].number_format == "0.0"
    assert region[3].value == "—"  # missing: a dash as in the report, never blank or zero
    below = [ws.cell(r, 1).value for r in range(7, ws.max_row + 1)]
    assert "Source: BLS QCEW, 2019–2024" in below
    assert "Note: Counties withheld are left out." in below
    # columns sized to their contents: the pay column fits "61,235", the area its header
    assert ws.column_dimensions["E"].width >= len("61,235")
    assert ws.column_dimensions["B"].width >= len("06019000100")


def test_withheld_and_top_coded_cells_show_the_agency_symbol_and_a_flag(chapters, tmp_path):
    ws = _open(chapters, tmp_path / "t.xlsx", sample=False)["T2 metro_wages"]
    assert ws["A1"].value == "Table 2. Median hourly wage by metro area ($)"
    assert [c.value for c in ws[3]] == ["Occupation", "Fresno", "Fresno flag", "Kern",
                                        "Kern flag"]
    machinists, welders = ws[4], ws[5]
    assert (machinists[1].value, machinists[1].number_format) == (17.95, "0.00")
    assert machinists[2].value is None  # published: no flag
    assert welders[1].value == "*" and welders[2].value == "withheld (*)"
    assert machinists[3].value == "#" and machinists[4].value == "top-coded (#)"
    assert (welders[3].value, welders[3].number_format) == (21.5, "0.00")
    below = [ws.cell(r, 1).value or "" for r in range(6, ws.max_row + 1)]
    assert any(line.startswith("* = withheld: OEWS") for line in below)
    assert any(line.startswith("# = top-coded: OEWS") for line in below)


def test_intervals_are_numeric_columns_and_withheld_estimates_are_marked(chapters, tmp_path):
    ws = _open(chapters, tmp_path / "t.xlsx", sample=False)["T3 survey_demand"]
    assert ws["A1"].value == "Table 3. Hiring demand (95% confidence intervals)"
    # the estimate and its bounds are withheld together: one flag column after the three
    assert [c.value for c in ws[3]] == [
        "Occupation", "Hires, 3 years", "Hires, 3 years: 95% CI low",
        "Hires, 3 years: 95% CI high", "Hires, 3 years flag"]
    machinists, welders = ws[4], ws[5]
    assert [machinists[j].value for j in (1, 2, 3)] == [1534.6, 0, 3815.2]
    assert {machinists[j].number_format for j in (1, 2, 3)} == {"#,##0"}
    assert machinists[4].value is None
    assert [welders[j].value for j in (1, 2, 3, 4)] == ["withheld"] * 4
    below = [ws.cell(r, 1).value or "" for r in range(6, ws.max_row + 1)]
    assert any(line.startswith("Withheld: suppressed by the survey") for line in below)
    assert "Note: A dash marks an estimate suppressed by the rule." in below


def test_numbers_the_report_writes_as_text_are_numbers(chapters, tmp_path):
    ws = _open(chapters, tmp_path / "t.xlsx", sample=False)["T4 dac_access"]
    jobs, share = ws[4], ws[5]
    assert (jobs[1].value, jobs[1].number_format) == (121350, "#,##0")
    assert (share[1].value, share[1].number_format) == (54.8, '0.0"%"')


def test_contents_links_to_every_sheet_with_its_number_and_caption(chapters, tmp_path):
    wb = _open(chapters, tmp_path / "t.xlsx", sample=False)
    ws = wb["Contents"]
    links = {c.hyperlink.location: (ws.cell(c.row, 1).value, c.value)
             for row in ws.iter_rows() for c in row if c.hyperlink is not None}
    assert links == {
        "'T1 county_summary'!A1": ("Table 1", "Manufacturing jobs by county"),
        "'T2 metro_wages'!A1": ("Table 2", "Median hourly wage by metro area ($)"),
        "'T3 survey_demand'!A1": ("Table 3", "Hiring demand (95% confidence intervals)"),
        "'T4 dac_access'!A1": ("Table 4", "Jobs in disadvantaged tracts"),
        "'sources-files'!A1": ("Files", "Raw data files behind this report (URL, retrieval "
                                        "date, SHA-256)")}
    files = wb["sources-files"]
    header = _header_row(files)
    names = [c.value for c in files[header]]
    assert files.cell(header + 1, names.index("url") + 1).value == FILES[0]["url"]
    assert files.cell(header + 1, names.index("sha256") + 1).value == "ab" * 32


def test_every_sheet_of_a_sample_workbook_carries_the_sample_mark(chapters, tmp_path):
    wb = _open(chapters, tmp_path / "s.xlsx", sample=True)
    for ws in wb.worksheets:
        assert ws["A2"].value == SAMPLE_MARK, ws.title
        assert SAMPLE_MARK in ws.oddHeader.center.text, ws.title  # and on every printed page
    ws = wb["T1 county_summary"]
    assert ws["A1"].value == "Table 1. Manufacturing jobs by county"
    assert ws.freeze_panes == "A5"  # title, mark, a blank row, then the frozen header row
    assert ws["A4"].value == "Area"


def test_a_real_workbook_carries_no_sample_mark(chapters, tmp_path):
    wb = _open(chapters, tmp_path / "r.xlsx", sample=False)
    for ws in wb.worksheets:
        text = " ".join(str(c.value) for row in ws.iter_rows() for c in row if c.value)
        assert SAMPLE_MARK not in text and "SAMPLE" not in text, ws.title
        assert not ws.oddHeader.center.text, ws.title
