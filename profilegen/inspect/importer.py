"""`profilegen import`: a profile becomes a preset whose build carries the same settings.

Options of known choices are recognised where the profile sets every effect of the option, with the same
value and type; the rest stay raw settings. The top-level UUID and each payload's identifier and UUID are
pinned, so a rebuild replaces the deployed profile instead of installing a second one.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from profilegen.catalog import Catalog, Option
from profilegen.errors import InputError, SigningError
from profilegen.forms import is_identifier, is_uuid
from profilegen.inspect.canon import same
from profilegen.inspect.cms import INVALID_PREFIX
from profilegen.inspect.model import Profile
from profilegen.plisttypes import Settings
from profilegen.preset import SCOPES, PayloadPin, Preset, ProfileMeta


@dataclass
class Imported:
    preset: Preset
    notes: list[str] = field(default_factory=list)  # what the import changed or could not carry


def import_profile(
    profile: Profile, catalog: Catalog, *, name: str, identifier: str | None = None
) -> Imported:
    notes: list[str] = []
    _signature(profile, notes)
    meta = _meta(profile, identifier, notes)
    settings = _settings(profile, notes)
    choices = recognise(settings, catalog)
    raw = _leftovers(settings, choices)
    preset = Preset(
        name=name, path=None, profile=meta, choices={c: o.name for c, o in choices.items()}, settings=raw
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


def _text(profile: Profile, key: str, default: str = "") -> str:
    value = profile.metadata.get(key)
    return value if isinstance(value, str) else default


def _meta(profile: Profile, identifier: str | None, notes: list[str]) -> ProfileMeta:
    ident = identifier or _text(profile, "PayloadIdentifier")
    if not is_identifier(ident):
        raise InputError(
            f"PayloadIdentifier {ident!r} is not an identifier a preset can keep",
            path=profile.path,
            hint="give one with --identifier com.example.NAME (the rebuilt profile then installs beside "
            "the deployed one: remove the old one)",
        )
    scope = _text(profile, "PayloadScope", "System")
    fixed = next((s for s in SCOPES if s.lower() == scope.lower()), "System")
    if fixed != scope:
        notes.append(f"PayloadScope {scope!r} imported as {fixed!r}")
    uuid = _text(profile, "PayloadUUID") or None
    if uuid is not None and not is_uuid(uuid):
        notes.append(f"the profile's PayloadUUID {uuid!r} is not a UUID: not pinned")
        uuid = None
    consent = profile.metadata.get("ConsentText")
    consent_text = (
        {str(k): v for k, v in consent.items() if isinstance(v, str)} if isinstance(consent, dict) else {}
    )
    style = profile.style()
    if style == "mixed":
        notes.append("the profile mixes mcx and custom payloads: imported as mcx")
    if any(p.style == "apple" for p in profile.payloads):
        notes.append(
            "non-preference Apple payloads ("
            + ", ".join(sorted({p.payload_type or "" for p in profile.payloads if p.style == "apple"}))
            + ") are imported as custom-style settings of that payload type"
        )
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
        payloads=_pins(profile, notes),
    )


def _pins(profile: Profile, notes: list[str]) -> dict[str, PayloadPin]:
    """Each payload's identifier and UUID, kept for its first domain (the rebuild gives others their own)."""
    pins: dict[str, PayloadPin] = {}
    for payload in profile.payloads:
        if not payload.domains:
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


def _settings(profile: Profile, notes: list[str]) -> Settings:
    settings: dict[str, dict[str, Any]] = {}
    once = sorted({f"{s.domain}:{s.key}" for s in profile.settings if s.mode == "Set-Once"})
    if once:
        notes.append("Set-Once settings imported as Forced: " + ", ".join(once))
    for setting in profile.settings:
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
