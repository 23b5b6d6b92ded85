"""Family 12: the finite-difference gradient check against the backprop value.

The estimate is computed the way a student would, from forward values at w ± ε, exactly (the
losses are polynomials in w, so every value is a rational). The one-sided estimate is off by
about ½·L''(w)·ε; the central one is exact for a quadratic and off by about L'''(w)·ε²/6 otherwise.
"""

from __future__ import annotations

from dataclasses import replace

import random
from fractions import Fraction

import sympy as sp

from gatebp.questions.families.base import Resample, family
from gatebp.questions.families.common import (Choice, computes, decimal, fact, given, nonzero, places_for, solved,
                                              some_true, statement, working)
from gatebp.questions.problem import Problem, Statements
from gatebp.network.graph import Find, Graph
from gatebp.network.slips import Slip
from gatebp.gate.question import QuestionType
from gatebp.network.solve import forward_pass

TOPIC = "finite-difference"
EPS = Fraction(1, 10)


def _network(rng: random.Random, marks: int) -> tuple[dict[str, int], dict[str, str]]:
    """1 mark: L = (w·x − t)², quadratic in w. 2 marks: w used twice, L = (w·w·x − t)²/2, quartic."""
    values = {"x": nonzero(rng, -2, 2), "w": nonzero(rng, -2, 2), "t": rng.randint(-3, 3)}
    if marks == 1:
        return values, {"y": "w*x", "L": "(y - t)**2"}
    return values, {"h": "w*x", "y": "w*h", "L": "(y - t)**2/2"}


class Check:
    """The forward values at w − ε, w, w + ε and both estimates, all exact."""

    def __init__(self, graph: Graph, gradient: sp.Expr):
        w = graph.values["w"]
        self.at = {shift: self._loss(graph, w + shift) for shift in (-EPS, 0, EPS)}
        self.gradient = gradient
        eps = sp.Rational(EPS.numerator, EPS.denominator)
        self.eps = eps
        self.rise = self.at[EPS] - self.at[0]
        self.span = self.at[EPS] - self.at[-EPS]
        self.one_sided = self.rise / eps
        self.central = self.span / (2 * eps)

    @staticmethod
    def _loss(graph: Graph, w: Fraction) -> sp.Expr:
        return forward_pass(Graph(dict(graph.values, w=w), graph.nodes))["L"]

    def lines(self, w: Fraction) -> list[str]:
        return [f"L(w − ε) = L({decimal(w - EPS)}) = {decimal(self.at[-EPS])}",
                f"L(w) = L({decimal(w)}) = {decimal(self.at[0])}",
                f"L(w + ε) = L({decimal(w + EPS)}) = {decimal(self.at[EPS])}",
                f"one-sided: (L(w + ε) − L(w))/ε = {decimal(self.rise)}/{decimal(self.eps)} = "
                f"{decimal(self.one_sided)}",
                f"central: (L(w + ε) − L(w − ε))/(2ε) = {decimal(self.span)}/{decimal(2 * self.eps)} = "
                f"{decimal(self.central)}",
                f"backprop: ∂L/∂w = {decimal(self.gradient)}"]


def _estimate_slips(check: Check, kind: str) -> list[Slip]:
    g = check.gradient
    backprop = Slip(g, "gave the backprop value ∂L/∂w instead of the finite-difference estimate")
    if kind == "one-sided":
        return [backprop, Slip(check.rise, "forgot to divide by ε"),
                Slip(check.rise / (2 * check.eps), "divided the one-sided difference by 2ε"),
                Slip(check.central, "used the central difference instead of the one-sided one"),
                Slip(-check.one_sided, "subtracted in the wrong order (L(w) − L(w + ε))")]
    return [backprop, Slip(check.span / check.eps, "divided the central difference by ε instead of 2ε"),
            Slip(check.one_sided, "used the one-sided difference instead of the central one"),
            Slip(check.span, "forgot to divide by 2ε")]


def _gap_slips(check: Check, kind: str) -> list[Slip]:
    estimate, other = (check.one_sided, check.central) if kind == "one-sided" else (check.central, check.one_sided)
    other_kind = "central" if kind == "one-sided" else "one-sided"
    return [Slip(check.gradient - estimate, "subtracted the other way (backprop − estimate)"),
            Slip(estimate, "gave the estimate itself, not its difference from backprop"),
            Slip(other - check.gradient, f"used the {other_kind} difference instead of the {kind} one"),
            Slip(check.span / check.eps - check.gradient if kind == "central" else check.rise - check.gradient,
                 "forgot the division by 2ε" if kind == "central" else "forgot to divide by ε")]


def _body(graph: Graph, ask: str) -> str:
    return f"A model computes {computes(graph)} with {given(graph)}. {ask}"


FORMULA = {"one-sided": "(L(w + ε) − L(w))/ε", "central": "(L(w + ε) − L(w − ε))/(2ε)"}


@family(TOPIC, "Finite-difference gradient check vs backprop", ("NAT", "MCQ", "MSQ"), (1, 2))
def build(rng: random.Random, qtype: QuestionType, marks: int) -> Problem:
    values, nodes = _network(rng, marks)
    graph, solution = solved(values, nodes, Find("L", "w"))
    check = Check(graph, solution.exact)
    if solution.exact == 0 or check.central == 0 or check.one_sided == 0:
        raise Resample("a zero gradient or estimate")
    working_find = {"working_find": graph.find.to_dict()} if graph.find else {}
    if qtype == "MSQ":
        return Problem(topic=TOPIC, marks=marks, extra=working_find,
                       statements=lambda r: _statements(r, graph, check, working(solution)))
    kind = "one-sided" if marks == 1 else rng.choice(("one-sided", "central"))
    ask_gap = marks == 2 and rng.random() < 0.5 and not (kind == "central" and check.central == check.gradient)
    estimate = check.one_sided if kind == "one-sided" else check.central
    if ask_gap:
        exact, slips = estimate - check.gradient, _gap_slips(check, kind)
        ask = (f"With ε = 0.1, what is the {kind} finite-difference estimate {FORMULA[kind]} of ∂L/∂w minus the "
               f"backprop value of ∂L/∂w?")
    else:
        exact, slips = estimate, _estimate_slips(check, kind)
        ask = f"With ε = 0.1, what is the {kind} finite-difference estimate {FORMULA[kind]} of ∂L/∂w?"
    places = places_for(exact, 3)
    return Problem(topic=TOPIC, marks=marks, body=_body(graph, ask), exact=exact,
                   steps=working(solution) + check.lines(graph.values["w"]), slips=slips, graph=graph,
                   places=places, extra=working_find)


def _statements(rng: random.Random, graph: Graph, check: Check, steps: list) -> Statements:  # type: ignore[type-arg]
    exact_central = check.central == check.gradient
    choices = [
        statement("with ε = 0.1 the one-sided estimate is {}", check.one_sided,
                  Slip(check.rise / (2 * check.eps), "divided the one-sided difference by 2ε"), rng,
                  fmt=decimal),
        statement("with ε = 0.1 the central estimate is {}", check.central,
                  Slip(check.span / check.eps, "divided the central difference by ε instead of 2ε"), rng,
                  fmt=decimal),
        _central_exact(exact_central),
        fact("halving ε roughly halves the one-sided estimate's error but quarters the central one's",
             "halving ε roughly halves the error of both estimates",
             "took the central difference's error as first order in ε (it is second order)", rng),
    ]
    return Statements(body=_body(graph, "Which statements are true?"), choices=some_true(choices),
                      steps=steps + check.lines(graph.values["w"]), graph=graph)


def _central_exact(exact_central: bool) -> Choice:
    """True for the quadratic loss (the central difference cancels the ε² term), false otherwise."""
    mistake = None if exact_central else "assumed the central difference is exact for every loss (only for quadratics)"
    return Choice("here the central estimate equals the backprop value exactly", exact_central, mistake=mistake)

