"""Under --plain every byte gatebp prints is ASCII, and the same views print Unicode otherwise.

A drill and a guided drill are run end to end through CliRunner with hints, skips, wrong answers
(named slips), wrong steps (each step's rule and slip), reveals and the session summary: the
whole transcript must be ASCII, with no escape such as \\u00b7 standing in for a character a
view forgot. The guided drill of a layer-form network (multipath-relu) must name its quantities
and slips as the stem does (W1[2,1], z1[2]), never the solver's internal w_h2_x1 or z_h2.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.sweep import built
from gatebp.app.guided import GuidedPlan, has_plan, plan_for
from gatebp.app.skills import GUIDED_TOPICS
from gatebp.cli.main import cli
from gatebp.gate.question import Question
from gatebp.questions.generate import build_question, generate_set
from test_practice_drill import right_text, wrong_text

ESCAPE = re.compile(r"\\(u[0-9a-fA-F]{4}|x[0-9a-fA-F]{2}|U[0-9a-fA-F]{8})")
INTERNAL = re.compile(r"\b(?:w_[a-z]+\d+_[a-z]+\d+|[bz]_[a-z]+\d+)\b")  # w_h2_x1, b_h2, z_h2


def run(args: list[str], lines: list[str], home: Path, plain: bool = True) -> str:
    result = CliRunner().invoke(cli, [*args, *(["--plain"] if plain else []), "--data-dir", str(home)],
                                input="".join(f"{line}\n" for line in lines),
                                env={"NO_COLOR": None, "COLUMNS": "80"})
    assert result.exit_code == 0, result.output
    return result.output


def assert_ascii(out: str) -> None:
    bad = sorted({c for c in out if not c.isascii()})
    assert not bad, f"non-ASCII in plain output: {bad}"
    assert ESCAPE.search(out) is None, ESCAPE.search(out)


def a_wrong(q: Question) -> str:
    """wrong_text, or for an MSQ whose options are all true, one option alone (also wrong)."""
    if q.type == "MSQ" and len(q.answer["correct"]) == len(q.options):
        return q.options[0].label
    return wrong_text(q)


def number(value: float) -> str:
    return f"{value:.6f}".rstrip("0").rstrip(".") or "0"


def drill_lines(questions: list[Question]) -> list[str]:
    """Three hints then a wrong answer, a skip, a right answer, in turn."""
    lines: list[str] = []
    for i, q in enumerate(questions):
        lines += [["h", "h", "h", a_wrong(q)], ["s"], [right_text(q)]][i % 3]
    return lines


def guided_lines(questions: list[Question]) -> list[str]:
    """Each step wrong twice (its first known slip, else a far value): the rule, the slip and
    the revealed step are all shown; then a wrong answer."""
    lines: list[str] = []
    for q in questions:
        plan = plan_for(q) if has_plan(q) else None
        for step in plan.steps if plan is not None else ():
            far = number(step.value + 7)
            lines += [number(step.slips[0][0]) if step.slips else far, far]
        lines.append(a_wrong(q))
    return lines


@pytest.mark.parametrize("seed", [3, 11])
def test_a_plain_drill_prints_only_ascii(tmp_path: Path, seed: int) -> None:
    questions = generate_set(seed, 9)
    out = run(["practice", "--seed", str(seed), "--count", "9"], drill_lines(questions), tmp_path)
    assert "Session summary" in out and "Likely mistake" in out and "Hint 3/" in out
    assert_ascii(out)
    assert_ascii(run(["stats"], [], tmp_path))


def test_a_plain_guided_drill_prints_only_ascii(tmp_path: Path) -> None:
    topics = [arg for topic in GUIDED_TOPICS for arg in ("--topic", topic)]
    questions = generate_set(5, len(GUIDED_TOPICS), GUIDED_TOPICS)
    assert sum(has_plan(q) for q in questions) >= 10
    out = run(["practice", "--guided", "--seed", "5", "--count", str(len(questions)), *topics],
              guided_lines(questions), tmp_path)
    assert out.count("Rule: ") >= 20 and "That is the value you get if you" in out
    assert "Step: " in out and "Session summary" in out
    assert re.search(r"Step 1/\d+ - [a-z]", out)  # the separator "·" reads " - " in ASCII
    assert_ascii(out)
    assert_ascii(run(["stats"], [], tmp_path))


def test_the_same_drill_keeps_unicode_on_a_normal_console(tmp_path: Path) -> None:
    questions = generate_set(3, 3)
    out = run(["practice", "--seed", "3", "--count", "3"], drill_lines(questions), tmp_path,
              plain=False)
    assert re.search(r"Correct \d+ of \d+ answered.* · time", out) and "╭" in out


def test_topics_and_explain_print_only_ascii(tmp_path: Path) -> None:
    topics = CliRunner().invoke(cli, ["topics", "--plain"])
    assert topics.exit_code == 0 and "delta-recursion" in topics.output
    assert_ascii(topics.output)
    for qid in ("multipath-relu:NAT2:0", "delta-recursion:NAT2:4", "softmax-ce:MSQ2:1"):
        explain = CliRunner().invoke(cli, ["--plain", "explain", "--id", qid])
        assert explain.exit_code == 0, explain.output
        assert_ascii(explain.output)


# -- the stem's names in a guided layer-form question ---------------------------------------------
def layer_plan(seed: int) -> GuidedPlan:
    for s in range(seed, seed + 50):
        plan = plan_for(built("multipath-relu", "NAT", 2, s))
        if plan is not None:
            return plan
    raise AssertionError("no multipath-relu NAT question with a plan")


def shown(plan: GuidedPlan) -> list[str]:
    return [text for s in plan.steps for text in (s.label, s.text, *(why for _, why in s.slips))]


@settings(max_examples=6, deadline=None)
@given(st.integers(0, 10**5))
def test_a_layer_form_plan_names_what_the_stem_names(seed: int) -> None:
    plan = layer_plan(seed)
    texts = shown(plan)
    assert [t for t in texts if INTERNAL.search(t)] == []
    stem = plan.question.text
    assert "W1" in stem and any("W1[" in t for t in texts) and any("z1[" in t for t in texts)
    # every weight the plan names is an entry of a matrix the stem gives, inside its shape
    for k, i, j in {m.groups() for t in texts for m in re.finditer(r"W(\d)\[(\d+),(\d+)\]", t)}:
        assert f"W{k}" in stem


def test_a_guided_layer_form_drill_shows_no_internal_name(tmp_path: Path) -> None:
    seed = next(s for s in range(50) if plan_for(generate_set(s, 1, ["multipath-relu"])[0]))
    question = generate_set(seed, 1, ["multipath-relu"])[0]
    out = run(["practice", "--guided", "--topic", "multipath-relu", "--seed", str(seed),
               "--count", "1"], guided_lines([question]), tmp_path)
    assert "Rule: " in out and re.search(r"dz1\[\d\]/d|z1\[\d\] =", out)
    assert INTERNAL.search(out) is None, INTERNAL.search(out)
    assert_ascii(out)
