"""The working of a gradient as typed steps: forward values, local rules, δ lines, paths, notes.

Built from what the reverse walk found (`Backward`), never by re-solving; the notes come from the
registry (the ReLU convention, the step unit's zero derivative) for each activation whose rule
the working used.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

import sympy as sp

from gatebp.core.activations import RECORDS
from gatebp.core.errors import SolverMismatch
from gatebp.core.step import Step
from gatebp.core.values import operands, settle
from gatebp.network.evaluate import Values
from gatebp.network.forward_mode import as_number, close
from gatebp.network.graph import Find, Graph, Node
from gatebp.network.local_lines import local_label, local_step
from gatebp.network.notation import display_names, factor, math, number, rename, result, substitute
from gatebp.network.steps import Edge, Path, as_float
from gatebp.network.vector_form import fits, input_name, pre_name


@dataclass(frozen=True)
class Backward:
    """What the reverse walk found for one find: edges, sensitivities, and the paths (if few)."""

    on_paths: set[str]
    edges: dict[tuple[str, str], Edge]
    deltas: Values
    gradient: sp.Expr
    paths: list[Path]
    count: int


def rational(value: Fraction) -> sp.Rational:
    return sp.Rational(value.numerator, value.denominator)


def order(graph: Graph, names: set[str]) -> list[str]:
    """`names` in the graph's order (leaves, then nodes as defined)."""
    return [n for n in graph.names() if n in names]


def forward_step(node: Node, forward: Values, names: dict[str, str] | None = None) -> Step:
    """z1 = w11*x1 + w12*x2 = 2*3 + (-2)*(-2) = 10, in markup (names as the stem writes them)."""
    names = names or {}
    numbers = substitute(node.text, forward)
    middle = "" if numbers == node.text else f" = {numbers}"
    text = math(f"{node.name} = {node.text}{middle} {result(forward[node.name])}")
    return Step(kind="forward", text=rename(text, names), quantity=node.name,
                value=as_float(forward[node.name]), skill="forward")


def forward_steps(graph: Graph, of: str, forward: Values) -> list[Step]:
    """One line per node `of` depends on (and `of` itself), in order."""
    relevant = graph.ancestors(of) | {of}
    names = display_names(graph)
    return [forward_step(n, forward, names) for n in graph.nodes if n.name in relevant]


def gradient_steps(graph: Graph, find: Find, forward: Values, back: Backward, exact: sp.Expr) -> list[Step]:
    """Forward lines, the notation, local derivatives, δ lines, paths, the answer, the update, notes."""
    assert find.wrt is not None
    names = display_names(graph)
    edges = tuple(back.edges.values())
    if fits(graph, find):
        return _vector_steps(graph, find, forward, back, exact, names) + notes(edges)
    steps = forward_steps(graph, find.of, forward)
    deltas = delta_steps(graph, find, edges, back.deltas, back.on_paths, forward)
    if back.count <= FEW_PATHS and len(back.paths) == back.count and not any(CANCEL in d.text for d in deltas):
        deltas = []  # a student lists a few paths and adds them; δ lines would repeat that sum
    notation = _notation(find, edges[0] if edges else None, bool(deltas))
    steps += [Step(kind="note", text=rename(notation, names))] if notation else []
    steps.extend(local_step(graph, find, edge, forward, names) for edge in edges)
    steps.extend(deltas)
    steps.extend(path_steps(find, back.paths, back.count, names))
    total = f"∂{find.of}/∂{find.wrt}"
    steps.append(Step(kind="answer", text=rename(math(f"{total} {result(back.gradient)}"), names),
                      quantity=total, value=as_float(back.gradient), skill="answer"))
    if find.lr is not None:
        steps.append(_update_step(find, forward, back.gradient, exact, names))
    return steps + notes(edges)


def _vector_steps(graph: Graph, find: Find, forward: Values, back: Backward, exact: sp.Expr,
                  names: dict[str, str]) -> list[Step]:
    """A layer-form question: the vector form, the number of paths it adds up, the answer."""
    from gatebp.network.vector_working import vector_working

    assert find.wrt is not None
    first = f"{pre_name(graph, 1)} = W1*{input_name(graph, 1)}" + (" + b1" if graph.layers[0].biases else "")
    note = (f"Notation: {math(first)} are the pre-activations of layer 1 (and so on), "
            f"{math(f'δ({pre_name(graph, 1)})')} the vector of the total derivatives of {math(find.of)} with "
            "respect to them, and ⊙ multiplies entry by entry.")
    steps = [Step(kind="note", text=note)]
    lines, gradient = vector_working(graph, find, forward, back.deltas)
    if not close(as_number(gradient), as_number(back.gradient)):
        raise SolverMismatch(f"the vector form gives {gradient}, the scalar walk {back.gradient}")
    steps += lines
    if back.count > 1:
        steps.append(Step(kind="path", text=rename(f"{back.count} paths lead from {math(find.wrt)} to "
                                                   f"{math(find.of)}; the vector form adds them up layer by layer.",
                                                   names)))
    total = f"∂{find.of}/∂{find.wrt}"
    steps.append(Step(kind="answer", text=rename(math(f"{total} {result(back.gradient)}"), names),
                      quantity=total, value=as_float(back.gradient), skill="answer"))
    if find.lr is not None:
        steps.append(_update_step(find, forward, back.gradient, exact, names))
    return steps


def _notation(find: Find, example: Edge | None, with_delta: bool = True) -> str:
    """What δ(n) (when the working uses it) and ∂a/∂b|local mean, the local one shown on the
    working's first edge."""
    parts = [f"{math('δ(n)')} is the total derivative {math(f'∂{find.of}/∂n')} along every path "
             f"from {math('n')} to {math(find.of)}, so {math(f'δ({find.of}) = 1')}"] if with_delta else []
    if example is not None:
        parts.append(f"{math(local_label(example))} is the derivative along the one edge from "
                     f"{math(example.parent)} to {math(example.node)}, the other inputs of {math(example.node)} "
                     "held fixed")
    return "Notation: " + "; ".join(parts) + "." if parts else ""


def _update_step(find: Find, forward: Values, gradient: sp.Expr, exact: sp.Expr, names: dict[str, str]) -> Step:
    assert find.wrt is not None and find.lr is not None
    w, lr = find.wrt, rational(find.lr)
    line = (math(f"{w} <- {w} - eta*∂{find.of}/∂{w} = {number(forward[w])} - {factor(lr)}*{factor(gradient)} "
                 f"{result(exact)}") + f" (learning rate {math(f'eta = {number(lr)}')})")
    return Step(kind="update", text=rename(line, names), quantity=w, value=as_float(exact), skill="update")


def value_answer_step(find: Find, forward: Values) -> Step:
    """The answer of a forward-value question: the value of `of`."""
    return Step(kind="answer", text=math(f"{find.of} {result(forward[find.of])}"), quantity=find.of,
                value=as_float(forward[find.of]), skill="answer")


def notes(edges: tuple[Edge, ...]) -> list[Step]:
    """The registry's note for each activation whose rule gave an edge, in registry order."""
    used = {e.activation for e in edges}
    return [Step(kind="note", text=r.note.replace("$", "\\$")) for r in RECORDS if r.note and r.name in used]


def delta_steps(graph: Graph, find: Find, edges: tuple[Edge, ...], deltas: Values,
                on_paths: set[str], forward: Values | None = None) -> list[Step]:
    """δ(n) = Σ over n's children c on the paths of δ(c) · ∂c/∂n|local, from `of` backwards
    (with the p − t shortcut where a sigmoid feeds a cross-entropy loss)."""
    names = display_names(graph)
    steps = []
    by_parent: dict[str, list[Edge]] = {}
    for edge in edges:
        by_parent.setdefault(edge.parent, []).append(edge)
    for name in reversed(order(graph, on_paths)):
        if name == find.of or name not in by_parent:
            continue
        terms = by_parent[name]
        symbolic = " + ".join(f"δ({e.node})*{local_label(e)}" for e in terms)
        numbers = " + ".join(f"{factor(deltas[e.node])}*{factor(e.value)}" for e in terms)
        merge = f" ({len(terms)} paths merge at {math(name)}: add)" if len(terms) > 1 else ""
        text = math(f"δ({name}) = {symbolic} = {numbers} {result(deltas[name])}") + merge
        text += _bce_shortcut(graph, find, terms, name, deltas, forward or {})
        steps.append(Step(kind="delta", text=rename(text, names), quantity=f"∂{find.of}/∂{name}",
                          value=as_float(deltas[name]), skill="delta"))
    return steps


CANCEL = "the factors cancel"  # the p − t shortcut a δ line may carry
FEW_PATHS = 4  # up to this many paths the working lists them; past it, the δ recursion adds them


def _bce_shortcut(graph: Graph, find: Find, terms: list[Edge], name: str, deltas: Values,
                  forward: Values) -> str:
    """p = σ(z) read only by a loss whose δ(z) is p − t for a target t it reads: say the shortcut."""
    if len(terms) != 1 or terms[0].activation != "sigmoid" or name not in forward:
        return ""
    p = terms[0].node
    if find.of == p or graph.is_leaf(find.of) or p not in graph.node(find.of).parents:
        return ""
    for t in (n for n in graph.node(find.of).parents if graph.is_leaf(n)):
        if close(as_number(deltas[name]), as_number(forward[p] - rational(graph.values[t]))):
            line = f"δ({name}) = {p} - {t} = {number(forward[p])} - {factor(rational(graph.values[t]))}"
            return f" (sigmoid with binary cross-entropy: {CANCEL}, so {math(line)} directly)"
    return ""


def path_steps(find: Find, paths: list[Path], count: int, names: dict[str, str] | None = None) -> list[Step]:
    """One line per path and their sum; past MAX_LISTED_PATHS, how many there are (the δ lines add them)."""
    names = names or {}
    ends = f"from {math(str(find.wrt))} to {math(find.of)}"
    if count > len(paths):
        return [Step(kind="path", text=rename(f"{count} paths lead {ends}: too many to list, so the δ recursion "
                                              "above adds them up node by node", names))]
    steps = []
    for path in paths:
        labels = " · ".join(f"∂{path.names[i]}/∂{path.names[i + 1]}" for i in range(len(path.names) - 1))
        product = "*".join(factor(f) for f in path.factors)
        text = f"path {math(' <- '.join(path.names))}: {math(f'{product} {result(path.product)}')}"
        steps.append(Step(kind="path", text=rename(text, names), quantity=labels, value=as_float(path.product),
                          skill="path"))
    if len(paths) > 1:
        added = settle(sp.Add(*operands(*(p.product for p in paths))))
        total = " + ".join([number(paths[0].product)] + [factor(p.product) for p in paths[1:]])
        text = f"sum over the {len(paths)} paths: {math(f'∂{find.of}/∂{find.wrt} = {total} {result(added)}')}"
        steps.append(Step(kind="sum", text=rename(text, names), quantity=f"∂{find.of}/∂{find.wrt}",
                          value=as_float(added), skill="sum"))
    if not paths:
        steps.append(Step(kind="path", text=rename(f"no path leads {ends}, so the derivative is 0", names)))
    return steps
