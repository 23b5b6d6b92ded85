"""The activation functions as SymPy objects, with PyTorch's convention relu'(0) = 0.

SymPy's own choices do not fit: `Heaviside(0)` is 1/2 and `Max(0, z)` differentiates to a
Heaviside, so ReLU and its gate are defined here as functions that decide their value only
for numbers and differentiate to the gate (and the gate to zero).
"""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache

import sympy as sp

from gatebp.network.values import to_mpf


@lru_cache(maxsize=8192)
def is_positive(value: sp.Expr) -> bool:
    """Sign of an exact number; irrational values are decided numerically at high precision."""
    if value.is_Rational or value.is_Float:  # a decimal is never an unsimplified exact zero
        return bool(value > 0)
    approx = to_mpf(value)
    if abs(approx) < 1e-40:  # possibly an exact zero SymPy has not simplified
        return bool(sp.nsimplify(value) > 0) if not value.equals(0) else False
    return bool(approx > 0)


class relu_gate(sp.Function):  # noqa: N801 - printed as the user reads it
    """ReLU's local derivative: 1 when its input is positive, otherwise 0 (0 at exactly 0)."""

    @classmethod
    def eval(cls, z: sp.Expr) -> sp.Expr | None:
        if z.is_number:
            return sp.S.One if is_positive(z) else sp.S.Zero
        return None

    def fdiff(self, argindex: int = 1) -> sp.Expr:
        return sp.S.Zero


class relu(sp.Function):  # noqa: N801
    """max(0, z) whose derivative is `relu_gate(z)`."""

    @classmethod
    def eval(cls, z: sp.Expr) -> sp.Expr | None:
        if z.is_number:
            return z if is_positive(z) else sp.S.Zero
        return None

    def fdiff(self, argindex: int = 1) -> sp.Expr:
        return relu_gate(self.args[0])


LEAKY_SLOPE = sp.Rational(1, 100)


def leaky_relu(z: sp.Expr) -> sp.Expr:
    """z for z > 0, 0.01 z otherwise: written with the gate so the derivative at 0 is 0.01."""
    gate = relu_gate(z)
    return gate * z + (1 - gate) * LEAKY_SLOPE * z


def sigmoid(z: sp.Expr) -> sp.Expr:
    return 1 / (1 + sp.exp(-z))


def softplus(z: sp.Expr) -> sp.Expr:
    return sp.log(1 + sp.exp(z))


SYMPY_FUNCTIONS: dict[str, Callable[[sp.Expr], sp.Expr]] = {
    "relu": relu,
    "sigmoid": sigmoid,
    "tanh": sp.tanh,
    "exp": sp.exp,
    "log": sp.log,
    "leaky_relu": leaky_relu,
    "softplus": softplus,
}
