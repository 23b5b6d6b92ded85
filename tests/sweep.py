"""How many draws the generation sweeps in the suite take, and one cache of built questions.

`make test` runs every sweep at scale 1, sized to keep the suite inside its time budget on two
cores. GATEBP_SWEEP multiplies every sample (hypothesis examples and seed ranges alike):
`make sweep` runs the same tests at GATEBP_SWEEP=10, thousands of draws per family, as a
release check. Each test still names its own size; the scale only stretches it.
"""

from __future__ import annotations

import os
from functools import cache

from gatebp.gate.question import Question
from gatebp.questions.generate import build_question

SCALE = float(os.environ.get("GATEBP_SWEEP", "1"))


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
