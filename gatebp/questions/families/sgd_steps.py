"""Family `sgd-steps`: several gradient-descent steps, or one step on a two-example batch, for a tiny
linear model with squared loss (descent-step drills the single step on a single example).

The paper asks for a weight after gradient descent on ŷ = w·x (+ b) with a squared loss, rounded
to two decimals. Every step is computed with exact fractions and written out (residual, gradient,
update); the first step is cross-checked against the solver (Find with lr).

1 mark: two gradient evaluations: two steps on one example, or one step on two examples (their
gradients summed or averaged); w only. 2 marks: four: two steps on one example with a bias (w and b
both move, so the second step's residual uses both new values), or two steps on two examples.
Slips: stopping after one step, reusing the first step's gradient, w + η·g, dropping the 2 of the
squared loss (or keeping it under a ½), a mean where the loss is a sum (or the reverse), one
example only, forgetting η, freezing b between steps.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from fractions import Fraction

import sympy as sp

from gatebp.gate.question import QuestionType
from gatebp.network.graph import Find
from gatebp.network.slips import Slip
from gatebp.questions.families._claimkit import not_a_tie, rounding_note, spaced
from gatebp.questions.families._stems import eqv, m
from gatebp.questions.families.base import family
from gatebp.questions.families.common import rational, require, shown, solved
from gatebp.questions.problem import Problem

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

    @property
    def coefficient(self) -> Fraction:
        """d/dŷ of the per-example loss is c·(ŷ − t): c = 1 under a ½, else 2."""
        return Fraction(1) if self.half else Fraction(2)


Params = tuple[Fraction, Fraction | None]


def gradient(task: Task, w: Fraction, b: Fraction | None, *, coefficient: Fraction | None = None,
             mean: bool | None = None, examples: int | None = None) -> tuple[Fraction, Fraction]:
    """(∂L/∂w, ∂L/∂b) at (w, b); each keyword replaces one part of the rule (to compute a slip)."""
    c = task.coefficient if coefficient is None else coefficient
    used = task.examples[: examples or len(task.examples)]
    gw = sum((c * (w * x + (b or 0) - t) * x for x, t in used), Fraction(0))
    gb = sum((c * (w * x + (b or 0) - t) for x, t in used), Fraction(0))
    if task.mean if mean is None else mean:
        gw, gb = gw / len(used), gb / len(used)
    return gw, gb


def descend(task: Task, *, steps: int | None = None, direction: int = -1, lr: Fraction | None = None,
            freeze_b: bool = False, stale: bool = False, **rule: object) -> Params:
    """(w, b) after the steps; `stale` reuses the first step's gradient (a slip), `rule` goes to gradient."""
    rate = task.lr if lr is None else lr
    w, b = task.w, task.b
    first = gradient(task, w, b, **rule)  # type: ignore[arg-type]
    for _ in range(task.steps if steps is None else steps):
        gw, gb = first if stale else gradient(task, w, b, **rule)  # type: ignore[arg-type]
        w = w + direction * rate * gw
        if b is not None and not freeze_b:
            b = b + direction * rate * gb
    return w, b


def draw(rng: random.Random, marks: int) -> Task:
    two = rng.random() < 0.5
    xs = rng.sample([Fraction(v) for v in (1, 2, -1, -2, 3)] + [Fraction(1, 2)], 2 if two else 1)
    examples = tuple((x, Fraction(rng.randint(-3, 4))) for x in xs)
    with_b = marks == 2 and not two
    steps = 2 if marks == 2 or not two else 1
    return Task(examples=examples, w=Fraction(rng.randint(-4, 8), 2 if rng.random() < 0.3 else 1),
                b=Fraction(rng.randint(-2, 2)) if with_b else None, lr=rng.choice(RATES), steps=steps,
                half=rng.random() < 0.5, mean=two and rng.random() < 0.5,
                asked="b" if with_b and rng.random() < 0.3 else "w")


def pick(task: Task, params: Params) -> sp.Expr:
    return rational(params[0] if task.asked == "w" else params[1] or 0)


def slips(task: Task) -> list[Slip]:
    """Each named slip redone on the same task, so every distractor is what that slip gives."""
    other_c = Fraction(2) if task.half else Fraction(1)
    out = [Slip(pick(task, descend(task, direction=1)), "added the gradient step (w + η·g) instead of subtracting it"),
           Slip(pick(task, descend(task, coefficient=other_c)),
                "kept the 2 from differentiating the square although the loss has a ½" if task.half
                else "dropped the 2 from differentiating the square")]
    if task.steps > 1:
        out.insert(0, Slip(pick(task, descend(task, steps=1)), "stopped after one step"))
        out.insert(1, Slip(pick(task, descend(task, stale=True)),
                           "reused the first step's gradient instead of recomputing it at the new weights"))
        if task.b is not None and task.asked == "w":
            out.append(Slip(pick(task, descend(task, freeze_b=True)), "did not update b between the steps"))
    if len(task.examples) == 2:
        out.insert(0, Slip(pick(task, descend(task, mean=not task.mean)),
                           "summed the two examples' gradients where the loss is their mean" if task.mean
                           else "averaged the two examples' gradients where the loss is their sum"))
        out.append(Slip(pick(task, descend(task, examples=1)), "used only the first example's gradient"))
    out.append(Slip(pick(task, descend(task, lr=Fraction(1))), "forgot to multiply the gradient by η"))
    return out


def _nodes(task: Task) -> tuple[dict[str, Fraction], dict[str, str]]:
    """The spec of the loss (for the solver's cross-check of the first step)."""
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


def _describe(task: Task, qtype: QuestionType) -> str:
    """The stem: model, data, loss, start, the update rule and the number of steps."""
    nodes = _nodes(task)[1]
    model = m("yhat = w*x" + (" + b" if task.b is not None else ""))
    if len(task.examples) == 1:
        (x, t), = task.examples
        data = f"the single example {m('x = ' + shown(x))}, {m('t = ' + shown(t))}, with loss {m('L = ' + nodes['L'])}"
    else:
        (x1, t1), (x2, t2) = task.examples
        how = "the mean" if task.mean else "the sum"
        per = "½(ŷᵢ − tᵢ)²" if task.half else "(ŷᵢ − tᵢ)²"
        data = (f"two examples, {m('x1 = ' + shown(x1))} with {m('t1 = ' + shown(t1))} and {m('x2 = ' + shown(x2))} "
                f"with {m('t2 = ' + shown(t2))} (so ŷᵢ = w·xᵢ{' + b' if task.b is not None else ''}), with loss L equal "
                f"to {how} of {per} over the two: {m('L = ' + nodes['L'])}")
    start = m("w = " + shown(task.w)) + (f" and {m('b = ' + shown(task.b))}" if task.b is not None else "")
    if task.steps == 1:
        how_many = "one step of (full-batch) gradient descent, w ← w − η·∂L/∂w, is taken"
    else:
        rule = "w ← w − η·∂L/∂w and b ← b − η·∂L/∂b" if task.b is not None else "w ← w − η·∂L/∂w"
        how_many = f"{task.steps} steps of gradient descent, {rule} at every step, are taken"
    after = "the step" if task.steps == 1 else f"the {task.steps} steps"
    ending = " is ____" if qtype == "NAT" else " is"
    return (f"A model {model} is trained on {data}. Starting from {start}, {how_many} with learning rate "
            f"{m('eta = ' + shown(task.lr))}. The value of {m(task.asked)} after {after}{ending}")


def _step_lines(task: Task) -> list[str]:
    """Each step's residuals, gradient and update, as a student writes them."""
    lines, w, b = [], task.w, task.b
    c = "" if task.half else "2·"
    two = len(task.examples) == 2
    total = ("½Σ " if task.mean else "Σ ") if two else ""
    for k in range(1, task.steps + 1):
        residuals = [w * x + (b or 0) - t for x, t in task.examples]
        gw, gb = gradient(task, w, b)
        tags = ("1", "2") if two else ("",)
        lines.append(f"step {k}: " + ", ".join(m(f"yhat{i} - t{i} = {shown(r)}") for i, r in zip(tags, residuals)))
        lines.append(f"  ∂L/∂w = {total}{c}(ŷ − t)·x = {m(shown(gw))}"
                     + (f", ∂L/∂b = {total}{c}(ŷ − t) = {m(shown(gb))}" if b is not None else ""))
        new_w, new_b = w - task.lr * gw, (b - task.lr * gb if b is not None else None)
        lines.append("  " + m(f"w = {shown(w)} - {shown(task.lr)}*{_paren(gw)} = {shown(new_w)}")
                     + (f"; {m(f'b = {shown(b)} - {shown(task.lr)}*{_paren(gb)} = {shown(new_b)}')}"
                        if b is not None and new_b is not None else ""))
        w, b = new_w, new_b
    return lines


def _paren(value: Fraction) -> str:
    return f"({shown(value)})" if value < 0 else shown(value)


@family(TOPIC, "Gradient-descent steps on a tiny model", ("NAT", "MCQ"), (1, 2), group="paper")
def build(rng: random.Random, qtype: QuestionType, marks: int) -> Problem:
    """Draw a task, cross-check step 1 with the solver, refuse degenerate draws, write every step."""
    task = draw(rng, marks)
    values, nodes = _nodes(task)
    graph, solution = solved(values, nodes, Find("L", task.asked, task.lr))
    first = descend(task, steps=1)
    assert solution.exact == pick(task, first), "the solver's first step disagrees with the fractions"
    answer = pick(task, descend(task))
    start = task.w if task.asked == "w" else task.b
    require(answer != rational(start or 0) and answer != 0 and abs(answer) <= 50, "no visible change")
    require(all(task.w * x + (task.b or 0) != t for x, t in task.examples), "a zero residual")
    require(not_a_tie(answer, 2), "an answer exactly half-way between two roundings")
    spaced_slips = spaced(answer, slips(task), 2)
    after = f"after {task.steps} step{'s' if task.steps > 1 else ''}"
    steps = _step_lines(task) + [f"{m(task.asked)} {after} {eqv(answer)}"]
    return Problem(topic=TOPIC, marks=marks, body=rounding_note(_describe(task, qtype), answer, spaced_slips, 2, qtype),
                   exact=answer, steps=steps, slips=spaced_slips, graph=graph,
                   places=2, extra=_extra(task))


def _extra(task: Task) -> dict[str, object]:
    return {"examples": [[shown(x), shown(t)] for x, t in task.examples], "w": shown(task.w),
            "b": None if task.b is None else shown(task.b), "lr": shown(task.lr), "steps": task.steps,
            "half": task.half, "mean": task.mean, "asked": task.asked}
