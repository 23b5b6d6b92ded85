"""Start-up stays lazy and layers stay apart (checked in fresh interpreters)."""

from __future__ import annotations

import subprocess
import sys


def _modules_after(code: str) -> set[str]:
    out = subprocess.run([sys.executable, "-c", code + "\nimport sys; print(' '.join(sys.modules))"],
                         capture_output=True, text=True, check=True).stdout
    return set(out.split())


def test_help_does_not_import_sympy():
    code = "import sys; sys.argv = ['gatebp', '--help']\nfrom gatebp.cli.main import cli\ntry:\n cli.main()\nexcept SystemExit:\n pass"
    modules = _modules_after(code)
    assert "sympy" not in modules and "gatebp.network.solve" not in modules


def test_solver_knows_nothing_of_rich_or_click():
    modules = _modules_after("import gatebp.network.solve, gatebp.network.spec, gatebp.questions.generate, gatebp.gate.grade")
    assert "rich" not in modules and "click" not in modules


def test_the_reader_knows_nothing_of_rich_click_or_sympy():
    modules = _modules_after("import gatebp.core.reader, gatebp.core.text, gatebp.questions.bank")
    assert not {"rich", "click", "sympy"} & modules


def test_an_unwritable_output_is_one_line_not_a_traceback(tmp_path):
    target = tmp_path / "missing-folder" / "set.json"
    result = subprocess.run([sys.executable, "-m", "gatebp", "export", "-n", "1", "--seed", "1", "-o", str(target)],
                            capture_output=True, text=True)
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
