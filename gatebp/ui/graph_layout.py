"""The computation graph: names in dependency columns, edges routed around shapes, definitions below."""

from __future__ import annotations

from fractions import Fraction

from gatebp.core.maths import Part, render
from gatebp.ui.figure import GraphFigure
from gatebp.ui.geometry import (
    MARGIN,
    MAX_WIDTH_PT,
    NAME_PT,
    Drawing,
    Label,
    Segment,
    Shape,
    between,
    equation,
    finish,
    name_part,
    segment_hits_box,
    text_width,
)

COLUMN_GAP = 46.0
ROW_PITCH = 40.0


def place_graph(figure: GraphFigure) -> Drawing:
    """Names in dependency columns (given values in boxes with their value, computed nodes in
    circles), edges routed around other shapes, the definitions listed below. Columns close up
    when the figure would be wider than 170 mm, so it prints at full size (labels >= 8 pt).
    A mini-batch is drawn once for example k with the examples' values in a table
    (gatebp.ui.batch_layout)."""
    if figure.batch is not None:
        from gatebp.ui.batch_layout import place_batch

        return place_batch(figure, figure.batch)
    for gap in (COLUMN_GAP, 34.0, 24.0, 16.0):
        drawing = _place_graph(figure, gap)
        if drawing.width <= MAX_WIDTH_PT:
            break
    return drawing


def _place_graph(figure: GraphFigure, gap: float) -> Drawing:
    drawing = Drawing()
    place_shapes_and_edges(figure, drawing, gap)
    list_definitions(drawing, [equation(node.name, node.expr) for node in figure.nodes],
                     max(s.box.y1 for s in drawing.shapes) + 16)
    finish(drawing)
    drawing.summary = "Computation graph: " + "; ".join(
        render(equation(n.name, n.expr), "ascii") for n in figure.nodes)
    return drawing


def place_shapes_and_edges(figure: GraphFigure, drawing: Drawing, gap: float) -> None:
    """The names in their columns and the edges between them (routed around other shapes)."""
    shapes = _graph_shapes(figure, drawing, gap)
    for src, dst in figure.edges:
        drawing.edges += _route(shapes[src], shapes[dst], drawing)


def list_definitions(drawing: Drawing, lines: list[tuple[Part, ...]], y: float, x: float = MARGIN) -> float:
    """One definition per line, left-aligned at x from y down; the y after the last."""
    for content in lines:
        width = text_width(Label(content, 0, 0, NAME_PT, "definition").text, NAME_PT)
        drawing.labels.append(Label(content, x + width / 2, y, NAME_PT, "definition", "start"))
        y += NAME_PT * 1.6
    return y


def _graph_shapes(figure: GraphFigure, drawing: Drawing, gap: float) -> dict[str, Shape]:
    """Given values (and a batch's per-example names, which have no single value) in boxes,
    computed nodes in circles."""
    shapes: dict[str, Shape] = {}
    computed = {node.name for node in figure.nodes}
    tallest = max(len(c) for c in figure.columns)
    x = MARGIN
    for column in figure.columns:
        texts = {n: _graph_parts(n, figure.values) for n in column}
        half = max(text_width(render(t), NAME_PT) / 2 + 6 for t in texts.values())
        x += half
        offset = (tallest - len(column)) * ROW_PITCH / 2
        for i, name in enumerate(column):
            y = MARGIN + 14 + offset + i * ROW_PITCH
            leaf = name not in computed
            w = text_width(render(texts[name]), NAME_PT) / 2 + 6
            cx = x + half - w if leaf else x  # boxes right-aligned, circles centred
            shape = Shape("rect" if leaf else "circle", cx, y, w if leaf else max(w, 13),
                          11 if leaf else max(w, 13), "leaf" if leaf else "node")
            shapes[name] = shape
            drawing.labels.append(Label(texts[name], cx, y, NAME_PT, "value" if leaf else "name"))
        x += half + gap
    drawing.shapes = list(shapes.values())
    return shapes


def _graph_parts(name: str, values: dict[str, Fraction]) -> tuple[Part, ...]:
    return equation(name, values[name]) if name in values else name_part(name)


def _route(a: Shape, b: Shape, drawing: Drawing) -> list[Segment]:
    """Straight when nothing is in the way, else over or under the shapes between a and b."""
    straight = between(a, b)
    blockers = [s for s in drawing.shapes if s not in (a, b)]
    if not any(segment_hits_box(straight, s.box.grown(0.5)) for s in blockers):
        return [straight]
    inside = [s for s in blockers if min(a.x, b.x) < s.x < max(a.x, b.x)] or blockers
    for lane in _lanes(inside):
        path = _detour(a, b, lane)
        if not any(segment_hits_box(seg, s.box.grown(0.5)) for seg in path for s in blockers):
            return path
    return [straight]


def _lanes(shapes: list[Shape]) -> list[float]:
    top, bottom = min(s.box.y0 for s in shapes), max(s.box.y1 for s in shapes)
    return [y for k in range(6) for y in (top - 8 - 10 * k, bottom + 8 + 10 * k)]


def _detour(a: Shape, b: Shape, lane: float) -> list[Segment]:
    """Out of a to the right, along the column gap to the lane, along it, then into b."""
    start = (a.x + a.rx, a.y) if a.kind == "rect" else (a.x + a.rx * 0.6, a.y + a.ry * (0.8 if lane > a.y else -0.8))
    turn, end_x = start[0] + 12, b.x - b.rx - 1
    return [Segment(start[0], start[1], turn, start[1]), Segment(turn, start[1], turn, lane),
            Segment(turn, lane, end_x - 12, lane), Segment(end_x - 12, lane, end_x, b.y, True)]
