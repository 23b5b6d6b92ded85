"""A mock survives any interruption, in a real pseudo-terminal (pexpect).

Three answers are saved (Save & Next, Mark for Review & Next, Save & Next), then the mock is cut
short: SIGKILL leaves it unfinished, and `--resume` (or the offer at the next `gatebp practice`)
reopens it at the question it was on, with its answers, marks and the time it had left; a closed
terminal, three quick Ctrl-C and SIGQUIT record it with every saved answer; a full disk keeps
what was saved and says "disk full".
"""

from __future__ import annotations

import functools
import os
import signal
import sqlite3
import subprocess
import time
from dataclasses import replace
from pathlib import Path

import pytest
from test_history_errors import fill, tmpfs  # noqa: F401 - the fixture

from tests.terminal import GATEBP, pexpect, spawn_practice
from gatebp.app import journal
from gatebp.app.history import DB_NAME, History, read_attempts
from gatebp.app.journal import plan_slots
from gatebp.app.session import LazyQuestions
from gatebp.questions.generate import plan_set


SEED, COUNT = 31, 5
PROMPT = r"Q(\d+) \[([0-9:]+) left\] > "
ARGS = ["--exam", "--seed", str(SEED), "--count", str(COUNT), "--minutes", "30", "--plain"]
SAVED_STATES = ["answered", "answered_marked", "answered"]


@functools.cache
def first_three() -> list[str]:
    """An answer for each of the first three questions, from the plan (no question is built
    here: any valid answer will do, the test is that it is kept)."""
    return ["1" if qtype == "NAT" else "A" for _, qtype, _, _ in plan_set(SEED, COUNT)[:3]]



def seconds(clock: str) -> int:
    minutes, secs = clock.split(":")
    return int(minutes) * 60 + int(secs)


def three_saves(child, answers: list[str]) -> int:  # type: ignore[no-untyped-def]
    """Q1 saved, Q2 saved and marked, Q3 saved; returns the seconds left shown at Q4."""
    child.expect(PROMPT)
    for text, button in zip(answers, ("n", "m", "n")):
        child.sendline(text)
        child.expect_exact("not saved yet")
        child.expect(PROMPT)
        child.sendline(button)
        child.expect(PROMPT)
    assert child.match.group(1) == "4"
    return seconds(child.match.group(2))


def finish(child, code: int) -> None:  # type: ignore[no-untyped-def]
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == code, (child.exitstatus, child.signalstatus)
    assert "Traceback" not in (child.before or "")


def seconds_left(home: Path) -> float:
    db = sqlite3.connect(home / DB_NAME)
    return float(db.execute("SELECT seconds_left FROM mocks").fetchone()[0])


def recorded_states(home: Path) -> list[str]:
    return [a.state for a in read_attempts(home)]


def test_sigkill_then_resume_restores_question_answers_marks_and_time(tmp_path: Path) -> None:
    answers = first_three()
    child = spawn_practice(tmp_path, *ARGS)
    left = three_saves(child, answers)
    child.kill(signal.SIGKILL)
    child.expect(pexpect.EOF)
    child.close()
    assert read_attempts(tmp_path) == [] and journal.count_unfinished(tmp_path) == 1
    stored = seconds_left(tmp_path)
    assert left - 1 <= stored <= left + 10  # what the screen showed (at least) was kept
    time.sleep(1)  # the program is dead: this time must not count

    spawned = time.monotonic()
    child = spawn_practice(tmp_path, "--resume", "--plain")
    child.expect_exact("Resuming the unfinished mock exam of")
    child.expect_exact(f"(Q4 of {COUNT}, 3 saved,")
    child.expect_exact("[ 1:A ] [ 2:AM] [ 3:A ] < 4:N >")
    child.expect(PROMPT)
    alive = time.monotonic() - spawned
    # the clock restarted from the stored time: only time this process ran has gone
    assert stored - seconds_left(tmp_path) <= alive
    assert child.match.group(1) == "4" and seconds(child.match.group(2)) >= stored - alive - 1
    child.sendline("g 2")
    child.expect_exact(f"Saved answer: {answers[1]}")
    child.expect(PROMPT)
    child.kill(signal.SIGKILL)  # and again: the resumed mock journals as the first one did
    child.expect(pexpect.EOF)
    child.close()
    with History.open(tmp_path) as history:
        (again,) = journal.unfinished(history)
    assert again.current == 1 and [s.saved for s in again.slots][:3] == answers
    assert [s.state for s in again.slots] == SAVED_STATES + ["not_answered", "not_visited"]
    assert read_attempts(tmp_path) == []


def journaled(home: Path) -> None:
    """The journal a SIGKILL after three_saves leaves (written here, without a process)."""
    slots = plan_slots(LazyQuestions(plan_set(SEED, COUNT)))
    saved = [replace(slot, saved=text, marked=i == 1, visited=True, seconds=5.0)
             for i, (slot, text) in enumerate(zip(slots, first_three()))]
    with History.open(home) as history:
        sid = journal.start(history, "exam", SEED, 1800.0, slots)
        journal.write(history, sid, 3, 1785.0, [*saved, replace(slots[3], visited=True)])
    db = sqlite3.connect(home / DB_NAME)
    db.execute("UPDATE mocks SET pid = NULL")  # its process is gone
    db.commit()


def test_the_next_practice_offers_the_mock_and_resumes_it(tmp_path: Path) -> None:
    journaled(tmp_path)
    child = spawn_practice(tmp_path, "--seed", "1", "--count", "1", "--plain")
    child.expect_exact("You have the unfinished mock exam of")
    child.expect_exact("(Q4 of 5, 3 saved,")
    child.expect_exact("r resume it, s submit it as it stands, Enter leave it for later: ")
    child.sendline("r")
    child.expect_exact("[ 1:A ] [ 2:AM] [ 3:A ] < 4:N >")
    child.expect(PROMPT)
    child.sendline("submit")
    child.sendline("y")
    child.expect_exact("Total: ")
    finish(child, 0)
    attempts = read_attempts(tmp_path)
    assert [a.state for a in attempts] == SAVED_STATES + ["not_answered", "not_visited"]
    assert [a.response for a in attempts[:3]] == first_three()


def test_the_offer_can_be_declined(tmp_path: Path) -> None:
    journaled(tmp_path)
    child = spawn_practice(tmp_path, "--seed", "1", "--count", "1", "--plain")
    child.expect_exact("Enter leave it for later: ")
    child.sendline("")  # declined: the drill asked for starts, the mock keeps waiting
    child.expect_exact("Answer (h hint, s skip, q quit, = calculator): ")
    child.sendline("q")
    finish(child, 0)
    assert journal.count_unfinished(tmp_path) == 1 and read_attempts(tmp_path) == []


def test_the_offer_can_submit_it_as_it_stands(tmp_path: Path) -> None:
    journaled(tmp_path)
    child = spawn_practice(tmp_path, "--seed", "1", "--count", "1", "--plain")
    child.expect_exact("Enter leave it for later: ")
    child.sendline("s")
    child.expect_exact("Submitted it: 3 saved,")
    child.expect_exact("Answer (h hint, s skip, q quit, = calculator): ")
    child.sendline("q")
    finish(child, 0)
    assert recorded_states(tmp_path)[:3] == SAVED_STATES
    assert journal.count_unfinished(tmp_path) == 0


def test_a_closed_terminal_keeps_every_saved_answer(tmp_path: Path) -> None:
    child = spawn_practice(tmp_path, *ARGS)
    three_saves(child, first_three())
    try:
        child.close(force=False)  # the terminal window goes away (master side of the pty)
    except pexpect.ExceptionPexpect:
        pass  # pexpect's own SIGHUP/SIGINT are held while the mock is recorded
    deadline = time.monotonic() + 20
    while child.isalive() and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not child.isalive()
    assert recorded_states(tmp_path)[:3] == SAVED_STATES
    assert journal.count_unfinished(tmp_path) == 0


def test_three_quick_ctrl_c_keep_every_saved_answer(tmp_path: Path) -> None:
    child = spawn_practice(tmp_path, *ARGS)
    three_saves(child, first_three())
    for _ in range(3):
        child.sendintr()
        time.sleep(0.05)
    finish(child, 130)
    assert recorded_states(tmp_path) == SAVED_STATES + ["not_answered", "not_visited"]


def test_sigquit_keeps_every_saved_answer(tmp_path: Path) -> None:
    child = spawn_practice(tmp_path, *ARGS)
    three_saves(child, first_three())
    child.kill(signal.SIGQUIT)
    finish(child, 130)
    assert recorded_states(tmp_path)[:3] == SAVED_STATES


def test_a_full_disk_keeps_the_saved_answers_and_says_disk_full(tmpfs: Path) -> None:  # noqa: F811
    home = tmpfs / "home"
    child = spawn_practice(home, *ARGS)
    three_saves(child, first_three())
    filler = fill(tmpfs)
    child.sendline("submit")
    child.expect_exact("Submit the paper?")
    child.sendline("y")
    child.expect_exact("disk full")
    finish(child, 2)
    filler.unlink()
    with History.open(home) as history:
        (stored,) = journal.unfinished(history)
    assert [s.state for s in stored.slots][:3] == SAVED_STATES and stored.current == 3


@pytest.mark.parametrize("args", ["--seed 1 --count 2", "--exam --seed 1 --count 2"])
def test_a_closed_stdin_ends_cleanly(tmp_path: Path, args: str) -> None:
    env = dict(os.environ, GATEBP_HOME=str(tmp_path), NO_COLOR="1")
    done = subprocess.run(["bash", "-c", f"{GATEBP} practice {args} --plain <&-"], env=env,
                          capture_output=True, text=True, timeout=30)
    assert done.returncode == 0 and "End of input" in done.stdout
    assert done.stderr == ""


def test_a_long_piped_line_is_read_in_linear_time(tmp_path: Path) -> None:
    env = dict(os.environ, GATEBP_HOME=str(tmp_path), NO_COLOR="1")
    start = time.monotonic()
    done = subprocess.run([GATEBP, "practice", "--seed", "1", "--count", "2", "--plain"],
                          input="1" * 8_000_000 + "\nq\n", env=env, capture_output=True,
                          text=True, timeout=30)
    assert done.returncode == 0 and "Not accepted" in done.stdout
    assert time.monotonic() - start < 10
    db = sqlite3.connect(tmp_path / DB_NAME)
    assert db.execute("SELECT count(*) FROM attempts").fetchone()[0] == 0  # refused, then q
