"""One line of worked solution, typed by what it does, so views choose lines by kind, not by text.

The solver writes forward, local, delta, vector, path, sum, answer, update and note steps; a
question adds the key and, for statement options, a verdict per option. Hints show only the
kinds in HINTABLE, so no hint can give the key away.

A step the student could compute and type also carries `quantity` (what it computes, as maths
markup: "z1", "∂h1/∂z1", "∂y/∂z1"), `value` (its number, the float of the solver's exact or
50-digit value) and `skill` (what it drills), so a guided drill can ask for it and check it, and
history can count skills. The solver's skills (SKILLS):

    forward             a node's forward value (quantity: the node's name)
    local:<activation>  a unit's local rule, e.g. local:relu (the gate), local:sigmoid (a(1 − a)),
                        local:tanh (1 − a²), local:softmax, local:exp, local:log, local:step
    local:linear        a weighted sum's coefficient (∂z/∂x = w, ∂z/∂b = 1)
    local:loss          the loss node's own derivative (∂L/∂ŷ = 2(ŷ − t), ∂L/∂p for BCE)
    local:expression    any other node's local partial, by the ordinary rules of calculus
    delta               a total partial δ(n) = ∂out/∂n (quantity "∂out/∂n")
    path                the product of the local partials along one path
    sum                 the sum over the paths (or of the terms at a merge)
    update              the weight after one gradient-descent step (quantity: the weight)
    answer              the asked value or derivative
"""

from __future__ import annotations

from dataclasses import dataclass

STEP_KINDS = ("forward", "local", "delta", "vector", "path", "sum", "answer", "update", "note",
              "key", "verdict")
HINTABLE = ("forward", "local", "delta", "vector", "path", "sum", "update", "note")
SKILLS = ("forward", "local:linear", "local:loss", "local:expression", "delta", "path", "sum", "update",
          "answer")  # plus local:<activation> for each activation with a local rule


@dataclass(frozen=True)
class Step:
    """A line of working: `kind` is one of STEP_KINDS, `text` what the student reads."""

    kind: str
    text: str
    quantity: str | None = None
    value: float | None = None
    skill: str | None = None

    def __post_init__(self) -> None:
        if self.kind not in STEP_KINDS:
            raise ValueError(f"unknown step kind {self.kind!r}; expected one of {STEP_KINDS}")

    @property
    def checkable(self) -> bool:
        """A guided drill can ask for this step: it names a quantity and has its value."""
        return self.quantity is not None and self.value is not None

    def to_dict(self) -> dict[str, object]:
        out: dict[str, object] = {"kind": self.kind, "text": self.text}
        for key in ("quantity", "value", "skill"):
            if getattr(self, key) is not None:
                out[key] = getattr(self, key)
        return out

    @classmethod
    def from_dict(cls, data: dict[str, object]) -> Step:
        value = data.get("value")
        return cls(str(data.get("kind", "note")), str(data["text"]),
                   quantity=_opt_str(data.get("quantity")),
                   value=float(value) if isinstance(value, (int, float)) else None,
                   skill=_opt_str(data.get("skill")))


def _opt_str(value: object) -> str | None:
    return None if value is None else str(value)


def as_steps(lines: object) -> tuple[Step, ...]:
    """Steps from steps or plain lines (a plain line of working is a note)."""
    return tuple(s if isinstance(s, Step) else Step("note", str(s)) for s in lines)  # type: ignore[attr-defined]
