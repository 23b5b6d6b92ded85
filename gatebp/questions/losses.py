"""The losses of the backprop families in one home: squared error, binary cross-entropy on a
sigmoid, and softmax cross-entropy.

For each: its expression (a graph node's text), the derivative at the output a student writes
first (∂L/∂ŷ = ŷ − t or 2(ŷ − t), ∂L/∂z = p − t, ∂L/∂z_k = p_k − y_k), the working line that
states it, and the named slips on it. Seven families use these, so one fact and one slip are
worded one way everywhere, and no family imports another.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import sympy as sp

from gatebp.core.maths import render_name
from gatebp.core.step import Step
from gatebp.core.values import as_float
from gatebp.network.graph import Graph
from gatebp.network.slips import Slip, evaluated

BCE = "-(t*log(p) + (1 - t)*log(1 - p))"
BCE_WHERE = "binary cross-entropy, natural log"
BCE_SHORTCUT = ("BCE on a sigmoid output: $∂L/∂z = p - t$, since ∂L/∂p·σ′(z) = "
                "$(-t/p + (1 - t)/(1 - p))*p*(1 - p) = p - t$, so")
SOFTMAX_SHORTCUT = ("softmax with cross-entropy: ∂L/∂zₖ = pₖ − yₖ for every class k (y is the one-hot "
                    "target: the softmax Jacobian and the −1/p of −ln p cancel to this), so")
CLASSES = (1, 2, 3)


def squared_error(out: str, target: str = "t", *, half: bool = False) -> str:
    """(out − target)², or half of it: the node text of a squared-error loss."""
    return f"({out} - {target})**2/2" if half else f"({out} - {target})**2"


def is_half(graph: Graph, node: str = "L") -> bool:
    """Whether the loss node is ½(…)² (its derivative has no factor 2)."""
    return graph.node(node).text.replace(" ", "").endswith("/2")


def mse_delta(out: sp.Expr, target: sp.Expr, *, half: bool) -> sp.Expr:
    """∂L/∂out of a squared error: out − t for ½(out − t)², 2(out − t) for (out − t)²."""
    return (out - target) * (1 if half else 2)


def mse_factor_slip(gradient: sp.Expr, *, half: bool, out: str = "ŷ") -> Slip:
    """The 2 of a squared error lost, or a ½ forgotten: the loss's own slip."""
    t = target_of(out)
    if half:
        return Slip(gradient * 2, f"forgot the ½ of the loss (used 2({out} − {t}) for ∂L/∂{out}, not {out} − {t})")
    return Slip(gradient / 2, f"dropped the 2 of the squared error (used {out} − {t} for ∂L/∂{out}, "
                              f"not 2({out} − {t}))")


def mse_sign_slip(gradient: sp.Expr, out: str = "ŷ") -> Slip:
    t = target_of(out)
    return Slip(-gradient, f"used {t} − {out} instead of {out} − {t} (a sign slip)")


def target_of(out: str) -> str:
    """The target the stem pairs with an output: t for ŷ or y, t₁ for o₁, tₖ for zₖ."""
    return "t" + "".join(ch for ch in out if ch in "₀₁₂₃₄₅₆₇₈₉ᵢⱼₖ")


def bce_delta(p: sp.Expr, t: sp.Expr) -> sp.Expr:
    """∂L/∂z for BCE on a sigmoid output p = σ(z): p − t."""
    return p - t


def bce_slips(p: sp.Expr, t: sp.Expr, below: sp.Expr) -> list[Slip]:
    """Slips on (p − t)·below, where `below` is the product of the factors under z.

    Written from p and t (not the solver's long exact form) so evaluating them stays cheap."""
    answer = (p - t) * below
    sigma_at_p = sp.exp(-p) / (1 + sp.exp(-p)) ** 2
    slips = [Slip(answer * p * (1 - p), "multiplied by σ′(z) = p(1 − p) again "
                                        "(the cross-entropy derivative already cancels it)"),
             Slip(-answer, "used t − p instead of p − t (a sign slip)"),
             Slip(2 * answer * p * (1 - p), "used the squared-error derivative 2(p − t)·p(1 − p)"),
             Slip(answer / (p * (1 - p)) * sigma_at_p,
                  "used σ′(p) instead of σ′(z) (the derivative at the output, not the input)"),
             Slip(-t * (1 - p) * below, "kept only −t/p for ∂L/∂p (dropped the (1 − t) term)")]
    if below != 1:
        slips.append(Slip(p - t, "stopped at ∂L/∂z = p − t (left out the factors below z)"))
    return evaluated(slips)


def softmax_nodes(true_class: int) -> dict[str, str]:
    """Softmax over three logits written out, with −log of the true class's probability."""
    nodes = {f"e{k}": f"exp(z{k})" for k in CLASSES}
    nodes["s"] = "e1 + e2 + e3"
    nodes["p"] = f"e{true_class}/s"
    nodes["L"] = "-log(p)"
    return nodes


def probabilities(forward: Mapping[str, sp.Expr]) -> list[sp.Expr]:
    """p_k = e_k / s from a softmax graph's forward values."""
    return [forward[f"e{k}"] / forward["s"] for k in CLASSES]


def softmax_delta(p: Sequence[sp.Expr], c: int, k: int) -> sp.Expr:
    """∂L/∂z_k = p_k − y_k with the one-hot target at class c."""
    return p[k - 1] - (1 if k == c else 0)


def softmax_slips(p: Sequence[sp.Expr], e: Sequence[sp.Expr], c: int, k: int, below: sp.Expr) -> list[Slip]:
    """Slips on (p_k − y_k)·below, most telling first."""
    g = softmax_delta(p, c, k)
    slips = [Slip(p[k - 1] * below, "left out the −yₖ term (used pₖ for the true class)") if k == c
             else Slip((p[k - 1] - 1) * below, f"took {render_name(f'y{k}')} = 1 at class {k}, which is not the true class"),
             Slip(-g * below, "used yₖ − pₖ instead of pₖ − yₖ (a sign slip)"),
             Slip(g * p[k - 1] * (1 - p[k - 1]) * below,
                  "multiplied by pₖ(1 − pₖ) again (an extra softmax factor)"),
             Slip((e[k - 1] - (1 if k == c else 0)) * below,
                  "used e^(zₖ) without dividing by the sum (forgot to normalise)")]
    if k == c:
        slips.append(Slip(-below / p[c - 1], "stopped at ∂L/∂p = −1/p at the true class"))
    else:
        slips.append(Slip(p[c - 1] * below, f"used the true class's {render_name(f'p{c}')} instead of {render_name(f'p{k}')}"))
    if below != 1:
        slips.append(Slip(g, "stopped at ∂L/∂zₖ = pₖ − yₖ (left out the factor x)"))
    return evaluated(slips)


def key_line(text: str, wrt: str, exact: sp.Expr) -> Step:
    """The working's line that gives the key ∂L/∂wrt after the shortcut: typed as the answer, so
    a hint never shows it."""
    return Step("answer", text, quantity=f"∂L/∂{wrt}", value=as_float(exact), skill="answer")
