"""A few paths are worked as a student writes them: the local derivatives, each path's product and
their sum (no δ lines repeating that sum, no δ notation the working does not use); past a few
paths the δ recursion adds them node by node."""

from __future__ import annotations

from gatebp.cli.main import cli
from tests.reference import derivative
from tests.sweep import built, seeds


def _kinds(q) -> list[str]:  # type: ignore[no-untyped-def]
    return [step.kind for step in q.solution]


def test_a_one_path_chain_has_no_delta_lines_and_its_path_product_is_the_derivative() -> None:
    checked = 0
    for topic, qtype, marks in (("descent-step", "NAT", 1), ("activation-path", "NAT", 1),
                                ("relu-gate", "NAT", 1)):
        for seed in seeds(10):
            q = built(topic, qtype, marks, seed)
            paths = [s for s in q.solution if s.kind == "path"]
            if len(paths) != 1 or any("the factors cancel" in s.text for s in q.solution):
                continue  # the sigmoid-BCE shortcut is a δ line worth keeping
            checked += 1
            assert "delta" not in _kinds(q), q.id
            assert not any("δ(n)" in s.text for s in q.solution if s.kind == "note"), q.id
            reference, _ = derivative(q.graph, q.find["of"], q.find["wrt"])
            assert abs(paths[0].value - float(reference)) < 1e-9, q.id
            assert not any("squared error:" in s.text for s in q.solution), q.id  # said once, as a local line
    assert checked >= 15


def test_a_few_merging_paths_are_listed_and_added_without_delta_lines() -> None:
    q = next(q for q in (built("merges", "NAT", 2, s) for s in seeds(10)) if "sum" in _kinds(q))
    assert "delta" not in _kinds(q), q.id
    total = next(s for s in q.solution if s.kind == "sum")
    reference, _ = derivative(q.graph, q.find["of"], q.find["wrt"])
    assert abs(total.value - float(reference)) < 1e-9
    assert abs(sum(s.value for s in q.solution if s.kind == "path") - total.value) < 1e-9


WIDE = """values: {x: 2}
nodes:
  a: 2*x
  b: 3*x
  c: x*x
  d: a + b + c
  e: a*b - c
  y: d*e
find: {of: y, wrt: x}
"""


def test_many_paths_keep_the_delta_recursion() -> None:
    from gatebp.network.solve import solve
    from gatebp.network.spec import parse_spec

    solution = solve(parse_spec(WIDE))
    assert solution.path_count == 6
    assert [s.kind for s in solution.steps].count("delta") >= 1
    assert any("δ(n)" in s.text for s in solution.steps if s.kind == "note")


def test_explain_prints_the_backward_heading_with_no_undefined_name(runner, tmp_path) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "wide.yaml"
    path.write_text(WIDE)
    out = runner.invoke(cli, ["explain", str(path)]).output
    assert "Backward pass" in out and "∂out" not in out
