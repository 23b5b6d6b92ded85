"""question_bank files: authored questions in YAML, checked against the solver, as Question records.

A bank file is `questions:` followed by a list of items. Each item reads top to bottom: the
data (a network spec: `values`/`nodes`/`find` or `input`/`layers`/`find`), the question
(`text`, `options`), the solution (`answer`, `rounding`, `mistakes`, `solution`) and the meta
(`topic`, `type`, `marks`, `source`); `id` heads the item. The schema is documented in
question_bank/README.md.

Files are read by gatebp.core.reader, as specs are (bounded size and depth, no aliases), so every
problem points at a file and line and numbers stay exact. Control characters, bidirectional
overrides and lone surrogates in any text are problems too: they would reach a student's terminal
or break an export. The network part of an item is handed to gatebp.network.spec's own reader (with the
item's nodes, so spec errors keep their lines), and the author's key is compared with the solver:
a NAT answer must lie in the solver's key range, and an option claiming a value is true exactly
when it is in the key. Every problem in every file is collected; nothing raises past `check_bank`.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from pathlib import Path
from typing import TYPE_CHECKING, Any

import yaml

from gatebp.core.errors import BankFileError, GatebpError, InputError, SpecError
from gatebp.core.reader import Limits, compose, key_of, line_of, read_file
from gatebp.core.step import Step, as_steps
from gatebp.core.text import clip, describe_char, escape_unsafe, quoted
from gatebp.gate.question import (
    LABELS,
    NatMistake,
    Option,
    Question,
    in_key_range,
    nat_question_text,
)
from gatebp.network.graph import Find, Graph

if TYPE_CHECKING:  # SymPy loads only when an item is solved, so a refused file is refused fast
    import sympy as sp

ITEM_KEYS = ("id", "values", "nodes", "find", "input", "layers", "text", "options", "answer",
             "rounding", "mistakes", "solution", "topic", "type", "marks", "source")
REQUIRED = ("id", "text", "answer", "topic", "type", "marks")
SPEC_KEYS = ("values", "nodes", "find", "input", "layers")
OPTION_KEYS = ("text", "value", "find", "mistake")
MISTAKE_KEYS = ("value", "mistake")
TYPES = ("NAT", "MCQ", "MSQ")
TOPIC_PATTERN = re.compile(r"[a-z][a-z0-9]*(-[a-z0-9]+)*\Z")
ID_PATTERN = re.compile(r"[a-z0-9][a-z0-9-]*\Z")
MAX_BANK_BYTES = 1_000_000
BANK_LIMITS = Limits(MAX_BANK_BYTES)
ROUNDING_PATTERN = re.compile(r"[0-9]{1,2}\Z")
MAX_ROUNDING = 6
STR, INT, FLOAT, NULL, BOOL = (f"tag:yaml.org,2002:{t}"
                               for t in ("str", "int", "float", "null", "bool"))


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
        head = f"{_count(self.items, 'question')} in {_count(len(self.files), 'file')}"
        if self.ok:
            tail = "all valid" if self.items else "nothing to check"
        else:
            tail = f"{_count(len(self.problems), 'problem')} ({len(self.questions)} valid)"
        if self.warnings:
            tail += f", {_count(len(self.warnings), 'warning')}"
        return f"{head}: {tail}"


def load_bank(paths: Sequence[Path]) -> list[Question]:
    """The bank's questions; any problem raises BankFileError listing them, one per line."""
    report = check_bank(paths)
    if report.problems:
        raise BankFileError("\n".join(str(p) for p in report.problems))
    return report.questions


def check_bank(paths: Sequence[Path]) -> BankReport:
    """Read and check every bank file under `paths` (a directory means its *.yaml/*.yml files)."""
    report = BankReport()
    seen: dict[str, tuple[str, int]] = {}
    for path in _expand(paths, report):
        report.files.append(str(path))
        _FileReader(str(path), report, seen).read(path)
    return report


def _expand(paths: Sequence[Path], report: BankReport) -> list[Path]:
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


def _count(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


_line = line_of


Fields = dict[str, tuple[yaml.Node, int]]


class _Stop(Exception):
    """The rest of an item cannot be checked (its problem is already recorded)."""


class _FileReader:
    """Reads one file: YAML, the `questions:` list, then each item."""

    def __init__(self, source: str, report: BankReport, seen: dict[str, tuple[str, int]]):
        self.source, self.report, self.seen = source, report, seen

    def problem(self, line: int | None, message: str) -> None:
        self.report.problems.append(Problem(self.source, line, message))

    def read(self, path: Path) -> None:
        start = len(self.report.problems)
        self.read_items(path)
        mine = self.report.problems[start:]
        self.report.problems[start:] = sorted(mine, key=lambda p: p.line or 0)

    def read_items(self, path: Path) -> None:
        root = self.compose(path)
        if root is None:
            return
        items = self.questions(root)
        for node in items:
            self.report.items += 1
            try:
                question = _ItemReader(self, node).read()
            except _Stop:
                continue
            except Exception as error:
                reason = clip(escape_unsafe(str(error), one_line=True), 200)
                self.problem(_line(node), f"cannot check this question ({type(error).__name__}: {reason})")
                continue
            if question is not None:
                self.report.questions.append(question)

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
            self.problem(_line(root), "a bank file is a mapping with one key, 'questions'")
            return []
        found: list[yaml.Node] = []
        for key, value in root.value:
            if key_of(key) != "questions":
                shown = quoted(key_of(key) or "") if key_of(key) is not None else "(a list or mapping)"
                self.problem(_line(key), f"unknown key {shown} (a bank file has only 'questions')")
            elif not isinstance(value, yaml.SequenceNode) or not value.value:
                self.problem(_line(value), "'questions' must be a non-empty list of questions")
            else:
                found = list(value.value)
        if not found and not any(key_of(k) == "questions" for k, _ in root.value):
            self.problem(_line(root), "missing 'questions' (a list of questions)")
        return found


@dataclass
class _Claim:
    """An option's claim that a quantity equals a number, as the author wrote it."""

    label: str
    value: Fraction
    places: int
    line: int
    find: Find | None = None


class _ItemReader:
    """Checks one question item and builds its Question; problems go to the file's report."""

    def __init__(self, file: _FileReader, node: yaml.Node):
        self.file, self.node, self.line = file, node, _line(node) or 0
        self.failed = False

    def problem(self, line: int | None, message: str) -> None:
        self.failed = True
        self.file.problem(line or self.line, self.label() + message)

    def warn(self, line: int | None, message: str) -> None:
        self.file.report.warnings.append(Problem(self.file.source, line or self.line, message))

    def label(self) -> str:
        return f"{self.qid}: " if getattr(self, "qid", None) else ""

    def read(self) -> Question | None:
        if not isinstance(self.node, yaml.MappingNode):
            self.problem(self.line,
                         "each question is a mapping (id, text, answer, topic, type, marks, ...)")
            raise _Stop
        self.qid = _peek_id(self.node)
        self.fields = self.mapping(self.node, ITEM_KEYS, "question")
        self.qid = self.read_id()
        for key in REQUIRED:
            if key not in self.fields:
                self.problem(self.line, f"missing '{key}'")
        qtype, marks, topic = self.read_type(), self.read_marks(), self.read_topic()
        text = self.text_field("text")
        if qtype is None or "answer" not in self.fields:
            raise _Stop
        graph = self.read_spec()
        if qtype == "NAT":
            return self.nat(text, topic, marks, graph)
        return self.choice(qtype, text, topic, marks, graph)

    # -- plain fields -----------------------------------------------------------------------

    def mapping(self, node: yaml.MappingNode, allowed: Sequence[str], what: str) -> Fields:
        out: Fields = {}
        for key_node, value_node in node.value:
            key, line = key_of(key_node), _line(key_node) or self.line
            if key is None:
                self.problem(line, f"a key must be a name, not {_kind(key_node)}")
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
            self.problem(line, f"'{key}' must be {what}, not {_kind(node)}")
            return None
        return str(node.value)

    def text_field(self, key: str, fields: Fields | None = None) -> str:
        text = self.scalar(key, (STR,), "text", fields)
        item = (self.fields if fields is None else fields).get(key)
        if text is not None and not text.strip():
            self.problem(item[1] if item else None, f"'{key}' is empty")
        return " ".join((text or "").split()) if key == "text" else (text or "").strip()

    def read_id(self) -> str | None:
        qid = self.scalar("id", (STR,), "text like relu-seed-1")
        if qid is None:
            return None
        line = self.fields["id"][1]
        if not ID_PATTERN.match(qid):
            self.problem(line, f"id {quoted(qid)} must use lowercase letters, digits and hyphens")
            return None
        seen = self.file.seen
        if qid in seen:
            first_file, first_line = seen[qid]
            self.problem(line, f"duplicate id (first used at {first_file}:{first_line})")
        else:
            seen[qid] = (self.file.source, line)
        return qid

    def read_type(self) -> str | None:
        qtype = self.scalar("type", (STR,), "NAT, MCQ or MSQ")
        if qtype is not None and qtype not in TYPES:
            self.problem(self.fields["type"][1], f"type {quoted(qtype)} is not NAT, MCQ or MSQ")
            return None
        return qtype

    def read_marks(self) -> int:
        marks = self.scalar("marks", (INT,), "1 or 2")
        if marks is not None and marks not in ("1", "2"):
            self.problem(self.fields["marks"][1],
                         f"marks {_bare(marks)} is not 1 or 2 (GATE questions carry 1 or 2)")
        return int(marks) if marks in ("1", "2") else 1

    def read_topic(self) -> str:
        topic = self.scalar("topic", (STR,), "a topic name such as relu-gate")
        if topic is None:
            return ""
        line = self.fields["topic"][1]
        if not TOPIC_PATTERN.match(topic):
            self.problem(line, f"topic {quoted(topic)} must be lowercase words joined by hyphens")
        elif topic not in _registered_topics():
            self.warn(line, f"topic {quoted(topic)} is not a known topic (see `gatebp topics`)")
        return topic

    def number(self, node: yaml.Node, line: int, what: str) -> tuple[Fraction, int] | None:
        """An exact number and how many decimals the author wrote (0.640 -> 3)."""
        raw = node.value if isinstance(node, yaml.ScalarNode) and node.tag in (INT, FLOAT,
                                       STR) else None
        from gatebp.network.spec import parse_number

        if raw is None:
            self.problem(line, f"{what} must be a number (2, -0.5 or \"1/3\"), not {_kind(node)}")
            return None
        try:
            value = parse_number(str(raw))
        except ValueError as error:
            self.problem(line, f"{what} must be a number (2, -0.5 or \"1/3\"), but "
                               f"{quoted(str(raw))} is {error}")
            return None
        digits = str(raw).strip().partition(".")[2]
        return value, len(digits) if "/" not in str(raw) else MAX_ROUNDING

    def read_rounding(self) -> int:
        raw = self.scalar("rounding", (INT,), "a whole number of decimal places")
        if raw is None:
            return 2
        if not ROUNDING_PATTERN.match(raw) or int(raw) > MAX_ROUNDING:
            self.problem(self.fields["rounding"][1],
                         f"rounding {_bare(raw)} must be 0 to {MAX_ROUNDING} decimal places")
            return 2
        return int(raw)

    def read_solution(self) -> list[str]:
        if "solution" not in self.fields:
            return []
        node, line = self.fields["solution"]
        if isinstance(node, yaml.ScalarNode) and node.tag == STR:
            return [s.strip() for s in str(node.value).splitlines() if s.strip()]
        if isinstance(node, yaml.SequenceNode) and all(
                isinstance(n, yaml.ScalarNode) and n.tag == STR for n in node.value):
            return [" ".join(str(n.value).split()) for n in node.value]
        self.problem(line, "'solution' must be a list of lines of working (text)")
        return []

    def read_source(self) -> str | None:
        return self.scalar("source", (STR,), "text such as \"seed 004\"")

    def only_for(self, keys: Sequence[str], qtype: str, allowed: str) -> None:
        for key in keys:
            if key in self.fields:
                self.problem(self.fields[key][1],
                             f"'{key}' is only for {allowed} questions, not {qtype}")

    # -- the network --------------------------------------------------------------------------

    def read_spec(self) -> Graph | None:
        """The item's network through gatebp.network.spec's reader, so its errors keep their lines."""
        from gatebp.network.spec import graph_from_node

        pairs = [(k, v) for k, v in self.node.value if key_of(k) in SPEC_KEYS]
        if not pairs:
            return None
        spec = yaml.MappingNode("tag:yaml.org,2002:map", pairs, self.node.start_mark,
                                self.node.end_mark)
        try:
            return graph_from_node(spec, self.file.source)
        except SpecError as error:
            self.spec_problem(error)
            raise _Stop from None

    def spec_problem(self, error: SpecError) -> None:
        where = f"{error.key}: " if error.key else ""
        self.problem(error.line or self.line, f"{where}{error.reason}")

    def read_find(self, node: yaml.Node, line: int, graph: Graph) -> Find | None:
        from gatebp.network.spec import find_from_node

        try:
            return find_from_node(node, line, graph, self.file.source)
        except SpecError as error:
            self.spec_problem(error)
            return None

    def solve(self, graph: Graph, find: Find, line: int,
              keep_steps: bool = False) -> sp.Expr | None:
        """The exact answer for `find`; with keep_steps the working becomes the question's."""
        from gatebp.network.solve import solve

        try:
            solution = solve(graph, find)
        except GatebpError as error:
            if isinstance(error, SpecError):
                self.spec_problem(error)
            else:
                self.problem(line, str(error))
            return None
        except AssertionError as error:  # SolverMismatch: a solver bug, reported, never raised
            self.problem(line, f"the solver's cross-check failed: {error}")
            return None
        if keep_steps:
            self.steps = list(solution.steps)
        return solution.exact

    # -- NAT ----------------------------------------------------------------------------------

    def nat(self, text: str, topic: str, marks: int, graph: Graph | None) -> Question | None:
        from gatebp.questions.families.common import nat_answer

        self.only_for(("options",), "NAT", "MCQ and MSQ")
        places, lines, source = self.read_rounding(), self.read_solution(), self.read_source()
        node, line = self.fields["answer"]
        typed = self.number(node, line, "a NAT answer")
        self.steps: list[Step] = []
        exact = self.nat_exact(graph, typed, places, line)
        mistakes = self.read_mistakes(exact, places)
        if self.failed or exact is None:
            return None
        if re.search(r"rounded off|decimal place", text):
            self.warn(self.fields["text"][1],
                      "leave out the rounding sentence: it is added from 'rounding'")
        return Question(id=self.qid or "", topic=topic, type="NAT", marks=marks,
                        text=nat_question_text(text, places), answer=nat_answer(exact, places),
                        solution=tuple(self.steps + lines), graph=_graph_dict(graph),
                        find=_find_dict(graph), rounding=places, mistakes=tuple(mistakes),
                        source="bank", extra=self.extra(source))

    def nat_exact(self, graph: Graph | None, typed: tuple[Fraction, int] | None, places: int,
                  line: int) -> sp.Expr | None:
        """The solver's exact answer (checked against the author's), or the author's number."""
        from gatebp.network.steps import equals
        from gatebp.questions.families.common import nat_answer

        if graph is None:
            import sympy as sp

            return None if typed is None else sp.Rational(typed[0].numerator, typed[0].denominator)
        if graph.find is None:
            self.problem(self.line,
                         "a NAT question with a network needs 'find' (the quantity asked for)")
            return None
        exact = self.solve(graph, graph.find, self.line, keep_steps=True)
        if exact is None or typed is None:
            return None
        lo, hi = nat_answer(exact, places)["range"]  # type: ignore[misc]
        if not in_key_range(float(typed[0]), (lo, hi)):
            truth = f"{graph.find.describe()} {equals(exact, places + 2)}"
            self.problem(line, f"answer {_num(typed[0])} disagrees with the solver: {truth} "
                               f"(key {lo:.{places}f} to {hi:.{places}f})")
        return exact

    def read_mistakes(self, exact: sp.Expr | None, places: int) -> list[NatMistake]:
        from gatebp.questions.families.common import nat_answer

        if "mistakes" not in self.fields:
            return []
        node, line = self.fields["mistakes"]
        if not isinstance(node, yaml.SequenceNode):
            self.problem(line, "'mistakes' must be a list of {value, mistake}")
            return []
        key = nat_answer(exact, places)["range"] if exact is not None else None
        out = []
        for entry in node.value:
            found = self.read_mistake(entry, key)
            if found is not None:
                out.append(found)
        return out

    def read_mistake(self, entry: yaml.Node, key: Any) -> NatMistake | None:
        line = _line(entry) or self.line
        if not isinstance(entry, yaml.MappingNode):
            self.problem(line, "each entry of 'mistakes' is {value, mistake}")
            return None
        fields = self.mapping(entry, MISTAKE_KEYS, "mistake")
        for needed in MISTAKE_KEYS:
            if needed not in fields:
                self.problem(line, f"a mistake entry needs '{needed}'")
        if "value" not in fields or "mistake" not in fields:
            return None
        number = self.number(fields["value"][0], fields["value"][1], "a mistake's value")
        phrase = self.phrase(fields, "mistake")
        if number is None or not phrase:
            return None
        if key is not None and in_key_range(float(number[0]), key):
            self.problem(fields["value"][1],
                         f"mistake value {_num(number[0])} is inside the key range")
        return NatMistake(float(number[0]), phrase)

    def phrase(self, fields: Fields, key: str) -> str:
        text = self.text_field(key, fields)
        if text.lower().startswith("you "):
            self.warn(fields[key][1], "write the mistake without 'you': it completes \"you ...\"")
        return " ".join(text.split())

    # -- MCQ and MSQ --------------------------------------------------------------------------

    def choice(self, qtype: str, text: str, topic: str, marks: int,
               graph: Graph | None) -> Question | None:
        self.only_for(("rounding", "mistakes"), qtype, "NAT")
        lines, source = self.read_solution(), self.read_source()
        correct = self.read_key(qtype)
        options, claims = self.read_options(graph)
        self.steps = []
        if graph is not None and graph.find is not None:
            self.solve(graph, graph.find, self.line, keep_steps=True)
        if self.failed or correct is None or len(options) != 4:
            return None
        self.check_options(options, correct, claims, graph)
        if self.failed:
            return None
        key = ";".join(LABELS[i] for i in correct)
        body = text if qtype == "MCQ" else f"{text} (one or more options may be correct)"
        steps = as_steps(self.steps + lines) + (Step("key", f"Key: {key}"),)
        return Question(id=self.qid or "", topic=topic, type=qtype,  # type: ignore[arg-type]
                        marks=marks, text=body, answer={"correct": correct}, solution=steps,
                        options=tuple(options), graph=_graph_dict(graph), find=_find_dict(graph),
                        source="bank", extra=self.extra(source))

    def read_key(self, qtype: str) -> list[int] | None:
        node, line = self.fields["answer"]
        if not isinstance(node, yaml.ScalarNode) or node.tag != STR:
            self.problem(line, f"an {qtype} answer is option letters such as \"B\" or \"A;C\", "
                               f"not {_kind(node)}")
            return None
        letters = [part.strip() for part in str(node.value).split(";")]
        if any(letter not in LABELS or not letter for letter in letters):
            self.problem(line, f"answer {quoted(str(node.value))} must be letters A to D separated by ';' "
                               "(e.g. \"A;C\")")
            return None
        if len(set(letters)) != len(letters):
            self.problem(line, f"answer {quoted(str(node.value))} repeats a letter")
            return None
        if qtype == "MCQ" and len(letters) != 1:
            self.problem(line,
                         f"an MCQ has exactly one correct option, but the answer is "
                         f"{quoted(str(node.value))}")
            return None
        return sorted(LABELS.index(letter) for letter in letters)

    def read_options(self, graph: Graph | None) -> tuple[list[Option], list[_Claim]]:
        if "options" not in self.fields:
            self.problem(self.line, "missing 'options' (four choices for an MCQ or MSQ)")
            return [], []
        node, line = self.fields["options"]
        if not isinstance(node, yaml.SequenceNode):
            self.problem(line, "'options' must be a list of four choices")
            return [], []
        if len(node.value) != 4:
            self.problem(line, f"'options' has {len(node.value)} choices; "
                               "GATE MCQ/MSQ have exactly 4 (A to D)")
            return [], []
        options, claims = [], []
        for label, entry in zip(LABELS, node.value):
            option, claim = self.read_option(label, entry, graph)
            options.append(option)
            if claim is not None:
                claims.append(claim)
        return options, claims

    def read_option(self, label: str, entry: yaml.Node, graph: Graph | None) -> tuple[Option,
                    _Claim | None]:
        line = _line(entry) or self.line
        if isinstance(entry, yaml.ScalarNode) and entry.tag not in (NULL, BOOL):
            return Option(label, " ".join(str(entry.value).split())), None
        if not isinstance(entry, yaml.MappingNode):
            self.problem(line,
                         f"option {label} must be text or a mapping {{text, value, find, mistake}}")
            return Option(label, ""), None
        fields = self.mapping(entry, OPTION_KEYS, "option")
        text = self.scalar("text", (STR, INT, FLOAT), "text", fields) if "text" in fields else None
        if text is None and "text" not in fields:
            self.problem(line, f"option {label} needs 'text'")
        mistake = self.phrase(fields, "mistake") if "mistake" in fields else None
        claim = self.read_claim(label, fields, graph)
        value = float(claim.value) if claim is not None else None
        find = claim.find.to_dict() if claim is not None and claim.find is not None else None
        return Option(label, " ".join((text or "").split()), value, mistake, find), claim

    def read_claim(self, label: str, fields: Fields, graph: Graph | None) -> _Claim | None:
        find = None
        if "find" in fields:
            node, line = fields["find"]
            if graph is None:
                self.problem(line, f"option {label} has 'find' but the question has no network")
                return None
            find = self.read_find(node, line, graph)
            if find is None:
                return None
            if "value" not in fields:
                self.problem(line, f"option {label} has 'find' but no 'value' to claim for it")
        if "value" not in fields:
            return None
        number = self.number(fields["value"][0], fields["value"][1], f"option {label}'s value")
        if number is None:
            return None
        return _Claim(label, number[0], number[1], fields["value"][1], find)

    def check_options(self, options: list[Option], correct: list[int], claims: list[_Claim],
                      graph: Graph | None) -> None:
        """A claimed value is right exactly when its option is in the key: a key option must round
        to its claim as written; a distractor must be wrong at the finest precision any option
        shows."""
        for index, option in enumerate(options):
            if index in correct and option.mistake:
                self.warn(self.line, f"option {option.label} is in the key but names a mistake")
            if index not in correct and not option.mistake:
                self.warn(self.line, f"option {option.label} is a distractor without a 'mistake'")
        checked = 0
        finest = max((c.places for c in claims), default=0)
        for claim in claims:
            if LABELS.index(claim.label) not in correct:
                claim.places = finest  # a distractor must be wrong at the options' finest precision
            find = claim.find or (graph.find if graph is not None else None)
            if graph is None or find is None:
                self.problem(claim.line,
                             f"option {claim.label} claims a value but nothing says what it is "
                                         "(add 'find' to the question or the option)")
                continue
            exact = self.solve(graph, find, claim.line)
            if exact is not None:
                self.check_claim(claim, LABELS.index(claim.label) in correct, find, exact)
                checked += 1
        if graph is not None and graph.find is not None and not checked:
            self.warn(self.line,
                      "the question has 'find' but no option claims a 'value', so the key is "
                      "not checked")

    def check_claim(self, claim: _Claim, in_key: bool, find: Find, exact: sp.Expr) -> None:
        import sympy as sp

        from gatebp.network.steps import equals

        unit = 10.0 ** -claim.places
        distance = abs(float(claim.value) - float(sp.N(exact, 30)))
        truth = f"{find.describe()} {equals(exact, claim.places + 2)}"
        if in_key and distance > unit / 2 + 1e-12:
            self.problem(claim.line,
                         f"option {claim.label} is in the key but claims {_num(claim.value)}, "
                                     f"and {truth}")
        elif not in_key and distance <= unit / 2 + 1e-12:
            self.problem(claim.line,
                         f"option {claim.label} claims {_num(claim.value)}, which is right "
                                     f"({truth}), but it is not in the key")
        elif not in_key and distance < 1.5 * unit and not _terminates(exact, claim.places):
            self.problem(claim.line,
                         f"option {claim.label} ({_num(claim.value)}) is too close to the true "
                                     f"value to be a clear distractor ({truth})")

    def extra(self, source: str | None) -> dict[str, Any]:
        bank: dict[str, Any] = {"file": self.file.source, "line": self.line}
        if source:
            bank["source"] = source
        return {"bank": bank}


def _terminates(exact: sp.Expr, places: int) -> bool:
    """True when `exact` is written exactly with `places` decimals (any other value is wrong)."""
    return bool(exact.is_Rational and (exact * 10**places).is_Integer)


def _peek_id(node: yaml.MappingNode) -> str | None:
    """The item's id as written (for message prefixes), before any checking."""
    for key, value in node.value:
        if key_of(key) == "id" and isinstance(value,
                                            yaml.ScalarNode) and ID_PATTERN.match(str(value.value)):
            return str(value.value)
    return None


def _kind(node: yaml.Node) -> str:
    if isinstance(node, yaml.MappingNode):
        return "a mapping"
    if isinstance(node, yaml.SequenceNode):
        return "a list"
    names = {STR: "text", INT: "a whole number", FLOAT: "a number", NULL: "nothing",
             BOOL: "true/false"}
    return names.get(node.tag, "a value") + (f" ({quoted(str(node.value))})" if node.tag != NULL else "")


def _bare(text: str) -> str:
    """A short scalar echoed without quotes (marks 3, rounding 9), clipped and escaped."""
    return escape_unsafe(clip(text, 20), one_line=True)


def _num(value: Fraction) -> str:
    from gatebp.core.expr import format_number

    return format_number(value)


def _graph_dict(graph: Graph | None) -> dict[str, dict[str, str]] | None:
    return None if graph is None else graph.to_dict()


def _find_dict(graph: Graph | None) -> dict[str, object] | None:
    return None if graph is None or graph.find is None else graph.find.to_dict()


def _registered_topics() -> set[str]:
    """Topic names of the generator's families: the one list of topics."""
    from gatebp.questions.families import load_families

    return set(load_families())
