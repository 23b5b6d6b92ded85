"""The `gatebp` command: a click group whose subcommands load lazily.

Each command lives in gatebp/commands/<name>.py and is imported only when it runs, so
`gatebp --help` never imports SymPy, Rich's heavy parts or the solver.
"""

from __future__ import annotations

import importlib
import os
import sys

import click

from gatebp import __version__

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
def cli() -> None:
    """gatebp: practise backpropagation for GATE DA (Data Science and AI).

    Start with `gatebp practice`, or `gatebp explain SPEC.yaml` to see a network solved.
    """


def main() -> None:
    """Entry point: run the group, turning gatebp's own errors into one line and exit 2."""
    from gatebp.core.errors import GatebpError

    try:
        sys.exit(cli.main(standalone_mode=False) or 0)
    except GatebpError as error:
        click.echo(f"error: {error}", err=True)
        sys.exit(2)
    except click.exceptions.Abort:
        click.echo("Aborted.", err=True)
        sys.exit(130)
    except click.ClickException as error:
        error.show()
        sys.exit(error.exit_code)
    except click.exceptions.Exit as done:
        sys.exit(done.exit_code)
    except OSError as error:  # a full disk, a read-only folder, a closed pipe
        click.echo(f"error: {error.strerror or error}" + (f": {error.filename}" if error.filename else ""), err=True)
        sys.exit(2)
    except Exception as error:  # a bug in gatebp, not the user's doing
        if os.environ.get("GATEBP_DEBUG"):
            raise
        click.echo(f"error: gatebp hit an internal error ({type(error).__name__}: {error}). "
                   "Please report it; GATEBP_DEBUG=1 shows the traceback.", err=True)
        sys.exit(70)
