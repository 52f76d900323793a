"""`profilegen new`: a preset made from a name, an optional starting preset, identity options and `--set`.

The result is resolved against the catalogue before anything is written, so a new preset builds.
"""

from __future__ import annotations

from collections.abc import Sequence

from profilegen.catalog import Catalog
from profilegen.naming import PLACEHOLDER_ORG, default_identifier, slug
from profilegen.overrides import Overrides, typed_override
from profilegen.plisttypes import Settings
from profilegen.preset import Preset, ProfileMeta, load_preset
from profilegen.record import Record, replace
from profilegen.resolve import resolve


class NewPreset(Record):
    preset: Preset
    notes: list[str]


def _identifier(name: str, overrides: Overrides, notes: list[str]) -> str:
    if overrides.identifier is not None:
        return overrides.identifier
    if overrides.organization:
        return default_identifier(overrides.organization, name)
    notes.append(f"the identifier is a placeholder ({PLACEHOLDER_ORG}.{slug(name) or 'profile'}): give "
                 "--org or --identifier, or edit profile.identifier before you deploy")
    return f"{PLACEHOLDER_ORG}.{slug(name) or 'profile'}"


def _settings(preset: Preset, set_values: Sequence[str], catalog: Catalog) -> Settings:
    settings = {domain: dict(keys) for domain, keys in preset.settings.items()}
    for text in set_values:
        override, value = typed_override(text, catalog)
        settings.setdefault(override.domain, {})[override.key] = value
    return settings


def new_preset(name: str, source: str | None, overrides: Overrides, set_values: Sequence[str],
               catalog: Catalog) -> NewPreset:
    notes: list[str] = []
    if source is not None:
        start = load_preset(source)
        start = replace(start, name=name, path=None,
                        profile=replace(start.profile, uuid=None, payloads={}))  # pins belong to the original
    else:
        start = Preset(name=name, path=None, profile=ProfileMeta(display_name=name, identifier="x"))
    start = replace(start, profile=replace(start.profile, identifier=_identifier(name, overrides, notes)))
    start = Overrides(organization=overrides.organization, display_name=overrides.display_name,
                      office_version=overrides.office_version, license=overrides.license).apply(start)
    preset = replace(start, settings=_settings(start, set_values, catalog))
    resolve(preset, catalog)  # refuses what a build would refuse, before anything is written
    return NewPreset(preset, notes)
