"""Family `two-layer-mse`: a 2-2-1 or 2-3-1 ReLU network with a squared-error loss.

An output weight has one path (∂L/∂ŷ · h_j); a first-layer weight w_jk reaches L through its
own hidden unit only (∂L/∂ŷ · v_j · gate_j · x_k); an input fans out to every hidden unit, so
∂L/∂x1 sums over them and closed gates drop out. Slips: the 2 (or ½) of MSE, a dropped hidden
unit, an ignored ReLU gate, a sign slip, a weight's indices mixed up.
"""

from __future__ import annotations

import random

import sympy as sp

from gatebp.questions.families.base import family
from gatebp.questions.families.common import (Choice, computes, given, nonzero, pick_statements, require, shown,
                                              solved, working)
from gatebp.questions.problem import Problem, Statements
from gatebp.network.graph import Find, Graph
from gatebp.network.slips import Slip, backprop_slips, sign_slip
from gatebp.gate.question import QuestionType
from gatebp.network.steps import Solution, equals

TOPIC = "two-layer-mse"


def _network(rng: random.Random, hidden: int, half: bool) -> tuple[dict[str, int], dict[str, str]]:
    """Inputs x1, x2; hidden units h_j = relu(w_j1*x1 + w_j2*x2); ŷ = Σ v_j h_j; L = MSE."""
    values = {"x1": nonzero(rng, -2, 2), "x2": nonzero(rng, -2, 2)}
    nodes = {}
    for j in range(1, hidden + 1):
        values[f"w{j}1"], values[f"w{j}2"] = nonzero(rng, -2, 2), nonzero(rng, -2, 2)
    for j in range(1, hidden + 1):
        values[f"v{j}"] = nonzero(rng, -2, 2)
    values["t"] = rng.randint(-2, 3)
    for j in range(1, hidden + 1):
        nodes[f"z{j}"] = f"w{j}1*x1 + w{j}2*x2"
        nodes[f"h{j}"] = f"relu(z{j})"
    nodes["yhat"] = " + ".join(f"v{j}*h{j}" for j in range(1, hidden + 1))
    nodes["L"] = "(yhat - t)**2/2" if half else "(yhat - t)**2"
    return values, nodes


def _target(rng: random.Random, marks: int, hidden: int) -> str:
    if marks == 1:
        return f"v{rng.randint(1, hidden)}"
    return rng.choice([f"w{rng.randint(1, hidden)}{rng.randint(1, 2)}", "x1", "x2"])


def _suits(values: dict[str, int], hidden: int, wrt: str) -> bool:
    """Integer forward pass before solving: no ReLU input at 0, ŷ ≠ t, and a non-zero answer
    that (for an input) sums over at least two open hidden units."""
    z = [values[f"w{j}1"] * values["x1"] + values[f"w{j}2"] * values["x2"] for j in range(1, hidden + 1)]
    h = [max(0, v) for v in z]
    error = sum(values[f"v{j}"] * h[j - 1] for j in range(1, hidden + 1)) - values["t"]
    if 0 in z or error == 0 or abs(error) > 10:
        return False
    if wrt.startswith("v"):
        return h[int(wrt[1]) - 1] > 0
    if wrt.startswith("w"):
        return h[int(wrt[1]) - 1] > 0
    terms = [values[f"v{j}"] * values[f"w{j}{wrt[1]}"] for j in range(1, hidden + 1) if h[j - 1] > 0]
    return len(terms) >= 2 and sum(terms) != 0


def _draw(rng: random.Random, marks: int) -> tuple[Graph, Solution, bool]:
    hidden = 2 if marks == 1 else rng.choice((2, 3))
    half = rng.random() < 0.5
    wrt = _target(rng, marks, hidden)
    for _ in range(200):
        values, nodes = _network(rng, hidden, half)
        if _suits(values, hidden, wrt):
            break
    graph, solution = solved(values, nodes, Find("L", wrt))
    require(solution.exact != 0 and abs(solution.value) <= 100)
    if wrt in ("x1", "x2"):
        require(len([p for p in solution.paths if p.product != 0]) >= 2)  # the sum over units must show
    return graph, solution, half


def mse_slips(graph: Graph, solution: Solution, half: bool) -> list[Slip]:
    """The loss-specific slips first, then the generic ones (gates, dropped units, sign)."""
    assert graph.find is not None and graph.find.wrt is not None
    wrt = graph.find.wrt
    slips = [Slip(solution.exact * 2, "forgot the ½ of the loss (used 2(ŷ − t) for ∂L/∂ŷ)") if half
             else Slip(solution.exact / 2, "dropped the 2 of the squared error (used ŷ − t for ∂L/∂ŷ)")]
    slips += [s for s in backprop_slips(solution) if s not in sign_slip(solution)]
    if wrt.startswith("w"):
        k, other = wrt[2], "2" if wrt[2] == "1" else "1"
        fwd = solution.forward
        slips.append(Slip(solution.exact / fwd[f"x{k}"] * fwd[f"x{other}"],
                          f"used x{other} instead of x{k} (mixed up the indices of {wrt})"))
    if wrt.startswith("v"):
        slips.append(Slip(solution.exact / solution.forward[f"h{wrt[1]}"],
                          f"stopped at ∂L/∂ŷ (left out the factor h{wrt[1]})"))
    return slips + sign_slip(solution)


def _describe(graph: Graph, hidden: int) -> str:
    return (f"A 2-{hidden}-1 network with ReLU hidden units and a squared-error loss computes "
            f"{computes(graph)}, with {given(graph)}.")


@family(TOPIC, "Two-layer ReLU network with MSE", ("NAT", "MCQ", "MSQ"), (1, 2))
def draw(rng: random.Random, qtype: QuestionType, marks: int) -> Problem:
    graph, solution, half = _draw(rng, marks)
    assert graph.find is not None
    hidden = sum(1 for n in graph.nodes if n.name.startswith("h"))
    body = f"{_describe(graph, hidden)} What is ∂L/∂{graph.find.wrt}?"
    return Problem(topic=TOPIC, marks=marks, body=body, exact=solution.exact, steps=working(solution),
                   slips=mse_slips(graph, solution, half), graph=graph, find=graph.find,
                   statements=lambda r: _statements(r, graph, solution, half, hidden))


def _statements(rng: random.Random, graph: Graph, solution: Solution, half: bool,
                hidden: int) -> Statements:
    assert graph.find is not None and graph.find.wrt is not None
    fwd, wrt = solution.forward, graph.find.wrt
    factor = sp.S.One if half else sp.S(2)
    d_yhat = factor * (fwd["yhat"] - fwd["t"])
    j = rng.randint(1, hidden)
    closed = fwd[f'h{j}'] == 0
    wrong = mse_slips(graph, solution, half)[0]
    pool = [
        Choice(f"∂L/∂{wrt} {equals(solution.exact)}", True, solution.value, find=graph.find.to_dict()),
        Choice(f"∂L/∂{wrt} {equals(wrong.value)}", False, wrong.number, wrong.mistake, graph.find.to_dict()),
        Choice(f"∂L/∂yhat {equals(d_yhat)}", True, float(d_yhat), find={"of": "L", "wrt": "yhat"}),
        Choice(f"∂L/∂v{j} = 0", closed, 0.0, None if closed else f"took h{j} = relu(z{j}) as 0 (its gate is open)",
               {"of": "L", "wrt": f"v{j}"}),
        Choice(f"the ReLU gate of h{j} is open", not closed,
               mistake=f"misread the sign of z{j} = {shown(fwd[f'z{j}'])}" if closed else None),
    ]
    chosen = pick_statements(rng, pool)
    product = f"{shown(d_yhat)} × {shown(fwd[f'h{j}'])} {equals(d_yhat * fwd[f'h{j}'])}"
    steps = working(solution) + [f"∂L/∂v{j} = ∂L/∂yhat · h{j} = {product}"]
    return Statements(body=f"{_describe(graph, hidden)} Which statements are true?", choices=chosen,
                      steps=steps, graph=graph, find=graph.find)
