"""Jamf Pro "Application & Custom Settings" manifest from one domain schema of the catalogue.

Jamf Pro draws a form from a JSON Schema manifest: per key a title, a description, a type, an ``enum``
with ``options.enum_titles``, a ``default`` (which must be one of the enum values), ``links`` and a
``property_order``. Jamf has no form field for plist ``data``: such keys are left out and reported.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

# Our plist types -> the JSON Schema type Jamf turns back into that plist type.
_JSON_TYPES = {
    "bool": "boolean",
    "integer": "integer",
    "real": "number",
    "string": "string",
    "date": "string",
    "array": "array",
    "dict": "object",
}
_PLIST_TYPES = {"boolean": "bool", "number": "real", "object": "dict", "integer": "integer",
                "string": "string", "array": "array"}
_ORDER_STEP = 5  # room to insert keys by hand between generated ones


@dataclass(frozen=True)
class JamfManifest:
    domain: str
    document: dict[str, Any]
    skipped: tuple[str, ...]  # keys left out: plist data (or arrays/dicts holding data)

    def dumps(self) -> bytes:
        return (json.dumps(self.document, indent=2, ensure_ascii=False) + "\n").encode("utf-8")


def render(domain_document: Mapping[str, Any]) -> JamfManifest:
    """The Jamf manifest for one domain schema document (schemas/README.md)."""
    domain = str(domain_document.get("x-domain", ""))
    title = str(domain_document.get("title") or domain)
    properties: dict[str, Any] = {}
    skipped: list[str] = []
    source_props: Mapping[str, Any] = domain_document.get("properties", {})
    for key, schema in source_props.items():
        converted = _property(schema, key)
        if converted is None:
            skipped.append(key)
            continue
        converted["property_order"] = (len(properties) + 1) * _ORDER_STEP
        properties[key] = converted
    document: dict[str, Any] = {
        "title": f"{title} ({domain})" if domain and domain not in title else title,
        "description": str(domain_document.get("description", "")),
        "type": "object",
        # Keys the admin leaves empty are not written to the profile.
        "options": {"remove_empty_properties": True},
        "properties": properties,
    }
    links = _links(domain_document.get("x-sources", ()))
    if links:
        document["links"] = links
    return JamfManifest(domain=domain, document=document, skipped=tuple(skipped))


def _plist_type(schema: Mapping[str, Any]) -> str:
    explicit = schema.get("x-plist-type")
    if explicit:
        return str(explicit)
    json_type = schema.get("type")
    if json_type == "string" and schema.get("format") == "date-time":
        return "date"
    return _PLIST_TYPES.get(str(json_type), "string")


def _property(schema: Mapping[str, Any], key: str) -> dict[str, Any] | None:
    """One key's form field; None when Jamf cannot express it (plist data, at any depth)."""
    plist_type = _plist_type(schema)
    if plist_type not in _JSON_TYPES:
        return None
    out: dict[str, Any] = {
        "title": str(schema.get("title") or key),
        "description": _description(schema),
        "type": _JSON_TYPES[plist_type],
    }
    if plist_type == "date":
        out["format"] = "date-time"
    if plist_type == "array":
        items = schema.get("items")
        if isinstance(items, Mapping):
            converted = _property(items, f"{key}[]")
            if converted is None:
                return None
            if not converted["description"]:
                del converted["description"]
            out["items"] = converted
    if plist_type == "dict":
        nested: dict[str, Any] = {}
        for name, sub in schema.get("properties", {}).items():
            converted = _property(sub, name)
            if converted is None:
                return None
            nested[name] = converted
        if nested:
            out["properties"] = nested
    for bound in ("minimum", "maximum"):
        if bound in schema:
            out[bound] = schema[bound]
    enum = schema.get("enum")
    if isinstance(enum, list) and enum:
        values = [v for v in enum if _fits(v, plist_type)]
        out["enum"] = values
        titles = schema.get("x-enum-titles")
        if isinstance(titles, list) and len(titles) == len(enum):
            out["options"] = {"enum_titles": [str(t) for v, t in zip(enum, titles, strict=True)
                                              if _fits(v, plist_type)]}
        else:
            out["options"] = {"enum_titles": [str(v) for v in values]}
    if "default" in schema and _default_valid(schema["default"], plist_type, out.get("enum")):
        out["default"] = schema["default"]
    links = _links(schema.get("x-sources", ()))
    if links:
        out["links"] = links
    return out


def _description(schema: Mapping[str, Any]) -> str:
    parts = [str(schema.get("description", "")).strip()]
    if schema.get("x-app-min"):
        parts.append(f"Works from version {schema['x-app-min']}.")
    if schema.get("x-app-max"):
        parts.append(f"Last works in version {schema['x-app-max']}.")
    if schema.get("x-deprecated-in"):
        parts.append(f"Deprecated from version {schema['x-deprecated-in']}.")
    if schema.get("x-replaced-by"):
        parts.append(f"Replaced by {schema['x-replaced-by']}.")
    if schema.get("x-notes"):
        parts.append(str(schema["x-notes"]).strip())
    return " ".join(p for p in parts if p)


def _fits(value: Any, plist_type: str) -> bool:
    """Type-strict: True is not the integer 1 here (Python says it is)."""
    if plist_type == "bool":
        return isinstance(value, bool)
    if plist_type == "integer":
        return isinstance(value, int) and not isinstance(value, bool)
    if plist_type == "real":
        return isinstance(value, int | float) and not isinstance(value, bool)
    if plist_type in ("string", "date"):
        return isinstance(value, str)
    if plist_type == "array":
        return isinstance(value, list)
    if plist_type == "dict":
        return isinstance(value, dict)
    return False


def _default_valid(default: Any, plist_type: str, enum: list[Any] | None) -> bool:
    if not _fits(default, plist_type):
        return False
    if enum is None:
        return True
    return any(_fits(v, plist_type) and v == default for v in enum)


def _links(sources: Any) -> list[dict[str, str]]:
    """Sources that are web addresses; fixture names are not links Jamf can open."""
    if not isinstance(sources, list | tuple):
        return []
    return [
        {"rel": "Source", "href": str(s)}
        for s in sources
        if isinstance(s, str) and s.startswith(("https://", "http://"))
    ]
