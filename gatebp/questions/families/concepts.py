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

import json
import random
from collections.abc import Mapping
from functools import cache, lru_cache
from typing import Any

import sympy as sp

from gatebp.gate.question import QuestionType
from gatebp.network.graph import Find, Graph
from gatebp.network.slips import Slip
from gatebp.network.solve import forward_pass, solve
from gatebp.network.steps import Solution
from gatebp.questions.claims import ClaimError, Context, Verdict, decider
from gatebp.questions.families._claimkit import claimed, plural, spaced
from gatebp.questions.families.base import family
from gatebp.questions.families.common import Choice, build_graph, nonzero, require, solved
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
    return Verdict(tuple(claim["shape"]) == truth, f"{claim['of']} is {_shape(truth)}, and the gradient of a scalar "
                   f"loss has the shape of what it differentiates")


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
    return Verdict(holds, f"∂L/∂W_ij = Σ_k G_ik X_jk, which is (G Xᵀ)_ij: a {d['m']} × {d['n']} matrix")


@decider("matmul-cost")
def _decide_cost(claim: Mapping[str, Any], context: Context) -> Verdict:
    rows, inner, cols = int(claim["m"]), int(claim["batch"]), int(claim["n"])
    count = sum(1 for _ in range(rows) for _ in range(cols) for _ in range(inner))
    return Verdict(count == int(claim["value"]), f"G Xᵀ has {rows * cols} entries, each a sum of {inner} products: "
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
              ((m, n, batch), "kept a batch dimension (∂L/∂W = G Xᵀ sums over the batch)"),
              ((m, batch), "gave the shape of G = ∂L/∂Z, not of ∂L/∂W")],
        "b": [((m,), None), ((m, batch), "kept the batch dimension (∂L/∂b sums G over the batch)"),
              ((n,), "used the input size (b has one entry per output unit)"),
              ((batch,), "summed over the units instead of over the batch")],
        "X": [((n, batch), None), ((batch, n), "wrote the transposed shape (∂L/∂X has the shape of X)"),
              ((m, batch), "gave the shape of G = ∂L/∂Z, not of ∂L/∂X = Wᵀ G"),
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
               "With G = ∂L/∂Z: ∂L/∂W = G Xᵀ, ∂L/∂b = the sum of G's columns, ∂L/∂X = Wᵀ G."]


def _shape_choice(net: str, dims: dict[str, int], target: str, shape: Shape, mistake: str | None) -> Choice:
    claim: dict[str, object] = {"kind": "grad-shape", "net": net, "dims": dims, "of": target, "shape": list(shape)}
    return claimed(f"∂L/∂{target} is {_shape(shape)}", claim, mistake is None, mistake)


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
                       body=f"{_layer_text(m, n, batch)} How many entries does ∂L/∂{target} have?", extra=extra,
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
             Slip(sp.Integer(m * batch), "counted the entries of G instead of the products in G Xᵀ")]
    body = (f"{_layer_text(m, n, batch)} Computing ∂L/∂W = G Xᵀ directly (the schoolbook matrix product), how many "
            f"scalar multiplications are needed?")
    steps = [f"G is {m} × {batch} and Xᵀ is {batch} × {n}, so G Xᵀ is {m} × {n}.",
             f"Each of its {m * n} entries adds {batch} products: {m} × {n} × {batch} = {m * n * batch}."]
    return Problem(topic=SHAPES, marks=2, body=body, exact=answer, steps=steps, slips=spaced(answer, slips, 0, need=2),
                   extra={**_affine(m, n, batch), "asked": "cost"})


def _shape_formula(m: int, n: int, batch: int) -> Problem:
    """Which expression is ∂L/∂W: G Xᵀ, or the transpose, ∂L/∂X or ∂L/∂b by mistake."""
    wrong = {"X Gᵀ": f"took the transpose (X Gᵀ is {n} × {m}, the shape of Wᵀ)",
             "Wᵀ G": "gave ∂L/∂X instead of ∂L/∂W", "Σ columns of G": "gave ∂L/∂b instead of ∂L/∂W"}
    shapes = {"G Xᵀ": f"{m} × {n}", "X Gᵀ": f"{n} × {m}", "Wᵀ G": f"{n} × {batch}", "Σ columns of G": f"{m} entries"}
    choices = [claimed(f"{formula}, which is {shapes[formula]}" if formula != "Σ columns of G"
                       else f"the sum of G's columns, a vector of {m} entries",
                       {"kind": "grad-formula", "dims": {"m": m, "n": n, "batch": batch}, "formula": formula},
                       formula == "G Xᵀ", wrong.get(formula)) for formula in FORMULAS]
    body = f"{_layer_text(m, n, batch)} Which expression is ∂L/∂W?"
    return fixed_choices(topic=SHAPES, qtype="MCQ", marks=2, body=body, choices=choices, extra=_affine(m, n, batch),
                         steps=SHAPE_STEPS + [f"Z_ik = Σ_j W_ij X_jk + b_i, so ∂Z_ik/∂W_ij = X_jk and "
                                              f"∂L/∂W_ij = Σ_k G_ik X_jk = (G Xᵀ)_ij: {m} × {batch} times "
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
        "W1": [((n, h), "wrote W1 as inputs × units (Z1 = W1 X needs W1 to be units × inputs)"),
               ((h, batch), "gave the shape of ∂L/∂Z1, not of ∂L/∂W1")],
        "W2": [((h, m), "wrote W2 as inputs × units (Z2 = W2 A1 needs W2 to be outputs × hidden)"),
               ((m, n), "skipped the hidden layer (W2 maps the h hidden units, not the n inputs)")],
        "b1": [((h, batch), "kept the batch dimension (∂L/∂b1 sums over the examples)"),
               ((n,), "gave b1 one entry per input instead of one per hidden unit")],
        "A1": [((m, batch), "gave ∂L/∂A1 the shape of ∂L/∂Z2"), ((batch, h), "wrote the transposed shape")],
        "X": [((batch, n), "wrote the transposed shape (the examples are columns)"),
              ((h, batch), "gave ∂L/∂X the shape of ∂L/∂Z1")],
    }
    truth = variable_shapes("two-layer", tuple(sorted(dims.items())))
    choices = []
    for target in rng.sample(sorted(wrong), 4):
        shape, mistake = (truth[target], None) if rng.random() < 0.5 else rng.choice(wrong[target])
        choices.append(_shape_choice("two-layer", dims, target, shape, mistake))
    body = (f"A two-layer network computes Z1 = W1 X + b1, A1 = ReLU(Z1) (entrywise, ReLU(z) = max(0, z)), "
            f"Z2 = W2 A1 + b2 on a mini-batch X whose "
            f"{batch} columns are examples; it has {n} inputs, {h} hidden units and {m} outputs, and L is a scalar loss "
            f"computed from Z2. Which of the following statements is/are correct?")
    steps = ["Z = W·(input) with the examples as columns, so each W is (units of its layer) × (units feeding it).",
             f"W1: {h} × {n}; b1: {h} entries; Z1 and A1: {h} × {batch}; W2: {m} × {h}; Z2: {m} × {batch}; X: {n} × {batch}.",
             "A gradient of the scalar L has the shape of what it differentiates."]
    return fixed_choices(topic=SHAPES, qtype="MSQ", marks=2, body=body, choices=_some_true(choices), steps=steps,
                         extra={"net": "two-layer", "dims": dims})


# --- ad-modes: claims ----------------------------------------------------------------------------

MODES = "ad-modes"
X1, X2, T = sp.symbols("x1 x2 t")
SAMPLE = sp.Matrix([X1 * X2, X1 + X2**2, X2])  # f: ℝ² → ℝ³, so J·v and vᵀJ cannot be confused


@cache
def passes(mode: str, n: int, m: int) -> int:
    """One forward pass gives J·v, an m-vector: one column of the m × n Jacobian, so n passes; one
    reverse pass gives uᵀJ, an n-vector: one row, so m passes (read off the shapes SymPy computes)."""
    jacobian = sp.zeros(m, n)
    if mode == "forward":
        column = jacobian * sp.zeros(n, 1)
        return jacobian.shape[1] if column.shape == (m, 1) else 0
    row = sp.zeros(1, m) * jacobian
    return jacobian.shape[0] if row.shape == (1, n) else 0


@cache
def pass_result(mode: str) -> str:
    """Run one pass on SAMPLE at x = (1, 2): forward with tangent v = (1, −1) (d/dt f(x + t·v) at 0),
    reverse with adjoint u = (1, 2, −1) (the gradient of uᵀf); say which product it equals."""
    point = {X1: 1, X2: 2}
    jacobian = SAMPLE.jacobian([X1, X2]).subs(point)
    if mode == "forward":
        v = sp.Matrix([1, -1])
        tangent = sp.diff(SAMPLE.subs({X1: 1 + T * v[0], X2: 2 + T * v[1]}), T).subs(T, 0)
        return "Jv" if tangent == jacobian * v else "vJ" if v.T * jacobian == tangent.T else "neither"
    u = sp.Matrix([1, 2, -1])
    adjoint = sp.Matrix([sp.diff((u.T * SAMPLE)[0], var) for var in (X1, X2)]).subs(point)
    return "vJ" if u.T * jacobian == adjoint.T else "Jv" if adjoint == jacobian * u else "neither"


@decider("ad-passes")
def _decide_passes(claim: Mapping[str, Any], context: Context) -> Verdict:
    n, m, mode = int(claim["n"]), int(claim["m"]), str(claim["mode"])
    count = passes(mode, n, m)
    what = "one column J·v" if mode == "forward" else "one row uᵀJ"
    return Verdict(count == int(claim["passes"]), f"each {mode}-mode pass gives {what} of the {m} × {n} Jacobian: "
                   f"{plural(count, 'pass', 'passes')}")


@decider("ad-cheaper")
def _decide_cheaper(claim: Mapping[str, Any], context: Context) -> Verdict:
    n, m, mode = int(claim["n"]), int(claim["m"]), str(claim["mode"])
    other = "reverse" if mode == "forward" else "forward"
    mine, theirs = passes(mode, n, m), passes(other, n, m)
    return Verdict(mine < theirs, f"forward mode needs {plural(passes('forward', n, m), 'pass', 'passes')} (one per "
                   f"input) and reverse mode {passes('reverse', n, m)} (one per output)")


@decider("ad-choice")
def _decide_choice(claim: Mapping[str, Any], context: Context) -> Verdict:
    """'This mode needs fewer passes, and it needs this many.'"""
    cheaper = _decide_cheaper(claim, context)
    count = passes(str(claim["mode"]), int(claim["n"]), int(claim["m"]))
    return Verdict(cheaper.true and count == int(claim["passes"]), cheaper.why)


@decider("ad-product")
def _decide_product(claim: Mapping[str, Any], context: Context) -> Verdict:
    result = pass_result(str(claim["mode"]))
    text = {"Jv": "a Jacobian-vector product J·v", "vJ": "a vector-Jacobian product uᵀJ"}.get(result, "neither")
    return Verdict(result == claim["product"], f"one {claim['mode']}-mode pass, run on f(x1, x2) = (x1x2, x1 + x2², "
                   f"x2), returns {text}")


@decider("jacobian-shape")
def _decide_jacobian(claim: Mapping[str, Any], context: Context) -> Verdict:
    """For f = g∘h with h: ℝ^n → ℝ^k and g: ℝ^k → ℝ^m, J_f = J_g·J_h (shapes from SymPy)."""
    n, k, m = int(claim["n"]), int(claim["k"]), int(claim["m"])
    shapes = {"h": sp.zeros(k, n).shape, "g": sp.zeros(m, k).shape}
    shapes["f"] = (sp.zeros(m, k) * sp.zeros(k, n)).shape
    truth = shapes[str(claim["of"])]
    return Verdict(tuple(claim["shape"]) == truth, f"J_{claim['of']} is {truth[0]} × {truth[1]} "
                   f"(outputs × inputs; J_f = J_g·J_h)")


# --- ad-modes: the family ------------------------------------------------------------------------

def _dims(rng: random.Random) -> tuple[int, int]:
    few, many = rng.randint(1, 4), rng.randint(6, 50)
    return (many, few) if rng.random() < 0.5 else (few, many)


def _space(d: int) -> str:
    return "ℝ" if d == 1 else f"ℝ^{d}"


def _function(n: int, m: int) -> str:
    return f"A function f: {_space(n)} → {_space(m)} ({plural(n, 'input')}, {plural(m, 'output')})"


def _mode_steps(n: int, m: int) -> list[str]:
    return [f"The Jacobian of f is {m} × {n} (one row per output, one column per input).",
            f"A forward-mode pass pushes one direction v through f and returns J·v, one column: "
            f"{plural(n, 'column')} take {plural(n, 'pass', 'passes')}.",
            f"A reverse-mode pass pulls one output's sensitivity u back and returns uᵀJ, one row: "
            f"{plural(m, 'row')} take {plural(m, 'pass', 'passes')}."]


@family(MODES, "Forward- vs reverse-mode differentiation: passes needed", ("NAT", "MCQ", "MSQ"), (1, 2))
def build_modes(rng: random.Random, qtype: QuestionType, marks: int) -> Problem:
    """Passes for a Jacobian (1 mark) or for a network's whole gradient (2 marks)."""
    if marks == 2 and qtype != "MSQ":
        return _parameter_passes(rng)
    n, m = _dims(rng)
    if qtype == "MSQ":
        return _mode_statements(rng, marks, n, m)
    text = f"{_function(n, m)} is differentiated automatically to get its full {m} × {n} Jacobian."
    if qtype == "NAT":
        mode = rng.choice(("forward", "reverse"))
        answer, other = (n, m) if mode == "forward" else (m, n)
        slips = [Slip(sp.Integer(other), f"gave the other mode's count ({'reverse' if mode == 'forward' else 'forward'})"),
                 Slip(sp.Integer(n * m), "counted one pass per Jacobian entry")]
        return Problem(topic=MODES, marks=1, exact=sp.Integer(answer), slips=spaced(sp.Integer(answer), slips, 0, need=1),
                       body=f"{text} How many {mode}-mode passes does that take?", steps=_mode_steps(n, m),
                       extra={"n": n, "m": m, "mode": mode})
    cheap, dear = ("reverse", "forward") if m < n else ("forward", "reverse")
    count = {"forward": n, "reverse": m}
    options = [(cheap, count[cheap], None), (dear, count[dear], "picked the mode that needs more passes"),
               (cheap, count[dear], "swapped the two modes' pass counts"),
               (dear, count[cheap], "swapped the pass counts and picked the costlier mode")]
    choices = [claimed(f"{mode} mode, {plural(k, 'pass', 'passes')}",
                       {"kind": "ad-choice", "n": n, "m": m, "mode": mode, "passes": k}, mistake is None, mistake)
               for mode, k, mistake in options]
    return fixed_choices(topic=MODES, qtype="MCQ", marks=1, body=f"{text} Which mode needs fewer passes, and how many?",
                         choices=choices, steps=_mode_steps(n, m), extra={"n": n, "m": m})


def _parameter_passes(rng: random.Random) -> Problem:
    """2 marks: count the parameters first; forward mode needs one pass per parameter, reverse one."""
    n_in, hidden, n_out = rng.randint(2, 6), rng.randint(2, 8), rng.randint(1, 4)
    weights = n_in * hidden + hidden * n_out
    params = weights + hidden + n_out
    slips = [Slip(sp.Integer(weights), "left out the biases (each is a parameter too)"),
             Slip(sp.Integer(1), "gave reverse mode's count (one backward pass)"),
             Slip(sp.Integer(n_in), "counted one pass per network input instead of per parameter"),
             Slip(sp.Integer(n_out), "counted one pass per network output")]
    body = (f"An MLP with {plural(n_in, 'input')}, one hidden layer of {plural(hidden, 'unit')} and "
            f"{plural(n_out, 'output')} (every hidden and output unit has a bias) is trained on a scalar loss L. "
            f"How many forward-mode passes are needed to get ∂L/∂θ for every parameter θ?")
    steps = [f"parameters: {n_in} × {hidden} + {hidden} + {hidden} × {n_out} + {n_out} = {params}",
             f"L is a function of the {params} parameters with 1 output, so its Jacobian is 1 × {params}.",
             f"Forward mode gives one column per pass: {params} passes (one per parameter).",
             "Reverse mode (backprop) gives the one row in a single backward pass."]
    return Problem(topic=MODES, marks=2, body=body, exact=sp.Integer(params), steps=steps,
                   slips=spaced(sp.Integer(params), slips, 0), extra={"n_in": n_in, "hidden": hidden, "n_out": n_out})


def _mode_statements(rng: random.Random, marks: int, n: int, m: int) -> Problem:
    """Pass counts, the cheaper mode and JVP vs VJP; 2 marks adds the Jacobians of f = g∘h."""
    def count(mode: str) -> Choice:
        right = n if mode == "forward" else m
        shown_count = right if rng.random() < 0.5 else (m if mode == "forward" else n)
        return claimed(f"forward mode needs {plural(shown_count, 'pass', 'passes')} for the full Jacobian"
                       if mode == "forward" else
                       f"reverse mode needs {plural(shown_count, 'pass', 'passes')} for the full Jacobian",
                       {"kind": "ad-passes", "n": n, "m": m, "mode": mode, "passes": shown_count},
                       shown_count == right, "swapped the two modes' pass counts")

    cheaper = "reverse" if m < n else "forward"
    mode = cheaper if rng.random() < 0.5 else ("forward" if cheaper == "reverse" else "reverse")
    product = "Jv" if rng.random() < 0.5 else "vJ"
    pool = [count("forward"), count("reverse"),
            claimed(f"{mode} mode needs fewer passes here", {"kind": "ad-cheaper", "n": n, "m": m, "mode": mode},
                    mode == cheaper, "picked the mode that needs more passes"),
            claimed("each forward-mode pass gives a Jacobian-vector product J·v (one column of J)" if product == "Jv"
                    else "each forward-mode pass gives a vector-Jacobian product uᵀJ (one row of J)",
                    {"kind": "ad-product", "mode": "forward", "product": product}, product == "Jv",
                    "mixed up JVP (forward mode) and VJP (reverse mode)")]
    body = f"{_function(n, m)} is differentiated automatically."
    steps = _mode_steps(n, m)
    if marks == 2:
        k = rng.choice([k for k in range(2, 10) if k not in (n, m)])
        body = (f"{_function(n, m)} is computed as f = g∘h, with h: {_space(n)} → ℝ^{k} and g: ℝ^{k} → {_space(m)}, and is "
                f"differentiated automatically.")
        pool = rng.sample(pool, 2) + _jacobian_statements(rng, n, k, m)
        steps = steps + [f"J_h is {k} × {n}, J_g is {m} × {k}, and J_f = J_g·J_h is {m} × {n}."]
    return fixed_choices(topic=MODES, qtype="MSQ", marks=marks, body=f"{body} Which of the following statements "
                         f"is/are correct?", choices=_some_true(rng.sample(pool, 4)), steps=steps,
                         extra={"n": n, "m": m})


def _jacobian_statements(rng: random.Random, n: int, k: int, m: int) -> list[Choice]:
    """Two shape statements about the Jacobians in f = g∘h (the 2-mark step)."""
    options = {"f": [((m, n), None), ((n, m), "wrote the Jacobian as inputs × outputs")],
               "h": [((k, n), None), ((n, k), "wrote the Jacobian as inputs × outputs")],
               "g": [((m, k), None), ((m, n), "gave g the Jacobian shape of the whole f")]}
    out = []
    for of in rng.sample(sorted(options), 2):
        shape, mistake = rng.choice(options[of])
        out.append(claimed(f"the Jacobian of {of} is {shape[0]} × {shape[1]}",
                           {"kind": "jacobian-shape", "n": n, "k": k, "m": m, "of": of, "shape": list(shape)},
                           mistake is None, mistake))
    return out


# --- backward-cache ------------------------------------------------------------------------------

CACHE = "backward-cache"
NAME = __import__("re").compile(r"[A-Za-z][A-Za-z0-9_]*")


def _items(depth: int) -> dict[str, str]:
    """The values an option can name: leaves, and each hidden unit as 'z (or a)'."""
    items = {"x": "the input x"}
    for k in range(1, depth + 2):
        items[f"w{k}"], items[f"b{k}"] = f"the weight w{k}", f"the bias b{k}"
    items["t"] = "the target t"
    for k in range(1, depth + 1):
        items[f"z{k}"] = f"the hidden value z{k} (or a{k} = φ(z{k}))"
    items[f"z{depth + 1}"] = f"the output z{depth + 1}"
    return items


def backward_edges(graph: Graph, wrt: str) -> tuple[Any, ...]:
    """The solver's local derivatives on the path from L to `wrt` (cached: the family and the
    decider both read them)."""
    return _edges(json.dumps(graph.to_dict()), wrt)  # node order matters: never sort the keys


@lru_cache(maxsize=256)
def _edges(graph_json: str, wrt: str) -> tuple[Any, ...]:
    from gatebp.network.spec import graph_from_dict

    return solve(graph_from_dict(json.loads(graph_json)), Find("L", wrt)).edges


def read_by_backward_pass(graph: Graph, wrt: str) -> set[str]:
    """Every value the local derivatives on the backward path from L to `wrt` read; a hidden unit
    counts once whether its rule reads z or a."""
    edges = backward_edges(graph, wrt)
    names = {name for edge in edges for name in NAME.findall(edge.formula)}
    return {f"z{name[1:]}" if name.startswith("a") else name for name in names}


@decider("cache-read")
def _decide_cache(claim: Mapping[str, Any], context: Context) -> Verdict:
    """Does the backward pass for ∂L/∂wrt read this value (from the solver's local rules)?"""
    if context.graph is None:
        raise ClaimError("a cache claim needs the question's graph")
    wrt, item = str(claim["wrt"]), str(claim["item"])
    edges = backward_edges(context.graph, wrt)
    readers = [e.label for e in edges if item in {f"z{n[1:]}" if n.startswith("a") else n
                                                  for n in NAME.findall(e.formula)}]
    needed = bool(readers)
    why = (f"{readers[0]} = {_pretty(next(e.formula for e in edges if e.label == readers[0]))} reads it" if needed
           else f"no local derivative on the path from L to {wrt} reads it")
    return Verdict(needed == bool(claim.get("needed", True)), why)


def _cache_net(rng: random.Random, marks: int) -> tuple[Graph, str]:
    """x → z1 → a1 (→ z2 → a2) → output → L: the activation, the biases, the loss and ∂L/∂? all vary.
    The stem shows no numbers, so for σ and tanh the values make z1 = 0 (an exact a1, a cheap check)."""
    depth, act = marks, rng.choice(("relu", "sigmoid", "tanh"))
    biased = [rng.random() < 0.6 for _ in range(depth + 1)]
    values: dict[str, Any] = {"x": nonzero(rng, -2, 2)}
    nodes: dict[str, str] = {}
    prev = "x"
    for k in range(1, depth + 2):
        values[f"w{k}"] = nonzero(rng, -2, 2)
        if biased[k - 1]:
            values[f"b{k}"] = nonzero(rng, -2, 2)
        nodes[f"z{k}"] = f"w{k}*{prev}" + (f" + b{k}" if biased[k - 1] else "")
        if k <= depth:
            nodes[f"a{k}"] = f"{act}(z{k})"
            prev = f"a{k}"
    if act == "relu":
        values["w1"] = abs(values["w1"]) * (1 if values["x"] > 0 else -1)
        values["b1"] = abs(values["b1"]) if biased[0] else 0
    elif depth == 2:
        values["b1" if biased[0] else "x"] = -values["w1"] * values["x"] if biased[0] else 0
    values = {k: v for k, v in values.items() if k != "b1" or biased[0]}
    values["t"] = nonzero(rng, -2, 2)
    nodes["L"] = rng.choice((f"(z{depth + 1} - t)**2/2", f"(z{depth + 1} - t)**2"))
    wrt = rng.choice([name for name in values if name[0] in "wb" and (depth == 1 or name[1] != str(depth + 1))])
    graph = build_graph(values, nodes, Find("L", wrt))
    require(act != "relu" or all(forward_pass(graph)[f"z{k}"] > 0 for k in range(1, depth + 1)),
            "keep every ReLU open so the worked numbers are not all 0")
    return graph, wrt


def _pretty(text: str) -> str:
    """Spec notation as the paper writes it: w1·x, (z2 − t)², ½(z2 − t)², ReLU(z1), σ(z1), 1 − a1²."""
    text = text.replace("**2 / 2", "²/2").replace("**2/2", "²/2").replace("**2", "²")
    text = text.replace(" * ", "·").replace("*", "·").replace(" - ", " − ").replace("-", "−")
    text = text.replace("relu(", "ReLU(").replace("sigmoid(", "σ(")
    return "½" + text.removesuffix("/2") if text.endswith("²/2") else text


def _math(graph: Graph) -> str:
    """"z1 = w1·x + b1, a1 = ReLU(z1), …, L = ½(z2 − t)²": the network as the paper writes it."""
    return ", ".join(f"{node.name} = {_pretty(node.text)}" for node in graph.nodes)


def _layer(name: str) -> int:
    return int(name[1:])


def _unneeded_mistake(item: str, wrt: str) -> str:
    if item.startswith("w"):
        if item == wrt:
            return f"took ∂z{_layer(item)}/∂{item} to be {item} itself (it is the layer's input)"
        return f"thought {item} is on the backward path to {wrt} (only the weights above {wrt}'s layer are read)"
    if item.startswith("b"):
        return f"thought the bias {item} enters a local derivative (∂z/∂b = 1 reads nothing)"
    if item == "x":
        return "thought every gradient reads the input x (only ∂z1/∂w1 = x does)"
    return f"went below the layer of {wrt}: the path from L to {wrt} never reaches {item}"


@family(CACHE, "What the backward pass needs from the forward pass", ("MCQ", "MSQ"), (1, 2))
def build_cache(rng: random.Random, qtype: QuestionType, marks: int) -> Problem:
    """Which values the backward pass for ∂L/∂wrt reads (MSQ) or does not read (MCQ)."""
    graph, wrt = _cache_net(rng, marks)
    items = {k: v for k, v in _items(marks).items() if k in graph.values or any(n.name == k for n in graph.nodes)}
    read = read_by_backward_pass(graph, wrt)
    needed, unneeded = [k for k in items if k in read], [k for k in items if k not in read]
    act = graph.node("a1").text.split("(")[0]
    phi = {"relu": "ReLU, ReLU(z) = max(0, z)", "sigmoid": "σ, σ(z) = 1/(1 + e^(−z))", "tanh": "tanh"}[act]
    units = "one hidden unit" if marks == 1 else "two hidden units in a chain"
    text = (f"A network with {units} computes {_math(graph)}, where a_k = φ(z_k) with φ = {phi}. The backward pass "
            f"computes ∂L/∂{wrt} from values kept from the forward pass and the parameters.")
    edges = backward_edges(graph, wrt)
    steps = [f"{e.label} = {_pretty(e.formula)}" for e in edges] + [
        f"values read: {', '.join(items[k] for k in needed)}", f"never read: {', '.join(items[k] for k in unneeded)}"]
    require(len(unneeded) >= 1 and len(needed) >= 3, "too few values of one kind")
    if qtype == "MCQ":
        pick = [rng.choice(unneeded)] + rng.sample(needed, 3)
        choices = [claimed(items[k], {"kind": "cache-read", "wrt": wrt, "item": k, "needed": False}, k not in read,
                           f"overlooked that a local derivative on the path to {wrt} reads {items[k]}") for k in pick]
        return fixed_choices(topic=CACHE, qtype="MCQ", marks=marks, choices=choices, steps=steps, graph=graph,
                             body=f"{text} Which of the following values does it NOT need?")
    pick = rng.sample(list(items), 4)
    choices = [claimed(items[k], {"kind": "cache-read", "wrt": wrt, "item": k, "needed": True}, k in read,
                       _unneeded_mistake(k, wrt)) for k in pick]
    return fixed_choices(topic=CACHE, qtype="MSQ", marks=marks, choices=_some_true(choices), steps=steps, graph=graph,
                         body=f"{text} Which of the following values does it need?")


# --- dead-relu -----------------------------------------------------------------------------------

DEAD = "dead-relu"


def _dead_net(rng: random.Random, units: int, biased: bool) -> tuple[dict[str, int], dict[str, str]]:
    """x1, x2 → h_k = ReLU(w_k1·x1 + w_k2·x2 (+ b_k)) → y = Σ v_k h_k → L; at least one gate open, one closed."""
    closed = set(rng.sample(range(1, units + 1), rng.randint(1, units - 1)))
    values = {"x1": nonzero(rng, -2, 2), "x2": nonzero(rng, -2, 2)}
    require(values["x1"] != values["x2"], "repeated inputs")
    nodes: dict[str, str] = {}
    rows = set()
    for k in range(1, units + 1):
        a, b, bias = nonzero(rng, -2, 2), nonzero(rng, -2, 2), nonzero(rng, -2, 2) if biased else 0
        if (a * values["x1"] + b * values["x2"] + bias <= 0) != (k in closed):
            a, b, bias = -a, -b, -bias
        require(a * values["x1"] + b * values["x2"] + bias != 0 and (a, b) not in rows, "a ReLU input of 0 or equal rows")
        rows.add((a, b))
        values[f"w{k}1"], values[f"w{k}2"], values[f"v{k}"] = a, b, nonzero(rng, -2, 2)
        nodes[f"z{k}"] = f"w{k}1*x1 + w{k}2*x2" + (f" + b{k}" if biased else "")
        if biased:
            values[f"b{k}"] = bias
        nodes[f"h{k}"] = f"relu(z{k})"
    values["t"] = rng.randint(-3, 3)
    nodes["y"] = " + ".join(f"v{k}*h{k}" for k in range(1, units + 1))
    nodes["L"] = "(y - t)**2/2"
    return values, nodes


def _given(values: Mapping[str, object]) -> str:
    shown_values = [f"{k} = {v}" for k, v in values.items()]
    return ", ".join(shown_values[:-1]) + " and " + shown_values[-1]


@family(DEAD, "Which weights get zero gradient behind a closed ReLU", ("MCQ", "MSQ"), (1, 2))
def build_dead(rng: random.Random, qtype: QuestionType, marks: int) -> Problem:
    """Which weights a closed ReLU gate leaves with a zero gradient; every option a `zero` claim."""
    units = 2 if marks == 1 else 3
    values, nodes = _dead_net(rng, units, biased=marks == 2)
    graph, solution = solved(values, nodes, Find("L", "y"))
    require(solution.exact != 0, "y equals t: every gradient is 0")
    weights = [n for n in values if n[0] in "wv"]
    zero = [w for w in weights if _unit_closed(solution, w)]  # intent; each option's claim is decided by solving
    if qtype == "MCQ":
        pick = [rng.choice(zero)] + rng.sample([w for w in weights if w not in zero], 3)
    else:
        pick = rng.sample(weights, 4)
    choices = [claimed(w, {"kind": "zero", "find": {"of": "L", "wrt": w}, "zero": True}, _unit_closed(solution, w),
                       _open_mistake(solution, w)) for w in pick]
    body = (f"A network computes {_math(graph)} with {_given(values)}, where ReLU(z) = max(0, z). "
            + ("Which weight gets a zero gradient ∂L/∂w?" if qtype == "MCQ"
               else "For which of the following weights w is the gradient ∂L/∂w exactly 0?"))
    return fixed_choices(topic=DEAD, qtype=qtype, marks=marks, body=body,
                         choices=choices if qtype == "MCQ" else _some_true(choices),
                         steps=_dead_steps(solution, pick), graph=graph)


def _open_mistake(solution: Solution, weight: str) -> str:
    k = weight[1]
    if weight.startswith("v"):
        return f"took h{k} for 0, but its gate is open (h{k} = {solution.forward[f'h{k}']}) and ∂L/∂{weight} = (y − t)·h{k}"
    return f"took the open gate of h{k} (z{k} = {solution.forward[f'z{k}']} > 0) for a closed one"


def _unit_closed(solution: Solution, weight: str) -> bool:
    """w_kj and v_k belong to hidden unit k; its gate is closed when z_k ≤ 0."""
    return bool(solution.forward[f"z{weight[1]}"] <= 0)


def _dead_steps(solution: Solution, pick: list[str]) -> list[str]:
    """The forward pass, then each option's chain with its numbers: (y − t)·v_k·ReLU'(z_k)·x_j."""
    f = solution.forward
    units = sorted({name[1] for name in f if name.startswith("z")})
    lines = [f"z{k} = {f[f'z{k}']}: the gate of h{k} is {'open' if f[f'z{k}'] > 0 else 'closed'} "
             f"(ReLU'(z{k}) = {1 if f[f'z{k}'] > 0 else 0}), h{k} = {f[f'h{k}']}" for k in units]
    delta = f["y"] - f["t"]
    lines.append(f"y = {f['y']}, ∂L/∂y = y − t = {delta}")
    for w in pick:
        k, gate = w[1], 1 if f[f"z{w[1]}"] > 0 else 0
        if w.startswith("v"):
            lines.append(f"∂L/∂{w} = (y − t)·h{k} = {delta} × {f[f'h{k}']} = {delta * f[f'h{k}']}")
        else:
            x = f[f"x{w[2]}"]
            lines.append(f"∂L/∂{w} = (y − t)·v{k}·ReLU'(z{k})·x{w[2]} = {delta} × {f[f'v{k}']} × {gate} × {x} "
                         f"= {delta * f[f'v{k}'] * gate * x}")
    return lines
