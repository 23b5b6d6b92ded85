"""LaTeX source a teacher can edit and compile with pdflatex (standard TeX Live packages only).

User text goes through the maths printer's `to_latex` (gatebp.core.maths.escape): the LaTeX
specials are escaped and every Unicode character the bank and the generator emit (←, ℝ, ᵀ, Σ,
superscript runs, ŷ) becomes a command the preamble provides, so no question can break the
document or run a command, and nothing prints as a placeholder. The paper follows the PDF:
header block with instructions, 1-mark then 2-mark block, answer sheet, a tabled key and
solutions that repeat each stem. Each question is one minipage, so no page starts in the middle
of a question. The network is the layered figure of gatebp.ui.layout as a TikZ picture.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import TYPE_CHECKING

from gatebp.core.maths import to_latex
from gatebp.gate.question import Question
from gatebp.ui.export.common import key_rows, tag_text, worked_steps
from gatebp.ui.export.document import (
    Document,
    Group,
    Numbered,
    Sheet,
    instructions,
    paper_hint,
    render_document,
    sheet_columns,
)
from gatebp.ui.export.paper_figure import FigurePlan, plan_figure
from gatebp.ui.mathtext import show

if TYPE_CHECKING:
    from gatebp.ui.export import ExportOptions

PREAMBLE = r"""\documentclass[11pt,a4paper]{article}
\usepackage[utf8]{inputenc}
\usepackage[T1]{fontenc}
\usepackage{lmodern}
\usepackage{textcomp}
\usepackage{amsmath,amssymb}
\usepackage[margin=20mm]{geometry}
\usepackage{graphicx}
\usepackage{longtable}
\usepackage{tikz}
\setlength{\parindent}{0pt}
\setlength{\parskip}{0.5em}
\pagestyle{plain}
\newcommand{\bubble}[1]{\tikz[baseline=(b.base)]\node[draw,circle,inner sep=1.2pt,
  minimum size=13pt,font=\scriptsize](b){#1};}
\newcommand{\natbox}{\fbox{\rule{0pt}{10pt}\hspace{32mm}}}
\newcommand{\field}[2]{#1:~\rule{#2}{0.4pt}}
\newsavebox{\qstacked}\newsavebox{\qbeside}
% \fitq{stacked}{beside}: the stacked question if it fits the rest of the page (or the page is
% empty), else the beside form if that fits, else the stacked one (on the next page).
\newcommand{\fitq}[2]{\par\sbox{\qstacked}{#1}\sbox{\qbeside}{#2}%
  \dimen0=\pagegoal\advance\dimen0 by -\pagetotal
  \ifdim\dimexpr\ht\qstacked+\dp\qstacked\relax>\dimen0
    \ifdim\dimexpr\ht\qbeside+\dp\qbeside\relax>\dimen0 \usebox{\qstacked}\else
    \usebox{\qbeside}\fi
  \else\usebox{\qstacked}\fi}
"""
MAX_FIGURE_PT = 481.0  # the text width: 170 mm
_CONTROL = re.compile("([\x7f-\x9f])")


def escape_tex(text: str) -> str:
    """Plain text to LaTeX text through `to_latex`; DEL and C1 controls, which pdflatex stops
    on and no question holds once `safe_questions` has run, show as [U+XXXX].

    Line breaks become \\newline, except at the ends (where LaTeX has "no line here to end").
    """
    parts = _CONTROL.split(text)
    return "".join(f"[U+{ord(part):04X}]" if _CONTROL.fullmatch(part) else to_latex(part)
                   for part in parts)


def tex_text(text: str, *, inline: bool = False) -> str:
    """Markup as LaTeX: free text through `escape_tex`, maths spans as LaTeX maths ($...$,
    \\[ ... \\] with a bmatrix for a display)."""
    return show(text, "latex", escape_tex, inline=inline)


class TexDocument(Document):
    """LaTeX's hooks: preamble and header block, mark groups, answer sheet, tabled key."""

    key_suffix = " --- answer key"

    def head(self, sheet: Sheet) -> list[str]:
        return [PREAMBLE, "\\begin{document}",
                "\\begin{center}", f"{{\\Large\\bfseries {escape_tex(sheet.title)}}}\\\\[2pt]",
                escape_tex(sheet.meta), "\\end{center}"]

    def front(self, sheet: Sheet) -> list[str]:
        return [header_tex(sheet)]

    def group(self, group: Group) -> list[str]:
        return [f"\\section*{{{escape_tex(group.heading)}}}"]

    def question(self, q: Question, number: int) -> str:
        return question_tex(q, number)

    def answer_sheet(self, sheet: Sheet) -> list[str]:
        return ["\\clearpage", answer_sheet_tex(sheet.questions)]

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


def header_tex(sheet: Sheet) -> str:
    """Time allowed, maximum marks, the candidate's fields, then the instructions."""
    items = [f"  \\item {escape_tex(line)}" for line in instructions(sheet, answer_sheet=True)]
    return "\n".join([
        "\\noindent\\fbox{\\begin{minipage}{\\dimexpr\\linewidth-2\\fboxsep-2\\fboxrule}",
        (f"\\textbf{{Time allowed:}} {sheet.minutes} minutes\\hfill"
         f"\\textbf{{Maximum marks:}} {sheet.total}\\hfill\\textbf{{Questions:}} "
         f"{len(sheet.questions)}\\\\[8pt]"),
        "\\field{Name}{62mm}\\hfill\\field{Roll number}{35mm}\\hfill\\field{Date}{25mm}",
        "\\end{minipage}}", "", "\\textbf{Instructions}", "{\\small\\begin{enumerate}",
        *items, "\\end{enumerate}}"])


def question_tex(q: Question, number: int) -> str:
    """One question in one minipage: it moves to the next page whole or not at all. With a
    tall figure that leaves room for the options, `\\fitq` prints the question beside-form
    (figure left, options right) when the stacked form would not fit the rest of the page."""
    head = f"\\subsection*{{Q.{number}\\quad{{\\small\\normalfont {escape_tex(tag_text(q))}}}}}"
    rest = _options_tex(q) + [f"{{\\small\\itshape {escape_tex(paper_hint(q))}}}"]
    figure = [tikz_diagram(q), ""] if q.graph else []
    stacked = _minipage([head, tex_text(q.text), "", *figure, *rest])
    plan = plan_figure(q.graph, MAX_FIGURE_PT) if q.graph else None
    if plan is None or not plan.beside:
        return "\n".join([stacked, "", "\\medskip\\hrule"])
    return "\n".join([f"\\fitq{{%\n{stacked}}}{{%\n{_beside_tex(q, plan, head, rest)}}}", "",
                      "\\medskip\\hrule"])


def _minipage(lines: list[str]) -> str:
    return "\n".join(["\\noindent\\begin{minipage}{\\linewidth}", *lines, "\\end{minipage}"])


def _options_tex(q: Question) -> list[str]:
    if not q.options:
        return []
    items = [f"  \\item[{{({escape_tex(o.label)})}}] {tex_text(o.text, inline=True)}" for o in q.options]
    return ["\\begin{itemize}", *items, "\\end{itemize}"]


def _beside_tex(q: Question, plan: FigurePlan, head: str, rest: list[str]) -> str:
    """The stem across the page, then the figure at the legibility floor beside the options (a NAT
    question's stem goes beside the figure instead)."""
    from gatebp.ui.export.tikz_figure import tikz_figure

    width = f"{plan.beside_width:.1f}pt"
    picture = f"\\scalebox{{{plan.floor * plan.width / plan.drawing.width:.3f}}}{{%\n{tikz_figure(plan.drawing)}}}"
    right = rest if q.options else [tex_text(q.text), "", *rest]
    top = [head, tex_text(q.text), ""] if q.options else [head]
    return _minipage([*top, f"\\begin{{minipage}}[c]{{{width}}}", picture, "\\end{minipage}\\hfill",
                      f"\\begin{{minipage}}[c]{{\\dimexpr\\linewidth-{width}-12pt}}", *right,
                      "\\end{minipage}"])


def tikz_diagram(q: Question) -> str:
    """The layered figure (or the computation graph) at its natural size: 10 pt names."""
    from gatebp.ui.export.tikz_figure import tikz_figure
    from gatebp.ui.figure import figure_from_dict
    from gatebp.ui.layout import place

    assert q.graph is not None
    drawing = place(figure_from_dict(q.graph))
    picture = tikz_figure(drawing)
    if drawing.width > MAX_FIGURE_PT:
        picture = f"\\resizebox{{\\linewidth}}{{!}}{{%\n{picture}}}"
    return f"\\begin{{center}}\n{picture}\n\\end{{center}}"


def answer_sheet_tex(numbered: Numbered) -> str:
    """One row per question, in two columns: bubbles A-D, or a box for a NAT answer."""
    rows = [f"\\textbf{{Q.{n}}} & {q.type} & {_marks_tex(q)} \\\\[3pt]" for n, q in numbered]
    pages = ["\\hfill".join("\\begin{tabular}[t]{lll}\n" + "\n".join(column) + "\n\\end{tabular}"
                             for column in columns) for columns in sheet_columns(rows)]
    return ("\\section*{Answer sheet}\n\\field{Name}{80mm}\\hfill\\field{Roll number}{45mm}"
            "\n\n\\bigskip\n" + "\n\n\\clearpage\n".join(pages))


def _marks_tex(q: Question) -> str:
    return " ".join(f"\\bubble{{{escape_tex(o.label)}}}" for o in q.options) or "\\natbox"


def key_tex(numbered: Numbered) -> str:
    """The key table; a longtable, so a long key breaks across pages with its header row."""
    rows = [f"  Q.{n} & {t} & {m} & {escape_tex(k)} \\\\" for n, t, m, k in key_rows(numbered)]
    return ("\\section*{Answer key}\n\\begin{longtable}{llll}\n\\hline\n"
            "  \\textbf{Q} & \\textbf{Type} & \\textbf{Marks} & \\textbf{Key} \\\\\n"
            "\\hline\n\\endhead\n" + "\n".join(rows) + "\n\\hline\n\\end{longtable}")


def solution_tex(q: Question, number: int) -> str:
    """The key, the stem (and options) again, then the numbered working."""
    key = escape_tex(q.key_text())
    head = (f"\\subsection*{{Q.{number}\\quad{{\\small\\normalfont {escape_tex(tag_text(q))}}}"
            f"\\quad{{\\normalfont Key: \\textbf{{{key}}}}}}}")
    options = "".join(f"\\quad({escape_tex(o.label)}) {tex_text(o.text, inline=True)}" for o in q.options)
    stem = f"{{\\small {tex_text(q.text)}" + (f"\\par\\noindent{options}" if options else "") + "}"
    steps = worked_steps(q)
    if not steps:
        return f"{head}\n{stem}"
    items = [f"  \\item {tex_text(step.text)}" for step in steps]
    return "\n".join([head, stem, "\\begin{enumerate}", *items, "\\end{enumerate}"])
