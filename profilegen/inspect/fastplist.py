"""The fast reading of a well-formed, grammar-valid XML plist: the stdlib's expat, no lxml, no RELAX NG.

Most profiles are clean; for them lxml's import, its tree and the grammar check cost more than the rest of
`validate`. This reader builds the same line-numbered tree in one pass and checks, on the way, everything
schemas/plist.rng checks. At the first thing it is not sure of (a grammar break, an attribute, a comment
inside a value, an entity, an XML error, an encoding other than UTF-8, deep nesting, a start tag over
several lines) it gives up and returns None: the caller then reads the file the careful way (lxml and the
grammar), so every finding and message stays exactly what it was. tests/test_fast_plist.py compares both.
"""

from __future__ import annotations

import base64
import binascii
import datetime
import re
from typing import Any
from xml.parsers import expat

from profilegen.inspect.nodes import ArrayNode, DictNode, Entry, Node, kept

MAX_FAST_DEPTH = 64  # deeper (rare) documents take lxml's path, which has its own limit
MAX_FAST_BYTES = 10_000_000  # lxml refuses a text node over 10,000,000 bytes: bigger files take its path
_INTEGER = re.compile(r"[+\-]?([0-9]+|0[xX][0-9a-fA-F]+)")
_REAL = re.compile(r"[+\-]?(([0-9]+(\.[0-9]*)?|\.[0-9]+)([eE][+\-]?[0-9]+)?|[iI]nf(inity)?|nan)")
_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z")
_DATA = re.compile(r"[A-Za-z0-9+/=\x20\t\n\r]*")  # XML Schema's \s is these four
_SPLIT_TAG = re.compile(rb"<[^!?/>][^>]*\n")  # a start tag over several lines (or markup-like text)
_KEPT_KEYS = 4096
_SCALARS = frozenset(("string", "integer", "real", "true", "false", "date", "data", "key"))


class _Unsure(Exception):
    """Something the careful path must judge."""


def date_value(text: str) -> datetime.datetime | None:
    """A plist <date> (YYYY-MM-DDTHH:MM:SSZ) read by slicing: 25 times cheaper than strptime."""
    if _DATE.fullmatch(text) is None:
        return None
    try:
        return datetime.datetime(int(text[0:4]), int(text[5:7]), int(text[8:10]),
                                 int(text[11:13]), int(text[14:16]), int(text[17:19]))
    except ValueError:
        return None


def _token(text: str) -> str:
    return " ".join(text.split())


def _scalar(tag: str, text: str, line: int) -> Node:
    """The value of a scalar element, as xmlplist reads it; _Unsure where that would record an issue."""
    if tag == "string":
        return Node("string", line, text)
    if tag == "integer":
        raw = text.strip()
        if _INTEGER.fullmatch(_token(text)) is None or (raw[:1] in ("+", "-") and raw[1:3] in ("0x", "0X")):
            raise _Unsure
        return Node("integer", line, int(raw, 16) if raw[:2] in ("0x", "0X") else int(raw))
    if tag == "real":
        if _REAL.fullmatch(_token(text)) is None:
            raise _Unsure
        return Node("real", line, float(text))
    if tag in ("true", "false"):
        if text:
            raise _Unsure
        return Node("bool", line, tag == "true")
    if tag == "date":
        moment = date_value(_token(text)) if _token(text) == text.strip() else None
        if moment is None:
            raise _Unsure
        return Node("date", line, moment)
    if _DATA.fullmatch(text) is None:
        raise _Unsure
    try:
        return Node("data", line, base64.b64decode("".join(text.split()), validate=True))
    except (ValueError, binascii.Error):
        raise _Unsure from None


class _Reader:
    def __init__(self) -> None:
        self.parser = expat.ParserCreate()
        self.parser.buffer_text = True
        self.encoding = "UTF-8"
        # One frame per open container (and <plist>): [tag, line, entries-or-items, plain, pending key, key line]
        self.stack: list[list[Any]] = []
        # The scalar element open now (scalars hold no element): its tag, line and text so far
        self.scalar: str | None = None
        self.scalar_line = 0
        self.chars = ""
        self.root: Node | None = None
        self.seen_value = False
        self.repeats = False  # some <dict> gives a key twice (lint's duplicate-key walk is needed)
        # Keys read so far, each kept once: the keys of an array's dicts repeat (expat gives a new string
        # each time). Bounded, so that 100,000 distinct keys do not grow a table as big as the tree.
        self.keys: dict[str, str] = {}
        p = self.parser
        p.StartElementHandler = self.start
        p.EndElementHandler = self.end
        p.CharacterDataHandler = self.text
        p.XmlDeclHandler = self.declaration
        p.CommentHandler = self.comment
        p.ProcessingInstructionHandler = self.instruction
        p.SkippedEntityHandler = self.unsure
        p.EntityDeclHandler = self.unsure
        p.ExternalEntityRefHandler = self.unsure
        p.StartDoctypeDeclHandler = self.doctype

    def unsure(self, *_: Any) -> Any:
        raise _Unsure

    def doctype(self, _name: str, _system: str | None, _public: str | None, internal: int) -> None:
        if internal:
            raise _Unsure

    def declaration(self, _version: str | None, encoding: str | None, _standalone: int) -> None:
        if encoding is not None:
            if encoding.upper().replace("_", "-") not in ("UTF-8", "US-ASCII"):
                raise _Unsure
            self.encoding = encoding

    def comment(self, _text: str) -> None:
        if self.scalar is not None:
            raise _Unsure  # lxml's .text stops at a comment: let it read this one

    def instruction(self, _target: str, _data: str) -> None:
        self.comment("")

    def root_element(self, tag: str, attributes: dict[str, str]) -> None:
        if tag != "plist" or set(attributes) - {"version"} or attributes.get("version", "1.0") != "1.0":
            raise _Unsure
        self.stack.append(["plist", self.parser.CurrentLineNumber, None, None, None, None])

    def start(self, tag: str, attributes: dict[str, str]) -> None:
        stack = self.stack
        if not stack:
            self.root_element(tag, attributes)
            return
        if attributes or self.scalar is not None or len(stack) > MAX_FAST_DEPTH:
            raise _Unsure  # an attribute, an element inside a scalar, deep nesting
        parent = stack[-1]
        kind = parent[0]
        if kind == "dict":
            if (tag == "key") == (parent[4] is not None):
                raise _Unsure  # a key after a key, or a value without one
        elif kind == "array":
            if tag == "key":
                raise _Unsure
        elif self.seen_value:
            raise _Unsure  # a second value in <plist>
        else:
            self.seen_value = True
        # (a start tag over several lines never comes here: its line would be the tag's last)
        if tag in _SCALARS:
            self.scalar = tag
            self.scalar_line = self.parser.CurrentLineNumber
            self.chars = ""
        elif tag == "dict":
            stack.append(["dict", self.parser.CurrentLineNumber, [], {}, None, None])
        elif tag == "array":
            stack.append(["array", self.parser.CurrentLineNumber, [], [], None, None])
        else:
            raise _Unsure

    def text(self, text: str) -> None:
        if self.scalar is not None:
            self.chars += text  # one piece mostly (buffer_text): "" + text is text itself
        elif text.strip(" \t\n\r"):
            raise _Unsure  # text in a <dict>, <array> or <plist>

    def end(self, _tag: str) -> None:
        stack = self.stack
        tag = self.scalar
        if tag is not None:
            self.scalar = None
            text, line = self.chars, self.scalar_line
            parent = stack[-1]
            if tag == "key":
                keys = self.keys
                parent[4] = keys.setdefault(text, text) if len(keys) < _KEPT_KEYS else keys.get(text, text)
                parent[5] = line
                return
            node = Node("string", line, text) if tag == "string" else _scalar(tag, text, line)
        else:
            frame = stack.pop()
            kind = frame[0]
            if kind == "dict":
                if frame[4] is not None:
                    raise _Unsure  # a key without a value
                if len(frame[3]) != len(frame[2]):
                    self.repeats = True
                node = DictNode(frame[1], frame[3], kept(frame[2]))
            elif kind == "array":
                node = ArrayNode(frame[1], frame[3], kept(frame[2]))
            else:  # </plist>
                if not self.seen_value:
                    raise _Unsure
                return
            parent = stack[-1]
        kind = parent[0]
        if kind == "dict":
            key = parent[4]
            parent[2].append(Entry(key, parent[5], node))
            parent[3][key] = node.value
            parent[4] = None
        elif kind == "array":
            parent[2].append(node)
            parent[3].append(node.value)
        else:
            self.root = node


def fast_parse(data: bytes) -> tuple[Node, str, bool] | None:
    """The tree and declared encoding of a clean UTF-8 plist and whether any <dict> in it gives a key
    twice, or None: read it with xmlplist.parse."""
    if len(data) > MAX_FAST_BYTES or data[:2] in (b"\xff\xfe", b"\xfe\xff") or b"\x00" in data[:4]:
        return None
    if _SPLIT_TAG.search(data):  # lxml numbers an element by the line where its start tag ends
        return None
    reader = _Reader()
    try:
        reader.parser.Parse(data, True)
    except (_Unsure, expat.ExpatError, ValueError, RecursionError):
        return None
    finally:
        del reader.parser  # its handlers hold the reader: no cycle left for the collector (profilegen.bulk)
    if reader.root is None:
        return None
    return reader.root, reader.encoding, reader.repeats
