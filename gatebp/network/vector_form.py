"""The working of a layer-form network in vector form: δ = (Wᵀ δ_next) ⊙ act'(z).

Computed with matrices independently of the scalar reverse walk, then compared with it entry
by entry: the two forms must agree, or SolverMismatch is raised. Every entry is settled as it is
made (exact while short, 50 digits after), so the products stay the size of one number.
"""

from __future__ import annotations

from dataclasses import replace

import sympy as sp

from gatebp.core.activations import At, get
from gatebp.core.errors import SolverMismatch
from gatebp.core.values import operands, settle
from gatebp.network.forward_mode import as_number, close
from gatebp.network.graph import Find, Graph, Layer
from gatebp.network.steps import Solution, Step, factor, short


def vector_steps(graph: Graph, solution: Solution) -> Solution:
    """Add 'vector' steps to a layer-form solution (unchanged when the form does not apply)."""
    find = graph.find
    if not graph.layers or find is None or find.wrt is None:
        return solution
    if any(get(layer.act).layer_form == "softmax" for layer in graph.layers):  # a Jacobian, not ⊙
        return solution
    upstream = _output_gradient(graph, find, solution)
    if upstream is None:
        return solution
    steps, deltas = _backward(graph, solution.forward, upstream)
    steps += _read_off(graph, find, solution, deltas)
    _agree(graph, solution, deltas)
    return replace(solution, steps=solution.steps + tuple(steps))


def _output_gradient(graph: Graph, find: Find, solution: Solution) -> sp.Matrix | None:
    """∂of/∂(last layer's units): one-hot when `of` is a unit, else from the solver per unit."""
    from gatebp.network.solve import solve

    last = graph.layers[-1]
    if find.of in last.units:
        return sp.Matrix([1 if unit == find.of else 0 for unit in last.units])
    if find.of not in {n.name for n in graph.nodes} or find.of in {u for layer in graph.layers for u in layer.units}:
        return None
    return sp.Matrix([solve(graph, Find(find.of, unit)).exact for unit in last.units])


def _derivatives(layer: Layer, forward: dict[str, sp.Expr]) -> sp.Matrix:
    """act'(z) for each unit, from the registry's local rule (the gate, a(1-a), 1-a², 1)."""
    from gatebp.core.functions import SYMPY_OPS

    rule = get(layer.act).local
    assert rule is not None, f"{layer.act} has no local rule"  # the registry guarantees it
    return sp.Matrix([settle(rule(At(z=forward[z], a=forward[u], z_name=z, a_name=u, ops=SYMPY_OPS)).value)
                      for u, z in zip(layer.units, layer.pre)])


def _weights(layer: Layer, values: dict[str, sp.Expr]) -> sp.Matrix:
    return sp.Matrix([[values[name] for name in row] for row in layer.weights])


def _backward(graph: Graph, forward: dict[str, sp.Expr], upstream: sp.Matrix) -> tuple[list[Step], list[sp.Matrix]]:
    steps: list[Step] = []
    deltas: list[sp.Matrix] = [sp.Matrix()] * len(graph.layers)
    gradient = upstream
    for index in range(len(graph.layers) - 1, -1, -1):
        layer = graph.layers[index]
        prime = _derivatives(layer, forward)
        deltas[index] = _small(gradient.multiply_elementwise(prime))
        after = graph.layers[index + 1].out if index < len(graph.layers) - 1 else ""
        source = f"W_{after}ᵀ δ({after})" if after else "∂out/∂" + layer.out
        steps.append(Step(kind="vector", text=f"δ({layer.out}) = ({source}) ⊙ {layer.act}'(z_{layer.out}) = "
                          f"{_vec(gradient)} ⊙ {_vec(prime)} = {_vec(deltas[index])}"))
        gradient = _small(_weights(layer, forward).T * deltas[index])
    first = graph.layers[0]
    steps.append(Step(kind="vector", text=f"∂out/∂{_stem(first.inputs)} = W_{first.out}ᵀ δ({first.out}) = {_vec(gradient)}"))
    return steps, deltas


def _small(vector: sp.Matrix) -> sp.Matrix:
    """Each entry settled, and all made numeric when together they outgrow an exact form."""
    entries = operands(*(settle(v) for v in vector))
    return sp.Matrix(vector.rows, vector.cols, list(entries))


def _read_off(graph: Graph, find: Find, solution: Solution, deltas: list[sp.Matrix]) -> list[Step]:
    """For a weight: ∂out/∂W = δ aᵀ, so the entry is δ_i × a_j."""
    for layer, delta in zip(graph.layers, deltas):
        for i, row in enumerate(layer.weights):
            if find.wrt in row:
                j = row.index(find.wrt)
                value = settle(delta[i] * solution.forward[layer.inputs[j]])
                return [Step(kind="vector", text=f"∂out/∂{find.wrt} = δ({layer.units[i]}) × {layer.inputs[j]} = "
                             f"{factor(delta[i])} × {factor(solution.forward[layer.inputs[j]])} = {short(value)}")]
    return []


def _agree(graph: Graph, solution: Solution, deltas: list[sp.Matrix]) -> None:
    """Every δ the scalar walk also computed must match the vector form's entry."""
    for layer, delta in zip(graph.layers, deltas):
        for pre, value in zip(layer.pre, delta):
            scalar = solution.sensitivities.get(pre)
            if scalar is not None and not close(as_number(scalar), as_number(value)):
                raise SolverMismatch(f"vector form gives δ({pre}) = {value}, the scalar walk {scalar}")


def _vec(matrix: sp.Matrix) -> str:
    return "[" + ", ".join(short(v) for v in matrix) + "]"


def _stem(names: tuple[str, ...]) -> str:
    return names[0].rstrip("0123456789") if names else "x"
