"""A GATE-like mock: the DA section's mix of 1- and 2-mark, MCQ/MSQ/NAT questions, scaled.

The paper's DA section has 25 one-mark and 30 two-mark questions in 180 minutes for 65
questions overall. A mock of `count` questions keeps those proportions (largest remainder), and
within each mark group mixes the types about half MCQ, a fifth MSQ and the rest NAT. One-mark
questions come first, as on the paper. Families are read from the registry, so a form no family
offers is replaced by another type with the same marks.
"""

from __future__ import annotations

import math
import random
from collections.abc import Sequence
from dataclasses import dataclass

from gatebp.core.errors import GatebpError
from gatebp.questions.families import Family
from gatebp.questions.generate import families_by_name

ONE_MARK, TWO_MARK = 25, 30
PAPER_QUESTIONS, PAPER_MINUTES = 65, 180
TYPE_SHARE = {"MCQ": 0.5, "MSQ": 0.2, "NAT": 0.3}

Plan = tuple[str, str, int, int]  # (topic, type, marks, seed), as generate.plan_set gives


@dataclass(frozen=True)
class PaperPlan:
    items: tuple[Plan, ...]
    minutes: float

    @property
    def total_marks(self) -> int:
        return sum(item[2] for item in self.items)


def split(total: int, shares: dict[str, float]) -> dict[str, int]:
    """Divide `total` in proportion to `shares` (largest remainder; ties in key order)."""
    weight = sum(shares.values())
    exact = {k: total * v / weight for k, v in shares.items()}
    counts = {k: math.floor(x) for k, x in exact.items()}
    left = total - sum(counts.values())
    for key in sorted(shares, key=lambda k: counts[k] - exact[k])[:left]:
        counts[key] += 1
    return counts


def mark_split(count: int) -> tuple[int, int]:
    """(one-mark, two-mark) questions for a mock of `count` questions."""
    split_ = split(count, {"1": ONE_MARK, "2": TWO_MARK})
    return split_["1"], split_["2"]


def paper_minutes(count: int) -> float:
    """Time scaled from the paper's 180 minutes for 65 questions, in whole minutes (at least 1)."""
    return float(max(1, round(PAPER_MINUTES * count / PAPER_QUESTIONS)))


def paper_mix(count: int) -> list[tuple[str, int]]:
    """The (type, marks) of each question in paper order: one-mark first, types interleaved."""
    mix: list[tuple[str, int]] = []
    for marks, n in zip((1, 2), mark_split(count), strict=True):
        types = split(n, TYPE_SHARE)
        mix += [(t, marks) for t in _interleave(types)]
    return mix


def _interleave(counts: dict[str, int]) -> list[str]:
    """Spread the types through a group (MCQ, NAT, MSQ, MCQ, ...) rather than in blocks."""
    left, out = dict(counts), []
    while any(left.values()):
        for qtype in ("MCQ", "NAT", "MSQ"):
            if left.get(qtype):
                out.append(qtype)
                left[qtype] -= 1
    return out


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
