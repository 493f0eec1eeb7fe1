"""The 2020-2010 tract relationship file and the allocation of 2010-tract flags, scores and
counts onto 2020 tracts, against a hand-made relationship file and a hand calculation.
"""

from __future__ import annotations

import pandas as pd
import pytest

from assessment.errors import InputError
from assessment.metrics import tracts as alloc
from assessment.region import load_region
from assessment.sources import tract_relationship as rel_source

# --- tract relationship and allocation ---------------------------------------------------------


@pytest.fixture
def rel(fixtures):
    return rel_source.read(fixtures / "dac" / "tab20_tract20_tract10_natl.txt")


def test_relationship_shares(rel):
    r = rel.set_index(["tract_2020", "tract_2010"])
    # 2020 tract 1.01: 600 of its 1,000 m² of land from 2010 tract 1, 400 from tract 2
    assert r.at[("06019000101", "06019000100"), "share_of_2020"] == pytest.approx(0.6)
    assert r.at[("06019000101", "06019000200"), "share_of_2020"] == pytest.approx(0.4)
    # ... and those 400 m² are 400 / 2,000 of 2010 tract 2
    assert r.at[("06019000101", "06019000200"), "share_of_2010"] == pytest.approx(0.2)
    # a water-only tract is shared by water area
    assert r.at[("06029000100", "06029000100"), "share_of_2020"] == pytest.approx(1.0)


def test_relationship_region_filter(fixtures, region):
    r = rel_source.read(fixtures / "dac" / "tab20_tract20_tract10_natl.txt", region)
    assert not r["tract_2020"].str.startswith("01").any()
    assert len(r) == 9


def test_relationship_parts_must_add_up(fixtures, tmp_path):
    text = (fixtures / "dac" / "tab20_tract20_tract10_natl.txt").read_text()
    p = tmp_path / "rel.txt"
    p.write_text(text.replace("|G5020|S|600|0\n", "|G5020|S|650|0\n"))
    with pytest.raises(InputError, match="adds up to 1050, not the 1000 stated"):
        rel_source.read(p)


def test_relationship_comma_file_refused(tmp_path):
    p = tmp_path / "rel.txt"
    p.write_text("OID_TRACT_20,GEOID_TRACT_20\n1,06019000100\n")
    with pytest.raises(InputError, match="pipe-delimited"):
        rel_source.read(p)


def test_allocation_by_hand(rel):
    """Hand calculation for the fixture (land in m²):

    2010 flags: 000100 yes, 000200 no, 000300 yes, 000400 yes, 000500 no, 06029000100 no;
    000600 is not on the list.
    * 1.01 = 600 from 000100 + 400 from 000200: disadvantaged share 0.6 -> disadvantaged;
      score 0.6*80 + 0.4*30 = 60; population 1100*600/1100 + 4000*400/2000 = 600 + 800 = 1400.
    * 1.02 = all of its land from 000100: share 1 -> yes; population 1100*500/1100 = 500.
    * 2.01 = 1600 from 000200: share 0 -> no; population 4000*1600/2000 = 3200.
    * 4 = 500 from 000400 (yes, score 70) + 500 from 000500 (no, score 20): a tie, share 0.5,
      counted disadvantaged; score 45.
    * 6 = only 000600, not on the list: missing, not "no".
    """
    flags = pd.DataFrame({"tract": ["06019000100", "06019000200", "06019000300", "06019000400",
                                    "06019000500", "06029000100"],
                          "dac": [True, False, True, True, False, False],
                          "score": [80.0, 30.0, 55.0, 70.0, 20.0, None],
                          "pop": [1100.0, 4000.0, 800.0, None, None, 0.0]})
    f = alloc.allocate_flags(flags, rel, ["dac"]).set_index("tract_2020")
    assert f.at["06019000101", "dac_share"] == pytest.approx(0.6)
    assert bool(f.at["06019000101", "dac"])
    assert bool(f.at["06019000102", "dac"]) and f.at["06019000102", "dac_share"] == 1.0
    assert not bool(f.at["06019000201", "dac"])
    assert f.at["06019000400", "dac_share"] == pytest.approx(0.5)
    assert bool(f.at["06019000400", "dac"])
    assert pd.isna(f.at["06019000600", "dac"]) and f.at["06019000600", "dac_coverage"] == 0
    assert not bool(f.at["06029000100", "dac"])
    m = alloc.allocate_mean(flags, rel, ["score"]).set_index("tract_2020")["score"]
    assert m["06019000101"] == pytest.approx(60.0)
    assert m["06019000400"] == pytest.approx(45.0)
    assert pd.isna(m["06029000100"])
    c = alloc.allocate_counts(flags, rel, ["pop"]).set_index("tract_2020")["pop"]
    assert c["06019000101"] == pytest.approx(1400.0)
    assert c["06019000102"] == pytest.approx(500.0)
    assert c["06019000201"] == pytest.approx(3200.0)
    assert pd.isna(c["06019000600"])


def test_region_file_without_screening_gets_defaults(tmp_path):
    text = (load_region.__globals__["paths"].DEFAULT_REGION).read_text()
    p = tmp_path / "r.yml"
    p.write_text(text.split("\nscreening:")[0])
    assert load_region(p).screening.cejst_mirror == "wayback"
