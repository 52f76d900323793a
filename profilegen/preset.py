"""Presets: TOML files of admin decisions (choices), raw settings and profile metadata.

The wizard writes exactly this format; `build` reads it. A preset never names a secret.
"""

from __future__ import annotations

import datetime
import difflib
import tomllib
from collections.abc import Mapping
from pathlib import Path
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

from profilegen.errors import InputError, ValidationError
from profilegen.forms import is_identifier, is_uuid, is_version
from profilegen.paths import presets_dir
from profilegen.plisttypes import PlistValue, Settings, base64_text, utc
from profilegen.record import Record

if TYPE_CHECKING:
    from profilegen.preset_payloads import PresetPayload

FORMAT = 1
_EMPTY: Mapping[str, Any] = MappingProxyType({})  # the immutable default of the metadata's tables
MAX_PRESET_BYTES = 1_000_000
SCOPES = ("System", "User")
STYLES = ("mcx", "custom")
LICENSES = ("volume", "subscription")
# Top-level keys a preset may give in [profile.keys] (Apple's TopLevel.yaml, and PayloadEnabled, which real
# profiles carry): the rest are written from [profile]'s own fields. PayloadType and PayloadScope are there
# for imported profiles that spell them otherwise than macOS expects (build warns): the written value wins.
TOP_LEVEL_KEYS = {"PayloadEnabled": "bool", "TargetDeviceType": "integer", "PayloadExpirationDate": "date",
                  "DurationUntilRemoval": "real", "RemovalDate": "date", "HasRemovalPasscode": "bool",
                  "PayloadDate": "date", "PayloadType": "string", "PayloadScope": "string"}
TOP_LEVEL_TYPE = "Configuration"  # Apple's TopLevel.yaml: "The only supported value"


class PayloadPin(Record):
    """An identifier and UUID kept from a deployed profile, so a rebuild replaces rather than adds."""

    identifier: str | None = None
    uuid: str | None = None


class ProfileMeta(Record):
    """What the profile says of itself. Immutable: a changed copy is `record.replace(meta, ...)`."""

    display_name: str
    identifier: str
    organization: str = ""
    description: str = ""
    scope: str = "System"
    removal_disallowed: bool = False
    payload_style: str = "mcx"
    uuid: str | None = None
    consent_text: Mapping[str, str] = _EMPTY
    payloads: Mapping[str, PayloadPin] = _EMPTY
    keys: Mapping[str, PlistValue] = _EMPTY  # [profile.keys]: TargetDeviceType, PayloadEnabled...


class Fleet(Record):
    """What the preset knows of the Macs it targets: drives version warnings and preconditions."""

    license: str | None = None
    office_version: str | None = None
    mau_version: str | None = None  # Microsoft AutoUpdate's own versions (4.x): its keys are versioned by them
    macos_version: str | None = None  # the oldest macOS: gates Apple payloads and their keys

    def version_of(self, versioned_by: str | None) -> tuple[str, str] | None:
        """(product name, the fleet's oldest version) for a domain's x-versioned-by, when the preset says."""
        if versioned_by == "office" and self.office_version:
            return "Office for Mac", self.office_version
        if versioned_by == "mau" and self.mau_version:
            return "Microsoft AutoUpdate", self.mau_version
        return None


class Preset(Record):
    """A preset as read (or as the wizard and import assemble it). Immutable: change with `record.replace`."""

    name: str
    path: Path | None
    profile: ProfileMeta
    fleet: Fleet = Fleet()
    choices: Mapping[str, str] = _EMPTY
    settings: Mapping[str, Mapping[str, PlistValue]] = _EMPTY
    # [allow_unknown] "domain" = ["Key", ...]: keys the catalogue does not know that are meant as written,
    # though a known key's name is close (a key newer than the catalogue, say)
    allow_unknown: Mapping[str, tuple[str, ...]] = _EMPTY
    payloads: tuple[PresetPayload, ...] = ()

    @property
    def label(self) -> str:
        """How messages name the preset: its file, or "preset NAME" for a shipped one."""
        if self.path is None:
            return self.name
        if self.path.parent == presets_dir():  # as find_preset makes it for a name; no resolve() per preset
            return f"shipped preset {self.name}"
        return str(self.path)


def shipped_presets() -> dict[str, Path]:
    directory = presets_dir()
    try:  # iterdir, not glob: glob compiles a pattern
        return {path.stem: path for path in sorted(directory.iterdir()) if path.suffix == ".toml"}
    except OSError:
        return {}


def find_preset(ref: str) -> Path:
    """A preset path as given, or the shipped preset of that name."""
    candidate = Path(ref)
    if candidate.suffix == ".toml" or "/" in ref or candidate.exists():
        if not candidate.is_file():
            raise InputError("no such preset file", path=ref, hint="check the path")
        return candidate
    shipped = shipped_presets()
    if ref in shipped:
        return shipped[ref]
    close = difflib.get_close_matches(ref, list(shipped), n=1)
    hint = f"did you mean {close[0]!r}?" if close else "`profilegen presets` lists the shipped presets"
    raise InputError(f"no shipped preset named {ref!r}", hint=hint)


def load_preset(ref: str) -> Preset:
    from profilegen.inputfile import read_input

    path = find_preset(ref)
    raw = read_input(path, what="preset", limit=MAX_PRESET_BYTES)
    try:
        data = tomllib.loads(raw.decode("utf-8"))
    except UnicodeDecodeError:
        raise InputError("preset is not UTF-8 text", path=path) from None
    except tomllib.TOMLDecodeError as exc:
        raise InputError(f"not valid TOML: {exc}", path=path, hint="fix the TOML syntax") from None
    except RecursionError:  # tomllib parses nested arrays and inline tables recursively
        raise InputError("the TOML nests arrays or inline tables too deeply to read", path=path,
                         hint="a preference value needs a few levels at most") from None
    return parse_preset(data, name=path.stem, path=path)


class _Reader:
    """Typed access to one TOML table, with errors that name the file and the field."""

    def __init__(self, table: dict[str, Any], where: str, path: Path | None) -> None:
        self.table, self.where, self.path = table, where, path

    def fail(self, message: str, hint: str | None = None) -> ValidationError:
        return ValidationError(message, path=self.path, hint=hint)

    def check_fields(self, allowed: tuple[str, ...]) -> None:
        for name in self.table:
            if name not in allowed:
                close = difflib.get_close_matches(name, allowed, n=1)
                hint = f"did you mean {close[0]!r}?" if close else "allowed: " + ", ".join(allowed)
                raise self.fail(f"unknown field {self.where}.{name}", hint)

    def text(self, name: str, default: str | None = None) -> str:
        value = self.table.get(name, default)
        if not isinstance(value, str):
            if value is None:
                raise self.fail(f"{self.where}.{name} is missing", "add it as a string")
            raise self.fail(f"{self.where}.{name} must be a string, not {value!r}")
        return value

    def optional_text(self, name: str) -> str | None:
        return self.text(name) if name in self.table else None

    def flag(self, name: str, default: bool) -> bool:
        value = self.table.get(name, default)
        if not isinstance(value, bool):
            raise self.fail(f"{self.where}.{name} must be true or false, not {value!r}")
        return value

    def one_of(self, name: str, allowed: tuple[str, ...], default: str | None) -> str | None:
        value = self.table.get(name, default)
        if value is not None and value not in allowed:
            raise self.fail(f"{self.where}.{name} = {value!r} is not allowed", "use one of " + ", ".join(allowed))
        return value


def _table(data: dict[str, Any], name: str, path: Path | None) -> dict[str, Any]:
    value = data.get(name, {})
    if not isinstance(value, dict):
        raise ValidationError(f"[{name}] must be a table", path=path)
    return value


def _profile_meta(table: dict[str, Any], name: str, path: Path | None) -> ProfileMeta:
    reader = _Reader(table, "profile", path)
    reader.check_fields(("display_name", "identifier", "organization", "description", "scope",
                         "removal_disallowed", "payload_style", "uuid", "consent_text", "payloads", "keys"))
    identifier = reader.text("identifier")
    if not is_identifier(identifier):
        raise reader.fail(f"profile.identifier {identifier!r} is not a valid identifier",
                          "use letters, digits, '-' and '_' in dot-separated parts, e.g. com.example.office")
    uuid = reader.optional_text("uuid")
    if uuid is not None and not is_uuid(uuid):
        raise reader.fail(f"profile.uuid {uuid!r} is not a UUID", "use the form 8-4-4-4-12 hex digits")
    consent = table.get("consent_text", {})
    if not isinstance(consent, dict) or not all(isinstance(v, str) for v in consent.values()):
        raise reader.fail("profile.consent_text must be a table of language = text", 'e.g. default = "..."')
    pins: dict[str, PayloadPin] = {}
    for domain, pin in _table(table, "payloads", path).items():
        pin_reader = _Reader(pin if isinstance(pin, dict) else {}, f"profile.payloads.{domain!r}", path)
        pin_reader.check_fields(("identifier", "uuid"))
        pin_uuid = pin_reader.optional_text("uuid")
        if pin_uuid is not None and not is_uuid(pin_uuid):
            raise pin_reader.fail(f"profile.payloads.{domain!r}.uuid {pin_uuid!r} is not a UUID")
        pins[domain] = PayloadPin(identifier=pin_reader.optional_text("identifier"), uuid=pin_uuid)
    scope = reader.one_of("scope", SCOPES, "System") or "System"
    keys = _top_keys(_table(table, "keys", path), path)
    return ProfileMeta(
        display_name=reader.text("display_name", name),
        identifier=identifier,
        organization=reader.text("organization", ""),
        description=reader.text("description", ""),
        scope=scope,
        removal_disallowed=reader.flag("removal_disallowed", False),
        payload_style=reader.one_of("payload_style", STYLES, "mcx") or "mcx",
        uuid=uuid.upper() if uuid else None,
        consent_text=dict(consent),
        payloads=pins,
        keys=keys,
    )


def _top_keys(table: dict[str, Any], path: Path | None) -> dict[str, PlistValue]:
    from profilegen.plisttypes import fits

    keys: dict[str, PlistValue] = {}
    for key, value in table.items():
        kind = TOP_LEVEL_KEYS.get(key)
        if kind is None:
            raise ValidationError(f"profile.keys.{key} is not a top-level key a preset sets", path=path,
                                  hint="use one of " + ", ".join(TOP_LEVEL_KEYS)
                                  + " (the others are [profile] fields)")
        plain = toml_to_plist(value, f"profile.keys.{key}", path)
        if kind == "real" and isinstance(plain, int) and not isinstance(plain, bool):
            plain = float(plain)
        if not fits(plain, kind):
            raise ValidationError(f"profile.keys.{key} must be a {kind}, not {plain!r}", path=path)
        keys[key] = plain
    return keys


def _fleet(table: dict[str, Any], path: Path | None) -> Fleet:
    reader = _Reader(table, "fleet", path)
    reader.check_fields(("license", "office_version", "mau_version", "macos_version"))
    versions = {}
    for name, example in (("office_version", "16.28"), ("mau_version", "4.12"), ("macos_version", "14.0")):
        version = reader.optional_text(name)
        if version is not None and not is_version(version):
            raise reader.fail(f"fleet.{name} {version!r} is not a version", f'write it like "{example}"')
        versions[name] = version
    return Fleet(license=reader.one_of("license", LICENSES, None), **versions)


def toml_to_plist(value: object, where: str, path: Path | None) -> PlistValue:
    """A TOML value as a plist value; TOML dates become midnight UTC, times of day are refused."""
    if isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, datetime.datetime):
        return utc(value)  # the one conversion: an offset date is the same instant in UTC, for every renderer
    if isinstance(value, datetime.date):
        return datetime.datetime(value.year, value.month, value.day)
    if isinstance(value, list):
        return [toml_to_plist(item, where, path) for item in value]
    if isinstance(value, dict):
        return {str(k): toml_to_plist(v, where, path) for k, v in value.items()}
    raise ValidationError(f"{where}: a time of day is not a plist value", path=path,
                          hint="write a full date and time, e.g. 2026-01-31T00:00:00Z")


def parse_preset(data: dict[str, Any], *, name: str, path: Path | None = None) -> Preset:
    top = _Reader(data, "preset", path)
    top.check_fields(("format", "profile", "fleet", "choices", "settings", "payloads", "allow_unknown"))
    version = data.get("format", FORMAT)
    if version != FORMAT:
        raise ValidationError(f"format = {version!r} is not supported", path=path,
                              hint=f"this profilegen reads format = {FORMAT}")
    if "profile" not in data:
        raise ValidationError("[profile] is missing", path=path, hint='add [profile] with identifier = "..."')
    choices = _table(data, "choices", path)
    for choice, option in choices.items():
        if not isinstance(option, str):
            raise ValidationError(f"choices.{choice} must name an option as a string, not {option!r}", path=path)
    settings: Settings = {}
    for domain, keys in _table(data, "settings", path).items():
        if not isinstance(keys, dict):
            raise ValidationError(f"[settings.{domain!r}] must be a table of key = value", path=path,
                                  hint=f'write [settings."{domain}"] and the keys below it')
        settings[domain] = {k: toml_to_plist(v, f"settings.{domain}.{k}", path) for k, v in keys.items()}
    allow: dict[str, tuple[str, ...]] = {}
    for domain, keys in _table(data, "allow_unknown", path).items():
        if not isinstance(keys, list) or not all(isinstance(key, str) for key in keys):
            raise ValidationError(f"allow_unknown.{domain!r} must be a list of key names", path=path,
                                  hint=f'e.g. "{domain}" = ["KeyName"]')
        allow[domain] = tuple(keys)
    payloads: tuple[PresetPayload, ...] = ()
    if "payloads" in data:  # the module, and Apple's schemas later, are loaded only for presets that have some
        from profilegen.preset_payloads import parse_payloads

        payloads = parse_payloads(data["payloads"], path)
    return Preset(
        name=name,
        path=path,
        profile=_profile_meta(_table(data, "profile", path), name, path),
        fleet=_fleet(_table(data, "fleet", path), path),
        choices=dict(choices),
        settings=settings,
        allow_unknown=allow,
        payloads=payloads,
    )


def _plist_to_toml(value: PlistValue) -> Any:
    if isinstance(value, bytes):
        return base64_text(value)
    if isinstance(value, datetime.datetime) and value.tzinfo is None:
        return value.replace(tzinfo=datetime.UTC)
    if isinstance(value, list):
        return [_plist_to_toml(item) for item in value]
    if isinstance(value, dict):
        return {k: _plist_to_toml(v) for k, v in value.items()}
    return value


def preset_document(preset: Preset) -> dict[str, Any]:
    """The TOML document of a preset, in the order an admin reads it; empty fields left out."""
    meta = preset.profile
    profile: dict[str, Any] = {"display_name": meta.display_name, "identifier": meta.identifier}
    if meta.organization:
        profile["organization"] = meta.organization
    if meta.description:
        profile["description"] = meta.description
    profile["scope"] = meta.scope
    profile["removal_disallowed"] = meta.removal_disallowed
    profile["payload_style"] = meta.payload_style
    if meta.uuid:
        profile["uuid"] = meta.uuid
    if meta.consent_text:
        profile["consent_text"] = dict(meta.consent_text)
    if meta.keys:
        profile["keys"] = {k: _plist_to_toml(v) for k, v in meta.keys.items()}
    if meta.payloads:
        profile["payloads"] = {
            domain: {k: v for k, v in (("identifier", pin.identifier), ("uuid", pin.uuid)) if v}
            for domain, pin in meta.payloads.items()
        }
    document: dict[str, Any] = {"format": FORMAT, "profile": profile}
    fleet = {k: v for k, v in (("license", preset.fleet.license),
                               ("office_version", preset.fleet.office_version),
                               ("mau_version", preset.fleet.mau_version),
                               ("macos_version", preset.fleet.macos_version)) if v}
    if fleet:
        document["fleet"] = fleet
    if preset.choices:
        document["choices"] = dict(preset.choices)
    if preset.settings:
        document["settings"] = {d: {k: _plist_to_toml(v) for k, v in keys.items()}
                                for d, keys in preset.settings.items()}
    if preset.allow_unknown:
        document["allow_unknown"] = {d: list(keys) for d, keys in preset.allow_unknown.items()}
    if preset.payloads:
        from profilegen.preset_payloads import payload_document

        document["payloads"] = [payload_document(p) for p in preset.payloads]
    return document


def dumps_preset(preset: Preset) -> str:
    """The preset's TOML, printable text only: a control or bidi character in a value is an escape."""
    import tomli_w

    from profilegen.printable import toml_text

    return toml_text(tomli_w.dumps(preset_document(preset)))
