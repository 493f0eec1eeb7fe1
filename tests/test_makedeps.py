"""The static import scan behind the Makefile's prerequisites, on a small package written here."""

from __future__ import annotations

import json

from assessment import makedeps


def _write(root, rel: str, text: str = "") -> None:
    path = root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)


def _project(tmp_path):
    root = tmp_path
    _write(root, "src/assessment/__init__.py")
    _write(root, "src/assessment/paths.py", "ROOT = 1\n")
    _write(root, "src/assessment/plain.py", "import os\n")  # imports nothing of ours
    _write(root, "src/assessment/late.py", "def f():\n    from assessment import plain\n")
    _write(root, "src/assessment/sections/__init__.py")
    _write(root, "src/assessment/sections/one.py", "from . import helper\n")
    _write(root, "src/assessment/sections/helper.py", "from ..late import f\n")
    _write(root, "src/assessment/sections/two.py", "import pandas\n")
    _write(root, "src/assessment/registry.py",
           'NAMES = {"x": "assessment.sections.two"}\nimport importlib\n')
    _write(root, "src/assessment/styled.py", "from assessment import paths\n"
                                             "CSS = paths.TEMPLATES_DIR / 'report.css'\n")
    _write(root, "src/assessment/report_templates/report.css", "p {}")
    nb = {"cells": [{"cell_type": "code", "metadata": {}, "outputs": [], "execution_count": None,
                     "source": ["%matplotlib inline\n", "from assessment.sections import one\n"]},
                    {"cell_type": "markdown", "metadata": {}, "source": "import nothing"}],
          "metadata": {}, "nbformat": 4, "nbformat_minor": 5}
    _write(root, "notebooks/01-a.ipynb", json.dumps(nb))
    return root


def _names(root, files) -> set[str]:
    return {str(f.relative_to(root)) for f in files}


def test_imports_are_followed_through_relative_and_function_level_imports(tmp_path):
    root = _project(tmp_path)
    graph = makedeps.Graph(root)
    got = _names(root, graph.closure({"assessment.sections.one"}))
    # one -> helper (relative) -> late (parent-relative) -> plain (inside a function), and
    # the packages each import runs; two is in the same package but never imported.
    assert got == {"src/assessment/__init__.py", "src/assessment/sections/__init__.py",
                   "src/assessment/sections/one.py", "src/assessment/sections/helper.py",
                   "src/assessment/late.py", "src/assessment/plain.py"}


def test_a_registry_string_counts_as_an_import(tmp_path):
    root = _project(tmp_path)
    got = _names(root, makedeps.Graph(root).closure({"assessment.registry"}))
    assert "src/assessment/sections/two.py" in got


def test_a_paths_folder_constant_brings_in_the_folder_files(tmp_path):
    root = _project(tmp_path)
    got = _names(root, makedeps.Graph(root).closure({"assessment.styled"}))
    assert "src/assessment/report_templates/report.css" in got
    assert "src/assessment/paths.py" in got


def test_a_notebook_depends_on_itself_and_what_its_code_cells_import(tmp_path):
    root = _project(tmp_path)
    nb = root / "notebooks" / "01-a.ipynb"
    deps = makedeps.stages([nb], root)
    got = _names(root, deps["DEPS_NB_01-a"])
    assert "notebooks/01-a.ipynb" in got and "src/assessment/sections/one.py" in got
    assert "src/assessment/sections/two.py" not in got  # a sibling it does not import


def test_the_real_tree_keeps_sections_apart():
    deps = makedeps.stages(sorted(makedeps.paths.NOTEBOOKS_DIR.glob("[0-9][0-9]-*.ipynb")))
    root = makedeps.paths.ROOT
    industry = _names(root, deps["DEPS_NB_01-industry-profile"])
    assert "src/assessment/sections/industry.py" in industry
    assert "src/assessment/sections/workforce.py" not in industry
    sample = _names(root, deps["DEPS_SAMPLE"])
    assert "src/assessment/sample/qcew.py" in sample
    assert not any(f.startswith("src/assessment/sections/") for f in sample)
    assert "src/assessment/cli.py" not in sample | _names(root, deps["DEPS_PROCESS"])
    assert "src/assessment/report_templates/report.css" in _names(root, deps["DEPS_REPORT"])


def test_the_make_file_lists_every_file_once_as_an_empty_rule(tmp_path):
    root = _project(tmp_path)
    text = makedeps.render(makedeps.stages([root / "notebooks" / "01-a.ipynb"], root), root)
    assert "DEPS_NB_01-a := " in text
    assert text.count("\nsrc/assessment/sections/one.py:\n") == 1
