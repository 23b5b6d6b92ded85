"""The solver's working as data a guided drill can check: every checkable step carries the
quantity it computes, its value and the skill it drills, and that value is the solver's own
number (and, for δ of the asked leaf, the answer an independent differentiation gives)."""

from __future__ import annotations

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gatebp.core.step import Step
from gatebp.network.graph import Find
from gatebp.network.solve import solve
from gatebp.network.spec import parse_spec
from gatebp.network.steps import as_float
from tests.reference import derivative

MSE = """
values: {x1: 3, x2: -2, w11: 2, w12: -2, w21: -1, w22: 2, v1: 1, v2: 2, t: 3}
nodes:
  z1: w11*x1 + w12*x2
  h1: relu(z1)
  z2: w21*x1 + w22*x2
  h2: relu(z2)
  yhat: v1*h1 + v2*h2
  L: (yhat - t)**2
find: {of: L, wrt: x2}
"""

BCE = """
values: {x: 3, u: 0.3, w: 1.5, b: 0, t: 0}
nodes:
  h: relu(u*x)
  z: w*h + b
  p: sigmoid(z)
  L: -(t*log(p) + (1 - t)*log(1 - p))
find: {of: L, wrt: u, lr: 0.1}
"""

LAYERS = """
input: {x: [1, -2]}
layers:
  - {out: h, W: [[1, -1], [2, 1], [-1, 1]], b: [0, 1, 2], act: tanh}
  - {out: y, W: [[1, -2, 1]], act: sigmoid}
find: {of: y1, wrt: w_h2_x1}
"""

SKILLS = {"forward", "delta", "path", "sum", "update", "answer", "local:linear", "local:loss",
          "local:relu", "local:sigmoid", "local:tanh", "local:expression", "local:softmax", "local:exp",
          "local:log"}


def _close(a: float, b: float) -> bool:
    return math.isclose(a, b, rel_tol=1e-12, abs_tol=1e-12)


def _check_fields(text: str) -> list[Step]:
    """Every checkable step's value against the solver's own numbers; returns the checkable steps."""
    graph = parse_spec(text)
    solution = solve(graph)
    find = graph.find
    assert find is not None and find.wrt is not None
    edges = {e.label: e for e in solution.edges}
    checked = [s for s in solution.steps if s.checkable]
    for step in checked:
        assert step.skill in SKILLS, step
        assert step.value is not None and step.quantity is not None
        if step.skill == "forward":
            assert _close(step.value, as_float(solution.forward[step.quantity]))
        elif step.skill.startswith("local:"):
            assert _close(step.value, as_float(edges[step.quantity].value))
        elif step.skill == "delta":
            name = step.quantity.split("/∂")[1]
            assert _close(step.value, as_float(solution.sensitivities[name]))
        elif step.skill in ("answer", "sum"):
            assert solution.gradient is not None and _close(step.value, as_float(solution.gradient))
        elif step.skill == "update":
            assert _close(step.value, solution.value)
    paths = [s for s in checked if s.skill == "path"]
    if not any(s.kind == "vector" for s in solution.steps):  # the vector form adds the paths layer by layer
        assert [s.value for s in paths] == [as_float(p.product) for p in solution.paths]
    return checked


@pytest.mark.parametrize("text", [MSE, BCE])
def test_every_checkable_step_is_the_solvers_own_number(text):
    checked = _check_fields(text)
    kinds = {s.kind for s in checked}
    assert {"forward", "local", "path", "answer"} <= kinds  # a few paths: listed, not δ lines


def test_a_layer_form_weight_has_its_delta_entry_and_the_answer_checkable():
    checked = _check_fields(LAYERS)
    assert [(s.kind, s.quantity) for s in checked] == [("delta", "∂y1/∂z_h2"), ("answer", "∂y1/∂w_h2_x1")]


def test_the_paths_of_the_asked_leaf_add_to_the_answer_and_an_independent_derivative():
    graph = parse_spec(MSE)
    solution = solve(graph)
    paths = [s.value for s in solution.steps if s.skill == "path"]
    total = next((s.value for s in solution.steps if s.skill == "sum"), paths[0] if len(paths) == 1 else None)
    reference, _ = derivative(graph.to_dict(), "L", "x2")
    assert total == sum(paths) == solution.value == pytest.approx(float(reference)) == -28.0  # 2(10 − 3) × 1 × (−2)


def test_skills_name_the_rule_each_local_line_uses():
    skills = {s.quantity: s.skill for s in solve(parse_spec(MSE)).steps if s.kind == "local"}
    assert skills["∂h1/∂z1"] == "local:relu"
    assert skills["∂z1/∂x2"] == "local:linear"
    assert skills["∂L/∂yhat"] == "local:loss"
    bce = {s.quantity: s.skill for s in solve(parse_spec(BCE)).steps if s.kind == "local"}
    assert bce == {"∂h/∂u": "local:relu", "∂z/∂h": "local:linear", "∂p/∂z": "local:sigmoid",
                   "∂L/∂p": "local:loss"}


def test_an_update_step_carries_the_new_weight():
    solution = solve(parse_spec(BCE))
    update = next(s for s in solution.steps if s.kind == "update")
    assert update.skill == "update" and update.quantity == "u"
    answer = next(s for s in solution.steps if s.kind == "answer")
    assert update.value == pytest.approx(0.3 - 0.1 * answer.value, rel=1e-12)


def test_a_forward_value_question_has_a_checkable_answer():
    graph = parse_spec(MSE)
    solution = solve(graph, Find("yhat"))
    answer = solution.steps[-1]
    assert (answer.kind, answer.quantity, answer.value, answer.skill) == ("answer", "yhat", 10.0, "answer")


def test_fields_survive_the_json_round_trip():
    for step in solve(parse_spec(BCE)).steps:
        assert Step.from_dict(step.to_dict()) == step


@settings(max_examples=25)
@given(st.lists(st.integers(-3, 3), min_size=2, max_size=2),
       st.lists(st.lists(st.integers(-2, 2), min_size=2, max_size=2), min_size=2, max_size=3),
       st.sampled_from(["relu", "sigmoid", "tanh"]))
def test_layer_nets_have_checkable_steps_that_match(x, rows, act):
    weights = ", ".join(str(r) for r in rows)
    out = [1] * len(rows)
    text = (f"input: {{x: {x}}}\nlayers:\n  - {{out: h, W: [{weights}], b: [1, 0{', 1' * (len(rows) - 2)}], "
            f"act: {act}}}\n  - {{out: y, W: [{out}]}}\nfind: {{of: y1, wrt: x1}}\n")
    _check_fields(text)
