"""The real exam questions of ../shared/reviews/real-questions.md, answered right three ways: by the
families' code (perceptron units and training, the exact separability check), by an independent
fraction/brute-force recomputation written here, and as bank items (question_bank/real_questions.yaml)
whose keys must agree with both.
"""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path

import pytest

from gatebp.questions.bank import load_bank
from gatebp.questions.families import linear_separability as sep
from gatebp.questions.families import perceptron_output as per_out
from gatebp.questions.families import perceptron_training as per_train
from tests.test_families_new import SEPARABLE, retrain

BANK = Path(__file__).resolve().parents[1] / "question_bank" / "real_questions.yaml"
F = Fraction


def bank_key(item_id: str) -> list[str]:
    item = next(q for q in load_bank([BANK]) if q.id == item_id)
    return [item.options[i].text for i in item.answer["correct"]]


def test_sign_perceptron_outputs_minus_one() -> None:
    unit = per_out.Unit("sign", (F("0.4"), F("-0.3"), F("0.1")), (F("0.2"), F("0.6"), F("0.5")), F(0))
    assert unit.net == F("-0.05") and unit.out(unit.net) == -1
    independent = sum(a * b for a, b in zip((F("0.4"), F("-0.3"), F("0.1")), (F("0.2"), F("0.6"), F("0.5"))))
    assert independent == F("-0.05")
    slips = dict((why, v) for v, why in per_out.unit_slips(unit))
    assert slips["reported the weighted sum itself, not the unit's output"] == F("-0.05")  # the telling option
    assert bank_key("real-ugc-2017-sign-perceptron") == ["−1"]


def test_threshold_unit_outputs_zero() -> None:
    unit = per_out.Unit("threshold", (F("-3.9"), F("1.1")), (F("1.3"), F("2.2")), F("0.3"))
    assert unit.net == F("-2.65") and unit.out(unit.net) == 0
    assert F("-3.9") * F("1.3") + F("1.1") * F("2.2") < F("0.3")
    assert bank_key("real-ugc-2016-threshold-unit") == ["0"]


def test_training_with_the_tie_rule_gives_point_one_point_one() -> None:
    samples = tuple(((F(a), F(b)), t) for (a, b), t in (((0, 0), 0), ((0, 1), 1), ((1, 0), 1), ((1, 1), 1)))
    problem = per_train.Training("01", samples, (F(0), F(0)), None, F(1, 10), 0, 1)
    run = per_train.train(problem)
    assert run.w == (F(1, 10), F(1, 10))
    assert [s for s, _, _ in run.log].count(0) == 3  # three scores of exactly 0: the tie rule is the point
    extra = {"form": "01", "samples": [[[str(v) for v in x], t] for x, t in samples], "w0": ["0", "0"], "b0": None,
             "eta": "1/10", "tie": 0, "epochs": 1}
    assert retrain(extra)[0] == [F(1, 10), F(1, 10)]  # the independent re-run
    assert per_train.train(problem, tie=1).w != run.w  # the other tie rule gives another answer
    assert bank_key("real-ugc-2025-perceptron-training") == ["(0.1, 0.1)"]


@pytest.mark.parametrize("name,separable", [("AND", True), ("OR", True), ("NOR", True), ("XOR", False),
                                            ("XNOR", False)])
def test_which_functions_one_perceptron_represents(name: str, separable: bool) -> None:
    rule = next(f for f in sep.TWO if f.name == name).rule
    assert sep.separable_table(rule, 2) is separable  # the exact Fourier–Motzkin check
    assert SEPARABLE[name] is separable  # the independent brute-force search


def test_bank_keys_for_separability() -> None:
    assert bank_key("real-ugc-2023-perceptron-functions") == ["AND", "OR", "NOR"]
    assert bank_key("real-ugc-2016-not-separable") == ["XOR and XNOR"]
