"""The working of a gradient as typed steps: forward values, local rules, δ lines, paths, notes.

Built from what the reverse walk found (`Backward`), never by re-solving; the notes come from the
registry (the ReLU convention, the step unit's zero derivative) for each activation whose rule
the working used.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from fractions import Fraction

import sympy as sp

from gatebp.core.activations import RECORDS
from gatebp.core.step import Step
from gatebp.core.values import operands, settle
from gatebp.network.evaluate import Values
from gatebp.network.graph import Find, Graph, Node
from gatebp.network.steps import Edge, Path, as_float, equals, factor, short, show


@dataclass(frozen=True)
class Backward:
    """What the reverse walk found for one find: edges, sensitivities, and the paths (if few)."""

    on_paths: set[str]
    edges: dict[tuple[str, str], Edge]
    deltas: Values
    gradient: sp.Expr
    paths: list[Path]
    count: int


def rational(value: Fraction) -> sp.Rational:
    return sp.Rational(value.numerator, value.denominator)


def order(graph: Graph, names: set[str]) -> list[str]:
    """`names` in the graph's order (leaves, then nodes as defined)."""
    return [n for n in graph.names() if n in names]


def forward_step(node: Node, forward: Values) -> Step:
    substituted = ", ".join(f"{n} = {short(forward[n])}" for n in node.parents)
    return Step(kind="forward", text=f"{node.name} = {node.text} {equals(forward[node.name])}   ({substituted})",
                quantity=node.name, value=as_float(forward[node.name]), skill="forward")


def forward_steps(graph: Graph, of: str, forward: Values) -> list[Step]:
    """One line per node `of` depends on (and `of` itself), in order."""
    relevant = graph.ancestors(of) | {of}
    return [forward_step(n, forward) for n in graph.nodes if n.name in relevant]


def gradient_steps(graph: Graph, find: Find, forward: Values, back: Backward, exact: sp.Expr) -> list[Step]:
    """Forward lines, local derivatives, δ lines, paths, the answer, the update and the notes."""
    assert find.wrt is not None
    steps = forward_steps(graph, find.of, forward)
    edges = tuple(back.edges.values())
    steps.extend(_local_step(edge, local_skill(graph, find, edge)) for edge in edges)
    steps.extend(delta_steps(graph, find, edges, back.deltas, back.on_paths))
    steps.extend(path_steps(find, back.paths, back.count))
    total = f"∂{find.of}/∂{find.wrt}"
    steps.append(Step(kind="answer", text=f"{total} {equals(back.gradient)}", quantity=total,
                      value=as_float(back.gradient), skill="answer"))
    if find.lr is not None:
        lr = short(rational(find.lr))
        steps.append(Step(kind="update", text=f"{find.wrt} ← {find.wrt} − lr·∂{find.of}/∂{find.wrt} = "
                          f"{short(forward[find.wrt])} − {lr} × {factor(back.gradient)} {equals(exact)}",
                          quantity=find.wrt, value=as_float(exact), skill="update"))
    return steps + notes(edges)


def value_answer_step(find: Find, forward: Values) -> Step:
    """The answer of a forward-value question: the value of `of`."""
    return Step(kind="answer", text=f"{find.of} {equals(forward[find.of])}", quantity=find.of,
                value=as_float(forward[find.of]), skill="answer")


def local_skill(graph: Graph, find: Find, edge: Edge) -> str:
    """What a local line drills: local:<activation> for a unit's rule, local:linear for a weighted
    sum's coefficient, local:loss for the loss node's own derivative, else local:expression."""
    if edge.activation:
        return f"local:{edge.activation}"
    if (not edge.rule and _is_name(edge.formula)) or edge.formula == "1":
        return "local:linear"
    if edge.node == find.of:
        return "local:loss"
    calls = [c for c in RECORDS if c.local is not None and re.search(rf"\b{c.name}\(", graph.node(edge.node).text)]
    return f"local:{calls[0].name}" if calls else "local:expression"


def _is_name(text: str) -> bool:
    return re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", text) is not None


def _local_step(edge: Edge, skill: str) -> Step:
    rule = f"   [{edge.rule}]" if edge.rule else ""
    formula = "" if edge.formula == show(edge.value) else f" = {edge.formula}"
    return Step(kind="local", text=f"{edge.label}{formula} {equals(edge.value)}{rule}", quantity=edge.label,
                value=as_float(edge.value), skill=skill)


def notes(edges: tuple[Edge, ...]) -> list[Step]:
    """The registry's note for each activation whose rule gave an edge, in registry order."""
    used = {e.activation for e in edges}
    return [Step(kind="note", text=r.note) for r in RECORDS if r.note and r.name in used]


def delta_steps(graph: Graph, find: Find, edges: tuple[Edge, ...], deltas: Values,
                 on_paths: set[str]) -> list[Step]:
    """δ(n) = Σ over n's children c on the paths of δ(c) · ∂c/∂n, from `of` backwards."""
    steps = []
    by_parent: dict[str, list[Edge]] = {}
    for edge in edges:
        by_parent.setdefault(edge.parent, []).append(edge)
    for name in reversed(order(graph, on_paths)):
        if name == find.of or name not in by_parent:
            continue
        terms = by_parent[name]
        symbolic = " + ".join(f"δ({e.node})·{e.label}" for e in terms)
        numbers = " + ".join(f"{factor(deltas[e.node])} × {factor(e.value)}" for e in terms)
        merge = f"   [{len(terms)} paths merge at {name}: add]" if len(terms) > 1 else ""
        steps.append(Step(kind="delta", text=f"δ({name}) = {symbolic} = {numbers} {equals(deltas[name])}{merge}",
                          quantity=f"∂{find.of}/∂{name}", value=as_float(deltas[name]), skill="delta"))
    return steps


def path_steps(find: Find, paths: list[Path], count: int) -> list[Step]:
    """One line per path and their sum; past MAX_LISTED_PATHS, how many there are (the δ lines add them)."""
    if count > len(paths):
        return [Step(kind="path", text=f"{count} paths lead from {find.wrt} to {find.of}: too many to list, so "
                     f"the δ recursion above adds them up node by node")]
    steps = []
    for path in paths:
        labels = " · ".join(f"∂{path.names[i]}/∂{path.names[i + 1]}" for i in range(len(path.names) - 1))
        numbers = " × ".join(factor(f) for f in path.factors)
        steps.append(Step(kind="path", text=f"path {' ← '.join(path.names)}: {labels} = {numbers} "
                          f"{equals(path.product)}", quantity=labels, value=as_float(path.product),
                          skill="path"))
    if len(paths) > 1:
        total = " + ".join(factor(p.product) for p in paths)
        added = settle(sp.Add(*operands(*(p.product for p in paths))))
        steps.append(Step(kind="sum", text=f"sum over the {len(paths)} paths: {total} {equals(added)}",
                          quantity=f"∂{find.of}/∂{find.wrt}", value=as_float(added), skill="sum"))
    if not paths:
        steps.append(Step(kind="path", text=f"no path leads from {find.wrt} to {find.of}, so the derivative is 0"))
    return steps
