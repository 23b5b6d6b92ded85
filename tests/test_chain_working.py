"""A chain with one path is worked as a student writes it: the local derivatives and their product
(no δ lines repeating that product, no δ notation it does not use); where paths merge, the δ
recursion and the sum at the merge stay."""

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


def test_merging_paths_keep_the_delta_recursion_and_the_sum() -> None:
    q = next(q for q in (built("merges", "NAT", 2, s) for s in seeds(10)) if "sum" in _kinds(q))
    assert "delta" in _kinds(q) and any("δ(n)" in s.text for s in q.solution if s.kind == "note")


def test_explain_prints_the_backward_heading_with_no_undefined_name(runner) -> None:  # type: ignore[no-untyped-def]
    q = next(q for q in (built("merges", "NAT", 2, s) for s in seeds(10)) if "delta" in _kinds(q))
    out = runner.invoke(cli, ["explain", "--id", q.id]).output
    assert "Backward pass" in out and "∂out" not in out
