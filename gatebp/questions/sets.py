"""Question sets for export and practice: generated questions, bank questions, versions."""

from __future__ import annotations

import multiprocessing
import os
import sys
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from gatebp.gate.question import Question
from gatebp.questions.generate import build_question, plan_set, variant_of


def build_set(seed: int, count: int, topics: Sequence[str] = (), marks: int | None = None,
              bank: str | Path | None = None, progress: Any = None) -> list[Question]:
    """The generated set for `seed` (exactly `generate_set`'s), then any bank questions."""
    plan = plan_set(seed, count, topics, marks) if count else []
    built = _build_all(plan)
    if progress is None:
        questions = list(built)
    else:
        with progress:
            task = progress.add_task("generating and checking", total=len(plan))
            questions = []
            for question in built:
                questions.append(question)
                progress.advance(task)
    if bank is not None:
        questions += bank_questions(bank, topics, marks)
    return questions


PARALLEL_FROM = 150


def _build_all(plan: list[tuple[str, str, int, int]]) -> Iterator[Question]:
    """Build in plan order; large sets use every core (each question depends only on its seed)."""
    workers = min(os.cpu_count() or 1, 8)
    if len(plan) < PARALLEL_FROM or workers < 2 or multiprocessing.parent_process() is not None:
        yield from (build_question(*item) for item in plan)
        return
    context = multiprocessing.get_context("fork" if sys.platform.startswith("linux") else "spawn")
    with context.Pool(workers) as pool:
        yield from pool.imap(_build_one, plan, chunksize=8)


def _build_one(item: tuple[str, str, int, int]) -> Question:
    return build_question(*item)


def bank_questions(path: str | Path, topics: Sequence[str] = (), marks: int | None = None) -> list[Question]:
    from gatebp.questions.bank import load_bank

    chosen = load_bank([Path(path)])
    return [q for q in chosen if (not topics or q.topic in topics) and (marks is None or q.marks == marks)]


def practice_set(seed: int, count: int, topics: Sequence[str], marks: int | None, bank: str | Path,
                 bank_only: bool = False) -> list[Question]:
    """Bank questions mixed with generated ones (about half each), or bank questions only."""
    import random

    from gatebp.core.errors import GatebpError

    authored = bank_questions(bank, topics, marks)
    rng = random.Random(f"gatebp-bank|{seed}")
    rng.shuffle(authored)
    if bank_only and not authored:
        raise GatebpError(f"{bank}: no bank questions match the chosen topics and marks")
    chosen = authored[:count] if bank_only else authored[: count // 2]
    mixed = chosen + build_set(seed, count - len(chosen), topics, marks)
    rng.shuffle(mixed)
    return mixed


def version_label(index: int) -> str:
    return "ABCDEFGHIJKLMNOPQRSTUVWXYZ"[index]


def versioned(questions: Sequence[Question], index: int) -> list[Question]:
    """Version A is the set itself; later versions redraw every generated question's numbers."""
    if index == 0:
        return list(questions)
    return [variant_of(q, index) if q.source == "generated" else q for q in questions]
