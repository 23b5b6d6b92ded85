"""A guided drill draws only questions it can walk through: NAT on a network, one chain to one
number (a multipath MCQ asking for the gradient vector once said "no network to work through")."""

from __future__ import annotations

import random

from gatebp.app.guided import plan_for
from gatebp.app.history import History
from gatebp.app.session import adaptive_questions
from gatebp.app.skills import GUIDED_TOPICS
from gatebp.cli.main import cli


def test_the_adaptive_guided_drill_draws_nat_questions_that_have_a_plan(tmp_path) -> None:  # type: ignore[no-untyped-def]
    with History.open(tmp_path) as history:
        drawn = list(adaptive_questions(history, 8, random.Random(3), topics=GUIDED_TOPICS, types=("NAT",)))
    assert {q.type for q in drawn} == {"NAT"} and len({q.topic for q in drawn}) > 1
    assert all(plan_for(q) is not None for q in drawn), [q.id for q in drawn if plan_for(q) is None]


def test_a_guided_drill_on_one_topic_walks_every_question(runner) -> None:  # type: ignore[no-untyped-def]
    for seed in ("4", "5"):
        result = runner.invoke(cli, ["practice", "--guided", "--topic", "multipath-relu", "--count", "1",
                                     "--seed", seed, "--plain"], input="q\n")
        assert "Work it through" in result.output and "answer it directly" not in result.output, result.output
