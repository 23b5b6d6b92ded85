"""The cross-check: forward-mode differentiation (dual numbers), one node at a time in order.

It shares nothing with the solver but the parsed expressions, the leaf values and the registry's
definitions: each node carries (value, ∂value/∂wrt), computed by the dual-number rule of each
operation, and an activation is its registry kernel run on dual numbers, so its derivative comes
from differentiating the definition, never from the hand-written local rule the solver uses. A
wrong local rule, a lost merge or a wrong sum in the reverse walk shows up as a disagreement. Rationals
stay Fractions, so ReLU and linear networks are checked exactly; anything transcendental is an
mpmath number at CHECK_DIGITS digits. The pass is linear in the size of the graph.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from typing import TypeAlias

import mpmath
import sympy as sp

from gatebp.core.activations import NumberOps, get
from gatebp.core.expr import BinOp, Call, Expr, Name, Neg, Num
from gatebp.core.values import to_mpf
from gatebp.network.graph import Graph

CHECK_DIGITS = 60
MAX_FRACTION_BITS = 2000  # longer fractions are carried as mpmath numbers (the solver settles at 400)
CTX = mpmath.MPContext()
CTX.dps = CHECK_DIGITS
KINK = CTX.mpf("1e-45")  # an mpmath ReLU input this close to 0 is the kink, where relu'(0) = 0
CHECK_MPF = type(CTX.one)
RELATIVE, ABSOLUTE = CTX.mpf("1e-30"), CTX.mpf("1e-40")  # the agreement close() asks for

Number: TypeAlias = "Fraction | mpmath.mpf"


@dataclass(frozen=True)
class Dual:
    """A value and its derivative with respect to the variable the pass started from; the
    operators let a registry kernel (1 / (1 + exp(-z))) run on duals unchanged."""

    value: Number
    slope: Number

    def __neg__(self) -> Dual:
        return Dual(-self.value, -self.slope)

    def __add__(self, other: Dual | int) -> Dual:
        return _combine("+", self, _lift(other))

    def __radd__(self, other: int) -> Dual:
        return _combine("+", _lift(other), self)

    def __sub__(self, other: Dual | int) -> Dual:
        return _combine("-", self, _lift(other))

    def __rsub__(self, other: int) -> Dual:
        return _combine("-", _lift(other), self)

    def __mul__(self, other: Dual | int) -> Dual:
        return _combine("*", self, _lift(other))

    def __rmul__(self, other: int) -> Dual:
        return _combine("*", _lift(other), self)

    def __truediv__(self, other: Dual | int) -> Dual:
        return _combine("/", self, _lift(other))

    def __rtruediv__(self, other: int) -> Dual:
        return _combine("/", _lift(other), self)


def _lift(x: Dual | int | Fraction) -> Dual:
    return x if isinstance(x, Dual) else Dual(Fraction(x), Fraction(0))


def tangents(graph: Graph, of: str, wrt: str) -> dict[str, Dual]:
    """(value, ∂/∂wrt) of every leaf and of every node `of` depends on, in definition order."""
    env = {name: Dual(value, Fraction(int(name == wrt))) for name, value in graph.values.items()}
    needed = graph.ancestors(of) | {of}
    for node in graph.nodes:
        if node.name in needed:
            dual = _eval(node.expr, env)
            env[node.name] = Dual(dual.value, Fraction(1)) if node.name == wrt else dual
    return env


def _eval(expr: Expr, env: dict[str, Dual]) -> Dual:
    if isinstance(expr, Num):
        return Dual(expr.value, Fraction(0))
    if isinstance(expr, Name):
        return env[expr.id]
    if isinstance(expr, Neg):
        return -_eval(expr.operand, env)
    if isinstance(expr, Call):
        return get(expr.func).value(_eval(expr.arg, env), DUAL_OPS)
    return _binary(expr, _eval(expr.left, env), _eval(expr.right, env))


def _binary(expr: BinOp, a: Dual, b: Dual) -> Dual:
    """The power rule (the exponent is a constant), else the sum, product and quotient rules."""
    if expr.op == "**":
        return _power(a, expr.right.value if isinstance(expr.right, Num) else Fraction(0))
    return _combine(expr.op, a, b)


def _combine(op: str, a: Dual, b: Dual) -> Dual:
    u, du, v, dv = _common(a.value, a.slope, b.value, b.slope)
    if op == "+":
        return _dual(u + v, du + dv)
    if op == "-":
        return _dual(u - v, du - dv)
    if op == "*":
        return _dual(u * v, du * v + u * dv)
    return _dual(u / v, (du * v - u * dv) / (v * v))


def _power(a: Dual, c: Fraction) -> Dual:
    if c.denominator == 1:
        u, du, k = _common(a.value, a.slope, c)
        return _dual(u ** int(c), 0 if du == 0 else k * u ** (int(c) - 1) * du)
    u, du, k = _mp(a.value), _mp(a.slope), _mp(c)
    return _dual(CTX.power(u, k), 0 if du == 0 else k * CTX.power(u, k - 1) * du)


def _common(*xs: Number) -> list[Number]:
    """All Fractions, or all mpmath numbers when any is one (the two types do not mix)."""
    if all(isinstance(x, Fraction) for x in xs):
        return list(xs)
    return [_mp(x) for x in xs]


def _dual(value: Number, slope: Number) -> Dual:
    return Dual(_tame(value), _tame(slope))


def _tame(x: Number | int) -> Number:
    """Fractions stay exact until they grow too long; mpmath numbers stay as they are."""
    if isinstance(x, int):
        return Fraction(x)
    if isinstance(x, Fraction) and max(x.numerator.bit_length(), x.denominator.bit_length()) > MAX_FRACTION_BITS:
        return _mp(x)
    return x


def _mp(x: Number) -> mpmath.mpf:
    if isinstance(x, CHECK_MPF):
        return x
    if isinstance(x, Fraction):
        return CTX.mpf(x.numerator) / x.denominator
    return CTX.mpf(x)


def _exp(a: Dual) -> Dual:
    value = CTX.exp(_mp(a.value))
    return _dual(value, value * _mp(a.slope))


def _log(a: Dual) -> Dual:
    return _dual(CTX.log(_mp(a.value)), _mp(a.slope) / _mp(a.value))


def _tanh(a: Dual) -> Dual:
    value = CTX.tanh(_mp(a.value))
    return _dual(value, (1 - value * value) * _mp(a.slope))


def _is_open(z: Number) -> bool:
    """A kink test: exact for Fractions; for mpmath numbers, values within KINK of 0 are 0."""
    return z > 0 if isinstance(z, Fraction) else z > KINK


DUAL_OPS = NumberOps(zero=Dual(Fraction(0), Fraction(0)), one=Dual(Fraction(1), Fraction(0)),
                     exp=_exp, log=_log, tanh=_tanh, positive=lambda d: _is_open(d.value))


def close(a: Number, b: Number, duals: dict[str, Dual] | None = None) -> bool:
    """Equal when both are Fractions; else to 30 significant digits, or within 1e-40 of the scale
    of the numbers in `duals` (an absolute rounding error after cancellation)."""
    if isinstance(a, Fraction) and isinstance(b, Fraction):
        return a == b
    a, b = _mp(a), _mp(b)
    gap, relative = abs(a - b), RELATIVE * max(abs(a), abs(b))
    if gap <= relative + ABSOLUTE:  # close enough at any scale (>= 0): no need to walk the duals for it
        return True
    scale = _scale(duals) if duals else CTX.one
    return gap <= relative + ABSOLUTE * (1 + scale)


def _scale(duals: dict[str, Dual]) -> mpmath.mpf:
    """The largest value or slope the pass saw."""
    return max(max(abs(_mp(d.value)), abs(_mp(d.slope))) for d in duals.values())


def as_number(value: sp.Expr) -> Number:
    """A solver value as the check's numbers: a Fraction when rational, else CHECK_DIGITS digits."""
    value = sp.S(value)
    if value.is_Rational:
        return Fraction(int(value.p), int(value.q))
    return CTX.mpf(to_mpf(value))
