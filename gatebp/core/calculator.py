"""The virtual calculator: the only calculator GATE allows, on screen and in line mode.

The text is parsed by the whitelisting parser (`gatebp.core.expr`) with the calculator's own
grammar: its function table, the names pi, e and ans, exponent notation (2.5e-3) and computed
exponents. The checked tree is then walked here in floats, one bounded step per node, so nothing
reaches eval and `9**9**9` is refused at once as an overflow. Results are shown to 10 significant
digits, as a scientific calculator's display shows them.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from decimal import Decimal

from gatebp.core.errors import EvaluationError, ExpressionError
from gatebp.core.expr import BinOp, Call, Expr, Grammar, Name, Neg, Num, parse_expr_text

PREFIX = "="  # a line mode line starting with this is a calculator line, never an answer
DIGITS = 10
TRIG = ("sin", "cos", "tan")
INVERSE_TRIG = ("asin", "acos", "atan")
_FUNCTIONS: dict[str, Callable[[float], float]] = {
    "sin": math.sin, "cos": math.cos, "tan": math.tan,
    "asin": math.asin, "acos": math.acos, "atan": math.atan,
    "sinh": math.sinh, "cosh": math.cosh, "tanh": math.tanh,
    "exp": math.exp, "ln": math.log, "log10": math.log10, "sqrt": math.sqrt, "abs": abs,
}
_DOMAIN = {"ln": "ln needs a positive number", "log10": "log10 needs a positive number",
           "sqrt": "sqrt needs a number that is not negative",
           "asin": "asin needs a number from -1 to 1", "acos": "acos needs a number from -1 to 1"}
NAMES = ("pi", "e", "ans")
GRAMMAR = Grammar(functions=tuple(_FUNCTIONS), names=NAMES, constant_exponents=False,
                  number=re.compile(r"(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d{1,3})?"))
# What the on-screen keys print, and what people paste, in the parser's spelling.
_SYMBOLS = {"×": "*", "÷": "/", "−": "-", "–": "-", "·": "*", "^": "**", "π": "pi", "√": "sqrt"}


class Calculator:
    """One calculator: the last result (`ans`), a memory register (MC, MR, M+, M−), Deg/Rad."""

    def __init__(self, degrees: bool = False) -> None:
        self.degrees = degrees
        self.memory = 0.0
        self.ans: float | None = None

    def value(self, text: str) -> float:
        """The expression's value; ExpressionError or EvaluationError (one line) if it has none."""
        tree = parse_expr_text(normalise(text), GRAMMAR)
        return _finite(self._eval(tree))

    def evaluate(self, text: str) -> str:
        """Evaluate for the display; the result becomes `ans`."""
        self.ans = self.value(text)
        return show(self.ans)

    def memory_clear(self) -> None:
        self.memory = 0.0

    def memory_recall(self) -> str:
        return show(self.memory)

    def memory_add(self, text: str, sign: int = 1) -> str:
        """M+ (or M− with sign -1): the expression's value (or `ans` when empty) into memory."""
        amount = self.value(text) if text.strip() else self._name("ans")
        self.memory = _finite(self.memory + sign * amount)
        return show(self.memory)

    def _eval(self, tree: Expr) -> float:
        if isinstance(tree, Num):
            return _float(tree)
        if isinstance(tree, Name):
            return self._name(tree.id)
        if isinstance(tree, Neg):
            return -self._eval(tree.operand)
        if isinstance(tree, Call):
            return self._call(tree.func, self._eval(tree.arg))
        assert isinstance(tree, BinOp)
        return _finite(_binop(tree.op, self._eval(tree.left), self._eval(tree.right)))

    def _name(self, name: str) -> float:
        if name == "ans":
            if self.ans is None:
                raise EvaluationError("no previous result yet (ans)")
            return self.ans
        return math.pi if name == "pi" else math.e

    def _call(self, func: str, x: float) -> float:
        if self.degrees and func in TRIG:
            x = math.radians(x)
        try:
            y = _FUNCTIONS[func](x)
        except OverflowError:
            raise EvaluationError(f"{func}: the result is too large") from None
        except ValueError:
            raise EvaluationError(_DOMAIN.get(func, f"{func} is not defined there")) from None
        return math.degrees(y) if self.degrees and func in INVERSE_TRIG else _finite(y)


def normalise(text: str) -> str:
    """The calculator's key symbols (× ÷ − ^ π √) in the parser's spelling."""
    for symbol, spelling in _SYMBOLS.items():
        text = text.replace(symbol, spelling)
    return text


def _float(num: Num) -> float:
    try:
        return float(num.value)
    except OverflowError:
        raise EvaluationError("a number is too large") from None


def _binop(op: str, left: float, right: float) -> float:
    try:
        if op == "**":
            return math.pow(left, right)
        if op == "/":
            return left / right
        return left + right if op == "+" else left - right if op == "-" else left * right
    except ZeroDivisionError:
        raise EvaluationError("division by zero") from None
    except OverflowError:
        raise EvaluationError("the result is too large") from None
    except ValueError:
        raise EvaluationError(_power_domain(left)) from None


def _power_domain(base: float) -> str:
    if base == 0:
        return "0 to a negative power is not defined"
    return "a negative number to a fractional power is not a real number"


def _finite(value: float) -> float:
    if not math.isfinite(value):
        raise EvaluationError("the result is too large")
    return value


def show(value: float) -> str:
    """A result as the display shows it: 10 significant digits, no trailing zeros, and plain
    decimals from 0.000001 up to 10 digits before the point (1e-5 reads 0.00001)."""
    if value == 0:
        return "0"
    text = f"{value:.{DIGITS}g}"
    if 1e-6 <= abs(value) < 10**DIGITS:
        return format(Decimal(text), "f")
    mantissa, _, exponent = text.partition("e")
    if "." in mantissa:
        mantissa = mantissa.rstrip("0").rstrip(".")
    return f"{mantissa}e{int(exponent)}"


def evaluate(text: str) -> str:
    """One expression evaluated by a fresh calculator, e.g. `1/(1+exp(-0.585))` -> 0.6422143..."""
    return Calculator().evaluate(text)


def calculator_reply(calc: Calculator, line: str) -> str | None:
    """Line mode's `=` line: the text to print (the result, or why there is none), or None when
    the line is not a calculator line (then it is an answer or a command)."""
    stripped = line.strip()
    if not stripped.startswith(PREFIX):
        return None
    expression = stripped[len(PREFIX):]
    if not expression.strip():
        return "Calculator: type an expression after =, e.g. = 1/(1+exp(-0.585))"
    try:
        return f"= {calc.evaluate(expression)}"
    except (ExpressionError, EvaluationError) as error:
        return f"Calculator: {error}"
