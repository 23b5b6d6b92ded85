"""The mini-batch figure (issue 14): one example's graph and a table of the examples' values,
instead of a computation graph whose shared-weight arrows cross each other.

The examples' values are read back out of the drawing's labels and compared with the question's
own graph record, and the crossing count is computed from the drawn segments."""

from __future__ import annotations

from itertools import combinations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from gatebp.ui.figure import GraphFigure, figure_from_dict
from gatebp.ui.layout import MAX_WIDTH_PT, Drawing, Segment, place

SOFTMAX = {"values": {"z1": "0", "z2": "1", "z3": "-1"},
           "nodes": {"e1": "exp(z1)", "e2": "exp(z2)", "e3": "exp(z3)", "s": "e1 + e2 + e3", "p": "e2 / s",
                     "L": "-log(p)"}}


def batch_graph(inputs: list[int], targets: list[int], relu: bool) -> dict[str, dict[str, str]]:
    values = {"w": "-1", "b": "2"}
    nodes: dict[str, str] = {}
    for k, (x, t) in enumerate(zip(inputs, targets), 1):
        values[f"x{k}"], values[f"t{k}"] = str(x), str(t)
        nodes[f"z{k}"] = f"w * x{k} + b"
        out = f"z{k}"
        if relu:
            nodes[f"h{k}"], out = f"relu(z{k})", f"h{k}"
        nodes[f"L{k}"] = f"({out} - t{k})**2 / 2"
    nodes["L"] = " + ".join(f"L{k}" for k in range(1, len(inputs) + 1))
    return {"values": values, "nodes": nodes}


def crossings(drawing: Drawing) -> int:
    """Pairs of edge segments that cross away from their ends (meeting at a shape is fine)."""
    def cross(a: Segment, b: Segment) -> bool:
        def side(p: tuple[float, float], q: tuple[float, float], r: tuple[float, float]) -> float:
            return (q[0] - p[0]) * (r[1] - p[1]) - (q[1] - p[1]) * (r[0] - p[0])
        p1, p2, q1, q2 = (a.x1, a.y1), (a.x2, a.y2), (b.x1, b.y1), (b.x2, b.y2)
        return side(p1, p2, q1) * side(p1, p2, q2) < -1e-6 and side(q1, q2, p1) * side(q1, q2, p2) < -1e-6
    return sum(cross(a, b) for a, b in combinations(drawing.edges, 2))


@given(st.integers(2, 5).flatmap(lambda n: st.tuples(
    st.lists(st.integers(-3, 3), min_size=n, max_size=n), st.lists(st.integers(-3, 3), min_size=n, max_size=n))),
    st.booleans())
def test_a_batch_is_one_example_and_a_table_with_every_example_value(data, relu: bool) -> None:  # type: ignore[no-untyped-def]
    inputs, targets = data
    graph = batch_graph(inputs, targets, relu)
    figure = figure_from_dict(graph)
    assert isinstance(figure, GraphFigure) and figure.batch is not None
    drawing = place(figure)
    texts = [label.text for label in drawing.labels]
    # one example's graph: a shape per name of example k, whatever the batch size
    assert len(drawing.shapes) == 4 + 2 + (1 if relu else 0) + 1  # w, b, x_k, t_k; z_k, L_k, (h_k); L
    assert {"xₖ", "tₖ", "k"} <= set(texts) and not any("_k" in t for t in texts)
    # the table: each example's number, input and target, in the order of the record
    table = [label for label in drawing.labels if label.role in ("value", "name") and label.x > 120
             and label.y > max(s.box.y1 for s in drawing.shapes)]
    rows: dict[float, list[str]] = {}
    for label in table:
        rows.setdefault(round(label.y, 1), []).append(label.text)
    body = [cells for _, cells in sorted(rows.items())][1:]
    minus = str.maketrans({"−": "-"})
    assert [[c.translate(minus) for c in cells] for cells in body] == [
        [str(k), str(x), str(t)] for k, (x, t) in enumerate(zip(inputs, targets), 1)]
    assert crossings(drawing) == 0
    assert drawing.width <= MAX_WIDTH_PT and min(label.size for label in drawing.labels) >= 10


def test_the_batch_bias_family_is_drawn_as_a_batch_without_crossings() -> None:
    from gatebp.questions.generate import build_question

    for qtype, marks, seed in (("MCQ", 1, 3), ("MCQ", 2, 1), ("MSQ", 2, 5), ("NAT", 2, 2)):
        question = build_question("batch-bias", qtype, marks, seed)
        assert question.graph is not None
        old = place(GraphFigure(*_without_batch(figure_from_dict(question.graph))))
        new = place(figure_from_dict(question.graph))
        assert crossings(old) > 0, "the plain computation graph crosses (the reason for the batch form)"
        assert crossings(new) == 0 and new.height < old.height


def _without_batch(figure: object) -> tuple[object, ...]:
    assert isinstance(figure, GraphFigure)
    return figure.columns, figure.nodes, figure.values, figure.edges


@pytest.mark.parametrize("graph", [
    SOFTMAX,  # p reads e2 alone: the examples are not alike
    {"values": {"x1": "1", "x2": "2", "w1": "1", "w2": "3"},  # each example its own weight
     "nodes": {"z1": "w1 * x1", "z2": "w2 * x2 + x1", "L": "z1 + z2"}},
    {"values": {"x1": "1", "x2": "2", "w": "1"}, "nodes": {"z1": "w * x1", "z2": "w * x2"}},  # no sum
])
def test_graphs_that_only_look_like_batches_stay_computation_graphs(graph: dict) -> None:  # type: ignore[type-arg]
    figure = figure_from_dict(graph)
    assert isinstance(figure, GraphFigure) and figure.batch is None
