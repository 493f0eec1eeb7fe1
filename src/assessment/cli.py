"""Command line: ``assessment --help``. Make, the README and researchers all call these."""

from __future__ import annotations

import logging
import sys
from pathlib import Path
from typing import Annotated

import typer

from assessment import paths
from assessment.cliutil import fail as _fail
from assessment.cliutil import region_or_exit as _load
from assessment.errors import DownloadError, InputError, MissingDataError
from assessment.paths import Mode
from assessment.survey.cli import app as survey_app

app = typer.Typer(help="San Joaquin Valley manufacturing needs assessment.", no_args_is_help=True,
                  pretty_exceptions_enable=False)
app.add_typer(survey_app, name="survey")

RegionOpt = Annotated[Path, typer.Option("--region", help="Region YAML file.")]
ModeOpt = Annotated[Mode, typer.Option("--mode", help="real: data/raw; sample: data/sample.")]


@app.callback()
def main(verbose: Annotated[bool, typer.Option("--verbose", "-v")] = False) -> None:
    from dotenv import load_dotenv

    load_dotenv(paths.ROOT / ".env")
    logging.basicConfig(level=logging.INFO if verbose else logging.WARNING,
                        format="%(levelname)s %(name)s: %(message)s")


@app.command()
def read(
    source: Annotated[str, typer.Argument(help="Source name, e.g. qcew.")],
    file: Annotated[Path, typer.Argument(exists=True, dir_okay=False, help="File as published.")],
    out: Annotated[Path, typer.Option("-o", "--out", help="Write the tidy table (.csv/.parquet).")],
    region: Annotated[Path | None, typer.Option("--region", help="Keep only this region's areas "
                                                "(sources that support it).")] = None,
) -> None:
    """Parse one file in the agency's own layout into the project's tidy table."""
    from assessment import sources

    try:
        module = sources.get(source)
    except KeyError as exc:
        _fail(str(exc.args[0]), 2)
    try:
        table = module.read(file, region=_load(region) if region else None)
    except InputError as exc:
        _fail(str(exc))
    out.parent.mkdir(parents=True, exist_ok=True)
    frame = table.drop(columns="geometry") if "geometry" in table.columns else table
    if out.suffix == ".parquet":
        frame.to_parquet(out, index=False)
    else:
        frame.to_csv(out, index=False)
    typer.echo(f"{len(frame):,} rows -> {out}")


@app.command()
def data(
    region: RegionOpt = paths.DEFAULT_REGION,
    mode: ModeOpt = Mode.REAL,
    source: Annotated[list[str] | None,
                      typer.Option("--source", help="Only these sources.")] = None,
    offline: Annotated[bool, typer.Option(help="Never touch the network.")] = False,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="List what would be fetched.")] = False,
) -> None:
    """Fetch every public file the region needs that is not already in data/raw."""
    from assessment import download, sources

    reg = _load(region)
    dirs = paths.data_dirs(mode)
    names = source or list(sources.SOURCES)
    files = [rf for name in names for rf in sources.get(name).remote_files(reg, dirs)]
    if dry_run:
        for p in download.plan(files):
            typer.echo(f"{p.status:8} {p.file.public_url}\n         -> {p.file.dest}")
            if p.status == "manual":
                typer.echo(f"         export by hand: {p.file.manual}")
        counts = {s: sum(p.status == s for p in download.plan(files))
                  for s in ("cached", "missing", "stale", "manual")}
        typer.echo(f"{len(files)} files: " + ", ".join(f"{v} {k}" for k, v in counts.items()))
        return
    offline = offline or mode is Mode.SAMPLE
    try:
        download.fetch(files, offline=offline)
        # API calls that are not plain file downloads (e.g. the LAUS POST for benchmarks)
        for name in names:
            extra = getattr(sources.get(name), "fetch_benchmarks", None)
            if extra is not None:
                extra(reg, dirs, offline=offline)
    except (MissingDataError, DownloadError) as exc:
        _fail(str(exc))
    typer.echo(f"{len(files)} files present and verified under {dirs.raw}")


@app.command()
def sample(region: RegionOpt = paths.DEFAULT_REGION) -> None:
    """Build the synthetic sample bundle under data/sample/raw (seeded, reproducible)."""
    from assessment import sample as sample_bundle

    written = sample_bundle.build(_load(region))
    typer.echo(f"sample bundle: {len(written)} files under {paths.data_dirs(Mode.SAMPLE).raw}")


@app.command()
def process(region: RegionOpt = paths.DEFAULT_REGION, mode: ModeOpt = Mode.REAL) -> None:
    """Parse and validate raw files into data/processed/*.parquet (stops if any are missing)."""
    from assessment import dataset

    try:
        written = dataset.build(_load(region), mode)
    except (MissingDataError, InputError) as exc:
        _fail(str(exc))
    for path in written:
        typer.echo(f"wrote {path}")


@app.command()
def report(mode: ModeOpt = Mode.SAMPLE,
           region: RegionOpt = paths.DEFAULT_REGION) -> None:
    """Assemble executed notebooks into the report's HTML and PDF (no code shown)."""
    from assessment.report import build

    out = build(mode, _load(region))
    for path in out:
        typer.echo(f"wrote {path}")


@app.command("sources-table")
def sources_table(
    write: Annotated[Path | None, typer.Option("--write", help="Replace the table between the "
                                               "sources markers in this file (README.md).")] = None,
) -> None:
    """Print the sources table (AEA-style data availability), or refresh it in the README."""
    from assessment import sources

    table = sources.sources_table()
    if write is None:
        typer.echo(table)
        return
    text = write.read_text(encoding="utf-8")
    start, end = "<!-- sources:start -->", "<!-- sources:end -->"
    if start not in text or end not in text:
        _fail(f"{write}: markers {start} / {end} not found", 2)
    head, rest = text.split(start, 1)
    _, tail = rest.split(end, 1)
    write.write_text(f"{head}{start}\n{table}{end}{tail}", encoding="utf-8")
    typer.echo(f"refreshed the sources table in {write}")


def run() -> None:  # pragma: no cover - console entry
    sys.exit(app())


if __name__ == "__main__":  # pragma: no cover
    app()
