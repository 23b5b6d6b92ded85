"""The exam front end: typed commands drive the GATE interface; time-up and end of input submit."""

from __future__ import annotations

import io
from fractions import Fraction
from pathlib import Path

from click.testing import CliRunner

from gatebp.cli.main import cli
from gatebp.questions.generate import generate_set
from gatebp.gate.grade import grade, parse_answer
from gatebp.app.history import History, read_attempts
from gatebp.gate.exam import Exam
from gatebp.app.io import Terminal, TimeUp
from gatebp.questions.paper import plan_paper
from gatebp.app.session import ExamSession, LazyQuestions
from gatebp.ui.terminal.console import SafeConsole
from gatebp.ui.terminal.scoresheet import marks_number
from test_practice_drill import flat, has, right_text, wrong_text


class FakeClock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


class ScriptedReader:
    """Lines that arrive after a delay on a fake clock; idle past the deadline is TimeUp."""

    def __init__(self, clock: FakeClock, script: list[tuple[float, str]]) -> None:
        self.clock, self.script = clock, list(script)

    def read(self, deadline: float | None = None, clock: object = None,
             idle: object = None) -> str | None:
        wait, line = self.script.pop(0) if self.script else (10**9, "")
        if deadline is not None and self.clock.now + wait >= deadline:
            self.clock.now = deadline
            raise TimeUp
        self.clock.now += wait
        return line


def session(questions: list, seconds: float, script: list[tuple[float, str]]
            ) -> tuple[ExamSession, io.StringIO]:
    clock, out = FakeClock(), io.StringIO()
    console = SafeConsole(file=out, width=80, color_system=None, plain=True)
    term = Terminal(console, ScriptedReader(clock, script), echo=True, clock=clock)
    return ExamSession(term, Exam(questions, seconds, started=0.0)), out


def test_idle_student_is_submitted_at_zero_with_saved_answers() -> None:
    qs = generate_set(8, 3)
    runner, out = session(qs, 120, [(5, right_text(qs[0])), (5, "n"), (5, right_text(qs[1]))])
    result = runner.run()
    assert result.automatic
    assert [r.state for r in result.results] == ["answered", "not_answered", "not_visited"]
    assert result.score == qs[0].marks  # Q2's choice was selected, never saved
    assert "Time is up: the paper is submitted automatically." in out.getvalue()
    assert sum(r.seconds for r in result.results) == 120


def test_a_line_typed_after_zero_is_ignored() -> None:
    qs = generate_set(8, 2)
    runner, out = session(qs, 60, [(1, right_text(qs[0])), (59.5, "n")])
    result = runner.run()
    assert result.automatic and result.score == 0


def test_countdown_shown_in_every_prompt() -> None:
    qs = generate_set(8, 2)
    runner, out = session(qs, 125, [(5, "n"), (1, "submit"), (1, "y")])
    runner.run()
    text = out.getvalue()
    assert "Q1 [2:05 left] > n" in text and "Q2 [2:00 left] > submit" in text


def test_unknown_input_and_bad_question_numbers_are_refused() -> None:
    qs = generate_set(8, 2)
    runner, out = session(qs, 600, [(1, ""), (1, "g 9"), (1, "zzz"), (1, "q"), (1, "y")])
    runner.run()
    text = out.getvalue()
    assert "Nothing typed" in text and "there is no question 9" in text
    assert text.count("Not accepted") == 2


def test_lazy_questions_build_on_first_read() -> None:
    plan = plan_paper(5, 6)
    lazy = LazyQuestions(plan.items)
    assert len(lazy) == 6 and not lazy._built
    assert lazy[2].id == lazy[2].id and list(lazy._built) == [2]


def mock(args: list[str], lines: list[str], data: Path) -> str:
    result = CliRunner().invoke(cli, ["practice", *args, "--plain", "--data-dir", str(data)],
                                input="".join(f"{line}\n" for line in lines))
    assert result.exit_code == 0, result.output
    return result.output


def test_exam_by_gate_rules_and_recorded_states(tmp_path: Path) -> None:
    qs = generate_set(21, 5)
    lines = [right_text(qs[0]), "n",                 # Q1 answered, right
             wrong_text(qs[1]), "m",                 # Q2 answered & marked, wrong
             "m",                                    # Q3 marked only
             right_text(qs[3]), "g 1",               # Q4 choice discarded by the jump
             wrong_text(qs[0]), "n",                 # Q1 changed to a wrong answer
             "g 2", "c", "n",                        # Q2 cleared (and unmarked by Save & Next)
             "g 4", right_text(qs[3]), "m",          # Q4 answered & marked, right
             "submit", "n", "submit", "y"]
    out = mock(["--exam", "--seed", "21", "--count", "5"], lines, tmp_path)
    assert has(out, "was not saved (use n or m to save)")
    assert "Response cleared for Q2." in out
    assert has(out, "Before you submit: Answered 1 - Not Answered 2 - Marked for Review 1 - "
                    "Answered & Marked 1 - Not Visited 0")

    q1 = grade(qs[0], parse_answer(qs[0], wrong_text(qs[0]))).score
    q4 = Fraction(qs[3].marks)
    total = q1 + q4
    assert f"Total: {marks_number(total)} out of {sum(q.marks for q in qs)}" in out
    attempts = read_attempts(tmp_path)
    assert [a.question_id for a in attempts] == [q.id for q in qs]
    assert [a.state for a in attempts] == ["answered", "not_answered", "marked",
                                           "answered_marked", "not_answered"]
    assert [a.correct for a in attempts] == [False, None, None, True, None]
    assert attempts[0].response == parse_answer(qs[0], wrong_text(qs[0])).text()
    assert attempts[1].response is None and attempts[3].marks == qs[3].marks
    with History.open(tmp_path) as history:
        s = history.sessions()[0]
        assert s.mode == "exam" and s.finished_at is not None
        assert Fraction(s.score).limit_denominator(3) == total


def test_end_of_input_submits_saved_answers(tmp_path: Path) -> None:
    qs = generate_set(4, 3)
    out = mock(["--exam", "--seed", "4", "--count", "3"],
               [right_text(qs[0]), "n", right_text(qs[1])], tmp_path)
    assert has(out, "End of input: submitting the answers you saved.")
    assert [a.state for a in read_attempts(tmp_path)] == ["answered", "not_answered", "not_visited"]


def test_paper_shows_total_marks_and_mix(tmp_path: Path) -> None:
    plan = plan_paper(9, 6)
    out = mock(["--paper", "--seed", "9", "--count", "6"], ["q", "y"], tmp_path)
    assert f"Mock paper: 6 questions, {plan.total_marks} marks, 17 minutes." in out
    attempts = read_attempts(tmp_path)
    assert [a.marks_possible for a in attempts] == [item[2] for item in plan.items]
    assert [a.state for a in attempts] == ["not_answered"] + ["not_visited"] * 5
    with History.open(tmp_path) as history:
        assert history.sessions()[0].mode == "paper"


def test_minutes_need_a_mock(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["practice", "--minutes", "5", "--data-dir", str(tmp_path)])
    assert result.exit_code == 2 and "--minutes needs --exam or --paper" in result.output


def test_goto_and_buttons_any_case_with_clear_refusals() -> None:
    qs = generate_set(8, 3)
    script = [(1, "g"), (1, "g -1"), (1, "g 99"), (1, "g ²"), (1, "go"), (1, "G 2"),
              (1, right_text(qs[1])), (1, "N"), (1, "P"), (1, "SUBMIT"), (1, "Y")]
    runner, out = session(qs, 600, script)
    result = runner.run()
    text = flat(out.getvalue())
    assert text.count("go to which question? 1-3") == 5
    assert "there is no question 99" in text and "is not an option" not in text
    assert [r.state for r in result.results] == ["not_answered", "answered", "not_answered"]
    assert result.score == qs[1].marks and not result.automatic


def test_lower_c_clears_and_capital_c_is_option_c() -> None:
    qs = [q for q in generate_set(8, 12) if q.type in ("MCQ", "MSQ")][:2]
    runner, out = session(qs, 600, [(1, "C"), (1, "n"), (1, "c"), (1, "submit"), (1, "y")])
    result = runner.run()
    assert result.results[0].response is not None
    assert result.results[0].response.text() == "C"
    assert "Response cleared for Q2." in out.getvalue()


def test_submit_warns_that_a_selection_is_not_saved() -> None:
    qs = generate_set(8, 3)
    runner, out = session(qs, 600, [(1, "n"), (1, "n"), (1, right_text(qs[2])),
                                    (1, "submit"), (1, "y")])
    result = runner.run()
    assert has(out.getvalue(), f"Q3's selection {right_text(qs[2])} is not saved and will "
                               "not count")
    assert result.results[2].state == "not_answered" and result.score == 0


def test_an_over_long_nat_answer_is_refused_not_a_crash(tmp_path: Path) -> None:
    # the first seed whose 6-question set has a NAT (which seed that is depends on the registry)
    seed = next(s for s in range(3, 60) if any(q.type == "NAT" for q in generate_set(s, 6)))
    qs = generate_set(seed, 6)
    index = next(i for i, q in enumerate(qs) if q.type == "NAT")
    lines = ["n"] * index + ["9" * 400, "123456789012345678901234567890", "n", "submit", "y"]
    out = mock(["--exam", "--seed", str(seed), "--count", "6"], lines, tmp_path)
    assert flat(out).count("at most 15") == 2 and "Total: 0 out of" in out
    assert len(read_attempts(tmp_path)) == 6


def test_a_crash_mid_exam_still_records_what_was_saved(tmp_path: Path, monkeypatch) -> None:
    qs = generate_set(21, 4)
    calls = []

    def boom(self, line):  # type: ignore[no-untyped-def]
        calls.append(line)
        if line == "explode":
            raise RuntimeError("a bug")
        return real(self, line)

    real = ExamSession.handle
    monkeypatch.setattr(ExamSession, "handle", boom)
    result = CliRunner().invoke(cli, ["practice", "--exam", "--seed", "21", "--count", "4",
                                      "--plain", "--data-dir", str(tmp_path)],
                                input=f"{right_text(qs[0])}\nn\nexplode\n")
    assert isinstance(result.exception, RuntimeError)  # re-raised after recording
    attempts = read_attempts(tmp_path)
    assert [a.state for a in attempts] == ["answered", "not_answered", "not_visited",
                                           "not_visited"]
    assert attempts[0].correct is True
    with History.open(tmp_path) as history:
        assert history.sessions()[0].finished_at is not None


def test_a_grading_crash_at_submit_still_records_every_question(tmp_path: Path,
                                                                 monkeypatch) -> None:
    import gatebp.gate.exam as exam_module

    def broken(question, response):  # type: ignore[no-untyped-def]
        raise ArithmeticError("grading bug")

    monkeypatch.setattr(exam_module, "grade", broken)
    qs = generate_set(21, 3)
    result = CliRunner().invoke(cli, ["practice", "--exam", "--seed", "21", "--count", "3",
                                      "--plain", "--data-dir", str(tmp_path)],
                                input=f"{right_text(qs[0])}\nn\nsubmit\ny\n")
    assert isinstance(result.exception, ArithmeticError)
    assert [a.state for a in read_attempts(tmp_path)] == ["answered", "not_answered",
                                                          "not_visited"]


def test_every_line_fits_80_columns(tmp_path: Path) -> None:
    from rich.cells import cell_len

    qs = generate_set(21, 5)
    drill_lines = [wrong_text(qs[1]), "zz9 this is not a number at all, not even close", "h", "h"]
    outputs = []
    result = CliRunner().invoke(cli, ["practice", "--seed", "21", "--count", "2",
                                      "--data-dir", str(tmp_path / "d")],
                                input="".join(f"{x}\n" for x in [right_text(qs[0])] + drill_lines),
                                env={"COLUMNS": "80"})
    outputs.append(result.output)
    mock_lines = [right_text(qs[0]), wrong_text(qs[0]), "g 2", "zzz", right_text(qs[1]),
                  "submit", "no", "n", "m", right_text(qs[2]), "submit", "y"]
    result = CliRunner().invoke(cli, ["practice", "--exam", "--seed", "21", "--count", "5",
                                      "--data-dir", str(tmp_path / "m")],
                                input="".join(f"{x}\n" for x in mock_lines),
                                env={"COLUMNS": "80"})
    outputs.append(result.output)
    assert "Wrong: " in outputs[0] and "Likely mistake" in outputs[0]
    assert "Before you submit" in outputs[1] and "is not saved" in outputs[1]
    for out in outputs:
        long = [line for line in out.splitlines() if cell_len(line) > 80]
        assert not long, long


def test_minutes_must_be_a_number(tmp_path: Path) -> None:
    for value in ("nan", "inf", "-inf"):
        result = CliRunner().invoke(cli, ["practice", "--exam", "--minutes", value, "--data-dir",
                                          str(tmp_path)])
        assert result.exit_code == 2 and "--minutes" in result.output, value


def test_a_data_dir_with_rich_markup_in_its_name_is_shown_as_it_is(tmp_path: Path,
                                                                    monkeypatch) -> None:
    from gatebp.app.drill import Drill

    def interrupted(self, questions, total):  # type: ignore[no-untyped-def]
        raise KeyboardInterrupt

    monkeypatch.setattr(Drill, "run", interrupted)
    home = tmp_path / "odd [/x] [bold]name"
    result = CliRunner().invoke(cli, ["practice", "--seed", "1", "--count", "1", "--data-dir",
                                      str(home)])
    assert result.exit_code == 130, result.output
    assert f"Your answers are saved in {home / 'history.sqlite3'}. Goodbye." in flat(result.output)
