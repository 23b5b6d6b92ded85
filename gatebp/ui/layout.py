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

Modules: gatebp.ui.geometry (points, boxes, labels, shapes and segments), gatebp.ui.layered_layout
(the layered drawing) and gatebp.ui.graph_layout (the computation graph); this module is the entry
point, `place`, and keeps the names the renderers import.
"""

from __future__ import annotations

from gatebp.ui.figure import Figure, GraphFigure
from gatebp.ui.geometry import (
    CLEAR,
    LABEL_PT,
    MARGIN,
    MAX_EDGE_LABELS,
    MAX_WIDTH_PT,
    MIN_PT,
    NAME_PT,
    PAD,
    TITLES,
    Box,
    Drawing,
    Label,
    Segment,
    Shape,
    equation,
    name_part,
    plain_text,
    print_scale,
    segment_hits_box,
    smallest_printed_pt,
    text_width,
)
from gatebp.ui.graph_layout import place_graph
from gatebp.ui.layered_layout import place_layered

__all__ = ["CLEAR", "LABEL_PT", "MARGIN", "MAX_EDGE_LABELS", "MAX_WIDTH_PT", "MIN_PT", "NAME_PT", "PAD",
           "TITLES", "Box", "Drawing", "Label", "Segment", "Shape", "equation", "name_part", "place",
           "place_graph", "place_layered", "plain_text", "print_scale", "segment_hits_box",
           "smallest_printed_pt", "text_width"]


def place(figure: Figure) -> Drawing:
    """The figure's geometry: the layered drawing or the computation graph."""
    if isinstance(figure, GraphFigure):
        return place_graph(figure)
    return place_layered(figure)
