"""Values compared and printed the same way everywhere: type-aware (true is not 1), order-blind for dicts."""

from __future__ import annotations

import json
from typing import Any

from profilegen.plisttypes import plist_type_of, to_json


def canonical(value: Any) -> Any:
    """A hashable form in which two values are equal exactly when their plists are."""
    try:
        kind = plist_type_of(value)
    except TypeError:
        return ("?", repr(value))
    if kind == "array":
        return (kind, tuple(canonical(item) for item in value))
    if kind == "dict":
        return (kind, tuple(sorted((str(k), canonical(v)) for k, v in value.items())))
    return (kind, value)


def same(a: Any, b: Any) -> bool:
    return bool(canonical(a) == canonical(b))


def as_text(value: Any) -> str:
    """One-line JSON text (dates ISO 8601, data base64); keys sorted so the text is stable."""
    return json.dumps(to_json(value), sort_keys=True, ensure_ascii=False)


def type_name(value: Any) -> str:
    try:
        return plist_type_of(value)
    except TypeError:
        return type(value).__name__
