"""The one YAML/JSON reader: every limit is one clear InputError with its line, reached fast."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest
import yaml

from gatebp.core.errors import InputError
from gatebp.core.reader import Limits, compose, plain, read_file
from gatebp.core.text import escape_unsafe, quoted

LIMITS = Limits(1_000_000)


def alias_bomb() -> str:
    """Nine levels of nine-fold aliases: 10^9 leaves from under a kilobyte."""
    lines = ["a0: &a0 [1, 1, 1, 1, 1, 1, 1, 1, 1]"]
    lines += [f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 9) + "]" for i in range(1, 9)]
    return "\n".join(lines) + "\n"


def refused(text: str, limits: Limits = LIMITS) -> InputError:
    started = time.monotonic()
    with pytest.raises(InputError) as caught:
        compose(text, "f.yaml", limits)
    assert time.monotonic() - started < 1.0
    return caught.value


def test_the_nodes_match_pyyamls_own_composer() -> None:
    text = Path("question_bank/layers.yaml").read_text(encoding="utf-8")
    mine, theirs = compose(text, "layers.yaml", LIMITS).root, yaml.compose(text, Loader=yaml.SafeLoader)
    assert yaml.serialize(mine) == yaml.serialize(theirs)


def test_an_alias_bomb_is_refused_at_the_first_anchor() -> None:
    error = refused(alias_bomb())
    assert str(error) == ("f.yaml:1: YAML anchors and aliases (&name, *name) are not allowed; "
                          "write the values out")


def test_an_alias_alone_and_a_self_reference_are_refused() -> None:
    assert refused("a: *x\n").line == 1
    assert refused("layers: &l [{out: y}, *l]\n").line == 1


@pytest.mark.parametrize("depth", [33, 500, 100_000])
def test_deep_brackets_are_refused_before_any_recursion(depth: int) -> None:
    error = refused("x: " + "[" * depth + "1" + "]" * depth + "\n")
    assert error.reason == "nested more than 32 levels deep" and error.line == 1


def test_deep_block_nesting_is_refused_too() -> None:
    text = "x:\n" + "".join("  " * i + "-\n" for i in range(60)) + "  " * 60 + "1\n"
    assert refused(text).reason == "nested more than 32 levels deep"


def test_depth_32_is_still_read() -> None:
    root = compose("[" * 32 + "]" * 32, "f", LIMITS).root
    assert isinstance(root, yaml.SequenceNode)


def test_too_many_values_and_too_much_text() -> None:
    assert "too many values" in str(refused("[" + "1," * 200 + "1]", Limits(10_000, max_nodes=100)))
    assert "too large" in str(refused("x: 1\n" * 100, Limits(50)))


def test_one_document_only() -> None:
    assert refused("a: 1\n---\nb: 2\n").line == 2


def test_control_characters_are_refused_or_collected_with_their_lines() -> None:
    error = refused('a: ok\nb: "\\e[2J"\n')
    assert str(error) == "f.yaml:2: the text contains U+001B (ESC), a control character; remove it"
    composed = compose('a: "\\e]0;t\\a"\n"\\u202e": 1\nc: "\\x9b"\n', "f", LIMITS, collect_unsafe=True)
    assert [(line, hex(ord(c))) for line, c in composed.unsafe] == [(1, "0x1b"), (2, "0x202e"), (3, "0x9b")]


def test_a_lone_surrogate_in_text_is_refused() -> None:
    assert "lone surrogate" in str(refused("a: b\nc: \ud800\n"))


def test_invalid_yaml_keeps_its_line() -> None:
    error = refused("a: [1,\n  b: {\n")
    assert error.line is not None and "not valid YAML/JSON" in error.reason


def test_read_file_refuses_devices_without_reading() -> None:
    started = time.monotonic()
    with pytest.raises(InputError, match="is not a regular file"):
        read_file("/dev/zero", LIMITS)
    assert time.monotonic() - started < 0.5


def test_read_file_refuses_a_fifo_without_waiting_for_a_writer(tmp_path: Path) -> None:
    fifo = tmp_path / "spec.yaml"
    os.mkfifo(fifo)
    started = time.monotonic()
    with pytest.raises(InputError, match="is not a regular file"):
        read_file(fifo, LIMITS)
    assert time.monotonic() - started < 0.5


def test_read_file_limits(tmp_path: Path) -> None:
    big = tmp_path / "big.yaml"
    big.write_bytes(b"#" * 2000)
    with pytest.raises(InputError, match=r"big.yaml: file too large \(more than 1000 bytes\)"):
        read_file(big, Limits(1000))
    latin = tmp_path / "latin.yaml"
    latin.write_bytes(b"a: 1\nb: caf\xe9\n")
    with pytest.raises(InputError, match=r"latin.yaml:2: not valid UTF-8 \(byte 0xe9\)"):
        read_file(latin, LIMITS)
    with pytest.raises(InputError, match="is a directory"):
        read_file(tmp_path, LIMITS)
    with pytest.raises(InputError, match="cannot read the file"):
        read_file(tmp_path / "missing.yaml", LIMITS)


def test_plain_values_keep_lines_and_refuse_odd_keys() -> None:
    located = plain(compose("a:\n  - 1\n  - b: 2\n", "f", LIMITS).root)
    assert located.value["a"].value[1].value["b"].line == 3  # type: ignore[index]
    with pytest.raises(InputError, match="a key must be a name, not a list"):
        plain(compose("[a]: 1\n", "f", LIMITS).root)
    with pytest.raises(InputError, match="'a' is given twice"):
        plain(compose("{a: 1, a: 2}", "f", LIMITS).root)


def test_escapes_and_quotes_for_messages() -> None:
    assert escape_unsafe("plain ∂L/∂x\tand\nlines") == "plain ∂L/∂x\tand\nlines"
    assert escape_unsafe("\x1b[2J \x9b \u202e \ud800 \x7f") == "\\x1b[2J \\x9b \\u202e \\ud800 \\x7f"
    assert quoted("w1x\ny") == "'w1x\\x0ay'"
    assert quoted("9" * 100) == "'" + "9" * 39 + "\u2026'"
