"""Command line: ``assessment --help``. Make, the README and researchers all call these."""

from __future__ import annotations

import logging
import sys
import time
from pathlib import Path
from typing import Annotated

import typer

from assessment import paths
from assessment.cliutil import fail as _fail
from assessment.cliutil import region_or_exit as _load
from assessment.paths import Mode
from assessment.survey.cli import app as survey_app

# Each command imports what it needs when it runs (pandas, pydantic, the sources...), so a
# command pays only for its own imports (`python -X importtime -m assessment --help`).

_STARTED = time.perf_counter()


def _took() -> str:
    """Seconds since this command started (imports included), for its one progress line."""
    return f"{time.perf_counter() - _STARTED:.1f} s"


app = typer.Typer(help="San Joaquin Valley manufacturing needs assessment.", no_args_is_help=True,
                  pretty_exceptions_enable=False)
app.add_typer(survey_app, name="survey")
region_app = typer.Typer(help="Region files: write one from county codes.", no_args_is_help=True)
app.add_typer(region_app, name="region")

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
    from assessment.errors import InputError

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
    from assessment.errors import DownloadError, InputError, MissingDataError

    reg = _load(region)
    dirs = paths.data_dirs(mode, reg)
    names = source or list(sources.SOURCES)
    for name in names:
        try:
            sources.get(name)
        except KeyError as exc:
            _fail(str(exc.args[0]), 2)
        reason = sources.why_not(name, reg)
        if reason:
            typer.echo(f"{name}: not used for {reg.name} ({reason})")
    names = [name for name in names if sources.applies(name, reg)]
    files = [rf for name in names for rf in sources.get(name).remote_files(reg, dirs)]
    if dry_run:
        planned = download.plan(files, allow_samples=mode is Mode.SAMPLE)
        for p in planned:
            typer.echo(f"{p.status:8} {p.file.public_url}\n         -> {p.file.dest}")
            if p.status == "manual":
                typer.echo(f"         export by hand: {p.file.manual}")
        counts = {s: sum(p.status == s for p in planned) for s in download.STATUSES}
        typer.echo(f"{len(files)} files: " + ", ".join(f"{v} {k}" for k, v in counts.items()))
        return
    offline = offline or mode is Mode.SAMPLE
    download.use_mirrors(reg.mirrors)
    failed: list[str] = []  # a failed file does not stop the others; all are reported at the end
    try:
        download.fetch(files, offline=offline, allow_samples=mode is Mode.SAMPLE)
    except download.FetchFailed as exc:
        failed.append(str(exc))
    except (MissingDataError, DownloadError, InputError) as exc:
        _fail(str(exc))
    # API calls that are not plain file downloads (e.g. the LAUS POST for benchmarks)
    for name in names:
        extra = getattr(sources.get(name), "fetch_benchmarks", None)
        if extra is None:
            continue
        try:
            extra(reg, dirs, offline=offline)
        except (DownloadError, InputError) as exc:
            failed.append(f"{name} benchmarks: {exc}")
    if failed:
        _fail("\n".join(failed))
    typer.echo(f"{len(files)} files present and verified under {dirs.raw}")


@app.command()
def sample(region: RegionOpt = paths.DEFAULT_REGION) -> None:
    """Build the synthetic sample bundle under data/sample/<slug>/raw (seeded, reproducible)."""
    from assessment import sample as sample_bundle

    reg = _load(region)
    written = sample_bundle.build(reg)
    typer.echo(f"sample bundle: {len(written)} files under"
               f" {_rel(paths.data_dirs(Mode.SAMPLE, reg).raw)} ({_took()})")


@app.command()
def process(region: RegionOpt = paths.DEFAULT_REGION, mode: ModeOpt = Mode.REAL,
            verbose: Annotated[bool, typer.Option("--list", help="Name every table.")] = False,
            ) -> None:
    """Parse and validate raw files into the region's processed tables (stops if any are
    missing)."""
    from assessment import dataset
    from assessment.errors import InputError, MissingDataError

    reg = _load(region)
    try:
        written = dataset.build(reg, mode)
    except (MissingDataError, InputError) as exc:
        _fail(str(exc))
    if verbose:
        for path in written:
            typer.echo(f"wrote {path}")
    typer.echo(f"processing: {len(written)} tables under"
               f" {_rel(paths.data_dirs(mode, reg).processed)} ({_took()})")


def _rel(path: Path) -> Path:
    return path.relative_to(paths.ROOT) if path.is_relative_to(paths.ROOT) else path


@app.command()
def report(mode: ModeOpt = Mode.SAMPLE,
           region: RegionOpt = paths.DEFAULT_REGION) -> None:
    """Assemble executed notebooks into the report's HTML and PDF (no code shown)."""
    from assessment.errors import InputError
    from assessment.report import build

    try:
        out = build(mode, _load(region))
    except InputError as exc:
        _fail(str(exc))
    names = ", ".join(str(_rel(p)) for p in out)
    typer.echo(f"report: {names} ({_took()})")


@app.command("run-notebook")
def run_notebook(
    notebook: Annotated[Path, typer.Argument(exists=True, dir_okay=False, help="Notebook.")],
    output: Annotated[Path, typer.Argument(help="Where the executed notebook goes.")],
    parameter: Annotated[list[str] | None, typer.Option(
        "-p", "--parameter", help="NAME=VALUE for the parameters cell (repeatable).")] = None,
    kernel: Annotated[str, typer.Option("-k", "--kernel", help="Jupyter kernel.")] = "python3",
) -> None:
    """Run a notebook in a fresh kernel (papermill); print its time, or the failing cell."""
    import yaml

    from assessment.runner import NotebookFailed, run_notebook

    params = {}
    for item in parameter or []:
        name, sep, value = item.partition("=")
        if not sep or not name:
            _fail(f"-p {item!r}: write NAME=VALUE", 2)
        params[name] = yaml.safe_load(value)  # numbers and booleans typed, as papermill does
    try:
        seconds = run_notebook(notebook, output, params, kernel)
    except NotebookFailed as exc:
        _fail(str(exc))
    typer.echo(f"notebook {notebook.stem:<28} {seconds:5.1f} s")


@region_app.command("new")
def region_new(
    name: Annotated[str, typer.Option("--name", help="The region's name, e.g. 'Inland Empire'.")],
    counties: Annotated[str, typer.Option("--counties", help="Five-digit county FIPS codes, "
                                          "comma-separated, e.g. 06065,06071.")],
    out: Annotated[Path, typer.Option("-o", "--out", help="Region file to write (.yml).")],
    slug: Annotated[str | None, typer.Option("--slug", help="Folder name of the region's "
                                             "outputs (default: the output file's name).")
                    ] = None,
    force: Annotated[bool, typer.Option("--force", help="Replace an existing file.")] = False,
) -> None:
    """Write a complete, validated region file from county codes alone, and say what to check
    by hand."""
    from pydantic import ValidationError

    from assessment import regionfile

    codes = [c.strip() for c in counties.split(",") if c.strip()]
    if out.exists() and not force:
        _fail(f"{out} exists; pass --force to replace it", 2)
    try:
        draft = regionfile.draft(name, codes, slug or regionfile.slugify(out.stem))
    except regionfile.RegionNewError as exc:
        _fail(str(exc), 2)
    except ValidationError as exc:
        _fail(f"the region file would be invalid:\n{exc}", 2)
    taken = regionfile.slug_taken(draft.data["slug"], out)
    if taken:
        _fail(f"{taken} already uses the slug {draft.data['slug']!r}: the two regions' outputs "
              "would mix; pass another --slug", 2)
    regionfile.write(draft, codes, out)
    region = draft.region()
    metros = sorted({c.cbsa for c in region.counties if c.cbsa})
    typer.echo(f"wrote {out}: {region.name} ({region.slug}), {len(region.counties)} counties in "
               f"{region.state.name}, {len(metros)} metro area(s) {', '.join(metros)}")
    for note in draft.notes:
        typer.echo(f"check: {note}")
    typer.echo(f"sample report: make sample-report REGION={out} -> "
               f"reports/{region.slug}/needs-assessment-sample.pdf")


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
