"""One way to make the Console: inside a command, honouring --plain and NO_COLOR."""

from __future__ import annotations

import os
import sys

from rich.console import Console


def make_console(plain: bool = False, stderr: bool = False) -> Console:
    """A Console on the current stdout/stderr; plain means no colour and ASCII boxes."""
    plain = plain or "NO_COLOR" in os.environ
    stream = sys.stderr if stderr else sys.stdout  # looked up now, so CliRunner's capture is used
    return Console(file=stream, no_color=plain, color_system=None if plain else "auto",
                   highlight=False, emoji=False)
