"""`profilegen import`: a profile becomes a preset whose build gives the same profile back.

Preference payloads become choices (where the profile sets every effect of an option, with the same value
and type) and raw settings; every other Apple payload becomes a ``[[payloads]]`` table of its type, with its
keys as they are, but for secrets, which are replaced by a reference to set at build time. The top-level
UUID, each payload's identifier and UUID, and the top-level keys a preset can carry ([profile.keys]) are
kept, so a rebuild replaces the deployed profile instead of installing a second one.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from profilegen.catalog import Catalog, Option
from profilegen.errors import InputError, SigningError
from profilegen.forms import is_identifier, is_uuid
from profilegen.inspect.canon import same
from profilegen.inspect.cms import INVALID_PREFIX
from profilegen.inspect.model import PAYLOAD_KEYS, Payload, Profile
from profilegen.plisttypes import PlistValue, Settings, fits
from profilegen.preset import SCOPES, TOP_LEVEL_KEYS, TOP_LEVEL_TYPE, PayloadPin, Preset, ProfileMeta
from profilegen.preset_payloads import PresetPayload
from profilegen.secrets import SecretRef

# Top-level keys written from [profile]'s fields (or by profilegen itself).
_TOP_FIELDS = frozenset({"PayloadContent", "PayloadIdentifier", "PayloadUUID", "PayloadType", "PayloadVersion",
                         "PayloadDisplayName", "PayloadDescription", "PayloadOrganization", "PayloadScope",
                         "PayloadRemovalDisallowed", "ConsentText"})


@dataclass
class Imported:
    preset: Preset
    notes: list[str] = field(default_factory=list)  # what the import changed or could not carry


def import_profile(
    profile: Profile, catalog: Catalog, *, name: str, identifier: str | None = None
) -> Imported:
    notes: list[str] = [note.removeprefix(f"{profile.path}: ") for note in profile.unread_notes("not imported")]
    _signature(profile, notes)
    apple = {p.index for p in profile.payloads if _is_apple(p, catalog)}
    meta = _meta(profile, identifier, notes, apple)
    settings = _settings(profile, notes, apple)
    choices = recognise(settings, catalog)
    raw = _leftovers(settings, choices)
    payloads = tuple(_payload(p, position, catalog, notes)
                     for position, p in enumerate(p for p in profile.payloads if p.index in apple))
    preset = Preset(
        name=name, path=None, profile=meta, choices={c: o.name for c, o in choices.items()}, settings=raw,
        payloads=payloads,
    )
    return Imported(preset, notes)


def _signature(profile: Profile, notes: list[str]) -> None:
    """A preset keeps settings, not signatures: say so; refuse a profile whose signature fails, since its
    settings may not be what the signer sent (unsign it first to import them knowingly)."""
    signer = profile.document.signer
    if signer is None:
        return
    if signer.status.startswith(INVALID_PREFIX):
        raise SigningError(
            f"not imported: signed by {signer.subject}, {signer.status}",
            path=profile.path,
            hint=f"check it with `profilegen verify {profile.path}`; to import its settings anyway, "
            f"`profilegen unsign` it and import the plain profile",
        )
    status = "" if signer.status == "verified" else f" ({signer.status})"
    notes.append(
        f"the profile is signed by {signer.subject}{status}; the preset does not keep the signature: "
        "sign the rebuilt profile (`profilegen build --sign`, or `profilegen sign`)"
    )


def _is_apple(payload: Payload, catalog: Catalog) -> bool:
    from profilegen.inspect.payload_rules import is_apple_payload

    return is_apple_payload(payload, catalog.payloads)


def _payload(payload: Payload, position: int, catalog: Catalog, notes: list[str]) -> PresetPayload:
    """One Apple payload as a [[payloads]] table: its keys as they are, its secrets as references."""
    kind = str(payload.payload_type)
    origin = f"payloads[{position}]"
    value = payload.node.value if isinstance(payload.node.value, dict) else {}
    keys: dict[str, Any] = {k: v for k, v in value.items() if k not in PAYLOAD_KEYS or k == "PayloadEnabled"}
    schema = catalog.payloads.schema(kind)
    if schema is None:
        notes.append(f"payload {payload.index + 1} has the type {kind}, which Apple's schema does not define: "
                     f"kept as it is in {origin}, unchecked")
    else:
        from profilegen.catalog.payloads import path_text
        from profilegen.payload_resolve import masked

        hidden: list[str] = []

        def reference(path: tuple[str | int, ...]) -> SecretRef:
            text = path_text(path)
            variable = "PROFILEGEN_SECRET_" + "_".join(
                "".join(c if c.isalnum() else "_" for c in str(part)).upper() for part in (position, *path))
            hidden.append(f"{origin}.{text} (now {{ env = \"{variable}\" }})")
            return SecretRef("env", variable)

        keys, _count = masked(keys, schema.root, reference)
        if hidden:
            notes.append("secrets replaced by references, to set before building: " + ", ".join(hidden))
    uuid = payload.uuid if payload.uuid and is_uuid(payload.uuid) else None
    pinned = payload.identifier if payload.identifier and is_identifier(payload.identifier) else None
    if payload.identifier and pinned is None:
        notes.append(f"payload {payload.index + 1}'s PayloadIdentifier {payload.identifier!r} is not an "
                     "identifier: the rebuild derives one")
    return PresetPayload(type=kind, keys=keys, identifier=pinned, uuid=uuid.upper() if uuid else None,
                         display_name=_node_text(payload, "PayloadDisplayName"),
                         description=_node_text(payload, "PayloadDescription"),
                         organization=_node_text(payload, "PayloadOrganization"), origin=origin)


def _node_text(payload: Payload, key: str) -> str | None:
    node = payload.node.get(key)
    return node.value if node is not None and node.kind == "string" else None


def _top_keys(profile: Profile, notes: list[str]) -> dict[str, PlistValue]:
    keys: dict[str, PlistValue] = {}
    for key, value in profile.metadata.items():
        kind = TOP_LEVEL_KEYS.get(key)
        if key in _TOP_FIELDS:
            continue
        if kind is not None and fits(value, kind):
            keys[key] = float(value) if kind == "real" else value
        else:
            notes.append(f"the top-level key {key} is not kept (a preset carries "
                         + ", ".join(TOP_LEVEL_KEYS) + ")")
    kind = profile.metadata.get("PayloadType")
    if isinstance(kind, str) and kind != TOP_LEVEL_TYPE:
        keys["PayloadType"] = kind
        notes.append(f"the top-level PayloadType is {kind!r}, not {TOP_LEVEL_TYPE!r} (the only value macOS "
                     "supports there): kept in [profile.keys] as it is, and build warns of it")
    elif kind != TOP_LEVEL_TYPE:
        notes.append(f"the top-level PayloadType is {kind!r}, not {TOP_LEVEL_TYPE!r}: the rebuild writes "
                     f"{TOP_LEVEL_TYPE}")
    scope = profile.metadata.get("PayloadScope")
    if isinstance(scope, str) and scope not in SCOPES:
        keys["PayloadScope"] = scope
        notes.append(f"the top-level PayloadScope is {scope!r}, not 'System' or 'User' (macOS expects one of "
                     "them, spelled so): kept in [profile.keys] as it is, and build warns of it")
    elif scope is not None and not isinstance(scope, str):
        notes.append(f"the top-level PayloadScope is {scope!r}, not text: the rebuild writes System")
    return keys


def _text(profile: Profile, key: str, default: str = "") -> str:
    value = profile.metadata.get(key)
    return value if isinstance(value, str) else default


def _meta(profile: Profile, identifier: str | None, notes: list[str], apple: set[int]) -> ProfileMeta:
    ident = identifier or _text(profile, "PayloadIdentifier")
    if not is_identifier(ident):
        raise InputError(
            f"PayloadIdentifier {ident!r} is not an identifier a preset can keep",
            path=profile.path,
            hint="give one with --identifier com.example.NAME (the rebuilt profile then installs beside "
            "the deployed one: remove the old one)",
        )
    scope = _text(profile, "PayloadScope", "System")  # its spelling, if not macOS's, goes to [profile.keys]
    fixed = next((s for s in SCOPES if s.lower() == scope.lower()), "System")
    uuid = _text(profile, "PayloadUUID") or None
    if uuid is not None and not is_uuid(uuid):
        notes.append(f"the profile's PayloadUUID {uuid!r} is not a UUID: not pinned")
        uuid = None
    consent = profile.metadata.get("ConsentText")
    consent_text = (
        {str(k): v for k, v in consent.items() if isinstance(v, str)} if isinstance(consent, dict) else {}
    )
    styles = {"custom" if p.style == "apple" else p.style for p in profile.payloads if p.index not in apple}
    style = styles.pop() if len(styles) == 1 else ("mixed" if styles else None)
    if style == "mixed":
        notes.append("the profile mixes mcx and custom payloads: imported as mcx")
    removal = profile.metadata.get("PayloadRemovalDisallowed")
    return ProfileMeta(
        display_name=_text(profile, "PayloadDisplayName") or ident,
        identifier=ident,
        organization=_text(profile, "PayloadOrganization"),
        description=_text(profile, "PayloadDescription"),
        scope=fixed,
        removal_disallowed=removal if isinstance(removal, bool) else False,
        payload_style="custom" if style == "custom" else "mcx",
        uuid=uuid.upper() if uuid else None,
        consent_text=consent_text,
        payloads=_pins(profile, notes, apple),
        keys=_top_keys(profile, notes),
    )


def _pins(profile: Profile, notes: list[str], apple: set[int]) -> dict[str, PayloadPin]:
    """Each payload's identifier and UUID, kept for its first domain (the rebuild gives others their own)."""
    pins: dict[str, PayloadPin] = {}
    for payload in profile.payloads:
        if not payload.domains or payload.index in apple:
            continue
        domain = payload.domains[0]
        if domain in pins:
            notes.append(f"{domain} appears in two payloads: the first one's identifier is kept")
            continue
        uuid = payload.uuid if payload.uuid and is_uuid(payload.uuid) else None
        pins[domain] = PayloadPin(identifier=payload.identifier or None, uuid=uuid.upper() if uuid else None)
        if len(payload.domains) > 1:
            notes.append(
                f"payload {payload.index + 1} holds {len(payload.domains)} domains; the rebuild gives "
                f"{', '.join(payload.domains[1:])} payloads of their own"
            )
    return pins


def _settings(profile: Profile, notes: list[str], apple: set[int]) -> Settings:
    settings: dict[str, dict[str, Any]] = {}
    once = sorted({f"{s.domain}:{s.key}" for s in profile.settings if s.mode == "Set-Once"})
    if once:
        notes.append("Set-Once settings imported as Forced: " + ", ".join(once))
    for setting in profile.settings:
        if setting.payload in apple:
            continue
        settings.setdefault(setting.domain, {})[setting.key] = setting.value
    return settings


def recognise(settings: Settings, catalog: Catalog) -> dict[str, Option]:
    """For each choice, the option all of whose effects the settings carry (the most specific one)."""
    found: dict[str, Option] = {}
    for name, choice in catalog.choices().items():
        matching = [
            option for option in choice.options.values() if option.sets and _carries(settings, option)
        ]
        if matching:
            found[name] = max(matching, key=lambda option: len(option.sets))
    return found


def _carries(settings: Settings, option: Option) -> bool:
    for effect in option.sets:
        keys = settings.get(effect.domain)
        if keys is None or effect.key not in keys or not same(keys[effect.key], effect.value):
            return False
    return True


def _leftovers(settings: Settings, choices: dict[str, Option]) -> Settings:
    covered = {(e.domain, e.key) for option in choices.values() for e in option.sets}
    raw: Settings = {}
    for domain, keys in settings.items():
        rest = {key: value for key, value in keys.items() if (domain, key) not in covered}
        if rest:
            raw[domain] = rest
    return raw
