"""The line of working for one edge's local derivative, as a student writes it, in markup.

    ∂h1/∂z1|local = relu'(z1) = 1 since z1 = 10 > 0
    ∂p/∂z|local = sigmoid'(z) = p*(1 - p) = 0.7941*(1 - 0.7941) ≈ 0.1635
    ∂z1/∂x2|local = w12 = -2
    ∂L/∂yhat|local = 2*(yhat - t) = 2*(8 - 3) = 10

`|local` marks the derivative along one edge, the node's other inputs held fixed; δ(n) in the δ
lines is the total derivative. Which rule applies comes from the edge (its activation, or the
formula local_rules found); the skill a guided drill records is `local_skill`.
"""

from __future__ import annotations

import re

from gatebp.core.activations import RECORDS
from gatebp.core.step import Step
from gatebp.network.evaluate import Values
from gatebp.network.graph import Find, Graph
from gatebp.network.notation import factor, math, number, rename, result, substitute
from gatebp.network.steps import Edge, as_float


def local_label(edge: Edge) -> str:
    return f"∂{edge.node}/∂{edge.parent}|local"


def local_skill(graph: Graph, find: Find, edge: Edge) -> str:
    """local:<activation> for a unit's rule, local:linear for a weighted sum's coefficient,
    local:loss for the loss node's own derivative, else local:expression."""
    if edge.activation:
        return f"local:{edge.activation}"
    if (not edge.rule and _is_name(edge.formula)) or edge.formula == "1":
        return "local:linear"
    if edge.node == find.of:
        return "local:loss"
    text = graph.node(edge.node).text
    calls = [r.name for r in RECORDS if r.local is not None and re.search(rf"\b{r.name}\(", text)]
    return f"local:{calls[0]}" if calls else "local:expression"


def _is_name(text: str) -> bool:
    return re.fullmatch(r"[A-Za-z][A-Za-z0-9_]*", text) is not None


def local_step(graph: Graph, find: Find, edge: Edge, forward: Values, names: dict[str, str]) -> Step:
    body = _activation_line(edge, forward) if edge.activation else _formula_line(edge, forward)
    return Step(kind="local", text=rename(body, names), quantity=f"∂{edge.node}/∂{edge.parent}",
                value=as_float(edge.value), skill=local_skill(graph, find, edge))


def _formula_line(edge: Edge, forward: Values) -> str:
    label, formula = local_label(edge), edge.formula
    if formula == "1" or re.fullmatch(r"-?\d+(\.\d+)?(/\d+)?", formula):
        return math(f"{label} {result(edge.value)}")
    numbers = substitute(formula, forward)
    if _is_name(formula) or numbers == formula:
        return math(f"{label} = {formula} {result(edge.value)}")
    return math(f"{label} = {formula} = {numbers} {result(edge.value)}")


def _activation_line(edge: Edge, forward: Values) -> str:
    """The registry activation's rule at this unit, with z the unit's input and a its output."""
    z, a, act = edge.parent, edge.node, edge.activation
    head = f"{local_label(edge)} = {act}'({z})"
    zv, av, plain = factor(forward[z]), factor(forward[a]), number(forward[z])
    if act == "relu":
        sign = ">" if edge.value == 1 else "≤"
        return f"{math(f'{head} {result(edge.value)}')} since {math(f'{z} = {plain} {sign} 0')}"
    if act == "sigmoid":
        return math(f"{head} = {a}*(1 - {a}) = {av}*(1 - {av}) {result(edge.value)}")
    if act == "tanh":
        return math(f"{head} = 1 - {a}**2 = 1 - {av}**2 {result(edge.value)}")
    if act == "exp":
        return math(f"{local_label(edge)} = exp({z}) = {a} {result(edge.value)}")
    if act == "log":
        return math(f"{local_label(edge)} = 1/{z} = 1/{zv} {result(edge.value)}")
    if act in ("step", "step1", "sign"):
        return f"{math(f'{head} {result(edge.value)}')} since {math(f'{z} = {plain} ≠ 0')}"
    return math(f"{local_label(edge)} {result(edge.value)}")  # linear: id'(z) = 1
