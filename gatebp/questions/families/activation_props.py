"""Family `activation-properties`: MSQ/MCQ statements about ReLU, leaky ReLU, sigmoid, tanh, linear.

The paper asks which properties hold (ReLU is continuous but not differentiable at 0; σ' ≤ 1/4;
sigmoid and tanh saturate; a ReLU unit can die). Every option is an `activation` claim (plain data:
the activation, the property and its parameters) DECIDED by SymPy from the activation's definition:
one-sided limits of difference quotients, limits at ±∞, the critical points of the derivative,
solving f' = 0 on a half-line; never read from a table of answers. The decider's reason is one
sentence a student reads ("ReLU has a corner at 0: its slope is 0 just left of 0 but 1 just right").

1 mark: four statements about one activation, each a different property. 2 marks: two activations,
and one statement always combines two facts (the ratio of their largest slopes, or the bound a chain
of k layers puts on the gradient): the extra reasoning step. The facts are cached per activation
(functools.lru_cache), so only the first use of each costs SymPy time.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache, cached_property

import sympy as sp

from gatebp.core.step import Step
from gatebp.gate.question import QuestionType
from gatebp.questions.families._claimkit import claimed
from gatebp.questions.families.activation_facts import (
    ACTIVATIONS,
    CALL,
    DEFINITIONS,
    PRIME,
    UNIT,
    F,
    _num,
    _set,
    activation_claim,
    derivative_sup,
    differentiable,
    output_range,
    range_data,
    side_derivative,
    truth,
)
from gatebp.questions.families.base import family
from gatebp.questions.families.common import Choice, listing, require
from gatebp.questions.problem import Problem, fixed_choices

TOPIC = "activation-properties"


# ---- statements: the words, the claim, and the slip behind a false one ---------------------------

@dataclass(frozen=True)
class Statement:
    """One option: its text, its claim, and the slip that makes a student believe it when false."""

    text: str
    claim: dict[str, object]
    mistake: str
    group: str  # activation and kind: one option per group, so no two options test one fact

    @cached_property
    def true(self) -> bool:
        return truth(self.claim)[0]

    def choice(self) -> Choice:
        return claimed(capital(self.text), self.claim, self.true, self.mistake)


def capital(text: str) -> str:
    """A sentence that starts with an English word starts with a capital ("The identity is ...");
    one that starts with a function's name keeps it as written (σ, tanh, leaky ReLU)."""
    first = text.split(" ", 1)[0]
    return text[:1].upper() + text[1:] if first in ("the", "each", "a", "an", "in") else text


def _smooth(name: str) -> bool:
    return differentiable(name, 0)


@cache
def continuity_statements(name: str) -> list[Statement]:
    corner = "confused the corner at 0 with a jump" if not _smooth(name) else f"missed that {F[name]} has no jump anywhere"
    return [Statement(f"{F[name]} is continuous at z = 0", activation_claim(name, "continuous", point=0),
                      "thought a corner breaks continuity", f"{name}:continuity"),
            Statement(f"{F[name]} is discontinuous at z = 0", activation_claim(name, "continuous", False, point=0),
                      corner, f"{name}:continuity")]


@cache
def differentiability_statements(name: str) -> list[Statement]:
    left, right = side_derivative(name, 0, "-"), side_derivative(name, 0, "+")
    return [Statement(f"{F[name]} is differentiable at z = 0", activation_claim(name, "differentiable", point=0),
                      f"took continuity for differentiability (the slopes on the two sides are {_num(left)} and "
                      f"{_num(right)})", f"{name}:derivative"),
            Statement(f"{F[name]} is not differentiable at z = 0",
                      activation_claim(name, "differentiable", False, point=0),
                      f"saw a corner at 0 that {F[name]} does not have", f"{name}:derivative")]


@cache
def range_statements(name: str) -> list[Statement]:
    out, seen = [], []
    for other in dict.fromkeys([name, *ACTIVATIONS]):
        interval = output_range(other)
        if interval in seen:
            continue
        seen.append(interval)
        out.append(Statement(f"The set of outputs of {F[name]} is exactly {_set(interval)}",
                             activation_claim(name, "range", range=range_data(interval)),
                             f"gave {F[name]} the range of {F[other]}", f"{name}:range"))
    return out


@cache
def monotone_statements(name: str) -> list[Statement]:
    return [Statement(f"{F[name]} is strictly increasing on ℝ", activation_claim(name, "strictly-increasing"),
                      f"missed that {F[name]} is constant where its slope is 0", f"{name}:monotone"),
            Statement(f"{F[name]} is non-decreasing on ℝ", activation_claim(name, "non-decreasing"),
                      f"thought {F[name]} decreases somewhere", f"{name}:monotone")]


PEAKS = {sp.Rational(1, 4): "the sigmoid's", sp.S.One: "tanh's"}


@cache
def slope_statements(name: str) -> list[Statement]:
    """Bounds on f' and its largest value; each false one is another activation's number."""
    sup = derivative_sup(name)[0]
    where = "for every z" if _smooth(name) else "for every z ≠ 0"
    out = []
    for bound in (sp.Rational(1, 4), sp.Rational(1, 2), sp.S.One):
        if bound not in PEAKS and name != "sigmoid":
            continue  # no activation peaks at 1/2: a false "≤ 1/2" would test no real slip
        borrowed = PEAKS.get(bound, "σ(0)'s")
        out.append(Statement(f"{PRIME[name]} ≤ {bound} {where}", activation_claim(name, "derivative-at-most", bound=str(bound)),
                             f"gave {F[name]} {borrowed} bound {bound} (the largest {PRIME[name]} is {_num(sup)})",
                             f"{name}:slope"))
        out.append(Statement(f"The largest value of {PRIME[name]} is {bound}",
                             activation_claim(name, "derivative-max", value=str(bound)),
                             "took σ(0) = 1/2 for the peak of σ′" if bound == sp.Rational(1, 2)
                             else f"gave {F[name]} {borrowed} peak slope {bound}", f"{name}:slope"))
    return out


@cache
def saturation_statements(name: str) -> list[Statement]:
    words = {"+": "as z → +∞", "-": "as z → −∞", "both": "at both ends"}
    return [Statement(f"{F[name]} saturates {phrase}: its slope tends to 0 "
                      + ("as z → −∞ and as z → +∞" if end == "both" else "there"),
                      activation_claim(name, "saturates", end=end),
                      f"thought {F[name]} flattens out {phrase}", f"{name}:saturation")
            for end, phrase in words.items()]


@cache
def dead_statements(name: str) -> list[Statement]:
    return [Statement(f"A {UNIT[name]} unit whose input z is negative for every example passes no gradient back to its "
                      f"weights (it can 'die')", activation_claim(name, "dies"),
                      f"thought {F[name]} can die (its slope for z < 0 is not 0)", f"{name}:dead")]


KINDS: tuple[Callable[[str], list[Statement]], ...] = (
    continuity_statements, differentiability_statements, range_statements, monotone_statements,
    slope_statements, saturation_statements, dead_statements)


def derived_statements(names: list[str], rng: random.Random) -> list[Statement]:
    """2-mark statements that combine two facts: a ratio of peak slopes, or a bound over k layers."""
    return list(ratio_statements(*names)) + list(chain_statements(rng.choice(names), rng.choice((2, 3))))


@cache
def ratio_statements(first: str, second: str) -> tuple[Statement, ...]:
    """"The largest value of tanh'(z) is 4 times the largest value of σ'(z)", and its two slips."""
    if derivative_sup(first)[0] == derivative_sup(second)[0]:
        return ()
    ratio = derivative_sup(first)[0] / derivative_sup(second)[0]
    return tuple(Statement(f"The largest value of {PRIME[first]} is {_num(shown)} times the largest value of "
                           f"{PRIME[second]}", activation_claim(first, "sup-ratio", other=second, ratio=str(shown)),
                           slip, "derived")
                 for shown, slip in ((ratio, ""), (1 / ratio, "inverted the comparison"),
                                     (ratio / 2 if ratio > 1 else ratio * 2, "used σ(0) = 1/2 in place of σ′(0) = 1/4")))


@cache
def chain_statements(name: str, k: int) -> tuple[Statement, ...]:
    """Bounds on |∂ak/∂z1| through k layers: the tight one, a weaker true one, and three slips."""
    sup, out = derivative_sup(name)[0], []
    for bound, tight, slip in ((sup**k, True, ""), (sup ** (k - 1), True, f"counted {k - 1} layers instead of {k}"),
                               (sup ** (k - 1), False, ""), (sup ** (k + 1), False, f"counted {k + 1} layers instead of {k}"),
                               (sp.Rational(1, 4) ** k, False, f"gave {F[name]} the sigmoid's per-layer bound 1/4")):
        if bound == sup**k and slip:
            continue
        how = "the smallest bound on" if tight else "a bound on"
        sub = str(k).translate(str.maketrans("0123456789", "₀₁₂₃₄₅₆₇₈₉"))
        out.append(Statement(f"In a chain of {k} {UNIT[name]} layers aᵢ = {CALL[name]}(zᵢ), "
                             f"zᵢ₊₁ = wᵢ₊₁aᵢ + bᵢ₊₁, with every |w| ≤ 1, {_num(bound)} is {how} "
                             f"|∂a{sub}/∂z₁| that holds over every input z₁, every bias and every such weight",
                             activation_claim(name, "chain-bound", layers=k, bound=str(bound), tight=tight),
                             slip or "misjudged the bound", "derived"))
    return tuple(out)


# ---- the family ---------------------------------------------------------------------------------

def _chosen(rng: random.Random, marks: int) -> list[str]:
    """1 mark: one activation (ReLU or sigmoid most often, as the paper asks); 2 marks: two."""
    if marks == 1:
        return [rng.choice(("relu", "relu", "sigmoid", "tanh", "leaky_relu"))]
    return rng.sample(("relu", "sigmoid", "tanh", "leaky_relu", "linear"), 2)


def _groups(names: list[str], marks: int, rng: random.Random) -> list[list[Statement]]:
    groups = [kind(name) for name in names for kind in KINDS]
    return groups + ([derived_statements(names, rng)] if marks == 2 else [])


def _pick(groups: list[list[Statement]], qtype: QuestionType, marks: int, rng: random.Random) -> list[Statement]:
    """Four statements from four groups. MCQ: one true and three false; MSQ: at least one true and
    one false. A 2-mark item always includes a derived statement (the extra reasoning step), as the
    key or as a distractor alike."""
    order = list(groups)
    rng.shuffle(order)
    if marks == 2:
        order.remove(groups[-1])
        order.insert(0, groups[-1])
    if qtype == "MSQ":
        picked = [rng.choice(g) for g in order[:4]]
        require(any(s.true for s in picked) and not all(s.true for s in picked), "all four alike")
        return picked
    keyed = order[0] if marks == 2 and rng.random() < 0.5 else rng.choice([g for g in order if any(s.true for s in g)])
    rest = [g for g in order if g is not keyed and any(not s.true for s in g)][:3]
    require(len(rest) == 3 and (marks == 1 or order[0] in (keyed, *rest)), "not enough false statements")
    return [rng.choice([s for s in keyed if s.true])] + [rng.choice([s for s in g if not s.true]) for g in rest]


def _stem(names: list[str], qtype: QuestionType) -> str:
    """The stem: "Consider the sigmoid σ(z) = 1/(1 + e^(−z)) and ReLU(z) = max(0, z), for z ∈ ℝ. ..."."""
    defined = listing(DEFINITIONS[n] for n in names)
    ask = ("Which one of the following statements is correct?" if qtype == "MCQ"
           else "Which of the following statements is/are correct?")
    return f"Consider {defined}, for z ∈ ℝ. {ask}"


def _working(names: list[str], picked: list[Statement]) -> list[Step | str]:
    """One fact per property the options touch, activation by activation (typed `verdict`: each
    settles an option, so hints never show it)."""
    lines: list[Step | str] = []
    for statement in sorted(picked, key=lambda s: (s.group == "derived", names.index(str(s.claim["activation"])))):
        line = capital(truth(statement.claim)[1]) + "."
        if line not in [step.text for step in lines if isinstance(step, Step)]:
            lines.append(Step("verdict", line))  # a fact that settles an option: never shown as a hint
    return lines


@family(TOPIC, "Properties of activations (continuity, derivatives, range, saturation)", ("MSQ", "MCQ"),
        (1, 2), group="paper")
def build(rng: random.Random, qtype: QuestionType, marks: int) -> Problem:
    names = _chosen(rng, marks)
    picked = _pick(_groups(names, marks, rng), qtype, marks, rng)
    return fixed_choices(topic=TOPIC, qtype=qtype, marks=marks, body=_stem(names, qtype),
                         choices=[s.choice() for s in picked], steps=_working(names, picked),
                         extra={"activations": names})
