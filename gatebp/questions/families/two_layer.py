"""Family `two-layer-mse`: a 2-2-1 or 2-3-1 ReLU network with a squared-error loss.

1 mark asks an output weight, ∂L/∂v_j = ∂L/∂ŷ · h_j (two factors). 2 marks ask a first-layer
weight, ∂L/∂w_jk = ∂L/∂ŷ · v_j · relu'(z_j) · x_k, or an input, which fans out to every hidden
unit so ∂L/∂x_k sums over them: the extra reasoning steps are the gate and the weight below the
output (or the sum over units). Slips: the 2 (or ½) of MSE, a dropped hidden unit, an ignored
ReLU gate, a weight's indices mixed up, stopping at ∂L/∂ŷ, a sign slip.

Draws with equal hidden rows or columns, repeated inputs, all weights ±1 or two open units of
equal output are rejected: they let a wrong reasoning land on a true value.
"""

from __future__ import annotations

import random

import sympy as sp

from gatebp.gate.question import QuestionType
from gatebp.network.graph import Find, Graph
from gatebp.network.slips import Slip, backprop_slips, sign_slip
from gatebp.network.steps import Solution, factor
from gatebp.questions.families._stems import RELU_DEFINED, equations, eqv, listed, m, spanned, sym, value_of
from gatebp.questions.families.base import family
from gatebp.questions.families.common import (
    Choice,
    asked,
    claim_choice,
    distinct,
    nonzero,
    num,
    pick_statements,
    quantity_choice,
    require,
    rounded_note,
    shown,
    solved,
    working,
)
from gatebp.questions.losses import mse_delta, mse_factor_slip, mse_sign_slip, squared_error
from gatebp.questions.problem import Problem, Statements

TOPIC = "two-layer-mse"


def _network(rng: random.Random, hidden: int, half: bool) -> tuple[dict[str, int], dict[str, str]]:
    """Inputs x1, x2; hidden units h_j = ReLU(w_j1·x1 + w_j2·x2); ŷ = Σ v_j h_j; L = squared error."""
    values = {"x1": nonzero(rng, -3, 3), "x2": nonzero(rng, -3, 3)}
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
    nodes["L"] = squared_error("yhat", half=half)
    return values, nodes


def _target(rng: random.Random, marks: int, hidden: int) -> str:
    if marks == 1:
        return f"v{rng.randint(1, hidden)}"
    return rng.choice([f"w{rng.randint(1, hidden)}{rng.randint(1, 2)}", "x1", "x2"])


def _plain(values: dict[str, int], hidden: int) -> bool:
    """No coincidences: distinct rows and columns, distinct |inputs|, not every hidden weight ±1."""
    rows = [(values[f"w{j}1"], values[f"w{j}2"]) for j in range(1, hidden + 1)]
    columns = [tuple(r[k] for r in rows) for k in (0, 1)]
    weights = [w for r in rows for w in r]
    return (len(set(rows)) == hidden and columns[0] != columns[1] and abs(values["x1"]) != abs(values["x2"])
            and any(abs(w) != 1 for w in weights))


def _suits(values: dict[str, int], hidden: int, wrt: str) -> bool:
    """Integer forward pass before solving: no ReLU input at 0, ŷ ≠ t, open units of distinct
    outputs, no output weight ±1 on the asked path (nor all of them ±1), and a nonzero answer
    that (for an input) sums over at least two open units."""
    outputs = [abs(values[f"v{j}"]) for j in range(1, hidden + 1)]
    if set(outputs) == {1} or (wrt.startswith("w") and outputs[int(wrt[1]) - 1] == 1):
        return False
    z = [values[f"w{j}1"] * values["x1"] + values[f"w{j}2"] * values["x2"] for j in range(1, hidden + 1)]
    h = [max(0, v) for v in z]
    error = sum(values[f"v{j}"] * h[j - 1] for j in range(1, hidden + 1)) - values["t"]
    opened = [v for v in h if v > 0]
    if 0 in z or error == 0 or abs(error) > 10 or len(set(opened)) < len(opened) or not _plain(values, hidden):
        return False
    if wrt[0] in "vw":
        return h[int(wrt[1]) - 1] > 0
    terms = [values[f"v{j}"] * values[f"w{j}{wrt[1]}"] for j in range(1, hidden + 1) if h[j - 1] > 0]
    return len(terms) >= 2 and sum(terms) != 0


def _draw(rng: random.Random, marks: int) -> tuple[Graph, Solution, bool]:
    hidden = 2 if marks == 1 else rng.choice((2, 3))
    half = rng.random() < 0.5
    wrt = _target(rng, marks, hidden)
    for _ in range(400):
        values, nodes = _network(rng, hidden, half)
        if _suits(values, hidden, wrt):
            break
    else:
        require(False, "no suitable numbers")
    graph, solution = solved(values, nodes, Find("L", wrt))
    require(solution.exact != 0 and abs(solution.value) <= 100)
    if wrt in ("x1", "x2"):
        require(len([p for p in solution.paths if p.product != 0]) >= 2)  # the sum over units must show
    return graph, solution, half


def mse_slips(graph: Graph, solution: Solution, half: bool) -> list[Slip]:
    """The loss's own slip first, then the generic ones (gates, dropped units), the indices, the sign."""
    assert graph.find is not None and graph.find.wrt is not None
    wrt, fwd = graph.find.wrt, solution.forward
    slips = [mse_factor_slip(solution.exact, half=half)]
    slips += [s for s in backprop_slips(solution) if s not in sign_slip(solution)]
    if wrt.startswith("w"):
        k, other = wrt[2], "2" if wrt[2] == "1" else "1"
        slips.append(Slip(solution.exact / fwd[f"x{k}"] * fwd[f"x{other}"],
                          f"used {sym('x' + other)} instead of {sym('x' + k)} (mixed up the indices of {sym(wrt)})"))
    if wrt.startswith("v"):
        slips.append(Slip(solution.exact / fwd[f"h{wrt[1]}"],
                          f"stopped at ∂L/∂ŷ (left out the factor {sym('h' + wrt[1])})"))
    return slips + [mse_sign_slip(solution.exact)]


def _describe(graph: Graph, hidden: int) -> str:
    """The network's equations, then its numbers as the paper gives them: W as a matrix."""
    v = {name: num(value) for name, value in graph.values.items()}
    units = range(1, hidden + 1)
    names = ", ".join(f"[w{j}1, w{j}2]" for j in units)
    numbers = ", ".join(f"[{v[f'w{j}1']}, {v[f'w{j}2']}]" for j in units)
    outputs = listed([m(f"v{j} = {v[f'v{j}']}") for j in units])
    inputs = f"{m('x1 = ' + v['x1'])} and {m('x2 = ' + v['x2'])}"
    return (f"A 2-{hidden}-1 network with ReLU hidden units and a squared-error loss computes "
            f"{equations(graph)}, where ŷ is the prediction. The inputs are {inputs}; the first-layer "
            f"weights are {m(f'W = [{names}] = [{numbers}]')}, the output weights are {outputs}, and the target is "
            f"{m('t = ' + v['t'])}, {RELU_DEFINED}.")


@family(TOPIC, "Two-layer ReLU network with MSE", ("NAT", "MCQ", "MSQ"), (1, 2))
def draw(rng: random.Random, qtype: QuestionType, marks: int) -> Problem:
    graph, solution, half = _draw(rng, marks)
    assert graph.find is not None
    hidden = sum(1 for n in graph.nodes if n.name.startswith("h"))
    slips = mse_slips(graph, solution, half)
    ask = value_of(f"∂L/∂{graph.find.wrt}", qtype)
    body = asked(f"{_describe(graph, hidden)} {ask}", qtype, solution.exact, 0, slips)
    return Problem(topic=TOPIC, marks=marks, body=body, exact=solution.exact, steps=working(solution),
                   slips=slips, graph=graph, find=graph.find, places=0,
                   statements=lambda r: _statements(r, graph, solution, half, hidden))


def _unit_choice(rng: random.Random, solution: Solution, j: int, d_yhat: sp.Expr) -> Choice:
    """∂L/∂v_j = ∂L/∂ŷ · h_j, or the slip that fits the unit (an ignored gate, a dropped h_j)."""
    fwd = solution.forward
    slip = (Slip(d_yhat * fwd[f"z{j}"], f"took {m(f'h{j} = z{j}')}, ignoring its closed ReLU gate")
            if fwd[f"h{j}"] == 0 else Slip(d_yhat, f"stopped at ∂L/∂ŷ (left out the factor {m(f'h{j}')})"))
    return spanned(quantity_choice(f"∂L/∂v{j}", {"of": "L", "wrt": f"v{j}"}, d_yhat * fwd[f"h{j}"], slip, rng))


def _gate_choice(rng: random.Random, solution: Solution, j: int) -> Choice:
    said_open, z = rng.random() < 0.5, solution.forward[f"z{j}"]
    text = f"the ReLU gate of {m(f'h{j}')} is {'open' if said_open else 'closed'}"
    return claim_choice(text, {"kind": "gate", "unit": f"h{j}", "pre": f"z{j}", "open": said_open},
                        said_open == bool(z > 0), f"misread the sign of {m(f'z{j} = {shown(z)}')}")


def _statements(rng: random.Random, graph: Graph, solution: Solution, half: bool,
                hidden: int) -> Statements:
    assert graph.find is not None and graph.find.wrt is not None
    fwd, wrt = solution.forward, graph.find.wrt
    d_yhat = mse_delta(fwd["yhat"], fwd["t"], half=half)
    j = rng.choice([i for i in range(1, hidden + 1) if f"v{i}" != wrt])
    distinct([solution.exact, d_yhat, d_yhat * fwd[f"h{j}"]])
    own = mse_slips(graph, solution, half)[:3]
    pool = [spanned(quantity_choice(f"∂L/∂{wrt}", graph.find.to_dict(), solution.exact, rng.choice(own), rng)),
            spanned(quantity_choice("∂L/∂yhat", {"of": "L", "wrt": "yhat"}, d_yhat,
                                    mse_factor_slip(d_yhat, half=half), rng)),
            _unit_choice(rng, solution, j, d_yhat), _gate_choice(rng, solution, rng.randint(1, hidden))]
    choices = pick_statements(rng, pool)
    h = fwd[f"h{j}"]
    product = m(f"{factor(d_yhat)}*{factor(h)}")
    steps = working(solution) + [f"{m(f'∂L/∂v{j}')} = ∂L/∂ŷ·{sym(f'h{j}')} = {product} {eqv(d_yhat * h)}"]
    ask = "Which of the following statements is/are correct?"
    return Statements(body=rounded_note(f"{_describe(graph, hidden)} {ask}", choices),
                      choices=choices, steps=steps, graph=graph, find=graph.find)
