"""A gradient question whose key equals the forward output it differentiates lets a student who
only ran the forward pass score: such draws are redrawn (zero excepted: a closed gate zeroes both)."""

from __future__ import annotations

import pytest

from tests.sweep import built
from tests.reference import evaluate


@pytest.mark.parametrize("topic,marks", [("relu-gate", 1), ("relu-gate", 2), ("merges", 1), ("residual", 2),
                                         ("multipath-relu", 1), ("two-layer-mse", 1)])
def test_a_nonzero_key_never_equals_the_output(topic: str, marks: int) -> None:
    for seed in range(40):
        q = built(topic, "NAT", marks, 500 + seed)
        assert q.find is not None and q.graph is not None
        output = evaluate(q.graph)[q.find["of"]]  # the independent mpmath evaluator
        value = q.answer["value"]
        assert value == 0 or abs(float(output) - value) > 1e-9, (q.id, output, value)
