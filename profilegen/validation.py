"""Values checked against a domain's JSON Schema by a conforming validator (jsonschema-rs: cheap to import)."""

from __future__ import annotations

from typing import Any

from profilegen.catalog import DomainSchema
from profilegen.errors import InputError
from profilegen.plisttypes import PlistValue, to_json
from profilegen.record import Record
from profilegen.surely import surely_valid

_SHARED = ("$defs", "definitions", "$schema")


class SchemaViolation(Record):
    key: str
    message: str


def _validator(schema: DomainSchema, keys: frozenset[str]) -> Any:
    """A validator for the keys in use: a domain's schema is checked key by key (a profile manages some
    keys, never all), and compiling a few keys' schemas costs a tenth of the whole document's."""
    compiled = schema.validators.get(keys)
    if compiled is None:
        properties = schema.document.get("properties", {})
        partial: dict[str, Any] = {k: schema.document[k] for k in _SHARED if k in schema.document}
        partial.update({"type": "object", "properties": {k: properties[k] for k in keys if k in properties}})
        try:
            compiled = _compile(partial)
        except ValueError:  # e.g. a "#/properties/Other" reference to a key left out: compile them all
            try:
                compiled = _compile({**partial, "properties": properties})
            except ValueError as error:
                reason = str(error).splitlines()[0] if str(error) else type(error).__name__
                raise InputError(f"the schema cannot be used: {reason}", path=schema.path) from None
        schema.validators[keys] = compiled
    return compiled


def _compile(document: dict[str, Any]) -> Any:
    """A validator that checks formats and fetches nothing (see profilegen.schema_refs)."""
    import jsonschema_rs

    from profilegen.schema_refs import refuse

    return jsonschema_rs.Draft202012Validator(document, validate_formats=True, retriever=refuse)


def violations(schema: DomainSchema, settings: dict[str, PlistValue]) -> list[SchemaViolation]:
    """Every place where ``settings`` break the domain's schema, by key (first violation of each key).

    A key whose schema is only a type, an enum or a range, and whose value surely meets it, is checked
    here; only the others go to the conforming validator, which writes every message (and is not even
    imported when all keys pass: most profiles)."""
    properties = schema.document.get("properties", {})
    instance = {}
    for key, value in settings.items():
        if key in properties:
            plain = to_json(value)
            if not surely_valid(properties[key], plain, schema.document):
                instance[key] = plain
    if not instance:
        return []
    found: dict[str, SchemaViolation] = {}
    for error in _validator(schema, frozenset(instance)).iter_errors(instance):
        path = list(error.instance_path)
        key = str(path[0]) if path else ""
        if key not in found:
            found[key] = SchemaViolation(key, str(error.message))
    return list(found.values())
