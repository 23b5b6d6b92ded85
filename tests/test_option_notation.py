"""Options and their reasons read as the paper's mathematics in every family: a name with a
digit prints with its subscript (o₁, h₂, W₂₁, never "o1"), and a negative number with the
paper's minus (−2.34, never "-2.34"), while --plain still gets ASCII (issue 13's leftovers)."""

from __future__ import annotations

import re

import pytest

from gatebp.core.maths import parse_markup, render
from gatebp.questions.generate import build_question, families_by_name

FORMS = [(fam.name, qtype, marks) for fam in families_by_name() for qtype in fam.types for marks in fam.marks
         if qtype != "NAT"]
SEEDS = (1, 7)
NAME_DIGIT = re.compile(r"(?<![\w.])[A-Za-z]{1,2}\d{1,2}(?![\w.])")  # o1, y3, W21 (a plain name)
HYPHEN_MINUS = re.compile(r"(?<![\w)\]])-\d")  # "-2.34" where the paper prints "−2.34"


@pytest.mark.parametrize(("topic", "qtype", "marks"), FORMS, ids=[f"{t}:{q}{m}" for t, q, m in FORMS])
def test_options_and_reasons_print_subscripts_and_the_minus(topic: str, qtype: str, marks: int) -> None:
    for seed in SEEDS:
        question = build_question(topic, qtype, marks, seed)
        for option in question.options:
            for text in (option.text, option.why or "", option.mistake or ""):
                shown = render(parse_markup(text), "unicode")
                assert not NAME_DIGIT.search(shown), (question.id, option.label, shown)
                assert not HYPHEN_MINUS.search(shown), (question.id, option.label, shown)
                plain = render(parse_markup(text), "ascii")
                assert "−" not in plain and plain.isascii(), (question.id, option.label, plain)
