"""ACS 5-year tables by census tract and LODES residence area characteristics (RAC).

The ACS body is a hand-made API response in the API's own form (``get=NAME,...&for=tract:*
&in=state:06+county:019``: header, then one record per tract with ``state``, ``county`` and
``tract`` echoed). The RAC fixture is the WAC fixture's blocks in the RAC layout (``h_geocode``
first, no firm age or size columns), so its category sums hold as LODES's do.
"""

from __future__ import annotations

import json

import pytest
import responses

from assessment import download
from assessment.errors import DownloadError, InputError
from assessment.sources import acs, lodes

B25044 = [
    ["NAME", "B25044_001E", "B25044_001M", "B25044_003E", "B25044_003M", "B25044_010E",
     "B25044_010M", "state", "county", "tract"],
    ["Census Tract 1; Fresno County; California", "1520", "88", "31", "19", "244", "70", "06",
     "019", "000100"],
    ["Census Tract 2; Fresno County; California", "980", "61", "0", "13", "57", "33", "06",
     "019", "000200"],
    ["Census Tract 9; Los Angeles County; California", "1400", "90", "12", "10", "90", "30",
     "06", "037", "000900"],
]


def _write(tmp_path, rows, name="tract_06019.json"):
    p = tmp_path / "B25044" / name
    p.parent.mkdir(parents=True, exist_ok=True)
    p.write_text("[" + ",\n".join(json.dumps(r) for r in rows) + "]")
    return p


def test_tract_response_is_read_as_tracts(tmp_path, region):
    t = acs.read(_write(tmp_path, B25044))
    assert set(t["geo_level"]) == {"tract"}
    assert sorted(t["geoid"].unique()) == ["06019000100", "06019000200", "06037000900"]
    row = t[(t["geoid"] == "06019000100") & (t["variable"] == "B25044_010")].iloc[0]
    assert (row["estimate"], row["moe"]) == (244, 70)
    kept = acs.read(_write(tmp_path, B25044), region)
    assert not kept["geoid"].str.startswith("06037").any()  # Los Angeles is not in the region
    assert kept["geoid"].nunique() == 2


def test_tract_files_one_per_county_and_table(region, dirs, monkeypatch):
    monkeypatch.setenv("CENSUS_API_KEY", "k")
    files = acs.tract_files(region, dirs)
    assert len(files) == len(acs.TRACT_TABLES) * len(region.county_fips)
    f = next(f for f in files if f.dest.name == "tract_06019.json"
             and f.dest.parent.name == "B25044")
    assert f.url == ("https://api.census.gov/data/2023/acs/acs5?get=NAME,group(B25044)"
                     "&for=tract:*&in=state:06+county:019")
    assert f.dest == dirs.raw / "census/acs/2023/acs5/B25044/tract_06019.json"
    # the vehicles table is read by tract only, with its variable list for labels
    names = {x.dest.relative_to(dirs.raw).as_posix() for x in acs.remote_files(region, dirs)}
    assert "census/acs/2023/acs5/groups/B25044.json" in names
    assert "census/acs/2023/acs5/B25044/county_06.json" not in names


@responses.activate
def test_tract_download_and_key_page(region, dirs, fast_http, monkeypatch):
    monkeypatch.setenv("CENSUS_API_KEY", "k")
    f = next(f for f in acs.tract_files(region, dirs) if f.dest.parent.name == "B25044")
    # the API answers for the county asked for; a body holding another county's tract is
    # not the file asked for and is refused, nothing saved
    mixed = "[" + ",\n".join(json.dumps(r) for r in B25044) + "]"
    responses.get(f.url.split("?")[0], body=mixed, content_type="application/json")
    with pytest.raises(download.FetchFailed, match="county in the file is not the 06019"):
        download.fetch([f])
    assert not f.dest.exists()
    responses.reset()
    body = "[" + ",\n".join(json.dumps(r) for r in B25044[:3]) + "]"
    responses.get(f.url.split("?")[0], body=body, content_type="application/json")
    download.fetch([f])
    assert acs.read(f.dest)["geoid"].nunique() == 2
    g = next(x for x in acs.tract_files(region, dirs) if x.dest.parent.name == "B23025")
    responses.get(g.url.split("?")[0], status=302,
                  headers={"Location": "https://api.census.gov/data/invalid_key.html"})
    responses.get("https://api.census.gov/data/invalid_key.html", body="<html>Invalid Key</html>",
                  content_type="text/html")
    with pytest.raises(DownloadError):
        download.fetch([g])
    assert not g.dest.exists()


def test_rac_file_read_and_summed_by_home_tract(fixtures, region):
    blocks = lodes.read(fixtures / "lodes" / "ca_rac_S000_JT00_2021.csv")
    assert blocks["year"].unique().tolist() == [2021]
    t = lodes.summarise(lodes.read(fixtures / "lodes" / "ca_rac_S000_JT00_2021.csv", region),
                        "tract").set_index("tract")
    # residents of 06019000100 hold 50 + 20 jobs, 30 + 0 of them in manufacturing
    assert t.at["06019000100", "all_jobs"] == 70
    assert t.at["06019000100", "manufacturing_jobs"] == 30
    assert "06037123400" not in t.index


def test_rac_layout_errors_are_named(fixtures, tmp_path):
    text = (fixtures / "lodes" / "ca_rac_S000_JT00_2021.csv").read_text()
    p = tmp_path / "ca_rac_S000_JT00_2021.csv"
    p.write_text(text.replace("060190001001000,50,", "060190001001000,51,", 1))
    with pytest.raises(InputError, match="categories do not sum to C000"):
        lodes.read(p)
    q = tmp_path / "x_rac.csv"
    q.write_text(text.replace(",CS02,", ",", 1))
    with pytest.raises(InputError, match="LODES RAC"):
        lodes.read(q)


def test_rac_remote_file(region, dirs):
    (rf,) = lodes.rac_files(region, dirs)
    assert rf.url == ("https://lehd.ces.census.gov/data/lodes/LODES8/ca/rac/"
                      "ca_rac_S000_JT00_2022.csv.gz")
    assert rf.dest == dirs.raw / "census/lodes/LODES8/ca/rac/ca_rac_S000_JT00_2022.csv.gz"
