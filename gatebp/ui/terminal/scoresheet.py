"""The result page: marks per question (negatives shown), total, time, topics, the missed working.

Drawn in the console's notation: a plain console (or `scoresheet(..., plain=True)`) gets ASCII
boxes and maths, so the pieces take no plain flag of their own."""

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
from gatebp.ui.terminal.maths import AsciiOnly, Lazy
from gatebp.ui.terminal.question import question_text

if TYPE_CHECKING:
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
    lines.append(f"\nCorrect {right} · wrong {wrong} · time {duration(_seconds(result))}")
    lines.append("\n" + " · ".join(f"{STATE_LABELS[s]} {n}" for s, n in counts.items()))
    if result.automatic:
        lines.append("\nTime ran out: the paper was submitted automatically.")
    return Panel(lines, title="Result", box=box.DOUBLE, expand=False)


def _seconds(result: ExamResult) -> float:
    return sum(r.seconds for r in result.results)


def missed_working(results: Sequence[QuestionResult]) -> list[RenderableType]:
    """The full working of every question that did not earn its marks."""
    from gatebp.ui.terminal.working import question_working

    parts: list[RenderableType] = []
    for r in results:
        if r.grade.correct:
            continue
        head = Text(f"Key: {r.question.key_text()}", style="bold")
        if r.grade.mistake:
            head.append(f"\nLikely mistake: you {r.grade.mistake}.", style="yellow")
        body = Group(Lazy(partial(question_text, r.question)), head,
                     question_working(r.question))
        parts.append(Panel(body, title=f"Question {r.number} · {r.question.id}", title_align="left",
                           box=box.ROUNDED))
    return parts


def scoresheet(result: ExamResult, plain: bool = False) -> RenderableType:
    """The whole result page, top to bottom (`plain`: ASCII on any console)."""
    parts: list[RenderableType] = [totals(result), question_table(result.results),
                                   topic_table(result.results)]
    missed = missed_working(result.results)
    if missed:
        parts.append(Text("Working for the questions you missed", style="bold underline"))
        parts += missed
    return AsciiOnly(Group(*parts)) if plain else Group(*parts)
