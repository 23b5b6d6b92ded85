"""GATE's marking scheme in one place: marks, the MCQ penalty, and how marks are written.

MCQ: +m right, -m/3 wrong; MSQ and NAT: no negative marks (GATE.md). Marks are exact Fractions,
written the way a marking scheme writes thirds.
"""

from __future__ import annotations

from fractions import Fraction


def penalty(qtype: str, marks: int) -> Fraction:
    """What a wrong answer costs: a third of the marks for an MCQ, nothing for MSQ and NAT."""
    return Fraction(marks, 3) if qtype == "MCQ" else Fraction(0)


def penalty_text(qtype: str, marks: int) -> str:
    """"wrong: -2/3" for an MCQ, "no negative marks" otherwise."""
    return f"wrong: -{penalty(qtype, marks)}" if qtype == "MCQ" else "no negative marks"


def marks_words(marks: int) -> str:
    """"1 mark", "2 marks"."""
    return f"{marks} mark" if marks == 1 else f"{marks} marks"


def signed(score: Fraction) -> str:
    """"+2", "-2/3" or "0": one question's marks as a marking scheme writes them."""
    if score == 0:
        return "0"
    return ("+" if score > 0 else "-") + str(abs(score))


def exact_total(score: Fraction) -> str:
    """A total in whole marks and thirds: 31, 10 1/3, -1/3, -2 2/3."""
    score = Fraction(score).limit_denominator(3)
    sign = "-" if score < 0 else ""
    whole, rest = divmod(abs(score), 1)
    if not rest:
        return f"{sign}{whole}"
    return f"{sign}{rest}" if not whole else f"{sign}{whole} {rest}"


def summary_marks(marks: Fraction) -> str:
    """"+12", "-2/3", or "+10.33" for a total mixing thirds and whole marks (the stats table)."""
    if marks == 0:
        return "0"
    size = abs(marks)
    if size.denominator == 1 or size < 1:
        return signed(marks)
    return f"{'+' if marks > 0 else '-'}{float(size):.2f}"
