"""gatebp.questions.bank and `gatebp bank check`: the shipped bank, each kind of problem with its line."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

import pytest
from click.testing import CliRunner

from gatebp.questions.bank import check_bank, load_bank
from gatebp.questions.families import load_families
from gatebp.cli.main import cli
from gatebp.core.errors import BankFileError
from gatebp.gate.question import Question

REPO = Path(__file__).resolve().parent.parent
BANK = REPO / "question_bank"

GOOD = """\
questions:
  - id: t-relu
    values: {x: 2, w1: 1, w2: 3}
    nodes:
      z: w1*x
      h: relu(z)
      y: w2*h
    find: dy/dw1
    text: Find dy/dw1.
    answer: 6
    rounding: 0
    topic: relu-gate
    type: NAT
    marks: 1
"""


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


def write(tmp_path: Path, text: str, name: str = "bank.yaml") -> Path:
    path = tmp_path / name
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def check_output(runner: CliRunner, *paths: Path) -> tuple[int, str]:
    result = runner.invoke(cli, ["bank", "check", *map(str, paths)])
    assert "Traceback" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    return result.exit_code, result.output


# -- the shipped bank -------------------------------------------------------------------------

def test_shipped_bank_is_valid_without_warnings() -> None:
    report = check_bank([BANK])
    assert report.problems == [] and report.warnings == []
    assert len(report.questions) >= 36 and len(report.files) >= 6


def test_shipped_bank_covers_every_topic_and_form() -> None:
    questions = load_bank([BANK])
    assert {q.topic for q in questions} >= set(load_families())
    forms = {(t, m) for t in ("NAT", "MCQ", "MSQ") for m in (1, 2)}
    assert {(q.type, q.marks) for q in questions} >= forms
    layer_form = [q for q in questions
                  if q.graph and any(k.startswith("w_h") for k in q.graph["values"])]
    assert len(layer_form) >= 2


def test_seed_worked_examples_have_the_seed_answers() -> None:
    by_id = {q.id: q for q in load_bank([BANK / "seeds.yaml"])}
    assert by_id["seed-relu-2025"].key_text() == "6 to 6"
    assert by_id["seed-sigmoid-yhat"].answer["value"] == pytest.approx(0.642, abs=5e-4)
    assert by_id["seed-sigmoid-dw2"].answer["value"] == pytest.approx(-0.262, abs=5e-4)
    assert by_id["seed-sigmoid-step-w1"].answer["value"] == pytest.approx(0.511, abs=5e-4)
    assert by_id["seed-merge-uxy"].correct_labels == ("A",)


def test_distractors_name_their_mistakes() -> None:
    for q in load_bank([BANK]):
        for i, option in enumerate(q.options):
            assert (option.mistake is None) == (i in q.answer["correct"]), (q.id, option.label)


def test_questions_round_trip_through_dicts() -> None:
    for q in load_bank([BANK]):
        data = json.loads(json.dumps(q.to_dict()))
        assert Question.from_dict(data) == q
        assert q.source == "bank" and q.solution


def test_bank_question_record() -> None:
    (q,) = load_bank([write_tmp(GOOD)])
    assert q.id == "t-relu" and q.type == "NAT" and q.rounding == 0
    assert q.answer["range"] == [6.0, 6.0] and q.answer["exact"] == "6"
    assert q.text.endswith("(answer as an integer)")
    assert q.graph == {"values": {"x": "2", "w1": "1", "w2": "3"},
                       "nodes": {"z": "w1 * x", "h": "relu(z)", "y": "w2 * h"}}
    assert q.find == {"of": "y", "wrt": "w1"}
    assert any("∂y/∂w1" in step.text for step in q.solution)


def write_tmp(text: str) -> Path:
    import tempfile

    folder = Path(tempfile.mkdtemp())
    return write(folder, text)


def test_command_default_is_question_bank(runner: CliRunner,
                                          monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(REPO)
    code, output = check_output(runner)
    assert code == 0
    assert output.strip().splitlines()[-1].endswith(": all valid")


def test_command_valid_file(runner: CliRunner, tmp_path: Path) -> None:
    code, output = check_output(runner, write(tmp_path, GOOD))
    assert code == 0 and output == "1 question in 1 file: all valid\n"


# -- each kind of problem, with its line ------------------------------------------------------

def broken(**replace: str) -> str:
    text = GOOD
    for old, new in replace.items():
        assert old.replace("_", " ") in text or old in text
        text = text.replace(old, new)
    return text


@pytest.mark.parametrize("text, line, message", [
    (GOOD.replace("    marks: 1\n", "    marks: 1\n    colour: red\n"), 15, "unknown key 'colour'"),
    (GOOD.replace("    topic: relu-gate\n", ""), 2, "missing 'topic'"),
    (GOOD.replace("marks: 1", "marks: one"), 14, "'marks' must be 1 or 2"),
    (GOOD.replace("marks: 1", "marks: 3"), 14, "marks 3 is not 1 or 2"),
    (GOOD.replace("type: NAT", "type: TF"), 13, "type 'TF' is not NAT, MCQ or MSQ"),
    (GOOD.replace("text: Find dy/dw1.", "text: [1, 2]"), 9, "'text' must be text, not a list"),
    (GOOD.replace("y: w2*h", "y: w2*h +"), 7, "nodes.y: syntax error"),
    (GOOD.replace("h: relu(z)", "h: relu(q)"), 6, "'q' is not defined"),
    (GOOD.replace("find: dy/dw1", "find: dy/dw9"), 8, "find: wrt: 'w9' names nothing"),
    (GOOD.replace("answer: 6", "answer: 7"), 10,
     "answer 7 disagrees with the solver: ∂y/∂w1 = 6 (key 6 to 6)"),
    (GOOD.replace("answer: 6", "answer: six"), 10, "a NAT answer must be a number"),
    (GOOD.replace("rounding: 0", "rounding: 9"), 11, "rounding 9 must be 0 to 6"),
    (GOOD.replace("id: t-relu", "id: T Relu"), 2, "id 'T Relu' must use lowercase letters"),
    (GOOD.replace("    find: dy/dw1\n", ""), 2, "needs 'find'"),
])
def test_problem_lines(runner: CliRunner, tmp_path: Path, text: str, line: int,
                       message: str) -> None:
    path = write(tmp_path, text)
    code, output = check_output(runner, path)
    assert code == 2
    first = output.splitlines()[0]
    assert first.startswith(f"{path}:{line}: "), output
    assert message in first, output
    with pytest.raises(BankFileError) as caught:
        load_bank([path])
    assert str(caught.value) == first


def test_yaml_syntax_error(runner: CliRunner, tmp_path: Path) -> None:
    path = write(tmp_path, "questions:\n  - id: x\n    text: [unclosed\n")
    code, output = check_output(runner, path)
    assert code == 2
    assert output.startswith(f"{path}:4: not valid YAML")


def test_duplicate_id_across_files(runner: CliRunner, tmp_path: Path) -> None:
    write(tmp_path, GOOD, "a.yaml")
    second = write(tmp_path, GOOD, "b.yaml")
    code, output = check_output(runner, tmp_path)
    assert code == 2
    assert f"{second}:2: t-relu: duplicate id (first used at {tmp_path / 'a.yaml'}:2)" in output
    assert output.splitlines()[-1] == "2 questions in 2 files: 1 problem (1 valid)"


CHOICE = """\
questions:
  - id: t-choice
    values: {x: 3, y: -1}
    nodes:
      u: x*y
      v: u + y
      L: v**2
    find: dL/dy
    text: What is dL/dy?
    options:
      - {text: "-32", value: -32}
      - {text: "-8", value: -8, mistake: "missed the path through u"}
      - {text: "-24", value: -24, mistake: "missed the direct edge"}
      - {text: "32", value: 32, mistake: "made a sign slip"}
    answer: A
    topic: merges
    type: MCQ
    marks: 2
"""


def test_choice_question_record() -> None:
    (q,) = load_bank([write_tmp(CHOICE)])
    assert q.answer == {"correct": [0]} and q.key_text() == "A"
    assert [o.value for o in q.options] == [-32, -8, -24, 32]
    assert q.solution[-1].text == "Key: A" and q.solution[-1].kind == "key"


@pytest.mark.parametrize("text, line, message", [
    (CHOICE.replace("answer: A", "answer: B"), 11, "option A claims -32, which is right"),
    (CHOICE.replace("answer: A", "answer: A;B"), 15, "an MCQ has exactly one correct option"),
    (CHOICE.replace("answer: A", "answer: E"), 15, "must be letters A to D"),
    (CHOICE.replace('      - {text: "32", value: 32, mistake: "made a sign slip"}\n', ""), 10,
     "'options' has 3 choices"),
    (CHOICE.replace('value: -8,', 'value: -8, find: dL/dq,'), 12, "'q' names nothing"),
    (CHOICE.replace("    rounding: 0\n", "").replace("marks: 2", "marks: 2\n    rounding: 1"), 19,
     "'rounding' is only for NAT"),
])
def test_choice_problem_lines(runner: CliRunner, tmp_path: Path, text: str, line: int,
                              message: str) -> None:
    path = write(tmp_path, text)
    code, output = check_output(runner, path)
    assert code == 2
    rows = output.splitlines()
    assert any(row.startswith(f"{path}:{line}: ") and message in row for row in rows), output


def test_distractor_too_close_to_an_inexact_value(tmp_path: Path) -> None:
    text = """\
    questions:
      - id: t-close
        values: {x: 0}
        nodes: {y: sigmoid(x + 1)}
        find: y
        text: What is y?
        options:
          - {text: "0.73", value: 0.73}
          - {text: "0.74", value: 0.74, mistake: "rounded up"}
          - {text: "0.27", value: 0.27, mistake: "took 1 - y"}
          - {text: "0.5", value: 0.5, mistake: "took sigmoid(0)"}
        answer: A
        topic: activation-path
        type: MCQ
        marks: 1
    """
    report = check_bank([write(tmp_path, text)])
    assert [str(p) for p in report.problems] == [
        f"{tmp_path / 'bank.yaml'}:9: t-close: option B (0.74) is too close to the true value "
        "to be a clear distractor (the value of y ≈ 0.7311)"]


def test_msq_key_and_claims(tmp_path: Path) -> None:
    text = CHOICE.replace("type: MCQ", "type: MSQ").replace("answer: A", 'answer: "A;D"')
    report = check_bank([write(tmp_path, text)])
    assert [p.message for p in report.problems] == [
        "t-choice: option D is in the key but claims 32, and ∂L/∂y = -32"]


def test_all_problems_are_collected(runner: CliRunner, tmp_path: Path) -> None:
    bad = GOOD.replace("answer: 6", "answer: 7") + GOOD[len("questions:\n"):].replace(
        "t-relu", "t-two").replace("marks: 1", "marks: 5")
    write(tmp_path, bad, "one.yaml")
    write(tmp_path, "questions:\n  - id: x\n    text: [unclosed\n", "two.yml")
    code, output = check_output(runner, tmp_path, tmp_path / "missing.yaml")
    assert code == 2
    lines = output.splitlines()
    assert len(lines) == 5  # four problems and the summary
    assert lines[-1] == "2 questions in 2 files: 4 problems (0 valid)"
    assert f"{tmp_path / 'missing.yaml'}: no such file or directory" in lines


def test_unknown_topic_is_a_warning(runner: CliRunner, tmp_path: Path) -> None:
    path = write(tmp_path, GOOD.replace("topic: relu-gate", "topic: brand-new-topic"))
    code, output = check_output(runner, path)
    assert code == 0
    assert f"{path}:12: warning: topic 'brand-new-topic' is not a known topic" in output
    assert runner.invoke(cli, ["bank", "check", "--strict", str(path)]).exit_code == 2


@pytest.mark.parametrize("text", [
    "", "- 1\n- 2\n", "questions: 3\n", "questions: [7, null]\n", "other: 1\n",
    "questions:\n  - {id: a, options: {x: 1}, answer: [1], type: MCQ, marks: 1, text: t,"
    " topic: shapes}\n",
    "questions:\n  - {id: a, values: 5, answer: 1, type: NAT, marks: 1, text: t, topic: shapes}\n",
    "questions:\n  - {id: a, input: {x: [1]}, layers: [{out: h, W: [[1, 2]]}], answer: 1,"
    " type: NAT, marks: 1, text: t, topic: shapes, find: h1}\n",
    "questions:\n  - {id: a, values: {x: 0}, nodes: {y: log(x)}, find: y, answer: 1,"
    " type: NAT, marks: 1, text: t, topic: shapes}\n",
    "questions:\n  - &a {id: a}\n  - *a\n",
    "\x00\x01binary",
])
def test_malformed_files_never_crash(runner: CliRunner, tmp_path: Path, text: str) -> None:
    path = write(tmp_path, text)
    code, output = check_output(runner, path)
    assert code == 2
    for row in output.splitlines()[:-1]:
        assert row.startswith(str(path)), output


def test_not_utf8(runner: CliRunner, tmp_path: Path) -> None:
    path = tmp_path / "latin.yaml"
    path.write_bytes(b"questions:\n  - id: caf\xe9\n")
    code, output = check_output(runner, path)
    assert code == 2 and output.startswith(f"{path}:2: not valid UTF-8 (byte 0xe9)")
