"""The Makefile's dependency graph, asked of Make itself (``make -n``) in a copy of the project
marked as built (``make -t``): editing a file reruns exactly the stages whose code imports it."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import time

import pytest

from assessment import paths

pytestmark = pytest.mark.skipif(shutil.which("make") is None, reason="GNU make is not installed")
SAMPLE = ["sample-report"]


def _make(root, *args) -> subprocess.CompletedProcess:
    env = {**os.environ, "ASSESSMENT_ROOT": str(root)}
    return subprocess.run(["make", "-C", str(root), f"PYTHON={sys.executable}", *args],
                          env=env, capture_output=True, text=True)


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """A copy of the project whose every sample target Make believes up to date."""
    root = tmp_path_factory.mktemp("project")
    for name in ("Makefile", "pyproject.toml"):
        shutil.copy2(paths.ROOT / name, root / name)
    for name in ("src", "notebooks", "config"):
        shutil.copytree(paths.ROOT / name, root / name,
                        ignore=shutil.ignore_patterns("__pycache__", "*.egg-info"))
    (root / ".venv").mkdir()
    (root / ".venv" / ".installed").touch()  # the environment is kept, as in the benchmark
    _mark_built(root)
    return root


def _mark_built(root) -> None:
    """``make -t``, creating the folders it cannot (it touches files, never makes folders)."""
    for _ in range(50):
        proc = _make(root, "-t", *SAMPLE)
        missing = re.search(r"touch: open: (\S+): No such file", proc.stderr)
        if proc.returncode == 0 or missing is None:
            break
        (root / missing.group(1)).parent.mkdir(parents=True, exist_ok=True)
    assert proc.returncode == 0, proc.stderr


def _touch(root, rel: str) -> os.stat_result:
    before = (root / rel).stat()
    later = time.time() + 5  # newer than anything -t marked, whatever the clock's resolution
    os.utime(root / rel, (later, later))
    return before


def _plan(root, touched: str) -> dict[str, list[str]]:
    """Which stages ``make -n`` would run after ``touched`` is edited; then undo the edit."""
    before = _touch(root, touched)
    proc = _make(root, "-n", *SAMPLE)
    assert proc.returncode == 0, proc.stderr
    lines = proc.stdout.splitlines()
    plan = {
        "sample": [ln for ln in lines if "assessment sample" in ln],
        "process": [ln for ln in lines if "assessment process" in ln],
        "notebooks": sorted(w.split("/")[-1].removesuffix(".ipynb") for ln in lines
                            if "run-notebook" in ln for w in ln.split()
                            if w.startswith("notebooks/")),
        "report": [ln for ln in lines if "assessment report" in ln],
    }
    os.utime(root / touched, ns=(before.st_atime_ns, before.st_mtime_ns))  # undo the edit
    _mark_built(root)  # and build again, for the next test
    assert _make(root, "-q", *SAMPLE).returncode == 0
    return plan


NOTEBOOKS = sorted(p.stem for p in paths.notebooks())


def test_a_built_report_is_up_to_date(built):
    assert _make(built, "-q", *SAMPLE).returncode == 0
    proc = _make(built, *SAMPLE)
    assert proc.returncode == 0 and "Nothing to be done" in proc.stdout


def test_editing_a_section_module_reruns_only_its_notebook_and_the_assembly(built):
    plan = _plan(built, "src/assessment/sections/industry.py")
    assert plan["sample"] == [] and plan["process"] == []
    assert plan["notebooks"] == ["01-industry-profile"]
    assert len(plan["report"]) == 1


def test_editing_a_notebook_reruns_only_it_and_the_assembly(built):
    plan = _plan(built, "notebooks/03-occupations.ipynb")
    assert plan["sample"] == [] and plan["process"] == []
    assert plan["notebooks"] == ["03-occupations"]
    assert len(plan["report"]) == 1


def test_editing_the_assembler_reruns_only_the_assembly(built):
    plan = _plan(built, "src/assessment/report.py")
    assert plan["sample"] == [] and plan["process"] == [] and plan["notebooks"] == []
    assert len(plan["report"]) == 1


def test_editing_a_sample_generator_reruns_the_bundle_onward(built):
    plan = _plan(built, "src/assessment/sample/qcew.py")
    assert len(plan["sample"]) == 1 and len(plan["process"]) == 1
    assert plan["notebooks"] == NOTEBOOKS
    assert len(plan["report"]) == 1


def test_editing_the_region_file_reruns_the_bundle_onward(built):
    region = built / "config/regions/san-joaquin-valley.yml"
    text = region.read_text()
    region.write_text(text + "# edited\n")
    try:
        lines = _make(built, "-n", *SAMPLE).stdout.splitlines()
    finally:
        region.write_text(text)
        _mark_built(built)
    assert sum("assessment sample" in ln for ln in lines) == 1
    assert sum("assessment process" in ln for ln in lines) == 1
    assert sum("run-notebook" in ln for ln in lines) == len(NOTEBOOKS)


def test_touching_the_region_file_alone_reruns_nothing(built):
    """Its content stamp (data/.regions/<slug>.sha256) is what the bundle depends on."""
    plan = _plan(built, "config/regions/san-joaquin-valley.yml")
    assert plan == {"sample": [], "process": [], "notebooks": [], "report": []}


def test_editing_the_command_line_reruns_nothing(built):
    plan = _plan(built, "src/assessment/cli.py")
    assert plan == {"sample": [], "process": [], "notebooks": [], "report": []}


def test_editing_the_needs_rules_reruns_only_the_needs_chapter_and_the_assembly(built):
    plan = _plan(built, "config/needs.yml")
    assert plan["sample"] == [] and plan["process"] == []
    assert plan["notebooks"] == ["05-needs-and-recommendations"]
    assert len(plan["report"]) == 1


def test_editing_the_brief_stylesheet_reruns_only_the_assembly(built):
    plan = _plan(built, "src/assessment/report_templates/brief.css")
    assert plan["sample"] == [] and plan["process"] == [] and plan["notebooks"] == []
    assert len(plan["report"]) == 1
