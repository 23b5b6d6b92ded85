"""The 20 benchmark networks: random layer-form nets of the size users write, from a fixed seed.

`python bench/nets.py` rewrites bench/nets/net01.json ... net20.json; `make bench` and the solver
tests read those files, so the set is fixed and reviewable. 2-5 layers of 2-6 units, mixed
relu/sigmoid/tanh with softmax on some last layers, biases on some layers, large logits on some nets.
"""

from __future__ import annotations

import json
import random
from pathlib import Path
from typing import Any

SEED = 20240612
COUNT = 20
FOLDER = Path(__file__).resolve().parent / "nets"
STEMS = ("h", "g", "f", "e")


def _tenth(rng: random.Random, limit: int) -> int | float:
    """A one-decimal number in [-limit/10, limit/10], written as a student writes it."""
    value = rng.randint(-limit, limit) / 10
    return int(value) if value == int(value) else value


def _layer(rng: random.Random, out: str, units: int, inputs: int, act: str, scale: int) -> dict[str, Any]:
    """One layer; `scale` multiplies the weights (large logits when it is big)."""
    weights = [[_tenth(rng, 15) * scale for _ in range(inputs)] for _ in range(units)]
    layer: dict[str, Any] = {"out": out, "W": [[round(w, 1) for w in row] for row in weights], "act": act}
    if rng.random() < 0.5:
        layer["b"] = [_tenth(rng, 10) for _ in range(units)]
    return layer


def make_net(rng: random.Random, index: int) -> dict[str, Any]:
    """One spec: every third net ends in softmax, every fourth has large logits in its last layer."""
    depth = rng.randint(2, 5)
    width = rng.randint(2, 6)
    spec: dict[str, Any] = {"input": {"x": [_tenth(rng, 20) for _ in range(width)]}, "layers": []}
    for position in range(depth):
        last = position == depth - 1
        units = rng.randint(2, 6)
        act = "softmax" if last and index % 3 == 0 else rng.choice(["relu", "sigmoid", "tanh"])
        scale = 20 if last and index % 4 == 3 else 1
        spec["layers"].append(_layer(rng, "y" if last else STEMS[position], units, width, act, scale))
        width = units
    first = spec["layers"][0]["out"]
    spec["find"] = {"of": "y1", "wrt": "x1" if index % 2 == 0 else f"w_{first}1_x1"}
    return spec


def nets() -> list[dict[str, Any]]:
    """The stored set, in order (what the bench and the tests use)."""
    return [json.loads(path.read_text()) for path in sorted(FOLDER.glob("net*.json"))]


def main() -> None:
    rng = random.Random(SEED)
    FOLDER.mkdir(exist_ok=True)
    for index in range(COUNT):
        text = json.dumps(make_net(rng, index), indent=1)
        (FOLDER / f"net{index + 1:02d}.json").write_text(text + "\n")


if __name__ == "__main__":
    main()
