"""Cross-references name the table numbers the report prints."""

from __future__ import annotations

from assessment import citations
from assessment.report import Chapter


def _chapter(notebook: str, captions: list[str], body_extra: str = "") -> Chapter:
    ch = Chapter(notebook=notebook, title=notebook, anchor=notebook)
    for c in captions:
        ch.body.append(f'<figure class="table"><figcaption>{c}</figcaption><table></table>'
                       "</figure>")
        ch.table_meta.append({"caption": c.replace("&#x27;", "'")})
    if body_extra:
        ch.body.append(body_extra)
    return ch


def test_references_take_the_number_the_stylesheet_gives_the_table():
    # chapter 1 has two tables (1, 2), chapter 2 one (3), chapter 3 cites them
    one = _chapter("01", ["Jobs by county", "Pay by county"])
    two = _chapter("02", ["Who holds the region&#x27;s jobs"])
    three = _chapter("03", [], "<td>Rests on: Chapter 2, table “Who holds the region&#x27;s "
                               "jobs”; Chapter 1, table “Pay by county”.</td>")
    three.lead = {"top": [{"rests_on": "Chapter 1, table “Pay by county”"}], "needs_total": 3}
    three.findings = ["See Chapter 1, table “Jobs by county”."]
    nums = citations.apply([one, two, three])
    assert nums == {(1, "Jobs by county"): 1, (1, "Pay by county"): 2,
                    (2, "Who holds the region's jobs"): 3}
    assert one.body[1].startswith('<figure class="table" id="table-2">')
    assert two.body[0].startswith('<figure class="table" id="table-3">')
    assert three.body[0] == ('<td>Rests on: <a href="#table-3">Table 3</a> (chapter 2, “Who '
                             'holds the region&#x27;s jobs”); <a href="#table-2">Table 2</a> '
                             '(chapter 1, “Pay by county”).</td>')
    assert three.lead == {"top": [{"rests_on": "Table 2 (chapter 1, “Pay by county”)"}],
                          "needs_total": 3}
    assert three.findings == ["See Table 1 (chapter 1, “Jobs by county”)."]


def test_a_reference_to_a_table_this_region_lacks_keeps_its_words():
    nums = citations.numbers([_chapter("01", ["Jobs by county"])])
    text = "Chapter 1, table “Pay by county”; Chapter 2, table “Jobs by county”"
    assert citations.cite(text, nums) == text
