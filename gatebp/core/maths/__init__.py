"""The maths printer: one tree, five targets (unicode, ascii, typst, latex, html).

Everything a student reads goes through here, so the terminal, the plain mode and every export
print the same maths in their own notation:

    >>> from gatebp.core.maths import render_math, render, parse_markup
    >>> render_math("w11 * x1 + w12 * x2")
    'w₁₁x₁ + w₁₂x₂'
    >>> render_math("(yhat - t)**2 / 2", "ascii")
    '(yhat - t)^2 / 2'
    >>> render(parse_markup("The value of $∂y1/∂w11$ is"), "latex")
    'The value of $\\\\frac{\\\\partial y_{1}}{\\\\partial w_{11}}$ is'

Modules: `printer` (the expression printer: render_math, render_number, render_name; the
Unicode target), `targets` (the ASCII, LaTeX, Typst and HTML printers),
`nodes` (Partial, Transpose, Hadamard, MatMul, Prime, Apply, Relation, Matrix beyond the spec
grammar), `names` (how a user's name is shown), `text` (MathText: Text/Math/Display parts,
`$...$` markup, terminal wrapping and multi-line matrices), `escape` (free text with Unicode
maths for each target; LaTeX's map covers every character the bank and the generator emit).

The working's notation (gatebp.core.maths.spans reads it inside `$...$`; a backslash before $ makes it a literal $):
a local derivative, along one edge with the node's other inputs held fixed, is written
`∂h1/∂z1|local` and printed ∂h₁/∂z₁|local (in LaTeX, the fraction with a bar subscripted local); a total
derivative of the output is `∂L/∂z1` or, in the δ recursion, `δ(z1)` (δ(z₁)); so one symbol never
stands for two values. Primes: `relu'(z1)`, `sigmoid'(z)` or `σ'(z)` print ReLU′(z₁), σ′(z);
`W2ᵀ` (or `W2^T`) a transpose, `a ⊙ b` the entrywise product, `W1[2,1]` an entry (names.py says
how a layer-form question's names become entries), `(-2)` keeps its parentheses, and the
relations are = ≈ ← (`<-`) ≠ ≤ ≥ > <. A side that starts with `[` is a matrix literal, or a
product of them (`[[1, 2], [3, 4]]*[[5], [6]]`).

Conventions (the paper's): log prints as ln (SymPy's log is natural; "ln" leaves no doubt
about the base), exp(z) as e^z (Unicode/HTML e^(−z) when the exponent is not a single symbol),
sigmoid as σ, relu as ReLU; x/2 as ½x in Unicode and HTML; minus as − everywhere but ASCII.
Nothing here imports Rich: the core stays free of presentation libraries.
"""

from gatebp.core.maths.escape import escape_text, latex_covers, to_ascii, to_latex
from gatebp.core.maths.names import name_html, name_latex, name_typst, name_unicode, parse_name
from gatebp.core.maths.nodes import (
                                     Apply,
                                     Hadamard,
                                     MathExpr,
                                     MatMul,
                                     Matrix,
                                     Partial,
                                     Prime,
                                     Relation,
                                     Transpose,
                                     column,
                                     matrix,
                                     num,
                                     to_fraction,
)
from gatebp.core.maths.printer import (
                                     TARGETS,
                                     Frag,
                                     Printer,
                                     Target,
                                     printer,
                                     render_math,
                                     render_name,
                                     render_number,
)
from gatebp.core.maths.text import (
                                     Display,
                                     Math,
                                     MathText,
                                     Part,
                                     Text,
                                     display,
                                     display_lines,
                                     display_width,
                                     matrix_lines,
                                     parse_markup,
                                     parse_maths,
                                     plain,
                                     render,
                                     wrap,
)

__all__ = [
                                     "TARGETS",
                                     "Apply",
                                     "Display",
                                     "Frag",
                                     "Hadamard",
                                     "MatMul",
                                     "Math",
                                     "MathExpr",
                                     "MathText",
                                     "Matrix",
                                     "Part",
                                     "Partial",
                                     "Prime",
                                     "Printer",
                                     "Relation",
                                     "Target",
                                     "Text",
                                     "Transpose",
                                     "column",
                                     "display",
                                     "display_lines",
                                     "display_width",
                                     "escape_text",
                                     "latex_covers",
                                     "matrix",
                                     "matrix_lines",
                                     "name_html",
                                     "name_latex",
                                     "name_typst",
                                     "name_unicode",
                                     "num",
                                     "parse_markup",
                                     "parse_maths",
                                     "parse_name",
                                     "plain",
                                     "printer",
                                     "render",
                                     "render_math",
                                     "render_name",
                                     "render_number",
                                     "to_ascii",
                                     "to_fraction",
                                     "to_latex",
                                     "wrap",
]
