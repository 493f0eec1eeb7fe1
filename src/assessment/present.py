"""How notebooks show results, so the same cell reads well in JupyterLab and in the report.

Notebooks never print tables or call ``plt.show()`` for the report; they call these. Each emits
HTML with a ``figure``/``table`` block and a caption; the report stylesheet numbers figures and
tables across the whole document (CSS counters), so captions are written without numbers.
Each output also carries metadata (``assessment``) that the report assembler uses to build the
Excel workbook of every table and the list of figures.
"""

from __future__ import annotations

import base64
import html
import io
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
from IPython.display import HTML, Markdown, display

if TYPE_CHECKING:  # the report assembler imports this module for tables alone
    import matplotlib.pyplot as plt

_FMT_INT = "{:,.0f}"
# Figures print 7 inches wide: 150 dots an inch keeps 8-point labels crisp on paper and the
# PNG a third smaller than 200 (the PDF renders faster too).
FIGURE_DPI = 150


@dataclass(frozen=True)
class Omitted:
    """What a section function returns instead of a table or figure when its source does not
    apply to the region: ``reason`` is the one sentence the report shows in its place."""

    reason: str


_said: set[str] = set()  # reasons already shown in this kernel: each is said once


def omitted(item: Omitted, caption: str) -> None:
    """Say, once per reason, why a table or figure is left out; show nothing else."""
    if item.reason in _said:
        return
    _said.add(item.reason)
    display(HTML(f'<p class="omitted">{html.escape(item.reason)}</p>'),
            metadata={"assessment": {"kind": "omitted", "caption": caption,
                                     "text": item.reason}})


def _blank(value: object) -> bool:
    return value is None or (not isinstance(value, str) and bool(pd.isna(value)))


def _fmt(value: object, fmt: str | None) -> str:
    if _blank(value):
        return "—"
    if fmt is not None:
        try:
            return fmt.format(value)
        except (ValueError, TypeError):
            return html.escape(str(value))
    if isinstance(value, bool | np.bool_):
        return "yes" if value else "no"
    if isinstance(value, int | np.integer):
        return _FMT_INT.format(value)
    if isinstance(value, float | np.floating):
        # counts and dollars read best whole; small fractions (ratios, LQs) keep two places
        whole = float(value).is_integer() or abs(value) >= 100
        return _FMT_INT.format(value) if whole else f"{value:,.2f}"
    return html.escape(str(value))


# A table of this many columns or more is set in smaller type (class "wide" in the
# stylesheets) so that it fits the page's width.
WIDE_COLUMNS = 11


def table_html(df: pd.DataFrame, formats: Mapping[str, str] | None = None) -> str:
    formats = dict(formats or {})
    head = "".join(f'<th scope="col">{html.escape(str(c))}</th>' for c in df.columns)
    def is_number(value) -> bool:
        return (isinstance(value, int | float | np.number)
                and not isinstance(value, bool | np.bool_) and not pd.isna(value))

    # a column of numbers keeps its withheld marks ("*", "(D)", a dash) aligned with them
    numbers = {c: any(is_number(v) for v in df[c].tolist()) for c in df.columns}
    body = []
    for row in df.itertuples(index=False):
        cells = []
        for col, value in zip(df.columns, row, strict=True):
            mark = (numbers[col] and not is_number(value) and not isinstance(value, bool | np.bool_)
                    and (_blank(value) or (isinstance(value, str) and len(value) <= 9
                                             and not any(ch.isdigit() for ch in value))))
            cls = ' class="num"' if is_number(value) or mark else ""
            cells.append(f"<td{cls}>{_fmt(value, formats.get(col))}</td>")
        body.append("<tr>" + "".join(cells) + "</tr>")
    wide = ' class="wide"' if len(df.columns) >= WIDE_COLUMNS else ""
    return (f"<table{wide}><thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody>"
            "</table>")


def table_meta(df: pd.DataFrame, caption: str, source: str, *, note: str | None = None,
               formats: Mapping[str, str] | None = None, key: str | None = None,
               workbook: pd.DataFrame | None = None,
               symbols: Mapping[str, str] | None = None) -> dict:
    """The metadata a table carries for the report and its Excel workbook: caption, source,
    note, the display ``formats`` (``str.format`` strings by column, as the report applies
    them) and the table itself. ``workbook`` is the frame the workbook shows instead where the
    report shows text for numbers (an estimate with its interval as "1,535 (0–3,815)": there
    the estimate and its bounds are separate numeric columns), with an agency's symbol in a
    withheld or top-coded cell; ``symbols`` says what each symbol in the table means."""
    meta = {"kind": "table", "caption": caption, "source": source, "note": note,
            "key": key or caption[:31], "formats": dict(formats or {}),
            "data": df.to_json(orient="split", date_format="iso")}
    if workbook is not None:
        meta["workbook"] = workbook.to_json(orient="split", date_format="iso")
    if symbols:
        meta["symbols"] = dict(symbols)
    return meta


def table(df: pd.DataFrame, caption: str, source: str, *, note: str | None = None,
          formats: Mapping[str, str] | None = None, key: str | None = None,
          workbook: pd.DataFrame | None = None,
          symbols: Mapping[str, str] | None = None) -> None:
    """Show a captioned, sourced table. ``key`` names its sheet in the Excel workbook;
    ``workbook`` and ``symbols`` are for that sheet alone (see :func:`table_meta`). An
    :class:`Omitted` in place of the table shows its one sentence instead."""
    if isinstance(df, Omitted):
        return omitted(df, caption)
    parts = [f'<figure class="table"><figcaption>{html.escape(caption)}</figcaption>',
             table_html(df, formats), f'<p class="source">Source: {html.escape(source)}</p>']
    if note:
        parts.append(f'<p class="note">Note: {html.escape(note)}</p>')
    parts.append("</figure>")
    meta = {"assessment": table_meta(df, caption, source, note=note, formats=formats, key=key,
                                     workbook=workbook, symbols=symbols)}
    display(HTML("".join(parts)), metadata=meta)


def png_bytes(fig: plt.Figure) -> bytes:
    """The figure as an opaque RGB PNG on white: PDF has no alpha in an image itself, so an RGBA
    PNG makes WeasyPrint split off and re-encode a separate mask for every figure."""
    from PIL import Image

    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=FIGURE_DPI, bbox_inches="tight", facecolor="white")
    rgba = Image.open(io.BytesIO(buf.getvalue()))
    rgb = Image.new("RGB", rgba.size, "white")
    rgb.paste(rgba, mask=rgba.getchannel("A"))
    out = io.BytesIO()
    rgb.save(out, format="PNG", dpi=(FIGURE_DPI, FIGURE_DPI))
    return out.getvalue()


def figure(fig: plt.Figure, caption: str, source: str, *, note: str | None = None,
           alt: str | None = None) -> None:
    """Show a captioned, sourced matplotlib figure (embedded as a PNG at print resolution). An
    :class:`Omitted` in place of the figure shows its one sentence instead.

    ``alt`` is the text a reader who cannot see the figure gets instead (screen readers, the
    tagged PDF): what it shows, with its main values. Without it, the figure's own alt text is
    used (:func:`assessment.figures.alt_text`: set by the chart function, or read off the
    chart's title, axes and values); a figure with neither is refused."""
    if isinstance(fig, Omitted):
        return omitted(fig, caption)
    import matplotlib.pyplot as plt

    from assessment import figures

    alt = " ".join((alt or figures.alt_text(fig)).split())
    if not alt:
        raise ValueError(f"figure '{caption}' has no alt text: pass alt= saying what it shows")
    data = base64.b64encode(png_bytes(fig)).decode()
    plt.close(fig)
    parts = [f'<figure class="figure"><img alt="{html.escape(alt)}" '
             f'src="data:image/png;base64,{data}"/>',
             f"<figcaption>{html.escape(caption)}</figcaption>",
             f'<p class="source">Source: {html.escape(source)}</p>']
    if note:
        parts.append(f'<p class="note">Note: {html.escape(note)}</p>')
    parts.append("</figure>")
    display(HTML("".join(parts)),
            metadata={"assessment": {"kind": "figure", "caption": caption, "source": source,
                                     "alt": alt}})


def findings(items: Iterable[str], title: str = "Key findings") -> None:
    """A boxed list of plain-language findings (Markdown allowed in each item)."""
    items = list(items)
    text = f"**{title}**\n\n" + "\n".join(f"- {item}" for item in items)
    display(Markdown(text), metadata={"assessment": {"kind": "findings", "title": title,
                                                     "items": items}})


def caveat(text: str | Omitted | None) -> None:
    """A data-quality or suppression caveat, styled so readers notice it (nothing for None, the
    one sentence for an :class:`Omitted`)."""
    if text is None:
        return
    if isinstance(text, Omitted):
        return omitted(text, "caveat")
    display(HTML(f'<div class="caveat"><strong>Caveat.</strong> {html.escape(text)}</div>'),
            metadata={"assessment": {"kind": "caveat", "text": text}})


def lead(content: Mapping) -> None:
    """What the executive summary and the council brief lead with: the top needs and the
    recommendations (``sections.needs.lead``). The notebook shows them as a short list; the
    report leaves them out of the chapter (its tables say it in full) and puts them at the
    head of the executive summary and in the brief."""
    lines = ["**What the region needs, first**", ""]
    lines += [f"- **{n['title']}** ({n['evidence']}): {n['statement']}" for n in content["top"]]
    if content.get("recommendations"):
        lines += ["", "**Recommendations**", ""]
        lines += [f"- {r['id']}: {r['Recommendation']} ({r['Check']})"
                  for r in content["recommendations"]]
    else:
        lines += ["", str(content.get("note", ""))]
    display(Markdown("\n".join(lines)),
            metadata={"assessment": {"kind": "lead", "content": dict(content)}})
