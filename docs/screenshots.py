"""Re-make the exam screen's screenshots in docs/: `.venv/bin/python docs/screenshots.py`.

A fixed paper (seed 7, 20 questions) with a few answers given, shown on Textual's headless
driver at 100x32 and 80x24, and once with the calculator open; each saved with
`App.save_screenshot`.
"""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path

from gatebp.app.session import LazyQuestions
from gatebp.gate.exam import Exam
from gatebp.questions.paper import plan_paper
from gatebp.ui.screen.app import ExamApp

DOCS = Path(__file__).resolve().parent
SHOTS = (("exam-100x32.svg", (100, 32), False), ("exam-80x24.svg", (80, 24), False),
         ("exam-calculator-100x32.svg", (100, 32), True))


async def shoot(path: Path, size: tuple[int, int], calculator: bool) -> None:
    """Answer Q1, save; answer Q2, mark; mark Q3; select B on Q4 (unsaved), 20:34 gone."""
    questions = LazyQuestions(plan_paper(7, 20).items)
    now = [0.0]
    app = ExamApp(Exam(questions, 55 * 60, started=0.0), clock=lambda: now[0],
                  title="GATE mock paper")
    async with app.run_test(size=size) as pilot:
        key = "abcd"[questions[0].answer["correct"][0]]
        await pilot.press(key, "n", *f"{questions[1].answer['value']:g}", "m", "m", "b")
        now[0] = 20 * 60 + 34
        if calculator:
            await pilot.press("equals_sign", *"1/(1+exp(-0.585))", "enter")
        await pilot.pause(0.4)
        app.save_screenshot(path.name, str(path.parent))


def main(folder: Path = DOCS) -> None:
    for name, size, calculator in SHOTS:
        asyncio.run(shoot(folder / name, size, calculator))
        print(folder / name)


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else DOCS)
