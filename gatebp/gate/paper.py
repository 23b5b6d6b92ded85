"""The GATE DA paper's proportions: 25 one-mark and 30 two-mark questions, 180 minutes for 65
questions, and the mix of MCQ, MSQ and NAT, scaled to any count (largest remainder). Pure rules:
questions/paper.py draws a mock from them and the printed paper states the time they give.
"""

from __future__ import annotations

import math

ONE_MARK, TWO_MARK = 25, 30
PAPER_QUESTIONS, PAPER_MINUTES = 65, 180
TYPE_SHARE = {"MCQ": 0.5, "MSQ": 0.2, "NAT": 0.3}

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
