"""A sample recommendations file for the sample bundle, marked as sample in its status, note
and every text, in the layout of ``config/recommendations/<slug>.yml``.

The recommendations are written for any region, so they name needs by rule (``training-gap``
answers every training gap the rules find), with one naming a single occupation. One names a
need the sample data may not support (access to manufacturing jobs from disadvantaged tracts)
and none answers the hiring barriers employers name, so the chapter's check has something to
show: what it flags depends on the sample data, never on this file alone.
"""

from __future__ import annotations

from pathlib import Path

import yaml

from assessment.paths import DataDirs
from assessment.region import Region
from assessment.sample.universe import Universe

RECOMMENDATIONS = [
    ("S1", "sector-table",
     "SAMPLE. Convene a manufacturing sector table of employers, unions, colleges and the "
     "workforce boards that meets each quarter on the hiring demand and the retirements ahead.",
     ["industry-hiring", "industry-retirements"]),
    ("S2", "training-and-apprenticeship",
     "SAMPLE. Build the registered IMT apprenticeship around the occupations with the largest "
     "training gaps, with related instruction in the skill areas employers rate weakest.",
     ["training-gap", "industry-skill-gaps", "industry-hard-to-fill"]),
    ("S3", "training-and-apprenticeship",
     "SAMPLE. Start a maintenance mechanic cohort with the region's community colleges.",
     ["training-gap:49-9041"]),
    ("S4", "barriers-and-outcomes",
     "SAMPLE. Offer pre-apprenticeship with high school equivalency and English instruction "
     "in disadvantaged communities, with rides and childcare, and report every cohort's "
     "recruitment, completion and wages by sex, race and ethnicity, age, veteran status and "
     "disability against the baselines of chapter 5.",
     ["regional-education", "regional-language", "regional-transport", "regional-childcare",
      "regional-employment", "workforce-under-represented"]),
    ("S5", "barriers-and-outcomes",
     "SAMPLE. Open a training site inside the disadvantaged tracts farthest from the plants.",
     ["regional-access"]),
    ("S6", "union-choice",
     "SAMPLE. Employers at the sector table respect workers' free and fair choice to join a "
     "union, and the apprenticeship standards are bargained where workers have chosen one.",
     ["jobquality-benefits", "jobquality-entry-pay"]),
    ("S7", "good-jobs",
     "SAMPLE. Set the apprenticeship's wage progression to reach the family-sustaining wage "
     "at completion, with predictable schedules and benefits from the first day.",
     ["jobquality-entry-pay", "jobquality-benefits"]),
]


def path(dirs: DataDirs) -> Path:
    return dirs.recommendations


def build(region: Region, dirs: DataDirs, universe: Universe) -> list[Path]:
    dest = path(dirs)
    dest.parent.mkdir(parents=True, exist_ok=True)
    doc = {
        "region": region.slug,
        "status": "sample",
        "note": ("SAMPLE RECOMMENDATIONS written for the synthetic sample bundle to show how "
                 "the chapter checks recommendations against the needs; they are not the "
                 f"partnership's and say nothing about {region.name}."),
        "recommendations": [{"id": i, "action": a, "text": t, "needs": n}
                            for i, a, t, n in RECOMMENDATIONS],
    }
    header = "# SAMPLE: synthetic recommendations for the sample bundle, not the partnership's.\n"
    dest.write_text(header + yaml.safe_dump(doc, sort_keys=False, width=96), encoding="utf-8")
    return [dest]
