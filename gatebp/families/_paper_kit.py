"""Small tools the paper-group families share (param-count, perceptron, activation-properties,
derivative-from-output, sgd-steps, multipath-relu); nothing here registers a family.

They sit in their own module so those families need no change to the shared `common.py`:
exact numbers from Fractions, option lists whose distractors are kept apart and named, and
MSQ statements that are either true or carry the slip that makes them false.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from fractions import Fraction

import sympy as sp

from gatebp.families.base import Resample
from gatebp.families.common import Choice, num
from gatebp.mistakes import Slip
from gatebp.steps import short


def rational(value: Fraction | int) -> sp.Rational:
    """A Fraction as the exact SymPy number the Question keys are built from."""
    value = Fraction(value)
    return sp.Rational(value.numerator, value.denominator)


def text(value: Fraction | int | sp.Expr) -> str:
    """A number as the question shows it: 2, -0.5, 0.1875, or ≈ 0.2350 for long values."""
    if isinstance(value, (Fraction, int)):
        return num(Fraction(value))
    return short(sp.S(value))


def vector(values: Sequence[Fraction | int]) -> str:
    """"[1, -0.5, 2]" as the paper writes a vector."""
    return "[" + ", ".join(num(Fraction(v)) for v in values) + "]"


def matrix(rows: Sequence[Sequence[Fraction | int]]) -> str:
    """"[[1, 1, 0], [1, 0, 1]]": a weight matrix written row by row."""
    return "[" + ", ".join(vector(row) for row in rows) + "]"


def require(condition: bool, why: str = "numbers do not suit") -> None:
    """Ask the generator for another draw when the sampled numbers do not suit."""
    if not condition:
        raise Resample(why)


def statement(template: str, value: sp.Expr, slip: Slip | None, rng: random.Random,
              p_true: float = 0.5) -> Choice:
    """An MSQ statement `template.format(v)`: the true value, or (by a coin) a named slip's value.

    A slip that prints like the true value cannot make a false statement, so the claim stays true.
    """
    value = sp.S(value)
    if slip is not None and rng.random() >= p_true and text(sp.S(slip.value)) != text(value):
        return Choice(template.format(text(sp.S(slip.value))), False, slip.number, slip.mistake)
    return Choice(template.format(text(value)), True, float(sp.N(value, 30)))


def some_true(choices: list[Choice]) -> list[Choice]:
    """An MSQ needs a correct option; when every statement came out false, draw again."""
    require(any(c.correct for c in choices), "no true statement")
    return choices


def four_apart(correct: Choice, candidates: Sequence[Choice], gap: float) -> list[Choice]:
    """The correct choice and the first three candidates whose values differ from all kept
    ones by at least `gap` (and whose texts differ); too few means another draw."""
    chosen = [correct]
    for candidate in candidates:
        if len(chosen) == 4:
            break
        if candidate.text in {c.text for c in chosen}:
            continue
        if candidate.value is not None and any(c.value is not None and abs(candidate.value - c.value) < gap
                                               for c in chosen):
            continue
        chosen.append(candidate)
    require(len(chosen) == 4, "fewer than three distinct distractors")
    return chosen
