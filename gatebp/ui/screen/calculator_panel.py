"""The on-screen scientific calculator: GATE's only calculator, operated by mouse or keyboard.

Keys insert text into one expression line; `=` (or Enter) evaluates it with
`gatebp.core.calculator`, whose whitelisting parser never evals. The result replaces the line,
so the next key continues from it, and `ans` keeps it too.
"""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Grid, Vertical
from textual.content import Content
from textual.message import Message
from textual.widgets import Button, Input, Static

from gatebp.core.calculator import Calculator
from gatebp.core.errors import GatebpError

KEYS = (
    ("MC", "MR", "M+", "M−", "Deg", "C"),
    ("sin", "cos", "tan", "ln", "log10", "⌫"),
    ("sinh", "cosh", "tanh", "exp", "√", "xʸ"),
    ("7", "8", "9", "÷", "(", ")"),
    ("4", "5", "6", "×", "π", "e"),
    ("1", "2", "3", "−", "x²", "ans"),
    ("0", ".", "±", "+", "1/x", "="),
)
FUNCTION_KEYS = ("sin", "cos", "tan", "ln", "log10", "sinh", "cosh", "tanh", "exp")
INSERTS = {"√": "sqrt(", "xʸ": "^", "x²": "^2", **{f: f + "(" for f in FUNCTION_KEYS}}


class Key(Button, can_focus=False):
    """A calculator key: clicking it leaves the focus in the expression line."""

    def on_mount(self) -> None:
        self.styles.line_pad = 0


class CalculatorPanel(Vertical):
    """The calculator window: a title with Deg/Rad and memory, the expression line, the result
    line and the keys. Hidden until opened; Esc closes it."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "close", "Close calculator")]

    class Closed(Message):
        """The student closed the calculator (the exam screen puts the focus back)."""

    def __init__(self, calc: Calculator | None = None, id: str | None = None) -> None:
        super().__init__(id=id)
        self.calc = calc or Calculator()

    def compose(self) -> ComposeResult:
        yield Static(self._title(), id="calc-title")
        yield Input(placeholder="e.g. 1/(1+exp(-0.585))", id="calc-input", compact=True)
        yield Static("", id="calc-result")
        with Grid(id="calc-keys"):
            for row in KEYS:
                for key in row:
                    yield Key(key, name=key, compact=True, classes="calc-key")

    @property
    def line(self) -> Input:
        return self.query_one("#calc-input", Input)

    def open(self) -> None:
        self.display = True
        self.line.focus()

    def action_close(self) -> None:
        self.post_message(self.Closed())

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        if event.button.name is not None:
            self.press(event.button.name)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.press("=")

    def press(self, key: str) -> None:
        """What one key does to the expression line, the memory or the angle unit."""
        line, text = self.line, self.line.value
        if key == "=":
            self._evaluate(text)
        elif key == "C":
            line.value = ""
        elif key == "⌫":
            line.value = text[:-1]
        elif key in ("MC", "MR", "M+", "M−"):
            self._memory(key, text)
        elif key == "Deg":
            self.calc.degrees = not self.calc.degrees
        elif key in ("±", "1/x"):
            line.value = ("-" if key == "±" else "1/") + (f"({text})" if text else "")
        else:
            line.insert_text_at_cursor(INSERTS.get(key, key))
        self.query_one("#calc-title", Static).update(self._title())

    def _evaluate(self, text: str) -> None:
        expression = text.strip().rstrip("=")
        try:
            result = self.calc.evaluate(expression)
        except GatebpError as error:
            self._result(f"{error}", "error")
            return
        self._result(f"{expression} = {result}", "ok")
        self.line.value = result
        self.line.cursor_position = len(result)

    def _memory(self, key: str, text: str) -> None:
        if key == "MC":
            self.calc.memory_clear()
        elif key == "MR":
            self.line.insert_text_at_cursor(self.calc.memory_recall())
        else:
            try:
                self.calc.memory_add(text, sign=1 if key == "M+" else -1)
            except GatebpError as error:
                self._result(f"{error}", "error")

    def _result(self, text: str, kind: str) -> None:
        result = self.query_one("#calc-result", Static)
        result.update(Content(text))
        result.set_classes({kind})

    def _title(self) -> str:
        unit = "Deg" if self.calc.degrees else "Rad"
        memory = f" · M {self.calc.memory_recall()}" if self.calc.memory else ""
        return f"Calculator · {unit}{memory} · Esc closes"
