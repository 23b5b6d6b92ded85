"""One way to print a markup string (question, option, reason, working step) for any view.

Questions carry `$...$` (inline) and `$$...$$` (display) maths spans; `show(text, style)` prints
one in the notation of the place it goes: the terminal's Unicode (`unicode`), the plain
mode's ASCII (`ascii`), Markdown (Unicode, escaped; a display as code-span lines so matrices
stay aligned), HTML and Moodle (`html`), Anki (`mathjax`: `\\( ... \\)` from the LaTeX printer),
LaTeX (`latex`) and Typst (`typst`). Each format passes its own escape for free text (`free`):
text without `$`, or markup the parser refuses, is printed through it exactly as before the
markup existed, so a bank item prints as it always did and a bad span never stops a view.
"""

from __future__ import annotations

import html
from collections.abc import Callable
from typing import Literal

from gatebp.core.maths import Display, Math, MathText, Part, Target, Text, display_lines, parse_markup
from gatebp.core.maths import printer as maths_printer
from gatebp.core.maths import render as render_parts
from gatebp.core.maths.escape import escape_text, to_ascii, typst_string

Style = Literal["unicode", "ascii", "markdown", "html", "mathjax", "latex", "typst"]
Free = Callable[[str], str]


def markup_parts(text: str) -> MathText | None:
    """The parts of `text` when it holds maths markup that parses; None for free text."""
    if "$" not in text:
        return None
    try:
        return parse_markup(text)
    except Exception:  # a bad span is shown as the text it is, never a crash in a view
        return None


def has_maths(text: str) -> bool:
    return markup_parts(text) is not None


def show(text: str, style: Style, free: Free | None = None, *, inline: bool = False) -> str:
    """`text` printed for `style`; `free` escapes free text (default: the target's own).
    With `inline`, a print format sets a display (a matrix) within the line, as an option
    reads after its letter; the terminal and Markdown still draw it on lines of its own."""
    escape = free or _default_free(style)
    parts = markup_parts(text)
    if parts is None:
        return escape(text)
    if style in ("unicode", "ascii"):
        return render_parts(parts, style)
    if inline and style != "markdown":
        parts = tuple(item for part in parts
                      for item in (part.items if isinstance(part, Display) else (part,)))
    printers = {"markdown": _markdown, "html": _html, "mathjax": _mathjax, "latex": _latex,
                "typst": _typst}
    return "".join(printers[style](part, escape) for part in parts)


def _default_free(style: Style) -> Free:
    if style == "ascii":
        return to_ascii
    if style in ("unicode", "markdown"):
        return lambda text: text
    if style == "mathjax":
        return html.escape
    return lambda text: escape_text(text, style)


def _frag(node: object, target: str) -> str:
    return maths_printer(target).frag(node).text  # type: ignore[arg-type]


# --- one printer per style (a part at a time) ----------------------------------------------

def _markdown(part: Part, escape: Free) -> str:
    if isinstance(part, Text):
        return escape(part.text)
    if isinstance(part, Math):
        return escape(_frag(part.node, "unicode"))
    lines = display_lines(part, "unicode")
    return "  \n" + "  \n".join(_code(line) for line in lines) + "  \n"


def _code(line: str) -> str:
    """One display line as a code span (monospace keeps a matrix's columns); spaces kept."""
    return "`" + line.replace("`", "'") + "`" if line.strip() else ""


def _html(part: Part, escape: Free) -> str:
    if isinstance(part, Text):
        return escape(part.text)
    if isinstance(part, Math):
        return f'<span class="math">{_frag(part.node, "html")}</span>'
    body = "".join(_frag(item.node, "html") if isinstance(item, Math) else html.escape(item.text)
                   for item in part.items)
    return f'<span class="math-display">{body}</span>'


def _mathjax(part: Part, escape: Free) -> str:
    if isinstance(part, Text):
        return escape(part.text)
    if isinstance(part, Math):
        return "\\(" + html.escape(_frag(part.node, "latex")) + "\\)"
    return "\\[" + html.escape(_latex_display(part)) + "\\]"


def _latex_display(part: Display) -> str:
    return "".join(_frag(item.node, "latex") if isinstance(item, Math)
                   else "\\text{" + escape_text(item.text, "latex") + "}" for item in part.items)


def _latex(part: Part, escape: Free) -> str:
    if isinstance(part, Text):
        return escape(part.text)
    if isinstance(part, Math):
        return f"${_frag(part.node, 'latex')}$"
    return f"\n\\[ {_latex_display(part)} \\]\n"


def _typst(part: Part, escape: Free) -> str:
    if isinstance(part, Text):
        return escape(part.text) if part.text else ""
    if isinstance(part, Math):
        return f"${_frag(part.node, 'typst')}$"
    body = "".join(_frag(item.node, "typst") if isinstance(item, Math)
                   else typst_string(item.text).removeprefix("#") for item in part.items)
    return f" $ {body} $ "


def show_expr(source: str, target: Target) -> str:
    """A spec expression (`w * x`, `relu(u)`, `(z1 - t1)**2 / 2`) through the maths printer for
    `target`; the spec text itself when the parser refuses it."""
    from gatebp.core.maths import render_math

    try:
        return render_math(source, target)
    except Exception:  # never stop a view over a label
        return source


def show_name(name: str, target: Target) -> str:
    """A user's name as the printer shows it (w11 -> w₁₁), or as written if it cannot."""
    from gatebp.core.maths import render_name

    try:
        return render_name(name, target)
    except Exception:
        return name


def show_span(source: str, target: Target) -> str:
    """The inside of one maths span (`∂L/∂w1`, `x`, `-t + y`) printed for a terminal target;
    the source as written when it is not maths the parser reads (`1 if z > 0 else 0`)."""
    parts = markup_parts(f"${source}$") if source.strip() and "$" not in source else None
    return render_parts(parts, target) if parts is not None else source
