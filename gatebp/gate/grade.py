"""Parse a typed answer, then mark it the way GATE does.

Parsing and grading are separate so the prompt can refuse a malformed answer with a reason and
ask again, while `grade` stays a pure function of (question, response) that tests can drive
directly. Marks are kept as exact Fractions (a wrong 2-mark MCQ is -2/3, not -0.666...).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Context, Decimal
from fractions import Fraction

from gatebp.core.errors import AnswerFormatError
from gatebp.gate.marking import penalty, signed
from gatebp.gate.question import LABELS, Question, in_key_range, tolerance

# What the GATE on-screen keypad can produce: an optional minus, digits, at most one point.
_KEYPAD = re.compile(r"-?(?:[0-9]+\.?[0-9]*|\.[0-9]+)")
_MSQ_SEPARATORS = re.compile(r"[\s,;]+")
# The keypad's display holds a bounded number of characters; no GATE key needs more digits.
MAX_DIGITS = 15


@dataclass(frozen=True)
class Response:
    """A parsed answer: a typed number (NAT) or 0-based option indexes (MCQ/MSQ)."""

    number: float | None = None
    choices: frozenset[int] = frozenset()
    typed: str | None = None

    @classmethod
    def nat(cls, number: float, typed: str | None = None) -> Response:
        return cls(number=float(number), typed=typed)

    @classmethod
    def pick(cls, *indexes: int) -> Response:
        return cls(choices=frozenset(indexes))

    def text(self) -> str:
        """For display and storage; `parse_answer` reads it back to the same Response."""
        if self.number is not None:
            return self.typed if self.typed is not None else _plain_number(self.number)
        return ";".join(LABELS[i] for i in sorted(self.choices))


@dataclass(frozen=True)
class Grade:
    """The outcome of one question: exact GATE marks and, when wrong, the slip that explains it."""

    correct: bool
    score: Fraction
    answered: bool
    mistake: str | None = None

    @property
    def marks(self) -> float:
        return float(self.score)

    @property
    def marks_text(self) -> str:
        """"+2", "-2/3" or "0", as a marking scheme writes them."""
        return signed(self.score)


def parse_answer(question: Question, text: str) -> Response:
    """Read what the student typed; raise AnswerFormatError with a one-line reason if invalid."""
    if question.type == "NAT":
        return _parse_nat(text)
    indexes = _parse_letters(question, text)
    if question.type == "MCQ" and len(indexes) != 1:
        raise AnswerFormatError("choose exactly one option, e.g. B")
    return Response(choices=frozenset(indexes))


def _parse_nat(text: str) -> Response:
    typed = text.strip()
    if not typed:
        raise AnswerFormatError("type a number, e.g. 0.36 or -2")
    if not _KEYPAD.fullmatch(typed):
        raise AnswerFormatError(
            f"{_clip(typed)!r} is not a number the GATE keypad can type: digits, one '.', optional '-'"
        )
    digits = sum(ch.isdigit() for ch in typed)
    if digits > MAX_DIGITS:
        raise AnswerFormatError(
            f"too long: {digits} digits; the GATE keypad takes at most {MAX_DIGITS}"
        )
    return Response(number=float(typed), typed=typed)


def _parse_letters(question: Question, text: str) -> list[int]:
    letters = _MSQ_SEPARATORS.sub("", text.upper())
    labels = [o.label.upper() for o in question.options]
    if not letters:
        raise AnswerFormatError(f"choose an option: {', '.join(labels)}")
    indexes: list[int] = []
    for letter in letters:
        if letter not in labels:
            raise AnswerFormatError(f"{letter!r} is not an option; choose from {', '.join(labels)}")
        if labels.index(letter) in indexes:
            raise AnswerFormatError(f"option {letter} is given twice")
        indexes.append(labels.index(letter))
    return indexes


def grade(question: Question, response: Response | None) -> Grade:
    """GATE marking: NAT in the key range; MCQ +m or -m/3; MSQ all-or-nothing, never negative."""
    if response is None:
        return Grade(correct=False, score=Fraction(0), answered=False)
    if question.type == "NAT":
        return _grade_nat(question, response)
    return _grade_choices(question, response)


def _grade_nat(question: Question, response: Response) -> Grade:
    if response.number is None:
        raise ValueError(f"{question.id}: a NAT question needs a number, not options")
    if in_key_range(response.number, question.answer["range"]):
        return Grade(correct=True, score=Fraction(question.marks), answered=True)
    slip = _nat_mistake(question, response.number)
    return Grade(correct=False, score=Fraction(0), answered=True, mistake=slip)


def same_nat_answer(question: Question) -> Callable[[float, float], bool]:
    """Two numbers a NAT's grading cannot tell apart: within the key's tolerance, or equal once
    rounded as the question asks (how a typed number is matched to a named slip)."""
    tol = tolerance(question.answer["range"])
    places = question.rounding if question.rounding is not None else 2

    def close(value: float, other: float) -> bool:
        same_rounded = _round_half_up(value, places) == _round_half_up(other, places)
        return abs(value - other) <= tol + 1e-9 or same_rounded

    return close


def _nat_mistake(question: Question, typed: float) -> str | None:
    """The named slip whose value the student typed (within tolerance, or equal once rounded)."""
    close = same_nat_answer(question)
    found = [m for m in question.mistakes if close(m.value, typed)]
    if found:
        return min(found, key=lambda m: abs(m.value - typed)).mistake
    if question.find is None:
        return None
    from gatebp.network.slips import pair_mistake  # no single slip fits: try two together

    return pair_mistake(question.solution, question.find, typed, float(question.answer["value"]),
                        close)


def _grade_choices(question: Question, response: Response) -> Grade:
    chosen = response.choices
    if question.type == "MCQ" and len(chosen) != 1:
        raise ValueError(f"{question.id}: an MCQ response needs exactly one choice")
    if not chosen:
        raise ValueError(f"{question.id}: an MSQ response needs at least one choice")
    key = frozenset(question.answer["correct"])
    if chosen == key:
        return Grade(correct=True, score=Fraction(question.marks), answered=True)
    cost = penalty(question.type, question.marks)
    slip = _option_mistake(question, chosen - key)
    return Grade(correct=False, score=-cost, answered=True, mistake=slip)


def _option_mistake(question: Question, wrong: frozenset[int]) -> str | None:
    """The first wrong chosen option that names the slip leading to it."""
    slips = (question.options[i].mistake for i in sorted(wrong) if i < len(question.options))
    return next((s for s in slips if s), None)


def _clip(typed: str, limit: int = 30) -> str:
    """Garbage as a reason quotes it: at most `limit` characters, so the reason stays one line."""
    return typed if len(typed) <= limit else typed[: limit - 3] + "..."


def _round_half_up(value: float, places: int) -> Decimal:
    """`value` rounded half-up to `places` decimals; never raises (inf and nan pass through)."""
    exact = Decimal(repr(float(value)))
    if not exact.is_finite():
        return exact
    # Enough precision for every digit left of the point plus `places`: quantize cannot overflow.
    context = Context(prec=max(1, exact.adjusted() + 1) + max(0, places) + 2)
    return exact.quantize(Decimal(1).scaleb(-places, context), ROUND_HALF_UP, context)


def _plain_number(value: float) -> str:
    """A float as keypad text: no exponent, no trailing zeros (1e-05 -> 0.00001)."""
    text = format(Decimal(repr(value)).normalize(), "f")
    return "0" if text in ("-0", "") else text
