"""The maths printer: golden text per target, a round-trip property, and what LaTeX/Typst accept."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from fractions import Fraction
from pathlib import Path

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from gatebp.core.errors import ExpressionError
from gatebp.core.expr import BinOp, Call, Name, Neg, Num, format_expr, parse_expr_text
from gatebp.core.maths import (
    Apply,
    Hadamard,
    MathExpr,
    MatMul,
    Partial,
    Prime,
    Relation,
    Text,
    Transpose,
    column,
    display,
    escape_text,
    latex_covers,
    matrix,
    matrix_lines,
    parse_markup,
    render,
    render_math,
    render_name,
    render_number,
    to_ascii,
    to_latex,
    wrap,
)

ROOT = Path(__file__).resolve().parent.parent

# expression, unicode, ascii, typst, latex, html
GOLDEN = [
    ("w11 * x1 + w12 * x2", "w₁₁x₁ + w₁₂x₂", "w11*x1 + w12*x2", "w_11 x_1 + w_12 x_2",
     "w_{11} x_{1} + w_{12} x_{2}", "<i>w</i><sub>11</sub><i>x</i><sub>1</sub> + <i>w</i><sub>12</sub><i>x</i><sub>2</sub>"),
    ("(yhat - t)**2", "(ŷ − t)²", "(yhat - t)^2", "(hat(y) - t)^2", "(\\hat{y} - t)^{2}",
     "(<i>ŷ</i> − <i>t</i>)<sup>2</sup>"),
    ("(yhat - t)**2 / 2", "½(ŷ − t)²", "(yhat - t)^2 / 2", "frac((hat(y) - t)^2, 2)",
     "\\frac{(\\hat{y} - t)^{2}}{2}", "½(<i>ŷ</i> − <i>t</i>)<sup>2</sup>"),
    ("relu(w1 * x + b)", "ReLU(w₁x + b)", "relu(w1*x + b)", 'op("ReLU")(w_1 x + b)',
     "\\operatorname{ReLU}(w_{1} x + b)", "ReLU(<i>w</i><sub>1</sub><i>x</i> + <i>b</i>)"),
    ("sigmoid(z)", "σ(z)", "sigmoid(z)", "sigma(z)", "\\sigma(z)", "σ(<i>z</i>)"),
    ("tanh(z)**2", "tanh(z)²", "tanh(z)^2", "tanh(z)^2", "\\tanh(z)^{2}", "tanh(<i>z</i>)<sup>2</sup>"),
    ("1 / (1 + exp(-z))", "1/(1 + e^(−z))", "1 / (1 + exp(-z))", "frac(1, 1 + e^(-z))",
     "\\frac{1}{1 + e^{-z}}", "1/(1 + <i>e</i><sup>−<i>z</i></sup>)"),
    ("exp(z1) / s", "e^z₁/s", "exp(z1) / s", "frac(e^(z_1), s)", "\\frac{e^{z_{1}}}{s}",
     "<i>e</i><sup><i>z</i><sub>1</sub></sup>/<i>s</i>"),
    ("-(t * log(p) + (1 - t) * log(1 - p))", "−(t ln(p) + (1 − t) ln(1 − p))",
     "-(t*log(p) + (1 - t)*log(1 - p))", "-(t ln(p) + (1 - t) ln(1 - p))",
     "-(t \\ln(p) + (1 - t) \\ln(1 - p))", "−(<i>t</i> ln(<i>p</i>) + (1 − <i>t</i>) ln(1 − <i>p</i>))"),
    ("2 * 3", "2·3", "2*3", "2 dot 3", "2 \\cdot 3", "2·3"),
    ("2 * x", "2x", "2*x", "2 x", "2 x", "2<i>x</i>"),
    ("x * 2", "x·2", "x*2", "x dot 2", "x \\cdot 2", "<i>x</i>·2"),
    ("a + -3", "a + (−3)", "a + (-3)", "a + (-3)", "a + (-3)", "<i>a</i> + (−3)"),
    ("x * -y", "x(−y)", "x*(-y)", "x (-y)", "x (-y)", "<i>x</i>(−<i>y</i>)"),
    ("eta * delta", "ηδ", "eta*delta", "eta delta", "\\eta \\delta", "<i>η</i><i>δ</i>"),
    ("rate * x", "rate·x", "rate*x", 'italic("rate") dot x', "\\mathit{rate} \\cdot x",
     "<i>rate</i>·<i>x</i>"),
    ("w_h1_x2 * x2", "w_h₁,x₂·x₂", "w_h1_x2*x2", "w_(h_1, x_2) x_2", "w_{h1,x2} x_{2}",
     "<i>w</i><sub>h1,x2</sub><i>x</i><sub>2</sub>"),
    ("sigmoid(z) * (1 - sigmoid(z))", "σ(z)(1 − σ(z))", "sigmoid(z)*(1 - sigmoid(z))",
     "sigma(z) (1 - sigma(z))", "\\sigma(z) (1 - \\sigma(z))", "σ(<i>z</i>)(1 − σ(<i>z</i>))"),
    ("a - (b - c)", "a − (b − c)", "a - (b - c)", "a - (b - c)", "a - (b - c)",
     "<i>a</i> − (<i>b</i> − <i>c</i>)"),
    ("x**-1", "x⁻¹", "x^(-1)", "x^(-1)", "x^{-1}", "<i>x</i><sup>−1</sup>"),
]


@pytest.mark.parametrize("source,unicode,ascii_,typst,latex,html", GOLDEN)
def test_golden_text_per_target(source, unicode, ascii_, typst, latex, html):
    assert render_math(source) == unicode
    assert render_math(source, "ascii") == ascii_
    assert render_math(source, "typst") == typst
    assert render_math(source, "latex") == latex
    assert render_math(source, "html") == html


def test_names_keep_what_the_user_wrote():
    shown = {n: render_name(n) for n in ("w11", "x1", "yhat", "yhat2", "alpha", "eta", "sigma",
                                          "delta_h1", "b_h1", "h_out", "Delta", "xbar")}
    assert shown == {"w11": "w₁₁", "x1": "x₁", "yhat": "ŷ", "yhat2": "ŷ₂", "alpha": "α", "eta": "η",
                     "sigma": "σ", "delta_h1": "δ_h₁", "b_h1": "b_h₁", "h_out": "h_out", "Delta": "Δ",
                     "xbar": "x̄"}
    assert render_name("w_h1_x2", "latex") == "w_{h1,x2}"
    assert render_name("w_h1_x2", "ascii") == "w_h1_x2"


def test_numbers_as_the_paper_writes_them():
    assert [render_number(v) for v in ("-0.25", "1/3", 3, -2.5)] == ["−0.25", "1/3", "3", "−2.5"]
    assert render_number("-1/3", "latex") == "-\\frac{1}{3}"
    assert render_number("1/3", "typst") == "frac(1, 3)"


def test_symbols_beyond_the_grammar():
    delta = Name("delta")
    line = Relation("=", delta, Hadamard(MatMul(Transpose(Name("W2")), delta), Prime("relu", Name("z"))))
    assert render_math(line) == "δ = (W₂ᵀδ) ⊙ ReLU′(z)"
    assert render_math(line, "ascii") == "delta = (W2^T*delta) .* relu'(z)"
    assert render_math(line, "latex") == ("\\delta = (W_{2}^{\\mathsf{T}} \\delta) \\odot "
                                         "\\operatorname{ReLU}'(z)")
    chain = BinOp("*", Partial("L", "yhat"), Partial("yhat", "z", local=True))
    assert render_math(chain) == "∂L/∂ŷ × ∂ŷ/∂z|local"
    assert render_math(Partial("y1", "w11"), "latex") == "\\frac{\\partial y_{1}}{\\partial w_{11}}"
    assert render_math(Apply("delta", Name("h"))) == "δ(h)"


def test_matrices_right_aligned_in_the_terminal():
    w = matrix([[1, -1], [-2, 10]])
    assert matrix_lines(w) == ["⎡  1  −1 ⎤", "⎣ −2  10 ⎦"]
    assert matrix_lines(w, "ascii") == ["[  1  -1 ]", "[ -2  10 ]"]
    assert matrix_lines(matrix([[1], [2], [3]])) == ["⎡ 1 ⎤", "⎢ 2 ⎥", "⎣ 3 ⎦"]
    assert render_math(w, "typst") == 'mat(delim: "[", 1, -1; -2, 10)'
    assert render_math(w, "latex") == "\\begin{bmatrix} 1 & -1 \\\\ -2 & 10 \\end{bmatrix}"
    assert render_math(column([1, 2])) == "(1, 2)ᵀ"


def test_a_display_puts_names_on_the_middle_row():
    lines = render(display(Relation("=", Name("W1"), matrix([[1, -1], [2, 1], [0, 3]]))))
    assert lines.split("\n") == ["         ⎡ 1  −1 ⎤", "    W₁ = ⎢ 2   1 ⎥", "         ⎣ 0   3 ⎦"]


STEM = ("A network takes $x = [-1, 1]$. Layer 1 computes $h = relu(W1*x + b1)$ with "
        "$W1 = [[-2, 1], [2, -2]]$. The value of $∂y1/∂x2$ is ____ (rounded off to two decimal places).")


def test_markup_stem_in_every_target():
    parts = parse_markup(STEM)
    assert render(parts).split("\n") == [
        "A network takes x = (−1, 1)ᵀ. Layer 1 computes h = ReLU(W₁x + b₁) with",
        "    W₁ = ⎡ −2   1 ⎤.",
        "         ⎣  2  −2 ⎦",
        "The value of ∂y₁/∂x₂ is ____ (rounded off to two decimal places).",
    ]
    assert "[[" not in render(parts, "ascii") and "**" not in render(parts, "ascii")
    assert "\\[ W_{1} = \\begin{bmatrix} -2 & 1 \\\\ 2 & -2 \\end{bmatrix}\\text{.} \\]" in render(parts, "latex")
    assert '$frac(partial y_1, partial x_2)$' in render(parts, "typst")
    assert 'class="gatebp-matrix"' in render(parts, "html")
    assert all(len(line) <= 60 for line in wrap(parts, 60))


def test_markup_refuses_what_the_parser_refuses():
    with pytest.raises(ExpressionError):
        parse_markup("bad $__import__('os')$")
    with pytest.raises(ExpressionError):
        parse_markup("unclosed $x + 1")


# --- the property: no code notation leaks, and ASCII reads back to the same tree ------------

NAMES = st.sampled_from(["x", "x1", "w11", "yhat", "t", "w_h1_x2", "eta", "rate", "z_g1", "b"])
NUMBERS = st.sampled_from(["0", "1", "2", "3", "0.5", "0.25", "10"]).map(lambda s: Num(Fraction(s)))


def _extend(children: st.SearchStrategy) -> st.SearchStrategy:
    return st.one_of(
        st.builds(BinOp, st.sampled_from(["+", "-", "*", "/"]), children, children),
        st.builds(lambda b, e: BinOp("**", b, Num(Fraction(e))), children, st.sampled_from(["2", "3"])),
        st.builds(Neg, children),
        st.builds(Call, st.sampled_from(["relu", "sigmoid", "tanh", "exp", "log"]), children),
    )


TREES = st.recursive(st.one_of(NAMES.map(Name), NUMBERS), _extend, max_leaves=12)


@settings(derandomize=True, max_examples=300, deadline=None)
@given(TREES)
def test_printed_maths_never_speaks_python(tree):
    try:
        parsed = parse_expr_text(format_expr(tree))
    except ExpressionError:
        assume(False)
        return
    unicode, ascii_ = render_math(parsed), render_math(parsed, "ascii")
    for text in (unicode, ascii_):
        assert "**" not in text
        assert " * " not in text
    assert "yhat" not in unicode and "relu(" not in unicode and "sigmoid(" not in unicode
    assert "-" not in unicode.replace("w_h₁,x₂", "").replace("z_g₁", "").replace("_", "")
    assert parse_expr_text(ascii_.replace("^", "**")) == parsed


# --- free text with Unicode maths: the bank and a generated set ----------------------------

@pytest.fixture(scope="module")
def corpus() -> list[str]:
    """Every text of question_bank/*.yaml and of every family form (two draws each)."""
    from gatebp.questions.generate import families_by_name
    from tests.sweep import built

    texts = [path.read_text(encoding="utf-8") for path in sorted((ROOT / "question_bank").glob("*.yaml"))]
    drawn = [built(f.name, t, m, seed) for f in families_by_name() for t in f.types for m in f.marks
             for seed in (1, 2)]
    for q in drawn:
        texts += [q.text, *(s.text for s in q.solution), *(o.text for o in q.options), *(o.why or "" for o in q.options)]
    return texts


def test_latex_map_covers_every_character_of_the_bank_and_the_generator(corpus):
    missing = sorted({c for text in corpus for c in text if not latex_covers(c)})
    assert missing == []
    for text in corpus:
        out = to_latex(text)
        assert out.count("?") == text.count("?"), text[:80]  # no character fell back to ?
        assert all(ord(c) < 128 or 0xC0 <= ord(c) <= 0xFF for c in out), text[:80]


def test_ascii_transliteration_is_ascii(corpus):
    for text in corpus:
        assert all(ord(c) < 128 for c in to_ascii(text)), text[:80]
    assert to_ascii("∂L/∂ŷ = 2(ŷ − t)·x², Wᵀδ ⊙ σ'(z), 2⁻²⁰, z ∈ ℝ") == (
        "dL/dyhat = 2(yhat - t)*x^2, W^T delta .* sigma'(z), 2^-20, z in R")


def test_escapes_for_html_and_typst():
    assert escape_text('a < b & "c"', "html") == "a &lt; b &amp; &quot;c&quot;"
    assert escape_text('say "hi" \\ #x', "typst") == '#"say \\"hi\\" \\\\ #x"'


# --- what the typesetters accept ------------------------------------------------------------

def _sample_maths() -> list[str]:
    extra: list[MathExpr] = [Relation("=", Name("delta"), Hadamard(MatMul(Transpose(Name("W2")), Name("delta")),
                                                    Prime("sigmoid", Name("z")))),
             Partial("L", "w_h1_x2", local=True), matrix([[1, "-1/3"], ["0.5", 2]])]
    return [render_math(g[0], "latex") for g in GOLDEN] + [render_math(e, "latex") for e in extra]


@pytest.mark.skipif(shutil.which("pdflatex") is None, reason="pdflatex is not installed")
def test_latex_output_compiles_with_pdflatex(tmp_path, corpus):
    body = "\n\n".join(f"${m}$" for m in _sample_maths())
    body += "\n\n" + render(parse_markup(STEM), "latex")
    body += "\n\n" + "\n\n".join(to_latex(t) for t in corpus)
    doc = ("\\documentclass{article}\\usepackage[utf8]{inputenc}\\usepackage[T1]{fontenc}"
           "\\usepackage{lmodern}\\usepackage{textcomp}\\usepackage{amsmath,amssymb}\\begin{document}\n"
           f"{body}\n\\end{{document}}\n")
    (tmp_path / "m.tex").write_text(doc, encoding="utf-8")
    run = subprocess.run(["pdflatex", "-interaction=nonstopmode", "-halt-on-error", "m.tex"],
                         cwd=tmp_path, capture_output=True, text=True, timeout=120, check=False)
    assert run.returncode == 0, [line for line in run.stdout.splitlines() if line.startswith("!")]


def test_typst_output_compiles(tmp_path):
    typst = pytest.importorskip("typst")
    maths = [render_math(g[0], "typst") for g in GOLDEN]
    body = "\n\n".join(f"${m}$" for m in maths) + "\n\n" + render(parse_markup(STEM), "typst")
    (tmp_path / "m.typ").write_text(body, encoding="utf-8")
    typst.compile(str(tmp_path / "m.typ"), output=str(tmp_path / "m.pdf"))
    assert (tmp_path / "m.pdf").stat().st_size > 0


def test_the_maths_package_imports_no_presentation_library():
    code = "import gatebp.core.maths, sys; print('rich' in sys.modules, 'click' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT,
                         check=False).stdout
    assert out.strip() == "False False"


def test_text_part_is_escaped_per_target():
    parts = (Text("50% of ŷ & σ"),)
    assert render(parts, "latex") == "50\\% of $\\hat{y}$ \\& $\\sigma$"
    assert json.dumps(render(parts, "ascii")) == '"50% of yhat & sigma"'


def test_everything_the_printer_emits_has_a_latex_and_an_ascii_form():
    samples = [render_math(g[0]) for g in GOLDEN]
    samples += [render_math(e) for e in ("xbar * 2 + yhat", "sigmahat", "Delta * x", "x**-12", "alpha + Omega")]
    samples += [render(display(Relation("=", Name("W"), matrix([[1, 2], [3, 4], [5, 6]]))))]
    samples += [render_math(Partial("L", "yhat", local=True)), render_math(Hadamard(Transpose(Name("W")), Name("d")))]
    for text in samples:
        assert all(latex_covers(c) for c in text), text
        assert "?" not in to_latex(text) and "?" not in to_ascii(text), text
        assert all(ord(c) < 128 for c in to_ascii(text)), text
    assert to_ascii(render_math("xbar * 2 + yhat")) == "xbar*2 + yhat"
