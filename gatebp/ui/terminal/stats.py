"""Rich views of a stats Summary: totals, a per-topic table, a daily bar chart, exam states.

Drawn in the console's notation: a plain console (--plain, NO_COLOR) gets ASCII boxes and bars
and no colour, for logs and screen readers.
"""

from __future__ import annotations

from rich import box
from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text

from gatebp.core.maths import Target
from gatebp.gate.exam import STATE_LABELS as PALETTE_LABELS
from gatebp.gate.marking import summary_marks as marks_text
from gatebp.gate.stats import ATTEMPT_STATES, DayStats, Summary, weakest_skill
from gatebp.ui.terminal.maths import Lazy, view_text
from gatebp.ui.terminal.scoresheet import duration as duration_text

BAR_WIDTH = 24
# The exam palette's words, and the drill's skip; only the answered states count as attempts.
STATE_LABELS = {**PALETTE_LABELS, "skipped": "Skipped (drill)"}


def percent(part: float | None) -> str:
    return "-" if part is None else f"{part:.0%}"


def stats_view(summary: Summary) -> Lazy:
    """The whole `gatebp stats` screen, in the console's notation."""
    return Lazy(lambda target: _stats(summary, target))


def _stats(summary: Summary, target: Target) -> Group:
    parts: list[RenderableType] = [totals_line(summary), topics_table(summary, target)]
    if summary.weakest:
        parts.append(Text("Weakest: " + ", ".join(summary.weakest), style="bold red"))
    if summary.skills:
        parts.append(skills_table(summary, target))
    parts += [trend_chart(summary.trend, target), states_table(summary.states)]
    return Group(*parts)


def totals_line(summary: Summary) -> Text:
    return Text(
        f"{plural(summary.attempts, 'attempt')}, {summary.correct} correct "
        f"({percent(summary.accuracy)}), "
        f"marks {marks_text(summary.marks)} of {summary.max_marks}, "
        f"mean time {duration_text(summary.mean_seconds)}"
    )


def plural(count: int, noun: str) -> str:
    return f"{count} {noun}{'' if count == 1 else 's'}"


def _table(title: str) -> Table:
    """Rounded boxes: Rich draws them in ASCII on a plain console."""
    return Table(title=title, box=box.ROUNDED, header_style="bold", title_style="bold")


def topics_table(summary: Summary, target: Target = "unicode") -> Table:
    table = _table("By topic")
    table.add_column("Topic")
    for heading in ("Attempts", "Correct", "Accuracy", "Marks", "Mean time"):
        table.add_column(heading, justify="right")
    for t in summary.topics:
        table.add_row(view_text(t.topic, target), str(t.attempts), str(t.correct), percent(t.accuracy),
                      marks_text(t.marks), duration_text(t.mean_seconds))
    return table


def skills_table(summary: Summary, target: Target = "unicode") -> Table:
    """Guided steps per skill: "sigmoid local derivative | 5 of 8 right | 62%"."""
    table = _table("By skill (guided steps, right at the first try)")
    table.add_column("Skill")
    table.add_column("Right", justify="right")
    table.add_column("Accuracy", justify="right")
    weakest = weakest_skill(summary.skills)
    for s in summary.skills:
        mark = "  <- weakest" if s.skill == weakest else ""
        table.add_row(view_text(s.label, target) + mark, f"{s.right} of {s.attempts} right", percent(s.accuracy))
    return table


def trend_chart(days: tuple[DayStats, ...], target: Target = "unicode") -> Table:
    """One row per day: a bar as long as the day's attempts, coloured by its accuracy."""
    table = _table(f"Last {len(days)} days")
    table.add_column("Day")
    table.add_column("Attempts", min_width=BAR_WIDTH)
    table.add_column("Accuracy", justify="right")
    most = max((d.attempts for d in days), default=0) or 1
    for d in days:
        table.add_row(d.day.strftime("%a %d %b"), _bar(d, most, target), percent(d.accuracy))
    return table


def _bar(day: DayStats, most: int, target: Target) -> Text:
    length = max(1, round(BAR_WIDTH * day.attempts / most)) if day.attempts else 0
    bar = Text(("#" if target == "ascii" else "█") * length)
    if day.accuracy is not None:
        bar.stylize("green" if day.accuracy >= 0.7 else "yellow" if day.accuracy >= 0.4 else "red")
    return bar + Text(f" {day.attempts}" if day.attempts else "")


def states_table(states: dict[str, int]) -> Table:
    table = _table("By exam state")
    table.caption = ("Attempts: " + " and ".join(STATE_LABELS[s] for s in ATTEMPT_STATES)
                     + " only")
    table.add_column("State")
    table.add_column("Questions", justify="right")
    for state, count in states.items():
        table.add_row(STATE_LABELS.get(state, state), str(count))
    return table
