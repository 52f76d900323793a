"""What an MDM would refuse or break, refused here first with the reason and the way out."""

from __future__ import annotations

import shlex
from pathlib import PurePath
from typing import TYPE_CHECKING, Any

from profilegen.errors import InputError, ValidationError
from profilegen.limits import INTUNE_MAX_BYTES, MCX_TYPE, PROFILE_MAX_BYTES, UTF8_BOM
from profilegen.plisttypes import Settings
from profilegen.signing import is_signed

if TYPE_CHECKING:
    from profilegen.inspect.model import Profile


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


def read_profile(data: bytes, source: str) -> Profile:
    """The profile in ``data``, read by the parsers `show` uses (bounded, no entities, no DTD, no deep
    nesting); a top-level dictionary of PayloadType Configuration, or InputError naming the file."""
    from profilegen.inspect.model import extract
    from profilegen.inspect.read import load_bytes

    if len(data) > PROFILE_MAX_BYTES:
        raise InputError(f"the profile is larger than {PROFILE_MAX_BYTES:,} bytes", path=source)
    profile = extract(load_bytes(data, source), strict=True)
    if profile.metadata.get("PayloadType") != "Configuration":
        raise InputError("not a configuration profile (no top-level PayloadType Configuration)", path=source)
    return profile


def parse_profile(data: bytes, source: str) -> dict[str, Any]:
    """The profile's top-level dictionary, checked to be writable as an XML plist (what Jamf receives)."""
    from profilegen.render import intune_plist

    document: dict[str, Any] = read_profile(data, source).root.value
    try:
        intune_plist.render(document)  # the writer's checks: 64-bit integers, text XML can carry, plist types
    except ValidationError as error:
        raise ValidationError(f"the profile cannot be sent as an XML plist: {error.message}", path=source,
                              hint=error.hint) from None
    return document


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


def settings_from_profile(data: bytes, source: str) -> Settings:
    """The settings a profile's preference payloads carry, in either payload style (other Apple payloads,
    such as TCC or certificates, are not preferences and are left out)."""
    from profilegen.inspect.lint import lint_document

    profile = read_profile(data, source)
    # A setting in a malformed mcx payload would be dropped without a word: refuse it, as `validate` does.
    broken = next((f for f in lint_document(profile.document) if f.rule == "mcx-shape"), None)
    if broken is not None:
        where = f"line {broken.line}: " if broken.line else ""
        raise InputError(f"{where}{broken.message}", path=source,
                         hint=f"{broken.fix}; `profilegen validate {source}` lists every finding")
    preference = {p.index for p in profile.payloads if p.style in ("mcx", "custom")}
    settings: Settings = {}
    for setting in profile.settings:
        if setting.payload in preference:
            settings.setdefault(setting.domain, {})[setting.key] = setting.value
    return settings
