"""Markup in the terminal: Rich renderables that pick their notation when they are drawn.

A view builds its renderables once, without knowing the console; the console decides the
notation. A plain console (`--plain`, NO_COLOR: gatebp.ui.terminal.console), an `AsciiOnly`
wrapper or a terminal whose encoding is not UTF-8 renders with ASCII-only options, and then
maths prints as ASCII (`w11*x1`, boxes `+--+`); any other console gets Unicode (`w₁₁x₁`). The
text goes into `rich.text.Text`, never through Rich's markup parser, so `[b]` in a question
prints as written.
"""

from __future__ import annotations

from collections.abc import Callable

from rich.console import Console, ConsoleOptions, RenderableType, RenderResult
from rich.measure import Measurement
from rich.text import Text

from gatebp.core.maths import Target
from gatebp.ui.mathtext import show


def target_of(options: ConsoleOptions) -> Target:
    """The notation these render options ask for: ASCII when they are ASCII-only."""
    return "ascii" if options.ascii_only else "unicode"


class Lazy:
    """A renderable built for the notation of the console (or wrapper) that draws it."""

    def __init__(self, build: Callable[[Target], RenderableType]) -> None:
        self.build = build

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        yield self.build(target_of(options))

    def __rich_measure__(self, console: Console, options: ConsoleOptions) -> Measurement:
        return Measurement.get(console, options, self.build(target_of(options)))


def maths_text(text: str, target: Target, style: str = "") -> Text:
    """A markup string as Rich Text for `target` (free text unchanged)."""
    return Text(show(text, target), style=style)


def maths(text: str, style: str = "") -> Lazy:
    """A markup string drawn in the console's notation."""
    return Lazy(lambda target: maths_text(text, target, style))


class AsciiOnly:
    """Render a renderable as if the terminal had no Unicode: ASCII boxes, tree guides and
    maths (the plain form on any console)."""

    def __init__(self, renderable: RenderableType) -> None:
        self.renderable = renderable

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        yield from console.render(self.renderable, _ascii(options))

    def __rich_measure__(self, console: Console, options: ConsoleOptions) -> Measurement:
        return Measurement.get(console, _ascii(options), self.renderable)


def _ascii(options: ConsoleOptions) -> ConsoleOptions:
    ascii_options = options.copy()
    ascii_options.encoding = "ascii"
    return ascii_options
