"""Small tools the batch, vanishing, residual, delta, finite-difference and concept families share.

They sit beside `common.py` rather than in it so those families could be written without
touching the shared module; nothing here registers a family.
"""

from __future__ import annotations

import random
from dataclasses import replace
from collections.abc import Callable, Sequence
from fractions import Fraction

import sympy as sp

from gatebp.families.common import Choice, num, numeric_question, places_for
from gatebp.mistakes import Slip
from gatebp.question import Question
from gatebp.steps import Solution, short


def places_covering(exact: sp.Expr, slips: Sequence[Slip], cap: int = 2) -> int:
    """Decimal places that show the answer and every slip faithfully (so a mean of 7/3 is not "2")."""
    return max([places_for(exact, cap)] + [places_for(sp.S(s.value), cap) for s in slips])


def path_sum(solution: Solution, through: str) -> sp.Expr:
    """The part of the gradient carried by the paths that pass through `through`."""
    return sp.Add(*(p.product for p in solution.paths if through in p.names))


def shown(value: sp.Expr) -> str:
    """A value as a statement prints it: exact when short, else four decimals."""
    return short(sp.S(value))


def claim(text: str, value: sp.Expr, slip: Slip | None, rng: random.Random, p_true: float = 0.5,
          fmt: Callable[[sp.Expr], str] = shown) -> Choice:
    """A numeric MSQ statement `text.format(v)`: the true value, or (by a coin) a named slip's value.

    A slip that prints like the true value cannot make a false statement, so the claim stays true.
    """
    if slip is not None and rng.random() >= p_true and fmt(slip.value) != fmt(value):
        return Choice(text.format(fmt(slip.value)), False, float(sp.N(slip.value, 30)), slip.mistake)
    return Choice(text.format(fmt(value)), True, float(sp.N(value, 30)))


def decimal(value: sp.Expr) -> str:
    """An exact terminating decimal as written (0.000081), for rational values."""
    return num(Fraction(str(sp.S(value))))


def fact(true_text: str, false_text: str, false_mistake: str, rng: random.Random, p_true: float = 0.5) -> Choice:
    """A conceptual MSQ statement: the true wording, or its false twin named by the slip behind it."""
    if rng.random() < p_true:
        return Choice(true_text, True)
    return Choice(false_text, False, mistake=false_mistake)



def some_true(choices: list[Choice]) -> list[Choice]:
    """An MSQ needs a correct option; when the coins made every statement false, draw again."""
    from gatebp.families.base import Resample

    if not any(c.correct for c in choices):
        raise Resample("no true statement")
    return choices


def evaluated(slips: Sequence[Slip]) -> list[Slip]:
    """Slips with irrational values evaluated once to 30 digits: the option builders read
    `Slip.number` many times, and re-evaluating nested exp terms each time is slow."""
    return [s if sp.S(s.value).is_Rational else Slip(sp.N(s.value, 30), s.mistake) for s in slips]


def numeric(**kwargs: object) -> Question:
    """`numeric_question`, with negative option texts that lost their sign put right.

    common._fmt turns "-0.0052" into "0.0052" (its `replace("-0.00", "0.00")` meant only "-0.00"),
    so a small negative answer could print like its positive slip; we restore the sign here.
    """
    question = numeric_question(**kwargs)  # type: ignore[arg-type]
    options = tuple(replace(o, text="-" + o.text) if o.value is not None and o.value < 0
                    and not o.text.startswith("-") and float(o.text) != 0 else o for o in question.options)
    return replace(question, options=options)
