"""Family `perceptron-output`: what a sign or threshold unit (or a 2-2-1 step network) outputs.

Every MCQ/MSQ option is a claim: the 1-mark MCQ an `answer` (recomputed from `extra`), the others
`perceptron-output` claims the decider recomputes from the stated unit or network."""

from __future__ import annotations

import random
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

import sympy as sp

from gatebp.gate.question import QuestionType
from gatebp.network.slips import Slip
from gatebp.questions.claims import ClaimError, Context, Verdict, decider
from gatebp.questions.families._posed import fact_choice, problem, valued_choice
from gatebp.questions.families.base import family
from gatebp.questions.families.common import (
    Choice,
    matrix,
    rational,
    require,
    shown,
    some_true,
    tenths,
    vec,
    vector,
)
from gatebp.questions.families.perceptron_training import Vector, decimals
from gatebp.questions.problem import Problem, Statements

# ---- perceptron-output: what a sign or threshold unit (or a 2-2-1 threshold network) outputs -------------
#
# A separate topic (the `perceptron` ids stay as they are). 1 mark: one unit, sign (tie rule stated)
# or a threshold T ("outputs 1 when w·x reaches T"), as in the UGC NET questions, where the raw
# weighted sum is the telling wrong option. 2 marks: a 2-2-1 network of step units over binary inputs:
# its output column over all four inputs (four forward passes through two layers). Slips: reporting the
# weighted sum (or w·x − T) instead of the output, the other output convention (0/1 vs ±1), leaving out
# the bias or a term, comparing with 0 instead of T; in the network, the other tie rule, forgetting the
# hidden biases, skipping the hidden steps, pairing the output weights with the wrong hidden units.

OUTPUT = "perceptron-output"
INPUTS4 = ((0, 0), (0, 1), (1, 0), (1, 1))


@dataclass(frozen=True)
class Unit:
    """kind "sign": y = sign(w·x + b) (+1 for a positive score, −1 otherwise); kind "threshold":
    y = 1 when w·x ≥ T, else 0."""

    kind: str
    w: Vector
    x: Vector
    b: Fraction  # the bias (sign) or the threshold T (threshold)

    def out(self, net: Fraction) -> int:
        return (1 if net > 0 else -1) if self.kind == "sign" else (1 if net >= self.b else 0)

    @property
    def net(self) -> Fraction:
        """The unit's weighted sum: w·x + b for sign, w·x for threshold (compared with T)."""
        return dot(self.w, self.x) + (self.b if self.kind == "sign" else 0)


def dot(w: Sequence[Fraction], x: Sequence[Fraction]) -> Fraction:
    return sum((a * c for a, c in zip(w, x)), Fraction(0))


def draw_unit(rng: random.Random) -> Unit:
    if rng.random() < 0.5:
        w = tuple(tenths(rng, -1, 1) for _ in range(3))
        x = tuple(tenths(rng, 0.1, 1) for _ in range(3))
        return Unit("sign", w, x, tenths(rng, -0.5, 0.5) if rng.random() < 0.5 else Fraction(0))
    w = tuple(tenths(rng, -4, 4) for _ in range(2))
    x = tuple(tenths(rng, 0.5, 2.5) for _ in range(2))
    return Unit("threshold", w, x, tenths(rng, -1, 1))


def unit_slips(u: Unit) -> list[tuple[Fraction, str]]:
    """Wrong answers a student gives for the output, each from one slip."""
    key, wx = u.out(u.net), dot(u.w, u.x)
    found: list[tuple[Fraction, str]] = [(u.net, "reported the weighted sum itself, not the unit's output")]
    if u.kind == "sign":
        if key == -1:
            found.append((Fraction(0), "gave a 0/1 step unit's output (0) instead of sign's −1"))
        if u.b != 0:
            found.append((Fraction(u.out(wx)), "left out the bias b"))
            found.append((wx, "reported w·x, leaving out both the bias and the activation"))
    else:
        if key == 0:
            found.append((Fraction(-1), "gave a ±1 sign unit's output (−1) instead of the 0/1 output"))
        found.append((Fraction(1 if wx >= 0 else 0), "compared the sum with 0 instead of the threshold T"))
        found.append((Fraction(1 if wx + u.b >= 0 else 0), "treated T as a bias added to the sum (w·x + T ≥ 0)"))
        found.append((wx - u.b, "reported w·x − T, the margin, not the output"))
    for i in range(len(u.w)):
        partial = u.net - u.w[i] * u.x[i]
        found.append((Fraction(u.out(partial)), f"left out the term w{i + 1}x{i + 1}"))
    return [(v, why) for v, why in found if v != key]


def describe_unit(u: Unit) -> str:
    if u.kind == "sign":
        bias = f"bias b = {shown(u.b)}" if u.b != 0 else "bias b = 0"
        return (f"A perceptron with the sign activation (sign(z) = +1 for z > 0 and −1 otherwise) has weights "
                f"w = {vec(u.w)} and {bias}; it outputs y = sign(w·x + b). The input is x = {vec(u.x)}.")
    return (f"A threshold unit has weights W = {vec(u.w)} and threshold T = {shown(u.b)}: it outputs 1 when "
            f"the weighted sum W·x reaches T (W·x ≥ T) and 0 otherwise. The input is x = {vec(u.x)}.")


def unit_working(u: Unit) -> list[str]:
    terms = " + ".join(f"({shown(a)})({shown(c)})" for a, c in zip(u.w, u.x))
    if u.kind == "sign":
        bias = f" + ({shown(u.b)})" if u.b != 0 else ""
        return [f"w·x + b = {terms}{bias} = {shown(u.net)}",
                f"{'positive' if u.net > 0 else 'not positive'}, so y = sign({shown(u.net)}) = {u.out(u.net):+d}"]
    verdict = "≥" if u.net >= u.b else "<"
    return [f"W·x = {terms} = {shown(u.net)}", f"{shown(u.net)} {verdict} T = {shown(u.b)}, so y = {u.out(u.net)}"]


def exact_text(value: float) -> str:
    """An option that is an exact short decimal, written as the stem writes numbers (−1, 0, −0.27)."""
    return shown(Fraction(value).limit_denominator(10**6))


def unit_suitable(u: Unit) -> bool:
    """The sum is not 0, not the key's neighbour (within 5% of ±1 or 0) and not a tie with T."""
    far = all(abs(u.net - v) >= Fraction(1, 20) for v in (-1, 0, 1))
    return far and (u.kind == "sign" or u.net != u.b) and u.net != 0


def out_claim(what: str, **data: object) -> dict[str, object]:
    """A claim about the stated unit or network, recomputed by the decider from `extra`."""
    return {"kind": "perceptron-output", "what": what, **data}


@family(OUTPUT, "The output of a sign or threshold perceptron (and a 2-2-1 step network)", ("MCQ", "MSQ"),
        (1, 2), group="paper")
def build_output(rng: random.Random, qtype: QuestionType, marks: int) -> Problem:
    if marks == 2:
        return _network_question(rng, qtype)
    u = draw_unit(rng)
    require(unit_suitable(u), "a sum on a boundary or next to an output value")
    key = Fraction(u.out(u.net))
    found = unit_slips(u)
    places = decimals([key] + [v for v, _ in found])
    extra = {"kind": u.kind, "w": [shown(v) for v in u.w], "x": [shown(v) for v in u.x], "b": shown(u.b)}
    return problem(topic=OUTPUT, marks=1, body=f"{describe_unit(u)} The value of the output y is", exact=rational(key),
                   slips=[Slip(rational(v), why) for v, why in found], places=places, steps=unit_working(u),
                   statements=lambda r: _unit_statements(r, u), extra=extra)


def _unit_statements(rng: random.Random, u: Unit) -> Statements:
    key = u.out(u.net)
    wrong_sum, sum_why = (dot(u.w, u.x), "left out the bias b") if u.kind == "sign" and u.b != 0 else \
        (u.net - u.w[0] * u.x[0], "left out the term w1x1")
    label = "w·x + b" if u.kind == "sign" else "W·x"
    flip = [(v, why) for v, why in unit_slips(u) if v in (-1, 0, 1)]
    doubled = u.out(2 * dot(u.w, u.x) + (u.b if u.kind == "sign" else 0))
    choices = [
        valued_choice(f"The weighted sum {label}", rational(u.net), Slip(rational(wrong_sum), sum_why), rng,
                      lambda v, places: out_claim("sum", value=str(v)), places=4),
        valued_choice("The output y", sp.Integer(key), Slip(rational(flip[0][0]), flip[0][1]) if flip else None, rng,
                      lambda v, places: out_claim("output", value=str(int(v))), places=0),
        _doubling(u, doubled == key),
        _boundary_claim(u),
    ]
    return Statements(body=f"{describe_unit(u)} Which of the following statements is/are correct?", choices=some_true(choices),
                      steps=unit_working(u))


def _doubling(u: Unit, same: bool) -> Choice:
    text = "Doubling every input (x → 2x) leaves the output unchanged"
    why = ("assumed scaling the input cannot change a threshold unit's output (it can when there is a bias "
           "or a threshold)")
    return fact_choice(text, out_claim("doubled-same"), same, why)


def _boundary_claim(u: Unit) -> Choice:
    """Computed: would the output change if the bias (or threshold) were 0?"""
    wx = dot(u.w, u.x)
    changes = u.out(wx) != u.out(u.net) if u.kind == "sign" else (1 if wx >= 0 else 0) != u.out(u.net)
    what = "bias b" if u.kind == "sign" else "threshold T"
    text = f"With the {what} set to 0, the output would be different"
    mistake = f"thought the {what} decides the output here (the output is the same without it)"
    return fact_choice(text, out_claim("zero-bias-differs"), changes, mistake)


@dataclass(frozen=True)
class StepNet:
    """h_j = step(W_j·x + b_j) for j = 1, 2; y = step(v·h + c); step(z) = 1 for z > 0, `tie` at z = 0."""

    W: tuple[tuple[int, ...], ...]
    b: tuple[int, ...]
    v: tuple[int, ...]
    c: int
    tie: int


def step(z: int, tie: int) -> int:
    return tie if z == 0 else int(z > 0)


def net_column(n: StepNet, *, tie: int | None = None, hidden_bias: bool = True, hidden_step: bool = True,
               swap_v: bool = False) -> tuple[int, ...]:
    """The output at (0,0), (0,1), (1,0), (1,1); each keyword is one slip."""
    t = n.tie if tie is None else tie
    v = n.v[::-1] if swap_v else n.v
    column = []
    for x in INPUTS4:
        pre = [row[0] * x[0] + row[1] * x[1] + (bj if hidden_bias else 0) for row, bj in zip(n.W, n.b)]
        h = [step(z, t) for z in pre] if hidden_step else pre
        column.append(step(v[0] * h[0] + v[1] * h[1] + n.c, t))
    return tuple(column)


def network_slips(n: StepNet) -> list[tuple[tuple[int, ...], str]]:
    return [(net_column(n, tie=1 - n.tie), f"took step(0) = {1 - n.tie} (the stated tie rule is step(0) = {n.tie})"),
            (net_column(n, hidden_bias=False), "forgot the hidden units' biases"),
            (net_column(n, hidden_step=False), "fed the hidden pre-activations to the output unit (skipped the "
                                               "hidden step)"),
            (net_column(n, swap_v=True), "paired the output weights with the wrong hidden units (v₁ with h₂)")]


def draw_net(rng: random.Random) -> StepNet:
    W = tuple(tuple(rng.choice((-2, -1, 1, 2)) for _ in range(2)) for _ in range(2))
    return StepNet(W, tuple(rng.randint(-2, 1) for _ in range(2)), tuple(rng.choice((-2, -1, 1, 2)) for _ in range(2)),
                   rng.randint(-2, 1), rng.choice((0, 1)))


def net_suitable(n: StepNet) -> bool:
    """Distinct hidden rows, an output that depends on both inputs, and a tie somewhere that matters."""
    col = net_column(n)
    both = col[0] != col[2] or col[1] != col[3], col[0] != col[1] or col[2] != col[3]
    return n.W[0] != n.W[1] and all(both) and net_column(n, tie=1 - n.tie) != col


def describe_net(n: StepNet) -> str:
    return (f"A 2-2-1 network of step units takes binary inputs x = (x₁, x₂). Hidden unit j computes "
            f"hⱼ = step(Wⱼ·x + bⱼ) with $W = {matrix(n.W)}$ (row j feeds hⱼ) and $b = {vector(n.b)}$; the output "
            f"is $y = step(v1*h1 + v2*h2 + c)$ with $v = {vector(n.v)}$ and $c = {n.c}$. Here step(z) = 1 for "
            f"z > 0, step(z) = 0 for z < 0, and step(0) = {n.tie}.")


def net_working(n: StepNet) -> list[str]:
    lines = []
    for x in INPUTS4:
        pre = [row[0] * x[0] + row[1] * x[1] + bj for row, bj in zip(n.W, n.b)]
        h = [step(z, n.tie) for z in pre]
        out = n.v[0] * h[0] + n.v[1] * h[1] + n.c
        lines.append(f"x = {vec(x)}: W·x + b = {vec(pre)}, h = {vec(h)}; v·h + c = {out}, "
                     f"y = {step(out, n.tie)}")
    return lines


def column_text(col: Sequence[int]) -> str:
    return "(" + ", ".join(map(str, col)) + ")"


def _network_question(rng: random.Random, qtype: QuestionType) -> Problem:
    n = draw_net(rng)
    require(net_suitable(n), "a repeated row, a one-input function, or a tie that does not matter")
    key = net_column(n)
    slips, seen = [], {key}
    for col, why in network_slips(n):
        if col not in seen:
            seen.add(col)
            slips.append((col, why))
    ask = "the outputs y at x = (0, 0), (0, 1), (1, 0), (1, 1), in this order"
    if qtype == "MCQ":
        require(len(slips) >= 3, "fewer than three distinct wrong columns")
        choices = [Choice(column_text(key), True, claim=out_claim("column", values=list(key)))]
        choices += [Choice(column_text(c), False, mistake=why, claim=out_claim("column", values=list(c)))
                    for c, why in slips[:3]]
        body = f"{describe_net(n)} What are {ask}?"
    else:
        choices = _net_statements(rng, n, key, slips)
        body = f"{describe_net(n)} Which of the following statements about the network's output y is/are correct?"
    picked = Statements(body=body, choices=choices, steps=net_working(n))
    extra = {"W": [list(r) for r in n.W], "b": list(n.b), "v": list(n.v), "c": n.c, "tie": n.tie}
    if qtype == "MCQ":
        return problem(topic=OUTPUT, marks=2, options=lambda r: picked, extra=extra)
    return problem(topic=OUTPUT, marks=2, statements=lambda r: picked, extra=extra)


def _net_statements(rng: random.Random, n: StepNet, key: tuple[int, ...],
                    slips: list[tuple[tuple[int, ...], str]]) -> list[Choice]:
    """Four claims "y = v at x", each true, or false with the slip that gives that value."""
    choices = []
    for i in rng.sample(range(4), 4):
        wrong = [(c, why) for c, why in slips if c[i] != key[i]]
        value, why = (wrong[0][0][i], wrong[0][1]) if wrong and rng.random() < 0.5 else (key[i], "")
        choices.append(fact_choice(f"At x = {vec(INPUTS4[i])}, y = {value}", out_claim("at", index=i + 1, value=value),
                                   value == key[i], why))
    require(any(not c.correct for c in choices), "every statement true")
    return some_true(choices)


@decider("perceptron-output")
def _decide(claim: Mapping[str, Any], context: Context) -> Verdict:
    """The stated unit (or 2-2-1 step network) run on its input(s), in exact fractions."""
    e, what = context.extra or {}, str(claim["what"])
    if what in ("column", "at"):
        col = _column(e)
        if what == "at":
            got = col[int(claim["index"]) - 1]
            return Verdict(got == int(claim["value"]), f"at x = {vec(INPUTS4[int(claim['index']) - 1])}, y = {got}")
        return Verdict(list(col) == [int(v) for v in claim["values"]], f"the outputs are {column_text(col)}")
    u = Unit(str(e["kind"]), tuple(Fraction(v) for v in e["w"]), tuple(Fraction(v) for v in e["x"]), Fraction(e["b"]))
    wx = dot(u.w, u.x)
    if what == "sum":
        return Verdict(u.net == Fraction(str(claim["value"])), f"the weighted sum is {shown(u.net)}")
    if what == "output":
        return Verdict(u.out(u.net) == int(claim["value"]), f"the output is {u.out(u.net)}")
    if what == "doubled-same":
        doubled = u.out(2 * wx + (u.b if u.kind == "sign" else 0))
        return Verdict(doubled == u.out(u.net), f"with 2x the output is {doubled}")
    if what == "zero-bias-differs":
        without = u.out(wx) if u.kind == "sign" else int(wx >= 0)
        return Verdict(without != u.out(u.net), f"without it the output is {without}, with it {u.out(u.net)}")
    raise ClaimError(f"unknown perceptron-output claim {what!r}")


def _column(e: Mapping[str, Any]) -> tuple[int, ...]:
    out = []
    for x in INPUTS4:
        pre = [r[0] * x[0] + r[1] * x[1] + bj for r, bj in zip(e["W"], e["b"])]
        h = [int(z > 0) if z != 0 else int(e["tie"]) for z in pre]
        s = e["v"][0] * h[0] + e["v"][1] * h[1] + e["c"]
        out.append(int(s > 0) if s != 0 else int(e["tie"]))
    return tuple(out)
