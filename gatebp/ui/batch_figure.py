"""A mini-batch graph read as one example's computation plus a table of the examples' values.

A graph that repeats the same nodes for examples k = 1..n (z1 = w*x1 + b, L1 = (z1 - t1)**2,
z2 = w*x2 + b, ...) over shared leaves (w, b), then combines them (L = L1 + L2 + L3), drawn as a
computation graph has an arrow from every shared leaf to every example: a thicket of crossing
lines. Drawn once, for a general example k (z_k = w*x_k + b), with the per-example values in a
table beside it, it reads like a textbook figure. `detect_batch` finds that shape; anything
else (an index that does not repeat exactly, a leaf shared by only some examples) is left to
the plain computation graph.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from fractions import Fraction

from gatebp.core.expr import BinOp, Call, Expr, Name, Neg, Num
from gatebp.network.graph import Graph, Node

INDEX = "k"
_INDEXED = re.compile(r"([A-Za-z]+)([1-9]\d?)\Z")


@dataclass(frozen=True)
class Batch:
    """One example's nodes written with the index k, the examples' own leaves and the rest."""

    size: int  # the examples are k = 1..size
    template: tuple[Node, ...]  # z_k = w*x_k + b, L_k = ...
    leaves: tuple[str, ...]  # the per-example leaf stems, in reading order: ("x", "t")
    rows: tuple[tuple[Fraction, ...], ...]  # rows[k - 1][j]: leaf j's value in example k
    shared: dict[str, Fraction]  # the leaves every example reads (w, b)
    combine: tuple[Node, ...]  # the nodes after the examples (L = L1 + L2 + L3), as written

    def indexed(self, stem: str) -> str:
        return f"{stem}_{INDEX}"


def detect_batch(graph: Graph) -> Batch | None:
    """The batch reading of the graph, or None when it is not n >= 2 exact copies."""
    copies: dict[int, list[Node]] = {}
    rest: list[Node] = []
    for node in graph.nodes:
        match = _INDEXED.match(node.name)
        (copies.setdefault(int(match.group(2)), []) if match else rest).append(node)
    size = len(copies)
    if size < 2 or set(copies) != set(range(1, size + 1)) or not rest:
        return None
    templates = {k: _template(graph, nodes, k) for k, nodes in copies.items()}
    first = templates[1]
    if first is None or any(t != first for t in templates.values()):
        return None
    template, leaves = first
    inside = {node.name for nodes in copies.values() for node in nodes}
    shared = {p for node in copies[1] for p in node.parents if graph.is_leaf(p) and not _INDEXED.match(p)}
    if not leaves or not all(_combines(graph, node, inside, size) for node in rest):
        return None
    rows = tuple(tuple(graph.values[f"{stem}{k}"] for stem in leaves) for k in range(1, size + 1))
    return Batch(size, template, leaves, rows, {n: graph.values[n] for n in graph.values if n in shared},
                 tuple(rest))


def _template(graph: Graph, nodes: list[Node], k: int) -> tuple[tuple[Node, ...], tuple[str, ...]] | None:
    """Example k's nodes with every name indexed by k renamed stem_k, and its own leaves'
    stems; None when the example reads a leaf with another index or a node outside itself."""
    own = {node.name for node in nodes}
    leaves: list[str] = []
    for parent in (p for node in nodes for p in node.parents if p not in own):
        match = _INDEXED.match(parent)
        if not graph.is_leaf(parent) or (match and int(match.group(2)) != k):
            return None
        if match and match.group(1) not in leaves:
            leaves.append(match.group(1))
    names: dict[str, str] = {}
    for name in [*own, *(f"{stem}{k}" for stem in leaves)]:
        match = _INDEXED.match(name)
        assert match is not None
        names[name] = f"{match.group(1)}_{INDEX}"
    renamed = tuple(Node(names[n.name], _renamed(n.expr, names), tuple(names.get(p, p) for p in n.parents))
                    for n in nodes)
    return renamed, tuple(leaves)


def _combines(graph: Graph, node: Node, inside: set[str], size: int) -> bool:
    """A node after the examples reads every example's result alike (L1, L2, L3: not L2
    alone) and given values, never an example's own leaf."""
    read: dict[str, set[int]] = {}
    for parent in node.parents:
        match = _INDEXED.match(parent)
        if parent in inside and match:
            read.setdefault(match.group(1), set()).add(int(match.group(2)))
        elif graph.is_leaf(parent) and match:
            return False
    return all(ks == set(range(1, size + 1)) for ks in read.values())


def _renamed(expr: Expr, names: dict[str, str]) -> Expr:
    if isinstance(expr, Name):
        return Name(names.get(expr.id, expr.id))
    if isinstance(expr, Neg):
        return Neg(_renamed(expr.operand, names))
    if isinstance(expr, BinOp):
        return BinOp(expr.op, _renamed(expr.left, names), _renamed(expr.right, names))
    if isinstance(expr, Call):
        return Call(expr.func, _renamed(expr.arg, names))
    assert isinstance(expr, Num)
    return expr
