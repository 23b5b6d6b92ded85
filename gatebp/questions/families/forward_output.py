"""Family `forward-output`: the output of a small MLP for a given input (the forward pass).

The papers' most common numeric network question is "what does the network output?". The network
is a layer-form spec (gatebp.network.spec.parse_spec) solved by the real solver ({of: y1}); the
stem gives x, the matrices row by row and the activation. NAT asks one output, "rounded off to two
decimal places" when it is not exact; MCQ asks the output vector (2 outputs), options printed to two
places, "closest to".
1 mark: one hidden layer. 2 marks: two hidden layers, one more matrix-vector product and activation.
Every MCQ option is a `quantities` claim (both outputs, decided by solving the graph); the NAT key
is the graph's forward value. The 2-mark form needs one more reasoning step than the 1-mark one:
a second hidden layer (one more matrix-vector product and activation).
Slips (each recomputed as a whole forward pass): forgetting the biases, skipping the output layer's
activation (or applying the hidden activation to a linear output), multiplying by the transposed
first matrix, applying the activation before adding the bias, skipping the hidden activation.
"""

from __future__ import annotations

import json
import math
import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from fractions import Fraction

import sympy as sp

from gatebp.core.step import Step
from gatebp.core.values import as_float
from gatebp.gate.question import QuestionType
from gatebp.network.graph import Graph
from gatebp.network.notation import result
from gatebp.network.solve import solve
from gatebp.network.spec import parse_spec
from gatebp.network.vector_form import forward_line
from gatebp.questions.families._claims import Named, named
from gatebp.questions.families._posed import problem, slips_of, vector_choices
from gatebp.questions.families.base import family
from gatebp.questions.families.common import matrix, require, shown, tenths, vector
from gatebp.questions.problem import Problem, Statements

TOPIC = "forward-output"
ACT_TEXT = {"sigmoid": "$sigmoid(z) = 1/(1 + exp(-z))$", "tanh": "tanh(z) = (e^z − e^(−z))/(e^z + e^(−z))",
            "relu": "ReLU(z) = max(0, z)"}
ACT_NAME = {"sigmoid": "σ", "tanh": "tanh", "relu": "ReLU", "linear": ""}
FUNCS: dict[str, Callable[[float], float]] = {
    "sigmoid": lambda z: 1 / (1 + math.exp(-z)), "tanh": math.tanh, "relu": lambda z: max(0.0, z),
    "linear": lambda z: z}


@dataclass(frozen=True)
class Layer:
    """One layer: out = act(W·in + b); b is None when the network has no biases."""

    out: str
    W: tuple[tuple[Fraction, ...], ...]
    b: tuple[Fraction, ...] | None
    act: str


@dataclass(frozen=True)
class Net:
    x: tuple[Fraction, ...]
    layers: tuple[Layer, ...]

    @property
    def hidden_act(self) -> str:
        return self.layers[0].act


def _entry(rng: random.Random, act: str) -> Fraction:
    """ReLU networks get small integers (exact answers); σ/tanh networks one-decimal weights."""
    if act == "relu":
        return Fraction(rng.choice((-2, -1, 1, 2, 3)))
    return tenths(rng, -1, 1)


def draw(rng: random.Random, marks: int, outputs: int) -> Net:
    """x (2) → h (2) [→ g (2)] → y (`outputs`); the hidden activation, the output's and biases by coin.

    A σ/tanh output is drawn only over one hidden layer: three nested exponentials are long by hand
    (and slow to solve exactly)."""
    act = rng.choice(("sigmoid", "tanh", "relu"))
    out_act = rng.choice(("linear", "sigmoid") if act == "relu" else ("linear", act) if marks == 1 else ("linear",))
    with_bias = rng.random() < 0.6
    x = tuple(Fraction(v) for v in rng.sample((-2, -1, 1, 2, 3), 2))
    sizes = [2] * marks + [outputs]
    layers = []
    for index, size in enumerate(sizes):
        last = index == len(sizes) - 1
        rows = tuple(tuple(_entry(rng, act) for _ in range(2)) for _ in range(size))
        bias = tuple(_entry(rng, act) for _ in range(size)) if with_bias else None
        layers.append(Layer("y" if last else "hg"[index], rows, bias, out_act if last else act))
    return Net(x, tuple(layers))


def spec_text(net: Net, of: str) -> str:
    items = []
    for layer in net.layers:
        item: dict[str, object] = {"out": layer.out, "W": [[shown(v) for v in r] for r in layer.W], "act": layer.act}
        if layer.b is not None:
            item["b"] = [shown(v) for v in layer.b]
        items.append(item)
    return json.dumps({"input": {"x": [shown(v) for v in net.x]}, "layers": items, "find": {"of": of}})


def run(net: Net, *, bias: bool = True, transpose_first: bool = False, last_act: str | None = None,
        act_before_bias: bool = False, hidden_act: bool = True) -> list[float]:
    """The forward pass in floats, with the switches the slips need (all off: the true pass)."""
    values = [float(v) for v in net.x]
    for index, layer in enumerate(net.layers):
        last = index == len(net.layers) - 1
        rows = [list(r) for r in zip(*layer.W)] if transpose_first and index == 0 else layer.W
        act = (last_act or layer.act) if last else (layer.act if hidden_act else "linear")
        b = [float(v) for v in layer.b] if layer.b is not None and bias else [0.0] * len(rows)
        z = [sum(float(w) * v for w, v in zip(row, values)) for row in rows]
        values = ([FUNCS[act](zi) + bi for zi, bi in zip(z, b)] if act_before_bias
                  else [FUNCS[act](zi + bi) for zi, bi in zip(z, b)])
    return values


def slips(net: Net) -> list[Named]:
    """Each slip's whole forward pass (the output vector it gives)."""
    last = net.layers[-1]
    found = []
    if last.b is not None:
        found.append(named(run(net, bias=False), "forgot the biases"))
        act = ACT_NAME[net.hidden_act]
        found.append(named(run(net, act_before_bias=True), f"applied {act} before adding the bias "
                                                           f"({act}(W₁x) + b₁ instead of {act}(W₁x + b₁))"))
    if last.act != "linear":
        found.append(named(run(net, last_act="linear"),
                           f"skipped the output layer's {ACT_NAME[last.act]} (reported its pre-activation)"))
    else:
        found.append(named(run(net, last_act=net.hidden_act),
                           f"applied {ACT_NAME[net.hidden_act]} to the output layer too (it is linear)"))
    found.append(named(run(net, transpose_first=True), "multiplied x by W₁ᵀ instead of W₁ "
                                                       "(read the matrix column by column)"))
    found.append(named(run(net, hidden_act=False), f"skipped the hidden {ACT_NAME[net.hidden_act]} "
                                                   "(used the pre-activations as the hidden values)"))
    return found


def suitable(net: Net) -> bool:
    """Checked on floats before the exact solve: no unit saturated (|z| > 2.5 for σ/tanh) or on a
    ReLU's kink, no layer all closed, no repeated rows, no zero output."""
    values = [float(v) for v in net.x]
    for layer in net.layers:
        pres = [sum(float(w) * v for w, v in zip(row, values)) + (float(layer.b[i]) if layer.b else 0.0)
                for i, row in enumerate(layer.W)]
        if len(set(layer.W)) != len(layer.W):
            return False
        if layer.act == "relu" and (any(abs(z) < 1e-12 for z in pres) or all(z < 0 for z in pres)):
            return False
        if layer.act in ("sigmoid", "tanh") and any(abs(z) > 2.5 for z in pres):
            return False
        values = [FUNCS[layer.act](z) for z in pres]
    return all(abs(v) > 1e-9 for v in values)


FUNC = {"sigmoid": "sigmoid", "tanh": "tanh", "relu": "relu"}


def describe(net: Net) -> str:
    parts = [f"A feed-forward network takes the input ${'x'} = {vector(net.x)}$."]
    previous = "x"
    for index, layer in enumerate(net.layers, start=1):
        inner = f"W{index}*{previous}" + (f" + b{index}" if layer.b is not None else "")
        formula = f"{FUNC[layer.act]}({inner})" if layer.act != "linear" else inner
        given = f"$W{index} = {matrix(layer.W)}$" + (f" and $b{index} = {vector(layer.b)}$" if layer.b is not None else "")
        role = ("The output is" if layer.out == "y" else "The hidden layer computes" if len(net.layers) == 2
                else f"Hidden layer {index} computes")
        parts.append(f"{role} ${layer.out} = {formula}$ with {given}.")
        previous = layer.out
    acts = sorted({layer.act for layer in net.layers} - {"linear"})
    defs = "; ".join(ACT_TEXT[a] for a in acts)
    parts.append(f"Row i of a matrix feeds unit i of its layer, and each activation ({defs}) acts entrywise.")
    if net.layers[-1].b is None:
        parts.append("There are no biases.")
    return " ".join(parts)


def working(net: Net, graph: Graph, forward: dict[str, sp.Expr]) -> list[Step | str]:
    """The vector form a student writes, one line per layer: z = Wx + b with its column, then the
    activation's column (the solver's own lines, gatebp.network.vector_form), and the output."""
    lines: list[Step | str] = [forward_line(graph, k, forward) for k in range(1, len(graph.layers) + 1)]
    outputs = graph.layers[-1].units
    if len(outputs) == 1:
        lines.append(Step("answer", f"$y {result(forward[outputs[0]])}$", quantity="y",
                          value=as_float(forward[outputs[0]]), skill="forward"))
    else:
        lines.append(Step("answer", "output " + ", ".join(f"${u} {result(forward[u])}$" for u in outputs)))
    return lines


@family(TOPIC, "The output of a small MLP for an input (forward pass)", ("NAT", "MCQ"), (1, 2), group="paper")
def build(rng: random.Random, qtype: QuestionType, marks: int) -> Problem:
    outputs = 2 if qtype == "MCQ" else 1
    net = draw(rng, marks, outputs)
    require(suitable(net), "saturated, kinked, dead or repeated units")
    graph = parse_spec(spec_text(net, "y1"), source="<generated>")
    solution = solve(graph)
    steps = working(net, graph, solution.forward)
    exact_outputs = [solution.forward[u] for u in graph.layers[-1].units]
    extra = _extra(net)
    if qtype == "NAT":
        exact = solution.exact
        places = 2 if not exact.is_Rational else _places(exact)
        require(exact.is_Rational or abs(float(exact)) >= 0.1, "an output too small to read at two places")
        return problem(topic=TOPIC, marks=marks, body=f"{describe(net)} The value of the output $y$ is", exact=exact,
                       slips=slips_of([named(s.value[0], s.mistake) for s in slips(net)]), places=places,
                       steps=steps, graph=graph, find=graph.find, extra=extra)
    require(all(abs(float(v)) >= 0.05 for v in exact_outputs), "an output too small to read at two places")
    finds = [{"of": u} for u in graph.layers[-1].units]
    body = f"{describe(net)} The output $y = [y1, y2]$ is closest to which vector (entries rounded off to two decimal places)?"

    def claim(values: tuple[float, ...]) -> dict[str, object]:
        return {"kind": "quantities", "finds": finds, "values": list(values), "places": 2}

    def options(_rng: random.Random) -> Statements:
        choices = vector_choices(exact_outputs, slips(net), 2, claim, exact=False)
        return Statements(body=body, choices=choices, steps=steps, graph=graph)

    return problem(topic=TOPIC, marks=marks, options=options, graph=graph, extra=extra)


def _places(exact: sp.Expr) -> int:
    for places in range(3):
        if (exact * 10**places).is_Integer:
            return places
    return 2


def _extra(net: Net) -> dict[str, object]:
    def cells(values: Sequence[Fraction]) -> list[str]:
        return [shown(v) for v in values]

    return {"x": cells(net.x),
            "layers": [{"W": [cells(r) for r in layer.W], "b": None if layer.b is None else cells(layer.b),
                        "act": layer.act} for layer in net.layers]}
