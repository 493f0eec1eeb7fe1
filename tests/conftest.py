"""Shared test fixtures. No test touches the network: HTTP is mocked with ``responses``."""

from __future__ import annotations

from pathlib import Path

import pytest

from assessment import download, paths
from assessment.region import load_region

HERE = Path(__file__).resolve().parent
FIXTURES = HERE / "fixtures"
REALDATA = paths.ROOT.parent / "shared" / "realdata"


@pytest.fixture
def fixtures() -> Path:
    return FIXTURES


@pytest.fixture
def realdata() -> Path:
    """``../shared/realdata``: real agency files; tests using it skip where it is absent."""
    if not REALDATA.is_dir():
        pytest.skip("../shared/realdata is not present on this machine")
    return REALDATA


@pytest.fixture
def region():
    return load_region(paths.DEFAULT_REGION)


@pytest.fixture
def dirs(tmp_path) -> paths.DataDirs:
    """Empty raw/processed folders under a temporary directory."""
    return paths.DataDirs(paths.Mode.REAL, tmp_path / "raw", tmp_path / "processed")


@pytest.fixture
def fast_http(monkeypatch):
    """Retries without real waiting, a contact e-mail in the environment."""
    monkeypatch.setattr(download, "POLICY", download.Policy(
        attempts=3, timeout=(1, 1), backoff=0.0, max_wait=0.0, pause=0.0))
    monkeypatch.setattr(download, "_last_call", {})
    monkeypatch.setenv(download.CONTACT_ENV, "research@example.org")
    return download.POLICY
