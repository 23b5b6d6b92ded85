"""The timed exam in line mode over a Terminal, and the lazy question sources practice uses.

The exam drives the pure `Exam` state machine from typed
commands through a MockRecorder, which journals every save, mark, clear and move as it happens;
it submits at zero, at end of input, or on Ctrl-C (a kill or a closed terminal), with what was
saved, recording first and only then printing (a closed terminal cannot print).
"""

from __future__ import annotations

import random
import re
from collections.abc import Callable, Iterator, Sequence
from datetime import datetime

from gatebp.app.history import History, utc_now
from gatebp.app.io import Terminal, TimeUp, clock_text
from gatebp.app.mock import MockRecorder
from gatebp.core.calculator import Calculator, calculator_reply
from gatebp.core.errors import AnswerFormatError, GatebpError
from gatebp.gate.exam import PALETTE_STATES, STATE_LABELS, Exam, ExamResult
from gatebp.gate.grade import parse_answer
from gatebp.gate.question import Question
from gatebp.ui.terminal.question import exam_help, palette, question_panel


class LazyQuestions(Sequence[Question]):
    """Questions built from a plan only when first read, so the first appears quickly."""

    def __init__(self, plan: Sequence[tuple[str, str, int, int]]) -> None:
        self.plan = list(plan)
        self._built: dict[int, Question] = {}

    def __len__(self) -> int:
        return len(self.plan)

    def __getitem__(self, index):
        if isinstance(index, slice):
            return [self[i] for i in range(len(self))[index]]
        if index < 0:
            index += len(self)
        if index not in self._built:
            from gatebp.questions.generate import build_question

            self._built[index] = build_question(*self.plan[index])
        return self._built[index]


def adaptive_questions(history: History, count: int, rng: random.Random,
                       marks: int | None = None, now: Callable[[], datetime] = utc_now,
                       topics: Sequence[str] = (), types: Sequence[str] = ()) -> Iterator[Question]:
    """Topics chosen by the scheduler before each question (so this session's reviews count),
    each a fresh variant with a fresh seed; the previous topic is avoided when others exist.
    `topics` and `types` narrow the choice (a guided drill: NAT questions on a network)."""
    from gatebp.app.scheduler import pick_topics
    from gatebp.questions.generate import build_question, families_by_name

    families = {f.name: f for f in families_by_name(topics) if (marks is None or marks in f.marks)
                and (not types or set(types) & set(f.types))}
    if not families:
        raise GatebpError(f"no topic offers {marks}-mark questions")
    previous = None
    for _ in range(count):
        order = pick_topics(history, list(families), len(families), now(), rng)
        topic = next((t for t in order if t != previous), order[0])
        fam = families[topic]
        forms = [(t, m) for t in fam.types for m in fam.marks
                 if (marks is None or m == marks) and (not types or t in types)]
        qtype, qmarks = rng.choice(forms)
        previous = topic
        yield build_question(topic, qtype, qmarks, rng.randrange(10**6))


# -------------------------------------------------------------------------------------- exam
EXAM_COMMANDS = "type an answer, or n, m, c, g N, p, submit, = 2*0.5 for the calculator"
# Button commands, any case; `c` is the exception (lower case only: a capital C is option C).
_BUTTONS = {"n": "next", "m": "mark", "p": "previous", "submit": "submit", "q": "submit"}
_GOTO = re.compile(r"g(?:o(?:to)?)?(?:\s+(.*)|([0-9].*))?", re.IGNORECASE | re.ASCII)
_NUMBER = re.compile(r"[0-9]{1,6}", re.ASCII)


class ExamSession:
    """Drive a mock from typed commands; `run()` returns the submitted result.

    `paper` is a MockRecorder (journaled) or a bare Exam (nothing recorded, as in tests)."""

    def __init__(self, term: Terminal, paper: Exam | MockRecorder) -> None:
        self.term = term
        self.paper = paper if isinstance(paper, MockRecorder) else MockRecorder(paper)
        self.interrupted = False
        self.calculator = Calculator()

    @property
    def exam(self) -> Exam:
        return self.paper.exam

    def now(self) -> float:
        return self.term.clock()

    def run(self) -> ExamResult:
        self.term.show(exam_help())
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
        self.term.show(palette(exam.states(), exam.current, width),
                       question_panel(exam.question, exam.current + 1, exam.total,
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
