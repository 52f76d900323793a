"""Values checked against a domain's JSON Schema by a conforming validator (jsonschema-rs: cheap to import)."""

from __future__ import annotations

import math
from typing import Any

from profilegen.catalog import DomainSchema
from profilegen.errors import InputError
from profilegen.plisttypes import PlistValue, to_json
from profilegen.record import Record
from profilegen.schema_refs import REFERENCES
from profilegen.surely import Compiled

_SHARED = ("$defs", "definitions", "$schema")
_PLAIN = frozenset((bool, int, float, str))  # what to_json leaves as it is
_NAME = "value"  # the one property of a shared key validator
_WHOLE = "*"  # the cache entry of the whole document's validator (key schemas are cached by their JSON)


class SchemaViolation(Record):
    key: str
    message: str


def _validator(schema: DomainSchema, key: str, text: str) -> tuple[Any, str]:
    """A validator of ``{name or key: value}`` for one key's schema (``text``: its JSON), and name. Keys whose
    schemas read the same share it: 100,000 patterned keys compile a handful of validators, not one schema
    of 100,000 properties. A schema with a reference is compiled under its own key, beside the shared parts
    (and, when it points at another key, with every key: the whole document)."""
    refers = any(f'"{word}"' in text for word in REFERENCES)  # text: json.dumps of the schema, keys quoted
    name, cache = (key, f"key {key}") if refers else (_NAME, text)
    found = schema.validators.get(cache)
    if found is None:
        properties = schema.document.get("properties", {})
        partial: dict[str, Any] = {k: schema.document[k] for k in _SHARED if k in schema.document}
        partial.update({"type": "object", "properties": {name: properties[key]}})
        try:
            found = (_compile(partial), name)
        except ValueError:  # e.g. a "#/properties/Other" reference to a key left out: compile them all
            whole = schema.validators.get(_WHOLE)
            if whole is None:
                try:
                    whole = schema.validators[_WHOLE] = (_compile({**partial, "properties": properties}), "")
                except ValueError as error:
                    reason = str(error).splitlines()[0] if str(error) else type(error).__name__
                    raise InputError(f"the schema cannot be used: {reason}", path=schema.path) from None
            found = whole  # its name "": each key under its own
        schema.validators[cache] = found
    return found


def _compile(document: dict[str, Any]) -> Any:
    """A validator that checks formats and fetches nothing (see profilegen.schema_refs)."""
    import jsonschema_rs

    from profilegen.schema_refs import refuse

    return jsonschema_rs.Draft202012Validator(document, validate_formats=True, retriever=refuse)


class Screen:
    """One domain's values judged as a caller meets them: a value that surely meets its key's schema is let
    through here (profilegen.surely); the others are kept by key (a key met twice: its last value, as a
    dict keeps it) for the conforming validator, which judges and words them (``violations``), and is not
    even imported when every value passes: most profiles."""

    __slots__ = ("_judge", "_parts", "_schema", "doubtful")

    def __init__(self, schema: DomainSchema) -> None:
        self._schema = schema
        self._judge = schema.judge
        # id of a key schema -> (it, kept alive; it compiled; for one judged by type alone: value type -> sure)
        self._parts: dict[int, tuple[Any, Compiled, dict[type, bool] | None]] = {}
        self.doubtful: dict[str, Any] = {}  # key -> its value as JSON

    def passes(self, key: str, part: Any, value: PlistValue) -> bool:
        """Whether ``value`` of ``key`` (whose schema is ``part``) surely meets it; if not, it is kept."""
        entry = self._parts.get(id(part))
        if entry is None or entry[0] is not part:
            judge = self._judge
            entry = self._parts[id(part)] = (part, judge.node(part), {} if judge.by_type(part) else None)
        compiled, by_kind = entry[1], entry[2]
        kind = type(value)
        if by_kind is not None and isinstance(value, float) and not math.isfinite(value):
            by_kind = None  # NaN and infinity: judged each time (never sure)
        if by_kind is not None and by_kind.get(kind):  # to_json's type follows the value's type alone
            if self.doubtful:
                self.doubtful.pop(key, None)
            return True
        plain = value if kind in _PLAIN else to_json(value)
        sure = compiled(plain, 0) is True
        if by_kind is not None:
            by_kind[kind] = sure
        if not sure:
            self.doubtful[key] = plain
        elif self.doubtful:
            self.doubtful.pop(key, None)
        return sure

    def violations(self) -> list[SchemaViolation]:
        """The first violation of each kept value, worded by the validator."""
        if not self.doubtful:
            return []
        import json

        properties = self._schema.document.get("properties", {})
        found: list[SchemaViolation] = []
        for key, plain in self.doubtful.items():
            text = json.dumps(properties[key], sort_keys=True)
            validator, name = _validator(self._schema, key, text)
            for error in validator.iter_errors({name or key: plain}):
                found.append(SchemaViolation(key, str(error.message)))
                break
        return found


def violations(schema: DomainSchema, settings: dict[str, PlistValue]) -> list[SchemaViolation]:
    """Every place where ``settings`` break the domain's schema, by key (first violation of each key)."""
    properties = schema.document.get("properties", {})
    screen = Screen(schema)
    for key, value in settings.items():
        if key in properties:
            screen.passes(key, properties[key], value)
    return screen.violations()
