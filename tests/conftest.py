"""Shared fixtures (a CliRunner, an isolated data directory) and the hypothesis profiles.

Under CI=true every property test is derandomized and keeps no example database, so CI runs the
same examples every time; elsewhere the "dev" profile draws fresh examples and remembers failures.
HYPOTHESIS_PROFILE picks a profile by name (e.g. "explore" for a long run by hand).
"""

from __future__ import annotations

import os
from datetime import timedelta

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, settings

DEADLINE = timedelta(seconds=5)  # every example is well under 0.5 s; this catches a solver that regresses
settings.register_profile("ci", derandomize=True, database=None, deadline=DEADLINE, print_blob=True,
                          suppress_health_check=[HealthCheck.too_slow])
settings.register_profile("dev", deadline=DEADLINE, print_blob=True, suppress_health_check=[HealthCheck.too_slow])
settings.register_profile("explore", parent=settings.get_profile("dev"), max_examples=2000)
settings.load_profile(os.getenv("HYPOTHESIS_PROFILE") or ("ci" if os.getenv("CI") == "true" else "dev"))


@pytest.fixture(autouse=True)
def isolated_home(tmp_path, monkeypatch):
    """No test ever touches the real history: GATEBP_HOME points into tmp_path."""
    home = tmp_path / "gatebp-home"
    monkeypatch.setenv("GATEBP_HOME", str(home))
    return home


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()
