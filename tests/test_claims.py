"""An independent checker re-judges the options of every family's MCQs and MSQs.

It reads only the exported record (graph dict, claim data) and decides each claim again with its
own arithmetic: mpmath central differences (tests/reference.py) for graph quantities, its own
forward pass for gates, its own walk over the expressions for paths, local partials by nudging
one input of one node, shares by freezing a node, and the delta recursion evaluated from finite
differences. It shares nothing with the code that posed the question except the expression
parser. Set GATEBP_SWEEP for a longer run (the closing note of the claims issue quotes one
over 5,000 questions).

For the graph-based backprop families (GRAPH_FAMILIES) every option must carry a claim and every
claim must be re-derived here; other families' kinds this checker does not know are skipped.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import mpmath
import pytest

from gatebp.core.expr import names_in, parse_expr_text
from gatebp.questions.generate import families_by_name
from tests.reference import FUNCS, STEP, _eval, derivative, evaluate
from tests.sweep import built, scaled

SEEDS = scaled(6)
FORMS = [(f.name, t, m) for f in families_by_name() for t in f.types if t != "NAT" for m in f.marks]
GRAPH_FAMILIES = {"relu-gate", "merges", "residual", "two-layer-mse", "batch-bias", "delta-recursion",
                  "activation-path", "sigmoid-bce", "softmax-ce", "descent-step"}
TINY = mpmath.mpf("1e-15")


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


def _reads(graph: dict[str, Any]) -> dict[str, tuple[str, ...]]:
    return {name: names_in(parse_expr_text(text)) for name, text in graph["nodes"].items()}


def _routes(graph: dict[str, Any], of: str, wrt: str) -> list[list[str]]:
    """Every route from `of` back to `wrt`, found by walking the expressions' names (its own walk)."""
    reads = _reads(graph)
    if of == wrt:
        return [[wrt]]
    return [[of] + rest for parent in dict.fromkeys(reads.get(of, ())) for rest in _routes(graph, parent, wrt)]


def _local(graph: dict[str, Any], node: str, parent: str) -> mpmath.mpf:
    """∂node/∂parent with every other input of `node` held at its forward value (one edge alone)."""
    env = evaluate(graph)
    expr = parse_expr_text(graph["nodes"][node])

    def at(shift: mpmath.mpf) -> mpmath.mpf:
        return _eval(expr, {**env, parent: env[parent] + shift}, [])

    kinks: list[Any] = []
    _eval(expr, env, kinks)
    assert all(abs(k) > mpmath.mpf("1e-12") for k in kinks), "a ReLU input at 0"
    return (at(STEP) - at(-STEP)) / (2 * STEP)


def _route_product(graph: dict[str, Any], route: list[str]) -> mpmath.mpf:
    product = mpmath.mpf(1)
    for node, parent in zip(route, route[1:]):
        product *= _local(graph, node, parent)
    return product


def _frozen_slope(graph: dict[str, Any], of: str, wrt: str, frozen: str) -> mpmath.mpf:
    """∂of/∂wrt with `frozen` pinned at its value: what the paths that avoid it carry."""
    pin = {frozen: evaluate(graph)[frozen]}
    point = evaluate(graph)[wrt]
    up = evaluate(graph, {**pin, wrt: point + STEP})[of]
    down = evaluate(graph, {**pin, wrt: point - STEP})[of]
    return (up - down) / (2 * STEP)


def _share(graph: dict[str, Any], claim: dict[str, Any]) -> mpmath.mpf:
    avoiding = _frozen_slope(graph, claim["of"], claim["wrt"], claim.get("avoid") or claim["through"])
    if claim.get("avoid"):
        return avoiding
    return _reference_value(graph, {"of": claim["of"], "wrt": claim["wrt"]}) - avoiding


def _gradients(graph: dict[str, Any], claim: dict[str, Any]) -> dict[str, mpmath.mpf]:
    return {w: _reference_value(graph, {"of": claim["of"], "wrt": w}) for w in claim["wrt"]}


def _slope_of(function: Any, at: mpmath.mpf) -> mpmath.mpf:
    return (function(at + STEP) - function(at - STEP)) / (2 * STEP)


def _recursion(graph: dict[str, Any], claim: dict[str, Any]) -> bool:
    """Evaluate δ(z_j) = (M δ_out)_j [· φ'(at_j)] from finite differences and the graph's numbers."""
    j, env = claim["unit"], evaluate(graph)
    weight = {k: mpmath.mpf(_fraction(v)) for k, v in graph["values"].items()}
    deltas = {i: _reference_value(graph, {"of": "L", "wrt": f"o{i}"}) for i in (1, 2)}
    entry = (lambda i: weight[f"w{i}{j}"]) if claim["matrix"] == "W2ᵀ" else (lambda i: weight[f"w{j}{i}"])
    value = sum(entry(i) * deltas[i] for i in (1, 2))
    if claim.get("at"):
        act = graph["nodes"][f"a{j}"].split("(")[0]
        value *= _slope_of(FUNCS[act], env[f"{claim['at']}{j}"])
    return abs(value - _reference_value(graph, {"of": "L", "wrt": f"z{j}"})) < TINY


def _fraction(text: str) -> mpmath.mpf:
    from fractions import Fraction

    value = Fraction(text)
    return mpmath.mpf(value.numerator) / value.denominator


def independent_truth(graph: dict[str, Any] | None, claim: dict[str, Any]) -> bool | None:
    """The claim re-decided, or None for a kind this checker does not re-derive."""
    kind = claim["kind"]
    decide = CHECKS.get(kind)
    return None if decide is None else decide(graph, claim)


def _live(graph: dict[str, Any], claim: dict[str, Any]) -> bool:
    routes = _routes(graph, claim["of"], claim["wrt"])
    if claim.get("live"):
        routes = [r for r in routes if abs(_route_product(graph, r)) > TINY]
    return len(routes) == claim["count"]


def _path(graph: dict[str, Any], claim: dict[str, Any]) -> bool:
    if claim["route"] not in _routes(graph, claim["of"], claim["wrt"]):
        return False
    return _rounds(claim["value"], _route_product(graph, claim["route"]), claim.get("places", 4))


def _compare(graph: dict[str, Any], claim: dict[str, Any]) -> bool:
    value, than = _reference_value(graph, claim["find"]), _fraction(str(claim["than"]))
    return bool(value > than) if claim["relation"] == ">" else bool(value < than)


def _largest(graph: dict[str, Any], claim: dict[str, Any]) -> bool:
    gradients = _gradients(graph, claim)
    ranked = sorted(gradients.values(), reverse=True)
    return gradients[claim["at"]] == ranked[0] and ranked[0] - ranked[1] > TINY


def _combine(graph: dict[str, Any], claim: dict[str, Any]) -> bool:
    parts = [_reference_value(graph, part) for part in claim["parts"]]
    combined = sum(parts) if claim["how"] == "sum" else sum(parts) / len(parts)
    return abs(_reference_value(graph, claim["find"]) - combined) < TINY


CHECKS = {
    "quantity": lambda g, c: _rounds(c["value"], _reference_value(g, c["find"]), c.get("places", 4)),
    "gate": lambda g, c: bool(evaluate(g)[c["pre"]] > 0) == c["open"],
    "zero": lambda g, c: (abs(_reference_value(g, c["find"])) < TINY) == c.get("zero", True),
    "sign": lambda g, c: ("positive" if _reference_value(g, c["find"]) > 0 else "negative") == c["sign"],
    "paths": _live,
    "path": _path,
    "share": lambda g, c: _rounds(c["value"], _share(g, c), c.get("places", 4)),
    "compare": _compare,
    "sum": lambda g, c: _rounds(c["value"], sum(_gradients(g, c).values()), c.get("places", 4)),
    "largest": _largest,
    "combine": _combine,
    "delta-recursion": _recursion,
}


def _questions(topic: str, qtype: str, marks: int) -> Iterator[Any]:
    for seed in range(SEEDS):
        yield built(topic, qtype, marks, seed)  # the draws test_generator also checks


@pytest.mark.parametrize(("topic", "qtype", "marks"), FORMS)
def test_options_agree_with_an_independent_checker(topic: str, qtype: str, marks: int) -> None:
    strict = topic in GRAPH_FAMILIES
    for q in _questions(topic, qtype, marks):
        for index, option in enumerate(q.options):
            if option.claim is None:
                assert not strict, (q.id, option.label, option.text, "an option without a claim")
                continue
            assert option.true == (index in q.answer["correct"]), (q.id, option.label)
            truth = independent_truth(q.graph, option.claim)
            assert truth is not None or not strict, (q.id, option.claim["kind"], "a kind the checker cannot re-derive")
            if truth is not None:
                assert truth == option.true, (q.id, option.label, option.text, option.claim)


def test_a_wrong_intended_key_is_refused() -> None:
    """The posing code never trusts a template's intent: a false claim marked true is an error."""
    from gatebp.network.spec import graph_from_dict
    from gatebp.questions.claims import ClaimError, Context
    from gatebp.questions.families.common import Choice, quantity
    from gatebp.questions.problem import judged

    q = built("relu-gate", "MSQ", 1, 3)
    graph = graph_from_dict(q.graph)
    wrong = Choice("∂y/∂w1 = 1000", True, claim=quantity("y", "w1", 1000))
    with pytest.raises(ClaimError):
        judged("relu-gate", [wrong], Context(graph=graph))


def test_the_checker_rejects_false_claims_of_every_kind() -> None:
    """The checker is not a rubber stamp: each kind, falsified, is judged false."""
    graph = {"values": {"x": "2", "y": "3"}, "nodes": {"u": "x*y", "v": "u + y", "L": "v**2"}}
    # L = (xy + y)², ∂L/∂y = 2v(x + 1) = 54 over two paths: L ← v ← u ← y (36) and L ← v ← y (18)
    cases = [({"kind": "quantity", "find": {"of": "L", "wrt": "y"}, "value": 54}, True),
             ({"kind": "quantity", "find": {"of": "L", "wrt": "y"}, "value": 36}, False),
             ({"kind": "path", "of": "L", "wrt": "y", "route": ["L", "v", "u", "y"], "value": 36}, True),
             ({"kind": "path", "of": "L", "wrt": "y", "route": ["L", "v", "y"], "value": 36}, False),
             ({"kind": "share", "of": "L", "wrt": "y", "avoid": "u", "value": 18}, True),
             ({"kind": "share", "of": "L", "wrt": "y", "through": "u", "value": 18}, False),
             ({"kind": "paths", "of": "L", "wrt": "y", "count": 2}, True),
             ({"kind": "paths", "of": "L", "wrt": "y", "count": 1}, False),
             ({"kind": "sum", "of": "L", "wrt": ["x", "y"], "value": 108}, True),
             ({"kind": "largest", "of": "L", "wrt": ["x", "y"], "at": "y"}, False),
             ({"kind": "compare", "find": {"of": "L", "wrt": "y", "lr": 0.1}, "relation": ">", "than": "3"}, False),
             ({"kind": "combine", "find": {"of": "L", "wrt": "y"}, "parts": [{"of": "L", "wrt": "y"}] * 2,
               "how": "mean"}, True)]
    for claim, expected in cases:
        assert independent_truth(graph, claim) is expected, claim
