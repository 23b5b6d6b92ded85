"""Number and distractor standards for the issue-15 families, in one place.

Kept out of common.py while that module is being changed elsewhere (candidates to move there):
options that are at least 5% apart (relative to the larger of the two) and beyond the NAT key's
tolerance, distractors that come only from named slips (no doubling/halving fillers: too few
named slips that stay apart means another draw), fixed-decimal option texts, vector options.
The leading underscore keeps family discovery from importing this module as a family.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import TypeAlias

import sympy as sp

from gatebp.core.values import as_float
from gatebp.gate.question import Question, QuestionType
from gatebp.network.graph import Find, Graph
from gatebp.network.slips import Slip
from gatebp.questions.families.choice import fixed
from gatebp.questions.families.common import Choice, choice_question, nat_question, require

RELATIVE_GAP = 0.05
Number: TypeAlias = float | Fraction | int | sp.Expr


def tolerance(exact: sp.Expr, places: int) -> float:
    """How far an option must sit from another so grading and display tell them apart: one unit of
    the last place for an exact key, two for a rounded key (its range spans a unit either side)."""
    exact = sp.S(exact)
    whole = exact.is_Rational and (exact * 10**places).is_Integer
    return 10.0**-places * (0.999 if whole else 2.001)


def apart(a: float, b: float, tol: float) -> bool:
    """The standard: |a − b| is at least 5% of the larger magnitude and at least `tol`."""
    return abs(a - b) >= max(RELATIVE_GAP * max(abs(a), abs(b)), tol)


def vectors_apart(u: Sequence[float], v: Sequence[float], tol: float) -> bool:
    """Vectors differ when some entry differs by 5% of the largest entry (and by `tol`)."""
    big = max(abs(x) for x in [*u, *v])
    return max(abs(a - b) for a, b in zip(u, v)) >= max(RELATIVE_GAP * big, tol)


@dataclass(frozen=True)
class Named:
    """A wrong answer (a number or a vector) and the slip behind it ("you ...")."""

    value: tuple[float, ...]
    mistake: str


def named(value: Number | Sequence[Number], mistake: str) -> Named:
    values = value if isinstance(value, (list, tuple)) else [value]
    return Named(tuple(as_float(v) for v in values), mistake)


def rounded(slip: Named, places: int) -> Named:
    """The slip as its option prints it (options are compared as the student reads them)."""
    return Named(tuple(round(v, places) for v in slip.value), slip.mistake)


def keep_apart(key: tuple[float, ...], slips: Sequence[Named], tol: float, want: int | None) -> list[Named]:
    """Slips (in order) that stay apart from the key and from each other; `want` of them or resample."""
    kept: list[Named] = []
    for slip in slips:
        if want is not None and len(kept) == want:
            break
        others = [key] + [k.value for k in kept]
        if all(vectors_apart(slip.value, o, tol) for o in others):
            kept.append(slip)
    require(want is None or len(kept) == want, "fewer than three named distractors stay apart")
    return kept


def numeric_mcq(*, topic: str, marks: int, body: str, exact: sp.Expr, slips: Sequence[Named], places: int,
                steps: Sequence[str], rng: random.Random, graph: Graph | None = None,
                find: Find | None = None, fmt: Callable[[float], str] | None = None) -> Question:
    """MCQ with the key and three named slips as options: fixed decimals ("closest to" when rounded),
    or `fmt` (e.g. exact short decimals when every option is exact)."""
    key = as_float(exact)
    tol = tolerance(exact, places)
    chosen = keep_apart((round(key, places),), [rounded(s, places) for s in slips], tol, 3)
    text = fmt or (lambda v: fixed(v, places))
    choices = [Choice(text(key), True, round(key, places))]
    choices += [Choice(text(s.value[0]), False, round(s.value[0], places), s.mistake) for s in chosen]
    return choice_question(topic=topic, qtype="MCQ", marks=marks, body=body, choices=choices, steps=steps,
                           rng=rng, graph=graph, find=find)


def nat(*, topic: str, marks: int, body: str, exact: sp.Expr, slips: Sequence[Named], places: int,
        steps: Sequence[str], graph: Graph | None = None, find: Find | None = None) -> Question:
    """NAT whose recorded mistakes are the named slips that stay apart from the key."""
    kept = keep_apart((as_float(exact),), slips, tolerance(exact, places), None)
    as_slips = [Slip(sp.Float(k.value[0], 30), k.mistake) for k in kept]
    return nat_question(topic=topic, marks=marks, body=body, exact=exact, steps=steps, slips=as_slips,
                        places=places, graph=graph, find=find)


def numeric(qtype: QuestionType, **kwargs: object) -> Question:
    """NAT or MCQ from the same key and slips."""
    if qtype == "NAT":
        return nat(**kwargs)  # type: ignore[arg-type]
    return numeric_mcq(**kwargs)  # type: ignore[arg-type]


def vector_text(values: Sequence[float], places: int) -> str:
    return "(" + ", ".join(fixed(v, places) for v in values) + ")"


def vector_mcq(*, topic: str, marks: int, body: str, key: Sequence[Number], slips: Sequence[Named],
               places: int, steps: Sequence[str], rng: random.Random, graph: Graph | None = None,
               exact: bool = False) -> Question:
    """MCQ whose options are vectors printed to `places` decimals; distractors are named slips.
    `exact`: every value has at most `places` decimals, so one unit of the last place is enough."""
    truth = tuple(round(as_float(v), places) for v in key)
    tol = 10.0**-places * (0.999 if exact else 2.001)
    chosen = keep_apart(truth, [rounded(s, places) for s in slips], tol, 3)
    choices = [Choice(vector_text(truth, places), True)]
    choices += [Choice(vector_text(s.value, places), False, mistake=s.mistake) for s in chosen]
    require(len({c.text for c in choices}) == 4, "two options print alike")
    return choice_question(topic=topic, qtype="MCQ", marks=marks, body=body, choices=choices, steps=steps,
                           rng=rng, graph=graph)
