"""``assessment survey ...``: instruments, validation and ingestion of survey exports.

Output names files, rows, columns, rules and counts; never an answer from a confidential field.
"""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from assessment import paths
from assessment.cliutil import fail as _fail
from assessment.cliutil import region_or_exit as _region
from assessment.paths import Mode

# Commands import what they need when they run, so `assessment --help` and every other command
# start without pandas and pydantic.

app = typer.Typer(help="Employer and union surveys: templates, dictionary, validate, ingest.",
                  no_args_is_help=True)


class Survey(StrEnum):
    EMPLOYER = "employer"
    UNION = "union"


SurveyArg = Annotated[Survey, typer.Argument(help="Which survey.")]
RegionOpt = Annotated[Path, typer.Option("--region", help="Region YAML file.")]
ExportArg = Annotated[Path, typer.Argument(exists=True, dir_okay=False,
                                           help="The platform's export (CSV or Excel).")]
MapOpt = Annotated[Path | None, typer.Option(
    "--map", exists=True, dir_okay=False,
    help="Column map YAML: your headers and answer labels -> the codebook's (default: the"
         " <export>.map.yml saved beside the export, if any).")]
IdsOpt = Annotated[bool, typer.Option(
    "--show-response-ids", help="Print the platform's response id beside each response number"
                                " (confidential: for your terminal, not for logs).")]
WaveOpt = Annotated[str | None, typer.Option(
    "--wave", help="Survey wave label (default: year of the latest submission in the file).")]
MAX_SHOWN = 200
EXIT_MAP = 2  # the column map is wrong, not the export




def _codebook(survey: Survey):
    from assessment.survey.codebook import CodebookError, load_codebook

    try:
        return load_codebook(survey.value)
    except CodebookError as exc:
        _fail(str(exc), 2)


@app.command()
def template(survey: SurveyArg,
             out: Annotated[Path, typer.Option("-o", "--out", help="The .xlsx to write.")],
             region: RegionOpt = paths.DEFAULT_REGION) -> None:
    """Write the survey's Excel template (dropdowns and range checks on every answer)."""
    from assessment.survey.templates import write_template

    if out.suffix.lower() != ".xlsx":
        _fail(f"{out}: the template is an Excel workbook; name it .xlsx", 2)
    typer.echo(f"wrote {write_template(_codebook(survey), _region(region), out)}")


@app.command()
def dictionary(survey: SurveyArg,
               out: Annotated[Path, typer.Option("-o", "--out", help="The .md or .html to write.")],
               region: RegionOpt = paths.DEFAULT_REGION) -> None:
    """Write the survey's data dictionary as Markdown (.md) or HTML (.html)."""
    from assessment.survey.templates import write_dictionary

    if out.suffix.lower() not in (".md", ".html", ".htm"):
        _fail(f"{out}: name the dictionary .md or .html", 2)
    typer.echo(f"wrote {write_dictionary(_codebook(survey), _region(region), out)}")


def _check(survey: Survey, file: Path, region: Path, column_map: Path | None):
    from assessment.errors import InputError
    from assessment.survey.codebook import CodebookError, ColumnMapError
    from assessment.survey.validate import Checker

    checker = Checker(_codebook(survey), _region(region))
    try:
        return checker.check_file(file, column_map)
    except ColumnMapError as exc:
        _fail(str(exc), EXIT_MAP)
    except (InputError, CodebookError) as exc:
        _fail(str(exc))


@app.command()
def validate(survey: SurveyArg, file: ExportArg, column_map: MapOpt = None,
             region: RegionOpt = paths.DEFAULT_REGION, show_ids: IdsOpt = False) -> None:
    """Check an export against the codebook; list every problem; exit 1 if there is any
    (2 if the column map itself is wrong)."""
    checked = _check(survey, file, region, column_map)
    if checked.map_path is not None:
        typer.echo(f"column map: {checked.map_path}")
    problems = checked.problems
    for p in problems[:MAX_SHOWN]:
        typer.echo(p.describe(show_ids) if hasattr(p, "describe") else str(p))
    if len(problems) > MAX_SHOWN:
        typer.echo(f"... and {len(problems) - MAX_SHOWN} more problem(s)")
    bad_rows = sum(1 for r in checked.rows if not r.ok)
    typer.echo(f"{file}: {len(checked.rows)} data rows, {bad_rows} with problems;"
               f" {len(checked.file_problems)} problem(s) with the columns")
    if problems:
        raise typer.Exit(1)


@app.command()
def ingest(survey: SurveyArg, file: ExportArg, column_map: MapOpt = None,
           mode: Annotated[Mode, typer.Option("--mode", help="real: data/; sample: data/sample/")
                           ] = Mode.REAL,
           wave: WaveOpt = None, region: RegionOpt = paths.DEFAULT_REGION) -> None:
    """Append an export's valid rows to the processed tables; quarantine the rest."""
    from assessment.errors import InputError
    from assessment.survey.codebook import CodebookError, ColumnMapError
    from assessment.survey.ingest import ingest_file

    reg = _region(region)
    _codebook(survey)
    try:
        res = ingest_file(survey.value, file, reg, paths.data_dirs(mode, reg),
                          column_map=column_map, wave=wave)
    except ColumnMapError as exc:
        _fail(f"{file} was not ingested (nothing written):\n{exc}", EXIT_MAP)
    except (InputError, CodebookError) as exc:
        _fail(f"{file} was not ingested (nothing written):\n{exc}")
    if res.map_path is not None:
        typer.echo(f"column map: {res.map_path}")
    typer.echo(res.summary())
    if res.quarantine_file is not None:
        typer.echo(f"quarantined rows and their reasons: {res.quarantine_file}")


@app.command("ingest-all")
def ingest_all_cmd(mode: Annotated[Mode, typer.Option("--mode")] = Mode.REAL,
                   region: RegionOpt = paths.DEFAULT_REGION) -> None:
    """Ingest every export the region file's survey globs match (make runs this)."""
    from assessment.errors import InputError
    from assessment.survey.codebook import CodebookError
    from assessment.survey.ingest import ingest_all

    try:
        counts = ingest_all(_region(region), mode)
    except (InputError, CodebookError) as exc:
        _fail(str(exc))
    for survey, c in counts.items():
        typer.echo(f"{survey}: {c['files']} file(s), {c['input_rows']} input rows ="
                   f" {c['accepted']} accepted + {c['quarantined']} quarantined")
