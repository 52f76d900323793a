"""One ProfileManifests manifest (a parsed plist) -> one domain schema in our format (schemas/README.md).

Pure: no files, no printing. What cannot be converted is recorded on the result (skipped keys with a
reason, unknown manifest keys, attributes kept as notes), never raised, so one odd key never costs the
rest of the manifest. Only a manifest without a usable pfm_domain is refused (ManifestError).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from profilegen.catalog.manifests import conditions
from profilegen.catalog.manifests.vocabulary import PLIST_TYPES, is_unknown
from profilegen.errors import InputError
from profilegen.plisttypes import fits, to_json

SCHEMA_DIALECT = "https://json-schema.org/draft/2020-12/schema"
IMPORTED_FROM = "ProfileManifests"
SOURCE_PREFIX = "profilemanifests:"

# What schemas/domain.meta.json accepts: a dotted, bundle-identifier-like domain (it becomes a file name),
# key names a preset's DOMAIN:KEY=VALUE can address, plain dotted versions, sources without spaces.
_DOMAIN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]*(\.[A-Za-z0-9_-]+)+$")
_KEY_NAME = re.compile(r"^[^:=\s]+$")
_VERSION = re.compile(r"^\d+(\.\d+)*$")

# Not preference keys: the payload's own metadata, and ProfileCreator's segmented-control pseudo keys.
_PAYLOAD_PREFIX = "Payload"
_UI_PREFIX = "PFC_"

REASON_PAYLOAD = "Payload* keys are profile metadata, not preferences"
REASON_UI = "ProfileCreator layout control (pfm_segments), not a preference"
REASON_EXCLUDED = "marked pfm_excluded: never written to a payload"
REASON_NO_NAME = "no pfm_name"
REASON_DUPLICATE = "defined twice in the manifest; the first definition is kept"

# ProfileCreator's placeholders for a dictionary whose key names are free.
_KEY_PLACEHOLDER = "{{key}}"
_VALUE_PLACEHOLDER = "{{value}}"


_VERSION_ANNOTATIONS = (
    ("pfm_app_min", "x-app-min"),
    ("pfm_app_max", "x-app-max"),
    ("pfm_app_deprecated", "x-deprecated-in"),
    ("pfm_macos_min", "x-macos-min"),
    ("pfm_macos_max", "x-macos-max"),
    ("pfm_macos_deprecated", "x-macos-deprecated"),
)
REASON_KEY_NAME = "the name holds a space, ':' or '=' (a preset's DOMAIN:KEY=VALUE cannot name it)"


class ManifestError(InputError):
    """A manifest that cannot be imported at all: not a plist, no pfm_domain, not for macOS."""


@dataclass(frozen=True)
class SkippedKey:
    domain: str
    path: str  # dotted key path inside the domain, e.g. "UpdateDeadline.FinalCountDown"
    reason: str


@dataclass
class ConversionStats:
    keys: int = 0  # top-level preference keys converted
    nested_keys: int = 0  # keys inside dictionaries and arrays
    skipped: list[SkippedKey] = field(default_factory=list)
    unknown: Counter[str] = field(default_factory=Counter)
    notes: int = 0  # attributes that could not be expressed as schema and were kept as x-notes


@dataclass
class Conversion:
    domain: str
    source: str  # "profilemanifests:<file name>"
    document: dict[str, Any]
    stats: ConversionStats


@dataclass
class _Context:
    domain: str
    source: str
    stats: ConversionStats
    app_min: str | None  # the manifest's own pfm_app_min: applies to every key without one


def _version(value: Any) -> str | None:
    """A version as our annotations hold it ("16.17"); None for anything else."""
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int | float | str):
        text = str(value).strip()
        return text if _VERSION.match(text) else None
    return None


def _source(text: str) -> str:
    """A URL or file name as a source: no whitespace (spaces percent-encoded)."""
    return re.sub(r"\s", lambda m: f"%{ord(m.group()):02X}", text.strip())


def _slug(text: str) -> str:
    """An app name as x-versioned-by takes it: "Microsoft AutoUpdate" -> "Microsoft-AutoUpdate"."""
    return re.sub(r"[^A-Za-z0-9._-]+", "-", text).strip("-._") or "app"


def _text(value: Any) -> str:
    return value.strip() if isinstance(value, str) else ""


def _pattern_compiles(pattern: str) -> bool:
    """Whether both validators accept the regex: jsonschema-rs (profilegen's) and Python's re (tests)."""
    try:
        re.compile(pattern)
    except re.error:
        return False
    import jsonschema_rs

    try:
        jsonschema_rs.validator_for({"type": "string", "pattern": pattern})
    except jsonschema_rs.ValidationError:
        return False
    return True


def _unique_values(values: list[Any], titles: Any) -> tuple[list[Any], list[str] | None]:
    """A range list as an enum (JSON values, each once) and its titles when they pair one to one."""
    pairs = isinstance(titles, list) and len(titles) == len(values)
    seen: list[Any] = []
    kept: list[str] = []
    for index, value in enumerate(values):
        converted = to_json(value)
        if any(converted == other and type(converted) is type(other) for other in seen):
            continue
        seen.append(converted)
        if pairs and isinstance(titles, list):
            kept.append(titles[index].strip() if isinstance(titles[index], str) else "")
    return seen, (kept if pairs and all(kept) else None)


def _count_unknown(spec: Mapping[str, Any], ctx: _Context) -> None:
    for key in spec:
        if is_unknown(str(key)):
            ctx.stats.unknown[str(key)] += 1


def _not_for_macos(spec: Mapping[str, Any]) -> str | None:
    platforms = spec.get("pfm_platforms")
    if isinstance(platforms, list) and platforms and "macOS" not in platforms:
        return "not available on macOS (pfm_platforms: " + ", ".join(map(str, platforms)) + ")"
    excluded = spec.get("pfm_n_platforms")
    if isinstance(excluded, list) and "macOS" in excluded:
        return "not available on macOS (pfm_n_platforms)"
    return None


def _skip_reason(spec: Mapping[str, Any], name: str | None, *, top: bool) -> str | None:
    if name is None:
        return REASON_NO_NAME
    if top and name.startswith(_PAYLOAD_PREFIX):
        return REASON_PAYLOAD
    if top and not _KEY_NAME.match(name):
        return REASON_KEY_NAME
    if name.startswith(_UI_PREFIX) or "pfm_segments" in spec:
        return REASON_UI
    if spec.get("pfm_excluded") is True:
        return REASON_EXCLUDED
    not_mac = _not_for_macos(spec)
    if not_mac:
        return not_mac
    pfm_type = spec.get("pfm_type")
    if not isinstance(pfm_type, str) or not pfm_type:
        return "no pfm_type"
    if pfm_type.lower() not in PLIST_TYPES:
        return f"unsupported pfm_type {pfm_type!r}"
    return None


@dataclass
class _Members:
    properties: dict[str, Any] = field(default_factory=dict)
    required: list[str] = field(default_factory=list)
    additional: dict[str, Any] | None = None  # the schema of free-named members
    property_names: dict[str, Any] | None = None  # what free member names may be
    notes: list[str] = field(default_factory=list)


class _KeyConverter:
    """Converts one key description (a pfm_subkeys entry) and, recursively, its subkeys."""

    def __init__(self, ctx: _Context) -> None:
        self.ctx = ctx

    def convert(self, spec: Mapping[str, Any], path: str, *, top: bool) -> dict[str, Any]:
        ctx = self.ctx
        _count_unknown(spec, ctx)
        pfm_type = str(spec["pfm_type"]).lower()
        json_type, plist_type = PLIST_TYPES[pfm_type]
        schema: dict[str, Any] = {"type": json_type, "x-plist-type": plist_type}
        notes: list[str] = []
        if plist_type == "date":
            schema["format"] = "date-time"
        if pfm_type == "alias":
            notes.append("A classic Mac OS alias record (pfm_type alias), stored as data.")

        title = _text(spec.get("pfm_title")) or (path if top else "")
        if title:
            schema["title"] = title
        description = _text(spec.get("pfm_description")) or _text(spec.get("pfm_description_reference"))
        extended = _text(spec.get("pfm_description_extended"))
        if extended:
            description = f"{description}\n\n{extended}" if description else extended
        if top and not description:
            description = title  # every catalogue key has a description (schemas/domain.meta.json)
        if description:
            schema["description"] = description

        if plist_type == "array":
            self._array(spec, path, schema, notes)
        elif plist_type == "dict":
            self._dictionary(spec, path, schema, notes)

        self._values(spec, path, schema, plist_type, notes)
        self._versions(spec, schema, notes, top=top)
        self._notes(spec, notes)

        sources: list[str] = []
        doc_url = _text(spec.get("pfm_documentation_url"))
        if doc_url:
            sources.append(_source(doc_url))
        if top:
            sources.append(ctx.source)
        if sources:
            schema["x-sources"] = sources
        if notes:
            schema["x-notes"] = "\n".join(notes)
        return schema

    # -- structure -------------------------------------------------------------------------------

    def _array(self, spec: Mapping[str, Any], path: str, schema: dict[str, Any], notes: list[str]) -> None:
        items: list[dict[str, Any]] = []
        for index, sub in enumerate(spec.get("pfm_subkeys") or []):
            if not isinstance(sub, Mapping):
                continue
            item_path = f"{path}[]"
            reason = _skip_reason(sub, "item", top=False)
            if reason:
                self._skip(item_path if index == 0 else f"{item_path}#{index}", reason)
                continue
            items.append(self.convert(sub, item_path, top=False))
            self.ctx.stats.nested_keys += 1
        if len(items) == 1:
            schema["items"] = items[0]
        elif items:
            wrapper: dict[str, Any] = {"anyOf": items}
            plist_types = {item.get("x-plist-type") for item in items}
            if len(plist_types) == 1:
                wrapper["x-plist-type"] = items[0]["x-plist-type"]
                wrapper["type"] = items[0]["type"]
            schema["items"] = wrapper
            notes.append(f"Items take one of {len(items)} shapes.")
        minimum = spec.get("pfm_repetition_min")
        maximum = spec.get("pfm_repetition_max")
        if isinstance(minimum, int) and not isinstance(minimum, bool) and minimum >= 0:
            schema["minItems"] = minimum
        if isinstance(maximum, int) and not isinstance(maximum, bool) and maximum >= 0:
            schema["maxItems"] = maximum
        if spec.get("pfm_value_unique") is True:
            schema["uniqueItems"] = True

    def _dictionary(self, spec: Mapping[str, Any], path: str, schema: dict[str, Any], notes: list[str]) -> None:
        members = self.subkeys(spec.get("pfm_subkeys") or [], path, top=False)
        if members.properties:
            schema["properties"] = members.properties
        if members.required:
            schema["required"] = members.required
        if members.additional is not None:
            schema["additionalProperties"] = members.additional
        if members.property_names is not None:
            schema["propertyNames"] = members.property_names
        notes.extend(members.notes)

    def subkeys(self, subkeys: Any, parent: str, *, top: bool) -> _Members:
        """The members of a dictionary (or of the domain). A dictionary with free key names (app
        paths, bundle ids) describes them with ``{{key}}`` / ``{{value}}`` or one unnamed subkey."""
        members = _Members()
        if not isinstance(subkeys, list):
            return members
        for sub in subkeys:
            if not isinstance(sub, Mapping):
                continue
            raw_name = sub.get("pfm_name")
            name = raw_name if isinstance(raw_name, str) and raw_name else None
            free_value = name is None or name == _VALUE_PLACEHOLDER
            if not top and free_value and members.additional is None and _skip_reason(sub, "*", top=False) is None:
                members.additional = self.convert(sub, f"{parent}.*", top=False)
                self.ctx.stats.nested_keys += 1
                continue
            if not top and name == _KEY_PLACEHOLDER and members.property_names is None:
                members.property_names = self._property_names(sub, members.notes)
                continue
            label = name or "(unnamed)"
            path = f"{parent}.{label}" if parent else label
            reason = _skip_reason(sub, name, top=top)
            if reason is None and name is not None and name.startswith("{{"):
                reason = f"ProfileCreator placeholder {name} outside a dictionary of free keys"
            if reason is None and name in members.properties:
                reason = REASON_DUPLICATE
            if reason:
                self._skip(path, reason)
                continue
            assert name is not None
            members.properties[name] = self.convert(sub, path, top=top)
            if top:
                self.ctx.stats.keys += 1
            else:
                self.ctx.stats.nested_keys += 1
            if sub.get("pfm_require") in {"always", "always-nested"} or sub.get("pfm_required") is True:
                members.required.append(name)
        return members

    def _property_names(self, spec: Mapping[str, Any], notes: list[str]) -> dict[str, Any]:
        """``{{key}}``: what the free key names of a dictionary may be."""
        _count_unknown(spec, self.ctx)
        names: dict[str, Any] = {"type": "string"}
        title = _text(spec.get("pfm_title"))
        if title:
            names["title"] = title
        values = spec.get("pfm_range_list")
        if isinstance(values, list) and values and all(isinstance(v, str) for v in values):
            if spec.get("pfm_range_list_allow_custom_value") is True:
                label = title or "Key names"
                notes.append(f"{label}: suggested (others allowed): " + ", ".join(values) + ".")
            else:
                names["enum"] = list(values)
        pattern = spec.get("pfm_format")
        if isinstance(pattern, str) and pattern and _pattern_compiles(pattern):
            names["pattern"] = pattern
        return names

    # -- values ----------------------------------------------------------------------------------

    def _values(
        self, spec: Mapping[str, Any], path: str, schema: dict[str, Any], plist_type: str, notes: list[str]
    ) -> None:
        # An array's allowed values and format constrain its items.
        target = schema
        target_type = plist_type
        if plist_type == "array" and isinstance(schema.get("items"), dict) and "x-plist-type" in schema["items"]:
            target = schema["items"]
            target_type = target["x-plist-type"]

        range_list = spec.get("pfm_range_list")
        titles = spec.get("pfm_range_list_titles")
        titles_ok = isinstance(titles, list) and all(isinstance(t, str) for t in titles)
        if isinstance(range_list, list) and range_list:
            if not all(fits(value, target_type) for value in range_list):
                self._note(
                    notes,
                    "Allowed values (pfm_range_list) do not match the key's type: "
                    + conditions.describe_value(range_list)
                    + ".",
                )
            elif spec.get("pfm_range_list_allow_custom_value") is True:
                self._note(notes, "Suggested values (others allowed): " + self._listing(range_list, titles) + ".")
            else:
                values, value_titles = _unique_values(range_list, titles)
                target["enum"] = values
                if value_titles is not None:
                    target["x-enum-titles"] = value_titles
                elif titles:
                    self._note(
                        notes,
                        "Value titles do not pair with the allowed values: " + conditions.describe_value(titles) + ".",
                    )
        elif titles_ok and isinstance(titles, list) and titles:
            if plist_type == "bool" and len(titles) == 2:
                self._note(notes, f"Value titles: false = {titles[0]}; true = {titles[1]}.")
            else:
                self._note(notes, "Value titles without values: " + conditions.describe_value(titles) + ".")

        if "pfm_default" in spec:
            default = spec["pfm_default"]
            if fits(default, plist_type):
                schema["default"] = to_json(default)
            else:
                self._note(
                    notes,
                    "Default "
                    + conditions.describe_value(default)
                    + " (from ProfileManifests) does not match the key's type.",
                )

        if target_type in {"integer", "real"}:
            for pfm_key, keyword in (("pfm_range_min", "minimum"), ("pfm_range_max", "maximum")):
                bound = spec.get(pfm_key)
                if isinstance(bound, float) and target_type == "integer" and bound.is_integer():
                    bound = int(bound)
                if (
                    isinstance(bound, int | float)
                    and not isinstance(bound, bool)
                    and not (target_type == "integer" and isinstance(bound, float))
                ):
                    target[keyword] = bound
                elif bound is not None:
                    self._note(notes, f"{pfm_key} {conditions.describe_value(bound)} does not fit the key's type.")

        pattern = spec.get("pfm_format")
        if isinstance(pattern, str) and pattern:
            if target_type != "string":
                self._note(notes, f"Format (pfm_format) for a non-string value: {pattern}")
            elif _pattern_compiles(pattern):
                target["pattern"] = pattern
            else:
                self._note(notes, f"Format (pfm_format) is not a valid regular expression: {pattern}")

    @staticmethod
    def _listing(values: list[Any], titles: Any) -> str:
        if isinstance(titles, list) and len(titles) == len(values):
            return ", ".join(f"{conditions.describe_value(v)} ({t})" for v, t in zip(values, titles, strict=True))
        return ", ".join(conditions.describe_value(v) for v in values)

    # -- versions and notes ----------------------------------------------------------------------

    def _versions(self, spec: Mapping[str, Any], schema: dict[str, Any], notes: list[str], *, top: bool) -> None:
        for pfm_key, annotation in _VERSION_ANNOTATIONS:
            raw = spec.get(pfm_key)
            value = _version(raw)
            if value is None and raw is not None and raw != "":
                self._note(notes, f"{pfm_key} {conditions.describe_value(raw)} is not a dotted version number.")
            if value is None and annotation == "x-app-min" and top:
                value = self.ctx.app_min
            if value:
                schema[annotation] = value

    def _notes(self, spec: Mapping[str, Any], notes: list[str]) -> None:
        note = _text(spec.get("pfm_note"))
        if note:
            notes.append(note)
        unit = _text(spec.get("pfm_value_unit"))
        if unit:
            notes.append(f"Unit: {unit}.")
        if spec.get("pfm_value_inverted") is True:
            self._note(notes, "The title is worded inversely: the stored value is the opposite of what it says.")
        if spec.get("pfm_require") == "push":
            self._note(notes, "Required when the profile is installed by an MDM (pfm_require push).")
        if spec.get("pfm_sensitive") is True:
            notes.append("The value may be sensitive: consider encrypting the profile.")
        if spec.get("pfm_supervised") is True:
            notes.append("Works on supervised devices only.")
        if spec.get("pfm_user_approved") is True:
            notes.append("Needs user-approved MDM enrolment.")
        targets = spec.get("pfm_targets")
        if isinstance(targets, list) and targets:
            notes.append("Scope (pfm_targets): " + ", ".join(map(str, targets)) + ".")

        def count(key: str) -> None:
            self.ctx.stats.unknown[key] += 1

        for text in (
            conditions.conditional_note(spec.get("pfm_conditionals"), count),
            conditions.exclusion_note(spec.get("pfm_exclude"), count),
        ):
            if text:
                self._note(notes, text)

    def _note(self, notes: list[str], text: str) -> None:
        notes.append(text)
        self.ctx.stats.notes += 1

    def _skip(self, path: str, reason: str) -> None:
        self.ctx.stats.skipped.append(SkippedKey(self.ctx.domain, path, reason))


def manifest_domain(manifest: Any, where: str) -> str:
    """The manifest's pfm_domain, checked; ManifestError names ``where`` and the fix."""
    if not isinstance(manifest, Mapping):
        raise ManifestError("not a ProfileManifests manifest (the plist is not a dictionary)", path=where)
    domain = manifest.get("pfm_domain")
    if not isinstance(domain, str) or not domain.strip():
        raise ManifestError(
            "not a ProfileManifests manifest: no pfm_domain",
            path=where,
            hint="a manifest names its preference domain in a top-level pfm_domain string",
        )
    domain = domain.strip()
    if not _DOMAIN.match(domain):
        raise ManifestError(f"pfm_domain {domain!r} is not a preference domain name", path=where)
    if domain == "Configuration":
        raise ManifestError("the profile's top level (pfm_domain Configuration), not a preference domain", path=where)
    return domain


def convert_manifest(manifest: Any, file_name: str, *, apple_payload: bool = False) -> Conversion:
    """Convert one parsed manifest. ``file_name`` names the source (``profilemanifests:<file_name>``);
    ``apple_payload`` marks a manifest of Apple's own payload types (a ManifestsApple folder)."""
    domain = manifest_domain(manifest, file_name)
    not_mac = _not_for_macos(manifest)
    if not_mac:
        raise ManifestError(f"{domain} is {not_mac}", path=file_name)
    source = _source(SOURCE_PREFIX + file_name)
    stats = ConversionStats()
    ctx = _Context(domain=domain, source=source, stats=stats, app_min=_version(manifest.get("pfm_app_min")))
    _count_unknown(manifest, ctx)
    converter = _KeyConverter(ctx)
    members = converter.subkeys(manifest.get("pfm_subkeys") or [], "", top=True)
    properties, required = members.properties, members.required
    if not properties:
        raise ManifestError(
            f"{domain}: no preference keys (only payload metadata, or nothing convertible)", path=file_name
        )

    title = _text(manifest.get("pfm_title")) or domain
    document: dict[str, Any] = {
        "$schema": SCHEMA_DIALECT,
        "$id": f"urn:profilegen:domain:{domain}",
        "title": title,
        "description": _text(manifest.get("pfm_description")) or title,
        "type": "object",
        "x-domain": domain,
        "x-versioned-by": _slug(title),
        "x-imported-from": IMPORTED_FROM,
        "properties": properties,
    }
    version = manifest.get("pfm_version")
    if isinstance(version, int | float) and not isinstance(version, bool):
        document["x-manifest-version"] = version
    sources = [_source(url) for url in [_text(manifest.get("pfm_documentation_url"))] if url] + [source]
    document["x-sources"] = sources
    if required:
        document["required"] = required

    notes: list[str] = []
    note = _text(manifest.get("pfm_note"))
    if note:
        notes.append(note)
    if ctx.app_min:
        notes.append(f"The whole domain needs {title} {ctx.app_min} or later (pfm_app_min).")
    for pfm_key, annotation in _VERSION_ANNOTATIONS[3:]:
        value = _version(manifest.get(pfm_key))
        if value:
            document[annotation] = value
    targets = manifest.get("pfm_targets")
    if isinstance(targets, list) and targets and not {"user", "user-managed"} & set(targets):
        notes.append(
            "ProfileManifests scopes this domain to the system only (pfm_targets: "
            + ", ".join(map(str, targets))
            + ")."
        )
    if apple_payload:
        notes.append(
            'An Apple payload type, not an application\'s preference domain: build it with payload_style = "custom".'
        )
    if notes:
        document["x-notes"] = "\n".join(notes)
    return Conversion(domain=domain, source=source, document=document, stats=stats)
