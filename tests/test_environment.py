"""environment.yml (conda) and pyproject.toml (pip) declare the same dependencies."""

from __future__ import annotations

import re
import tomllib

import yaml

from assessment import paths


def _split(spec: str) -> tuple[str, str]:
    m = re.match(r"^\s*([A-Za-z0-9_.\-]+)\s*(.*)$", spec)
    assert m, spec
    return m.group(1).lower().replace("_", "-"), m.group(2).replace(" ", "")


def test_conda_environment_matches_pyproject():
    project = tomllib.loads((paths.ROOT / "pyproject.toml").read_text())["project"]
    pip = dict(_split(s) for s in project["dependencies"])
    pip.update(_split(s) for s in project["optional-dependencies"]["dev"])
    env = yaml.safe_load((paths.ROOT / "environment.yml").read_text())
    conda = dict(_split(s) for s in env["dependencies"] if isinstance(s, str))
    conda.pop("python")
    conda.pop("pip")
    assert conda == pip


def test_notebooks_are_committed_without_outputs():
    import nbformat

    for path in paths.notebooks():
        nb = nbformat.read(path, as_version=4)
        for cell in nb.cells:
            if cell.cell_type == "code":
                assert not cell.outputs, f"{path.name} has outputs: strip them (nbstripout)"
                assert cell.execution_count is None, path.name


def test_notebooks_are_thin_and_parameterized():
    import nbformat

    for path in paths.notebooks():
        assert re.fullmatch(r"\d\d-[a-z0-9-]+\.ipynb", path.name)
        nb = nbformat.read(path, as_version=4)
        tagged = [c for c in nb.cells if "parameters" in c.metadata.get("tags", [])]
        assert len(tagged) == 1, f"{path.name}: exactly one cell tagged parameters"
        assert nb.cells[0].cell_type == "markdown" and nb.cells[0].source.startswith("# ")
        for cell in nb.cells:
            if cell.cell_type == "code":
                assert not re.search(r"^\s*(def|class) ", cell.source, re.M), path.name
                assert "../" not in cell.source, f"{path.name} builds a path by hand"
