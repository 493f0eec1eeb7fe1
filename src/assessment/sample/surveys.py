"""Synthetic employer and union survey exports, in the layouts survey platforms produce.

* Employer survey: 120 establishments as a Qualtrics CSV export (three header rows: export
  tags, question text, ``{"ImportId": ...}``; platform columns first; multi-select answers as
  comma-separated labels; "Other" text in ``..._TEXT`` columns). Establishments are drawn from
  the :class:`~assessment.sample.universe.Universe`'s latest year, by county and subsector in
  proportion to establishments (larger ones a little likelier to answer), with sizes around
  the subsector's mean.
* Union survey: 25 locals as a Microsoft Forms-style Excel export (one header row of question
  text, ``ID``/``Start time``/``Completion time`` columns, dates as Excel dates and one column
  as bare Excel serial numbers, multi-select answers separated by ``;``).

Planted problems, so quarantine shows (the rest of the rows are valid):

* employer: an unknown county, a SOC code that does not exist, vacancies above headcount, a
  response exported twice (same response id), and a Qualtrics "Survey Preview" response;
* union: an unknown county among the counties covered, and a SOC code that does not exist.

Contact details are obviously fake (``example.org`` addresses, 555-01xx phone numbers,
documentation IP addresses). The sample also gets a fixed, published salt so its pseudonymous
ids are reproducible; real data never uses it.
"""

from __future__ import annotations

import csv
import io
import json
from datetime import datetime, timedelta
from pathlib import Path

import numpy as np
import pandas as pd
import xlsxwriter

from assessment import regionfile
from assessment.paths import DataDirs
from assessment.region import Region
from assessment.sample.universe import Universe
from assessment.survey.codebook import load_codebook, naics_in_scope
from assessment.survey.ingest import SALT_FILE

EMPLOYER_FILE = "employer-survey-2026-qualtrics.csv"
UNION_FILE = "union-survey-2026-forms.xlsx"
EMPLOYER_N = 120
UNION_N = 25
SAMPLE_SALT = "sample-bundle-salt-published-not-secret"
BAD_COUNTY = "Sacramento"
BAD_SOC = "51-9999"
FIELD_START = datetime(2026, 2, 16, 8, 0, 0)

# Occupations an establishment reports: common to all plants, plus some by subsector.
COMMON_SOC = ["49-9041", "49-9071", "51-1011", "53-7062", "51-9061", "47-2111", "51-9111"]
SUBSECTOR_SOC = {
    "311": ["51-3092", "51-3093", "51-3022", "51-9111", "53-7051"],
    "312": ["51-9111", "51-3092", "53-7051"],
    "321": ["51-7041", "51-7042", "51-7011"],
    "322": ["51-9196", "51-9111"],
    "323": ["51-5112", "51-5111"],
    "325": ["51-9011", "51-9012", "51-8091"],
    "326": ["51-4072", "51-9199"],
    "327": ["51-9199", "51-9032"],
    "331": ["51-4121", "51-4051", "51-4072"],
    "332": ["51-4121", "51-4041", "51-4031", "51-2041"],
    "333": ["51-4041", "51-2031", "51-2092", "51-4121"],
    "334": ["51-2022", "51-9141"],
    "335": ["51-2022", "51-2092"],
    "336": ["51-2092", "51-4121", "51-2011"],
    "337": ["51-7011", "51-2092"],
}
BASE_WAGE = {"49-9041": 27.0, "49-9071": 22.0, "51-1011": 30.0, "47-2111": 31.0,
             "51-4041": 24.0, "51-4121": 23.0}
DEFAULT_WAGE = 18.5
GAP_LABELS = ["No gap", "Minor gap", "Moderate gap", "Severe gap", "Not applicable"]

QUALTRICS_META = [
    ("StartDate", "Start Date", '{"ImportId":"startDate","timeZone":"America/Los_Angeles"}'),
    ("EndDate", "End Date", '{"ImportId":"endDate","timeZone":"America/Los_Angeles"}'),
    ("Status", "Response Type", '{"ImportId":"status"}'),
    ("IPAddress", "IP Address", '{"ImportId":"ipAddress"}'),
    ("Progress", "Progress", '{"ImportId":"progress"}'),
    ("Duration (in seconds)", "Duration (in seconds)", '{"ImportId":"duration"}'),
    ("Finished", "Finished", '{"ImportId":"finished"}'),
    ("RecordedDate", "Recorded Date",
     '{"ImportId":"recordedDate","timeZone":"America/Los_Angeles"}'),
    ("ResponseId", "Response ID", '{"ImportId":"_recordId"}'),
    ("RecipientLastName", "Recipient Last Name", '{"ImportId":"recipientLastName"}'),
    ("RecipientFirstName", "Recipient First Name", '{"ImportId":"recipientFirstName"}'),
    ("RecipientEmail", "Recipient Email", '{"ImportId":"recipientEmail"}'),
    ("ExternalReference", "External Data Reference", '{"ImportId":"externalDataReference"}'),
    ("LocationLatitude", "Location Latitude", '{"ImportId":"locationLatitude"}'),
    ("LocationLongitude", "Location Longitude", '{"ImportId":"locationLongitude"}'),
    ("DistributionChannel", "Distribution Channel", '{"ImportId":"distributionChannel"}'),
    ("UserLanguage", "User Language", '{"ImportId":"userLanguage"}'),
]


def _labels(rng: np.random.Generator, options, p: float, exclude=("other",)) -> list[str]:
    return [o.label for o in options if o.code not in exclude and rng.random() < p]


def _establishments(region: Region, universe: Universe, rng: np.random.Generator
                    ) -> pd.DataFrame:
    u = universe.employment
    year = region.years.end
    cells = u[(u.kind == "county") & (u.year == year) & (u.industry.str.len() == 3)
              & (u.estabs > 0)].copy()
    cells["mean_size"] = cells.employment / cells.estabs
    weight = cells.estabs * np.sqrt(cells.mean_size)
    picks = rng.choice(len(cells), size=EMPLOYER_N, p=(weight / weight.sum()).to_numpy())
    return cells.iloc[picks].reset_index(drop=True)


def _occupations(rng, subsector: str, total: int) -> list[dict]:
    pool = list(dict.fromkeys(SUBSECTOR_SOC.get(subsector, []) + COMMON_SOC))
    k = int(min(len(pool), max(1, total // 3), rng.integers(2, 7)))
    socs = list(rng.choice(pool, size=k, replace=False))
    shares = rng.dirichlet(np.ones(k)) * 0.75
    out = []
    for soc, share in zip(socs, shares, strict=True):
        head = max(1, int(share * total))
        vac = int(rng.binomial(head, 0.08))
        hires = vac + int(rng.binomial(head, 0.15))
        wage = BASE_WAGE.get(soc, DEFAULT_WAGE) * rng.uniform(0.9, 1.15)
        out.append({"soc": soc, "headcount": head, "vacancies": vac,
                    "hard_to_fill": "Yes" if rng.random() < (0.6 if soc in BASE_WAGE else 0.3)
                    else "No",
                    "hires_12m": hires, "hires_3y": hires * 2 + int(rng.integers(0, 3)),
                    "retirements_5y": int(rng.binomial(head, 0.12)),
                    "wage_start": round(max(16.5, wage), 2),
                    "wage_typical": round(max(16.5, wage) * rng.uniform(1.1, 1.4), 2)})
    while sum(o["headcount"] for o in out) > total:  # tiny plants: never above total
        out.pop()
    return out


def employer_rows(region: Region, universe: Universe) -> tuple[list[str], list[str], list[str],
                                                                list[list[str]]]:
    """The employer export: three header rows and the data rows, as strings."""
    cb = load_codebook("employer")
    rng = np.random.default_rng(universe.seed + 301)
    scope = naics_in_scope(region)
    names = {c.fips: c.name for c in region.counties}
    fields = [f for f in cb.fields()]
    tags, labels, imports = [], [], []
    for tag, label, imp in QUALTRICS_META:
        tags.append(tag)
        labels.append(label)
        imports.append(imp)
    for qid, f in enumerate(fields, start=1):
        tags.append(f.name)
        labels.append(f.question)
        imports.append(json.dumps({"ImportId": f"QID{qid}"}, separators=(",", ":")))
        if f.var.type == "multi":
            other = [o for o in cb.options(f.var) if o.code == "other"]
            text_var = [v for v in cb.variables if v.other_of == f"{f.name}.other"]
            if other and text_var:
                tags.append(f"{f.name}_{other[0].recode}_TEXT")
                labels.append(f"{f.question} - {other[0].label} - Text")
                imports.append(json.dumps({"ImportId": f"QID{qid}_{other[0].recode}_TEXT"},
                                          separators=(",", ":")))
    # The free-text "other" variables are exported through their _TEXT columns only.
    skip = {v.name for v in cb.variables if v.other_of}
    keep = [i for i, t in enumerate(tags) if t not in skip]
    tags, labels, imports = ([x[i] for i in keep] for x in (tags, labels, imports))

    estabs = _establishments(region, universe, rng)
    rows = []
    for i, e in estabs.iterrows():
        n = i + 1
        total = max(1, int(round(e.mean_size * rng.lognormal(0, 0.6))))
        sub = e.industry
        # Most give six digits; some only the 4-digit industry group.
        digits = 6 if rng.random() < 0.85 else 4
        naics = str(rng.choice([c for c in scope if len(c) == digits and c.startswith(sub)]))
        start = FIELD_START + timedelta(days=int(rng.integers(0, 60)),
                                        minutes=int(rng.integers(0, 600)))
        secs = int(rng.integers(420, 2400))
        end = start + timedelta(seconds=secs)
        stamp = "%Y-%m-%d %H:%M:%S"
        answers: dict[str, str] = {
            "StartDate": start.strftime(stamp), "EndDate": end.strftime(stamp),
            "Status": "IP Address", "IPAddress": f"192.0.2.{n % 250 + 1}", "Progress": "100",
            "Duration (in seconds)": str(secs), "Finished": "True",
            "RecordedDate": end.strftime(stamp),
            "ResponseId": "R_" + "".join(rng.choice(list("abcdefghijkLMNOPQRSTUVWxyz0123456789"),
                                                    size=15)),
            "DistributionChannel": "anonymous", "UserLanguage": "EN",
            "establishment_name": f"Example Manufacturing Site {n:03d}",
            "county": names[e.area],
            "naics": naics,
            "total_employment": str(total),
            "union_status": str(rng.choice(["Yes, all or most production workers",
                                             "Yes, some workers", "No"], p=[0.2, 0.1, 0.7])),
            "respondent_name": f"Sample Respondent {n:03d}",
            "respondent_title": "Plant manager",
            "respondent_email": f"respondent{n:03d}@example.org",
            "respondent_phone": f"(559) 555-01{n % 100:02d}",
        }
        for f in fields:
            v = f.var
            if f.block is not None or f.name in answers:
                continue
            if v.type == "multi":
                chosen = _labels(rng, cb.options(v), 0.35)
                if rng.random() < 0.1:
                    chosen.append("Other (please specify)")
                    answers[f"{f.name}_{cb.options(v)[-1].recode}_TEXT"] = "Sample other answer"
                answers[f.name] = ",".join(chosen)
            elif v.type == "rating":
                lean = 0.8 if f.name in ("skillgap_automation", "skillgap_electrical") else 0.0
                p = np.array([0.25, 0.35, 0.25, 0.1, 0.05]) + np.array([-lean / 4, -lean / 4,
                                                                          lean / 4, lean / 4, 0])
                answers[f.name] = str(rng.choice(GAP_LABELS, p=p / p.sum()))
            elif f.name == "training_spend":
                answers[f.name] = str(int(round(total * rng.uniform(100, 900), -2)))
            elif f.name == "host_apprentices":
                answers[f.name] = "Yes" if rng.random() < 0.35 else "No"
            elif f.name == "apprentices_n":
                host = answers.get("host_apprentices") == "Yes"
                answers[f.name] = str(int(rng.integers(1, 5))) if host else ""
            elif f.name == "comments" and rng.random() < 0.15:
                answers[f.name] = "Sample comment text."
        for k, occ in enumerate(_occupations(rng, sub, total), start=1):
            for key, value in occ.items():
                answers[f"occ{k}_{key}"] = str(value)
        rows.append([answers.get(t, "") for t in tags])

    col = {t: j for j, t in enumerate(tags)}
    # Planted problems (see the module docstring).
    rows[10][col["county"]] = BAD_COUNTY
    rows[20][col["occ1_soc"]] = BAD_SOC
    head = int(rows[30][col["occ1_headcount"]])
    rows[30][col["occ1_vacancies"]] = str(head + 3)
    rows[40][col["Status"]] = "Survey Preview"
    rows.insert(51, list(rows[50]))  # the same response exported twice
    rows.pop()  # keep EMPLOYER_N rows in all
    return tags, labels, imports, rows


def _csv_text(header_rows: list[list[str]], rows: list[list[str]]) -> str:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
    for r in header_rows + rows:
        w.writerow(r)
    return buf.getvalue()


def union_rows(region: Region, universe: Universe) -> tuple[list[str], list[list[object]]]:
    """The union export: one header row of question text and the data rows."""
    cb = load_codebook("union")
    rng = np.random.default_rng(universe.seed + 302)
    names = [c.name for c in region.counties]
    meta = ["ID", "Start time", "Completion time", "Email", "Name", "Last modified time"]
    fields = [f for f in cb.fields()]
    header = meta + [f.question for f in fields]
    rows = []
    for n in range(1, UNION_N + 1):
        start = FIELD_START + timedelta(days=int(rng.integers(0, 60)),
                                        minutes=int(rng.integers(0, 600)))
        end = start + timedelta(seconds=int(rng.integers(600, 3000)))
        total = int(rng.integers(150, 6000))
        mfg = int(total * rng.uniform(0.2, 0.9))
        a: dict[str, object] = {
            "local_name": f"Sample Local {100 + n} (fictional)",
            "affiliation": str(rng.choice([o.label for o in cb.options(cb.variable("affiliation"))
                                           if o.code != "other"])),
            "counties": ";".join(sorted(rng.choice(
                names, size=int(rng.integers(1, min(3, len(names)) + 1)), replace=False))) + ";",
            "industries": ";".join(_labels(rng, cb.options(cb.variable("industries")), 0.3)
                                   or ["Food manufacturing"]) + ";",
            "membership_total": total,
            "membership_mfg": mfg,
            "training_needs": ";".join(_labels(rng, cb.options(cb.variable("training_needs")),
                                               0.35)) + ";",
            "member_barriers": ";".join(_labels(rng, cb.options(cb.variable("member_barriers")),
                                                0.4)) + ";",
            "job_quality": ";".join(_labels(rng, cb.options(cb.variable("job_quality")), 0.35))
            + ";",
            "respondent_name": f"Sample Union Officer {n:02d}",
            "respondent_title": "Business representative",
            "respondent_email": f"officer{n:02d}@example.org",
            "respondent_phone": f"(209) 555-01{n:02d}",
        }
        socs = rng.choice(COMMON_SOC + ["51-4121", "51-4041", "51-3092", "51-2092"],
                          size=int(rng.integers(1, 5)), replace=False)
        shares = rng.dirichlet(np.ones(len(socs))) * 0.8
        for k, (soc, share) in enumerate(zip(socs, shares, strict=True), start=1):
            a[f"occ{k}_soc"] = str(soc)
            a[f"occ{k}_members"] = int(share * mfg)
        for k in range(1, int(rng.integers(0, 3)) + 1):
            a[f"prog{k}_program_type"] = str(rng.choice(["Registered apprenticeship",
                                                         "Pre-apprenticeship",
                                                         "Journeyworker upgrade training"]))
            a[f"prog{k}_soc"] = str(rng.choice(["49-9041", "47-2111", "51-4121"]))
            a[f"prog{k}_seats"] = int(rng.integers(8, 40))
        for key in ("training_needs", "member_barriers", "job_quality"):
            if a[key] == ";":
                a[key] = ""
        row: list[object] = [n, start, (end - datetime(1899, 12, 30)).total_seconds() / 86400,
                             f"officer{n:02d}@example.org", f"Sample Union Officer {n:02d}", end]
        row += [a.get(f.name, "") for f in fields]
        rows.append(row)
    col = {h: j for j, h in enumerate(header)}
    counties_q = cb.variable("counties").question
    # one answer names a county outside the region (quarantined): the state's most populous other
    outside = max(((pop, name) for f, (name, pop) in
                   regionfile.state_counties(region.state.fips).items()
                   if f not in region.county_fips), default=(0, "Elsewhere"))[1]
    rows[7][col[counties_q]] = f"{names[0]};{outside};"
    rows[15][col[cb.fields()[[f.name for f in cb.fields()].index("occ1_soc")].question]] = BAD_SOC
    return header, rows


def _write_xlsx(path: Path, header: list[str], rows: list[list[object]]) -> None:
    wb = xlsxwriter.Workbook(str(path))
    wb.set_properties({"created": FIELD_START})  # fixed, so the bundle is byte-reproducible
    ws = wb.add_worksheet("Sheet1")
    bold = wb.add_format({"bold": True})
    stamp = wb.add_format({"num_format": "m/d/yy h:mm:ss"})
    ws.write_row(0, 0, header, bold)
    for i, row in enumerate(rows, start=1):
        for j, value in enumerate(row):
            if isinstance(value, datetime):
                ws.write_datetime(i, j, value, stamp)
            elif isinstance(value, int | float):
                ws.write_number(i, j, value)
            elif value != "":
                ws.write_string(i, j, str(value))
    wb.close()


def build(region: Region, dirs: DataDirs, universe: Universe) -> list[Path]:
    employer_dir = dirs.surveys / "employer"
    union_dir = dirs.surveys / "union"
    employer_dir.mkdir(parents=True, exist_ok=True)
    union_dir.mkdir(parents=True, exist_ok=True)
    tags, labels, imports, rows = employer_rows(region, universe)
    employer = employer_dir / EMPLOYER_FILE
    employer.write_text(_csv_text([tags, labels, imports], rows), encoding="utf-8-sig")
    header, urows = union_rows(region, universe)
    union = union_dir / UNION_FILE
    _write_xlsx(union, header, urows)
    salt = dirs.surveys / SALT_FILE
    salt.write_text(SAMPLE_SALT + "\n", encoding="utf-8")
    return [employer, union]
