"""Family 10: a residual block h = x + F(x), whose gradient is the sum of two paths.

The identity path gives ∂h/∂x its "+1": the skip connection carries the upstream gradient
unchanged even when F's ReLU is closed. Forgetting that 1 is the slip this family drills.
"""

from __future__ import annotations

import random

import sympy as sp

from gatebp.questions.families.base import Resample, family
from gatebp.questions.families.common import (Choice, computes, given, nonzero, path_sum, shown, solved, some_true,
                                              statement, working)
from gatebp.questions.problem import Problem, Statements
from gatebp.network.graph import Find, Graph
from gatebp.network.slips import Slip, backprop_slips
from gatebp.gate.question import QuestionType
from gatebp.network.steps import Solution

TOPIC = "residual"
DROP_IDENTITY = "dropped the identity path (the 1 in ∂h/∂x = 1 + ∂F/∂x)"


def _block(rng: random.Random, marks: int) -> tuple[dict[str, int], dict[str, str], str]:
    """F(x) = relu(w*x) (1 mark: y = v*h) or w2*relu(w1*x) (2 marks: L = (h - t)²), gate drawn first."""
    closed = rng.random() < 0.3
    x, w1 = nonzero(rng, -3, 3), nonzero(rng, -3, 3)
    if (w1 * x > 0) == closed:
        w1 = -w1
    if marks == 1:
        values = {"x": x, "w": w1, "v": nonzero(rng, -3, 3)}
        return values, {"u": "w*x", "f": "relu(u)", "h": "x + f", "y": "v*h"}, "y"
    values = {"x": x, "w1": w1, "w2": nonzero(rng, -2, 2), "t": rng.randint(-3, 3)}
    return values, {"u": "w1*x", "r": "relu(u)", "f": "w2*r", "h": "x + f", "L": "(h - t)**2"}, "L"


def _identity(solution: Solution) -> sp.Expr:
    """The identity path's share: the paths that skip F (they do not pass through f)."""
    return sp.Add(*(p.product for p in solution.paths if "f" not in p.names))


def _slips(solution: Solution, top: str) -> list[Slip]:
    gradient = solution.exact
    identity = _identity(solution)
    slips = [Slip(gradient - identity, DROP_IDENTITY),
             Slip(identity, "dropped the F path (kept only the skip connection)")]
    if top == "L":
        slips.append(Slip(gradient / 2, "dropped the 2 from the derivative of (h − t)²"))
    return slips + backprop_slips(solution)


def _body(graph: Graph, ask: str) -> str:
    return (f"A residual block computes {computes(graph)} (so h = x + F(x)) with {given(graph)}, where "
            f"relu(z) = max(0, z). {ask}")


@family(TOPIC, "Residual block h = x + F(x): identity and F paths", ("NAT", "MCQ", "MSQ"), (1, 2))
def draw(rng: random.Random, qtype: QuestionType, marks: int) -> Problem:
    values, nodes, top = _block(rng, marks)
    graph, solution = solved(values, nodes, Find(top, "x"))
    if solution.exact == 0 or _identity(solution) == solution.exact and rng.random() < 0.5:
        raise Resample("a zero gradient, or (too often) a closed gate")
    return Problem(topic=TOPIC, marks=marks, body=_body(graph, f"What is ∂{top}/∂x?"), exact=solution.exact,
                   steps=working(solution), slips=_slips(solution, top), graph=graph, find=graph.find,
                   statements=lambda r: _statements(r, graph, solution, top))


def _statements(rng: random.Random, graph: Graph, solution: Solution, top: str) -> Statements:
    identity = _identity(solution)
    local = sp.S.One + path_sum(solution, "f") / identity  # ∂h/∂x = 1 + ∂F/∂x
    choices = [
        statement("∂h/∂x = {}", local, Slip(local - 1, DROP_IDENTITY), rng),
        statement(f"∂{top}/∂x = {{}}", solution.exact,
                  Slip(solution.exact - identity, DROP_IDENTITY), rng),
        statement(f"the identity path alone contributes {{}} to ∂{top}/∂x", identity,
                  Slip(sp.S.One, "took the identity path's share as 1 (forgot the upstream gradient δ(h))"),
                  rng),
        _closed_gate_claim(rng, top, identity),
    ]
    steps = working(solution) + [f"∂h/∂x = 1 + ∂f/∂x = {shown(local)}",
                                 f"identity path: δ(h) × 1 = {shown(identity)}"]
    return Statements(body=_body(graph, "Which statements are true?"), choices=some_true(choices), steps=steps,
                      graph=graph, find=graph.find)


def _closed_gate_claim(rng: random.Random, top: str, identity: sp.Expr) -> Choice:
    """With F's gate closed the skip connection still passes δ(h): the gradient is not 0."""
    if rng.random() < 0.5:
        return Choice(f"with F's ReLU gate closed (and h unchanged), ∂{top}/∂x would be {shown(identity)}",
                      True, float(sp.N(identity, 30)))
    return Choice(f"with F's ReLU gate closed (and h unchanged), ∂{top}/∂x would be 0", False, 0.0,
                  "forgot that the identity path still carries the gradient when F's gate is closed")
