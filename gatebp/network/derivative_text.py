"""A SymPy derivative written as a student writes it, in markup the maths printer reads.

SymPy prints ∂(ŷ − t)²/∂ŷ as `-2*t + 2*yhat`; this writes `2*(yhat - t)`: the shorter of the
expression and its factored form, positive terms first, numbers in front, and the gate of a
ReLU as relu'(...). Only the look changes: the value is SymPy's.
"""

from __future__ import annotations

import sympy as sp

PRIMES = {"relu_gate": "relu'"}  # SymPy's name for an activation's derivative -> its markup


def derivative_text(expr: sp.Expr) -> str:
    """The shorter of `expr` and its factored form, as markup (grammar plus f'(...))."""
    plain = _text(expr)
    try:
        factored = _text(sp.factor(expr))
    except (sp.PolynomialError, TypeError, ValueError):
        return plain
    return factored if len(factored) <= len(plain) else plain


def _text(expr: sp.Expr) -> str:
    if isinstance(expr, sp.Add):
        return _sum(expr)
    if isinstance(expr, sp.Mul):
        return _product(expr)
    if isinstance(expr, sp.Pow):
        return _power(expr)
    if isinstance(expr, sp.Function):
        head = PRIMES.get(type(expr).__name__, type(expr).__name__)
        return f"{head}({', '.join(_text(a) for a in expr.args)})"
    if isinstance(expr, sp.Rational) and not expr.is_Integer:
        return f"{expr.p}/{expr.q}"
    return sp.sstr(expr)


def _negative(term: sp.Expr) -> bool:
    return term.could_extract_minus_sign()


def _sum(expr: sp.Add) -> str:
    terms = sorted(expr.args, key=lambda t: (_negative(t), sp.default_sort_key(t)))
    out = _text(terms[0])
    for term in terms[1:]:
        out += f" - {_atom(-term, 'sum')}" if _negative(term) else f" + {_text(term)}"
    return out


def _product(expr: sp.Mul) -> str:
    flipped = _flip_sign(expr)
    if flipped is not None:
        return _product_of(flipped)
    if _negative(expr):
        return "-" + _atom(-expr, "neg")
    return _product_of(list(expr.args))


def _flip_sign(expr: sp.Mul) -> list[sp.Expr] | None:
    """-2*(t - yhat) -> [2, yhat - t]: a minus taken into a bracket (the denominator's first)."""
    coeff, rest = expr.as_coeff_Mul()
    factors = list(sp.Mul.make_args(rest))
    odd = [i for i, f in enumerate(factors) if isinstance(f, sp.Pow) and _flippable(f.base)
           and f.exp.is_Integer and f.exp % 2]
    adds = odd + [i for i, f in enumerate(factors) if _flippable(f)]
    flips = adds[:1] if coeff < 0 else adds[:2] if len(adds) >= 2 else []  # (t − y)/(y − 1) -> (y − t)/(1 − y)
    if not flips:
        return None
    for i in flips:
        factors[i] = sp.Pow(-factors[i].base, factors[i].exp) if isinstance(factors[i], sp.Pow) else -factors[i]
    sign = -1 if coeff < 0 else 1
    return ([] if sign * coeff == 1 else [sign * coeff]) + factors


def _flippable(expr: sp.Expr) -> bool:
    """A sum at least half of whose terms are negative: it reads better negated (t − ŷ -> ŷ − t)."""
    return isinstance(expr, sp.Add) and 2 * sum(map(_negative, expr.args)) >= len(expr.args)


def _product_of(args: list[sp.Expr]) -> str:
    top = [f for f in args if not (isinstance(f, sp.Pow) and f.exp.is_Number and f.exp < 0)]
    bottom = [sp.Pow(f.base, -f.exp) for f in args if f not in top]
    bottom += [sp.Integer(f.q) for f in args if f.is_Rational and not f.is_Integer]
    top = [sp.Integer(f.p) if f.is_Rational and not f.is_Integer else f for f in top]
    top = [f for f in top if f != 1 or len(top) == 1]
    numerator = _joined(top) if top else "1"
    if not bottom:
        return numerator
    denominator = _joined(bottom)
    return f"{numerator}/{denominator if len(bottom) == 1 and not isinstance(bottom[0], sp.Mul) else f'({denominator})'}"


def _joined(factors: list[sp.Expr]) -> str:
    ordered = sorted(factors, key=lambda f: (not f.is_Number, sp.default_sort_key(f)))
    return "*".join(_atom(f, "mul") for f in ordered)


def _power(expr: sp.Pow) -> str:
    base, exponent = expr.args
    if exponent.is_Number and exponent < 0:
        return f"1/{_atom(base ** -exponent, 'div')}"
    return f"{_atom(base, 'pow')}**{_atom(exponent, 'pow')}"


def _atom(expr: sp.Expr, context: str) -> str:
    """`expr` in brackets when, inside `context`, it would read otherwise."""
    text = _text(expr)
    loose = isinstance(expr, sp.Add) or (context in ("div", "pow") and isinstance(expr, sp.Mul))
    loose = loose or (context in ("pow", "div", "neg", "mul") and text.startswith("-"))
    loose = loose or (context in ("pow", "div") and "/" in text)
    return f"({text})" if loose else text
