"""Stems in the paper's register: a graph's definitions and values as `$...$` maths spans.

Families write their question text as markup (gatebp.core.maths.text): each span is read by the
whitelisting parser, so a spec's `w1*x1 + b` prints as w₁x₁ + b, `(y - t)**2 / 2` as ½(y − t)²,
`yhat` as ŷ and `[[1, -1], [2, 1]]` as an aligned matrix, in the terminal, in ASCII and in every
export. The node expressions come from the graph itself (its text is the spec grammar, so it
parses); the words around them stay free text in Unicode.

    >>> definitions(graph)      # "$z = w*x + b$, $a = sigmoid(z)$ and $y = v*a$"
    >>> assignments(graph)      # "$x = 2$, $w = -0.4$ and $v = -2$"
    >>> value_asked(partial("y", "w"), "NAT", exact, 3)   # "The value of $∂y/∂w$ is"

The leading underscore keeps family discovery from importing this module as a family; families
import these names from `common`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from fractions import Fraction

import sympy as sp

from gatebp.core.expr import format_number
from gatebp.core.maths import render_math
from gatebp.gate.question import QuestionType, rounded_words
from gatebp.network.graph import Graph
from gatebp.network.slips import Slip

ACTIVATION_WORDS = {
    "sigmoid": "$sigmoid(z) = 1/(1 + exp(-z))$",
    "tanh": "tanh is the hyperbolic tangent",
    "relu": "ReLU(z) = max(0, z)",
    "leaky_relu": "leaky ReLU(z) = z for z ≥ 0 and 0.01z for z < 0",
}


def span(expr: str) -> str:
    """One inline maths span: `w1*x + b` -> "$w1*x + b$"."""
    return f"${expr}$"


def listing(items: Iterable[str]) -> str:
    """"a", "a and b", "a, b and c": items joined as a sentence lists them."""
    shown = list(items)
    if len(shown) <= 1:
        return "".join(shown)
    return ", ".join(shown[:-1]) + " and " + shown[-1]


def number(value: Fraction | int | sp.Expr) -> str:
    """A number as the grammar (and so a span) writes it: 2, -0.5, 1/3 only when exact."""
    if isinstance(value, sp.Basic):
        rational = sp.Rational(value)
        value = Fraction(int(rational.p), int(rational.q))
    return format_number(Fraction(value))


def uni(expr: str) -> str:
    """An expression in the paper's Unicode for free text (a slip's words, a working line with ×):
    `w11*a1` -> "w₁₁a₁"; free text prints in every target (ASCII transliterates it back)."""
    return render_math(expr, "unicode")


def minus(text: str) -> str:
    """Numbers in free text with the paper's minus sign: "(-3) × 2" -> "(−3) × 2"."""
    return text.replace("-", "−")


_HYPHEN_MINUS = re.compile(r"(?<![\w)\]}^'′.])-(?=\.?\d)")  # -2, (-0.5), = -1; not 2-2-1, e-62, x^-1


def paper_minus(text: str) -> str:
    """Every negative number in a text with the paper's minus (−2.34): free text prints it in every
    target (ASCII turns it back into -), and a maths span reads it as the grammar's minus. One pass
    over a question's stem, options, reasons and working, so no family can print "-2.34"."""
    return _HYPHEN_MINUS.sub("−", text)


def definitions(graph: Graph, names: Sequence[str] | None = None) -> str:
    """"$z = w*x + b$, $a = sigmoid(z)$ and $y = v*a$": the graph's nodes as the stem defines them
    (each span built from the node's own spec text, so any user name is kept)."""
    return listing(span(f"{n.name} = {n.text}") for n in graph.nodes if names is None or n.name in names)


def assignments(graph: Graph, names: Sequence[str] | None = None) -> str:
    """"$x = 2$, $w = -0.4$ and $v = -2$": the given values, in the graph's order."""
    return listing(span(f"{k} = {number(v)}") for k, v in graph.values.items() if names is None or k in names)


def partial(of: str, wrt: str) -> str:
    """"$∂y/∂w$": a derivative as a span."""
    return span(f"∂{of}/∂{wrt}")


def where_activations(graph: Graph) -> str:
    """"where σ(z) = 1/(1 + e^(−z))" (or tanh, ReLU): every activation the graph uses, defined."""
    texts = [n.text.replace("leaky_relu(", "leaky(") for n in graph.nodes]
    used = [name for name in ACTIVATION_WORDS
            if any(f"{'leaky' if name == 'leaky_relu' else name}(" in text for text in texts)]
    return f"where {listing(ACTIVATION_WORDS[name] for name in used)}" if used else ""


def value_asked(quantity: str, qtype: QuestionType, exact: sp.Expr, places: int,
                slips: Sequence[Slip] = ()) -> str:
    """The question's last sentence for a number: "The value of ∂y/∂w is" (a NAT gets the blank
    and its rounding from `nat_question_text`), with ", rounded off to two decimal places," for an
    MCQ whose options are rounded; an MSQ asks which statements are correct."""
    if qtype == "MSQ":
        return "Which of the following statements is/are correct?"
    return with_rounding(f"The value of {quantity} is", qtype, [exact, *(s.value for s in slips)], places)


def with_rounding(body: str, qtype: QuestionType, values: Iterable[sp.Expr], places: int) -> str:
    """The stem of an MCQ whose options are rounded (the key or a would-be option is not exact
    at `places`) says so where the paper does: "The value of E, rounded off to two decimal
    places, is" before the options; a stem that asks otherwise gets a closing sentence."""
    exact = [sp.S(v) for v in values]
    if qtype != "MCQ" or all(v.is_Rational and (v * 10**places).is_Integer for v in exact):
        return body
    words = rounded_words(places)
    if body.endswith(" is"):
        return f"{body[:-3]}, rounded off to {words}, is"
    return f"{body} (The options are rounded off to {words}.)"
