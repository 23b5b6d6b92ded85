"""Summarise the attempt history: per-topic accuracy, GATE marks, time, a daily trend.

Plain data in, plain data out, so `gatebp stats --json`, the Rich view and the scheduler all
read the same numbers. An attempt is a question answered: drill skips and mock questions left
unanswered (not visited, not answered, marked only) are not attempts and count only under
`states`, never in accuracy, marks, time, the trend or the weakest topics.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta, tzinfo
from fractions import Fraction
from typing import Any

from gatebp.gate.attempt import STATES, Attempt

TREND_DAYS = 14
# The states in which a question was answered (and evaluated); every other state is not an attempt.
ATTEMPT_STATES = ("answered", "answered_marked")
WEAKEST = 3


@dataclass(frozen=True)
class TopicStats:
    """One topic's record; `marks` are GATE marks with negatives, exact to the third."""

    topic: str
    attempts: int
    correct: int
    marks: Fraction
    max_marks: int
    seconds: float

    @property
    def accuracy(self) -> float:
        return self.correct / self.attempts if self.attempts else 0.0

    @property
    def mean_seconds(self) -> float:
        return self.seconds / self.attempts if self.attempts else 0.0

    def to_dict(self) -> dict[str, Any]:
        return {"topic": self.topic, "attempts": self.attempts, "correct": self.correct,
                "accuracy": round(self.accuracy, 4), "marks": round(float(self.marks), 2),
                "max_marks": self.max_marks, "mean_seconds": round(self.mean_seconds, 1)}


@dataclass(frozen=True)
class DayStats:
    """Attempts and correct answers on one (local) calendar day."""

    day: date
    attempts: int
    correct: int

    @property
    def accuracy(self) -> float | None:
        return self.correct / self.attempts if self.attempts else None

    def to_dict(self) -> dict[str, Any]:
        accuracy = None if self.accuracy is None else round(self.accuracy, 4)
        return {"date": self.day.isoformat(), "attempts": self.attempts,
                "correct": self.correct, "accuracy": accuracy}


@dataclass(frozen=True)
class Summary:
    """Everything `gatebp stats` shows; `topics` is ordered by topic name."""

    topics: tuple[TopicStats, ...]
    weakest: tuple[str, ...]
    trend: tuple[DayStats, ...]
    states: dict[str, int]

    @property
    def attempts(self) -> int:
        return sum(t.attempts for t in self.topics)

    @property
    def correct(self) -> int:
        return sum(t.correct for t in self.topics)

    @property
    def marks(self) -> Fraction:
        return sum((t.marks for t in self.topics), Fraction(0))

    @property
    def max_marks(self) -> int:
        return sum(t.max_marks for t in self.topics)

    @property
    def accuracy(self) -> float:
        return self.correct / self.attempts if self.attempts else 0.0

    @property
    def mean_seconds(self) -> float:
        total = sum(t.seconds for t in self.topics)
        return total / self.attempts if self.attempts else 0.0

    def to_dict(self) -> dict[str, Any]:
        """The `gatebp stats --json` object."""
        return {"attempts": self.attempts, "correct": self.correct,
                "accuracy": round(self.accuracy, 4), "marks": round(float(self.marks), 2),
                "max_marks": self.max_marks, "mean_seconds": round(self.mean_seconds, 1),
                "topics": [t.to_dict() for t in self.topics], "weakest": list(self.weakest),
                "trend": [d.to_dict() for d in self.trend], "states": dict(self.states)}


def exact_marks(marks: float) -> Fraction:
    """Stored marks are floats; GATE marks are whole or thirds, so recover them exactly."""
    return Fraction(marks).limit_denominator(3)


def summarize(
    attempts: Iterable[Attempt], today: date, days: int = TREND_DAYS, tz: tzinfo | None = None
) -> Summary:
    """Build the summary; the trend covers `days` days ending `today`, in time zone `tz`."""
    rows = list(attempts)
    counted = [a for a in rows if a.state in ATTEMPT_STATES]
    topics = tuple(_topic_stats(name, [a for a in counted if a.topic == name])
                   for name in sorted({a.topic for a in counted}))
    return Summary(topics=topics, weakest=weakest(topics), trend=trend(counted, today, days, tz),
                   states=state_counts(rows))


def _topic_stats(topic: str, rows: Sequence[Attempt]) -> TopicStats:
    return TopicStats(
        topic=topic, attempts=len(rows), correct=sum(1 for a in rows if a.correct),
        marks=sum((exact_marks(a.marks) for a in rows), Fraction(0)),
        max_marks=sum(a.marks_possible for a in rows), seconds=sum(a.seconds for a in rows),
    )


def weakest(topics: Iterable[TopicStats], n: int = WEAKEST) -> tuple[str, ...]:
    """The `n` least accurate topics that have attempts and are not yet perfect."""
    shaky = [t for t in topics if t.attempts and t.correct < t.attempts]
    shaky.sort(key=lambda t: (t.accuracy, -t.attempts, t.topic))
    return tuple(t.topic for t in shaky[:n])


def trend(
    attempts: Iterable[Attempt], today: date, days: int = TREND_DAYS, tz: tzinfo | None = None
) -> tuple[DayStats, ...]:
    """One entry per day for the last `days` days (oldest first), zero-filled."""
    start = today - timedelta(days=days - 1)
    tally: Counter[date] = Counter()
    right: Counter[date] = Counter()
    for a in attempts:
        day = a.at.astimezone(tz).date()
        tally[day] += 1
        right[day] += int(bool(a.correct))
    span = (start + timedelta(days=i) for i in range(days))
    return tuple(DayStats(day, tally[day], right[day]) for day in span)


def state_counts(attempts: Iterable[Attempt]) -> dict[str, int]:
    """How many questions ended in each exam-palette state (every state listed, skips too)."""
    counts = Counter(a.state for a in attempts)
    return {state: counts[state] for state in STATES}
