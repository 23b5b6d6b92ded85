"""Practice sessions: the untimed drill and the timed exam, over a Terminal.

The drill asks one question at a time, gives hints one step at a time, marks each answer the
GATE way the moment it is given, shows the working and records the attempt at once (so Ctrl-C
loses at most the question on screen). The exam drives the pure `Exam` state machine from typed
commands through a MockRecorder, which journals every save, mark, clear and move as it happens;
it submits at zero, at end of input, or on Ctrl-C (a kill or a closed terminal), with what was
saved, recording first and only then printing (a closed terminal cannot print).
"""

from __future__ import annotations

import random
import itertools
import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from fractions import Fraction

from rich.panel import Panel
from rich.text import Text

from gatebp.core.calculator import Calculator, calculator_reply
from gatebp.core.step import HINTABLE
from gatebp.app.history import Attempt, History, utc_now
from gatebp.app.io import Terminal, TimeUp, clock_text
from gatebp.app.mock import MockRecorder
from gatebp.app.signals import held
from gatebp.core.errors import AnswerFormatError, GatebpError
from gatebp.gate.exam import PALETTE_STATES, STATE_LABELS, Exam, ExamResult
from gatebp.gate.grade import Grade, Response, grade, parse_answer
from gatebp.gate.question import Question
from gatebp.ui.terminal.question import exam_help, frame, palette, question_panel
from gatebp.ui.terminal.scoresheet import duration, marks_number

DRILL_PROMPT = "Answer (h hint, s skip, q quit, = calculator): "


class LazyQuestions(Sequence[Question]):
    """Questions built from a plan only when first read, so the first appears quickly."""

    def __init__(self, plan: Sequence[tuple[str, str, int, int]]) -> None:
        self.plan = list(plan)
        self._built: dict[int, Question] = {}

    def __len__(self) -> int:
        return len(self.plan)

    def __getitem__(self, index):  # type: ignore[no-untyped-def, override]
        if isinstance(index, slice):
            return [self[i] for i in range(len(self))[index]]
        if index < 0:
            index += len(self)
        if index not in self._built:
            from gatebp.questions.generate import build_question

            self._built[index] = build_question(*self.plan[index])
        return self._built[index]


def adaptive_questions(history: History, count: int, rng: random.Random,
                       marks: int | None = None, now: Callable[[], datetime] = utc_now
                       ) -> Iterator[Question]:
    """Topics chosen by the scheduler before each question (so this session's reviews count),
    each a fresh variant with a fresh seed; the previous topic is avoided when others exist."""
    from gatebp.app.scheduler import pick_topics
    from gatebp.questions.generate import build_question, families_by_name

    families = {f.name: f for f in families_by_name() if marks is None or marks in f.marks}
    if not families:
        raise GatebpError(f"no topic offers {marks}-mark questions")
    previous = None
    for _ in range(count):
        order = pick_topics(history, list(families), len(families), now(), rng)
        topic = next((t for t in order if t != previous), order[0])
        fam = families[topic]
        forms = [(t, m) for t in fam.types for m in fam.marks if marks is None or m == marks]
        qtype, qmarks = rng.choice(forms)
        previous = topic
        yield build_question(topic, qtype, qmarks, rng.randrange(10**6))


def hint_steps(question: Question) -> list[str]:
    """The working one step at a time (forward values first, then each local derivative),
    stopping before the last step, which states the answer. Only hintable kinds are shown (never
    the key or an option's verdict), and no step that repeats an option's own statement."""
    before_answer = itertools.takewhile(lambda s: s.kind != "answer", question.solution)
    steps = [s.text for s in before_answer if s.kind in HINTABLE][:-1]
    if not question.options:
        return steps
    statements = [_plain(o.text) for o in question.options if len(_plain(o.text)) > 2]
    return [s for s in steps if not any(t in _plain(s) for t in statements)]


def _plain(text: str) -> str:
    return " ".join(text.lower().split()).rstrip(".")


# ------------------------------------------------------------------------------------- drill
@dataclass(frozen=True)
class DrillItem:
    question: Question
    response: Response | None
    grade: Grade | None
    seconds: float
    hints: int

    @property
    def skipped(self) -> bool:
        return self.grade is None


@dataclass
class DrillSummary:
    items: list[DrillItem] = field(default_factory=list)
    quit: bool = False

    @property
    def score(self) -> Fraction:
        return sum((i.grade.score for i in self.items if i.grade), Fraction(0))

    @property
    def max_score(self) -> int:
        return sum(i.question.marks for i in self.items)

    @property
    def answered(self) -> int:
        return sum(1 for i in self.items if not i.skipped)

    @property
    def correct(self) -> int:
        return sum(1 for i in self.items if i.grade and i.grade.correct)

    @property
    def seconds(self) -> float:
        return sum(i.seconds for i in self.items)


class Drill:
    """Untimed practice; every answer is marked, explained and recorded at once."""

    def __init__(self, term: Terminal, history: History, session_id: int, plain: bool = False,
                 review: bool = True, now: Callable[[], datetime] = utc_now) -> None:
        self.term, self.history, self.session_id = term, history, session_id
        self.plain, self.review, self.now = plain, review, now
        self.summary = DrillSummary()
        self.calculator = Calculator()

    def run(self, questions: Iterable[Question], total: int) -> DrillSummary:
        for number, question in enumerate(questions, start=1):
            item = self.ask(question, number, total)
            if item is None:
                self.summary.quit = True
                break
            self.summary.items.append(item)
        return self.summary

    def ask(self, question: Question, number: int, total: int) -> DrillItem | None:
        """One question: None if the student quits (nothing is recorded for it)."""
        self.term.show(question_panel(question, number, total, self.plain))
        started, hints, steps = self.term.clock(), 0, hint_steps(question)
        while True:
            line = self.term.ask(DRILL_PROMPT)
            command = (line or "").strip().lower()
            if line is None:
                self.term.say("End of input.", "yellow")
                return None
            if command == "q":
                return None
            if command == "h":
                hints = self._hint(steps, hints)
                continue
            if command == "s":
                return self._finish(question, None, started, hints)
            reply = calculator_reply(self.calculator, line)
            if reply is not None:
                self.term.say(reply, "cyan")
                continue
            try:
                response = parse_answer(question, line)
            except AnswerFormatError as error:
                self.term.say(f"Not accepted: {error}. Try again.", "yellow")
                continue
            return self._finish(question, response, started, hints)

    def _hint(self, steps: list[str], shown: int) -> int:
        if shown >= len(steps):
            self.term.say("No more hints: the next step is the answer itself." if steps
                          else "No more hints for this question.", "dim")
            return shown
        self.term.say(f"Hint {shown + 1}/{len(steps)}: {steps[shown]}", "cyan")
        return shown + 1

    def _finish(self, question: Question, response: Response | None, started: float,
                hints: int) -> DrillItem:
        seconds = self.term.clock() - started
        result = None if response is None else grade(question, response)
        item = DrillItem(question, response, result, seconds, hints)
        self._record(item)
        if result is None:
            self.term.say(f"Skipped. Key: {question.key_text()}", "dim")
        else:
            self.term.show(verdict(item))
        self.term.show(working_panel(question, self.plain))
        return item

    def _record(self, item: DrillItem) -> None:
        """The attempt and the topic's review, together: a signal waits until both are kept."""
        with held():
            self._store(item)

    def _store(self, item: DrillItem) -> None:
        q, g = item.question, item.grade
        self.history.record_attempt(Attempt(
            session_id=self.session_id, question_id=q.id, topic=q.topic, qtype=q.type,
            marks_possible=q.marks, response=None if item.response is None else item.response.text(),
            correct=None if g is None else g.correct, marks=0.0 if g is None else g.marks,
            seconds=round(item.seconds, 2), hints=item.hints,
            state="skipped" if g is None else "answered"))
        if g is not None and self.review:
            from gatebp.app.scheduler import rating_for, review

            rating = rating_for(g.correct, item.hints, item.seconds, q.marks)
            review(self.history, q.topic, rating, self.now())


def verdict(item: DrillItem) -> Text:
    """Right or wrong, the marks, the key and the named slip, one line each."""
    g, q = item.grade, item.question
    assert g is not None and item.response is not None
    word = "Correct" if g.correct else "Wrong"
    # "+2 marks", "0 marks", but a third is written as the scheme writes it: "-1/3", "-2/3"
    unit = "" if g.score.denominator != 1 else " mark" if abs(g.score) == 1 else " marks"
    text = Text(f"{word}: {g.marks_text}{unit}", style="bold green" if g.correct else "bold red")
    if g.correct and item.hints:
        text.append(f" (after {item.hints} hint{'s' if item.hints != 1 else ''}: "
                    "reviewed as Hard)")
    text.append(f"\nYour answer: {item.response.text()}   Key: {q.key_text()}")
    if not g.correct and g.mistake:
        text.append(f"\nLikely mistake: you {g.mistake}.", style="yellow")
    return text


def working_panel(question: Question, plain: bool = False) -> Panel:
    from gatebp.ui.terminal.question import AsciiOnly
    from gatebp.ui.terminal.working import question_working

    body = question_working(question, plain)
    return Panel(AsciiOnly(body) if plain else body, title="Working", title_align="left",
                 box=frame(plain))


def drill_summary(summary: DrillSummary, plain: bool = False) -> Panel:
    skipped = len(summary.items) - summary.answered
    text = Text.assemble(("Score: ", "bold"), (marks_number(summary.score), "bold"),
                         f" out of {summary.max_score} (GATE marks, negatives included)")
    text.append(f"\nCorrect {summary.correct} of {summary.answered} answered"
                f"{f', {skipped} skipped' if skipped else ''} · time {duration(summary.seconds)}")
    return Panel(text, title="Session summary", title_align="left", box=frame(plain), expand=False)


# -------------------------------------------------------------------------------------- exam
EXAM_COMMANDS = "type an answer, or n, m, c, g N, p, submit, = 2*0.5 for the calculator"
# Button commands, any case; `c` is the exception (lower case only: a capital C is option C).
_BUTTONS = {"n": "next", "m": "mark", "p": "previous", "submit": "submit", "q": "submit"}
_GOTO = re.compile(r"g(?:o(?:to)?)?(?:\s+(.*)|([0-9].*))?", re.IGNORECASE | re.ASCII)
_NUMBER = re.compile(r"[0-9]{1,6}", re.ASCII)


class ExamSession:
    """Drive a mock from typed commands; `run()` returns the submitted result.

    `paper` is a MockRecorder (journaled) or a bare Exam (nothing recorded, as in tests)."""

    def __init__(self, term: Terminal, paper: Exam | MockRecorder, plain: bool = False) -> None:
        self.term, self.plain = term, plain
        self.paper = paper if isinstance(paper, MockRecorder) else MockRecorder(paper)
        self.interrupted = False
        self.calculator = Calculator()

    @property
    def exam(self) -> Exam:
        return self.paper.exam

    def now(self) -> float:
        return self.term.clock()

    def run(self) -> ExamResult:
        self.term.show(exam_help(self.plain))
        try:
            return self._loop()
        except KeyboardInterrupt:
            self.interrupted = True
            return self._end("\nInterrupted: submitting the answers you saved.", "yellow")

    def _end(self, message: str, style: str, automatic: bool = False) -> ExamResult:
        """Submit, and only then say so: the record never waits on a terminal that may be gone."""
        self.paper.submit(self.now(), automatic)
        self.term.say(message, style)
        return self.paper.result()

    def _loop(self) -> ExamResult:
        self.show()
        while True:
            if self.exam.expired(self.now()):
                return self._time_up()
            try:
                line = self.term.ask(self.prompt(), deadline=self.exam.deadline(),
                                     idle=self._idle)
            except TimeUp:
                return self._time_up()
            if line is None:
                return self._end("End of input: submitting the answers you saved.", "yellow")
            if self.exam.expired(self.now()):
                return self._time_up()
            result = self.handle(line.strip())
            if result is not None:
                return result

    def _idle(self) -> None:
        self.paper.heartbeat(self.now())

    def prompt(self) -> str:
        left = clock_text(self.exam.time_left(self.now()))
        return f"Q{self.exam.current + 1} [{left} left] > "

    def show(self) -> None:
        exam = self.exam
        width = self.term.console.width
        left = clock_text(exam.time_left(self.now()))
        self.term.show(palette(exam.states(), exam.current, self.plain, width),
                       question_panel(exam.question, exam.current + 1, exam.total, self.plain,
                                      time_left=left))
        saved = exam.slot.saved
        if saved is not None:
            self.term.say(f"Saved answer: {saved.text()}", "green")

    def _time_up(self) -> ExamResult:
        return self._end("Time is up: the paper is submitted automatically.", "bold red",
                         automatic=True)

    def handle(self, line: str) -> ExamResult | None:
        """Act on one typed line; returns the result once the paper is submitted. A line
        starting with `=` is the virtual calculator's, never an answer."""
        reply = calculator_reply(self.calculator, line)
        if reply is not None:
            self.term.say(reply, "cyan")
            return None
        paper, now = self.paper, self.now()
        button = _BUTTONS.get(line.lower())
        goto = _GOTO.fullmatch(line)
        if line == "c":
            paper.clear(now)
            self.term.say(f"Response cleared for Q{self.exam.current + 1}.", "yellow")
            return None
        if button == "next":
            paper.save_next(now)
        elif button == "mark":
            paper.mark_next(now)
        elif button == "previous":
            self._discarded(self.exam.current, paper.previous(now))
        elif button == "submit":
            return self.confirm()
        elif goto is not None:
            self._goto((goto.group(1) or goto.group(2) or "").strip())
            return None
        else:
            self._select(line)
            return None
        self.show()
        return None

    def _goto(self, number: str) -> None:
        total = self.exam.total
        if not _NUMBER.fullmatch(number) or not 1 <= int(number) <= total:
            missing = f"there is no question {number}; " if _NUMBER.fullmatch(number) else ""
            self.term.say(f"Not accepted: {missing}go to which question? 1-{total} (e.g. g 2).",
                          "yellow")
            return
        before = self.exam.current
        discarded = self.paper.goto(int(number), self.now())
        self._discarded(before, discarded)
        self.show()

    def _discarded(self, index: int, discarded: bool) -> None:
        if discarded:
            self.term.say(f"Your new choice on Q{index + 1} was not saved (use n or m to save).",
                          "yellow")

    def _select(self, line: str) -> None:
        if not line:
            self.term.say(f"Nothing typed: {EXAM_COMMANDS}.", "yellow")
            return
        try:
            response = parse_answer(self.exam.question, line)
        except AnswerFormatError as error:
            self.term.say(f"Not accepted: {error} ({EXAM_COMMANDS}).", "yellow")
            return
        self.paper.select(response)
        self.term.say(f"Selected {response.text()} for Q{self.exam.current + 1}: not saved yet "
                      "(n Save & Next, m Mark for Review & Next).", "cyan")

    def confirm(self) -> ExamResult | None:
        self.term.say(submit_text(self.exam.counts()), "bold")
        slot = self.exam.slot
        if slot.unsaved and slot.selected is not None:
            self.term.say(f"Q{self.exam.current + 1}'s selection {slot.selected.text()} is not "
                          "saved and will not count (n or m saves it).", "yellow")
        try:
            line = self.term.ask("Submit the paper? (y to submit, anything else to go back) ",
                                 deadline=self.exam.deadline(), idle=self._idle)
        except TimeUp:
            return self._time_up()
        if line is None or line.strip().lower() in ("y", "yes"):
            self.paper.submit(self.now())
            return self.paper.result()
        self.show()
        return None


SUBMIT_ORDER = ("answered", "not_answered", "marked", "answered_marked", "not_visited")


def submit_text(counts: dict[str, int]) -> str:
    """The counts GATE shows before the final submit."""
    assert set(SUBMIT_ORDER) == set(PALETTE_STATES) == set(counts)
    parts = [f"{STATE_LABELS[s]} {counts.get(s, 0)}" for s in SUBMIT_ORDER]
    return "Before you submit: " + " · ".join(parts)
