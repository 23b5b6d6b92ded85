"""Family `activation-path`: one path through sigmoid or tanh units.

The skill is the local derivative written with the unit's output a: σ'(z) = a(1 − a) and
tanh'(z) = 1 − a². 1 mark: y = v·φ(w·x + b); 2 marks: a squared-error loss on
φ(w1·x1 + w2·x2 + b). The telling slips are evaluating φ' at the output a instead of the input z,
putting z into the a-formula, using a itself as the derivative, or treating the unit as linear.
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
from gatebp.network.slips import Slip, derivative_at_output, evaluated, sign_slip, swap_factors
from gatebp.gate.question import QuestionType
from gatebp.network.steps import Edge, Solution, equals

TOPIC = "activation-path"
ACTIVATIONS = ("sigmoid", "tanh")
Values = dict[str, Fraction | int]


def _one_unit(rng: random.Random) -> tuple[Values, dict[str, str], Find]:
    """z = w*x + b, a = φ(z), y = v*a: three factors on the path from w to y."""
    act = rng.choice(ACTIVATIONS)
    values: Values = {"x": nonzero(rng, -2, 2), "w": tenths(rng, -1, 1),
                      "b": tenths(rng, -0.5, 0.5, nonzero_only=False), "v": nonzero(rng, -3, 3)}
    nodes = {"z": "w*x + b", "a": f"{act}(z)", "y": "v*a"}
    return values, nodes, Find("y", "w")


def _two_inputs(rng: random.Random) -> tuple[Values, dict[str, str], Find]:
    """z = w1*x1 + w2*x2 + b, a = φ(z), L = squared error: the loss, φ' and an input on the path."""
    act = rng.choice(ACTIVATIONS)
    values: Values = {"x1": nonzero(rng, -2, 2), "x2": nonzero(rng, -2, 2), "w1": tenths(rng, -1, 1),
                      "w2": tenths(rng, -1, 1), "b": tenths(rng, -0.5, 0.5, nonzero_only=False),
                      "t": rng.randint(0, 1) if act == "sigmoid" else rng.randint(-1, 1)}
    nodes = {"z": "w1*x1 + w2*x2 + b", "a": f"{act}(z)", "L": rng.choice(("(a - t)**2", "(a - t)**2/2"))}
    return values, nodes, Find("L", rng.choice(("w1", "w2")))


def activation_slips(graph: Graph, solution: Solution) -> list[Slip]:
    """φ'(a) for φ'(z), z in the a-formula, a as the derivative, the unit treated as linear, a sign slip."""
    slips = derivative_at_output(solution)
    for edge in (e for e in solution.edges if e.activation in ACTIVATIONS):
        z, a = solution.forward[edge.parent], solution.forward[edge.node]
        if edge.activation == "sigmoid":
            wrong = [(z * (1 - z), f"put {edge.parent} into the formula: {edge.parent}(1 − {edge.parent}) "
                                   f"instead of {edge.node}(1 − {edge.node})"),
                     (a, f"used σ({edge.parent}) = {edge.node} itself as the derivative, not {edge.node}(1 − {edge.node})")]
        else:
            wrong = [(1 - z**2, f"put {edge.parent} into the formula: 1 − {edge.parent}² instead of 1 − {edge.node}²"),
                     (1 - a, f"used 1 − {edge.node} instead of 1 − {edge.node}²")]
        wrong.append((sp.S.One, f"treated {edge.node} = {edge.activation}({edge.parent}) as linear "
                                f"(left out its derivative)"))
        slips.extend(Slip(swap_factors(solution, _only(edge, value)), why) for value, why in wrong)
    if "L" in solution.forward:
        half = graph.node("L").text.endswith("/ 2")
        slips.append(Slip(solution.exact * 2, "forgot the ½ of the loss (used 2(a − t))") if half
                     else Slip(solution.exact / 2, "dropped the 2 of the squared error (used a − t)"))
    return evaluated(slips + sign_slip(solution))


def _only(target: Edge, value: sp.Expr):  # type: ignore[no-untyped-def]
    return lambda e: value if e == target else None


def _problem(rng: random.Random, marks: int) -> tuple[Graph, Solution]:
    values, nodes, find = (_one_unit if marks == 1 else _two_inputs)(rng)
    graph, solution = solved(values, nodes, find)
    zs = [solution.forward[e.parent] for e in solution.edges if e.activation in ACTIVATIONS]
    require(all(z != 0 for z in zs) and all(abs(float(z)) <= 3 for z in zs))
    require(abs(solution.value) >= 0.005)
    return graph, solution


@family(TOPIC, "One path through sigmoid / tanh units", ("NAT", "MCQ", "MSQ"), (1, 2))
def draw(rng: random.Random, qtype: QuestionType, marks: int) -> Problem:
    graph, solution = _problem(rng, marks)
    assert graph.find is not None and graph.find.wrt is not None
    where = _where(graph)
    body = f"A network computes {computes(graph)} with {given(graph)}, where {where}. What is ∂{graph.find.of}/∂{graph.find.wrt}?"
    return Problem(topic=TOPIC, marks=marks, body=body, exact=solution.exact, steps=working(solution),
                   slips=activation_slips(graph, solution), graph=graph, find=graph.find,
                   places=answer_places(solution.exact),
                   statements=lambda r: _statements(r, graph, solution, where))


def _where(graph: Graph) -> str:
    used = [a for a in ACTIVATIONS if any(n.text.startswith(f"{a}(") for n in graph.nodes)]
    parts = {"sigmoid": "sigmoid(z) = 1/(1 + e^(−z))", "tanh": "tanh is the hyperbolic tangent"}
    return " and ".join(parts[a] for a in used)


def _statements(rng: random.Random, graph: Graph, solution: Solution, where: str) -> Statements:
    assert graph.find is not None and graph.find.wrt is not None
    of, wrt = graph.find.of, graph.find.wrt
    edge = next(e for e in solution.edges if e.activation in ACTIVATIONS)
    wrong_local = derivative_at_output(solution)
    pool = [
        Choice(f"∂{edge.node}/∂{edge.parent} {equals(edge.value)}", True, float(edge.value)),
        Choice(f"∂{of}/∂{wrt} {equals(solution.exact)}", True, solution.value, find=graph.find.to_dict()),
        Choice(f"∂{of}/∂{wrt} is positive", solution.value > 0,
               mistake=None if solution.value > 0 else "misjudged the sign of the product of the factors"),
    ]
    for slip in wrong_local[:1]:
        require(abs(slip.number - solution.value) > 0.01)
        pool.append(Choice(f"∂{of}/∂{wrt} {equals(slip.value)}", False, slip.number, slip.mistake,
                           graph.find.to_dict()))
    bound = sp.Rational(1, 4) if edge.activation == "sigmoid" else sp.S.One
    above = bool(edge.value > bound)
    pool.append(Choice(f"∂{edge.node}/∂{edge.parent} is larger than {shown(bound)}", above,
                       mistake=None if above else "forgot that σ' is at most 0.25 and tanh' at most 1"))
    pool = [c for c in pool if c.correct or c.mistake]
    chosen = pick_statements(rng, pool)
    body = f"A network computes {computes(graph)} with {given(graph)}, where {where}. Which statements are true?"
    return Statements(body=body, choices=chosen, steps=working(solution), graph=graph, find=graph.find)
