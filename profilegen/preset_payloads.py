"""Apple payloads in a preset: ``[[payloads]]`` tables read from TOML and written back.

A payload table holds our fields in lower case (``type``, ``name``, pins, display texts) beside Apple's keys,
as nested tables and arrays of tables. Apple's own Payload* keys are ours to write (identifier, UUID, type,
version), except PayloadEnabled. Only presets that have payloads load this module.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from profilegen.errors import ValidationError
from profilegen.forms import is_identifier, is_uuid
from profilegen.plisttypes import base64_text
from profilegen.record import Record
from profilegen.secrets import SecretRef, as_ref

FIELDS = ("type", "name", "identifier", "uuid", "display_name", "description", "organization")
# Apple's payload keys that a preset writes through our fields, or that profilegen computes.
OURS = {"PayloadType": "type", "PayloadIdentifier": "identifier", "PayloadUUID": "uuid",
        "PayloadDisplayName": "display_name", "PayloadDescription": "description",
        "PayloadOrganization": "organization", "PayloadVersion": None}
_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")


class PresetPayload(Record):
    """One payload as a preset (or a choice) gives it. ``keys`` hold plist values and SecretRefs."""

    type: str
    keys: Mapping[str, Any]
    name: str | None = None
    identifier: str | None = None  # pinned
    uuid: str | None = None  # pinned
    display_name: str | None = None
    description: str | None = None
    organization: str | None = None
    origin: str = "payloads"  # the TOML path messages name: payloads[2], or the choice that adds it

    @property
    def slot(self) -> tuple[str, str | None]:
        """What two payloads share when one adds to the other: type and name."""
        return self.type, self.name


def _value(value: object, where: str, path: Path | None) -> Any:
    ref = as_ref(value)
    if ref is not None:
        return ref
    if isinstance(value, bool | int | float | str | datetime.datetime):
        return value
    if isinstance(value, datetime.date):
        return datetime.datetime(value.year, value.month, value.day)
    if isinstance(value, list):
        return [_value(item, f"{where}[{i}]", path) for i, item in enumerate(value)]
    if isinstance(value, dict):
        return {str(k): _value(v, f"{where}.{k}", path) for k, v in value.items()}
    raise ValidationError(f"{where}: a time of day is not a plist value", path=path,
                          hint="write a full date and time, e.g. 2026-01-31T00:00:00Z")


def parse_payload(table: object, origin: str, path: Path | None) -> PresetPayload:
    """One ``[[payloads]]`` table (or a choice's), checked for our fields; Apple's keys are checked later."""
    if not isinstance(table, dict):
        raise ValidationError(f"{origin} must be a table", path=path, hint="write [[payloads]] and its keys")
    kind = table.get("type")
    if not isinstance(kind, str) or not kind:
        raise ValidationError(f"{origin}.type is missing", path=path,
                              hint='add type = "com.apple..." (`profilegen catalog payloads` lists them)')
    texts: dict[str, str | None] = {}
    for name in FIELDS[1:]:
        value = table.get(name)
        if value is not None and not isinstance(value, str):
            raise ValidationError(f"{origin}.{name} must be a string, not {value!r}", path=path)
        texts[name] = value
    if texts["name"] is not None and not _NAME.match(texts["name"]):
        raise ValidationError(f"{origin}.name {texts['name']!r} is not a payload name", path=path,
                              hint="use letters, digits, '-', '_' and '.', e.g. full-disk-access")
    if texts["identifier"] is not None and not is_identifier(texts["identifier"]):
        raise ValidationError(f"{origin}.identifier {texts['identifier']!r} is not an identifier", path=path)
    if texts["uuid"] is not None and not is_uuid(texts["uuid"]):
        raise ValidationError(f"{origin}.uuid {texts['uuid']!r} is not a UUID", path=path,
                              hint="use the form 8-4-4-4-12 hex digits")
    keys: dict[str, Any] = {}
    for key, value in table.items():
        if key in FIELDS:
            continue
        if key in OURS:
            field = OURS[key]
            raise ValidationError(f"{origin}.{key}: profilegen writes it", path=path,
                                  hint=f"write {field} = ... instead" if field else "leave it out")
        keys[key] = _value(value, f"{origin}.{key}", path)
    return PresetPayload(type=kind, keys=keys, name=texts["name"], identifier=texts["identifier"],
                         uuid=texts["uuid"].upper() if texts["uuid"] else None,
                         display_name=texts["display_name"], description=texts["description"],
                         organization=texts["organization"], origin=origin)


def parse_payloads(items: object, path: Path | None) -> tuple[PresetPayload, ...]:
    if not isinstance(items, list):
        raise ValidationError("payloads must be an array of tables", path=path,
                              hint="write each payload as [[payloads]] with type = ...")
    return tuple(parse_payload(item, f"payloads[{i}]", path) for i, item in enumerate(items))


def _toml(value: Any) -> Any:
    if isinstance(value, SecretRef):
        return {value.source: value.target}
    if isinstance(value, bytes):
        return base64_text(value)
    if isinstance(value, datetime.datetime) and value.tzinfo is None:
        return value.replace(tzinfo=datetime.UTC)
    if isinstance(value, list):
        return [_toml(item) for item in value]
    if isinstance(value, Mapping):
        return {k: _toml(v) for k, v in value.items()}
    return value


def payload_document(payload: PresetPayload) -> dict[str, Any]:
    """The TOML table of a payload: our fields first, then Apple's keys."""
    table: dict[str, Any] = {"type": payload.type}
    for name in FIELDS[1:]:
        value = getattr(payload, name)
        if value:
            table[name] = value
    table.update({k: _toml(v) for k, v in payload.keys.items()})
    return table
