"""The working of a layer-form network in vector form: z = Wx + b, h = φ(z), δ = (Wᵀδ′) ⊙ φ′(z).

A layer-form question is worked as the paper works it: each layer's forward pass as vectors, the
output δ, then for each layer down to the asked quantity Wᵀδ and its ⊙ with the gate or σ′
vector, and one line for the asked entry (δᵢ·aⱼ for a weight, δᵢ for a bias, (Wᵀδ)ⱼ for an
input or a unit). The vectors are computed with matrices independently of the scalar reverse
walk and compared with it entry by entry: the two must agree, or SolverMismatch is raised. Every
entry is settled as it is made (exact while short, 50 digits after), so the products stay the
size of one number. Networks the form does not fit (the asked `of` is a pre-activation, or `wrt`
is none of x, W, b or a unit) keep the scalar working.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import sympy as sp

from gatebp.core.activations import At, get
from gatebp.core.errors import SolverMismatch
from gatebp.core.step import Step
from gatebp.core.values import operands, settle
from gatebp.network.evaluate import Values
from gatebp.network.forward_mode import as_number, close
from gatebp.network.graph import Find, Graph, Layer
from gatebp.network.notation import math, number, result
from gatebp.network.steps import Solution, as_float


@dataclass(frozen=True)
class Target:
    """What `wrt` is: a weight W_k[i, j], a bias b_k[i], or an activation a_k[i] (k = 0: an input)."""

    kind: str  # "weight", "bias" or "activation"
    layer: int  # 1-based layer of a weight or bias; for an activation, the layer that outputs it
    i: int
    j: int = 0


def vector_steps(graph: Graph, solution: Solution) -> Solution:
    """The solution as it is: the solver writes the vector form for layer-form graphs itself (and
    checks it against the scalar walk); kept for callers written before it did."""
    return solution


def target_of(graph: Graph, find: Find) -> Target | None:
    """Where `wrt` sits in the layers, or None when the vector form does not fit the question."""
    for k, layer in enumerate(graph.layers, start=1):
        for i, row in enumerate(layer.weights):
            if find.wrt in row:
                return Target("weight", k, i, row.index(find.wrt))
        if find.wrt in layer.biases:
            return Target("bias", k, layer.biases.index(find.wrt))
        if find.wrt in layer.units:
            return Target("activation", k, layer.units.index(find.wrt))
    inputs = graph.layers[0].inputs if graph.layers else ()
    return Target("activation", 0, inputs.index(find.wrt)) if find.wrt in inputs else None


def top_layer(graph: Graph, find: Find) -> int | None:
    """The 1-based layer whose δ the output gives: the one holding `of`, else the last layer."""
    for k, layer in enumerate(graph.layers, start=1):
        if find.of in layer.units:
            return k
        if find.of in layer.pre:
            return None
    return len(graph.layers) if graph.layers and find.of not in graph.values else None


def fits(graph: Graph, find: Find) -> bool:
    """The vector form applies: a layer-form graph, a gradient, and `wrt` below the output's layer."""
    if not graph.layers or find.wrt is None:
        return False
    target, top = target_of(graph, find), top_layer(graph, find)
    if target is None or top is None:
        return False
    return target.layer <= top if target.kind != "activation" else target.layer < top


Vector = list[sp.Expr]  # plain lists: SymPy's Matrix costs more than the few products it saves
Rows = list[list[sp.Expr]]


def primes(layer: Layer, forward: Values) -> Vector:
    """φ'(z) for each unit, from the registry's local rule (the gate, a(1-a), 1-a², 1)."""
    from gatebp.core.functions import SYMPY_OPS

    rule = get(layer.act).local
    assert rule is not None, f"{layer.act} has no local rule"  # softmax is only ever the top layer
    return [settle(rule(At(z=forward[z], a=forward[u], z_name=z, a_name=u, ops=SYMPY_OPS)).value)
            for u, z in zip(layer.units, layer.pre)]


def weights(layer: Layer, values: Values) -> Rows:
    return [[values[name] for name in row] for row in layer.weights]


def transposed(rows: Rows) -> Rows:
    return [list(column) for column in zip(*rows)]


def times(rows: Rows, vector: Vector) -> Vector:
    """The matrix-vector product, each entry settled."""
    return small([sp.Add(*(a * b for a, b in zip(row, vector))) for row in rows])


def hadamard(a: Vector, b: Vector) -> Vector:
    return small([x * y for x, y in zip(a, b)])


def small(vector: Vector) -> Vector:
    """Each entry settled, and all made numeric when together they outgrow an exact form."""
    return list(operands(*(settle(v) for v in vector)))


def agree(graph: Graph, deltas: dict[int, Vector], scalar: Values) -> None:
    """Every δ the scalar walk also computed must match the vector form's entry."""
    for k, delta in deltas.items():
        for pre, value in zip(graph.layers[k - 1].pre, delta):
            mine = scalar.get(pre)
            if mine is not None and not close(as_number(mine), as_number(value)):
                raise SolverMismatch(f"vector form gives δ({pre}) = {value}, the scalar walk {mine}")


# --- markup ---------------------------------------------------------------------------------

def column(vector: Vector) -> str:
    """A column vector as markup: [[3], [-1]] (a display in every target)."""
    return "[" + ", ".join(f"[{number(v)}]" for v in vector) + "]"


def matrix_text(rows: Rows) -> str:
    return "[" + ", ".join("[" + ", ".join(number(v) for v in row) + "]" for row in rows) + "]"


def input_name(graph: Graph, k: int) -> str:
    """The vector layer k reads: x (the input's stem) for layer 1, else the previous layer's out."""
    if k > 1:
        return graph.layers[k - 2].out
    first = graph.layers[0].inputs[0] if graph.layers[0].inputs else "x"
    return first.rstrip("0123456789") or first


def pre_name(graph: Graph, k: int) -> str:
    """z_k for a layer with an activation, the units' own name for a linear layer (no z)."""
    layer = graph.layers[k - 1]
    return layer.out if get(layer.act).layer_form == "identity" else f"z{k}"


def forward_line(graph: Graph, k: int, forward: Values) -> Step:
    layer = graph.layers[k - 1]
    bias = f" + b{k}" if layer.biases else ""
    pre = [forward[p] for p in layer.pre]
    text = f"$$z{k} = W{k}*{input_name(graph, k)}{bias} = {column(pre)}$$"
    form = get(layer.act).layer_form
    units = column([forward[u] for u in layer.units])
    if form == "identity":
        text = f"$${layer.out} = W{k}*{input_name(graph, k)}{bias} = {units}$$"
    elif form == "softmax":
        text += f" and {math(layer.out)} = softmax({math(f'z{k}')}) $${layer.out} = {units}$$"
    else:
        text += f" $${layer.out} = {layer.act}(z{k}) = {units}$$"
    return Step(kind="vector", text=text)


def with_value(step: Step, quantity: str, value: sp.Expr, skill: str) -> Step:
    return replace(step, quantity=quantity, value=as_float(value), skill=skill)


def answer_line(find: Find, gradient: sp.Expr, names: dict[str, str]) -> Step:
    total = f"∂{find.of}/∂{names.get(str(find.wrt), str(find.wrt))}"
    return Step(kind="answer", text=math(f"{total} {result(gradient)}"), quantity=f"∂{find.of}/∂{find.wrt}",
                value=as_float(gradient), skill="answer")


