"""What every command module shares: failing with a message and an exit code, and loading the
region file so a bad one exits 2 with the key and rule named."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import typer

if TYPE_CHECKING:
    from assessment.region import Region


def fail(message: str, code: int = 1) -> None:
    typer.echo(message, err=True)
    raise typer.Exit(code)


def region_or_exit(path: Path) -> Region:
    from assessment.region import RegionError, load_region

    try:
        return load_region(path)
    except RegionError as exc:
        fail(str(exc), 2)
