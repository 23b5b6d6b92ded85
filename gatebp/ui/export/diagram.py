"""The network diagram as SVG text, built from a question's `graph` dict alone.

Every print format (HTML, PDF through Typst, Anki, Moodle) embeds the same picture, so it is
plain string building: no drawing library, no randomness, the same bytes for the same graph.
Each computed node sits one column right of the deepest name it reads, with an arrow from every
name it reads; a given value (leaf) sits in the column just left of the first node that reads it
(inputs therefore stay on the far left, and a late weight such as w2 sits beside h, so no arrow
runs across the picture). `layout()` is shared with the
TikZ drawing in the LaTeX export, so both show the same geometry.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any
from xml.sax.saxutils import escape

from gatebp.core.errors import SpecError

ROW_HEIGHT = 70.0
MARGIN = 16.0
CAPTION_LIMIT = 30
FONT = "DejaVu Sans, Verdana, Arial, sans-serif"


@dataclass(frozen=True)
class Box:
    """One drawn name: its column (layer), centre, half-sizes, and the caption under it."""

    name: str
    layer: int
    x: float
    y: float
    rx: float
    ry: float
    caption: str
    leaf: bool
    output: bool


@dataclass(frozen=True)
class Layout:
    width: float
    height: float
    boxes: tuple[Box, ...]
    edges: tuple[tuple[str, str], ...]  # (from name, to name)


def svg_diagram(graph: dict[str, Any]) -> str:
    """The graph as one standalone `<svg>` element (no ids, no external references)."""
    plan = layout(graph)
    boxes = {box.name: box for box in plan.boxes}
    summary = "; ".join(f"{b.name} = {b.caption.removeprefix('= ')}" for b in plan.boxes)
    parts = [
        (f'<svg xmlns="http://www.w3.org/2000/svg" width="{_n(plan.width)}" '
         f'height="{_n(plan.height)}" viewBox="0 0 {_n(plan.width)} {_n(plan.height)}" '
         f'role="img" aria-label="{escape(_clip(summary, 300), {chr(34): "&quot;"})}" '
         f'font-family="{FONT}">'),
        f"<title>{escape(_clip('Network: ' + summary, 300))}</title>",
    ]
    parts += [_svg_edge(boxes[a], boxes[b]) for a, b in plan.edges]
    parts += [_svg_box(box) for box in plan.boxes]
    parts.append("</svg>")
    return "\n".join(parts)


def layout(graph: dict[str, Any]) -> Layout:
    """Place leaves and nodes in dependency columns; refuses unknown names and cycles."""
    values, nodes, reads = _checked(graph)
    layers = _layers(values, nodes, reads)
    used = {name for names in reads.values() for name in names}
    columns = _columns(values, nodes, reads, layers)
    col_width = _column_width(values, nodes)
    tallest = max(len(names) for names in columns.values())
    height = tallest * ROW_HEIGHT + MARGIN
    boxes = []
    for layer, names in sorted(columns.items()):
        top = MARGIN + (tallest - len(names)) * ROW_HEIGHT / 2
        for row, name in enumerate(names):
            caption = f"= {values[name]}" if name in values else nodes[name]
            boxes.append(Box(name, layer, MARGIN + col_width * (layer + 0.5),
                             top + ROW_HEIGHT * (row + 0.4), max(18.0, 4.2 * len(name) + 10), 14.0,
                             _clip(caption, CAPTION_LIMIT), name in values, name not in used))
    edges = tuple((src, dst) for dst in nodes for src in reads[dst])
    width = col_width * len(columns) + 2 * MARGIN
    return Layout(width, height, tuple(boxes), edges)


def _checked(graph: Any) -> tuple[dict[str, str], dict[str, str], dict[str, tuple[str, ...]]]:
    """The graph's values and nodes as text, and the names each node reads."""
    from gatebp.core.expr import is_valid_name, referenced_names

    if not isinstance(graph, dict):
        raise SpecError("the graph must be a mapping with 'values' and 'nodes'", source="graph")
    values, nodes = graph.get("values", {}), graph.get("nodes", {})
    values, nodes = {} if values is None else values, {} if nodes is None else nodes
    if not isinstance(values, dict) or not isinstance(nodes, dict):
        raise SpecError("'values' and 'nodes' must be mappings of name to text", source="graph")
    if not values and not nodes:
        raise SpecError("the graph has no values and no nodes", source="graph")
    for name in [*values, *nodes]:
        if not isinstance(name, str) or not is_valid_name(name):
            raise SpecError(f"{name!r} is not a valid name", source="graph")
    both = [name for name in nodes if name in values]
    if both:
        raise SpecError("is both a given value and a computed node", source="graph", key=both[0])
    values = {k: _text(v, k) for k, v in values.items()}
    nodes = {k: _text(v, k) for k, v in nodes.items()}
    reads = {name: referenced_names(text) for name, text in nodes.items()}
    for name, names in reads.items():
        unknown = [n for n in names if n not in values and n not in nodes]
        if unknown:
            raise SpecError(f"reads unknown name {unknown[0]!r}", source="graph", key=name)
    return values, nodes, reads


def _text(value: Any, name: str) -> str:
    if isinstance(value, bool) or not isinstance(value, (str, int, float)):
        raise SpecError("must be number or expression text", source="graph", key=name)
    return str(value)


def _layers(values: dict[str, str], nodes: dict[str, str],
            reads: dict[str, tuple[str, ...]]) -> dict[str, int]:
    """Column of each name: 1 + the deepest input for nodes (Kahn's order); leaves just left
    of their first reader."""
    layers = {name: 0 for name in values}
    pending = dict(reads)
    while pending:
        ready = [n for n, names in pending.items() if all(r in layers for r in names)]
        if not ready:
            raise SpecError("the nodes read each other in a cycle", source="graph",
                            key=next(iter(pending)))
        for name in ready:
            layers[name] = 1 + max((layers[r] for r in pending.pop(name)), default=-1)
    for leaf in values:
        readers = [layers[n] for n, names in reads.items() if leaf in names]
        layers[leaf] = max(min(readers, default=1) - 1, 0)
    return layers


def _columns(values: dict[str, str], nodes: dict[str, str], reads: dict[str, tuple[str, ...]],
             layers: dict[str, int]) -> dict[int, list[str]]:
    """Names per column: nodes in definition order, then leaves in the order of their first
    reader's row, so inputs line up with the node they feed and fewer arrows cross."""
    columns: dict[int, list[str]] = {}
    for name in nodes:
        columns.setdefault(layers[name], []).append(name)
    row = {name: i for names in columns.values() for i, name in enumerate(names)}
    first_reader = {leaf: next((row[n] for n in nodes if leaf in reads[n]), len(nodes))
                    for leaf in values}
    for leaf in sorted(values, key=lambda leaf: first_reader[leaf]):
        columns.setdefault(layers[leaf], []).append(leaf)
    return columns


def _column_width(values: dict[str, str], nodes: dict[str, str]) -> float:
    widest = max(len(_clip(t, CAPTION_LIMIT)) for t in [*values.values(), *nodes.values(), "= 0"])
    longest_name = max(len(name) for name in [*values, *nodes])
    return max(110.0, 6.6 * widest + 30, 8.4 * longest_name + 60)


def _svg_edge(src: Box, dst: Box) -> str:
    """A line between the two ellipses' rims, with a filled arrowhead at the target."""
    dx, dy = dst.x - src.x, dst.y - src.y
    length = math.hypot(dx, dy) or 1.0
    ux, uy = dx / length, dy / length
    x1, y1 = src.x + ux * _rim(src, ux, uy), src.y + uy * _rim(src, ux, uy)
    x2, y2 = dst.x - ux * _rim(dst, ux, uy), dst.y - uy * _rim(dst, ux, uy)
    bx, by = x2 - ux * 8, y2 - uy * 8
    corners = [(x2, y2), (bx - uy * 4, by + ux * 4), (bx + uy * 4, by - ux * 4)]
    head = " ".join(f"{_n(x)},{_n(y)}" for x, y in corners)
    return (f'<line x1="{_n(x1)}" y1="{_n(y1)}" x2="{_n(bx)}" y2="{_n(by)}" stroke="#444" '
            f'stroke-width="1.3"/><polygon points="{head}" fill="#444"/>')


def _rim(box: Box, ux: float, uy: float) -> float:
    """Distance from an ellipse's centre to its rim along the unit direction (ux, uy)."""
    return 1.0 / math.sqrt((ux / box.rx) ** 2 + (uy / box.ry) ** 2)


def _svg_box(box: Box) -> str:
    fill = "#e3eefc" if box.leaf else ("#fde9c8" if box.output else "#fff7e0")
    stroke_width = "2.2" if box.output and not box.leaf else "1.3"
    return (
        f'<ellipse cx="{_n(box.x)}" cy="{_n(box.y)}" rx="{_n(box.rx)}" ry="{_n(box.ry)}" '
        f'fill="{fill}" stroke="#222" stroke-width="{stroke_width}"/>'
        f'<text x="{_n(box.x)}" y="{_n(box.y + 4.5)}" text-anchor="middle" font-size="13" '
        f'font-style="italic" fill="#111">{escape(box.name)}</text>'
        f'<text x="{_n(box.x)}" y="{_n(box.y + box.ry + 15)}" text-anchor="middle" '
        f'font-size="11" fill="#333">{escape(box.caption)}</text>'
    )


def _clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "\u2026"


def _n(value: float) -> str:
    """A coordinate with one decimal and no trailing zeros: stable, short SVG text."""
    text = f"{value:.1f}"
    return text.removesuffix(".0")
