"""Sources that apply to a region or not: the region file's switch, a module's ``applies``, and
every stage that honours them (registry, download plan, processing, sample bundle, report)."""

from __future__ import annotations

from types import SimpleNamespace

import nbformat
import pytest
import yaml
from typer.testing import CliRunner

from assessment import dataset, paths, present, report, sample, sources
from assessment.cli import app
from assessment.region import Region, load_region

OHIO = paths.REGIONS_DIR / "central-ohio.yml"


def _with(region: Region, **changes) -> Region:
    return Region.model_validate({**region.model_dump(), **changes})


def test_edd_applies_in_california_only(region):
    ohio = load_region(OHIO)
    assert sources.applies("edd_ces", region) and sources.applies("edd_projections", region)
    assert sources.why_not("edd_ces", ohio) == "covers California only, not Ohio"
    assert "edd_projections" not in sources.active(ohio)
    # the state's own agencies' files: EDD's, the community colleges' DataMart and TOP codes,
    # CalEnviroScreen and SB 535
    california_only = {"edd_ces", "edd_projections", "ccc_awards", "top_cip", "calenviroscreen"}
    assert set(sources.SOURCES) - set(sources.active(ohio)) == california_only
    assert set(sources.active(region)) == set(sources.SOURCES)


def test_the_region_file_switches_a_source_off(region):
    off = _with(region, sources={"exclude": ["lodes"]})
    assert sources.why_not("lodes", off) == "switched off in the region file"
    assert "lodes" not in sources.active(off) and "lodes" in sources.active(region)


def test_nothing_is_fetched_or_required_for_a_source_that_does_not_apply(tmp_path):
    ohio = load_region(OHIO)
    dirs = paths.DataDirs(paths.Mode.REAL, tmp_path / "raw", tmp_path / "processed", ohio.slug)
    wanted = {str(p) for p, _url in dataset.missing_files(ohio, dirs)}
    assert wanted and not any("/edd/" in p for p in wanted)
    assert not any("/edd/" in str(p) for p in sources.region_files(ohio, dirs))


def test_data_dry_run_says_which_sources_are_not_used():
    res = CliRunner().invoke(app, ["data", "--region", str(OHIO), "--dry-run"])
    assert res.exit_code == 0, res.output
    assert "edd_ces: not used for Central Ohio (covers California only, not Ohio)" in res.output
    assert "labormarketinfo.edd.ca.gov" not in res.output
    bad = CliRunner().invoke(app, ["data", "--region", str(OHIO), "--dry-run",
                                   "--source", "nosuch"])
    assert bad.exit_code == 2 and "unknown source 'nosuch'" in bad.output


def test_the_sample_bundle_skips_builders_of_sources_that_do_not_apply(tmp_path, monkeypatch):
    ohio = load_region(OHIO)
    ran = []
    monkeypatch.setattr(sample, "BUILDERS", {"edd_ces": "x", "tracts": "y", "surveys": "z"})
    fake = SimpleNamespace(import_module=lambda name: SimpleNamespace(
        build=lambda r, d, u: ran.append(name) or []))
    monkeypatch.setattr(sample, "importlib", fake)
    dirs = paths.DataDirs(paths.Mode.SAMPLE, tmp_path / "raw", tmp_path / "p", ohio.slug)
    sample.build(ohio, dirs)
    assert ran == ["y", "z"]  # tracts belong to geo, which applies; surveys always run


def test_the_sources_appendix_says_which_sources_apply(tmp_path, monkeypatch):
    ohio = load_region(OHIO)
    monkeypatch.setattr(paths, "DATA_DIR", tmp_path)
    html = report.sources_appendix(paths.Mode.SAMPLE, ohio)
    assert "used for Central Ohio" in html
    off = set(sources.SOURCES) - set(sources.active(ohio))
    assert html.count("no: covers California only, not Ohio") == len(off) > 0
    assert html.count("<td>yes</td>") == len(sources.SOURCES) - len(off)


def _notebook(tmp_path, note: str):
    nb = nbformat.v4.new_notebook()
    intro = nbformat.v4.new_markdown_cell("# Chapter\n\nAlways here.")
    prose = nbformat.v4.new_markdown_cell("## Openings\n\nProse about the projections.",
                                          metadata={"tags": ["source:edd_projections"]})
    shown = nbformat.v4.new_code_cell("", metadata={"tags": ["source:edd_projections"]})
    shown.outputs = [nbformat.v4.new_output(
        "display_data", data={"text/html": f'<p class="omitted">{note}</p>'},
        metadata={"assessment": {"kind": "omitted", "caption": "t", "text": note}})]
    table = nbformat.v4.new_code_cell("", metadata={"tags": ["source:edd_projections"]})
    table.outputs = [nbformat.v4.new_output("display_data",
                                            data={"text/html": "<table>EDD table</table>"})]
    nb.cells = [intro, prose, shown, table]
    path = tmp_path / "01-x.ipynb"
    nbformat.write(nb, path)
    return path


def test_the_report_leaves_out_prose_of_a_source_that_does_not_apply(tmp_path, region):
    path = _notebook(tmp_path, "Projected openings are left out.")
    ohio = report.read_chapter(path, 1, load_region(OHIO))
    body = "".join(ohio.body)
    assert "Always here" in body and "Projected openings are left out." in body
    assert "Prose about the projections" not in body and "EDD table" not in body
    assert [t for _, t in ohio.headings] == []
    ca = "".join(report.read_chapter(path, 1, region).body)
    assert "Prose about the projections" in ca and "EDD table" in ca


def test_an_omitted_table_says_its_sentence_once(monkeypatch):
    shown = []
    monkeypatch.setattr(present, "display", lambda obj, metadata=None: shown.append(metadata))
    monkeypatch.setattr(present, "_said", set())
    gone = present.Omitted("Projected openings are left out.")
    present.table(gone, caption="Openings", source="EDD")
    present.figure(gone, caption="Openings by source", source="EDD")
    present.caveat(None)
    assert [m["assessment"]["kind"] for m in shown] == ["omitted"]


@pytest.mark.parametrize("slug", ["inland-empire", "central-ohio"])
def test_committed_region_files_use_no_source_switch_they_do_not_need(slug):
    raw = yaml.safe_load((paths.REGIONS_DIR / f"{slug}.yml").read_text())
    assert "sources" not in raw  # EDD's absence outside California comes from applies()
