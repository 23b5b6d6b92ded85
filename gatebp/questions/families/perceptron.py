"""Family `perceptron`: one step of the perceptron learning rule and its effect on the score.

The paper asks for the updated weights after one example, or what the update does to the
score w·x + b of that input. Two forms are drilled: the 0/1 form w ← w + η(y − ŷ)x with a step
activation, and the ±1 form w ← w + y·x applied only on a mistake. The step function is not
differentiable, so there is no graph: the update is computed with exact fractions.
Slips: subtracting the update, forgetting η or the bias, updating with y instead of y − ŷ,
not updating on a mistake (or updating when the prediction was right).
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass, replace
from fractions import Fraction

import sympy as sp


from gatebp.questions.families._claims import named, numeric, vector_mcq
from gatebp.questions.families.base import family
from gatebp.questions.families.common import (Choice, choice_question, four_apart, matrix, nonzero, numeric_question,
                                    rational, require, shown, some_true, statement, tenths, vector)
from gatebp.network.slips import Slip
from gatebp.gate.question import Question, QuestionType

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
    return (f"A perceptron has weights w = {vector(p.w)}{bias}; it predicts {predicts}. "
            f"It is trained with the rule {rule}. It is shown the input x = {vector(p.x)} with label y = {label}")


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
        lines.append(f"w ← w + {shown(p.factor)}·x = {vector(p.w)} + {shown(p.factor)} × {vector(p.x)} "
                     f"= {vector(w)}")
        if p.b is not None and b is not None:
            lines.append(f"b ← {shown(p.b)} + {shown(p.factor)} = {shown(b)}")
    new = score(*p.updated(), p.x)
    lines.append(f"new score on this input = {shown(new)} (it changed by {shown(new - p.score)})")
    return lines


@family(TOPIC, "The perceptron update and its effect", ("NAT", "MCQ", "MSQ"), (1, 2), group="paper")
def build(rng: random.Random, qtype: QuestionType, marks: int) -> Question:
    p = draw(rng, marks, mistake=qtype == "NAT" or rng.random() < 0.8)
    require(score(*p.updated(), p.x) != 0, "new score exactly 0 (on the step's boundary)")
    if qtype == "NAT":
        question = _component(rng, marks, p)
    elif qtype == "MCQ":
        question = _score_effect(rng, marks, p)
    else:
        question = _statements(rng, marks, p)
    return replace(question, extra=_extra(p))


def _component(rng: random.Random, marks: int, p: Setup) -> Question:
    """NAT: one component of the new weights, or the new bias."""
    index = rng.randrange(len(p.w) + (p.b is not None))
    name = f"w{index + 1}" if index < len(p.w) else "b"
    exact = _pick(p.updated(), index)
    require(exact != 0, "a zero answer")
    slips = [Slip(rational(_pick(p.updated(f), index) if f is not None else _pick((p.w, p.b), index)), why)
             for f, why in _factor_slips(p)]
    body = f"{describe(p)}. After one update, what is {name}?"
    return numeric_question(topic=TOPIC, qtype="NAT", marks=marks, body=body, exact=rational(exact),
                            steps=working(p), slips=slips, rng=rng)


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


def _score_effect(rng: random.Random, marks: int, p: Setup) -> Question:
    """MCQ: does the score w·x + b of the same input go up, down or stay? (with its new value)"""
    new = score(*p.updated(), p.x)
    correct = Choice(_effect(p.score, new), True, float(new))
    candidates = [Choice(_effect(p.score, score(*(p.updated(f) if f is not None else (p.w, p.b)), p.x)), False,
                         float(score(*(p.updated(f) if f is not None else (p.w, p.b)), p.x)), why)
                  for f, why in _factor_slips(p)]
    if p.b is not None and p.factor != 0:
        wrong = score(*p.updated(bias=False), p.x)
        candidates.append(Choice(_effect(p.score, wrong), False, float(wrong), "forgot to update the bias"))
    if p.factor != 0:
        wrong = p.score + p.factor
        candidates.append(Choice(_effect(p.score, wrong), False, float(wrong),
                                 f"took the score's change to be the multiplier {shown(p.factor)} alone "
                                 f"(it is the multiplier times x·x{' + 1' if p.b is not None else ''})"))
    body = f"{describe(p)}. After one update, what happens to the score w·x{' + b' if p.b is not None else ''} of this input?"
    return choice_question(topic=TOPIC, qtype="MCQ", marks=marks, body=body,
                           choices=four_apart(correct, candidates, 1e-9), steps=working(p), rng=rng)


def _effect(old: Fraction, new: Fraction) -> str:
    if new == old:
        return f"It is unchanged (it stays {shown(old)})"
    return f"It {'increases' if new > old else 'decreases'} from {shown(old)} to {shown(new)}"


def _statements(rng: random.Random, marks: int, p: Setup) -> Question:
    new_w, new_b = p.updated()
    new = score(new_w, new_b, p.x)
    k = rng.randrange(len(p.w))
    slips = [(f, why) for f, why in _factor_slips(p) if f is not None]
    f_slip, why = rng.choice(slips)
    choices = [
        _misclassified(p, rng),
        statement(f"After the update, w{k + 1} = {{}}", rational(new_w[k]),
                  Slip(rational(p.updated(f_slip)[0][k]), why), rng),
        statement("After the update, the score on this input is {}", rational(new),
                  Slip(rational(score(*p.updated(f_slip), p.x)), why), rng),
        _fixed(p, new),
    ]
    body = f"{describe(p)}. Consider one update. Which statements are true?"
    return choice_question(topic=TOPIC, qtype="MSQ", marks=marks, body=body, choices=some_true(choices),
                           steps=working(p), rng=rng)


def _misclassified(p: Setup, rng: random.Random) -> Choice:
    wrong = p.prediction != p.y
    if rng.random() < 0.5:
        return Choice("Before the update, the perceptron misclassifies this input", wrong,
                      mistake=None if wrong else "misread the score's sign (ŷ = y here)")
    return Choice("Before the update, the perceptron classifies this input correctly", not wrong,
                  mistake=None if not wrong else f"misread the score's sign (ŷ = {p.prediction} ≠ y = {p.y})")


def _fixed(p: Setup, new: Fraction) -> Choice:
    right = predict(p.form, new) == p.y
    mistake = None if right else ("assumed one update always fixes the prediction (the score moved toward "
                                  "the label but not past 0)" if p.factor != 0 else
                                  "thought the input is misclassified after the update")
    return Choice("After the update, the perceptron classifies this input correctly", right, mistake=mistake)


def _extra(p: Setup) -> dict[str, object]:
    return {"form": p.form, "x": [shown(v) for v in p.x], "w": [shown(v) for v in p.w],
            "b": None if p.b is None else shown(p.b), "y": p.y, "eta": shown(p.eta)}


# ---- perceptron-training: several samples, one or two passes, with the tie rule stated ----------------
#
# A separate topic, so every `perceptron` id keeps the question it gives today. The stem states the
# output for a score of exactly 0 (the trap of UGC NET Jun 2025 and of GATE DA 2025 Q22) and the
# learning rate. 1 mark: 2-3 samples, one pass, no bias. 2 marks: 3-4 samples with a bias, or 2 samples
# for two passes (the extra step: more updates to carry, and the bias). Slips, each a whole training
# run with one thing changed: the other tie rule, updating on correct samples (η·t·x every time),
# forgetting the bias, predicting every sample with the starting weights (a batch step), subtracting
# the update, stopping after the first pass.

TRAINING = "perceptron-training"
Vector = tuple[Fraction, ...]


@dataclass(frozen=True)
class Training:
    """Form "01": labels 0/1, w ← w + η(t − y)x. Form "pm1": labels ±1, on a mistake w ← w + η·t·x."""

    form: str
    samples: tuple[tuple[Vector, int], ...]
    w0: Vector
    b0: Fraction | None
    eta: Fraction
    tie: int  # the output for a score of exactly 0
    epochs: int


@dataclass(frozen=True)
class Run:
    w: Vector
    b: Fraction | None
    log: tuple[tuple[Fraction, int, bool], ...]  # per presentation: score, output, updated?


def unit_output(form: str, s: Fraction, tie: int) -> int:
    if s == 0:
        return tie
    return 1 if s > 0 else (0 if form == "01" else -1)


def train(p: Training, *, tie: int | None = None, always: bool = False, bias: bool = True,
          batch: bool = False, sign: int = 1, epochs: int | None = None) -> Run:
    """The training run; each keyword is one slip (the defaults give the true run)."""
    w, b, log = list(p.w0), p.b0, []
    for _ in range(epochs or p.epochs):
        start = (tuple(w), b)
        for x, t in p.samples:
            ws, bs = start if batch else (tuple(w), b)
            s = score(ws, bs, x)
            y = unit_output(p.form, s, p.tie if tie is None else tie)
            f = _multiplier(p, t, y, always) * sign
            w = [wi + f * xi for wi, xi in zip(w, x)]
            if b is not None and bias:
                b += f
            log.append((s, y, f != 0))
    return Run(tuple(w), b, tuple(log))


def _multiplier(p: Training, t: int, y: int, always: bool) -> Fraction:
    if always:
        return p.eta * t
    if p.form == "01":
        return p.eta * (t - y)
    return p.eta * t if t != y else Fraction(0)


def draw_training(rng: random.Random, marks: int) -> Training:
    form = rng.choice(("01", "01", "pm1"))
    two_passes = marks == 2 and rng.random() < 0.4
    count = 2 if two_passes else rng.choice((2, 3)) if marks == 1 else rng.choice((3, 4))
    binary = rng.random() < 0.6
    pool = [(a, c) for a in range(-2, 3) for c in range(-2, 3) if (a, c) != (0, 0) or binary]
    pool = [(a, c) for a, c in pool if not binary or (a in (0, 1) and c in (0, 1))]
    inputs = rng.sample(pool, count)
    labels = [rng.choice((0, 1)) if form == "01" else rng.choice((-1, 1)) for _ in inputs]
    require(len(set(labels)) == 2, "every sample has the same label")
    zero_start = rng.random() < 0.6
    w0 = tuple(Fraction(0) if zero_start else tenths(rng, -0.5, 0.5, nonzero_only=False) for _ in range(2))
    b0 = (Fraction(0) if zero_start else tenths(rng, -0.5, 0.5, nonzero_only=False)) if marks == 2 else None
    eta = rng.choice((Fraction(1, 10), Fraction(1, 2), Fraction(1), Fraction(1, 5)))
    tie = rng.choice((0, 1)) if form == "01" else rng.choice((-1, 1))
    samples = tuple((tuple(Fraction(v) for v in x), t) for x, t in zip(inputs, labels))
    return Training(form, samples, w0, b0, eta, tie, 2 if two_passes else 1)


def training_slips(p: Training) -> list[tuple[Run, str]]:
    other = {0: 1, 1: 0, -1: 1}[p.tie] if p.form == "01" else -p.tie
    slips = [(train(p, tie=other), f"took the output for a score of exactly 0 to be {other:+d}"
              if p.form == "pm1" else f"took the output for a score of exactly 0 to be {other}"),
             (train(p, always=True), "updated on every sample, the correctly classified ones too (w ← w + η·t·x)"),
             (train(p, batch=True), "predicted every sample with the starting weights (one batch update) "
                                    "instead of updating after each sample"),
             (train(p, sign=-1), "subtracted the update instead of adding it")]
    if p.b0 is not None:
        slips.append((train(p, bias=False), "forgot to update the bias"))
    if p.epochs == 2:
        slips.append((train(p, epochs=1), "stopped after the first pass"))
    return slips


def training_suitable(p: Training, strict: bool) -> bool:
    """An update happens and the answer is not the start; `strict` (most draws): the tie rule matters."""
    run = train(p)
    changed = any(updated for _, _, updated in run.log)
    ties = train(p, tie={0: 1, 1: 0, -1: 1}[p.tie] if p.form == "01" else -p.tie)
    matters = (ties.w, ties.b) != (run.w, run.b)
    return changed and (run.w, run.b) != (p.w0, p.b0) and (matters or not strict)


def describe_training(p: Training) -> str:
    bias = p.b0 is not None
    start = f"w = {vector(p.w0)}" + (f" and bias b = {shown(p.b0)}" if bias else " and no bias")
    plus_b = " + b" if bias else ""
    if p.form == "01":
        unit = f"It outputs y = 1 if w·x{plus_b} > 0 and y = 0 if w·x{plus_b} < 0; a score of exactly 0 gives y = {p.tie}."
        rule = f"After each sample it applies w ← w + η(t − y)x{', b ← b + η(t − y)' if bias else ''}"
    else:
        unit = (f"It outputs y = +1 if w·x{plus_b} > 0 and y = −1 if w·x{plus_b} < 0; a score of exactly 0 "
                f"gives y = {p.tie:+d}.")
        rule = f"After each sample it applies, only when y ≠ t, w ← w + η·t·x{', b ← b + η·t' if bias else ''}"
    data = ", ".join(f"x = {vector(x)} with t = {t if p.form == '01' else f'{t:+d}'}" for x, t in p.samples)
    passes = "one pass" if p.epochs == 1 else "two passes (epochs)"
    return (f"A perceptron starts with {start}. {unit} {rule}, with learning rate η = {shown(p.eta)}. "
            f"It is trained on the samples {data}, presented in this order, for {passes}.")


def training_working(p: Training) -> list[str]:
    run, lines = train(p), []
    w, b = list(p.w0), p.b0
    for index, (s, y, updated) in enumerate(run.log):
        x, t = p.samples[index % len(p.samples)]
        f = _multiplier(p, t, y, False)
        w = [wi + f * xi for wi, xi in zip(w, x)]
        b = None if b is None else b + f
        tie = " (exactly 0: the stated tie rule)" if s == 0 else ""
        what = (f"update by {shown(f)}·x: w = {vector(w)}" + (f", b = {shown(b)}" if b is not None else "")
                if updated else "correct, no change")
        label = f"{t:+d}" if p.form == "pm1" else str(t)
        output = f"{y:+d}" if p.form == "pm1" else str(y)
        lines.append(f"presentation {index + 1}: x = {vector(x)}, t = {label}: score {shown(s)}{tie}, "
                     f"y = {output}; {what}")
    lines.append(f"final w = {vector(run.w)}" + (f", b = {shown(run.b)}" if run.b is not None else ""))
    return lines


def _params(run: Run) -> list[Fraction]:
    return [*run.w, *([run.b] if run.b is not None else [])]


def _params_text(run: Run) -> str:
    return "(" + ", ".join(shown(v) for v in _params(run)) + ")"


@family(TRAINING, "Training a perceptron over several samples (tie rule stated)", ("NAT", "MCQ", "MSQ"),
        (1, 2), group="paper")
def build_training(rng: random.Random, qtype: QuestionType, marks: int) -> Question:
    p = draw_training(rng, marks)
    require(training_suitable(p, strict=rng.random() < 0.8), "no update, or the tie rule does not matter")
    if qtype == "NAT":
        question = _training_component(rng, marks, p)
    elif qtype == "MCQ":
        question = _training_vector(rng, marks, p)
    else:
        question = _training_statements(rng, marks, p)
    return replace(question, extra=_training_extra(p))


def _decimals(values: list[Fraction]) -> int:
    for places in range(4):
        if all((v * 10**places).denominator == 1 for v in values):
            return places
    return 3


def _training_component(rng: random.Random, marks: int, p: Training) -> Question:
    """NAT: one final weight (or the bias)."""
    run, slips = train(p), training_slips(p)
    names = ["w1", "w2"] + (["b"] if run.b is not None else [])
    index = rng.randrange(len(names))
    exact = _params(run)[index]
    require(exact != 0, "a zero answer")
    wrong = [named(_params(r)[index], why) for r, why in slips]
    places = _decimals([exact] + [_params(r)[index] for r, _ in slips])
    body = f"{describe_training(p)} What is {names[index]} after training?"
    return numeric("NAT", topic=TRAINING, marks=marks, body=body, exact=rational(exact), slips=wrong,
                   places=min(places, 3), steps=training_working(p))


def _training_vector(rng: random.Random, marks: int, p: Training) -> Question:
    """MCQ: the final (w1, w2) or (w1, w2, b), options from whole wrong training runs."""
    run, slips = train(p), training_slips(p)
    what = "(w1, w2, b)" if run.b is not None else "(w1, w2)"
    places = _decimals(_params(run) + [v for r, _ in slips for v in _params(r)])
    body = f"{describe_training(p)} After training, {what} is"
    return vector_mcq(topic=TRAINING, marks=marks, body=body, key=_params(run),
                      slips=[named(_params(r), why) for r, why in slips], places=places,
                      steps=training_working(p), rng=rng, exact=True)


def _training_statements(rng: random.Random, marks: int, p: Training) -> Question:
    run, slips = train(p), training_slips(p)
    tie_run, tie_why = slips[0]
    changes = sum(1 for _, _, updated in run.log if updated)
    tie_changes = sum(1 for _, _, updated in tie_run.log if updated)
    what = "(w1, w2, b)" if run.b is not None else "(w1, w2)"
    slip_run, slip_why = rng.choice([(r, why) for r, why in slips if _params(r) != _params(run)])
    choices = [
        _coin(rng, f"The weights change on exactly {changes} of the {len(run.log)} presentations",
              f"The weights change on exactly {tie_changes} of the {len(run.log)} presentations",
              tie_changes != changes, tie_why),
        _coin(rng, f"After training, {what} = {_params_text(run)}", f"After training, {what} = {_params_text(slip_run)}",
              True, slip_why),
        _all_correct(p, run),
        _tie_at(rng, p, run),
    ]
    body = f"{describe_training(p)} Which statements are true?"
    return choice_question(topic=TRAINING, qtype="MSQ", marks=marks, body=body, choices=some_true(choices),
                           steps=training_working(p), rng=rng)


def _coin(rng: random.Random, true_text: str, false_text: str, can_be_false: bool, why: str) -> Choice:
    if can_be_false and rng.random() < 0.5:
        return Choice(false_text, False, mistake=why)
    return Choice(true_text, True)


def _all_correct(p: Training, run: Run) -> Choice:
    """Computed: does the final unit give every sample its label (same tie rule)?"""
    right = all(unit_output(p.form, score(run.w, run.b, x), p.tie) == t for x, t in p.samples)
    text = "After training, the perceptron gives every training sample its label t"
    return Choice(text, right, mistake=None if right else "assumed training fixes every sample (check the "
                                                          "final weights on each one)")


def _tie_at(rng: random.Random, p: Training, run: Run) -> Choice:
    index = rng.randrange(len(run.log))
    s = run.log[index][0]
    text = f"When presentation {index + 1} (x = {vector(p.samples[index % len(p.samples)][0])}) is shown, its score is exactly 0"
    return Choice(text, s == 0, mistake=None if s == 0 else f"lost track of the weights (the score there is {shown(s)})")


def _training_extra(p: Training) -> dict[str, object]:
    return {"form": p.form, "samples": [[[shown(v) for v in x], t] for x, t in p.samples],
            "w0": [shown(v) for v in p.w0], "b0": None if p.b0 is None else shown(p.b0), "eta": shown(p.eta),
            "tie": p.tie, "epochs": p.epochs}


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
                f"w = {vector(u.w)} and {bias}; it outputs y = sign(w·x + b). The input is x = {vector(u.x)}.")
    return (f"A threshold unit has weights W = {vector(u.w)} and threshold T = {shown(u.b)}: it outputs 1 when "
            f"the weighted sum W·x reaches T (W·x ≥ T) and 0 otherwise. The input is x = {vector(u.x)}.")


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


@family(OUTPUT, "The output of a sign or threshold perceptron (and a 2-2-1 step network)", ("MCQ", "MSQ"),
        (1, 2), group="paper")
def build_output(rng: random.Random, qtype: QuestionType, marks: int) -> Question:
    if marks == 2:
        return _network_question(rng, qtype)
    u = draw_unit(rng)
    require(unit_suitable(u), "a sum on a boundary or next to an output value")
    if qtype == "MCQ":
        key = Fraction(u.out(u.net))
        places = _decimals([key] + [v for v, _ in unit_slips(u)])
        question = numeric("MCQ", topic=OUTPUT, marks=1, body=f"{describe_unit(u)} What is the output y?",
                           exact=rational(key), slips=[named(v, why) for v, why in unit_slips(u)],
                           places=places, steps=unit_working(u), rng=rng, fmt=exact_text)
    else:
        question = _unit_statements(rng, u)
    return replace(question, extra={"kind": u.kind, "w": [shown(v) for v in u.w], "x": [shown(v) for v in u.x],
                                    "b": shown(u.b)})


def _unit_statements(rng: random.Random, u: Unit) -> Question:
    key = u.out(u.net)
    wrong_sum, sum_why = (dot(u.w, u.x), "left out the bias b") if u.kind == "sign" and u.b != 0 else \
        (u.net - u.w[0] * u.x[0], "left out the term w1x1")
    label = "w·x + b" if u.kind == "sign" else "W·x"
    flip = [(v, why) for v, why in unit_slips(u) if v in (-1, 0, 1)]
    doubled = u.out(2 * dot(u.w, u.x) + (u.b if u.kind == "sign" else 0))
    choices = [
        statement(f"The weighted sum {label} is {{}}", rational(u.net), Slip(rational(wrong_sum), sum_why), rng),
        statement("The output y is {}", sp.Integer(key), Slip(rational(flip[0][0]), flip[0][1]) if flip else None, rng),
        _doubling(u, doubled == key),
        _boundary_claim(u),
    ]
    body = f"{describe_unit(u)} Which statements are true?"
    return choice_question(topic=OUTPUT, qtype="MSQ", marks=1, body=body, choices=some_true(choices),
                           steps=unit_working(u), rng=rng)


def _doubling(u: Unit, same: bool) -> Choice:
    text = "Doubling every input (x → 2x) leaves the output unchanged"
    why = ("assumed scaling the input cannot change a threshold unit's output (it can when there is a bias "
           "or a threshold)")
    return Choice(text, same, mistake=None if same else why)


def _boundary_claim(u: Unit) -> Choice:
    """Computed: would the output change if the bias (or threshold) were 0?"""
    wx = dot(u.w, u.x)
    changes = u.out(wx) != u.out(u.net) if u.kind == "sign" else (1 if wx >= 0 else 0) != u.out(u.net)
    what = "bias b" if u.kind == "sign" else "threshold T"
    text = f"With the {what} set to 0, the output would be different"
    mistake = f"thought the {what} decides the output here (the output is the same without it)"
    return Choice(text, changes, mistake=None if changes else mistake)


@dataclass(frozen=True)
class StepNet:
    """h_j = step(W_j·x + b_j) for j = 1, 2; y = step(v·h + c); step(z) = 1 for z > 0, `tie` at z = 0."""

    W: tuple[tuple[int, int], tuple[int, int]]
    b: tuple[int, int]
    v: tuple[int, int]
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
            (net_column(n, swap_v=True), "paired the output weights with the wrong hidden units (v1 with h2)")]


def draw_net(rng: random.Random) -> StepNet:
    W = tuple(tuple(rng.choice((-2, -1, 1, 2)) for _ in range(2)) for _ in range(2))
    return StepNet(W, tuple(rng.randint(-2, 1) for _ in range(2)), tuple(rng.choice((-2, -1, 1, 2)) for _ in range(2)),
                   rng.randint(-2, 1), rng.choice((0, 1)))  # type: ignore[arg-type]


def net_suitable(n: StepNet) -> bool:
    """Distinct hidden rows, an output that depends on both inputs, and a tie somewhere that matters."""
    col = net_column(n)
    both = col[0] != col[2] or col[1] != col[3], col[0] != col[1] or col[2] != col[3]
    return n.W[0] != n.W[1] and all(both) and net_column(n, tie=1 - n.tie) != col


def describe_net(n: StepNet) -> str:
    return (f"A 2-2-1 network of step units takes binary inputs x = (x1, x2). Hidden unit j computes "
            f"h_j = step(W_j·x + b_j) with W = {matrix(n.W)} (row j feeds h_j) and b = {vector(n.b)}; the output "
            f"is y = step(v1h1 + v2h2 + c) with v = {vector(n.v)} and c = {n.c}. Here step(z) = 1 for z > 0, "
            f"step(z) = 0 for z < 0, and step(0) = {n.tie}.")


def net_working(n: StepNet) -> list[str]:
    lines = []
    for x in INPUTS4:
        pre = [row[0] * x[0] + row[1] * x[1] + bj for row, bj in zip(n.W, n.b)]
        h = [step(z, n.tie) for z in pre]
        out = n.v[0] * h[0] + n.v[1] * h[1] + n.c
        lines.append(f"x = {vector(x)}: W·x + b = {vector(pre)}, h = {vector(h)}; v·h + c = {out}, "
                     f"y = {step(out, n.tie)}")
    return lines


def column_text(col: Sequence[int]) -> str:
    return "(" + ", ".join(map(str, col)) + ")"


def _network_question(rng: random.Random, qtype: QuestionType) -> Question:
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
        choices = [Choice(column_text(key), True)] + [Choice(column_text(c), False, mistake=why) for c, why in slips[:3]]
        body = f"{describe_net(n)} What are {ask}?"
    else:
        choices = _net_statements(rng, n, key, slips)
        body = f"{describe_net(n)} Which statements about the network's output y are true?"
    question = choice_question(topic=OUTPUT, qtype=qtype, marks=2, body=body, choices=choices,
                               steps=net_working(n), rng=rng)
    return replace(question, extra={"W": [list(r) for r in n.W], "b": list(n.b), "v": list(n.v), "c": n.c,
                                    "tie": n.tie})


def _net_statements(rng: random.Random, n: StepNet, key: tuple[int, ...],
                    slips: list[tuple[tuple[int, ...], str]]) -> list[Choice]:
    """Four claims "y = v at x", each true, or false with the slip that gives that value."""
    choices = []
    for i in rng.sample(range(4), 4):
        wrong = [(c, why) for c, why in slips if c[i] != key[i]]
        if wrong and rng.random() < 0.5:
            choices.append(Choice(f"At x = {vector(INPUTS4[i])}, y = {wrong[0][0][i]}", False, mistake=wrong[0][1]))
        else:
            choices.append(Choice(f"At x = {vector(INPUTS4[i])}, y = {key[i]}", True))
    require(any(not c.correct for c in choices), "every statement true")
    return some_true(choices)
