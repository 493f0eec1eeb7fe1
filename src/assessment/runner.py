"""Run one notebook in a fresh kernel through papermill, quietly: ``assessment run-notebook``.

Make calls this for every executed notebook. It prints one line with the notebook's name and
time when it succeeds; when a cell fails it prints the notebook, the cell (its number and
source) and the error with its traceback, and exits non-zero. Nothing else reaches the terminal:
the kernel talks to papermill over local IPC sockets in a private temporary folder, so it has no
reason to warn that TCP traffic is unencrypted, and its own log goes to a file that is shown
only when the kernel dies.
"""

from __future__ import annotations

import json
import logging
import re
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

_ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")


@dataclass
class NotebookFailed(Exception):
    """A cell raised: which notebook, which cell, and what it said."""

    notebook: str
    cell: int | None  # 1-based position among the notebook's cells
    execution_count: int | None
    source: str
    error: str
    traceback: str

    def __str__(self) -> str:
        if self.cell is None:
            where = "the kernel"
        else:
            where = f"cell {self.cell}"
            if self.execution_count is not None:
                where += f" (In [{self.execution_count}])"
        source = "\n".join("    " + line for line in self.source.strip().splitlines())
        trace = self.traceback.rstrip()
        error = "" if trace.endswith(self.error) else self.error
        parts = [f"{self.notebook}: {where} failed", source, trace, error]
        return "\n".join(p for p in parts if p)


def _plain(text: str) -> str:
    return _ANSI.sub("", text)


def _source_cell(executed: Path, index: int | None) -> int | None:
    """1-based number, in the notebook as written, of the executed notebook's cell ``index``
    (papermill inserts an ``injected-parameters`` cell the source does not have)."""
    if index is None:
        return None
    try:
        cells = json.loads(executed.read_text(encoding="utf-8"))["cells"]
    except (OSError, ValueError, KeyError):
        return index + 1
    injected = [i for i, c in enumerate(cells)
                if "injected-parameters" in c.get("metadata", {}).get("tags", [])]
    return index + 1 - sum(1 for i in injected if i < index)


def run_notebook(notebook: Path, output: Path, parameters: dict | None = None,
                 kernel: str = "python3", cwd: Path | None = None) -> float:
    """Execute ``notebook`` into ``output`` with papermill; return the seconds it took.

    Raises :class:`NotebookFailed` naming the notebook, cell and error when a cell raises.
    """
    start = time.perf_counter()
    # nbformat validates notebooks with jsonschema, whose optional IRI format checker
    # (rfc3987_syntax, installed for Jupyter's event schemas) compiles a grammar at import: about
    # 2.5 s of every run, for a format no notebook schema uses. Keep it out of this process.
    sys.modules.setdefault("rfc3987_syntax", None)
    import papermill as pm
    from jupyter_client.manager import AsyncKernelManager
    from papermill.exceptions import PapermillExecutionError

    logging.getLogger("papermill").setLevel(logging.ERROR)
    output.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="nb-") as tmp:
        kernel_log = Path(tmp) / "kernel.log"
        log_fh = kernel_log.open("w")

        class QuietKernelManager(AsyncKernelManager):
            """IPC sockets in the private folder; the kernel's own log to a file."""

            def __init__(self, **kwargs):
                super().__init__(transport="ipc", ip=str(Path(tmp) / "kernel"), **kwargs)

            async def start_kernel(self, **kwargs):
                kwargs.setdefault("stderr", log_fh)
                return await super().start_kernel(**kwargs)

        with log_fh:
            try:
                pm.execute_notebook(
                    str(notebook), str(output), parameters=parameters or {},
                    kernel_name=kernel, language="python", progress_bar=False, log_output=False,
                    request_save_on_cell_execute=False, cwd=str(cwd) if cwd else None,
                    kernel_manager_class=QuietKernelManager)
            except PapermillExecutionError as exc:
                raise NotebookFailed(
                    notebook=notebook.name, cell=_source_cell(output, exc.cell_index),
                    execution_count=exc.exec_count, source=exc.source or "",
                    error=f"{exc.ename}: {_plain(str(exc.evalue))}",
                    traceback=_plain("\n".join(exc.traceback or []))) from None
            except Exception as exc:  # the kernel died or would not start
                log = kernel_log.read_text(errors="replace").strip()
                raise NotebookFailed(notebook=notebook.name, cell=None, execution_count=None,
                                     source="", error=f"{type(exc).__name__}: {exc}",
                                     traceback=_plain(log)) from None
    return time.perf_counter() - start
