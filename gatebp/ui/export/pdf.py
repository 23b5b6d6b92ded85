"""A printable PDF test paper, typeset by Typst from generated markup in one compile.

The paper is laid out the way a GATE-style test is handed out: a header block (title, time
allowed, maximum marks, Name / Roll number / Date fields), the instructions with the marking
scheme, the 1-mark block then the 2-mark block numbered continuously, and an answer sheet
(bubbles A-D for MCQ and MSQ, a box for each NAT). The key is a table (Q, type, marks, key)
followed by worked solutions that repeat each question's stem, so marking needs one file.

Typst runs in-process (the `typst` wheel) with its embedded fonts only (New Computer Modern
for text, its maths font and Libertinus for what those lack, DejaVu Sans Mono for code), so
the output does not depend on what the machine has installed, and a warning from Typst is a
bug: `compile_typst_checked` returns the warnings, and the tests fail on any. User text enters
the markup only as Typst string literals, so `#`, `$`, `*` or `]` in a question cannot break
the document; expressions are typeset as maths through the whitelisting parser, and the network
is the layered figure of gatebp.ui.layout, embedded as SVG at its natural size (names at 10 pt).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

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
from gatebp.ui.export.paper_figure import plan_figure
from gatebp.ui.mathtext import show

if TYPE_CHECKING:
    from gatebp.ui.export import ExportOptions

# Fonts Typst embeds, in fallback order: text, then maths symbols (∂, ≤, ℝ), then subscript
# digits (₁), which only Libertinus has. A family Typst lacks would be a warning.
TEXT_FONTS = ("New Computer Modern", "New Computer Modern Math", "Libertinus Serif")

BOTTOM_MARGIN = "18mm"
TEXT_WIDTH_PT = 493.2  # A4 less two 18 mm margins: 174 mm

PREAMBLE = """
#set document(title: {title}, date: none)
#set page(paper: "a4", margin: (x: 18mm, top: 20mm, bottom: {bottom}), numbering: "1 / 1",
  header: context if counter(page).get().first() > 1 [
    #align(right, text(size: 8pt, fill: luma(110), {running}))])
#set text(font: {font}, size: 10.5pt, hyphenate: false, lang: "en")
#set par(justify: false, leading: 0.6em)
#set table(stroke: 0.5pt + luma(160), inset: (x: 6pt, y: 4pt))
#show heading.where(level: 1): set text(size: 13pt)
#let qhead(n, tag, hint: none) = block(below: 0.7em, sticky: true, grid(columns: (auto, 1fr),
  align: (left + bottom, right + bottom),
  [#text(weight: "bold", size: 11.5pt)[Q.#n] #h(0.8em) #text(size: 9pt, fill: luma(90), tag)],
  text(size: 8.5pt, style: "italic", fill: luma(90), hint)))
#let option(label, body) = grid(columns: (2.2em, 1fr), text(weight: "bold")[(#label)], body)
#let options(..opts) = layout(size => {{
  let opts = opts.pos()
  let widest = calc.max(..opts.map(o => measure(o.at(1)).width)) + 2.2em.to-absolute()
  let cols = if 4 * widest + 3 * 14pt <= size.width {{ 4 }} else if 2 * widest + 14pt <= size.width {{ 2 }} else {{ 1 }}
  grid(columns: (1fr,) * cols, column-gutter: 14pt, row-gutter: 0.8em, ..opts.map(o => option(..o)))
}})
#let field(label) = [#label: #box(width: 1fr, height: 1.1em, stroke: (bottom: 0.5pt))]
#let group(body) = block(width: 100%, above: 1.6em, below: 0.2em, sticky: true, fill: luma(232),
  inset: (x: 6pt, y: 5pt), text(weight: "bold", body))
#let bubble(letter) = box(baseline: 25%, circle(radius: 6pt, stroke: 0.6pt + luma(60), inset: 0pt,
  align(center + horizon, text(size: 7.5pt, letter))))
#let natbox = box(baseline: 25%, width: 36mm, height: 14pt, stroke: 0.6pt + luma(60))
#let sides = true
#let stacked(head, stem, fig, opts, s) = block(breakable: false)[
  #head
  #stem
  #align(center, fig(s))
  #opts]
#let beside(head, stem, fig, opts, s, natw) = block(breakable: false)[
  #head
  #if opts != none [#stem]
  #grid(columns: (natw * s, 1fr), column-gutter: 12pt, align: horizon, fig(s),
    if opts == none {{ stem }} else {{ opts }})]
#let wrapped(head, stem, fig, opts, s, natw) = block(breakable: false)[
  #head
  #grid(columns: (1fr, natw * s), column-gutter: 12pt, [#stem #v(0.5em) #opts], fig(s))]
#let fitq(figh, natw, floor, head, stem, fig, opts) = block(breakable: false, width: 100%,
  above: 1.4em, layout(size => context {{
    // a tall, narrow figure sits beside the text wherever that is shorter than stacked
    let full = stacked(head, stem, fig, opts, 1.0)
    if sides and natw + 12pt <= 0.5 * size.width {{
      let forms = (full, beside(head, stem, fig, opts, 1.0, natw), wrapped(head, stem, fig, opts, 1.0, natw))
      full = forms.sorted(key: f => measure(f, width: size.width).height).first()
    }}
    let marks = query(selector(<fit>).or(<grp>).before(here()))
    let ends = marks.filter(m => m.label == <fit>)
    if ends.len() == 0 {{ return full }}
    let heading = if marks.last().label == <grp> {{ 45pt }} else {{ 0pt }}
    // the space above this question and the rule below it (a block's default spacing)
    let gaps = 1.4em.to-absolute() + 1.2em.to-absolute() + 2pt
    let room = page.height - {bottom} - ends.last().location().position().y - gaps - heading
    let height = measure(full, width: size.width).height
    if height <= room {{ return full }}
    let s = 1.0 - (height - room) / figh
    if s >= floor {{ return stacked(head, stem, fig, opts, s) }}
    for s in (1.0, 0.9, 0.8, floor).filter(s => sides and s >= floor) {{
      if natw * s + 12pt > 0.62 * size.width {{ continue }}
      for form in (beside, wrapped) {{
        let body = form(head, stem, fig, opts, s, natw)
        if measure(body, width: size.width).height <= room {{ return body }}
      }}
    }}
    full
  }}))
#let stem(body) = block(width: 100%, inset: (left: 8pt, y: 2pt), stroke: (left: 1.5pt + luma(190)),
  text(size: 9.5pt, body))
#align(center)[#text(size: 16pt, weight: "bold", {title}) \\ #text(fill: luma(80), {meta})]
#v(0.4em)
""".lstrip()


class TypstDocument(Document):
    """Typst's hooks: the test-paper header, mark groups, an answer sheet, a tabled key."""

    def head(self, sheet: Sheet) -> list[str]:
        options = sheet.options
        running = options.title + (f" \u00b7 version {options.version}" if options.version else "")
        return [PREAMBLE.format(title=tstr(sheet.title), meta=tstr(sheet.meta),
                                running=tstr(running), bottom=BOTTOM_MARGIN,
                                font="(" + ", ".join(map(tstr, TEXT_FONTS)) + ")")]

    def front(self, sheet: Sheet) -> list[str]:
        return [header_block(sheet), instructions_typst(sheet)]

    def group(self, group: Group) -> list[str]:
        return [f"#group({tstr(group.heading)})#metadata(none)<grp>"]

    def question(self, q: Question, number: int) -> str:
        return question_typst(q, number)

    def answer_sheet(self, sheet: Sheet) -> list[str]:
        return ["#pagebreak()", answer_sheet_typst(sheet.questions)]

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


def render(questions: Sequence[Question], options: ExportOptions, *, paper: bool = True,
           key: bool = True) -> bytes:
    """The PDF bytes of the paper and/or key."""
    return compile_typst(typst_source(questions, options, paper=paper, key=key))


def typst_source(questions: Sequence[Question], options: ExportOptions, *, paper: bool = True,
                 key: bool = True) -> str:
    """The Typst markup for the set (kept public so it can be inspected or saved)."""
    return render_document(TypstDocument(), questions, options, paper=paper, key=key)


def compile_typst(source: str) -> bytes:
    """Compile markup to PDF bytes; a Typst failure becomes one ExportError line."""
    return compile_typst_checked(source)[0]


SIDES_ON, SIDES_OFF = "#let sides = true", "#let sides = false"


def compile_typst_checked(source: str) -> tuple[bytes, list[str]]:
    """The PDF bytes and every warning Typst gave (the tests require none). Each figure's
    place depends on where the question before it ended, so a long paper in which many
    figures move beside their text may not settle in Typst's five layout passes; it is then
    typeset again with every figure stacked (still shrunk to fit), which always settles."""
    pdf, warnings = _compile(source)
    if SIDES_ON in source and any("converge" in w or "stabilize" in w for w in warnings):
        pdf, warnings = _compile(source.replace(SIDES_ON, SIDES_OFF, 1))
    return pdf, warnings


def _compile(source: str) -> tuple[bytes, list[str]]:
    import typst

    from gatebp.ui.export import ExportError

    try:
        pdf, warnings = typst.compile_with_warnings(source.encode("utf-8"), format="pdf",
                                                    ignore_system_fonts=True)
    except typst.TypstError as error:
        message = (getattr(error, "message", "") or str(error)).splitlines()[0]
        raise ExportError(f"Typst could not typeset the set: {message}") from None
    return bytes(pdf), [getattr(w, "message", str(w)) for w in warnings]


def tstr(text: str) -> str:
    """A Typst string literal: the only way user text enters the markup."""
    out = text.replace("\\", "\\\\").replace('"', '\\"').replace("\r", "")
    return '"' + out.replace("\n", "\\n").replace("\t", "\\t") + '"'


def tcontent(text: str) -> str:
    """User text as content, keeping the author's line breaks."""
    lines = text.splitlines() or [""]
    return " #linebreak() ".join(f"#{tstr(line)}" for line in lines)


def typst_text(text: str, *, inline: bool = False) -> str:
    """Markup as Typst content: free text as string literals (line breaks kept), maths spans
    as Typst maths ($...$; a display as a block equation with `mat(...)`)."""
    return show(text, "typst", tcontent, inline=inline)


# --- the paper ------------------------------------------------------------------------------

def header_block(sheet: Sheet) -> str:
    """Time allowed, maximum marks and the candidate's Name / Roll number / Date fields."""
    facts = [f"[*Time allowed:* {sheet.minutes} minutes]", f"[*Maximum marks:* {sheet.total}]",
             f"[*Questions:* {len(sheet.questions)}]"]
    fields = ", ".join(f"field({tstr(name)})" for name in ("Name", "Roll number", "Date"))
    return ("#block(width: 100%, stroke: 0.6pt + luma(90), radius: 2pt, inset: 9pt)[\n"
            f"#grid(columns: (1fr, 1fr, 1fr), {', '.join(facts)})\n#v(6pt)\n"
            f"#grid(columns: (1.5fr, 1fr, 0.8fr), column-gutter: 14pt, {fields})\n]")


def instructions_typst(sheet: Sheet) -> str:
    items = ", ".join(f"[{tcontent(line)}]" for line in instructions(sheet, answer_sheet=True))
    return (f"#block(above: 1em, below: 1.2em)[*Instructions*\n"
            f"#text(size: 9.5pt, enum(spacing: 0.7em, {items}))\n#metadata(none)<fit>\n]")


def question_typst(q: Question, number: int) -> str:
    """One question, never split across pages; short options share a line (four or two to a
    row, as GATE prints them). A figure goes where the page stays full
    (gatebp.ui.export.paper_figure): below the stem at its natural size when the question fits
    the rest of the page, else shrunk toward the legibility floor, else beside the options (a
    NAT's stem) or with the stem and options wrapped at its left, else (natural size) on the
    next page; Typst measures the room left as it lays the page out."""
    head = f"qhead({tstr(str(number))}, {tstr(tag_text(q))}, hint: {tstr(paper_hint(q))})"
    pairs = ", ".join(f"({tstr(o.label)}, [{typst_text(o.text, inline=True)}])" for o in q.options)
    options = f"options({pairs})" if q.options else "none"
    stem = f"[{typst_text(q.text)}]"
    rule = "\n#block[#line(length: 100%, stroke: 0.4pt + luma(200))#metadata(none)<fit>]"
    if not q.graph:
        return (f"#block(breakable: false, width: 100%, above: 1.4em)[\n#{head}\n{stem[1:-1]}\n\n"
                f"#{options}\n]" + rule)
    from gatebp.ui.export.typst_figure import typst_image

    plan = plan_figure(q.graph, TEXT_WIDTH_PT)
    figure = f"s => {typst_image(plan.drawing, f'{plan.width:.1f}pt * s')}"
    return (f"#fitq({plan.height:.1f}pt, {plan.width:.1f}pt, {plan.floor:.3f},\n{head},\n{stem},\n"
            f"{figure},\n{options})" + rule)


def answer_sheet_typst(numbered: Numbered) -> str:
    """One row per question, in two columns: a bubble per option (MCQ, MSQ) or a box to write
    in (NAT)."""
    rows = []
    for number, q in numbered:
        marks = (" ".join(f"#bubble({tstr(o.label)})" for o in q.options) if q.options
                 else "#natbox")
        rows.append(f"[*Q.{number}*], [{q.type}], [{marks}]")
    pages = [", ".join("table(columns: (auto, auto, 1fr), stroke: none, inset: (x: 4pt, y: 4pt),\n"
                       + ",\n".join(column) + ")" for column in columns)
             for columns in sheet_columns(rows)]
    fields = ", ".join(f"field({tstr(name)})" for name in ("Name", "Roll number"))
    grids = "\n#pagebreak()\n".join(
        f"#grid(columns: (1fr, 1fr), column-gutter: 8mm,\n{page})" for page in pages)
    return ("= Answer sheet\n"
            f"#grid(columns: (1.5fr, 1fr), column-gutter: 14pt, {fields})\n#v(0.8em)\n" + grids)


# --- the key --------------------------------------------------------------------------------

def key_typst(numbered: Numbered) -> str:
    cells = ["[*Q*]", "[*Type*]", "[*Marks*]", "[*Key*]"]
    header = f"table.header({', '.join(cells)})"
    rows = [f"[Q.{n}], [{t}], [{m}], [#{tstr(k)}]" for n, t, m, k in key_rows(numbered)]
    return ("= Answer key\n#table(columns: (auto, auto, auto, auto), "
            + header + ",\n" + ",\n".join(rows) + ")")


def solution_typst(q: Question, number: int) -> str:
    """The key, the question's stem (and options) again, then the numbered working."""
    head = (f"#qhead({tstr(str(number))}, [#{tstr(tag_text(q))} #h(1em) "
            f"#text(size: 10.5pt, fill: black)[Key: *#{tstr(q.key_text())}*]])")
    options = [f"option({tstr(o.label)}, [{typst_text(o.text, inline=True)}])" for o in q.options]
    choices = f" #grid(columns: 2, column-gutter: 1.5em, row-gutter: 0.5em, {', '.join(options)})"
    stem = f"#stem[{typst_text(q.text)}{choices if options else ''}]"
    steps = ", ".join(f"[{typst_text(s.text)}]" for s in worked_steps(q))
    working = f"\n#enum({steps})" if steps else ""
    return (f"#block(breakable: true, width: 100%, above: 1.3em)[\n{head}\n{stem}{working}\n]")
