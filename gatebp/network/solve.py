"""The solver: forward pass, local rules on every edge, the reverse walk, paths, and a cross-check.

Values are computed node by node and settled as they are made (gatebp.core.values): exact while the
exact form is short, 50-digit decimals after that, so no step builds an expression that grows with
depth or with the number of paths. Before a Solution is returned, the reverse walk is compared with
an independent forward-mode pass (gatebp.network.forward_mode) and, when they were listed, with the sum over
paths; a mismatch raises SolverMismatch, because an unchecked answer must never be shown.

The stages live in their own modules: `evaluate` (the forward pass and its guards), `local_rules`
(the local derivative on each edge, from the activation registry), `walk` (the reverse walk, the
paths and the cross-check) and `solution_steps` (the working as typed steps). This module puts
them together; `solve` and `forward_pass` are its public names.
"""

from __future__ import annotations

import sympy as sp

from gatebp.core.errors import SpecError
from gatebp.core.values import is_exact, operands, settle
from gatebp.network.evaluate import MAX_MAGNITUDE, Values, forward_pass
from gatebp.network.graph import Find, Graph
from gatebp.network.local_rules import local_derivatives
from gatebp.network.solution_steps import (
    Backward,
    forward_steps,
    gradient_steps,
    order,
    rational,
    value_answer_step,
)
from gatebp.network.steps import Solution
from gatebp.network.walk import cross_check, list_paths, path_count
from gatebp.network.walk import sensitivities as _sensitivities  # a test swaps it for a broken walk

MAX_LISTED_PATHS = 64  # more paths than this are counted, not listed: the δ recursion is the working
__all__ = ["MAX_LISTED_PATHS", "MAX_MAGNITUDE", "Values", "forward_pass", "solve"]


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


def _value_solution(graph: Graph, find: Find, forward: Values) -> Solution:
    steps = forward_steps(graph, find.of, forward)
    steps.append(value_answer_step(find, forward))
    how = "exactly" if is_exact(forward[find.of]) else "to 50 significant digits"
    return Solution(question=find.describe(), exact=forward[find.of], forward=forward, steps=tuple(steps),
                    checked=f"forward value computed {how}")


def _gradient_solution(graph: Graph, find: Find, forward: Values) -> Solution:
    assert find.wrt is not None
    back = _backward(graph, find, forward)
    checked = cross_check(graph, find, forward, back.gradient, back.paths)
    exact = back.gradient if find.lr is None else _step(forward[find.wrt], rational(find.lr), back.gradient)
    steps = gradient_steps(graph, find, forward, back, exact)
    path_deltas = {name: back.deltas[name] for name in order(graph, back.on_paths) if name in back.deltas}
    return Solution(question=find.describe(), exact=exact, forward=forward, edges=tuple(back.edges.values()),
                    sensitivities=path_deltas, paths=tuple(back.paths), paths_truncated=back.count > len(back.paths),
                    path_count=back.count, gradient=back.gradient, steps=tuple(steps), checked=checked)


def _step(weight: sp.Expr, lr: sp.Expr, gradient: sp.Expr) -> sp.Expr:
    """One gradient-descent step, w − lr·g."""
    weight, gradient = operands(weight, gradient)
    return settle(weight - lr * gradient)


def _backward(graph: Graph, find: Find, forward: Values) -> Backward:
    """Local derivatives on the edges between wrt and of, the reverse walk, and the paths."""
    assert find.wrt is not None
    on_paths = graph.ancestors(find.of) & (graph.descendants(find.wrt) | {find.wrt})
    on_paths |= {find.of} if on_paths else set()
    edges = local_derivatives(graph, forward, on_paths)
    deltas = _sensitivities(graph, find.of, edges)
    count = path_count(graph, find, edges)
    paths = list_paths(find, edges) if count <= MAX_LISTED_PATHS else []
    return Backward(on_paths, edges, deltas, deltas.get(find.wrt, sp.S.Zero), paths, count)
