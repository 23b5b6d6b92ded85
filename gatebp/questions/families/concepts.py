"""Family 13: conceptual questions around backprop, as four small topics.

- grad-shapes: the shapes of ∂L/∂W, ∂L/∂b, ∂L/∂X for Z = WX + b over a batch (a gradient has the
  shape of what it differentiates; the batch is summed out of ∂L/∂W and ∂L/∂b). 1 mark: one
  layer whose shapes are given; 2 marks: ∂L/∂W as a formula (the chain rule over the batch), the
  multiplications in G Xᵀ, or a two-layer network given only by its layer sizes, so each weight
  matrix's shape must be inferred first (the extra step).
- ad-modes: forward mode needs one pass per input, reverse mode one per output. 1 mark: the
  passes for an m × n Jacobian; 2 marks: the passes for a network's whole gradient (count the
  parameters first), or, in the MSQ, the Jacobian shapes of a composition f = g∘h as well.
- backward-cache: which forward values the backward pass reads (from the solver's local rules).
  1 mark: one hidden unit; 2 marks: two hidden units in a chain, so the rules of both are read.
- dead-relu: which weights get a zero gradient when a ReLU is closed. 1 mark: two units without
  biases; 2 marks: three units with biases, so each gate needs w·x + b first.

Every option is a claim decided by computation: `grad-shape` (SymPy matrices of the stated sizes
pushed through the forward pass), `grad-formula` (∂L/∂W computed entry by entry on integer
matrices and compared with the formula), `matmul-cost`, `ad-passes`, `ad-choice`, `ad-cheaper`,
`ad-product` (a forward- and a reverse-mode pass run on a concrete function), `jacobian-shape`,
`cache-read` (the names the local derivatives on the backward path read) and the generic `zero`.
"""

from __future__ import annotations

import random
from collections.abc import Mapping
from functools import cache
from typing import Any

import sympy as sp

from gatebp.gate.question import QuestionType
from gatebp.network.slips import Slip
from gatebp.questions.claims import Context, Verdict, decider
from gatebp.questions.families._claimkit import claimed, spaced
from gatebp.questions.families.base import family
from gatebp.questions.families.common import Choice, require, uni
from gatebp.questions.problem import Problem, fixed_choices

Shape = tuple[int, ...]


def _shape(shape: Shape) -> str:
    return f"a vector of {shape[0]} entries" if len(shape) == 1 else " × ".join(map(str, shape))


def _some_true(choices: list[Choice]) -> list[Choice]:
    require(any(c.correct for c in choices) and not all(c.correct for c in choices), "all four alike")
    return choices


# --- grad-shapes: claims -------------------------------------------------------------------------

SHAPES = "grad-shapes"


@cache
def variable_shapes(net: str, dims: tuple[tuple[str, int], ...]) -> dict[str, Shape]:
    """Every variable's shape, by pushing SymPy matrices of the stated sizes through the forward pass
    (each layer is Z = W·(input) + b with the examples as columns; a mismatch would raise)."""
    d = dict(dims)
    x = sp.zeros(d["n"], d["batch"])
    if net == "affine":
        w = sp.zeros(d["m"], d["n"])
        z = w * x
        return {"W": w.shape, "b": (d["m"],), "X": x.shape, "Z": z.shape}
    w1, w2 = sp.zeros(d["h"], d["n"]), sp.zeros(d["m"], d["h"])
    z1 = w1 * x
    z2 = w2 * z1
    return {"X": x.shape, "W1": w1.shape, "b1": (d["h"],), "Z1": z1.shape, "A1": z1.shape,
            "W2": w2.shape, "b2": (d["m"],), "Z2": z2.shape}


def _dims_key(claim: Mapping[str, Any]) -> tuple[tuple[str, int], ...]:
    return tuple(sorted((k, int(v)) for k, v in claim["dims"].items()))


@decider("grad-shape")
def _decide_shape(claim: Mapping[str, Any], context: Context) -> Verdict:
    """∂L/∂V has the shape of V (L is a scalar), V's shape from the forward pass."""
    truth = variable_shapes(str(claim["net"]), _dims_key(claim))[str(claim["of"])]
    return Verdict(tuple(claim["shape"]) == truth, f"{uni(str(claim['of']))} is {_shape(truth)}, and the gradient of "
                   f"a scalar loss has the shape of what it differentiates")


FORMULAS = ("G Xᵀ", "X Gᵀ", "Wᵀ G", "Σ columns of G")


def _formula_value(formula: str, w: sp.Matrix, x: sp.Matrix, g: sp.Matrix) -> sp.Matrix:
    return {"G Xᵀ": lambda: g * x.T, "X Gᵀ": lambda: x * g.T, "Wᵀ G": lambda: w.T * g,
            "Σ columns of G": lambda: g * sp.ones(g.shape[1], 1)}[formula]()


@cache
def _matrices(m: int, n: int, batch: int) -> tuple[sp.Matrix, sp.Matrix, sp.Matrix, sp.Matrix]:
    """Integer W, X, G and ∂L/∂W for L = Σ G∘(WX + b) (so G = ∂L/∂Z), entry by entry: L is linear in
    W, so ∂L/∂W_ij = L(W + E_ij) − L(W) exactly."""
    rng = random.Random(f"grad-formula|{m}|{n}|{batch}")
    w, x, g = ([[rng.randint(-3, 3) for _ in range(c)] for _ in range(r)] for r, c in ((m, n), (n, batch), (m, batch)))

    def loss(weights: list[list[int]]) -> int:
        return sum(g[i][k] * sum(weights[i][j] * x[j][k] for j in range(n)) for i in range(m) for k in range(batch))

    def bumped(i: int, j: int) -> list[list[int]]:
        return [[v + (1 if (a, c) == (i, j) else 0) for c, v in enumerate(row)] for a, row in enumerate(w)]

    base = loss(w)
    truth = [[loss(bumped(i, j)) - base for j in range(n)] for i in range(m)]
    return sp.Matrix(w), sp.Matrix(x), sp.Matrix(g), sp.Matrix(truth)


@decider("grad-formula")
def _decide_formula(claim: Mapping[str, Any], context: Context) -> Verdict:
    """The formula evaluated on integer matrices against ∂L/∂W computed entry by entry."""
    d = dict(_dims_key(claim))
    w, x, g, truth = _matrices(d["m"], d["n"], d["batch"])
    value = _formula_value(str(claim["formula"]), w, x, g)
    holds = value.shape == truth.shape and value == truth
    return Verdict(holds, f"∂L/∂Wᵢⱼ = Σₖ GᵢₖXⱼₖ, which is (GXᵀ)ᵢⱼ: a {d['m']} × {d['n']} matrix")


@decider("matmul-cost")
def _decide_cost(claim: Mapping[str, Any], context: Context) -> Verdict:
    rows, inner, cols = int(claim["m"]), int(claim["batch"]), int(claim["n"])
    count = sum(1 for _ in range(rows) for _ in range(cols) for _ in range(inner))
    return Verdict(count == int(claim["value"]), f"GXᵀ has {rows * cols} entries, each a sum of {inner} products: "
                   f"{count} multiplications")


# --- grad-shapes: the family ---------------------------------------------------------------------

def _sizes(rng: random.Random) -> tuple[int, int, int]:
    m, n, batch = rng.sample(range(2, 9), 3)
    return m, n, batch


def _affine(m: int, n: int, batch: int) -> dict[str, object]:
    return {"net": "affine", "dims": {"m": m, "n": n, "batch": batch}}


def _shape_options(target: str, m: int, n: int, batch: int) -> list[tuple[Shape, str | None]]:
    """The right shape first, then wrong shapes each with the slip that gives it."""
    table: dict[str, list[tuple[Shape, str | None]]] = {
        "W": [((m, n), None), ((n, m), "wrote the transposed shape (∂L/∂W has the shape of W)"),
              ((m, n, batch), "kept a batch dimension (∂L/∂W = GXᵀ sums over the batch)"),
              ((m, batch), "gave the shape of G = ∂L/∂Z, not of ∂L/∂W")],
        "b": [((m,), None), ((m, batch), "kept the batch dimension (∂L/∂b sums G over the batch)"),
              ((n,), "used the input size (b has one entry per output unit)"),
              ((batch,), "summed over the units instead of over the batch")],
        "X": [((n, batch), None), ((batch, n), "wrote the transposed shape (∂L/∂X has the shape of X)"),
              ((m, batch), "gave the shape of G = ∂L/∂Z, not of ∂L/∂X = WᵀG"),
              ((n,), "dropped the batch dimension (each example has its own ∂L/∂x)")],
        "Z": [((m, batch), None), ((batch, m), "wrote the transposed shape (∂L/∂Z has the shape of Z)"),
              ((m, n), "gave the shape of W instead of Z = WX + b")],
    }
    return table[target]


def _layer_text(m: int, n: int, batch: int) -> str:
    return (f"An affine layer computes Z = WX + b for a mini-batch: W is {m} × {n}, b has {m} entries "
            f"(added to every column), and X is {n} × {batch} ({batch} examples as columns). L is a scalar loss "
            f"computed from Z, and G = ∂L/∂Z.")


SHAPE_STEPS = ["A gradient of a scalar L has the shape of the quantity it differentiates.",
               "With G = ∂L/∂Z: ∂L/∂W = GXᵀ, ∂L/∂b = the sum of G's columns, ∂L/∂X = WᵀG."]
SHOWN = {"G Xᵀ": "GXᵀ", "X Gᵀ": "XGᵀ", "Wᵀ G": "WᵀG"}  # a formula as the paper prints it (claims keep the key)


def _shape_choice(net: str, dims: dict[str, int], target: str, shape: Shape, mistake: str | None) -> Choice:
    claim: dict[str, object] = {"kind": "grad-shape", "net": net, "dims": dims, "of": target, "shape": list(shape)}
    return claimed(f"∂L/∂{uni(target)} is {_shape(shape)}", claim, mistake is None, mistake)


@family(SHAPES, "Shapes of ∂L/∂W, ∂L/∂b, ∂L/∂X for an affine layer", ("NAT", "MCQ", "MSQ"), (1, 2))
def build_shapes(rng: random.Random, qtype: QuestionType, marks: int) -> Problem:
    """1 mark: one shape or entry count; 2 marks: the cost, the formula, or a two-layer MSQ."""
    m, n, batch = _sizes(rng)
    if qtype == "MSQ":
        return _two_layer_statements(rng) if marks == 2 else _shape_statements(rng, m, n, batch)
    if marks == 2:
        return _shape_cost(m, n, batch) if qtype == "NAT" else _shape_formula(m, n, batch)
    target = rng.choice("WbX")
    options = _shape_options(target, m, n, batch)
    extra = {**_affine(m, n, batch), "of": target}
    if qtype == "NAT":
        answer = sp.Integer(sp.prod(options[0][0]))
        slips = [Slip(sp.Integer(sp.prod(s)), mistake) for s, mistake in options[1:] if mistake]
        return Problem(topic=SHAPES, marks=1, exact=answer, slips=spaced(answer, slips, 0, need=1),
                       body=f"{_layer_text(m, n, batch)} The number of entries of ∂L/∂{target} is", extra=extra,
                       steps=SHAPE_STEPS + [f"∂L/∂{target} is {_shape(options[0][0])}: {answer} entries"])
    choices = [claimed(_shape(s), {"kind": "grad-shape", **_affine(m, n, batch), "of": target, "shape": list(s)},
                       mistake is None, mistake) for s, mistake in options]
    return fixed_choices(topic=SHAPES, qtype="MCQ", marks=1, body=f"{_layer_text(m, n, batch)} What is the shape "
                         f"of ∂L/∂{target}?", choices=choices, extra=extra,
                         steps=SHAPE_STEPS + [f"{target} is {_shape(options[0][0])}, so ∂L/∂{target} is too"])


def _shape_cost(m: int, n: int, batch: int) -> Problem:
    answer = sp.Integer(m * n * batch)
    slips = [Slip(sp.Integer(m * n), "counted one product per entry of ∂L/∂W (each entry sums over the batch)"),
             Slip(sp.Integer(m * n * (batch - 1)), "counted the additions instead of the multiplications"),
             Slip(sp.Integer(m * batch), "counted the entries of G instead of the products in GXᵀ")]
    body = (f"{_layer_text(m, n, batch)} If ∂L/∂W = GXᵀ is computed directly (the schoolbook matrix product), the "
            f"number of scalar multiplications needed is")
    steps = [f"G is {m} × {batch} and Xᵀ is {batch} × {n}, so GXᵀ is {m} × {n}.",
             f"Each of its {m * n} entries adds {batch} products: {m} × {n} × {batch} = {m * n * batch}."]
    return Problem(topic=SHAPES, marks=2, body=body, exact=answer, steps=steps, slips=spaced(answer, slips, 0, need=2),
                   extra={**_affine(m, n, batch), "asked": "cost"})


def _shape_formula(m: int, n: int, batch: int) -> Problem:
    """Which expression is ∂L/∂W: G Xᵀ, or the transpose, ∂L/∂X or ∂L/∂b by mistake."""
    wrong = {"X Gᵀ": f"took the transpose (XGᵀ is {n} × {m}, the shape of Wᵀ)",
             "Wᵀ G": "gave ∂L/∂X instead of ∂L/∂W", "Σ columns of G": "gave ∂L/∂b instead of ∂L/∂W"}
    shapes = {"G Xᵀ": f"{m} × {n}", "X Gᵀ": f"{n} × {m}", "Wᵀ G": f"{n} × {batch}", "Σ columns of G": f"{m} entries"}
    choices = [claimed(f"{SHOWN[formula]}, which is {shapes[formula]}" if formula != "Σ columns of G"
                       else f"the sum of G's columns, a vector of {m} entries",
                       {"kind": "grad-formula", "dims": {"m": m, "n": n, "batch": batch}, "formula": formula},
                       formula == "G Xᵀ", wrong.get(formula)) for formula in FORMULAS]
    body = f"{_layer_text(m, n, batch)} Which one of the following expressions is ∂L/∂W?"
    return fixed_choices(topic=SHAPES, qtype="MCQ", marks=2, body=body, choices=choices, extra=_affine(m, n, batch),
                         steps=SHAPE_STEPS + [f"Zᵢₖ = Σⱼ WᵢⱼXⱼₖ + bᵢ, so ∂Zᵢₖ/∂Wᵢⱼ = Xⱼₖ and "
                                              f"∂L/∂Wᵢⱼ = Σₖ GᵢₖXⱼₖ = (GXᵀ)ᵢⱼ: {m} × {batch} times "
                                              f"{batch} × {n} gives {m} × {n}, the shape of W."])


def _shape_statements(rng: random.Random, m: int, n: int, batch: int) -> Problem:
    dims = {"m": m, "n": n, "batch": batch}
    choices = []
    for target in rng.sample(["W", "b", "X", "Z"], 4):
        options = _shape_options(target, m, n, batch)
        shape, mistake = options[0] if rng.random() < 0.5 else rng.choice(options[1:])
        choices.append(_shape_choice("affine", dims, target, shape, mistake))
    body = f"{_layer_text(m, n, batch)} Which of the following statements is/are correct?"
    return fixed_choices(topic=SHAPES, qtype="MSQ", marks=1, body=body, choices=_some_true(choices),
                         extra=_affine(m, n, batch),
                         steps=SHAPE_STEPS + [f"∂L/∂W: {m} × {n}; ∂L/∂b: {m} entries; ∂L/∂X: {n} × {batch}; "
                                              f"∂L/∂Z: {m} × {batch}"])


def _two_layer_statements(rng: random.Random) -> Problem:
    """2 marks: only the layer sizes are given, so every weight shape is inferred before its gradient."""
    n, h, m, batch = rng.sample(range(2, 9), 4)
    dims = {"n": n, "h": h, "m": m, "batch": batch}
    wrong: dict[str, list[tuple[Shape, str]]] = {
        "W1": [((n, h), "wrote W₁ as inputs × units (Z₁ = W₁X needs W₁ to be units × inputs)"),
               ((h, batch), "gave the shape of ∂L/∂Z₁, not of ∂L/∂W₁")],
        "W2": [((h, m), "wrote W₂ as inputs × units (Z₂ = W₂A₁ needs W₂ to be outputs × hidden)"),
               ((m, n), "skipped the hidden layer (W₂ maps the h hidden units, not the n inputs)")],
        "b1": [((h, batch), "kept the batch dimension (∂L/∂b₁ sums over the examples)"),
               ((n,), "gave b₁ one entry per input instead of one per hidden unit")],
        "A1": [((m, batch), "gave ∂L/∂A₁ the shape of ∂L/∂Z₂"), ((batch, h), "wrote the transposed shape")],
        "X": [((batch, n), "wrote the transposed shape (the examples are columns)"),
              ((h, batch), "gave ∂L/∂X the shape of ∂L/∂Z₁")],
    }
    truth = variable_shapes("two-layer", tuple(sorted(dims.items())))
    choices = []
    for target in rng.sample(sorted(wrong), 4):
        shape, mistake = (truth[target], None) if rng.random() < 0.5 else rng.choice(wrong[target])
        choices.append(_shape_choice("two-layer", dims, target, shape, mistake))
    body = (f"A two-layer network computes Z₁ = W₁X + b₁, A₁ = ReLU(Z₁) (entrywise, ReLU(z) = max(0, z)) and "
            f"Z₂ = W₂A₁ + b₂ on a mini-batch X whose "
            f"{batch} columns are examples; it has {n} inputs, {h} hidden units and {m} outputs, and L is a scalar loss "
            f"computed from Z₂. Which of the following statements is/are correct?")
    steps = ["Z = W·(input) with the examples as columns, so each W is (units of its layer) × (units feeding it).",
             f"W₁: {h} × {n}; b₁: {h} entries; Z₁ and A₁: {h} × {batch}; W₂: {m} × {h}; Z₂: {m} × {batch}; "
             f"X: {n} × {batch}.",
             "A gradient of the scalar L has the shape of what it differentiates."]
    return fixed_choices(topic=SHAPES, qtype="MSQ", marks=2, body=body, choices=_some_true(choices), steps=steps,
                         extra={"net": "two-layer", "dims": dims})
