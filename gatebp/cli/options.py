"""The options every command shares, defined once: `--plain` and `--data-dir`.

They bind to the group and to each command that uses them, into one `Shared` record on the root
context, so `gatebp --plain stats` and `gatebp stats --plain` mean the same and no command reads
them its own way. `--plain` goes to one place only, the console: `command_console()` passes it
to gatebp.ui.terminal.console.make_console, where NO_COLOR counts as `--plain`, and every view
and session reads the notation from that console, so nothing else is told. GATEBP_HOME is the
history's default folder (gatebp.app.history.data_dir), which `--data-dir` overrides.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import click

if TYPE_CHECKING:
    from rich.console import Console

F = TypeVar("F", bound=Callable[..., Any])


@dataclass
class Shared:
    """What the shared options said, wherever on the command line they were given."""

    plain: bool = False
    data_dir: Path | None = None


def shared(ctx: click.Context | None = None) -> Shared:
    root = (ctx or click.get_current_context()).find_root()
    if not isinstance(root.obj, Shared):
        root.obj = Shared()
    return root.obj


def command_console(stderr: bool = False) -> Console:
    """The command's console: plain with --plain (on the group or the command) or NO_COLOR."""
    from gatebp.ui.terminal.console import make_console

    return make_console(plain=shared().plain, stderr=stderr)


def data_dir() -> Path | None:
    return shared().data_dir


def _remember(field: str) -> Callable[[click.Context, click.Parameter, Any], None]:
    def callback(ctx: click.Context, _param: click.Parameter, value: Any) -> None:
        if value not in (None, False):
            setattr(shared(ctx), field, value)
    return callback


plain_option = click.option(
    "--plain", is_flag=True, expose_value=False, callback=_remember("plain"),
    help="No colour; ASCII boxes and maths (also when NO_COLOR is set).")
data_dir_option = click.option(
    "--data-dir", type=click.Path(file_okay=False, path_type=Path), default=None,
    expose_value=False, callback=_remember("data_dir"),
    help="Where the history lives (default: $GATEBP_HOME or the user data dir).")


def shared_options(command: F) -> F:
    """Both shared options, for a command that keeps a history and prints to the terminal."""
    return plain_option(data_dir_option(command))
