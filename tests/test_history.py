"""The attempt store keeps every attempt, even with two sessions writing at once."""

from __future__ import annotations

import multiprocessing
import sqlite3
import threading
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from gatebp.core.errors import GatebpError
from gatebp.app.history import (
    DB_NAME,
    SCHEMA_VERSION,
    Attempt,
    History,
    data_dir,
    read_attempts,
)

NOON = datetime(2025, 1, 15, 12, 0, tzinfo=timezone.utc)


def attempt(session_id: int | None, n: int = 0, **changes: object) -> Attempt:
    fields: dict[str, object] = dict(
        session_id=session_id, question_id=f"q{n}", topic="relu_chain", qtype="MCQ",
        marks_possible=2, response="B", correct=True, marks=2.0, seconds=42.5, hints=0,
        state="answered", at=NOON,
    )
    fields.update(changes)
    return Attempt(**fields)  # type: ignore[arg-type]


def test_data_dir_prefers_the_flag_then_the_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("GATEBP_HOME", str(tmp_path / "env"))
    assert data_dir(tmp_path / "flag") == tmp_path / "flag"
    assert data_dir(None) == tmp_path / "env"
    monkeypatch.delenv("GATEBP_HOME")
    assert "gatebp" in str(data_dir(None))


def test_first_open_creates_a_versioned_schema_in_wal_mode(tmp_path: Path) -> None:
    with History.open(tmp_path / "new") as history:
        assert history.schema_version == SCHEMA_VERSION
    db = sqlite3.connect(tmp_path / "new" / DB_NAME)
    assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    tables = {r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    assert {"sessions", "attempts", "cards"} <= tables


def test_attempts_round_trip_and_are_visible_to_another_connection(tmp_path: Path) -> None:
    history = History.open(tmp_path)
    sid = history.start_session("exam", seed=7, count=3, now=NOON)
    history.record_attempt(attempt(sid, 1))
    history.record_attempt(attempt(sid, 2, response=None, correct=None, marks=0.0,
                                   state="not_visited"))
    history.record_attempt(attempt(sid, 3, correct=False, marks=-2 / 3, hints=1))
    # no close(), no commit(): a second reader must already see all three
    seen = read_attempts(tmp_path)
    assert [a.question_id for a in seen] == ["q1", "q2", "q3"]
    assert seen[1].response is None and seen[1].correct is None
    assert seen[2].correct is False and seen[2].marks == pytest.approx(-2 / 3)
    assert seen[0].at == NOON and seen[0].id is not None
    history.close()


def test_record_attempts_stores_a_whole_exam_in_one_transaction(tmp_path: Path) -> None:
    with History.open(tmp_path) as history:
        sid = history.start_session("exam", seed=7, count=3, now=NOON)
        history.record_attempts([attempt(sid, 1), attempt(sid, 2, state="not_visited")])
        assert [a.question_id for a in read_attempts(tmp_path)] == ["q1", "q2"]
        # the third row names no session: it fails, and the two before it are not kept either
        broken = [attempt(sid, 3), attempt(sid, 4), attempt(999, 5)]
        with pytest.raises(sqlite3.IntegrityError):
            history.record_attempts(broken)
        assert [a.question_id for a in read_attempts(tmp_path)] == ["q1", "q2"]
        history.record_attempt(attempt(sid, 6))  # the connection is usable afterwards
    assert [a.question_id for a in read_attempts(tmp_path)] == ["q1", "q2", "q6"]


def test_sessions_record_start_and_finish(tmp_path: Path) -> None:
    with History.open(tmp_path) as history:
        sid = history.start_session("paper", seed=None, count=65, now=NOON)
        assert history.sessions()[0].finished_at is None
        history.finish_session(sid, score=41.0, max_score=100.0, now=NOON + timedelta(hours=3))
        session = history.sessions()[0]
    assert (session.mode, session.count, session.score, session.max_score) == (
        "paper", 65, 41.0, 100.0)
    assert session.finished_at == NOON + timedelta(hours=3)


def test_since_filters_by_time(tmp_path: Path) -> None:
    with History.open(tmp_path) as history:
        history.record_attempt(attempt(None, 1, at=NOON - timedelta(days=3)))
        history.record_attempt(attempt(None, 2, at=NOON))
        assert [a.question_id for a in history.attempts(since=NOON - timedelta(days=1))] == ["q2"]


def test_cards_are_upserted_per_topic(tmp_path: Path) -> None:
    with History.open(tmp_path) as history:
        assert history.load_card("relu_chain") is None
        history.save_card("relu_chain", '{"v": 1}')
        history.save_card("relu_chain", '{"v": 2}')
        assert history.load_card("relu_chain") == '{"v": 2}'
        assert history.cards() == {"relu_chain": '{"v": 2}'}


def test_bad_state_and_mode_are_refused(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="state"):
        attempt(None, state="done")
    with History.open(tmp_path) as history, pytest.raises(ValueError, match="mode"):
        history.start_session("quiz", seed=1, count=1)


def test_reading_a_missing_history_creates_nothing(tmp_path: Path) -> None:
    assert read_attempts(tmp_path / "absent") == []
    assert not (tmp_path / "absent").exists()


def test_a_newer_schema_or_a_non_database_is_a_clear_error(tmp_path: Path) -> None:
    (tmp_path / "a").mkdir()
    sqlite3.connect(tmp_path / "a" / DB_NAME).execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    with pytest.raises(GatebpError, match="newer"):
        History.open(tmp_path / "a")
    (tmp_path / "b").mkdir()
    (tmp_path / "b" / DB_NAME).write_text("not sqlite " * 100)
    with pytest.raises(GatebpError, match="history file cannot be read"):
        History.open(tmp_path / "b")


PER_WRITER = 150


def _write_many(directory: str, tag: str) -> None:
    with History.open(Path(directory)) as history:
        sid = history.start_session("drill", seed=None, count=PER_WRITER)
        for n in range(PER_WRITER):
            history.record_attempt(attempt(sid, n, question_id=f"{tag}-{n}"))


def test_two_threads_writing_at_once_lose_nothing(tmp_path: Path) -> None:
    threads = [threading.Thread(target=_write_many, args=(str(tmp_path), t)) for t in "ab"]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    ids = {a.question_id for a in read_attempts(tmp_path)}
    assert len(ids) == 2 * PER_WRITER


def test_two_processes_writing_at_once_lose_nothing(tmp_path: Path) -> None:
    context = multiprocessing.get_context("spawn")
    procs = [context.Process(target=_write_many, args=(str(tmp_path), t)) for t in "xy"]
    for p in procs:
        p.start()
    for p in procs:
        p.join(timeout=60)
        assert p.exitcode == 0
    with History.open(tmp_path) as history:
        assert len(history.attempts()) == 2 * PER_WRITER
        assert len(history.sessions()) == 2
