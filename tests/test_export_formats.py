"""Every export format writes what its readers parse: questions, diagrams, keys and marks.

Each test parses the produced file the way its consumer would (pypdf for PDF, html.parser,
xml.etree for Moodle, sqlite for Anki) instead of comparing bytes, so layout may change freely.
"""

from __future__ import annotations

import base64
import io
import json
import re
import sqlite3
import subprocess
import sys
import time
import xml.etree.ElementTree as ET
import zipfile
from html.parser import HTMLParser
from pathlib import Path

import pytest

from gatebp.core.errors import GatebpError
from gatebp.ui.export import (FORMATS, KEY_INSIDE, ExportError, ExportOptions, key_path,
                           render_export, write_export)
from gatebp.gate.question import Option, Question

GRAPH = {"values": {"x": "2", "w1": "1", "w2": "3"},
         "nodes": {"z": "w1*x", "h": "relu(z)", "y": "w2*h"}}
PHRASES = ("Compute the partial derivative", "which value equals the gradient",
           "Which statements about ReLU")
KEYS = ("6 to 6", "B", "A;C")
PRINT_KEYS = [("1", "B"), ("2", "6 to 6"), ("3", "A;C")]  # printed 1-mark first, as GATE does
NASTY = "Note: 5 < 7 & a_b {braces} $ # % ~ ^ \\ 100% ]]> */ `tick`"


def nat_question() -> Question:
    return Question(
        id="nat-relu-chain", topic="chain rule", type="NAT", marks=2,
        text="Consider the network below. Compute the partial derivative dy/dw1 at the given "
             "values (answer as an integer)",
        answer={"value": 6.0, "exact": "6", "range": [6.0, 6.0]},
        solution=("Forward: z = w1*x = 2, h = relu(2) = 2, y = w2*h = 6.",
                  "Backward: dy/dh = w2 = 3; dh/dz = 1 since z > 0; dz/dw1 = x = 2.",
                  "Multiply along the path: 3 * 1 * 2 = 6."),
        graph=GRAPH, find={"of": "y", "wrt": "w1"}, rounding=0)


def sample_questions() -> list[Question]:
    mcq = Question(
        id="mcq-relu-input", topic="multi-path", type="MCQ", marks=1,
        text="For the same network, which value equals the gradient of y with respect to x?",
        answer={"correct": [1]}, solution=("dy/dx = w2 * relu'(z) * w1 = 3 * 1 * 1 = 3.",),
        options=(Option("A", "1", 1.0, "forgot w2"), Option("B", "3", 3.0),
                 Option("C", "6", 6.0, "used dy/dw1"), Option("D", "0", 0.0, "gate shut")),
        graph=GRAPH, find={"of": "y", "wrt": "x"})
    msq = Question(
        id="msq-relu-props", topic="relu-properties", type="MSQ", marks=2,
        text="Which statements about ReLU(z) = max(0, z) are TRUE? " + NASTY,
        answer={"correct": [0, 2]},
        solution=("ReLU is continuous everywhere.", "It is not differentiable at z = 0.",
                  "Its derivative is 1 for every z > 0 (\u2202h/\u2202z = 1)."),
        options=(Option("A", "ReLU is continuous at z = 0"),
                 Option("B", "ReLU is differentiable at z = 0"),
                 Option("C", "The derivative of ReLU is 1 for z > 0"),
                 Option("D", "ReLU is bounded above")))
    return [nat_question(), mcq, msq]


@pytest.fixture
def questions() -> list[Question]:
    return sample_questions()


def squash(text: str) -> str:
    return re.sub(r"\s+", " ", text)


# --- JSON contract ---------------------------------------------------------------------------

def test_json_is_the_contract_and_deterministic(questions: list[Question]) -> None:
    first = render_export(questions, "json", ExportOptions(seed=42)).main
    again = render_export(sample_questions(), "json", ExportOptions(seed=42)).main
    data = json.loads(first)
    assert first == again and first.endswith(b"}\n")
    assert list(data) == ["format", "version", "seed", "questions"]
    assert (data["format"], data["version"], data["seed"]) == ("gatebp.questions", 1, 42)
    assert data["questions"] == [q.to_dict() for q in questions]
    assert [Question.from_dict(d) for d in data["questions"]] == questions
    assert "\u2202h" in first.decode("utf-8")  # ensure_ascii=False keeps the maths readable


# --- Markdown --------------------------------------------------------------------------------

def test_markdown_has_questions_then_key(questions: list[Question]) -> None:
    text = render_export(questions, "md", ExportOptions()).main.decode("utf-8")
    key_at = text.index("## Answer key")
    for phrase in PHRASES:
        assert 0 <= text.index(phrase) < key_at
    rows = re.findall(r"^\| Q\.(\d) \| (\w+) \| (\d) \| (.+) \|$", text, re.MULTILINE)
    assert [(n, key.replace("\\", "")) for n, _, _, key in rows] == PRINT_KEYS
    assert text.count("```mermaid") == 2 and "n_w2 --> n_y" in text
    assert r"a\_b" in text and r"\$" in text and "Worked solutions" in text


def test_markdown_answers_none_hides_key_and_solutions(questions: list[Question]) -> None:
    text = render_export(questions, "md", ExportOptions(answers="none")).main.decode("utf-8")
    assert "Answer key" not in text and "Worked solutions" not in text and "Multiply" not in text


# --- HTML ------------------------------------------------------------------------------------

class Collector(HTMLParser):
    """Collects section classes, svg count, resource URLs and the text of the page."""

    def __init__(self) -> None:
        super().__init__()
        self.sections: list[str] = []
        self.svgs = 0
        self.urls: list[str] = []
        self.text: list[str] = []
        self.style = ""
        self._in_style = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if tag == "section":
            self.sections.append(found.get("class") or "")
        self.svgs += tag == "svg"
        self.urls += [v or "" for k, v in attrs if k in ("src", "href", "xlink:href", "srcset")]
        self._in_style = tag == "style"

    def handle_endtag(self, tag: str) -> None:
        self._in_style = False

    def handle_data(self, data: str) -> None:
        if self._in_style:
            self.style += data
        else:
            self.text.append(data)


def parse_html(data: bytes) -> Collector:
    collector = Collector()
    collector.feed(data.decode("utf-8"))
    return collector


def test_html_is_self_contained_with_svg_and_key(questions: list[Question]) -> None:
    data = render_export(questions, "html", ExportOptions()).main
    page = parse_html(data)
    text = squash(" ".join(page.text))
    assert page.sections == (["front", "instructions"] + ["question"] * 3
                             + ["sheet", "key after-paper", "solutions"])
    assert page.svgs == 2  # one per graph question
    for phrase in PHRASES:
        assert phrase in text
    assert "Answer key" in text and all(f"Key: {key}" in text for key in KEYS)
    assert NASTY in text  # escaped on the way in, read back intact
    assert not [u for u in page.urls if re.match(r"(https?:)?//", u)]
    assert "@import" not in page.style and "url(" not in page.style
    assert b"http://" not in data and b"https://" not in data
    assert "@media print" in page.style and "break-before: page" in page.style


def test_html_separate_key_file(tmp_path: Path, questions: list[Question]) -> None:
    written = write_export(questions, "html", ExportOptions(answers="separate"),
                           tmp_path / "paper.html")
    assert written == [tmp_path / "paper.html", tmp_path / "paper-key.html"]
    paper, key = (parse_html(p.read_bytes()) for p in written)
    assert paper.sections == ["front", "instructions"] + ["question"] * 3 + ["sheet"]
    assert key.sections == ["key", "solutions"]  # alone, the key starts on page 1
    assert all(k in " ".join(key.text) for k in KEYS)


# --- PDF -------------------------------------------------------------------------------------

def pdf_pages(data: bytes) -> list[str]:
    from pypdf import PdfReader

    return [squash(page.extract_text()) for page in PdfReader(io.BytesIO(data)).pages]


def test_pdf_has_every_question_and_key(questions: list[Question]) -> None:
    pages = pdf_pages(render_export(questions, "pdf", ExportOptions(version="B")).main)
    key_page = next(i for i, p in enumerate(pages) if "Answer key" in p)
    papers, key = " ".join(pages[:key_page]), " ".join(pages[key_page:])
    for phrase in PHRASES:
        assert phrase in papers
    assert "Answer key" not in papers and "Version B" in pages[0]
    rows = re.findall(r"Q\.(\d) (NAT|MCQ|MSQ) (\d) (\d+ to \d+|[A-D](?:;[A-D])*)", key)
    assert [(n, k) for n, _, _, k in rows] == PRINT_KEYS
    assert "Multiply along the path" in key and "5 < 7 & a_b {braces} $ # %" in papers


def test_pdf_separate_writes_paper_and_key(tmp_path: Path, questions: list[Question]) -> None:
    out = tmp_path / "set.pdf"
    options = ExportOptions(answers="separate", solutions=False)
    written = write_export(questions, "pdf", options, out)
    assert written == [out, tmp_path / "set-key.pdf"]
    paper, key = (" ".join(pdf_pages(p.read_bytes())) for p in written)
    assert "Answer key" not in paper and all(phrase in paper for phrase in PHRASES)
    assert all(k in key for k in KEYS) and "Which statements" not in key
    assert "Worked solutions" not in key


def test_pdf_of_100_questions_is_one_fast_compile() -> None:
    many = [q for _ in range(34) for q in sample_questions()][:100]
    start = time.perf_counter()
    data = render_export(many, "pdf", ExportOptions()).main
    assert time.perf_counter() - start < 10
    assert data.startswith(b"%PDF")


# --- TeX -------------------------------------------------------------------------------------

def balanced_braces(source: str) -> bool:
    depth = 0
    for match in re.finditer(r"\\[{}\\]|[{}]", source):
        if match.group() in "{}":
            depth += 1 if match.group() == "{" else -1
            if depth < 0:
                return False
    return depth == 0


def test_tex_source_escapes_and_holds_everything(questions: list[Question]) -> None:
    source = render_export(questions, "tex", ExportOptions()).main.decode("utf-8")
    assert source.startswith("\\documentclass") and source.rstrip().endswith("\\end{document}")
    body = source[source.index("\\begin{document}"):]
    key_at = body.index("\\section*{Answer key}")
    assert all(0 < body.index(phrase) < key_at for phrase in PHRASES)
    assert balanced_braces(source)
    envs = re.findall(r"\\(begin|end)\{(\w+)\}", body)
    assert sorted(e for k, e in envs if k == "begin") == sorted(e for k, e in envs if k == "end")
    assert len(re.findall(r"\\begin\{tikzpicture\}", body)) == 2
    assert (r"5 \textless{} 7 \& a\_b \{braces\} \$ \# \% \textasciitilde{} "
            r"\textasciicircum{} \textbackslash{} 100\%") in body
    assert r"$\partial$h/$\partial$z" in body
    rows = re.findall(r"Q\.(\d) & (\w+) & (\d) & (.+?) \\\\", body[key_at:])
    assert [(n, k) for n, _, _, k in rows] == PRINT_KEYS
    assert body.count("\\noindent\\begin{minipage}{\\linewidth}") == 3  # one per question


def test_tex_without_answers_has_no_key(questions: list[Question]) -> None:
    source = render_export(questions, "tex", ExportOptions(answers="none")).main.decode()
    assert "Answer key" not in source and "Worked solutions" not in source
    assert "Answer sheet" in source  # the paper's own, not the key


# --- Moodle ----------------------------------------------------------------------------------

def moodle_questions(data: bytes) -> list[ET.Element]:
    return [q for q in ET.fromstring(data).iter("question") if q.get("type") != "category"]


def test_moodle_types_fractions_and_tolerance(questions: list[Question]) -> None:
    partial = ExportOptions(moodle_msq="partial")  # core types; the plugin's: test_export_platforms
    nat, mcq, msq = moodle_questions(render_export(questions, "moodle", partial).main)
    assert [q.get("type") for q in (nat, mcq, msq)] == ["numerical", "multichoice", "multichoice"]
    assert nat.findtext("answer/text") == "6" and nat.findtext("answer/tolerance") == "0"
    assert [a.get("fraction") for a in mcq.iter("answer")] == ["-33.33333", "100", "-33.33333",
                                                              "-33.33333"]
    assert mcq.findtext("single") == "true" and msq.findtext("single") == "false"
    assert [a.get("fraction") for a in msq.iter("answer")] == ["50", "-100", "50", "-100"]
    assert [q.findtext("defaultgrade") for q in (nat, mcq, msq)] == ["2", "1", "2"]
    assert NASTY in (msq.findtext("questiontext/text") or "").replace("&lt;", "<").replace(
        "&amp;", "&").replace("&gt;", ">")
    svg = base64.b64decode(nat.findtext("questiontext/file") or "").decode()
    assert svg.startswith("<svg") and "@@PLUGINFILE@@/q1-network.svg" in (
        nat.findtext("questiontext/text") or "")
    assert "Multiply along the path" in (nat.findtext("generalfeedback/text") or "")


def test_moodle_numbers_are_plain_decimals() -> None:
    tiny = Question(id="tiny", topic="t", type="NAT", marks=1, text="Tiny gradient?",
                    answer={"range": [1e-7, 3e-7]}, solution=(), rounding=7)
    skewed = Question(id="skew", topic="t", type="NAT", marks=1, text="A sigmoid slope?",
                      answer={"range": [0.35, 0.37]}, solution=(), rounding=2)
    one, two = moodle_questions(render_export([tiny, skewed], "moodle", ExportOptions()).main)
    assert (one.findtext("answer/text"), one.findtext("answer/tolerance")) == ("0.0000002",
                                                                                "0.0000001")
    assert (two.findtext("answer/text"), two.findtext("answer/tolerance")) == ("0.36", "0.01")


def test_moodle_msq_shares_sum_to_100() -> None:
    options = tuple(Option(label, f"statement {label}") for label in "ABCD")
    msq = Question(id="m3", topic="t", type="MSQ", marks=2, text="Three right?",
                   answer={"correct": [0, 1, 3]}, solution=(), options=options)
    partial = ExportOptions(moodle_msq="partial")
    (question,) = moodle_questions(render_export([msq], "moodle", partial).main)
    fractions = [float(a.get("fraction") or 0) for a in question.iter("answer")]
    assert fractions == [33.33333, 33.33333, -100, 33.33333]
    assert round(sum(f for f in fractions if f > 0), 2) == 100


# --- Anki ------------------------------------------------------------------------------------

def anki_notes(data: bytes, tmp_path: Path) -> list[tuple[str, str]]:
    archive = zipfile.ZipFile(io.BytesIO(data))
    database = tmp_path / "collection.anki2"
    database.write_bytes(archive.read("collection.anki2"))
    with sqlite3.connect(database) as connection:
        return connection.execute("SELECT guid, flds FROM notes ORDER BY id").fetchall()


def test_anki_deck_has_one_stable_note_per_question(tmp_path: Path,
                                                    questions: list[Question]) -> None:
    first = anki_notes(render_export(questions, "anki", ExportOptions()).main, tmp_path)
    again = anki_notes(render_export(questions, "anki", ExportOptions()).main, tmp_path)
    assert len(first) == 3 and [g for g, _ in first] == [g for g, _ in again]
    for (_, fields), question, phrase, key in zip(first, questions, PHRASES, KEYS):
        note_id, front, back, _topic = fields.split("\x1f")
        assert note_id == question.id and phrase in front and key in back
    assert '<img class="net"' in first[0][1] and "<img" not in first[2][1]


def test_anki_ids_come_from_a_hash() -> None:
    from gatebp.ui.export.anki import stable_id

    assert stable_id("gatebp deck: x") == stable_id("gatebp deck: x")
    assert 1 << 30 <= stable_id("anything") < 1 << 31


# --- write_export ----------------------------------------------------------------------------

@pytest.mark.parametrize("fmt", sorted(KEY_INSIDE))
def test_key_inside_formats_write_one_file(tmp_path: Path, fmt: str,
                                           questions: list[Question]) -> None:
    out = tmp_path / f"set{FORMATS[fmt].suffix}"
    assert write_export(questions, fmt, ExportOptions(answers="separate"), out) == [out]


def test_separate_key_takes_the_default_suffix(tmp_path: Path, questions: list[Question]) -> None:
    written = write_export(questions, "md", ExportOptions(answers="separate"), tmp_path / "paper")
    assert written[1] == tmp_path / "paper-key.md"
    assert key_path(Path("a/b.tex")) == Path("a/b-key.tex")


def test_stdout_gets_text_and_binary(questions: list[Question]) -> None:
    text_out = io.StringIO()
    assert write_export(questions, "md", ExportOptions(), None, text_out) == []
    assert text_out.getvalue().startswith("# ")
    binary_out = io.TextIOWrapper(io.BytesIO(), encoding="utf-8")
    write_export(questions, "pdf", ExportOptions(), None, binary_out)
    assert binary_out.buffer.getvalue().startswith(b"%PDF")  # type: ignore[attr-defined]
    with pytest.raises(ExportError, match="binary"):
        write_export(questions, "anki", ExportOptions(), None, io.StringIO())


def test_separate_without_a_path_is_refused(questions: list[Question]) -> None:
    with pytest.raises(ExportError, match="-o PATH"):
        write_export(questions, "html", ExportOptions(answers="separate"), None, io.StringIO())


def test_unwritable_path_is_one_line(tmp_path: Path, questions: list[Question]) -> None:
    with pytest.raises(ExportError, match="cannot write"):
        write_export(questions, "md", ExportOptions(), tmp_path / "missing" / "x.md")


def test_bad_format_and_answers_mode() -> None:
    with pytest.raises(ExportError, match="unknown export format 'docx'"):
        render_export(sample_questions(), "docx", ExportOptions())
    with pytest.raises(ExportError, match="answers must be"):
        ExportOptions(answers="later")  # type: ignore[arg-type]


# --- malformed input never crashes ----------------------------------------------------------

def malformed() -> dict[str, object]:
    good = nat_question()
    mcq = sample_questions()[1]
    return {
        "no range": good.__class__(**{**good.__dict__, "answer": {"value": 6}}),
        "range upside down": good.__class__(**{**good.__dict__, "answer": {"range": [7, 6]}}),
        "nan range": good.__class__(**{**good.__dict__, "answer": {"range": [float("nan"), 1]}}),
        "bad type": good.__class__(**{**good.__dict__, "type": "ESSAY"}),
        "text not str": good.__class__(**{**good.__dict__, "text": None}),
        "cycle": good.__class__(**{**good.__dict__, "graph": {"values": {"x": "1"},
                                                              "nodes": {"a": "b+x", "b": "a"}}}),
        "unknown name": good.__class__(**{**good.__dict__, "graph": {"values": {"x": "1"},
                                                                     "nodes": {"y": "q*x"}}}),
        "hostile expr": good.__class__(**{**good.__dict__, "graph": {
            "values": {"x": "1"}, "nodes": {"y": "__import__('os').system('x')"}}}),
        "graph not dict": good.__class__(**{**good.__dict__, "graph": ["x"]}),
        "mcq index": mcq.__class__(**{**mcq.__dict__, "answer": {"correct": [9]}}),
        "mcq two keys": mcq.__class__(**{**mcq.__dict__, "answer": {"correct": [0, 1]}}),
        "no options": mcq.__class__(**{**mcq.__dict__, "options": ()}),
        "not a question": {"id": "x"},
    }


@pytest.mark.parametrize("fmt", sorted(FORMATS))
@pytest.mark.parametrize("case", sorted(malformed()))
def test_malformed_question_is_one_line_error(fmt: str, case: str) -> None:
    with pytest.raises(GatebpError) as caught:
        bad: list = [sample_questions()[2], malformed()[case]]
        render_export(bad, fmt, ExportOptions())
    message = str(caught.value)
    assert "\n" not in message and message.startswith(("question 2", "item 2"))


@pytest.mark.parametrize("fmt", sorted(FORMATS))
def test_empty_set_is_refused(fmt: str) -> None:
    with pytest.raises(ExportError, match="no questions"):
        render_export([], fmt, ExportOptions())


def test_importing_export_loads_no_heavy_modules() -> None:
    code = ("import sys, gatebp.ui.export, gatebp.ui.export.html, gatebp.ui.export.diagram; "
            "print(sorted(m for m in ('typst', 'genanki', 'sympy', 'click', 'rich') "
            "if m in sys.modules))")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            check=True)
    assert result.stdout.strip() == "[]"
