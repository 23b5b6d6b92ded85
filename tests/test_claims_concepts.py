"""An independent checker for the concept and formula families (issue 11, part b).

Every MCQ/MSQ option of these families must carry a claim, and every claim is re-decided here with
this file's own arithmetic, never the families' code: plain Fractions for counts, products and
descent steps, mpmath (60 digits) for activation properties, finite differences and derivatives
recovered from an output, hand rules for shapes, AD passes and what the backward pass reads. Numeric
`answer` claims are checked against the asked quantity recomputed from the question's `extra` (or
graph). A kind this file does not know is a failure. GATEBP_SWEEP (tests/sweep.py) scales the seeds per form.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterator
from fractions import Fraction
from typing import Any

import mpmath
import pytest

from gatebp.gate.question import Question
from gatebp.questions.generate import families_by_name
from tests.reference import derivative, evaluate
from tests.sweep import built, scaled

mpmath.mp.dps = 60
SEEDS = scaled(6)
TOPICS = ("vanishing", "finite-difference", "derivative-from-output", "param-count", "sgd-steps", "grad-shapes",
          "ad-modes", "backward-cache", "dead-relu", "activation-properties")
FORMS = [(f.name, t, m) for f in families_by_name(TOPICS) for t in f.types if t != "NAT" for m in f.marks]
Claim = dict[str, Any]


def mp(value: Any) -> mpmath.mpf:
    frac = Fraction(str(value))
    return mpmath.mpf(frac.numerator) / frac.denominator


def rounds(shown: Any, truth: Any, places: int) -> bool:
    return abs(mp(shown) - mpmath.mpf(truth)) <= mpmath.mpf(0.5) * mpmath.mpf(10) ** -places + mpmath.mpf(1e-12)


# ---- activations by mpmath ------------------------------------------------------------------------

ACT = {"relu": lambda z: z if z > 0 else mpmath.mpf(0), "leaky_relu": lambda z: z if z >= 0 else z / 100,
       "sigmoid": lambda z: 1 / (1 + mpmath.exp(-z)), "tanh": mpmath.tanh, "linear": lambda z: z}
H = mpmath.mpf("1e-25")
GRID = [mpmath.mpf(k) / 16 for k in range(-160, 161)]


def slope(f: Callable, z: Any, side: int = 0) -> mpmath.mpf:
    """A difference quotient at 60 digits, whatever precision another test module left set."""
    with mpmath.workdps(60):
        if side == 0:
            return (f(z + H) - f(z - H)) / (2 * H)
        return (f(z + side * H) - f(z)) / (side * H)


def slopes(f: Callable) -> list[mpmath.mpf]:
    """f' on a grid, one-sided at 0 (both sides), so corners count where f' exists nearby."""
    return [slope(f, z) for z in GRID if z != 0] + [slope(f, mpmath.mpf(0), 1), slope(f, mpmath.mpf(0), -1)]


PEAKS: dict[str, mpmath.mpf] = {}


def peak(name: str) -> mpmath.mpf:
    """The largest slope on the grid (every activation here peaks at 0 or on z > 0)."""
    if name not in PEAKS:
        PEAKS[name] = max(slopes(ACT[name]))
    return PEAKS[name]


def close(a: Any, b: Any, tol: str = "1e-9") -> bool:
    return abs(mpmath.mpf(a) - mpmath.mpf(b)) < mpmath.mpf(tol)


def _range(f: Callable, data: list[str]) -> bool:
    far = [f(mpmath.mpf(-10**10)), f(mpmath.mpf(10**10))]
    ends = [-mpmath.inf if far[0] < -10**4 else mpmath.nint(far[0] * 10**6) / 10**6,
            mpmath.inf if far[1] > 10**4 else mpmath.nint(far[1] * 10**6) / 10**6]
    stated = [mpmath.mpf(-mpmath.inf) if d == "-oo" else mpmath.inf if d == "oo" else mp(d) for d in data[:2]]
    attained = [ends[0] != -mpmath.inf and f(mpmath.mpf(-5)) == ends[0],
                ends[1] != mpmath.inf and f(mpmath.mpf(5)) == ends[1]]
    closed = [data[2] == "closed", data[3] == "closed"]
    return stated == ends and closed == attained


def activation_truth(claim: Claim) -> bool:
    name, prop = claim["activation"], claim["property"]
    f, zero = ACT[name], mpmath.mpf(0)
    if prop == "continuous":
        fact = abs(f(H) - f(zero)) < 1e-20 and abs(f(-H) - f(zero)) < 1e-20
    elif prop == "differentiable":
        fact = close(slope(f, zero, 1), slope(f, zero, -1), "1e-15")
    elif prop == "range":
        fact = _range(f, claim["range"])
    elif prop == "strictly-increasing":
        fact = all(s > 0 for s in slopes(f))
    elif prop == "non-decreasing":
        fact = all(s >= 0 for s in slopes(f))
    elif prop == "derivative-at-most":
        fact = peak(name) <= mp(claim["bound"]) + mpmath.mpf("1e-15")
    elif prop == "derivative-max":
        fact = close(peak(name), mp(claim["value"]))
    elif prop == "saturates":
        ends = {"+": [60], "-": [-60], "both": [-60, 60]}[claim["end"]]
        fact = all(abs(slope(f, mpmath.mpf(e))) < 1e-20 for e in ends)
    elif prop == "dies":
        fact = all(slope(f, z) == 0 for z in GRID if z < 0)
    elif prop == "sup-ratio":
        fact = close(peak(name) / peak(claim["other"]), mp(claim["ratio"]))
    elif prop == "chain-bound":
        best = peak(name) ** int(claim["layers"])
        fact = close(best, mp(claim["bound"])) if claim["tight"] else best <= mp(claim["bound"]) + mpmath.mpf("1e-15")
    else:
        raise AssertionError(f"unknown activation property {prop}")
    return fact == claim["holds"]


# ---- derivatives from an output, by inverting the activation --------------------------------------

def input_of(act: str, output: Any) -> mpmath.mpf:
    f = mp(output)
    return mpmath.log(f / (1 - f)) if act == "sigmoid" else mpmath.atanh(f)


def local_from_output(act: str, output: Any) -> mpmath.mpf:
    return slope(ACT[act], input_of(act, output))


# ---- finite differences on the exported graph -----------------------------------------------------

def loss_at(graph: dict, w: mpmath.mpf) -> mpmath.mpf:
    return evaluate(graph, {"w": w})["L"]


def fd_estimate(graph: dict, scheme: str, eps: mpmath.mpf) -> mpmath.mpf:
    w = evaluate(graph)["w"]
    if scheme == "forward":
        return (loss_at(graph, w + eps) - loss_at(graph, w)) / eps
    if scheme == "backward":
        return (loss_at(graph, w) - loss_at(graph, w - eps)) / eps
    return (loss_at(graph, w + eps) - loss_at(graph, w - eps)) / (2 * eps)


def fd_truth(claim: Claim, graph: dict) -> bool:
    eps, g = mp(claim["eps"]), derivative(graph, "L", "w")[0]
    kind = claim["kind"]
    if kind == "fd-estimate":
        return close(fd_estimate(graph, claim["scheme"], eps), mp(claim["value"]), "1e-20")
    if kind == "fd-error":
        return close(fd_estimate(graph, claim["scheme"], eps) - g, mp(claim["value"]), "1e-15")
    if kind == "fd-exact":
        return close(fd_estimate(graph, claim["scheme"], eps), g, "1e-15")
    if kind == "fd-error-ratio":
        before = fd_estimate(graph, claim["scheme"], eps) - g
        after = fd_estimate(graph, claim["scheme"], eps / 2) - g
        return abs(before) > 1e-15 and close(after / before, mp(claim["ratio"]), "1e-12")
    errors = {s: abs(fd_estimate(graph, s, eps) - g) for s in ("forward", "central")}
    return errors[claim["closer"]] < errors["central" if claim["closer"] == "forward" else "forward"]


# ---- counts, shapes, AD passes, the backward pass's reads -----------------------------------------

def mlp_count(claim: Claim) -> int:
    sizes, biased = claim["sizes"], claim["biases"]
    layers = list(zip(sizes, sizes[1:]))
    what = claim["what"]
    if what == "weights":
        a, c = layers[claim["layer"]]
        return a * c
    if what == "layer-params":
        a, c = layers[claim["layer"]]
        return a * c + (c if biased else 0)
    if what in ("biases", "biases-if-added"):
        return sum(c for _, c in layers)
    return sum(a * c + (c if biased else 0) for a, c in layers)


def shapes_of(net: str, d: dict[str, int]) -> dict[str, tuple[int, ...]]:
    """Hand rules: Z = W·(input) with examples as columns, so W is (units) × (units feeding it)."""
    if net == "affine":
        return {"W": (d["m"], d["n"]), "b": (d["m"],), "X": (d["n"], d["batch"]), "Z": (d["m"], d["batch"])}
    return {"X": (d["n"], d["batch"]), "W1": (d["h"], d["n"]), "b1": (d["h"],), "Z1": (d["h"], d["batch"]),
            "A1": (d["h"], d["batch"]), "W2": (d["m"], d["h"]), "b2": (d["m"],), "Z2": (d["m"], d["batch"])}


def matmul(a: list[list[int]], b: list[list[int]]) -> list[list[int]]:
    assert len(a[0]) == len(b), "shapes do not conform"
    return [[sum(a[i][k] * b[k][j] for k in range(len(b))) for j in range(len(b[0]))] for i in range(len(a))]


def transpose(a: list[list[int]]) -> list[list[int]]:
    return [list(col) for col in zip(*a)]


def formula_truth(claim: Claim) -> bool:
    """∂L/∂W by exact finite differences of L = Σ G∘(WX) (linear in W) against the formula."""
    m, n, batch = (claim["dims"][k] for k in ("m", "n", "batch"))
    return _formula_truth(m, n, batch, claim["formula"])


@functools.lru_cache(maxsize=None)
def _formula_truth(m: int, n: int, batch: int, formula: str) -> bool:
    w = [[(3 * i + 5 * j) % 7 - 3 for j in range(n)] for i in range(m)]
    x = [[(2 * i + 3 * j) % 5 - 2 for j in range(batch)] for i in range(n)]
    g = [[(i + 4 * j) % 5 - 2 for j in range(batch)] for i in range(m)]

    def loss(weights: list[list[int]]) -> int:
        z = matmul(weights, x)
        return sum(g[i][k] * z[i][k] for i in range(m) for k in range(batch))

    truth = [[loss([[v + (i == a and j == c) for c, v in enumerate(row)] for a, row in enumerate(w)]) - loss(w)
              for j in range(n)] for i in range(m)]
    if formula == "G Xᵀ":
        value = matmul(g, transpose(x))
    elif formula == "X Gᵀ":
        value = matmul(x, transpose(g))
    elif formula == "Wᵀ G":
        value = matmul(transpose(w), g)
    else:
        value = [[sum(row)] for row in g]
    return value == truth


def ad_product(mode: str) -> str:
    """Forward mode with dual numbers and reverse mode by hand on f(x1, x2) = (x1x2, x1 + x2², x2)."""
    x, v, u = (1, 2), (1, -1), (1, 2, -1)
    jac = [[x[1], x[0]], [1, 2 * x[1]], [0, 1]]
    if mode == "forward":  # (a + a'ε)(b + b'ε): the ε parts
        tangent = [x[0] * v[1] + v[0] * x[1], v[0] + 2 * x[1] * v[1], v[1]]
        return "Jv" if tangent == [sum(r[j] * v[j] for j in range(2)) for r in jac] else "other"
    adjoint = [u[0] * x[1] + u[1], u[0] * x[0] + u[1] * 2 * x[1] + u[2]]
    return "vJ" if adjoint == [sum(u[i] * jac[i][j] for i in range(3)) for j in range(2)] else "other"


def cache_needed(graph: dict, wrt: str) -> set[str]:
    """What the backward pass from L to wrt reads, by the chain of local rules written by hand."""
    nodes = graph["nodes"]
    depth = sum(1 for name in nodes if name.startswith("a"))
    layer, out = int(wrt[1:]), f"z{depth + 1}"
    read = {out, "t"}
    for k in range(layer, depth + 1):  # ∂z(k+1)/∂a_k = w(k+1), then ∂a_k/∂z_k reads z_k (or a_k)
        read |= {f"w{k + 1}", f"z{k}"}
    if wrt.startswith("w"):
        read.add("x" if layer == 1 else f"z{layer - 1}")  # ∂z_layer/∂w_layer = the layer's input
    return read


def zero_truth(graph: dict, claim: Claim) -> bool:
    value, kink = derivative(graph, claim["find"]["of"], claim["find"]["wrt"])
    assert kink > mpmath.mpf("1e-12")
    return (abs(value) < mpmath.mpf("1e-15")) == claim.get("zero", True)


# ---- the asked quantity of numeric MCQs -----------------------------------------------------------

def asked_value(q: Question) -> Any:
    e, topic = q.extra, q.topic
    if topic == "vanishing":
        if e["form"] == "bound":
            return 4 ** e["layers"]
        value = Fraction(1)
        for a in e["outputs"]:
            value *= Fraction(a) * (1 - Fraction(a))
        for w in e["weights"]:
            value *= Fraction(w)
        return mp(value)
    if topic == "finite-difference":
        estimate = fd_estimate(q.graph, e["scheme"], mp(e["eps"]))
        return estimate - derivative(q.graph, "L", "w")[0] if e["asked"] == "error" else estimate
    if topic == "derivative-from-output":
        local = local_from_output(e["activation"], e["output"])
        return local * mp(e["upstream"]) * mp(e["x"]) if "x" in e else local
    if topic == "param-count":
        return param_answer(e)
    if topic == "sgd-steps":
        return descend(e)
    if topic == "grad-shapes":
        d = e["dims"]
        if e.get("asked") == "cost":
            return d["m"] * d["n"] * d["batch"]
        shape = shapes_of("affine", d)[e["of"]]
        return shape[0] * (shape[1] if len(shape) > 1 else 1)
    if topic == "ad-modes":
        if "n_in" in e:
            return (e["n_in"] + 1) * e["hidden"] + (e["hidden"] + 1) * e["n_out"]
        return e["n"] if e["mode"] == "forward" else e["m"]
    raise AssertionError(f"no independent answer for {topic}")


def param_answer(e: dict) -> int:
    sizes, biased = e["sizes"], e["biases"]

    def count(s: list[int]) -> int:
        return sum(a * c + (c if biased else 0) for a, c in zip(s, s[1:]))

    if "widen" in e:
        i, d = e["widen"]["layer"], e["widen"]["by"]
        return count(sizes[:i] + [sizes[i] + d] + sizes[i + 1:]) - count(sizes)
    return count(sizes)


def descend(e: dict) -> mpmath.mpf:
    """Gradient descent with the gradient of the loss taken by mpmath central differences."""
    def loss(w: Any, b: Any) -> Any:
        terms = [(w * mp(x) + b - mp(t)) ** 2 for x, t in e["examples"]]
        total = sum(terms) / (2 if e["half"] else 1)
        return total / len(terms) if e["mean"] else total

    w, lr = mp(e["w"]), mp(e["lr"])
    b = mp(e["b"]) if e["b"] is not None else mpmath.mpf(0)
    for _ in range(e["steps"]):
        gw = (loss(w + H, b) - loss(w - H, b)) / (2 * H)
        gb = (loss(w, b + H) - loss(w, b - H)) / (2 * H)
        w, b = w - lr * gw, (b - lr * gb if e["b"] is not None else b)
    return w if e["asked"] == "w" else b


# ---- one claim ------------------------------------------------------------------------------------

def truth(q: Question, claim: Claim) -> bool:
    kind, graph = claim["kind"], q.graph
    if kind == "answer":
        return rounds(claim["value"], asked_value(q), claim.get("places", 4))
    if kind == "activation":
        return activation_truth(claim)
    if kind == "sigmoid-chain":
        value = Fraction(1)
        for a in claim["outputs"]:
            value *= Fraction(a) * (1 - Fraction(a))
        for w in claim["weights"]:
            value *= Fraction(w)
        return value == Fraction(claim["value"])
    if kind == "largest-local":
        primes = [Fraction(a) * (1 - Fraction(a)) for a in claim["outputs"]]
        return primes.count(max(primes)) == 1 and primes.index(max(primes)) + 1 == claim["layer"]
    if kind.startswith("fd-"):
        return fd_truth(claim, graph)
    if kind in ("output-derivative", "input-sign", "derivative-compare", "output-weight-gradient"):
        return output_truth(claim)
    if kind == "mlp-count":
        return mlp_count(claim) == claim["value"]
    if kind == "grad-shape":
        return shapes_of(claim["net"], claim["dims"])[claim["of"]] == tuple(claim["shape"])
    if kind == "grad-formula":
        return formula_truth(claim)
    if kind in ("ad-passes", "ad-cheaper", "ad-choice", "ad-product", "jacobian-shape"):
        return ad_truth(claim)
    if kind == "cache-read":
        return (claim["item"] in cache_needed(graph, claim["wrt"])) == claim["needed"]
    if kind == "zero":
        return zero_truth(graph, claim)
    raise AssertionError(f"{q.id}: no independent check for claims of kind {kind!r}")


def output_truth(claim: Claim) -> bool:
    act, kind = claim["activation"], claim["kind"]
    if kind == "output-derivative":
        return rounds(claim["value"], local_from_output(act, claim["output"]), claim["places"])
    if kind == "input-sign":
        return ("positive" if input_of(act, claim["output"]) > 0 else "negative") == claim["sign"]
    if kind == "derivative-compare":
        mine, theirs = local_from_output(act, claim["output"]), local_from_output(act, claim["other"])
        relation = "equal" if close(mine, theirs, "1e-15") else "smaller" if theirs < mine else "larger"
        return relation == claim["relation"]
    value = mp(claim["upstream"]) * local_from_output(act, claim["output"]) * mp(claim["x"])
    return rounds(claim["value"], value, claim["places"])


def ad_truth(claim: Claim) -> bool:
    kind = claim["kind"]
    if kind == "ad-product":
        return ad_product(claim["mode"]) == claim["product"]
    if kind == "jacobian-shape":
        n, k, m = claim["n"], claim["k"], claim["m"]
        return {"h": (k, n), "g": (m, k), "f": (m, n)}[claim["of"]] == tuple(claim["shape"])
    n, m = claim["n"], claim["m"]
    count = {"forward": n, "reverse": m}
    other = "reverse" if claim["mode"] == "forward" else "forward"
    cheaper = count[claim["mode"]] < count[other]
    if kind == "ad-passes":
        return count[claim["mode"]] == claim["passes"]
    if kind == "ad-cheaper":
        return cheaper
    return cheaper and count[claim["mode"]] == claim["passes"]


def questions(topic: str, qtype: str, marks: int) -> Iterator[Question]:
    for seed in range(SEEDS):
        yield built(topic, qtype, marks, 7000 + seed)


@pytest.mark.parametrize(("topic", "qtype", "marks"), FORMS)
def test_every_option_is_a_claim_the_checker_agrees_with(topic: str, qtype: str, marks: int) -> None:
    for q in questions(topic, qtype, marks):
        for index, option in enumerate(q.options):
            assert option.claim is not None, (q.id, option.label, option.text)
            assert option.true == (index in q.answer["correct"]), (q.id, option.label)
            assert option.why, (q.id, option.label)
            assert truth(q, option.claim) == option.true, (q.id, option.label, option.text, option.claim)


def test_the_checker_catches_a_wrong_claim() -> None:
    """The checker is not vacuous: flipping a claim's number or its polarity flips its verdict."""
    q = built("param-count", "MSQ", 1, 7000)
    claim = dict(q.options[0].claim, value=q.options[0].claim["value"] + 1)
    assert truth(q, claim) != truth(q, q.options[0].claim) or truth(q, q.options[0].claim) is False
    relu_dies = {"kind": "activation", "activation": "relu", "property": "dies", "holds": True}
    assert activation_truth(relu_dies) and not activation_truth({**relu_dies, "activation": "leaky_relu"})
    sigma_half = {"kind": "activation", "activation": "sigmoid", "property": "derivative-at-most", "bound": "1/2",
                  "holds": True}
    assert activation_truth(sigma_half)  # the weaker bound is TRUE (the wrong key of issue 11)


# ---- NAT keys --------------------------------------------------------------------------------------

NAT_FORMS = [(f.name, m) for f in families_by_name(TOPICS) if "NAT" in f.types for m in f.marks]


@pytest.mark.parametrize(("topic", "marks"), NAT_FORMS)
def test_nat_keys_hold_the_independent_answer(topic: str, marks: int) -> None:
    for q in questions(topic, "NAT", marks):
        lo, hi = q.answer["range"]
        value = asked_value(q)
        assert lo - 1e-9 <= float(value) <= hi + 1e-9, (q.id, float(value), q.answer)
        assert "rounded off" in q.text or "integer" in q.text


# ---- the number and distractor standards -------------------------------------------------------------

FILLERS = ("doubled the result", "halved the result", "added 1", "subtracted 1", "made a sign slip",
           "tripled the result", "added 2")
ALL_FORMS = [(f.name, t, m) for f in families_by_name(TOPICS) for t in f.types for m in f.marks]


def _shown_places(q: Question) -> int:
    return max(len(o.text.split(".")[1]) if "." in o.text else 0 for o in q.options)


@pytest.mark.parametrize(("topic", "qtype", "marks"), [f for f in FORMS if f[1] == "MCQ"])
def test_numeric_options_are_five_percent_apart(topic: str, qtype: str, marks: int) -> None:
    """Options differ from the key and from each other by 5% of the larger and by more than the NAT
    tolerance (two units of the last place), so rounding a step never lands on a distractor."""
    for q in questions(topic, qtype, marks):
        if q.options[0].claim["kind"] != "answer":
            continue
        values, unit = [o.claim["value"] for o in q.options], 10.0 ** -_shown_places(q)
        for i, a in enumerate(values):
            for b in values[i + 1:]:
                assert abs(a - b) >= 0.05 * max(abs(a), abs(b)) - 1e-12 and abs(a - b) >= 2 * unit - 1e-12, (q.id, values)


@pytest.mark.parametrize(("topic", "qtype", "marks"), ALL_FORMS)
def test_every_distractor_is_a_named_slip(topic: str, qtype: str, marks: int) -> None:
    for q in questions(topic, qtype, marks):
        slips = [m.mistake for m in q.mistakes] + [o.mistake or "" for i, o in enumerate(q.options)
                                                   if i not in q.answer.get("correct", [])]
        assert all(slips), q.id
        assert not [s for s in slips if s.startswith(FILLERS)], (q.id, slips)
        if q.type == "MCQ" and q.options[0].claim["kind"] == "answer":
            truth = asked_value(q)
            exact = abs(mpmath.mpf(truth) - mpmath.nint(mpmath.mpf(truth) * 10 ** _shown_places(q))
                        / 10 ** _shown_places(q)) < 1e-12
            assert exact or "rounded off" in q.text, q.id  # rounded options say so


def _printed(q: Question) -> str:
    """The stem as the terminal prints it (maths spans rendered: sigmoid(z) -> σ(z))."""
    from gatebp.core.maths import parse_markup, render

    return render(parse_markup(q.text), "unicode")


def _sigmoid_defined(q: Question) -> bool:
    return "σ(" not in _printed(q) or "1/(1 + e^(−z))" in _printed(q)


DEGENERATE: dict[str, Callable[[Question], bool]] = {
    "vanishing": lambda q: all(Fraction(a) != Fraction(1, 2) for a in q.extra.get("outputs", [])) and
    len(set(q.extra.get("outputs", []))) == len(q.extra.get("outputs", [])),
    "finite-difference": lambda q: q.type == "MSQ" or (derivative(q.graph, "L", "w")[0] != 0 and
                                                        fd_estimate(q.graph, "forward", mpmath.mpf("0.1")) != 0),
    "derivative-from-output": lambda q: Fraction(q.extra["output"]) != {"sigmoid": Fraction(1, 2), "tanh": 0}[
        q.extra["activation"]] and
    all(abs(Fraction(q.extra[k])) != 1 for k in ("x", "upstream") if k in q.extra),
    "sgd-steps": lambda q: all(mp(q.extra["w"]) * mp(x) + mp(q.extra["b"] or 0) != mp(t) for x, t in q.extra["examples"])
    and len({x for x, _ in q.extra["examples"]}) == len(q.extra["examples"]) and descend(q.extra) != mp(
        q.extra[q.extra["asked"]]),
    "dead-relu": lambda q: q.graph["values"]["x1"] != q.graph["values"]["x2"] and
    len({(q.graph["values"][f"w{k}1"], q.graph["values"][f"w{k}2"]) for k in "123" if f"w{k}1" in q.graph["values"]})
    == sum(1 for k in "123" if f"w{k}1" in q.graph["values"]) and evaluate(q.graph)["y"] != evaluate(q.graph)["t"],
    "backward-cache": lambda q: "relu" not in str(q.graph["nodes"]) or all(
        evaluate(q.graph)[n] > 0 for n in q.graph["nodes"] if n.startswith("z") and f"a{n[1:]}" in q.graph["nodes"]),
    "grad-shapes": lambda q: len(set(q.extra["dims"].values())) == len(q.extra["dims"]),
    "ad-modes": lambda q: "n" not in q.extra or q.extra["n"] != q.extra["m"],
}


@pytest.mark.parametrize(("topic", "qtype", "marks"), ALL_FORMS)
def test_no_degenerate_draws(topic: str, qtype: str, marks: int) -> None:
    for q in questions(topic, qtype, marks):
        assert _sigmoid_defined(q), q.id
        assert "ReLU(" not in _printed(q) or "max(0, z)" in _printed(q) or "max(0.01z, z)" in _printed(q), q.id
        if topic in DEGENERATE:
            assert DEGENERATE[topic](q), q.id


def _claims(q: Question) -> list[Claim]:
    return [o.claim for o in q.options]


EXTRA_STEP: dict[str, Callable[[Question], bool]] = {
    "vanishing": lambda q: bool(q.extra.get("weights")) or any(c.get("weights") for c in _claims(q)),
    "finite-difference": lambda q: "h" in q.graph["nodes"],
    "derivative-from-output": lambda q: "x" in q.extra or any(c["kind"] == "output-weight-gradient" for c in _claims(q)),
    "param-count": lambda q: len(q.extra["sizes"]) == 4 or "widen" in q.extra,
    "sgd-steps": lambda q: q.extra["steps"] * len(q.extra["examples"]) * (1 + (q.extra["b"] is not None)) >= 4,
    "grad-shapes": lambda q: q.extra.get("net") == "two-layer" or q.extra.get("asked") == "cost" or any(
        c["kind"] == "grad-formula" for c in _claims(q)),
    "ad-modes": lambda q: "n_in" in q.extra or any(c["kind"] == "jacobian-shape" for c in _claims(q)),
    "backward-cache": lambda q: "a2" in q.graph["nodes"],
    "dead-relu": lambda q: "b1" in q.graph["values"],
    "activation-properties": lambda q: any(c.get("property") in ("sup-ratio", "chain-bound") for c in _claims(q)),
}


@pytest.mark.parametrize(("topic", "qtype", "marks"), ALL_FORMS)
def test_two_mark_items_take_one_more_step(topic: str, qtype: str, marks: int) -> None:
    """Each family's docstring names the extra step of its 2-mark forms; here it is present in every
    2-mark item and absent from every 1-mark one."""
    for q in questions(topic, qtype, marks):
        assert EXTRA_STEP[topic](q) == (marks == 2), q.id
