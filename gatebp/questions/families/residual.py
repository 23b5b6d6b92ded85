"""Family `residual`: a residual block h = x + F(x), whose gradient is the sum of two paths.

The skip connection gives ∂h/∂x its "+1" and carries the upstream gradient δ(h) unchanged even
when F's ReLU is closed; forgetting that 1 is the slip this family drills. 1 mark: F(x) =
ReLU(w·x), y = v·h. 2 marks: F(x) = w2·ReLU(w1·x) and L = (h − t)²: the extra reasoning step is
the loss's own derivative 2(h − t) in front of both paths (and one more weight inside F).

MSQ statements are all decided by the graph: the total, ∂h/∂x, the skip path's share (a
`path` claim), the share through F (a `share` claim), δ(h) and the state of F's gate. There is
no counterfactual ("if the gate were closed"): a closed gate is asked about when it is closed.
"""

from __future__ import annotations

import random

import sympy as sp

from gatebp.gate.question import QuestionType
from gatebp.network.graph import Find, Graph
from gatebp.network.slips import Slip, ignored_gate
from gatebp.network.solve import solve
from gatebp.network.steps import Solution
from gatebp.questions.families._stems import RELU_DEFINED, equations, eqv, fig, m, spanned, value_of, values
from gatebp.questions.families.base import Resample, family
from gatebp.questions.families.common import (
    Choice,
    apart,
    asked,
    claim_choice,
    distinct,
    nonzero,
    pick_statements,
    quantity_choice,
    rounded_note,
    solved,
    working,
)
from gatebp.questions.losses import mse_factor_slip, squared_error
from gatebp.questions.problem import Problem, Statements

TOPIC = "residual"
DROP_IDENTITY = "dropped the identity path (the 1 in ∂h/∂x = 1 + ∂F/∂x)"
DROP_F = "dropped the path through F (kept only the skip connection)"


def _block(rng: random.Random, marks: int) -> tuple[dict[str, int], dict[str, str], str]:
    """F(x) = ReLU(w·x) (1 mark: y = v·h) or w2·ReLU(w1·x) (2 marks: L = (h − t)²), gate drawn first.

    No factor on the skip path is ±1 (v, and 2(h − t)), so δ(h) never equals the skip's 1."""
    closed = rng.random() < 0.3
    x, w1 = nonzero(rng, -3, 3), nonzero(rng, -3, 3)
    if (w1 * x > 0) == closed:
        w1 = -w1
    if marks == 1:
        values = {"x": x, "w": w1, "v": rng.choice((-3, -2, 2, 3))}
        return values, {"u": "w*x", "f": "relu(u)", "h": "x + f", "y": "v*h"}, "y"
    values = {"x": x, "w1": w1, "w2": nonzero(rng, -2, 2), "t": rng.randint(-3, 3)}
    nodes = {"u": "w1*x", "r": "relu(u)", "f": "w2*r", "h": "x + f", "L": squared_error("h")}
    return values, nodes, "L"


def _identity(solution: Solution) -> sp.Expr:
    """The skip path's share: the paths that avoid f."""
    return sp.Add(*(p.product for p in solution.paths if "f" not in p.names))


def _slips(solution: Solution, top: str) -> list[Slip]:
    gradient, identity = solution.exact, _identity(solution)
    slips = [Slip(gradient - identity, DROP_IDENTITY), Slip(identity, DROP_F),
             Slip(gradient - identity + 1, "took the skip path's share as 1 (forgot the upstream δ(h) on it)"),
             *ignored_gate(solution)]
    if top == "L":
        slips.append(mse_factor_slip(gradient, half=False, out="h"))
    return slips + [Slip(-gradient, "made a sign slip with a negative weight")]


def _body(graph: Graph, ask: str) -> str:
    """The block, its branch F and the given values; the skip connection is the x in h = x + f."""
    return (f"A residual block computes {equations(graph)}, so that h = x + F(x) with the branch "
            f"F(x) = {m('f')}. The given values are {values(graph)}, {RELU_DEFINED}. {ask}")


@family(TOPIC, "Residual block h = x + F(x): identity and F paths", ("NAT", "MCQ", "MSQ"), (1, 2))
def draw(rng: random.Random, qtype: QuestionType, marks: int) -> Problem:
    values, nodes, top = _block(rng, marks)
    graph, solution = solved(values, nodes, Find(top, "x"))
    if solution.exact == 0 or solution.forward.get("h") == solution.forward.get("t"):
        raise Resample("a zero gradient or a zero residual")
    identity = _identity(solution)
    if identity == solution.exact and rng.random() < 0.5:
        raise Resample("(too often) a closed gate")
    if abs(solution.exact - identity) == abs(identity):
        raise Resample("∂F/∂x = ±1: dropping either path gives the same number")
    body = asked(_body(graph, value_of(f"∂{top}/∂x", qtype)), qtype, solution.exact, 0, _slips(solution, top))
    return Problem(topic=TOPIC, marks=marks, body=body, exact=solution.exact, steps=working(solution),
                   slips=_slips(solution, top), graph=graph, find=graph.find, places=0,
                   statements=lambda r: _statements(r, graph, solution, top))


def _share_choice(rng: random.Random, top: str, solution: Solution, identity: sp.Expr) -> Choice:
    """What the paths through F carry: the true share, or a named slip's value."""
    share = solution.exact - identity
    slips = ([Slip(s.value - identity, "ignored the closed ReLU gate inside F") for s in ignored_gate(solution)]
             or [Slip(share / identity, "left out the upstream gradient δ(h) (gave ∂F/∂x)")])
    wrong = rng.random() < 0.5 and apart(float(slips[0].number), float(share))
    value = slips[0].value if wrong else share
    claim = {"kind": "share", "of": top, "wrt": "x", "through": "f", "value": float(value), "places": 4}
    return Choice(f"the path through F contributes {fig(value)} to {m(f'∂{top}/∂x')}", not wrong,
                  float(value), slips[0].mistake if wrong else None, claim=claim)


def _skip_choice(rng: random.Random, top: str, identity: sp.Expr) -> Choice:
    """The skip path {top} ← … ← h ← x: δ(h)·1, or (false) the bare 1 of the skip connection."""
    route = [top, "h", "x"]
    wrong = rng.random() < 0.5
    value = sp.S.One if wrong else identity
    claim = {"kind": "path", "of": top, "wrt": "x", "route": route, "value": float(value), "places": 4}
    text = f"the skip path {m(' <- '.join(route))} contributes {fig(value)} to {m(f'∂{top}/∂x')}"
    return Choice(text,
                  not wrong, float(value), "took the skip path's share as 1 (forgot the upstream δ(h))" if wrong
                  else None, claim=claim)


def _gate_choice(rng: random.Random, graph: Graph, solution: Solution) -> Choice:
    unit = "f" if "r" not in graph.names() else "r"
    said_open = rng.random() < 0.5
    u = solution.forward["u"]
    is_open = bool(u > 0)
    text = f"the ReLU gate inside F is {'open' if said_open else 'closed'} ({m('u')} {'>' if said_open else '≤'} 0)"
    return claim_choice(text, {"kind": "gate", "unit": unit, "pre": "u", "open": said_open}, said_open == is_open,
                        f"misread the sign of {m(f'u = {u}')}")


def _statements(rng: random.Random, graph: Graph, solution: Solution, top: str) -> Statements:
    identity = _identity(solution)
    local = solve(graph, Find("h", "x")).exact
    closed = identity == solution.exact
    distinct([solution.exact, local] + ([] if closed else [identity]))
    slips = [s for s in _slips(solution, top) if s.value != solution.exact][:3]
    pool = [spanned(quantity_choice(f"∂{top}/∂x", {"of": top, "wrt": "x"}, solution.exact, rng.choice(slips), rng)),
            spanned(quantity_choice("∂h/∂x", {"of": "h", "wrt": "x"}, local, Slip(local - 1, DROP_IDENTITY), rng)),
            _share_choice(rng, top, solution, identity), _gate_choice(rng, graph, solution)]
    if not closed:
        pool.append(_skip_choice(rng, top, identity))
    choices = pick_statements(rng, pool)
    steps = working(solution) + [f"the skip connection gives ∂h/∂x = 1 + ∂F/∂x {eqv(local)}",
                                 f"skip path: δ(h)·1 {eqv(identity)}; "
                                 f"path through F: {fig(solution.exact - identity, 4)}"]
    body = _body(graph, "Which of the following statements is/are correct?")
    return Statements(body=rounded_note(body, choices), choices=choices,
                      steps=steps, graph=graph, find=graph.find)
