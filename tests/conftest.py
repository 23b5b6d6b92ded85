"""Shared fixtures: a CliRunner and an isolated data directory for every test."""

from __future__ import annotations

import pytest
from click.testing import CliRunner


@pytest.fixture(autouse=True)
def isolated_home(tmp_path, monkeypatch):
    """No test ever touches the real history: GATEBP_HOME points into tmp_path."""
    home = tmp_path / "gatebp-home"
    monkeypatch.setenv("GATEBP_HOME", str(home))
    return home


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()
