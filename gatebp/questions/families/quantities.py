"""Options that state a quantity: the claim, the printed value, the rounding note, the key line."""


from __future__ import annotations

import random
from collections.abc import Mapping, Sequence

import sympy as sp

from gatebp.core.step import Step
from gatebp.core.values import as_float
from gatebp.gate.question import QuestionType
from gatebp.network.slips import Slip
from gatebp.network.steps import equals
from gatebp.questions.families._markup import rounded_words, with_rounding
from gatebp.questions.families.choice import Choice, apart, fixed, require


def quantity(of: str, wrt: str | None, value: sp.Expr, places: int = 4) -> dict[str, object]:
    """The claim "this graph quantity equals value" as an option shows it (`short`: 4 places)."""
    find: dict[str, object] = {"of": of} if wrt is None else {"of": of, "wrt": wrt}
    return {"kind": "quantity", "find": find, "value": round(as_float(value), places), "places": places}


QUANTITY_PLACES = 3  # an MSQ statement shows a non-terminating value to three decimal places


def stated(value: sp.Expr, places: int = QUANTITY_PLACES) -> str:
    """"= 6", "= −0.75" or "≈ 0.235": a value as a statement writes it (the paper's minus, in free
    text or inside a span)."""
    return equals(sp.S(value), places).replace("-", "−")


def figure(value: sp.Expr, places: int = QUANTITY_PLACES) -> str:
    """"4" or "≈ 0.235": a value inside a sentence ("contributes ≈ 0.235")."""
    return stated(value, places).removeprefix("= ")


def quantity_choice(label: str, find: dict[str, object], exact: sp.Expr, slip: Slip | None, rng: random.Random,
                    *, p_true: float = 0.5, places: int = QUANTITY_PLACES, math: bool = False) -> Choice:
    """The statement "label = value" about a graph quantity: the true value or, by a coin, a named
    slip's value. Its claim is the quantity `find` (decided by solving the graph, never by intent);
    a slip a student could not tell from the true value (`apart`) keeps the statement true.
    `math`: the label is an expression (∂y/∂w), so the whole statement is one maths span."""
    exact = sp.S(exact)
    value = exact
    if slip is not None and rng.random() >= p_true and apart(slip.number, as_float(exact),
                                                             10.0**-places * 2.001):
        value = sp.S(slip.value)
    number = round(as_float(value), places)
    claim = {"kind": "quantity", "find": dict(find), "value": number, "places": places}
    wrong = value is not exact
    text = f"{label} {stated(value, places)}"
    return Choice(f"${text}$" if math else text, not wrong, number, slip.mistake if wrong and slip else None,
                  dict(find), claim)


def claim_choice(text: str, claim: Mapping[str, object], correct: bool, mistake: str | None = None) -> Choice:
    """A statement whose claim the code decides (a gate, a sign, a count, a formula); a false
    one names the slip that makes a student believe it."""
    return Choice(text, correct, mistake=None if correct else mistake, claim=dict(claim))


def distinct(values: Sequence[sp.Expr | float]) -> None:
    """The true values of the quantities one question states differ in size by 5%, so a student
    who mixes up two variables cannot land on a true value by coincidence (x = w1 = w2 = 2), nor
    are two statements mirror images (a factor −1 between them); two exact zeros (the point of a
    closed gate) may agree. Otherwise the draw is made again."""
    numbers = [abs(as_float(v)) for v in values]
    for i, a in enumerate(numbers):
        require(all(apart(a, b) or a == b == 0 for b in numbers[i + 1:]), "two quantities share a value")


def rounded_note(body: str, choices: Sequence[Choice], places: int = QUANTITY_PLACES) -> str:
    """The MSQ stem says how its "≈" values are rounded, as GATE states every rounding."""
    if any("≈" in c.text for c in choices):
        return f"{body} (values marked ≈ are rounded off to {rounded_words(places)})"
    return body




def rounded_answer(exact: sp.Expr, places: int) -> list[Step]:
    """The working's last line at the key's rounding ("rounded off to three decimal places: 0.667"),
    so the working ends at the value the key asks for, not at ≈ 0.6666."""
    if exact.is_Rational and (exact * 10**places).is_Integer:
        return []
    value = fixed(as_float(exact), places)
    # free text, not a maths span: a span would print 0.340 as 0.34, and the trailing 0 is the rounding
    return [Step("note", f"rounded off to {rounded_words(places)}: {value}")]


def asked(body: str, qtype: QuestionType, exact: sp.Expr, places: int, slips: Sequence[Slip] = ()) -> str:
    """The stem, saying an MCQ's options are rounded when the key or a slip that may become an
    option is not exact at `places` (the NAT form adds its own rounding sentence)."""
    return with_rounding(body, qtype, [exact, *(s.value for s in slips)], places)
