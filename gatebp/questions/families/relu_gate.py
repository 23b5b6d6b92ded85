"""Family 1: one path through a ReLU gate, open or closed (the GATE DA 2025 form)."""

from __future__ import annotations

import random

from gatebp.questions.families.base import family
from gatebp.questions.families.common import Choice, choice_question, computes, given, nonzero, numeric_question, solved, working
from gatebp.network.graph import Find
from gatebp.network.slips import backprop_slips
from gatebp.gate.question import Question, QuestionType

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
def build(rng: random.Random, qtype: QuestionType, marks: int) -> Question:
    closed = rng.random() < 0.35
    values, nodes = _network(rng, marks, closed)
    graph, solution = solved(values, nodes, Find("y", "w1"))
    body = (f"A network computes {computes(graph)} with {given(graph)}, where relu(z) = max(0, z). "
            f"What is ∂y/∂w1?")
    if qtype == "MSQ":
        return _statements(rng, marks, graph, solution)
    return numeric_question(topic=TOPIC, qtype=qtype, marks=marks, body=body, exact=solution.exact,
                            steps=working(solution), slips=backprop_slips(solution), rng=rng,
                            graph=graph, find=graph.find)


def _statements(rng, marks, graph, solution) -> Question:  # type: ignore[no-untyped-def]
    from gatebp.network.solve import solve

    gate_open = solution.forward["z"] > 0
    dw2 = solve(graph, Find("y", "w2"))
    dx = solve(graph, Find("y", "x"))
    choices = [
        Choice("The ReLU gate is open (it passes the gradient)", bool(gate_open)),
        Choice(f"∂y/∂w1 = {dx_text(solution.exact)}", True, float(solution.value), find={"of": "y", "wrt": "w1"}),
        Choice(f"∂y/∂w2 = {dx_text(dw2.exact + 1)}", False, float(dw2.value + 1),
               "added 1 to ∂y/∂w2 (it is h)", {"of": "y", "wrt": "w2"}),
        Choice(f"∂y/∂x = {dx_text(dx.exact)}", True, float(dx.value), find={"of": "y", "wrt": "x"}),
    ]
    body = f"A network computes {computes(graph)} with {given(graph)}. Which statements are true?"
    steps = working(solution) + [f"∂y/∂w2 = h = {dx_text(dw2.exact)}", f"∂y/∂x = {dx_text(dx.exact)}"]
    return choice_question(topic=TOPIC, qtype="MSQ", marks=marks, body=body, choices=choices, steps=steps,
                           rng=rng, graph=graph)


def dx_text(value) -> str:  # type: ignore[no-untyped-def]
    from gatebp.network.steps import short

    return short(value)
