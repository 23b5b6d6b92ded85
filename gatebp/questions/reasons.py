"""The reason a student reads under a wrong option: first why that option's own number arises,
then the true value.

"12 is what you get if you dropped the path x → h₂ → y at the merge; in fact ∂L/∂x = 18" names
the option's 12 before the truth, so the reason under (B) is about (B). An option that is a number
or a vector names itself; a statement that states a number ("∂L/∂x = 12", "contributes −18",
"has 16 parameters") names that number when its claim records it; any other statement reads
"this is what you get if you …; in fact …".
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from fractions import Fraction
from typing import Any

_NUMBER = r"[−-]?\d+(?:\.\d+)?(?:/\d+)?"
_TOKEN = re.compile(rf"(?<![\w.]){_NUMBER}(?![\w.])")
# a whole option that is a value: 12, −0.25, (0.6, −0.3), [1, 2], 6 × 3
_VALUE = re.compile(rf"\s*[(\[]?\s*{_NUMBER}(?:\s*(?:,|×)\s*{_NUMBER})*\s*[)\]]?\s*\Z")


def distractor_reason(text: str, claim: Mapping[str, Any] | None, mistake: str, truth: str) -> str:
    """The reason under a wrong option whose slip is `mistake`; `truth` is the verdict's line."""
    own = option_number(text, claim)
    lead = f"{own} is what you get" if own else "this is what you get"
    return f"{lead} if you {mistake}; in fact {truth}"


def option_number(text: str, claim: Mapping[str, Any] | None) -> str | None:
    """The number (or vector) the option puts forward, as the option prints it, or None."""
    if _VALUE.match(text.replace("$", "")):
        return text.strip()
    stated = _claimed(claim)
    if stated is None:
        return None
    places = int((claim or {}).get("places", 4))
    for token in _TOKEN.findall(text.replace("$", "")):
        if abs(_value(token) - stated) <= 0.5 * 10.0**-places + 1e-12:
            return token.replace("-", "−")
    return None


def _claimed(claim: Mapping[str, Any] | None) -> float | None:
    """The one number a claim asserts (its value, count, or a single-entry values), if any."""
    if not claim:
        return None
    for key in ("value", "count"):
        if key in claim and not isinstance(claim[key], bool):
            return _value(claim[key])
    values = claim.get("values")
    if isinstance(values, list) and len(values) == 1:
        return _value(values[0])
    return None


def _value(raw: object) -> float:
    try:
        return float(Fraction(str(raw).replace("−", "-")))
    except (ValueError, ZeroDivisionError):
        return float("nan")
