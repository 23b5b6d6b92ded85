"""Interruptions that cannot lose data: the first signal interrupts, the rest wait their turn.

A session runs inside `catching()`: SIGINT, SIGTERM, SIGHUP and SIGQUIT (where the platform has
them) raise KeyboardInterrupt, so a closed terminal or a kill ends a session the way Ctrl-C
does. Two rules keep the history whole:

- Every write to the history runs inside `held()`; a signal that arrives meanwhile is noted and
  raised as KeyboardInterrupt only once the write is done.
- Once a signal has interrupted, every later one is held too, until the next held write (the
  salvage that records what was saved) finishes. So three quick Ctrl-C, or a closed terminal's
  EIO followed by its SIGHUP, can never cut the salvage short; after it, one KeyboardInterrupt
  reports them all (which skips anything slow still to come, like the score sheet).
- When `catching()` ends after an interruption, nothing is left to write: a late Ctrl-C is
  ignored (the exit status stays 130) and any other signal ends the process at once.

Handlers run in the main thread only (Python's rule); elsewhere both contexts do nothing.
"""

from __future__ import annotations

import signal
import threading
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from types import FrameType

SIGNAL_NAMES = ("SIGINT", "SIGTERM", "SIGHUP", "SIGQUIT")


class Interrupts:
    """The process's one signal guard (see the module docstring)."""

    def __init__(self) -> None:
        self.depth = 0          # held() sections open
        self.tripped = False    # a signal interrupted and its salvage has not been written
        self.pending = 0        # signals held since, to raise once writing is done
        self.received: list[int] = []

    def handle(self, signum: int, frame: FrameType | None) -> None:
        self.received.append(signum)
        if self.depth or self.tripped:
            self.pending += 1
            return
        self.tripped = True
        raise KeyboardInterrupt

    def leave(self) -> None:
        """The end of a held section: release a trip, then raise what was held meanwhile."""
        self.depth -= 1
        if self.depth:
            return
        self.tripped = False
        if self.pending:
            self.pending, self.tripped = 0, True
            raise KeyboardInterrupt


GUARD = Interrupts()


def _main_thread() -> bool:
    return threading.current_thread() is threading.main_thread()


@contextmanager
def catching() -> Iterator[Interrupts]:
    """Turn the interrupting signals into KeyboardInterrupt for the duration (see above)."""
    if not _main_thread():
        yield GUARD
        return
    wanted = [getattr(signal, n) for n in SIGNAL_NAMES if hasattr(signal, n)]
    previous = {sig: signal.signal(sig, GUARD.handle) for sig in wanted}
    GUARD.tripped, GUARD.pending, GUARD.received = False, 0, []
    try:
        yield GUARD
    finally:
        if GUARD.received:
            _winding_down(previous)
        else:
            for sig, handler in previous.items():
                signal.signal(sig, handler)
            GUARD.tripped, GUARD.pending = False, 0


def _winding_down(signals: Iterable[int]) -> None:
    """After an interruption everything is written and the process is on its way out. A late
    Ctrl-C is ignored, so an impatient student still gets the clean exit status 130 (ignored,
    not handled: Python resets handled signals while it shuts down, and its own SIGINT handler
    would print a traceback); a hang-up or a kill takes its default action and ends the
    process at once, as a closed terminal expects."""
    for sig in signals:
        signal.signal(sig, signal.SIG_IGN if sig == signal.SIGINT else signal.SIG_DFL)


@contextmanager
def held() -> Iterator[None]:
    """Run a write with every signal held; one that arrived is raised when it is done.

    An exception from the write itself wins over a held signal (it is the real problem)."""
    if not _main_thread():
        yield
        return
    GUARD.depth += 1
    try:
        yield
    except BaseException:
        GUARD.depth -= 1
        if not GUARD.depth:
            GUARD.tripped = GUARD.tripped or bool(GUARD.pending)
            GUARD.pending = 0
        raise
    GUARD.leave()
