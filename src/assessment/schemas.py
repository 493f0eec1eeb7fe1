"""Schema checks that report problems the way a researcher can act on them.

Parsers index their frames by the row number in the file as received (header = row 1), so a
pandera failure becomes "file, row, column, value, rule". Every failure is reported at once.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pandera.pandas as pa

from assessment.errors import InputError, Problem


def validate(df: pd.DataFrame, schema: pa.DataFrameSchema, file: str | Path) -> pd.DataFrame:
    """Validate lazily; raise :class:`InputError` listing every failing cell."""
    try:
        return schema.validate(df, lazy=True)
    except pa.errors.SchemaErrors as exc:
        problems = []
        for case in exc.failure_cases.itertuples(index=False):
            idx = getattr(case, "index", None)
            row = None if idx is None or pd.isna(idx) else int(idx)
            column = getattr(case, "column", None)
            column = None if column is None or pd.isna(column) else str(column)
            rule = str(getattr(case, "check", "schema"))
            problems.append(Problem(str(file), row, column, case.failure_case, rule))
        raise InputError(problems) from None


def file_rows(n: int, header_rows: int = 1) -> pd.RangeIndex:
    """Index for ``n`` data rows that follow ``header_rows`` header lines (1-based file rows)."""
    return pd.RangeIndex(header_rows + 1, header_rows + 1 + n, name="file_row")


def require_columns(columns: pd.Index, required: list[str], file: str | Path, what: str) -> None:
    missing = [c for c in required if c not in columns]
    if missing:
        raise InputError(
            Problem(str(file), 1, ", ".join(missing), None,
                    f"header lacks column(s) required in the {what} layout")
        )
