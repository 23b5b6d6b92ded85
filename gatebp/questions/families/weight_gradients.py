"""Family `weight-gradients`: entries and rows of ∂L/∂W for a layer, ∂L/∂W = δ xᵀ, and its batch form G Xᵀ.

1 mark: one example through a linear layer y = Wx + b with L = ½‖y − t‖², so δ = ∂L/∂y = y − t and
∂L/∂W = δ xᵀ (entry (i, j) = δ_i x_j). The layer is a layer-form spec with the loss as a node, and
the key comes from the real solver ({of: L, wrt: w_y{i}_x{j}}); the student does one forward row and
one product. 2 marks: a mini-batch: G = ∂L/∂Z (one column per example) and X are given, and
∂L/∂W = G Xᵀ sums the per-example products (the extra step: one product per example, then the sum).
Every MCQ/MSQ option is a claim: 1 mark, graph quantities of the layer's spec (`quantity`, a row as
`quantities`) and the gradient's shape (`grad-shape`); 2 marks, `batch-gradient` claims recomputed
from the stated G and X (Σ_k G_ik X_jk), and the shape.
Slips: the transposed product (x δᵀ, X Gᵀ: the (j, i) entry), δ = t − y (a sign slip), ∂L/∂y = y
(the target forgotten), leaving out the bias in the forward pass, only the first example (un-summed),
the batch mean where L is the batch sum, the product of the sums.
"""

from __future__ import annotations

import json
import random
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from fractions import Fraction
from typing import Any

import sympy as sp

from gatebp.gate.question import QuestionType
from gatebp.network.graph import Graph
from gatebp.network.slips import Slip
from gatebp.network.solve import solve
from gatebp.network.spec import parse_spec
from gatebp.questions.claims import ClaimError, Context, Verdict, decider, number, shown_label
from gatebp.questions.families._claims import Named, named
from gatebp.questions.families._posed import fact_choice, problem, valued_choice, vector_choices
from gatebp.questions.families.base import family
from gatebp.questions.families.choice import Choice
from gatebp.questions.families.common import (
    matrix,
    nonzero,
    quantity_choice,
    rational,
    require,
    row,
    shown,
    some_true,
    vec,
    vector,
)
from gatebp.questions.problem import Problem, Statements

TOPIC = "weight-gradients"
Matrix = tuple[tuple[Fraction, ...], ...]


@dataclass(frozen=True)
class Layer:
    """y = Wx + b (2 outputs, 3 inputs) with target t, L = ½‖y − t‖²."""

    W: Matrix
    b: tuple[Fraction, ...]
    x: tuple[Fraction, ...]
    t: tuple[Fraction, ...]

    def y(self, bias: bool = True) -> list[Fraction]:
        return [sum((w * v for w, v in zip(row, self.x)), Fraction(0)) + (bi if bias else 0)
                for row, bi in zip(self.W, self.b)]

    def delta(self, bias: bool = True) -> list[Fraction]:
        return [yi - ti for yi, ti in zip(self.y(bias), self.t)]


def ints(rng: random.Random, count: int, low: int = -3, high: int = 3) -> tuple[Fraction, ...]:
    return tuple(Fraction(nonzero(rng, low, high)) for _ in range(count))


def draw_layer(rng: random.Random) -> Layer:
    W = (ints(rng, 3, -2, 2), ints(rng, 3, -2, 2))
    x = tuple(Fraction(v) for v in rng.sample((-3, -2, -1, 1, 2, 3), 3))
    layer = Layer(W, ints(rng, 2, -2, 2), x, ints(rng, 2))
    d = layer.delta()
    require(W[0] != W[1] and all(d) and abs(d[0]) != abs(d[1]), "a zero or repeated δ")
    require(layer.delta(bias=False) != d and all(abs(v) <= 8 for v in d), "δ too large for hand work")
    return layer


def spec_text(layer: Layer, wrt: str) -> str:
    cells = lambda values: [shown(v) for v in values]  # noqa: E731
    return json.dumps({"input": {"x": cells(layer.x)},
                       "layers": [{"out": "y", "W": [cells(r) for r in layer.W], "b": cells(layer.b)}],
                       "values": {"t1": shown(layer.t[0]), "t2": shown(layer.t[1])},
                       "nodes": {"L": "(y1 - t1)**2/2 + (y2 - t2)**2/2"}, "find": {"of": "L", "wrt": wrt}})


def describe_layer(layer: Layer) -> str:
    return (f"A linear layer computes $y = W*x + b$ for the input $x = {vector(layer.x)}$, with "
            f"$W = {matrix(layer.W)}$ (row i feeds yᵢ, so Wᵢⱼ is the weight from xⱼ to yᵢ) and $b = {vector(layer.b)}$. "
            f"The loss is $L = ((y1 - t1)**2 + (y2 - t2)**2)/2$ with the target $t = {vector(layer.t)}$.")


def entry_slips(layer: Layer, i: int, j: int) -> list[Named]:
    d, x, y = layer.delta(), layer.x, layer.y()
    found = [named(-d[i] * x[j], "used δ = t − y instead of y − t (a sign slip)"),
             named(y[i] * x[j], "used ∂L/∂yᵢ = yᵢ, forgetting to subtract the target"),
             named(layer.delta(bias=False)[i] * x[j], "left out the bias b in the forward pass")]
    if j < 2:
        found.insert(0, named(d[j] * x[i], f"took the ({j + 1}, {i + 1}) entry of δxᵀ (indices swapped, as in xδᵀ)"))
    return found


def layer_working(layer: Layer) -> list[str]:
    y, d = layer.y(), layer.delta()
    return [f"$y = W*x + b = {vector(y)}$", f"δ = ∂L/∂y = y − t = {vec(d)}",
            f"∂L/∂W = δxᵀ: entry (i, j) = δᵢxⱼ; row 1 = {shown(d[0])}·{row(layer.x)} = "
            f"{row([d[0] * v for v in layer.x])}, row 2 = {shown(d[1])}·{row(layer.x)} = "
            f"{row([d[1] * v for v in layer.x])}", f"∂L/∂b = δ = {vec(d)}"]


def _single(rng: random.Random, qtype: QuestionType) -> Problem:
    layer = draw_layer(rng)
    i, j = rng.randrange(2), rng.randrange(3)
    graph = parse_spec(spec_text(layer, w_name(i, j)), source="<generated>")
    solution = solve(graph)
    if solution.exact != rational(layer.delta()[i] * layer.x[j]):
        raise AssertionError("δ_i x_j disagrees with the solver")  # the layer arithmetic the options use
    body = f"{describe_layer(layer)} What is ${_partial(i, j)}$, the ({i + 1}, {j + 1}) entry of ∂L/∂W?"
    return problem(topic=TOPIC, marks=1, body=body, exact=solution.exact, places=0, graph=graph, find=graph.find,
                   slips=[Slip(rational(Fraction(n.value[0]).limit_denominator(10**6)), n.mistake)
                          for n in entry_slips(layer, i, j)],
                   steps=layer_working(layer), options=lambda r: _row_mcq(r, layer, i, graph),
                   statements=lambda r: _single_statements(r, layer, graph))


def w_name(i: int, j: int) -> str:
    """The solver's name of W_ij in the layer-form spec."""
    return f"w_y{i + 1}_x{j + 1}"


def _partial(i: int, j: int) -> str:
    return f"∂L/∂W{i + 1}{j + 1}"


def _row_mcq(rng: random.Random, layer: Layer, i: int, graph: Graph) -> Statements:
    """MCQ: row i of ∂L/∂W, δ_i xᵀ; each distractor is a whole wrong row."""
    d, x, y = layer.delta(), layer.x, layer.y()
    slips = [named([-d[i] * v for v in x], "used δ = t − y instead of y − t (a sign slip)"),
             named([y[i] * v for v in x], "used ∂L/∂yᵢ = yᵢ, forgetting to subtract the target"),
             named([layer.delta(bias=False)[i] * v for v in x], "left out the bias b in the forward pass"),
             named([d[1 - i] * v for v in x], f"used δ{2 - i} (the other output's error) for row {i + 1}")]
    finds = [{"of": "L", "wrt": w_name(i, j)} for j in range(3)]

    def claim(values: tuple[float, ...]) -> dict[str, object]:
        return {"kind": "quantities", "finds": finds, "values": list(values), "places": 0,
                "labels": [_partial(i, j) for j in range(3)]}

    body = (f"{describe_layer(layer)} What is row {i + 1} of ∂L/∂W, the gradients "
            f"(${_partial(i, 0)}$, ${_partial(i, 1)}$, ${_partial(i, 2)}$)?")
    return Statements(body=body, choices=vector_choices([d[i] * v for v in x], slips, 0, claim, exact=True),
                      steps=layer_working(layer), graph=graph)


def _slip(value: Named) -> Slip:
    return Slip(rational(Fraction(value.value[0]).limit_denominator(10**6)), value.mistake)


def _single_statements(rng: random.Random, layer: Layer, graph: Graph) -> Statements:
    d, x = layer.delta(), layer.x
    i, j = rng.randrange(2), rng.randrange(2)
    choices = [
        _labelled(_partial(i, j), quantity_choice(f"${_partial(i, j)}$", {"of": "L", "wrt": w_name(i, j)},
                                                  rational(d[i] * x[j]), _slip(entry_slips(layer, i, j)[0]), rng)),
        _labelled(f"∂L/∂b{i + 1}", quantity_choice(
            f"$∂L/∂b{i + 1}$", {"of": "L", "wrt": f"b_y{i + 1}"}, rational(d[i]),
            _slip(named(layer.y()[i], "used ∂L/∂yᵢ = yᵢ, forgetting to subtract the target")), rng)),
        shape_choice(rng, {"m": 2, "n": 3, "batch": 1}, [2, 3], [3, 2], "took the shape of xδᵀ"),
        _labelled(_partial(1 - i, 2), quantity_choice(
            f"${_partial(1 - i, 2)}$", {"of": "L", "wrt": w_name(1 - i, 2)}, rational(d[1 - i] * x[2]),
            _slip(named(d[i] * x[2], f"used δ{i + 1} (the other output's error) for row {2 - i}")), rng)),
    ]
    body = f"{describe_layer(layer)} Which of the following statements about the gradients is/are correct?"
    return Statements(body=body, choices=some_true(choices), steps=layer_working(layer), graph=graph)


def _labelled(name: str, choice: Choice) -> Choice:
    """The claim names W_ij as the stem does (the solver calls it w_yi_xj)."""
    return replace(choice, claim={**(choice.claim or {}), "label": name})


def shape_choice(rng: random.Random, dims: dict[str, int], shape: list[int], wrong: list[int],
                 mistake: str) -> Choice:
    """"∂L/∂W is an m × n matrix": the true shape or its false twin, a `grad-shape` claim."""
    truth = rng.random() < 0.5
    shown_shape = shape if truth else wrong
    size = " × ".join(map(str, shown_shape))
    text = (f"∂L/∂W is a {size} matrix, the shape of W" if truth and len(shape) == 2 else
            f"∂L/∂W is a {size} matrix" if len(shown_shape) == 2 else
            f"∂L/∂W has a {' × '.join(map(str, shown_shape[:2]))} block for each example ({size} in all)")
    claim: dict[str, object] = {"kind": "grad-shape", "net": "affine", "dims": dims, "of": "W", "shape": shown_shape}
    return fact_choice(text, claim, truth, mistake)


# ---- the batch form (2 marks) ---------------------------------------------------------------------------

@dataclass(frozen=True)
class Batch:
    """Z = WX + b over B = 3 examples (columns); G = ∂L/∂Z with L the sum of the examples' losses."""

    G: Matrix  # 2 × 3
    X: Matrix  # 2 × 3 (two inputs)

    def entry(self, i: int, j: int) -> Fraction:
        return sum((g * x for g, x in zip(self.G[i], self.X[j])), Fraction(0))


def draw_batch(rng: random.Random) -> Batch:
    G = (ints(rng, 3), ints(rng, 3))
    X = tuple(zip(*[tuple(Fraction(v) for v in rng.sample((-2, -1, 1, 2, 3), 2)) for _ in range(3)]))
    batch = Batch(G, X)
    columns = list(zip(*X))
    require(G[0] != G[1] and len(set(columns)) == 3, "repeated rows of G or repeated examples")
    return batch


def batch_slips(batch: Batch, i: int, j: int) -> list[Named]:
    G, X = batch.G, batch.X
    found = [named(G[i][0] * X[j][0], "used only the first example (forgot to sum over the batch)"),
             named(batch.entry(i, j) / 3, "averaged over the 3 examples, but L is their sum"),
             named(sum(G[i]) * sum(X[j]), "multiplied the row sums of G and X instead of summing the "
                                          "per-example products")]
    if i != j:
        found.insert(0, named(batch.entry(j, i), f"took the ({j + 1}, {i + 1}) entry (X Gᵀ, the transpose)"))
    return found


def describe_batch(batch: Batch) -> str:
    return (f"A linear layer $Z = W*X + b$, with W of shape 2 × 2, is applied to a mini-batch of 3 examples, the "
            f"columns of $X = {matrix(batch.X)}$ (row j holds input xⱼ). The loss L is the sum of the 3 examples' "
            f"losses, and the backward pass has reached $G = {matrix(batch.G)}$, G = ∂L/∂Z (column k belongs to "
            f"example k, row i to output zᵢ). Wᵢⱼ is the weight from xⱼ to zᵢ.")


def batch_working(batch: Batch, i: int, j: int) -> list[str]:
    G, X = batch.G, batch.X
    terms = " + ".join(f"({shown(g)})({shown(x)})" for g, x in zip(G[i], X[j]))
    rows = [vector([batch.entry(r, c) for c in range(2)]) for r in range(2)]
    return ["∂L/∂W = G Xᵀ: entry (i, j) = Σₖ GᵢₖXⱼₖ, one product per example, summed",
            f"(i, j) = ({i + 1}, {j + 1}): {terms} = {shown(batch.entry(i, j))}",
            f"$∂L/∂W = {'[' + ', '.join(rows) + ']'}$", f"∂L/∂b = row sums of G = {vec([sum(r) for r in G])}"]


def _batch(rng: random.Random, qtype: QuestionType) -> Problem:
    batch = draw_batch(rng)
    i, j = rng.randrange(2), rng.randrange(2)
    require(batch.entry(i, j) != 0 and batch.entry(i, j) != batch.G[i][0] * batch.X[j][0], "a zero or one-example sum")
    extra = {"G": [[shown(v) for v in r] for r in batch.G], "X": [[shown(v) for v in r] for r in batch.X]}
    body = f"{describe_batch(batch)} What is ${_partial(i, j)}$?"
    return problem(topic=TOPIC, marks=2, body=body, exact=rational(batch.entry(i, j)), places=0,
                   slips=[_slip(n) for n in batch_slips(batch, i, j)], steps=batch_working(batch, i, j),
                   options=lambda r: _batch_row(batch, i, j), statements=lambda r: _batch_statements(r, batch, i, j),
                   extra=extra)


def batch_claim(of: str, entries: list[list[int]], values: list[float]) -> dict[str, object]:
    """Entries (i, j) of ∂L/∂W (or (i,) of ∂L/∂b) equal these values, from the stated G and X."""
    return {"kind": "batch-gradient", "of": of, "entries": entries, "values": values}


def _batch_row(batch: Batch, i: int, j: int) -> Statements:
    key = [batch.entry(i, c) for c in range(2)]
    slips = [named([batch.G[i][0] * batch.X[c][0] for c in range(2)], "used only the first example "
                                                                       "(forgot to sum over the batch)"),
             named([batch.entry(c, i) for c in range(2)], f"took column {i + 1} of G Xᵀ (row {i + 1} of X Gᵀ)"),
             named([sum(batch.G[i]) * sum(batch.X[c]) for c in range(2)], "multiplied the row sums of G and X"),
             named([v / 3 for v in key], "averaged over the 3 examples, but L is their sum")]
    slips = [s for s in slips if all(float(v).is_integer() for v in s.value)]

    def claim(values: tuple[float, ...]) -> dict[str, object]:
        return batch_claim("W", [[i + 1, 1], [i + 1, 2]], list(values))

    body = f"{describe_batch(batch)} What is row {i + 1} of ∂L/∂W, (${_partial(i, 0)}$, ${_partial(i, 1)}$)?"
    return Statements(body=body, choices=vector_choices(key, slips, 0, claim, exact=True),
                      steps=batch_working(batch, i, j))


def _batch_statements(rng: random.Random, batch: Batch, i: int, j: int) -> Statements:
    slips = batch_slips(batch, i, j)

    def entry(label: str, of: str, at: list[int], truth: Fraction, slip: Named) -> Choice:
        return valued_choice(label, rational(truth), _slip(slip), rng,
                             lambda v, _p: batch_claim(of, [at], [v]), places=0)

    choices = [
        entry(f"${_partial(i, j)}$", "W", [i + 1, j + 1], batch.entry(i, j), slips[-3]),
        entry(f"$∂L/∂b{i + 1}$", "b", [i + 1], sum(batch.G[i], Fraction(0)),
              named(batch.G[i][0], "used only the first example's G for the bias gradient")),
        entry(f"${_partial(1 - i, 1 - j)}$", "W", [2 - i, 2 - j], batch.entry(1 - i, 1 - j),
              batch_slips(batch, 1 - i, 1 - j)[-1]),
        shape_choice(rng, {"m": 2, "n": 2, "batch": 3}, [2, 2], [2, 2, 3],
                     "kept a batch dimension (G Xᵀ sums over the examples)"),
    ]
    body = f"{describe_batch(batch)} Which of the following statements is/are correct?"
    return Statements(body=body, choices=some_true(choices), steps=batch_working(batch, i, j))


def _entry_partial(of: str, at: Sequence[object]) -> str:
    return f"∂L/∂{of}{''.join(map(str, at))}"


@decider("batch-gradient")
def _decide_batch(claim: Mapping[str, Any], context: Context) -> Verdict:
    """Σ_k G_ik X_jk (or Σ_k G_ik for the bias) from the G and X the stem states."""
    if context.extra is None or "G" not in context.extra:
        raise ClaimError("a batch-gradient claim needs the stated G and X")
    G = [[sp.Rational(v) for v in row] for row in context.extra["G"]]
    X = [[sp.Rational(v) for v in row] for row in context.extra["X"]]
    found = []
    for at in claim["entries"]:
        i = int(at[0]) - 1
        found.append(sum(G[i]) if claim["of"] == "b" else sum(g * x for g, x in zip(G[i], X[int(at[1]) - 1])))
    holds = all(sp.Rational(str(v)) == f for v, f in zip(claim["values"], found))
    names = ", ".join(f"{shown_label(_entry_partial(str(claim['of']), at))} = {number(f)}"
                      for at, f in zip(claim["entries"], found))
    return Verdict(holds, names)


@family(TOPIC, "Weight-matrix gradients ∂L/∂W = δxᵀ and the batch sum G Xᵀ", ("NAT", "MCQ", "MSQ"), (1, 2))
def build(rng: random.Random, qtype: QuestionType, marks: int) -> Problem:
    return _single(rng, qtype) if marks == 1 else _batch(rng, qtype)
