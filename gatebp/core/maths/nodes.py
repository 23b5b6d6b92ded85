"""Maths the working and the stems write beyond the spec grammar: partials, matrices, ⊙, ᵀ.

These nodes sit beside `gatebp.core.expr`'s Num/Name/Neg/BinOp/Call in one tree, so a working
line such as δ = (Wᵀδ′) ⊙ ReLU′(z) is built as data and printed to every target by one printer.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

from gatebp.core.expr import BinOp, Call, Name, Neg, Num


@dataclass(frozen=True)
class Partial:
    """∂of/∂wrt; `local=True` marks a local (one-edge) derivative, printed ∂of/∂wrt|local."""

    of: str
    wrt: str
    local: bool = False


@dataclass(frozen=True)
class Transpose:
    operand: MathExpr


@dataclass(frozen=True)
class Hadamard:
    """The entrywise product a ⊙ b."""

    left: MathExpr
    right: MathExpr


@dataclass(frozen=True)
class MatMul:
    """A matrix product, written by juxtaposition as the paper does: W₁x, Wᵀδ."""

    left: MathExpr
    right: MathExpr


@dataclass(frozen=True)
class Prime:
    """An activation's derivative at a point: σ'(z), ReLU'(z); `func` is a grammar name."""

    func: str
    arg: MathExpr


@dataclass(frozen=True)
class Apply:
    """A named function of a quantity that is not in the grammar, e.g. δ(h) or L(w + ε)."""

    name: str
    arg: MathExpr


@dataclass(frozen=True)
class Entry:
    """An entry of a named matrix or vector, as the stem names it: W1[2,3], b1[2], z2[1]."""

    name: str
    indices: tuple[int, ...]


@dataclass(frozen=True)
class Group:
    """Parentheses the writer chose to keep, as around a negative factor: 2·3 + (−2)(−2)."""

    operand: MathExpr


@dataclass(frozen=True)
class Relation:
    """left op right, with op one of "=", "≈", "←" (an update), "≠", "≤", "≥", ">", "<"."""

    op: str
    left: MathExpr
    right: MathExpr


@dataclass(frozen=True)
class Matrix:
    """Rows of entries (numbers or expressions); a vector is one row or one column."""

    rows: tuple[tuple[MathExpr, ...], ...]

    @property
    def shape(self) -> tuple[int, int]:
        return len(self.rows), len(self.rows[0]) if self.rows else 0


MathExpr = (Num | Name | Neg | BinOp | Call | Partial | Transpose | Hadamard | MatMul | Prime | Apply
            | Relation | Matrix | Entry | Group)
RELATIONS = ("=", "≈", "←", "≠", "≤", "≥", ">", "<")


def num(value: object) -> Num:
    """A number node from an int, "p/q" or decimal text, a Fraction, a float (by its shortest
    repr, so 0.105 stays 0.105) or a SymPy Rational (the solver's exact values)."""
    return Num(to_fraction(value))


def to_fraction(value: object) -> Fraction:
    """Exact value of a number-like object; refuses booleans and irrational SymPy values."""
    if isinstance(value, bool):
        raise TypeError("a boolean is not a number")
    if isinstance(value, (int, Fraction)):
        return Fraction(value)
    if isinstance(value, float):
        return Fraction(repr(value))
    if isinstance(value, str):
        return Fraction(value.strip().replace("\u2212", "-"))
    if getattr(value, "is_Rational", False):
        return Fraction(int(value.p), int(value.q))  # type: ignore[attr-defined]
    raise ValueError(f"{value!r} is not an exact number")


def matrix(rows: object) -> Matrix:
    """A Matrix from nested lists of numbers (int, Fraction, "1/3", "-0.5") or nodes."""
    if not isinstance(rows, (list, tuple)) or not rows:
        raise ValueError("a matrix needs at least one row")
    grid = [row if isinstance(row, (list, tuple)) else [row] for row in rows]
    if len({len(row) for row in grid}) != 1 or not grid[0]:
        raise ValueError("the rows of a matrix must have the same, non-zero length")
    return Matrix(tuple(tuple(_entry(cell) for cell in row) for row in grid))


def column(entries: object) -> Matrix:
    """A column vector (n × 1), as the paper prints x and δ."""
    if not isinstance(entries, (list, tuple)):
        raise TypeError("a column needs a list of entries")
    return matrix([[entry] for entry in entries])


def _entry(cell: object) -> MathExpr:
    if isinstance(cell, (Num, Name, Neg, BinOp, Call, Partial, Transpose, Hadamard, MatMul, Prime,
                         Apply, Relation, Entry, Group)):
        return cell
    return num(cell)
