"""`gatebp practice`: a drill (adaptive or seeded) or a timed GATE-style mock."""

from __future__ import annotations

import os
import random
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import click

if TYPE_CHECKING:
    from rich.console import Console

    from gatebp.app.history import History
    from gatebp.gate.question import Question

DRILL_COUNT, PAPER_COUNT = 10, 20
DEFAULT_BANK = "question_bank"


@click.command()
@click.option("--topic", "topics", multiple=True, metavar="T",
              help="Only this topic (repeatable; see `gatebp topics`).")
@click.option("--count", type=click.IntRange(1, 200), default=None,
              help=f"How many questions (default {DRILL_COUNT}; {PAPER_COUNT} with --paper).")
@click.option("--seed", type=click.IntRange(0, 10**12), default=None,
              help="Ask exactly the questions of `gatebp export --seed S` (no adaptive choice).")
@click.option("--marks", type=click.Choice(["1", "2"]), default=None,
              help="Only 1-mark or only 2-mark questions.")
@click.option("--exam", is_flag=True, help="A timed mock with the GATE exam interface.")
@click.option("--minutes", type=click.FloatRange(0, 600, min_open=True), default=None,
              help="Exam time (default: scaled from 180 minutes for 65 questions).")
@click.option("--paper", is_flag=True,
              help="A mock with the paper's mix of 1-/2-mark and MCQ/MSQ/NAT questions.")
@click.option("--bank", is_flag=False, flag_value=DEFAULT_BANK, default=None, metavar="[PATH]",
              help=f"Mix in authored questions from a bank (default path: ./{DEFAULT_BANK}).")
@click.option("--bank-only", is_flag=True, help="With --bank: ask only the bank's questions.")
@click.option("--data-dir", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Where the history lives (default: $GATEBP_HOME or the user data dir).")
@click.option("--plain", is_flag=True, help="No colour, ASCII boxes (also when NO_COLOR is set).")
def practice(topics: tuple[str, ...], count: int | None, seed: int | None, marks: str | None,
             exam: bool, minutes: float | None, paper: bool, bank: str | None, bank_only: bool,
             data_dir: Path | None, plain: bool) -> None:
    """Drill questions, or sit a timed GATE-style mock (--exam, --paper).

    Drill: answer a NAT with a number (6, -0.11, .5), an MCQ with a letter, an MSQ with letters
    (AC or a c); h shows the next step of the working, s skips, q ends the session. With neither
    --seed nor --topic the drill is adaptive: your history picks the topics.

    Mock: type an answer to select it, then n (Save & Next) or m (Mark for Review & Next); c
    clears, g 7 opens question 7 (an unsaved choice is lost), p goes back, submit ends it.
    """
    from gatebp.app.history import History, data_dir as resolve_dir
    from gatebp.ui.terminal.console import make_console

    if minutes is not None and not (exam or paper):
        raise click.UsageError("--minutes needs --exam or --paper")
    if paper and marks is not None:
        raise click.UsageError("--paper chooses its own 1- and 2-mark mix; drop --marks")
    if bank_only and bank is None:
        bank = DEFAULT_BANK
    mode = "paper" if paper else "exam" if exam else "drill"
    run = Run(mode=mode, topics=topics, count=count or (PAPER_COUNT if paper else DRILL_COUNT),
              seed=seed, marks=int(marks) if marks else None, minutes=minutes, bank=bank, bank_only=bank_only,
              plain=plain or bool(os.environ.get("NO_COLOR")))
    console = make_console(run.plain)
    directory = resolve_dir(data_dir)
    with History.open(directory) as history, _hangup_as_interrupt():
        if mode == "drill":
            _drill(console, history, directory, run)
        else:
            _mock(console, history, directory, run)


@contextmanager
def _hangup_as_interrupt() -> Iterator[None]:
    """A closed terminal (SIGHUP) or a kill (SIGTERM) ends a session like Ctrl-C does, so a mock
    is submitted and recorded with what was saved instead of being lost."""
    import signal

    def interrupt(signum: int, frame: object) -> None:
        raise KeyboardInterrupt

    wanted = [getattr(signal, name) for name in ("SIGHUP", "SIGTERM") if hasattr(signal, name)]
    previous = {sig: signal.signal(sig, interrupt) for sig in wanted}
    try:
        yield
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)


@dataclass
class Run:
    """The options of one `gatebp practice` run; `seed` is filled in when none was given."""

    mode: str
    topics: tuple[str, ...]
    count: int
    seed: int | None
    marks: int | None
    minutes: float | None
    bank: str | None
    bank_only: bool
    plain: bool
    chosen_seed: bool = False
    adaptive: bool = field(init=False)

    def __post_init__(self) -> None:
        """With neither --seed nor --topic (nor --bank) a drill follows the history."""
        self.adaptive = (self.mode == "drill" and self.seed is None and not self.topics
                         and self.bank is None)

    def take_seed(self) -> int:
        if self.seed is None:
            self.seed, self.chosen_seed = random.SystemRandom().randrange(10**6), True
        return self.seed

    def replay(self) -> str:
        """The command that asks the same questions again."""
        args = [f"--seed {self.seed}", f"--count {self.count}"]
        args += [f"--{self.mode}"] if self.mode != "drill" else []
        args += [f"--topic {t}" for t in self.topics]
        args += [f"--marks {self.marks}"] if self.marks else []
        args += [f"--minutes {self.minutes:g}"] if self.minutes else []
        args += [f"--bank {self.bank}"] if self.bank else []
        args += ["--bank-only"] if self.bank_only else []
        return "gatebp practice " + " ".join(args)


def _announce_seed(console: Console, run: Run) -> None:
    if run.adaptive:
        console.print(f"Adaptive drill: topics chosen from your history (seed {run.seed}).",
                      highlight=False, soft_wrap=True)
    elif run.chosen_seed:
        console.print(f"Seed {run.seed} (replay: {run.replay()})", highlight=False,
                      soft_wrap=True)


def _questions(history: History, run: Run) -> Sequence[Question] | Iterator[Question]:
    """The questions to ask, built lazily so the first appears quickly."""
    from gatebp.app.session import LazyQuestions, adaptive_questions

    seed = run.take_seed()
    if run.bank is not None:
        from gatebp.questions.sets import practice_set

        return practice_set(seed, run.count, run.topics, run.marks, run.bank, run.bank_only)
    if run.adaptive:
        return adaptive_questions(history, run.count, random.Random(seed), run.marks)
    if run.mode == "paper":
        from gatebp.questions.paper import plan_paper

        return LazyQuestions(plan_paper(seed, run.count, run.topics).items)
    from gatebp.questions.generate import plan_set

    return LazyQuestions(plan_set(seed, run.count, run.topics, run.marks))


def _drill(console: Console, history: History, directory: Path, run: Run) -> None:
    from gatebp.app.history import DB_NAME
    from gatebp.app.io import Terminal
    from gatebp.app.session import Drill, drill_summary

    questions = _questions(history, run)
    count = len(questions) if isinstance(questions, Sequence) else run.count
    _announce_seed(console, run)
    session_id = history.start_session("drill", run.seed, count)
    term = Terminal(console)
    try:
        summary = Drill(term, history, session_id, run.plain).run(questions, count)
    except KeyboardInterrupt:
        console.print()
        console.print(f"Interrupted. Your answers are saved in {directory / DB_NAME}. Goodbye.",
                      soft_wrap=True)
        raise SystemExit(130) from None
    history.finish_session(session_id, float(summary.score), float(summary.max_score))
    term.show(drill_summary(summary, run.plain))
    term.say(f"History: {directory / DB_NAME} (see `gatebp stats`)")


def _mock(console: Console, history: History, directory: Path, run: Run) -> None:
    from gatebp.app.history import DB_NAME
    from gatebp.gate.exam import Exam
    from gatebp.app.io import Terminal
    from gatebp.questions.paper import paper_minutes
    from gatebp.app.session import ExamSession, record_exam, salvage_exam
    from gatebp.ui.terminal.scoresheet import scoresheet

    questions = _questions(history, run)
    assert isinstance(questions, Sequence)
    _announce_seed(console, run)
    allowed = run.minutes if run.minutes is not None else paper_minutes(len(questions))
    console.print(f"{'Mock paper' if run.mode == 'paper' else 'Mock exam'}: {len(questions)} "
                  f"questions, {_total_marks(questions)} marks, {allowed:g} minutes.",
                  style="bold", highlight=False)
    session_id = history.start_session(run.mode, run.seed, len(questions))
    term = Terminal(console)
    runner = ExamSession(term, Exam(questions, allowed * 60, started=term.clock()), run.plain)
    try:
        result = runner.run()
    except BaseException:
        # Whatever went wrong before a clean submit, the answers saved so far are kept.
        salvage_exam(history, session_id, runner.exam, term.clock())
        raise
    record_exam(history, session_id, result)
    term.show(scoresheet(result, run.plain))
    term.say(f"History: {directory / DB_NAME} (see `gatebp stats`)")
    if runner.interrupted:
        raise SystemExit(130)


def _total_marks(questions: Sequence[Question]) -> int:
    plan = getattr(questions, "plan", None)
    if plan is not None:
        return sum(item[2] for item in plan)
    return sum(q.marks for q in questions)
