"""`gatebp explain`: solve a network from a file, the shell's inline form, or a question id."""

from __future__ import annotations

import json

import click

from gatebp.cli.options import command_console, plain_option
from gatebp.core.errors import GatebpError


@click.command()
@click.argument("spec_file", required=False, type=click.Path(dir_okay=False))
@click.option("--graph", "graph_text", help="Inline nodes: 'u = x*y; v = u + y; L = v**2'.")
@click.option("--at", "at_text", help="Inline leaf values: 'x=3, y=-2'.")
@click.option("--layers", "layers_text", help="Inline layer form: 'x=[1,2] | h=relu([[1,-1],[2,1]]) | y=[[1,1]]'.")
@click.option("--find", "find_text", help="What to find: dL/dx, L (a value), or 'dL/dw lr=0.1' (one step).")
@click.option("--id", "question_id", help="Rebuild and explain a generated question by its id.")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object instead of the Rich working.")
@click.option("--scalar", is_flag=True, help="For layers too: every unit's value and every edge's local derivative.")
@plain_option
def explain(spec_file: str | None, graph_text: str | None, at_text: str | None, layers_text: str | None,
            find_text: str | None, question_id: str | None, as_json: bool, scalar: bool) -> None:
    """Solve a network and show the working: forward values, local derivatives, paths, the answer
    (for a network of layers, its vector form; --scalar adds every unit and edge).

    \b
    gatebp explain net.yaml
    gatebp explain --graph 'u = x*y; v = u + y; L = v**2' --at 'x=3, y=-2' --find dL/dx
    gatebp explain --layers 'x=[1,2] | h=relu([[1,-1],[2,1]]) | y=[[3,3]]' --find dy1/dx1
    gatebp explain --id relu-gate:MCQ1:40213
    """
    console = command_console()
    if question_id:
        _explain_question(question_id, console, as_json)
        return
    graph = _load_graph(spec_file, graph_text, at_text, layers_text, find_text)
    from gatebp.network.solve import solve
    from gatebp.network.vector_form import vector_steps

    solution = solve(graph)
    solution = vector_steps(graph, solution)
    if as_json:
        click.echo(_json_line(solution.to_dict()))
        return
    from gatebp.ui.terminal.working import working_view

    console.print(working_view(graph, solution, scalar))


def _json_line(data: dict[str, object]) -> str:
    """Strict JSON: a value too large for a float would print as Infinity, which is not JSON."""
    try:
        return json.dumps(data, ensure_ascii=False, allow_nan=False)
    except ValueError:
        raise GatebpError("a result is too large to write as JSON (it overflows a float); "
                          "use smaller values") from None


def _load_graph(spec_file, graph_text, at_text, layers_text, find_text):
    from gatebp.network.spec import check_find, load_spec, parse_find_text, parse_inline

    inline = graph_text or layers_text
    if spec_file and inline:
        raise click.UsageError("give a SPEC_FILE or --graph/--layers, not both")
    if not spec_file and not inline:
        raise click.UsageError("give a SPEC_FILE, --graph/--at/--find, --layers or --id (see --help)")
    if not spec_file:
        if at_text and not graph_text and not layers_text:
            raise click.UsageError("--at needs --graph")
        graph = parse_inline(graph_text, at_text, find_text, layers_text)
    else:
        graph = load_spec(spec_file)
        if find_text:
            graph = graph.with_find(check_find(parse_find_text(find_text), graph))
    if graph.find is None:
        raise GatebpError("nothing to find: add --find (e.g. --find dL/dx) or a find: key to the spec")
    return graph


def _explain_question(question_id: str, console, as_json: bool) -> None:
    from gatebp.questions.generate import question_from_id

    question = question_from_id(question_id)
    if as_json:
        click.echo(_json_line(question.to_dict()))
        return
    from gatebp.ui.terminal.maths import maths
    from gatebp.ui.terminal.question import question_panel
    from gatebp.ui.terminal.working import question_working

    console.print(question_panel(question, 1, 1))
    console.print(maths(f"Key: {question.key_text()}"))
    console.print(question_working(question))
