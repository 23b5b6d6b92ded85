"""Issue-15 families, part 2, each re-answered over >= 300 seeds by an INDEPENDENT computation:
weight-gradients from the matrices parsed out of the stem (δ = y − t and δ xᵀ, or G Xᵀ, in
fractions), softmax-jacobian with math.exp from the logits in the stem, optimizer-step by the
textbook update rules in floats, gradient-clipping with math.sqrt, multipath-relu-3 by exact
finite differences on the matrices (the network is piecewise linear).
"""

from __future__ import annotations

import json
import math
import re
from fractions import Fraction

import pytest

from gatebp.gate.question import Question
from tests.standards_new import build, check_standards, close, forms, key_options, plan, tuple_of


SLOW = {"multipath-relu-3": (("MCQ", 2), ("MSQ", 2), ("NAT", 2))}
TOPICS = ("weight-gradients", "softmax-jacobian", "optimizer-step", "gradient-clipping", "multipath-relu-3")


def seeds_for(topic: str, qtype: str, marks: int) -> list[int]:
    return [s for t, m, s in plan(topic, slow=SLOW.get(topic, ())) if (t, m) == (qtype, marks)]


@pytest.mark.parametrize("topic", TOPICS)
def test_at_least_300_seeds_per_family(topic: str) -> None:
    assert len(plan(topic, slow=SLOW.get(topic, ()))) >= 300


def grab(text: str, name: str) -> list:  # type: ignore[type-arg]
    """The bracketed literal after "name = " in a stem (brackets matched), read as JSON."""
    match = re.search(rf"(?<![\w∂/]){re.escape(name)} = \[", text)
    assert match, (name, text)
    start, depth = match.end() - 1, 0
    for end in range(start, len(text)):
        depth += {"[": 1, "]": -1}.get(text[end], 0)
        if depth == 0:
            return json.loads(text[start:end + 1])
    raise AssertionError(f"unclosed bracket after {name}")


def fr(rows):  # type: ignore[no-untyped-def]
    return [fr(r) for r in rows] if isinstance(rows, list) else Fraction(str(rows))


# ---- weight-gradients -------------------------------------------------------------------------------

@pytest.mark.parametrize("qtype,marks", forms("weight-gradients"))
def test_weight_gradients(qtype: str, marks: int) -> None:
    for seed in seeds_for("weight-gradients", qtype, marks):
        q = build("weight-gradients", qtype, marks, seed)
        check_standards(q)
        grad = _layer_gradient(q) if marks == 1 else _batch_gradient(q)
        assert grad[0] != grad[1], q.id
        if qtype == "NAT":
            i, j = map(int, re.search(r"What is \$?∂L/∂W_?(\d)(\d)", q.text).groups())
            assert q.answer["value"] == float(grad[i - 1][j - 1]) != 0, q.id
        elif qtype == "MCQ":
            i = int(re.search(r"row (\d) of ∂L/∂W", q.text).group(1))
            assert tuple_of(key_options(q)[0]) == tuple(float(v) for v in grad[i - 1]), q.id
        else:
            _check_gradient_claims(q, grad, marks)


def _layer_gradient(q: Question) -> list[list[Fraction]]:
    W, b, x, t = (fr(grab(q.text, k)) for k in ("W", "b", "x", "t"))
    assert len(set(map(tuple, W))) == 2 and len(set(x)) == 3, q.id
    delta = [sum((w * v for w, v in zip(row, x)), bi) - ti for row, bi, ti in zip(W, b, t)]
    assert all(delta), q.id
    return [[d * v for v in x] for d in delta]


def _batch_gradient(q: Question) -> list[list[Fraction]]:
    X, G = fr(grab(q.text, "X")), fr(grab(q.text, "G"))
    assert len(set(zip(*X))) == 3 and G[0] != G[1], q.id  # no repeated example, no repeated row
    return [[sum((g * x for g, x in zip(G[i], X[j])), Fraction(0)) for j in range(2)] for i in range(2)]


def _check_gradient_claims(q: Question, grad: list[list[Fraction]], marks: int) -> None:
    bias = [sum(r) for r in fr(grab(q.text, "G"))] if marks == 2 else None
    if marks == 1:
        W, b, x, t = (fr(grab(q.text, k)) for k in ("W", "b", "x", "t"))
        bias = [sum((w * v for w, v in zip(row, x)), bi) - ti for row, bi, ti in zip(W, b, t)]
    for k, option in enumerate(q.options):
        text = option.text
        if m := re.match(r"\$?∂L/∂W_?(\d)(\d)\$? = (\S+)$", text):
            truth = grad[int(m.group(1)) - 1][int(m.group(2)) - 1] == Fraction(m.group(3))
        elif m := re.match(r"\$?∂L/∂b_?(\d)\$? = (\S+)$", text):
            truth = bias[int(m.group(1)) - 1] == Fraction(m.group(2))  # type: ignore[index]
        else:
            truth = text in ("∂L/∂W is a 2 × 3 matrix, the shape of W", "∂L/∂W is a 2 × 2 matrix, the shape of W")
        assert truth == (k in q.answer["correct"]), (q.id, text)


# ---- softmax-jacobian ---------------------------------------------------------------------------------

def softmax(z: list[float]) -> list[float]:
    e = [math.exp(v) for v in z]
    return [v / sum(e) for v in e]


def jacobian(p: list[float]) -> list[list[float]]:
    return [[p[i] * ((i == j) - p[j]) for j in range(3)] for i in range(3)]


@pytest.mark.parametrize("qtype,marks", forms("softmax-jacobian"))
def test_softmax_jacobian(qtype: str, marks: int) -> None:
    for seed in seeds_for("softmax-jacobian", qtype, marks):
        q = build("softmax-jacobian", qtype, marks, seed)
        check_standards(q)
        z = grab(q.text, "z")
        assert len(set(z)) == 3, q.id
        J = jacobian(softmax(z))
        g = grab(q.text, "∂L/∂p") if marks == 2 else None
        vjp = [sum(g[i] * J[i][j] for i in range(3)) for j in range(3)] if g else None
        if qtype == "MSQ":
            _check_jacobian_claims(q, J, vjp)
            continue
        if marks == 1:
            i, j = map(int, re.search(r"The value of \$?∂p(\d)/∂z(\d)\$?", q.text).groups())
            key = J[i - 1][j - 1]
        else:
            key = vjp[int(re.search(r"The value of \$?∂L/∂z(\d)\$?", q.text).group(1)) - 1]  # type: ignore[index]
        if qtype == "NAT":
            assert close(q.answer["value"], key) and "three decimal places" in q.text, q.id
        else:
            assert float(key_options(q)[0]) == round(key, 3), q.id


def _check_jacobian_claims(q: Question, J: list[list[float]], vjp: list[float] | None) -> None:
    diag = [J[k][k] for k in range(3)]
    for k, option in enumerate(q.options):
        text = option.text
        if m := re.match(r"\$?∂p(\d)/∂z(\d)\$? [=≈] (-?[\d.]+)$", text):
            truth = float(m.group(3)) == round(J[int(m.group(1)) - 1][int(m.group(2)) - 1], 3)
        elif m := re.match(r"\$?∂L/∂z(\d)\$? [=≈] (-?[\d.]+)$", text):
            truth = float(m.group(2)) == round(vjp[int(m.group(1)) - 1], 3)  # type: ignore[index]
        elif text.endswith("is positive (raising any logit raises every probability)"):
            a, c = (int(v) - 1 for v in re.match(r"\$?∂p(\d)/∂z(\d)", text).groups())
            truth = J[a][c] > 0
        elif "symmetric" in text:
            truth = all(abs(J[a][b] - J[b][a]) < 1e-12 for a in range(3) for b in range(3))
        elif text.startswith("The largest diagonal entry"):
            c = int(re.search(r"∂p(\d)/∂z", text).group(1)) - 1
            assert c == max(range(3), key=lambda a: grab(q.text, "z")[a]), text  # the class with the largest p
            truth = max(range(3), key=lambda a: diag[a]) == c
        elif text.startswith("∂L/∂z₁ + ∂L/∂z₂ + ∂L/∂z₃"):
            truth = abs(sum(vjp)) < 1e-12  # type: ignore[arg-type]
        elif text.startswith("Adding the same number"):
            truth = True  # p_j((g_j + c) − Σ(g_i + c)p_i) = p_j(g_j − Σ g_i p_i) since Σ p_i = 1
        else:
            assert text.startswith("Doubling every entry of g"), text
            truth = False
        assert truth == (k in q.answer["correct"]), (q.id, text)


# ---- optimizer-step: the textbook rules in floats ------------------------------------------------------

def F(value) -> float:  # type: ignore[no-untyped-def]
    return float(Fraction(value))


def optimizer_value(e: dict) -> float:
    kind = e["kind"]
    if kind == "momentum":
        w, v, beta, eta = F(e["w"]), F(e["v"]), F(e["beta"]), F(e["eta"])
        for g in map(F, e["g"]):
            v = beta * v + ((1 - beta) * g if e["ema"] else g)
            w -= eta * v
        return w
    if kind == "rmsprop":
        s = F(e["rho"]) * F(e["s"]) + (1 - F(e["rho"])) * F(e["g"]) ** 2
        return F(e["w"]) - F(e["eta"]) * F(e["g"]) / math.sqrt(s)
    if kind == "adam-1":
        return _adam(F(e["w"]), [F(e["g"])], F(e["beta1"]), F(e["beta2"]), F(e["eta"]), 0.0, False)
    if kind == "adam-2":
        return _adam(None, [F(e["g1"]), F(e["g2"])], F(e["beta1"]), F(e["beta2"]), F(e["eta"]), 0.0, False,
                     w_after_1=F(e["w1"]))
    if kind == "sgd-l2":
        return F(e["w"]) - F(e["eta"]) * (F(e["g"]) + F(e["lam"]) * F(e["w"]))
    decoupled = kind == "adamw"
    return _adam(F(e["w"]), [F(e["g"])], 0.9, 0.999, F(e["eta"]), F(e["lam"]), decoupled)


def _adam(w, grads, b1, b2, eta, lam, decoupled, w_after_1=None):  # type: ignore[no-untyped-def]
    m = v = 0.0
    for t, g in enumerate(grads, start=1):
        if t == 2 and w_after_1 is not None:
            w = w_after_1
        grad = g + (0.0 if decoupled else lam * w) if w is not None else g
        m, v = b1 * m + (1 - b1) * grad, b2 * v + (1 - b2) * grad**2
        step = (m / (1 - b1**t)) / math.sqrt(v / (1 - b2**t))
        if w is not None:
            w = w - eta * (step + (lam * w if decoupled else 0.0))
    return w


@pytest.mark.parametrize("qtype,marks", forms("optimizer-step"))
def test_optimizer_step(qtype: str, marks: int) -> None:
    for seed in seeds_for("optimizer-step", qtype, marks):
        q = build("optimizer-step", qtype, marks, seed)
        check_standards(q)
        value = optimizer_value(q.extra)
        assert value != 0, q.id
        for key in ("w", "eta", "beta", "rho", "lam"):
            if key in q.extra:
                shown = format(Fraction(q.extra[key]).numerator / Fraction(q.extra[key]).denominator, "g")
                assert shown in q.text, (q.id, key, shown)  # every stated number is in the stem
        if qtype == "NAT":
            assert close(q.answer["value"], value, 1e-9), (q.id, q.answer["value"], value)
        else:
            text = key_options(q)[0]
            places = len(text.split(".")[-1]) if "." in text else 0
            assert abs(float(text) - value) <= 0.5 * 10.0**-places + 1e-9, (q.id, text, value)


# ---- gradient-clipping -----------------------------------------------------------------------------------

def clip_by_norm(g: list[float], c: float) -> list[float]:
    norm = math.sqrt(sum(v * v for v in g))
    return g if norm <= c else [v * c / norm for v in g]


@pytest.mark.parametrize("qtype,marks", forms("gradient-clipping"))
def test_gradient_clipping(qtype: str, marks: int) -> None:
    for seed in seeds_for("gradient-clipping", qtype, marks):
        q = build("gradient-clipping", qtype, marks, seed)
        check_standards(q)
        g, c = [F(v) for v in q.extra["g"]], F(q.extra["c"])
        truth = clip_by_norm(g, c)
        assert len({abs(v) for v in g}) >= 2 and math.sqrt(sum(v * v for v in g)) != c, q.id
        if qtype == "NAT":
            assert any(close(q.answer["value"], v) for v in truth), q.id
        elif qtype == "MCQ":
            places = len(key_options(q)[0].split(",")[0].split(".")[-1]) if "." in key_options(q)[0] else 0
            assert tuple_of(key_options(q)[0]) == tuple(round(v, places) for v in truth), q.id
        else:
            _check_clip_claims(q, g, c, truth)


def _check_clip_claims(q: Question, g: list[float], c: float, truth: list[float]) -> None:
    norm = math.sqrt(sum(v * v for v in g))
    for k, option in enumerate(q.options):
        text = option.text
        if m := re.match(r"After clipping, entry (\d) of g (?:= \S+ ≈|=|(≈)) (\S+)$", text):
            value = truth[int(m.group(1)) - 1]
            rounded = "≈" in text  # "≈ v": v to three places; "= v": exactly v
            truth_ = abs(float(m.group(3)) - value) < (0.5e-3 + 1e-12 if rounded else 1e-9)
        elif m := re.match(r"After clipping, ‖g‖ = (\S+)$", text):
            truth_ = close(float(m.group(1)), min(norm, c))
        elif text.startswith("Clipping each entry to"):
            truth_ = all(close(max(-c, min(c, v)), t) for v, t in zip(g, truth))
        elif text == "g is left unchanged":
            truth_ = norm <= c
        else:
            assert text.startswith("Clipping ∂L/∂W and ∂L/∂b separately"), text
            parts = [g[:2], g[2:]]
            each = [x for part in parts for x in clip_by_norm(part, c)]
            truth_ = all(close(a, b) for a, b in zip(each, truth))
        assert truth_ == (k in q.answer["correct"]), (q.id, text)


# ---- multipath-relu-3: exact finite differences ----------------------------------------------------------

def relu_net(extra: dict, x: list[Fraction]) -> Fraction:
    values = x
    for layer in extra["layers"]:
        W = fr(layer["W"])
        b = fr(layer["b"]) if layer["b"] else [Fraction(0)] * len(W)
        z = [sum((w * v for w, v in zip(row, values)), bi) for row, bi in zip(W, b)]
        values = [max(Fraction(0), v) for v in z] if layer["act"] == "relu" else z
    return values[0]


def input_gradient(extra: dict) -> list[Fraction]:
    x = fr(extra["x"])
    h = Fraction(1, 10**6)  # far below any kink: pre-activations are nonzero integers
    return [(relu_net(extra, [v + (h if i == k else 0) for i, v in enumerate(x)]) - relu_net(extra, x)) / h
            for k in range(3)]


@pytest.mark.parametrize("qtype,marks", forms("multipath-relu-3"))
def test_multipath_relu_3(qtype: str, marks: int) -> None:
    for seed in seeds_for("multipath-relu-3", qtype, marks):
        q = build("multipath-relu-3", qtype, marks, seed)
        check_standards(q)
        grad = input_gradient(q.extra)
        x = q.extra["x"]
        assert len(x) == 3 and len(set(x)) == 3 and len(q.extra["layers"]) == marks + 1, q.id
        assert len({tuple(col) for col in zip(*q.extra["layers"][0]["W"])}) == 3, q.id
        for layer in q.extra["layers"][:-1]:  # no two units equal or mirror images
            rows = [tuple(map(Fraction, r)) for r in layer["W"]]
            assert all(a != b and a != tuple(-v for v in b) for i, a in enumerate(rows) for b in rows[i + 1:]), q.id
        if qtype == "MSQ":
            for k, option in enumerate(q.options):
                if m := re.match(r"\$?∂y1/∂x(\d)\$? = (\S+)$", option.text):
                    assert (grad[int(m.group(1)) - 1] == Fraction(m.group(2))) == (k in q.answer["correct"]), q.id
            continue
        if qtype == "MCQ" and marks == 2:
            assert tuple_of(key_options(q)[0]) == tuple(float(v) for v in grad), q.id
            continue
        k = int(re.search(r"∂y1/∂x(\d)\$? is", q.text).group(1))
        value = q.answer["value"] if qtype == "NAT" else float(key_options(q)[0])
        assert value == float(grad[k - 1]) != 0, q.id
