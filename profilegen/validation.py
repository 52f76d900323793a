"""Values checked against a domain's JSON Schema by a conforming validator (jsonschema-rs: cheap to import)."""

from __future__ import annotations

from typing import Any

from profilegen.catalog import DomainSchema
from profilegen.plisttypes import PlistValue, to_json
from profilegen.record import Record

_SHARED = ("$defs", "definitions", "$schema")


class SchemaViolation(Record):
    key: str
    message: str


def _validator(schema: DomainSchema, keys: frozenset[str]) -> Any:
    """A validator for the keys in use: a domain's schema is checked key by key (a profile manages some
    keys, never all), and compiling a few keys' schemas costs a tenth of the whole document's."""
    compiled = schema.validators.get(keys)
    if compiled is None:
        import jsonschema_rs

        properties = schema.document.get("properties", {})
        partial: dict[str, Any] = {k: schema.document[k] for k in _SHARED if k in schema.document}
        partial.update({"type": "object", "properties": {k: properties[k] for k in keys if k in properties}})
        compiled = schema.validators[keys] = jsonschema_rs.Draft202012Validator(partial, validate_formats=True)
    return compiled


def violations(schema: DomainSchema, settings: dict[str, PlistValue]) -> list[SchemaViolation]:
    """Every place where ``settings`` break the domain's schema, by key (first violation of each key)."""
    instance = {key: to_json(value) for key, value in settings.items()}
    found: dict[str, SchemaViolation] = {}
    for error in _validator(schema, frozenset(instance)).iter_errors(instance):
        path = list(error.instance_path)
        key = str(path[0]) if path else ""
        if key not in found:
            found[key] = SchemaViolation(key, str(error.message))
    return list(found.values())
