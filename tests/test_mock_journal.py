"""The mock journal: every save, mark, clear and move is in the history the moment it happens;
submit only finalizes; an unfinished mock is resumed with its answers, marks and time left."""

from __future__ import annotations

import json
import os
import sqlite3
from pathlib import Path

import pytest
from click.testing import CliRunner
from test_practice_drill import flat, right_text, wrong_text

from gatebp.app import journal
from gatebp.app.history import DB_NAME, History, read_attempts
from gatebp.app.mock import HEARTBEAT_SECONDS, MockRecorder
from gatebp.app.session import LazyQuestions
from gatebp.cli.main import cli
from gatebp.core.errors import GatebpError
from gatebp.gate.grade import parse_answer
from gatebp.questions.generate import generate_set, plan_set

SEED, COUNT = 21, 5


def lazy() -> LazyQuestions:
    return LazyQuestions(plan_set(SEED, COUNT))


def slots(directory: Path) -> list[tuple]:
    """What another process would read from the journal right now."""
    db = sqlite3.connect(directory / DB_NAME)
    return db.execute("SELECT number, saved, marked, visited FROM mock_slots ORDER BY number"
                      ).fetchall()


def mock_row(directory: Path) -> tuple:
    db = sqlite3.connect(directory / DB_NAME)
    return db.execute("SELECT current, seconds_left, open FROM mocks").fetchone()


def started(history: History, questions=None) -> MockRecorder:  # type: ignore[no-untyped-def]
    return MockRecorder.start(history, "exam", SEED, questions or lazy(), 600.0, now=0.0)


def answer(recorder: MockRecorder, text: str) -> None:
    recorder.select(parse_answer(recorder.exam.question, text))


def test_every_button_is_in_the_history_at_once_and_a_choice_is_not(tmp_path: Path) -> None:
    qs = generate_set(SEED, COUNT)
    with History.open(tmp_path) as history:
        rec = started(history)
        assert slots(tmp_path)[0][1:] == (None, 0, 1) and mock_row(tmp_path) == (0, 600.0, 1)
        answer(rec, right_text(qs[0]))
        assert slots(tmp_path)[0][1] is None  # selected only: GATE records on save
        rec.save_next(10.0)
        saved = parse_answer(qs[0], right_text(qs[0])).text()
        assert slots(tmp_path)[0][1:] == (saved, 0, 1) and slots(tmp_path)[1][3] == 1
        answer(rec, wrong_text(qs[1]))
        rec.mark_next(20.0)
        assert slots(tmp_path)[1][2] == 1 and mock_row(tmp_path)[:2] == (2, 580.0)
        rec.goto(2, 30.0)
        rec.clear(31.0)
        assert slots(tmp_path)[1][1] is None and slots(tmp_path)[1][2] == 1  # the mark stays
        rec.previous(40.0)
        assert mock_row(tmp_path)[0] == 0
        assert read_attempts(tmp_path) == []  # unfinished: nothing is an attempt yet


def test_submit_finalizes_from_the_journal_without_building_a_question(tmp_path: Path) -> None:
    qs = generate_set(SEED, COUNT)
    with History.open(tmp_path) as history:
        questions = lazy()
        rec = started(history, questions)
        answer(rec, right_text(qs[0]))
        rec.save_next(10.0)
        answer(rec, wrong_text(qs[1]))
        rec.mark_next(25.0)
        rec.submit(30.0)
        assert sorted(questions._built) == [0, 1]  # only what was answered: nothing else
        attempts = read_attempts(tmp_path)
        assert [a.state for a in attempts] == ["answered", "answered_marked", "not_answered",
                                               "not_visited", "not_visited"]
        assert [a.correct for a in attempts] == [True, False, None, None, None]
        assert [a.seconds for a in attempts] == [10.0, 15.0, 5.0, 0.0, 0.0]
        session = history.sessions()[0]
        assert session.finished_at is not None and mock_row(tmp_path)[2] == 0
        result = rec.result()  # the score sheet may build the rest now
        assert float(result.score) == pytest.approx(session.score)
        assert result.max_score == session.max_score == sum(q.marks for q in qs)
        rec.submit(40.0)  # twice is harmless
        assert len(read_attempts(tmp_path)) == COUNT


def test_resume_restores_question_answers_marks_and_the_time_left(tmp_path: Path) -> None:
    qs = generate_set(SEED, COUNT)
    with History.open(tmp_path) as history:
        rec = started(history)
        answer(rec, right_text(qs[0]))
        rec.save_next(10.0)
        answer(rec, right_text(qs[1]))
        rec.mark_next(30.0)
        rec.mark_next(45.0)   # Q3 marked, no answer
        del rec               # killed: nothing else runs
        (stored,) = journal.unfinished(history)
        assert (stored.current, stored.seconds_left, stored.saved) == (3, 555.0, 2)
        again = MockRecorder.resume(history, stored, now=5000.0)  # dead for a long time
        exam = again.exam
        assert exam.current == 3 and exam.time_left(5000.0) == 555.0
        assert exam.states() == ["answered", "answered_marked", "marked", "not_answered",
                                 "not_visited"]
        assert exam.slots[0].saved == parse_answer(qs[0], right_text(qs[0]))
        assert exam.question.id == qs[3].id  # rebuilt from its id
        again.submit(5010.0)
        assert float(again.result().score) == qs[0].marks + qs[1].marks
        assert [a.seconds for a in read_attempts(tmp_path)][:4] == [10.0, 20.0, 15.0, 10.0]


def test_the_heartbeat_stores_the_time_left_every_few_seconds(tmp_path: Path) -> None:
    with History.open(tmp_path) as history:
        rec = started(history)
        rec.heartbeat(HEARTBEAT_SECONDS / 2)
        assert mock_row(tmp_path)[1] == 600.0  # throttled
        rec.heartbeat(HEARTBEAT_SECONDS + 1)
        assert mock_row(tmp_path)[1] == 600.0 - HEARTBEAT_SECONDS - 1


def test_bank_questions_are_stored_whole_and_come_back_the_same(tmp_path: Path) -> None:
    from gatebp.questions.sets import practice_set

    questions = practice_set(3, 4, (), None, "question_bank", bank_only=True)
    with History.open(tmp_path) as history:
        rec = started(history, questions)
        rec.save_next(1.0)
        (stored,) = journal.unfinished(history)
        assert all(s.question_json for s in stored.slots)
        again = MockRecorder.resume(history, stored, now=0.0)
        assert list(again.exam.questions) == questions


def test_an_unfinished_mock_can_be_submitted_as_it_stands(tmp_path: Path) -> None:
    qs = generate_set(SEED, COUNT)
    with History.open(tmp_path) as history:
        rec = started(history)
        answer(rec, right_text(qs[0]))
        rec.save_next(10.0)
        done = journal.submit_stored(history, journal.unfinished(history)[0])
        assert not done.open and done.score == qs[0].marks and journal.unfinished(history) == []
    assert [a.state for a in read_attempts(tmp_path)][:3] == ["answered", "not_answered",
                                                             "not_visited"]


def test_stats_never_counts_an_unfinished_mock(tmp_path: Path) -> None:
    qs = generate_set(SEED, COUNT)
    with History.open(tmp_path) as history:
        rec = started(history)
        answer(rec, right_text(qs[0]))
        rec.save_next(10.0)
    result = CliRunner().invoke(cli, ["stats", "--json", "--data-dir", str(tmp_path)])
    data = json.loads(result.output)
    assert data["attempts"] == 0 and data["unfinished_mocks"] == 1
    assert sum(data["states"].values()) == 0
    text = CliRunner().invoke(cli, ["stats", "--data-dir", str(tmp_path)]).output
    assert "No attempts yet" in text and "1 unfinished mock, not counted here" in text


def killed_mock(directory: Path) -> list:
    """A mock with Q1 answered right and Q2 marked, then left as a SIGKILL leaves it."""
    qs = generate_set(SEED, COUNT)
    with History.open(directory) as history:
        rec = started(history)
        answer(rec, right_text(qs[0]))
        rec.save_next(10.0)
        rec.mark_next(20.0)
    db = sqlite3.connect(directory / DB_NAME)
    db.execute("UPDATE mocks SET pid = NULL")  # this test process is alive; a killed one is not
    db.commit()
    return qs


def test_resume_over_a_pipe_continues_and_submits(tmp_path: Path) -> None:
    qs = killed_mock(tmp_path)
    result = CliRunner().invoke(cli, ["practice", "--resume", "--plain", "--data-dir",
                                      str(tmp_path)], input=f"{right_text(qs[2])}\nn\nsubmit\ny\n")
    assert result.exit_code == 0, result.output
    out = flat(result.output)
    assert "Resuming the unfinished mock exam of" in out and "(Q3 of 5, 1 saved, 9:40 left)" in out
    assert "< 3:N >" in out and "[ 1:A ]" in out and "[ 2:M ]" in out
    assert [a.state for a in read_attempts(tmp_path)] == ["answered", "marked", "answered",
                                                         "not_answered", "not_visited"]


def test_a_new_practice_over_a_pipe_names_the_mock_and_never_waits(tmp_path: Path) -> None:
    killed_mock(tmp_path)
    result = CliRunner().invoke(cli, ["practice", "--seed", "1", "--count", "1", "--plain",
                                      "--data-dir", str(tmp_path)], input="s\n")
    assert result.exit_code == 0, result.output
    assert "Note: the unfinished mock exam of" in result.output
    assert "`gatebp practice --resume` continues it" in result.output
    assert "Skipped." in result.output  # the piped line went to the drill, not to the offer
    with History.open(tmp_path) as history:
        assert len(journal.unfinished(history)) == 1


def test_resume_refuses_options_and_says_when_there_is_nothing(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["practice", "--resume", "--count", "3"])
    assert result.exit_code == 2 and "--resume continues the mock as it was" in result.output
    result = CliRunner().invoke(cli, ["practice", "--resume", "--data-dir", str(tmp_path)])
    assert isinstance(result.exception, GatebpError)
    assert "there is no unfinished mock to resume" in str(result.exception)


def test_a_mock_open_in_another_running_gatebp_is_left_alone(tmp_path: Path) -> None:
    killed_mock(tmp_path)
    db = sqlite3.connect(tmp_path / DB_NAME)
    db.execute("UPDATE mocks SET pid = ?", (os.getppid(),))  # a live process, recently
    db.commit()
    result = CliRunner().invoke(cli, ["practice", "--resume", "--data-dir", str(tmp_path)])
    assert "open in another gatebp" in str(result.exception)
    result = CliRunner().invoke(cli, ["practice", "--seed", "1", "--count", "1", "--data-dir",
                                      str(tmp_path)], input="q\n")
    assert result.exit_code == 0 and "unfinished mock" not in result.output


def test_a_damaged_journal_row_is_a_clear_error(tmp_path: Path) -> None:
    killed_mock(tmp_path)
    db = sqlite3.connect(tmp_path / DB_NAME)
    db.execute("UPDATE mock_slots SET saved = 'Z\x1b' WHERE number = 0")
    db.commit()
    result = CliRunner().invoke(cli, ["practice", "--resume", "--data-dir", str(tmp_path)])
    message = str(result.exception)
    assert "the journal of unfinished mock 1 cannot be read (question 1 has saved answer" in message
    assert "UPDATE mocks SET open = 0 WHERE session_id = 1" in message and "\x1b" not in message
