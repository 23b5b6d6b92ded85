"""A printable PDF paper, typeset by Typst from generated markup in one compile.

Typst runs in-process (the `typst` wheel) with its embedded fonts only, so the output does not
depend on what the machine has installed and no TeX is needed. The whole set is one document
compiled once (100 questions take well under a second or two). User text enters the markup only
as Typst string literals, so `#`, `$`, `*` or `]` in a question cannot break the document;
expressions are typeset as maths through the whitelisting parser, and the network is the same
SVG the HTML export shows, decoded by Typst.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from gatebp.gate.question import Question
from gatebp.ui.export.common import (
    graph_parts,
    key_rows,
    math_source,
    tag_text,
    type_hint,
    worked_steps,
)
from gatebp.ui.export.document import Document, Numbered, Sheet, render_document

if TYPE_CHECKING:
    from gatebp.ui.export import ExportOptions

PREAMBLE = """
#set document(title: {title}, date: none)
#set page(paper: "a4", margin: (x: 18mm, top: 20mm, bottom: 18mm), numbering: "1 / 1",
  header: align(right, text(size: 8pt, fill: luma(110), {running})))
#set text(font: ("New Computer Modern", "DejaVu Sans"), size: 10.5pt, hyphenate: false, lang: "en")
#set par(justify: false, leading: 0.6em)
#set table(stroke: 0.5pt + luma(160), inset: (x: 6pt, y: 4pt))
#show heading.where(level: 1): set text(size: 13pt)
#let qhead(n, tag) = block(below: 0.7em, sticky: true)[
  #text(weight: "bold", size: 11.5pt)[Q.#n] #h(0.8em) #text(size: 9pt, fill: luma(90), tag)]
#let option(label, body) = grid(columns: (2.2em, 1fr), text(weight: "bold")[(#label)], body)
#let hint(body) = text(size: 8.5pt, style: "italic", fill: luma(90), body)
#align(center)[#text(size: 16pt, weight: "bold", {title}) \\ #text(fill: luma(80), {meta})]
#v(0.6em)
""".lstrip()

MAX_DIAGRAM_PT = 470.0


def render(questions: Sequence[Question], options: ExportOptions, *, paper: bool = True,
           key: bool = True) -> bytes:
    """The PDF bytes of the paper and/or key."""
    return compile_typst(typst_source(questions, options, paper=paper, key=key))


class TypstDocument(Document):
    """Typst's hooks: the preamble (page setup, title block), a page break before the key."""

    def head(self, sheet: Sheet) -> list[str]:
        options = sheet.options
        running = options.title + (f" \u00b7 version {options.version}" if options.version else "")
        return [PREAMBLE.format(title=tstr(sheet.title), meta=tstr(sheet.meta),
                                running=tstr(running))]

    def question(self, q: Question, number: int) -> str:
        return question_typst(q, number)

    def key_break(self) -> list[str]:
        return ["#pagebreak()"]

    def key(self, sheet: Sheet) -> list[str]:
        return [key_typst(sheet.questions)]

    def solution(self, q: Question, number: int) -> str:
        return solution_typst(q, number)

    def solutions(self, blocks: list[str]) -> list[str]:
        return ["= Worked solutions", *blocks]

    def finish(self, body: str, sheet: Sheet) -> str:
        return body + "\n"


def typst_source(questions: Sequence[Question], options: ExportOptions, *, paper: bool = True,
                 key: bool = True) -> str:
    """The Typst markup for the set (kept public so it can be inspected or saved)."""
    return render_document(TypstDocument(), questions, options, paper=paper, key=key)


def compile_typst(source: str) -> bytes:
    """Compile markup to PDF bytes; a Typst failure becomes one ExportError line."""
    import typst

    from gatebp.ui.export import ExportError

    try:
        return bytes(typst.compile(source.encode("utf-8"), format="pdf", ignore_system_fonts=True))
    except typst.TypstError as error:
        message = (getattr(error, "message", "") or str(error)).splitlines()[0]
        raise ExportError(f"Typst could not typeset the set: {message}") from None


def tstr(text: str) -> str:
    """A Typst string literal: the only way user text enters the markup."""
    out = text.replace("\\", "\\\\").replace('"', '\\"').replace("\r", "")
    return '"' + out.replace("\n", "\\n").replace("\t", "\\t") + '"'


def tcontent(text: str) -> str:
    """User text as content, keeping the author's line breaks."""
    lines = text.splitlines() or [""]
    return " #linebreak() ".join(f"#{tstr(line)}" for line in lines)


def question_typst(q: Question, number: int) -> str:
    body = [f"#qhead({tstr(str(number))}, {tstr(tag_text(q))})", tcontent(q.text)]
    if q.graph:
        body.append(graph_typst(q))
    if q.options:
        body += [f"#option({tstr(o.label)}, [{tcontent(o.text)}])" for o in q.options]
    body.append(f"#hint({tstr(type_hint(q))})")
    inner = "\n\n".join(body)
    return (f"#block(breakable: false, width: 100%, above: 1.4em)[\n{inner}\n]\n"
            "#line(length: 100%, stroke: 0.4pt + luma(200))")


def graph_typst(q: Question) -> str:
    """The SVG diagram, then the values and node equations typeset as maths."""
    from gatebp.ui.export.diagram import layout, svg_diagram

    assert q.graph is not None
    width = min(layout(q.graph).width * 0.75, MAX_DIAGRAM_PT)
    picture = (f"#align(center, image(bytes({tstr(svg_diagram(q.graph))}), format: \"svg\", "
               f"width: {width:.1f}pt))")
    values, nodes = graph_parts(q)
    cells = [equation(name, text) for name, text in {**values, **nodes}.items()]
    table = f"#grid(columns: 3, column-gutter: 2.5em, row-gutter: 0.7em, {', '.join(cells)})"
    return picture + "\n\n" + table


def equation(name: str, text: str) -> str:
    """`name = expression` as Typst maths, or as code when the parser refuses the text."""
    from gatebp.ui.export.common import math_name

    maths = math_source(text, "typst")
    if maths is None:
        return f"[#raw({tstr(name + ' = ' + text)})]"
    return f"[${math_name(name, 'typst')} = {maths}$]"


def key_typst(numbered: Numbered) -> str:
    cells = ["[*Question*]", "[*Type*]", "[*Marks*]", "[*Key*]"]
    header = f"table.header({', '.join(cells)})"
    rows = [f"[Q.{n}], [{t}], [{m}], [#{tstr(k)}]" for n, t, m, k in key_rows(numbered)]
    return ("= Answer key\n#table(columns: (auto, auto, auto, auto), "
            + header + ",\n" + ",\n".join(rows) + ")")


def solution_typst(q: Question, number: int) -> str:
    steps = ", ".join(f"[{tcontent(s.text)}]" for s in worked_steps(q))
    working = f"\n#enum({steps})" if steps else ""
    return (f"#block(breakable: true, width: 100%, above: 1.1em)[*Q.{number}* #h(0.8em) "
            f"Key: *#{tstr(q.key_text())}*{working}\n]")
