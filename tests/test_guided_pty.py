"""A guided question in a real pseudo-terminal (pexpect), then `gatebp stats --json`.

One right step, one entry refused and asked again, one reveal, one slip named and then put
right, the rest right, and the final answer; the per-skill counts are then read back through
the stats command. Ctrl-C in the middle keeps every step already answered.
"""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path


from tests.terminal import GATEBP, pexpect, spawn_practice
from gatebp.app.guided import GuidedPlan, plan_for
from gatebp.app.history import History
from gatebp.questions.generate import generate_set
from test_practice_drill import right_text





def relu_question() -> tuple[int, GuidedPlan]:
    """A relu-gate NAT question whose plan has a ReLU step with a named slip, and its seed."""
    for seed in range(200):
        q = generate_set(seed, 1, ["relu-gate"])[0]
        plan = plan_for(q) if q.type == "NAT" else None
        if plan is not None and any(s.skill == "local:relu" and s.slips for s in plan.steps):
            return seed, plan
    raise AssertionError("no relu-gate NAT question in 200 seeds")


def step(child, plan: GuidedPlan, number: int, text: str) -> None:  # type: ignore[no-untyped-def]
    child.expect_exact(f"Step {number}/{len(plan.steps)} - ")  # NO_COLOR: a plain console
    child.expect_exact(" = ")
    child.sendline(text)


def number(value: float) -> str:
    return f"{value:.6f}".rstrip("0").rstrip(".")


def test_a_guided_question_step_by_step_then_stats(tmp_path: Path) -> None:
    seed, plan = relu_question()
    steps = plan.steps
    relu = next(i for i, s in enumerate(steps) if s.skill == "local:relu")
    slip_value, slip_name = next(sl for sl in steps[relu].slips if sl[1] != "made a sign slip")
    child = spawn_practice(tmp_path, "--guided", "--topic", "relu-gate", "--seed", str(seed),
                           "--count", "1", columns=100)
    child.expect_exact(f"Work it through: {len(steps)} steps, then the answer.")
    step(child, plan, 1, number(steps[0].value))                  # right at once
    child.expect_exact("Right: ")
    step(child, plan, 2, "two point five")                        # garbage: refused, asked again
    child.expect_exact("Not accepted: ")
    step(child, plan, 2, number(steps[1].value))
    child.expect_exact("Right: ")
    step(child, plan, 3, "r")                                     # revealed
    child.expect_exact("Step: ")
    for i in range(3, len(steps)):
        if i == relu:                                             # a slip, named, then right
            step(child, plan, i + 1, number(slip_value))
            child.expect_exact("Rule: ReLU'(z) = 1 when z > 0")
            child.expect_exact("That is the value you get if you")
            child.expect_exact(slip_name.split()[-1])
            step(child, plan, i + 1, number(steps[i].value))
            child.expect_exact("Right on the second try")
        else:
            step(child, plan, i + 1, number(steps[i].value))
            child.expect_exact("Right: ")
    child.expect_exact("Every step done. Now the answer")
    child.expect_exact("Answer (h hint, s skip, q quit, = calculator): ")
    child.sendline(right_text(plan.question))
    child.expect_exact("Correct: ")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0

    skills = {s["skill"]: (s["right"], s["attempts"]) for s in stats_json(tmp_path)["skills"]}
    forward = sum(1 for s in steps if s.skill == "forward")
    linear = sum(1 for s in steps if s.skill == "local:linear")
    assert skills["forward"] == (forward - 1, forward)            # one revealed
    assert skills["local:relu"] == (0, 1)                         # right only at the retry
    assert skills["local:linear"] == (linear, linear)
    assert skills["path"] == (1, 1) and skills["answer"] == (1, 1)
    with History.open(tmp_path) as history:
        rows = history.steps()
    assert [r.outcome for r in rows][:3] == ["right", "right", "revealed"]
    assert rows[relu].slip == slip_name and rows[relu].outcome == "second"


def stats_json(home: Path) -> dict:
    out = subprocess.run([GATEBP, "stats", "--json", "--data-dir", str(home)], check=True,
                         capture_output=True, text=True, env=dict(os.environ, NO_COLOR="1"))
    return json.loads(out.stdout)


def test_ctrl_c_keeps_every_step_answered(tmp_path: Path) -> None:
    seed, plan = relu_question()
    child = spawn_practice(tmp_path, "--guided", "--topic", "relu-gate", "--seed", str(seed),
                           "--count", "1", columns=100)
    step(child, plan, 1, number(plan.steps[0].value))
    step(child, plan, 2, number(plan.steps[1].value + 5))
    child.expect_exact("Try once more")
    child.expect_exact(f"Step 2/{len(plan.steps)} - ")
    child.sendintr()
    child.expect_exact("Interrupted. Your answers are saved in")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 130
    skills = {s["skill"]: (s["right"], s["attempts"]) for s in stats_json(tmp_path)["skills"]}
    assert skills == {"forward": (1, 1)}  # the step left mid-retry is not decided yet


def test_piped_guided_drill_with_g_key(tmp_path: Path) -> None:
    """Piped input: `g` in a normal drill switches one question to guided; r reveals."""
    seed, plan = relu_question()
    lines = ["g"] + ["r"] * len(plan.steps) + [right_text(plan.question)]
    done = subprocess.run([GATEBP, "practice", "--plain", "--topic", "relu-gate", "--seed",
                           str(seed), "--count", "1"], input="\n".join(lines) + "\n",
                          capture_output=True, text=True, timeout=60,
                          env=dict(os.environ, GATEBP_HOME=str(tmp_path)))
    assert done.returncode == 0, done.stderr
    assert "g: work this one through step by step" in done.stdout
    assert done.stdout.count("Step: ") == len(plan.steps)
    assert "Correct: " in done.stdout and "Traceback" not in done.stderr
    skills = {s["skill"]: s for s in stats_json(tmp_path)["skills"]}
    assert sum(s["attempts"] for s in skills.values()) == len(plan.steps) + 1
    assert sum(s["right"] for s in skills.values()) == 1  # only the answer: every step revealed
