"""The one document loop of the print exports (Markdown, HTML, LaTeX, Typst/PDF).

Every printed document is the same skeleton: a title and header line, the questions, then the
answer key and the worked solutions. R/exams drives its formats the same way: one loop over the
exercises, and a format plugs in only hooks. Here a format is a `Document` subclass whose
methods turn one piece (a question, the key, one solution) into its own markup; the loop
decides what goes in which document, in which order and with which number, so a change to the
skeleton (the order of the questions, a new part of the paper) is made once for all four.

Each hook returns *blocks*, strings that the loop joins with the format's `separator`;
`finish` wraps the joined body (HTML's page, LaTeX's preamble). A hook that a format does not
need keeps the default, which adds nothing.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from gatebp.gate.question import Question
from gatebp.ui.export.common import header_line

if TYPE_CHECKING:
    from gatebp.ui.export import ExportOptions

Numbered = Sequence[tuple[int, Question]]


@dataclass(frozen=True)
class Sheet:
    """What the loop knows about the document it is writing, for the hooks to read."""

    title: str
    meta: str
    options: ExportOptions
    questions: Numbered
    paper: bool
    key: bool


class Document:
    """The hooks of one print format; the defaults add nothing."""

    separator = "\n"
    key_suffix = " \u2014 answer key"

    def head(self, sheet: Sheet) -> list[str]:
        """The title block at the top of the first page."""
        return []

    def question(self, q: Question, number: int) -> str:
        raise NotImplementedError

    def paper(self, blocks: list[str], sheet: Sheet) -> list[str]:
        """The questions' blocks, wrapped if the format groups them (HTML's <main>)."""
        return blocks

    def key_break(self) -> list[str]:
        """What starts the key when questions come before it (a page break)."""
        return []

    def key(self, sheet: Sheet) -> list[str]:
        raise NotImplementedError

    def solution(self, q: Question, number: int) -> str:
        raise NotImplementedError

    def solutions(self, blocks: list[str]) -> list[str]:
        """The worked solutions' blocks under their heading."""
        return blocks

    def tail(self, sheet: Sheet) -> list[str]:
        """The end of the document (LaTeX's \\end{document})."""
        return []

    def finish(self, body: str, sheet: Sheet) -> str:
        """The joined blocks as the finished text."""
        return body


def numbered(questions: Sequence[Question]) -> list[tuple[int, Question]]:
    """The questions in print order, each with the number it carries in every part."""
    return list(enumerate(questions, 1))


def render_document(fmt: Document, questions: Sequence[Question], options: ExportOptions, *,
                    paper: bool = True, key: bool = True) -> str:
    """The paper (with `paper`) and/or the key (with `key`) as one document of format `fmt`."""
    title = options.title + ("" if paper else fmt.key_suffix)
    sheet = Sheet(title, header_line(questions, options.version), options, numbered(questions),
                  paper, key)
    blocks = fmt.head(sheet)
    if paper:
        blocks += fmt.paper([fmt.question(q, n) for n, q in sheet.questions], sheet)
    if key:
        blocks += (fmt.key_break() if paper else []) + fmt.key(sheet)
        if options.solutions:
            blocks += fmt.solutions([fmt.solution(q, n) for n, q in sheet.questions])
    blocks += fmt.tail(sheet)
    return fmt.finish(fmt.separator.join(blocks), sheet)
