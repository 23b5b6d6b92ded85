"""Family 9: vanishing gradients, the product of sigmoid derivatives through k layers.

Each sigmoid layer multiplies the backward signal by σ′(z) = a(1 − a) ≤ 1/4, so k layers shrink it
by at least 4^k (weights of magnitude at most 1). The numbers are given as outputs a, the form
GATE asks ("a sigmoid's derivative given its output"), so every answer is an exact decimal.

1 mark: the product of two σ′ factors, or the largest N with |∂ak/∂z1| ≤ 1/N; the MSQ has k = 2
or 3 layers and no weights. 2 marks: three layers with weights w2, w3 on the way back (the
extra step: the weights enter the product and its sign), and the MSQ's gradient statement is
∂ak/∂z1 with the weights. MSQ statements are claims decided by computation: `sigmoid-chain`
(the product, from σ′ at z = logit(a) by SymPy), `largest-local` (which layer's σ′ is largest,
drawn only when it is unique), `activation` (σ′ and tanh′ facts, decided in activation_props)
and `activation`/`chain-bound` (the bound k layers put on |∂ak/∂z1|).
"""

from __future__ import annotations

import random
from collections.abc import Mapping
from functools import cache
from typing import Any

import sympy as sp

from gatebp.core.functions import sigmoid
from gatebp.gate.question import QuestionType
from gatebp.network.slips import Slip
from gatebp.questions.claims import Context, Verdict, decider
from gatebp.questions.families._claimkit import claimed, exact, frac, rounding_note, spaced, valued
from gatebp.questions.families._stems import listed, m, sym, value_of
from gatebp.questions.families.activation_props import activation_claim, chain_statements, truth
from gatebp.questions.families.base import family
from gatebp.questions.families.common import Choice, decimal, nonzero, require, uni
from gatebp.questions.problem import Problem, Statements

TOPIC = "vanishing"
QUARTER = sp.Rational(1, 4)
HALF = sp.Rational(1, 2)
Z = sp.Symbol("z", real=True)


def _outputs(rng: random.Random, k: int) -> list[sp.Rational]:
    """k different outputs a = σ(z) in tenths, never 0.5 (z = 0 makes σ′ = 1/4, the bound itself)."""
    return [sp.Rational(n, 10) for n in rng.sample((1, 2, 3, 4, 6, 7, 8, 9), k)]


def _prime(a: sp.Expr) -> sp.Expr:
    return a * (1 - a)


def _product(values: list[sp.Expr]) -> sp.Expr:
    return sp.Mul(*values)


def _listing(name: str, values: list[sp.Expr], start: int = 1) -> str:
    return listed([m(f"{name}{i} = {decimal(v)}") for i, v in enumerate(values, start)])


def _factor_steps(outputs: list[sp.Expr]) -> list[str]:
    return [f"σ′({sym(f'z{i}')}) = {m(f'a{i}*(1 - a{i}) = {decimal(a)}*{decimal(1 - a)} = {decimal(_prime(a))}')}"
            for i, a in enumerate(outputs, 1)]


def _times(values: list[sp.Expr]) -> str:
    """"0.16·(−1)·0.21" as a span: a product of numbers, negatives in brackets."""
    return "*".join(f"({decimal(v)})" if v < 0 else decimal(v) for v in values)


def _output_slips(outputs: list[sp.Expr], weights: sp.Expr) -> list[Slip]:
    """The slips about σ′ itself, each scaled by the weights' product (1 when there are none)."""
    k = len(outputs)
    return [
        Slip(weights * _product(outputs), "used the output a instead of σ′(z) = a(1 − a)"),
        Slip(weights * _product([1 - a for a in outputs]), "used 1 − a instead of σ′(z) = a(1 − a)"),
        Slip(weights * QUARTER**k, "used the bound 1/4 for every layer instead of the actual a(1 − a)"),
        Slip(weights * _product([_prime(sigmoid(a)) for a in outputs]),
             "applied σ′ to the output a (σ′(a) instead of σ′(z))"),
        Slip(weights * sp.Add(*(_prime(a) for a in outputs)), "added the layers' factors instead of multiplying them"),
    ]


# ---- claims -------------------------------------------------------------------------------------

def sigma_prime_at_output(a: sp.Expr) -> sp.Expr:
    """σ′(z) at the z with σ(z) = a: differentiate σ and substitute z = log(a/(1 − a)) (SymPy)."""
    return _sigma_prime(frac(a))


@cache
def _sigma_prime(a: str) -> sp.Expr:
    derivative = sp.diff(1 / (1 + sp.exp(-Z)), Z)
    return sp.nsimplify(sp.simplify(derivative.subs(Z, sp.log(exact(a) / (1 - exact(a))))))


def _chain_value(claim: Mapping[str, Any]) -> sp.Expr:
    primes = [sigma_prime_at_output(exact(a)) for a in claim["outputs"]]
    return _product(primes) * _product([exact(w) for w in claim.get("weights", [])])


@decider("sigmoid-chain")
def _decide_chain(claim: Mapping[str, Any], context: Context) -> Verdict:
    """∂ak/∂z1 (or the product of the σ′ factors when no weights are given) equals `value`."""
    value = _chain_value(claim)
    what = m("∂a{}/∂z1".format(len(claim["outputs"]))) if claim.get("weights") else "the product of the σ′ factors"
    return Verdict(value == exact(claim["value"]), f"{what} = {m(decimal(value))}")


@decider("largest-local")
def _decide_largest(claim: Mapping[str, Any], context: Context) -> Verdict:
    """Layer `layer` (1-based) has the strictly largest local derivative σ′(z_layer)."""
    primes = [sigma_prime_at_output(exact(a)) for a in claim["outputs"]]
    best = max(range(len(primes)), key=lambda i: primes[i])
    unique = sum(p == primes[best] for p in primes) == 1
    return Verdict(unique and best + 1 == int(claim["layer"]),
                   f"the largest factor is σ′({sym(f'z{best + 1}')}) = {m(decimal(primes[best]))} "
                   f"(σ′ = a(1 − a) peaks at a = 0.5)")


# ---- the family ---------------------------------------------------------------------------------

@family(TOPIC, "Vanishing gradients: products of sigmoid derivatives", ("NAT", "MCQ", "MSQ"), (1, 2))
def build(rng: random.Random, qtype: QuestionType, marks: int) -> Problem:
    if qtype == "MSQ":
        return Problem(topic=TOPIC, marks=marks, statements=lambda r: _statements(r, marks))
    if marks == 2:
        return _weighted(rng, qtype)
    return _bound(rng, qtype) if rng.random() < 0.4 else _plain_product(rng, qtype)


def _bound(rng: random.Random, qtype: QuestionType) -> Problem:
    """1 mark: the largest N with |∂ak/∂z1| ≤ 1/N, (1/4)^k being the tightest bound."""
    k = rng.randint(2, 5)
    answer = sp.Integer(4) ** k
    slips = [Slip(sp.Integer(2) ** k, "bounded σ′ by 1/2 instead of 1/4"),
             Slip(sp.Integer(4) ** (k - 1), f"counted {k - 1} σ′ factors instead of {k}"),
             Slip(sp.Integer(4 * k), "added the layers' factors instead of multiplying them"),
             Slip(sp.Integer(4) ** (k + 1), f"counted {k + 1} σ′ factors instead of {k}")]
    grad = f"|∂{sym(f'a{k}')}/∂z₁|"
    body = (f"A chain of {k} sigmoid layers computes aᵢ = σ(zᵢ), $sigmoid(z) = 1/(1 + exp(-z))$, with "
            f"zᵢ₊₁ = wᵢ₊₁aᵢ + bᵢ₊₁, and every weight has |w| ≤ 1. The largest N for which "
            f"{grad} ≤ {m('1/N')} holds whatever the inputs and biases is{' ____' if qtype == 'NAT' else ''}")
    steps = [f"σ′(z) = {m('sigmoid(z)*(1 - sigmoid(z))')} is largest at {m('z = 0')}, where it is {m('1/4')}, "
             "so every σ′ factor is at most 1/4.",
             f"{m(f'∂a{k}/∂z1')} multiplies {k} σ′ factors and {k - 1} weights of magnitude at most 1.",
             f"So {grad} ≤ {m(f'(1/4)**{k} = 1/{4**k}')}, and the bound is reached when every zᵢ = 0 and "
             f"|w| = 1, so no larger N is guaranteed: {m(f'N = {4**k}')}."]
    return Problem(topic=TOPIC, marks=1, body=body, exact=answer, steps=steps, slips=spaced(answer, slips, 0),
                   extra={"form": "bound", "layers": k})


def _plain_product(rng: random.Random, qtype: QuestionType) -> Problem:
    outputs = _outputs(rng, 2)
    answer = _product([_prime(a) for a in outputs])
    ending = " is ____" if qtype == "NAT" else " is"
    body = (f"Two sigmoid units in a chain ({m('z2 = w2*a1 + b2')}) gave the outputs {_listing('a', outputs)} "
            f"(aᵢ = σ(zᵢ), $sigmoid(z) = 1/(1 + exp(-z))$) in the forward pass. The product σ′(z₁)·σ′(z₂) of their "
            f"local derivatives{ending}")
    steps = _factor_steps(outputs) + [f"σ′(z₁)·σ′(z₂) = {m(f'{_times([_prime(a) for a in outputs])} = {decimal(answer)}')}"]
    slips = spaced(answer, _output_slips(outputs, sp.S.One), 4)
    return Problem(topic=TOPIC, marks=1, body=rounding_note(body, answer, slips, 4, qtype), exact=answer, steps=steps,
                   slips=slips, places=4,
                   extra={"form": "product", "outputs": [frac(a) for a in outputs], "weights": []})


def _weighted(rng: random.Random, qtype: QuestionType) -> Problem:
    """2 marks: three layers with the weights on the way back (they enter the product and its sign)."""
    outputs = _outputs(rng, 3)
    weights = [sp.Integer(rng.choice((-3, -2, 2, 3))), sp.Integer(nonzero(rng, -3, 3))]
    w = _product(weights)
    primes = [_prime(a) for a in outputs]
    answer = w * _product(primes)
    slips = [Slip(_product(primes), "forgot the weights w₂ and w₃ on the way back"),
             Slip(w * primes[1] * primes[2], "stopped at a₁ (∂a₃/∂a₁): left out σ′(z₁)"),
             *_output_slips(outputs, w)]
    if min(weights) < 0:
        slips.insert(2, Slip(-answer, "dropped the minus sign of a negative weight"))
    body = (f"Three sigmoid layers compute aᵢ = σ(zᵢ), $sigmoid(z) = 1/(1 + exp(-z))$, with {m('z2 = w2*a1 + b2')} and "
            f"{m('z3 = w3*a2 + b3')}, where {_listing('w', weights, 2)}. The forward pass gave "
            f"{_listing('a', outputs)}. {value_of('∂a3/∂z1', qtype)}")
    chain = _times([primes[2], weights[1], primes[1], weights[0], primes[0]])
    steps = _factor_steps(outputs) + [
        f"{m('∂a3/∂z1')} = σ′(z₃)·w₃·σ′(z₂)·w₂·σ′(z₁)",
        f"= {m(f'{chain} = {decimal(answer)}')}"]
    slips = spaced(answer, slips, 4)
    return Problem(topic=TOPIC, marks=2, body=rounding_note(body, answer, slips, 4, qtype), exact=answer,
                   steps=steps, places=4, slips=slips,
                   extra={"form": "gradient", "outputs": [frac(a) for a in outputs], "weights": [frac(v) for v in weights]})


def _statements(rng: random.Random, marks: int) -> Statements:
    """Four statements from five kinds; 2 marks adds weights to the gradient statement."""
    k = rng.randint(2, 3) if marks == 1 else 3
    outputs = _outputs(rng, k)
    primes = [_prime(a) for a in outputs]
    require(len(set(primes)) == k, "two layers with the same σ′ (a and 1 − a): the largest is a tie")
    weights = [rng.choice((-1, -HALF, HALF, 1)) for _ in range(k - 1)] if marks == 2 else []
    require(not weights or abs(_product(weights)) != 1, "weights of magnitude 1 would not change the product")
    pool = [_gradient_statement(rng, outputs, weights), _largest_statement(rng, outputs),
            _peak_statement(rng), _tanh_statement(rng), _bound_statement(rng, k)]
    choices = rng.sample(pool, 4) if marks == 1 else [pool[0], *rng.sample(pool[1:], 3)]  # 2 marks: ∂ak/∂z1 always
    require(any(c.correct for c in choices) and not all(c.correct for c in choices), "all four alike")
    given = f", the weights are {_listing('w', weights, 2)}" if weights else ""
    body = (f"A chain of {k} sigmoid layers computes aᵢ = σ(zᵢ) with zᵢ₊₁ = wᵢ₊₁aᵢ + bᵢ₊₁, where "
            f"$sigmoid(z) = 1/(1 + exp(-z))${given}, and the forward pass gave {_listing('a', outputs)}. "
            f"Which of the following statements is/are correct?")
    return Statements(body=body, choices=choices, steps=_msq_steps(outputs, weights))


def _msq_steps(outputs: list[sp.Expr], weights: list[sp.Expr]) -> list[str]:
    """Every factor, the largest one and the product: each statement's number appears here."""
    primes = [_prime(a) for a in outputs]
    k = len(outputs)
    best = max(range(k), key=lambda i: primes[i])
    value = _product(primes) * _product(weights)
    lines = _factor_steps(outputs)
    lines.append(f"largest factor: σ′({sym(f'z{best + 1}')}) = {m(decimal(primes[best]))} (the output nearest 0.5)")
    if weights:
        lines.append(f"{m(f'∂a{k}/∂z1')} = (product of the σ′ factors)·(product of the weights) = "
                     f"{m(f'{_times([_product(primes), _product(weights)])} = {decimal(value)}')}")
    else:
        lines.append(f"product of the σ′ factors = {m(f'{_times(primes)} = {decimal(value)}')}")
    lines += ["σ′(z) = a(1 − a) is largest at a = 0.5 (z = 0), where it is 1/4; tanh′(z) = 1 − tanh²(z) is "
              "largest at z = 0, where it is 1.",
              f"With every |w| ≤ 1, |∂{sym(f'a{k}')}/∂z₁| ≤ {m(f'(1/4)**{k} = 1/{4**k}')}, reached when every "
              "zᵢ = 0 and |w| = 1."]
    return lines


def _gradient_statement(rng: random.Random, outputs: list[sp.Expr], weights: list[sp.Expr]) -> Choice:
    k, w = len(outputs), _product(weights)
    truth_value = w * _product([_prime(a) for a in outputs])
    slips = _output_slips(outputs, w)[:3] + ([Slip(truth_value / w, "forgot the weights on the way back")]
                                             if weights else [])
    template = (f"{m(f'∂a{k}/∂z1')} = {{}}" if weights
                else "the product " + "·".join("σ′(" + uni(f"z{i}") + ")" for i in range(1, k + 1)) + " is {}")
    return valued(template, truth_value, rng.choice(slips), rng, fmt=decimal,
                  claim=lambda v: {"kind": "sigmoid-chain", "outputs": [frac(a) for a in outputs],
                                   "weights": [frac(x) for x in weights], "value": frac(v)})


def _largest_statement(rng: random.Random, outputs: list[sp.Expr]) -> Choice:
    """The layer with the largest σ′ (true), or the layer with the largest output a (the slip)."""
    primes = [_prime(a) for a in outputs]
    best = max(range(len(outputs)), key=lambda i: primes[i])
    biggest_a = max(range(len(outputs)), key=lambda i: outputs[i])
    layer, correct = (best, True) if biggest_a == best or rng.random() < 0.5 else (biggest_a, False)
    claim = {"kind": "largest-local", "outputs": [frac(a) for a in outputs], "layer": layer + 1}
    return claimed(f"of the {len(outputs)} local derivatives σ′(zᵢ), σ′({sym(f'z{layer + 1}')}) is the largest", claim,
                   correct, "picked the layer with the largest output a; σ′ = a(1 − a) peaks at a = 0.5")


def _peak_statement(rng: random.Random) -> Choice:
    value, correct = (QUARTER, True) if rng.random() < 0.5 else (sp.Rational(1, 2), False)
    return claimed(f"the largest value of σ′(z) is {value}, at z = 0",
                   activation_claim("sigmoid", "derivative-max", value=str(value)), correct,
                   "took σ(0) = 1/2 for the peak of σ′ (σ′(0) = σ(0)(1 − σ(0)) = 1/4)")


def _tanh_statement(rng: random.Random) -> Choice:
    if rng.random() < 0.5:
        return claimed("tanh′(z) reaches 1 (at z = 0), so tanh layers can shrink the gradient less than sigmoid layers",
                       activation_claim("tanh", "derivative-max", value="1"), True)
    return claimed("tanh′(z) ≤ 1/4 for every z, like σ′(z)", activation_claim("tanh", "derivative-at-most", bound="1/4"),
                   False, "gave tanh the sigmoid's bound (tanh′(0) = 1)")


def _bound_statement(rng: random.Random, k: int) -> Choice:
    """A bound on |∂ak/∂z1| with every |w| ≤ 1: tight, weaker but true, or one of its slips."""
    statement = rng.choice(chain_statements("sigmoid", k))
    return claimed(f"with every |w| ≤ 1, {statement.text.split('|w| ≤ 1, ')[1]}", statement.claim,
                   truth(statement.claim)[0], statement.mistake)
