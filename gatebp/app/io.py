"""The terminal front end: one small input abstraction for a TTY, piped stdin and CliRunner.

Lines are read by a daemon thread into a queue, so the session can wait for a line *with a
deadline* (the exam's countdown submits an idle student at zero) the same way on a terminal,
a pipe or an in-memory stream; the main thread waits in short slices, so Ctrl-C still raises
KeyboardInterrupt at once. When stdin is not a terminal the line read is echoed, so a piped
transcript reads like a session.

Input is untrusted: a closed stdin (`<&-`) or one that fails is simply the end of input (the
reader always posts EOF, whatever goes wrong), a line is kept to MAX_LINE characters (a
terminal's own line limit; no answer or command is longer) and reading is linear in its length.
"""

from __future__ import annotations

import codecs
import math
import os
import queue
import sys
import threading
import time
from collections.abc import Callable, Iterator
from typing import IO

from rich.console import Console, RenderableType
from rich.text import Text

from gatebp.core.maths import Target
from gatebp.ui.terminal.maths import console_target, maths

EOF = None
POLL_SECONDS = 0.2
MAX_LINE = 4096
CHUNK = 65536


class TimeUp(Exception):
    """The deadline passed while waiting for a line."""


class LineReader:
    """Lines from a text stream, read in the background; `None` marks the end of input."""

    def __init__(self, stream: IO[str] | None = None) -> None:
        self._stream = stream
        self._lines: queue.Queue[str | None] = queue.Queue()
        self._thread: threading.Thread | None = None
        self._ended = False

    def _start(self) -> None:
        if self._thread is None:
            stream = self._stream if self._stream is not None else sys.stdin
            self._thread = threading.Thread(target=self._pump, args=(stream,), daemon=True)
            self._thread.start()

    def _pump(self, stream: IO[str] | None) -> None:
        """Post every line, then EOF: on a closed stdin (None), on EIO from a terminal that
        went away, and on anything else a stream can raise (never a traceback)."""
        try:
            for line in _lines(stream):
                self._lines.put(line.rstrip("\r\n")[:MAX_LINE])
        except Exception:
            pass
        finally:
            self._lines.put(EOF)

    def read(self, deadline: float | None = None,
             clock: Callable[[], float] = time.monotonic,
             idle: Callable[[], None] | None = None) -> str | None:
        """The next line, `None` at end of input; raises TimeUp once `deadline` passes.
        `idle` is called between waits (a mock stores its time left from there)."""
        if self._ended:
            return EOF
        self._start()
        while True:
            wait = POLL_SECONDS if deadline is None else min(POLL_SECONDS, deadline - clock())
            if wait <= 0:
                raise TimeUp
            try:
                line = self._lines.get(timeout=wait)
            except queue.Empty:
                if idle is not None:
                    idle()
                continue
            self._ended = line is None
            return line


class Terminal:
    """Output through a Rich Console, input through a LineReader."""

    def __init__(self, console: Console, reader: LineReader | None = None,
                 echo: bool | None = None, clock: Callable[[], float] = time.monotonic) -> None:
        self.console = console
        self.reader = reader or LineReader()
        self.interactive = reader is None and _stdin_is_tty()
        self.echo = (not _stdin_is_tty()) if echo is None else echo
        self.clock = clock

    @property
    def target(self) -> Target:
        """The console's notation, for a prompt string (every view reads it when drawn)."""
        return console_target(self.console)

    def show(self, *renderables: RenderableType) -> None:
        self.console.print(*renderables)

    def say(self, text: str, style: str = "") -> None:
        """One message (free text or markup: a hint is a line of working), wrapped at the
        console's width (never past it), in the console's notation."""
        self.console.print(maths(text, style))

    def ask(self, prompt: str, deadline: float | None = None,
            idle: Callable[[], None] | None = None) -> str | None:
        """Show `prompt`, return the line typed (None at end of input); TimeUp at the deadline.
        `idle` runs every fraction of a second while waiting."""
        self.console.print(Text(prompt, style="bold"), end="")
        self.console.file.flush()
        try:
            if idle is None:
                line = self.reader.read(deadline, self.clock)
            else:
                line = self.reader.read(deadline, self.clock, idle)
        except TimeUp:
            self.console.print()
            raise
        if self.echo or line is None:
            self.console.print(Text(line or ""), highlight=False)
        return line


def _lines(stream: IO[str] | None) -> Iterator[str]:
    if stream is None:  # stdin closed before the program started
        return iter(())
    fd = _real_fd(stream)
    return _fd_lines(fd) if fd is not None else _stream_lines(stream)


def _stream_lines(stream: IO[str]) -> Iterator[str]:
    """Lines of a Python stream (CliRunner's), each read in bounded pieces."""
    while True:
        line = stream.readline(MAX_LINE + 2)
        if not line:
            return
        if line.endswith("\n"):
            yield line
            continue
        yield line  # a long line: keep its head, skip the rest of it
        while line and not line.endswith("\n"):
            line = stream.readline(CHUNK)


def _real_fd(stream: IO[str]) -> int | None:
    """The descriptor behind the process's own stdin, read raw so that this daemon thread
    never holds the buffered stream's lock (which would block interpreter shutdown)."""
    if stream is not sys.__stdin__:
        return None
    try:
        return stream.fileno()
    except (AttributeError, OSError, ValueError):
        return None


def _fd_lines(fd: int) -> Iterator[str]:
    """Lines from a descriptor in linear time: a line's pieces are joined once, at its end,
    and only its first MAX_LINE characters are kept however long it runs."""
    decoder = codecs.getincrementaldecoder("utf-8")(errors="replace")
    head: list[str] = []
    kept = 0
    while True:
        chunk = os.read(fd, CHUNK)
        *ends, rest = decoder.decode(chunk, final=not chunk).split("\n")
        for end in ends:
            yield "".join(head) + end[: max(0, MAX_LINE - kept)]
            head, kept = [], 0
        if kept < MAX_LINE and rest:
            head.append(rest[: MAX_LINE - kept])
            kept += len(head[-1])
        if not chunk:
            if head:
                yield "".join(head)
            return


def _stdin_is_tty() -> bool:
    try:
        return sys.stdin.isatty()
    except (AttributeError, ValueError):
        return False


def clock_text(seconds: float) -> str:
    """A countdown as the exam shows it: 1:05:09, 41:07 or 0:09."""
    whole = max(0, math.ceil(seconds))
    hours, rest = divmod(whole, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"

