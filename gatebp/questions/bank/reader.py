"""Bank files to items: find the files, compose each through gatebp.core.reader, read its fields.

The YAML is composed by the one reader the specs use (bounded size and depth, no aliases; each
node keeps its line), so this module only walks the nodes: the `questions:` list of a file, and
for one item its fields, each with the line it is on. An `Item` is the state of one item while
it is checked (its fields, id, working and whether anything failed); the checks in the sibling
modules are functions of it, and every problem they find is recorded here with its line.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from pathlib import Path

import yaml

from gatebp.core.errors import InputError
from gatebp.core.reader import Limits, compose, key_of, kind_of, line_of, read_file
from gatebp.core.step import Step
from gatebp.core.text import clip, describe_char, escape_unsafe, quoted
from gatebp.gate.question import Question
from gatebp.questions.bank.report import BankReport, Problem

MAX_BANK_BYTES = 1_000_000
BANK_LIMITS = Limits(MAX_BANK_BYTES)
MAX_ROUNDING = 6
STR, INT, FLOAT, NULL, BOOL = (f"tag:yaml.org,2002:{t}"
                               for t in ("str", "int", "float", "null", "bool"))

Fields = dict[str, tuple[yaml.Node, int]]
Seen = dict[str, tuple[str, int]]


class Stop(Exception):
    """The rest of an item cannot be checked (its problem is already recorded)."""


def expand(paths: Sequence[Path], report: BankReport) -> list[Path]:
    """The files to read: each path, or a directory's *.yaml and *.yml files in name order."""
    files: list[Path] = []
    for path in map(Path, paths):
        if path.is_dir():
            found = sorted(p for p in path.iterdir()
                           if p.suffix in (".yaml", ".yml") and p.is_file())
            if not found:
                report.warnings.append(
                    Problem(str(path), None, "no .yaml or .yml files in this directory"))
            files.extend(found)
        elif path.exists():
            files.append(path)  # the reader refuses devices, pipes and sockets with a reason
        else:
            report.problems.append(Problem(str(path), None, "no such file or directory"))
    return files


class FileReader:
    """Reads one file: YAML, the `questions:` list, then each item through `check`."""

    def __init__(self, source: str, report: BankReport, seen: Seen,
                 check: Callable[[Item], Question | None]):
        self.source, self.report, self.seen, self.check = source, report, seen, check

    def problem(self, line: int | None, message: str) -> None:
        self.report.problems.append(Problem(self.source, line, message))

    def read(self, path: Path) -> None:
        """Every item of the file; its problems end up in line order."""
        start = len(self.report.problems)
        root = self.compose(path)
        for node in self.questions(root) if root is not None else []:
            self.report.items += 1
            question = self.read_item(node)
            if question is not None:
                self.report.questions.append(question)
        mine = self.report.problems[start:]
        self.report.problems[start:] = sorted(mine, key=lambda p: p.line or 0)

    def read_item(self, node: yaml.Node) -> Question | None:
        try:
            return self.check(Item(self, node))
        except Stop:
            return None
        except Exception as error:
            reason = clip(escape_unsafe(str(error), one_line=True), 200)
            self.problem(line_of(node),
                         f"cannot check this question ({type(error).__name__}: {reason})")
            return None

    def compose(self, path: Path) -> yaml.Node | None:
        """The file's YAML through the one reader; unsafe characters are listed, not fatal, so
        the rest of the file is still checked."""
        try:
            composed = compose(read_file(path, BANK_LIMITS), self.source, BANK_LIMITS,
                               collect_unsafe=True)
        except InputError as error:
            self.problem(error.line, error.reason)
            return None
        for line, char in composed.unsafe:
            self.problem(line, f"the text contains {describe_char(char)}; remove it (it would "
                               "reach the student's terminal or break an export)")
        root = composed.root
        if root is None:
            self.problem(1, "empty file: expected 'questions:' followed by a list of questions")
        return root

    def questions(self, root: yaml.Node) -> list[yaml.Node]:
        if not isinstance(root, yaml.MappingNode):
            self.problem(line_of(root), "a bank file is a mapping with one key, 'questions'")
            return []
        found: list[yaml.Node] = []
        for key, value in root.value:
            if key_of(key) != "questions":
                shown = quoted(key_of(key) or "") if key_of(key) is not None else "(a list or mapping)"
                self.problem(line_of(key), f"unknown key {shown} (a bank file has only 'questions')")
            elif not isinstance(value, yaml.SequenceNode) or not value.value:
                self.problem(line_of(value), "'questions' must be a non-empty list of questions")
            else:
                found = list(value.value)
        if not found and not any(key_of(k) == "questions" for k, _ in root.value):
            self.problem(line_of(root), "missing 'questions' (a list of questions)")
        return found


@dataclass
class Item:
    """One question item while it is checked: its fields, id, working and failure flag."""

    file: FileReader
    node: yaml.Node
    qid: str | None = None
    fields: Fields = field(default_factory=dict)
    steps: list[Step] = field(default_factory=list)
    failed: bool = False

    @property
    def line(self) -> int:
        return line_of(self.node) or 0

    @property
    def source(self) -> str:
        return self.file.source

    def problem(self, line: int | None, message: str) -> None:
        self.failed = True
        self.file.problem(line or self.line, self.label() + message)

    def warn(self, line: int | None, message: str) -> None:
        self.file.report.warnings.append(Problem(self.source, line or self.line, message))

    def label(self) -> str:
        return f"{self.qid}: " if self.qid else ""

    def mapping(self, node: yaml.MappingNode, allowed: Sequence[str], what: str) -> Fields:
        """A mapping's fields with their lines; unknown, repeated and non-name keys are problems."""
        out: Fields = {}
        for key_node, value_node in node.value:
            key, line = key_of(key_node), line_of(key_node) or self.line
            if key is None:
                self.problem(line, f"a key must be a name, not {describe(key_node)}")
            elif key in out:
                self.problem(line, f"{quoted(key)} appears twice in this {what} "
                                   f"(first on line {out[key][1]})")
            elif key not in allowed:
                self.problem(line, f"unknown key {quoted(key)} in a {what} "
                                   f"(expected: {', '.join(allowed)})")
            else:
                out[key] = (value_node, line)
        return out

    def scalar(self, key: str, tags: Sequence[str], what: str,
               fields: Fields | None = None) -> str | None:
        """The raw text of a scalar field of the right YAML type, or None (with a problem)."""
        item = (self.fields if fields is None else fields).get(key)
        if item is None:
            return None
        node, line = item
        if not isinstance(node, yaml.ScalarNode) or node.tag not in tags:
            self.problem(line, f"'{key}' must be {what}, not {describe(node)}")
            return None
        return str(node.value)

    def text_field(self, key: str, fields: Fields | None = None) -> str:
        """A text field with its spaces tidied (`text` runs on one line); empty is a problem."""
        text = self.scalar(key, (STR,), "text", fields)
        item = (self.fields if fields is None else fields).get(key)
        if text is not None and not text.strip():
            self.problem(item[1] if item else None, f"'{key}' is empty")
        return " ".join((text or "").split()) if key == "text" else (text or "").strip()

    def number(self, node: yaml.Node, line: int, what: str) -> tuple[Fraction, int] | None:
        """An exact number and how many decimals the author wrote (0.640 -> 3)."""
        from gatebp.network.spec import parse_number

        numeric = isinstance(node, yaml.ScalarNode) and node.tag in (INT, FLOAT, STR)
        if not numeric:
            self.problem(line, f"{what} must be a number (2, -0.5 or \"1/3\"), not {describe(node)}")
            return None
        raw = str(node.value)
        try:
            value = parse_number(raw)
        except ValueError as error:
            self.problem(line, f"{what} must be a number (2, -0.5 or \"1/3\"), but "
                               f"{quoted(raw)} is {error}")
            return None
        digits = raw.strip().partition(".")[2]
        return value, len(digits) if "/" not in raw else MAX_ROUNDING

    def phrase(self, fields: Fields, key: str) -> str:
        """A mistake phrase, which completes "you ..." (so it should not start with "you")."""
        text = self.text_field(key, fields)
        if text.lower().startswith("you "):
            self.warn(fields[key][1], "write the mistake without 'you': it completes \"you ...\"")
        return " ".join(text.split())


def describe(node: yaml.Node) -> str:
    """What a node is, for a message: core.reader's words, with a scalar's type and text."""
    if isinstance(node, (yaml.MappingNode, yaml.SequenceNode)):
        return kind_of(node)
    names = {STR: "text", INT: "a whole number", FLOAT: "a number", NULL: "nothing",
             BOOL: "true/false"}
    shown = f" ({quoted(str(node.value))})" if node.tag != NULL else ""
    return names.get(node.tag, "a value") + shown


def bare(text: str) -> str:
    """A short scalar echoed without quotes (marks 3, rounding 9), clipped and escaped."""
    return escape_unsafe(clip(text, 20), one_line=True)


def num(value: Fraction) -> str:
    """A number as the author would write it (0.75, 1/3)."""
    from gatebp.core.expr import format_number

    return format_number(value)
