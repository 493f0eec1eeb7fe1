"""The README says what is true: its sources table is the generated one, its tree is on disk."""

from __future__ import annotations

import re

from assessment import paths, sources

README = (paths.ROOT / "README.md").read_text(encoding="utf-8")


def test_sources_table_is_the_generated_one():
    block = README.split("<!-- sources:start -->\n", 1)[1].split("<!-- sources:end -->", 1)[0]
    assert block == sources.sources_table(), (
        "README sources table is stale: run `assessment sources-table --write README.md`")


def test_every_source_has_a_row():
    for name in sources.SOURCES:
        assert f"| `{name}` |" in README


def test_layout_tree_folders_exist():
    tree = README.split("## Layout", 1)[1].split("```", 2)[1]
    stack: list[str] = []
    for line in tree.splitlines():
        m = re.match(r"^([│ ]*)[├└]── ([^ ]+/)", line)
        if not m:
            continue
        depth = len(m.group(1)) // 4
        stack = stack[:depth] + [m.group(2).rstrip("/")]
        folder = paths.ROOT.joinpath(*stack)
        generated = {"sample", "surveys", "reports"}  # made by make, or git-ignored
        assert folder.is_dir() or stack[-1] in generated, f"README tree names {folder}"


def test_readme_shows_the_two_commands_and_ci_runs_the_test_command():
    assert "make sample-report" in README and "make test" in README
    assert "make test" in (paths.ROOT / ".ci" / "run").read_text()


def test_each_source_saves_where_its_row_says(region):
    """The table's 'saved under' is prose; it must agree with the paths the code builds."""
    dirs = paths.data_dirs(paths.Mode.REAL, region)
    for name, module in sources.all_sources().items():
        prefix = module.INFO.saved_under.split("{", 1)[0]  # oews names a release folder
        for rf in module.remote_files(region, dirs):
            where = rf.dest.relative_to(paths.ROOT).as_posix()
            assert where.startswith(prefix), f"{name}: {where} is not under {prefix}"
