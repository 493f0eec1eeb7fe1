"""End to end on the sample bundle, in a temporary project root: build the sample, process it,
run every notebook through papermill, assemble the report, and read the PDF back; for the
default region, then for a two-county single-metro California region (Inland Empire) and a
three-county region outside California (Central Ohio) in the same root, which must leave the
default region's files untouched and read true for their own counties."""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from pypdf import PdfReader
from test_report_accessibility import (
    _check_tagged,
    axe_violations,
    heading_problems,
    heading_texts,
    html_problems,
    pages_ending_with_a_heading,
    right_margin_pt,
    struct_headings,
    text_past_the_margin,
)
from test_survey_confidential import _export, _leaks, _scan

from assessment import paths
from assessment.report import SAMPLE_MARK, TITLE

pytestmark = pytest.mark.slow
BIN = Path(sys.executable).parent
SLUG = "san-joaquin-valley"
OTHERS = ["inland-empire", "central-ohio"]  # committed test regions under config/regions/


def _run(args: list[str], root: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "ASSESSMENT_ROOT": str(root)}
    proc = subprocess.run(args, cwd=root, env=env, capture_output=True, text=True)
    if proc.returncode != 0:
        raise AssertionError(f"{' '.join(args)} failed:\n{proc.stdout}\n{proc.stderr}")
    return proc


def _build(root: Path, slug: str, plant: bool = False) -> None:
    """The sample report of config/regions/<slug>.yml, stage by stage, as make runs it."""
    region = f"config/regions/{slug}.yml"
    _run([str(BIN / "assessment"), "sample", "--region", region], root)
    if plant:
        # Plant marker strings in every confidential field of an extra export of each survey;
        # test_no_survey_secret_reaches_any_output proves none survives the whole pipeline.
        surveys = root / "data" / "sample" / slug / "raw" / "surveys"
        for survey in ("employer", "union"):
            _export(survey, surveys)
    _run([str(BIN / "assessment"), "process", "--mode", "sample", "--region", region], root)
    out = root / "reports" / "executed" / slug / "sample"
    out.mkdir(parents=True)
    for nb in sorted((root / "notebooks").glob("[0-9][0-9]-*.ipynb")):
        _run([str(BIN / "papermill"), "--no-progress-bar", "-k", "python3", str(nb),
              str(out / nb.name), "-p", "region_path", region, "-p", "mode", "sample"], root)
    _run([str(BIN / "assessment"), "report", "--mode", "sample", "--region", region], root)


def _digests(root: Path, slug: str) -> dict[str, str]:
    """sha256 of every file of one region (its sample bundle, executed notebooks, report)."""
    folders = [root / "data" / "sample" / slug, root / "reports" / "executed" / slug,
               root / "reports" / slug]
    return {str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
            for f in folders for p in sorted(f.rglob("*")) if p.is_file()}


@pytest.fixture(scope="session")
def sample_root(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("project")
    shutil.copytree(paths.CONFIG_DIR, root / "config")
    shutil.copytree(paths.NOTEBOOKS_DIR, root / "notebooks")
    (root / "pyproject.toml").write_text("")
    _build(root, SLUG, plant=True)
    return root


@pytest.fixture(scope="session")
def other_regions(sample_root) -> dict[str, str]:
    """Build the two other test regions in the same root; return the default region's file
    digests taken before they were built."""
    before = _digests(sample_root, SLUG)
    for slug in OTHERS:
        _build(sample_root, slug)
    return before
def _section_titles() -> list[str]:
    titles = []
    for nb in paths.notebooks():
        cells = json.loads(nb.read_text())["cells"]
        for cell in cells:
            if cell["cell_type"] == "markdown":
                for line in "".join(cell["source"]).splitlines():
                    if line.startswith(("# ", "## ")):
                        titles.append(line.lstrip("# ").strip())
    return titles


def test_every_notebook_runs_without_error(sample_root):
    for nb in paths.notebooks():
        executed = json.loads(
            (sample_root / "reports/executed" / SLUG / "sample" / nb.name).read_text())
        errors = [o for c in executed["cells"] if c["cell_type"] == "code"
                  for o in c.get("outputs", []) if o["output_type"] == "error"]
        assert errors == [], nb.name
        shown = [o for c in executed["cells"] for o in c.get("outputs", [])
                 if o["output_type"] == "display_data"]
        assert shown, f"{nb.name} shows nothing"


def test_pdf_has_every_section_and_the_sample_mark_on_every_page(sample_root):
    reader = PdfReader(sample_root / "reports" / SLUG / "needs-assessment-sample.pdf")
    pages = [p.extract_text() for p in reader.pages]
    text = " ".join(" ".join(pages).split())
    appendices = ["Appendix: Methods", "Appendix: Data quality and suppression",
                  "Appendix: Sources"]
    for title in _section_titles() + ["Contents", "Executive summary", *appendices]:
        assert " ".join(title.split()) in text, title
    assert all(SAMPLE_MARK in page for page in pages)
    assert "Figure 1." in text and "Table 1." in text
    assert "Page 2 of" in text


def test_needs_chapter_ran_and_the_summary_leads_with_needs(sample_root):
    executed = json.loads((sample_root / "reports/executed" / SLUG / "sample"
                           / "05-needs-and-recommendations.ipynb").read_text())
    kinds = [o.get("metadata", {}).get("assessment", {}).get("kind")
             for c in executed["cells"] for o in c.get("outputs", [])]
    assert "lead" in kinds and kinds.count("table") >= 5
    html = (sample_root / "reports" / SLUG / "needs-assessment-sample.html").read_text()
    summary = html[html.index('<h1 id="summary">'):]
    summary = summary[:summary.index("</section>")]
    # the first heading of the summary is the needs, then the recommendations, then chapters
    headings = re.findall(r"<h2>(.*?)</h2>", summary)
    assert headings[:3] == ["What the region needs",
                            "What the partnership recommends (sample)", "Findings by chapter"]
    assert summary.index("What the region needs") < summary.index("Industry profile")
    assert "SAMPLE." in summary  # the sample recommendations say so


def test_needs_chapter_shows_the_states_union_coverage_as_the_raw_table_has_it(sample_root):
    """The California private-manufacturing row of the (sample) unionstats state workbook,
    worked out by hand from its persons columns, is what the needs chapter's table shows."""
    import math

    import openpyxl

    raw = sorted((sample_root / "data/sample" / SLUG / "raw/unionstats/state").glob("*.xlsx"))
    ws = openpyxl.load_workbook(raw[-1], read_only=True, data_only=True).active
    row = next(r for r in ws.iter_rows(values_only=True)
               if r[1] == "California" and str(r[2]).startswith("Priv. Manuf"))
    obs, emp, members, covered = row[3], row[4], row[5], row[6]
    html = (sample_root / "reports" / SLUG / "needs-assessment-sample.html").read_text()
    table = html[html.index("Union membership and contract coverage in manufacturing"):]
    table = table[:table.index("</table>")]
    for measure, persons in (("Union members", members), ("Covered by a union contract",
                                                          covered)):
        p = persons / emp
        margin = 196 * math.sqrt(p * (1 - p) / obs)
        cells = (f"<td>{measure}</td><td class=\"num\">{100 * p:.1f}</td>"
                 f"<td class=\"num\">{margin:.1f}</td><td class=\"num\">{obs:,}</td>")
        assert cells in table, measure
    assert "With a collective bargaining agreement (some or all workers)" in table


def test_needs_cite_tables_by_the_number_the_report_prints(sample_root):
    """Every "rests on" reference of the needs chapter names a table number, links to it, and
    the table of that number has the caption cited; none is left as a bare caption."""
    import html as htmllib

    page = (sample_root / "reports" / SLUG / "needs-assessment-sample.html").read_text()
    assert not re.search(r"Chapter \d+, table “", page)
    captions = {n: htmllib.unescape(c) for n, c in re.findall(
        r'<figure class="table" id="table-(\d+)"><figcaption>(.*?)</figcaption>', page)}
    refs = re.findall(r'<a href="#table-(\d+)">Table \1</a> \(chapter \d+, “([^”]+)”\)', page)
    assert len(refs) >= 20
    assert all(captions[n] == htmllib.unescape(c) for n, c in refs)
    # numbered as the stylesheet counts: the n-th table of the document is table n
    order = re.findall(r'<figure class="table"(?: id="table-(\d+)")?>', page)
    numbered = [int(n) for n in order if n]
    assert numbered == list(range(1, len(numbered) + 1))


def test_council_brief_has_four_to_six_pages_each_with_the_sample_mark(sample_root):
    reader = PdfReader(sample_root / "reports" / SLUG / "needs-assessment-brief-sample.pdf")
    pages = [p.extract_text() for p in reader.pages]
    assert 4 <= len(pages) <= 6
    assert all(SAMPLE_MARK in page for page in pages)
    text = " ".join(" ".join(pages).split())
    for part in ("what the region needs", "Priority occupations and their training gap",
                 "What the partnership recommends", "Where to read more",
                 "needs-assessment-sample.pdf", "needs-assessment-sample.xlsx"):
        assert part in text, part


def test_report_html_passes_the_accessibility_check(sample_root):
    """Alt text, language, title, table headers, link text, unique ids, heading order and one
    h1 per chapter and appendix (test_report_accessibility.html_problems)."""
    html = (sample_root / "reports" / SLUG / "needs-assessment-sample.html").read_text()
    assert html_problems(html) == []


def test_report_html_passes_axe_in_a_browser(sample_root):
    """axe-core's WCAG 2.1 A/AA rules and best practices in Chromium (skipped, saying why,
    where Chromium or the a11y extra is not installed)."""
    assert axe_violations(sample_root / "reports" / SLUG / "needs-assessment-sample.html") == {}


def test_report_and_brief_pdfs_are_tagged_with_headings_in_order(sample_root):
    from assessment.region import load_region

    name = load_region(sample_root / "config" / "regions" / f"{SLUG}.yml").name
    for file, title in (("needs-assessment-sample.pdf", f"{TITLE}: {name}"),
                        ("needs-assessment-brief-sample.pdf",
                         f"Council brief: {name} manufacturing needs")):
        path = sample_root / "reports" / SLUG / file
        types = _check_tagged(path, title)
        assert "/Figure:alt" in types and "/Figure" not in types, file  # every image has alt
        assert heading_problems(struct_headings(path), 0) == [], file


def test_no_page_ends_with_a_heading_or_runs_past_the_margin(sample_root):
    from assessment import brief, report
    from assessment.region import load_region

    region = load_region(sample_root / "config" / "regions" / f"{SLUG}.yml")
    out = sample_root / "reports" / SLUG
    executed = sorted((sample_root / "reports/executed" / SLUG / "sample").glob("[0-9]*.ipynb"))
    chapters = [report.read_chapter(p, i, region) for i, p in enumerate(executed, 1)]
    brief_page = brief.brief_html(chapters, paths.Mode.SAMPLE, region, "today")
    for file, page, sheet in (
            ("needs-assessment-sample.pdf", (out / "needs-assessment-sample.html").read_text(),
             "report.css"),
            ("needs-assessment-brief-sample.pdf", brief_page, "brief.css")):
        assert pages_ending_with_a_heading(out / file, heading_texts(page)) == [], file
        margin = right_margin_pt(paths.TEMPLATES_DIR / sheet)
        assert text_past_the_margin(out / file, margin) == [], file


def test_report_shows_no_code(sample_root):
    html = (sample_root / "reports" / SLUG / "needs-assessment-sample.html").read_text()
    assert "import " not in html
    assert "present.table(" not in html
    assert "region_path" not in html


def test_workbook_holds_every_table(sample_root):
    import openpyxl

    wb = openpyxl.load_workbook(sample_root / "reports" / SLUG / "needs-assessment-sample.xlsx")
    assert "sources-files" in wb.sheetnames
    tables = [n for n in wb.sheetnames if n not in ("Contents", "sources-files")]
    html = (sample_root / "reports" / SLUG / "needs-assessment-sample.html").read_text()
    # every table but the three appendix tables (quality, files, availability)
    assert len(tables) == len(re.findall(r'<figure class="table"[ >]', html)) - 3


def _sheet_rows(ws) -> tuple[list[str], list[tuple]]:
    """The frozen header row's names and the data rows under it (up to the first blank
    row)."""
    header = int("".join(ch for ch in ws.freeze_panes if ch.isdigit())) - 1
    names = [c.value for c in ws[header]]
    rows = []
    for row in ws.iter_rows(min_row=header + 1):
        if all(c.value is None for c in row):
            break
        rows.append(row)
    return names, rows


def test_workbook_sheets_read_like_the_reports_tables(sample_root):
    """Numbered and captioned as the PDF numbers them (the n-th table figure of the HTML is
    Table n), the sample mark on every sheet, no number left in General format, withheld
    cells marked, and the survey's intervals as numeric bounds around their estimates."""
    import html as htmllib

    import openpyxl

    report = sample_root / "reports" / SLUG
    wb = openpyxl.load_workbook(report / "needs-assessment-sample.xlsx")
    assert wb.sheetnames[0] == "Contents" and wb.sheetnames[-1] == "sources-files"
    for ws in wb.worksheets:
        assert ws["A2"].value == SAMPLE_MARK, ws.title
    page = (report / "needs-assessment-sample.html").read_text()
    captions = [htmllib.unescape(c) for c in re.findall(
        r'<figure class="table"[^>]*><figcaption>(.*?)</figcaption>', page)]
    tables = wb.sheetnames[1:-1]
    links = {c.hyperlink.location for row in wb["Contents"].iter_rows() for c in row
             if c.hyperlink is not None}
    for n, name in enumerate(tables, 1):
        ws = wb[name]
        assert name.startswith(f"T{n} ")
        assert ws["A1"].value == f"Table {n}. {captions[n - 1]}", name
        assert f"'{name}'!A1" in links
        names, rows = _sheet_rows(ws)
        assert rows, name
        below = [ws.cell(r, 1).value or "" for r in range(rows[-1][0].row + 1,
                                                          ws.max_row + 1)]
        assert any(line.startswith("Source: ") for line in below), name
        for row in rows:
            for cell in row:
                if isinstance(cell.value, int | float) and not isinstance(cell.value, bool):
                    assert cell.number_format != "General", (name, cell.coordinate)
    # the county table: changes with a sign and one decimal, shares one decimal (as printed)
    names, rows = _sheet_rows(wb["T1 county_summary"])
    assert rows[0][names.index("Change (%)")].number_format == "+0.0;-0.0;+0.0"
    assert rows[0][names.index("Share of private jobs (%)")].number_format == "0.0"
    # OEWS's withheld wages keep their "*" with a flag beside it, never a blank or a zero
    metro = next(n for n in tables if n.endswith("occ_wage_median_metro"))
    names, rows = _sheet_rows(wb[metro])
    starred = [(r[j], r[j + 1]) for r in rows for j, c in enumerate(r) if c.value == "*"]
    assert starred and all(flag.value == "withheld (*)" for _, flag in starred)
    # survey demand: estimate <= bounds numeric, the report's dashes withheld here
    demand = next(n for n in tables if n.endswith("survey_demand"))
    names, rows = _sheet_rows(wb[demand])
    est, low, high = (names.index("Hires, 3 years" + s)
                      for s in ("", ": 95% CI low", ": 95% CI high"))
    shown = [r for r in rows if isinstance(r[est].value, float | int)]
    assert shown and all(r[low].value <= r[est].value <= r[high].value for r in shown)
    fig = page[page.index("<figcaption>Estimated regional hiring demand by occupation"):]
    dashes = len(re.findall(r"<td[^>]*>—</td>", fig[:fig.index("</table>")]))
    marked = sum(r[j].value == "withheld" for r in rows
                 for j, n in enumerate(names) if n in ("Vacancies now", "Hires, 12 months",
                                                       "Hires, 3 years",
                                                       "Retirements, 5 years"))
    assert marked == dashes
    # the survey tables' withheld cells: each of the report's dashes is "withheld" here,
    # with its flag beside it
    for key, caption in (("survey_coverage", "Employer survey respondents and their coverage"),
                         ("union_needs", "What union locals report about their members")):
        names, rows = _sheet_rows(wb[next(n for n in tables if n.endswith(key))])
        fig = page[page.index(f"<figcaption>{caption}"):]
        dashes = len(re.findall(r"<td[^>]*>—</td>", fig[:fig.index("</table>")]))
        data = [j for j, n in enumerate(names) if not n.endswith(" flag")]
        marked = [(r, j) for r in rows for j in data if r[j].value == "withheld"]
        assert dashes and len(marked) == dashes, key
        for r, j in marked:  # the flag column after it (one flag for neighbours withheld
            # in the same rows, such as an estimate and its interval)
            flag = next(k for k in range(j + 1, len(names)) if names[k].endswith(" flag"))
            assert r[flag].value == "withheld", (key, r[0].value, names[j])


def test_no_survey_secret_reaches_any_output(sample_root):
    """Markers planted in names, e-mails, phones and free text of the survey exports appear in
    no file the pipeline wrote outside data/.../raw/surveys: processed tables, executed
    notebooks, the HTML, the Excel workbook, nor the PDF's text."""
    surveys = sample_root / "data" / "sample" / SLUG / "raw" / "surveys"
    planted = [p for p in surveys.rglob("*-export.csv")]
    assert len(planted) == 2 and all(_leaks(p.read_text()) for p in planted)
    assert _scan(sample_root, surveys) == []
    for name in ("needs-assessment-sample.pdf", "needs-assessment-brief-sample.pdf"):
        reader = PdfReader(sample_root / "reports" / SLUG / name)
        assert not _leaks(" ".join(p.extract_text() for p in reader.pages))


def _pdf_text(root: Path, slug: str) -> tuple[int, str]:
    reader = PdfReader(root / "reports" / slug / "needs-assessment-sample.pdf")
    pages = [p.extract_text() for p in reader.pages]
    return len(pages), " ".join(" ".join(pages).split())


def _county_names(slug: str) -> list[str]:
    from assessment.region import load_region

    return [c.name for c in load_region(paths.REGIONS_DIR / f"{slug}.yml").counties]


def test_other_regions_leave_the_default_regions_files_untouched(sample_root, other_regions):
    assert _digests(sample_root, SLUG) == other_regions
    for slug in [SLUG, *OTHERS]:
        for ext in ("pdf", "html", "xlsx"):
            assert (sample_root / "reports" / slug / f"needs-assessment-sample.{ext}").exists()
        assert (sample_root / "data" / "sample" / slug / "processed" / "qcew_annual.parquet"
                ).exists()
    assert not list((sample_root / "reports").glob("needs-assessment*"))  # nothing shared


@pytest.mark.parametrize("slug", OTHERS)
def test_every_notebook_runs_for_another_region(sample_root, other_regions, slug):
    for nb in paths.notebooks():
        executed = json.loads(
            (sample_root / "reports/executed" / slug / "sample" / nb.name).read_text())
        errors = [o for c in executed["cells"] if c["cell_type"] == "code"
                  for o in c.get("outputs", []) if o["output_type"] == "error"]
        assert errors == [], (slug, nb.name)


@pytest.mark.parametrize("slug", [SLUG, *OTHERS])
def test_each_report_names_its_own_counties_and_no_other_regions(sample_root, other_regions,
                                                                 slug):
    """Region-true wording: every county of the region appears in its report, no county of
    the other test regions does."""
    _, text = _pdf_text(sample_root, slug)
    for name in _county_names(slug):
        assert name in text, (slug, name)
    others = {n for s in [SLUG, *OTHERS] if s != slug for n in _county_names(s)}
    found = sorted(n for n in others if re.search(rf"\b{re.escape(n)}\b", text))
    assert found == [], (slug, found)


def test_survey_tables_hold_only_the_regions_own_counties(sample_root, other_regions):
    import pandas as pd

    for slug in [SLUG, *OTHERS]:
        processed = sample_root / "data" / "sample" / slug / "processed"
        est = pd.read_parquet(processed / "survey_employer_establishments.parquet")
        from assessment.region import load_region

        fips = set(load_region(paths.REGIONS_DIR / f"{slug}.yml").county_fips)
        assert set(est["county_fips"]) <= fips, slug
        locals_ = pd.read_parquet(processed / "survey_union_locals.parquet")
        named = {c.removeprefix("county_") for c in locals_.columns if c.startswith("county_")}
        assert named == fips, slug


def test_outside_california_the_edd_sections_say_so_once_and_are_left_out(sample_root,
                                                                         other_regions):
    _, text = _pdf_text(sample_root, "central-ohio")
    assert text.count("Recent monthly manufacturing jobs are left out") == 1
    assert text.count("Projected openings are left out") == 1
    assert "Openings over the next decade" not in text  # the section's heading and prose
    assert "Projected annual openings in the region" not in text  # its table
    assert "edd_projections" in text and "no: covers California only, not Ohio" in text
    assert "Priority occupations for the apprenticeship" in text  # ranked on pay and mfg
    _, ie = _pdf_text(sample_root, "inland-empire")
    assert "Openings over the next decade" in ie
    assert "are left out: they come from the California EDD" not in ie


def test_page_counts_are_plausible(sample_root, other_regions):
    for slug in [SLUG, *OTHERS]:
        pages, _ = _pdf_text(sample_root, slug)
        assert 30 <= pages <= 120, (slug, pages)
