"""Family `activation-properties`: MSQ/MCQ statements about ReLU, leaky ReLU, sigmoid, tanh, linear.

The paper asks which properties hold (ReLU is continuous but not differentiable at 0; σ' ≤ 1/4;
sigmoid and tanh saturate; a ReLU unit can die). Every statement's truth is DECIDED here by SymPy
from the activation's definition — one-sided limits of difference quotients, limits at ±∞, the
critical points of the derivative, solving f' = 0 on a half-line — never read from a table of
answers. The facts are cached per activation (functools.lru_cache), so only the first use of
each costs SymPy time.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache

import sympy as sp

from gatebp.core.step import Step
from gatebp.questions.families.base import family
from gatebp.questions.families.common import Choice, require
from gatebp.gate.question import QuestionType
from gatebp.questions.problem import Problem, fixed_choices

TOPIC = "activation-properties"
Z = sp.Symbol("z", real=True)
H = sp.Symbol("h", real=True)
U = sp.Symbol("u", positive=True)
V = sp.Symbol("v", positive=True)
OO = sp.oo
NAMES = {"relu": "ReLU", "leaky_relu": "leaky ReLU (slope 0.01 for z < 0)", "sigmoid": "the sigmoid σ",
         "tanh": "tanh", "linear": "the linear (identity) activation"}
UNIT = {"relu": "ReLU", "leaky_relu": "leaky ReLU", "sigmoid": "sigmoid", "tanh": "tanh", "linear": "linear"}
SHORT = {"relu": "ReLU", "leaky_relu": "leaky ReLU", "sigmoid": "σ", "tanh": "tanh", "linear": "the identity"}
DEFINITIONS = {"relu": "ReLU(z) = max(0, z)", "leaky_relu": "leaky ReLU(z) = z for z ≥ 0 and 0.01z for z < 0",
               "sigmoid": "σ(z) = 1/(1 + e^(−z))", "tanh": "tanh(z) = (e^z − e^(−z))/(e^z + e^(−z))",
               "linear": "the identity f(z) = z"}
ACTIVATIONS = tuple(NAMES)
Pieces = tuple[tuple[sp.Expr, sp.Interval], ...]


# ---- the definitions: each activation as pieces (expression, interval) covering ℝ ----------------

@lru_cache(maxsize=None)
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

@lru_cache(maxsize=None)
def value(name: str, point: int) -> sp.Expr:
    return _piece_at(name, sp.S(point)).subs(Z, point)


@lru_cache(maxsize=None)
def side_limit(name: str, point: int, side: str) -> sp.Expr:
    """lim f(z) as z → point from one side (sympy.limit on the piece there)."""
    return sp.limit(_piece_at(name, sp.S(point), side), Z, point, side)


@lru_cache(maxsize=None)
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


@lru_cache(maxsize=None)
def _exp_quotient_limit(side: str) -> sp.Expr:
    """lim (e^h − 1)/h as h → 0 from one side (1 from both)."""
    return sp.limit((sp.exp(H) - 1) / H, H, 0, side)


def continuous(name: str, point: int) -> bool:
    return bool(side_limit(name, point, "-") == value(name, point) == side_limit(name, point, "+"))


def differentiable(name: str, point: int) -> bool:
    left, right = side_derivative(name, point, "-"), side_derivative(name, point, "+")
    return bool(left.is_finite and right.is_finite and sp.simplify(left - right) == 0)


@lru_cache(maxsize=None)
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


@lru_cache(maxsize=None)
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


@lru_cache(maxsize=None)
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


@lru_cache(maxsize=None)
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


@lru_cache(maxsize=None)
def dies_for_negative(name: str) -> bool:
    """Is f' identically 0 for z < 0? (solveset of f' = 0 on (−∞, 0) is the whole half-line)."""
    negative = sp.Interval.open(-OO, 0)
    expr = _piece_at(name, sp.S(-1))
    return sp.solveset(sp.Eq(sp.diff(expr, Z), 0), Z, negative) == negative


# ---- statements ---------------------------------------------------------------------------------

@dataclass(frozen=True)
class Claim:
    """A statement about one activation, its computed truth, why it is false, and the working."""

    text: str
    true: bool
    mistake: str
    why: str

    def choice(self) -> Choice:
        return Choice(self.text, self.true, mistake=None if self.true else self.mistake)


def _prime(name: str) -> str:
    """σ'(z), tanh'(z); the identity's derivative is named in words (the identity'(z) reads badly)."""
    return "the identity's derivative" if name == "linear" else f"{SHORT[name]}'(z)"


def _num(value: sp.Expr) -> str:
    return "∞" if value == OO else "−∞" if value == -OO else sp.sstr(value)


def _set(interval: sp.Set) -> str:
    if not isinstance(interval, sp.Interval):
        return sp.sstr(interval)
    left = "(" if interval.left_open else "["
    right = ")" if interval.right_open else "]"
    return f"{left}{_num(interval.inf)}, {_num(interval.sup)}{right}"


def continuity_claims(name: str, point: int) -> list[Claim]:
    left, right, at = side_limit(name, point, "-"), side_limit(name, point, "+"), value(name, point)
    why = (f"{SHORT[name]} at {point}: left limit {_num(left)}, right limit {_num(right)}, "
           f"value {_num(at)}")
    yes = continuous(name, point)
    return [Claim(f"{SHORT[name]} is continuous at z = {point}", yes,
                  f"confused a corner with a jump ({why})", why),
            Claim(f"{SHORT[name]} is discontinuous at z = {point}", not yes,
                  f"confused a corner with a jump: {SHORT[name]} is continuous at {point} ({why})", why)]


def differentiability_claims(name: str, point: int) -> list[Claim]:
    left, right = side_derivative(name, point, "-"), side_derivative(name, point, "+")
    why = (f"{SHORT[name]} at {point}: one-sided derivatives (limits of the difference quotient) "
           f"{_num(left)} from the left and {_num(right)} from the right")
    yes = differentiable(name, point)
    return [Claim(f"{SHORT[name]} is differentiable at z = {point}", yes,
                  f"took continuity for differentiability ({why})", why),
            Claim(f"{SHORT[name]} is not differentiable at z = {point}", not yes,
                  f"saw a corner that is not there ({why})", why)]


def range_claims(name: str) -> list[Claim]:
    truth = output_range(name)
    why = (f"{SHORT[name]}: limit {_num(end_limit(name, '-'))} at −∞ and {_num(end_limit(name, '+'))} at +∞, "
           f"non-decreasing, so its outputs fill {_set(truth)}")
    claims = [Claim(f"Every output of {SHORT[name]} lies in {_set(truth)}, and every value there is an output",
                    True, "", why)]
    for other in ACTIVATIONS:
        wrong = output_range(other)
        if wrong != truth:
            claims.append(Claim(f"Every output of {SHORT[name]} lies in {_set(wrong)}, and every value there "
                                f"is an output", False, f"gave {SHORT[name]} the range of {SHORT[other]}", why))
    return claims


def monotone_claims(name: str) -> list[Claim]:
    strict, weak = monotone(name, True), monotone(name, False)
    flat = "" if strict else " (it is constant on part of ℝ)"
    return [Claim(f"{SHORT[name]} is strictly increasing on ℝ", strict,
                  f"missed that {SHORT[name]} is flat where its derivative is 0{flat}",
                  f"{SHORT[name]}: strictly increasing on every piece: {strict}"),
            Claim(f"{SHORT[name]} is non-decreasing on ℝ", weak, f"thought {SHORT[name]} decreases somewhere",
                  f"{SHORT[name]}: non-decreasing on every piece: {weak}")]


def slope_claims(name: str) -> list[Claim]:
    sup, attained = derivative_sup(name)
    why = (f"{SHORT[name]}': largest value {_num(sup)} ({'attained' if attained else 'not attained'}), "
           f"from the critical points of the derivative and its limits at the ends")
    claims = []
    for bound in (sp.Rational(1, 4), sp.Rational(1, 2), sp.S.One):
        holds = bool(sup <= bound)
        claims.append(Claim(f"{_prime(name)} ≤ {bound} wherever the derivative exists", holds,
                            f"used another activation's bound (the largest {SHORT[name]}' is {_num(sup)})", why))
        claims.append(Claim(f"The largest value of {_prime(name)} is {bound}", bool(sup == bound and attained),
                            f"misplaced the peak of {SHORT[name]}' (it is {_num(sup)})", why))
    return claims


def saturation_claims(name: str) -> list[Claim]:
    claims = []
    for end, word in (("+", "+∞"), ("-", "−∞")):
        limit = end_limit(name, end, derivative=True)
        why = f"{SHORT[name]}'(z) → {_num(limit)} as z → {word}"
        claims.append(Claim(f"{SHORT[name]} saturates as z → {word} (its derivative tends to 0)", limit == 0,
                            f"thought {SHORT[name]} saturates at {word} ({why})"
                            if limit != 0 else "", why))
    both = all(end_limit(name, e, derivative=True) == 0 for e in "+-")
    claims.append(Claim(f"{SHORT[name]} saturates at both ends (its derivative tends to 0 as |z| → ∞)", both,
                        f"thought {SHORT[name]} saturates at both ends", f"{SHORT[name]}' at ±∞: "
                        f"{_num(end_limit(name, '-', True))}, {_num(end_limit(name, '+', True))}"))
    return claims


def dead_claims(name: str) -> list[Claim]:
    dead = dies_for_negative(name)
    why = f"{SHORT[name]}'(z) = {sp.sstr(sp.diff(_piece_at(name, sp.S(-1)), Z))} for z < 0"
    return [Claim(f"A {UNIT[name]} unit whose input z is negative for every example passes no gradient "
                  f"back to its weights (it can 'die')", dead,
                  f"thought {SHORT[name]} can die ({why}, not 0)" if not dead else "", why)]


CLAIMS: tuple[Callable[[str], list[Claim]], ...] = (
    lambda n: continuity_claims(n, 0), lambda n: differentiability_claims(n, 0), range_claims,
    monotone_claims, slope_claims, saturation_claims, dead_claims)


def claims_for(name: str, rng: random.Random) -> list[Claim]:
    """One claim drawn from each kind of property, in a shuffled order."""
    drawn = [rng.choice(kind(name)) for kind in CLAIMS]
    rng.shuffle(drawn)
    return drawn


# ---- the family ---------------------------------------------------------------------------------

def _chosen(rng: random.Random, marks: int) -> list[str]:
    """1 mark: one activation (ReLU or sigmoid most often, as the paper asks); 2 marks: two or three."""
    if marks == 1:
        return [rng.choice(("relu", "relu", "sigmoid", "tanh", "leaky_relu"))]
    return rng.sample(("relu", "sigmoid", "tanh", "leaky_relu", "linear"), rng.choice((2, 3)))


def _pool(rng: random.Random, names: list[str]) -> list[Claim]:
    pool = [claim for name in names for claim in claims_for(name, rng)]
    rng.shuffle(pool)
    return pool


def _pick(pool: list[Claim], qtype: QuestionType, rng: random.Random) -> list[Claim]:
    """MCQ: one true and three false; MSQ: four distinct claims with at least one true."""
    seen: dict[str, Claim] = {}
    for claim in pool:
        seen.setdefault(claim.text, claim)
    unique = list(seen.values())
    if qtype == "MCQ":
        true = [c for c in unique if c.true]
        false = [c for c in unique if not c.true]
        require(bool(true) and len(false) >= 3, "not enough claims")
        return [true[0], *false[:3]]
    picked = unique[:4]
    require(len(picked) == 4 and any(c.true for c in picked), "no true claim")
    return picked


@family(TOPIC, "Properties of activations (continuity, derivatives, range, saturation)", ("MSQ", "MCQ"),
        (1, 2), group="paper")
def build(rng: random.Random, qtype: QuestionType, marks: int) -> Problem:
    names = _chosen(rng, marks)
    picked = _pick(_pool(rng, names), qtype, rng)
    listed = ", ".join(NAMES[n] for n in names)
    ask = "Which statement is true?" if qtype == "MCQ" else "Which statements are true?"
    defined = "; ".join(DEFINITIONS[n] for n in names)
    body = f"Consider the activation function{'s' if len(names) > 1 else ''} {listed} on z ∈ ℝ ({defined}). {ask}"
    steps = [Step("verdict", f"{'TRUE' if c.true else 'FALSE'}: {c.text} — {c.why}") for c in picked]
    return fixed_choices(topic=TOPIC, qtype=qtype, marks=marks, body=body, choices=[c.choice() for c in picked],
                           steps=steps)
