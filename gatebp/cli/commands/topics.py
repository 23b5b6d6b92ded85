"""`gatebp topics`: the question families, their forms and marks."""

from __future__ import annotations

import click

from gatebp.cli.options import command_console, plain_option


@click.command()
@plain_option
def topics() -> None:
    """List the topics (question families) with their question types and marks."""
    from gatebp.questions.families import load_families
    from gatebp.ui.terminal.topics import topics_view

    rows = [(fam.name, fam.title, " ".join(fam.types), " ".join(map(str, fam.marks)), fam.group)
            for fam in load_families().values()]
    command_console().print(topics_view(rows))
