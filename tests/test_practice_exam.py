"""The exam state machine follows every GATE interface rule; no I/O, a fake clock."""

from __future__ import annotations

from fractions import Fraction

import pytest

from gatebp.gate.grade import Response
from gatebp.gate.exam import Exam
from gatebp.gate.question import Option, Question

OPTIONS = tuple(Option(label, f"option {label}") for label in "ABCD")


def mcq(n: int, marks: int = 2, key: int = 0) -> Question:
    return Question(id=f"t:MCQ{marks}:{n}", topic="t", type="MCQ", marks=marks, text=f"q{n}",
                    answer={"correct": [key]}, solution=("s",), options=OPTIONS)


def nat(n: int, marks: int = 1) -> Question:
    return Question(id=f"t:NAT{marks}:{n}", topic="u", type="NAT", marks=marks, text=f"q{n}",
                    answer={"value": 6.0, "exact": "6", "range": [6.0, 6.0]}, solution=("s",),
                    rounding=0)


def msq(n: int, marks: int = 2) -> Question:
    return Question(id=f"t:MSQ{marks}:{n}", topic="t", type="MSQ", marks=marks, text=f"q{n}",
                    answer={"correct": [0, 2]}, solution=("s",), options=OPTIONS)


RIGHT, WRONG = Response.pick(0), Response.pick(1)


def paper(*questions: Question, seconds: float = 600) -> Exam:
    return Exam(list(questions), seconds, started=0.0)


def test_start_state_first_question_not_answered_rest_not_visited() -> None:
    exam = paper(mcq(1), mcq(2), mcq(3))
    assert exam.states() == ["not_answered", "not_visited", "not_visited"]
    assert exam.counts()["not_visited"] == 2


def test_selecting_alone_records_nothing() -> None:
    exam = paper(mcq(1), mcq(2))
    exam.select(RIGHT)
    assert exam.states()[0] == "not_answered"
    result = exam.submit(10)
    assert result.results[0].state == "not_answered" and result.score == 0


def test_save_and_next_saves_and_moves_on() -> None:
    exam = paper(mcq(1), mcq(2))
    exam.select(RIGHT)
    exam.save_next(5)
    assert exam.current == 1
    assert exam.states() == ["answered", "not_answered"]
    assert exam.submit(9).score == 2


def test_save_and_next_without_choice_leaves_not_answered() -> None:
    exam = paper(mcq(1), mcq(2))
    exam.save_next(1)
    assert exam.states() == ["not_answered", "not_answered"]


def test_save_next_on_last_question_wraps_to_first() -> None:
    exam = paper(mcq(1), mcq(2))
    exam.save_next(1)
    exam.save_next(2)
    assert exam.current == 0


def test_mark_for_review_and_next_saves_and_marks() -> None:
    exam = paper(mcq(1), mcq(2), mcq(3))
    exam.select(RIGHT)
    exam.mark_next(1)
    exam.mark_next(2)
    assert exam.states() == ["answered_marked", "marked", "not_answered"]


def test_answered_and_marked_is_evaluated_marked_only_is_not() -> None:
    exam = paper(mcq(1), mcq(2), mcq(3, key=1))
    exam.select(RIGHT)
    exam.mark_next(1)  # answered & marked, right: +2
    exam.mark_next(2)  # marked only: not evaluated
    exam.select(Response.pick(0))
    exam.mark_next(3)  # answered & marked, wrong: -2/3
    result = exam.submit(4)
    assert [r.state for r in result.results] == ["answered_marked", "marked", "answered_marked"]
    assert [r.grade.score for r in result.results] == [2, 0, Fraction(-2, 3)]
    assert result.results[1].evaluated is False
    assert result.score == Fraction(4, 3) and result.max_score == 6


def test_save_and_next_clears_a_review_mark() -> None:
    exam = paper(mcq(1), mcq(2))
    exam.select(RIGHT)
    exam.mark_next(1)
    exam.goto(1, 2)
    exam.save_next(3)
    assert exam.states()[0] == "answered"


def test_clear_response_removes_the_saved_answer() -> None:
    exam = paper(mcq(1), mcq(2))
    exam.select(WRONG)
    exam.save_next(1)
    exam.goto(1, 2)
    exam.clear()
    assert exam.states()[0] == "not_answered"
    assert exam.submit(3).score == 0  # the wrong answer no longer costs -2/3


def test_clear_keeps_a_review_mark() -> None:
    exam = paper(mcq(1), mcq(2))
    exam.select(RIGHT)
    exam.mark_next(1)
    exam.previous(2)
    exam.clear()
    assert exam.states()[0] == "marked"


def test_jump_from_palette_discards_the_unsaved_choice() -> None:
    exam = paper(mcq(1), mcq(2), mcq(3))
    exam.select(RIGHT)
    assert exam.goto(3, 4) is True
    assert exam.states() == ["not_answered", "not_visited", "not_answered"]
    exam.goto(1, 5)
    assert exam.slot.selected is None and exam.slot.saved is None


def test_jump_keeps_the_earlier_saved_answer_and_discards_only_the_change() -> None:
    exam = paper(mcq(1), mcq(2))
    exam.select(RIGHT)
    exam.save_next(1)
    exam.goto(1, 2)
    exam.select(WRONG)
    assert exam.previous(3) is True
    result = exam.submit(4)
    assert result.results[0].response == RIGHT and result.score == 2


def test_jump_without_a_new_choice_reports_nothing_discarded() -> None:
    exam = paper(mcq(1), mcq(2))
    exam.select(RIGHT)
    exam.save_next(1)
    assert exam.goto(1, 2) is False
    exam.select(RIGHT)  # the same as saved: nothing new to lose
    assert exam.goto(2, 3) is False


def test_goto_out_of_range_is_refused() -> None:
    exam = paper(mcq(1))
    with pytest.raises(ValueError, match="choose 1 to 1"):
        exam.goto(2, 1)


def test_gate_marking_by_type() -> None:
    exam = paper(mcq(1, marks=1), msq(2), nat(3))
    exam.select(Response.pick(1))
    exam.save_next(1)  # MCQ1 wrong: -1/3
    exam.select(Response.pick(0))
    exam.save_next(2)  # MSQ partly right: 0, never negative
    exam.select(Response.nat(5))
    exam.save_next(3)  # NAT wrong: 0
    result = exam.submit(4)
    assert [r.grade.score for r in result.results] == [Fraction(-1, 3), 0, 0]


def test_auto_submit_at_zero_counts_saved_answers_only() -> None:
    exam = paper(mcq(1), mcq(2), mcq(3), seconds=60)
    exam.select(RIGHT)
    exam.save_next(10)
    exam.select(RIGHT)  # selected, never saved
    assert not exam.expired(59) and exam.expired(60)
    assert exam.time_left(70) == 0
    result = exam.submit(70, automatic=True)
    assert result.automatic
    assert [r.state for r in result.results] == ["answered", "not_answered", "not_visited"]
    assert result.score == 2


def test_time_per_question_accumulates_across_visits() -> None:
    exam = paper(mcq(1), mcq(2))
    exam.save_next(10)
    exam.goto(1, 25)
    result = exam.submit(30)
    assert [r.seconds for r in result.results] == [15, 15]


def test_time_stops_at_the_deadline() -> None:
    exam = paper(mcq(1), seconds=60)
    assert exam.submit(500, automatic=True).results[0].seconds == 60


def test_nothing_changes_after_submit() -> None:
    exam = paper(mcq(1))
    exam.submit(1)
    with pytest.raises(RuntimeError):
        exam.save_next(2)


def test_submit_counts_every_state() -> None:
    exam = paper(mcq(1), mcq(2), mcq(3), mcq(4), mcq(5))
    exam.select(RIGHT)
    exam.save_next(1)
    exam.select(RIGHT)
    exam.mark_next(2)
    exam.mark_next(3)
    exam.save_next(4)
    counts = exam.submit(5).counts()
    assert counts == {"not_visited": 0, "not_answered": 2, "answered": 1, "marked": 1,
                      "answered_marked": 1}
