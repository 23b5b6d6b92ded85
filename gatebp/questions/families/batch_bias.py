"""Family 8: the bias gradient over a mini-batch, where one shared b collects a sum over examples.

The bias is reused by every example's unit, so its gradient is a merge: the per-example
sensitivities add. The telling slips are averaging instead of summing and stopping after the
first example, both computed from the solver's paths.
"""

from __future__ import annotations

import random
from fractions import Fraction

import sympy as sp

from gatebp.questions.families.base import Resample, family
from gatebp.questions.families.common import (computes, fact, given, nonzero, path_sum, places_covering, shown,
                                              solved, some_true, statement, working)
from gatebp.questions.problem import Problem, Statements
from gatebp.network.graph import Find, Graph
from gatebp.network.slips import Slip, backprop_slips, wrong_update_direction
from gatebp.gate.question import QuestionType
from gatebp.network.solve import solve
from gatebp.network.steps import Solution

TOPIC = "batch-bias"
KINDS_2 = ("relu", "square", "update")


def _batch(rng: random.Random, size: int, kind: str) -> tuple[dict[str, int], dict[str, str]]:
    """Each example k: z_k = w*x_k + b (through a ReLU for kind relu) and its squared error."""
    values = {"w": nonzero(rng, -2, 2), "b": nonzero(rng, -2, 2)}
    nodes: dict[str, str] = {}
    for k in range(1, size + 1):
        values[f"x{k}"], values[f"t{k}"] = nonzero(rng, -3, 3), rng.randint(-3, 3)
        if values["w"] * values[f"x{k}"] + values["b"] == 0:
            raise Resample("a pre-activation of 0")
        nodes[f"z{k}"] = f"w*x{k} + b"
        out = f"z{k}"
        if kind == "relu":
            nodes[f"h{k}"], out = f"relu(z{k})", f"h{k}"
        nodes[f"L{k}"] = f"({out} - t{k})**2" if kind == "square" else f"({out} - t{k})**2/2"
    nodes["L"] = " + ".join(f"L{k}" for k in range(1, size + 1))
    return values, nodes


def _draw(rng: random.Random, marks: int, qtype: QuestionType) -> tuple[str, int]:
    if marks == 1:
        return "half", 2
    kinds = KINDS_2 if qtype != "MSQ" else KINDS_2[:2]
    kind = rng.choice(kinds)
    return kind, 3 if kind == "relu" else rng.choice((3, 4))


def _slips(solution: Solution, size: int, kind: str) -> list[Slip]:
    """Named batch slips first (mean, first example only), then the generic backprop ones."""
    gradient = solution.gradient if solution.gradient is not None else sp.S.Zero
    slips = [Slip(gradient / size, f"took the mean over the {size} examples instead of the batch sum "
                                   f"(L adds the per-example losses)"),
             Slip(path_sum(solution, "L1"), "used only the first example's gradient (forgot to sum over the batch)")]
    if kind == "square":
        slips.append(Slip(gradient / 2, "dropped the 2 from the derivative of (z − t)²"))
    return slips + backprop_slips(solution)


def _update_slips(solution: Solution, b: sp.Expr, lr: sp.Expr, size: int) -> list[Slip]:
    gradient = solution.gradient if solution.gradient is not None else sp.S.Zero
    return [Slip(b - lr * gradient / size, f"stepped with the mean over the {size} examples instead of the batch sum"),
            Slip(b - lr * path_sum(solution, "L1"), "stepped with only the first example's gradient"),
            *wrong_update_direction(solution, b, lr)]


def _body(graph: Graph, size: int, ask: str) -> str:
    return (f"A mini-batch of {size} examples shares one weight w and one bias b. The network computes "
            f"{computes(graph)}, so L is the sum of the per-example losses, with {given(graph)}"
            f"{', where relu(z) = max(0, z)' if 'h1' in graph.names() else ''}. {ask}")


@family(TOPIC, "Bias gradient over a mini-batch (sum over examples)", ("NAT", "MCQ", "MSQ"), (1, 2))
def draw(rng: random.Random, qtype: QuestionType, marks: int) -> Problem:
    kind, size = _draw(rng, marks, qtype)
    values, nodes = _batch(rng, size, kind)
    lr = Fraction(1, 10) if kind == "update" else None
    graph, solution = solved(values, nodes, Find("L", "b", lr))
    if solution.gradient == 0:
        raise Resample("a zero bias gradient")
    statements = lambda r: _statements(r, graph, solution, size)  # noqa: E731
    if qtype == "MSQ":
        return Problem(topic=TOPIC, marks=marks, statements=statements)
    if lr is None:
        slips, ask = _slips(solution, size, kind), "What is ∂L/∂b?"
    else:
        slips = _update_slips(solution, sp.Integer(values["b"]), sp.Rational(1, 10), size)
        ask = "After one gradient-descent step on L with learning rate 0.1, what is the new value of b?"
    places = None if qtype == "NAT" else places_covering(solution.exact, slips)
    return Problem(topic=TOPIC, marks=marks, body=_body(graph, size, ask), exact=solution.exact,
                   steps=working(solution), slips=slips, graph=graph, find=graph.find, places=places)


def _statements(rng: random.Random, graph: Graph, solution: Solution, size: int) -> Statements:
    by_w = solve(graph, Find("L", "w"))
    gradient = solution.exact
    first = path_sum(solution, "L1")
    choices = [
        statement("∂L/∂b = {}", gradient,
                  Slip(gradient / size, "took the mean instead of the batch sum"), rng),
        statement("the first example alone contributes {} to ∂L/∂b", first,
                  Slip(gradient, "gave the whole batch's gradient as the first example's share"), rng),
        statement("∂L/∂w = {}", by_w.exact,
                  Slip(gradient, "forgot the factor x_k on each example (that is ∂L/∂b)"), rng),
        fact("∂L/∂b is the sum over the examples of ∂L_k/∂z_k",
             "∂L/∂b is the mean over the examples of ∂L_k/∂z_k", "took the mean instead of the batch sum", rng),
    ]
    steps = working(solution) + [f"the first example's share (the path through L1): {shown(first)}"] + \
        [f"for w: {s.text}" for s in by_w.steps if s.kind in ("path", "sum", "answer")]
    return Statements(body=_body(graph, size, "Which statements are true?"), choices=some_true(choices),
                      steps=steps, graph=graph, find=graph.find)
