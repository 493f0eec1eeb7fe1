"""An excerpt of the real TOP-CIP crosswalk (WestEd / Centers of Excellence, June 2020) in its
workbook layout: the title cell above the header, codes stored as numbers (``956.5`` for TOP
0956.50, ``150614`` and ``15.0614`` for the CIP), the "Change or Addition" notes. The rows are
the crosswalk's own pairs for the TOP programs of the sample's DataMart export, including one
row whose second CIP column holds only the family (``46``), repeating a pair, as the real file
does. An excerpt of a public state crosswalk, not the whole file.
"""

from __future__ import annotations

from pathlib import Path

import xlsxwriter

from assessment import download
from assessment.paths import DataDirs
from assessment.region import Region
from assessment.sample.universe import Universe
from assessment.sources import top_cip

TITLE = "Prepared by WestEd and Reviewed by Centers of Excellence, June 2020"
HEADER = ["TOP Code", "TOP Code Title", "CIP Code", "CIP Code (2)", "CIP Title",
          "Change or Addition"]
ROWS = [
    (506.3, "Management Development and Supervision", 520204, 52.0204,
     "Office Management and Supervision.", None),
    (506.3, "Management Development and Supervision", 520205, 52.0205,
     "Operations Management and Supervision.", None),
    (934.2, "Industrial Electronics", 150612, 15.0612, "Industrial Technology/Technician.", None),
    (934.2, "Industrial Electronics", 470105, 47.0105,
     "Industrial Electronics Technology/Technician.", None),
    (945, "Industrial Systems Technology and Maintenance", 470303, 47.0303,
     "Industrial Mechanics and Maintenance Technology/Technician.", "New Title"),
    (952, "Construction Crafts Technology", 460415, 46.0415,
     "Building Construction Technology/Technician.", "New Title"),
    (952, "Construction Crafts Technology", 460415, 46, "Construction Trades.", None),
    (952, "Construction Crafts Technology", 522002, 52.2002, "Construction Project Management.",
     "New 2020 CIP code"),
    (952.2, "Electrical", 460302, 46.0302, "Electrician.", None),
    (952.2, "Electrical", 460303, 46.0303, "Lineworker.", None),
    (956, "Manufacturing and Industrial Technology", 150405, 15.0405,
     "Robotics Technology/Technician.", None),
    (956, "Manufacturing and Industrial Technology", 150407, 15.0407,
     "Mechatronics, Robotics and Automation Engineering Technology/Technician.",
     "New 2020 CIP code"),
    (956, "Manufacturing and Industrial Technology", 150611, 15.0611,
     "Metallurgical Technology/Technician.", None),
    (956, "Manufacturing and Industrial Technology", 150613, 15.0613,
     "Manufacturing Engineering Technology/Technician.", None),
    (956, "Manufacturing and Industrial Technology", 150803, 15.0803,
     "Automotive Engineering Technology/Technician.", None),
    (956, "Manufacturing and Industrial Technology", 150805, 15.0805,
     "Mechanical/Mechanical Engineering Technology/Technician.", "New Title"),
    (956, "Manufacturing and Industrial Technology", 151307, 15.1307,
     "3-D Modeling and Design Technology/Technician.", "New 2020 CIP code"),
    (956, "Manufacturing and Industrial Technology", 500404, 50.0404,
     "Industrial and Product Design.", None),
    (956.3, "Machining and Machine Tools", 480501, 48.0501, "Machine Tool Technology/Machinist.",
     None),
    (956.5, "Welding Technology", 150614, 15.0614, "Welding Engineering Technology/Technician.",
     None),
    (956.5, "Welding Technology", 480508, 48.0508, "Welding Technology/Welder.", None),
    (1306.3, "Culinary Arts", 120500, 12.05, "Cooking and Related Culinary Arts, General.", None),
    (1306.3, "Culinary Arts", 120501, 12.0501, "Baking and Pastry Arts/Baker/Pastry Chef.", None),
    (1306.3, "Culinary Arts", 120503, 12.0503, "Culinary Arts/Chef Training.", None),
    (1306.3, "Culinary Arts", 120505, 12.0505,
     "Food Preparation/Professional Cooking/Kitchen Assistant.", None),
]


def write(dest: Path) -> None:
    dest.parent.mkdir(parents=True, exist_ok=True)
    wb = xlsxwriter.Workbook(str(dest))
    ws = wb.add_worksheet("TOP-CIP revised June 2020")
    ws.write(0, 5, TITLE)
    ws.write_row(1, 0, HEADER)
    for i, row in enumerate(ROWS, start=2):
        for j, v in enumerate(row):
            if v is not None:
                ws.write(i, j, v)
    wb.close()


def build(region: Region, dirs: DataDirs, universe: Universe) -> list[Path]:
    written = []
    for rf in top_cip.remote_files(region, dirs):
        write(rf.dest)
        download.record_sample(rf, origin="sample bundle (excerpt of the real TOP-CIP crosswalk)")
        written.append(rf.dest)
    return written
