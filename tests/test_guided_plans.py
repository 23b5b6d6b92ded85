"""Guided plans: every family with a network has one, its steps answered with the solver's own
values are right and reach the key, and a wrong step's known slip is named.

The test redoes the arithmetic the student does (each path's product from the local steps, the
sum from the paths), so a plan whose steps do not add up to the key fails here.
"""

from __future__ import annotations

import math

import pytest

from gatebp.app.guided import GuidedPlan, check, close, partial_names, plan_for
from gatebp.app.skills import GUIDED_TOPICS, skills_of
from gatebp.gate.question import in_key_range
from gatebp.questions.generate import families_by_name
from tests.sweep import built, seeds

SEEDS = seeds(3)
# The key is not where the working ends: the steps give the exact gradient, and the key is a
# finite-difference estimate of it (or the estimate's error), asked at the answer prompt.
ESTIMATES = {"finite-difference"}


def network_questions():  # type: ignore[no-untyped-def]
    for fam in families_by_name():
        for qtype in fam.types:
            for marks in fam.marks:
                for seed in SEEDS:
                    q = built(fam.name, qtype, marks, seed)
                    asks = (q.find or {}).get("of") or any(s.checkable for s in q.solution)
                    if q.graph is not None and asks:  # a network, and something asked of it
                        yield fam.name, q


@pytest.fixture(scope="module")
def plans() -> list[tuple[str, GuidedPlan]]:
    out = []
    for topic, q in network_questions():
        plan = plan_for(q)
        assert plan is not None, f"{q.id}: a question with a network has no guided plan"
        out.append((topic, plan))
    return out


def test_every_family_with_a_network_has_a_plan_and_is_mapped_to_its_skills(plans) -> None:
    topics = {topic for topic, _ in plans}
    assert topics == set(GUIDED_TOPICS)
    for topic, plan in plans:
        extra = {s.skill for s in plan.steps} - set(skills_of(topic))
        assert not extra, f"{plan.question.id}: skills {extra} missing from app/skills.py"


def test_each_step_answered_with_its_value_is_right_and_the_plan_reaches_the_key(plans) -> None:
    for topic, plan in plans:
        q = plan.question
        places = q.rounding if q.rounding is not None else 2
        assert all(check(s, s.value, places).right for s in plan.steps), q.id
        assert plan.answer is not None
        if topic in ESTIMATES:
            continue  # the answer prompt asks the estimate (or its error) the steps lead to
        if q.type == "NAT":
            assert in_key_range(round(plan.answer, places), q.answer["range"]), q.id
        elif q.type == "MCQ" and all(o.value is not None for o in q.options) and q.options:
            # (an MSQ's statements may all be slips of the value the steps reach: make sweep found
            # delta-recursion:MSQ2:7, whose one option on δ(z₂) is a slip; nothing to compare)
            nearest = min(range(len(q.options)),
                          key=lambda i: abs((q.options[i].value or 0) - plan.answer))
            assert nearest in q.answer["correct"], q.id


def test_path_products_and_sums_are_what_the_local_steps_give(plans) -> None:
    """Independent arithmetic: multiply the local steps along each path, add the paths."""
    checked = 0
    for _, plan in plans:
        local = {s.quantity: s.value for s in plan.steps if s.skill.startswith("local")}
        paths = [s for s in plan.steps if s.skill == "path"]
        for path in paths:
            factors = [local.get(f"∂{a}/∂{b}") for a, b in
                       (partial_names(part) or ("", "") for part in path.quantity.split("·"))]
            if None not in factors:
                assert math.isclose(math.prod(factors), path.value, rel_tol=1e-9, abs_tol=1e-9)
                checked += 1
        for total in (s for s in plan.steps if s.skill == "sum"):
            assert math.isclose(sum(p.value for p in paths), total.value, rel_tol=1e-9,
                                abs_tol=1e-9), plan.question.id
    assert checked > 50


def _step(plan: GuidedPlan, skill: str, value: float | None = None):  # type: ignore[no-untyped-def]
    return next(s for s in plan.steps if s.skill == skill and (value is None or s.value == value))


def test_the_named_slips_of_a_step() -> None:
    bce = plan_for(built("sigmoid-bce", "NAT", 1, 3))
    assert bce is not None
    local = _step(bce, "local:sigmoid")
    unit, _ = partial_names(local.quantity) or ("", "")
    sigma = next(s.value for s in bce.steps if s.skill == "forward" and s.quantity == unit)
    verdict = check(local, sigma, 2)  # σ(z) typed for σ'(z)
    assert not verdict.right and verdict.slip and "itself as the derivative" in verdict.slip
    relu = plan_for(built("multipath-relu", "NAT", 1, 1))
    assert relu is not None
    gate = _step(relu, "local:relu", 1.0)
    assert "wrong sign" in (check(gate, 0.0, 2).slip or "")
    merge = _step(relu, "sum")
    dropped = [v for v, why in merge.slips if "dropped the path" in why]
    assert dropped and "dropped the path" in (check(merge, dropped[0], 2).slip or "")
    assert check(merge, -merge.value, 2).slip == "made a sign slip"


def test_the_step_tolerance_is_one_percent_or_half_the_last_place() -> None:
    assert close(0.2, 0.1966, 2)  # rounded to two places: within 0.005
    assert not close(0.21, 0.1966, 2)
    assert close(101.0, 100.0, 2) and not close(101.5, 100.0, 2)  # 1% of a large value
    assert not close(0.2, 0.1966, 4)


def test_a_weight_read_at_the_swapped_index_is_named_w_for_w_transposed() -> None:
    """δ(a₁) needs w₂₁ (row 2, column 1 of W); typing w₁₂ is the W-for-Wᵀ slip."""
    for seed in range(20):
        q = built("delta-recursion", "NAT", 1, seed)
        plan = plan_for(q)
        assert plan is not None and q.graph is not None
        leaves = {k: float(eval_fraction(v)) for k, v in q.graph["values"].items()}
        for s in plan.steps:
            if s.quantity == "∂o2/∂a1" and leaves.get("w12") != s.value:
                verdict = check(s, leaves["w12"], 2)
                assert verdict.slip is not None and "W for Wᵀ" in verdict.slip
                return
    pytest.fail("no delta-recursion question asked ∂o2/∂a1 with w12 ≠ w21")


def eval_fraction(text: str) -> float:
    from fractions import Fraction

    return float(Fraction(text))
