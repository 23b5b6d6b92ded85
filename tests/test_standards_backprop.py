"""Number and distractor standards for the graph-based backprop families (issue 11).

Each test loops over fixed seeds and reads the built questions (their exported graph, claims and
texts), with its own arithmetic where a value is needed (mpmath on the exported graph):
options stand 5% apart and beyond the NAT tolerance; every distractor is a named slip, never a
filler; the draws are not degenerate; closed-gate zeros are rare in relu-gate; a 2-mark form
needs more reasoning than its 1-mark sibling; and each template fixed by the review stays fixed.
"""

from __future__ import annotations

import re
from typing import Any

import mpmath
import pytest
import sympy as sp

from gatebp.core.maths import parse_markup, render
from gatebp.network.slips import Slip
from gatebp.network.spec import graph_from_dict
from gatebp.questions.families.base import Resample
from gatebp.questions.families.common import numeric_choices
from gatebp.questions.generate import build_question, families_by_name
from tests.reference import derivative, evaluate
from tests.sweep import built, seeds

FAMILIES = ("relu-gate", "merges", "residual", "two-layer-mse", "batch-bias", "delta-recursion",
            "activation-path", "sigmoid-bce", "softmax-ce", "descent-step")
SLOW = {"delta-recursion", "softmax-ce", "sigmoid-bce", "activation-path", "descent-step"}
FILLER = re.compile(r"\b(added|subtracted) [12]\b|doubled|halved the result|tripled|an arithmetic slip")


def _seeds(topic: str, fast: int = 8, slow: int = 4) -> range:
    return seeds(slow if topic in SLOW else fast)


def _built(topic: str, qtype: str, marks: int, seeds: range) -> list[Any]:
    return [built(topic, qtype, marks, 7000 + s) for s in seeds]


def _values(q: Any) -> dict[str, mpmath.mpf]:
    """Every leaf and node value of the exported graph, by the mpmath reference."""
    return dict(evaluate(q.graph))


def _reference(graph: dict[str, Any], find: dict[str, Any]) -> mpmath.mpf:
    """∂of/∂wrt by central differences, or the weight after one descent step."""
    slope, _ = derivative(graph, find["of"], find["wrt"])
    if find.get("lr") is None:
        return slope
    return evaluate(graph)[find["wrt"]] - mpmath.mpf(str(find["lr"])) * slope


# --- options stand apart -------------------------------------------------------------------------

@pytest.mark.parametrize("topic", FAMILIES)
def test_mcq_options_differ_by_five_percent_and_beyond_the_tolerance(topic: str) -> None:
    for marks in (1, 2):
        for q in _built(topic, "MCQ", marks, _seeds(topic)):
            values = [o.value for o in q.options]
            places = max(len(o.text.split(".")[1]) if "." in o.text else 0 for o in q.options)
            for i, a in enumerate(values):
                for b in values[i + 1:]:
                    assert abs(a - b) >= 0.05 * max(abs(a), abs(b)) - 1e-12, (q.id, values)
                    assert abs(a - b) >= 0.999 * 10**-places, (q.id, values)
            key = q.options[q.answer["correct"][0]]
            if "rounded off" in q.text:  # an inexact key: the NAT range spans a unit either side
                assert all(abs(o.value - key.value) > 1.5 * 10**-places for o in q.options if o is not key), q.id


def test_numeric_choices_refuse_a_draw_with_fewer_than_three_named_slips() -> None:
    import random

    slips = [Slip(sp.Integer(7), "dropped a path"), Slip(sp.Rational(61, 10), "too close: within 5% of 6.2")]
    with pytest.raises(Resample):
        numeric_choices(sp.Rational(62, 10), slips, 1, random.Random(1))


def test_no_filler_slips_in_any_family() -> None:
    """numeric_choices no longer pads with "doubled / added 1": every distractor of every family's
    MCQ is a named slip (the shared helper is checked for every family, not only these ten)."""
    for family in families_by_name():
        if "MCQ" not in family.types:
            continue
        for marks in family.marks:
            for q in _built(family.name, "MCQ", marks, range(2)):
                for index, option in enumerate(q.options):
                    if index not in q.answer["correct"]:
                        assert option.mistake and not FILLER.search(option.mistake), (q.id, option.mistake)


@pytest.mark.parametrize("topic", FAMILIES)
def test_every_option_has_a_reason_and_every_distractor_a_slip(topic: str) -> None:
    for qtype in ("MCQ", "MSQ"):
        for marks in (1, 2):
            for q in _built(topic, qtype, marks, _seeds(topic, 6, 3)):
                for index, option in enumerate(q.options):
                    assert option.claim is not None and option.why, (q.id, option.text)
                    if index not in q.answer["correct"]:
                        assert option.mistake and option.mistake in option.why, (q.id, option.text)


# --- no degenerate draws -------------------------------------------------------------------------

def _quantity_truths(q: Any) -> dict[tuple[Any, ...], mpmath.mpf]:
    """The reference value of every graph quantity an MSQ's statements name (true or false)."""
    found = {}
    for option in q.options:
        claim = option.claim or {}
        if claim.get("kind") == "quantity":
            find = claim["find"]
            key = (find["of"], find.get("wrt"), find.get("lr"))
            found[key] = _reference(q.graph, find)
    return found


@pytest.mark.parametrize("topic", FAMILIES)
def test_msq_quantities_never_coincide(topic: str) -> None:
    """x = w1 = w2 = 2 made ∂y/∂w1 = ∂y/∂x = ∂y/∂w2 (a mix-up landed on a true value), and x = −1
    made ∂L/∂w and ∂L/∂z mirror images. Two different quantities in one MSQ now differ in size
    by 5% (two exact zeros of a closed gate may agree)."""
    for marks in (1, 2):
        for q in _built(topic, "MSQ", marks, _seeds(topic)):
            values = [abs(v) for v in _quantity_truths(q).values()]  # mirror images count too
            for i, a in enumerate(values):
                for b in values[i + 1:]:
                    both_zero = abs(a) < 1e-12 and abs(b) < 1e-12
                    assert both_zero or abs(a - b) >= 0.05 * max(abs(a), abs(b)) - 1e-12, (q.id, values)


def test_batch_bias_has_no_zero_residual_and_no_repeated_input() -> None:
    for qtype in ("NAT", "MCQ", "MSQ"):
        for marks in (1, 2):
            for q in _built("batch-bias", qtype, marks, range(15)):
                env = _values(q)
                size = sum(1 for k in q.graph["nodes"] if re.fullmatch(r"L\d", k))
                outs = [env[f"h{k}"] if f"h{k}" in env else env[f"z{k}"] for k in range(1, size + 1)]
                assert all(out != env[f"t{k + 1}"] for k, out in enumerate(outs)), q.id
                inputs = [env[f"x{k}"] for k in range(1, size + 1)]
                assert len(set(inputs)) == size, q.id
                assert sum(1 for k in range(1, size + 1) if f"h{k}" in env and env[f"z{k}"] < 0) <= 1, q.id


def test_two_layer_has_distinct_rows_columns_and_inputs() -> None:
    for marks in (1, 2):
        for q in _built("two-layer-mse", "NAT", marks, range(25)):
            env = _values(q)
            hidden = sum(1 for k in q.graph["nodes"] if re.fullmatch(r"h\d", k))
            rows = [(env[f"w{j}1"], env[f"w{j}2"]) for j in range(1, hidden + 1)]
            assert len(set(rows)) == hidden and [r[0] for r in rows] != [r[1] for r in rows], q.id
            assert abs(env["x1"]) != abs(env["x2"]), q.id
            weights = [w for r in rows for w in r]
            assert any(abs(w) != 1 for w in weights), q.id


def test_delta_recursion_w2_is_not_symmetric_and_rows_differ() -> None:
    for qtype in ("NAT", "MSQ"):
        for marks in (1, 2):
            for q in _built("delta-recursion", qtype, marks, range(4)):
                w = _values(q)
                assert w["w12"] != w["w21"], q.id
                assert (w["w11"], w["w12"]) != (w["w21"], w["w22"]), q.id
                assert (w["w11"], w["w21"]) != (w["w12"], w["w22"]), q.id


@pytest.mark.parametrize(("topic", "factors"), [("relu-gate", ("x", "w2", "w3")), ("merges", None),
                                                ("sigmoid-bce", ("x",)), ("descent-step", ("x",)),
                                                ("activation-path", ("x", "v"))])
def test_no_unit_factor_on_the_asked_path(topic: str, factors: tuple[str, ...] | None) -> None:
    """A factor ±1 on the asked path makes "left out that factor" the key and two statements one fact."""
    for marks in (1, 2):
        for q in _built(topic, "NAT", marks, range(12)):
            env = q.graph["values"]
            names = [n for n in (factors or env) if n in env and n != "t"]
            if topic == "activation-path" and marks == 2:
                names = [q.find["wrt"].replace("w", "x"), "v"]
            assert all(abs(float(env[n])) != 1 for n in names), (q.id, {n: env[n] for n in names})


def test_sigmoid_units_are_not_saturated() -> None:
    for topic in ("activation-path", "sigmoid-bce"):
        for marks in (1, 2):
            for q in _built(topic, "NAT", marks, range(10)):
                assert abs(evaluate(q.graph)["z"]) <= 2, q.id


# --- closed gates --------------------------------------------------------------------------------

def test_closed_gate_zeros_are_at_most_fifteen_percent_of_relu_gate_items() -> None:
    keys = []
    for qtype in ("NAT", "MCQ"):
        for marks in (1, 2):
            for q in _built("relu-gate", qtype, marks, range(60)):
                keys.append(q.answer["value"] if qtype == "NAT" else q.options[q.answer["correct"][0]].value)
    zeros = sum(1 for k in keys if k == 0)
    assert 0 < zeros <= 0.15 * len(keys), f"{zeros} zero answers in {len(keys)}"


def test_relu_gate_msq_statements_vary_in_truth() -> None:
    """The old MSQ always keyed ∂y/∂w2 false and ∂y/∂w1, ∂y/∂x true: a pattern, not a question."""
    truths: dict[str, set[bool]] = {}
    for marks in (1, 2):
        for q in _built("relu-gate", "MSQ", marks, range(40)):
            for option in q.options:
                kind = option.claim["kind"]
                key = kind if kind == "gate" else option.claim["find"]["wrt"]
                truths.setdefault(key, set()).add(bool(option.true))
    assert all(seen == {True, False} for seen in truths.values()), truths


# --- 2 marks need more reasoning -----------------------------------------------------------------

def reasoning_steps(q: Any) -> int:
    """Local derivatives on the asked paths plus the forward values they need (with the values those
    need in turn): what a student must work out, not what the working happens to print."""
    from gatebp.network.graph import Find
    from gatebp.network.solve import solve

    graph = graph_from_dict(q.graph)
    find = q.find
    solution = solve(graph, Find(find["of"], find["wrt"]))
    on_path = {(p.names[i], p.names[i + 1]) for p in solution.paths for i in range(len(p.names) - 1)}
    edges = [e for e in solution.edges if (e.node, e.parent) in on_path]
    nodes = set(q.graph["nodes"])
    needed: set[str] = set()
    todo = [n for e in edges for n in re.findall(r"[A-Za-z_]\w*", e.formula) if n in nodes]
    while todo:
        name = todo.pop()
        if name not in needed:
            needed.add(name)
            todo += [n for n in re.findall(r"[A-Za-z_]\w*", q.graph["nodes"][name]) if n in nodes]
    return len(edges) + len(needed)


@pytest.mark.parametrize("topic", FAMILIES)
def test_two_mark_forms_need_at_least_one_more_step(topic: str) -> None:
    one = [reasoning_steps(q) for q in _built(topic, "NAT", 1, _seeds(topic, 10, 5))]
    two = [reasoning_steps(q) for q in _built(topic, "NAT", 2, _seeds(topic, 10, 5))]
    assert min(two) >= max(one) + 1, (one, two)


# --- the review's templates, fixed ---------------------------------------------------------------

def test_residual_has_no_counterfactual_gate_option() -> None:
    for marks in (1, 2):
        for q in _built("residual", "MSQ", marks, range(20)):
            for option in q.options:
                assert "unchanged" not in option.text and "would be" not in option.text, option.text


def test_delta_recursion_defines_its_symbols_and_gives_nothing_away() -> None:
    for qtype in ("NAT", "MSQ"):
        for marks in (1, 2):
            for q in _built("delta-recursion", qtype, marks, range(3)):
                text = render(parse_markup(q.text), "unicode")
                for symbol in ("δₒ = (∂L/∂o₁, ∂L/∂o₂)", "δ(zⱼ) = ∂L/∂zⱼ", "φ = ", "with derivative φ′"):
                    assert symbol in text, (q.id, symbol)
                assert "δ₂" not in text and "δ₁" not in text and "δ2" not in text, q.id
                if qtype == "MSQ" and marks == 1:  # the stem gives δₒ = (g1, g2): no free option on it
                    assert not any(o.claim.get("find", {}).get("wrt", "").startswith("o") for o in q.options), q.id


def test_merges_working_never_gives_one_symbol_two_values() -> None:
    """A local partial and the total derivative no longer share a symbol (∂L/∂x = u = 4 … ∂L/∂x = 6)."""
    for marks in (1, 2):
        for q in _built("merges", "MSQ", marks, range(15)):
            seen: dict[str, set[str]] = {}
            for step in q.solution:
                if step.kind in ("local", "answer"):
                    label, _, rest = step.text.partition(" = ")
                    seen.setdefault(label, set()).add(rest.split(" = ")[-1].split(" ")[0])
            assert all(len(values) == 1 for values in seen.values()), (q.id, seen)


@pytest.mark.parametrize("topic", FAMILIES)
def test_rounded_options_say_how_they_are_rounded(topic: str) -> None:
    for qtype in ("MCQ", "MSQ"):
        for marks in (1, 2):
            for q in _built(topic, qtype, marks, _seeds(topic, 6, 3)):
                if any("≈" in o.text for o in q.options):
                    assert "rounded off to" in q.text, q.id
                if qtype == "MCQ":
                    key = q.options[q.answer["correct"][0]]
                    if abs(key.value - _reference(q.graph, q.find)) > 1e-9:
                        assert "rounded off to" in q.text, (q.id, key.text)
