"""The claims-issue standards, checked on any generated question without the family's code.

Used by the tests of the issue-15 families: options apart by 5% (relative to the larger of the
two) and beyond the NAT key's tolerance, every distractor named by a real slip (no filler), the
key range holding the key, MSQ/MCQ bookkeeping. Each family's test adds its own recomputation.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import replace
from fractions import Fraction

from tests.sweep import built
from gatebp.gate.question import Question, in_key_range
from gatebp.questions.families import load_families

FILLER = re.compile(r"doubl|halv|tripl|added 1\b|subtracted 1\b|added 2\b|arithmetic slip", re.I)
NUMBER = r"-?\d+(?:\.\d+)?"


def forms(topic: str) -> list[tuple[str, int]]:
    fam = load_families()[topic]
    return [(t, m) for t in fam.types for m in fam.marks]


def plan(topic: str, total: int = 300, slow: Sequence[tuple[str, int]] = ()) -> list[tuple[str, int, int]]:
    """(type, marks, seed) with at least `total` seeds over the family's forms; the `slow` forms
    (exact solves of deep σ/tanh nets, fresh 3-input searches) get half a share, the rest more."""
    shares = {form: (0.5 if form in slow else 1.0) for form in forms(topic)}
    unit = total / sum(shares.values())
    return [(t, m, seed) for (t, m), share in shares.items() for seed in range(math.ceil(unit * share))]


def build(topic: str, qtype: str, marks: int, seed: int) -> Question:
    """The question as the checkers read it: the paper's minus (−2.34, which options, reasons and
    statements print) read back as the grammar's "-", so a printed number parses."""
    return ascii_minus(built(topic, qtype, marks, seed))


def ascii_minus(q: Question, stem: bool = True) -> Question:
    def back(text: str | None) -> str | None:
        return None if text is None else text.replace("\u2212", "-")

    options = tuple(replace(o, text=back(o.text), why=back(o.why), mistake=back(o.mistake)) for o in q.options)
    return replace(q, text=back(q.text) if stem else q.text, options=options)


def apart(a: float, b: float, tol: float) -> bool:
    return abs(a - b) >= max(0.05 * max(abs(a), abs(b)), tol) - 1e-12


def vector_apart(u: Sequence[float], v: Sequence[float], tol: float) -> bool:
    big = max(abs(x) for x in [*u, *v])
    return max(abs(a - b) for a, b in zip(u, v)) >= max(0.05 * big, tol) - 1e-12


def tuple_of(text: str) -> tuple[float, ...] | None:
    """"(0.10, -0.2)" → (0.1, -0.2); None for text that is not a tuple of numbers."""
    match = re.fullmatch(r"\((.*)\)", text.strip())
    if not match:
        return None
    parts = [p.strip() for p in match.group(1).split(",")]
    if not all(re.fullmatch(NUMBER, p) for p in parts):
        return None
    return tuple(float(p) for p in parts)


def number_of(text: str) -> float | None:
    return float(text) if re.fullmatch(NUMBER, text.strip()) else None


def decimals(text: str) -> int:
    found = re.findall(r"\.(\d+)", text)
    return max((len(f) for f in found), default=0)


def check_standards(q: Question) -> None:
    """The record's own promises and the number/distractor standards."""
    if q.type == "NAT":
        _check_nat(q)
        return
    correct = q.answer["correct"]
    assert len(q.options) == 4 and len({o.text for o in q.options}) == 4, q.id
    assert (len(correct) == 1) if q.type == "MCQ" else (len(correct) >= 1), q.id
    for i, option in enumerate(q.options):
        assert (option.mistake is None) == (i in correct), (q.id, option)
        assert option.mistake is None or not FILLER.search(option.mistake), (q.id, option.mistake)
    _check_option_gaps(q)


def _check_nat(q: Question) -> None:
    lo, hi = q.answer["range"]
    key = q.answer["value"]
    assert in_key_range(key, q.answer["range"]), q.id
    assert "rounded off" in q.text or "integer" in q.text, q.id
    tol = max(hi - key, key - lo, 10.0 ** -(q.rounding or 0) * 0.999)
    for m in q.mistakes:
        assert m.mistake and not FILLER.search(m.mistake), (q.id, m)
        assert apart(m.value, key, tol * 0.999), (q.id, key, m)


def _check_option_gaps(q: Question) -> None:
    numbers = [number_of(o.text) for o in q.options]
    if all(n is not None for n in numbers):
        tol = 10.0 ** -max(decimals(o.text) for o in q.options) * 0.999
        for i, a in enumerate(numbers):
            for b in numbers[i + 1:]:
                assert apart(a, b, tol), (q.id, numbers)  # type: ignore[arg-type]
        return
    tuples = [tuple_of(o.text) for o in q.options]
    if all(t is not None for t in tuples):
        tol = 10.0 ** -max(decimals(o.text) for o in q.options) * 0.999
        for i, a in enumerate(tuples):
            for b in tuples[i + 1:]:
                assert vector_apart(a, b, tol), (q.id, tuples)  # type: ignore[arg-type]


def key_options(q: Question) -> list[str]:
    return [q.options[i].text for i in q.answer["correct"]]


def frac(text: str) -> Fraction:
    return Fraction(text)


def close(a: float, b: float, tol: float = 1e-9) -> bool:
    return abs(a - b) <= tol
