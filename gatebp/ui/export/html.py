"""One self-contained HTML file: a paper that reads on screen and prints cleanly.

Everything is inline (CSS, the network diagrams as SVG), nothing loads from the network at view
time, so the file works offline, from e-mail or a USB stick. The print stylesheet starts the
answer key on a new page and keeps each question on one page. The pieces (`stem_html`,
`options_html`, `solution_html`) are reused by the Anki and Moodle exports.
"""

from __future__ import annotations

from collections.abc import Sequence
from html import escape
from typing import TYPE_CHECKING

from gatebp.gate.question import Question
from gatebp.ui.export.common import graph_parts, key_rows, tag_text, type_hint, worked_steps
from gatebp.ui.export.document import Document, Group, Numbered, Sheet, render_document

if TYPE_CHECKING:
    from gatebp.ui.export import ExportOptions

CSS = """
:root { --ink: #1b1b1b; --muted: #555; --rule: #ccc; --accent: #1d4f91; }
* { box-sizing: border-box; }
body { font-family: "DejaVu Serif", Georgia, "Times New Roman", serif; color: var(--ink);
       max-width: 52rem; margin: 2rem auto; padding: 0 1rem; line-height: 1.45; }
h1 { font-size: 1.6rem; margin-bottom: .2rem; }
h2 { font-size: 1.25rem; border-bottom: 2px solid var(--accent); padding-bottom: .2rem; }
.meta { color: var(--muted); margin-top: 0; }
.question { border-top: 1px solid var(--rule); padding: .8rem 0; }
.question h3 { margin: 0 0 .4rem; font-size: 1.05rem; }
.tag { font-weight: normal; color: var(--muted); font-size: .9rem; margin-left: .6rem; }
.text, .step { white-space: pre-line; }
.hint { color: var(--muted); font-style: italic; font-size: .9rem; }
figure.net { margin: .6rem 0; overflow-x: auto; }
figure.net svg { max-width: 100%; height: auto; }
table { border-collapse: collapse; margin: .4rem 0; }
th, td { border: 1px solid var(--rule); padding: .2rem .6rem; text-align: left; }
th { background: #f1f4f9; }
code { font-family: "DejaVu Sans Mono", Menlo, Consolas, monospace; font-size: .92em; }
ol.options { list-style: none; padding-left: .4rem; }
ol.options li { margin: .2rem 0; }
.label { font-weight: bold; margin-right: .4rem; }
.key, .solutions { margin-top: 2rem; }
.solution { border-top: 1px solid var(--rule); padding: .6rem 0; }
.answer { font-weight: bold; color: var(--accent); }
@media print {
  @page { size: A4; margin: 16mm; }
  body { max-width: none; margin: 0; padding: 0; font-size: 11pt; }
  .question, .solution { break-inside: avoid; page-break-inside: avoid; }
  .key { break-before: page; page-break-before: always; }
  figure.net { overflow: visible; }
  a { color: inherit; text-decoration: none; }
}
""".strip()


class HtmlDocument(Document):
    """HTML's hooks: the questions in <main>, the key and solutions in their sections."""

    def head(self, sheet: Sheet) -> list[str]:
        return [f"<header><h1>{escape(sheet.title)}</h1>",
                f'<p class="meta">{escape(sheet.meta)}</p></header>']

    def group(self, group: Group) -> list[str]:
        return [f'<h2 class="group">{escape(group.heading)}</h2>']

    def question(self, q: Question, number: int) -> str:
        return question_html(q, number)

    def paper(self, blocks: list[str], sheet: Sheet) -> list[str]:
        return ['<main class="paper">', *blocks, "</main>"]

    def key(self, sheet: Sheet) -> list[str]:
        return [key_html(sheet.questions)]

    def solution(self, q: Question, number: int) -> str:
        return solution_html(q, number)

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


def question_html(q: Question, number: int) -> str:
    """One question: number, type and marks, stem, network and options."""
    return (f'<section class="question" id="q{number}">\n'
            f'<h3>Q.{number}<span class="tag">{escape(tag_text(q))}</span></h3>\n'
            f"{stem_html(q)}\n{options_html(q)}\n"
            f'<p class="hint">{escape(type_hint(q))}</p>\n</section>')


def stem_html(q: Question, *, diagram: str | None = None) -> str:
    """The question text, its network diagram and the given values and nodes.

    `diagram` replaces the inline SVG (Moodle points at an attached file instead).
    """
    parts = [f'<p class="text">{escape(q.text)}</p>']
    if q.graph:
        picture = diagram if diagram is not None else inline_svg(q)
        parts.append(f'<figure class="net">{picture}</figure>')
        parts.append(graph_table_html(q))
    return "\n".join(parts)


def inline_svg(q: Question) -> str:
    """The diagram without its XML namespace (HTML5 needs none, and no URL appears in the page)."""
    from gatebp.ui.export.diagram import svg_diagram

    assert q.graph is not None
    return svg_diagram(q.graph).replace(' xmlns="http://www.w3.org/2000/svg"', "", 1)


def graph_table_html(q: Question) -> str:
    values, nodes = graph_parts(q)
    rows = [f"<tr><td><code>{escape(k)}</code></td><td>{escape(v)}</td></tr>"
            for k, v in values.items()]
    rows += [f"<tr><td><code>{escape(k)}</code></td><td><code>{escape(v)}</code></td></tr>"
             for k, v in nodes.items()]
    return ('<table class="graph"><thead><tr><th>name</th><th>given value / computed as</th>'
            "</tr></thead><tbody>" + "".join(rows) + "</tbody></table>")


def options_html(q: Question) -> str:
    if not q.options:
        return ""
    items = [f'<li><span class="label">({escape(o.label)})</span>{escape(o.text)}</li>'
             for o in q.options]
    return '<ol class="options">' + "".join(items) + "</ol>"


def key_html(numbered: Numbered) -> str:
    rows = "".join(f'<tr><td>Q.{n}</td><td>{t}</td><td>{m}</td><td class="answer">'
                   f"{escape(k)}</td></tr>" for n, t, m, k in key_rows(numbered))
    return ('<section class="key" id="answer-key"><h2>Answer key</h2>\n<table><thead><tr>'
            "<th>Question</th><th>Type</th><th>Marks</th><th>Key</th></tr></thead>"
            f"<tbody>{rows}</tbody></table></section>")


def solution_html(q: Question, number: int | None = None) -> str:
    """The key and the numbered working for one question."""
    head = f"<h3>Q.{number}</h3>" if number is not None else ""
    steps = "".join(f'<li class="step">{escape(s.text)}</li>' for s in worked_steps(q))
    return (f'<div class="solution">{head}<p>Key: <span class="answer">{escape(q.key_text())}'
            f"</span></p>" + (f"<ol>{steps}</ol>" if steps else "") + "</div>")
