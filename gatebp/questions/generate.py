"""Seeded question sets: the same seed gives the same questions on every machine.

Randomness is always an explicit `random.Random` seeded from a string (SHA-512 based, so no
dependence on hash randomisation), and every question has an id that rebuilds it exactly:
`topic:TYPEmarks:seed`, e.g. `relu-gate:MCQ1:40213`.
"""

from __future__ import annotations

import random
import re
from collections.abc import Sequence
from dataclasses import replace

from gatebp.core.errors import GatebpError
from gatebp.gate.question import Question
from gatebp.questions.families import Family, load_families
from gatebp.questions.families.base import Resample
from gatebp.questions.problem import Problem, pose

MAX_RESAMPLES = 200  # a family that accepts 1 draw in 10 still fails less than once in 10^9
ID_PATTERN = re.compile(r"(?P<topic>[a-z0-9-]+):(?P<type>NAT|MCQ|MSQ)(?P<marks>[12]):(?P<seed>\d{1,12})\Z")


def question_id(topic: str, qtype: str, marks: int, seed: int) -> str:
    return f"{topic}:{qtype}{marks}:{seed}"


def build_question(topic: str, qtype: str, marks: int, seed: int) -> Question:
    """Build one question; a builder that asks to resample is retried deterministically."""
    fam = families_by_name([topic])[0]
    if qtype not in fam.types or marks not in fam.marks:
        raise GatebpError(f"topic {topic} has no {qtype} form with {marks} mark(s)")
    for attempt in range(MAX_RESAMPLES):
        rng = random.Random(f"gatebp|{topic}|{qtype}|{marks}|{seed}|{attempt}")
        try:
            drawn = fam.build(rng, qtype, marks)
            question = pose(drawn, qtype, rng) if isinstance(drawn, Problem) else drawn
        except Resample:
            continue
        return replace(question, id=question_id(topic, qtype, marks, seed))
    raise RuntimeError(f"{topic}: no suitable numbers after {MAX_RESAMPLES} draws (seed {seed})")


def question_from_id(text: str) -> Question:
    """Rebuild a generated question from its id (what `gatebp explain --id` does)."""
    match = ID_PATTERN.match(text.strip())
    if not match:
        raise GatebpError(f"{text!r} is not a question id (expected topic:TYPEmarks:seed, e.g. relu-gate:MCQ1:40213)")
    return build_question(match["topic"], match["type"], int(match["marks"]), int(match["seed"]))


def families_by_name(topics: Sequence[str] = ()) -> list[Family]:
    registry = load_families()
    unknown = [t for t in topics if t not in registry]
    if unknown:
        raise GatebpError(f"unknown topic {unknown[0]!r} (see `gatebp topics`: {', '.join(registry)})")
    return [registry[t] for t in topics] if topics else list(registry.values())


def generate_set(seed: int, count: int, topics: Sequence[str] = (), marks: int | None = None,
                 types: Sequence[str] = ()) -> list[Question]:
    """`count` questions cycling over the chosen families in a seeded order, so all appear."""
    plan = plan_set(seed, count, topics, marks, types)
    return [build_question(*item) for item in plan]


def plan_set(seed: int, count: int, topics: Sequence[str] = (), marks: int | None = None,
             types: Sequence[str] = ()) -> list[tuple[str, str, int, int]]:
    """The (topic, type, marks, seed) of each question, without building any."""
    fams = [f for f in families_by_name(topics) if _forms(f, marks, types)]
    if not fams:
        raise GatebpError("no topic offers that combination of --marks and types")
    rng = random.Random(f"gatebp-set|{seed}")
    plan: list[tuple[str, str, int, int]] = []
    while len(plan) < count:
        cycle = list(fams)
        rng.shuffle(cycle)
        for fam in cycle[: count - len(plan)]:
            qtype, qmarks = rng.choice(_forms(fam, marks, types))
            plan.append((fam.name, qtype, qmarks, rng.randrange(10**6)))
    return plan


def _forms(fam: Family, marks: int | None, types: Sequence[str]) -> list[tuple[str, int]]:
    return [(t, m) for t in fam.types for m in fam.marks
            if (marks is None or m == marks) and (not types or t in types)]


def variant_of(question: Question, version: int) -> Question:
    """The same family, type and marks with other numbers: version k of a printed test."""
    match = ID_PATTERN.match(question.id)
    if not match:
        return question
    seed = random.Random(f"gatebp-version|{question.id}|{version}").randrange(10**6)
    return build_question(match["topic"], match["type"], int(match["marks"]), seed)
