"""Text from input made safe to print: the one escaping function of every human-readable report.

A key or value read from a profile, a preset, a certificate or a catalogue may hold characters a
terminal obeys instead of showing: ESC sequences (clear the screen, set the window title), a carriage
return that overprints a line, a newline that starts a forged line, bidirectional overrides that show
text in another order than it is. `printable` shows each of them as an escape (``\\x1b``, ``\\r``,
``\\u202e``); everything else, non-ASCII letters included, is left as it is. A backslash is left as it is
too: a literal ``\\x1b`` in the input is four harmless characters either way.

`json_text` is the counterpart for JSON output: still valid JSON, the same parsed values, with the same
characters written as ``\\uXXXX`` escapes instead of raw; `toml_text` is the same for TOML.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

# C0 controls, DEL, C1 controls; line and paragraph separators (str.splitlines splits on them);
# the bidirectional embeddings, overrides and isolates (U+202A-U+202E, U+2066-U+2069) and marks.
# A translation table, not a regular expression: compiling one would cost every build's start-up.
UNSAFE_CODES = frozenset([*range(0x20), *range(0x7F, 0xA0), 0x061C, 0x200E, 0x200F, 0x2028, 0x2029,
                          *range(0x202A, 0x202F), *range(0x2066, 0x206A)])
_SHORT = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}
_ESCAPES = {code: _SHORT.get(chr(code)) or (f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}")
            for code in UNSAFE_CODES}
_KEEP_NEWLINES = {code: text for code, text in _ESCAPES.items() if code != 0x0A}
# What json.dumps leaves raw (it escapes C0 itself, and must keep its own newlines between lines)
_JSON_ESCAPES = {code: f"\\u{code:04x}" for code in UNSAFE_CODES if code >= 0x20}
# What tomli_w leaves raw: tab, C1, bidi, line separators (it escapes the rest of C0 and DEL itself)
_TOML_ESCAPES = {code: f"\\u{code:04x}" for code in UNSAFE_CODES if code != 0x0A}


def printable(text: str, *, lines: bool = False) -> str:
    """``text`` with every control and bidirectional character shown as an escape.

    With ``lines``, newlines are kept (for a message of several lines built by profilegen itself);
    each piece of input inside it must then have been escaped without ``lines``.
    """
    if text.isascii() and text.isprintable():  # nearly every string: nothing to do
        return text
    return text.translate(_KEEP_NEWLINES if lines else _ESCAPES)


def is_safe(text: str) -> bool:
    """True when `printable` would leave ``text`` as it is (no control or bidirectional character)."""
    return (text.isascii() and text.isprintable()) or UNSAFE_CODES.isdisjoint(map(ord, text))


def quoted(text: str) -> str:
    """``text`` in single quotes, escaped: for naming a key or value inside a message."""
    return f"'{printable(text)}'"


def printable_lines(lines: Iterable[str]) -> str:
    """Lines of a report, each escaped as a whole (a newline inside one shows as ``\\n``), joined."""
    return "\n".join(printable(line) for line in lines)


def json_text(data: Any, *, indent: int | None = 2) -> str:
    """JSON for machines that is also safe on a terminal: non-ASCII text kept, controls escaped.

    What json.dumps leaves raw (DEL, C1, bidi) can only stand inside a JSON string, where the
    ``\\uXXXX`` escape means the same character: the parsed values do not change.
    """
    import json

    return json.dumps(data, indent=indent, ensure_ascii=False).translate(_JSON_ESCAPES)


def toml_text(document: str) -> str:
    """tomli_w's TOML with every unsafe character that it leaves raw written as a ``\\uXXXX`` escape.

    tomli_w writes every string and quoted key as a basic string (its own indentation is spaces), so such a
    character can only stand inside one, where the escape means the same character, after a backslash that
    tomli_w doubled: the file is printable text and reads back to the same values.
    """
    return document if document.isascii() and "\t" not in document else document.translate(_TOML_ESCAPES)
