"""An MCQ's or MSQ's key and four options, each option text or {text, value, find, mistake}.

An option that carries a `value` is a claim ("this quantity equals 0.75") that the solver then
checks in gatebp.questions.bank.keys; here the options are only read, with each field's line.
"""

from __future__ import annotations

import yaml

from gatebp.core.reader import line_of
from gatebp.core.text import quoted
from gatebp.gate.question import LABELS, Option
from gatebp.network.graph import Graph
from gatebp.questions.bank.keys import Claim, read_find
from gatebp.questions.bank.reader import BOOL, FLOAT, INT, NULL, STR, Fields, Item, describe

OPTION_KEYS = ("text", "value", "find", "mistake")


def read_key(item: Item, qtype: str) -> list[int] | None:
    """The author's key, "B" or "A;C", as sorted option indexes."""
    node, line = item.fields["answer"]
    if not isinstance(node, yaml.ScalarNode) or node.tag != STR:
        item.problem(line, f"an {qtype} answer is option letters such as \"B\" or \"A;C\", "
                           f"not {describe(node)}")
        return None
    written = quoted(str(node.value))
    letters = [part.strip() for part in str(node.value).split(";")]
    if any(letter not in LABELS or not letter for letter in letters):
        item.problem(line, f"answer {written} must be letters A to D separated by ';' "
                           "(e.g. \"A;C\")")
        return None
    if len(set(letters)) != len(letters):
        item.problem(line, f"answer {written} repeats a letter")
        return None
    if qtype == "MCQ" and len(letters) != 1:
        item.problem(line, f"an MCQ has exactly one correct option, but the answer is {written}")
        return None
    return sorted(LABELS.index(letter) for letter in letters)


def read_options(item: Item, graph: Graph | None) -> tuple[list[Option], list[Claim]]:
    """Exactly four options, A to D, and the value claims among them."""
    if "options" not in item.fields:
        item.problem(item.line, "missing 'options' (four choices for an MCQ or MSQ)")
        return [], []
    node, line = item.fields["options"]
    if not isinstance(node, yaml.SequenceNode):
        item.problem(line, "'options' must be a list of four choices")
        return [], []
    if len(node.value) != 4:
        item.problem(line, f"'options' has {len(node.value)} choices; "
                           "GATE MCQ/MSQ have exactly 4 (A to D)")
        return [], []
    options, claims = [], []
    for label, entry in zip(LABELS, node.value):
        option, claim = read_option(item, label, entry, graph)
        options.append(option)
        if claim is not None:
            claims.append(claim)
    return options, claims


def read_option(item: Item, label: str, entry: yaml.Node,
                graph: Graph | None) -> tuple[Option, Claim | None]:
    line = line_of(entry) or item.line
    if isinstance(entry, yaml.ScalarNode) and entry.tag not in (NULL, BOOL):
        return Option(label, " ".join(str(entry.value).split())), None
    if not isinstance(entry, yaml.MappingNode):
        item.problem(line,
                     f"option {label} must be text or a mapping {{text, value, find, mistake}}")
        return Option(label, ""), None
    fields = item.mapping(entry, OPTION_KEYS, "option")
    text = item.scalar("text", (STR, INT, FLOAT), "text", fields) if "text" in fields else None
    if text is None and "text" not in fields:
        item.problem(line, f"option {label} needs 'text'")
    mistake = item.phrase(fields, "mistake") if "mistake" in fields else None
    claim = read_claim(item, label, fields, graph)
    value = float(claim.value) if claim is not None else None
    find = claim.find.to_dict() if claim is not None and claim.find is not None else None
    return Option(label, " ".join((text or "").split()), value, mistake, find), claim


def read_claim(item: Item, label: str, fields: Fields, graph: Graph | None) -> Claim | None:
    """The option's `value` (and the `find` it is about, when not the question's)."""
    find = None
    if "find" in fields:
        node, line = fields["find"]
        if graph is None:
            item.problem(line, f"option {label} has 'find' but the question has no network")
            return None
        find = read_find(item, node, line, graph)
        if find is None:
            return None
        if "value" not in fields:
            item.problem(line, f"option {label} has 'find' but no 'value' to claim for it")
    if "value" not in fields:
        return None
    number = item.number(fields["value"][0], fields["value"][1], f"option {label}'s value")
    if number is None:
        return None
    return Claim(label, number[0], number[1], fields["value"][1], find)
