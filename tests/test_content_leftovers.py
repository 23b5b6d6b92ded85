"""The GATE-teacher review's leftovers, checked in what a student reads.

1. A wrong option's reason names that option's own number first and the true value after it,
   the true value recomputed here by a central difference on the exported graph.
2. finite-difference: the working of an estimate is the loss values, the quotient and (for
   comparison) one backprop line, every number recomputed with fractions from the stem's model.
3. batch-bias MSQ: ∂L/∂w is one summed line over the examples, evaluated here term by term.
4. The ReLU convention prints ReLU′(0) = 0 (a true prime; ASCII ' under --plain), never markup.
5. delta-recursion: the working is in the stem's symbols (δₒ, φ′, W₂, δ(zⱼ)) and its numbers are
   recomputed with math floats.
"""

from __future__ import annotations

import math
import re
from fractions import Fraction

import pytest
from click.testing import CliRunner

from gatebp.cli.main import cli
from gatebp.core.maths import parse_markup, render
from gatebp.gate.question import Option, Question
from gatebp.questions.generate import families_by_name
from tests.reference import derivative
from tests.sweep import seeds, built

REASON = re.compile(r"^(?P<lead>.+?|this) is what you get if you (?P<rest>.*)$")


def number(text: str) -> float:
    return float(Fraction(text.replace("−", "-")))


def plain(text: str) -> str:
    return text.replace("$", "").replace("−", "-")


def wrong_options(q: Question) -> list[Option]:
    return [o for o in q.options if o.true is False and o.mistake]


def choice_questions(count: int):  # type: ignore[no-untyped-def]
    for fam in families_by_name():
        for qtype in fam.types:
            if qtype == "NAT":
                continue
            for marks in fam.marks:
                for seed in seeds(count):  # the draws test_claims also reads (tests.sweep.built)
                    yield built(fam.name, qtype, marks, seed)


# ---- 1. distractor reasons ------------------------------------------------------------------------

def test_every_distractor_reason_starts_with_the_option_then_says_the_true_value() -> None:
    checked = 0
    for q in choice_questions(3):
        for o in wrong_options(q):
            why = str(o.why)
            assert why.count("what you get") == 1, (q.id, why)
            match = REASON.match(why)
            assert match, (q.id, why)
            assert match["rest"].startswith(f"{o.mistake}; in fact "), (q.id, why)
            if match["lead"] != "this":  # the named number is the one this option shows
                assert plain(match["lead"]) in plain(o.text), (q.id, o.text, why)
            checked += 1
        for o in q.options:
            if o.true:
                assert "what you get" not in str(o.why), (q.id, o.why)
    assert checked > 200


NUMERIC_GRAPH = ("merges", "relu-gate", "residual", "two-layer-mse", "batch-bias", "activation-path",
                 "multipath-relu", "delta-recursion", "sigmoid-bce")


@pytest.mark.parametrize("topic", NUMERIC_GRAPH)
def test_a_numeric_options_reason_names_its_number_and_the_reference_value(topic: str) -> None:
    """(B) 12 reads "12 is what you get if you …; in fact ∂L/∂x = 18", with 18 checked here."""
    checked = 0
    for marks in (1, 2):
        for seed in seeds(6, 500):
            q = built(topic, "MCQ", marks, seed)
            if q.graph is None:
                continue
            for o in wrong_options(q):
                claim = o.claim or {}
                if claim.get("kind") != "quantity" or "wrt" not in claim["find"] or claim["find"].get("lr"):
                    continue
                why = str(o.why)
                assert why.startswith(f"{o.text} is what you get if you {o.mistake}; in fact "), why
                true_text = why.rsplit(" = ", 1)[1]
                reference, kink = derivative(q.graph, claim["find"]["of"], claim["find"]["wrt"])
                if kink < 1e-6:
                    continue
                assert abs(number(true_text) - float(reference)) <= 0.5e-4 * max(1, abs(float(reference))), why
                assert abs(number(true_text) - number(o.text)) > 1e-9, why  # the reason is not the option's own
                checked += 1
    assert checked >= 3


def test_a_statement_that_states_a_number_names_it_and_other_statements_say_this() -> None:
    named = unnamed = 0
    for topic, marks in (("merges", 1), ("merges", 2), ("descent-step", 1), ("param-count", 2),
                         ("activation-properties", 1), ("backward-cache", 1)):
        for seed in seeds(8, 700):
            q = built(topic, "MSQ", marks, seed)
            for o in wrong_options(q):
                claim, why = o.claim or {}, str(o.why)
                value = claim.get("value", claim.get("count"))
                if value is not None and not isinstance(value, bool):
                    lead = why.split(" is what you get", 1)[0]
                    assert abs(number(lead) - float(Fraction(str(value)))) < 1e-9, (q.id, o.text, why)
                    assert lead in o.text.replace("-", "−") or lead in o.text, (q.id, o.text, why)
                    named += 1
                else:
                    assert why.startswith(f"this is what you get if you {o.mistake}; in fact "), (q.id, why)
                    unnamed += 1
    assert named and unnamed


def test_reasons_print_in_ascii_and_latex_without_stray_markup() -> None:
    runner = CliRunner()
    for fmt in ("md", "tex"):
        result = runner.invoke(cli, ["export", "-n", "4", "--seed", "3", "--topic", "merges", "--format", fmt,
                                     "--solutions"])
        assert result.exit_code == 0, result.output
        lines = [line for line in result.output.splitlines() if "what you get" in line]
        assert lines and all("wrong:" in line and "; in fact " in line for line in lines)
        assert not any("∂" in line for line in lines) if fmt == "tex" else True
    q = built("merges", "MCQ", 1, 11)
    shown = [render(parse_markup(o.verdict_text()), "ascii") for o in wrong_options(q)]
    assert shown and all(s.isascii() and " is what you get if you " in s for s in shown)


# ---- 2. finite-difference working ---------------------------------------------------------------

def model(q: Question) -> tuple[dict[str, Fraction], bool]:
    v = {k: Fraction(x) for k, x in q.graph["values"].items()}  # type: ignore[index]
    return v, "h" in q.graph["nodes"]  # type: ignore[index]


def loss(v: dict[str, Fraction], twice: bool, w: Fraction) -> Fraction:
    return (w * w * v["x"] - v["t"]) ** 2 / 2 if twice else (w * v["x"] - v["t"]) ** 2


def fd_questions():  # type: ignore[no-untyped-def]
    for qtype in ("NAT", "MCQ"):
        for marks in (1, 2):
            for seed in seeds(10, 40):
                yield built("finite-difference", qtype, marks, seed)


def test_a_finite_difference_working_is_the_loss_values_and_the_quotient() -> None:
    eps = Fraction(1, 10)
    for q in fd_questions():
        v, twice = model(q)
        w, scheme, asked = v["w"], q.extra["scheme"], q.extra["asked"]
        steps = [s for s in q.solution if s.kind not in ("key", "verdict")]
        assert not [s for s in steps if s.kind in ("local", "delta", "path", "sum")], q.id
        assert not any("δ(" in s.text or "|local" in s.text for s in steps), q.id
        losses = {s.quantity: Fraction(plain(s.text).rsplit(" = ", 1)[1]) for s in steps if s.kind == "forward"}
        other = "L(w)" if scheme == "forward" else "L(w − ε)"
        assert set(losses) == {"L(w + ε)", other}, q.id
        assert losses["L(w + ε)"] == loss(v, twice, w + eps)
        assert losses[other] == loss(v, twice, w if scheme == "forward" else w - eps)
        quotient = next(s.text for s in steps if "difference estimate:" in s.text)
        expected = ((loss(v, twice, w + eps) - loss(v, twice, w)) / eps if scheme == "forward"
                    else (loss(v, twice, w + eps) - loss(v, twice, w - eps)) / (2 * eps))
        assert Fraction(plain(quotient).rsplit(" = ", 1)[1]) == expected, q.id
        backprop = 2 * w * v["x"] * (w * w * v["x"] - v["t"]) if twice else 2 * v["x"] * (w * v["x"] - v["t"])
        mentions = [s.text for s in steps if "∂L/∂w" in s.text]
        assert len(mentions) == 1 and Fraction(plain(mentions[0]).rsplit(" = ", 1)[1]) == backprop, q.id
        if asked == "estimate":
            assert steps[-1].text.startswith("for comparison, backprop gives"), q.id
        else:
            assert Fraction(plain(steps[-1].text).rsplit(" = ", 1)[1]) == expected - backprop, q.id


def test_the_finite_difference_working_prints_in_order_on_screen() -> None:
    result = CliRunner().invoke(cli, ["--plain", "explain", "--id", "finite-difference:NAT1:5"])
    assert result.exit_code == 0 and result.output.isascii()
    working = result.output.split("Key:", 1)[1]
    order = [working.index(t) for t in ("L(w + epsilon) = L(", "L(w) = L(", "forward-difference estimate",
                                         "for comparison")]
    assert order == sorted(order) and "Backward pass" not in working and "Local derivatives" not in working


# ---- 3. batch-bias: ∂L/∂w in one summed line -----------------------------------------------------

def product(term: str) -> Fraction:
    out = Fraction(1)
    for factor in term.split("*"):
        out *= Fraction(factor.strip().strip("()"))
    return out


def test_batch_bias_msq_gives_the_weight_gradient_as_one_sum_over_the_examples() -> None:
    checked = 0
    for marks in (1, 2):
        for seed in seeds(15, 60):
            q = built("batch-bias", "MSQ", marks, seed)
            lines = [s.text for s in q.solution if "$w$" in s.text and "∂L/∂w" in s.text]
            assert len(lines) == 1 and "Σₖ" in lines[0] and "path" not in lines[0], q.id
            assert not any(s.text.startswith("for $w$: path") for s in q.solution), q.id
            span = plain(lines[0].rsplit("$", 2)[1])  # "2*7*3 + 2*(-1)*(-1) + 2*4*1 = 52"
            left, right = span.split(" = ")
            terms = left.split(" + ")
            size = sum(1 for k in q.graph["values"] if k.startswith("x"))  # type: ignore[index]
            assert len(terms) == size
            for k, term in enumerate(terms, start=1):  # each example's term ends with its input xₖ
                assert Fraction(term.split("*")[-1].strip("()")) == Fraction(q.graph["values"][f"x{k}"])  # type: ignore[index]
            reference, kink = derivative(q.graph, "L", "w")
            assert sum(product(t) for t in terms) == Fraction(right)
            if kink > 1e-6:
                assert abs(float(Fraction(right)) - float(reference)) < 1e-9, q.id
            checked += 1
    assert checked >= 10


# ---- 4. the ReLU convention ----------------------------------------------------------------------

def test_the_relu_convention_prints_a_true_prime_and_no_markup() -> None:
    q = built("relu-gate", "NAT", 1, 0)
    notes = [s.text for s in q.solution if s.text.startswith("Convention:")]
    assert notes == ["Convention: ReLU′(0) = 0, as in PyTorch."]
    runner = CliRunner()
    screen = runner.invoke(cli, ["explain", "--id", "relu-gate:NAT1:0"]).output
    ascii_out = runner.invoke(cli, ["--plain", "explain", "--id", "relu-gate:NAT1:0"]).output
    assert "ReLU′(0) = 0" in screen and "relu'(0)" not in screen and "$" not in screen
    assert "ReLU'(0) = 0" in ascii_out and ascii_out.isascii() and "$" not in ascii_out
    tex = runner.invoke(cli, ["export", "-n", "3", "--seed", "1", "--topic", "relu-gate", "--format", "tex",
                              "--solutions"]).output
    if "Convention" in tex:
        assert "relu'(0)" not in tex and "\\$" not in tex.split("Convention", 1)[1].split("\n", 1)[0]


# ---- 5. delta-recursion in the stem's notation ---------------------------------------------------

def closed_form(q: Question, j: int) -> tuple[float, float, float]:
    """((W₂ᵀδₒ)ⱼ, φ′(zⱼ), δ(zⱼ)) with math floats from the exported values."""
    v = {k: float(Fraction(x)) for k, x in q.graph["values"].items()}  # type: ignore[index]
    act = "sigmoid" if "sigmoid" in q.graph["nodes"]["a1"] else "tanh"  # type: ignore[index]
    phi = (lambda s: 1 / (1 + math.exp(-s))) if act == "sigmoid" else math.tanh
    a = {i: phi(v[f"u{i}"] * v["x"]) for i in (1, 2)}
    o = {i: v[f"w{i}1"] * a[1] + v[f"w{i}2"] * a[2] for i in (1, 2)}
    d_out = {i: v[f"g{i}"] if "g1" in v else o[i] - v[f"t{i}"] for i in (1, 2)}
    column = sum(v[f"w{i}{j}"] * d_out[i] for i in (1, 2))
    prime = a[j] * (1 - a[j]) if act == "sigmoid" else 1 - a[j] ** 2
    return column, prime, column * prime


def last_number(text: str) -> float:
    return float(re.findall(r"-?\d+(?:\.\d+)?", plain(text))[-1])


def test_delta_recursion_working_uses_the_stems_symbols_and_its_numbers_hold() -> None:
    sub = str.maketrans("12", "₁₂")
    for qtype in ("NAT", "MCQ", "MSQ"):
        for marks in (1, 2):
            for seed in seeds(6, 90):
                q = built("delta-recursion", qtype, marks, seed)
                assert q.find is not None
                j = int(q.find["wrt"][1])
                texts = [s.text for s in q.solution if s.kind not in ("key", "verdict")]
                assert not any("|local" in t or "δ(o" in t or "δ(a" in t or t.startswith("Notation") for t in texts)
                stem = render(parse_markup(q.text), "unicode")
                for symbol in ("δₒ", "φ′", "W₂", "δ(zⱼ)", "∂L/∂o₁"):  # every symbol the working uses
                    assert symbol in stem, (q.id, symbol)
                key = next(t for t in texts if t.startswith(f"δ(z{str(j).translate(sub)}) = "))
                assert key.startswith(f"δ(z{str(j).translate(sub)}) = (W₂ᵀδₒ){str(j).translate(sub)}·φ′(z"), key
                column, prime, delta = closed_form(q, j)
                assert abs(last_number(key) - delta) <= 1e-4 * max(1, abs(delta)), (q.id, key)
                entry = next(t for t in texts if t.startswith("(W₂ᵀδₒ)"))
                assert abs(last_number(entry) - column) <= 1e-4 * max(1, abs(column)), (q.id, entry)
                rule = next(t for t in texts if t.startswith("φ′("))
                assert abs(last_number(rule) - prime) <= 1e-4, (q.id, rule)
                assert "*phi'(" in render(parse_markup(key), "ascii")  # not the view separator " - "
