"""How a guided question looks: the plan's heading, each step's prompt and its feedback.

Quantities are maths markup printed per target (Unicode, or ASCII on a plain console, so
∂h₁/∂z₁ reads dh1/dz1 to a screen reader): each message is a renderable that reads the console's
notation when drawn, and the step's prompt, a string for the input line, takes the target
(`console_target`). Every message is one short line or two.
"""

from __future__ import annotations

import re

from rich.text import Text

from gatebp.core.errors import GatebpError
from gatebp.core.maths import Target
from gatebp.gate.stats import skill_label
from gatebp.ui.terminal.maths import SEPARATOR, Lazy, view_text

GUIDED_KEYS = "r reveals the step, s skips the question, q quits, = 2*0.5 calculates"
OFFER = "g: work this one through step by step (each forward value, local derivative and path)"
_PARTIAL = re.compile(r"∂\s*([\w\[\],]+)\s*/\s*∂\s*([\w\[\],]+)")
NO_PLAN = "No network to work through in this question: answer it directly."


def quantity_text(quantity: str, target: Target = "unicode") -> str:
    """A step's quantity as maths: "∂h₁/∂z₁", or "dh1/dz1" in ASCII; a path's product
    "∂y/∂h · ∂h/∂z · ∂z/∂w" is named by its route, "y ← h ← z ← w" ("y <- h <- z <- w")."""
    pairs = _PARTIAL.findall(quantity)
    if len(pairs) > 1 and "·" in quantity:
        names = [pairs[0][0], *(parent for _, parent in pairs)]
        return view_text(" ← ", target).join(_maths(n, target) for n in names)
    return _maths(quantity, target)


def _maths(quantity: str, target: Target) -> str:
    from gatebp.core.maths import parse_markup, render

    markup = quantity if "$" in quantity else f"${quantity}$"
    try:
        return render(parse_markup(markup), target)
    except (GatebpError, ValueError):
        return view_text(quantity, target)


def line_text(text: str, target: Target = "unicode") -> str:
    """A line of working (itself markup) as the working panel prints it."""
    return view_text(text, target)


def guided_intro(steps: int) -> Text:
    text = Text(f"Work it through: {steps} step{'s' if steps != 1 else ''}, then the answer. ",
                style="bold")
    text.append(f"Type each value ({GUIDED_KEYS}).", style="dim")
    return text


def step_prompt(number: int, total: int, skill: str, quantity: str,
                target: Target = "unicode") -> str:
    """"Step 4/8 · sigmoid local derivative · ∂h₁/∂z₁ = " (a string: input() shows it)."""
    sep = view_text(SEPARATOR, target)
    return f"Step {number}/{total}{sep}{skill_label(skill)}{sep}{quantity_text(quantity, target)} = "


def right_step(quantity: str, value: float, second: bool = False) -> Lazy:
    word = "Right on the second try" if second else "Right"
    return Lazy(lambda target: Text(
        f"{word}: {quantity_text(quantity, target)} = {number_text(value)}", style="green"))


def wrong_step(quantity: str, typed: str, rule: str, slip: str | None, retry: bool = True) -> Lazy:
    """Which rule the step uses, the slip when the typed value is a known one, what next."""
    return Lazy(lambda target: _wrong_step(quantity, typed, rule, slip, retry, target))


def _wrong_step(quantity: str, typed: str, rule: str, slip: str | None, retry: bool,
                target: Target) -> Text:
    text = Text(f"{quantity_text(quantity, target)} is not {typed}. ", style="bold red")
    text.append(f"Rule: {line_text(rule, target)}.")
    if slip:
        text.append(f"\nThat is the value you get if you {line_text(slip, target)}.", style="yellow")
    if retry:
        text.append("\nTry once more, or r to reveal it.", style="dim")
    return text


def revealed_step(text: str) -> Lazy:
    return Lazy(lambda target: Text(f"Step: {line_text(text, target)}", style="cyan"))


def answer_now(question_type: str) -> Text:
    what = "the number, rounded as asked" if question_type == "NAT" else "the option(s)"
    return Text(f"Every step done. Now the answer: {what}.", style="bold")


def number_text(value: float) -> str:
    """A step's value as the working writes it: up to 4 decimals, no trailing zeros."""
    text = f"{value:.4f}".rstrip("0").rstrip(".")
    if text in ("0", "-0") and value != 0:
        return f"{value:.4g}"
    return "0" if text == "-0" else text
