"""The LaTeX export prints every character and keeps questions whole (pdflatex, TeX Live).

The .tex may hold only what its preamble sets: ASCII (with the commands of LaTeX, amssymb and
textcomp) and the Latin-1 letters that inputenc's utf8 maps with T1 fonts. Everything else the
bank or the generator writes must have been mapped by `to_latex`, never shown as [U+XXXX] or
its `?` fallback.
"""

from __future__ import annotations

import shutil
import subprocess
from functools import cache
from pathlib import Path

import pytest

from gatebp.core.maths import latex_covers
from gatebp.gate.question import Question
from gatebp.ui.export import ExportOptions, render_export
from gatebp.ui.export.common import safe_questions


@cache
def questions(count: int) -> tuple[Question, ...]:
    from gatebp.questions.sets import build_set

    return tuple(safe_questions(build_set(11, count, (), None, "question_bank")))


@cache
def every_form() -> tuple[Question, ...]:
    """Every generated family form once, and every authored bank item: all the text gatebp writes."""
    from gatebp.questions.bank import load_bank
    from gatebp.questions.generate import families_by_name
    from tests.sweep import built

    drawn = [built(f.name, t, m, 1) for f in families_by_name() for t in f.types for m in f.marks]
    return tuple(safe_questions([*drawn, *load_bank(["question_bank"])]))  # type: ignore[list-item]


def strings(q: Question) -> list[str]:
    steps = [s.text for s in q.solution]
    return [q.text, q.key_text(), *steps, *(o.text for o in q.options)]


def preamble_sets(char: str) -> bool:
    """ASCII, or a Latin-1 letter (utf8 inputenc + T1); × and ÷ are maths, not letters."""
    return ord(char) < 128 or (0xC0 <= ord(char) <= 0xFF and char not in "×÷")


def test_the_tex_holds_no_character_its_preamble_does_not_map() -> None:
    chosen = list(every_form())
    source = render_export(chosen, "tex", ExportOptions(solutions=True)).main.decode("utf-8")
    outside = sorted({c for c in source if not preamble_sets(c)})
    assert outside == [] and "[U+" not in source
    unmapped = sorted({c for q in chosen for text in strings(q) for c in text
                       if not latex_covers(c)})
    assert unmapped == []  # nothing fell back to "?"


@pytest.mark.skipif(shutil.which("pdflatex") is None, reason="pdflatex is not installed")
def test_pdflatex_compiles_and_every_page_starts_with_a_question(tmp_path: Path) -> None:
    from pypdf import PdfReader

    chosen = list(questions(20))[:20]
    for name, data in (("paper", render_export(chosen, "tex", ExportOptions(answers="none")).main),
                       ("key", render_export(chosen, "tex", ExportOptions(
                           answers="separate"), ).key or b"")):
        (tmp_path / f"{name}.tex").write_bytes(data)
        run = subprocess.run(["pdflatex", "-no-shell-escape", "-interaction=nonstopmode",
                              "-halt-on-error", f"{name}.tex"], cwd=tmp_path,
                             capture_output=True, text=True, timeout=180, check=False)
        assert run.returncode == 0, [line for line in run.stdout.splitlines() if line.startswith("!")]
        assert "Overfull \\hbox" not in run.stdout and "Overfull \\vbox" not in run.stdout
    pages = PdfReader(tmp_path / "paper.pdf").pages
    firsts = [page.extract_text().strip().splitlines()[0] for page in pages[1:]]
    assert all(line.startswith(("Q.", "Answer sheet")) for line in firsts), firsts


def test_long_sets_break_the_answer_sheet_and_key_across_pages() -> None:
    from gatebp.ui.export.document import sheet_columns

    pages = sheet_columns(list(range(130)))
    assert [[len(column) for column in page] for page in pages] == [[30, 30], [30, 30], [5, 5]]
    assert [n for page in pages for column in page for n in column] == list(range(130))
    source = render_export(list(questions(20))[:70], "tex", ExportOptions()).main.decode()
    assert source.count("\\begin{tabular}[t]{lll}") == 4  # 70 rows: two pages of two columns
    assert "\\begin{longtable}{llll}" in source and "\\endhead" in source
