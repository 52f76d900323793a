"""Values checked against a domain's JSON Schema by a conforming validator (jsonschema-rs: cheap to import)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from profilegen.catalog import DomainSchema
from profilegen.plisttypes import PlistValue, to_json

_VALIDATORS: dict[int, Any] = {}


@dataclass(frozen=True)
class SchemaViolation:
    key: str
    message: str


def _validator(schema: DomainSchema) -> Any:
    compiled = _VALIDATORS.get(id(schema.document))
    if compiled is None:
        import jsonschema_rs

        compiled = jsonschema_rs.Draft202012Validator(schema.document, validate_formats=True)
        _VALIDATORS[id(schema.document)] = compiled
    return compiled


def violations(schema: DomainSchema, settings: dict[str, PlistValue]) -> list[SchemaViolation]:
    """Every place where ``settings`` break the domain's schema, by key (first violation of each key)."""
    instance = {key: to_json(value) for key, value in settings.items()}
    found: dict[str, SchemaViolation] = {}
    for error in _validator(schema).iter_errors(instance):
        path = list(error.instance_path)
        key = str(path[0]) if path else ""
        if key not in found:
            found[key] = SchemaViolation(key=key, message=str(error.message))
    return list(found.values())
