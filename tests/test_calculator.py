"""The virtual calculator: GATE's keys, the whitelisting parser, bounded float evaluation."""

from __future__ import annotations

import math
import time

import pytest

from gatebp.core.calculator import Calculator, calculator_reply, evaluate, show
from gatebp.core.errors import EvaluationError, ExpressionError, GatebpError
from gatebp.core.expr import parse_expr_text


@pytest.mark.parametrize(("text", "shown"), [
    ("1/(1+exp(-0.585))", "0.642217093"),
    ("2^10", "1024"), ("2**-1", "0.5"), ("3 × 4 ÷ 2 − 1", "5"),
    ("sqrt(2)", "1.414213562"), ("√(0.25)", "0.5"), ("ln(e)", "1"), ("log10(1000)", "3"),
    ("sin(pi/2)", "1"), ("cos(0)", "1"), ("tan(0)", "0"), ("π", "3.141592654"),
    ("sinh(0)", "0"), ("cosh(0)", "1"), ("tanh(0.5)", "0.4621171573"),
    ("2.5e-3*4", "0.01"), ("10**-5", "0.00001"), ("0.1+0.2", "0.3"), ("-2**2", "-4"),
    ("0.642*(1-0.642)", "0.229836"), ("1e20", "1e20"), ("abs(-3)", "3"),
])
def test_keys_and_functions(text: str, shown: str) -> None:
    assert evaluate(text) == shown


def test_computed_exponents_are_allowed() -> None:
    assert evaluate("2**(1+1)") == "4"
    assert evaluate("e**ln(2)") == "2"


@pytest.mark.parametrize(("text", "reason"), [
    ("1/0", "division by zero"), ("ln(0)", "ln needs a positive number"),
    ("sqrt(-1)", "not negative"), ("(-8)**(1/3)", "fractional power"),
    ("0**-1", "negative power"), ("asin(2)", "from -1 to 1"),
    ("9**9**9**9", "too large"), ("exp(1000)", "too large"), ("1e999", "too large"),
    ("ans", "no previous result"),
])
def test_no_value_is_one_line_reason(text: str, reason: str) -> None:
    with pytest.raises(EvaluationError, match=reason):
        evaluate(text)


@pytest.mark.parametrize(("text", "reason"), [
    ("__import__('os')", "unknown function"), ("x + 1", "unknown name 'x'"),
    ("log(2)", "known: sin"), ("sin", "must be called"), ("(1).real", "attribute"),
    ("[1]", "list"), ("2 % 3", "%"), ("", "empty"), ("1 +", "syntax"),
    ("lambda: 1", "lambda"), ("1e1234", "must be written as digits"),
])
def test_hostile_or_malformed_text_is_refused(text: str, reason: str) -> None:
    with pytest.raises(ExpressionError, match=reason):
        evaluate(text)


def test_hostile_input_is_refused_fast() -> None:
    start = time.perf_counter()
    for text in ("9**" * 300 + "9", "(" * 5000 + "1" + ")" * 5000, "1" * 1999, "exp(" * 500):
        with pytest.raises(GatebpError):
            evaluate(text)
    assert time.perf_counter() - start < 1.0


def test_ans_memory_and_degrees() -> None:
    calc = Calculator()
    assert calc.evaluate("0.585") == "0.585"
    assert calc.evaluate("1/(1+exp(-ans))") == "0.642217093"
    assert calc.memory_add("") == "0.642217093"           # M+ with an empty display adds ans
    assert calc.memory_add("1", sign=-1) == "-0.357782907"  # M−
    assert calc.memory_recall() == "-0.357782907"
    calc.memory_clear()
    assert calc.memory_recall() == "0"
    calc.degrees = True
    assert calc.evaluate("sin(30)") == "0.5" and calc.evaluate("atan(1)") == "45"


def test_show_matches_the_display() -> None:
    assert show(1 / 3) == "0.3333333333" and show(2e-8) == "2e-8" and show(0.0) == "0"
    assert float(show(math.pi)) == pytest.approx(math.pi, rel=1e-9)


def test_line_mode_reply() -> None:
    calc = Calculator()
    assert calculator_reply(calc, "= 1/(1+exp(-0.585))") == "= 0.642217093"
    assert calculator_reply(calc, "  =ans*2") == "= 1.284434186"
    assert calculator_reply(calc, "0.64") is None and calculator_reply(calc, "n") is None
    assert calculator_reply(calc, "= 1/0") == "Calculator: division by zero"
    assert calculator_reply(calc, "=").startswith("Calculator: type an expression")


@pytest.mark.parametrize("text", ["sin(x)", "x**y", "1e3", "ln(x)", "pi"])
def test_spec_grammar_is_unchanged(text: str) -> None:
    """The calculator's grammar is its own: spec expressions accept what they did before."""
    if text == "pi":
        assert parse_expr_text(text).id == "pi"  # type: ignore[union-attr]
        return
    with pytest.raises(ExpressionError):
        parse_expr_text(text)


def test_a_calculator_line_in_the_drill_prints_the_result_and_is_not_an_answer(runner) -> None:
    """`= expr` at the drill prompt evaluates with the virtual calculator; the question waits."""
    from gatebp.cli.main import cli

    result = runner.invoke(cli, ["practice", "--seed", "1", "--count", "1", "--plain"],
                           input="= 1/(1+exp(-0.585))\ns\n")
    assert result.exit_code == 0, result.output
    assert "= 0.642217" in result.output
    assert "Skipped" in result.output


def test_a_calculator_line_in_the_line_mock_is_not_an_answer(runner) -> None:
    from gatebp.cli.main import cli

    result = runner.invoke(cli, ["practice", "--exam", "--seed", "1", "--count", "2", "--line",
                                 "--minutes", "5"], input="= 2^10\nsubmit\ny\n")
    assert result.exit_code == 0, result.output
    assert "= 1024" in result.output
    assert "Not accepted" not in result.output
