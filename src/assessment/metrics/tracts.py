"""Carrying 2010-tract values onto 2020 tracts with the Census relationship file's land shares.

``rel`` is the tidy relationship table (:mod:`assessment.sources.tract_relationship`): one row
per piece, ``tract_2020, tract_2010, share_of_2020`` (the piece's share of its 2020 tract's
land) and ``share_of_2010`` (its share of its 2010 tract's land).

* **flags** (SB 535, CEJST): the 2020 tract's *disadvantaged share* is the land share of its
  pieces that lie in flagged 2010 tracts, Σ share_of_2020 · flag, over the pieces whose 2010
  tract the list covers (``coverage``). A 2020 tract is counted as disadvantaged when that share
  is at least one half (:data:`MAJORITY`) of the covered land: a tract split between a
  disadvantaged and an ordinary 2010 tract takes the status of the one that holds most of its
  land; a tie counts as disadvantaged. The share is kept, so split tracts can be listed.
* **intensive values** (scores, percentiles): the land-weighted mean over the covered pieces,
  Σ share_of_2020 · v / Σ share_of_2020.
* **counts** (population): each 2010 count is split by ``share_of_2010`` and the pieces summed,
  Σ share_of_2010 · v, which assumes people are spread evenly over a tract's land.

A 2020 tract none of whose pieces the 2010 list covers gets missing values (never False or 0).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

MAJORITY = 0.5


def _pieces(values: pd.DataFrame, rel: pd.DataFrame, key: str) -> pd.DataFrame:
    v = values.rename(columns={key: "tract_2010"})
    return rel[["tract_2020", "tract_2010", "share_of_2020", "share_of_2010"]].merge(
        v, on="tract_2010", how="left", validate="many_to_one")


def allocate_flags(values: pd.DataFrame, rel: pd.DataFrame, columns: Sequence[str],
                   key: str = "tract") -> pd.DataFrame:
    """Per 2020 tract: ``<col>_share`` (land share in flagged 2010 tracts, of covered land),
    ``<col>`` (share >= one half), ``<col>_coverage`` (land share the list covers)."""
    p = _pieces(values[[key, *columns]], rel, key)
    out = pd.DataFrame(index=pd.Index(sorted(rel["tract_2020"].unique()), name="tract_2020"))
    w = p["share_of_2020"].astype(float)
    for col in columns:
        flag = p[col].astype("boolean")
        known = flag.notna()
        covered = (w * known).groupby(p["tract_2020"]).sum()
        flagged = (w * flag.fillna(False).astype(float)).groupby(p["tract_2020"]).sum()
        with np.errstate(divide="ignore", invalid="ignore"):
            share = (flagged / covered).where(covered > 0)
        out[f"{col}_share"] = share.reindex(out.index).astype("Float64")
        out[f"{col}_coverage"] = covered.reindex(out.index).fillna(0.0).astype(float)
        status = (share >= MAJORITY - 1e-12).astype("boolean").where(covered > 0, pd.NA)
        out[col] = status.reindex(out.index).astype("boolean")
    return out.reset_index()


def allocate_mean(values: pd.DataFrame, rel: pd.DataFrame, columns: Sequence[str],
                  key: str = "tract") -> pd.DataFrame:
    """Per 2020 tract: the land-weighted mean of each column over pieces where it is known."""
    p = _pieces(values[[key, *columns]], rel, key)
    out = pd.DataFrame(index=pd.Index(sorted(rel["tract_2020"].unique()), name="tract_2020"))
    w = p["share_of_2020"].astype(float)
    for col in columns:
        v = p[col].astype("Float64").astype(float)
        known = ~np.isnan(v)
        num = (w * np.where(known, v, 0.0)).groupby(p["tract_2020"]).sum()
        den = (w * known).groupby(p["tract_2020"]).sum()
        with np.errstate(divide="ignore", invalid="ignore"):
            mean = (num / den).where(den > 0)
        out[col] = mean.reindex(out.index).astype("Float64")
    return out.reset_index()


def allocate_counts(values: pd.DataFrame, rel: pd.DataFrame, columns: Sequence[str],
                    key: str = "tract") -> pd.DataFrame:
    """Per 2020 tract: each 2010 count split by the piece's share of the 2010 tract, summed;
    missing where no piece's count is known."""
    p = _pieces(values[[key, *columns]], rel, key)
    out = pd.DataFrame(index=pd.Index(sorted(rel["tract_2020"].unique()), name="tract_2020"))
    w = p["share_of_2010"].astype(float)
    for col in columns:
        v = p[col].astype("Float64").astype(float)
        known = ~np.isnan(v)
        total = (w * np.where(known, v, 0.0)).groupby(p["tract_2020"]).sum()
        any_known = pd.Series(known).groupby(p["tract_2020"].to_numpy()).any()
        out[col] = total.where(any_known).reindex(out.index).astype("Float64")
    return out.reset_index()
