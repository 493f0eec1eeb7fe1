"""CalEnviroScreen 4.0 results and the SB 535 (2022) list, in OEHHA's layouts (hand-made
fixtures in ``tests/fixtures/dac``, see ``make_workbooks.py``) and in the third-party screeners
file. Real data: SB 535 (2022) 2,310 tracts statewide, Fresno 124, Kern 77 (PROVENANCE.md).
"""

from __future__ import annotations

import pandas as pd
import pytest
from typer.testing import CliRunner

from assessment.cli import app
from assessment.errors import InputError
from assessment.sources import calenviroscreen as ces
from assessment.sources import cejst

# --- CalEnviroScreen / SB 535 ----------------------------------------------------------------


def test_ces_results_workbook(fixtures):
    t = ces.read(fixtures / "dac" / "ces4results.xlsx").set_index("tract")
    assert list(t.index) == ["06019000100", "06019000200", "06019000300", "06019000400",
                             "06029000100"]  # leading zero restored from the number
    assert (t["tract_vintage"] == 2010).all()
    assert t.at["06019000100", "ces_score"] == 80.0
    assert t.at["06019000300", "ces_percentile"] == 84.2
    assert pd.isna(t.at["06019000400", "ces_score"])  # no score: missing, not zero
    assert t["sb535_dac"].isna().all()  # the results file says nothing about SB 535
    assert t.at["06029000100", "county_fips"] == "06029"


def test_sb535_list_is_taken_as_published(fixtures):
    t = ces.read(fixtures / "dac" / "sb535_2022.xlsx").set_index("tract")
    assert t["sb535_dac"].all()
    # a tract without a score and one at the 47th percentile are designated all the same
    assert pd.isna(t.at["06019000400", "ces_percentile"])
    assert t.at["06029000100", "ces_percentile"] == 47.0
    assert t.at["06029000100", "sb535_category"] == "Designated in 2017, retained"


def test_zipped_downloads_read_like_the_workbooks(fixtures):
    a = ces.read(fixtures / "dac" / "ces4results.zip")
    b = ces.read(fixtures / "dac" / "ces4results.xlsx")
    pd.testing.assert_frame_equal(a.reset_index(drop=True), b.reset_index(drop=True))
    assert ces.read(fixtures / "dac" / "sb535_2022.zip")["sb535_dac"].sum() == 4


def test_combine_flags_every_scored_tract(fixtures, region):
    results = ces.read(fixtures / "dac" / "ces4results.xlsx", region)
    listed = ces.read(fixtures / "dac" / "sb535_2022.xlsx", region)
    t = ces.combine(results, listed).set_index("tract")
    assert t["sb535_dac"].to_dict() == {"06019000100": True, "06019000200": False,
                                        "06019000300": True, "06019000400": True,
                                        "06029000100": True}


def test_screeners_csv_ten_digit_ids(fixtures, region):
    t = ces.read(fixtures / "dac" / "combined_census_tracts_screeners.csv")
    assert t["tract"].tolist()[0] == "06019000100"
    assert t["sb535_dac"].tolist() == [True, False, True, False]
    assert len(ces.read(fixtures / "dac" / "combined_census_tracts_screeners.csv", region)) == 3


def test_ces_bad_cells_are_named(tmp_path):
    p = tmp_path / "screeners.csv"
    p.write_text("census_tract,calenviro,sb535\n6019000100,1,yes-ish\n60190,1,0\n")
    with pytest.raises(InputError) as err:
        ces.read(p)
    text = str(err.value)
    assert "row 2, column 'sb535'" in text and "yes/no" in text
    assert "row 3, column 'census_tract'" in text


def test_ces_wrong_layout_is_refused(tmp_path):
    p = tmp_path / "x.csv"
    p.write_text("tract,score\n06019000100,3\n")
    with pytest.raises(InputError, match="Census Tract"):
        ces.read(p)


def test_ces_applies_to_california_only(region):
    assert ces.applies(region)
    other = region.model_copy(update={"state": region.state.model_copy(
        update={"fips": "32", "abbr": "NV", "name": "Nevada"})})
    assert not ces.applies(other)
    assert cejst.applies(other)


def test_region_keeps_screening_vintages(region):
    assert region.screening.calenviroscreen == "4.0"
    assert region.screening.sb535 == 2022
    assert region.screening.cejst_mirror in cejst.MIRRORS


@pytest.mark.realdata
def test_real_sb535_counts(realdata):
    t = ces.read(realdata / "dac" / "combined_census_tracts_screeners.csv")
    dac = t[t["sb535_dac"]]
    assert len(dac) == 2310
    by_county = dac["county_fips"].value_counts()
    assert by_county["06019"] == 124
    assert by_county["06029"] == 77
    assert t["tract"].str.len().eq(11).all()


@pytest.mark.realdata
def test_real_read_command_counts_by_county(realdata, tmp_path):
    out = tmp_path / "sb535.csv"
    res = CliRunner().invoke(app, ["read", "calenviroscreen", str(
        realdata / "dac" / "combined_census_tracts_screeners.csv"), "-o", str(out),
        "--region", "config/regions/san-joaquin-valley.yml"])
    assert res.exit_code == 0, res.output
    t = pd.read_csv(out, dtype={"tract": str, "county_fips": str})
    counts = t[t["sb535_dac"]].groupby("county_fips").size()
    assert counts["06019"] == 124 and counts["06029"] == 77


