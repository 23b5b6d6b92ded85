"""What a student sees reads as mathematics: every family's question and working, printed by the
real terminal views into an 80-column console, holds no program notation (issue 13).

The plain console (--plain / NO_COLOR) is exempt: there ASCII such as `w11*x1` is the documented
screen-reader form; it must still be ASCII only.
"""

from __future__ import annotations

import io
import re

import pytest
from rich.cells import cell_len
from rich.console import Console

from gatebp.questions.generate import build_question, families_by_name
from gatebp.ui.terminal.console import make_console
from gatebp.ui.terminal.question import question_panel
from gatebp.ui.terminal.working import question_working
from tests.sweep import built

FORMS = [(fam.name, qtype, marks) for fam in families_by_name() for qtype in fam.types for marks in fam.marks]
SEEDS = (1, 3)  # draws test_generator and test_claims also read (tests.sweep.built)

# program notation a paper never prints: powers, starred products between names, nested list
# brackets, spelled-out hats and activations, internal layer names, unrendered markup
CODE = {
    "**": re.compile(r"\*\*"),
    "name * name": re.compile(r"\w \* \w"),
    "[[": re.compile(r"\[\["),
    "yhat": re.compile(r"\byhat"),
    "relu(": re.compile(r"\brelu\("),
    "sigmoid(": re.compile(r"\bsigmoid\("),
    "w_h1_x1": re.compile(r"\b[wbz]_[a-z]\d"),
    "$ markup": re.compile(r"\$"),
    "ASCII prime": re.compile(r"(?:σ|φ|tanh|ReLU|relu|sigmoid|\b[fgL])'(?=[(\s.,;:)]|$)", re.MULTILINE),
    "_k subscript": re.compile(r"(?<![\w\\])[a-zσ]_[a-z](?![\w])"),
}


def _screen(renderables: list, console: Console) -> str:
    for renderable in renderables:
        console.print(renderable)
    out = console.file
    assert isinstance(out, io.StringIO)
    return out.getvalue()


def _console(plain: bool) -> Console:
    console = make_console(plain)
    console.file = io.StringIO()
    console.width = 80
    return console


@pytest.mark.parametrize(("topic", "qtype", "marks"), FORMS, ids=[f"{t}:{q}{m}" for t, q, m in FORMS])
def test_question_and_working_read_as_maths(topic: str, qtype: str, marks: int) -> None:
    for seed in SEEDS:
        question = built(topic, qtype, marks, seed)
        screen = _screen([question_panel(question, 1, 1), question_working(question)], _console(False))
        found = {name: pattern.search(screen).group(0) for name, pattern in CODE.items()
                 if pattern.search(screen)}
        assert not found, f"{question.id}: program notation on screen: {found}"
        assert max(cell_len(line) for line in screen.splitlines()) <= 80, question.id


@pytest.mark.parametrize("topic", ["two-layer-mse", "multipath-relu", "sigmoid-bce", "softmax-ce"])
def test_plain_console_is_ascii(topic: str) -> None:
    question = build_question(topic, "NAT", 2, 5)
    screen = _screen([question_panel(question, 1, 1), question_working(question)], _console(True))
    assert screen.isascii(), [ch for ch in screen if not ch.isascii()][:5]
    assert "$" not in screen
