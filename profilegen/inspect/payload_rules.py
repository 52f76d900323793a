"""Apple payloads of a profile checked against their schemas (schemas/payloads/, profilegen.catalog.payloads).

Two passes over each payload: a walk of the plist tree beside the schema for what JSON Schema cannot say
(plist types such as <data> and <date>, unknown keys, macOS versions, supervised-only keys), then the
conforming validator (jsonschema-rs) for required keys, allowed values, ranges, patterns and the override
rules; its errors are mapped back to the key path and line.
"""

from __future__ import annotations

import difflib
import json
from collections import Counter
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from profilegen.catalog.payloads import Part, PayloadCatalog, PayloadKey, PayloadSchema, path_text
from profilegen.inspect.nodes import INVALID, Node
from profilegen.limits import MCX_TYPE, PAYLOAD_KEYS
from profilegen.plisttypes import display, to_json
from profilegen.versions import before, parse_version

if TYPE_CHECKING:  # a preset's payloads are checked without the profile model (profilegen.payload_resolve)
    from profilegen.inspect.model import Payload, Profile

Add = Callable[..., None]  # Context.add(rule, line, message, fix="", severity=None)
_RULE_DEF = "rule-"
# keys the generic payload rules (lint_structure.payloads, _version) already check
_GENERIC = frozenset({"PayloadIdentifier", "PayloadUUID", "PayloadType", "PayloadVersion"})
_VALUE_KINDS = frozenset({"enum", "const", "minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "pattern",
                          "minItems", "maxItems", "minLength", "maxLength", "uniqueItems", "format"})


def label(payload: Payload) -> str:
    who = f" ({payload.identifier})" if payload.identifier else ""
    return f"payload {payload.index + 1} {payload.payload_type}{who}"


def is_apple_payload(payload: Payload, catalog: PayloadCatalog) -> bool:
    """An Apple payload: a com.apple.* type (but the mcx preferences), or a type Apple's schema defines."""
    kind = payload.payload_type
    if not kind or kind == MCX_TYPE:
        return False
    return payload.style == "apple" or catalog.ships(kind)  # .GlobalPreferences, loginwindow


def wrong_channel(schema: PayloadSchema, scope: object) -> tuple[str, str] | None:
    """The rule id and message tail for a payload whose channel the profile's PayloadScope does not reach:
    device-channel-only payloads (PPPC, system extensions...) in a User profile, user-channel-only ones (mail
    and other accounts, web clips...) in a System profile. Any case: "user" is the same mistake twice."""
    spelled = scope.lower() if isinstance(scope, str) else None
    if spelled == "user" and schema.user_channel is False:
        return "device-channel-only", "installs through the device channel only (Apple: userchannel false)"
    if spelled == "system" and schema.device_channel is False:
        return "user-channel-only", "installs through the user channel only (Apple: devicechannel false)"
    return None


def channel_fix(rule: str, preset: bool = False) -> str:
    scope = "System" if rule == "device-channel-only" else "User"
    channel = "device" if scope == "System" else "user"
    if preset:
        return f'put it in a preset of its own with scope = "{scope}": the {channel} channel'
    return f"put it in a profile of its own with PayloadScope {scope} (the {channel} channel)"


def channel_message(what: str, schema: PayloadSchema, tail: str, scope: str = "the profile's PayloadScope") -> str:
    other = "User" if "device channel" in tail else "System"
    return f"{what}: {schema.title} {tail}, but {scope} is {other}"


def check_payloads(add: Add, profile: Profile, catalog: PayloadCatalog, macos_version: str | None) -> set[str]:
    """Every Apple payload of ``profile`` against its schema; returns the payload types checked."""
    version = macos_version if macos_version and parse_version(macos_version) is not None else None
    checked: set[str] = set()
    apple = [p for p in profile.payloads if is_apple_payload(p, catalog)]
    counts = Counter(p.payload_type for p in apple)
    for payload in apple:
        kind = str(payload.payload_type)
        schema = catalog.schema(kind)
        if schema is None:
            _unknown_type(add, payload, catalog)
            continue
        checked.add(kind)
        checker = _Checker(add, payload, schema, version)
        if counts[kind] > 1 and not schema.multiple and payload is next(p for p in apple if p.payload_type == kind):
            add("payload-single", payload.line,
                f"{label(payload)}: {counts[kind]} payloads of type {kind}; Apple allows one ({schema.title})",
                "merge them into one payload")
        if channel := wrong_channel(schema, profile.metadata.get("PayloadScope")):
            add(channel[0], payload.line, channel_message(label(payload), schema, channel[1]), channel_fix(channel[0]))
        checker.payload_versions()
        checker.walk(payload.node, schema.root, [])
        checker.validate()
    return checked


def _unknown_type(add: Add, payload: Payload, catalog: PayloadCatalog) -> None:
    kind = str(payload.payload_type)
    others = catalog.other_platforms(kind)
    if others is not None:
        add("payload-not-macos", payload.line,
            f"{label(payload)}: {kind} is a payload for {', '.join(others) or 'other platforms'}, not macOS",
            "remove it from a profile for Macs")
        return
    close = difflib.get_close_matches(kind, list(catalog.types()), n=1, cutoff=0.85)
    commit = catalog.commit()
    add("unknown-payload-type", payload.line,
        f"{label(payload)}: {kind} is not a payload type of Apple's schema"
        + (f" (commit {commit[:7]})" if commit else "")
        + "; macOS takes it as custom preferences of that domain, unchecked",
        f"did you mean {close[0]!r}?" if close else
        "`profilegen catalog payloads` lists the known types; a newer Apple release: `catalog import-apple`")


class _Checker:
    def __init__(self, add: Add, payload: Payload, schema: PayloadSchema, version: str | None) -> None:
        self.add = add
        self.payload = payload
        self.schema = schema
        self.version = version
        self.label = label(payload)
        self.typed_wrong: list[tuple[Part, ...]] = []

    def where(self, path: list[Part]) -> str:
        return f"{self.label}: {path_text(path)}" if path else self.label

    # -- versions and channels -----------------------------------------------------------------
    def payload_versions(self) -> None:
        root = self.schema.root
        self._versions(root, [], self.payload.line, f"{self.label} ({self.schema.title})")

    def _versions(self, key: PayloadKey, path: list[Part], line: int | None, what: str | None = None) -> None:
        """``what`` names the key in messages (default: its path), made only when there is a message."""
        if self.version is None and not key.supervised:
            return
        if what is None:
            what = self.where(path)
        if key.supervised:
            self.add("supervised-only", line, f"{what} works on supervised Macs only (Apple: supervised)",
                     "enrol the Macs through Automated Device Enrollment, or expect it to be ignored")
        if self.version is None:
            return
        introduced, removed, deprecated = key.macos_min, key.macos_removed, key.macos_deprecated
        if introduced and parse_version(introduced) and before(self.version, introduced):
            self.add("macos-too-old", line, f"{what} needs macOS {introduced} or later; --macos-version is "
                     f"{self.version}", "target a later macOS, or leave it out")
        if removed and parse_version(removed) and not before(self.version, removed):
            self.add("macos-removed", line, f"{what} was removed in macOS {removed}; --macos-version is "
                     f"{self.version}", "remove it")
        elif deprecated and parse_version(deprecated) and not before(self.version, deprecated):
            self.add("macos-deprecated", line, f"{what} is deprecated since macOS {deprecated}",
                     "use its replacement (`profilegen catalog " + self.schema.payload_type + "`)")

    # -- the tree beside the schema ------------------------------------------------------------
    def walk(self, node: Node, key: PayloadKey, path: list[Part], line: int | None = None) -> None:
        """``node`` beside ``key``; messages name ``path`` (a key's own path is not read: an array's items
        share one key, ``PayloadKey.item``)."""
        kind = node.kind
        if path:
            want, on_macos, supervised = key.facts()
            if not self._type_ok(kind, want, path, line):
                return
            if not on_macos:
                self.add("key-not-macos", line, f"{self.where(path)} does not apply to macOS (Apple: not "
                         "introduced on macOS)", "remove it from a profile for Macs")
                return
            if supervised or self.version is not None:
                self._versions(key, path, line)
        if kind == "dict":
            self._dict(node, key, path)
        elif kind == "array":
            child = key.item()
            if child is not None:
                for index, item in enumerate(node.items):
                    self.walk(item, child, [*path, index], item.line or line)

    def _type_ok(self, kind: str, want: str, path: list[Part], line: int | None) -> bool:
        if want == "any" or kind in (INVALID, want) or (want == "real" and kind == "integer"):
            return True
        self.typed_wrong.append(tuple(path))
        self.add("payload-value-type", line, f"{self.where(path)} is a <{kind}>, Apple's schema says <{want}>",
                 f"write {path_text(path[-1:])} as <{want}>")
        return False

    def _dict(self, node: Node, key: PayloadKey, path: list[Part]) -> None:
        properties = key.schema.get("properties", {})
        extra = key.any_key
        for entry in node.entries:
            if not path and entry.key in PAYLOAD_KEYS:
                continue
            child = key.child(entry.key)
            if child is not None:
                self.walk(entry.node, child, [*path, entry.key], entry.line)
            elif extra is None and properties:
                close = difflib.get_close_matches(entry.key, list(properties), n=1)
                self.add("payload-unknown-key", entry.line,
                         f"{self.where([*path, entry.key])} is not a key of {self.schema.payload_type} in Apple's "
                         "schema; macOS ignores it",
                         f"did you mean {close[0]!r}?" if close else
                         f"`profilegen catalog {self.schema.payload_type}` lists its keys")

    # -- the validator --------------------------------------------------------------------------
    def validate(self) -> None:
        instance = to_json(self.payload.node.value)
        if self.schema.judge.valid(self.schema.document, instance):
            return  # nothing for the validator to find: it is neither imported nor compiled
        seen: set[tuple[str, tuple[Part, ...]]] = set()
        for error in self.schema.validator().iter_errors(instance):
            path: list[Part] = list(error.instance_path)
            name = error.kind.name
            if name == "type" or any(tuple(path[:len(bad)]) == bad for bad in self.typed_wrong):
                continue
            if not path and name == "required" and error.kind.property in _GENERIC:
                continue
            if path in (["PayloadVersion"], ["PayloadType"]):
                continue
            rule = self._rule_of(list(error.schema_path))
            token = (str(rule.get("x-rule") if rule else name), tuple(path))
            if token in seen:
                continue
            seen.add(token)
            if rule is not None:
                self._rule_finding(rule, path)
            elif name == "required":
                self._required(path, str(error.kind.property))
            elif name in _VALUE_KINDS:
                self._value(path, str(error.message))
            else:
                self.add("payload-value", self._line(path), f"{self.where(path)}: {error.message}",
                         f"`profilegen catalog {self.schema.payload_type}` says what it takes")

    def _rule_of(self, schema_path: list[Any]) -> dict[str, Any] | None:
        for index, part in enumerate(schema_path[:-1]):
            if part == "$defs" and str(schema_path[index + 1]).startswith(_RULE_DEF):
                found = self.schema.document.get("$defs", {}).get(schema_path[index + 1])
                return found if isinstance(found, dict) else None
        return None

    def _rule_finding(self, rule: dict[str, Any], path: list[Part]) -> None:
        severity = str(rule.get("x-severity", "error"))
        self.add("payload-rule", self._line(path), f"{self.where(path)}: {rule.get('x-message')} "
                 f"(rule {rule.get('x-rule')})", f"source: {rule.get('x-source')}", severity=severity)

    def _required(self, path: list[Part], missing: str) -> None:
        self.add("payload-required", self._line(path, key_line=False),
                 f"{self.where(path)} has no {missing}" if path else f"{self.label} has no {missing}",
                 f"add <key>{missing}</key> (required by Apple's schema)")

    def _value(self, path: list[Part], message: str) -> None:
        from profilegen.secrets import mdm_variables  # a value refused only (its regular expression, at start-up)

        key = self.schema.key(path)
        value = self._node(path)
        variables = mdm_variables(value.value) if value is not None else []
        if variables:  # the server puts the real value in on delivery: the format applies to that, not this
            self.add("mdm-variable", self._line(path), f"{self.where(path)} holds the MDM variable "
                     f"{', '.join(dict.fromkeys(variables))}: its format is not checked here",
                     "the MDM substitutes it on delivery; check that yours defines it")
            return
        shown = display(value.value) if value is not None else "?"
        self.add("payload-value", self._line(path), f"{self.where(path)} = {shown} is not allowed: {message}",
                 "use " + (allowed(key) if key is not None else "a value Apple's schema allows"))

    def _node(self, path: list[Part]) -> Node | None:
        node: Node | None = self.payload.node
        for part in path:
            if node is None:
                return None
            if isinstance(part, int):
                node = node.items[part] if node.kind == "array" and part < len(node.items) else None
            else:
                node = node.get(part) if node.kind == "dict" else None
        return node

    def _line(self, path: list[Part], *, key_line: bool = True) -> int | None:
        """The line of the value at ``path`` (of its <key> for a dict entry), else of the nearest container."""
        if key_line and path and isinstance(path[-1], str):
            parent = self._node(path[:-1])
            if parent is not None and parent.kind == "dict":
                return parent.key_line(path[-1])
        for end in range(len(path), -1, -1):
            node = self._node(path[:end])
            if node is not None and node.line:
                return node.line
        return self.payload.line


_WORDS = {"bool": "true or false", "integer": "an integer", "real": "a number", "string": "a string",
          "date": "a date", "data": "data", "array": "an array", "dict": "a dictionary"}


def allowed(key: PayloadKey) -> str:
    """What a key takes, in words, for a fix line."""
    if key.enum is not None:
        return "one of " + ", ".join(json.dumps(v) for v in key.enum)
    text = _WORDS.get(key.plist_type, "a value")
    if key.minimum is not None and key.maximum is not None:
        text += f" from {key.minimum:g} to {key.maximum:g}"
    elif key.minimum is not None:
        text += f" of at least {key.minimum:g}"
    elif key.maximum is not None:
        text += f" of at most {key.maximum:g}"
    if key.pattern:
        text += f" matching {key.pattern}"
    return text
