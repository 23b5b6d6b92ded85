"""The Question record: a plain, JSON-ready question with its GATE key.

Everything downstream (practice, grading, export, the bank) reads this record and nothing else,
so `to_dict()` is exactly the `gatebp.questions` v1 interchange item (docs/format.md).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any, Literal

from gatebp.core.step import Step, as_steps

QuestionType = Literal["NAT", "MCQ", "MSQ"]
LABELS = "ABCD"
FORMAT_NAME = "gatebp.questions"
FORMAT_VERSION = 1


@dataclass(frozen=True)
class Option:
    """One MCQ/MSQ choice; `mistake` says which slip produces it when it is a distractor."""

    label: str
    text: str
    value: float | None = None
    mistake: str | None = None
    find: dict[str, Any] | None = None
    claim: dict[str, Any] | None = None  # what the option asserts, as data a program can check
    true: bool | None = None  # the code's verdict on the claim (the key is the true options)
    why: str | None = None  # one line: why it is right, or the slip that leads to it

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"label": self.label, "text": self.text}
        for key in ("value", "mistake", "find", "claim", "true", "why"):
            if getattr(self, key) is not None:
                out[key] = getattr(self, key)
        return out

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Option:
        return cls(data["label"], data["text"], data.get("value"), data.get("mistake"), data.get("find"),
                   data.get("claim"), data.get("true"), data.get("why"))

    def verdict_text(self) -> str:
        """"B: wrong: you ignored the closed gate on h" as a solution lists each option."""
        word = "right" if self.true else "wrong"
        return f"{self.label}: {word}" + (f": {self.why}" if self.why else "")


@dataclass(frozen=True)
class NatMistake:
    """A wrong numeric answer a named slip produces, so practice can name a typed NAT mistake."""

    value: float
    mistake: str

    def to_dict(self) -> dict[str, Any]:
        return {"value": self.value, "mistake": self.mistake}


@dataclass(frozen=True)
class Question:
    """A question as a student reads it, with its key and worked solution.

    NAT: `answer = {"value", "exact", "range": [lo, hi]}` and `rounding` decimal places.
    MCQ/MSQ: `answer = {"correct": [0-based option indexes]}`.
    """

    id: str
    topic: str
    type: QuestionType
    marks: int
    text: str
    answer: dict[str, Any]
    solution: tuple[Step, ...]
    options: tuple[Option, ...] = ()
    graph: dict[str, dict[str, str]] | None = None
    find: dict[str, Any] | None = None
    rounding: int | None = None
    mistakes: tuple[NatMistake, ...] = ()
    source: str = "generated"
    extra: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        object.__setattr__(self, "solution", as_steps(self.solution))

    @property
    def correct_labels(self) -> tuple[str, ...]:
        return tuple(self.options[i].label for i in self.answer.get("correct", ()))

    def key_text(self) -> str:
        """The key as GATE publishes it: "B", "A;C" or "8.90 to 9.10"."""
        if self.type == "NAT":
            lo, hi = self.answer["range"]
            places = self.rounding if self.rounding is not None else 2
            return f"{lo:.{places}f} to {hi:.{places}f}"
        return ";".join(self.correct_labels)

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"id": self.id, "topic": self.topic, "type": self.type,
                               "marks": self.marks, "text": self.text}
        if self.graph is not None:
            out["graph"] = self.graph
        if self.find is not None:
            out["find"] = self.find
        if self.options:
            out["options"] = [o.to_dict() for o in self.options]
        out["answer"] = self.answer
        if self.rounding is not None:
            out["rounding"] = self.rounding
        if self.mistakes:
            out["mistakes"] = [m.to_dict() for m in self.mistakes]
        out["solution"] = {"steps": [s.to_dict() for s in self.solution]}
        if self.source != "generated":
            out["source"] = self.source
        if self.extra:
            out["extra"] = self.extra
        return out

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Question:
        return cls(
            id=data["id"], topic=data["topic"], type=data["type"], marks=data["marks"],
            text=data["text"], answer=data["answer"],
            solution=tuple(Step.from_dict(s) for s in data.get("solution", {}).get("steps", ())),
            options=tuple(Option.from_dict(o) for o in data.get("options", ())),
            graph=data.get("graph"), find=data.get("find"), rounding=data.get("rounding"),
            mistakes=tuple(NatMistake(m["value"], m["mistake"]) for m in data.get("mistakes", ())),
            source=data.get("source", "generated"), extra=data.get("extra", {}),
        )


def key_range(value: float, places: int) -> tuple[float, float]:
    """A GATE-style closed key range around `value` for an answer rounded to `places` decimals.

    It holds the exact value and every correct rounding of it (half-up or half-even, or
    truncation by a student who keeps one digit more), like official keys such as 0.35 to 0.37.
    An exact integer answer with places == 0 gets "6 to 6".
    """
    step = 10.0 ** -places
    rounded = float(Decimal(repr(value)).quantize(Decimal(1).scaleb(-places), ROUND_HALF_UP))
    if places == 0 and math.isclose(value, round(value), abs_tol=1e-12):
        return (rounded, rounded)
    lo, hi = rounded - step, rounded + step
    return (round(min(lo, value), places + 2), round(max(hi, value), places + 2))


def in_key_range(typed: float, answer_range: tuple[float, float] | list[float]) -> bool:
    """NAT grading: the typed number is inside the closed range (with float dust forgiven)."""
    lo, hi = answer_range
    return lo - 1e-9 <= typed <= hi + 1e-9


def tolerance(answer_range: tuple[float, float] | list[float]) -> float:
    """Half the key range's width: options closer than this cannot be told apart by grading."""
    lo, hi = answer_range
    return max((hi - lo) / 2, 1e-9)


PLACES_WORD = {1: "one decimal place", 2: "two decimal places", 3: "three decimal places",
               4: "four decimal places"}


def rounded_words(places: int) -> str:
    """"two decimal places", "one decimal place": the paper's rounding words."""
    return PLACES_WORD.get(places, f"{places} decimal places")


def nat_question_text(body: str, places: int) -> str:
    """Append the paper's rounding instruction to a NAT question's text. A body that ends in
    "The value of ∂y/∂w is" gets the paper's blank: "... is ____ (rounded off to two decimal
    places)."; any other body keeps the bracket after it."""
    suffix = "(answer as an integer)" if places == 0 else f"(rounded off to {rounded_words(places)})"
    if body.rstrip().endswith(" is"):
        return f"{body.rstrip()} ____ {suffix}."
    return f"{body} {suffix}"
