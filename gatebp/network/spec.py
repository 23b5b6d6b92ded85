"""Network specs (YAML or JSON, scalar or layer form, or the shell's inline form) -> Graph.

YAML is composed by gatebp.core.reader (bounded size and depth, no aliases, no control
characters), so every key keeps its line and raw text: numbers stay exact (0.1 is 1/10, never a
float) and each problem is reported as `file:line: key: reason`. User text echoed in a message
is quoted, clipped and escaped (`quoted`), so a message is always one safe line.
"""

from __future__ import annotations

import json
import re
from dataclasses import replace
from fractions import Fraction
from pathlib import Path
from typing import Any

import yaml

from gatebp.core.errors import ExpressionError, InputError, SpecError
from gatebp.core.expr import FUNCTIONS, is_valid_name, names_in, parse_expr_text
from gatebp.core.reader import Limits, compose, key_of, kind_of, line_of, plain, read_file
from gatebp.core.text import escape_unsafe, quoted
from gatebp.network.graph import Find, Graph, Node
from gatebp.network.layers import expand_layers

NUMBER = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)(/\d+)?\Z")
TOP_KEYS = ("values", "nodes", "find", "input", "layers")
MAX_SPEC_BYTES = 200_000
SPEC_LIMITS = Limits(MAX_SPEC_BYTES)
MAX_DIGITS = 30  # no exam number needs more; 4,000 digits overflow every float comparison later
MAX_LR = 1000


def load_spec(path: str | Path) -> Graph:
    """Read a spec file; a missing, special, huge or non-UTF-8 file is a one-line SpecError."""
    try:
        text = read_file(path, SPEC_LIMITS)
    except InputError as error:
        raise _spec_error(error, str(path)) from None
    return parse_spec(text, source=str(path))


def parse_spec(text: str, source: str = "<spec>") -> Graph:
    """Parse spec text into a checked Graph."""
    try:
        root = compose(text, source, SPEC_LIMITS).root
    except InputError as error:
        raise _spec_error(error, source) from None
    return _SpecReader(source).read(root)


def _spec_error(error: InputError, source: str) -> SpecError:
    return SpecError(error.reason, source=error.source or source, line=error.line)


def graph_from_node(node: yaml.Node, source: str) -> Graph:
    """A spec already composed inside a larger YAML file (a bank item): errors keep its lines."""
    return _SpecReader(source).read(node)


def find_from_node(node: yaml.Node, line: int, graph: Graph, source: str) -> Find:
    """A `find` composed inside a larger YAML file, checked against `graph`."""
    return _SpecReader(source).read_find((node, line), graph)


def parse_number(text: str) -> Fraction:
    """An exact number from an int, a decimal or "p/q"; ValueError saying why otherwise."""
    cleaned = text.strip().replace(" ", "")
    if not NUMBER.match(cleaned):
        raise ValueError("not a number")
    if sum(char.isdigit() for char in cleaned) > MAX_DIGITS:
        raise ValueError(f"too long for a number (at most {MAX_DIGITS} digits)")
    if "/" in cleaned:
        top, bottom = cleaned.split("/")
        if Fraction(bottom) == 0:
            raise ValueError("not a number (its denominator is 0)")
        return Fraction(top) / Fraction(bottom)
    return Fraction(cleaned)


class _SpecReader:
    """Walks a composed YAML tree, checking as it goes and building the Graph."""

    def __init__(self, source: str):
        self.source = source
        self.lines: dict[str, int] = {}

    def fail(self, message: str, line: int | None, key: str = "") -> SpecError:
        """One safe line: a key or message carrying a newline or ESC is shown escaped."""
        return SpecError(escape_unsafe(message, one_line=True), source=self.source, line=line,
                         key=escape_unsafe(key, one_line=True))

    def read(self, root: yaml.Node | None) -> Graph:
        if not isinstance(root, yaml.MappingNode):
            raise self.fail("a spec is a mapping with 'values', 'nodes' and 'find'", line_of(root))
        top = self.mapping(root, "spec")
        for key, (_, line) in top.items():
            if key not in TOP_KEYS:
                raise self.fail(f"unknown key (expected one of: {', '.join(TOP_KEYS)})", line, key)
        values: dict[str, Fraction] = {}
        nodes: list[Node] = []
        if "layers" in top or "input" in top:
            self.read_layers(top, values, nodes)
        elif "nodes" not in top:
            raise self.fail("missing 'nodes' (or 'input' and 'layers')", line_of(root))
        if "values" in top:
            self.read_values(top["values"], values, nodes)
        if "nodes" in top:
            self.read_nodes(top["nodes"], values, nodes)
        graph = Graph(values, tuple(nodes), source=self.source, lines=self.lines,
                      layers=getattr(self, "layer_info", ()))
        if "find" in top:
            graph = graph.with_find(self.read_find(top["find"], graph))
        return graph

    def mapping(self, node: yaml.Node, what: str) -> dict[str, tuple[yaml.Node, int]]:
        if not isinstance(node, yaml.MappingNode):
            raise self.fail(f"{what} must be a mapping of name: value", line_of(node), what)
        out: dict[str, tuple[yaml.Node, int]] = {}
        for key_node, value_node in node.value:
            key, line = key_of(key_node), line_of(key_node) or 0
            if key is None:
                raise self.fail(f"a key must be a name, not {kind_of(key_node)}", line, what)
            if key in out:
                raise self.fail(f"{quoted(key)} is defined twice (first on line {out[key][1]})", line, what)
            out[key] = (value_node, line)
        return out

    def define(self, name: str, line: int, key: str) -> None:
        if not is_valid_name(name):
            why = "is a function name" if name in FUNCTIONS else "is not a valid name (letters, digits, _)"
            raise self.fail(f"{quoted(name)} {why}", line, key)
        if name in self.lines:
            raise self.fail(f"{quoted(name)} is already defined on line {self.lines[name]}", line, key)
        self.lines[name] = line

    def read_values(self, node: tuple[yaml.Node, int], values: dict[str, Fraction], nodes: list[Node]) -> None:
        for name, (value_node, line) in self.mapping(node[0], "values").items():
            key = f"values.{name}"
            self.define(name, line, key)
            values[name] = self.number(value_node, key)

    def number(self, node: yaml.Node, key: str) -> Fraction:
        if not isinstance(node, yaml.ScalarNode):
            raise self.fail(f"expected a number (2, -0.5 or \"1/3\"), not {kind_of(node)}", line_of(node), key)
        try:
            return parse_number(str(node.value))
        except ValueError as error:
            hint = ' (use 2, -0.5 or "1/3")' if str(error) == "not a number" else ""
            raise self.fail(f"{quoted(str(node.value))} is {error}{hint}", line_of(node), key) from None

    def read_nodes(self, node: tuple[yaml.Node, int], values: dict[str, Fraction], nodes: list[Node]) -> None:
        later = list(self.mapping(node[0], "nodes"))
        for name, (expr_node, line) in self.mapping(node[0], "nodes").items():
            key = f"nodes.{name}"
            self.define(name, line, key)
            nodes.append(self.node(name, expr_node, line, key, set(later)))

    def node(self, name: str, expr_node: yaml.Node, line: int, key: str, later: set[str]) -> Node:
        if not isinstance(expr_node, yaml.ScalarNode):
            raise self.fail("an expression must be text, e.g. w1*x + b", line, key)
        try:
            expr = parse_expr_text(str(expr_node.value))
        except ExpressionError as error:
            raise self.fail(str(error), line_of(expr_node), key) from None
        parents = names_in(expr)
        for parent in parents:
            self.check_defined(parent, name, line, key, later)
        return Node(name, expr, parents)

    def check_defined(self, parent: str, name: str, line: int, key: str, later: set[str]) -> None:
        if parent == name:
            raise self.fail(f"{quoted(name)} uses itself", line, key)
        if parent in self.lines:
            return
        if parent in later:
            raise self.fail(f"{quoted(parent)} is used before it is defined (nodes are in order)", line, key)
        raise self.fail(f"{quoted(parent)} is not defined (add it to values or nodes)", line, key)

    def read_find(self, node: tuple[yaml.Node, int], graph: Graph) -> Find:
        find_node, line = node
        if isinstance(find_node, yaml.ScalarNode):
            try:
                return check_find(parse_find_text(str(find_node.value)), graph)
            except SpecError as error:
                raise self.fail(error.reason, line, "find") from None
        fields = self.mapping(find_node, "find")
        for key, (_, key_line) in fields.items():
            if key not in ("of", "wrt", "lr"):
                raise self.fail("unknown key (expected of, wrt, lr)", key_line, f"find.{key}")
        if "of" not in fields:
            raise self.fail("'find' needs 'of' (and 'wrt' for a derivative)", line, "find")
        lr = self.number(fields["lr"][0], "find.lr") if "lr" in fields else None
        wrt = self.name(fields["wrt"], "find.wrt") if "wrt" in fields else None
        try:
            return check_find(Find(self.name(fields["of"], "find.of"), wrt, lr), graph)
        except SpecError as error:
            raise self.fail(error.reason, line, "find") from None

    def name(self, item: tuple[yaml.Node, int], key: str) -> str:
        if not isinstance(item[0], yaml.ScalarNode):
            raise self.fail(f"expected the name of a value or node, not {kind_of(item[0])}", item[1], key)
        return str(item[0].value)

    def read_layers(self, top: dict[str, tuple[yaml.Node, int]], values: dict[str, Fraction],
                    nodes: list[Node]) -> None:
        if "input" not in top or "layers" not in top:
            missing = "input" if "input" not in top else "layers"
            raise self.fail(f"a layer-form spec needs both 'input' and 'layers' ('{missing}' is missing)",
                            next(iter(top.values()))[1])
        try:
            inputs, layers = plain(top["input"][0]), plain(top["layers"][0])
        except InputError as error:
            raise self.fail(error.reason, error.line, "layers") from None
        expanded = expand_layers(inputs, layers, self.fail)
        self.layer_info = expanded.layers
        for name, value in expanded.values.items():
            self.define(name, expanded.lines.get(name, top["input"][1]), "input")
            values[name] = value
        for found in expanded.nodes:
            self.define(found.name, expanded.lines.get(found.name, top["layers"][1]), "layers")
            nodes.append(found)


def graph_from_dict(graph: dict[str, dict[str, str]], find: dict[str, object] | None = None,
                    source: str = "<question>") -> Graph:
    """A question's exported `graph` (values + nodes) and `find`, back to a checked Graph."""
    spec: dict[str, object] = {"values": graph.get("values", {}), "nodes": graph.get("nodes", {})}
    if find:
        spec["find"] = {k: (str(v) if k == "lr" else v) for k, v in find.items()}
    return parse_spec(json.dumps(spec), source=source)


def parse_find_text(text: str) -> Find:
    """`dL/dx`, `∂L/∂x`, `L` (a forward value) or `dL/dw lr=0.1` (one descent step)."""
    text = text.strip()
    lr = None
    step = re.fullmatch(r"(.*?)\s*(?:,\s*)?lr\s*=\s*(\S+)", text)
    if step:
        text = step.group(1)
        try:
            lr = parse_number(step.group(2))
        except ValueError as error:
            raise SpecError(f"learning rate {quoted(step.group(2))} is {error}", key="find") from None
    match = re.fullmatch(r"[d∂]\s*(\w+)\s*/\s*[d∂]\s*(\w+)", text)
    if match:
        return Find(match.group(1), match.group(2), lr)
    if re.fullmatch(r"\w+", text) and lr is None:
        return Find(text)
    raise SpecError(f"cannot read {quoted(text)}: write dL/dx for a derivative or L for a value", key="find")


def check_find(find: Find, graph: Graph) -> Find:
    """`find` must name things in the graph; a descent step must be on a leaf (a weight)."""
    known = set(graph.names())
    for role, name in (("of", find.of), ("wrt", find.wrt)):
        if name is not None and name not in known:
            raise SpecError(f"{role}: {quoted(name)} names nothing in the network (known: {', '.join(graph.names())})")
    if find.lr is not None and find.wrt is None:
        raise SpecError("lr needs wrt: the weight to update")
    if find.lr is not None and abs(find.lr) > MAX_LR:
        raise SpecError(f"learning rate {find.lr} is too large (at most {MAX_LR})")
    if find.lr is not None and not graph.is_leaf(find.wrt or ""):
        raise SpecError(f"a gradient-descent step updates a leaf (a weight), and {quoted(find.wrt or '')} is a node")
    if find.wrt is not None and find.wrt == find.of:
        raise SpecError(f"of and wrt are both {quoted(find.of)}")
    return find


def parse_inline(graph_text: str | None, at_text: str | None, find_text: str | None,
                 layers_text: str | None = None) -> Graph:
    """The shell form: `--graph 'u = x*y; L = u**2' --at 'x=3, y=-2' --find dL/dx`,
    or `--layers 'x=[1,2] | h=relu([[1,-1],[2,1]]) | y=[[1,1]]'` (plus --graph for a loss)."""
    spec: dict[str, object] = {}
    if layers_text:
        spec.update(_inline_layers(layers_text))
    values = _inline_pairs(at_text or "", ",", "--at")
    nodes = _inline_pairs(graph_text or "", ";", "--graph")
    if not nodes and not layers_text:
        raise SpecError("no nodes given (e.g. --graph 'u = x*y; L = u**2' or --layers ...)", source="--graph")
    if values:
        spec["values"] = dict(values)
    if nodes:
        spec["nodes"] = dict(nodes)
    for option, pairs in (("--at", values), ("--graph", nodes)):
        names = [name for name, _ in pairs]
        if len(set(names)) != len(names):
            raise SpecError(f"{quoted(next(n for n in names if names.count(n) > 1))} is given twice", source=option)
    try:
        graph = parse_spec(json.dumps(spec), source="--graph" if nodes else "--layers")
    except SpecError as error:  # inline text has no lines worth quoting
        raise SpecError(error.reason, source=error.source, key=error.key) from None
    graph = replace(graph, lines={})
    return graph if find_text is None else graph.with_find(_inline_find(find_text, graph))


def _inline_layers(text: str) -> dict[str, object]:
    """`x=[1,2] | h=relu([[1,-1],[2,1]], [0,1]) | y=[[1,1]]`: the input, then each layer."""
    parts = [p.strip() for p in text.split("|") if p.strip()]
    if len(parts) < 2:
        raise SpecError("write the input and at least one layer, e.g. 'x=[1,2] | y=[[1,1]]'", source="--layers")
    stem, _, vector = parts[0].partition("=")
    layers: list[dict[str, object]] = []
    spec: dict[str, object] = {"input": {stem.strip(): _json_numbers(vector, parts[0])}, "layers": layers}
    for part in parts[1:]:
        match = re.fullmatch(r"(\w+)\s*=\s*(?:(\w+)\s*\((.*)\)|(\[.*\]))", part, re.S)
        if not match:
            raise SpecError(f"cannot read layer {quoted(part)} (expected out=act(W) or out=act(W, b) or out=W)",
                            source="--layers")
        out, act, inner, bare = match.groups()
        matrices = _json_numbers(f"[{inner}]" if inner is not None else f"[{bare}]", part)
        layer: dict[str, object] = {"out": out, "W": matrices[0], "act": act or "linear"}
        if len(matrices) > 1:
            layer["b"] = matrices[1]
        layers.append(layer)
    return spec


def _json_numbers(text: str, part: str) -> list:
    """Bracketed numbers read by the one reader (data only, never code, bounded depth), kept as
    exact text in nested lists."""
    try:
        root = compose(text, "--layers", SPEC_LIMITS).root
        return _nested(plain(root)) if isinstance(root, yaml.SequenceNode) else []
    except InputError as error:
        raise SpecError(f"cannot read the numbers in {quoted(part)}: {error.reason}", source="--layers") from None


def _nested(item: object) -> Any:
    """Located values back to plain lists, dicts and strings (for the inline form's JSON)."""
    value = getattr(item, "value", item)
    if isinstance(value, list):
        return [_nested(entry) for entry in value]
    if isinstance(value, dict):
        return {key: _nested(entry) for key, entry in value.items()}
    return value


def _inline_find(find_text: str, graph: Graph) -> Find:
    try:
        return check_find(parse_find_text(find_text), graph)
    except SpecError as error:
        raise SpecError(error.reason, source="--find") from None


def _inline_pairs(text: str, separator: str, option: str) -> list[tuple[str, str]]:
    pairs = []
    for part in filter(str.strip, text.split(separator)):
        name, equals, value = part.partition("=")
        if not equals or not name.strip() or not value.strip():
            raise SpecError(f"expected name = value, got {quoted(part.strip())}", source=option)
        pairs.append((name.strip(), value.strip()))
    return pairs

