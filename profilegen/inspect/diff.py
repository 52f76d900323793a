"""Semantic diff of two profiles: settings and metadata, blind to UUIDs, key order, XML form and signing."""

from __future__ import annotations

import datetime
from collections import Counter
from pathlib import Path
from typing import TYPE_CHECKING, Any

from profilegen.bulk import building
from profilegen.inspect.canon import as_text, canonical
from profilegen.inspect.model import Origin, Profile, extract
from profilegen.inspect.read import load, load_bytes
from profilegen.inspect.show import flatten
from profilegen.limits import PAYLOAD_KEYS
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


class _View:
    """One domain's settings in one profile, as diff compares them: key -> value, and the keys of that
    mapping that are not settings (a custom payload's own Payload* keys)."""

    __slots__ = ("once", "settings", "skip")

    def __init__(self, settings: dict[str, Any], skip: frozenset[str] = frozenset(), once: bool = False) -> None:
        self.settings = settings
        self.skip = skip
        self.once = once  # every value is deployed Set-Once (and not wrapped in ``settings``)

    def count(self) -> int:
        """How many settings: the mapping's keys less the skipped ones it holds (a few, never counted by
        walking the keys)."""
        return len(self.settings) - sum(key in self.settings for key in self.skip)

    def wrapped(self) -> _View:
        """The same settings with a Set-Once value as ("Set-Once", value), to be compared with a view
        whose values are not all of one mode."""
        if not self.once:
            return self
        return _View({k: ("Set-Once", v) for k, v in self.settings.items() if k not in self.skip})

    def shown(self, key: str) -> Any:
        if key in self.skip or key not in self.settings:
            return None
        value = self.settings[key]
        if self.once:
            return {"Set-Once": value}
        return {"Set-Once": value[1]} if isinstance(value, tuple) else value


def _views(profile: Profile, several: set[str] | frozenset[str] = frozenset()) -> dict[str, _View]:
    """payload type or domain -> its settings; an Apple payload whose type is in ``several`` is named
    ``type (identifier)``, so that two PPPC payloads are compared each with its counterpart, key by key.

    A domain whose settings all come from one <dict> (one mcx item or one payload, the usual case) is
    viewed through that dict's own plain value: at 100,000 keys, a copy of each side's settings would be
    two more maps of every key to build and walk, each key and value touched again long out of the cache.
    A domain set in several places (Forced and Set-Once, two payloads) is merged as the Mac does: the
    later value wins, and a Set-Once value is a different deployment of it, so it shows as a change."""
    names = {p.index: f"{p.payload_type} ({p.identifier})" for p in profile.payloads
             if p.style == "apple" and p.payload_type in several and p.identifier}
    by_domain: dict[str, list[Origin]] = {}
    for origin in profile.origins:
        by_domain.setdefault(names.get(origin.payload, origin.domain), []).append(origin)
    views: dict[str, _View] = {}
    merged: dict[str, dict[str, Any]] = {}
    for domain, origins in by_domain.items():
        origin = origins[0]
        if len(origins) == 1 and origin.complete:
            views[domain] = _View(origin.node.value, PAYLOAD_KEYS if origin.mode == "custom" else frozenset(),
                                  origin.mode == "Set-Once")
        else:
            merged[domain] = {}
    if merged:
        for setting in profile.settings:
            settings = merged.get(names.get(setting.payload, setting.domain))
            if settings is not None:
                settings[setting.key] = ("Set-Once", setting.value) if setting.mode == "Set-Once" else setting.value
        views.update((domain, _View(settings)) for domain, settings in merged.items())
    return views


def diff(a: Profile, b: Profile) -> list[Change]:
    """What changes from ``a`` to ``b``: metadata first, then settings by domain and key."""
    changes = _compare(_metadata(a), _metadata(b), "metadata", None)
    several = _several(a, b)
    left, right = _views(a, several), _views(b, several)
    empty = _View({})
    # (no cycle: built with the collector paused, and the records of the changes do not set it off)
    with building():
        for domain in sorted(left.keys() | right.keys()):  # a few domains; their keys are the many
            old, new = left.get(domain, empty), right.get(domain, empty)
            if old.once != new.once:
                old, new = old.wrapped(), new.wrapped()
            for key in _changed(old, new):
                changes.append(Change("setting", domain, key, old.shown(key), new.shown(key)))
    return changes


def _changed(old: _View, new: _View) -> list[str]:
    """The keys added, removed or changed, sorted: one lookup per key, and only the changes are sorted."""
    changed = []
    found = 0  # keys of ``old`` that ``new`` has too
    get, old_skip, new_skip = new.settings.get, old.skip, new.skip
    for key, value in old.settings.items():
        if old_skip and key in old_skip:
            continue
        other = get(key)
        if other is None or (new_skip and key in new_skip):
            changed.append(key)
            continue
        found += 1
        if not _same(value, other):
            changed.append(key)
    if found < new.count():  # some keys were added: only then are the new keys walked
        old_settings = old.settings
        changed += [key for key in new.settings
                    if key not in new_skip and (key not in old_settings or key in old_skip)]
    changed.sort()
    return changed


_SCALARS = (str, int, float, bytes, datetime.datetime)  # a type's own == is the plist's equality (bool too)


def _same(old: Any, new: Any) -> bool:
    """Whether two values are the same plist: == of one scalar type at once, canonical forms otherwise."""
    if type(old) is type(new) and isinstance(old, _SCALARS) and old == new:
        return True
    if type(old) is tuple and type(new) is tuple:  # both ("Set-Once", value) of a merged domain
        return _same(old[1], new[1])
    return bool(canonical(old) == canonical(new))


def _compare(left: dict[str, Any], right: dict[str, Any], area: str, domain: str | None) -> list[Change]:
    changes = []
    for key in sorted(left.keys() | right.keys()):
        old, new = left.get(key), right.get(key)
        if old is None or new is None or canonical(old) != canonical(new):
            changes.append(Change(area, domain, key, old, new))
    return changes


def render(changes: list[Change]) -> str:
    return "\n".join(change.render() for change in changes)
