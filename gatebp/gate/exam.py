"""The GATE computer-based test as a pure state machine: palette states, buttons, submit, marks.

No I/O and no clock of its own: the front end passes `now` (seconds, any monotonic origin), so
tests can drive every rule directly. The rules it follows (docs: /work/shared/GATE.md):

- Choosing an answer only *selects* it; Save & Next or Mark for Review & Next records it.
- Jumping to another question (palette, Previous) leaves the new choice unsaved: it is discarded.
- Save & Next saves the choice and clears a review mark; Mark for Review & Next saves and marks.
- Clear Response removes the saved answer (a review mark stays).
- Answered and Answered & Marked are evaluated; Marked (no answer), Not Answered and Not Visited
  are not. At zero the paper is submitted with what was saved.

Submitting is two steps so that a front end can record a paper without building its questions:
`close()` freezes the palette (time ticked, unsaved choices dropped), which is all a record
needs; `submit()` closes and then grades every question for the score sheet. `restore()` reopens
a paper from a journal, with the time it had left.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from fractions import Fraction

from gatebp.gate.grade import Grade, Response, grade
from gatebp.gate.question import Question

NOT_VISITED = "not_visited"
NOT_ANSWERED = "not_answered"
ANSWERED = "answered"
MARKED = "marked"
ANSWERED_MARKED = "answered_marked"
PALETTE_STATES = (NOT_VISITED, NOT_ANSWERED, ANSWERED, MARKED, ANSWERED_MARKED)
EVALUATED = (ANSWERED, ANSWERED_MARKED)
# The palette legend's words for each state: the one place the question palette, the submit
# summary, the score sheet and `gatebp stats` take them from.
STATE_LABELS = {NOT_VISITED: "Not Visited", NOT_ANSWERED: "Not Answered", ANSWERED: "Answered",
                MARKED: "Marked for Review", ANSWERED_MARKED: "Answered & Marked"}


@dataclass
class Slot:
    """One palette button: what is saved, what is only selected, and the time spent on it."""

    saved: Response | None = None
    selected: Response | None = None
    marked: bool = False
    visited: bool = False
    seconds: float = 0.0

    @property
    def state(self) -> str:
        if not self.visited:
            return NOT_VISITED
        if self.saved is not None:
            return ANSWERED_MARKED if self.marked else ANSWERED
        return MARKED if self.marked else NOT_ANSWERED

    @property
    def unsaved(self) -> bool:
        """A choice was selected that differs from what is saved."""
        return self.selected is not None and self.selected != self.saved


@dataclass(frozen=True)
class QuestionResult:
    """One question after submission: its palette state, the saved answer and GATE marks."""

    number: int
    question: Question
    state: str
    response: Response | None
    grade: Grade
    seconds: float

    @property
    def evaluated(self) -> bool:
        return self.state in EVALUATED


@dataclass(frozen=True)
class ExamResult:
    results: tuple[QuestionResult, ...]
    automatic: bool = False

    @property
    def score(self) -> Fraction:
        return sum((r.grade.score for r in self.results), Fraction(0))

    @property
    def max_score(self) -> int:
        return sum(r.question.marks for r in self.results)

    def counts(self) -> dict[str, int]:
        return state_counts(r.state for r in self.results)


def state_counts(states: object) -> dict[str, int]:
    counts = dict.fromkeys(PALETTE_STATES, 0)
    for state in states:  # type: ignore[attr-defined]
        counts[state] += 1
    return counts


@dataclass
class Exam:
    """A timed paper. `questions` may be a lazy sequence: a question is read when it is opened."""

    questions: Sequence[Question]
    seconds_allowed: float
    started: float = 0.0
    current: int = 0
    slots: list[Slot] = field(default_factory=list)
    result: ExamResult | None = None
    closed: bool = False
    automatic: bool = False
    _since: float = 0.0

    def __post_init__(self) -> None:
        if not self.slots:
            self.slots = [Slot() for _ in range(len(self.questions))]
        if len(self.slots) != len(self.questions) or not 0 <= self.current < len(self.slots):
            raise ValueError("an exam needs one slot per question and a current question")
        self.slots[self.current].visited = True
        self._since = self.started

    @classmethod
    def restore(cls, questions: Sequence[Question], seconds_left: float, now: float,
                current: int, slots: list[Slot]) -> Exam:
        """A paper reopened after an interruption: the clock restarts at `now` with the time
        that was left (time spent while the program was not running does not count)."""
        return cls(questions, max(0.0, seconds_left), started=now, current=current, slots=slots)

    # -- the clock -------------------------------------------------------------------------
    def deadline(self) -> float:
        return self.started + self.seconds_allowed

    def time_left(self, now: float) -> float:
        return max(0.0, self.deadline() - now)

    def expired(self, now: float) -> bool:
        return now >= self.deadline()

    # -- reading ----------------------------------------------------------------------------
    @property
    def total(self) -> int:
        return len(self.slots)

    @property
    def slot(self) -> Slot:
        return self.slots[self.current]

    @property
    def question(self) -> Question:
        return self.questions[self.current]

    def states(self) -> list[str]:
        return [s.state for s in self.slots]

    def counts(self) -> dict[str, int]:
        return state_counts(self.states())

    def seconds_on(self, index: int, now: float) -> float:
        """Time spent on question `index` (0-based) so far, the running visit included."""
        slot = self.slots[index]
        if index != self.current or self.closed:
            return slot.seconds
        return slot.seconds + max(0.0, min(now, self.deadline()) - self._since)

    # -- the buttons ------------------------------------------------------------------------
    def select(self, response: Response) -> None:
        """Choose an answer for the current question; nothing is recorded until a save."""
        self._open()
        self.slot.selected = response

    def save_next(self, now: float) -> None:
        """Save & Next: record the selected answer (if any), clear the review mark, move on."""
        self._save(marked=False)
        self._move((self.current + 1) % self.total, now)

    def mark_next(self, now: float) -> None:
        """Mark for Review & Next: record the selected answer (if any), mark it, move on."""
        self._save(marked=True)
        self._move((self.current + 1) % self.total, now)

    def clear(self) -> None:
        """Clear Response: the current question has no answer saved or selected."""
        self._open()
        self.slot.saved = self.slot.selected = None

    def goto(self, number: int, now: float) -> bool:
        """Open question `number` (1-based) from the palette; True if a new choice was discarded."""
        if not 1 <= number <= self.total:
            raise ValueError(f"there is no question {number}; choose 1 to {self.total}")
        return self._move(number - 1, now)

    def previous(self, now: float) -> bool:
        """Back to the previous question (wrapping); like a jump, it discards an unsaved choice."""
        return self._move((self.current - 1) % self.total, now)

    def close(self, now: float, automatic: bool = False) -> None:
        """End the paper without grading: time is ticked and unsaved choices are dropped, so
        the palette is final (a record needs no more, and reads no question)."""
        self._open()
        self._tick(now)
        self.slot.selected = None
        self.closed, self.automatic = True, automatic

    def submit(self, now: float, automatic: bool = False) -> ExamResult:
        """End the paper: unsaved choices are dropped, saved answers are graded by their state.
        A paper already closed is graded as it was closed (`now` is then not used)."""
        if self.result is not None:
            raise RuntimeError("the paper has been submitted")
        if not self.closed:
            self.close(now, automatic)
        results = tuple(self._result(i) for i in range(self.total))
        self.result = ExamResult(results, self.automatic)
        return self.result

    # -- internals --------------------------------------------------------------------------
    def _open(self) -> None:
        if self.closed or self.result is not None:
            raise RuntimeError("the paper has been submitted")

    def _save(self, marked: bool) -> None:
        self._open()
        slot = self.slot
        if slot.selected is not None:
            slot.saved = slot.selected
        slot.selected = None
        slot.marked = marked

    def _move(self, index: int, now: float) -> bool:
        self._open()
        discarded = self.slot.unsaved
        self.slot.selected = None
        self._tick(now)
        self.current = index
        self.slot.visited = True
        return discarded

    def _tick(self, now: float) -> None:
        now = min(now, self.deadline())
        self.slot.seconds += max(0.0, now - self._since)
        self._since = now

    def _result(self, index: int) -> QuestionResult:
        slot, question = self.slots[index], self.questions[index]
        state = slot.state
        response = slot.saved if state in EVALUATED else None
        return QuestionResult(index + 1, question, state, slot.saved,
                              grade(question, response), slot.seconds)
