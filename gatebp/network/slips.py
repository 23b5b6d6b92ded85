"""Named misconceptions, each a variant of the backward pass computed from a Solution.

A distractor is the value a student gets by one slip; its phrase completes "you ..." so that
practice can say what went wrong ("you ignored the ReLU gate on h"). Which activation invites
which slip, and its words, are the registry's (gatebp.core.activations); the computing is here.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cached_property

import sympy as sp

from gatebp.core.activations import GATE_FLIPPED, GATE_IGNORED, PRIME_AT_OUTPUT, with_slip
from gatebp.core.functions import SYMPY_OPS, prime_at
from gatebp.network.steps import Edge, Path, Solution


@dataclass(frozen=True)
class Slip:
    """A wrong value and the mistake that produces it."""

    value: sp.Expr
    mistake: str

    @cached_property
    def number(self) -> float:
        return float(sp.N(self.value, 30))


def swap_factors(solution: Solution, change: Callable[[Edge], sp.Expr | None]) -> sp.Expr:
    """The path sum after replacing the factor of every edge for which `change` gives a value.

    Most slips are "the right paths, one wrong local derivative", so families build theirs with this.
    """
    edges = {(e.node, e.parent): e for e in solution.edges}
    total = sp.S.Zero
    for path in solution.paths:
        factors = []
        for i in range(len(path.names) - 1):
            edge = edges[(path.names[i], path.names[i + 1])]
            replaced = change(edge)
            factors.append(edge.value if replaced is None else replaced)
        total += sp.Mul(*factors)
    return total


def _edges_of(solution: Solution, activation: str) -> list[Edge]:
    return [e for e in solution.edges if e.activation == activation]


def ignored_gate(solution: Solution) -> list[Slip]:
    """Treat every closed gate as open (multiply by 1 instead of 0), per gated activation."""
    slips = []
    for record, rule in with_slip(GATE_IGNORED):
        closed = [e for e in _edges_of(solution, record.name) if e.value == 0]
        if closed:
            value = swap_factors(solution, _opened(closed))
            slips.append(Slip(value, rule.mistake.format(where=", ".join(e.node for e in closed))))
    return slips


def flipped_gate(solution: Solution) -> list[Slip]:
    """Use 1 where the gate is 0 and 0 where it is 1 (the gate of the wrong sign)."""
    slips = []
    for record, rule in with_slip(GATE_FLIPPED):
        gates = _edges_of(solution, record.name)
        if gates:
            value = swap_factors(solution, _flip(gates))
            slips.append(Slip(value, rule.mistake.format(where=", ".join(e.node for e in gates))))
    return slips


def dropped_path(solution: Solution) -> list[Slip]:
    """Forget one path where paths merge: the total minus that path's product."""
    if len(solution.paths) < 2 or solution.paths_truncated or solution.gradient is None:
        return []
    return [Slip(solution.gradient - path.product, f"dropped the path {_route(path)} at the merge")
            for path in solution.paths]


def only_one_path(solution: Solution) -> list[Slip]:
    """Keep only one path (the other contributions all forgotten)."""
    if len(solution.paths) < 3:
        return []
    return [Slip(path.product, f"kept only the path {_route(path)} and forgot the others")
            for path in solution.paths]


def derivative_at_output(solution: Solution) -> list[Slip]:
    """Evaluate φ' at the activation a instead of the pre-activation z (σ'(a) for σ'(z))."""
    slips = []
    for record, rule in with_slip(PRIME_AT_OUTPUT):
        for edge in _edges_of(solution, record.name):
            wrong = prime_at(record.name, solution.forward[edge.node])
            value = swap_factors(solution, _only(edge, wrong))
            slips.append(Slip(value, rule.mistake.format(a=edge.node, z=edge.parent, where=edge.node)))
    return slips


def local_slips(solution: Solution, kinds: Sequence[str]) -> list[Slip]:
    """The registry's per-edge slips of the given kinds (z(1 − z) for a(1 − a), σ(z) for σ'(z),
    the unit treated as linear...), each the path sum with that one local factor replaced."""
    slips = []
    for kind in kinds:
        for record, rule in with_slip(kind):
            if rule.factor is None:
                continue
            for edge in _edges_of(solution, record.name):
                z, a = solution.forward[edge.parent], solution.forward[edge.node]
                wrong = rule.factor(z, a, SYMPY_OPS)
                value = swap_factors(solution, _only(edge, wrong))
                slips.append(Slip(value, rule.mistake.format(a=edge.node, z=edge.parent, where=edge.node)))
    return slips


def sign_slip(solution: Solution) -> list[Slip]:
    if solution.gradient is None or solution.gradient == 0:
        return []
    return [Slip(-solution.gradient, "made a sign slip")]


def wrong_update_direction(solution: Solution, weight: sp.Expr, lr: sp.Expr) -> list[Slip]:
    """w + lr·g instead of w − lr·g, and forgetting the learning rate."""
    gradient = solution.gradient if solution.gradient is not None else sp.S.Zero
    return [Slip(weight + lr * gradient, "added the gradient step (w + lr·g) instead of subtracting it"),
            Slip(weight - gradient, "forgot to multiply the gradient by the learning rate"),
            Slip(lr * gradient, "gave the step lr·g instead of the new weight")]


def backprop_slips(solution: Solution) -> list[Slip]:
    """Every generic slip that applies to this working, most telling first."""
    slips: list[Slip] = []
    for finder in (ignored_gate, dropped_path, derivative_at_output, flipped_gate, only_one_path, sign_slip):
        slips.extend(finder(solution))
    return slips


def update_slips(gradient_slips: Sequence[Slip], weight: sp.Expr, lr: sp.Expr) -> list[Slip]:
    """A wrong gradient carried through a correct update: w − lr·(wrong g)."""
    return [Slip(weight - lr * s.value, f"{s.mistake}, then stepped with that gradient")
            for s in gradient_slips]


def evaluated(slips: Sequence[Slip]) -> list[Slip]:
    """Slips with irrational values evaluated once to 30 digits (rational ones stay exact).

    Option builders read `Slip.number` many times, and re-evaluating nested exp terms each time is slow.
    """
    return [s if sp.S(s.value).is_Rational else Slip(sp.N(s.value, 30), s.mistake) for s in slips]


def _route(path: Path) -> str:
    return " ← ".join(path.names)


def _only(target: Edge, value: sp.Expr) -> Callable[[Edge], sp.Expr | None]:
    """A factor change for one edge: `value` there, the edge's own factor elsewhere."""
    return lambda edge: value if edge == target else None


def _flip(gates: Sequence[Edge]) -> Callable[[Edge], sp.Expr | None]:
    """The gate of the wrong sign on these edges: 1 − gate."""
    return lambda edge: 1 - edge.value if edge in gates else None


def _opened(closed: Sequence[Edge]) -> Callable[[Edge], sp.Expr | None]:
    """Closed gates taken as open: a factor of 1 on these edges."""
    return lambda edge: sp.S.One if edge in closed else None
