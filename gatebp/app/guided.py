"""The guided plan: the steps a student writes for a question, and how each typed step is checked.

A question with a network is worked the way a tutor has it filled in: the forward values, the
local derivative on each edge of the paths, each path's product (or each δ when the paths are
too many to list), the sum where paths merge, the update when there is one, then the answer.
The plan is the question's own typed working (`Step.checkable`: quantity, value, skill); a
question whose working is written in vector form is re-solved as a scalar graph for its plan.

Tolerance of an intermediate step (the final answer keeps the question's key range): a typed
value is right within 1% of the step's value or half a unit of the question's last rounding
place, whichever is larger (0.005 for an answer to two places). A student carries rounded
numbers from step to step, so a step two decimals off its exact value is still the right step.
A wrong step is compared with the values the known slips give for that step (σ(z) for σ'(z), the
gate of the wrong sign, a dropped term or path, a sign slip); the slip is named when one fits.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING, Any

from gatebp.core.step import Step
from gatebp.gate.question import Question

if TYPE_CHECKING:
    from gatebp.network.steps import Solution

RELATIVE = 0.01  # 1% of the step's value, or
PLACE_FRACTION = 0.5  # half a unit of the question's rounding place, whichever is larger
MAX_PATH_STEPS = 6  # more listed paths than this: ask each δ instead of each path's product

RULES = {
    "forward": "a forward value: put the values of its inputs into its expression",
    "local:sigmoid": "σ′(z) = σ(z)(1 − σ(z)) = a(1 − a), with a the unit's own output",
    "local:tanh": "tanh′(z) = 1 − tanh²(z) = 1 − a², with a the unit's own output",
    "local:relu": "ReLU′(z) = 1 when z > 0 and 0 otherwise (the gate; 0 at z = 0)",
    "local:leaky_relu": "LeakyReLU′(z) = 1 when z > 0 and 0.01 otherwise",
    "local:linear": "a weighted sum's local derivative: by an input, its weight; by a weight, "
                    "its input",
    "local:exp": "(eᶻ)′ = eᶻ, the unit's own output",
    "local:log": "(ln z)′ = 1/z",
    "delta": "δ of a node = Σ over the nodes it feeds, δ(child) · ∂child/∂node (add at merges)",
    "path": "a path's product: multiply the local derivatives along it, from the output back",
    "sum": "the multivariate chain rule: add the products of every path",
    "update": "gradient descent: w ← w − η · ∂L/∂w",
    "answer": "the derivative asked: the sum over the paths (or the δ of the input)",
}


@dataclass(frozen=True)
class GuidedStep:
    """One line the student is asked for: what it computes, its value, what it drills, its
    line of working (shown on a reveal) and the values its known slips give."""

    skill: str
    quantity: str
    value: float
    text: str
    slips: tuple[tuple[float, str], ...] = ()
    shown: str = ""  # the quantity in the stem's names (z1[2] for the layer form's z_h2)

    @property
    def label(self) -> str:
        return self.shown or self.quantity

    @property
    def rule(self) -> str:
        if self.skill in RULES:
            return RULES[self.skill]
        if self.skill.startswith("local:"):
            return f"the local derivative of {self.skill.split(':', 1)[1]} at the unit's input z"
        return RULES["answer"]


@dataclass(frozen=True)
class GuidedPlan:
    """The steps to ask, in order, before the question's own answer; `answer` is the value
    the working ends on (the key of a NAT question)."""

    question: Question
    steps: tuple[GuidedStep, ...]
    answer: float | None = None


@dataclass(frozen=True)
class Check:
    """A typed step judged: right, or wrong and (when one fits) the slip that gives it."""

    right: bool
    slip: str | None = None


def has_plan(question: Question) -> bool:
    """Cheap test (nothing is solved): the question has a network to work through."""
    return question.graph is not None and (bool((question.find or {}).get("of"))
                                           or any(s.checkable for s in question.solution))


def places_of(question: Question) -> int:
    return question.rounding if question.rounding is not None else 2


def close(typed: float, value: float, places: int) -> bool:
    """The intermediate-step tolerance (module docstring)."""
    return abs(typed - value) <= max(RELATIVE * abs(value), PLACE_FRACTION * 10.0**-places) + 1e-12


def check(step: GuidedStep, typed: float, places: int) -> Check:
    if close(typed, step.value, places):
        return Check(True)
    fits = [why for value, why in step.slips if close(typed, value, places)
            and not close(value, step.value, places)]
    return Check(False, fits[0] if fits else None)


# -- building the plan -------------------------------------------------------------------------
def plan_for(question: Question) -> GuidedPlan | None:
    """The guided plan, or None when the question has no network steps to ask for."""
    if question.graph is None:
        return None
    solution = _solution(question)
    source = [s for s in question.solution if s.checkable]
    local = any(_skill_kind(s) == "local" for s in source)
    if solution is not None and not local:  # the family's own working is not scalar steps
        source = [s for s in solution.steps if s.checkable] or source
    chosen = _student_order(source)
    answer = chosen[-1].value if chosen else None
    if question.type == "NAT" and chosen and chosen[-1].skill in ("answer", "update") \
            and _is_key(question, chosen[-1]):
        chosen = chosen[:-1]  # the last line is the key itself: the answer prompt asks it
    if not chosen:
        return None
    from gatebp.app.guided_slips import slips_for
    from gatebp.network.notation import rename

    names = shown_names(question, source)
    return GuidedPlan(question, tuple(
        GuidedStep(str(s.skill or s.kind), str(s.quantity), float(s.value or 0.0),
                   rename(s.text, names),
                   tuple((v, rename(why, names)) for v, why in slips_for(solution, s, question))
                   if solution is not None else (), rename(str(s.quantity), names))
        for s in chosen), answer)


def shown_names(question: Question, steps: list[Step]) -> dict[str, str]:
    """Internal name -> the name the student reads: the stem's entry for a layer-form network
    (gatebp.app.stem_names), else the name the working's own forward line writes."""
    from gatebp.app.stem_names import stem_names

    return {**stated_names(steps), **stem_names(question.graph)}


_STATED = re.compile(r"\$\s*([^$=]+?)\s*=")


def stated_names(steps: list[Step]) -> dict[str, str]:
    """The names the working writes for the nodes its quantities name internally: a forward
    line "$z1[2] = ...$" for the quantity z_h2 (the layer form's names, as the stem gives them)."""
    names = {}
    for s in steps:
        found = _STATED.match(s.text)
        if s.skill == "forward" and s.quantity and found and found[1] != s.quantity:
            names[str(s.quantity)] = found[1]
    return names


def _student_order(steps: list[Step]) -> list[Step]:
    """Forward, local, then each path and the sum (or each δ when paths are many or absent),
    then the update and the answer: the order a student writes the table in."""
    kind = {s: _skill_kind(s) for s in steps}
    paths = [s for s in steps if kind[s] == "path"]
    backward = ["path", "sum"] if paths and len(paths) <= MAX_PATH_STEPS else ["delta"]
    order = ["forward", "local", *backward, "answer", "update"]
    picked = [s for k in order for s in steps if kind[s] == k]
    return _unique(picked)


def _skill_kind(step: Step) -> str:
    skill = step.skill or step.kind
    return "local" if skill.startswith("local") else skill


def _unique(steps: list[Step]) -> list[Step]:
    """One question per value: a total the working repeats (a path, the sum, the answer of
    one value) is asked once; a local partial is apart from the total of the same name."""
    seen: set[tuple[str, str, float]] = set()
    out = []
    for s in steps:
        key = ("local" if _skill_kind(s) == "local" else "total", str(s.quantity),
               round(float(s.value or 0.0), 9))
        if key not in seen:
            seen.add(key)
            out.append(s)
    return out


def _is_key(question: Question, step: Step) -> bool:
    lo, hi = question.answer["range"]
    return step.value is not None and lo - 1e-9 <= step.value <= hi + 1e-9


def _solution(question: Question) -> Solution | None:
    """The question's network solved again (for slips and a scalar plan), or None."""
    if question.graph is None or not (question.find or {}).get("of"):
        return None
    return _solve(_frozen(question.graph), _frozen(question.find or {}))


def _frozen(record: dict[str, Any]) -> str:
    import json

    return json.dumps(record)  # node order matters: no sorting


@cache
def _solve(graph: str, find: str) -> Solution | None:
    import json

    from gatebp.core.errors import GatebpError
    from gatebp.network.solve import solve
    from gatebp.network.spec import graph_from_dict

    try:
        return solve(graph_from_dict(json.loads(graph), json.loads(find)))
    except (GatebpError, ValueError, ArithmeticError):
        return None


PARTIAL = re.compile(r"∂\s*(\w+)\s*/\s*∂\s*(\w+)")


def partial_names(quantity: str) -> tuple[str, str] | None:
    """("h1", "z1") from "∂h1/∂z1" (markup dollars and spaces allowed)."""
    match = PARTIAL.search(quantity)
    return None if match is None else (match.group(1), match.group(2))


def pair_diagnosis(question: Question, typed: float) -> str | None:
    """Two slips that give a wrong NAT answer, read from the question's network solved again
    (the grader reads only the working, which the vector form and some families do not list
    as scalar paths): named when exactly one pair fits and no single slip does."""
    solution = _solution(question)
    if solution is None or question.type != "NAT" or question.find is None:
        return None
    from gatebp.gate.grade import same_nat_answer
    from gatebp.network.slips import answer_pair

    close = same_nat_answer(question)
    if any(close(m.value, typed) for m in question.mistakes):
        return None
    pair = answer_pair(solution, question.find, typed, float(question.answer["value"]), close)
    if pair is None:
        return None
    from gatebp.app.stem_names import stem_names
    from gatebp.network.notation import rename

    return rename(pair, stem_names(question.graph))
