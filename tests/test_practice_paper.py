"""The mock paper keeps the GATE DA mix (25 one-mark, 30 two-mark; MCQ/MSQ/NAT) at any size."""

from __future__ import annotations

from collections import Counter

import pytest

from gatebp.gate.paper import TYPE_SHARE, mark_split, paper_minutes, paper_mix, split
from gatebp.questions.paper import plan_paper


def test_full_section_is_the_papers_25_and_30() -> None:
    assert mark_split(55) == (25, 30)


@pytest.mark.parametrize("count", [1, 2, 5, 11, 20, 37, 55, 65, 100])
def test_mark_split_is_proportional_and_complete(count: int) -> None:
    one, two = mark_split(count)
    assert one + two == count
    assert abs(one - count * 25 / 55) < 1


def test_split_uses_largest_remainder() -> None:
    assert split(9, TYPE_SHARE) == {"MCQ": 4, "MSQ": 2, "NAT": 3}
    assert sum(split(7, TYPE_SHARE).values()) == 7


def test_mix_puts_one_mark_questions_first_and_mixes_types() -> None:
    mix = paper_mix(20)
    marks = [m for _, m in mix]
    assert marks == sorted(marks) and Counter(marks) == {1: 9, 2: 11}
    assert {t for t, _ in mix} == {"MCQ", "MSQ", "NAT"}
    assert mix[:3] == [("MCQ", 1), ("NAT", 1), ("MSQ", 1)]


def test_minutes_scale_from_180_for_65() -> None:
    assert paper_minutes(65) == 180
    assert paper_minutes(20) == 55
    assert paper_minutes(1) == 3


def test_plan_is_seeded_and_uses_registered_forms() -> None:
    from gatebp.questions.families import load_families

    registry = load_families()
    plan = plan_paper(7, 20)
    assert plan == plan_paper(7, 20)
    assert len(plan.items) == 20
    for topic, qtype, marks, _seed in plan.items:
        assert qtype in registry[topic].types and marks in registry[topic].marks
    assert plan.total_marks == sum(m for _, _, m, _ in plan.items)
    assert plan.minutes == 55


def test_plan_marks_follow_the_mix_when_families_offer_both() -> None:
    plan = plan_paper(3, 20, topics=["relu-gate"])
    assert [m for _, _, m, _ in plan.items] == [m for _, m in paper_mix(20)]
    assert plan.total_marks == 9 + 22
