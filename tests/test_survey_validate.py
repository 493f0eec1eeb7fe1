"""Survey validation on a corpus of bad exports, one per problem, each asserting the exact Problem.

Every fixture under tests/fixtures/surveys/bad/ was written by hand; the expected file row,
column, value and rule below are read off the fixture (header = row 1).
"""

from __future__ import annotations

from datetime import datetime

import pytest
from openpyxl import Workbook

from assessment.errors import InputError, Problem
from assessment.survey.validate import check_file


@pytest.fixture
def bad(fixtures):
    return fixtures / "surveys" / "bad"


def _problems(checked):
    return [(p.row, p.column, p.value, p.rule) for p in checked.problems]


def test_unknown_county(bad, region):
    f = bad / "unknown_county.csv"
    checked = check_file("employer", f, region)
    # Row 3 says Sacramento; row 4 gives Tulare by its FIPS code (06107), which is fine.
    assert checked.problems == [
        Problem(str(f), 3, "county", "Sacramento",
                "unknown county: not one of the region's counties")
    ]
    assert checked.rows[2].answers["county"] == "06107"


def test_invalid_naics(bad, region):
    f = bad / "invalid_naics.csv"
    checked = check_file("employer", f, region)
    # 319000 is not in 2022 NAICS; 541330 (Engineering Services) is, but not in 31-33.
    assert _problems(checked) == [
        (3, "naics", "319000", "not a 2022 NAICS code"),
        (4, "naics", "541330", "NAICS code outside the survey's industry (31-33)"),
    ]


def test_invalid_soc(bad, region):
    f = bad / "invalid_soc.csv"
    checked = check_file("employer", f, region)
    # 51-4040 is a broad group, not a detailed occupation; O*NET's 51-4041.00 is Machinists.
    assert _problems(checked) == [
        (3, "occ1_soc", "51-4040", "not a 2018 SOC detailed occupation code")]
    assert checked.rows[0].answers["occ1_soc"] == "51-4041"


def test_out_of_range_numbers(bad, region):
    f = bad / "out_of_range.csv"
    checked = check_file("employer", f, region)
    # Codebook ranges: total_employment 1-50000, wages 7.25-200 an hour, counts whole.
    assert _problems(checked) == [
        (3, "total_employment", "60000", "out of range: 1 to 50000"),
        (4, "occ1_headcount", "12.5", "not a whole number"),
        (5, "occ1_wage_start", "450", "out of range: 7.25 to 200"),
    ]
    # "1,200" and "$19.50" are read as 1200 and 19.5.
    assert checked.rows[0].answers["total_employment"] == 1200
    assert checked.rows[0].answers["occ1_wage_start"] == 19.5


def test_vacancies_larger_than_headcount(bad, region):
    f = bad / "vacancies_gt_headcount.csv"
    checked = check_file("employer", f, region)
    # Row 2: 10 vacancies for 10 held jobs is allowed; row 3: 12 for 10 is not.
    assert checked.problems == [
        Problem(str(f), 3, "occ2_vacancies", 12, "must not exceed occ2_headcount (10)")
    ]


def test_duplicate_responses(bad, region):
    f = bad / "duplicate_response.csv"
    checked = check_file("employer", f, region)
    # Row 4 repeats row 2's response id; row 5 names row 3's establishment (Beta Metal, Kern)
    # with other answers; row 6 repeats row 3's answers under a new response id.
    assert _problems(checked) == [
        (4, "ResponseId", None, "duplicate response: same response id as row 2"),
        (5, None, None, "duplicate response: same establishment as row 3"),
        (6, None, None, "duplicate response: same answers as row 3"),
    ]


def test_missing_required_column(bad, region):
    f = bad / "missing_required_column.csv"
    checked = check_file("employer", f, region)
    assert checked.file_problems == [
        Problem(str(f), 1, "naics", None, "required variable missing from the header")
    ]
    assert checked.problems == checked.file_problems  # rows are not blamed for the header


def test_unmapped_column_with_column_map(bad, region):
    f = bad / "unmapped_column.csv"
    checked = check_file("employer", f, region, bad / "unmapped_column.map.yml")
    # "Internal note" is listed under ignore:; "Plant size band" is not mapped.
    assert checked.problems == [
        Problem(str(f), 1, "Plant size band", None,
                "unmapped column: not in the codebook or the column map")
    ]
    # Their labels are translated through the map: "Fresno Co." -> 06019, "Union shop" -> all.
    first, second = checked.rows
    assert first.answers["county"] == "06019" and first.answers["union_status"] == "all"
    assert second.answers["union_status"] == "none"
    assert first.submitted.isoformat() == "2026-03-02"


def test_unknown_column_without_map(bad, region, tmp_path):
    f = tmp_path / "extra.csv"
    f.write_text("county,naics,total_employment,union_status,Favourite colour\n"
                 "Fresno,311421,12,No,blue\n", encoding="utf-8")
    checked = check_file("employer", f, region)
    assert [(p.row, p.column, p.rule) for p in checked.problems] == [
        (1, "Favourite colour", "unknown column: not in the codebook (map it with --map, or list"
                                " it under ignore: in a column map)")
    ]


def test_windows_1252_encoding(bad, region):
    f = bad / "windows_1252.csv"
    checked = check_file("employer", f, region)
    assert checked.raw.encoding == "cp1252"
    # The NAICS question's header holds a typographic apostrophe (byte 0x92): read right, it
    # matches the codebook, so the only problem is the county in row 3.
    assert checked.problems == [
        Problem(str(f), 3, "In which county is this establishment located?", "Sacramento",
                "unknown county: not one of the region's counties")
    ]
    assert checked.rows[0].answers["naics"] == "311421"
    assert checked.rows[0].answers["establishment_name"] == "Ni\u00f1o\u2019s Tortiller\u00eda"


def test_utf8_byte_order_mark(bad, region):
    f = bad / "bom.csv"
    checked = check_file("employer", f, region)
    assert checked.raw.encoding == "utf-8-sig"
    # The first header is ResponseId (not "\ufeffResponseId"): duplicates are found by it.
    assert checked.problems == [
        Problem(str(f), 3, "ResponseId", None, "duplicate response: same response id as row 2")
    ]


def test_qualtrics_extra_header_rows(bad, region):
    f = bad / "extra_header_rows.csv"
    checked = check_file("employer", f, region)
    # Rows 1-3 are export tags, question text and import ids. The first response's comment
    # spans lines 4-5, so the second response starts on line 6.
    assert checked.layout.header_rows == 3
    assert [r.row for r in checked.rows] == [4, 6, 7]
    assert checked.problems == [Problem(str(f), 6, "total_employment", "lots", "not a number")]
    first = checked.rows[0].answers
    assert first["benefits"] == {"health", "retirement", "other"}
    assert first["benefits_other_text"] is True and first["comments"] is True


def test_multi_select_in_one_column(bad, region):
    f = bad / "multi_select.csv"
    checked = check_file("union", f, region)
    q = "In which manufacturing industries do your members work?"
    assert checked.problems == [Problem(str(f), 4, q, "Bakery", "not one of the allowed answers")]
    first, second, _ = checked.rows
    # Comma-separated, one label itself holding commas (Electrical equipment, appliances and
    # components = 335); then Microsoft Forms' "a;b;" form.
    assert first.answers["counties"] == {"06019", "06029"}
    assert first.answers["industries"] == {"311", "335"}
    assert second.answers["counties"] == {"06107", "06031"}
    assert second.answers["industries"] == {"333", "332"}


def test_multi_select_one_column_per_option(bad, region):
    f = bad / "multi_select_columns.csv"
    checked = check_file("employer", f, region)
    assert checked.problems == [Problem(str(f), 5, "benefits_1", "maybe", "not a yes/no answer")]
    a, b, c, _ = (r.answers for r in checked.rows)
    # benefits_1 = health, _3 = family leave, _4 = retirement, _7 = other (recode numbers).
    assert a["benefits"] == {"health", "retirement", "other"}
    assert a["benefits_other_text"] is True
    assert b["benefits"] == {"health", "family_leave"}  # label exported instead of 1
    assert "benefits" not in c  # no option ticked: the question was not answered


def test_excel_export_with_dates(region, tmp_path):
    f = tmp_path / "employer.xlsx"
    wb = Workbook()
    ws = wb.active
    ws.append(["ResponseId", "RecordedDate", "county", "naics", "total_employment",
               "union_status"])
    ws.append(["R_x1", datetime(2026, 3, 2, 10, 0), "Fresno", 311421, 120, "No"])
    # Excel serial 45292 is 2024-01-01; +366 (2024) = 45658 = 2025-01-01; +365 = 46023 =
    # 2026-01-01; +31 (Jan) +28 (Feb) +2 = 46084 = 2026-03-03. Noon is .5.
    ws.append(["R_x2", 46084.5, "Kern", 332312, 45, "No"])
    ws.append(["R_x3", "last Tuesday", "Kings", 311511, 80.0, "No"])
    wb.save(f)
    checked = check_file("employer", f, region)
    assert checked.problems == [Problem(str(f), 4, "RecordedDate", "last Tuesday", "not a date")]
    assert [r.submitted.isoformat() for r in checked.rows[:2]] == ["2026-03-02", "2026-03-03"]
    # Excel stores 311421 as a number and 80.0 as a float: read as the code and a count.
    assert checked.rows[0].answers["naics"] == "311421"
    assert checked.rows[2].answers["total_employment"] == 80


def test_block_entry_needs_its_required_answers(region, tmp_path):
    f = tmp_path / "occ.csv"
    f.write_text("county,naics,total_employment,union_status,occ1_soc,occ1_headcount,occ2_vacancies\n"
                 "Fresno,311421,40,No,51-3092,,3\n", encoding="utf-8")
    checked = check_file("employer", f, region)
    # Entry 1 lacks its headcount; entry 2 has an answer but neither a SOC code nor a headcount
    # (the export has no column for them: the problem names the codebook variable).
    assert _problems(checked) == [(2, "occ1_headcount", None, "required answer missing"),
                                  (2, "occ2_soc", None, "required answer missing"),
                                  (2, "occ2_headcount", None, "required answer missing")]


def test_occupations_above_total_employment(region, tmp_path):
    f = tmp_path / "sum.csv"
    f.write_text("county,naics,total_employment,union_status,occ1_soc,occ1_headcount,occ2_soc,"
                 "occ2_headcount\nFresno,311421,40,No,51-3092,30,49-9041,15\n", encoding="utf-8")
    checked = check_file("employer", f, region)
    # 30 + 15 = 45 held jobs in an establishment of 40.
    assert _problems(checked) == [
        (2, "total_employment", 40, "less than the sum of occupations headcount (45)")
    ]


def test_column_map_for_another_survey_is_refused(bad, region):
    with pytest.raises(InputError, match="column map is for another survey, not union"):
        check_file("union", bad / "unmapped_column.csv", region, bad / "unmapped_column.map.yml")


def test_numeric_export_uses_recode_values(region, tmp_path):
    # Qualtrics "numeric values" export: choices as their recode numbers (codebook: union
    # status 3 = No; benefits 1 = health, 4 = retirement; gap 4 = Severe, 5 = Not applicable).
    f = tmp_path / "numeric.csv"
    f.write_text("county,naics,total_employment,union_status,benefits,skillgap_welding,"
                 "skillgap_math\n06019,311421,30,3,\"1,4\",4,5\n", encoding="utf-8")
    checked = check_file("employer", f, region)
    assert checked.problems == []
    a = checked.rows[0].answers
    assert (a["union_status"], a["benefits"], a["skillgap_welding"], a["skillgap_math"]) == (
        "none", {"health", "retirement"}, 4, None)


def test_few_identical_answers_are_not_a_duplicate(region, tmp_path):
    # Two small plants can give the same four required answers: with distinct response ids and
    # fewer than five answers each, both stand.
    f = tmp_path / "twins.csv"
    f.write_text("ResponseId,county,naics,total_employment,union_status\n"
                 "R_t1,Fresno,311421,8,No\nR_t2,Fresno,311421,8,No\n", encoding="utf-8")
    assert check_file("employer", f, region).problems == []
