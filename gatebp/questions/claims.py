"""Every option is a claim the code decides, with a one-line reason.

An option's `claim` is plain data (`{"kind": ..., ...}`): what it asserts, in a form a program can
check. `judge` decides it by computation (solving the graph, a forward pass, exact arithmetic),
never by which template produced it, and refuses an option whose intended truth the computation
contradicts: a wrong key is a bug that must stop the question, not reach a student.

Generic kinds (any family with a network may use them):

- `quantity`: `{find, value, places}`: the graph quantity `find` equals `value` shown to `places`
  (an optional `label` names it in the reason when the graph's own name is internal, as w_y1_x2);
- `answer`: `{value, places}`: the quantity the question asks for equals `value` (numeric MCQ);
- `gate`: `{unit, pre, open}`: the ReLU gate of `unit` (input node `pre`) is open / closed;
- `zero`: `{find, zero}`: the gradient `find` is (or is not) exactly 0;
- `sign`: `{find, sign}`: the gradient `find` is "positive" or "negative";
- `paths`: `{of, wrt, count, live}`: the number of paths (with a nonzero product, if `live`);
- `path`: `{of, wrt, route, value, places}`: the product along one path (`route` from `of` back to
  `wrt`) equals `value`; a two-name route is one edge's local partial;
- `share`: `{of, wrt, through | avoid, value, places}`: the paths that pass through (or avoid) a node
  together carry `value` (the identity path of a residual block, one example of a batch);
- `compare`: `{find, relation, than}`: the quantity is greater (">") or less ("<") than `than`;
- `sum`: `{of, wrt: [..], value, places}`: the gradients with respect to several variables add to `value`;
- `largest`: `{of, wrt: [..], at}`: of those gradients the one with respect to `at` is the largest;
- `combine`: `{find, parts: [find, ..], how}`: the quantity is the "sum" (or "mean") of the parts;
- `quantities`: `{finds: [find, ..], values: [..], places}`: a vector option: each graph quantity
  equals its value shown to `places` (an output vector, a gradient (∂y/∂x1, ∂y/∂x2), a row of ∂L/∂W);
  optional `labels` name them in the reason.

A family with its own kind of claim registers a decider with `@decider("kind")`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

import sympy as sp

from gatebp.core.values import as_float
from gatebp.network.graph import Find, Graph
from gatebp.network.steps import factor, short


@dataclass(frozen=True)
class Verdict:
    """The code's decision on a claim and the one-line reason a student reads."""

    true: bool
    why: str


@dataclass
class Context:
    """What a decider may read: the question's network and the exact answer it asks for.

    Solutions are cached per quantity, seeded with the question's own answer, so judging four
    options about one gradient solves the network once."""

    graph: Graph | None = None
    exact: sp.Expr | None = None
    find: Find | None = None
    extra: Mapping[str, Any] | None = None
    _solved: dict[tuple[Any, ...], sp.Expr] = field(default_factory=dict)
    _walks: dict[tuple[str, str], Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.find is not None and self.exact is not None:
            self._solved[_key(self.find.to_dict())] = self.exact

    def solve(self, find: Mapping[str, Any]) -> sp.Expr:
        """The exact value of `find` (a forward value, a derivative or a descent step)."""
        from gatebp.network.solve import solve

        if self.graph is None:
            raise ClaimError("a claim about a graph quantity needs the question's graph")
        key = _key(find)
        if key not in self._solved:
            lr = find.get("lr")
            target = Find(str(find["of"]), find.get("wrt"), None if lr is None else Fraction(str(lr)))
            self._solved[key] = solve(self.graph, target).exact
        return self._solved[key]


    def walk(self, of: str, wrt: str) -> Any:
        """The full Solution (paths and their products) of ∂of/∂wrt, solved once."""
        from gatebp.network.solve import solve

        if self.graph is None:
            raise ClaimError("a claim about paths needs the question's graph")
        if (of, wrt) not in self._walks:
            self._walks[(of, wrt)] = solve(self.graph, Find(of, wrt))
        return self._walks[(of, wrt)]


def _key(find: Mapping[str, Any]) -> tuple[Any, ...]:
    return (find.get("of"), find.get("wrt"), None if find.get("lr") is None else str(find.get("lr")))


Decider = Callable[[Mapping[str, Any], Context], Verdict]
DECIDERS: dict[str, Decider] = {}


class ClaimError(AssertionError):
    """An option's intended truth disagrees with the computation: a bug, never shown."""


def decider(kind: str) -> Callable[[Decider], Decider]:
    """Register the function that decides claims of `kind`."""

    def register(function: Decider) -> Decider:
        DECIDERS[kind] = function
        return function

    return register


def decide(claim: Mapping[str, Any], context: Context) -> Verdict:
    kind = claim.get("kind")
    if kind not in DECIDERS:
        raise ClaimError(f"no decider for claims of kind {kind!r}")
    return DECIDERS[str(kind)](claim, context)


def rounds_to(value: float, exact: sp.Expr, places: int) -> bool:
    """True when `value`, written to `places` decimals, is the exact value rounded (half a unit)."""
    return abs(value - as_float(exact)) <= 0.5 * 10.0**-places + 1e-12


def name(node: object) -> str:
    """A node's name as the stem prints it (h2 -> h₂, yhat -> ŷ) in a reason's free text."""
    from gatebp.core.maths import render_name

    return render_name(str(node), "unicode")


def shown_label(text: object) -> str:
    """A family's label for a quantity (∂L/∂W21, written as a span holds it) as the paper prints it
    (∂L/∂W₂₁); a label that is not maths is kept as written."""
    from gatebp.core.errors import ExpressionError
    from gatebp.core.maths import parse_markup, render

    try:
        return render(parse_markup(f"${text}$"), "unicode")
    except ExpressionError:
        return str(text)


def number(value: sp.Expr) -> str:
    """A value in a reason: `short`'s digits with the paper's minus (−6), as free text prints it in
    every target (ASCII transliterates it back to -6)."""
    return short(value).replace("-", "−")


def label(find: Mapping[str, Any]) -> str:
    """∂y/∂w1, y for a forward value, or "the new w" for a descent step."""
    of, wrt = name(find["of"]), name(find.get("wrt") or "")
    if find.get("lr") is not None:
        return f"the new {wrt} (after one step with learning rate {find['lr']:g})"
    return f"∂{of}/∂{wrt}" if find.get("wrt") else of


@decider("quantity")
def _quantity(claim: Mapping[str, Any], context: Context) -> Verdict:
    exact = context.solve(claim["find"])
    holds = rounds_to(float(claim["value"]), exact, int(claim.get("places", 4)))
    return Verdict(holds, f"{shown_label(claim['label']) if claim.get('label') else label(claim['find'])} = {number(exact)}")


@decider("answer")
def _answer(claim: Mapping[str, Any], context: Context) -> Verdict:
    if context.exact is None:
        raise ClaimError("an answer claim needs the question's exact answer")
    holds = rounds_to(float(claim["value"]), context.exact, int(claim.get("places", 4)))
    return Verdict(holds, f"the answer is {number(context.exact)}")


@decider("gate")
def _gate(claim: Mapping[str, Any], context: Context) -> Verdict:
    from gatebp.network.notation import display_names
    from gatebp.network.solve import forward_pass

    if context.graph is None:
        raise ClaimError("a gate claim needs the question's graph")
    z = forward_pass(context.graph)[str(claim["pre"])]
    is_open = bool(z > 0)
    names = display_names(context.graph)  # z_h3 is z1[3] in a layer-form stem's names
    pre = names.get(str(claim["pre"]), str(claim["pre"]))
    state = f"${pre}$ = {number(z)} {'> 0: open' if is_open else '≤ 0: closed'}"
    return Verdict(is_open == bool(claim["open"]), f"the gate of ${claim['unit']}$: {state}")


@decider("zero")
def _zero(claim: Mapping[str, Any], context: Context) -> Verdict:
    exact = context.solve(claim["find"])
    return Verdict((exact == 0) == bool(claim.get("zero", True)), f"{label(claim['find'])} = {number(exact)}")


@decider("sign")
def _sign(claim: Mapping[str, Any], context: Context) -> Verdict:
    exact = context.solve(claim["find"])
    sign = "positive" if exact > 0 else "negative" if exact < 0 else "zero"
    return Verdict(sign == claim["sign"], f"{label(claim['find'])} = {number(exact)} is {sign}")


@decider("paths")
def _paths(claim: Mapping[str, Any], context: Context) -> Verdict:
    solution = context.walk(str(claim["of"]), str(claim["wrt"]))
    live = bool(claim.get("live"))
    count = sum(1 for p in solution.paths if not live or p.product != 0)
    what = "paths with a nonzero product" if live else "paths"
    return Verdict(count == int(claim["count"]), f"{count} {what} lead from {name(claim['wrt'])} to {name(claim['of'])}")


def _route(route: tuple[str, ...]) -> str:
    return " ← ".join(name(n) for n in route)


def _places(claim: Mapping[str, Any]) -> int:
    return int(claim.get("places", 4))


@decider("path")
def _path(claim: Mapping[str, Any], context: Context) -> Verdict:
    route = tuple(str(n) for n in claim["route"])
    solution = context.walk(str(claim["of"]), str(claim["wrt"]))
    found = [p for p in solution.paths if p.names == route]
    if not found:
        return Verdict(False, f"there is no path {_route(route)}")
    product = found[0].product
    holds = rounds_to(float(claim["value"]), product, _places(claim))
    return Verdict(holds, f"the path {_route(route)} carries {number(product)}")


@decider("share")
def _share(claim: Mapping[str, Any], context: Context) -> Verdict:
    solution = context.walk(str(claim["of"]), str(claim["wrt"]))
    through, avoid = claim.get("through"), claim.get("avoid")
    if (through is None) == (avoid is None):
        raise ClaimError("a share claim names exactly one of through / avoid")
    node = str(through or avoid)
    kept = [p.product for p in solution.paths if (node in p.names) == (through is not None)]
    total = sp.Add(*kept)
    which = (f"through {name(node)}" if through is not None
             else f"that avoid{'s' if len(kept) == 1 else ''} {name(node)}")
    holds = rounds_to(float(claim["value"]), total, _places(claim))
    paths = "the path" if len(kept) == 1 else f"the {len(kept)} paths"
    return Verdict(holds, f"{paths} {which} carr{'ies' if len(kept) == 1 else 'y'} {number(total)}")


@decider("compare")
def _compare(claim: Mapping[str, Any], context: Context) -> Verdict:
    exact = context.solve(claim["find"])
    than = sp.Rational(str(claim["than"]))
    relation = str(claim["relation"])
    if relation not in (">", "<"):
        raise ClaimError(f"unknown relation {relation!r}")
    holds = bool(exact > than) if relation == ">" else bool(exact < than)
    sign = ">" if exact > than else "<" if exact < than else "="
    return Verdict(holds, f"{label(claim['find'])} = {number(exact)} {sign} {number(than)}")


def _gradients(claim: Mapping[str, Any], context: Context) -> dict[str, sp.Expr]:
    return {str(w): context.solve({"of": claim["of"], "wrt": w}) for w in claim["wrt"]}


@decider("sum")
def _sum(claim: Mapping[str, Any], context: Context) -> Verdict:
    gradients = _gradients(claim, context)
    total = sp.Add(*gradients.values())
    holds = rounds_to(float(claim["value"]), total, _places(claim))
    terms = " + ".join(factor(g).replace("-", "−") for g in gradients.values())
    return Verdict(holds, f"{terms} = {number(sp.nsimplify(round(as_float(total), 10)))}")


@decider("largest")
def _largest(claim: Mapping[str, Any], context: Context) -> Verdict:
    gradients = {w: as_float(g) for w, g in _gradients(claim, context).items()}
    top = max(gradients, key=lambda w: gradients[w])
    unique = sum(1 for g in gradients.values() if g == gradients[top]) == 1
    listed = ", ".join(f"∂{name(claim['of'])}/∂{name(w)} = {number(sp.Float(g, 30))}" for w, g in gradients.items())
    return Verdict(unique and top == claim["at"], f"{listed}: the largest is at {name(top)}")


@decider("combine")
def _combine(claim: Mapping[str, Any], context: Context) -> Verdict:
    whole = context.solve(claim["find"])
    parts = [context.solve(part) for part in claim["parts"]]
    how = str(claim["how"])
    if how not in ("sum", "mean"):
        raise ClaimError(f"unknown combination {how!r}")
    combined = sp.Add(*parts) if how == "sum" else sp.Add(*parts) / len(parts)
    holds = abs(as_float(whole - combined)) < 1e-20
    return Verdict(holds, f"{label(claim['find'])} = {number(whole)}; the {how} of the parts is {number(combined)}")


@decider("quantities")
def _quantities(claim: Mapping[str, Any], context: Context) -> Verdict:
    finds, values, places = list(claim["finds"]), list(claim["values"]), _places(claim)
    if len(finds) != len(values):
        raise ClaimError("a quantities claim pairs each find with one value")
    exact = [context.solve(find) for find in finds]
    holds = all(rounds_to(float(v), e, places) for v, e in zip(values, exact))
    names = [shown_label(n) for n in claim["labels"]] if claim.get("labels") else [label(f) for f in finds]
    listed = ", ".join(f"{n} = {number(e)}" for n, e in zip(names, exact))
    return Verdict(holds, listed)
