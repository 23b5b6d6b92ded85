"""Helpers the concept and formula families share for claims and for spacing numeric options.

A claim is plain data; numbers in it are written as exact fractions ("3/20") so a checker can
re-derive them without floats. `claimed` builds an option from its claim, `valued` is an MSQ
statement that shows either the true value or a named slip's value, and `spaced` keeps only the
slips that make honest distractors: at least 5% and two displayed units from the key and from
each other, so rounding an intermediate value never lands a student on a distractor.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Sequence
from fractions import Fraction

import sympy as sp

from gatebp.core.values import as_float
from gatebp.gate.question import QuestionType
from gatebp.network.slips import Slip
from gatebp.questions.families._markup import with_rounding
from gatebp.questions.families.common import Choice, require

RELATIVE_GAP = 0.05


def frac(value: sp.Expr | Fraction | int | str) -> str:
    """An exact rational as claim data: "3/20", "-4", "1/4"."""
    if isinstance(value, str):
        return str(Fraction(value))
    if isinstance(value, (Fraction, int)):
        return str(Fraction(value))
    rational = sp.nsimplify(value) if not value.is_Rational else value
    if not rational.is_Rational:
        raise ValueError(f"{value} is not rational")
    return str(Fraction(int(rational.p), int(rational.q)))


def exact(text: str) -> sp.Rational:
    """The SymPy rational a claim's "3/20" stands for."""
    value = Fraction(text)
    return sp.Rational(value.numerator, value.denominator)


def claimed(text: str, claim: dict[str, object], correct: bool, mistake: str | None = None) -> Choice:
    """An option that asserts `claim`; `correct` is the family's intent, which pose re-decides."""
    return Choice(text, correct, mistake=None if correct else mistake, claim=claim)


def valued(template: str, truth: sp.Expr, slip: Slip | None, rng: random.Random,
           claim: Callable[[sp.Expr], dict[str, object]], fmt: Callable[[sp.Expr], str],
           p_true: float = 0.5) -> Choice:
    """`template.format(value)` with the true value or (by a coin) the slip's; the claim records the
    value shown. A slip too near the truth (within 5%, or rounding to the same value) would not be a
    clearly false statement, so it is skipped."""
    if slip is not None and rng.random() >= p_true and _distinct(sp.S(slip.value), sp.S(truth), fmt):
        wrong = sp.S(slip.value)
        return Choice(template.format(fmt(wrong)), False, mistake=slip.mistake, claim=claim(wrong))
    return Choice(template.format(fmt(sp.S(truth))), True, claim=claim(sp.S(truth)))


def _distinct(wrong: sp.Expr, truth: sp.Expr, fmt: Callable[[sp.Expr], str]) -> bool:
    if fmt(wrong) == fmt(truth):
        return False
    if not (wrong.is_number and truth.is_number):
        return True
    return apart(as_float(wrong), as_float(truth), 4)


def apart(a: float, b: float, places: int) -> bool:
    """Two option values a student cannot confuse: 5% of the larger and two last-place units apart."""
    gap = abs(a - b)
    return gap >= RELATIVE_GAP * max(abs(a), abs(b)) - 1e-12 and gap >= 2 * 10.0**-places - 1e-12


def spaced(answer: sp.Expr, slips: Sequence[Slip], places: int, need: int = 3) -> list[Slip]:
    """The slips, in order, that stay `apart` from the answer and from every slip kept before them
    (values compared as shown, rounded to `places`); fewer than `need` means another draw."""
    kept: list[Slip] = []
    shown = [round(as_float(answer), places)]
    for slip in slips:
        value = round(slip.number, places)
        if all(apart(value, other, places) for other in shown):
            kept.append(slip)
            shown.append(value)
    require(len(kept) >= need, "fewer than three distractors far enough from the key")
    return kept


def plural(count: int, noun: str, many: str | None = None) -> str:
    """"1 pass", "3 passes": the count with its noun agreeing."""
    return f"{count} {noun if count == 1 else many or noun + 's'}"


def rounding_note(body: str, answer: sp.Expr, slips: Sequence[Slip], places: int, qtype: QuestionType) -> str:
    """The stem, saying an MCQ's options are rounded: the options are the answer and the first
    three slips (`spaced` keeps only slips pose will use)."""
    return with_rounding(body, qtype, [answer, *(s.value for s in slips[:3])], places)


def not_a_tie(answer: sp.Expr, places: int) -> bool:
    """False for an answer exactly half-way between two roundings (0.625 to 2 places): the printed
    option and a student's round-half-up would differ."""
    scaled = sp.S(answer) * 10**places
    return not (scaled.is_Rational and (2 * scaled).is_Integer and not scaled.is_Integer)
