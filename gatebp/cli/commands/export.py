"""`gatebp export`: question sets for paper, screens and platforms, with answer keys."""

from __future__ import annotations

import random
import sys
from pathlib import Path

import click

FORMAT_NAMES = ("json", "md", "html", "pdf", "tex", "anki", "moodle")


@click.command()
@click.option("--count", "-n", default=20, show_default=True, type=click.IntRange(0, 100_000),
              help="How many generated questions.")
@click.option("--seed", type=click.IntRange(0), help="Seed for a reproducible set (random when omitted).")
@click.option("--topic", "topics", multiple=True, help="Only these topics (repeat the option; see `gatebp topics`).")
@click.option("--marks", type=click.Choice(["1", "2"]), help="Only 1-mark or only 2-mark questions.")
@click.option("--bank", "bank", is_flag=False, flag_value="question_bank", default=None,
              type=click.Path(exists=True), help="Add authored questions from a bank file or folder.")
@click.option("--format", "fmt", type=click.Choice(FORMAT_NAMES), default="json", show_default=True)
@click.option("--answers", type=click.Choice(["none", "end", "separate"]), default="end", show_default=True,
              help="No key, a key at the end, or a separate STEM-key.SUFFIX file beside -o.")
@click.option("--solutions/--no-solutions", default=False, help="Worked solutions in the key.")
@click.option("--versions", type=click.IntRange(1, 26), default=1, show_default=True,
              help="Versions A, B, ... with the same families but other numbers, each with its key "
                   "(bank questions are the same in every version).")
@click.option("--minutes", type=click.IntRange(1, 10_000),
              help="Time allowed, printed on the paper (default: the GATE pace, 180 minutes for 65 questions).")
@click.option("--moodle-msq", type=click.Choice(["all-or-nothing", "partial"]), default="all-or-nothing",
              show_default=True,
              help="Moodle MSQ: the All-or-Nothing plugin (qtype_multichoiceset, GATE's marking), "
                   "or core multichoice, which gives partial credit.")
@click.option("--title", default="GATE DA practice: backpropagation", show_default=True,
              callback=lambda ctx, param, value: _utf8_text(value, "--title"))
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), help="Write here (stdout when omitted).")
def export(count: int, seed: int | None, topics: tuple[str, ...], marks: str | None, bank: str | None, fmt: str,
           answers: str, solutions: bool, versions: int, minutes: int | None, moodle_msq: str,
           title: str, output: Path | None) -> None:
    """Write a question set: the JSON interchange contract, Markdown, HTML, PDF, LaTeX, Anki or Moodle.

    \b
    gatebp export --count 30 --seed 7 --format pdf --answers separate --solutions -o test.pdf
    gatebp export --count 1000 --seed 1 --format json -o set.json
    gatebp export --topic relu-gate --versions 3 --format html -o quiz.html
    """
    from gatebp.core.text import escape_unsafe
    from gatebp.questions.sets import build_set, version_label, versioned
    from gatebp.ui.export import ExportOptions, write_export

    chosen_seed = random.SystemRandom().randrange(10**6) if seed is None else seed
    if versions > 1 and output is None:
        raise click.UsageError("--versions needs -o PATH (each version gets its own file)")
    questions = build_set(chosen_seed, count, topics, int(marks) if marks else None, bank, progress=_progress())
    if seed is None:
        click.echo(f"seed {chosen_seed} (repeat this set with --seed {chosen_seed})", err=True)
    seed = chosen_seed
    for index in range(versions):
        label = version_label(index) if versions > 1 else ""
        chosen = versioned(questions, index)
        options = ExportOptions(answers=answers, solutions=solutions, title=title, seed=seed,  # type: ignore[arg-type]
                                version=label, minutes=minutes, moodle_msq=moodle_msq)  # type: ignore[arg-type]
        target = _version_path(output, label)
        for path in write_export(chosen, fmt, options, target, sys.stdout):
            click.echo(f"wrote {escape_unsafe(str(path), one_line=True)}", err=True)
    shared = sum(1 for q in questions if q.source != "generated")
    if versions > 1 and shared:
        click.echo(f"note: {_plural(shared, 'bank question')} {'is' if shared == 1 else 'are'} "
                   "shared across versions (the same numbers in every version); only generated "
                   "questions are redrawn", err=True)
    if fmt == "moodle" and any(q.type == "MSQ" for q in questions):
        from gatebp.ui.export.moodle import msq_note

        click.echo(msq_note(moodle_msq), err=True)


def _plural(count: int, word: str) -> str:
    return f"{count} {word}" if count == 1 else f"{count} {word}s"


def _version_path(output: Path | None, label: str) -> Path | None:
    if output is None or not label:
        return output
    return output.with_name(f"{output.stem}-{label}{output.suffix}")


def _utf8_text(value: str, option: str) -> str:
    """Refuse text that was not valid UTF-8 on the command line (it arrives as lone surrogates,
    which no export can encode)."""
    from gatebp.core.text import has_surrogates

    if has_surrogates(value):
        raise click.BadParameter("is not valid UTF-8 text", param_hint=option)
    return value


def _progress():
    """A progress bar on stderr when a person is watching; nothing in pipes and tests."""
    if sys.stderr is None or not sys.stderr.isatty():
        return None
    from rich.progress import Progress

    from gatebp.ui.terminal.console import make_console

    return Progress(console=make_console(stderr=True), transient=True)
