"""`gatebp bank check`: validate question_bank files and print every problem as file:line."""

from __future__ import annotations

import sys
from pathlib import Path

import click

DEFAULT_DIR = Path("question_bank")


@click.group()
def bank() -> None:
    """Work with authored question_bank files (YAML)."""


@bank.command()
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option("--strict", is_flag=True, help="Treat warnings as problems (exit 2 on any).")
def check(paths: tuple[Path, ...], strict: bool) -> None:
    """Check bank files against the schema and the solver.

    PATHS are files or directories (a directory means its *.yaml and *.yml files); the default
    is ./question_bank. Prints one `file:line: message` line per problem, then a summary.
    Exits 0 when every question is valid, 2 when any problem is found.
    """
    from gatebp.questions.bank import check_bank

    if not paths:
        if not DEFAULT_DIR.is_dir():
            raise click.UsageError("no PATH given and no question_bank/ directory here")
        paths = (DEFAULT_DIR,)
    from gatebp.core.text import escape_unsafe

    report = check_bank(paths)
    lines = [str(p) for p in report.problems] + [w.tagged("warning") for w in report.warnings]
    for line in lines + [report.summary()]:
        click.echo(escape_unsafe(line, one_line=True))  # a file name may hold ESC or a newline
    if report.problems or (strict and report.warnings):
        sys.exit(2)
