"""The exam screen's parts: the question pane, the keypad field, the palette and its legend.

Each part only shows what it is given and reports what the student chose; the app decides what
that choice means for the exam (a selection, never a save).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Self

from rich.console import RenderableType
from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Grid, Vertical, VerticalScroll
from textual.content import Content
from textual.message import Message
from textual.widget import Widget
from textual.widgets import Button, Checkbox, Input, Static

from gatebp.gate.exam import PALETTE_STATES, STATE_LABELS
from gatebp.gate.grade import Response, parse_answer
from gatebp.gate.question import LABELS, Question
from gatebp.ui.mathtext import show
from gatebp.ui.screen.state import TYPE_HELP, option_labels, question_title

# GATE's palette colours: grey, red, green, purple, purple with a green mark.
COLOURS = {"not_visited": ("#b0b0b0", "black"), "not_answered": ("#c62828", "white"),
           "answered": ("#2e7d32", "white"), "marked": ("#6a1b9a", "white"),
           "answered_marked": ("#6a1b9a", "white")}
TICK = "✓"
KEYPAD_KEYS = frozenset("0123456789.-")


class KeypadInput(Input):
    """The NAT field: takes only what the GATE keypad types (digits, one '.', a leading '-')."""

    def __init__(self, value: str = "", id: str | None = None) -> None:
        super().__init__(value, placeholder="your answer", restrict=r"-?[0-9]*\.?[0-9]*",
                         max_length=20, compact=True, id=id)

    def check_consume_key(self, key: str, character: str | None) -> bool:
        """Only keypad characters are typed here, so n, m, x, ... stay the exam's shortcuts."""
        return character is not None and character in KEYPAD_KEYS


class OptionToggle(Checkbox):
    """One option: a radio button for MCQ (pressing another releases it; it cannot be
    released by itself, only by Clear Response), a check box for MSQ."""

    def __init__(self, label: str) -> None:
        super().__init__(label, id=f"opt-{label}", compact=True)
        self.single = True

    def set_kind(self, single: bool) -> None:
        self.single = single
        self.BUTTON_INNER = "●" if single else "X"
        self.refresh()

    def toggle(self) -> Self:
        if not (self.single and self.value):
            self.value = not self.value
        return self


class QuestionPane(VerticalScroll):
    """Stem, figure and the answer widgets of one question; `response()` reads the choice.

    The widgets are made once and refilled for each question: remounting them on every
    button press tripled its time."""

    class Chosen(Message):
        """The student changed the choice on screen (not yet a selection in the exam)."""

    def __init__(self, id: str | None = None) -> None:
        super().__init__(id=id)
        self.question: Question | None = None
        self.figures: dict[str, RenderableType | None] = {}

    def compose(self) -> ComposeResult:
        yield Static(classes="qtitle", id="qtitle")
        yield Static(classes="stem", id="stem")
        yield Static(Text("Network (given values)", style="dim"), id="figure-label")
        yield Static(classes="figure", id="figure")
        yield Static(classes="help", id="help")
        with Vertical(id="options"):
            for label in LABELS:
                yield OptionToggle(label)
        yield KeypadInput(id="answer")
        yield Static("", id="status")

    def show(self, question: Question, number: int, total: int, saved: Response | None) -> None:
        """Refill the pane with `question`, showing its saved answer and nothing else."""
        self.question = question
        width = pane_width(self.app.size.width)
        key = f"{question.id}@{width}"
        if key not in self.figures:
            self.figures[key] = _figure(question, width)
        figure = self.figures[key]
        self._set("#qtitle", Text(question_title(question, number, total), style="bold"))
        self._set("#stem", Text(show(question.text, "unicode")))
        self._set("#figure", figure if figure is not None else "")
        self.query_one("#figure-label").display = figure is not None
        self.query_one("#figure").display = figure is not None
        self._set("#help", Text(TYPE_HELP.get(question.type, ""), style="dim"))
        with self.prevent(Checkbox.Changed, Input.Changed):
            self._fill_options(question, saved)
            nat = self.query_one(KeypadInput)
            nat.display = question.type == "NAT"
            nat.value = saved.text() if saved is not None and question.type == "NAT" else ""
        self.query_one("#options").display = question.type != "NAT"
        self.scroll_home(animate=False)

    def _fill_options(self, question: Question, saved: Response | None) -> None:
        chosen = saved.choices if saved is not None else frozenset()
        texts = option_labels(question)
        for i, toggle in enumerate(self.query(OptionToggle)):
            toggle.display = i < len(texts)
            toggle.set_kind(question.type == "MCQ")
            toggle.label = Content(texts[i] if i < len(texts) else "")
            toggle.value = i in chosen

    def _set(self, selector: str, content: RenderableType) -> None:
        self.query_one(selector, Static).update(content)

    def on_checkbox_changed(self, event: Checkbox.Changed) -> None:
        """MCQ options release each other; either way the screen hears of the new choice."""
        event.stop()
        toggle = event.control
        if isinstance(toggle, OptionToggle) and toggle.single and toggle.value:
            with self.prevent(Checkbox.Changed):
                for other in self.query(OptionToggle):
                    if other is not toggle:
                        other.value = False
        self.post_message(self.Chosen())

    def answer_widget(self) -> Widget:
        """Where the focus goes when a question opens: the field, or the first chosen option."""
        if self.question is not None and self.question.type == "NAT":
            return self.query_one(KeypadInput)
        toggles = list(self.query(OptionToggle))
        return next((t for t in toggles if t.value), toggles[0])

    def response(self) -> Response | None:
        """The widgets' choice; None when nothing is chosen. A bad NAT raises AnswerFormatError."""
        question = self.question
        if question is None:
            return None
        if question.type == "NAT":
            typed = self.query_one(KeypadInput).value.strip()
            return parse_answer(question, typed) if typed else None
        count = len(question.options)
        chosen = [i for i, box in enumerate(self.query(OptionToggle)) if i < count and box.value]
        return Response.pick(*chosen) if chosen else None

    def choose(self, index: int) -> None:
        """Option key a-d: press that option (MCQ) or toggle it (MSQ)."""
        if self.question is not None and index < len(self.question.options):
            toggle = self.query(OptionToggle)[index]
            toggle.toggle()
            toggle.focus(scroll_visible=False)

    def say(self, text: str, style: str = "") -> None:
        self.query_one("#status", Static).update(Text(text, style=style))


SIDE_COLUMNS = 36  # the palette column and the pane's padding and scroll bar


def pane_width(screen_columns: int) -> int:
    """Columns the question pane can give a figure: a narrow screen (80x24) gets the figure
    with its weight matrices set out below instead of on the edges, never cut."""
    return max(30, screen_columns - SIDE_COLUMNS)


def _figure(question: Question, width: int) -> RenderableType | None:
    """The network with its given values; a convenience, so a failure shows no figure."""
    from gatebp.ui.terminal.working import question_diagram

    try:
        return question_diagram(question, width=width)
    except Exception:
        return None


class PaletteButton(Button):
    """One question's button, coloured by its palette state."""

    def __init__(self, number: int) -> None:
        super().__init__(f" {number:>2} ", id=f"q{number}", compact=True, classes="pal")
        self.number = number
        self.shown: tuple[str, bool] | None = None
        self.styles.line_pad = 0  # CSS refuses `line-pad: 0`; the label fills the button

    def show_state(self, state: str, current: bool) -> None:
        if self.shown == (state, current):
            return  # restyling all 65 buttons on every press is what makes a press slow
        self.shown = (state, current)
        pointer = ">" if current else " "
        mark = TICK if state == "answered_marked" else " "
        self.label = Content.assemble(f"{pointer}{self.number:>2}", (mark, "bold #69f0ae"))
        self.set_classes({"pal", state} | ({"current"} if current else set()))


class Palette(VerticalScroll):
    """Every question's button in a grid that scrolls when the screen is short. The buttons
    are mounted after the first question is on screen (`fill`), so they do not delay it."""

    def __init__(self, total: int, id: str | None = None) -> None:
        super().__init__(id=id)
        self.total = total

    def compose(self) -> ComposeResult:
        yield Grid(id="palette-grid")

    async def fill(self, states: Sequence[str], current: int) -> None:
        buttons = [PaletteButton(number) for number in range(1, self.total + 1)]
        await self.query_one("#palette-grid").mount_all(buttons)
        self.show_states(states, current)

    def show_states(self, states: Sequence[str], current: int) -> None:
        buttons = list(self.query(PaletteButton))
        for button in buttons:
            button.show_state(states[button.number - 1], button.number - 1 == current)
        if buttons:
            buttons[current].scroll_visible(animate=False)


def legend_text(counts: dict[str, int]) -> Text:
    """One line per state: its colour, its name and how many questions are in it."""
    text = Text()
    for i, state in enumerate(PALETTE_STATES):
        background, colour = COLOURS[state]
        swatch = f" {TICK} " if state == "answered_marked" else "   "
        text.append("\n" if i else "")
        text.append(swatch, style=f"bold {'#69f0ae' if state == 'answered_marked' else colour}"
                                  f" on {background}")
        text.append(f" {counts.get(state, 0):>2} {STATE_LABELS[state]}")
    return text


def palette_css() -> str:
    """The state colours as CSS classes, from the one table the legend also uses."""
    return "\n".join(f".pal.{state} {{ background: {bg}; color: {fg}; }}"
                     for state, (bg, fg) in COLOURS.items())
