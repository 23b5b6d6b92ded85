"""How the solver holds a number: exact while the exact form is short, 50 digits after that.

A student's network gives Rationals (ReLU and linear units) and short closed forms such as
1/(1 + exp(-1)); those stay exact, so keys and the working read as they would by hand. Once a
value's exact form would outgrow hand work (stacked sigmoids, a long fraction), it becomes a
`sympy.Float` of DIGITS significant digits, and everything computed from it stays numeric. Every
value is settled as it is made, so no step builds an expression that grows with depth or paths.
"""

from __future__ import annotations

from collections.abc import Callable
from fractions import Fraction
from functools import lru_cache

import mpmath
import sympy as sp

from gatebp.core.activations import RECORDS, Kernel, NumberOps

DIGITS = 50  # significant digits of a value that is no longer exact
MAX_EXACT_SIZE = 120  # tree nodes of an exact value worth keeping (family values reach 73)
MAX_NESTING = 1  # an activation of an activation, 1/(1 + exp(-tanh(1))), is no hand work: a decimal
MAX_RATIONAL_BITS = 400  # a fraction longer than ~120 digits serves no student: it becomes a decimal
UNDEFINED = (sp.zoo, sp.nan, sp.oo, -sp.oo, sp.I)
WORK = mpmath.MPContext()
WORK.dps = DIGITS + 10
WORK_OPS = NumberOps(zero=WORK.zero, one=WORK.one, exp=WORK.exp, log=WORK.log, tanh=WORK.tanh,
                     positive=lambda x: x > 0)


def _on_work(kernel: Kernel) -> Callable[[mpmath.mpf], mpmath.mpf]:
    return lambda z: kernel(z, WORK_OPS)


def _mp_functions() -> dict[str, Callable[[mpmath.mpf], mpmath.mpf]]:
    """The registry's kernels (and gates, by their SymPy class name) on mpmath numbers."""
    table = {}
    for record in RECORDS:
        table[record.name] = _on_work(record.value)
        if record.piecewise and record.gate is not None:
            table[f"{record.name}_gate"] = _on_work(record.gate)
    return table


MP_FUNCTIONS = _mp_functions()  # by spec name, which is also the SymPy class name


@lru_cache(maxsize=65536)
def _shape(expr: sp.Basic) -> tuple[int, int]:
    """(size written out as a tree, depth of exp/tanh inside exp/tanh), linear in the shared form.

    log does not count: the loss log(1/(1 + exp(-z))) is as short as the sigmoid it reads."""
    parts = [_shape(arg) for arg in expr.args]
    size = 1 + sum(s for s, _ in parts)
    wraps = isinstance(expr, sp.Function) and not isinstance(expr, sp.log)
    depth = max((d for _, d in parts), default=0) + int(wraps)
    return size, depth


def tree_size(expr: sp.Basic) -> int:
    """The size of an expression written out as a tree (a node reused k times counts k times)."""
    return _shape(expr)[0]


def nesting(expr: sp.Basic) -> int:
    """How deep exp and tanh sit inside each other: 1 for 1/(1 + exp(-1)) and log(1/(1 + exp(-1)))."""
    return _shape(expr)[1]


def is_short(value: sp.Expr) -> bool:
    """An exact form a student would write: small, and activations not inside activations."""
    size, depth = _shape(value)
    return size <= MAX_EXACT_SIZE and depth <= MAX_NESTING


def settle(value: sp.Expr) -> sp.Expr:
    """The value itself while its exact form is short, else its DIGITS-digit decimal."""
    value = sp.S(value)
    if value.is_Rational:
        return value if max(value.p.bit_length(), value.q.bit_length()) <= MAX_RATIONAL_BITS else numeric(value)
    if value.is_Float:
        return value
    return value if is_short(value) and not value.has(sp.Float) else numeric(value)


def operands(*values: sp.Expr, depth: int = 0) -> tuple[sp.Expr, ...]:
    """Values about to be combined (under `depth` more functions), made numeric first when the
    exact result could not be short.

    Building the big exact form and evaluating it afterwards is what made deep networks slow: SymPy
    canonicalises (and evaluates, to decide signs) every large exact tree it is given.
    """
    if depth <= MAX_NESTING and len(values) <= MAX_EXACT_SIZE and all(v.is_Rational for v in values):
        return values  # the common case, decided without a look at the trees
    shapes = [_shape(v) for v in values]
    if sum(s for s, _ in shapes) <= MAX_EXACT_SIZE and max((d for _, d in shapes), default=0) + depth <= MAX_NESTING:
        return values
    return tuple(v if v.is_Rational else numeric(v) for v in values)


def numeric(value: sp.Expr) -> sp.Expr:
    """The DIGITS-digit decimal of a value."""
    value = sp.S(value)
    return value if value.is_Float else decimal(to_mpf(value))


def decimal(number: mpmath.mpf) -> sp.Expr:
    """An mpmath result as the solver's value: a DIGITS-digit Float (an exact 0 stays the integer 0)."""
    return sp.S.Zero if number == 0 else sp.Float(number, DIGITS)


@lru_cache(maxsize=65536)
def to_mpf(value: sp.Basic) -> mpmath.mpf:
    """The value at DIGITS + 10 digits, by one walk over its tree (cached for shared subtrees).

    SymPy's evalf re-evaluates nested functions at rising precision, which is slow for stacked
    activations; ten guard digits are enough for the cancellations a network produces.
    """
    return evaluate_at(value, {})


def evaluate_at(expr: sp.Basic, env: dict[sp.Symbol, mpmath.mpf]) -> mpmath.mpf:
    """A SymPy expression evaluated in mpmath with its symbols given by `env` (a local rule at a point)."""
    if expr in env:
        return env[expr]
    if expr.is_Rational:
        return WORK.mpf(int(expr.p)) / int(expr.q)
    if expr.is_Float:
        return WORK.mpf(expr._mpf_)
    args = [evaluate_at(arg, env) if env else to_mpf(arg) for arg in expr.args]
    if expr.is_Add:
        return WORK.fsum(args)
    if expr.is_Mul:
        return WORK.fprod(args)
    if expr.is_Pow:
        exponent = expr.args[1]
        return args[0] ** int(exponent) if exponent.is_Integer else WORK.power(args[0], args[1])
    function = MP_FUNCTIONS.get(type(expr).__name__)
    if function is not None:
        return function(args[0])
    if expr.free_symbols:
        raise ValueError(f"cannot evaluate {expr} numerically")
    return WORK.mpf(sp.Float(expr.evalf(DIGITS + 10), DIGITS + 10)._mpf_)  # E, pi and anything rarer


def as_float(value: sp.Expr | float | Fraction) -> float:
    """The float of a value, through the one mpmath walk (to_mpf) when it is not a plain number.

    SymPy's N re-evaluates nested exp terms at rising precision: thirty times slower on the slip
    values an option builder compares, so nothing here calls it."""
    if isinstance(value, (int, float, Fraction)):
        return float(value)
    return _float_of(sp.S(value))


@lru_cache(maxsize=8192)
def _float_of(value: sp.Basic) -> float:
    if value.is_Rational or value.is_Float:
        return float(value)
    return float(to_mpf(value))


def is_exact(value: sp.Expr) -> bool:
    """True for Rationals and closed forms; False once a value is a decimal."""
    return not sp.S(value).has(sp.Float)


def is_defined(value: sp.Expr) -> bool:
    """A finite real number (not zoo, nan, ±oo or complex)."""
    value = sp.S(value)
    if value.is_Rational:
        return True  # zoo, nan and ±oo are not Rationals
    if value.is_Float:
        return bool(value.is_finite)
    return not value.has(*UNDEFINED)


def magnitude(value: sp.Expr) -> mpmath.mpf:
    """|value| as an mpmath number (infinite when it is not a real number)."""
    value = sp.S(value)
    if not is_defined(value):
        return mpmath.inf
    return abs(to_mpf(value))
