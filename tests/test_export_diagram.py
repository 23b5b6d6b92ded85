"""The network diagram: valid, deterministic SVG with every name, every edge left to right."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

import pytest

from gatebp.core.errors import GatebpError, SpecError
from gatebp.ui.export.diagram import layout, svg_diagram

SVG = "{http://www.w3.org/2000/svg}"
GATE_2025 = {"values": {"x": "2", "w1": "1", "w2": "3"},
             "nodes": {"z": "w1*x", "h": "relu(z)", "y": "w2*h"}}
MERGE = {"values": {"x1": "1", "x2": "-1", "a": "0.5"},
         "nodes": {"p": "a*x1", "q": "sigmoid(x2)", "s": "p + q", "L": "(s - 1)**2"}}


@pytest.mark.parametrize("graph", [GATE_2025, MERGE])
def test_svg_is_valid_and_has_every_name_and_edge(graph: dict) -> None:
    text = svg_diagram(graph)
    root = ET.fromstring(text)
    names = [t.text for t in root.iter(f"{SVG}text") if t.get("font-style") == "italic"]
    assert sorted(names) == sorted([*graph["values"], *graph["nodes"]])
    assert len(list(root.iter(f"{SVG}polygon"))) == len(layout(graph).edges)
    assert " id=" not in text and "href" not in text  # safe to inline many times in one page
    assert text == svg_diagram(dict(graph))


def test_edges_run_left_to_right_and_functions_are_not_nodes() -> None:
    plan = layout(GATE_2025)
    where = {box.name: box for box in plan.boxes}
    assert set(plan.edges) == {("x", "z"), ("w1", "z"), ("z", "h"), ("h", "y"), ("w2", "y")}
    assert all(where[a].x < where[b].x for a, b in plan.edges)
    assert where["x"].layer == 0 and where["w2"].layer == where["h"].layer
    assert where["y"].output and not where["h"].output and where["w2"].leaf


def test_long_captions_are_clipped() -> None:
    graph = {"values": {"x": "1"}, "nodes": {"y": " + ".join(["x"] * 40)}}
    caption = layout(graph).boxes[1].caption
    assert len(caption) == 30 and caption.endswith("\u2026")


@pytest.mark.parametrize("graph, reason", [
    ({"values": {"x": "1"}, "nodes": {"a": "b", "b": "a + x"}}, "cycle"),
    ({"values": {"x": "1"}, "nodes": {"y": "x*q"}}, "unknown name 'q'"),
    ({"values": {"x": "1"}, "nodes": {"x": "x"}}, "both"),
    ({"values": {"1x": "1"}, "nodes": {}}, "not a valid name"),
    ({"values": {}, "nodes": {}}, "no values"),
    ({"values": [], "nodes": {}}, "mappings"),
    ({"values": {"x": None}, "nodes": {}}, "number or expression"),
    ("x -> y", "mapping"),
])
def test_bad_graphs_are_refused_in_one_line(graph: object, reason: str) -> None:
    with pytest.raises(SpecError, match=re.escape(reason)) as caught:
        svg_diagram(graph)  # type: ignore[arg-type]
    assert "\n" not in str(caught.value)


def test_hostile_expression_is_refused() -> None:
    with pytest.raises(GatebpError):
        svg_diagram({"values": {"x": "1"}, "nodes": {"y": "x.__class__"}})


def test_labels_are_escaped() -> None:
    text = svg_diagram({"values": {"x": "<b>&"}, "nodes": {}})
    assert "&lt;b&gt;&amp;" in text
    ET.fromstring(text)
