"""Errors that name the file, row, column and rule, so a researcher can fix the input."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # the command line imports these errors before it knows it needs pandas
    import pandas as pd


@dataclass(frozen=True)
class Problem:
    """One thing wrong with one input cell or row."""

    file: str
    row: int | None  # 1-based line (or sheet row) in the file as received, header = 1
    column: str | None
    value: object
    rule: str

    def __str__(self) -> str:
        where = self.file
        if self.row is not None:
            where += f", row {self.row}"
        if self.column:
            where += f", column {self.column!r}"
        shown = "" if self.value is None else f" (value {self.value!r})"
        return f"{where}: {self.rule}{shown}"


class InputError(ValueError):
    """An input file breaks a rule; carries every problem found, not only the first."""

    def __init__(self, problems: list[Problem] | Problem, *, limit: int = 25):
        if isinstance(problems, Problem):
            problems = [problems]
        self.problems = list(problems)
        lines = [str(p) for p in self.problems[:limit]]
        more = len(self.problems) - limit
        if more > 0:
            lines.append(f"... and {more} more problem(s)")
        super().__init__(
            f"{len(self.problems)} problem(s) in input:\n  " + "\n  ".join(lines)
        )

    def to_frame(self) -> pd.DataFrame:
        import pandas as pd

        return pd.DataFrame([p.__dict__ for p in self.problems])


class DownloadError(RuntimeError):
    """A download failed in a way retrying will not fix; the message says what to do."""


class MissingDataError(FileNotFoundError):
    """Raw files the pipeline needs are not on disk."""

    def __init__(self, missing: list[tuple[Path, str]]):
        self.missing = missing
        lines = [f"  {path}\n      from {url}" for path, url in missing]
        super().__init__(
            f"{len(missing)} raw data file(s) are missing:\n"
            + "\n".join(lines)
            + "\n\nTwo ways out:\n"
            "  make data            download them (needs internet; see README for the"
            " Census key and contact e-mail)\n"
            "  make sample-report   build the same report on the bundled synthetic sample\n"
            "Files downloaded by hand in the agency's own format may be saved at the paths"
            " above."
        )


@dataclass
class SchemaFailure:
    """Collects pandera failure cases into ``Problem``s with file rows."""

    file: str
    problems: list[Problem] = field(default_factory=list)
