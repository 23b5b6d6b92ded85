"""Which skills each family's guided steps drill, so the scheduler can aim at the weakest one.

Every family has "forward" and "answer" steps; the map lists what a family's questions ask
besides. It is checked against the generated plans (tests/test_guided_plans.py): a family whose
plans drill a skill not listed here fails that test, so the map cannot drift from the plans.
"""

from __future__ import annotations

from collections.abc import Sequence

FAMILY_SKILLS: dict[str, tuple[str, ...]] = {
    "activation-path": ("local:linear", "local:loss", "local:sigmoid", "local:tanh", "path"),
    "batch-bias": ("local:expression", "local:linear", "local:relu", "path", "sum", "update"),
    "delta-recursion": ("local:linear", "local:loss", "local:sigmoid", "local:tanh", "path",
                        "sum"),
    "descent-step": ("local:linear", "local:loss", "local:relu", "local:sigmoid", "path",
                     "update"),
    "finite-difference": (),  # the two loss values: forward steps only
    "forward-output": (),
    "merges": ("local:expression", "local:linear", "local:loss", "path", "sum"),
    "multipath-relu": ("local:linear", "local:relu", "path", "sum"),
    "multipath-relu-3": ("local:linear", "local:relu", "path", "sum"),
    "relu-gate": ("local:linear", "local:relu", "path"),
    "residual": ("local:linear", "local:loss", "local:relu", "path", "sum"),
    "sigmoid-bce": ("local:linear", "local:loss", "local:relu", "local:sigmoid", "path"),
    "softmax-ce": ("local:exp", "local:expression", "local:linear", "local:loss", "path",
                   "sum"),
    "two-layer-mse": ("local:linear", "local:loss", "local:relu", "local:sigmoid", "path",
                      "sum"),
    "weight-gradients": ("local:linear", "local:loss", "path"),
}
COMMON = ("forward", "answer")
GUIDED_TOPICS: tuple[str, ...] = tuple(FAMILY_SKILLS)


def skills_of(topic: str) -> tuple[str, ...]:
    """Everything a topic's guided steps drill (none for a family without a network)."""
    if topic not in FAMILY_SKILLS:
        return ()
    return COMMON + FAMILY_SKILLS[topic]


def topics_for(skill: str, topics: Sequence[str]) -> list[str]:
    """The topics among `topics` that drill `skill`, in the order given."""
    return [t for t in topics if skill in skills_of(t)]
