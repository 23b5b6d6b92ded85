"""The network figure: which graphs are layered, the terminal drawing (golden text), and the
print geometry (label sizes on A4, no edge through a label)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from gatebp.network.spec import parse_spec
from gatebp.ui.figure import GraphFigure, LayeredFigure, build_figure, figure_from_dict
from gatebp.ui.layout import (
    MAX_WIDTH_PT,
    MIN_PT,
    Drawing,
    place,
    print_scale,
    segment_hits_box,
    smallest_printed_pt,
)
from gatebp.ui.terminal.figure import figure_lines, network_figure

GOLDEN = Path(__file__).parent / "golden" / "figure"
UPDATE = bool(os.environ.get("GATEBP_UPDATE_GOLDEN"))

NETS = {
    "2-2-1": {"input": {"x": ["1", "2"]},
              "layers": [{"out": "h", "W": [["1", "-1"], ["2", "1"]], "act": "relu"},
                         {"out": "y", "W": [["3", "3"]]}],
              "find": {"of": "y1", "wrt": "x1"}},
    "3-3-2-1": {"input": {"x": ["1", "0", "-2"]},
                "layers": [{"out": "h", "W": [["2", "0", "1"], ["-2", "-3", "3"], ["-3", "0", "1"]],
                            "b": ["1", "-1", "0"], "act": "relu"},
                           {"out": "g", "W": [["1", "1", "-1"], ["-1", "3", "-2"]], "b": ["0", "1"],
                            "act": "sigmoid"},
                           {"out": "y", "W": [["-2", "0.5"]]}],
                "find": {"of": "y1", "wrt": "x2"}},
    "2-3-2-1": {"input": {"x": ["-1", "1"]},
                "layers": [{"out": "h", "W": [["-2", "1"], ["2", "-2"], ["1", "2"]], "b": ["1", "2", "1"],
                            "act": "relu"},
                           {"out": "g", "W": [["1", "-1", "3"], ["3", "-3", "-2"]], "act": "relu"},
                           {"out": "y", "W": [["3", "-2"]]}],
                "find": {"of": "y1", "wrt": "x2"}},
}
TWO_LAYER = {"values": {"x1": "1", "x2": "-1", "w11": "-2", "w12": "2", "w21": "-1", "w22": "-2",
                        "v1": "1", "v2": "-1", "t": "-2"},
             "nodes": {"z1": "w11 * x1 + w12 * x2", "h1": "relu(z1)", "z2": "w21 * x1 + w22 * x2",
                       "h2": "relu(z2)", "yhat": "v1 * h1 + v2 * h2", "L": "(yhat - t)**2 / 2"}}
RESIDUAL = {"values": {"x": "1", "w1": "3", "w2": "1", "t": "3"},
            "nodes": {"u": "w1 * x", "r": "relu(u)", "f": "w2 * r", "h": "x + f", "L": "(h - t)**2"}}
SHARED = {"values": {"x1": "1", "t1": "4", "x2": "3", "t2": "-2", "w": "3", "b": "1"},
          "nodes": {"yhat1": "w * x1 + b", "yhat2": "w * x2 + b", "L": "(yhat1 - t1)**2 + (yhat2 - t2)**2"}}


def _net(name: str):
    return build_figure(parse_spec(json.dumps(NETS[name])))


# --- which graphs are layered --------------------------------------------------------------

def test_layer_form_keeps_its_layers():
    figure = _net("3-3-2-1")
    assert isinstance(figure, LayeredFigure)
    assert [c.act for c in figure.columns] == ["input", "relu", "sigmoid", "linear"]
    assert [len(c.units) for c in figure.columns] == [3, 3, 2, 1]
    assert [m.label for m in figure.matrices] == ["W1", "W2", "W3"]
    assert not figure.named


def test_a_scalar_mlp_is_detected_with_its_own_names():
    figure = figure_from_dict(TWO_LAYER)
    assert isinstance(figure, LayeredFigure) and figure.named
    assert [[u.name for u in c.units] for c in figure.columns] == [["x1", "x2"], ["h1", "h2"], ["yhat"]]
    assert [n.name for n in figure.tail] == ["L"] and figure.given == (("t", -2),)


def test_the_expanded_layer_form_is_recognised_from_the_question_record():
    record = parse_spec(json.dumps(NETS["2-3-2-1"])).to_dict()
    figure = figure_from_dict(record)
    assert isinstance(figure, LayeredFigure) and not figure.named
    assert [m.label for m in figure.matrices] == ["W1", "W2", "W3"]


@pytest.mark.parametrize("graph", [RESIDUAL, SHARED], ids=["skip-connection", "shared-weight"])
def test_graphs_that_are_not_mlps_keep_the_computation_graph(graph):
    assert isinstance(figure_from_dict(graph), GraphFigure)


# --- the terminal drawing -------------------------------------------------------------------

def _golden(name: str, lines: list[str]) -> None:
    path = GOLDEN / f"{name}.txt"
    text = "\n".join(lines) + "\n"
    if UPDATE:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    assert text == path.read_text(encoding="utf-8")


@pytest.mark.parametrize("name,most", [("2-2-1", 8), ("3-3-2-1", 15), ("2-3-2-1", 15)])
@pytest.mark.parametrize("plain", [False, True], ids=["unicode", "plain"])
def test_terminal_figure_golden(name, most, plain):
    lines = figure_lines(_net(name), "ascii" if plain else "unicode")
    _golden(f"{name}{'-plain' if plain else ''}", lines)
    assert len(lines) <= most
    assert max(len(line) for line in lines) <= 80
    if plain:
        assert all(ord(c) < 128 for line in lines for c in line)


def test_terminal_figure_of_a_scalar_mlp_and_of_a_computation_graph():
    _golden("two-layer-mse", figure_lines(figure_from_dict(TWO_LAYER)))
    _golden("residual", figure_lines(figure_from_dict(RESIDUAL)))


def test_the_rich_view_never_wraps():
    from io import StringIO

    from rich.console import Console

    out = StringIO()
    Console(file=out, width=80, color_system=None).print(network_figure(parse_spec(json.dumps(NETS["2-3-2-1"]))))
    assert out.getvalue().splitlines() == figure_lines(_net("2-3-2-1"))


# --- the print geometry ---------------------------------------------------------------------

ALL = [*NETS, "two-layer-mse", "residual", "shared-weight"]


def _drawing(name: str) -> Drawing:
    graphs = {"two-layer-mse": TWO_LAYER, "residual": RESIDUAL, "shared-weight": SHARED}
    return place(figure_from_dict(graphs[name]) if name in graphs else _net(name))


def _points(seg, step: float = 0.25):
    """Points every `step` pt along a segment: an independent check of the layout's clipping."""
    length = ((seg.x2 - seg.x1) ** 2 + (seg.y2 - seg.y1) ** 2) ** 0.5
    count = max(int(length / step), 1)
    return [(seg.x1 + (seg.x2 - seg.x1) * i / count, seg.y1 + (seg.y2 - seg.y1) * i / count)
            for i in range(count + 1)]


@pytest.mark.parametrize("name", ALL)
def test_no_edge_crosses_a_label(name):
    drawing = _drawing(name)
    crossings = []
    for label in drawing.labels:
        box = label.box
        for seg in drawing.edges:
            if any(box.x0 < x < box.x1 and box.y0 < y < box.y1 for x, y in _points(seg)):
                crossings.append((label.text, (round(seg.x1), round(seg.y1), round(seg.x2), round(seg.y2))))
    assert crossings == []


@pytest.mark.parametrize("name", ALL)
def test_every_label_prints_at_8_pt_or_more_on_a4(name):
    drawing = _drawing(name)
    assert drawing.width <= MAX_WIDTH_PT and print_scale(drawing) == 1
    assert smallest_printed_pt(drawing) >= MIN_PT


@pytest.mark.parametrize("name", ALL)
def test_the_svg_carries_the_layout_sizes(name):
    from gatebp.ui.export.svg_figure import svg_figure

    drawing = _drawing(name)
    svg = svg_figure(drawing)
    root = ET.fromstring(svg)
    assert root.get("width", "").endswith("pt")
    width_pt = float(root.get("width", "0pt")[:-2])
    view_width = float(root.get("viewBox", "0 0 0 0").split()[2])
    texts = root.findall("{http://www.w3.org/2000/svg}text")
    assert len(texts) == len(drawing.labels)
    for text in texts:  # user units are points when width in pt equals the viewBox width
        assert float(text.get("font-size", "0")) * width_pt / view_width >= MIN_PT
    assert svg == svg_figure(_drawing(name))  # same graph, same bytes


def test_weights_go_on_edges_unless_the_layer_is_crowded():
    drawing = _drawing("3-3-2-1")
    weights = [label.text for label in drawing.labels if label.role == "weight"]
    assert len(weights) == 6 + 2  # layer 1 (9 edges) is given as the matrix W₁ instead
    assert any(label.text == "W₁" for label in drawing.labels)


@pytest.mark.skipif(shutil.which("pdflatex") is None, reason="pdflatex is not installed")
def test_tikz_figures_compile(tmp_path):
    from gatebp.ui.export.tikz_figure import tikz_figure

    pictures = "\n\n".join("\\noindent " + tikz_figure(_drawing(name)) for name in ALL)
    doc = ("\\documentclass[11pt,a4paper]{article}\\usepackage[utf8]{inputenc}\\usepackage[T1]{fontenc}"
           "\\usepackage{lmodern}\\usepackage{amsmath,amssymb}\\usepackage[margin=20mm]{geometry}"
           f"\\usepackage{{tikz}}\\begin{{document}}\n{pictures}\n\\end{{document}}\n")
    (tmp_path / "f.tex").write_text(doc, encoding="utf-8")
    run = subprocess.run(["pdflatex", "-interaction=nonstopmode", "-halt-on-error", "f.tex"],
                         cwd=tmp_path, capture_output=True, text=True, timeout=120, check=False)
    assert run.returncode == 0, [line for line in run.stdout.splitlines() if line.startswith("!")]
    assert "Overfull \\hbox" not in run.stdout


def test_typst_embeds_the_svg_at_natural_size(tmp_path):
    typst = pytest.importorskip("typst")
    from gatebp.ui.export.typst_figure import typst_figure

    source = '#set page(paper: "a4", margin: 20mm)\n' + "\n\n".join(typst_figure(_drawing(n)) for n in ALL)
    (tmp_path / "f.typ").write_text(source, encoding="utf-8")
    typst.compile(str(tmp_path / "f.typ"), output=str(tmp_path / "f.pdf"))
    assert f"width: {_drawing('2-3-2-1').width:.1f}pt" in source


def test_every_family_graph_draws_within_the_limits():
    """Every family form in the stored golden set: no crossing, 8 pt on A4, 80 columns."""
    stored = json.loads((Path(__file__).parent / "golden" / "questions-v1.json").read_text(encoding="utf-8"))
    graphs = {json.dumps(q["graph"]): q["id"] for q in stored["questions"] if q.get("graph")}
    problems = []
    for text, qid in graphs.items():
        figure = figure_from_dict(json.loads(text))
        drawing = place(figure)
        crossed = [lab.text for lab in drawing.labels for seg in drawing.edges if segment_hits_box(seg, lab.box)]
        widest = max(len(line) for target in ("unicode", "ascii") for line in figure_lines(figure, target))
        if crossed or smallest_printed_pt(drawing) < MIN_PT or widest > 80:
            problems.append((qid, crossed, round(smallest_printed_pt(drawing), 1), widest))
    assert problems == []


def test_the_working_view_can_show_the_forward_values():
    from gatebp.network.solve import forward_pass

    graph = parse_spec(json.dumps(NETS["2-2-1"]))
    lines = figure_lines(build_figure(graph), values=forward_pass(graph))
    assert "h₁ = 0" in lines[1] and "h₂ = 4" in lines[3] and "y₁ = 12" in lines[2]
    sigmoid = parse_spec(json.dumps({"values": {"x": "1", "w": "2"}, "nodes": {"z": "w * x", "p": "sigmoid(z)"}}))
    assert "p ≈ 0.8808" in "\n".join(figure_lines(build_figure(sigmoid), values=forward_pass(sigmoid)))
