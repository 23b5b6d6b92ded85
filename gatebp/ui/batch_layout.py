"""The mini-batch figure: example k's computation graph, a table of the examples' values
beside it, and the definitions below (gatebp.ui.batch_figure says why).

The graph has one arrow per name example k reads, so nothing crosses however large the batch;
the table (k, then each per-example leaf) carries the numbers the crossing graph used to.
"""

from __future__ import annotations

from fractions import Fraction

from gatebp.core.maths import Math, Part, Text, num, render
from gatebp.network.graph import Node
from gatebp.ui.batch_figure import INDEX, Batch
from gatebp.ui.figure import GraphFigure
from gatebp.ui.geometry import NAME_PT, Drawing, Label, Segment, equation, finish, name_part, text_width
from gatebp.ui.graph_layout import COLUMN_GAP, list_definitions, place_shapes_and_edges

TABLE_GAP = 28.0  # between the graph and the table
ROW = 15.0  # the table's row pitch
CELL_PAD = 12.0  # each table column is its widest cell plus this


def place_batch(figure: GraphFigure, batch: Batch) -> Drawing:
    """Example k's graph; under it the definitions, with the table at their right."""
    drawing = Drawing()
    place_shapes_and_edges(_example_figure(batch), drawing, COLUMN_GAP)
    y = max(s.box.y1 for s in drawing.shapes) + 16
    lines = [equation(n.name, n.expr) for n in batch.template]
    lines += [equation(n.name, n.expr) for n in batch.combine]
    lines.append((Text(f"for each example {INDEX} = " + ", ".join(map(str, range(1, batch.size + 1)))),))
    first = len(drawing.labels)
    list_definitions(drawing, lines, y)
    right = max(label.box.x1 for label in drawing.labels[first:])
    _table(drawing, batch, right + TABLE_GAP, y - NAME_PT * 0.8)
    finish(drawing)
    drawing.summary = _summary(figure, batch)
    return drawing


def _example_figure(batch: Batch) -> GraphFigure:
    """The graph of example k: the shared leaves, k's own leaves and nodes, then the combining
    nodes, each reading k's result once (L reads L_k for L1 + L2 + L3)."""
    template = {node.name.removesuffix(f"_{INDEX}"): node.name for node in batch.template}
    combine = tuple(Node(n.name, n.expr, tuple(dict.fromkeys(_one_example(p, template) for p in n.parents)))
                    for n in batch.combine)
    nodes = (*batch.template, *combine)
    leaves = [*batch.shared, *(batch.indexed(stem) for stem in batch.leaves)]
    depth: dict[str, int] = {}
    for node in nodes:
        depth[node.name] = 1 + max((depth.get(p, 0) for p in node.parents), default=0)
    for leaf in leaves:
        depth[leaf] = max(min((depth[n.name] for n in nodes if leaf in n.parents), default=1) - 1, 0)
    order = [*leaves, *(n.name for n in nodes)]
    columns = tuple(tuple(n for n in order if depth[n] == c) for c in range(max(depth.values()) + 1))
    edges = tuple((p, node.name) for node in nodes for p in node.parents)
    return GraphFigure(tuple(c for c in columns if c), nodes, dict(batch.shared), edges)


def _one_example(parent: str, template: dict[str, str]) -> str:
    """L2 -> L_k when L_k is one of example k's nodes; any other name is kept."""
    stem = parent.rstrip("0123456789")
    return template.get(stem, parent) if stem != parent else parent


def _table(drawing: Drawing, batch: Batch, x: float, y: float) -> float:
    """The examples' values, a header row (k, x_k, t_k) over one row per example, with a
    rule under the header and one after the k column; the y of its bottom."""
    header: list[tuple[Part, ...]] = [name_part(INDEX), *(name_part(batch.indexed(s)) for s in batch.leaves)]
    rows: list[list[tuple[Part, ...]]] = [[(Text(str(k)),), *((_value(v),) for v in row)]
                                          for k, row in enumerate(batch.rows, 1)]
    widths = [max(text_width(render(cell), NAME_PT) for cell in column) + CELL_PAD
              for column in zip(header, *rows)]
    for r, cells in enumerate([header, *rows]):
        left = x
        for cell, width in zip(cells, widths, strict=True):
            drawing.labels.append(Label(cell, left + width / 2, y + ROW * (r + 0.5), NAME_PT,
                                        "name" if r == 0 else "value"))
            left += width
    bottom = y + ROW * (len(rows) + 1)
    drawing.strokes += [Segment(x, y + ROW, x + sum(widths), y + ROW),
                        Segment(x + widths[0], y + 2, x + widths[0], bottom - 2)]
    return bottom


def _value(value: Fraction) -> Part:
    return Math(num(value))


def _summary(figure: GraphFigure, batch: Batch) -> str:
    examples = "; ".join(
        ", ".join(f"{stem}{k} = {render((_value(v),), 'ascii')}" for stem, v in zip(batch.leaves, row))
        for k, row in enumerate(batch.rows, 1))
    defs = "; ".join(render(equation(n.name, n.expr), "ascii") for n in figure.nodes)
    shared = ", ".join(f"{n} = {render((_value(v),), 'ascii')}" for n, v in batch.shared.items())
    return f"Mini-batch of {batch.size} examples ({examples}), shared {shared}: {defs}"
