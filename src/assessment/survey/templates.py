"""Instruments generated from a codebook: an Excel template and a data dictionary.

The template (``assessment survey template employer -o employer.xlsx``) is what a partnership
fills in by hand or uses to set up its survey platform: a ``Responses`` sheet whose first row
holds the variable names and second row the question text (the same two header rows ingestion
reads), with dropdowns and range checks on every answer cell; a ``Lists`` sheet with the
counties, NAICS and SOC codes the dropdowns draw on; and the ``Codebook`` itself. Multi-select
questions get one Yes/No column per option.

The data dictionary (``assessment survey dictionary employer -o employer.md`` or ``.html``) lists
every variable: question, type, allowed answers, required, confidential, and the processed
column it becomes.
"""

from __future__ import annotations

import html
from pathlib import Path

import xlsxwriter
from xlsxwriter.utility import xl_col_to_name

from assessment.region import Region
from assessment.survey.codebook import (
    COUNTIES,
    Codebook,
    SurveyField,
    Variable,
    naics_in_scope,
    soc_codes,
)
from assessment.survey.ingest import SIZE_CLASS_LOWER

TEMPLATE_ROWS = 500  # answer rows carrying data validation
YES_NO = ["Yes", "No"]
_TYPE_TEXT = {
    "single": "one choice", "multi": "any number of choices", "rating": "rating",
    "boolean": "yes / no", "integer": "whole number", "number": "number",
    "naics": "2022 NAICS code", "soc": "2018 SOC code", "text": "free text",
    "contact": "contact detail",
}


def _num(x: float) -> str:
    return f"{int(x):,}" if float(x).is_integer() else f"{x:,.2f}"


def _allowed(cb: Codebook, var: Variable, region: Region) -> str:
    if var.type in ("single", "multi", "rating"):
        if var.codes == COUNTIES:
            return "; ".join(f"`{o.code}` {o.label}" for o in cb.options(var, region))
        return "; ".join(f"`{o.code}` {o.label}" + (" (no value)" if o.missing else "")
                         for o in cb.options(var, region))
    if var.type in ("integer", "number"):
        return f"{_num(var.min)} to {_num(var.max)}"
    if var.type == "boolean":
        return "Yes; No"
    if var.type == "naics":
        return (f"3 to 6 digits, a 2022 NAICS code within {region.industry.sector}"
                f" ({region.industry.title})")
    if var.type == "soc":
        return "a 2018 SOC detailed occupation code, NN-NNNN"
    return "any text"


def _processed(cb: Codebook, var: Variable, region: Region) -> str:
    if var.type == "contact":
        return "never kept (confidential)"
    if var.type == "multi":
        codes = [o.code for o in cb.options(var, region)]
        return f"booleans `{var.output}{codes[0]}` ... `{var.output}{codes[-1]}`"
    if var.type == "text":
        return f"`{var.output}` (boolean: answer given; the text is never kept)"
    extra = ""
    if var.type == "naics":
        extra = f", `{var.output}3`, `{var.output}2`"
    if var.name == "total_employment":
        extra = ", `size_class` (QCEW size code 1-9)"
    return f"`{var.output}`{extra}"


def _md_cell(text: object) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ")


def dictionary_markdown(cb: Codebook, region: Region) -> str:
    lines = [
        f"# Data dictionary: {cb.title}",
        "",
        f"Survey `{cb.survey}`, codebook version {cb.version}; one response per {cb.unit};"
        f" region: {region.name}. Generated from `config/surveys/{cb.survey}.yml`.",
        "",
        "Confidential fields never leave `data/raw/surveys/`: contact details are dropped on"
        " ingestion and free-text answers are reduced to whether an answer was given."
        " Processed tables identify respondents only by a pseudonymous `respondent_id`.",
        "",
        f"## One row per {cb.unit}: `{cb.respondent_table}`",
        "",
        "Keys: `respondent_id` (pseudonymous), `wave`. Then:",
        "",
        "| variable | question | type | allowed answers | required | confidential |"
        " processed as |",
        "|---|---|---|---|---|---|---|",
    ]
    section = None
    for v in cb.variables:
        if v.section != section:
            section = v.section
            lines.append(f"| **{_md_cell(section)}** | | | | | | |")
        lines.append(
            f"| `{v.name}` | {_md_cell(v.question)} | {_TYPE_TEXT[v.type]} |"
            f" {_md_cell(_allowed(cb, v, region))} | {'yes' if v.required else ''} |"
            f" {'yes' if v.confidential else ''} | {_processed(cb, v, region)} |")
    for b in cb.blocks:
        lines += [
            "",
            f"## Repeated block `{b.name}` ({b.section}): `{b.table}`",
            "",
            f"Asked up to {b.repeats} times. Exported wide, one column per entry and variable"
            f" (`{b.prefix}1_{b.variables[0].name}` ... `{b.prefix}{b.repeats}_"
            f"{b.variables[-1].name}`); kept long, one row per respondent and entry, keyed by"
            f" `respondent_id`, `wave` and `entry` (1-{b.repeats}). An entry with any answer"
            f" needs its required answers.",
            "",
            "| variable | question | type | allowed answers | required | processed as |",
            "|---|---|---|---|---|---|",
        ]
        for v in b.variables:
            lines.append(
                f"| `{b.prefix}N_{v.name}` | {_md_cell(b.question_prefix.format(n='N'))}"
                f"{_md_cell(v.question)} | {_TYPE_TEXT[v.type]} |"
                f" {_md_cell(_allowed(cb, v, region))} | {'yes' if v.required else ''} |"
                f" `{v.output}` |")
    if cb.rules:
        lines += ["", "## Checks across answers", ""]
        for r in cb.rules:
            verb = {"le": "must not exceed", "sum_le": "summed over entries must not exceed",
                    "only_if": "may be given only when"}[r.kind]
            tail = f" is `{r.equals}`" if r.kind == "only_if" else ""
            lines.append(f"- `{r.name}`: `{r.left}` {verb} `{r.right}`{tail}")
    lines += [
        "",
        "## Derived columns",
        "",
        "- `size_class`: QCEW establishment size code from `total_employment`: "
        + ", ".join(f"{i + 1} = {lo}+" for i, lo in enumerate(SIZE_CLASS_LOWER)) + "."
        if cb.survey == "employer" else "- none beyond the multi-select booleans.",
        "",
        "## Code lists",
        "",
        "NAICS codes are checked against the 2022 NAICS and SOC codes against the 2018 SOC"
        " detailed occupations (`src/assessment/survey/codelists/`, provenance in its README).",
        "",
    ]
    return "\n".join(lines)


def dictionary_html(cb: Codebook, region: Region) -> str:
    import mistune

    body = mistune.create_markdown(plugins=["table"])(dictionary_markdown(cb, region))
    return (
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
        f"<title>{html.escape(cb.title)}: data dictionary</title><style>"
        "body{font-family:sans-serif;max-width:70em;margin:2em auto;line-height:1.4}"
        "table{border-collapse:collapse;font-size:90%}"
        "th,td{border:1px solid #bbb;padding:.3em .5em;vertical-align:top;text-align:left}"
        "th{background:#eee}code{font-size:95%}</style></head><body>\n"
        f"{body}</body></html>\n"
    )


def write_dictionary(cb: Codebook, region: Region, out: Path) -> Path:
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    if out.suffix.lower() in (".html", ".htm"):
        out.write_text(dictionary_html(cb, region), encoding="utf-8")
    else:
        out.write_text(dictionary_markdown(cb, region), encoding="utf-8")
    return out


# --- Excel template -------------------------------------------------------------------------


def _template_columns(cb: Codebook, region: Region) -> list[tuple[str, str, SurveyField, object]]:
    """(header, question, field, option or None) for every template column."""
    cols = []
    for f in cb.fields():
        if f.var.type == "multi":
            for o in cb.options(f.var, region):
                cols.append((f"{f.name}_{o.code}", f"{f.question} - {o.label}", f, o))
        else:
            cols.append((f.name, f.question, f, None))
    return cols


def write_template(cb: Codebook, region: Region, out: Path, rows: int = TEMPLATE_ROWS) -> Path:
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    wb = xlsxwriter.Workbook(str(out))
    head = wb.add_format({"bold": True, "bg_color": "#DDEBF7", "border": 1})
    required = wb.add_format({"bold": True, "bg_color": "#FCE4D6", "border": 1})
    confidential = wb.add_format({"bold": True, "bg_color": "#EDEDED", "border": 1,
                                  "font_color": "#7F7F7F"})
    question = wb.add_format({"text_wrap": True, "valign": "top", "border": 1})
    text_cells = wb.add_format({"num_format": "@"})

    resp = wb.add_worksheet("Responses")
    lists = wb.add_worksheet("Lists")
    book = wb.add_worksheet("Codebook")
    notes = wb.add_worksheet("Instructions")

    # Lists the dropdowns draw on (Excel caps an inline list at 255 characters).
    ranges: dict[str, str] = {}

    def listed(name: str, values: list[str]) -> str:
        if name not in ranges:
            j = len(ranges)
            lists.write(0, j, name, head)
            for i, value in enumerate(values, start=1):
                lists.write_string(i, j, str(value))
            col = xl_col_to_name(j)
            ranges[name] = f"=Lists!${col}$2:${col}${len(values) + 1}"
            lists.set_column(j, j, 18)
        return ranges[name]

    scope = naics_in_scope(region)
    socs = soc_codes()
    listed("County", [c.name for c in region.counties])
    listed("NAICS code", list(scope))
    listed("NAICS title", list(scope.values()))
    listed("SOC code", list(socs))
    listed("SOC title", list(socs.values()))

    first, last = 2, 2 + rows - 1  # answer rows (0-based): below the two header rows
    for j, (header, text, f, option) in enumerate(_template_columns(cb, region)):
        var = f.var
        fmt = (confidential if var.confidential else
               required if var.required and f.block is None else head)
        resp.write_string(0, j, header, fmt)
        resp.write_string(1, j, text, question)
        resp.set_column(j, j, 16)
        prompt = {"input_title": header[:32], "input_message": text[:255]}
        if option is not None or var.type == "boolean":
            rule = {"validate": "list", "source": YES_NO}
        elif var.type in ("single", "rating"):
            if var.codes == COUNTIES:
                rule = {"validate": "list", "source": ranges["County"]}
            else:
                rule = {"validate": "list",
                        "source": listed(var.name, [o.label for o in cb.options(var, region)])}
        elif var.type == "integer":
            rule = {"validate": "integer", "criteria": "between",
                    "minimum": int(var.min), "maximum": int(var.max)}
        elif var.type == "number":
            rule = {"validate": "decimal", "criteria": "between",
                    "minimum": var.min, "maximum": var.max}
        elif var.type == "naics":
            rule = {"validate": "list", "source": ranges["NAICS code"]}
            resp.set_column(j, j, 16, text_cells)
        elif var.type == "soc":
            rule = {"validate": "list", "source": ranges["SOC code"]}
            resp.set_column(j, j, 16, text_cells)
        else:
            rule = None
        if rule is not None:
            resp.data_validation(first, j, last, j, {
                **rule, **prompt, "error_title": "Not an allowed answer",
                "error_message": f"See the Codebook sheet for what {header} allows."[:255]})
        elif var.confidential:
            resp.data_validation(first, j, last, j, {"validate": "any", **prompt})
    resp.freeze_panes(2, 0)
    resp.set_row(1, 60)
    resp.activate()

    book_head = ["variable", "question", "type", "allowed answers", "required", "confidential",
                 "processed as"]
    for j, h in enumerate(book_head):
        book.write(0, j, h, head)
    r = 1
    for v in cb.variables:
        book.write_row(r, 0, [v.name, v.question, _TYPE_TEXT[v.type],
                              _allowed(cb, v, region).replace("`", ""),
                              "yes" if v.required else "", "yes" if v.confidential else "",
                              _processed(cb, v, region).replace("`", "")])
        r += 1
    for b in cb.blocks:
        for v in b.variables:
            book.write_row(r, 0, [f"{b.prefix}N_{v.name}",
                                  b.question_prefix.format(n="N") + v.question,
                                  _TYPE_TEXT[v.type], _allowed(cb, v, region).replace("`", ""),
                                  "yes (per entry)" if v.required else "", "",
                                  f"{b.table}.{v.output}"])
            r += 1
    book.set_column(0, 0, 24)
    book.set_column(1, 1, 60)
    book.set_column(2, 6, 22)

    instructions = [
        cb.title,
        f"Codebook version {cb.version}. One row per {cb.unit}, starting on row 3 of the"
        " Responses sheet; rows 1 and 2 (variable names and questions) must stay as they are.",
        "Orange headers are required answers; grey headers are confidential and never leave"
        " the partnership's secure folder (data/raw/surveys/).",
        "Multi-select questions have one column per option: answer Yes or leave blank.",
        "Occupations use 2018 SOC codes and industries 2022 NAICS codes (see the Lists sheet).",
        f"Validate before sending: assessment survey validate {cb.survey} FILE.xlsx",
    ]
    for i, line in enumerate(instructions):
        notes.write(i, 0, line, head if i == 0 else None)
    notes.set_column(0, 0, 110)
    wb.close()
    return out
