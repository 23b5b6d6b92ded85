"""The vector-form working of a layer-form question, step by step (the rules: vector_form).

    z1 = W1x + b1 = [..], h = ReLU(z1) = [..]          one step per layer up to the output's
    L = (y1 − t)² = ...                                  scalar lines for what follows the layers
    ∂L/∂y1|local = 2(y1 − t) = ...                       the loss's own local derivatives
    δ(z2) = ∂L/∂g ⊙ σ′(z2) = [..] ⊙ [..] = [..]          the output δ
    δ(z1) = W2ᵀδ(z2) ⊙ ReLU′(z1) = [..] ⊙ [..] = [..]    one line per layer down to the asked one
    ∂L/∂W1[2,1] = δ(z1[2])·x1 = 7·(−1) = −7              the asked entry
"""

from __future__ import annotations

from dataclasses import replace

import sympy as sp

from gatebp.core.activations import get
from gatebp.core.step import Step
from gatebp.core.values import settle, to_mpf
from gatebp.network.evaluate import Values
from gatebp.network.graph import Find, Graph
from gatebp.network.local_lines import local_step
from gatebp.network.local_rules import local_derivatives
from gatebp.network.notation import display_names, factor, math, rename, result
from gatebp.network.steps import Edge
from gatebp.network.vector_form import (
    Target,
    Vector,
    agree,
    column,
    forward_line,
    hadamard,
    input_name,
    matrix_text,
    pre_name,
    primes,
    small,
    target_of,
    times,
    top_layer,
    transposed,
    weights,
    with_value,
)
from gatebp.network.walk import sensitivities


def vector_working(graph: Graph, find: Find, forward: Values, scalar: Values) -> tuple[list[Step], sp.Expr]:
    """The forward, output-δ, per-layer and read-off steps, and the gradient they give."""
    target, top = target_of(graph, find), top_layer(graph, find)
    assert target is not None and top is not None and find.wrt is not None
    names = display_names(graph)
    steps = [forward_line(graph, k, forward) for k in range(1, top + 1)]
    head_edges, upstream = _head(graph, find, forward, top)
    steps += _head_lines(graph, find, forward, top, head_edges, names)
    deltas = {top: _output_delta(graph, top, forward, upstream)}
    steps.append(_output_line(graph, find, top, forward, upstream, deltas[top]))
    lowest = target.layer if target.kind != "activation" else target.layer + 1
    for k in range(top - 1, lowest - 1, -1):
        deltas[k], lines = _down(graph, k, forward, deltas[k + 1])
        steps += lines
    agree(graph, deltas, scalar)
    read, gradient = _read_off(graph, find, target, forward, deltas)
    return steps + [replace(s, text=rename(s.text, names)) for s in read], gradient


def _head(graph: Graph, find: Find, forward: Values, top: int) -> tuple[dict[tuple[str, str], Edge], Vector]:
    """∂of/∂(top layer's units) by a reverse walk over what follows them (the loss), linear in size."""
    layer = graph.layers[top - 1]
    starts = set(layer.units)
    after: set[str] = set(starts)
    for name in starts:
        after |= graph.descendants(name)
    on = (graph.ancestors(find.of) | {find.of}) & after
    edges = local_derivatives(graph, forward, on)
    deltas = sensitivities(graph, find.of, edges)
    return edges, [deltas.get(u, sp.S.Zero) for u in layer.units]


def _head_lines(graph: Graph, find: Find, forward: Values, top: int, edges: dict[tuple[str, str], Edge],
                names: dict[str, str]) -> list[Step]:
    """Forward and local lines for the nodes after the layers (a loss), in the scalar notation."""
    from gatebp.network.solution_steps import forward_step

    layer_nodes = {n for layer in graph.layers for n in (*layer.units, *layer.pre)}
    needed = (graph.ancestors(find.of) | {find.of}) - layer_nodes
    steps = [forward_step(n, forward, names) for n in graph.nodes if n.name in needed]
    steps += [local_step(graph, find, e, forward, names) for e in edges.values() if e.node not in layer_nodes]
    return steps


def _output_delta(graph: Graph, top: int, forward: Values, upstream: Vector) -> Vector:
    layer = graph.layers[top - 1]
    form = get(layer.act).layer_form
    if form == "identity":
        return small(upstream)
    if form == "softmax":  # the Jacobian: δ_i = a_i (u_i − Σ_j a_j u_j)
        a = [forward[u] for u in layer.units]
        mean = settle(sum((ai * ui for ai, ui in zip(a, upstream)), sp.S.Zero))
        return small([ai * (ui - mean) for ai, ui in zip(a, upstream)])
    return hadamard(upstream, primes(layer, forward))


def _output_line(graph: Graph, find: Find, top: int, forward: Values, upstream: Vector,
                 delta: Vector) -> Step:
    layer, z = graph.layers[top - 1], pre_name(graph, top)
    form = get(layer.act).layer_form
    gradient = f"∂{find.of}/∂{layer.out}"
    if form == "identity":
        text = f"$$δ({z}) = {gradient} = {column(delta)}$$"
    elif form == "softmax":
        units, of = layer.units, find.of
        total = " + ".join(f"{u}*∂{of}/∂{u}" for u in units)
        text = (f"$${gradient} = {column(upstream)}$$ and through the softmax, entry by entry as "
                f"{math(f'δ({z}[1]) = {units[0]}*(∂{of}/∂{units[0]} - s)')} with {math(f's = {total}')}: "
                f"$$δ({z}) = {column(delta)}$$")
    else:
        prime = primes(layer, forward)
        text = (f"$$δ({z}) = {gradient} ⊙ {layer.act}'({z}) = {column(upstream)} ⊙ {column(prime)} = "
                f"{column(delta)}$$")
    shortcut = _shortcut(layer.act, [forward[u] for u in layer.units], delta, layer.out, z)
    return Step(kind="vector", text=text + shortcut)


def _shortcut(act: str, outputs: list[sp.Expr], delta: Vector, out: str, z: str) -> str:
    """Softmax or sigmoid with cross-entropy: δ = output − target, said when the target is 0/1."""
    if act not in ("softmax", "sigmoid"):
        return ""
    # exactly output − δ ∈ {0, 1} (to 30 digits: a softmax output of 1 − 10⁻¹⁶ is not a target)
    targets = [to_mpf(sp.S(a - d)) for a, d in zip(outputs, delta)]
    if not all(abs(t - round(t)) < 1e-30 and round(t) in (0, 1) for t in targets):
        return ""
    loss = "softmax with cross-entropy" if act == "softmax" else "sigmoid with binary cross-entropy"
    row = "[" + ", ".join(str(round(t)) for t in targets) + "]"
    return f" ({loss}, target {math(f't = {row}')}: the factors cancel, so {math(f'δ({z}) = {out} - t')} directly)"


def _down(graph: Graph, k: int, forward: Values, above: Vector) -> tuple[Vector, list[Step]]:
    """Wᵀδ with the matrix, then δ_k = (W_{k+1}ᵀ δ_{k+1}) ⊙ φ′_k(z_k) with the vectors."""
    layer = graph.layers[k - 1]
    flipped = transposed(weights(graph.layers[k], forward))
    back = times(flipped, above)
    source = f"W{k + 1}ᵀ*δ({pre_name(graph, k + 1)})"
    product = Step(kind="vector", text=f"$${source} = {matrix_text(flipped)}*{column(above)} = {column(back)}$$")
    if get(layer.act).layer_form == "identity":
        return back, [product, Step(kind="vector", text=f"$$δ({layer.out}) = {source} = {column(back)}$$")]
    prime = primes(layer, forward)
    delta = hadamard(back, prime)
    gate = f" (the gate: 1 where {math(f'z{k} > 0')})" if layer.act == "relu" else ""
    text = (f"$$δ(z{k}) = {source} ⊙ {layer.act}'(z{k}) = {column(back)} ⊙ {column(prime)} = "
            f"{column(delta)}$${gate}")
    return delta, [product, Step(kind="vector", text=text)]


def _read_off(graph: Graph, find: Find, target: Target, forward: Values,
              deltas: dict[int, Vector]) -> tuple[list[Step], sp.Expr]:
    """The asked entry: δ_i·a_j for a weight, δ_i for a bias, (Wᵀδ)_i for an activation."""
    of, wrt = find.of, str(find.wrt)
    if target.kind == "activation":
        k = target.layer + 1
        flipped = transposed(weights(graph.layers[k - 1], forward))
        back = times(flipped, deltas[k])
        vector = input_name(graph, k)
        whole = Step(kind="vector", text=f"$$∂{of}/∂{vector} = W{k}ᵀ*δ({pre_name(graph, k)}) = "
                                         f"{matrix_text(flipped)}*{column(deltas[k])} = {column(back)}$$")
        return [whole], back[target.i]
    layer, delta = graph.layers[target.layer - 1], deltas[target.layer]
    entry = f"δ({layer.pre[target.i]})"
    if target.kind == "bias":
        step = Step(kind="delta", text=math(f"∂{of}/∂{wrt} = {entry} {result(delta[target.i])}"))
        return [with_value(step, f"∂{of}/∂{layer.pre[target.i]}", delta[target.i], "delta")], delta[target.i]
    source = layer.inputs[target.j]
    gradient = settle(delta[target.i] * forward[source])
    step = Step(kind="delta", text=math(f"∂{of}/∂{wrt} = {entry}*{source} = {factor(delta[target.i])}*"
                                        f"{factor(forward[source])} {result(gradient)}"))
    return [with_value(step, f"∂{of}/∂{layer.pre[target.i]}", delta[target.i], "delta")], gradient
