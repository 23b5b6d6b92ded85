"""Family 13: conceptual questions around backprop, as four small topics.

- grad-shapes: the shapes of ∂L/∂W, ∂L/∂b, ∂L/∂X for Z = WX + b over a batch (a gradient has the
  shape of what it differentiates; the batch is summed out of ∂L/∂W and ∂L/∂b);
- ad-modes: forward mode needs one pass per input, reverse mode one per output;
- backward-cache: which forward values the backward pass reads (from the solver's local rules);
- dead-relu: which weights get a zero gradient when a ReLU is closed (from the solver).
"""

from __future__ import annotations

import random
import re

import sympy as sp

from gatebp.questions.families.base import Resample, family
from gatebp.questions.families.common import (Choice, computes, given, nonzero,
                                    solved, some_true)
from gatebp.network.graph import Find, Graph
from gatebp.network.slips import Slip
from gatebp.gate.question import QuestionType
from gatebp.questions.problem import Problem, fixed_choices
from gatebp.network.solve import solve
from gatebp.network.steps import Solution, short

Shape = tuple[int, ...]


def _shape(shape: Shape) -> str:
    return f"a vector of {shape[0]} entries" if len(shape) == 1 else " × ".join(map(str, shape))


# --- grad-shapes -------------------------------------------------------------------------------

SHAPES = "grad-shapes"


def _sizes(rng: random.Random) -> tuple[int, int, int]:
    m, n, batch = rng.sample(range(2, 9), 3)
    return m, n, batch


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
    }
    return table[target]


def _layer_text(m: int, n: int, batch: int) -> str:
    return (f"An affine layer computes Z = WX + b for a mini-batch: W is {m} × {n}, b has {m} entries "
            f"(added to every column), and X is {n} × {batch} ({batch} examples as columns). L is a scalar loss.")


SHAPE_STEPS = ["A gradient of a scalar L has the shape of the quantity it differentiates.",
               "With G = ∂L/∂Z: ∂L/∂W = G Xᵀ, ∂L/∂b = the sum of G's columns, ∂L/∂X = Wᵀ G."]


@family(SHAPES, "Shapes of ∂L/∂W, ∂L/∂b, ∂L/∂X for an affine layer", ("NAT", "MCQ", "MSQ"), (1, 2))
def build_shapes(rng: random.Random, qtype: QuestionType, marks: int) -> Problem:
    m, n, batch = _sizes(rng)
    if qtype == "MSQ":
        return _shape_statements(rng, marks, m, n, batch)
    if marks == 2:
        return _shape_cost(rng, qtype, m, n, batch) if qtype == "NAT" else _shape_formula(rng, m, n, batch)
    target = rng.choice("WbX")
    options = _shape_options(target, m, n, batch)
    ask = f"What is the shape of ∂L/∂{target}?"
    if qtype == "NAT":
        exact = sp.Integer(sp.prod(options[0][0]))
        slips = [Slip(sp.Integer(sp.prod(s)), mistake) for s, mistake in options[1:] if mistake]
        return Problem(topic=SHAPES, marks=1, exact=exact, slips=slips,
                                body=f"{_layer_text(m, n, batch)} How many entries does ∂L/∂{target} have?",
                                steps=SHAPE_STEPS + [f"∂L/∂{target} is {_shape(options[0][0])}: {exact} entries"])
    choices = [Choice(_shape(s), mistake is None, mistake=mistake) for s, mistake in options]
    return fixed_choices(topic=SHAPES, qtype="MCQ", marks=1, body=f"{_layer_text(m, n, batch)} {ask}",
                           choices=choices, steps=SHAPE_STEPS + [f"∂L/∂{target}: {_shape(options[0][0])}"])


def _shape_cost(rng: random.Random, qtype: QuestionType, m: int, n: int, batch: int) -> Problem:
    exact = sp.Integer(m * n * batch)
    slips = [Slip(sp.Integer(m * n), "counted one product per entry of ∂L/∂W (each entry sums over the batch)"),
             Slip(sp.Integer(m * n * (batch - 1)), "counted the additions instead of the multiplications"),
             Slip(sp.Integer(m * batch), "counted the entries of G instead of the products in G Xᵀ")]
    body = (f"{_layer_text(m, n, batch)} Computing ∂L/∂W = G Xᵀ (G = ∂L/∂Z) directly, how many scalar "
            f"multiplications are needed?")
    steps = [f"G is {m} × {batch} and Xᵀ is {batch} × {n}, so G Xᵀ is {m} × {n}.",
             f"Each of its {m * n} entries adds {batch} products: {m} × {n} × {batch} = {m * n * batch}."]
    return Problem(topic=SHAPES, marks=2, body=body, exact=exact, steps=steps,
                            slips=slips)


def _shape_formula(rng: random.Random, m: int, n: int, batch: int) -> Problem:
    choices = [Choice(f"G Xᵀ, which is {m} × {n}", True),
               Choice(f"X Gᵀ, which is {n} × {m}", False, mistake="took the transpose (X Gᵀ is the shape of Wᵀ)"),
               Choice(f"Wᵀ G, which is {n} × {batch}", False, mistake="gave ∂L/∂X instead of ∂L/∂W"),
               Choice(f"the sum of G's columns, a vector of {m} entries", False, mistake="gave ∂L/∂b instead of ∂L/∂W")]
    body = f"{_layer_text(m, n, batch)} With G = ∂L/∂Z, which expression is ∂L/∂W?"
    return fixed_choices(topic=SHAPES, qtype="MCQ", marks=2, body=body, choices=choices,
                           steps=SHAPE_STEPS + ["∂L/∂W_ij = Σ_k G_ik X_jk, which is (G Xᵀ)_ij."])


def _shape_statements(rng: random.Random, marks: int, m: int, n: int, batch: int) -> Problem:
    choices = []
    for target in rng.sample(["W", "b", "X"], 3) + ["Z"]:
        if target == "Z":
            options: list[tuple[Shape, str | None]] = [((m, batch), None), ((batch, m), "wrote the transposed shape")]
        else:
            options = _shape_options(target, m, n, batch)
        shape, mistake = options[0] if rng.random() < 0.5 else rng.choice(options[1:])
        choices.append(Choice(f"∂L/∂{target} is {_shape(shape)}", mistake is None, mistake=mistake))
    body = f"{_layer_text(m, n, batch)} Which statements are true?"
    return fixed_choices(topic=SHAPES, qtype="MSQ", marks=marks, body=body, choices=some_true(choices),
                           steps=SHAPE_STEPS + [f"∂L/∂W: {m} × {n}; ∂L/∂b: {m}; ∂L/∂X: {n} × {batch}; "
                                                f"∂L/∂Z: {m} × {batch}"])


# --- ad-modes ----------------------------------------------------------------------------------

MODES = "ad-modes"
MODE_STEPS = ["Forward mode pushes one direction through the graph per pass: one Jacobian-vector product J·v, "
              "so one column of J per pass, n passes for all n inputs.",
              "Reverse mode pulls one output's sensitivity back per pass: one vector-Jacobian product vᵀJ, "
              "so one row of J per pass, m passes for all m outputs."]


def _dims(rng: random.Random) -> tuple[int, int]:
    few, many = rng.randint(1, 4), rng.randint(6, 50)
    return (many, few) if rng.random() < 0.5 else (few, many)


@family(MODES, "Forward- vs reverse-mode differentiation: passes needed", ("NAT", "MCQ", "MSQ"), (1, 2))
def build_modes(rng: random.Random, qtype: QuestionType, marks: int) -> Problem:
    if marks == 2 and qtype != "MSQ":
        return _parameter_passes(rng, qtype)
    n, m = _dims(rng)
    if qtype == "MSQ":
        return _mode_statements(rng, marks, n, m)
    text = f"A function f: R^{n} → R^{m} is differentiated automatically to get its full {m} × {n} Jacobian."
    if qtype == "NAT":
        mode = rng.choice(("forward", "reverse"))
        exact, other = (n, m) if mode == "forward" else (m, n)
        slips = [Slip(sp.Integer(other), f"gave the other mode's count ({'reverse' if mode == 'forward' else 'forward'})"),
                 Slip(sp.Integer(n * m), "counted one pass per Jacobian entry")]
        return Problem(topic=MODES, marks=1, exact=sp.Integer(exact), slips=slips, body=f"{text} How many {mode}-mode passes does that take?",
                                steps=MODE_STEPS)
    cheap, dear = (("reverse", m), ("forward", n)) if m < n else (("forward", n), ("reverse", m))
    choices = [Choice(f"{cheap[0]} mode, {cheap[1]} passes", True),
               Choice(f"{dear[0]} mode, {dear[1]} passes", False, mistake="picked the mode that needs more passes"),
               Choice(f"{cheap[0]} mode, {dear[1]} passes", False, mistake="swapped the two modes' pass counts"),
               Choice(f"{dear[0]} mode, {cheap[1]} passes", False,
                      mistake="swapped the pass counts and picked the costlier mode")]
    return fixed_choices(topic=MODES, qtype="MCQ", marks=1, body=f"{text} Which mode needs fewer passes, and how many?",
                           choices=choices, steps=MODE_STEPS)


def _parameter_passes(rng: random.Random, qtype: QuestionType) -> Problem:
    n_in, hidden, n_out = rng.randint(2, 6), rng.randint(2, 8), rng.randint(1, 4)
    weights = n_in * hidden + hidden * n_out
    params = weights + hidden + n_out
    slips = [Slip(sp.Integer(weights), "left out the biases (each is a parameter too)"),
             Slip(sp.Integer(1), "gave reverse mode's count (one backward pass)"),
             Slip(sp.Integer(n_in), "counted one pass per network input instead of per parameter")]
    body = (f"An MLP with {n_in} inputs, one hidden layer of {hidden} units and {n_out} outputs (every layer has "
            f"biases) is trained on a scalar loss L. How many forward-mode passes give ∂L with respect to every "
            f"parameter?")
    steps = [f"parameters: {n_in}×{hidden} + {hidden} + {hidden}×{n_out} + {n_out} = {params}",
             f"forward mode: one pass per input of L's computation as a function of the parameters: {params}",
             "reverse mode (backprop) needs one backward pass for a scalar loss."]
    return Problem(topic=MODES, marks=2, body=body, exact=sp.Integer(params),
                            steps=steps, slips=slips)


def _mode_statements(rng: random.Random, marks: int, n: int, m: int) -> Problem:
    def count(mode: str, shown_count: int, right: int) -> Choice:
        ok = shown_count == right
        passes = "pass" if shown_count == 1 else "passes"
        return Choice(f"{mode} mode needs {shown_count} {passes} for the full Jacobian", ok,
                      mistake=None if ok else "swapped the two modes' pass counts")

    cheaper = "reverse" if m < n else "forward"
    pool = [
        count("forward", rng.choice((n, m)), n),
        count("reverse", rng.choice((n, m)), m),
        Choice(f"{cheaper} mode is the cheaper one here", True),
        Choice("each forward-mode pass gives a Jacobian-vector product J·v", True),
        Choice("each forward-mode pass gives a vector-Jacobian product vᵀJ", False,
               mistake="mixed up JVP (forward) and VJP (reverse)"),
        Choice(f"{'forward' if cheaper == 'reverse' else 'reverse'} mode is the cheaper one here", False,
               mistake="picked the mode that needs more passes"),
    ]
    body = f"A function f: R^{n} → R^{m} is differentiated automatically. Which statements are true?"
    return fixed_choices(topic=MODES, qtype="MSQ", marks=marks, body=body, choices=some_true(rng.sample(pool, 4)),
                           steps=MODE_STEPS)


# --- backward-cache ----------------------------------------------------------------------------

CACHE = "backward-cache"
NAME = re.compile(r"[A-Za-z][A-Za-z0-9_]*")
ITEMS = {"x": "the input x", "w1": "the weight w1", "b1": "the bias b1", "w2": "the weight w2",
         "b2": "the bias b2", "t": "the target t", "z1": "the hidden value z1 (or a1)", "z2": "the output z2"}


def _cache_net(rng: random.Random) -> tuple[Graph, Solution, str]:
    act = rng.choice(("relu", "sigmoid", "tanh"))
    wrt = rng.choice(("w1", "b1", "w2"))
    values = {"x": nonzero(rng, -2, 2), "w1": nonzero(rng, -2, 2), "b1": nonzero(rng, -2, 2),
              "w2": nonzero(rng, -2, 2), "b2": nonzero(rng, -2, 2), "t": nonzero(rng, -2, 2)}
    if values["w1"] * values["x"] + values["b1"] <= 0:
        raise Resample("keep the hidden unit active so every factor is read")
    nodes = {"z1": "w1*x + b1", "a1": f"{act}(z1)", "z2": "w2*a1 + b2", "L": "(z2 - t)**2/2"}
    graph, solution = solved(values, nodes, Find("L", wrt))
    return graph, solution, wrt


def _readers(solution: Solution) -> dict[str, str]:
    """Each value the backward pass reads, with the local derivative (or δ) that reads it."""
    found: dict[str, str] = {}
    for edge in solution.edges:
        for name in NAME.findall(edge.formula):
            key = "z1" if name == "a1" else name
            if key in ITEMS and key not in found:
                found[key] = edge.label
    return found


@family(CACHE, "What the backward pass needs from the forward pass", ("MCQ", "MSQ"), (1, 2))
def build_cache(rng: random.Random, qtype: QuestionType, marks: int) -> Problem:
    graph, solution, wrt = _cache_net(rng)
    act = graph.node("a1").text.split("(")[0]
    readers = _readers(solution)
    needed = [k for k in ITEMS if k in readers]
    unneeded = [k for k in ITEMS if k not in readers]
    text = (f"A network computes {computes(graph)}. The backward pass computes ∂L/∂{wrt} from values kept "
            f"from the forward pass and the parameters.")
    steps = [f"{e.label} = {e.formula}" for e in solution.edges] + \
        [f"values read: {', '.join(ITEMS[k] for k in needed)}", f"never read: {', '.join(ITEMS[k] for k in unneeded)}"]
    if qtype == "MCQ":
        pick = [rng.choice(unneeded)] + rng.sample(needed, 3)
        choices = [Choice(ITEMS[k], k not in readers, mistake=None if k not in readers else
                          f"overlooked that {ITEMS[k]} enters {readers[k]}") for k in pick]
        return fixed_choices(topic=CACHE, qtype="MCQ", marks=marks, choices=choices, steps=steps,
                               body=f"{text} ({act} hidden unit.) Which value does it NOT need?")
    pick = rng.sample(list(ITEMS), 4)
    choices = [Choice(ITEMS[k], k in readers, mistake=None if k in readers else
                      f"kept {ITEMS[k]}, which no local derivative on the path to {wrt} reads") for k in pick]
    return fixed_choices(topic=CACHE, qtype="MSQ", marks=marks, choices=some_true(choices), steps=steps,
                           body=f"{text} ({act} hidden unit.) Which of these values does it need?")


# --- dead-relu ---------------------------------------------------------------------------------

DEAD = "dead-relu"


def _dead_net(rng: random.Random, units: int) -> tuple[dict[str, int], dict[str, str]]:
    """x1, x2 → h_k = relu(w_k1·x1 + w_k2·x2) → y = Σ v_k h_k → L; at least one gate open, one closed."""
    closed = set(rng.sample(range(1, units + 1), rng.randint(1, units - 1)))
    values = {"x1": nonzero(rng, -2, 2), "x2": nonzero(rng, -2, 2)}
    nodes: dict[str, str] = {}
    for k in range(1, units + 1):
        a, b = nonzero(rng, -2, 2), nonzero(rng, -2, 2)
        z = a * values["x1"] + b * values["x2"]
        if z == 0:
            raise Resample("a ReLU input of exactly 0")
        if (z < 0) != (k in closed):
            a, b = -a, -b
        values[f"w{k}1"], values[f"w{k}2"], values[f"v{k}"] = a, b, nonzero(rng, -2, 2)
        nodes[f"z{k}"], nodes[f"h{k}"] = f"w{k}1*x1 + w{k}2*x2", f"relu(z{k})"
    values["t"] = rng.randint(-3, 3)
    nodes["y"] = " + ".join(f"v{k}*h{k}" for k in range(1, units + 1))
    nodes["L"] = "(y - t)**2/2"
    return values, nodes


@family(DEAD, "Which weights get zero gradient behind a closed ReLU", ("MCQ", "MSQ"), (1, 2))
def build_dead(rng: random.Random, qtype: QuestionType, marks: int) -> Problem:
    units = 2 if marks == 1 else 3
    values, nodes = _dead_net(rng, units)
    graph, solution = solved(values, nodes, Find("L", "y"))
    if solution.exact == 0:
        raise Resample("y equals t: every gradient is 0")
    weights = [n for n in values if n[0] in "wv"]
    zero = {w for w in weights if _unit_closed(solution, w)}
    if qtype == "MCQ":
        pick = [rng.choice(sorted(zero))] + rng.sample([w for w in weights if w not in zero], 3)
    else:
        pick = rng.sample(weights, 4)
    grads = {w: solve(graph, Find("L", w)) for w in pick}
    choices = [_dead_choice(w, grads[w]) for w in pick]
    body = (f"A network computes {computes(graph)} with {given(graph)}, where relu(z) = max(0, z). "
            + ("Which weight gets a zero gradient ∂L/∂w?" if qtype == "MCQ" else "Which weights get a zero gradient?"))
    steps = [s for s in solution.steps if s.kind == "forward"] + \
        [f"∂L/∂{w} = {short(grads[w].exact)}" + (" (its unit's gate is closed)" if grads[w].exact == 0 else "")
         for w in pick]
    return fixed_choices(topic=DEAD, qtype=qtype, marks=marks, body=body,
                           choices=choices if qtype == "MCQ" else some_true(choices), steps=steps,
                           graph=graph)


def _unit_closed(solution: Solution, weight: str) -> bool:
    """w_kj and v_k belong to hidden unit k; its gate is closed when z_k ≤ 0."""
    return bool(solution.forward[f"z{weight[1]}"] <= 0)


def _dead_choice(weight: str, grad: Solution) -> Choice:
    dead = grad.exact == 0
    unit = weight[1]
    return Choice(weight, dead, float(grad.value), None if dead else
                  f"took the open gate on h{unit} for a closed one (∂L/∂{weight} = {short(grad.exact)})",
                  {"of": "L", "wrt": weight})
