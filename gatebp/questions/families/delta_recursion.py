"""Family `delta-recursion`: the hidden sensitivity δ(z_j) = (W2ᵀ δₒ)_j · φ'(z_j).

The network is x → z_j = u_j·x → a_j = φ(z_j) → o = W2·a → L, and every stem defines its
symbols: δₒ = (∂L/∂o1, ∂L/∂o2), δ(z_j) = ∂L/∂z_j for hidden unit j, φ the hidden activation
and φ' its derivative. 1 mark: L is linear in the outputs, so δₒ = (g1, g2) is given and the
work is one column of W2 times δₒ, times φ'(z_j). 2 marks: L is half the squared error, so
δₒ = o − t must first be computed from a forward pass (the extra reasoning step).

The slips are the classic ones: the row of W2 instead of its column (W2 for W2ᵀ), φ'(a) for
φ'(z), and stopping at ∂L/∂a (forgetting φ'). The MSQ's recursion statements are claims of kind
`delta-recursion`, decided by evaluating the stated formula and comparing it with the solved δ.
"""

from __future__ import annotations

import random
from collections.abc import Mapping
from dataclasses import replace
from fractions import Fraction
from typing import Any

import sympy as sp

from gatebp.core.step import Step
from gatebp.core.values import as_float, numeric
from gatebp.gate.question import QuestionType
from gatebp.network.graph import Find, Graph
from gatebp.network.slips import Slip, backprop_slips, evaluated
from gatebp.network.steps import Solution, factor, short
from gatebp.questions.claims import ClaimError, Context, Verdict, decider
from gatebp.questions.families.base import Resample, family
from gatebp.questions.families.common import (
    Choice,
    assignments,
    claim_choice,
    definitions,
    distinct,
    minus,
    nonzero,
    pick_statements,
    quantity_choice,
    rounded_answer,
    rounded_note,
    solved,
    stated,
    tenths,
    uni,
    value_asked,
    working,
)
from gatebp.questions.losses import mse_sign_slip, squared_error
from gatebp.questions.problem import Problem, Statements

TOPIC = "delta-recursion"
TRANSPOSED = "used W₂ instead of W₂ᵀ (row {j} of W₂, not its column {j})"
PRIME = "φ′"
PRIMES = {"sigmoid": lambda v: sp.exp(-v) / (1 + sp.exp(-v)) ** 2, "tanh": lambda v: 1 - sp.tanh(v) ** 2}
NAMES = {"sigmoid": "σ, the sigmoid $sigmoid(z) = 1/(1 + exp(-z))$", "tanh": "tanh, the hyperbolic tangent"}
SUBSCRIPT = str.maketrans("0123456789", "₀₁₂₃₄₅₆₇₈₉")


def _sub(name: str) -> str:
    """"z₁": a name with a digit subscript, for free text next to δ and φ′ (not maths spans)."""
    return name.translate(SUBSCRIPT)


def _network(rng: random.Random, marks: int) -> tuple[dict[str, object], dict[str, str]]:
    """x → z_j = u_j·x → a_j = φ(z_j) → o = W2·a → L (linear in o for 1 mark, half MSE for 2).

    W2 has distinct rows and distinct columns and w12 ≠ w21 (a symmetric W2 hides the transpose slip)."""
    act = rng.choice(("sigmoid", "tanh")) if marks == 1 else "sigmoid"  # tanh with MSE is slow to cross-check
    values: dict[str, object] = {"x": nonzero(rng, -2, 2), "u1": tenths(rng, -1, 1), "u2": tenths(rng, -1, 1)}
    for i in (1, 2):
        for j in (1, 2):
            values[f"w{i}{j}"] = nonzero(rng, -3, 3)
    w = {k: values[k] for k in ("w11", "w12", "w21", "w22")}
    u1, u2 = Fraction(str(values["u1"])), Fraction(str(values["u2"]))
    if (w["w12"] == w["w21"] or (w["w11"], w["w12"]) == (w["w21"], w["w22"])
            or (w["w11"], w["w21"]) == (w["w12"], w["w22"]) or abs(u1) == abs(u2)):
        raise Resample("a symmetric W2, equal rows or columns, or mirrored hidden units")
    nodes = {"z1": "u1*x", "z2": "u2*x", "a1": f"{act}(z1)", "a2": f"{act}(z2)",
             "o1": "w11*a1 + w12*a2", "o2": "w21*a1 + w22*a2"}
    if marks == 1:
        values["g1"], values["g2"] = nonzero(rng, -3, 3), nonzero(rng, -3, 3)
        nodes["L"] = "g1*o1 + g2*o2"
    else:
        values["t1"], values["t2"] = rng.randint(-2, 2), rng.randint(-2, 2)
        nodes["L"] = f"{squared_error('o1', 't1', half=True)} + {squared_error('o2', 't2', half=True)}"
    return values, nodes


def _activation(graph: Graph, j: int) -> str:
    return graph.node(f"a{j}").text.split("(")[0]


def _parts(solution: Solution, j: int) -> tuple[list[sp.Expr], sp.Expr]:
    """δ(o1), δ(o2) from the solver, and φ'(z_j) (the local derivative on a_j ← z_j)."""
    deltas = [solution.sensitivities[f"o{i}"] for i in (1, 2)]
    prime = next(e.value for e in solution.edges if (e.node, e.parent) == (f"a{j}", f"z{j}"))
    return deltas, prime


def _weights(graph: Graph) -> dict[str, sp.Rational]:
    return {name: sp.Rational(v.numerator, v.denominator) for name, v in graph.values.items()}


def _products(graph: Graph, solution: Solution, j: int) -> tuple[sp.Expr, sp.Expr]:
    """(W2ᵀ δₒ)_j (column j of W2) and the transposed slip's (W2 δₒ)_j (row j)."""
    deltas, _ = _parts(solution, j)
    w = _weights(graph)
    return (sum(w[f"w{i}{j}"] * deltas[i - 1] for i in (1, 2)), sum(w[f"w{j}{i}"] * deltas[i - 1] for i in (1, 2)))


def _slips(graph: Graph, solution: Solution, j: int) -> list[Slip]:
    _, prime = _parts(solution, j)
    column, row = _products(graph, solution, j)
    at_a = PRIMES[_activation(graph, j)](solution.forward[f"a{j}"])
    return evaluated([Slip(row * prime, TRANSPOSED.format(j=j)),
                      Slip(column, f"forgot the factor {PRIME}(z) (stopped at ∂L/∂a)"),
                      Slip(column * at_a, f"used {PRIME}({_sub(f'a{j}')}) instead of {PRIME}({_sub(f'z{j}')}) "
                                          "(the derivative at the output)"),
                      *[s for s in backprop_slips(solution) if "φ" not in s.mistake]])


def _places(value: sp.Expr) -> int:
    return 2 if abs(as_float(value)) >= 1 else 3


def _body(graph: Graph, marks: int, ask: str) -> str:
    """The network, its output weights as a matrix, and every symbol the question uses, defined."""
    act = _activation(graph, 1)
    loss = ("The loss is linear in the outputs, so δₒ = (g₁, g₂). " if marks == 1
            else "The loss is half the squared error of the outputs. ")
    w = graph.values
    numbers = "[" + ", ".join("[" + ", ".join(str(w[f"w{i}{j}"]) for j in (1, 2)) + "]" for i in (1, 2)) + "]"
    scalars = [k for k in graph.values if not (k.startswith("w") and len(k) == 3)]
    return (f"A network computes {definitions(graph)}, with {assignments(graph, scalars)}. The output layer is "
            f"$o = W2*a$ with $W2 = [[w11, w12], [w21, w22]] = {numbers}$ and the hidden activation is "
            f"φ = {NAMES[act]}, with derivative {PRIME}. Write δₒ = (∂L/∂o₁, ∂L/∂o₂) and, for hidden unit j, "
            f"δ(zⱼ) = ∂L/∂zⱼ. {loss}{ask}")


@family(TOPIC, "The delta recursion δ(z) = (W₂ᵀδₒ) ⊙ φ′(z)", ("NAT", "MCQ", "MSQ"), (1, 2))
def draw(rng: random.Random, qtype: QuestionType, marks: int) -> Problem:
    values, nodes = _network(rng, marks)
    j = rng.choice((1, 2))
    graph, solution = solved(values, nodes, Find("L", f"z{j}"))  # type: ignore[arg-type]
    deltas, _ = _parts(solution, j)
    if abs(solution.value) < 0.05 or any(abs(float(d)) < 0.2 for d in deltas):
        raise Resample("a sensitivity too close to 0")
    if qtype == "MSQ":
        return Problem(topic=TOPIC, marks=marks, statements=lambda r: _statements(r, marks, graph, solution, j))
    places = _places(solution.exact)
    ask = value_asked(f"δ({_sub(f'z{j}')}) = $∂L/∂z{j}$", qtype, solution.exact, places)
    return Problem(topic=TOPIC, marks=marks, body=_body(graph, marks, ask), exact=solution.exact,
                   steps=_steps(graph, solution, j) + rounded_answer(solution.exact, places),
                   slips=_slips(graph, solution, j), graph=graph, find=graph.find, places=places)


def _steps(graph: Graph, solution: Solution, j: int) -> list:
    """The working in the stem's own symbols (δₒ, φ′, W₂, δ(zⱼ)): the forward values the
    recursion reads, δₒ, φ′(zⱼ), the entry (W₂ᵀδₒ)ⱼ from column j of W₂, then δ(zⱼ)."""
    deltas, prime = _parts(solution, j)
    w = _weights(graph)
    needed = {f"z{j}", f"a{j}"} if "g1" in graph.values else {"z1", "z2", "a1", "a2", "o1", "o2"}
    forward = [step for step in working(solution) if isinstance(step, Step) and step.kind == "forward"
               and step.quantity in needed]
    upstream = _products(graph, solution, j)[0]
    entry, z = f"(W₂ᵀδₒ){_sub(str(j))}", _sub(f"z{j}")
    column = " + ".join(f"{factor(w[f'w{i}{j}'])}·{factor(deltas[i - 1])}" for i in (1, 2))
    return [*forward, _outputs_line(graph, solution, deltas), _prime_line(graph, solution, j, prime),
            f"{entry} = {uni(f'w1{j}')}·∂L/∂o₁ + {uni(f'w2{j}')}·∂L/∂o₂ (column {j} of W₂ times δₒ) = "
            f"{minus(column)} {minus(stated(upstream, 4))}",
            Step("answer", f"δ({z}) = {entry}·{PRIME}({z}) = {minus(factor(upstream))}·{minus(factor(prime))} "
                           f"{minus(stated(solution.exact, 4))}")]


def _outputs_line(graph: Graph, solution: Solution, deltas: list[sp.Expr]) -> str:
    """δₒ as the stem defines it: (g₁, g₂) given (1 mark), or (o₁ − t₁, o₂ − t₂) computed (2 marks)."""
    shown = ", ".join(short(d) for d in deltas)
    if "g1" in graph.values:
        return minus(f"δₒ = (∂L/∂o₁, ∂L/∂o₂) = (g₁, g₂) = ({shown})")
    w = _weights(graph)
    worked = ", ".join(f"{short(solution.forward[f'o{i}'])} − {factor(w[f't{i}'])}" for i in (1, 2))
    return minus(f"δₒ = (∂L/∂o₁, ∂L/∂o₂) = (o₁ − t₁, o₂ − t₂) = ({worked}) = ({shown})")


def _prime_line(graph: Graph, solution: Solution, j: int, prime: sp.Expr) -> str:
    """φ′(zⱼ) by the activation's rule, read from aⱼ (σ′ = a(1 − a), tanh′ = 1 − a²)."""
    z, a = _sub(f"z{j}"), _sub(f"a{j}")
    value = short(solution.forward[f"a{j}"])
    if _activation(graph, j) == "sigmoid":
        rule, worked = f"σ′({z}) = {a}(1 − {a})", f"{value}(1 − {factor(solution.forward[f'a{j}'])})"
    else:
        rule, worked = f"tanh′({z}) = 1 − {a}²", f"1 − {factor(solution.forward[f'a{j}'])}²"
    return minus(f"{PRIME}({z}) = {rule} = {worked} {stated(prime, 4)}")


FORMULAS = {("W2ᵀ", "z"): None, ("W2", "z"): TRANSPOSED, ("W2ᵀ", "a"): f"used {PRIME}(a) instead of {PRIME}(z)",
            ("W2ᵀ", ""): f"forgot the factor {PRIME}(z) (stopped at ∂L/∂a)"}


def _formula_choice(rng: random.Random, j: int) -> Choice:
    """One statement of the recursion: the right one or a classic slip, decided by evaluating it."""
    matrix, at = rng.choice(list(FORMULAS))
    prime = f"·{PRIME}({_sub(f'{at}{j}')})" if at else ""
    text = f"δ({_sub(f'z{j}')}) = ({_sub(matrix)}δₒ){_sub(str(j))}{prime}"
    claim = {"kind": "delta-recursion", "unit": j, "matrix": matrix, "at": at}
    mistake = FORMULAS[(matrix, at)]
    return claim_choice(text, claim, mistake is None, (mistake or "").format(j=j))


def _statements(rng: random.Random, marks: int, graph: Graph, solution: Solution, j: int) -> Statements:
    deltas, prime = _parts(solution, j)
    slips = _slips(graph, solution, j)
    upstream, row = _products(graph, solution, j)
    at_a = PRIMES[_activation(graph, j)](solution.forward[f"a{j}"])
    distinct([solution.exact, upstream, prime] + (deltas[:1] if marks == 2 else []))
    z, a = _sub(f"z{j}"), _sub(f"a{j}")
    pool = [_labelled(_minused(quantity_choice(f"δ({z})", {"of": "L", "wrt": f"z{j}"}, solution.exact,
                                               rng.choice(slips[:3]), rng)), f"δ({z})"),
            _minused(quantity_choice(f"(W₂ᵀδₒ){_sub(str(j))} = ∂L/∂{a}", {"of": "L", "wrt": f"a{j}"}, upstream,
                                     Slip(row, TRANSPOSED.format(j=j)), rng)),
            _labelled(_minused(quantity_choice(f"{PRIME}({z})", {"of": f"a{j}", "wrt": f"z{j}"}, prime,
                                               Slip(numeric(at_a), f"evaluated {PRIME} at {a} instead of {z}"),
                                               rng)), f"{PRIME}({z})"),
            _formula_choice(rng, j)]
    if marks == 2:
        pool.append(quantity_choice("∂L/∂o1 = o1 - t1", {"of": "L", "wrt": "o1"}, deltas[0],
                                    mse_sign_slip(deltas[0], out="o₁"), rng, math=True))
    choices = pick_statements(rng, pool)
    return Statements(body=rounded_note(_body(graph, marks, value_asked("", "MSQ", solution.exact, 0)), choices),
                      choices=choices, steps=_steps(graph, solution, j), graph=graph, find=graph.find)


@decider("delta-recursion")
def _recursion(claim: Mapping[str, Any], context: Context) -> Verdict:
    """Evaluate the stated formula at the network's numbers and compare it with the solved δ(z_j)."""
    if context.graph is None:
        raise ClaimError("a recursion claim needs the question's graph")
    j, matrix, at = int(claim["unit"]), str(claim["matrix"]), str(claim.get("at") or "")
    from gatebp.network.solve import forward_pass

    forward, w = forward_pass(context.graph), _weights(context.graph)
    deltas = [context.solve({"of": "L", "wrt": f"o{i}"}) for i in (1, 2)]
    entry = (lambda i: w[f"w{i}{j}"]) if matrix == "W2ᵀ" else (lambda i: w[f"w{j}{i}"])
    value = sum(entry(i) * deltas[i - 1] for i in (1, 2))
    if at:
        value *= PRIMES[_activation(context.graph, j)](forward[f"{at}{j}"])
    truth = context.solve({"of": "L", "wrt": f"z{j}"})
    holds = abs(as_float(value - truth)) < 1e-15
    z = _sub(f"z{j}")
    return Verdict(holds, minus(f"δ({z}) = ∂L/∂{z} = {short(truth)}, and this formula gives {short(numeric(value))}"))


def _minused(choice: Choice) -> Choice:
    """A free-text statement (δ and φ′ are not maths-span names) with the paper's minus sign."""
    return replace(choice, text=minus(choice.text))


def _labelled(choice: Choice, label: str) -> Choice:
    """The option's reason names the quantity as the stem does (φ′(z₁), not ∂a₁/∂z₁)."""
    return replace(choice, claim={**(choice.claim or {}), "label": label})
