"""The network figure as a TikZ picture (the LaTeX export), from the same `layout` as the SVG.

Coordinates are points (x=1pt, y=-1pt, so the layout's downward y is kept); every label is
typeset by the maths printer's LaTeX target at the layout's font size, so names print at 10 pt
and weights at 9 pt. Needs only `\\usepackage{tikz}` (the `stealth` tip is built in).
"""

from __future__ import annotations

from gatebp.core.maths import render
from gatebp.network.graph import Graph
from gatebp.ui.figure import build_figure
from gatebp.ui.layout import Drawing, Label, Segment, Shape, place

FILLS = {"input": "blue!8", "leaf": "blue!8", "unit": "yellow!12", "node": "yellow!12",
         "output": "orange!22", "tail": "black!5"}


def tikz_for_graph(graph: Graph) -> str:
    return tikz_figure(place(build_figure(graph)))


def tikz_figure(drawing: Drawing) -> str:
    """A tikzpicture; \\centering or a figure environment around it is the caller's choice."""
    lines = ["\\begin{tikzpicture}[x=1pt,y=-1pt,line cap=round]"]
    lines += [_edge(seg) for seg in drawing.edges]
    lines += [f"\\draw[line width=0.6pt] {_p(s.x1, s.y1)} -- {_p(s.x2, s.y2)};" for s in drawing.strokes]
    lines += [_shape(shape) for shape in drawing.shapes]
    lines += [_label(label) for label in drawing.labels]
    lines.append("\\end{tikzpicture}")
    return "\n".join(lines)


def _edge(seg: Segment) -> str:
    tip = "-stealth," if seg.arrow else ""
    return f"\\draw[{tip}draw=black!75,line width=0.6pt] {_p(seg.x1, seg.y1)} -- {_p(seg.x2, seg.y2)};"


def _shape(shape: Shape) -> str:
    fill = FILLS.get(shape.role, "white")
    width = "1pt" if shape.role == "output" else "0.6pt"
    if shape.kind == "circle":
        return f"\\draw[fill={fill},line width={width}] {_p(shape.x, shape.y)} circle[radius={_n(shape.rx)}];"
    return (f"\\draw[fill={fill},line width={width},rounded corners=4pt] "
            f"{_p(shape.x - shape.rx, shape.y - shape.ry)} rectangle {_p(shape.x + shape.rx, shape.y + shape.ry)};")


def _label(label: Label) -> str:
    size = f"\\fontsize{{{_n(label.size)}}}{{{_n(label.size * 1.2)}}}\\selectfont"
    where = _p(label.x, label.y) if label.anchor == "middle" else _p(label.box.x0, label.y)
    anchor = "center" if label.anchor == "middle" else "west"
    return f"\\node[inner sep=0pt,anchor={anchor},font={size}] at {where} {{{render(label.content, 'latex')}}};"


def _p(x: float, y: float) -> str:
    return f"({_n(x)},{_n(y)})"


def _n(value: float) -> str:
    text = f"{value:.1f}"
    return text.removesuffix(".0")
