"""A GATE-like mock: the DA section's mix of 1- and 2-mark, MCQ/MSQ/NAT questions, scaled.

The paper's DA section has 25 one-mark and 30 two-mark questions in 180 minutes for 65
questions overall. A mock of `count` questions keeps those proportions (largest remainder), and
within each mark group mixes the types about half MCQ, a fifth MSQ and the rest NAT. One-mark
questions come first, as on the paper. Families are read from the registry, so a form no family
offers is replaced by another type with the same marks.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass

from gatebp.core.errors import GatebpError
from gatebp.gate.paper import paper_minutes, paper_mix
from gatebp.questions.families import Family
from gatebp.questions.generate import families_by_name

Plan = tuple[str, str, int, int]  # (topic, type, marks, seed), as generate.plan_set gives


@dataclass(frozen=True)
class PaperPlan:
    items: tuple[Plan, ...]
    minutes: float

    @property
    def total_marks(self) -> int:
        return sum(item[2] for item in self.items)


def plan_paper(seed: int, count: int, topics: Sequence[str] = ()) -> PaperPlan:
    """The questions of a mock: the paper's mix over the chosen (or all) families."""
    families = families_by_name(topics)
    rng = random.Random(f"gatebp-paper|{seed}")
    items: list[Plan] = []
    rotation: list[Family] = []
    for qtype, marks in paper_mix(count):
        rotation = rotation or rng.sample(families, len(families))
        family, form = _take(rotation, families, qtype, marks, rng)
        items.append((family.name, form[0], form[1], rng.randrange(10**6)))
    return PaperPlan(tuple(items), paper_minutes(count))


def _take(rotation: list[Family], families: list[Family], qtype: str, marks: int,
          rng: random.Random) -> tuple[Family, tuple[str, int]]:
    """The next family in the rotation offering the form (else any family that does), or
    failing that the same marks with another type, or any form of the next family."""
    for wanted in _fallbacks(qtype, marks):
        for i, fam in enumerate(rotation):
            if wanted[0] in fam.types and wanted[1] in fam.marks:
                return rotation.pop(i), wanted
        able = [f for f in families if wanted[0] in f.types and wanted[1] in f.marks]
        if able:
            return rng.choice(able), wanted
    fam = rotation.pop(0)
    if not fam.types or not fam.marks:
        raise GatebpError(f"topic {fam.name} offers no question form")
    return fam, (rng.choice(fam.types), rng.choice(fam.marks))


def _fallbacks(qtype: str, marks: int) -> list[tuple[str, int]]:
    others = [t for t in ("MCQ", "NAT", "MSQ") if t != qtype]
    return [(qtype, marks)] + [(t, marks) for t in others]
