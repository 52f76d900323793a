"""XML property lists, byte for byte as ``plistlib.dumps(value, fmt=FMT_XML, sort_keys=True)`` writes them.

Every build renders its profiles and script fragments through here rather than plistlib: importing
plistlib costs a build more start-up than all of its rendering, and this writer, which joins strings
instead of writing to a stream element by element, is several times faster (benchmarks/bench_build_many).
tests/test_plist_xml.py holds the two to identical bytes for arbitrary values; reading stays with plistlib.
"""

from __future__ import annotations

import binascii
import datetime
from collections.abc import Callable
from typing import Any

from profilegen.plisttypes import utc

HEADER = (
    '<?xml version="1.0" encoding="UTF-8"?>\n'
    '<!DOCTYPE plist PUBLIC "-//Apple//DTD PLIST 1.0//EN" "http://www.apple.com/DTDs/PropertyList-1.0.dtd">\n'
    '<plist version="1.0">\n'
)
FOOTER = "</plist>\n"
_INT_MIN, _INT_MAX = -(1 << 63), 1 << 64  # what plistlib accepts: signed 64-bit up to unsigned 64-bit
_NOT_IN_PLIST = frozenset(chr(c) for c in range(32)) - {"\t", "\n", "\r"}
# Escaped dict keys: a build of many presets writes the same few hundred keys again and again.
_KEYS: dict[str, str] = {}
_KEYS_KEPT = 4096


def dumps(value: Any) -> bytes:
    """The whole document: XML declaration, DOCTYPE, ``<plist>``; UTF-8, tab-indented, keys sorted."""
    out = [HEADER]
    _write(value, 0, out)
    out.append(FOOTER)
    return "".join(out).encode("utf-8")


def fragment(value: Any) -> str:
    """The value's element alone, as ``defaults write`` takes it: no declaration or ``<plist>``, no outer indent."""
    out: list[str] = []
    _write(value, 0, out)
    return "".join(out).strip()


def escape(text: str) -> str:
    """Text as XML character data, as plistlib writes it: line ends become LF; ``&``, ``<``, ``>`` escaped."""
    if not text.isprintable():  # fast path: printable text has no control characters and no CR
        if not _NOT_IN_PLIST.isdisjoint(text):
            raise ValueError("strings can't contain control characters; use bytes instead")
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    if "&" in text:
        text = text.replace("&", "&amp;")
    if "<" in text:
        text = text.replace("<", "&lt;")
    if ">" in text:
        text = text.replace(">", "&gt;")
    return text


def _write(value: Any, level: int, out: list[str]) -> None:
    writer = _WRITERS.get(type(value))
    if writer is None:
        writer = _writer_for_subclass(value)
    writer(value, level, out)


def _string(value: str, level: int, out: list[str]) -> None:
    out.append(f"{_TABS[level]}<string>{escape(value)}</string>\n")


def _bool(value: bool, level: int, out: list[str]) -> None:
    out.append(f"{_TABS[level]}<true/>\n" if value else f"{_TABS[level]}<false/>\n")


def _integer(value: int, level: int, out: list[str]) -> None:
    if not _INT_MIN <= value < _INT_MAX:
        raise OverflowError(value)
    out.append(f"{_TABS[level]}<integer>{int(value)}</integer>\n")


def _real(value: float, level: int, out: list[str]) -> None:
    out.append(f"{_TABS[level]}<real>{value!r}</real>\n")


def _dict(value: dict[Any, Any], level: int, out: list[str]) -> None:
    tabs = _TABS[level]
    if not value:
        out.append(f"{tabs}<dict/>\n")
        return
    out.append(f"{tabs}<dict>\n")
    inner = _TABS[level + 1]
    for key in sorted(value):  # keys are unique, so this is plistlib's sorted(items) order
        if not isinstance(key, str):
            raise TypeError("keys must be strings")
        item = value[key]
        text = _KEYS.get(key)
        if text is None:
            text = escape(key)
            if len(_KEYS) < _KEYS_KEPT:
                _KEYS[key] = text
        if type(item) is str:  # the common case, written here rather than through _write
            out.append(f"{inner}<key>{text}</key>\n{inner}<string>{escape(item)}</string>\n")
        else:
            out.append(f"{inner}<key>{text}</key>\n")
            _write(item, level + 1, out)
    out.append(f"{tabs}</dict>\n")


def _array(value: list[Any] | tuple[Any, ...], level: int, out: list[str]) -> None:
    tabs = _TABS[level]
    if not value:
        out.append(f"{tabs}<array/>\n")
        return
    out.append(f"{tabs}<array>\n")
    for item in value:
        _write(item, level + 1, out)
    out.append(f"{tabs}</array>\n")


def _data(value: bytes | bytearray, level: int, out: list[str]) -> None:
    """Base64 in lines that, with the indent counted as 8 columns a tab, stay within 76 (at least 16)."""
    tabs = _TABS[level]
    chunk = (max(16, 76 - 8 * level) // 4) * 3
    out.append(f"{tabs}<data>\n")
    for start in range(0, len(value), chunk):
        line = binascii.b2a_base64(value[start:start + chunk]).decode("ascii")
        out.append(f"{tabs}{line}")
    out.append(f"{tabs}</data>\n")


def _date(value: datetime.datetime, level: int, out: list[str]) -> None:
    """To the second, with a Z. Settings hold naive UTC dates (plistlib writes those alike); an aware
    date is converted to UTC here too, where plistlib would write its local clock time with a Z."""
    if value.tzinfo is not None:
        value = utc(value)
    out.append(f"{_TABS[level]}<date>{value.year:04d}-{value.month:02d}-{value.day:02d}T"
               f"{value.hour:02d}:{value.minute:02d}:{value.second:02d}Z</date>\n")


class _Tabs(dict[int, str]):
    def __missing__(self, level: int) -> str:
        self[level] = tabs = "\t" * level
        return tabs


_TABS = _Tabs()
_WRITERS: dict[type, Callable[[Any, int, list[str]], None]] = {
    str: _string, bool: _bool, int: _integer, float: _real, dict: _dict, list: _array, tuple: _array,
    bytes: _data, bytearray: _data, datetime.datetime: _date,
}
# plistlib's own order of isinstance tests, for subclasses (an IntEnum is an integer, an OrderedDict a dict)
_SUBCLASS_ORDER: tuple[tuple[type, Callable[[Any, int, list[str]], None]], ...] = (
    (str, _string), (int, _integer), (float, _real), (dict, _dict), (bytes, _data), (bytearray, _data),
    (datetime.datetime, _date), (tuple, _array), (list, _array),
)


def _writer_for_subclass(value: Any) -> Callable[[Any, int, list[str]], None]:
    for base, writer in _SUBCLASS_ORDER:
        if isinstance(value, base):
            return writer
    raise TypeError(f"unsupported type: {type(value)}")
