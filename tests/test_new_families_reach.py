"""The issue-15 families are reachable: the adaptive drill's scheduler and `--paper` mocks pick
each of them (issue 15: "each new topic appears ... in the adaptive drill's scheduler, in --paper
mocks"), and every form a mock asks of them builds."""

from __future__ import annotations

import random
from datetime import UTC, datetime
from pathlib import Path

import pytest
from fsrs import Rating

from tests.sweep import built
from gatebp.app.history import History
from gatebp.app.scheduler import pick_topics, review
from gatebp.app.session import adaptive_questions
from gatebp.questions.generate import families_by_name
from gatebp.questions.paper import plan_paper

NEW = ("forward-output", "linear-separability", "weight-gradients", "softmax-jacobian", "optimizer-step",
       "gradient-clipping", "perceptron-output", "perceptron-training", "multipath-relu-3")
NOW = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)


def test_the_scheduler_ranks_every_new_topic(tmp_path: Path) -> None:
    topics = [f.name for f in families_by_name()]
    order = pick_topics(History.open(tmp_path), topics, len(topics), NOW, random.Random(3))
    assert set(NEW) <= set(order)


def test_an_adaptive_drill_reaches_every_new_family(tmp_path: Path) -> None:
    """A fresh history drills unseen topics before reviewed ones: answering one question per family
    (each answer reviewed, as practice does) reaches all of them."""
    history, count, seen = History.open(tmp_path), len(families_by_name()), set()
    for q in adaptive_questions(history, count, random.Random(5), now=lambda: NOW):
        seen.add(q.topic)
        review(history, q.topic, Rating.Good, NOW)
    assert set(NEW) <= seen, set(NEW) - seen


def test_paper_mocks_pick_every_new_family() -> None:
    seen = {item[0] for seed in range(3) for item in plan_paper(seed, 65).items}
    assert set(NEW) <= seen, set(NEW) - seen


@pytest.mark.parametrize("topic", NEW)
def test_a_paper_mock_of_one_new_topic_builds_every_planned_question(topic: str) -> None:
    """The paper's mix asks NAT, MCQ and MSQ of both marks; a family without a form is given another."""
    plan = plan_paper(11, 12, topics=[topic])
    assert {item[0] for item in plan.items} == {topic}
    fam = families_by_name([topic])[0]
    for name, qtype, marks, seed in plan.items:
        assert qtype in fam.types and marks in fam.marks
        question = built(name, qtype, marks, seed)
        assert question.options or question.type == "NAT"
