"""Families 8-13 (batch-bias, vanishing, residual, delta-recursion, finite-difference and the concept
topics): every answer is re-derived here by a closed form with fractions/math, or by the mpmath
finite-difference reference on the exported graph, never by the solver that produced it."""

from __future__ import annotations

import importlib
import math
import re
from fractions import Fraction

import mpmath
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gatebp.questions.families.base import REGISTRY
from gatebp.gate.question import Question
from tests.reference import derivative, evaluate
from tests.standards_new import ascii_minus
from tests import sweep
from tests.sweep import scaled, seeds

MODULES = ("batch_bias", "vanishing", "residual", "delta_recursion", "finite_difference", "concepts")
for _module in MODULES:
    importlib.import_module(f"gatebp.questions.families.{_module}")


def make(topic: str, qtype: str, marks: int, seed: int) -> Question:
    return ascii_minus(sweep.built(topic, qtype, marks, seed), stem=False)


def forms(topic: str) -> list[tuple[str, int]]:
    fam = REGISTRY[topic]
    return [(t, m) for t in fam.types for m in fam.marks]


def answer_value(q: Question) -> float | None:
    """The NAT value, or the correct option's value of a numeric MCQ."""
    if q.type == "NAT":
        return q.answer["value"]
    return q.options[q.answer["correct"][0]].value if q.type == "MCQ" else None


def check_shape(q: Question) -> None:
    """The key and options obey the GATE rules whatever the family."""
    if q.type == "NAT":
        lo, hi = q.answer["range"]
        assert lo - 1e-9 <= q.answer["value"] <= hi + 1e-9
        assert q.rounding is not None
        assert all(not lo - 1e-9 <= m.value <= hi + 1e-9 and m.mistake for m in q.mistakes)
        return
    correct = q.answer["correct"]
    assert len(q.options) == 4 and len({o.text for o in q.options}) == 4
    assert len(correct) == 1 if q.type == "MCQ" else len(correct) >= 1
    assert all(o.mistake for i, o in enumerate(q.options) if i not in correct)
    values = [o.value for o in q.options if o.value is not None and not o.text[:1].isalpha()]
    if len(values) == 4:
        places = max(len(o.text.split(".")[1]) if "." in o.text else 0 for o in q.options)
        assert min(abs(a - b) for i, a in enumerate(values) for b in values[i + 1:]) >= 10**-places * 0.99


def tol(q: Question) -> float:
    """How far a shown answer may sit from the exact one: one unit of its last place."""
    if q.type == "NAT":
        return 10.0 ** -(q.rounding or 0)
    text = q.options[q.answer["correct"][0]].text
    return 10.0 ** -(len(text.split(".")[1]) if "." in text else 0)


def close(a: float, b: float | Fraction, tol: float = 1e-9) -> bool:
    return abs(float(a) - float(b)) <= tol * (1 + abs(float(b)))


def fractions_of(q: Question) -> dict[str, Fraction]:
    return {k: Fraction(v) for k, v in q.graph["values"].items()}


def built(topic: str, seed: int) -> list[Question]:
    qs = [make(topic, t, m, seed) for t, m in forms(topic)]
    for q in qs:
        check_shape(q)
    return qs


def test_topics_registered_with_their_forms():
    expected = {"batch-bias": 3, "vanishing": 3, "residual": 3, "delta-recursion": 3, "finite-difference": 3,
                "grad-shapes": 3, "ad-modes": 3, "backward-cache": 2, "dead-relu": 2}
    for topic, types in expected.items():
        assert len(REGISTRY[topic].types) == types and REGISTRY[topic].marks == (1, 2)


@pytest.mark.parametrize("topic", ["batch-bias", "vanishing", "residual", "delta-recursion", "finite-difference",
                                   "grad-shapes", "ad-modes", "backward-cache", "dead-relu"])
def test_same_seed_same_question(topic):
    for qtype, marks in forms(topic):
        assert make(topic, qtype, marks, 4242).to_dict() == make(topic, qtype, marks, 4242).to_dict()


# --- batch-bias: Σ_k c·(out_k − t_k)·gate_k ------------------------------------------------------

def batch_gradient(q: Question) -> Fraction:
    v, nodes = fractions_of(q), q.graph["nodes"]
    factor = 1 if "/ 2" in nodes["L1"] else 2
    total = Fraction(0)
    for k in range(1, 5):
        if f"x{k}" not in v:
            break
        z = v["w"] * v[f"x{k}"] + v["b"]
        out = max(z, Fraction(0)) if "h1" in nodes else z
        gate = (1 if z > 0 else 0) if "h1" in nodes else 1
        total += factor * (out - v[f"t{k}"]) * gate
    return total


@settings(max_examples=scaled(15), deadline=None)
@given(st.integers(0, 10**6))
def test_batch_bias_is_the_batch_sum(seed):
    for q in built("batch-bias", seed):
        g = batch_gradient(q)
        expected = fractions_of(q)["b"] - g / 10 if "lr" in q.find else g
        if q.type != "MSQ":
            assert abs(answer_value(q) - float(expected)) <= tol(q)
            continue
        for o in q.options:
            if o.text.startswith("∂L/∂b = "):
                assert (q.options.index(o) in q.answer["correct"]) == close(o.value, g)


# --- vanishing: σ' = a(1 − a) ----------------------------------------------------------------------

def vanishing_answer(q: Question) -> Fraction:
    e = q.extra
    if e["form"] == "bound":
        return Fraction(4 ** e["layers"])
    return math.prod((Fraction(a) * (1 - Fraction(a)) for a in e["outputs"]), start=Fraction(1)) * \
        math.prod((Fraction(w) for w in e["weights"]), start=Fraction(1))


@settings(max_examples=scaled(20), deadline=None)
@given(st.integers(0, 10**6))
def test_vanishing_products_and_bound(seed):
    for q in built("vanishing", seed):
        if q.type == "MSQ":
            for i, o in enumerate(q.options):
                if o.claim["kind"] == "sigmoid-chain":
                    c = o.claim
                    value = math.prod((Fraction(a) * (1 - Fraction(a)) for a in c["outputs"]), start=Fraction(1)) * \
                        math.prod((Fraction(w) for w in c["weights"]), start=Fraction(1))
                    assert (i in q.answer["correct"]) == (value == Fraction(c["value"]))
                    assert Fraction(o.text.split()[-1]) == Fraction(c["value"])  # the text states the claim
            continue
        assert abs(answer_value(q) - float(vanishing_answer(q))) <= tol(q)
        if q.extra["form"] == "bound":
            assert "largest N" in q.text


def test_vanishing_msq_never_keys_a_true_weaker_bound_false():
    """The wrong keys of issue 11: σ' ≤ 1/2 and the (1/4)^(k−1) bound hold, so they are never keyed false."""
    for seed in seeds(20):
        for marks in (1, 2):
            q = make("vanishing", "MSQ", marks, seed)
            for i, o in enumerate(q.options):
                c = o.claim
                if c.get("property") == "chain-bound" and not c["tight"]:
                    k = c["layers"]
                    assert (i in q.answer["correct"]) == (Fraction(c["bound"]) >= Fraction(1, 4**k))
                if c["kind"] == "largest-local":
                    primes = [Fraction(a) * (1 - Fraction(a)) for a in c["outputs"]]
                    assert len(set(primes)) == len(primes)  # never true only through a tie


# --- residual: the mpmath reference on the exported graph ---------------------------------------

@settings(max_examples=scaled(20), deadline=None)
@given(st.integers(0, 10**6))
def test_residual_matches_reference_and_closed_form(seed):
    for q in built("residual", seed):
        top = q.find["of"]
        reference, kink = derivative(q.graph, top, "x")
        assert kink > mpmath.mpf("1e-10")
        v = fractions_of(q)
        if top == "y":
            closed = v["v"] * (1 + v["w"] * (1 if v["w"] * v["x"] > 0 else 0))
        else:
            u = v["w1"] * v["x"]
            h = v["x"] + v["w2"] * max(u, Fraction(0))
            closed = 2 * (h - v["t"]) * (1 + v["w2"] * v["w1"] * (1 if u > 0 else 0))
        assert close(float(reference), closed, 1e-12)
        if q.type != "MSQ":
            assert abs(answer_value(q) - float(closed)) <= tol(q)
        else:
            for i, o in enumerate(q.options):
                if o.text.startswith(f"∂{top}/∂x = "):
                    assert (i in q.answer["correct"]) == close(o.value, closed)


# --- delta-recursion: δ_j = Σ_i W2[i][j] δo_i · φ'(z_j) with math floats -------------------------

def delta_closed_form(q: Question, j: int) -> float:
    v = {k: float(f) for k, f in fractions_of(q).items()}
    act = "sigmoid" if "sigmoid" in q.graph["nodes"]["a1"] else "tanh"
    z = {i: v[f"u{i}"] * v["x"] for i in (1, 2)}
    phi = (lambda s: 1 / (1 + math.exp(-s))) if act == "sigmoid" else math.tanh
    a = {i: phi(z[i]) for i in (1, 2)}
    o = {i: v[f"w{i}1"] * a[1] + v[f"w{i}2"] * a[2] for i in (1, 2)}
    d_out = {i: v[f"g{i}"] if "g1" in v else o[i] - v[f"t{i}"] for i in (1, 2)}
    prime = a[j] * (1 - a[j]) if act == "sigmoid" else 1 - a[j] ** 2
    return sum(v[f"w{i}{j}"] * d_out[i] for i in (1, 2)) * prime


@pytest.mark.parametrize("seed", range(12))
def test_delta_recursion_matches_closed_form_and_reference(seed):
    for q in built("delta-recursion", seed * 7919):
        j = int(q.find["wrt"][1])
        expected = delta_closed_form(q, j)
        reference, _ = derivative(q.graph, "L", f"z{j}")
        assert close(float(reference), expected, 1e-9)
        if q.type == "NAT":
            lo, hi = q.answer["range"]
            assert close(q.answer["value"], expected) and lo <= expected <= hi
        elif q.type == "MCQ":
            assert abs(answer_value(q) - expected) <= tol(q)
        else:
            for i, o in enumerate(q.options):
                if o.text.startswith(f"δ{j} = ∂L/∂z{j} = "):
                    assert (i in q.answer["correct"]) == (abs(o.value - expected) < 1e-9)


# --- finite-difference: the losses in closed form with fractions --------------------------------

def loss(q: Question, w: Fraction) -> Fraction:
    v = fractions_of(q)
    if "h" in q.graph["nodes"]:
        return (w * w * v["x"] - v["t"]) ** 2 / 2
    return (w * v["x"] - v["t"]) ** 2


def estimates(q: Question) -> dict[str, Fraction]:
    w, eps, v = fractions_of(q)["w"], Fraction(1, 10), fractions_of(q)
    backprop = 2 * w * v["x"] * (w * w * v["x"] - v["t"]) if "h" in q.graph["nodes"] else 2 * v["x"] * (w * v["x"] - v["t"])
    return {"forward": (loss(q, w + eps) - loss(q, w)) / eps,
            "central": (loss(q, w + eps) - loss(q, w - eps)) / (2 * eps), "backprop": backprop}


@settings(max_examples=scaled(20), deadline=None)
@given(st.integers(0, 10**6))
def test_finite_difference_estimates(seed):
    for q in built("finite-difference", seed):
        e = estimates(q)
        reference, _ = derivative(q.graph, "L", "w")
        assert close(float(reference), e["backprop"], 1e-12)
        if q.type == "MSQ":
            assert "F = (L(w + ε) − L(w))/ε" in q.text and "S = (L(w + ε) − L(w − ε))/(2ε)" in q.text
            for i, o in enumerate(q.options):
                if o.claim["kind"] == "fd-estimate":
                    letter, text = "F" if o.claim["scheme"] == "forward" else "S", o.text.replace("$", "")  # markup
                    assert text == f"{letter} = {text.split(' = ')[1]}"
                    assert (i in q.answer["correct"]) == (Fraction(text.split(" = ")[1]) == e[o.claim["scheme"]])
            continue
        kind = q.extra["scheme"]
        assert FORMULAS[kind] in q.text and "one-sided" not in q.text
        expected = e[kind] - e["backprop"] if q.extra["asked"] == "error" else e[kind]
        assert abs(answer_value(q) - float(expected)) <= tol(q)
        if q.type == "NAT":
            lo, hi = q.answer["range"]
            assert lo - 1e-9 <= float(expected) <= hi + 1e-9


FORMULAS = {"forward": "(L(w + ε) − L(w))/ε", "central": "(L(w + ε) − L(w − ε))/(2ε)"}


def test_halving_claims_are_never_vacuous():
    """The halving statement is only made where the error it scales is not 0 (issue 11: quadratics)."""
    for seed in seeds(15):
        for marks in (1, 2):
            q = make("finite-difference", "MSQ", marks, seed)
            for o in q.options:
                if o.claim["kind"] == "fd-error-ratio":
                    e = estimates(q)
                    assert e[o.claim["scheme"]] != e["backprop"]


# --- concepts ----------------------------------------------------------------------------------

SHAPE_RULES = {"affine": lambda d: {"W": (d["m"], d["n"]), "b": (d["m"],), "X": (d["n"], d["batch"]),
                                    "Z": (d["m"], d["batch"])},
               "two-layer": lambda d: {"X": (d["n"], d["batch"]), "W1": (d["h"], d["n"]), "b1": (d["h"],),
                                       "A1": (d["h"], d["batch"]), "W2": (d["m"], d["h"])}}


def shape_text(shape):
    return f"a vector of {shape[0]} entries" if len(shape) == 1 else " × ".join(map(str, shape))


@pytest.mark.parametrize("seed", seeds(20))
def test_grad_shapes(seed):
    for q in built("grad-shapes", seed):
        d = q.extra["dims"]
        right = SHAPE_RULES[q.extra["net"]](d)
        if q.type == "NAT":
            counts = {k: math.prod(v) for k, v in right.items()}
            assert q.answer["value"] == (d["m"] * d["n"] * d["batch"] if q.extra.get("asked") == "cost"
                                         else counts[q.extra["of"]])
        elif q.type == "MCQ" and q.marks == 1:
            assert q.options[q.answer["correct"][0]].text == shape_text(right[q.extra["of"]])
        elif q.type == "MCQ":
            assert q.options[q.answer["correct"][0]].text == f"GXᵀ, which is {d['m']} × {d['n']}"
        else:
            if q.marks == 2:  # only layer sizes are given: no shape can be copied from the stem
                assert " × " not in q.text
            for i, o in enumerate(q.options):
                target, shape = re.match(r"∂L/∂(\w+) is (.*)", o.text).groups()
                target = target.translate(str.maketrans("₀₁₂₃₄₅₆₇₈₉", "0123456789"))  # W₁ as printed
                assert (i in q.answer["correct"]) == (shape == shape_text(right[target]))


@pytest.mark.parametrize("seed", seeds(20))
def test_ad_modes(seed):
    for q in built("ad-modes", seed):
        e = q.extra
        assert not re.search(r"\b1 (passes|outputs|inputs)\b", q.text + " ".join(o.text for o in q.options))
        if "n_in" in e:
            assert answer_value(q) == (e["n_in"] + 1) * e["hidden"] + (e["hidden"] + 1) * e["n_out"]
            assert any(str((e["n_in"] + 1) * e["hidden"] + (e["hidden"] + 1) * e["n_out"]) in s.text for s in q.solution)
            continue
        n, m = e["n"], e["m"]
        if q.type == "NAT":
            assert q.answer["value"] == (n if e["mode"] == "forward" else m)
        elif q.type == "MCQ":
            cheap = f"reverse mode, {m} pass" if m < n else f"forward mode, {n} pass"
            assert q.options[q.answer["correct"][0]].text.lower().startswith(cheap)
        else:
            for i, o in enumerate(q.options):
                count = re.match(r"(forward|reverse) mode needs (\d+)", o.text, re.IGNORECASE)
                if count:
                    forward = count[1].lower() == "forward"
                    assert (i in q.answer["correct"]) == (int(count[2]) == (n if forward else m))


def needed_by_hand(q: Question, wrt: str) -> set[str]:
    depth = sum(1 for name in q.graph["nodes"] if name.startswith("a"))
    layer = int(wrt[1:])
    read = {f"z{depth + 1}", "t"} | {f"w{k + 1}" for k in range(layer, depth + 1)} | \
        {f"z{k}" for k in range(layer, depth + 1)}
    return read | ({"x" if layer == 1 else f"z{layer - 1}"} if wrt[0] == "w" else set())


@pytest.mark.parametrize("seed", seeds(20))
def test_backward_cache_by_hand(seed):
    for q in built("backward-cache", seed):
        wrt = re.search(r"computes \$?∂L/∂(\w+)", q.text)[1]
        assert "hidden unit.)" not in q.text
        for i, o in enumerate(q.options):
            needed = o.claim["item"] in needed_by_hand(q, wrt)
            assert (i in q.answer["correct"]) == (not needed if q.type == "MCQ" else needed)


def test_backward_cache_varies_its_network():
    """Issue 11: three networks in all; now the activation, depth, biases, loss and ∂L/∂? vary."""
    stems = {make("backward-cache", t, m, seed).text.split(" Which")[0]
             for seed in range(40) for t in ("MCQ", "MSQ") for m in (1, 2)}
    assert len(stems) >= 60


@pytest.mark.parametrize("seed", seeds(15))
def test_dead_relu_against_reference(seed):
    for q in built("dead-relu", seed):
        values = evaluate(q.graph)
        assert all(abs(values[f"z{k}"]) > 0 for k in range(1, 4) if f"z{k}" in values)
        for i, o in enumerate(q.options):
            weight = o.text.strip("$")  # the option is the weight's name as a maths span
            assert o.claim == {"kind": "zero", "find": {"of": "L", "wrt": weight}, "zero": True}
            assert o.value is None and o.find is None  # the claim is "this gradient is 0", not a value
            grad, _ = derivative(q.graph, "L", weight)
            assert (i in q.answer["correct"]) == (abs(grad) < mpmath.mpf("1e-30"))
