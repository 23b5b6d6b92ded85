"""Family 9: vanishing gradients, the product of sigmoid derivatives through k layers.

Each sigmoid layer multiplies the backward signal by σ'(z) = a(1 − a) ≤ 1/4, so k layers shrink it
by at least 4^k (weights of magnitude at most 1). The numbers are given as outputs a, the form
GATE asks ("a sigmoid's derivative given its output"), so every answer is an exact decimal.
"""

from __future__ import annotations

import random

import sympy as sp

from gatebp.questions.families.base import family
from gatebp.questions.families.common import Choice, decimal, fact, nonzero, some_true, statement
from gatebp.questions.problem import Problem, Statements
from gatebp.core.functions import sigmoid
from gatebp.network.slips import Slip
from gatebp.gate.question import QuestionType

TOPIC = "vanishing"
QUARTER = sp.Rational(1, 4)


def _outputs(rng: random.Random, k: int) -> list[sp.Rational]:
    return [sp.Rational(rng.randint(1, 9), 10) for _ in range(k)]


def _prime(a: sp.Expr) -> sp.Expr:
    return a * (1 - a)


def _product(values: list[sp.Expr]) -> sp.Expr:
    return sp.Mul(*values)


def _listing(name: str, values: list[sp.Expr], start: int = 1) -> str:
    return ", ".join(f"{name}{i} = {decimal(v)}" for i, v in enumerate(values, start))


def _factors(k: int) -> str:
    return "·".join(f"σ'(z{i})" for i in range(1, k + 1))


def _factor_steps(outputs: list[sp.Expr]) -> list[str]:
    return [f"σ'(z{i}) = a{i}(1 − a{i}) = {decimal(a)} × {decimal(1 - a)} = "
            f"{decimal(_prime(a))}" for i, a in enumerate(outputs, 1)]


def _output_slips(outputs: list[sp.Expr], weights: sp.Expr) -> list[Slip]:
    """The slips about σ' itself, each scaled by the weights' product (1 when there are none)."""
    k = len(outputs)
    return [
        Slip(weights * _product(outputs), "used the output a instead of σ'(z) = a(1 − a)"),
        Slip(weights * _product([1 - a for a in outputs]), "used 1 − a instead of σ'(z) = a(1 − a)"),
        Slip(weights * QUARTER**k, "used the bound 1/4 for every layer instead of the actual a(1 − a)"),
        Slip(weights * _product([_prime(sigmoid(a)) for a in outputs]),
             "applied σ' to the output a (σ'(a) instead of σ'(z))"),
        Slip(weights * sp.Add(*(_prime(a) for a in outputs)), "added the layers' factors instead of multiplying them"),
    ]


@family(TOPIC, "Vanishing gradients: products of sigmoid derivatives", ("NAT", "MCQ", "MSQ"), (1, 2))
def build(rng: random.Random, qtype: QuestionType, marks: int) -> Problem:
    if qtype == "MSQ":
        return Problem(topic=TOPIC, marks=marks, statements=lambda r: _statements(r, marks))
    if marks == 2:
        return _weighted(rng)
    return _bound(rng) if rng.random() < 0.4 else _plain_product(rng)


def _bound(rng: random.Random) -> Problem:
    k = rng.randint(2, 5)
    exact = sp.Integer(4) ** k
    slips = [Slip(sp.Integer(2) ** k, "bounded σ' by 1/2 instead of 1/4"),
             Slip(sp.Integer(4) ** (k - 1), f"counted {k - 1} σ' factors instead of {k}"),
             Slip(sp.Integer(4 * k), "added the layers' factors instead of multiplying them"),
             Slip(sp.Integer(4) ** (k + 1), f"counted {k + 1} σ' factors instead of {k}")]
    body = (f"A chain of {k} sigmoid layers computes a_i = σ(z_i) with z_(i+1) = w_(i+1)·a_i + b_(i+1), and every "
            f"weight has |w| ≤ 1. What is the largest N for which |∂a{k}/∂z1| ≤ 1/N holds whatever the "
            f"inputs and biases?")
    steps = ["σ'(z) = σ(z)(1 − σ(z)) is largest at z = 0, where it is 1/4, so every σ' factor is at most 1/4.",
             f"∂a{k}/∂z1 multiplies {k} σ' factors and {k - 1} weights of magnitude at most 1.",
             f"So |∂a{k}/∂z1| ≤ (1/4)^{k} = 1/{4**k}, and the bound is reached when every z_i = 0 and "
             f"|w| = 1, so no larger N is guaranteed: N = {4**k}."]
    return Problem(topic=TOPIC, marks=1, body=body, exact=exact, steps=steps, slips=slips)


def _plain_product(rng: random.Random) -> Problem:
    outputs = _outputs(rng, 2)
    exact = _product([_prime(a) for a in outputs])
    body = (f"Two stacked sigmoid layers gave the outputs {_listing('a', outputs)} (a_i = σ(z_i)) in the forward "
            f"pass. What is the product σ'(z1)·σ'(z2) of their local derivatives?")
    steps = _factor_steps(outputs) + [f"σ'(z1)·σ'(z2) = {decimal(exact)}"]
    return Problem(topic=TOPIC, marks=1, body=body, exact=exact, steps=steps,
                   slips=_output_slips(outputs, sp.S.One), places=4)


def _weighted(rng: random.Random) -> Problem:
    outputs = _outputs(rng, 3)
    weights = [sp.Integer(nonzero(rng, -3, 3)) for _ in range(2)]
    w = _product(weights)
    primes = [_prime(a) for a in outputs]
    exact = w * _product(primes)
    slips = [Slip(_product(primes), "forgot the weights w2 and w3 on the way back"),
             Slip(w * primes[1] * primes[2], "stopped at z2: left out σ'(z1)"),
             *_output_slips(outputs, w)]
    body = (f"Three sigmoid layers compute a_i = σ(z_i) with z2 = w2·a1 + b2 and z3 = w3·a2 + b3, where "
            f"{_listing('w', weights, 2)}. The forward pass gave {_listing('a', outputs)}. What is ∂a3/∂z1?")
    steps = _factor_steps(outputs) + [
        "∂a3/∂z1 = σ'(z3)·w3·σ'(z2)·w2·σ'(z1)",
        f"= {' × '.join(decimal(v) for v in (primes[2], weights[1], primes[1], weights[0], primes[0]))} "
        f"= {decimal(exact)}"]
    return Problem(topic=TOPIC, marks=2, body=body, exact=exact, steps=steps, slips=slips, places=4)


def _statements(rng: random.Random, marks: int) -> Statements:
    k = rng.randint(2, 3) if marks == 1 else rng.randint(3, 4)
    outputs = _outputs(rng, k)
    primes = [_prime(a) for a in outputs]
    product = _product(primes)
    j = rng.randrange(k)
    largest = primes[j] == max(primes)
    pool = [
        statement(f"the product {_factors(k)} is {{}}", product,
                  rng.choice(_output_slips(outputs, sp.S.One)[:3]), rng, fmt=decimal),
        Choice(f"no layer has a larger local derivative than layer {j + 1}'s σ'(z{j + 1})", largest,
               mistake=None if largest else "compared the outputs a instead of a(1 − a) (it peaks at a = 0.5)"),
        fact("the largest value of σ'(z) is 1/4, at z = 0", "the largest value of σ'(z) is 1/2, at z = 0",
             "took σ(0) = 1/2 for the peak of σ' (σ'(0) = 1/4)", rng),
        fact("tanh'(z) can be as large as 1, so tanh layers shrink the gradient less than sigmoid layers",
             "tanh'(z) is also at most 1/4", "gave tanh the sigmoid's bound (tanh'(0) = 1)", rng),
        fact(f"with every |w| ≤ 1, the smallest bound on |∂a{k}/∂z1| that holds for every input is (1/4)^{k}",
             f"with every |w| ≤ 1, the smallest bound on |∂a{k}/∂z1| that holds for every input is "
             f"(1/4)^{k - 1}", f"counted {k - 1} σ' factors instead of {k}", rng),
    ]
    choices = some_true(rng.sample(pool, 4))
    body = (f"A chain of {k} sigmoid layers computes a_i = σ(z_i) with z_(i+1) = w_(i+1)·a_i + b_(i+1); the "
            f"forward pass gave {_listing('a', outputs)}. Which statements are true?")
    steps = _factor_steps(outputs) + [f"product = {decimal(product)}",
                                      "σ'(z) = a(1 − a) ≤ 1/4 (at a = 0.5); tanh'(z) = 1 − a² ≤ 1 (at a = 0)"]
    return Statements(body=body, choices=choices, steps=steps)
