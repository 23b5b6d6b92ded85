"""Network specs (YAML or JSON, scalar or layer form, or the shell's inline form) -> Graph.

YAML is read with `yaml.compose`, so every key keeps its line and raw text: numbers stay exact
(0.1 is 1/10, never a float) and each problem is reported as `file:line: key: reason`.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, replace
from fractions import Fraction
from pathlib import Path

import yaml

from gatebp.core.errors import ExpressionError, SpecError
from gatebp.core.expr import FUNCTIONS, is_valid_name, names_in, parse_expr_text
from gatebp.network.graph import Find, Graph, Node
from gatebp.network.layers import expand_layers

NUMBER = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)(/\d+)?\Z")
TOP_KEYS = ("values", "nodes", "find", "input", "layers")
MAX_SPEC_BYTES = 200_000


def load_spec(path: str | Path) -> Graph:
    """Read a spec file; a missing or unreadable file is a one-line SpecError too."""
    try:
        text = Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise SpecError(f"cannot read the file ({getattr(error, 'strerror', None) or error})",
                        source=str(path)) from None
    return parse_spec(text, source=str(path))


def parse_spec(text: str, source: str = "<spec>") -> Graph:
    """Parse spec text into a checked Graph."""
    if len(text) > MAX_SPEC_BYTES:
        raise SpecError(f"spec too large ({len(text)} bytes; limit {MAX_SPEC_BYTES})", source=source)
    try:
        _refuse_aliases(text, source)
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        line = mark.line + 1 if mark else None
        reason = getattr(error, "problem", None) or str(error).splitlines()[0]
        raise SpecError(f"not valid YAML/JSON: {reason}", source=source, line=line) from None
    return _SpecReader(source).read(root)


def _refuse_aliases(text: str, source: str) -> None:
    """YAML aliases (*name) can nest themselves or multiply a small file into a huge one."""
    for event in yaml.parse(text, Loader=yaml.SafeLoader):
        if isinstance(event, yaml.AliasEvent):
            line = event.start_mark.line + 1 if event.start_mark else None
            raise SpecError("YAML aliases (*name) are not allowed in a spec; write the values out", source=source,
                            line=line)


def graph_from_node(node: yaml.Node, source: str) -> Graph:
    """A spec already composed inside a larger YAML file (a bank item): errors keep its lines."""
    return _SpecReader(source).read(node)


def find_from_node(node: yaml.Node, line: int, graph: Graph, source: str) -> Find:
    """A `find` composed inside a larger YAML file, checked against `graph`."""
    return _SpecReader(source).read_find((node, line), graph)


def parse_number(text: str) -> Fraction:
    """An exact number from an int, a decimal or "p/q"; ValueError otherwise."""
    cleaned = text.strip().replace(" ", "")
    if not NUMBER.match(cleaned):
        raise ValueError(text)
    if "/" in cleaned:
        top, bottom = cleaned.split("/")
        if Fraction(bottom) == 0:
            raise ValueError(text)
        return Fraction(top) / Fraction(bottom)
    return Fraction(cleaned)


@dataclass
class _Located:
    """A plain value (str, list or dict) with the line it came from."""

    value: object
    line: int


class _SpecReader:
    """Walks a composed YAML tree, checking as it goes and building the Graph."""

    def __init__(self, source: str):
        self.source = source
        self.lines: dict[str, int] = {}

    def fail(self, message: str, line: int | None, key: str = "") -> SpecError:
        return SpecError(message, source=self.source, line=line, key=key)

    def read(self, root: yaml.Node | None) -> Graph:
        if not isinstance(root, yaml.MappingNode):
            raise self.fail("a spec is a mapping with 'values', 'nodes' and 'find'", _line(root))
        top = self.mapping(root, "spec")
        for key, (_, line) in top.items():
            if key not in TOP_KEYS:
                raise self.fail(f"unknown key (expected one of: {', '.join(TOP_KEYS)})", line, key)
        values: dict[str, Fraction] = {}
        nodes: list[Node] = []
        if "layers" in top or "input" in top:
            self.read_layers(top, values, nodes)
        elif "nodes" not in top:
            raise self.fail("missing 'nodes' (or 'input' and 'layers')", _line(root))
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
            raise self.fail(f"{what} must be a mapping of name: value", _line(node), what)
        out: dict[str, tuple[yaml.Node, int]] = {}
        for key_node, value_node in node.value:
            key = str(key_node.value)
            if key in out:
                raise self.fail(f"'{key}' is defined twice (first on line {out[key][1]})", _line(key_node), what)
            out[key] = (value_node, _line(key_node))
        return out

    def define(self, name: str, line: int, key: str) -> None:
        if not is_valid_name(name):
            why = "is a function name" if name in FUNCTIONS else "is not a valid name (letters, digits, _)"
            raise self.fail(f"'{name}' {why}", line, key)
        if name in self.lines:
            raise self.fail(f"'{name}' is already defined on line {self.lines[name]}", line, key)
        self.lines[name] = line

    def read_values(self, node: yaml.Node, values: dict[str, Fraction], nodes: list[Node]) -> None:
        for name, (value_node, line) in self.mapping(node[0], "values").items():
            key = f"values.{name}"
            self.define(name, line, key)
            values[name] = self.number(value_node, key)

    def number(self, node: yaml.Node, key: str) -> Fraction:
        raw = node.value if isinstance(node, yaml.ScalarNode) else None
        try:
            if not isinstance(raw, str):
                raise ValueError(raw)
            return parse_number(raw)
        except (ValueError, ZeroDivisionError):
            shown = raw if isinstance(raw, str) else "a " + type(node).__name__.replace("Node", "").lower()
            raise self.fail(f"{shown!r} is not a number (use 2, -0.5 or \"1/3\")", _line(node), key) from None

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
            raise self.fail(str(error), _line(expr_node), key) from None
        parents = names_in(expr)
        for parent in parents:
            self.check_defined(parent, name, line, key, later)
        return Node(name, expr, parents)

    def check_defined(self, parent: str, name: str, line: int, key: str, later: set[str]) -> None:
        if parent == name:
            raise self.fail(f"'{name}' uses itself", line, key)
        if parent in self.lines:
            return
        if parent in later:
            raise self.fail(f"'{parent}' is used before it is defined (nodes are in order)", line, key)
        raise self.fail(f"'{parent}' is not defined (add it to values or nodes)", line, key)

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
        find = Find(str(fields["of"][0].value), _text(fields.get("wrt")), lr)
        try:
            return check_find(find, graph)
        except SpecError as error:
            raise self.fail(error.reason, line, "find") from None

    def read_layers(self, top: dict[str, tuple[yaml.Node, int]], values: dict[str, Fraction],
                    nodes: list[Node]) -> None:
        if "input" not in top or "layers" not in top:
            missing = "input" if "input" not in top else "layers"
            raise self.fail(f"a layer-form spec needs both 'input' and 'layers' ('{missing}' is missing)",
                            next(iter(top.values()))[1])
        try:
            plain = {"input": _plain(top["input"][0]), "layers": _plain(top["layers"][0])}
        except SpecError as error:
            raise self.fail(error.reason, error.line, "layers") from None
        expanded = expand_layers(plain["input"], plain["layers"], self.fail)
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
        except ValueError:
            raise SpecError(f"learning rate {step.group(2)!r} is not a number", key="find") from None
    match = re.fullmatch(r"[d∂]\s*(\w+)\s*/\s*[d∂]\s*(\w+)", text)
    if match:
        return Find(match.group(1), match.group(2), lr)
    if re.fullmatch(r"\w+", text) and lr is None:
        return Find(text)
    raise SpecError(f"cannot read {text!r}: write dL/dx for a derivative or L for a value", key="find")


def check_find(find: Find, graph: Graph) -> Find:
    """`find` must name things in the graph; a descent step must be on a leaf (a weight)."""
    known = set(graph.names())
    for role, name in (("of", find.of), ("wrt", find.wrt)):
        if name is not None and name not in known:
            raise SpecError(f"{role}: '{name}' names nothing in the network (known: {', '.join(graph.names())})")
    if find.lr is not None and find.wrt is None:
        raise SpecError("lr needs wrt: the weight to update")
    if find.lr is not None and not graph.is_leaf(find.wrt or ""):
        raise SpecError(f"a gradient-descent step updates a leaf (a weight), and '{find.wrt}' is a node")
    if find.wrt is not None and find.wrt == find.of:
        raise SpecError(f"of and wrt are both '{find.of}'")
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
            raise SpecError(f"'{next(n for n in names if names.count(n) > 1)}' is given twice", source=option)
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
    spec: dict[str, object] = {"input": {stem.strip(): _json_numbers(vector, parts[0])}, "layers": []}
    for part in parts[1:]:
        match = re.fullmatch(r"(\w+)\s*=\s*(?:(\w+)\s*\((.*)\)|(\[.*\]))", part, re.S)
        if not match:
            raise SpecError(f"cannot read layer {part!r} (expected out=act(W) or out=act(W, b) or out=W)",
                            source="--layers")
        out, act, inner, bare = match.groups()
        matrices = _json_numbers(f"[{inner}]" if inner is not None else f"[{bare}]", part)
        layer: dict[str, object] = {"out": out, "W": matrices[0], "act": act or "linear"}
        if len(matrices) > 1:
            layer["b"] = matrices[1]
        spec["layers"].append(layer)  # type: ignore[union-attr]
    return spec


def _json_numbers(text: str, part: str) -> list:  # type: ignore[type-arg]
    """Bracketed numbers read with json (data only, never code), kept as exact text."""
    try:
        return json.loads(text, parse_float=str, parse_int=str)
    except ValueError:
        raise SpecError(f"cannot read the numbers in {part!r}", source="--layers") from None


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
            raise SpecError(f"expected name = value, got {part.strip()!r}", source=option)
        pairs.append((name.strip(), value.strip()))
    return pairs


def _text(item: tuple[yaml.Node, int] | None) -> str | None:
    return None if item is None else str(item[0].value)


def _line(node: yaml.Node | None) -> int | None:
    return node.start_mark.line + 1 if node is not None and node.start_mark else None


def _plain(node: yaml.Node) -> _Located:
    """A composed node as nested plain values, each tagged with its line (for layer errors)."""
    if isinstance(node, yaml.MappingNode):
        keys = [str(k.value) for k, _ in node.value]
        for key_node, _ in node.value:
            if keys.count(str(key_node.value)) > 1:
                raise SpecError(f"'{key_node.value}' is given twice", line=_line(key_node))
        return _Located({str(k.value): _plain(v) for k, v in node.value}, _line(node) or 0)
    if isinstance(node, yaml.SequenceNode):
        return _Located([_plain(item) for item in node.value], _line(node) or 0)
    return _Located(str(node.value), _line(node) or 0)
