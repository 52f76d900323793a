"""Whether a JSON value certainly meets a JSON Schema (2020-12), decided in Python for the common keywords.

The conforming validator (jsonschema-rs) costs tens of milliseconds to import and compile, per schema, on
every cold `validate`; most values meet their schema. ``surely_valid`` says True only when it is certain.
Inside, each keyword is judged True (certainly met), False (certainly not) or None (not sure: a pattern
or format Python cannot judge exactly (profilegen.surely_text), a float where an integer is wanted...);
``not``, ``oneOf``, ``anyOf`` and ``if`` need both certain answers. Unless the whole is certainly met, the
caller asks the validator, which also writes every message. So a True never hides a finding.
A ``Judge`` keeps one document's subschemas compiled into closures (what the schema alone decides is decided
once), so that a run judging a thousand payloads of a type reads its schema's keywords once, not per payload.
The closures fold their parts' judgements with the same short loop, written out in each (all of, items,
properties, the node itself): a shared helper would be a call, or a generator, per value judged, on the path
every key of a 100,000-key profile takes.
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
    (without one, a reference is not followed and the answer is False). A caller that judges many values
    against one document keeps a ``Judge`` of it instead: each subschema is then compiled once."""
    return Judge(root).valid(schema, value)


Compiled = Callable[[Any, int], Judgement]  # a subschema compiled: (value, depth) -> its judgement


class Judge:
    """``surely_valid`` against the subschemas of one ``root`` document, each compiled once into a closure,
    when a value first meets it (a payload schema judges every payload of its type of a run).

    A compiled subschema judges exactly as the keywords below do, in the same order: what is known from
    the schema alone (a keyword not judged here, a rule of the wrong shape, where a reference points) is
    decided when it is compiled; only what depends on the value is left for each call. The subschemas
    are kept by identity (the document is read-only), so two documents, or two schemas of one, never
    share an answer."""

    __slots__ = ("_nodes", "_typed", "root")

    def __init__(self, root: Any = None) -> None:
        self.root = root
        self._nodes: dict[int, tuple[Any, Compiled]] = {}  # id -> (the subschema, kept alive; compiled)
        self._typed: dict[int, tuple[Any, bool]] = {}  # id -> (the subschema, kept alive; judged_by_type)

    def valid(self, schema: Any, value: Any) -> bool:
        """True when ``value`` certainly meets ``schema`` (the root document, or a subschema of it)."""
        return self.node(schema)(value, 0) is True

    def by_type(self, schema: Any) -> bool:
        """``judged_by_type(schema)``, decided once per subschema."""
        entry = self._typed.get(id(schema))
        if entry is None or entry[0] is not schema:
            entry = self._typed[id(schema)] = (schema, judged_by_type(schema))
        return entry[1]

    def node(self, schema: Any) -> Compiled:
        entry = self._nodes.get(id(schema))
        if entry is not None and entry[0] is schema:
            return entry[1]
        compiled = self._compile(schema)
        self._nodes[id(schema)] = (schema, compiled)
        return compiled

    def _compile(self, schema: Any) -> Compiled:
        if schema is True or schema is False or not isinstance(schema, dict):
            return _constant(schema if schema is True or schema is False else None)
        has_id = "$id" in schema  # below the top, a new base for "#..." references: not judged
        parts: list[Compiled] = []
        unsure = False
        for word, rule in schema.items():
            make = _MAKERS.get(word)
            if make is None:  # a note, an extension, or a keyword not judged here
                if word not in _NOTES and word[:2] != "x-":
                    unsure = True
                continue
            part = make(self, rule, schema)
            if part is None:  # not judged whatever the value (a rule of the wrong shape...)
                unsure = True
            else:
                parts.append(part)
        kind = schema.get("type")
        if len(parts) == 1 and not unsure and type(kind) is str and kind in _TYPES:  # so the one part is "type"
            return _typed(_TYPES[kind], kind == "integer", has_id)  # the commonest leaf: a type and notes
        return _node(tuple(parts), unsure, has_id)


def _constant(judgement: Judgement) -> Compiled:
    def constant(_value: Any, _depth: int) -> Judgement:
        return judgement
    return constant


def _typed(one: tuple[type, ...], integer: bool, has_id: bool) -> Compiled:
    """A subschema judged by its "type" (one name) alone: ``_node`` of that one check, in one call."""
    isfinite = math.isfinite

    def typed(value: Any, depth: int) -> Judgement:
        if depth > _MAX_DEPTH or (has_id and depth) or (isinstance(value, float) and not isfinite(value)):
            return None
        if type(value) in one:
            return True
        return None if integer and isinstance(value, float) else False
    return typed


def _node(parts: tuple[Compiled, ...], unsure: bool, has_id: bool) -> Compiled:
    """A subschema's keywords together: False at the first certain failure, else None when one (or a keyword
    not judged) is unsure; nothing is sure of NaN, infinity or too deep a nesting."""
    isfinite = math.isfinite
    if len(parts) == 1 and not unsure:
        only = parts[0]

        def single(value: Any, depth: int) -> Judgement:
            if depth > _MAX_DEPTH or (has_id and depth) or (isinstance(value, float) and not isfinite(value)):
                return None
            return only(value, depth)
        return single

    def node(value: Any, depth: int) -> Judgement:
        if depth > _MAX_DEPTH or (has_id and depth) or (isinstance(value, float) and not isfinite(value)):
            return None
        doubt = unsure
        for part in parts:
            judgement = part(value, depth)
            if judgement is False:
                return False
            if judgement is None:
                doubt = True
        return None if doubt else True
    return node


def judged_by_type(schema: Any) -> bool:
    """Whether ``surely_valid(schema, value)`` depends on nothing but ``type(value)`` (for a finite value):
    a schema whose only keyword judged here is "type" (the rest notes, extensions, or not judged)."""
    return isinstance(schema, dict) and all(word == "type" or word not in _MAKERS for word in schema)


def _all(judgements: Iterable[Judgement]) -> Judgement:
    """Every part met: False at the first certain failure, None when one is unsure."""
    unsure = False
    for judgement in judgements:
        if judgement is False:
            return False
        if judgement is None:
            unsure = True
    return None if unsure else True


# Each keyword's maker: (judge, rule, the subschema) -> its check of a value, or None when the keyword is not
# judged whatever the value is. A check gets (value, depth); subschemas inside are judged at depth + 1.
Maker = Callable[[Judge, Any, dict[str, Any]], Compiled | None]


def _type(_judge: Judge, rule: Any, _schema: Any) -> Compiled | None:
    if type(rule) is str:  # the common case
        one = _TYPES.get(rule)
        if one is None:
            return None
        integer = rule == "integer"

        def single(value: Any, _depth: int) -> Judgement:
            if type(value) in one:
                return True
            return None if integer and isinstance(value, float) else False
        return single
    if not isinstance(rule, list) or not all(isinstance(k, str) and k in _TYPES for k in rule):
        return None
    kinds = frozenset(kind for name in rule for kind in _TYPES[name])
    integer = "integer" in rule

    def several(value: Any, _depth: int) -> Judgement:
        if type(value) in kinds:
            return True
        return None if isinstance(value, float) and integer else False  # 1.0 is an integer to JSON Schema
    return several


_NUMERIC = (int, float)


def _enum(_judge: Judge, rule: Any, _schema: Any) -> Compiled | None:
    if not isinstance(rule, list):
        return None
    # an option equals a scalar of its own type only (true is not 1): (type, option) pairs, looked up at once
    exact = {(type(option), option) for option in rule if isinstance(option, _SCALAR)}
    numeric = [option for option in rule if type(option) in _NUMERIC]

    def check(value: Any, _depth: int) -> Judgement:
        if not isinstance(value, _SCALAR):
            return None
        if (type(value), value) in exact:
            return True
        if type(value) in _NUMERIC and any(option == value for option in numeric):
            return None  # 1 and 1.0 are equal to JSON Schema
        return False  # a scalar equals no container
    return check


def _const(judge: Judge, rule: Any, schema: Any) -> Compiled | None:
    return _enum(judge, [rule], schema)


def _bound(test: Callable[[Any, Any], bool]) -> Maker:
    def make(_judge: Judge, rule: Any, _schema: Any) -> Compiled | None:
        if type(rule) not in _NUMERIC:
            return None

        def check(value: Any, _depth: int) -> Judgement:
            return type(value) not in _NUMERIC or test(value, rule)  # bounds apply to numbers only
        return check
    return make


def _length(kind: type, test: Callable[[int, int], bool]) -> Maker:
    def make(_judge: Judge, rule: Any, _schema: Any) -> Compiled | None:
        if type(rule) is not int:
            return None

        def check(value: Any, _depth: int) -> Judgement:
            if not isinstance(value, kind):
                return True
            return test(len(value), rule)  # type: ignore[arg-type]  # strings: code points, as JSON counts
        return check
    return make


def _items(judge: Judge, rule: Any, _schema: Any) -> Compiled | None:
    item = judge.node(rule)

    def check(value: Any, depth: int) -> Judgement:
        if not isinstance(value, list):
            return True
        inner = depth + 1
        unsure = False
        for one in value:
            judgement = item(one, inner)
            if judgement is False:
                return False
            if judgement is None:
                unsure = True
        return None if unsure else True
    return check


def _properties(judge: Judge, rule: Any, _schema: Any) -> Compiled | None:
    if not isinstance(rule, dict):
        return None
    named: dict[Any, Compiled] = {}  # each property's subschema compiled when a value first has it
    node = judge.node

    def check(value: Any, depth: int) -> Judgement:
        if not isinstance(value, dict):
            return True
        inner = depth + 1
        unsure = False
        for key, item in value.items():
            compiled = named.get(key)
            if compiled is None:
                if key not in rule:
                    continue
                compiled = named[key] = node(rule[key])
            judgement = compiled(item, inner)
            if judgement is False:
                return False
            if judgement is None:
                unsure = True
        return None if unsure else True
    return check


def _required(_judge: Judge, rule: Any, _schema: Any) -> Compiled | None:
    if not isinstance(rule, list):
        return None
    if all(type(key) is str for key in rule):  # as JSON has them: one set comparison
        needed = frozenset(rule)

        def names(value: Any, _depth: int) -> Judgement:
            return not isinstance(value, dict) or value.keys() >= needed
        return names

    def check(value: Any, _depth: int) -> Judgement:
        return not isinstance(value, dict) or all(key in value for key in rule)
    return check


def _additional(judge: Judge, rule: Any, schema: dict[str, Any]) -> Compiled | None:
    known = schema.get("properties", {})
    judged = "patternProperties" not in schema and isinstance(known, dict)
    other = judge.node(rule)

    def check(value: Any, depth: int) -> Judgement:
        if not isinstance(value, dict):
            return True
        if not judged:
            return None
        inner = depth + 1
        return _all(other(item, inner) for key, item in value.items() if key not in known)
    return check


def _parts(judge: Judge, rule: Any) -> tuple[Compiled, ...] | None:
    return tuple(judge.node(part) for part in rule) if isinstance(rule, list) else None


def _all_of(judge: Judge, rule: Any, _schema: Any) -> Compiled | None:
    parts = _parts(judge, rule)
    if parts is None:
        return None

    def check(value: Any, depth: int) -> Judgement:
        inner = depth + 1
        unsure = False
        for part in parts:
            judgement = part(value, inner)
            if judgement is False:
                return False
            if judgement is None:
                unsure = True
        return None if unsure else True
    return check


def _any_of(judge: Judge, rule: Any, _schema: Any) -> Compiled | None:
    parts = _parts(judge, rule)
    if parts is None:
        return None

    def check(value: Any, depth: int) -> Judgement:
        inner = depth + 1
        judgements = [part(value, inner) for part in parts]
        if True in judgements:
            return True
        return False if all(j is False for j in judgements) else None
    return check


def _one_of(judge: Judge, rule: Any, _schema: Any) -> Compiled | None:
    parts = _parts(judge, rule)
    if parts is None:
        return None

    def check(value: Any, depth: int) -> Judgement:
        inner = depth + 1
        judgements = [part(value, inner) for part in parts]
        if None in judgements:
            return None
        return judgements.count(True) == 1
    return check


def _not(judge: Judge, rule: Any, _schema: Any) -> Compiled | None:
    negated = judge.node(rule)

    def check(value: Any, depth: int) -> Judgement:
        judgement = negated(value, depth + 1)
        return None if judgement is None else not judgement
    return check


def _if(judge: Judge, rule: Any, schema: dict[str, Any]) -> Compiled | None:
    condition = judge.node(rule)
    then, otherwise = judge.node(schema.get("then", True)), judge.node(schema.get("else", True))

    def check(value: Any, depth: int) -> Judgement:
        met = condition(value, depth + 1)
        if met is None:
            return None
        return (then if met else otherwise)(value, depth + 1)
    return check


def _ref(judge: Judge, rule: Any, _schema: Any) -> Compiled | None:
    root = judge.root
    if root is None or not isinstance(rule, str) or not (rule == "#" or rule.startswith("#/")):
        return None  # an anchor ("#name") or another document: the validator's business
    target = root
    for raw in rule[2:].split("/") if rule != "#" else []:
        part = raw.replace("~1", "/").replace("~0", "~")
        if not isinstance(target, dict) or part not in target or "%" in part:
            return None
        target = target[part]
    found: list[Compiled] = []  # compiled when first followed: a schema may refer to itself

    def check(value: Any, depth: int) -> Judgement:
        if not found:
            found.append(judge.node(target))
        return found[0](value, depth + 1)
    return check


def _pattern(_judge: Judge, rule: Any, _schema: Any) -> Compiled | None:
    from profilegen.surely_text import pattern_judgement  # its regular expressions only when a schema asks

    def check(value: Any, _depth: int) -> Judgement:
        return pattern_judgement(rule, value)
    return check


def _format(_judge: Judge, rule: Any, _schema: Any) -> Compiled | None:
    from profilegen.surely_text import format_judgement

    def check(value: Any, _depth: int) -> Judgement:
        return format_judgement(rule, value)
    return check


_MAKERS: dict[str, Maker] = {
    "type": _type, "enum": _enum, "const": _const,
    "minimum": _bound(lambda v, b: v >= b), "maximum": _bound(lambda v, b: v <= b),
    "exclusiveMinimum": _bound(lambda v, b: v > b), "exclusiveMaximum": _bound(lambda v, b: v < b),
    "minItems": _length(list, lambda n, b: n >= b), "maxItems": _length(list, lambda n, b: n <= b),
    "minLength": _length(str, lambda n, b: n >= b), "maxLength": _length(str, lambda n, b: n <= b),
    "items": _items, "properties": _properties, "required": _required, "additionalProperties": _additional,
    "allOf": _all_of, "anyOf": _any_of, "oneOf": _one_of, "not": _not, "if": _if, "$ref": _ref,
    "pattern": _pattern, "format": _format,
}
