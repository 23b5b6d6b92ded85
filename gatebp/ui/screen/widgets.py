"""The exam screen's parts: the question pane, the keypad field, the palette and its legend.

Each part only shows what it is given and reports what the student chose; the app decides what
that choice means for the exam (a selection, never a save).
"""

from __future__ import annotations

from collections.abc import Sequence

from rich.console import RenderableType
from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Grid, Vertical, VerticalScroll
from textual.content import Content
from textual.widgets import Button, Checkbox, Input, RadioButton, RadioSet, Static

from gatebp.gate.exam import PALETTE_STATES, STATE_LABELS
from gatebp.gate.grade import Response, parse_answer
from gatebp.gate.question import Question
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


class QuestionPane(VerticalScroll):
    """Stem, figure and the answer widget of one question; `response()` reads the choice."""

    def __init__(self, id: str | None = None) -> None:
        super().__init__(id=id)
        self.question: Question | None = None

    async def show(self, question: Question, number: int, total: int,
                   saved: Response | None) -> None:
        """Replace the pane's contents with `question`, showing its saved answer."""
        self.question = question
        await self.remove_children()
        await self.mount_all(list(_question_widgets(question, number, total, saved)))
        self.scroll_home(animate=False)

    def response(self) -> Response | None:
        """The widgets' choice; None when nothing is chosen. A bad NAT raises AnswerFormatError."""
        question = self.question
        if question is None:
            return None
        if question.type == "NAT":
            typed = self.query_one(KeypadInput).value.strip()
            return parse_answer(question, typed) if typed else None
        if question.type == "MCQ":
            index = self.query_one(RadioSet).pressed_index
            return Response.pick(index) if index >= 0 else None
        chosen = [i for i, box in enumerate(self.query(Checkbox)) if box.value]
        return Response.pick(*chosen) if chosen else None

    def choose(self, index: int) -> None:
        """Option key a-d: press that radio button, or toggle that check box."""
        if self.question is None or index >= len(self.question.options):
            return
        if self.question.type == "MCQ":
            self.query(RadioButton)[index].value = True
        elif self.question.type == "MSQ":
            self.query(Checkbox)[index].toggle()

    def say(self, text: str, style: str = "") -> None:
        self.query_one("#status", Static).update(Text(text, style=style))


def _question_widgets(question: Question, number: int, total: int,
                      saved: Response | None) -> list[Static | RadioSet | Vertical | Input]:
    widgets: list[Static | RadioSet | Vertical | Input] = [
        Static(Text(question_title(question, number, total), style="bold"), classes="qtitle"),
        Static(Text(question.text), classes="stem")]
    figure = _figure(question)
    if figure is not None:
        widgets += [Static(Text("Network (given values)", style="dim")),
                    Static(figure, classes="figure")]
    widgets += [Static(Text(TYPE_HELP.get(question.type, ""), style="dim"), classes="help"),
                _answer_widget(question, saved), Static("", id="status")]
    return widgets


def _answer_widget(question: Question, saved: Response | None) -> RadioSet | Vertical | Input:
    chosen = saved.choices if saved is not None else frozenset()
    pairs = list(zip(question.options, option_labels(question), strict=True))
    if question.type == "MCQ":
        return RadioSet(*(RadioButton(Content(text), value=i in chosen, id=f"opt-{o.label}",
                                      compact=True) for i, (o, text) in enumerate(pairs)),
                        id="answer", compact=True)
    if question.type == "MSQ":
        return Vertical(*(Checkbox(Content(text), value=i in chosen, id=f"opt-{o.label}",
                                   compact=True) for i, (o, text) in enumerate(pairs)),
                        id="answer")
    return KeypadInput(saved.text() if saved is not None else "", id="answer")


def _figure(question: Question) -> RenderableType | None:
    """The network with its given values; a convenience, so a failure shows no figure."""
    from gatebp.ui.terminal.working import question_diagram

    try:
        return question_diagram(question)
    except Exception:  # noqa: BLE001 - the stem already gives every value
        return None


class PaletteButton(Button):
    """One question's button, coloured by its palette state."""

    def __init__(self, number: int) -> None:
        super().__init__(f" {number:>2} ", id=f"q{number}", compact=True, classes="pal")
        self.number = number
        self.styles.line_pad = 0  # CSS refuses `line-pad: 0`; the label fills the button

    def show_state(self, state: str, current: bool) -> None:
        pointer = ">" if current else " "
        mark = TICK if state == "answered_marked" else " "
        self.label = Content.assemble(f"{pointer}{self.number:>2}", (mark, "bold #69f0ae"))
        self.set_classes({"pal", state} | ({"current"} if current else set()))


class Palette(VerticalScroll):
    """Every question's button in a grid that scrolls when the screen is short."""

    def __init__(self, total: int, id: str | None = None) -> None:
        super().__init__(id=id)
        self.total = total

    def compose(self) -> ComposeResult:
        with Grid(id="palette-grid"):
            for number in range(1, self.total + 1):
                yield PaletteButton(number)

    def show_states(self, states: Sequence[str], current: int) -> None:
        for button in self.query(PaletteButton):
            button.show_state(states[button.number - 1], button.number - 1 == current)
        self.query_one(f"#q{current + 1}").scroll_visible(animate=False)


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
