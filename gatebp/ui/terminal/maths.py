"""Markup in the terminal: Rich renderables that pick their notation when they are drawn.

A view builds its renderables once, without knowing the console; the console decides the
notation. A plain console (`--plain`, NO_COLOR: gatebp.ui.terminal.console) or a terminal whose
encoding is not UTF-8 renders with ASCII-only options, and then maths and the view's own text
print as ASCII (`w11*x1`, `->`, boxes `+--+`); any other console gets Unicode (`w₁₁x₁`, `→`).
No view takes a plain flag: a renderable reads the notation from the options it is drawn with
(`Lazy`), and the few strings that are not drawn by Rich (a prompt) take `console_target`. The
text goes into `rich.text.Text`, never through Rich's markup parser, so `[b]` in a question
prints as written.
"""

from __future__ import annotations

from collections.abc import Callable

from rich.console import Console, ConsoleOptions, RenderableType, RenderResult
from rich.measure import Measurement
from rich.text import Text

from gatebp.core.maths import Target, to_ascii
from gatebp.ui.mathtext import show

SEPARATOR = " · "  # between the parts of a view's line; " - " in ASCII, where "·" would read "*"


def target_of(options: ConsoleOptions) -> Target:
    """The notation these render options ask for: ASCII when they are ASCII-only."""
    return "ascii" if options.ascii_only else "unicode"


def console_target(console: Console) -> Target:
    """The notation `console` draws in, for a string it prints as given (a prompt)."""
    return target_of(console.options)


def view_text(text: str, target: Target) -> str:
    """A line a view writes (free text, or markup with maths spans) for `target`: as written in
    Unicode; in ASCII the spans print as ASCII maths and every other character is transliterated
    (→ ->, ≈ ~=, ✓ yes), so a plain console prints only ASCII."""
    return show(text, target, _ascii_free if target == "ascii" else None)


def _ascii_free(text: str) -> str:
    return to_ascii(text.replace(SEPARATOR, " - "))


class Lazy:
    """A renderable built for the notation of the console (or wrapper) that draws it."""

    def __init__(self, build: Callable[[Target], RenderableType]) -> None:
        self.build = build

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        yield self.build(target_of(options))

    def __rich_measure__(self, console: Console, options: ConsoleOptions) -> Measurement:
        return Measurement.get(console, options, self.build(target_of(options)))


def maths_text(text: str, target: Target, style: str = "") -> Text:
    """A markup string as Rich Text for `target` (view_text)."""
    return Text(view_text(text, target), style=style)


def maths(text: str, style: str = "") -> Lazy:
    """A markup string drawn in the console's notation."""
    return Lazy(lambda target: maths_text(text, target, style))
