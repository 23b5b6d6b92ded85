"""The mock journal: a mock's palette stored in the history as it changes, so nothing is lost.

A mock writes one `mocks` row (time left, the question on screen, whether it is still open) and
one `mock_slots` row per question (how to rebuild it, the saved answer and its grade, the
review mark, visited, seconds) when it starts, and then updates the rows a button touched, each
change in its own small transaction. Submitting writes the attempts and closes the session and
the journal in one transaction; until then the mock is *unfinished*: `gatebp stats` does not
count it (its questions are not attempts yet) and `gatebp practice --resume` reopens it.

Everything here works from the stored rows alone: finishing a mock never builds a question, so
it is quick enough to run while signals are held.
"""

from __future__ import annotations

import json
import os
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from fractions import Fraction
from pathlib import Path
from typing import Any

from gatebp.app.history import (
    Attempt,
    History,
    HistoryError,
    Session,
    attempt_row,
    iso,
    parse_time,
    utc_now,
)
from gatebp.gate.exam import EVALUATED, Slot
from gatebp.gate.grade import Response
from gatebp.gate.question import LABELS, Question

# A journal younger than this whose process still runs belongs to a mock in progress elsewhere.
LIVE_SECONDS = 600
_SLOT_COLUMNS = ("number, question_id, topic, qtype, marks_possible, question_json, saved, "
                 "correct, marks, marked, visited, seconds")


@dataclass(frozen=True)
class JournalSlot:
    """One question of a mock as stored: what rebuilds it, and its palette button.

    A generated question is rebuilt from its id; any other (a bank question) is stored whole as
    `question_json`. `correct` and `score` grade the saved answer when it was saved."""

    number: int
    question_id: str
    topic: str
    qtype: str
    marks: int
    question_json: str | None = None
    saved: str | None = None
    correct: bool | None = None
    score: float = 0.0
    marked: bool = False
    visited: bool = False
    seconds: float = 0.0

    @property
    def state(self) -> str:
        return Slot(saved=None if self.saved is None else Response(), marked=self.marked,
                    visited=self.visited).state

    def row(self) -> tuple[Any, ...]:
        correct = None if self.correct is None else int(self.correct)
        return (self.number, self.question_id, self.topic, self.qtype, self.marks,
                self.question_json, self.saved, correct, self.score, int(self.marked),
                int(self.visited), self.seconds)

    def attempt(self, session_id: int, at: datetime) -> Attempt:
        """The attempt this question becomes at submit: only an evaluated state has marks."""
        evaluated = self.state in EVALUATED
        return Attempt(session_id=session_id, question_id=self.question_id, topic=self.topic,
                       qtype=self.qtype, marks_possible=self.marks, response=self.saved,
                       correct=self.correct if evaluated else None,
                       marks=self.score if evaluated else 0.0, seconds=round(self.seconds, 2),
                       state=self.state, at=at)

    def response(self) -> Response | None:
        """The saved answer as a Response, read without building the question."""
        if self.saved is None:
            return None
        if self.qtype == "NAT":
            return Response.nat(float(self.saved), typed=self.saved)
        return Response.pick(*(LABELS.index(letter) for letter in self.saved.split(";")))


@dataclass(frozen=True)
class MockJournal:
    """A mock as the journal holds it (finished or not)."""

    session: Session
    seconds_allowed: float
    seconds_left: float
    current: int
    open: bool
    pid: int | None
    updated_at: datetime
    slots: tuple[JournalSlot, ...]

    @property
    def saved(self) -> int:
        """Questions with an answer saved (whether or not marked for review)."""
        return sum(1 for s in self.slots if s.saved is not None)

    @property
    def max_score(self) -> int:
        return sum(s.marks for s in self.slots)

    @property
    def score(self) -> Fraction:
        return sum((Fraction(s.attempt(0, self.updated_at).marks).limit_denominator(3)
                    for s in self.slots), Fraction(0))

    def live(self, now: datetime | None = None) -> bool:
        """True while another running gatebp is sitting this mock (two must never share it)."""
        updated = self.updated_at
        if updated.tzinfo is None:
            updated = updated.replace(tzinfo=UTC)
        age = ((now or utc_now()) - updated).total_seconds()
        return (self.open and self.pid is not None and self.pid != os.getpid()
                and age < LIVE_SECONDS and _running(self.pid))


def _running(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OverflowError, ValueError):
        return True
    return True


# -- the rows a mock starts with ---------------------------------------------------------------
def plan_slots(questions: Sequence[Question]) -> list[JournalSlot]:
    """One slot per question, read from a lazy set's plan when it has one (nothing is built)."""
    from gatebp.questions.generate import ID_PATTERN, question_id

    plan = getattr(questions, "plan", None)
    if plan is not None:
        return [JournalSlot(i, question_id(*item), item[0], item[1], item[2])
                for i, item in enumerate(plan)]
    slots = []
    for i, q in enumerate(questions):
        rebuilt = q.source == "generated" and ID_PATTERN.match(q.id)
        stored = None if rebuilt else json.dumps(q.to_dict(), sort_keys=True)
        slots.append(JournalSlot(i, q.id, q.topic, q.type, q.marks, stored))
    return slots


# -- writing -----------------------------------------------------------------------------------
def start(history: History, mode: str, seed: int | None, seconds_allowed: float,
          slots: Sequence[JournalSlot], now: datetime | None = None) -> int:
    """The session, its journal row and every question's row, in one transaction."""
    moment = iso(now or utc_now())
    with history.transaction() as db:
        cursor = db.execute("INSERT INTO sessions (started_at, mode, seed, count) "
                            "VALUES (?, ?, ?, ?)", (moment, mode, seed, len(slots)))
        sid = int(cursor.lastrowid or 0)
        db.execute("INSERT INTO mocks (session_id, seconds_allowed, seconds_left, current, pid, "
                   "updated_at) VALUES (?, ?, ?, 0, ?, ?)",
                   (sid, seconds_allowed, seconds_allowed, os.getpid(), moment))
        db.executemany(f"INSERT INTO mock_slots (session_id, {_SLOT_COLUMNS}) VALUES "
                       f"(?, {', '.join('?' * 12)})", [(sid, *s.row()) for s in slots])
    return sid


def _update_slots(db: Any, session_id: int, slots: Sequence[JournalSlot]) -> None:
    db.executemany("UPDATE mock_slots SET saved = ?, correct = ?, marks = ?, marked = ?, "
                   "visited = ?, seconds = ? WHERE session_id = ? AND number = ?",
                   [(*s.row()[6:], session_id, s.number) for s in slots])


def _update_mock(db: Any, session_id: int, current: int, seconds_left: float) -> None:
    db.execute("UPDATE mocks SET current = ?, seconds_left = ?, pid = ?, updated_at = ? "
               "WHERE session_id = ? AND open = 1",
               (current, seconds_left, os.getpid(), iso(utc_now()), session_id))


def write(history: History, session_id: int, current: int, seconds_left: float,
          slots: Sequence[JournalSlot]) -> None:
    """What one button changed: the slots it touched, the question on screen, the time left."""
    with history.transaction() as db:
        _update_slots(db, session_id, slots)
        _update_mock(db, session_id, current, seconds_left)


def finish(history: History, session_id: int, current: int, seconds_left: float,
           slots: Sequence[JournalSlot], now: datetime | None = None) -> MockJournal:
    """Submit: the final slots, every question's attempt and the session's score, at once."""
    moment = now or utc_now()
    with history.transaction() as db:
        _update_slots(db, session_id, slots)
        _update_mock(db, session_id, current, seconds_left)
        journal = _load(history, session_id)
        if not journal.open:
            return journal  # submitted already (by another gatebp): nothing to add
        db.executemany("INSERT INTO attempts (session_id, question_id, topic, qtype, "
                       "marks_possible, response, correct, marks, seconds, hints, state, at) "
                       f"VALUES ({', '.join('?' * 12)})",
                       [attempt_row(s.attempt(session_id, moment)) for s in journal.slots])
        db.execute("UPDATE sessions SET finished_at = ?, score = ?, max_score = ? WHERE id = ?",
                   (iso(moment), float(journal.score), journal.max_score, session_id))
        db.execute("UPDATE mocks SET open = 0 WHERE session_id = ?", (session_id,))
    return replace(journal, open=False)


def submit_stored(history: History, journal: MockJournal) -> MockJournal:
    """Submit an unfinished mock as the journal left it (the student asked to)."""
    return finish(history, journal.session.id, journal.current, journal.seconds_left, ())


# -- reading -----------------------------------------------------------------------------------
def unfinished(history: History) -> list[MockJournal]:
    """Every mock not yet submitted, newest first (an older history has none)."""
    if not history.has_table("mocks"):
        return []
    rows = history.query("SELECT session_id FROM mocks WHERE open = 1 ORDER BY session_id DESC")
    return [_load(history, int(sid)) for (sid,) in rows]


def count_unfinished(directory: Path) -> int:
    """How many mocks wait to be resumed or submitted (read-only; 0 without a history)."""
    history = History.open_read_only(directory)
    if history is None:
        return 0
    with history:
        if not history.has_table("mocks"):
            return 0
        return int(history.query("SELECT count(*) FROM mocks WHERE open = 1")[0][0])


def bad_journal(path: Path, session_id: int, reason: str) -> HistoryError:
    """A journal that cannot be read: the way out closes that mock and keeps every row."""
    return HistoryError(
        f"{path}: the journal of unfinished mock {session_id} cannot be read ({reason}); the "
        f"file was edited or damaged: set it aside (sqlite3 {path.name} \"UPDATE mocks SET "
        f"open = 0 WHERE session_id = {session_id}\") or move the file aside")


def _load(history: History, session_id: int) -> MockJournal:
    """One mock's journal, checked: its questions numbered 0..n-1 and the current among them."""
    rows = history.query("SELECT seconds_allowed, seconds_left, current, open, pid, updated_at "
                         "FROM mocks WHERE session_id = ?", (session_id,))
    if not rows:
        raise bad_journal(history.path, session_id, "it is missing")
    allowed, left, current, is_open, pid, updated = rows[0]
    slots = tuple(_slot(history.path, session_id, row) for row in history.query(
        f"SELECT {_SLOT_COLUMNS} FROM mock_slots WHERE session_id = ? ORDER BY number",
        (session_id,)))
    numbers = [s.number for s in slots]
    if not slots or numbers != list(range(len(slots))) or current not in numbers:
        raise bad_journal(history.path, session_id, "its questions do not match")
    return MockJournal(history.session(session_id), float(allowed), float(left), int(current),
                       bool(is_open), pid, parse_time(history.path, "mocks", session_id,
                                                      updated), slots)


def _slot(path: Path, session_id: int, row: Any) -> JournalSlot:
    """One stored question, refused with the way out if its type or saved answer is garbled."""
    (number, qid, topic, qtype, marks, stored, saved, correct, score, marked, visited,
     seconds) = row
    slot = JournalSlot(number, qid, topic, qtype, marks, stored, saved,
                       None if correct is None else bool(correct), float(score), bool(marked),
                       bool(visited), float(seconds))
    where = f"question {number + 1!r:.12}"
    if qtype not in ("NAT", "MCQ", "MSQ"):
        raise bad_journal(path, session_id, f"{where} has type {qtype!r:.20}")
    try:
        slot.response()
    except (ValueError, TypeError, AttributeError):
        raise bad_journal(path, session_id, f"{where} has saved answer {saved!r:.30}") from None
    return slot


# -- rebuilding the questions ------------------------------------------------------------------
class RebuiltQuestions(Sequence[Question]):
    """A journaled mock's questions, each rebuilt (by id, or from its stored record) only
    when first read, so a resumed mock opens as fast as a new one."""

    def __init__(self, path: Path, slots: Sequence[JournalSlot]) -> None:
        self.path, self.slots = path, list(slots)
        self._built: dict[int, Question] = {}

    def __len__(self) -> int:
        return len(self.slots)

    def __getitem__(self, index):
        if isinstance(index, slice):
            return [self[i] for i in range(len(self))[index]]
        if index < 0:
            index += len(self)
        if index not in self._built:
            self._built[index] = self._build(self.slots[index])
        return self._built[index]

    def _build(self, slot: JournalSlot) -> Question:
        if slot.question_json is None:
            from gatebp.questions.generate import question_from_id

            return question_from_id(slot.question_id)
        try:
            return Question.from_dict(json.loads(slot.question_json))
        except (ValueError, KeyError, TypeError) as error:
            raise HistoryError(f"{self.path}: question {slot.number + 1} of the unfinished "
                               f"mock cannot be rebuilt ({type(error).__name__}); submit it "
                               "as it stands (answer s when `gatebp practice` asks)") from None
