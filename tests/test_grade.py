"""parse_answer refuses what the GATE keypad cannot type; grade follows GATE marking."""

from __future__ import annotations

import subprocess
import sys
from decimal import ROUND_HALF_EVEN, ROUND_HALF_UP, Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from gatebp.core.errors import AnswerFormatError
from gatebp.gate.grade import Grade, Response, grade, parse_answer
from gatebp.gate.question import NatMistake, Option, Question, key_range


def nat(value: float = 0.362, places: int = 2, marks: int = 2,
        mistakes: tuple[NatMistake, ...] = ()) -> Question:
    return Question(
        id="nat-1", topic="sigmoid", type="NAT", marks=marks, text="Find dy/dx.",
        answer={"value": value, "exact": "0.362", "range": list(key_range(value, places))},
        solution=("step",), rounding=places, mistakes=mistakes,
    )


def choice(kind: str = "MCQ", correct: tuple[int, ...] = (1,), marks: int = 2) -> Question:
    options = (
        Option("A", "0", 0.0, mistake="ignored the ReLU gate on h"),
        Option("B", "0.5", 0.5),
        Option("C", "1", 1.0, mistake="added the paths instead of multiplying"),
        Option("D", "2", 2.0),
    )
    return Question(id="q-1", topic="relu_chain", type=kind, marks=marks, text="Which?",
                    answer={"correct": list(correct)}, solution=("step",), options=options)


# --- parse_answer: NAT -------------------------------------------------------------------

@pytest.mark.parametrize("typed, number", [
    ("6", 6.0), ("-0.11", -0.11), (".5", 0.5), ("5.", 5.0), ("  0.36 ", 0.36), ("-.25", -0.25),
])
def test_nat_accepts_keypad_numbers(typed: str, number: float) -> None:
    assert parse_answer(nat(), typed).number == number


@pytest.mark.parametrize("typed", ["", "   ", "1e3", "1/2", "abc", "1.2.3", "-", ".", "+5",
                                   "1,5", "--1", "0x10", "inf", "nan", "1 000", "½", "٣",
                                   "1_000"])
def test_nat_refuses_what_the_keypad_cannot_type(typed: str) -> None:
    with pytest.raises(AnswerFormatError) as error:
        parse_answer(nat(), typed)
    assert "\n" not in str(error.value) and str(error.value)


keypad_text = st.from_regex(r"\A-?([0-9]{1,6}\.?[0-9]{0,6}|\.[0-9]{1,6})\Z")


@given(keypad_text)
def test_every_keypad_number_parses_to_its_float(typed: str) -> None:
    response = parse_answer(nat(), typed)
    assert response.number == float(typed)
    assert parse_answer(nat(), response.text()) == response


# --- parse_answer: MCQ / MSQ -------------------------------------------------------------

@pytest.mark.parametrize("typed", ["B", "b", "  b  "])
def test_mcq_accepts_one_letter_any_case(typed: str) -> None:
    assert parse_answer(choice(), typed).choices == frozenset({1})


@pytest.mark.parametrize("typed", ["", "E", "AB", "A C", "1", "B!"])
def test_mcq_refuses_anything_but_one_option(typed: str) -> None:
    with pytest.raises(AnswerFormatError):
        parse_answer(choice(), typed)


@pytest.mark.parametrize("typed", ["AC", "a c", "A,C", "c;a", " c , A "])
def test_msq_accepts_letters_with_optional_separators(typed: str) -> None:
    response = parse_answer(choice("MSQ"), typed)
    assert response.choices == frozenset({0, 2})
    assert response.text() == "A;C"


@pytest.mark.parametrize("typed, reason", [("AA", "twice"), ("a;A", "twice"), ("AE", "'E'"),
                                           ("", "choose"), ("A-C", "'-'")])
def test_msq_refuses_repeats_and_unknown_letters(typed: str, reason: str) -> None:
    with pytest.raises(AnswerFormatError, match=reason):
        parse_answer(choice("MSQ"), typed)


# --- grade -------------------------------------------------------------------------------

def test_unanswered_scores_zero() -> None:
    for question in (nat(), choice(), choice("MSQ")):
        result = grade(question, None)
        assert (result.answered, result.correct, result.marks, result.marks_text) == (
            False, False, 0.0, "0")


def test_nat_inside_key_range_earns_full_marks_and_outside_costs_nothing() -> None:
    question = nat()
    assert grade(question, parse_answer(question, "0.36")).marks_text == "+2"
    wrong = grade(question, parse_answer(question, "0.4"))
    assert (wrong.correct, wrong.marks, wrong.answered) == (False, 0.0, True)


def test_mcq_wrong_costs_a_third_and_names_the_slip() -> None:
    wrong = grade(choice(marks=2), parse_answer(choice(), "A"))
    assert wrong.marks_text == "-2/3"
    assert wrong.marks == pytest.approx(-2 / 3)
    assert wrong.mistake == "ignored the ReLU gate on h"
    assert grade(choice(marks=1), Response.pick(3)).marks_text == "-1/3"
    assert grade(choice(marks=1), Response.pick(1)).marks_text == "+1"


def test_msq_is_all_or_nothing_without_negatives() -> None:
    question = choice("MSQ", correct=(0, 2))
    assert grade(question, parse_answer(question, "CA")).marks_text == "+2"
    partial = grade(question, parse_answer(question, "A"))
    assert (partial.correct, partial.marks_text, partial.mistake) == (False, "0", None)
    extra = grade(question, parse_answer(question, "ABD"))
    assert (extra.marks_text, extra.mistake) == ("0", None)


def test_msq_names_the_first_wrong_option_with_a_slip() -> None:
    question = choice("MSQ", correct=(1, 3))
    result = grade(question, parse_answer(question, "B C A"))
    assert result.mistake == "ignored the ReLU gate on h"


def test_msq_with_a_single_correct_option() -> None:
    question = choice("MSQ", correct=(1,))
    assert grade(question, parse_answer(question, "b")).correct


def test_nat_mistake_is_named_within_tolerance_or_after_rounding() -> None:
    slips = (NatMistake(0.0905, "forgot the sigmoid derivative"), NatMistake(0.724, "doubled"))
    question = nat(mistakes=slips)
    for typed in ("0.09", "0.0905", "0.091"):
        result = grade(question, parse_answer(question, typed))
        assert result.mistake == "forgot the sigmoid derivative"
    assert grade(question, parse_answer(question, "0.72")).mistake == "doubled"
    assert grade(question, parse_answer(question, "5")).mistake is None
    assert grade(question, parse_answer(question, "0.36")).mistake is None


def test_integer_key_accepts_only_the_integer() -> None:
    question = nat(value=6.0, places=0)
    assert question.key_text() == "6 to 6"
    assert grade(question, parse_answer(question, "6")).correct
    assert grade(question, parse_answer(question, "6.0")).correct
    assert not grade(question, parse_answer(question, "5.9")).correct


def test_a_response_of_the_wrong_kind_fails_loudly() -> None:
    with pytest.raises(ValueError):
        grade(nat(), Response.pick(0))
    with pytest.raises(ValueError):
        grade(choice(), Response.pick(0, 1))


values = st.floats(min_value=-50, max_value=50, allow_nan=False).map(lambda v: round(v, 6))


@given(values, st.integers(min_value=0, max_value=3))
def test_key_range_holds_the_value_and_every_correct_rounding(value: float, places: int) -> None:
    question = nat(value=value, places=places)
    lo, hi = question.answer["range"]
    assert lo <= value <= hi
    quantum = Decimal(1).scaleb(-places)
    for mode in (ROUND_HALF_UP, ROUND_HALF_EVEN):
        typed = format(Decimal(repr(value)).quantize(quantum, mode), "f")
        result = grade(question, parse_answer(question, typed))
        assert result.correct and result.score == question.marks, typed


def test_grade_is_a_plain_value() -> None:
    assert isinstance(grade(nat(), Response.nat(0.36)), Grade)
    assert Response.nat(1e-05).text() == "0.00001"


def test_grade_imports_neither_rich_nor_click_nor_sympy() -> None:
    code = ("import sys, gatebp.gate.grade, gatebp.app.history, gatebp.gate.stats; "
            "print([m for m in ('rich', 'click', 'sympy') if m in sys.modules])")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


# --- over-long keypad entries and rounding that never raises ------------------------------

@pytest.mark.parametrize("typed", ["9" * 400, "123456789012345678901234567890", "1" * 16,
                                   "-0.000000000000001", "1234567890.1234567"])
def test_nat_refuses_more_digits_than_the_keypad_takes(typed: str) -> None:
    with pytest.raises(AnswerFormatError) as error:
        parse_answer(nat(), typed)
    reason = str(error.value)
    assert "at most 15" in reason and "\n" not in reason and len(reason) < 80


@pytest.mark.parametrize("typed", ["1" * 15, "-123456789.012345", "0.12345678901234"])
def test_nat_takes_up_to_fifteen_digits(typed: str) -> None:
    assert parse_answer(nat(), typed).number == float(typed)


def test_a_long_garbage_answer_is_quoted_short() -> None:
    with pytest.raises(AnswerFormatError) as error:
        parse_answer(nat(), "x" * 500)
    assert len(str(error.value)) < 120


@pytest.mark.parametrize("number", [1e300, -1e300, 1.2345678901234568e+29, 5e-324,
                                    float("inf"), float("-inf"), float("nan")])
def test_grading_any_float_never_raises(number: float) -> None:
    question = nat(mistakes=(NatMistake(0.6, "used the output instead of the derivative"),))
    result = grade(question, Response.nat(number))
    assert (result.correct, result.score, result.answered) == (False, 0, True)
