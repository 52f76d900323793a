"""Resolution: a preset's choices, raw settings and `--set` overrides become one set of typed settings.

Every source of settings (wizard, preset, command line, imported profile) goes through this code, so a
value is checked the same way wherever it came from.
"""

from __future__ import annotations

import difflib
import json
from collections.abc import Sequence
from typing import TYPE_CHECKING

from profilegen.catalog import Catalog, KeySpec, Option
from profilegen.errors import ValidationError
from profilegen.forms import is_domain
from profilegen.overrides import typed_override
from profilegen.plisttypes import PlistValue, Settings, display, plist_type_of
from profilegen.preset import SCOPES, TOP_LEVEL_TYPE, Preset
from profilegen.record import Record
from profilegen.values import ValueTypeError, coerce
from profilegen.versions import before, parse_version
from profilegen.writable import text_problem, value_problem

if TYPE_CHECKING:
    from profilegen.preset_payloads import PresetPayload

SET_ORIGIN = "--set"
CHOICE_ORIGIN = "choice "
SETTINGS_ORIGIN = "settings"


def value_text(value: PlistValue) -> str:
    """A value in a message: text in double quotes, so the string "false" never reads as the boolean."""
    return json.dumps(value, ensure_ascii=False) if isinstance(value, str) else display(value)


class Finding(Record):
    severity: str  # "error" | "warning" | "info"
    rule: str
    message: str
    domain: str | None = None
    key: str | None = None
    path: str | None = None

    def render(self) -> str:
        where = f"{self.path}: " if self.path else ""
        return f"{self.severity}: {where}{self.message} [{self.rule}]"


class Resolution(Record):
    preset: Preset
    settings: Settings
    origins: dict[tuple[str, str], str]
    chosen: dict[str, Option]
    findings: list[Finding]
    payloads: tuple[PresetPayload, ...] = ()  # Apple payloads, typed and checked; preference payloads are `settings`

    @property
    def warnings(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == "warning"]


TYPO_CUTOFF = 0.85  # difflib's ratio: ChanelName / ChannelName is 0.95, NoSuchKey / a real key far below


def probable_typo(key: str, known: list[str]) -> str | None:
    """The known key ``key`` is most probably a misspelling of: the same name in another case, or one within a
    letter or two (difflib ratio of at least TYPO_CUTOFF)."""
    lowered = {name.lower(): name for name in known}
    if key.lower() in lowered:
        return lowered[key.lower()]
    close = difflib.get_close_matches(key, known, n=1, cutoff=TYPO_CUTOFF)
    return close[0] if close else None


class _Resolver:
    def __init__(self, preset: Preset, catalog: Catalog) -> None:
        self.preset = preset
        self.catalog = catalog
        self.where = preset.label
        self.settings: Settings = {}
        self.origins: dict[tuple[str, str], str] = {}
        self.chosen: dict[str, Option] = {}
        self.findings: list[Finding] = []
        self.errors: list[str] = []
        self.payloads: list[PresetPayload] = list(preset.payloads)
        self.choice_payloads: list[PresetPayload] = []

    def note(self, severity: str, rule: str, message: str, domain: str | None = None,
             key: str | None = None) -> None:
        self.findings.append(Finding(severity, rule, message, domain, key, self.where))

    # -- choices -------------------------------------------------------------------------------
    def apply_choices(self) -> None:
        for choice_name, option_name in self.preset.choices.items():
            if not self.catalog.has_choice(choice_name):
                close = difflib.get_close_matches(choice_name, self.catalog.choice_names(), n=1)
                hint = f"did you mean {close[0]!r}?" if close else "`profilegen catalog choices` lists them"
                self.errors.append(f"unknown choice {choice_name!r} ({hint})")
                continue
            option = self.catalog.option(choice_name, option_name)
            if option is None:
                names = self.catalog.option_names(choice_name)
                self.errors.append(f"choices.{choice_name} = {option_name!r} is not an option "
                                   f"(use one of {', '.join(map(repr, names))})")
                continue
            self.chosen[choice_name] = option
            self.check_option(option)
            for effect in option.sets:
                self.put(effect.domain, effect.key, effect.value, f"{CHOICE_ORIGIN}{option.label}")
            if option.payloads:
                from profilegen.preset_payloads import parse_payload

                self.choice_payloads += [parse_payload(table, f"{CHOICE_ORIGIN}{option.label}", None)
                                         for table in option.payloads]

    def check_option(self, option: Option) -> None:
        fleet = self.preset.fleet
        if option.requires_license:
            if fleet.license is None:
                self.note("warning", "license-unknown",
                          f"{option.label} is for {option.requires_license}-license installs only"
                          f"{': ' + option.warning if option.warning else ''}; "
                          f'set [fleet] license = "{option.requires_license}" to confirm')
            elif fleet.license != option.requires_license:
                self.errors.append(f"{option.label} needs a {option.requires_license} license, but "
                                   f"fleet.license = {fleet.license!r}"
                                   f"{' (' + option.warning + ')' if option.warning else ''}")
                return
            elif option.warning:
                self.note("info", "option-note", f"{option.label}: {option.warning}")
        elif option.warning:
            self.note("info", "option-note", f"{option.label}: {option.warning}")
        version = fleet.office_version
        if version and option.app_min and before(version, option.app_min):
            self.note("warning", "version-too-old",
                      f"{option.label} needs Office for Mac {option.app_min} or later; "
                      f"the fleet's oldest is {version}")
        if version and option.app_max and before(option.app_max, version):
            instead = f"; use {', '.join(option.replaced_by)} instead" if option.replaced_by else ""
            self.note("warning", "version-too-new",
                      f"{option.label} works up to Office for Mac {option.app_max}; "
                      f"the fleet's oldest is {version}{instead}")

    # -- settings ------------------------------------------------------------------------------
    def put(self, domain: str, key: str, value: PlistValue, origin: str) -> None:
        current = self.settings.setdefault(domain, {})
        if key in current and origin != SET_ORIGIN:
            previous = self.origins[(domain, key)]
            if current[key] != value or plist_type_of(current[key]) != plist_type_of(value):
                self.errors.append(f"{domain}:{key} is set to {value_text(current[key])} by {previous} "
                                   f"and to {value_text(value)} by {origin}; keep one of them")
            return
        if key in current and current[key] != value:
            self.note("info", "set-overrides", f"--set {domain}:{key}={display(value)} overrides "
                      f"{display(current[key])} from {self.origins[(domain, key)]}", domain, key)
        current[key] = value
        self.origins[(domain, key)] = origin

    def apply_raw(self) -> None:
        for domain, keys in self.preset.settings.items():
            for key, value in keys.items():
                self.put(domain, key, value, SETTINGS_ORIGIN)

    def apply_overrides(self, overrides: Sequence[str]) -> None:
        for text in overrides:
            override, value = typed_override(text, self.catalog)
            self.put(override.domain, override.key, value, SET_ORIGIN)

    # -- Apple payloads --------------------------------------------------------------------------
    def check_payloads(self) -> None:
        """The preset's payloads and its choices' (a choice's adds to the preset's of the same type and name)."""
        if not self.payloads and not self.choice_payloads:
            return
        from profilegen.payload_resolve import check, merge

        merged, errors = merge([*self.payloads, *self.choice_payloads])
        self.errors += errors
        checked = check(merged, self.catalog.payloads, self.preset.fleet.macos_version, self.preset.profile.scope)
        self.errors += checked.errors
        for note in checked.notes:  # key: the TOML path, so that the build report can name the file too
            self.note(note.severity, note.rule, note.message, key=note.message.split(" ", 1)[0])
        self.payloads = list(checked.payloads)

    # -- checks against the catalogue -------------------------------------------------------------
    def check_text(self) -> None:
        """Domains a shell and `defaults` take as one name; text an XML plist can carry."""
        for domain, keys in self.settings.items():
            if not is_domain(domain):
                self.errors.append(f"{domain!r} is not a preference domain: use a bundle identifier "
                                   "such as com.microsoft.Word")
            for key, value in keys.items():
                if not key:
                    self.errors.append(f"{domain}: a key has an empty name")
                elif problem := text_problem(key):
                    self.errors.append(f"{domain}: the key {key!r} {problem}")
                elif problem := value_problem(value):
                    self.errors.append(f"{domain}:{key} {problem}")

    def check_profile_text(self) -> None:
        """The profile's own text (display name, description...) goes into the plist as well."""
        meta = self.preset.profile
        fields = [("profile.display_name", meta.display_name), ("profile.organization", meta.organization),
                  ("profile.description", meta.description)]
        fields += [(f"profile.consent_text.{lang}", text) for lang, text in meta.consent_text.items()]
        fields += [(f"profile.payloads.{domain}.identifier", pin.identifier or "")
                   for domain, pin in meta.payloads.items()]
        for name, text in fields:
            problem = text_problem(text)
            if problem and name == "profile.display_name" and text == self.preset.name:
                self.errors.append(f"the preset's file name (the profile's display name by default) {problem}, "
                                   "or set profile.display_name")
            elif problem:
                self.errors.append(f"{name} {problem}")
        for lang in meta.consent_text:
            if problem := text_problem(lang):
                self.errors.append(f"profile.consent_text has a language that {problem}")
        self.check_top_keys()

    def check_top_keys(self) -> None:
        """[profile.keys] may keep an imported profile's PayloadType or PayloadScope as it was spelled: written
        as given, with `validate`'s own rule ids, since macOS may refuse the profile."""
        keys = self.preset.profile.keys
        for name in ("PayloadType", "PayloadScope"):
            value = keys.get(name)
            if isinstance(value, str) and (problem := text_problem(value)):
                self.errors.append(f"profile.keys.{name} {problem}")
        kind = keys.get("PayloadType")
        if kind is not None and kind != TOP_LEVEL_TYPE:
            self.note("warning", "payload-type", f"profile.keys.PayloadType = {value_text(kind)} is written as the "
                      f'top-level PayloadType; macOS expects "{TOP_LEVEL_TYPE}" there, so the profile may not '
                      "install, and `sign` and `upload` refuse it (remove the key to write "
                      f"{TOP_LEVEL_TYPE})")
        scope = keys.get("PayloadScope")
        meant = next((s for s in SCOPES if isinstance(scope, str) and s.lower() == scope.lower()), None)
        if isinstance(scope, str) and meant is not None and meant != self.preset.profile.scope:  # the other scope
            self.errors.append(f"profile.keys.PayloadScope = {value_text(scope)} means {meant}, but profile.scope is "
                               f'"{self.preset.profile.scope}" (set scope = "{meant}", or remove the key)')
        elif scope is not None and scope not in SCOPES:
            self.note("warning", "scope-value", f"profile.keys.PayloadScope = {value_text(scope)} is written as "
                      'the PayloadScope; macOS expects "System" or "User", spelled so (case matters), so the '
                      f"profile may not install (remove the key to write {self.preset.profile.scope})")

    def check_domains(self) -> None:
        for domain, keys in self.settings.items():
            schema = self.catalog.domain(domain)
            if schema is None:
                self.note("warning", "unknown-domain",
                          f"{domain} is not in the catalogue: its {len(keys)} key(s) are written "
                          f"with the types given, unchecked", domain)
                continue
            if problem := text_problem(schema.title):  # it becomes the payload's PayloadDisplayName
                self.errors.append(f"{domain}: the catalogue's title of the domain {problem} "
                                   f"[catalogue: {schema.path}]")
                continue
            known = self.preset.fleet.version_of(schema.versioned_by)  # (product, the fleet's oldest version)
            if known is not None and parse_version(known[1]) is None:
                known = None
            for key in list(keys):
                spec = schema.keys.get(key)
                if spec is None:
                    self.unknown_key(domain, key, list(schema.keys))
                    continue
                try:
                    keys[key] = coerce(keys[key], spec)
                except ValueTypeError as exc:
                    self.errors.append(self.bad_value(domain, key, keys[key], str(exc), spec))
                    continue
                self.check_versions(spec, keys[key], known)
            # A choice's values are catalogue data, checked against these schemas by the catalogue's
            # own tests (tests/test_catalog_data.py), as the schema files are by the meta-schema: the
            # validator checks what the admin wrote. A build made of choices alone never loads it.
            given = {k: v for k, v in keys.items() if not self.origins[(domain, k)].startswith(CHOICE_ORIGIN)}
            if not given:
                continue
            from profilegen.validation import violations

            for violation in violations(schema, given):
                spec = schema.keys.get(violation.key)
                if spec is None:
                    continue
                self.errors.append(self.bad_value(domain, violation.key, keys[violation.key],
                                                  violation.message, spec,
                                                  schema.source_label if schema.imported_from else None))

    def unknown_key(self, domain: str, key: str, known: list[str]) -> None:
        """A key the catalogue does not know: an error when a known key's name is that close (a probable typo,
        ChanelName for ChannelName) unless the preset's [allow_unknown] lists it; otherwise a warning."""
        if key in self.preset.allow_unknown.get(domain, ()):
            self.note("info", "unknown-key-meant", f"{domain}:{key} is not in the catalogue; written as given "
                      "([allow_unknown] says it is meant)", domain, key)
            return
        close = probable_typo(key, known)
        if close is not None:
            self.errors.append(f"{domain}:{key} is not a key of {domain}: did you mean {close!r}? (if {key!r} is "
                               f'meant, list it in the preset: [allow_unknown] "{domain}" = ["{key}"])')
            return
        near = difflib.get_close_matches(key, known, n=1)
        self.note("warning", "unknown-key", f"{domain}:{key} is not a known key of {domain}"
                  + (f" (did you mean {near[0]!r}?)" if near else ""), domain, key)

    def bad_value(self, domain: str, key: str, value: PlistValue, problem: str, spec: KeySpec,
                  source: str | None = None) -> str:
        """The validator's words, unless the allowed values say it all (an enum lists them anyway)."""
        origin = self.origins.get((domain, key), SETTINGS_ORIGIN)
        because = "" if spec.enum is not None else f": {problem}"
        return (f"{domain}:{key} = {value_text(value)} (from {origin}) is not allowed{because}; "
                f"use {spec.allowed()}" + (f" [catalogue: {source}]" if source else ""))

    def check_versions(self, spec: KeySpec, value: PlistValue, known: tuple[str, str] | None) -> None:
        """Notes on deprecated values, and on keys the fleet's oldest version (``known``) lacks or retired."""
        ident = f"{spec.domain}:{spec.name}"
        if spec.do_not_set:
            self.note("warning", "do-not-set", f"{ident} must not be set: {spec.do_not_set}", spec.domain, spec.name)
        if isinstance(value, str) and value in spec.deprecated_values:
            origin = self.origins.get((spec.domain, spec.name), "")
            if not origin.startswith(CHOICE_ORIGIN):  # a choice's own note already explains its values
                self.note("info", "deprecated-value",
                          f"{ident} = {value!r}: {spec.deprecated_values[value]}", spec.domain, spec.name)
        if known is None:
            return
        product, version = known
        replacement = f"; use {spec.replaced_by} instead" if spec.replaced_by else ""
        disputed = f" (sources disagree: {spec.dispute})" if spec.dispute else ""
        if spec.app_min and before(version, spec.app_min):
            self.note("warning", "version-too-old", f"{ident} needs {product} {spec.app_min} or later; "
                      f"the fleet's oldest is {version}{disputed}", spec.domain, spec.name)
        if spec.app_max and before(spec.app_max, version):
            self.note("warning", "key-retired", f"{ident} last works in {product} {spec.app_max}; "
                      f"the fleet's oldest is {version}{replacement}{disputed}", spec.domain, spec.name)
        elif spec.deprecated_in and not before(version, spec.deprecated_in):
            self.note("info", "key-deprecated", f"{ident} is deprecated from {product} "
                      f"{spec.deprecated_in}{replacement}{disputed}", spec.domain, spec.name)


def resolve(preset: Preset, catalog: Catalog, overrides: Sequence[str] = (), strict: bool = False) -> Resolution:
    """Typed, validated settings for a preset; raises ValidationError listing every problem."""
    resolver = _Resolver(preset, catalog)
    resolver.apply_choices()
    resolver.apply_raw()
    resolver.apply_overrides(overrides)
    resolver.check_text()
    resolver.check_profile_text()
    if not resolver.errors:
        resolver.check_domains()
    resolver.check_payloads()
    if not resolver.errors and not any(resolver.settings.values()) and not preset.payloads:
        # the rule `validate` applies to the built file, applied to the preset: one rule for both
        resolver.note("warning", "empty-profile", "the profile sets nothing (no choice is made and no setting "
                      "or payload given): it would install and change nothing")
    if strict:
        resolver.errors.extend(f"{f.message} (a warning, an error under --strict)"
                               for f in resolver.findings if f.severity == "warning")
    if resolver.errors:
        raise ValidationError("\n".join(resolver.errors), path=preset.label)
    settings = {domain: dict(sorted(keys.items())) for domain, keys in sorted(resolver.settings.items()) if keys}
    return Resolution(preset, settings, resolver.origins, resolver.chosen, resolver.findings,
                      tuple(resolver.payloads))
