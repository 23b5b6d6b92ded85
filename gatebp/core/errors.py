"""One root error and a few one-line subclasses; the CLI turns any of them into exit 2.

The errors know nothing of click (nothing below the CLI imports it): `gatebp.cli.main` turns a
GatebpError into a `click.ClickException` at the edge, so click's standalone mode prints it.
"""

from __future__ import annotations


class GatebpError(Exception):
    """A problem the user can fix; its message is one line, shown without a traceback."""

    exit_code = 2


class SpecError(GatebpError):
    """A network spec that cannot be read: where it is wrong and why."""

    def __init__(self, message: str, *, source: str = "", line: int | None = None, key: str = ""):
        self.source, self.line, self.key, self.reason = source, line, key, message
        where = source or "<spec>"
        if line is not None:
            where += f":{line}"
        prefix = f"{where}: " + (f"{key}: " if key else "")
        super().__init__(prefix + message)


class ExpressionError(GatebpError):
    """An expression the whitelisting parser refuses; `column` is 1-based when known."""

    def __init__(self, message: str, column: int | None = None):
        self.reason, self.column = message, column
        super().__init__(message if column is None else f"{message} (column {column})")


class EvaluationError(GatebpError):
    """A forward pass that cannot be done: division by zero, log of a non-positive number."""


class BankFileError(GatebpError):
    """A question_bank file with problems, each reported as file:line."""


class AnswerFormatError(GatebpError):
    """A typed answer that is not a valid response for the question; the prompt asks again."""


class SolverMismatch(AssertionError):
    """The chain-rule total disagrees with SymPy's own derivative: a bug, never shown as an answer."""


class InputError(GatebpError):
    """A YAML or JSON input the reader refuses before reading it: too large, too deeply nested,
    an alias, not UTF-8, not a regular file. `line` is 1-based when known."""

    def __init__(self, message: str, *, source: str = "", line: int | None = None):
        self.source, self.line, self.reason = source, line, message
        where = source + (f":{line}" if source and line is not None else "")
        super().__init__(f"{where}: {message}" if where else message)
