"""The untimed drill over a Terminal: one question at a time, hints one step at a time.

Each answer is marked the GATE way the moment it is given, the working and each option's reason
are shown, and the attempt is recorded at once (so Ctrl-C loses at most the question on screen).
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime
from fractions import Fraction
from typing import TYPE_CHECKING

from rich import box
from rich.console import Group, RenderableType
from rich.panel import Panel
from rich.text import Text

from gatebp.app.history import Attempt, History, StepAttempt, utc_now
from gatebp.app.io import Terminal
from gatebp.app.signals import held
from gatebp.core.calculator import Calculator, calculator_reply
from gatebp.core.errors import AnswerFormatError
from gatebp.core.step import HINTABLE
from gatebp.gate.grade import Grade, Response, grade, parse_answer
from gatebp.gate.question import Question
from gatebp.ui.terminal.maths import SEPARATOR, maths
from gatebp.ui.terminal.question import question_panel
from gatebp.ui.terminal.scoresheet import duration, marks_number

if TYPE_CHECKING:
    from gatebp.app.guided_drill import Worked

DRILL_PROMPT = "Answer (h hint, s skip, q quit, = calculator): "


def hint_steps(question: Question) -> list[str]:
    """The working one step at a time (forward values first, then each local derivative),
    stopping before the last step, which states the answer. Only hintable kinds are shown (never
    the key or an option's verdict), and no step that repeats an option's own statement."""
    before_answer = itertools.takewhile(lambda s: s.kind != "answer", question.solution)
    steps = [s.text for s in before_answer if s.kind in HINTABLE][:-1]
    if not question.options:
        return list(itertools.takewhile(lambda text: not _states_key(text, question), steps))
    statements = [_plain(o.text) for o in question.options if len(_plain(o.text)) > 2]
    return [s for s in steps if not any(t in _plain(s) for t in statements)]


def _states_key(text: str, question: Question) -> bool:
    """A NAT line whose result (its last number) lies in the key's range ("w = … = 16.44" in a
    family whose working has no typed answer step): from there on a hint gives the answer away.
    The numbers given inside a line do not count: a key of −2 may equal a given weight."""
    from gatebp.core.maths import parse_markup, render

    if question.type != "NAT" or "range" not in question.answer:
        return False
    lo, hi = question.answer["range"]
    numbers = re.findall(r"-?\d+(?:\.\d+)?", render(parse_markup(text), "ascii"))
    return bool(numbers) and lo - 1e-9 <= float(numbers[-1]) <= hi + 1e-9


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

    def __init__(self, term: Terminal, history: History, session_id: int,
                 review: bool = True, now: Callable[[], datetime] = utc_now,
                 guided: bool = False) -> None:
        self.term, self.history, self.session_id = term, history, session_id
        self.review, self.now, self.guided = review, now, guided
        self.summary = DrillSummary()
        self.calculator = Calculator()
        self.guided_items: set[str] = set()  # questions worked through: the answer is a step

    def run(self, questions: Iterable[Question], total: int) -> DrillSummary:
        for number, question in enumerate(questions, start=1):
            item = self.ask(question, number, total)
            if item is None:
                self.summary.quit = True
                break
            self.summary.items.append(item)
        return self.summary

    def ask(self, question: Question, number: int, total: int) -> DrillItem | None:
        """One question: None if the student quits (nothing is recorded for it). A question
        with a network can be worked through step by step: at once with `guided`, or on `g`."""
        from gatebp.app.guided import has_plan

        self.term.show(question_panel(question, number, total))
        started, guided = self.term.clock(), has_plan(question)
        if guided != self.guided:
            from gatebp.ui.terminal.guided import NO_PLAN, OFFER

            self.term.say(OFFER if guided else NO_PLAN, "dim")
        return self._answer(question, started, self.guided and guided)

    def _answer(self, question: Question, started: float, guided: bool) -> DrillItem | None:
        hints, steps, can_guide = 0, hint_steps(question), guided
        while True:
            if guided:
                guided, worked = False, self._work_through(question)
                if worked.status == "none":
                    continue
                if worked.status == "quit":
                    return None
                if worked.status == "skip":
                    return self._finish(question, None, started, hints + worked.revealed)
                hints += worked.revealed
                self.guided_items.add(question.id)
                continue
            line = self.term.ask(DRILL_PROMPT)
            command = (line or "").strip().lower()
            if line is None:
                self.term.say("End of input.", "yellow")
                return None
            if command == "q":
                return None
            if command == "g" and not can_guide:
                guided = can_guide = self._can_guide(question)
                continue
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

    def _can_guide(self, question: Question) -> bool:
        from gatebp.app.guided import has_plan

        if not has_plan(question):
            self.term.say("This question has no network to work through step by step.", "dim")
        return has_plan(question)

    def _work_through(self, question: Question) -> Worked:
        """The guided steps of this question (status "none" when it has no plan after all)."""
        from gatebp.app.guided import plan_for
        from gatebp.app.guided_drill import GuidedSteps, Worked

        plan = plan_for(question)
        if plan is None:
            self.term.say("No steps to work through for this question.", "dim")
            return Worked("none")
        return GuidedSteps(self.term, self.history, self.session_id, self.calculator).run(plan)

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
        result = None if response is None else _diagnosed(question, response)
        item = DrillItem(question, response, result, seconds, hints)
        self._record(item)
        if result is None:
            self.term.say(f"Skipped. Key: {question.key_text()}", "dim")
        else:
            self.term.show(verdict(item))
        self.term.show(working_panel(question))
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
        if g is not None and q.id in self.guided_items:
            self.history.record_step(StepAttempt(
                session_id=self.session_id, question_id=q.id, topic=q.topic, number=0,
                skill="answer", quantity="answer", typed=None if item.response is None
                else item.response.text(), outcome="right" if g.correct else "wrong"))
        if g is not None and self.review:
            from gatebp.app.scheduler import rating_for, review

            rating = rating_for(g.correct, item.hints, item.seconds, q.marks)
            review(self.history, q.topic, rating, self.now())


def _diagnosed(question: Question, response: Response) -> Grade:
    """The grade, with two slips named from the solved network when the grader named none."""
    result = grade(question, response)
    if result.correct or result.mistake or response.number is None or question.graph is None:
        return result
    from dataclasses import replace

    from gatebp.app.guided import pair_diagnosis

    return replace(result, mistake=pair_diagnosis(question, response.number))


def verdict(item: DrillItem) -> RenderableType:
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
    if g.correct or not g.mistake:
        return text
    return Group(text, maths(f"Likely mistake: you {g.mistake}.", "yellow"))


def working_panel(question: Question) -> Panel:
    from gatebp.ui.terminal.working import question_working

    return Panel(question_working(question), title="Working", title_align="left", box=box.ROUNDED)


def drill_summary(summary: DrillSummary) -> Panel:
    skipped = len(summary.items) - summary.answered
    text = Text.assemble(("Score: ", "bold"), (marks_number(summary.score), "bold"),
                         f" out of {summary.max_score} (GATE marks, negatives included)")
    tally = maths(f"Correct {summary.correct} of {summary.answered} answered"
                  f"{f', {skipped} skipped' if skipped else ''}{SEPARATOR}"
                  f"time {duration(summary.seconds)}")
    return Panel(Group(text, tally), title="Session summary", title_align="left",
                 box=box.ROUNDED, expand=False)
