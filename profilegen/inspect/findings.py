"""Findings of `validate` and the table of rules that produce them (documented in the README)."""

from __future__ import annotations

from typing import Any

from profilegen.printable import printable
from profilegen.record import Record  # not dataclasses: defining a record compiles nothing (start-up)

SEVERITIES = ("error", "warning", "info")


class Rule(Record):
    rule: str
    severity: str  # the usual severity; a rule may report a milder one in a stated case
    summary: str


class Finding(Record):
    severity: str
    rule: str
    file: str
    line: int | None
    message: str
    fix: str

    @property
    def where(self) -> str:
        return f"{self.file}:{self.line}" if self.line else self.file

    def render(self) -> str:
        """Two lines at most, each escaped: a key or value quoted in a message cannot forge a line."""
        text = printable(f"{self.where}: {self.severity}: {self.message} [{self.rule}]")
        return text + (f"\n  fix: {printable(self.fix)}" if self.fix else "")

    def as_json(self) -> dict[str, Any]:
        return dict(zip(self._fields, self._values(), strict=True))


_RULES = [
    Rule("unreadable", "error", "the file cannot be read or parsed safely (missing, too large, unsafe XML)"),
    Rule("plist-grammar", "error", "the XML breaks the plist grammar (schemas/plist.rng)"),
    Rule("plist-version", "warning", '<plist version="..."> is not "1.0" (macOS reads it all the same)'),
    Rule("duplicate-key", "error", "a key appears twice in one <dict>; plistlib and macOS keep the last"),
    Rule("required-key", "error", "a required top-level or payload key is missing"),
    Rule("key-type", "error", "a top-level or payload key has the wrong plist type"),
    Rule("unknown-top-level-key", "warning", "a top-level key Apple's schema does not define (often a typo)"),
    Rule("payload-type", "error", "the top-level PayloadType is not Configuration"),
    Rule("payload-version", "error", "PayloadVersion is not 1"),
    Rule("uuid-form", "error", "a PayloadUUID is not a UUID (8-4-4-4-12 hex digits)"),
    Rule(
        "duplicate-identifier",
        "error",
        "two payloads share a PayloadIdentifier (a warning when a payload reuses the profile's: it installs)",
    ),
    Rule("duplicate-uuid", "error", "two payloads (or a payload and the profile) share a PayloadUUID"),
    Rule("scope-value", "warning", "PayloadScope is neither System nor User"),
    Rule("empty-profile", "warning", "PayloadContent holds no payload"),
    Rule(
        "mcx-shape",
        "error",
        "a ManagedClient preferences payload is not {domain: {Forced|Set-Once: "
        "[{mcx_preference_settings: {...}}]}}",
    ),
    Rule("mcx-one-domain", "warning", "a ManagedClient preferences payload holds more than one domain"),
    Rule("mixed-style", "error", "one payload mixes the mcx and custom styles (installs, does nothing)"),
    Rule("intune-xml", "warning", "Intune's custom profile takes XML only: not binary, not signed"),
    Rule("intune-encoding", "warning", "Intune wants UTF-8 without a byte-order mark"),
    Rule("intune-size", "warning", "Intune's custom profile takes at most 1,000,000 bytes"),
    Rule("jamf-unsigned-custom", "warning", "Jamf Pro strips custom-style payloads from unsigned profiles"),
    Rule("jamf-signed", "info", "a signed profile cannot be uploaded through Jamf Pro's API"),
    Rule("signature-invalid", "error", "the profile is signed, but its signature does not verify"),
    Rule("signer-expired", "warning", "the signing certificate has expired"),
    Rule("weak-digest", "warning", "the signature uses SHA-1"),
    Rule(
        "unknown-domain",
        "info",
        "a preference domain the catalogue does not know: values unchecked (a warning for presets)",
    ),
    Rule("unknown-key", "warning", "a key the catalogue does not know for a known domain"),
    Rule("value-type", "error", "a value's plist type is not the key's type in the catalogue"),
    Rule("value-allowed", "error", "a value the catalogue does not allow (enum, range, pattern)"),
    Rule("deprecated-value", "info", "an allowed but deprecated value"),
    Rule("key-deprecated", "info", "a key deprecated in the given --office-version"),
    Rule("key-retired", "warning", "a key that no longer works in the given --office-version"),
    Rule("version-too-old", "warning", "a key or option that needs a later Office than --office-version"),
    Rule(
        "version-too-new",
        "warning",
        "an option that works only up to an Office older than the fleet's oldest (presets)",
    ),
    Rule("payload-not-macos", "error", "an Apple payload type for other platforms (iOS, tvOS...), not macOS"),
    Rule("unknown-payload-type", "info", "a com.apple.* PayloadType Apple's schema does not define: unchecked"),
    Rule("payload-required", "error", "an Apple payload lacks a key Apple's schema requires"),
    Rule("payload-value-type", "error", "an Apple payload's key has the wrong plist type"),
    Rule("payload-value", "error", "a value outside the allowed set, range or format of Apple's schema"),
    Rule("payload-rule", "error", "a rule between keys that Apple states in prose (schemas/payload-overrides.toml); "
         "the rule says its severity"),
    Rule("payload-unknown-key", "warning", "a key Apple's schema does not define for that payload (often a typo)"),
    Rule("key-not-macos", "warning", "a key of the payload that does not apply to macOS"),
    Rule("payload-single", "warning", "more than one payload of a type Apple allows once"),
    Rule("device-channel-only", "warning", "a payload Apple installs through the device channel only (PPPC, "
         "system extensions, managed login items...) in a User-scoped profile"),
    Rule("user-channel-only", "warning", "a payload Apple installs through the user channel only (mail and other "
         "accounts, web clips...) in a System-scoped profile"),
    Rule("macos-too-old", "warning", "a payload or key that needs a later macOS than --macos-version"),
    Rule("macos-removed", "warning", "a payload or key removed in or before --macos-version"),
    Rule("macos-deprecated", "info", "a payload or key deprecated in --macos-version"),
    Rule("supervised-only", "info", "a payload or key that works on supervised Macs only"),
    Rule("mdm-variable", "info", "a value holding an MDM variable ($EMAIL, {{username}}...): the MDM substitutes it, "
         "its format is not checked"),
    Rule("do-not-set", "warning", "a key the app keeps for itself (x-do-not-set): a profile must not set it"),
    Rule("preset-invalid", "error", "a preset that does not load or resolve (its message says why)"),
]
RULES: dict[str, Rule] = {rule.rule: rule for rule in _RULES}


def finding(
    rule: str, file: str, line: int | None, message: str, fix: str = "", *, severity: str | None = None
) -> Finding:
    """A finding of a documented rule, at its usual severity unless told otherwise."""
    known = RULES[rule]
    return Finding(severity or known.severity, rule, file, line, message, fix)
