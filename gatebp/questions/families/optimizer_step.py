"""Family `optimizer-step`: the new parameter value after an optimizer step, from stated hyper-parameters.

The seed tutorial's optimizer table (SGD with momentum, RMSprop, Adam, AdamW) as one-number drills.
The stem states every hyper-parameter and, where conventions differ, the rule itself (momentum with
or without the (1 − β) factor; RMSprop's running average); Adam is "with bias correction", ε = 0.
1 mark: one step: momentum from a given velocity, RMSprop from a given running average, Adam's first
step (bias correction makes it exactly η·sign(g)), SGD with L2 weight decay.
2 marks: one more step to carry: momentum over two steps from v = 0, Adam's second step (the
corrections 1 − β^2), AdamW's decoupled decay against Adam with L2 in the gradient.
Slips: the other momentum convention, the sign of the update, no bias correction (or the step-1
correction at step 2), the decay inside the adaptive step (or outside it), the decay without η,
g for g², no square root, the stale velocity or average, stopping after one step.
Every MCQ option is an `answer` claim; `extra` records the method and every hyper-parameter, so an
independent checker re-runs the optimizer from the stated numbers.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass
from fractions import Fraction

import sympy as sp

from gatebp.gate.question import QuestionType
from gatebp.questions.families._claims import Named, apart, as_float, named
from gatebp.questions.families._posed import problem, slips_of
from gatebp.questions.families.base import family
from gatebp.questions.families.common import asked, rational, require, shown, tenths
from gatebp.questions.problem import Problem

TOPIC = "optimizer-step"
R = sp.Rational


@dataclass(frozen=True)
class Step:
    """One drawn problem: the stem, the exact new value, the named slips and the working."""

    text: str
    exact: sp.Expr
    slips: list[Named]
    steps: list[str]
    kind: str
    data: dict[str, object]


def q(value: Fraction) -> sp.Rational:
    return rational(value)


def sgn(value: sp.Expr) -> int:
    return 1 if value > 0 else -1


def momentum(rng: random.Random, marks: int) -> Step:
    """v ← βv + g (or βv + (1 − β)g), w ← w − ηv; 1 mark from a given v, 2 marks two steps from v = 0."""
    ema = rng.random() < 0.5
    beta, eta = rng.choice((R(9, 10), R(1, 2), R(4, 5))), rng.choice((R(1, 10), R(1, 2), R(1, 5)))
    w, g = q(tenths(rng, -2, 2)), [q(tenths(rng, -2, 2)) for _ in range(marks)]
    v0 = q(tenths(rng, -1, 1)) if marks == 1 else sp.Integer(0)

    def run(ema_: bool = ema, sign: int = 1, beta_: sp.Expr = beta, stale: bool = False, steps: int = marks) -> sp.Expr:
        ww, v = w, v0
        for gt in g[:steps]:
            new = beta_ * v + ((1 - beta) if ema_ else 1) * gt
            ww, v = ww - sign * eta * (v if stale else new), new
        return ww

    rule = "v ← βv + (1 − β)g" if ema else "v ← βv + g"
    slips = [named(run(ema_=not ema), f"used {'v ← βv + g (no 1 − β factor)' if ema else 'v ← βv + (1 − β)g'} "
                                      f"instead of the stated {rule}"),
             named(run(sign=-1), "added the step (w + ηv) instead of subtracting it"),
             named(run(beta_=sp.Integer(0)), "left out the momentum (a plain gradient step w − ηg)"),
             named(run(stale=True), "moved w with the velocity from before the update")]
    if marks == 2:
        slips.append(named(run(steps=1), "stopped after the first step"))
    start = f"v = {shown(v0)}" if marks == 1 else "v = 0"
    grads = f"the gradient is $g = {shown(g[0])}$" if marks == 1 else f"the gradients are $g1 = {shown(g[0])}$ and $g2 = {shown(g[1])}$"
    text = (f"A parameter w = {shown(w)} is trained with SGD with momentum: at each step {rule}, then w ← w − ηv, "
            f"with β = {shown(beta)} and η = {shown(eta)}. The velocity starts at {start}, and {grads}. "
            f"The value of w after {'the step' if marks == 1 else 'the two steps'} is")
    data = {"w": w, "v": v0, "g": g, "beta": beta, "eta": eta, "ema": ema}
    return Step(text, run(), slips, _momentum_working(w, v0, g, beta, eta, ema), "momentum", data)


def _momentum_working(w: sp.Expr, v: sp.Expr, g: list[sp.Expr], beta: sp.Expr, eta: sp.Expr, ema: bool) -> list[str]:
    lines = []
    for t, gt in enumerate(g, start=1):
        new = beta * v + ((1 - beta) if ema else 1) * gt
        factor = f"(1 − {shown(beta)})·" if ema else ""
        lines.append(f"step {t}: v = {shown(beta)}·{_p(v)} + {factor}{_p(gt)} = {_d(new)}; "
                     f"w = {_d(w)} − {shown(eta)}·{_p(new)} = {_d(w - eta * new)}")
        w, v = w - eta * new, new
    return lines


def rmsprop(rng: random.Random) -> Step:
    """s ← ρs + (1 − ρ)g², w ← w − ηg/√s (ε = 0), from a given running average s."""
    rho, eta = rng.choice((R(9, 10), R(1, 2), R(4, 5))), rng.choice((R(1, 10), R(1, 100) * 5, R(1, 5)))
    w, g, s0 = q(tenths(rng, -1, 1)), q(tenths(rng, -2, 2)), q(tenths(rng, 0.1, 1))
    s = rho * s0 + (1 - rho) * g**2
    exact = w - eta * g / sp.sqrt(s)
    wrong_avg = rho * s0 + (1 - rho) * g
    slips = [named(w - eta * g / s, "left out the square root (divided by s, not √s)"),
             named(w + eta * g / sp.sqrt(s), "added the step instead of subtracting it"),
             named(w - eta * g / sp.sqrt((1 - rho) * s0 + rho * g**2), "swapped ρ and 1 − ρ in the running average"),
             named(w - eta * g / sp.sqrt(s0), "divided by √s of the previous step (before updating s)")]
    if wrong_avg > 0:
        slips.append(named(w - eta * g / sp.sqrt(wrong_avg), "averaged g instead of g² into s"))
    text = (f"A parameter w = {shown(w)} is trained with RMSprop: s ← ρs + (1 − ρ)g², then w ← w − ηg/√s "
            f"(ε = 0), with ρ = {shown(rho)} and η = {shown(eta)}. The running average is s = {shown(s0)} and the "
            f"gradient is g = {shown(g)}. The value of w after the step is")
    steps = [f"s = {shown(rho)}·{shown(s0)} + (1 − {shown(rho)})·{_p(g)}² = {_d(s)}",
             f"w = {shown(w)} − {shown(eta)}·{_p(g)}/√{_d(s)} = {_d(exact)}"]
    return Step(text, exact, slips, steps, "rmsprop", {"w": w, "g": g, "s": s0, "rho": rho, "eta": eta})


ADAM_TEXT = ("Adam with bias correction (m ← β₁m + (1 − β₁)g, v ← β₂v + (1 − β₂)g², m̂ = m/(1 − β₁ᵗ), "
             "v̂ = v/(1 − β₂ᵗ), w ← w − η·m̂/(√v̂ + ε))")


def adam_first(rng: random.Random) -> Step:
    """Step 1 from m = v = 0: m̂ = g and v̂ = g², so w moves by exactly η·sign(g)."""
    b1, b2, eta = R(9, 10), rng.choice((R(999, 1000), R(99, 100))), rng.choice((R(1, 10), R(1, 100), R(1, 20)))
    w, g = q(tenths(rng, -1, 1)), q(tenths(rng, -2, 2))
    sign = sgn(g)
    exact = w - eta * sign
    slips = [named(w - eta * (1 - b1) / sp.sqrt(1 - b2) * sign, "left out the bias correction (used m and v as they are)"),
             named(w + eta * sign, "added the step instead of subtracting it"),
             named(w - eta * g, "took a plain gradient step w − ηg"),
             named(w - eta * (1 - b1) * sign, "corrected v but not m")]
    text = (f"A parameter w = {shown(w)} is trained with {ADAM_TEXT}, β₁ = {shown(b1)}, β₂ = {shown(b2)}, "
            f"η = {shown(eta)} and ε = 0. The moments start at m = v = 0, and the first gradient is g = {shown(g)}. "
            f"The value of w after the first step (t = 1) is")
    steps = [f"m = (1 − {shown(b1)})·{_p(g)} = {_d((1 - b1) * g)}, v = (1 − {shown(b2)})·{_p(g)}² = {_d((1 - b2) * g**2)}",
             f"m̂ = m/(1 − β₁) = {shown(g)}, v̂ = v/(1 − β₂) = {_d(g**2)}: the step is η·m̂/√v̂ = η·sign(g)",
             f"w = {shown(w)} − {shown(eta)}·({sign}) = {_d(exact)}"]
    return Step(text, exact, slips, steps, "adam-1", {"w": w, "g": g, "beta1": b1, "beta2": b2, "eta": eta})


def adam_second(rng: random.Random) -> Step:
    """Step 2: m2 = β₁(1 − β₁)g1 + (1 − β₁)g2, v2 likewise, corrections 1 − β₁², 1 − β₂²."""
    b1, b2, eta = R(9, 10), rng.choice((R(999, 1000), R(99, 100))), rng.choice((R(1, 10), R(1, 20)))
    w1, g1, g2 = q(tenths(rng, -1, 1)), q(tenths(rng, -2, 2)), q(tenths(rng, -2, 2))
    require(abs(g1) != abs(g2), "equal gradient sizes make step 2 the same as step 1")
    m, v = b1 * (1 - b1) * g1 + (1 - b1) * g2, b2 * (1 - b2) * g1**2 + (1 - b2) * g2**2
    update = lambda mm, vv: eta * mm / sp.sqrt(vv)  # noqa: E731
    exact = w1 - update(m / (1 - b1**2), v / (1 - b2**2))
    slips = [named(w1 - update(m, v), "left out the bias correction"),
             named(w1 - update(m / (1 - b1), v / (1 - b2)), "used the step-1 corrections 1 − β instead of 1 − β²"),
             named(w1 + update(m / (1 - b1**2), v / (1 - b2**2)), "added the step instead of subtracting it"),
             named(w1 - eta * sgn(g2), "restarted the moments at step 2 (as if it were step 1)")]
    text = (f"A parameter is trained with {ADAM_TEXT}, β₁ = {shown(b1)}, β₂ = {shown(b2)}, η = {shown(eta)} and "
            f"ε = 0, from m = v = 0. The gradients at steps 1 and 2 are $g1 = {shown(g1)}$ and $g2 = {shown(g2)}$, and "
            f"after step 1 the parameter is w = {shown(w1)}. The value of w after step 2 is")
    steps = [f"m2 = {shown(b1)}·(1 − {shown(b1)})·{_p(g1)} + (1 − {shown(b1)})·{_p(g2)} = {_d(m)}",
             f"v2 = {shown(b2)}·(1 − {shown(b2)})·{_p(g1)}² + (1 − {shown(b2)})·{_p(g2)}² = {_d(v)}",
             f"m̂ = m2/(1 − β₁²) = {_d(m / (1 - b1**2))}, v̂ = v2/(1 − β₂²) = {_d(v / (1 - b2**2))}",
             f"w = {shown(w1)} − {shown(eta)}·m̂/√v̂ = {_d(exact)}"]
    return Step(text, exact, slips, steps, "adam-2",
                {"w1": w1, "g1": g1, "g2": g2, "beta1": b1, "beta2": b2, "eta": eta})


def decay(rng: random.Random, marks: int) -> Step:
    """1 mark: SGD with L2 decay. 2 marks: Adam's first step with decoupled (AdamW) or L2 decay."""
    w, g = q(tenths(rng, 0.2, 1.5)) * rng.choice((1, -1)), q(tenths(rng, -2, 2))
    lam, eta = rng.choice((R(1, 10), R(1, 5), R(1, 2))), rng.choice((R(1, 10), R(1, 5), R(1, 2)))
    if marks == 1:
        exact = w - eta * (g + lam * w)
        slips = [named(w - eta * g, "left out the weight decay"), named(w - eta * (g - lam * w), "subtracted λw instead of adding it to the gradient"),
                 named(w - eta * g - lam * w, "applied the decay λw without the learning rate"),
                 named(w + eta * (g + lam * w), "added the step instead of subtracting it")]
        text = (f"A parameter w = {shown(w)} with gradient g = ∂L/∂w = {shown(g)} is updated by SGD with L₂ weight "
                f"decay: the regularised loss is L + (λ/2)w², with λ = {shown(lam)} and η = {shown(eta)}. The value of w after one step is")
        steps = [f"gradient of the regularised loss: g + λw = {shown(g)} + {shown(lam)}·{_p(w)} = {_d(g + lam * w)}",
                 f"w = {shown(w)} − {shown(eta)}·{_p(g + lam * w)} = {_d(exact)}"]
        return Step(text, exact, slips, steps, "sgd-l2", {"w": w, "g": g, "lam": lam, "eta": eta})
    return _adam_decay(rng, w, g, lam, eta)


def _adam_decay(rng: random.Random, w: sp.Expr, g: sp.Expr, lam: sp.Expr, eta: sp.Expr) -> Step:
    decoupled = rng.random() < 0.5
    require(g + lam * w != 0, "a zero regularised gradient")
    adamw = w - eta * (sgn(g) + lam * w)
    l2 = w - eta * sgn(g + lam * w)
    exact, other = (adamw, l2) if decoupled else (l2, adamw)
    slips = [named(other, "put the decay inside the adaptive step (Adam on g + λw)" if decoupled
                   else "applied the decay outside the adaptive step, as AdamW does"),
             named(w - eta * sgn(g), "left out the weight decay"),
             named(w - eta * sgn(g) - lam * w, "applied the decay λw without the learning rate"),
             named(w + eta * (sgn(g) + lam * w) if decoupled else w + eta * sgn(g + lam * w),
                   "added the step instead of subtracting it")]
    how = ("AdamW: Adam with bias correction plus decoupled weight decay, w ← w − η(m̂/(√v̂ + ε) + λw)" if decoupled
           else "Adam with bias correction on the L2-regularised loss L + (λ/2)w², so Adam receives the gradient g + λw")
    text = (f"A parameter w = {shown(w)} is trained with {how}; β₁ = 0.9, β₂ = 0.999, ε = 0, λ = {shown(lam)} and "
            f"η = {shown(eta)}. The moments start at m = v = 0 and the first gradient of L is g = {shown(g)}. "
            f"The value of w after the first step is")
    steps = ["at step 1 the bias-corrected Adam step is η·sign of the gradient it receives",
             f"AdamW: w − η(sign(g) + λw) = {shown(w)} − {shown(eta)}·({sgn(g)} + {_d(lam * w)}) = {_d(adamw)}"
             if decoupled else
             f"L2: g + λw = {_d(g + lam * w)}, so w − η·sign(g + λw) = {shown(w)} − {shown(eta)}·({sgn(g + lam * w)}) = {_d(l2)}"]
    return Step(text, exact, slips, steps, "adamw" if decoupled else "adam-l2",
                {"w": w, "g": g, "lam": lam, "eta": eta, "beta1": R(9, 10), "beta2": R(999, 1000)})


def _p(value: sp.Expr) -> str:
    text = _d(value)
    return f"({text})" if text.startswith("-") else text


def _d(value: sp.Expr) -> str:
    """Exact short decimals as they are, other values to four places (four significant figures below 0.1)."""
    value = sp.S(value)
    if value.is_Rational and (value * 10**4).is_Integer:
        return shown(Fraction(int(value.p), int(value.q)))
    number = as_float(value)
    return f"{number:.4f}" if abs(number) >= 0.1 else f"{number:.4g}"


def places_for(exact: sp.Expr) -> int:
    if exact.is_Rational:
        for places in range(5):
            if (exact * 10**places).is_Integer:
                return max(places, 1) if places <= 4 else 3
    return 3


DRAWS: dict[int, list[Callable[[random.Random], Step]]] = {
    1: [lambda r: momentum(r, 1), rmsprop, adam_first, lambda r: decay(r, 1)],
    2: [lambda r: momentum(r, 2), adam_second, lambda r: decay(r, 2)],
}


@family(TOPIC, "One optimizer step: momentum, RMSprop, Adam, weight decay (AdamW vs L2)", ("NAT", "MCQ"), (1, 2))
def build(rng: random.Random, qtype: QuestionType, marks: int) -> Problem:
    drawn = rng.choice(DRAWS[marks])(rng)
    exact = drawn.exact
    require(exact != 0, "a zero answer")
    require(exact.is_Rational or abs(as_float(exact)) >= 0.05, "an answer too small to read at three places")
    places = places_for(exact)
    require(sum(apart(s.value[0], as_float(exact), 10.0**-places * 2) for s in drawn.slips) >= 3,
            "fewer than three slips stay apart")
    slips = slips_of(drawn.slips)
    return problem(topic=TOPIC, marks=marks, body=asked(drawn.text, qtype, exact, places, slips), exact=exact,
                   slips=slips, places=places, steps=drawn.steps,
                   extra={"kind": drawn.kind, **{k: _json(v) for k, v in drawn.data.items()}})


def _json(value: object) -> object:
    """Exact numbers as text ("0.9", "1/3") for the record; lists of them likewise."""
    if isinstance(value, list):
        return [_json(v) for v in value]
    if isinstance(value, sp.Basic):
        return str(value)
    return value
