"""Make prerequisites that follow the real imports, found by a static scan (``ast``).

``python -m assessment.makedeps OUT.mk`` writes Make variables naming, for each stage of the
build, the files its code is made of, so editing a file reruns only the stages that run it:

* ``DEPS_SAMPLE``: the sample generators (every module of :mod:`assessment.sample`) and what
  they import;
* ``DEPS_PROCESS``: the sources (every module of :mod:`assessment.sources`),
  :mod:`assessment.dataset` and what they import;
* ``DEPS_NB_<notebook stem>``: the notebook itself, the modules its code cells import and what
  those import;
* ``DEPS_REPORT``: :mod:`assessment.report` and what it imports.

Rules of the scan, all conservative (a file is never left out when it may run):

* every ``import`` statement anywhere in a module counts, in functions too, and importing
  ``a.b.c`` runs ``a/__init__.py`` and ``a/b/__init__.py`` as well;
* a string literal that names a module of the package (the registries in
  ``sources/__init__.py`` and ``sample/__init__.py`` import by name) counts as an import;
* a module that reads a folder or file constant of :mod:`assessment.paths` (``TEMPLATES_DIR``,
  ``SURVEY_CODEBOOKS_DIR``, ``NEEDS_RULES``...) depends on the files it names.

Only files of this project are listed: installed libraries change with ``pyproject.toml``, which
the environment stamp already follows. The command-line module is glue, not a stage's code, so
editing ``cli.py`` reruns nothing.
"""

from __future__ import annotations

import ast
import json
import sys
from pathlib import Path

from assessment import paths

PACKAGE = "assessment"
# Folders that are whole stages' inputs or outputs, never a module's data files.
# The region files are inputs through their content stamps (data/.regions/<slug>.sha256).
_NOT_DATA = {"ROOT", "CONFIG_DIR", "REGIONS_DIR", "DEFAULT_REGION", "NOTEBOOKS_DIR",
             "REPORTS_DIR", "DATA_DIR", "PACKAGE_DIR"}


def _module_files(root: Path) -> dict[str, Path]:
    """Dotted module name -> file, for every module of the package under ``root``."""
    out = {}
    for path in sorted((root / PACKAGE).rglob("*.py")):
        parts = list(path.relative_to(root).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        out[".".join(parts)] = path
    return out


def _data_folders(root: Path) -> dict[str, Path]:
    """Folder and file constants of :mod:`assessment.paths` that hold modules' data files
    (``TEMPLATES_DIR``, ``NEEDS_RULES``...), moved under ``root`` (a copy of the project is
    scanned as itself)."""
    out = {}
    for name, value in vars(paths).items():
        if not name.isupper() or name in _NOT_DATA or not isinstance(value, Path):
            continue
        if value.is_relative_to(paths.PACKAGE_DIR):
            value = root / "src" / PACKAGE / value.relative_to(paths.PACKAGE_DIR)
        elif value.is_relative_to(paths.ROOT):
            value = root / value.relative_to(paths.ROOT)
        if value.is_dir() or value.is_file():
            out[name] = value
    return out


def _files(folder_or_file: Path) -> list[Path]:
    if folder_or_file.is_file():
        return [folder_or_file]
    return [f for f in folder_or_file.rglob("*") if f.is_file() and "__pycache__" not in f.parts]


class Graph:
    """The import graph of the package in ``root/src``."""

    def __init__(self, root: Path | None = None):
        self.root = Path(root) if root else paths.ROOT
        self.modules = _module_files(self.root / "src")
        self.folders = _data_folders(self.root)
        self._cache: dict[str, tuple[frozenset[str], frozenset[Path]]] = {}

    def _resolve(self, name: str) -> set[str]:
        """The modules that ``import name`` runs: its parent packages and itself."""
        parts = name.split(".")
        return {".".join(parts[:i]) for i in range(1, len(parts) + 1)
                if ".".join(parts[:i]) in self.modules}

    def _imported_names(self, tree: ast.AST, module: str) -> set[str]:
        names: set[str] = set()
        package = module if self.modules[module].name == "__init__.py" else \
            module.rpartition(".")[0]
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                names.update(a.name for a in node.names)
            elif isinstance(node, ast.ImportFrom):
                if node.level:
                    base = package.split(".")
                    base = base[:len(base) - node.level + 1]
                    prefix = ".".join(base + ([node.module] if node.module else []))
                else:
                    prefix = node.module or ""
                names.add(prefix)
                # ``from a import b`` imports the module a.b when there is one
                names.update(f"{prefix}.{a.name}" for a in node.names)
            elif (isinstance(node, ast.Constant) and isinstance(node.value, str)
                  and node.value.startswith(PACKAGE + ".")):
                names.add(node.value)
        return names

    def _folder_names(self, tree: ast.AST) -> set[str]:
        # Names read, not names defined: paths.py defines every constant without reading it.
        used = {n.id for n in ast.walk(tree)
                if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Load)}
        used |= {n.attr for n in ast.walk(tree) if isinstance(n, ast.Attribute)}
        return used & set(self.folders)

    def _direct(self, module: str) -> tuple[frozenset[str], frozenset[Path]]:
        """The modules ``module`` imports and the data files it reads, by its own text."""
        if module in self._cache:
            return self._cache[module]
        tree = ast.parse(self.modules[module].read_text(encoding="utf-8"))
        mods = set().union(*(self._resolve(n) for n in self._imported_names(tree, module)))
        # paths.py only says where things are; the modules that read its constants depend
        # on the files they name.
        names = self._folder_names(tree) if module != f"{PACKAGE}.paths" else set()
        data = {f for name in names for f in _files(self.folders[name])}
        self._cache[module] = frozenset(mods - {module}), frozenset(data)
        return self._cache[module]

    def closure(self, names: set[str]) -> set[Path]:
        """Every project file that importing ``names`` runs or reads."""
        todo = set().union(*(self._resolve(n) for n in names)) if names else set()
        seen: set[str] = set()
        files: set[Path] = set()
        while todo:
            module = todo.pop()
            if module in seen:
                continue
            seen.add(module)
            mods, data = self._direct(module)
            files |= data
            todo |= mods - seen
        return files | {self.modules[m] for m in seen}

    def package_modules(self, package: str) -> set[str]:
        return {m for m in self.modules if m == package or m.startswith(package + ".")}


def notebook_imports(path: Path) -> set[str]:
    """Modules the notebook's code cells import (IPython magics and shell lines skipped)."""
    cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
    names: set[str] = set()
    for cell in cells:
        if cell.get("cell_type") != "code":
            continue
        source = "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]
        code = "\n".join(line for line in source.splitlines()
                         if not line.lstrip().startswith(("%", "!")))
        for node in ast.walk(ast.parse(code)):
            if isinstance(node, ast.Import):
                names.update(a.name for a in node.names)
            elif isinstance(node, ast.ImportFrom) and node.module:
                names.add(node.module)
                names.update(f"{node.module}.{a.name}" for a in node.names)
    return names


def stages(notebooks: list[Path], root: Path | None = None) -> dict[str, set[Path]]:
    """Stage variable name -> the files it depends on."""
    graph = Graph(root)
    out = {
        "DEPS_SAMPLE": graph.closure(graph.package_modules(f"{PACKAGE}.sample")),
        "DEPS_PROCESS": graph.closure(graph.package_modules(f"{PACKAGE}.sources")
                                      | {f"{PACKAGE}.dataset"}),
        "DEPS_REPORT": graph.closure({f"{PACKAGE}.report"}),
    }
    for nb in notebooks:
        out[f"DEPS_NB_{nb.stem}"] = {nb} | graph.closure(notebook_imports(nb))
    return out


def render(deps: dict[str, set[Path]], root: Path) -> str:
    """Make variables, then an empty rule per file (as ``gcc -MP`` writes), so deleting a
    module reruns what used it instead of stopping Make with "no rule to make target"."""
    lines = ["# Generated by `python -m assessment.makedeps` from the imports; do not edit."]
    every: set[str] = set()
    for var, files in deps.items():
        rel = sorted(str(f.relative_to(root)) if f.is_relative_to(root) else str(f)
                     for f in files)
        every.update(rel)
        lines.append(f"{var} := " + " \\\n\t".join(rel))
    lines += [f"{f}:" for f in sorted(every)]
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> None:
    args = sys.argv[1:] if argv is None else argv
    if not args:
        sys.exit("usage: python -m assessment.makedeps OUT.mk [NOTEBOOK...]")
    out = Path(args[0])
    root = Path.cwd().resolve()
    notebooks = [Path(a).resolve() for a in args[1:]]
    text = render(stages(notebooks, root), root)
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(out.name + ".part")
    tmp.write_text(text, encoding="utf-8")
    tmp.replace(out)


if __name__ == "__main__":
    main()
