"""Family `param-count`: counting the trainable parameters of an MLP from its layer sizes.

The paper asks it as a quick NAT: layer sizes such as 4-5-3, with or without biases. The count is
Σ n_i·n_(i+1) weights plus one bias per hidden and output unit. The telling slips are forgetting the
biases, giving the input layer biases too, counting units instead of weights, adding consecutive
layer sizes instead of multiplying them, and one bias per layer instead of per unit.
"""

from __future__ import annotations

import math
import random
from collections.abc import Sequence

import sympy as sp

from gatebp.questions.families.base import family
from gatebp.questions.families.common import Choice, some_true, statement
from gatebp.questions.problem import Problem, Statements
from gatebp.network.slips import Slip
from gatebp.gate.question import QuestionType

TOPIC = "param-count"


def sizes_for(rng: random.Random, marks: int) -> list[int]:
    """Input, hidden layer(s), output: one hidden layer for 1 mark, two for 2 marks."""
    hidden = [rng.randint(2, 8) for _ in range(marks)]
    return [rng.randint(2, 6), *hidden, rng.randint(1, 4)]


def weights(sizes: Sequence[int]) -> int:
    return sum(a * b for a, b in zip(sizes, sizes[1:]))


def biases(sizes: Sequence[int]) -> int:
    """One bias per hidden and output unit (input units have none)."""
    return sum(sizes[1:])


def total(sizes: Sequence[int], with_biases: bool) -> int:
    return weights(sizes) + (biases(sizes) if with_biases else 0)


def count_slips(sizes: Sequence[int], with_biases: bool) -> list[Slip]:
    """The counts the named slips give, most telling first."""
    w, b, extra_bias = weights(sizes), biases(sizes), biases(sizes) if with_biases else 0
    added = sum(a + c for a, c in zip(sizes, sizes[1:]))
    slips = [Slip(sp.Integer(sum(sizes)), "counted the units instead of the weights between them")]
    if with_biases:
        slips += [Slip(sp.Integer(w), "forgot the biases (counted only the weights)"),
                  Slip(sp.Integer(w + b + sizes[0]), "gave the input layer biases too"),
                  Slip(sp.Integer(w + len(sizes) - 1), "counted one bias per layer instead of one per unit")]
    else:
        slips += [Slip(sp.Integer(w + b), "added biases although the network has none"),
                  Slip(sp.Integer(math.prod(sizes)), "multiplied all the layer sizes together")]
    slips.append(Slip(sp.Integer(added + extra_bias),
                      "added the sizes of consecutive layers instead of multiplying them"))
    return slips


def describe(sizes: Sequence[int], with_biases: bool) -> str:
    hidden = sizes[1:-1]
    layers = ("one hidden layer of " + str(hidden[0]) if len(hidden) == 1
              else "two hidden layers of " + " and ".join(map(str, hidden)))
    bias = ("Every hidden and output unit has a bias." if with_biases
            else "The network has no bias terms.")
    return (f"A fully connected feed-forward network (MLP) has layer sizes {'-'.join(map(str, sizes))}: "
            f"{sizes[0]} inputs, {layers} units, and {_units(sizes[-1], 'output unit')}. {bias}")


def _units(count: int, noun: str = "unit") -> str:
    return f"{count} {noun}" if count == 1 else f"{count} {noun}s"


def working(sizes: Sequence[int], with_biases: bool) -> list[str]:
    lines = [f"weights from layer {i} to layer {i + 1}: {a} × {c} = {a * c}"
             for i, (a, c) in enumerate(zip(sizes, sizes[1:]))]
    lines.append(f"weights in all: {' + '.join(str(a * c) for a, c in zip(sizes, sizes[1:]))} = {weights(sizes)}")
    if with_biases:
        lines.append(f"biases (one per hidden and output unit, none for inputs): "
                     f"{' + '.join(map(str, sizes[1:]))} = {biases(sizes)}")
        lines.append(f"parameters = {weights(sizes)} + {biases(sizes)} = {total(sizes, True)}")
    else:
        lines.append(f"no biases, so the parameters are the {weights(sizes)} weights")
    return lines


@family(TOPIC, "Counting the parameters of an MLP", ("NAT", "MCQ", "MSQ"), (1, 2), group="paper")
def build(rng: random.Random, qtype: QuestionType, marks: int) -> Problem:
    sizes, with_biases = sizes_for(rng, marks), rng.random() < 0.7
    what = "trainable parameters (weights and biases)" if with_biases else "trainable parameters"
    return Problem(topic=TOPIC, marks=marks, body=f"{describe(sizes, with_biases)} How many {what} does it have?",
                   exact=sp.Integer(total(sizes, with_biases)), steps=working(sizes, with_biases),
                   slips=count_slips(sizes, with_biases), places=0,
                   statements=lambda r: _statements(r, sizes, with_biases),
                   extra={"sizes": list(sizes), "biases": with_biases})


def _statements(rng: random.Random, sizes: list[int], with_biases: bool) -> Statements:
    i = rng.randrange(len(sizes) - 1)
    a, c = sizes[i], sizes[i + 1]
    slips = count_slips(sizes, with_biases)
    last = sizes[-2] * sizes[-1] + (sizes[-1] if with_biases else 0)
    last_slip = (Slip(sp.Integer(sizes[-2] * sizes[-1]), "forgot the output units' biases") if with_biases
                 else Slip(sp.Integer(sizes[-2] + sizes[-1]), "added the two layer sizes instead of multiplying"))
    choices: list[Choice] = [
        statement(f"There are {{}} weights between layer {i} ({_units(a)}) and layer {i + 1} ({_units(c)})",
                  sp.Integer(a * c), Slip(sp.Integer(a + c), "added the two layer sizes instead of multiplying"),
                  rng),
        statement("The network has {} trainable parameters in all", sp.Integer(total(sizes, with_biases)),
                  rng.choice(slips), rng),
        statement("The output layer has {} parameters", sp.Integer(last), last_slip, rng),
        _bias_statement(sizes, with_biases, rng),
    ]
    body = f"{describe(sizes, with_biases)} Layer 0 is the input layer. Which statements are true?"
    return Statements(body=body, choices=some_true(choices), steps=working(sizes, with_biases))


def _bias_statement(sizes: list[int], with_biases: bool, rng: random.Random) -> Choice:
    wrong = Slip(sp.Integer(biases(sizes) + sizes[0]), "gave the input layer biases too")
    template = ("The network has {} biases" if with_biases
                else "Giving every hidden and output unit a bias would add {} parameters")
    return statement(template, sp.Integer(biases(sizes)), wrong, rng)

