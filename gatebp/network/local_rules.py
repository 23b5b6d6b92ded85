"""The local derivative on each edge: the registry's rule, a weighted sum's coefficient, or sympy.diff.

An activation applied to a name (h = relu(z)) takes its record's local rule, which is what the
working shows ("ReLU gate: z = 2 > 0", "a(1 − a)"); a weighted sum gives its coefficient; any
other node is differentiated by SymPy once per shape of expression. A unit whose derivative is
undefined at 0 (step, step1, sign) is refused there with one line before any rule is read.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

import sympy as sp

from gatebp.core.activations import At, find
from gatebp.core.errors import SpecError
from gatebp.core.expr import BinOp, Call, Expr, Name, Neg, format_expr, names_in, to_sympy
from gatebp.core.functions import SYMPY_OPS
from gatebp.core.values import (
    decimal,
    evaluate_at,
    is_defined,
    nesting,
    operands,
    settle,
    to_mpf,
)
from gatebp.network.derivative_text import derivative_text
from gatebp.network.evaluate import Evaluator, Values, is_zero
from gatebp.network.graph import Graph, Node
from gatebp.network.steps import Edge, factor, short


def local_derivatives(graph: Graph, forward: Values, on_paths: set[str]) -> dict[tuple[str, str], Edge]:
    """The local derivative on every edge that lies on a path from wrt to of."""
    edges: dict[tuple[str, str], Edge] = {}
    for node in graph.nodes:
        if node.name not in on_paths:
            continue
        parents = [p for p in node.parents if p in on_paths]
        if parents:
            check_kinks(graph, node, forward)
        for parent in parents:
            edges[(node.name, parent)] = edge(graph, node, parent, forward)
    return edges


def edge(graph: Graph, node: Node, parent: str, forward: Values) -> Edge:
    """The registry's rule for an activation, the coefficient of a weighted sum, else sympy.diff."""
    expr = node.expr
    ruled = _table_edge(node, parent, forward)
    if ruled is not None:
        return ruled
    weight = _linear_coefficient(expr, parent)
    if weight is not None:  # ∂(… + w·x + …)/∂x = w: what sympy.diff gives, without building it
        value = forward[weight] if weight != "1" else sp.S.One
        return Edge(node=node.name, parent=parent, formula=weight, value=value)
    slots = _slots(node.parents)
    rule = _shape_rule(_shape(expr, slots), slots[parent])
    value = _local_value(rule.derivative, {sp.Symbol(slots[n]): forward[n] for n in node.parents})
    if not is_defined(value):
        raise SpecError(f"the derivative of '{node.name}' with respect to '{parent}' is undefined at these values "
                        f"({node.text})", source=graph.source, line=graph.lines.get(node.name),
                        key=f"nodes.{node.name}")
    names = {slot: name for name, slot in slots.items()}
    formula = _SLOT.sub(lambda m: names[m.group(0)], rule.formula)
    return Edge(node=node.name, parent=parent, formula=formula, value=value)


def _pair(value: sp.Expr) -> sp.Expr:
    """A value about to be multiplied by itself, numeric first when the product could not be short."""
    return operands(value, value)[0]


def _table_edge(node: Node, parent: str, forward: Values) -> Edge | None:
    """h = act(z): the record's local rule at (z, a), as the working writes it; None otherwise."""
    expr = node.expr
    if not (isinstance(expr, Call) and expr.arg == Name(parent)):
        return None
    record = find(expr.func)
    if record is None or record.local is None:
        return None
    at = At(z=forward[parent], a=forward[node.name], z_name=parent, a_name=node.name, ops=SYMPY_OPS,
            pair=_pair, short=short, factor=factor)
    local = record.local(at)
    return Edge(node=node.name, parent=parent, formula=local.formula, value=settle(local.value),
                rule=local.why, activation=record.name)


def check_kinks(graph: Graph, node: Node, forward: Values) -> None:
    """Refuse a derivative through step, step1 or sign whose input is exactly 0 (it has none there)."""
    for call in _calls(node.expr):
        record = find(call.func)
        if record is None or not record.undefined_at_zero:
            continue
        if is_zero(Evaluator(graph, node, forward).eval(call.arg)):
            raise SpecError(f"{call.func}'(z) is undefined at z = 0, and node '{node.name}' applies {call.func} "
                            f"to exactly 0 ({format_expr(call.arg)} = 0); {call.func}'(z) = 0 everywhere else",
                            source=graph.source, line=graph.lines.get(node.name),
                            key=f"nodes.{node.name}")


def _calls(expr: Expr) -> list[Call]:
    if isinstance(expr, Call):
        return [expr, *_calls(expr.arg)]
    if isinstance(expr, Neg):
        return _calls(expr.operand)
    if isinstance(expr, BinOp):
        return _calls(expr.left) + _calls(expr.right)
    return []


@dataclass(frozen=True)
class _Rule:
    """∂shape/∂slot for one shape of node, and how a student writes it (relu'(…) for the gate)."""

    derivative: sp.Expr
    formula: str


_SLOT = re.compile(r"_s\d{4}_")


def _slots(parents: tuple[str, ...]) -> dict[str, str]:
    """A placeholder per name, in the names' sorted order, so SymPy orders and prints terms alike."""
    return {name: f"_s{rank:04d}_" for rank, name in enumerate(sorted(parents))}


def _shape(expr: Expr, slots: dict[str, str]) -> Expr:
    """The expression with its names replaced by their placeholders: nodes of one shape share a rule."""
    if isinstance(expr, Name):
        return Name(slots[expr.id])
    if isinstance(expr, Neg):
        return Neg(_shape(expr.operand, slots))
    if isinstance(expr, Call):
        return Call(expr.func, _shape(expr.arg, slots))
    if isinstance(expr, BinOp):
        return BinOp(expr.op, _shape(expr.left, slots), _shape(expr.right, slots))
    return expr


@lru_cache(maxsize=4096)
def _shape_rule(shape: Expr, slot: str) -> _Rule:
    """sympy.diff once per shape and variable (it costs tens of ms; reusing it costs µs)."""
    symbols = {name: sp.Symbol(name) for name in names_in(shape)}
    derivative = sp.diff(to_sympy(shape, symbols), symbols[slot])
    return _Rule(derivative, derivative_text(derivative))


def _local_value(derivative: sp.Expr, at: dict[sp.Symbol, sp.Expr]) -> sp.Expr:
    """The rule at the forward values: exact while the result can be short, else in mpmath."""
    values = dict(zip(at, operands(*at.values(), depth=nesting(derivative))))
    if not any(v.is_Float for v in values.values()):
        return settle(derivative.xreplace(values))
    try:
        return decimal(evaluate_at(derivative, {s: to_mpf(v) for s, v in values.items()}))
    except ZeroDivisionError:
        return sp.zoo


def _linear_coefficient(expr: Expr, parent: str) -> str | None:
    """In a sum of terms `w*x` or `x` where `parent` occurs once: its coefficient's name ("1" alone)."""
    terms: list[Expr] = []
    while isinstance(expr, BinOp) and expr.op == "+":
        terms.append(expr.right)
        expr = expr.left
    products = [_product_names(term) for term in terms + [expr]]
    if any(names is None for names in products):
        return None
    holding = [names for names in products if names is not None and parent in names]
    if len(holding) != 1 or holding[0].count(parent) != 1:
        return None
    return "1" if len(holding[0]) == 1 else next(n for n in holding[0] if n != parent)


def _product_names(term: Expr) -> list[str] | None:
    """[x] for `x`, [w, x] for `w*x`; None for any other shape."""
    if isinstance(term, Name):
        return [term.id]
    if isinstance(term, BinOp) and term.op == "*" and isinstance(term.left, Name) and isinstance(term.right, Name):
        return [term.left.id, term.right.id]
    return None
