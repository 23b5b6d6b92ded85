"""Maths markup through every view and export: each prints the target's own notation.

The questions are synthetic (tests/markup_questions.py) so the test does not depend on which
families already write markup; the checks are what a reader sees: Unicode subscripts and a
drawn matrix in the terminal, ASCII under --plain, LaTeX maths that pdflatex sets, Typst
that compiles with no warning, the printer's HTML, MathJax on Anki cards."""

from __future__ import annotations

import io
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from rich.console import Console

from gatebp.gate.exam import Exam
from gatebp.gate.grade import Response
from gatebp.ui.export import ExportOptions, render_export
from gatebp.ui.mathtext import show
from gatebp.ui.terminal.console import SafeConsole
from gatebp.ui.terminal.question import question_panel
from gatebp.ui.terminal.scoresheet import scoresheet
from gatebp.ui.terminal.working import question_working
from markup_questions import BROKEN, STEM, markup_mcq, markup_nat

PYTHONISH = ("**", "[[", "yhat", "w11", "$", " * ")


def terminal(renderable, plain: bool = False, width: int = 80) -> str:  # type: ignore[no-untyped-def]
    out = io.StringIO()
    console = SafeConsole(file=out, width=width, color_system=None, highlight=False, plain=plain)
    console.print(renderable)
    return out.getvalue()


def test_terminal_question_and_working_print_unicode_maths() -> None:
    q = markup_mcq()
    text = terminal(question_panel(q, 1, 1)) + terminal(question_working(q))
    assert "w₁₁x₁ + w₁₂x₂" in text and "ŷ = σ(z)" in text and "½(ŷ − t)²" in text
    assert "∂L/∂w₁₁" in text and "ReLU(W₁x + b₁)" in text
    assert re.search(r"⎡ 1  −1 ⎤", text) and re.search(r"⎣ 2   1 ⎦", text)
    for bad in PYTHONISH:
        assert bad not in text, bad
    assert max(len(line) for line in text.splitlines()) <= 80


def test_plain_console_prints_ascii_maths_and_boxes_without_being_told() -> None:
    q = markup_mcq()
    text = terminal(question_panel(q, 1, 1), plain=True) + terminal(question_working(q), plain=True)
    assert "w11*x1 + w12*x2" in text and "yhat = sigmoid(z)" in text
    assert "[ 1  -1 ]" in text and "(yhat - t)^2 / 2" in text
    assert text.startswith("+-")
    assert text.isascii()  # every byte: no ⎡ ₁ ŷ σ − ² ½ ∂ ╭ │ · left


def test_one_renderable_prints_unicode_or_ascii_as_its_console_decides() -> None:
    """A view takes no plain flag: the same panel object is Unicode on a normal console and
    ASCII on a plain one (Rich's own ASCII options on a terminal that is not UTF-8 too)."""
    panel = question_panel(markup_mcq(), 1, 1)
    fancy, plain = terminal(panel), terminal(panel, plain=True)
    assert "w₁₁x₁" in fancy and "╭" in fancy
    assert "w11*x1" in plain and plain.isascii()
    raw = io.BytesIO()
    narrow = io.TextIOWrapper(raw, encoding="ascii")  # a terminal that is not UTF-8
    Console(file=narrow, width=80, color_system=None).print(panel)
    narrow.flush()
    assert b"w11*x1" in raw.getvalue() and raw.getvalue().startswith(b"+-")


def test_score_sheet_repeats_the_stem_and_working_in_maths() -> None:
    exam = Exam([markup_mcq(), markup_nat()], 600, started=0.0)
    exam.select(Response.pick(1))
    exam.save_next(30)
    text = terminal(scoresheet(exam.submit(60)), width=100)
    assert "Working for the questions you missed" in text
    assert "w₁₁x₁ + w₁₂x₂" in text and "B: wrong: you dropped ∂L/∂ŷ" in text
    assert "$" not in text and "[[" not in text


def test_free_text_prints_exactly_as_before_in_every_style() -> None:
    free = "Bank item: z = w1*x + b, (yhat - t)**2 and σ′(z) ≤ ¼ [b]bold[/b]"
    for style in ("unicode", "markdown"):
        assert show(free, style) == free  # type: ignore[arg-type]
    assert show(free, "ascii") == "Bank item: z = w1*x + b, (yhat - t)**2 and sigma'(z) <= 1/4 [b]bold[/b]"
    assert show(free, "html") == free.replace("&", "&amp;").replace("<", "&lt;")
    panel = terminal(question_panel(markup_mcq(free), 1, 1), width=120)
    assert "z = w1*x + b, (yhat - t)**2 and σ′(z) ≤ ¼ [b]bold[/b]" in panel


@pytest.mark.parametrize("fmt", ["md", "html", "tex", "pdf", "moodle", "anki", "json"])
def test_markup_that_does_not_parse_is_printed_as_text(fmt: str) -> None:
    out = render_export([markup_mcq(BROKEN)], fmt, ExportOptions())
    assert out.main
    if fmt in ("md", "html", "moodle"):
        assert "w11 * * x1" in out.main.decode().replace("\\*", "*")
    text = terminal(question_panel(markup_mcq(BROKEN), 1, 1), width=120)
    assert "$w11 * * x1$ and a lone $ sign" in text


def _text(fmt: str) -> str:
    return render_export([markup_mcq(), markup_nat()], fmt, ExportOptions()).main.decode()


def test_markdown_prints_unicode_maths_and_matrices_as_code_lines() -> None:
    text = _text("md")
    assert "z = w₁₁x₁ + w₁₂x₂" in text and "L = ½(ŷ − t)²" in text
    assert "`W₁ = ⎡ 1  −1 ⎤.`" in text and "`     ⎣ 2   1 ⎦`" in text
    assert "> A unit computes" in text  # the key repeats the stem
    assert "**" not in text.replace("**(", "").replace(")**", "").replace("**A**", "").replace(
        "**0\\.24 to 0.26**", "").replace("**Q.1 carries one mark**", "").replace(
        "**Q.2 carries two marks**", "")


def test_html_and_moodle_print_the_maths_spans() -> None:
    for fmt in ("html", "moodle"):
        text = _text(fmt)
        assert '<span class="math"><i>z</i> = <i>w</i><sub>11</sub><i>x</i><sub>1</sub>' in text
        assert 'class="gatebp-matrix"' in text and "math-display" in text
        assert "$" not in text.replace("$course$", "")


def test_html_display_is_not_a_block_inside_a_paragraph() -> None:
    """A <div> or <table> (a matrix) inside a <p> would end the paragraph in every browser's
    parser and push the matrix out of its line: no paragraph holds one."""
    text = _text("html")
    for paragraph in re.findall(r"<p[ >](.*?)</p>", text, re.DOTALL):
        assert "<div" not in paragraph and "<table" not in paragraph, paragraph[:200]
    assert '<span class="math-display">' in text and 'class="gatebp-matrix"' in text


def test_latex_sets_fractions_and_bmatrix_and_compiles(tmp_path: Path) -> None:
    text = _text("tex")
    assert "\\frac{\\partial L}{\\partial w_{11}}" in text and "\\begin{bmatrix} 1 & -1" in text
    assert "\\hat{y}" in text and "$" in text
    if shutil.which("pdflatex") is None:
        pytest.skip("pdflatex is not installed")
    (tmp_path / "m.tex").write_text(text)
    run = subprocess.run(["pdflatex", "-interaction=nonstopmode", "-halt-on-error", "m.tex"],
                         cwd=tmp_path, capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stdout[-2000:]
    assert "Overfull" not in run.stdout


def test_typst_prints_maths_and_compiles_with_no_warning() -> None:
    from gatebp.ui.export.pdf import compile_typst_checked, typst_source

    source = typst_source([markup_mcq(), markup_nat()], ExportOptions())
    assert 'mat(delim: "[", 1, -1; 2, 1)' in source and "frac(partial L, partial w_11)" in source
    pdf, warnings = compile_typst_checked(source)
    assert pdf.startswith(b"%PDF") and warnings == []


def test_anki_cards_carry_mathjax_from_the_latex_printer(tmp_path: Path) -> None:
    from test_export_platforms import read_apkg

    notes, _, _ = read_apkg(render_export([markup_mcq()], "anki", ExportOptions()).main, tmp_path)
    front, back = notes[0][1], notes[0][2]
    assert "\\(z = w_{11} x_{1} + w_{12} x_{2}\\)" in front
    assert "\\[W_{1} = \\begin{bmatrix}" in front
    assert "\\(\\frac{\\partial L}{\\partial \\hat{y}}\\)" in back
    assert "$" not in front + back


def test_json_keeps_the_markup_as_written() -> None:
    assert STEM.replace("\\", "\\\\") in _text("json") or "$z = w11*x1 + w12*x2$" in _text("json")


def test_the_console_decides_plain_once(monkeypatch: pytest.MonkeyPatch) -> None:
    """NO_COLOR makes a plain console; views made without a flag then print plain on it."""
    from gatebp.ui.terminal.console import make_console
    from gatebp.ui.terminal.question import palette

    monkeypatch.setenv("NO_COLOR", "1")
    console = make_console()
    assert getattr(console, "plain", False) and getattr(console, "target", "") == "ascii"
    text = terminal(palette(["answered", "not_answered"], current=1), plain=True)
    assert "[ 1:A ] < 2:N >" in text and text.startswith("+-")
    assert "[ 1:A ]" not in terminal(palette(["answered", "not_answered"], current=1))


def test_anki_gives_a_wide_layered_network_as_matrices_too(tmp_path: Path) -> None:
    """At 400 px a 478-unit-wide figure would print 9-unit weights at 7 px: the card also
    carries each layer's weight matrix and bias vector in MathJax, and keeps the figure."""
    from gatebp.questions.generate import build_question
    from gatebp.ui.export.anki_figure import READABLE_WIDTH
    from gatebp.ui.figure import figure_from_dict
    from gatebp.ui.layout import place
    from test_export_platforms import read_apkg

    question = build_question("multipath-relu", "NAT", 2, 5)
    assert question.graph is not None
    assert place(figure_from_dict(question.graph)).width > READABLE_WIDTH
    notes, media, _ = read_apkg(render_export([question], "anki", ExportOptions()).main, tmp_path)
    front = notes[0][1]
    assert "\\(W_{1} = \\begin{bmatrix}" in front and "\\(W_{2} = " in front
    assert "ReLU units" in front and '<img class="net"' in front and media
    small = build_question("relu-gate", "NAT", 1, 1)
    assert small.graph is not None and place(figure_from_dict(small.graph)).width <= READABLE_WIDTH
    (tmp_path / "s").mkdir()
    notes, _, _ = read_apkg(render_export([small], "anki", ExportOptions()).main, tmp_path / "s")
    assert "network-table" not in notes[0][1]
