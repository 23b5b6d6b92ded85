"""Where a network figure goes on a printed page (PDF and LaTeX), so pages stay full.

A question is never split across pages, so a tall figure that does not fit the rest of a page
would push its whole question over and leave the page half empty. Two remedies, both within
the legibility floor (no label below 7 pt printed, FLOOR_PT: the size of a textbook's figure
labels and footnotes; at natural size the figure prints names at 10 pt, weights at 9 pt):

- any figure may shrink to `floor` (its smallest label at 7 pt) when that lets the question
  fit the space left on the page (the PDF measures the space while it lays out the page);
- a figure narrow enough, at some scale down to the floor, to leave the text 38% of the width
  sits beside the options (a NAT's stem) or beside the stem and options (PDF); LaTeX places a
  tall one (`beside`) beside the options.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from gatebp.ui.layout import MAX_WIDTH_PT, Drawing, place

FLOOR_PT = 7.0  # the smallest label size a shrunk figure may print at

TALL_PT = 150.0  # a figure taller than this is worth placing beside the stem when it is narrow
BESIDE_SHARE = 0.7  # ... and when, at the floor, it leaves the options 30% of the text width


@dataclass(frozen=True)
class FigurePlan:
    drawing: Drawing
    width: float  # the natural print width (pt)
    height: float  # the natural print height (pt)
    floor: float  # the smallest scale that keeps every label at FLOOR_PT or more
    beside: bool  # may go beside the options (the stem of a NAT) when stacked does not fit

    @property
    def beside_width(self) -> float:
        """The width it prints at when beside the stem: at the floor."""
        return self.width * self.floor


def plan_figure(graph: dict[str, Any], text_width: float) -> FigurePlan:
    """The figure of a question's graph and where it goes on a page `text_width` wide."""
    from gatebp.ui.figure import figure_from_dict

    drawing = place(figure_from_dict(graph))
    width = min(drawing.width, MAX_WIDTH_PT, text_width)
    height = drawing.height * width / drawing.width
    smallest = min((label.size for label in drawing.labels), default=FLOOR_PT)
    floor = min(1.0, FLOOR_PT / smallest * drawing.width / width)
    beside = height > TALL_PT and width * floor <= BESIDE_SHARE * text_width
    return FigurePlan(drawing, width, height, min(1.0, floor), beside)
