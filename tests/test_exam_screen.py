"""The full-screen mock, driven by Textual's pilot with a fake clock; and the same actions typed
into line mode's ExamSession give the same result."""

from __future__ import annotations

from typing import Any

import asyncio
import io
from collections.abc import Awaitable, Callable
from pathlib import Path

import pytest
from textual.errors import NoWidget
from textual.pilot import Pilot
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import Checkbox, Static

from gatebp.gate.exam import Exam, ExamResult
from gatebp.gate.question import Question
from gatebp.questions.generate import build_question
from gatebp.questions.paper import plan_paper
from gatebp.ui.screen import ScreenRun, use_line_mode
from gatebp.ui.screen.app import ExamApp, ExamScreen
from gatebp.ui.screen.calculator_panel import Key
from gatebp.ui.screen.dialogs import GotoDialog, ScoreScreen, SubmitDialog
from gatebp.ui.screen.state import countdown
from gatebp.ui.screen.widgets import Palette, QuestionPane
from gatebp.ui.terminal.console import SafeConsole, make_console

Step = tuple[float, str]  # (seconds before it, what is typed in line mode)


class FakeClock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture(scope="module")
def paper() -> list[Question]:
    """Six questions in the paper's order: MCQ, NAT, MSQ, MCQ, NAT, MSQ."""
    questions = [build_question(*item) for item in plan_paper(7, 6).items]
    assert [q.type for q in questions] == ["MCQ", "NAT", "MSQ", "MCQ", "NAT", "MSQ"]
    return questions


def right(q: Question) -> str:
    if q.type == "NAT":
        return f"{q.answer['value']:.{q.rounding if q.rounding is not None else 2}f}"
    return "".join(q.correct_labels)


def wrong(q: Question) -> str:
    if q.type == "NAT":
        return f"{q.answer['value'] + 100:.2f}"
    return next(o.label for i, o in enumerate(q.options) if i not in q.answer["correct"])


def short(q: Question) -> str:
    """A one-digit NAT answer (fewer keys to press), right or wrong."""
    return next(d for d in "123456789" if d != right(q))


class Sitting:
    """One screen run: the app, its pilot, the fake clock and what the callbacks saw."""

    def __init__(self, app: ExamApp, pilot: Pilot[ScreenRun], clock: FakeClock,
                 submitted: list[ExamResult], changes: list[int]) -> None:
        self.app, self.pilot, self.clock = app, pilot, clock
        self.submitted, self.changes = submitted, changes

    @property
    def exam(self) -> Exam:
        return self.app.exam  # type: ignore[return-value]

    def status(self) -> str:
        return str(self.app.screen.query_one("#status", Static).render())

    async def click(self, target: str | Widget) -> None:
        """Scroll `target` into view, as the student would, and click it."""
        screen = self.app.screen
        widget = screen.query_one(target) if isinstance(target, str) else target
        if not _under(screen, widget):
            widget.scroll_visible(animate=False)
            await self.pilot.pause()
            assert _under(screen, widget), f"{target} cannot be reached"
        await self.pilot.click(widget)

    async def until(self, condition: Callable[[], bool], seconds: float = 10.0) -> bool:
        """Let the app's real-time timer run until `condition` holds (at most `seconds`): a
        loaded machine may tick late, and a fixed wait would then fail."""
        deadline = asyncio.get_running_loop().time() + seconds
        while not condition():
            if asyncio.get_running_loop().time() > deadline:
                return False
            await self.pilot.pause(0.05)
        return True

    async def key(self, label: str) -> None:
        """Click the calculator key with this label."""
        await self.click(next(k for k in self.app.screen.query(Key) if k.name == label))

    async def step(self, wait: float, line: str) -> None:
        """Do with the mouse what `line` does in line mode."""
        self.clock.now += wait
        clicks = {"n": "#save_next", "m": "#mark_next", "c": "#clear", "p": "#previous",
                  "submit": "#submit", "y": "#yes"}
        if line in clicks:
            await self.click(clicks[line])
        elif line.startswith("g "):
            await self.click(f"#q{line[2:]}")
        else:
            await self.answer(line)

    async def answer(self, text: str) -> None:
        question = self.exam.question
        if question.type == "NAT":
            await self.click("#answer")
            await self.pilot.press("end", "ctrl+u", *text)
            return
        for option in question.options:
            box = self.app.screen.query_one(f"#opt-{option.label}", Checkbox)
            if box.value != (option.label in text):
                await self.click(box)


def _under(screen: Screen[object], widget: Widget) -> bool:
    """The widget is what a click on its top-left corner would hit (not hidden or scrolled off)."""
    x, y = widget.region.offset
    try:
        return screen.get_widget_at(x, y)[0] is widget
    except NoWidget:
        return False


def _text(screen: object) -> str:
    """Everything the statics of a screen show, for finding words in it."""
    statics = screen.query(Static)  # type: ignore[attr-defined]
    parts = []
    for static in statics:
        rendered = static.render()
        parts.append(rendered.plain if hasattr(rendered, "plain") else str(rendered))
    return "\n".join(parts)


def sit(questions: list[Question], body: Callable[[Sitting], Awaitable[None]],
        seconds: float = 3600, size: tuple[int, int] = (100, 32), exam: Any = None) -> ExamApp:
    """Run the screen on a fresh exam (or the given exam-like object) with a fake clock and let
    `body` drive it."""
    clock, submitted, changes = FakeClock(), [], []
    exam = Exam(questions, seconds, started=0.0) if exam is None else exam
    app = ExamApp(exam, clock=clock, on_submit=submitted.append,
                  on_change=lambda e: changes.append(e.current))

    async def run() -> None:
        async with app.run_test(size=size) as pilot:
            await pilot.pause()
            await body(Sitting(app, pilot, clock, submitted, changes))

    asyncio.run(run())
    return app


def test_choosing_only_selects_and_a_save_records(paper: list[Question]) -> None:
    async def body(s: Sitting) -> None:
        await s.step(5, wrong(paper[0]))            # click an MCQ radio button
        assert "not saved yet" in s.status() and s.exam.states()[0] == "not_answered"
        await s.step(5, right(paper[0]))            # change it before saving
        await s.step(5, "n")                        # Save & Next records it
        await s.step(5, right(paper[1]))            # type a NAT
        await s.step(5, "m")                        # Mark for Review & Next records and marks
        assert s.exam.states()[:3] == ["answered", "answered_marked", "not_answered"]
        assert len(s.changes) >= 5                  # on_change heard every step
        await s.step(5, "p")                        # Previous shows the saved answer
        assert s.app.screen.query_one(QuestionPane).response() == s.exam.slots[1].saved
        assert "Saved answer" in s.status()

    sit(paper, body)


def test_palette_jump_discards_a_choice_and_clear_removes_the_answer(
        paper: list[Question]) -> None:
    async def body(s: Sitting) -> None:
        await s.step(5, "m")                        # Q1 marked, nothing saved
        await s.step(5, right(paper[1]))
        await s.step(5, "g 4")                      # a palette jump discards Q2's choice
        assert "Your new choice on Q2 was not saved" in s.status()
        await s.step(5, wrong(paper[3]))
        await s.step(5, "n")                        # Q4 saved
        await s.step(5, "g 4")
        await s.step(5, "c")                        # Clear Response
        assert "Response cleared for Q4." in s.status()
        assert s.exam.states()[:5] == ["marked", "not_answered", "not_visited", "not_answered",
                                       "not_answered"]

    sit(paper, body)


def test_submit_shows_the_counts_and_the_score_sheet(paper: list[Question]) -> None:
    async def body(s: Sitting) -> None:
        await s.step(5, right(paper[0]))
        await s.step(5, "n")
        await s.step(5, right(paper[1]))            # selected, not saved
        await s.step(5, "submit")
        text = _text(s.app.screen)
        assert isinstance(s.app.screen, SubmitDialog) and "Not Visited" in text
        assert "Q2's selection" in text and "will not count" in text
        await s.step(5, "y")
        assert isinstance(s.app.screen, ScoreScreen) and len(s.submitted) == 1
        await s.pilot.press("q")

    app = sit(paper, body)
    result = app.return_value.result  # type: ignore[union-attr]
    assert [r.state for r in result.results][:3] == ["answered", "not_answered", "not_visited"]
    assert result.score == paper[0].marks and not result.automatic


def test_every_button_has_a_key(paper: list[Question]) -> None:
    async def body(s: Sitting) -> None:
        label = "abcd"[paper[0].answer["correct"][0]]
        await s.pilot.press(label, "n")              # option key, Save & Next
        await s.pilot.press(*right(paper[1]), "m")   # keypad digits reach the field; m marks
        await s.pilot.press("a", "x")                # MSQ box A, then Clear Response
        await s.pilot.press("p")                     # Previous
        assert s.exam.current == 1
        await s.pilot.press("g")
        assert isinstance(s.app.screen, GotoDialog)
        await s.pilot.press("5", "enter")
        assert s.exam.current == 4
        await s.pilot.press("s")
        assert isinstance(s.app.screen, SubmitDialog)
        await s.pilot.press("n")                     # back to the paper
        assert isinstance(s.app.screen, ExamScreen)
        await s.pilot.press("s", "y")
        assert len(s.submitted) == 1
        await s.pilot.press("q")

    app = sit(paper, body)
    result = app.return_value.result  # type: ignore[union-attr]
    assert [r.state for r in result.results][:5] == ["answered", "answered_marked",
                                                     "not_answered", "not_visited",
                                                     "not_answered"]
    assert result.score == paper[0].marks + paper[1].marks


def test_calculator_opens_computes_and_keeps_letters(paper: list[Question]) -> None:
    async def body(s: Sitting) -> None:
        await s.pilot.press("equals_sign")
        await s.pilot.press(*"1/(1+exp(-0.585))", "enter")   # n, m, x, p typed, not buttons
        result = s.app.screen.query_one("#calc-result", Static)
        assert "= 0.642217093" in str(result.render()) and s.exam.current == 0
        for key in ("2", "xʸ", "1", "0", "="):         # appended to the last result
            await s.key(key)
        assert "0.6422170932^10 = 0.01193489508" in str(result.render())
        for key in ("M+", "C", "MR"):
            await s.key(key)
        assert s.app.screen.query_one("#calc-input").value == "0.01193489508"  # type: ignore[attr-defined]
        await s.pilot.press("escape")
        assert not s.app.screen.query_one("#calc").display
        await s.pilot.press("n")                    # shortcuts are back
        assert s.exam.current == 1

    sit(paper, body)


def test_clock_runs_out_and_submits_what_was_saved(paper: list[Question]) -> None:
    async def body(s: Sitting) -> None:
        await s.step(10, right(paper[0]))
        await s.step(10, "n")
        await s.step(10, right(paper[1]))           # selected, never saved
        s.clock.now = 59.2                          # the screen's own timer shows it
        assert await s.until(lambda: "Time Left: 0:01" in str(
            s.app.screen.query_one("#clock", Static).render()))
        await s.pilot.press("s")                    # the dialog is open when time runs out
        s.clock.now = 60.5
        assert await s.until(lambda: isinstance(s.app.screen, ScoreScreen))
        assert len(s.submitted) == 1
        await s.pilot.press("q")

    app = sit(paper, body, seconds=60)
    result = app.return_value.result  # type: ignore[union-attr]
    assert result.automatic and result.score == paper[0].marks
    assert [r.state for r in result.results][:3] == ["answered", "not_answered", "not_visited"]
    assert sum(r.seconds for r in result.results) == 60


def test_a_nat_the_keypad_cannot_type_is_not_saved(paper: list[Question]) -> None:
    async def body(s: Sitting) -> None:
        await s.step(1, "n")
        await s.pilot.press("-", "a", ".", ".")     # a letter and a second point never arrive
        assert s.app.screen.query_one("#answer").value == "-."  # type: ignore[attr-defined]
        await s.click("#save_next")
        assert s.exam.current == 1 and "is not a number the GATE keypad" in s.status()

    sit(paper, body)


def test_ctrl_q_submits_saved_answers_and_leaves(paper: list[Question]) -> None:
    async def body(s: Sitting) -> None:
        await s.step(1, right(paper[0]))
        await s.step(1, "n")
        await s.pilot.press("ctrl+q")

    app = sit(paper, body)
    outcome = app.return_value
    assert outcome is not None and outcome.interrupted
    assert outcome.result.score == paper[0].marks


def test_80x24_keeps_every_control_on_screen_and_the_palette_scrolls() -> None:
    questions = [build_question(*item) for item in plan_paper(3, 65).items[:1]] * 65

    async def body(s: Sitting) -> None:
        screen = s.app.screen
        for selector in ("#save_next", "#mark_next", "#clear", "#previous", "#submit",
                         "#calculator", "#clock", "#legend", "#q1"):
            region = screen.query_one(selector).region
            assert region.area and region.right <= 80 and region.bottom <= 24, selector
        palette = screen.query_one(Palette)
        assert palette.max_scroll_y > 0
        palette.scroll_end(animate=False)
        await s.pilot.pause()
        await s.pilot.click("#q65")
        assert s.exam.current == 64 and palette.scroll_y > 0
        await s.pilot.press("equals_sign")
        assert screen.query_one("#calc-keys").region.bottom <= 24

    sit(questions, body, size=(80, 24))


def test_line_mode_and_screen_give_the_same_result(paper: list[Question]) -> None:
    """One script of actions, typed into line mode and clicked on the screen."""
    script: list[Step] = [
        (3, wrong(paper[0])), (2, "n"), (4, right(paper[1])), (1, "m"), (5, wrong(paper[2])),
        (2, "g 1"), (3, right(paper[0])), (1, "n"), (7, "c"), (2, "g 5"), (2, short(paper[4])),
        (1, "m"), (2, "submit"), (4, "y")]
    by_line = _line_mode(paper, script)

    async def body(s: Sitting) -> None:
        for wait, line in script:
            await s.step(wait, line)
        await s.pilot.press("q")

    app = sit(paper, body)
    by_screen = app.return_value.result  # type: ignore[union-attr]
    assert _summary(by_screen) == _summary(by_line)
    assert [r.state for r in by_line.results] == ["answered", "marked", "not_answered",
                                                  "not_visited", "answered_marked",
                                                  "not_answered"]


def _line_mode(questions: list[Question], script: list[Step], paper: Any = None) -> ExamResult:
    from gatebp.app.io import Terminal, TimeUp
    from gatebp.app.session import ExamSession

    clock, lines = FakeClock(), list(script)

    class Reader:
        def read(self, deadline: float | None = None, _clock: object = None, _idle: object = None) -> str | None:
            wait, line = lines.pop(0) if lines else (10**9, "")
            if deadline is not None and clock.now + wait >= deadline:
                clock.now = deadline
                raise TimeUp
            clock.now += wait
            return line

    console = SafeConsole(file=io.StringIO(), width=80, color_system=None, plain=True)
    term = Terminal(console, Reader(), echo=True, clock=clock)  # type: ignore[arg-type]
    exam = Exam(questions, 3600, started=0.0) if paper is None else paper
    return ExamSession(term, exam).run()


def test_the_screen_and_line_mode_leave_the_same_history(paper: list[Question], tmp_path) -> None:
    """The same actions through the journaled recorder, on the screen and in line mode: the
    attempts each leaves in its own history are equal, row for row."""
    from gatebp.app.history import History
    from gatebp.app.mock import MockRecorder, RecordedExam

    script: list[Step] = [(3, wrong(paper[0])), (2, "n"), (4, right(paper[1])), (1, "m"),
                          (2, "g 5"), (2, short(paper[4])), (1, "n"), (2, "submit"), (4, "y")]
    histories = [History.open(tmp_path / name) for name in ("line", "screen")]
    line_recorder = MockRecorder.start(histories[0], "paper", 7, paper, 3600, now=0.0)
    _line_mode(paper, script, paper=line_recorder)
    screen_recorder = MockRecorder.start(histories[1], "paper", 7, paper, 3600, now=0.0)

    async def body(s: Sitting) -> None:
        for wait, line in script:
            await s.step(wait, line)
        await s.pilot.press("q")

    sit(paper, body, exam=RecordedExam(screen_recorder, lambda: 0.0))
    rows = [[(a.question_id, a.state, a.response, a.correct, a.marks, a.seconds)
             for a in history.attempts()] for history in histories]
    assert rows[0] == rows[1] and len(rows[0]) == len(paper)
    assert [r[1] for r in rows[0]][:2] == ["answered", "answered_marked"]


def _summary(result: ExamResult) -> list[tuple[str, str | None, object, float]]:
    return [(r.state, r.response.text() if r.response else None, r.grade.score, r.seconds)
            for r in result.results]


def test_line_mode_rule(monkeypatch: pytest.MonkeyPatch) -> None:
    class Tty(io.StringIO):
        def isatty(self) -> bool:
            return True

    tty, env = Tty(), {"TERM": "xterm-256color"}
    assert not use_line_mode(env=env, stdin=tty, stdout=tty)
    assert use_line_mode(line=True, env=env, stdin=tty, stdout=tty)
    assert use_line_mode(SafeConsole(plain=True), env=env, stdin=tty, stdout=tty)  # --plain
    assert not use_line_mode(SafeConsole(), env=env, stdin=tty, stdout=tty)
    monkeypatch.setenv("NO_COLOR", "1")  # the console reads NO_COLOR: a plain one, line mode
    assert use_line_mode(make_console(), env=env, stdin=tty, stdout=tty)
    assert use_line_mode(env={"TERM": "dumb"}, stdin=tty, stdout=tty)
    assert use_line_mode(env=env, stdin=io.StringIO(), stdout=tty)   # a pipe in
    assert use_line_mode(env=env, stdin=tty, stdout=io.StringIO())   # a pipe out


def test_countdown_text() -> None:
    assert [countdown(s) for s in (3909, 2467, 9, 0.2, -5)] == ["1:05:09", "41:07", "0:09",
                                                                 "0:01", "0:00"]


def test_choosing_line_mode_does_not_import_textual() -> None:
    import subprocess
    import sys

    code = "import gatebp.ui.screen, sys; print('textual' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True, cwd=Path(__file__).parent.parent).stdout
    assert out.strip() == "False"


DRIVER = """
import json, signal, sys, time
from gatebp.app.session import LazyQuestions
from gatebp.gate.exam import Exam
from gatebp.questions.paper import plan_paper
from gatebp.ui.screen import run_exam

def interrupt(signum, frame):
    raise KeyboardInterrupt

signal.signal(signal.SIGTERM, interrupt)  # what `gatebp practice` does for SIGTERM and SIGHUP
exam = Exam(LazyQuestions(plan_paper(7, 3).items), 600, started=time.monotonic())
calls = []
run = run_exam(exam, on_submit=lambda r: calls.append([x.state for x in r.results]))
json.dump({"calls": calls, "interrupted": run.interrupted}, open(sys.argv[1], "w"))
"""


def test_run_exam_in_a_terminal_records_once_when_killed(tmp_path: Path) -> None:
    """On a real pseudo-terminal: answer, save, then SIGTERM. The paper is submitted with what
    was saved, on_submit runs once, and the terminal is given back (alternate screen left)."""
    import json
    import signal
    import sys

    pexpect = pytest.importorskip("pexpect")
    script, out = tmp_path / "drive.py", tmp_path / "out.json"
    script.write_text(DRIVER)
    child = pexpect.spawn(sys.executable, [str(script), str(out)], encoding="utf-8", timeout=30,
                          dimensions=(32, 100), cwd=str(Path(__file__).parent.parent),
                          env={"PATH": "/usr/bin:/bin", "TERM": "xterm-256color"})
    child.expect("Question 1 of 3")
    child.send("a")
    child.send("n")
    child.expect("Question 2 of 3")
    child.kill(signal.SIGTERM)
    child.expect(pexpect.EOF)
    child.close()
    assert "\x1b[?1049l" in (child.before or "") and child.exitstatus == 0
    assert json.loads(out.read_text()) == {
        "calls": [["answered", "not_answered", "not_visited"]], "interrupted": True}


def test_at_80_columns_the_figure_sets_its_matrices_out_instead_of_being_cut() -> None:
    """The 80x24 screen leaves the pane about 44 columns: a 2-3-2-1 network's figure must fit
    them, with the weights given as matrices rather than on the edges."""
    from gatebp.ui.screen.widgets import pane_width
    from gatebp.ui.terminal.working import question_diagram

    width = pane_width(80)
    question = build_question("multipath-relu", "NAT", 2, 5)
    figure = question_diagram(question, width=width)
    lines = figure.plain.splitlines()  # type: ignore[union-attr]
    assert max(len(line) for line in lines) <= width
    assert any("W₁ =" in line for line in lines) and any("ReLU" in line or "relu" in line for line in lines)
