"""Apple's payload types (schemas/payloads/, converted from Apple's device-management): lookup by type and path.

Loaded lazily, one payload type at a time: a profile without Apple payloads reads nothing here, one with a
TCC payload reads that one file (and the small _index.json only to name a type that is not shipped). A user
catalogue's ``payloads/`` folder (``catalog import-apple``) wins over the shipped file for the same type.

The API later work builds on: ``PayloadCatalog.schema(type)`` -> ``PayloadSchema``; ``.key(path)`` ->
``PayloadKey`` for a path such as ``Services.SystemPolicyAllFiles[0].CodeRequirement`` (or a list of parts);
``.walk()`` every key with its depth; ``.validator()`` the compiled JSON Schema.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator, Sequence
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

from profilegen.errors import InputError

if TYPE_CHECKING:
    from profilegen.surely import Judge

INDEX_FILE = "_index.json"
_DEFS = "#/$defs/"
Part = str | int


def resolve(root: dict[str, Any], schema: Any) -> dict[str, Any]:
    """``schema`` with its local ``$ref`` followed (a chain of them, bounded)."""
    for _ in range(16):
        if not isinstance(schema, dict):
            return {}
        ref = schema.get("$ref")
        if not (isinstance(ref, str) and ref.startswith(_DEFS)):
            return schema
        target = root.get("$defs", {}).get(ref[len(_DEFS):])
        schema = {**target, **{k: v for k, v in schema.items() if k != "$ref"}} if isinstance(target, dict) else {}
    return schema if isinstance(schema, dict) else {}


def parse_path(text: str) -> list[Part]:
    """``A.B[0].C`` -> ["A", "B", 0, "C"]; ``[]`` stands for any item (-1)."""
    parts: list[Part] = []
    for chunk in text.split("."):
        name, _, rest = chunk.partition("[")
        if name:
            parts.append(name)
        while rest:
            index, _, rest = rest.partition("]")
            parts.append(int(index) if index.strip().isdigit() else -1)
            rest = rest[1:] if rest.startswith("[") else rest
    return parts


def path_text(parts: Sequence[Part]) -> str:
    text = ""
    for part in parts:
        if isinstance(part, int):
            text += f"[{part}]" if part >= 0 else "[]"
        else:
            text += f".{part}" if text else part
    return text


class PayloadKey:
    """One key of a payload type: a view of its (resolved) subschema."""

    __slots__ = ("_facts", "_item", "_named", "name", "path", "raw", "required", "root", "schema")

    def __init__(self, root: dict[str, Any], path: tuple[Part, ...], schema: dict[str, Any], required: bool) -> None:
        self.root = root
        self.path = path
        self.name = str(path[-1]) if path and isinstance(path[-1], str) else ""
        self.raw = schema if isinstance(schema, dict) else {}
        self.schema = resolve(root, schema)
        self.required = required
        self._named: dict[str, PayloadKey] = {}  # child() of the keys the schema names, made once
        self._item: PayloadKey | None = None  # item(), made once
        self._facts: tuple[str, bool, bool] | None = None  # facts(), read once

    def __repr__(self) -> str:
        return f"PayloadKey({path_text(self.path)}, {self.plist_type})"

    def _text(self, name: str) -> str | None:
        value = self.schema.get(name)
        return str(value) if value is not None else None

    @property
    def plist_type(self) -> str:
        return self._text("x-plist-type") or "any"

    @property
    def title(self) -> str:
        return self._text("title") or ""

    @property
    def description(self) -> str:
        return self._text("description") or ""

    @property
    def enum(self) -> list[Any] | None:
        values = self.schema.get("enum")
        return list(values) if isinstance(values, list) else None

    @property
    def minimum(self) -> float | None:
        value = self.schema.get("minimum")
        return value if isinstance(value, int | float) else None

    @property
    def maximum(self) -> float | None:
        value = self.schema.get("maximum")
        return value if isinstance(value, int | float) else None

    @property
    def pattern(self) -> str | None:
        return self._text("pattern")

    @property
    def default(self) -> Any:
        return self.schema.get("default")

    @property
    def macos_min(self) -> str | None:
        return self._text("x-macos-min")

    @property
    def macos_deprecated(self) -> str | None:
        return self._text("x-macos-deprecated")

    @property
    def macos_removed(self) -> str | None:
        return self._text("x-macos-removed")

    @property
    def on_macos(self) -> bool:
        return not self.schema.get("x-macos-unsupported", False)

    @property
    def supervised(self) -> bool:
        return bool(self.schema.get("x-supervised", False))

    @property
    def any_key(self) -> Any:
        """What a dict's other keys may hold: a subschema, True (anything), or None (no other key)."""
        return self.schema.get("additionalProperties")

    def facts(self) -> tuple[str, bool, bool]:
        """``(plist_type, on_macos, supervised)``, read from the schema once: what a walk of a payload asks
        of every key it meets (profilegen.inspect.payload_rules)."""
        facts = self._facts
        if facts is None:
            facts = self._facts = (self.plist_type, self.on_macos, self.supervised)
        return facts

    def item(self) -> PayloadKey | None:
        """The key of any item of an array (path ending in -1, as ``children`` makes it), made once: a walk
        of a thousand items, or of a thousand payloads, meets the same key and its children's lookups.
        ``child(index)`` is the item at one index, with that index in its path."""
        item = self._item
        if item is None:
            items = self.schema.get("items")
            if not isinstance(items, dict):
                return None
            item = self._item = PayloadKey(self.root, (*self.path, -1), items, False)
        return item

    def children(self) -> list[PayloadKey]:
        """A dict's keys, or an array item's keys (the item itself for an array of scalars)."""
        if self.plist_type == "array":
            items = self.schema.get("items")
            if not isinstance(items, dict):
                return []
            item = PayloadKey(self.root, (*self.path, -1), items, False)
            return item.children() if item.plist_type == "dict" else [item]
        properties = self.schema.get("properties", {})
        required = set(self.schema.get("required", ()))
        return [PayloadKey(self.root, (*self.path, name), sub, name in required) for name, sub in properties.items()]

    def child(self, part: Part) -> PayloadKey | None:
        if isinstance(part, int):
            items = self.schema.get("items")
            return PayloadKey(self.root, (*self.path, part), items, False) if isinstance(items, dict) else None
        named = self._named.get(part)
        if named is not None:
            return named
        sub = self.schema.get("properties", {}).get(part)
        if sub is None:  # any other key (not kept: a dict of any keys may have a hundred thousand)
            extra = self.schema.get("additionalProperties")
            return PayloadKey(self.root, (*self.path, part), extra, False) if isinstance(extra, dict) else None
        named = self._named[part] = PayloadKey(self.root, (*self.path, part), sub,
                                               part in self.schema.get("required", ()))
        return named


class PayloadSchema:
    """One payload type: its JSON Schema document and where it came from."""

    def __init__(self, document: dict[str, Any], path: Path, *, user: bool = False) -> None:
        self.document = document
        self.path = path
        self.user = user
        self.payload_type = str(document.get("x-payload-type", path.stem))
        self._validator: Any = None

    def __repr__(self) -> str:
        return f"PayloadSchema({self.payload_type}, {self.path})"

    @property
    def title(self) -> str:
        return str(self.document.get("title", self.payload_type))

    @cached_property
    def root(self) -> PayloadKey:
        """The payload's own level (one per schema: its keys' lookups are kept from file to file)."""
        return PayloadKey(self.document, (), self.document, True)

    def annotation(self, name: str) -> Any:
        return self.document.get(name)

    @property
    def multiple(self) -> bool:
        return bool(self.document.get("x-multiple", True))

    @property
    def user_channel(self) -> bool | None:
        """Apple's userchannel for macOS: the payload installs in a User-scoped profile (None: not said)."""
        value = self.document.get("x-user-channel")
        return value if isinstance(value, bool) else None

    @property
    def device_channel(self) -> bool | None:
        """Apple's devicechannel for macOS: the payload installs in a System-scoped profile (None: not said)."""
        value = self.document.get("x-device-channel")
        return value if isinstance(value, bool) else None

    def key(self, path: str | Sequence[Part]) -> PayloadKey | None:
        """The key at ``path``; a name with dots (``com.apple.EnergySaver.desktop.ACPower``) is matched whole."""
        parts = parse_path(path) if isinstance(path, str) else list(path)
        node: PayloadKey | None = self.root
        index = 0
        while node is not None and index < len(parts):
            part = parts[index]
            if isinstance(part, str):  # the longest run of dotted parts that names one key
                for end in range(len(parts), index, -1):
                    run = parts[index:end]
                    if all(isinstance(p, str) for p in run) and ".".join(map(str, run)) in node.schema.get(
                            "properties", {}):
                        part, index = ".".join(map(str, run)), end - 1
                        break
            node = node.child(part)
            index += 1
        return node if parts else None

    def walk(self, *, shared_once: bool = False) -> Iterator[tuple[int, PayloadKey]]:
        """Every key, depth first, with its depth (0 for the payload's own keys); recursion shown once.
        ``shared_once``: the keys of a named structure ($defs, e.g. PPPC's Identity) only where first met."""
        stack: list[tuple[int, PayloadKey, frozenset[str]]] = [
            (0, key, frozenset()) for key in reversed(self.root.children())]
        expanded: set[str] = set()
        while stack:
            depth, key, seen = stack.pop()
            yield depth, key
            ref = structure_ref(key)
            if ref is not None and (ref in seen or (shared_once and ref in expanded)):
                continue
            if ref is not None:
                expanded.add(ref)
            inside = seen | ({ref} if ref else set())
            stack.extend((depth + 1, child, inside) for child in reversed(key.children()) if child is not key)

    @cached_property
    def judge(self) -> Judge:
        """What surely meets this schema (profilegen.surely), its subschemas compiled once for the run."""
        from profilegen.surely import Judge

        return Judge(self.document)

    def validator(self) -> Any:
        """The compiled JSON Schema (jsonschema-rs), made once."""
        if self._validator is None:
            import jsonschema_rs

            from profilegen.schema_refs import refuse

            self._validator = jsonschema_rs.Draft202012Validator(self.document, retriever=refuse)
        return self._validator


def structure_ref(key: PayloadKey) -> str | None:
    """The $defs entry a key's structure comes from (its own or its items'), to stop a recursive walk."""
    items = key.schema.get("items")
    for candidate in (key.raw, items if isinstance(items, dict) else {}):
        ref = candidate.get("$ref")
        if isinstance(ref, str):
            return ref
    return None


def _read_json(path: Path, *, user: bool = False) -> dict[str, Any]:
    """A catalogue file; a user's (``user``) is refused when a reference in it leaves the file."""
    from profilegen.inputfile import read_input

    try:
        document = json.loads(read_input(path, what="catalogue file"))
    except ValueError as exc:
        raise InputError(f"not valid JSON: {exc}", path=path) from None
    except RecursionError:
        raise InputError("the JSON nests too deeply to read", path=path) from None
    if not isinstance(document, dict):
        raise InputError("a payload schema must be a JSON object", path=path)
    if user:
        from profilegen import schema_refs

        schema_refs.check(document, path)
    return document


class PayloadCatalog:
    """Payload types in the shipped folder and the user catalogue's ``payloads/`` folders (which win)."""

    def __init__(self, shipped: Path, user_dirs: Callable[[], Sequence[Path]] | None = None) -> None:
        self._shipped = shipped
        self._user_dirs = user_dirs
        self._loaded: dict[str, PayloadSchema | None] = {}
        self._ships: dict[str, bool] = {}

    @cached_property
    def _folders(self) -> list[tuple[Path, bool]]:
        user = [d for d in (self._user_dirs() if self._user_dirs else []) if d.is_dir()]
        return [*[(d, True) for d in user], (self._shipped, False)]

    @cached_property
    def _indexes(self) -> list[dict[str, Any]]:
        found = []
        for folder, _user in self._folders:
            path = folder / INDEX_FILE
            if path.is_file():
                found.append(_read_json(path))
        return found

    def path_of(self, payload_type: str, *, user: bool = True) -> tuple[Path, bool] | None:
        """The file of a payload type, a user catalogue's first (unless ``user`` is False), and whether it is one."""
        if not payload_type or "/" in payload_type or payload_type in (".", "..") or payload_type.startswith("_"):
            return None
        folders = self._folders if user else [(self._shipped, False)]
        for folder, mine in folders:
            path = folder / f"{payload_type}.json"
            try:
                if path.is_file():
                    return path, mine
            except OSError:  # a type no file can be named after (over 255 bytes: ENAMETOOLONG): none there
                continue
        return None

    def ships(self, payload_type: str) -> bool:
        """The shipped catalogue has this type (no user folder consulted: cheap, for deciding what to check;
        asked once per type and run, not once per payload)."""
        known = self._ships.get(payload_type)
        if known is None:
            known = self._ships[payload_type] = self.path_of(payload_type, user=False) is not None
        return known

    def schema(self, payload_type: str) -> PayloadSchema | None:
        if payload_type not in self._loaded:
            found = self.path_of(payload_type)
            self._loaded[payload_type] = (
                PayloadSchema(_read_json(found[0], user=found[1]), found[0], user=found[1]) if found else None)
        return self._loaded[payload_type]

    def types(self) -> dict[str, str]:
        """Every macOS payload type -> its title (the user's first)."""
        titles: dict[str, str] = {}
        for index in self._indexes:
            for name, title in index.get("macos", {}).items():
                titles.setdefault(name, str(title))
        return dict(sorted(titles.items(), key=lambda item: item[0].lower()))

    def title(self, payload_type: str) -> str | None:
        """Apple's title of a payload type, macOS or not."""
        title = self.types().get(payload_type)
        if title is None:
            other = self._other(payload_type)
            title = str(other["title"]) if other and other.get("title") else None
        return title

    def _other(self, payload_type: str) -> dict[str, Any] | None:
        if payload_type in self.types():
            return None
        for index in self._indexes:
            found = index.get("other", {}).get(payload_type)
            if isinstance(found, dict):
                return found
        return None

    def other_platforms(self, payload_type: str) -> list[str] | None:
        """The platforms of a payload type Apple defines but not for macOS; None when it is not one."""
        other = self._other(payload_type)
        return [str(p) for p in other.get("platforms", [])] if other is not None else None

    def commit(self) -> str | None:
        return next((str(i["x-apple-commit"]) for i in self._indexes if i.get("x-apple-commit")), None)
