"""The registry's activations as SymPy objects, with PyTorch's convention relu'(0) = 0.

SymPy's own choices do not fit: `Heaviside(0)` is 1/2, `sign(0)` is 0 and `Max(0, z)`
differentiates to a Heaviside. So a piecewise record (relu, leaky_relu, step, step1, sign) becomes
a SymPy function that decides its value only for numbers, by the record's own kernel, and
differentiates to its gate (relu_gate, leaky_relu_gate) or to 0; a smooth record is its kernel
run on SymPy numbers (sigmoid is 1/(1 + exp(-z))).
"""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache

import sympy as sp

from gatebp.core.activations import RECORDS, Activation, Kernel, NumberOps
from gatebp.core.values import to_mpf


@lru_cache(maxsize=8192)
def is_positive(value: sp.Expr) -> bool:
    """Sign of an exact number; irrational values are decided numerically at high precision."""
    if value.is_Rational or value.is_Float:  # a decimal is never an unsimplified exact zero
        return bool(value > 0)
    approx = to_mpf(value)
    if abs(approx) < 1e-40:  # possibly an exact zero SymPy has not simplified
        return bool(sp.nsimplify(value) > 0) if not value.equals(0) else False
    return bool(approx > 0)


SYMPY_OPS = NumberOps(zero=sp.S.Zero, one=sp.S.One, exp=sp.exp, log=sp.log, tanh=sp.tanh,
                      positive=is_positive)


def _decided(name: str, kernel: Kernel, derivative: Callable[[sp.Expr], sp.Expr], doc: str) -> type:
    """A SymPy function evaluated by `kernel` for numbers only, differentiating to `derivative`."""

    def eval(cls: type, z: sp.Expr) -> sp.Expr | None:
        return kernel(z, SYMPY_OPS) if z.is_number else None

    def fdiff(self: sp.Function, argindex: int = 1) -> sp.Expr:
        return derivative(self.args[0])

    return type(name, (sp.Function,), {"eval": classmethod(eval), "fdiff": fdiff, "__doc__": doc,
                                       "__module__": __name__})


def _zero(z: sp.Expr) -> sp.Expr:
    return sp.S.Zero


def _sympy_function(record: Activation) -> tuple[Callable[[sp.Expr], sp.Expr], type | None]:
    """(the builder, its gate class or None) for one record."""
    if not record.piecewise:
        return (lambda z: record.value(z, SYMPY_OPS)), None
    gate = None
    if record.gate is not None:
        gate = _decided(f"{record.name}_gate", record.gate, _zero,
                        f"{record.name}'s local derivative, decided for numbers only")
    derivative = gate if gate is not None else _zero
    return _decided(record.name, record.value, derivative, record.definition), gate


def _build() -> tuple[dict[str, Callable[[sp.Expr], sp.Expr]], dict[str, type]]:
    functions: dict[str, Callable[[sp.Expr], sp.Expr]] = {}
    gates: dict[str, type] = {}
    for record in RECORDS:
        if record.spec:
            functions[record.name], gate = _sympy_function(record)
            if gate is not None:
                gates[record.name] = gate
    return functions, gates


SYMPY_FUNCTIONS, GATES = _build()
relu, relu_gate = SYMPY_FUNCTIONS["relu"], GATES["relu"]
sigmoid, softplus = SYMPY_FUNCTIONS["sigmoid"], SYMPY_FUNCTIONS["softplus"]  # families import these
leaky_relu = SYMPY_FUNCTIONS["leaky_relu"]
_Z = sp.Symbol("z")


@lru_cache(maxsize=64)
def _derivative(name: str) -> sp.Expr:
    return sp.diff(SYMPY_FUNCTIONS[name](_Z), _Z)


def prime_at(name: str, point: sp.Expr) -> sp.Expr:
    """φ'(point) from SymPy's derivative of the definition: σ'(a) = exp(-a)/(1 + exp(-a))²."""
    return _derivative(name).xreplace({_Z: point})
