"""Family `descent-step`: one gradient-descent step, w ← w − lr·∂L/∂w, on a tiny model.

1 mark: a linear model ŷ = w·x + b with a squared error, so ∂L/∂w = ∂L/∂ŷ·x. 2 marks add a step
before the update: a ReLU unit (ŷ = w2·ReLU(w1·x), two more chain factors through the gate) or a
sigmoid with cross-entropy (a forward pass through σ and the shortcut ∂L/∂z = p − t).
Slips: the update's own (w + lr·g, no learning rate, the step instead of the new weight) and a
wrong gradient carried through a correct update (the lost 2 of MSE, an extra σ').
"""

from __future__ import annotations

import random
from dataclasses import replace
from fractions import Fraction

import sympy as sp

from gatebp.gate.question import QuestionType
from gatebp.network.graph import Find, Graph
from gatebp.network.slips import Slip, backprop_slips, update_slips
from gatebp.network.steps import Solution
from gatebp.questions.families.base import family
from gatebp.questions.families.common import (
    Choice,
    assignments,
    claim_choice,
    definitions,
    distinct,
    listing,
    minus,
    nonzero,
    pick_statements,
    places_covering,
    quantity_choice,
    require,
    rounded_answer,
    rounded_note,
    solved,
    stated,
    tenths,
    update_rule_slips,
    value_asked,
    where_activations,
    working,
)
from gatebp.questions.losses import (
    BCE,
    BCE_SHORTCUT,
    bce_delta,
    bce_slips,
    is_half,
    mse_delta,
    mse_factor_slip,
    squared_error,
)
from gatebp.questions.problem import Problem, Statements

TOPIC = "descent-step"
RATES = (Fraction(1, 10), Fraction(1, 20), Fraction(1, 100), Fraction(1, 2))
Values = dict[str, Fraction | int]


def _linear(rng: random.Random) -> tuple[Values, dict[str, str], str]:
    """No ±1 input: then ∂L/∂w and ∂L/∂ŷ would be one fact."""
    values: Values = {"x": rng.choice((-3, -2, 2, 3)), "w": nonzero(rng, -2, 2), "b": rng.randint(-2, 2),
                      "t": rng.randint(-3, 3)}
    return values, {"yhat": "w*x + b", "L": squared_error("yhat", half=rng.random() < 0.5)}, "w"


def _relu(rng: random.Random) -> tuple[Values, dict[str, str], str]:
    x, w1 = rng.choice((-2, 2)), nonzero(rng, -2, 2)
    values: Values = {"x": x, "w1": w1 if w1 * x > 0 else -w1, "w2": rng.choice((-2, 2)), "t": rng.randint(-2, 3)}
    nodes = {"z": "w1*x", "h": "relu(z)", "yhat": "w2*h", "L": squared_error("yhat", half=rng.random() < 0.5)}
    return values, nodes, "w1"


def _sigmoid(rng: random.Random) -> tuple[Values, dict[str, str], str]:
    values: Values = {"x": rng.choice((-2, 2)), "w": tenths(rng, -0.9, 0.9),
                      "b": tenths(rng, -0.5, 0.5, nonzero_only=False), "t": rng.randint(0, 1)}
    return values, {"z": "w*x + b", "p": "sigmoid(z)", "L": BCE}, "w"


def _draw(rng: random.Random, marks: int) -> tuple[Graph, Solution]:
    maker = _linear if marks == 1 else rng.choice((_relu, _sigmoid))
    values, nodes, wrt = maker(rng)
    given = [v for name, v in values.items() if name != "t"]  # x = w₁ = w₂ would not punish a mix-up
    require(len(set(given)) == len(given), "two given numbers alike")
    lr = rng.choice(RATES[:3] if maker is not _linear else RATES)
    graph, solution = solved(values, nodes, Find("L", wrt, lr))
    assert solution.gradient is not None
    require(solution.gradient != 0 and abs(float(solution.gradient)) <= 40 and solution.exact != 0)
    require(abs(float(solution.gradient * sp.Rational(lr.numerator, lr.denominator))) >= 0.005)
    return graph, solution


def _output_delta(graph: Graph, solution: Solution) -> tuple[str, str, sp.Expr, Slip]:
    """The loss's own derivative: ∂L/∂ŷ (squared error) or ∂L/∂z = p − t (cross-entropy), with its slip."""
    fwd = solution.forward
    if "p" in fwd:
        delta = bce_delta(fwd["p"], fwd["t"])
        return "∂L/∂z = p - t", "z", delta, Slip(-delta, "used t − p instead of p − t (a sign slip)")
    half = is_half(graph)
    delta = mse_delta(fwd["yhat"], fwd["t"], half=half)
    return "∂L/∂yhat", "yhat", delta, mse_factor_slip(delta, half=half)


def gradient_slips(graph: Graph, solution: Solution) -> list[Slip]:
    """The gradient a student might get wrong before stepping."""
    assert solution.gradient is not None
    fwd = solution.forward
    if "p" in fwd:
        return bce_slips(fwd["p"], fwd["t"], fwd["x"])[:1]
    slips = [mse_factor_slip(solution.gradient, half=is_half(graph))]
    return slips + [s for s in backprop_slips(solution) if "sign" not in s.mistake]


def step_slips(graph: Graph, solution: Solution) -> list[Slip]:
    assert graph.find is not None and graph.find.wrt is not None and graph.find.lr is not None
    weight = solution.forward[graph.find.wrt]
    lr = sp.Rational(graph.find.lr.numerator, graph.find.lr.denominator)
    direction = update_rule_slips(solution, graph.find.wrt, weight, lr)  # w + η·g, no η, the step itself
    carried = update_slips(gradient_slips(graph, solution), weight, lr)  # the lost 2, an extra σ'
    return [direction[0], *carried[:1], direction[2], direction[1], *carried[1:]]


def _places(exact: sp.Expr, slips: list[Slip]) -> int:
    """Exact decimals (up to 3) covering the key and its first slips, so a rational distractor is
    shown as the slip gives it; 3 places for exp/log answers."""
    return places_covering(exact, slips[:4], 3) if exact.is_Rational else 3


def _intro(graph: Graph) -> str:
    """The model, its loss and values in the paper's notation, and the update rule with η."""
    assert graph.find is not None and graph.find.lr is not None
    names, w = graph.names(), graph.find.wrt
    notes = (["$L$ is the binary cross-entropy (natural log) of the prediction $p$ for the target $t$"] if "p" in names
             else ["$yhat$ is the prediction and $t$ the target"])
    notes += [where_activations(graph).removeprefix("where ")] if where_activations(graph) else []
    return (f"A model computes {definitions(graph)}, with {assignments(graph)}, where {listing(notes)}. "
            f"One step of gradient descent on $L$ with learning rate $eta = {float(graph.find.lr):g}$ updates "
            f"${w}$ by ${w} <- {w} - eta*∂L/∂{w}$.")


def _steps(graph: Graph, solution: Solution) -> list:
    _, _, delta, _ = _output_delta(graph, solution)
    if "p" in solution.forward:
        return working(solution) + [BCE_SHORTCUT.replace("'", "′"), minus(f"∂L/∂z = p − t {stated(delta, 4)}")]
    return working(solution)  # its local line already gives ∂L/∂ŷ = ŷ − t


@family(TOPIC, "One gradient-descent step", ("NAT", "MCQ", "MSQ"), (1, 2))
def draw(rng: random.Random, qtype: QuestionType, marks: int) -> Problem:
    graph, solution = _draw(rng, marks)
    assert graph.find is not None
    slips = step_slips(graph, solution)
    places = _places(solution.exact, slips)
    body = f"{_intro(graph)} {value_asked(f'${graph.find.wrt}$ after the step', qtype, solution.exact, places, slips)}"
    return Problem(topic=TOPIC, marks=marks, body=body, exact=solution.exact,
                   steps=_steps(graph, solution) + rounded_answer(solution.exact, places),
                   slips=slips, graph=graph, find=graph.find, places=places,
                   statements=lambda r: _statements(r, graph, solution))


def _direction_choice(rng: random.Random, graph: Graph, solution: Solution) -> Choice:
    """"The step increases (decreases) w": the new w compared with the old, decided by solving."""
    assert graph.find is not None and graph.find.wrt is not None
    w, up = graph.find.wrt, rng.random() < 0.5
    old = graph.values[w]
    claim = {"kind": "compare", "find": graph.find.to_dict(), "relation": ">" if up else "<", "than": str(old)}
    return claim_choice(f"the step {'increases' if up else 'decreases'} ${w}$", claim,
                        (solution.exact > sp.Rational(old.numerator, old.denominator)) == up,
                        "moved the weight along the gradient instead of against it")


def _statements(rng: random.Random, graph: Graph, solution: Solution) -> Statements:
    assert graph.find is not None and graph.find.wrt is not None and solution.gradient is not None
    w, g = graph.find.wrt, solution.gradient
    label, node, delta, delta_slip = _output_delta(graph, solution)
    distinct([solution.exact, g, delta])
    after = quantity_choice(w, graph.find.to_dict(), solution.exact, rng.choice(step_slips(graph, solution)[:3]),
                            rng, places=4, math=True)
    pool = [replace(after, text=f"after the step, {after.text}"),
            quantity_choice(f"∂L/∂{w}", {"of": "L", "wrt": w}, g, gradient_slips(graph, solution)[0], rng, math=True),
            quantity_choice(label, {"of": "L", "wrt": node}, delta, delta_slip, rng, math=True),
            _direction_choice(rng, graph, solution)]
    choices = pick_statements(rng, pool)
    ask = value_asked("", "MSQ", solution.exact, 0)
    return Statements(body=rounded_note(f"{_intro(graph)} {ask}", choices), choices=choices,
                      steps=_steps(graph, solution), graph=graph, find=graph.find)
