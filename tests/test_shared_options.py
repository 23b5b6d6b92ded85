"""--plain and --data-dir are defined once and mean the same on the group and on a command."""

from __future__ import annotations

import json

from click.testing import CliRunner

from gatebp.cli.main import cli


def _practice(runner: CliRunner, args: list[str]) -> None:
    result = runner.invoke(cli, args, input="6\nq\n")
    assert result.exit_code == 0, result.output


def test_data_dir_on_the_group_or_the_command_is_the_same_history(tmp_path) -> None:  # type: ignore[no-untyped-def]
    runner = CliRunner()
    _practice(runner, ["--data-dir", str(tmp_path), "practice", "--seed", "1", "--count", "1"])
    _practice(runner, ["practice", "--seed", "1", "--count", "1", "--data-dir", str(tmp_path)])
    for args in (["--data-dir", str(tmp_path), "stats", "--json"], ["stats", "--json", "--data-dir", str(tmp_path)]):
        result = runner.invoke(cli, args)
        assert result.exit_code == 0, result.output
        assert json.loads(result.output)["attempts"] == 2


def test_plain_on_the_group_draws_ascii_boxes(tmp_path) -> None:  # type: ignore[no-untyped-def]
    runner = CliRunner()
    plain = runner.invoke(cli, ["--plain", "explain", "--id", "relu-gate:NAT1:7"])
    fancy = runner.invoke(cli, ["explain", "--id", "relu-gate:NAT1:7"], env={"NO_COLOR": None})
    assert plain.exit_code == 0 and fancy.exit_code == 0, plain.output + fancy.output
    assert "+-" in plain.output and "╭" not in plain.output
    assert "╭" in fancy.output
