"""The working reads like the paper: every solver line is maths markup that prints in all five
targets, with no Python notation or internal names left in the terminal's Unicode, and a
layer-form question is worked in vector form whose numbers an independent differentiation of
the hand-written network confirms."""

from __future__ import annotations

import json
import re

import mpmath
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.sweep import built
from gatebp.cli.main import cli
from gatebp.core.maths import TARGETS, display_width, parse_markup, render, wrap
from gatebp.network.graph import Find
from gatebp.network.solve import solve
from gatebp.network.spec import parse_inline, parse_spec
from gatebp.questions.generate import build_question
from tests.reference import derivative, hand_expand

SOLVER_KINDS = ("forward", "local", "delta", "vector", "path", "sum", "answer", "update")
FORBIDDEN = {"**": re.compile(r"\*\*"), "name * name": re.compile(r"\w \* \w"), "[[": re.compile(r"\[\["),
             "yhat": re.compile("yhat"), "relu(": re.compile(r"relu\("), "w_h1_x1": re.compile(r"\b[wbz]_[a-z]+\d")}

SCALAR = [
    ("z1 = w11*x1 + w12*x2; h1 = relu(z1); yhat = v1*h1; L = (yhat - t)**2", "x1=3, x2=-2, w11=2, w12=-2, "
     "v1=1, t=3", "dL/dx2"),
    ("h = relu(u*x); z = w*h + b; p = sigmoid(z); L = -(t*log(p) + (1 - t)*log(1 - p))",
     "x=3, u=0.3, w=1.5, b=0, t=0", "dL/du lr=0.1"),
    ("a = tanh(w*x); y = exp(a) + log(x); L = (y - t)**2/2", "w=0.5, x=2, t=1", "dL/dw"),
    ("u = x*y; v = u + y; L = v**2", "x=3, y=-2", "dL/dy"),
]
LAYERS = [
    ("x=[1, -2] | h=relu([[1, -1], [2, 1], [-1, 1]]) | g=sigmoid([[1, 0, -1], [2, 1, 1]]) | y=[[1, -1]]", "dy1/dx1"),
    ("x=[1, -2] | h=tanh([[1, -1], [2, 1]]) | y=softmax([[1, 2], [0, 1]])", "dy1/dw_h2_x1"),
    ("x=[2, 1] | h=relu([[1, -1], [1, 1]]) | y=[[2, 3]]", "dy1/dh2"),
]


def rendered(steps, target="unicode"):
    return [render(parse_markup(s.text), target) for s in steps if s.kind in SOLVER_KINDS]


def assert_paper_notation(lines):
    for line in lines:
        for name, pattern in FORBIDDEN.items():
            assert not pattern.search(line), f"{name} in {line!r}"


@pytest.mark.parametrize("graph, at, find", SCALAR)
def test_scalar_working_prints_in_every_target_without_python_notation(graph, at, find):
    steps = solve(parse_inline(graph, at, find)).steps
    for target in TARGETS:
        assert len(rendered(steps, target)) == sum(s.kind in SOLVER_KINDS for s in steps)
    assert_paper_notation(rendered(steps))


def test_the_lines_a_student_writes():
    mse = rendered(solve(parse_inline(*SCALAR[0])).steps)
    assert "z₁ = w₁₁x₁ + w₁₂x₂ = 2·3 + (−2)·(−2) = 10" in mse
    assert "∂h₁/∂z₁|local = ReLU′(z₁) = 1 since z₁ = 10 > 0" in mse
    assert "∂L/∂ŷ|local = 2(ŷ − t) = 2(10 − 3) = 14" in mse
    bce = rendered(solve(parse_inline(*SCALAR[1])).steps)
    assert "∂p/∂z|local = σ′(z) = p(1 − p) = 0.7941(1 − 0.7941) ≈ 0.1635" in bce
    assert any(line.startswith("u ← u − η × ∂L/∂u = 0.3 − 0.1·3.5736 ≈ −0.0574") for line in bce)


def test_a_closed_gate_is_said_with_its_sign():
    steps = solve(parse_inline("z = w*x; h = relu(z); y = 3*h", "w=-1, x=2", "dy/dw")).steps
    assert "∂h/∂z|local = ReLU′(z) = 0 since z = −2 ≤ 0" in rendered(steps)


@pytest.mark.parametrize("layers, find", LAYERS)
def test_layer_form_working_is_the_vector_form(layers, find):
    steps = solve(parse_inline(None, None, find, layers)).steps
    kinds = [s.kind for s in steps]
    assert "vector" in kinds and "local" not in kinds and len(steps) <= 14
    lines = rendered(steps)
    assert_paper_notation(lines)
    assert any("⊙" in line for line in lines) or find == "dy1/dh2"
    for target in TARGETS:
        rendered(steps, target)
    for step in steps:  # an 80-column terminal: paragraphs wrap, displays (matrices) fit as they are
        assert max(display_width(line) for line in wrap(parse_markup(step.text), 80)) <= 80


def _columns(text: str) -> list[list[float]]:
    """The column vectors [[a], [b]] of a vector line's markup, in order."""
    return [[float(v) for v in re.findall(r"\[(-?[\d.]+)\]", col)] for col in re.findall(r"\[(?:\[-?[\d.]+\],? ?)+\]", text)]


def test_the_vector_form_deltas_match_central_differences_of_the_hand_written_net():
    inputs, layers = [1, -2], [{"out": "h", "W": [[1, -1], [2, 1], [-1, 1]], "b": [1, 0, 2], "act": "tanh"},
                               {"out": "y", "W": [[1, -2, 1]], "act": "sigmoid"}]
    graph = parse_spec(json.dumps({"input": {"x": inputs}, "layers": layers, "find": {"of": "y1", "wrt": "x1"}}))
    steps = solve(graph).steps
    hand, _ = hand_expand(inputs, layers)
    line = next(s.text for s in steps if s.text.startswith("$$δ(z1) = W2ᵀ"))
    delta = _columns(line)[-1]
    for i, value in enumerate(delta, start=1):
        reference, _ = derivative(hand, "y1", f"z_h{i}")
        assert value == pytest.approx(float(reference), abs=6e-5)  # shown to 4 places
    answer = next(s for s in steps if s.kind == "answer")
    assert answer.value == pytest.approx(float(derivative(hand, "y1", "x1")[0]), rel=1e-12)


@settings(max_examples=20)
@given(st.lists(st.integers(-3, 3), min_size=2, max_size=3), st.integers(0, 2), st.sampled_from(["relu", "tanh"]),
       st.integers(1, 3), st.integers(1, 2))
def test_random_layer_nets_read_off_the_answer_an_independent_reference_gives(x, which, act, units, col):
    rows = [[(i + j) % 3 - 1 for j in range(len(x))] for i in range(units)]
    layers = [{"out": "h", "W": rows, "b": [1] * units, "act": act}, {"out": "y", "W": [[1] * units]}]
    wrt = ["x1", f"w_h{units}_x{min(col, len(x))}", f"b_h{units}"][which]
    graph = parse_spec(json.dumps({"input": {"x": x}, "layers": layers}))
    solution = solve(graph, Find("y1", wrt))
    hand, _ = hand_expand(x, layers)
    reference, nearest = derivative(hand, "y1", wrt)
    if nearest < mpmath.mpf("1e-10"):
        return  # a ReLU on its kink: the one-sided convention, not a derivative
    assert solution.value == pytest.approx(float(reference), rel=1e-9, abs=1e-12)
    assert_paper_notation(rendered(solution.steps))


def test_every_family_with_a_network_writes_paper_notation():
    from gatebp.questions.generate import families_by_name

    checked = 0
    for family in families_by_name():
        for seed in (11, 4242):
            question = built(family.name, family.types[0], family.marks[-1], seed)
            if question.graph is not None:
                assert_paper_notation(rendered(question.solution))
                checked += 1
    assert checked >= 30


def test_explain_json_steps_print_as_the_paper_writes(runner):
    result = runner.invoke(cli, ["explain", "--layers", "x=[1,-2] | h=relu([[1,-1],[2,1]]) | y=[[3,3]]",
                                 "--find", "dy1/dw_h1_x2", "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    lines = [render(parse_markup(step["text"])) for step in data["steps"] if step["kind"] in SOLVER_KINDS]
    assert_paper_notation(lines)
    assert "∂y₁/∂W₁[1,2] = δ(z₁[1])·x₂ = 3·(−2) = −6" in lines
    assert data["value"] == -6


def test_softmax_with_cross_entropy_states_the_y_minus_t_shortcut():
    import math

    graph = parse_inline("L = -log(y2)", None, "dL/dx1", "x=[1, -2] | h=relu([[1, -1], [2, 1]]) | y=softmax([[1, 2], [0, 1]])")
    line = next(s.text for s in solve(graph).steps if "softmax" in s.text and "δ(z2) =" in s.text)
    assert "target $t = [0, 1]$" in line and "$δ(z2) = y - t$ directly" in line
    z = [3, 0]  # h = relu([3, 0]) = [3, 0]; z2 = W2 h = [3, 0]
    y = [math.exp(v) / sum(math.exp(u) for u in z) for v in z]
    assert _columns(line)[-1] == pytest.approx([y[0] - 0, y[1] - 1], abs=6e-5)


def test_sigmoid_with_bce_states_p_minus_t_and_mse_does_not():
    bce = rendered(solve(parse_inline(*SCALAR[1])).steps)
    line = next(text for text in bce if text.startswith("δ(z) ="))
    assert line.endswith("so δ(z) = p − t = 0.7941 − 0 directly)")
    mse = solve(parse_inline("z = w*x; p = sigmoid(z); L = (p - t)**2", "w=1, x=1, t=0", "dL/dw")).steps
    assert not any("directly" in s.text for s in mse)
