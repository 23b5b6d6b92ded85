"""The reverse walk, the paths from wrt to of, and the check against forward mode.

δ(of) = 1 and each node adds δ × local derivative into its parents (micrograd's backward, with the
spec order as the topological order); the paths are counted by dynamic programming and listed only
when few. `cross_check` compares the forward value and the gradient with forward-mode
differentiation (gatebp.network.forward_mode) and the sum over paths, and raises SolverMismatch on
any disagreement: an unchecked answer is never shown.
"""

from __future__ import annotations

from fractions import Fraction

import sympy as sp

from gatebp.core.errors import SolverMismatch
from gatebp.core.values import operands, settle
from gatebp.network.evaluate import Values
from gatebp.network.forward_mode import as_number, close, tangents
from gatebp.network.graph import Find, Graph
from gatebp.network.steps import Edge, Path


def sensitivities(graph: Graph, of: str, edges: dict[tuple[str, str], Edge]) -> Values:
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


def path_count(graph: Graph, find: Find, edges: dict[tuple[str, str], Edge]) -> int:
    """How many routes lead from `of` back to `wrt`, by dynamic programming (linear, never listed)."""
    parents = _parents_on_paths(edges)
    routes: dict[str, int] = {find.wrt: 1} if find.wrt is not None else {}
    for node in graph.nodes:
        if node.name in parents:
            routes[node.name] = sum(routes.get(p, 0) for p in parents[node.name])
    return routes.get(find.of, 0) if find.of in parents else 0


def list_paths(find: Find, edges: dict[tuple[str, str], Edge]) -> list[Path]:
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
    found = []
    for route in routes:
        factors = tuple(edges[(route[i], route[i + 1])].value for i in range(len(route) - 1))
        found.append(Path(names=route, factors=factors, product=settle(sp.Mul(*operands(*factors)))))
    return found


def cross_check(graph: Graph, find: Find, forward: Values, gradient: sp.Expr, paths: list[Path]) -> str:
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
