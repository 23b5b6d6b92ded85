"""Family `derivative-from-output`: an activation's derivative from its output value alone.

The paper gives a sigmoid unit's output (say 0.8) and asks for its derivative at that input:
σ'(z) = f(1 − f) = 0.16, with no z in sight; tanh' = 1 − f² likewise. Slips: f(1 + f), 1 − f,
treating f as the input (σ'(0.8)), and the other activation's rule. There is no graph: z is not given.

1 mark: the local derivative f'(z). 2 marks: the derivative carried on to a weight,
∂L/∂w = ∂L/∂f · f'(z) · x (the extra step: the chain rule through z = w·x + b), and the 2-mark
MSQ always has a statement about ∂L/∂w. MSQ statements are claims decided by SymPy from the
activation's definition at the input z = f⁻¹(output) (z = log(f/(1 − f)) or atanh f):
`output-derivative` (f'(z) equals a value), `input-sign` (z > 0 or z < 0), `derivative-compare`
(another output gives a smaller, larger or equal derivative) and `output-weight-gradient`.
"""

from __future__ import annotations

import random
from collections.abc import Mapping
from dataclasses import replace
from fractions import Fraction
from functools import cache
from typing import Any

import sympy as sp

from gatebp.gate.question import QuestionType
from gatebp.network.slips import Slip
from gatebp.questions.claims import Context, Verdict, decider, rounds_to
from gatebp.questions.families._claimkit import claimed, exact, frac, rounding_note, spaced, valued
from gatebp.questions.families._stems import m, value_of
from gatebp.questions.families.base import family
from gatebp.questions.families.common import Choice, places_for, rational, require, shown
from gatebp.questions.problem import Problem, Statements

TOPIC = "derivative-from-output"
Z = sp.Symbol("z", real=True)
UPSTREAM = [Fraction(n, 10) for n in range(-20, 21) if abs(n) >= 3 and abs(n) != 10]  # no ±1: x·f' alone
CENTRE = {"sigmoid": sp.Rational(1, 2), "tanh": sp.S.Zero}  # f(0): the output when z = 0


def true_rule(act: str, f: sp.Expr) -> sp.Expr:
    return f * (1 - f) if act == "sigmoid" else 1 - f**2


def rule_text(act: str) -> str:
    return f"σ′(z) = {m('f*(1 - f)')}" if act == "sigmoid" else f"tanh′(z) = {m('1 - f**2')}"


def local_slips(act: str, f: sp.Expr) -> list[Slip]:
    """Wrong local derivatives from the output f, each with its slip."""
    if act == "sigmoid":
        as_input = sp.exp(-f) / (1 + sp.exp(-f)) ** 2
        return [Slip(f * (1 + f), "used f(1 + f) instead of f(1 − f)"),
                Slip(1 - f, "used 1 − f (dropped the factor f)"),
                Slip(as_input, f"treated the output as the input: computed σ′({shown(f)}) "
                               f"instead of f(1 − f)"),
                Slip(1 - f**2, "used tanh's rule 1 − f² for a sigmoid")]
    return [Slip(1 - f, "used 1 − f instead of 1 − f² (forgot to square)"),
            Slip(1 - sp.tanh(f) ** 2, f"treated the output as the input: computed tanh′({shown(f)}) "
                                      f"instead of 1 − f²"),
            Slip(f * (1 - f), "used the sigmoid's rule f(1 − f) for tanh"),
            Slip(1 + f**2, "wrote 1 + f² instead of 1 − f²")]


# ---- claims: SymPy at the input z = f⁻¹(output) --------------------------------------------------

@cache
def input_for(act: str, output: str) -> sp.Expr:
    """The z with f(z) = output, solved from the definition (σ⁻¹(f) = log(f/(1 − f)), tanh⁻¹ = atanh)."""
    f = exact(output)
    return sp.log(f / (1 - f)) if act == "sigmoid" else sp.atanh(f)


@cache
def derivative_at(act: str, output: str) -> sp.Expr:
    """f'(z) at that z: differentiate the activation and substitute (SymPy), simplified."""
    function = 1 / (1 + sp.exp(-Z)) if act == "sigmoid" else sp.tanh(Z)
    return sp.nsimplify(sp.simplify(sp.diff(function, Z).subs(Z, input_for(act, output))))


def _value_holds(claim: Mapping[str, Any], truth: sp.Expr) -> bool:
    return rounds_to(float(Fraction(str(claim["value"]))), truth, int(claim.get("places", 4)))


@decider("output-derivative")
def _decide_derivative(claim: Mapping[str, Any], context: Context) -> Verdict:
    truth = derivative_at(str(claim["activation"]), str(claim["output"]))
    output = shown(exact(claim["output"]))
    return Verdict(_value_holds(claim, truth), f"at the input where {m('f = ' + output)}, f′(z) = {m(shown(truth))}")


@decider("input-sign")
def _decide_sign(claim: Mapping[str, Any], context: Context) -> Verdict:
    z = input_for(str(claim["activation"]), str(claim["output"]))
    sign = "positive" if z > 0 else "negative"
    output = m("f = " + shown(exact(claim["output"])))
    return Verdict(sign == claim["sign"], f"{output} is {'above' if z > 0 else 'below'} "
                   f"{_at_zero(str(claim['activation']), increasing=True)}, so {m('z = ' + shown(z))} is {sign}")


@decider("derivative-compare")
def _decide_compare(claim: Mapping[str, Any], context: Context) -> Verdict:
    act = str(claim["activation"])
    mine, theirs = derivative_at(act, str(claim["output"])), derivative_at(act, str(claim["other"]))
    relation = "equal" if theirs == mine else "smaller" if theirs < mine else "larger"
    other, output = m(shown(exact(claim["other"]))), m(shown(exact(claim["output"])))
    return Verdict(relation == claim["relation"], f"the output {other} gives f′(z) = {m(shown(theirs))} against "
                   f"{m(shown(mine))} for {output}")


@decider("output-weight-gradient")
def _decide_weight(claim: Mapping[str, Any], context: Context) -> Verdict:
    local = derivative_at(str(claim["activation"]), str(claim["output"]))
    truth = exact(claim["upstream"]) * local * exact(claim["x"])
    product = _product(exact(claim["upstream"]), local, exact(claim["x"]))
    return Verdict(_value_holds(claim, truth), f"{m('∂L/∂w')} = ∂L/∂f·f′(z)·x = {m(f'{product} = {shown(truth)}')}")


# ---- the family ---------------------------------------------------------------------------------

def draw(rng: random.Random, marks: int) -> tuple[str, Fraction]:
    """The activation and its output: one decimal for 1 mark, two decimals sometimes for 2 marks."""
    act = rng.choice(("sigmoid", "sigmoid", "tanh"))
    low = Fraction(1, 10) if act == "sigmoid" else Fraction(-9, 10)
    hundredths = marks == 2 and rng.random() < 0.4
    step = Fraction(1, 20) if hundredths else Fraction(1, 10)
    choices = [low + k * step for k in range(int((Fraction(9, 10) - low) / step) + 1)]
    centre = Fraction(1, 2) if act == "sigmoid" else Fraction(0)  # f(0): the input z would be 0
    f = rng.choice([c for c in choices if c != centre])
    return act, f


def _unit(act: str) -> str:
    return (f"sigmoid unit {m('f = sigmoid(z)')}, where $sigmoid(z) = 1/(1 + exp(-z))$," if act == "sigmoid"
            else f"tanh unit {m('f = tanh(z)')}")


@family(TOPIC, "An activation's derivative from its output value", ("NAT", "MCQ", "MSQ"), (1, 2), group="paper")
def build(rng: random.Random, qtype: QuestionType, marks: int) -> Problem:
    act, f = draw(rng, marks)
    fx = rational(f)
    if qtype == "MSQ":
        problem = Problem(topic=TOPIC, marks=marks, statements=lambda r: _statements(r, act, fx, marks))
    elif marks == 1:
        problem = _local(act, fx, qtype)
    else:
        problem = _to_weight(rng, act, fx, qtype)
    return replace(problem, extra={"activation": act, "output": shown(f), **problem.extra})


def _local(act: str, f: sp.Expr, qtype: QuestionType) -> Problem:
    answer = true_rule(act, f)
    require(answer != 0)
    places = places_for(answer, 3)
    slips = spaced(answer, local_slips(act, f), places)
    ending = " is ____" if qtype == "NAT" else " is"
    body = (f"A {_unit(act)} outputs {m('f = ' + shown(f))} for some input z (z is not given). "
            f"The value of the derivative df/dz at that input{ending}")
    steps = [f"{rule_text(act)}, written with the output f", f"= {m(f'{_shown(act, f)} = {shown(answer)}')}"]
    return Problem(topic=TOPIC, marks=1, body=rounding_note(body, answer, slips, places, qtype), exact=answer,
                   steps=steps, slips=slips, places=places)


def _to_weight(rng: random.Random, act: str, f: sp.Expr, qtype: QuestionType) -> Problem:
    """∂L/∂w for z = w·x + b, given f and the upstream gradient ∂L/∂f."""
    x = rational(Fraction(rng.choice((-3, -2, 2, 3))))
    upstream = rational(rng.choice(UPSTREAM))
    local = true_rule(act, f)
    answer = upstream * local * x
    slips = [Slip(upstream * s.value * x, s.mistake) for s in local_slips(act, f)]
    slips += [Slip(upstream * local, "forgot the factor x = ∂z/∂w"),
              Slip(upstream * f * x, "used f itself as the derivative of the activation")]
    places = places_for(answer, 3)
    slips = spaced(answer, slips, places)
    body = (f"In a network, a {_unit(act)} has input {m('z = w*x + b')} with {m('x = ' + shown(x))}. On one "
            f"example the unit outputs {m('f = ' + shown(f))} and the gradient of the loss arriving at f is "
            f"{m('∂L/∂f = ' + shown(upstream))}. {value_of('∂L/∂w', qtype)}")
    steps = [f"{rule_text(act)} = {m(f'{_shown(act, f)} = {shown(local)}')}", m(f"∂z/∂w = x = {shown(x)}"),
             f"{m('∂L/∂w')} = ∂L/∂f·f′(z)·∂z/∂w = {m(f'{_product(upstream, local, x)} = {shown(answer)}')}"]
    return Problem(topic=TOPIC, marks=2, body=rounding_note(body, answer, slips, places, qtype), exact=answer,
                   steps=steps, slips=slips, places=places, extra={"x": shown(x), "upstream": shown(upstream)})


def _shown(act: str, f: sp.Expr) -> str:
    """f(1 − f) or 1 − f² with the number in, as a span's text: 0.9*(1 - 0.9), 1 - (-0.2)**2."""
    return f"{shown(f)}*(1 - {shown(f)})" if act == "sigmoid" else f"1 - ({shown(f)})**2"


def _statements(rng: random.Random, act: str, f: sp.Expr, marks: int) -> Statements:
    """1 mark: f'(z), the sign of z and two comparisons; 2 marks: ∂L/∂w always, plus three of those."""
    local = true_rule(act, f)
    out = frac(f)
    derivative = valued("The derivative df/dz at that input is {}", local, rng.choice(local_slips(act, f)), rng,
                        fmt=shown, claim=lambda v: {"kind": "output-derivative", "activation": act, "output": out,
                                                    "value": shown(v), "places": 4})
    kinds = ["mirror", "outward", "inward"]
    rng.shuffle(kinds)
    pool = [derivative, _sign(rng, act, f)] + [c for c in (_compare(rng, act, f, k) for k in kinds) if c][:2]
    body = f"A {_unit(act)} outputs {m('f = ' + shown(f))} for some input z (z is not given)."
    steps = [f"{rule_text(act)} = {m(f'{_shown(act, f)} = {shown(local)}')}",
             f"{_at_zero(act, increasing=True)}: {m('f = ' + shown(f))} means z {'>' if f > CENTRE[act] else '<'} 0"]
    if marks == 2:
        x, upstream = rational(Fraction(rng.choice((-3, -2, 2, 3)))), rational(rng.choice(UPSTREAM))
        pool = [_weight(rng, act, f, x, upstream)] + rng.sample(pool, 3)
        body = (f"A {_unit(act)} has input {m('z = w*x + b')} with {m('x = ' + shown(x))}. On one example it "
                f"outputs {m('f = ' + shown(f))} (z is not given) and the gradient of the loss arriving at f is "
                f"{m('∂L/∂f = ' + shown(upstream))}.")
        product = m(f"{_product(upstream, local, x)} = {shown(upstream * local * x)}")
        steps.append(f"{m('∂L/∂w')} = ∂L/∂f·f′(z)·x = {product}")
    steps += [_compare_line(act, c.claim) for c in pool if c.claim and c.claim["kind"] == "derivative-compare"]
    require(len(pool) == 4 and any(c.correct for c in pool) and not all(c.correct for c in pool), "all four alike")
    return Statements(body=f"{body} Which of the following statements is/are correct?", choices=pool, steps=steps)


def _sign(rng: random.Random, act: str, f: sp.Expr) -> Choice:
    claimed_sign = "positive" if rng.random() < 0.5 else "negative"
    positive = f > CENTRE[act]
    return claimed(f"The input z is {claimed_sign}", {"kind": "input-sign", "activation": act, "output": frac(f),
                                                       "sign": claimed_sign}, (claimed_sign == "positive") == positive,
                   f"compared f with 0 instead of with {_at_zero(act)}" if act == "sigmoid"
                   else f"read the sign of z from the wrong side of {_at_zero(act)}")


def _at_zero(act: str, increasing: bool = False) -> str:
    """σ(0) = 1/2 (or tanh(0) = 0), where the sign of z is read (the activation increases)."""
    name = "σ" if act == "sigmoid" else "tanh"
    return f"{name}(0) = {m(shown(CENTRE[act]))}" + (f" and {name} is increasing" if increasing else "")


def _other_output(act: str, f: sp.Expr, kind: str) -> sp.Expr | None:
    """The mirror output (same derivative), one 0.1 nearer saturation, or one 0.1 nearer f(0)."""
    centre, away = CENTRE[act], 1 if f > CENTRE[act] else -1
    other = {"mirror": 2 * centre - f, "outward": f + away * sp.Rational(1, 10),
             "inward": f - away * sp.Rational(1, 10)}[kind]
    inside = (0 < other < 1) if act == "sigmoid" else (-1 < other < 1)
    same_side = kind == "mirror" or (other - centre) * (f - centre) > 0
    return other if inside and same_side and other != f else None


def _compare(rng: random.Random, act: str, f: sp.Expr, kind: str) -> Choice | None:
    """Another output's derivative compared with this one's: the mirror output (equal), one
    nearer saturation (smaller) or one nearer f(0) (larger); the claimed relation is the truth or a slip."""
    other = _other_output(act, f, kind)
    if other is None:
        return None
    right = {"mirror": "equal", "outward": "smaller", "inward": "larger"}[kind]
    relation = right if rng.random() < 0.5 else rng.choice([r for r in ("equal", "smaller", "larger") if r != right])
    words = {"equal": "the same derivative as", "smaller": "a smaller derivative than", "larger": "a larger derivative than"}
    mistake = {"mirror": f"missed the symmetry: {rule_text(act).split(' = ')[1]} is unchanged when f is replaced by "
                         f"{'1 − f' if act == 'sigmoid' else '−f'}",
               "outward": "missed that the derivative shrinks as the output nears saturation",
               "inward": f"missed that the derivative grows as the output moves toward f(0) = {shown(CENTRE[act])}"}[kind]
    return claimed(f"An output of {m(shown(other))} would give {words[relation]} {m('f = ' + shown(f))}",
                   {"kind": "derivative-compare", "activation": act, "output": frac(f), "other": frac(other),
                    "relation": relation}, relation == right, mistake)


def _product(*values: sp.Expr) -> str:
    """"1.5*0.09*(-2)" for a span (1.5·0.09·(−2)): negatives after the first bracketed."""
    return "*".join(shown(v) if i == 0 or v >= 0 else f"({shown(v)})" for i, v in enumerate(values))


def _compare_line(act: str, claim: Mapping[str, Any]) -> str:
    other = exact(str(claim["other"]))
    return f"an output of {m(shown(other))} gives {m(f'{_shown(act, other)} = {shown(true_rule(act, other))}')}"


def _weight(rng: random.Random, act: str, f: sp.Expr, x: sp.Expr, upstream: sp.Expr) -> Choice:
    local = true_rule(act, f)
    slips = [Slip(upstream * local, "forgot the factor x = ∂z/∂w"),
             *(Slip(upstream * s.value * x, s.mistake) for s in local_slips(act, f)[:2])]
    return valued("$∂L/∂w = {}$", upstream * local * x, rng.choice(slips), rng, fmt=shown,
                  claim=lambda v: {"kind": "output-weight-gradient", "activation": act, "output": frac(f),
                                   "upstream": frac(upstream), "x": frac(x), "value": shown(v), "places": 4})
