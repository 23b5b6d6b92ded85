"""Defects a GATE-teacher re-read found in distractors and working, each checked independently:

- merges MSQ: no true gradient statement has the value of L itself (a student who only computed
  L would tick it);
- sigmoid-bce MSQ: the distractors are distinct mistakes, so at most one is a sign slip;
- finite-difference MSQ: what the working says about the central error is true for the loss used
  (it said "0 for a quadratic loss" where L is quartic in w).
"""

from __future__ import annotations

from fractions import Fraction

import mpmath
import pytest

from gatebp.questions.generate import build_question
from tests.reference import derivative, evaluate
from tests.standards_new import ascii_minus

SEEDS = range(20)


@pytest.mark.parametrize("marks", [1, 2])
def test_merges_no_true_gradient_equals_the_loss(marks: int) -> None:
    for seed in SEEDS:
        q = build_question("merges", "MSQ", marks, 9000 + seed)
        assert q.graph is not None
        loss = evaluate(q.graph)["L"]  # the independent mpmath evaluator
        for option in q.options:
            claim = option.claim or {}
            if option.true and claim.get("kind") == "quantity":
                wrt = claim["find"]["wrt"]
                value, _ = derivative(q.graph, "L", wrt)
                assert value == 0 or abs(value - loss) > 1e-9, (q.id, option.text, float(loss))


def _is_sign_slip(q, option) -> bool:  # type: ignore[no-untyped-def]
    """A false option a sign slip makes: a sign claim, or a value that is minus the true one."""
    claim = option.claim or {}
    if claim.get("kind") == "sign":
        return True
    if claim.get("kind") == "quantity":
        truth, _ = derivative(q.graph, "L", claim["find"]["wrt"])
        return truth != 0 and abs(mpmath.mpf(claim["value"]) + truth) <= 10.0 ** -claim.get("places", 4)
    return False


@pytest.mark.parametrize("marks", [1, 2])
def test_sigmoid_bce_spends_at_most_one_option_on_the_sign_slip(marks: int) -> None:
    for seed in SEEDS:
        q = build_question("sigmoid-bce", "MSQ", marks, 9100 + seed)
        slips = [o.label for o in q.options if not o.true and _is_sign_slip(q, o)]
        assert len(slips) <= 1, (q.id, slips, [o.text for o in q.options])


def _loss(q, w: Fraction) -> Fraction:  # type: ignore[no-untyped-def]
    v = {k: Fraction(x) for k, x in q.graph["values"].items()}
    if "h" in q.graph["nodes"]:
        return (w * w * v["x"] - v["t"]) ** 2 / 2
    return (w * v["x"] - v["t"]) ** 2


@pytest.mark.parametrize("marks", [1, 2])
def test_finite_difference_working_describes_the_loss_used(marks: int) -> None:
    for seed in SEEDS:
        q = ascii_minus(build_question("finite-difference", "MSQ", marks, 9200 + seed))
        w, eps = Fraction(q.graph["values"]["w"]), Fraction(1, 10)
        fourth = sum((-1) ** k * [1, 4, 6, 4, 1][k] * _loss(q, w + k * eps) for k in range(5))
        quartic = fourth != 0  # a nonzero 4th difference: degree 4 in w
        central = (_loss(q, w + eps) - _loss(q, w - eps)) / (2 * eps)
        text = " ".join(step.text for step in q.solution)
        assert ("quartic in w" in text) == quartic and ("quadratic in w" in text) == (not quartic), q.id
        assert "0 for a quadratic loss" not in text, q.id
        exact = central == 2 * w * Fraction(q.graph["values"]["x"]) * (
            w * w * Fraction(q.graph["values"]["x"]) - Fraction(q.graph["values"]["t"])) if quartic else True
        assert ("central estimate is exact" in text) == exact, q.id
