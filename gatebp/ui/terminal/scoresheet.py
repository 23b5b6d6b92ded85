"""The result page: marks per question (negatives shown), total, time, topics, the missed working.

Drawn in the console's notation: a plain console gets ASCII boxes, maths and text, so no piece
takes a flag."""

from __future__ import annotations

from collections.abc import Sequence
from fractions import Fraction
from functools import partial
from typing import TYPE_CHECKING

from rich import box
from rich.console import Group, RenderableType
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from gatebp.gate.exam import STATE_LABELS
from gatebp.gate.marking import exact_total as marks_number
from gatebp.ui.terminal.maths import SEPARATOR, Lazy, maths, maths_text, view_text
from gatebp.ui.terminal.question import question_text

if TYPE_CHECKING:
    from gatebp.core.maths import Target
    from gatebp.gate.exam import ExamResult, QuestionResult


def duration(seconds: float) -> str:
    whole = round(seconds)
    minutes, secs = divmod(whole, 60)
    return f"{minutes}m {secs:02d}s" if minutes else f"{secs}s"


def question_table(results: Sequence[QuestionResult]) -> Table:
    table = Table(title="Marks per question", box=box.SIMPLE_HEAVY, title_justify="left")
    for name, justify in (("Q", "right"), ("type", "left"), ("state", "left"),
                          ("yours", "left"), ("key", "left"), ("marks", "right"),
                          ("time", "right")):
        table.add_column(name, justify=justify, overflow="fold")  # type: ignore[arg-type]
    for r in results:
        table.add_row(str(r.number), f"{r.question.type}{r.question.marks}",
                      STATE_LABELS.get(r.state, r.state),
                      r.response.text() if r.response is not None else "-",
                      r.question.key_text(), _marks_cell(r), duration(r.seconds))
    return table


def _marks_cell(r: QuestionResult) -> Text:
    if not r.evaluated:
        return Text("0", style="dim")
    style = "green" if r.grade.correct else ("red" if r.grade.score < 0 else "yellow")
    return Text(r.grade.marks_text, style=style)


def topic_table(results: Sequence[QuestionResult]) -> Table:
    table = Table(title="Score by topic", box=box.SIMPLE_HEAVY, title_justify="left")
    for name in ("topic", "questions", "correct", "marks", "of"):
        table.add_column(name, justify="left" if name == "topic" else "right")
    for topic in sorted({r.question.topic for r in results}):
        rows = [r for r in results if r.question.topic == topic]
        score = sum((r.grade.score for r in rows), Fraction(0))
        table.add_row(topic, str(len(rows)), str(sum(r.grade.correct for r in rows)),
                      marks_number(score), str(sum(r.question.marks for r in rows)))
    return table


def totals(result: ExamResult) -> Panel:
    counts = result.counts()
    lines = Text.assemble(("Total: ", "bold"), (marks_number(result.score), "bold"),
                          f" out of {result.max_score}")
    right = sum(r.grade.correct for r in result.results)
    wrong = sum(1 for r in result.results if r.evaluated and not r.grade.correct)
    tally = [f"Correct {right}{SEPARATOR}wrong {wrong}{SEPARATOR}time {duration(_seconds(result))}",
             SEPARATOR.join(f"{STATE_LABELS[s]} {n}" for s, n in counts.items())]
    if result.automatic:
        tally.append("Time ran out: the paper was submitted automatically.")
    return Panel(Group(lines, maths("\n".join(tally))), title="Result", box=box.DOUBLE,
                 expand=False)


def _seconds(result: ExamResult) -> float:
    return sum(r.seconds for r in result.results)


def missed_working(results: Sequence[QuestionResult]) -> list[RenderableType]:
    """The full working of every question that did not earn its marks."""
    parts: list[RenderableType] = []
    for r in results:
        if r.grade.correct:
            continue
        parts.append(Lazy(partial(_missed, r)))
    return parts


def _missed(r: QuestionResult, target: Target) -> Panel:
    """One missed question: its text, the key, the likely mistake, then its working."""
    from gatebp.ui.terminal.working import question_working

    head = maths_text(f"Key: {r.question.key_text()}", target, "bold")
    if r.grade.mistake:
        head.append_text(maths_text(f"\nLikely mistake: you {r.grade.mistake}.", target, "yellow"))
    body = Group(question_text(r.question, target), head, question_working(r.question))
    title = view_text(f"Question {r.number}{SEPARATOR}{r.question.id}", target)
    return Panel(body, title=title, title_align="left", box=box.ROUNDED)


def scoresheet(result: ExamResult) -> RenderableType:
    """The whole result page, top to bottom."""
    parts: list[RenderableType] = [totals(result), question_table(result.results),
                                   topic_table(result.results)]
    missed = missed_working(result.results)
    if missed:
        parts.append(Text("Working for the questions you missed", style="bold underline"))
        parts += missed
    return Group(*parts)
