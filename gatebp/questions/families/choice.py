"""An option before lettering, and the small rules every option builder shares."""

from __future__ import annotations

from dataclasses import dataclass

from gatebp.questions.families.base import Resample

RELATIVE_GAP = 0.05  # options differ by at least 5% of the larger one


@dataclass(frozen=True)
class Choice:
    """An option before lettering: its text, truth, and for distractors the slip behind it."""

    text: str
    correct: bool
    value: float | None = None
    mistake: str | None = None
    find: dict[str, object] | None = None
    claim: dict[str, object] | None = None  # what the option asserts (gatebp.questions.claims)
    why: str | None = None  # filled in when the claim is judged


def require(condition: bool, why: str = "numbers do not suit") -> None:
    """Ask the generator for another draw when the sampled numbers do not suit."""
    if not condition:
        raise Resample(why)


def apart(a: float, b: float, gap: float = 0.0) -> bool:
    """Two option values a student cannot confuse: 5% of the larger apart, and at least `gap`."""
    difference = abs(a - b)
    return difference >= gap and difference >= RELATIVE_GAP * max(abs(a), abs(b)) - 1e-12


def fixed(value: float, places: int) -> str:
    """Fixed decimals as an option prints them: the paper's minus (−2.34, free text that every
    target prints its own way, ASCII "-" under --plain), the rounding's trailing zeros kept (a
    maths span would print 0.30 as 0.3), and no "−0.00" from rounding a tiny negative number."""
    text = f"{value:.{places}f}"
    if text.startswith("-") and not text.strip("-0."):
        text = text[1:]
    return text.replace("-", "−")
