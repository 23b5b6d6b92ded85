"""The backprop-group families checked against an independent reference.

Answers are recomputed here by central finite differences on the exported graph, evaluated with
mpmath at 40 digits (never with gatebp's solver), plus closed forms for BCE (p − t) and softmax
(p_k − y_k). Each question form is built over many seeds: keys hold the value, options are
distinct beyond the rounding, distractors name their mistake, and a seed rebuilds the same question.
"""

from __future__ import annotations

import re
from typing import Any

import mpmath as mp
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gatebp.questions.generate import build_question
from tests.sweep import scaled, seeds, built

mp.mp.dps = 40
STEP = mp.mpf("1e-15")
CORE = {"relu", "sigmoid", "tanh", "exp", "log"}
FUNCS: dict[str, Any] = {
    "relu": lambda z: z if z > 0 else mp.mpf(0),
    "sigmoid": lambda z: 1 / (1 + mp.exp(-z)),
    "tanh": mp.tanh, "exp": mp.exp, "log": mp.log,
}
FAMILIES = {  # topic: examples per (type, marks) form; the exp/log families are slower to build
    "activation-path": 8, "merges": 12, "two-layer-mse": 12, "sigmoid-bce": 5, "softmax-ce": 5, "descent-step": 8,
}
FORMS = [(t, m) for t in ("NAT", "MCQ", "MSQ") for m in (1, 2)]


def forward(graph: dict[str, dict[str, str]], nudge: tuple[str, Any] | None = None) -> dict[str, Any]:
    """Evaluate the exported graph; `nudge` adds a small amount to one leaf or node value."""
    env: dict[str, Any] = {k: mp.mpf(mp.fraction(*_ratio(v))) for k, v in graph["values"].items()}
    if nudge and nudge[0] in env:
        env[nudge[0]] += nudge[1]
    for name, text in graph["nodes"].items():
        env[name] = eval(text, {"__builtins__": {}}, {**FUNCS, **env})  # noqa: S307 - test-only, core grammar
        if nudge and nudge[0] == name:
            env[name] += nudge[1]
    return env


def _ratio(text: str) -> tuple[int, int]:
    from fractions import Fraction

    value = Fraction(text)
    return value.numerator, value.denominator


def derivative(graph: dict[str, dict[str, str]], of: str, wrt: str) -> Any:
    return (forward(graph, (wrt, STEP))[of] - forward(graph, (wrt, -STEP))[of]) / (2 * STEP)


def reference(graph: dict[str, dict[str, str]], find: dict[str, Any]) -> float:
    """The asked value by finite differences; a descent step is w − lr·∂L/∂w."""
    g = derivative(graph, find["of"], find["wrt"])
    if "lr" in find:
        weight = forward(graph)[find["wrt"]]
        return float(weight - mp.mpf(str(find["lr"])) * g)
    return float(g)


def _check_common(q: Any, topic: str) -> None:
    assert q.topic == topic and q.id.startswith(f"{topic}:")
    assert q.graph is not None and q.find is not None
    for text in q.graph["nodes"].values():
        assert set(re.findall(r"([a-z_]+)\(", text)) <= CORE, text
    assert q.solution, "a worked solution"
    for option in q.options:
        if option.label not in q.correct_labels:
            assert option.mistake, f"distractor {option.text!r} names no mistake"


def _check_nat(q: Any, truth: float) -> None:
    lo, hi = q.answer["range"]
    assert abs(q.answer["value"] - truth) <= 1e-9 * (1 + abs(truth))
    assert lo - 1e-12 <= truth <= hi + 1e-12
    assert "rounded off" in q.text or "integer" in q.text
    for slip in q.mistakes:
        assert slip.mistake and not (lo - 1e-9 <= slip.value <= hi + 1e-9)


def _check_mcq(q: Any, truth: float) -> None:
    assert len(q.options) == 4 and len(q.answer["correct"]) == 1
    places = q.rounding if q.rounding is not None else _places(q.options)
    correct = q.options[q.answer["correct"][0]]
    assert abs(correct.value - truth) <= 0.5 * 10**-places + 1e-9
    values = [o.value for o in q.options]
    for i, a in enumerate(values):
        for b in values[i + 1:]:
            assert abs(a - b) >= 0.999 * 10**-places, values
        assert i == q.answer["correct"][0] or abs(a - truth) > 0.5 * 10**-places


def _places(options: Any) -> int:
    return max(len(o.text.split(".")[1]) if "." in o.text else 0 for o in options)


def _check_msq(q: Any) -> None:
    assert len(q.options) == 4 and len(q.answer["correct"]) >= 1
    assert len({o.text for o in q.options}) == 4
    for i, option in enumerate(q.options):
        if option.find is not None and option.value is not None:
            truth = reference(q.graph, option.find)
            places = option.claim["places"] if option.claim else 6
            assert (abs(option.value - truth) <= 0.5 * 10**-places + 1e-9) == (i in q.answer["correct"]), option


def check(topic: str, qtype: str, marks: int, seed: int) -> Any:
    q = built(topic, qtype, marks, seed)
    _check_common(q, topic)
    truth = reference(q.graph, q.find)
    if qtype == "NAT":
        _check_nat(q, truth)
    elif qtype == "MCQ":
        _check_mcq(q, truth)
    else:
        _check_msq(q)
    if seed % 4 == 0:
        assert build_question(topic, qtype, marks, seed).to_dict() == q.to_dict()
    return q


def _forms_test(topic: str):  # type: ignore[no-untyped-def]
    @pytest.mark.parametrize(("qtype", "marks"), FORMS)
    @settings(max_examples=scaled(FAMILIES[topic]), deadline=None, derandomize=True)
    @given(seed=st.integers(0, 10**6))
    def test(qtype: str, marks: int, seed: int) -> None:
        q = check(topic, qtype, marks, seed)
        EXTRA_CHECKS.get(topic, lambda q: None)(q)

    return test


def _bce_closed_form(q: Any) -> None:
    """∂L/∂w = (p − t)·(the factors below z), with p and the factors recomputed here."""
    if q.type == "MSQ":
        return
    env, wrt = forward(q.graph), q.find["wrt"]
    below = {"w": lambda: env["x"], "w1": lambda: env["x1"], "w2": lambda: env["x2"],
             "u": lambda: env["w"] * (1 if env["h"] > 0 else 0) * env["x"]}[wrt]()
    expected = float((env["p"] - env["t"]) * below)
    assert abs(q.answer.get("value", expected) - expected) < 1e-9 if q.type == "NAT" else True
    if q.type == "MCQ":
        correct = q.options[q.answer["correct"][0]]
        assert abs(correct.value - expected) < 0.0051


def _softmax_closed_form(q: Any) -> None:
    """∂L/∂z_k = p_k − y_k (times x for a weight), and every MSQ statement's truth."""
    env = forward(q.graph)
    total = sum(env[f"e{j}"] for j in (1, 2, 3))
    p = {j: env[f"e{j}"] / total for j in (1, 2, 3)}
    c = int(re.search(r"the true class is (\d)", q.text).group(1))
    g = {j: p[j] - (1 if j == c else 0) for j in (1, 2, 3)}
    if q.type == "NAT":
        k = int(q.find["wrt"][1])
        expected = g[k] * (env["x"] if q.find["wrt"].startswith("w") else 1)
        assert abs(q.answer["value"] - float(expected)) < 1e-9
    if q.type == "MSQ":
        for i, option in enumerate(q.options):
            truth = _softmax_statement(option.text, g, p, c)
            if truth is not None:
                assert truth == (i in q.answer["correct"]), option.text


def _softmax_statement(text: str, g: dict[int, Any], p: dict[int, Any], c: int) -> bool | None:
    """The statement's truth read from its text and decided from p − y (None: not a gradient statement)."""
    text = text.replace("$", "")  # the maths markup's spans hold the same words
    match = re.fullmatch(r"the three components of ∂L/∂z add up to (\d)", text)
    if match:
        return abs(sum(g.values()) - int(match[1])) < 1e-20
    match = re.fullmatch(r"∂L/∂z(\d) is (positive|negative)", text)
    if match:
        return (g[int(match[1])] > 0) == (match[2] == "positive")
    match = re.fullmatch(r"of the components of ∂L/∂z, ∂L/∂z(\d) is the largest", text)
    if match:
        return max(g, key=lambda j: g[j]) == int(match[1])
    match = re.fullmatch(r"∂L/∂z(\d) [=≈] (-?[\d.]+)", text)
    if match:
        decimals = len(match[2].split(".")[1]) if "." in match[2] else 0
        return abs(float(g[int(match[1])]) - float(match[2])) <= 0.5 * 10**-decimals + 1e-12
    return None


EXTRA_CHECKS = {"sigmoid-bce": _bce_closed_form, "softmax-ce": _softmax_closed_form}

test_activation_path = _forms_test("activation-path")
test_merges = _forms_test("merges")
test_two_layer_mse = _forms_test("two-layer-mse")
test_sigmoid_bce = _forms_test("sigmoid-bce")
test_softmax_ce = _forms_test("softmax-ce")
test_descent_step = _forms_test("descent-step")


def test_merges_seed_examples_by_hand() -> None:
    """The seed tutorial's graphs: u = x*y, v = u + y, L = v**2 gives ∂L/∂y = 2v(x + 1)."""
    graph = {"values": {"x": "2", "y": "3"}, "nodes": {"u": "x*y", "v": "u + y", "L": "v**2"}}
    assert abs(float(derivative(graph, "L", "y")) - 2 * 9 * 3) < 1e-12
    graph = {"values": {"x": "2", "y": "1"}, "nodes": {"a": "x + y", "b": "x*a", "L": "b**2"}}
    assert abs(float(derivative(graph, "L", "x")) - 2 * 6 * (3 + 2)) < 1e-12


def test_merges_distractor_drops_a_path() -> None:
    found = False
    for seed in seeds(15):
        q = built("merges", "MCQ", 2, seed)
        found |= any(o.mistake and "dropped the path" in o.mistake for o in q.options)
    assert found


def test_activation_path_distractor_uses_output() -> None:
    mistakes = [o.mistake or "" for seed in range(20) for o in built("activation-path", "MCQ", 1, seed).options]
    assert any("instead of σ′(z)" in m or "instead of tanh′(z)" in m for m in mistakes)


def test_descent_step_distractors_include_wrong_direction() -> None:
    for seed in range(10):
        q = built("descent-step", "MCQ", 1, seed)
        env = forward(q.graph)
        g = derivative(q.graph, "L", q.find["wrt"])
        plus = float(env[q.find["wrt"]] + mp.mpf(str(q.find["lr"])) * g)
        wrong = [o for o in q.options if o.mistake and "w + lr·g" in o.mistake]
        assert not wrong or abs(wrong[0].value - plus) < 0.01


def test_two_layer_input_gradient_sums_over_units() -> None:
    for seed in seeds(20):
        q = built("two-layer-mse", "NAT", 2, seed)
        if q.find["wrt"] in ("x1", "x2"):
            assert any("paths" in step.text or "merge" in step.text for step in q.solution)
            return
    pytest.fail("no ∂L/∂x question in 40 seeds")


def _vanishing_truth(text: str, k: int) -> bool | None:
    """An independent reading of the vanishing family's two bound statements (None: another kind)."""
    import re

    peak = re.search(r"largest value of σ′\(z\) is (\d+)/(\d+)", text)
    if peak:
        return (int(peak[1]), int(peak[2])) == (1, 4)  # σ'(z) = σ(1 − σ) peaks at σ = 1/2: 1/4
    bound = re.search(r"smallest bound on \|∂a(\d+)/∂z1\| that holds for every input is \(1/4\)\^(\d+)", text)
    if bound:
        return int(bound[2]) == int(bound[1]) == k  # k σ' factors of at most 1/4 each, all reachable
    return None


def test_vanishing_bound_statements_are_keyed_by_the_mathematics() -> None:
    """Regression: weaker-but-true bounds were keyed false in 57% of vanishing MSQs."""
    judged, chosen = 0, seeds(150)
    for seed in chosen:
        q = built("vanishing", "MSQ", 1 + seed % 2, seed)
        k = int(q.text.split("A chain of ")[1].split()[0])
        for index, option in enumerate(q.options):
            truth = _vanishing_truth(option.text, k)
            if truth is not None:
                judged += 1
                assert truth == (index in q.answer["correct"]), (q.id, option.text)
    assert judged > 0.6 * len(chosen)  # most statements are bounds the check can read


def test_vanishing_bound_question_asks_for_the_largest_n() -> None:
    for seed in seeds(20):
        q = built("vanishing", "NAT", 1, seed)
        if "1/N" in q.text:
            assert "largest N" in q.text and "smallest" not in q.text
            k = int(q.text.split("A chain of ")[1].split()[0])
            assert q.answer["range"] == [4.0**k, 4.0**k]
