"""Spec files: the scalar form, exact values, and one clear file:line error per problem."""

from __future__ import annotations

import json
import re
from fractions import Fraction

import pytest

from gatebp.core.errors import SpecError
from gatebp.network.graph import Find
from gatebp.network.spec import load_spec, parse_find_text, parse_spec


def test_values_keep_exact_decimals_and_fractions():
    graph = parse_spec('values: {a: 0.1, b: "1/3", c: -2}\nnodes: {y: a + b + c}\n')
    assert graph.values == {"a": Fraction(1, 10), "b": Fraction(1, 3), "c": Fraction(-2)}


def test_json_specs_are_read_too():
    graph = parse_spec('{"values": {"x": 2}, "nodes": {"y": "x**2"}, "find": {"of": "y", "wrt": "x"}}')
    assert graph.find == Find("y", "x")


@pytest.mark.parametrize("find_text, expected", [
    ("dL/dx", Find("L", "x")), ("∂L/∂w1", Find("L", "w1")), ("L", Find("L")),
    ("dL/dw lr=0.1", Find("L", "w", Fraction(1, 10))),
])
def test_find_text_forms(find_text, expected):
    assert parse_find_text(find_text) == expected


BAD = [
    ("values: {x: 1}\nnodes:\n  y: x + q\n", 3, "'q' is not defined"),
    ("values: {x: 1}\nnodes:\n  y: x\n  y: 2*x\n", 4, "defined twice"),
    ("values: {x: 1}\nnodes:\n  x: 2\n", 3, "already defined on line 1"),
    ("values: {x: 1}\nnodes:\n  y: z + x\n  z: 2*x\n", 3, "used before it is defined"),
    ("values: {x: 1}\nnodes:\n  y: foo(x)\n", 3, "unknown function 'foo' (known: relu, sigmoid, tanh, exp, log"),
    ("values: {x: 1}\nnodes:\n  y: x +* 2\n", 3, "syntax error: invalid syntax (column 4)"),
    ("values:\n  x: abc\nnodes: {y: x}\n", 2, "'abc' is not a number"),
    ("values: {x: 1}\nnodes: {y: 2*x}\nfind: {of: y, wrt: w}\n", 3, "'w' names nothing"),
    ("values: {x: 0}\nnodes:\n  y: 1/x\nfind: {of: y}\n", 3, "division by zero in node 'y'"),
    ("values: {x: -1}\nnodes:\n  y: log(x)\nfind: {of: y}\n", 3, "log of a non-positive number"),
    ("values: {x: 1}\nnodes: {y: x}\ncolour: red\n", 3, "unknown key"),
    ("values: {x: 1\n", None, "not valid YAML/JSON"),
]


@pytest.mark.parametrize("text, line, message", BAD)
def test_bad_specs_get_one_line_with_file_line_and_key(tmp_path, text, line, message):
    path = tmp_path / "net.yaml"
    path.write_text(text)
    with pytest.raises(SpecError) as error:
        from gatebp.network.solve import solve

        graph = load_spec(path)
        solve(graph)
    where = f"{path}:{line}:" if line else f"{path}"
    assert str(error.value).startswith(where)
    assert message in str(error.value)
    assert "\n" not in str(error.value)


def test_cli_turns_a_bad_spec_into_one_line_and_exit_2(tmp_path):
    import subprocess
    import sys

    path = tmp_path / "net.yaml"
    path.write_text("values: {x: 1}\nnodes:\n  y: x + q\nfind: {of: y, wrt: x}\n")
    result = subprocess.run([sys.executable, "-m", "gatebp", "explain", str(path)], capture_output=True, text=True)
    assert result.returncode == 2
    assert result.stderr.strip() == f"error: {path}:3: nodes.y: 'q' is not defined (add it to values or nodes)"
    assert "Traceback" not in result.stderr and result.stdout == ""


def test_missing_file_is_one_line(tmp_path):
    with pytest.raises(SpecError, match="cannot read the file"):
        load_spec(tmp_path / "nope.yaml")


def test_yaml_anchors_and_aliases_are_refused_with_their_line():
    with pytest.raises(SpecError, match=r"net.yaml:1: YAML anchors and aliases"):
        parse_spec("input: &a {x: [1]}\nlayers: [{out: h, W: [[1]]}, *a]\n", source="net.yaml")
    with pytest.raises(SpecError, match=r"net.yaml:2: YAML anchors and aliases"):
        parse_spec("input: {x: [1]}\nlayers: [{out: h, W: [[1]]}, *a]\n", source="net.yaml")


@pytest.mark.parametrize("text, message", [
    ("input: {x: [1]}\nlayers: [{out: h, W: [[1]], act: [relu]}]", "'act' must be a single name, not a list"),
    ("input: {x: [[1, 2]]}\nlayers: [{out: h, W: [[1]]}]", "expected a number, found a list"),
    ("input: {x: [1]}\nlayers: [{out: h, W: [[1]], W: [[2]]}]", "'W' is given twice"),
    ("input: {x: []}\nlayers: [{out: h, W: [[1]]}]", "the input vector is empty"),
])
def test_layer_form_mistakes_read_cleanly(text, message):
    with pytest.raises(SpecError) as error:
        parse_spec(text, source="net.yaml")
    assert message in str(error.value) and "_Located" not in str(error.value)


@pytest.mark.parametrize("text, message", [
    ('{"input": {"x": ["1"]}, "layers": [{"out": "h", "W": [["1"]] }' + ', {"out": "h", "W": [["1"]]}' * 8 + "]}",
     "9 layers is too many for a hand-solved question (at most 8)"),
    ('{"input": {"x": ' + str(["1"] * 17).replace("'", '"') + '}, "layers": [{"out": "h", "W": [["1"]]}]}',
     "the input has 17 entries (at most 16)"),
    ('{"input": {"x": ["1"]}, "layers": [{"out": "h", "W": ' + str([["1"]] * 17).replace("'", '"') + "}]}",
     "W has 17 rows, so 17 units (at most 16)"),
])
def test_networks_too_large_to_solve_by_hand_are_refused_at_once(text: str, message: str) -> None:
    with pytest.raises(SpecError, match=re.escape(message)):
        parse_spec(text)


def test_the_weight_budget_counts_every_layer() -> None:
    wide = {"out": "h", "W": [["1"] * 16] * 16}
    layers = [{**wide, "out": f"h{'abcdefgh'[i]}"} for i in range(2)]
    with pytest.raises(SpecError, match="more than 300 weights"):
        parse_spec(json.dumps({"input": {"x": ["1"] * 16}, "layers": layers}))
