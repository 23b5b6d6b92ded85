"""A mock that keeps itself: the Exam's buttons, each journaled the moment it is pressed.

Every front end drives a mock through a MockRecorder rather than the bare Exam, so a kill, a
closed terminal or a power cut can lose nothing that was saved:

    recorder = MockRecorder.start(history, "paper", seed, questions, seconds, now=clock())
    recorder.select(response)              # a choice only: not recorded (GATE saves on n / m)
    recorder.save_next(clock())            # also mark_next, clear, goto(n, ...), previous(...)
    recorder.heartbeat(clock())            # often while idle: stores the time left (throttled)
    recorder.submit(clock(), automatic)    # records the paper: quick, builds no question
    result = recorder.result()             # then grades it for the score sheet (may build)

On any exception before a clean submit call `recorder.salvage(clock())`; it records what was
saved. Read the paper (palette, current question, countdown) from `recorder.exam`.
`MockRecorder.resume(history, journal, now)` reopens an unfinished mock from the journal.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import replace

from gatebp.app import journal
from gatebp.app.history import History, HistoryError, utc_now
from gatebp.app.journal import JournalSlot, MockJournal, RebuiltQuestions, plan_slots
from gatebp.app.signals import held
from gatebp.gate.exam import Exam, ExamResult, Slot
from gatebp.gate.grade import Response, grade
from gatebp.gate.question import Question

HEARTBEAT_SECONDS = 5.0


class MockRecorder:
    """An Exam plus its journal; without a history (tests, previews) it only drives the Exam."""

    def __init__(self, exam: Exam, slots: Sequence[JournalSlot] = (),
                 history: History | None = None, session_id: int | None = None) -> None:
        self.exam = exam
        self.slots = list(slots)  # each question as last written to the journal
        self.history, self.session_id = history, session_id
        self.finished = False
        self.broken = False  # a journal write failed: the file is the problem, write no more
        self._beat = exam.started

    @classmethod
    def start(cls, history: History, mode: str, seed: int | None,
              questions: Sequence[Question], seconds_allowed: float, now: float) -> MockRecorder:
        """A new mock: its session and every question's row are journaled before Q1 shows."""
        slots = plan_slots(questions)
        slots[0] = replace(slots[0], visited=True)
        session_id = journal.start(history, mode, seed, seconds_allowed, slots)
        return cls(Exam(questions, seconds_allowed, started=now), slots, history, session_id)

    @classmethod
    def resume(cls, history: History, stored: MockJournal, now: float) -> MockRecorder:
        """An unfinished mock reopened at the question it was on, with the time it had left."""
        questions = RebuiltQuestions(history.path, stored.slots)
        slots = [Slot(saved=s.response(), marked=s.marked, visited=s.visited,
                      seconds=s.seconds) for s in stored.slots]
        exam = Exam.restore(questions, stored.seconds_left, now, stored.current, slots)
        recorder = cls(exam, stored.slots, history, stored.session.id)
        recorder._write(now, [stored.current])  # claims the journal for this process
        return recorder

    @property
    def recording(self) -> bool:
        return self.history is not None and self.session_id is not None

    # -- the buttons ------------------------------------------------------------------------
    def select(self, response: Response) -> None:
        """Choose an answer; like GATE, nothing is recorded until Save or Mark."""
        self.exam.select(response)

    def save_next(self, now: float) -> None:
        before = self.exam.current
        self.exam.save_next(now)
        self._write(now, [before, self.exam.current])

    def mark_next(self, now: float) -> None:
        before = self.exam.current
        self.exam.mark_next(now)
        self._write(now, [before, self.exam.current])

    def clear(self, now: float) -> None:
        self.exam.clear()
        self._write(now, [self.exam.current])

    def goto(self, number: int, now: float) -> bool:
        """Open question `number`; True if an unsaved choice was dropped (as Exam.goto)."""
        before = self.exam.current
        discarded = self.exam.goto(number, now)
        self._write(now, [before, self.exam.current])
        return discarded

    def previous(self, now: float) -> bool:
        before = self.exam.current
        discarded = self.exam.previous(now)
        self._write(now, [before, self.exam.current])
        return discarded

    def heartbeat(self, now: float) -> None:
        """Store the time left every few seconds, so a kill costs the student at most that."""
        if self.finished or self.exam.closed or now - self._beat < HEARTBEAT_SECONDS:
            return
        self._write(now, [self.exam.current])

    # -- the end ----------------------------------------------------------------------------
    def submit(self, now: float, automatic: bool = False) -> None:
        """Close the paper and record it: attempts, score, session closed, in one transaction.
        Reads only the journal rows, never a question, so it is quick with signals held."""
        if self.finished:
            return
        with held():
            if not self.exam.closed:
                self.exam.close(now, automatic)
            if self.recording:
                self._finish(now)
            self.finished = True

    def _finish(self, now: float) -> None:
        assert self.history is not None and self.session_id is not None
        rows = self._rows(range(self.exam.total), now)
        try:
            journal.finish(self.history, self.session_id, self.exam.current,
                           self.exam.time_left(now), rows, utc_now())
        except HistoryError:
            self.broken = True
            raise

    def result(self) -> ExamResult:
        """The graded paper for the score sheet (builds any question not yet built)."""
        if self.exam.result is not None:
            return self.exam.result
        if not self.exam.closed:
            raise RuntimeError("submit the paper before asking for its result")
        return self.exam.submit(self.exam.deadline())  # closed: graded as it was closed

    def salvage(self, now: float) -> None:
        """After anything went wrong before a clean submit: record what was saved."""
        if not self.finished and not self.broken:
            self.submit(now)

    # -- the journal ------------------------------------------------------------------------
    def _write(self, now: float, indexes: Iterable[int]) -> None:
        if not self.recording or self.broken or self.finished:
            return
        assert self.history is not None and self.session_id is not None
        rows = self._rows(dict.fromkeys(indexes), now)
        try:
            journal.write(self.history, self.session_id, self.exam.current,
                          self.exam.time_left(now), rows)
        except HistoryError:
            self.broken = True
            raise
        self._beat = now

    def _rows(self, indexes: Iterable[int], now: float) -> list[JournalSlot]:
        """The journal rows of these questions as the Exam has them now (kept as written)."""
        rows = []
        for index in indexes:
            slot = self.exam.slots[index]
            row = replace(self._graded(index), marked=slot.marked, visited=slot.visited,
                          seconds=round(self.exam.seconds_on(index, now), 2))
            self.slots[index] = row
            rows.append(row)
        return rows

    def _graded(self, index: int) -> JournalSlot:
        """The stored row with the saved answer's grade; graded only when the answer changed
        (a saved answer is always on a question that was built to be shown)."""
        stored, saved = self.slots[index], self.exam.slots[index].saved
        text = None if saved is None else saved.text()
        if text == stored.saved:
            return stored
        correct, score = None, 0.0
        if saved is not None:
            try:
                marked = grade(self.exam.questions[index], saved)
                correct, score = marked.correct, marked.marks
            except Exception:
                pass
        return replace(stored, saved=text, correct=correct, score=score)


class RecordedExam:
    """The Exam's own interface over a MockRecorder, for front ends written against Exam (the
    full-screen mock): every button goes through the recorder, so it is journaled at once, and
    each countdown tick stores the time left (throttled by the recorder's heartbeat)."""

    def __init__(self, recorder: MockRecorder, clock: Callable[[], float]) -> None:
        self.recorder, self.clock = recorder, clock

    @property
    def exam(self) -> Exam:
        return self.recorder.exam

    @property
    def current(self) -> int:
        return self.exam.current

    @property
    def result(self) -> ExamResult | None:
        return self.exam.result

    @property
    def total(self) -> int:
        return self.exam.total

    @property
    def question(self) -> Question:
        return self.exam.question

    @property
    def slot(self) -> Slot:
        return self.exam.slot

    def states(self) -> list[str]:
        return self.exam.states()

    def counts(self) -> dict[str, int]:
        return self.exam.counts()

    def deadline(self) -> float:
        return self.exam.deadline()

    def expired(self, now: float) -> bool:
        return self.exam.expired(now)

    def time_left(self, now: float) -> float:
        self.recorder.heartbeat(now)
        return self.recorder.exam.time_left(now)

    def select(self, response: Response) -> None:
        self.recorder.select(response)

    def save_next(self, now: float) -> None:
        self.recorder.save_next(now)

    def mark_next(self, now: float) -> None:
        self.recorder.mark_next(now)

    def clear(self) -> None:
        self.recorder.clear(self.clock())

    def goto(self, number: int, now: float) -> bool:
        return self.recorder.goto(number, now)

    def previous(self, now: float) -> bool:
        return self.recorder.previous(now)

    def submit(self, now: float, automatic: bool = False) -> ExamResult:
        self.recorder.submit(now, automatic)
        return self.recorder.result()
