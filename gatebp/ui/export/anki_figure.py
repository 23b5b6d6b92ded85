"""The network on a phone-sized Anki card: the weight matrices as maths when the figure is small.

Anki shrinks an image to the card's width; a phone card is about 400 px wide, so a figure
wider than `READABLE_WIDTH` units would print its 9-unit labels under 8 px. For a layered
network that wide, the card lists what the figure shows as the paper writes it: the input,
then for each layer its activation, weight matrix (row i feeds unit i) and bias vector, in
MathJax (`\\( W_{1} = \\begin{bmatrix} ... \\end{bmatrix} \\)`), readable at any width; the
figure stays below as a zoomable image. A computation graph already has its values and
definitions listed as text under the figure, so it needs nothing more.
"""

from __future__ import annotations

from html import escape
from typing import Any

from gatebp.core.expr import Name
from gatebp.core.maths import Matrix, Relation, column, matrix, num, printer
from gatebp.core.maths.nodes import MathExpr
from gatebp.ui.figure import LAYER_WORDS, LayeredFigure, figure_from_dict
from gatebp.ui.layout import MIN_PT, place

CARD_PX = 380.0  # a 400 px phone card less its padding
READABLE_WIDTH = CARD_PX * 9.0 / MIN_PT  # 9-unit weights still 8 px when shrunk to the card


def small_on_a_phone(graph: dict[str, Any]) -> bool:
    """Whether the figure, shrunk to a phone card, would print labels under 8 px."""
    return place(figure_from_dict(graph)).width > READABLE_WIDTH


def network_table(graph: dict[str, Any]) -> str | None:
    """The layered network as MathJax lines, or None (not layered, or readable as drawn)."""
    figure = figure_from_dict(graph)
    if not isinstance(figure, LayeredFigure) or not small_on_a_phone(graph):
        return None
    lines = [_inputs(figure)]
    for k, layer in enumerate(figure.columns[1:]):
        name = _maths(Name(layer.stem)) if layer.stem else f"Layer {k + 1}"
        units = f"{len(layer.units)} {LAYER_WORDS.get(layer.act, layer.act)} unit"
        lines.append(f"{name}: {escape(units)}{'' if len(layer.units) == 1 else 's'}")
        values = _weights(figure, k, names=False)
        label = _weights(figure, k, names=True) if figure.named else Name(f"W{k + 1}")
        lines.append(_maths(Relation("=", label, values)))
        if any(u.bias is not None for u in layer.units):
            biases = column([num(u.bias_value) if u.bias_value is not None else Name(u.bias or "0")
                             for u in layer.units])
            lines.append(_maths(Relation("=", Name(f"b{k + 1}"), biases)))
    lines += [_maths(Relation("=", Name(name), num(value))) for name, value in figure.given]
    lines += [_maths(Relation("=", Name(node.name), node.expr)) for node in figure.tail]
    return '<div class="network-table">' + "".join(f"<p>{line}</p>" for line in lines) + "</div>"


def _inputs(figure: LayeredFigure) -> str:
    """`x = [2; −1]`, or `x₁ = 2, x₂ = −1` when the stem names each input."""
    units = figure.columns[0].units
    entries = [num(u.value) if u.value is not None else Name(u.name) for u in units]
    if figure.named:
        return ", ".join(_maths(Relation("=", Name(u.name), e)) for u, e in zip(units, entries))
    return _maths(Relation("=", Name(figure.columns[0].stem or "x"), column(entries)))


def _weights(figure: LayeredFigure, k: int, names: bool) -> Matrix:
    """Row i: the weights into unit i of layer k + 1, one column per unit it reads (with
    `names`, the stem's own weight names: a scalar network writes w11, w12, ...)."""
    sources = [u.name for u in figure.columns[k].units]
    into = {(w.dst, w.src): w for w in figure.weights[k]}
    rows = []
    for unit in figure.columns[k + 1].units:
        row: list[MathExpr] = []
        for source in sources:
            weight = into.get((unit.name, source))
            if weight is None:
                row.append(num(0))
            elif names or weight.value is None:
                row.append(Name(weight.name))
            else:
                row.append(num(weight.value))
        rows.append(row)
    return matrix(rows)


def _maths(node: MathExpr) -> str:
    return "\\(" + escape(printer("latex").frag(node).text) + "\\)"
