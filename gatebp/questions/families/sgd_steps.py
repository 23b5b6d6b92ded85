"""Family `sgd-steps`: one to three gradient-descent steps on a tiny linear model with squared loss.

The paper asks for a weight after gradient descent on ŷ = w·x (+ b) with a squared loss, on one
example or two, rounded to two decimals. The first step is the solver's (Find with lr, so its
working is the chain rule); later steps are computed with exact fractions in the builder.
Slips: stopping after one step, w + η·g, dropping the 2 of the squared loss (or keeping it under
a ½), a mean where the loss is a sum (or the reverse), forgetting η, freezing b between steps.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, replace
from fractions import Fraction

import sympy as sp

from gatebp.questions.families.base import family
from gatebp.questions.families.common import rational, require, shown, solved, working
from gatebp.questions.problem import Problem
from gatebp.network.graph import Find
from gatebp.network.slips import Slip
from gatebp.gate.question import QuestionType

TOPIC = "sgd-steps"
RATES = (Fraction(1, 10), Fraction(1, 20), Fraction(1, 5), Fraction(1, 4))


@dataclass(frozen=True)
class Task:
    """ŷ = w·x (+ b) on `examples` (x, t); loss (ŷ − t)² or ½(ŷ − t)², summed or averaged."""

    examples: tuple[tuple[Fraction, Fraction], ...]
    w: Fraction
    b: Fraction | None
    lr: Fraction
    steps: int
    half: bool  # ½(ŷ − t)²
    mean: bool  # average over the examples (only with two)
    asked: str  # "w" or "b"


def descend(task: Task, *, steps: int | None = None, coefficient: Fraction | None = None,
            mean: bool | None = None, direction: int = -1, lr: Fraction | None = None,
            freeze_b: bool = False) -> tuple[Fraction, Fraction | None]:
    """(w, b) after the steps; each keyword replaces one part of the rule (to compute a slip)."""
    c = coefficient if coefficient is not None else (Fraction(1) if task.half else Fraction(2))
    averaged = task.mean if mean is None else mean
    rate = task.lr if lr is None else lr
    w, b = task.w, task.b
    for _ in range(task.steps if steps is None else steps):
        gw, gb = Fraction(0), Fraction(0)
        for x, t in task.examples:
            residual = w * x + (b or 0) - t
            gw, gb = gw + c * residual * x, gb + c * residual
        if averaged:
            gw, gb = gw / len(task.examples), gb / len(task.examples)
        w = w + direction * rate * gw
        if b is not None and not freeze_b:
            b = b + direction * rate * gb
    return w, b


def draw(rng: random.Random, marks: int) -> Task:
    two = marks == 2 and rng.random() < 0.5
    count = 2 if two else 1
    xs = rng.sample([Fraction(v) for v in (1, 2, -1, -2, 3)] + [Fraction(1, 2)], count)
    examples = tuple((x, Fraction(rng.randint(-3, 4))) for x in xs)
    with_b = rng.random() < (0.3 if marks == 1 else 0.5)
    steps = 1 if marks == 1 or two else rng.choice((2, 2, 3))
    return Task(examples=examples, w=Fraction(rng.randint(-4, 8), 2 if rng.random() < 0.3 else 1),
                b=Fraction(rng.randint(-2, 2)) if with_b else None, lr=rng.choice(RATES), steps=steps,
                half=rng.random() < 0.5, mean=two and rng.random() < 0.5,
                asked="b" if with_b and rng.random() < 0.3 else "w")


def pick(task: Task, params: tuple[Fraction, Fraction | None]) -> sp.Expr:
    return rational(params[0] if task.asked == "w" else params[1] or 0)


def slips(task: Task) -> list[Slip]:
    other_c = Fraction(2) if task.half else Fraction(1)
    out = [Slip(pick(task, descend(task, direction=1)), "added the gradient step (w + η·g) instead of subtracting it"),
           Slip(pick(task, descend(task, coefficient=other_c)),
                "kept the 2 from differentiating the square although the loss has a ½" if task.half
                else "dropped the 2 from differentiating the square")]
    if task.steps > 1:
        out.insert(0, Slip(pick(task, descend(task, steps=1)), "stopped after one step"))
        out.append(Slip(pick(task, descend(task, steps=task.steps - 1)), "did one step too few"))
        if task.b is not None and task.asked == "w":
            out.append(Slip(pick(task, descend(task, freeze_b=True)), "did not update b between the steps"))
    if len(task.examples) == 2:
        out.insert(0, Slip(pick(task, descend(task, mean=not task.mean)),
                           "summed the two examples' gradients where the loss is their mean" if task.mean
                           else "averaged the two examples' gradients where the loss is their sum"))
    out.append(Slip(pick(task, descend(task, lr=Fraction(1))), "forgot to multiply the gradient by η"))
    return out


def _nodes(task: Task) -> tuple[dict[str, Fraction], dict[str, str]]:
    values: dict[str, Fraction] = {}
    nodes: dict[str, str] = {}
    terms = []
    for i, (x, t) in enumerate(task.examples, start=1):
        tag = "" if len(task.examples) == 1 else str(i)
        values[f"x{tag}"], values[f"t{tag}"] = x, t
        nodes[f"yhat{tag}"] = f"w*x{tag}" + (" + b" if task.b is not None else "")
        terms.append(f"(yhat{tag} - t{tag})**2")
    values["w"] = task.w
    if task.b is not None:
        values["b"] = task.b
    loss = " + ".join(terms)
    divisor = (2 if task.half else 1) * (len(task.examples) if task.mean else 1)
    nodes["L"] = loss if divisor == 1 else f"({loss})/{divisor}" if len(terms) > 1 else f"{loss}/{divisor}"
    return values, nodes


def _describe(task: Task) -> str:
    model = "ŷ = w·x" + (" + b" if task.b is not None else "")
    per = "½(ŷ − t)²" if task.half else "(ŷ − t)²"
    if len(task.examples) == 1:
        (x, t), = task.examples
        data = f"the single example x = {shown(x)}, t = {shown(t)}, with loss L = {per}"
    else:
        (x1, t1), (x2, t2) = task.examples
        how = "the mean" if task.mean else "the sum"
        data = (f"two examples (x = {shown(x1)}, t = {shown(t1)}) and (x = {shown(x2)}, t = {shown(t2)}), "
                f"with loss L equal to {how} of {per} over the two")
    start = f"w = {shown(task.w)}" + (f" and b = {shown(task.b)}" if task.b is not None else "")
    steps = "one step" if task.steps == 1 else f"{task.steps} steps"
    trained = "w and b are both updated" if task.b is not None else "w is updated"
    verb = "is" if task.steps == 1 else "are"
    return (f"A model {model} is trained on {data}. Starting from {start}, {steps} of gradient descent with "
            f"learning rate η = {shown(task.lr)} {verb} taken ({trained} at every step). "
            f"What is {task.asked} afterwards?")


def _later_steps(task: Task) -> list[str]:
    lines = []
    for k in range(2, task.steps + 1):
        w, b = descend(task, steps=k)
        lines.append(f"step {k}: w = {shown(w)}" + (f", b = {shown(b)}" if b is not None else ""))
    return lines


@family(TOPIC, "Gradient-descent steps on a tiny model", ("NAT", "MCQ"), (1, 2), group="paper")
def build(rng: random.Random, qtype: QuestionType, marks: int) -> Problem:
    task = draw(rng, marks)
    values, nodes = _nodes(task)
    graph, solution = solved(values, nodes, Find("L", task.asked, task.lr))
    first = descend(task, steps=1)
    assert solution.exact == pick(task, first), "the solver's first step disagrees with the fractions"
    final = descend(task)
    exact = pick(task, final)
    start = task.w if task.asked == "w" else task.b
    require(exact != rational(start or 0) and exact != 0 and abs(exact) <= 50, "no visible change")
    steps = working(solution)
    if task.steps > 1:
        other = "b" if task.asked == "w" else "w"
        if task.b is not None:
            value = first[0] if other == "w" else first[1] or 0
            steps.append(f"step 1 also updates {other}: {other} = {shown(value)}")
        steps += _later_steps(task)
    steps.append(f"{task.asked} after {task.steps} step{'s' if task.steps > 1 else ''} = {shown(exact)}")
    return Problem(topic=TOPIC, marks=marks, body=_describe(task), exact=exact, steps=steps, slips=slips(task),
                   graph=graph, find=graph.find if task.steps == 1 else None, places=2, extra=_extra(task))


def _extra(task: Task) -> dict[str, object]:
    return {"examples": [[shown(x), shown(t)] for x, t in task.examples], "w": shown(task.w),
            "b": None if task.b is None else shown(task.b), "lr": shown(task.lr), "steps": task.steps,
            "half": task.half, "mean": task.mean, "asked": task.asked}
