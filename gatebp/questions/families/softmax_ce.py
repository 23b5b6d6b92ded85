"""Family `softmax-ce`: softmax over three classes with cross-entropy, ∂L/∂z_k = p_k − y_k.

The graph writes softmax out (e_k = exp(z_k), s = e1 + e2 + e3, p = e_c/s, L = −log p), so the
solver's working shows the two paths into the true class's logit merging to p_c − 1 and the
single path into another logit giving p_k. Slips: the missing −y_k, a sign slip, an extra
p_k(1 − p_k), exp(z_k) without normalising, stopping at −1/p_c; MSQ statements about the
whole gradient vector have their truth computed from the numbers.
"""

from __future__ import annotations

import random
from fractions import Fraction

import sympy as sp

from gatebp.questions.families.base import family
from gatebp.questions.families.common import (Choice, answer_places, computes, given, nonzero, pick_statements,
                                              require, solved, tenths, working)
from gatebp.questions.problem import Problem, Statements
from gatebp.network.graph import Find, Graph
from gatebp.network.slips import Slip, evaluated
from gatebp.gate.question import QuestionType
from gatebp.network.steps import Solution, equals

TOPIC = "softmax-ce"
CLASSES = (1, 2, 3)
Values = dict[str, Fraction | int]


def _softmax_nodes(true_class: int) -> dict[str, str]:
    nodes = {f"e{k}": f"exp(z{k})" for k in CLASSES}
    nodes["s"] = "e1 + e2 + e3"
    nodes["p"] = f"e{true_class}/s"
    nodes["L"] = "-log(p)"
    return nodes


def _draw(rng: random.Random, marks: int) -> tuple[Graph, Solution, int, int]:
    """1 mark: logits given, find ∂L/∂z_k. 2 marks: z_k = w_k*x, find ∂L/∂w_k = (p_k − y_k)x."""
    c, k = rng.choice(CLASSES), rng.choice(CLASSES)
    if marks == 1:
        values: Values = {f"z{j}": rng.randint(-1, 2) for j in CLASSES}
        require(len(set(values.values())) > 1)
        nodes, wrt = _softmax_nodes(c), f"z{k}"
    else:
        values = {"x": nonzero(rng, -2, 2), **{f"w{j}": tenths(rng, -1, 1) for j in CLASSES}}
        require(len({values[f"w{j}"] for j in CLASSES}) == 3)
        nodes = {**{f"z{j}": f"w{j}*x" for j in CLASSES}, **_softmax_nodes(c)}
        wrt = f"w{k}"
    graph, solution = solved(values, nodes, Find("L", wrt))
    require(abs(solution.value) >= 0.01)
    return graph, solution, c, k


def probabilities(solution: Solution) -> list[sp.Expr]:
    fwd = solution.forward
    return [fwd[f"e{j}"] / fwd["s"] for j in CLASSES]


def softmax_slips(solution: Solution, c: int, k: int, below: sp.Expr) -> list[Slip]:
    """Slips on (p_k − y_k)·below, written from p and e (short forms, cheap to evaluate)."""
    p, fwd = probabilities(solution), solution.forward
    y = 1 if k == c else 0
    g = p[k - 1] - y
    slips = [Slip(p[k - 1] * below, "left out the −y_k term (used p_k for the true class)") if k == c
             else Slip((p[k - 1] - 1) * below, f"subtracted 1 at class {k}, which is not the true class"),
             Slip(-g * below, "used y_k − p_k instead of p_k − y_k (a sign slip)"),
             Slip(g * p[k - 1] * (1 - p[k - 1]) * below, "multiplied by p_k(1 − p_k) again (an extra softmax factor)"),
             Slip((fwd[f"e{k}"] - y) * below, "used exp(z_k) without dividing by the sum (forgot to normalise)")]
    if k == c:
        slips.append(Slip(-below / p[c - 1], "stopped at ∂L/∂p_c = −1/p_c"))
    if below != 1:
        slips.append(Slip(g, "stopped at ∂L/∂z_k = p_k − y_k (left out the factor x)"))
    return evaluated(slips)


def _intro(graph: Graph, c: int) -> str:
    return (f"A 3-class softmax classifier with cross-entropy loss computes {computes(graph)} "
            f"(natural log), with {given(graph)}; the true class is {c} (one-hot target y with y{c} = 1).")


@family(TOPIC, "Softmax with cross-entropy (3 classes)", ("NAT", "MCQ", "MSQ"), (1, 2))
def draw(rng: random.Random, qtype: QuestionType, marks: int) -> Problem:
    graph, solution, c, k = _draw(rng, marks)
    assert graph.find is not None
    below = solution.forward["x"] if marks == 2 else sp.S.One
    return Problem(topic=TOPIC, marks=marks, body=f"{_intro(graph, c)} What is ∂L/∂{graph.find.wrt}?",
                   exact=solution.exact, steps=working(solution), slips=softmax_slips(solution, c, k, below),
                   graph=graph, find=graph.find, places=answer_places(solution.exact),
                   statements=lambda r: _statements(r, marks, graph, solution, c))


def gradient_claims(p: list[sp.Expr], c: int) -> list[Choice]:
    """Statements about g = ∂L/∂z = p − y, each with its truth computed from the numbers."""
    g = [float(p[j - 1]) - (1.0 if j == c else 0.0) for j in CLASSES]
    others = [j for j in CLASSES if j != c]
    largest = max(CLASSES, key=lambda j: g[j - 1])
    claims = [
        ("the components of ∂L/∂z sum to zero", abs(sum(g)) < 1e-12, "forgot that p sums to 1 and y sums to 1"),
        (f"∂L/∂z{c} is the only negative component of ∂L/∂z",
         [j for j in CLASSES if g[j - 1] < 0] == [c], "misjudged the signs of p_k − y_k"),
        ("every component of ∂L/∂z is positive", all(v > 0 for v in g), "left out the −y_k term at the true class"),
        (f"the largest component of ∂L/∂z is at the true class {c}", largest == c,
         "took the true class's gradient as the largest (it is p_c − 1 < 0)"),
        (f"∂L/∂z{others[0]} = p{others[0]} and ∂L/∂z{others[1]} = p{others[1]}", True, ""),
        (f"∂L/∂z{c} {equals(p[c - 1])}", abs(g[c - 1] - float(p[c - 1])) < 1e-12,
         "left out the −y_k term (used p_k for the true class)"),
        (f"∂L/∂z{c} {equals(p[c - 1] - 1)}", abs(g[c - 1] - float(p[c - 1] - 1)) < 1e-12,
         "used p_c instead of p_c − 1"),
    ]
    return [Choice(text, truth, mistake=None if truth else why) for text, truth, why in claims]


def _statements(rng: random.Random, marks: int, graph: Graph, solution: Solution, c: int) -> Statements:
    assert graph.find is not None
    p = probabilities(solution)
    pool = gradient_claims(p, c)
    if marks == 2:
        pool.append(Choice(f"∂L/∂{graph.find.wrt} {equals(solution.exact)}", True, solution.value,
                           find=graph.find.to_dict()))
    steps = working(solution) + [f"p{j} = e{j}/s {equals(p[j - 1])}" for j in CLASSES] + [
        f"∂L/∂z{j} = p{j} − y{j} {equals(p[j - 1] - (1 if j == c else 0))}" for j in CLASSES]
    return Statements(body=f"{_intro(graph, c)} Which statements about the gradient are true?",
                      choices=pick_statements(rng, pool), steps=steps, graph=graph, find=graph.find)
