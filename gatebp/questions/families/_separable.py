"""Exact linear separability of a Boolean function, by Fourier–Motzkin elimination over Fractions.

One threshold unit (output 1 when w·x + b > 0, else 0) computes f exactly when the system
w·x + b ≥ 1 (f(x) = 1), w·x + b ≤ −1 (f(x) = 0) over all 2^n inputs is feasible (any strict
separator can be scaled to margin 1). Eliminating the unknowns one by one decides that exactly;
each derived inequality keeps its non-negative multipliers over the original ones, so an
infeasible system yields a certificate (a weighted mean of the 1-inputs that equals a weighted
mean of the 0-inputs), and a feasible one yields simple weights by back-substitution.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from fractions import Fraction
from functools import lru_cache

Point = tuple[int, ...]
Table = dict[Point, int]


@dataclass(frozen=True)
class Row:
    """coeffs · v ≥ rhs, with `mult` the multipliers of the original rows that sum to it."""

    coeffs: tuple[Fraction, ...]
    rhs: Fraction
    mult: tuple[Fraction, ...]


@dataclass(frozen=True)
class Verdict:
    separable: bool
    weights: tuple[Fraction, ...] = ()  # w1..wn then b, when separable
    ones: dict[Point, Fraction] | None = None  # certificate weights on 1-inputs, when not
    zeros: dict[Point, Fraction] | None = None


def table_of(f: Callable[..., int], n: int) -> Table:
    return {x: int(bool(f(*x))) for x in itertools.product((0, 1), repeat=n)}


def _rows(table: Table) -> list[Row]:
    rows, count = [], len(table)
    for i, (x, out) in enumerate(table.items()):
        sign = Fraction(1 if out else -1)
        unit = tuple(Fraction(int(j == i)) for j in range(count))
        rows.append(Row(tuple(sign * v for v in (*x, 1)), Fraction(1), unit))
    return rows


def _combine(p: Row, q: Row, k: int) -> Row:
    """p has coeffs[k] > 0, q has coeffs[k] < 0: the positive combination that cancels v_k."""
    a, c = -q.coeffs[k], p.coeffs[k]
    return Row(tuple(a * u + c * v for u, v in zip(p.coeffs, q.coeffs)), a * p.rhs + c * q.rhs,
               tuple(a * u + c * v for u, v in zip(p.mult, q.mult)))


def _eliminate(rows: list[Row], k: int) -> list[Row]:
    keep = [r for r in rows if r.coeffs[k] == 0]
    pos = [r for r in rows if r.coeffs[k] > 0]
    neg = [r for r in rows if r.coeffs[k] < 0]
    out, seen = list(keep), {(r.coeffs, r.rhs) for r in keep}
    for p, q in itertools.product(pos, neg):
        row = _normalised(_combine(p, q, k))
        if (row.coeffs, row.rhs) not in seen:
            seen.add((row.coeffs, row.rhs))
            out.append(row)
    return out


def _normalised(row: Row) -> Row:
    scale = max([abs(c) for c in row.coeffs] + [abs(row.rhs)]) or Fraction(1)
    return Row(tuple(c / scale for c in row.coeffs), row.rhs / scale, tuple(m / scale for m in row.mult))


def decide(table: Table) -> Verdict:
    """Separable (with weights w and bias b) or not (with a convex-hull certificate); kept per
    table, since a 3-input unit has only 256 of them and every option and claim asks again."""
    return _decided(tuple(table.items()))


@lru_cache(maxsize=1024)
def _decided(rows: tuple[tuple[Point, int], ...]) -> Verdict:
    table = dict(rows)
    n = len(next(iter(table)))
    stages = [_rows(table)]
    for k in range(n + 1):
        stages.append(_eliminate(stages[-1], k))
    bad = [r for r in stages[-1] if r.rhs > 0]
    if bad:
        return _certificate(table, bad[0])
    return Verdict(True, _back_substitute(stages, n + 1))


def _back_substitute(stages: list[list[Row]], unknowns: int) -> tuple[Fraction, ...]:
    values: list[Fraction | None] = [None] * unknowns
    for k in reversed(range(unknowns)):
        lo, hi = None, None
        for row in stages[k]:
            if row.coeffs[k] == 0:
                continue
            rest = sum((c * v for c, v in zip(row.coeffs, values) if v is not None), Fraction(0))
            bound = (row.rhs - rest) / row.coeffs[k]
            if row.coeffs[k] > 0:
                lo = bound if lo is None else max(lo, bound)
            else:
                hi = bound if hi is None else min(hi, bound)
        values[k] = simplest(lo, hi)
    return tuple(v for v in values if v is not None)


def simplest(lo: Fraction | None, hi: Fraction | None) -> Fraction:
    """The number in [lo, hi] a person would pick: an integer of least size, else a half, ..."""
    for q in range(1, 13):
        for size in range(0, 40 * q):
            for p in (size, -size):
                v = Fraction(p, q)
                if (lo is None or v >= lo) and (hi is None or v <= hi):
                    return v
    raise ValueError(f"no simple number in [{lo}, {hi}]")


def _certificate(table: Table, row: Row) -> Verdict:
    points = list(table)
    ones = {x: m for x, m in zip(points, row.mult) if m > 0 and table[x] == 1}
    zeros = {x: m for x, m in zip(points, row.mult) if m > 0 and table[x] == 0}
    total_one, total_zero = sum(ones.values()), sum(zeros.values())
    return Verdict(False, ones={x: m / total_one for x, m in ones.items()},
                   zeros={x: m / total_zero for x, m in zeros.items()})


def mean(weights: dict[Point, Fraction]) -> tuple[Fraction, ...]:
    n = len(next(iter(weights)))
    return tuple(sum((w * x[i] for x, w in weights.items()), Fraction(0)) for i in range(n))


def computes(weights: Sequence[Fraction], table: Table) -> bool:
    """Does the unit with w = weights[:-1], b = weights[-1] give f on every input?"""
    *w, b = weights
    return all((sum((wi * xi for wi, xi in zip(w, x)), Fraction(0)) + b > 0) == bool(out)
               for x, out in table.items())


def integer_weights(weights: Sequence[Fraction]) -> tuple[int, ...]:
    """The same separator scaled to integers (the margins are ≥ 1, so scaling keeps it exact)."""
    lcm = math.lcm(*(w.denominator for w in weights))
    return tuple(int(w * lcm) for w in weights)
