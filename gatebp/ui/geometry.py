"""The figure's geometry in points: boxes, labels, shapes, segments, and the helpers that place them.

Shared by the layered drawing (gatebp.ui.layered_layout), the computation graph
(gatebp.ui.graph_layout) and the SVG, TikZ and Typst renderers; gatebp.ui.layout says how the
scale and the no-crossing rules are kept.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from fractions import Fraction
from functools import cached_property

from gatebp.core.activations import RECORDS
from gatebp.core.expr import Expr, Name
from gatebp.core.maths import Math, Part, Relation, Text, num, render

MAX_WIDTH_PT = 481.9  # 170 mm
NAME_PT = 10.0
LABEL_PT = 9.0
MIN_PT = 8.0
MARGIN = 8.0
PAD = 1.5  # clearance around a label's box
CLEAR = 4.0  # a weight keeps this far from every other edge, so it reads as its own edge's
MAX_EDGE_LABELS = 6  # a layer with more edges gives its weights as a matrix (3 × 3 is a thicket)
_INDEX_SUBSCRIPT = re.compile(r"_k(?![A-Za-z0-9])")  # gatebp.ui.batch_figure's index
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

    @cached_property
    def text(self) -> str:
        """The unicode text, with a mini-batch's example index as a subscript (x_k -> xₖ); kept,
        since placing a drawing measures each label against every edge and label."""
        return _INDEX_SUBSCRIPT.sub("\u2096", render(self.content, "unicode"))

    @cached_property
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


def between(a: Shape, b: Shape) -> Segment:
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


def split_around(seg: Segment, box: Box) -> list[Segment]:
    """The segment with the part inside `box` (grown by PAD) cut out."""
    grown = box.grown(PAD)
    inside = [t for t in _steps(200) if _contains(grown, point_at(seg, t))]
    if not inside:
        return [seg]
    t0, t1 = inside[0] - 0.005, inside[-1] + 0.005
    (ax, ay), (bx, by) = point_at(seg, max(t0, 0)), point_at(seg, min(t1, 1))
    return [Segment(seg.x1, seg.y1, ax, ay), Segment(bx, by, seg.x2, seg.y2, seg.arrow)]


def _steps(count: int) -> list[float]:
    return [i / count for i in range(count + 1)]


def point_at(seg: Segment, t: float) -> tuple[float, float]:
    return seg.x1 + (seg.x2 - seg.x1) * t, seg.y1 + (seg.y2 - seg.y1) * t


def _contains(box: Box, point: tuple[float, float]) -> bool:
    return box.x0 <= point[0] <= box.x1 and box.y0 <= point[1] <= box.y1


def finish(drawing: Drawing) -> None:
    """The drawing's size: everything plus a margin."""
    boxes = [s.box for s in drawing.shapes] + [label.box for label in drawing.labels]
    drawing.width = max(b.x1 for b in boxes) + MARGIN
    drawing.height = max(b.y1 for b in boxes) + MARGIN
