"""`gatebp stats`: what a student sees, and the --json contract."""

from __future__ import annotations

import json
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

import pytest
from click.testing import CliRunner

from gatebp.cli.main import cli
from gatebp.app.history import Attempt, History
from gatebp.gate.stats import summarize

NOW = datetime.now(timezone.utc)


@pytest.fixture(autouse=True)
def isolated_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """No test may touch the real data dir: point GATEBP_HOME at an empty place."""
    home = tmp_path / "env-home"
    monkeypatch.setenv("GATEBP_HOME", str(home))
    monkeypatch.delenv("NO_COLOR", raising=False)
    monkeypatch.setenv("COLUMNS", "100")
    return home


def row(topic: str, correct: bool | None, marks: float, state: str = "answered",
        days_ago: int = 0, seconds: float = 60.0, possible: int = 2) -> Attempt:
    return Attempt(None, f"{topic}-q", topic, "MCQ", possible, "A" if correct is not None else None,
                   correct, marks, seconds, state=state, at=NOW - timedelta(days=days_ago))


def fill(directory: Path) -> None:
    with History.open(directory) as history:
        for attempt in (
            row("relu_chain", True, 2.0),
            row("relu_chain", False, -2 / 3, days_ago=1, seconds=120),
            row("relu_chain", False, -2 / 3, days_ago=1),
            row("sigmoid", True, 1.0, possible=1, days_ago=20),
            row("sigmoid", None, 0.0, state="skipped"),
            row("sgd_step", None, 0.0, state="not_visited", seconds=0),
            row("sgd_step", None, 0.0, state="not_answered", seconds=45),
            row("sgd_step", None, 0.0, state="marked", seconds=45),
            row("sgd_step", False, -2 / 3, state="answered_marked", seconds=30),
        ):
            history.record_attempt(attempt)


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, ["stats", *args])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    return result.exit_code, result.output


def test_empty_history_prints_a_friendly_line(tmp_path: Path) -> None:
    code, out = run("--data-dir", str(tmp_path / "none"))
    assert code == 0
    assert out == "No attempts yet — run `gatebp practice`.\n"
    assert not (tmp_path / "none").exists()


def test_gatebp_home_is_used_without_the_flag(isolated_home: Path) -> None:
    fill(isolated_home)
    code, out = run("--json")
    assert code == 0 and json.loads(out)["attempts"] == 5


def test_json_is_one_object_with_marks_and_unanswered_left_out(tmp_path: Path) -> None:
    fill(tmp_path)
    code, out = run("--json", "--data-dir", str(tmp_path))
    data = json.loads(out)
    assert code == 0
    # Answered and answered-and-marked count; skips, not visited, not answered, marked only don't.
    assert (data["attempts"], data["correct"], data["marks"]) == (5, 2, pytest.approx(1.0))
    assert (data["accuracy"], data["max_marks"], data["mean_seconds"]) == (0.4, 9, 66.0)
    topics = {t["topic"]: t for t in data["topics"]}
    assert set(topics) == {"relu_chain", "sigmoid", "sgd_step"}
    assert topics["relu_chain"]["marks"] == pytest.approx(0.67)
    assert topics["relu_chain"]["accuracy"] == pytest.approx(1 / 3, abs=1e-3)
    assert topics["relu_chain"]["mean_seconds"] == 80.0
    assert topics["sigmoid"]["attempts"] == 1
    assert (topics["sgd_step"]["attempts"], topics["sgd_step"]["mean_seconds"]) == (1, 30.0)
    assert data["weakest"][:2] == ["sgd_step", "relu_chain"]
    assert data["states"] == {"answered": 4, "answered_marked": 1, "marked": 1,
                              "not_answered": 1, "not_visited": 1, "skipped": 1}
    assert len(data["trend"]) == 14
    assert data["trend"][-1]["attempts"] == 2 and data["trend"][-2]["attempts"] == 2


def test_days_limits_the_window(tmp_path: Path) -> None:
    fill(tmp_path)
    data = json.loads(run("--json", "--days", "7", "--data-dir", str(tmp_path))[1])
    assert data["attempts"] == 4 and len(data["trend"]) == 7
    assert "sigmoid" not in {t["topic"] for t in data["topics"]}


def test_tables_show_topics_marks_and_a_bar_chart(tmp_path: Path) -> None:
    fill(tmp_path)
    code, out = run("--data-dir", str(tmp_path))
    assert code == 0
    assert "5 attempts, 2 correct (40%), marks +1 of 9, mean time 1m 06s" in out
    assert "relu_chain" in out and "+2/3" in out and "By topic" in out
    assert "Weakest: sgd_step, relu_chain, sigmoid" not in out  # sigmoid is perfect
    assert "Weakest: sgd_step, relu_chain" in out
    assert "█" in out and "Not Visited" in out and "Marked for Review" in out


def test_one_attempt_is_singular_and_unanswered_questions_are_not_attempts(tmp_path: Path) -> None:
    with History.open(tmp_path) as history:
        for attempt in (row("relu_chain", True, 2.0),
                        row("sigmoid", None, 0.0, state="not_visited", seconds=0),
                        row("sigmoid", None, 0.0, state="marked", seconds=90)):
            history.record_attempt(attempt)
    out = run("--data-dir", str(tmp_path))[1]
    assert "1 attempt, 1 correct (100%), marks +2 of 2, mean time 1m 00s" in out
    assert "Weakest" not in out  # sigmoid was never answered: not a weak topic


def test_only_unanswered_questions_means_no_attempts(tmp_path: Path) -> None:
    with History.open(tmp_path) as history:
        history.record_attempt(row("sigmoid", None, 0.0, state="not_answered"))
    assert run("--data-dir", str(tmp_path))[1].startswith("No attempts yet")
    data = json.loads(run("--json", "--data-dir", str(tmp_path))[1])
    assert data["attempts"] == 0 and data["topics"] == [] and data["states"]["not_answered"] == 1


def test_plain_and_no_color_use_ascii_only(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    fill(tmp_path)
    plain = run("--plain", "--data-dir", str(tmp_path))[1]
    assert plain.isascii() and "\x1b[" not in plain and "| relu_chain" in plain and "#" in plain
    monkeypatch.setenv("NO_COLOR", "1")
    assert run("--data-dir", str(tmp_path))[1] == plain


def test_days_must_be_positive(tmp_path: Path) -> None:
    code, out = run("--days", "0", "--data-dir", str(tmp_path))
    assert code == 2 and "--days" in out


def test_summary_trend_is_zero_filled_and_ends_today() -> None:
    today = date(2025, 1, 10)
    at = datetime(2025, 1, 9, 12, tzinfo=timezone.utc)
    attempts = [Attempt(None, "q", "t", "NAT", 1, "1", True, 1.0, 5.0, at=at)]
    summary = summarize(attempts, today=today, days=3, tz=timezone.utc)
    assert [(d.day.day, d.attempts, d.accuracy) for d in summary.trend] == [
        (8, 0, None), (9, 1, 1.0), (10, 0, None)]
