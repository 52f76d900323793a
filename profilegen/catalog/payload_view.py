"""Views of Apple's payload types for `profilegen catalog payloads` and `profilegen catalog TYPE`: text, and
the JSON of `catalog TYPE --format json` (schemas/output/catalog-payload.json)."""

from __future__ import annotations

import json
from typing import Any

from profilegen.catalog.payloads import PayloadCatalog, PayloadKey, PayloadSchema, path_text, structure_ref
from profilegen.limits import PAYLOAD_KEYS
from profilegen.render.table import table


def payloads_table(catalog: PayloadCatalog, text: str | None = None) -> str:
    """Every macOS payload type (filtered by ``text`` in its type or title), with its title."""
    needle = (text or "").lower()
    rows = [[name, title] for name, title in catalog.types().items()
            if needle in name.lower() or needle in title.lower()]
    if not rows:
        return f"no payload type matches {text!r}" if text else "no payload type in the catalogue"
    commit = catalog.commit()
    head = f"{len(rows)} payload type(s) for macOS" + (f" (Apple's device-management {commit[:7]})" if commit else "")
    return head + "\n" + table(["payload type", "title"], rows)


def _values(key: PayloadKey) -> str:
    parts = []
    if key.enum is not None:
        parts.append(" | ".join(v if isinstance(v, str) else json.dumps(v) for v in key.enum))
    if key.minimum is not None or key.maximum is not None:
        low = "" if key.minimum is None else f"{key.minimum:g}"
        high = "" if key.maximum is None else f"{key.maximum:g}"
        parts.append(f"{low}..{high}")
    if key.pattern:
        parts.append(f"/{key.pattern}/")
    if key.default is not None and key.enum is None:
        parts.append(f"default {json.dumps(key.default)}")
    return "; ".join(parts)


def _macos(schema: dict[str, Any]) -> str:
    if schema.get("x-macos-unsupported"):
        return "not on macOS"
    parts = []
    if schema.get("x-macos-min"):
        parts.append(f"{schema['x-macos-min']}+")
    if schema.get("x-macos-deprecated"):
        parts.append(f"deprecated {schema['x-macos-deprecated']}")
    if schema.get("x-macos-removed"):
        parts.append(f"removed {schema['x-macos-removed']}")
    return ", ".join(parts)


def _name(depth: int, key: PayloadKey) -> str:
    label = key.name or "[item]"
    return "  " * depth + label


def payload_table(schema: PayloadSchema) -> str:
    """A payload type's keys, nested keys indented: type, required, values, macOS versions, supervised."""
    document = schema.document
    facts = [f"macOS {_macos(document)}" if _macos(document) else "",
             "several allowed" if schema.multiple else "one per Mac",
             "supervised only" if document.get("x-supervised") else ""]
    head = [f"{schema.payload_type}: {schema.title}", "  " + "; ".join(f for f in facts if f)]
    source = f"Apple's device-management {str(document.get('x-apple-commit') or '?')[:7]}"
    head.append(f"  from {source}" + (f", user catalogue {schema.path}" if schema.user else ""))
    rows = []
    described = False
    first: dict[str, str] = {}  # a named structure -> the key path that shows its keys
    for depth, key in schema.walk(shared_once=True):
        if depth == 0 and key.name in PAYLOAD_KEYS:
            continue  # the keys every payload has (profilegen writes them); SCEP's PayloadContent is its own
        described = described or bool(key.description)
        ref = structure_ref(key)
        values = _values(key)
        if ref is not None:
            if ref in first:
                values = f"keys as {first[ref]}"
            else:
                first[ref] = path_text(key.path)
        rows.append([_name(depth, key), key.plist_type, "yes" if key.required else "", values,
                     _macos(key.schema), "yes" if key.supervised else "", key.title, key.description])
    columns = ["key", "type", "required", "values", "macOS", "supervised", "title", "description"]
    if not described:  # Apple's prose comes only with the user's own import (catalog import-apple)
        columns.pop()
        rows = [row[:-1] for row in rows]
    listing = table(columns, rows)
    description = document.get("description")
    return "\n".join([*head, *([f"  {description}"] if schema.user and description else []), "", listing])


def _versions(schema: dict[str, Any]) -> dict[str, Any]:
    return {"min": _flag_text(schema.get("x-macos-min")), "deprecated": _flag_text(schema.get("x-macos-deprecated")),
            "removed": _flag_text(schema.get("x-macos-removed")), "supported": not schema.get("x-macos-unsupported")}


def _flag_text(value: object) -> str | None:
    return str(value) if value is not None else None


def _optional_bool(value: object) -> bool | None:
    return value if isinstance(value, bool) else None


def _key_data(key: PayloadKey, seen: frozenset[str], first: dict[str, str]) -> dict[str, Any]:
    """One key and, nested, its keys; a named structure's keys where first met (later: ``keys_as`` that path),
    and never inside itself."""
    ref = structure_ref(key)
    path = path_text(key.path)
    keys_as = None
    children: list[dict[str, Any]] = []
    if ref is not None and (ref in seen or ref in first):
        keys_as = first.get(ref, path)
    else:
        if ref is not None:
            first[ref] = path
        inside = seen | ({ref} if ref else set())
        children = [_key_data(child, inside, first) for child in key.children() if child is not key]
    return {
        "key": key.name or "[]", "path": path, "type": key.plist_type, "required": key.required,
        "title": key.title, "description": key.description, "values": key.enum, "minimum": key.minimum,
        "maximum": key.maximum, "pattern": key.pattern, "default": key.default, "macos": _versions(key.schema),
        "supervised": key.supervised, "sensitive": bool(key.schema.get("x-sensitive")),
        "structure": ref.rsplit("/", 1)[-1] if ref else None, "keys_as": keys_as, "keys": children,
    }


def payload_data(schema: PayloadSchema) -> dict[str, Any]:
    """A payload type and its keys, nested, as `catalog TYPE --format json` prints it (the keys every payload
    has, which profilegen writes, left out as in the table)."""
    document = schema.document
    first: dict[str, str] = {}
    keys = [_key_data(key, frozenset(), first) for key in schema.root.children() if key.name not in PAYLOAD_KEYS]
    return {
        "payload_type": schema.payload_type, "title": schema.title,
        "description": str(document.get("description") or ""), "macos": _versions(document),
        "multiple": schema.multiple, "supervised": bool(document.get("x-supervised")),
        "user_channel": _optional_bool(document.get("x-user-channel")),
        "device_channel": _optional_bool(document.get("x-device-channel")),
        "requires_dep": _optional_bool(document.get("x-requires-dep")),
        "user_approved_mdm": _optional_bool(document.get("x-user-approved-mdm")),
        "manual_install": _optional_bool(document.get("x-manual-install")),
        "source": {"apple_commit": _flag_text(document.get("x-apple-commit")),
                   "user_catalogue": str(schema.path) if schema.user else None},
        "keys": keys,
    }
