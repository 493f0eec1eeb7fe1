"""The report and the council brief as a reader who cannot see them, or sees them poorly, gets
them: tagged PDFs with a language and a title, text colours that pass WCAG 2.1 AA contrast,
headings that never skip a level, and an HTML check (alt text, language, title, table headers,
link text, unique ids, heading order) on a small page assembled by the report's own functions.
The built sample report gets the same HTML check in test_pipeline.py; a browser check with
axe-core runs where Chromium and Playwright are installed.
"""

from __future__ import annotations

import os
import re
import shutil
from html.parser import HTMLParser
from pathlib import Path

import pandas as pd
import pytest
from pypdf import PdfReader

from assessment import brief, paths, pdf, present, report
from assessment.paths import Mode

# --- an HTML accessibility check without a browser --------------------------------------------

VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source",
        "track", "wbr"}
HEADINGS = {f"h{i}": i for i in range(1, 7)}


class _Page(HTMLParser):
    """What the accessibility rules below need from a page: the html element's lang, the
    title, images, tables, links, ids and headings, each with the chapter section it is in."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.lang: str | None = None
        self.title = ""
        self.images: list[dict] = []
        self.tables: list[dict] = []  # {"th": n, "th_scoped": n, "thead": bool, "rows": n}
        self.links: list[dict] = []  # {"href", "text", "label"}
        self.ids: list[str] = []
        self.headings: list[tuple[int, str, int | None]] = []  # level, text, chapter index
        self.chapters = 0  # sections of class "chapter" (chapters and appendices)
        self.mains = 0  # <main> landmarks
        self._stack: list[tuple[str, dict]] = []
        self._chapter: list[int | None] = [None]
        self._text: list[list] = []  # open collectors: [kind, buffer]

    def handle_starttag(self, tag, attrs):
        a = {k: (v or "") for k, v in attrs}
        if "id" in a:
            self.ids.append(a["id"])
        if tag == "html":
            self.lang = a.get("lang")
        elif tag == "main":
            self.mains += 1
        elif tag == "img":
            self.images.append(a)
        elif tag == "table":
            self.tables.append({"th": 0, "th_scoped": 0, "thead": False})
        elif tag == "thead" and self.tables:
            self.tables[-1]["thead"] = True
        elif tag == "th" and self.tables:
            self.tables[-1]["th"] += 1
            self.tables[-1]["th_scoped"] += a.get("scope") in ("col", "row", "colgroup",
                                                                "rowgroup")
        elif tag == "a" and "href" in a:
            self.links.append({"href": a["href"], "text": "", "label": a.get("aria-label", "")})
            self._text.append(["a", self.links[-1]])
        elif tag in HEADINGS:
            self._text.append([tag, {"text": ""}])
        elif tag == "title":
            self._text.append(["title", {"text": ""}])
        if tag == "section" and "chapter" in a.get("class", "").split():
            self.chapters += 1
            self._chapter.append(self.chapters)
        elif tag == "section":
            self._chapter.append(self._chapter[-1])
        if tag not in VOID:
            self._stack.append((tag, a))

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        if tag not in VOID:
            self.handle_endtag(tag)

    def handle_endtag(self, tag):
        if tag in VOID:
            return
        while self._stack:
            open_tag, _ = self._stack.pop()
            self._close(open_tag)
            if open_tag == tag:
                break

    def _close(self, tag):
        if tag == "section" and len(self._chapter) > 1:
            self._chapter.pop()
        if self._text and self._text[-1][0] == tag:
            kind, item = self._text.pop()
            if kind in HEADINGS:
                self.headings.append((HEADINGS[kind], " ".join(item["text"].split()),
                                      self._chapter[-1]))
            elif kind == "title":
                self.title = " ".join(item["text"].split())

    def handle_data(self, data):
        for _, item in self._text:
            item["text"] += data


def heading_problems(headings: list[tuple[int, str, int | None]], chapters: int) -> list[str]:
    """A heading more than one level below the one before it (h1 then h3) is a skip; every
    chapter and appendix has exactly one h1."""
    problems = []
    for (before, _, _), (level, text, _) in zip(headings, headings[1:], strict=False):
        if level > before + 1:
            problems.append(f"heading skips a level: h{before} then h{level} '{text}'")
    if headings and headings[0][0] != 1:
        problems.append(f"the first heading is h{headings[0][0]}, not h1")
    for n in range(1, chapters + 1):
        h1 = [t for level, t, ch in headings if ch == n and level == 1]
        if len(h1) != 1:
            problems.append(f"chapter section {n} has {len(h1)} h1 headings: {h1}")
    return problems


def html_problems(page: str) -> list[str]:
    """Every rule broken, one line each (an empty list for an accessible page): the html
    element's lang, a non-empty title, one main landmark, a non-empty alt on every img, header
    cells on every table (th in a thead, or th with scope), text (or aria-label) on every
    link, links to ids that exist, unique ids, and headings in order
    (:func:`heading_problems`)."""
    p = _Page()
    p.feed(page)
    p.close()
    problems = []
    if not (p.lang or "").strip():
        problems.append("html element has no lang")
    if not p.title:
        problems.append("document has no title")
    if p.mains != 1:
        problems.append(f"{p.mains} main landmarks, not one")
    for img in p.images:
        if not img.get("alt", "").strip():
            src = img.get("src", "")[:40]
            problems.append(f"img without alt text: {src}")
    for i, t in enumerate(p.tables, 1):
        if t["th"] == 0 or not (t["thead"] or t["th_scoped"] == t["th"]):
            problems.append(f"table {i} has no header cells (th in a thead or with scope)")
    ids = set(p.ids)
    for link in p.links:
        if not (link["text"].strip() or link["label"].strip()):
            problems.append(f"link without text: {link['href']}")
        if link["href"].startswith("#") and link["href"][1:] not in ids:
            problems.append(f"link to a missing id: {link['href']}")
    seen: set[str] = set()
    for i in p.ids:
        if i in seen:
            problems.append(f"duplicate id: {i}")
        seen.add(i)
    return problems + heading_problems(p.headings, p.chapters)


def test_the_checker_finds_what_it_checks():
    bad = ("<html><head></head><body><section class='chapter'><h1 id='a'>One</h1>"
           "<h3 id='a'>Skipped</h3><img src='x.png'><img src='y.png' alt=' '>"
           "<table><tr><th>a</th></tr></table><a href='#nowhere'></a>"
           "<h1>Second h1</h1></section></body></html>")
    problems = html_problems(bad)
    assert problems == [
        "html element has no lang", "document has no title", "0 main landmarks, not one",
        "img without alt text: x.png", "img without alt text: y.png",
        "table 1 has no header cells (th in a thead or with scope)",
        "link without text: #nowhere", "link to a missing id: #nowhere",
        "duplicate id: a",
        "heading skips a level: h1 then h3 'Skipped'",
        "chapter section 1 has 2 h1 headings: ['One', 'Second h1']"]
    good = ("<!DOCTYPE html><html lang='en'><head><title>T</title></head><body><main>"
            "<section class='chapter'><h1 id='a'>One</h1><h2>Two</h2><h3>Three</h3><h2>Two</h2>"
            "<img src='x.png' alt='A bar chart'><table><tr><th scope='col'>a</th></tr></table>"
            "<a href='#a'>back</a><a href='https://x'><img src='i.png' alt='logo'></a>"
            "</section></main></body></html>")
    assert html_problems(good) == ["link without text: https://x"]  # an img's alt is not text


# --- the same pages in a browser, checked by axe-core ---------------------------------------------

# WCAG 2.0/2.1 A and AA rules and axe's best practices (landmarks, heading order, one h1...).
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]
CHROMIUM_ENV = "ASSESSMENT_CHROMIUM"  # a Chromium or Chrome binary; else chromium on PATH


def chromium() -> str:
    """The Chromium binary, or a skip saying what is missing: the browser check needs Debian's
    ``chromium`` (``apt-get install chromium``) and the ``a11y`` extra (``pip install -e
    '.[a11y]'``: Playwright and axe-playwright-python, which ships axe-core)."""
    pytest.importorskip("playwright.sync_api",
                        reason="Playwright is not installed (pip install -e '.[a11y]')")
    pytest.importorskip("axe_playwright_python",
                        reason="axe-playwright-python is not installed (pip install -e '.[a11y]')")
    found = os.environ.get(CHROMIUM_ENV) or shutil.which("chromium") or shutil.which(
        "chromium-browser")
    if not found:
        pytest.skip(f"no Chromium on this machine (apt-get install chromium, or set "
                    f"{CHROMIUM_ENV})")
    return found


def axe_violations(path: Path) -> dict[str, list[str]]:
    """axe-core's violations of the HTML file: rule id -> a line per element (its selector and
    what to fix). Skips, saying what is missing, before importing the optional packages."""
    binary = chromium()
    from axe_playwright_python.sync_playwright import Axe
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=binary, args=["--no-sandbox"])
        try:
            page = browser.new_page()
            page.goto(path.resolve().as_uri())
            results = Axe().run(page, options={"runOnly": {"type": "tag", "values": AXE_TAGS},
                                               "resultTypes": ["violations"]})
        finally:
            browser.close()
    return {v["id"]: [f"{n['target']}: {' '.join(n['failureSummary'].split())}"
                      for n in v["nodes"]] for v in results.response["violations"]}


# --- a small page assembled by the report's own functions --------------------------------------


class _Shown:
    """Records what present.* displays, as papermill would store it in the notebook."""

    def __init__(self):
        self.outputs: list[dict] = []

    def __call__(self, obj, metadata=None, **_):
        data = {"text/html": obj.data} if hasattr(obj, "_repr_html_") else {
            "text/markdown": obj.data}
        self.outputs.append({"output_type": "display_data", "data": data,
                             "metadata": metadata or {}})


def _notebook(tmp_path: Path, name: str, cells: list[dict]) -> Path:
    import json

    path = tmp_path / f"{name}.ipynb"
    path.write_text(json.dumps({"cells": cells, "metadata": {}, "nbformat": 4,
                                "nbformat_minor": 5}))
    return path


def _md(text: str) -> dict:
    return {"cell_type": "markdown", "metadata": {}, "source": text}


def _code(outputs: list[dict]) -> dict:
    return {"cell_type": "code", "metadata": {}, "source": "", "outputs": outputs}


@pytest.fixture
def small(tmp_path, monkeypatch, region):
    """Two fake chapters (a table, a figure, findings, h2 and h3 headings) read and assembled by
    report.read_chapter / assemble / finish, the appendices' data reads replaced by small
    frames; returns (page, chapters)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    shown = _Shown()
    monkeypatch.setattr(present, "display", shown)
    frame = pd.DataFrame({"Occupation": ["Machinists", "Welders"], "Jobs": [1200, 850]})
    present.table(frame, "Jobs by occupation", "A hand-made table")
    table_out = shown.outputs[-1]
    fig, ax = plt.subplots(figsize=(4, 2.5))
    ax.bar(["Machinists", "Welders"], [1200, 850])
    present.figure(fig, "Jobs by occupation", "A hand-made table",
                   alt="Bar chart: machinists 1,200 jobs, welders 850.")
    figure_out = shown.outputs[-1]
    present.findings(["Machinists hold more jobs than welders."])
    findings_out = shown.outputs[-1]
    one = _notebook(tmp_path, "01-one", [
        _md("# Industry profile\n\nA location quotient above 1 means more jobs than expected."),
        _code([findings_out]), _md("## Jobs\n\nText.\n\n### By occupation\n\nMore text."),
        _code([table_out, figure_out])])
    two = _notebook(tmp_path, "02-two", [_md("# Workforce\n\n## People\n\nText.")])
    chapters = [report.read_chapter(p, i, region) for i, p in enumerate([one, two], 1)]
    monkeypatch.setattr(report, "region_manifests", lambda mode, region: [])
    monkeypatch.setattr(report, "changed_files_html", lambda raw: "")
    monkeypatch.setattr(report, "quality_table", lambda mode, region: pd.DataFrame(
        {"table": ["qcew_annual"], "rows": [10], "rows flagged": [2], "share (%)": [20.0],
         "flags (rows)": ["suppressed 2"]}))
    page = report.finish(report.assemble(chapters, Mode.SAMPLE, region))
    return page, chapters


def test_small_assembled_page_passes_the_html_check(small):
    page, _ = small
    assert html_problems(page) == []
    p = _Page()
    p.feed(page)
    # title page, contents, summary, two chapters, methods, quality, sources, glossary
    assert p.chapters == 7
    assert [h for h in p.headings if h[0] == 1][3:5] == [(1, "Industry profile", 2),
                                                        (1, "Workforce", 3)]


# --- tagged PDF, language and title -----------------------------------------------------------


def _struct_types(node, out: set[str], depth: int = 0) -> set[str]:
    node = node.get_object()
    if depth > 60:
        return out
    if "/S" in node:
        out.add(str(node["/S"]) + (":alt" if "/Alt" in node else ""))
    kids = node.get("/K")
    if kids is None:
        return out
    kids = kids.get_object()
    for kid in kids if isinstance(kids, list) else [kids]:
        kid = kid.get_object() if hasattr(kid, "get_object") else kid
        if isinstance(kid, dict) and ("/S" in kid or "/K" in kid):
            _struct_types(kid, out, depth + 1)
    return out


def struct_headings(path: Path) -> list[tuple[int, str, int | None]]:
    """The PDF's heading structure elements (/H1 ... /H6) in document order, as
    (level, "", chapter) for :func:`heading_problems`: a chapter starts at each /Sect whose
    first heading is an /H1 and that holds no other section."""
    root = PdfReader(path).trailer["/Root"]
    out: list[tuple[int, str, int | None]] = []

    def walk(node, depth=0):
        node = node.get_object()
        s = str(node.get("/S", ""))
        if re.fullmatch(r"/H[1-6]", s):
            out.append((int(s[2]), "", None))
        kids = node.get("/K")
        if kids is None or depth > 80:
            return
        kids = kids.get_object()
        for kid in kids if isinstance(kids, list) else [kids]:
            kid = kid.get_object() if hasattr(kid, "get_object") else kid
            if isinstance(kid, dict) and ("/S" in kid or "/K" in kid):
                walk(kid, depth + 1)

    walk(root["/StructTreeRoot"])
    return out


def _check_tagged(path: Path, title: str) -> set[str]:
    reader = PdfReader(path)
    root = reader.trailer["/Root"]
    assert "/StructTreeRoot" in root
    assert root["/MarkInfo"]["/Marked"].value is True
    assert root["/Lang"] == "en"
    assert reader.metadata.title == title
    assert root["/ViewerPreferences"]["/DisplayDocTitle"].value is True  # the title, not file name
    assert b"pdfuaid:part" in root["/Metadata"].get_object().get_data()  # PDF/UA-1 claimed
    return _struct_types(root["/StructTreeRoot"], set())


def test_report_pdf_is_tagged_with_language_and_title(small, tmp_path, region):
    page, _ = small
    out = pdf.write_pdf(page, tmp_path / "report.pdf", base_url=paths.ROOT)
    types = _check_tagged(out, f"{report.TITLE}: {region.name}")
    # headings, a table with header cells, the figure with its alt text, links
    assert {"/H1", "/H2", "/H3", "/Table", "/TH", "/TD", "/Figure:alt", "/Link"} <= types
    assert "/Figure" not in types  # no figure without alt text
    # the tags keep the HTML's heading order: title, contents, summary, chapters, appendices
    levels = [level for level, _, _ in struct_headings(out)]
    assert heading_problems(struct_headings(out), 0) == []
    assert levels[:4] == [1, 1, 1, 2]  # title page, contents, summary and its first h2


def test_brief_pdf_is_tagged_with_language_and_title(small, tmp_path, region):
    _, chapters = small
    page = brief.brief_html(chapters, Mode.SAMPLE, region, "January 1, 2026")
    out = pdf.write_pdf(page, tmp_path / "brief.pdf", base_url=paths.ROOT)
    types = _check_tagged(out, f"Council brief: {region.name} manufacturing needs")
    assert {"/H1", "/H2"} <= types
    assert heading_problems(struct_headings(out), 0) == []


def test_notebook_headings_never_skip_a_level():
    """In the report a notebook's ``#`` is its chapter's h1, ``##`` an h2 and so on: each
    notebook has one ``#`` heading, first, and never goes down more than one level."""
    import json

    for nb in paths.notebooks():
        cells = json.loads(nb.read_text(encoding="utf-8"))["cells"]
        headings = []
        for cell in cells:
            if cell["cell_type"] != "markdown":
                continue
            fence = False
            for line in "".join(cell["source"]).splitlines():
                fence ^= line.lstrip().startswith("```")
                m = re.match(r"(#{1,6}) (.+)", line)
                if m and not fence:
                    headings.append((len(m.group(1)), m.group(2).strip(), 1))
        assert headings, nb.name
        assert heading_problems(headings, 1) == [], nb.name


# --- WCAG 2.1 AA contrast of the stylesheets --------------------------------------------------

STYLESHEETS = sorted((paths.TEMPLATES_DIR).glob("*.css"))
# the documents' own stylesheets (sample.css holds only the sample marks both share)
DOCUMENT_SHEETS = [paths.TEMPLATES_DIR / "report.css", paths.TEMPLATES_DIR / "brief.css"]
WHITE = (255, 255, 255)
NAMED = {"white": WHITE, "black": (0, 0, 0)}
# Decoration, not text a reader must read (WCAG 1.4.3 exempts it; its words are CSS content): the
# faint diagonal sample watermark behind the page. The sample mark itself is checked.
DECORATIVE = {".sample-watermark"}
# Elements whose browser default is bold (large text from 18.66px when bold).
BOLD_BY_DEFAULT = {"h1", "h2", "h3", "h4", "h5", "h6", "th", "strong", "b"}


def relative_luminance(rgb: tuple[int, int, int]) -> float:
    """WCAG 2.1 relative luminance: each sRGB channel c/255 linearised as c/12.92 up to
    0.04045, else ((c+0.055)/1.055)^2.4; then 0.2126 R + 0.7152 G + 0.0722 B."""
    def lin(c: int) -> float:
        c = c / 255
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (lin(c) for c in rgb)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(a: tuple[int, int, int], b: tuple[int, int, int]) -> float:
    """(L1 + 0.05) / (L2 + 0.05), L1 the lighter."""
    la, lb = sorted((relative_luminance(a), relative_luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


def test_contrast_formula_against_published_ratios():
    # WebAIM's contrast checker: #777777 on white 4.48:1 (fails AA), #767676 4.54:1 (the
    # lightest grey that passes); black on white 21:1 and a colour on itself 1:1 by definition.
    assert round(contrast((0x77,) * 3, WHITE), 2) == 4.48
    assert round(contrast((0x76,) * 3, WHITE), 2) == 4.54
    assert contrast((0, 0, 0), WHITE) == pytest.approx(21.0)
    assert contrast(WHITE, WHITE) == pytest.approx(1.0)


def _colour(value: str) -> tuple[int, int, int] | None:
    value = value.strip().lower()
    if value in NAMED:
        return NAMED[value]
    m = re.fullmatch(r"#([0-9a-f]{3}|[0-9a-f]{6})", value)
    if m:
        h = m.group(1)
        h = "".join(c * 2 for c in h) if len(h) == 3 else h
        return tuple(int(h[i:i + 2], 16) for i in (0, 2, 4))
    m = re.fullmatch(r"rgba?\(\s*(\d+)\s*,\s*(\d+)\s*,\s*(\d+)\s*(?:,\s*([\d.]+)\s*)?\)", value)
    if m:
        if m.group(4) is not None and float(m.group(4)) < 1:
            raise ValueError(f"translucent colour {value}: say what it is drawn on")
        return tuple(int(m.group(i)) for i in (1, 2, 3))
    return None


def _px(value: str) -> float | None:
    m = re.fullmatch(r"([\d.]+)(pt|px)", value.strip())
    if not m:
        return None
    return float(m.group(1)) * (4 / 3 if m.group(2) == "pt" else 1)


def css_rules(path: Path) -> list[dict]:
    """Every style rule of a stylesheet (page-margin boxes of @page included) as selector and
    declarations, with tinycss2, the CSS parser WeasyPrint itself uses."""
    import tinycss2

    def walk(nodes, where: str) -> list[dict]:
        rules = []
        for node in nodes:
            if node.type == "qualified-rule":
                selector = tinycss2.serialize(node.prelude).strip()
                decls = _declarations(node.content)
                rules.append({"file": path.name, "selector": selector, **decls})
            elif node.type == "at-rule" and node.content is not None:
                name = f"{where}@{node.lower_at_keyword}"
                inner = tinycss2.parse_blocks_contents(node.content, skip_comments=True,
                                                       skip_whitespace=True)
                decls = _declarations(node.content)
                if decls["decls"]:
                    rules.append({"file": path.name, "selector": name, **decls})
                rules += walk([n for n in inner if n.type in ("at-rule", "qualified-rule")],
                              name)
        return rules

    def _declarations(content) -> dict:
        out = {}
        for d in tinycss2.parse_blocks_contents(content, skip_comments=True,
                                                skip_whitespace=True):
            if d.type == "declaration":
                out[d.lower_name] = tinycss2.serialize(d.value).strip()
        return {"decls": out}

    sheet = tinycss2.parse_stylesheet(path.read_text(encoding="utf-8"), skip_comments=True,
                                      skip_whitespace=True)
    return walk(sheet, "")


def _background(decls: dict) -> tuple[int, int, int] | None:
    for key in ("background-color", "background"):
        if key in decls:
            return _colour(decls[key].split()[0])
    return None


def contrast_failures(path: Path) -> list[str]:
    """Every text colour of the stylesheet below WCAG AA: 4.5:1, or 3:1 for large text (24px,
    or 18.66px bold). A rule's colour is measured on the rule's own background where it sets
    one; otherwise on white and on every panel background of the sheet (a rule setting a
    background and no colour: its text, and any class inside it, is drawn on that panel).
    Page-margin boxes (running footers) are drawn on the white page alone."""
    rules = css_rules(path)
    panels = [(r["selector"], _background(r["decls"])) for r in rules
              if _background(r["decls"]) and "color" not in r["decls"]]
    failures = []
    for r in rules:
        d = r["decls"]
        if "color" not in d or r["selector"] in DECORATIVE:
            continue
        fg = _colour(d["color"])
        assert fg is not None, f"{path.name} {r['selector']}: colour {d['color']} not read"
        size = _px(d.get("font-size", "")) or 0
        tags = set(re.findall(r"(?<![.#\w-])([a-z][a-z0-9]*)", r["selector"]))
        bold = d.get("font-weight", "") in ("bold", "700", "800", "900") or bool(
            tags & BOLD_BY_DEFAULT) and d.get("font-weight", "") != "normal"
        large = size >= 24 or (bold and size >= 18.66)
        need = 3.0 if large else 4.5
        grounds = [(r["selector"], _background(d))] if _background(d) else [
            ("white", WHITE), *([] if r["selector"].startswith("@page") else panels)]
        for where, bg in grounds:
            ratio = contrast(fg, bg)
            if ratio < need:
                failures.append(f"{path.name} {r['selector']}: {d['color']} on {where} "
                                f"{ratio:.2f}:1 < {need}:1")
    return failures


@pytest.mark.parametrize("sheet", STYLESHEETS, ids=lambda p: p.name)
def test_text_colours_pass_wcag_aa_contrast(sheet):
    assert css_rules(sheet), f"{sheet.name}: no rules read"
    assert contrast_failures(sheet) == []


def test_axe_finds_what_the_checker_finds(tmp_path):
    chromium()
    bad = tmp_path / "bad.html"
    bad.write_text("<html><body><img src='x.png'><h1>A</h1><h3>B</h3><a href='#a'></a>"
                   "</body></html>")
    assert {"image-alt", "html-has-lang", "document-title", "heading-order",
            "link-name"} <= set(axe_violations(bad))


def test_small_report_and_brief_pass_axe(small, tmp_path, region):
    chromium()
    page, chapters = small
    (tmp_path / "report.html").write_text(page, encoding="utf-8")
    (tmp_path / "brief.html").write_text(
        brief.brief_html(chapters, Mode.SAMPLE, region, "January 1, 2026"),
        encoding="utf-8")
    assert axe_violations(tmp_path / "report.html") == {}
    assert axe_violations(tmp_path / "brief.html") == {}


def test_small_brief_passes_the_html_check(small, region):
    _, chapters = small
    page = brief.brief_html(chapters, Mode.SAMPLE, region, "January 1, 2026")
    assert html_problems(page) == []


# --- layout: headings kept with their text, nothing past the margin ----------------------------

MM = 72 / 25.4  # PDF points per millimetre
_RUNNING = re.compile(r"(?i)page \d+ of \d+|SAMPLE REPORT: SYNTHETIC|SAMPLE · SYNTHETIC")


def right_margin_pt(sheet: Path) -> float:
    """The right page margin the stylesheet's ``@page`` sets (``margin: top right ...``)."""
    page = next(r for r in css_rules(sheet) if r["selector"] == "@page")
    parts = page["decls"]["margin"].split()
    value = parts[1] if len(parts) > 1 else parts[0]
    assert value.endswith("mm"), value
    return float(value[:-2]) * MM


def heading_texts(page: str) -> list[str]:
    import html as htmllib

    return [" ".join(htmllib.unescape(re.sub(r"<[^>]+>", "", t)).split())
            for t in re.findall(r"<h[1-6][^>]*>(.*?)</h[1-6]>", page, re.S)]


def pages_ending_with_a_heading(path: Path, headings: list[str]) -> list[tuple[int, str]]:
    """(page, line) for every page whose last line of text (running header, footer and the
    sample mark aside) is a heading or the end of one: a heading stranded at the foot."""
    found = []
    for n, page in enumerate(PdfReader(path).pages, 1):
        lines = [" ".join(line.split()) for line in page.extract_text().splitlines()]
        lines = [line for line in lines if line and not _RUNNING.search(line)
                 and line != report.TITLE]
        if lines and any(h == lines[-1] or (len(lines[-1]) > 8 and h.endswith(lines[-1]))
                         for h in headings if h):
            found.append((n, lines[-1]))
    return found


def text_past_the_margin(path: Path, margin_pt: float) -> list[tuple[int, str]]:
    """(page, text) for every piece of text that starts right of the page's content box: a
    table or line running off the page."""
    found = []
    for n, page in enumerate(PdfReader(path).pages, 1):
        edge = float(page.mediabox.width) - margin_pt

        def visit(text, cm, tm, font, size, n=n, edge=edge):
            x = tm[4] * cm[0] + tm[5] * cm[2] + cm[4]
            if text.strip() and x > edge:
                found.append((n, text.strip()[:30]))

        page.extract_text(visitor_text=visit)
    return found


@pytest.mark.parametrize("sheet", DOCUMENT_SHEETS, ids=lambda p: p.name)
def test_stylesheets_keep_headings_with_what_follows(sheet):
    rules = css_rules(sheet)

    def declared(tag: str, prop: str) -> set[str]:
        return {r["decls"][prop] for r in rules if prop in r["decls"]
                and tag in [s.strip() for s in r["selector"].split(",")]}

    for tag in ("h1", "h2", "h3", "h4"):
        assert "avoid" in declared(tag, "break-after"), (sheet.name, tag)
    assert "avoid" in declared("figure", "break-inside"), sheet.name  # a chart is never split


def test_report_tables_run_on_with_caption_and_source_kept():
    rules: dict[str, dict] = {}
    for r in css_rules(paths.TEMPLATES_DIR / "report.css"):  # later rules add to earlier ones
        rules.setdefault(r["selector"], {}).update(r["decls"])
    assert rules["figure.table"]["break-inside"] == "auto"
    assert rules["figure.table figcaption"]["break-after"] == "avoid"
    assert rules["figure.table > p.source, figure.table > p.note"]["break-before"] == "avoid"


def test_layout_checks_find_a_stranded_heading_and_a_table_off_the_page(tmp_path, small):
    filler = "<p>" + "Text of the chapter. " * 40 + "</p>"
    bad = ("<!DOCTYPE html><html lang='en'><head><title>T</title><style>"
           "@page { size: Letter; margin: 20mm; } h2 { break-after: page; }</style></head>"
           f"<body>{filler}<h2>Stranded heading</h2>{filler}"
           "<table><tr><td style='white-space: nowrap'>" + "A cell too wide for the page. " * 5
           + "<b>Off the page</b></td></tr></table></body></html>")
    out = pdf.write_pdf(bad, tmp_path / "bad.pdf")
    assert pages_ending_with_a_heading(out, heading_texts(bad)) == [(1, "Stranded heading")]
    assert [t for _, t in text_past_the_margin(out, 20 * MM)] == ["Off the page"]
    page, _ = small
    good = pdf.write_pdf(page, tmp_path / "good.pdf", base_url=paths.ROOT)
    margin = right_margin_pt(paths.TEMPLATES_DIR / "report.css")
    assert pages_ending_with_a_heading(good, heading_texts(page)) == []
    assert text_past_the_margin(good, margin) == []
