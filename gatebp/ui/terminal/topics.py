"""The `gatebp topics` table: each question family, what it drills, its forms and marks.

A family's title is free text with maths in it (δ(z) = (W2ᵀ δₒ) ⊙ φ'(z)); it is drawn in the
console's notation, so a plain console prints it in ASCII."""

from __future__ import annotations

from collections.abc import Iterable

from rich import box
from rich.table import Table

from gatebp.core.maths import Target
from gatebp.ui.terminal.maths import Lazy, view_text

Row = tuple[str, str, str, str, str]  # topic, title, types, marks, group


def topics_view(rows: Iterable[Row]) -> Lazy:
    rows = list(rows)
    return Lazy(lambda target: _table(rows, target))


def _table(rows: list[Row], target: Target) -> Table:
    table = Table(box=box.ROUNDED)
    table.add_column("topic", no_wrap=True)  # the name a user types: never cut
    for column in ("what it drills", "types", "marks", "group"):
        table.add_column(column)
    for row in rows:
        table.add_row(*(view_text(cell, target) for cell in row))
    return table
