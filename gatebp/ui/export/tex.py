"""LaTeX source a teacher can edit and compile with pdflatex (standard TeX Live packages only).

User text is escaped character by character (the ten specials, and the Unicode maths symbols
that gatebp's texts use, mapped to LaTeX commands), so no question can break the document or run
a command. Expressions are typeset as maths through the whitelisting parser. The network is a
TikZ picture placed with the same layout as the SVG, followed by a table of the values.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from gatebp.gate.question import Question
from gatebp.ui.export.common import (
    graph_parts,
    key_rows,
    math_name,
    math_source,
    tag_text,
    type_hint,
    worked_steps,
)
from gatebp.ui.export.document import Document, Group, Numbered, Sheet, render_document

if TYPE_CHECKING:
    from gatebp.ui.export import ExportOptions
    from gatebp.ui.export.diagram import Box

PREAMBLE = r"""\documentclass[11pt,a4paper]{article}
\usepackage[utf8]{inputenc}
\usepackage[T1]{fontenc}
\usepackage{lmodern}
\usepackage{textcomp}
\usepackage{amsmath,amssymb}
\usepackage[margin=20mm]{geometry}
\usepackage{graphicx}
\usepackage{tikz}
\usetikzlibrary{shapes.geometric}
\setlength{\parindent}{0pt}
\setlength{\parskip}{0.5em}
\pagestyle{plain}
"""

_SPECIALS = {
    "\\": r"\textbackslash{}", "{": r"\{", "}": r"\}", "$": r"\$", "&": r"\&", "#": r"\#",
    "^": r"\textasciicircum{}", "_": r"\_", "%": r"\%", "~": r"\textasciitilde{}",
    "<": r"\textless{}", ">": r"\textgreater{}", "|": r"\textbar{}",
}
_UNICODE = {
    "\u2202": r"$\partial$", "\u00b7": r"$\cdot$", "\u22c5": r"$\cdot$", "\u00d7": r"$\times$",
    "\u2212": r"$-$", "\u2264": r"$\le$", "\u2265": r"$\ge$", "\u2260": r"$\neq$",
    "\u2248": r"$\approx$", "\u2192": r"$\to$", "\u21d2": r"$\Rightarrow$", "\u2211": r"$\sum$",
    "\u221e": r"$\infty$", "\u2208": r"$\in$", "\u00b1": r"$\pm$", "\u2032": r"$'$",
    "\u00b2": r"\textsuperscript{2}", "\u00b3": r"\textsuperscript{3}", "\u2026": r"\ldots{}",
    "\u2013": "--", "\u2014": "---", "\u2018": "`", "\u2019": "'", "\u201c": "``", "\u201d": "''",
    "\u00a0": r"\nobreakspace{}", "\u2207": r"$\nabla$", "\u03c3": r"$\sigma$", "\u03b7": r"$\eta$",
    "\u03b1": r"$\alpha$", "\u03b2": r"$\beta$", "\u03b3": r"$\gamma$", "\u03b4": r"$\delta$",
    "\u0394": r"$\Delta$", "\u03bb": r"$\lambda$", "\u03b8": r"$\theta$", "\u03bc": r"$\mu$",
    "\u03b5": r"$\epsilon$", "\u03c6": r"$\phi$", "\u03c0": r"$\pi$", "\u03c4": r"$\tau$",
    "\u03c9": r"$\omega$", "\u2713": r"$\checkmark$", "\u2717": r"$\times$",
}


def escape_tex(text: str) -> str:
    """Plain text to LaTeX text; characters pdflatex cannot set (DEL, C1 controls, most of
    Unicode) become [U+XXXX], and other control characters are dropped.

    Line breaks become \\newline, except at the ends (where LaTeX has "no line here to end").
    """
    out = []
    for char in text.replace("\r", "").strip("\n"):
        if char in _SPECIALS:
            out.append(_SPECIALS[char])
        elif char in _UNICODE:
            out.append(_UNICODE[char])
        elif char == "\n":
            out.append("\\newline\n")
        elif ord(char) < 32 and char != "\t":
            continue
        elif 0x7F <= ord(char) <= 0x9F:  # DEL and C1: pdflatex stops on them
            out.append(f"[U+{ord(char):04X}]")
        elif ord(char) < 0x17F:
            out.append(char)
        else:
            out.append(f"[U+{ord(char):04X}]")
    return "".join(out)


class TexDocument(Document):
    """LaTeX's hooks: the preamble and title block, \\clearpage before the key."""

    key_suffix = " --- answer key"

    def head(self, sheet: Sheet) -> list[str]:
        return [PREAMBLE, "\\begin{document}",
                "\\begin{center}", f"{{\\Large\\bfseries {escape_tex(sheet.title)}}}\\\\[2pt]",
                escape_tex(sheet.meta), "\\end{center}"]

    def group(self, group: Group) -> list[str]:
        return [f"\\section*{{{escape_tex(group.heading)}}}"]

    def question(self, q: Question, number: int) -> str:
        return question_tex(q, number)

    def key_break(self) -> list[str]:
        return ["\\clearpage"]

    def key(self, sheet: Sheet) -> list[str]:
        return [key_tex(sheet.questions)]

    def solution(self, q: Question, number: int) -> str:
        return solution_tex(q, number)

    def solutions(self, blocks: list[str]) -> list[str]:
        return ["\\section*{Worked solutions}", *blocks]

    def tail(self, sheet: Sheet) -> list[str]:
        return ["\\end{document}"]

    def finish(self, body: str, sheet: Sheet) -> str:
        return body + "\n"


def render(questions: Sequence[Question], options: ExportOptions, *, paper: bool = True,
           key: bool = True) -> str:
    return render_document(TexDocument(), questions, options, paper=paper, key=key)


def question_tex(q: Question, number: int) -> str:
    parts = [f"\\subsection*{{Q.{number}\\quad{{\\small\\normalfont {escape_tex(tag_text(q))}}}}}",
             escape_tex(q.text), ""]
    if q.graph:
        parts += [tikz_diagram(q), graph_table_tex(q), ""]
    if q.options:
        items = [f"  \\item[{{({escape_tex(o.label)})}}] {escape_tex(o.text)}" for o in q.options]
        parts += ["\\begin{itemize}", *items, "\\end{itemize}"]
    parts += [f"{{\\small\\itshape {escape_tex(type_hint(q))}}}", "", "\\medskip\\hrule"]
    return "\n".join(parts)


def maths(text: str) -> str:
    """Expression text as inline maths, or as escaped typewriter text if the parser refuses."""
    source = math_source(text, "latex")
    return f"${source}$" if source is not None else f"\\texttt{{{escape_tex(text)}}}"


def tikz_diagram(q: Question) -> str:
    """A TikZ picture with the SVG's geometry (1 layout unit = 0.75pt), scaled down if wide."""
    from gatebp.ui.export.diagram import layout

    assert q.graph is not None
    plan = layout(q.graph)
    index = {box.name: i for i, box in enumerate(plan.boxes)}
    lines = ["\\begin{tikzpicture}[x=0.75pt, y=-0.75pt, >=stealth]"]
    lines += [_tikz_box(box, i) for i, box in enumerate(plan.boxes)]
    lines += [f"  \\draw[->, thick] (n{index[a]}) -- (n{index[b]});" for a, b in plan.edges]
    lines.append("\\end{tikzpicture}")
    picture = "\n".join(lines)
    if plan.width * 0.75 > 440:
        picture = f"\\resizebox{{\\linewidth}}{{!}}{{%\n{picture}}}"
    return f"\\begin{{center}}\n{picture}\n\\end{{center}}"


def _tikz_box(box: Box, i: int) -> str:
    fill = "blue!8" if box.leaf else "orange!12"
    caption = box.caption.removeprefix("= ")
    source = None if caption.endswith("\u2026") else math_source(caption, "latex")
    text = f"\\texttt{{{escape_tex(box.caption)}}}" if source is None else f"${'= ' if box.leaf else ''}{source}$"
    return (f"  \\node[draw, ellipse, fill={fill}, minimum width={2 * box.rx * 0.75:.1f}pt, "
            f"minimum height={2 * box.ry * 0.75:.1f}pt, inner sep=1pt"
            f"{', very thick' if box.output and not box.leaf else ''}] (n{i}) at "
            f"({box.x:.1f},{box.y:.1f}) {{${math_name(box.name, 'latex')}$}};\n"
            f"  \\node[font=\\scriptsize] at ({box.x:.1f},{box.y + box.ry + 11:.1f}) {{{text}}};")


def graph_table_tex(q: Question) -> str:
    values, nodes = graph_parts(q)
    rows = [f"  ${math_name(k, 'latex')}$ & {maths(v)} \\\\" for k, v in values.items()]
    rows += [f"  ${math_name(k, 'latex')}$ & {maths(v)} \\\\" for k, v in nodes.items()]
    return ("\\begin{center}\n\\begin{tabular}{ll}\n\\hline\n  name & given value / computed as "
            "\\\\\n\\hline\n" + "\n".join(rows) + "\n\\hline\n\\end{tabular}\n\\end{center}")


def key_tex(numbered: Numbered) -> str:
    rows = [f"  Q.{n} & {t} & {m} & {escape_tex(k)} \\\\" for n, t, m, k in key_rows(numbered)]
    return ("\\section*{Answer key}\n\\begin{tabular}{llll}\n\\hline\n"
            "  \\textbf{Question} & \\textbf{Type} & \\textbf{Marks} & \\textbf{Key} \\\\\n"
            "\\hline\n" + "\n".join(rows) + "\n\\hline\n\\end{tabular}")


def solution_tex(q: Question, number: int) -> str:
    key = escape_tex(q.key_text())
    head = f"\\subsection*{{Q.{number}\\quad{{\\normalfont Key: \\textbf{{{key}}}}}}}"
    if not worked_steps(q):
        return head
    items = [f"  \\item {escape_tex(step.text)}" for step in worked_steps(q)]
    return "\n".join([head, "\\begin{enumerate}", *items, "\\end{enumerate}"])
