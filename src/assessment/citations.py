"""Table numbers in cross-references.

A chapter that cites another's table (the needs chapter: each need "rests on" tables of
chapters 2 to 4) writes ``Chapter 4, table “caption”``, because tables are numbered only when
the report is assembled: the stylesheet counts them in order of appearance, and the chapters'
tables come first (the executive summary holds none). Once the chapters are read, their table
numbers are known, and :func:`apply` turns each such reference into ``Table 45 (chapter 4,
“caption”)``: in the chapters' HTML as a link to the table, in the lead (the executive summary
and the council brief) and the findings as text. :func:`cite` does the same for the workbook's
cells. A reference whose caption no chapter has (a table left out for this region) keeps its
words.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable, Mapping

REFERENCE = re.compile(r"Chapter (\d+), table “([^”]+)”")
TABLE_TAG = '<figure class="table">'


def anchor(number: int) -> str:
    return f"table-{number}"


def numbers(chapters: Iterable) -> dict[tuple[int, str], int]:
    """(chapter number, caption) → table number, in the order the report numbers tables."""
    out: dict[tuple[int, str], int] = {}
    n = 0
    for i, ch in enumerate(chapters, 1):
        for meta in getattr(ch, "table_meta", []) or []:
            n += 1
            out.setdefault((i, str(meta.get("caption", ""))), n)
    return out


def cite(text: str, nums: Mapping[tuple[int, str], int], *, link: bool = False) -> str:
    """``text`` with each ``Chapter c, table “caption”`` naming its table number (a link to the
    table with ``link``, for HTML, where the caption is escaped)."""
    def number(m: re.Match) -> str:
        chapter, caption = int(m[1]), m[2]
        n = nums.get((chapter, html.unescape(caption) if link else caption))
        if n is None:
            return m[0]
        label = f'<a href="#{anchor(n)}">Table {n}</a>' if link else f"Table {n}"
        return f"{label} (chapter {chapter}, “{caption}”)"

    return REFERENCE.sub(number, text)


def _deep(value, nums):
    if isinstance(value, str):
        return cite(value, nums)
    if isinstance(value, dict):
        return {k: _deep(v, nums) for k, v in value.items()}
    if isinstance(value, list):
        return [_deep(v, nums) for v in value]
    return value


def apply(chapters: list) -> dict[tuple[int, str], int]:
    """Number the chapters' table references in place: each chapter table gets its anchor,
    references in the chapters' HTML link to it, and those in the lead and findings read
    "Table n". Returns the numbers (for the workbook)."""
    nums = numbers(chapters)
    n = 0
    for ch in chapters:
        body = []
        for part in ch.body:
            while TABLE_TAG in part:
                n += 1
                part = part.replace(TABLE_TAG, f'<figure class="table" id="{anchor(n)}">', 1)
            body.append(cite(part, nums, link=True))
        ch.body = body
        if getattr(ch, "lead", None):
            ch.lead = _deep(ch.lead, nums)
        ch.findings = [cite(f, nums) for f in ch.findings]
    return nums
