"""Real pseudo-terminal sessions with pexpect: drill, Ctrl-C, the mock exam, auto-submit."""

from __future__ import annotations

import json
import os
import signal
import subprocess
from fractions import Fraction
from pathlib import Path


from tests.terminal import GATEBP, pexpect, spawn_practice
from gatebp.questions.generate import generate_set
from gatebp.gate.grade import grade, parse_answer
from gatebp.app.history import History, read_attempts
from gatebp.questions.paper import plan_paper
from gatebp.app.session import LazyQuestions
from gatebp.ui.terminal.scoresheet import marks_number
from test_practice_drill import find_seed, has_named_mcq_slip, right_text, wrong_text


DRILL_PROMPT = "Answer (h hint, s skip, q quit, = calculator): "
EXAM_PROMPT = r"Q\d+ \[[0-9:]+ left\] > "



def stats_json(home: Path) -> dict:
    out = subprocess.run([GATEBP, "stats", "--json", "--data-dir", str(home)], check=True,
                         capture_output=True, text=True, env=dict(os.environ, NO_COLOR="1"))
    return json.loads(out.stdout)


def answer(child, text: str) -> None:  # type: ignore[no-untyped-def]
    child.expect_exact(DRILL_PROMPT)
    child.sendline(text)


def test_drill_session_in_a_terminal(tmp_path: Path) -> None:
    seed = find_seed(5, lambda qs: has_named_mcq_slip(qs[1]))
    qs = generate_set(seed, 5)
    child = spawn_practice(tmp_path, "--seed", str(seed), "--count", "5")
    answer(child, right_text(qs[0]))
    child.expect_exact("Correct: ")
    answer(child, wrong_text(qs[1]))
    child.expect_exact("Wrong: -")
    child.expect_exact("Likely mistake: you ")
    answer(child, "not an answer")
    child.expect_exact("Not accepted: ")
    answer(child, "")
    child.expect_exact("Not accepted: ")
    answer(child, right_text(qs[2]))
    answer(child, "s")
    child.expect_exact("Skipped.")
    answer(child, "q")
    total = sum((grade(q, parse_answer(q, t)).score for q, t in
                 [(qs[0], right_text(qs[0])), (qs[1], wrong_text(qs[1])),
                  (qs[2], right_text(qs[2]))]), Fraction(0))
    child.expect_exact(f"Score: {marks_number(total)} out of {sum(q.marks for q in qs[:4])}")
    child.expect_exact("History: ")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0

    data = stats_json(tmp_path)
    assert data["attempts"] == 3 and data["correct"] == 2  # the skip is not an attempt
    assert data["marks"] == round(float(total), 2)
    assert data["states"]["skipped"] == 1 and data["states"]["answered"] == 3


def test_ctrl_c_keeps_the_answers_given(tmp_path: Path) -> None:
    qs = generate_set(6, 4)
    child = spawn_practice(tmp_path, "--seed", "6", "--count", "4")
    answer(child, right_text(qs[0]))
    answer(child, wrong_text(qs[1]))
    child.expect_exact(DRILL_PROMPT)
    child.sendintr()
    child.expect_exact("Interrupted. Your answers are saved in")
    child.expect_exact("Goodbye.")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 130
    assert "Traceback" not in (child.before or "")
    attempts = read_attempts(tmp_path)
    assert [a.question_id for a in attempts] == [qs[0].id, qs[1].id]
    assert [a.correct for a in attempts] == [True, False]


def exam_step(child, text: str) -> None:  # type: ignore[no-untyped-def]
    child.expect(EXAM_PROMPT)
    child.sendline(text)


def test_mock_exam_in_a_terminal(tmp_path: Path) -> None:
    qs = generate_set(31, 4)
    child = spawn_practice(tmp_path, "--exam", "--seed", "31", "--count", "4")
    child.expect_exact("Mock exam: 4 questions")
    for line in (right_text(qs[0]), "n",          # Q1 answered
                 wrong_text(qs[1]), "m",          # Q2 answered & marked (wrong)
                 "m",                             # Q3 marked only
                 right_text(qs[3]), "g 2"):       # Q4: the jump discards this choice
        exam_step(child, line)
    child.expect_exact("was not saved")
    for line in (right_text(qs[1]), "m",          # Q2 changed to right, still marked
                 "g 1", "c", "n",                 # Q1 cleared: not answered
                 "submit"):
        exam_step(child, line)
    # long lines wrap at the terminal's width: expect short pieces that never straddle a break
    child.expect_exact("Before you submit: Answered 0")
    child.expect_exact("Not Answered 2")
    child.expect_exact("Marked for Review 1")
    child.expect_exact("Marked 1")  # "Answered & Marked 1" may wrap after "Answered"
    child.expect_exact("Not Visited 0")
    child.expect_exact("Submit the paper?")
    child.sendline("y")
    # Only Q2 (answered and marked) is evaluated: Q1 was cleared, Q3 only marked, Q4 unsaved.
    child.expect_exact(f"Total: {qs[1].marks} out of {sum(q.marks for q in qs)}")
    child.expect_exact("History: ")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0

    data = stats_json(tmp_path)
    assert data["states"]["answered_marked"] == 1 and data["states"]["marked"] == 1
    assert data["states"]["not_answered"] == 2
    assert data["correct"] == 1 and data["marks"] == qs[1].marks
    with History.open(tmp_path) as history:
        assert history.sessions()[0].mode == "exam"


def test_idle_mock_is_submitted_at_zero(tmp_path: Path) -> None:
    qs = generate_set(12, 3)
    child = spawn_practice(tmp_path, "--exam", "--seed", "12", "--count", "3", "--minutes", "0.08")
    exam_step(child, right_text(qs[0]))
    exam_step(child, "n")
    exam_step(child, right_text(qs[1]))          # selected, never saved
    child.expect_exact("Time is up: the paper is submitted automatically.", timeout=20)
    child.expect_exact(f"Total: {qs[0].marks} out of")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0
    assert [a.state for a in read_attempts(tmp_path)] == ["answered", "not_answered",
                                                         "not_visited"]


def test_ctrl_c_in_a_mock_submits_what_was_saved(tmp_path: Path) -> None:
    paper = LazyQuestions(plan_paper(13, 3).items)
    child = spawn_practice(tmp_path, "--paper", "--seed", "13", "--count", "3")
    exam_step(child, wrong_text(paper[0]))
    exam_step(child, "n")
    child.expect(EXAM_PROMPT)
    child.kill(signal.SIGINT)
    child.expect_exact("Interrupted: submitting the answers you saved.")
    child.expect_exact("Total: ")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 130
    attempts = read_attempts(tmp_path)
    assert [a.state for a in attempts] == ["answered", "not_answered", "not_visited"]
    assert attempts[0].response == parse_answer(paper[0], wrong_text(paper[0])).text()


def test_closing_the_terminal_during_a_mock_keeps_the_saved_answers(tmp_path: Path) -> None:
    """SIGHUP (a closed terminal window) submits what was saved, as Ctrl-C does."""
    child = spawn_practice(tmp_path, "--exam", "--seed", "3", "--count", "3", "--minutes", "30")
    child.expect(EXAM_PROMPT)
    question = LazyQuestions(__import__("gatebp.questions.generate", fromlist=["plan_set"]).plan_set(3, 3))[0]
    child.sendline(right_text(question))
    child.expect(EXAM_PROMPT)
    child.sendline("n")
    child.expect(EXAM_PROMPT)
    child.kill(signal.SIGHUP)
    child.expect(pexpect.EOF)
    states = stats_json(tmp_path)["states"]
    assert states["answered"] == 1 and states["not_visited"] + states["not_answered"] == 2
