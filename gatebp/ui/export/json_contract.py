"""The `gatebp.questions` v1 file: the interchange contract other tools read.

Bytes are deterministic (insertion-ordered keys, two-space indent, UTF-8, one final newline), so
the same seed gives a byte-identical file that can be diffed and checked into a course repo.
The contract always holds the key: `answer` is a required field of every question.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from gatebp.gate.question import FORMAT_NAME, FORMAT_VERSION, Question

if TYPE_CHECKING:
    from gatebp.ui.export import ExportOptions


def document(questions: Sequence[Question], seed: int | None) -> dict[str, Any]:
    return {"format": FORMAT_NAME, "version": FORMAT_VERSION, "seed": seed,
            "questions": [q.to_dict() for q in questions]}


def render(questions: Sequence[Question], options: ExportOptions, *, paper: bool = True,
           key: bool = True) -> str:
    """The whole contract; `paper`/`key` are ignored because the contract needs both."""
    from gatebp.ui.export import ExportError

    try:
        text = json.dumps(document(questions, options.seed), indent=2, sort_keys=False,
                          ensure_ascii=False, allow_nan=False)
    except (TypeError, ValueError) as error:
        raise ExportError(f"a question holds data JSON cannot carry: {error}") from None
    return text + "\n"
