"""The network figure as data: one layout that the terminal, SVG, TikZ and Typst all draw.

A layer-shaped graph (a layer-form spec, or a scalar graph that is an MLP: nodes z = Σ w·u + b,
optionally followed by h = act(z)) becomes a `LayeredFigure`: neurons in columns with the inputs
on the left, each column's activation, one weight per edge, one bias per unit, the weight
matrices for when the edges are too crowded to carry them, and the nodes after the network
(the loss) as a tail. Any other graph becomes a `GraphFigure`, the computation graph in
dependency columns. `build_figure` decides; nothing here draws, so every output shows the same
units in the same order with the same labels.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from typing import Any

from gatebp.core.expr import BinOp, Call, Expr, Name
from gatebp.network.graph import Graph, Layer, Node
from gatebp.ui.batch_figure import Batch, detect_batch

ACTIVATIONS = ("relu", "sigmoid", "tanh", "leaky_relu", "softplus")
# a layer's activation in words, where the text lists layers (Anki's table, Markdown's subgraphs)
LAYER_WORDS = {"relu": "ReLU", "sigmoid": "sigmoid", "tanh": "tanh", "linear": "linear",
               "softmax": "softmax", "leaky_relu": "leaky ReLU", "softplus": "softplus"}


@dataclass(frozen=True)
class Unit:
    """One neuron: its name, its given value (inputs), and its bias (name, value) if any."""

    name: str
    value: Fraction | None = None
    bias: str | None = None
    bias_value: Fraction | None = None


@dataclass(frozen=True)
class Column:
    """The inputs (act "input") or one layer: its activation, units and vector name."""

    act: str
    units: tuple[Unit, ...]
    stem: str | None = None  # the layer's vector name (h for h1, h2, ...) when it has one


@dataclass(frozen=True)
class Weight:
    src: str
    dst: str
    name: str
    value: Fraction | None


@dataclass(frozen=True)
class WeightMatrix:
    """One layer's weights, rows = units, columns = inputs; `label` is W1, W2, ... or ""."""

    label: str
    into: int  # index of the column the weights feed
    names: tuple[tuple[str, ...], ...]
    values: tuple[tuple[Fraction | None, ...], ...]


@dataclass(frozen=True)
class LayeredFigure:
    columns: tuple[Column, ...]
    weights: tuple[tuple[Weight, ...], ...]  # weights[k]: the edges into columns[k + 1]
    matrices: tuple[WeightMatrix, ...]
    tail: tuple[Node, ...]  # nodes after the network, e.g. the loss
    given: tuple[tuple[str, Fraction], ...]  # other given values the tail reads (targets)
    named: bool  # weights carry names the stem uses (scalar graphs), not internal ones

    def edges_into(self, column: int) -> tuple[Weight, ...]:
        return self.weights[column - 1]


@dataclass(frozen=True)
class GraphFigure:
    """A computation graph: names per dependency column, definitions, given values, edges."""

    columns: tuple[tuple[str, ...], ...]
    nodes: tuple[Node, ...]
    values: dict[str, Fraction]
    edges: tuple[tuple[str, str], ...]
    batch: Batch | None = None  # one example's computation repeated per example (a mini-batch)


Figure = LayeredFigure | GraphFigure


def build_figure(graph: Graph) -> Figure:
    """The layered figure when the graph is layer-shaped, else the computation graph."""
    layered = from_layers(graph) if graph.layers else detect_layers(graph)
    return layered if layered is not None else computation_figure(graph)


def figure_from_dict(graph: dict[str, Any]) -> Figure:
    """A question's `graph` record ({values, nodes} as text), rebuilt without the spec reader."""
    from gatebp.network.graph import graph_from_record

    return build_figure(graph_from_record(graph, source="graph"))


# --- layer form --------------------------------------------------------------------------

def from_layers(graph: Graph) -> LayeredFigure | None:
    """A layer-form graph's own layers: nothing is guessed."""
    inputs = Column("input", tuple(Unit(n, graph.values.get(n)) for n in graph.layers[0].inputs),
                    _stem(graph.layers[0].inputs))
    columns = [inputs] + [_layer_column(graph, layer) for layer in graph.layers]
    weights = tuple(_layer_weights(graph, layer) for layer in graph.layers)
    matrices = tuple(_matrix(graph, f"W{k}", k, layer.weights)
                     for k, layer in enumerate(graph.layers, 1))
    inside = {n for layer in graph.layers for n in (*layer.units, *layer.pre)}
    tail = tuple(node for node in graph.nodes if node.name not in inside)
    return LayeredFigure(tuple(columns), weights, matrices, tail, _given(graph, tail), False)


def _layer_column(graph: Graph, layer: Layer) -> Column:
    biases = layer.biases or (None,) * len(layer.units)
    units = tuple(Unit(u, None, b, graph.values.get(b) if b else None)
                  for u, b in zip(layer.units, biases))
    return Column(layer.act, units, layer.out)


def _layer_weights(graph: Graph, layer: Layer) -> tuple[Weight, ...]:
    return tuple(Weight(src, unit, name, graph.values.get(name))
                 for unit, row in zip(layer.units, layer.weights)
                 for src, name in zip(layer.inputs, row))


def _matrix(graph: Graph, label: str, into: int, names: tuple[tuple[str, ...], ...]) -> WeightMatrix:
    values = tuple(tuple(graph.values.get(n) for n in row) for row in names)
    return WeightMatrix(label, into, names, values)


def _given(graph: Graph, tail: tuple[Node, ...]) -> tuple[tuple[str, Fraction], ...]:
    read = [p for node in tail for p in node.parents if graph.is_leaf(p)]
    return tuple((name, graph.values[name]) for name in dict.fromkeys(read))


def _stem(names: tuple[str, ...]) -> str | None:
    stems = {name.rstrip("0123456789") for name in names}
    return stems.pop() if len(stems) == 1 else None


# --- scalar graphs that are MLPs -----------------------------------------------------------

@dataclass(frozen=True)
class _Sum:
    """A node read as Σ weight·source (+ bias)."""

    node: str
    terms: tuple[tuple[str, str], ...]  # (weight leaf, source)
    bias: str | None


def detect_layers(graph: Graph) -> LayeredFigure | None:
    """Find z = Σ w·u (+ b) nodes, each optionally wrapped by act(z), stacked in dense layers."""
    sums = {s.node: s for s in (_read_sum(graph, node) for node in graph.nodes) if s is not None}
    units = _units(graph, sums)
    if not units:
        return None
    layers = _stack(graph, units, sums)
    if layers is None or not _leaves_used_once(graph, layers, sums, units):
        return None
    inside = {n for unit, pre in units.items() if unit in _flat(layers) for n in (unit, pre)}
    tail = tuple(node for node in graph.nodes if node.name not in inside)
    if not _tail_reads_only_output(graph, tail, layers, inside):
        return None
    return _assemble(graph, layers, units, sums, tail)


def _read_sum(graph: Graph, node: Node) -> _Sum | None:
    pieces = _addends(node.expr)
    terms, biases = [], []
    for piece in pieces:
        if isinstance(piece, Name) and graph.is_leaf(piece.id):
            biases.append(piece.id)
        elif isinstance(piece, BinOp) and piece.op == "*" and _names(piece) is not None:
            term = _term(graph, *_names(piece))  # type: ignore[misc]
            if term is None:
                return None
            terms.append(term)
        else:
            return None
    if not terms or len(biases) > 1:
        return None
    return _Sum(node.name, tuple(terms), biases[0] if biases else None)


def _addends(expr: Expr) -> list[Expr]:
    if isinstance(expr, BinOp) and expr.op == "+":
        return _addends(expr.left) + _addends(expr.right)
    return [expr]


def _names(product: BinOp) -> tuple[str, str] | None:
    if isinstance(product.left, Name) and isinstance(product.right, Name):
        return product.left.id, product.right.id
    return None


def _term(graph: Graph, left: str, right: str) -> tuple[str, str] | None:
    """(weight, source): the leaf is the weight; with two leaves, the left one (w·x)."""
    if graph.is_leaf(left):
        return left, right
    if graph.is_leaf(right):
        return right, left
    return None


def _units(graph: Graph, sums: dict[str, _Sum]) -> dict[str, str]:
    """unit -> pre-activation: act(z) over a sum z read by nothing else, or a bare sum."""
    readers: dict[str, list[str]] = {}
    for node in graph.nodes:
        for parent in node.parents:
            readers.setdefault(parent, []).append(node.name)
    units: dict[str, str] = {}
    wrapped = set()
    for node in graph.nodes:
        expr = node.expr
        if (isinstance(expr, Call) and expr.func in ACTIVATIONS and isinstance(expr.arg, Name)
                and expr.arg.id in sums and readers.get(expr.arg.id) == [node.name]):
            units[node.name] = expr.arg.id
            wrapped.add(expr.arg.id)
    for name in sums:
        if name not in wrapped:
            units[name] = name
    return {u: units[u] for u in [n.name for n in graph.nodes] if u in units}


def _stack(graph: Graph, units: dict[str, str], sums: dict[str, _Sum]) -> list[list[str]] | None:
    """Units by depth; every unit of a layer reads the same sources, all from the layer below."""
    depth: dict[str, int] = {}
    for unit, pre in units.items():
        sources = [src for _, src in sums[pre].terms]
        levels = {0 if graph.is_leaf(s) else depth.get(s, -1) for s in sources}
        if len(levels) != 1 or -1 in levels:
            return None
        depth[unit] = levels.pop() + 1
    layers: list[list[str]] = [[] for _ in range(max(depth.values()))]
    for unit in units:
        layers[depth[unit] - 1].append(unit)
    for layer in layers:
        if not _dense(layer, units, sums, graph):
            return None
    return layers


def _dense(layer: list[str], units: dict[str, str], sums: dict[str, _Sum], graph: Graph) -> bool:
    reads = [tuple(src for _, src in sums[units[u]].terms) for u in layer]
    acts = {_act(graph, u, units[u]) for u in layer}
    return (len(acts) == 1 and all(set(r) == set(reads[0]) and len(r) == len(set(r)) for r in reads)
            and bool(layer))


def _act(graph: Graph, unit: str, pre: str) -> str:
    if unit == pre:
        return "linear"
    expr = graph.node(unit).expr
    assert isinstance(expr, Call)
    return expr.func


def _flat(layers: list[list[str]]) -> list[str]:
    return [unit for layer in layers for unit in layer]


def _leaves_used_once(graph: Graph, layers: list[list[str]], sums: dict[str, _Sum],
                      units: dict[str, str]) -> bool:
    """Weights and biases are each read once, and never also used as an input."""
    owned = [w for u in _flat(layers) for w, _ in sums[units[u]].terms]
    owned += [b for u in _flat(layers) if (b := sums[units[u]].bias)]
    inputs = {src for u in layers[0] for _, src in sums[units[u]].terms}
    count = {leaf: sum(node.parents.count(leaf) for node in graph.nodes) for leaf in owned}
    return len(owned) == len(set(owned)) and all(c == 1 for c in count.values()) and not inputs & set(owned)


def _tail_reads_only_output(graph: Graph, tail: tuple[Node, ...], layers: list[list[str]],
                            inside: set[str]) -> bool:
    """Nodes after the network read its outputs, each other and given values only (no skips)."""
    allowed = set(layers[-1]) | {node.name for node in tail}
    inputs = set()
    for node in graph.nodes:
        if node.name in inside:
            inputs |= {p for p in node.parents if graph.is_leaf(p)}
    for node in tail:
        for parent in node.parents:
            if (parent in inside and parent not in allowed) or parent in inputs:
                return False
    return True


def _assemble(graph: Graph, layers: list[list[str]], units: dict[str, str], sums: dict[str, _Sum],
              tail: tuple[Node, ...]) -> LayeredFigure:
    first = [src for _, src in sums[units[layers[0][0]]].terms]
    columns = [Column("input", tuple(Unit(n, graph.values.get(n)) for n in first), _stem(tuple(first)))]
    weights, matrices = [], []
    previous = first
    for k, layer in enumerate(layers, 1):
        columns.append(_scalar_column(graph, layer, units, sums))
        names = tuple(tuple({s: w for w, s in sums[units[u]].terms}[p] for p in previous)
                      for u in layer)
        weights.append(tuple(Weight(p, u, n, graph.values.get(n))
                             for u, row in zip(layer, names) for p, n in zip(previous, row)))
        matrices.append(_matrix(graph, "", k, names))
        previous = layer
    named = not _internal_names(columns, weights)
    if not named:
        matrices = [WeightMatrix(f"W{m.into}", m.into, m.names, m.values) for m in matrices]
    return LayeredFigure(tuple(columns), tuple(weights), tuple(matrices), tail, _given(graph, tail), named)


def _scalar_column(graph: Graph, layer: list[str], units: dict[str, str], sums: dict[str, _Sum]) -> Column:
    cells = []
    for unit in layer:
        bias = sums[units[unit]].bias
        cells.append(Unit(unit, None, bias, graph.values.get(bias) if bias else None))
    return Column(_act(graph, layer[0], units[layer[0]]), tuple(cells), _stem(tuple(layer)))


def _internal_names(columns: list[Column], weights: list[tuple[Weight, ...]]) -> bool:
    """Layer form expanded to scalars names its weights w_<unit>_<source>: not the stem's names."""
    return all(w.name == f"w_{w.dst}_{w.src}" for layer in weights for w in layer)


# --- everything else: the computation graph ------------------------------------------------

def computation_figure(graph: Graph) -> GraphFigure:
    """Names in dependency columns; a leaf sits just left of its first reader."""
    depth: dict[str, int] = {}
    for node in graph.nodes:
        depth[node.name] = 1 + max((depth.get(p, 0) for p in node.parents), default=0)
    for leaf in graph.values:
        readers = [depth[n.name] for n in graph.nodes if leaf in n.parents]
        depth[leaf] = max(min(readers, default=1) - 1, 0)
    order = list(graph.values) + [n.name for n in graph.nodes]
    columns = tuple(tuple(n for n in order if depth[n] == c) for c in range(max(depth.values()) + 1))
    edges = tuple((p, node.name) for node in graph.nodes for p in node.parents)
    return GraphFigure(tuple(c for c in columns if c), graph.nodes, dict(graph.values), edges,
                       detect_batch(graph))
