"""One printer for expression trees, with five targets that differ only in their tokens.

The printer walks the tree once and builds `Frag`s: the text plus what a parent needs to decide
parentheses and juxtaposition (the precedence level, what kind of token starts and ends it,
whether it starts with a minus). The rules are the paper's:

* a product is juxtaposed (w₁x, 2x, w₁₁x₁ + w₁₂x₂, 2(a + b), (ŷ − t)x); a number on the right
  (x·2, 2·3), a multi-letter name (rate·x) or a function value followed by a name (σ(z)·x) get a
  centred dot; derivatives are joined with ×;
* a right operand that starts with a minus is parenthesised (a + (−3), x·(−2)), so − never
  follows + or ·;
* `/ 2` of a non-number prints as ½(…) in Unicode and HTML; other quotients inline as a/b with
  the parentheses the reader needs ((ŷ − t)²/2, 1/(1 + e^(−z)));
* ASCII is the spec grammar itself, with `^` for `**` and no spaces around `*`: replacing `^` by
  `**` gives text that `parse_expr_text` reads back to the very same tree (parentheses that are
  only needed for the tree's grouping are kept in ASCII, dropped elsewhere when harmless).

This module holds the Unicode printer and the rules; gatebp.core.maths.targets holds the ASCII,
LaTeX, Typst and HTML printers, which override only tokens. Function heads come from the
activation registry (gatebp.core.activations).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import ClassVar, Literal

from gatebp.core import activations
from gatebp.core.expr import BinOp, Call, Name, Neg, Num, format_number, parse_expr_text
from gatebp.core.maths import names
from gatebp.core.maths.nodes import (
    Apply,
    Entry,
    Group,
    Hadamard,
    MathExpr,
    MatMul,
    Matrix,
    Partial,
    Prime,
    Relation,
    Transpose,
    to_fraction,
)

Target = Literal["unicode", "ascii", "typst", "latex", "html"]
TARGETS: tuple[Target, ...] = ("unicode", "ascii", "typst", "latex", "html")
REL, SUM, PROD, NEG, POW, ATOM = 0, 1, 2, 3, 5, 6
SUPERSCRIPTS = str.maketrans("0123456789-+=()", "⁰¹²³⁴⁵⁶⁷⁸⁹⁻⁺⁼⁽⁾")


@dataclass(frozen=True)
class Frag:
    """Printed text and what the parent needs: level, first/last token kind, a leading minus.

    Kinds: num, sym (one letter or Greek), word (rate, or a letter subscript), call (σ(z), e^z),
    fn (a word-named function: ln, tanh, ReLU), paren, partial, sup (ends in an exponent)."""

    text: str
    level: int = ATOM
    first: str = "sym"
    last: str = "sym"
    neg: bool = False
    number: bool = False
    slash: bool = False  # an inline a/b at the top


def function_heads(target: str) -> dict[str, tuple[str, str]]:
    """How each registry function is printed for a target: (head, token kind). ASCII is the spec
    name (the grammar round trip); exp is missing, as it prints as a power of e."""
    heads = {}
    for record in activations.RECORDS:
        if record.power:
            continue
        head = {"unicode": record.unicode, "ascii": record.name, "latex": record.latex_name,
                "typst": record.typst_name}[target]
        heads[record.name] = (head, "fn" if target == "ascii" else record.kind)
    return heads


def render_math(node: MathExpr | str, target: Target = "unicode") -> str:
    """An expression (a tree, or grammar text parsed by the whitelisting parser) for `target`."""
    tree = parse_expr_text(node) if isinstance(node, str) else node
    return printer(target).frag(tree).text


def render_number(value: object, target: Target = "unicode") -> str:
    """A number as the paper writes it: −0.25, 3, 1/3 (LaTeX and Typst as a fraction)."""
    return printer(target).frag(Num(to_fraction(value))).text


def render_name(name: str, target: Target = "unicode") -> str:
    return printer(target).frag(Name(name)).text


def printer(target: Target) -> Printer:
    """The printer for a target; ValueError names the known targets."""
    from gatebp.core.maths import targets  # the other targets subclass Printer, so they load after it

    kinds: dict[str, type[Printer]] = {"unicode": Printer, "ascii": targets.AsciiPrinter,
                                       "latex": targets.LatexPrinter, "typst": targets.TypstPrinter,
                                       "html": targets.HtmlPrinter}
    if target not in kinds:
        raise ValueError(f"unknown maths target {target!r} (known: {', '.join(TARGETS)})")
    return kinds[target]()


class Printer:
    """The Unicode printer; the other targets override the token methods at the bottom."""

    minus = "−"
    exact = False  # keep every parenthesis the tree needs (ASCII round trip)
    halves = True  # x/2 as ½x
    flat_subscripts = True  # letter subscripts stay on the line (w_h₁,x₂): never juxtapose them
    functions: ClassVar[dict[str, tuple[str, str]]] = function_heads("unicode")
    relations: ClassVar[dict[str, str]] = {"=": "=", "≈": "≈", "←": "←", "≠": "≠", "≤": "≤", "≥": "≥",
                                           ">": ">", "<": "<"}
    prime_mark = "′"
    inline_columns = True  # a column vector in a line of text prints as (a, b)ᵀ (print targets: inline only)

    def frag(self, node: MathExpr) -> Frag:
        handler: Callable[[MathExpr], Frag] | None = getattr(self, "_" + type(node).__name__, None)
        if handler is None:
            raise TypeError(f"cannot print {type(node).__name__} as maths")
        return handler(node)

    # --- the grammar -------------------------------------------------------------------------
    def _Num(self, node: Num) -> Frag:
        text = format_number(abs(node.value))
        if "/" in text:
            top, bottom = text.split("/")
            return self.number_fraction(top, bottom, node.value < 0)
        sign = self.minus if node.value < 0 else ""
        return Frag(sign + text, ATOM, "num", "num", node.value < 0, True)

    def _Name(self, node: Name) -> Frag:
        symbol = names.parse_name(node.id)
        kind = "word" if symbol.is_word or (symbol.letter_subscript and self.flat_subscripts) else "sym"
        return Frag(self.name(node.id), ATOM, kind, kind)

    def _Neg(self, node: Neg) -> Frag:
        inner = self.frag(node.operand)
        floor = POW if self.exact else PROD
        if inner.level < floor or inner.neg:
            inner = self.paren(inner)
        return Frag(self.minus + inner.text, NEG, "minus", inner.last, True)

    def _BinOp(self, node: BinOp) -> Frag:
        if node.op in "+-":  # a leading negative number needs no kept brackets: −0.76 − 0
            return self.sum(node.op, self.frag(_bare(node.left)), self.frag(node.right))
        if node.op == "*":
            return self.product(self.frag(node.left), self.frag(node.right))
        if node.op == "/":
            return self.quotient(node, self.frag(node.left), self.frag(node.right))
        if node.op == "**":
            return self.power(self.frag(node.left), node.right)
        raise TypeError(f"unknown operator {node.op!r}")

    def _Call(self, node: Call) -> Frag:
        arg = self.frag(_bare(node.arg))
        record = activations.find(node.func)
        if record is not None and record.power:
            return self.exponential(arg)
        head, kind = self.functions.get(node.func, (node.func, "fn"))
        return Frag(self.apply(head, arg), ATOM, kind, "call")

    # --- beyond the grammar ------------------------------------------------------------------
    def _Partial(self, node: Partial) -> Frag:
        text = self.partial(self.label(node.of), self.label(node.wrt), node.local)
        return Frag(text, PROD, "partial", "partial", slash=True)

    def _Transpose(self, node: Transpose) -> Frag:
        base = self.frag(node.operand)
        base = self.paren(base) if base.level < ATOM or base.neg else base
        return replace(base, text=base.text + self.transpose_mark(), level=POW, last="sup")

    def _Hadamard(self, node: Hadamard) -> Frag:
        left, right = self.frag(node.left), self.frag(node.right)
        left = self.paren(left) if left.level <= PROD and not left.text.count(self.odot()) else left
        right = self.paren(right) if right.level <= PROD or right.neg else right
        return Frag(left.text + self.odot() + right.text, PROD, left.first, right.last, left.neg)

    def _MatMul(self, node: MatMul) -> Frag:
        left, right = self.frag(node.left), self.frag(node.right)
        left = self.paren(left) if left.level < PROD or left.slash else left
        right = self.paren(right) if right.level < PROD or right.neg or right.slash else right
        return Frag(left.text + self.matmul_join() + right.text, PROD, left.first, right.last, left.neg)

    def _Prime(self, node: Prime) -> Frag:
        head, kind = self.functions.get(node.func, (self.name(node.func), "call"))
        return Frag(self.apply(head + self.prime_mark, self.frag(_bare(node.arg))), ATOM, kind, "call")

    def _Entry(self, node: Entry) -> Frag:
        return Frag(self.entry(self.name(node.name), [str(i) for i in node.indices]), ATOM, "word", "word")

    def _Group(self, node: Group) -> Frag:
        return self.paren(self.frag(node.operand))

    def _Apply(self, node: Apply) -> Frag:
        kind = "word" if names.parse_name(node.name).is_word else "call"
        return Frag(self.apply(self.name(node.name), self.frag(_bare(node.arg))), ATOM, kind, "call")

    def _Relation(self, node: Relation) -> Frag:
        if node.op not in self.relations:
            raise TypeError(f"unknown relation {node.op!r}")
        left, right = self.frag(node.left), self.frag(node.right)
        return Frag(f"{left.text} {self.relations[node.op]} {right.text}", REL, left.first, right.last)

    def _Matrix(self, node: Matrix) -> Frag:
        cells = [[self.frag(cell).text for cell in row] for row in node.rows]
        return Frag(self.inline_matrix(cells), ATOM, "paren", "paren")

    # --- operators ---------------------------------------------------------------------------
    def sum(self, op: str, left: Frag, right: Frag) -> Frag:
        if left.level < SUM:
            left = self.paren(left)
        same_level = right.level == SUM and (self.exact or op == "-")
        if right.level < SUM or right.neg or same_level:
            right = self.paren(right)
        sign = " + " if op == "+" else f" {self.minus} "
        return Frag(left.text + sign + right.text, SUM, left.first, right.last, left.neg)

    def product(self, left: Frag, right: Frag) -> Frag:
        left = self.paren(left) if left.level < PROD else left
        if right.level < PROD or right.neg or (right.level == PROD and self.exact and not right.slash):
            right = self.paren(right)
        join = self.join(left, right)
        if left.slash and join != self.cross():
            left = self.paren(left)
        if right.slash and join != self.cross():
            right = self.paren(right)
        return Frag(left.text + join + right.text, PROD, left.first, right.last, left.neg)

    def join(self, left: Frag, right: Frag) -> str:
        """Juxtapose as the paper does; a dot where juxtaposition would misread."""
        if "partial" in (left.last, right.first):
            return self.cross()
        if right.number or right.first == "num" or "word" in (left.last, right.first):
            return self.dot()
        if left.last == "call" and right.first not in ("paren", "call"):
            return self.dot()
        return self.space() if right.first == "fn" else self.juxtapose()

    def quotient(self, node: BinOp, top: Frag, bottom: Frag) -> Frag:
        if self.half(node) and top.first != "num":
            top = self.paren(top) if top.level < PROD or top.slash else top
            return Frag("½" + top.text, PROD, "num", top.last, slash=True)
        return self.fraction(top, bottom)

    def half(self, node: BinOp) -> bool:
        return self.halves and isinstance(node.right, Num) and node.right.value == 2

    def fraction(self, top: Frag, bottom: Frag) -> Frag:
        if top.level < PROD or top.slash:
            top = self.paren(top)
        if bottom.level <= PROD or bottom.neg:
            bottom = self.paren(bottom)
        return Frag(top.text + self.slash() + bottom.text, PROD, top.first, bottom.last, top.neg,
                    slash=True)

    def power(self, base: Frag, exponent: MathExpr) -> Frag:
        if base.level < ATOM or base.neg:
            base = self.paren(base)
        return Frag(base.text + self.superscript(exponent), POW, base.first, "sup")

    # --- tokens (overridden per target) ------------------------------------------------------
    def name(self, name: str) -> str:
        return names.name_unicode(name)

    def label(self, name: str) -> str:
        """A partial's name: a plain name, or an entry such as W1[2,3]."""
        head, _, rest = name.partition("[")
        if not rest:
            return self.name(name)
        return self.entry(self.name(head), [i.strip() for i in rest.rstrip("]").split(",")])

    def number_fraction(self, top: str, bottom: str, negative: bool) -> Frag:
        sign = self.minus if negative else ""
        return Frag(f"{sign}{top}/{bottom}", PROD, "num", "num", negative, True, slash=True)

    def paren(self, frag: Frag) -> Frag:
        return replace(frag, text=f"({frag.text})", level=ATOM, first="paren", last="paren",
                       neg=False, slash=False)

    def superscript(self, exponent: MathExpr) -> str:
        if isinstance(exponent, Num) and exponent.value.denominator == 1:
            return str(exponent.value.numerator).translate(SUPERSCRIPTS)
        return "^(" + self.frag(exponent).text + ")"

    def exponential(self, arg: Frag) -> Frag:
        text = "e^" + (arg.text if arg.level == ATOM and not arg.neg else f"({arg.text})")
        return Frag(text, POW, "sym", "call")

    def apply(self, head: str, arg: Frag) -> str:
        return f"{head}({arg.text})"

    def partial(self, of: str, wrt: str, local: bool) -> str:
        return f"∂{of}/∂{wrt}" + ("|local" if local else "")

    def entry(self, name: str, indices: list[str]) -> str:
        return f"{name}[{','.join(indices)}]"

    def inline_matrix(self, cells: list[list[str]]) -> str:
        """One line: a column vector as the paper writes it in a sentence, (1, −1)ᵀ; a row
        [1  −1] (a one-row matrix, aligned like the rows of a display); a matrix [1  −1; 2  1]."""
        if is_column(cells):
            return "(" + ", ".join(row[0] for row in cells) + ")" + self.transpose_mark()
        return "[" + "; ".join("  ".join(row) for row in cells) + "]"

    def transpose_mark(self) -> str:
        return "ᵀ"

    def odot(self) -> str:
        return " ⊙ "

    def matmul_join(self) -> str:
        return ""

    def dot(self) -> str:
        return "·"

    def cross(self) -> str:
        return " × "

    def space(self) -> str:
        return " "

    def juxtapose(self) -> str:
        return ""

    def slash(self) -> str:
        return "/"


def is_column(cells: list[list[str]]) -> bool:
    """A column vector (n × 1, n > 1)."""
    return len(cells) > 1 and all(len(row) == 1 for row in cells)


def _bare(node: MathExpr) -> MathExpr:
    """A function's argument without kept parentheses: its own brackets already hold it."""
    return node.operand if isinstance(node, Group) else node


def __getattr__(name: str) -> object:
    """The target printers, importable from here as before the split (AsciiPrinter, html_matrix...)."""
    if name in ("AsciiPrinter", "LatexPrinter", "TypstPrinter", "HtmlPrinter", "html_matrix"):
        from gatebp.core.maths import targets

        return getattr(targets, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
