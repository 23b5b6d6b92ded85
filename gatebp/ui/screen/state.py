"""What the exam screen needs from an exam, and the words it shows, with no Textual import.

The screen drives any object with the `gatebp.gate.exam.Exam` API (`ExamLike`), so the caller
can pass a journaled exam: every button goes through that API and nothing else changes state.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Protocol

from gatebp.gate.exam import (
    ANSWERED,
    ANSWERED_MARKED,
    MARKED,
    NOT_ANSWERED,
    NOT_VISITED,
    STATE_LABELS,
    ExamResult,
    Slot,
)
from gatebp.gate.grade import Response
from gatebp.gate.question import Question
from gatebp.ui.mathtext import show

# The order GATE's submit summary lists the states in (as line mode does).
SUBMIT_ORDER = (ANSWERED, NOT_ANSWERED, MARKED, ANSWERED_MARKED, NOT_VISITED)
SECTION = "Section: Data Science and AI"
TYPE_HELP = {"NAT": "Type a number: digits, one '.', an optional '-' (the GATE keypad).",
             "MCQ": "Choose one option (click it, or press a-d).",
             "MSQ": "Choose one or more options (click them, or press a-d)."}


class ExamLike(Protocol):
    """The part of `gatebp.gate.exam.Exam` the screen reads and calls (duck-typed)."""

    @property
    def current(self) -> int: ...
    @property
    def result(self) -> ExamResult | None: ...
    @property
    def total(self) -> int: ...
    @property
    def question(self) -> Question: ...
    @property
    def slot(self) -> Slot: ...
    def states(self) -> list[str]: ...
    def counts(self) -> dict[str, int]: ...
    def deadline(self) -> float: ...
    def time_left(self, now: float) -> float: ...
    def expired(self, now: float) -> bool: ...
    def select(self, response: Response) -> None: ...
    def save_next(self, now: float) -> None: ...
    def mark_next(self, now: float) -> None: ...
    def clear(self) -> None: ...
    def goto(self, number: int, now: float) -> bool: ...
    def previous(self, now: float) -> bool: ...
    def submit(self, now: float, automatic: bool = False) -> ExamResult: ...


@dataclass(frozen=True)
class ScreenRun:
    """How the screen ended: the submitted result, and whether Ctrl-C/Ctrl-Q cut it short
    (then the paper was submitted with what was saved and the score sheet was skipped)."""

    result: ExamResult
    interrupted: bool = False


def countdown(seconds: float) -> str:
    """Time left as the exam shows it: 1:05:09, 41:07 or 0:09 (never below 0:00)."""
    whole = max(0, math.ceil(seconds))
    hours, rest = divmod(whole, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


def question_title(question: Question, number: int, total: int) -> str:
    """The line over a question: where the student is and what right and wrong are worth."""
    unit = "mark" if question.marks == 1 else "marks"
    wrong = f"wrong −{question.marks}/3" if question.type == "MCQ" else "no negative marks"
    return f"Question {number} of {total} · {question.type} · {question.marks} {unit} · {wrong}"


def submit_lines(counts: Mapping[str, int]) -> list[tuple[str, int]]:
    """The submit confirmation's rows: each state's legend words and count, in GATE's order."""
    return [(STATE_LABELS[state], counts.get(state, 0)) for state in SUBMIT_ORDER]


def unsaved_warning(exam: ExamLike) -> str:
    """Said on submit when the current question has a choice that no save recorded."""
    slot = exam.slot
    if not slot.unsaved or slot.selected is None:
        return ""
    return (f"Q{exam.current + 1}'s selection {slot.selected.text()} is not saved and will "
            "not count (Save & Next or Mark for Review & Next saves it).")


def option_labels(question: Question) -> Sequence[str]:
    return [f"({o.label}) {show(o.text, 'unicode')}" for o in question.options]
