"""The GATE exam screen: question pane, palette, buttons, countdown and calculator, in Textual.

Every button calls the exam's own method of that name (`save_next`, `mark_next`, `clear`,
`goto`, `previous`, `submit`), so the pure state machine (or a journaled one) keeps all the
rules. Before each button the screen tells the exam what the widgets show as `select(...)`:
choosing only selects, and a jump discards an unsaved choice, as on the real paper.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import ClassVar

from rich.text import Text
from textual.app import App, ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import Button, Input, Static

from gatebp.core.calculator import Calculator
from gatebp.core.errors import AnswerFormatError
from gatebp.gate.exam import ExamResult, Slot
from gatebp.ui.screen.calculator_panel import CalculatorPanel
from gatebp.ui.screen.dialogs import GotoDialog, ScoreScreen, SubmitDialog
from gatebp.ui.screen.state import SECTION, ExamLike, ScreenRun, countdown, unsaved_warning
from gatebp.ui.screen.widgets import (
    KeypadInput,
    Palette,
    PaletteButton,
    QuestionPane,
    legend_text,
    palette_css,
)

# The shortcuts, in one line that never changes: Textual's Footer rebuilds itself on every
# focus change, which doubled the time of a button press.
KEYS_HELP = Text("  ").join(Text.assemble((key, "bold reverse"), f" {what}") for key, what in (
    ("n", "Save&Next"), ("m", "Mark&Next"), ("x", "Clear"), ("p", "Prev"), ("g", "Go to"),
    ("=", "Calc"), ("s", "Submit"), ("^q", "Quit")))
CALC_HELP = Text.assemble((" Esc ", "bold reverse"), " close the calculator · Enter or = "
                          "evaluates · ans is the last result")
BUTTONS = {"mark_next": "Mark for Review & Next", "clear": "Clear Response",
           "previous": "Previous", "save_next": "Save & Next"}
CSS = """
#header { height: 1; background: $primary-darken-2; }
#header-title { width: 1fr; padding: 0 1; }
#clock { width: auto; padding: 0 1; text-style: bold; }
#body { height: 1fr; }
QuestionPane { width: 1fr; padding: 0 1; scrollbar-size-vertical: 1; }
.qtitle { color: $accent; }
.stem, .figure, .help { margin-bottom: 1; }
#options, #answer { height: auto; margin-bottom: 1; }
KeypadInput { width: 24; }
#side { width: 32; border-left: solid $primary; padding-left: 1; }
#side.calc-open { width: 40; }
#palette-title { height: 1; text-style: bold; }
Palette { height: 1fr; scrollbar-size-vertical: 1; }
#palette-grid { grid-size: 5; grid-columns: 5; grid-rows: 1; grid-gutter: 0 1; height: auto; }
.pal { min-width: 5; width: 5; height: 1; }
.pal.current { text-style: bold underline; }
#legend { height: 5; margin-bottom: 1; }
#side-buttons, #buttons { height: 1; margin-top: 1; }
#buttons { margin-top: 0; padding-left: 1; }
#keys { height: 1; background: $panel; }
#side-buttons Button, #buttons Button { min-width: 0; margin-right: 2; }
CalculatorPanel { height: auto; border: round $accent; }
#calc-keys { grid-size: 6; grid-columns: 6; grid-rows: 1; height: auto; }
.calc-key { min-width: 6; width: 6; }
#calc-result { height: 1; }
#calc-result.error { color: $error; }
SubmitDialog, GotoDialog { align: center middle; }
.dialog { width: 64; max-width: 100%; height: auto; border: thick $error; padding: 0 1;
          background: $surface; }
.dialog-buttons { height: 1; margin-top: 1; }
.dialog-buttons Button { min-width: 0; margin-right: 2; }
""" + palette_css()


class ExamScreen(Screen[None]):
    """The paper on screen; the app around it only starts it and collects the outcome."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("n", "press('save_next')", "Save&Next", priority=True),
        Binding("m", "press('mark_next')", "Mark&Next", priority=True),
        Binding("x", "press('clear')", "Clear", priority=True),
        Binding("p", "press('previous')", "Prev", priority=True),
        Binding("g", "goto_prompt", "Go to", priority=True),
        Binding("equals_sign", "calculator", "Calc", key_display="=", priority=True),
        Binding("s", "submit", "Submit", priority=True),
        *(Binding(k, f"option({i})", show=False, priority=True) for i, k in enumerate("abcd")),
    ]

    def __init__(self, exam: ExamLike, clock: Callable[[], float], title: str,
                 tick: float) -> None:
        super().__init__()
        self.exam, self.clock, self.title_text, self.tick = exam, clock, title, tick
        self.calc = Calculator()
        self.calc_open = False
        self.timer: Timer | None = None

    def compose(self) -> ComposeResult:
        with Horizontal(id="header"):
            yield Static(f"{self.title_text} · {SECTION}", id="header-title")
            yield Static("", id="clock")
        with Horizontal(id="body"):
            yield QuestionPane(id="question")
            with Vertical(id="side"):
                yield Static("", id="legend")
                yield Static("Question palette", id="palette-title")
                yield Palette(self.exam.total, id="palette")
                with Horizontal(id="side-buttons"):
                    yield Button("Calculator", id="calculator", compact=True)
                    yield Button("Submit", id="submit", variant="error", compact=True)
        with Horizontal(id="buttons"):
            for name, label in BUTTONS.items():
                yield Button(label, id=name, compact=True,
                             variant="success" if name == "save_next" else "default")
        yield Static(KEYS_HELP, id="keys")

    def on_mount(self) -> None:
        self.refresh_exam()
        self.timer = self.set_interval(self.tick, self.on_tick)
        self.call_after_refresh(self.fill_palette)

    async def fill_palette(self) -> None:
        await self.query_one(Palette).fill(self.exam.states(), self.exam.current)

    # -- what the student sees ---------------------------------------------------------------
    def refresh_exam(self, note: str = "", style: str = "") -> None:
        """Show the exam's state: header clock, palette, legend, and the current question."""
        exam = self.exam
        self.show_clock()
        self.query_one(Palette).show_states(exam.states(), exam.current)
        self.query_one("#legend", Static).update(legend_text(exam.counts()))
        pane = self.query_one(QuestionPane)
        saved = exam.slot.saved
        pane.show(exam.question, exam.current + 1, exam.total, saved)
        if not note and saved is not None:
            note, style = f"Saved answer: {saved.text()}", "green"
        pane.say(note, style)
        self.focus_answer()

    def show_clock(self) -> None:
        """The countdown, redrawn only when its text changes (the timer ticks four times a second)
        and laid out again only when its width does: a layout pass redoes the whole screen."""
        text = f"Time Left: {countdown(self.exam.time_left(self.clock()))}"
        clock = self.query_one("#clock", Static)
        shown = str(clock.content)
        if text != shown:
            clock.update(text, layout=len(text) != len(shown))

    def focus_answer(self) -> None:
        if not self.calc_open:
            self.query_one(QuestionPane).answer_widget().focus(scroll_visible=False)

    # -- the buttons -------------------------------------------------------------------------
    async def on_button_pressed(self, event: Button.Pressed) -> None:
        button = event.button
        if isinstance(button, PaletteButton):
            self.action_goto(button.number)
        elif button.id in BUTTONS:
            self.action_press(button.id)
        elif button.id == "calculator":
            await self.action_calculator()
        elif button.id == "submit":
            self.action_submit()

    def action_press(self, name: str) -> None:
        """Save & Next, Mark for Review & Next, Clear Response or Previous, by the exam's rules."""
        if not self.still_open() or not self.sync(strict=name in ("save_next", "mark_next")):
            return
        before = self.exam.current
        if name == "clear":
            self.exam.clear()
            self.changed()
            self.refresh_exam(f"Response cleared for Q{before + 1}.", "yellow")
            return
        discarded = getattr(self.exam, name)(self.clock())
        self.changed()
        self.refresh_exam(*discard_note(before, bool(discarded)))

    def action_goto(self, number: int) -> None:
        """Open a question from the palette: an unsaved choice on this one is discarded."""
        if not self.still_open():
            return
        self.sync(strict=False)
        before = self.exam.current
        discarded = self.exam.goto(number, self.clock())
        self.changed()
        self.refresh_exam(*discard_note(before, discarded))

    def action_goto_prompt(self) -> None:
        def opened(number: int | None) -> None:
            if number is not None:
                self.action_goto(number)

        self.app.push_screen(GotoDialog(self.exam.total), opened)

    def action_option(self, index: int) -> None:
        self.query_one(QuestionPane).choose(index)

    async def action_calculator(self) -> None:
        """Open the calculator in place of the palette, or close it. It is made on first use:
        its 42 keys would add a third to the time before the first question shows."""
        self.calc_open = opening = not self.calc_open
        side = self.query_one("#side")
        for part in (Palette, "#legend", "#side-buttons", "#palette-title"):
            self.query_one(part).display = not opening
        side.set_class(opening, "calc-open")
        self.query_one("#keys", Static).update(CALC_HELP if opening else KEYS_HELP)
        if opening and not self.query(CalculatorPanel):
            await side.mount(CalculatorPanel(self.calc, id="calc"))
        panel = self.query_one(CalculatorPanel)
        panel.display = opening
        if opening:
            panel.open()
        else:
            self.focus_answer()

    async def on_calculator_panel_closed(self, event: CalculatorPanel.Closed) -> None:
        if self.calc_open:
            await self.action_calculator()

    def action_submit(self) -> None:
        if not self.still_open():
            return
        self.sync(strict=False)

        def answered(submit: bool | None) -> None:
            if submit and self.exam.result is None:
                self.finish()

        self.app.push_screen(SubmitDialog(self.exam.counts(), unsaved_warning(self.exam)),
                             answered)

    # -- choices become selections -----------------------------------------------------------
    def on_question_pane_chosen(self, event: QuestionPane.Chosen) -> None:
        self.sync(strict=False)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        if isinstance(event.input, KeypadInput):
            self.sync(strict=False)

    def sync(self, strict: bool) -> bool:
        """Tell the exam what the widgets choose. A NAT that is not keypad text is refused;
        `strict` (a save) then returns False so nothing moves."""
        pane = self.query_one(QuestionPane)
        try:
            response = pane.response()
        except AnswerFormatError as error:
            pane.say(f"Not accepted: {error}.", "yellow")
            return not strict
        slot = self.exam.slot
        if response == (slot.selected if slot.selected is not None else slot.saved):
            return True
        if response is None:
            self.unselect(slot)
        else:
            self.exam.select(response)
            pane.say(f"Selected {response.text()}: not saved yet (Save & Next or Mark for "
                     "Review & Next records it).", "cyan")
        self.changed()
        return True

    def unselect(self, slot: Slot) -> None:
        """Nothing chosen on screen: the selection goes; a saved answer stays until Clear."""
        if slot.selected is not None:
            if slot.saved is None:
                self.exam.clear()
            else:
                self.exam.select(slot.saved)
        note = "Nothing selected." + (" Clear Response removes the saved answer."
                                      if slot.saved is not None else "")
        self.query_one(QuestionPane).say(note, "yellow")

    # -- the end -----------------------------------------------------------------------------
    def on_tick(self) -> None:
        if self.exam.result is not None:
            return
        if self.exam.expired(self.clock()):
            self.finish(automatic=True)
        else:
            self.show_clock()

    def still_open(self) -> bool:
        """False once the paper is submitted; at zero this submits it (GATE's auto-submit)."""
        if self.exam.result is not None:
            return False
        if self.exam.expired(self.clock()):
            self.finish(automatic=True)
            return False
        return True

    def changed(self) -> None:
        self.app_.notify_change()

    def finish(self, automatic: bool = False, interrupted: bool = False) -> None:
        """Submit through the exam, hand the result on at once, then show the score sheet."""
        if self.timer is not None:
            self.timer.stop()
        result = self.exam.submit(self.clock(), automatic=automatic)
        outcome = self.app_.submitted(result, interrupted)
        if interrupted:
            self.app.exit(outcome)
            return
        while len(self.app.screen_stack) > 1:
            self.app.pop_screen()
        self.app.push_screen(ScoreScreen(result), lambda _: self.app.exit(outcome))

    @property
    def app_(self) -> ExamApp:
        assert isinstance(self.app, ExamApp)
        return self.app


def discard_note(before: int, discarded: bool) -> tuple[str, str]:
    if not discarded:
        return "", ""
    note = (f"Your new choice on Q{before + 1} was not saved (Save & Next or Mark for Review "
            "& Next saves it).")
    return note, "yellow"


class ExamApp(App[ScreenRun], inherit_bindings=False):
    """Runs one `ExamScreen`; `outcome` is set the moment the paper is submitted."""

    CSS = CSS
    ENABLE_COMMAND_PALETTE = False
    BINDINGS: ClassVar[list[BindingType]] = [Binding("ctrl+q", "interrupt", "Quit", priority=True),
                Binding("ctrl+c", "interrupt", show=False, priority=True)]

    def __init__(self, exam: ExamLike, *, clock: Callable[[], float], title: str = "GATE mock",
                 on_change: Callable[[ExamLike], None] | None = None,
                 on_submit: Callable[[ExamResult], None] | None = None,
                 tick: float = 0.25) -> None:
        super().__init__()
        self.title = title
        self.exam, self.clock = exam, clock
        self.on_change, self.on_submit = on_change, on_submit
        self.exam_screen = ExamScreen(exam, clock, title, tick)
        self.outcome: ScreenRun | None = None
        self.loop: asyncio.AbstractEventLoop | None = None

    class Interrupted(Message):
        """A signal (SIGINT, SIGTERM, SIGHUP) asked the paper to end, as Ctrl-Q does."""

    def get_default_screen(self) -> Screen[None]:
        return self.exam_screen

    def on_mount(self) -> None:
        self.loop = asyncio.get_running_loop()

    def on_exam_app_interrupted(self, message: Interrupted) -> None:
        self.action_interrupt()

    def notify_change(self) -> None:
        if self.on_change is not None:
            self.on_change(self.exam)

    def submitted(self, result: ExamResult, interrupted: bool) -> ScreenRun:
        self.outcome = ScreenRun(result, interrupted)
        if self.on_submit is not None:
            self.on_submit(result)
        return self.outcome

    def action_interrupt(self) -> None:
        """Ctrl-C or Ctrl-Q: like line mode, submit what was saved and leave."""
        if self.exam.result is None:
            self.exam_screen.finish(interrupted=True)
        else:
            self.exit(self.outcome)
