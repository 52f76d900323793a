"""Semantic diff of two profiles: settings and metadata, blind to UUIDs, key order, XML form and signing."""

from __future__ import annotations

import datetime
from collections import Counter
from pathlib import Path
from typing import TYPE_CHECKING, Any

from profilegen.bulk import building, outlive
from profilegen.inspect.canon import as_text, canonical
from profilegen.inspect.model import Profile, extract
from profilegen.inspect.read import load, load_bytes
from profilegen.inspect.show import flatten
from profilegen.printable import printable_lines
from profilegen.record import Record

if TYPE_CHECKING:
    from profilegen.catalog import Catalog

# Absent top-level keys that mean the same as a value: Apple's defaults.
METADATA_DEFAULTS: dict[str, Any] = {
    "PayloadDescription": "",
    "PayloadOrganization": "",
    "PayloadRemovalDisallowed": False,
    "PayloadScope": "System",
}
IGNORED_METADATA = ("PayloadUUID",)
STYLE = "(payload style)"


class Change(Record):
    area: str  # "metadata" | "setting"
    domain: str | None
    key: str
    old: Any  # None when added
    new: Any  # None when removed

    @property
    def kind(self) -> str:
        if self.old is None:
            return "added"
        if self.new is None:
            return "removed"
        return "changed"

    def render(self) -> str:
        """One line per changed leaf: a nested dict or array shows only the parts that differ."""
        prefix = f"{self.domain}: " if self.domain else "profile: "
        old = dict(flatten(self.key, self.old)) if self.old is not None else {}
        new = dict(flatten(self.key, self.new)) if self.new is not None else {}
        lines = []
        for path in sorted(old.keys() | new.keys()):
            if path not in new:
                lines.append(f"- {prefix}{path} = {old[path]}")
            elif path not in old:
                lines.append(f"+ {prefix}{path} = {new[path]}")
            elif old[path] != new[path]:
                lines.append(f"~ {prefix}{path}: {old[path]} -> {new[path]}")
        # Same leaves, different types of container (e.g. [] and {}): say so plainly.
        return printable_lines(lines or [f"~ {prefix}{self.key}: {as_text(self.old)} -> {as_text(self.new)}"])


def load_side(ref: str, catalog: Catalog | None = None) -> Profile:
    """A profile file in any form, or a preset (shipped name or .toml) built by the core's pipeline."""
    path = Path(ref)
    if path.suffix != ".toml" and (path.exists() or path.suffix == ".mobileconfig"):
        return extract(load(path), strict=True)
    from profilegen.catalog import load_catalog
    from profilegen.pipeline import PROFILE_SUFFIX, build_preset
    from profilegen.preset import load_preset

    result = build_preset(load_preset(ref), catalog or load_catalog())
    artifact = next(a for a in result.artifacts if a.filename.endswith(PROFILE_SUFFIX))
    return extract(load_bytes(artifact.data, f"{ref} (built)"), strict=True)


def _metadata(profile: Profile) -> dict[str, Any]:
    view = dict(METADATA_DEFAULTS)
    view.update({k: v for k, v in profile.metadata.items() if k not in IGNORED_METADATA})
    style = profile.style()
    if style is not None:
        view[STYLE] = style
    return view


def _several(*profiles: Profile) -> set[str]:
    """Apple payload types that one of the profiles holds more than once: those are told apart by identifier."""
    found: set[str] = set()
    for profile in profiles:
        counts = Counter(p.payload_type for p in profile.payloads if p.style == "apple" and p.payload_type)
        found |= {kind for kind, count in counts.items() if count > 1}
    return found


def _settings(profile: Profile, several: set[str] | frozenset[str] = frozenset()) -> dict[str, dict[str, Any]]:
    """payload type or domain -> key -> value; an Apple payload whose type is in ``several`` is named
    ``type (identifier)``, so that two PPPC payloads are compared each with its counterpart, key by key.
    Keyed by domain, then by the key's own string (whose hash is kept): a (domain, key) tuple per setting
    would be hashed again at every lookup, 100,000 more objects for the caches to miss at 100k keys."""
    found: dict[str, dict[str, Any]] = {}
    names = {p.index: f"{p.payload_type} ({p.identifier})" for p in profile.payloads
             if p.style == "apple" and p.payload_type in several and p.identifier}
    for setting in profile.settings:
        value = setting.value
        domain = names.get(setting.payload, setting.domain)
        settings = found.get(domain)
        if settings is None:
            settings = found[domain] = {}
        # Set-Once is a different deployment of the same value: it shows as a change.
        settings[setting.key] = ("Set-Once", value) if setting.mode == "Set-Once" else value
    return found


def diff(a: Profile, b: Profile) -> list[Change]:
    """What changes from ``a`` to ``b``: metadata first, then settings by domain and key."""
    changes = _compare(_metadata(a), _metadata(b), "metadata", None)
    several = _several(a, b)
    # Two maps of every key, and no cycle: the collector would walk them at each collection the changes'
    # records set off, and freeing them would touch every key and value once more (profilegen.bulk).
    with building():
        left, right = _settings(a, several), _settings(b, several)
        for domain in sorted(left.keys() | right.keys()):  # a few domains; their keys are the many
            old_settings, new_settings = left.get(domain, {}), right.get(domain, {})
            for key in _changed(old_settings, new_settings):
                old, new = old_settings.get(key), new_settings.get(key)
                changes.append(Change("setting", domain, key, _shown(old), _shown(new)))
    outlive(left, right)
    return changes


def _changed(old_settings: dict[str, Any], new_settings: dict[str, Any]) -> list[str]:
    """The keys added, removed or changed, sorted: one lookup per key, and only the changes are sorted."""
    changed = []
    for key, old in old_settings.items():
        new = new_settings.get(key)
        if new is None or not _same(old, new):
            changed.append(key)
    changed += [key for key in new_settings if key not in old_settings]
    changed.sort()
    return changed


_SCALARS = (str, int, float, bytes, datetime.datetime)  # a type's own == is the plist's equality (bool too)


def _same(old: Any, new: Any) -> bool:
    """Whether two values are the same plist: == of one scalar type at once, canonical forms otherwise."""
    if type(old) is type(new) and isinstance(old, _SCALARS) and old == new:
        return True
    return bool(canonical(old) == canonical(new))


def _shown(value: Any) -> Any:
    if isinstance(value, tuple):
        return {"Set-Once": value[1]}
    return value


def _compare(left: dict[str, Any], right: dict[str, Any], area: str, domain: str | None) -> list[Change]:
    changes = []
    for key in sorted(left.keys() | right.keys()):
        old, new = left.get(key), right.get(key)
        if old is None or new is None or canonical(old) != canonical(new):
            changes.append(Change(area, domain, key, old, new))
    return changes


def render(changes: list[Change]) -> str:
    return "\n".join(change.render() for change in changes)
