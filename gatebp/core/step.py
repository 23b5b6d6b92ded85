"""One line of worked solution, typed by what it does, so views choose lines by kind, not by text.

The solver writes forward, local, delta, vector, path, sum, answer, update and note steps; a
question adds the key and, for statement options, a verdict per option. Hints show only the
kinds in HINTABLE, so no hint can give the key away.
"""

from __future__ import annotations

from dataclasses import dataclass

STEP_KINDS = ("forward", "local", "delta", "vector", "path", "sum", "answer", "update", "note",
              "key", "verdict")
HINTABLE = ("forward", "local", "delta", "vector", "path", "sum", "update", "note")


@dataclass(frozen=True)
class Step:
    """A line of working: `kind` is one of STEP_KINDS, `text` what the student reads."""

    kind: str
    text: str

    def __post_init__(self) -> None:
        if self.kind not in STEP_KINDS:
            raise ValueError(f"unknown step kind {self.kind!r}; expected one of {STEP_KINDS}")

    def to_dict(self) -> dict[str, str]:
        return {"kind": self.kind, "text": self.text}

    @classmethod
    def from_dict(cls, data: dict[str, str]) -> Step:
        return cls(data.get("kind", "note"), data["text"])


def as_steps(lines: object) -> tuple[Step, ...]:
    """Steps from steps or plain lines (a plain line of working is a note)."""
    return tuple(s if isinstance(s, Step) else Step("note", str(s)) for s in lines)  # type: ignore[attr-defined]
