"""The record of one question in a session, as the history keeps it and stats read it.

A plain record below the history (app) and the views (ui), so both read it without importing
each other.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime

STATES = ("answered", "answered_marked", "marked", "not_answered", "not_visited", "skipped")


def utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True)
class Attempt:
    """One question answered (or skipped, or left) in a session; `marks` are GATE marks."""

    session_id: int | None
    question_id: str
    topic: str
    qtype: str
    marks_possible: int
    response: str | None
    correct: bool | None
    marks: float
    seconds: float
    hints: int = 0
    state: str = "answered"
    at: datetime = field(default_factory=utc_now)
    id: int | None = None

    def __post_init__(self) -> None:
        if self.state not in STATES:
            raise ValueError(f"unknown attempt state {self.state!r}; expected one of {STATES}")
