"""The network figure as SVG (HTML, Anki, Moodle, and the PDF through Typst), from `layout`.

Plain string building, no ids and no external references, so the same graph gives the same
bytes. Sizes are in points (width="…pt"): placed at its natural size the figure prints its
names at 10 pt and its weights at 9 pt (see gatebp.ui.layout for the 170 mm assumption).
"""

from __future__ import annotations

import math
from typing import Any
from xml.sax.saxutils import escape

from gatebp.network.graph import Graph
from gatebp.ui.figure import build_figure, figure_from_dict
from gatebp.ui.layout import Drawing, Label, Segment, Shape, place

FONT = "DejaVu Sans, Verdana, Arial, sans-serif"
FILLS = {"input": "#e3eefc", "leaf": "#e3eefc", "unit": "#fff7e0", "node": "#fff7e0",
         "output": "#fde9c8", "tail": "#f3f3f3"}


def svg_for_graph(graph: Graph) -> str:
    return svg_figure(place(build_figure(graph)))


def svg_for_question_graph(graph: dict[str, Any]) -> str:
    """A question record's `graph` ({values, nodes} as text)."""
    return svg_figure(place(figure_from_dict(graph)))


def svg_figure(drawing: Drawing, font: str = FONT) -> str:
    """One standalone <svg> element, sized in points; `font` is its font-family list (the
    browsers' DejaVu Sans stack, or a font the embedding program has, such as Typst's)."""
    w, h = _n(drawing.width), _n(drawing.height)
    label = escape(drawing.summary[:300], {'"': "&quot;"})
    head = (f'<svg xmlns="http://www.w3.org/2000/svg" width="{w}pt" height="{h}pt" '
            f'viewBox="0 0 {w} {h}" role="img" aria-label="{label}" font-family="{font}">')
    parts = [head,
             f"<title>{escape(drawing.summary[:300])}</title>"]
    parts += [_edge(seg) for seg in drawing.edges]
    parts += [_stroke(seg) for seg in drawing.strokes]
    parts += [_shape(shape) for shape in drawing.shapes]
    parts += [_text(label) for label in drawing.labels]
    parts.append("</svg>")
    return "\n".join(parts)


def _edge(seg: Segment) -> str:
    line = (f'<line x1="{_n(seg.x1)}" y1="{_n(seg.y1)}" x2="{_n(seg.x2)}" y2="{_n(seg.y2)}" '
            f'stroke="#444" stroke-width="1"/>')
    return line + (_arrowhead(seg) if seg.arrow else "")


def _arrowhead(seg: Segment) -> str:
    dx, dy = seg.x2 - seg.x1, seg.y2 - seg.y1
    length = math.hypot(dx, dy) or 1.0
    ux, uy = dx / length, dy / length
    bx, by = seg.x2 - ux * 6, seg.y2 - uy * 6
    corners = [(seg.x2, seg.y2), (bx - uy * 2.6, by + ux * 2.6), (bx + uy * 2.6, by - ux * 2.6)]
    return f'<polygon points="{" ".join(f"{_n(x)},{_n(y)}" for x, y in corners)}" fill="#444"/>'


def _stroke(seg: Segment) -> str:
    return (f'<line x1="{_n(seg.x1)}" y1="{_n(seg.y1)}" x2="{_n(seg.x2)}" y2="{_n(seg.y2)}" '
            f'stroke="#222" stroke-width="0.8"/>')


def _shape(shape: Shape) -> str:
    fill = FILLS.get(shape.role, "#ffffff")
    width = "1.6" if shape.role == "output" else "1"
    if shape.kind == "circle":
        return (f'<circle cx="{_n(shape.x)}" cy="{_n(shape.y)}" r="{_n(shape.rx)}" fill="{fill}" '
                f'stroke="#222" stroke-width="{width}"/>')
    return (f'<rect x="{_n(shape.x - shape.rx)}" y="{_n(shape.y - shape.ry)}" width="{_n(2 * shape.rx)}" '
            f'height="{_n(2 * shape.ry)}" rx="5" fill="{fill}" stroke="#222" stroke-width="{width}"/>')


def _text(label: Label) -> str:
    baseline = label.y + label.size * 0.35
    style = ' font-style="italic"' if label.role == "name" else ""
    x = label.x if label.anchor == "middle" else label.box.x0
    return (f'<text x="{_n(x)}" y="{_n(baseline)}" text-anchor="{label.anchor}" '
            f'font-size="{_n(label.size)}"{style} fill="#111">{escape(label.text)}</text>')


def _n(value: float) -> str:
    """One decimal, no trailing zeros: stable, short SVG text."""
    text = f"{value:.1f}"
    return text.removesuffix(".0")
