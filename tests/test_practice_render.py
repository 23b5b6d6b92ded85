"""The question panel, the palette and the score sheet, rendered to text."""

from __future__ import annotations

import io

from rich.console import Console

from gatebp.ui.terminal.console import SafeConsole
from gatebp.questions.generate import generate_set
from gatebp.gate.grade import Response
from gatebp.gate.exam import Exam
from gatebp.ui.terminal.question import palette, question_panel
from gatebp.ui.terminal.scoresheet import marks_number, scoresheet
from test_practice_exam import mcq, nat


def render(renderable, width: int = 80, color: bool = False) -> str:  # type: ignore[no-untyped-def]
    out = io.StringIO()
    console = Console(file=out, width=width, color_system="truecolor" if color else None,
                      force_terminal=color, highlight=False)
    console.print(renderable)
    return out.getvalue()


def plain(renderable, width: int = 80) -> str:  # type: ignore[no-untyped-def]
    """As a plain console (--plain, NO_COLOR) prints it."""
    out = io.StringIO()
    SafeConsole(file=out, width=width, color_system=None, highlight=False, plain=True).print(renderable)
    return out.getvalue()


STATES = ["answered", "not_answered", "marked", "answered_marked", "not_visited"]


def test_plain_palette_labels_and_legend() -> None:
    text = plain(palette(STATES, current=1))
    assert "[ 1:A ] < 2:N > [ 3:M ] [ 4:AM] [ 5:  ]" in text
    for label in ("Not Visited 1", "Not Answered 1", "Answered 1", "Marked for Review 1",
                  "Answered & Marked 1"):
        assert label in text
    assert set(text) <= set(map(chr, range(32, 127))) | {"\n"}  # ASCII only
    assert max(len(line) for line in text.splitlines()) <= 80


def test_palette_wraps_a_full_paper_within_80_columns() -> None:
    text = plain(palette(["not_visited"] * 65, current=0))
    assert "[65:  ]" in text and max(len(line) for line in text.splitlines()) <= 80


def test_colour_palette_uses_gate_colours() -> None:
    text = render(palette(STATES, current=0), color=True)
    assert "✓" in text  # answered & marked: purple with a green mark
    assert "\x1b[" in text


def test_question_panel_shows_type_marks_options_and_time() -> None:
    q = next(q for q in generate_set(2, 6) if q.type == "MCQ")
    text = plain(question_panel(q, 3, 6, time_left="12:00"))
    assert "Question 3 of 6" in text and "12:00 left" in text
    assert f"MCQ, {q.marks} mark" in text and f"wrong: -{q.marks}/3" in text
    assert all(f"({o.label})" in text for o in q.options)
    assert text.startswith("+-")


def test_scoresheet_marks_by_state() -> None:
    exam = Exam([mcq(1), mcq(2), mcq(3), nat(4)], 600, started=0.0)
    exam.select(Response.pick(1))
    exam.save_next(30)   # wrong MCQ2: -2/3
    exam.mark_next(40)   # marked only
    exam.select(Response.pick(0))
    exam.mark_next(50)   # answered & marked, right: +2
    result = exam.submit(60)
    text = plain(scoresheet(result))
    # the total in thirds, as the marks column writes -2/3 and +2
    assert f"Total: {marks_number(result.score)} out of 7" in text and "Total: 1 1/3" in text
    assert "-2/3" in text and "+2" in text
    assert "Answered & Marked" in text and "Marked for Review" in text
    assert "not evaluated" not in text
    assert "Score by topic" in text and "Working for the questions you missed" in text
    assert "Question 1 - t:MCQ2:1" in text and "Question 3 - " not in text
    assert text.isascii()
    assert "Question 1 · t:MCQ2:1" in render(scoresheet(result))  # Unicode on any other console
