"""One way to make the Console: inside a command, honouring --plain and NO_COLOR."""

from __future__ import annotations

import os

import click
from rich.console import Console


def make_console(plain: bool = False, stderr: bool = False) -> Console:
    """A Console on click's current stream (so CliRunner captures it); plain means no colour."""
    plain = plain or "NO_COLOR" in os.environ
    stream = click.get_text_stream("stderr" if stderr else "stdout")
    return Console(file=stream, no_color=plain, color_system=None if plain else "auto",
                   highlight=not plain, emoji=False)
