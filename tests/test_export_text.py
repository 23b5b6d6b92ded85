"""Any user text survives every escaper: Typst, LaTeX, HTML and Markdown never break on it."""

from __future__ import annotations

import io
import re
from html.parser import HTMLParser

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gatebp.core.text import escape_unsafe
from gatebp.gate.question import Question
from gatebp.ui.export import ExportOptions, render_export
from gatebp.ui.export.markdown import code_span, escape_md
from gatebp.ui.export.pdf import tstr
from gatebp.ui.export.tex import escape_tex

SPECIALS = st.sampled_from(list("\\{}$&#^_%~<>|[]*`\"'@=-+/:;()\n\t") + ["]]>", "\u2202", "\u03c3"])
TEXT = st.lists(st.one_of(SPECIALS, st.text(min_size=1, max_size=4)), max_size=12).map("".join)


def question(text: str) -> Question:
    return Question(id="q", topic="t", type="NAT", marks=1, text="Marker " + text,
                    answer={"range": [0.5, 0.5]}, solution=(text,), rounding=1)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(TEXT)
def test_typst_compiles_any_text(text: str) -> None:
    from pypdf import PdfReader

    pdf = render_export([question(text)], "pdf", ExportOptions(title=text or "t")).main
    assert "Marker" in PdfReader(io.BytesIO(pdf)).pages[0].extract_text()


@given(TEXT)
def test_typst_string_literal_round_trips(text: str) -> None:
    literal = tstr(text)
    assert literal.startswith('"') and literal.endswith('"') and "\n" not in literal
    body = literal[1:-1]
    assert not re.search(r'(?<!\\)(\\\\)*"', body)  # every quote inside is escaped


@given(TEXT)
def test_tex_escape_leaves_no_live_specials(text: str) -> None:
    escaped = escape_tex(text).replace("\\$", "")  # an escaped dollar, then maths runs
    plain = re.sub(r"\$[^$]*\$|\\[A-Za-z]+(\{\})?|\\[{}&#_%]", "", escaped)
    assert not re.search(r"[{}$&#^_%\\]", plain.replace("\\newline", "")), escaped
    assert plain.count("~") == text.count("\xa0"), escaped  # a no-break space is a tie


class TextOnly(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.chunks: list[str] = []
        self.tags = 0

    def handle_starttag(self, tag: str, attrs: object) -> None:
        self.tags += 1

    def handle_data(self, data: str) -> None:
        self.chunks.append(data)


def shown_text(text: str) -> str:
    page = render_export([question(text)], "html", ExportOptions(answers="none")).main.decode()
    parser = TextOnly()
    parser.feed(page)
    return "".join(parser.chunks)


@given(TEXT.map(lambda text: text.replace("$", "")))  # a dollar is maths markup: the next test
def test_html_text_reads_back_exactly(text: str) -> None:
    assert escape_unsafe("Marker " + text) in shown_text(text)  # control characters arrive escaped


def test_html_prints_an_escaped_dollar_as_a_dollar_and_a_span_as_maths() -> None:
    shown = shown_text(r"costs \$5 when $w1*x$ is 3")
    assert "costs $5 when" in shown and "w1*x" not in shown and "is 3" in shown


@given(TEXT)
def test_markdown_escape_hides_syntax(text: str) -> None:
    escaped = escape_md(text)
    assert not re.search(r"(?<!\\)[*_`<>|\[\]#$]", re.sub(r"\\\\", "", escaped))
    assert code_span(text).strip("`").strip() == text.strip() or "`" in text


