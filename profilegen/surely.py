"""Whether a JSON value certainly meets a JSON Schema (2020-12), decided in Python for the common keywords.

The conforming validator (jsonschema-rs) costs tens of milliseconds to import and compile, per schema, on
every cold `validate`; most values meet their schema. ``surely_valid`` says True only when it is certain.
Inside, each keyword is judged True (certainly met), False (certainly not) or None (not sure: a pattern
or format Python cannot judge exactly (profilegen.surely_text), a float where an integer is wanted...);
``not``, ``oneOf``, ``anyOf`` and ``if`` need both certain answers. Unless the whole is certainly met, the
caller asks the validator, which also writes every message. So a True never hides a finding.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable
from typing import Any

Judgement = bool | None  # True: certainly met; False: certainly not; None: not sure
_NOTES = frozenset(("title", "description", "default", "examples", "deprecated", "$comment", "readOnly",
                    "writeOnly", "$schema", "$id", "$defs", "definitions", "contentEncoding", "contentMediaType",
                    "then", "else"))  # then/else are judged with their "if"
_TYPES: dict[str, tuple[type, ...]] = {"boolean": (bool,), "integer": (int,), "number": (int, float),
                                       "string": (str,), "array": (list,), "object": (dict,),
                                       "null": (type(None),)}
_SCALAR = (bool, int, float, str)
_MAX_DEPTH = 100


def surely_valid(schema: Any, value: Any, root: Any = None) -> bool:
    """True when ``value`` certainly meets ``schema``; ``root``: the document "#..." references point into
    (without one, a reference is not followed and the answer is False)."""
    return _judge(schema, value, root, 0) is True


def judged_by_type(schema: Any) -> bool:
    """Whether ``surely_valid(schema, value)`` depends on nothing but ``type(value)`` (for a finite value):
    a schema whose only keyword judged here is "type" (the rest notes, extensions, or not judged)."""
    return isinstance(schema, dict) and all(word == "type" or word not in _CHECKS for word in schema)


def _all(judgements: Iterable[Judgement]) -> Judgement:
    """Every part met: False at the first certain failure, None when one is unsure."""
    unsure = False
    for judgement in judgements:
        if judgement is False:
            return False
        if judgement is None:
            unsure = True
    return None if unsure else True


def _judge(schema: Any, value: Any, root: Any, depth: int) -> Judgement:
    if schema is True or schema is False:
        return schema
    if not isinstance(schema, dict) or depth > _MAX_DEPTH:
        return None
    if (isinstance(value, float) and not math.isfinite(value)) or (depth and "$id" in schema):
        return None  # NaN and infinity have no JSON form; a new $id is a new base for "#..." references
    unsure = False
    for word, rule in schema.items():
        check = _CHECKS.get(word)
        if check is None:  # a note, an extension, or a keyword not judged here
            if word not in _NOTES and word[:2] != "x-":
                unsure = True
            continue
        judgement = check(rule, value, schema, root, depth)
        if judgement is False:
            return False
        if judgement is None:
            unsure = True
    return None if unsure else True


def _type(rule: Any, value: Any, *_: Any) -> Judgement:
    if type(rule) is str:  # the common case, first (a hundred thousand keys)
        one = _TYPES.get(rule)
        if one is None:
            return None
        if type(value) in one:
            return True
        return None if rule == "integer" and isinstance(value, float) else False
    kinds = rule
    if not isinstance(kinds, list) or not all(isinstance(k, str) and k in _TYPES for k in kinds):
        return None
    if any(type(value) in _TYPES[k] for k in kinds):
        return True
    if isinstance(value, float) and "integer" in kinds:
        return None  # 1.0 is an integer to JSON Schema
    return False


def _enum(rule: Any, value: Any, *_: Any) -> Judgement:
    if not isinstance(rule, list) or not isinstance(value, _SCALAR):
        return None
    if any(type(option) is type(value) and option == value for option in rule):
        return True
    numeric = (int, float)
    if type(value) in numeric and any(type(option) in numeric and option == value for option in rule):
        return None  # 1 and 1.0 are equal to JSON Schema
    return False  # a scalar equals no container, and true is not 1


def _const(rule: Any, value: Any, *_: Any) -> Judgement:
    return _enum([rule], value)


def _bound(test: Callable[[Any, Any], bool]) -> Callable[..., Judgement]:
    def check(rule: Any, value: Any, *_: Any) -> Judgement:
        if type(rule) not in (int, float):
            return None
        return type(value) not in (int, float) or test(value, rule)  # bounds apply to numbers only
    return check


def _length(kind: type, test: Callable[[int, int], bool]) -> Callable[..., Judgement]:
    def check(rule: Any, value: Any, *_: Any) -> Judgement:
        if type(rule) is not int:
            return None
        if not isinstance(value, kind):
            return True
        return test(len(value), rule)  # type: ignore[arg-type]  # strings: code points, as JSON counts
    return check


def _items(rule: Any, value: Any, _schema: Any, root: Any, depth: int) -> Judgement:
    if not isinstance(value, list):
        return True
    return _all(_judge(rule, item, root, depth + 1) for item in value)


def _properties(rule: Any, value: Any, _schema: Any, root: Any, depth: int) -> Judgement:
    if not isinstance(rule, dict):
        return None
    if not isinstance(value, dict):
        return True
    return _all(_judge(rule[key], item, root, depth + 1) for key, item in value.items() if key in rule)


def _required(rule: Any, value: Any, *_: Any) -> Judgement:
    if not isinstance(rule, list):
        return None
    return not isinstance(value, dict) or all(key in value for key in rule)


def _additional(rule: Any, value: Any, schema: dict[str, Any], root: Any, depth: int) -> Judgement:
    if not isinstance(value, dict):
        return True
    known = schema.get("properties", {})
    if "patternProperties" in schema or not isinstance(known, dict):
        return None
    return _all(_judge(rule, item, root, depth + 1) for key, item in value.items() if key not in known)


def _all_of(rule: Any, value: Any, _schema: Any, root: Any, depth: int) -> Judgement:
    return _all(_judge(part, value, root, depth + 1) for part in rule) if isinstance(rule, list) else None


def _any_of(rule: Any, value: Any, _schema: Any, root: Any, depth: int) -> Judgement:
    if not isinstance(rule, list):
        return None
    judgements = [_judge(part, value, root, depth + 1) for part in rule]
    if True in judgements:
        return True
    return False if all(j is False for j in judgements) else None


def _one_of(rule: Any, value: Any, _schema: Any, root: Any, depth: int) -> Judgement:
    if not isinstance(rule, list):
        return None
    judgements = [_judge(part, value, root, depth + 1) for part in rule]
    if None in judgements:
        return None
    return judgements.count(True) == 1


def _not(rule: Any, value: Any, _schema: Any, root: Any, depth: int) -> Judgement:
    judgement = _judge(rule, value, root, depth + 1)
    return None if judgement is None else not judgement


def _if(rule: Any, value: Any, schema: dict[str, Any], root: Any, depth: int) -> Judgement:
    condition = _judge(rule, value, root, depth + 1)
    if condition is None:
        return None
    branch = schema.get("then" if condition else "else", True)
    return _judge(branch, value, root, depth + 1)


def _ref(rule: Any, value: Any, _schema: Any, root: Any, depth: int) -> Judgement:
    if root is None or not isinstance(rule, str) or not (rule == "#" or rule.startswith("#/")):
        return None  # an anchor ("#name") or another document: the validator's business
    target = root
    for raw in rule[2:].split("/") if rule != "#" else []:
        part = raw.replace("~1", "/").replace("~0", "~")
        if not isinstance(target, dict) or part not in target or "%" in part:
            return None
        target = target[part]
    return _judge(target, value, root, depth + 1)


def _pattern(rule: Any, value: Any, *_: Any) -> Judgement:
    from profilegen.surely_text import pattern_judgement  # its regular expressions only when a schema asks

    return pattern_judgement(rule, value)


def _format(rule: Any, value: Any, *_: Any) -> Judgement:
    from profilegen.surely_text import format_judgement

    return format_judgement(rule, value)


_CHECKS: dict[str, Callable[..., Judgement]] = {
    "type": _type, "enum": _enum, "const": _const,
    "minimum": _bound(lambda v, b: v >= b), "maximum": _bound(lambda v, b: v <= b),
    "exclusiveMinimum": _bound(lambda v, b: v > b), "exclusiveMaximum": _bound(lambda v, b: v < b),
    "minItems": _length(list, lambda n, b: n >= b), "maxItems": _length(list, lambda n, b: n <= b),
    "minLength": _length(str, lambda n, b: n >= b), "maxLength": _length(str, lambda n, b: n <= b),
    "items": _items, "properties": _properties, "required": _required, "additionalProperties": _additional,
    "allOf": _all_of, "anyOf": _any_of, "oneOf": _one_of, "not": _not, "if": _if, "$ref": _ref,
    "pattern": _pattern, "format": _format,
}
