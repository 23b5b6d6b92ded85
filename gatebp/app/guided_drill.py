"""Asking a guided plan over a Terminal: one prompt per step, checked and recorded at once.

Each step is parsed as a NAT answer is (the keypad's digits, one '.', an optional '-'; `= expr`
is the calculator at every prompt). A wrong value gets the step's rule and, when it is a known
slip's value, the slip; the student may try once more or reveal the step (`r`). Every step is
written to the history the moment it is decided, so Ctrl-C keeps every step already answered.
"""

from __future__ import annotations

from dataclasses import dataclass

from gatebp.app.guided import GuidedPlan, GuidedStep, check, places_of
from gatebp.app.history import History, StepAttempt
from gatebp.app.io import Terminal
from gatebp.core.calculator import Calculator, calculator_reply
from gatebp.core.errors import AnswerFormatError
from gatebp.gate.grade import parse_answer
from gatebp.gate.question import Question
from gatebp.ui.terminal import guided as view

# NAT parsing for every step, whatever the question's own type.
_NUMBER = Question(id="", topic="", type="NAT", marks=1, text="", answer={}, solution=())
QUIT, SKIP = "quit", "skip"


@dataclass
class Worked:
    """How a plan ended: `status` is "done", "skip" or "quit"; `revealed` steps count as hints."""

    status: str
    revealed: int = 0
    right: int = 0


class GuidedSteps:
    """Ask a plan's steps; the final answer is the drill's own prompt."""

    def __init__(self, term: Terminal, history: History, session_id: int,
                 calculator: Calculator) -> None:
        self.term, self.history, self.session_id = term, history, session_id
        self.calculator = calculator

    def run(self, plan: GuidedPlan) -> Worked:
        self.term.show(view.guided_intro(len(plan.steps)))
        worked = Worked("done")
        for number, step in enumerate(plan.steps, start=1):
            outcome = self._step(plan, step, number)
            if outcome in (QUIT, SKIP):
                worked.status = outcome
                return worked
            worked.revealed += outcome in ("revealed", "wrong")
            worked.right += outcome == "right"
        self.term.show(view.answer_now(plan.question.type))
        return worked

    def _step(self, plan: GuidedPlan, step: GuidedStep, number: int) -> str:
        """One step to its end: the outcome recorded, or QUIT / SKIP (nothing recorded)."""
        prompt = view.step_prompt(number, len(plan.steps), step.skill, step.label, self.term.target)
        tries, first_slip, typed = 0, None, None
        while True:
            entry = self._entry(prompt, plan.question)
            if entry in (QUIT, SKIP):
                return entry
            if entry == "r":
                return self._decided(plan, step, number, "revealed", typed, first_slip)
            number_typed = float(entry)
            typed, tries = entry, tries + 1
            verdict = check(step, number_typed, places_of(plan.question))
            if verdict.right:
                self.term.show(view.right_step(step.label, step.value, tries > 1))
                return self._decided(plan, step, number, "right" if tries == 1 else "second",
                                     typed, first_slip)
            first_slip = first_slip or verdict.slip
            self.term.show(view.wrong_step(step.label, entry, step.rule, verdict.slip,
                                           retry=tries == 1))
            if tries == 2:
                return self._decided(plan, step, number, "wrong", typed, first_slip)

    def _entry(self, prompt: str, question: Question) -> str:
        """A number's text, "r", QUIT or SKIP; calculator lines and garbage are answered here."""
        while True:
            line = self.term.ask(prompt)
            if line is None:
                self.term.say("End of input.", "yellow")
                return QUIT
            command = line.strip().lower()
            if command in ("q", "s", "r"):
                return {"q": QUIT, "s": SKIP}.get(command, "r")
            reply = calculator_reply(self.calculator, line)
            if reply is not None:
                self.term.say(reply, "cyan")
                continue
            try:
                response = parse_answer(_NUMBER, line)
            except AnswerFormatError as error:
                self.term.say(f"Not accepted: {error}. Try again.", "yellow")
                continue
            return response.text()

    def _decided(self, plan: GuidedPlan, step: GuidedStep, number: int, outcome: str,
                 typed: str | None, slip: str | None) -> str:
        if outcome in ("revealed", "wrong"):
            self.term.show(view.revealed_step(step.text))
        q = plan.question
        self.history.record_step(StepAttempt(
            session_id=self.session_id, question_id=q.id, topic=q.topic, number=number,
            skill=step.skill, quantity=step.label, typed=typed, outcome=outcome, slip=slip))
        return outcome
