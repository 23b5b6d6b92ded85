"""Family `merges`: a variable used twice in a scalar graph, so its gradient is a sum over paths.

The reverse walk adds the contributions that meet at a reused variable (u = x*y, v = u + y,
L = v**2 reaches y twice). The named slip is dropping one of those paths; keeping only one of
three, forgetting the 2 of a square and a sign slip follow.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from gatebp.questions.families.base import family
from gatebp.questions.families.common import (Choice, computes, given, nonzero, pick_statements, require,
                                              shown, solved, working)
from gatebp.questions.problem import Problem, Statements
from gatebp.core.expr import referenced_names
from gatebp.network.graph import Find, Graph
from gatebp.network.slips import Slip, backprop_slips
from gatebp.gate.question import QuestionType
from gatebp.network.steps import Solution, equals

TOPIC = "merges"


@dataclass(frozen=True)
class Template:
    """A small graph in which `wrt` reaches L along more than one path; `other` is the second leaf."""

    nodes: tuple[tuple[str, str], ...]
    wrt: str
    other: str
    square: str | None = None  # the node whose square is the loss, for the "forgot the 2" slip


ONE_MARK = (
    Template((("u", "x*y"), ("L", "u*y")), "y", "x"),
    Template((("u", "w1*x"), ("v", "w2*x"), ("L", "u*v")), "x", "w1"),
    Template((("u", "x + y"), ("L", "u*x")), "x", "y"),
)
TWO_MARK = (
    Template((("u", "x*y"), ("v", "u + y"), ("L", "v**2")), "y", "x", "v"),
    Template((("a", "x + y"), ("b", "x*a"), ("L", "b**2")), "x", "y", "b"),
    Template((("u", "x*y"), ("v", "u*x"), ("s", "v + y"), ("L", "s**2")), "y", "x", "s"),
    Template((("a", "x*y"), ("b", "a + x"), ("L", "b*x")), "x", "y"),
)


def _draw(rng: random.Random, marks: int) -> tuple[Template, Graph, Solution]:
    template = rng.choice(ONE_MARK if marks == 1 else TWO_MARK)
    defined = {name for name, _ in template.nodes}
    leaves = sorted({n for _, text in template.nodes for n in referenced_names(text)} - defined)
    values = {name: nonzero(rng, -3, 3) for name in leaves}
    graph, solution = solved(values, dict(template.nodes), Find("L", template.wrt))
    require(solution.exact != 0 and abs(solution.value) <= 300)
    require(all(p.product != 0 for p in solution.paths))
    return template, graph, solution


def merge_slips(template: Template, solution: Solution) -> list[Slip]:
    """Dropped paths first (the family's point), then the lost 2 of a square."""
    slips = backprop_slips(solution)
    if template.square is not None:
        slips.append(Slip(solution.exact / 2, f"forgot the 2 in ∂L/∂{template.square} = 2{template.square}"))
    return slips


@family(TOPIC, "Sums at merges: a variable used twice", ("NAT", "MCQ", "MSQ"), (1, 2))
def draw(rng: random.Random, qtype: QuestionType, marks: int) -> Problem:
    template, graph, solution = _draw(rng, marks)
    body = f"A scalar L is computed as {computes(graph)}, at {given(graph)}. What is ∂L/∂{template.wrt}?"
    return Problem(topic=TOPIC, marks=marks, body=body, exact=solution.exact, steps=working(solution),
                   slips=merge_slips(template, solution), graph=graph, find=graph.find,
                   statements=lambda r: _statements(r, template, graph, solution))


def _statements(rng: random.Random, template: Template, graph: Graph, solution: Solution) -> Statements:
    from gatebp.network.solve import solve

    wrt, other = template.wrt, template.other
    second = solve(graph, Find("L", other))
    count = len(solution.paths)
    dropped = backprop_slips(solution)[0]
    path = rng.choice(solution.paths)
    pool = [
        Choice(f"∂L/∂{wrt} {equals(solution.exact)}", True, solution.value, find={"of": "L", "wrt": wrt}),
        Choice(f"∂L/∂{wrt} {equals(dropped.value)}", False, dropped.number, dropped.mistake, {"of": "L", "wrt": wrt}),
        Choice(f"∂L/∂{other} {equals(second.exact)}", True, second.value, find={"of": "L", "wrt": other}),
        Choice(f"{count} paths lead from {wrt} to L", True),
        Choice(f"{count + 1} paths lead from {wrt} to L", False, mistake="miscounted the paths from the reused variable"),
        Choice(f"the path {' ← '.join(path.names)} contributes {shown(path.product)}", True,
               float(path.product)),
    ]
    chosen = pick_statements(rng, pool)
    body = (f"A scalar L is computed as {computes(graph)}, at {given(graph)}. "
            f"Which statements about its gradients are true?")
    steps = working(solution) + [f"∂L/∂{other} {equals(second.exact)} (the same walk, ending at {other})"]
    return Statements(body=body, choices=chosen, steps=steps, graph=graph, find=graph.find)
