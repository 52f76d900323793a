"""Whether a JSON value certainly meets a JSON Schema (2020-12), decided in Python for the common keywords.

The conforming validator (jsonschema-rs) costs tens of milliseconds to import and compile, per schema, on
every cold `validate`; most values meet their schema. ``surely_valid`` says True only when it is certain:
any keyword it does not evaluate exactly (pattern, format, if/then, oneOf...) makes it say False, and the
caller then asks the validator, which also writes every message. So a True never hides a finding.
"""

from __future__ import annotations

import math
from typing import Any

_NOTES = frozenset(("title", "description", "default", "examples", "deprecated", "$comment", "readOnly",
                    "writeOnly", "$schema", "$id", "$defs", "definitions", "contentEncoding", "contentMediaType"))
_TYPES: dict[str, tuple[type, ...]] = {"boolean": (bool,), "integer": (int,), "number": (int, float),
                                       "string": (str,), "array": (list,), "object": (dict,),
                                       "null": (type(None),)}
_SCALAR = (bool, int, float, str)
_MAX_DEPTH = 100


def surely_valid(schema: Any, value: Any, root: Any = None) -> bool:
    """True when ``value`` certainly meets ``schema``; ``root``: the document "#..." references point into
    (without one, a reference is not followed and the answer is False)."""
    return _valid(schema, value, root, 0)


def _valid(schema: Any, value: Any, root: Any, depth: int) -> bool:
    if schema is True:
        return True
    if not isinstance(schema, dict) or depth > _MAX_DEPTH:
        return False
    if isinstance(value, float) and not math.isfinite(value):
        return False
    if "$id" in schema and schema is not root:
        return False  # a new base: "#..." inside it points elsewhere
    for word, rule in schema.items():
        if word in _NOTES or word[:2] == "x-":
            continue
        check = _CHECKS.get(word)
        if check is None or not check(rule, value, schema, root, depth):
            return False
    return True


def _type(rule: Any, value: Any, *_: Any) -> bool:
    kinds = [rule] if isinstance(rule, str) else rule
    return isinstance(kinds, list) and any(isinstance(k, str) and type(value) in _TYPES.get(k, ()) for k in kinds)


def _enum(rule: Any, value: Any, *_: Any) -> bool:
    return (isinstance(rule, list) and isinstance(value, _SCALAR)
            and any(type(option) is type(value) and option == value for option in rule))


def _const(rule: Any, value: Any, *_: Any) -> bool:
    return _enum([rule], value)


def _bound(test: Any) -> Any:
    def check(rule: Any, value: Any, *_: Any) -> bool:
        if type(rule) not in (int, float):
            return False
        return type(value) not in (int, float) or bool(test(value, rule))  # bounds apply to numbers only
    return check


def _length(test: Any) -> Any:
    def check(rule: Any, value: Any, *_: Any) -> bool:
        if type(rule) is not int:
            return False
        return not isinstance(value, list) or bool(test(len(value), rule))
    return check


def _text_length(test: Any) -> Any:
    def check(rule: Any, value: Any, *_: Any) -> bool:
        if type(rule) is not int:
            return False
        return not isinstance(value, str) or bool(test(len(value), rule))  # code points, as JSON Schema counts
    return check


def _items(rule: Any, value: Any, _schema: Any, root: Any, depth: int) -> bool:
    return not isinstance(value, list) or all(_valid(rule, item, root, depth + 1) for item in value)


def _properties(rule: Any, value: Any, _schema: Any, root: Any, depth: int) -> bool:
    if not isinstance(rule, dict):
        return False
    return not isinstance(value, dict) or all(
        _valid(rule[key], item, root, depth + 1) for key, item in value.items() if key in rule)


def _required(rule: Any, value: Any, *_: Any) -> bool:
    return isinstance(rule, list) and (not isinstance(value, dict) or all(key in value for key in rule))


def _additional(rule: Any, value: Any, schema: dict[str, Any], root: Any, depth: int) -> bool:
    if "patternProperties" in schema or not isinstance(value, dict):
        return not isinstance(value, dict)
    known = schema.get("properties", {})
    if not isinstance(known, dict):
        return False
    return all(_valid(rule, item, root, depth + 1) for key, item in value.items() if key not in known)


def _all_of(rule: Any, value: Any, _schema: Any, root: Any, depth: int) -> bool:
    return isinstance(rule, list) and all(_valid(part, value, root, depth + 1) for part in rule)


def _ref(rule: Any, value: Any, _schema: Any, root: Any, depth: int) -> bool:
    if root is None or not isinstance(rule, str) or not (rule == "#" or rule.startswith("#/")):
        return False  # an anchor ("#name") or another document: the validator's business
    target = root
    for raw in rule[2:].split("/") if rule != "#" else []:
        part = raw.replace("~1", "/").replace("~0", "~")
        if not isinstance(target, dict) or part not in target or "%" in part:
            return False
        target = target[part]
    return _valid(target, value, root, depth + 1)


_CHECKS: dict[str, Any] = {
    "type": _type, "enum": _enum, "const": _const,
    "minimum": _bound(lambda v, b: v >= b), "maximum": _bound(lambda v, b: v <= b),
    "exclusiveMinimum": _bound(lambda v, b: v > b), "exclusiveMaximum": _bound(lambda v, b: v < b),
    "minItems": _length(lambda n, b: n >= b), "maxItems": _length(lambda n, b: n <= b),
    "minLength": _text_length(lambda n, b: n >= b), "maxLength": _text_length(lambda n, b: n <= b),
    "items": _items, "properties": _properties, "required": _required, "additionalProperties": _additional,
    "allOf": _all_of, "$ref": _ref,
}
