"""The history file's rows and words: its schema, how records become rows and back, and the one
line that explains a file SQLite could not read or write (app/history.py holds the connection).
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from gatebp.core.errors import GatebpError
from gatebp.gate.attempt import STATES, Attempt

# Version 1: sessions, attempts, cards. Version 2 adds the mock journal (mocks, mock_slots):
# one row per unfinished or finished mock and one per question, updated as the student works.
# Version 3 adds step_attempts: one row per step of a guided question, written as it is checked.
_SCHEMA = """
CREATE TABLE IF NOT EXISTS sessions (
    id INTEGER PRIMARY KEY,
    started_at TEXT NOT NULL,
    mode TEXT NOT NULL CHECK (mode IN ('drill', 'exam', 'paper')),
    seed INTEGER,
    count INTEGER NOT NULL,
    finished_at TEXT,
    score REAL,
    max_score REAL
);
CREATE TABLE IF NOT EXISTS attempts (
    id INTEGER PRIMARY KEY,
    session_id INTEGER REFERENCES sessions(id),
    question_id TEXT NOT NULL,
    topic TEXT NOT NULL,
    qtype TEXT NOT NULL,
    marks_possible INTEGER NOT NULL,
    response TEXT,
    correct INTEGER,
    marks REAL NOT NULL,
    seconds REAL NOT NULL,
    hints INTEGER NOT NULL DEFAULT 0,
    state TEXT NOT NULL,
    at TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS attempts_at ON attempts(at);
CREATE INDEX IF NOT EXISTS attempts_topic ON attempts(topic);
CREATE TABLE IF NOT EXISTS cards (
    topic TEXT PRIMARY KEY,
    card_json TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS mocks (
    session_id INTEGER PRIMARY KEY REFERENCES sessions(id),
    seconds_allowed REAL NOT NULL,
    seconds_left REAL NOT NULL,
    current INTEGER NOT NULL,
    open INTEGER NOT NULL DEFAULT 1,
    pid INTEGER,
    updated_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS mock_slots (
    session_id INTEGER NOT NULL REFERENCES mocks(session_id),
    number INTEGER NOT NULL,
    question_id TEXT NOT NULL,
    topic TEXT NOT NULL,
    qtype TEXT NOT NULL,
    marks_possible INTEGER NOT NULL,
    question_json TEXT,
    saved TEXT,
    correct INTEGER,
    marks REAL NOT NULL DEFAULT 0,
    marked INTEGER NOT NULL DEFAULT 0,
    visited INTEGER NOT NULL DEFAULT 0,
    seconds REAL NOT NULL DEFAULT 0,
    PRIMARY KEY (session_id, number)
);
CREATE TABLE IF NOT EXISTS step_attempts (
    id INTEGER PRIMARY KEY,
    session_id INTEGER REFERENCES sessions(id),
    question_id TEXT NOT NULL,
    topic TEXT NOT NULL,
    number INTEGER NOT NULL,
    skill TEXT NOT NULL,
    quantity TEXT NOT NULL,
    typed TEXT,
    outcome TEXT NOT NULL,
    slip TEXT,
    at TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS step_attempts_at ON step_attempts(at);
"""

_ATTEMPT_COLUMNS = (
    "session_id, question_id, topic, qtype, marks_possible, response, correct, marks, "
    "seconds, hints, state, at"
)
_INSERT_ATTEMPT = f"INSERT INTO attempts ({_ATTEMPT_COLUMNS}) VALUES ({', '.join('?' * 12)})"


# How a guided step ended: right at once, right on the retry, wrong twice, or revealed.
STEP_OUTCOMES = ("right", "second", "wrong", "revealed")
_STEP_COLUMNS = "session_id, question_id, topic, number, skill, quantity, typed, outcome, slip, at"
_INSERT_STEP = f"INSERT INTO step_attempts ({_STEP_COLUMNS}) VALUES ({', '.join('?' * 10)})"


@dataclass(frozen=True)
class StepAttempt:
    """One step of a guided question as the student left it; `right` means at the first try."""

    session_id: int | None
    question_id: str
    topic: str
    number: int
    skill: str
    quantity: str
    typed: str | None
    outcome: str
    slip: str | None = None
    at: datetime = field(default_factory=lambda: datetime.now(UTC))

    def __post_init__(self) -> None:
        if self.outcome not in STEP_OUTCOMES:
            raise ValueError(f"unknown step outcome {self.outcome!r}; expected one of {STEP_OUTCOMES}")

    @property
    def right(self) -> bool:
        return self.outcome == "right"

    def row(self) -> tuple[Any, ...]:
        return (self.session_id, self.question_id, self.topic, self.number, self.skill,
                self.quantity, self.typed, self.outcome, self.slip, iso(self.at))


def step_from_row(path: Path, row: Any) -> StepAttempt:
    (session_id, question_id, topic, number, skill, quantity, typed, outcome, slip, at,
     row_id) = row
    if outcome not in STEP_OUTCOMES:
        raise bad_row(path, "step_attempts", row_id, f"unknown outcome {_clip(outcome)}")
    return StepAttempt(session_id, str(question_id), str(topic), int(number), str(skill),
                       str(quantity), typed, outcome, slip,
                       parse_time(path, "step_attempts", row_id, at))


class HistoryError(GatebpError):
    """The history file cannot be read or written; the message names it and the remedy."""


def iso(moment: datetime) -> str:
    """The history's time format: UTC ISO text; naive datetimes are taken to be UTC already."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).isoformat()


_iso = iso


@dataclass(frozen=True)
class Session:
    """A drill, exam or paper run; `finished_at` stays None if it was abandoned."""

    id: int
    started_at: datetime
    mode: str
    seed: int | None
    count: int
    finished_at: datetime | None
    score: float | None
    max_score: float | None


def explain(path: Path, error: BaseException) -> str:
    """One line for a failed open, read or write: what is wrong with `path` and what to do."""
    text, path = str(error), Path(path)
    low = text.lower()
    if "full" in low or (_io_failure(low) and _no_space(path.parent)):
        return (f"{path}: disk full, so the history cannot be written ({text}); everything "
                "saved before is kept: free some space and run it again "
                "(`gatebp practice --resume` continues a mock)")
    if "readonly" in low or "read-only" in low or (_io_failure(low) and _read_only(path)):
        return (f"{path}: the history is read-only ({text}); make the file and its folder "
                "writable, or use another folder with --data-dir")
    if "locked" in low or "busy" in low:
        return (f"{path}: the history is locked by another program ({text}); close the other "
                "gatebp, or wait a moment, and try again")
    if path.is_dir():
        return (f"{path}: this is a folder, not a history file; move it aside, or use another "
                "folder with --data-dir")
    if _io_failure(low):
        return (f"{path}: cannot open the history ({text}); check that its folder exists and "
                "is readable and writable, or use another folder with --data-dir")
    return (f"{path}: the history file cannot be read ({text}); it is left as it is: move it "
            f"aside (e.g. rename it to {path.name}.broken) to start a new history")


def _io_failure(message: str) -> bool:
    """SQLite's words when the file system, not the file, failed it."""
    return "unable to open" in message or "disk i/o" in message


def _no_space(folder: Path) -> bool:
    try:
        stats = os.statvfs(folder)
    except OSError:
        return False
    return stats.f_bavail * stats.f_frsize < 64 * 1024


def _read_only(path: Path) -> bool:
    """The file or its folder cannot be written (a read-only mount refuses even root)."""
    folder = path.parent
    return (folder.is_dir() and not os.access(folder, os.W_OK)) or (
        path.is_file() and not os.access(path, os.W_OK))


def _clip(value: object, limit: int = 40) -> str:
    """A stored value quoted for a message: repr (control characters escaped), at most `limit`."""
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _parse_time(value: object) -> datetime:
    if not isinstance(value, str):
        raise ValueError(f"bad time {_clip(value)}")
    try:
        return datetime.fromisoformat(value)
    except ValueError:
        raise ValueError(f"bad time {_clip(value)}") from None


def bad_row(path: Path, table: str, row_id: object, reason: object) -> HistoryError:
    """A row that cannot be read: the file was edited or damaged; say which row and how out."""
    return HistoryError(
        f"{path}: row {_clip(row_id)} of {table} cannot be read ({reason}); the file was edited "
        f"or damaged: delete that row (sqlite3 {path.name} \"DELETE FROM {table} WHERE "
        f"rowid = {_clip(row_id)}\") or move the file aside to start a new history")


def attempt_row(a: Attempt) -> tuple[Any, ...]:
    correct = None if a.correct is None else int(a.correct)
    return (a.session_id, a.question_id, a.topic, a.qtype, a.marks_possible, a.response,
            correct, a.marks, a.seconds, a.hints, a.state, _iso(a.at))


def parse_time(path: Path, table: str, row_id: object, value: object) -> datetime:
    """A stored time, or a HistoryError naming the row when it is not one."""
    try:
        return _parse_time(value)
    except ValueError as error:
        raise bad_row(path, table, row_id, error) from None


def _attempt_from_row(path: Path, row: Any) -> Attempt:
    (session_id, question_id, topic, qtype, marks_possible, response, correct, marks,
     seconds, hints, state, at, row_id) = row
    if state not in STATES:
        raise bad_row(path, "attempts", row_id, f"unknown state {_clip(state)}")
    return Attempt(
        session_id=session_id, question_id=question_id, topic=topic, qtype=qtype,
        marks_possible=marks_possible, response=response,
        correct=None if correct is None else bool(correct), marks=marks, seconds=seconds,
        hints=hints, state=state, at=parse_time(path, "attempts", row_id, at), id=row_id,
    )


def session_from_row(path: Path, row: Any) -> Session:
    sid, started, mode, seed, count, finished, score, max_score = row
    return Session(
        id=sid, started_at=parse_time(path, "sessions", sid, started), mode=mode, seed=seed,
        count=count,
        finished_at=None if finished is None else parse_time(path, "sessions", sid, finished),
        score=score, max_score=max_score,
    )
