"""Spaced repetition over topics with FSRS: which skills to drill next.

Questions are generated fresh each time, so remembering a question is meaningless; what decays
is a skill. One FSRS card per topic therefore records how well the student holds that skill,
and a question's outcome (right, hinted, slow, fast) becomes the card's rating. Guided steps
count skills finer than topics ("sigmoid local derivative: 2 of 6 right"): when one skill is
weakest, a family that drills it (gatebp.app.skills) is put first, ahead of the due topics.

Time thresholds for a rating, in seconds (GATE allows about 1.4 min per mark on average):

    marks   fast (Easy) below   slow (Hard) above
    1       60                  180 (3 min)
    2       120                 300 (5 min)
    m > 2   60 * m              60 + 120 * m
"""

from __future__ import annotations

import random
import re
import zlib
from datetime import UTC, datetime

from fsrs import Card, Rating, Scheduler

from gatebp.app.history import History, HistoryError
from gatebp.gate.stats import skill_stats, summarize, weakest_skill

FAST_SECONDS = {1: 60.0, 2: 120.0}
SLOW_SECONDS = {1: 180.0, 2: 300.0}


def fast_limit(marks: int) -> float:
    return FAST_SECONDS.get(marks, 60.0 * marks)


def slow_limit(marks: int) -> float:
    return SLOW_SECONDS.get(marks, 60.0 + 120.0 * marks)


def rating_for(correct: bool, hints: int, seconds: float, marks: int) -> Rating:
    """Wrong -> Again; right with hints or slowly -> Hard; right -> Good; right and fast -> Easy."""
    if not correct:
        return Rating.Again
    if hints > 0 or seconds > slow_limit(marks):
        return Rating.Hard
    if seconds < fast_limit(marks):
        return Rating.Easy
    return Rating.Good


def make_scheduler() -> Scheduler:
    """FSRS with fuzzing off, so the same reviews always give the same due dates."""
    return Scheduler(enable_fuzzing=False)


def _utc(now: datetime) -> datetime:
    """FSRS insists on UTC-aware datetimes; naive ones are taken to be UTC."""
    if now.tzinfo is None:
        return now.replace(tzinfo=UTC)
    return now.astimezone(UTC)


def new_card(topic: str, now: datetime) -> Card:
    """A fresh card due now, with an id derived from the topic (stable across runs)."""
    return Card(card_id=zlib.crc32(topic.encode()), due=_utc(now))


def load_card(history: History, topic: str) -> Card | None:
    stored = history.load_card(topic)
    return None if stored is None else _card(history, topic, stored)


def _card(history: History, topic: str, stored: str) -> Card:
    """A stored card, or a HistoryError naming the file, the topic and the way out."""
    try:
        return Card.from_json(stored)
    except (ValueError, KeyError, TypeError, AttributeError) as error:
        delete = (f"delete it (sqlite3 {history.path.name} \"DELETE FROM cards WHERE topic = "
                  f"'{topic}'\") or " if re.fullmatch(r"[a-z0-9_-]{1,60}", topic) else "")
        raise HistoryError(
            f"{history.path}: the review card of topic {repr(topic)[:40]} cannot be read "
            f"({type(error).__name__}); {delete}move the file aside to start a new history"
        ) from None


def review(history: History, topic: str, rating: Rating, now: datetime) -> Card:
    """Apply one rating to the topic's card and save it; returns the updated card."""
    now = _utc(now)
    card = load_card(history, topic) or new_card(topic, now)
    card, _log = make_scheduler().review_card(card, rating, review_datetime=now)
    history.save_card(topic, card.to_json(), now)
    return card


def pick_topics(
    history: History, topics: list[str], n: int, now: datetime, rng: random.Random
) -> list[str]:
    """`n` topics to drill, best first: due (most overdue first), never seen, then weakest.

    Ties are broken by `rng`, so a seed gives the same order. When `n` exceeds the number of
    topics the order repeats, so a 10-question drill over 4 topics still gets 10 entries.
    """
    order = rank_topics(history, topics, now, rng)
    if not order or n <= 0:
        return []
    return [order[i % len(order)] for i in range(n)]


def rank_topics(
    history: History, topics: list[str], now: datetime, rng: random.Random
) -> list[str]:
    """Every topic once, in drilling priority."""
    now = _utc(now)
    names = list(dict.fromkeys(topics))
    rng.shuffle(names)
    stored = history.cards()
    cards = {t: _card(history, t, stored[t]) for t in names if t in stored}
    due = sorted((t for t in names if t in cards and cards[t].due <= now),
                 key=lambda t: cards[t].due)
    unseen = [t for t in names if t not in cards]
    accuracy = _accuracy(history, now)
    rest = sorted((t for t in names if t in cards and cards[t].due > now),
                  key=lambda t: (accuracy.get(t, 0.0), cards[t].due))
    return _weakest_first(history, due + unseen + rest)


def _weakest_first(history: History, order: list[str]) -> list[str]:
    """The order with the first topic that drills the weakest guided skill moved to the front."""
    from gatebp.app.skills import topics_for

    skill = weakest_skill(skill_stats(history.steps()))
    aimed = topics_for(skill, order) if skill is not None else []
    if not aimed:
        return order
    return [aimed[0]] + [t for t in order if t != aimed[0]]


def _accuracy(history: History, now: datetime) -> dict[str, float]:
    summary = summarize(history.attempts(), today=now.date(), days=1)
    return {t.topic: t.accuracy for t in summary.topics}
