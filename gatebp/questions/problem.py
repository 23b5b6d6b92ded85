"""A family draws a Problem; `pose` turns it into a NAT, MCQ or MSQ Question.

A Problem holds what is unique to one draw: the stem, the exact answer and the named slips for
numeric forms, the working, and (for statement forms) a function that picks the four choices.
Everything the three GATE types share (the rounding sentence, the NAT key range, distractors
spaced from the key, lettering, the key step) is done once, in `pose`.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace

import sympy as sp

from gatebp.core.step import Step
from gatebp.core.values import magnitude
from gatebp.gate.question import Question, QuestionType
from gatebp.network.graph import Find, Graph
from gatebp.network.slips import Slip
from gatebp.questions.claims import ClaimError, Context, decide
from gatebp.questions.families.base import Resample
from gatebp.questions.families.common import Choice, choice_question, nat_question, numeric_choices, places_for
from gatebp.questions.reasons import distractor_reason


@dataclass(frozen=True)
class Statements:
    """Four lettered-to-be choices with the stem and working that go with them."""

    body: str
    choices: Sequence[Choice]
    steps: Sequence[Step | str]
    graph: Graph | None = None
    find: Find | None = None


Chooser = Callable[[random.Random], Statements]


@dataclass(frozen=True)
class Problem:
    """One draw of a family. `exact` and `slips` serve NAT and numeric MCQ; `statements` serves
    MSQ and `options` an MCQ whose options are not numbers (both are called with the rng only
    when that type is asked, so a draw costs nothing it does not use)."""

    topic: str
    marks: int
    body: str = ""
    exact: sp.Expr | None = None
    slips: Sequence[Slip] = ()
    steps: Sequence[Step | str] = ()
    places: int | None = None
    graph: Graph | None = None
    find: Find | None = None
    statements: Chooser | None = None
    options: Chooser | None = None
    extra: Mapping[str, object] = field(default_factory=dict)


def pose(problem: Problem, qtype: QuestionType, rng: random.Random) -> Question:
    """The Question of type `qtype` for this problem."""
    if qtype == "MSQ":
        question = _chosen(problem, "MSQ", problem.statements, rng)
    elif qtype == "MCQ" and problem.options is not None:
        question = _chosen(problem, "MCQ", problem.options, rng)
    elif qtype == "NAT":
        question = nat_question(topic=problem.topic, marks=problem.marks, body=problem.body,
                                exact=_exact(problem), steps=problem.steps, slips=problem.slips,
                                places=problem.places, graph=problem.graph, find=problem.find)
    else:
        question = _numeric_mcq(problem, rng)
    return replace(question, extra={**question.extra, **problem.extra}) if problem.extra else question


def _exact(problem: Problem) -> sp.Expr:
    if problem.exact is None:
        raise ValueError(f"{problem.topic}: a numeric form needs the problem's exact answer")
    if _answer_is_the_output(problem):
        raise Resample("the asked gradient equals the network's output: computing y would score")
    return problem.exact


def _answer_is_the_output(problem: Problem) -> bool:
    """A derivative whose value is the forward value of what it differentiates (∂y/∂x = y): a
    student who only runs the forward pass gets the mark, so the draw is not a fair question. Zero
    is exempt: a closed gate zeroes both, and that is the lesson of its own questions."""
    find, graph = problem.find, problem.graph
    if find is None or graph is None or find.wrt is None or find.lr is not None or not problem.exact:
        return False
    from gatebp.network.evaluate import forward_pass

    return bool(magnitude(forward_pass(graph)[find.of] - problem.exact) < 1e-20)


def _numeric_mcq(problem: Problem, rng: random.Random) -> Question:
    exact = _exact(problem)
    places = places_for(exact) if problem.places is None else problem.places
    choices = [replace(c, claim=_numeric_claim(problem, c.value, places))
               for c in numeric_choices(exact, problem.slips, places, rng)]
    context = Context(graph=problem.graph, exact=exact, find=problem.find, extra=problem.extra)
    return choice_question(topic=problem.topic, qtype="MCQ", marks=problem.marks, body=problem.body,
                           choices=judged(problem.topic, choices, context), steps=problem.steps, rng=rng,
                           graph=problem.graph, find=problem.find)


def _numeric_claim(problem: Problem, value: float | None, places: int) -> dict[str, object]:
    """A numeric option claims the asked quantity's value: a graph quantity when one is asked."""
    if problem.find is not None and problem.graph is not None:
        return {"kind": "quantity", "find": problem.find.to_dict(), "value": value, "places": places}
    return {"kind": "answer", "value": value, "places": places}


def _chosen(problem: Problem, qtype: QuestionType, chooser: Chooser | None,
            rng: random.Random) -> Question:
    if chooser is None:
        raise ValueError(f"{problem.topic}: no {qtype} form for this problem")
    picked = chooser(rng)
    graph = picked.graph or problem.graph
    context = Context(graph=graph, exact=problem.exact, find=problem.find, extra=problem.extra)
    return choice_question(topic=problem.topic, qtype=qtype, marks=problem.marks, body=picked.body,
                           choices=judged(problem.topic, picked.choices, context), steps=picked.steps,
                           rng=rng, graph=picked.graph, find=picked.find)


def judged(topic: str, choices: Sequence[Choice], context: Context) -> list[Choice]:
    """Each choice with a claim, decided by computation; an intended truth the computation
    contradicts raises ClaimError (a wrong key never reaches a student)."""
    out = []
    for choice in choices:
        if choice.claim is None:
            out.append(choice)
            continue
        verdict = decide(choice.claim, context)
        if verdict.true != choice.correct:
            raise ClaimError(f"{topic}: option {choice.text!r} was meant to be {choice.correct} but "
                             f"{verdict.why}")
        why = verdict.why if choice.correct or not choice.mistake else (
            distractor_reason(choice.text, choice.claim, choice.mistake, verdict.why))
        out.append(replace(choice, why=why))
    return out


def fixed_choices(*, topic: str, qtype: QuestionType, marks: int, body: str, choices: Sequence[Choice],
                  steps: Sequence[Step | str], graph: Graph | None = None, find: Find | None = None,
                  extra: Mapping[str, object] | None = None) -> Problem:
    """A problem whose four choices are already drawn (the conceptual families)."""
    picked = Statements(body=body, choices=choices, steps=steps, graph=graph, find=find)

    def chooser(_rng: random.Random) -> Statements:
        return picked

    if qtype == "MSQ":
        return Problem(topic=topic, marks=marks, statements=chooser, extra=extra or {})
    return Problem(topic=topic, marks=marks, options=chooser, extra=extra or {})
