"""The screens over the exam: the submit confirmation, "go to question", and the score sheet."""

from __future__ import annotations

from collections.abc import Mapping
from typing import ClassVar

from rich.console import Group
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen, Screen
from textual.widgets import Button, Input, Static

from gatebp.gate.exam import ExamResult
from gatebp.ui.screen.state import submit_lines


class SubmitDialog(ModalScreen[bool]):
    """GATE's last look before the end: the count in each state; y submits, n goes back."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("y", "answer(True)", "Submit"), Binding("n", "answer(False)", "Back"),
                Binding("escape", "answer(False)", "Back", show=False)]

    def __init__(self, counts: Mapping[str, int], warning: str = "") -> None:
        super().__init__()
        self.counts, self.warning = counts, warning

    def compose(self) -> ComposeResult:
        rows = "\n".join(f"  {label:<20} {count:>3}" for label, count in submit_lines(self.counts))
        with Vertical(classes="dialog"):
            yield Static(Text("Submit the paper?", style="bold"))
            yield Static(Text(rows), id="counts")
            if self.warning:
                yield Static(Text(self.warning, style="yellow"), classes="warning")
            with Horizontal(classes="dialog-buttons"):
                yield Button("Submit (y)", id="yes", variant="error", compact=True)
                yield Button("Back (n)", id="no", compact=True)

    def on_button_pressed(self, event: Button.Pressed) -> None:
        self.dismiss(event.button.id == "yes")

    def action_answer(self, submit: bool) -> None:
        self.dismiss(submit)


class GotoDialog(ModalScreen[int | None]):
    """Open a question by number from the keyboard (the palette does it by mouse)."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "cancel", "Back")]

    def __init__(self, total: int) -> None:
        super().__init__()
        self.total = total

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static(f"Go to question (1-{self.total}), Enter to open:")
            yield Input(restrict=r"[0-9]{0,4}", id="goto-number", compact=True)
            yield Static("", id="goto-error")

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        if event.value.isdigit() and 1 <= int(event.value) <= self.total:
            self.dismiss(int(event.value))
        else:
            self.query_one("#goto-error", Static).update(f"Choose 1 to {self.total}.")

    def action_cancel(self) -> None:
        self.dismiss(None)


class ScoreScreen(Screen[None]):
    """The score sheet after submission (the same page line mode prints); q leaves."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("q", "leave", "Leave"), Binding("escape", "leave", "Leave", show=False),
                Binding("enter", "leave", "Leave", show=False)]

    def __init__(self, result: ExamResult) -> None:
        super().__init__()
        self.result = result

    def compose(self) -> ComposeResult:
        from gatebp.ui.terminal.scoresheet import question_table, topic_table, totals

        yield Static(Text.assemble((" q ", "bold reverse"), " leave · arrows and PgUp/PgDn "
                                   "scroll"), id="keys")
        with VerticalScroll(id="score"):
            yield Static(Group(totals(self.result), question_table(self.result.results),
                               topic_table(self.result.results)))
            yield Static(Text("Preparing the working for the questions you missed...",
                              style="dim"), id="working")

    def on_mount(self) -> None:
        self.call_after_refresh(self.show_working)

    def show_working(self) -> None:
        """The missed questions' working (SymPy, slow for a long paper) after the marks show."""
        from gatebp.ui.terminal.scoresheet import missed_working

        missed = missed_working(self.result.results)
        title = Text("Working for the questions you missed", style="bold underline")
        self.query_one("#working", Static).update(Group(title, *missed) if missed else "")

    def action_leave(self) -> None:
        self.dismiss(None)
