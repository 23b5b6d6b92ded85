"""The solver: forward pass, local rules on every edge, the reverse walk, paths, and a cross-check.

Values are computed node by node and settled as they are made (gatebp.network.values): exact while the
exact form is short, 50-digit decimals after that, so no step builds an expression that grows with
depth or with the number of paths. Before a Solution is returned, the reverse walk is compared with
an independent forward-mode pass (gatebp.network.forward_mode) and, when they were listed, with the sum over
paths; a mismatch raises SolverMismatch, because an unchecked answer must never be shown.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from fractions import Fraction
from functools import lru_cache

import mpmath
import sympy as sp

from gatebp.core.errors import SolverMismatch, SpecError
from gatebp.core.expr import BinOp, Call, Expr, Name, Neg, Num, names_in, to_sympy
from gatebp.network.forward_mode import as_number, close, tangents
from gatebp.core.functions import SYMPY_FUNCTIONS, is_positive
from gatebp.network.graph import Find, Graph, Node
from gatebp.network.steps import RELU_CONVENTION, Edge, Path, Solution, Step, equals, factor, short, show
from gatebp.network.values import (
    MP_FUNCTIONS,
    WORK,
    decimal,
    evaluate_at,
    is_defined,
    is_exact,
    magnitude,
    nesting,
    operands,
    settle,
    to_mpf,
)

MAX_MAGNITUDE = 10**15  # a node value (or the argument of exp, sigmoid, tanh, softplus) beyond this is refused
WRAPPING = ("exp", "sigmoid", "tanh", "softplus")  # put their argument inside exp or tanh (relu, log do not)
MAX_LISTED_PATHS = 64  # more paths than this are counted, not listed: the δ recursion is the working
Values = dict[str, sp.Expr]


def solve(graph: Graph, find: Find | None = None) -> Solution:
    """Solve `find` (or the graph's own), exact where the exact form is short, with the working a
    student would write; checked before it is returned."""
    find = find or graph.find
    if find is None:
        raise SpecError("nothing to find: add find: {of: N, wrt: M}", source=graph.source, key="find")
    if find.wrt is not None and find.wrt == find.of:
        raise SpecError(f"of and wrt are both '{find.of}'", source=graph.source, key="find")
    forward = forward_pass(graph)
    if find.wrt is None:
        return _value_solution(graph, find, forward)
    return _gradient_solution(graph, find, forward)


def forward_pass(graph: Graph) -> Values:
    """Every leaf and node value, settled; division by zero, bad logs and huge values name their node."""
    values: Values = {name: sp.Rational(v.numerator, v.denominator) for name, v in graph.values.items()}
    for node in graph.nodes:
        numeric = any(values[p].is_Float for p in node.parents)  # decimals in: no exact form to keep
        values[node.name] = (_Numeric if numeric else _Evaluator)(graph, node, values).run()
    return values


class _Evaluator:
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
            deeper = int(expr.func in WRAPPING)
            return self.tame(self.call(expr.func, *operands(self.eval(expr.arg), depth=deeper)))
        left, right = operands(self.eval(expr.left), self.eval(expr.right))
        return self.tame(self.binary(expr.op, left, right))

    def binary(self, op: str, left: sp.Expr, right: sp.Expr) -> sp.Expr:
        if op == "/" and _is_zero(right):
            raise self.fail("division by zero")
        if op == "**":
            if _is_zero(left) and right < 0:
                raise self.fail("division by zero (0 to a negative power)")
            if not right.is_integer and not is_positive(left) and not _is_zero(left):
                raise self.fail("a fractional power of a negative number")
        if op == "+":
            return left + right
        if op == "-":
            return left - right
        if op == "*":
            return left * right
        return left / right if op == "/" else left**right

    def call(self, func: str, arg: sp.Expr) -> sp.Expr:
        if func == "log" and not is_positive(arg):
            raise self.fail(f"log of a non-positive number ({short(arg)})")
        if func in WRAPPING and magnitude(arg) > MAX_MAGNITUDE:
            raise self.fail(f"{func} of a number too large ({short(arg)})")
        return SYMPY_FUNCTIONS[func](arg)

    def tame(self, value: sp.Expr) -> sp.Expr:
        """Each intermediate value is settled (short exact form or 50 digits) and must be defined."""
        if not is_defined(value):
            raise self.fail("a value that is not a finite real number")
        return settle(value)


class _Numeric(_Evaluator):
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
        if func == "log" and arg <= 0:
            raise self.fail(f"log of a non-positive number ({short(decimal(arg))})")
        if func in WRAPPING and abs(arg) > MAX_MAGNITUDE:
            raise self.fail(f"{func} of a number too large ({short(decimal(arg))})")
        return MP_FUNCTIONS[func](arg)

    def finite(self, value: mpmath.mpf) -> mpmath.mpf:
        if not WORK.isfinite(value):
            raise self.fail("a value that is not a finite real number")
        return value


def _is_zero(value: sp.Expr) -> bool:
    if value.is_Rational or value.is_Float:
        return bool(value == 0)
    return abs(magnitude(value)) < 1e-40 and bool(value.equals(0))


def _value_solution(graph: Graph, find: Find, forward: Values) -> Solution:
    relevant = graph.ancestors(find.of) | {find.of}
    steps = [_forward_step(graph, n, forward) for n in graph.nodes if n.name in relevant]
    steps.append(Step(kind="answer", text=f"{find.of} {equals(forward[find.of])}"))
    how = "exactly" if is_exact(forward[find.of]) else "to 50 significant digits"
    return Solution(question=find.describe(), exact=forward[find.of], forward=forward, steps=tuple(steps),
                    checked=f"forward value computed {how}")


@dataclass(frozen=True)
class _Backward:
    """What the reverse walk found for one find: edges, sensitivities, and the paths (if few)."""

    on_paths: set[str]
    edges: dict[tuple[str, str], Edge]
    deltas: Values
    gradient: sp.Expr
    paths: list[Path]
    count: int


def _gradient_solution(graph: Graph, find: Find, forward: Values) -> Solution:
    assert find.wrt is not None
    back = _backward(graph, find, forward)
    checked = _cross_check(graph, find, forward, back.gradient, back.paths)
    exact = back.gradient if find.lr is None else _step(forward[find.wrt], _rational(find.lr), back.gradient)
    steps = _steps(graph, find, forward, back, exact)
    path_deltas = {name: back.deltas[name] for name in _order(graph, back.on_paths) if name in back.deltas}
    return Solution(question=find.describe(), exact=exact, forward=forward, edges=tuple(back.edges.values()),
                    sensitivities=path_deltas, paths=tuple(back.paths), paths_truncated=back.count > len(back.paths),
                    path_count=back.count, gradient=back.gradient, steps=tuple(steps), checked=checked)


def _step(weight: sp.Expr, lr: sp.Expr, gradient: sp.Expr) -> sp.Expr:
    """One gradient-descent step, w − lr·g."""
    weight, gradient = operands(weight, gradient)
    return settle(weight - lr * gradient)


def _backward(graph: Graph, find: Find, forward: Values) -> _Backward:
    """Local derivatives on the edges between wrt and of, the reverse walk, and the paths."""
    assert find.wrt is not None
    on_paths = graph.ancestors(find.of) & (graph.descendants(find.wrt) | {find.wrt})
    on_paths |= {find.of} if on_paths else set()
    edges = _local_derivatives(graph, forward, on_paths)
    deltas = _sensitivities(graph, find.of, edges)
    count = _path_count(graph, find, edges)
    paths = _paths(find, edges) if count <= MAX_LISTED_PATHS else []
    return _Backward(on_paths, edges, deltas, deltas.get(find.wrt, sp.S.Zero), paths, count)


def _rational(value: Fraction) -> sp.Rational:
    return sp.Rational(value.numerator, value.denominator)


def _order(graph: Graph, names: set[str]) -> list[str]:
    return [n for n in graph.names() if n in names]


def _local_derivatives(graph: Graph, forward: Values, on_paths: set[str]) -> dict[tuple[str, str], Edge]:
    """The local derivative on every edge that lies on a path from wrt to of."""
    edges: dict[tuple[str, str], Edge] = {}
    for node in graph.nodes:
        if node.name not in on_paths:
            continue
        for parent in node.parents:
            if parent in on_paths:
                edges[(node.name, parent)] = _edge(graph, node, parent, forward)
    return edges


def _edge(graph: Graph, node: Node, parent: str, forward: Values) -> Edge:
    """The rule table for activations, the coefficient of a weighted sum, else sympy.diff of the node."""
    expr = node.expr
    if isinstance(expr, Call) and expr.arg == Name(parent) and expr.func in ACTIVATION_RULES:
        return ACTIVATION_RULES[expr.func](node.name, parent, forward)
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


@dataclass(frozen=True)
class _Rule:
    """∂shape/∂slot for one shape of node, and how SymPy prints it (with `gate` for relu_gate)."""

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
    return _Rule(derivative, sp.sstr(derivative).replace("relu_gate", "gate"))


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


def _relu_rule(node: str, parent: str, forward: Values) -> Edge:
    z = forward[parent]
    is_open = is_positive(z)
    why = f"{parent} = {short(z)} {'> 0: the gate is open' if is_open else '≤ 0: the gate is closed'}"
    return Edge(node=node, parent=parent, formula=f"1 if {parent} > 0 else 0", value=sp.S(int(is_open)),
                rule=f"ReLU gate: {why}", activation="relu")


def _sigmoid_rule(node: str, parent: str, forward: Values) -> Edge:
    a = operands(forward[node], forward[node])[0]
    return Edge(node=node, parent=parent, formula=f"{node}(1 - {node})", value=settle(a * (1 - a)),
                rule=f"sigmoid: σ'({parent}) = {node}(1 − {node}) = {factor(a)} × {factor(1 - a)}",
                activation="sigmoid")


def _tanh_rule(node: str, parent: str, forward: Values) -> Edge:
    a = operands(forward[node], forward[node])[0]
    return Edge(node=node, parent=parent, formula=f"1 - {node}**2", value=settle(1 - a**2),
                rule=f"tanh: 1 − {node}² = 1 − {factor(a)}²", activation="tanh")


def _exp_rule(node: str, parent: str, forward: Values) -> Edge:
    return Edge(node=node, parent=parent, formula=node, value=forward[node],
                rule=f"exp: the derivative of exp({parent}) is exp({parent}) = {node}", activation="exp")


def _log_rule(node: str, parent: str, forward: Values) -> Edge:
    return Edge(node=node, parent=parent, formula=f"1/{parent}", value=settle(1 / forward[parent]),
                rule=f"log: 1/{parent} = 1/{short(forward[parent])}", activation="log")


ACTIVATION_RULES = {"relu": _relu_rule, "sigmoid": _sigmoid_rule, "tanh": _tanh_rule,
                    "exp": _exp_rule, "log": _log_rule}


def _sensitivities(graph: Graph, of: str, edges: dict[tuple[str, str], Edge]) -> Values:
    """The reverse walk: δ(of) = 1, and each node adds δ × local derivative into its parents."""
    deltas: Values = {of: sp.S.One}
    for node in reversed(graph.nodes):
        if node.name not in deltas:
            continue
        for parent in node.parents:
            edge = edges.get((node.name, parent))
            if edge is not None:
                total, delta, local = operands(deltas.get(parent, sp.S.Zero), deltas[node.name], edge.value)
                deltas[parent] = settle(total + delta * local)
    return deltas


def _parents_on_paths(edges: dict[tuple[str, str], Edge]) -> dict[str, list[str]]:
    parents: dict[str, list[str]] = {}
    for node, parent in edges:
        parents.setdefault(node, []).append(parent)
    return parents


def _path_count(graph: Graph, find: Find, edges: dict[tuple[str, str], Edge]) -> int:
    """How many routes lead from `of` back to `wrt`, by dynamic programming (linear, never listed)."""
    parents = _parents_on_paths(edges)
    routes: dict[str, int] = {find.wrt: 1} if find.wrt is not None else {}
    for node in graph.nodes:
        if node.name in parents:
            routes[node.name] = sum(routes.get(p, 0) for p in parents[node.name])
    return routes.get(find.of, 0) if find.of in parents else 0


def _paths(find: Find, edges: dict[tuple[str, str], Edge]) -> list[Path]:
    """Every route from `of` back to `wrt`, each with its product (called only when they are few)."""
    parents = _parents_on_paths(edges)
    routes: list[tuple[str, ...]] = []
    stack: list[tuple[str, ...]] = [(find.of,)] if find.of in parents else []
    while stack:
        route = stack.pop()
        if route[-1] == find.wrt:
            routes.append(route)
            continue
        stack.extend(route + (p,) for p in reversed(parents.get(route[-1], [])))
    paths = []
    for route in routes:
        factors = tuple(edges[(route[i], route[i + 1])].value for i in range(len(route) - 1))
        paths.append(Path(names=route, factors=factors, product=settle(sp.Mul(*operands(*factors)))))
    return paths


def _cross_check(graph: Graph, find: Find, forward: Values, gradient: sp.Expr, paths: list[Path]) -> str:
    """Compare the forward value and the reverse walk with forward-mode differentiation (and the paths)."""
    assert find.wrt is not None
    duals = tangents(graph, find.of, find.wrt)
    mine = duals[find.of]
    if not close(as_number(forward[find.of]), mine.value, duals):
        raise SolverMismatch(f"the forward pass gives {find.of} = {forward[find.of]} but forward mode "
                             f"gives {mine.value}")
    if not close(as_number(gradient), mine.slope, duals):
        raise SolverMismatch(f"chain rule gives {gradient} but forward-mode differentiation gives {mine.slope} "
                             f"for {find.describe()}")
    total = settle(sp.Add(*operands(*(p.product for p in paths))))
    if paths and not close(as_number(total), as_number(gradient), duals):
        raise SolverMismatch(f"the sum over paths differs from the reverse walk for {find.describe()}")
    how = "exactly" if gradient.is_Rational and isinstance(mine.slope, Fraction) else "to 30 significant digits"
    return f"checked against forward-mode differentiation of every node ({how})"


def _forward_step(graph: Graph, node: Node, forward: Values) -> Step:
    expr = node.text
    names = node.parents
    substituted = ", ".join(f"{n} = {short(forward[n])}" for n in names)
    return Step(kind="forward", text=f"{node.name} = {expr} {equals(forward[node.name])}   ({substituted})")


def _steps(graph: Graph, find: Find, forward: Values, back: _Backward, exact: sp.Expr) -> list[Step]:
    assert find.wrt is not None
    relevant = graph.ancestors(find.of) | {find.of}
    steps = [_forward_step(graph, n, forward) for n in graph.nodes if n.name in relevant]
    edges = tuple(back.edges.values())
    for edge in edges:
        rule = f"   [{edge.rule}]" if edge.rule else ""
        formula = "" if edge.formula == show(edge.value) else f" = {edge.formula}"
        steps.append(Step(kind="local", text=f"{edge.label}{formula} {equals(edge.value)}{rule}"))
    steps.extend(_delta_steps(graph, find, edges, back.deltas, back.on_paths))
    steps.extend(_path_steps(find, back.paths, back.count))
    steps.append(Step(kind="answer", text=f"∂{find.of}/∂{find.wrt} {equals(back.gradient)}"))
    if find.lr is not None:
        lr = short(_rational(find.lr))
        steps.append(Step(kind="update", text=f"{find.wrt} ← {find.wrt} − lr·∂{find.of}/∂{find.wrt} = "
                          f"{short(forward[find.wrt])} − {lr} × {factor(back.gradient)} {equals(exact)}"))
    if any(e.rule.startswith("ReLU") for e in edges):
        steps.append(Step(kind="note", text=f"Convention: {RELU_CONVENTION}."))
    return steps


def _delta_steps(graph: Graph, find: Find, edges: tuple[Edge, ...], deltas: Values,
                 on_paths: set[str]) -> list[Step]:
    """δ(n) = Σ over n's children c on the paths of δ(c) · ∂c/∂n, from `of` backwards."""
    steps = []
    by_parent: dict[str, list[Edge]] = {}
    for edge in edges:
        by_parent.setdefault(edge.parent, []).append(edge)
    for name in reversed(_order(graph, on_paths)):
        if name == find.of or name not in by_parent:
            continue
        terms = by_parent[name]
        symbolic = " + ".join(f"δ({e.node})·{e.label}" for e in terms)
        numbers = " + ".join(f"{factor(deltas[e.node])} × {factor(e.value)}" for e in terms)
        merge = f"   [{len(terms)} paths merge at {name}: add]" if len(terms) > 1 else ""
        steps.append(Step(kind="delta", text=f"δ({name}) = {symbolic} = {numbers} {equals(deltas[name])}{merge}"))
    return steps


def _path_steps(find: Find, paths: list[Path], count: int) -> list[Step]:
    """One line per path and their sum; past MAX_LISTED_PATHS, how many there are (the δ lines add them)."""
    if count > len(paths):
        return [Step(kind="path", text=f"{count} paths lead from {find.wrt} to {find.of}: too many to list, so "
                     f"the δ recursion above adds them up node by node")]
    steps = []
    for path in paths:
        labels = " · ".join(f"∂{path.names[i]}/∂{path.names[i + 1]}" for i in range(len(path.names) - 1))
        numbers = " × ".join(factor(f) for f in path.factors)
        steps.append(Step(kind="path", text=f"path {' ← '.join(path.names)}: {labels} = {numbers} "
                          f"{equals(path.product)}"))
    if len(paths) > 1:
        total = " + ".join(factor(p.product) for p in paths)
        steps.append(Step(kind="sum", text=f"sum over the {len(paths)} paths: {total} "
                          f"{equals(settle(sp.Add(*operands(*(p.product for p in paths)))))}"))
    if not paths:
        steps.append(Step(kind="path", text=f"no path leads from {find.wrt} to {find.of}, so the derivative is 0"))
    return steps
