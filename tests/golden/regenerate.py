"""Rewrite questions-v1.json from the current code: every family form, seeds 11 and 4242.

Run only for a deliberate content change (`python tests/golden/regenerate.py`), and say in the
commit which questions changed and why.
"""

from __future__ import annotations

import json
from pathlib import Path


def main() -> None:
    from gatebp.questions.generate import build_question, families_by_name

    questions = [build_question(f.name, t, m, seed).to_dict()
                 for f in families_by_name() for t in f.types for m in f.marks for seed in (11, 4242)]
    path = Path(__file__).with_name("questions-v1.json")
    text = json.dumps({"format": "gatebp.questions", "version": 1, "questions": questions},
                      indent=1, ensure_ascii=False)
    path.write_text(text, encoding="utf-8")
    print(f"wrote {len(questions)} questions to {path}")


if __name__ == "__main__":
    main()
