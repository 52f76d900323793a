"""The values a preference can hold, and conversions between plist, TOML and JSON Schema views of them."""

from __future__ import annotations

import binascii
import datetime
from typing import Any, TypeAlias

PlistValue: TypeAlias = (
    bool | int | float | str | bytes | datetime.datetime | list["PlistValue"] | dict[str, "PlistValue"]
)
Settings: TypeAlias = dict[str, dict[str, PlistValue]]

PLIST_TYPES = ("bool", "integer", "real", "string", "date", "data", "array", "dict")


def plist_type_of(value: object) -> str:
    """The plist type a Python value is written as (bool before int: bool is an int subclass)."""
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, float):
        return "real"
    if isinstance(value, str):
        return "string"
    if isinstance(value, bytes):
        return "data"
    if isinstance(value, datetime.datetime):
        return "date"
    if isinstance(value, list):
        return "array"
    if isinstance(value, dict):
        return "dict"
    raise TypeError(f"not a plist value: {type(value).__name__}")


def fits(value: object, plist_type: str) -> bool:
    """Whether a plist value may stand for ``plist_type`` (an integer may stand for a real)."""
    try:
        kind = plist_type_of(value)
    except TypeError:
        return False
    return kind == plist_type or (plist_type == "real" and kind == "integer")


_AS_IS = frozenset((str, int, bool, float))  # what to_json returns as it is (exactly these types: no subclass)


def to_json(value: PlistValue) -> Any:
    """The JSON view a JSON Schema validator checks: dates as ISO 8601 text, data as base64 text."""
    if type(value) in _AS_IS:  # most values of a payload: returned before the checks below, and not recursed into
        return value
    if isinstance(value, datetime.datetime):
        return date_text(value)
    if isinstance(value, bytes):
        return base64_text(value)
    if isinstance(value, list):
        return [item if type(item) in _AS_IS else to_json(item) for item in value]
    if isinstance(value, dict):
        return {key: item if type(item) in _AS_IS else to_json(item) for key, item in value.items()}
    return value


def base64_text(value: bytes) -> str:
    """Data as one line of base64 (binascii, not the base64 module: it costs start-up for one call)."""
    return binascii.b2a_base64(value, newline=False).decode("ascii")


def utc(value: datetime.datetime) -> datetime.datetime:
    """Plists store dates in UTC without a zone; a naive date is taken as UTC."""
    if value.tzinfo is None:
        return value
    return value.astimezone(datetime.UTC).replace(tzinfo=None)


def display(value: PlistValue) -> str:
    """A short, unambiguous rendering for tables and messages."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return repr(value) if value == "" or value.strip() != value else value
    if isinstance(value, bytes):
        return f"<{len(value)} bytes>"
    if isinstance(value, datetime.datetime):
        return date_text(value)
    if isinstance(value, list):
        return "[" + ", ".join(display(item) for item in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{key} = {display(item)}" for key, item in value.items()) + "}"
    return str(value)


def date_text(moment: datetime.datetime) -> str:
    """ISO 8601 in UTC, with the four-digit year strftime does not promise for years before 1000."""
    moment = utc(moment)
    return (f"{moment.year:04d}-{moment.month:02d}-{moment.day:02d}T"
            f"{moment.hour:02d}:{moment.minute:02d}:{moment.second:02d}Z")


def utc_text(moment: datetime.datetime) -> str:
    """``2026-12-02 05:30:00 UTC``, as messages and reports show a certificate's dates (four-digit years:
    a certificate may say it is valid from the year 1, which strftime would write as ``1-01-01``)."""
    return date_text(moment).replace("T", " ").replace("Z", " UTC")
