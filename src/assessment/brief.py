"""The needs and recommendations at the head of the executive summary, and the council brief.

Both are built from what notebook 05 emitted (``present.lead``: the top needs, the
recommendations with their check, the flags), the training-gap table of chapter 3 and figures
the chapters already drew, so the brief shows the report's numbers, never numbers of its own.

The brief (``reports/<slug>/needs-assessment-brief[-sample].pdf``) is four to six pages for a
council member who reads nothing else: the top needs, the priority occupations with their gap,
the recommendations, two or three figures, and where the full report and workbook are. A
sample brief carries the sample mark on every page.
"""

from __future__ import annotations

import html
from pathlib import Path

import pandas as pd

from assessment import paths
from assessment.paths import Mode

# Figures the brief shows, by (notebook stem, caption), the first three the chapters drew.
BRIEF_FIGURES = [
    ("03-occupations", "Openings against people trained each year, priority occupations"),
    ("02-workforce", "Shares of manufacturing jobs and of all jobs by group"),
    ("02-workforce", "Disadvantaged census tracts (SB 535, CEJST and both) and manufacturing "
                     "jobs by tract"),
    ("05-needs-and-recommendations", "Needs found by heading and strength of evidence"),
]
MAX_FIGURES = 3
GAP_TABLE_KEY = "supply_gap"  # chapter 3's table of openings and people trained a year
GAP_COLUMNS = ["Rank", "Occupation", "Openings a year", "Supply a year", "Gap a year",
               "Covered (%)"]

_e = html.escape


def find_lead(chapters) -> tuple[int, dict] | None:
    """(chapter number, lead content) of the chapter that emitted ``present.lead``."""
    for i, ch in enumerate(chapters, 1):
        if getattr(ch, "lead", None):
            return i, ch.lead
    return None


def _need_items(lead: dict) -> str:
    items = []
    for n in lead["top"]:
        items.append(f"<li><strong>{_e(n['title'])}</strong> <span class=\"strength\">"
                     f"({_e(n['heading'].lower())}; evidence: {_e(n['evidence'])})</span>. "
                     f"{_e(n['statement'])} <span class=\"rests\">Rests on: "
                     f"{_e(n['rests_on'])}.</span></li>")
    return "<ol class=\"needs\">" + "".join(items) + "</ol>"


def _recommendation_items(lead: dict, heading: str = "h3") -> str:
    recs = lead.get("recommendations") or []
    if not recs:
        return f"<p>{_e(lead.get('note') or '')}</p>"
    parts = []
    for action, title in lead["actions"]:
        mine = [r for r in recs if r["action"] == action]
        if not mine:
            continue
        parts.append(f"<{heading}>{_e(title)}</{heading}><ul class=\"recs\">")
        for r in mine:
            parts.append(f"<li><strong>{_e(r['id'])}.</strong> {_e(r['Recommendation'])} "
                         f"<span class=\"rests\">Answers: {_e(r['Evidence'])}. Check: "
                         f"{_e(r['Check'])}.</span></li>")
        parts.append("</ul>")
    return "".join(parts)


def _flags(lead: dict) -> str:
    if not lead.get("recommendations"):
        return ""
    f = lead.get("flags") or []
    text = (" ".join(f) if f else "nothing: every recommendation's needs are found in the "
            "data and every strong need is answered.")
    return f'<div class="caveat"><strong>The check flags</strong> {_e(text)}</div>'


def summary_lead(chapters) -> str:
    """The executive summary's first part: the top needs and the recommendations."""
    found = find_lead(chapters)
    if found is None:
        return ""
    number, lead = found
    status = f" ({lead['status']})" if lead.get("status") else ""
    return ("<h2>What the region needs</h2>"
            f"<p>The rules of chapter {number} find {lead['needs_total']} needs in the data, "
            f"{lead['needs_strong']} of them on strong evidence. These come first: the "
            "strongest of each kind.</p>" + _need_items(lead)
            + f"<h2>What the partnership recommends{_e(status)}</h2>"
            + (f"<p>{_e(lead['note'])}</p>" if lead.get("recommendations") else "")
            + _recommendation_items(lead) + _flags(lead)
            + "<h2>Findings by chapter</h2>")


# --- the council brief ------------------------------------------------------------------------


def chapter_figures(chapters, wanted=BRIEF_FIGURES, most: int = MAX_FIGURES
                    ) -> list[tuple[int, str, str, str]]:
    """(chapter, caption, ``<img>`` tag, source) of the wanted figures the chapters drew."""
    found = {}
    for i, ch in enumerate(chapters, 1):
        for f in ch.figures:
            key = (ch.notebook, f["caption"])
            if key in wanted and key not in found:
                found[key] = (i, f["caption"], f["img"], f["source"])
    return [found[k] for k in wanted if k in found][:most]


def gap_table(chapters) -> tuple[int, pd.DataFrame] | None:
    for i, ch in enumerate(chapters, 1):
        for key, frame in ch.tables:
            if key == GAP_TABLE_KEY:
                return i, frame[[c for c in GAP_COLUMNS if c in frame.columns]]
    return None


def _table(frame: pd.DataFrame) -> str:
    from assessment.present import table_html

    formats = {c: "{:,.0f}" for c in frame.columns if c not in ("Rank", "Occupation")}
    return table_html(frame, formats)


def brief_html(chapters, mode: Mode, region, built: str) -> str:
    from assessment.report import SAMPLE_MARK, SAMPLE_MARKS, TITLE, stylesheet

    sample = mode is Mode.SAMPLE
    css = stylesheet("brief.css")
    rp = paths.report_paths(mode, region)
    marks = SAMPLE_MARKS if sample else ""
    found = find_lead(chapters)
    lead = found[1] if found else None
    parts = [f"<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>"
             f"<title>Council brief: {_e(region.name)} manufacturing needs</title>"
             f"<style>{css}</style></head><body><main>", marks,
             '<section class="first">',
             f"<h1>{_e(region.name)} manufacturing: what the region needs</h1>",
             f'<p class="subtitle">Council brief of the {_e(TITLE)} needs assessment · '
             f"built {_e(built)}</p>"]
    if sample:
        parts.append(f'<p class="samplenote"><strong>{SAMPLE_MARK}.</strong> Built from the '
                     "synthetic sample bundle to show what the brief will say; no figure in it "
                     "describes the real region.</p>")
    if lead:
        parts.append(f"<p>The assessment's rules find <strong>{lead['needs_total']} needs"
                     f"</strong> in the public data and the partnership's surveys, "
                     f"{lead['needs_strong']} of them on strong evidence. The strongest of each "
                     "kind:</p>" + _need_items(lead))
    parts.append("</section>")
    figs = chapter_figures(chapters)
    gap_fig = [f for f in figs if f[1] == BRIEF_FIGURES[0][1]]
    figs = [f for f in figs if f not in gap_fig]
    g = gap_table(chapters)
    if g is not None:
        n, frame = g
        parts.append('<section class="page"><h2>Priority occupations and their training gap'
                     "</h2><p>Openings a year against the people the region's colleges and "
                     "registered apprenticeships train a year for the apprenticeship's priority "
                     f"occupations (chapter {n}).</p>" + _table(frame)
                     + "".join(_figure(*f) for f in gap_fig) + "</section>")
    else:
        figs = gap_fig + figs
    if figs:
        parts.append('<section class="page"><h2>Who works in manufacturing, and where</h2>'
                     + "".join(_figure(*f) for f in figs) + "</section>")
    if lead:
        status = f" ({lead['status']})" if lead.get("status") else ""
        parts.append(f'<section class="page"><h2>What the partnership recommends{_e(status)}'
                     "</h2>" + (f"<p>{_e(lead['note'])}</p>" if lead.get("recommendations")
                                else "") + _recommendation_items(lead) + _flags(lead)
                     + "</section>")

    def code(p: Path) -> str:
        return f"<code>{_e(str(p.relative_to(paths.ROOT)))}</code>"

    parts.append('<section class="more"><h2>Where to read more</h2>'
                 f"<p>The full report, {code(rp.pdf)} (and as a web page, {code(rp.html)}), "
                 "has every chapter, table, method and source; the workbook, "
                 f"{code(rp.xlsx)}, every table of the report, one sheet each. Every number "
                 "in this brief is the full report's, from the same files (its sources appendix "
                 "lists them). The rules that turn "
                 "figures into needs are in <code>config/needs.yml</code>; the "
                 f"recommendations in <code>{_e(_recs_where(mode, region))}</code>.</p>"
                 "</section>")
    parts.append("</main></body></html>")
    return "".join(parts)


def _figure(n: int, caption: str, img: str, source: str) -> str:
    return (f'<figure>{img}<figcaption>{_e(caption)} (chapter {n}).</figcaption>'
            f'<p class="source">Source: {_e(source)}</p></figure>')


def _recs_where(mode: Mode, region) -> str:
    p = paths.data_dirs(mode, region).recommendations
    return str(p.relative_to(paths.ROOT)) if p.is_relative_to(paths.ROOT) else str(p)


def write_brief(chapters, mode: Mode, region, built: str) -> Path:
    from assessment import pdf

    rp = paths.report_paths(mode, region)
    page = brief_html(chapters, mode, region, built)
    return pdf.write_pdf(page, rp.brief, base_url=paths.ROOT)
