"""The rules of `profilegen validate` for profile files; each finding names file, line, rule and fix.

Rule ids and their usual severities live in findings.RULES (documented in docs/readme-inspect.md).
"""

from __future__ import annotations

import datetime
import difflib
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from profilegen.errors import InputError
from profilegen.inspect.cms import INVALID_PREFIX
from profilegen.inspect.findings import Finding, finding
from profilegen.inspect.model import PAYLOAD_KEYS, Payload, Profile, extract
from profilegen.inspect.nodes import Node
from profilegen.inspect.read import Document, load
from profilegen.limits import INTUNE_MAX_BYTES, MCX_MODES, MCX_TYPE

if TYPE_CHECKING:
    from profilegen.catalog import Catalog

UUID_FORM = re.compile(r"^[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12}$")
TOP_REQUIRED = ("PayloadContent", "PayloadIdentifier", "PayloadType", "PayloadUUID", "PayloadVersion")
PAYLOAD_REQUIRED = ("PayloadIdentifier", "PayloadType", "PayloadUUID", "PayloadVersion")
SCOPES = ("System", "User")
# Apple's TopLevel.yaml: key -> plist types it may hold.
TOP_TYPES: dict[str, tuple[str, ...]] = {
    "PayloadContent": ("array",),
    "PayloadDescription": ("string",),
    "PayloadDisplayName": ("string",),
    "PayloadIdentifier": ("string",),
    "PayloadOrganization": ("string",),
    "PayloadUUID": ("string",),
    "PayloadRemovalDisallowed": ("bool",),
    "PayloadType": ("string",),
    "PayloadVersion": ("integer",),
    "PayloadScope": ("string",),
    "RemovalDate": ("date",),
    "DurationUntilRemoval": ("real", "integer"),
    "ConsentText": ("dict",),
    "PayloadExpirationDate": ("date",),
    "TargetDeviceType": ("integer",),
    "HasRemovalPasscode": ("bool",),
    "IsEncrypted": ("bool",),
    "EncryptedPayloadContent": ("data",),
    "PayloadDate": ("date",),
    # Not in Apple's TopLevel.yaml, but in most real profiles (ProfileCreator, Jamf, Microsoft's own), and
    # macOS installs them: accepted (schemas/payload-overrides.toml, rule payload-enabled).
    "PayloadEnabled": ("bool",),
}
PAYLOAD_TYPES: dict[str, tuple[str, ...]] = {
    "PayloadIdentifier": ("string",),
    "PayloadUUID": ("string",),
    "PayloadType": ("string",),
    "PayloadVersion": ("integer",),
    "PayloadDisplayName": ("string",),
    "PayloadDescription": ("string",),
    "PayloadOrganization": ("string",),
    "PayloadEnabled": ("bool",),
}


@dataclass
class Context:
    document: Document
    profile: Profile
    catalog: Catalog | None
    office_version: str | None
    macos_version: str | None = None
    findings: list[Finding] = field(default_factory=list)

    def add(
        self, rule: str, line: int | None, message: str, fix: str = "", *, severity: str | None = None
    ) -> None:
        self.findings.append(finding(rule, self.document.path, line, message, fix, severity=severity))


def lint_path(
    path: Path | str, catalog: Catalog | None = None, office_version: str | None = None,
    macos_version: str | None = None,
) -> list[Finding]:
    """Every finding for one profile file; a file that cannot be read is one `unreadable` finding."""
    try:
        document = load(path)
    except InputError as error:
        return [finding("unreadable", str(path), None, error.message, error.hint or "")]
    return lint_document(document, catalog, office_version, macos_version)


def lint_document(
    document: Document, catalog: Catalog | None = None, office_version: str | None = None,
    macos_version: str | None = None,
) -> list[Finding]:
    try:
        profile = extract(document)
    except InputError as error:
        from profilegen.inspect.grammar import grammar_findings

        found = grammar_findings(document)
        return [
            *found,
            finding(
                "required-key",
                document.path,
                document.root.line if document.root else None,
                error.message,
                "a profile is a <dict> with PayloadContent, PayloadIdentifier, "
                "PayloadType, PayloadUUID and PayloadVersion",
            ),
        ]
    context = Context(document, profile, catalog, office_version, macos_version)
    from profilegen.inspect.grammar import grammar_findings

    context.findings.extend(grammar_findings(document))
    for rule in (_duplicate_keys, _top_level, _payloads, _identities, _mcx, _intune, _jamf, _signature):
        rule(context)
    if catalog is not None:
        from profilegen.inspect.catalog_rules import check_values

        checked: set[str] = set()
        if any(p.style == "apple" or (p.style == "custom" and p.payload_type and catalog.payloads.ships(p.payload_type))
               for p in profile.payloads):  # a profile of preference payloads alone never loads the checker
            from profilegen.inspect.payload_rules import check_payloads

            checked = check_payloads(context.add, profile, catalog.payloads, macos_version)
        check_values(context.add, profile, catalog, office_version, skip=checked)
    return sorted(context.findings, key=lambda f: (f.line or 0, f.rule))


_CONTAINERS = ("dict", "array")


def _walk(node: Node) -> Iterator[Node]:
    stack = [node]
    while stack:
        current = stack.pop()
        if current.kind == "dict":
            yield current
            stack.extend(entry.node for entry in current.entries if entry.node.kind in _CONTAINERS)
        elif current.kind == "array":
            stack.extend(item for item in current.items if item.kind in _CONTAINERS)


def _duplicate_keys(context: Context) -> None:
    for node in _walk(context.profile.root):
        if len(node.entries) == len(node.value):
            continue  # no duplicate in this dict: the plain dict has one entry per key
        first: dict[str, int | None] = {}
        for entry in node.entries:
            if entry.key in first:
                earlier = first[entry.key]
                context.add(
                    "duplicate-key",
                    entry.line,
                    f"key {entry.key!r} appears twice in this <dict>"
                    + (f" (first on line {earlier})" if earlier else "")
                    + "; plistlib and macOS silently keep the last value",
                    f"remove one of the two {entry.key!r} entries",
                )
            else:
                first[entry.key] = entry.line


def _check_types(context: Context, node: Node, types: dict[str, tuple[str, ...]], where: str) -> None:
    for entry in node.entries:
        allowed = types.get(entry.key)
        if allowed is not None and entry.node.kind not in allowed:
            context.add(
                "key-type",
                entry.line,
                f"{where}{entry.key} is a <{entry.node.kind}>, it must be a <{allowed[0]}>",
                f"write {entry.key} as <{allowed[0]}>",
            )


def _top_level(context: Context) -> None:
    root = context.profile.root
    for key in TOP_REQUIRED:
        if root.get(key) is None:
            context.add(
                "required-key",
                root.line,
                f"the profile has no {key}",
                f"add <key>{key}</key> at the top level",
            )
    _check_types(context, root, TOP_TYPES, "")
    for entry in root.entries:
        if entry.key not in TOP_TYPES:
            close = difflib.get_close_matches(entry.key, list(TOP_TYPES), n=1, cutoff=0.8)
            context.add(
                "unknown-top-level-key",
                entry.line,
                f"{entry.key!r} is not a top-level key of a configuration profile",
                f"did you mean {close[0]!r}?" if close else "remove it or move it into a payload",
            )
    payload_type = root.get("PayloadType")
    if payload_type is not None and payload_type.value != "Configuration":
        context.add(
            "payload-type",
            payload_type.line,
            f"the top-level PayloadType is {payload_type.value!r}, not 'Configuration'",
            "set the top-level PayloadType to Configuration; the payload's own type goes inside "
            "PayloadContent",
        )
    _version(context, root, "the profile's")
    scope = root.get("PayloadScope")
    if scope is not None and scope.kind == "string" and scope.value not in SCOPES:
        fixed = next((s for s in SCOPES if s.lower() == scope.value.lower()), None)
        context.add(
            "scope-value",
            scope.line,
            f"PayloadScope {scope.value!r} is neither 'System' nor 'User'",
            f"write {fixed!r} (case matters)" if fixed else "write 'System' or 'User'",
        )
    content = root.get("PayloadContent")
    if content is not None and content.kind == "array" and not content.items:
        context.add(
            "empty-profile",
            content.line,
            "PayloadContent is empty: the profile sets nothing",
            "add a payload, or do not deploy this profile",
        )


def _version(context: Context, node: Node, whose: str) -> None:
    version = node.get("PayloadVersion")
    if version is not None and version.kind == "integer" and version.value != 1:
        context.add(
            "payload-version",
            version.line,
            f"{whose} PayloadVersion is {version.value}, not 1",
            "set PayloadVersion to 1",
        )


def _payloads(context: Context) -> None:
    content = context.profile.root.get("PayloadContent")
    if content is None or content.kind != "array":
        return
    for index, node in enumerate(content.items, start=1):
        if node.kind != "dict":
            context.add(
                "key-type",
                node.line,
                f"payload {index} is a <{node.kind}>, it must be a <dict>",
                "each item of PayloadContent is a payload <dict>",
            )
            continue
        for key in PAYLOAD_REQUIRED:
            if node.get(key) is None:
                context.add(
                    "required-key",
                    node.line,
                    f"payload {index} has no {key}",
                    f"add <key>{key}</key> to the payload",
                )
        _check_types(context, node, PAYLOAD_TYPES, f"payload {index}: ")
        _version(context, node, f"payload {index}'s")


def _identities(context: Context) -> None:
    """UUID form; identifiers and UUIDs unique across the profile and its payloads."""
    nodes = [("the profile", context.profile.root)]
    nodes += [(f"payload {p.index + 1}", p.node) for p in context.profile.payloads]
    seen: dict[str, dict[str, tuple[str, int | None]]] = {"PayloadIdentifier": {}, "PayloadUUID": {}}
    for who, node in nodes:
        for key, rule in (("PayloadIdentifier", "duplicate-identifier"), ("PayloadUUID", "duplicate-uuid")):
            value = node.get(key)
            if value is None or value.kind != "string":
                continue
            text = value.value.upper() if key == "PayloadUUID" else value.value
            if key == "PayloadUUID" and not UUID_FORM.match(value.value):
                context.add(
                    "uuid-form",
                    value.line,
                    f"{who}'s PayloadUUID {value.value!r} is not a UUID",
                    "use 8-4-4-4-12 hex digits, e.g. from `uuidgen`",
                )
            if text in seen[key]:
                other, line = seen[key][text]
                profile_identifier = key == "PayloadIdentifier" and other == "the profile"
                context.add(
                    rule,
                    value.line,
                    f"{who} has the same {key} as {other}" + (f" (line {line})" if line else "")
                    + ("; Apple asks for identifiers unique within the profile, but macOS installs it (Microsoft's "
                       "Defender and AutoUpdate profiles do this)" if profile_identifier else ""),
                    f"give each payload its own {key}" + (" (`uuidgen`)" if key == "PayloadUUID" else "")
                    + (", e.g. the profile's identifier plus a suffix" if profile_identifier else ""),
                    severity="warning" if profile_identifier else None,
                )
            else:
                seen[key][text] = (who, value.line)


def _mcx(context: Context) -> None:
    for payload in context.profile.payloads:
        if payload.style == "mcx":
            _mcx_payload(context, payload)
        elif payload.style == "custom":
            _custom_payload(context, payload)


def _mcx_payload(context: Context, payload: Payload) -> None:
    label = f"payload {payload.index + 1} ({MCX_TYPE})"
    fix = "write PayloadContent as {domain: {Forced: [{mcx_preference_settings: {key: value}}]}}"
    for entry in payload.node.entries:
        if entry.key not in PAYLOAD_KEYS and entry.key != "PayloadContent":
            context.add(
                "mixed-style",
                entry.line,
                f"{label} has {entry.key!r} at its top level, custom-style, beside its mcx PayloadContent",
                "move the key into mcx_preference_settings, or make a custom-style payload of its own",
            )
    content = payload.node.get("PayloadContent")
    if content is None:
        context.add("mcx-shape", payload.line, f"{label} has no PayloadContent", fix)
        return
    if content.kind != "dict":
        context.add(
            "mcx-shape", content.line, f"{label}: PayloadContent is a <{content.kind}>, not a <dict>", fix
        )
        return
    if not content.entries:
        context.add("mcx-shape", content.line, f"{label}: PayloadContent names no domain", fix)
    for position, domain in enumerate(content.entries):
        if position == 1:
            context.add(
                "mcx-one-domain",
                domain.line,
                f"{label} holds {len(content.entries)} domains "
                f"({', '.join(e.key for e in content.entries)}); macOS was seen to apply only one",
                "put each domain in a payload of its own (`profilegen import` then `build` does)",
            )
        _mcx_domain(context, label, domain.key, domain.node, fix)


def _mcx_domain(context: Context, label: str, domain: str, node: Node, fix: str) -> None:
    if node.kind != "dict":
        context.add("mcx-shape", node.line, f"{label}: {domain} is a <{node.kind}>, not a <dict>", fix)
        return
    if not node.entries:
        context.add("mcx-shape", node.line, f"{label}: {domain} has neither Forced nor Set-Once", fix)
    for mode in node.entries:
        if mode.key not in MCX_MODES:
            context.add(
                "mcx-shape",
                mode.line,
                f"{label}: {domain} has {mode.key!r}; only 'Forced' and 'Set-Once' are allowed",
                "use Forced (always applied) or Set-Once (applied once)",
            )
            continue
        if mode.node.kind != "array":
            context.add(
                "mcx-shape",
                mode.node.line,
                f"{label}: {domain} {mode.key} is a <{mode.node.kind}>, not an <array>",
                fix,
            )
            continue
        for item in mode.node.items:
            _mcx_item(context, f"{label}: {domain} {mode.key}", mode.key, item, fix)


def _mcx_item(context: Context, where: str, mode: str, item: Node, fix: str) -> None:
    """One item of a Forced / Set-Once array; ``where`` is "payload N (type): domain mode"."""
    if item.kind != "dict":
        context.add("mcx-shape", item.line, f"{where} holds a <{item.kind}>, not a <dict>", fix)
        return
    settings = item.get("mcx_preference_settings")
    if settings is None:
        context.add("mcx-shape", item.line, f"{where} item has no mcx_preference_settings", fix)
    elif settings.kind != "dict":
        context.add(
            "mcx-shape",
            settings.line,
            f"{where}: mcx_preference_settings is a <{settings.kind}>, not a <dict>",
            fix,
        )
    allowed = {"mcx_preference_settings"}
    if mode == "Set-Once":
        allowed.add("mcx_data_timestamp")
    for entry in item.entries:
        if entry.key not in allowed:
            context.add(
                "mcx-shape",
                entry.line,
                f"{where} item has {entry.key!r} beside mcx_preference_settings",
                "move the key into mcx_preference_settings"
                + ("" if mode == "Set-Once" else " (mcx_data_timestamp belongs to Set-Once only)"),
            )


def _custom_payload(context: Context, payload: Payload) -> None:
    label = f"payload {payload.index + 1} ({payload.payload_type})"
    for entry in payload.node.entries:
        mcx_like = entry.key in ("mcx_preference_settings", *MCX_MODES) or (
            entry.key == "PayloadContent"
            and entry.node.kind == "dict"
            and any(
                e.node.kind == "dict" and any(m.key in MCX_MODES for m in e.node.entries)
                for e in entry.node.entries
            )
        )
        if mcx_like:
            context.add(
                "mixed-style",
                entry.line,
                f"{label} is custom-style (PayloadType is the domain) but holds mcx-style {entry.key!r}",
                f"either set PayloadType to {MCX_TYPE}, or put the keys at the payload's top level",
            )


def _intune(context: Context) -> None:
    document = context.document
    if document.signed:
        context.add(
            "intune-xml",
            None,
            "the profile is signed (DER); Intune's custom profile takes XML only",
            "upload the unsigned XML profile to Intune",
        )
    elif document.form == "binary":
        context.add(
            "intune-xml",
            None,
            "the profile is a binary plist; Intune's custom profile takes XML only",
            "convert it: `plutil -convert xml1 FILE`",
        )
    if document.form == "xml":
        encoding = (document.encoding or "UTF-8").upper().replace("_", "-")
        if document.bom:
            context.add(
                "intune-encoding",
                1,
                "the file starts with a UTF-8 byte-order mark; Intune refuses it "
                '("Must be a well formed XML string")',
                "save it as UTF-8 without BOM",
            )
        elif encoding not in ("UTF-8", "UTF8"):
            context.add(
                "intune-encoding",
                1,
                f"the file is encoded as {document.encoding}; Intune wants UTF-8",
                "convert it: `plutil -convert xml1 FILE` writes UTF-8",
            )
    if document.size > INTUNE_MAX_BYTES:
        context.add(
            "intune-size",
            None,
            f"{document.size:,} bytes; Intune's custom profile takes at most {INTUNE_MAX_BYTES:,}",
            "split it (`profilegen build --split`) into smaller profiles",
        )


def _jamf(context: Context) -> None:
    if context.document.signed:
        context.add(
            "jamf-signed",
            None,
            "a signed profile cannot be uploaded through Jamf Pro's API "
            "(signing is stripped or refused); the web UI takes it but can no longer edit it",
            "upload the unsigned profile through the API, or the signed one by hand",
        )
        return
    for payload in context.profile.payloads:
        if payload.style == "custom":
            context.add(
                "jamf-unsigned-custom",
                payload.line,
                f"payload {payload.index + 1} is custom-style (PayloadType {payload.payload_type}); "
                "Jamf Pro strips unknown payload types from unsigned profiles",
                "build it in the mcx style (`profilegen build --style mcx`), or sign it",
            )


def _signature(context: Context) -> None:
    signer = context.document.signer
    if signer is None:
        return
    if signer.status.startswith(INVALID_PREFIX):
        context.add(
            "signature-invalid",
            None,
            f"signed by {signer.subject}, but the {signer.status}",
            "the content changed after signing or the signature is damaged: rebuild and sign again",
        )
    now = datetime.datetime.now(datetime.UTC)
    if signer.not_after is not None and signer.not_after < now:
        context.add(
            "signer-expired",
            None,
            f"the signing certificate expired on {signer.not_after:%Y-%m-%d} ({signer.subject})",
            "re-sign with a current certificate",
        )
    if signer.digest_algorithm in ("sha1", "md5"):
        context.add(
            "weak-digest",
            None,
            f"the signature uses {signer.digest_algorithm.upper()}",
            "re-sign with SHA-256",
        )
