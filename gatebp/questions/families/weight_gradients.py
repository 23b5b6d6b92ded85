"""Family `weight-gradients`: entries and rows of ∂L/∂W for a layer, ∂L/∂W = δ xᵀ, and its batch form G Xᵀ.

1 mark: one example through a linear layer y = Wx + b with L = ½‖y − t‖², so δ = ∂L/∂y = y − t and
∂L/∂W = δ xᵀ (entry (i, j) = δ_i x_j). The layer is a layer-form spec with the loss as a node, and
the key comes from the real solver ({of: L, wrt: w_y{i}_x{j}}); the student does one forward row and
one product. 2 marks: a mini-batch: G = ∂L/∂Z (one column per example) and X are given, and
∂L/∂W = G Xᵀ sums the per-example products (the extra step: one product per example, then the sum).
Slips: the transposed product (x δᵀ, X Gᵀ: the (j, i) entry), δ = t − y (a sign slip), ∂L/∂y = y
(the target forgotten), leaving out the bias in the forward pass, only the first example (un-summed),
the batch mean where L is the batch sum, the product of the sums.
"""

from __future__ import annotations

import json
import random
from dataclasses import dataclass
from fractions import Fraction

from gatebp.gate.question import Question, QuestionType
from gatebp.network.solve import solve
from gatebp.network.spec import parse_spec
from gatebp.questions.families._claims import Named, named, numeric, vector_mcq
from gatebp.questions.families.base import family
from gatebp.questions.families.common import (
    Choice,
    choice_question,
    matrix,
    nonzero,
    rational,
    require,
    shown,
    some_true,
    vector,
)

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
    return (f"A linear layer computes y = Wx + b for the input x = {vector(layer.x)}, with W = {matrix(layer.W)} "
            f"(row i feeds y_i, so W_ij is the weight from x_j to y_i) and b = {vector(layer.b)}. The loss is "
            f"L = ½[(y1 − t1)² + (y2 − t2)²] with the target t = {vector(layer.t)}.")


def entry_slips(layer: Layer, i: int, j: int) -> list[Named]:
    d, x, y = layer.delta(), layer.x, layer.y()
    found = [named(-d[i] * x[j], "used δ = t − y instead of y − t (a sign slip)"),
             named(y[i] * x[j], "used ∂L/∂y_i = y_i, forgetting to subtract the target"),
             named(layer.delta(bias=False)[i] * x[j], "left out the bias b in the forward pass")]
    if j < 2:
        found.insert(0, named(d[j] * x[i], f"took the ({j + 1}, {i + 1}) entry of δxᵀ (indices swapped, as in xδᵀ)"))
    return found


def layer_working(layer: Layer) -> list[str]:
    y, d = layer.y(), layer.delta()
    return [f"y = Wx + b = {vector(y)}", f"δ = ∂L/∂y = y − t = {vector(d)}",
            f"∂L/∂W = δ xᵀ: entry (i, j) = δ_i x_j; row 1 = {shown(d[0])}·{vector(layer.x)} = "
            f"{vector([d[0] * v for v in layer.x])}, row 2 = {shown(d[1])}·{vector(layer.x)} = "
            f"{vector([d[1] * v for v in layer.x])}", f"∂L/∂b = δ = {vector(d)}"]


def _single(rng: random.Random, qtype: QuestionType) -> Question:
    layer = draw_layer(rng)
    i, j = rng.randrange(2), rng.randrange(3)
    graph = parse_spec(spec_text(layer, f"w_y{i + 1}_x{j + 1}"), source="<generated>")
    solution = solve(graph)
    if solution.exact != rational(layer.delta()[i] * layer.x[j]):
        raise AssertionError("δ_i x_j disagrees with the solver")  # the layer arithmetic the options use
    if qtype == "MSQ":
        return _single_statements(rng, layer)
    if qtype == "MCQ":
        return _row_mcq(rng, layer, i)
    body = f"{describe_layer(layer)} What is ∂L/∂W_{i + 1}{j + 1}, the ({i + 1}, {j + 1}) entry of ∂L/∂W?"
    return numeric("NAT", topic=TOPIC, marks=1, body=body, exact=solution.exact, slips=entry_slips(layer, i, j),
                   places=0, steps=layer_working(layer), graph=graph, find=graph.find)


def _row_mcq(rng: random.Random, layer: Layer, i: int) -> Question:
    """MCQ: row i of ∂L/∂W, δ_i xᵀ; each distractor is a whole wrong row."""
    d, x, y = layer.delta(), layer.x, layer.y()
    slips = [named([-d[i] * v for v in x], "used δ = t − y instead of y − t (a sign slip)"),
             named([y[i] * v for v in x], "used ∂L/∂y_i = y_i, forgetting to subtract the target"),
             named([layer.delta(bias=False)[i] * v for v in x], "left out the bias b in the forward pass"),
             named([d[1 - i] * v for v in x], f"used δ_{2 - i} (the other output's error) for row {i + 1}")]
    body = f"{describe_layer(layer)} What is row {i + 1} of ∂L/∂W (the gradient of L with respect to W_{i + 1}1, W_{i + 1}2, W_{i + 1}3)?"
    return vector_mcq(topic=TOPIC, marks=1, body=body, key=[d[i] * v for v in x], slips=slips, places=0,
                      steps=layer_working(layer), rng=rng, exact=True)


def _single_statements(rng: random.Random, layer: Layer) -> Question:
    d, x = layer.delta(), layer.x
    i, j = rng.randrange(2), rng.randrange(2)
    first = entry_slips(layer, i, j)[0]
    choices = [
        _numeric_claim(rng, f"∂L/∂W_{i + 1}{j + 1} = {{}}", d[i] * x[j], first),
        _numeric_claim(rng, f"∂L/∂b_{i + 1} = {{}}", d[i], named(layer.y()[i], "used ∂L/∂y_i = y_i, forgetting "
                                                                             "to subtract the target")),
        _shape_claim(rng),
        _numeric_claim(rng, f"∂L/∂W_{2 - i}3 = {{}}", d[1 - i] * x[2],
                       named(d[i] * x[2], f"used δ_{i + 1} (the other output's error) for row {2 - i}")),
    ]
    body = f"{describe_layer(layer)} Which statements about the gradients are true?"
    return choice_question(topic=TOPIC, qtype="MSQ", marks=1, body=body, choices=some_true(choices),
                           steps=layer_working(layer), rng=rng)


def _numeric_claim(rng: random.Random, template: str, value: Fraction, slip: Named) -> Choice:
    """True with the value, or false with a slip's value (when it prints differently)."""
    wrong = Fraction(slip.value[0]).limit_denominator(10**6)
    if rng.random() < 0.5 and wrong != value:
        return Choice(template.format(shown(wrong)), False, float(wrong), slip.mistake)
    return Choice(template.format(shown(value)), True, float(value))


def _shape_claim(rng: random.Random) -> Choice:
    if rng.random() < 0.5:
        return Choice("∂L/∂W is a 2 × 3 matrix, the shape of W", True)
    return Choice("∂L/∂W is a 3 × 2 matrix", False, mistake="took the shape of xδᵀ (a gradient has the shape of "
                                                            "what it differentiates)")


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
    return (f"A linear layer Z = WX + b, with W of shape 2 × 2, is applied to a mini-batch of 3 examples, the "
            f"columns of X = {matrix(batch.X)} (row j holds input x_j). The loss L is the sum of the 3 examples' "
            f"losses, and the backward pass has reached G = ∂L/∂Z = {matrix(batch.G)} (column k belongs to "
            f"example k, row i to output z_i). W_ij is the weight from x_j to z_i.")


def batch_working(batch: Batch, i: int, j: int) -> list[str]:
    G, X = batch.G, batch.X
    terms = " + ".join(f"({shown(g)})({shown(x)})" for g, x in zip(G[i], X[j]))
    rows = [vector([batch.entry(r, c) for c in range(2)]) for r in range(2)]
    return ["∂L/∂W = G Xᵀ: entry (i, j) = Σ_k G_ik X_jk, one product per example, summed",
            f"(i, j) = ({i + 1}, {j + 1}): {terms} = {shown(batch.entry(i, j))}",
            f"∂L/∂W = {'[' + ', '.join(rows) + ']'}", f"∂L/∂b = row sums of G = {vector([sum(r) for r in G])}"]


def _batch(rng: random.Random, qtype: QuestionType) -> Question:
    batch = draw_batch(rng)
    i, j = rng.randrange(2), rng.randrange(2)
    require(batch.entry(i, j) != 0 and batch.entry(i, j) != batch.G[i][0] * batch.X[j][0], "a zero or one-example sum")
    if qtype == "MSQ":
        return _batch_statements(rng, batch, i, j)
    if qtype == "MCQ":
        key = [batch.entry(i, c) for c in range(2)]
        slips = [named([batch.G[i][0] * batch.X[c][0] for c in range(2)], "used only the first example "
                                                                           "(forgot to sum over the batch)"),
                 named([batch.entry(c, i) for c in range(2)], f"took column {i + 1} of G Xᵀ (row {i + 1} of X Gᵀ)"),
                 named([sum(batch.G[i]) * sum(batch.X[c]) for c in range(2)], "multiplied the row sums of G and X"),
                 named([v / 3 for v in key], "averaged over the 3 examples, but L is their sum")]
        slips = [s for s in slips if all(float(v).is_integer() for v in s.value)]
        body = f"{describe_batch(batch)} What is row {i + 1} of ∂L/∂W, (∂L/∂W_{i + 1}1, ∂L/∂W_{i + 1}2)?"
        return vector_mcq(topic=TOPIC, marks=2, body=body, key=key, slips=slips, places=0,
                          steps=batch_working(batch, i, j), rng=rng, exact=True)
    body = f"{describe_batch(batch)} What is ∂L/∂W_{i + 1}{j + 1}?"
    return numeric("NAT", topic=TOPIC, marks=2, body=body, exact=rational(batch.entry(i, j)),
                   slips=batch_slips(batch, i, j), places=0, steps=batch_working(batch, i, j))


def _batch_statements(rng: random.Random, batch: Batch, i: int, j: int) -> Question:
    slips = batch_slips(batch, i, j)
    choices = [
        _numeric_claim(rng, f"∂L/∂W_{i + 1}{j + 1} = {{}}", batch.entry(i, j), slips[-3]),
        _numeric_claim(rng, f"∂L/∂b_{i + 1} = {{}}", sum(batch.G[i], Fraction(0)),
                       named(batch.G[i][0], "used only the first example's G for the bias gradient")),
        _numeric_claim(rng, f"∂L/∂W_{2 - i}{2 - j} = {{}}", batch.entry(1 - i, 1 - j),
                       batch_slips(batch, 1 - i, 1 - j)[-1]),
        Choice("∂L/∂W has one entry per weight (2 × 2), the batch summed out", True) if rng.random() < 0.5 else
        Choice("∂L/∂W has a 2 × 2 block for each example (2 × 2 × 3 in all)", False,
               mistake="kept a batch dimension (G Xᵀ sums over the examples)"),
    ]
    body = f"{describe_batch(batch)} Which statements are true?"
    return choice_question(topic=TOPIC, qtype="MSQ", marks=2, body=body, choices=some_true(choices),
                           steps=batch_working(batch, i, j), rng=rng)


@family(TOPIC, "Weight-matrix gradients ∂L/∂W = δxᵀ and the batch sum G Xᵀ", ("NAT", "MCQ", "MSQ"), (1, 2))
def build(rng: random.Random, qtype: QuestionType, marks: int) -> Question:
    return _single(rng, qtype) if marks == 1 else _batch(rng, qtype)
