"""Family `softmax-jacobian`: entries of the softmax Jacobian, ∂p_i/∂z_j = p_i(δ_ij − p_j).

Three logits z with p = softmax(z); δ_ij is 1 when i = j and 0 otherwise (the working defines it; no
stem uses it). 1 mark: one entry, on the diagonal pᵢ(1 − pᵢ) or off it −pᵢpⱼ. 2 marks: the
vector-Jacobian product a backward pass forms, ∂L/∂z_j = Σ_i g_i ∂p_i/∂z_j = p_j(g_j − Σ_i g_i p_i) for
a given upstream g = ∂L/∂p (the extra step: a whole column of the Jacobian, weighted and summed).
Every MSQ option is a `softmax` claim (an entry, a product entry, symmetry, the largest diagonal entry,
the sum of ∂L/∂z, invariance to shifting g) that the decider recomputes from the stem's z and g.
Exact values come from SymPy (exp of integers), shown to three decimal places.
Slips: pᵢ(1 − pᵢ) off the diagonal, the missing minus sign, p_j in place of p_i, −p_i² on the
diagonal (δᵢᵢ dropped), the factor (1 − pᵢ) left out, σ(z_i)(1 − σ(z_i)) (softmax taken for a
sigmoid of one logit); for the product: the diagonal term only, pᵢ(1 − pᵢ) for every entry, the
off-diagonal signs dropped.
"""

from __future__ import annotations

import math
import random
from collections.abc import Mapping, Sequence
from functools import cache
from typing import Any

import sympy as sp

from gatebp.core.values import as_float, magnitude
from gatebp.gate.question import QuestionType
from gatebp.questions.claims import ClaimError, Context, Verdict, decider, number, rounds_to
from gatebp.questions.families._claims import Named, fixed, named
from gatebp.questions.families._posed import fact_choice, problem, slips_of, valued_choice
from gatebp.questions.families.base import family
from gatebp.questions.families.common import Choice, asked, require, rounded_note, some_true, uni, vector
from gatebp.questions.problem import Problem, Statements

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
    return tuple(as_float(v) for v in _softmax(z))


def jac(p: Sequence[Any], i: int, j: int) -> Any:
    """p_i(δ_ij − p_j), exact for SymPy p and a float for float p."""
    return p[i] * ((1 if i == j else 0) - p[j])


def entry_slips(z: list[int], i: int, j: int) -> list[Named]:
    p = floats(tuple(z))
    if i == j:
        k = next(m for m in range(3) if m != i)
        s = 1 / (1 + math.exp(-z[i]))
        return [named(-p[i] ** 2, "used −pᵢpⱼ with j = i, dropping the δᵢᵢ = 1 term"),
                named(p[i], "left out the factor (1 − pᵢ)"),
                named(s * (1 - s), f"treated {uni(f'p{i + 1}')} as the sigmoid {uni(f'sigmoid(z{i + 1})')} of its own logit"),
                named(p[i] * (1 - p[k]), f"used {uni(f'p{k + 1}')} in the factor (1 − pⱼ) (the wrong class)")]
    return [named(p[i] * (1 - p[i]), "used the diagonal form pᵢ(1 − pᵢ) off the diagonal"),
            named(p[i] * p[j], "dropped the minus sign (off the diagonal the entry is −pᵢpⱼ)"),
            named(-p[j] ** 2, "used pⱼ in place of pᵢ (−pⱼ²)"),
            named(p[j] * (1 - p[j]), f"used the diagonal entry of class {j + 1}, p_j(1 − pⱼ)")]


def stem(z: list[int]) -> str:
    return (f"The softmax layer p = softmax(z), pᵢ = e^(zᵢ)/(e^(z₁) + e^(z₂) + e^(z₃)), receives the logits "
            f"$z = {vector(z)}$.")


def prob_line(p: Probs) -> str:
    return "p = (" + ", ".join(fixed(as_float(v), 4) for v in p) + ")"


def draw(rng: random.Random) -> list[int]:
    return rng.sample((-1, 0, 1, 2), 3)


def _entry(rng: random.Random, qtype: QuestionType) -> Problem:
    z = draw(rng)
    p = softmax(z)
    i, j = rng.randrange(3), rng.randrange(3)
    if rng.random() < 0.5:
        j = i
    exact = jac(p, i, j)
    require(abs(jac(floats(tuple(z)), i, j)) >= 0.02, "an entry too small to read at three places")
    form = "pᵢ(1 − pᵢ) on the diagonal" if i == j else "−pᵢpⱼ off the diagonal"
    steps = [prob_line(p), f"∂pᵢ/∂zⱼ = pᵢ(δᵢⱼ − pⱼ), where δᵢⱼ = 1 if i = j and 0 otherwise: {form}",
             f"${_d(i, j)}$ = {_formula(p, i, j)} = {fixed(jac(floats(tuple(z)), i, j), 4)}"]
    slips = slips_of(entry_slips(z, i, j))
    body = asked(f"{stem(z)} The value of ${_d(i, j)}$ is", qtype, exact, PLACES, slips)
    return problem(topic=TOPIC, marks=1, body=body, exact=exact, slips=slips, places=PLACES, steps=steps,
                   statements=lambda r: _entry_statements(r, z, p), extra={"z": z, "i": i + 1, "j": j + 1})


def _d(i: int, j: int, of: str = "p") -> str:
    return f"∂{of}{i + 1}/∂z{j + 1}" if of == "p" else f"∂L/∂z{j + 1}"


def _formula(p: Probs, i: int, j: int) -> str:
    a, b = (fixed(as_float(p[k]), 4) for k in (i, j))
    return f"{a} × (1 − {a})" if i == j else f"−{a} × {b}"


def softmax_claim(what: str, **data: object) -> dict[str, object]:
    """A claim about the softmax of the stem's z (and upstream g), recomputed by the decider."""
    return {"kind": "softmax", "what": what, **data}


def _entry_statements(rng: random.Random, z: list[int], p: Probs) -> Statements:
    i, j = rng.sample(range(3), 2)
    f = list(floats(tuple(z)))
    top = max(range(3), key=lambda k: f[k])
    widest = max(range(3), key=lambda k: jac(f, k, k))
    symmetric = abs(jac(f, i, j) - jac(f, j, i)) < 1e-12
    claims = [
        _value_claim(rng, _d(i, i), jac(p, i, i), entry_slips(z, i, i)[0], i, i),
        _value_claim(rng, _d(i, j), jac(p, i, j), entry_slips(z, i, j)[0], i, j),
        fact_choice(f"${_d(i, j)} = {_d(j, i)}$ (the Jacobian is symmetric)",
                    softmax_claim("symmetric", i=i + 1, j=j + 1, holds=True), symmetric, "")
        if rng.random() < 0.5 else
        fact_choice(f"${_d(i, j)}$ is positive (raising any logit raises every probability)",
                    softmax_claim("positive", i=i + 1, j=j + 1), jac(f, i, j) > 0,
                    "forgot the minus sign of the off-diagonal entries −pᵢpⱼ"),
        fact_choice(f"The largest diagonal entry is ${_d(top, top)}$, the class with the largest p",
                    softmax_claim("largest-diagonal", at=top + 1), widest == top,
                    "assumed the largest probability has the largest pᵢ(1 − pᵢ) (it peaks at p = 0.5)"),
    ]
    steps = [prob_line(p)] + [f"${_d(k, k)}$ = {_formula(p, k, k)} = {fixed(jac(f, k, k), 4)}" for k in range(3)]
    steps.append(f"${_d(i, j)}$ = {_formula(p, i, j)} = {fixed(jac(f, i, j), 4)}")
    body = rounded_note(f"{stem(z)} Which of the following statements about the Jacobian ∂p/∂z is/are correct?", claims)
    return Statements(body=body, choices=some_true(claims), steps=steps)


def _value_claim(rng: random.Random, name: str, value: sp.Expr, slip: Named, i: int, j: int,
                 what: str = "entry", g: list[int] | None = None) -> Choice:
    """True at three places, or false with a slip's value when it is 5% (and 0.002) away."""
    data: dict[str, object] = {"i": i + 1, "j": j + 1} if g is None else {"j": j + 1}
    return valued_choice(f"${name}$", value, slips_of([slip])[0], rng,
                         lambda v, places: softmax_claim(what, value=v, places=places, **data), places=PLACES)


# ---- 2 marks: the vector-Jacobian product ------------------------------------------------------------

def vjp(p: Sequence[Any], g: list[int], j: int) -> Any:
    return sum(g[i] * jac(p, i, j) for i in range(3))


def vjp_slips(z: list[int], g: list[int], j: int) -> list[Named]:
    p = floats(tuple(z))
    diagonal_only = g[j] * p[j] * (1 - p[j])
    return [named(diagonal_only, f"kept only the diagonal term {uni(f'g{j + 1}')}·∂{uni(f'p{j + 1}')}/∂{uni(f'z{j + 1}')}"),
            named(sum(g[i] * p[i] * (1 - p[i]) for i in range(3)), "used pᵢ(1 − pᵢ) for every entry, the "
                                                                    "off-diagonal ones too"),
            named(diagonal_only + sum(g[i] * p[i] * p[j] for i in range(3) if i != j),
                  "dropped the minus sign of the off-diagonal entries (+pᵢpⱼ)"),
            named(g[j] - sum(g[i] * p[i] for i in range(3)), f"left out the factor {uni(f'p{j + 1}')} in pⱼ(gⱼ − Σᵢ gᵢpᵢ)")]


def _product(rng: random.Random, qtype: QuestionType) -> Problem:
    z = draw(rng)
    p = softmax(z)
    g = [rng.choice((-2, -1, 1, 2, 3)) for _ in range(3)]
    j = rng.randrange(3)
    require(len(set(g)) > 1, "equal upstream gradients (the product is 0)")
    exact = vjp(p, g, j)
    f = floats(tuple(z))
    require(abs(vjp(f, g, j)) >= 0.05, "a product too small to read at three places")
    mean = sum(g[i] * f[i] for i in range(3))
    steps = [prob_line(p), "∂L/∂zⱼ = Σᵢ gᵢ ∂pᵢ/∂zⱼ = Σᵢ gᵢpᵢ(δᵢⱼ − pⱼ) = pⱼ(gⱼ − Σᵢ gᵢpᵢ)",
             f"Σᵢ gᵢpᵢ = {fixed(mean, 4)}",
             f"$∂L/∂z{j + 1}$ = {fixed(f[j], 4)} × ({g[j]} − ({fixed(mean, 4)})) = {fixed(vjp(f, g, j), 4)}"]
    slips = slips_of(vjp_slips(z, g, j))
    body = f"{stem(z)} The backward pass has reached $g = ∂L/∂p = {vector(g)}$. The value of $∂L/∂z{j + 1}$ is"
    return problem(topic=TOPIC, marks=2, body=asked(body, qtype, exact, PLACES, slips), exact=exact, slips=slips,
                   places=PLACES, steps=steps, extra={"z": z, "g": g, "j": j + 1},
                   statements=lambda r: _product_statements(r, z, p, g, j, steps))


def _product_statements(rng: random.Random, z: list[int], p: Probs, g: list[int], j: int,
                        steps: list[str]) -> Statements:
    k = next(m for m in range(3) if m != j)
    shift = rng.random() < 0.5
    claims = [
        _value_claim(rng, f"∂L/∂z{j + 1}", vjp(p, g, j), vjp_slips(z, g, j)[0], 0, j, "vjp", g),
        _value_claim(rng, f"∂L/∂z{k + 1}", vjp(p, g, k), vjp_slips(z, g, k)[1], 0, k, "vjp", g),
        fact_choice("∂L/∂z₁ + ∂L/∂z₂ + ∂L/∂z₃ = 0", softmax_claim("vjp-sum", value="0"), True,
                    "forgot that the columns of the Jacobian sum to 0"),
        fact_choice("Adding the same number to every entry of g leaves ∂L/∂z unchanged",
                    softmax_claim("vjp-unchanged", change="shift"), True, "") if shift else
        fact_choice("Doubling every entry of g leaves ∂L/∂z unchanged", softmax_claim("vjp-unchanged", change="double"),
                    False, "forgot that ∂L/∂z is linear in g (g → 2g makes ∂L/∂z twice as large)"),
    ]
    body = (f"{stem(z)} The backward pass has reached $g = ∂L/∂p = {vector(g)}$. Which of the following statements is/are correct?")
    return Statements(body=rounded_note(body, claims), choices=some_true(claims),
                      steps=steps + ["the columns of the Jacobian sum to 0, so the entries of ∂L/∂z do too"])


def _vanishes(value: sp.Expr) -> bool:
    """Zero, decided at 60 digits (sums of exponentials of integer logits: simplify is slow and a
    nonzero one is far above 1e-40)."""
    return bool(magnitude(value) < 1e-40)


@decider("softmax")
def _decide(claim: Mapping[str, Any], context: Context) -> Verdict:
    """Recomputed from the stem's logits z (and upstream g) with exact exponentials."""
    extra = context.extra or {}
    z, g = [int(v) for v in extra["z"]], [int(v) for v in extra.get("g", [0, 0, 0])]
    p = softmax(z)
    what = str(claim["what"])
    full = [[jac(p, r, c) for c in range(3)] for r in range(3)]
    back = [sum(g[r] * full[r][c] for r in range(3)) for c in range(3)]
    if what in ("entry", "vjp"):
        value = full[int(claim["i"]) - 1][int(claim["j"]) - 1] if what == "entry" else back[int(claim["j"]) - 1]
        return Verdict(rounds_to(float(claim["value"]), value, int(claim["places"])), f"the value is {number(value)}")
    if what == "symmetric":
        r, c = int(claim["i"]) - 1, int(claim["j"]) - 1
        same = _vanishes(full[r][c] - full[c][r])
        return Verdict(same == bool(claim["holds"]), f"both are −{uni(f'p{r + 1}')}{uni(f'p{c + 1}')} = {number(full[r][c])}")
    if what == "positive":
        value = full[int(claim["i"]) - 1][int(claim["j"]) - 1]
        return Verdict(bool(value > 0), f"the entry is {number(value)}")
    if what == "largest-diagonal":
        top = max(range(3), key=lambda k: as_float(full[k][k]))
        return Verdict(top + 1 == int(claim["at"]), f"the largest diagonal entry is ∂{uni(f'p{top + 1}')}/∂{uni(f'z{top + 1}')} = "
                                                    f"{number(full[top][top])}")
    if what == "vjp-sum":
        total = sum(back)
        return Verdict(_vanishes(total), f"the entries of ∂L/∂z add to {'0' if _vanishes(total) else number(total)}")
    if what == "vjp-unchanged":
        moved = [v + 1 for v in g] if claim["change"] == "shift" else [2 * v for v in g]
        other = [sum(moved[r] * full[r][c] for r in range(3)) for c in range(3)]
        same = all(_vanishes(a - b) for a, b in zip(back, other))
        return Verdict(same, "adding a constant to g changes nothing (each column of the Jacobian sums to 0)" if same
                       else "∂L/∂z is linear in g, so doubling g doubles it")
    raise ClaimError(f"unknown softmax claim {what!r}")


@family(TOPIC, "Softmax Jacobian entries ∂pᵢ/∂zⱼ = pᵢ(δᵢⱼ − pⱼ)", ("NAT", "MCQ", "MSQ"), (1, 2))
def build(rng: random.Random, qtype: QuestionType, marks: int) -> Problem:
    return _entry(rng, qtype) if marks == 1 else _product(rng, qtype)
