"""Family `relu-gate`: a chain through ReLU gates, open or closed (the GATE DA 2025 form).

1 mark: z = w1·x, h = ReLU(z), y = w2·h, and ∂y/∂w1 = w2·relu'(z)·x (one gate).
2 marks add a layer: z1 = w1·x + b, h1 = ReLU(z1), z2 = w2·h1 + c, h2 = ReLU(z2), y = w3·h2. The
extra reasoning step: a second gate decided from a second forward value, and one more weight
(w2) in the chain, ∂y/∂w1 = w3·relu'(z2)·w2·relu'(z1)·x.

A closed gate makes the asked gradient 0, so numeric items close one for only 8% of draws (a
guessable 0 otherwise); MSQs, whose gate statements are about the gate, close one for 30%.
Every distractor is a named slip: the gate ignored or misread, x and w1 mixed up in ∂z/∂w1,
the factor x left out, the weight between the gates left out, h given for ∂y/∂w1, a sign slip.
"""

from __future__ import annotations

import random

import sympy as sp

from gatebp.gate.question import QuestionType
from gatebp.network.graph import Find, Graph
from gatebp.network.slips import Slip
from gatebp.network.steps import Solution
from gatebp.questions.families._stems import RELU_DEFINED, equations, m, spanned, sym, value_of, values
from gatebp.questions.families.base import family
from gatebp.questions.families.common import (
    Choice,
    asked,
    claim_choice,
    distinct,
    nonzero,
    quantity_choice,
    require,
    rounded_note,
    solved,
    uni,
    working,
)
from gatebp.questions.problem import Problem, Statements

TOPIC = "relu-gate"
Values = dict[str, int]


def _gates(rng: random.Random, marks: int, qtype: QuestionType) -> tuple[bool, ...]:
    """The gates' states, chosen before the numbers: mostly open, so 0 is rarely the answer."""
    closed = rng.random() < (0.3 if qtype == "MSQ" else 0.08)
    if marks == 1:
        return (not closed,)
    return (True, True) if not closed else rng.choice(((False, False), (True, False)))


def _values(rng: random.Random, marks: int) -> Values:
    """Every factor on the asked path (x and the weights above the first gate) is at least 2 in
    size, so leaving one out is never the key; w1 (off that path) may be ±1."""
    big = (-3, -2, 2, 3)
    if marks == 1:
        return {"x": rng.choice(big), "w1": nonzero(rng, -3, 3), "w2": rng.choice((-4, -3, -2, 2, 3, 4))}
    return {"x": rng.choice(big), "w1": nonzero(rng, -3, 3), "b": nonzero(rng, -2, 2),
            "w2": rng.choice(big), "c": nonzero(rng, -3, 3), "w3": rng.choice(big)}


def _forward(v: Values, marks: int) -> list[int]:
    """The gates' inputs: [z] or [z1, z2]."""
    if marks == 1:
        return [v["w1"] * v["x"]]
    z1 = v["w1"] * v["x"] + v["b"]
    return [z1, v["w2"] * max(z1, 0) + v["c"]]


def _network(rng: random.Random, marks: int, gates: tuple[bool, ...]) -> tuple[Values, dict[str, str]]:
    """Numbers whose gates match `gates`, with no gate input at 0, and x ≠ w1 (and x ≠ w2), so
    mixing up x and w1 (or leaving out w2 rather than x) is never the same number as another slip."""
    for _ in range(60):
        v = _values(rng, marks)
        zs = _forward(v, marks)
        if all(z != 0 and (z > 0) == g for z, g in zip(zs, gates)) and v["x"] not in (v["w1"], v.get("w2")):
            break
    else:
        require(False, "no numbers for these gates")
    if marks == 1:
        return v, {"z": "w1*x", "h": "relu(z)", "y": "w2*h"}
    return v, {"z1": "w1*x + b", "h1": "relu(z1)", "z2": "w2*h1 + c", "h2": "relu(z2)", "y": "w3*h2"}


@family(TOPIC, "A chain through ReLU gates (open or closed)", ("NAT", "MCQ", "MSQ"), (1, 2))
def draw(rng: random.Random, qtype: QuestionType, marks: int) -> Problem:
    gates = _gates(rng, marks, qtype)
    values, nodes = _network(rng, marks, gates)
    graph, solution = solved(values, nodes, Find("y", "w1"))
    chain = Chain(values, marks)
    places = 0
    body = asked(_body(graph, value_of("∂y/∂w1", qtype)), qtype, solution.exact, places)
    return Problem(topic=TOPIC, marks=marks, body=body, exact=solution.exact, steps=working(solution),
                   slips=chain.slips("w1"), graph=graph, find=graph.find, places=places,
                   statements=lambda r: _statements(r, graph, solution, chain))


def _body(graph: Graph, ask: str) -> str:
    return f"A network computes {equations(graph)}. The given values are {values(graph)}, {RELU_DEFINED}. {ask}"


class Chain:
    """∂y/∂(w1, x, b, w2) of the chain in closed form, and the named slips on each."""

    def __init__(self, v: Values, marks: int) -> None:
        self.v, self.marks = v, marks
        zs = _forward(v, marks)
        self.gates = [1 if z > 0 else 0 for z in zs]
        self.zs = zs
        self.closed = 0 in self.gates
        self.top = v["w2"] if marks == 1 else v["w3"] * v["w2"]  # the weights above z (or z1)

    def upstream(self, *, ignore: bool = False) -> int:
        """∂y/∂z (∂y/∂z1): the weights above times the gates (taken as 1 when ignored)."""
        gates = 1 if ignore else self.gates[0] * (self.gates[1] if self.marks == 2 else 1)
        return self.top * gates

    def value(self, wrt: str) -> int:
        v, up = self.v, self.upstream()
        if wrt == "w2":
            return max(self.zs[0], 0) if self.marks == 1 else v["w3"] * self.gates[1] * max(self.zs[0], 0)
        return up * {"w1": v["x"], "x": v["w1"], "b": 1}[wrt]

    def line(self, wrt: str) -> str:
        """The working for a statement's quantity, from the sensitivity the walk already found."""
        v, z = self.v, ("z" if self.marks == 1 else "z1")
        if wrt == "w2" and self.marks == 1:
            return m(f"∂y/∂w2 = h = {self.value(wrt)}")
        if wrt == "w2":
            product = f"{v['w3'] * self.gates[1]}*{max(self.zs[0], 0)} = {self.value(wrt)}"
            return f"{m('∂y/∂w2')} = δ(z₂)·h₁ = {m(product)}"
        own = {"w1": v["x"], "x": v["w1"], "b": 1}[wrt]
        product = f"{_factor(self.upstream())}*{_factor(own)} = {self.value(wrt)}"
        return f"{m(f'∂y/∂{wrt}')} = δ({sym(z)})·∂{sym(z)}/∂{sym(wrt)} = {m(product)}"

    def slips(self, wrt: str) -> list[Slip]:
        return [s for s in self._slips(wrt) if s.value != self.value(wrt)]

    def _slips(self, wrt: str) -> list[Slip]:
        if wrt == "w2":
            return self._w2_slips()
        v, up = self.v, self.upstream(ignore=self.closed)
        own = {"w1": v["x"], "x": v["w1"], "b": 1}[wrt]  # ∂z/∂wrt
        lead = "ignored the closed ReLU gate, and " if self.closed else ""
        slips = [Slip(sp.Integer(up * own), "ignored the closed ReLU gate (its input is not positive)") if self.closed
                 else Slip(sp.S.Zero, "took an open ReLU gate as closed (misread the sign of its input)")]
        if wrt == "b":
            slips.append(Slip(sp.Integer(up * v["x"]), f"{lead}multiplied by x as if b were w₁ (∂z/∂b = 1)"))
        else:
            mixed, name = (v["w1"], "x") if wrt == "w1" else (v["x"], "w₁")
            slips += [Slip(sp.Integer(up * mixed), f"{lead}mixed up x and w₁ in ∂z/∂{uni(wrt)} (it is {name})"),
                      Slip(sp.Integer(up), f"{lead}left out the factor ∂z/∂{uni(wrt)} = {name}")]
        if self.marks == 2 and wrt != "b":
            slips.append(Slip(sp.Integer(up // v["w2"] * own), f"{lead}left out w₂, the weight between the two gates"))
        if self.marks == 1 and wrt == "w1":
            slips.append(Slip(sp.Integer(self.zs[0]), "gave w1·x, which is h with the gate ignored and so "
                                                      "∂y/∂w2, not ∂y/∂w1"))
        return slips + [Slip(-sp.Integer(self.value(wrt)), "made a sign slip with a negative weight")]

    def _w2_slips(self) -> list[Slip]:
        v, z = self.v, self.zs[0]
        if self.marks == 1:
            return [Slip(sp.Integer(z), "took h = w1·x, ignoring the ReLU") if self.closed
                    else Slip(sp.Integer(v["w2"] * z), "gave y = w₂h (the output, not its derivative h)")]
        h1 = max(z, 0)
        if self.gates[1] == 0:
            return [Slip(sp.Integer(v["w3"] * h1), "ignored the closed ReLU gate on h2")]
        return [Slip(sp.Integer(v["w3"] * v["w2"]), "used w₂ for h₁ in ∂z₂/∂w₂ (it is h₁)"),
                Slip(sp.Integer(v["w3"]), "left out the factor ∂z₂/∂w₂ = h₁")]


def _factor(n: int) -> str:
    return f"({n})" if n < 0 else str(n)


def _gate_choice(rng: random.Random, chain: Chain, unit: int) -> Choice:
    """"The ReLU gate on h is open/closed": the wording by a coin, the truth by the forward pass."""
    name = "h" if chain.marks == 1 else f"h{unit}"
    pre = "z" if chain.marks == 1 else f"z{unit}"
    said_open = rng.random() < 0.5
    is_open = chain.gates[unit - 1] == 1
    state = f"open ({m(pre)} > 0)" if said_open else f"closed ({m(pre + ' ≤ 0')})"
    text = f"The ReLU gate on {m(name)} is {state}"
    return claim_choice(text, {"kind": "gate", "unit": name, "pre": pre, "open": said_open},
                        said_open == is_open, f"misread the sign of {m(f'{pre} = {chain.zs[unit - 1]}')}")


def _statements(rng: random.Random, graph: Graph, solution: Solution, chain: Chain) -> Statements:
    targets = ["w1", "w2", "x"] if chain.marks == 1 else rng.sample(["w1", "w2", "b", "x"], 3)
    distinct([chain.value(t) for t in targets])
    choices = [_gate_choice(rng, chain, rng.randint(1, chain.marks))]
    for wrt in targets:
        slips = chain.slips(wrt)
        choices.append(spanned(quantity_choice(f"∂y/∂{wrt}", {"of": "y", "wrt": wrt}, sp.Integer(chain.value(wrt)),
                                               rng.choice(slips) if slips else None, rng)))
    require(any(c.correct for c in choices), "no true statement")
    body = _body(graph, "Which of the following statements is/are correct?")
    steps = working(solution) + [chain.line(t) for t in targets if t != "w1"]
    return Statements(body=rounded_note(body, choices), choices=choices, steps=steps,
                      graph=graph)
