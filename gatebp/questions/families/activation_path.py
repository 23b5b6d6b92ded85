"""Family `activation-path`: one path through a sigmoid or tanh unit.

The skill is the local derivative written with the unit's output a: σ'(z) = a(1 − a) and
tanh'(z) = 1 − a². 1 mark: y = v·φ(w·x + b), so ∂y/∂w = v·φ'(z)·x. 2 marks: the same unit with two
inputs under a squared-error loss on y = v·a, so ∂L/∂w_k = ∂L/∂y·v·φ'(z)·x_k: the extra reasoning
step is the loss's own derivative (which needs y from the forward pass) on top of the 1-mark chain.
The telling slips are evaluating φ' at the output a instead of the input z, putting z into the
a-formula, using a itself as the derivative, or treating the unit as linear.

Draws keep 0.2 ≤ |z| ≤ 2 (a saturated unit gives answers of about 0.01; near 0, σ' is within
rounding of its bound 1/4), no factor ±1 on the asked path, and answers of at least 0.05.
"""

from __future__ import annotations

import random
from fractions import Fraction

import sympy as sp

from gatebp.core.functions import prime_at
from gatebp.gate.question import QuestionType
from gatebp.network.graph import Find, Graph
from gatebp.network.slips import Slip, derivative_at_output, evaluated, swap_factors
from gatebp.network.solve import solve
from gatebp.network.steps import Edge, Solution
from gatebp.questions.families.base import family
from gatebp.questions.families.common import (
    Choice,
    answer_places,
    assignments,
    claim_choice,
    definitions,
    distinct,
    nonzero,
    partial,
    pick_statements,
    quantity_choice,
    require,
    rounded_answer,
    rounded_note,
    solved,
    tenths,
    value_asked,
    where_activations,
    working,
)
from gatebp.questions.losses import is_half, mse_delta, mse_factor_slip, squared_error
from gatebp.questions.problem import Problem, Statements

TOPIC = "activation-path"
ACTIVATIONS = ("sigmoid", "tanh")
Values = dict[str, Fraction | int]


def _one_unit(rng: random.Random) -> tuple[Values, dict[str, str], Find]:
    """z = w·x + b, a = φ(z), y = v·a: three factors on the path from w to y, none of them ±1."""
    act = rng.choice(ACTIVATIONS)
    values: Values = {"x": rng.choice((-3, -2, 2, 3)), "w": tenths(rng, -0.6, 0.6),
                      "b": tenths(rng, -0.5, 0.5, nonzero_only=False), "v": rng.choice((-3, -2, 2, 3))}
    return values, {"z": "w*x + b", "a": f"{act}(z)", "y": "v*a"}, Find("y", "w")


def _two_inputs(rng: random.Random) -> tuple[Values, dict[str, str], Find]:
    """z = w1·x1 + w2·x2 + b, a = φ(z), y = v·a, L = squared error: four factors on the path."""
    act = rng.choice(ACTIVATIONS)
    k = rng.choice((1, 2))
    xs = {k: rng.choice((-3, -2, 2, 3)), 3 - k: nonzero(rng, -3, 3)}
    values: Values = {"x1": xs[1], "x2": xs[2], "w1": tenths(rng, -0.6, 0.6), "w2": tenths(rng, -0.6, 0.6),
                      "b": tenths(rng, -0.5, 0.5, nonzero_only=False), "v": rng.choice((-2, 2)),
                      "t": rng.randint(-1, 1)}
    nodes = {"z": "w1*x1 + w2*x2 + b", "a": f"{act}(z)", "y": "v*a",
             "L": squared_error("y", half=rng.random() < 0.5)}
    return values, nodes, Find("L", f"w{k}")


def activation_slips(graph: Graph, solution: Solution) -> list[Slip]:
    """φ'(a) for φ'(z), z in the a-formula, a as the derivative, the unit treated as linear, the
    loss's 2, a sign slip."""
    slips = derivative_at_output(solution)
    for edge in (e for e in solution.edges if e.activation in ACTIVATIONS):
        slips.extend(Slip(swap_factors(solution, _only(edge, value)), why)
                     for value, why in _local_slips(solution, edge))
    if "L" in solution.forward:
        slips.append(mse_factor_slip(solution.exact, half=is_half(graph), out="y"))
    return evaluated(slips + [Slip(-solution.exact, "misjudged the sign of the product of the factors")])


def _local_slips(solution: Solution, edge: Edge) -> list[tuple[sp.Expr, str]]:
    """Wrong values of φ'(z) a student writes, each with its slip."""
    z, a, p, n = solution.forward[edge.parent], solution.forward[edge.node], edge.parent, edge.node
    if edge.activation == "sigmoid":
        wrong = [(z * (1 - z), f"put {p} into the formula: {p}(1 − {p}) instead of {n}(1 − {n})"),
                 (a, f"used σ({p}) = {n} itself as the derivative, not {n}(1 − {n})")]
    else:
        wrong = [(1 - z**2, f"put {p} into the formula: 1 − {p}² instead of 1 − {n}²"),
                 (1 - a, f"used 1 − {n} instead of 1 − {n}²")]
    head = "σ" if edge.activation == "sigmoid" else "tanh"
    return wrong + [(sp.S.One, f"treated {n} = {head}({p}) as linear (left out its derivative)")]


def _prime_at_output(solution: Solution, edge: Edge) -> Slip:
    """The local factor φ'(a) written for ∂a/∂z = φ'(z) (a slip on that one factor, not the path)."""
    head = "σ" if edge.activation == "sigmoid" else "tanh"
    return Slip(prime_at(str(edge.activation), solution.forward[edge.node]),
                f"used {head}′({edge.node}) instead of {head}′({edge.parent}) (the derivative at the output, "
                "not the input)")


def _only(target: Edge, value: sp.Expr):
    return lambda e: value if e == target else None


def _problem(rng: random.Random, marks: int) -> tuple[Graph, Solution]:
    values, nodes, find = (_one_unit if marks == 1 else _two_inputs)(rng)
    graph, solution = solved(values, nodes, find)
    z = solution.forward["z"]
    require(0.2 <= abs(float(z)) <= 2, "z near 0 (φ' at its bound) or a saturated unit")
    require(abs(solution.value) >= 0.05, "an answer too small to compute by hand")
    return graph, solution


def _given(graph: Graph) -> str:
    """"A network computes z = wx + b, a = σ(z), y = va with x = 2, ..., where σ(z) = ...": markup."""
    target = "t is the target and " if "t" in graph.values else ""
    return (f"A network computes {definitions(graph)}, with {assignments(graph)}, "
            f"{where_activations(graph).replace('where ', 'where ' + target, 1)}.")


@family(TOPIC, "One path through sigmoid / tanh units", ("NAT", "MCQ", "MSQ"), (1, 2))
def draw(rng: random.Random, qtype: QuestionType, marks: int) -> Problem:
    graph, solution = _problem(rng, marks)
    assert graph.find is not None and graph.find.wrt is not None
    places = answer_places(solution.exact)
    body = f"{_given(graph)} {value_asked(partial(graph.find.of, graph.find.wrt), qtype, solution.exact, places)}"
    return Problem(topic=TOPIC, marks=marks, body=body, exact=solution.exact,
                   steps=[*working(solution), *rounded_answer(solution.exact, places)],
                   slips=activation_slips(graph, solution), graph=graph, find=graph.find, places=places,
                   statements=lambda r: _statements(r, graph, solution))


def _sign_choice(rng: random.Random, of: str, wrt: str, value: sp.Expr) -> Choice:
    said = rng.choice(("positive", "negative"))
    return claim_choice(f"{partial(of, wrt)} is {said}", {"kind": "sign", "find": {"of": of, "wrt": wrt}, "sign": said},
                        (value > 0) == (said == "positive"), "misjudged the sign of the product of the factors")


def _statements(rng: random.Random, graph: Graph, solution: Solution) -> Statements:
    assert graph.find is not None and graph.find.wrt is not None
    of, wrt = graph.find.of, graph.find.wrt
    edge = next(e for e in solution.edges if e.activation in ACTIVATIONS)
    local = [Slip(v, why) for v, why in _local_slips(solution, edge)[:2]] + [_prime_at_output(solution, edge)]
    second = _second(graph, solution)
    distinct([edge.value, solution.exact, second[2]])
    pool = [quantity_choice(f"∂{edge.node}/∂{edge.parent}", {"of": edge.node, "wrt": edge.parent}, edge.value,
                            rng.choice(local), rng, math=True),
            quantity_choice(f"∂{of}/∂{wrt}", graph.find.to_dict(), solution.exact,
                            rng.choice(activation_slips(graph, solution)[:3]), rng, math=True),
            _sign_choice(rng, of, wrt, solution.exact),
            quantity_choice(second[0], second[1], second[2], second[3], rng, math=True)]
    choices = pick_statements(rng, pool)
    body = f"{_given(graph)} Which of the following statements is/are correct?"
    return Statements(body=rounded_note(body, choices), choices=choices, steps=working(solution), graph=graph,
                      find=graph.find)


def _second(graph: Graph, solution: Solution) -> tuple[str, dict[str, object], sp.Expr, Slip]:
    """A second quantity: ∂y/∂b (1 mark; x mixed in is the slip) or ∂L/∂a = ∂L/∂y·v (2 marks;
    v left out)."""
    fwd = solution.forward
    if "L" not in fwd:
        value = solve(graph, Find("y", "b")).exact
        return "∂y/∂b", {"of": "y", "wrt": "b"}, value, Slip(value * fwd["x"], "multiplied by x as if b were w")
    delta = mse_delta(fwd["y"], fwd["t"], half=is_half(graph))
    return "∂L/∂a", {"of": "L", "wrt": "a"}, delta * fwd["v"], Slip(delta, "left out the factor v = ∂y/∂a")
