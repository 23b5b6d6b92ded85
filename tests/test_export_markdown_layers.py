"""The Markdown export draws a layer-form network as its stem describes it (units, biases, the
weight on each edge), never with the internal scalar names (w_h1_x1, z_h1) no stem uses."""

from __future__ import annotations

import re
from fractions import Fraction

from gatebp.questions.generate import families_by_name
from gatebp.ui.export import ExportOptions, render_export
from gatebp.ui.figure import LayeredFigure, figure_from_dict
from tests.sweep import built

EDGE = re.compile(r'^  n_(\w+) -->\|"([^"]+)"\| n_(\w+)$', re.MULTILINE)
INTERNAL = re.compile(r"\b[wbz]\\?_[a-z]\w*\d")


def _drawn(layer_form: bool) -> list:
    """Seed 1 of every form whose network is (or is not) a layer-form one its stem gives as matrices."""
    found = []
    for family in families_by_name():
        for qtype in family.types:
            q = built(family.name, qtype, family.marks[-1], 1)
            figure = figure_from_dict(q.graph) if q.graph else None
            if figure is not None and layer_form == (isinstance(figure, LayeredFigure) and not figure.named):
                found.append(q)
    return found


def _number(text: str) -> Fraction:
    return Fraction(text.replace("−", "-"))


def test_layer_nets_print_without_internal_names_and_with_the_graphs_weights() -> None:
    questions = _drawn(layer_form=True)
    assert len({q.topic for q in questions}) >= 3
    for q in questions:
        text = render_export([q], "md", ExportOptions(answers="none")).main.decode("utf-8")
        assert not INTERNAL.search(text), (q.id, INTERNAL.search(text))
        edges = EDGE.findall(text)
        values = {name: Fraction(str(v)) for name, v in q.graph["values"].items()}
        # the graph record names the weight from unit s into unit d w_d_s (its own convention)
        weights = {(src, dst): values[f"w_{dst}_{src}"] for src, _, dst in edges}
        assert edges and all(_number(label) == weights[(src, dst)] for src, label, dst in edges), q.id
        assert len(edges) == sum(1 for name in values if name.startswith("w_")), q.id


def test_a_network_whose_stem_uses_its_names_keeps_its_value_table() -> None:
    questions = _drawn(layer_form=False)
    assert len({q.topic for q in questions}) >= 3
    for q in questions:
        text = render_export([q], "md", ExportOptions(answers="none")).main.decode("utf-8")
        assert "| name | given value / computed as |" in text, q.id
