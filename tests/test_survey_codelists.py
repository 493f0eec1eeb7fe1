"""The shipped code lists against published sizes and against real agency files."""

from __future__ import annotations

from collections import Counter

import pandas as pd
import pytest

from assessment.survey.codebook import (
    SURVEYS,
    load_codebook,
    naics_codes,
    naics_in_scope,
    soc_codes,
)


def test_naics_2022_has_its_published_size():
    levels = Counter(len(c.split("-")[0]) for c in naics_codes())
    # 2022 NAICS: 20 sectors (31-33, 44-45, 48-49 written as ranges), 96 subsectors,
    # 1,012 national industries (Census Bureau, 2022 NAICS Manual).
    assert levels[2] == 20 and levels[3] == 96 and levels[6] == 1012
    assert naics_codes()["31-33"] == "Manufacturing"
    assert naics_codes()["311421"] == "Fruit and Vegetable Canning"
    # 2022 merged 336111 and 336112 into 336110: the list is 2022, not 2017.
    assert "336110" in naics_codes() and "336111" not in naics_codes()


def test_soc_2018_has_867_detailed_occupations():
    socs = soc_codes()
    assert len(socs) == 867  # 2018 SOC User Guide
    assert socs["51-4041"] == "Machinists"
    assert socs["49-9041"] == "Industrial Machinery Mechanics"


def test_scope_is_manufacturing(region):
    scope = naics_in_scope(region)
    assert {c[:2] for c in scope} == {"31", "32", "33"}
    assert min(len(c) for c in scope) == 3


@pytest.mark.parametrize("survey", SURVEYS)
def test_codebooks_load(survey):
    cb = load_codebook(survey)
    assert cb.survey == survey
    assert all(v.output is None for v in cb.variables if v.type == "contact")


@pytest.mark.realdata
def test_soc_list_matches_onet_and_the_crosswalk(realdata):
    # O*NET's 1,016 occupations are 2018 SOC codes with a two-digit suffix: their SOC parts
    # are exactly the 867 detailed occupations.
    onet = pd.read_excel(realdata / "crosswalks" / "onet_Occupation_Data.xlsx", dtype=str)
    assert len(onet) == 1016
    assert set(onet["O*NET-SOC Code"].str[:7]) == set(soc_codes())
    assert "51-4041.00" in set(onet["O*NET-SOC Code"])


@pytest.mark.realdata
def test_manufacturing_subsectors_match_qcew_titles(realdata):
    titles = pd.read_csv(realdata / "qcew" / "lookups" / "industry_titles.csv", dtype=str)
    qcew = set(titles.industry_code[titles.industry_code.str.fullmatch(r"3[1-3]\d")])
    ours = {c for c in naics_codes() if len(c) == 3 and c[:2] in ("31", "32", "33")}
    assert ours == qcew and len(ours) == 21
