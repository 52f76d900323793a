"""What an MDM would refuse or break, refused here first with the reason and the way out."""

from __future__ import annotations

import plistlib
import shlex
from pathlib import PurePath
from typing import Any

from profilegen.errors import InputError, ValidationError
from profilegen.limits import INTUNE_MAX_BYTES, MCX_TYPE, UTF8_BOM
from profilegen.plisttypes import PlistValue, Settings
from profilegen.signing import is_signed

_MAX_PROFILE_BYTES = 10 * 1024 * 1024


def refuse_signed(data: bytes, source: str, mdm: str) -> None:
    if is_signed(data):
        raise InputError(
            f"the profile is signed; {mdm} takes the unsigned XML profile "
            "(it signs on delivery, and cannot edit a profile signed elsewhere)",
            path=source,
            hint=f"run `{unsign_command(source)}` and upload the result, or upload the preset itself",
        )


def unsign_command(source: str) -> str:
    """The `unsign` command line that writes the plain profile beside ``source``, ready to paste."""
    path = PurePath(source)
    stem = path.name.removesuffix(".mobileconfig").removesuffix(".signed")
    plain = path.with_name(f"{stem}.unsigned.mobileconfig")
    return f"profilegen unsign {shlex.quote(source)} --out {shlex.quote(str(plain))}"


def parse_profile(data: bytes, source: str) -> dict[str, Any]:
    """The profile's top-level dictionary; plistlib refuses entity declarations, size is bounded here."""
    if len(data) > _MAX_PROFILE_BYTES:
        raise InputError(f"the profile is larger than {_MAX_PROFILE_BYTES} bytes", path=source)
    try:
        profile = plistlib.loads(data)
    except (plistlib.InvalidFileException, ValueError, TypeError) as exc:
        raise InputError(f"not a readable property list ({exc})", path=source,
                         hint="give a .mobileconfig built by profilegen, or a preset") from None
    if not isinstance(profile, dict) or profile.get("PayloadType") != "Configuration":
        raise InputError("not a configuration profile (no top-level PayloadType Configuration)", path=source)
    return profile


def _payloads(profile: dict[str, Any]) -> list[dict[str, Any]]:
    content = profile.get("PayloadContent", [])
    return [p for p in content if isinstance(p, dict)] if isinstance(content, list) else []


def refuse_custom_payloads(profile: dict[str, Any], source: str) -> None:
    """Jamf strips payload types it does not know from unsigned profiles: only Apple's types survive."""
    for index, payload in enumerate(_payloads(profile)):
        payload_type = str(payload.get("PayloadType", ""))
        if not payload_type.startswith("com.apple."):
            raise ValidationError(
                f"payload {index + 1} has PayloadType {payload_type!r}, a custom-style preference payload; "
                "Jamf Pro strips payload types it does not know from unsigned profiles",
                path=source,
                hint="build it with --style mcx (the default), whose payloads are "
                f"{MCX_TYPE}",
            )


def refuse_other_payloads(data: bytes, source: str) -> None:
    """An Intune preference file carries preference settings only: a profile with other payloads is refused."""
    if is_signed(data):
        return  # refused elsewhere, with its own reason
    others = sorted({str(p.get("PayloadType")) for p in _payloads(parse_profile(data, source))
                     if str(p.get("PayloadType", "")).startswith("com.apple.") and p.get("PayloadType") != MCX_TYPE})
    if others:
        raise ValidationError(f"the profile holds non-preference payloads ({', '.join(others)}), which an Intune "
                              "preference file cannot carry", path=source,
                              hint="send the whole profile as a custom profile with `profilegen upload intune`")


def refuse_for_intune(data: bytes, source: str) -> None:
    """Intune's custom profile: unsigned XML, UTF-8 without a byte-order mark, at most 1,000,000 bytes."""
    refuse_signed(data, source, "Intune")
    if len(data) > INTUNE_MAX_BYTES:
        raise InputError(
            f"the profile is {len(data):,} bytes; Intune takes at most {INTUNE_MAX_BYTES:,}",
            path=source, hint="split it with --split, or leave out keys",
        )
    if data.startswith(UTF8_BOM):
        raise InputError("the profile starts with a byte-order mark, which Intune refuses "
                         "(\"Must be a well formed XML string\")", path=source,
                         hint="save it as UTF-8 without a BOM")
    if data.startswith(b"bplist"):
        raise InputError("the profile is a binary property list; Intune takes XML", path=source,
                         hint=f"convert it: plutil -convert xml1 {source}")


def settings_from_profile(profile: dict[str, Any]) -> Settings:
    """The settings a profile's preference payloads carry, in either payload style."""
    settings: Settings = {}
    for payload in _payloads(profile):
        payload_type = str(payload.get("PayloadType", ""))
        if payload_type == MCX_TYPE:
            content = payload.get("PayloadContent", {})
            for domain, levels in (content.items() if isinstance(content, dict) else ()):
                for level in ("Forced", "Set-Once"):
                    for entry in (levels or {}).get(level, []):
                        values: dict[str, PlistValue] = entry.get("mcx_preference_settings", {})
                        settings.setdefault(domain, {}).update(values)
        elif not payload_type.startswith("com.apple."):
            keys = {k: v for k, v in payload.items() if not k.startswith("Payload")}
            settings.setdefault(payload_type, {}).update(keys)
    return settings
