"""Stems in the paper's register: its minus sign, and its way of asking for a number.

The paper prints −0.2, not -0.2, and asks "The value of w after the step is ____ (rounded off to
two decimal places)", never "What is w after the step? (rounded off ...)". Read here as a
student reads them: each stem rendered for the terminal.
"""

from __future__ import annotations

import re

import pytest

from gatebp.core.maths import parse_markup, render
from gatebp.questions.generate import families_by_name
from tests.sweep import built, seeds

FORMS = [(f.name, t, m) for f in families_by_name() for t in f.types for m in f.marks]
HYPHEN_NUMBER = re.compile(r"(?<![\w)\]}^'′.])-(?=\.?\d)")
QUESTION_THEN_ROUNDING = re.compile(r"\? \((rounded off|The options are rounded)")


@pytest.mark.parametrize(("topic", "qtype", "marks"), FORMS)
def test_a_stem_prints_the_papers_minus_and_asks_for_the_value(topic: str, qtype: str, marks: int) -> None:
    for seed in seeds(5, 9100):
        question = built(topic, qtype, marks, seed)
        shown = render(parse_markup(question.text))
        assert not HYPHEN_NUMBER.search(shown), (question.id, HYPHEN_NUMBER.search(shown), shown[-200:])
        assert not QUESTION_THEN_ROUNDING.search(shown), (question.id, shown[-200:])
