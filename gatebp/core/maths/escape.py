"""Free text that already holds Unicode maths (·, −, ², ŷ, ∂, σ, ←, ᵀ, ℝ, Σ, ⁰-⁹, ‖) per target.

Question-bank texts and the working are written in the paper's Unicode. The terminal and HTML
keep it (HTML escapes &, <, >, "), ASCII transliterates it for screen readers (ŷ -> yhat,
x² -> x^2, ∂ -> d, ← -> <-), Typst takes it as a string literal, and LaTeX maps every
character the printer or the bank can emit to a command pdflatex sets: runs of superscripts and
subscripts become one `$^{...}$`/`$_{...}$`, letters with an accent become `$\\hat{y}$`. A
character outside the map is never printed as a code such as [U+2190]: it is decomposed to
its ASCII letter where Unicode allows, otherwise replaced by `?` (the tests scan the whole bank
and a generated set so that this never happens in practice).
"""

from __future__ import annotations

import html
import re
import unicodedata

from gatebp.core.maths.names import GREEK

SUPER = "⁰¹²³⁴⁵⁶⁷⁸⁹⁺⁻⁼⁽⁾ⁿⁱᵗᵀ"
SUPER_PLAIN = "0123456789+-=()nitT"
SUB = "₀₁₂₃₄₅₆₇₈₉₊₋₌₍₎ₐₑₒₓₕₖₗₘₙₚₛₜᵢⱼ"
SUB_PLAIN = "0123456789+-=()aeoxhklmnpstij"
_SCRIPTS = re.compile(f"[{SUPER}]+|[{SUB}]+")
_LETTER_NAMES = {letter: name for name, letter in GREEK.items()}

LATEX_SPECIALS = {
    "\\": r"\textbackslash{}", "{": r"\{", "}": r"\}", "$": r"\$", "&": r"\&", "#": r"\#",
    "^": r"\textasciicircum{}", "_": r"\_", "%": r"\%", "~": r"\textasciitilde{}",
    "<": r"\textless{}", ">": r"\textgreater{}", "|": r"\textbar{}",
}
LATEX_MATH = {  # characters set in maths mode: $...$ (runs are merged)
    "∂": r"\partial", "·": r"\cdot", "⋅": r"\cdot", "×": r"\times", "−": "-", "±": r"\pm",
    "∓": r"\mp", "≤": r"\le", "≥": r"\ge", "≠": r"\neq", "≈": r"\approx", "≡": r"\equiv",
    "∼": r"\sim", "∝": r"\propto", "→": r"\to", "←": r"\leftarrow", "↔": r"\leftrightarrow",
    "⇒": r"\Rightarrow", "⇐": r"\Leftarrow", "⇔": r"\Leftrightarrow", "↦": r"\mapsto",
    "↑": r"\uparrow", "↓": r"\downarrow", "∑": r"\sum", "Σ": r"\Sigma", "∏": r"\prod",
    "√": r"\surd", "∞": r"\infty", "∈": r"\in", "∉": r"\notin", "⊂": r"\subset",
    "⊆": r"\subseteq", "∪": r"\cup", "∩": r"\cap", "∅": r"\emptyset", "∀": r"\forall",
    "∃": r"\exists", "∇": r"\nabla", "⊙": r"\odot", "⊗": r"\otimes", "∘": r"\circ",
    "′": "'", "″": "''", "‖": r"\|", "ℝ": r"\mathbb{R}", "ℕ": r"\mathbb{N}", "ℤ": r"\mathbb{Z}",
    "ℚ": r"\mathbb{Q}", "ℓ": r"\ell", "⌈": r"\lceil", "⌉": r"\rceil", "⌊": r"\lfloor",
    "⌋": r"\rfloor", "⟨": r"\langle", "⟩": r"\rangle", "∣": r"\mid", "∫": r"\int",
    "⎡": "[", "⎢": "[", "⎣": "[", "⎤": "]", "⎥": "]", "⎦": "]", "⊤": r"\top",
    "½": r"\tfrac{1}{2}", "⅓": r"\tfrac{1}{3}", "¼": r"\tfrac{1}{4}", "¾": r"\tfrac{3}{4}",
    "⅔": r"\tfrac{2}{3}", "✓": r"\checkmark", "✗": r"\times", "∎": r"\blacksquare",
    **{letter: "\\" + name for name, letter in GREEK.items()},
    "ε": r"\varepsilon", "ϵ": r"\epsilon", "φ": r"\varphi", "ϕ": r"\phi",
}
LATEX_TEXT = {  # characters set in text mode
    "–": "--", "—": "---", "‘": "`", "’": "'", "“": "``", "”": "''", "…": r"\ldots{}",
    "\u00a0": "~", "\u2009": r"\,", "\u202f": r"\,", "°": r"\textdegree{}", "•": r"\textbullet{}",
    "€": r"\texteuro{}", "«": r"\guillemotleft{}", "»": r"\guillemotright{}", "§": r"\S{}",
    "¶": r"\P{}", "©": r"\textcopyright{}", "→": r"$\to$",
}
ACCENTS_LATEX = {"\u0302": "hat", "\u0304": "bar", "\u0303": "tilde", "\u0307": "dot",
                 "\u0308": "ddot", "\u0301": "acute", "\u0300": "grave", "\u20d7": "vec"}

ASCII_MAP = {
    "·": "*", "⋅": "*", "×": "*", "−": "-", "–": "-", "—": "--", "±": "+/-", "≤": "<=",
    "≥": ">=", "≠": "!=", "≈": "~=", "≡": "==", "∼": "~", "→": "->", "←": "<-", "↔": "<->",
    "⇒": "=>", "⇔": "<=>", "↦": "|->", "∂": "d", "∇": "grad", "∑": "sum", "Σ": "sum",
    "∏": "prod", "√": "sqrt", "∞": "inf", "∈": "in", "∉": "not in", "⊙": ".*", "∘": "o",
    "′": "'", "″": "''", "‖": "||", "ℝ": "R", "ℕ": "N", "ℤ": "Z", "ℚ": "Q", "½": "1/2",
    "⅓": "1/3", "¼": "1/4", "¾": "3/4", "⅔": "2/3", "‘": "'", "’": "'", "“": '"', "”": '"',
    "…": "...", "\u00a0": " ", "\u2009": " ", "\u202f": " ", "⎡": "[", "⎢": "[", "⎣": "[",
    "⎤": "]", "⎥": "]", "⎦": "]", "✓": "yes", "✗": "no", "°": " deg", "•": "*", "ŷ": "yhat",
    "⊤": "T", "ℓ": "l", "∣": "|", "⟨": "<", "⟩": ">", "⌈": "ceil(", "⌉": ")", "⌊": "floor(",
    "⌋": ")",
}
ASCII_MAP = {**{letter: name for name, letter in GREEK.items()}, **ASCII_MAP}


def escape_text(text: str, target: str) -> str:
    """Free text for `target` (unicode, ascii, typst, latex, html); see the module docstring."""
    if target == "unicode":
        return text
    if target == "ascii":
        return to_ascii(text)
    if target == "html":
        return html.escape(text)
    if target == "typst":
        return typst_string(text)
    if target == "latex":
        return to_latex(text)
    raise ValueError(f"unknown text target {target!r}")


def typst_string(text: str) -> str:
    """A Typst string literal placed as content: nothing in it is markup."""
    inner = text.replace("\\", "\\\\").replace('"', '\\"').replace("\r", "").replace("\n", "\\n")
    return '#"' + inner.replace("\t", "\\t") + '"'


# --- ASCII ---------------------------------------------------------------------------------

def to_ascii(text: str) -> str:
    """Transliterate: x² -> x^2, 2⁻²⁰ -> 2^-20, Wᵀ -> W^T, x₁ -> x1, σ -> sigma, ŷ -> yhat."""
    out: list[str] = []
    position = 0
    for match in _SCRIPTS.finditer(text):
        out.extend(_chars_ascii(text[position:match.start()], out))
        out.append(_script_ascii(match.group()))
        position = match.end()
    out.extend(_chars_ascii(text[position:], out))
    return "".join(out)


def _script_ascii(run: str) -> str:
    if run[0] in SUPER:
        plain = run.translate(str.maketrans(SUPER, SUPER_PLAIN))
        return "^" + (plain if len(plain) == 1 or plain.lstrip("-").isdigit() else f"({plain})")
    return run.translate(str.maketrans(SUB, SUB_PLAIN))


def _chars_ascii(chunk: str, before: list[str]) -> list[str]:
    out: list[str] = []
    for position, char in enumerate(chunk):
        if ord(char) < 128:
            out.append(char)
            continue
        if unicodedata.combining(char):
            out.append(ACCENTS_LATEX.get(char, ""))  # x + combining macron: xbar, as typed
            continue
        word = ASCII_MAP.get(char) or _decompose_ascii(char)
        previous = out[-1] if out else (before[-1] if before else "")
        following = chunk[position + 1:position + 2]
        if len(word) > 1 and word[:1].isalpha() and previous[-1:].isalnum() and previous != "d":
            word = " " + word
        if len(word) > 1 and word[-1:].isalpha() and following.isalpha():
            word += " "
        out.append(word)
    return out


def _decompose_ascii(char: str) -> str:
    """é -> e, ŷ -> yhat (base letter plus the accent's name), else ?."""
    parts = unicodedata.normalize("NFD", char)
    base = "".join(c for c in parts if ord(c) < 128)
    accent = next((ACCENTS_LATEX[c] for c in parts if c in ACCENTS_LATEX), "")
    if base and accent in ("hat", "bar", "tilde", "dot", "vec"):
        return base + accent
    return base or "?"


# --- LaTeX ---------------------------------------------------------------------------------

def to_latex(text: str) -> str:
    """Text-mode LaTeX for pdflatex (inputenc utf8, T1, amsmath, amssymb); maths runs merged."""
    tokens: list[tuple[bool, str]] = []  # (is maths, source)
    text = text.strip("\n")
    position = 0
    for match in _SCRIPTS.finditer(text):
        tokens += _latex_tokens(text[position:match.start()])
        tokens.append((True, _script_latex(match.group())))
        position = match.end()
    tokens += _latex_tokens(text[position:])
    return _merge(tokens)


def _script_latex(run: str) -> str:
    if run[0] in SUPER:
        plain = run.translate(str.maketrans(SUPER, SUPER_PLAIN)).replace("T", r"\mathsf{T}")
        return "^{" + plain + "}"
    return "_{" + run.translate(str.maketrans(SUB, SUB_PLAIN)) + "}"


def _latex_tokens(chunk: str) -> list[tuple[bool, str]]:
    tokens: list[tuple[bool, str]] = []
    for char in unicodedata.normalize("NFC", chunk.replace("\r", "")):
        accent = ACCENTS_LATEX.get(char)
        if accent and tokens and re.fullmatch(r"[A-Za-z]|\\[A-Za-z]+", tokens[-1][1]):
            tokens[-1] = (True, f"\\{accent}{{{tokens[-1][1]}}}")  # x + combining macron: \bar{x}
        else:
            tokens.append(_latex_char(char))
    return tokens


def _latex_char(char: str) -> tuple[bool, str]:
    if char in LATEX_SPECIALS:
        return False, LATEX_SPECIALS[char]
    if char in LATEX_TEXT:
        return False, LATEX_TEXT[char]
    if char in LATEX_MATH:
        return True, LATEX_MATH[char]
    if char == "\n":
        return False, "\\newline\n"
    if ord(char) < 32:
        return False, " " if char == "\t" else ""
    if ord(char) < 128 or (0xC0 <= ord(char) <= 0xFF and char not in "×÷"):
        return False, char  # ASCII and Latin-1 letters: inputenc utf8 with T1 sets them
    return _latex_decomposed(char)


def _latex_decomposed(char: str) -> tuple[bool, str]:
    """A letter with an accent: ŷ -> \\hat{y} in maths; anything else: its ASCII base or ?."""
    parts = unicodedata.normalize("NFD", char)
    base = "".join(c for c in parts if ord(c) < 128)
    accent = next((ACCENTS_LATEX[c] for c in parts if c in ACCENTS_LATEX), "")
    if base.isalpha() and len(base) == 1 and accent:
        return True, f"\\{accent}{{{base}}}"
    if base:
        return False, "".join(LATEX_SPECIALS.get(c, c) for c in base)
    return False, "?"


def _merge(tokens: list[tuple[bool, str]]) -> str:
    """Join tokens, putting each run of maths tokens in one $...$ (so x$^{2}$ is one group)."""
    out: list[str] = []
    run: list[str] = []
    for is_maths, source in tokens + [(False, "")]:
        if is_maths:
            run.append(source)
            continue
        if run:
            out.append("$" + _join_maths(run) + "$")
            run = []
        out.append(source)
    return "".join(out).strip("\n").removesuffix("\\newline")


def _join_maths(run: list[str]) -> str:
    """Concatenate maths tokens; a command followed by a letter needs a space between them."""
    text = ""
    for source in run:
        if re.search(r"\\[A-Za-z]+\Z", text) and source[:1].isalpha():
            text += " "
        text += source
    return text


def latex_covers(char: str) -> bool:
    """True when `char` has a LaTeX form of its own (not the ? fallback): the tests use it."""
    if ord(char) < 128 or char in LATEX_SPECIALS or char in LATEX_TEXT or char in LATEX_MATH:
        return True
    if 0xC0 <= ord(char) <= 0xFF or _SCRIPTS.fullmatch(char) or char in ACCENTS_LATEX:
        return True  # an accent is set over the letter before it
    return _latex_decomposed(char)[1] != "?"
