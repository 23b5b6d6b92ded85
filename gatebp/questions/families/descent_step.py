"""Family `descent-step`: one gradient-descent step, w ← w − lr·∂L/∂w, on a tiny model.

The solver finds the gradient and the new weight (Find(of, wrt, lr)). Slips: the update's own
(w + lr·g, no learning rate, the step instead of the new weight) and a wrong gradient carried
through a correct update (the lost 2 of MSE, a sign slip, an extra σ').
"""

from __future__ import annotations

import random
from fractions import Fraction

import sympy as sp

from gatebp.questions.families.base import family
from gatebp.questions.families.common import (Choice, computes, given, nonzero, pick_statements, places_for,
                                              require, solved, tenths, working)
from gatebp.questions.problem import Problem, Statements
from gatebp.questions.families.sigmoid_bce import BCE, bce_slips
from gatebp.network.graph import Find, Graph
from gatebp.network.slips import Slip, backprop_slips, update_slips, wrong_update_direction
from gatebp.gate.question import QuestionType
from gatebp.network.steps import Solution, equals

TOPIC = "descent-step"
RATES = (Fraction(1, 10), Fraction(1, 20), Fraction(1, 100), Fraction(1, 2))
Values = dict[str, Fraction | int]


def _linear(rng: random.Random) -> tuple[Values, dict[str, str], str]:
    values: Values = {"x": nonzero(rng, -3, 3), "w": nonzero(rng, -2, 2), "b": rng.randint(-2, 2),
                      "t": rng.randint(-3, 3)}
    loss = rng.choice(("(yhat - t)**2", "(yhat - t)**2/2"))
    return values, {"yhat": "w*x + b", "L": loss}, "w"


def _relu(rng: random.Random) -> tuple[Values, dict[str, str], str]:
    x, w1 = nonzero(rng, -2, 2), nonzero(rng, -2, 2)
    values: Values = {"x": x, "w1": w1 if w1 * x > 0 else -w1, "w2": nonzero(rng, -2, 2), "t": rng.randint(-2, 3)}
    loss = rng.choice(("(yhat - t)**2", "(yhat - t)**2/2"))
    return values, {"z": "w1*x", "h": "relu(z)", "yhat": "w2*h", "L": loss}, "w1"


def _sigmoid(rng: random.Random) -> tuple[Values, dict[str, str], str]:
    values: Values = {"x": nonzero(rng, -2, 2), "w": tenths(rng, -1, 1),
                      "b": tenths(rng, -0.5, 0.5, nonzero_only=False), "t": rng.randint(0, 1)}
    return values, {"z": "w*x + b", "p": "sigmoid(z)", "L": BCE}, "w"


def _draw(rng: random.Random, marks: int) -> tuple[Graph, Solution]:
    maker = _linear if marks == 1 else rng.choice((_relu, _sigmoid))
    values, nodes, wrt = maker(rng)
    lr = rng.choice(RATES[:3] if maker is not _linear else RATES)
    graph, solution = solved(values, nodes, Find("L", wrt, lr))
    assert solution.gradient is not None
    require(solution.gradient != 0 and abs(float(solution.gradient)) <= 40)
    require(abs(float(solution.gradient * sp.Rational(lr.numerator, lr.denominator))) >= 0.005)
    return graph, solution


def gradient_slips(graph: Graph, solution: Solution) -> list[Slip]:
    """The gradient a student might get wrong before stepping."""
    if "p" in solution.forward:
        return bce_slips(solution)[:1]
    loss = graph.node("L").text
    assert solution.gradient is not None
    slips = [Slip(solution.gradient * 2, "forgot the ½ of the loss") if loss.endswith("/ 2")
             else Slip(solution.gradient / 2, "dropped the 2 of the squared error")]
    return slips + [s for s in backprop_slips(solution) if "sign" not in s.mistake]


def step_slips(graph: Graph, solution: Solution) -> list[Slip]:
    assert graph.find is not None and graph.find.wrt is not None and graph.find.lr is not None
    weight = solution.forward[graph.find.wrt]
    lr = sp.Rational(graph.find.lr.numerator, graph.find.lr.denominator)
    return wrong_update_direction(solution, weight, lr) + update_slips(gradient_slips(graph, solution), weight, lr)


def _places(exact: sp.Expr) -> int:
    return places_for(exact, 3) if exact.is_Rational else 3


def _intro(graph: Graph) -> str:
    assert graph.find is not None and graph.find.lr is not None
    extra = " (binary cross-entropy, natural log)" if "p" in graph.names() else ""
    return (f"A model computes {computes(graph)}{extra} with {given(graph)}. One step of gradient descent on L "
            f"with learning rate {float(graph.find.lr):g} updates {graph.find.wrt}.")


@family(TOPIC, "One gradient-descent step", ("NAT", "MCQ", "MSQ"), (1, 2))
def draw(rng: random.Random, qtype: QuestionType, marks: int) -> Problem:
    graph, solution = _draw(rng, marks)
    assert graph.find is not None
    return Problem(topic=TOPIC, marks=marks, body=f"{_intro(graph)} What is the new value of {graph.find.wrt}?",
                   exact=solution.exact, steps=working(solution), slips=step_slips(graph, solution),
                   graph=graph, find=graph.find, places=_places(solution.exact),
                   statements=lambda r: _statements(r, graph, solution))


def _statements(rng: random.Random, graph: Graph, solution: Solution) -> Statements:
    assert graph.find is not None and graph.find.wrt is not None and solution.gradient is not None
    w, g = graph.find.wrt, solution.gradient
    plus = step_slips(graph, solution)[0]
    wrong_g = gradient_slips(graph, solution)[0]
    grows = bool(g < 0)
    grad_find = {"of": "L", "wrt": w}
    pool = [
        Choice(f"the new {w} {equals(solution.exact)}", True, solution.value, find=graph.find.to_dict()),
        Choice(f"the new {w} {equals(plus.value)}", False, plus.number, plus.mistake, graph.find.to_dict()),
        Choice(f"∂L/∂{w} {equals(g)}", True, float(g), find=grad_find),
        Choice(f"∂L/∂{w} {equals(wrong_g.value)}", False, wrong_g.number, wrong_g.mistake, grad_find),
        Choice(f"the step increases {w}", grows, mistake=None if grows else "moved the weight along the gradient"),
    ]
    require(abs(plus.number - solution.value) > 0.01 and abs(wrong_g.number - float(g)) > 0.01)
    return Statements(body=f"{_intro(graph)} Which statements are true?", choices=pick_statements(rng, pool),
                      steps=working(solution), graph=graph, find=graph.find)
