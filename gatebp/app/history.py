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
from datetime import datetime
from pathlib import Path
from types import TracebackType
from typing import Any

from gatebp.app.history_rows import (
    _ATTEMPT_COLUMNS,
    _INSERT_ATTEMPT,
    _INSERT_STEP,
    _SCHEMA,
    _STEP_COLUMNS,
    HistoryError,
    Session,
    StepAttempt,
    _attempt_from_row,
    _iso,
    attempt_row,
    bad_row,
    explain,
    iso,
    parse_time,
    session_from_row,
    step_from_row,
)
from gatebp.app.signals import held
from gatebp.gate.attempt import STATES, Attempt, utc_now

# Re-exported: callers read the history's records and errors from this module.
__all__ = ["DB_NAME", "SCHEMA_VERSION", "STATES", "Attempt", "History", "HistoryError", "Session",
           "StepAttempt", "attempt_row", "bad_row", "data_dir", "explain", "iso", "parse_time",
           "read_attempts", "read_steps", "session_from_row", "utc_now"]

SCHEMA_VERSION = 3
DB_NAME = "history.sqlite3"
MODES = ("drill", "exam", "paper")
BUSY_TIMEOUT_MS = 10_000

# Programming errors stay exceptions (a bug); everything else SQLite says is about the file.
_BUGS = (sqlite3.IntegrityError, sqlite3.ProgrammingError, sqlite3.InterfaceError)


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


def read_steps(directory: Path, since: datetime | None = None) -> list[StepAttempt]:
    """Guided steps in `directory`'s history, oldest first ([] without a history; read-only)."""
    history = History.open_read_only(directory)
    if history is None:
        return []
    with history:
        return history.steps(since)


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

    def record_step(self, step: StepAttempt) -> None:
        """One guided step, committed at once: Ctrl-C after it keeps it."""
        self.write(_INSERT_STEP, step.row())

    def steps(self, since: datetime | None = None) -> list[StepAttempt]:
        """Every guided step in the order checked (an older history has none)."""
        if not self.has_table("step_attempts"):
            return []
        query = f"SELECT {_STEP_COLUMNS}, id FROM step_attempts"
        params: tuple[str, ...] = ()
        if since is not None:
            query, params = query + " WHERE at >= ?", (_iso(since),)
        return [step_from_row(self.path, row) for row in self.query(query + " ORDER BY at, id",
                                                                     params)]

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
