"""Family 1: one path through a ReLU gate, open or closed (the GATE DA 2025 form)."""

from __future__ import annotations

import random

from gatebp.gate.question import QuestionType
from gatebp.network.graph import Find, Graph
from gatebp.network.slips import backprop_slips
from gatebp.network.solve import solve
from gatebp.network.steps import Solution, short
from gatebp.questions.families.base import family
from gatebp.questions.families.common import Choice, computes, given, nonzero, quantity, solved, working
from gatebp.questions.problem import Problem, Statements

TOPIC = "relu-gate"


def _network(rng: random.Random, marks: int, closed: bool) -> tuple[dict[str, int], dict[str, str]]:
    """y = w2 * relu(w1*x [+ b]) with the gate's state chosen first and the numbers to match."""
    x, w1, w2 = nonzero(rng, -3, 3), nonzero(rng, -3, 3), nonzero(rng, -4, 4)
    if (w1 * x > 0) == closed:
        w1 = -w1
    values = {"x": x, "w1": w1, "w2": w2}
    nodes = {"z": "w1*x", "h": "relu(z)", "y": "w2*h"}
    if marks == 2:
        values["b"] = nonzero(rng, -2, 2)
        if (w1 * x + values["b"] > 0) == closed or w1 * x + values["b"] == 0:
            values["b"] = -values["b"] if (w1 * x - values["b"] > 0) != closed else values["b"]
        nodes["z"] = "w1*x + b"
    return values, nodes


@family(TOPIC, "One path through a ReLU gate (open or closed)", ("NAT", "MCQ", "MSQ"), (1, 2))
def draw(rng: random.Random, qtype: QuestionType, marks: int) -> Problem:
    closed = rng.random() < 0.35
    values, nodes = _network(rng, marks, closed)
    graph, solution = solved(values, nodes, Find("y", "w1"))
    body = (f"A network computes {computes(graph)} with {given(graph)}, where relu(z) = max(0, z). "
            f"What is ∂y/∂w1?")
    return Problem(topic=TOPIC, marks=marks, body=body, exact=solution.exact, steps=working(solution),
                   slips=backprop_slips(solution), graph=graph, find=graph.find,
                   statements=lambda _rng: _statements(graph, solution))


def _statements(graph: Graph, solution: Solution) -> Statements:
    gate_open = solution.forward["z"] > 0
    dw2 = solve(graph, Find("y", "w2"))
    dx = solve(graph, Find("y", "x"))
    choices = [
        Choice("The ReLU gate is open (it passes the gradient)", bool(gate_open),
               claim={"kind": "gate", "unit": "h", "pre": "z", "open": True}),
        Choice(f"∂y/∂w1 = {short(solution.exact)}", True, float(solution.value), find={"of": "y", "wrt": "w1"},
               claim=quantity("y", "w1", solution.exact)),
        Choice(f"∂y/∂w2 = {short(dw2.exact + 1)}", False, float(dw2.value + 1),
               "added 1 to ∂y/∂w2 (it is h)", {"of": "y", "wrt": "w2"}, claim=quantity("y", "w2", dw2.exact + 1)),
        Choice(f"∂y/∂x = {short(dx.exact)}", True, float(dx.value), find={"of": "y", "wrt": "x"},
               claim=quantity("y", "x", dx.exact)),
    ]
    body = f"A network computes {computes(graph)} with {given(graph)}. Which statements are true?"
    steps = working(solution) + [f"∂y/∂w2 = h = {short(dw2.exact)}", f"∂y/∂x = {short(dx.exact)}"]
    return Statements(body=body, choices=choices, steps=steps, graph=graph)
