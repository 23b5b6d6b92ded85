"""The activation registry: one record per activation, every consumer reading it, and the threshold
units step, step1 and sign (issue 15) from the spec grammar to `gatebp explain`."""

from __future__ import annotations

import json
import subprocess
import sys
from fractions import Fraction

import mpmath
import pytest
import sympy as sp

from gatebp.cli.main import cli
from gatebp.core import activations
from gatebp.core.activations import REGISTRY, At
from gatebp.core.errors import SpecError
from gatebp.core.expr import FUNCTIONS, parse_expr_text
from gatebp.core.functions import SYMPY_FUNCTIONS, SYMPY_OPS
from gatebp.network.forward_mode import DUAL_OPS, Dual
from gatebp.network.solve import solve
from gatebp.network.spec import parse_inline, parse_spec
from gatebp.core.values import MP_FUNCTIONS, WORK

SPEC_RECORDS = [r for r in activations.RECORDS if r.spec]
POINTS = [Fraction(-3, 2), Fraction(-1, 10), Fraction(1, 4), Fraction(2)]  # off every kink


# --- the registry is the one list --------------------------------------------------------------

def test_every_consumer_lists_exactly_the_registry():
    from gatebp.core.maths.printer import AsciiPrinter, LatexPrinter, Printer, TypstPrinter
    from gatebp.network.layers import ACTIVATIONS
    from gatebp.ui.layout import TITLES

    assert FUNCTIONS == activations.SPEC_FUNCTIONS
    assert set(SYMPY_FUNCTIONS) == set(activations.SPEC_FUNCTIONS) <= set(MP_FUNCTIONS)
    assert ACTIVATIONS == activations.LAYER_ACTIVATIONS
    printed = {r.name for r in activations.RECORDS if not r.power}
    for printer in (Printer, AsciiPrinter, LatexPrinter, TypstPrinter):
        assert set(printer.functions) == printed
    assert set(TITLES) == {"input", *REGISTRY}


def test_the_step_units_are_in_the_grammar_and_the_layer_form():
    for name in ("step", "step1", "sign"):
        assert name in FUNCTIONS and name in activations.LAYER_ACTIVATIONS
        parse_expr_text(f"{name}(w*x + b)")
    assert activations.get("softmax").last_only and "softmax" not in FUNCTIONS


def test_definitions_and_printed_names():
    assert activations.get("relu").definition == "ReLU(z) = max(0, z)"
    assert activations.get("relu").spec_definition == "relu(z) = max(0, z)"
    assert activations.get("sigmoid").prime == "σ'" and activations.get("sigmoid").plain_title == "sigmoid"
    assert activations.get("step").definition == "step(z) = 1 for z > 0, 0 otherwise"
    from gatebp.core.maths import render_math

    assert render_math("sign(w1*x1 + b)") == "sign(w₁x₁ + b)"
    assert render_math("step1(s - T)", "latex") == "\\operatorname{step}_1(s - T)"


@pytest.mark.parametrize("record", SPEC_RECORDS, ids=lambda r: r.name)
def test_one_kernel_gives_the_same_value_on_sympy_mpmath_and_dual_numbers(record):
    for z in POINTS:
        if record.positive_domain and z <= 0:
            continue
        exact = sp.N(SYMPY_FUNCTIONS[record.name](sp.Rational(z.numerator, z.denominator)), 40)
        numeric = MP_FUNCTIONS[record.name](WORK.mpf(z.numerator) / z.denominator)
        dual = record.value(Dual(z, Fraction(1)), DUAL_OPS).value
        assert float(exact) == pytest.approx(float(numeric), rel=1e-15, abs=1e-15)
        assert float(dual) == pytest.approx(float(numeric), rel=1e-15, abs=1e-15)


@pytest.mark.parametrize("record", [r for r in activations.RECORDS if r.local and r.spec], ids=lambda r: r.name)
def test_each_local_rule_is_the_derivative_of_its_definition(record):
    """The hand-written rule (a(1 − a), the gate, 1/z) against a central difference of the kernel."""
    for z in POINTS:
        if record.positive_domain and z <= 0:
            continue
        zs = sp.Rational(z.numerator, z.denominator)
        local = record.local(At(z=zs, a=SYMPY_FUNCTIONS[record.name](zs), z_name="z", a_name="a", ops=SYMPY_OPS))
        f = MP_FUNCTIONS[record.name]
        with mpmath.workdps(40):
            slope = mpmath.diff(lambda t, f=f: f(WORK.mpf(t)), mpmath.mpf(z.numerator) / z.denominator)
        assert float(sp.N(local.value, 30)) == pytest.approx(float(slope), abs=1e-12)


def test_from_output_is_the_local_rule_written_with_a():
    for name in ("sigmoid", "tanh", "exp"):
        record = activations.get(name)
        z = sp.Rational(1, 3)
        a = SYMPY_FUNCTIONS[name](z)
        rule = record.local(At(z=z, a=a, z_name="z", a_name="a", ops=SYMPY_OPS))
        assert record.from_output is not None
        assert sp.simplify(record.from_output(a) - rule.value) == 0


# --- forward values of step, step1 and sign -------------------------------------------------------

@pytest.mark.parametrize("func, z, expected", [
    ("step", "0.5", 1), ("step", "0", 0), ("step", "-0.5", 0),
    ("step1", "0.5", 1), ("step1", "0", 1), ("step1", "-0.5", 0),
    ("sign", "0.5", 1), ("sign", "0", -1), ("sign", "-0.5", -1),
])
def test_forward_values_and_the_tie_rule(func, z, expected):
    assert solve(parse_inline(f"y = {func}(z)", f"z={z}", "y")).exact == expected
    # the same through a decimal input (the mpmath path): tanh(0)·0 + z keeps z's value
    numeric = solve(parse_inline(f"u = z + 0*exp(1/3 + z*0); y = {func}(u)", f"z={z}", "y"))
    assert numeric.value == expected


def test_an_unsimplified_exact_zero_is_a_tie():
    graph = parse_inline("z = log(x*x) - 2*log(3); y = step(z); s = sign(z)", "x=3", "y")
    assert solve(graph).exact == 0 and solve(graph, graph.find.__class__("s")).exact == -1


def test_layer_form_step_and_sign():
    spec = """
input: {x: [1, -2]}
layers:
  - {out: h, W: [[1, 1], [2, 1], [1, 0]], act: sign}
  - {out: g, W: [[1, 1, 1]], b: [0.5], act: step}
  - {out: y, W: [[2]], act: step1}
find: {of: g1}
"""
    # z_h = (-1, 0, 1): sign gives (-1, -1, +1); z_g = -1 + 0.5 = -0.5: step 0
    solution = solve(parse_spec(spec))
    assert [solution.forward[f"h{i}"] for i in (1, 2, 3)] == [-1, -1, 1]
    assert solution.exact == 0 and solution.forward["y1"] == 1  # step1(2 · 0) = 1: the other tie rule
    with pytest.raises(SpecError, match="W has 1 columns"):
        parse_spec(spec.replace("[[1, 1, 1]]", "[[1]]"))


def test_unknown_act_lists_the_registry():
    with pytest.raises(SpecError, match="known: relu, sigmoid, tanh, linear, softmax, step, step1, sign"):
        parse_spec("input: {x: [1]}\nlayers:\n  - {out: y, W: [[1]], act: gelu}\nfind: {of: y1}\n")


# --- derivatives: 0 off the jump, refused on it ---------------------------------------------------

def test_a_derivative_through_a_unit_at_zero_is_one_line_refused():
    with pytest.raises(SpecError) as caught:
        solve(parse_inline("z = w*x + b; y = step(z)", "w=1, x=2, b=-2", "dy/dw"))
    message = str(caught.value)
    assert "\n" not in message
    assert "step'(z) is undefined at z = 0" in message and "node 'y'" in message


@pytest.mark.parametrize("func", ["step", "step1", "sign"])
def test_the_kink_is_found_inside_a_longer_expression(func):
    with pytest.raises(SpecError, match=f"{func}'\\(z\\) is undefined at z = 0"):
        solve(parse_inline(f"y = 3*{func}(w*x + b) + w", "w=1, x=2, b=-2", "dy/dw"))


def test_a_derivative_elsewhere_is_zero_with_a_note():
    solution = solve(parse_inline("z = w*x + b; y = step(z); L = 3*y + w*w", "w=1, x=2, b=-1", "dL/dw"))
    assert solution.exact == 2  # only the direct path: the step unit passes no gradient
    assert solution.checked.endswith("(exactly)")
    local = [s.text for s in solution.steps if s.kind == "local"]
    assert any("step'(z) = 0$ since $z = 1 ≠ 0$" in text for text in local)
    notes = [s.text for s in solution.steps if s.kind == "note" and not s.text.startswith("Notation:")]
    assert notes == [activations.get("step").remark]


def test_a_sign_layer_passes_no_gradient_in_the_vector_form():
    spec = """
input: {x: [1, 2]}
layers:
  - {out: h, W: [[1, 1], [1, -2]], act: sign}
  - {out: y, W: [[2, 3]]}
find: {of: y1, wrt: x1}
"""
    solution = solve(parse_spec(spec))
    from gatebp.network.vector_form import vector_steps

    assert solution.exact == 0
    assert any(s.kind == "vector" for s in vector_steps(parse_spec(spec), solution).steps)


# --- the two UGC NET questions (../shared/reviews/real-questions.md), through `gatebp explain` ----

UGC_2017_SIGN = """# UGC NET CSE Nov 2017, Paper III Q71: a sign perceptron, bias 0
values: {w1: 0.4, w2: -0.3, w3: 0.1, x1: 0.2, x2: 0.6, x3: 0.5}
nodes:
  net: w1*x1 + w2*x2 + w3*x3
  y: sign(net)
find: {of: y}
"""
UGC_2016_THRESHOLD = """# UGC NET CSE Jul 2016, Paper III: outputs 1 when the sum reaches T = 0.3, else 0
values: {w1: -3.9, w2: 1.1, x1: 1.3, x2: 2.2, T: 0.3}
nodes:
  s: w1*x1 + w2*x2
  y: step1(s - T)
find: {of: y}
"""


@pytest.mark.parametrize("spec, net, key", [(UGC_2017_SIGN, ("net", -0.05), -1),
                                            (UGC_2016_THRESHOLD, ("s", -2.65), 0)])
def test_ugc_net_threshold_questions_through_explain(runner, tmp_path, spec, net, key):
    path = tmp_path / "question.yaml"
    path.write_text(spec)
    result = runner.invoke(cli, ["explain", str(path), "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["value"] == key and data["exact"] == str(key)
    assert data["forward"][net[0]]["value"] == pytest.approx(net[1])  # the trap option is the sum
    shown = runner.invoke(cli, ["explain", str(path), "--plain"])
    assert shown.exit_code == 0 and f"= {key}" in shown.output


def test_the_kink_error_exits_2_in_one_line(tmp_path):
    path = tmp_path / "kink.yaml"
    path.write_text("values: {w: 1, x: 2, b: -2}\nnodes:\n  z: w*x + b\n  y: sign(z)\nfind: {of: y, wrt: w}\n")
    result = subprocess.run([sys.executable, "-m", "gatebp", "explain", str(path)], capture_output=True, text=True)
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert "kink.yaml:4: nodes.y: sign'(z) is undefined at z = 0" in result.stderr
