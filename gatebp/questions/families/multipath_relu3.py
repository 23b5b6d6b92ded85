"""Family `multipath-relu-3`: input gradients of a 3-input ReLU network, as in GATE DA 2024 Q43."""

from __future__ import annotations

import random
from dataclasses import replace
from fractions import Fraction

import sympy as sp

from gatebp.gate.question import QuestionType
from gatebp.network.graph import Graph
from gatebp.network.slips import (
    Slip,
)
from gatebp.network.steps import Solution
from gatebp.questions.families._claims import named
from gatebp.questions.families._posed import problem
from gatebp.questions.families.base import family
from gatebp.questions.families.common import require
from gatebp.questions.families.multipath_relu import (
    Layer,
    _extra,
    asked_entry,
    describe,
    gate_slips,
    gradient_vector,
    hidden_layers,
    places_of,
    solved_network,
    statements,
    vector_working,
)
from gatebp.questions.problem import Chooser, Problem, Statements

# ---- multipath-relu-3: three inputs, as in GATE DA 2024 Q43 ---------------------------------------------
#
# A separate topic so that every `multipath-relu` id keeps its question. 1 mark: x (3) → h (3, ReLU) → y.
# 2 marks: x (3) → h (3, ReLU) → g (2, ReLU) → y, Q43's two ReLU hidden layers (the extra step: one more
# layer of gates and a W2ᵀ product). Inputs are distinct, the columns of W1 distinct (no two input
# gradients equal by construction), every pre-activation nonzero, and most draws close a gate that
# matters. Every option is a claim, as in multipath-relu (quantities, gate, paths). The working is the vector form δ = (Wᵀ δ_next) ⊙ relu'(z), ∂y/∂x = W1ᵀ δ(h). Slips as in
# multipath-relu, plus W1 δ for W1ᵀ δ (the square W1 makes the transposed product conform).

TOPIC3 = "multipath-relu-3"
INPUTS3 = ("x1", "x2", "x3")


def draw3(rng: random.Random, marks: int, column: int) -> tuple[list[Fraction], list[Layer]]:
    x = [Fraction(v) for v in rng.sample((-2, -1, 1, 2, 3), 3)]
    return x, hidden_layers(rng, x, marks, column)


def masks_and_deltas(x: list[Fraction], layers: list[Layer]) -> list[list[Fraction]]:
    """δ of each hidden layer (∂y/∂z), computed with plain fractions from the matrices."""
    values, masks = list(x), []
    for layer in layers[:-1]:
        bias = layer.get("b") or [Fraction(0)] * len(layer["W"])
        pre = [sum((w * v for w, v in zip(row, values)), b) for row, b in zip(layer["W"], bias)]
        masks.append([Fraction(int(z > 0)) for z in pre])
        values = [max(Fraction(0), z) for z in pre]
    upstream = list(layers[-1]["W"][0])
    deltas: list[list[Fraction]] = []
    for index in range(len(layers) - 2, -1, -1):
        delta = [u * m for u, m in zip(upstream, masks[index])]
        deltas.insert(0, delta)
        W = layers[index]["W"]
        upstream = [sum((W[i][j] * delta[i] for i in range(len(W))), Fraction(0)) for j in range(len(W[0]))]
    return deltas


def mirrored(layers: list[Layer]) -> bool:
    """Two rows of a hidden matrix equal or opposite: units that mirror each other, a degenerate draw."""
    for layer in layers[:-1]:
        rows = [tuple(r) for r in layer["W"]]
        if any(a == b or a == tuple(-v for v in b) for i, a in enumerate(rows) for b in rows[i + 1:]):
            return True
    return False


def input_gradient3(x: list[Fraction], layers: list[Layer]) -> list[Fraction]:
    """W1ᵀ δ(h) with fractions (a cheap screen; the key itself comes from the solver)."""
    delta = masks_and_deltas(x, layers)[0]
    W = layers[0]["W"]
    return [sum((W[i][j] * delta[i] for i in range(len(W))), Fraction(0)) for j in range(len(x))]


def transposed_slip(x: list[Fraction], layers: list[Layer]) -> list[Fraction]:
    """W1 δ(h) in place of W1ᵀ δ(h)."""
    delta = masks_and_deltas(x, layers)[0]
    W = layers[0]["W"]
    return [sum((w * d for w, d in zip(row, delta)), Fraction(0)) for row in W]


def _network3(rng: random.Random, marks: int, wrt: str) -> tuple[list[Fraction], list[Layer], Graph, Solution]:
    x, layers = draw3(rng, marks, int(wrt[1:]) - 1)
    columns = list(zip(*layers[0]["W"]))
    require(len(set(columns)) == 3, "two equal columns of W1")
    require(not mirrored(layers), "two rows equal or opposite (mirror units)")
    require(input_gradient3(x, layers)[int(wrt[1:]) - 1] != 0, "a zero answer")  # screened before the exact solve
    return (x, layers, *solved_network(rng, x, layers, wrt))


@family(TOPIC3, "Input gradients of a 3-input ReLU network (GATE DA 2024 Q43 shape)", ("NAT", "MCQ", "MSQ"), (1, 2),
        group="paper")
def build3(rng: random.Random, qtype: QuestionType, marks: int) -> Problem:
    wrt = rng.choice(INPUTS3)
    x, layers, graph, solution = _network3(rng, marks, wrt)
    slips = gate_slips(solution) + [Slip(sp.Rational(transposed_slip(x, layers)[int(wrt[1:]) - 1]),
                                         "multiplied δ(h) by W₁ instead of W₁ᵀ (read W₁ by rows)")]
    steps = [*vector_working(graph, solution), asked_entry(graph, solution)]
    options: Chooser | None = None
    if qtype == "MCQ" and marks == 2:
        more = [named(transposed_slip(x, layers), "multiplied δ(h) by W₁ instead of W₁ᵀ (read W₁ by rows)")]

        def options(r: random.Random) -> Statements:
            found = gradient_vector(x, layers, graph, {wrt: solution}, INPUTS3, more)
            return replace(found, steps=steps)

    return problem(topic=TOPIC3, marks=marks, body=f"{describe(x, layers)} The value of $∂y1/∂{wrt}$ is",
                   exact=solution.exact, slips=_named_only(slips, solution.exact), steps=steps, graph=graph,
                   find=graph.find, places=places_of(solution.exact), options=options, extra=_extra(x, layers),
                   statements=lambda r: statements(r, x, layers, graph, solution, INPUTS3, steps))


def _named_only(slips: list[Slip], exact: sp.Expr) -> list[Slip]:
    """Distinct named slips away from the key; fewer than three (for an MCQ) means another draw."""
    kept: list[Slip] = []
    for slip in slips:
        if slip.value != exact and all(slip.value != k.value for k in kept):
            kept.append(slip)
    require(len(kept) >= 3, "fewer than three named slips")
    return kept
