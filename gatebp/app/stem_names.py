"""The names a question's stem gives the internal scalars of its layer-form network.

A layer-form network is solved as scalars named w_h2_x1, b_h2, z_h2 (gatebp.network.layers), but
its stem names matrices: the guided drill re-solves the question's graph record, which keeps
only the scalars, so every quantity, line and slip it shows is renamed here to the stem's
entries (W1[2,1], b1[2], z1[2]: the convention of gatebp.network.notation.display_names and
gatebp.core.maths.names). The layers are read back from the record by the figure's detector
(gatebp.ui.figure), so the names are those the question's own figure and working print.
A scalar graph, whose names the stem itself uses, keeps them all.
"""

from __future__ import annotations

from typing import Any

from gatebp.network.graph import Graph, graph_from_record
from gatebp.ui.figure import LayeredFigure, build_figure


def stem_names(record: dict[str, Any] | None) -> dict[str, str]:
    """Internal name -> the stem's, for a question's graph record ({} when none is needed)."""
    if record is None:
        return {}
    try:
        graph = graph_from_record(record, source="<question>")
        figure = build_figure(graph)
    except Exception:  # a name is a convenience; the internal one still reads
        return {}
    if not isinstance(figure, LayeredFigure) or figure.named:
        return {}
    return layer_names(graph, figure)


def layer_names(graph: Graph, figure: LayeredFigure) -> dict[str, str]:
    """W{k}[i,j] for each weight, b{k}[i] for each bias, z{k}[i] for each pre-activation."""
    names: dict[str, str] = {}
    for matrix in figure.matrices:
        for i, row in enumerate(matrix.names, start=1):
            names.update({weight: f"W{matrix.into}[{i},{j}]" for j, weight in enumerate(row, start=1)})
    for k, column in enumerate(figure.columns[1:], start=1):
        for i, unit in enumerate(column.units, start=1):
            if unit.bias is not None:
                names[unit.bias] = f"b{k}[{i}]"
            pre = _pre_activation(graph, unit.name)
            if pre is not None:
                names[pre] = f"z{k}[{i}]"
    return names


def _pre_activation(graph: Graph, unit: str) -> str | None:
    """z_h2 for h2 = relu(z_h2); None for a unit that is its own weighted sum."""
    parents = graph.node(unit).parents
    if len(parents) == 1 and not graph.is_leaf(parents[0]):
        return parents[0]
    return None
