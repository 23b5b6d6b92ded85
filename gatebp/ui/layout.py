"""Geometry of the network figure in points, shared by the SVG and TikZ renderers.

Scale assumption: one unit here is one typographic point, the renderers place the figure at
its natural size, and the natural width is kept within 170 mm (481.9 pt, the A4 text width
with 20 mm margins), so a 10 pt name and a 9 pt weight print at 10 pt and 9 pt. Were a figure
wider (a very wide user network), `print_scale` says how much it shrinks when fitted into
170 mm and `smallest_printed_pt` what its smallest label then prints at.

Nothing is crossed by construction: names and biases sit inside their neuron's circle (edges
stop at the rim), titles sit above every unit, matrices, notes and definitions below every
edge, and each weight is written on its own edge at the first place along it where its box
touches no other edge, shape or label (its own edge is drawn in two pieces around it). When a
layer's weights find no such place, the layer's matrix is drawn below instead.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from fractions import Fraction

from gatebp.core.activations import RECORDS
from gatebp.core.expr import Expr, Name
from gatebp.core.maths import Math, Part, Relation, Text, num, render
from gatebp.ui.figure import Figure, GraphFigure, LayeredFigure, Unit, Weight

MAX_WIDTH_PT = 481.9  # 170 mm
NAME_PT = 10.0
LABEL_PT = 9.0
MIN_PT = 8.0
MARGIN = 8.0
PAD = 1.5  # clearance around a label's box
CLEAR = 4.0  # a weight keeps this far from every other edge, so it reads as its own edge's
MAX_EDGE_LABELS = 6  # a layer with more edges gives its weights as a matrix (3 × 3 is a thicket)
TITLES = {"input": "input", **{r.name: r.figure_title for r in RECORDS}}  # a column's title


@dataclass(frozen=True)
class Box:
    x0: float
    y0: float
    x1: float
    y1: float

    def grown(self, by: float) -> Box:
        return Box(self.x0 - by, self.y0 - by, self.x1 + by, self.y1 + by)

    def overlaps(self, other: Box) -> bool:
        return self.x0 < other.x1 and other.x0 < self.x1 and self.y0 < other.y1 and other.y0 < self.y1


@dataclass(frozen=True)
class Label:
    """Maths and text parts centred at (x, y): each renderer prints `content` for its target."""

    content: tuple[Part, ...]
    x: float
    y: float
    size: float
    role: str  # name, bias, value, weight, title, matrix, note, definition
    anchor: str = "middle"  # or "start": left-aligned at x - width / 2 (lists below the drawing)

    @property
    def text(self) -> str:
        return render(self.content, "unicode")

    @property
    def box(self) -> Box:
        half_w, half_h = text_width(self.text, self.size) / 2, self.size * 0.62
        return Box(self.x - half_w, self.y - half_h, self.x + half_w, self.y + half_h)


def name_part(name: str) -> tuple[Part, ...]:
    return (Math(Name(name)),)


def equation(name: str, value: Fraction | Expr | None) -> tuple[Part, ...]:
    """name = value (a number or an expression); an unknown value prints as ?."""
    if value is None:
        return (Math(Name(name)), Text(" = ?"))
    right = num(value) if isinstance(value, Fraction) else value
    return (Math(Relation("=", Name(name), right)),)


def plain_text(text: str) -> tuple[Part, ...]:
    return (Text(text),)


@dataclass(frozen=True)
class Shape:
    kind: str  # circle or rect
    x: float
    y: float
    rx: float
    ry: float
    role: str  # input, unit, output, tail, leaf, node

    @property
    def box(self) -> Box:
        return Box(self.x - self.rx, self.y - self.ry, self.x + self.rx, self.y + self.ry)

    def rim(self, ux: float, uy: float) -> float:
        """Distance from the centre to the outline along the unit direction (ux, uy)."""
        if self.kind == "circle":
            return self.rx
        return min(self.rx / abs(ux) if ux else math.inf, self.ry / abs(uy) if uy else math.inf)


@dataclass(frozen=True)
class Segment:
    x1: float
    y1: float
    x2: float
    y2: float
    arrow: bool = False  # an arrowhead at (x2, y2)


@dataclass
class Drawing:
    width: float = 0.0
    height: float = 0.0
    shapes: list[Shape] = field(default_factory=list)
    labels: list[Label] = field(default_factory=list)
    edges: list[Segment] = field(default_factory=list)
    strokes: list[Segment] = field(default_factory=list)  # matrix brackets: not edges
    summary: str = ""


def text_width(text: str, size: float) -> float:
    """A generous estimate of the advance width of `text` in DejaVu Sans at `size` pt."""
    narrow, wide = set(" il.,:;'()[]|!ıj"), set("−=+·⊙×≈▶mwMW½")
    width = 0.0
    for char in text:
        width += 0.36 if char in narrow else 0.86 if char in wide else 0.64
    return width * size


def print_scale(drawing: Drawing) -> float:
    """The factor the figure is scaled by when fitted into 170 mm (1 when it already fits)."""
    return min(1.0, MAX_WIDTH_PT / drawing.width) if drawing.width else 1.0


def smallest_printed_pt(drawing: Drawing) -> float:
    return min((label.size for label in drawing.labels), default=NAME_PT) * print_scale(drawing)


def place(figure: Figure) -> Drawing:
    """The figure's geometry: the layered drawing or the computation graph."""
    if isinstance(figure, GraphFigure):
        return place_graph(figure)
    return place_layered(figure)


# --- geometry helpers ----------------------------------------------------------------------

def segment_hits_box(seg: Segment, box: Box) -> bool:
    """Liang-Barsky: does the segment pass through the (open) box?"""
    dx, dy = seg.x2 - seg.x1, seg.y2 - seg.y1
    low, high = 0.0, 1.0
    for p, q in ((-dx, seg.x1 - box.x0), (dx, box.x1 - seg.x1), (-dy, seg.y1 - box.y0),
                 (dy, box.y1 - seg.y1)):
        if p == 0:
            if q <= 0:
                return False
            continue
        t = q / p
        if p < 0:
            low = max(low, t)
        else:
            high = min(high, t)
        if low >= high:
            return False
    return True


def _between(a: Shape, b: Shape) -> Segment:
    """The straight edge from a's outline to b's outline, with an arrowhead at b. A box is
    left by the middle of its right side and entered by the middle of its left side: boxes in a
    column are right-aligned, so no edge runs back across its own column."""
    x1, y1 = _port(a, b.x, b.y, 1.0)
    x2, y2 = _port(b, x1, y1, -1.0)
    return Segment(x1, y1, x2, y2, True)


def _port(shape: Shape, towards_x: float, towards_y: float, side: float) -> tuple[float, float]:
    if shape.kind == "rect":
        return shape.x + side * (shape.rx + (0 if side > 0 else 1.0)), shape.y
    dx, dy = towards_x - shape.x, towards_y - shape.y
    length = math.hypot(dx, dy) or 1.0
    reach = shape.rx + (0 if side > 0 else 1.0)
    return shape.x + dx / length * reach, shape.y + dy / length * reach


def _split(seg: Segment, box: Box) -> list[Segment]:
    """The segment with the part inside `box` (grown by PAD) cut out."""
    grown = box.grown(PAD)
    inside = [t for t in _steps(200) if _contains(grown, _at(seg, t))]
    if not inside:
        return [seg]
    t0, t1 = inside[0] - 0.005, inside[-1] + 0.005
    (ax, ay), (bx, by) = _at(seg, max(t0, 0)), _at(seg, min(t1, 1))
    return [Segment(seg.x1, seg.y1, ax, ay), Segment(bx, by, seg.x2, seg.y2, seg.arrow)]


def _steps(count: int) -> list[float]:
    return [i / count for i in range(count + 1)]


def _at(seg: Segment, t: float) -> tuple[float, float]:
    return seg.x1 + (seg.x2 - seg.x1) * t, seg.y1 + (seg.y2 - seg.y1) * t


def _contains(box: Box, point: tuple[float, float]) -> bool:
    return box.x0 <= point[0] <= box.x1 and box.y0 <= point[1] <= box.y1


# --- the layered drawing -------------------------------------------------------------------

@dataclass
class _Plan:
    """Positions of the layered drawing while it is being built."""

    figure: LayeredFigure
    gap: float
    shapes: dict[str, Shape] = field(default_factory=dict)
    drawing: Drawing = field(default_factory=Drawing)
    lines: list[Segment] = field(default_factory=list)  # every edge whole, gaps or not


def place_layered(figure: LayeredFigure) -> Drawing:
    """Try column gaps from narrow to wide; keep the narrowest that fits every weight label,
    else the widest that fits 170 mm with the crowded layers' weights as matrices."""
    best: Drawing | None = None
    for gap in (70.0, 90.0, 110.0, 130.0):
        drawing, missing = _layered_at(figure, gap)
        if drawing.width > MAX_WIDTH_PT and best is not None:
            break
        best = drawing
        if missing == _crowded(figure):
            break
    assert best is not None
    return best


def _crowded(figure: LayeredFigure) -> list[int]:
    return [k for k in range(1, len(figure.columns)) if len(figure.edges_into(k)) > MAX_EDGE_LABELS]


def _layered_at(figure: LayeredFigure, gap: float) -> tuple[Drawing, list[int]]:
    plan = _Plan(figure, gap)
    _place_units(plan)
    missing = _place_edges(plan)
    _place_below(plan, missing)
    _finish(plan.drawing)
    plan.drawing.summary = _summary(figure)
    return plan.drawing, missing


def _unit_radius(unit: Unit, named: bool) -> float:
    """Big enough that the name (and the bias under it) sit wholly inside the circle."""
    name = Label(name_part(unit.name), 0, 0, NAME_PT, "name").box
    radius = math.hypot(name.x1, name.y1) + 2
    if unit.bias is not None:
        bias = Label(_bias_parts(unit, named), 0, 0, LABEL_PT, "bias").box
        top = bias.y1 - bias.y0
        radius = max(radius, math.hypot(max(name.x1, bias.x1), top + 1) + 2)
    return max(radius, 13.0)


def _bias_parts(unit: Unit, named: bool) -> tuple[Part, ...]:
    return equation(unit.bias if named and unit.bias else "b", unit.bias_value)


def _input_parts(unit: Unit) -> tuple[Part, ...]:
    return name_part(unit.name) if unit.value is None else equation(unit.name, unit.value)


def _place_units(plan: _Plan) -> None:
    figure = plan.figure
    radii = [[_unit_radius(u, figure.named) for u in c.units] for c in figure.columns[1:]]
    radius = max(r for col in radii for r in col)
    pitch = 2 * radius + 18
    tallest = max(len(c.units) for c in figure.columns)
    top = MARGIN + NAME_PT * 1.6 + radius
    x = MARGIN
    for k, column in enumerate(figure.columns):
        widths = ([text_width(render(_input_parts(u)), NAME_PT) / 2 + 6 for u in column.units]
                  if k == 0 else [radius])
        half = max(widths)
        x += half
        offset = (tallest - len(column.units)) * pitch / 2
        for i, unit in enumerate(column.units):
            _add_unit(plan, k, unit, x, top + offset + i * pitch, half, radius)
        plan.drawing.labels.append(Label(_title(column), x, MARGIN + NAME_PT * 0.7, LABEL_PT, "title"))
        x += half + plan.gap
    _place_tail(plan, x, top + (tallest - 1) * pitch / 2)


def _title(column: object) -> tuple[Part, ...]:
    from gatebp.ui.figure import Column

    assert isinstance(column, Column)
    if column.act == "input":
        return (Text("input "), Math(Name(column.stem))) if column.stem else plain_text("input")
    return plain_text(TITLES.get(column.act, column.act))


def _add_unit(plan: _Plan, k: int, unit: Unit, x: float, y: float, half: float, radius: float) -> None:
    drawing = plan.drawing
    if k == 0:
        own = text_width(render(_input_parts(unit)), NAME_PT) / 2 + 6
        plan.shapes[unit.name] = Shape("rect", x + half - own, y, own, 11.0, "input")
        drawing.labels.append(Label(_input_parts(unit), x + half - own, y, NAME_PT, "value"))
        return
    last = k == len(plan.figure.columns) - 1
    plan.shapes[unit.name] = Shape("circle", x, y, radius, radius, "output" if last else "unit")
    if unit.bias is None:
        drawing.labels.append(Label(name_part(unit.name), x, y, NAME_PT, "name"))
        return
    drawing.labels.append(Label(name_part(unit.name), x, y - NAME_PT * 0.55, NAME_PT, "name"))
    drawing.labels.append(Label(_bias_parts(unit, plan.figure.named), x, y + LABEL_PT * 0.75,
                                LABEL_PT, "bias"))


def _place_tail(plan: _Plan, x: float, y: float) -> None:
    """A single node after the network (the loss) as a box to the right, fed by the outputs."""
    figure = plan.figure
    if len(figure.tail) != 1:
        return
    node = figure.tail[0]
    content = equation(node.name, node.expr)
    half = text_width(render(content), NAME_PT) / 2 + 6
    shape = Shape("rect", x - plan.gap * 0.55 + half, y, half, 11.0, "tail")
    plan.shapes[node.name] = shape
    plan.drawing.labels.append(Label(content, shape.x, y, NAME_PT, "definition"))
    for parent in node.parents:
        if parent in plan.shapes:
            plan.drawing.edges.append(_between(plan.shapes[parent], shape))


def _place_edges(plan: _Plan) -> list[int]:
    """Edges layer by layer with their weights on them; returns the layers that did not fit."""
    missing = []
    plan.drawing.shapes = list(plan.shapes.values())
    for k in range(1, len(plan.figure.columns)):
        edges = [_between(plan.shapes[w.src], plan.shapes[w.dst]) for w in plan.figure.edges_into(k)]
        plan.drawing.edges += edges
    plan.lines = list(plan.drawing.edges)
    for k in range(1, len(plan.figure.columns)):
        crowded = len(plan.figure.edges_into(k)) > MAX_EDGE_LABELS
        if crowded or not _label_layer(plan, k):
            missing.append(k)
    return missing


def _label_layer(plan: _Plan, k: int) -> bool:
    """Put every weight of layer k on its edge, or none of them."""
    drawing = plan.drawing
    saved_edges, saved_labels = list(drawing.edges), list(drawing.labels)
    for weight in plan.figure.edges_into(k):
        edge = _between(plan.shapes[weight.src], plan.shapes[weight.dst])
        if not _label_edge(plan, weight, edge):
            drawing.edges, drawing.labels = saved_edges, saved_labels
            return False
    return True


def _label_edge(plan: _Plan, weight: Weight, edge: Segment) -> bool:
    drawing = plan.drawing
    content = _weight_parts(weight, plan.figure.named)
    others = [seg for seg in plan.lines if seg != edge]  # whole lines: never a label in a gap
    for t in (0.3, 0.25, 0.35, 0.2, 0.4, 0.45, 0.5, 0.55, 0.6, 0.65, 0.7):
        x, y = _at(edge, t)
        label = Label(content, x, y, LABEL_PT, "weight")
        if _free(label.box.grown(CLEAR), others, drawing):
            drawing.edges = [seg for seg in drawing.edges if seg != edge] + _split(edge, label.box)
            drawing.labels.append(label)
            return True
    return False


def _free(box: Box, edges: Sequence[Segment], drawing: Drawing) -> bool:
    if any(segment_hits_box(seg, box) for seg in edges):
        return False
    if any(shape.box.overlaps(box) for shape in drawing.shapes):
        return False
    return not any(label.box.overlaps(box) for label in drawing.labels)


def _weight_parts(weight: Weight, named: bool) -> tuple[Part, ...]:
    if named:
        return equation(weight.name, weight.value)
    return plain_text("?") if weight.value is None else (Math(num(weight.value)),)


def _summary(figure: LayeredFigure) -> str:
    parts = [f"inputs {', '.join(u.name for u in figure.columns[0].units)}"]
    for column in figure.columns[1:]:
        parts.append(f"{TITLES.get(column.act, column.act)} layer {', '.join(u.name for u in column.units)}")
    return "Network: " + "; ".join(parts)


# --- below the network: matrices of the crowded layers, given values -------------------------

def _place_below(plan: _Plan, missing: list[int]) -> None:
    drawing = plan.drawing
    drawing.shapes = list(plan.shapes.values())
    y = max(s.box.y1 for s in drawing.shapes) + 14
    x = MARGIN
    tallest = 0.0
    for k in missing:
        matrix = plan.figure.matrices[k - 1]
        width, height = _draw_matrix_block(drawing, matrix, plan.figure.named, x, y)
        x += width + 18
        tallest = max(tallest, height)
    y += tallest + (8 if tallest else 0)
    notes: list[Part] = []
    for name, value in plan.figure.given:
        notes += ([Text(", ")] if notes else []) + list(equation(name, value))
    if notes:
        width = text_width(render(notes), NAME_PT)
        drawing.labels.append(Label(tuple(notes), MARGIN + width / 2, y + 6, NAME_PT, "note", "start"))


def _draw_matrix_block(drawing: Drawing, matrix: object, named: bool, x: float, y: float) -> tuple[float, float]:
    """`W₁ = [values]` (or `[names] = [values]`) with bracket strokes; returns its size."""
    from gatebp.ui.figure import WeightMatrix

    assert isinstance(matrix, WeightMatrix)
    values = [[_cell(v) for v in row] for row in matrix.values]
    height = len(values) * LABEL_PT * 1.5
    middle = y + height / 2
    start = x
    if named:
        names = [[name_part(n) for n in row] for row in matrix.names]
        x = _grid(drawing, names, x, y) + 4
    else:
        x = _text_at(drawing, name_part(matrix.label), x, middle) + 4
    x = _text_at(drawing, plain_text("="), x, middle) + 4
    x = _grid(drawing, values, x, y)
    return x - start, height


def _cell(value: Fraction | None) -> tuple[Part, ...]:
    return plain_text("?") if value is None else (Math(num(value)),)


def _text_at(drawing: Drawing, content: tuple[Part, ...], x: float, y: float) -> float:
    width = text_width(render(content), NAME_PT)
    drawing.labels.append(Label(content, x + width / 2, y, NAME_PT, "matrix"))
    return x + width


def _grid(drawing: Drawing, cells: list[list[tuple[Part, ...]]], x: float, y: float) -> float:
    """Right-aligned columns between bracket strokes; returns the right edge."""
    widths = [max(text_width(render(row[c]), LABEL_PT) for row in cells) for c in range(len(cells[0]))]
    line = LABEL_PT * 1.5
    bottom = y + line * len(cells)
    cursor = x + 6
    for c, width in enumerate(widths):
        for r, row in enumerate(cells):
            w = text_width(render(row[c]), LABEL_PT)
            drawing.labels.append(Label(row[c], cursor + width - w / 2, y + line * (r + 0.5), LABEL_PT, "matrix"))
        cursor += width + 8
    right = cursor - 2
    for edge, inward in ((x + 1, 3.0), (right, -3.0)):
        drawing.strokes += [Segment(edge + inward, y, edge, y), Segment(edge, y, edge, bottom),
                            Segment(edge, bottom, edge + inward, bottom)]
    return right + 2


def _finish(drawing: Drawing) -> None:
    """The drawing's size: everything plus a margin."""
    boxes = [s.box for s in drawing.shapes] + [label.box for label in drawing.labels]
    drawing.width = max(b.x1 for b in boxes) + MARGIN
    drawing.height = max(b.y1 for b in boxes) + MARGIN


# --- the computation graph -----------------------------------------------------------------

COLUMN_GAP = 46.0
ROW_PITCH = 40.0


def place_graph(figure: GraphFigure) -> Drawing:
    """Names in dependency columns (given values in boxes with their value, computed nodes in
    circles), edges routed around other shapes, the definitions listed below."""
    drawing = Drawing()
    shapes = _graph_shapes(figure, drawing)
    for src, dst in figure.edges:
        drawing.edges += _route(shapes[src], shapes[dst], drawing)
    y = max(s.box.y1 for s in drawing.shapes) + 16
    for node in figure.nodes:
        content = equation(node.name, node.expr)
        width = text_width(render(content), NAME_PT)
        drawing.labels.append(Label(content, MARGIN + width / 2, y, NAME_PT, "definition", "start"))
        y += NAME_PT * 1.6
    _finish(drawing)
    drawing.summary = "Computation graph: " + "; ".join(
        render(equation(n.name, n.expr), "ascii") for n in figure.nodes)
    return drawing


def _graph_shapes(figure: GraphFigure, drawing: Drawing) -> dict[str, Shape]:
    shapes: dict[str, Shape] = {}
    tallest = max(len(c) for c in figure.columns)
    x = MARGIN
    for column in figure.columns:
        texts = {n: _graph_parts(n, figure.values) for n in column}
        half = max(text_width(render(t), NAME_PT) / 2 + 6 for t in texts.values())
        x += half
        offset = (tallest - len(column)) * ROW_PITCH / 2
        for i, name in enumerate(column):
            y = MARGIN + 14 + offset + i * ROW_PITCH
            leaf = name in figure.values
            w = text_width(render(texts[name]), NAME_PT) / 2 + 6
            cx = x + half - w if leaf else x  # boxes right-aligned, circles centred
            shape = Shape("rect" if leaf else "circle", cx, y, w if leaf else max(w, 13),
                          11 if leaf else max(w, 13), "leaf" if leaf else "node")
            shapes[name] = shape
            drawing.labels.append(Label(texts[name], cx, y, NAME_PT, "value" if leaf else "name"))
        x += half + COLUMN_GAP
    drawing.shapes = list(shapes.values())
    return shapes


def _graph_parts(name: str, values: dict[str, Fraction]) -> tuple[Part, ...]:
    return equation(name, values[name]) if name in values else name_part(name)


def _route(a: Shape, b: Shape, drawing: Drawing) -> list[Segment]:
    """Straight when nothing is in the way, else over or under the shapes between a and b."""
    straight = _between(a, b)
    blockers = [s for s in drawing.shapes if s not in (a, b)]
    if not any(segment_hits_box(straight, s.box.grown(0.5)) for s in blockers):
        return [straight]
    between = [s for s in blockers if min(a.x, b.x) < s.x < max(a.x, b.x)] or blockers
    for lane in _lanes(between):
        path = _detour(a, b, lane)
        if not any(segment_hits_box(seg, s.box.grown(0.5)) for seg in path for s in blockers):
            return path
    return [straight]


def _lanes(shapes: list[Shape]) -> list[float]:
    top, bottom = min(s.box.y0 for s in shapes), max(s.box.y1 for s in shapes)
    return [y for k in range(6) for y in (top - 8 - 10 * k, bottom + 8 + 10 * k)]


def _detour(a: Shape, b: Shape, lane: float) -> list[Segment]:
    """Out of a to the right, along the column gap to the lane, along it, then into b."""
    if a.kind == "rect":
        start = (a.x + a.rx, a.y)
    else:
        start = (a.x + a.rx * 0.6, a.y + a.ry * (0.8 if lane > a.y else -0.8))
    turn, end_x = start[0] + 12, b.x - b.rx - 1
    return [Segment(start[0], start[1], turn, start[1]), Segment(turn, start[1], turn, lane),
            Segment(turn, lane, end_x - 12, lane), Segment(end_x - 12, lane, end_x, b.y, True)]
