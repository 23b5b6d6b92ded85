"""The Family record and its registry: a topic that can build a Question from an rng."""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from gatebp.gate.question import Question, QuestionType

if TYPE_CHECKING:
    from gatebp.questions.problem import Problem

Builder = Callable[[random.Random, QuestionType, int], "Question | Problem"]


@dataclass(frozen=True)
class Family:
    """`build(rng, qtype, marks)` returns a Question of that form; ids are set by the generator."""

    name: str
    title: str
    types: tuple[QuestionType, ...]
    marks: tuple[int, ...]
    build: Builder
    group: str = "backprop"  # backprop | paper (the GATE DA paper's other network forms)


REGISTRY: dict[str, Family] = {}


def family(name: str, title: str, types: tuple[QuestionType, ...], marks: tuple[int, ...],
           group: str = "backprop") -> Callable[[Builder], Builder]:
    """Register a builder under a topic name; the name is part of every question id."""

    def register(build: Builder) -> Builder:
        if name in REGISTRY:
            raise ValueError(f"family {name!r} registered twice")
        REGISTRY[name] = Family(name, title, types, marks, build, group)
        return build

    return register


class Resample(Exception):
    """Raised by a builder when the sampled numbers do not suit (a zero it should avoid, a tie)."""
