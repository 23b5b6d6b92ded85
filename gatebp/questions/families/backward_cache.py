"""Family `backward-cache`: which forward values the backward pass reads."""


from __future__ import annotations

import json
import random
from collections.abc import Mapping
from functools import lru_cache
from typing import Any

from gatebp.core.errors import ExpressionError
from gatebp.core.maths import parse_markup, render
from gatebp.gate.question import QuestionType
from gatebp.network.graph import Find, Graph
from gatebp.network.solve import forward_pass, solve
from gatebp.questions.claims import ClaimError, Context, Verdict, decider
from gatebp.questions.families._claimkit import claimed
from gatebp.questions.families.base import family
from gatebp.questions.families.common import Choice, build_graph, definitions, nonzero, partial, require, uni
from gatebp.questions.problem import Problem, fixed_choices

Shape = tuple[int, ...]


def _shape(shape: Shape) -> str:
    return f"a vector of {shape[0]} entries" if len(shape) == 1 else " × ".join(map(str, shape))


def _some_true(choices: list[Choice]) -> list[Choice]:
    require(any(c.correct for c in choices) and not all(c.correct for c in choices), "all four alike")
    return choices


# --- backward-cache ------------------------------------------------------------------------------

CACHE = "backward-cache"
NAME = __import__("re").compile(r"[A-Za-z][A-Za-z0-9_]*")


def _items(depth: int) -> dict[str, str]:
    """The values an option can name: leaves, and each hidden unit as 'z (or a)'."""
    items = {"x": "the input x"}
    for k in range(1, depth + 2):
        items[f"w{k}"], items[f"b{k}"] = f"the weight {uni(f'w{k}')}", f"the bias {uni(f'b{k}')}"
    items["t"] = "the target t"
    for k in range(1, depth + 1):
        z, a = uni(f"z{k}"), uni(f"a{k}")
        items[f"z{k}"] = f"the hidden value {z} (or {a} = φ({z}))"
    items[f"z{depth + 1}"] = f"the output {uni(f'z{depth + 1}')}"
    return items


def backward_edges(graph: Graph, wrt: str) -> tuple[Any, ...]:
    """The solver's local derivatives on the path from L to `wrt` (cached: the family and the
    decider both read them)."""
    return _edges(json.dumps(graph.to_dict()), wrt)  # node order matters: never sort the keys


@lru_cache(maxsize=256)
def _edges(graph_json: str, wrt: str) -> tuple[Any, ...]:
    from gatebp.network.spec import graph_from_dict

    return solve(graph_from_dict(json.loads(graph_json)), Find("L", wrt)).edges


def read_by_backward_pass(graph: Graph, wrt: str) -> set[str]:
    """Every value the local derivatives on the backward path from L to `wrt` read; a hidden unit
    counts once whether its rule reads z or a."""
    edges = backward_edges(graph, wrt)
    names = {name for edge in edges for name in NAME.findall(edge.formula)}
    return {f"z{name[1:]}" if name.startswith("a") else name for name in names}


@decider("cache-read")
def _decide_cache(claim: Mapping[str, Any], context: Context) -> Verdict:
    """Does the backward pass for ∂L/∂wrt read this value (from the solver's local rules)?"""
    if context.graph is None:
        raise ClaimError("a cache claim needs the question's graph")
    wrt, item = str(claim["wrt"]), str(claim["item"])
    edges = backward_edges(context.graph, wrt)
    readers = [e.label for e in edges if item in {f"z{n[1:]}" if n.startswith("a") else n
                                                  for n in NAME.findall(e.formula)}]
    needed = bool(readers)
    why = (f"read by the local derivative {local_rule(readers[0], next(e.formula for e in edges if e.label == readers[0]))}"
           if needed
           else f"no local derivative on the path from L to {uni(wrt)} reads it")
    return Verdict(needed == bool(claim.get("needed", True)), why)


def _cache_net(rng: random.Random, marks: int) -> tuple[Graph, str]:
    """x → z1 → a1 (→ z2 → a2) → output → L: the activation, the biases, the loss and ∂L/∂? all vary.
    The stem shows no numbers, so for σ and tanh the values make z1 = 0 (an exact a1, a cheap check)."""
    depth, act = marks, rng.choice(("relu", "sigmoid", "tanh"))
    biased = [rng.random() < 0.6 for _ in range(depth + 1)]
    values: dict[str, Any] = {"x": nonzero(rng, -2, 2)}
    nodes: dict[str, str] = {}
    prev = "x"
    for k in range(1, depth + 2):
        values[f"w{k}"] = nonzero(rng, -2, 2)
        if biased[k - 1]:
            values[f"b{k}"] = nonzero(rng, -2, 2)
        nodes[f"z{k}"] = f"w{k}*{prev}" + (f" + b{k}" if biased[k - 1] else "")
        if k <= depth:
            nodes[f"a{k}"] = f"{act}(z{k})"
            prev = f"a{k}"
    if act == "relu":
        values["w1"] = abs(values["w1"]) * (1 if values["x"] > 0 else -1)
        values["b1"] = abs(values["b1"]) if biased[0] else 0
    elif depth == 2:
        values["b1" if biased[0] else "x"] = -values["w1"] * values["x"] if biased[0] else 0
    values = {k: v for k, v in values.items() if k != "b1" or biased[0]}
    values["t"] = nonzero(rng, -2, 2)
    nodes["L"] = rng.choice((f"(z{depth + 1} - t)**2/2", f"(z{depth + 1} - t)**2"))
    wrt = rng.choice([name for name in values if name[0] in "wb" and (depth == 1 or name[1] != str(depth + 1))])
    graph = build_graph(values, nodes, Find("L", wrt))
    require(act != "relu" or all(forward_pass(graph)[f"z{k}"] > 0 for k in range(1, depth + 1)),
            "keep every ReLU open so the worked numbers are not all 0")
    return graph, wrt


def _pretty(text: str) -> str:
    """Spec notation as the paper writes it: w1·x, (z2 − t)², ½(z2 − t)², ReLU(z1), σ(z1), 1 − a1²."""
    text = text.replace("**2 / 2", "²/2").replace("**2/2", "²/2").replace("**2", "²")
    text = text.replace(" * ", "·").replace("*", "·").replace(" - ", " − ").replace("-", "−")
    text = text.replace("relu(", "ReLU(").replace("sigmoid(", "σ(")
    return "½" + text.removesuffix("/2") if text.endswith("²/2") else text


def _math(graph: Graph) -> str:
    """"z1 = w1·x + b1, a1 = ReLU(z1), …, L = ½(z2 − t)²": the network as the paper writes it
    (plain Unicode; the stems now use `definitions`, which writes maths spans)."""
    return ", ".join(f"{node.name} = {_pretty(node.text)}" for node in graph.nodes)


GATE_RULE = __import__("re").compile(r"1 if (\w+) > 0 else 0")
CALL_LIKE = __import__("re").compile(r"\b([a-z]\d+)\(")


RESIDUAL = __import__("re").compile(r"-(\d+\*)?(\w+) \+ (\d+\*)?(\w+)")


def _residual_first(formula: str) -> str:
    """SymPy's "-2*t + 2*z3" as the paper writes it, 2(z3 − t); "-t + z3" as z3 − t."""
    found = RESIDUAL.fullmatch(formula)
    if not found or found[1] != found[3]:
        return formula
    return f"{found[1]}({found[4]} - {found[2]})" if found[1] else f"{found[4]} - {found[2]}"


def local_rule(label: str, formula: str, markup: bool = False) -> str:
    """A local derivative as the paper writes it: "∂L/∂z₂ = 2(z₂ − t)" or "∂a₁/∂z₁ = 1 for z₁ > 0,
    0 otherwise" (a ReLU gate); `markup` keeps maths spans (the working), else Unicode (a reason)."""
    gate = GATE_RULE.fullmatch(formula)
    if gate:
        text = f"${label}$ = 1 for ${gate[1]}$ > 0, 0 otherwise"
        return text if markup else render(parse_markup(text), "unicode")
    formula = _residual_first(formula)
    for grammar in (formula, CALL_LIKE.sub(r"\1*(", formula)):  # the solver writes a1(1 - a1) for a product
        text = f"${label} = {grammar}$"
        try:
            unicode = render(parse_markup(text), "unicode")
        except ExpressionError:
            continue
        return text if markup else unicode
    return f"{label} = {_pretty(formula)}"


def _layer(name: str) -> int:
    return int(name[1:])


def _unneeded_mistake(item: str, wrt: str) -> str:
    """The slip that makes a value the backward pass never reads look needed (names in Unicode)."""
    it, to = uni(item), uni(wrt)
    if item.startswith("w"):
        if item == wrt:
            return f"took ∂{uni(f'z{_layer(item)}')}/∂{it} to be {it} itself (it is the layer's input)"
        return f"thought {it} is on the backward path to {to} (only the weights above {to}'s layer are read)"
    if item.startswith("b"):
        return f"thought the bias {it} enters a local derivative (∂z/∂b = 1 reads nothing)"
    if item == "x":
        return "thought every gradient reads the input x (only ∂z₁/∂w₁ = x does)"
    return f"went below the layer of {to}: the path from L to {to} never reaches {it}"


@family(CACHE, "What the backward pass needs from the forward pass", ("MCQ", "MSQ"), (1, 2))
def build_cache(rng: random.Random, qtype: QuestionType, marks: int) -> Problem:
    """Which values the backward pass for ∂L/∂wrt reads (MSQ) or does not read (MCQ)."""
    graph, wrt = _cache_net(rng, marks)
    items = {k: v for k, v in _items(marks).items() if k in graph.values or any(n.name == k for n in graph.nodes)}
    read = read_by_backward_pass(graph, wrt)
    needed, unneeded = [k for k in items if k in read], [k for k in items if k not in read]
    act = graph.node("a1").text.split("(")[0]
    phi = {"relu": "ReLU, where ReLU(z) = max(0, z)", "sigmoid": "σ, where $sigmoid(z) = 1/(1 + exp(-z))$",
           "tanh": "tanh, the hyperbolic tangent"}[act]
    units = "one hidden unit" if marks == 1 else "two hidden units in a chain"
    text = (f"A network with {units} computes {definitions(graph)}, so each hidden unit is aₖ = φ(zₖ) with φ = {phi}. "
            f"The backward pass computes {partial('L', wrt)} from values kept from the forward pass and the "
            f"parameters.")
    edges = backward_edges(graph, wrt)
    steps = [local_rule(e.label, e.formula, markup=True) for e in edges] + [
        f"values read: {', '.join(items[k] for k in needed)}", f"never read: {', '.join(items[k] for k in unneeded)}"]
    require(len(unneeded) >= 1 and len(needed) >= 3, "too few values of one kind")
    if qtype == "MCQ":
        pick = [rng.choice(unneeded)] + rng.sample(needed, 3)
        choices = [claimed(items[k], {"kind": "cache-read", "wrt": wrt, "item": k, "needed": False}, k not in read,
                           f"overlooked that a local derivative on the path to {uni(wrt)} reads {items[k]}")
                   for k in pick]
        return fixed_choices(topic=CACHE, qtype="MCQ", marks=marks, choices=choices, steps=steps, graph=graph,
                             body=f"{text} Which one of the following values does it NOT need?")
    pick = rng.sample(list(items), 4)
    choices = [claimed(items[k], {"kind": "cache-read", "wrt": wrt, "item": k, "needed": True}, k in read,
                       _unneeded_mistake(k, wrt)) for k in pick]
    return fixed_choices(topic=CACHE, qtype="MSQ", marks=marks, choices=_some_true(choices), steps=steps, graph=graph,
                         body=f"{text} Which of the following values does it need?")
