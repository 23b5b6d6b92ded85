"""Family `sigmoid-bce`: a sigmoid output with binary cross-entropy, where δ = ∂L/∂z = p − t.

The local factors −t/p + (1 − t)/(1 − p) and p(1 − p) cancel to p − t; the solver's working
shows both, and the named slips are multiplying by σ'(z) once more, the sign slip t − p, the
squared-error derivative in place of cross-entropy, dropping the (1 − t) term, and stopping at
∂L/∂z without the factors below it.
"""

from __future__ import annotations

import random
from fractions import Fraction

import sympy as sp

from gatebp.questions.families.base import family
from gatebp.questions.families.common import (Choice, answer_places, computes, given, nonzero, pick_statements,
                                              require, shown, solved, tenths, working)
from gatebp.questions.problem import Problem, Statements
from gatebp.network.graph import Find, Graph
from gatebp.network.slips import Slip, evaluated
from gatebp.gate.question import QuestionType
from gatebp.network.steps import Solution, equals

TOPIC = "sigmoid-bce"
BCE = "-(t*log(p) + (1 - t)*log(1 - p))"
Values = dict[str, Fraction | int]


def _one_input(rng: random.Random) -> tuple[Values, dict[str, str], str]:
    values: Values = {"x": nonzero(rng, -2, 2), "w": tenths(rng, -1, 1),
                      "b": tenths(rng, -0.5, 0.5, nonzero_only=False), "t": rng.randint(0, 1)}
    return values, {"z": "w*x + b", "p": "sigmoid(z)", "L": BCE}, "w"


def _two_inputs(rng: random.Random) -> tuple[Values, dict[str, str], str]:
    values: Values = {"x1": nonzero(rng, -2, 2), "x2": nonzero(rng, -2, 2), "w1": tenths(rng, -1, 1),
                      "w2": tenths(rng, -1, 1), "b": tenths(rng, -0.5, 0.5, nonzero_only=False),
                      "t": rng.randint(0, 1)}
    return values, {"z": "w1*x1 + w2*x2 + b", "p": "sigmoid(z)", "L": BCE}, rng.choice(("w1", "w2"))


def _hidden_unit(rng: random.Random) -> tuple[Values, dict[str, str], str]:
    """A ReLU unit below the output: ∂L/∂u = (p − t)·w·gate·x."""
    values: Values = {"x": nonzero(rng, 1, 2), "u": tenths(rng, 0.2, 1), "w": tenths(rng, -1.5, 1.5),
                      "b": tenths(rng, -0.5, 0.5, nonzero_only=False), "t": rng.randint(0, 1)}
    nodes = {"h": "relu(u*x)", "z": "w*h + b", "p": "sigmoid(z)", "L": BCE}
    return values, nodes, "u"


def _draw(rng: random.Random, marks: int) -> tuple[Graph, Solution]:
    maker = _one_input if marks == 1 else rng.choice((_two_inputs, _hidden_unit))
    values, nodes, wrt = maker(rng)
    graph, solution = solved(values, nodes, Find("L", wrt))
    require(abs(float(solution.forward["z"])) <= 2.5 and abs(solution.value) >= 0.01)
    return graph, solution


def bce_slips(solution: Solution) -> list[Slip]:
    """Slips built from p, t and the factors below z: the answer is (p − t)·below.

    They are written from the short forms of p and the factors (not the solver's long exact
    expression) so that evaluating them stays cheap.
    """
    p, t = solution.forward["p"], solution.forward["t"]
    below = sp.Mul(*solution.paths[0].factors[2:])  # the path is L ← p ← z ← ... ← wrt
    answer = (p - t) * below
    slips = [Slip(answer * p * (1 - p), "multiplied by σ'(z) = p(1 − p) again "
                                        "(the cross-entropy derivative already cancels it)"),
             Slip(-answer, "used t − p instead of p − t (a sign slip)"),
             Slip(2 * answer * p * (1 - p), "used the squared-error derivative 2(p − t)·p(1 − p)")]
    sigma_at_p = sp.exp(-p) / (1 + sp.exp(-p)) ** 2
    slips.append(Slip(answer / (p * (1 - p)) * sigma_at_p,
                      "used σ'(p) instead of σ'(z) (the derivative at the output, not the input)"))
    slips.append(Slip(-t * (1 - p) * below, "kept only −t/p for ∂L/∂p (dropped the (1 − t) term)"))
    if below != 1:
        slips.append(Slip(p - t, "stopped at ∂L/∂z = p − t (left out the factors below z)"))
    return evaluated(slips)


@family(TOPIC, "Sigmoid output with binary cross-entropy", ("NAT", "MCQ", "MSQ"), (1, 2))
def draw(rng: random.Random, qtype: QuestionType, marks: int) -> Problem:
    graph, solution = _draw(rng, marks)
    assert graph.find is not None
    intro = (f"A classifier computes {computes(graph)} (binary cross-entropy, natural log, "
             f"sigmoid(z) = 1/(1 + e^(−z))) with {given(graph)}.")
    return Problem(topic=TOPIC, marks=marks, body=f"{intro} What is ∂L/∂{graph.find.wrt}?",
                   exact=solution.exact, steps=working(solution), slips=bce_slips(solution), graph=graph,
                   find=graph.find, places=answer_places(solution.exact),
                   statements=lambda r: _statements(r, graph, solution, intro))


def _statements(rng: random.Random, graph: Graph, solution: Solution, intro: str) -> Statements:
    assert graph.find is not None
    wrt, fwd = graph.find.wrt, solution.forward
    delta = fwd["p"] - fwd["t"]
    extra = bce_slips(solution)[0]
    require(abs(extra.number - solution.value) > 0.01)
    negative, lowers = bool(delta < 0), solution.value < 0
    pool = [
        Choice(f"∂L/∂z = p − t {equals(delta)}", True, float(delta), find={"of": "L", "wrt": "z"}),
        Choice(f"∂L/∂{wrt} {equals(solution.exact)}", True, solution.value, find=graph.find.to_dict()),
        Choice(f"∂L/∂{wrt} {equals(extra.value)}", False, extra.number, extra.mistake, graph.find.to_dict()),
        Choice("∂L/∂z is negative", negative, mistake=None if negative else "took δ = t − p (a sign slip)"),
        Choice(f"a small increase in {wrt} lowers L", lowers,
               mistake=None if lowers else f"read the sign of ∂L/∂{wrt} backwards"),
    ]
    steps = working(solution) + [f"∂L/∂z = p − t = {shown(fwd['p'])} − {fwd['t']} {equals(delta)}"]
    return Statements(body=f"{intro} Which statements are true?", choices=pick_statements(rng, pool),
                      steps=steps, graph=graph, find=graph.find)
