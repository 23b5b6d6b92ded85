"""Option builders the issue-15 families share to pose a Problem whose every option is a claim.

`slips_of` turns the families' named wrong answers into the Slips `pose` spaces and letters;
`vector_choices` makes an MCQ whose options are vectors (an output, a gradient row, a clipped
gradient), each carrying a claim built by the family (a graph's `quantities`, or a kind the
family's decider recomputes); `valued_choice` is an MSQ statement "label = value" with such a
claim. Spacing follows the claims standard: 5% of the larger value and beyond the key's tolerance.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Sequence

import sympy as sp

from gatebp.network.slips import Slip
from gatebp.questions.families._claims import Named, Number, as_float, keep_apart, rounded, vector_text
from gatebp.questions.families.choice import Choice, apart, require
from gatebp.questions.families.quantities import stated
from gatebp.questions.problem import Problem

ClaimOf = Callable[[tuple[float, ...]], dict[str, object]]


def slips_of(named: Sequence[Named]) -> list[Slip]:
    """Scalar named slips as the Slips a Problem carries (their values at 30 digits)."""
    return [Slip(_short(n.value[0]), n.mistake) for n in named]


def _short(value: float) -> sp.Expr:
    """A float that is a short decimal (-0.5, 2.25) as that exact rational, so a statement prints
    "= -0.5" and not "≈ -0.5"; any other value at 30 digits."""
    near = round(value, 6)
    return sp.Rational(repr(near)) if abs(value - near) < 1e-12 else sp.Float(value, 30)


def exact_slip(value: Number, mistake: str) -> Slip:
    return Slip(sp.nsimplify(value) if isinstance(value, float) else sp.S(value), mistake)


def vector_choices(key: Sequence[Number], slips: Sequence[Named], places: int, claim: ClaimOf, *,
                   exact: bool) -> list[Choice]:
    """The key vector and three named wrong vectors that stay apart (as printed), each with its claim.
    `exact`: every value has at most `places` decimals, so one unit of the last place separates."""
    truth = tuple(round(as_float(v), places) for v in key)
    tol = 10.0**-places * (0.999 if exact else 2.001)
    chosen = keep_apart(truth, [rounded(s, places) for s in slips], tol, 3)
    choices = [Choice(vector_text(truth, places), True, claim=claim(truth))]
    choices += [Choice(vector_text(s.value, places), False, mistake=s.mistake, claim=claim(s.value))
                for s in chosen]
    require(len({c.text for c in choices}) == 4, "two options print alike")
    return choices


def valued_choice(label: str, truth: Number, slip: Slip | None, rng: random.Random,
                  claim: Callable[[float, int], dict[str, object]], *, places: int = 3,
                  p_true: float = 0.5) -> Choice:
    """"label = value" (or "≈ value"): the true value or, by a coin, a named slip's value when it is
    apart from the truth; the claim records the value shown, for the family's decider to re-judge."""
    value = sp.S(truth)
    wrong = False
    if slip is not None and rng.random() >= p_true and apart(slip.number, as_float(value), 10.0**-places * 2.001):
        value, wrong = sp.S(slip.value), True
    number = round(as_float(value), places)
    text = f"{label} {stated(value, places)}"
    return Choice(text, not wrong, number, slip.mistake if wrong and slip else None, claim=claim(number, places))


def fact_choice(text: str, claim: dict[str, object], truth: bool, mistake: str) -> Choice:
    """A statement whose truth the family computed; its claim is re-decided by the decider."""
    return Choice(text, truth, mistake=None if truth else mistake, claim=claim)


def one_sided(choices: Sequence[Choice]) -> list[Choice]:
    """An MSQ needs a true and (for a real choice) a false statement; otherwise draw again."""
    require(any(c.correct for c in choices) and not all(c.correct for c in choices), "a one-sided MSQ")
    return list(choices)


def spaced_slips(exact: sp.Expr, slips: Sequence[Slip], places: int) -> list[Slip]:
    """The slips (in order) 5% and beyond the key's tolerance from the key and from each other:
    the NAT record's named mistakes and the MCQ's candidates meet the same standard."""
    key = as_float(exact)
    whole = sp.S(exact).is_Rational and (sp.S(exact) * 10**places).is_Integer
    tol = 10.0**-places * (0.999 if whole else 2.001)
    kept: list[Slip] = []
    for slip in slips:
        if all(apart(slip.number, other, tol) for other in [key, *(k.number for k in kept)]):
            kept.append(slip)
    return kept


def problem(**fields: object) -> Problem:
    """A Problem whose slips are spaced from its key (see `spaced_slips`)."""
    exact, slips = fields.get("exact"), fields.get("slips")
    if exact is not None and slips:
        places = fields.get("places")
        fields["slips"] = spaced_slips(exact, slips, 2 if places is None else int(str(places)))  # type: ignore[arg-type]
    return Problem(**fields)  # type: ignore[arg-type]
