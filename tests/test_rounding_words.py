"""An MCQ whose options are rounded says so as the paper does, and its options keep that promise.

The paper writes "The value of ∂L/∂w, rounded off to two decimal places, is" above the options.
A stem that ended "… is (The options are rounded off …)" left the sentence hanging, so the
rounding now goes before the final "is"; a stem that asks a question ("What is w after the first
step?") gets a closing sentence instead. Every option that is a plain number must then print
exactly the places the stem names.
"""

from __future__ import annotations

import re

import pytest

from gatebp.gate.question import Question
from gatebp.questions.generate import families_by_name
from tests.sweep import built, seeds

WORDS = {"one": 1, "two": 2, "three": 3, "four": 4}
ROUNDED = re.compile(r"rounded off to (one|two|three|four) decimal places?")
NUMBER = re.compile(r"[−-]?\d+(\.\d+)?")
MCQ_FORMS = [(f.name, m) for f in families_by_name() if "MCQ" in f.types for m in f.marks]


def _rounded_mcqs(topic: str, marks: int) -> list[Question]:
    drawn = (built(topic, "MCQ", marks, seed) for seed in seeds(10, 9100))
    return [question for question in drawn if ROUNDED.search(question.text)]


@pytest.mark.parametrize(("topic", "marks"), MCQ_FORMS)
def test_the_rounding_is_said_before_the_options_not_after_a_hanging_is(topic: str, marks: int) -> None:
    for question in _rounded_mcqs(topic, marks):
        assert not re.search(r" is \((The )?options", question.text), question.text[-160:]
        ending = question.text.rstrip()
        assert ending.endswith((", is", "?", ".)", ")?", ")")), ending[-160:]


def test_every_numeric_option_prints_the_places_its_stem_names() -> None:
    checked = 0
    for topic, marks in MCQ_FORMS:
        for question in _rounded_mcqs(topic, marks):
            places = WORDS[ROUNDED.search(question.text).group(1)]  # type: ignore[union-attr]
            for option in question.options:
                text = option.text.replace("$", "").strip()
                if NUMBER.fullmatch(text):
                    checked += 1
                    decimals = len(text.split(".")[1]) if "." in text else 0
                    assert decimals == places, (question.id, places, option.text)
    assert checked >= 100, "too few rounded numeric options were drawn to check anything"
