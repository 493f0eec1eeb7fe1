"""`assessment run-notebook`: one line on success; on failure the notebook, the cell as written
and the error; no kernel chatter either way."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow
ASSESSMENT = str(Path(sys.executable).parent / "assessment")


def _notebook(path: Path, *sources: str) -> Path:
    cells = [{"cell_type": "code", "execution_count": None, "id": "params", "outputs": [],
              "metadata": {"tags": ["parameters"]}, "source": "divisor = 1"},
             {"cell_type": "markdown", "id": "prose", "metadata": {}, "source": "Some prose."}]
    cells += [{"cell_type": "code", "execution_count": None, "id": f"c{i}", "outputs": [],
               "metadata": {}, "source": src} for i, src in enumerate(sources)]
    path.write_text(json.dumps({"cells": cells, "metadata": {}, "nbformat": 4,
                                "nbformat_minor": 5}))
    return path


def _run(nb: Path, out: Path, *params: str) -> subprocess.CompletedProcess:
    args = [ASSESSMENT, "run-notebook", "-k", "python3", str(nb), str(out)]
    for p in params:
        args += ["-p", p]
    return subprocess.run(args, capture_output=True, text=True)


def test_a_good_notebook_prints_one_line_and_is_executed_with_its_parameters(tmp_path):
    nb = _notebook(tmp_path / "01-good.ipynb", "answer = 84 // divisor\nanswer")
    out = tmp_path / "out" / "01-good.ipynb"
    proc = _run(nb, out, "divisor=2")
    assert proc.returncode == 0, proc.stderr
    assert proc.stderr == ""  # no "running over TCP without encryption", no progress bars
    lines = proc.stdout.splitlines()
    assert len(lines) == 1 and lines[0].startswith("notebook 01-good") and lines[0].endswith("s")
    cells = json.loads(out.read_text())["cells"]
    results = [o for c in cells for o in c.get("outputs", []) if o["output_type"] ==
               "execute_result"]
    text = results[0]["data"]["text/plain"]
    assert "".join(text) == "42"  # 84 // 2: the parameter was injected


def test_a_failing_cell_is_named_with_its_source_and_error(tmp_path):
    nb = _notebook(tmp_path / "02-bad.ipynb", "x = 1", "y = 10 / (divisor - 1)")
    proc = _run(nb, tmp_path / "02-bad.out.ipynb")
    assert proc.returncode == 1
    err = proc.stderr
    # the fourth cell as written (parameters, prose, x = 1, the division); papermill's
    # injected-parameters cell is not counted
    assert err.startswith("02-bad.ipynb: cell 4 ")
    assert "y = 10 / (divisor - 1)" in err
    assert "ZeroDivisionError: division by zero" in err
    assert "without encryption" not in err and "\x1b[" not in err


def test_a_parameter_without_a_value_is_refused(tmp_path):
    nb = _notebook(tmp_path / "03-x.ipynb", "pass")
    proc = _run(nb, tmp_path / "o.ipynb", "divisor")
    assert proc.returncode == 2 and "NAME=VALUE" in proc.stderr
