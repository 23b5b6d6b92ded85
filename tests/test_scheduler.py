"""FSRS over topics: ratings from outcomes, one card per topic, a deterministic drill order."""

from __future__ import annotations

import random
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from fsrs import Card, Rating

from gatebp.app.history import Attempt, History
from gatebp.app.scheduler import load_card, pick_topics, rank_topics, rating_for, review

NOW = datetime(2025, 3, 1, 9, 0, tzinfo=timezone.utc)


@pytest.fixture
def history(tmp_path: Path) -> History:
    return History.open(tmp_path)


@pytest.mark.parametrize("correct, hints, seconds, marks, rating", [
    (False, 0, 10, 1, Rating.Again),
    (False, 2, 500, 2, Rating.Again),
    (True, 1, 30, 1, Rating.Hard),
    (True, 0, 200, 1, Rating.Hard),
    (True, 0, 200, 2, Rating.Good),
    (True, 0, 301, 2, Rating.Hard),
    (True, 0, 90, 1, Rating.Good),
    (True, 0, 59, 1, Rating.Easy),
    (True, 0, 90, 2, Rating.Easy),
    (True, 0, 130, 2, Rating.Good),
])
def test_rating_for(correct: bool, hints: int, seconds: float, marks: int, rating: Rating) -> None:
    assert rating_for(correct, hints, seconds, marks) == rating


def test_review_keeps_one_card_per_topic(history: History) -> None:
    first = review(history, "relu_chain", Rating.Good, NOW)
    second = review(history, "relu_chain", Rating.Good, NOW + timedelta(minutes=20))
    assert first.card_id == second.card_id
    assert set(history.cards()) == {"relu_chain"}
    stored = load_card(history, "relu_chain")
    assert isinstance(stored, Card) and stored.due == second.due > NOW


def test_again_is_due_sooner_than_easy(history: History) -> None:
    again = review(history, "a", Rating.Again, NOW)
    easy = review(history, "b", Rating.Easy, NOW)
    assert again.due < easy.due


def test_review_is_deterministic(tmp_path: Path) -> None:
    dues = []
    for name in ("one", "two"):
        with History.open(tmp_path / name) as h:
            for day in range(4):
                card = review(h, "t", Rating.Good, NOW + timedelta(days=day * 3))
            dues.append(card.due)
    assert dues[0] == dues[1]


def _answer(history: History, topic: str, correct: bool) -> None:
    history.record_attempt(Attempt(None, "q", topic, "NAT", 1, "1", correct,
                                   1.0 if correct else 0.0, 30.0, at=NOW))


def test_pick_orders_due_then_unseen_then_weakest(history: History) -> None:
    review(history, "overdue_most", Rating.Again, NOW - timedelta(days=5))
    review(history, "overdue_less", Rating.Again, NOW - timedelta(days=1))
    review(history, "strong", Rating.Easy, NOW)
    review(history, "weak", Rating.Easy, NOW)
    for ok in (True, True):
        _answer(history, "strong", ok)
    for ok in (True, False):
        _answer(history, "weak", ok)
    topics = ["strong", "weak", "fresh", "overdue_less", "overdue_most"]
    order = pick_topics(history, topics, 5, NOW, random.Random(1))
    assert order == ["overdue_most", "overdue_less", "fresh", "weak", "strong"]


def test_pick_is_deterministic_given_the_seed_and_fills_n(history: History) -> None:
    topics = [f"t{i}" for i in range(6)]
    a = pick_topics(history, topics, 8, NOW, random.Random(42))
    b = pick_topics(history, topics, 8, NOW, random.Random(42))
    assert a == b and len(a) == 8
    assert sorted(a[:6]) == topics and a[6:] == a[:2]


def test_pick_handles_nothing_to_pick(history: History) -> None:
    assert pick_topics(history, [], 5, NOW, random.Random(0)) == []
    assert pick_topics(history, ["a"], 0, NOW, random.Random(0)) == []
    assert rank_topics(history, ["a", "a"], NOW, random.Random(0)) == ["a"]


def test_naive_datetimes_are_taken_as_utc(history: History) -> None:
    card = review(history, "t", Rating.Good, NOW.replace(tzinfo=None))
    assert card.last_review == NOW
