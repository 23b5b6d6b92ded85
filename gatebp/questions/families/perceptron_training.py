"""Family `perceptron-training`: a perceptron trained over several samples, with the tie rule stated."""

from __future__ import annotations

import random
from collections.abc import Mapping
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

from gatebp.gate.question import QuestionType
from gatebp.questions.claims import ClaimError, Context, Verdict, decider
from gatebp.questions.families._claims import named
from gatebp.questions.families._posed import fact_choice, problem, slips_of, vector_choices
from gatebp.questions.families.base import family
from gatebp.questions.families.choice import Choice
from gatebp.questions.families.common import (
    minus,
    rational,
    require,
    shown,
    some_true,
    tenths,
    vec,
)
from gatebp.questions.families.perceptron import score
from gatebp.questions.problem import Problem, Statements

# ---- perceptron-training: several samples, one or two passes, with the tie rule stated ----------------
#
# A separate topic, so every `perceptron` id keeps the question it gives today. The stem states the
# output for a score of exactly 0 (the trap of UGC NET Jun 2025 and of GATE DA 2025 Q22) and the
# learning rate. 1 mark: 2-3 samples, one pass, no bias. 2 marks: 3-4 samples with a bias, or 2 samples
# for two passes (the extra step: more updates to carry, and the bias). Slips, each a whole training
# run with one thing changed: the other tie rule, updating on correct samples (η·t·x every time),
# forgetting the bias, predicting every sample with the starting weights (a batch step), subtracting
# the update, stopping after the first pass. Every MCQ/MSQ option is a `perceptron-training` claim
# (the final parameters, the number of updates, a tie, every sample right) replayed from `extra`.

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
    start = f"w = {vec(p.w0)}" + (f" and bias b = {shown(p.b0)}" if bias else " and no bias")
    plus_b = " + b" if bias else ""
    if p.form == "01":
        unit = f"It outputs y = 1 if w·x{plus_b} > 0 and y = 0 if w·x{plus_b} < 0; a score of exactly 0 gives y = {p.tie}."
        rule = f"After each sample it applies w ← w + η(t − y)x{', b ← b + η(t − y)' if bias else ''}"
    else:
        unit = (f"It outputs y = +1 if w·x{plus_b} > 0 and y = −1 if w·x{plus_b} < 0; a score of exactly 0 "
                f"gives y = {p.tie:+d}.")
        rule = f"After each sample it applies, only when y ≠ t, w ← w + η·t·x{', b ← b + η·t' if bias else ''}"
    data = ", ".join(f"x = {vec(x)} with t = {t if p.form == '01' else f'{t:+d}'}" for x, t in p.samples)
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
        what = (f"update by {shown(f)}·x: w = {vec(w)}" + (f", b = {shown(b)}" if b is not None else "")
                if updated else "correct, no change")
        label = f"{t:+d}" if p.form == "pm1" else str(t)
        output = f"{y:+d}" if p.form == "pm1" else str(y)
        lines.append(f"presentation {index + 1}: x = {vec(x)}, t = {label}: score {shown(s)}{tie}, "
                     f"y = {output}; {what}")
    lines.append(f"final w = {vec(run.w)}" + (f", b = {shown(run.b)}" if run.b is not None else ""))
    return lines


def _params(run: Run) -> list[Fraction]:
    return [*run.w, *([run.b] if run.b is not None else [])]


def _params_text(run: Run) -> str:
    return minus("(" + ", ".join(shown(v) for v in _params(run)) + ")")


def train_claim(what: str, **data: object) -> dict[str, object]:
    """A claim about the stated training run, recomputed by the decider from `extra`."""
    return {"kind": "perceptron-training", "what": what, **data}


@family(TRAINING, "Training a perceptron over several samples (tie rule stated)", ("NAT", "MCQ", "MSQ"),
        (1, 2), group="paper")
def build_training(rng: random.Random, qtype: QuestionType, marks: int) -> Problem:
    p = draw_training(rng, marks)
    require(training_suitable(p, strict=rng.random() < 0.8), "no update, or the tie rule does not matter")
    run, slips = train(p), training_slips(p)
    names = ["w1", "w2"] + (["b"] if run.b is not None else [])
    index = rng.randrange(len(names))
    exact = _params(run)[index]
    require(qtype != "NAT" or exact != 0, "a zero answer")
    places = min(decimals([exact] + [_params(r)[index] for r, _ in slips]), 3)
    return problem(topic=TRAINING, marks=marks, body=f"{describe_training(p)} The value of ${names[index]}$ after training is",
                   exact=rational(exact), slips=slips_of([named(_params(r)[index], why) for r, why in slips]),
                   places=places, steps=training_working(p), extra=_training_extra(p),
                   options=lambda r: _training_vector(p), statements=lambda r: _training_statements(r, p))


def decimals(values: list[Fraction]) -> int:
    for places in range(4):
        if all((v * 10**places).denominator == 1 for v in values):
            return places
    return 3


def _training_vector(p: Training) -> Statements:
    """MCQ: the final (w1, w2) or (w1, w2, b), options from whole wrong training runs."""
    run, slips = train(p), training_slips(p)
    what = "(w₁, w₂, b)" if run.b is not None else "(w₁, w₂)"
    places = decimals(_params(run) + [v for r, _ in slips for v in _params(r)])

    def claim(values: tuple[float, ...]) -> dict[str, object]:
        return train_claim("final", values=[str(Fraction(v).limit_denominator(1000)) for v in values])

    choices = vector_choices(_params(run), [named(_params(r), why) for r, why in slips], places, claim, exact=True)
    return Statements(body=f"{describe_training(p)} After training, {what} is", choices=choices,
                      steps=training_working(p))


def _training_statements(rng: random.Random, p: Training) -> Statements:
    run, slips = train(p), training_slips(p)
    tie_run, tie_why = slips[0]
    changes = sum(1 for _, _, updated in run.log if updated)
    tie_changes = sum(1 for _, _, updated in tie_run.log if updated)
    what = "(w₁, w₂, b)" if run.b is not None else "(w₁, w₂)"
    slip_run, slip_why = rng.choice([(r, why) for r, why in slips if _params(r) != _params(run)])
    count = tie_changes if tie_changes != changes and rng.random() < 0.5 else changes
    final = slip_run if rng.random() < 0.5 else run
    choices = [
        fact_choice(f"The weights change on exactly {count} of the {len(run.log)} presentations",
                    train_claim("changes", count=count), count == changes, tie_why),
        fact_choice(f"After training, {what} = {_params_text(final)}",
                    train_claim("final", values=[str(v) for v in _params(final)]), final is run, slip_why),
        _all_correct(p, run),
        _tie_at(rng, p, run),
    ]
    return Statements(body=f"{describe_training(p)} Which of the following statements is/are correct?", choices=some_true(choices),
                      steps=training_working(p))


def _all_correct(p: Training, run: Run) -> Choice:
    """Computed: does the final unit give every sample its label (same tie rule)?"""
    right = all(unit_output(p.form, score(run.w, run.b, x), p.tie) == t for x, t in p.samples)
    return fact_choice("After training, the perceptron gives every training sample its label t",
                       train_claim("all-correct"), right,
                       "assumed training fixes every sample (check the final weights on each one)")


def _tie_at(rng: random.Random, p: Training, run: Run) -> Choice:
    index = rng.randrange(len(run.log))
    s = run.log[index][0]
    text = f"When presentation {index + 1} (x = {vec(p.samples[index % len(p.samples)][0])}) is shown, its score is exactly 0"
    return fact_choice(text, train_claim("tie-at", index=index + 1), s == 0,
                       f"lost track of the weights (the score there is {shown(s)})")


def _training_extra(p: Training) -> dict[str, object]:
    return {"form": p.form, "samples": [[[shown(v) for v in x], t] for x, t in p.samples],
            "w0": [shown(v) for v in p.w0], "b0": None if p.b0 is None else shown(p.b0), "eta": shown(p.eta),
            "tie": p.tie, "epochs": p.epochs}


@decider("perceptron-training")
def _decide(claim: Mapping[str, Any], context: Context) -> Verdict:
    """The stated training run replayed from `extra`: each sample in order, the stated tie rule."""
    e, what = context.extra or {}, str(claim["what"])
    w, b = [Fraction(v) for v in e["w0"]], None if e.get("b0") is None else Fraction(e["b0"])
    eta, tie, form = Fraction(e["eta"]), int(e["tie"]), str(e["form"])
    scores, changed = [], 0
    for _ in range(int(e["epochs"])):
        for xs, t in e["samples"]:
            x = [Fraction(v) for v in xs]
            s = sum((a * c for a, c in zip(w, x)), Fraction(0)) + (b or 0)
            y = tie if s == 0 else (1 if s > 0 else (0 if form == "01" else -1))
            f = eta * (t - y) if form == "01" else (eta * t if y != t else Fraction(0))
            w, b = [a + f * c for a, c in zip(w, x)], None if b is None else b + f
            scores.append(s)
            changed += f != 0
    final = [*w, *([b] if b is not None else [])]
    if what == "final":
        return Verdict(final == [Fraction(str(v)) for v in claim["values"]],
                       f"the final parameters are ({', '.join(shown(v) for v in final)})")
    if what == "changes":
        return Verdict(changed == int(claim["count"]), f"the weights change on {changed} of the {len(scores)} presentations")
    if what == "tie-at":
        s = scores[int(claim["index"]) - 1]
        return Verdict(s == 0, f"the score at presentation {claim['index']} is {shown(s)}")
    if what == "all-correct":
        def out(x: list[Fraction]) -> int:
            s = sum((a * c for a, c in zip(w, x)), Fraction(0)) + (b or 0)
            return tie if s == 0 else (1 if s > 0 else (0 if form == "01" else -1))
        right = all(out([Fraction(v) for v in xs]) == t for xs, t in e["samples"])
        return Verdict(right, "every sample gets its label" if right else "some sample is still misclassified")
    raise ClaimError(f"unknown perceptron-training claim {what!r}")
