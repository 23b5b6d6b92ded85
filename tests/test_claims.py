"""An independent checker re-judges the options of every family's MCQs and MSQs.

It reads only the exported record (graph dict, claim data) and decides each claim again with its
own arithmetic: mpmath central differences (tests/reference.py) for graph quantities, its own
forward pass for gates, its own path count. It shares nothing with the code that posed the
question except the expression parser. Set GATEBP_CLAIM_SEEDS for a longer run (the closing note
of the claims issue quotes one over 5,000 questions).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Any

import mpmath
import pytest

from gatebp.core.expr import names_in, parse_expr_text
from gatebp.questions.generate import build_question, families_by_name
from tests.reference import derivative, evaluate

SEEDS = int(os.environ.get("GATEBP_CLAIM_SEEDS", "6"))
FORMS = [(f.name, t, m) for f in families_by_name() for t in f.types if t != "NAT" for m in f.marks]


def _reference_value(graph: dict[str, Any], find: dict[str, Any]) -> mpmath.mpf:
    values = evaluate(graph)
    if not find.get("wrt"):
        return values[find["of"]]
    slope, kink = derivative(graph, find["of"], find["wrt"])
    assert kink > mpmath.mpf("1e-12"), "a ReLU input at 0: the reference cannot differentiate there"
    if find.get("lr") is not None:
        return values[find["wrt"]] - mpmath.mpf(str(find["lr"])) * slope
    return slope


def _rounds(value: float, reference: mpmath.mpf, places: int) -> bool:
    return abs(mpmath.mpf(value) - reference) <= mpmath.mpf(0.5) * mpmath.mpf(10) ** -places + mpmath.mpf(1e-12)


def _paths(graph: dict[str, Any], of: str, wrt: str) -> int:
    """Routes from `wrt` to `of` counted by walking the expressions' names (its own walk)."""
    reads = {name: names_in(parse_expr_text(text)) for name, text in graph["nodes"].items()}
    memo: dict[str, int] = {}

    def count(name: str) -> int:
        if name == wrt:
            return 1
        if name not in memo:
            memo[name] = sum(count(parent) for parent in reads.get(name, ()))
        return memo[name]

    return count(of)


def independent_truth(graph: dict[str, Any] | None, claim: dict[str, Any]) -> bool | None:
    """The claim re-decided, or None for a kind this checker does not re-derive."""
    kind = claim["kind"]
    if kind == "quantity":
        return _rounds(claim["value"], _reference_value(graph, claim["find"]), claim.get("places", 4))
    if kind == "gate":
        return bool(evaluate(graph)[claim["pre"]] > 0) == claim["open"]
    if kind == "zero":
        return (abs(_reference_value(graph, claim["find"])) < mpmath.mpf("1e-15")) == claim.get("zero", True)
    if kind == "sign":
        value = _reference_value(graph, claim["find"])
        return ("positive" if value > 0 else "negative") == claim["sign"]
    if kind == "paths" and not claim.get("live"):
        return _paths(graph, claim["of"], claim["wrt"]) == claim["count"]
    return None


def _questions(topic: str, qtype: str, marks: int) -> Iterator[Any]:
    for seed in range(SEEDS):
        yield build_question(topic, qtype, marks, 1000 + seed)


@pytest.mark.parametrize(("topic", "qtype", "marks"), FORMS)
def test_options_agree_with_an_independent_checker(topic: str, qtype: str, marks: int) -> None:
    for q in _questions(topic, qtype, marks):
        for index, option in enumerate(q.options):
            if option.claim is None:
                continue
            assert option.true == (index in q.answer["correct"]), (q.id, option.label)
            truth = independent_truth(q.graph, option.claim)
            if truth is not None:
                assert truth == option.true, (q.id, option.label, option.text, option.claim)


def test_a_wrong_intended_key_is_refused() -> None:
    """The posing code never trusts a template's intent: a false claim marked true is an error."""
    from gatebp.questions.claims import ClaimError, Context
    from gatebp.questions.families.common import Choice, quantity
    from gatebp.questions.problem import judged

    q = build_question("relu-gate", "MSQ", 1, 3)
    from gatebp.network.spec import graph_from_dict

    graph = graph_from_dict(q.graph)
    wrong = Choice("∂y/∂w1 = 1000", True, claim=quantity("y", "w1", 1000))
    with pytest.raises(ClaimError):
        judged("relu-gate", [wrong], Context(graph=graph))
