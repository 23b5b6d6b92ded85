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
                     "3 × 1 × 2", "∂y/∂w₁", "= 6", "ReLU′(0) = 0", "y = w₂h"):
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


DEEP = ("x=[-0.1, -1.4, 1.9] | h=relu([[-1.5, 0.7, 0.8], [-1.3, 1.1, -0.3]]) "
        "| e=sigmoid([[1.1, 1], [0.4, -0.5]]) | y=[[1, -0.2]]")


def test_layers_show_the_figure_and_vector_form_and_scalar_adds_every_edge(runner):
    """A student writes a layer net in vector form: no one-row-per-edge table unless asked."""
    short = runner.invoke(cli, ["explain", "--layers", DEEP, "--find", "dy1/dw_h1_x1"], env={"COLUMNS": "100"})
    full = runner.invoke(cli, ["explain", "--layers", DEEP, "--find", "dy1/dw_h1_x1", "--scalar"],
                         env={"COLUMNS": "100"})
    assert short.exit_code == full.exit_code == 0, short.output + full.output
    assert "W₁ = ⎡" in short.output and "Vector form" in short.output and "--scalar" in short.output
    assert "Local derivatives" not in short.output and "Forward pass" not in short.output
    assert "Local derivatives" in full.output and "Forward pass" in full.output
    assert len(short.output.splitlines()) < len(full.output.splitlines()) / 2
    answer = short.output[short.output.index("Answer"):]
    assert "∂y₁/∂W₁[1,1]" in answer and "w_h" not in answer  # named as the stem names it


def test_the_answer_has_no_python_notation_and_no_fifty_digit_exact_form(runner):
    result = runner.invoke(cli, ["explain", "--layers", DEEP, "--find", "dy1/dx1"])
    answer = result.output[result.output.index("Answer"):]
    assert "e-0" not in result.output and not any(len(word) > 30 for word in answer.split())


def test_a_saturated_softmax_is_not_read_as_cross_entropy(runner):
    """y₁ = 1 − 2.3·10⁻¹⁶ once looked like a one-hot target: the working claimed δ = y − t."""
    result = runner.invoke(cli, ["explain", "--layers", "x=[12, 0] | y=softmax([[3, 0], [0, 0]])",
                                 "--find", "dy1/dx1"])
    assert result.exit_code == 0, result.output
    assert "cross-entropy" not in result.output
    assert "2.32·10⁻¹⁶" in result.output and "0.0000000000" not in result.output
    data = json.loads(runner.invoke(cli, ["explain", "--layers", "x=[12, 0] | y=softmax([[3, 0], [0, 0]])",
                                          "--find", "dy1/dx1", "--json"]).output)
    assert abs(data["value"] - 3 * float(_softmax_corner())) < 1e-25


def _softmax_corner():  # type: ignore[no-untyped-def]
    """p₁(1 − p₁) for logits (36, 0), by mpmath: ∂y₁/∂x₁ = 3·p₁·p₂."""
    import mpmath

    mpmath.mp.dps = 40
    p2 = 1 / (1 + mpmath.e ** 36)
    return (1 - p2) * p2


def test_the_network_tree_prints_the_papers_minus_and_ascii_under_plain(runner):
    args = ["explain", "--graph", "u = w*x; y = relu(u)", "--at", "w=-2, x=-1.5", "--find", "dy/dw"]
    fancy, plain = runner.invoke(cli, args), runner.invoke(cli, [*args, "--plain"])
    assert "w = −2" in fancy.output and "x = −1.5" in fancy.output
    assert "w = -2" in plain.output and plain.output.isascii()
