"""softmax-ce and batch-bias working is what a student writes: the shortcut line first
(∂L/∂zₖ = pₖ − yₖ; for a batch, the sum of the per-example gradients), short, and ending on the
value an independent evaluator gives; the general chain rule is at most a one-line check."""

from __future__ import annotations

import re

import pytest

from gatebp.core.maths import parse_markup, render
from gatebp.questions.generate import build_question
from tests.reference import derivative

SEEDS = range(20)
CHAIN = ("local", "delta", "path")


def _lines(q) -> list[str]:  # type: ignore[no-untyped-def]
    return [render(parse_markup(s.text)) for s in q.solution if s.kind != "key"]


def _last_number(text: str) -> float:
    return float(re.findall(r"−?\d+(?:\.\d+)?", text)[-1].replace("−", "-"))


@pytest.mark.parametrize("marks", [1, 2])
def test_softmax_ce_states_the_shortcut_before_any_chain(marks: int) -> None:
    for seed in SEEDS:
        q = build_question("softmax-ce", "NAT", marks, 7000 + seed)
        lines = _lines(q)
        first = next(i for i, line in enumerate(lines) if "pₖ − yₖ" in line)
        assert all(s.kind not in CHAIN for s in q.solution), q.id  # no 14-line general chain
        assert len(lines) <= 18 and first < len(lines) - 1, (q.id, len(lines))
        wrt = q.find["wrt"]
        deltas = [line for line in lines if re.match(r"∂L/∂z[₁₂₃] = p", line)]
        assert [line[5] for line in deltas] == [render(parse_markup(f"$z{wrt[1:]}$"))[1]], (q.id, deltas)  # the asked class only
        asked = next(line for line in lines[first:] if line.startswith(f"∂L/∂{render(parse_markup(f'${wrt}$'))} ="))
        value, _ = derivative(q.graph, "L", wrt)
        assert abs(_last_number(asked) - float(value)) < 1e-3, (q.id, asked, float(value))


@pytest.mark.parametrize(("qtype", "marks"), [("NAT", 1), ("NAT", 2), ("MCQ", 2)])
def test_batch_bias_sums_the_examples_first(qtype: str, marks: int) -> None:
    for seed in SEEDS:
        q = build_question("batch-bias", qtype, marks, 7100 + seed)
        lines = _lines(q)
        size = sum(1 for name in q.graph["nodes"] if re.fullmatch(r"L\d", name))
        rule = next(i for i, line in enumerate(lines) if "sum of the per-example gradients" in line)
        assert all(s.kind not in ("delta", "path") for s in q.solution), q.id
        assert rule <= 2 * size and len(lines) <= 4 * size + 3, (q.id, len(lines))  # was ~40 lines
        total = next(line for line in lines if line.startswith("∂L/∂b =") and "sum over the examples" in line)
        value, _ = derivative(q.graph, "L", "b")
        assert abs(_last_number(total.split(" (the sum")[0]) - float(value)) < 1e-9, (q.id, total, float(value))


@pytest.mark.parametrize(("qtype", "marks"), [("NAT", 1), ("NAT", 2), ("MCQ", 1), ("MCQ", 2)])
def test_forward_output_working_is_the_vector_form(qtype: str, marks: int) -> None:
    """One vector line per layer (z = Wx + b, then the activation's column) and the output, whose
    value an independent scalar evaluator confirms; no unit-by-unit sums."""
    from tests.reference import evaluate

    for seed in SEEDS:
        q = build_question("forward-output", qtype, marks, 7200 + seed)
        layers = len({name[2] for name in q.graph["nodes"] if name.startswith("z_")}) or 2
        kinds = [s.kind for s in q.solution if s.kind != "key"]
        assert kinds[:-1] == ["vector"] * (len(kinds) - 1) and kinds[-1] == "answer", (q.id, kinds)
        assert len(kinds) <= layers + 2, (q.id, kinds)
        values = evaluate(q.graph)
        last = render(parse_markup(q.solution[len(kinds) - 1].text))
        units = sorted(u for u in q.graph["nodes"] if re.fullmatch(r"y\d", u))
        for unit in units:
            name = "y" if len(units) == 1 else render(parse_markup(f"${unit}$"))  # one output is written y
            shown = re.search(rf"(?<!\w){name} [=≈] (−?\d+(?:\.\d+)?)", last)
            assert shown and abs(float(shown[1].replace("−", "-")) - float(values[unit])) < 1e-4, (q.id, last)


@pytest.mark.parametrize("marks", [1, 2])
def test_sigmoid_bce_states_p_minus_t_before_any_chain(marks: int) -> None:
    for seed in SEEDS:
        q = build_question("sigmoid-bce", "NAT", marks, 7300 + seed)
        lines = _lines(q)
        first = next(i for i, line in enumerate(lines) if "∂L/∂z = p − t" in line)
        assert all(s.kind not in CHAIN for s in q.solution) and first <= 3, (q.id, first)
        value, _ = derivative(q.graph, "L", q.find["wrt"])
        assert abs(_last_number(lines[first + 2]) - float(value)) < 1e-3, (q.id, lines[first + 2])


def test_batch_bias_msq_never_shows_one_number_on_two_options() -> None:
    """A number on two options (∂L/∂b = −6, and a distractor "example 1 contributes −6") is a tell."""
    for seed in SEEDS:
        for marks in (1, 2):
            q = build_question("batch-bias", "MSQ", marks, 7400 + seed)
            values = [o.claim["value"] for o in q.options if o.claim and o.claim["kind"] in ("quantity", "share")]
            assert len(set(values)) == len(values), (q.id, [o.text for o in q.options])


@pytest.mark.parametrize(("topic", "marks"), [("finite-difference", 2), ("softmax-ce", 1), ("softmax-ce", 2),
                                              ("sigmoid-bce", 1), ("relu-gate", 1), ("batch-bias", 1)])
def test_the_forward_pass_heading_covers_only_forward_values(topic: str, marks: int) -> None:
    """On screen, what follows the forward pass (an estimate, a shortcut, the notation of the
    backward pass) is set apart from it, so no derivative reads as part of the forward pass."""
    from click.testing import CliRunner

    from gatebp.cli.main import cli
    from gatebp.ui.terminal.working import SECTIONS

    ends = {"", *(render(parse_markup(heading)) for heading in SECTIONS.values())}
    for seed in range(4):
        result = CliRunner().invoke(cli, ["explain", "--id", f"{topic}:NAT{marks}:{7300 + seed}"],
                                    env={"COLUMNS": "200"})
        assert result.exit_code == 0, result.output
        lines = result.output.splitlines()
        start = lines.index("Forward pass") + 1
        block = lines[start:next((i for i in range(start, len(lines)) if lines[i] in ends), len(lines))]
        assert block and not any("∂" in line or "estimate" in line for line in block), (topic, seed, block)


@pytest.mark.parametrize(("topic", "marks"), [("sigmoid-bce", 1), ("sigmoid-bce", 2), ("softmax-ce", 1), ("softmax-ce", 2)])
def test_the_line_that_gives_the_key_is_the_answer_so_no_hint_shows_it(topic: str, marks: int) -> None:
    from gatebp.app.drill import hint_steps

    for seed in range(6):
        q = build_question(topic, "NAT", marks, 7400 + seed)
        answers = [render(parse_markup(s.text)) for s in q.solution if s.kind == "answer"]
        assert len(answers) == 1 and abs(_last_number(answers[0]) - q.answer["value"]) < 1e-2, (q.id, answers)
        hints = [render(parse_markup(text)) for text in hint_steps(q)]
        assert not any(h == answers[0] or "check by the chain rule" in h or "rounded off" in h for h in hints), (q.id, hints)
