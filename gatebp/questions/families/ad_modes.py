"""Family `ad-modes`: forward- vs reverse-mode differentiation, the passes each needs."""


from __future__ import annotations

import random
from collections.abc import Mapping
from functools import cache
from typing import Any

import sympy as sp

from gatebp.gate.question import QuestionType
from gatebp.network.slips import Slip
from gatebp.questions.claims import Context, Verdict, decider
from gatebp.questions.families._claimkit import claimed, plural, spaced
from gatebp.questions.families.base import family
from gatebp.questions.families.common import Choice, require
from gatebp.questions.problem import Problem, fixed_choices

Shape = tuple[int, ...]


def _shape(shape: Shape) -> str:
    return f"a vector of {shape[0]} entries" if len(shape) == 1 else " × ".join(map(str, shape))


def _some_true(choices: list[Choice]) -> list[Choice]:
    require(any(c.correct for c in choices) and not all(c.correct for c in choices), "all four alike")
    return choices


# --- ad-modes: claims ----------------------------------------------------------------------------

MODES = "ad-modes"
X1, X2, T = sp.symbols("x1 x2 t")
SAMPLE = sp.Matrix([X1 * X2, X1 + X2**2, X2])  # f: ℝ² → ℝ³, so J·v and vᵀJ cannot be confused


@cache
def passes(mode: str, n: int, m: int) -> int:
    """One forward pass gives J·v, an m-vector: one column of the m × n Jacobian, so n passes; one
    reverse pass gives uᵀJ, an n-vector: one row, so m passes (read off the shapes SymPy computes)."""
    jacobian = sp.zeros(m, n)
    if mode == "forward":
        column = jacobian * sp.zeros(n, 1)
        return jacobian.shape[1] if column.shape == (m, 1) else 0
    row = sp.zeros(1, m) * jacobian
    return jacobian.shape[0] if row.shape == (1, n) else 0


@cache
def pass_result(mode: str) -> str:
    """Run one pass on SAMPLE at x = (1, 2): forward with tangent v = (1, −1) (d/dt f(x + t·v) at 0),
    reverse with adjoint u = (1, 2, −1) (the gradient of uᵀf); say which product it equals."""
    point = {X1: 1, X2: 2}
    jacobian = SAMPLE.jacobian([X1, X2]).subs(point)
    if mode == "forward":
        v = sp.Matrix([1, -1])
        tangent = sp.diff(SAMPLE.subs({X1: 1 + T * v[0], X2: 2 + T * v[1]}), T).subs(T, 0)
        return "Jv" if tangent == jacobian * v else "vJ" if v.T * jacobian == tangent.T else "neither"
    u = sp.Matrix([1, 2, -1])
    adjoint = sp.Matrix([sp.diff((u.T * SAMPLE)[0], var) for var in (X1, X2)]).subs(point)
    return "vJ" if u.T * jacobian == adjoint.T else "Jv" if adjoint == jacobian * u else "neither"


@decider("ad-passes")
def _decide_passes(claim: Mapping[str, Any], context: Context) -> Verdict:
    n, m, mode = int(claim["n"]), int(claim["m"]), str(claim["mode"])
    count = passes(mode, n, m)
    what = "one column J·v" if mode == "forward" else "one row uᵀJ"
    return Verdict(count == int(claim["passes"]), f"each {mode}-mode pass gives {what} of the {m} × {n} Jacobian: "
                   f"{plural(count, 'pass', 'passes')}")


@decider("ad-cheaper")
def _decide_cheaper(claim: Mapping[str, Any], context: Context) -> Verdict:
    n, m, mode = int(claim["n"]), int(claim["m"]), str(claim["mode"])
    other = "reverse" if mode == "forward" else "forward"
    mine, theirs = passes(mode, n, m), passes(other, n, m)
    return Verdict(mine < theirs, f"forward mode needs {plural(passes('forward', n, m), 'pass', 'passes')} (one per "
                   f"input) and reverse mode {passes('reverse', n, m)} (one per output)")


@decider("ad-choice")
def _decide_choice(claim: Mapping[str, Any], context: Context) -> Verdict:
    """'This mode needs fewer passes, and it needs this many.'"""
    cheaper = _decide_cheaper(claim, context)
    count = passes(str(claim["mode"]), int(claim["n"]), int(claim["m"]))
    return Verdict(cheaper.true and count == int(claim["passes"]), cheaper.why)


@decider("ad-product")
def _decide_product(claim: Mapping[str, Any], context: Context) -> Verdict:
    result = pass_result(str(claim["mode"]))
    text = {"Jv": "a Jacobian-vector product J·v", "vJ": "a vector-Jacobian product uᵀJ"}.get(result, "neither")
    return Verdict(result == claim["product"], f"one {claim['mode']}-mode pass, run on f(x₁, x₂) = (x₁x₂, x₁ + x₂², "
                   f"x₂), returns {text}")


@decider("jacobian-shape")
def _decide_jacobian(claim: Mapping[str, Any], context: Context) -> Verdict:
    """For f = g∘h with h: ℝ^n → ℝ^k and g: ℝ^k → ℝ^m, J_f = J_g·J_h (shapes from SymPy)."""
    n, k, m = int(claim["n"]), int(claim["k"]), int(claim["m"])
    shapes = {"h": sp.zeros(k, n).shape, "g": sp.zeros(m, k).shape}
    shapes["f"] = (sp.zeros(m, k) * sp.zeros(k, n)).shape
    truth = shapes[str(claim["of"])]
    return Verdict(tuple(claim["shape"]) == truth, f"J_{claim['of']} is {truth[0]} × {truth[1]} "
                   f"(outputs × inputs; J_f = J_g·J_h)")


# --- ad-modes: the family ------------------------------------------------------------------------

def _dims(rng: random.Random) -> tuple[int, int]:
    few, many = rng.randint(1, 4), rng.randint(6, 50)
    return (many, few) if rng.random() < 0.5 else (few, many)


def _space(d: int) -> str:
    """ℝ, ℝ⁴⁴: the paper's superscript, in free text (ASCII prints R^44)."""
    return "ℝ" if d == 1 else "ℝ" + str(d).translate(str.maketrans("0123456789", "⁰¹²³⁴⁵⁶⁷⁸⁹"))


def _function(n: int, m: int) -> str:
    return f"A function f: {_space(n)} → {_space(m)} ({plural(n, 'input')}, {plural(m, 'output')})"


def _mode_steps(n: int, m: int) -> list[str]:
    return [f"The Jacobian of f is {m} × {n} (one row per output, one column per input).",
            f"A forward-mode pass pushes one direction v through f and returns J·v, one column: "
            f"{plural(n, 'column')} {'takes' if n == 1 else 'take'} {plural(n, 'pass', 'passes')}.",
            f"A reverse-mode pass pulls one output's sensitivity u back and returns uᵀJ, one row: "
            f"{plural(m, 'row')} {'takes' if m == 1 else 'take'} {plural(m, 'pass', 'passes')}."]


@family(MODES, "Forward- vs reverse-mode differentiation: passes needed", ("NAT", "MCQ", "MSQ"), (1, 2))
def build_modes(rng: random.Random, qtype: QuestionType, marks: int) -> Problem:
    """Passes for a Jacobian (1 mark) or for a network's whole gradient (2 marks)."""
    if marks == 2 and qtype != "MSQ":
        return _parameter_passes(rng)
    n, m = _dims(rng)
    if qtype == "MSQ":
        return _mode_statements(rng, marks, n, m)
    text = f"{_function(n, m)} is differentiated automatically to get its full {m} × {n} Jacobian."
    if qtype == "NAT":
        mode = rng.choice(("forward", "reverse"))
        answer, other = (n, m) if mode == "forward" else (m, n)
        slips = [Slip(sp.Integer(other), f"gave the other mode's count ({'reverse' if mode == 'forward' else 'forward'})"),
                 Slip(sp.Integer(n * m), "counted one pass per Jacobian entry")]
        return Problem(topic=MODES, marks=1, exact=sp.Integer(answer), slips=spaced(sp.Integer(answer), slips, 0, need=1),
                       body=f"{text} The number of {mode}-mode passes this takes is", steps=_mode_steps(n, m),
                       extra={"n": n, "m": m, "mode": mode})
    cheap, dear = ("reverse", "forward") if m < n else ("forward", "reverse")
    count = {"forward": n, "reverse": m}
    options = [(cheap, count[cheap], None), (dear, count[dear], "picked the mode that needs more passes"),
               (cheap, count[dear], "swapped the two modes' pass counts"),
               (dear, count[cheap], "swapped the pass counts and picked the costlier mode")]
    choices = [claimed(f"{mode.capitalize()} mode, {plural(k, 'pass', 'passes')}",
                       {"kind": "ad-choice", "n": n, "m": m, "mode": mode, "passes": k}, mistake is None, mistake)
               for mode, k, mistake in options]
    return fixed_choices(topic=MODES, qtype="MCQ", marks=1,
                         body=f"{text} Which one of the following gives the mode that needs fewer passes, and the "
                              f"number of passes it needs?",
                         choices=choices, steps=_mode_steps(n, m), extra={"n": n, "m": m})


def _parameter_passes(rng: random.Random) -> Problem:
    """2 marks: count the parameters first; forward mode needs one pass per parameter, reverse one."""
    n_in, hidden, n_out = rng.randint(2, 6), rng.randint(2, 8), rng.randint(1, 4)
    weights = n_in * hidden + hidden * n_out
    params = weights + hidden + n_out
    slips = [Slip(sp.Integer(weights), "left out the biases (each is a parameter too)"),
             Slip(sp.Integer(1), "gave reverse mode's count (one backward pass)"),
             Slip(sp.Integer(n_in), "counted one pass per network input instead of per parameter"),
             Slip(sp.Integer(n_out), "counted one pass per network output")]
    body = (f"An MLP with {plural(n_in, 'input')}, one hidden layer of {plural(hidden, 'unit')} and "
            f"{plural(n_out, 'output')} (every hidden and output unit has a bias) is trained on a scalar loss $L$. "
            f"The number of forward-mode passes needed to get ∂L/∂θ for every parameter θ is")
    steps = [f"number of parameters: {n_in} × {hidden} + {hidden} + {hidden} × {n_out} + {n_out} = {params}",
             f"L is a function of the {params} parameters with 1 output, so its Jacobian is 1 × {params}.",
             f"Forward mode gives one column per pass: {params} passes (one per parameter).",
             "Reverse mode (backprop) gives the one row in a single backward pass."]
    return Problem(topic=MODES, marks=2, body=body, exact=sp.Integer(params), steps=steps,
                   slips=spaced(sp.Integer(params), slips, 0), extra={"n_in": n_in, "hidden": hidden, "n_out": n_out})


def _mode_statements(rng: random.Random, marks: int, n: int, m: int) -> Problem:
    """Pass counts, the cheaper mode and JVP vs VJP; 2 marks adds the Jacobians of f = g∘h."""
    def count(mode: str) -> Choice:
        right = n if mode == "forward" else m
        shown_count = right if rng.random() < 0.5 else (m if mode == "forward" else n)
        return claimed(f"{mode.capitalize()} mode needs {plural(shown_count, 'pass', 'passes')} for the full Jacobian",
                       {"kind": "ad-passes", "n": n, "m": m, "mode": mode, "passes": shown_count},
                       shown_count == right, "swapped the two modes' pass counts")

    cheaper = "reverse" if m < n else "forward"
    mode = cheaper if rng.random() < 0.5 else ("forward" if cheaper == "reverse" else "reverse")
    product = "Jv" if rng.random() < 0.5 else "vJ"
    pool = [count("forward"), count("reverse"),
            claimed(f"{mode.capitalize()} mode needs fewer passes here", {"kind": "ad-cheaper", "n": n, "m": m, "mode": mode},
                    mode == cheaper, "picked the mode that needs more passes"),
            claimed("Each forward-mode pass gives a Jacobian-vector product J·v (one column of J)" if product == "Jv"
                    else "Each forward-mode pass gives a vector-Jacobian product uᵀJ (one row of J)",
                    {"kind": "ad-product", "mode": "forward", "product": product}, product == "Jv",
                    "mixed up JVP (forward mode) and VJP (reverse mode)")]
    body = f"{_function(n, m)} is differentiated automatically."
    steps = _mode_steps(n, m)
    if marks == 2:
        k = rng.choice([k for k in range(2, 10) if k not in (n, m)])
        body = (f"{_function(n, m)} is computed as f = g∘h, with h: {_space(n)} → {_space(k)} and g: {_space(k)} → "
                f"{_space(m)}, and is differentiated automatically.")
        pool = rng.sample(pool, 2) + _jacobian_statements(rng, n, k, m)
        steps = steps + [f"J_h is {k} × {n}, J_g is {m} × {k}, and J_f = J_g·J_h is {m} × {n}."]
    return fixed_choices(topic=MODES, qtype="MSQ", marks=marks, body=f"{body} Which of the following statements "
                         f"is/are correct?", choices=_some_true(rng.sample(pool, 4)), steps=steps,
                         extra={"n": n, "m": m})


def _jacobian_statements(rng: random.Random, n: int, k: int, m: int) -> list[Choice]:
    """Two shape statements about the Jacobians in f = g∘h (the 2-mark step)."""
    options = {"f": [((m, n), None), ((n, m), "wrote the Jacobian as inputs × outputs")],
               "h": [((k, n), None), ((n, k), "wrote the Jacobian as inputs × outputs")],
               "g": [((m, k), None), ((m, n), "gave g the Jacobian shape of the whole f")]}
    out = []
    for of in rng.sample(sorted(options), 2):
        shape, mistake = rng.choice(options[of])
        out.append(claimed(f"The Jacobian of {of} is {shape[0]} × {shape[1]}",
                           {"kind": "jacobian-shape", "n": n, "k": k, "m": m, "of": of, "shape": list(shape)},
                           mistake is None, mistake))
    return out
