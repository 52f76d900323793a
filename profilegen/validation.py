"""Values checked against a domain's JSON Schema by a conforming validator (jsonschema-rs: cheap to import)."""

from __future__ import annotations

import math
from typing import Any

from profilegen.catalog import DomainSchema
from profilegen.errors import InputError
from profilegen.plisttypes import PlistValue, to_json
from profilegen.record import Record
from profilegen.schema_refs import REFERENCES
from profilegen.surely import Judge

_SHARED = ("$defs", "definitions", "$schema")
_PLAIN = frozenset((bool, int, float, str))  # what to_json leaves as it is
_NAME = "value"  # the one property of a shared key validator
_WHOLE = "*"  # the cache entry of the whole document's validator (key schemas are cached by their JSON)
_JUDGE = "surely"  # the cache entry of the domain's Judge (no key schema's JSON reads so: those start with "{")


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


def _judge(schema: DomainSchema) -> Judge:
    """The domain's Judge (profilegen.surely): its key schemas compiled once for the run, not once a profile."""
    found = schema.validators.get(_JUDGE)
    if found is None:
        found = schema.validators[_JUDGE] = (Judge(schema.document), "")
    judge: Judge = found[0]
    return judge


def violations(schema: DomainSchema, settings: dict[str, PlistValue]) -> list[SchemaViolation]:
    """Every place where ``settings`` break the domain's schema, by key (first violation of each key).

    A key whose schema is only a type, an enum or a range, and whose value surely meets it, is checked
    here; only the others go to the conforming validator, which writes every message (and is not even
    imported when all keys pass: most profiles)."""
    properties = schema.document.get("properties", {})
    judge = _judge(schema)
    judged: dict[tuple[int, type], bool] = {}  # (a schema judged by type alone, the value's type): surely valid
    instance = {}
    for key, value in settings.items():
        if key not in properties:
            continue
        part = properties[key]
        kind = type(value)
        if isinstance(value, float) and not math.isfinite(value):
            memo = None
        else:
            memo = (id(part), kind) if judge.by_type(part) else None  # to_json's type follows the value's type alone
        if memo is not None and judged.get(memo):
            continue
        plain = value if kind in _PLAIN else to_json(value)
        sure = judge.valid(part, plain)
        if memo is not None:
            judged[memo] = sure
        if not sure:
            instance[key] = plain
    if not instance:
        return []
    import json

    found: list[SchemaViolation] = []
    for key, plain in instance.items():
        text = json.dumps(properties[key], sort_keys=True)
        validator, name = _validator(schema, key, text)
        for error in validator.iter_errors({name or key: plain}):
            found.append(SchemaViolation(key, str(error.message)))
            break
    return found
