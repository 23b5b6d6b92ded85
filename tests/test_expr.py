"""The whitelisting parser: the grammar is accepted, everything else refused fast, nothing run."""

from __future__ import annotations

import time
from fractions import Fraction

import pytest

from gatebp.core.errors import ExpressionError
from gatebp.core.expr import Num, format_expr, parse_expr_text, referenced_names

HOSTILE = [
    "__import__('os').system('touch /tmp/gatebp-pwned')",
    "().__class__.__bases__[0].__subclasses__()",
    "x.__class__",
    "exp.__globals__",
    "(lambda: 1)()",
    "[x for x in ()]",
    "open('/etc/passwd')",
    "eval('1')",
    "exec('import os')",
    "x if y else z",
    "x[0]",
    "f'{x}'",
    "'text'",
    "x == y",
    "x @ y",
    "x % 2",
    "relu(x, y)",
    "relu(z=x)",
    "getattr(x, 'y')",
    "1j",
    "True",
    "x; y",
    "(x := 1)",
]

BOMBS = ["9**9**9**9", "2**1000", "x**y", "(" * 5000 + "x" + ")" * 5000, "x" + "+x" * 400_000,
         "-" * 1999 + "x", "relu(" * 300 + "x" + ")" * 300]


@pytest.mark.parametrize("text", HOSTILE)
def test_hostile_input_is_refused_and_nothing_runs(text, tmp_path):
    with pytest.raises(ExpressionError):
        parse_expr_text(text)
    assert not __import__("os").path.exists("/tmp/gatebp-pwned")


@pytest.mark.parametrize("text", BOMBS)
def test_resource_bombs_are_refused_in_well_under_a_second(text):
    start = time.perf_counter()
    with pytest.raises(ExpressionError):
        parse_expr_text(text)
    assert time.perf_counter() - start < 0.5


def test_unknown_function_lists_the_known_ones():
    with pytest.raises(ExpressionError, match=r"unknown function 'softmax' \(known: relu, sigmoid, tanh, exp, log"):
        parse_expr_text("softmax(x)")


def test_syntax_error_reports_a_column():
    with pytest.raises(ExpressionError) as error:
        parse_expr_text("x +* 2")
    assert error.value.column == 4


def test_decimals_are_exact():
    assert parse_expr_text("0.1") == Num(Fraction(1, 10))
    assert parse_expr_text(".5") == Num(Fraction(1, 2))


@pytest.mark.parametrize("text", ["w1*x + b", "-(x - y)**2", "a/(b*c)", "a - (b - c)", "(-x)**2", "-x**2",
                                  "relu(-x) * sigmoid(2*y)", "x**(-1)", "2 - -x"])
def test_formatting_round_trips(text):
    tree = parse_expr_text(text)
    assert parse_expr_text(format_expr(tree)) == tree


def test_referenced_names_in_order_without_functions():
    assert referenced_names("w2*relu(w1*x + b) + w2") == ("w2", "w1", "x", "b")


def test_printing_never_changes_a_value():
    """A long decimal prints as p/q; inside a product or quotient it is bracketed."""
    from gatebp.network.solve import forward_pass
    from gatebp.network.spec import graph_from_dict, parse_inline

    graph = parse_inline("y = x / 0.00000000000000004", "x=0.0000000000000001", None)
    again = graph_from_dict(graph.to_dict())
    assert forward_pass(graph)["y"] == forward_pass(again)["y"]
