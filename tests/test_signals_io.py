"""Signals wait for writes; the line reader survives a closed stdin and reads long lines in
linear time, keeping only a terminal line's worth of each."""

from __future__ import annotations

import io
import os
import subprocess
import sys
import threading
import time

from gatebp.app import io as app_io
from gatebp.app.io import MAX_LINE, LineReader

SIGNALS_SCRIPT = r"""
import os, signal
from gatebp.app.signals import catching, held
with catching():
    try:
        with held():
            os.kill(os.getpid(), signal.SIGTERM)
            print("write finished first")
    except KeyboardInterrupt:
        print("then interrupted")
    os.kill(os.getpid(), signal.SIGINT)   # after an interruption: held, not raised
    os.kill(os.getpid(), signal.SIGHUP)
    print("still running")
    try:
        with held():
            print("salvage written")
    except KeyboardInterrupt:
        print("one interrupt for the held ones")
    try:
        os.kill(os.getpid(), signal.SIGQUIT)
        print("held until the next write")
        with held():
            pass
    except KeyboardInterrupt:
        print("and then raised")
os.kill(os.getpid(), signal.SIGINT)   # winding down after an interruption: a late Ctrl-C
print("exits")                        # is ignored, a hang-up ends the process at once
os.kill(os.getpid(), signal.SIGHUP)
print("never printed")
"""


def test_signals_are_held_while_writing_and_after_an_interruption() -> None:
    done = subprocess.run([sys.executable, "-c", SIGNALS_SCRIPT], capture_output=True,
                          text=True, timeout=60)
    assert done.returncode == -1 and "Traceback" not in done.stderr, done.stderr
    assert done.stdout.splitlines() == [
        "write finished first", "then interrupted", "still running", "salvage written",
        "one interrupt for the held ones", "held until the next write", "and then raised",
        "exits"]


def test_without_signals_the_handlers_are_restored() -> None:
    import signal

    from gatebp.app.signals import catching

    before = signal.getsignal(signal.SIGINT)
    with catching():
        assert signal.getsignal(signal.SIGINT) is not before
    assert signal.getsignal(signal.SIGINT) is before


def test_a_closed_stdin_is_the_end_of_input(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr(sys, "stdin", None)
    assert LineReader().read(deadline=time.monotonic() + 5) is None


def test_a_stream_that_fails_is_the_end_of_input() -> None:
    class Broken(io.StringIO):
        def readline(self, *args: object) -> str:  # type: ignore[override]
            raise AttributeError("gone")

    assert LineReader(Broken()).read(deadline=time.monotonic() + 5) is None


def test_a_huge_line_on_a_pipe_is_read_in_linear_time_and_cut() -> None:
    read_end, write_end = os.pipe()

    def writer() -> None:
        with os.fdopen(write_end, "wb") as out:
            out.write(b"1" * 20_000_000 + "\n é\nq".encode())

    thread = threading.Thread(target=writer)
    thread.start()
    start = time.monotonic()
    lines = list(app_io._fd_lines(read_end))
    thread.join()
    os.close(read_end)
    assert time.monotonic() - start < 5
    assert lines == ["1" * MAX_LINE, " é", "q"]


def test_a_huge_line_from_a_python_stream_is_cut_too() -> None:
    reader = LineReader(io.StringIO("2" * 100_000 + "\nq\n"))
    assert reader.read() == "2" * MAX_LINE and reader.read() == "q" and reader.read() is None
