"""`gatebp practice`: a drill (adaptive or seeded) or a timed GATE-style mock.

A mock is journaled as it goes (gatebp.app.mock), so one cut short by a kill or a power cut is
left unfinished: `--resume` reopens it, and the next `gatebp practice` on a terminal offers to
resume or submit it (over a pipe it only says so: nothing waits for an answer).
"""

from __future__ import annotations

import math
import random
from collections.abc import Iterator, Sequence
from contextlib import suppress
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import click

from gatebp.cli.options import command_console, data_dir, shared_options

if TYPE_CHECKING:
    from rich.console import Console

    from gatebp.app.history import History
    from gatebp.app.io import Terminal
    from gatebp.app.journal import MockJournal
    from gatebp.app.mock import MockRecorder
    from gatebp.gate.question import Question

DRILL_COUNT, PAPER_COUNT = 10, 20
DEFAULT_BANK = "question_bank"
OFFER = "r resume it, s submit it as it stands, Enter leave it for later: "


def _finite(ctx: click.Context, param: click.Parameter, value: float | None) -> float | None:
    """FloatRange lets nan through (every comparison with nan is false)."""
    if value is not None and not math.isfinite(value):
        raise click.BadParameter(f"{value} is not a number of minutes")
    return value


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
              callback=_finite,
              help="Exam time (default: scaled from 180 minutes for 65 questions).")
@click.option("--paper", is_flag=True,
              help="A mock with the paper's mix of 1-/2-mark and MCQ/MSQ/NAT questions.")
@click.option("--bank", is_flag=False, flag_value=DEFAULT_BANK, default=None, metavar="[PATH]",
              help=f"Mix in authored questions from a bank (default path: ./{DEFAULT_BANK}).")
@click.option("--bank-only", is_flag=True, help="With --bank: ask only the bank's questions.")
@shared_options
@click.option("--line", is_flag=True,
              help="Sit a mock in line mode (the default for pipes, --plain, NO_COLOR and dumb "
                   "terminals); otherwise a mock opens the full-screen exam.")
@click.option("--guided", is_flag=True,
              help="Work each question through step by step: every forward value, local "
                   "derivative, path product and sum is typed and checked (questions with a "
                   "network; in a normal drill, g does this for one question).")
@click.option("--resume", is_flag=True,
              help="Continue the unfinished mock at its question, with its answers, marks and "
                   "time left.")
def practice(topics: tuple[str, ...], count: int | None, seed: int | None, marks: str | None,
             exam: bool, minutes: float | None, paper: bool, bank: str | None, bank_only: bool,
             line: bool, guided: bool, resume: bool) -> None:
    """Drill questions, or sit a timed GATE-style mock (--exam, --paper).

    Drill: answer a NAT with a number (6, -0.11, .5), an MCQ with a letter, an MSQ with letters
    (AC or a c); h shows the next step of the working, s skips, q ends the session. With neither
    --seed nor --topic the drill is adaptive: your history picks the topics.

    Mock: type an answer to select it, then n (Save & Next) or m (Mark for Review & Next); c
    clears, g 7 opens question 7 (an unsaved choice is lost), p goes back, submit ends it.
    Every change is saved as it happens: after a kill or a power cut, --resume continues.
    """
    from gatebp.app.history import History
    from gatebp.app.history import data_dir as resolve_dir
    from gatebp.app.io import Terminal
    from gatebp.app.signals import catching

    _check_options(resume, bool(topics or count or seed is not None or marks or exam or minutes
                                or paper or bank or bank_only or guided), minutes, exam, paper,
                   marks)
    if guided and (exam or paper):
        raise click.UsageError("--guided is a drill: drop --exam / --paper")
    if bank_only and bank is None:
        bank = DEFAULT_BANK
    mode = "paper" if paper else "exam" if exam else "drill"
    run = Run(mode=mode, topics=topics, count=count or (PAPER_COUNT if paper else DRILL_COUNT),
              seed=seed, marks=int(marks) if marks else None, minutes=minutes, bank=bank, bank_only=bank_only,
              line=line, guided=guided)
    console = command_console()
    directory = resolve_dir(data_dir())
    term = Terminal(console)
    # A closed terminal, a kill (SIGTERM, SIGQUIT) or Ctrl-C: KeyboardInterrupt, then held.
    with History.open(directory) as history, catching():
        if resume:
            _resume(console, term, history, directory, _waiting(history, directory), run)
        elif not _offer(console, term, history, directory, run):
            (_drill if mode == "drill" else _mock)(console, term, history, directory, run)


def _check_options(resume: bool, choosing: bool, minutes: float | None, exam: bool,
                   paper: bool, marks: str | None) -> None:
    """Option combinations that make no sense, refused before anything starts."""
    if resume and choosing:
        raise click.UsageError("--resume continues the mock as it was: give it no question "
                               "options (only --data-dir, --plain)")
    if minutes is not None and not (exam or paper):
        raise click.UsageError("--minutes needs --exam or --paper")
    if paper and marks is not None:
        raise click.UsageError("--paper chooses its own 1- and 2-mark mix; drop --marks")


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
    line: bool = False
    guided: bool = False
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
        args += ["--guided"] if self.guided else []
        return "gatebp practice " + " ".join(args)


def _announce_seed(console: Console, run: Run) -> None:
    if run.adaptive:
        console.print(f"Adaptive drill: topics chosen from your history (seed {run.seed}).",
                      highlight=False, soft_wrap=True)
    elif run.chosen_seed:
        console.print(f"Seed {run.seed} (replay: {run.replay()})", highlight=False,
                      soft_wrap=True, markup=False)


def _questions(history: History, run: Run) -> Sequence[Question] | Iterator[Question]:
    """The questions to ask, built lazily so the first appears quickly."""
    from gatebp.app.session import LazyQuestions, adaptive_questions

    seed = run.take_seed()
    if run.bank is not None:
        from gatebp.questions.sets import practice_set

        return practice_set(seed, run.count, run.topics, run.marks, run.bank, run.bank_only)
    if run.adaptive:
        from gatebp.app.skills import GUIDED_TOPICS

        topics = GUIDED_TOPICS if run.guided else ()
        return adaptive_questions(history, run.count, random.Random(seed), run.marks, topics=topics,
                                  types=GUIDED_TYPES if run.guided else ())
    if run.mode == "paper":
        from gatebp.questions.paper import plan_paper

        return LazyQuestions(plan_paper(seed, run.count, run.topics).items)
    from gatebp.questions.generate import plan_set

    return LazyQuestions(plan_set(seed, run.count, run.topics, run.marks, GUIDED_TYPES if run.guided else ()))


# A guided drill walks one chain to one number: NAT questions (an MCQ or MSQ may ask for a
# vector or for statements, with no single chain to walk).
GUIDED_TYPES = ("NAT",)


def _drill(console: Console, term: Terminal, history: History, directory: Path,
           run: Run) -> None:
    """Every answer is recorded as it is given, so an interruption only says goodbye."""
    from gatebp.app.drill import Drill, drill_summary
    from gatebp.app.history import DB_NAME

    questions = _questions(history, run)
    count = len(questions) if isinstance(questions, Sequence) else run.count
    _announce_seed(console, run)
    session_id = history.start_session("drill", run.seed, count)
    try:
        summary = Drill(term, history, session_id, guided=run.guided).run(questions, count)
    except KeyboardInterrupt:
        _goodbye(console, f"Interrupted. Your answers are saved in {directory / DB_NAME}. "
                          "Goodbye.")
        raise SystemExit(130) from None
    history.finish_session(session_id, float(summary.score), float(summary.max_score))
    term.show(drill_summary(summary))
    term.say(f"History: {directory / DB_NAME} (see `gatebp stats`)")


def _goodbye(console: Console, message: str) -> None:
    """The last line after an interruption; a terminal that has gone away cannot show it."""
    with suppress(OSError, ValueError):
        console.print()
        console.print(message, soft_wrap=True, markup=False, highlight=False)


def _mock(console: Console, term: Terminal, history: History, directory: Path,
          run: Run) -> None:
    """A new mock: journaled from before its first question shows."""
    from gatebp.app.mock import MockRecorder
    from gatebp.gate.paper import paper_minutes

    questions = _questions(history, run)
    assert isinstance(questions, Sequence)
    _announce_seed(console, run)
    allowed = run.minutes if run.minutes is not None else paper_minutes(len(questions))
    console.print(f"{'Mock paper' if run.mode == 'paper' else 'Mock exam'}: {len(questions)} "
                  f"questions, {_total_marks(questions)} marks, {allowed:g} minutes.",
                  style="bold", highlight=False, markup=False)
    recorder = MockRecorder.start(history, run.mode, run.seed, questions, allowed * 60,
                                  term.clock())
    _sit(console, term, directory, recorder, run)


def _sit(console: Console, term: Terminal, directory: Path, recorder: MockRecorder,
         run: Run) -> None:
    """Run a mock to its end, full screen on a terminal or line by line; whatever stops it,
    what was saved is recorded before anything else happens (even the message saying so)."""
    from gatebp.app.history import DB_NAME
    from gatebp.app.session import ExamSession
    from gatebp.ui.screen import use_line_mode
    from gatebp.ui.terminal.scoresheet import scoresheet

    if not use_line_mode(console, line=run.line):
        _sit_screen(console, term, directory, recorder, run)
        return
    runner = ExamSession(term, recorder)
    try:
        result = runner.run()
    except KeyboardInterrupt:  # a second signal cut the score sheet short: it is recorded
        recorder.salvage(term.clock())
        _goodbye(console, f"Interrupted: the answers you saved are recorded in "
                          f"{directory / DB_NAME}.")
        raise SystemExit(130) from None
    except BaseException:
        recorder.salvage(term.clock())
        raise
    term.show(scoresheet(result))
    term.say(f"History: {directory / DB_NAME} (see `gatebp stats`)")
    if runner.interrupted:
        raise SystemExit(130)


def _sit_screen(console: Console, term: Terminal, directory: Path, recorder: MockRecorder,
                run: Run) -> None:
    """The full-screen mock (Textual): it drives the same journaled recorder as line mode."""
    from gatebp.app.history import DB_NAME
    from gatebp.app.mock import RecordedExam
    from gatebp.gate.marking import exact_total
    from gatebp.ui.screen import run_exam

    title = "GATE mock paper" if run.mode == "paper" else "GATE mock exam"
    try:
        outcome = run_exam(RecordedExam(recorder, term.clock), clock=term.clock, title=title)
    except BaseException:
        recorder.salvage(term.clock())
        raise
    result = outcome.result
    console.print(f"Score {exact_total(result.score)} out of {result.max_score}. "
                  f"History: {directory / DB_NAME} (see `gatebp stats`)", markup=False)
    if outcome.interrupted:
        raise SystemExit(130)


def _describe(stored: MockJournal) -> str:
    """"the unfinished mock paper of 2025-01-15 12:00 (Q4 of 10, 3 saved, 27:40 left)"."""
    from gatebp.app.io import clock_text

    started = stored.session.started_at.astimezone().strftime("%Y-%m-%d %H:%M")
    return (f"the unfinished mock {stored.session.mode} of {started} (Q{stored.current + 1} "
            f"of {len(stored.slots)}, {stored.saved} saved, "
            f"{clock_text(stored.seconds_left)} left)")


def _waiting(history: History, directory: Path) -> MockJournal:
    """The newest unfinished mock not open in another running gatebp, for --resume."""
    from gatebp.app.history import DB_NAME
    from gatebp.app.journal import unfinished
    from gatebp.core.errors import GatebpError

    stored = unfinished(history)
    free = [j for j in stored if not j.live()]
    if free:
        return free[0]
    if stored:
        raise GatebpError(f"the unfinished mock is open in another gatebp (process "
                          f"{stored[0].pid}); finish it there")
    raise GatebpError(f"there is no unfinished mock to resume in {directory / DB_NAME}")


def _offer(console: Console, term: Terminal, history: History, directory: Path,
           run: Run) -> bool:
    """Name an unfinished mock before a new practice; on a terminal offer to resume (r) or
    submit (s) it. True when it was resumed (that is the session, then)."""
    from gatebp.app.journal import unfinished

    free = [j for j in unfinished(history) if not j.live()]
    if not free:
        return False
    what = _describe(free[0])
    if not term.interactive:
        console.print(f"Note: {what} is waiting; `gatebp practice --resume` continues it.",
                      markup=False, highlight=False)
        return False
    choice = (term.ask(f"You have {what}.\n{OFFER}") or "").strip().lower()
    if choice in ("r", "resume"):
        _resume(console, term, history, directory, free[0], run)
        return True
    if choice in ("s", "submit"):
        _submit_stored(console, history, free[0])
    return False


def _resume(console: Console, term: Terminal, history: History, directory: Path,
            stored: MockJournal, run: Run) -> None:
    from gatebp.app.mock import MockRecorder

    console.print(f"Resuming {_describe(stored)}.", style="bold", markup=False,
                  highlight=False)
    recorder = MockRecorder.resume(history, stored, term.clock())
    _sit(console, term, directory, recorder, run)


def _submit_stored(console: Console, history: History, stored: MockJournal) -> None:
    """Submit an unfinished mock as the journal left it: no question is rebuilt."""
    from gatebp.app.journal import submit_stored
    from gatebp.ui.terminal.scoresheet import marks_number

    done = submit_stored(history, stored)
    console.print(f"Submitted it: {done.saved} saved, {marks_number(done.score)} out of "
                  f"{done.max_score} marks (see `gatebp stats`).", markup=False,
                  highlight=False)


def _total_marks(questions: Sequence[Question]) -> int:
    plan = getattr(questions, "plan", None)
    if plan is not None:
        return sum(item[2] for item in plan)
    return sum(q.marks for q in questions)
