"""Layer form: a network written as the paper writes it (input vector, W matrices, activations)
expanded into the same scalar graph as `values`/`nodes`, so the solver and working are unchanged.

Names (documented in the README): input `x: [..]` gives leaves x1, x2, ...; a layer with
`out: h` gives units h1, h2, ...; the weight into h{i} from the previous layer's unit p{j} is
the leaf `w_h{i}_p{j}`; its bias is `b_h{i}`; a non-linear unit's pre-activation is the node
`z_h{i}` (a linear unit is its own pre-activation).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any, Protocol

from gatebp.core.activations import LAYER_ACTIVATIONS, get
from gatebp.core.errors import SpecError
from gatebp.core.expr import BinOp, Call, Expr, Name, Num, is_valid_name, names_in
from gatebp.core.text import quoted
from gatebp.network.graph import Layer, Node

ACTIVATIONS = LAYER_ACTIVATIONS  # the registry's `act:` values (gatebp.core.activations)
LAYER_KEYS = ("out", "W", "b", "act")
# GATE-sized networks have a few units a layer; a 30 x 30 layer already takes the exact solver
# tens of seconds, so larger ones are refused at once rather than solved slowly.
MAX_UNITS, MAX_LAYERS, MAX_WEIGHTS = 16, 8, 300


class Located(Protocol):
    value: Any
    line: int


Fail = Callable[..., SpecError]


@dataclass
class Expanded:
    values: dict[str, Fraction] = field(default_factory=dict)
    nodes: list[Node] = field(default_factory=list)
    lines: dict[str, int] = field(default_factory=dict)
    layers: tuple[Layer, ...] = ()


def expand_layers(inputs: Located, layers: Located, fail: Fail) -> Expanded:
    """Expand `input` and `layers` (plain values tagged with lines) into leaves and nodes."""
    out = Expanded()
    previous = _read_input(inputs, out, fail)
    if not isinstance(layers.value, list) or not layers.value:
        raise fail("'layers' must be a non-empty list of {out, W, b, act}", layers.line, "layers")
    if len(layers.value) > MAX_LAYERS:
        raise fail(f"{len(layers.value)} layers is too many for a hand-solved question "
                   f"(at most {MAX_LAYERS})", layers.line, "layers")
    built: list[Layer] = []
    for index, layer in enumerate(layers.value, start=1):
        last = index == len(layers.value)
        built.append(_expand_layer(index, layer, previous, last, out, fail))
        previous = built[-1].units
        if sum(len(b.units) * len(b.inputs) for b in built) > MAX_WEIGHTS:
            raise fail(f"the network has more than {MAX_WEIGHTS} weights, too many for a "
                       "hand-solved question", layer.line, f"layers[{index}]")
    out.layers = tuple(built)
    return out


def _read_input(inputs: Located, out: Expanded, fail: Fail) -> tuple[str, ...]:
    if not isinstance(inputs.value, dict) or len(inputs.value) != 1:
        raise fail("'input' must be one vector, e.g. input: {x: [1, 2]}", inputs.line, "input")
    (stem, vector), = inputs.value.items()
    entries = vector.value if isinstance(vector.value, list) else [vector]
    if not entries:
        raise fail("the input vector is empty", inputs.line, "input")
    if len(entries) > MAX_UNITS:
        raise fail(f"the input has {len(entries)} entries (at most {MAX_UNITS})", inputs.line, "input")
    names = []
    for position, entry in enumerate(entries, start=1):
        name = f"{stem}{position}" if isinstance(vector.value, list) else stem
        out.values[name] = _number(entry, f"input.{stem}", fail)
        out.lines[name] = entry.line
        names.append(name)
    return tuple(names)


def _expand_layer(index: int, layer: Located, previous: tuple[str, ...], last: bool,
                  out: Expanded, fail: Fail) -> Layer:
    where = f"layers[{index}]"
    if not isinstance(layer.value, dict):
        raise fail("each layer is a mapping {out, W, b, act}", layer.line, where)
    fields = layer.value
    for key, item in fields.items():
        if key not in LAYER_KEYS:
            raise fail(f"unknown key {quoted(key)} (expected {', '.join(LAYER_KEYS)})", item.line, where)
    stem = _stem(fields, layer, where, fail)
    where = f"layer {index} ({stem})"
    act = _activation(fields, layer, where, last, fail)
    weights = _matrix(fields.get("W"), layer, where, fail)
    if len(weights) > MAX_UNITS:
        raise fail(f"W has {len(weights)} rows, so {len(weights)} units (at most {MAX_UNITS})", layer.line, where)
    _check_columns(weights, previous, where, layer.line, fail)
    biases = _biases(fields.get("b"), len(weights), where, layer.line, fail)
    return _build(stem, act, weights, biases, previous, layer.line, out)


def _stem(fields: dict[str, Located], layer: Located, where: str, fail: Fail) -> str:
    if "out" not in fields:
        raise fail("missing 'out' (the units' name, e.g. out: h)", layer.line, where)
    stem = _scalar(fields["out"], "out", where, fail)
    if not is_valid_name(stem) or stem[-1].isdigit():
        raise fail(f"out: {quoted(stem)} must be a name that does not end in a digit", layer.line, where)
    return stem


def _activation(fields: dict[str, Located], layer: Located, where: str, last: bool, fail: Fail) -> str:
    act = _scalar(fields["act"], "act", where, fail) if "act" in fields else "linear"
    if act not in ACTIVATIONS:
        raise fail(f"unknown act {quoted(act)} (known: {', '.join(ACTIVATIONS)})", layer.line, where)
    if get(act).last_only and not last:
        raise fail(f"{act} is allowed only on the last layer", layer.line, where)
    return act


def _matrix(item: Located | None, layer: Located, where: str, fail: Fail) -> list[list[Fraction]]:
    if item is None:
        raise fail("missing 'W' (a list of rows, one per unit)", layer.line, where)
    rows = item.value if isinstance(item.value, list) else None
    if not rows or not all(isinstance(row.value, list) and row.value for row in rows):
        raise fail("W must be a list of rows, e.g. [[1, 2], [3, 4]]", item.line, where)
    widths = {len(row.value) for row in rows}
    if len(widths) > 1:
        raise fail(f"W's rows have different lengths ({', '.join(map(str, sorted(widths)))})", item.line, where)
    return [[_number(cell, where + ".W", fail) for cell in row.value] for row in rows]


def _check_columns(weights: list[list[Fraction]], previous: tuple[str, ...], where: str,
                   line: int, fail: Fail) -> None:
    if len(weights[0]) != len(previous):
        raise fail(f"W has {len(weights[0])} columns but the previous layer has {len(previous)} units "
                   f"({', '.join(previous)})", line, where)


def _biases(item: Located | None, units: int, where: str, line: int, fail: Fail) -> list[Fraction] | None:
    if item is None:
        return None
    if not isinstance(item.value, list):
        raise fail("b must be a list, one number per unit", item.line, where)
    if len(item.value) != units:
        raise fail(f"b has {len(item.value)} entries but W has {units} rows (units)", item.line, where)
    return [_number(cell, where + ".b", fail) for cell in item.value]


def _scalar(item: Located, name: str, where: str, fail: Fail) -> str:
    if not isinstance(item.value, str):
        raise fail(f"'{name}' must be a single name, not {_kind(item)}", item.line, where)
    return item.value


def _kind(item: Located) -> str:
    return "a list" if isinstance(item.value, list) else "a mapping" if isinstance(item.value, dict) else "empty"


def _number(item: Located, key: str, fail: Fail) -> Fraction:
    from gatebp.network.spec import parse_number

    if not isinstance(item.value, str):
        raise fail(f"expected a number, found {_kind(item)}", item.line, key)
    try:
        return parse_number(item.value)
    except ValueError as error:
        raise fail(f"{quoted(item.value)} is {error}", item.line, key) from None


def _build(stem: str, act: str, weights: list[list[Fraction]], biases: list[Fraction] | None,
           previous: tuple[str, ...], line: int, out: Expanded) -> Layer:
    units, pres, weight_names, bias_names = [], [], [], []
    for i, row in enumerate(weights, start=1):
        unit = f"{stem}{i}"
        names = tuple(f"w_{unit}_{p}" for p in previous)
        for name, value in zip(names, row):
            out.values[name], out.lines[name] = value, line
        terms: Expr = _weighted_sum(names, previous)
        if biases is not None:
            out.values[f"b_{unit}"], out.lines[f"b_{unit}"] = biases[i - 1], line
            bias_names.append(f"b_{unit}")
            terms = BinOp("+", terms, Name(f"b_{unit}"))
        pre = unit if get(act).layer_form == "identity" else f"z_{unit}"
        _add_node(out, pre, terms, line)
        units.append(unit)
        pres.append(pre)
        weight_names.append(names)
    _add_activations(out, act, units, pres, line)
    return Layer(stem, act, previous, tuple(units), tuple(pres), tuple(weight_names), tuple(bias_names))


def _weighted_sum(weights: tuple[str, ...], inputs: tuple[str, ...]) -> Expr:
    total: Expr | None = None
    for weight, source in zip(weights, inputs):
        term = BinOp("*", Name(weight), Name(source))
        total = term if total is None else BinOp("+", total, term)
    assert total is not None
    return total


def _add_activations(out: Expanded, act: str, units: list[str], pres: list[str], line: int) -> None:
    """The units of one layer, as the registry's `layer_form` says: none for an identity (a linear
    unit is its own pre-activation), act(z) per unit, or softmax's shared normaliser."""
    form = get(act).layer_form
    if form == "identity":
        return
    if form == "unit":
        for unit, pre in zip(units, pres):
            _add_node(out, unit, Call(act, Name(pre)), line)
        return
    denominator: Expr | None = None
    for pre in pres:
        term = Call("exp", Name(pre))
        denominator = term if denominator is None else BinOp("+", denominator, term)
    for unit, pre in zip(units, pres):
        _add_node(out, unit, BinOp("/", Call("exp", Name(pre)), denominator or Num(Fraction(1))), line)


def _add_node(out: Expanded, name: str, expr: Expr, line: int) -> None:
    out.nodes.append(Node(name, expr, names_in(expr)))
    out.lines[name] = line
