"""The schema of a bank item: which keys it has, and each plain field's type and range.

These checks read one field each and need nothing but the item (no network, no solver), so a
malformed item is refused with every field's problem before anything is solved. The schema is
documented for authors in question_bank/README.md.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import yaml

from gatebp.core.reader import key_of
from gatebp.core.text import quoted
from gatebp.questions.bank.reader import INT, MAX_ROUNDING, STR, Item, bare

ITEM_KEYS = ("id", "values", "nodes", "find", "input", "layers", "text", "options", "answer",
             "rounding", "mistakes", "solution", "topic", "type", "marks", "source")
REQUIRED = ("id", "text", "answer", "topic", "type", "marks")
TYPES = ("NAT", "MCQ", "MSQ")
TOPIC_PATTERN = re.compile(r"[a-z][a-z0-9]*(-[a-z0-9]+)*\Z")
ID_PATTERN = re.compile(r"[a-z0-9][a-z0-9-]*\Z")
ROUNDING_PATTERN = re.compile(r"[0-9]{1,2}\Z")


def read_fields(item: Item) -> None:
    """The item's fields and id; a missing required key is a problem."""
    assert isinstance(item.node, yaml.MappingNode)
    item.qid = peek_id(item.node)
    item.fields = item.mapping(item.node, ITEM_KEYS, "question")
    item.qid = read_id(item)
    for key in REQUIRED:
        if key not in item.fields:
            item.problem(item.line, f"missing '{key}'")


def peek_id(node: yaml.MappingNode) -> str | None:
    """The item's id as written (for message prefixes), before any checking."""
    for key, value in node.value:
        if (key_of(key) == "id" and isinstance(value, yaml.ScalarNode)
                and ID_PATTERN.match(str(value.value))):
            return str(value.value)
    return None


def read_id(item: Item) -> str | None:
    """The id, unique across every file of the check."""
    qid = item.scalar("id", (STR,), "text like relu-seed-1")
    if qid is None:
        return None
    line = item.fields["id"][1]
    if not ID_PATTERN.match(qid):
        item.problem(line, f"id {quoted(qid)} must use lowercase letters, digits and hyphens")
        return None
    seen = item.file.seen
    if qid in seen:
        first_file, first_line = seen[qid]
        item.problem(line, f"duplicate id (first used at {first_file}:{first_line})")
    else:
        seen[qid] = (item.source, line)
    return qid


def read_type(item: Item) -> str | None:
    qtype = item.scalar("type", (STR,), "NAT, MCQ or MSQ")
    if qtype is not None and qtype not in TYPES:
        item.problem(item.fields["type"][1], f"type {quoted(qtype)} is not NAT, MCQ or MSQ")
        return None
    return qtype


def read_marks(item: Item) -> int:
    marks = item.scalar("marks", (INT,), "1 or 2")
    if marks is not None and marks not in ("1", "2"):
        item.problem(item.fields["marks"][1],
                     f"marks {bare(marks)} is not 1 or 2 (GATE questions carry 1 or 2)")
    return int(marks) if marks in ("1", "2") else 1


def read_topic(item: Item) -> str:
    """The topic; one the generator does not know is a warning (a new topic may be meant)."""
    topic = item.scalar("topic", (STR,), "a topic name such as relu-gate")
    if topic is None:
        return ""
    line = item.fields["topic"][1]
    if not TOPIC_PATTERN.match(topic):
        item.problem(line, f"topic {quoted(topic)} must be lowercase words joined by hyphens")
    elif topic not in registered_topics():
        item.warn(line, f"topic {quoted(topic)} is not a known topic (see `gatebp topics`)")
    return topic


def read_rounding(item: Item) -> int:
    raw = item.scalar("rounding", (INT,), "a whole number of decimal places")
    if raw is None:
        return 2
    if not ROUNDING_PATTERN.match(raw) or int(raw) > MAX_ROUNDING:
        item.problem(item.fields["rounding"][1],
                     f"rounding {bare(raw)} must be 0 to {MAX_ROUNDING} decimal places")
        return 2
    return int(raw)


def read_solution(item: Item) -> list[str]:
    """The author's working: a list of lines, or one text with a step per line."""
    if "solution" not in item.fields:
        return []
    node, line = item.fields["solution"]
    if isinstance(node, yaml.ScalarNode) and node.tag == STR:
        return [s.strip() for s in str(node.value).splitlines() if s.strip()]
    if isinstance(node, yaml.SequenceNode) and all(
            isinstance(n, yaml.ScalarNode) and n.tag == STR for n in node.value):
        return [" ".join(str(n.value).split()) for n in node.value]
    item.problem(line, "'solution' must be a list of lines of working (text)")
    return []


def read_source(item: Item) -> str | None:
    return item.scalar("source", (STR,), "text such as \"seed 004\"")


def only_for(item: Item, keys: Sequence[str], qtype: str, allowed: str) -> None:
    """Keys of another type (`rounding` on an MCQ) are problems, not silently ignored."""
    for key in keys:
        if key in item.fields:
            item.problem(item.fields[key][1],
                         f"'{key}' is only for {allowed} questions, not {qtype}")


def registered_topics() -> set[str]:
    """Topic names of the generator's families: the one list of topics."""
    from gatebp.questions.families import load_families

    return set(load_families())
