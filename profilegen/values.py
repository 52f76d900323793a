"""Typing values by the catalogue: TOML values and `--set` text become the plist value a key takes."""

from __future__ import annotations

import binascii
import datetime
import json
import tomllib

from profilegen.catalog import KeySpec
from profilegen.plisttypes import PlistValue

# `--set` booleans: true or false, in any case (as TOML and a plist write them; TRUE reads as true). Not yes,
# no, 1 or 0, which `defaults` takes: a command line typed in a hurry should not turn "0" into false.
_TRUE = {"true"}
_FALSE = {"false"}


class ValueTypeError(ValueError):
    """The text or value cannot be read as the key's plist type."""


def coerce(value: PlistValue, spec: KeySpec) -> PlistValue:
    """Adapt a TOML value to the key's plist type where the intent is unambiguous (5 for a real, base64 for data)."""
    kind = spec.plist_type
    if kind == "real" and isinstance(value, int) and not isinstance(value, bool):
        return float(value)
    if kind == "integer" and isinstance(value, float) and value.is_integer():
        return int(value)
    if kind == "data" and isinstance(value, str):
        try:
            return binascii.a2b_base64(value.encode("ascii"), strict_mode=True)  # = b64decode(validate=True)
        except (binascii.Error, UnicodeEncodeError):
            raise ValueTypeError("is not base64 text") from None
    if kind == "date" and isinstance(value, str):
        return _parse_date(value)
    return value


def _parse_date(text: str) -> datetime.datetime:
    try:
        parsed = datetime.datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
    except ValueError:
        raise ValueTypeError("is not an ISO 8601 date, e.g. 2026-01-31T00:00:00Z") from None
    if parsed.tzinfo is not None:
        parsed = parsed.astimezone(datetime.UTC).replace(tzinfo=None)
    return parsed


def parse_text(text: str, spec: KeySpec | None) -> PlistValue:
    """A `--set` value: typed by the catalogue when the key is known, else read as a TOML literal or text."""
    if spec is None:
        return _literal(text)
    kind = spec.plist_type
    lowered = text.strip().lower()
    if kind == "bool":
        if lowered in _TRUE:
            return True
        if lowered in _FALSE:
            return False
        raise ValueTypeError("is not a boolean: write true or false (yes, no, 1 and 0 are not taken)")
    if kind == "integer":
        try:
            return int(text.strip(), 10)
        except ValueError:
            raise ValueTypeError("is not an integer") from None
    if kind == "real":
        try:
            return float(text.strip())
        except ValueError:
            raise ValueTypeError("is not a number") from None
    if kind == "date":
        return _parse_date(text)
    if kind == "data":
        return coerce(text.strip(), spec)
    if kind in ("array", "dict"):
        try:
            value = json.loads(text)
        except ValueError:
            raise ValueTypeError(f"is not JSON: write the {kind} as JSON, e.g. " +
                                 ('["a", "b"]' if kind == "array" else '{"k": 1}')) from None
        return _from_json(value)
    return text


def _from_json(value: object) -> PlistValue:
    if value is None:
        raise ValueTypeError("null has no plist form")
    if isinstance(value, list):
        return [_from_json(item) for item in value]
    if isinstance(value, dict):
        return {str(k): _from_json(v) for k, v in value.items()}
    if isinstance(value, bool | int | float | str):
        return value
    raise ValueTypeError(f"{value!r} has no plist form")


def _literal(text: str) -> PlistValue:
    """Unknown keys: `true`, `3`, `1.5`, `[1, 2]` keep their TOML type; anything else is a string."""
    try:
        value = tomllib.loads(f"v = {text}")["v"]
    except tomllib.TOMLDecodeError:
        return text
    if isinstance(value, bool | int | float | str | list | dict | datetime.datetime):
        return value
    return text
