"""An independent numeric reference: evaluate a graph with mpmath and differentiate it by
central finite differences at high precision. It shares only the parser with gatebp."""

from __future__ import annotations

import mpmath

from gatebp.core.expr import Call, Name, Neg, Num, parse_expr_text

DIGITS = 60
mpmath.mp.dps = DIGITS
STEP = mpmath.mpf("1e-20")

FUNCS = {
    "relu": lambda z: z if z > 0 else mpmath.mpf(0),
    "sigmoid": lambda z: 1 / (1 + mpmath.exp(-z)),
    "tanh": mpmath.tanh,
    "exp": mpmath.exp,
    "log": mpmath.log,
    "leaky_relu": lambda z: z if z > 0 else z / 100,
    "softplus": lambda z: mpmath.log(1 + mpmath.exp(z)),
}


def _eval(expr, env, relu_inputs):
    if isinstance(expr, Num):
        return mpmath.mpf(expr.value.numerator) / expr.value.denominator
    if isinstance(expr, Name):
        return env[expr.id]
    if isinstance(expr, Neg):
        return -_eval(expr.operand, env, relu_inputs)
    if isinstance(expr, Call):
        arg = _eval(expr.arg, env, relu_inputs)
        if expr.func in ("relu", "leaky_relu"):
            relu_inputs.append(arg)
        return FUNCS[expr.func](arg)
    left, right = _eval(expr.left, env, relu_inputs), _eval(expr.right, env, relu_inputs)
    operations = {"+": lambda: left + right, "-": lambda: left - right, "*": lambda: left * right,
                  "/": lambda: left / right, "**": lambda: left**right}
    return operations[expr.op]()


def evaluate(graph: dict, overrides: dict | None = None, relu_inputs: list | None = None) -> dict:
    """All values of a graph dict {values, nodes}; `overrides` pins a leaf or node's value."""
    overrides = overrides or {}
    relu_inputs = [] if relu_inputs is None else relu_inputs
    env = {}
    for name, text in graph["values"].items():
        numerator, denominator = _ratio(text)
        env[name] = overrides.get(name, mpmath.mpf(numerator) / denominator)
    for name, text in graph["nodes"].items():
        env[name] = overrides[name] if name in overrides else _eval(parse_expr_text(text), env, relu_inputs)
    return env


def _ratio(text: str) -> tuple[int, int]:
    from fractions import Fraction

    value = Fraction(text.strip())
    return value.numerator, value.denominator


@mpmath.workdps(DIGITS)
def derivative(graph: dict, of: str, wrt: str) -> tuple[mpmath.mpf, mpmath.mpf]:
    """(∂of/∂wrt by central difference, the smallest |ReLU input| seen: a kink nearby spoils it).

    At DIGITS digits whatever other test modules set mpmath.mp.dps to."""
    kinks: list = []
    base = evaluate(graph, relu_inputs=kinks)
    point = base[wrt]
    up = evaluate(graph, {wrt: point + STEP})[of]
    down = evaluate(graph, {wrt: point - STEP})[of]
    nearest = min((abs(k) for k in kinks), default=mpmath.inf)
    return (up - down) / (2 * STEP), nearest


def hand_expand(inputs: list, layers: list[dict]) -> tuple[dict, list[str]]:
    """A layer-form net written out as a student writes it by hand, from the documented naming
    scheme (x1, w_h1_x1, b_h1, z_h1, h1), without gatebp's layer code: ({values, nodes}, outputs)."""
    values = {f"x{j + 1}": str(v) for j, v in enumerate(inputs)}
    nodes: dict[str, str] = {}
    previous = list(values)
    for layer in layers:
        out, act, units = layer["out"], layer.get("act", "linear"), []
        for i, row in enumerate(layer["W"], start=1):
            terms = []
            for j, weight in enumerate(row):
                values[f"w_{out}{i}_{previous[j]}"] = str(weight)
                terms.append(f"w_{out}{i}_{previous[j]}*{previous[j]}")
            if layer.get("b") is not None:
                values[f"b_{out}{i}"] = str(layer["b"][i - 1])
                terms.append(f"b_{out}{i}")
            units.append(f"{out}{i}")
            nodes[f"{out}{i}" if act == "linear" else f"z_{out}{i}"] = " + ".join(terms)
        if act == "softmax":
            total = " + ".join(f"exp(z_{u})" for u in units)
            nodes.update({u: f"exp(z_{u}) / ({total})" for u in units})
        elif act != "linear":
            nodes.update({u: f"{act}(z_{u})" for u in units})
        previous = units
    return {"values": values, "nodes": nodes}, previous
