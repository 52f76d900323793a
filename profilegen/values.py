"""Typing values by the catalogue: TOML values and `--set` text become the plist value a key takes."""

from __future__ import annotations

import binascii
import datetime
import json
import tomllib

from profilegen.catalog import KeySpec
from profilegen.errors import ValidationError
from profilegen.plisttypes import PlistValue, utc
from profilegen.preset import toml_to_plist

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
    return utc(parsed)


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
            return _from_json(json.loads(text))
        except ValueTypeError:
            raise
        except ValueError:
            raise ValueTypeError(f"is not JSON: write the {kind} as JSON, e.g. " +
                                 ('["a", "b"]' if kind == "array" else '{"k": 1}')) from None
        except RecursionError:
            raise ValueTypeError("nests too deeply to read") from None
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
        if isinstance(value, bool | int | float | str | list | dict | datetime.datetime):
            return toml_to_plist(value, "--set", None)  # as a preset reads it: dates in UTC
    except (tomllib.TOMLDecodeError, ValidationError, RecursionError):
        pass
    return text
