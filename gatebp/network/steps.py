"""The working as data: forward values, local derivatives, paths and the answer.

Steps are plain records built by keyword; renderers (Rich, print formats, JSON) only read them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from fractions import Fraction
from functools import lru_cache
from typing import Any

import sympy as sp

from gatebp.core.activations import get
from gatebp.core.step import Step
from gatebp.core.values import as_float

RELU_CONVENTION = get("relu").convention  # said by the working whenever a ReLU gate appears


@dataclass(frozen=True)
class Edge:
    """The local derivative ∂node/∂parent at the forward values, with the rule that gives it."""

    node: str
    parent: str
    formula: str
    value: sp.Expr
    rule: str = ""
    activation: str = ""  # the registry name (relu, sigmoid, step...) when its local rule gave the value

    @property
    def label(self) -> str:
        return f"∂{self.node}/∂{self.parent}"

    def to_dict(self) -> dict[str, Any]:
        return {"node": self.node, "parent": self.parent, "formula": self.formula,
                "rule": self.rule, "value": as_float(self.value), "exact": exact_text(self.value)}


@dataclass(frozen=True)
class Path:
    """One route from `wrt` to `of`, listed from `of` back to `wrt`, and its product."""

    names: tuple[str, ...]
    factors: tuple[sp.Expr, ...]
    product: sp.Expr

    def to_dict(self) -> dict[str, Any]:
        return {"nodes": list(self.names), "factors": [as_float(f) for f in self.factors],
                "product": as_float(self.product), "exact": exact_text(self.product)}


@dataclass(frozen=True)
class Solution:
    """Everything `solve` found; `exact` is the answer, `value` its float for grading."""

    question: str
    exact: sp.Expr
    forward: dict[str, sp.Expr]
    edges: tuple[Edge, ...] = ()
    sensitivities: dict[str, sp.Expr] = field(default_factory=dict)
    paths: tuple[Path, ...] = ()
    paths_truncated: bool = False  # more paths than are listed (see path_count)
    path_count: int = 0  # how many paths lead from wrt to of, counted even when not listed
    gradient: sp.Expr | None = None
    steps: tuple[Step, ...] = ()
    checked: str = ""

    @property
    def value(self) -> float:
        return as_float(self.exact)

    @property
    def exact_text(self) -> str:
        return exact_text(self.exact)

    def to_dict(self) -> dict[str, Any]:
        return {"question": self.question, "value": self.value, "exact": self.exact_text,
                "forward": {k: {"value": as_float(v), "exact": exact_text(v)} for k, v in self.forward.items()},
                "local_derivatives": [e.to_dict() for e in self.edges],
                "sensitivities": {k: as_float(v) for k, v in self.sensitivities.items()},
                "paths": [p.to_dict() for p in self.paths], "paths_truncated": self.paths_truncated,
                "path_count": self.path_count,
                "steps": [s.to_dict() for s in self.steps], "checked": self.checked,
                "convention": RELU_CONVENTION}


def exact_text(value: sp.Expr) -> str:
    """SymPy's exact form in the spec grammar (`1/(1 + exp(-1))`, `-3/4`)."""
    return sp.sstr(value)


@lru_cache(maxsize=8192)
def show(value: sp.Expr, places: int = 4) -> str:
    """A number as a student writes it: 6, -0.75, 1/3 ≈ 0.3333, ≈ 0.7311 (cached: the working
    shows each value several times, and SymPy's printer is slow)."""
    if value.is_Integer:
        return str(int(value))
    number = as_float(value)
    decimal = f"{number:.{places}f}".rstrip("0").rstrip(".")
    if decimal in ("0", "-0") and number != 0:
        decimal = f"{number:.{places}g}"  # 6.959e-16: a tiny value is not written as 0
    if value.is_Rational:
        if Fraction(decimal) == Fraction(int(value.p), int(value.q)):
            return decimal
        return f"{value.p}/{value.q} ≈ {decimal}"
    return f"≈ {decimal}"


def equals(value: sp.Expr, places: int = 4) -> str:
    """`= 6` or `≈ 0.7311`: the sign a student writes before a value."""
    text = show(value, places)
    return text if text.startswith("≈") else f"= {text}"


def short(value: sp.Expr, places: int = 4) -> str:
    """`show` without the exact fraction: for products and sums written inline."""
    text = show(value, places)
    return text.split(" ≈ ")[-1].removeprefix("≈ ")


def factor(value: sp.Expr, places: int = 4) -> str:
    """`short` for a value inside a product or power: negatives in brackets, 0.5 × (-4)."""
    text = short(value, places)
    return f"({text})" if text.startswith("-") else text
