"""Building Questions: one checked item becomes the same Question record the generator makes.

`read_item` runs the checks in the order an author reads an item (schema, network, then the
type's own parts) and builds the Question only when nothing failed, so a bank question is as
trustworthy downstream as a generated one: its key was solved, its working is the solver's.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

import yaml

from gatebp.core.reader import line_of
from gatebp.core.step import Step, as_steps
from gatebp.gate.question import LABELS, NatMistake, Question, in_key_range, nat_question_text
from gatebp.network.graph import Graph
from gatebp.questions.bank import keys, schema
from gatebp.questions.bank.options import read_key, read_options
from gatebp.questions.bank.reader import Item, Stop, num

if TYPE_CHECKING:
    import sympy as sp

MISTAKE_KEYS = ("value", "mistake")


def read_item(item: Item) -> Question | None:
    """Check one item and build its Question (None when it has a problem)."""
    if not isinstance(item.node, yaml.MappingNode):
        item.problem(item.line,
                     "each question is a mapping (id, text, answer, topic, type, marks, ...)")
        raise Stop
    schema.read_fields(item)
    qtype = schema.read_type(item)
    marks, topic = schema.read_marks(item), schema.read_topic(item)
    text = item.text_field("text")
    if qtype is None or "answer" not in item.fields:
        raise Stop
    graph = keys.read_spec(item)
    if qtype == "NAT":
        return nat(item, text, topic, marks, graph)
    return choice(item, qtype, text, topic, marks, graph)


def nat(item: Item, text: str, topic: str, marks: int, graph: Graph | None) -> Question | None:
    """A NAT question: the solver's key range at the item's rounding, and its slips."""
    from gatebp.questions.families.common import nat_answer

    schema.only_for(item, ("options",), "NAT", "MCQ and MSQ")
    places, lines = schema.read_rounding(item), schema.read_solution(item)
    source = schema.read_source(item)
    node, line = item.fields["answer"]
    typed = item.number(node, line, "a NAT answer")
    item.steps = []
    exact = keys.nat_exact(item, graph, typed, places, line)
    mistakes = read_mistakes(item, exact, places)
    if item.failed or exact is None:
        return None
    if re.search(r"rounded off|decimal place", text):
        item.warn(item.fields["text"][1],
                  "leave out the rounding sentence: it is added from 'rounding'")
    return Question(id=item.qid or "", topic=topic, type="NAT", marks=marks,
                    text=nat_question_text(text, places), answer=nat_answer(exact, places),
                    solution=as_steps([*item.steps, *lines]), graph=_graph_dict(graph),
                    find=_find_dict(graph), rounding=places, mistakes=tuple(mistakes),
                    source="bank", extra=extra(item, source))


def read_mistakes(item: Item, exact: sp.Expr | None, places: int) -> list[NatMistake]:
    """A NAT's named slips: each value must lie outside the key range."""
    from gatebp.questions.families.common import nat_answer

    if "mistakes" not in item.fields:
        return []
    node, line = item.fields["mistakes"]
    if not isinstance(node, yaml.SequenceNode):
        item.problem(line, "'mistakes' must be a list of {value, mistake}")
        return []
    key = nat_answer(exact, places)["range"] if exact is not None else None
    found = [read_mistake(item, entry, key) for entry in node.value]
    return [mistake for mistake in found if mistake is not None]


def read_mistake(item: Item, entry: yaml.Node, key: Any) -> NatMistake | None:
    line = line_of(entry) or item.line
    if not isinstance(entry, yaml.MappingNode):
        item.problem(line, "each entry of 'mistakes' is {value, mistake}")
        return None
    fields = item.mapping(entry, MISTAKE_KEYS, "mistake")
    for needed in MISTAKE_KEYS:
        if needed not in fields:
            item.problem(line, f"a mistake entry needs '{needed}'")
    if "value" not in fields or "mistake" not in fields:
        return None
    number = item.number(fields["value"][0], fields["value"][1], "a mistake's value")
    phrase = item.phrase(fields, "mistake")
    if number is None or not phrase:
        return None
    if key is not None and in_key_range(float(number[0]), key):
        item.problem(fields["value"][1],
                     f"mistake value {num(number[0])} is inside the key range")
    return NatMistake(float(number[0]), phrase)


def choice(item: Item, qtype: str, text: str, topic: str, marks: int,
           graph: Graph | None) -> Question | None:
    """An MCQ or MSQ: the author's letters, every claimed value checked by the solver."""
    schema.only_for(item, ("rounding", "mistakes"), qtype, "NAT")
    lines, source = schema.read_solution(item), schema.read_source(item)
    correct = read_key(item, qtype)
    options, claims = read_options(item, graph)
    item.steps = []
    if graph is not None and graph.find is not None:
        keys.solve(item, graph, graph.find, item.line, keep_steps=True)
    if item.failed or correct is None or len(options) != 4:
        return None
    keys.check_options(item, options, correct, claims, graph)
    if item.failed:
        return None
    key = ";".join(LABELS[i] for i in correct)
    body = text if qtype == "MCQ" else f"{text} (one or more options may be correct)"
    steps = as_steps(item.steps + lines) + (Step("key", f"Key: {key}"),)
    return Question(id=item.qid or "", topic=topic, type=qtype,  # type: ignore[arg-type]
                    marks=marks, text=body, answer={"correct": correct}, solution=steps,
                    options=tuple(options), graph=_graph_dict(graph), find=_find_dict(graph),
                    source="bank", extra=extra(item, source))


def extra(item: Item, source: str | None) -> dict[str, Any]:
    """Where the question came from: file and line (and the author's `source` note)."""
    bank: dict[str, Any] = {"file": item.source, "line": item.line}
    if source:
        bank["source"] = source
    return {"bank": bank}


def _graph_dict(graph: Graph | None) -> dict[str, dict[str, str]] | None:
    return None if graph is None else graph.to_dict()


def _find_dict(graph: Graph | None) -> dict[str, object] | None:
    return None if graph is None or graph.find is None else graph.find.to_dict()
