"""`gatebp stats`: read the history, summarise it, show it (or print it as JSON)."""

from __future__ import annotations

import json
from datetime import date, datetime, time, timedelta
from typing import TYPE_CHECKING

import click

from gatebp.cli.options import command_console, data_dir, shared_options

if TYPE_CHECKING:
    from gatebp.gate.stats import Summary


@click.command()
@shared_options
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object instead of tables.")
@click.option("--days", type=click.IntRange(1, 3660), default=None,
              help="Only count the last N days (default: everything; the trend shows 14 days).")
def stats(as_json: bool, days: int | None) -> None:
    """Show your history: accuracy, GATE marks and time per topic, per skill of the guided
    steps (`practice --guided`), and a daily trend.

    An attempt is a question answered: skips and mock questions left unanswered are not
    attempts; they appear only under the exam states. A mock not yet submitted is not counted.
    The history is opened read-only.
    """
    from gatebp.app.history import data_dir as resolve_dir
    from gatebp.app.history import read_attempts, read_steps
    from gatebp.app.journal import count_unfinished
    from gatebp.gate.stats import TREND_DAYS, summarize

    directory = resolve_dir(data_dir())
    today = datetime.now().astimezone().date()
    since = None if days is None else _local_midnight(today - timedelta(days=days - 1))
    summary = summarize(read_attempts(directory, since), today=today, days=days or TREND_DAYS,
                        steps=read_steps(directory, since))
    waiting = count_unfinished(directory)
    if as_json:
        click.echo(json.dumps({**summary.to_dict(), "unfinished_mocks": waiting}, indent=2))
        return
    if summary.attempts == 0 and not summary.skills:
        window = "" if days is None else f" in the last {days} days"
        click.echo(f"No attempts yet{window} — run `gatebp practice`.")
    else:
        _show(summary)
    if waiting:
        click.echo(f"{waiting} unfinished mock{'s' if waiting > 1 else ''}, not counted here: "
                   "`gatebp practice --resume` continues it, or submit it when "
                   "`gatebp practice` asks.")


def _local_midnight(day: date) -> datetime:
    return datetime.combine(day, time.min).astimezone()


def _show(summary: Summary) -> None:
    from gatebp.ui.terminal.stats import stats_view

    command_console().print(stats_view(summary))
