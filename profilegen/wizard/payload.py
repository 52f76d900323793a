"""Questions for "Add a payload": a type of Apple's catalogue, then its keys, required ones first.

Nothing here touches a terminal (profilegen.wizard.prompt asks). A value is parsed by its plist type and
checked against its key's schema; the whole payload is then checked as a preset's payload is (the resolver),
so the reasons are the ones `build` would give.
"""

from __future__ import annotations

import base64
import binascii
import datetime
import re
from typing import Any

from profilegen.catalog import Catalog
from profilegen.catalog.payloads import PayloadKey
from profilegen.errors import ValidationError
from profilegen.limits import PAYLOAD_KEYS
from profilegen.plisttypes import display
from profilegen.preset import Fleet, Preset, ProfileMeta
from profilegen.preset_payloads import PresetPayload
from profilegen.secrets import SecretRef, mdm_variables
from profilegen.wizard.questions import CHECK_IDENTIFIER, AnswerError, Pick, Question

MORE_PAYLOAD = "payload"
DONE, YES, NO = "__done__", "yes", "no"
_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")


def type_question(catalog: Catalog) -> Question:
    """Every macOS payload type by Apple's title; typing filters the list."""
    picks = [Pick(kind, kind, f"{title} ({kind})") for kind, title in catalog.payloads.types().items()]
    return Question("payload:type", "Which payload type?", "", (*picks, Pick("back", None, "Back: add nothing")),
                    picks[0].value if picks else None)


def keys_of(key: PayloadKey) -> list[PayloadKey]:
    """A dict's keys a preset may set, required ones first (Apple's order otherwise)."""
    children = [k for k in key.children() if k.on_macos and not (len(k.path) == 1 and k.name in PAYLOAD_KEYS)]
    return sorted(children, key=lambda k: not k.required)


def next_key_question(key: PayloadKey, where: str, current: dict[str, Any]) -> Question:
    """Which key of a dict to set next; "Done" once every required key is set."""
    picks = []
    for child in keys_of(key):
        title = f"{child.title} ({child.name})" if child.title and child.title != child.name else child.name
        if child.required:
            title += " (required)"
        if child.name in current:
            title += f"  [set: {display(current[child.name])}]"
        picks.append(Pick(child.name, child.name, title, describe(child)))
    missing = [k.name for k in keys_of(key) if k.required and k.name not in current]
    done = Pick("done", DONE, "Done with " + (where or "this payload"),
                unavailable=f"set {', '.join(missing)} first (required)" if missing else None)
    default = missing[0] if missing else DONE
    return Question("payload:key", f"Which key of {where or key.name or 'the payload'}?", "", (*picks, done), default)


def any_key_question(where: str) -> Question:
    """A dict that takes any key (team identifiers of system extensions...): its next key, or nothing."""
    def check(text: str) -> str:
        return text.strip()

    return Question("payload:any-key", f"Next key of {where} (empty: done)", "", default="", check=check)


def entry_question(where: str, count: int) -> Question:
    return Question("payload:entry", f"Add an entry to {where}? ({count} so far)", "",
                    (Pick(YES, YES, "Yes, add an entry"), Pick(NO, NO, "No, done")), YES if count == 0 else NO)


def describe(key: PayloadKey) -> str:
    parts = [f"Takes {_kind(key)}."]
    if key.required:
        parts.append("Required.")
    if key.macos_min:
        parts.append(f"From macOS {key.macos_min}.")
    if key.supervised:
        parts.append("Supervised Macs only.")
    if key.schema.get("x-sensitive"):
        parts.append('A secret: give a reference, env:NAME or file:PATH (written as { env = "NAME" }).')
    return " ".join(parts)


def _kind(key: PayloadKey) -> str:
    words = {"bool": "true or false", "integer": "an integer", "real": "a number", "string": "text",
             "date": "a date (2026-01-31T00:00:00Z)", "data": "base64 data", "array": "a list",
             "dict": "a table of keys"}
    text = words.get(key.plist_type, "a value")
    if key.enum is not None:
        text = "one of " + ", ".join(map(str, key.enum))
    return text


def value_question(key: PayloadKey, where: str) -> Question:
    """A scalar's value: a list for booleans and allowed values, typed text otherwise, checked by its schema."""
    if key.enum is not None:
        picks = tuple(Pick(str(v), _text(v), str(v)) for v in key.enum)
        return Question("payload:value", f"Value of {where}", describe(key), picks, picks[0].value)
    if key.plist_type == "bool":
        default = _text(key.default) if isinstance(key.default, bool) else "true"
        return Question("payload:value", f"Value of {where}", describe(key),
                        (Pick("true", "true", "true"), Pick("false", "false", "false")), default)

    def check(text: str) -> str:
        parse_value(key, where, text)
        return text

    return Question("payload:value", f"Value of {where}", describe(key), default="", check=check)


def _text(value: Any) -> str:
    return ("true" if value else "false") if isinstance(value, bool) else str(value)


def parse_value(key: PayloadKey, where: str, text: str) -> Any:
    """A typed answer as the key's plist value (a secret key takes env:NAME or file:PATH); AnswerError."""
    text = text.strip()
    if key.schema.get("x-sensitive"):
        source, _, target = text.partition(":")
        if source not in ("env", "file") or not target:
            raise AnswerError(f"{where} is a secret: give env:NAME or file:PATH, never the secret itself")
        return SecretRef(source, target)
    kind = key.plist_type
    try:
        value: Any
        if kind == "bool":
            value = text.lower() in ("true", "yes", "1")
        elif kind == "integer":
            value = int(text)
        elif kind == "real":
            value = float(text)
        elif kind == "date":
            value = datetime.datetime.fromisoformat(text.replace("Z", "+00:00"))
        elif kind == "data":
            base64.b64decode(text, validate=True)
            value = text
        else:
            value = text
    except (ValueError, binascii.Error):
        raise AnswerError(f"{text!r} is not {_kind(key)} ({where})") from None
    if kind in ("string", "integer", "real") and not mdm_variables(value):
        _check_against(key, where, value)
    return value


def _check_against(key: PayloadKey, where: str, value: Any) -> None:
    import jsonschema_rs

    schema = {k: v for k, v in key.schema.items() if k in ("type", "enum", "minimum", "maximum", "pattern",
                                                           "minLength", "maxLength")}
    errors = [e.message for e in jsonschema_rs.Draft202012Validator(schema).iter_errors(value)]
    if errors:
        raise AnswerError(f"{where} = {display(value)}: {errors[0]}")


def name_question(used: set[str]) -> Question:
    def check(text: str) -> str:
        text = text.strip()
        if text and not _NAME.match(text):
            raise AnswerError(f"{text!r} is not a payload name: use letters, digits, '-', '_' and '.'")
        if text in used:
            raise AnswerError(f"another payload of this type is named {text!r}")
        return text

    return Question("payload:name", "Name of this payload (its identifier derives from it; empty: none)",
                    "A stable name, e.g. full-disk-access: the payload's identifier and UUID derive from it.",
                    default="", check=check)


def check_payload(catalog: Catalog, fleet: Fleet, payload: PresetPayload) -> list[str]:
    """The payload checked as a preset's: the problems, each a line (empty when it builds)."""
    from profilegen.resolve import resolve

    probe = Preset(name="wizard", path=None, profile=ProfileMeta("wizard", CHECK_IDENTIFIER), fleet=fleet,
                   payloads=(payload,))
    try:
        resolve(probe, catalog)
    except ValidationError as error:
        return error.message.splitlines()
    return []
