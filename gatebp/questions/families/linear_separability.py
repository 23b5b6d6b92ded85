"""Family `linear-separability`: which Boolean functions one perceptron (a threshold unit) can compute.

Each function is given by its definition (a rule over the bits); whether one unit computes it is
decided by computation: an exact Fourier–Motzkin feasibility check over its 2^n rows
(families/_separable.py), which also gives weights for the working or a certificate that no line
(plane) exists. Never a lookup table of "separable" names.
1 mark: two inputs (AND, OR, NAND, NOR, XOR, XNOR, implications), MSQ "which can it compute" or
"which are not linearly separable", MCQ "which one can it not compute".
2 marks: three inputs (8 rows, a plane instead of a line): MSQ over functions described in words,
MCQ over a truth table (which weights compute it, or none), the extra step being to check all 8
rows or to find the obstruction.
Every option is a claim over a truth table: `separable` (decided by the exact check) or `separator`
(these weights give f on every row).
Slips: taking a non-separable function for separable (or the reverse), accepting weights that fit
all but one row.
"""

from __future__ import annotations

import itertools
import random
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction
from functools import cache
from typing import Any

from gatebp.gate.question import QuestionType
from gatebp.questions.claims import Context, decider
from gatebp.questions.claims import Verdict as Decision
from gatebp.questions.families._separable import (
    Point,
    Table,
    Verdict,
    computes,
    decide,
    integer_weights,
    mean,
    table_of,
)
from gatebp.questions.families.base import family
from gatebp.questions.families.common import Choice, minus, require, shown, uni
from gatebp.questions.problem import Problem, Statements, fixed_choices

TOPIC = "linear-separability"


@dataclass(frozen=True)
class Function:
    name: str
    rule: Callable[..., int]
    n: int

    @property
    def table(self) -> Table:
        return _table(self)


TWO = (Function("AND", lambda a, b: a & b, 2), Function("OR", lambda a, b: a | b, 2),
       Function("NAND", lambda a, b: 1 - (a & b), 2), Function("NOR", lambda a, b: 1 - (a | b), 2),
       Function("XOR", lambda a, b: a ^ b, 2), Function("XNOR", lambda a, b: 1 - (a ^ b), 2),
       Function("x₁ AND (NOT x₂)", lambda a, b: a & (1 - b), 2),
       Function("(NOT x₁) OR x₂ (that is, x₁ → x₂)", lambda a, b: (1 - a) | b, 2))
THREE = (Function("majority: at least two of x₁, x₂, x₃ are 1", lambda a, b, c: a + b + c >= 2, 3),
         Function("all of x₁, x₂, x₃ are 1", lambda a, b, c: a & b & c, 3),
         Function("at least one of x₁, x₂, x₃ is 1", lambda a, b, c: a | b | c, 3),
         Function("none of x₁, x₂, x₃ is 1", lambda a, b, c: a + b + c == 0, 3),
         Function("at most one of x₁, x₂, x₃ is 1", lambda a, b, c: a + b + c <= 1, 3),
         Function("exactly one of x₁, x₂, x₃ is 1", lambda a, b, c: a + b + c == 1, 3),
         Function("exactly two of x₁, x₂, x₃ are 1", lambda a, b, c: a + b + c == 2, 3),
         Function("an odd number of x₁, x₂, x₃ are 1 (parity)", lambda a, b, c: (a + b + c) % 2, 3),
         Function("x₁, x₂ and x₃ are all equal", lambda a, b, c: a == b == c, 3),
         Function("x₁ AND (x₂ OR x₃)", lambda a, b, c: a & (b | c), 3),
         Function("x₁ OR (x₂ AND x₃)", lambda a, b, c: a | (b & c), 3),
         Function("x₂ if x₁ = 1, else x₃ (a multiplexer)", lambda a, b, c: b if a else c, 3),
         Function("x₁ XOR x₂ (x₃ is ignored)", lambda a, b, c: a ^ b, 3),
         Function("x₁ AND (NOT x₃)", lambda a, b, c: a & (1 - c), 3))


@cache
def _table(f: Function) -> Table:
    return table_of(f.rule, f.n)


def unit_text(n: int) -> str:
    terms = "$" + " + ".join(f"w{i}*x{i}" for i in range(1, n + 1)) + " + b$"
    names = ", ".join(f"$x{i}$" for i in range(1, n + 1))
    return (f"A single perceptron (one threshold unit) outputs 1 when {terms} > 0 and 0 otherwise; "
            f"the weights and the bias b may be any real numbers. The inputs {names} are each 0 or 1.")


def point(x: Point) -> str:
    return "(" + ", ".join(map(str, x)) + ")"


def reason(f: Function, name: str | None = None) -> str:
    """The computed verdict in a student's words: a separator, or the averaging obstruction."""
    verdict, name = verdict_of(f), name or f.name
    if verdict.separable:
        w = integer_weights(verdict.weights)
        sums = ", ".join(shown(sum(a * b for a, b in zip(w[:-1], x)) + w[-1]) for x in f.table)
        terms = ", ".join(f"{uni(f'w{i}')} = {v}" for i, v in enumerate(w[:-1], start=1))
        return minus(f"{name}: one unit computes it, e.g. {terms}, b = {w[-1]} give w·x + b = {sums} on the rows in order")
    assert verdict.ones is not None and verdict.zeros is not None
    both = "(" + ", ".join(shown(v) for v in mean(verdict.ones)) + ")"
    return (f"{name}: not linearly separable: a weighted average of the inputs where it is 1 "
            f"({_weighted(verdict.ones)}) equals a weighted average of the inputs where it is 0 "
            f"({_weighted(verdict.zeros)}): both are {both}, and w·x + b, being linear, would have to be "
            f"> 0 and ≤ 0 at that point")


def _weighted(weights: dict[Point, Fraction]) -> str:
    return " + ".join(f"{shown(w)}·{point(x)}" for x, w in weights.items())


def rows_text(f: Function) -> str:
    return "; ".join(f"{point(x)} → {out}" for x, out in f.table.items())


@cache
def verdict_of(f: Function) -> Verdict:
    """Computed once per function of the fixed pools (the check is exact, not a table of names)."""
    return decide(f.table)


def separable(f: Function) -> bool:
    return verdict_of(f).separable


def rows_of(table: Table) -> list[list[object]]:
    return [[list(x), out] for x, out in table.items()]


def claim(f: Function, negated: bool) -> Choice:
    """"f" as an option of "which can it compute" (or, negated, "which are NOT separable"): a
    `separable` claim over f's truth table, decided by the exact feasibility check."""
    can = separable(f)
    truth = not can if negated else can
    data = {"kind": "separable", "table": rows_of(f.table), "separable": not negated}
    if truth:
        return Choice(f.name, True, claim=data)
    if can:
        return Choice(f.name, False, mistake="thought no single threshold unit computes it (one does: a line "
                                             "or plane separates its 1s from its 0s)", claim=data)
    return Choice(f.name, False, mistake="thought a single threshold unit computes it (none does: its 1-inputs "
                                         "and its 0-inputs share a weighted average)", claim=data)


def _table_from(claim: Mapping[str, Any]) -> Table:
    return {tuple(int(v) for v in x): int(out) for x, out in claim["table"]}


@decider("separable")
def _decide_separable(claim: Mapping[str, Any], context: Context) -> Decision:
    """Is the table linearly separable? Fourier–Motzkin over exact fractions, with its certificate."""
    verdict = decide(_table_from(claim))
    holds = verdict.separable == bool(claim["separable"])
    if verdict.separable:
        w = integer_weights(verdict.weights)
        return Decision(holds, f"one unit computes it, e.g. w = ({', '.join(map(str, w[:-1]))}), b = {w[-1]}")
    assert verdict.ones is not None
    both = "(" + ", ".join(shown(v) for v in mean(verdict.ones)) + ")"
    return Decision(holds, f"not linearly separable: a weighted average of its 1-inputs and one of its 0-inputs "
                          f"are both {both}")


@decider("separator")
def _decide_separator(claim: Mapping[str, Any], context: Context) -> Decision:
    """Do these weights (bias last) give the table on every row?"""
    table = _table_from(claim)
    weights = [Fraction(str(v)) for v in claim["weights"]]
    wrong = misses(weights, table)
    where = "every row" if not wrong else f"every row but {point(wrong[0])}"
    return Decision(not wrong, f"these weights match f on {where}")


@family(TOPIC, "Which Boolean functions one perceptron can compute (linear separability)", ("MSQ", "MCQ"),
        (1, 2), group="paper")
def build(rng: random.Random, qtype: QuestionType, marks: int) -> Problem:
    pool = TWO if marks == 1 else THREE
    if qtype == "MCQ" and marks == 2:
        picked = _table_mcq(rng)
    elif qtype == "MCQ":
        picked = _odd_one_out(rng, pool)
    else:
        picked = _statements(rng, marks, pool)
    return fixed_choices(topic=TOPIC, qtype=qtype, marks=marks, body=picked.body, choices=picked.choices,
                         steps=picked.steps)


def _statements(rng: random.Random, marks: int, pool: Sequence[Function]) -> Statements:
    negated = rng.random() < 0.35
    chosen = rng.sample(list(pool), 4)
    choices = [claim(f, negated) for f in chosen]
    require(any(c.correct for c in choices) and not all(c.correct for c in choices), "a one-sided MSQ")
    ask = ("Which of the following Boolean functions are NOT linearly separable (no single such unit computes them)?"
           if negated else "Which of the following Boolean functions can it compute?")
    return Statements(body=f"{unit_text(chosen[0].n)} {ask}", choices=choices, steps=[reason(f) for f in chosen])


def _odd_one_out(rng: random.Random, pool: Sequence[Function]) -> Statements:
    """MCQ: exactly one of the four is not separable."""
    bad = [f for f in pool if not separable(f)]
    good = [f for f in pool if separable(f)]
    chosen = [rng.choice(bad)] + rng.sample(good, 3)
    choices = [claim(f, negated=True) for f in chosen]
    body = f"{unit_text(2)} Which one of the following Boolean functions can it NOT compute?"
    return Statements(body=body, choices=choices, steps=[reason(f) for f in chosen])


def misses(weights: Sequence[Fraction], table: Table) -> list[Point]:
    """The rows where the unit with these weights (bias last) disagrees with the table."""
    *w, b = weights
    return [x for x, out in table.items() if (sum(a * c for a, c in zip(w, x)) + b > 0) != bool(out)]


@cache
def _search(f: Function) -> tuple[tuple[tuple[Fraction, ...], tuple[Point, ...]], ...]:
    """The small candidates that miss at most one row, with the rows they miss (integer
    arithmetic: 2(w·x) + 2b > 0); only those are ever offered, so only they become Fractions."""
    rows = list(f.table.items())
    found = []
    for w in itertools.product(range(-2, 3), repeat=f.n):
        sums = [(2 * sum(a * c for a, c in zip(w, x)), bool(out), x) for x, out in rows]
        for twice_b in range(-9, 10, 2):
            wrong = tuple(x for total, out, x in sums if (total + twice_b > 0) != out)
            if len(wrong) <= 1:
                found.append(((*map(Fraction, w), Fraction(twice_b, 2)), wrong))
    return tuple(found)


def near_misses(f: Function) -> list[tuple[tuple[Fraction, ...], Point]]:
    """Small weights (at least two nonzero) that give f on every row but one, with that row."""
    return [(c, wrong[0]) for c, wrong in _search(f) if sum(1 for v in c[:-1] if v) >= 2 and len(wrong) == 1]


def nice_separator(f: Function) -> tuple[Fraction, ...] | None:
    """The smallest separator in the search, or None (then f is not separable: the exact check decides)."""
    fits = [c for c, wrong in _search(f) if not wrong]
    return min(fits, key=lambda c: (sum(abs(v) for v in c[:-1]), abs(c[-1]))) if fits else None


@cache
def variant(index: int, order: tuple[int, ...], mask: int) -> Function:
    """A pool function with its inputs reordered and some complemented: another truth table to read."""
    base = THREE[index]

    def rule(*x: int) -> int:
        moved = [x[i] ^ ((mask >> k) & 1) for k, i in enumerate(order)]
        return int(base.rule(*moved))

    return Function(f"{base.name} | order {order} | mask {mask}", rule, 3)


def _table_mcq(rng: random.Random) -> Statements:
    """MCQ (2 marks): a 3-input truth table; which weights compute it, or does no single unit?"""
    f = variant(rng.randrange(len(THREE)), tuple(rng.sample(range(3), 3)), rng.randrange(8))
    near = near_misses(f)
    rng.shuffle(near)
    shown_weights: list[tuple[Fraction, ...]] = []
    rows: list[Point] = []
    for c, row in near:
        if row not in rows:
            shown_weights.append(c)
            rows.append(row)
    require(len(shown_weights) >= 3, "too few near-miss weights")
    shown_weights = shown_weights[:3]
    if separable(f):
        good = nice_separator(f)
        require(good is not None, "no small separator")
        shown_weights[0] = good  # type: ignore[assignment]
    choices = [_weights_choice(c, f.table) for c in shown_weights]
    choices.append(Choice("No single perceptron computes f", not separable(f),
                          mistake="thought f is not linearly separable" if separable(f) else None,
                          claim={"kind": "separable", "table": rows_of(f.table), "separable": False}))
    body = (f"{unit_text(3)} The Boolean function f has the truth table (x₁, x₂, x₃) → f: {rows_text(f)}. "
            "Which one of the following is true?")
    steps = [reason(f, "f")] + [_check(c, f.table) for c in shown_weights]
    return Statements(body=body, choices=choices, steps=steps)


def _weights_text(c: Sequence[Fraction]) -> str:
    return f"w = ({', '.join(shown(v) for v in c[:3])}) and b = {shown(c[3])}"


def _weights_choice(c: Sequence[Fraction], table: Table) -> Choice:
    wrong = misses(c, table)
    text = f"The unit with {_weights_text(c)} computes f"
    data: dict[str, object] = {"kind": "separator", "table": rows_of(table), "weights": [str(v) for v in c]}
    if not wrong:
        return Choice(text, True, claim=data)
    x = wrong[0]
    return Choice(text, False, mistake=f"checked only some rows: at x = {point(x)} these weights give "
                                       f"{1 - table[x]} but f = {table[x]}", claim=data)


def _check(c: Sequence[Fraction], table: Table) -> str:
    wrong = misses(c, table)
    where = "every row" if not wrong else f"all rows but {point(wrong[0])}"
    return f"{_weights_text(c)} matches f on {where}"


def separable_table(rule: Callable[..., int], n: int) -> bool:
    """For bank items and tests: does one threshold unit compute this rule?"""
    verdict = decide(table_of(rule, n))
    return verdict.separable and computes(verdict.weights, table_of(rule, n))
