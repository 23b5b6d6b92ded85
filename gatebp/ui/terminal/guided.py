"""How a guided question looks: the plan's heading, each step's prompt and its feedback.

Quantities are maths markup printed per target (Unicode, or ASCII under --plain / NO_COLOR, so
∂h₁/∂z₁ reads dh1/dz1 to a screen reader); every message is one short line or two.
"""

from __future__ import annotations

import re

from rich.text import Text

from gatebp.core.errors import GatebpError
from gatebp.gate.stats import skill_label

GUIDED_KEYS = "r reveals the step, s skips the question, q quits, = 2*0.5 calculates"
OFFER = "g: work this one through step by step (each forward value, local derivative and path)"
_PARTIAL = re.compile(r"∂\s*([\w\[\],]+)\s*/\s*∂\s*([\w\[\],]+)")
NO_PLAN = "No network to work through in this question: answer it directly."


def quantity_text(quantity: str, plain: bool = False) -> str:
    """A step's quantity as maths: "∂h₁/∂z₁", or "dh1/dz1" in plain mode; a path's product
    "∂y/∂h · ∂h/∂z · ∂z/∂w" is named by its route, "y ← h ← z ← w" ("y <- h <- z <- w")."""
    pairs = _PARTIAL.findall(quantity)
    if len(pairs) > 1 and "·" in quantity:
        names = [pairs[0][0], *(parent for _, parent in pairs)]
        return (" <- " if plain else " ← ").join(_maths(n, plain) for n in names)
    return _maths(quantity, plain)


def _maths(quantity: str, plain: bool) -> str:
    from gatebp.core.maths import parse_markup, render, to_ascii

    markup = quantity if "$" in quantity else f"${quantity}$"
    try:
        return render(parse_markup(markup), "ascii" if plain else "unicode")
    except (GatebpError, ValueError):
        return to_ascii(quantity) if plain else quantity


def line_text(text: str, plain: bool = False) -> str:
    """A line of working (itself markup) as the working panel prints it."""
    from gatebp.core.maths import parse_markup, render

    try:
        return render(parse_markup(text), "ascii" if plain else "unicode")
    except (GatebpError, ValueError):
        return text


def guided_intro(steps: int) -> Text:
    text = Text(f"Work it through: {steps} step{'s' if steps != 1 else ''}, then the answer. ",
                style="bold")
    text.append(f"Type each value ({GUIDED_KEYS}).", style="dim")
    return text


def step_prompt(number: int, total: int, skill: str, quantity: str, plain: bool = False) -> str:
    """"Step 4/8 · sigmoid local derivative · ∂h₁/∂z₁ = "."""
    return f"Step {number}/{total} · {skill_label(skill)} · {quantity_text(quantity, plain)} = "


def right_step(quantity: str, value: float, plain: bool = False, second: bool = False) -> Text:
    word = "Right on the second try" if second else "Right"
    return Text(f"{word}: {quantity_text(quantity, plain)} = {number_text(value)}",
                style="green")


def wrong_step(quantity: str, typed: str, rule: str, slip: str | None, plain: bool = False,
               retry: bool = True) -> Text:
    """Which rule the step uses, the slip when the typed value is a known one, what next."""
    text = Text(f"{quantity_text(quantity, plain)} is not {typed}. ", style="bold red")
    text.append(f"Rule: {line_text(rule, plain)}.")
    if slip:
        text.append(f"\nThat is the value you get if you {line_text(slip, plain)}.", style="yellow")
    if retry:
        text.append("\nTry once more, or r to reveal it.", style="dim")
    return text


def revealed_step(text: str, plain: bool = False) -> Text:
    return Text(f"Step: {line_text(text, plain)}", style="cyan")


def answer_now(question_type: str) -> Text:
    what = "the number, rounded as asked" if question_type == "NAT" else "the option(s)"
    return Text(f"Every step done. Now the answer: {what}.", style="bold")


def number_text(value: float) -> str:
    """A step's value as the working writes it: up to 4 decimals, no trailing zeros."""
    text = f"{value:.4f}".rstrip("0").rstrip(".")
    if text in ("0", "-0") and value != 0:
        return f"{value:.4g}"
    return "0" if text == "-0" else text
