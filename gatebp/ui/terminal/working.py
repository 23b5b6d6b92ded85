"""Rich views of the working: the network with forward values, local derivatives, paths, answer.

Functions return renderables and never print, so `explain`, practice feedback and the exam's
score sheet all show the same working. Each view is drawn in the console's notation (Unicode,
or ASCII boxes and maths on a plain console: gatebp.ui.terminal.maths); the builders it runs
take that notation (`target`). Expressions (node definitions, local formulas) print through the
maths printer, never as their spec text.
"""

from __future__ import annotations

from collections.abc import Sequence

from rich import box
from rich.cells import cell_len
from rich.console import Group, RenderableType
from rich.panel import Panel
from rich.table import Table
from rich.text import Text
from rich.tree import Tree

from gatebp.core.maths import Target
from gatebp.gate.question import Question
from gatebp.network.graph import Graph, graph_from_record
from gatebp.network.notation import display_names, power_of_ten, rename
from gatebp.network.steps import RELU_CONVENTION, Solution, Step, factor, show
from gatebp.ui.figure import LayeredFigure, build_figure
from gatebp.ui.mathtext import show as show_markup
from gatebp.ui.mathtext import show_expr, show_name, show_span
from gatebp.ui.terminal.figure import figure_lines
from gatebp.ui.terminal.maths import Lazy, maths_text, view_text


def network_tree(graph: Graph, values: dict, root: str | None = None,
                 target: Target = "unicode") -> Tree | Text:
    """The network drawn from the output back to its leaves, each name with its value.

    In ASCII it indents with spaces instead of Rich's tree guides (screen readers, logs)."""
    root = root or (graph.find.of if graph.find else graph.nodes[-1].name)
    tree = Tree(_label(graph, values, root, target), guide_style="dim", hide_root=False)
    seen: set[str] = set()
    _grow(tree, graph, values, root, seen, 0, target)
    return _indented(tree) if target == "ascii" else tree


def _indented(tree: Tree, depth: int = 0) -> Text:
    label = tree.label if isinstance(tree.label, Text) else Text(str(tree.label))
    lines = Text("  " * depth + ("- " if depth else "")) + label
    for child in tree.children:
        lines.append("\n")
        lines.append_text(_indented(child, depth + 1))
    return lines


def _label(graph: Graph, values: dict, name: str, target: Target) -> Text:
    shown = show_name(name, target)
    if graph.is_leaf(name):
        value = _signed(show(values[name]), target) if name in values else "?"
        return Text.assemble((shown, "bold cyan"), f" = {value}")
    label = Text.assemble((shown, "bold"), f" = {show_expr(graph.node(name).text, target)}")
    if name in values:
        label.append(view_text(f"  → {_signed(show(values[name]), target)}", target), "green")
    return label


def _signed(number: str, target: Target) -> str:
    """A printed number with the paper's minus (−1), as the stem and the working print it."""
    return number if target == "ascii" else number.replace("-", "−")


def _grow(tree: Tree, graph: Graph, values: dict, name: str, seen: set[str], depth: int,
          target: Target) -> None:
    if graph.is_leaf(name) or depth > 12:
        return
    for parent in graph.node(name).parents:
        if parent in seen and not graph.is_leaf(parent):
            tree.add(Text(f"{show_name(parent, target)} (shown above)", style="dim"))
            continue
        seen.add(parent)
        _grow(tree.add(_label(graph, values, parent, target)), graph, values, parent, seen,
              depth + 1, target)


def forward_table(graph: Graph, solution: Solution, target: Target = "unicode") -> Table:
    """Each node the answer depends on, its definition and its value, in order."""
    table = Table(title="Forward pass", box=box.ROUNDED, title_justify="left")
    table.add_column("node")
    table.add_column("definition")
    table.add_column("value", justify="right")
    root = graph.find.of if graph.find else graph.nodes[-1].name
    needed = graph.ancestors(root) | {root}
    for node in graph.nodes:
        if node.name in needed:
            table.add_row(show_name(node.name, target), show_expr(node.text, target),
                          show(solution.forward[node.name]))
    return table


def local_table(solution: Solution, target: Target = "unicode") -> Table:
    table = Table(title="Local derivatives (one per edge)", box=box.ROUNDED, title_justify="left")
    table.add_column("edge")
    table.add_column("formula")
    table.add_column("value", justify="right")
    table.add_column("why", overflow="fold")
    for edge in solution.edges:
        table.add_row(show_span(edge.label, target), show_span(edge.formula, target),
                      show(edge.value), show_markup(edge.rule, target))
    return table


def paths_table(solution: Solution, target: Target = "unicode") -> Table:
    table = Table(title="Paths from the output back to the variable", box=box.ROUNDED,
                  title_justify="left")
    table.add_column("path")
    table.add_column("product of local derivatives", overflow="fold")
    table.add_column("value", justify="right")
    for path in solution.paths:
        factors = view_text(" × ".join(factor(f) for f in path.factors), target)
        table.add_row(view_text(" ← ", target).join(show_name(n, target) for n in path.names),
                      factors, view_text(show(path.product), target))
    if len(solution.paths) > 1 and solution.gradient is not None:
        table.add_row(Text("sum over paths", style="bold"), "", Text(show(solution.gradient), style="bold"))
    return table


def steps_list(steps: Sequence[Step], kinds: Sequence[str], target: Target = "unicode") -> Text:
    lines = [show_markup(s.text, target) for s in steps if s.kind in kinds]
    return Text("\n".join(lines))


EXACT_CHARS = 40  # an exact form longer than this is not one a student would write down


def answer_panel(solution: Solution, target: Target = "unicode", names: dict[str, str] | None = None) -> Panel:
    """The asked quantity (named as the stem names it), its exact form when that is short and
    exact (a fraction, 1/(1 + exp(-1))), and its decimal."""
    body = Text(show_span(rename(solution.question, names or {}), target), style="bold")
    exact = solution.exact_text
    if not solution.exact.is_Float and len(exact) <= EXACT_CHARS:
        body.append("\n").append(view_text(f"= {exact}", target))
    if not solution.exact.is_Integer:
        body.append("\n").append(show_markup(f"≈ {_decimal(solution.value)}", target))
    return Panel(body, title="Answer", box=box.DOUBLE, expand=False, border_style="green")


def _decimal(value: float) -> str:
    """Six significant digits, a power of ten as maths (6.08386·10⁻⁵), never Python's 6.08e-05."""
    text = f"{value:.6g}"
    return text if "e" not in text else f"${power_of_ten(value, 6)}$"


def working_view(graph: Graph, solution: Solution, scalar: bool = False) -> RenderableType:
    """The whole working, top to bottom, as a student writes it: for a network of layers the
    figure and the vector form (what the student writes), unless `scalar` asks for every unit's
    value and every edge's local derivative as well."""
    if not scalar and any(s.kind == "vector" for s in solution.steps):
        return Lazy(lambda target: _layer_working(graph, solution, target))
    return Lazy(lambda target: _working(graph, solution, target))


SCALAR_HINT = "Every unit's value and every edge's local derivative: add --scalar."


def _layer_working(graph: Graph, solution: Solution, target: Target) -> Group:
    parts: list[RenderableType] = [Text("Network", style="bold")]
    figure = build_figure(graph)
    if isinstance(figure, LayeredFigure):
        parts.append(layered_text(figure, target, 76))
    parts += [maths_text("Vector form", target, "bold"), steps_list(solution.steps, ("vector",), target)]
    for kinds in (("delta",), ("path",), ("update",)):
        lines = steps_list(solution.steps, kinds, target)
        if lines.plain:
            parts.append(lines)
    return Group(*parts, *_closing(graph, solution, target), maths_text(SCALAR_HINT, target, "dim"))


def _closing(graph: Graph, solution: Solution, target: Target) -> list[RenderableType]:
    """The answer, the ReLU convention when a ReLU is on the way, and the cross-check."""
    parts: list[RenderableType] = [answer_panel(solution, target, display_names(graph))]
    if any(e.activation == "relu" for e in solution.edges):
        parts.append(maths_text(f"Convention: {RELU_CONVENTION}.", target, "dim"))
    parts.append(maths_text(f"✓ {solution.checked}", target, "dim"))
    return parts


def _working(graph: Graph, solution: Solution, target: Target) -> Group:
    parts: list[RenderableType] = [
        Text("Network", style="bold"),
        network_tree(graph, solution.forward, target=target),
        forward_table(graph, solution, target)]
    if solution.edges:
        parts.append(local_table(solution, target))
    sections = [("delta", BACKWARD), ("vector", "Vector form")]
    for kind, title in sections:
        lines = steps_list(solution.steps, (kind,), target)
        if lines.plain:
            parts += [maths_text(title, target, "bold"), lines]
    if solution.paths:
        parts.append(paths_table(solution, target))
    for kinds in (("path",) if not solution.paths else (), ("update",)):
        lines = steps_list(solution.steps, kinds, target)
        if lines.plain:
            parts.append(lines)
    return Group(*parts, *_closing(graph, solution, target))


def question_diagram(question: Question, target: Target = "unicode",
                     width: int = 76) -> Tree | Text | None:
    """The network of a question with its given values only (nothing the student must find):
    a layered figure for networks of layers, else the tree of the computation graph."""
    graph = question_graph(question)
    if graph is None:
        return None
    figure = build_figure(graph)
    if isinstance(figure, LayeredFigure):
        return layered_text(figure, target, width)
    import sympy as sp

    leaves = {k: sp.Rational(v.numerator, v.denominator) for k, v in graph.values.items()}
    root = question.find["of"] if question.find else None
    return network_tree(graph, leaves, root=root, target=target)


def layered_text(figure: LayeredFigure, target: Target, width: int) -> Text:
    """A network of layers as the paper draws it, or, too wide for `width`, its layers in words
    and its matrices."""
    lines = figure_lines(figure, target, width)
    if max(map(cell_len, lines)) > width:
        lines = _matrices_only(figure, lines, target)
    return Text("\n".join(lines), no_wrap=True, overflow="crop")


def _matrices_only(figure: LayeredFigure, lines: list[str], target: Target) -> list[str]:
    """Too narrow for the drawing: the input and each layer in words, then the weight matrices
    (the drawing's own lines below its first blank line), as the paper gives a network."""
    from gatebp.core.maths import render_name, render_number
    from gatebp.ui.terminal.figure import PLAIN_TITLES, TITLES

    titles = PLAIN_TITLES if target == "ascii" else TITLES
    inputs = ", ".join(f"{render_name(u.name, target)} = {render_number(u.value, target)}"
                       for u in figure.columns[0].units)
    layers = [f"{c.stem or 'layer'}: {len(c.units)} {titles.get(c.act, c.act)} "
              f"unit{'s' if len(c.units) > 1 else ''}" for c in figure.columns[1:]]
    matrices = lines[lines.index("") + 1:] if "" in lines else []
    return [f"input: {inputs}", *layers, "", *matrices]


def question_graph(question: Question) -> Graph | None:
    """The question's network rebuilt from its exported values and nodes (read, never solved)."""
    if question.graph is None:
        return None
    return graph_from_record(question.graph, source=question.id or "<question>")


BACKWARD = "Backward pass (the sensitivities $δ(n)$, from the output back)"
SECTIONS = {"forward": "Forward pass", "local": "Local derivatives (one per edge)",
            "delta": BACKWARD, "vector": "Vector form",
            "path": "Paths from the output back to the variable", "sum": "Paths from the output back to the variable",
            "answer": "Answer", "update": "Answer", "verdict": "Why each option is right or wrong"}


def question_working(question: Question) -> RenderableType:
    """The question's own typed working, a heading wherever its kind of step changes, then why
    each option is right or wrong (in option order, with letters)."""
    return Lazy(lambda target: _question_working(question, target))


def _question_working(question: Question, target: Target) -> Group:
    parts: list[RenderableType] = []
    heading = None
    for step in question.solution:
        section = SECTIONS.get(step.kind, "")
        if section and section != heading:
            parts.append(maths_text(section, target, "bold"))
        elif not section and heading == SECTIONS["forward"]:
            parts.append(Text(""))  # a note after the forward pass starts what follows it, not more of it
            heading = None
        heading = section or heading
        parts.append(maths_text(step.text, target, "bold" if step.kind == "key" else ""))
    reasons = option_reasons(question, target)
    return Group(*parts, reasons) if reasons is not None else Group(*parts)


def option_reasons(question: Question, target: Target = "unicode") -> Text | None:
    """"A: right: ∂y/∂w1 = 6" / "B: wrong: ... you ignored the closed gate", one line per option."""
    judged = [o for o in question.options if o.true is not None]
    if not judged:
        return None
    text = Text("Why each option is right or wrong", style="bold")
    for option in judged:
        text.append("\n")
        text.append(show_markup(option.verdict_text(), target), style="green" if option.true else "")
    return text
