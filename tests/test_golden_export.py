"""The stored export pins behaviour across refactors: the same id gives the same question.

tests/golden/questions-v1.json holds every form of every family (two seeds each), exported
before the package re-cut. Rebuilding each id must give the same text, options, key and working;
a record may only gain fields. A deliberate content change regenerates the file with
`python tests/golden/regenerate.py` and says why in its commit.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

GOLDEN = Path(__file__).parent / "golden" / "questions-v1.json"


def _stored() -> list[dict[str, Any]]:
    return json.loads(GOLDEN.read_text(encoding="utf-8"))["questions"]


def _contains(new: Any, old: Any, where: str) -> list[str]:
    """Differences where `new` does not hold everything `old` held (dicts may gain keys)."""
    if isinstance(old, dict) and isinstance(new, dict):
        found: list[str] = []
        for key, value in old.items():
            if key not in new:
                found.append(f"{where}.{key}: missing")
            else:
                found += _contains(new[key], value, f"{where}.{key}")
        return found
    if isinstance(old, list) and isinstance(new, list):
        if len(old) != len(new):
            return [f"{where}: {len(old)} items became {len(new)}"]
        return [d for i, (n, o) in enumerate(zip(new, old)) for d in _contains(n, o, f"{where}[{i}]")]
    return [] if new == old else [f"{where}: {old!r} became {new!r}"]


@pytest.mark.parametrize("stored", _stored(), ids=lambda q: q["id"])
def test_rebuilt_question_equals_the_stored_export(stored: dict[str, Any]) -> None:
    from gatebp.questions.generate import question_from_id

    rebuilt = json.loads(json.dumps(question_from_id(stored["id"]).to_dict(), ensure_ascii=False))
    assert _contains(rebuilt, stored, stored["id"]) == []
