"""Rich views of a question on screen and of the exam's question palette.

The palette uses the GATE colours (Not Visited grey, Not Answered red, Answered green, Marked for
Review purple, Answered & Marked purple with a green mark). On a plain console (NO_COLOR,
--plain: gatebp.ui.terminal.console) each button is a label instead, e.g. `[ 3:A ]`, and every
box and maths span is ASCII: the views read the console's notation when drawn.
"""

from __future__ import annotations

from collections.abc import Sequence

from rich import box
from rich.console import Group, RenderableType
from rich.panel import Panel
from rich.text import Text

from gatebp.core.maths import Target
from gatebp.gate.exam import PALETTE_STATES as STATE_ORDER
from gatebp.gate.exam import STATE_LABELS as LEGEND
from gatebp.gate.marking import marks_words, penalty_text
from gatebp.gate.question import Question
from gatebp.ui.mathtext import show
from gatebp.ui.terminal.maths import Lazy

__all__ = ["button", "exam_help", "legend", "marks_line", "palette", "question_panel",
           "question_text"]

PLAIN_CODE = {"not_visited": "  ", "not_answered": "N ", "answered": "A ", "marked": "M ",
              "answered_marked": "AM"}
STYLE = {"not_visited": "black on grey70", "not_answered": "bold white on red3",
         "answered": "bold white on green4", "marked": "bold white on purple",
         "answered_marked": "bold white on purple"}
TYPE_HELP = {
    "NAT": "Type a number (keypad: digits, one '.', optional '-').",
    "MCQ": "Choose one option (e.g. B).",
    "MSQ": "Choose one or more options (e.g. AC or a c).",
}


def marks_line(question: Question) -> str:
    """"MCQ, 2 marks, wrong: -2/3" as the paper states it (ASCII: it titles plain panels too)."""
    return (f"{question.type}, {marks_words(question.marks)}, "
            f"{penalty_text(question.type, question.marks)}")


def question_panel(question: Question, number: int, total: int,
                   time_left: str | None = None, diagram: bool = True) -> Panel:
    """The question as the student reads it: text, options, the network, type and marks (in
    the console's notation)."""
    parts: list[RenderableType] = [Lazy(lambda target: question_text(question, target))]
    if diagram and question.graph is not None:
        parts.append(Lazy(lambda target: _network(question, target)))
    parts.append(Text(TYPE_HELP.get(question.type, ""), style="dim"))
    title = f"Question {number} of {total}"
    subtitle = marks_line(question) + (f", {time_left} left" if time_left else "")
    return Panel(Group(*parts), title=title, title_align="left", subtitle=subtitle,
                 subtitle_align="right", box=box.ROUNDED, border_style="cyan")


def question_text(question: Question, target: Target = "unicode") -> Text:
    """The stem, then each option under its letter, maths in `target`'s notation."""
    text = Text(show(question.text, target))
    for option in question.options:
        text.append(f"\n({option.label}) ", style="bold")
        text.append(show(option.text, target))
    return text


def _network(question: Question, target: Target) -> Group:
    """The network under its label, or nothing when it cannot be drawn."""
    tree = _diagram(question, target)
    if tree is None:
        return Group()
    return Group(Text(""), Text("Network (given values)", style="dim"), tree)


def _diagram(question: Question, target: Target) -> RenderableType | None:
    from gatebp.ui.terminal.working import question_diagram

    try:
        return question_diagram(question, target)
    except Exception:  # a diagram is a convenience; the text already gives every value
        return None


def button(number: int, state: str, target: Target, current: bool = False) -> Text:
    """One palette button: a coloured number, or `[ 3:A ]` in ASCII (`< 3:A >` if current)."""
    if target == "ascii":
        left, right = ("<", ">") if current else ("[", "]")
        return Text(f"{left}{number:>2}:{PLAIN_CODE[state]}{right}")
    pointer = ">" if current else " "
    label = Text(f"{pointer}{number:>2}", style=STYLE[state])
    mark = "✓" if state == "answered_marked" else " "
    label.append(mark, style="bold green1 on purple" if mark != " " else STYLE[state])
    label.append(" ", style=STYLE[state])
    if current:
        label.stylize("underline")
    return label


def palette(states: Sequence[str], current: int, width: int = 80) -> RenderableType:
    """Every question's button in rows, then the legend with the count in each state: labels
    such as `[ 3:A ]` on a plain console, colours otherwise."""
    return Lazy(lambda target: _palette(states, current, target, width))


def _palette(states: Sequence[str], current: int, target: Target, width: int) -> Panel:
    per_row = max(1, (width - 4) // (8 if target == "ascii" else 6))
    rows = Text()
    for i, state in enumerate(states):
        if i and i % per_row == 0:
            rows.append("\n")
        rows.append_text(button(i + 1, state, target, current=i == current))
        rows.append(" ")
    return Panel(Group(rows, legend(states, target)), title="Question palette", title_align="left",
                 box=box.ROUNDED, expand=False)


def legend(states: Sequence[str], target: Target = "unicode") -> Text:
    counts = {s: 0 for s in STATE_ORDER}
    for state in states:
        counts[state] += 1
    text = Text()
    for i, state in enumerate(STATE_ORDER):
        text.append("\n" if i in (0, 3) else "   ")
        if target == "ascii":
            text.append(f"[{PLAIN_CODE[state]}]")
        else:
            text.append(" ✓ " if state == "answered_marked" else "   ", style=STYLE[state])
        text.append(f" {LEGEND[state]} {counts[state]}")
    return text


def exam_help() -> Text:
    """The exam's keys, shown under the palette (ASCII words on every console)."""
    keys = [("n", "Save & Next"), ("m", "Mark for Review & Next"), ("c", "Clear Response"),
            ("g 7", "go to 7"), ("p", "previous"), ("submit", "end the paper")]
    text = Text("Type an answer to select it (option C as a capital C: c alone clears), then:\n", style="dim")
    for i, (key, what) in enumerate(keys):
        text.append(("\n" if i == 3 else "   " if i else "") + key, style="bold")
        text.append(f" {what}")
    return text
