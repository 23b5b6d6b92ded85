"""The paper-group families, each checked over many seeds against an INDEPENDENT computation:
parameter counts by expanding a layer-form spec and counting its leaves, the perceptron rule redone
with fractions, activation facts by mpmath finite differences and far-out evaluations, derivatives
from outputs by inverting the activation and differencing, descent steps by differencing the loss,
and ReLU-network gradients by exact finite differences on the matrices.
"""

from __future__ import annotations

import json
import re
from fractions import Fraction

import mpmath
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gatebp.gate.question import Question, in_key_range
from gatebp.network.spec import parse_spec
from gatebp.questions.families import (
    activation_facts,
    activation_props,
    multipath_relu,
    output_derivative,
    param_count,
    perceptron,
    sgd_steps,
)
from gatebp.questions.families.base import REGISTRY
from tests.standards_new import ascii_minus
from tests.sweep import scaled, built

mpmath.mp.dps = 50
SEEDS = st.integers(0, 10**6)
FAMILIES = {"param-count": param_count, "perceptron": perceptron, "activation-properties": activation_props,
            "derivative-from-output": output_derivative, "sgd-steps": sgd_steps, "multipath-relu": multipath_relu}


def make(topic: str, qtype: str, marks: int, seed: int) -> Question:
    return ascii_minus(built(topic, qtype, marks, seed))


def forms(topic: str) -> list[tuple[str, int]]:
    fam = REGISTRY[topic]
    return [(t, m) for t in fam.types for m in fam.marks]


def check_shape(q: Question) -> None:
    """The record's own promises: key ranges, one correct MCQ option, named distractors, distinct options."""
    if q.type == "NAT":
        assert in_key_range(q.answer["value"], q.answer["range"])
        assert "rounded off" in q.text or "integer" in q.text
        assert all(m.mistake for m in q.mistakes)
        return
    correct = q.answer["correct"]
    assert len(q.options) == 4 and len({o.text for o in q.options}) == 4
    assert len(correct) == 1 if q.type == "MCQ" else len(correct) >= 1
    for i, option in enumerate(q.options):
        assert (option.mistake is None) == (i in correct), option
    numeric = [o.text for o in q.options if re.fullmatch(r"-?\d+(\.\d+)?", o.text)]
    if len(numeric) == 4:  # numeric options stay apart beyond the last shown place
        gap = 10.0 ** -_places(q)
        values = [float(t) for t in numeric]
        assert all(abs(a - b) >= gap * 0.999 for i, a in enumerate(values) for b in values[i + 1:]), values
    elif q.type == "MCQ":
        values = [o.value for o in q.options if o.value is not None]
        assert len(set(values)) == len(values)


def _places(q: Question) -> int:
    text = q.options[q.answer["correct"][0]].text
    return len(text.split(".")[1]) if "." in text else 0


def correct_value(q: Question) -> float:
    if q.type == "NAT":
        return q.answer["value"]
    return q.options[q.answer["correct"][0]].value  # type: ignore[return-value]


def test_registered_in_the_paper_group() -> None:
    expected = {"param-count": ("NAT", "MCQ", "MSQ"), "perceptron": ("NAT", "MCQ", "MSQ"),
                "activation-properties": ("MSQ", "MCQ"), "derivative-from-output": ("NAT", "MCQ", "MSQ"),
                "sgd-steps": ("NAT", "MCQ"), "multipath-relu": ("NAT", "MCQ", "MSQ")}
    for name, types in expected.items():
        assert REGISTRY[name].group == "paper" and REGISTRY[name].types == types
        assert REGISTRY[name].marks == (1, 2)


@pytest.mark.parametrize("topic", sorted(FAMILIES))
def test_same_seed_same_question(topic: str) -> None:
    for qtype, marks in forms(topic):
        for seed in (3, 77):
            first, again = make(topic, qtype, marks, seed), make(topic, qtype, marks, seed)
            assert json.dumps(first.to_dict()) == json.dumps(again.to_dict())


# ---- param-count: count the leaves of the expanded layer-form spec -----------------------------------

def leaves_of(sizes: list[int], with_biases: bool) -> int:
    layers = [{"out": f"l{'abcdefg'[i]}", "W": [["1"] * a for _ in range(b)],
               **({"b": ["0"] * b} if with_biases else {})} for i, (a, b) in enumerate(zip(sizes, sizes[1:]))]
    graph = parse_spec(json.dumps({"input": {"x": ["1"] * sizes[0]}, "layers": layers}))
    return sum(1 for name in graph.values if name.startswith(("w_", "b_")))


@settings(max_examples=scaled(40), deadline=None)
@given(SEEDS)
def test_param_count(seed: int) -> None:
    for qtype, marks in forms("param-count"):
        q = make("param-count", qtype, marks, seed)
        check_shape(q)
        sizes, with_biases = q.extra["sizes"], q.extra["biases"]
        count = leaves_of(sizes, with_biases)
        assert "layer 0" not in q.text.lower() and not any("layer 0" in step.text for step in q.solution)
        if "widen" in q.extra:
            i, d = q.extra["widen"]["layer"], q.extra["widen"]["by"]
            wider = sizes[:i] + [sizes[i] + d] + sizes[i + 1:]
            assert correct_value(q) == leaves_of(wider, with_biases) - count
            continue
        if q.type != "MSQ":
            assert correct_value(q) == count
            continue
        mistakes = [o.mistake for o in q.options if o.mistake]
        assert len(mistakes) == len(set(mistakes))  # no two statements test the same slip
        for option, right in _options(q):
            found = re.fullmatch(r"The network has (\d+) trainable parameters in all", option.text)
            if found:
                assert right == (int(found[1]) == count)


def _options(q: Question):  # type: ignore[no-untyped-def]
    return [(o, i in q.answer["correct"]) for i, o in enumerate(q.options)]


# ---- perceptron: the rule redone with fractions ------------------------------------------------------

def perceptron_after(extra: dict) -> tuple[Fraction, list[Fraction], Fraction, Fraction]:
    x = [Fraction(v) for v in extra["x"]]
    w = [Fraction(v) for v in extra["w"]]
    b = Fraction(extra["b"]) if extra["b"] is not None else Fraction(0)
    s = sum(a * c for a, c in zip(w, x)) + b
    if extra["form"] == "01":
        change = Fraction(extra["eta"]) * (extra["y"] - (1 if s > 0 else 0))
    else:
        change = Fraction(extra["y"]) if (1 if s > 0 else -1) != extra["y"] else Fraction(0)
    new_w = [a + change * c for a, c in zip(w, x)]
    new_b = b + change if extra["b"] is not None else Fraction(0)
    return s, new_w, new_b, sum(a * c for a, c in zip(new_w, x)) + new_b


@settings(max_examples=scaled(40), deadline=None)
@given(SEEDS)
def test_perceptron(seed: int) -> None:
    for qtype, marks in forms("perceptron"):
        q = make("perceptron", qtype, marks, seed)
        check_shape(q)
        old, new_w, new_b, new = perceptron_after(q.extra)
        xx = sum(Fraction(v) ** 2 for v in q.extra["x"]) + (1 if q.extra["b"] is not None else 0)
        step = Fraction(q.extra["eta"]) if q.extra["form"] == "01" else Fraction(1)
        assert (new - old) / xx in (0, step, -step)  # the score moves by the multiplier times x·x (+ 1)
        if q.type == "NAT":
            asked = re.search(r"the value of \$?(w(\d)|b)\$? is", q.text)
            assert asked
            expected = new_b if asked[1] == "b" else new_w[int(asked[2]) - 1]
            assert q.answer["value"] == pytest.approx(float(expected), abs=1e-12)
        elif q.type == "MCQ":
            text = q.options[q.answer["correct"][0]].text
            word = "increases" if new > old else "decreases" if new < old else "unchanged"
            assert word in text
            assert correct_value(q) == pytest.approx(float(new), abs=1e-12)
        else:
            for option, right in _options(q):
                found = re.fullmatch(r"After the update, \$?w(\d)\$? = (\S+)", option.text)
                if found:
                    assert right == (Fraction(found[2]) == new_w[int(found[1]) - 1])
                if option.text == "After the update, the perceptron classifies this input correctly":
                    label = q.extra["y"]
                    predicted = (1 if new > 0 else 0) if q.extra["form"] == "01" else (1 if new > 0 else -1)
                    assert right == (predicted == label)


# ---- activation-properties: each option's truth by mpmath numerics ------------------------------------

ACTS = {"leaky ReLU": lambda z: z if z >= 0 else z / 100, "ReLU": lambda z: z if z > 0 else mpmath.mpf(0),
        "σ": lambda z: 1 / (1 + mpmath.exp(-z)), "tanh": mpmath.tanh, "the identity": lambda z: z}
ACTS.update({"sigmoid": ACTS["σ"], "linear": ACTS["the identity"]})  # names used in "A ... unit"
GRID = [mpmath.mpf(k) / 8 for k in range(-80, 81) if k != 0]
EPS = mpmath.mpf("1e-20")


def slope(f, z, side: int = 0):  # type: ignore[no-untyped-def]
    if side == 0:
        return (f(z + EPS) - f(z - EPS)) / (2 * EPS)
    return (f(z + side * EPS) - f(z)) / (side * EPS)


PRIMES = {"leaky ReLU′(z)": "leaky ReLU", "ReLU′(z)": "ReLU", "σ′(z)": "σ", "tanh′(z)": "tanh",
          "f′(z)": "the identity"}


def _name(text: str) -> str:
    text = text[:1].lower() + text[1:] if text.startswith("The identity") else text
    return next(n for n in ACTS if text.startswith(n) or f" {n} " in text or f" {n}′" in text
                or (n == "the identity" and "f′(z)" in text))


def _peak(name: str):  # type: ignore[no-untyped-def]
    f = ACTS[name]
    return max(slope(f, z) for z in GRID + [mpmath.mpf(0)])


def numeric_truth(text: str) -> bool | None:
    """The truth of one statement read from its TEXT by numerics, independent of SymPy and of the
    option's claim; None for a form it does not know."""
    ratio = re.fullmatch(r"The largest value of (.+) is (\S+) times the largest value of (.+)", text)
    if ratio:
        first, second = PRIMES[ratio[1]], PRIMES[ratio[3]]
        return abs(_peak(first) / _peak(second) - _mp(ratio[2])) < 1e-9
    chain = re.fullmatch(r"In a chain of (\d) .* with every \|w\| ≤ 1, (\S+) is (the smallest|a) bound on .*", text)
    if chain:
        best = _peak(_name(text)) ** int(chain[1])
        return abs(best - _mp(chain[2])) < 1e-9 if chain[3] == "the smallest" else best <= _mp(chain[2]) + 1e-12
    name = _name(text)
    f = ACTS[name]
    zero = mpmath.mpf(0)
    if text.endswith("is continuous at z = 0") or text.endswith("is discontinuous at z = 0"):
        cont = abs(f(EPS) - f(zero)) < 1e-15 and abs(f(-EPS) - f(zero)) < 1e-15
        return cont if "is continuous" in text else not cont
    if "differentiable at z = 0" in text:
        same = abs(slope(f, zero, 1) - slope(f, zero, -1)) < 1e-12
        return same if "not" not in text else not same
    if text.startswith("The set of outputs"):
        return _range_truth(f, text)
    if "strictly increasing" in text:
        return all(slope(f, z) > 0 for z in GRID)
    if "non-decreasing" in text:
        return all(slope(f, z) >= 0 for z in GRID)
    bound = re.search(r"≤ (\d+(?:/\d+)?) for every z", text)
    if bound:
        return _peak(name) <= _mp(bound[1]) + 1e-12
    largest = re.fullmatch(r"The largest value of .+ is (\d+(?:/\d+)?)", text)
    if largest:
        return abs(_peak(name) - _mp(largest[1])) < 1e-9
    if "saturates" in text:
        plus, minus = abs(slope(f, mpmath.mpf(60))) < 1e-20, abs(slope(f, mpmath.mpf(-60))) < 1e-20
        return plus and minus if "both" in text else plus if "+∞" in text else minus
    if "die" in text:
        return all(slope(f, z) == 0 for z in GRID if z < 0)
    return None


def _range_truth(f, text: str) -> bool:  # type: ignore[no-untyped-def]
    found = re.search(r"exactly ([\[(])(\S+), (\S+)([\])])", text)
    assert found
    far = [f(mpmath.mpf(-10**6)), f(mpmath.mpf(10**6))]
    ends = [-mpmath.inf if far[0] < -1000 else mpmath.nint(far[0] * 1000) / 1000,
            mpmath.inf if far[1] > 1000 else mpmath.nint(far[1] * 1000) / 1000]
    stated = [_end(found[2]), _end(found[3])]
    if stated != ends:
        return False
    attained = [ends[0] != -mpmath.inf and f(mpmath.mpf(-3)) == ends[0],
                ends[1] != mpmath.inf and f(mpmath.mpf(3)) == ends[1]]
    return (found[1] == "[") == attained[0] and (found[4] == "]") == attained[1]


def _end(text: str):  # type: ignore[no-untyped-def]
    text = text.replace("−", "-") if text != "−∞" else text
    return {"−∞": -mpmath.inf, "-∞": -mpmath.inf, "∞": mpmath.inf}.get(text) or mpmath.mpf(Fraction(text).numerator) / Fraction(text).denominator


@settings(max_examples=scaled(40), deadline=None)
@given(SEEDS)
def test_activation_properties(seed: int) -> None:
    for qtype, marks in forms("activation-properties"):
        q = make("activation-properties", qtype, marks, seed)
        check_shape(q)
        for option, right in _options(q):
            truth = numeric_truth(option.text)
            assert truth is not None, option.text
            assert truth == right, option.text


def test_activation_facts_the_paper_tests() -> None:
    assert activation_facts.continuous("relu", 0) and not activation_facts.differentiable("relu", 0)
    assert activation_facts.derivative_sup("sigmoid")[0] == Fraction(1, 4)
    assert activation_facts.dies_for_negative("relu") and not activation_facts.dies_for_negative("leaky_relu")


# ---- derivative-from-output: invert the activation and difference it ---------------------------------

@settings(max_examples=scaled(40), deadline=None)
@given(SEEDS)
def test_derivative_from_output(seed: int) -> None:
    for qtype, marks in forms("derivative-from-output"):
        q = make("derivative-from-output", qtype, marks, seed)
        check_shape(q)
        out = mpmath.mpf(Fraction(q.extra["output"]).numerator) / Fraction(q.extra["output"]).denominator
        if q.extra["activation"] == "sigmoid":
            z, f = mpmath.log(out / (1 - out)), ACTS["σ"]
        else:
            z, f = mpmath.atanh(out), ACTS["tanh"]
        local = slope(f, z)
        if q.type == "MSQ":
            assert any(o.claim["kind"] == "output-weight-gradient" for o in q.options) == (marks == 2)
            for option, right in _options(q):
                found = re.fullmatch(r"The derivative df/dz at that input is (-?[\d.]+)", option.text)
                if found:
                    assert right == (abs(local - mpmath.mpf(found[1])) < 5e-5)
                sign = re.fullmatch(r"The input z is (positive|negative)", option.text)
                if sign:
                    assert right == ((z > 0) == (sign[1] == "positive"))
                assert "at most" not in option.text  # no arbitrary thresholds (issue 11)
            continue
        expected = local if marks == 1 else local * _mp(q.extra["upstream"]) * _mp(q.extra["x"])
        if q.type == "NAT":
            assert abs(q.answer["value"] - expected) < 1e-12
            assert in_key_range(float(expected), q.answer["range"])
        else:
            assert abs(correct_value(q) - expected) <= 10.0 ** -_places(q) / 2 + 1e-12


def _mp(text: str):  # type: ignore[no-untyped-def]
    value = Fraction(text)
    return mpmath.mpf(value.numerator) / value.denominator


# ---- sgd-steps: descend with a finite-difference gradient of the loss ---------------------------------

def loss(extra: dict, w, b):  # type: ignore[no-untyped-def]
    terms = [(w * _mp(x) + b - _mp(t)) ** 2 for x, t in extra["examples"]]
    total = sum(terms) / (2 if extra["half"] else 1)
    return total / len(terms) if extra["mean"] else total


def numeric_descent(extra: dict):  # type: ignore[no-untyped-def]
    w, lr = _mp(extra["w"]), _mp(extra["lr"])
    b = _mp(extra["b"]) if extra["b"] is not None else mpmath.mpf(0)
    for _ in range(extra["steps"]):
        gw = (loss(extra, w + EPS, b) - loss(extra, w - EPS, b)) / (2 * EPS)
        gb = (loss(extra, w, b + EPS) - loss(extra, w, b - EPS)) / (2 * EPS)
        w, b = w - lr * gw, (b - lr * gb if extra["b"] is not None else b)
    return w if extra["asked"] == "w" else b


@settings(max_examples=scaled(40), deadline=None)
@given(SEEDS)
def test_sgd_steps(seed: int) -> None:
    for qtype, marks in forms("sgd-steps"):
        q = make("sgd-steps", qtype, marks, seed)
        check_shape(q)
        expected = numeric_descent(q.extra)
        if q.type == "NAT":
            assert abs(q.answer["value"] - expected) < 1e-9
            assert in_key_range(float(expected), q.answer["range"])
            assert q.rounding == 2
        else:
            assert abs(correct_value(q) - expected) <= 0.005 + 1e-12
        assert "at every step" not in q.text or q.extra["steps"] > 1
        evaluations = q.extra["steps"] * len(q.extra["examples"]) * (2 if q.extra["b"] is not None else 1)
        assert evaluations == 2 if marks == 1 else evaluations >= 4  # the 2-mark extra step
        step_lines = [s.text for s in q.solution if s.text.strip().startswith("∂L/∂w")]
        assert len(step_lines) == q.extra["steps"]  # every step's gradient is written out


# ---- multipath-relu: exact finite differences on the matrices -----------------------------------------

def network(extra: dict, x: list[Fraction]) -> Fraction:
    values = x
    for layer in extra["layers"]:
        rows = [[Fraction(v) for v in row] for row in layer["W"]]
        biases = [Fraction(v) for v in layer["b"]] or [Fraction(0)] * len(rows)
        pre = [sum((w * v for w, v in zip(row, values)), bias) for row, bias in zip(rows, biases)]
        values = [max(p, Fraction(0)) for p in pre] if layer["act"] == "relu" else pre
    return values[0]


def input_gradient(extra: dict, index: int) -> Fraction:
    """Exact: ReLU nets are piecewise linear and no pre-activation sits within 10^-6 of 0."""
    x = [Fraction(v) for v in extra["x"]]
    h = Fraction(1, 10**6)
    up, down = list(x), list(x)
    up[index] += h
    down[index] -= h
    return (network(extra, up) - network(extra, down)) / (2 * h)


@settings(max_examples=scaled(40), deadline=None)
@given(SEEDS)
def test_multipath_relu(seed: int) -> None:
    for qtype, marks in forms("multipath-relu"):
        q = make("multipath-relu", qtype, marks, seed)
        check_shape(q)
        grads = [input_gradient(q.extra, 0), input_gradient(q.extra, 1)]
        assert "W1 = [[" in q.text
        if q.type == "MSQ":
            for option, right in _options(q):
                found = re.fullmatch(r"∂y1/∂x(\d) = (-?[\d.]+)", option.text)
                if found:
                    assert right == (Fraction(found[2]) == grads[int(found[1]) - 1])
        elif q.type == "MCQ" and marks == 2:
            assert q.options[q.answer["correct"][0]].text == f"({grads[0]}, {grads[1]})"
        else:
            wrt = int(q.find["wrt"][1:]) - 1  # type: ignore[index]
            assert correct_value(q) == grads[wrt] != 0


def test_most_multipath_draws_close_a_gate_that_matters() -> None:
    closed = 0
    for seed in range(60):
        q = make("multipath-relu", "NAT", 1, seed)
        closed += any("closed ReLU gate" in m.mistake for m in q.mistakes)
    assert closed >= 40
