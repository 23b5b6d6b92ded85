"""How a name the user wrote is printed: w11 -> w₁₁, yhat -> ŷ, eta -> η, w_h1_x2 -> w_{h1,x2}.

The name itself is never changed (the ASCII target prints it verbatim, so it can be typed back);
only its look: trailing digits become a subscript, `_` parts become a comma-separated subscript,
a `hat`/`bar` suffix becomes an accent and Greek letter names become the letters.

Layer-form names. A layer-form spec (or a layer-form stem: "Layer 1 computes h = relu(W1 x + b1)")
names matrices, not entries, and gatebp expands it into internal scalar names (w_h2_x1, b_h2,
z_h2; gatebp.network.layers). The working never prints those: it writes each as the entry of the
matrix or vector the stem names, numbered by layer (1 for the first), row and column from 1:

    w_h2_x1  (weight into h2 from x1, layer 1)  ->  W1[2,1]   printed W₁[2,1]  (LaTeX W_{1}[2, 1])
    b_h2     (bias of h2, layer 1)              ->  b1[2]     printed b₁[2]
    z_h2     (pre-activation of h2, layer 1)    ->  z1[2]     printed z₁[2]; the vector is z₁ = W₁x + b₁
    h2, x1   (units and inputs)                 ->  unchanged: h₂, x₁ (the stem's "h1, h2, ...")

so every symbol of the working is one the stem defines (W1, b1, h, x) or the working's first line
does (z₁). The mapping is gatebp.network.notation.display_names; the entry is the markup node
`Entry` (gatebp.core.maths.spans reads `W1[2,1]` in a span). ASCII prints W1[2,1], as typed.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

GREEK = {
    "alpha": "α", "beta": "β", "gamma": "γ", "delta": "δ", "epsilon": "ε", "zeta": "ζ", "eta": "η",
    "theta": "θ", "iota": "ι", "kappa": "κ", "lambda": "λ", "mu": "μ", "nu": "ν", "xi": "ξ",
    "pi": "π", "rho": "ρ", "sigma": "σ", "tau": "τ", "upsilon": "υ", "phi": "φ", "chi": "χ",
    "psi": "ψ", "omega": "ω", "Gamma": "Γ", "Delta": "Δ", "Theta": "Θ", "Lambda": "Λ", "Xi": "Ξ",
    "Pi": "Π", "Sigma": "Σ", "Phi": "Φ", "Psi": "Ψ", "Omega": "Ω",
}
ACCENTS = {"hat": "\u0302", "bar": "\u0304", "tilde": "\u0303"}
SUBSCRIPT_DIGITS = str.maketrans("0123456789+-=()", "₀₁₂₃₄₅₆₇₈₉₊₋₌₍₎")
_SPLIT = re.compile(r"([A-Za-z]+?)(\d*)\Z")


@dataclass(frozen=True)
class Symbol:
    """A name taken apart: base letter(s), an accent, and the subscript parts."""

    base: str  # "w", "y", "eta", "rate"
    accent: str = ""  # "", "hat", "bar" or "tilde"
    subscripts: tuple[str, ...] = ()  # ("11",) or ("h1", "x2")
    raw: str = ""

    @property
    def is_word(self) -> bool:
        """A multi-letter base that is not Greek (rate, loss): printed upright-ish, never juxtaposed."""
        return len(self.base) > 1 and self.base not in GREEK

    @property
    def letter_subscript(self) -> bool:
        return any(not part.isdigit() for part in self.subscripts)


@lru_cache(maxsize=4096)
def parse_name(name: str) -> Symbol:
    """Take a grammar name apart; names that fit no pattern are kept whole as a word (cached: a
    question prints the same few names hundreds of times)."""
    head, *parts = name.split("_")
    if any(not part for part in parts):
        return Symbol(name, raw=name)
    match = _SPLIT.match(head)
    if match is None:
        return Symbol(name, raw=name)
    letters, digits = match.groups()
    if digits:
        if parts:
            return Symbol(name, raw=name)  # w1_h: keep whole
        parts = [digits]
    base, accent = _accent(letters)
    return Symbol(base, accent, tuple(parts), name)


def _accent(letters: str) -> tuple[str, str]:
    for accent in ACCENTS:
        stem = letters.removesuffix(accent)
        if stem != letters and (len(stem) == 1 or stem in GREEK):
            return stem, accent
    return letters, ""


def base_unicode(symbol: Symbol) -> str:
    """The base with its accent as Unicode: ŷ (precomposed where Unicode has it), x̄, η."""
    letter = GREEK.get(symbol.base, symbol.base)
    if not symbol.accent:
        return letter
    return unicodedata.normalize("NFC", letter + ACCENTS[symbol.accent])


def subscript_unicode(part: str) -> str:
    """Digits as subscript digits; letters stay on the line (Unicode has no subscript g, y, z)."""
    return part.translate(SUBSCRIPT_DIGITS) if part.isdigit() else _digits_down(part)


def _digits_down(part: str) -> str:
    letters = part.rstrip("0123456789")
    return GREEK.get(letters, letters) + part[len(letters):].translate(SUBSCRIPT_DIGITS)


@lru_cache(maxsize=4096)
def name_unicode(name: str) -> str:
    """w11 -> w₁₁, yhat1 -> ŷ₁, delta_h1 -> δ_h₁, w_h1_x2 -> w_h₁,x₂ (letters cannot go down)."""
    symbol = parse_name(name)
    head = base_unicode(symbol)
    if not symbol.letter_subscript:
        return head + ",".join(subscript_unicode(p) for p in symbol.subscripts)
    return head + "_" + ",".join(subscript_unicode(p) for p in symbol.subscripts)


def name_latex(name: str) -> str:
    """w11 -> w_{11}, yhat -> \\hat{y}, eta -> \\eta, rate -> \\mathit{rate}, w_h1_x2 -> w_{h1,x2}."""
    symbol = parse_name(name)
    head = _latex_base(symbol.base)
    if symbol.accent:
        head = f"\\{symbol.accent}{{{head}}}" if symbol.accent != "bar" else f"\\bar{{{head}}}"
    if not symbol.subscripts:
        return head
    parts = ",".join(_latex_part(p) for p in symbol.subscripts)
    return f"{head}_{{{parts}}}"


def _latex_base(base: str) -> str:
    if base in GREEK:
        return "\\" + base
    if len(base) == 1:
        return base
    return "\\mathit{" + base.replace("_", "\\_") + "}"


def _latex_part(part: str) -> str:
    letters = part.rstrip("0123456789")
    if letters in GREEK:
        return "\\" + letters + " " + part[len(letters):]
    if len(letters) > 1:
        return "\\mathrm{" + letters + "}" + part[len(letters):]
    return part


def name_typst(name: str) -> str:
    """w11 -> w_11, yhat -> hat(y), w_h1_x2 -> w_(h_1, x_2) (Typst reads h1 as one variable)."""
    symbol = parse_name(name)
    head = _typst_base(symbol.base)
    if symbol.accent:
        head = f"{symbol.accent}({head})"
    if not symbol.subscripts:
        return head
    parts = ", ".join(_typst_part(p) for p in symbol.subscripts)
    if len(symbol.subscripts) == 1 and symbol.subscripts[0].isdigit():
        return f"{head}_{parts}"
    return f"{head}_({parts})"


def _typst_base(base: str) -> str:
    if base in GREEK or len(base) == 1:
        return base
    return f'italic("{base}")'


def _typst_part(part: str) -> str:
    letters = part.rstrip("0123456789")
    digits = part[len(letters):]
    if not letters:
        return digits
    head = letters if letters in GREEK or len(letters) == 1 else f'"{letters}"'
    return f"{head}_{digits}" if digits else head


def name_html(name: str) -> str:
    """w11 -> <i>w</i><sub>11</sub>; Greek and accents as Unicode; words upright-italic too."""
    symbol = parse_name(name)
    head = f"<i>{base_unicode(symbol)}</i>"
    if not symbol.subscripts:
        return head
    parts = ",".join(_digits_down(p).translate(_UNDO_SUB) for p in symbol.subscripts)
    return f"{head}<sub>{parts}</sub>"


_UNDO_SUB = str.maketrans("₀₁₂₃₄₅₆₇₈₉", "0123456789")
