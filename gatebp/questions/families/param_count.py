"""Family `param-count`: counting the trainable parameters of an MLP from its layer sizes.

The paper asks it as a quick NAT: layer sizes such as 4-5-3, with or without biases. The count is
Σ n_i·n_(i+1) weights plus one bias per hidden and output unit. The telling slips are forgetting the
biases, giving the input layer biases too, counting units instead of weights, adding consecutive
layer sizes instead of multiplying them, and one bias per layer instead of per unit.

1 mark: one hidden layer (one product per weight matrix, then the biases). 2 marks: either two
hidden layers with biases (three weight matrices and two bias sums) or how many parameters widening
a hidden layer adds (the extra step: the units' incoming and outgoing weights and their biases all
change). MSQ statements are `mlp-count` claims, decided by counting the weight matrices' entries
and the bias vectors of the network the claim describes.
"""

from __future__ import annotations

import itertools
import math
import random
from collections.abc import Mapping, Sequence
from typing import Any

import sympy as sp

from gatebp.gate.question import QuestionType
from gatebp.network.slips import Slip
from gatebp.questions.claims import ClaimError, Context, Verdict, decider
from gatebp.questions.families._claimkit import spaced, valued
from gatebp.questions.families._stems import m
from gatebp.questions.families.base import family
from gatebp.questions.families.common import Choice, require
from gatebp.questions.problem import Problem, Statements

TOPIC = "param-count"


def sizes_for(rng: random.Random, marks: int) -> list[int]:
    """Input, hidden layer(s), output: one hidden layer for 1 mark, two for 2 marks."""
    hidden = [rng.randint(2, 8) for _ in range(marks)]
    return [rng.randint(2, 6), *hidden, rng.randint(1, 4)]


def weights(sizes: Sequence[int]) -> int:
    return sum(a * b for a, b in itertools.pairwise(sizes))


def biases(sizes: Sequence[int]) -> int:
    """One bias per hidden and output unit (input units have none)."""
    return sum(sizes[1:])


def total(sizes: Sequence[int], with_biases: bool) -> int:
    return weights(sizes) + (biases(sizes) if with_biases else 0)


def layer_name(sizes: Sequence[int], i: int) -> str:
    """"the input layer", "hidden layer 1", "the output layer": no numbering the stem has not defined."""
    if i == 0:
        return "the input layer"
    if i == len(sizes) - 1:
        return "the output layer"
    return "the hidden layer" if len(sizes) == 3 else f"hidden layer {i}"


# ---- the claim: counted from the weight matrices and bias vectors -------------------------------

def _matrices(sizes: Sequence[int], with_biases: bool) -> list[tuple[list[list[int]], list[int]]]:
    """One (W, b) per layer after the input: W has one row per unit and one column per input to it."""
    return [([[1] * a for _ in range(c)], [1] * c if with_biases else []) for a, c in itertools.pairwise(sizes)]


def counted(claim: Mapping[str, Any]) -> int:
    """The count a claim names, from the (W, b) of each layer: entries of W, of b, or both."""
    sizes, with_biases, what = list(claim["sizes"]), bool(claim["biases"]), str(claim["what"])
    layers = _matrices(sizes, with_biases or what == "biases-if-added")
    entries = [(sum(len(row) for row in w), len(b)) for w, b in layers]
    if what == "weights":
        return entries[int(claim["layer"])][0]
    if what == "layer-params":
        return sum(entries[int(claim["layer"])])
    if what in ("biases", "biases-if-added"):
        return sum(b for _, b in entries)
    if what == "params":
        return sum(w + b for w, b in entries)
    raise ClaimError(f"unknown parameter count {what!r}")


WHAT = {"weights": "weights into {layer}", "layer-params": "parameters of {layer}", "biases": "biases",
        "biases-if-added": "biases one per hidden and output unit would add", "params": "trainable parameters"}


@decider("mlp-count")
def _decide(claim: Mapping[str, Any], context: Context) -> Verdict:
    """A count of weights, biases or parameters of the MLP with these layer sizes."""
    count = counted(claim)
    layer = layer_name(claim["sizes"], int(claim.get("layer", 0)) + 1)
    return Verdict(count == int(claim["value"]), f"{WHAT[str(claim['what'])].format(layer=layer)}: {count}")


def count_claim(sizes: Sequence[int], with_biases: bool, what: str, value: sp.Expr, layer: int | None = None) -> dict:
    claim: dict[str, object] = {"kind": "mlp-count", "sizes": list(sizes), "biases": with_biases, "what": what,
                                "value": int(value)}
    return claim if layer is None else {**claim, "layer": layer}


# ---- the family ---------------------------------------------------------------------------------

def count_slips(sizes: Sequence[int], with_biases: bool) -> list[Slip]:
    """The counts the named slips give, most telling first."""
    w, b, extra_bias = weights(sizes), biases(sizes), biases(sizes) if with_biases else 0
    added = sum(a + c for a, c in itertools.pairwise(sizes))
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
    lines = [f"weights from {layer_name(sizes, i)} into {layer_name(sizes, i + 1)}: {m(f'{a}*{c} = {a * c}')}"
             for i, (a, c) in enumerate(itertools.pairwise(sizes))]
    every = " + ".join(str(a * c) for a, c in itertools.pairwise(sizes))
    lines.append(f"weights in all: {m(f'{every} = {weights(sizes)}')}")
    sums = m(f"{' + '.join(map(str, sizes[1:]))} = {biases(sizes)}")
    if with_biases:
        lines.append(f"biases (one per hidden and output unit, none for inputs): {sums}")
        lines.append(f"parameters = {m(f'{weights(sizes)} + {biases(sizes)} = {total(sizes, True)}')}")
    else:
        lines.append(f"no biases, so the parameters are the {weights(sizes)} weights "
                     f"(one bias per hidden and output unit would add {sums})")
    return lines


@family(TOPIC, "Counting the parameters of an MLP", ("NAT", "MCQ", "MSQ"), (1, 2), group="paper")
def build(rng: random.Random, qtype: QuestionType, marks: int) -> Problem:
    """Total parameters (1 and 2 marks) or, for half the 2-mark numeric items, a widened layer."""
    sizes, with_biases = sizes_for(rng, marks), rng.random() < 0.7
    if marks == 2 and qtype != "MSQ" and rng.random() < 0.5:
        return _widened(rng, sizes, with_biases, qtype)
    if marks == 2:
        with_biases = True
    what = "trainable parameters (weights and biases)" if with_biases else "trainable parameters"
    answer = sp.Integer(total(sizes, with_biases))
    ending = " is ____" if qtype == "NAT" else " is"
    return Problem(topic=TOPIC, marks=marks, body=f"{describe(sizes, with_biases)} The number of {what} it has{ending}",
                   exact=answer, steps=working(sizes, with_biases),
                   slips=spaced(answer, count_slips(sizes, with_biases), 0) if qtype != "MSQ" else (), places=0,
                   statements=lambda r: _statements(r, sizes, with_biases),
                   extra={"sizes": list(sizes), "biases": with_biases})


def _widened(rng: random.Random, sizes: list[int], with_biases: bool, qtype: QuestionType) -> Problem:
    """How many parameters widening hidden layer `i` by `d` units adds: (in + out [+ 1])·d."""
    i, d = rng.randint(1, len(sizes) - 2), rng.randint(2, 4)
    before, after = sizes[i - 1], sizes[i + 1]
    bias = 1 if with_biases else 0
    answer = sp.Integer((before + after + bias) * d)
    slips = [Slip(sp.Integer((before + bias) * d), "counted only the new units' incoming weights (and biases)"),
             Slip(sp.Integer((after + bias) * d), "counted only the new units' outgoing weights (and biases)"),
             Slip(sp.Integer(total(sizes[:i] + [sizes[i] + d] + sizes[i + 1:], with_biases)),
                  "gave the new total instead of the number added")]
    slips.insert(2, Slip(sp.Integer((before + after) * d) if with_biases else sp.Integer((before + after + 1) * d),
                         "forgot the new units' biases" if with_biases else "gave the new units biases the network does not have"))
    name = layer_name(sizes, i)
    body = (f"{describe(sizes, with_biases)} If {name} is widened from {sizes[i]} to {sizes[i] + d} units, "
            f"all else unchanged, the number of trainable parameters added is{' ____' if qtype == 'NAT' else ''}")
    steps = [f"each new unit in {name} gets {_units(before, 'incoming weight')} (one per unit of {layer_name(sizes, i - 1)})",
             f"and {_units(after, 'outgoing weight')} (one per unit of {layer_name(sizes, i + 1)})"
             + (", plus its own bias" if with_biases else " (no biases)"),
             "added: " + m(f"({before} + {after}{' + 1' if with_biases else ''})*{d} = {answer}")]
    return Problem(topic=TOPIC, marks=2, body=body, exact=answer, steps=steps, slips=spaced(answer, slips, 0),
                   places=0, extra={"sizes": list(sizes), "biases": with_biases, "widen": {"layer": i, "by": d}})


def _statements(rng: random.Random, sizes: list[int], with_biases: bool) -> Statements:
    """Four counts, each with its own slip (no two statements test the same mistake)."""
    i = rng.randrange(len(sizes) - 1)
    a, c, last = sizes[i], sizes[i + 1], len(sizes) - 2
    totals = [s for s in count_slips(sizes, with_biases)  # slips no other statement here tests
              if not s.mistake.startswith(("added the sizes", "gave the input layer"))]
    out_params = sizes[-2] * sizes[-1] + (sizes[-1] if with_biases else 0)
    out_slip = (Slip(sp.Integer(sizes[-2] * sizes[-1]), "forgot the output units' biases") if with_biases
                else Slip(sp.Integer(out_params + sizes[-1]), "gave the output units biases the network does not have"))
    bias_what = "biases" if with_biases else "biases-if-added"
    choices: list[Choice] = [
        valued(f"There are {{}} weights between {layer_name(sizes, i)} ({_units(a)}) and {layer_name(sizes, i + 1)} "
               f"({_units(c)})", sp.Integer(a * c), Slip(sp.Integer(a + c), "added the two layer sizes instead of "
               "multiplying them"), rng, fmt=str, claim=lambda v: count_claim(sizes, with_biases, "weights", v, i)),
        valued("The network has {} trainable parameters in all", sp.Integer(total(sizes, with_biases)),
               rng.choice(totals), rng, fmt=str, claim=lambda v: count_claim(sizes, with_biases, "params", v)),
        valued("The output layer has {} parameters (its incoming weights" + (" and its biases)" if with_biases else ")"),
               sp.Integer(out_params), out_slip, rng, fmt=str,
               claim=lambda v: count_claim(sizes, with_biases, "layer-params", v, last)),
        valued("The network has {} biases" if with_biases else
               "Giving every hidden and output unit a bias would add {} parameters", sp.Integer(biases(sizes)),
               Slip(sp.Integer(biases(sizes) + sizes[0]), "gave the input layer biases too"), rng, fmt=str,
               claim=lambda v: count_claim(sizes, with_biases, bias_what, v)),
    ]
    require(any(c.correct for c in choices) and not all(c.correct for c in choices), "all four alike")
    body = f"{describe(sizes, with_biases)} Which of the following statements is/are correct?"
    layer = f"{sizes[-2]}*{sizes[-1]}" + (f" + {sizes[-1]}" if with_biases else "")
    steps = working(sizes, with_biases) + [f"output layer: {m(f'{layer} = {out_params}')}"]
    return Statements(body=body, choices=choices, steps=steps)
