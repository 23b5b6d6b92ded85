"""question_bank files: authored questions in YAML, checked against the solver, as Question records.

A bank file is `questions:` followed by a list of items. Each item reads top to bottom: the
data (a network spec: `values`/`nodes`/`find` or `input`/`layers`/`find`), the question
(`text`, `options`), the solution (`answer`, `rounding`, `mistakes`, `solution`) and the meta
(`topic`, `type`, `marks`, `source`); `id` heads the item. The schema is documented in
question_bank/README.md.

The package follows the data: `reader` turns files into items (through gatebp.core.reader, as
specs are read: bounded size and depth, no aliases, every node with its line, so every problem
points at a file and line and numbers stay exact); `schema` checks the plain fields; `options`
reads an MCQ's or MSQ's key and options; `keys` hands the network to the solver and compares
the author's key with it; `build` runs the checks for one item and builds its Question; `report`
holds what was found. Control characters, bidirectional overrides and lone surrogates in any
text are problems too: they would reach a student's terminal or break an export. Every problem
in every file is collected; nothing raises past `check_bank`.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from gatebp.core.errors import BankFileError
from gatebp.gate.question import Question
from gatebp.questions.bank.build import read_item
from gatebp.questions.bank.reader import FileReader, Seen, expand
from gatebp.questions.bank.report import BankReport, Problem

__all__ = ["BankReport", "Problem", "check_bank", "load_bank"]


def load_bank(paths: Sequence[Path]) -> list[Question]:
    """The bank's questions; any problem raises BankFileError listing them, one per line."""
    report = check_bank(paths)
    if report.problems:
        raise BankFileError("\n".join(str(p) for p in report.problems))
    return report.questions


def check_bank(paths: Sequence[Path]) -> BankReport:
    """Read and check every bank file under `paths` (a directory means its *.yaml/*.yml files)."""
    report = BankReport()
    seen: Seen = {}
    for path in expand(paths, report):
        report.files.append(str(path))
        FileReader(str(path), report, seen, read_item).read(path)
    return report
