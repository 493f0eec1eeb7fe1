"""Benchmark: the sample report's full rebuild against the floor its design imposes.

Everything is measured in one run on the same machine, so a busy machine slows the floor and
the build alike:

* **floor**: four trivial papermill runs, one after another, of a notebook that imports pandas,
  geopandas and matplotlib (the project's kernel, as the Makefile runs it), plus a one-page
  WeasyPrint render in a fresh process;
* **full rebuild**: ``make sample-report`` from clean, the environment kept, in a throwaway copy of
  the project (so the working tree's data and reports are never touched). Every recipe runs
  through a timing shell, so each stage (sample bundle, processing, each notebook, assembly) is
  timed as Make actually ran it, in parallel where it did;
* **no-op rebuild**: ``make sample-report`` again with nothing changed;
* **OEWS read**: ``assessment read oews`` of the national file kept to the region, as a whole
  process, against a whole process doing a bare ``pyarrow.csv.read_csv`` of the same file
  (the file is rebuilt by ``benchmarks/oews_read.py``; ``--skip-oews`` leaves it out).

Medians of ``--runs`` repetitions are printed for the floor, the no-op and the OEWS figures; the
full rebuild is run ``--builds`` times (default 1: it takes minutes)::

    .venv/bin/python benchmarks/build.py [--builds 1] [--runs 3] [--skip-oews]

Targets (issue 11): full rebuild at most 1.5x the floor; no-op under 1 s; OEWS read within 3x.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import textwrap
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
KERNEL = "sjv-assessment"
# What the throwaway copy needs for `make sample-report`: the rest is built there.
COPY = ["Makefile", "pyproject.toml", "config", "notebooks", "src"]
TRIVIAL_NOTEBOOK = {
    "cells": [
        {"cell_type": "code", "execution_count": None, "id": "parameters", "outputs": [],
         "metadata": {"tags": ["parameters"]}, "source": "mode = 'sample'"},
        {"cell_type": "code", "execution_count": None, "id": "imports", "outputs": [],
         "metadata": {}, "source": "import pandas\nimport geopandas\nimport matplotlib.pyplot"},
    ],
    "metadata": {"kernelspec": {"name": KERNEL, "display_name": KERNEL, "language": "python"}},
    "nbformat": 4, "nbformat_minor": 5,
}
ONE_PAGE = ("from weasyprint import HTML; import sys; HTML(string='<h1>One page</h1><p>'"
            " + 'Text. ' * 200 + '</p>').write_pdf(sys.argv[1])")
TIMING_SHELL = textwrap.dedent("""\
    #!/bin/bash
    # Runs one recipe line like Make's own shell would and logs its start, end and command.
    start=$(date +%s.%N)
    /bin/bash "$@"
    rc=$?
    end=$(date +%s.%N)
    cmd="${@: -1}"
    printf '%s\\t%s\\t%s\\t%s\\n' "$start" "$end" "$rc" "${cmd//$'\\n'/ }" >> "$BUILD_BENCH_LOG"
    exit $rc
    """)


def _timed(args: list[str], **kwargs) -> float:
    start = time.perf_counter()
    subprocess.run(args, check=True, capture_output=True, **kwargs)
    return time.perf_counter() - start


def floor(work: Path) -> dict:
    nb = work / "trivial.ipynb"
    nb.write_text(json.dumps(TRIVIAL_NOTEBOOK))
    runs = [_timed([str(BIN / "papermill"), "--no-progress-bar", "--log-level", "WARNING",
                    "-k", KERNEL, str(nb), str(work / f"trivial-out-{i}.ipynb")])
            for i in range(4)]
    pdf = _timed([sys.executable, "-c", ONE_PAGE, str(work / "one-page.pdf")])
    return {"papermill": runs, "weasyprint": pdf, "total": sum(runs) + pdf}


def project_copy(work: Path) -> Path:
    """A copy of the project (mtimes kept) sharing the working tree's environment."""
    proj = work / "project"
    proj.mkdir()
    for name in COPY:
        src = ROOT / name
        if src.is_dir():
            shutil.copytree(src, proj / name, ignore=shutil.ignore_patterns(
                "__pycache__", "*.egg-info", ".ipynb_checkpoints"))
        else:
            shutil.copy2(src, proj / name)
    (proj / ".venv").symlink_to(ROOT / ".venv")
    return proj


def _make(proj: Path, *args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    env = {**os.environ, "ASSESSMENT_ROOT": str(proj), **(env or {})}
    return subprocess.run(["make", "--no-print-directory", "-C", str(proj), *args], env=env,
                          capture_output=True, text=True)


STAGES = [  # (stage, words in the recipe line that mark it), first match wins
    ("sample bundle", ("assessment sample",)),
    ("processing", ("assessment process",)),
    ("assembly", ("assessment report",)),
]


def _stage(cmd: str) -> str | None:
    if "papermill" in cmd or "run-notebook" in cmd:
        for word in cmd.split():
            if word.endswith(".ipynb") and "/notebooks/" in f"/{word}":
                return "notebook " + Path(word).stem
    for stage, words in STAGES:
        if any(w in cmd for w in words):
            return stage
    return None


def full_build(proj: Path, work: Path) -> dict:
    shell = work / "timing-shell"
    shell.write_text(TIMING_SHELL)
    shell.chmod(0o755)
    log = work / "recipes.tsv"
    log.unlink(missing_ok=True)
    _make(proj, "clean")
    start = time.perf_counter()
    proc = _make(proj, "sample-report", f"SHELL={shell}", env={"BUILD_BENCH_LOG": str(log)})
    total = time.perf_counter() - start
    if proc.returncode != 0:
        sys.exit(f"make sample-report failed:\n{proc.stdout[-4000:]}\n{proc.stderr[-4000:]}")
    stages: dict[str, float] = {}
    for line in log.read_text().splitlines():
        begin, end, _rc, cmd = line.split("\t", 3)
        stage = _stage(cmd)
        if stage:
            stages[stage] = stages.get(stage, 0.0) + float(end) - float(begin)
    return {"total": total, "stages": stages, "output": proc.stdout + proc.stderr}


def noop(proj: Path, runs: int) -> list[float]:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        proc = _make(proj, "sample-report")
        times.append(time.perf_counter() - start)
        if proc.returncode != 0:
            sys.exit(f"no-op make failed:\n{proc.stderr}")
    return times


def oews(runs: int, path: Path | None, work: Path) -> dict:
    sys.path.insert(0, str(ROOT / "benchmarks"))
    import oews_read

    data = path or oews_read.build_files()
    region = ROOT / "config" / "regions" / "san-joaquin-valley.yml"
    ours = [_timed([str(BIN / "assessment"), "read", "oews", str(data), "--region", str(region),
                    "-o", str(work / "oews.parquet")]) for _ in range(runs)]
    bare = [_timed([sys.executable, "-c", "import sys, pyarrow.csv as c; c.read_csv(sys.argv[1],"
                    " parse_options=c.ParseOptions(delimiter='\\t'))", str(data)])
            for _ in range(runs)]
    return {"read": ours, "pyarrow": bare}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--builds", type=int, default=1, help="full rebuilds (median)")
    parser.add_argument("--runs", type=int, default=3, help="repetitions of the quick figures")
    parser.add_argument("--skip-oews", action="store_true")
    parser.add_argument("--oews-file", type=Path, help="an oe.data.0.Current to use")
    parser.add_argument("--show-output", action="store_true", help="print the build's output")
    args = parser.parse_args()
    med = statistics.median
    print(f"cores: {os.cpu_count()}, load average: {os.getloadavg()[0]:.1f}", flush=True)
    with tempfile.TemporaryDirectory(prefix="build-bench-") as tmp:
        work = Path(tmp)
        floors = [floor(work) for _ in range(args.runs)]
        fl = med(f["total"] for f in floors)
        print(f"floor: 4 trivial papermill runs + 1-page WeasyPrint: {fl:.1f} s (median of"
              f" {args.runs}; papermill runs {med(t for f in floors for t in f['papermill']):.1f}"
              f" s each, WeasyPrint {med(f['weasyprint'] for f in floors):.1f} s)", flush=True)
        proj = project_copy(work)
        builds = [full_build(proj, work) for _ in range(args.builds)]
        if args.show_output:
            print(builds[-1]["output"])
        names = sorted({s for b in builds for s in b["stages"]},
                       key=lambda s: (s != "sample bundle", s != "processing",
                                      s == "assembly", s))
        print("full rebuild (make clean && make sample-report), stage times as run:")
        for name in names:
            print(f"  {name:<34}{med(b['stages'].get(name, 0.0) for b in builds):>7.1f} s")
        total = med(b["total"] for b in builds)
        print(f"  {'total (wall clock)':<34}{total:>7.1f} s   ratio to floor {total / fl:.2f}"
              f" (target <= 1.50)")
        noops = noop(proj, args.runs)
        print(f"no-op rebuild: {med(noops):.2f} s (median of {args.runs}; target < 1 s)")
        if not args.skip_oews:
            o = oews(args.runs, args.oews_file, work)
            ratio = med(o["read"]) / med(o["pyarrow"])
            print(f"OEWS national file kept to the region, whole process: assessment read"
                  f" {med(o['read']):.2f} s, bare pyarrow.csv.read_csv {med(o['pyarrow']):.2f} s,"
                  f" ratio {ratio:.2f} (target <= 3.00)")


if __name__ == "__main__":
    main()
