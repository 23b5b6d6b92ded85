"""The stems, options and working of ten families read like the paper, in every target.

For every form of activation-path, activation-properties, ad-modes, backward-cache, batch-bias,
dead-relu, delta-recursion, descent-step and grad-shapes over 40 seeds: the question text, each option's
text, reason and slip, and the family-written working lines are `$...$` markup whose spans all
parse; printed for the terminal (Unicode) they hold no program notation (`**`, `a * b` between
names, `[[`, `yhat`, `relu(`, `sigmoid(`), and printed for `--plain` (ASCII) they are plain ASCII a
screen reader can speak. The solver's own lines (forward, local, delta, path, sum, update, answer
kinds) are rewritten elsewhere; here they need only parse.
"""

from __future__ import annotations

import re

import pytest

from gatebp.core.maths import parse_markup, render
from gatebp.questions.generate import families_by_name
from tests.sweep import built, seeds

TOPICS = ("activation-path", "activation-properties", "ad-modes", "backward-cache", "batch-bias",
          "dead-relu", "delta-recursion", "descent-step", "grad-shapes")
SEEDS = seeds(5)
SOLVER_KINDS = {"forward", "local", "delta", "vector", "path", "sum", "update", "answer"}
CODE = re.compile(r"\*\*|[A-Za-z0-9)] \* [A-Za-z(]|\[\[|yhat|relu\(|sigmoid\(|\blr\b|\bphi\b|_\(")


def _forms() -> list[tuple[str, str, int]]:
    return [(f.name, t, m) for f in families_by_name(TOPICS) for t in f.types for m in f.marks]


def _texts(q) -> list[tuple[str, str, bool]]:
    """(where, markup, strict): strict texts must also be free of program notation. A NAT's slips are
    what practice names after a wrong number."""
    out = [("text", q.text, True)]
    for option in q.options:
        out += [(f"option {option.label}", option.text, True)]
        out += [(f"why {option.label}", option.why, True)] if option.why else []
        out += [(f"slip {option.label}", option.mistake, True)] if option.mistake else []
    out += [(f"NAT slip {m.value}", m.mistake, True) for m in q.mistakes]
    out += [(f"step {s.kind}", s.text, s.kind not in SOLVER_KINDS) for s in q.solution]
    return out


@pytest.mark.parametrize("topic,qtype,marks", _forms())
def test_every_text_is_markup_that_prints_in_the_papers_notation(topic: str, qtype: str, marks: int) -> None:
    for seed in SEEDS:
        q = built(topic, qtype, marks, seed)
        for where, text, strict in _texts(q):
            parts = parse_markup(text)  # every $ span parses (raises otherwise)
            unicode, ascii = render(parts, "unicode"), render(parts, "ascii")
            assert ascii.isascii(), (q.id, where, ascii)
            if strict:
                assert not CODE.search(unicode), (q.id, where, unicode)
                assert "  " not in re.sub(r"\$+[^$]*\$+", "x", text), (q.id, where, text)  # no slip in the words


@pytest.mark.parametrize("topic,qtype,marks", [f for f in _forms() if f[1] == "NAT"])
def test_nat_stems_ask_for_the_value_with_the_papers_blank(topic: str, qtype: str, marks: int) -> None:
    for seed in range(5):
        q = built(topic, qtype, marks, seed)
        text = render(parse_markup(q.text), "unicode")
        assert re.search(r"is ____ \((rounded off to \w+ decimal places?|answer as an integer)\)\.$", text), q.id


def test_a_graph_stem_defines_its_expressions_in_maths() -> None:
    q = built("activation-path", "NAT", 2, 1)
    text = render(parse_markup(q.text), "unicode")
    assert "z = w₁x₁ + w₂x₂ + b" in text and "σ(z) = 1/(1 + e^(−z))" in text, text
    assert "The value of ∂L/∂w" in text, text
    assert "w1*x1" in render(parse_markup(q.text), "ascii")


def test_the_nat_blank_follows_a_value_of_stem_and_leaves_other_stems_alone() -> None:
    from gatebp.gate.question import nat_question_text

    assert nat_question_text("The value of $∂y/∂w$ is", 2) == \
        "The value of $∂y/∂w$ is ____ (rounded off to two decimal places)."
    assert nat_question_text("The number of passes is", 0) == "The number of passes is ____ (answer as an integer)."
    assert nat_question_text("What is y?", 0) == "What is y? (answer as an integer)"  # bank stems keep their form


def test_definitions_keep_a_users_names_and_print_them_as_the_paper_does() -> None:
    from gatebp.network.spec import parse_spec
    from gatebp.questions.families.common import assignments, definitions, where_activations

    graph = parse_spec('{"values": {"x1": "2", "w11": "-0.5", "t": "1"}, "nodes": {"z1": "w11*x1", '
                       '"yhat": "sigmoid(z1)", "L": "(yhat - t)**2/2"}, "find": {"of": "L", "wrt": "w11"}}',
                       source="<test>")
    text = f"{definitions(graph)} with {assignments(graph)}, {where_activations(graph)}"
    assert render(parse_markup(text), "unicode") == (
        "z₁ = w₁₁x₁, ŷ = σ(z₁) and L = ½(ŷ − t)² with x₁ = 2, w₁₁ = −0.5 and t = 1, where σ(z) = 1/(1 + e^(−z))")
    assert render(parse_markup(text), "ascii").startswith("z1 = w11*x1, yhat = sigmoid(z1) and L = (yhat - t)^2 / 2")
