"""Family `batch-bias`: the bias gradient over a mini-batch, where one shared b collects a sum.

The bias is reused by every example's unit, so its gradient is a merge: the per-example
sensitivities add. 1 mark: two examples with ½(z − t)², so ∂L/∂b = Σ(z_k − t_k). 2 marks add a
step: a ReLU on each example (a gate per example), the plain square (the 2 of its derivative)
over three or four examples, or one gradient step on b. The telling slips are averaging instead
of summing and stopping after the first example, both computed from the solver's paths.

Draws with a zero residual (an example that contributes nothing), repeated inputs (so
∂L/∂w is a multiple of ∂L/∂b) or more than one closed ReLU are rejected.
"""

from __future__ import annotations

import random
from dataclasses import replace
from fractions import Fraction

import sympy as sp

from gatebp.core.step import Step
from gatebp.gate.question import QuestionType
from gatebp.network.graph import Find, Graph
from gatebp.network.slips import Slip, backprop_slips
from gatebp.network.solve import solve
from gatebp.network.steps import Solution, short
from gatebp.questions.claims import ClaimError
from gatebp.questions.families.base import Resample, family
from gatebp.questions.families.common import (
    Choice,
    apart,
    claim_choice,
    definitions,
    distinct,
    figure,
    listing,
    nonzero,
    partial,
    path_sum,
    pick_statements,
    places_covering,
    quantity_choice,
    require,
    rounded_note,
    solved,
    update_rule_slips,
    value_asked,
    working,
)
from gatebp.questions.losses import is_half, mse_factor_slip, squared_error
from gatebp.questions.problem import Problem, Statements

TOPIC = "batch-bias"
KINDS_2 = ("relu", "square", "update")


def _batch(rng: random.Random, size: int, kind: str) -> tuple[dict[str, int], dict[str, str]]:
    """Each example k: z_k = w·x_k + b (through a ReLU for kind relu) and its squared error."""
    values = {"w": nonzero(rng, -2, 2), "b": nonzero(rng, -2, 2)}
    nodes: dict[str, str] = {}
    inputs = rng.sample([-3, -2, -1, 1, 2, 3], size)  # distinct inputs: no example repeats another
    closed = 0
    for k in range(1, size + 1):
        values[f"x{k}"], values[f"t{k}"] = inputs[k - 1], rng.randint(-3, 3)
        z = values["w"] * values[f"x{k}"] + values["b"]
        out = max(z, 0) if kind == "relu" else z
        if z == 0 or out == values[f"t{k}"]:
            raise Resample("a pre-activation of 0 or a zero residual")
        closed += kind == "relu" and z < 0
        nodes[f"z{k}"] = f"w*x{k} + b"
        node = f"z{k}"
        if kind == "relu":
            nodes[f"h{k}"], node = f"relu(z{k})", f"h{k}"
        nodes[f"L{k}"] = squared_error(node, f"t{k}", half=kind != "square")
    if closed > 1:
        raise Resample("more than one closed gate")
    nodes["L"] = " + ".join(f"L{k}" for k in range(1, size + 1))
    return values, nodes


def _draw(rng: random.Random, marks: int, qtype: QuestionType) -> tuple[str, int]:
    if marks == 1:
        return "half", 2
    kinds = KINDS_2 if qtype != "MSQ" else KINDS_2[:2]
    kind = rng.choice(kinds)
    return kind, 3 if kind == "relu" else rng.choice((3, 4))


def _slips(solution: Solution, size: int, kind: str) -> list[Slip]:
    """Named batch slips first (mean, first example only), then the generic backprop ones."""
    gradient = solution.gradient if solution.gradient is not None else sp.S.Zero
    slips = [Slip(gradient / size, f"took the mean over the {size} examples instead of the batch sum "
                                   f"(L adds the per-example losses)"),
             Slip(path_sum(solution, "L1"), "used only the first example's gradient (forgot to sum over the batch)")]
    if kind == "square":
        slips.append(mse_factor_slip(gradient, half=False, out="zₖ"))
    return slips + [s for s in backprop_slips(solution) if "sign" not in s.mistake] + [
        Slip(-gradient, "used tₖ − zₖ instead of zₖ − tₖ (a sign slip)")]


def _update_slips(solution: Solution, b: sp.Expr, lr: sp.Expr, size: int) -> list[Slip]:
    gradient = solution.gradient if solution.gradient is not None else sp.S.Zero
    return [Slip(b - lr * gradient / size, f"stepped with the mean over the {size} examples instead of the batch sum"),
            Slip(b - lr * path_sum(solution, "L1"), "stepped with only the first example's gradient"),
            *update_rule_slips(solution, "b", b, lr)]


def _body(graph: Graph, size: int, ask: str) -> str:
    """The batch in the paper's notation: each example's unit and loss, the summed loss, the values."""
    relu = ", where ReLU(z) = max(0, z) and ReLU′(0) = 0" if "h1" in graph.names() else ""
    examples = [n.name for n in graph.nodes if n.name != "L"]
    return (f"A mini-batch of {size} examples shares one weight $w$ and one bias $b$. For the k-th example (input "
            f"xₖ, target tₖ) the network computes {definitions(graph, examples)}, and the batch loss is {definitions(graph, ['L'])}, "
            f"the sum of the per-example losses Lₖ. The values are {_values(graph, size)}{relu}. {ask}")


def _values(graph: Graph, size: int) -> str:
    """"w = 1, b = −2, the inputs [x₁, x₂] = [3, −1] and the targets [t₁, t₂] = [0, 2]"."""
    weights = [f"${n} = {graph.values[n]}$" for n in ("w", "b")]
    return listing([*weights, _vector(graph, "x", size, "inputs"), _vector(graph, "t", size, "targets")])


def _vector(graph: Graph, letter: str, size: int, words: str) -> str:
    """"the inputs (x₁, x₂) = (3, −1)": one value per example, listed as a tuple (a batch is a list
    of examples, not a vector the network multiplies)."""
    names = [f"{letter}{k}" for k in range(1, size + 1)]
    numbers = [str(graph.values[n]).replace("-", "−") for n in names]
    return f"the {words} ({', '.join(_sub(letter, k) for k in range(1, size + 1))}) = ({', '.join(numbers)})"


def batch_working(solution: Solution, size: int) -> list[Step]:
    """What a student writes: each example's forward value, the sum rule first (b is shared, so
    ∂L/∂b = Σₖ ∂Lₖ/∂b, with ∂zₖ/∂b = 1), one line per example's own derivative, then the sum
    (and the step on b when one is asked); the full path-by-path chain is not repeated."""
    steps = [s for s in working(solution) if isinstance(s, Step) and s.kind == "forward" and not s.text.startswith("$L")]
    steps.append(Step("note", f"$b$ is shared by the {size} examples and $L$ adds their losses, so "
                              f"$∂L/∂b$ is the sum of the per-example gradients: ∂L/∂b = Σₖ ∂Lₖ/∂zₖ·∂zₖ/∂b, "
                              f"with ∂zₖ/∂b = 1"))
    steps += [replace(s, text=s.text.replace("|local", "")) for s in solution.steps if _own_example(s)]
    shares = [path_sum(solution, f"L{k}") for k in range(1, size + 1)]
    total = solution.gradient if solution.gradient is not None else solution.exact
    terms = " + ".join(f"{'(' + short(v) + ')' if v < 0 else short(v)}" for v in shares)
    update = [s for s in solution.steps if s.kind == "update"]
    steps.append(Step("sum" if update else "answer", f"$∂L/∂b = {terms} = {short(total)}$ (the sum over the examples)",
                      quantity="∂L/∂b", value=float(total), skill="sum" if update else "answer"))
    return steps + update


def _own_example(step: Step) -> bool:
    """A local line of one example's chain below b: ∂Lₖ/∂zₖ (or ∂Lₖ/∂hₖ and the gate ∂hₖ/∂zₖ)."""
    text = step.text
    return step.kind == "local" and (text.startswith("$∂h") or (text.startswith("$∂L") and not text.startswith("$∂L/")))


@family(TOPIC, "Bias gradient over a mini-batch (sum over examples)", ("NAT", "MCQ", "MSQ"), (1, 2))
def draw(rng: random.Random, qtype: QuestionType, marks: int) -> Problem:
    kind, size = _draw(rng, marks, qtype)
    values, nodes = _batch(rng, size, kind)
    lr = Fraction(1, 10) if kind == "update" else None
    graph, solution = solved(values, nodes, Find("L", "b", lr))
    if solution.gradient == 0 or solution.exact == 0:
        raise Resample("a zero bias gradient, or a new b of 0 (a guessable key)")
    if qtype == "MSQ":
        return Problem(topic=TOPIC, marks=marks, statements=lambda r: _statements(r, graph, solution, size))
    if lr is None:
        slips, asked_for = _slips(solution, size, kind), partial("L", "b")
    else:
        slips = _update_slips(solution, sp.Integer(values["b"]), sp.Rational(1, 10), size)
        asked_for = "$b$ after one gradient-descent step on $L$ with learning rate $eta = 0.1$"
    places = places_covering(solution.exact, slips)
    ask = value_asked(asked_for, qtype, solution.exact, places, slips)
    return Problem(topic=TOPIC, marks=marks, body=_body(graph, size, ask),
                   exact=solution.exact, steps=batch_working(solution, size), slips=slips, graph=graph, find=graph.find,
                   places=None if qtype == "NAT" else places)


def _share_choice(rng: random.Random, solution: Solution, k: int) -> Choice:
    """Example k's part of ∂L/∂b (the paths through L_k), or (false) the whole batch's gradient."""
    share, whole = path_sum(solution, f"L{k}"), solution.exact if solution.gradient is None else solution.gradient
    wrong = rng.random() < 0.5 and apart(float(share), float(whole))
    value = whole if wrong else share
    claim = {"kind": "share", "of": "L", "wrt": "b", "through": f"L{k}", "value": float(value), "places": 4}
    shown = figure(value)
    about = "≈ " if shown.startswith("≈") else ""
    return Choice(f"example {k} contributes {about}${shown.removeprefix('≈ ')}$ to $∂L/∂b$", not wrong, float(value),
                  "gave the whole batch's gradient as one example's share" if wrong else None, claim=claim)


def _combine_choice(rng: random.Random, size: int) -> Choice:
    """∂L/∂b is the sum (true) or the mean (false) of the per-example gradients: decided by solving both."""
    how = rng.choice(("sum", "mean"))
    parts = [{"of": f"L{k}", "wrt": "b"} for k in range(1, size + 1)]
    claim = {"kind": "combine", "find": {"of": "L", "wrt": "b"}, "parts": parts, "how": how}
    return claim_choice(f"$∂L/∂b$ is the {how} of the per-example gradients ∂Lₖ/∂b", claim, how == "sum",
                        "took the mean instead of the batch sum (L adds the per-example losses)")


def _gate_choice(rng: random.Random, solution: Solution, size: int) -> Choice:
    k = rng.randint(1, size)
    said_open, z = rng.random() < 0.5, solution.forward[f"z{k}"]
    return claim_choice(f"the ReLU gate of example {k} is {'open' if said_open else 'closed'}",
                        {"kind": "gate", "unit": f"h{k}", "pre": f"z{k}", "open": said_open},
                        said_open == bool(z > 0), f"misread the sign of {_sub('z', k)} = {_minus(z)}")


def _sub(name: str, k: int) -> str:
    """"z₁": a name with its example's subscript, for free text (a slip's words)."""
    return name + str(k).translate(str.maketrans("0123456789", "₀₁₂₃₄₅₆₇₈₉"))


def _minus(value: sp.Expr) -> str:
    return short(sp.S(value)).replace("-", "−")


def _statements(rng: random.Random, graph: Graph, solution: Solution, size: int) -> Statements:
    by_w = solve(graph, Find("L", "w"))
    gradient, k = solution.exact, rng.randint(1, size)
    distinct([gradient, by_w.exact, path_sum(solution, f"L{k}")])
    pool = [quantity_choice("∂L/∂b", {"of": "L", "wrt": "b"}, gradient,
                            Slip(gradient / size, "took the mean instead of the batch sum"), rng, math=True),
            _share_choice(rng, solution, k),
            quantity_choice("∂L/∂w", {"of": "L", "wrt": "w"}, by_w.exact,
                            Slip(gradient, "forgot the factor xₖ on each example (that is ∂L/∂b)"), rng, math=True),
            _combine_choice(rng, size)]
    if "h1" in graph.names():
        pool.append(_gate_choice(rng, solution, size))
    choices = pick_statements(rng, pool)
    shown_values = [c.value for c in choices if c.value is not None]  # a number on two options is a tell
    require(len(set(shown_values)) == len(shown_values), "two options show the same number")
    share = short(sp.S(path_sum(solution, f"L{k}")))
    steps = batch_working(solution, size) + [Step("note", f"example {k}'s share (the path through $L{k}$): ${share}$")] + \
        [weight_line(graph, size, by_w.exact)]
    ask = value_asked("", "MSQ", gradient, 0)
    return Statements(body=rounded_note(_body(graph, size, ask), choices), choices=choices,
                      steps=steps, graph=graph, find=graph.find)


def weight_line(graph: Graph, size: int, gradient: sp.Expr) -> Step:
    """∂L/∂w as a student writes it for a batch: the sum rule in the family's own form, every
    example's numbers substituted, in one line (w is shared as b is, and ∂zₖ/∂w = xₖ)."""
    v = {k: sp.Rational(str(x)) for k, x in graph.values.items()}
    relu, double = "h1" in graph.names(), not is_half(graph, "L1")
    terms, total = [], sp.S.Zero
    for k in range(1, size + 1):
        x, z = v[f"x{k}"], v["w"] * v[f"x{k}"] + v["b"]
        gate = 1 if z > 0 else 0
        residual = (z * gate if relu else z) - v[f"t{k}"]
        total += (2 if double else 1) * residual * (gate if relu else 1) * x
        terms.append("*".join([*(["2"] if double else []), _factor(residual), *([str(gate)] if relu else []), _factor(x)]))
    if total != gradient:
        raise ClaimError(f"{TOPIC}: the batch sum for ∂L/∂w gives {total}, backprop {gradient}")
    form = "(hₖ − tₖ)·ReLU′(zₖ)·xₖ" if relu else f"{'2' if double else ''}(zₖ − tₖ)·xₖ"
    return Step("note", f"for $w$ (shared like $b$, with ∂zₖ/∂w = xₖ): ∂L/∂w = Σₖ {form} = "
                        f"${' + '.join(terms)} = {short(total)}$")


def _factor(value: sp.Expr) -> str:
    """A factor of a product in a span: 3, or (-3) in parentheses."""
    return f"({short(value)})" if value < 0 else short(value)
