"""Stems, statements and working lines in the paper's register, written as `$...$` maths markup.

The families write what a student reads as markup (gatebp.core.maths): a graph's node expressions
and the given values go into spans, so every view prints w₁x, ReLU(z), (ŷ − t)² and −2 where the
spec grammar says `w1*x`, `relu(z)`, `(yhat - t)**2` and `-2`. The asked quantity follows the
paper: "The value of ∂L/∂x is ____" (the rounding sentence is added by `pose`).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import replace
from fractions import Fraction

import sympy as sp

from gatebp.core.errors import ExpressionError
from gatebp.core.expr import format_number
from gatebp.core.maths import parse_maths, render_name
from gatebp.gate.question import QuestionType
from gatebp.network.graph import Graph
from gatebp.network.steps import equals, short
from gatebp.questions.families.choice import Choice

RELU_DEFINED = "where ReLU(z) = max(0, z) and ReLU′(0) = 0"
SIGMOID_DEFINED = "$sigmoid(z) = 1/(1 + exp(-z))$"


def m(expression: str) -> str:
    """One inline maths span: "$w1*x + b$"."""
    return f"${expression}$"


def n(value: Fraction | int | sp.Expr, places: int = 4) -> str:
    """A number as a span, so a negative one prints with a true minus sign: $-0.5$ -> −0.5."""
    if isinstance(value, (Fraction, int)):
        return m(format_number(Fraction(value)))
    return _number_spans(short(sp.S(value), places))


def eqv(value: Fraction | int | sp.Expr, places: int = 4) -> str:
    """"= $6$", "≈ $0.7311$" or "= $1/3$ ≈ $0.3333$": a value after the symbol it gives."""
    return _number_spans(equals(sp.S(value), places))


def fig(value: Fraction | int | sp.Expr, places: int = 3) -> str:
    """"$4$" or "≈ $0.235$": a value inside a sentence ("contributes ≈ 0.235")."""
    return eqv(value, places).removeprefix("= ")


def _number_spans(text: str) -> str:
    """Each number of "= 1/3 ≈ 0.3333" in a span of its own; a 6.9e-16 stays plain text."""
    words = text.split(" ")
    return " ".join(w if w in ("=", "≈") or "e" in w else m(w) for w in words)


def sym(name: str) -> str:
    """A name for free text, with its subscripts: "z2" -> "z₂" (every target prints those)."""
    return render_name(name)


def listed(items: Sequence[str], last: str = "and") -> str:
    """"a", "a and b", "a, b and c"."""
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + f" {last} " + items[-1]


def equations(graph: Graph, names: Iterable[str] | None = None) -> str:
    """"$u = w*x$, $f = relu(u)$ and $y = v*h$": the graph's nodes as the stem writes them."""
    wanted = None if names is None else set(names)
    return listed([m(f"{node.name} = {node.text}") for node in graph.nodes
                   if wanted is None or node.name in wanted])


def values(graph: Graph, names: Sequence[str] | None = None) -> str:
    """"$x = 3$, $w = -1$ and $v = 2$": the given values as spans."""
    return listed([m(f"{k} = {format_number(Fraction(v))}") for k, v in graph.values.items()
                   if names is None or k in names])


def value_of(symbol: str, qtype: QuestionType) -> str:
    """The paper's question: "The value of $∂L/∂x$ is ____" (NAT) or "... is" (MCQ options follow)."""
    return f"The value of {m(symbol)} is ____" if qtype == "NAT" else f"The value of {m(symbol)} is"


def as_maths(text: str) -> str:
    """A statement that is all maths ("∂y/∂w1 = 6", "∂L/∂z ≈ -0.378") as one span; other text as is."""
    if "$" in text:
        return text
    try:
        parse_maths(text)
    except (ExpressionError, SyntaxError, ValueError, AssertionError):
        return text
    return m(text)


def spanned(choice: Choice) -> Choice:
    """The choice with an all-maths statement written as a span (its claim is unchanged)."""
    return replace(choice, text=as_maths(choice.text))
