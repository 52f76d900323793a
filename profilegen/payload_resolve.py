"""A preset's Apple payloads resolved: choices' payloads merged in, values typed by Apple's schema, checked.

The checks are validate's own (profilegen.inspect.payload_rules), run on the payload as the profile will carry
it; only the names differ: every message names the preset's TOML path (``payloads[2].Services.
SystemPolicyAllFiles[0].CodeRequirement``) instead of a line. Secrets are checked, never shown: a sensitive
key must hold a reference, and the validator sees a placeholder in its place.
"""

from __future__ import annotations

import base64
import binascii
import difflib
from collections import Counter
from collections.abc import Mapping, Sequence
from typing import Any

from profilegen.catalog.payloads import Part, PayloadCatalog, PayloadKey, PayloadSchema, path_text
from profilegen.inspect.nodes import Node, from_python
from profilegen.inspect.payload_rules import _Checker, channel_fix, channel_message, wrong_channel
from profilegen.preset_payloads import PresetPayload
from profilegen.record import Record, replace
from profilegen.secrets import MASK, SecretRef, mdm_variables
from profilegen.versions import parse_version


class Note(Record):
    severity: str
    rule: str
    message: str


class Checked(Record):
    payloads: tuple[PresetPayload, ...]
    errors: tuple[str, ...]
    notes: tuple[Note, ...]


def _join(path: str, part: Part) -> str:
    return f"{path}[{part}]" if isinstance(part, int) else f"{path}.{part}"


def merge(payloads: Sequence[PresetPayload]) -> tuple[list[PresetPayload], list[str]]:
    """Payloads of the same type and name become one (a choice adding keys or array entries to a payload)."""
    merged: list[PresetPayload] = []
    errors: list[str] = []
    by_slot: dict[tuple[str, str | None], int] = {}
    for payload in payloads:
        index = by_slot.get(payload.slot) if payload.name is not None else None
        if index is None:
            if payload.name is not None:
                by_slot[payload.slot] = len(merged)
            merged.append(payload)
            continue
        first = merged[index]
        keys = _merge_value(dict(first.keys), dict(payload.keys), first.type, (first.origin, payload.origin), errors)
        merged[index] = replace(first, keys=keys)
    return merged, errors


def _merge_value(left: Any, right: Any, where: str, origins: tuple[str, str], errors: list[str]) -> Any:
    if isinstance(left, dict) and isinstance(right, dict):
        result = dict(left)
        for key, value in right.items():
            result[key] = _merge_value(left[key], value, _join(where, key), origins, errors) if key in left else value
        return result
    if isinstance(left, list) and isinstance(right, list):
        return [*left, *[item for item in right if item not in left]]
    if left != right or type(left) is not type(right):
        errors.append(f"{where} is set by {origins[0]} and differently by {origins[1]}; keep one of them")
    return left


def typed(value: Any, key: PayloadKey | None, where: str, errors: list[str]) -> Any:
    """TOML's value as the plist type Apple's schema names: base64 text for <data>, integers for <real>."""
    if key is None or isinstance(value, SecretRef):
        return value
    kind = key.plist_type
    if kind == "data" and isinstance(value, str):
        try:
            return base64.b64decode(value.encode("ascii"), validate=True)
        except (binascii.Error, UnicodeEncodeError):
            errors.append(f"{where} is <data>: write it as base64 text")
            return value
    if kind == "real" and isinstance(value, int) and not isinstance(value, bool):
        return float(value)
    if isinstance(value, list):
        return [typed(item, key.child(i), f"{where}[{i}]", errors) for i, item in enumerate(value)]
    if isinstance(value, dict):
        return {k: typed(v, key.child(k), _join(where, k), errors) for k, v in value.items()}
    return value


def _placeholders(value: Any, key: PayloadKey | None, where: str, errors: list[str], secret: bool = False) -> Any:
    """What the validator sees: references as a placeholder of the key's type; a literal secret is an error."""
    sensitive = secret or bool(key is not None and key.schema.get("x-sensitive"))
    if isinstance(value, SecretRef):
        return b"" if key is not None and key.plist_type == "data" else MASK
    if sensitive and isinstance(value, str | bytes) and value and not mdm_variables(value):
        errors.append(f"{where} is a secret, and a preset never holds one: write {where.rsplit('.', maxsplit=1)[-1]} = "
                      '{ env = "NAME" } or { file = "PATH" } (resolved at build time, never printed)')
        return MASK if isinstance(value, str) else b""
    if isinstance(value, list):
        return [_placeholders(item, key.child(i) if key else None, f"{where}[{i}]", errors, sensitive)
                for i, item in enumerate(value)]
    if isinstance(value, dict):
        return {k: _placeholders(v, key.child(k) if key else None, _join(where, k), errors) for k, v in value.items()}
    return value


class _Payload:
    """What the checker reads of a payload (validate's model would bring the whole profile reader along)."""

    line = None
    index = 0
    identifier = None

    def __init__(self, node: Node, payload_type: str) -> None:
        self.node = node
        self.payload_type = payload_type


_WORDS = {"bool": "a boolean", "integer": "an integer", "real": "a number", "string": "a string",
          "date": "a date", "data": "data (base64 text)", "array": "an array", "dict": "a table"}


class _PresetChecker(_Checker):
    """validate's checker, naming TOML paths (payloads[2].Services...) instead of payloads and lines."""

    def __init__(self, add: Any, payload: _Payload, schema: PayloadSchema, version: str | None, origin: str) -> None:
        super().__init__(add, payload, schema, version)  # type: ignore[arg-type]
        self.label = origin

    def where(self, path: list[Part]) -> str:
        if not path:
            return self.label
        text = path_text(path)
        return f"{self.label}{text}" if text.startswith("[") else f"{self.label}.{text}"

    def _required(self, path: list[Part], missing: str) -> None:
        self.add("payload-required", None, f"{self.where(path)} has no {missing}",
                 f"add {missing} = ...; Apple's schema requires it")

    def _type_ok(self, kind: str, want: str, path: list[Part], line: int | None) -> bool:
        if want in ("any", kind) or (want == "real" and kind == "integer"):
            return True
        self.typed_wrong.append(tuple(path))
        self.add("payload-value-type", None, f"{self.where(path)} is {_WORDS.get(kind, kind)}, Apple's "
                 f"schema says {_WORDS.get(want, want)}", f"write {path_text(path[-1:])} as {_WORDS.get(want, want)}")
        return False


def check(payloads: Sequence[PresetPayload], catalog: PayloadCatalog, macos_version: str | None,
          scope: str = "System") -> Checked:
    """Each payload typed and checked against its schema (and the profile's ``scope``); errors as lines, the
    rest as notes."""
    version = macos_version if macos_version and parse_version(macos_version) is not None else None
    errors: list[str] = []
    notes: list[Note] = []
    done: list[PresetPayload] = []
    counts = Counter(p.type for p in payloads)
    warned: set[str] = set()

    def add(rule: str, _line: int | None, message: str, fix: str = "", *, severity: str | None = None) -> None:
        if severity is None:  # the rule table is read only when there is something to say
            from profilegen.inspect.findings import RULES

            severity = RULES[rule].severity
        level = severity
        text = (f"{message} ({fix})" if fix else message).replace("--macos-version is", "[fleet] macos_version is")
        if level == "error":
            errors.append(text)
        else:
            notes.append(Note(level, rule, text))

    for given in payloads:
        schema = catalog.schema(given.type)
        if schema is None:
            _unknown(add, given, catalog)
            done.append(given)
            continue
        keys = typed(dict(given.keys), schema.root, given.origin, errors)
        payload = replace(given, keys=keys)
        done.append(payload)
        if counts[payload.type] > 1 and not schema.multiple and payload.type not in warned:
            warned.add(payload.type)
            add("payload-single", None, f"{payload.origin}: {counts[payload.type]} payloads of type {payload.type}; "
                f"Apple allows one ({schema.title})", "merge them into one payload")
        if channel := wrong_channel(schema, scope):
            add(channel[0], None, channel_message(f"{payload.origin}.type = {payload.type!r}", schema, channel[1],
                                                  "profile.scope"), channel_fix(channel[0], preset=True))
        instance = _placeholders(keys, schema.root, payload.origin, errors)
        instance.update(PayloadType=payload.type, PayloadVersion=1, PayloadIdentifier="x", PayloadUUID="x")
        node = from_python(instance, payload.origin)
        checker = _PresetChecker(add, _Payload(node, payload.type), schema, version, payload.origin)
        checker.payload_versions()
        checker.walk(node, schema.root, [])
        checker.validate()
    return Checked(tuple(done), tuple(errors), tuple(notes))


def _unknown(add: Any, payload: PresetPayload, catalog: PayloadCatalog) -> None:
    kind = payload.type
    others = catalog.other_platforms(kind)
    where = f"{payload.origin}.type = {kind!r}"
    if others is not None:
        add("payload-not-macos", None, f"{where} is a payload for {', '.join(others) or 'other platforms'}, "
            "not macOS", "remove it from a preset for Macs")
    elif kind.startswith("com.apple."):  # a near miss is a typo; anything else may be newer than our schema
        close = difflib.get_close_matches(kind, list(catalog.types()), n=1, cutoff=0.9)
        if close:
            add("unknown-payload-type", None, f"{where} is not a macOS payload type of Apple's schema",
                f"did you mean {close[0]!r}?", severity="error")
        else:
            commit = catalog.commit()
            add("unknown-payload-type", None, f"{where} is not a payload type of Apple's schema"
                + (f" (commit {commit[:7]})" if commit else "") + ": written as given, unchecked",
                "a newer Apple release: `profilegen catalog import-apple`", severity="warning")
    else:
        add("unknown-payload-type", None, f"{where} is not in Apple's schema: its keys are written as given, "
            "unchecked", "for preferences of an app, [settings.\"<domain>\"] is the usual place",
            severity="warning")


def masked(value: Any, key: PayloadKey | None, replacement: Any = MASK) -> tuple[Any, int]:
    """``value`` with every sensitive key's value replaced (by ``replacement``, or what it returns for the
    path), and how many were; MDM variables are not secrets and stay."""
    count = 0

    def walk(item: Any, spec: PayloadKey | None, path: tuple[Part, ...]) -> Any:
        nonlocal count
        if spec is not None and spec.schema.get("x-sensitive") and isinstance(item, str | bytes) and item \
                and not mdm_variables(item):
            count += 1
            return replacement(path) if callable(replacement) else replacement
        if isinstance(item, Mapping):
            return {k: walk(v, spec.child(k) if spec else None, (*path, k)) for k, v in item.items()}
        if isinstance(item, list):
            return [walk(v, spec.child(i) if spec else None, (*path, i)) for i, v in enumerate(item)]
        return item

    return walk(value, key, ()), count
