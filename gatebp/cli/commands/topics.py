"""`gatebp topics`: the question families, their forms and marks."""

from __future__ import annotations

import click


@click.command()
@click.option("--plain", is_flag=True, help="No colour or box drawing.")
def topics(plain: bool) -> None:
    """List the topics (question families) with their question types and marks."""
    from rich import box
    from rich.table import Table

    from gatebp.questions.families import load_families
    from gatebp.ui.terminal.console import make_console

    table = Table(box=box.ASCII if plain else box.ROUNDED)
    table.add_column("topic", no_wrap=True)  # the name a user types: never cut
    for column in ("what it drills", "types", "marks", "group"):
        table.add_column(column)
    for fam in load_families().values():
        table.add_row(fam.name, fam.title, " ".join(fam.types), " ".join(map(str, fam.marks)), fam.group)
    make_console(plain).print(table)
