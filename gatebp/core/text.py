"""Characters that must never reach a terminal or a document raw, and how to show them instead.

Authored and typed text can carry ESC and C1 control sequences (clear the screen, set the window
title, write the clipboard), bidirectional overrides that reorder what the reader sees, and lone
surrogates that no UTF-8 stream can encode. One pattern names them all, so the bank checker, the
console and the exports agree on what is unsafe; `escape_unsafe` shows each one as a visible
escape (`\\x1b`, `\\u202e`) instead of deleting it, so nothing is hidden from the reader either.
"""

from __future__ import annotations

import re

# C0 controls except tab and newline, DEL, C1 controls, the bidirectional marks, overrides and
# isolates, lone surrogates, and the two noncharacters XML 1.0 forbids.
_OTHERS = r"\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\ud800-\udfff\ufffe\uffff"
UNSAFE = re.compile(rf"[\x00-\x08\x0b-\x1f{_OTHERS}]")
# The same, plus tab and newline: for text that must stay on one line (names, error keys).
UNSAFE_LINE = re.compile(rf"[\x00-\x1f{_OTHERS}]")

_NAMES = {0x00: "NUL", 0x07: "BEL", 0x08: "BACKSPACE", 0x09: "TAB", 0x0A: "NEWLINE",
          0x0D: "CARRIAGE RETURN", 0x1B: "ESC", 0x7F: "DEL", 0x85: "NEXT LINE", 0x9B: "CSI",
          0x9D: "OSC", 0x202E: "RIGHT-TO-LEFT OVERRIDE", 0x202D: "LEFT-TO-RIGHT OVERRIDE"}


def escape_char(char: str) -> str:
    """One unsafe character as Python writes it in a string literal: \\x1b, \\u202e, \\ud800."""
    code = ord(char)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def escape_unsafe(text: str, one_line: bool = False) -> str:
    """`text` with every unsafe character shown as its escape (tab and newline kept unless
    `one_line`); text without any is returned as it is, so ordinary output never changes."""
    pattern = UNSAFE_LINE if one_line else UNSAFE
    if pattern.search(text) is None:
        return text
    return pattern.sub(lambda match: escape_char(match.group()), text)


def first_unsafe(text: str) -> str | None:
    """The first unsafe character in `text`, or None."""
    match = UNSAFE.search(text)
    return None if match is None else match.group()


def describe_char(char: str) -> str:
    """`U+001B (ESC), a control character` for messages that say what to remove."""
    code = ord(char)
    name = _NAMES.get(code)
    label = f"U+{code:04X}" + (f" ({name})" if name else "")
    if 0xD800 <= code <= 0xDFFF:
        return f"{label}, a lone surrogate (not a character; it cannot be written as UTF-8)"
    if code in (0x061C, 0x200E, 0x200F) or 0x202A <= code <= 0x202E or 0x2066 <= code <= 0x2069:
        return f"{label}, a bidirectional control (it reorders the text the reader sees)"
    if code in (0xFFFE, 0xFFFF):
        return f"{label}, a noncharacter"
    return f"{label}, a control character"


def clip(text: str, limit: int = 40) -> str:
    """At most `limit` characters, ending in an ellipsis when cut (for echoing long input)."""
    return text if len(text) <= limit else text[: limit - 1] + "\u2026"


def quoted(text: str, limit: int = 40) -> str:
    """User text echoed in a one-line message: quoted, clipped, every unsafe character escaped."""
    return "'" + escape_unsafe(clip(text, limit), one_line=True) + "'"


def has_surrogates(text: str) -> bool:
    """True when `text` holds a lone surrogate (invalid UTF-8 arrives that way from argv)."""
    return any(0xD800 <= ord(char) <= 0xDFFF for char in text)
