"""Family `derivative-from-output`: an activation's derivative from its output value alone.

The paper gives a sigmoid unit's output (say 0.8) and asks for its derivative at that input:
σ'(z) = f(1 − f) = 0.16, with no z in sight; tanh' = 1 − f² likewise. The 2-mark form carries
the derivative on to a weight: ∂L/∂w = ∂L/∂f · f'(z) · x. Slips: f(1 + f), 1 − f, treating f as the
input (σ'(0.8)), and the other activation's rule. There is no graph: z is not given.
"""

from __future__ import annotations

import random
from dataclasses import replace
from fractions import Fraction

import sympy as sp

from gatebp.questions.families.base import family
from gatebp.questions.families.common import (Choice, nonzero, places_for, rational, require, shown, some_true,
                                              statement, tenths)
from gatebp.questions.problem import Problem, Statements
from gatebp.network.slips import Slip
from gatebp.gate.question import QuestionType

TOPIC = "derivative-from-output"


def true_rule(act: str, f: sp.Expr) -> sp.Expr:
    return f * (1 - f) if act == "sigmoid" else 1 - f**2


def rule_text(act: str) -> str:
    return "σ'(z) = f(1 − f)" if act == "sigmoid" else "tanh'(z) = 1 − f²"


def local_slips(act: str, f: sp.Expr) -> list[Slip]:
    """Wrong local derivatives from the output f, each with its slip."""
    if act == "sigmoid":
        as_input = sp.exp(-f) / (1 + sp.exp(-f)) ** 2
        return [Slip(f * (1 + f), "used f(1 + f) instead of f(1 − f)"),
                Slip(1 - f, "used 1 − f (dropped the factor f)"),
                Slip(as_input, f"treated the output as the input: computed σ'({shown(f)}) "
                               f"instead of f(1 − f)"),
                Slip(1 - f**2, "used tanh's rule 1 − f² for a sigmoid")]
    return [Slip(1 - f, "used 1 − f instead of 1 − f² (forgot to square)"),
            Slip(1 - sp.tanh(f) ** 2, f"treated the output as the input: computed tanh'({shown(f)}) "
                                      f"instead of 1 − f²"),
            Slip(f * (1 - f), "used the sigmoid's rule f(1 − f) for tanh"),
            Slip(1 + f**2, "made a sign slip: 1 + f² instead of 1 − f²")]


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
    return "sigmoid unit f = σ(z)" if act == "sigmoid" else "tanh unit f = tanh(z)"


@family(TOPIC, "An activation's derivative from its output value", ("NAT", "MCQ", "MSQ"), (1, 2), group="paper")
def build(rng: random.Random, qtype: QuestionType, marks: int) -> Problem:
    act, f = draw(rng, marks)
    fx = rational(f)
    if qtype == "MSQ":
        problem = Problem(topic=TOPIC, marks=marks, statements=lambda r: _statements(r, act, fx))
    elif marks == 1:
        problem = _local(act, fx)
    else:
        problem = _to_weight(rng, act, fx)
    return replace(problem, extra={"activation": act, "output": shown(f), **problem.extra})


def _local(act: str, f: sp.Expr) -> Problem:
    exact = true_rule(act, f)
    require(exact != 0)
    body = (f"A {_unit(act)} outputs f = {shown(f)} for some input z (z is not given). "
            f"What is the derivative df/dz at that input?")
    steps = [f"{rule_text(act)}, written with the output f", f"= {_shown(act, f)} = {shown(exact)}"]
    return Problem(topic=TOPIC, marks=1, body=body, exact=exact, steps=steps, slips=local_slips(act, f),
                   places=places_for(exact, 3))


def _to_weight(rng: random.Random, act: str, f: sp.Expr) -> Problem:
    """∂L/∂w for z = w·x + b, given f and the upstream gradient ∂L/∂f."""
    x, upstream = rational(Fraction(nonzero(rng, -3, 3))), rational(tenths(rng, -2, 2))
    local = true_rule(act, f)
    exact = upstream * local * x
    slips = [Slip(upstream * s.value * x, s.mistake) for s in local_slips(act, f)]
    slips.append(Slip(upstream * local, "forgot the factor x = ∂z/∂w"))
    slips.append(Slip(upstream * f * x, "used f itself as the derivative of the activation"))
    body = (f"In a network, a {_unit(act)} has input z = w·x + b with x = {shown(x)}. On one example the "
            f"unit outputs f = {shown(f)} and the gradient of the loss arriving at f is "
            f"∂L/∂f = {shown(upstream)}. What is ∂L/∂w?")
    steps = [f"{rule_text(act)} = {_shown(act, f)} = {shown(local)}",
             f"∂L/∂w = ∂L/∂f · f'(z) · ∂z/∂w = {shown(upstream)} × {shown(local)} "
             f"× {shown(x)} = {shown(exact)}"]
    return Problem(topic=TOPIC, marks=2, body=body, exact=exact, steps=steps, slips=slips,
                   places=places_for(exact, 3), extra={"x": shown(x), "upstream": shown(upstream)})


def _shown(act: str, f: sp.Expr) -> str:
    return f"{shown(f)} × (1 − {shown(f)})" if act == "sigmoid" else f"1 − ({shown(f)})²"


def _statements(rng: random.Random, act: str, f: sp.Expr) -> Statements:
    local = true_rule(act, f)
    bound, centre = (sp.Rational(1, 4), sp.Rational(1, 2)) if act == "sigmoid" else (sp.S.One, sp.S.Zero)
    positive = f > centre  # σ and tanh increase, so z > 0 exactly when f is above f(0)
    choices = [
        statement("The derivative at that input is {}", local, rng.choice(local_slips(act, f)), rng),
        Choice("The input z is positive", bool(positive),
               mistake=None if positive
               else f"missed that f = {shown(f)} is below f(0) = {shown(centre)}, so z < 0"),
        _at_most(local, rng.choice((sp.Rational(1, 4), sp.Rational(1, 8), sp.Rational(1, 2)))),
        _saturation(act, f, rng),
    ]
    body = (f"A {_unit(act)} outputs f = {shown(f)} for some input z (z is not given). "
            f"Which statements are true?")
    steps = [f"{rule_text(act)} = {_shown(act, f)} = {shown(local)}",
             f"f(0) = {shown(centre)}: f = {shown(f)} means z {'>' if positive else '<'} 0",
             f"the largest derivative is {bound} (at z = 0)"]
    return Statements(body=body, choices=some_true(choices), steps=steps)


def _saturation(act: str, f: sp.Expr, rng: random.Random) -> Choice:
    """Compare with an output nearer saturation: its derivative is smaller."""
    other = f + sp.Rational(1, 20) if f > (sp.Rational(1, 2) if act == "sigmoid" else 0) else f - sp.Rational(1, 20)
    smaller = true_rule(act, other) < true_rule(act, f)
    claim_smaller = rng.random() < 0.5
    word = "smaller" if claim_smaller else "larger"
    correct = smaller == claim_smaller
    return Choice(f"An output of {shown(other)} would give a {word} derivative than {shown(f)}",
                  bool(correct),
                  mistake=None if correct else "missed that the derivative shrinks as the output nears saturation")


def _at_most(local: sp.Expr, claimed: sp.Expr) -> Choice:
    holds = bool(local <= claimed)
    return Choice(f"The derivative at that input is at most {shown(claimed)}", holds,
                  mistake=None if holds else f"misjudged the derivative's size (it is {shown(local)})")
