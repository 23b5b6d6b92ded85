"""The attempt store: every answer a student gives, kept in one SQLite file.

Each drill attempt is committed the moment it is recorded, and a mock journals every saved
answer, mark and move as it happens (`gatebp.app.journal`), so a crash, a kill or a power cut
loses nothing that was saved; WAL mode and a busy timeout let two terminals practise at once
without corrupting the file. The schema carries a version (PRAGMA user_version); opening an
older file migrates it in one transaction.

A history that cannot be read or written is a HistoryError: one line naming the file, what is
wrong and what to do. The file is never replaced or repaired: commands that only read (stats)
open it read-only, and a damaged file is reported and left as it is.
"""

from __future__ import annotations

import os
import sqlite3
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from types import TracebackType
from typing import Any

from gatebp.app.signals import held
from gatebp.gate.attempt import STATES, Attempt, utc_now
from gatebp.core.errors import GatebpError

SCHEMA_VERSION = 2
DB_NAME = "history.sqlite3"
MODES = ("drill", "exam", "paper")
BUSY_TIMEOUT_MS = 10_000

# Version 1: sessions, attempts, cards. Version 2 adds the mock journal (mocks, mock_slots):
# one row per unfinished or finished mock and one per question, updated as the student works.
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
"""

_ATTEMPT_COLUMNS = (
    "session_id, question_id, topic, qtype, marks_possible, response, correct, marks, "
    "seconds, hints, state, at"
)
_INSERT_ATTEMPT = f"INSERT INTO attempts ({_ATTEMPT_COLUMNS}) VALUES ({', '.join('?' * 12)})"
# Programming errors stay exceptions (a bug); everything else SQLite says is about the file.
_BUGS = (sqlite3.IntegrityError, sqlite3.ProgrammingError, sqlite3.InterfaceError)


class HistoryError(GatebpError):
    """The history file cannot be read or written; the message names it and the remedy."""


def iso(moment: datetime) -> str:
    """The history's time format: UTC ISO text; naive datetimes are taken to be UTC already."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    return moment.astimezone(timezone.utc).isoformat()


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
    """Attempts in `directory`'s history, or [] when it has none yet (nothing is created, and
    the file is opened read-only, so reading can never change it)."""
    history = History.open_read_only(directory)
    if history is None:
        return []
    with history:
        return history.attempts(since)


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


class History:
    """A connection to the history file; open one per thread or process."""

    def __init__(self, path: Path, read_only: bool = False) -> None:
        self.path = Path(path)
        self.read_only = read_only
        self._db = self._connect()
        try:
            with self.errors():
                self._configure()
        except BaseException:
            self._db.close()
            raise

    @classmethod
    def open(cls, directory: Path) -> History:
        """Open (creating on first use) the history in `directory`, for reading and writing."""
        directory = Path(directory)
        _check_folder(directory)
        try:
            directory.mkdir(parents=True, exist_ok=True)
        except OSError as error:
            raise HistoryError(f"{directory}: cannot create the history folder "
                               f"({error.strerror or error}); use another with --data-dir") from None
        return cls(directory / DB_NAME)

    @classmethod
    def open_read_only(cls, directory: Path) -> History | None:
        """The history in `directory` opened read-only, or None when there is none."""
        directory = Path(directory)
        _check_folder(directory)
        path = directory / DB_NAME
        if not path.exists() and not path.is_symlink():
            return None
        return cls(path, read_only=True)

    # -- opening ------------------------------------------------------------------------------
    def _connect(self) -> sqlite3.Connection:
        """Read-write, or read-only so that reading can never change the file (a read-only
        folder, where SQLite cannot make its -shm file, is read as the file stands)."""
        timeout = BUSY_TIMEOUT_MS / 1000
        try:
            if not self.read_only:
                return sqlite3.connect(self.path, timeout=timeout, isolation_level=None)
            uri = self.path.absolute().as_uri() + "?mode=ro"
            try:
                return self._checked(sqlite3.connect(uri, uri=True, timeout=timeout,
                                                     isolation_level=None))
            except sqlite3.OperationalError as error:
                if "unable to open" not in str(error):
                    raise
                # a read-only folder: no -shm can be made, so read the file as it is
                return sqlite3.connect(uri + "&immutable=1", uri=True, timeout=timeout,
                                       isolation_level=None)
        except sqlite3.Error as error:
            if isinstance(error, _BUGS):
                raise
            raise HistoryError(explain(self.path, error)) from None

    @staticmethod
    def _checked(db: sqlite3.Connection) -> sqlite3.Connection:
        """Touch the file now, so a read-only open that cannot work fails here."""
        try:
            db.execute("PRAGMA user_version").fetchone()
        except sqlite3.OperationalError:
            db.close()
            raise
        return db

    def _configure(self) -> None:
        self._db.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        if self.read_only:
            self._refuse_newer(self.schema_version)
            return
        self._check_intact()
        self._use_wal()
        # every commit reaches the disk before it returns: a power cut keeps what was saved
        self._db.execute("PRAGMA synchronous = FULL")
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

    def _check_intact(self) -> None:
        """Refuse a damaged file before writing to it: writing could only make it worse."""
        verdict = self._db.execute("PRAGMA quick_check(1)").fetchone()
        if verdict is None or verdict[0] != "ok":
            raise sqlite3.DatabaseError("database disk image is malformed (quick_check)")

    def _refuse_newer(self, version: int) -> None:
        if version > SCHEMA_VERSION:
            raise HistoryError(f"{self.path}: history schema {version} is newer than this "
                               f"gatebp (which reads up to {SCHEMA_VERSION}); upgrade gatebp")

    def _migrate(self) -> None:
        """Create the schema on first open, or bring an older file up to date, atomically."""
        self._refuse_newer(self.schema_version)
        if self.schema_version == SCHEMA_VERSION:
            return
        with self.transaction() as db:
            version = int(db.execute("PRAGMA user_version").fetchone()[0])
            self._refuse_newer(version)
            if version < SCHEMA_VERSION:  # another process may have migrated meanwhile
                for statement in _SCHEMA.split(";"):
                    if statement.strip():
                        db.execute(statement)
                db.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")

    @property
    def schema_version(self) -> int:
        return int(self._db.execute("PRAGMA user_version").fetchone()[0])

    # -- the one way in and out -----------------------------------------------------------
    @contextmanager
    def errors(self) -> Iterator[None]:
        """SQLite's complaints about the file become one HistoryError line (bugs stay bugs)."""
        try:
            yield
        except sqlite3.Error as error:
            if isinstance(error, _BUGS):
                raise
            raise HistoryError(explain(self.path, error)) from None

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """BEGIN IMMEDIATE ... COMMIT with signals held. On failure roll back only if SQLite
        has not already done so itself (after "disk full" it has, and a second ROLLBACK would
        replace the real error with "cannot rollback - no transaction is active")."""
        with held(), self.errors():
            self._db.execute("BEGIN IMMEDIATE")
            try:
                yield self._db
                self._db.execute("COMMIT")
            except BaseException:
                if self._db.in_transaction:
                    with suppress(sqlite3.Error):
                        self._db.execute("ROLLBACK")
                raise

    def write(self, sql: str, params: Sequence[Any] = ()) -> sqlite3.Cursor:
        """One statement, committed at once (its own transaction), with signals held."""
        with held(), self.errors():
            return self._db.execute(sql, params)

    def query(self, sql: str, params: Sequence[Any] = ()) -> list[Any]:
        with self.errors():
            return self._db.execute(sql, params).fetchall()

    def has_table(self, name: str) -> bool:
        rows = self.query("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?",
                          (name,))
        return bool(rows)

    # -- sessions and attempts ------------------------------------------------------------
    def start_session(
        self, mode: str, seed: int | None, count: int, now: datetime | None = None
    ) -> int:
        if mode not in MODES:
            raise ValueError(f"unknown session mode {mode!r}; expected one of {MODES}")
        cursor = self.write(
            "INSERT INTO sessions (started_at, mode, seed, count) VALUES (?, ?, ?, ?)",
            (_iso(now or utc_now()), mode, seed, count),
        )
        return int(cursor.lastrowid or 0)

    def finish_session(
        self, session_id: int, score: float, max_score: float, now: datetime | None = None
    ) -> None:
        self.write(
            "UPDATE sessions SET finished_at = ?, score = ?, max_score = ? WHERE id = ?",
            (_iso(now or utc_now()), score, max_score, session_id),
        )

    def record_attempt(self, attempt: Attempt) -> int:
        """Store one attempt, committed at once; returns its row id."""
        cursor = self.write(_INSERT_ATTEMPT, attempt_row(attempt))
        return int(cursor.lastrowid or 0)

    def record_attempts(self, attempts: Sequence[Attempt]) -> None:
        """Store several attempts in one transaction: all of them or none."""
        rows = [attempt_row(a) for a in attempts]
        with self.transaction() as db:
            db.executemany(_INSERT_ATTEMPT, rows)

    def attempts(self, since: datetime | None = None) -> list[Attempt]:
        """All attempts (skips included) in the order they were made, optionally from `since`."""
        if not self.has_table("attempts"):
            return []  # an empty file: a history not yet begun
        query = f"SELECT {_ATTEMPT_COLUMNS}, id FROM attempts"
        params: tuple[str, ...] = ()
        if since is not None:
            query, params = query + " WHERE at >= ?", (_iso(since),)
        rows = self.query(query + " ORDER BY at, id", params)
        return [_attempt_from_row(self.path, row) for row in rows]

    def sessions(self) -> list[Session]:
        rows = self.query(
            "SELECT id, started_at, mode, seed, count, finished_at, score, max_score "
            "FROM sessions ORDER BY id"
        )
        return [session_from_row(self.path, row) for row in rows]

    def session(self, session_id: int) -> Session:
        rows = self.query(
            "SELECT id, started_at, mode, seed, count, finished_at, score, max_score "
            "FROM sessions WHERE id = ?", (session_id,))
        if not rows:
            raise bad_row(self.path, "sessions", session_id, "it is missing")
        return session_from_row(self.path, rows[0])

    # -- the scheduler's cards ------------------------------------------------------------
    def load_card(self, topic: str) -> str | None:
        """The scheduler's card JSON for a topic, or None if the topic was never reviewed."""
        rows = self.query("SELECT card_json FROM cards WHERE topic = ?", (topic,))
        return None if not rows else str(rows[0][0])

    def save_card(self, topic: str, card_json: str, now: datetime | None = None) -> None:
        self.write(
            "INSERT INTO cards (topic, card_json, updated_at) VALUES (?, ?, ?) "
            "ON CONFLICT(topic) DO UPDATE SET card_json = excluded.card_json, "
            "updated_at = excluded.updated_at",
            (topic, card_json, _iso(now or utc_now())),
        )

    def cards(self) -> dict[str, str]:
        """Every topic's card JSON, for ordering topics in one query."""
        rows = self.query("SELECT topic, card_json FROM cards")
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


def _check_folder(directory: Path) -> None:
    """A data directory that is a file is a clear error, not an empty history."""
    if directory.exists() and not directory.is_dir():
        raise HistoryError(f"{directory}: this is a file, not a folder for the history; use "
                           "another folder with --data-dir or GATEBP_HOME")


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
