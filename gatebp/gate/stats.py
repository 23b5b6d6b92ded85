"""Summarise the attempt history: per-topic accuracy, GATE marks, time, a daily trend.

Plain data in, plain data out, so `gatebp stats --json`, the Rich view and the scheduler all
read the same numbers. An attempt is a question answered: drill skips and mock questions left
unanswered (not visited, not answered, marked only) are not attempts and count only under
`states`, never in accuracy, marks, time, the trend or the weakest topics. A guided question's
steps are counted per skill ("sigmoid local derivative: 5 of 8 right", right at the first try).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta, tzinfo
from fractions import Fraction
from typing import Any, Protocol

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


class StepRecord(Protocol):
    """What the skill table reads of a guided step (gatebp.app.history's StepAttempt)."""

    @property
    def skill(self) -> str: ...

    @property
    def right(self) -> bool: ...


SKILL_ORDER = ("forward", "local", "delta", "path", "sum", "update", "answer")
SKILL_WORDS = {"forward": "forward value", "delta": "delta (backward sensitivity)",
               "path": "path product", "sum": "sum over merging paths",
               "update": "gradient-descent update", "answer": "final answer"}


def skill_label(skill: str) -> str:
    """"local:sigmoid" -> "sigmoid local derivative"; "path" -> "path product"."""
    if skill.startswith("local:"):
        return f"{skill.split(':', 1)[1].replace('_', ' ')} local derivative"
    if skill == "local":
        return "local derivative"
    return SKILL_WORDS.get(skill, skill)


@dataclass(frozen=True)
class SkillStats:
    """One skill's guided steps: how many were asked and how many were right at the first try."""

    skill: str
    attempts: int
    right: int

    @property
    def label(self) -> str:
        return skill_label(self.skill)

    @property
    def accuracy(self) -> float:
        return self.right / self.attempts if self.attempts else 0.0

    def to_dict(self) -> dict[str, Any]:
        return {"skill": self.skill, "label": self.label, "attempts": self.attempts,
                "right": self.right, "accuracy": round(self.accuracy, 4)}


def skill_stats(steps: Iterable[StepRecord]) -> tuple[SkillStats, ...]:
    """Per skill, in the order a student writes the working (forward, local rules by name...)."""
    tally: Counter[str] = Counter()
    right: Counter[str] = Counter()
    for step in steps:
        tally[step.skill] += 1
        right[step.skill] += int(step.right)
    return tuple(SkillStats(k, tally[k], right[k]) for k in sorted(tally, key=_skill_place))


def _skill_place(skill: str) -> tuple[int, str]:
    head = skill.split(":", 1)[0]
    return (SKILL_ORDER.index(head) if head in SKILL_ORDER else len(SKILL_ORDER), skill)


def weakest_skill(skills: Iterable[SkillStats], least: int = 3) -> str | None:
    """The least accurate skill with at least `least` steps and some wrong, or None."""
    shaky = [s for s in skills if s.attempts >= least and s.right < s.attempts]
    shaky.sort(key=lambda s: (s.accuracy, -s.attempts, s.skill))
    return shaky[0].skill if shaky else None


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
    skills: tuple[SkillStats, ...] = ()

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
                "trend": [d.to_dict() for d in self.trend], "states": dict(self.states),
                "skills": [k.to_dict() for k in self.skills]}


def exact_marks(marks: float) -> Fraction:
    """Stored marks are floats; GATE marks are whole or thirds, so recover them exactly."""
    return Fraction(marks).limit_denominator(3)


def summarize(
    attempts: Iterable[Attempt], today: date, days: int = TREND_DAYS, tz: tzinfo | None = None,
    steps: Iterable[StepRecord] = (),
) -> Summary:
    """Build the summary; the trend covers `days` days ending `today`, in time zone `tz`;
    `steps` (guided steps) give the per-skill table."""
    rows = list(attempts)
    counted = [a for a in rows if a.state in ATTEMPT_STATES]
    topics = tuple(_topic_stats(name, [a for a in counted if a.topic == name])
                   for name in sorted({a.topic for a in counted}))
    return Summary(topics=topics, weakest=weakest(topics), trend=trend(counted, today, days, tz),
                   states=state_counts(rows), skills=skill_stats(steps))


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
