"""Family `dead-relu`: which weights get a zero gradient behind a closed ReLU."""


from __future__ import annotations

import random
from collections.abc import Mapping

from gatebp.gate.question import QuestionType
from gatebp.network.graph import Find
from gatebp.network.steps import Solution, factor
from gatebp.questions.families._claimkit import claimed
from gatebp.questions.families.base import family
from gatebp.questions.families.common import (
    Choice,
    definitions,
    listing,
    minus,
    nonzero,
    require,
    solved,
    uni,
)
from gatebp.questions.problem import Problem, fixed_choices

Shape = tuple[int, ...]


def _shape(shape: Shape) -> str:
    return f"a vector of {shape[0]} entries" if len(shape) == 1 else " × ".join(map(str, shape))


def _some_true(choices: list[Choice]) -> list[Choice]:
    require(any(c.correct for c in choices) and not all(c.correct for c in choices), "all four alike")
    return choices


# --- dead-relu -----------------------------------------------------------------------------------

DEAD = "dead-relu"


def _dead_net(rng: random.Random, units: int, biased: bool) -> tuple[dict[str, int], dict[str, str]]:
    """x1, x2 → h_k = ReLU(w_k1·x1 + w_k2·x2 (+ b_k)) → y = Σ v_k h_k → L; at least one gate open, one closed."""
    closed = set(rng.sample(range(1, units + 1), rng.randint(1, units - 1)))
    values = {"x1": nonzero(rng, -2, 2), "x2": nonzero(rng, -2, 2)}
    require(values["x1"] != values["x2"], "repeated inputs")
    nodes: dict[str, str] = {}
    rows = set()
    for k in range(1, units + 1):
        a, b, bias = nonzero(rng, -2, 2), nonzero(rng, -2, 2), nonzero(rng, -2, 2) if biased else 0
        if (a * values["x1"] + b * values["x2"] + bias <= 0) != (k in closed):
            a, b, bias = -a, -b, -bias
        require(a * values["x1"] + b * values["x2"] + bias != 0 and (a, b) not in rows, "a ReLU input of 0 or equal rows")
        rows.add((a, b))
        values[f"w{k}1"], values[f"w{k}2"], values[f"v{k}"] = a, b, nonzero(rng, -2, 2)
        nodes[f"z{k}"] = f"w{k}1*x1 + w{k}2*x2" + (f" + b{k}" if biased else "")
        if biased:
            values[f"b{k}"] = bias
        nodes[f"h{k}"] = f"relu(z{k})"
    values["t"] = rng.randint(-3, 3)
    nodes["y"] = " + ".join(f"v{k}*h{k}" for k in range(1, units + 1))
    nodes["L"] = "(y - t)**2/2"
    return values, nodes


@family(DEAD, "Which weights get zero gradient behind a closed ReLU", ("MCQ", "MSQ"), (1, 2))
def build_dead(rng: random.Random, qtype: QuestionType, marks: int) -> Problem:
    """Which weights a closed ReLU gate leaves with a zero gradient; every option a `zero` claim."""
    units = 2 if marks == 1 else 3
    values, nodes = _dead_net(rng, units, biased=marks == 2)
    graph, solution = solved(values, nodes, Find("L", "y"))
    require(solution.exact != 0, "y equals t: every gradient is 0")
    weights = [n for n in values if n[0] in "wv"]
    zero = [w for w in weights if _unit_closed(solution, w)]  # intent; each option's claim is decided by solving
    if qtype == "MCQ":
        pick = [rng.choice(zero)] + rng.sample([w for w in weights if w not in zero], 3)
    else:
        pick = rng.sample(weights, 4)
    choices = [claimed(f"${w}$", {"kind": "zero", "find": {"of": "L", "wrt": w}, "zero": True},
                       _unit_closed(solution, w), _open_mistake(solution, w)) for w in pick]
    body = (f"A network computes {definitions(graph)}, where ReLU(z) = max(0, z). {_values(values, units)} "
            + ("For which one of the following weights w is the gradient ∂L/∂w exactly 0?" if qtype == "MCQ"
               else "For which of the following weights w is the gradient ∂L/∂w exactly 0?"))
    return fixed_choices(topic=DEAD, qtype=qtype, marks=marks, body=body,
                         choices=choices if qtype == "MCQ" else _some_true(choices),
                         steps=_dead_steps(solution, pick), graph=graph)


def _values(values: Mapping[str, int], units: int) -> str:
    """The inputs and target as values, the weights as the matrix W and the vectors v (and b)."""
    rows = range(1, units + 1)

    def grid(names: list[list[str]]) -> str:
        return "[" + ", ".join("[" + ", ".join(row) + "]" for row in names) + "]"

    names = [[f"w{k}{j}" for j in (1, 2)] for k in rows]
    numbers = [[str(values[n]) for n in row] for row in names]
    vectors = [(letter, [f"{letter}{k}" for k in rows]) for letter in "vb" if f"{letter}1" in values]
    shown = [f"${'[' + ', '.join(n) + ']'} = {'[' + ', '.join(str(values[x]) for x in n) + ']'}$" for _, n in vectors]
    inputs = f"${'x1'} = {values['x1']}$, ${'x2'} = {values['x2']}$, the target $t = {values['t']}$"
    return (f"The values are {inputs}, {listing(shown)}, and the hidden weights are ${grid(names)} = {grid(numbers)}$ "
            f"(row k holds the weights of unit k).")


def _open_mistake(solution: Solution, weight: str) -> str:
    k = weight[1]
    h, z = uni(f"h{k}"), uni(f"z{k}")
    if weight.startswith("v"):
        return (f"took {h} for 0, but its gate is open ({h} = {minus(str(solution.forward[f'h{k}']))}) and "
                f"∂L/∂{uni(weight)} = (y − t)·{h}")
    return f"took the open gate of {h} ({z} = {minus(str(solution.forward[f'z{k}']))} > 0) for a closed one"


def _unit_closed(solution: Solution, weight: str) -> bool:
    """w_kj and v_k belong to hidden unit k; its gate is closed when z_k ≤ 0."""
    return bool(solution.forward[f"z{weight[1]}"] <= 0)


def _dead_steps(solution: Solution, pick: list[str]) -> list[str]:
    """The forward pass, then each option's chain with its numbers: (y − t)·vₖ·ReLU′(zₖ)·xⱼ."""
    f = solution.forward
    units = sorted({name[1] for name in f if name.startswith("z")})
    lines = [f"${f'z{k}'} = {f[f'z{k}']}$: the gate of ${f'h{k}'}$ is {'open' if f[f'z{k}'] > 0 else 'closed'} "
             f"(ReLU′({uni(f'z{k}')}) = {1 if f[f'z{k}'] > 0 else 0}), ${f'h{k}'} = {f[f'h{k}']}$" for k in units]
    delta = f["y"] - f["t"]
    lines.append(f"$y = {f['y']}$, $∂L/∂y = y - t = {delta}$")
    for w in pick:
        k, gate = w[1], 1 if f[f"z{w[1]}"] > 0 else 0
        if w.startswith("v"):
            numbers = f"{factor(delta)} × {factor(f[f'h{k}'])} = {delta * f[f'h{k}']}"
            lines.append(f"∂L/∂{uni(w)} = (y − t)·{uni(f'h{k}')} = {minus(numbers)}")
        else:
            x = f[f"x{w[2]}"]
            numbers = f"{factor(delta)} × {factor(f[f'v{k}'])} × {gate} × {factor(x)} = {delta * f[f'v{k}'] * gate * x}"
            lines.append(f"∂L/∂{uni(w)} = (y − t)·{uni(f'v{k}')}·ReLU′({uni(f'z{k}')})·{uni(f'x{w[2]}')} = "
                         f"{minus(numbers)}")
    return lines
