"""Family `gradient-clipping`: clipping a gradient by its norm, the tutorial's cure for exploding gradients.

The rule: if ‖g‖ > c then g ← g·c/‖g‖, else g is left as it is (clipping only ever shrinks).
Gradients are integer vectors with integer lengths (3-4-5, 1-2-2, 2-3-6, ...), so the norm is found
by hand; c is chosen below the norm in most draws and above it in the rest (then the answer is the
gradient unchanged, which is the point of those draws).
1 mark: one gradient vector. 2 marks: global-norm clipping over two tensors (∂L/∂W and ∂L/∂b, as
deep-learning libraries clip all parameters together): the extra step is the norm over both.
Slips: clipping each entry to [−c, c] instead of scaling, rescaling to length c when ‖g‖ ≤ c,
dividing by ‖g‖², the L1 norm, the inverted ratio ‖g‖/c, clipping each tensor by its own norm.
Every MCQ/MSQ option is a `clipping` claim the decider recomputes from the stated g and c (exact
arithmetic); the NAT key is the clipped entry.
"""

from __future__ import annotations

import math
import random
from collections.abc import Mapping
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

import sympy as sp

from gatebp.gate.question import QuestionType
from gatebp.network.steps import short
from gatebp.questions.claims import ClaimError, Context, Verdict, decider, rounds_to
from gatebp.questions.families._claims import Named, named
from gatebp.questions.families._posed import fact_choice, one_sided, problem, slips_of, valued_choice, vector_choices
from gatebp.questions.families.base import family
from gatebp.questions.families.common import rational, require, rounded_note, rounded_words, shown, vec, vector
from gatebp.questions.problem import Problem, Statements

TOPIC = "gradient-clipping"
TRIPLES = ((3, 4, 0, 5), (6, 8, 0, 10), (5, 12, 0, 13), (1, 2, 2, 3), (2, 3, 6, 7), (2, 6, 9, 11), (4, 4, 7, 9),
           (1, 4, 8, 9), (2, 10, 11, 15), (4, 8, 8, 12))
Vec = tuple[Fraction, ...]


@dataclass(frozen=True)
class Clip:
    g: Vec  # all parameters' gradient entries, in order
    split: int  # entries [0, split) are ∂L/∂W, the rest ∂L/∂b (0: one tensor only)
    c: Fraction
    norm: Fraction  # exact: the vectors have integer lengths


def draw(rng: random.Random, marks: int) -> Clip:
    a, b, d, n = rng.choice([t for t in TRIPLES if marks == 1 or t[2]])
    entries = [v * rng.choice((1, -1)) for v in (a, b, d) if v]
    rng.shuffle(entries)
    scale = rng.choice((Fraction(1), Fraction(1, 10), Fraction(1, 2)))
    g = tuple(Fraction(v) * scale for v in entries)
    norm = n * scale
    below = rng.random() < 0.2
    c = _above(rng, norm) if below else _threshold(rng, norm)
    require(c != norm, "the threshold equals the norm")
    return Clip(g, 2 if marks == 2 else 0, c, norm)


def _above(rng: random.Random, norm: Fraction) -> Fraction:
    """A round threshold above the norm (then nothing is clipped)."""
    step = Fraction(1, 2) if norm >= 1 else Fraction(1, 10)
    low = (norm * Fraction(11, 10) / step).__ceil__() * step
    return low + step * rng.randrange(3)


def _threshold(rng: random.Random, norm: Fraction) -> Fraction:
    """A round threshold below the norm: 1, 2, 5, 0.5, ... scaled to the gradient's size."""
    options = [Fraction(k, d) for d in (1, 2, 10) for k in range(1, 40) if Fraction(k, d) < norm * Fraction(9, 10)
               and Fraction(k, d) > norm / 5]
    require(bool(options), "no round threshold")
    return rng.choice(options)


def scaled(v: Vec, factor: Fraction | float) -> tuple[float, ...]:
    return tuple(float(x) * float(factor) for x in v)


def clipped(clip: Clip) -> Vec:
    return clip.g if clip.norm <= clip.c else tuple(x * clip.c / clip.norm for x in clip.g)


def l2(v: Vec) -> float:
    return math.sqrt(sum(float(x) ** 2 for x in v))


def slips(clip: Clip) -> list[Named]:
    """Whole clipped vectors a student gets by each slip."""
    g, c, n = clip.g, clip.c, clip.norm
    out = [named([max(-c, min(c, x)) for x in g], "clipped each entry to [−c, c] instead of scaling the vector"),
           named(scaled(g, c / n**2), "divided by ‖g‖² instead of ‖g‖"),
           named(scaled(g, float(c) / sum(abs(float(x)) for x in g)), "used the L₁ norm Σᵢ|gᵢ| instead of ‖g‖"),
           named(scaled(g, n / c), "multiplied by ‖g‖/c instead of c/‖g‖")]
    if n <= c:
        out.insert(0, named(scaled(g, c / n), "rescaled g to length c although ‖g‖ ≤ c (clipping only shrinks)"))
    else:
        out.append(named([float(x) for x in g], "left g unchanged although ‖g‖ > c"))
    if clip.split:
        out.insert(0, named(_each_tensor(clip), "clipped ∂L/∂W and ∂L/∂b each by its own norm (the clip is global)"))
    return out


def _each_tensor(clip: Clip) -> list[float]:
    parts = [clip.g[:clip.split], clip.g[clip.split:]]
    out: list[float] = []
    for part in parts:
        size = l2(part)
        out += [float(x) * (float(clip.c) / size if size > clip.c else 1.0) for x in part]
    return out


def describe(clip: Clip) -> str:
    rule = "if ‖g‖ > c, then g ← g·c/‖g‖, and otherwise g is left unchanged (‖·‖ is the Euclidean norm)"
    if not clip.split:
        return f"A gradient $g = {vector(clip.g)}$ is clipped by norm with threshold $c = {shown(clip.c)}$: {rule}."
    w, b = clip.g[:clip.split], clip.g[clip.split:]
    return (f"A layer's gradients are ∂L/∂W = {vec(w)} (for its two weights w₁, w₂) and ∂L/∂b = {vec(b)}. "
            f"They are "
            f"clipped together by the global norm with threshold c = {shown(clip.c)}: g stacks all the entries, and "
            f"{rule}.")


def working(clip: Clip) -> list[str]:
    squares = " + ".join(f"{_p(x)}²" for x in clip.g)
    lines = [f"‖g‖ = √({squares}) = {shown(clip.norm)}"]
    if clip.norm <= clip.c:
        lines.append(f"{shown(clip.norm)} ≤ c = {shown(clip.c)}: no clipping, g stays {vec(clip.g)}")
    else:
        factor = clip.c / clip.norm
        lines.append(f"{shown(clip.norm)} > c = {shown(clip.c)}: scale by c/‖g‖ = {shown(clip.c)}/{shown(clip.norm)}"
                     f" = {_d(factor)}")
        lines.append(f"clipped g = ({', '.join(_d(x) for x in clipped(clip))})")
    return lines


def _p(x: Fraction) -> str:
    return f"({shown(x)})" if x < 0 else shown(x)


def _d(x: Fraction) -> str:
    return shown(x) if (x * 10**4).denominator == 1 else f"{float(x):.4f}"


def _places(values: list[Fraction]) -> tuple[int, bool]:
    """Exact decimals when every value has at most 3 places, else 3 places (rounded)."""
    for places in range(4):
        if all((v * 10**places).denominator == 1 for v in values):
            return places, True
    return 3, False


def clip_claim(what: str, **data: object) -> dict[str, object]:
    """A claim about clipping the stem's g with threshold c, recomputed by the decider."""
    return {"kind": "clipping", "what": what, **data}


@family(TOPIC, "Gradient clipping by norm (the clipped gradient's entries)", ("NAT", "MCQ", "MSQ"), (1, 2))
def build(rng: random.Random, qtype: QuestionType, marks: int) -> Problem:
    clip = draw(rng, marks)
    truth = clipped(clip)
    places, exact = _places(list(truth))
    extra = {"g": [shown(v) for v in clip.g], "split": clip.split, "c": shown(clip.c)}
    k = rng.randrange(len(truth))
    name = f"entry {k + 1} of the clipped g" if not clip.split else _entry_name(clip, k)
    one = slips_of([named(s.value[k], s.mistake) for s in slips(clip)])
    what = "the clipped g" if not clip.split else "the clipped (∂L/∂W, ∂L/∂b), all entries in order"
    mcq_body = f"{describe(clip)} What is {what}?" + ("" if exact else f" (entries rounded off to {rounded_words(places)})")

    def claim(values: tuple[float, ...]) -> dict[str, object]:
        return clip_claim("vector", values=list(values), places=places)

    def options(_rng: random.Random) -> Statements:
        return Statements(body=mcq_body, choices=vector_choices(list(truth), slips(clip), places, claim, exact=exact),
                          steps=working(clip))

    return problem(topic=TOPIC, marks=marks, body=f"{describe(clip)} The value of {name} is", exact=rational(truth[k]),
                   slips=one, places=places, steps=working(clip), options=options, extra=extra,
                   statements=lambda r: _statements(r, clip))


def _entry_name(clip: Clip, k: int) -> str:
    return f"the clipped $∂L/∂w{k + 1}$" if k < clip.split else "the clipped $∂L/∂b$"


def _statements(rng: random.Random, clip: Clip) -> Statements:
    truth = clipped(clip)
    k = rng.randrange(len(truth))
    wrong = slips(clip)[0]
    entry = valued_choice(f"After clipping, entry {k + 1} of g", rational(truth[k]),
                          slips_of([named(wrong.value[k], wrong.mistake)])[0], rng,
                          lambda v, places: clip_claim("entry", index=k + 1, value=v, places=places), places=3)
    value_clip = tuple(max(-clip.c, min(clip.c, x)) for x in clip.g)
    choices = [
        entry,
        fact_choice(f"After clipping, ‖g‖ = {shown(min(clip.norm, clip.c))}",
                    clip_claim("norm", value=str(min(clip.norm, clip.c))), True, ""),
        fact_choice("Clipping each entry to [−c, c] would give the same vector", clip_claim("entrywise-same"),
                    value_clip == truth, "took entry-wise clipping for norm clipping"),
        fact_choice("g is left unchanged", clip_claim("unchanged"), clip.norm <= clip.c,
                    f"missed that ‖g‖ = {shown(clip.norm)} > c"),
    ]
    if clip.split:
        same = tuple(round(v, 12) for v in _each_tensor(clip)) == tuple(round(float(v), 12) for v in truth)
        choices[1] = fact_choice("Clipping ∂L/∂W and ∂L/∂b separately, each by its own norm, would give the same "
                                 "result", clip_claim("per-tensor-same"), same,
                                 "thought per-tensor and global clipping agree")
    body = rounded_note(f"{describe(clip)} Which of the following statements is/are correct?", choices)
    return Statements(body=body, choices=one_sided(choices), steps=working(clip))


@decider("clipping")
def _decide(claim: Mapping[str, Any], context: Context) -> Verdict:
    """Clip the stated g (global norm over all its entries) with the stated c, in exact arithmetic."""
    extra = context.extra or {}
    g = [sp.Rational(v) for v in extra["g"]]
    c, split = sp.Rational(extra["c"]), int(extra["split"])
    out, norm = _clip(g, c)
    what = str(claim["what"])
    if what == "vector":
        holds = all(rounds_to(float(v), e, int(claim["places"])) for v, e in zip(claim["values"], out))
        return Verdict(holds, f"‖g‖ = {short(norm)}, so the clipped g is ({', '.join(short(v) for v in out)})")
    if what == "entry":
        e = out[int(claim["index"]) - 1]
        return Verdict(rounds_to(float(claim["value"]), e, int(claim["places"])), f"the clipped entry is {short(e)}")
    if what == "norm":
        after = sp.sqrt(sum(v**2 for v in out))
        return Verdict(sp.simplify(after - sp.Rational(str(claim["value"]))) == 0, f"after clipping ‖g‖ = {short(after)}")
    if what == "entrywise-same":
        box = [max(-c, min(c, v)) for v in g]
        return Verdict(box == out, f"entry-wise clipping gives ({', '.join(short(v) for v in box)})")
    if what == "per-tensor-same":
        each = _clip(g[:split], c)[0] + _clip(g[split:], c)[0]
        return Verdict(each == out, f"per-tensor clipping gives ({', '.join(short(v) for v in each)})")
    if what == "unchanged":
        return Verdict(out == g, f"‖g‖ = {short(norm)} {'≤' if norm <= c else '>'} c = {short(c)}")
    raise ClaimError(f"unknown clipping claim {what!r}")


def _clip(g: list[sp.Expr], c: sp.Expr) -> tuple[list[sp.Expr], sp.Expr]:
    norm = sp.sqrt(sum(v**2 for v in g))
    return ([v * c / norm for v in g] if norm > c else list(g)), norm
