"""The catalogue: preference domains (one JSON Schema file each) and named admin decisions (choices).

Domain files are read lazily: a build that touches three domains parses three files, whatever the size
of the catalogue. Shipped schemas win over a user catalogue's file for the same domain.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator, Mapping, Sequence
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

from profilegen.catalog.choices import (
    _OPTION_TABLE,
    Choice,
    Option,
    _option,
    _parse_choices,
    _parse_toml,
    _read_choices_text,
    split_tables,
)
from profilegen.errors import InputError
from profilegen.paths import schemas_dir
from profilegen.plisttypes import PlistValue

if TYPE_CHECKING:
    from profilegen.catalog.payloads import PayloadCatalog
    from profilegen.surely import Judge

_ALLOWED_TEXT = {
    "bool": "true or false", "integer": "an integer", "real": "a number", "string": "a string",
    "date": "a date (TOML datetime, e.g. 2026-01-31T00:00:00Z)", "data": "base64 text",
    "array": "an array", "dict": "a table",
}
SHARED_FROM = 256 * 1024  # characters of JSON from which equal key schemas are shared (no shipped domain is)
_JSON_TO_PLIST = {"boolean": "bool", "integer": "integer", "number": "real", "string": "string",
                  "array": "array", "object": "dict"}


def _text_or_none(value: object) -> str | None:
    return str(value) if value is not None else None


class KeySpec:
    """One key of one domain: a typed view of its JSON Schema (type, values, versions, sources).

    A view rather than a copy: a build reads a handful of keys of each domain, so nothing is converted
    until it is asked for.
    """

    __slots__ = ("domain", "name", "schema")

    def __init__(self, domain: str, name: str, schema: dict[str, Any]) -> None:
        self.domain = domain
        self.name = name
        self.schema = schema

    def __repr__(self) -> str:
        return f"KeySpec({self.domain}:{self.name}, {self.plist_type})"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, KeySpec) and (self.domain, self.name, self.schema) == (
            other.domain, other.name, other.schema)

    __hash__ = None  # type: ignore[assignment]

    @property
    def plist_type(self) -> str:
        declared = self.schema.get("x-plist-type")
        if isinstance(declared, str):
            return declared
        kind = self.schema.get("type")
        return _JSON_TO_PLIST.get(kind if isinstance(kind, str) else "", "string")

    @property
    def title(self) -> str:
        return str(self.schema.get("title", ""))

    @property
    def description(self) -> str:
        return str(self.schema.get("description", ""))

    @property
    def enum(self) -> tuple[PlistValue, ...] | None:
        enum = self.schema.get("enum")
        return tuple(enum) if isinstance(enum, list) else None

    @property
    def enum_titles(self) -> tuple[str, ...] | None:
        titles = self.schema.get("x-enum-titles")
        return tuple(str(t) for t in titles) if isinstance(titles, list) else None

    @property
    def default(self) -> PlistValue | None:
        value: PlistValue | None = self.schema.get("default")
        return value

    def _bound(self, name: str) -> float | None:
        value = self.schema.get(name)
        return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else None

    @property
    def minimum(self) -> float | None:
        return self._bound("minimum")

    @property
    def maximum(self) -> float | None:
        return self._bound("maximum")

    @property
    def app_min(self) -> str | None:
        return _text_or_none(self.schema.get("x-app-min"))

    @property
    def app_max(self) -> str | None:
        return _text_or_none(self.schema.get("x-app-max"))

    @property
    def deprecated_in(self) -> str | None:
        return _text_or_none(self.schema.get("x-deprecated-in"))

    @property
    def replaced_by(self) -> str | None:
        return _text_or_none(self.schema.get("x-replaced-by"))

    @property
    def profile_only(self) -> bool:
        return bool(self.schema.get("x-profile-only", False))

    @property
    def deprecated_values(self) -> dict[str, str]:
        return {str(k): str(v) for k, v in self.schema.get("x-deprecated-values", {}).items()}

    @property
    def sources(self) -> tuple[str, ...]:
        return tuple(str(s) for s in self.schema.get("x-sources", ()))

    @property
    def notes(self) -> str | None:
        return _text_or_none(self.schema.get("x-notes"))

    @property
    def dispute(self) -> str | None:
        """Sources that disagree on the key's versions, each claim with its source (x-dispute)."""
        return _text_or_none(self.schema.get("x-dispute"))

    @property
    def do_not_set(self) -> str | None:
        """Why the key is the app's own state and must not be set (x-do-not-set), if it is."""
        return _text_or_none(self.schema.get("x-do-not-set"))

    def allowed(self) -> str:
        """What an admin may write, for error messages."""
        enum = self.enum
        if enum is not None:
            return "one of " + ", ".join(json.dumps(item) for item in enum)
        text = _ALLOWED_TEXT[self.plist_type]
        minimum, maximum = self.minimum, self.maximum
        if minimum is not None and maximum is not None:
            text += f" from {minimum:g} to {maximum:g}"
        elif minimum is not None:
            text += f" of at least {minimum:g}"
        elif maximum is not None:
            text += f" of at most {maximum:g}"
        return text


class _Keys(Mapping[str, KeySpec]):
    """A domain's keys by name, each KeySpec (a view: cheap) made when asked for, never kept: a domain
    can have 100,000 keys, and a profile that sets them all would otherwise hold a second copy of it."""

    __slots__ = ("_domain", "_properties")

    def __init__(self, domain: str, properties: dict[str, dict[str, Any]]) -> None:
        self._domain = domain
        self._properties = properties

    def __getitem__(self, name: str) -> KeySpec:
        return KeySpec(self._domain, name, self._properties[name])

    def __iter__(self) -> Iterator[str]:
        return iter(self._properties)

    def __len__(self) -> int:
        return len(self._properties)

    def __contains__(self, name: object) -> bool:
        return name in self._properties


class DomainSchema:
    """One preference domain: its JSON Schema document, its keys, and where its facts come from."""

    __slots__ = ("_judge", "document", "domain", "key_schemas", "keys", "path", "validators")

    def __init__(self, document: dict[str, Any], path: Path) -> None:
        self.document = document
        self.path = path
        self.validators: dict[str, tuple[Any, str]] = {}  # compiled by profilegen.validation, per key schema
        self._judge: Judge | None = None
        self.domain = str(document.get("x-domain", path.stem))
        properties: dict[str, Any] = document.get("properties", {})
        # each key's schema as read (keys of equal schemas share one: profilegen.catalog.sharing); read-only
        self.key_schemas: dict[str, dict[str, Any]] = (
            properties if all(isinstance(v, dict) for v in properties.values()) else {
                k: v for k, v in properties.items() if isinstance(v, dict)})
        self.keys: Mapping[str, KeySpec] = _Keys(self.domain, self.key_schemas)

    def __repr__(self) -> str:
        return f"DomainSchema({self.domain}, {self.path})"

    @property
    def judge(self) -> Judge:
        """What surely meets this domain's schema (profilegen.surely), its key schemas compiled once for the
        run, not once a profile; made when a value is first checked."""
        if self._judge is None:
            from profilegen.surely import Judge

            self._judge = Judge(self.document)
        return self._judge

    @property
    def title(self) -> str:
        return str(self.document.get("title", self.domain))

    @property
    def description(self) -> str:
        return str(self.document.get("description", ""))

    @property
    def versioned_by(self) -> str | None:
        return _text_or_none(self.document.get("x-versioned-by"))

    @property
    def imported_from(self) -> str | None:
        return _text_or_none(self.document.get("x-imported-from"))

    @property
    def source_label(self) -> str:
        """How messages name where this domain's facts come from."""
        if self.imported_from:
            return f"{self.imported_from} manifest {self.path}"
        return str(self.path)


def load_domain_file(path: Path) -> DomainSchema:
    from profilegen.bulk import building
    from profilegen.inputfile import read_input

    raw = read_input(path, what="catalogue file")
    try:
        text = raw.decode(json.detect_encoding(raw), "surrogatepass")  # as json.loads(bytes) does, but
        del raw  # the bytes are let go before the parse: a 100,000-key domain is megabytes of each
        hook = None
        if len(text) >= SHARED_FROM:  # a big domain is a hundred thousand small dicts, most alike: each
            from profilegen.catalog.sharing import shared_objects  # content read once (read-only from here)

            hook = shared_objects()
        with building():  # (profilegen.bulk)
            document = json.loads(text, object_hook=hook)
    except ValueError as exc:
        raise InputError(f"not valid JSON: {exc}", path=path) from None
    except RecursionError:
        raise InputError("the JSON nests too deeply to read", path=path) from None
    if not isinstance(document, dict) or not isinstance(document.get("properties", {}), dict):
        raise InputError("a domain schema must be a JSON object with 'properties'", path=path)
    from profilegen import schema_refs

    schema_refs.check(document, path, text)
    return DomainSchema(document, path)


class Catalog:
    """Domains found in the catalogue folders (first folder wins) and the choices built on them.

    The user catalogue folders come from a callable, consulted only when a domain is not shipped: a build
    that uses shipped domains alone never looks for (or imports what finds) the user catalogue.
    """

    def __init__(self, domain_dirs: Sequence[Path], choices_path: Path | None,
                 extra_dirs: Callable[[], Sequence[Path]] | None = None) -> None:
        self._domain_dirs = list(domain_dirs)
        self._extra_dirs = extra_dirs
        self._choices_path = choices_path
        self._loaded: dict[str, DomainSchema | None] = {}
        self._parsed_choices: dict[str, Choice | None] = {}
        self._parsed_options: dict[tuple[str, str], Option | None] = {}
        # Apple's payload types: the shipped folder and the user catalogue's payloads/ folders (lazily)
        self.payload_dirs: tuple[Path, Callable[[], Sequence[Path]]] | None = None

    @cached_property
    def payloads(self) -> PayloadCatalog:
        """Apple's payload types (profilegen.catalog.payloads), read one type at a time when first asked for."""
        from profilegen.catalog.payloads import PayloadCatalog

        if self.payload_dirs is None:
            return PayloadCatalog(schemas_dir() / "payloads")
        return PayloadCatalog(*self.payload_dirs)

    @staticmethod
    def _listing(directories: Sequence[Path]) -> dict[str, list[Path]]:
        """Domain name -> files defining it, in folder order, from directory listings alone."""
        found: dict[str, list[Path]] = {}
        for directory in directories:
            if directory.is_dir():
                for path in sorted(directory.iterdir()):  # not glob, which compiles a pattern
                    if path.suffix == ".json":
                        found.setdefault(path.stem, []).append(path)
        return found

    @cached_property
    def _own(self) -> dict[str, list[Path]]:
        return self._listing(self._domain_dirs)

    @cached_property
    def _user(self) -> dict[str, list[Path]]:
        return self._listing(self._extra_dirs() if self._extra_dirs is not None else [])

    def path_of(self, domain: str) -> Path | None:
        paths = self._own.get(domain) or self._user.get(domain)
        return paths[0] if paths else None

    def domains(self) -> list[str]:
        return sorted({*self._own, *self._user}, key=str.lower)

    def shadowed(self) -> dict[str, list[Path]]:
        """Domains defined more than once: the files that lose (shipped schemas win)."""
        losing: dict[str, list[Path]] = {}
        for name in self.domains():
            paths = [*self._own.get(name, []), *self._user.get(name, [])]
            if len(paths) > 1:
                losing[name] = paths[1:]
        return losing

    def domain(self, name: str) -> DomainSchema | None:
        if name not in self._loaded:
            path = self.path_of(name)
            self._loaded[name] = load_domain_file(path) if path is not None else None
        return self._loaded[name]

    def key(self, domain: str, key: str) -> KeySpec | None:
        schema = self.domain(domain)
        return schema.keys.get(key) if schema is not None else None

    @cached_property
    def _choice_tables(self) -> dict[str, dict[str, str]]:
        if self._choices_path is None or not self._choices_path.is_file():
            return {}
        return split_tables(_read_choices_text(self._choices_path))

    def choice_names(self) -> list[str]:
        return list(self._choice_tables)

    def has_choice(self, name: str) -> bool:
        return name in self._choice_tables

    def option_names(self, choice: str) -> list[str]:
        tables = self._choice_tables.get(choice, {})
        names = [rest[len(_OPTION_TABLE):] for rest in tables if rest.startswith(_OPTION_TABLE)]
        if names and all(name.replace("-", "").isalnum() for name in names):
            return names
        found = self.choice(choice)  # options written some other way: read the whole choice
        return list(found.options) if found is not None else []

    def option(self, choice: str, name: str) -> Option | None:
        """One option, parsing only its own table when it has one (what a build needs); parsed once."""
        key = (choice, name)
        if key not in self._parsed_options:
            self._parsed_options[key] = self._read_option(choice, name)
        return self._parsed_options[key]

    def _read_option(self, choice: str, name: str) -> Option | None:
        text = self._choice_tables.get(choice, {}).get(f"{_OPTION_TABLE}{name}")
        if text is not None and self._choices_path is not None:
            body = _parse_toml(text, self._choices_path).get(choice, {}).get("options", {}).get(name)
            if isinstance(body, dict) and "." not in name:
                return _option(choice, name, body)
        found = self.choice(choice)
        return found.options.get(name) if found is not None else None

    def choice(self, name: str) -> Choice | None:
        """One choice, parsing only its part of choices.toml."""
        if name not in self._parsed_choices:
            chunks = self._choice_tables.get(name)
            path = self._choices_path
            self._parsed_choices[name] = (
                _parse_choices("".join(chunks.values()), path).get(name)
                if chunks is not None and path is not None else None)
        return self._parsed_choices[name]

    def choices(self) -> dict[str, Choice]:
        """Every choice, in file order."""
        found = {name: self.choice(name) for name in self.choice_names()}
        return {name: choice for name, choice in found.items() if choice is not None}


def _domain_dir(directory: Path) -> Path:
    """A catalogue folder holds domains/; a folder of JSON files is taken as the domains folder itself."""
    nested = directory / "domains"
    return nested if nested.is_dir() else directory


def load_catalog(extra_dirs: Sequence[Path] | Callable[[], Sequence[Path]] = (), *,
                 root: Path | None = None) -> Catalog:
    """The shipped catalogue (or ``root``), then user catalogue folders (a list, or a callable asked lazily)."""
    base = root if root is not None else schemas_dir()
    provider = extra_dirs if callable(extra_dirs) else (lambda: list(extra_dirs))
    catalog = Catalog([base / "domains"], base / "choices.toml",
                      lambda: [_domain_dir(Path(d)) for d in provider()])
    catalog.payload_dirs = (base / "payloads", lambda: [Path(d) / "payloads" for d in provider()])
    return catalog
