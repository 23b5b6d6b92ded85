"""What a bank check finds: each problem as `file:line: message`, and the report that holds them.

Kept apart from the reader and the checks so the CLI and the set builder can read a report
without importing anything that parses or solves.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from gatebp.gate.question import Question


@dataclass(frozen=True)
class Problem:
    """One finding, printed as `file:line: message` (`file: message` when no line applies)."""

    file: str
    line: int | None
    message: str

    def __str__(self) -> str:
        return self.tagged("")

    def tagged(self, tag: str) -> str:
        """`file:line: tag: message` (a warning is printed with tag "warning")."""
        where = self.file if self.line is None else f"{self.file}:{self.line}"
        return f"{where}: {tag + ': ' if tag else ''}{self.message}"


@dataclass
class BankReport:
    """What `check_bank` found: the valid questions, the problems and the warnings."""

    questions: list[Question] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)
    files: list[str] = field(default_factory=list)
    items: int = 0  # question entries read, valid or not

    @property
    def ok(self) -> bool:
        return not self.problems

    def summary(self) -> str:
        """"37 questions in 6 files: all valid" or "... 3 problems (35 valid)"."""
        head = f"{count(self.items, 'question')} in {count(len(self.files), 'file')}"
        if self.ok:
            tail = "all valid" if self.items else "nothing to check"
        else:
            tail = f"{count(len(self.problems), 'problem')} ({len(self.questions)} valid)"
        if self.warnings:
            tail += f", {count(len(self.warnings), 'warning')}"
        return f"{head}: {tail}"


def count(n: int, word: str) -> str:
    """"1 question", "3 questions"."""
    return f"{n} {word}" if n == 1 else f"{n} {word}s"
