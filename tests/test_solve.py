"""The solver against the seeds' worked numbers and, by property, against mpmath differences."""

from __future__ import annotations

import mpmath
import pytest
import sympy as sp
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from gatebp.core.errors import SpecError
from gatebp.network.graph import Find
from gatebp.network.solve import solve
from gatebp.network.spec import parse_inline, parse_spec
from tests.reference import derivative

GATE_2025 = """
values: {x: 2, w1: 1, w2: 3}
nodes:
  z: w1*x
  h: relu(z)
  y: w2*h
find: {of: y, wrt: w1}
"""

SIGMOID_NET = """
values: {x: 2, w1: 0.5, w2: 0.8, t: 1}
nodes:
  z1: w1*x
  a1: sigmoid(z1)
  z2: w2*a1
  yhat: sigmoid(z2)
  L: -(t*log(yhat) + (1 - t)*log(1 - yhat))
find: {of: L, wrt: w2}
"""


def test_gate_2025_relu_path_is_six_with_an_open_gate():
    solution = solve(parse_spec(GATE_2025))
    assert solution.exact == 6
    assert [p.names for p in solution.paths] == [("y", "h", "z", "w1")]
    assert [e.value for e in solution.edges if e.activation == "relu"] == [1]


def test_closed_relu_gate_blocks_the_gradient():
    solution = solve(parse_spec(GATE_2025.replace("x: 2", "x: -2")))
    assert solution.exact == 0
    assert "closed" in next(e.rule for e in solution.edges if e.activation == "relu")


def test_relu_derivative_at_zero_is_zero_as_in_pytorch():
    solution = solve(parse_spec(GATE_2025.replace("x: 2", "x: 0")))
    assert solution.exact == 0


@pytest.mark.parametrize("x, y", [(3, -2), (1, 1), (-1, 4)])
def test_merge_example_matches_the_seed_formulas(x, y):
    graph = parse_inline("u = x*y; v = u + y; L = v**2", f"x={x}, y={y}", None)
    v = x * y + y
    assert solve(graph, Find("L", "x")).exact == 2 * v * y
    dy = solve(graph, Find("L", "y"))
    assert dy.exact == 2 * v * (1 + x)
    assert len(dy.paths) == 2
    assert any(s.kind == "sum" for s in dy.steps)


@pytest.mark.parametrize("x, y", [(2, 1), (-1, 3), (0.5, -2)])
def test_second_merge_example(x, y):
    graph = parse_inline("a = x + y; b = x*a; L = b**2", f"x={x}, y={y}", None)
    x_, y_ = sp.Rational(str(x)), sp.Rational(str(y))
    assert solve(graph, Find("L", "x")).exact == 2 * x_ * (x_ + y_) * (2 * x_ + y_)
    assert solve(graph, Find("L", "y")).exact == 2 * x_**2 * (x_ + y_)


def test_sigmoid_cross_entropy_net_matches_the_seed_to_its_rounding():
    graph = parse_spec(SIGMOID_NET)
    assert solve(graph, Find("yhat")).value == pytest.approx(0.642, abs=5e-4)
    assert solve(graph, Find("L", "z2")).value == pytest.approx(-0.358, abs=5e-4)
    assert solve(graph, Find("L", "w2")).value == pytest.approx(-0.262, abs=5e-4)
    # the seed rounds δ1 to -0.056 before doubling; the exact value is -0.1126
    assert solve(graph, Find("L", "w1")).value == pytest.approx(-0.112, abs=1e-3)


def test_descent_step_updates_match_the_seed():
    graph = parse_spec(SIGMOID_NET)
    lr = __import__("fractions").Fraction(1, 10)
    assert solve(graph, Find("L", "w2", lr)).value == pytest.approx(0.826, abs=5e-4)
    assert solve(graph, Find("L", "w1", lr)).value == pytest.approx(0.511, abs=5e-4)


def test_decimals_are_exact_rationals():
    graph = parse_inline("y = w*x", "w=0.1, x=0.2", "dy/dw")
    assert solve(graph).exact == sp.Rational(1, 5)
    assert solve(graph, Find("y")).exact == sp.Rational(1, 50)


def test_sensitivity_of_a_node_is_backprop_delta():
    solution = solve(parse_spec(SIGMOID_NET), Find("L", "z2"))
    yhat = 1 / (1 + sp.exp(-sp.Rational(4, 5) / (1 + sp.exp(-1))))
    assert abs(sp.N(solution.exact - (yhat - 1), 30)) < 1e-25  # δ = ŷ − y


def test_variable_that_does_not_reach_the_output_has_zero_gradient():
    graph = parse_inline("u = x*2; v = y*3", "x=1, y=2", "dv/dx")
    solution = solve(graph)
    assert solution.exact == 0 and not solution.paths
    assert "no path" in solution.steps[-1].text or any("no path" in s.text for s in solution.steps)


@pytest.mark.parametrize("nodes, values, reason", [
    ("u = x/y", "x=1, y=0", "division by zero in node 'u'"),
    ("u = log(x - 1)", "x=1", "log of a non-positive number"),
    ("u = x**(-1)", "x=0", "division by zero"),
])
def test_forward_pass_errors_name_the_node(nodes, values, reason):
    with pytest.raises(SpecError, match=reason):
        solve(parse_inline(nodes, values, "u"))


# --- property: random graphs over every operator agree with mpmath central differences ---

OPS = ["+", "-", "*", "/"]
FUNCS = ["relu", "sigmoid", "tanh", "exp", "log", "leaky_relu", "softplus"]


@st.composite
def random_graphs(draw):
    leaves = {f"a{i}": draw(st.integers(-30, 30)) / 10 for i in range(draw(st.integers(1, 3)))}
    names = list(leaves)
    nodes = {}
    for i in range(draw(st.integers(1, 5))):
        kind = draw(st.sampled_from(["bin", "bin", "call", "pow"]))
        left, right = draw(st.sampled_from(names)), draw(st.sampled_from(names))
        if kind == "bin":
            text = f"{left} {draw(st.sampled_from(OPS))} {right}"
        elif kind == "call":
            func = draw(st.sampled_from(FUNCS))
            text = f"{func}(1 + {left}**2)" if func == "log" else f"{func}({left} - {right} / 2)"
        else:
            text = f"({left} + 0.5)**{draw(st.sampled_from([2, 3, -1]))}"
        nodes[f"n{i}"] = text
        names.append(f"n{i}")
    wrt = draw(st.sampled_from(names[:-1]))
    return {"values": {k: str(v) for k, v in leaves.items()}, "nodes": nodes}, names[-1], wrt


@settings(max_examples=150)
@given(random_graphs())
def test_random_graphs_agree_with_central_differences(case):
    graph_dict, of, wrt = case
    import json

    try:
        graph = parse_spec(json.dumps({**graph_dict, "find": {"of": of, "wrt": wrt}}))
        solution = solve(graph)
    except SpecError:
        assume(False)  # division by zero and the like are refused, not answered
        return
    numeric, nearest_kink = derivative(graph_dict, of, wrt)
    assume(nearest_kink > mpmath.mpf("1e-10"))
    assume(abs(numeric) < 1e12)
    assert solution.value == pytest.approx(float(numeric), rel=1e-9, abs=1e-9)


def test_an_unsimplified_exact_zero_keeps_the_relu_gate_closed():
    graph = parse_inline("z = log(x*x) - 2*log(3); y = relu(z)", "x=3", "dy/dx")
    assert solve(graph).exact == 0  # z is exactly 0, and relu'(0) = 0


def test_an_undefined_derivative_is_one_clear_error():
    with pytest.raises(SpecError, match="derivative of 'L' with respect to 'x' is undefined"):
        solve(parse_inline("L = x**0.5", "x=0", "dL/dx"))


def test_rational_networks_are_checked_exactly():
    solution = solve(parse_spec(GATE_2025))
    assert solution.checked.endswith("(exactly)")


def test_transcendental_networks_are_checked_to_thirty_digits():
    solution = solve(parse_spec(SIGMOID_NET))
    assert solution.checked.endswith("(to 30 significant digits)")


def test_a_wrong_local_rule_is_caught_by_the_forward_mode_check(monkeypatch):
    """The registry's hand-written rule is checked against differentiating its own definition."""
    from dataclasses import replace

    from gatebp.core import activations
    from gatebp.core.activations import Local
    from gatebp.core.errors import SolverMismatch

    def wrong(at):  # σ'(z) = a instead of a(1 - a)
        return Local(at.a, "a", "sigmoid: a")

    monkeypatch.setitem(activations.REGISTRY, "sigmoid", replace(activations.get("sigmoid"), local=wrong))
    with pytest.raises(SolverMismatch, match="forward-mode differentiation"):
        solve(parse_spec(SIGMOID_NET))


def test_a_lost_merge_is_caught_by_the_forward_mode_check(monkeypatch):
    from gatebp.network import solve as solver
    from gatebp.core.errors import SolverMismatch

    def first_child_only(graph, of, edges):  # forgets to add at merges
        deltas = {of: sp.S.One}
        for node in reversed(graph.nodes):
            for parent in node.parents:
                if node.name in deltas and (node.name, parent) in edges and parent not in deltas:
                    deltas[parent] = deltas[node.name] * edges[(node.name, parent)].value
        return deltas

    monkeypatch.setattr(solver, "_sensitivities", first_child_only)
    with pytest.raises(SolverMismatch):
        solve(parse_inline("u = x*y; v = u + y; L = v**2", "x=3, y=-2", "dL/dy"))
