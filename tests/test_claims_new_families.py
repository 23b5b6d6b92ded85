"""An independent checker for the issue-15 families (forward output, separability, weight-matrix
gradients, softmax Jacobian, optimizers, clipping, perceptrons, 3-input multipath): every MCQ/MSQ
option must carry a claim, and each claim is re-decided here from the exported record with this
file's own arithmetic: mpmath finite differences on the graph (tests/reference.py, via the graph
checker of test_claims), plain Fractions for perceptrons, clipping and batch gradients, mpmath for
softmax and the optimizers, and a brute-force weight search for separability. Never the families'
code. A kind this file does not know is a failure. Seeds are fixed (a few hundred draws per family).
"""

from __future__ import annotations

import functools
import itertools
import math
from fractions import Fraction
from typing import Any

import mpmath
import pytest

from gatebp.gate.question import Question
from gatebp.questions.generate import families_by_name
from tests.standards_new import check_standards
from tests.test_claims import independent_truth
from tests.sweep import scaled, built

TOPICS = ("forward-output", "linear-separability", "weight-gradients", "softmax-jacobian", "optimizer-step",
          "gradient-clipping", "perceptron", "perceptron-output", "perceptron-training", "multipath-relu",
          "multipath-relu-3")
SEEDS = scaled(12)
FORMS = [(f.name, t, m) for f in families_by_name(TOPICS) for t in f.types for m in f.marks]
Claim = dict[str, Any]
F = Fraction


def rounds(shown: Any, truth: Any, places: int) -> bool:
    return abs(mpmath.mpf(str(shown)) - mpmath.mpf(truth)) <= mpmath.mpf(0.5) * mpmath.mpf(10) ** -places + 1e-12


# ---- graph kinds ---------------------------------------------------------------------------------

def graph_truth(q: Question, claim: Claim) -> bool:
    if claim["kind"] == "quantities":
        return all(independent_truth(q.graph, {"kind": "quantity", "find": f, "value": v, "places": claim["places"]})
                   for f, v in zip(claim["finds"], claim["values"]))
    truth = independent_truth(q.graph, claim)
    assert truth is not None, claim
    return truth


# ---- answers recomputed from extra ---------------------------------------------------------------

def softmax(z: list[int]) -> list[mpmath.mpf]:
    e = [mpmath.exp(v) for v in z]
    return [v / sum(e) for v in e]


def jacobian(z: list[int]) -> list[list[mpmath.mpf]]:
    p = softmax(z)
    return [[p[i] * ((1 if i == j else 0) - p[j]) for j in range(3)] for i in range(3)]


def optimizer(e: dict[str, Any]) -> mpmath.mpf:
    """Re-run the stated optimizer with mpmath from the recorded hyper-parameters."""
    m = {k: mpmath.mpf(F(v).numerator) / F(v).denominator for k, v in e.items()
         if isinstance(v, str) and k != "kind"}
    kind = e["kind"]
    if kind == "momentum":
        w, v = m["w"], m["v"]
        for g in e["g"]:
            gv = mpmath.mpf(F(g).numerator) / F(g).denominator
            v = m["beta"] * v + ((1 - m["beta"]) if e["ema"] else 1) * gv
            w -= m["eta"] * v
        return w
    if kind == "rmsprop":
        s = m["rho"] * m["s"] + (1 - m["rho"]) * m["g"] ** 2
        return m["w"] - m["eta"] * m["g"] / mpmath.sqrt(s)
    if kind in ("adam-1", "adam-2", "adamw", "adam-l2"):
        grads = [m["g"]] if "g" in m else [m["g1"], m["g2"]]
        w = m.get("w", m.get("w1"))
        mo = ve = mpmath.mpf(0)
        for t, raw in enumerate(grads, start=1):
            g = raw + m["lam"] * w if kind == "adam-l2" else raw
            mo, ve = m["beta1"] * mo + (1 - m["beta1"]) * g, m["beta2"] * ve + (1 - m["beta2"]) * g**2
            step = m["eta"] * (mo / (1 - m["beta1"] ** t)) / mpmath.sqrt(ve / (1 - m["beta2"] ** t))
            if t == len(grads):
                return w - step - (m["eta"] * m["lam"] * w if kind == "adamw" else 0)
    if kind == "sgd-l2":
        return m["w"] - m["eta"] * (m["g"] + m["lam"] * m["w"])
    raise AssertionError(f"unknown optimizer {kind}")


def unit_output(e: dict[str, Any]) -> int:
    w, x, b = [F(v) for v in e["w"]], [F(v) for v in e["x"]], F(e["b"])
    s = sum(a * c for a, c in zip(w, x))
    if e["kind"] == "sign":
        return 1 if s + b > 0 else -1
    return 1 if s >= b else 0


def answer(q: Question) -> mpmath.mpf:
    e = q.extra
    if q.topic == "optimizer-step":
        return optimizer(e)
    if q.topic == "softmax-jacobian":
        if "g" in e:
            return sum(e["g"][i] * jacobian(e["z"])[i][e["j"] - 1] for i in range(3))
        return jacobian(e["z"])[e["i"] - 1][e["j"] - 1]
    if q.topic == "perceptron-output":
        return mpmath.mpf(unit_output(e))
    raise AssertionError(f"{q.topic}: no independent answer")


# ---- family kinds --------------------------------------------------------------------------------

def clip(g: list[F], c: F) -> list[float]:
    norm = math.sqrt(sum(float(v) ** 2 for v in g))
    return [float(v) * (float(c) / norm if norm > c else 1.0) for v in g]


def clipping(q: Question, claim: Claim) -> bool:
    g, c, split = [F(v) for v in q.extra["g"]], F(q.extra["c"]), q.extra["split"]
    out, what = clip(g, c), claim["what"]
    if what == "vector":
        return all(rounds(v, o, claim["places"]) for v, o in zip(claim["values"], out))
    if what == "entry":
        return rounds(claim["value"], out[claim["index"] - 1], claim["places"])
    if what == "norm":
        return abs(math.sqrt(sum(v * v for v in out)) - float(F(claim["value"]))) < 1e-9
    if what == "entrywise-same":
        return all(abs(max(-c, min(c, v)) - o) < 1e-9 for v, o in zip(g, out))
    if what == "per-tensor-same":
        return all(abs(a - b) < 1e-9 for a, b in zip(clip(g[:split], c) + clip(g[split:], c), out))
    if what == "unchanged":
        return all(abs(float(v) - o) < 1e-12 for v, o in zip(g, out))
    raise AssertionError(what)


def softmax_claim(q: Question, claim: Claim) -> bool:
    z, what = q.extra["z"], claim["what"]
    J = jacobian(z)
    g = q.extra.get("g", [0, 0, 0])
    back = [sum(g[i] * J[i][j] for i in range(3)) for j in range(3)]
    if what == "entry":
        return rounds(claim["value"], J[claim["i"] - 1][claim["j"] - 1], claim["places"])
    if what == "vjp":
        return rounds(claim["value"], back[claim["j"] - 1], claim["places"])
    if what == "symmetric":
        return abs(J[claim["i"] - 1][claim["j"] - 1] - J[claim["j"] - 1][claim["i"] - 1]) < 1e-30
    if what == "positive":
        return J[claim["i"] - 1][claim["j"] - 1] > 0
    if what == "largest-diagonal":
        return max(range(3), key=lambda k: J[k][k]) == claim["at"] - 1
    if what == "vjp-sum":
        return abs(sum(back)) < 1e-30
    if what == "vjp-unchanged":
        moved = [v + 1 for v in g] if claim["change"] == "shift" else [2 * v for v in g]
        return all(abs(sum(moved[i] * J[i][j] for i in range(3)) - back[j]) < 1e-30 for j in range(3))
    raise AssertionError(what)


def batch(q: Question, claim: Claim) -> bool:
    G = [[F(v) for v in r] for r in q.extra["G"]]
    X = [[F(v) for v in r] for r in q.extra["X"]]
    dW = [[sum(G[i][k] * X[j][k] for k in range(3)) for j in range(2)] for i in range(2)]
    got = [sum(G[at[0] - 1]) if claim["of"] == "b" else dW[at[0] - 1][at[1] - 1] for at in claim["entries"]]
    return all(F(str(v)) == t for v, t in zip(claim["values"], got))


def shape(q: Question, claim: Claim) -> bool:
    d = claim["dims"]
    return list(claim["shape"]) == [d["m"], d["n"]]  # ∂L/∂W has W's shape, the batch summed out


def perceptron(q: Question, claim: Claim) -> bool:
    e = q.extra
    x, w = [F(v) for v in e["x"]], [F(v) for v in e["w"]]
    b = F(e["b"]) if e["b"] is not None else F(0)
    low = 0 if e["form"] == "01" else -1
    s0 = sum(a * c for a, c in zip(w, x)) + b
    y0 = 1 if s0 > 0 else low
    k = F(e["eta"]) * (e["y"] - y0) if e["form"] == "01" else F(e["y"] if y0 != e["y"] else 0)
    w1 = [a + k * c for a, c in zip(w, x)]
    b1 = b + k if e["b"] is not None else F(0)
    s1 = sum(a * c for a, c in zip(w1, x)) + b1
    what = claim["what"]
    if what == "score-after":
        return s1 == F(str(claim["value"]))
    if what == "weight-after":
        return w1[claim["index"] - 1] == F(str(claim["value"]))
    s = s0 if what == "correct-before" else s1
    return ((1 if s > 0 else low) == e["y"]) == claim["holds"]


def step_net(q: Question, claim: Claim) -> bool:
    e = q.extra
    if claim["what"] in ("column", "at"):
        def step(z: int) -> int:
            return e["tie"] if z == 0 else int(z > 0)
        col = []
        for x1, x2 in ((0, 0), (0, 1), (1, 0), (1, 1)):
            h = [step(r[0] * x1 + r[1] * x2 + bj) for r, bj in zip(e["W"], e["b"])]
            col.append(step(e["v"][0] * h[0] + e["v"][1] * h[1] + e["c"]))
        if claim["what"] == "at":
            return col[claim["index"] - 1] == claim["value"]
        return col == list(claim["values"])
    w, x, b = [F(v) for v in e["w"]], [F(v) for v in e["x"]], F(e["b"])
    wx = sum(a * c for a, c in zip(w, x))
    sign = e["kind"] == "sign"

    def out(s: F, t: F) -> int:
        return (1 if s + t > 0 else -1) if sign else int(s >= t)

    what = claim["what"]
    if what == "sum":
        return (wx + (b if sign else 0)) == F(str(claim["value"]))
    if what == "output":
        return out(wx, b) == int(claim["value"])
    if what == "doubled-same":
        return out(2 * wx, b) == out(wx, b)
    if what == "zero-bias-differs":
        return out(wx, F(0)) != out(wx, b)
    raise AssertionError(what)


def training(q: Question, claim: Claim) -> bool:
    e = q.extra
    w = [F(v) for v in e["w0"]]
    b = F(e["b0"]) if e["b0"] is not None else None
    scores, changed = [], 0

    def out(x: list[F]) -> int:
        s = sum(a * c for a, c in zip(w, x)) + (b or 0)
        return e["tie"] if s == 0 else 1 if s > 0 else (0 if e["form"] == "01" else -1)

    for _ in range(e["epochs"]):
        for xs, t in e["samples"]:
            x = [F(v) for v in xs]
            scores.append(sum(a * c for a, c in zip(w, x)) + (b or 0))
            y = out(x)
            k = F(e["eta"]) * (t - y) if e["form"] == "01" else (F(e["eta"]) * t if y != t else F(0))
            w = [a + k * c for a, c in zip(w, x)]
            b = b + k if b is not None else None
            changed += k != 0
    what = claim["what"]
    if what == "final":
        return [*w, *([b] if b is not None else [])] == [F(str(v)) for v in claim["values"]]
    if what == "changes":
        return changed == claim["count"]
    if what == "tie-at":
        return scores[claim["index"] - 1] == 0
    if what == "all-correct":
        return all(out([F(v) for v in xs]) == t for xs, t in e["samples"])
    raise AssertionError(what)


def _table(claim: Claim) -> dict[tuple[int, ...], int]:
    return {tuple(x): out for x, out in claim["table"]}


def _fits(weights: tuple[F, ...], table: dict[tuple[int, ...], int]) -> bool:
    *w, b = weights
    return all((sum(a * c for a, c in zip(w, x)) + b > 0) == bool(out) for x, out in table.items())


def separable(claim: Claim) -> bool:
    return _searched(tuple(sorted((tuple(x), out) for x, out in claim["table"]))) == claim["separable"]


@functools.cache
def _searched(rows: tuple[tuple[tuple[int, ...], int], ...]) -> bool:
    """Brute force: every threshold function of ≤ 3 inputs has integer weights in [-3, 3] and a
    half-integer bias in [-6.5, 6.5]; no such unit means not linearly separable."""
    table = dict(rows)
    n = len(rows[0][0])
    return any(_fits((*map(F, w), F(k, 2)), table)
               for w in itertools.product(range(-3, 4), repeat=n) for k in range(-13, 14, 2))


CHECKS = {
    "batch-gradient": batch, "grad-shape": shape, "softmax": softmax_claim, "clipping": clipping,
    "perceptron-update": perceptron, "perceptron-output": step_net, "perceptron-training": training,
    "separable": lambda q, c: separable(c),
    "separator": lambda q, c: _fits(tuple(F(str(v)) for v in c["weights"]), _table(c)),
    "answer": lambda q, c: rounds(c["value"], answer(q), c["places"]),
}


def truth_of(q: Question, claim: Claim) -> bool:
    if claim["kind"] in CHECKS:
        return CHECKS[claim["kind"]](q, claim)
    assert claim["kind"] in ("quantity", "quantities", "gate", "paths"), claim["kind"]
    return graph_truth(q, claim)


def _draws(topic: str, qtype: str, marks: int) -> list[Question]:
    return [built(topic, qtype, marks, 4000 + seed) for seed in range(SEEDS)]


@pytest.mark.parametrize(("topic", "qtype", "marks"), FORMS)
def test_every_option_is_a_claim_the_checker_agrees_with(topic: str, qtype: str, marks: int) -> None:
    """Each draw once: every option's claim re-judged here, and the number standards checked."""
    for q in _draws(topic, qtype, marks):
        check_standards(q)
        for index, option in enumerate(q.options):
            assert option.claim is not None, (q.id, option.text)
            assert option.true == (index in q.answer["correct"]), (q.id, option.label)
            assert option.why, (q.id, option.label)
            assert truth_of(q, option.claim) == option.true, (q.id, option.label, option.text, option.claim)
            if not option.true and option.mistake:
                assert option.mistake in option.why, (q.id, option.why)  # the reason names the slip


def test_the_checker_covers_every_form_of_every_family() -> None:
    """make test re-judges SEEDS draws per form; `make sweep` (GATEBP_SWEEP=10) thousands."""
    per_family = {t: sum(SEEDS for f in FORMS if f[0] == t) for t in TOPICS}
    assert min(per_family.values()) >= 4 * SEEDS and sum(per_family.values()) >= 50 * SEEDS, per_family


@pytest.mark.parametrize("kind", ["separable", "clipping", "perceptron-training"])
def test_the_checker_catches_a_flipped_claim(kind: str) -> None:
    """The checker is not a rubber stamp: a claim with its data changed is judged the other way."""
    topic = {"separable": "linear-separability", "clipping": "gradient-clipping",
             "perceptron-training": "perceptron-training"}[kind]
    for seed in range(40):
        q = built(topic, "MSQ", 1, 4000 + seed)
        for option in q.options:
            claim = dict(option.claim or {})
            if not option.true:
                continue
            if claim.get("kind") == "separable":
                claim["separable"] = not claim["separable"]
            elif claim.get("what") == "entry" or claim.get("what") == "changes":
                key = "value" if "value" in claim else "count"
                claim[key] = claim[key] + 7
            else:
                continue
            assert truth_of(q, claim) != option.true, (q.id, claim)
            return
    pytest.fail(f"no {kind} claim found to flip")
