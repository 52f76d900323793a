"""What the command line may change in a preset: its identity (identifier, organization, display name), its
fleet (license, oldest Office), its keys (`--set DOMAIN:KEY=VALUE`, typed by the catalogue), and the empty
preset `build --set` starts from when no preset is named.

Each value is checked with the forms a preset file is checked with, and refused with the same reason.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from profilegen.errors import UsageError
from profilegen.forms import is_identifier, is_version
from profilegen.preset import LICENSES, Preset, ProfileMeta
from profilegen.record import Record, replace
from profilegen.values import ValueTypeError, parse_text

if TYPE_CHECKING:
    from profilegen.catalog import Catalog
    from profilegen.plisttypes import PlistValue

IDENTIFIER_HINT = "use letters, digits, '-' and '_' in dot-separated parts, e.g. com.example.office"


class Overrides(Record):
    """Values given on the command line; None leaves the preset's own."""

    identifier: str | None = None
    organization: str | None = None
    display_name: str | None = None
    office_version: str | None = None
    license: str | None = None

    def check(self) -> Overrides:
        if self.identifier is not None and not is_identifier(self.identifier):
            raise UsageError(f"--identifier {self.identifier!r} is not a valid identifier", hint=IDENTIFIER_HINT)
        if self.office_version is not None and not is_version(self.office_version):
            raise UsageError(f"--office-version {self.office_version!r} is not a version",
                             hint="write it like 16.28")
        if self.license is not None and self.license not in LICENSES:
            raise UsageError(f"--license {self.license!r} is not a license", hint="use " + " or ".join(LICENSES))
        if self.display_name is not None and not self.display_name.strip():
            raise UsageError("--display-name is empty", hint="System Settings shows it: give the profile a name")
        return self

    def apply(self, preset: Preset) -> Preset:
        """The preset with these values in place of its own."""
        meta = {name: value for name, value in (("identifier", self.identifier),
                                                 ("organization", self.organization),
                                                 ("display_name", self.display_name)) if value is not None}
        fleet = {name: value for name, value in (("office_version", self.office_version),
                                                  ("license", self.license)) if value is not None}
        if not meta and not fleet:
            return preset
        return replace(preset, profile=replace(preset.profile, **meta), fleet=replace(preset.fleet, **fleet))


def stem_of(identifier: str) -> str:
    """The file name of a preset made from an identifier alone: its last part (com.contoso.chrome -> chrome)."""
    return identifier.rsplit(".", 1)[-1]


def empty_preset(overrides: Overrides) -> Preset:
    """What `build --set ...` without a preset builds: no choice, no setting, the identity given.

    The identifier is required rather than invented: a profile is replaced on the Macs by the next one with
    the same identifier, so a made-up one would make unrelated profiles replace each other.
    """
    if overrides.identifier is None:
        raise UsageError("without a PRESET, build needs --identifier (the profile's reverse-DNS identifier)",
                         hint="e.g. profilegen build --identifier com.contoso.chrome --set DOMAIN:KEY=VALUE")
    name = stem_of(overrides.identifier)
    preset = Preset(name=name, path=None, profile=ProfileMeta(display_name=name, identifier=overrides.identifier))
    return overrides.apply(preset)


class Override(Record):
    domain: str
    key: str
    text: str


def parse_override(text: str) -> Override:
    """`DOMAIN:KEY=VALUE` from the command line."""
    head, sep, value = text.partition("=")
    domain, colon, key = head.partition(":")
    if not sep or not colon or not domain.strip() or not key.strip():
        raise UsageError(f"--set {text!r} is not DOMAIN:KEY=VALUE",
                         hint="e.g. --set com.microsoft.autoupdate2:ChannelName=Preview")
    return Override(domain.strip(), key.strip(), value)


def typed_override(text: str, catalog: Catalog) -> tuple[Override, PlistValue]:
    """`--set DOMAIN:KEY=VALUE` parsed and its value typed by the catalogue (one message for build and new)."""
    override = parse_override(text)
    spec = catalog.key(override.domain, override.key)
    try:
        return override, parse_text(override.text, spec)
    except ValueTypeError as exc:
        assert spec is not None
        raise UsageError(f"--set {text!r}: {override.text!r} {exc}",
                         hint=f"{override.domain}:{override.key} takes {spec.allowed()}") from None
