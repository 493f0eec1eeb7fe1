"""Stage 4: executed notebooks -> the report council members read (HTML, PDF, Excel).

No code is shown: only Markdown cells and the outputs notebooks made with
:mod:`assessment.present`. A title page, contents with page numbers, an executive summary
that leads with the needs and recommendations of the needs chapter and then gathers every
notebook's key findings, numbered chapters, figures and tables (numbered by
the stylesheet), and a sources appendix generated from the raw-data manifests and each source's
:class:`~assessment.sources.SourceInfo`; beside it the council brief (:mod:`assessment.brief`).
A sample report carries a mark on every page.
"""

from __future__ import annotations

import html
import io
import json
import os
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from html.parser import HTMLParser
from pathlib import Path

import mistune
import pandas as pd

from assessment import brief, citations, download, paths, pdf, sources
from assessment.paths import Mode
from assessment.present import table_html
from assessment.region import Region

TITLE = "Industrial Manufacturing Technician Apprenticeship"
SUBTITLE = "Industry, workforce and regional needs assessment"
SAMPLE_MARK = "SAMPLE REPORT: SYNTHETIC DATA, NOT REAL STATISTICS"
# Raw HTML passes through: the Markdown is the project's own (notebooks, methods.md, computed
# findings); survey answers never reach it.
_md = mistune.create_markdown(escape=False, plugins=["table", "strikethrough"])


@dataclass
class Chapter:
    notebook: str
    title: str
    anchor: str
    body: list[str] = field(default_factory=list)
    headings: list[tuple[str, str]] = field(default_factory=list)  # (anchor, text) of h2s
    findings: list[str] = field(default_factory=list)
    tables: list[tuple[str, pd.DataFrame]] = field(default_factory=list)
    # each table's metadata from present.table_meta (caption, source, note, formats, ...),
    # in the order of ``tables``: the workbook reads its sheets from it
    table_meta: list[dict] = field(default_factory=list)
    lead: dict | None = None  # top needs and recommendations (present.lead, chapter 5)
    # each figure's caption, source and its ``<img>`` tag, in order (the brief reuses some)
    figures: list[dict] = field(default_factory=list)


def _skip(cell) -> bool:
    tags = set(cell.get("metadata", {}).get("tags", []))
    return bool(tags & {"parameters", "injected-parameters", "remove", "remove-cell"})


def _markdown(text: str, chapter: Chapter, first: bool) -> str:
    """Markdown to HTML, with ``#`` (the chapter title, first cell only) and ``##`` headings
    given anchors for the contents; the text between headings is rendered in place."""
    parts: list[str] = []
    chunk: list[str] = []

    def flush() -> None:
        if chunk:
            parts.append(_md("\n".join(chunk)))
            chunk.clear()

    for line in text.splitlines():
        if line.startswith("# ") and first and not chapter.title:
            flush()
            chapter.title = line[2:].strip()
            parts.append(f'<h1 id="{chapter.anchor}">{html.escape(chapter.title)}</h1>')
        elif line.startswith("## "):
            flush()
            anchor = f"{chapter.anchor}-{len(chapter.headings) + 1}"
            chapter.headings.append((anchor, line[3:].strip()))
            parts.append(f'<h2 id="{anchor}">{html.escape(line[3:].strip())}</h2>')
        else:
            chunk.append(line)
    flush()
    return "".join(parts)


def _output_html(output, chapter: Chapter) -> str:
    if output.get("output_type") not in ("display_data", "execute_result"):
        return ""  # streams (logs) and errors never reach the report
    data = output.get("data", {})
    meta = output.get("metadata", {}).get("assessment", {})
    kind = meta.get("kind")
    if kind == "lead":  # the executive summary and the brief lead with it; not the chapter
        chapter.lead = meta.get("content")
        return ""
    if kind == "findings":
        chapter.findings.extend(meta.get("items", []))
        return f'<div class="findings">{_md(_as_text(data.get("text/markdown", "")))}</div>'
    if kind == "table":
        # dtype=False: JSON strings stay strings (a tract "06019000100" keeps its zero)
        frame = pd.read_json(io.StringIO(_as_text(meta["data"])), orient="split", dtype=False)
        chapter.tables.append((meta.get("key") or meta.get("caption", "table"), frame))
        chapter.table_meta.append(meta)
    if kind == "figure":
        img = re.search(r"<img[^>]*>", _as_text(data.get("text/html", "")))
        if img:
            chapter.figures.append({"caption": meta.get("caption"),
                                    "source": meta.get("source", ""), "img": img.group(0)})
    if "text/html" in data:
        return _as_text(data["text/html"])  # tables, figures, caveats, one-sentence notes
    if "text/markdown" in data:
        return _md(_as_text(data["text/markdown"]))
    if "image/png" in data:
        png = _as_text(data["image/png"])
        return f'<figure class="figure"><img src="data:image/png;base64,{png}"/></figure>'
    return ""


def _as_text(value) -> str:
    return "".join(value) if isinstance(value, list) else str(value)


SOURCE_TAG = "source:"  # a cell tagged source:<name> belongs to that source's part of a section


def _off(cell, region: Region | None) -> bool:
    """True for a cell tagged ``source:<name>`` when that source does not apply to the region:
    its prose is left out of the report and of its code only the one-sentence note remains."""
    if region is None:
        return False
    tags = cell.get("metadata", {}).get("tags", [])
    names = [t[len(SOURCE_TAG):] for t in tags if t.startswith(SOURCE_TAG)]
    return any(not sources.applies(n, region) for n in names if n in sources.SOURCES)


def _is_note(output) -> bool:
    return output.get("metadata", {}).get("assessment", {}).get("kind") == "omitted"


def read_chapter(path: Path, number: int, region: Region | None = None) -> Chapter:
    # Papermill writes nbformat 4 JSON; reading it as JSON skips nbformat's schema machinery,
    # whose import alone took a few seconds of every assembly.
    nb = json.loads(path.read_text(encoding="utf-8"))
    chapter = Chapter(notebook=path.stem, title="", anchor=f"ch{number}")
    first = True
    for cell in nb.get("cells", []):
        if _skip(cell):
            continue
        if _off(cell, region):
            if cell.get("cell_type") == "code":
                chapter.body += [_output_html(o, chapter) for o in cell.get("outputs", [])
                                 if _is_note(o)]
            continue
        if cell.get("cell_type") == "markdown":
            chapter.body.append(_markdown(_as_text(cell.get("source", "")), chapter, first))
            first = False
        elif cell.get("cell_type") == "code":
            for output in cell.get("outputs", []):
                if output.get("output_type") == "error":
                    raise RuntimeError(f"{path} holds an error output; rerun the notebook")
                chapter.body.append(_output_html(output, chapter))
    if not chapter.title:
        chapter.title = path.stem
        chapter.body.insert(0, f'<h1 id="{chapter.anchor}">{html.escape(path.stem)}</h1>')
    return chapter


def _build_date() -> str:
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    when = datetime.fromtimestamp(int(epoch), UTC) if epoch else datetime.now(UTC)
    return when.strftime("%B %-d, %Y")


def region_manifests(mode: Mode, region: Region) -> list[dict]:
    """Manifest entries of the raw files behind this region's report. A sample bundle is the
    region's own; real ``data/raw`` is shared by every region, so only the files this region's
    sources name are listed."""
    dirs = paths.data_dirs(mode, region)
    rows = download.all_manifests(dirs.raw)
    if mode is Mode.SAMPLE:
        return rows
    wanted = {str(p.relative_to(dirs.raw)) for p in sources.region_files(region, dirs)}
    return [r for r in rows if r["path"] in wanted]


def sources_appendix(mode: Mode, region: Region) -> str:
    rows = region_manifests(mode, region)
    parts = ['<section class="chapter appendix"><h1 id="sources">Appendix: Sources</h1>',
             "<p>Every figure and table in this report is computed from the files below, "
             "exactly as received from the agencies and recorded in each dataset's "
             "<code>manifest.json</code> (URL, retrieval date, size and SHA-256 checksum). "
             "The table after them states each source's agency, vintage and licence, and whether "
             "the source applies to this region.</p>"]
    if mode is Mode.SAMPLE:
        parts.append('<div class="caveat"><strong>Sample.</strong> These files are the '
                     "synthetic sample bundle, written in each agency's layout by a seeded "
                     "generator. The URLs are where the real files come from; no number here is "
                     "a real statistic (county outlines are real Census geometry).</div>")
    if rows:
        parts.append('<figure class="table"><figcaption>Raw data files behind this report, by '
                     "source</figcaption>" + table_html(files_by_dataset(rows))
                     + '<p class="note">Note: the Excel workbook of this report lists every '
                     "file with its URL and full SHA-256 checksum (sheet "
                     "<code>sources-files</code>).</p></figure>")
    parts.append(changed_files_html(paths.data_dirs(mode, region).raw))
    info = []
    for name, module in sources.all_sources().items():
        i = module.INFO
        reason = sources.why_not(name, region)
        info.append({"source": name, "agency": i.agency, "dataset": i.dataset,
                     "vintage": i.vintage, "licence": i.licence, "access": i.access,
                     f"used for {region.name}": "yes" if reason is None else f"no: {reason}"})
    parts.append('<figure class="table"><figcaption>Data availability statement by source'
                 "</figcaption>" + table_html(pd.DataFrame(info)) + "</figure></section>")
    return "".join(parts)


def changed_files_html(raw_dir: Path) -> str:
    """A caveat and a table for every raw file that no longer matches the checksum its manifest
    recorded (and why, where known); nothing when every file matches."""
    changed = download.changed_files(raw_dir)
    if not changed:
        return ""
    frame = pd.DataFrame([{"file": c["path"], "source": c["source"], "recorded as": c["origin"],
                           "why it differs": c["why"],
                           "SHA-256 recorded": c["recorded_sha256"][:12],
                           "SHA-256 now": c["sha256_now"][:12]} for c in changed])
    return ('<div class="caveat"><strong>Changed since download.</strong> '
            f"{len(changed)} raw file(s) no longer match the checksum recorded when they were "
            "downloaded or first saved. Processing uses such a file only if it parses and holds "
            "the area and period its official URL names, but its numbers may differ from the "
            "agency's.</div>"
            '<figure class="table"><figcaption>Raw files changed since they were recorded'
            "</figcaption>" + table_html(frame) + "</figure>")


_FLAG_WORDS = ("suppress", "top_coded", "topcoded", "unreliable", "withheld", "flag")
QWI_STATUS_OK = 1  # QWI status flag 1: "OK"; every other status qualifies the value
# Flag values that describe how a figure is published, not a quality problem: OEWS "absent"
# (not produced for this kind of estimate), ACS "controlled" (a controlled total has no MOE),
# IPEDS "reported" (the institution reported the count; nothing imputed).
BENIGN_FLAGS = frozenset({"absent", "controlled", "not_applicable", "reported"})


def _flag_labels(frame: pd.DataFrame) -> pd.DataFrame:
    """One column per flag column, holding the flag's label on flagged rows ('' elsewhere)."""
    out = {}
    for col in frame.columns:
        lower = str(col).lower()
        if not any(w in lower for w in _FLAG_WORDS):
            continue
        values = frame[col]
        dtype = str(values.dtype)
        if dtype in ("bool", "boolean"):
            out[col] = values.fillna(False).astype(bool).map({True: col, False: ""})
        elif lower == "status_flag" and dtype.lower().startswith("int"):
            flagged = values.notna() & (values != QWI_STATUS_OK)
            out[col] = ("status " + values.astype("string")).where(flagged, "")
        elif dtype in ("str", "string", "object"):
            text = values.fillna("").astype(str).str.strip()
            out[col] = text.where(~text.isin(BENIGN_FLAGS), "")
    return pd.DataFrame(out, index=frame.index)


def quality_table(mode: Mode, region: Region) -> pd.DataFrame:
    """Per processed table: rows, rows carrying any suppression or quality flag, and which.

    A flag is any column named for suppression, top-coding, unreliability or a status flag
    (every parser keeps the agency's flags as columns), so a new source's flags are counted
    here without further code."""
    import pyarrow.parquet as pq

    rows = []
    for path in sorted(paths.data_dirs(mode, region).processed.glob("*.parquet")):
        # only the flag columns are read (the row count comes from the file's metadata)
        wanted = [c for c in pq.read_schema(path).names
                  if any(w in c.lower() for w in _FLAG_WORDS)]
        if not wanted:
            continue
        frame = pd.read_parquet(path, columns=wanted)
        labels = _flag_labels(frame)
        if labels.empty or frame.empty:
            continue
        flagged = (labels != "").any(axis=1)
        # Rows carrying each label (a row flagged twice with the same label counts once).
        long = labels.where(labels != "").stack().dropna()
        counts = (long.reset_index(level=1, drop=True).reset_index()
                  .drop_duplicates().iloc[:, 1].value_counts())
        detail = ", ".join(f"{k} {v:,}" for k, v in counts.items())
        rows.append({"table": path.stem, "rows": len(frame), "rows flagged": int(flagged.sum()),
                     "share (%)": round(float(flagged.mean()) * 100, 1),
                     "flags (rows)": detail or "none"})
    return pd.DataFrame(rows, columns=["table", "rows", "rows flagged", "share (%)",
                                       "flags (rows)"])


def methods_appendix() -> str:
    text = (paths.TEMPLATES_DIR / "methods.md").read_text(encoding="utf-8")
    return ('<section class="chapter appendix"><h1 id="methods">Appendix: Methods</h1>'
            + _md(text) + "</section>")


def quality_appendix(mode: Mode, region: Region) -> str:
    table = quality_table(mode, region)
    return ('<section class="chapter appendix"><h1 id="quality">Appendix: Data quality and '
            "suppression</h1><p>Agencies withhold figures that could identify an employer or "
            "that are too unreliable to publish; the partnership's surveys withhold small "
            "cells the same way. This report keeps every such flag as data and never fills a "
            "withheld number. The table counts, for every processed table behind the report, "
            "the rows that carry each flag.</p>"
            '<figure class="table"><figcaption>Suppressed, top-coded and unreliable values by '
            "table</figcaption>" + table_html(table, {"share (%)": "{:.1f}"})
            + "</figure></section>")


def _vintages(values: pd.Series) -> str:
    unique = list(dict.fromkeys(values.dropna().astype(str)))
    if len(unique) <= 3:
        return "; ".join(unique)
    return f"{len(unique)} vintages: {unique[0]} … {unique[-1]}"


def files_by_dataset(rows: list[dict]) -> pd.DataFrame:
    """One line per source: where its files are, how many, their vintages, size, retrieval
    dates and origin. The per-file list (URL, checksum) is the workbook's ``sources-files``."""
    frame = pd.DataFrame(rows)
    frame["folder"] = frame["path"].map(lambda p: "/".join(Path(p).parts[:2]) + "/")
    frame["retrieved"] = frame["retrieved"].fillna("").astype(str).str[:10]
    g = frame.groupby(["source", "folder", "origin"], sort=True)
    out = g.agg(files=("path", "count"), bytes=("bytes", "sum"),
                vintages=("vintage", _vintages),
                first_retrieved=("retrieved", "min"), last_retrieved=("retrieved", "max"))
    out = out.reset_index()
    for col in ("first_retrieved", "last_retrieved"):
        out[col] = out[col].replace("", "—")
    return out[["source", "folder", "files", "vintages", "bytes", "first_retrieved",
                "last_retrieved", "origin"]]


# On every page of a sample build: the mark in the margin (text) and the watermark across the
# page (decoration, its words drawn by report_templates/sample.css).
SAMPLE_MARKS = (f'<div class="sample-mark">{SAMPLE_MARK}</div>'
                '<div class="sample-watermark" aria-hidden="true"></div>')


def stylesheet(name: str) -> str:
    """A stylesheet of ``report_templates``, after the sample marks' rules it shares with the
    other documents (``sample.css``), so that it can move the marks to fit its margins."""
    return "\n".join((paths.TEMPLATES_DIR / f).read_text(encoding="utf-8")
                     for f in ("sample.css", name))


def assemble(chapters: list[Chapter], mode: Mode, region: Region) -> str:
    css = stylesheet("report.css")
    sample = mode is Mode.SAMPLE
    county_names = ", ".join(c.name for c in region.counties)
    head = (f"<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>"
            f"<title>{html.escape(TITLE)}: {html.escape(region.name)}</title>"
            f"<style>{css}</style></head><body>")
    marks = SAMPLE_MARKS if sample else ""
    title = (f'<section class="title-page"><h1>{html.escape(TITLE)}</h1>'
             f'<div class="subtitle">{html.escape(SUBTITLE)}<br/>'
             f"{html.escape(region.name)} manufacturing</div>"
             f'<div class="meta">Counties: {html.escape(county_names)}'
             f"<br/>Analysis years {region.years.start}–{region.years.end}"
             f"<br/>Built {_build_date()} by <code>make "
             f"{'sample-report' if sample else 'report'}</code> from the notebooks and the "
             f"files listed in the sources appendix."
             + (f"<br/><br/><strong>{SAMPLE_MARK}</strong>" if sample else "")
             + "</div></section>")
    toc = ['<nav class="toc"><h1>Contents</h1><ol>',
           '<li><a href="#summary">Executive summary</a></li>']
    for i, ch in enumerate(chapters, 1):
        toc.append(f'<li><a href="#{ch.anchor}">{i}. {html.escape(ch.title)}</a><ol>')
        toc += [f'<li><a href="#{a}">{html.escape(t)}</a></li>' for a, t in ch.headings]
        toc.append("</ol></li>")
    toc.append('<li><a href="#methods">Appendix: Methods</a></li>'
               '<li><a href="#quality">Appendix: Data quality and suppression</a></li>'
               '<li><a href="#sources">Appendix: Sources</a></li></ol></nav>')
    summary = ['<section class="chapter appendix"><h1 id="summary">Executive summary</h1>']
    if sample:
        summary.append(f'<div class="caveat"><strong>{SAMPLE_MARK}.</strong> This report was '
                       "built from the synthetic sample bundle to show what the assessment "
                       "produces; none of its findings describes the real region.</div>")
    summary.append(brief.summary_lead(chapters))  # the needs and recommendations come first
    for ch in chapters:
        if ch.findings:
            summary.append(f"<h2>{html.escape(ch.title)}</h2><ul>"
                           + "".join(f"<li>{_md(f)[3:-5]}</li>" for f in ch.findings)
                           + "</ul>")
    summary.append("</section>")
    body = "".join(
        f'<section class="chapter">{"".join(ch.body)}</section>' for ch in chapters)
    return (head + marks + title + "".join(toc) + "".join(summary) + body
            + methods_appendix() + quality_appendix(mode, region) + sources_appendix(mode, region)
            + "</body></html>")


def write_workbook(chapters: list[Chapter], path: Path, files: list[dict], *,
                   sample: bool = False, title: str | None = None) -> Path:
    """Every table of the report, one sheet each, read like the report's table (number,
    caption, formats, source, notes, withheld cells marked; :mod:`assessment.workbook`), a
    contents sheet linking to them, and every raw file behind them (sheet ``sources-files``).
    Every sheet of a sample workbook carries :data:`SAMPLE_MARK`."""
    from assessment import workbook

    return workbook.write(chapters, path, files, sample_mark=SAMPLE_MARK if sample else None,
                          title=title or f"{TITLE}: tables of the report")


def build(mode: Mode | str, region: Region) -> list[Path]:
    mode = Mode(mode)
    if mode is Mode.REAL:
        download.refuse_samples(paths.data_dirs(mode, region).raw)
    rp = paths.report_paths(mode, region)
    executed = [rp.executed(nb) for nb in paths.notebooks()]
    missing = [str(p) for p in executed if not p.exists()]
    if missing:
        raise FileNotFoundError("executed notebooks missing (run make): " + ", ".join(missing))
    chapters = [read_chapter(p, i, region) for i, p in enumerate(executed, 1)]
    citations.apply(chapters)  # "Chapter 4, table “…”" → "Table 45 (chapter 4, “…”)"
    page = assemble(chapters, mode, region)
    page = finish(page)
    rp.html.parent.mkdir(parents=True, exist_ok=True)
    rp.html.write_text(page, encoding="utf-8")
    pdf.write_pdf(page, rp.pdf, base_url=paths.ROOT)
    xlsx = write_workbook(chapters, rp.xlsx, region_manifests(mode, region),
                          sample=mode is Mode.SAMPLE,
                          title=f"{TITLE}: {region.name}, tables of the report")
    (rp.executed_dir / "tables.json").write_text(json.dumps(
        {ch.notebook: [k for k, _ in ch.tables] for ch in chapters}, indent=2))
    council = brief.write_brief(chapters, mode, region, _build_date())
    return [rp.html, rp.pdf, xlsx, council]


# --- glossary, term links and the accessible HTML ----------------------------------------------

GLOSSARY_FILE = "glossary.yml"
GLOSSARY_ANCHOR = "glossary"


@dataclass(frozen=True)
class Term:
    """One glossary entry (``report_templates/glossary.yml``)."""

    term: str
    aliases: tuple[str, ...]
    definition: str
    source: str | None = None

    @property
    def anchor(self) -> str:
        slug = "".join(c if c.isalnum() else "-" for c in self.term.lower())
        return "g-" + "-".join(p for p in slug.split("-") if p)

    @property
    def spellings(self) -> tuple[str, ...]:
        return (self.term, *self.aliases)


def _is_acronym(text: str) -> bool:
    """An alias in capitals (SOC, TOP, O*NET, SB 535) matches only in capitals."""
    return any(c.isalpha() for c in text) and text == text.upper()


def load_glossary(path: Path | None = None) -> list[Term]:
    """The glossary entries, checked: each has a term and a definition, and no spelling names
    two entries (file, entry and rule named otherwise)."""
    import yaml

    path = path or paths.TEMPLATES_DIR / GLOSSARY_FILE
    entries = yaml.safe_load(path.read_text(encoding="utf-8")) or []
    terms: list[Term] = []
    owner: dict[str, str] = {}
    for i, entry in enumerate(entries, 1):
        where = f"{path}: entry {i}"
        if not isinstance(entry, dict):
            raise ValueError(f"{where}: an entry is a mapping with term and definition")
        unknown = set(entry) - {"term", "aliases", "definition", "source"}
        if unknown:
            raise ValueError(f"{where}: unknown key(s) {', '.join(sorted(unknown))}")
        for key in ("term", "definition"):
            if not str(entry.get(key) or "").strip():
                raise ValueError(f"{where} ({entry.get('term', '?')}): '{key}' is required")
        term = Term(str(entry["term"]).strip(),
                    tuple(str(a).strip() for a in entry.get("aliases") or []),
                    str(entry["definition"]).strip(),
                    str(entry["source"]).strip() if entry.get("source") else None)
        for spelling in term.spellings:
            key = spelling if _is_acronym(spelling) else spelling.casefold()
            if key in owner:
                raise ValueError(f"{where} ({term.term}): '{spelling}' already links to "
                                 f"'{owner[key]}'; a spelling belongs to one entry")
            owner[key] = term.term
        terms.append(term)
    return terms


def glossary_appendix(terms: list[Term]) -> str:
    """The glossary as the last appendix: one anchored entry per term, alphabetical."""
    items = []
    for t in sorted(terms, key=lambda t: t.term.casefold()):
        also = [a for a in t.aliases if _is_acronym(a) and a != t.term]
        head = html.escape(t.term) + (f" ({html.escape(', '.join(also))})" if also else "")
        source = (f'<span class="glossary-source">Source: {html.escape(t.source)}</span>'
                  if t.source else "")
        items.append(f'<dt id="{t.anchor}">{head}</dt>'
                     f"<dd>{_md(t.definition)[3:-5]} {source}</dd>")
    return (f'<section class="chapter appendix glossary"><h1 id="{GLOSSARY_ANCHOR}">Appendix: '
            "Glossary</h1><p>Terms of labor-market statistics, training and the data sources "
            "that this report uses. The first use of each term in the text links here.</p>"
            f'<dl class="glossary">{"".join(items)}</dl></section>')


def _term_pattern(terms: list[Term]) -> tuple[re.Pattern, dict[str, Term]]:
    """One pattern for every spelling (longest first, so "margin of error" wins over a shorter
    spelling inside it), and the lookup from a matched spelling to its entry."""
    lookup: dict[str, Term] = {}
    alts = []
    for t in terms:
        for s in t.spellings:
            body = r"\s+".join(re.escape(w) for w in s.split())
            if _is_acronym(s):
                lookup[" ".join(s.split())] = t
                alts.append((len(s), body))
            else:
                lookup[" ".join(s.split()).casefold()] = t
                alts.append((len(s), f"(?i:{body})"))
    alts.sort(key=lambda a: -a[0])
    return re.compile(r"(?<![\w*])(?:" + "|".join(a for _, a in alts) + r")(?![\w*])"), lookup


# Text inside these is never linked: headings, links, code, the contents, captions (the
# stylesheet numbers them), tables, source lines, the title page and the sample marks.
_NO_LINK_TAGS = frozenset({"h1", "h2", "h3", "h4", "h5", "h6", "a", "code", "pre", "kbd", "samp",
                           "script", "style", "title", "head", "nav", "figcaption", "table",
                           "svg", "button", "label"})
_NO_LINK_CLASSES = frozenset({"title-page", "sample-mark", "sample-watermark", "source",
                              "glossary"})
_VOID = frozenset({"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta",
                   "source", "track", "wbr"})


class _Finisher(HTMLParser):
    """Re-emits the document unchanged except for: the first use of each glossary term in body
    text wrapped in a link to its entry; the body's content in one ``<main>`` landmark; the
    glossary appendix before the end of the body and its line at the end of the contents."""

    def __init__(self, terms: list[Term], appendix: str):
        super().__init__(convert_charrefs=False)
        self.pattern, self.lookup = _term_pattern(terms)
        self.appendix = appendix
        self.out: list[str] = []
        self.stack: list[tuple[str, bool, bool]] = []  # (tag, no links inside, is nav.toc)
        self.linked: dict[str, Term] = {}
        self.in_body = False

    def _no_link(self) -> bool:
        return not self.in_body or not self.stack or self.stack[-1][1]

    def handle_starttag(self, tag, attrs):
        self.out.append(self.get_starttag_text())
        if tag == "body":
            self.in_body = True
            self.out.append("<main>")
        if tag in _VOID:
            return
        classes = set((dict(attrs).get("class") or "").split())
        blocked = ((bool(self.stack) and self.stack[-1][1]) or tag in _NO_LINK_TAGS
                   or bool(classes & _NO_LINK_CLASSES))
        self.stack.append((tag, blocked, tag == "nav" and "toc" in classes))

    def handle_startendtag(self, tag, attrs):
        self.out.append(self.get_starttag_text())

    def handle_endtag(self, tag):
        if tag == "body":
            self.in_body = False
            self.out.append(self.appendix + "</main>")
        if (tag == "ol" and len(self.stack) >= 2 and self.stack[-1][0] == "ol"
                and self.stack[-2][2]):
            self.out.append(f'<li><a href="#{GLOSSARY_ANCHOR}">Appendix: Glossary</a></li>')
        self.out.append(f"</{tag}>")
        if any(t == tag for t, _, _ in self.stack):
            while self.stack and self.stack.pop()[0] != tag:
                pass

    def handle_data(self, data):
        if self._no_link():
            self.out.append(data)
            return
        self.out.append(self.pattern.sub(self._link, data))

    def _link(self, m: re.Match) -> str:
        text = " ".join(m.group(0).split())
        term = self.lookup.get(text) or self.lookup.get(text.casefold())
        if term is None or term.term in self.linked:
            return m.group(0)
        self.linked[term.term] = term
        return f'<a class="term" href="#{term.anchor}">{m.group(0)}</a>'

    def handle_entityref(self, name):
        self.out.append(f"&{name};")

    def handle_charref(self, name):
        self.out.append(f"&#{name};")

    def handle_comment(self, data):
        self.out.append(f"<!--{data}-->")

    def handle_decl(self, decl):
        self.out.append(f"<!{decl}>")

    def handle_pi(self, data):
        self.out.append(f"<?{data}>")

    def unknown_decl(self, data):
        self.out.append(f"<![{data}]>")


def link_terms(page: str, terms: list[Term] | None = None) -> tuple[str, list[Term]]:
    """The assembled page with the glossary appendix (and its contents line) added, the first
    use of each term in body text linked to its entry and the content in a ``<main>``
    landmark; and the terms the text used, in order of first use. Headings, captions, tables,
    links and code are left as they are."""
    terms = load_glossary() if terms is None else terms
    finisher = _Finisher(terms, glossary_appendix(terms))
    finisher.feed(page)
    finisher.close()
    return "".join(finisher.out), list(finisher.linked.values())


def finish(page: str) -> str:
    """The last step before the page is written: glossary, term links, landmark."""
    return link_terms(page)[0]
