"""Shared tools for families: numbers for hand work, solving a sampled spec, true-or-slip MSQ
statements, and turning an answer plus named slips into a NAT, MCQ or MSQ Question with a GATE key.

One home for these so every family words, rounds and letters its options the same way.
"""

from __future__ import annotations

import json
import random
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import replace
from fractions import Fraction
from typing import Any

import sympy as sp

from gatebp.core.expr import format_number
from gatebp.core.step import Step, as_steps
from gatebp.gate.question import LABELS, NatMistake, Option, Question, QuestionType, key_range, nat_question_text
from gatebp.network.graph import Find, Graph
from gatebp.network.slips import Slip
from gatebp.network.solve import solve
from gatebp.network.spec import parse_spec
from gatebp.network.steps import Solution, as_float, short
from gatebp.questions.families._markup import (
    assignments,
    definitions,
    listing,
    minus,
    paper_minus,
    partial,
    rounded_words,
    span,
    uni,
    value_asked,
    where_activations,
)
from gatebp.questions.families.choice import RELATIVE_GAP, Choice, apart, fixed, require
from gatebp.questions.families.quantities import (
    asked,
    claim_choice,
    distinct,
    figure,
    quantity,
    quantity_choice,
    rounded_answer,
    rounded_note,
    stated,
)

# Re-exported: families read every option builder from this module.
__all__ = ["RELATIVE_GAP", "Choice", "apart", "asked", "assignments", "claim_choice", "definitions", "distinct",
           "figure", "listing", "minus", "partial", "quantity", "quantity_choice", "require", "rounded_answer",
           "rounded_note", "rounded_words", "span", "stated", "uni", "value_asked", "where_activations"]


def nonzero(rng: random.Random, low: int, high: int) -> int:
    """A small integer in [low, high] other than 0."""
    return rng.choice([n for n in range(low, high + 1) if n != 0])


def tenths(rng: random.Random, low: float, high: float, *, nonzero_only: bool = True) -> Fraction:
    """A one-decimal number in [low, high] (exact): 0.5, -1.2, ..."""
    choices = [Fraction(n, 10) for n in range(round(low * 10), round(high * 10) + 1)]
    return rng.choice([c for c in choices if c != 0] if nonzero_only else choices)


def num(value: Fraction | int) -> str:
    """A number as the spec grammar (and the question text) writes it."""
    return format_number(Fraction(value))


def rational(value: Fraction | int) -> sp.Rational:
    """A Fraction as the exact SymPy number the Question keys are built from."""
    value = Fraction(value)
    return sp.Rational(value.numerator, value.denominator)


def shown(value: Fraction | int | sp.Expr) -> str:
    """A number as a question or statement prints it: 2, -0.5, 0.1875, or 0.2350 for long values."""
    if isinstance(value, (Fraction, int)):
        return num(Fraction(value))
    return short(sp.S(value))


def decimal(value: sp.Expr) -> str:
    """An exact terminating decimal written out in full (0.000081), for rational values."""
    return num(Fraction(str(sp.S(value))))


def vector(values: Sequence[Fraction | int]) -> str:
    """"[1, -0.5, 2]" as the paper writes a vector."""
    return "[" + ", ".join(num(Fraction(v)) for v in values) + "]"


def vec(values: Sequence[Fraction | int | sp.Expr]) -> str:
    """A vector in free text as a maths span, "$[1, -0.5]$": printed as the paper writes a vector
    in a sentence, (1, −0.5)ᵀ (a column in the print targets), in every view."""
    return "$" + vector([Fraction(str(sp.S(v))) for v in values]) + "$"


def row(values: Sequence[Fraction | int | sp.Expr]) -> str:
    """A row (a one-row matrix, as a row of δxᵀ) in free text: "$[[1, -0.5]]$", printed [1  −0.5]."""
    return "$[" + vector([Fraction(str(sp.S(v))) for v in values]) + "]$"


def matrix(rows: Sequence[Sequence[Fraction | int]]) -> str:
    """"[[1, 1, 0], [1, 0, 1]]": a weight matrix written row by row."""
    return "[" + ", ".join(vector(row) for row in rows) + "]"





def build_graph(values: Mapping[str, Fraction | int], nodes: Mapping[str, str], find: Find) -> Graph:
    """A sampled network through the same checked path as a user's spec file."""
    spec: dict[str, Any] = {"values": {k: num(v) for k, v in values.items()}, "nodes": dict(nodes),
                            "find": find.to_dict()}
    if find.lr is not None:
        spec["find"]["lr"] = num(find.lr)
    return parse_spec(json.dumps(spec), source="<generated>")


def solved(values: Mapping[str, Fraction | int], nodes: Mapping[str, str], find: Find) -> tuple[Graph, Solution]:
    graph = build_graph(values, nodes, find)
    return graph, solve(graph)


def given(graph: Graph, names: Sequence[str] | None = None) -> str:
    """"x = 2, w1 = 1 and w2 = 3" for the question text (plain; `assignments` writes the markup)."""
    shown = [f"{k} = {num(v)}" for k, v in graph.values.items() if names is None or k in names]
    return shown[0] if len(shown) == 1 else ", ".join(shown[:-1]) + " and " + shown[-1]


def computes(graph: Graph) -> str:
    """"z = w1*x, h = relu(z), y = w2*h" for the question text (plain; `definitions` writes the
    markup the paper's notation prints from)."""
    return ", ".join(f"{n.name} = {n.text}" for n in graph.nodes)


def places_for(value: sp.Expr, default: int = 2) -> int:
    """0 places for integers, the exact decimals for short terminating decimals, else `default`."""
    if value.is_Rational:
        for places in range(0, default + 1):
            if (value * 10**places).is_Integer:
                return places
    return default


def answer_places(exact: sp.Expr) -> int:
    """Exact decimals for short rationals; for exp/log answers 3 places below 1 in size, else 2."""
    if exact.is_Rational:
        return places_for(exact, 2)
    return 3 if abs(as_float(exact)) < 1 else 2


def places_covering(exact: sp.Expr, slips: Sequence[Slip], cap: int = 2) -> int:
    """Decimal places that show the answer and every slip faithfully (so a mean of 7/3 is not "2")."""
    return max([places_for(exact, cap)] + [places_for(sp.S(s.value), cap) for s in slips])


def path_sum(solution: Solution, through: str) -> sp.Expr:
    """The part of the gradient carried by the paths that pass through `through`."""
    return sp.Add(*(p.product for p in solution.paths if through in p.names))


def update_rule_slips(solution: Solution, name: str, start: sp.Expr, lr: sp.Expr) -> list[Slip]:
    """The update-rule slips worded for the parameter `name` (b + η·∂L/∂b for b − η·∂L/∂b, the
    learning rate forgotten, the step given for the new value), in the paper's notation."""
    gradient = solution.gradient if solution.gradient is not None else sp.S.Zero
    name = uni(name)
    rule = f"η·∂L/∂{name}"
    return [Slip(start + lr * gradient, f"added the step ({name} + {rule}) instead of subtracting it"),
            Slip(start - gradient, f"forgot to multiply ∂L/∂{name} by the learning rate η"),
            Slip(lr * gradient, f"gave the step {rule} instead of the new {name}")]


def nat_answer(exact: sp.Expr, places: int) -> dict[str, Any]:
    """The NAT key: an exact range when the value has at most `places` decimals, else a range."""
    value = as_float(exact)
    if exact.is_Rational and (exact * 10**places).is_Integer:
        lo = hi = round(value, places)
    else:
        lo, hi = key_range(value, places)
    return {"value": value, "exact": sp.sstr(exact), "range": [lo, hi]}





def statement(template: str, value: sp.Expr, slip: Slip | None, rng: random.Random, p_true: float = 0.5,
              fmt: Callable[[sp.Expr], str] = shown) -> Choice:
    """An MSQ statement `template.format(v)`: the true value, or (by a coin) a named slip's value.

    A slip that prints like the true value cannot make a false statement, so the claim stays true.
    """
    value = sp.S(value)
    if slip is not None and rng.random() >= p_true:
        wrong = sp.S(slip.value)
        if fmt(wrong) != fmt(value):
            return Choice(template.format(fmt(wrong)), False, slip.number, slip.mistake)
    return Choice(template.format(fmt(value)), True, as_float(value))


def fact(true_text: str, false_text: str, false_mistake: str, rng: random.Random,
         p_true: float = 0.5) -> Choice:
    """A conceptual MSQ statement: the true wording, or its false twin named by the slip behind it.

    Keyed by intent, not decided by computation: the graph families no longer use it (their
    statements carry claims, see `quantity_choice` and `claim_choice`); kept for the concept
    families until they move to claims."""
    if rng.random() < p_true:
        return Choice(true_text, True)
    return Choice(false_text, False, mistake=false_mistake)


def some_true(choices: list[Choice]) -> list[Choice]:
    """An MSQ needs a correct option; when the coins made every statement false, draw again."""
    require(any(c.correct for c in choices), "no true statement")
    return choices


def pick_statements(rng: random.Random, pool: Sequence[Choice], count: int = 4) -> list[Choice]:
    """`count` statements from `pool` with at least one true (and, when the pool allows, one false)."""
    true = [c for c in pool if c.correct]
    false = [c for c in pool if not c.correct]
    require(bool(true), "no true statement")
    first = [rng.choice(true)] + ([rng.choice(false)] if false else [])
    rest = [c for c in pool if c not in first]
    rng.shuffle(rest)
    chosen = first + rest[: count - len(first)]
    require(len(chosen) == count, "too few statements")
    return chosen


def four_apart(correct: Choice, candidates: Sequence[Choice], gap: float) -> list[Choice]:
    """The correct choice and the first three candidates whose values differ from all kept
    ones by at least `gap` (and whose texts differ); too few means another draw."""
    chosen = [correct]
    for candidate in candidates:
        if len(chosen) == 4:
            break
        if candidate.text not in {c.text for c in chosen} and _apart(candidate, chosen, gap):
            chosen.append(candidate)
    require(len(chosen) == 4, "fewer than three distinct distractors")
    return chosen


def _apart(candidate: Choice, chosen: Sequence[Choice], gap: float) -> bool:
    if candidate.value is None:
        return True
    return all(c.value is None or abs(candidate.value - c.value) >= gap for c in chosen)


def nat_question(*, topic: str, marks: int, body: str, exact: sp.Expr, steps: Sequence[Step | str],
                 slips: Sequence[Slip] = (), places: int | None = None, graph: Graph | None = None,
                 find: Find | None = None) -> Question:
    places = places_for(exact) if places is None else places
    answer = nat_answer(exact, places)
    lo, hi = answer["range"]
    mistakes = tuple(NatMistake(round(s.number, 6), paper_minus(s.mistake)) for s in _distinct_slips(slips, exact, places)
                     if not lo - 1e-9 <= s.number <= hi + 1e-9)
    return Question(id="", topic=topic, type="NAT", marks=marks, text=nat_question_text(paper_minus(body), places),
                    answer=answer, solution=_working(steps), graph=_graph_dict(graph), find=_find_dict(find),
                    rounding=places, mistakes=mistakes)


def numeric_choices(exact: sp.Expr, slips: Sequence[Slip], places: int, rng: random.Random) -> list[Choice]:
    """The answer and the first three named slips that stand apart from it and from each other.

    Apart (`apart`) means at least 5% of the larger value and beyond the key's rounding, so no
    option is a rounding of another. Every distractor is a named, plausible slip: a draw with
    fewer than three such slips is drawn again (a filler "doubled the result" teaches nothing).
    `rng` is kept for callers; the order of `slips` (most telling first) decides.
    """
    answer = as_float(exact)
    chosen = [Choice(fixed(answer, places), True, round(answer, places))]
    gap = min_gap(exact, places)
    for slip in slips:
        if len(chosen) == 4:
            break
        shown_value = round(slip.number, places)
        if all(apart(shown_value, c.value, gap) for c in chosen if c.value is not None):
            chosen.append(Choice(fixed(slip.number, places), False, shown_value, slip.mistake))
    require(len(chosen) == 4, "fewer than three named slips stand apart from the key")
    return chosen







def min_gap(exact: sp.Expr, places: int) -> float:
    """How far apart options must be: one unit of the last place for exact keys, two otherwise
    (a key range spans one unit either side of the rounded answer)."""
    step = 10.0**-places
    return step * (0.999 if exact.is_Rational and (exact * 10**places).is_Integer else 2.001)


def _distinct_slips(slips: Sequence[Slip], exact: sp.Expr, places: int) -> list[Slip]:
    answer, seen, out = as_float(exact), list[float](), list[Slip]()
    gap = min_gap(exact, places)
    for slip in slips:
        number = slip.number
        if abs(number - answer) < gap or any(abs(number - s) < gap for s in seen):
            continue
        seen.append(number)
        out.append(slip)
    return out


def choice_question(*, topic: str, qtype: QuestionType, marks: int, body: str,
                    choices: Sequence[Choice], steps: Sequence[Step | str], rng: random.Random,
                    graph: Graph | None = None, find: Find | None = None) -> Question:
    """Letter four choices in a uniformly random order; the key is where the correct ones land."""
    if len(choices) != 4:
        raise ValueError(f"{topic}: an MCQ/MSQ needs 4 options, got {len(choices)}")
    correct_count = sum(c.correct for c in choices)
    if (qtype == "MCQ" and correct_count != 1) or (qtype == "MSQ" and correct_count < 1):
        raise ValueError(f"{topic}: {qtype} with {correct_count} correct options")
    order = list(choices)
    rng.shuffle(order)
    options = tuple(Option(LABELS[i], paper_minus(c.text), c.value, c.mistake and paper_minus(c.mistake), c.find, c.claim,
                           c.correct if c.claim is not None else None, c.why and paper_minus(c.why))
                    for i, c in enumerate(order))
    correct = [i for i, c in enumerate(order) if c.correct]
    key = ";".join(LABELS[i] for i in correct)
    text = paper_minus(body) if qtype == "MCQ" else f"{paper_minus(body)} (one or more options may be correct)"
    return Question(id="", topic=topic, type=qtype, marks=marks, text=text, answer={"correct": correct},
                    solution=_working(steps) + (Step("key", f"Key: {key}"),), options=options,
                    graph=_graph_dict(graph), find=_find_dict(find))


def numeric_question(*, topic: str, qtype: QuestionType, marks: int, body: str, exact: sp.Expr,
                     steps: Sequence[Step | str], slips: Sequence[Slip], rng: random.Random,
                     graph: Graph | None = None, find: Find | None = None, places: int | None = None) -> Question:
    """NAT, or MCQ with slips as distractors: the usual shape of a numeric family."""
    if qtype == "NAT":
        return nat_question(topic=topic, marks=marks, body=body, exact=exact, steps=steps, slips=slips,
                            places=places, graph=graph, find=find)
    places = places_for(exact) if places is None else places
    choices = numeric_choices(exact, slips, places, rng)
    return choice_question(topic=topic, qtype=qtype, marks=marks, body=body, choices=choices, steps=steps,
                           rng=rng, graph=graph, find=find)





def _working(steps: Sequence[Step | str]) -> tuple[Step, ...]:
    """The working's lines with the paper's minus in free text (every family, one place)."""
    return tuple(replace(step, text=paper_minus(step.text)) for step in as_steps(steps))


def _graph_dict(graph: Graph | None) -> dict[str, dict[str, str]] | None:
    return None if graph is None else graph.to_dict()


def _find_dict(find: Find | None) -> dict[str, object] | None:
    return None if find is None else find.to_dict()


def working(solution: Solution) -> list[Step | str]:
    """The solver's typed steps (what the Question's solution carries); a family may add lines.

    A local partial whose label is also a total derivative (L = u·x with u = x + y: the edge
    L ← x is one of two routes) is written ∂L/∂x|direct, so the working never prints two values
    for one symbol (review B9)."""
    renamed = _direct_edges(solution)
    if not renamed:
        return list(solution.steps)
    return [_relabel(step, renamed) for step in solution.steps]


def _direct_edges(solution: Solution) -> list[str]:
    """Labels ∂node/∂parent of edges that are not the only route from parent to node."""
    labels = []
    for edge in solution.edges:
        longer = any(edge.node in p.names and edge.parent in p.names
                     and p.names.index(edge.parent) - p.names.index(edge.node) > 1 for p in solution.paths)
        if longer:
            labels.append(edge.label)
    return labels


def _relabel(step: Step, labels: Sequence[str]) -> Step:
    if step.kind not in ("local", "delta", "path"):
        return step
    text = step.text
    for label in labels:
        text = re.sub(re.escape(label) + r"(?![\w|])", f"{label}|direct", text)
    if step.kind == "local" and text != step.text:
        text += " (this edge alone, the other inputs held fixed)"
    return replace(step, text=text)
