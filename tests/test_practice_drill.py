"""`gatebp practice` drill mode through CliRunner with piped input.

Answers are computed from the generated questions themselves (generate_set with the same seed),
never hard-coded, so the tests hold as families change.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from fractions import Fraction
from pathlib import Path

from click.testing import CliRunner

from gatebp.cli.main import cli
from gatebp.questions.generate import generate_set
from gatebp.gate.grade import grade, parse_answer
from gatebp.app.history import History, read_attempts
from gatebp.app.drill import hint_steps
from gatebp.gate.question import Question
from gatebp.ui.mathtext import show
from gatebp.ui.terminal.scoresheet import marks_number


# -- answers from the questions themselves (also used by the pexpect and exam tests) ----------
def right_text(q: Question) -> str:
    if q.type == "NAT":
        places = q.rounding if q.rounding is not None else 2
        text = f"{q.answer['value']:.{places}f}"
    else:
        text = "".join(q.correct_labels)
    assert grade(q, parse_answer(q, text)).correct, (q.id, text)
    return text


def wrong_text(q: Question) -> str:
    """A wrong answer, one that names a slip when the question has one."""
    if q.type == "NAT":
        named = [m for m in q.mistakes if not grade(q, parse_answer(q, _num(m.value))).correct]
        text = _num(named[0].value) if named else _num(q.answer["value"] + 100)
    else:
        wrong = [o for i, o in enumerate(q.options) if i not in q.answer["correct"]]
        text = next((o.label for o in wrong if o.mistake), wrong[0].label)
    assert not grade(q, parse_answer(q, text)).correct, (q.id, text)
    return text


def _num(value: float) -> str:
    return f"{value:.6f}".rstrip("0").rstrip(".")


def flat(text: str) -> str:
    """Output with line wrapping undone: long messages wrap at the console width."""
    return " ".join(text.split())


def has(out: str, text: str) -> bool:
    return flat(text) in flat(out)


def marks_of(q: Question, text: str | None) -> Fraction:
    return Fraction(0) if text is None else grade(q, parse_answer(q, text)).score


def find_seed(count: int, ok: Callable[[list[Question]], bool], topics: tuple[str, ...] = ()) -> int:
    for seed in range(1, 400):
        if ok(generate_set(seed, count, topics)):
            return seed
    raise AssertionError("no seed gives the wanted set")


def has_named_mcq_slip(q: Question) -> bool:
    return q.type == "MCQ" and any(o.mistake for i, o in enumerate(q.options)
                                   if i not in q.answer["correct"])


def drill(args: list[str], lines: list[str], data: Path) -> str:
    result = CliRunner().invoke(cli, ["practice", *args, "--plain", "--data-dir", str(data)],
                                input="".join(f"{line}\n" for line in lines))
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    assert result.exit_code == 0, result.output
    return result.output


# -- the tests ------------------------------------------------------------------------------
def test_right_wrong_garbage_skip_hint_quit(tmp_path: Path) -> None:
    seed = find_seed(5, lambda qs: has_named_mcq_slip(qs[1]) and len(hint_steps(qs[3])) > 0)
    qs = generate_set(seed, 5)
    wrong = wrong_text(qs[1])
    lines = [right_text(qs[0]), "zz9", "", wrong, "h", "s", "h", right_text(qs[3]), "q"]
    out = drill(["--seed", str(seed), "--count", "5"], lines, tmp_path)

    assert "Question 1 of 5" in out and "Question 5 of 5" in out
    first = grade(qs[0], parse_answer(qs[0], right_text(qs[0])))
    assert f"Correct: {first.marks_text} mark" in out
    assert out.count("Not accepted:") == 2
    penalty = grade(qs[1], parse_answer(qs[1], wrong))
    assert penalty.score == -Fraction(qs[1].marks, 3)
    assert has(out, f"Wrong: {penalty.marks_text}\nYour answer")  # a third, without "marks"
    assert f"{penalty.marks_text} marks" not in out
    assert has(out, show(f"Likely mistake: you {penalty.mistake}.", "ascii"))
    assert f"Key: {qs[1].key_text()}" in out
    # a hint is a line of working: its maths printed as the working prints it, never as $markup$
    hint = hint_steps(qs[2])[0]
    assert has(out, f"Hint 1/{len(hint_steps(qs[2]))}: {show(hint, 'ascii')}")
    assert "$" in hint and "$" not in out
    assert f"Skipped. Key: {qs[2].key_text()}" in out
    assert has(out, "(after 1 hint: reviewed as Hard)")
    # the working follows every answer and the skip alike
    assert out.count("+- Working") == 4

    total = marks_of(qs[0], lines[0]) + marks_of(qs[1], wrong) + marks_of(qs[3], lines[7])
    max_marks = sum(q.marks for q in qs[:4])
    assert f"Score: {marks_number(total)} out of {max_marks}" in out
    assert "Correct 2 of 3 answered, 1 skipped" in out
    assert str(tmp_path / "history.sqlite3") in out.replace("\n", "")  # a long path wraps at 80
    assert "End of input." not in out

    attempts = read_attempts(tmp_path)
    assert [a.question_id for a in attempts] == [q.id for q in qs[:4]]
    assert [a.state for a in attempts] == ["answered", "answered", "skipped", "answered"]
    assert [a.hints for a in attempts] == [0, 0, 1, 1]
    assert [a.correct for a in attempts] == [True, False, None, True]
    assert Fraction(attempts[1].marks).limit_denominator(3) == penalty.score
    with History.open(tmp_path) as history:
        session = history.sessions()[0]
        assert session.mode == "drill" and session.seed == seed and session.finished_at
        assert set(history.cards()) == {qs[0].topic, qs[1].topic, qs[3].topic}


def test_seed_asks_exactly_the_export_set(tmp_path: Path) -> None:
    qs = generate_set(11, 3)
    drill(["--seed", "11", "--count", "3"], [wrong_text(q) for q in qs], tmp_path)
    assert [a.question_id for a in read_attempts(tmp_path)] == [q.id for q in qs]


def test_topic_and_marks_filter_like_export(tmp_path: Path) -> None:
    qs = generate_set(5, 2, ["relu-gate"], marks=2)
    out = drill(["--seed", "5", "--count", "2", "--topic", "relu-gate", "--marks", "2"],
                [right_text(q) for q in qs], tmp_path)
    assert out.count("Correct: +2 marks") == 2
    assert [a.question_id for a in read_attempts(tmp_path)] == [q.id for q in qs]


def test_named_nat_mistake(tmp_path: Path) -> None:
    def ok(qs: list[Question]) -> bool:
        q = qs[0]
        return q.type == "NAT" and any(grade(q, parse_answer(q, _num(m.value))).mistake
                                       for m in q.mistakes)
    seed = find_seed(1, ok)
    q = generate_set(seed, 1)[0]
    typed = wrong_text(q)
    out = drill(["--seed", str(seed), "--count", "1"], [typed], tmp_path)
    slip = grade(q, parse_answer(q, typed)).mistake
    assert "Wrong: 0 marks" in out and has(out, show(f"Likely mistake: you {slip}.", "ascii"))


def test_end_of_input_ends_the_session_with_a_summary(tmp_path: Path) -> None:
    qs = generate_set(3, 4)
    out = drill(["--seed", "3", "--count", "4"], [right_text(qs[0])], tmp_path)
    assert "Session summary" in out and "Correct 1 of 1 answered" in out
    assert "End of input." in out
    assert len(read_attempts(tmp_path)) == 1


def test_without_seed_a_seed_is_printed_and_replays(tmp_path: Path) -> None:
    out = drill(["--count", "2", "--topic", "relu-gate"], ["s", "s"], tmp_path)
    seed = int(out.split("Seed ", 1)[1].split()[0])
    assert f"--seed {seed} --count 2 --topic relu-gate" in out
    ids = [a.question_id for a in read_attempts(tmp_path)]
    assert ids == [q.id for q in generate_set(seed, 2, ["relu-gate"])]


def test_adaptive_drill_reviews_topics(tmp_path: Path) -> None:
    out = drill(["--count", "3"], ["s", "h", "q"], tmp_path)
    assert "Adaptive drill: topics chosen from your history (seed " in out
    drill(["--count", "1"], ["-12345", "A"], tmp_path)  # a NAT takes the number, else A
    attempts = read_attempts(tmp_path)
    assert len(attempts) == 2 and attempts[1].state == "answered"
    with History.open(tmp_path) as history:
        assert attempts[1].topic in history.cards()


def test_garbage_never_crashes(tmp_path: Path) -> None:
    lines = ["", "   ", "1e5", "--3", "AA", "abc", "ZZ", "é", "g 2", "submit", "q"]
    out = drill(["--seed", "2", "--count", "2"], lines, tmp_path)
    assert "Traceback" not in out and "Session summary" in out


def test_bank_only_asks_bank_questions(tmp_path: Path) -> None:
    from gatebp.questions.bank import load_bank

    bank = Path(__file__).resolve().parents[1] / "question_bank"
    ids = {q.id for q in load_bank([bank])}
    drill(["--bank", str(bank), "--bank-only", "--seed", "1", "--count", "2"], ["s", "s"], tmp_path)
    attempts = read_attempts(tmp_path)
    assert len(attempts) == 2 and {a.question_id for a in attempts} <= ids


def test_bank_mixes_authored_and_generated_questions(tmp_path: Path) -> None:
    from gatebp.questions.bank import load_bank

    bank = Path(__file__).resolve().parents[1] / "question_bank"
    ids = {q.id for q in load_bank([bank])}
    drill(["--bank", str(bank), "--seed", "1", "--count", "6"], ["s"] * 6, tmp_path)
    asked = {a.question_id for a in read_attempts(tmp_path)}
    assert len(asked) == 6 and asked & ids and asked - ids


def test_missing_bank_is_a_one_line_error(tmp_path: Path) -> None:
    from gatebp.core.errors import GatebpError

    result = CliRunner().invoke(cli, ["practice", "--bank", str(tmp_path / "nope"),
                                      "--data-dir", str(tmp_path)], input="q\n")
    assert isinstance(result.exception, GatebpError)


def test_msq_hints_never_give_an_option_verdict_away(tmp_path: Path) -> None:
    topics = ("activation-properties",)
    seed = find_seed(1, lambda qs: qs[0].type == "MSQ", topics)
    q = generate_set(seed, 1, topics)[0]
    assert any(step.kind == "verdict" for step in q.solution)
    out = drill(["--seed", str(seed), "--count", "1", "--topic", topics[0]],
                ["h", "h", "h", "h", "s"], tmp_path)
    before_skip = flat(out).split("Skipped.")[0]
    assert "TRUE" not in before_skip and "FALSE" not in before_skip
    assert "No more hints" in before_skip
    for step in hint_steps(q):
        assert not any(" ".join(o.text.lower().split()) in step.lower() for o in q.options)


def test_msq_hints_skip_steps_that_state_an_option() -> None:
    from gatebp.gate.question import Option

    q = generate_set(1, 1)[0]
    options = (Option("A", "∂L/∂v2 = 21", 21.0), Option("B", "∂L/∂v1 = 5", 5.0),
               Option("C", "x", 0.0), Option("D", "y", 0.0))
    from gatebp.core.step import Step

    steps = ("y = 8", "∂L/∂v2 = 21", Step("verdict", "TRUE: (C) holds"), "∂L/∂w22 = -14",
             Step("key", "Key: A"))
    msq = Question(id="m", topic=q.topic, type="MSQ", marks=2, text="Which?",
                   answer={"correct": [0]}, solution=steps, options=options)
    assert hint_steps(msq) == ["y = 8"]


def test_nat_hints_never_show_a_line_whose_result_is_the_key() -> None:
    """`h` walks the working up to the answer: in a family whose working ends without a typed
    answer step (sgd-steps, perceptron, ad-modes), the line that computes the key is not a hint."""
    from fractions import Fraction

    from gatebp.core.maths import parse_markup, render
    from gatebp.questions.generate import build_question, families_by_name

    checked = 0
    for family in families_by_name():
        if "NAT" not in family.types:
            continue
        for marks in family.marks:
            for seed in range(3):
                q = build_question(family.name, "NAT", marks, 600 + seed)
                key = Fraction(str(q.answer["value"]))
                for hint in hint_steps(q):
                    numbers = re.findall(r"-?\d+(?:\.\d+)?", render(parse_markup(hint), "ascii"))
                    checked += 1
                    if numbers:
                        result = round(Fraction(numbers[-1]), q.rounding or 0)
                        assert result != round(key, q.rounding or 0), (q.id, hint)
    assert checked > 100
