"""The solver at any size: the 20 benchmark nets, softmax over large logits, and bombs refused fast.

Every benchmark net (bench/nets/*.json, 2-5 layers of 2-6 units) must agree with mpmath central
differences on its hand expansion, and the layer form must give the value the hand expansion gives.
"""

from __future__ import annotations

import json
import time
from pathlib import Path

import mpmath
import pytest

from gatebp.core.errors import GatebpError
from gatebp.network.graph import Find
from gatebp.network.solve import solve
from gatebp.network.spec import parse_inline, parse_spec
from gatebp.network.vector_form import vector_steps
from tests.reference import derivative, hand_expand

NETS = sorted((Path(__file__).parent.parent / "bench" / "nets").glob("net*.json"))


def _agrees(value: float | mpmath.mpf, reference: mpmath.mpf, digits: int = 30) -> bool:
    """Equal to `digits` significant digits (absolutely, to 1e-5 of that, when the reference is tiny:
    a saturated unit's derivative is rounding noise in any method)."""
    return abs(mpmath.mpf(value) - reference) <= mpmath.mpf(10) ** -digits * max(abs(reference), mpmath.mpf("1e-5"))


def as_mpf(value) -> mpmath.mpf:  # type: ignore[no-untyped-def]
    """A solver value (exact or a 50-digit decimal) at 45 digits."""
    return mpmath.mpf(str(value.evalf(45)))


def _hand_form(spec: dict) -> tuple[dict, str]:
    layers = [{**layer, "b": layer.get("b")} for layer in spec["layers"]]
    graph, outputs = hand_expand(spec["input"]["x"], layers)
    return graph, outputs[0]


def test_there_are_twenty_benchmark_nets():
    assert len(NETS) == 20


@pytest.mark.parametrize("path", NETS, ids=lambda p: p.stem)
def test_benchmark_net_agrees_with_central_differences_and_its_hand_expansion(path: Path) -> None:
    spec = json.loads(path.read_text())
    graph = parse_spec(path.read_text(), source=str(path))
    solution = vector_steps(graph, solve(graph))  # the vector form raises if it disagrees
    hand, of = _hand_form(spec)
    by_hand = solve(parse_spec(json.dumps(hand)), Find(of, spec["find"]["wrt"]))
    assert by_hand.exact == solution.exact or abs(by_hand.value - solution.value) < 1e-12
    numeric, nearest_kink = derivative(hand, of, spec["find"]["wrt"])
    assert nearest_kink > mpmath.mpf("1e-10")  # no ReLU sits on its kink in the stored nets
    assert _agrees(as_mpf(solution.exact), numeric)


LARGE_LOGITS = "x=[12, 0] | y=softmax([[3, 0], [0, 0]])"


def test_softmax_over_large_logits_is_answered(runner):
    from gatebp.cli.main import cli

    result = runner.invoke(cli, ["explain", "--layers", LARGE_LOGITS, "--find", "dy1/dx1", "--json"])
    assert result.exit_code == 0, result.output
    y1 = 1 / (1 + mpmath.exp(-36))
    assert _agrees(json.loads(result.output)["value"], 3 * y1 * (1 - y1), digits=12)


@pytest.mark.parametrize("logit", [36, 1000, 10**6])
def test_softmax_with_huge_logits_stays_a_probability(logit):
    graph = parse_inline("y = exp(z) / (exp(z) + exp(u))", f"z={logit}, u=0", "dy/dz")
    solution = solve(graph)
    y = 1 / (1 + mpmath.exp(-logit))
    assert _agrees(as_mpf(solution.forward["y"]), y)
    assert _agrees(as_mpf(solution.exact), y * (1 - y))


@pytest.mark.parametrize("nodes, values", [
    ("L = x**16; M = L**16; N = M**16", "x=1.0001"),  # a 60-digit fraction: now a 50-digit decimal
    ("; ".join(["u1 = x*x + x"] + [f"u{k} = u{k-1}*x + u{k-1}" for k in range(2, 21)]), "x=0.5"),
    ("; ".join(["u1 = sigmoid(x) + x"] + [f"u{k} = sigmoid(u{k-1}) + u{k-1}" for k in range(2, 41)]), "x=1"),
    ("; ".join(["u1 = tanh(x)"] + [f"u{k} = tanh(u{k-1}) + sigmoid(u{k-1}) * u{k-1}" for k in range(2, 61)]), "x=1"),
])
def test_networks_that_used_to_be_refused_are_solved_and_checked(nodes, values):
    start = time.perf_counter()
    graph = parse_inline(nodes, values, None)
    of = graph.nodes[-1].name
    solution = solve(graph, Find(of, "x"))
    assert time.perf_counter() - start < 5
    numeric, _ = derivative(graph.to_dict(), of, "x")
    assert _agrees(as_mpf(solution.exact), numeric)
    assert "forward-mode" in solution.checked


def test_too_many_paths_are_counted_and_the_delta_recursion_is_the_working():
    # 30 diamonds in a row: 2**30 paths from x to the output, never listed
    nodes = ["a0 = x"] + [f"p{k} = a{k - 1}*1.5; q{k} = a{k - 1}*0.5; a{k} = p{k} + q{k}" for k in range(1, 31)]
    start = time.perf_counter()
    solution = solve(parse_inline("; ".join(nodes), "x=1", "da30/dx"))
    assert time.perf_counter() - start < 5
    assert solution.exact == 2**30 and solution.path_count == 2**30 and solution.paths == ()
    assert solution.paths_truncated
    assert any(s.text.startswith(f"{2**30} paths lead from $x$ to $a30$") for s in solution.steps)
    assert sum(s.kind == "delta" for s in solution.steps) == 91


def test_few_paths_are_still_listed_as_today():
    solution = solve(parse_inline("u = x*y; v = u + y; L = v**2", "x=3, y=-2", "dL/dy"))
    assert solution.path_count == 2 and len(solution.paths) == 2 and not solution.paths_truncated


BOMBS = [
    ("u = 9**9**9**9", "x=1", "exponent must be a number"),
    ("u = x" + " + x" * 350_000, "x=1", "too long|too large"),  # a 1 MB expression
    ("u = " + "(" * 5000 + "x" + ")" * 5000, "x=1", "too long"),
    ("u = " + "(" * 900 + "x" + ")" * 900, "x=1", "nested"),
    ("u = " + "relu(" * 300 + "x" + ")" * 300, "x=1", "nested|too long"),
    ("u = " + "-(" * 70 + "x" + ")" * 70, "x=1", "nested"),
    ("u = x*x*x", "x=1000000", "a value too large"),  # 1e18 as a node value
    ("u = exp(x)", "x=40", "a value too large"),
    ("u = exp(exp(exp(x)))", "x=10", "exp of a number too large"),
    ("; ".join(["u0 = x"] + [f"u{k} = u{k-1}**16" for k in range(1, 40)]), "x=1.0001", "a value too large"),
    ("; ".join(["u0 = x"] + [f"u{k} = (u{k-1}**16)**16 / u{k-1}**16" for k in range(1, 40)]), "x=3/2",
     "a value too large"),
]


@pytest.mark.parametrize("nodes, values, reason", BOMBS, ids=[b[2][:20] + str(i) for i, b in enumerate(BOMBS)])
def test_bombs_are_refused_in_under_half_a_second(nodes, values, reason):
    start = time.perf_counter()
    with pytest.raises(GatebpError, match=reason):
        graph = parse_inline(nodes, values, None)
        solve(graph, Find(graph.nodes[-1].name, "x"))
    assert time.perf_counter() - start < 0.5


def test_a_one_megabyte_spec_file_is_refused_in_under_half_a_second(tmp_path):
    path = tmp_path / "big.yaml"
    path.write_text("values: {x: 1}\nnodes:\n  u: x" + " + x" * 250_000 + "\n")
    from gatebp.network.spec import load_spec

    start = time.perf_counter()
    with pytest.raises(GatebpError, match="too large"):
        load_spec(path)
    assert time.perf_counter() - start < 0.5
