"""Re-grade every quantity claim of an export with PyTorch autograd (issue 11, "Must show").

    .venv/bin/python tools/torch_regrade.py                 # exports --count 1000 --seed 1 itself
    .venv/bin/python tools/torch_regrade.py questions.json  # or re-grades a saved JSON export

For each MCQ/MSQ option whose claim is a graph quantity (`quantity`, or the vector form
`quantities`), the question's exported graph is rebuilt as a torch computation in float64 (only the
expression parser is shared with gatebp), the claimed quantity is recomputed (a forward value, a
derivative by autograd, or the weight after one descent step) and compared, at the claim's
rounding, with the option's `true`; a NAT key over a graph is checked against its range too. Prints the counts and every disagreement; exits 1 if any.
Not part of `make test`: torch is a large optional install (pip install torch into .venv).
"""

from __future__ import annotations

import json
import subprocess
import sys
from fractions import Fraction
from pathlib import Path
from typing import Any

import torch

from gatebp.core.expr import Call, Name, Neg, Num, parse_expr_text

FUNCS = {
    "relu": torch.relu, "sigmoid": torch.sigmoid, "tanh": torch.tanh, "exp": torch.exp, "log": torch.log,
    "leaky_relu": lambda z: torch.nn.functional.leaky_relu(z, 0.01),
    "softplus": torch.nn.functional.softplus,
    "step": lambda z: (z > 0).to(z.dtype) + 0 * z, "step1": lambda z: (z >= 0).to(z.dtype) + 0 * z,
    "sign": torch.sign,
}


def _number(text: str) -> float:
    return float(Fraction(text))


def _eval(node: Any, env: dict[str, torch.Tensor]) -> torch.Tensor:
    if isinstance(node, Num):
        return torch.tensor(float(node.value), dtype=torch.float64)
    if isinstance(node, Name):
        return env[node.id]
    if isinstance(node, Neg):
        return -_eval(node.operand, env)
    if isinstance(node, Call):
        return FUNCS[node.func](_eval(node.arg, env))
    left, right = _eval(node.left, env), _eval(node.right, env)
    return {"+": left + right, "-": left - right, "*": left * right, "/": left / right,
            "**": left**right}[node.op]


def forward(graph: dict[str, Any]) -> dict[str, torch.Tensor]:
    env = {k: torch.tensor(_number(v), dtype=torch.float64, requires_grad=True) for k, v in graph["values"].items()}
    for name, text in graph["nodes"].items():  # the export lists nodes in dependency order
        env[name] = _eval(parse_expr_text(text), env)
    return env


def quantity(graph: dict[str, Any], find: dict[str, Any]) -> float:
    env = forward(graph)
    out = env[find["of"]]
    if not find.get("wrt"):
        return out.item()
    (slope,) = torch.autograd.grad(out, env[find["wrt"]], allow_unused=True)
    slope_value = 0.0 if slope is None else slope.item()
    if find.get("lr") is not None:
        return env[find["wrt"]].item() - _number(str(find["lr"])) * slope_value
    return slope_value


def rounds(shown: float, truth: float, places: int) -> bool:
    return abs(shown - truth) <= 0.5 * 10.0**-places + 1e-9


def holds(graph: dict[str, Any], claim: dict[str, Any]) -> bool:
    places = int(claim.get("places", 4))
    if claim["kind"] == "quantity":
        return rounds(float(claim["value"]), quantity(graph, claim["find"]), places)
    return all(rounds(float(v), quantity(graph, f), places) for f, v in zip(claim["finds"], claim["values"]))


def load(argv: list[str]) -> dict[str, Any]:
    if argv:
        return json.loads(Path(argv[0]).read_text())
    gatebp = Path(sys.executable).with_name("gatebp")
    out = subprocess.run([str(gatebp), "export", "--count", "1000", "--seed", "1", "--format", "json"],
                         check=True, capture_output=True, text=True)
    return json.loads(out.stdout)


def main(argv: list[str]) -> int:
    data = load(argv)
    checked, keys, disagreements = 0, 0, []
    for q in data["questions"]:
        if q["type"] == "NAT" and q.get("graph") and q.get("find"):
            keys += 1
            lo, hi = q["answer"]["range"]
            value = quantity(q["graph"], q["find"])
            if not lo - 1e-9 <= round(value, int(q.get("rounding") or 0)) <= hi + 1e-9:
                disagreements.append((q["id"], "NAT", f"torch {value}", q["answer"]))
        for option in q.get("options") or []:
            claim = option.get("claim") or {}
            if claim.get("kind") not in ("quantity", "quantities"):
                continue
            checked += 1
            verdict = holds(q["graph"], claim)
            if verdict != option.get("true"):
                disagreements.append((q["id"], option["label"], option["text"], claim))
    print(f"{len(data['questions'])} questions, {checked} quantity claims and {keys} NAT graph keys re-graded "
          f"with torch {torch.__version__}: {len(disagreements)} disagreements")
    for item in disagreements:
        print("  DISAGREE", *item)
    return 1 if disagreements else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
