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

The order is GATE's: the 1-mark questions first, then the 2-mark ones, numbered continuously,
each block under a heading ("Q.1 - Q.9 carry one mark each"); the key and the solutions use the
same numbers. The facts a test paper states (time allowed, total marks, the marking scheme)
are worked out here once, so every format prints the same ones.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from itertools import groupby
from typing import TYPE_CHECKING, TypeVar

from gatebp.gate.marking import penalty
from gatebp.gate.question import Question
from gatebp.ui.export.common import header_line, total_marks, type_hint

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

    @property
    def minutes(self) -> int:
        """The time allowed: `--minutes`, else the GATE paper's pace (180 minutes for 65)."""
        if self.options.minutes is not None:
            return self.options.minutes
        from gatebp.gate.paper import paper_minutes

        return int(paper_minutes(len(self.questions)))

    @property
    def total(self) -> int:
        return total_marks([q for _, q in self.questions])

    def groups(self) -> list[Group]:
        """The questions by marks, in print order."""
        return [Group(marks, tuple(items))
                for marks, items in groupby(self.questions, key=lambda item: item[1].marks)]


@dataclass(frozen=True)
class Group:
    """The questions that carry `marks` each, numbered as printed."""

    marks: int
    questions: Numbered

    @property
    def heading(self) -> str:
        """"Q.1 \u2013 Q.9 carry one mark each" (GATE's words)."""
        first, last = self.questions[0][0], self.questions[-1][0]
        span = f"Q.{first}" if first == last else f"Q.{first} \u2013 Q.{last}"
        each = {1: "one mark", 2: "two marks"}.get(self.marks, f"{self.marks} marks")
        verb = "carries" if first == last else "carry"
        return f"{span} {verb} {each}{'' if first == last else ' each'}"


class Document:
    """The hooks of one print format; the defaults add nothing."""

    separator = "\n"
    key_suffix = " \u2014 answer key"

    def head(self, sheet: Sheet) -> list[str]:
        """The title block at the top of the first page."""
        return []

    def front(self, sheet: Sheet) -> list[str]:
        """What a test paper states before the questions (candidate fields, instructions)."""
        return []

    def group(self, group: Group) -> list[str]:
        """The heading of a block of questions with the same marks."""
        return []

    def question(self, q: Question, number: int) -> str:
        raise NotImplementedError

    def paper(self, blocks: list[str], sheet: Sheet) -> list[str]:
        """The questions' blocks, wrapped if the format groups them (HTML's <main>)."""
        return blocks

    def answer_sheet(self, sheet: Sheet) -> list[str]:
        """Where the candidate marks the answers (the PDF's grid of bubbles and boxes)."""
        return []

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
    """The questions in print order (1-mark first, then 2-mark; otherwise as given), each with
    the number it carries in every part of every document."""
    return list(enumerate(sorted(questions, key=lambda q: q.marks), 1))


def instructions(sheet: Sheet, *, answer_sheet: bool = False) -> list[str]:
    """The instructions of a GATE-style paper, with its marking scheme, as plain sentences
    (with `answer_sheet`, how to fill in the answer sheet too)."""
    groups = "; ".join(group.heading for group in sheet.groups())
    penalties = ", ".join(f"\u2212{penalty('MCQ', m)} on a {m}-mark question"
                          for m in _all_marks(sheet))
    said = [
        (f"This paper has {len(sheet.questions)} questions for {sheet.total} marks ({groups}). "
         f"The time allowed is {sheet.minutes} minutes."),
        (f"MCQ (one correct option): choose exactly one option. A wrong answer costs "
         f"{penalties}; no answer scores 0."),
        ("MSQ (one or more correct options): choose every correct option. Marks are given only "
         "when exactly the correct options are chosen: no partial marks, and no negative marks."),
        ("NAT (numerical answer): write a number, not an option, such as 0.75, \u22123 or 12.5 "
         "(a decimal, not a fraction), rounded off as the question says. An answer within the "
         "key's range scores; there are no negative marks."),
    ]
    if answer_sheet:
        said.append("Mark every answer on the answer sheet: fill one bubble for an MCQ, every "
                    "correct bubble for an MSQ, and write a NAT answer in its box.")
    return said


T = TypeVar("T")
SHEET_ROWS = 30  # answer-sheet rows per column: two columns of 30 fit an A4 page


def sheet_columns(rows: Sequence[T], per_column: int = SHEET_ROWS) -> list[list[list[T]]]:
    """Answer-sheet rows laid out as pages of two columns, filled down then across: a table
    that cannot break across pages (LaTeX's tabular) stays within one page."""
    pages = []
    for start in range(0, len(rows), 2 * per_column):
        chunk = list(rows[start:start + 2 * per_column])
        half = (len(chunk) + 1) // 2
        pages.append([part for part in (chunk[:half], chunk[half:]) if part])
    return pages


def paper_hint(q: Question) -> str:
    """The type's instruction as it reads on paper (no one types on a printed test)."""
    return "Write the numerical answer." if q.type == "NAT" else type_hint(q)


def _marks(marks: int) -> str:
    return {1: "one mark", 2: "two marks"}.get(marks, f"{marks} marks")


def _all_marks(sheet: Sheet) -> list[int]:
    return sorted({1, 2} | {q.marks for _, q in sheet.questions})


def render_document(fmt: Document, questions: Sequence[Question], options: ExportOptions, *,
                    paper: bool = True, key: bool = True) -> str:
    """The paper (with `paper`) and/or the key (with `key`) as one document of format `fmt`."""
    title = options.title + ("" if paper else fmt.key_suffix)
    sheet = Sheet(title, header_line(questions, options.version), options, numbered(questions),
                  paper, key)
    blocks = fmt.head(sheet)
    if paper:
        blocks += fmt.front(sheet) + fmt.paper(_question_blocks(fmt, sheet), sheet)
        blocks += fmt.answer_sheet(sheet)
    if key:
        blocks += (fmt.key_break() if paper else []) + fmt.key(sheet)
        if options.solutions:
            blocks += fmt.solutions([fmt.solution(q, n) for n, q in sheet.questions])
    blocks += fmt.tail(sheet)
    return fmt.finish(fmt.separator.join(blocks), sheet)


def _question_blocks(fmt: Document, sheet: Sheet) -> list[str]:
    blocks: list[str] = []
    for group in sheet.groups():
        blocks += fmt.group(group)
        blocks += [fmt.question(q, n) for n, q in group.questions]
    return blocks
