"""`gatebp export` as a teacher runs it: contract JSON, keys beside the file, versions, banks."""

from __future__ import annotations

import json
import subprocess
import sys

from pypdf import PdfReader

from gatebp.cli.main import cli
from gatebp.questions.generate import generate_set


def test_json_to_stdout_is_the_contract_and_matches_generate_set(runner):
    result = runner.invoke(cli, ["export", "--count", "6", "--seed", "4"])
    data = json.loads(result.stdout)
    assert data["format"] == "gatebp.questions" and data["version"] == 1 and data["seed"] == 4
    assert data["questions"] == json.loads(json.dumps([q.to_dict() for q in generate_set(4, 6)]))


def test_same_seed_same_bytes_different_seed_different_questions(runner, tmp_path):
    outputs = []
    for seed in (3, 3, 5):
        path = tmp_path / f"set-{len(outputs)}.json"
        runner.invoke(cli, ["export", "-n", "8", "--seed", str(seed), "-o", str(path)])
        outputs.append(path.read_bytes())
    assert outputs[0] == outputs[1] and outputs[0] != outputs[2]


def test_pdf_with_a_separate_key_holds_every_question_and_answer(runner, tmp_path):
    path = tmp_path / "test.pdf"
    result = runner.invoke(cli, ["export", "-n", "5", "--seed", "2", "--format", "pdf", "--answers", "separate",
                                 "--solutions", "-o", str(path)])
    assert result.exit_code == 0, result.output
    paper = " ".join(page.extract_text() for page in PdfReader(path).pages)
    key = " ".join(page.extract_text() for page in PdfReader(tmp_path / "test-key.pdf").pages)
    for question in generate_set(2, 5):
        assert question.id in paper or question.text.split()[0] in paper
        assert question.key_text().split(" to ")[0] in key


def test_versions_have_the_same_families_and_other_numbers(runner, tmp_path):
    path = tmp_path / "quiz.json"
    result = runner.invoke(cli, ["export", "-n", "6", "--seed", "1", "--versions", "2", "-o", str(path)])
    assert result.exit_code == 0, result.output
    first = json.loads((tmp_path / "quiz-A.json").read_text())["questions"]
    second = json.loads((tmp_path / "quiz-B.json").read_text())["questions"]
    assert [q["topic"] for q in first] == [q["topic"] for q in second]
    assert [q["text"] for q in first] != [q["text"] for q in second]


def test_bank_questions_join_the_set(runner):
    result = runner.invoke(cli, ["export", "-n", "0", "--bank", "question_bank", "--topic", "relu-gate"])
    data = json.loads(result.stdout)
    assert data["questions"] and all(q["source"] == "bank" and q["topic"] == "relu-gate" for q in data["questions"])


def test_a_malformed_bank_gives_file_line_errors_and_exit_2(tmp_path):
    bank = tmp_path / "bad.yaml"
    bank.write_text("questions:\n  - id: q1\n    topic: relu-gate\n    type: NAT\n    marks: 3\n    text: hi\n")
    result = subprocess.run([sys.executable, "-m", "gatebp", "export", "-n", "1", "--seed", "1", "--bank", str(bank)],
                            capture_output=True, text=True)
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert f"{bank}:5:" in result.stderr


def test_unknown_topic_is_one_line(runner):
    result = subprocess.run([sys.executable, "-m", "gatebp", "export", "--topic", "nope"], capture_output=True,
                            text=True)
    assert result.returncode == 2 and result.stderr.startswith("error: unknown topic 'nope'")
