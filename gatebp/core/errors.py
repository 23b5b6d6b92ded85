"""One root error and a few one-line subclasses; the CLI turns any of them into exit 2."""


class GatebpError(Exception):
    """A problem the user can fix; its message is one line, shown without a traceback."""


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
