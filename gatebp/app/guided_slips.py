"""The values the known slips give for one guided step, each with the slip's name.

Read from the question's solved network: a local step gets the registry's slips on its edge
(σ(z) for σ'(z), the gate of the wrong sign...), a forward step the activation left out, a δ
a term dropped at a merge or the weight of the wrong direction (w instead of wᵀ), a path its
factors' slips, the sum each dropped path, the update the wrong direction; every step a sign slip.
"""

from __future__ import annotations

import sympy as sp

from gatebp.core.step import Step
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
    return float(sp.N(value, 20))


def _edges(solution: Solution) -> dict[tuple[str, str], Edge]:
    return {(e.node, e.parent): e for e in solution.edges}


def _local(solution: Solution, quantity: str) -> Slips:
    from gatebp.app.guided import partial_names

    names = partial_names(quantity)
    edge = None if names is None else _edges(solution).get(names)
    if edge is None:
        return []
    return [(_num(v), why) for v, why in edge_slips(solution, edge)]


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
    """Each δ(c)·∂c/∂n with ∂c/∂n replaced by the factor of another edge into c (a row of W
    read for its column): the slip of W δ for Wᵀ δ, on one unit."""
    deltas, out = solution.sensitivities, []
    for edge in terms:
        others = [e for e in solution.edges if e.node == edge.node and e.parent != name
                  and not e.activation and e.value != edge.value]
        for other in others[:1]:
            wrong = deltas[name] - deltas[edge.node] * (edge.value - other.value)
            out.append((_num(wrong), f"used the weight into {edge.node} from {other.parent} "
                                     f"instead of the one from {name} (W for Wᵀ)"))
    return out


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
        for wrong, why in edge_slips(solution, edge):
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
