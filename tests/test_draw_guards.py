"""Draws a teacher would not set: given numbers that coincide, so a student who mixes two of them
up (x for w₁, w₁ for w₂) still gets the mark."""

from __future__ import annotations

from fractions import Fraction

from gatebp.questions.generate import families_by_name
from tests.sweep import built, seeds


def test_descent_step_never_gives_two_inputs_or_weights_the_same_value() -> None:
    family = next(f for f in families_by_name() if f.name == "descent-step")
    for qtype in family.types:
        for marks in family.marks:
            for seed in seeds(40):
                q = built("descent-step", qtype, marks, seed)
                given = [Fraction(v) for name, v in q.graph["values"].items() if name != "t"]
                assert len(set(given)) == len(given), (q.id, q.graph["values"])
