"""Family 12: the finite-difference gradient check against the backprop value.

The estimates are computed the way a student would, from forward values at w − ε, w and w + ε,
exactly (the losses are polynomials in w, so every value is a rational). Every stem says what is
estimated (∂L/∂w), which difference is meant (the forward difference (L(w + ε) − L(w))/ε or the
central one (L(w + ε) − L(w − ε))/(2ε)) and what the error is (estimate − the exact backprop ∂L/∂w).

1 mark: L = (w·x − t)², quadratic in w, and the forward estimate. 2 marks: w is used twice
(h = w·x, y = w·h, L = ½(y − t)², quartic in w), so every loss value is a two-node forward pass,
and half the items also subtract the backprop value (the error of the estimate): the extra step.
MSQ statements are claims decided by evaluating the loss of this very graph: `fd-estimate`,
`fd-error`, `fd-exact` (the estimate equals ∂L/∂w), `fd-error-ratio` (what halving ε does to the
error, evaluated at ε and ε/2) and `fd-closer` (which estimate is nearer ∂L/∂w).
"""

from __future__ import annotations

import random
from collections.abc import Mapping
from fractions import Fraction
from itertools import pairwise
from typing import Any

import sympy as sp

from gatebp.core.step import Step
from gatebp.gate.question import QuestionType
from gatebp.network.graph import Find, Graph
from gatebp.network.slips import Slip
from gatebp.network.solve import forward_pass, solve
from gatebp.questions.claims import ClaimError, Context, Verdict, decider
from gatebp.questions.families._claimkit import claimed, exact, frac, rounding_note, spaced, valued
from gatebp.questions.families._stems import m
from gatebp.questions.families.base import Resample, family
from gatebp.questions.families.common import Choice, decimal, places_for, require, solved
from gatebp.questions.problem import Problem, Statements

TOPIC = "finite-difference"
EPS = sp.Rational(1, 10)
NAMES = {"forward": "forward-difference", "central": "central-difference"}
LETTER = {"forward": "F", "central": "S"}  # the MSQ stem's names for the two estimates
FORMULA = {"forward": "(L(w + ε) − L(w))/ε", "central": "(L(w + ε) − L(w − ε))/(2ε)",
           "backward": "(L(w) − L(w − ε))/ε"}


def loss_at(graph: Graph, w: sp.Expr) -> sp.Expr:
    """L with the leaf w replaced by `w` (an exact forward pass)."""
    return forward_pass(Graph(dict(graph.values, w=Fraction(str(w))), graph.nodes))["L"]


def estimate(graph: Graph, scheme: str, eps: sp.Expr) -> sp.Expr:
    """The forward, backward or central difference quotient of L in w, exactly."""
    w = sp.Rational(str(graph.values["w"]))
    if scheme == "forward":
        return (loss_at(graph, w + eps) - loss_at(graph, w)) / eps
    if scheme == "backward":
        return (loss_at(graph, w) - loss_at(graph, w - eps)) / eps
    return (loss_at(graph, w + eps) - loss_at(graph, w - eps)) / (2 * eps)


# ---- claims -------------------------------------------------------------------------------------

def _graph(context: Context) -> Graph:
    if context.graph is None:
        raise ClaimError("a finite-difference claim needs the question's graph")
    return context.graph


def _gradient(context: Context) -> sp.Expr:
    return solve(_graph(context), Find("L", "w")).exact


@decider("fd-estimate")
def _decide_estimate(claim: Mapping[str, Any], context: Context) -> Verdict:
    value = estimate(_graph(context), str(claim["scheme"]), exact(claim["eps"]))
    return Verdict(value == exact(claim["value"]), f"{LETTER[str(claim['scheme'])]} = {m(decimal(value))}")


@decider("fd-error")
def _decide_error(claim: Mapping[str, Any], context: Context) -> Verdict:
    value = estimate(_graph(context), str(claim["scheme"]), exact(claim["eps"])) - _gradient(context)
    g = _gradient(context)
    worked = m(f"{decimal(value + g)} - {_paren(g)} = {decimal(value)}")
    return Verdict(value == exact(claim["value"]), f"{LETTER[str(claim['scheme'])]} − g = {worked}")


@decider("fd-exact")
def _decide_exact(claim: Mapping[str, Any], context: Context) -> Verdict:
    value, g = estimate(_graph(context), str(claim["scheme"]), exact(claim["eps"])), _gradient(context)
    return Verdict(value == g, f"the {claim['scheme']} estimate is {m(decimal(value))} and {m(f'∂L/∂w = {decimal(g)}')}")


@decider("fd-error-ratio")
def _decide_ratio(claim: Mapping[str, Any], context: Context) -> Verdict:
    """Halving ε multiplies the error (estimate − ∂L/∂w) by exactly `ratio`: both errors evaluated."""
    eps, g = exact(claim["eps"]), _gradient(context)
    before = estimate(_graph(context), str(claim["scheme"]), eps) - g
    after = estimate(_graph(context), str(claim["scheme"]), eps / 2) - g
    if before == 0:
        return Verdict(False, f"the {claim['scheme']} estimate has no error at {m(f'epsilon = {decimal(eps)}')}")
    ratio = after / before
    return Verdict(ratio == exact(claim["ratio"]), f"the {claim['scheme']} error is {m(decimal(before))} at "
                   f"{m(f'epsilon = {decimal(eps)}')} and {m(decimal(after))} at {m(f'epsilon = {decimal(eps / 2)}')}: "
                   f"a ratio of {m(_ratio_text(ratio))}")


@decider("fd-closer")
def _decide_closer(claim: Mapping[str, Any], context: Context) -> Verdict:
    eps, g = exact(claim["eps"]), _gradient(context)
    errors = {s: abs(estimate(_graph(context), s, eps) - g) for s in ("forward", "central")}
    other = "forward" if claim["closer"] == "central" else "central"
    return Verdict(errors[str(claim["closer"])] < errors[other],
                   f"|F − g| = {m(decimal(errors['forward']))}, |S − g| = {m(decimal(errors['central']))}")


def _paren(value: sp.Expr) -> str:
    """A subtrahend as written after a minus sign: 4, or (−16)."""
    return f"({decimal(value)})" if value < 0 else decimal(value)


def _ratio_text(ratio: sp.Expr) -> str:
    return decimal(ratio) if (ratio * 10**6).is_Integer else sp.sstr(ratio)


# ---- the family ---------------------------------------------------------------------------------

def _network(rng: random.Random, marks: int) -> tuple[dict[str, Fraction], dict[str, str], str]:
    """1 mark: L = (w·x − t)², quadratic in w. 2 marks: w used twice, L = ½(w·w·x − t)², quartic."""
    t = Fraction(rng.randint(-3, 3))
    if marks == 1:
        values = {"x": Fraction(rng.choice((-3, -2, -1, 1, 2, 3))), "t": t,
                  "w": Fraction(rng.choice((-4, -3, -2, -1, 1, 2, 3, 4)), 2)}
        return values, {"yhat": "w*x", "L": "(yhat - t)**2"}, f"{m('yhat = w*x')} and the loss {m('L = (yhat - t)**2')}"
    values = {"x": Fraction(rng.choice((-2, -1, 1, 2))), "t": t, "w": Fraction(rng.choice((-2, -1, 1, 2)))}
    model = f"{m('h = w*x')}, {m('yhat = w*h')} and the loss {m('L = (yhat - t)**2/2')}"
    return values, {"h": "w*x", "yhat": "w*h", "L": "(yhat - t)**2/2"}, model


def _given(values: dict[str, Fraction]) -> str:
    x, t, w = (decimal(sp.Rational(str(values[k]))) for k in ("x", "t", "w"))
    return f"{m(f'x = {x}')}, {m(f't = {t}')} and {m(f'w = {w}')}"


def _lines(graph: Graph) -> list[str]:
    """The three loss values and both estimates (the MSQ stem's F and S), as a student computes them."""
    w = sp.Rational(str(graph.values["w"]))
    at = {shift: loss_at(graph, w + shift) for shift in (-EPS, 0, EPS)}
    forward = m(f"{decimal(at[EPS] - at[0])}/{decimal(EPS)} = {decimal(estimate(graph, 'forward', EPS))}")
    central = m(f"{decimal(at[EPS] - at[-EPS])}/{decimal(2 * EPS)} = {decimal(estimate(graph, 'central', EPS))}")
    return [f"L(w − ε) = L({m(decimal(w - EPS))}) = {m(decimal(at[-EPS]))}",
            f"L(w) = L({m(decimal(w))}) = {m(decimal(at[0]))}",
            f"L(w + ε) = L({m(decimal(w + EPS))}) = {m(decimal(at[EPS]))}",
            f"F = {FORMULA['forward']} = {forward}",
            f"S = {FORMULA['central']} = {central}"]


def _student_working(graph: Graph, scheme: str, asked: str, g: sp.Expr) -> list[Step | str]:
    """What a student writes for the asked estimate: the loss at the shifted w's the difference
    needs, the quotient, then (the stem names ∂L/∂w) the backprop value: one comparison line for
    an estimate, the value E subtracts for an error."""
    w = sp.Rational(str(graph.values["w"]))
    shifts = {"forward": (EPS, sp.S(0)), "central": (EPS, -EPS)}[scheme]
    at = {shift: loss_at(graph, w + shift) for shift in shifts}
    value = estimate(graph, scheme, EPS)
    quotient = f"{decimal(at[shifts[0]])} - {decimal(at[shifts[1]])}"
    denominator = decimal(EPS if scheme == "forward" else 2 * EPS)
    lines: list[Step | str] = [_loss_line(graph, shift, at[shift]) for shift in shifts]
    lines.append(Step("answer" if asked == "estimate" else "note",
                      f"{NAMES[scheme]} estimate: {FORMULA[scheme]} = {m(f'({quotient})/{denominator} = {decimal(value)}')}"))
    if asked == "estimate":
        return [*lines, f"for comparison, backprop gives the exact {_backprop(graph, g)}"]
    lines.append(f"backprop: {_backprop(graph, g)}")
    return [*lines, Step("answer", m(f"E = {decimal(value)} - {_paren(g)} = {decimal(value - g)}"))]


_SHIFTS = {1: "w + ε", 0: "w", -1: "w − ε"}


def _loss_line(graph: Graph, shift: sp.Expr, loss: sp.Expr) -> Step:
    """"L(w + ε) = L(1.1) = (1.1·(−1) − 2)² = 9.61": the loss at a shifted w, substituted."""
    values = {k: sp.Rational(str(v)) for k, v in graph.values.items()}
    at = values["w"] + shift
    x, t = _factor(values["x"]), _paren(values["t"])
    if _twice(graph):  # h = w·x, ŷ = w·h: ŷ = w²x
        body = f"({_factor(at)}**2*{x} - {t})**2/2 = {decimal(loss)}"
    else:
        body = f"({_factor(at)}*{x} - {t})**2 = {decimal(loss)}"
    name = f"L({_SHIFTS[int(sp.sign(shift))]})"
    return Step("forward", f"{name} = L({m(decimal(at))}) = {m(body)}", quantity=name, value=float(loss),
                skill="forward")


def _backprop(graph: Graph, g: sp.Expr) -> str:
    """∂L/∂w in closed form at the given w, as one line (the chain rule for this scalar model)."""
    values = {k: sp.Rational(str(v)) for k, v in graph.values.items()}
    w, x, t = values["w"], values["x"], values["t"]
    if _twice(graph):
        yhat, formula = w * w * x, "(yhat - t)*2*w*x"
        numbers = f"({decimal(yhat)} - {_paren(t)})*2*{_factor(w)}*{_factor(x)}"
        closed = (yhat - t) * 2 * w * x
    else:
        yhat, formula = w * x, "2*(yhat - t)*x"
        numbers = f"2*({decimal(yhat)} - {_paren(t)})*{_factor(x)}"
        closed = 2 * (yhat - t) * x
    if closed != g:
        raise ClaimError(f"{TOPIC}: the closed-form ∂L/∂w {closed} disagrees with backprop {g}")
    return m(f"∂L/∂w = {formula} = {numbers} = {decimal(g)}")


def _twice(graph: Graph) -> bool:
    """The 2-mark model, where w is used twice (h = w·x, ŷ = w·h)."""
    return any(node.name == "h" for node in graph.nodes)


def _factor(value: sp.Expr) -> str:
    """A factor in a product: 1.1, or (−1.1) in parentheses."""
    return f"({decimal(value)})" if value < 0 else decimal(value)


def _estimate_slips(graph: Graph, scheme: str, g: sp.Expr) -> list[Slip]:
    forward, central = estimate(graph, "forward", EPS), estimate(graph, "central", EPS)
    if scheme == "forward":
        return [Slip(g, "gave the backprop value ∂L/∂w instead of the finite-difference estimate"),
                Slip(forward * EPS, "forgot to divide by ε"),
                Slip(forward / 2, "divided the forward difference by 2ε"),
                Slip(estimate(graph, "backward", EPS), "used the backward difference (L(w) − L(w − ε))/ε"),
                Slip(-forward, "subtracted in the wrong order (L(w) − L(w + ε))")]
    return [Slip(g, "gave the backprop value ∂L/∂w instead of the finite-difference estimate"),
            Slip(central * 2, "divided the central difference by ε instead of 2ε"),
            Slip(forward, "used the forward difference instead of the central one"),
            Slip(central * 2 * EPS, "forgot to divide by 2ε")]


def _error_slips(graph: Graph, scheme: str, g: sp.Expr) -> list[Slip]:
    mine = estimate(graph, scheme, EPS)
    other = "central" if scheme == "forward" else "forward"
    return [Slip(g - mine, "subtracted the other way (backprop − estimate)"),
            Slip(mine, "gave the estimate itself, not its difference from backprop"),
            Slip(estimate(graph, other, EPS) - g, f"used the {other} difference instead of the {scheme} one"),
            Slip(mine * (2 * EPS if scheme == "central" else EPS) - g,
                 "forgot the division by 2ε" if scheme == "central" else "forgot to divide by ε")]


@family(TOPIC, "Finite-difference gradient check vs backprop", ("NAT", "MCQ", "MSQ"), (1, 2))
def build(rng: random.Random, qtype: QuestionType, marks: int) -> Problem:
    """Forward estimate (1 mark); central estimate or its error E (2 marks); MSQ statements."""
    values, nodes, model = _network(rng, marks)
    graph, solution = solved(values, nodes, Find("L", "w"))
    g = solution.exact
    if g == 0 or estimate(graph, "central", EPS) == 0 or estimate(graph, "forward", EPS) == 0:
        raise Resample("a zero gradient or estimate")
    intro = f"A model computes {model}, with {_given(values)}."
    ending = " is ____" if qtype == "NAT" else " is"
    if qtype == "MSQ":
        return Problem(topic=TOPIC, marks=marks, graph=graph, extra={"eps": frac(EPS)},
                       statements=lambda r: _statements(r, graph, g, intro, marks))
    scheme = "forward" if marks == 1 else rng.choice(("forward", "central"))
    asked = "error" if marks == 2 and rng.random() < 0.5 and estimate(graph, scheme, EPS) != g else "estimate"
    if asked == "error":
        answer, slips = estimate(graph, scheme, EPS) - g, _error_slips(graph, scheme, g)
        ask = (f"Let E = ({NAMES[scheme]} estimate) − (backprop value), where the {NAMES[scheme]} estimate of ∂L/∂w "
               f"is {FORMULA[scheme]} with {m('epsilon = 0.1')} and the backprop value is the exact ∂L/∂w. "
               f"The value of E{ending}")
    else:
        answer, slips = estimate(graph, scheme, EPS), _estimate_slips(graph, scheme, g)
        ask = (f"With {m('epsilon = 0.1')}, the value of the {NAMES[scheme]} estimate {FORMULA[scheme]} "
               f"of ∂L/∂w{ending}")
    places = places_for(answer, 3)
    steps = _student_working(graph, scheme, asked, g)
    slips = spaced(answer, slips, places)
    return Problem(topic=TOPIC, marks=marks, body=rounding_note(f"{intro} {ask}", answer, slips, places, qtype),
                   exact=answer, steps=steps, slips=slips, graph=graph, places=places,
                   extra={"scheme": scheme, "asked": asked, "eps": frac(EPS)})


def _statements(rng: random.Random, graph: Graph, g: sp.Expr, intro: str, marks: int) -> Statements:
    """Four statements about F, S and their errors; 2 marks adds the error value and 'closer'."""
    forward, central = estimate(graph, "forward", EPS), estimate(graph, "central", EPS)
    pool = [_value(rng, "forward", forward, Slip(estimate(graph, "backward", EPS),
                                                 "used the backward difference (L(w) − L(w − ε))/ε")),
            _value(rng, "central", central, Slip(central * 2, "divided by ε instead of 2ε")),
            _exactness(rng, central == g),
            _halving(rng, "forward" if marks == 1 else "central")]
    if marks == 2:
        typical = abs(forward - g) > abs(central - g)  # rarely the forward error is the smaller: no such claim then
        pool += [_closer(rng)] if typical else []
        pool += [valued("$S - g = {}$", central - g, Slip(g - central, "subtracted the other way (g − S)"), rng,
                        fmt=decimal, claim=lambda v: {"kind": "fd-error", "scheme": "central", "eps": frac(EPS),
                                                      "value": frac(v)})]
    choices = rng.sample(pool, 4)
    require(any(c.correct for c in choices) and not all(c.correct for c in choices), "all four alike")
    body = (f"{intro} Let {m('g = ∂L/∂w')} be the exact (backprop) derivative, and with {m('epsilon = 0.1')} let "
            f"F = (L(w + ε) − L(w))/ε be the forward-difference estimate and "
            f"S = (L(w + ε) − L(w − ε))/(2ε) the central (symmetric) difference estimate of g. "
            f"Which of the following statements is/are correct?")
    return Statements(body=body, choices=choices, steps=_msq_steps(graph, g), graph=graph)


def _msq_steps(graph: Graph, g: sp.Expr) -> list[str]:
    half = EPS / 2
    errors = {s: (estimate(graph, s, EPS) - g, estimate(graph, s, half) - g) for s in ("forward", "central")}
    forward, central = errors["forward"], errors["central"]
    return [f"backprop: {m(f'g = ∂L/∂w = {decimal(g)}')}", *_lines(graph),
            f"errors at {m('epsilon = 0.1')}: {m(f'F - g = {decimal(forward[0])}')}, {m(f'S - g = {decimal(central[0])}')}",
            f"errors at {m('epsilon = 0.05')}: {m(f'F - g = {decimal(forward[1])}')}, {m(f'S - g = {decimal(central[1])}')}",
            _error_orders(graph, central)]

DEGREE_WORDS = {1: "linear", 2: "quadratic", 3: "cubic", 4: "quartic"}


def loss_degree(graph: Graph) -> int:
    """The degree of L as a polynomial in w, from its exact values at six equally spaced points:
    the highest order of difference that is not zero (every loss here has degree at most 4, so
    the fifth differences vanish and the table decides it)."""
    w = sp.Rational(str(graph.values["w"]))
    differences = [loss_at(graph, w + sp.Rational(k, 10)) for k in range(-2, 4)]
    degree = 0
    for order in range(1, len(differences)):
        differences = [b - a for a, b in pairwise(differences)]
        if any(d != 0 for d in differences):
            degree = order
    return degree


def _error_orders(graph: Graph, central: tuple[sp.Expr, sp.Expr]) -> str:
    """Why the errors behave as they do, said for this loss (its degree computed, not assumed)."""
    degree = loss_degree(graph)
    shape = f"L is {DEGREE_WORDS.get(degree, f'of degree {degree}')} in w here"
    head = ("The forward error is ½L′′(w)·ε + (terms in ε², ε³); the central one has no ε term: it starts at "
            "(L′′′(w)/6)·ε². ")
    if central[0] == 0:
        why = "so L′′′ = 0" if degree <= 2 else "but L′′′(w) = 0 at this w"
        return head + f"{shape}, {why}, and the central estimate is exact."
    ratio = central[0] / central[1]
    return head + (f"{shape}, so L′′′ ≠ 0 and the central error is not 0; halving ε divides it by "
                   f"{decimal(ratio)}.")


def _value(rng: random.Random, scheme: str, truth: sp.Expr, slip: Slip) -> Choice:
    return valued(f"${LETTER[scheme]} = {{}}$", truth, slip, rng, fmt=decimal,
                  claim=lambda v: {"kind": "fd-estimate", "scheme": scheme, "eps": frac(EPS), "value": frac(v)})


def _exactness(rng: random.Random, central_exact: bool) -> Choice:
    """'S = g exactly' (true for a quadratic loss only), or 'F = g exactly' (never here)."""
    if rng.random() < 0.5:
        return claimed("$S = g$ exactly", {"kind": "fd-exact", "scheme": "central", "eps": frac(EPS)}, central_exact,
                       "assumed the central difference is exact for every loss (only up to a quadratic)")
    return claimed("$F = g$ exactly", {"kind": "fd-exact", "scheme": "forward", "eps": frac(EPS)}, False,
                   "forgot that the forward difference is off by about ½L′′(w)·ε")


def _halving(rng: random.Random, scheme: str) -> Choice:
    """What halving ε does to the error: ×1/2 for the forward difference of a quadratic, ×1/4 for the
    central difference of a quartic (both exact here); the other factor is the slip."""
    letter, right = LETTER[scheme], sp.Rational(1, 2) if scheme == "forward" else sp.Rational(1, 4)
    ratio = right if rng.random() < 0.5 else (sp.Rational(1, 4) if scheme == "forward" else sp.Rational(1, 2))
    word = {sp.Rational(1, 2): "half", sp.Rational(1, 4): "a quarter"}[ratio]
    mistake = ("gave the forward difference the central one's second-order error" if scheme == "forward"
               else "took the central difference's error as first order in ε (it is second order)")
    return claimed(f"with {m('epsilon = 0.05')} instead of {m('0.1')}, the error {m(f'{letter} - g')} becomes "
                   f"exactly {word} as large",
                   {"kind": "fd-error-ratio", "scheme": scheme, "eps": frac(EPS), "ratio": frac(ratio)},
                   ratio == right, mistake)


def _closer(rng: random.Random) -> Choice:
    closer = "central" if rng.random() < 0.6 else "forward"
    text = "S is closer to g than F is" if closer == "central" else "F is closer to g than S is"
    return claimed(text, {"kind": "fd-closer", "closer": closer, "eps": frac(EPS)}, closer == "central",
                   "thought the one-sided difference is the more accurate (its error is first order in ε)")
