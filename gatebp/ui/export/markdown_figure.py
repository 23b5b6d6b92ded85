"""A layered network as the paper draws it, in Mermaid: units in columns, one weight on each edge.

The scalar graph behind a layer-form question is named internally (w_h1_x1, z_h1), and its stem
never uses those names: it gives x, W₁, b₁, ... So the Markdown export draws what the stem
describes, the units of each layer with their biases and the weight values on the edges, instead
of listing the internal scalars (gatebp.ui.figure decides what counts as layered).
"""

from __future__ import annotations

from fractions import Fraction

from gatebp.core.maths import num, render_math
from gatebp.ui.figure import LAYER_WORDS, LayeredFigure, Unit
from gatebp.ui.mathtext import show_expr, show_name


def layered_mermaid(figure: LayeredFigure) -> list[str]:
    """The flowchart lines: a subgraph per column, weighted edges, then the nodes after it."""
    lines = ["```mermaid", "flowchart LR"]
    for k, column in enumerate(figure.columns):
        title = "input" if k == 0 else f"layer {k}: {LAYER_WORDS.get(column.act, column.act)}"
        lines.append(f'  subgraph c{k}["{title}"]')
        lines += [f'    n_{unit.name}(("{mermaid_label(_unit(unit, figure.named))}"))' for unit in column.units]
        lines.append("  end")
    for edges in figure.weights:
        for weight in edges:
            text = _number(weight.value) if weight.value is not None else show_name(weight.name, "unicode")
            if figure.named and weight.value is not None:
                text = f"{show_name(weight.name, 'unicode')} = {text}"
            lines.append(f'  n_{weight.src} -->|"{mermaid_label(text)}"| n_{weight.dst}')
    given = [f"{show_name(name, 'unicode')} = {_number(value)}" for name, value in figure.given]
    drawn = {unit.name for column in figure.columns for unit in column.units} | {n.name for n in figure.tail}
    for i, node in enumerate(figure.tail):
        text = f"{show_name(node.name, 'unicode')} = {show_expr(node.text, 'unicode')}"
        lines.append(f'  n_{node.name}["{mermaid_label("<br/>".join([text, *given] if i == 0 else [text]))}"]')
        lines += [f"  n_{parent} --> n_{node.name}" for parent in node.parents if parent in drawn]
    return [*lines, "```"]


def _unit(unit: Unit, named: bool) -> str:
    """x₁ = 2 for an input, h₁ with its bias under it for a neuron."""
    text = show_name(unit.name, "unicode")
    if unit.value is not None:
        return f"{text} = {_number(unit.value)}"
    if unit.bias_value is not None:
        bias = show_name(unit.bias, "unicode") if named and unit.bias else "b"
        return f"{text}<br/>{bias} = {_number(unit.bias_value)}"
    return text


def _number(value: Fraction) -> str:
    return render_math(num(value), "unicode")


def mermaid_label(text: str) -> str:
    """Text for a quoted Mermaid label (ids carry an `n_` prefix so `end` is safe)."""
    return text.replace('"', "#quot;")
