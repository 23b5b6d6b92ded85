"""Synthetic questions whose stem, options, reasons and working hold maths markup ($...$ and a
display matrix), for the tests that render them through every view and export."""

from __future__ import annotations

from gatebp.core.step import Step
from gatebp.gate.question import Option, Question

STEM = ("A unit computes $z = w11*x1 + w12*x2$ and $yhat = sigmoid(z)$ with "
        "$W1 = [[1, -1], [2, 1]]$. The loss is $L = (yhat - t)**2/2$. "
        "The value of $∂L/∂w11$ is")
BROKEN = "A stem with a span the parser refuses: $w11 * * x1$ and a lone $ sign."


def markup_mcq(stem: str = STEM) -> Question:
    options = (
        Option("A", "$(yhat - t)*yhat*(1 - yhat)*x1$", true=True,
               why="$∂L/∂z = (yhat - t)*sigmoid(z)*(1 - sigmoid(z))$ times $x1$"),
        Option("B", "$w11*x1$", true=False, why="you dropped $∂L/∂yhat$"),
        Option("C", "$[[1, 0], [0, 1]]$", true=False, why="not a number"),
        Option("D", "$relu(z)$", true=False, why="$h$ is not in this network"),
    )
    steps = (
        Step("forward", "$z = w11*x1 + w12*x2 = 3$"),
        Step("vector", "$$h = relu(W1*x + b1)$$"),
        Step("local", "$∂z/∂w11 = x1$"),
        Step("answer", "$∂L/∂w11 = (yhat - t)*yhat*(1 - yhat)*x1 ≈ 0.25$"),
        Step("key", "Key: A"),
    )
    return Question(id="markup:MCQ1:1", topic="markup", type="MCQ", marks=1, text=stem,
                    answer={"correct": [0]}, solution=steps, options=options)


def markup_nat(stem: str = STEM) -> Question:
    steps = (Step("forward", "$yhat = sigmoid(z)$"), Step("answer", "$∂L/∂w11 = 0.25$"))
    return Question(id="markup:NAT2:2", topic="markup", type="NAT", marks=2, text=stem,
                    answer={"value": 0.25, "exact": "1/4", "range": [0.24, 0.26]},
                    solution=steps, rounding=2)
