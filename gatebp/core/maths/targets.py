"""The ASCII, LaTeX, Typst and HTML printers: the Unicode printer's rules with their own tokens.

ASCII is the spec grammar (typed back after ^ -> **); LaTeX is commands only, for pdflatex with
amsmath; Typst is the PDF export's maths; HTML is Unicode with <i>, <sub> and <sup>. Each overrides
token methods of gatebp.core.maths.printer.Printer and, from the activation registry, its heads.
"""

from __future__ import annotations

from dataclasses import replace
from typing import ClassVar

from gatebp.core.expr import Num
from gatebp.core.maths import names
from gatebp.core.maths.nodes import MathExpr, Partial
from gatebp.core.maths.printer import ATOM, POW, Frag, Printer, function_heads, is_column


class AsciiPrinter(Printer):
    """The spec grammar with `^` for powers: readable aloud, and typed back after ^ -> **."""

    minus = "-"
    exact = True
    halves = False
    functions: ClassVar[dict[str, tuple[str, str]]] = function_heads("ascii")
    relations: ClassVar[dict[str, str]] = {"=": "=", "≈": "~=", "←": "<-", "≠": "!=", "≤": "<=", "≥": ">=",
                                           ">": ">", "<": "<"}
    prime_mark = "'"

    def name(self, name: str) -> str:
        return name

    def join(self, left: Frag, right: Frag) -> str:
        return " * " if "partial" in (left.last, right.first) else "*"

    def superscript(self, exponent: MathExpr) -> str:
        text = self.frag(exponent).text
        plain = isinstance(exponent, Num) and exponent.value >= 0 and "/" not in text
        return "^" + (text if plain else f"({text})")

    def exponential(self, arg: Frag) -> Frag:
        return Frag(f"exp({arg.text})", ATOM, "fn", "call")

    def partial(self, of: str, wrt: str, local: bool) -> str:
        return f"d{of}/d{wrt}" + ("|local" if local else "")

    def transpose_mark(self) -> str:
        return "^T"

    def odot(self) -> str:
        return " .* "

    def matmul_join(self) -> str:
        return "*"

    def slash(self) -> str:
        return " / "


class LatexPrinter(Printer):
    """LaTeX maths for pdflatex with amsmath: commands only, never a raw Unicode character."""

    minus = "-"
    halves = False
    flat_subscripts = False
    functions: ClassVar[dict[str, tuple[str, str]]] = function_heads("latex")
    relations: ClassVar[dict[str, str]] = {"=": "=", "≈": "\\approx", "←": "\\leftarrow", "≠": "\\neq", "≤": "\\le",
                 "≥": "\\ge", ">": ">", "<": "<"}
    prime_mark = "'"

    def name(self, name: str) -> str:
        return names.name_latex(name)

    def number_fraction(self, top: str, bottom: str, negative: bool) -> Frag:
        text = ("-" if negative else "") + f"\\frac{{{top}}}{{{bottom}}}"
        return Frag(text, ATOM, "num", "num", negative, True)

    def paren(self, frag: Frag) -> Frag:
        tall = "\\frac" in frag.text or "matrix}" in frag.text
        text = f"\\left({frag.text}\\right)" if tall else f"({frag.text})"
        return replace(frag, text=text, level=ATOM, first="paren", last="paren", neg=False, slash=False)

    def _Partial(self, node: Partial) -> Frag:
        text = f"\\frac{{\\partial {self.label(node.of)}}}{{\\partial {self.label(node.wrt)}}}"
        if node.local:
            text = f"\\left.{text}\\right|_{{\\text{{local}}}}"
        return Frag(text, ATOM, "partial", "partial")

    def fraction(self, top: Frag, bottom: Frag) -> Frag:
        return Frag(f"\\frac{{{top.text}}}{{{bottom.text}}}", ATOM, "paren", "paren")

    def superscript(self, exponent: MathExpr) -> str:
        return "^{" + self.frag(exponent).text + "}"

    def exponential(self, arg: Frag) -> Frag:
        return Frag("e^{" + arg.text + "}", POW, "sym", "call")

    def apply(self, head: str, arg: Frag) -> str:
        return head + self.paren(arg).text

    def entry(self, name: str, indices: list[str]) -> str:
        return f"{name}[{', '.join(indices)}]"

    inline_columns = False  # displays draw every matrix; _inline_print turns this on in a line

    def inline_matrix(self, cells: list[list[str]]) -> str:
        if self.inline_columns and is_column(cells):
            return Printer.inline_matrix(self, cells)
        body = " \\\\ ".join(" & ".join(row) for row in cells)
        return f"\\begin{{bmatrix}} {body} \\end{{bmatrix}}"

    def transpose_mark(self) -> str:
        return "^{\\mathsf{T}}"

    def odot(self) -> str:
        return " \\odot "

    def matmul_join(self) -> str:
        return " "

    def dot(self) -> str:
        return " \\cdot "

    def cross(self) -> str:
        return " \\times "

    def juxtapose(self) -> str:
        return " "


class TypstPrinter(LatexPrinter):
    """Typst maths (the PDF export): frac(), mat(delim: "["), op("ReLU"), w_(h_1, x_2)."""

    functions: ClassVar[dict[str, tuple[str, str]]] = function_heads("typst")
    relations: ClassVar[dict[str, str]] = {"=": "=", "≈": "approx", "←": "<-", "≠": "!=", "≤": "<=", "≥": ">=",
                                           ">": ">", "<": "<"}

    def name(self, name: str) -> str:
        return names.name_typst(name)

    def number_fraction(self, top: str, bottom: str, negative: bool) -> Frag:
        text = ("-" if negative else "") + f"frac({top}, {bottom})"
        return Frag(text, ATOM, "num", "num", negative, True)

    def paren(self, frag: Frag) -> Frag:
        return replace(frag, text=f"({frag.text})", level=ATOM, first="paren", last="paren",
                       neg=False, slash=False)

    def _Partial(self, node: Partial) -> Frag:
        text = f"frac(partial {self.label(node.of)}, partial {self.label(node.wrt)})"
        if node.local:
            text = f'lr({text} |)_"local"'
        return Frag(text, ATOM, "partial", "partial")

    def fraction(self, top: Frag, bottom: Frag) -> Frag:
        return Frag(f"frac({top.text}, {bottom.text})", ATOM, "paren", "paren")

    def superscript(self, exponent: MathExpr) -> str:
        text = self.frag(exponent).text
        return "^" + text if text.isdigit() else f"^({text})"

    def exponential(self, arg: Frag) -> Frag:
        return Frag(f"e^({arg.text})", POW, "sym", "call")

    def entry(self, name: str, indices: list[str]) -> str:
        return f"{name} [{', '.join(indices)}]"

    inline_columns = False

    def inline_matrix(self, cells: list[list[str]]) -> str:
        if self.inline_columns and is_column(cells):
            return Printer.inline_matrix(self, cells)
        body = "; ".join(", ".join(row) for row in cells)
        return f'mat(delim: "[", {body})'

    def transpose_mark(self) -> str:
        return "^T"

    def odot(self) -> str:
        return " dot.o "

    def dot(self) -> str:
        return " dot "

    def cross(self) -> str:
        return " times "


class HtmlPrinter(Printer):
    """Unicode with <i>, <sub> and <sup>: no MathML, no script, safe inside any element."""

    flat_subscripts = False
    relations: ClassVar[dict[str, str]] = {**Printer.relations, ">": "&gt;", "<": "&lt;"}

    def name(self, name: str) -> str:
        return names.name_html(name)

    def superscript(self, exponent: MathExpr) -> str:
        return "<sup>" + self.frag(exponent).text + "</sup>"

    def exponential(self, arg: Frag) -> Frag:
        return Frag(f"<i>e</i><sup>{arg.text}</sup>", POW, "sym", "call")

    def partial(self, of: str, wrt: str, local: bool) -> str:
        return f"∂{of}/∂{wrt}" + ("|<sub>local</sub>" if local else "")

    inline_columns = False

    def inline_matrix(self, cells: list[list[str]]) -> str:
        if len(cells) == 1 or (self.inline_columns and is_column(cells)):
            return super().inline_matrix(cells)
        return html_matrix(cells)

    def transpose_mark(self) -> str:
        return "<sup>T</sup>"


def html_matrix(cells: list[list[str]]) -> str:
    """A bracketed matrix as an inline table with inline styles (no stylesheet needed)."""
    cell = '<td style="padding:0 0.4em;text-align:right">'
    rows = "".join("<tr>" + "".join(f"{cell}{c}</td>" for c in row) + "</tr>" for row in cells)
    style = ("display:inline-table;vertical-align:middle;border-collapse:collapse;"
             "border-left:1px solid;border-right:1px solid;border-radius:2px")
    return f'<table class="gatebp-matrix" style="{style}">{rows}</table>'
