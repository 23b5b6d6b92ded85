"""One self-contained HTML file: a paper that reads on screen and prints like the PDF.

Everything is inline (CSS, the network figures as SVG), nothing loads from the network at view
time, so the file works offline, from e-mail or a USB stick. Printed, it follows the PDF: the
header block with Name / Roll number / Date and the instructions, the 1-mark then the 2-mark
block, an answer sheet on its own page, then the key on a new page (a key printed alone starts
on page 1). A question stays short enough not to split: the figure carries the network, and the
given values and node definitions below it are a compact grid of `name = value` cells, several
per line, not a table with a row per name; printed, the grid is left out, since the figure
carries the same values (as the PDF prints it). The pieces (`stem_html`, `options_html`,
`solution_html`) are reused by the Anki and Moodle exports.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from html import escape
from typing import TYPE_CHECKING, Literal

from gatebp.core.errors import GatebpError
from gatebp.gate.question import Question
from gatebp.ui.export.common import graph_parts, key_rows, tag_text, worked_steps
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
from gatebp.ui.mathtext import show

if TYPE_CHECKING:
    from gatebp.ui.export import ExportOptions

Maths = Literal["html", "mathjax"]
_NUMERIC = re.compile(r"\s*-?[0-9][0-9.]*(\s*/\s*[0-9]+)?\s*")  # -8, 0.25, 1/3

CSS = """
:root { --ink: #1b1b1b; --muted: #555; --rule: #ccc; --accent: #1d4f91; --shade: #f1f4f9; }
* { box-sizing: border-box; }
body { font-family: "DejaVu Serif", Georgia, "Times New Roman", serif; color: var(--ink);
       max-width: 52rem; margin: 2rem auto; padding: 0 1rem; line-height: 1.45; }
h1 { font-size: 1.6rem; margin-bottom: .2rem; }
h2 { font-size: 1.25rem; border-bottom: 2px solid var(--accent); padding-bottom: .2rem; }
h2.group { font-size: 1.05rem; border: 0; background: var(--shade); padding: .3rem .5rem; }
.meta { color: var(--muted); margin-top: 0; }
.front { border: 1px solid var(--muted); padding: .6rem .8rem; margin: .8rem 0; }
.facts, .fields { display: flex; justify-content: space-between; gap: 1rem; flex-wrap: wrap; }
.fields { margin-top: .8rem; }
.field { flex: 1; min-width: 9rem; border-bottom: 1px solid var(--ink); padding-top: .6rem; }
.instructions { font-size: .92rem; }
.question { border-top: 1px solid var(--rule); padding: .8rem 0; }
.question h3 { margin: 0 0 .4rem; font-size: 1.05rem; }
.tag { font-weight: normal; color: var(--muted); font-size: .9rem; margin-left: .6rem; }
.text, .step { white-space: pre-line; }
div.text { margin: .5rem 0 .7rem; }
.hint { color: var(--muted); font-style: italic; font-size: .9rem; }
figure.net { margin: .6rem 0; overflow-x: auto; }
figure.net svg { max-width: 100%; height: auto; }
ul.values { list-style: none; padding: 0; margin: .3rem 0;
            display: grid; grid-template-columns: repeat(auto-fill, minmax(11rem, 1fr));
            gap: .15rem 1rem; font-size: .95rem; }
table { border-collapse: collapse; margin: .4rem 0; }
th, td { border: 1px solid var(--rule); padding: .2rem .6rem; text-align: left; }
th { background: var(--shade); }
code { font-family: "DejaVu Sans Mono", Menlo, Consolas, monospace; font-size: .92em; }
ol.options { list-style: none; padding-left: .4rem; }
ol.options li { margin: .2rem 0; }
.label { font-weight: bold; margin-right: .4rem; }
.sheet table { display: inline-table; vertical-align: top; margin-right: 2rem; }
.sheet td { border: 0; padding: .15rem .4rem; }
.bubble { display: inline-block; width: 1.3em; height: 1.3em; border: 1px solid var(--ink);
          border-radius: 50%; text-align: center; font-size: .75em; line-height: 1.25em;
          margin-right: .2em; }
.natbox { display: inline-block; width: 9rem; height: 1.3em; border: 1px solid var(--ink); }
.key, .solutions, .sheet { margin-top: 2rem; }
.solution { border-top: 1px solid var(--rule); padding: .6rem 0; }
.solution .stem { border-left: 3px solid var(--rule); padding-left: .6rem; font-size: .92rem; }
.answer { font-weight: bold; color: var(--accent); }
.math { font-family: "DejaVu Serif", "Cambria Math", "STIX Two Math", serif; white-space: nowrap; }
.math-display { display: block; margin: .3rem 0 .3rem 1.5rem; white-space: nowrap; }
table.gatebp-matrix { margin: 0 .15em; print-color-adjust: exact; -webkit-print-color-adjust: exact;
  background: linear-gradient(currentColor, currentColor) left top / .3em 1px no-repeat,
    linear-gradient(currentColor, currentColor) left bottom / .3em 1px no-repeat,
    linear-gradient(currentColor, currentColor) right top / .3em 1px no-repeat,
    linear-gradient(currentColor, currentColor) right bottom / .3em 1px no-repeat; }
table.gatebp-matrix td { border: 0; }
@media print {
  @page { size: A4; margin: 16mm; }
  body { max-width: none; margin: 0; padding: 0; font-size: 10.5pt; }
  .question, .solution, .front { break-inside: avoid; page-break-inside: avoid; }
  h2, h3 { break-after: avoid; page-break-after: avoid; }
  .sheet, .after-paper { break-before: page; page-break-before: always; }
  figure.net { overflow: visible; }
  figure.net + ul.values { display: none; }
  a { color: inherit; text-decoration: none; }
}
""".strip()


class HtmlDocument(Document):
    """HTML's hooks: header block, mark groups, <main>, answer sheet, key and solutions."""

    def head(self, sheet: Sheet) -> list[str]:
        return [f"<header><h1>{escape(sheet.title)}</h1>",
                f'<p class="meta">{escape(sheet.meta)}</p></header>']

    def front(self, sheet: Sheet) -> list[str]:
        return [front_html(sheet)]

    def group(self, group: Group) -> list[str]:
        return [f'<h2 class="group">{escape(group.heading)}</h2>']

    def question(self, q: Question, number: int) -> str:
        return question_html(q, number)

    def paper(self, blocks: list[str], sheet: Sheet) -> list[str]:
        return ['<main class="paper">', *blocks, "</main>"]

    def answer_sheet(self, sheet: Sheet) -> list[str]:
        return [answer_sheet_html(sheet.questions)]

    def key(self, sheet: Sheet) -> list[str]:
        return [key_html(sheet.questions, after_paper=sheet.paper)]

    def solution(self, q: Question, number: int) -> str:
        return solution_html(q, number, stem=True)

    def solutions(self, blocks: list[str]) -> list[str]:
        head = '<section class="solutions"><h2>Worked solutions</h2>\n'
        return [head + "\n".join(blocks) + "</section>"]

    def finish(self, body: str, sheet: Sheet) -> str:
        return _page(sheet.title, body)


def render(questions: Sequence[Question], options: ExportOptions, *, paper: bool = True,
           key: bool = True) -> str:
    """A complete HTML document with the questions and/or the key."""
    return render_document(HtmlDocument(), questions, options, paper=paper, key=key)


def _page(title: str, body: str) -> str:
    return (f'<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
            f'<meta name="viewport" content="width=device-width, initial-scale=1">\n'
            f"<title>{escape(title)}</title>\n<style>\n{CSS}\n</style>\n</head>\n<body>\n"
            f"{body}\n</body>\n</html>\n")


def front_html(sheet: Sheet) -> str:
    """Time allowed, maximum marks, the candidate's fields, then the instructions."""
    facts = (f"<span><b>Time allowed:</b> {sheet.minutes} minutes</span>"
             f"<span><b>Maximum marks:</b> {sheet.total}</span>"
             f"<span><b>Questions:</b> {len(sheet.questions)}</span>")
    fields = "".join(f'<span class="field">{name}:</span>'
                     for name in ("Name", "Roll number", "Date"))
    items = "".join(f"<li>{escape(line)}</li>"
                    for line in instructions(sheet, answer_sheet=True))
    return (f'<section class="front"><div class="facts">{facts}</div>'
            f'<div class="fields">{fields}</div></section>\n'
            f'<section class="instructions"><b>Instructions</b><ol>{items}</ol></section>')


def question_html(q: Question, number: int) -> str:
    """One question: number, type and marks, stem, network and options."""
    return (f'<section class="question" id="q{number}">\n'
            f'<h3>Q.{number}<span class="tag">{escape(tag_text(q))}</span></h3>\n'
            f"{stem_html(q)}\n{options_html(q)}\n"
            f'<p class="hint">{escape(paper_hint(q))}</p>\n</section>')


def stem_html(q: Question, *, diagram: str | None = None, maths: Maths = "html",
              values: str | None = None) -> str:
    """The question text, its network figure and the given values and nodes.

    `diagram` replaces the inline SVG (Moodle and Anki point at an attached file instead);
    `maths` is "html" (the printer's HTML) or "mathjax" (`\\( ... \\)` for Anki); `values`
    replaces the values grid (Anki's weight matrices, printed before the figure).
    """
    parts = [text_html(q.text, maths)]
    if q.graph:
        picture = diagram if diagram is not None else inline_svg(q)
        if values is not None:
            parts.append(values)
        parts.append(f'<figure class="net">{picture}</figure>')
        if values is None:
            parts.append(values_html(q, maths))
    return "\n".join(parts)


def text_html(text: str, maths: Maths = "html", css: str = "text") -> str:
    """A stem, its maths through the printer ("mathjax": `\\( \\)` for Anki). A <div>, not a
    <p>: a matrix is a <table>, which would end a paragraph in every browser's parser."""
    return f'<div class="{css}">{markup_html(text, maths)}</div>'


def markup_html(text: str, maths: Maths = "html", *, inline: bool = False) -> str:
    """Markup as HTML: maths spans as the printer's HTML, or MathJax for Anki (`inline`: a
    display within the line, as an option after its letter)."""
    return show(text, "mathjax" if maths == "mathjax" else "html", escape, inline=inline)


def figure_svg(q: Question) -> str:
    """The standalone SVG of the question's network: the layered figure when it is a layered
    network, else the computation graph (gatebp.ui.figure decides)."""
    from gatebp.ui.export.svg_figure import svg_for_question_graph

    assert q.graph is not None
    return svg_for_question_graph(q.graph)


def inline_svg(q: Question) -> str:
    """The figure without its XML namespace (HTML5 needs none, and no URL appears in the page)."""
    return figure_svg(q).replace(' xmlns="http://www.w3.org/2000/svg"', "", 1)


def values_html(q: Question, maths: Maths = "html") -> str:
    """The given values and node definitions as `name = value` cells, several per line."""
    values, nodes = graph_parts(q)
    cells = [_equation(name, text, maths) for name, text in {**values, **nodes}.items()]
    return '<ul class="values">' + "".join(f"<li>{cell}</li>" for cell in cells) + "</ul>"


def _equation(name: str, text: str, maths: Maths) -> str:
    """Maths as the printer sets it, or the raw text as code when the parser refuses it."""
    from gatebp.core.maths import render_math, render_name

    try:
        if maths == "mathjax":
            source = f"{render_name(name, 'latex')} = {render_math(text, 'latex')}"
            return f"\\({escape(source)}\\)"
        return f"{render_name(name, 'html')} = {render_math(text, 'html')}"
    except (GatebpError, ValueError):
        return f"<code>{escape(name)} = {escape(text)}</code>"


def options_html(q: Question, maths: Maths = "html") -> str:
    """The options under their letters; with "mathjax", a numeric option is set as maths."""
    if not q.options:
        return ""
    items = [f'<li><span class="label">({escape(o.label)})</span>{_option(o.text, maths)}</li>'
             for o in q.options]
    return '<ol class="options">' + "".join(items) + "</ol>"


def _option(text: str, maths: Maths) -> str:
    if maths != "mathjax" or not _NUMERIC.fullmatch(text):
        return markup_html(text, maths, inline=True)
    from gatebp.core.maths import render_math

    try:
        return f"\\({escape(render_math(text, 'latex'))}\\)"
    except (GatebpError, ValueError):
        return escape(text)


def answer_sheet_html(numbered: Numbered) -> str:
    """One row per question, in two columns: bubbles A-D, or a box for a NAT answer."""
    rows = []
    for n, q in numbered:
        marks = ("".join(f'<span class="bubble">{escape(o.label)}</span>' for o in q.options)
                 or '<span class="natbox"></span>')
        rows.append(f"<tr><td><b>Q.{n}</b></td><td>{q.type}</td><td>{marks}</td></tr>")
    tables = "".join(f"<table>{''.join(column)}</table>"
                     for columns in sheet_columns(rows) for column in columns)
    fields = "".join(f'<span class="field">{name}:</span>' for name in ("Name", "Roll number"))
    return (f'<section class="sheet"><h2>Answer sheet</h2><div class="fields">{fields}</div>'
            f"{tables}</section>")


def key_html(numbered: Numbered, *, after_paper: bool = True) -> str:
    """The key table; it starts a new printed page only when the paper comes before it."""
    rows = "".join(f'<tr><td>Q.{n}</td><td>{t}</td><td>{m}</td><td class="answer">'
                   f"{escape(k)}</td></tr>" for n, t, m, k in key_rows(numbered))
    kind = "key after-paper" if after_paper else "key"
    return (f'<section class="{kind}" id="answer-key"><h2>Answer key</h2>\n<table><thead><tr>'
            "<th>Q</th><th>Type</th><th>Marks</th><th>Key</th></tr></thead>"
            f"<tbody>{rows}</tbody></table></section>")


def solution_html(q: Question, number: int | None = None, *, stem: bool = False,
                  maths: Maths = "html") -> str:
    """The key and the numbered working for one question (with `stem`, its text and options
    first, so a printed key is read without the paper)."""
    head = f"<h3>Q.{number}</h3>" if number is not None else ""
    repeat = (f'<div class="stem">{text_html(q.text, maths)}{options_html(q, maths)}</div>'
              if stem else "")
    steps = "".join(f'<li class="step">{markup_html(s.text, maths)}</li>' for s in worked_steps(q))
    return (f'<div class="solution">{head}<p>Key: <span class="answer">{escape(q.key_text())}'
            f"</span></p>{repeat}" + (f"<ol>{steps}</ol>" if steps else "") + "</div>")
