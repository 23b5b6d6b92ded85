"""Options and their reasons read as the paper's mathematics in every family: a name with a
digit prints with its subscript (o₁, h₂, W₂₁, never "o1"), and a negative number with the
paper's minus (−2.34, never "-2.34"), while --plain still gets ASCII (issue 13's leftovers)."""

from __future__ import annotations

import re

import pytest

from gatebp.core.maths import parse_markup, render
from gatebp.questions.generate import build_question, families_by_name
from tests.sweep import built

FORMS = [(fam.name, qtype, marks) for fam in families_by_name() for qtype in fam.types for marks in fam.marks
         if qtype != "NAT"]
SEEDS = (1, 2)  # draws the other form tests read too (tests.sweep.built)
NAME_DIGIT = re.compile(r"(?<![\w.])[A-Za-z]{1,2}\d{1,2}(?![\w.])")  # o1, y3, W21 (a plain name)
HYPHEN_MINUS = re.compile(r"(?<![\w)\]])-\d")  # "-2.34" where the paper prints "−2.34"


@pytest.mark.parametrize(("topic", "qtype", "marks"), FORMS, ids=[f"{t}:{q}{m}" for t, q, m in FORMS])
def test_options_and_reasons_print_subscripts_and_the_minus(topic: str, qtype: str, marks: int) -> None:
    for seed in SEEDS:
        question = built(topic, qtype, marks, seed)
        for option in question.options:
            for text in (option.text, option.why or "", option.mistake or ""):
                shown = render(parse_markup(text), "unicode")
                assert not NAME_DIGIT.search(shown), (question.id, option.label, shown)
                assert not HYPHEN_MINUS.search(shown), (question.id, option.label, shown)
                plain = render(parse_markup(text), "ascii")
                assert "−" not in plain and plain.isascii(), (question.id, option.label, plain)


# --- vectors: the paper's column vector, x = (a, b)ᵀ in a line, never a list [a, b] -------------

ALL_FORMS = [(fam.name, qtype, marks) for fam in families_by_name() for qtype in fam.types for marks in fam.marks]
LIST = re.compile(r"\[[−\-]?\d[^\]\[]*, [^\]\[]*\]")  # "[−1, 2]": a list where a vector was meant


@pytest.mark.parametrize(("topic", "qtype", "marks"), ALL_FORMS, ids=[f"{t}:{q}{m}" for t, q, m in ALL_FORMS])
def test_vectors_print_as_the_paper_writes_them(topic: str, qtype: str, marks: int) -> None:
    question = built(topic, qtype, marks, 3)
    texts = [question.text] + [o.text for o in question.options] + [s.text for s in question.solution]
    for text in texts:
        shown = render(parse_markup(text), "unicode")
        assert not LIST.search(shown), (question.id, LIST.search(shown).group(0), shown[:200])


def test_one_vector_notation_in_every_target() -> None:
    """[a, b] in markup is a column vector: in a line (a, b)ᵀ in every target, drawn as a column in
    a display; [[a, b]] is a one-row matrix [a  b]."""
    line = parse_markup("$x = [-1, 2]$ and $W2 = [[2, -3]]$")
    assert render(line) == "x = (−1, 2)ᵀ and W₂ = [2  −3]"
    assert render(line, "ascii") == "x = (-1, 2)^T and W2 = [2  -3]"
    assert "$x = (-1, 2)^{\\mathsf{T}}$" in render(line, "latex")
    assert "$x = (-1, 2)^T$" in render(line, "typst")
    assert "(−1, 2)<sup>T</sup>" in render(line, "html")
    shown = render(parse_markup("$$d = [-1, 2]$$"))
    assert shown.split("\n") == ["    d = ⎡ −1 ⎤", "        ⎣  2 ⎦"]
    assert "\\begin{bmatrix} -1 \\\\ 2 \\end{bmatrix}" in render(parse_markup("$$d = [-1, 2]$$"), "latex")
