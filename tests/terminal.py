"""One way to run `gatebp practice` in a real pseudo-terminal (pexpect), for the pty tests.

Input goes in as soon as the test sends it (pexpect's default waits 50 ms before every send, for
programs that drop keys typed too early; a line typed into a pty waits in the kernel's buffer
until gatebp reads it, so the wait only costs time). Closing keeps pexpect's grace delays: the
closed-terminal tests need the child to get its SIGHUP and save before anything harder follows.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

pexpect = pytest.importorskip("pexpect")

GATEBP = str(Path(sys.executable).with_name("gatebp"))


def spawn_practice(home: Path, *args: str, columns: int = 80):  # type: ignore[no-untyped-def]
    """`gatebp practice ARGS` with its history under `home`, uncoloured, `columns` wide."""
    env = dict(os.environ, GATEBP_HOME=str(home), NO_COLOR="1", COLUMNS=str(columns), LINES="40")
    child = pexpect.spawn(GATEBP, ["practice", *args], env=env, encoding="utf-8", timeout=30,
                          dimensions=(40, columns))
    child.delaybeforesend = None
    return child
