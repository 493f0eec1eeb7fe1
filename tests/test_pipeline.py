"""End to end on the sample bundle, in a temporary project root: build the sample, process it,
run every notebook through papermill, assemble the report, and read the PDF back."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from pypdf import PdfReader
from test_survey_confidential import _export, _leaks, _scan

from assessment import paths
from assessment.report import SAMPLE_MARK

pytestmark = pytest.mark.slow
BIN = Path(sys.executable).parent
SLUG = "san-joaquin-valley"


def _run(args: list[str], root: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "ASSESSMENT_ROOT": str(root)}
    proc = subprocess.run(args, cwd=root, env=env, capture_output=True, text=True)
    if proc.returncode != 0:
        raise AssertionError(f"{' '.join(args)} failed:\n{proc.stdout}\n{proc.stderr}")
    return proc


@pytest.fixture(scope="session")
def sample_root(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("project")
    shutil.copytree(paths.CONFIG_DIR, root / "config")
    shutil.copytree(paths.NOTEBOOKS_DIR, root / "notebooks")
    (root / "pyproject.toml").write_text("")
    region = "config/regions/san-joaquin-valley.yml"
    _run([str(BIN / "assessment"), "sample", "--region", region], root)
    # Plant marker strings in every confidential field of an extra export of each survey;
    # test_no_survey_secret_reaches_any_output proves none survives the whole pipeline.
    surveys = root / "data" / "sample" / SLUG / "raw" / "surveys"
    for survey in ("employer", "union"):
        _export(survey, surveys)
    _run([str(BIN / "assessment"), "process", "--mode", "sample", "--region", region], root)
    out = root / "reports" / "executed" / SLUG / "sample"
    out.mkdir(parents=True)
    for nb in sorted((root / "notebooks").glob("[0-9][0-9]-*.ipynb")):
        _run([str(BIN / "papermill"), "--no-progress-bar", "-k", "python3", str(nb),
              str(out / nb.name), "-p", "region_path", region, "-p", "mode", "sample"], root)
    _run([str(BIN / "assessment"), "report", "--mode", "sample", "--region", region], root)
    return root


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


def test_report_shows_no_code(sample_root):
    html = (sample_root / "reports" / SLUG / "needs-assessment-sample.html").read_text()
    assert "import " not in html
    assert "present.table(" not in html
    assert "region_path" not in html


def test_workbook_holds_every_table(sample_root):
    import openpyxl

    wb = openpyxl.load_workbook(sample_root / "reports" / SLUG / "needs-assessment-sample.xlsx")
    assert "sources-files" in wb.sheetnames
    tables = [n for n in wb.sheetnames if n != "sources-files"]
    html = (sample_root / "reports" / SLUG / "needs-assessment-sample.html").read_text()
    # every table but the three appendix tables (quality, files, availability)
    assert len(tables) == html.count('<figure class="table">') - 3


def test_no_survey_secret_reaches_any_output(sample_root):
    """Markers planted in names, e-mails, phones and free text of the survey exports appear in
    no file the pipeline wrote outside data/.../raw/surveys: processed tables, executed
    notebooks, the HTML, the Excel workbook, nor the PDF's text."""
    surveys = sample_root / "data" / "sample" / SLUG / "raw" / "surveys"
    planted = [p for p in surveys.rglob("*-export.csv")]
    assert len(planted) == 2 and all(_leaks(p.read_text()) for p in planted)
    assert _scan(sample_root, surveys) == []
    reader = PdfReader(sample_root / "reports" / SLUG / "needs-assessment-sample.pdf")
    assert not _leaks(" ".join(p.extract_text() for p in reader.pages))
