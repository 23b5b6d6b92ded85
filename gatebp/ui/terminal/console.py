"""One way to make the Console: inside a command, honouring --plain and NO_COLOR, and safe.

This is the one plain switch. `make_console(plain)` is the only place NO_COLOR is read, and a
plain console draws with ASCII-only options: Rich swaps every box and tree guide for ASCII, and
each view's renderables (gatebp.ui.terminal.maths) print their maths and text in ASCII. No view
is told; the same renderable prints Unicode on any other console.

Everything gatebp shows passes through here, so this is where user and authored text is made
safe for a terminal: Rich's `Text` strips only BEL, BS, VT, FF and CR, so ESC and C1 sequences
in a question (clear the screen, set the title, write the clipboard), bidirectional overrides
and lone surrogates would reach the terminal raw. `SafeConsole` shows each as an escape
(`\\x1b`) instead; Rich's own control segments (cursor moves, styles) are left alone.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterable

from rich.console import Console, ConsoleOptions, RenderableType
from rich.segment import Segment
from rich.text import Text

from gatebp.core.maths import Target
from gatebp.core.text import UNSAFE, escape_unsafe


class SafeConsole(Console):
    """A Console whose rendered text never carries a control character, raw, to the terminal.

    It also holds the one plain switch: a plain console's options are ASCII-only, so every
    box, tree guide, maths span and view text (gatebp.ui.terminal.maths) it draws is ASCII."""

    def __init__(self, *args: object, plain: bool = False, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.plain = plain

    @property
    def target(self) -> Target:
        """The notation of this console's maths: "ascii" when plain, else "unicode"."""
        return "ascii" if self.plain else "unicode"

    @property
    def options(self) -> ConsoleOptions:
        """Rich's default options, ASCII-only on a plain console (what every view reads)."""
        options = super().options
        if self.plain:
            options.encoding = "ascii"
        return options

    def render(self, renderable: RenderableType,
               options: ConsoleOptions | None = None) -> Iterable[Segment]:
        """Rich's rendering with unsafe characters escaped before layout, so a Panel wraps the
        escapes like any other text; a last pass over the segments catches anything else, and
        spells out what a narrow encoding (ASCII, and any plain console) cannot show: the views
        print ASCII there themselves, so this only meets text they do not own (a line typed)."""
        renderable = _escaped(renderable, self)
        encoding = "ascii" if self.plain else self.encoding
        narrow = not encoding.startswith("utf")
        for segment in super().render(renderable, options):
            if segment.control:
                yield segment
                continue
            text = segment.text
            if UNSAFE.search(text) is not None:
                text = escape_unsafe(text)
            if narrow:
                text = text.encode(encoding, "backslashreplace").decode(encoding)
            yield segment if text is segment.text else Segment(text, segment.style)


def _escaped(renderable: RenderableType, console: Console) -> RenderableType:
    """A str or Text with its unsafe characters escaped, keeping each run's style."""
    if isinstance(renderable, str):
        return escape_unsafe(renderable)
    if not isinstance(renderable, Text) or UNSAFE.search(renderable.plain) is None:
        return renderable
    safe = Text(justify=renderable.justify, overflow=renderable.overflow,
                no_wrap=renderable.no_wrap, end=renderable.end, tab_size=renderable.tab_size)
    for segment in renderable.render(console, end=""):
        safe.append(escape_unsafe(segment.text), segment.style)
    return safe


def make_console(plain: bool = False, stderr: bool = False) -> Console:
    """A Console on the current stdout/stderr; plain (`--plain`, or NO_COLOR set to anything
    but the empty string, as no-color.org asks) means no colour and ASCII output."""
    plain = plain or bool(os.environ.get("NO_COLOR"))
    stream = sys.stderr if stderr else sys.stdout  # looked up now, so CliRunner's capture is used
    return SafeConsole(file=stream, no_color=plain, color_system=None if plain else "auto",
                       highlight=False, emoji=False, plain=plain)


def is_plain(console: Console) -> bool:
    """Whether this console prints plain (a SafeConsole made with plain=True): line mode, then."""
    return bool(getattr(console, "plain", False))
