"""The one way the project writes a PDF: WeasyPrint, tagged for screen readers.

The report and the council brief both go through :func:`write_pdf`, so both are PDF/UA-1
(WeasyPrint's ``pdf/ua-1`` variant): a structure tree built from the HTML (headings, lists,
tables with header cells, figures with their ``alt`` text, links), ``MarkInfo`` marked,
the document language from ``<html lang>``, the ``<title>`` as the document title (shown in a
viewer's title bar), and the XMP metadata PDF/UA asks for.
"""

from __future__ import annotations

import logging
import os
from pathlib import Path

# WeasyPrint's variant: tags, /Lang, /MarkInfo, DisplayDocTitle and PDF/UA XMP metadata.
PDF_VARIANT = "pdf/ua-1"


class _QuietFonts(logging.Filter):
    """Drops WeasyPrint's notice that it subsets fonts with fontTools (the pure-Python fallback
    it uses when the system has no HarfBuzz-Subset): the PDF is the same either way."""

    def filter(self, record: logging.LogRecord) -> bool:
        return "HarfBuzz-Subset" not in record.getMessage()


def _quiet() -> None:
    log = logging.getLogger("weasyprint")
    if not any(isinstance(f, _QuietFonts) for f in log.filters):
        log.addFilter(_QuietFonts())


def write_pdf(page: str, path: Path, base_url: str | Path | None = None) -> Path:
    """Write the HTML ``page`` to ``path`` as a tagged PDF (written aside, then moved into
    place, so a failed build never leaves half a PDF). ``base_url`` resolves relative links."""
    from weasyprint import HTML

    _quiet()
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp.pdf")
    HTML(string=page, base_url=str(base_url) if base_url else None).write_pdf(
        tmp, pdf_variant=PDF_VARIANT)
    os.replace(tmp, path)
    return path
