"""Codes that mean something, named once.

Agencies' code lists are the source: QCEW ownership and aggregation-level titles
(``data.bls.gov/cew/doc/titles``), OEWS datatype codes (``oe.datatype``), FIPS.
"""

from __future__ import annotations

# NAICS
MANUFACTURING = "31-33"  # QCEW writes the sector as a range
MANUFACTURING_SUBSECTORS = (
    "311", "312", "313", "314", "315", "316", "321", "322", "323", "324",
    "325", "326", "327", "331", "332", "333", "334", "335", "336", "337", "339",
)  # fmt: skip
# NAICS 2022 3-digit manufacturing subsector titles (census.gov/naics), shortened where long.
SUBSECTOR_TITLES = {
    "311": "Food", "312": "Beverage and tobacco", "313": "Textile mills",
    "314": "Textile product mills", "315": "Apparel", "316": "Leather and allied",
    "321": "Wood products", "322": "Paper", "323": "Printing and related support",
    "324": "Petroleum and coal products", "325": "Chemical", "326": "Plastics and rubber",
    "327": "Nonmetallic mineral products", "331": "Primary metal",
    "332": "Fabricated metal products", "333": "Machinery",
    "334": "Computer and electronic products", "335": "Electrical equipment and appliances",
    "336": "Transportation equipment", "337": "Furniture and related",
    "339": "Miscellaneous manufacturing",
}  # fmt: skip
ALL_INDUSTRIES = "10"  # QCEW "Total, all industries"

# QCEW ownership codes
OWN_TOTAL = 0
OWN_FEDERAL = 1
OWN_STATE = 2
OWN_LOCAL = 3
OWN_PRIVATE = 5

# QCEW aggregation levels (county, private ownership)
AGGLVL_COUNTY_TOTAL = 70
AGGLVL_COUNTY_OWNERSHIP = 71
AGGLVL_COUNTY_SECTOR = 74
AGGLVL_COUNTY_SUBSECTOR = 75
AGGLVL_MSA_SECTOR = 44
AGGLVL_MSA_SUBSECTOR = 45
AGGLVL_STATE_SECTOR = 54
AGGLVL_STATE_SUBSECTOR = 55
AGGLVL_NATIONAL_SECTOR = 14
AGGLVL_NATIONAL_SUBSECTOR = 15

# QCEW area codes for the benchmarks
QCEW_US = "US000"
QCEW_CALIFORNIA = "06000"

# QCEW disclosure flag: "N" = not disclosable (values are published as zeros)
QCEW_SUPPRESSED = "N"
# "-": no data for the period (e.g. the last establishment closed); values are zeros, not data
QCEW_NOT_AVAILABLE = "-"

# States
CALIFORNIA_FIPS = "06"
