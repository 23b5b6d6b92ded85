"""The solver: forward pass, local rules on every edge, the reverse walk, paths, and a cross-check.

Values stay exact (Rationals and exact exp terms). The chain-rule total is compared with
`sympy.diff` of the whole composed expression before a Solution is returned; a mismatch
raises SolverMismatch, because an unchecked answer must never be shown.
"""

from __future__ import annotations

from fractions import Fraction

import sympy as sp

from gatebp.core.errors import SolverMismatch, SpecError
from gatebp.core.expr import Call, Expr, Name, Neg, Num, to_sympy
from gatebp.core.functions import SYMPY_FUNCTIONS, is_positive
from gatebp.network.graph import Find, Graph, Node
from gatebp.network.steps import RELU_CONVENTION, Edge, Path, Solution, Step, as_float, equals, factor, short, show

MAX_MAGNITUDE = 10**15
MAX_DIGITS_BITS = 400  # an exact fraction longer than ~120 digits is no hand-work question
MAX_COMPOSED_SIZE = 20_000  # tree nodes of the composed expression the cross-check differentiates
MAX_EXACT_SIZE = 600  # operations in an exact value: beyond this the network is too deep to work exactly
MAX_PATHS = 256
Values = dict[str, sp.Expr]


def solve(graph: Graph, find: Find | None = None) -> Solution:
    """Solve `find` (or the graph's own) exactly, with the working a student would write."""
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
    """Every leaf and node value, exact; division by zero and bad logs name their node."""
    values: Values = {name: sp.Rational(v.numerator, v.denominator) for name, v in graph.values.items()}
    for node in graph.nodes:
        values[node.name] = _Evaluator(graph, node, values).run()
    return values


class _Evaluator:
    """Evaluates one node's expression tree with guards (the tree, not SymPy, drives the checks)."""

    def __init__(self, graph: Graph, node: Node, values: Values):
        self.graph, self.node, self.values = graph, node, values

    def fail(self, reason: str) -> SpecError:
        return SpecError(f"{reason} in node '{self.node.name}' ({self.node.text})", source=self.graph.source,
                         line=self.graph.lines.get(self.node.name), key=f"nodes.{self.node.name}")

    def run(self) -> sp.Expr:
        return self.eval(self.node.expr)

    def eval(self, expr: Expr) -> sp.Expr:
        if isinstance(expr, Num):
            return sp.Rational(expr.value.numerator, expr.value.denominator)
        if isinstance(expr, Name):
            return self.values[expr.id]
        if isinstance(expr, Neg):
            return -self.eval(expr.operand)
        if isinstance(expr, Call):
            return self.bounded(self.call(expr.func, self.eval(expr.arg)))
        return self.bounded(self.binary(expr.op, self.eval(expr.left), self.eval(expr.right)))

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
        if func in ("exp", "softplus", "sigmoid", "tanh") and abs(as_float(arg)) > 700:
            raise self.fail(f"{func} of a number too large ({short(arg)})")
        return SYMPY_FUNCTIONS[func](arg)

    def bounded(self, value: sp.Expr) -> sp.Expr:
        if value.has(sp.zoo, sp.nan, sp.oo, sp.I) or abs(as_float(value)) > MAX_MAGNITUDE:
            raise self.fail("a value too large (beyond 1e15)")
        if value.is_Rational and max(value.p.bit_length(), value.q.bit_length()) > MAX_DIGITS_BITS:
            raise self.fail("a number with too many digits for hand work")
        if not value.is_Rational and tree_size(value) > MAX_EXACT_SIZE:
            raise self.fail("an exact value too large to work by hand (the network is too deep)")
        return value


def _is_zero(value: sp.Expr) -> bool:
    return bool(value == 0) if value.is_Rational else abs(as_float(value)) < 1e-40 and value.equals(0)


def _value_solution(graph: Graph, find: Find, forward: Values) -> Solution:
    relevant = graph.ancestors(find.of) | {find.of}
    steps = [_forward_step(graph, n, forward) for n in graph.nodes if n.name in relevant]
    steps.append(Step(kind="answer", text=f"{find.of} {equals(forward[find.of])}"))
    return Solution(question=find.describe(), exact=forward[find.of], forward=forward, steps=tuple(steps),
                    checked="forward value computed exactly")


def _gradient_solution(graph: Graph, find: Find, forward: Values) -> Solution:
    assert find.wrt is not None
    on_paths = graph.ancestors(find.of) & (graph.descendants(find.wrt) | {find.wrt})
    on_paths |= {find.of} if on_paths else set()
    edges = _local_derivatives(graph, forward, on_paths)
    deltas = _sensitivities(graph, find.of, edges)
    gradient = deltas.get(find.wrt, sp.S.Zero)
    paths, truncated = _paths(graph, find, edges)
    checked = _cross_check(graph, find, forward, gradient, paths, truncated)
    exact = gradient if find.lr is None else forward[find.wrt] - _rational(find.lr) * gradient
    steps = _steps(graph, find, forward, tuple(edges.values()), deltas, paths, gradient, exact, on_paths)
    path_deltas = {name: deltas[name] for name in _order(graph, on_paths) if name in deltas}
    return Solution(question=find.describe(), exact=exact, forward=forward, edges=tuple(edges.values()),
                    sensitivities=path_deltas, paths=tuple(paths), paths_truncated=truncated,
                    gradient=gradient, steps=tuple(steps), checked=checked)


def _rational(value: Fraction) -> sp.Rational:
    return sp.Rational(value.numerator, value.denominator)


def _order(graph: Graph, names: set[str]) -> list[str]:
    return [n for n in graph.names() if n in names]


def _local_derivatives(graph: Graph, forward: Values, on_paths: set[str]) -> dict[tuple[str, str], Edge]:
    """The local derivative on every edge that lies on a path from wrt to of."""
    symbols = {name: sp.Symbol(name) for name in graph.names()}
    edges: dict[tuple[str, str], Edge] = {}
    for node in graph.nodes:
        if node.name not in on_paths:
            continue
        for parent in node.parents:
            if parent in on_paths:
                edges[(node.name, parent)] = _edge(graph, node, parent, forward, symbols)
    return edges


def _edge(graph: Graph, node: Node, parent: str, forward: Values, symbols: dict[str, sp.Symbol]) -> Edge:
    expr = node.expr
    if isinstance(expr, Call) and expr.arg == Name(parent) and expr.func in ACTIVATION_RULES:
        return ACTIVATION_RULES[expr.func](node.name, parent, forward)
    local = sp.diff(to_sympy(expr, symbols), symbols[parent])
    value = local.xreplace({symbols[n]: forward[n] for n in node.parents})
    if value.has(sp.zoo, sp.nan, sp.oo, sp.I):
        raise SpecError(f"the derivative of '{node.name}' with respect to '{parent}' is undefined at these values "
                        f"({node.text})", source=graph.source, line=graph.lines.get(node.name),
                        key=f"nodes.{node.name}")
    formula = sp.sstr(local).replace("relu_gate", "gate")
    return Edge(node=node.name, parent=parent, formula=formula, value=value)


def _relu_rule(node: str, parent: str, forward: Values) -> Edge:
    z = forward[parent]
    is_open = is_positive(z)
    why = f"{parent} = {short(z)} {'> 0: the gate is open' if is_open else '≤ 0: the gate is closed'}"
    return Edge(node=node, parent=parent, formula=f"1 if {parent} > 0 else 0", value=sp.S(int(is_open)),
                rule=f"ReLU gate: {why}", activation="relu")


def _sigmoid_rule(node: str, parent: str, forward: Values) -> Edge:
    a = forward[node]
    return Edge(node=node, parent=parent, formula=f"{node}(1 - {node})", value=a * (1 - a),
                rule=f"sigmoid: σ'({parent}) = {node}(1 − {node}) = {factor(a)} × {factor(1 - a)}",
                activation="sigmoid")


def _tanh_rule(node: str, parent: str, forward: Values) -> Edge:
    a = forward[node]
    return Edge(node=node, parent=parent, formula=f"1 - {node}**2", value=1 - a**2,
                rule=f"tanh: 1 − {node}² = 1 − {factor(a)}²", activation="tanh")


def _exp_rule(node: str, parent: str, forward: Values) -> Edge:
    return Edge(node=node, parent=parent, formula=node, value=forward[node],
                rule=f"exp: the derivative of exp({parent}) is exp({parent}) = {node}", activation="exp")


def _log_rule(node: str, parent: str, forward: Values) -> Edge:
    return Edge(node=node, parent=parent, formula=f"1/{parent}", value=1 / forward[parent],
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
                deltas[parent] = deltas.get(parent, sp.S.Zero) + deltas[node.name] * edge.value
    return deltas


def _paths(graph: Graph, find: Find, edges: dict[tuple[str, str], Edge]) -> tuple[list[Path], bool]:
    """Every route from `of` back to `wrt` (at most MAX_PATHS), each with its product."""
    parents_on_paths: dict[str, list[str]] = {}
    for node, parent in edges:
        parents_on_paths.setdefault(node, []).append(parent)
    routes: list[tuple[str, ...]] = []
    stack: list[tuple[str, ...]] = [(find.of,)] if find.of in parents_on_paths else []
    while stack and len(routes) <= MAX_PATHS:
        route = stack.pop()
        if route[-1] == find.wrt:
            routes.append(route)
            continue
        stack.extend(route + (p,) for p in reversed(parents_on_paths.get(route[-1], [])))
    truncated = len(routes) > MAX_PATHS
    paths = []
    for route in routes[:MAX_PATHS]:
        factors = tuple(edges[(route[i], route[i + 1])].value for i in range(len(route) - 1))
        paths.append(Path(names=route, factors=factors, product=sp.Mul(*factors)))
    return paths, truncated


def _cross_check(graph: Graph, find: Find, forward: Values, gradient: sp.Expr,
                 paths: list[Path], truncated: bool) -> str:
    """Compare the reverse walk with SymPy's derivative of the composed expression (and the paths)."""
    assert find.wrt is not None
    symbols = {name: sp.Symbol(name) for name in graph.names()}
    composed: dict[str, sp.Expr] = dict(symbols)
    for node in graph.nodes:
        if node.name != find.wrt:
            local = to_sympy(node.expr, symbols)
            composed[node.name] = local.xreplace({symbols[p]: composed[p] for p in node.parents})
            if tree_size(composed[node.name]) > MAX_COMPOSED_SIZE:
                raise SpecError(f"the network is too large to check exactly (at node '{node.name}': nodes reused "
                                "many times over); GATE-sized networks are far smaller",
                                source=graph.source, line=graph.lines.get(node.name), key=f"nodes.{node.name}")
    derivative = sp.diff(composed[find.of], symbols[find.wrt])
    reference = derivative.xreplace({symbols[n]: forward[n] for n in _free_names(derivative)})
    if not _same(reference, gradient):
        raise SolverMismatch(f"chain rule gives {gradient} but sympy.diff gives {reference} for {find.describe()}")
    if not truncated and not _same(sp.Add(*(p.product for p in paths)), gradient):
        raise SolverMismatch(f"the sum over paths differs from the reverse walk for {find.describe()}")
    return "checked against sympy.diff of the composed expression"


def tree_size(expr: sp.Expr) -> int:
    """The size of an expression written out as a tree, counted in time linear in its shared form
    (a node reused k times over doubles the tree k times; SymPy's own counters walk the tree)."""
    sizes: dict[sp.Basic, int] = {}

    def size(e: sp.Basic) -> int:
        if e not in sizes:
            sizes[e] = 1 + sum(size(arg) for arg in e.args)
        return sizes[e]

    return size(expr)


def _free_names(expr: sp.Expr) -> list[str]:
    return [s.name for s in expr.free_symbols]


def _same(a: sp.Expr, b: sp.Expr) -> bool:
    a, b = sp.S(a), sp.S(b)
    if a.is_Rational and b.is_Rational:
        return bool(a == b)
    if abs(as_float(a) - as_float(b)) > 1e-9 * (1 + abs(as_float(b))):
        return False  # clearly different: no need for 40 digits
    difference = abs(sp.N(a - b, 40))
    return bool(difference <= sp.Float("1e-25") * (1 + abs(sp.N(b, 40))))


def _forward_step(graph: Graph, node: Node, forward: Values) -> Step:
    expr = node.text
    names = node.parents
    substituted = ", ".join(f"{n} = {short(forward[n])}" for n in names)
    return Step(kind="forward", text=f"{node.name} = {expr} {equals(forward[node.name])}   ({substituted})")


def _steps(graph: Graph, find: Find, forward: Values, edges: tuple[Edge, ...], deltas: Values,
           paths: list[Path], gradient: sp.Expr, exact: sp.Expr, on_paths: set[str]) -> list[Step]:
    assert find.wrt is not None
    relevant = graph.ancestors(find.of) | {find.of}
    steps = [_forward_step(graph, n, forward) for n in graph.nodes if n.name in relevant]
    for edge in edges:
        rule = f"   [{edge.rule}]" if edge.rule else ""
        formula = "" if edge.formula == show(edge.value) else f" = {edge.formula}"
        steps.append(Step(kind="local", text=f"{edge.label}{formula} {equals(edge.value)}{rule}"))
    steps.extend(_delta_steps(graph, find, edges, deltas, on_paths))
    steps.extend(_path_steps(find, paths))
    steps.append(Step(kind="answer", text=f"∂{find.of}/∂{find.wrt} {equals(gradient)}"))
    if find.lr is not None:
        lr = short(_rational(find.lr))
        steps.append(Step(kind="update", text=f"{find.wrt} ← {find.wrt} − lr·∂{find.of}/∂{find.wrt} = "
                          f"{short(forward[find.wrt])} − {lr} × {factor(gradient)} {equals(exact)}"))
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


def _path_steps(find: Find, paths: list[Path]) -> list[Step]:
    steps = []
    for path in paths:
        labels = " · ".join(f"∂{path.names[i]}/∂{path.names[i + 1]}" for i in range(len(path.names) - 1))
        numbers = " × ".join(factor(f) for f in path.factors)
        steps.append(Step(kind="path", text=f"path {' ← '.join(path.names)}: {labels} = {numbers} "
                          f"{equals(path.product)}"))
    if len(paths) > 1:
        total = " + ".join(factor(p.product) for p in paths)
        steps.append(Step(kind="sum", text=f"sum over the {len(paths)} paths: {total} "
                          f"{equals(sp.Add(*(p.product for p in paths)))}"))
    if not paths:
        steps.append(Step(kind="path", text=f"no path leads from {find.wrt} to {find.of}, so the derivative is 0"))
    return steps


