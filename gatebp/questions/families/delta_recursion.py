"""Family 11: the delta recursion δ1 = (W2ᵀ δ2) ⊙ φ'(z1) for one hidden unit.

The output sensitivities δ2 come from a real loss on real outputs, and the hidden sensitivity is
asked as ∂L/∂z_j with z_j a node, so the solver's reverse walk is exactly the recursion. The
slips are the classic ones: the row of W2 instead of its column (W2 for W2ᵀ), φ'(a) for φ'(z),
and stopping at ∂L/∂a (forgetting φ').
"""

from __future__ import annotations

import random

import sympy as sp

from gatebp.questions.families.base import Resample, family
from gatebp.questions.families.common import (computes, fact, given, nonzero, shown, solved, some_true, statement,
                                              tenths, working)
from gatebp.questions.problem import Problem, Statements
from gatebp.network.graph import Find, Graph
from gatebp.network.slips import Slip, backprop_slips, evaluated
from gatebp.gate.question import QuestionType
from gatebp.network.steps import Solution

TOPIC = "delta-recursion"
TRANSPOSED = "used W2 instead of W2ᵀ (the row of unit {j} in W2, not its column)"


def _network(rng: random.Random, marks: int) -> tuple[dict[str, object], dict[str, str]]:
    """x → z_j = u_j·x → a_j = φ(z_j) → o = W2·a → L (linear in o for 1 mark, half MSE for 2)."""
    act = rng.choice(("sigmoid", "tanh")) if marks == 1 else "sigmoid"  # tanh with MSE is slow to cross-check
    values: dict[str, object] = {"x": nonzero(rng, -2, 2), "u1": tenths(rng, -1, 1), "u2": tenths(rng, -1, 1)}
    for i in (1, 2):
        for j in (1, 2):
            values[f"w{i}{j}"] = nonzero(rng, -3, 3)
    if values["w12"] == values["w21"]:
        raise Resample("a symmetric W2 hides the transpose slip")
    nodes = {"z1": "u1*x", "z2": "u2*x", "a1": f"{act}(z1)", "a2": f"{act}(z2)",
             "o1": "w11*a1 + w12*a2", "o2": "w21*a1 + w22*a2"}
    if marks == 1:
        values["g1"], values["g2"] = nonzero(rng, -3, 3), nonzero(rng, -3, 3)
        nodes["L"] = "g1*o1 + g2*o2"
    else:
        values["t1"], values["t2"] = rng.randint(-2, 2), rng.randint(-2, 2)
        nodes["L"] = "(o1 - t1)**2/2 + (o2 - t2)**2/2"
    return values, nodes  # type: ignore[return-value]


def _parts(graph: Graph, solution: Solution, j: int) -> tuple[list[sp.Expr], sp.Expr]:
    """δ(o1), δ(o2) from the solver, and φ'(z_j) (the local derivative on a_j ← z_j)."""
    deltas = [solution.sensitivities[f"o{i}"] for i in (1, 2)]
    prime = next(e.value for e in solution.edges if (e.node, e.parent) == (f"a{j}", f"z{j}"))
    return deltas, prime


def _slips(graph: Graph, solution: Solution, j: int) -> list[Slip]:
    deltas, prime = _parts(graph, solution, j)
    w = {name: sp.Rational(v.numerator, v.denominator) for name, v in graph.values.items()}
    column = sum(w[f"w{i}{j}"] * deltas[i - 1] for i in (1, 2))
    row = sum(w[f"w{j}{i}"] * deltas[i - 1] for i in (1, 2))
    return evaluated([Slip(row * prime, TRANSPOSED.format(j=j)),
                      Slip(column, "forgot the factor φ'(z) (stopped at ∂L/∂a)"),
                      *backprop_slips(solution)])


def _places(value: sp.Expr) -> int:
    return 2 if abs(float(sp.N(value, 30))) >= 1 else 3


def _body(graph: Graph, marks: int, ask: str) -> str:
    loss = ("The loss is linear in the outputs, so ∂L/∂o1 = g1 and ∂L/∂o2 = g2. " if marks == 1
            else "The loss is half the squared error of the outputs. ")
    return (f"A network computes {computes(graph)} with {given(graph)}; the output layer is o = W2·a with "
            f"W2 = [[w11, w12], [w21, w22]]. {loss}{ask}")


@family(TOPIC, "The delta recursion δ1 = (W2ᵀ δ2) ⊙ φ'(z1)", ("NAT", "MCQ", "MSQ"), (1, 2))
def draw(rng: random.Random, qtype: QuestionType, marks: int) -> Problem:
    values, nodes = _network(rng, marks)
    j = rng.choice((1, 2))
    graph, solution = solved(values, nodes, Find("L", f"z{j}"))  # type: ignore[arg-type]
    if abs(solution.value) < 0.01:
        raise Resample("a hidden sensitivity too close to 0")
    if qtype == "MSQ":
        return Problem(topic=TOPIC, marks=marks, statements=lambda r: _statements(r, marks, graph, solution, j))
    ask = f"What is the hidden sensitivity δ{j} = ∂L/∂z{j}?"
    return Problem(topic=TOPIC, marks=marks, body=_body(graph, marks, ask), exact=solution.exact,
                   steps=working(solution), slips=_slips(graph, solution, j), graph=graph, find=graph.find,
                   places=_places(solution.exact))


def _statements(rng: random.Random, marks: int, graph: Graph, solution: Solution, j: int) -> Statements:
    deltas, prime = _parts(graph, solution, j)
    slips = _slips(graph, solution, j)
    upstream = solution.exact / prime
    pool = [
        statement(f"δ{j} = ∂L/∂z{j} = {{}}", solution.exact, slips[0], rng),
        statement(f"∂L/∂a{j} = (W2ᵀ δ_out)_{j} = {{}}", upstream,
                  Slip(slips[0].value / prime, TRANSPOSED.format(j=j)), rng),
        statement("∂L/∂o1 = {}", deltas[0],
                  Slip(-deltas[0], "took t − o instead of o − t (a sign slip)"), rng),
        fact(f"δ{j} = (W2ᵀ δ_out)_{j} · φ'(z{j})", f"δ{j} = (W2 δ_out)_{j} · φ'(z{j})", TRANSPOSED.format(j=j), rng),
        fact(f"φ' in the recursion is evaluated at the pre-activation z{j}",
             f"φ' in the recursion is evaluated at the activation a{j}", "used φ'(a) instead of φ'(z)", rng),
    ]
    steps = working(solution) + [f"∂L/∂a{j} = {shown(upstream)}; φ'(z{j}) = {shown(prime)}"]
    return Statements(body=_body(graph, marks, "Which statements are true?"),
                      choices=some_true(rng.sample(pool, 4)), steps=steps, graph=graph, find=graph.find)
