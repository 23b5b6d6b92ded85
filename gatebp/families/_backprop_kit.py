"""Small helpers the backprop-group families share (no family is registered here).

They exist because several families need the same few moves: pick the rounding a hand-worked
answer deserves, replace one local derivative on every path to get a named slip, turn gradient
slips into descent-step slips, and letter a pool of true/false statements as an MSQ.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Sequence

import sympy as sp

from gatebp.families.base import Resample
from gatebp.families.common import Choice, places_for
from gatebp.mistakes import Slip
from gatebp.steps import Edge, Solution, as_float, short

__all__ = ["answer_places", "swap_factors", "edge_of", "text_of", "pick_statements", "require",
           "update_slips", "evaluated"]


def answer_places(exact: sp.Expr) -> int:
    """Exact decimals for short rationals; for exp/log answers 3 places below 1 in size, else 2."""
    if exact.is_Rational:
        return places_for(exact, 2)
    return 3 if abs(as_float(exact)) < 1 else 2


def swap_factors(solution: Solution, change: Callable[[Edge], sp.Expr | None]) -> sp.Expr:
    """The sum over paths after replacing the factor of every edge for which `change` gives a value.

    (The same move as gatebp.mistakes' private `_with_factors`, kept local to avoid importing it.)
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


def edge_of(solution: Solution, node: str, parent: str) -> Edge:
    for edge in solution.edges:
        if edge.node == node and edge.parent == parent:
            return edge
    raise KeyError(f"no edge {node} <- {parent} in the working")


def text_of(value: sp.Expr) -> str:
    """A value as a statement shows it: 6, -0.75, 0.2350."""
    return short(value)


def require(condition: bool) -> None:
    """Redraw the numbers when a sampled question does not suit."""
    if not condition:
        raise Resample


def update_slips(gradient_slips: Sequence[Slip], weight: sp.Expr, lr: sp.Expr) -> list[Slip]:
    """A wrong gradient carried through a correct update: w − lr·(wrong g)."""
    return [Slip(weight - lr * s.value, f"{s.mistake}, then stepped with that gradient")
            for s in gradient_slips]


def evaluated(slips: Sequence[Slip]) -> list[Slip]:
    """The slips with their values evaluated once (30 digits): the option builders read
    `Slip.number` several times, and long exp/log expressions make each reading slow."""
    return [Slip(sp.Float(sp.N(s.value, 30), 30), s.mistake) for s in slips]


def pick_statements(rng: random.Random, pool: Sequence[Choice], count: int = 4) -> list[Choice]:
    """`count` statements from `pool` with at least one true (and, when the pool allows, one false)."""
    true = [c for c in pool if c.correct]
    false = [c for c in pool if not c.correct]
    if not true:
        raise Resample
    first = [rng.choice(true)] + ([rng.choice(false)] if false else [])
    rest = [c for c in pool if c not in first]
    rng.shuffle(rest)
    chosen = first + rest[: count - len(first)]
    if len(chosen) < count:
        raise Resample
    return chosen
