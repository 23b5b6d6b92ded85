"""Family `perceptron`: one step of the perceptron learning rule and its effect on the score.

The paper asks for the updated weights after one example, or what the update does to the
score w·x + b of that input. Two forms are drilled: the 0/1 form w ← w + η(y − ŷ)x with a step
activation, and the ±1 form w ← w + y·x applied only on a mistake. The step function is not
differentiable, so there is no graph: the update is computed with exact fractions.
Slips: subtracting the update, forgetting η or the bias, updating with y instead of y − ŷ,
not updating on a mistake (or updating when the prediction was right).
Every MCQ/MSQ option is a `perceptron-update` claim (the new score, a new weight, whether the input
is classified right before or after), recomputed from the stated weights, input, label and rule.
The 2-mark form adds a bias and a third input: one more term in the score and one more update.
"""

from __future__ import annotations

import random
from collections.abc import Mapping
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

from gatebp.core.maths import render_name
from gatebp.gate.question import QuestionType
from gatebp.network.slips import Slip
from gatebp.questions.claims import ClaimError, Context, Verdict, decider
from gatebp.questions.families._posed import fact_choice, problem, valued_choice
from gatebp.questions.families.base import family
from gatebp.questions.families.choice import apart
from gatebp.questions.families.common import (
    Choice,
    four_apart,
    minus,
    nonzero,
    rational,
    require,
    shown,
    some_true,
    tenths,
    vec,
)
from gatebp.questions.problem import Problem, Statements

TOPIC = "perceptron"
RATES = (Fraction(1), Fraction(1, 2), Fraction(1, 10), Fraction(1, 5))


@dataclass(frozen=True)
class Setup:
    """One training example for a perceptron: form "01" (labels 0/1) or "pm1" (labels ±1)."""

    form: str
    x: tuple[Fraction, ...]
    w: tuple[Fraction, ...]
    b: Fraction | None  # None: the perceptron has no bias
    y: int
    eta: Fraction

    @property
    def score(self) -> Fraction:
        return score(self.w, self.b, self.x)

    @property
    def prediction(self) -> int:
        return predict(self.form, self.score)

    @property
    def factor(self) -> Fraction:
        """The multiplier of x in the update: η(y − ŷ), or y on a mistake in the ±1 form."""
        if self.form == "01":
            return self.eta * (self.y - self.prediction)
        return Fraction(self.y) if self.y != self.prediction else Fraction(0)

    def updated(self, factor: Fraction | None = None, bias: bool = True) -> tuple[tuple[Fraction, ...], Fraction | None]:
        """New (w, b) for the given update multiplier (the true one by default)."""
        f = self.factor if factor is None else factor
        w = tuple(wi + f * xi for wi, xi in zip(self.w, self.x))
        b = None if self.b is None else self.b + (f if bias else 0)
        return w, b


def score(w: tuple[Fraction, ...], b: Fraction | None, x: tuple[Fraction, ...]) -> Fraction:
    return sum((wi * xi for wi, xi in zip(w, x)), Fraction(0)) + (b or 0)


def predict(form: str, s: Fraction) -> int:
    if form == "01":
        return 1 if s > 0 else 0
    return 1 if s > 0 else -1


def draw(rng: random.Random, marks: int, mistake: bool) -> Setup:
    """Numbers for hand work; the label is chosen to make the prediction right or wrong."""
    form = rng.choice(("01", "pm1"))
    n = 2 if marks == 1 else 3
    x = tuple(Fraction(nonzero(rng, -3, 3)) for _ in range(n))
    w = tuple(tenths(rng, -1, 1) for _ in range(n))
    b = tenths(rng, -1, 1) if marks == 2 else None
    eta = rng.choice(RATES) if form == "01" else Fraction(1)
    s = score(w, b, x)
    require(s != 0, "score exactly 0")
    guess = predict(form, s)
    wrong = (1 - guess) if form == "01" else -guess
    return Setup(form, x, w, b, wrong if mistake else guess, eta)


def describe(p: Setup) -> str:
    bias = f" and bias b = {shown(p.b)}" if p.b is not None else " (no bias)"
    if p.form == "01":
        rule = ("w ← w + η(y − ŷ)x" + (", b ← b + η(y − ŷ)" if p.b is not None else "")
                + f" with η = {shown(p.eta)}")
        predicts = "ŷ = 1 if w·x" + (" + b" if p.b is not None else "") + " > 0, else ŷ = 0"
    else:
        rule = ("on a mistake (ŷ ≠ y) w ← w + y·x" + (", b ← b + y" if p.b is not None else "")
                + ", and no change otherwise")
        predicts = "ŷ = +1 if w·x" + (" + b" if p.b is not None else "") + " > 0, else ŷ = −1"
    label = f"{p.y:+d}" if p.form == "pm1" else str(p.y)
    return (f"A perceptron has weights w = {vec(p.w)}{bias}; it predicts {predicts}. "
            f"It is trained with the rule {rule}. It is shown the input x = {vec(p.x)} with label y = {label}")


def working(p: Setup) -> list[str]:
    terms = " + ".join(f"({shown(wi)})({shown(xi)})" for wi, xi in zip(p.w, p.x))
    bias = f" + ({shown(p.b)})" if p.b is not None else ""
    lines = [f"score w·x{' + b' if p.b is not None else ''} = {terms}{bias} = {shown(p.score)}",
             f"prediction ŷ = {p.prediction} (the score is {'positive' if p.score > 0 else 'negative'}); "
             f"label y = {p.y}"]
    if p.factor == 0:
        lines.append("ŷ = y: the prediction is right, so the weights do not change")
    else:
        how = f"η(y − ŷ) = {shown(p.eta)} × ({p.y} − {p.prediction})" if p.form == "01" else "y"
        w, b = p.updated()
        lines.append(f"update multiplier {how} = {shown(p.factor)}")
        op, size = ("+", shown(p.factor)) if p.factor > 0 else ("−", shown(-p.factor))
        lines.append(f"w ← w {op} {size}·x = {vec(p.w)} {op} {size} × {vec(p.x)} = {vec(w)}")
        if p.b is not None and b is not None:
            lines.append(f"b ← {shown(p.b)} {op} {size} = {shown(b)}")
    new = score(*p.updated(), p.x)
    lines.append(f"new score on this input = {shown(new)} (it changed by {shown(new - p.score)})")
    return lines


@family(TOPIC, "The perceptron update and its effect", ("NAT", "MCQ", "MSQ"), (1, 2), group="paper")
def build(rng: random.Random, qtype: QuestionType, marks: int) -> Problem:
    p = draw(rng, marks, mistake=qtype == "NAT" or rng.random() < 0.8)
    require(score(*p.updated(), p.x) != 0, "new score exactly 0 (on the step's boundary)")
    index = rng.randrange(len(p.w) + (p.b is not None))
    name = f"w{index + 1}" if index < len(p.w) else "b"
    exact = _pick(p.updated(), index)
    slips = [Slip(rational(_pick(p.updated(f), index) if f is not None else _pick((p.w, p.b), index)), why)
             for f, why in _factor_slips(p)]
    return problem(topic=TOPIC, marks=marks, body=f"{describe(p)}. After one update, the value of ${name}$ is",
                   exact=rational(exact), slips=slips, steps=working(p), extra=_extra(p),
                   options=lambda r: _score_effect(p), statements=lambda r: _statements(r, p))


def _pick(params: tuple[tuple[Fraction, ...], Fraction | None], index: int) -> Fraction:
    w, b = params
    return w[index] if index < len(w) else Fraction(b or 0)


def _factor_slips(p: Setup) -> list[tuple[Fraction | None, str]]:
    """Wrong update multipliers (None: no update at all) and the slip behind each."""
    f = p.factor
    slips: list[tuple[Fraction | None, str]] = []
    if f != 0:
        slips.append((-f, "subtracted the update (w − η(y − ŷ)x) instead of adding it"
                          if p.form == "01" else "subtracted the update (w − y·x) instead of adding it"))
        slips.append((None, f"left the weights unchanged (missed that ŷ = {p.prediction} ≠ y = {p.y})"))
    else:
        step = p.eta * (1 if p.form == "01" else p.y)
        slips.append((step, "updated although the prediction was right (ŷ = y), adding the step"))
        slips.append((-step, "updated although the prediction was right (ŷ = y), subtracting the step"))
        if p.eta != 1:
            slips.append((Fraction(1), "updated with x (no η) although the prediction was right"))
    if p.form == "01" and p.eta != 1 and f != 0:
        slips.append((f / p.eta, "forgot the learning rate η"))
    if p.form == "01" and f != 0:
        slips.append((p.eta * p.y, "used η·y·x instead of η(y − ŷ)x"))
    if p.form == "pm1" and f != 0:
        slips.append((Fraction(1), "added x without the label's sign (w + x)"))
    return slips


def claim_of(what: str, **data: object) -> dict[str, object]:
    """A claim about one update of the stated perceptron, recomputed by the decider from `extra`."""
    return {"kind": "perceptron-update", "what": what, **data}


def _score_choice(p: Setup, new: Fraction, correct: bool, why: str | None = None) -> Choice:
    return Choice(_effect(p.score, new), correct, float(new), why, claim=claim_of("score-after", value=str(new)))


def _score_effect(p: Setup) -> Statements:
    """MCQ: does the score w·x + b of the same input go up, down or stay? (with its new value)"""
    new = score(*p.updated(), p.x)
    candidates = [_score_choice(p, score(*(p.updated(f) if f is not None else (p.w, p.b)), p.x), False, why)
                  for f, why in _factor_slips(p)]
    if p.b is not None and p.factor != 0:
        candidates.append(_score_choice(p, score(*p.updated(bias=False), p.x), False, "forgot to update the bias"))
    if p.factor != 0:
        candidates.append(_score_choice(p, p.score + p.factor, False,
                                        f"took the score's change to be the multiplier {shown(p.factor)} alone "
                                        f"(it is the multiplier times x·x{' + 1' if p.b is not None else ''})"))
    body = f"{describe(p)}. After one update, what happens to the score w·x{' + b' if p.b is not None else ''} of this input?"
    kept = [c for c in candidates if c.value is not None and apart(c.value, float(new), 0.05)]
    return Statements(body=body, choices=four_apart(_score_choice(p, new, True), kept, 1e-9), steps=working(p))


def _effect(old: Fraction, new: Fraction) -> str:
    if new == old:
        return f"It is unchanged (it stays {shown(old)})"
    return f"It {'increases' if new > old else 'decreases'} from {shown(old)} to {shown(new)}"


def _statements(rng: random.Random, p: Setup) -> Statements:
    new_w, new_b = p.updated()
    new = score(new_w, new_b, p.x)
    k = rng.randrange(len(p.w))
    f_slip, why = rng.choice([(f, why) for f, why in _factor_slips(p) if f is not None])
    choices = [
        _misclassified(p, rng),
        valued_choice(f"After the update, $w{k + 1}$", rational(new_w[k]), Slip(rational(p.updated(f_slip)[0][k]), why),
                      rng, lambda v, places: claim_of("weight-after", index=k + 1, value=v, places=places)),
        valued_choice("After the update, the score on this input", rational(new),
                      Slip(rational(score(*p.updated(f_slip), p.x)), why), rng,
                      lambda v, places: claim_of("score-after", value=str(v), places=places)),
        _fixed(p, new),
    ]
    body = f"{describe(p)}. Consider one update. Which of the following statements is/are correct?"
    return Statements(body=body, choices=some_true(choices), steps=working(p))


def _misclassified(p: Setup, rng: random.Random) -> Choice:
    wrong = p.prediction != p.y
    claim_wrong = rng.random() < 0.5
    text = ("Before the update, the perceptron misclassifies this input" if claim_wrong else
            "Before the update, the perceptron classifies this input correctly")
    return fact_choice(text, claim_of("correct-before", holds=not claim_wrong), wrong == claim_wrong,
                       f"misread the score's sign (ŷ = {p.prediction}, y = {p.y})")


def _fixed(p: Setup, new: Fraction) -> Choice:
    right = predict(p.form, new) == p.y
    mistake = ("assumed one update always fixes the prediction (the score moved toward the label but not past 0)"
               if p.factor != 0 else "thought the input is misclassified after the update")
    return fact_choice("After the update, the perceptron classifies this input correctly",
                       claim_of("correct-after", holds=True), right, mistake)


def _extra(p: Setup) -> dict[str, object]:
    return {"form": p.form, "x": [shown(v) for v in p.x], "w": [shown(v) for v in p.w],
            "b": None if p.b is None else shown(p.b), "y": p.y, "eta": shown(p.eta)}


@decider("perceptron-update")
def _decide(claim: Mapping[str, Any], context: Context) -> Verdict:
    """One application of the stated rule to the stated weights, in exact fractions."""
    e = context.extra or {}
    x, w = [Fraction(v) for v in e["x"]], [Fraction(v) for v in e["w"]]
    b = None if e.get("b") is None else Fraction(e["b"])
    before = sum((a * c for a, c in zip(w, x)), Fraction(0)) + (b or 0)
    low = 0 if e["form"] == "01" else -1
    guess = 1 if before > 0 else low
    y = int(e["y"])
    f = Fraction(e["eta"]) * (y - guess) if e["form"] == "01" else Fraction(y if guess != y else 0)
    w2 = [a + f * c for a, c in zip(w, x)]
    b2 = None if b is None else b + f
    after = sum((a * c for a, c in zip(w2, x)), Fraction(0)) + (b2 or 0)
    what = str(claim["what"])
    if what == "score-after":
        return Verdict(after == Fraction(str(claim["value"])), f"the new score is {minus(shown(after))}")
    if what == "weight-after":
        value = w2[int(claim["index"]) - 1]
        return Verdict(value == Fraction(str(claim["value"])), f"the new {render_name('w' + str(claim['index']))} is {minus(shown(value))}")
    if what in ("correct-before", "correct-after"):
        s = before if what == "correct-before" else after
        right = (1 if s > 0 else low) == y
        return Verdict(right == bool(claim["holds"]), f"the score {shown(s)} gives ŷ = {1 if s > 0 else low}, y = {y}")
    raise ClaimError(f"unknown perceptron claim {what!r}")
