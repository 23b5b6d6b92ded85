"""The one reader for YAML and JSON input (spec files, bank files, inline layers): same limits.

Every input is hostile until read: a file may be a device or a pipe that never ends, a 600-byte
alias bomb that expands to gigabytes, or brackets nested deep enough to overflow PyYAML's
recursive composer (and slow its scanner down quadratically). So a file is read in bounded
chunks after checking it is a regular file, and the YAML is composed here, from PyYAML's event
stream with an explicit stack: depth and node count are checked as each value opens, before any
recursion, anchors and aliases are refused outright, and the scan stops at the first refusal,
so the time spent is linear in what was read. Each refusal is one `InputError` with file:line.

The nodes are PyYAML's own (`ScalarNode`, `SequenceNode`, `MappingNode`), so readers keep each
key's line and raw text: numbers stay exact and problems point at the line that has them.
"""

from __future__ import annotations

import os
import re
import stat
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from gatebp.core.errors import InputError
from gatebp.core.text import describe_char, first_unsafe, quoted

# libyaml's event parser when PyYAML has it (27 times faster on long lists), else PyYAML's own.
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
MAX_DEPTH = 32  # a bank item nests 7 deep (questions > item > layers > layer > W > row)
MAX_NODES = 100_000
CHUNK = 1 << 16
_SURROGATE = re.compile(r"[\ud800-\udfff]")


@dataclass(frozen=True)
class Limits:
    """What one kind of input may hold: bytes, nesting depth and values."""

    max_bytes: int
    max_depth: int = MAX_DEPTH
    max_nodes: int = MAX_NODES


@dataclass(frozen=True)
class Composed:
    """A composed document (None when empty) and, when collected, where unsafe text is."""

    root: yaml.Node | None
    unsafe: tuple[tuple[int, str], ...] = field(default=())


def read_file(path: str | Path, limits: Limits) -> str:
    """A regular file's text, read in chunks and never past the size limit.

    The file is opened without blocking (a FIFO with no writer would otherwise wait forever) and
    refused unless it is a regular file, so /dev/zero, pipes and terminals are never read.
    """
    source = str(path)
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_NOCTTY | getattr(os, "O_CLOEXEC", 0))
    except OSError as error:
        raise InputError(f"cannot read the file ({error.strerror or error})", source=source) from None
    try:
        kind = os.fstat(fd).st_mode
        if stat.S_ISDIR(kind):
            raise InputError("is a directory, not a file", source=source)
        if not stat.S_ISREG(kind):
            raise InputError("is not a regular file (a device, pipe or socket); give a file",
                             source=source)
        data = _read_bounded(fd, limits.max_bytes, source)
    finally:
        os.close(fd)
    return decode(data, source)


def _read_bounded(fd: int, limit: int, source: str) -> bytes:
    """At most `limit` bytes; one byte more means the file is too large (never read further)."""
    chunks: list[bytes] = []
    size = 0
    while size <= limit:
        try:
            chunk = os.read(fd, min(CHUNK, limit + 1 - size))
        except OSError as error:
            raise InputError(f"cannot read the file ({error.strerror or error})",
                             source=source) from None
        if not chunk:
            return b"".join(chunks)
        chunks.append(chunk)
        size += len(chunk)
    raise InputError(f"file too large (more than {limit} bytes)", source=source)


def decode(data: bytes, source: str) -> str:
    """UTF-8 text; an invalid byte is reported with its line."""
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        raise InputError(f"not valid UTF-8 (byte 0x{data[error.start]:02x}); save the file as "
                         "UTF-8", source=source, line=line) from None


def compose(text: str, source: str, limits: Limits, *, collect_unsafe: bool = False) -> Composed:
    """Compose YAML (or JSON) text into nodes under `limits`.

    Text holding control characters, bidirectional overrides or lone surrogates is refused at
    the first one, or, with `collect_unsafe`, composed anyway with each place listed, so a
    checker can report them all alongside its other findings.
    """
    if len(text) > limits.max_bytes:
        raise InputError(f"too large ({len(text)} characters; limit {limits.max_bytes})",
                         source=source)
    surrogate = _SURROGATE.search(text)  # only from text that never was a file: libyaml cannot take it
    if surrogate is not None:
        raise InputError("the text contains a lone surrogate (not valid UTF-8); remove it",
                         source=source, line=text.count("\n", 0, surrogate.start()) + 1)
    try:
        return _Composer(source, limits, collect_unsafe).run(text)
    except yaml.YAMLError as error:
        raise _yaml_error(error, source, limits) from None


def _yaml_error(error: yaml.YAMLError, source: str, limits: Limits) -> InputError:
    mark = getattr(error, "problem_mark", None)
    reason = getattr(error, "problem", None) or str(error).splitlines()[0]
    line = mark.line + 1 if mark is not None else None
    if "nesting depth" in reason:  # libyaml's own cap (1000) met before ours: say the same
        return InputError(f"nested more than {limits.max_depth} levels deep", source=source, line=line)
    return InputError(f"not valid YAML/JSON: {reason}", source=source, line=line)


@dataclass
class _Open:
    """A collection being filled; a mapping holds its key until the value arrives."""

    node: yaml.CollectionNode
    key: yaml.Node | None = None


class _Composer:
    """PyYAML's composer without recursion, anchors or aliases: one pass over the events."""

    def __init__(self, source: str, limits: Limits, collect: bool):
        self.source, self.limits, self.collect = source, limits, collect
        self.stack: list[_Open] = []
        self.root: yaml.Node | None = None
        self.nodes = 0
        self.unsafe: list[tuple[int, str]] = []

    def fail(self, message: str, event: yaml.Event) -> InputError:
        line = event.start_mark.line + 1 if event.start_mark is not None else None
        return InputError(message, source=self.source, line=line)

    def run(self, text: str) -> Composed:
        self.loader = _LOADER(text)  # PyYAML's own reader may refuse the text right here
        try:
            return self.events()
        finally:
            self.loader.dispose()

    def events(self) -> Composed:
        documents = 0
        while self.loader.check_event():
            event = self.loader.get_event()
            if isinstance(event, yaml.DocumentStartEvent):
                documents += 1
                if documents > 1:
                    raise self.fail("expected one document, but found another ('---')", event)
            elif isinstance(event, (yaml.SequenceEndEvent, yaml.MappingEndEvent)):
                self.stack.pop().node.end_mark = event.end_mark
            elif isinstance(event, yaml.NodeEvent):
                self.open(event)
        return Composed(self.root, tuple(self.unsafe))

    def open(self, event: yaml.NodeEvent) -> None:
        if isinstance(event, yaml.AliasEvent) or event.anchor is not None:
            raise self.fail("YAML anchors and aliases (&name, *name) are not allowed; "
                            "write the values out", event)
        self.nodes += 1
        if self.nodes > self.limits.max_nodes:
            raise self.fail(f"too many values (more than {self.limits.max_nodes})", event)
        if isinstance(event, yaml.ScalarEvent):
            self.attach(self.scalar(event))
            return
        node = self.collection(event)
        self.attach(node)
        self.stack.append(_Open(node))
        if len(self.stack) > self.limits.max_depth:
            raise self.fail(f"nested more than {self.limits.max_depth} levels deep", event)

    def scalar(self, event: Any) -> yaml.ScalarNode:  # Any: libyaml's events have their own marks
        tag = event.tag
        if tag is None or tag == "!":
            tag = self.loader.resolve(yaml.ScalarNode, event.value, event.implicit)
        self.check_text(event.value, event)
        return yaml.ScalarNode(tag, event.value, event.start_mark, event.end_mark,
                               style=event.style)

    def collection(self, event: Any) -> yaml.CollectionNode:
        kind = yaml.SequenceNode if isinstance(event, yaml.SequenceStartEvent) else yaml.MappingNode
        tag = event.tag
        if tag is None or tag == "!":
            tag = self.loader.resolve(kind, None, event.implicit)
        return kind(tag, [], event.start_mark, None, flow_style=event.flow_style)

    def attach(self, node: yaml.Node) -> None:
        if not self.stack:
            self.root = node
            return
        top = self.stack[-1]
        if isinstance(top.node, yaml.SequenceNode):
            top.node.value.append(node)
        elif top.key is None:
            top.key = node
        else:
            top.node.value.append((top.key, node))
            top.key = None

    def check_text(self, text: str, event: yaml.Event) -> None:
        char = first_unsafe(text)
        if char is None:
            return
        if not self.collect:
            raise self.fail(f"the text contains {describe_char(char)}; remove it", event)
        self.unsafe.append((event.start_mark.line + 1 if event.start_mark else 0, char))


# --- reading composed nodes ----------------------------------------------------------------

def line_of(node: yaml.Node | None) -> int | None:
    """The 1-based line a node starts on."""
    return node.start_mark.line + 1 if node is not None and node.start_mark else None


def key_of(node: yaml.Node) -> str | None:
    """A mapping key's text, or None when the key is a list or a mapping (never a node repr)."""
    return str(node.value) if isinstance(node, yaml.ScalarNode) else None


def kind_of(node: yaml.Node | None) -> str:
    """What a node is, in words: "a list", "a mapping", "text", "nothing"."""
    if isinstance(node, yaml.MappingNode):
        return "a mapping"
    if isinstance(node, yaml.SequenceNode):
        return "a list"
    if node is None or node.tag == "tag:yaml.org,2002:null":
        return "nothing"
    return "text"


@dataclass
class Located:
    """A plain value (str, list or dict) with the line it came from."""

    value: object
    line: int


def plain(node: yaml.Node) -> Located:
    """A composed node as nested plain values, each with its line; a repeated or non-text key is
    an InputError (recursion is safe: `compose` has already bounded the depth)."""
    line = line_of(node) or 0
    if isinstance(node, yaml.SequenceNode):
        return Located([plain(item) for item in node.value], line)
    if not isinstance(node, yaml.MappingNode):
        return Located(str(node.value), line)
    out: dict[str, Located] = {}
    for key_node, value_node in node.value:
        key = key_of(key_node)
        if key is None:
            raise InputError(f"a key must be a name, not {kind_of(key_node)}", line=line_of(key_node))
        if key in out:
            raise InputError(f"{quoted(key)} is given twice", line=line_of(key_node))
        out[key] = plain(value_node)
    return Located(out, line)
