"""Markdown for notes, wikis and pull requests: plain text that also renders well.

User text is escaped so an expression like `w1*x*y` in a question does not turn into italics;
maths prints in Unicode (w₁₁x₁, ½(ŷ − t)²) through gatebp.ui.mathtext, a matrix as aligned
code-span lines. The network is drawn as a Mermaid flowchart, which GitHub,
GitLab and many editors render, and reads as a list of arrows anywhere else.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import TYPE_CHECKING

from gatebp.gate.question import Question
from gatebp.ui.export.common import graph_parts, key_rows, tag_text, type_hint, worked_steps
from gatebp.ui.export.document import Document, Group, Numbered, Sheet, render_document
from gatebp.ui.mathtext import show, show_expr, show_name

if TYPE_CHECKING:
    from gatebp.ui.export import ExportOptions

_SPECIAL = re.compile(r"([\\`*_\[\]<>|#~$])")
_BULLET = re.compile(r"^(\s*)([-+=])", re.MULTILINE)
_ORDERED = re.compile(r"^(\s*\d+)([.)])", re.MULTILINE)


def escape_md(text: str) -> str:
    """Backslash-escape Markdown's inline and line-start syntax in user text.

    A line that starts like a list item is escaped where CommonMark looks: before a bullet
    sign, and between the number and its `.` or `)` (`0\\.5`), since an escaped digit shows
    its backslash."""
    text = _SPECIAL.sub(r"\\\1", text)
    text = _BULLET.sub(lambda m: m.group(1) + "\\" + m.group(2), text)
    return _ORDERED.sub(lambda m: m.group(1) + "\\" + m.group(2), text)


def code_span(text: str) -> str:
    """A code span whose fence is longer than any run of backticks inside."""
    longest = max((len(run) for run in re.findall(r"`+", text)), default=0)
    fence = "`" * (longest + 1)
    pad = " " if text.startswith("`") or text.endswith("`") else ""
    return f"{fence}{pad}{text}{pad}{fence}"


class MarkdownDocument(Document):
    """Markdown's hooks: blocks are paragraphs, separated by one blank line."""

    separator = "\n\n"

    def head(self, sheet: Sheet) -> list[str]:
        return [f"# {escape_md(sheet.title)}\n\n*{escape_md(sheet.meta)}*"]

    def group(self, group: Group) -> list[str]:
        return [f"**{escape_md(group.heading)}**"]

    def question(self, q: Question, number: int) -> str:
        return "\n".join(question_md(q, number))

    def key(self, sheet: Sheet) -> list[str]:
        return ["\n".join(key_md(sheet.questions))]

    def solution(self, q: Question, number: int) -> str:
        return "\n".join(solution_md(q, number))

    def solutions(self, blocks: list[str]) -> list[str]:
        return ["## Worked solutions", *blocks]

    def finish(self, body: str, sheet: Sheet) -> str:
        return body.rstrip("\n") + "\n"


def render(questions: Sequence[Question], options: ExportOptions, *, paper: bool = True,
           key: bool = True) -> str:
    return render_document(MarkdownDocument(), questions, options, paper=paper, key=key)


def question_md(q: Question, number: int) -> list[str]:
    lines = [f"## Q.{number}", "", f"*{escape_md(tag_text(q))}*", "", *_paragraph(q.text)]
    if q.graph:
        lines += ["", *graph_md(q)]
    if q.options:
        lines += [""] + [f"- **({escape_md(o.label)})** {_inline(o.text)}" for o in q.options]
    return [*lines, "", f"*{type_hint(q)}*"]


def graph_md(q: Question) -> list[str]:
    """The network as a Mermaid flowchart: a layer-form network as the paper draws it, any other
    graph as its computation, then a table of its values and nodes (the names its stem uses)."""
    from gatebp.ui.export.diagram import layout
    from gatebp.ui.export.markdown_figure import layered_mermaid, mermaid_label
    from gatebp.ui.figure import LayeredFigure, figure_from_dict

    assert q.graph is not None
    figure = figure_from_dict(q.graph)
    if isinstance(figure, LayeredFigure) and not figure.named:
        return layered_mermaid(figure)  # the stem gives x, W₁, b₁, ...: no internal scalars
    values, nodes = graph_parts(q)
    plan = layout(q.graph)
    lines = ["```mermaid", "flowchart LR"]
    lines += [f'  n_{name}(["{mermaid_label(_equation(name, text))}"])' for name, text in values.items()]
    lines += [f'  n_{name}["{mermaid_label(_equation(name, text))}"]' for name, text in nodes.items()]
    lines += [f"  n_{src} --> n_{dst}" for src, dst in plan.edges]
    lines += ["```", "", "| name | given value / computed as |", "| --- | --- |"]
    lines += [f"| {escape_md(show_name(k, 'unicode'))} | {escape_md(show_expr(v, 'unicode'))} |"
              for k, v in {**values, **nodes}.items()]
    return lines


def _equation(name: str, text: str) -> str:
    """"w₁₁ = 2", "z = w₁₁x₁ + b": a value or a node as the printer writes it."""
    return f"{show_name(name, 'unicode')} = {show_expr(text, 'unicode')}"


def key_md(numbered: Numbered) -> list[str]:
    lines = ["## Answer key", "", "| Question | Type | Marks | Key |", "| --- | --- | --- | --- |"]
    return lines + [f"| Q.{n} | {t} | {m} | {escape_md(k)} |" for n, t, m, k in key_rows(numbered)]


def solution_md(q: Question, number: int) -> list[str]:
    """The key, the stem and options again (as a quote, so the key reads without the paper),
    then the numbered working."""
    lines = [f"### Q.{number}", "", f"Key: **{escape_md(q.key_text())}**", ""]
    stem = _paragraph(q.text)
    for o in q.options:
        first, *rest = _md(o.text) or [""]
        stem += [f"**({escape_md(o.label)})** {first}  ", *(line + "  " for line in rest)]
    lines += [f"> {line}" for line in stem] + [""]
    return lines + [f"{i}. {_inline(step.text)}" for i, step in enumerate(worked_steps(q), 1)]


def _md(text: str) -> list[str]:
    """Markup as escaped Markdown lines (maths in Unicode; a display's lines as code spans)."""
    lines = [line.rstrip() for line in show(text, "markdown", escape_md).splitlines()]
    while len(lines) > 1 and not lines[0]:
        lines.pop(0)
    return lines


def _paragraph(text: str) -> list[str]:
    """Keep the author's line breaks (two trailing spaces) without starting new blocks."""
    return [line + "  " for line in _md(text)] or [""]


def _inline(text: str) -> str:
    return "  \n   ".join(_md(text))
