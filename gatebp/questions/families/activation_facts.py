"""The facts activation-properties claims, each decided by SymPy from the activation's definition:
one-sided limits and derivatives, limits at ±∞, critical points of the derivative (cached)."""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from functools import cache
from typing import Any

import sympy as sp

from gatebp.questions.claims import Context, Verdict, decider

TOPIC = "activation-properties"
Z = sp.Symbol("z", real=True)
H = sp.Symbol("h", real=True)
U = sp.Symbol("u", positive=True)
V = sp.Symbol("v", positive=True)
OO = sp.oo
Pieces = tuple[tuple[sp.Expr, sp.Interval], ...]


# ---- the definitions: each activation as pieces (expression, interval) covering ℝ ----------------

@cache
def pieces(name: str) -> Pieces:
    """The definition SymPy reasons about: ReLU = 0 on z < 0 and z on z ≥ 0, and so on."""
    negative, rest = sp.Interval.open(-OO, 0), sp.Interval(0, OO)
    return {"relu": ((sp.S.Zero, negative), (Z, rest)),
            "leaky_relu": ((Z / 100, negative), (Z, rest)),
            "sigmoid": ((1 / (1 + sp.exp(-Z)), sp.S.Reals),),
            "tanh": ((sp.tanh(Z), sp.S.Reals),),
            "linear": ((Z, sp.S.Reals),)}[name]


def _piece_at(name: str, point: sp.Expr, side: str = "") -> sp.Expr:
    """The piece defining f at `point` (side "") or just left ("-") / right ("+") of it."""
    for expr, interval in pieces(name):
        if side == "" and interval.contains(point) == sp.true:
            return expr
        if side == "-" and interval.inf < point <= interval.sup:
            return expr
        if side == "+" and interval.inf <= point < interval.sup:
            return expr
    raise ValueError(f"{name}: no piece at {point}{side}")


# ---- facts, each computed once ------------------------------------------------------------------

@cache
def value(name: str, point: int) -> sp.Expr:
    return _piece_at(name, sp.S(point)).subs(Z, point)


@cache
def side_limit(name: str, point: int, side: str) -> sp.Expr:
    """lim f(z) as z → point from one side (sympy.limit on the piece there)."""
    return sp.limit(_piece_at(name, sp.S(point), side), Z, point, side)


@cache
def side_derivative(name: str, point: int, side: str) -> sp.Expr:
    """The one-sided derivative: lim (f(p + h) − f(p)) / h as h → 0 from that side."""
    piece = _piece_at(name, sp.S(point), side)
    rational = _in_u(piece)
    if rational is None:
        quotient = (piece.subs(Z, point + H) - value(name, point)) / H
        return sp.limit(quotient, H, 0, side)
    # With v = e^h: (f(p + h) − f(p))/h = [R(e^p·v) − R(e^p)]/(v − 1) · (e^h − 1)/h, and v → 1 from
    # the same side as h → 0 (e^h grows with h); both limits are quick for SymPy.
    base = sp.exp(point)
    ratio = sp.cancel((rational.subs(U, base * V) - rational.subs(U, base)) / (V - 1))
    return sp.simplify(sp.limit(ratio, V, 1, side) * _exp_quotient_limit(side))


@cache
def _exp_quotient_limit(side: str) -> sp.Expr:
    """lim (e^h − 1)/h as h → 0 from one side (1 from both)."""
    return sp.limit((sp.exp(H) - 1) / H, H, 0, side)


def continuous(name: str, point: int) -> bool:
    return bool(side_limit(name, point, "-") == value(name, point) == side_limit(name, point, "+"))


def differentiable(name: str, point: int) -> bool:
    left, right = side_derivative(name, point, "-"), side_derivative(name, point, "+")
    return bool(left.is_finite and right.is_finite and sp.simplify(left - right) == 0)


@cache
def end_limit(name: str, end: str, derivative: bool = False) -> sp.Expr:
    """lim f(z) (or f'(z)) as z → +∞ ("+") or −∞ ("-"), from the piece reaching that end."""
    expr = pieces(name)[-1 if end == "+" else 0][0]
    return _limit_at_infinity(sp.diff(expr, Z) if derivative else expr, end)


def _in_u(expr: sp.Expr) -> sp.Expr | None:
    """expr as a rational function of u = e^z (sigmoid, tanh), or None when it is not one.

    Limits and critical points of rational functions are quick for SymPy, and u = e^z is
    increasing, so z → +∞ is u → +∞, z → −∞ is u → 0⁺, and d/dz = u·d/du."""
    if not expr.has(sp.exp, sp.tanh):
        return None
    rational = sp.cancel(sp.together(expr.rewrite(sp.exp).subs(sp.exp(Z), U)))
    return None if rational.has(Z) or not rational.is_rational_function(U) else rational


def _limit_at_infinity(expr: sp.Expr, end: str) -> sp.Expr:
    rational = _in_u(expr)
    if rational is None:
        return sp.limit(expr, Z, OO if end == "+" else -OO)
    return sp.limit(rational, U, OO) if end == "+" else sp.limit(rational, U, 0, "+")


@cache
def monotone(name: str, strict: bool) -> bool:
    """Non-decreasing on ℝ: f' ≥ 0 on every piece (its smallest value from the critical points and
    end limits) and no piece steps down; strictly increasing when, besides, f' = 0 holds only at
    isolated points (the solution set of f' = 0 contains no interval)."""
    for expr, interval in pieces(name):
        slope = sp.diff(expr, Z)
        if min(value for value, _ in _slope_candidates(slope, interval)) < 0:
            return False
        if strict and not _isolated_zeros(slope, interval):
            return False
    return all(side_limit(name, int(interval.sup), "-") <= value(name, int(interval.sup))
               for _, interval in pieces(name)[:-1])


def _isolated_zeros(slope: sp.Expr, interval: sp.Interval) -> bool:
    if not slope.has(Z):
        return slope != 0
    rational = _in_u(slope)
    if rational is not None:
        return sp.numer(rational) != 0
    zeros = sp.solveset(sp.Eq(slope, 0), Z, interval)
    return isinstance(zeros, sp.FiniteSet) or zeros == sp.S.EmptySet


@cache
def output_range(name: str) -> sp.Set:
    """The set of outputs: for a non-decreasing f, from lim at −∞ to lim at +∞, each end closed
    exactly when some input attains it (solveset on each piece)."""
    assert monotone(name, False), f"{name}: the range rule needs a non-decreasing function"
    low, high = end_limit(name, "-"), end_limit(name, "+")
    return sp.Interval(low, high, not _attains(name, low), not _attains(name, high))


def _attains(name: str, level: sp.Expr) -> bool:
    if not level.is_finite:
        return False
    return any(sp.solveset(sp.Eq(expr, level), Z, interval) != sp.S.EmptySet for expr, interval in pieces(name))


@cache
def derivative_sup(name: str) -> tuple[sp.Expr, bool]:
    """sup f'(z) over the inputs where f' exists, and whether it is attained: the critical points of
    f' (solving f'' = 0) against the limits of f' at the ends of each piece."""
    best, attained = -OO, False
    for expr, interval in pieces(name):
        slope = sp.diff(expr, Z)
        for candidate, hit in _slope_candidates(slope, interval):
            if candidate > best or (candidate == best and hit):
                best, attained = candidate, hit if candidate != best else attained or hit
    return best, attained


def _slope_candidates(slope: sp.Expr, interval: sp.Interval) -> list[tuple[sp.Expr, bool]]:
    """Values of f' at its critical points (f'' = 0) inside the piece, and its limits at the ends."""
    if not slope.has(Z):
        return [(slope, True)]
    rational = _in_u(slope)
    if rational is not None and interval == sp.S.Reals:  # f'(z) = G(u): G'(u) = 0 for u > 0
        roots = sp.Poly(sp.numer(sp.together(sp.diff(rational, U))), U).real_roots()
        found = [(sp.nsimplify(rational.subs(U, r)), True) for r in set(roots) if r > 0]
        ends = [_limit_at_infinity(slope, "-"), _limit_at_infinity(slope, "+")]
    else:
        inside = sp.Interval.open(interval.inf, interval.sup)
        critical = sp.solveset(sp.diff(slope, Z), Z, inside)
        found = [(slope.subs(Z, c), True) for c in critical] if isinstance(critical, sp.FiniteSet) else []
        ends = [sp.limit(slope, Z, interval.inf, "+"), sp.limit(slope, Z, interval.sup, "-")]
    return found + [(e, False) for e in ends if e.is_finite]


@cache
def dies_for_negative(name: str) -> bool:
    """Is f' identically 0 for z < 0? (solveset of f' = 0 on (−∞, 0) is the whole half-line)."""
    negative = sp.Interval.open(-OO, 0)
    expr = _piece_at(name, sp.S(-1))
    return sp.solveset(sp.Eq(sp.diff(expr, Z), 0), Z, negative) == negative



@cache
def peak_where(name: str) -> str:
    """Where f' reaches its largest value, in words: "at z = 0", "for every z > 0"."""
    sup, _ = derivative_sup(name)
    places: list[str] = []
    for expr, interval in pieces(name):
        slope = sp.diff(expr, Z)
        if not slope.has(Z):
            places += [_region(interval)] if slope == sup else []
            continue
        rational = _in_u(slope)
        roots = sp.solveset(sp.Eq(rational, sup), U, sp.Interval.open(0, OO)) if rational is not None else sp.S.EmptySet
        places += [f"at z = {sp.sstr(sp.log(root))}" for root in roots] if isinstance(roots, sp.FiniteSet) else []
    return " and ".join(places)


def _region(interval: sp.Interval) -> str:
    if interval == sp.S.Reals:
        return "for every z"
    return "for every z < 0" if interval.sup == 0 else "for every z > 0"


# ---- the properties a statement can claim: each decided from the facts, with its reason ----------

F = {"relu": "ReLU", "leaky_relu": "leaky ReLU", "sigmoid": "σ", "tanh": "tanh", "linear": "the identity"}
PRIME = {"relu": "ReLU′(z)", "leaky_relu": "leaky ReLU′(z)", "sigmoid": "σ′(z)", "tanh": "tanh′(z)",
         "linear": "f′(z)"}
SLOPE_TEXT = {"relu": "0 for z < 0 and 1 for z > 0", "leaky_relu": "0.01 for z < 0 and 1 for z > 0",
              "sigmoid": "σ(z)(1 − σ(z))", "tanh": "1 − tanh²(z)", "linear": "1 for every z"}
DEFINITIONS = {"relu": "ReLU(z) = max(0, z)", "leaky_relu": "leaky ReLU(z) = max(0.01z, z)",
               "sigmoid": "the sigmoid $sigmoid(z) = 1/(1 + exp(-z))$",
               "tanh": "$tanh(z) = (exp(z) - exp(-z))/(exp(z) + exp(-z))$",
               "linear": "the identity (linear activation) f(z) = z"}
SUPERSCRIPT = str.maketrans("0123456789", "⁰¹²³⁴⁵⁶⁷⁸⁹")
UNIT = {"relu": "ReLU", "leaky_relu": "leaky ReLU", "sigmoid": "sigmoid", "tanh": "tanh", "linear": "linear"}
CALL = {"relu": "ReLU", "leaky_relu": "leaky ReLU", "sigmoid": "σ", "tanh": "tanh", "linear": "f"}
ACTIVATIONS = tuple(F)
Fact = tuple[bool, str]


def _num(value: sp.Expr) -> str:
    if value in (OO, -OO):
        return "∞" if value == OO else "−∞"
    return "0.01" if value == sp.Rational(1, 100) else sp.sstr(value).replace("-", "−")


def _set(interval: sp.Set) -> str:
    if not isinstance(interval, sp.Interval):
        return sp.sstr(interval)
    left, right = "(" if interval.left_open else "[", ")" if interval.right_open else "]"
    return f"{left}{_num(interval.inf)}, {_num(interval.sup)}{right}"


def range_data(interval: sp.Interval) -> list[str]:
    """An interval as claim data: [low, high, "open"/"closed" at the left, at the right]."""
    return [sp.sstr(interval.inf), sp.sstr(interval.sup), "open" if interval.left_open else "closed",
            "open" if interval.right_open else "closed"]


def _interval(data: list[str]) -> sp.Interval:
    return sp.Interval(sp.S(data[0]), sp.S(data[1]), data[2] == "open", data[3] == "open")


def _continuity(name: str, claim: dict) -> Fact:
    p = int(claim.get("point", 0))
    left, right, at = side_limit(name, p, "-"), side_limit(name, p, "+"), value(name, p)
    if continuous(name, p):
        return True, f"{F[name]} is continuous at {p}: its limits from the left and from the right both equal its value {_num(at)}"
    return False, f"{F[name]} jumps at {p}: the limit from the left is {_num(left)}, from the right {_num(right)}"


def _differentiability(name: str, claim: dict) -> Fact:
    p = int(claim.get("point", 0))
    left, right = side_derivative(name, p, "-"), side_derivative(name, p, "+")
    if differentiable(name, p):
        return True, f"{F[name]} is differentiable at {p}: its slope there is {_num(left)} from both sides"
    return False, (f"{F[name]} has a corner at {p}: its slope is {_num(left)} just left of {p} but {_num(right)} "
                   f"just right of it, so it is not differentiable there")


def _range(name: str, claim: dict) -> Fact:
    truth, low, high = output_range(name), end_limit(name, "-"), end_limit(name, "+")
    ends = [f"attains {_num(v)}" if _attains(name, v) else f"never reaches {_num(v)}" for v in (low, high)
            if v.is_finite]
    how = f"; it {' and '.join(ends)}" if ends else ""
    holds = truth == _interval(claim["range"])
    return holds, (f"{F[name]}(z) → {_num(low)} as z → −∞ and → {_num(high)} as z → +∞{how}, so its outputs are "
                   f"exactly {_set(truth)}")


def _strict(name: str, claim: dict) -> Fact:
    if monotone(name, True):
        return True, (f"{PRIME[name]} = {SLOPE_TEXT[name]}, which is positive except at isolated points, so "
                      f"{F[name]} is strictly increasing")
    return False, (f"{PRIME[name]} = {SLOPE_TEXT[name]}, which is 0 on a whole interval (where {F[name]} is "
                   f"constant), so {F[name]} is not strictly increasing")


def _weak(name: str, claim: dict) -> Fact:
    holds = monotone(name, False)
    return holds, (f"{PRIME[name]} = {SLOPE_TEXT[name]}, which is {'never' if holds else 'sometimes'} negative, so "
                   f"{F[name]} is {'' if holds else 'not '}non-decreasing")


def _peak(name: str) -> str:
    sup, _ = derivative_sup(name)
    return f"{PRIME[name]} is largest {peak_where(name)}, where it equals {_num(sup)}"


def _at_most(name: str, claim: dict) -> Fact:
    sup, bound = derivative_sup(name)[0], sp.S(claim["bound"])
    holds = bool(sup <= bound)
    return holds, f"{_peak(name)}, so {PRIME[name]} ≤ {_num(bound)} {'holds everywhere' if holds else 'fails there'}"


def _largest(name: str, claim: dict) -> Fact:
    sup, attained = derivative_sup(name)
    holds = bool(attained and sup == sp.S(claim["value"]))
    return holds, f"{_peak(name)}" + ("" if holds else f", not {_num(sp.S(claim['value']))}")


def _saturates(name: str, claim: dict) -> Fact:
    ends = {"+": ["+"], "-": ["-"], "both": ["-", "+"]}[str(claim["end"])]
    limits = [end_limit(name, end, derivative=True) for end in ends]
    holds = all(limit == 0 for limit in limits)
    tends = " and ".join(f"→ {_num(limit)} as z → {'+∞' if end == '+' else '−∞'}" for end, limit in zip(ends, limits))
    where = "at both ends" if len(ends) == 2 else "there"
    return holds, f"{PRIME[name]} {tends}, so {F[name]} {'saturates' if holds else 'does not saturate'} {where}"


def _dies(name: str, claim: dict) -> Fact:
    dead = dies_for_negative(name)
    if dead:
        return True, f"{PRIME[name]} = 0 for every z < 0, so a unit whose input stays negative passes no gradient back and its weights stop changing"
    return False, f"{PRIME[name]} is never 0 for z < 0, so some gradient always flows back and the unit cannot die"


def _ratio(name: str, claim: dict) -> Fact:
    other = str(claim["other"])
    mine, theirs = derivative_sup(name)[0], derivative_sup(other)[0]
    holds = mine / theirs == sp.S(claim["ratio"])
    return holds, (f"the largest value of {PRIME[name]} is {_num(mine)} and of {PRIME[other]} is {_num(theirs)}, "
                   f"a ratio of {_num(mine / theirs)}")


def _chain(name: str, claim: dict) -> Fact:
    k, bound = int(claim["layers"]), sp.S(claim["bound"])
    sup = derivative_sup(name)[0]
    best = sup**k
    holds = bool(best == bound) if claim.get("tight") else bool(best <= bound)
    power = (_num(sup) if sup.is_Integer else f"({_num(sup)})") + str(k).translate(SUPERSCRIPT)
    why = (f"each {UNIT[name]} layer multiplies the gradient by at most {_num(sup)} and each weight by at most "
           f"1, so {k} layers give at most {power} = {_num(best)}, reached when every |w| = 1 and every zᵢ "
           f"sits where {PRIME[name]} is largest")
    if not claim.get("tight") and best != bound:
        relation = "≤" if best < bound else ">"
        why += f"; {_num(best)} {relation} {_num(bound)}, so {_num(bound)} is {'a looser' if holds else 'not a'} bound"
    return holds, why


PROPERTIES: dict[str, Callable[[str, dict], Fact]] = {
    "continuous": _continuity, "differentiable": _differentiability, "range": _range,
    "strictly-increasing": _strict, "non-decreasing": _weak, "derivative-at-most": _at_most,
    "derivative-max": _largest, "saturates": _saturates, "dies": _dies, "sup-ratio": _ratio,
    "chain-bound": _chain}


def truth(claim: Mapping[str, Any]) -> Fact:
    """(does the statement hold, the sentence that says why) for an `activation` claim."""
    return _truth(json.dumps(dict(claim), sort_keys=True))


@cache
def _truth(key: str) -> Fact:
    claim = json.loads(key)
    fact, why = PROPERTIES[str(claim["property"])](str(claim["activation"]), claim)
    return fact == bool(claim.get("holds", True)), why


@decider("activation")
def _decide(claim: Mapping[str, Any], context: Context) -> Verdict:
    """A property of an activation function, decided by SymPy from its definition."""
    holds, why = truth(claim)
    return Verdict(holds, why)


def activation_claim(name: str, prop: str, holds: bool = True, **params: object) -> dict[str, object]:
    return {"kind": "activation", "activation": name, "property": prop, "holds": holds, **params}
