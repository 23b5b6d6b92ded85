"""Mutated spec files, bank files and inline specs: always exit 0 or 2, one clean answer, fast.

Each example takes a small valid input and applies a few mutations (insertions and replacements
from a list of hostile tokens, deletions, truncation). Whatever comes out, gatebp must answer
with exit 0 or 2: never 70 (an internal error), never a traceback, never a raw control character
on the terminal, and within a time bound. Derandomized, so a failure reproduces on every run;
GATEBP_FUZZ_EXAMPLES raises the count for a longer local run.
"""

from __future__ import annotations

import os
import re
import time
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gatebp.cli.main import cli, edge

EXAMPLES = int(os.environ.get("GATEBP_FUZZ_EXAMPLES", "25"))
SECONDS = 5.0  # per example; a refusal takes milliseconds, solving a seed well under a second
FUZZ = settings(max_examples=EXAMPLES, derandomize=True, deadline=None, database=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])

SPEC = """values: {x: 2, w: 0.5, b: "1/3"}
nodes:
  u: w*x + b
  h: relu(u)
  L: (h - 1)**2
find: dL/dw
"""
LAYERS = """input: {x: [1, 2]}
layers:
  - {out: h, W: [[1, -1], [0.5, 1]], b: [0, -1], act: relu}
  - {out: y, W: [[2, 3]]}
find: dy1/dw_h2_x2
"""
BANK = """questions:
  - id: fuzz-nat
    values: {x: 2, w: 3}
    nodes:
      y: w*x
    find: dy/dw
    text: "What is dy/dw?"
    answer: 2
    rounding: 0
    mistakes:
      - {value: 3, mistake: "used w instead of x"}
    topic: relu-gate
    type: NAT
    marks: 1
  - id: fuzz-mcq
    values: {x: 2, w: 3}
    nodes:
      y: w*x
    find: dy/dw
    text: "What is dy/dw?"
    options:
      - {text: "2", value: 2}
      - {text: "3", value: 3, mistake: "used w"}
      - {text: "6", value: 6, mistake: "multiplied"}
      - {text: "1", value: 1, mistake: "guessed"}
    answer: A
    solution: ["dy/dw = x = 2"]
    topic: relu-gate
    type: MCQ
    marks: 1
"""
HOSTILE = [
    "[" * 600, "[" * 40, "]", "{a: " * 40, "- " * 60, "&a ", "*a", "<<: *a", "!!python/object/apply:os.system ['true']",
    "!!binary aGk=", "9" * 4000, "1e308", "-0", ".nan", ".inf", "1/0", "0x10", "1:30", "null", "~", "true",
    '"\\e[2J"', '"\\e]0;PWNED\\a"', '"\\x9b2J"', '"\\u202e"', '"\\ud800"', '"\\0"', '"\\x7f"', "\u202e",
    "\ufeff", "\t", "\r\n", "\n", "  ", "---\n", "...\n", "? ", ": ", "- ", "|\n", ">\n", "#", "'", '"', "\\",
    "%YAML 1.1\n", "__import__('os').system('x')", "lambda: 0", "x" * 300, "w1*x", "relu(", "**", "exp(99999)",
    "find: {of: [y]}", "lr: 10", "layers: []", "questions: [1]", "id: [a]", "act: softmax", "W: [[1, 2]]",
]
TOKENS = st.one_of(st.sampled_from(HOSTILE), st.text(max_size=6))
MUTATION = st.tuples(st.sampled_from(["insert", "replace", "delete", "truncate"]),
                     st.integers(0, 10**6), st.integers(0, 12), TOKENS)
RAW_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ud800-\udfff]")


def mutate(text: str, mutations: list[tuple[str, int, int, str]]) -> str:
    """Apply each mutation at a position folded into the current text."""
    for kind, position, length, token in mutations:
        at = position % (len(text) + 1)
        if kind == "insert":
            text = text[:at] + token + text[at:]
        elif kind == "replace":
            text = text[:at] + token + text[at + length:]
        elif kind == "delete":
            text = text[:at] + text[at + length:]
        else:
            text = text[:at]
    return text


def run_cli(args: list[str]) -> None:
    """Run gatebp in-process and assert the answer is clean: 0 or 2, safe text, in time."""
    started = time.monotonic()
    result = CliRunner().invoke(edge, args)  # as `gatebp` runs
    elapsed = time.monotonic() - started
    output = result.output + (result.stderr if result.stderr_bytes is not None else "")
    assert result.exit_code in (0, 2), (result.exit_code, output[-500:], args[:3])
    assert "Traceback" not in output and not isinstance(result.exception, RecursionError)
    assert RAW_CONTROL.search(output) is None, output[-500:]
    assert elapsed < SECONDS, (elapsed, args[:3])


def write(tmp_path: Path, name: str, text: str) -> str:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8", errors="surrogatepass")
    return str(path)


@FUZZ
@given(seed=st.sampled_from([SPEC, LAYERS]), mutations=st.lists(MUTATION, min_size=1, max_size=4))
def test_mutated_spec_files_exit_0_or_2(tmp_path: Path, seed: str,
                                        mutations: list[tuple[str, int, int, str]]) -> None:
    run_cli(["explain", "--plain", write(tmp_path, "net.yaml", mutate(seed, mutations))])


@FUZZ
@given(mutations=st.lists(MUTATION, min_size=1, max_size=4))
def test_mutated_bank_files_exit_0_or_2(tmp_path: Path,
                                        mutations: list[tuple[str, int, int, str]]) -> None:
    run_cli(["bank", "check", write(tmp_path, "bank.yaml", mutate(BANK, mutations))])


INLINE = {"--graph": "u = w*x + b; L = relu(u)**2", "--at": "x=2, w=0.5, b=1/3", "--find": "dL/dw",
          "--layers": "x=[1,2] | h=relu([[1,-1],[0.5,1]], [0,-1]) | y=[[2,3]]"}


@FUZZ
@given(option=st.sampled_from(sorted(INLINE)), mutations=st.lists(MUTATION, min_size=1, max_size=3))
def test_mutated_inline_specs_exit_0_or_2(option: str, mutations: list[tuple[str, int, int, str]]) -> None:
    values = dict(INLINE)
    values[option] = mutate(values[option], mutations).replace("\x00", "")  # argv cannot hold NUL
    if option != "--layers":
        del values["--layers"]
    else:
        values = {"--layers": values["--layers"], "--find": "dy1/dx1"}
    run_cli(["explain", "--plain", *[part for pair in values.items() for part in pair]])


@pytest.mark.parametrize("text", [SPEC, LAYERS])
def test_the_seeds_are_valid(tmp_path: Path, text: str) -> None:
    result = CliRunner().invoke(cli, ["explain", "--plain", write(tmp_path, "net.yaml", text)])
    assert result.exit_code == 0, result.output


def test_the_bank_seed_is_valid(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["bank", "check", write(tmp_path, "bank.yaml", BANK)])
    assert result.exit_code == 0 and "all valid" in result.output, result.output
