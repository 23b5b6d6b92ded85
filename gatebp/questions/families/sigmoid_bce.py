"""Family `sigmoid-bce`: a sigmoid output with binary cross-entropy, where δ = ∂L/∂z = p − t.

The local factors −t/p + (1 − t)/(1 − p) and p(1 − p) cancel to p − t; the working states that
shortcut (losses.BCE_SHORTCUT) and uses it. 1 mark: z = w·x + b, so ∂L/∂w = (p − t)·x. 2 marks
put a ReLU unit below the output, h = ReLU(u·x), z = w·h + b, and ask ∂L/∂u = (p − t)·w·relu'·x:
two more chain factors (the weight above h and its gate) are the extra reasoning step.

Slips (losses.bce_slips): σ'(z) multiplied in once more, t − p, the squared-error derivative,
σ'(p) for σ'(z), the (1 − t) term dropped, stopping at p − t. No factor below z is ±1 (then
∂L/∂w and ∂L/∂z would be one fact), and |z| ≤ 2 keeps p away from 0 and 1.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from fractions import Fraction
from itertools import pairwise

import sympy as sp

from gatebp.gate.question import QuestionType
from gatebp.network.graph import Find, Graph
from gatebp.network.slips import Slip
from gatebp.network.steps import Solution, equals, factor
from gatebp.questions.families._stems import SIGMOID_DEFINED, equations, m, spanned, sym, value_of, values
from gatebp.questions.families.base import family
from gatebp.questions.families.common import (
    Choice,
    answer_places,
    asked,
    claim_choice,
    distinct,
    pick_statements,
    quantity_choice,
    require,
    rounded_answer,
    rounded_note,
    shown,
    solved,
    tenths,
)
from gatebp.questions.losses import BCE, BCE_SHORTCUT, bce_delta, bce_slips, key_line
from gatebp.questions.problem import Problem, Statements

TOPIC = "sigmoid-bce"
Values = dict[str, Fraction | int]


def _one_input(rng: random.Random) -> tuple[Values, dict[str, str], str]:
    values: Values = {"x": rng.choice((-3, -2, 2, 3)), "w": tenths(rng, -0.6, 0.6),
                      "b": tenths(rng, -0.5, 0.5, nonzero_only=False), "t": rng.randint(0, 1)}
    return values, {"z": "w*x + b", "p": "sigmoid(z)", "L": BCE}, "w"


def _hidden_unit(rng: random.Random) -> tuple[Values, dict[str, str], str]:
    """A ReLU unit below the output: ∂L/∂u = (p − t)·w·gate·x."""
    values: Values = {"x": rng.choice((2, 3)), "u": tenths(rng, 0.2, 0.8),
                      "w": rng.choice([Fraction(n, 2) for n in (-3, -1, 1, 3)]),  # never ±1
                      "b": tenths(rng, -0.5, 0.5, nonzero_only=False), "t": rng.randint(0, 1)}
    nodes = {"h": "relu(u*x)", "z": "w*h + b", "p": "sigmoid(z)", "L": BCE}
    return values, nodes, "u"


def _draw(rng: random.Random, marks: int) -> tuple[Graph, Solution]:
    values, nodes, wrt = (_one_input if marks == 1 else _hidden_unit)(rng)
    graph, solution = solved(values, nodes, Find("L", wrt))
    require(abs(float(solution.forward["z"])) <= 2 and abs(solution.value) >= 0.05)
    require(abs(_below(solution)) != 1, "a factor ±1 below z")
    return graph, solution


def _below(solution: Solution) -> sp.Expr:
    """The product of the factors under z on the asked path (x, or w·gate·x)."""
    return sp.Mul(*solution.paths[0].factors[2:])  # the path is L ← p ← z ← ... ← wrt


def _slips(solution: Solution) -> list:
    return bce_slips(solution.forward["p"], solution.forward["t"], _below(solution))


def _intro(graph: Graph) -> str:
    relu = ", ReLU(z) = max(0, z)" if "h" in graph.names() else ""
    return (f"A classifier computes {equations(graph)}: L is the binary cross-entropy (ln is the natural "
            f"logarithm), {SIGMOID_DEFINED}{relu}, and t is the label. The given values are {values(graph)}.")


def _steps(solution: Solution) -> list:
    """The shortcut stated, then used: δ = p − t, times the factors below z."""
    fwd, below = solution.forward, _below(solution)
    delta = bce_delta(fwd["p"], fwd["t"])
    wrt = solution.paths[0].names[-1]
    if "h" in fwd:
        rule = f"(p - t)*w*x = {factor(delta)}*{factor(fwd['w'])}*{fwd['x']}"
        gate = m("u*x = " + shown(fwd["u"] * fwd["x"]))
        used = f"the ReLU gate is open ({gate} > 0), so "
    else:
        rule, used = f"(p - t)*x = {factor(delta)}*{factor(below)}", "so "
    forward = [step for step in solution.steps if step.kind == "forward" and not step.text.startswith("$L =")]
    names = solution.paths[0].names
    chain = "*".join(factor(f) for f in solution.paths[0].factors)
    labels = "·".join(f"∂{sym(a)}/∂{sym(b)}" for a, b in pairwise(names))
    check = f"check by the chain rule: {labels} = {m(f'{chain} {equals(solution.exact, 4)}')}"
    answer = key_line(used + m(f"∂L/∂{wrt} = {rule} {equals(solution.exact, 4)}"), wrt, solution.exact)
    return forward + [BCE_SHORTCUT, m(f"∂L/∂z = p - t = {shown(fwd['p'])} - {fwd['t']} {equals(delta, 4)}"),
                      answer, check]


@family(TOPIC, "Sigmoid output with binary cross-entropy", ("NAT", "MCQ", "MSQ"), (1, 2))
def draw(rng: random.Random, qtype: QuestionType, marks: int) -> Problem:
    graph, solution = _draw(rng, marks)
    assert graph.find is not None
    places = answer_places(solution.exact)
    body = asked(f"{_intro(graph)} {value_of(f'∂L/∂{graph.find.wrt}', qtype)}", qtype, solution.exact, places)
    return Problem(topic=TOPIC, marks=marks, body=body, exact=solution.exact,
                   steps=_steps(solution) + rounded_answer(solution.exact, places),
                   slips=_slips(solution), graph=graph, find=graph.find, places=places,
                   statements=lambda r: _statements(r, graph, solution))


def _sign_choice(rng: random.Random, wrt: str, value: sp.Expr, honest: bool = False) -> Choice:
    """"a small increase in wrt lowers (raises) L": the sign of ∂L/∂wrt, worded by a coin (or, when
    `honest`, truly)."""
    lowers = bool(value < 0) if honest else rng.random() < 0.5
    claim = {"kind": "sign", "find": {"of": "L", "wrt": wrt}, "sign": "negative" if lowers else "positive"}
    return claim_choice(f"a small increase in {m(wrt)} {'lowers' if lowers else 'raises'} {m('L')}", claim,
                        (value < 0) == lowers, f"read the sign of ∂L/∂{sym(wrt)} backwards (a sign slip)")


def is_sign_slip(choice: Choice) -> bool:
    """A false statement that only a sign slip makes (t − p for p − t, a sign read backwards)."""
    return not choice.correct and "sign" in (choice.mistake or "")


def _one_sign_slip(builders: list[Callable[[bool], Choice]]) -> list[Choice]:
    """Each statement drawn by its coin, except that only the first false one a sign slip makes is
    kept as such: the others are drawn true (or with another slip), so no two distractors are the
    same mistake (review: sigmoid-bce MSQ2 spent two options on t − p)."""
    out: list[Choice] = []
    for build in builders:
        choice = build(False)
        if is_sign_slip(choice) and any(is_sign_slip(c) for c in out):
            choice = build(True)
        out.append(choice)
    return out


def _statements(rng: random.Random, graph: Graph, solution: Solution) -> Statements:
    assert graph.find is not None and graph.find.wrt is not None
    wrt, fwd, find = graph.find.wrt, solution.forward, graph.find.to_dict()
    delta = bce_delta(fwd["p"], fwd["t"])
    slips = _slips(solution)
    distinct([delta, solution.exact] + ([delta * fwd["w"]] if "h" in fwd else []))

    def z_value(honest: bool) -> Choice:
        slip = None if honest else Slip(-delta, "used t − p instead of p − t (a sign slip)")
        return spanned(quantity_choice("∂L/∂z = p - t", {"of": "L", "wrt": "z"}, delta, slip, rng))

    def wrt_value(honest: bool) -> Choice:
        slip = rng.choice([s for s in slips[:4] if not honest or "sign" not in s.mistake])
        return spanned(quantity_choice(f"∂L/∂{wrt}", find, solution.exact, slip, rng))

    def z_sign(honest: bool) -> Choice:
        said = bool(delta < 0) if honest else rng.random() < 0.5
        return claim_choice(f"{m('∂L/∂z')} is {'negative' if said else 'positive'}",
                            {"kind": "sign", "find": {"of": "L", "wrt": "z"}, "sign": "negative" if said else "positive"},
                            (delta < 0) == said, "took δ = t − p (a sign slip)")

    builders = [z_value, wrt_value, z_sign, lambda honest: _sign_choice(rng, wrt, solution.exact, honest)]
    pool = _one_sign_slip(builders)
    if "h" in fwd:
        extra = Slip(delta * fwd["w"] * fwd["p"] * (1 - fwd["p"]), slips[0].mistake)  # σ'(z) once more
        pool.append(spanned(quantity_choice("∂L/∂h", {"of": "L", "wrt": "h"}, delta * fwd["w"], extra, rng)))
    choices = pick_statements(rng, pool)
    body = f"{_intro(graph)} Which of the following statements is/are correct?"
    return Statements(body=rounded_note(body, choices), choices=choices,
                      steps=_steps(solution), graph=graph, find=graph.find)
