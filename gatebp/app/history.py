"""The attempt store: every answer a student gives, kept in one SQLite file.

Each drill attempt is committed the moment it is recorded (a mock's in one transaction), so a crash or Ctrl-C mid-session loses
nothing; WAL mode and a busy timeout let two terminals practise at once without corrupting the
file. The schema carries a version (PRAGMA user_version) so later releases can migrate it.
"""

from __future__ import annotations

import os
import sqlite3
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from types import TracebackType
from typing import Any

from gatebp.core.errors import GatebpError

SCHEMA_VERSION = 1
DB_NAME = "history.sqlite3"
MODES = ("drill", "exam", "paper")
STATES = ("answered", "answered_marked", "marked", "not_answered", "not_visited", "skipped")
BUSY_TIMEOUT_MS = 10_000

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
"""

_ATTEMPT_COLUMNS = (
    "session_id, question_id, topic, qtype, marks_possible, response, correct, marks, "
    "seconds, hints, state, at"
)
_INSERT_ATTEMPT = f"INSERT INTO attempts ({_ATTEMPT_COLUMNS}) VALUES ({', '.join('?' * 12)})"


def utc_now() -> datetime:
    return datetime.now(timezone.utc)


def _iso(moment: datetime) -> str:
    """UTC ISO text; naive datetimes are taken to be UTC already."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    return moment.astimezone(timezone.utc).isoformat()


@dataclass(frozen=True)
class Attempt:
    """One question answered (or skipped, or left) in a session; `marks` are GATE marks."""

    session_id: int | None
    question_id: str
    topic: str
    qtype: str
    marks_possible: int
    response: str | None
    correct: bool | None
    marks: float
    seconds: float
    hints: int = 0
    state: str = "answered"
    at: datetime = field(default_factory=utc_now)
    id: int | None = None

    def __post_init__(self) -> None:
        if self.state not in STATES:
            raise ValueError(f"unknown attempt state {self.state!r}; expected one of {STATES}")


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


def data_dir(explicit: Path | None = None) -> Path:
    """Where history lives: --data-dir, else $GATEBP_HOME, else the platform's user data dir."""
    if explicit is not None:
        return Path(explicit)
    env = os.environ.get("GATEBP_HOME")
    if env:
        return Path(env)
    from platformdirs import user_data_dir

    return Path(user_data_dir("gatebp"))


def read_attempts(directory: Path, since: datetime | None = None) -> list[Attempt]:
    """Attempts in `directory`'s history, or [] when it has none yet (nothing is created)."""
    if not (Path(directory) / DB_NAME).exists():
        return []
    with History.open(directory) as history:
        return history.attempts(since)


class History:
    """A connection to the history file; open one per thread or process."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        try:
            self._db = sqlite3.connect(
                self.path, timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None
            )
            self._configure()
        except sqlite3.DatabaseError as error:
            raise GatebpError(f"{self.path}: cannot open history database ({error})") from error

    @classmethod
    def open(cls, directory: Path) -> History:
        """Open (creating on first use) the history in `directory`."""
        directory = Path(directory)
        directory.mkdir(parents=True, exist_ok=True)
        return cls(directory / DB_NAME)

    def _configure(self) -> None:
        self._db.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        self._use_wal()
        self._db.execute("PRAGMA foreign_keys = ON")
        self._migrate()

    def _use_wal(self) -> None:
        """Switch a new file to WAL; two first opens can race, and SQLite then fails at once."""
        deadline = time.monotonic() + BUSY_TIMEOUT_MS / 1000
        while True:
            try:
                self._db.execute("PRAGMA journal_mode = WAL")
                return
            except sqlite3.OperationalError as error:
                if "locked" not in str(error) or time.monotonic() > deadline:
                    raise
                time.sleep(0.01)

    def _migrate(self) -> None:
        """Create the schema on first open; refuse a file written by a newer gatebp."""
        self._db.execute("BEGIN IMMEDIATE")
        try:
            version = self._db.execute("PRAGMA user_version").fetchone()[0]
            if version > SCHEMA_VERSION:
                raise GatebpError(
                    f"{self.path}: history schema {version} is newer than this gatebp"
                )
            if version < SCHEMA_VERSION:
                for statement in _SCHEMA.split(";"):
                    if statement.strip():
                        self._db.execute(statement)
                self._db.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
            self._db.execute("COMMIT")
        except BaseException:
            self._db.execute("ROLLBACK")
            raise

    @property
    def schema_version(self) -> int:
        return int(self._db.execute("PRAGMA user_version").fetchone()[0])

    def start_session(
        self, mode: str, seed: int | None, count: int, now: datetime | None = None
    ) -> int:
        if mode not in MODES:
            raise ValueError(f"unknown session mode {mode!r}; expected one of {MODES}")
        cursor = self._db.execute(
            "INSERT INTO sessions (started_at, mode, seed, count) VALUES (?, ?, ?, ?)",
            (_iso(now or utc_now()), mode, seed, count),
        )
        return int(cursor.lastrowid or 0)

    def finish_session(
        self, session_id: int, score: float, max_score: float, now: datetime | None = None
    ) -> None:
        self._db.execute(
            "UPDATE sessions SET finished_at = ?, score = ?, max_score = ? WHERE id = ?",
            (_iso(now or utc_now()), score, max_score, session_id),
        )

    def record_attempt(self, attempt: Attempt) -> int:
        """Store one attempt, committed at once; returns its row id."""
        cursor = self._db.execute(_INSERT_ATTEMPT, _attempt_row(attempt))
        return int(cursor.lastrowid or 0)

    def record_attempts(self, attempts: Sequence[Attempt]) -> None:
        """Store several attempts (a whole mock) in one transaction: all of them or none, so an
        interruption part-way can never leave half an exam in the history."""
        rows = [_attempt_row(a) for a in attempts]
        self._db.execute("BEGIN IMMEDIATE")
        try:
            self._db.executemany(_INSERT_ATTEMPT, rows)
            self._db.execute("COMMIT")
        except BaseException:
            self._db.execute("ROLLBACK")
            raise

    def attempts(self, since: datetime | None = None) -> list[Attempt]:
        """All attempts (skips included) in the order they were made, optionally from `since`."""
        query = f"SELECT {_ATTEMPT_COLUMNS}, id FROM attempts"
        params: tuple[str, ...] = ()
        if since is not None:
            query, params = query + " WHERE at >= ?", (_iso(since),)
        rows = self._db.execute(query + " ORDER BY at, id", params).fetchall()
        return [_attempt_from_row(row) for row in rows]

    def sessions(self) -> list[Session]:
        rows = self._db.execute(
            "SELECT id, started_at, mode, seed, count, finished_at, score, max_score "
            "FROM sessions ORDER BY id"
        ).fetchall()
        return [_session_from_row(row) for row in rows]

    def load_card(self, topic: str) -> str | None:
        """The scheduler's card JSON for a topic, or None if the topic was never reviewed."""
        row = self._db.execute("SELECT card_json FROM cards WHERE topic = ?", (topic,)).fetchone()
        return None if row is None else str(row[0])

    def save_card(self, topic: str, card_json: str, now: datetime | None = None) -> None:
        self._db.execute(
            "INSERT INTO cards (topic, card_json, updated_at) VALUES (?, ?, ?) "
            "ON CONFLICT(topic) DO UPDATE SET card_json = excluded.card_json, "
            "updated_at = excluded.updated_at",
            (topic, card_json, _iso(now or utc_now())),
        )

    def cards(self) -> dict[str, str]:
        """Every topic's card JSON, for ordering topics in one query."""
        rows = self._db.execute("SELECT topic, card_json FROM cards").fetchall()
        return {str(topic): str(card) for topic, card in rows}

    def close(self) -> None:
        self._db.close()

    def __enter__(self) -> History:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        value: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()


def _attempt_row(a: Attempt) -> tuple[Any, ...]:
    correct = None if a.correct is None else int(a.correct)
    return (a.session_id, a.question_id, a.topic, a.qtype, a.marks_possible, a.response,
            correct, a.marks, a.seconds, a.hints, a.state, _iso(a.at))


def _attempt_from_row(row: Any) -> Attempt:
    (session_id, question_id, topic, qtype, marks_possible, response, correct, marks,
     seconds, hints, state, at, row_id) = row
    return Attempt(
        session_id=session_id, question_id=question_id, topic=topic, qtype=qtype,
        marks_possible=marks_possible, response=response,
        correct=None if correct is None else bool(correct), marks=marks, seconds=seconds,
        hints=hints, state=state, at=datetime.fromisoformat(at), id=row_id,
    )


def _session_from_row(row: Any) -> Session:
    sid, started, mode, seed, count, finished, score, max_score = row
    return Session(
        id=sid, started_at=datetime.fromisoformat(started), mode=mode, seed=seed, count=count,
        finished_at=None if finished is None else datetime.fromisoformat(finished),
        score=score, max_score=max_score,
    )
