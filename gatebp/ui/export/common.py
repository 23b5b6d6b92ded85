"""What every export format shares: input checks, headings and key rows.

The checks run once, before any format renders, so a malformed question becomes one
`ExportError` line naming the question instead of a KeyError deep inside a template. Text that
no format can carry raw (control characters, which XML 1.0 forbids even in CDATA and pdflatex
cannot set; bidirectional overrides; lone surrogates, which UTF-8 cannot encode) is shown as
visible escapes (`\x1b`) by `safe_questions`, so every format then escapes only its own syntax.
Maths is printed by gatebp.core.maths (one printer for every target), not here.
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Sequence
from dataclasses import fields, is_dataclass, replace
from decimal import Decimal
from typing import Any, TypeVar

from gatebp.core.errors import GatebpError
from gatebp.core.step import Step
from gatebp.core.text import UNSAFE, escape_unsafe
from gatebp.gate.question import Option, Question


def check_questions(questions: Sequence[Question]) -> None:
    """Refuse a set any exporter would trip on, naming the first bad question."""
    from gatebp.ui.export import ExportError

    if isinstance(questions, (str, bytes)) or not isinstance(questions, Sequence):
        raise ExportError("expected a sequence of questions")
    if not questions:
        raise ExportError("there are no questions to export")
    for number, question in enumerate(questions, 1):
        if not isinstance(question, Question):
            raise ExportError(f"item {number} is not a Question ({type(question).__name__})")
        try:
            _check_question(question)
        except GatebpError as error:
            raise ExportError(f"question {number} ({question.id!r}): {error}") from None


T = TypeVar("T")


def safe_questions(questions: Sequence[Question]) -> list[Question]:
    """The set with unsafe characters escaped; a question without any is kept as it is (so
    ordinary exports are byte-for-byte unchanged)."""
    return [safe_value(q) if any(map(UNSAFE.search, _strings(q))) else q for q in questions]


def safe_value(value: T) -> T:
    """`value` (text, a list, a mapping, a Question, an Option) with every string escaped."""
    if isinstance(value, str):
        return escape_unsafe(value)  # type: ignore[return-value]
    if isinstance(value, (list, tuple)):
        return type(value)(safe_value(item) for item in value)
    if isinstance(value, dict):
        return {safe_value(k): safe_value(v) for k, v in value.items()}  # type: ignore[return-value]
    if is_dataclass(value) and not isinstance(value, type):
        changes = {f.name: safe_value(getattr(value, f.name)) for f in fields(value)}
        return replace(value, **changes)
    return value


def _strings(value: Any) -> Iterator[str]:
    """Every string inside `value`, keys included."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, (list, tuple)):
        for item in value:
            yield from _strings(item)
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _strings(key)
            yield from _strings(item)
    elif is_dataclass(value) and not isinstance(value, type):
        for f in fields(value):
            yield from _strings(getattr(value, f.name))


def _check_question(q: Question) -> None:
    for field in ("id", "topic", "text"):
        if not isinstance(getattr(q, field), str):
            raise GatebpError(f"{field} must be text")
    if isinstance(q.marks, bool) or not isinstance(q.marks, int) or q.marks < 1:
        raise GatebpError(f"marks must be a positive integer, not {q.marks!r}")
    if not isinstance(q.solution, (tuple, list)) or not all(isinstance(s.text, str) for s in q.solution):
        raise GatebpError("solution must be a list of step texts")
    if not isinstance(q.answer, dict):
        raise GatebpError("answer must be a mapping")
    if q.type == "NAT":
        _check_nat(q)
    elif q.type in ("MCQ", "MSQ"):
        _check_choice(q)
    else:
        raise GatebpError(f"type must be NAT, MCQ or MSQ, not {q.type!r}")
    if q.graph is not None:
        from gatebp.ui.export.diagram import layout

        layout(q.graph)


def _check_nat(q: Question) -> None:
    bounds = q.answer.get("range")
    if not isinstance(bounds, (list, tuple)) or len(bounds) != 2 or not all(map(_finite, bounds)):
        raise GatebpError("a NAT answer needs a range [lo, hi] of two numbers")
    if bounds[0] > bounds[1]:
        raise GatebpError(f"the key range {bounds[0]} to {bounds[1]} is upside down")
    if q.rounding is not None and (not isinstance(q.rounding, int) or not 0 <= q.rounding <= 12):
        raise GatebpError(f"rounding must be 0 to 12 decimal places, not {q.rounding!r}")


def _check_choice(q: Question) -> None:
    if not q.options or not all(isinstance(o, Option) and isinstance(o.label, str)
                                and isinstance(o.text, str) for o in q.options):
        raise GatebpError(f"an {q.type} needs options, each with a label and text")
    correct = q.answer.get("correct")
    if not isinstance(correct, (list, tuple)) or not correct:
        raise GatebpError(f"an {q.type} answer needs a non-empty 'correct' list")
    for index in correct:
        if isinstance(index, bool) or not isinstance(index, int) or not 0 <= index < len(q.options):
            raise GatebpError(f"correct option {index!r} is not one of the "
                              f"{len(q.options)} options")
    if q.type == "MCQ" and len(set(correct)) != 1:
        raise GatebpError("an MCQ has exactly one correct option")


def _finite(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)


def worked_steps(q: Question) -> list[Step]:
    """The working to print: every step but the key line (the key is printed beside it already),
    then why each option is right or wrong, in option order with its letter."""
    verdicts = [Step("verdict", o.verdict_text()) for o in q.options if o.true is not None]
    steps = [s for s in q.solution if s.kind != "key" and not (verdicts and s.kind == "verdict")]
    return steps + verdicts


def marks_text(marks: int) -> str:
    return f"{marks} mark" if marks == 1 else f"{marks} marks"


def tag_text(q: Question) -> str:
    """The short line under a question number: "NAT, 2 marks" (and the MCQ penalty)."""
    penalty = f", wrong: -{marks_fraction(q.marks)}" if q.type == "MCQ" else ""
    return f"{q.type}, {marks_text(q.marks)}{penalty}"


def marks_fraction(marks: int) -> str:
    return "1/3" if marks == 1 else ("2/3" if marks == 2 else f"{marks}/3")


def type_hint(q: Question) -> str:
    """The instruction GATE gives with each type."""
    if q.type == "MCQ":
        return "Choose the one correct option."
    if q.type == "MSQ":
        return "Choose all the correct options (one or more)."
    return "Type the numerical answer."


def total_marks(questions: Sequence[Question]) -> int:
    return sum(q.marks for q in questions)


def header_line(questions: Sequence[Question], version: str) -> str:
    count = "1 question" if len(questions) == 1 else f"{len(questions)} questions"
    line = f"{count}, {marks_text(total_marks(questions))}"
    return f"Version {version} \u00b7 {line}" if version else line


def key_rows(numbered: Sequence[tuple[int, Question]]) -> list[tuple[str, str, str, str]]:
    """(number, type, marks, key) for each numbered question, as the published keys list them."""
    return [(str(n), q.type, str(q.marks), q.key_text()) for n, q in numbered]


def graph_parts(q: Question) -> tuple[dict[str, str], dict[str, str]]:
    """The question's given values and computed nodes as text (empty when it has no graph)."""
    if not q.graph:
        return {}, {}
    values = {k: str(v) for k, v in (q.graph.get("values") or {}).items()}
    nodes = {k: str(v) for k, v in (q.graph.get("nodes") or {}).items()}
    return values, nodes


def plain_decimal(value: float | Decimal) -> str:
    """A number as a plain decimal (never 1e-07), with the digits the float really has."""
    number = value if isinstance(value, Decimal) else Decimal(repr(value))
    text = format(number.normalize(), "f")
    return "0" if text in ("-0", "") else text
