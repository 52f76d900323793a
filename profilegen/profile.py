"""The profile model: resolved settings -> configuration-profile dictionaries, deterministically.

Identifiers and UUIDs are derived from the preset's identifier (uuid5), so the same preset gives the same
profile on every machine, and a re-upload replaces the deployed profile instead of adding another.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from functools import cache
from typing import TYPE_CHECKING, Any

from profilegen.catalog import Catalog
from profilegen.errors import ValidationError
from profilegen.limits import MCX_TYPE
from profilegen.preset import PayloadPin, ProfileMeta
from profilegen.record import Record
from profilegen.resolve import Resolution

if TYPE_CHECKING:
    from profilegen.preset_payloads import PresetPayload

# Fixed namespace for profilegen's uuid5 identifiers: never change it, or every deployed UUID changes.
NAMESPACE = uuid.UUID("5d7f3a52-9a0e-4b55-8a57-2f3b0d1c6e41")


_NAMESPACE_BYTES = NAMESPACE.bytes
_NO_PIN = PayloadPin()
SPLIT_PAYLOAD_SUFFIX = "preferences"


@cache
def _sha1() -> Callable[[bytes], Any]:
    # CPython's built-in _sha1 is what hashlib falls back on; importing hashlib loads OpenSSL, which
    # costs more start-up time than the rest of a build. Same digest either way (a test checks uuid5).
    try:
        from _sha1 import sha1  # type: ignore[import-not-found]
    except ImportError:  # an interpreter built without its own hashes
        from hashlib import sha1
    return sha1  # type: ignore[no-any-return]


def derived_uuid(identifier: str) -> str:
    """uuid5(NAMESPACE, identifier), uppercase: RFC 4122's version and variant bits set on a SHA-1 digest."""
    digest = bytearray(_sha1()(_NAMESPACE_BYTES + identifier.encode("utf-8")).digest()[:16])
    digest[6] = (digest[6] & 0x0F) | 0x50  # version 5
    digest[8] = (digest[8] & 0x3F) | 0x80  # RFC 4122 variant
    text = digest.hex().upper()
    return f"{text[:8]}-{text[8:12]}-{text[12:16]}-{text[16:20]}-{text[20:]}"


class PayloadSpec(Record):
    domain: str
    identifier: str
    uuid: str
    display_name: str


def _payload_spec(meta: ProfileMeta, profile_identifier: str, domain: str, title: str) -> PayloadSpec:
    pin = meta.payloads.get(domain, _NO_PIN)
    identifier = pin.identifier or f"{profile_identifier}.{domain.lstrip('.')}"  # .GlobalPreferences: no ".."
    return PayloadSpec(domain, identifier, (pin.uuid or derived_uuid(identifier)).upper(), title)


def preference_payload(spec: PayloadSpec, settings: dict[str, Any], style: str,
                       organization: str) -> dict[str, Any]:
    """One preference payload for one domain: "mcx" (ManagedClient, Forced) or "custom" (domain as type)."""
    payload: dict[str, Any] = {
        "PayloadDisplayName": spec.display_name,
        "PayloadIdentifier": spec.identifier,
        "PayloadUUID": spec.uuid,
        "PayloadVersion": 1,
    }
    if organization:
        payload["PayloadOrganization"] = organization
    if style == "mcx":
        payload["PayloadType"] = MCX_TYPE
        payload["PayloadContent"] = {spec.domain: {"Forced": [{"mcx_preference_settings": dict(settings)}]}}
    else:
        payload["PayloadType"] = spec.domain
        payload.update(settings)
    return payload


def _top_level(meta: ProfileMeta, identifier: str, display_name: str, pinned_uuid: str | None,
               payloads: list[dict[str, Any]]) -> dict[str, Any]:
    profile: dict[str, Any] = {
        "PayloadContent": payloads,
        "PayloadDisplayName": display_name,
        "PayloadIdentifier": identifier,
        "PayloadRemovalDisallowed": meta.removal_disallowed,
        "PayloadScope": meta.scope,
        "PayloadType": "Configuration",
        "PayloadUUID": pinned_uuid or derived_uuid(identifier),
        "PayloadVersion": 1,
    }
    if meta.description:
        profile["PayloadDescription"] = meta.description
    if meta.organization:
        profile["PayloadOrganization"] = meta.organization
    if meta.consent_text:
        profile["ConsentText"] = dict(meta.consent_text)
    profile.update(meta.keys)
    return profile


def apple_payloads(resolution: Resolution, catalog: Catalog, profile_identifier: str,
                   redact: bool = False) -> list[dict[str, Any]]:
    """The preset's Apple payloads, each as Apple defines it, its secrets read now (never kept elsewhere).

    Identifier: the pin, else ``<profile>.<type>.<name>``, else ``<profile>.<type>`` for the first unnamed
    payload of a type and ``<profile>.<type>.<n>`` for the n-th; the UUID derives from it unless pinned.
    """
    from profilegen.secrets import reveal_all

    meta = resolution.preset.profile
    base = resolution.preset.path.parent if resolution.preset.path is not None else None
    unnamed: dict[str, int] = {}
    built = []
    for item in resolution.payloads:
        built.append(_apple_payload(item, catalog, profile_identifier, meta.organization, unnamed,
                                    reveal_all(dict(item.keys), item.origin, base,
                                                                        resolution.preset.label, redact=redact)))
    return built


def _apple_payload(item: PresetPayload, catalog: Catalog, profile_identifier: str, organization: str,
                   unnamed: dict[str, int], keys: dict[str, Any]) -> dict[str, Any]:
    if item.name:
        identifier = f"{profile_identifier}.{item.type}.{item.name}"
    else:
        unnamed[item.type] = unnamed.get(item.type, 0) + 1
        count = unnamed[item.type]
        identifier = f"{profile_identifier}.{item.type}" + (f".{count}" if count > 1 else "")
    identifier = item.identifier or identifier
    schema = catalog.payloads.schema(item.type)
    payload: dict[str, Any] = {
        "PayloadDisplayName": item.display_name or (schema.title if schema is not None else item.type),
        "PayloadIdentifier": identifier,
        "PayloadType": item.type,
        "PayloadUUID": (item.uuid or derived_uuid(identifier)).upper(),
        "PayloadVersion": 1,
    }
    if item.description:
        payload["PayloadDescription"] = item.description
    org = item.organization if item.organization is not None else organization
    if org:
        payload["PayloadOrganization"] = org
    payload.update(keys)
    return payload


def _unique(profile: dict[str, Any], where: str) -> dict[str, Any]:
    """Two payloads with one identifier (or UUID) replace each other on the Mac: refused."""
    for field in ("PayloadIdentifier", "PayloadUUID"):
        seen: set[str] = set()
        for payload in profile["PayloadContent"]:
            value = payload[field]
            if value in seen:
                raise ValidationError(f"two payloads have the {field} {value}", path=where,
                                      hint="give each [[payloads]] of one type its own name, or drop a pin")
            seen.add(value)
    return profile


def build_profiles(resolution: Resolution, catalog: Catalog, style: str | None = None,
                   split: bool = False, redact: bool = False) -> list[tuple[str, dict[str, Any]]]:
    """(file stem, profile) pairs: one profile with a payload per domain, or one profile per domain."""
    meta = resolution.preset.profile
    style = style or meta.payload_style
    name = resolution.preset.name

    def title(domain: str) -> str:
        schema = catalog.domain(domain)
        return schema.title if schema is not None else domain

    if not split:
        payloads = [
            preference_payload(_payload_spec(meta, meta.identifier, domain, title(domain)), keys, style,
                               meta.organization)
            for domain, keys in resolution.settings.items()
        ]
        if resolution.payloads:
            payloads += apple_payloads(resolution, catalog, meta.identifier, redact)
            return [(name, _unique(_top_level(meta, meta.identifier, meta.display_name, meta.uuid, payloads),
                                   resolution.preset.label))]
        return [(name, _top_level(meta, meta.identifier, meta.display_name, meta.uuid, payloads))]
    profiles = []
    for domain, keys in resolution.settings.items():
        # One profile per domain, <identifier>.<domain>; its payload is <identifier>.<domain>.preferences
        # (not the domain twice), or the identifier and UUID the preset pins for that domain.
        identifier = f"{meta.identifier}.{domain.lstrip('.')}"
        pin = meta.payloads.get(domain, _NO_PIN)
        payload_identifier = pin.identifier or f"{identifier}.{SPLIT_PAYLOAD_SUFFIX}"
        spec = PayloadSpec(domain, payload_identifier, (pin.uuid or derived_uuid(payload_identifier)).upper(),
                           title(domain))
        payload = preference_payload(spec, keys, style, meta.organization)
        profiles.append((f"{name}.{domain}", _top_level(meta, identifier, f"{meta.display_name}: {title(domain)}",
                                                        None, [payload])))
    for item, built in zip(resolution.payloads, apple_payloads(resolution, catalog, meta.identifier, redact),
                             strict=True):
        identifier = str(built["PayloadIdentifier"])  # the profile's; its one payload gets one of its own
        inner = f"{identifier}.payload"
        payload = {**built, "PayloadIdentifier": inner, "PayloadUUID": item.uuid or derived_uuid(inner)}
        profiles.append((f"{name}.{item.name or item.type}",
                         _top_level(meta, identifier, f"{meta.display_name}: {payload['PayloadDisplayName']}",
                                    None, [payload])))
    return profiles
