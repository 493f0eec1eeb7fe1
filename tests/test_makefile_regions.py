"""The Makefile keys every output by the region's slug and notices when a region file's content
changes (dry runs and a throwaway folder; nothing is built)."""

from __future__ import annotations

import os
import shutil
import subprocess
import time

import pytest

from assessment import paths

MAKEFILE = paths.ROOT / "Makefile"
pytestmark = pytest.mark.skipif(shutil.which("make") is None, reason="make is not installed")


def _make(*args: str, cwd=paths.ROOT) -> str:
    proc = subprocess.run(["make", "--no-print-directory", "-f", str(MAKEFILE), *args],
                          cwd=cwd, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    return proc.stdout


def test_a_regions_sample_report_builds_only_under_its_slug():
    out = _make("-n", "-B", "sample-report", "REGION=config/regions/inland-empire.yml")
    assert "reports/executed/inland-empire/sample/01-industry-profile.ipynb" in out
    assert "data/sample/inland-empire/raw/.complete" in out
    assert "--region config/regions/inland-empire.yml" in out
    assert "san-joaquin-valley" not in out and "central-ohio" not in out


def test_the_real_report_lands_under_the_slug_too():
    out = _make("-n", "-B", "reports/central-ohio/needs-assessment.pdf",
                "REGION=config/regions/central-ohio.yml")
    assert "reports/executed/central-ohio/real/03-occupations.ipynb" in out
    assert "assessment report --mode real --region config/regions/central-ohio.yml" in out


def test_help_says_where_each_regions_report_lands():
    out = _make("help")
    for region in sorted(paths.REGIONS_DIR.glob("*.yml")):
        slug = region.stem
        assert (f"config/regions/{region.name} -> reports/{slug}/needs-assessment-sample.pdf"
                in out)


def test_reports_builds_every_region_given_in_parallel():
    out = _make("-n", "-B", "reports", "REGIONS=config/regions/inland-empire.yml "
                "config/regions/central-ohio.yml", "JOBS=2")
    assert "sample-report-for/config/regions/inland-empire.yml " \
           "sample-report-for/config/regions/central-ohio.yml" in out
    # each region's own sub-make (dry-run too) builds under its slug
    for slug in ("inland-empire", "central-ohio"):
        assert f"--region config/regions/{slug}.yml" in out


def test_the_region_stamp_changes_with_the_content_not_the_timestamp(tmp_path):
    region = tmp_path / "r.yml"
    region.write_text("name: R\nslug: r-test\n")
    stamp = tmp_path / "data" / ".regions" / "r-test.sha256"
    _make("where", f"REGION={region}", cwd=tmp_path)
    digest = stamp.read_text()
    old = time.time() - 60
    os.utime(stamp, (old, old))  # so a rewrite would show
    region.touch()
    _make("where", f"REGION={region}", cwd=tmp_path)
    assert abs(stamp.stat().st_mtime - old) < 1  # same content: not rewritten
    region.write_text("name: R\nslug: r-test\nyears: {}\n")
    _make("where", f"REGION={region}", cwd=tmp_path)
    assert stamp.stat().st_mtime > old + 30 and stamp.read_text() != digest


def test_reports_refuses_two_region_files_with_one_slug(tmp_path):
    twin = tmp_path / "twin.yml"
    twin.write_text((paths.REGIONS_DIR / "inland-empire.yml").read_text())
    proc = subprocess.run(["make", "--no-print-directory", "-f", str(MAKEFILE), "-n", "reports",
                           f"REGIONS=config/regions/inland-empire.yml {twin}"],
                          cwd=paths.ROOT, capture_output=True, text=True, timeout=120)
    assert proc.returncode != 0 and "share the slug inland-empire" in proc.stderr
