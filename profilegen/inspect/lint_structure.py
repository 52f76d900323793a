"""The rules on a profile's structure: duplicate keys, the top-level and payload keys (required, typed,
PayloadType, PayloadVersion, PayloadScope), and identifiers and UUIDs (form, uniqueness)."""

from __future__ import annotations

import difflib
import re

from profilegen.inspect.lint_context import Context
from profilegen.inspect.nodes import Node

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



_CONTAINERS = ("dict", "array")


def _named(node: Node) -> dict[str, Node]:
    """A dict node's entries by key, the last of a repeated key winning (as ``Node.get`` and plistlib): one
    pass for the rules that look up several keys, not one pass per key."""
    return {entry.key: entry.node for entry in node.entries}


def duplicate_keys(context: Context) -> None:
    if context.document.repeats is False:  # the reader saw every <dict> give each key once
        return
    stack = [context.profile.root]  # every dict and array, depth first, each container's children in order
    while stack:
        node = stack.pop()
        if node.kind == "dict":
            entries = node.entries
            stack.extend([entry.node for entry in entries if entry.node.kind in _CONTAINERS])
            if len(entries) != len(node.value):  # else no duplicate: the plain dict has one entry per key
                _duplicates(context, node)
        elif node.kind == "array":
            stack.extend([item for item in node.items if item.kind in _CONTAINERS])


def _duplicates(context: Context, node: Node) -> None:
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


def top_level(context: Context) -> None:
    root = context.profile.root
    named = _named(root)
    for key in TOP_REQUIRED:
        if named.get(key) is None:
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
    payload_type = named.get("PayloadType")
    if payload_type is not None and payload_type.value != "Configuration":
        context.add(
            "payload-type",
            payload_type.line,
            f"the top-level PayloadType is {payload_type.value!r}, not 'Configuration'",
            "set the top-level PayloadType to Configuration; the payload's own type goes inside "
            "PayloadContent",
        )
    _version(context, named, "the profile's")
    scope = named.get("PayloadScope")
    if scope is not None and scope.kind == "string" and scope.value not in SCOPES:
        fixed = next((s for s in SCOPES if s.lower() == scope.value.lower()), None)
        context.add(
            "scope-value",
            scope.line,
            f"PayloadScope {scope.value!r} is neither 'System' nor 'User'",
            f"write {fixed!r} (case matters)" if fixed else "write 'System' or 'User'",
        )
    content = named.get("PayloadContent")
    if content is not None and content.kind == "array" and not content.items:
        context.add(
            "empty-profile",
            content.line,
            "PayloadContent is empty: the profile sets nothing",
            "add a payload, or do not deploy this profile",
        )


def _version(context: Context, named: dict[str, Node], whose: str) -> None:
    version = named.get("PayloadVersion")
    if version is not None and version.kind == "integer" and version.value != 1:
        context.add(
            "payload-version",
            version.line,
            f"{whose} PayloadVersion is {version.value}, not 1",
            "set PayloadVersion to 1",
        )


def payloads(context: Context) -> None:
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
        named = _named(node)
        for key in PAYLOAD_REQUIRED:
            if named.get(key) is None:
                context.add(
                    "required-key",
                    node.line,
                    f"payload {index} has no {key}",
                    f"add <key>{key}</key> to the payload",
                )
        _check_types(context, node, PAYLOAD_TYPES, f"payload {index}: ")
        _version(context, named, f"payload {index}'s")


def identities(context: Context) -> None:
    """UUID form; identifiers and UUIDs unique across the profile and its payloads."""
    nodes = [("the profile", context.profile.root)]
    nodes += [(f"payload {p.index + 1}", p.node) for p in context.profile.payloads]
    seen: dict[str, dict[str, tuple[str, int | None]]] = {"PayloadIdentifier": {}, "PayloadUUID": {}}
    for who, node in nodes:
        found = _named(node)
        for key, rule in (("PayloadIdentifier", "duplicate-identifier"), ("PayloadUUID", "duplicate-uuid")):
            value = found.get(key)
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
