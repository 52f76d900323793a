"""Apple's device-management YAML (one payload file, already parsed) -> our JSON Schema (draft 2020-12).

Pure data in, data out: the YAML is read by profilegen.catalog.apple.source. PyYAML turns an alias into the same
Python object, so a recursive alias (``applicationaccess.new``, ``homescreenlayout``) is a list that
contains itself further down: the walk keeps the ids of the lists it is inside and answers a repeat with
a ``$ref``. Named structures (``subkeytype``) become ``$defs``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

SCHEMA_DIALECT = "https://json-schema.org/draft/2020-12/schema"
ANY_KEY = "ANY"
NOT_AVAILABLE = "n/a"
# Apple's <type> -> (JSON Schema type, our x-plist-type); <any> has neither.
TYPES: dict[str, tuple[str | None, str | None]] = {
    "<string>": ("string", "string"),
    "<integer>": ("integer", "integer"),
    "<real>": ("number", "real"),
    "<boolean>": ("boolean", "bool"),
    "<date>": ("string", "date"),
    "<data>": ("string", "data"),
    "<array>": ("array", "array"),
    "<dictionary>": ("object", "dict"),
    "<any>": (None, None),
}
# supportedOS.macOS -> our annotations (values copied as Apple gives them).
MACOS_KEYS = {
    "introduced": "x-macos-min",
    "deprecated": "x-macos-deprecated",
    "removed": "x-macos-removed",
    "supervised": "x-supervised",
    "multiple": "x-multiple",
    "userchannel": "x-user-channel",
    "devicechannel": "x-device-channel",
    "requiresdep": "x-requires-dep",
    "userapprovedmdm": "x-user-approved-mdm",
    "allowmanualinstall": "x-manual-install",
}
PLATFORMS = ("iOS", "macOS", "tvOS", "visionOS", "watchOS")
# Apple's YAML has no word for a secret: a text or data key named like one is flagged x-sensitive (a preset
# then takes a reference, `import` and `show` hide the value). Booleans such as askForPassword are not secrets.
SENSITIVE_NAME = re.compile(r"(Password|Passphrase|Secret|Challenge|Token|PIN)$", re.IGNORECASE)
_DEF_NAME = re.compile(r"[^A-Za-z0-9_.-]+")


class ConversionError(ValueError):
    """Apple's file does not have the shape docs/schema.yaml describes."""


def macos_support(supported: Any) -> dict[str, Any] | None:
    """Our annotations for a supportedOS block's macOS part; None when it says nothing about macOS."""
    if not isinstance(supported, dict) or not isinstance(supported.get("macOS"), dict):
        return None
    found: dict[str, Any] = {}
    for apple, ours in MACOS_KEYS.items():
        value = supported["macOS"].get(apple)
        if value is None:
            continue
        if apple in ("introduced", "deprecated", "removed"):
            value = str(value)
            if value == NOT_AVAILABLE:
                found["x-macos-unsupported"] = True
                continue
        found[ours] = value
    return found


def on_macos(payload: dict[str, Any]) -> bool:
    """The payload applies to macOS: its supportedOS names macOS with a version."""
    support = macos_support(payload.get("supportedOS")) or {}
    return not support.get("x-macos-unsupported") and "x-macos-min" in support


def platforms(payload: dict[str, Any]) -> list[str]:
    supported = payload.get("supportedOS")
    if not isinstance(supported, dict):
        return []
    return [name for name in PLATFORMS
            if isinstance(supported.get(name), dict)
            and str(supported[name].get("introduced", NOT_AVAILABLE)) != NOT_AVAILABLE]


class Converter:
    """One payload file's keys to JSON Schema; ``descriptions`` keeps Apple's prose (the user's own import)."""

    def __init__(self, *, descriptions: bool = False) -> None:
        self.descriptions = descriptions
        self.defs: dict[str, Any] = {}
        self._named: dict[tuple[int, str], str] = {}  # (id of a subkeys list, parent type) -> $defs name
        self._active: dict[tuple[int, str], str] = {}  # lists being converted (for recursion) -> name
        self._recursive: set[tuple[int, str]] = set()
        self.keys = 0

    # -- one key ---------------------------------------------------------------------------------
    def key(self, spec: Any, where: str) -> dict[str, Any]:
        if not isinstance(spec, dict) or "key" not in spec or "type" not in spec:
            raise ConversionError(f"{where}: a payload key needs 'key' and 'type'")
        self.keys += 1
        apple_type = str(spec["type"])
        if apple_type not in TYPES:
            raise ConversionError(f"{where}: unknown type {apple_type!r}")
        json_type, plist_type = TYPES[apple_type]
        schema: dict[str, Any] = {}
        if "title" in spec:
            schema["title"] = str(spec["title"])
        if self.descriptions and spec.get("content"):
            schema["description"] = str(spec["content"])
        if json_type is not None:
            schema["type"] = json_type
            schema["x-plist-type"] = plist_type
        if plist_type == "date":
            schema["format"] = "date-time"
        elif plist_type == "data":
            schema["contentEncoding"] = "base64"
        self._values(spec, plist_type, schema)
        if plist_type in ("string", "data") and SENSITIVE_NAME.search(str(spec["key"])):
            schema["x-sensitive"] = True
        support = macos_support(spec.get("supportedOS"))
        if support:
            support.pop("x-multiple", None)  # a payload's word, not a key's
            schema.update(support)
        subkeys = spec.get("subkeys")
        if subkeys is not None and plist_type in ("array", "dict"):
            if not isinstance(subkeys, list):
                raise ConversionError(f"{where}: subkeys must be a list")
            name = spec.get("subkeytype")
            self._structure(schema, subkeys, plist_type, str(name) if name else str(spec["key"]), bool(name),
                            f"{where}.{spec['key']}")
        return schema

    def _values(self, spec: dict[str, Any], plist_type: str | None, schema: dict[str, Any]) -> None:
        if "default" in spec and not isinstance(spec["default"], dict | list):
            schema["default"] = spec["default"]
        if isinstance(spec.get("rangelist"), list):
            values = spec["rangelist"]
            if plist_type == "real":
                values = [float(v) if isinstance(v, int) and not isinstance(v, bool) else v for v in values]
            schema["enum"] = values
        bounds = spec.get("range")
        if isinstance(bounds, dict):
            for apple, ours in (("min", "minimum"), ("max", "maximum")):
                if isinstance(bounds.get(apple), int | float) and not isinstance(bounds.get(apple), bool):
                    schema[ours] = bounds[apple]
        if isinstance(spec.get("format"), str) and plist_type == "string":
            schema["pattern"] = spec["format"]
        if isinstance(spec.get("subtype"), str):
            schema["x-format"] = spec["subtype"].strip("<>")

    # -- nested keys -----------------------------------------------------------------------------
    def _structure(self, schema: dict[str, Any], subkeys: list[Any], plist_type: str, name: str, named: bool,
                   where: str) -> None:
        """Fill an array's items or a dict's properties from ``subkeys``, through $defs when named or recursive."""
        ident = (id(subkeys), plist_type)
        if ident in self._active:  # an alias back to a list we are inside: refer to it
            self._recursive.add(ident)
            self._attach(schema, plist_type, {"$ref": f"#/$defs/{self._active[ident]}"})
            return
        if ident in self._named:
            self._attach(schema, plist_type, {"$ref": f"#/$defs/{self._named[ident]}"})
            return
        def_name = self._unique(name)
        self._active[ident] = def_name
        try:
            body = self._array_items(subkeys, where, schema) if plist_type == "array" else self.object(subkeys, where)
        finally:
            del self._active[ident]
        if named or ident in self._recursive:
            self.defs[def_name] = body
            self._named[ident] = def_name
            self._attach(schema, plist_type, {"$ref": f"#/$defs/{def_name}"})
        else:
            self._attach(schema, plist_type, body)

    def _unique(self, name: str) -> str:
        base = _DEF_NAME.sub("-", name) or "Item"
        taken = set(self.defs) | set(self._active.values()) | set(self._named.values())
        candidate, count = base, 1
        while candidate in taken:
            count += 1
            candidate = f"{base}-{count}"
        return candidate

    @staticmethod
    def _attach(schema: dict[str, Any], plist_type: str, body: dict[str, Any]) -> None:
        if plist_type == "array":
            schema["items"] = body
        else:
            schema.update(body)

    def _array_items(self, subkeys: list[Any], where: str, array: dict[str, Any]) -> dict[str, Any]:
        if not subkeys:
            return {}
        item = subkeys[0]
        repetition = item.get("repetition") if isinstance(item, dict) else None
        if isinstance(repetition, dict):
            if isinstance(repetition.get("min"), int):
                array["minItems"] = repetition["min"]
            if isinstance(repetition.get("max"), int):
                array["maxItems"] = repetition["max"]
        return self.key(item, where)

    def object(self, subkeys: Iterable[Any], where: str) -> dict[str, Any]:
        """A dict's keys: properties, required (presence), additionalProperties (the key ANY)."""
        properties: dict[str, Any] = {}
        required: list[str] = []
        extra: Any = None
        for spec in subkeys:
            if not isinstance(spec, dict):
                raise ConversionError(f"{where}: a payload key must be a mapping")
            name = str(spec.get("key", ""))
            converted = self.key(spec, where)
            if name == ANY_KEY:
                extra = converted if converted.get("type") else True
                continue
            if name in properties:
                continue  # the first definition wins (merged variants repeat common keys)
            properties[name] = converted
            if spec.get("presence") == "required":
                required.append(name)
        body: dict[str, Any] = {"type": "object"}
        if properties:
            body["properties"] = properties
        if required:
            body["required"] = required
        if extra is not None:
            body["additionalProperties"] = extra
        return body


def convert_payload(documents: list[dict[str, Any]], common: dict[str, Any] | None, *, commit: str | None,
                    descriptions: bool = False) -> dict[str, Any]:
    """One payload type's schema from its Apple file(s) (several for com.apple.MCX), common keys merged.

    Keys of the first file win over later variants; a key is required only if every variant requires it.
    """
    if not documents:
        raise ConversionError("no Apple file for this payload type")
    first = documents[0]
    payload = first.get("payload") or {}
    payload_type = str(payload.get("payloadtype", ""))
    converter = Converter(descriptions=descriptions)
    bodies = [converter.object(doc.get("payloadkeys") or [], payload_type) for doc in documents]
    properties: dict[str, Any] = {}
    for body in bodies:
        for name, schema in body.get("properties", {}).items():
            properties.setdefault(name, schema)
    required = [name for name in properties if all(name in b.get("required", ()) for b in bodies)]
    if common is not None:
        shared = converter.object(common.get("payloadkeys") or [], "CommonPayloadKeys")
        for name, schema in shared.get("properties", {}).items():
            properties.setdefault(name, schema)
        required = [*[n for n in shared.get("required", ()) if n not in required], *required]
    if "PayloadType" in properties and payload_type:
        properties["PayloadType"] = {**properties["PayloadType"], "const": payload_type}
    titles = [str(doc.get("title", "")) for doc in documents if doc.get("title")]
    document: dict[str, Any] = {
        "$schema": SCHEMA_DIALECT,
        "$id": f"urn:profilegen:payload:{payload_type}",
        "title": titles[0] if len(titles) == 1 else "; ".join(dict.fromkeys(titles)),
        "type": "object",
        "x-payload-type": payload_type,
    }
    if descriptions and first.get("description"):
        document["description"] = str(first["description"])
    document.update(macos_support(payload.get("supportedOS")) or {})
    if commit:
        document["x-apple-commit"] = commit
    extras = [b["additionalProperties"] for b in bodies if "additionalProperties" in b]
    document["required"] = required
    document["properties"] = properties
    if extras:
        document["additionalProperties"] = extras[0]
    if converter.defs:
        document["$defs"] = converter.defs
    return document
