"""Family `multipath-relu-3`: input gradients of a 3-input ReLU network, as in GATE DA 2024 Q43."""

from __future__ import annotations

import random
from dataclasses import replace
from fractions import Fraction

import sympy as sp

from gatebp.gate.question import Question, QuestionType
from gatebp.network.graph import Find, Graph
from gatebp.network.slips import (
    Slip,
    flipped_gate,
    ignored_gate,
)
from gatebp.network.solve import solve
from gatebp.network.spec import parse_spec
from gatebp.network.steps import Solution, short
from gatebp.network.vector_form import vector_steps
from gatebp.questions.families.base import family
from gatebp.questions.families.common import (
    Choice,
    choice_question,
    four_apart,
    numeric_question,
    require,
    some_true,
    statement,
)
from gatebp.questions.families.multipath_relu import (
    Layer,
    _each,
    _extra,
    _gate_claim,
    _pair,
    _paths_claim,
    describe,
    gate_slips,
    hidden_layers,
    live_paths,
    pre_activations_nonzero,
    spec_text,
)

# ---- multipath-relu-3: three inputs, as in GATE DA 2024 Q43 ---------------------------------------------
#
# A separate topic so that every `multipath-relu` id keeps its question. 1 mark: x (3) → h (3, ReLU) → y.
# 2 marks: x (3) → h (3, ReLU) → g (2, ReLU) → y, Q43's two ReLU hidden layers (the extra step: one more
# layer of gates and a W2ᵀ product). Inputs are distinct, the columns of W1 distinct (no two input
# gradients equal by construction), every pre-activation nonzero, and most draws close a gate that
# matters. The working is the vector form δ = (Wᵀ δ_next) ⊙ relu'(z), ∂y/∂x = W1ᵀ δ(h). Slips as in
# multipath-relu, plus W1 δ for W1ᵀ δ (the square W1 makes the transposed product conform).

TOPIC3 = "multipath-relu-3"
INPUTS3 = ("x1", "x2", "x3")


def draw3(rng: random.Random, marks: int, column: int) -> tuple[list[Fraction], list[Layer]]:
    x = [Fraction(v) for v in rng.sample((-2, -1, 1, 2, 3), 3)]
    return x, hidden_layers(rng, x, marks, column)


def masks_and_deltas(x: list[Fraction], layers: list[Layer]) -> list[list[Fraction]]:
    """δ of each hidden layer (∂y/∂z), computed with plain fractions from the matrices."""
    values, masks = list(x), []
    for layer in layers[:-1]:
        bias = layer.get("b") or [Fraction(0)] * len(layer["W"])
        pre = [sum((w * v for w, v in zip(row, values)), b) for row, b in zip(layer["W"], bias)]
        masks.append([Fraction(int(z > 0)) for z in pre])
        values = [max(Fraction(0), z) for z in pre]
    upstream = list(layers[-1]["W"][0])
    deltas: list[list[Fraction]] = []
    for index in range(len(layers) - 2, -1, -1):
        delta = [u * m for u, m in zip(upstream, masks[index])]
        deltas.insert(0, delta)
        W = layers[index]["W"]
        upstream = [sum((W[i][j] * delta[i] for i in range(len(W))), Fraction(0)) for j in range(len(W[0]))]
    return deltas


def mirrored(layers: list[Layer]) -> bool:
    """Two rows of a hidden matrix equal or opposite: units that mirror each other, a degenerate draw."""
    for layer in layers[:-1]:
        rows = [tuple(r) for r in layer["W"]]
        if any(a == b or a == tuple(-v for v in b) for i, a in enumerate(rows) for b in rows[i + 1:]):
            return True
    return False


def input_gradient3(x: list[Fraction], layers: list[Layer]) -> list[Fraction]:
    """W1ᵀ δ(h) with fractions (a cheap screen; the key itself comes from the solver)."""
    delta = masks_and_deltas(x, layers)[0]
    W = layers[0]["W"]
    return [sum((W[i][j] * delta[i] for i in range(len(W))), Fraction(0)) for j in range(len(x))]


def transposed_slip(x: list[Fraction], layers: list[Layer]) -> list[Fraction]:
    """W1 δ(h) in place of W1ᵀ δ(h)."""
    delta = masks_and_deltas(x, layers)[0]
    W = layers[0]["W"]
    return [sum((w * d for w, d in zip(row, delta)), Fraction(0)) for row in W]


def _network3(rng: random.Random, marks: int, wrt: str) -> tuple[list[Fraction], list[Layer], Graph, Solution]:
    x, layers = draw3(rng, marks, int(wrt[1:]) - 1)
    columns = list(zip(*layers[0]["W"]))
    require(len(set(columns)) == 3, "two equal columns of W1")
    require(not mirrored(layers), "two rows equal or opposite (mirror units)")
    require(input_gradient3(x, layers)[int(wrt[1:]) - 1] != 0, "a zero answer")  # screened before the exact solve
    graph = parse_spec(spec_text(x, layers, wrt), source="<generated>")
    solution = solve(graph)
    require(pre_activations_nonzero(solution, graph), "a ReLU input is exactly 0")
    require(live_paths(solution) >= 2 and solution.exact != 0, "fewer than two open paths")
    closed_matters = any(s.value != solution.exact for s in ignored_gate(solution))
    require(closed_matters or rng.random() < 0.15, "no closed gate on a live path")
    return x, layers, graph, solution


def working3(graph: Graph, solution: Solution) -> list[str]:
    """The forward values per layer, then the vector form of the backward pass."""
    lines = []
    for layer in graph.layers[:-1]:
        pre = ", ".join(short(solution.forward[p]) for p in layer.pre)
        out = ", ".join(short(solution.forward[u]) for u in layer.units)
        lines.append(f"pre-activations of {layer.out}: ({pre}); {layer.out} = relu(...) = ({out})")
    lines.append(f"y1 = {short(solution.forward['y1'])}")
    vector = vector_steps(graph, solution)
    return lines + [s.text for s in vector.steps if s.kind == "vector"]


@family(TOPIC3, "Input gradients of a 3-input ReLU network (GATE DA 2024 Q43 shape)", ("NAT", "MCQ", "MSQ"), (1, 2),
        group="paper")
def build3(rng: random.Random, qtype: QuestionType, marks: int) -> Question:
    wrt = rng.choice(INPUTS3)
    x, layers, graph, solution = _network3(rng, marks, wrt)
    if qtype == "MCQ" and marks == 2:
        question = _gradient_vector3(rng, x, layers, graph, solution)
    elif qtype == "MSQ":
        question = _statements3(rng, marks, x, layers, graph, solution)
    else:
        slips = gate_slips(solution) + [Slip(sp.Rational(transposed_slip(x, layers)[int(wrt[1:]) - 1]),
                                             "multiplied δ(h) by W1 instead of W1ᵀ (read W1 by rows)")]
        body = f"{describe(x, layers)} What is ∂y1/∂{wrt}?"
        question = numeric_question(topic=TOPIC3, qtype=qtype, marks=marks, body=body, exact=solution.exact,
                                    steps=working3(graph, solution), slips=_named_only(slips, solution.exact), rng=rng,
                                    graph=graph, find=graph.find)
    return replace(question, extra=_extra(x, layers))


def _named_only(slips: list[Slip], exact: sp.Expr) -> list[Slip]:
    """Distinct named slips away from the key; fewer than three (for an MCQ) means another draw."""
    kept: list[Slip] = []
    for slip in slips:
        if slip.value != exact and all(slip.value != k.value for k in kept):
            kept.append(slip)
    require(len(kept) >= 3, "fewer than three named slips")
    return kept


def _gradient_vector3(rng: random.Random, x: list[Fraction], layers: list[Layer], graph: Graph,
                      known: Solution) -> Question:
    """MCQ: the whole input gradient (∂y1/∂x1, ∂y1/∂x2, ∂y1/∂x3); each distractor is one slip throughout."""
    sols = [known if graph.find and graph.find.wrt == name else solve(graph, Find("y1", name)) for name in INPUTS3]
    truth = [s.exact for s in sols]
    wrong = [(_each(sols, ignored_gate), "counted every path, closed gates included (treated every ReLU as open)"),
             (_each(sols, flipped_gate), "used the ReLU gates of the wrong sign"),
             (transposed_slip(x, layers), "multiplied δ(h) by W1 instead of W1ᵀ (read W1 by rows)"),
             ([truth[1], truth[0], truth[2]], "swapped ∂y1/∂x1 and ∂y1/∂x2"),
             ([-v for v in truth], "made a sign slip")]
    correct = Choice(_pair(truth), True)
    candidates = [Choice(_pair(v), False, mistake=why) for v, why in wrong if list(map(sp.S, v)) != truth]
    body = f"{describe(x, layers)} What is the gradient (∂y1/∂x1, ∂y1/∂x2, ∂y1/∂x3)?"
    return choice_question(topic=TOPIC3, qtype="MCQ", marks=2, body=body,
                           choices=four_apart(correct, candidates, 0), steps=working3(graph, known), rng=rng, graph=graph)


def _statements3(rng: random.Random, marks: int, x: list[Fraction], layers: list[Layer], graph: Graph,
                 solution: Solution) -> Question:
    wrt = graph.find.wrt if graph.find and graph.find.wrt else "x1"
    other = rng.choice([n for n in INPUTS3 if n != wrt])
    second = solve(graph, Find("y1", other))
    slips, other_slips = gate_slips(solution), gate_slips(second)
    choices = [
        statement(f"∂y1/∂{wrt} = {{}}", solution.exact, slips[0] if slips else None, rng),
        statement(f"∂y1/∂{other} = {{}}", second.exact, other_slips[0] if other_slips else None, rng),
        _gate_claim(rng, graph, solution),
        _paths_claim(rng, wrt, solution),
    ]
    body = f"{describe(x, layers)} Which statements are true?"
    return choice_question(topic=TOPIC3, qtype="MSQ", marks=marks, body=body, choices=some_true(choices),
                           steps=working3(graph, solution) + [f"∂y1/∂{other} = {short(second.exact)}"], rng=rng,
                           graph=graph)
