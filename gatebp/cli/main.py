"""The `gatebp` command: a click group whose subcommands load lazily.

Each command lives in gatebp/cli/commands/<name>.py and is imported only when it runs, so
`gatebp --help` never imports SymPy, Rich's heavy parts or the solver.

`cli` is the group itself: under click's CliRunner a command's exceptions come out as they are.
`main()`, the installed entry point, runs the same group as an `EdgeGroup`, whose `invoke` turns
whatever a command raises into a `click.ClickException` (errors become click's only at this edge)
for click's standalone mode to print and exit with: 2 for a problem the user can fix (a
GatebpError, an OSError), 130 for Ctrl-C, 70 for a bug in gatebp (one line, the traceback only
with GATEBP_DEBUG=1). A closed pipe (EPIPE) is quiet. Error lines show control characters escaped.
"""

from __future__ import annotations

import contextlib
import errno
import importlib
import io
import os
import sys
from typing import IO, Any

import click

from gatebp import __version__
from gatebp.cli.options import shared_options
from gatebp.core.errors import GatebpError
from gatebp.core.text import clip

# name -> (module, one-line help shown by `gatebp --help` without importing the module)
COMMANDS: dict[str, tuple[str, str]] = {
    "practice": ("gatebp.cli.commands.practice", "Drill questions or sit a timed GATE-style mock."),
    "explain": ("gatebp.cli.commands.explain", "Solve a network and show the chain-rule working."),
    "export": ("gatebp.cli.commands.export", "Write a question set (json, md, html, pdf, tex, anki, moodle)."),
    "stats": ("gatebp.cli.commands.stats", "Show your history: accuracy, marks and time per topic."),
    "bank": ("gatebp.cli.commands.bank", "Check authored question_bank files."),
    "topics": ("gatebp.cli.commands.topics", "List the question families (topics)."),
}


class LazyGroup(click.Group):
    """A group that imports a subcommand's module only when that subcommand is invoked."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(COMMANDS)

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        if name not in COMMANDS:
            return None
        if ctx.resilient_parsing or _listing_help(ctx):
            return click.Command(name, help=COMMANDS[name][1], short_help=COMMANDS[name][1])
        module = importlib.import_module(COMMANDS[name][0])
        return getattr(module, name)


def _listing_help(ctx: click.Context) -> bool:
    """True while the group formats its own --help (the command list needs no imports)."""
    return ctx.invoked_subcommand is None and any(a in ("--help", "-h") for a in sys.argv[1:2])


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="gatebp")
@shared_options
def cli() -> None:
    """gatebp: practise backpropagation for GATE DA (Data Science and AI).

    Start with `gatebp practice`, or `gatebp explain SPEC.yaml` to see a network solved.
    """


class EdgeGroup(LazyGroup):
    """The group as the installed command runs it: every exception ends as one line and a code."""

    def invoke(self, ctx: click.Context) -> object:
        try:
            return super().invoke(ctx)
        except (click.exceptions.Exit, click.ClickException):
            raise
        except GatebpError as error:
            raise _Problem(str(error)) from None
        except (click.Abort, KeyboardInterrupt, EOFError):
            raise _Interrupted("Aborted.") from None
        except OSError as error:
            if error.errno == errno.EPIPE:
                raise  # click's main quiets the pipe and exits
            raise _Problem(_os_message(error)) from None
        except Exception as error:  # a bug in gatebp, not the user's doing
            if os.environ.get("GATEBP_DEBUG"):
                raise
            raise _InternalError(f"gatebp hit an internal error ({type(error).__name__}: "
                                 f"{clip(str(error), 300)}). Please report it; GATEBP_DEBUG=1 "
                                 "shows the traceback.") from None


edge = EdgeGroup(name="gatebp", callback=cli.callback, params=cli.params, help=cli.help,
                 context_settings=cli.context_settings)


class _Problem(click.ClickException):
    """A problem the user can fix: `error: ...` on stderr, control characters escaped, exit 2."""

    exit_code = 2

    def show(self, file: IO[Any] | None = None) -> None:
        from gatebp.core.text import escape_unsafe

        click.echo(f"error: {escape_unsafe(self.format_message())}", file=file, err=True)


class _InternalError(_Problem):
    """A bug: one line and exit 70 (EX_SOFTWARE), the traceback only with GATEBP_DEBUG=1."""

    exit_code = 70


class _Interrupted(click.ClickException):
    """Ctrl-C, Ctrl-D at a confirmation, or click's Abort: exit 130, as shells expect."""

    exit_code = 130

    def show(self, file: IO[Any] | None = None) -> None:
        click.echo(self.format_message(), file=file, err=True)


def _os_message(error: OSError) -> str:
    return f"{error.strerror or error}" + (f": {error.filename}" if error.filename else "")


def main() -> None:
    """Entry point: the edge group under click's standalone mode, on guarded streams."""
    _guard_streams()
    try:
        edge.main(prog_name="gatebp")
    except SystemExit as done:
        _flush_or_pacify()
        raise SystemExit(done.code) from None


def _guard_streams() -> None:
    """Make closed or narrow standard streams safe before anything is written.

    A closed descriptor 0-2 gets /dev/null, so no file opened later takes its number; a closed
    stderr writes nowhere; a closed stdout refuses with one clear line (not exit 70); text that
    the encoding cannot show (ASCII, a lone surrogate) is written as backslash escapes.
    """
    for fd in (0, 1, 2):
        try:
            os.fstat(fd)
        except OSError:
            _null_onto(fd)
    if sys.stderr is None:
        sys.stderr = open(os.devnull, "w", encoding="utf-8")  # noqa: SIM115 - lives as long as the process
    if sys.stdout is None:
        sys.stdout = _ClosedStdout()
    for stream in (sys.stdout, sys.stderr):
        if isinstance(stream, io.TextIOWrapper):
            stream.reconfigure(errors="backslashreplace")


def _null_onto(fd: int) -> None:
    null = os.open(os.devnull, os.O_RDWR)
    if null != fd:
        os.dup2(null, fd)
        os.close(null)


class _ClosedStdout(io.TextIOBase):
    """Stands in for a stdout that was closed (`>&-`): writing is an OSError, reported in one line."""

    def write(self, text: str) -> int:
        raise OSError(errno.EBADF, "standard output is closed (write to a file with -o, or do "
                                   "not close stdout)")

    def isatty(self) -> bool:
        return False


def _flush_or_pacify() -> None:
    """A reader that left early (`| head`) must not cost a traceback at exit."""
    try:
        sys.stdout.flush()
    except OSError:
        with contextlib.suppress(OSError, ValueError):
            _null_onto_stdout()


def _null_onto_stdout() -> None:
    null = os.open(os.devnull, os.O_WRONLY)
    os.dup2(null, sys.stdout.fileno())
    os.close(null)
