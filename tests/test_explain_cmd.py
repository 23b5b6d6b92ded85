"""`gatebp explain` from a file, the inline forms and a question id, as a user runs it."""

from __future__ import annotations

import json
import subprocess
import sys

from gatebp.cli.main import cli

SPEC = "values: {x: 2, w1: 1, w2: 3}\nnodes:\n  z: w1*x\n  h: relu(z)\n  y: w2*h\nfind: {of: y, wrt: w1}\n"


def test_file_shows_forward_values_local_derivatives_paths_and_answer(runner, tmp_path):
    path = tmp_path / "net.yaml"
    path.write_text(SPEC)
    result = runner.invoke(cli, ["explain", str(path)])
    assert result.exit_code == 0, result.output
    for expected in ("Forward pass", "Local derivatives", "ReLU gate: z = 2 > 0", "y ← h ← z ← w₁",
                     "3 × 1 × 2", "∂y/∂w₁", "= 6", "relu'(0) = 0", "y = w₂h"):
        assert expected in result.output


def test_inline_form_and_json(runner):
    result = runner.invoke(cli, ["explain", "--graph", "u = x*y; v = u + y; L = v**2", "--at", "x=3, y=-2",
                                 "--find", "dL/dx", "--json"])
    data = json.loads(result.output)
    v = 3 * -2 + -2
    assert data["value"] == 2 * v * -2 and data["exact"] == str(2 * v * -2)
    assert all("text" in step for step in data["steps"]) and len(data["paths"]) == 1


def test_inline_layers(runner):
    result = runner.invoke(cli, ["explain", "--layers", "x=[1,-2] | h=relu([[1,-1],[2,1]]) | y=[[3,3]]",
                                 "--find", "dy1/dx1", "--json"])
    data = json.loads(result.output)
    # h1 input 1+2 = 3 (open), h2 input 2-2 = 0 (closed at 0): only the h1 path counts: 3 * 1 * 1
    assert data["value"] == 3
    assert any("Vector" in s["text"] or s["kind"] == "vector" for s in data["steps"])


def test_descent_step(runner):
    result = runner.invoke(cli, ["explain", "--graph", "L = (w*x - t)**2", "--at", "w=0.5, x=2, t=3",
                                 "--find", "dL/dw lr=0.1", "--json"])
    # dL/dw = 2(wx - t)x = 2(1 - 3)2 = -8; w - 0.1 * -8 = 1.3
    assert json.loads(result.output)["value"] == 1.3


def test_plain_has_no_box_drawing(runner, tmp_path):
    path = tmp_path / "net.yaml"
    path.write_text(SPEC)
    result = runner.invoke(cli, ["explain", str(path), "--plain"])
    assert not set("╭╮╰╯│─═║") & set(result.output)


def test_usage_errors_are_one_line(runner):
    result = runner.invoke(cli, ["explain"])
    assert result.exit_code == 2 and "give a SPEC_FILE" in result.output


def test_explain_by_question_id_rebuilds_the_generated_question(runner):
    from gatebp.questions.generate import generate_set

    question = generate_set(5, 1, topics=["relu-gate"])[0]
    result = runner.invoke(cli, ["explain", "--id", question.id, "--json"])
    assert json.loads(result.output) == json.loads(json.dumps(question.to_dict()))


def test_bad_id_is_one_line_exit_2():
    result = subprocess.run([sys.executable, "-m", "gatebp", "explain", "--id", "nonsense"], capture_output=True,
                            text=True)
    assert result.returncode == 2 and result.stderr.startswith("error: 'nonsense' is not a question id")


def test_explain_by_id_renders_the_question_key_and_working(runner):
    from gatebp.questions.generate import build_question

    question = build_question("merges", "NAT", 2, 77)
    result = runner.invoke(cli, ["explain", "--id", question.id, "--plain"])
    assert result.exit_code == 0, result.output
    assert f"Key: {question.key_text()}" in result.output
    assert "Local derivatives" in result.output and "sum over" in result.output
