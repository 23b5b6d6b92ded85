"""The values the known slips give for one guided step, each with the slip's name.

Read from the question's solved network: a local step gets the registry's slips on its edge
(σ(z) for σ'(z), the gate of the wrong sign...), a forward step the activation left out, a δ
a term dropped at a merge, a weight its entry at the swapped index (W for Wᵀ), a path its
factors' slips, the sum each dropped path, the update the wrong direction; every step a sign slip.
"""

from __future__ import annotations

import re

import sympy as sp

from gatebp.core.step import Step
from gatebp.core.values import as_float
from gatebp.gate.question import Question
from gatebp.network.slips import edge_slips
from gatebp.network.steps import Edge, Solution

Slips = list[tuple[float, str]]


def slips_for(solution: Solution, step: Step, question: Question) -> Slips:
    skill = step.skill or step.kind
    value = float(step.value or 0.0)
    quantity = str(step.quantity)
    if skill.startswith("local"):
        found = _local(solution, quantity)
    elif skill == "forward":
        found = _forward(solution, quantity)
    elif skill == "delta":
        found = _delta(solution, quantity)
    elif skill == "path":
        found = _path(solution, quantity, value)
    elif skill == "sum":
        found = _dropped(solution)
    elif skill == "update":
        found = _update(solution, question)
    else:
        found = _dropped(solution)
    sign = [(-value, "made a sign slip")] if value else []
    return [(v, why) for v, why in found if abs(v - value) > 1e-12] + sign


def _num(value: sp.Expr) -> float:
    return as_float(value)


def _edges(solution: Solution) -> dict[tuple[str, str], Edge]:
    return {(e.node, e.parent): e for e in solution.edges}


def _local(solution: Solution, quantity: str) -> Slips:
    from gatebp.app.guided import partial_names

    names = partial_names(quantity)
    edge = None if names is None else _edges(solution).get(names)
    if edge is None:
        return []
    return [(_num(v), why) for v, why in _edge_slips(solution, edge)]


def _edge_slips(solution: Solution, edge: Edge) -> list[tuple[sp.Expr, str]]:
    swapped = transposed(solution, edge)
    return edge_slips(solution, edge) + ([swapped] if swapped is not None else [])


def _forward(solution: Solution, quantity: str) -> Slips:
    """An activation's output given as its input: `a` typed as `z`."""
    name = quantity.strip().strip("$").strip()
    for edge in solution.edges:
        if edge.node == name and edge.activation and edge.parent in solution.forward:
            return [(_num(solution.forward[edge.parent]),
                     f"left out the activation: {edge.parent} is the input of {name}, not {name}")]
    return []


def _delta(solution: Solution, quantity: str) -> Slips:
    """δ(n) with one term left out where several meet, or with the weight of the wrong
    direction (the entry of W for the forward edge back out of n: w instead of wᵀ)."""
    from gatebp.app.guided import partial_names

    names = partial_names(quantity)
    name = names[1] if names is not None else quantity.strip("$ δ()")
    deltas = solution.sensitivities
    if name not in deltas:
        return []
    terms = [e for e in solution.edges if e.parent == name and e.node in deltas]
    found: Slips = []
    if len(terms) > 1:
        found += [(_num(deltas[name] - deltas[e.node] * e.value),
                   f"left out the term through {e.node} where the paths meet at {name}")
                  for e in terms]
    found += _transposed(solution, name, terms)
    return found


def _transposed(solution: Solution, name: str, terms: list[Edge]) -> Slips:
    """δ(n) with one term's weight read at the swapped index (the row of W for its column)."""
    out = []
    for edge in terms:
        wrong = transposed(solution, edge)
        if wrong is not None:
            value = solution.sensitivities[name] - solution.sensitivities[edge.node] * (
                edge.value - wrong[0])
            out.append((_num(value), wrong[1]))
    return out


_SCALAR_WEIGHT = re.compile(r"([a-zA-Z]+)(\d)(\d)")
_LAYER_WEIGHT = re.compile(r"(w_[a-z]+)(\d+)(_[a-z]+)(\d+)")


def transposed(solution: Solution, edge: Edge) -> tuple[sp.Expr, str] | None:
    """The weight at the swapped index (w₁₂ for w₂₁, w_h1_x2 for w_h2_x1) when the edge's
    local derivative is a weight and that entry exists: the slip of W for Wᵀ."""
    name = edge.formula.strip()
    scalar, layer = _SCALAR_WEIGHT.fullmatch(name), _LAYER_WEIGHT.fullmatch(name)
    if scalar is not None:
        swapped = f"{scalar[1]}{scalar[3]}{scalar[2]}"
        said = f"the weight {swapped} for {name}"
    elif layer is not None:
        swapped = f"{layer[1]}{layer[4]}{layer[3]}{layer[2]}"
        said = f"the entry [{layer[4]},{layer[2]}] of W for [{layer[2]},{layer[4]}]"
    else:
        return None
    value = solution.forward.get(swapped)
    if value is None or swapped == name or value == edge.value:
        return None
    return value, f"read {said} (W for Wᵀ: row and column swapped)"


def _path(solution: Solution, quantity: str, value: float) -> Slips:
    """The path this product is (read from its partials, else the nearest product), with one
    factor's slip on it."""
    from gatebp.app.guided import PARTIAL

    pairs = PARTIAL.findall(quantity)
    names = tuple([pairs[0][0], *(parent for _, parent in pairs)]) if pairs else ()
    path = next((p for p in solution.paths if p.names == names), None) or min(
        solution.paths, key=lambda p: abs(_num(p.product) - value), default=None)
    if path is None:
        return []
    edges, out = _edges(solution), []
    for i in range(len(path.names) - 1):
        edge = edges[(path.names[i], path.names[i + 1])]
        for wrong, why in _edge_slips(solution, edge):
            rest = sp.Mul(*(f for j, f in enumerate(path.factors) if j != i))
            out.append((_num(rest * wrong), why))
    return out


def _dropped(solution: Solution) -> Slips:
    total = solution.gradient
    if total is None or len(solution.paths) < 2:
        return []
    return [(_num(total - p.product), f"dropped the path {' ← '.join(p.names)} at the merge")
            for p in solution.paths]


def _update(solution: Solution, question: Question) -> Slips:
    find = question.find or {}
    lr, wrt = find.get("lr"), find.get("wrt")
    if not isinstance(lr, (int, float)) or solution.gradient is None or wrt not in solution.forward:
        return []
    weight, gradient = _num(solution.forward[str(wrt)]), _num(solution.gradient)
    return [(weight + lr * gradient, "added the gradient step (w + η·g) instead of subtracting it"),
            (weight - gradient, "forgot to multiply the gradient by the learning rate"),
            (lr * gradient, "gave the step η·g instead of the new weight")]
