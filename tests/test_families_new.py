"""Issue-15 families, part 1, each re-answered over >= 300 seeds by an INDEPENDENT computation:
forward-output by a float forward pass written here (and each named slip redone the same way),
linear-separability by a brute-force search for integer weights (complete for n <= 3: it finds
exactly the 14 and 104 threshold functions) over function definitions written here, the
perceptron topics by re-running the rules with fractions. The standards (5% gaps, named slips,
bookkeeping) come from tests/standards_new.py.
"""

from __future__ import annotations

import itertools
import json
import math
import re
from fractions import Fraction
from functools import lru_cache

import pytest

from gatebp.gate.question import Question
from tests.standards_new import (build, check_standards, close, forms, key_options, plan, tuple_of,
                                 vector_apart)

NEW_TOPICS = ("forward-output", "linear-separability", "perceptron-training", "perceptron-output",
              "weight-gradients", "softmax-jacobian", "optimizer-step", "gradient-clipping", "multipath-relu-3")


def test_new_topics_are_listed(runner) -> None:  # type: ignore[no-untyped-def]
    from gatebp.cli.main import cli

    result = runner.invoke(cli, ["topics"], terminal_width=200)
    assert result.exit_code == 0
    for topic in NEW_TOPICS:
        assert topic in result.output


def by_form(topic: str) -> list[tuple[str, int]]:
    return forms(topic)


SLOW = {"forward-output": (("NAT", 2), ("MCQ", 2)), "linear-separability": (("MCQ", 2),)}


def seeds_for(topic: str, qtype: str, marks: int) -> list[int]:
    return [s for t, m, s in plan(topic, slow=SLOW.get(topic, ())) if (t, m) == (qtype, marks)]


@pytest.mark.parametrize("topic", NEW_TOPICS[:4])
def test_at_least_300_seeds_per_family(topic: str) -> None:
    assert len(plan(topic, slow=SLOW.get(topic, ()))) >= 300


# ---- forward-output: a float forward pass ---------------------------------------------------------------

ACT = {"sigmoid": lambda z: 1 / (1 + math.exp(-z)), "tanh": math.tanh, "relu": lambda z: max(0.0, z),
       "linear": lambda z: z}


def forward(extra: dict, *, bias: bool = True, transpose: bool = False, last: str | None = None,
            early: bool = False, hidden: bool = True) -> list[float]:
    values = [float(Fraction(v)) for v in extra["x"]]
    layers = extra["layers"]
    for index, layer in enumerate(layers):
        W = [[float(Fraction(v)) for v in row] for row in layer["W"]]
        if transpose and index == 0:
            W = [list(col) for col in zip(*W)]
        b = [float(Fraction(v)) for v in layer["b"]] if layer["b"] and bias else [0.0] * len(W)
        is_last = index == len(layers) - 1
        act = ACT[(last or layer["act"]) if is_last else (layer["act"] if hidden else "linear")]
        z = [sum(w * v for w, v in zip(row, values)) for row in W]
        values = [act(zi) + bi for zi, bi in zip(z, b)] if early else [act(zi + bi) for zi, bi in zip(z, b)]
    return values


def forward_slip(extra: dict, mistake: str) -> list[float]:
    """The slip named by a distractor, redone here from its words."""
    hidden_act = extra["layers"][0]["act"]
    if mistake.startswith("forgot the biases"):
        return forward(extra, bias=False)
    if mistake.startswith("applied") and "before adding the bias" in mistake:
        return forward(extra, early=True)
    if mistake.startswith("skipped the output layer"):
        return forward(extra, last="linear")
    if mistake.startswith("applied") and "output layer too" in mistake:
        return forward(extra, last=hidden_act)
    if "W₁ᵀ" in mistake:
        return forward(extra, transpose=True)
    if mistake.startswith("skipped the hidden"):
        return forward(extra, hidden=False)
    raise AssertionError(f"unknown slip {mistake!r}")


@pytest.mark.parametrize("qtype,marks", by_form("forward-output"))
def test_forward_output(qtype: str, marks: int) -> None:
    for seed in seeds_for("forward-output", qtype, marks):
        q = build("forward-output", qtype, marks, seed)
        check_standards(q)
        out = forward(q.extra)
        layers = q.extra["layers"]
        assert all(len({tuple(r) for r in layer["W"]}) == len(layer["W"]) for layer in layers), q.id
        assert len(set(q.extra["x"])) == len(q.extra["x"]) and all(abs(v) > 1e-9 for v in out), q.id
        assert len(layers) == marks + 1, q.id  # 1 mark: one hidden layer; 2 marks: two
        if qtype == "NAT":
            assert close(q.answer["value"], out[0]), q.id
            for m in q.mistakes:
                assert close(m.value, forward_slip(q.extra, m.mistake)[0], 1e-6), (q.id, m)
            continue
        assert "closest" in q.text
        assert tuple_of(key_options(q)[0]) == tuple(round(v, 2) for v in out), q.id
        for option in q.options:
            if option.mistake:
                wrong = forward_slip(q.extra, option.mistake)
                assert tuple_of(option.text) == tuple(round(v, 2) for v in wrong), (q.id, option)
                assert vector_apart(wrong, out, 0.02), (q.id, option)


# ---- linear-separability: brute-force integer search over definitions written here ----------------------

TWO_INPUT = {"AND": lambda a, b: a and b, "OR": lambda a, b: a or b, "NAND": lambda a, b: not (a and b),
             "NOR": lambda a, b: not (a or b), "XOR": lambda a, b: a != b, "XNOR": lambda a, b: a == b,
             "x1 AND (NOT x2)": lambda a, b: a and not b, "(NOT x1) OR x2 (that is, x1 → x2)": lambda a, b: (not a) or b}
THREE_INPUT = {
    "majority: at least two of x1, x2, x3 are 1": lambda a, b, c: a + b + c > 1,
    "all of x1, x2, x3 are 1": lambda a, b, c: a + b + c == 3, "at least one of x1, x2, x3 is 1": lambda a, b, c: a + b + c > 0,
    "none of x1, x2, x3 is 1": lambda a, b, c: not (a or b or c), "at most one of x1, x2, x3 is 1": lambda a, b, c: a + b + c < 2,
    "exactly one of x1, x2, x3 is 1": lambda a, b, c: a + b + c == 1, "exactly two of x1, x2, x3 are 1": lambda a, b, c: a + b + c == 2,
    "an odd number of x1, x2, x3 are 1 (parity)": lambda a, b, c: a ^ b ^ c, "x1, x2 and x3 are all equal": lambda a, b, c: a == b == c,
    "x1 AND (x2 OR x3)": lambda a, b, c: a and (b or c), "x1 OR (x2 AND x3)": lambda a, b, c: a or (b and c),
    "x2 if x1 = 1, else x3 (a multiplexer)": lambda a, b, c: (a and b) or (not a and c),
    "x1 XOR x2 (x3 is ignored)": lambda a, b, c: a != b, "x1 AND (NOT x3)": lambda a, b, c: a and not c}


@lru_cache(maxsize=None)
def realizable(n: int) -> frozenset[tuple[int, ...]]:
    """Every output column (rows in order) some w in {-3..3}^n with a half-integer b produces."""
    rows = list(itertools.product((0, 1), repeat=n))
    found = set()
    for w in itertools.product(range(-3, 4), repeat=n):
        sums = [2 * sum(a * x for a, x in zip(w, row)) for row in rows]
        for twice_b in range(-15, 16, 2):
            found.add(tuple(int(s + twice_b > 0) for s in sums))
    return frozenset(found)


def oracle(outputs: tuple[int, ...], n: int) -> bool:
    return tuple(outputs) in realizable(n)


def table(rule, n: int) -> tuple[int, ...]:  # type: ignore[no-untyped-def]
    return tuple(int(bool(rule(*row))) for row in itertools.product((0, 1), repeat=n))


def test_the_oracle_finds_every_threshold_function() -> None:
    assert sum(oracle(t, 2) for t in itertools.product((0, 1), repeat=4)) == 14
    assert sum(oracle(t, 3) for t in itertools.product((0, 1), repeat=8)) == 104


DIGITS = str.maketrans("₁₂₃", "123")  # the options print x₁; the table below is keyed by x1
SEPARABLE = {name: oracle(table(rule, 2), 2) for name, rule in TWO_INPUT.items()}
SEPARABLE.update({name: oracle(table(rule, 3), 3) for name, rule in THREE_INPUT.items()})


def test_the_real_separability_keys() -> None:
    assert [SEPARABLE[f] for f in ("AND", "OR", "NOR", "XOR", "XNOR")] == [True, True, True, False, False]


@pytest.mark.parametrize("qtype,marks", by_form("linear-separability"))
def test_linear_separability(qtype: str, marks: int) -> None:
    for seed in seeds_for("linear-separability", qtype, marks):
        q = build("linear-separability", qtype, marks, seed)
        check_standards(q)
        if qtype == "MCQ" and marks == 2:
            _check_table_mcq(q)
            continue
        negated = "NOT" in q.text.split("?")[0].split(". ")[-1]
        for i, option in enumerate(q.options):
            name = option.text.translate(DIGITS)
            truth = not SEPARABLE[name] if negated else SEPARABLE[name]
            assert truth == (i in q.answer["correct"]), (q.id, option.text)


def _check_table_mcq(q: Question) -> None:
    rows = re.findall(r"\((\d), (\d), (\d)\) → (\d)", q.text)
    assert len(rows) == 8
    outputs = tuple(int(r[3]) for r in rows)
    assert len(set(outputs)) == 2, q.id  # not a constant function
    for i, option in enumerate(q.options):
        if option.text.startswith("No single"):
            truth = not oracle(outputs, 3)
        else:
            w = [Fraction(v) for v in re.search(r"w = \(([^)]*)\)", option.text).group(1).split(", ")]
            b = Fraction(re.search(r"b = (-?[\d.]+)", option.text).group(1))
            truth = all((sum(a * int(x) for a, x in zip(w, r[:3])) + b > 0) == bool(int(r[3])) for r in rows)
        assert truth == (i in q.answer["correct"]), (q.id, option.text)


# ---- perceptron-training: the rules re-run with fractions -----------------------------------------------

def retrain(extra: dict) -> tuple[list[Fraction], list[tuple[Fraction, bool]]]:
    """Final (w1, w2[, b]) and per presentation (score, updated)."""
    w = [Fraction(v) for v in extra["w0"]]
    b = Fraction(extra["b0"]) if extra["b0"] is not None else None
    eta, tie, log = Fraction(extra["eta"]), extra["tie"], []
    for _ in range(extra["epochs"]):
        for x, t in extra["samples"]:
            x = [Fraction(v) for v in x]
            s = sum((a * c for a, c in zip(w, x)), Fraction(0)) + (b or 0)
            low = 0 if extra["form"] == "01" else -1
            y = tie if s == 0 else (1 if s > 0 else low)
            step = eta * (t - y) if extra["form"] == "01" else (eta * t if y != t else Fraction(0))
            w = [a + step * c for a, c in zip(w, x)]
            if b is not None:
                b += step
            log.append((s, step != 0))
    return w + ([b] if b is not None else []), log


def _final_correct(extra: dict, params: list[Fraction]) -> bool:
    w, b = params[:2], (params[2] if len(params) == 3 else 0)
    for x, t in extra["samples"]:
        s = sum((a * Fraction(c) for a, c in zip(w, x)), Fraction(0)) + b
        y = extra["tie"] if s == 0 else (1 if s > 0 else (0 if extra["form"] == "01" else -1))
        if y != t:
            return False
    return True


@pytest.mark.parametrize("qtype,marks", by_form("perceptron-training"))
def test_perceptron_training(qtype: str, marks: int) -> None:
    for seed in seeds_for("perceptron-training", qtype, marks):
        q = build("perceptron-training", qtype, marks, seed)
        check_standards(q)
        params, log = retrain(q.extra)
        assert any(updated for _, updated in log), q.id
        assert f"a score of exactly 0 gives y = " in q.text and "η = " in q.text, q.id
        assert len({tuple(x) for x, _ in q.extra["samples"]}) == len(q.extra["samples"]), q.id
        if qtype == "NAT":
            name = re.search(r"The value of \$?(w1|w2|b)\$? after", q.text).group(1)
            assert q.answer["value"] == float(params[["w1", "w2", "b"].index(name)]) != 0, q.id
        elif qtype == "MCQ":
            assert tuple_of(key_options(q)[0]) == tuple(float(v) for v in params), q.id
        else:
            _check_training_statements(q, params, log)


def _check_training_statements(q: Question, params: list[Fraction], log: list[tuple[Fraction, bool]]) -> None:
    for i, option in enumerate(q.options):
        text = option.text
        if m := re.match(r"The weights change on exactly (\d+) of the (\d+)", text):
            truth = int(m.group(1)) == sum(u for _, u in log) and int(m.group(2)) == len(log)
        elif text.startswith("After training, ("):
            truth = tuple_of(text.split(" = ")[1]) == tuple(float(v) for v in params)
        elif text.startswith("After training, the perceptron gives"):
            truth = _final_correct(q.extra, params)
        else:
            k = int(re.match(r"When presentation (\d+)", text).group(1))
            truth = log[k - 1][0] == 0
        assert truth == (i in q.answer["correct"]), (q.id, text)


# ---- perceptron-output: the unit and the 2-2-1 step network evaluated here -------------------------------

def unit_eval(extra: dict) -> tuple[int, Fraction]:
    w = [Fraction(v) for v in extra["w"]]
    x = [Fraction(v) for v in extra["x"]]
    b = Fraction(extra["b"])
    s = sum((a * c for a, c in zip(w, x)), Fraction(0))
    if extra["kind"] == "sign":
        return (1 if s + b > 0 else -1), s + b
    return (1 if s >= b else 0), s


def net_eval(extra: dict) -> list[int]:
    def step(z: int) -> int:
        return extra["tie"] if z == 0 else int(z > 0)

    out = []
    for x in ((0, 0), (0, 1), (1, 0), (1, 1)):
        h = [step(r[0] * x[0] + r[1] * x[1] + bj) for r, bj in zip(extra["W"], extra["b"])]
        out.append(step(extra["v"][0] * h[0] + extra["v"][1] * h[1] + extra["c"]))
    return out


@pytest.mark.parametrize("qtype,marks", by_form("perceptron-output"))
def test_perceptron_output(qtype: str, marks: int) -> None:
    for seed in seeds_for("perceptron-output", qtype, marks):
        q = build("perceptron-output", qtype, marks, seed)
        check_standards(q)
        if marks == 2:
            column = net_eval(q.extra)
            assert len(set(column)) == 2, q.id
            if qtype == "MCQ":
                assert tuple_of(key_options(q)[0]) == tuple(column), q.id
            for i, option in enumerate(q.options if qtype == "MSQ" else ()):
                a, b, y = map(int, re.match(r"At x = \$\[(\d), (\d)\]\$, y = (\d)", option.text).groups())
                assert (column[2 * a + b] == y) == (i in q.answer["correct"]), (q.id, option.text)
            continue
        y, net = unit_eval(q.extra)
        texts = [o.text for o in q.options]
        if qtype == "MCQ":
            assert Fraction(key_options(q)[0]) == y, q.id
            assert any(Fraction(t) == net for t in texts), q.id  # the raw weighted sum is always offered
            continue
        for i, option in enumerate(q.options):
            assert _unit_claim(q.extra, option.text, y, net) == (i in q.answer["correct"]), (q.id, option.text)


def _unit_claim(extra: dict, text: str, y: int, net: Fraction) -> bool:
    if m := re.match(r"The weighted sum \S+(?: \+ b)? (?:is|=) (\S+)", text):
        return Fraction(m.group(1)) == net
    if m := re.match(r"The output y (?:is|=) (\S+)", text):
        return Fraction(m.group(1)) == y
    doubled = dict(extra, x=[str(2 * Fraction(v)) for v in extra["x"]])
    if text.startswith("Doubling"):
        return unit_eval(doubled)[0] == y
    zeroed = dict(extra, b="0")
    return unit_eval(zeroed)[0] != y
