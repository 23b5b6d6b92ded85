"""The full-screen GATE mock (Textual), and the rule for when line mode is used instead.

Entry points for the command: `use_line_mode(...)` decides; `run_exam(exam, ...)` runs the screen
on any object with the `gatebp.gate.exam.Exam` API and returns a `ScreenRun`. Textual is
imported only inside `run_exam`, so choosing line mode costs nothing.
"""

from __future__ import annotations

import os
import signal
import sys
import threading
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from typing import IO, TYPE_CHECKING

from gatebp.core.errors import GatebpError
from gatebp.gate.exam import ExamResult
from gatebp.ui.screen.state import ExamLike, ScreenRun

if TYPE_CHECKING:
    from rich.console import Console

    from gatebp.ui.screen.app import ExamApp

__all__ = ["ExamLike", "ScreenRun", "run_exam", "use_line_mode"]


def use_line_mode(console: Console | None = None, *, line: bool = False,
                  env: Mapping[str, str] | None = None, stdin: IO[str] | None = None,
                  stdout: IO[str] | None = None) -> bool:
    """Line mode for --line, a plain console (--plain, NO_COLOR), TERM=dumb and pipes; the
    screen otherwise."""
    from gatebp.ui.terminal.console import is_plain

    env = os.environ if env is None else env
    if line or (console is not None and is_plain(console)) or env.get("TERM") == "dumb":
        return True
    return not (_is_tty(stdin or sys.stdin) and _is_tty(stdout or sys.stdout))


@contextmanager
def _signals_submit(app: ExamApp) -> Iterator[None]:
    """SIGINT, SIGTERM and SIGHUP submit the paper like Ctrl-Q. Raised as KeyboardInterrupt
    inside Textual they would be reported as a crash, so the handler only schedules a message
    on the app's loop; before the loop runs it raises KeyboardInterrupt (run_exam submits)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def handler(signum: int, frame: object) -> None:
        if app.loop is None:
            raise KeyboardInterrupt
        app.loop.call_soon_threadsafe(app.post_message, app.Interrupted())

    wanted = [getattr(signal, n) for n in ("SIGINT", "SIGTERM", "SIGHUP") if hasattr(signal, n)]
    previous = {sig: signal.signal(sig, handler) for sig in wanted}
    try:
        yield
    finally:
        for sig, old in previous.items():
            signal.signal(sig, old)


def _is_tty(stream: IO[str]) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False


def run_exam(exam: ExamLike, *, clock: Callable[[], float] = time.monotonic,
             title: str = "GATE mock", on_change: Callable[[ExamLike], None] | None = None,
             on_submit: Callable[[ExamResult], None] | None = None) -> ScreenRun:
    """Sit `exam` full screen until it is submitted and the score sheet is closed.

    `clock` must be the one the exam was started with. `on_change(exam)` follows every
    selection and button; `on_submit(result)` is called exactly once, the moment the paper is
    submitted (by Submit, at zero, or by Ctrl-C/Ctrl-Q, SIGINT, SIGTERM), before the score
    sheet is shown. Raises GatebpError, with the exam still open, if the screen itself failed.
    """
    from gatebp.ui.screen.app import ExamApp

    app = ExamApp(exam, clock=clock, title=title, on_change=on_change, on_submit=on_submit)
    try:
        with _signals_submit(app):
            app.run()
    except KeyboardInterrupt:
        pass
    if app.outcome is not None:
        return app.outcome
    if app.return_code:
        raise GatebpError("the exam screen stopped with an error; your saved answers are kept")
    return app.submitted(exam.submit(clock()), interrupted=True)
