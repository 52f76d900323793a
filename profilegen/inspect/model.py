"""What a profile says: its metadata, its payloads and the preference settings they carry.

Both preference styles are understood: "mcx" (``com.apple.ManagedClient.preferences`` with
``{domain: {"Forced": [{"mcx_preference_settings": {...}}]}}``) and "custom" (PayloadType = the domain,
keys at the payload's top level). Other Apple payloads (TCC, certificates...) are kept under their
PayloadType, like a custom payload, so show and diff see them too.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from profilegen.bulk import building
from profilegen.errors import InputError
from profilegen.inspect.nodes import INVALID, Entry, Node
from profilegen.limits import MCX_MODES, MCX_TYPE, PAYLOAD_KEYS
from profilegen.record import Record

__all__ = ["PAYLOAD_KEYS", "Origin", "Payload", "Profile", "Setting", "Unread", "extract", "payload_style"]

if TYPE_CHECKING:  # a preset's payloads are checked with this model, without reading any file
    from profilegen.inspect.read import Document



# Plain classes, not dataclasses: defining a dataclass compiles code (~0.5 ms each at every cold start).
class Origin:
    """What the settings of one mcx item or one custom payload share: their domain, mode and payload, and
    the <dict> they are the keys of (diff compares two such dicts' plain values without copying them)."""

    __slots__ = ("complete", "domain", "mode", "node", "payload")

    def __init__(self, domain: str, mode: str, payload: int, node: Node, complete: bool) -> None:
        self.domain = domain
        self.mode = mode  # "Forced" | "Set-Once" (mcx) | "custom" (custom style or another Apple payload)
        self.payload = payload  # index of the payload in PayloadContent
        self.node = node  # mcx: the item's mcx_preference_settings; custom: the payload itself
        # Whether every key of ``node`` (but a custom payload's own Payload* keys) is a setting: no value
        # in it was unreadable (a grammar break)
        self.complete = complete

    def count(self) -> int:
        """How many settings, without making them (validate of a domain the catalogue does not know)."""
        if not self.complete:
            return sum(1 for _ in self.entries())
        if self.mode == "custom":
            return sum(e.key not in PAYLOAD_KEYS for e in self.node.entries)
        return len(self.node.entries)

    def first_line(self) -> int | None:
        """The line of the first setting's key, without making the settings (None: no setting)."""
        return next((e.line for e in self.entries()), None)

    def entries(self) -> Iterator[Entry]:
        """The entries of ``node`` that are settings."""
        custom = self.mode == "custom"
        return (e for e in self.node.entries
                if not (custom and e.key in PAYLOAD_KEYS) and e.node.kind != INVALID)


class Setting:
    """One preference setting (mutable: masking replaces a secret value in place; there may be 100k, so
    what they share is held once, by their Origin, and a key's line is told by its Entry)."""

    __slots__ = ("entry", "key", "origin", "value")

    def __init__(self, origin: Origin, entry: Entry, value: Any) -> None:
        self.origin = origin
        self.entry = entry
        self.key = entry.key
        self.value = value

    @property
    def domain(self) -> str:
        return self.origin.domain

    @property
    def mode(self) -> str:
        return self.origin.mode

    @property
    def payload(self) -> int:
        return self.origin.payload

    @property
    def line(self) -> int | None:
        return self.entry.line


class Payload:
    __slots__ = ("domains", "identifier", "index", "node", "payload_type", "style", "uuid")

    def __init__(self, index: int, node: Node, payload_type: str | None, identifier: str | None,
                 uuid: str | None, style: str, domains: list[str] | None = None) -> None:
        self.index = index
        self.node = node
        self.payload_type = payload_type
        self.identifier = identifier
        self.uuid = uuid
        self.style = style  # "mcx" | "custom" | "apple"
        self.domains = [] if domains is None else domains

    @property
    def line(self) -> int | None:
        return self.node.line

    @property
    def display_name(self) -> str | None:
        return _text(self.node, "PayloadDisplayName")


class Unread(Record):
    """A part of an mcx payload not in the shape {domain: {Forced|Set-Once: [{mcx_preference_settings}]}}:
    its settings are not read (validate's mcx-shape finding says the same at the same line)."""

    payload: int  # index of the payload in PayloadContent
    line: int | None
    path: str  # PayloadContent.<domain>.Forced[0]...
    problem: str


class Profile:
    """A profile as read. Its settings are made at first use, one origin at a time, and kept here, not on
    the origin, which a Setting points at (a cycle would outlive the profile, frozen: profilegen.bulk)."""

    __slots__ = ("_made", "_settings", "document", "metadata", "origins", "payloads", "root", "unread")

    def __init__(self, document: Document, root: Node, metadata: dict[str, Any], payloads: list[Payload],
                 origins: list[Origin], unread: list[Unread] | None = None) -> None:
        self.document = document
        self.root = root  # the top-level dict
        self.metadata = metadata  # every top-level key but PayloadContent
        self.payloads = payloads
        self.origins = origins  # in document order, as their settings are
        self.unread = [] if unread is None else unread
        self._settings: list[Setting] | None = None
        self._made: dict[int, list[Setting]] = {}  # id of an origin -> its settings

    @property
    def settings(self) -> list[Setting]:
        """Every setting, in document order; made at first use (diff of two big profiles needs none: it
        compares their origins' dicts), then the same objects each time (masking changes them in place)."""
        found = self._settings
        if found is None:
            found = self._settings = [setting for origin in self.origins for setting in self.settings_of(origin)]
        return found

    def settings_of(self, origin: Origin) -> list[Setting]:
        """The settings of one of this profile's origins, made at first use, then the same objects."""
        found = self._made.get(id(origin))
        if found is None:
            with building():  # a Setting per key, alive to the end of the command, no cycle (profilegen.bulk)
                found = self._made[id(origin)] = [Setting(origin, e, e.node.value) for e in origin.entries()]
        return found

    def pairs_of(self, origin: Origin) -> Iterator[tuple[str, Any]]:
        """Each setting's key and value: the settings' own once made (masking changes their values),
        else read from the origin's dict, without making a Setting of each (show's table of a big profile)."""
        made = self._made.get(id(origin))
        if made is not None:
            return ((s.key, s.value) for s in made)
        return ((e.key, e.node.value) for e in origin.entries())

    def unread_notes(self, effect: str) -> list[str]:
        """One line per misshapen mcx part, naming the payload and the path: ``effect`` says what the
        command did with it ("not shown", "not compared")."""
        return [f"{self.path}: payload {u.payload + 1} ({MCX_TYPE})" + (f", line {u.line}" if u.line else "")
                + f": {u.path} {u.problem}: {effect} (`profilegen validate {self.path}` explains)"
                for u in self.unread]

    @property
    def path(self) -> str:
        return self.document.path

    def settings_map(self) -> dict[str, dict[str, Any]]:
        """domain -> key -> value; a key set twice keeps the later value, as the Mac would."""
        result: dict[str, dict[str, Any]] = {}
        for setting in self.settings:
            result.setdefault(setting.domain, {})[setting.key] = setting.value
        return result

    def style(self) -> str | None:
        """The preference style of the profile: "mcx", "custom", "mixed", or None without preferences."""
        styles = {p.style for p in self.payloads if p.style in ("mcx", "custom", "apple")}
        styles = {"custom" if s == "apple" else s for s in styles}
        if not styles:
            return None
        return styles.pop() if len(styles) == 1 else "mixed"


def payload_style(payload_type: str | None) -> str:
    if payload_type == MCX_TYPE:
        return "mcx"
    if payload_type and payload_type.startswith("com.apple."):
        return "apple"
    return "custom"


def extract(document: Document, *, strict: bool = False) -> Profile:
    """The profile in ``document``. Lenient by default (lint wants whatever is there); ``strict`` refuses
    a file whose plist grammar is broken or whose shape is not a profile, for show, diff and import."""
    with building():  # (profilegen.bulk)
        return _extract(document, strict)


def _extract(document: Document, strict: bool) -> Profile:
    root = document.root
    if root is None or root.kind != "dict":
        raise InputError(
            "not a configuration profile: the plist's top level is not a <dict>", path=document.path
        )
    if strict and document.issues:
        issue = document.issues[0]
        where = f"line {issue.line}: " if issue.line else ""
        raise InputError(
            f"{where}{issue.message}", path=document.path, hint="run `profilegen validate` for every finding"
        )
    metadata = {e.key: e.node.value for e in root.entries if e.key != "PayloadContent"}
    content = root.get("PayloadContent")
    if content is None or content.kind != "array":
        if strict:
            raise InputError("not a configuration profile: no PayloadContent array", path=document.path)
        return Profile(document, root, metadata, [], [])
    payloads: list[Payload] = []
    unread: list[Unread] = []
    origins: list[Origin] = []
    # A document read without a grammar break has no unreadable value: its dicts are not walked to see
    whole = not document.issues
    for index, node in enumerate(content.items):
        if node.kind != "dict":
            if strict:
                raise InputError(f"line {node.line}: payload {index + 1} is not a <dict>", path=document.path)
            continue
        payload_type = _text(node, "PayloadType")
        payload = Payload(
            index=index,
            node=node,
            payload_type=payload_type,
            identifier=_text(node, "PayloadIdentifier"),
            uuid=_text(node, "PayloadUUID"),
            style=payload_style(payload_type),
        )
        payloads.append(payload)
        if payload.style == "mcx":
            _mcx_origins(payload, unread, origins, whole)
        else:
            domain = payload_type or ""
            payload.domains.append(domain)
            origins.append(Origin(domain, "custom", index, node, whole or _readable(node)))
    return Profile(document, root, metadata, payloads, origins, unread)


def _text(node: Node, key: str) -> str | None:
    child = node.get(key)
    return child.value if child is not None and child.kind == "string" else None


def _readable(node: Node) -> bool:
    return all(e.node.kind != INVALID for e in node.entries)


def _mcx_origins(payload: Payload, unread: list[Unread], origins: list[Origin], whole: bool) -> None:
    content = payload.node.get("PayloadContent")

    def skip(at: Node | Entry | None, path: str, problem: str) -> None:  # at validate's line for the same
        unread.append(Unread(payload.index, at.line if at is not None else payload.line, path, problem))

    if content is None or content.kind != "dict":
        skip(content, "PayloadContent", "is missing" if content is None else f"is a <{content.kind}>, not a <dict>")
        return
    for domain_entry in content.entries:
        payload.domains.append(domain_entry.key)
        where = f"PayloadContent.{domain_entry.key}"
        if domain_entry.node.kind != "dict":
            skip(domain_entry.node, where, f"is a <{domain_entry.node.kind}>, not a <dict>")
            continue
        for mode_entry in domain_entry.node.entries:
            if mode_entry.key not in MCX_MODES:
                skip(mode_entry, f"{where}.{mode_entry.key}", "is neither Forced nor Set-Once")
                continue
            if mode_entry.node.kind != "array":
                skip(mode_entry.node, f"{where}.{mode_entry.key}", f"is a <{mode_entry.node.kind}>, not an <array>")
                continue
            for position, item in enumerate(mode_entry.node.items):
                prefs = item.get("mcx_preference_settings") if item.kind == "dict" else None
                if prefs is None or prefs.kind != "dict":
                    item_path = f"{where}.{mode_entry.key}[{position}]"
                    if item.kind != "dict":
                        skip(item, item_path, f"is a <{item.kind}>, not a <dict>")
                    elif prefs is None:
                        skip(item, item_path, "has no mcx_preference_settings")
                    else:
                        skip(prefs, f"{item_path}.mcx_preference_settings", f"is a <{prefs.kind}>, not a <dict>")
                    continue
                origins.append(Origin(domain_entry.key, mode_entry.key, payload.index, prefs,
                                      whole or _readable(prefs)))
