"""Pages stay full before a tall figure (issue 14): a question whose stacked form does not fit
the rest of the page prints its figure beside the options rather than leave half a page empty.

The set is a filler question whose stem length moves the tall question's start down page 1;
pypdf reads where the text ends on each page (Typst writes the baseline in the text matrix)."""

from __future__ import annotations

import io

import pytest

from gatebp.core.step import Step
from gatebp.gate.question import Question
from gatebp.ui.export import ExportOptions
from gatebp.ui.export.paper_figure import plan_figure
from gatebp.ui.export.pdf import TEXT_WIDTH_PT, compile_typst_checked, typst_source

PAGE, TOP, BOTTOM = 841.89, 56.69, 51.02  # A4 and the paper's margins, in pt


def filler(sentences: int) -> Question:
    return Question(id="filler:NAT1:1", topic="filler", type="NAT", marks=1,
                    text=" ".join(["This sentence fills the page before the figure."] * sentences),
                    answer={"value": 1, "exact": "1", "range": [1, 1]},
                    solution=(Step("answer", "1"),), rounding=0)


def tall() -> Question:
    from gatebp.questions.generate import build_question

    return build_question("batch-bias", "MCQ", 1, 3)


def fill(page) -> float:  # type: ignore[no-untyped-def]
    """How far down the text area the page's text reaches (the page number left out)."""
    ys: list[float] = []
    page.extract_text(visitor_text=lambda t, cm, tm, fd, fs: ys.append(cm[5]) if t.strip() else None)
    lowest = min(y for y in ys if y > BOTTOM - 5)
    return (PAGE - TOP - lowest) / (PAGE - TOP - BOTTOM)


def test_the_tall_figure_is_one_that_may_go_beside_its_options() -> None:
    question = tall()
    assert question.graph is not None
    plan = plan_figure(question.graph, TEXT_WIDTH_PT)
    assert plan.beside and plan.height > 200 and plan.floor >= 0.8


@pytest.mark.parametrize("sentences", [7, 13, 19])
def test_a_tall_figure_goes_beside_the_options_instead_of_leaving_half_a_page(sentences: int) -> None:
    from pypdf import PdfReader

    source = typst_source([filler(sentences), tall()], ExportOptions(answers="none"), key=False)
    pdf, warnings = compile_typst_checked(source)
    assert warnings == []
    pages = [page for page in PdfReader(io.BytesIO(pdf)).pages]
    texts = [page.extract_text() for page in pages]
    starts = [i for i, text in enumerate(texts) if "MCQ, 1 mark, wrong" in text]
    assert starts == [0], "the tall question moved to the next page"
    assert fill(pages[0]) > 0.8
    # stacked, it would not have fitted: the same paper without the beside form moves it
    stacked = source.replace("if beside != none and", "if false and")
    pdf, _ = compile_typst_checked(stacked)
    texts = [page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages]
    assert "MCQ, 1 mark, wrong" not in texts[0]


@pytest.mark.skipif(__import__("shutil").which("pdflatex") is None, reason="pdflatex is not installed")
@pytest.mark.parametrize("sentences", [13])
def test_latex_puts_the_tall_figure_beside_the_options_too(sentences: int, tmp_path) -> None:  # type: ignore[no-untyped-def]
    import subprocess

    from pypdf import PdfReader

    from gatebp.ui.export import render_export

    def first_page(tex: str) -> str:
        (tmp_path / "p.tex").write_text(tex)
        subprocess.run(["pdflatex", "-interaction=nonstopmode", "-halt-on-error", "p.tex"],
                       cwd=tmp_path, capture_output=True, timeout=120, check=True)
        return PdfReader(tmp_path / "p.pdf").pages[0].extract_text()

    tex = render_export([filler(sentences), tall()], "tex", ExportOptions(answers="none")).main.decode()
    assert "\\fitq{" in tex
    assert "wrong: -1/3" in first_page(tex)
    stacked = tex.replace("\\usebox{\\qbeside}", "\\usebox{\\qstacked}")
    assert "wrong: -1/3" not in first_page(stacked)
