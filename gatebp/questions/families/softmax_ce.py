"""Family `softmax-ce`: softmax over three classes with cross-entropy, ∂L/∂z_k = p_k − y_k.

The graph writes softmax out (e_k = exp(z_k), s = e1 + e2 + e3, p = e_c/s, L = −log p), and the
working states the shortcut pₖ − yₖ first (losses.SOFTMAX_SHORTCUT). 1 mark gives the logits and
asks ∂L/∂z_k. 2 marks compute the logits z_k = w_k·x first and ask ∂L/∂w_k = (p_k − y_k)·x: the
extra reasoning steps are that forward pass and the factor x. Slips (losses.softmax_slips): the
missing −y_k, a sign slip, an extra p_k(1 − p_k), exp(z_k) without normalising, −1/p_c.

MSQ statements are claims decided from the gradient: a component's value (`quantity`), its
sign (`sign`), where the largest component is (`largest`) and what the components add to (`sum`).
"""

from __future__ import annotations

import random
from fractions import Fraction

import sympy as sp

from gatebp.core.step import Step
from gatebp.core.values import as_float
from gatebp.gate.question import QuestionType
from gatebp.network.graph import Find, Graph
from gatebp.network.slips import Slip
from gatebp.network.steps import Solution, equals, factor
from gatebp.questions.families._stems import equations, m, spanned, value_of, values
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
    solved,
    tenths,
)
from gatebp.questions.losses import (
    CLASSES,
    SOFTMAX_SHORTCUT,
    key_line,
    probabilities,
    softmax_delta,
    softmax_nodes,
    softmax_slips,
)
from gatebp.questions.problem import Problem, Statements

TOPIC = "softmax-ce"
Values = dict[str, Fraction | int]


def _draw(rng: random.Random, marks: int) -> tuple[Graph, Solution, int, int]:
    """1 mark: logits given, find ∂L/∂z_k. 2 marks: z_k = w_k·x, find ∂L/∂w_k = (p_k − y_k)·x."""
    c, k = rng.choice(CLASSES), rng.choice(CLASSES)
    if marks == 1:
        values: Values = {f"z{j}": rng.randint(-1, 2) for j in CLASSES}
        require(len(set(values.values())) == 3, "two equal logits")
        nodes, wrt = softmax_nodes(c), f"z{k}"
    else:
        values = {"x": rng.choice((-3, -2, 2, 3)), **{f"w{j}": tenths(rng, -1, 1) for j in CLASSES}}
        require(len({values[f"w{j}"] for j in CLASSES}) == 3, "two equal weights")
        nodes = {**{f"z{j}": f"w{j}*x" for j in CLASSES}, **softmax_nodes(c)}
        wrt = f"w{k}"
    graph, solution = solved(values, nodes, Find("L", wrt))
    require(abs(solution.value) >= 0.05)
    return graph, solution, c, k


def _intro(graph: Graph, c: int) -> str:
    """The written-out softmax, the given values and the one-hot target as a vector."""
    target = ", ".join("1" if j == c else "0" for j in CLASSES)
    return (f"A 3-class softmax classifier with cross-entropy loss computes {equations(graph)} (ln is the "
            f"natural logarithm), so pₖ = eₖ/s is the softmax probability of class k. The given values are "
            f"{values(graph)}, and the true class is {c}, so the one-hot target is {m(f'y = [{target}]')}.")


def _below(solution: Solution) -> sp.Expr:
    return solution.forward.get("x", sp.S.One)


def _slips(solution: Solution, c: int, k: int) -> list[Slip]:
    fwd = solution.forward
    return softmax_slips(probabilities(fwd), [fwd[f"e{j}"] for j in CLASSES], c, k, _below(solution))


def _steps(solution: Solution, c: int) -> list:
    """What a student writes: the forward pass to the probabilities, the shortcut pₖ − yₖ for the
    asked class only, the factor x for a weight; the chain through s and p as a one-line check."""
    p, wrt = probabilities(solution.forward), solution.paths[0].names[-1]
    k = int(wrt[1:])
    forward = [s for s in solution.steps if s.kind == "forward" and not s.text.startswith(("$p =", "$L ="))]
    probability = [Step("forward", m(f"p{j} = e{j}/s {equals(p[j - 1], 4)}"), quantity=f"p{j}",
                        value=as_float(p[j - 1]), skill="forward") for j in CLASSES]
    shortcut = m(f"∂L/∂z{k} = p{k} - y{k} {equals(softmax_delta(p, c, k), 4)}")
    lines = forward + probability + [SOFTMAX_SHORTCUT, shortcut if wrt.startswith("w") else key_line(shortcut, wrt, solution.exact)]
    if wrt.startswith("w"):
        x = solution.forward["x"]
        product = f"{factor(softmax_delta(p, c, k))}*{factor(x)}"
        lines.append(key_line(m(f"∂L/∂{wrt} = (p{k} - y{k})*x = {product} {equals(solution.exact, 4)}"), wrt, solution.exact))
    if len(solution.paths) < 2:
        return lines
    products = " + ".join(factor(path.product) for path in solution.paths)
    check = (f"check by the chain rule over the {len(solution.paths)} paths from {m(wrt)} to {m('L')} "
             f"(through p and through s): {m(f'{products} {equals(solution.exact, 4)}')}")
    return lines + [check]


@family(TOPIC, "Softmax with cross-entropy (3 classes)", ("NAT", "MCQ", "MSQ"), (1, 2))
def draw(rng: random.Random, qtype: QuestionType, marks: int) -> Problem:
    graph, solution, c, k = _draw(rng, marks)
    assert graph.find is not None
    places = answer_places(solution.exact)
    body = asked(f"{_intro(graph, c)} {value_of(f'∂L/∂{graph.find.wrt}', qtype)}", qtype, solution.exact, places)
    return Problem(topic=TOPIC, marks=marks, body=body, exact=solution.exact,
                   steps=_steps(solution, c) + rounded_answer(solution.exact, places),
                   slips=_slips(solution, c, k), graph=graph, find=graph.find, places=places,
                   statements=lambda r: _statements(r, graph, solution, c))


def _logits() -> list[str]:
    return [f"z{j}" for j in CLASSES]


def _sign_choice(rng: random.Random, p: list[sp.Expr], c: int) -> Choice:
    j, said = rng.choice(CLASSES), rng.choice(("negative", "positive"))
    truth = (softmax_delta(p, c, j) < 0) == (said == "negative")
    return claim_choice(f"{m(f'∂L/∂z{j}')} is {said}", {"kind": "sign", "find": {"of": "L", "wrt": f"z{j}"}, "sign": said},
                        truth, "misjudged the signs of pₖ − yₖ (only the true class's is negative)")


def _largest_choice(rng: random.Random, p: list[sp.Expr], c: int) -> Choice:
    j = rng.choice(CLASSES)
    top = max(CLASSES, key=lambda i: float(softmax_delta(p, c, i)))
    return claim_choice(f"of the components of ∂L/∂z, {m(f'∂L/∂z{j}')} is the largest",
                        {"kind": "largest", "of": "L", "wrt": _logits(), "at": f"z{j}"}, j == top,
                        "took the largest probability's class (or the true class) as the largest component")


def _sum_choice(rng: random.Random) -> Choice:
    said = rng.choice((0, 1))
    return claim_choice(f"the three components of ∂L/∂z add up to {m(str(said))}",
                        {"kind": "sum", "of": "L", "wrt": _logits(), "value": said, "places": 4}, said == 0,
                        "added the probabilities (they sum to 1) instead of pₖ − yₖ (which sum to 0)")


def _statements(rng: random.Random, graph: Graph, solution: Solution, c: int) -> Statements:
    assert graph.find is not None and graph.find.wrt is not None
    fwd, p = solution.forward, probabilities(solution.forward)
    e = [fwd[f"e{j}"] for j in CLASSES]
    j = rng.choice(CLASSES)
    distinct([softmax_delta(p, c, i) for i in CLASSES])
    pool = [spanned(quantity_choice(f"∂L/∂z{j}", {"of": "L", "wrt": f"z{j}"}, softmax_delta(p, c, j),
                                    softmax_slips(p, e, c, j, sp.S.One)[0], rng)),
            _sign_choice(rng, p, c), _largest_choice(rng, p, c), _sum_choice(rng)]
    if "x" in fwd:
        pool.append(spanned(quantity_choice(f"∂L/∂{graph.find.wrt}", graph.find.to_dict(), solution.exact,
                                            rng.choice(_slips(solution, c, int(graph.find.wrt[1]))[:3]), rng)))
    choices = pick_statements(rng, pool)
    ask = "Which of the following statements about the gradient is/are correct?"
    return Statements(body=rounded_note(f"{_intro(graph, c)} {ask}", choices),
                      choices=choices, steps=_steps(solution, c), graph=graph, find=graph.find)
