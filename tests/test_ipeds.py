"""NCES IPEDS HD (institutions) and C_A (completions): hand-made fixtures in NCES's layouts
(tests/fixtures/ipeds), zips built here with and without a revised ``_rv`` file, the real
HD2023 file and the real C2023_A values (../shared/realdata, PROVENANCE.md), remote files and
mocked downloads."""

from __future__ import annotations

import io
import zipfile

import pandas as pd
import pytest
import responses
from typer.testing import CliRunner

from assessment import download
from assessment.cli import app
from assessment.errors import DownloadError, InputError
from assessment.sources import ipeds


@pytest.fixture
def idir(fixtures):
    return fixtures / "ipeds"


def zipped(path, members: dict[str, bytes]):
    path.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    return path


# --- HD -----------------------------------------------------------------------------------------


def test_hd_tidy_columns_bom_and_county_leading_zero(idir):
    hd = ipeds.read(idir / "hd2022.csv")
    assert list(hd.columns) == ipeds.HD_COLUMNS
    fcc = hd.set_index("unitid").loc[114789]
    assert fcc["name"] == "Fresno City College"
    assert fcc["county_fips"] == "06019"  # COUNTYCD 6019 in the file
    assert (fcc["sector"], fcc["level"]) == (4, 2)
    assert fcc["latitude"] == pytest.approx(36.768164)
    assert hd.set_index("unitid").at[100654, "county_fips"] == "01089"


def test_hd_region_selects_by_county_not_sector(idir, region):
    hd = ipeds.read(idir / "hd2022.csv", region=region)
    # Bakersfield College is SECTOR 1 (public 4-year) and still a Kern County institution;
    # the district office (SECTOR 0) is listed too; Berkeley and Alabama are not in the region.
    assert sorted(hd["unitid"]) == [109819, 114789, 123925]
    assert hd.set_index("unitid").at[109819, "sector"] == 1


def test_hd_bad_county_code_names_row_and_column(tmp_path, idir):
    text = (idir / "hd2022.csv").read_text(encoding="utf-8-sig").replace(",6019,", ",60X9,", 1)
    path = tmp_path / "hd.csv"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(InputError, match=r"row 2, column 'COUNTYCD'.*not a county FIPS"):
        ipeds.read(path)


# --- C_A ----------------------------------------------------------------------------------------


def test_completions_tidy_columns_and_values(idir):
    c = ipeds.read(idir / "c2022_a.csv")
    assert list(c.columns) == ipeds.C_COLUMNS
    row = c[(c.unitid == 114789) & (c.cip == "48.0508") & (c.award_level == 21)].iloc[0]
    assert row.completions == 26
    assert row.award_title == "Certificate of at least 12 weeks but less than 1 year"
    assert row.majornum == 1 and row.flag == "R"


def test_subtotal_rows_are_not_summed_with_six_digit_rows(idir):
    c = ipeds.read(idir / "c2022_a.csv")
    assert c["cip"].str.fullmatch(r"\d{2}\.\d{4}").all()
    fcc = c[(c.unitid == 114789) & (c.majornum == 1)]
    # Hand count of the fixture's six-digit first-major rows: 5 + 4 + 8 + 26 = 43, which is
    # what its 99 grand-total rows say (4 + 13 + 26); with subtotals added it would be 129.
    assert fcc["completions"].sum() == 43
    subs = ipeds.subtotals(idir / "c2022_a.csv")
    total = subs[(subs.unitid == 114789) & (subs.cip == "99") & (subs.majornum == 1)]
    assert total["completions"].sum() == 43
    assert sorted(subs["cip"].unique()) == ["01", "15", "47", "48", "99"]


def test_second_majors_are_kept_apart(idir):
    c = ipeds.read(idir / "c2022_a.csv")
    second = c[c.majornum == ipeds.SECOND_MAJOR]
    assert second[["unitid", "cip", "award_level", "completions"]].values.tolist() == [
        [114789, "48.0508", 3, 2]]


def test_cip_that_lost_its_leading_zero(idir):
    c = ipeds.read(idir / "c2022_a.csv")
    assert "01.0101" in set(c[c.unitid == 114789].cip)
    assert ipeds.cip_code("1.0101") == "01.0101"
    assert ipeds.cip_code("1") == "01"
    assert ipeds.cip_code("99") == "99"


def test_imputation_flag_kept_beside_its_count(idir):
    c = ipeds.read(idir / "c2022_a.csv")
    row = c[(c.unitid == 114789) & (c.cip == "47.0303")].iloc[0]
    assert (row.flag, row.completions) == ("N", 4)
    assert ipeds.IMPUTATION_FLAGS["N"] == "imputed_nearest_neighbor"


def test_unknown_award_level_and_bad_cip_are_refused(tmp_path, idir):
    lines = (idir / "c2022_a.csv").read_text(encoding="utf-8-sig").splitlines()
    lines[1] = lines[1].replace("100654,01.0999,1,5,", "100654,01.0999,1,42,")
    lines[2] = lines[2].replace("100654,01,", "100654,1.01A,")
    path = tmp_path / "c.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(InputError) as err:
        ipeds.read(path)
    assert "row 3, column 'CIPCODE'" in str(err.value)
    lines[2] = lines[2].replace("1.01A", "01")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"row 2, column 'AWLEVEL'.*not an IPEDS award level"):
        ipeds.read(path)


def test_zip_with_original_and_revised_reads_the_revised(tmp_path, idir):
    original = (idir / "c2022_a.csv").read_bytes()
    revised = original.replace(b"114789,48.0508,1,21,R,26,", b"114789,48.0508,1,21,R,27,")
    path = zipped(tmp_path / "C2022_A.zip", {"c2022_a.csv": original,
                                               "c2022_a_rv.csv": revised})
    c = ipeds.read(path)
    assert c[(c.unitid == 114789) & (c.cip == "48.0508") & (c.award_level == 21)
             ].completions.item() == 27
    single = zipped(tmp_path / "HD2022.zip", {"hd2022.csv": (idir / "hd2022.csv").read_bytes()})
    assert len(ipeds.read(single)) == 5


def test_zip_without_a_csv_or_with_two_unrevised_is_refused(tmp_path):
    with pytest.raises(InputError, match="holds no CSV"):
        ipeds.read(zipped(tmp_path / "a.zip", {"readme.txt": b"x"}))
    with pytest.raises(InputError, match="several CSV"):
        ipeds.read(zipped(tmp_path / "b.zip", {"a.csv": b"UNITID\n1\n", "b.csv": b"UNITID\n1\n"}))


def test_other_layout_is_refused(tmp_path):
    path = tmp_path / "x.csv"
    path.write_text("UNITID,EFYTOTLT\n114789,100\n")
    with pytest.raises(InputError, match="not an IPEDS HD or C_A layout"):
        ipeds.read(path)


# --- files, downloads, processing ---------------------------------------------------------------


def test_remote_files(region, dirs):
    files = ipeds.remote_files(region, dirs)
    urls = [rf.url for rf in files]
    assert "https://nces.ed.gov/ipeds/datacenter/data/HD2023.zip" in urls
    assert "https://nces.ed.gov/ipeds/datacenter/data/C2023_A.zip" in urls
    assert len(files) == 2 * len(ipeds.COLLECTION_YEARS)
    assert all(rf.kind == "zip" and rf.dest.parent == dirs.raw / "nces" / "ipeds"
               for rf in files)


def _zip_bytes(name: str, data: bytes) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr(name, data)
    return buf.getvalue()


@responses.activate
def test_download_of_the_zip(region, dirs, idir, fast_http):
    rf = next(f for f in ipeds.remote_files(region, dirs) if f.dest.name == "C2023_A.zip")
    body = _zip_bytes("c2023_a.csv", (idir / "c2022_a.csv").read_bytes())
    responses.get(rf.url, status=503)
    responses.get(rf.url, body=body, content_type="application/x-zip-compressed")
    download.fetch([rf])
    assert rf.dest.read_bytes() == body
    assert download.read_manifest(rf.dest.parent)["C2023_A.zip"]["url"] == rf.url


@responses.activate
def test_download_of_an_html_page_is_refused(region, dirs, fast_http):
    rf = ipeds.remote_files(region, dirs)[0]
    responses.get(rf.url, body=b"<!DOCTYPE html><html><body>Page not found</body></html>",
                  content_type="text/html")
    with pytest.raises(DownloadError, match="HTML page"):
        download.fetch([rf])
    assert not rf.dest.exists()


@responses.activate
def test_download_of_a_zip_with_a_bad_file_is_refused(region, dirs, fast_http):
    rf = ipeds.remote_files(region, dirs)[1]
    responses.get(rf.url, body=_zip_bytes("c.csv", b"UNITID,CIPCODE\n1,2\n"))
    with pytest.raises(DownloadError, match="not a valid"):
        download.fetch([rf])
    assert not rf.dest.exists()


def test_process_keeps_the_regions_institutions(region, dirs, idir):
    for year in ipeds.COLLECTION_YEARS:
        zipped(ipeds.hd_path(dirs, year), {f"hd{year}.csv": (idir / "hd2022.csv").read_bytes()})
        zipped(ipeds.c_path(dirs, year), {f"c{year}_a.csv": (idir / "c2022_a.csv").read_bytes()})
    out = ipeds.process(region, dirs)
    inst, comp = out["ipeds_institutions"], out["ipeds_completions"]
    assert sorted(inst[inst.year == 2023].unitid) == [109819, 114789, 123925]
    assert 100654 not in set(comp.unitid)
    fcc = comp[(comp.year == 2022) & (comp.unitid == 114789)]
    assert set(fcc.county_fips) == {"06019"}
    assert "flag" not in comp.columns
    assert fcc.set_index("cip").loc["47.0303", "imputation_flag"] == "imputed_nearest_neighbor"


# --- real files ---------------------------------------------------------------------------------


def test_real_hd2023(realdata, region):
    path = realdata / "ipeds" / "hd2023.csv"
    hd = ipeds.read(path)
    assert len(hd) == 6163
    ours = ipeds.read(path, region=region)
    assert len(ours) == 70  # PROVENANCE.md: 70 institutions in the eight counties
    by_id = ours.set_index("unitid")
    assert by_id.at[114789, "name"] == "Fresno City College"
    assert by_id.at[114789, "county_fips"] == "06019"
    assert by_id.at[122658, "name"] == "San Joaquin Delta College"
    assert by_id.at[118718, "name"] == "Merced College"
    assert by_id.at[109819, "sector"] == 1  # Bakersfield College, kept although SECTOR 1


def test_real_hd2023_through_the_cli(realdata, tmp_path):
    out = tmp_path / "hd.csv"
    result = CliRunner().invoke(app, ["read", "ipeds", str(realdata / "ipeds" / "hd2023.csv"),
                                      "-o", str(out), "--region",
                                      "config/regions/san-joaquin-valley.yml"])
    assert result.exit_code == 0, result.output
    table = pd.read_csv(out, dtype={"county_fips": str})
    assert len(table) == 70
    assert table.set_index("unitid").at[114789, "county_fips"] == "06019"


def test_real_c2023_values_in_nces_layout(realdata, tmp_path):
    """The processed copy holds NCES's values but not its layout: write the region's rows back
    in NCES's C_A layout (flags R, as NCES marks reported counts), read them, and check the
    published value and that the six-digit rows add up to the grand totals."""
    p = pd.read_parquet(realdata / "ipeds" / "c2023_a.processed.parquet")
    p = p[p.UNITID.isin([114789, 122658, 118718])]
    lines = ["UNITID,CIPCODE,MAJORNUM,AWLEVEL,XCTOTALT,CTOTALT,XCTOTALM,CTOTALM,XCTOTALW,"
             "CTOTALW"]
    lines += [f"{r.UNITID},{r.CIPCODE},{r.MAJORNUM},{r.AWLEVEL},R,{r.CTOTALT},R,{r.CTOTALM},"
              f"R,{r.CTOTALW}" for r in p.itertuples()]
    path = tmp_path / "c2023_a.csv"
    path.write_bytes(("\ufeff" + "\r\n".join(lines) + "\r\n").encode())
    c = ipeds.read(path)
    weld = c[(c.unitid == 114789) & (c.cip == "48.0508") & (c.award_level == 21)]
    assert weld.completions.item() == 26  # PROVENANCE.md
    subs = ipeds.subtotals(path)
    grand = subs[subs.cip == "99"].groupby(["unitid", "award_level"]).completions.sum()
    six = c.groupby(["unitid", "award_level"]).completions.sum()
    pd.testing.assert_series_equal(six.reindex(grand.index), grand, check_names=False)
