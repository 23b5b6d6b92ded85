"""The network figure in the PDF (Typst): the SVG of `layout`, placed at its natural size.

Typst has no drawing library without a package download, so the PDF embeds the same SVG as
the HTML, at `width: <natural>pt`: nothing is scaled, so the 10 pt names and 9 pt weights print
at 10 pt and 9 pt (the natural width stays within 170 mm; see gatebp.ui.layout). The SVG's
labels ask for fonts Typst embeds (the PDF's text fonts): a family it lacks (DejaVu Sans)
would silently fall back to another serif.
"""

from __future__ import annotations

from typing import Any

from gatebp.ui.export.svg_figure import svg_figure
from gatebp.ui.figure import figure_from_dict
from gatebp.ui.layout import MAX_WIDTH_PT, Drawing, place

FONT = "New Computer Modern, New Computer Modern Math, Libertinus Serif"


def typst_for_question_graph(graph: dict[str, Any]) -> str:
    return typst_figure(place(figure_from_dict(graph)))


def typst_figure(drawing: Drawing) -> str:
    """`#align(center, image(bytes("<svg>"), format: "svg", width: Wpt))`."""
    return "#align(center, " + typst_image(drawing, f"{min(drawing.width, MAX_WIDTH_PT):.1f}pt") + ")"


def typst_image(drawing: Drawing, width: str) -> str:
    """The SVG as a Typst image `width` wide (a Typst length expression, e.g. `300pt * s`)."""
    return f'image(bytes({_string(svg_figure(drawing, FONT))}), format: "svg", width: {width})'



def _string(text: str) -> str:
    out = text.replace("\\", "\\\\").replace('"', '\\"').replace("\r", "")
    return '"' + out.replace("\n", "\\n").replace("\t", "\\t") + '"'
