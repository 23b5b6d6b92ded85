"""The network figure in the terminal: neurons in columns joined by box-drawing buses.

Between two layers every unit on the left feeds every unit on the right, so the edges are drawn
as one bus: a stub from each left unit to a vertical line and a stub from it to each right unit
(`──┬─▶`). The weights are written on the stubs when each stub is one edge (a layer fed by a
single unit, or a single unit fed by a layer); otherwise the layer's weight matrix is printed
aligned below the drawing, as the paper gives it. Biases sit in their unit's cell, each layer's
activation heads its column. The `ascii` target draws with + - | > and ASCII maths; the Rich
view (`network_figure`) picks the target of the console that draws it.
Non-layered graphs are listed as their definitions, one per line, after the given values.
"""

from __future__ import annotations

import textwrap
from collections.abc import Mapping
from dataclasses import dataclass, field

from rich.console import RenderableType
from rich.text import Text as RichText

from gatebp.core.expr import Name
from gatebp.core.maths import (
    Math,
    Matrix,
    Relation,
    Target,
    display,
    display_lines,
    display_width,
    num,
    render_math,
    render_name,
    render_number,
)
from gatebp.core.maths.text import Text as MathTextPart
from gatebp.network.graph import Graph
from gatebp.ui.figure import Figure, GraphFigure, LayeredFigure, Unit, Weight, build_figure
from gatebp.ui.terminal.maths import Lazy

TITLES = {"input": "input", "relu": "ReLU", "sigmoid": "σ", "tanh": "tanh", "linear": "linear",
          "softmax": "softmax", "leaky_relu": "LeakyReLU", "softplus": "softplus"}
PLAIN_TITLES = {**TITLES, "sigmoid": "sigmoid"}
UNICODE_BOX = {"h": "─", "v": "│", "arrow": "▶", "open": " ", "close": " "}
ASCII_BOX = {"h": "-", "v": "|", "arrow": ">", "open": "[", "close": "]"}  # -[-3]- reads clearly
JUNCTIONS = {  # (left, right, up, down) -> character
    (1, 1, 0, 0): "─", (1, 1, 1, 1): "┼", (0, 1, 1, 1): "├", (1, 0, 1, 1): "┤", (1, 1, 0, 1): "┬",
    (1, 1, 1, 0): "┴", (1, 0, 0, 1): "┐", (1, 0, 1, 0): "┘", (0, 1, 0, 1): "┌", (0, 1, 1, 0): "└",
    (0, 0, 1, 1): "│", (1, 0, 0, 0): "─", (0, 1, 0, 0): "─",
}
GAP = 3  # spaces between side-by-side matrices


def network_figure(graph: Graph, width: int = 80,
                   values: Mapping[str, object] | None = None) -> RenderableType:
    """The figure as a Rich Text that never wraps (each line already fits `width`), drawn in
    the console's notation; with `values` (the forward pass) every computed unit shows its
    value, for the working view."""
    figure = build_figure(graph)

    def text(target: Target) -> RichText:
        lines = figure_lines(figure, target, width, values)
        return RichText("\n".join(lines), no_wrap=True, overflow="crop")
    return Lazy(text)


def figure_lines(figure: Figure, target: Target = "unicode", width: int = 80,
                 values: Mapping[str, object] | None = None) -> list[str]:
    """The figure as lines of at most `width` cells (unless a single name is wider)."""
    if isinstance(figure, GraphFigure):
        return definition_lines(figure, target, width, values)
    for on_edges, tail_column in ((True, True), (False, True), (True, False), (False, False)):
        lines = _layered(figure, target, width, on_edges, tail_column, values or {})
        if max(map(display_width, lines)) <= width:
            break
    return lines


# --- the layered drawing ---------------------------------------------------------------------

@dataclass
class _Canvas:
    """Lines of text written at (line, column) positions, in terminal cells."""

    rows: list[list[str]] = field(default_factory=list)

    def put(self, line: int, column: int, text: str) -> None:
        while len(self.rows) <= line:
            self.rows.append([])
        row = self.rows[line]
        cells = _cells(text)
        row.extend(" " for _ in range(column + len(cells) - len(row)))
        row[column:column + len(cells)] = cells

    def lines(self) -> list[str]:
        return ["".join(row).rstrip() for row in self.rows]


def _cells(text: str) -> list[str]:
    """One entry per terminal cell; a combining accent stays with its letter."""
    cells: list[str] = []
    for char in text:
        if cells and display_width(char) == 0:
            cells[-1] += char
        else:
            cells.append(char)
    return cells


def _layered(figure: LayeredFigure, target: Target, width: int, on_edges: bool,
             tail_column: bool, values: Mapping[str, object]) -> list[str]:
    cells = [[_cell(unit, figure.named, target, values) for unit in column.units] for column in figure.columns]
    titles = [_title(column.act, column.stem, target) for column in figure.columns]
    tail = figure.tail[-1] if len(figure.tail) == 1 and tail_column else None
    if tail is not None:
        cells.append([f"{render_name(tail.name, target)} = {render_math(tail.expr, target)}"
                      + computed(values, tail.name, target)])
        titles.append("")
    labelled = [on_edges and _labelled(figure, k) for k in range(1, len(figure.columns))] + [False]
    canvas = _Canvas()
    _draw(canvas, figure, cells, titles, labelled, target)
    lines = canvas.lines()
    lines += _below(figure, labelled, target, width, tail is None)
    return lines


def _labelled(figure: LayeredFigure, column: int) -> bool:
    """Weights fit on the stubs when each stub is a single edge."""
    return len(figure.columns[column - 1].units) == 1 or len(figure.columns[column].units) == 1


def _cell(unit: Unit, named: bool, target: Target, values: Mapping[str, object]) -> str:
    """x₁ = 1 for an input; h₁ (b = 1) for a unit, h₁ = 4 (b = 1) once its value is known."""
    text = render_name(unit.name, target)
    if unit.value is not None:
        text += " = " + render_number(unit.value, target)
    else:
        text += computed(values, unit.name, target)
    if unit.bias is not None:
        name = render_name(unit.bias, target) if named else "b"
        value = "?" if unit.bias_value is None else render_number(unit.bias_value, target)
        text += f" ({name} = {value})"
    return text


def _title(act: str, stem: str | None, target: Target) -> str:
    titles = PLAIN_TITLES if target == "ascii" else TITLES
    if act == "input":
        return "input " + stem if stem else "input"
    return titles.get(act, act)


def _draw(canvas: _Canvas, figure: LayeredFigure, cells: list[list[str]], titles: list[str],
          labelled: list[bool], target: Target) -> None:
    box = ASCII_BOX if target == "ascii" else UNICODE_BOX
    tallest = max(len(column) for column in cells)
    rows = [[1 + tallest - len(column) + 2 * i for i in range(len(column))] for column in cells]
    x = 0
    for k, column in enumerate(cells):
        canvas.put(0, x, titles[k])
        ends = {}
        for line, text in zip(rows[k], column):
            canvas.put(line, x, text)
            ends[line] = x + display_width(text)
        right = x + max(display_width(t) for t in column + [titles[k]])
        if k + 1 < len(cells):
            labels = _edge_labels(figure, k + 1, target) if labelled[k] else {}
            x = _bus(canvas, right, ends, rows[k + 1], labels, box)


def _edge_labels(figure: LayeredFigure, column: int, target: Target) -> dict[tuple[int, int], str]:
    """(left row, right row) -> the weight's text: its value, with its name in scalar graphs."""
    if column >= len(figure.columns):
        return {}
    left = [u.name for u in figure.columns[column - 1].units]
    right = [u.name for u in figure.columns[column].units]
    out = {}
    for weight in figure.edges_into(column):
        out[(left.index(weight.src), right.index(weight.dst))] = _weight_text(weight, figure.named, target)
    return out


def _weight_text(weight: Weight, named: bool, target: Target) -> str:
    value = "?" if weight.value is None else render_number(weight.value, target)
    return f"{render_name(weight.name, target)} = {value}" if named else value


def _bus(canvas: _Canvas, right_edge: int, ends: dict[int, int], right: list[int],
         labels: dict[tuple[int, int], str], box: dict[str, str]) -> int:
    """Stubs from the left cells (ending at `ends`) into a vertical bus and out to the `right`
    rows; weights go on the left stubs into a single unit, else on the right stubs."""
    left = sorted(ends)
    on_left = len(right) == 1 and bool(labels)
    left_text = {row: labels.get((i, 0), "") if on_left else "" for i, row in enumerate(left)}
    right_text = {row: labels.get((0, j), "") if labels and not on_left else "" for j, row in enumerate(right)}
    a = 2 + max((display_width(t) + 2 for t in left_text.values() if t), default=0)
    c = 2 + max((display_width(t) + 3 for t in right_text.values() if t), default=0)
    bus_x = right_edge + 1 + a
    for row, text in left_text.items():
        canvas.put(row, ends[row] + 1, _left_stub(text, bus_x - ends[row] - 1, box))
    for row, text in right_text.items():
        canvas.put(row, bus_x + 1, _right_stub(text, c, box))
    top, bottom = min(left + right), max(left + right)
    for line in range(top, bottom + 1):
        key = (int(line in left), int(line in right), int(line > top), int(line < bottom))
        canvas.put(line, bus_x, _junction(key, box))
    return bus_x + c + 2


def _left_stub(text: str, length: int, box: dict[str, str]) -> str:
    """──── 3 ─ : the label right-aligned against the bus, so a column of weights lines up."""
    tail = f"{box['open']}{text}{box['close']}{box['h']}" if text else ""
    return box["h"] * (length - display_width(tail)) + tail


def _right_stub(text: str, length: int, box: dict[str, str]) -> str:
    """─ −0.8 ──▶ : the label just after the bus, the arrow against the unit."""
    head = f"{box['h']}{box['open']}{text}{box['close']}" if text else ""
    return head + box["h"] * (length - display_width(head) - 1) + box["arrow"]


def _junction(key: tuple[int, int, int, int], box: dict[str, str]) -> str:
    if box is ASCII_BOX:
        return "|" if key[:2] == (0, 0) else ("-" if key[2:] == (0, 0) else "+")
    return JUNCTIONS.get(key, " ")


# --- below the drawing: the weight matrices, the given values, the rest of the definitions --

def _below(figure: LayeredFigure, labelled: list[bool], target: Target, width: int,
           list_tail: bool) -> list[str]:
    blocks = [display_lines(_matrix_display(figure, m.into - 1, target), target)
              for m in figure.matrices if not labelled[m.into - 1]]
    blocks = [b for b in blocks if b]
    lines = _side_by_side(blocks, width)
    notes = [f"{render_name(n, target)} = {render_number(v, target)}" for n, v in figure.given]
    if list_tail:
        notes += [f"{render_name(n.name, target)} = {render_math(n.expr, target)}" for n in figure.tail]
    if notes:
        lines += textwrap.wrap(", ".join(notes), width)
    return ([""] + lines) if lines else []


def _matrix_display(figure: LayeredFigure, index: int, target: Target):
    """W₁ = [values] in layer form; [names] = [values] when the weights have their own names."""
    matrix = figure.matrices[index]
    values = Matrix(tuple(tuple(num(v) if v is not None else Name("unknown") for v in row)
                          for row in matrix.values))
    if figure.named:
        names = Matrix(tuple(tuple(Name(n) for n in row) for row in matrix.names))
        return display(Math(names), MathTextPart(" = "), Math(values))
    return display(Math(Relation("=", Name(matrix.label), values)))


def _side_by_side(blocks: list[list[str]], width: int) -> list[str]:
    """Blocks in a row while they fit, top-aligned on their middle line; then a new row."""
    lines: list[str] = []
    row: list[list[str]] = []
    for block in blocks:
        if row and _row_width(row + [block]) > width:
            lines += _join_row(row)
            row = []
        row.append(block)
    return lines + (_join_row(row) if row else [])


def _row_width(row: list[list[str]]) -> int:
    return sum(max(map(display_width, b)) for b in row) + GAP * (len(row) - 1)


def _join_row(row: list[list[str]]) -> list[str]:
    height = max(len(b) for b in row)
    padded = [[""] * ((height - len(b)) // 2) + b + [""] * (height - len(b) - (height - len(b)) // 2)
              for b in row]
    out = []
    for line in range(height):
        parts = [p[line] + " " * (max(map(display_width, p)) - display_width(p[line])) for p in padded]
        out.append((" " * GAP).join(parts).rstrip())
    return out


# --- graphs that are not layered -------------------------------------------------------------

def definition_lines(figure: GraphFigure, target: Target = "unicode", width: int = 80,
                     values: Mapping[str, object] | None = None) -> list[str]:
    """The given values on one line, then each node's definition in order."""
    given = ", ".join(f"{render_name(n, target)} = {render_number(v, target)}"
                      for n, v in figure.values.items())
    lines = textwrap.wrap("given: " + given, width) if given else []
    for node in figure.nodes:
        lines += textwrap.wrap(f"{render_name(node.name, target)} = {render_math(node.expr, target)}"
                               + computed(values or {}, node.name, target),
                               width, subsequent_indent="    ")
    return lines


def computed(values: Mapping[str, object], name: str, target: Target) -> str:
    """ " = 3" for an exact forward value, " ≈ 0.7311" for an irrational one, "" when absent."""
    if name not in values:
        return ""
    value = values[name]
    try:
        return " = " + render_number(value, target)
    except (TypeError, ValueError):
        approx = f"{float(value):.4g}"  # type: ignore[arg-type]
        return (" ~ " + approx) if target == "ascii" else (" ≈ " + approx.replace("-", "−"))
