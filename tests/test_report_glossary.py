"""The glossary appendix and the links from each term's first use (report.link_terms), on small
hand-made pages; the built sample report is checked in test_report_accessibility.py."""

from __future__ import annotations

from html.parser import HTMLParser

import pytest

from assessment import report
from assessment.report import Term, link_terms, load_glossary

TERMS = [
    Term("Location quotient", ("location quotients", "LQ"), "A ratio of shares."),
    Term("SOC", ("Standard Occupational Classification",), "Occupation codes."),
    Term("Margin of error", ("margins of error",), "How far off a sample can be."),
    Term("Margin", (), "A term inside a longer one, to test that the longer wins."),
]

PAGE = (
    "<!DOCTYPE html><html lang='en'><head><title>Location quotient</title>"
    "<style>h1::before { content: 'LQ'; }</style></head><body>"
    '<nav class="toc"><h1>Contents</h1><ol><li><a href="#a">Location quotient</a></li></ol></nav>'
    '<section class="chapter"><h1 id="a">Location quotients</h1>'
    "<p>See <a href='#x'>location quotient</a> and <code>LQ</code>.</p>"
    '<figure class="table"><figcaption>SOC by LQ</figcaption>'
    "<table><thead><tr><th>SOC</th></tr></thead><tbody><tr><td>LQ 1.2</td></tr></tbody></table>"
    '<p class="source">Source: SOC LQ</p></figure>'
    "<p>A location quotient (LQ) above 1 &amp; a SOC code; another location quotient. "
    "The soc of a sock is not SOC-like.</p>"
    "<p>Each figure has its margins\n of error; a margin is wide.</p>"
    "<h2>Location quotient</h2><p>Location quotients again.</p>"
    "</section></body></html>"
)


class _Links(HTMLParser):
    """(href, text, enclosing tags) of every link."""

    def __init__(self):
        super().__init__()
        self.stack: list[str] = []
        self.links: list[tuple[str, str, tuple[str, ...]]] = []
        self._open: list[list] = []

    def handle_starttag(self, tag, attrs):
        if tag == "a":
            self._open.append([dict(attrs).get("href"), "", tuple(self.stack)])
        self.stack.append(tag)

    def handle_endtag(self, tag):
        while self.stack and self.stack.pop() != tag:
            pass
        if tag == "a" and self._open:
            self.links.append(tuple(self._open.pop()))

    def handle_data(self, data):
        for o in self._open:
            o[1] += data


def _term_links(page: str) -> list[tuple[str, str, tuple[str, ...]]]:
    p = _Links()
    p.feed(page)
    return [link for link in p.links if (link[0] or "").startswith("#g-")]


@pytest.fixture
def linked() -> tuple[str, list[Term]]:
    return link_terms(PAGE, TERMS)


def test_first_body_use_is_linked_once(linked):
    page, used = linked
    links = _term_links(page)
    # first uses in body text, in document order (the heading, the existing link, code, the
    # caption, the table and the source line come earlier but are skipped)
    assert [(h, t) for h, t, _ in links] == [
        ("#g-location-quotient", "location quotient"),
        ("#g-soc", "SOC"),
        ("#g-margin-of-error", "margins\n of error"),
        ("#g-margin", "margin"),
    ]
    assert [t.term for t in used] == ["Location quotient", "SOC", "Margin of error", "Margin"]
    assert page.count('href="#g-location-quotient"') == 1


def test_headings_links_code_captions_and_tables_are_left_alone(linked):
    page, _ = linked
    for _, _, enclosing in _term_links(page):
        assert not set(enclosing) & {"h1", "h2", "a", "code", "figcaption", "table", "nav",
                                     "title", "head"}
    assert "<h2>Location quotient</h2>" in page
    assert '<h1 id="a">Location quotients</h1>' in page
    assert "<a href='#x'>location quotient</a>" in page  # no link inside a link
    assert "<code>LQ</code>" in page
    assert "<figcaption>SOC by LQ</figcaption>" in page
    assert '<p class="source">Source: SOC LQ</p>' in page
    assert "content: 'LQ';" in page  # the stylesheet untouched


def test_case_and_word_boundaries(linked):
    page, _ = linked
    # "soc", "sock" and "SOC-like" are not the code SOC; the first real "SOC" is
    assert "The soc of a sock is not SOC-like." in page
    assert '<a class="term" href="#g-soc">SOC</a> code' in page
    assert "&amp; a" in page  # entities pass through as written


def test_page_otherwise_unchanged_with_landmark_appendix_and_contents_line(linked):
    page, _ = linked
    assert page.startswith("<!DOCTYPE html><html lang='en'><head><title>Location quotient")
    assert page.count("<main>") == 1 and page.index("<main>") < page.index("<nav")
    assert page.endswith("</section></main></body></html>")
    assert '<li><a href="#glossary">Appendix: Glossary</a></li></ol></nav>' in page
    glossary = page[page.index('<h1 id="glossary">'):]
    # every entry, alphabetical, anchored, and never linked inside the glossary itself
    ids = [i for i in ("g-location-quotient", "g-margin", "g-margin-of-error", "g-soc")]
    positions = [glossary.index(f'<dt id="{i}">') for i in ids]
    assert positions == sorted(positions)
    assert 'class="term"' not in glossary
    assert "<dt id=\"g-location-quotient\">Location quotient (LQ)</dt>" in glossary


def test_glossary_file_defines_the_terms_the_issue_names():
    terms = load_glossary()
    spellings = {s.casefold() for t in terms for s in t.spellings}
    for needed in ("location quotient", "shift-share", "openings", "exits", "transfers",
                   "margin of error", "confidence interval", "suppression", "staffing pattern",
                   "SOC", "NAICS", "CIP", "TOP", "disadvantaged community", "SB 535", "CEJST",
                   "registered apprenticeship", "IMT", "family-sustaining wage", "QCEW", "OEWS",
                   "LAUS", "ACS", "QWI", "LODES", "EDD", "IPEDS", "O*NET", "census tract",
                   "CalEnviroScreen", "coefficient of variation", "raking"):
        assert needed.casefold() in spellings, needed
    assert all(t.definition for t in terms)
    assert len({t.anchor for t in terms}) == len(terms)


def test_a_spelling_of_two_entries_is_refused(tmp_path):
    path = tmp_path / "glossary.yml"
    path.write_text("- term: Tract\n  definition: An area.\n"
                    "- term: Census tract\n  aliases: [tract]\n  definition: The same.\n")
    with pytest.raises(ValueError, match=r"glossary.yml: entry 2 \(Census tract\): 'tract' "
                                         r"already links to 'Tract'"):
        load_glossary(path)


def test_an_entry_without_definition_is_refused(tmp_path):
    path = tmp_path / "glossary.yml"
    path.write_text("- term: Tract\n")
    with pytest.raises(ValueError, match=r"entry 1 \(Tract\): 'definition' is required"):
        load_glossary(path)


def test_finish_uses_the_maintained_glossary():
    page = report.finish("<html lang='en'><body><p>The QCEW counts jobs.</p></body></html>")
    anchor = next(t.anchor for t in load_glossary() if t.term == "QCEW")
    assert f'<a class="term" href="#{anchor}">QCEW</a> counts' in page
    assert f'<dt id="{anchor}">' in page


def test_glossary_names_no_region():
    """One glossary serves every region: no committed region's name or county in it (the
    pipeline test checks the same of each built report)."""
    import re

    from assessment import paths
    from assessment.region import load_region

    text = (paths.TEMPLATES_DIR / report.GLOSSARY_FILE).read_text(encoding="utf-8")
    names = set()
    for path in sorted((paths.CONFIG_DIR / "regions").glob("*.yml")):
        region = load_region(path)
        names |= {region.name, *(c.name for c in region.counties)}
    assert names
    assert sorted(n for n in names if re.search(rf"\b{re.escape(n)}\b", text)) == []
