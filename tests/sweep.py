"""How many draws the generation sweeps in the suite take, and one cache of built questions.

Each test names the size of its sample; GATEBP_SWEEP multiplies every one of them (hypothesis
examples and seed ranges alike). `make test` runs them at 0.6, which keeps the whole suite inside
its two-minute budget on two cores and still reaches every family form; `make sweep` runs the
same tests at GATEBP_SWEEP=10, thousands of draws per family, as a release check. Per-issue
minimums (the >= 300 seeds of each issue-15 family) do not go through the scale.
"""

from __future__ import annotations

import os
from functools import cache

from gatebp.gate.question import Question
from gatebp.questions.generate import build_question

SCALE = float(os.environ.get("GATEBP_SWEEP", "0.6"))


def scaled(n: int) -> int:
    """n draws at the current scale (never fewer than one)."""
    return max(1, round(n * SCALE))


def seeds(n: int, start: int = 0) -> range:
    """n seeds from `start`, stretched by the scale."""
    return range(start, start + scaled(n))


@cache
def built(topic: str, qtype: str, marks: int, seed: int) -> Question:
    """build_question, once per worker for each (form, seed): questions are frozen records, and
    several test files read the same draws."""
    return build_question(topic, qtype, marks, seed)
