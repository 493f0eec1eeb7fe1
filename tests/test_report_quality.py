"""The data-quality appendix counts agency flags in processed tables (hand-counted below)."""

from __future__ import annotations

import pandas as pd

from assessment import paths, report


def test_quality_table_counts_flags_and_ignores_benign_ones(tmp_path, monkeypatch):
    dirs = paths.DataDirs(paths.Mode.SAMPLE, tmp_path / "raw", tmp_path / "processed")
    dirs.processed.mkdir(parents=True)
    monkeypatch.setattr(paths, "data_dirs", lambda mode, region=None: dirs)
    # QCEW-like: 4 rows, 1 suppressed
    pd.DataFrame({"employment": [1.0, None, 3.0, 4.0],
                  "suppressed": [False, True, False, False]}).to_parquet(
        dirs.processed / "qcew_annual.parquet")
    # OEWS-like: row 0 suppressed twice (counted once), row 1 top-coded, row 2 only "absent"
    pd.DataFrame({"h_median_flag": ["suppressed", "", "absent"],
                  "a_median_flag": ["suppressed", "top_coded", ""]}).to_parquet(
        dirs.processed / "oews_areas.parquet")
    # QWI-like: status 1 is OK; 5 and -1 are flagged
    pd.DataFrame({"status_flag": pd.array([1, 5, -1, 1, 5], dtype="Int64")}).to_parquet(
        dirs.processed / "qwi.parquet")
    # no flag columns at all: not listed
    pd.DataFrame({"x": [1]}).to_parquet(dirs.processed / "laus.parquet")

    t = report.quality_table(paths.Mode.SAMPLE, "san-joaquin-valley").set_index("table")
    assert list(t.index) == ["oews_areas", "qcew_annual", "qwi"]
    assert t.loc["qcew_annual", "rows flagged"] == 1
    assert t.loc["qcew_annual", "share (%)"] == 25.0
    assert t.loc["oews_areas", "rows flagged"] == 2  # "absent" is how OEWS publishes, not a flag
    assert t.loc["oews_areas", "flags (rows)"] in ("suppressed 1, top_coded 1",
                                                   "top_coded 1, suppressed 1")
    assert t.loc["qwi", "rows flagged"] == 3
    assert "status 5 2" in t.loc["qwi", "flags (rows)"]
