"""Family `merges`: a variable used twice in a scalar graph, so its gradient is a sum over paths.

The reverse walk adds the contributions that meet at a reused variable (u = x·y, v = u + y,
L = v² reaches y twice). 1 mark: two nodes and two paths. 2 marks: the loss is a square (one
more chain factor, 2v) over a longer graph with two or three paths; that square is the extra
reasoning step. The named slips: dropping one path, keeping only one of three, multiplying the
contributions instead of adding them, forgetting the 2 of the square, a sign slip.

The working writes an edge's local partial as ∂L/∂x|direct when x also reaches L another way,
so a local partial and the total derivative never share one symbol.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

import sympy as sp

from gatebp.core.expr import referenced_names
from gatebp.gate.question import QuestionType
from gatebp.network.graph import Find, Graph
from gatebp.network.slips import Slip, backprop_slips
from gatebp.network.solve import solve
from gatebp.network.steps import Path, Solution
from gatebp.questions.families._stems import equations, fig, m, spanned, value_of, values
from gatebp.questions.families.base import family
from gatebp.questions.families.common import (
    Choice,
    apart,
    asked,
    claim_choice,
    distinct,
    quantity_choice,
    require,
    rounded_note,
    solved,
    working,
)
from gatebp.questions.problem import Problem, Statements

TOPIC = "merges"
LEAVES = (-4, -3, -2, 2, 3, 4)  # no ±1: a factor of 1 would make a path's share equal a leaf


@dataclass(frozen=True)
class Template:
    """A small graph in which `wrt` reaches L along more than one path; `other` is the second leaf."""

    nodes: tuple[tuple[str, str], ...]
    wrt: str
    other: str
    square: str | None = None  # the node whose square is the loss, for the "forgot the 2" slip


ONE_MARK = (  # two paths whose products differ (u = x·y, L = u·y would give x·y twice: no slip to tell)
    Template((("u", "x - y"), ("L", "u*y")), "y", "x"),
    Template((("u", "y - x"), ("L", "u*x")), "x", "y"),
    Template((("u", "x + y"), ("L", "u*x")), "x", "y"),
)
TWO_MARK = (
    Template((("u", "x*y"), ("v", "u + y"), ("L", "v**2")), "y", "x", "v"),
    Template((("a", "x + y"), ("b", "x*a"), ("L", "b**2")), "x", "y", "b"),
    Template((("u", "x*y"), ("v", "u*x"), ("s", "v + y"), ("L", "s**2")), "y", "x", "s"),
    Template((("a", "x*y"), ("b", "a + x"), ("L", "b*x")), "x", "y"),
)


def _draw(rng: random.Random, marks: int) -> tuple[Template, Graph, Solution]:
    """Leaves drawn until every path carries a different nonzero product (no coincidence
    lets a dropped path land on the key) and no two leaves are equal."""
    template = rng.choice(ONE_MARK if marks == 1 else TWO_MARK)
    defined = {name for name, _ in template.nodes}
    leaves = sorted({n for _, text in template.nodes for n in referenced_names(text)} - defined)
    values = {name: rng.choice(LEAVES) for name in leaves}
    require(len(set(values.values())) == len(values), "two equal leaves")
    graph, solution = solved(values, dict(template.nodes), Find("L", template.wrt))
    require(solution.exact != 0 and abs(solution.value) <= 300)
    products = [p.product for p in solution.paths]
    require(all(p != 0 for p in products))
    distinct(products + [solution.exact])
    return template, graph, solution


def merge_slips(template: Template, solution: Solution) -> list[Slip]:
    """Dropped paths first (the family's point), then the paths multiplied, the lost 2 of a square."""
    slips = [s for s in backprop_slips(solution) if "sign" not in s.mistake]
    slips.append(Slip(sp.Mul(*(p.product for p in solution.paths)),
                      "multiplied the path contributions instead of adding them at the merge"))
    if template.square is not None:
        square = template.square
        slips.append(Slip(solution.exact / 2, f"forgot the 2 in {m(f'∂L/∂{square} = 2*{square}')}"))
    return slips + [Slip(-solution.exact, "made a sign slip with a negative value")]


@family(TOPIC, "Sums at merges: a variable used twice", ("NAT", "MCQ", "MSQ"), (1, 2))
def draw(rng: random.Random, qtype: QuestionType, marks: int) -> Problem:
    template, graph, solution = _draw(rng, marks)
    body = asked(_body(graph, value_of(f"∂L/∂{template.wrt}", qtype)), qtype, solution.exact, 0)
    return Problem(topic=TOPIC, marks=marks, body=body, exact=solution.exact, steps=working(solution),
                   slips=merge_slips(template, solution), graph=graph, find=graph.find, places=0,
                   statements=lambda r: _statements(r, template, graph, solution))


def _body(graph: Graph, ask: str) -> str:
    return f"A scalar L is computed as {equations(graph)}, at {values(graph)}. {ask}"


def _route(path: Path) -> str:
    return m(" <- ".join(path.names))


def _count_choice(rng: random.Random, wrt: str, count: int) -> Choice:
    """"N paths lead from x to L": the true count, or one fewer (a use of x missed)."""
    said = count if rng.random() < 0.5 else count - 1
    noun = "path leads" if said == 1 else "paths lead"
    return claim_choice(f"exactly {said} {noun} from {m(wrt)} to {m('L')}",
                        {"kind": "paths", "of": "L", "wrt": wrt, "count": said},
                        said == count, f"missed one of the {count} uses of {wrt} on the way to L")


def _path_choice(rng: random.Random, wrt: str, solution: Solution) -> Choice:
    """One path's contribution, or (false) the whole gradient given as that path's share."""
    path = rng.choice(solution.paths)
    wrong = rng.random() < 0.5 and apart(float(solution.exact), float(path.product))
    value = solution.exact if wrong else path.product
    claim = {"kind": "path", "of": "L", "wrt": wrt, "route": list(path.names), "value": float(value), "places": 4}
    return Choice(f"the path {_route(path)} contributes {fig(value)}", not wrong,
                  float(value), "gave the whole gradient (the sum over paths) as one path's share" if wrong else None,
                  claim=claim)


def _statements(rng: random.Random, template: Template, graph: Graph, solution: Solution) -> Statements:
    wrt, other = template.wrt, template.other
    second = solve(graph, Find("L", other))
    distinct([solution.exact, second.exact])
    loss = solution.forward["L"]  # a gradient equal to L itself: a student who only computed L would tick it
    require(all(g == 0 or g != loss for g in (solution.exact, second.exact)), "a gradient equals L")
    own = [s for s in merge_slips(template, solution) if "sign" not in s.mistake]
    theirs = [s for s in merge_slips(template, second) if "sign" not in s.mistake and s.value != second.exact]
    choices = [spanned(quantity_choice(f"∂L/∂{wrt}", {"of": "L", "wrt": wrt}, solution.exact, rng.choice(own), rng)),
               spanned(quantity_choice(f"∂L/∂{other}", {"of": "L", "wrt": other}, second.exact,
                                       rng.choice(theirs) if theirs else None, rng)),
               _count_choice(rng, wrt, len(solution.paths)), _path_choice(rng, wrt, solution)]
    require(any(c.correct for c in choices) and not all(c.correct for c in choices), "one truth value only")
    body = _body(graph, "Which of the following statements about its gradients is/are correct?")
    steps = working(solution) + [f"for {m(other)}: {s.text}" for s in second.steps if s.kind in ("path", "sum")] + [
        m(f"∂L/∂{other} = {second.exact}")]
    return Statements(body=rounded_note(body, choices), choices=choices, steps=steps, graph=graph, find=graph.find)
