"""The working's notation inside a `$...$` span, beyond the spec grammar, read without eval.

A side of a relation may mix grammar expressions with:

    ∂L/∂w11          a total partial            ∂h1/∂z1|local   a local (one-edge) partial
    δ(h1)            the total derivative of the output with respect to h1 (δ names)
    relu'(z1)        an activation's derivative: ReLU′(z₁), σ′(z), tanh′(z) (also σ'(z) for sigmoid)
    W1[2,3], b1[2]   an entry of a matrix or vector the stem names (W₁[2,3])
    W2ᵀ or W2^T      a transpose (of a name or an entry)
    (-2)             parentheses kept around a negative number: 2·3 + (−2)(−2)
    a ⊙ b            the entrywise product, loosest of all operators (a ⊙ b ⊙ c)
    [[1, 2]]*[[3]]   a product of matrix literals (where a side is matrices)

Each such token is swapped for a placeholder name, the rest is read by the whitelisting parser
(gatebp.core.expr.parse_expr_text), and the placeholders are put back as maths nodes.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from fractions import Fraction

from gatebp.core.errors import ExpressionError
from gatebp.core.expr import BinOp, Call, Name, Neg, Num, parse_expr_text
from gatebp.core.maths.nodes import Apply, Entry, Group, Hadamard, MathExpr, MatMul, Partial, Prime, Transpose

_NAME = r"[A-Za-z][A-Za-z0-9_]*"
_ENTRY = rf"{_NAME}\[\d+(?:,\s*\d+)?\]"
_OPERAND = rf"(?:{_ENTRY}|{_NAME})"
_PARTIAL = re.compile(rf"∂({_OPERAND})/∂({_OPERAND})(\|local)?")
_DELTA = re.compile(rf"δ\(({_OPERAND})\)")
_PRIME = re.compile(rf"({_NAME}|σ)['′]\(")
_TRANSPOSE = re.compile(rf"({_OPERAND})(?:ᵀ|\^T\b)")
_GROUPED_NUMBER = re.compile(r"(?<!\*\*)\(\s*([-−])\s*(\d+(?:\.\d+)?(?:/\d+)?)\s*\)")
_LONE_ENTRY = re.compile(_ENTRY)
PLACEHOLDER = "qzq"


def parse_side(text: str, matrix: Callable[[str], MathExpr] | None = None) -> MathExpr:
    """One side of a relation: ⊙-separated factors, each a grammar expression with the tokens
    above or, when `matrix` reads it, a matrix literal [..]."""
    nodes = [_matrices(piece, matrix) if matrix is not None and piece.strip().startswith("[") else _factor(piece)
             for piece in _split_top(text, "⊙")]
    node = nodes[0]
    for factor in nodes[1:]:
        node = Hadamard(node, factor)
    return node


def _matrices(text: str, matrix: Callable[[str], MathExpr]) -> MathExpr:
    """[..] or a product of matrix literals [[1, 2], [3, 4]]*[[5], [6]] (a MatMul chain)."""
    pieces = _split_top(text, "*")
    node = matrix(pieces[0].strip())
    for piece in pieces[1:]:
        node = MatMul(node, matrix(piece.strip()))
    return node


def _split_top(text: str, mark: str) -> list[str]:
    """`text` split at `mark` outside brackets."""
    pieces, depth, start = [], 0, 0
    for position, char in enumerate(text):
        depth += 1 if char in "([" else -1 if char in ")]" else 0
        if char == mark and depth == 0:
            pieces.append(text[start:position])
            start = position + 1
    pieces.append(text[start:])
    if any(not piece.strip() for piece in pieces):
        raise ExpressionError(f"a ⊙ needs a factor on each side in {text.strip()[:40]!r}")
    return pieces


def _factor(text: str) -> MathExpr:
    held: list[MathExpr] = []
    source = _swap_primes(text.strip(), held)
    for pattern, build in _TOKENS:
        source = pattern.sub(lambda m, b=build: _hold(b(m), held), source)  # type: ignore[misc]
    if "∂" in source or "δ" in source or "⊙" in source:
        raise ExpressionError(f"cannot read {text.strip()[:40]!r} as maths")
    return _restore(parse_expr_text(source), held)


def _hold(node: MathExpr, held: list[MathExpr]) -> str:
    held.append(node)
    return f"{PLACEHOLDER}{len(held) - 1}"


def _operand(text: str) -> MathExpr:
    match = re.fullmatch(rf"({_NAME})\[(\d+)(?:,\s*(\d+))?\]", text)
    if match is None:
        return Name(text)
    indices = tuple(int(i) for i in match.groups()[1:] if i is not None)
    return Entry(match.group(1), indices)


def _number(match: re.Match[str]) -> MathExpr:
    return Group(Num(-Fraction(match.group(2))))


_TOKENS: tuple[tuple[re.Pattern[str], Callable[[re.Match[str]], MathExpr]], ...] = (
    (_PARTIAL, lambda m: Partial(m.group(1), m.group(2), bool(m.group(3)))),
    (_DELTA, lambda m: Apply("delta", _operand(m.group(1)))),
    (_TRANSPOSE, lambda m: Transpose(_operand(m.group(1)))),
    (_LONE_ENTRY, lambda m: _operand(m.group(0))),
    (_GROUPED_NUMBER, _number),
)


def _swap_primes(text: str, held: list[MathExpr]) -> str:
    """f'(arg) -> a placeholder for Prime(f, arg), its argument read recursively."""
    match = _PRIME.search(text)
    while match is not None:
        depth, end = 1, match.end()
        while end < len(text) and depth:
            depth += {"(": 1, ")": -1}.get(text[end], 0)
            end += 1
        if depth:
            raise ExpressionError(f"unclosed ( in {text[:40]!r}")
        func = "sigmoid" if match.group(1) == "σ" else match.group(1)
        node = Prime(func, parse_side(text[match.end():end - 1]))
        text = text[:match.start()] + _hold(node, held) + text[end:]
        match = _PRIME.search(text)
    return text


def _restore(node: MathExpr, held: list[MathExpr]) -> MathExpr:
    """The parsed tree with every placeholder name replaced by the node it stands for."""
    if isinstance(node, Name) and node.id.startswith(PLACEHOLDER) and node.id[len(PLACEHOLDER):].isdigit():
        return held[int(node.id[len(PLACEHOLDER):])]
    if isinstance(node, Neg):
        return Neg(_restore(node.operand, held))  # type: ignore[arg-type]
    if isinstance(node, BinOp):
        return BinOp(node.op, _restore(node.left, held), _restore(node.right, held))  # type: ignore[arg-type]
    if isinstance(node, Call):
        return Call(node.func, _restore(node.arg, held))  # type: ignore[arg-type]
    return node
