"""The working's maths as markup (`$...$` spans, gatebp.core.maths.spans): names as the stem
writes them, numbers as a student writes them, values put into a formula.

A layer-form graph's internal names are shown the way its stem names the matrices
(gatebp.core.maths.names explains the convention): the weight w_h2_x1 into unit h2 of layer 1
is W1[2,1], the bias b_h2 is b1[2] and the pre-activation z_h2 is z1[2]; units (h2) and inputs
(x1) keep their names. Scalar graphs keep the names the user wrote.
"""

from __future__ import annotations

import math as _math
import re

import sympy as sp

from gatebp.network.graph import Graph
from gatebp.network.steps import as_float, short, show

IDENT = re.compile(r"(?<![A-Za-z0-9_])[A-Za-z][A-Za-z0-9_]*(?![A-Za-z0-9_(\[])")


def display_names(graph: Graph) -> dict[str, str]:
    """Internal layer-form names -> the stem's: w_h2_x1 -> W1[2,1], b_h2 -> b1[2], z_h2 -> z1[2]."""
    names: dict[str, str] = {}
    for k, layer in enumerate(graph.layers, start=1):
        for i, row in enumerate(layer.weights, start=1):
            names.update({weight: f"W{k}[{i},{j}]" for j, weight in enumerate(row, start=1)})
        names.update({bias: f"b{k}[{i}]" for i, bias in enumerate(layer.biases, start=1)})
        names.update({pre: f"z{k}[{i}]" for i, (unit, pre) in enumerate(zip(layer.units, layer.pre), start=1)
                      if pre != unit})
    return names


def rename(text: str, names: dict[str, str]) -> str:
    """Every name in grammar or markup text that `names` maps, replaced (functions are kept)."""
    if not names:
        return text
    return IDENT.sub(lambda m: names.get(m.group(0), m.group(0)), text)


def number(value: sp.Expr) -> str:
    """A value as markup a student writes: 6, -0.75, 0.7941 (never e-notation)."""
    text = short(value)
    magnitude = abs(as_float(value))
    if 0.0001 <= magnitude < 0.001 and not value.is_Rational:  # 4 significant digits, not 0.0001
        text = f"{as_float(value):.{3 - _math.floor(_math.log10(magnitude))}f}".rstrip("0")
    if "e" in text or 0 < magnitude < 0.0001:  # 2.32·10⁻¹⁶, not sixteen zeros
        text = power_of_ten(as_float(value), 4 if magnitude < 0.0001 else 5)
    return text


def power_of_ten(value: float, significant: int) -> str:
    """`value` as markup a·10ⁿ with that many significant digits (trailing zeros dropped):
    2.32*10**(-16), never Python's 2.32e-16."""
    mantissa, exponent = f"{value:.{significant - 1}e}".split("e")
    if "." in mantissa:
        mantissa = mantissa.rstrip("0").rstrip(".")
    return f"{mantissa}*10**{int(exponent)}"


def factor(value: sp.Expr) -> str:
    """`number` for a factor or a later term: negatives in kept parentheses, (-2)."""
    text = number(value)
    return f"({text})" if text.startswith("-") or "*" in text else text


def result(value: sp.Expr) -> str:
    """`= 6`, `= 1/3 ≈ 0.3333` or `≈ 0.7941`: the end of a line of working."""
    text = show(value)
    if text.startswith("≈"):
        return f"≈ {number(value)}"
    if " ≈ " in text:
        return f"= {text.split(' ≈ ')[0]} ≈ {number(value)}"
    return f"= {number(value)}"


def substitute(text: str, values: dict[str, sp.Expr]) -> str:
    """Grammar text with each name that has a value replaced by that value (negatives bracketed)."""
    return IDENT.sub(lambda m: factor(values[m.group(0)]) if m.group(0) in values else m.group(0), text)


def math(text: str) -> str:
    """One inline span."""
    return f"${text}$"
