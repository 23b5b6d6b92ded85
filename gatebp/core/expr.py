"""The whitelisting expression parser: untrusted text in, a tiny expression tree out.

Expressions are parsed with `ast.parse` and walked node by node; only numbers, names, the
operators + - * / **, unary minus and calls of known functions are accepted. Nothing is ever
evaluated by Python, and SymPy objects are built by `to_sympy` from the checked tree, so
attribute chains, lambdas, comprehensions and imports cannot get through. Size, depth and
exponents are bounded so that a hostile expression is refused in microseconds.
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass
from fractions import Fraction
from functools import lru_cache
from typing import TYPE_CHECKING

from gatebp.core import activations
from gatebp.core.errors import ExpressionError

if TYPE_CHECKING:
    import sympy

MAX_CHARS = 2000
MAX_DEPTH = 60
MAX_EXPONENT = 16
FUNCTIONS = activations.SPEC_FUNCTIONS  # the whitelist is the registry's (gatebp.core.activations)
CORE_FUNCTIONS = activations.CORE_FUNCTIONS  # the ones exports use (docs/format.md)
EXTRA_FUNCTIONS = tuple(name for name in FUNCTIONS if name not in CORE_FUNCTIONS)
NAME_PATTERN = re.compile(r"[A-Za-z][A-Za-z0-9_]*\Z")
SPEC_NUMBER = re.compile(r"\d+(\.\d*)?|\.\d+")


@dataclass(frozen=True)
class Grammar:
    """What one parse accepts. The default is the spec grammar; the virtual calculator passes
    its own function table, a closed set of names, exponent notation and computed exponents."""

    functions: tuple[str, ...] = FUNCTIONS
    names: tuple[str, ...] | None = None  # None: any valid variable name
    number: re.Pattern[str] = SPEC_NUMBER
    constant_exponents: bool = True


SPEC_GRAMMAR = Grammar()


@dataclass(frozen=True)
class Num:
    value: Fraction


@dataclass(frozen=True)
class Name:
    id: str


@dataclass(frozen=True)
class Neg:
    operand: Expr


@dataclass(frozen=True)
class BinOp:
    op: str  # one of + - * / **
    left: Expr
    right: Expr


@dataclass(frozen=True)
class Call:
    func: str
    arg: Expr


Expr = Num | Name | Neg | BinOp | Call

_BINOPS: dict[type, str] = {ast.Add: "+", ast.Sub: "-", ast.Mult: "*", ast.Div: "/", ast.Pow: "**"}


@lru_cache(maxsize=8192)
def parse_expr_text(text: str, grammar: Grammar = SPEC_GRAMMAR) -> Expr:
    """Parse one expression, refusing anything outside the grammar with a reason and column.

    Cached: question families and their checks parse the same node texts again and again, and
    the tree is immutable (a refusal is not cached: it is raised afresh each time)."""
    if len(text) > MAX_CHARS:
        raise ExpressionError(f"expression too long ({len(text)} characters; the limit is {MAX_CHARS})")
    if not text.strip():
        raise ExpressionError("empty expression")
    try:
        tree = ast.parse(text.strip(), mode="eval")
    except SyntaxError as error:
        if not error.offset:
            raise ExpressionError("syntax error: the expression ends too early", len(text.strip()) + 1) from None
        raise ExpressionError(f"syntax error: {error.msg}", error.offset) from None
    except (RecursionError, MemoryError, ValueError):
        raise ExpressionError("expression nested too deeply") from None
    return _Walker(text.strip(), grammar).walk(tree.body, 0)


def is_valid_name(name: str) -> bool:
    """Names are letters, digits and underscores, start with a letter, and are not functions."""
    return bool(NAME_PATTERN.match(name)) and name not in FUNCTIONS


def referenced_names(text: str) -> tuple[str, ...]:
    """The names an expression reads, in order of first appearance (functions excluded)."""
    return names_in(parse_expr_text(text))


def names_in(expr: Expr) -> tuple[str, ...]:
    found: dict[str, None] = {}
    _collect(expr, found)
    return tuple(found)


def _collect(expr: Expr, found: dict[str, None]) -> None:
    if isinstance(expr, Name):
        found.setdefault(expr.id, None)
    elif isinstance(expr, Neg):
        _collect(expr.operand, found)
    elif isinstance(expr, BinOp):
        _collect(expr.left, found)
        _collect(expr.right, found)
    elif isinstance(expr, Call):
        _collect(expr.arg, found)


class _Walker:
    """Turns a Python AST into an `Expr`, one whitelisted node kind at a time."""

    def __init__(self, text: str, grammar: Grammar = SPEC_GRAMMAR):
        self.text, self.grammar = text, grammar

    def walk(self, node: ast.AST, depth: int) -> Expr:
        if depth > MAX_DEPTH:
            raise ExpressionError("expression nested too deeply", _column(node))
        handler = getattr(self, "_" + type(node).__name__, None)
        if handler is None:
            raise ExpressionError(f"{_describe(node)} is not allowed", _column(node))
        return handler(node, depth + 1)

    def _Constant(self, node: ast.Constant, depth: int) -> Expr:
        if isinstance(node.value, bool) or not isinstance(node.value, (int, float)):
            raise ExpressionError(f"{node.value!r} is not a number", _column(node))
        source = ast.get_source_segment(self.text, node) or repr(node.value)
        if not self.grammar.number.fullmatch(source):
            raise ExpressionError(f"number {source!r} must be written as digits with an optional decimal point",
                                  _column(node))
        return Num(Fraction(source))

    def _Name(self, node: ast.Name, depth: int) -> Expr:
        if node.id in self.grammar.functions:
            raise ExpressionError(f"function {node.id} must be called, e.g. {node.id}(z)", _column(node))
        known = self.grammar.names
        if known is not None and node.id not in known:
            raise ExpressionError(f"unknown name {node.id!r} (known: {', '.join(known)})", _column(node))
        if not NAME_PATTERN.match(node.id) or node.id in FUNCTIONS:
            raise ExpressionError(f"name {node.id!r} is not allowed", _column(node))
        return Name(node.id)

    def _UnaryOp(self, node: ast.UnaryOp, depth: int) -> Expr:
        operand = self.walk(node.operand, depth)
        if isinstance(node.op, ast.USub):
            return Num(-operand.value) if isinstance(operand, Num) else Neg(operand)
        if isinstance(node.op, ast.UAdd):
            return operand
        raise ExpressionError(f"operator {_describe(node.op)} is not allowed", _column(node))

    def _BinOp(self, node: ast.BinOp, depth: int) -> Expr:
        op = _BINOPS.get(type(node.op))
        if op is None:
            raise ExpressionError(f"operator {_describe(node.op)} is not allowed", _column(node))
        left, right = self.walk(node.left, depth), self.walk(node.right, depth)
        if op == "**" and self.grammar.constant_exponents:
            _check_exponent(right, node)
        return BinOp(op, left, right)

    def _Call(self, node: ast.Call, depth: int) -> Expr:
        if not isinstance(node.func, ast.Name):
            raise ExpressionError("only the named functions may be called", _column(node))
        if node.func.id not in self.grammar.functions:
            known = ", ".join(self.grammar.functions)
            raise ExpressionError(f"unknown function {node.func.id!r} (known: {known})", _column(node))
        if node.keywords or len(node.args) != 1:
            raise ExpressionError(f"{node.func.id} takes exactly one argument", _column(node))
        return Call(node.func.id, self.walk(node.args[0], depth))


def _check_exponent(exponent: Expr, node: ast.AST) -> None:
    """Exponents must be small constants: this is what stops `9**9**9**9` before any arithmetic."""
    if not isinstance(exponent, Num):
        raise ExpressionError("an exponent must be a number (e.g. v**2)", _column(node))
    if abs(exponent.value) > MAX_EXPONENT or exponent.value.denominator > MAX_EXPONENT:
        raise ExpressionError(f"exponent {exponent.value} is too large (limit ±{MAX_EXPONENT})", _column(node))


def _column(node: ast.AST) -> int | None:
    offset = getattr(node, "col_offset", None)
    return None if offset is None else offset + 1


def _describe(node: ast.AST) -> str:
    names = {"Attribute": "attribute access", "Subscript": "indexing", "Lambda": "lambda",
             "Compare": "comparison", "BoolOp": "and/or", "IfExp": "if-expression",
             "JoinedStr": "f-string", "Starred": "star", "NamedExpr": ":=", "Tuple": "tuple",
             "List": "list", "Dict": "dict", "Set": "set", "Await": "await", "Mod": "%",
             "FloorDiv": "//", "MatMult": "@", "BitXor": "^", "BitAnd": "&", "BitOr": "|",
             "LShift": "<<", "RShift": ">>", "Invert": "~", "Not": "not"}
    kind = type(node).__name__
    return names.get(kind, kind.lower().removesuffix("comp") + (" comprehension" if kind.endswith("Comp") else ""))


def format_expr(expr: Expr) -> str:
    """Print a tree back in the core grammar (what export files and the working show)."""
    return _format(expr, 0)


_PRECEDENCE = {"+": 1, "-": 1, "*": 2, "/": 2, "**": 4}


def _format(expr: Expr, outer: int) -> str:
    if isinstance(expr, Num):
        text = format_number(expr.value)
        needs = (expr.value < 0 and outer > 0) or ("/" in text and outer > 1)  # x / (1/3), not x / 1/3
        return f"({text})" if needs else text
    if isinstance(expr, Name):
        return expr.id
    if isinstance(expr, Call):
        return f"{expr.func}({_format(expr.arg, 0)})"
    if isinstance(expr, Neg):
        text = "-" + _format(expr.operand, 3)
        return f"({text})" if outer > 1 else text
    level = _PRECEDENCE[expr.op]
    right_level = level + (0 if expr.op in "+*" else 1)
    left_level = level + 1 if expr.op == "**" else level
    text = f"{_format(expr.left, left_level)} {expr.op} {_format(expr.right, right_level)}"
    if expr.op == "**":
        text = text.replace(" ** ", "**")
    return f"({text})" if level < outer else text


def format_number(value: Fraction) -> str:
    """An exact number in the spec grammar: integers and terminating decimals as decimals."""
    if value.denominator == 1:
        return str(value.numerator)
    denominator = value.denominator
    for prime in (2, 5):
        while denominator % prime == 0:
            denominator //= prime
    if denominator == 1:
        digits = 0
        while (value * 10**digits).denominator != 1:
            digits += 1
        return f"{float(value):.{digits}f}" if digits <= 15 else f"{value.numerator}/{value.denominator}"
    return f"{value.numerator}/{value.denominator}"


def to_sympy(expr: Expr, symbols: dict[str, sympy.Expr]) -> sympy.Expr:
    """Build the SymPy expression for a checked tree; names map to the given symbols."""
    from gatebp.core import functions

    if isinstance(expr, Num):
        import sympy as sp

        return sp.Rational(expr.value.numerator, expr.value.denominator)
    if isinstance(expr, Name):
        return symbols[expr.id]
    if isinstance(expr, Neg):
        return -to_sympy(expr.operand, symbols)
    if isinstance(expr, Call):
        return functions.SYMPY_FUNCTIONS[expr.func](to_sympy(expr.arg, symbols))
    left, right = to_sympy(expr.left, symbols), to_sympy(expr.right, symbols)
    return {"+": lambda: left + right, "-": lambda: left - right, "*": lambda: left * right,
            "/": lambda: left / right, "**": lambda: left**right}[expr.op]()
