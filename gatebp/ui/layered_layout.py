"""The layered drawing: inputs, layers of units and an optional loss box, with each weight on its edge.

Column gaps are tried from narrow to wide; the narrowest that fits every weight label is kept, else
the widest within 170 mm with the crowded layers' weights drawn as matrices below the network.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from fractions import Fraction

from gatebp.core.expr import Name
from gatebp.core.maths import Math, Part, Text, num, render
from gatebp.ui.figure import LayeredFigure, Unit, Weight
from gatebp.ui.geometry import (
    CLEAR,
    LABEL_PT,
    MARGIN,
    MAX_EDGE_LABELS,
    MAX_WIDTH_PT,
    NAME_PT,
    TITLES,
    Box,
    Drawing,
    Label,
    Segment,
    Shape,
    between,
    equation,
    finish,
    name_part,
    plain_text,
    point_at,
    segment_hits_box,
    split_around,
    text_width,
)


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
    for gap in (55.0, 40.0):  # a long chain: close the columns up rather than print below 8 pt
        if best.width <= MAX_WIDTH_PT:
            break
        best = _layered_at(figure, gap)[0]
    return best


def _crowded(figure: LayeredFigure) -> list[int]:
    return [k for k in range(1, len(figure.columns)) if len(figure.edges_into(k)) > MAX_EDGE_LABELS]


def _layered_at(figure: LayeredFigure, gap: float) -> tuple[Drawing, list[int]]:
    plan = _Plan(figure, gap)
    _place_units(plan)
    missing = _place_edges(plan)
    _place_below(plan, missing)
    finish(plan.drawing)
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
            plan.drawing.edges.append(between(plan.shapes[parent], shape))


def _place_edges(plan: _Plan) -> list[int]:
    """Edges layer by layer with their weights on them; returns the layers that did not fit."""
    missing = []
    plan.drawing.shapes = list(plan.shapes.values())
    for k in range(1, len(plan.figure.columns)):
        edges = [between(plan.shapes[w.src], plan.shapes[w.dst]) for w in plan.figure.edges_into(k)]
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
        edge = between(plan.shapes[weight.src], plan.shapes[weight.dst])
        if not _label_edge(plan, weight, edge):
            drawing.edges, drawing.labels = saved_edges, saved_labels
            return False
    return True


def _label_edge(plan: _Plan, weight: Weight, edge: Segment) -> bool:
    drawing = plan.drawing
    content = _weight_parts(weight, plan.figure.named)
    others = [seg for seg in plan.lines if seg != edge]  # whole lines: never a label in a gap
    for t in (0.3, 0.25, 0.35, 0.2, 0.4, 0.45, 0.5, 0.55, 0.6, 0.65, 0.7):
        x, y = point_at(edge, t)
        label = Label(content, x, y, LABEL_PT, "weight")
        if _free(label.box.grown(CLEAR), others, drawing):
            drawing.edges = [seg for seg in drawing.edges if seg != edge] + split_around(edge, label.box)
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
    """The crowded layers' matrices side by side, then the given values (targets), each put
    as high as it goes at the right edge without touching an edge, shape or label (beside
    the output or under a loss box), else below everything."""
    drawing = plan.drawing
    drawing.shapes = list(plan.shapes.values())
    matrices = Drawing()
    x = 0.0
    for k in missing:
        width, _ = _draw_matrix_block(matrices, plan.figure.matrices[k - 1], plan.figure.named, x, 0.0)
        x += width + 18
    notes: list[Part] = []
    for name, value in plan.figure.given:
        notes += ([Text(", ")] if notes else []) + list(equation(name, value))
    given = Drawing()
    if notes:
        width = text_width(render(notes), NAME_PT)
        given.labels.append(Label(tuple(notes), width / 2, 6, NAME_PT, "note", "start"))
    for block in (matrices, given):
        if block.labels:
            _tuck(plan, block)


def _tuck(plan: _Plan, block: Drawing) -> None:
    """Move `block` (drawn from the origin) to the highest free spot at the drawing's right
    edge, else below everything at the left, and add it to the drawing."""
    drawing = plan.drawing
    boxes = [label.box for label in block.labels]
    width, height = max(b.x1 for b in boxes), max(b.y1 for b in boxes)
    right = max([s.box.x1 for s in drawing.shapes] + [label.box.x1 for label in drawing.labels])
    floor = max([s.box.y1 for s in drawing.shapes] + [label.box.y1 for label in drawing.labels]) + 14
    taken = [s.box for s in drawing.shapes] + [label.box for label in drawing.labels]
    lines = [*plan.lines, *drawing.edges, *drawing.strokes]
    x, y = right - width, MARGIN
    while y < floor:
        box = Box(x, y, x + width, y + height).grown(CLEAR)
        if not any(box.overlaps(t) for t in taken) and not any(segment_hits_box(seg, box) for seg in lines):
            break
        y += 2.0
    else:
        x, y = MARGIN, floor
    drawing.labels += [Label(lb.content, lb.x + x, lb.y + y, lb.size, lb.role, lb.anchor) for lb in block.labels]
    drawing.strokes += [Segment(sg.x1 + x, sg.y1 + y, sg.x2 + x, sg.y2 + y) for sg in block.strokes]


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
