"""CCC DataMart Program Awards: the export layout (tests/fixtures/ccc, hand-made), the real
export (../shared/realdata, PROVENANCE.md values), the college table, the manual-file plan."""

from __future__ import annotations

import pandas as pd
import pytest
import responses
from typer.testing import CliRunner

from assessment import download
from assessment.cli import app
from assessment.errors import InputError, MissingDataError
from assessment.region import State
from assessment.sources import ccc_awards


@pytest.fixture
def export(fixtures):
    return fixtures / "ccc" / "program_awards.csv"


def test_tidy_columns_and_values(export):
    df = ccc_awards.read(export)
    assert list(df.columns) == ccc_awards.COLUMNS
    weld = df[(df.college == "Fresno City") & (df.top_code == "095650")].set_index(
        "academic_year")
    assert weld["awards"].to_dict() == {"2021-2022": 45, "2022-2023": 34, "2023-2024": 69}
    assert weld["program_title"].unique().tolist() == ["Welding Technology"]
    assert len(df) == 7 * 3  # every row x every year, none dropped


def test_thousands_separators_commas_and_hyphens_in_titles(export):
    df = ccc_awards.read(export)
    lib = df[(df.college == "Bakersfield") & (df.academic_year == "2021-2022")].iloc[0]
    assert (lib.program_title, lib.top_code, lib.awards) == (
        "Liberal Arts and Sciences, General", "490100", 2361)
    emt = df[df.college == "Modesto"].iloc[0]
    assert (emt.program_title, emt.top_code) == ("Electro-Mechanical Technology", "093500")


def test_empty_cell_is_missing_not_zero(export):
    df = ccc_awards.read(export)
    cell = df[(df.college == "West Hills Lemoore") & (df.academic_year == "2022-2023")]
    assert cell["awards"].isna().all()


def test_region_keeps_its_counties_colleges(export, region):
    df = ccc_awards.read(export, region=region)
    # Alameda is in the Bay Area; Columbia College sits in Tuolumne County (06109).
    assert sorted(df.college.unique()) == ["Bakersfield", "Fresno City", "Modesto",
                                           "West Hills Lemoore"]


def test_bad_major_and_bad_count_name_row_and_column(tmp_path, export):
    text = export.read_text().replace("Accounting-050200", "Accounting 050200").replace(
        ",0,2,3", ",0,two,3")
    path = tmp_path / "p.csv"
    path.write_text(text)
    with pytest.raises(InputError) as err:
        ccc_awards.read(path)
    msg = str(err.value)
    assert "row 2, column 'Major'" in msg and "TOP" in msg
    assert "row 7, column '2022-2023': not a count of awards (value 'two')" in msg


def test_other_columns_are_refused(tmp_path):
    path = tmp_path / "p.csv"
    path.write_text("College,Major,Total\nFresno City ,Welding Technology-095650,3\n")
    with pytest.raises(InputError, match="academic year"):
        ccc_awards.read(path)


def test_college_table_covers_the_valley():
    t = ccc_awards.colleges()
    assert t["college"].is_unique
    by = t.set_index("college")
    assert by.at["Fresno City", "unitid"] == 114789  # PROVENANCE.md (IPEDS)
    assert by.at["San Joaquin Delta", "unitid"] == 122658
    assert by.at["Merced", "unitid"] == 118718
    assert by.at["Bakersfield", "county_fips"] == "06029"
    assert by.at["Columbia", "county_fips"] == "06109"  # Tuolumne: outside the eight


def test_applies_to_california_only(region):
    assert ccc_awards.applies(region)
    other = region.model_copy(update={"state": State(fips="39", abbr="OH", name="Ohio")})
    assert not ccc_awards.applies(other)
    assert ccc_awards.remote_files(other, None) == []


# --- a manual file -------------------------------------------------------------------------------


def test_remote_file_is_manual_with_the_datamart_page(region, dirs):
    (rf,) = ccc_awards.remote_files(region, dirs)
    assert rf.url == "https://datamart.cccco.edu/Outcomes/Program_Awards.aspx"
    assert rf.manual and "Program Type: TOP code" in rf.manual
    assert rf.dest == dirs.raw / "cccco" / "datamart" / "program_awards.csv"
    assert download.plan([rf])[0].status == "manual"


@responses.activate
def test_fetch_never_requests_a_manual_file(region, dirs, fast_http):
    """Online it is one failure of the batch summary; offline (processing) a missing file."""
    (rf,) = ccc_awards.remote_files(region, dirs)
    with pytest.raises(download.FetchFailed) as err:
        download.fetch([rf])
    assert len(responses.calls) == 0
    assert "datamart.cccco.edu" in str(err.value) and "export by hand" in str(err.value)
    with pytest.raises(MissingDataError) as err:
        download.fetch([rf], offline=True)
    assert "export by hand" in str(err.value)


def test_a_new_export_is_recorded_not_fetched(region, dirs, export):
    (rf,) = ccc_awards.remote_files(region, dirs)
    rf.dest.parent.mkdir(parents=True)
    rf.dest.write_bytes(export.read_bytes())
    download.fetch([rf])
    first = download.read_manifest(rf.dest.parent)[rf.dest.name]
    assert first["origin"] == "placed by hand"
    rf.dest.write_bytes(export.read_bytes() + b"Taft ,Welding Technology-095650,1,2,3\n")
    assert download.plan([rf])[0].status == "stale"
    download.fetch([rf])  # no network: the new export is recorded as placed by hand
    again = download.read_manifest(rf.dest.parent)[rf.dest.name]
    assert again["sha256"] != first["sha256"]


def test_data_plan_lists_it_as_manual(tmp_path, monkeypatch):
    result = CliRunner().invoke(app, ["data", "--dry-run", "--source", "ccc_awards"])
    assert result.exit_code == 0, result.output
    assert "https://datamart.cccco.edu/Outcomes/Program_Awards.aspx" in result.output
    assert "export by hand:" in result.output
    assert result.output.count("manual") >= 1


def test_process_joins_unitid_and_county(region, dirs, export):
    rf = ccc_awards.remote_files(region, dirs)[0]
    rf.dest.parent.mkdir(parents=True)
    rf.dest.write_bytes(export.read_bytes())
    out = ccc_awards.process(region, dirs)["ccc_awards"]
    fcc = out[out.college == "Fresno City"]
    assert set(fcc.unitid) == {114789} and set(fcc.county_fips) == {"06019"}
    assert "Columbia" not in set(out.college)


# --- the real export ----------------------------------------------------------------------------


def test_real_export(realdata, region):
    path = realdata / "ccc" / "majors.csv"
    df = ccc_awards.read(path)
    assert len(df) == 10_202 * 10  # PROVENANCE.md: 10,202 rows, ten academic years each
    weld = df[(df.college == "Fresno City") & (df.top_code == "095650")].set_index(
        "academic_year")["awards"]
    assert weld["2022-2023"] == 34 and weld["2023-2024"] == 69  # PROVENANCE.md
    # every DataMart college of the eight counties is in the maintained table
    valley = {"Bakersfield", "Cerro Coso", "Clovis", "Fresno City", "Madera", "Merced",
              "Modesto", "Porterville", "Reedley College", "San Joaquin Delta", "Sequoias",
              "Taft", "West Hills Coalinga", "West Hills Lemoore"}
    assert set(ccc_awards.read(path, region=region).college.unique()) == valley


def test_real_export_through_the_cli(realdata, tmp_path):
    out = tmp_path / "awards.csv"
    result = CliRunner().invoke(app, ["read", "ccc_awards", str(realdata / "ccc" / "majors.csv"),
                                      "-o", str(out)])
    assert result.exit_code == 0, result.output
    t = pd.read_csv(out, dtype={"top_code": str})
    row = t[(t.college == "Fresno City") & (t.top_code == "095650")
            & (t.academic_year == "2023-2024")]
    assert row.awards.item() == 69


def test_college_table_agrees_with_ipeds_hd2023(realdata, region):
    """The maintained table's unitids and counties are those NCES publishes (HD2023)."""
    from assessment.sources import ipeds

    hd = ipeds.read(realdata / "ipeds" / "hd2023.csv").set_index("unitid")
    t = ccc_awards.colleges().set_index("unitid")
    assert t.index.isin(hd.index).all()
    assert (hd.loc[t.index, "county_fips"] == t["county_fips"]).all()
    assert (hd.loc[t.index, "name"] == t["institution"]).all()
