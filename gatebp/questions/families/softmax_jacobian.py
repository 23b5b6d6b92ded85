"""Family `softmax-jacobian`: entries of the softmax Jacobian, ∂p_i/∂z_j = p_i(δ_ij − p_j).

Three logits z with p = softmax(z); δ_ij is 1 when i = j and 0 otherwise (the working defines it; no
stem uses it). 1 mark: one entry, on the diagonal p_i(1 − p_i) or off it −p_i p_j. 2 marks: the
vector-Jacobian product a backward pass forms, ∂L/∂z_j = Σ_i g_i ∂p_i/∂z_j = p_j(g_j − Σ_i g_i p_i) for
a given upstream g = ∂L/∂p (the extra step: a whole column of the Jacobian, weighted and summed).
Exact values come from SymPy (exp of integers), shown to three decimal places.
Slips: p_i(1 − p_i) off the diagonal, the missing minus sign, p_j in place of p_i, −p_i² on the
diagonal (δ_ii dropped), the factor (1 − p_i) left out, σ(z_i)(1 − σ(z_i)) (softmax taken for a
sigmoid of one logit); for the product: the diagonal term only, p_i(1 − p_i) for every entry, the
off-diagonal signs dropped.
"""

from __future__ import annotations

import math
import random
from collections.abc import Sequence
from functools import cache
from typing import Any

import sympy as sp

from gatebp.gate.question import Question, QuestionType
from gatebp.questions.families._claims import Named, apart, fixed, named, numeric
from gatebp.questions.families.base import family
from gatebp.questions.families.common import Choice, choice_question, require, some_true, vector

TOPIC = "softmax-jacobian"
PLACES = 3
Probs = list[sp.Expr]


def softmax(z: list[int]) -> Probs:
    return list(_softmax(tuple(z)))


@cache
def _softmax(z: tuple[int, ...]) -> tuple[sp.Expr, ...]:
    """Exact p for integer logits (cached: there are 24 logit vectors in all)."""
    exps = [sp.exp(sp.Integer(v)) for v in z]
    total = sum(exps)
    return tuple(e / total for e in exps)


@cache
def floats(z: tuple[int, ...]) -> tuple[float, ...]:
    return tuple(float(sp.N(v, 30)) for v in _softmax(z))


def jac(p: Sequence[Any], i: int, j: int) -> Any:
    """p_i(δ_ij − p_j), exact for SymPy p and a float for float p."""
    return p[i] * ((1 if i == j else 0) - p[j])


def entry_slips(z: list[int], i: int, j: int) -> list[Named]:
    p = floats(tuple(z))
    if i == j:
        k = next(m for m in range(3) if m != i)
        s = 1 / (1 + math.exp(-z[i]))
        return [named(-p[i] ** 2, "used −p_i p_j with j = i, dropping the δ_ii = 1 term"),
                named(p[i], "left out the factor (1 − p_i)"),
                named(s * (1 - s), f"treated p{i + 1} as the sigmoid σ(z{i + 1}) of its own logit"),
                named(p[i] * (1 - p[k]), f"used p{k + 1} in the factor (1 − p_j) (the wrong class)")]
    return [named(p[i] * (1 - p[i]), "used the diagonal form p_i(1 − p_i) off the diagonal"),
            named(p[i] * p[j], "dropped the minus sign (off the diagonal the entry is −p_i p_j)"),
            named(-p[j] ** 2, "used p_j in place of p_i (−p_j²)"),
            named(p[j] * (1 - p[j]), f"used the diagonal entry of class {j + 1}, p_j(1 − p_j)")]


def stem(z: list[int]) -> str:
    return (f"The softmax layer p = softmax(z), p_i = e^(z_i)/(e^(z1) + e^(z2) + e^(z3)), receives the logits "
            f"z = {vector(z)}.")


def prob_line(p: Probs) -> str:
    return "p = (" + ", ".join(fixed(float(sp.N(v, 20)), 4) for v in p) + ")"


def draw(rng: random.Random) -> list[int]:
    return rng.sample((-1, 0, 1, 2), 3)


def _entry(rng: random.Random, qtype: QuestionType) -> Question:
    z = draw(rng)
    p = softmax(z)
    i, j = rng.randrange(3), rng.randrange(3)
    if rng.random() < 0.5:
        j = i
    exact = jac(p, i, j)
    require(abs(jac(floats(tuple(z)), i, j)) >= 0.02, "an entry too small to read at three places")
    if qtype == "MSQ":
        return _entry_statements(rng, z, p)
    form = "p_i(1 − p_i) on the diagonal" if i == j else "−p_i p_j off the diagonal"
    steps = [prob_line(p), f"∂p_i/∂z_j = p_i(δ_ij − p_j), δ_ij = 1 if i = j else 0: {form}",
             f"∂p{i + 1}/∂z{j + 1} = {_formula(p, i, j)} = {fixed(jac(floats(tuple(z)), i, j), 4)}"]
    body = f"{stem(z)} What is ∂p{i + 1}/∂z{j + 1}?"
    if qtype == "MCQ":
        body += " (the options are rounded off to three decimal places)"
    return numeric(qtype, topic=TOPIC, marks=1, body=body, exact=exact, slips=entry_slips(z, i, j),
                   places=PLACES, steps=steps, **({"rng": rng} if qtype == "MCQ" else {}))


def _formula(p: Probs, i: int, j: int) -> str:
    a, b = (fixed(float(sp.N(p[k], 20)), 4) for k in (i, j))
    return f"{a} × (1 − {a})" if i == j else f"−{a} × {b}"


def _entry_statements(rng: random.Random, z: list[int], p: Probs) -> Question:
    i, j = rng.sample(range(3), 2)
    f = list(floats(tuple(z)))
    top = max(range(3), key=lambda k: f[k])
    widest = max(range(3), key=lambda k: jac(f, k, k))
    claims = [
        _value_claim(rng, f"∂p{i + 1}/∂z{i + 1}", jac(f, i, i), entry_slips(z, i, i)[0]),
        _value_claim(rng, f"∂p{i + 1}/∂z{j + 1}", jac(f, i, j), entry_slips(z, i, j)[0]),
        Choice(f"∂p{i + 1}/∂z{j + 1} = ∂p{j + 1}/∂z{i + 1} (the Jacobian is symmetric)",
               abs(jac(f, i, j) - jac(f, j, i)) < 1e-12),
        Choice(f"The largest diagonal entry is ∂p{top + 1}/∂z{top + 1}, the class with the largest p",
               widest == top, mistake=None if widest == top else
               "assumed the largest probability has the largest p_i(1 − p_i) (it peaks at p = 0.5)"),
    ]
    steps = [prob_line(p)] + [f"∂p{k + 1}/∂z{k + 1} = {_formula(p, k, k)} = {fixed(jac(f, k, k), 4)}" for k in range(3)]
    steps.append(f"∂p{i + 1}/∂z{j + 1} = {_formula(p, i, j)} = {fixed(jac(f, i, j), 4)}")
    body = (f"{stem(z)} Which statements about the Jacobian ∂p/∂z are true? (Values are rounded off to three "
            f"decimal places.)")
    return choice_question(topic=TOPIC, qtype="MSQ", marks=1, body=body, choices=some_true(claims), steps=steps,
                           rng=rng)


def _value_claim(rng: random.Random, name: str, value: float, slip: Named) -> Choice:
    """True at three places, or false with a slip's value when it is 5% (and 0.002) away."""
    wrong = slip.value[0]
    if rng.random() < 0.5 and apart(wrong, value, 0.002):
        return Choice(f"{name} = {fixed(wrong, 3)}", False, round(wrong, 3), slip.mistake)
    return Choice(f"{name} = {fixed(value, 3)}", True, round(value, 3))


# ---- 2 marks: the vector-Jacobian product ------------------------------------------------------------

def vjp(p: Sequence[Any], g: list[int], j: int) -> Any:
    return sum(g[i] * jac(p, i, j) for i in range(3))


def vjp_slips(z: list[int], g: list[int], j: int) -> list[Named]:
    p = floats(tuple(z))
    diagonal_only = g[j] * p[j] * (1 - p[j])
    return [named(diagonal_only, f"kept only the diagonal term g{j + 1}·∂p{j + 1}/∂z{j + 1}"),
            named(sum(g[i] * p[i] * (1 - p[i]) for i in range(3)), "used p_i(1 − p_i) for every entry, the "
                                                                    "off-diagonal ones too"),
            named(diagonal_only + sum(g[i] * p[i] * p[j] for i in range(3) if i != j),
                  "dropped the minus sign of the off-diagonal entries (+p_i p_j)"),
            named(g[j] - sum(g[i] * p[i] for i in range(3)), f"left out the factor p{j + 1} in p_j(g_j − Σ g_i p_i)")]


def _product(rng: random.Random, qtype: QuestionType) -> Question:
    z = draw(rng)
    p = softmax(z)
    g = [rng.choice((-2, -1, 1, 2, 3)) for _ in range(3)]
    j = rng.randrange(3)
    require(len(set(g)) > 1, "equal upstream gradients (the product is 0)")
    exact = vjp(p, g, j)
    f = floats(tuple(z))
    require(abs(vjp(f, g, j)) >= 0.05, "a product too small to read at three places")
    mean = sum(g[i] * f[i] for i in range(3))
    steps = [prob_line(p), "∂L/∂z_j = Σ_i g_i ∂p_i/∂z_j = Σ_i g_i p_i(δ_ij − p_j) = p_j(g_j − Σ_i g_i p_i)",
             f"Σ_i g_i p_i = {fixed(mean, 4)}",
             f"∂L/∂z{j + 1} = {fixed(f[j], 4)} × ({g[j]} − ({fixed(mean, 4)})) = {fixed(vjp(f, g, j), 4)}"]
    body = f"{stem(z)} The backward pass has reached g = ∂L/∂p = {vector(g)}. What is ∂L/∂z{j + 1}?"
    if qtype == "MSQ":
        return _product_statements(rng, z, p, g, j, steps)
    if qtype == "MCQ":
        body += " (the options are rounded off to three decimal places)"
    return numeric(qtype, topic=TOPIC, marks=2, body=body, exact=exact, slips=vjp_slips(z, g, j), places=PLACES,
                   steps=steps, **({"rng": rng} if qtype == "MCQ" else {}))


def _product_statements(rng: random.Random, z: list[int], p: Probs, g: list[int], j: int,
                        steps: list[str]) -> Question:
    k = next(m for m in range(3) if m != j)
    f = list(floats(tuple(z)))
    total = sum(vjp(f, g, m) for m in range(3))
    claims = [
        _value_claim(rng, f"∂L/∂z{j + 1}", vjp(f, g, j), vjp_slips(z, g, j)[0]),
        _value_claim(rng, f"∂L/∂z{k + 1}", vjp(f, g, k), vjp_slips(z, g, k)[1]),
        Choice("∂L/∂z1 + ∂L/∂z2 + ∂L/∂z3 = 0", abs(total) < 1e-12),
        Choice("Adding the same number to every entry of g leaves ∂L/∂z unchanged", True)
        if rng.random() < 0.5 else
        Choice("Doubling every entry of g leaves ∂L/∂z unchanged", False,
               mistake="forgot that ∂L/∂z is linear in g (g → 2g makes ∂L/∂z twice as large)"),
    ]
    body = (f"{stem(z)} The backward pass has reached g = ∂L/∂p = {vector(g)}. Which statements are true? "
            f"(Values are rounded off to three decimal places.)")
    return choice_question(topic=TOPIC, qtype="MSQ", marks=2, body=body, choices=some_true(claims),
                           steps=steps + ["the columns of the Jacobian sum to 0, so the entries of ∂L/∂z do too"],
                           rng=rng)


@family(TOPIC, "Softmax Jacobian entries ∂p_i/∂z_j = p_i(δ_ij − p_j)", ("NAT", "MCQ", "MSQ"), (1, 2))
def build(rng: random.Random, qtype: QuestionType, marks: int) -> Question:
    return _entry(rng, qtype) if marks == 1 else _product(rng, qtype)
