"""Family `multipath-relu`: gradients of a small ReLU network, given in layer form, w.r.t. its inputs.

The paper's 2-mark form: an input vector and weight matrices written row by row, several paths
from an input to the output, some of them through closed ReLU gates. The network is a layer-form
spec (gatebp.network.spec.parse_spec), so the solver's scalar working (units h1, h2, weights w_h1_x1,
pre-activations z_h1) is the worked solution. Most draws close at least one gate on a live path
and keep at least two paths open. Slips: ignoring closed gates (one or all: counting every path),
dropping a path at a merge, the gate of the wrong sign, a sign slip, swapping the components.
Every option is a claim: the gradients are graph quantities (`quantity`, the 2-mark MCQ's vector
`quantities`), a gate's state `gate`, the live-path count `paths`. The 2-mark form has one more
reasoning step: a second ReLU layer (one more gate per path and one more matrix product).
"""

from __future__ import annotations

import json
import random
import re
from collections.abc import Callable
from fractions import Fraction
from typing import Any

import sympy as sp

from gatebp.core.step import Step
from gatebp.gate.question import QuestionType
from gatebp.network.graph import Find, Graph
from gatebp.network.slips import (
    Slip,
    dropped_path,
    flipped_gate,
    ignored_gate,
    sign_slip,
    swap_factors,
)
from gatebp.network.solve import solve
from gatebp.network.spec import parse_spec
from gatebp.network.steps import Edge, Solution, short
from gatebp.network.vector_form import vector_steps
from gatebp.questions.families._claims import Named, named
from gatebp.questions.families._posed import problem, vector_choices
from gatebp.questions.families.base import Resample, family
from gatebp.questions.families.common import (
    Choice,
    claim_choice,
    matrix,
    minus,
    quantity_choice,
    require,
    shown,
    some_true,
    uni,
    vector,
)
from gatebp.questions.problem import Chooser, Problem, Statements

TOPIC = "multipath-relu"
Layer = dict[str, Any]  # {"out", "W", "b"?, "act"?} with Fraction entries


def draw(rng: random.Random, marks: int, column: int) -> tuple[list[Fraction], list[Layer]]:
    """1 mark: x (2) → h (3, ReLU) → y; 2 marks: x (2) → h (3, ReLU) → g (2, ReLU) → y.

    Each unit's gate state is chosen first (in most draws one h unit closed, the others open) and
    its row is drawn to match: a nonzero pre-activation (negating the row and bias flips its sign)
    and, in the first layer, a nonzero weight from the input asked about, so every gate matters."""
    x = [Fraction(rng.choice((-2, -1, 1, 2, 3))) for _ in range(2)]
    return x, hidden_layers(rng, x, marks, column)


def hidden_layers(rng: random.Random, x: list[Fraction], marks: int, column: int) -> list[Layer]:
    """The ReLU layers over input `x` and the linear output: one hidden layer for 1 mark, two for
    2 marks, each unit's gate state chosen first (most draws close one h unit) and its row drawn
    to match, with a nonzero weight from input `column` in the first layer."""
    first = [False, True, True] if rng.random() < 0.85 else [True, True, True]
    rng.shuffle(first)
    states = [first] if marks == 1 else [first, rng.choice(([True, False], [False, True], [True, True]))]
    layers: list[Layer] = []
    values = x
    need: int | None = column
    for stem, wanted in zip("hg", states):
        with_bias = rng.random() < 0.5
        rows = [_row(rng, values, is_open, with_bias, need) for is_open in wanted]
        layer: Layer = {"out": stem, "W": [r for r, _ in rows], "act": "relu"}
        if with_bias:
            layer["b"] = [bias for _, bias in rows]
        layers.append(layer)
        values = [max(Fraction(0), sum((w * v for w, v in zip(r, values)), bias)) for r, bias in rows]
        need = None
    layers.append({"out": "y", "W": [[Fraction(rng.choice((-2, -1, 1, 2, 3))) for _ in values]]})
    return layers


def _row(rng: random.Random, inputs: list[Fraction], is_open: bool, with_bias: bool,
         column: int | None) -> tuple[list[Fraction], Fraction]:
    """Weights (and bias) into one unit whose pre-activation is nonzero with the wanted sign."""
    for _ in range(30):
        row = [Fraction(rng.choice((-1, 0, 1, 1, 2, -2))) for _ in inputs]
        bias = Fraction(rng.randint(-2, 1)) if with_bias else Fraction(0)
        z = sum((w * v for w, v in zip(row, inputs)), bias)
        if z == 0 or (column is not None and row[column] == 0):
            continue
        if (z > 0) != is_open:
            row, bias = [-w for w in row], -bias
        return row, bias
    raise Resample("no row with a nonzero pre-activation")


def spec_text(x: list[Fraction], layers: list[Layer], wrt: str) -> str:
    """The layer-form spec as JSON (numbers as text, so they stay exact)."""
    def cells(row: list[Fraction]) -> list[str]:
        return [shown(v) for v in row]

    out = []
    for layer in layers:
        item: dict[str, object] = {"out": layer["out"], "W": [cells(r) for r in layer["W"]]}
        if "b" in layer:
            item["b"] = cells(layer["b"])
        if "act" in layer:
            item["act"] = layer["act"]
        out.append(item)
    return json.dumps({"input": {"x": cells(x)}, "layers": out, "find": {"of": "y1", "wrt": wrt}})


def pre_activations_nonzero(solution: Solution, graph: Graph) -> bool:
    return all(solution.forward[pre] != 0 for layer in graph.layers if layer.act == "relu" for pre in layer.pre)


def live_paths(solution: Solution) -> int:
    return sum(1 for p in solution.paths if p.product != 0)


def describe(x: list[Fraction], layers: list[Layer]) -> str:
    parts = [f"A network takes the input $x = {vector(x)}$."]
    previous = "x"
    for index, layer in enumerate(layers, start=1):
        stem, weights = str(layer["out"]), layer["W"]
        bias = f" + b{index}" if "b" in layer else ""
        formula = f"relu(W{index}*{previous}{bias})" if layer.get("act") == "relu" else f"W{index}*{previous}{bias}"
        given = f"$W{index} = {matrix(weights)}$"
        if "b" in layer:
            given += f" and $b{index} = {vector(layer['b'])}$"
        parts.append(f"{'The output is' if stem == 'y' else 'Layer ' + str(index) + ' computes'} "
                     f"${stem} = {formula}$ with {given}.")
        previous = stem
    parts.append("Row i of a matrix feeds unit i of its layer (h₁, h₂, ...), ReLU(z) = max(0, z), "
                 "and y₁ is the single output.")
    return " ".join(parts)


def gate_slips(solution: Solution) -> list[Slip]:
    """Ignoring the closed gates (all of them, then each on its own), a dropped path, the gate of the
    wrong sign, a sign slip."""
    slips = [Slip(s.value, "counted every path, the closed ones included: " + s.mistake)
             for s in ignored_gate(solution)]
    closed = [e for e in solution.edges if e.activation == "relu" and e.value == 0]
    if len(closed) > 1:
        for edge in closed:
            slips.append(Slip(_reopen(solution, edge), f"treated the closed ReLU gate on {edge.node} as open"))
    found = slips + dropped_path(solution) + flipped_gate(solution) + sign_slip(solution)
    return [Slip(s.value, _PRE.sub("", s.mistake)) for s in found]


_PRE = re.compile(r" ← z_\w+")  # the solver's pre-activation nodes, which the stem never names


def _reopen(solution: Solution, gate: Edge) -> sp.Expr:
    """The path sum with one closed gate's factor 0 replaced by 1 (ignored_gate reopens them all)."""
    return swap_factors(solution, lambda e: sp.S.One if e == gate else None)


def _network(rng: random.Random, marks: int, wrt: str) -> tuple[list[Fraction], list[Layer], Graph, Solution]:
    """A draw with no ReLU input at 0, ≥ 2 live paths, a nonzero answer, and (most draws) a closed gate
    that matters (ignoring it changes the answer)."""
    x, layers = draw(rng, marks, int(wrt[1:]) - 1)
    return (x, layers, *solved_network(rng, x, layers, wrt))


def solved_network(rng: random.Random, x: list[Fraction], layers: list[Layer], wrt: str) -> tuple[Graph, Solution]:
    """The drawn network built and solved, or a resample: no ReLU input at 0, two live paths, a
    nonzero answer, and (most draws) a closed gate that matters."""
    graph = parse_spec(spec_text(x, layers, wrt), source="<generated>")
    solution = solve(graph)
    require(pre_activations_nonzero(solution, graph), "a ReLU input is exactly 0")
    require(live_paths(solution) >= 2 and solution.exact != 0, "fewer than two open paths")
    closed_matters = any(s.value != solution.exact for s in ignored_gate(solution))
    require(closed_matters or rng.random() < 0.15, "no closed gate on a live path")
    return graph, solution


@family(TOPIC, "Input gradients of a multi-path ReLU network (layer form)", ("NAT", "MCQ", "MSQ"), (1, 2),
        group="paper")
def build(rng: random.Random, qtype: QuestionType, marks: int) -> Problem:
    wrt = rng.choice(("x1", "x2"))
    x, layers, graph, solution = _network(rng, marks, wrt)
    body = f"{describe(x, layers)} The value of $∂y1/∂{wrt}$ is"
    inputs = ("x1", "x2")
    extra = _extra(x, layers)
    options: Chooser | None = None
    if qtype == "MCQ" and marks == 2:
        def options(r: random.Random) -> Statements:
            return gradient_vector(x, layers, graph, {wrt: solution}, inputs, [])

    steps = [*vector_working(graph, solution), asked_entry(graph, solution)]
    return problem(topic=TOPIC, marks=marks, body=body, exact=solution.exact, slips=gate_slips(solution),
                   steps=steps, graph=graph, find=graph.find, places=places_of(solution.exact),
                   options=options, extra=extra,
                   statements=lambda r: statements(r, x, layers, graph, solution, inputs, steps))


def places_of(exact: sp.Expr) -> int:
    return 0 if exact.is_Integer else 2


def gradient_vector(x: list[Fraction], layers: list[Layer], graph: Graph, known: dict[str, Solution],
                    inputs: tuple[str, ...], more: list[Named]) -> Statements:
    """MCQ: the whole input gradient; each distractor applies one slip to every component. Every option
    is a `quantities` claim over the input gradients, decided by solving the graph."""
    sols = [known.get(name) or solve(graph, Find("y1", name)) for name in inputs]
    truth = [s.exact for s in sols]
    swapped = [truth[1], truth[0], *truth[2:]]
    wrong = [named(_each(sols, ignored_gate), "counted every path, closed gates included (treated every ReLU as open)"),
             named(_each(sols, flipped_gate), "used the ReLU gates of the wrong sign"), *more,
             named(swapped, "swapped ∂y₁/∂x₁ and ∂y₁/∂x₂"),
             named([-v for v in truth], "made a sign slip (every component)")]
    places = max(places_of(sp.S(v)) for v in truth)
    finds = [{"of": "y1", "wrt": name} for name in inputs]

    def claim(values: tuple[float, ...]) -> dict[str, object]:
        return {"kind": "quantities", "finds": finds, "values": list(values), "places": places}

    names = ", ".join(f"$∂y1/∂{n}$" for n in inputs)
    body = f"{describe(x, layers)} What is the gradient ({names})?"
    steps = vector_working(graph, next(iter(known.values())))
    return Statements(body=body, choices=vector_choices(truth, wrong, places, claim, exact=places == 0),
                      steps=steps, graph=graph)


def _each(sols: list[Solution], slip_finder: Callable[[Solution], list[Slip]]) -> list[sp.Expr]:
    out = []
    for s in sols:
        found = slip_finder(s)
        out.append(found[0].value if found else s.exact)
    return out


def statements(rng: random.Random, x: list[Fraction], layers: list[Layer], graph: Graph, solution: Solution,
               inputs: tuple[str, ...], steps: list) -> Statements:
    """Two input gradients (graph quantities), a gate's state (`gate`) and the live-path count (`paths`)."""
    wrt = graph.find.wrt if graph.find and graph.find.wrt else "x1"
    other = rng.choice([n for n in inputs if n != wrt])
    second = solve(graph, Find("y1", other))
    slips, other_slips = gate_slips(solution), gate_slips(second)
    choices = [
        quantity_choice(f"$∂y1/∂{wrt}$", {"of": "y1", "wrt": wrt}, solution.exact, slips[0] if slips else None, rng),
        quantity_choice(f"$∂y1/∂{other}$", {"of": "y1", "wrt": other}, second.exact,
                        other_slips[0] if other_slips else None, rng),
        _gate_claim(rng, graph, solution),
        _paths_claim(rng, wrt, solution),
    ]
    body = f"{describe(x, layers)} Which of the following statements is/are correct?"
    return Statements(body=body, choices=some_true(choices), graph=graph,
                      steps=[*steps, f"$∂y1/∂{other}$ = {short(second.exact)}"])


def _gate_claim(rng: random.Random, graph: Graph, solution: Solution) -> Choice:
    units = [(u, p) for layer in graph.layers if layer.act == "relu" for u, p in zip(layer.units, layer.pre)]
    unit, pre = rng.choice(units)
    closed = solution.forward[pre] <= 0
    claim_closed = rng.random() < 0.5
    truth = closed == claim_closed
    word = "closed (it passes no gradient)" if claim_closed else "open"
    why = f"misread the sign of the input of {uni(unit)}, {minus(short(solution.forward[pre]))}"
    return claim_choice(f"The ReLU gate of ${unit}$ is {word}", {"kind": "gate", "unit": unit, "pre": pre,
                                                              "open": not claim_closed}, bool(truth), why)


def _paths_claim(rng: random.Random, wrt: str, solution: Solution) -> Choice:
    live, every = live_paths(solution), len(solution.paths)
    if every != live and rng.random() < 0.5:
        return claim_choice(f"Exactly {every} paths from ${wrt}$ to $y1$ carry a nonzero gradient",
                            {"kind": "paths", "of": "y1", "wrt": wrt, "count": every, "live": True}, False,
                            "counted every path, the closed (or zero-weight) ones included")
    return claim_choice(f"Exactly {live} paths from ${wrt}$ to $y1$ carry a nonzero gradient",
                        {"kind": "paths", "of": "y1", "wrt": wrt, "count": live, "live": True}, True)


def vector_working(graph: Graph, solution: Solution) -> list[Step]:
    """The vector form: the forward pass as vectors, then δ layer by layer (its own kind of step,
    so a view heads it "Vector form")."""
    return [s for s in vector_steps(graph, solution).steps if s.kind == "vector"]


def asked_entry(graph: Graph, solution: Solution) -> Step:
    """The one entry of the vector working the question asks for, as its last line."""
    wrt = graph.find.wrt if graph.find and graph.find.wrt else "x1"
    return Step("answer", f"$∂y1/∂{wrt}$ = {short(solution.exact).replace('-', '−')}", quantity=f"∂y1/∂{wrt}",
                value=float(solution.exact), skill="answer")


def _extra(x: list[Fraction], layers: list[Layer]) -> dict[str, object]:
    def rows(m: object) -> list[list[str]]:
        return [[shown(v) for v in row] for row in m]  # type: ignore[attr-defined]

    return {"x": [shown(v) for v in x],
            "layers": [{"W": rows(layer["W"]),
                        "b": [shown(v) for v in layer.get("b", [])],
                        "act": layer.get("act", "linear")} for layer in layers]}
