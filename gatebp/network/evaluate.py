"""The forward pass: every node's value, exact while short, with guards that name the node.

The expression tree (not SymPy) drives the checks, so a division by zero, a log of a non-positive
number or a value beyond 1e15 is refused with the node's name and line before SymPy sees it. A
node whose inputs are decimals is computed on 60-digit mpmath numbers instead (no exact form to
keep). Which functions need a positive argument or a bounded one is the registry's word.
"""

from __future__ import annotations

import mpmath
import sympy as sp

from gatebp.core.activations import get
from gatebp.core.errors import SpecError
from gatebp.core.expr import Call, Expr, Name, Neg, Num
from gatebp.core.functions import SYMPY_FUNCTIONS, is_positive
from gatebp.core.values import (
    MP_FUNCTIONS,
    WORK,
    decimal,
    is_defined,
    magnitude,
    operands,
    settle,
    to_mpf,
)
from gatebp.network.graph import Graph, Node
from gatebp.network.steps import short

MAX_MAGNITUDE = 10**15  # a node value (or the argument of exp, sigmoid, tanh, softplus) beyond this is refused
Values = dict[str, sp.Expr]


def forward_pass(graph: Graph) -> Values:
    """Every leaf and node value, settled; division by zero, bad logs and huge values name their node."""
    values: Values = {name: sp.Rational(v.numerator, v.denominator) for name, v in graph.values.items()}
    for node in graph.nodes:
        numeric = any(values[p].is_Float for p in node.parents)  # decimals in: no exact form to keep
        values[node.name] = (NumericEvaluator if numeric else Evaluator)(graph, node, values).run()
    return values


def is_zero(value: sp.Expr) -> bool:
    """Exactly zero (an unsimplified exact zero too, decided by SymPy when it is that close)."""
    if value.is_Rational or value.is_Float:
        return bool(value == 0)
    return abs(magnitude(value)) < 1e-40 and bool(value.equals(0))


class Evaluator:
    """Evaluates one node's expression tree with guards (the tree, not SymPy, drives the checks)."""

    def __init__(self, graph: Graph, node: Node, values: Values):
        self.graph, self.node, self.values = graph, node, values

    def fail(self, reason: str) -> SpecError:
        return SpecError(f"{reason} in node '{self.node.name}' ({self.node.text})", source=self.graph.source,
                         line=self.graph.lines.get(self.node.name), key=f"nodes.{self.node.name}")

    def run(self) -> sp.Expr:
        """The node's value; the 1e15 limit applies to it, not to the terms inside (a softmax's exp)."""
        value = self.eval(self.node.expr)
        if magnitude(value) > MAX_MAGNITUDE:
            raise self.fail("a value too large (beyond 1e15)")
        return value

    def eval(self, expr: Expr) -> sp.Expr:
        if isinstance(expr, Num):
            return sp.Rational(expr.value.numerator, expr.value.denominator)
        if isinstance(expr, Name):
            return self.values[expr.id]
        if isinstance(expr, Neg):
            return -self.eval(expr.operand)
        if isinstance(expr, Call):
            deeper = int(get(expr.func).bounded)  # exp, sigmoid, tanh, softplus wrap their argument
            return self.tame(self.call(expr.func, *operands(self.eval(expr.arg), depth=deeper)))
        left, right = operands(self.eval(expr.left), self.eval(expr.right))
        return self.tame(self.binary(expr.op, left, right))

    def binary(self, op: str, left: sp.Expr, right: sp.Expr) -> sp.Expr:
        if op == "/" and is_zero(right):
            raise self.fail("division by zero")
        if op == "**":
            if is_zero(left) and right < 0:
                raise self.fail("division by zero (0 to a negative power)")
            if not right.is_integer and not is_positive(left) and not is_zero(left):
                raise self.fail("a fractional power of a negative number")
        if op == "+":
            return left + right
        if op == "-":
            return left - right
        if op == "*":
            return left * right
        return left / right if op == "/" else left**right

    def call(self, func: str, arg: sp.Expr) -> sp.Expr:
        record = get(func)
        if record.positive_domain and not is_positive(arg):
            raise self.fail(f"{func} of a non-positive number ({short(arg)})")
        if record.bounded and magnitude(arg) > MAX_MAGNITUDE:
            raise self.fail(f"{func} of a number too large ({short(arg)})")
        return SYMPY_FUNCTIONS[func](arg)

    def tame(self, value: sp.Expr) -> sp.Expr:
        """Each intermediate value is settled (short exact form or 50 digits) and must be defined."""
        if not is_defined(value):
            raise self.fail("a value that is not a finite real number")
        return settle(value)


class NumericEvaluator(Evaluator):
    """The same walk and guards on 60-digit mpmath numbers, for a node whose inputs are decimals."""

    def run(self) -> sp.Expr:
        value = self.number(self.node.expr)
        if abs(value) > MAX_MAGNITUDE:
            raise self.fail("a value too large (beyond 1e15)")
        return decimal(value)

    def number(self, expr: Expr) -> mpmath.mpf:
        if isinstance(expr, Num):
            return WORK.mpf(expr.value.numerator) / expr.value.denominator
        if isinstance(expr, Name):
            return to_mpf(self.values[expr.id])
        if isinstance(expr, Neg):
            return -self.number(expr.operand)
        if isinstance(expr, Call):
            return self.finite(self.apply(expr.func, self.number(expr.arg)))
        return self.finite(self.combine(expr.op, self.number(expr.left), self.number(expr.right)))

    def combine(self, op: str, left: mpmath.mpf, right: mpmath.mpf) -> mpmath.mpf:
        if op == "/" and right == 0:
            raise self.fail("division by zero")
        if op == "**":
            if left == 0 and right < 0:
                raise self.fail("division by zero (0 to a negative power)")
            if right != int(right) and left < 0:
                raise self.fail("a fractional power of a negative number")
            return left ** int(right) if right == int(right) else WORK.power(left, right)
        if op == "+":
            return left + right
        if op == "-":
            return left - right
        return left * right if op == "*" else left / right

    def apply(self, func: str, arg: mpmath.mpf) -> mpmath.mpf:
        record = get(func)
        if record.positive_domain and arg <= 0:
            raise self.fail(f"{func} of a non-positive number ({short(decimal(arg))})")
        if record.bounded and abs(arg) > MAX_MAGNITUDE:
            raise self.fail(f"{func} of a number too large ({short(decimal(arg))})")
        return MP_FUNCTIONS[func](arg)

    def finite(self, value: mpmath.mpf) -> mpmath.mpf:
        if not WORK.isfinite(value):
            raise self.fail("a value that is not a finite real number")
        return value
