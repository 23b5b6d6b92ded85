"""Shared fixtures (a CliRunner, an isolated data directory) and the hypothesis profiles.

Under CI=true every property test is derandomized and keeps no example database, so CI runs the
same examples every time; elsewhere the "dev" profile draws fresh examples and remembers failures.
HYPOTHESIS_PROFILE picks a profile by name (e.g. "explore" for a long run by hand).
"""

from __future__ import annotations

import itertools
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


@pytest.fixture(scope="session")
def _homes(tmp_path_factory):
    return itertools.count(), tmp_path_factory.mktemp("homes")


@pytest.fixture(autouse=True)
def isolated_home(_homes, monkeypatch):
    """No test ever touches the real history: GATEBP_HOME names a fresh directory of its own.

    The directory is only named, not made (gatebp creates its home on first write), so the
    2,900 tests that never write history do not each pay for a tmp_path."""
    counter, root = _homes
    home = root / f"home-{next(counter)}"
    monkeypatch.setenv("GATEBP_HOME", str(home))
    return home


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()
