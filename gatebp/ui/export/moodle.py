"""A Moodle XML question file: import it into a course's question bank and build a quiz.

The GATE marking scheme is mapped onto Moodle question types:

- NAT -> `numerical`: the answer is the key range's midpoint with a tolerance of half its width
  (so "0.35 to 0.37" accepts exactly that closed range), both as plain decimals, never 1e-07.
- MCQ -> `multichoice` (single): the right option earns 100%, every other -33.33333%, which on a
  1- or 2-mark question is GATE's -1/3 or -2/3.
- MSQ -> by default `multichoiceset`, the community "All-or-Nothing Multiple Choice" question
  type (qtype_multichoiceset): every correct option is `fraction="100"`, every other `0`, and
  the plugin gives full marks only for exactly the correct set, else 0, as GATE does. A site
  without the plugin refuses the type, so `msq="partial"` (`--moodle-msq partial`) writes core
  `multichoice` (multiple) instead: each correct option earns 100/k % (k correct; 100, 50,
  33.33333 and 25 are on Moodle's list of grades) and each wrong one -100%, so a wrong tick
  scores 0, but ticking only some of the correct options earns part of the marks where GATE
  gives 0. The file says which was written (an XML comment at the top) and `msq_note` gives the
  sentence the command prints.

Options keep their order (no shuffling), because keys and solutions name them by letter. The
network diagram travels inside the file as an SVG attachment (`@@PLUGINFILE@@`), since Moodle's
HTML cleaning may strip inline SVG. The key and (with `solutions`) the working become the
question's general feedback; a quiz always carries its answers, whatever `answers` says.
"""

from __future__ import annotations

import base64
import re
from collections.abc import Sequence
from decimal import Decimal
from html import escape
from typing import TYPE_CHECKING

from gatebp.gate.question import Question
from gatebp.ui.export.common import plain_decimal
from gatebp.ui.export.html import figure_svg, markup_html, solution_html, stem_html

if TYPE_CHECKING:
    from gatebp.ui.export import ExportOptions

WRONG_MCQ = "-33.33333"
MSQ_MODES = ("all-or-nothing", "partial")
MSQ_NOTES = {
    "all-or-nothing": ("MSQ written as qtype_multichoiceset (All-or-Nothing Multiple Choice): "
                       "full marks only for exactly the correct options, as GATE marks them; "
                       "the Moodle site needs that plugin (else use --moodle-msq partial)"),
    "partial": ("MSQ written as core Moodle multichoice (--moodle-msq partial): any wrong tick "
                "scores 0, but ticking only some of the correct options earns part of the "
                "marks, where GATE gives 0"),
}


def msq_note(mode: str) -> str:
    """Which MSQ type the file holds and why, in one sentence."""
    return MSQ_NOTES[mode]


def cdata(text: str) -> str:
    """Text in a CDATA section, splitting any `]]>` that would end it early."""
    return "<![CDATA[" + text.replace("]]>", "]]]]><![CDATA[>") + "]]>"


def render(questions: Sequence[Question], options: ExportOptions, *, paper: bool = True,
           key: bool = True) -> str:
    """The quiz XML; `paper`/`key` are ignored, since Moodle grades from the answers."""
    category = f"$course$/top/{options.title.replace('/', '-')}"
    if options.version:
        category += f" (version {options.version.replace('/', '-')})"
    mode = options.moodle_msq
    parts = ['<?xml version="1.0" encoding="UTF-8"?>',
             f"<!-- gatebp: {_comment(msq_note(mode))}. -->",
             "<quiz>",
             (f'<question type="category">\n  <category><text>{escape(category)}</text>'
              "</category>\n</question>")]
    parts += [question_xml(q, n, options.solutions, mode) for n, q in enumerate(questions, 1)]
    parts.append("</quiz>")
    return xml_chars("\n".join(parts) + "\n")


# Characters XML 1.0 forbids anywhere, CDATA included (C0 controls but tab, LF and CR,
# surrogates, U+FFFE and U+FFFF): one would make the whole quiz file unreadable by Moodle.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def xml_chars(document: str) -> str:
    """The document with any character XML 1.0 forbids shown as a visible escape (`\\x1b`).
    The export escapes user text before this, so here it is a last guard, normally a no-op."""
    from gatebp.core.text import escape_char

    return _NOT_XML.sub(lambda match: escape_char(match.group()), document)


def question_xml(q: Question, number: int, solutions: bool, msq: str = "all-or-nothing") -> str:
    """One question; `msq` picks the MSQ type (see the module docstring)."""
    qtype = moodle_type(q, msq)
    body = {"numerical": _nat_answers, "multichoice": _choice_answers,
            "multichoiceset": _set_answers}[qtype](q)
    return "\n".join([
        f'<question type="{qtype}">',
        f"  <name><text>{escape(f'Q.{number} {q.id}')}</text></name>",
        f'  <questiontext format="html">\n    <text>{cdata(_question_text(q, number))}</text>'
        + _attachment(q, number) + "\n  </questiontext>",
        (f'  <generalfeedback format="html"><text>{cdata(_feedback(q, solutions))}</text>'
         "</generalfeedback>"),
        f"  <defaultgrade>{q.marks}</defaultgrade>",
        "  <penalty>0</penalty>",
        "  <hidden>0</hidden>",
        body,
        "</question>",
    ])


def _comment(text: str) -> str:
    """Text an XML comment may hold: no "--" (so `--moodle-msq` loses its dashes)."""
    return escape(text).replace("--", "")


def moodle_type(q: Question, msq: str) -> str:
    if q.type == "NAT":
        return "numerical"
    return "multichoiceset" if q.type == "MSQ" and msq == "all-or-nothing" else "multichoice"


def _svg_name(number: int) -> str:
    return f"q{number}-network.svg"


def _question_text(q: Question, number: int) -> str:
    picture = f'<img src="@@PLUGINFILE@@/{_svg_name(number)}" alt="network diagram">'
    return stem_html(q, diagram=picture if q.graph else None)


def _attachment(q: Question, number: int) -> str:
    if not q.graph:
        return ""
    data = base64.b64encode(figure_svg(q).encode("utf-8")).decode("ascii")
    return f'\n    <file name="{_svg_name(number)}" path="/" encoding="base64">{data}</file>'


def _feedback(q: Question, solutions: bool) -> str:
    if solutions:
        return solution_html(q)
    return f"<p>Key: <strong>{escape(q.key_text())}</strong></p>"


def _nat_answers(q: Question) -> str:
    middle, tolerance = nat_target(q.answer["range"])
    return "\n".join([
        '  <answer fraction="100" format="moodle_auto_format">',
        f"    <text>{middle}</text>",
        f"    <tolerance>{tolerance}</tolerance>",
        (f'    <feedback format="html"><text>{cdata("Key: " + escape(q.key_text()))}</text>'
         "</feedback>"),
        "  </answer>",
        "  <unitgradingtype>0</unitgradingtype>",
        "  <unitpenalty>0</unitpenalty>",
        "  <showunits>3</showunits>",
        "  <unitsleft>0</unitsleft>",
    ])


def nat_target(bounds: Sequence[float]) -> tuple[str, str]:
    """(answer, tolerance) as plain decimals covering exactly the closed key range."""
    lo, hi = (Decimal(repr(float(b))) for b in bounds)
    return plain_decimal((lo + hi) / 2), plain_decimal((hi - lo) / 2)


def choice_fractions(q: Question) -> list[str]:
    """Moodle grade percentages per option, in option order."""
    correct = set(q.answer["correct"])
    if q.type == "MCQ":
        return ["100" if i in correct else WRONG_MCQ for i in range(len(q.options))]
    share = plain_decimal(round(Decimal(100) / len(correct), 5))
    return [share if i in correct else "-100" for i in range(len(q.options))]


def _choice_answers(q: Question) -> str:
    lines = [f"  <single>{'true' if q.type == 'MCQ' else 'false'}</single>",
             "  <shuffleanswers>0</shuffleanswers>",
             "  <answernumbering>ABCD</answernumbering>"]
    return "\n".join(lines + _answers(q, choice_fractions(q)))


def _set_answers(q: Question) -> str:
    """qtype_multichoiceset's fields: an option is correct when its fraction is not 0; the
    plugin scores the question 100% for exactly the correct set and 0 otherwise."""
    correct = set(q.answer["correct"])
    lines = ["  <shuffleanswers>0</shuffleanswers>",
             '  <correctfeedback format="html"><text></text></correctfeedback>',
             '  <incorrectfeedback format="html"><text></text></incorrectfeedback>',
             "  <answernumbering>ABCD</answernumbering>"]
    fractions = ["100" if i in correct else "0" for i in range(len(q.options))]
    return "\n".join(lines + _answers(q, fractions))


def _answers(q: Question, fractions: list[str]) -> list[str]:
    lines = []
    for option, fraction in zip(q.options, fractions, strict=True):
        lines += [f'  <answer fraction="{fraction}" format="html">',
                  f"    <text>{cdata(markup_html(option.text, inline=True))}</text>",
                  '    <feedback format="html"><text></text></feedback>',
                  "  </answer>"]
    return lines
