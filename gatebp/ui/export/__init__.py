"""Export a question set to files: one registry, one options record, one writer.

Each format lives in its own module, imported only when asked for (Typst and genanki are heavy),
and offers `render(questions, options, *, paper, key) -> str | bytes`: `paper` is the questions
as a student sees them, `key` the answer key (with worked solutions when `options.solutions`).

Where the answers go (`ExportOptions.answers`):

- ``"none"``: the questions only (solutions need a key, so they are left out too);
- ``"end"``: one file, the key (and solutions) after the questions, on a new page where pages exist;
- ``"separate"``: with ``-o PATH`` the questions go to PATH and the key to ``STEM-key.SUFFIX``
  beside it; it needs a path, since two documents cannot share one stdout.

``json``, ``anki`` and ``moodle`` always carry the key inside the one file they write, whatever
`answers` says: the JSON contract's `answer` field is required, a card's back is its answer, and a
quiz grades from its answers. For them ``"separate"`` writes no key file (`KEY_INSIDE`).
"""

from __future__ import annotations

import importlib
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any, Literal, NamedTuple, cast

from gatebp.core.errors import GatebpError
from gatebp.gate.question import Question

AnswersMode = Literal["none", "end", "separate"]
MsqMode = Literal["all-or-nothing", "partial"]  # Moodle's MSQ: the plugin, or core multichoice


class ExportError(GatebpError):
    """A question set that cannot be written in the asked format: which question and why."""


class Format(NamedTuple):
    module: str
    suffix: str
    binary: bool


FORMATS: dict[str, Format] = {
    "json": Format("gatebp.ui.export.json_contract", ".json", False),
    "md": Format("gatebp.ui.export.markdown", ".md", False),
    "html": Format("gatebp.ui.export.html", ".html", False),
    "pdf": Format("gatebp.ui.export.pdf", ".pdf", True),
    "tex": Format("gatebp.ui.export.tex", ".tex", False),
    "anki": Format("gatebp.ui.export.anki", ".apkg", True),
    "moodle": Format("gatebp.ui.export.moodle", ".xml", False),
}

KEY_INSIDE = frozenset({"json", "anki", "moodle"})


@dataclass(frozen=True)
class ExportOptions:
    """How to write a set. `version` labels one of several shuffled papers ("B", "2 of 3");
    `minutes` is the time a printed paper allows (None: the GATE paper's pace); `moodle_msq`
    is how Moodle marks an MSQ (see gatebp.ui.export.moodle)."""

    answers: AnswersMode = "end"
    solutions: bool = True
    title: str = "GATE DA practice: backpropagation"
    seed: int | None = None
    version: str = ""
    minutes: int | None = None
    moodle_msq: MsqMode = "all-or-nothing"

    def __post_init__(self) -> None:
        if self.answers not in ("none", "end", "separate"):
            raise ExportError(f"answers must be none, end or separate, not {self.answers!r}")
        if self.minutes is not None and (isinstance(self.minutes, bool)
                                         or not isinstance(self.minutes, int) or self.minutes < 1):
            raise ExportError(f"minutes must be a whole number of at least 1, not {self.minutes!r}")
        if self.moodle_msq not in ("all-or-nothing", "partial"):
            raise ExportError(f"moodle_msq must be all-or-nothing or partial, not {self.moodle_msq!r}")


class Rendered(NamedTuple):
    """The bytes of an export: the main document, and the key document if it is separate."""

    main: bytes
    key: bytes | None


def render_export(questions: Sequence[Question], fmt: str, options: ExportOptions) -> Rendered:
    """Render a set in memory (no files): what `write_export` writes."""
    from gatebp.ui.export.common import check_questions, safe_questions, safe_value

    spec = _format(fmt)
    check_questions(questions)
    questions, options = safe_questions(questions), safe_value(options)
    module: Any = importlib.import_module(spec.module)
    separate = options.answers == "separate" and fmt not in KEY_INSIDE
    main = module.render(questions, options, paper=True, key=options.answers == "end")
    key = module.render(questions, options, paper=False, key=True) if separate else None
    return Rendered(_bytes(main), None if key is None else _bytes(key))


def write_export(questions: Sequence[Question], fmt: str, options: ExportOptions,
                 out_path: Path | str | None, stdout: IO[Any] | None = None) -> list[Path]:
    """Write the set to `out_path` (and its `-key` file) or to `stdout`; returns paths written."""
    spec = _format(fmt)
    if out_path is None and options.answers == "separate" and fmt not in KEY_INSIDE:
        raise ExportError("--answers separate needs -o PATH (the key goes beside it)")
    rendered = render_export(questions, fmt, options)
    if out_path is None:
        _to_stream(rendered.main, spec, stdout)
        return []
    path = Path(out_path)
    written = [_write(path, rendered.main)]
    if rendered.key is not None:
        written.append(_write(key_path(path, spec.suffix), rendered.key))
    return written


def key_path(path: Path, default_suffix: str = "") -> Path:
    """Where a separate key goes: `paper.pdf` -> `paper-key.pdf`, beside the paper."""
    return path.with_name(f"{path.stem}-key{path.suffix or default_suffix}")


def _format(fmt: str) -> Format:
    if fmt not in FORMATS:
        raise ExportError(f"unknown export format {fmt!r}; choose from {', '.join(FORMATS)}")
    return FORMATS[fmt]


def _bytes(data: str | bytes) -> bytes:
    return data.encode("utf-8") if isinstance(data, str) else data


def _to_stream(data: bytes, spec: Format, stdout: IO[Any] | None) -> None:
    import io
    import sys

    stream = stdout if stdout is not None else sys.stdout
    if spec.binary and _is_terminal(stream):
        raise ExportError(f"refusing to write binary {spec.suffix} data to a terminal; use -o PATH")
    target = getattr(stream, "buffer", None)
    if target is not None:
        stream.flush()
        target.write(data)
        target.flush()
    elif isinstance(stream, io.TextIOBase):
        if spec.binary:
            raise ExportError(f"{spec.suffix} data is binary and needs -o PATH here")
        stream.write(data.decode("utf-8"))
    else:
        cast("IO[bytes]", stream).write(data)  # a binary stream (BytesIO, a raw file)


def _is_terminal(stream: IO[Any]) -> bool:
    try:
        return bool(stream.isatty())
    except (AttributeError, ValueError):
        return False


def _write(path: Path, data: bytes) -> Path:
    """Write `data` to `path`. The open does not block, so a FIFO that nothing reads is an
    error at once instead of a hang; the writing itself blocks as usual."""
    import errno
    import os

    flags = os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0)
    try:
        fd = os.open(path, flags, 0o666)
        with os.fdopen(fd, "wb") as handle:
            os.set_blocking(fd, True)
            handle.write(data)
    except OSError as error:
        reason = ("it is a pipe that nothing is reading" if error.errno == errno.ENXIO
                  else error.strerror or str(error))
        raise ExportError(f"cannot write {_shown_path(path)}: {reason}") from None
    return path


def _shown_path(path: Path) -> str:
    from gatebp.core.text import escape_unsafe

    return escape_unsafe(str(path), one_line=True)
