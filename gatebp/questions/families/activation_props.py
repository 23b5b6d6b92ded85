"""Family `activation-properties`: MSQ/MCQ statements about ReLU, leaky ReLU, sigmoid, tanh, linear.

The paper asks which properties hold (ReLU is continuous but not differentiable at 0; σ' ≤ 1/4;
sigmoid and tanh saturate; a ReLU unit can die). Every option is an `activation` claim (plain data:
the activation, the property and its parameters) DECIDED by SymPy from the activation's definition:
one-sided limits of difference quotients, limits at ±∞, the critical points of the derivative,
solving f' = 0 on a half-line; never read from a table of answers. The decider's reason is one
sentence a student reads ("ReLU has a corner at 0: its slope is 0 just left of 0 but 1 just right").

1 mark: four statements about one activation, each a different property. 2 marks: two activations,
and one statement always combines two facts (the ratio of their largest slopes, or the bound a chain
of k layers puts on the gradient): the extra reasoning step. The facts are cached per activation
(functools.lru_cache), so only the first use of each costs SymPy time.
"""

from __future__ import annotations

import json
import random
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import cache, cached_property
from typing import Any

import sympy as sp

from gatebp.core.step import Step
from gatebp.gate.question import QuestionType
from gatebp.questions.claims import Context, Verdict, decider
from gatebp.questions.families._claimkit import claimed
from gatebp.questions.families.base import family
from gatebp.questions.families.common import Choice, require
from gatebp.questions.problem import Problem, fixed_choices

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
PRIME = {"relu": "ReLU'(z)", "leaky_relu": "leaky ReLU'(z)", "sigmoid": "σ'(z)", "tanh": "tanh'(z)",
         "linear": "the identity's slope"}
SLOPE_TEXT = {"relu": "0 for z < 0 and 1 for z > 0", "leaky_relu": "0.01 for z < 0 and 1 for z > 0",
              "sigmoid": "σ(z)(1 − σ(z))", "tanh": "1 − tanh²(z)", "linear": "1 for every z"}
DEFINITIONS = {"relu": "ReLU(z) = max(0, z)", "leaky_relu": "the leaky ReLU, equal to z for z ≥ 0 and 0.01z for z < 0",
               "sigmoid": "the sigmoid σ(z) = 1/(1 + e^(−z))", "tanh": "tanh(z) = (e^z − e^(−z))/(e^z + e^(−z))",
               "linear": "the identity (linear) activation f(z) = z"}
UNIT = {"relu": "ReLU", "leaky_relu": "leaky ReLU", "sigmoid": "sigmoid", "tanh": "tanh", "linear": "linear"}
CALL = {"relu": "ReLU", "leaky_relu": "leaky ReLU", "sigmoid": "σ", "tanh": "tanh", "linear": "f"}
ACTIVATIONS = tuple(F)
Fact = tuple[bool, str]


def _num(value: sp.Expr) -> str:
    if value in (OO, -OO):
        return "∞" if value == OO else "−∞"
    return "0.01" if value == sp.Rational(1, 100) else sp.sstr(value)


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
        return True, f"{PRIME[name]} = {SLOPE_TEXT[name]} is positive except at isolated points, so {F[name]} is strictly increasing"
    return False, f"{PRIME[name]} = {SLOPE_TEXT[name]} is 0 on a whole interval, where {F[name]} is constant, so it is not strictly increasing"


def _weak(name: str, claim: dict) -> Fact:
    holds = monotone(name, False)
    return holds, f"{PRIME[name]} = {SLOPE_TEXT[name]} is {'never' if holds else 'sometimes'} negative, so {F[name]} is {'' if holds else 'not '}non-decreasing"


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
    power = f"{_num(sup)}^{k}" if sup.is_Integer else f"({_num(sup)})^{k}"
    return holds, (f"each {UNIT[name]} layer multiplies the gradient by at most {_num(sup)} and each weight by at most "
                   f"1, so {k} layers give at most {power} = {_num(best)}, reached when every |w| = 1 and every z_i "
                   f"sits where {PRIME[name]} is largest")


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


# ---- statements: the words, the claim, and the slip behind a false one ---------------------------

@dataclass(frozen=True)
class Statement:
    """One option: its text, its claim, and the slip that makes a student believe it when false."""

    text: str
    claim: dict[str, object]
    mistake: str
    group: str  # activation and kind: one option per group, so no two options test one fact

    @cached_property
    def true(self) -> bool:
        return truth(self.claim)[0]

    def choice(self) -> Choice:
        return claimed(self.text, self.claim, self.true, self.mistake)


def _smooth(name: str) -> bool:
    return differentiable(name, 0)


@cache
def continuity_statements(name: str) -> list[Statement]:
    corner = "confused the corner at 0 with a jump" if not _smooth(name) else f"missed that {F[name]} has no jump anywhere"
    return [Statement(f"{F[name]} is continuous at z = 0", activation_claim(name, "continuous", point=0),
                      "thought a corner breaks continuity", f"{name}:continuity"),
            Statement(f"{F[name]} is discontinuous at z = 0", activation_claim(name, "continuous", False, point=0),
                      corner, f"{name}:continuity")]


@cache
def differentiability_statements(name: str) -> list[Statement]:
    left, right = side_derivative(name, 0, "-"), side_derivative(name, 0, "+")
    return [Statement(f"{F[name]} is differentiable at z = 0", activation_claim(name, "differentiable", point=0),
                      f"took continuity for differentiability (the slopes on the two sides are {_num(left)} and "
                      f"{_num(right)})", f"{name}:derivative"),
            Statement(f"{F[name]} is not differentiable at z = 0",
                      activation_claim(name, "differentiable", False, point=0),
                      f"saw a corner at 0 that {F[name]} does not have", f"{name}:derivative")]


@cache
def range_statements(name: str) -> list[Statement]:
    out, seen = [], []
    for other in dict.fromkeys([name, *ACTIVATIONS]):
        interval = output_range(other)
        if interval in seen:
            continue
        seen.append(interval)
        out.append(Statement(f"The set of outputs of {F[name]} is exactly {_set(interval)}",
                             activation_claim(name, "range", range=range_data(interval)),
                             f"gave {F[name]} the range of {F[other]}", f"{name}:range"))
    return out


@cache
def monotone_statements(name: str) -> list[Statement]:
    return [Statement(f"{F[name]} is strictly increasing on ℝ", activation_claim(name, "strictly-increasing"),
                      f"missed that {F[name]} is constant where its slope is 0", f"{name}:monotone"),
            Statement(f"{F[name]} is non-decreasing on ℝ", activation_claim(name, "non-decreasing"),
                      f"thought {F[name]} decreases somewhere", f"{name}:monotone")]


PEAKS = {sp.Rational(1, 4): "the sigmoid's", sp.S.One: "tanh's"}


@cache
def slope_statements(name: str) -> list[Statement]:
    """Bounds on f' and its largest value; each false one is another activation's number."""
    sup = derivative_sup(name)[0]
    where = "for every z" if _smooth(name) else "for every z ≠ 0"
    out = []
    for bound in (sp.Rational(1, 4), sp.Rational(1, 2), sp.S.One):
        if bound not in PEAKS and name != "sigmoid":
            continue  # no activation peaks at 1/2: a false "≤ 1/2" would test no real slip
        borrowed = PEAKS.get(bound, "σ(0)'s")
        out.append(Statement(f"{PRIME[name]} ≤ {bound} {where}", activation_claim(name, "derivative-at-most", bound=str(bound)),
                             f"gave {F[name]} {borrowed} bound {bound} (the largest {PRIME[name]} is {_num(sup)})",
                             f"{name}:slope"))
        out.append(Statement(f"The largest value of {PRIME[name]} is {bound}",
                             activation_claim(name, "derivative-max", value=str(bound)),
                             "took σ(0) = 1/2 for the peak of σ'" if bound == sp.Rational(1, 2)
                             else f"gave {F[name]} {borrowed} peak slope {bound}", f"{name}:slope"))
    return out


@cache
def saturation_statements(name: str) -> list[Statement]:
    words = {"+": "as z → +∞", "-": "as z → −∞", "both": "at both ends"}
    return [Statement(f"{F[name]} saturates {phrase}: its slope tends to 0 "
                      + ("as z → −∞ and as z → +∞" if end == "both" else "there"),
                      activation_claim(name, "saturates", end=end),
                      f"thought {F[name]} flattens out {phrase}", f"{name}:saturation")
            for end, phrase in words.items()]


@cache
def dead_statements(name: str) -> list[Statement]:
    return [Statement(f"A {UNIT[name]} unit whose input z is negative for every example passes no gradient back to its "
                      f"weights (it can 'die')", activation_claim(name, "dies"),
                      f"thought {F[name]} can die (its slope for z < 0 is not 0)", f"{name}:dead")]


KINDS: tuple[Callable[[str], list[Statement]], ...] = (
    continuity_statements, differentiability_statements, range_statements, monotone_statements,
    slope_statements, saturation_statements, dead_statements)


def derived_statements(names: list[str], rng: random.Random) -> list[Statement]:
    """2-mark statements that combine two facts: a ratio of peak slopes, or a bound over k layers."""
    return list(ratio_statements(*names)) + list(chain_statements(rng.choice(names), rng.choice((2, 3))))


@cache
def ratio_statements(first: str, second: str) -> tuple[Statement, ...]:
    """"The largest value of tanh'(z) is 4 times the largest value of σ'(z)", and its two slips."""
    if derivative_sup(first)[0] == derivative_sup(second)[0]:
        return ()
    ratio = derivative_sup(first)[0] / derivative_sup(second)[0]
    return tuple(Statement(f"The largest value of {PRIME[first]} is {_num(shown)} times the largest value of "
                           f"{PRIME[second]}", activation_claim(first, "sup-ratio", other=second, ratio=str(shown)),
                           slip, "derived")
                 for shown, slip in ((ratio, ""), (1 / ratio, "inverted the comparison"),
                                     (ratio / 2 if ratio > 1 else ratio * 2, "used σ(0) = 1/2 in place of σ'(0) = 1/4")))


@cache
def chain_statements(name: str, k: int) -> tuple[Statement, ...]:
    """Bounds on |∂ak/∂z1| through k layers: the tight one, a weaker true one, and three slips."""
    sup, out = derivative_sup(name)[0], []
    for bound, tight, slip in ((sup**k, True, ""), (sup ** (k - 1), True, f"counted {k - 1} layers instead of {k}"),
                               (sup ** (k - 1), False, ""), (sup ** (k + 1), False, f"counted {k + 1} layers instead of {k}"),
                               (sp.Rational(1, 4) ** k, False, f"gave {F[name]} the sigmoid's per-layer bound 1/4")):
        if bound == sup**k and slip:
            continue
        how = "the smallest bound on" if tight else "a bound on"
        out.append(Statement(f"In a chain of {k} {UNIT[name]} layers a_i = {CALL[name]}(z_i), "
                             f"z_(i+1) = w_(i+1)·a_i + b_(i+1), with every |w| ≤ 1, {_num(bound)} is {how} "
                             f"|∂a{k}/∂z1| that holds for every input",
                             activation_claim(name, "chain-bound", layers=k, bound=str(bound), tight=tight),
                             slip or "misjudged the bound", "derived"))
    return tuple(out)


# ---- the family ---------------------------------------------------------------------------------

def _chosen(rng: random.Random, marks: int) -> list[str]:
    """1 mark: one activation (ReLU or sigmoid most often, as the paper asks); 2 marks: two."""
    if marks == 1:
        return [rng.choice(("relu", "relu", "sigmoid", "tanh", "leaky_relu"))]
    return rng.sample(("relu", "sigmoid", "tanh", "leaky_relu", "linear"), 2)


def _groups(names: list[str], marks: int, rng: random.Random) -> list[list[Statement]]:
    groups = [kind(name) for name in names for kind in KINDS]
    return groups + ([derived_statements(names, rng)] if marks == 2 else [])


def _pick(groups: list[list[Statement]], qtype: QuestionType, marks: int, rng: random.Random) -> list[Statement]:
    """Four statements from four groups. MCQ: one true and three false; MSQ: at least one true and
    one false. A 2-mark item always includes a derived statement (the extra reasoning step), as the
    key or as a distractor alike."""
    order = list(groups)
    rng.shuffle(order)
    if marks == 2:
        order.remove(groups[-1])
        order.insert(0, groups[-1])
    if qtype == "MSQ":
        picked = [rng.choice(g) for g in order[:4]]
        require(any(s.true for s in picked) and not all(s.true for s in picked), "all four alike")
        return picked
    keyed = order[0] if marks == 2 and rng.random() < 0.5 else rng.choice([g for g in order if any(s.true for s in g)])
    rest = [g for g in order if g is not keyed and any(not s.true for s in g)][:3]
    require(len(rest) == 3 and (marks == 1 or order[0] in (keyed, *rest)), "not enough false statements")
    return [rng.choice([s for s in keyed if s.true])] + [rng.choice([s for s in g if not s.true]) for g in rest]


def _stem(names: list[str], qtype: QuestionType) -> str:
    defined = " and ".join(DEFINITIONS[n] for n in names)
    ask = ("Which one of the following statements is correct?" if qtype == "MCQ"
           else "Which of the following statements is/are correct?")
    return f"Consider {defined}, for z ∈ ℝ. {ask}"


def _working(names: list[str], picked: list[Statement]) -> list[Step | str]:
    """One fact per property the options touch, activation by activation (typed `verdict`: each
    settles an option, so hints never show it)."""
    lines: list[Step | str] = []
    for statement in sorted(picked, key=lambda s: (s.group == "derived", names.index(str(s.claim["activation"])))):
        fact = truth(statement.claim)[1]
        line = (fact[0].upper() + fact[1:] if fact.startswith(("the ", "each ")) else fact) + "."
        if line not in [step.text for step in lines if isinstance(step, Step)]:
            lines.append(Step("verdict", line))  # a fact that settles an option: never shown as a hint
    return lines


@family(TOPIC, "Properties of activations (continuity, derivatives, range, saturation)", ("MSQ", "MCQ"),
        (1, 2), group="paper")
def build(rng: random.Random, qtype: QuestionType, marks: int) -> Problem:
    names = _chosen(rng, marks)
    picked = _pick(_groups(names, marks, rng), qtype, marks, rng)
    return fixed_choices(topic=TOPIC, qtype=qtype, marks=marks, body=_stem(names, qtype),
                         choices=[s.choice() for s in picked], steps=_working(names, picked),
                         extra={"activations": names})
