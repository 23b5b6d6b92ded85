"""The plain data the solver reads: leaves with exact values, nodes in order, and what to find."""

from __future__ import annotations

from dataclasses import dataclass, field
from fractions import Fraction
from functools import cached_property

from gatebp.core.expr import Expr, format_expr, format_number


@dataclass(frozen=True)
class Find:
    """`of` alone: a forward value; with `wrt`: a partial derivative; with `lr`: one descent step."""

    of: str
    wrt: str | None = None
    lr: Fraction | None = None

    def to_dict(self) -> dict[str, object]:
        out: dict[str, object] = {"of": self.of}
        if self.wrt is not None:
            out["wrt"] = self.wrt
        if self.lr is not None:
            out["lr"] = float(self.lr)
        return out

    def describe(self) -> str:
        if self.wrt is None:
            return f"the value of {self.of}"
        if self.lr is None:
            return f"∂{self.of}/∂{self.wrt}"
        return f"{self.wrt} after one gradient-descent step on {self.of} (lr = {format_number(self.lr)})"


@dataclass(frozen=True)
class Node:
    """A computed value: `name = expr`, reading its `parents` (ordered, unique)."""

    name: str
    expr: Expr
    parents: tuple[str, ...]

    @property
    def text(self) -> str:
        return format_expr(self.expr)


@dataclass(frozen=True)
class Layer:
    """One layer of a layer-form spec, kept so the working can also be shown in vector form."""

    out: str
    act: str
    inputs: tuple[str, ...]
    units: tuple[str, ...]
    pre: tuple[str, ...]  # pre-activation node names (the units themselves when linear)
    weights: tuple[tuple[str, ...], ...]  # weights[i][j]: leaf name into unit i from input j
    biases: tuple[str, ...]  # empty when the layer has no bias


@dataclass(frozen=True)
class Graph:
    """Leaves (inputs, weights, targets) and nodes in definition order; acyclic by construction."""

    values: dict[str, Fraction]
    nodes: tuple[Node, ...]
    find: Find | None = None
    source: str = "<spec>"
    lines: dict[str, int] = field(default_factory=dict, compare=False)
    layers: tuple[Layer, ...] = field(default=(), compare=False)

    def node(self, name: str) -> Node:
        return self._index[name]

    @cached_property
    def _index(self) -> dict[str, Node]:
        return {n.name: n for n in self.nodes}

    def names(self) -> list[str]:
        return list(self.values) + [n.name for n in self.nodes]

    def is_leaf(self, name: str) -> bool:
        return name in self.values

    def ancestors(self, name: str) -> set[str]:
        """Everything `name` reads, directly or not."""
        found: set[str] = set()
        stack = [name]
        while stack:
            current = stack.pop()
            if self.is_leaf(current):
                continue
            for parent in self.node(current).parents:
                if parent not in found:
                    found.add(parent)
                    stack.append(parent)
        return found

    def descendants(self, name: str) -> set[str]:
        """Every node that reads `name`, directly or not."""
        found: set[str] = set()
        for node in self.nodes:
            if any(p == name or p in found for p in node.parents):
                found.add(node.name)
        return found

    def with_find(self, find: Find) -> Graph:
        return Graph(self.values, self.nodes, find, self.source, self.lines, self.layers)

    def to_dict(self) -> dict[str, dict[str, str]]:
        """The spec's `values` and `nodes` in the core grammar (what exports carry)."""
        return {"values": {k: format_number(v) for k, v in self.values.items()},
                "nodes": {n.name: n.text for n in self.nodes}}


def graph_from_record(record: dict[str, dict[str, str]], source: str = "<question>") -> Graph:
    """A question's exported network ({values, nodes} as text) rebuilt for reading and drawing.

    The record was written by gatebp from a checked graph, so this only re-parses each node with
    the whitelisting parser; views use it instead of the spec reader and never solve."""
    from gatebp.core.expr import names_in, parse_expr_text

    values = {name: Fraction(str(text)) for name, text in (record.get("values") or {}).items()}
    nodes = []
    for name, text in (record.get("nodes") or {}).items():
        expr = parse_expr_text(str(text))
        nodes.append(Node(name, expr, names_in(expr)))
    return Graph(values, tuple(nodes), source=source)
