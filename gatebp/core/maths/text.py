"""Stems, options and working lines as a sequence of text and maths parts, for any target.

A `MathText` is a tuple of parts: `Text` (free text, may already hold Unicode maths), `Math`
(an expression tree, printed inline) and `Display` (maths on a line of its own; matrices drawn
as matrices: multi-line with ⎡ ⎤ brackets in the terminal, `[ 1  -1 ]` rows in ASCII,
`mat(...)` in Typst, `bmatrix` in LaTeX, a bracketed table in HTML). `parse_markup` builds one
from a template string with `$...$` (inline) and `$$...$$` (display) spans, each read by the
whitelisting parser, so a family can write

    "Layer 1 computes $h = relu(W1*x + b1)$ with $W1 = [[1, -1], [2, 1]]$. Find $∂y1/∂x2$."

and every view prints it in its own notation. Inside a span: `=`, `≈` and `<-` separate the
sides of a relation; a side may be `∂a/∂b` (a partial), `[..]` or `[[..], ..]` (a matrix whose
entries are expressions), or any grammar expression; an inline span that holds a matrix with
more than one row and column is shown as a display (so no stem ever prints `[[`); a vector
`[a, b]` is a column, printed in the line as (a, b)ᵀ (and `[[a, b]]` a one-row matrix, [a  b]).
"""

from __future__ import annotations

import ast
import html
import re
import textwrap
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from gatebp.core.errors import ExpressionError
from gatebp.core.expr import parse_expr_text
from gatebp.core.maths.escape import escape_text
from gatebp.core.maths.nodes import RELATIONS, Hadamard, MathExpr, MatMul, Matrix, Relation
from gatebp.core.maths.printer import PROD, Target, printer
from gatebp.core.maths.spans import parse_side

INDENT = "    "


@dataclass(frozen=True)
class Text:
    text: str


@dataclass(frozen=True)
class Math:
    node: MathExpr


@dataclass(frozen=True)
class Display:
    items: tuple[Text | Math, ...]


Part = Text | Math | Display
MathText = tuple[Part, ...]


def display(*items: str | MathExpr | Text | Math) -> Display:
    """A display line from strings (free text) and maths nodes, in order."""
    return Display(tuple(_item(item) for item in items))


def _item(item: str | MathExpr | Text | Math) -> Text | Math:
    if isinstance(item, (Text, Math)):
        return item
    return Text(item) if isinstance(item, str) else Math(item)


def render(parts: Part | Iterable[Part], target: Target = "unicode") -> str:
    """The parts as one string for `target`; terminal displays are indented lines of their own."""
    sequence = [parts] if isinstance(parts, (Text, Math, Display)) else list(parts)
    if target in ("unicode", "ascii"):
        return "\n".join(_terminal_paragraphs(sequence, target))
    return "".join(_print_part(part, target) for part in sequence).strip("\n")


def wrap(parts: Part | Iterable[Part], width: int, target: Target = "unicode") -> list[str]:
    """Terminal lines no wider than `width`: paragraphs wrapped at spaces, displays kept whole."""
    sequence = [parts] if isinstance(parts, (Text, Math, Display)) else list(parts)
    lines: list[str] = []
    for is_display, paragraph in _terminal_chunks(sequence, target):
        if is_display:
            lines += paragraph.split("\n")
        else:
            lines += [line for raw in paragraph.split("\n") for line in textwrap.wrap(raw, width) or [""]]
    return lines


def _terminal_paragraphs(parts: list[Part], target: Target) -> list[str]:
    return [chunk for _, chunk in _terminal_chunks(parts, target)]


def _terminal_chunks(parts: list[Part], target: Target) -> list[tuple[bool, str]]:
    """(is display, text) chunks: inline parts run together, each display on lines of its own."""
    chunks: list[tuple[bool, str]] = []
    inline = ""
    for part in parts:
        if isinstance(part, Display):
            if inline.strip():
                chunks.append((False, inline.strip()))
            chunks.append((True, "\n".join(INDENT + line for line in display_lines(part, target))))
            inline = ""
        else:
            inline += _inline_terminal(part, target)
    if inline.strip():
        chunks.append((False, inline.strip()))
    return chunks


def _inline_terminal(part: Text | Math, target: Target) -> str:
    if isinstance(part, Text):
        return escape_text(part.text, target)
    return printer(target).frag(part.node).text


# --- displays in the terminal: items side by side, matrices several lines tall -------------

def display_lines(part: Display, target: Target = "unicode") -> list[str]:
    """A display as terminal lines: matrices drawn tall, the rest on the middle row."""
    blocks: list[tuple[list[str], int]] = []
    for item in part.items:
        blocks += _blocks(item, target)
    above = max(base for _, base in blocks)
    below = max(len(lines) - 1 - base for lines, base in blocks)
    rows = [""] * (above + below + 1)
    for lines, base in blocks:
        width = max(display_width(line) for line in lines)
        for row in range(len(rows)):
            index = row - (above - base)
            cell = lines[index] if 0 <= index < len(lines) else ""
            rows[row] += cell + " " * (width - display_width(cell))
    return [row.rstrip() for row in rows]


def _blocks(item: Text | Math, target: Target) -> list[tuple[list[str], int]]:
    if isinstance(item, Text):
        return [([escape_text(item.text, target)], 0)]
    blocks = []
    for piece in _split_matrices(item.node, target):
        if isinstance(piece, Matrix):
            lines = matrix_lines(piece, target)
            blocks.append((lines, (len(lines) - 1) // 2))
        else:
            blocks.append(([piece], 0))
    return blocks


def _split_matrices(node: MathExpr, target: Target) -> list[str | Matrix]:
    """Relations, ⊙ and matrix products whose sides hold matrices, taken apart left to right."""
    out = printer(target)
    if isinstance(node, Matrix):
        return [node]
    if isinstance(node, Relation) and _has_matrix(node):
        op = out.relations[node.op]
        return _split_matrices(node.left, target) + [f" {op} "] + _split_matrices(node.right, target)
    if isinstance(node, (Hadamard, MatMul)) and _has_matrix(node):
        join = out.odot() if isinstance(node, Hadamard) else " "
        return _side(node.left, target) + [join] + _side(node.right, target)
    return [out.frag(node).text]


def _side(node: MathExpr, target: Target) -> list[str | Matrix]:
    if isinstance(node, Matrix) or _has_matrix(node):
        return _split_matrices(node, target)
    frag = printer(target).frag(node)
    return [f"({frag.text})" if frag.level <= PROD else frag.text]


def _has_matrix(node: MathExpr) -> bool:
    if isinstance(node, Matrix):
        return True
    if isinstance(node, (Relation, Hadamard, MatMul)):
        return _has_matrix(node.left) or _has_matrix(node.right)
    return False


def matrix_lines(node: Matrix, target: Target = "unicode") -> list[str]:
    """Rows with right-aligned columns: ⎡ 1  −1 ⎤ / ⎣ 2   1 ⎦ (ASCII: [ 1  -1 ] per row)."""
    cells = [[printer(target).frag(cell).text for cell in row] for row in node.rows]
    widths = [max(display_width(row[col]) for row in cells) for col in range(len(cells[0]))]
    bodies = ["  ".join(" " * (w - display_width(c)) + c for c, w in zip(row, widths)) for row in cells]
    if target == "ascii" or len(bodies) == 1:
        return [f"[ {body} ]" for body in bodies]
    left = ["⎡"] + ["⎢"] * (len(bodies) - 2) + ["⎣"]
    right = ["⎤"] + ["⎥"] * (len(bodies) - 2) + ["⎦"]
    return [f"{lb} {body} {rb}" for lb, body, rb in zip(left, bodies, right)]


def display_width(text: str) -> int:
    """Terminal cells a string takes: combining accents take none."""
    return sum(0 if unicodedata.combining(char) else 1 for char in text)


# --- print targets -------------------------------------------------------------------------

def _print_part(part: Part, target: Target) -> str:
    if isinstance(part, Text):
        return escape_text(part.text, target)
    if isinstance(part, Math):
        return _inline_print(part.node, target)
    return _display_print(part, target)


def _inline_print(node: MathExpr, target: Target) -> str:
    out = printer(target)
    out.inline_columns = True  # a vector in a line of text: (a, b)ᵀ in every target
    text = out.frag(node).text
    if target == "html":
        return f'<span class="math">{text}</span>'
    return f"${text}$"


def _display_print(part: Display, target: Target) -> str:
    pieces = [_display_item(item, target) for item in part.items]
    body = "".join(pieces)
    if target == "latex":
        return f"\n\\[ {body} \\]\n"
    if target == "typst":
        return f"\n$ {body} $\n"
    return f'<div class="math-display">{body}</div>'


def _display_item(item: Text | Math, target: Target) -> str:
    if isinstance(item, Math):
        return printer(target).frag(item.node).text
    if target == "latex":
        return "\\text{" + escape_text(item.text, "latex") + "}"
    if target == "typst":
        return escape_text(item.text, "typst").removeprefix("#")
    return html.escape(item.text)


# --- markup --------------------------------------------------------------------------------

_SPAN = re.compile(r"\$\$(.+?)\$\$|\$(.+?)\$", re.DOTALL)
_RELATION = re.compile(r"\s*(=|≈|<-|←|≠|≤|≥|>|<)\s*")
DOLLAR = "\x00"  # stands for an escaped \$ while the spans are found


def parse_markup(text: str) -> MathText:
    """Text with $...$ and $$...$$ maths spans -> parts; a bad span raises ExpressionError."""
    parts: list[Part] = []
    position = 0
    if DOLLAR in text:
        raise ExpressionError("a NUL character in maths markup")
    text = text.replace("\\$", DOLLAR)
    for match in _SPAN.finditer(text):
        if match.start() > position:
            parts.append(_text(text[position:match.start()]))
        node = parse_maths(match.group(1) or match.group(2))
        tall = _has_tall_matrix(node)
        parts.append(display(node) if match.group(1) or tall else Math(node))
        position = match.end()
    rest = text[position:]
    if "$" in rest:
        raise ExpressionError(f"unclosed $ in {rest.strip()[:40]!r}")
    if rest:
        parts.append(_text(rest))
    return _punctuation_into_displays(parts)


def _text(text: str) -> Text:
    return Text(text.replace(DOLLAR, "$"))


def _punctuation_into_displays(parts: list[Part]) -> MathText:
    """A full stop or comma right after a display ends the display's line, as in print."""
    out: list[Part] = []
    for part in parts:
        previous = out[-1] if out else None
        kept = part
        if isinstance(part, Text) and isinstance(previous, Display) and part.text[:1] in ".,;:?!":
            out[-1] = Display((*previous.items, Text(part.text[0])))
            kept = Text(part.text[1:].lstrip(" "))
            if not kept.text:
                continue
        out.append(kept)
    return tuple(out)


def parse_maths(source: str) -> MathExpr:
    """One maths span: relation sides of partials, matrices or grammar expressions."""
    pieces = _RELATION.split(source.strip())
    sides, ops = pieces[::2], pieces[1::2]
    node = _side_node(sides[-1])
    for side, op in zip(reversed(sides[:-1]), reversed(ops)):
        node = Relation("←" if op == "<-" else op, _side_node(side), node)
    assert all(op in RELATIONS or op == "<-" for op in ops)
    return node


def _side_node(source: str) -> MathExpr:
    text = source.strip().replace("\u2212", "-")  # the paper's minus reads as the grammar's
    if DOLLAR in text:
        raise ExpressionError("an escaped \\$ inside a maths span")
    return parse_side(text, _matrix_node)


def _matrix_node(text: str) -> Matrix:
    """[a, b] (a vector: one column, as the paper's x = (a, b)ᵀ), [[a, b]] (one row) or
    [[a, b], [c, d]]; entries are grammar expressions, never evaluated."""
    try:
        tree = ast.parse(text, mode="eval").body
    except SyntaxError:
        raise ExpressionError(f"not a matrix: {text[:40]!r}") from None
    if not isinstance(tree, ast.List) or not tree.elts:
        raise ExpressionError(f"not a matrix: {text[:40]!r}")
    rows = [row.elts if isinstance(row, ast.List) else [row] for row in tree.elts]
    if not isinstance(tree.elts[0], ast.List):
        rows = [[cell] for cell in tree.elts]
    if len({len(row) for row in rows}) != 1 or not rows[0]:
        raise ExpressionError("the rows of a matrix must have the same, non-zero length")
    return Matrix(tuple(tuple(_cell(text, cell) for cell in row) for row in rows))


def _cell(text: str, cell: ast.expr) -> MathExpr:
    source = ast.get_source_segment(text, cell)
    if source is None or isinstance(cell, ast.List):
        raise ExpressionError("a matrix entry must be a number or an expression")
    return parse_expr_text(source)


def _has_tall_matrix(node: MathExpr) -> bool:
    """A matrix of several rows and columns: shown as a display. A vector (one column) stays in
    the line, printed as the paper writes it there: (a, b)ᵀ."""
    if isinstance(node, Matrix):
        return len(node.rows) > 1 and len(node.rows[0]) > 1
    if isinstance(node, (Relation, Hadamard, MatMul)):
        return _has_tall_matrix(node.left) or _has_tall_matrix(node.right)
    return False


def plain(parts: Sequence[Part]) -> str:
    """The ASCII rendering (screen readers, logs): shorthand for render(parts, "ascii")."""
    return render(parts, "ascii")
