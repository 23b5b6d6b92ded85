"""The reliability review's bombs and injections, each answered with one clear line and exit 2,
in well under a second; terminal and export output never carries a control character raw."""

from __future__ import annotations

import io
import json
import os
import re
import shutil
import subprocess
import sys
import time
import xml.etree.ElementTree as ET
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from gatebp.cli.main import cli, edge
from gatebp.core.errors import GatebpError
from gatebp.gate.question import Option, Question
from gatebp.ui.export import FORMATS, ExportOptions, render_export

RAW = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ud800-\udfff]")
FAST = 1.0  # seconds, in-process (the interpreter and SymPy are already loaded)

ITEM = """  - id: q1
    values: {x: 2, w: 3}
    nodes:
      y: w*x
    find: dy/dw
    text: %s
    answer: 2
    rounding: 0
    topic: relu-gate
    type: NAT
    marks: 1
"""
SPEC = "values: {x: %s, w: 3}\nnodes:\n  y: w*x\nfind: dy/dw\n"


@pytest.fixture(autouse=True, scope="module")
def warm() -> None:
    """Load the families and SymPy once, so the timings measure the checks, not the imports."""
    CliRunner().invoke(cli, ["explain", "--graph", "y = w*x", "--at", "w=1, x=2", "--find", "dy/dw"])
    CliRunner().invoke(cli, ["topics"])


def bank_text(text: str = '"What is dy/dw?"') -> str:
    return "questions:\n" + ITEM % text


def invoke(*args: str) -> tuple[int, str, float]:
    started = time.monotonic()
    result = CliRunner().invoke(edge, list(args))  # as `gatebp` runs
    elapsed = time.monotonic() - started
    assert "Traceback" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result.exit_code, result.output, elapsed


def refused(*args: str) -> str:
    """Exit 2, fast, and nothing raw on the terminal; returns the output."""
    code, output, elapsed = invoke(*args)
    assert code == 2, output
    assert elapsed < FAST, elapsed
    assert RAW.search(output) is None, output
    return output


def write(tmp_path: Path, text: str, name: str) -> str:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return str(path)


def alias_bomb() -> str:
    """The review's 623-byte kind: each layer's W is nine of the previous one (10^9 cells)."""
    layers = "".join(f"      - {{out: h{i}, W: &l{i} [{', '.join([f'*l{i - 1}'] * 9)}]}}\n"
                     for i in range(1, 10))
    return bank_text().replace("    values: {x: 2, w: 3}\n", "    input: {x: [1]}\n    layers:\n"
                               "      - {out: h0, W: &l0 [[1, 1, 1, 1, 1, 1, 1, 1, 1]]}\n" + layers)


# --- bombs -----------------------------------------------------------------------------------

def test_alias_bomb_bank_is_refused_in_check_export_and_practice(tmp_path: Path) -> None:
    bank = write(tmp_path, alias_bomb(), "bank.yaml")
    assert "bank.yaml:5: YAML anchors and aliases" in refused("bank", "check", bank)
    assert "YAML anchors and aliases" in refused("export", "--bank", bank, "--count", "0")
    assert "YAML anchors and aliases" in refused("practice", "--bank", bank, "--bank-only",
                                                 "--count", "1")


@pytest.mark.parametrize("depth", [500, 99_000])  # 99,000 is the review's 198 KB file (108 s before)
def test_deep_brackets_in_spec_bank_and_inline(tmp_path: Path, depth: int) -> None:
    deep = "[" * depth + "1" + "]" * depth
    spec = write(tmp_path, SPEC % deep, "net.yaml")
    assert "net.yaml:1: nested more than 32 levels deep" in refused("explain", spec)
    bank = write(tmp_path, bank_text().replace("{x: 2,", "{x: " + deep + ","), "bank.yaml")
    assert "bank.yaml:3: nested more than 32 levels deep" in refused("bank", "check", bank)
    output = refused("explain", "--layers", f"x=[1] | y=[[{deep}]]", "--find", "dy1/dx1")
    assert "nested more than 32 levels deep" in output and len(output.splitlines()) == 1


def test_dev_zero_and_a_fifo_are_refused_without_reading(tmp_path: Path) -> None:
    fifo = tmp_path / "net.yaml"
    os.mkfifo(fifo)
    for path in ("/dev/zero", str(fifo)):
        assert "is not a regular file" in refused("explain", path)
        assert "is not a regular file" in refused("bank", "check", path)


def test_a_spec_over_the_size_limit_is_refused(tmp_path: Path) -> None:
    spec = write(tmp_path, SPEC % "1" + "#" * 300_000 + "\n", "net.yaml")
    assert "file too large (more than 200000 bytes)" in refused("explain", spec)


# --- injection -------------------------------------------------------------------------------

PAYLOADS = {"ESC clear": r'"\e[2J"', "OSC title": r'"\e]0;PWNED\a"', "OSC 52": r'"\e]52;c;cm0=\a"',
            "C1 CSI": r'"\x9b2J"', "RLO": r'"abc \u202e gnp.exe"', "NUL": r'"\0"', "DEL": r'"\x7f"'}


@pytest.mark.parametrize("name", sorted(PAYLOADS))
def test_bank_check_rejects_control_characters_in_text(tmp_path: Path, name: str) -> None:
    bank = write(tmp_path, bank_text(PAYLOADS[name]), "bank.yaml")
    output = refused("bank", "check", bank)
    assert re.search(r"bank\.yaml:7: the text contains U\+[0-9A-F]{4}", output), output


def test_bank_check_finds_every_unsafe_place_in_one_run(tmp_path: Path) -> None:
    text = bank_text(r'"\e[2J"').replace("    marks: 1\n", "    marks: 1\n    source: \"\\x9b\"\n")
    output = refused("bank", "check", write(tmp_path, text, "bank.yaml"))
    assert "bank.yaml:7: the text contains U+001B (ESC)" in output
    assert "bank.yaml:13: the text contains U+009B (CSI)" in output


def test_key_names_with_escapes_are_refused_and_shown_escaped(tmp_path: Path) -> None:
    spec = write(tmp_path, SPEC % "1" + '"\\e]0;PWNED\\a\\e[2J": 3\n', "net.yaml")
    assert "net.yaml:5: the text contains U+001B (ESC)" in refused("explain", spec)
    bank = write(tmp_path, bank_text().replace("    nodes:", '    "\\e]0;PWNED\\a": 1\n    nodes:'),
                 "bank.yaml")
    assert "bank.yaml:4: the text contains U+001B (ESC)" in refused("bank", "check", bank)


def test_a_name_with_a_newline_stays_on_one_line() -> None:
    output = refused("explain", "--graph", "y = w1", "--at", "w1x\ny=1", "--find", "dy/dw1")
    assert output.count("\n") == 1 and "'w1x\\x0ay'" in output


def test_error_lines_escape_what_they_echo(monkeypatch: pytest.MonkeyPatch) -> None:
    from gatebp.cli.commands import topics

    def fails() -> None:
        raise GatebpError("bad key \x1b]0;PWNED\x07 \x9b2J \u202e")

    monkeypatch.setattr(topics, "topics", click.Command("topics", callback=fails))
    code, output, _ = invoke("topics")
    assert code == 2 and output == "error: bad key \\x1b]0;PWNED\\x07 \\x9b2J \\u202e\n"


def hostile_question(payload: str) -> Question:
    return Question(id="q", topic="t", type="MCQ", marks=1, text=f"Marker {payload} text",
                    answer={"correct": [0]}, solution=(f"step {payload}",),
                    options=(Option("A", f"yes {payload}", mistake=None),
                             Option("B", "no", mistake=f"slip {payload}"), Option("C", "c"),
                             Option("D", "d")))


def test_the_terminal_gets_escapes_not_control_sequences() -> None:
    from gatebp.ui.terminal.console import SafeConsole
    from gatebp.ui.terminal.question import question_panel

    stream = io.StringIO()
    console = SafeConsole(file=stream, width=80, force_terminal=True, color_system="truecolor")
    payload = "\x1b[2J \x1b]0;PWNED\x07 \x1b]8;;http://x\x1b\\link \x9b2J \u202egnp \ud800"
    console.print(question_panel(hostile_question(payload), 1, 1))
    shown = re.sub("\x1b\\[[0-9;]*m", "", stream.getvalue())  # Rich's own colours are fine
    assert RAW.search(shown) is None and "\\x1b[2J" in shown and "\\u202egnp" in shown


# --- surrogates and control characters in every export ----------------------------------------

HOSTILE = "\ud800 \x00\x07\x08\x1b[2J\x7f\x85\x9b\u202e\ufffe ]]> <b>"


@pytest.mark.parametrize("fmt", sorted(FORMATS))
def test_every_export_survives_a_lone_surrogate_and_control_characters(fmt: str) -> None:
    rendered = render_export([hostile_question(HOSTILE)], fmt, ExportOptions(title="T " + HOSTILE))
    data = rendered.main
    if fmt in ("json", "md", "html", "tex", "moodle"):
        text = data.decode("utf-8")
        assert RAW.search(text) is None
        assert "\\x1b[2J" in text or fmt in ("md", "tex")  # they escape the backslash and [ too
    if fmt == "json":
        json.loads(data)
    if fmt == "moodle":
        ET.fromstring(data)  # well-formed XML 1.0


def test_bank_check_rejects_a_lone_surrogate(tmp_path: Path) -> None:
    output = refused("bank", "check", write(tmp_path, bank_text(r'"lone \ud800"'), "bank.yaml"))
    assert "bank.yaml:7:" in output


@pytest.mark.skipif(shutil.which("pdflatex") is None, reason="pdflatex not installed")
def test_latex_with_control_characters_compiles(tmp_path: Path) -> None:
    source = render_export([hostile_question(HOSTILE)], "tex", ExportOptions()).main
    (tmp_path / "q.tex").write_bytes(source)
    result = subprocess.run(["pdflatex", "-no-shell-escape", "-interaction=nonstopmode",
                             "-halt-on-error", "q.tex"], cwd=tmp_path, check=False, capture_output=True,
                            timeout=120)
    assert result.returncode == 0, result.stdout[-2000:]


def test_escape_tex_maps_del_and_c1() -> None:
    from gatebp.ui.export.tex import escape_tex

    assert escape_tex("a\x7fb\x85c\x9bd\x1be") == "a[U+007F]b[U+0085]c[U+009B]de"


# --- the review's exit-70 cases ---------------------------------------------------------------

@pytest.mark.parametrize("case, message", [
    ("    rounding: 0x10", "rounding 0x10 must be 0 to 6 decimal places"),
    ("    rounding: 1:30", "rounding 1:30 must be 0 to 6 decimal places"),
    ("    answer: " + "9" * 4000, "is too long for a number (at most 30 digits)"),
    ("    mistakes: [{value: " + "9" * 4000 + ", mistake: m}]", "is too long for a number"),
    ("    find: {of: [y], wrt: w}", "find: expected the name of a value or node, not a list"),
    ("    [values]: 1", "a key must be a name, not a list"),
])
def test_bank_problems_are_messages_not_exception_texts(tmp_path: Path, case: str,
                                                        message: str) -> None:
    key = case.split(":")[0]
    lines = [line for line in bank_text().splitlines() if not line.startswith(key + ":")]
    output = refused("bank", "check", write(tmp_path, "\n".join(lines + [case]) + "\n", "bank.yaml"))
    assert message in output and "Error" not in output and "ScalarNode" not in output, output


def test_a_huge_learning_rate_is_refused_not_printed_as_infinity(tmp_path: Path) -> None:
    spec = write(tmp_path, "values: {x: 1, w: 2}\nnodes:\n  z: w*x\nfind: {of: z, wrt: w, lr: "
                 + "9" * 4000 + "}\n", "net.yaml")
    assert "is too long for a number" in refused("explain", spec, "--json")
    spec = write(tmp_path, "values: {x: 1, w: 2}\nnodes:\n  z: w*x\nfind: {of: z, wrt: w, lr: 1001}\n",
                 "big.yaml")
    assert "learning rate 1001 is too large (at most 1000)" in refused("explain", spec, "--json")


def test_json_output_is_strict() -> None:
    from gatebp.cli.commands.explain import _json_line

    with pytest.raises(GatebpError, match="too large to write as JSON"):
        _json_line({"value": float("-inf")})


def test_invalid_utf8_in_the_title_is_refused() -> None:
    output = refused("export", "--count", "1", "--seed", "1", "--format", "md",
                     "--title", "\udced\udca0\udc80")
    assert "--title" in output and "is not valid UTF-8 text" in output


def test_bugs_are_70_and_interrupts_130(monkeypatch: pytest.MonkeyPatch) -> None:
    from gatebp.cli.commands import topics

    def broken() -> None:
        raise RuntimeError("boom \x1b[2J")

    monkeypatch.setattr(topics, "topics", click.Command("topics", callback=broken))
    code, output, _ = invoke("topics")
    assert code == 70 and output == ("error: gatebp hit an internal error (RuntimeError: boom "
                                     "\\x1b[2J). Please report it; GATEBP_DEBUG=1 shows the traceback.\n")

    def interrupted() -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(topics, "topics", click.Command("topics", callback=interrupted))
    code, output, _ = invoke("topics")
    assert code == 130 and output == "Aborted.\n"


def gatebp(*args: str, shell: str = "", env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """The real entry point in a fresh interpreter, optionally with shell redirections."""
    command = " ".join([sys.executable, "-m", "gatebp", *args]) + " " + shell
    return subprocess.run(["sh", "-c", command], check=False, capture_output=True, text=True, timeout=120,
                          env={**os.environ, **(env or {})}, errors="replace")


def test_closed_stdout_and_stderr() -> None:
    closed = gatebp("export", "--count", "2", "--seed", "1", shell=">&-")
    assert closed.returncode == 2
    assert closed.stderr == ("error: standard output is closed (write to a file with -o, or do "
                             "not close stdout)\n")
    assert gatebp("export", "--count", "2", "--seed", "1", shell="2>&- >/dev/null").returncode == 0


def test_an_ascii_terminal_does_not_crash() -> None:
    result = gatebp("explain", "--graph", "'u = x*y; L = u**2'", "--at", "'x=3, y=-2'", "--find", "dL/dx",
                    env={"PYTHONIOENCODING": "ascii"})
    # a terminal that is not UTF-8 gets the ASCII notation (u = x*y -> -6), not escapes
    assert result.returncode == 0 and "-> -6" in result.stdout, result.stderr
    assert result.stdout.isascii() and "\\u" not in result.stdout


def test_a_reader_that_leaves_early_costs_no_traceback() -> None:
    result = gatebp("export", "--count", "40", "--seed", "1", shell="| head -c 10")
    assert result.stdout == '{\n  "forma' and "Traceback" not in result.stderr
    assert "Exception ignored" not in result.stderr


def test_exporting_into_a_fifo_nobody_reads_is_refused_at_once(tmp_path: Path) -> None:
    from gatebp.ui.export import ExportError, write_export

    fifo = tmp_path / "set.json"
    os.mkfifo(fifo)
    started = time.monotonic()
    with pytest.raises(ExportError, match="it is a pipe that nothing is reading"):
        write_export([hostile_question("x")], "json", ExportOptions(), fifo)
    assert time.monotonic() - started < FAST
