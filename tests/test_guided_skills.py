"""Per-skill counts of guided steps: stored as they happen, shown by `gatebp stats` (table and
JSON), and read by the scheduler, which puts a family drilling the weakest skill first."""

from __future__ import annotations

import json
import random
from datetime import datetime, timezone
from pathlib import Path

from gatebp.app.history import History, StepAttempt, read_steps
from gatebp.app.scheduler import rank_topics
from gatebp.app.skills import GUIDED_TOPICS, skills_of
from gatebp.cli.main import cli

NOW = datetime(2025, 3, 1, 9, 0, tzinfo=timezone.utc)


def record(home: Path, skill: str, outcomes: str) -> None:
    """`outcomes` one letter a step: r right, s right at the second try, w wrong, v revealed."""
    words = {"r": "right", "s": "second", "w": "wrong", "v": "revealed"}
    with History.open(home) as history:
        sid = history.start_session("drill", 1, 1)
        for i, letter in enumerate(outcomes):
            history.record_step(StepAttempt(sid, "relu-gate:NAT1:1", "relu-gate", i + 1, skill,
                                            "∂h/∂z", "1", words[letter], at=NOW))


def test_stats_shows_a_row_per_skill_and_json_counts(runner, tmp_path: Path) -> None:
    record(tmp_path, "local:sigmoid", "rrrwrsvr")  # 5 of 8 right at the first try
    record(tmp_path, "path", "rr")
    result = runner.invoke(cli, ["stats", "--plain", "--data-dir", str(tmp_path)])
    assert result.exit_code == 0, result.output
    row = next(line for line in result.output.splitlines() if "sigmoid local derivative" in line)
    assert "5 of 8 right" in row and "62%" in row and "weakest" in row
    assert "path product" in result.output and "2 of 2 right" in result.output
    data = json.loads(runner.invoke(cli, ["stats", "--json", "--data-dir",
                                          str(tmp_path)]).output)
    assert {s["skill"]: (s["right"], s["attempts"]) for s in data["skills"]} == {
        "local:sigmoid": (5, 8), "path": (2, 2)}
    assert data["attempts"] == 0  # steps are not question attempts


def test_steps_survive_reopening_in_order(tmp_path: Path) -> None:
    record(tmp_path, "forward", "rwv")
    assert [s.outcome for s in read_steps(tmp_path)] == ["right", "wrong", "revealed"]


def test_the_scheduler_puts_a_family_of_the_weakest_skill_first(tmp_path: Path) -> None:
    record(tmp_path, "local:sigmoid", "wwwr")
    record(tmp_path, "local:relu", "rrrw")
    with History.open(tmp_path) as history:
        for seed in range(5):
            order = rank_topics(history, list(GUIDED_TOPICS), NOW, random.Random(seed))
            assert "local:sigmoid" in skills_of(order[0]), order[:3]
    record(tmp_path, "local:relu", "wwwwwwww")  # now ReLU is the weakest
    with History.open(tmp_path) as history:
        order = rank_topics(history, list(GUIDED_TOPICS), NOW, random.Random(0))
        assert "local:relu" in skills_of(order[0])


def test_with_no_weak_skill_the_order_is_the_usual_one(tmp_path: Path) -> None:
    with History.open(tmp_path) as history:
        before = rank_topics(history, list(GUIDED_TOPICS), NOW, random.Random(3))
    record(tmp_path, "path", "rrrr")
    with History.open(tmp_path) as history:
        assert rank_topics(history, list(GUIDED_TOPICS), NOW, random.Random(3)) == before
