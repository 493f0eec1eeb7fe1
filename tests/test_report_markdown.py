"""Chapter headings become anchored h1/h2 in place; everything else is ordinary Markdown."""

from __future__ import annotations

from assessment.report import Chapter, _markdown


def test_headings_get_anchors_and_text_stays_in_order():
    ch = Chapter(notebook="01-x", title="", anchor="ch1")
    out = _markdown("# Title\n\nIntro *text*.\n\n## Part A\n\nBody A.\n\n## Part B\n"
                    "<h3>raw</h3>", ch, first=True)
    assert ch.title == "Title"
    assert ch.headings == [("ch1-1", "Part A"), ("ch1-2", "Part B")]
    order = [out.index(s) for s in ('<h1 id="ch1">', "<em>text</em>", '<h2 id="ch1-1">',
                                    "Body A.", '<h2 id="ch1-2">', "<h3>raw</h3>")]
    assert order == sorted(order)


def test_a_later_cell_title_is_not_taken_as_the_chapter_title():
    ch = Chapter(notebook="01-x", title="Kept", anchor="ch1")
    out = _markdown("# Not a chapter title", ch, first=False)
    assert ch.title == "Kept" and "<h1>Not a chapter title</h1>" in out


def test_methods_appendix_renders_subscripts_not_tags():
    from assessment.report import methods_appendix

    html = methods_appendix()
    assert "e<sub>i</sub>" in html and "&lt;sub&gt;" not in html
